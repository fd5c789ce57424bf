#include "core/classify.h"
#include "core/fingerprint.h"

#include <string.h>

/* The normalised text: tokens cut apart in place, found by their offsets.
 * A token is at least one byte and a separator, so the offsets fit. */
#define NORM_CAP (3 * FP_TEXT_MAX)
#define TOKS_MAX (NORM_CAP / 2)

struct toks {
	char text[NORM_CAP];
	unsigned short off[TOKS_MAX];
	int n;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- lexicons (docs/SOCIAL.md lists them with their reasons) ---- */

/* Interrogative words; a sentence opening with one followed by QAUX asks. */
static const char *const QWORD[] = {
	"what", "how", "why", "where", "when", "who", "which", "whose", "whom",
	"quem", "qual", "quais", "quando", "onde", "como", "quanto", "quanta", "quantos",
	"quantas", "por que", "o que", "pra que", "para que",
	"quien", "quienes", "cual", "cuales", "cuando", "donde", "cuanto", "cuanta", "cuantos",
	"cuantas", "que",
};
static const char *const QAUX[] = {
	"is", "are", "was", "were", "do", "does", "did", "can", "could", "should", "would",
	"will", "have", "has", "am", "isnt", "doesnt", "dont", "cant", "wont", "to",
	"e", "sao", "foi", "era", "esta", "estao", "faz", "faco", "fazer", "posso", "pode",
	"podem", "podemos", "consigo", "devo", "deve", "tem", "ha", "voce", "voces", "vc",
	"vcs", "alguem", "funciona",
	"es", "son", "fue", "estan", "hace", "hago", "hacer", "puedo", "puede", "pueden",
	"debo", "debe", "tiene", "tienes", "hay", "tu", "usted", "ustedes", "alguien", "se",
	"te",
};
/* English questions invert: an auxiliary, then a pronoun. */
static const char *const INV_AUX[] = {
	"can", "could", "would", "will", "do", "does", "did", "is", "are", "was", "were",
	"have", "has", "should", "shall", "may", "might", "isnt", "arent", "doesnt", "dont",
	"didnt", "cant", "wont",
};
static const char *const INV_PRON[] = {
	"you", "u", "i", "we", "they", "it", "this", "that", "there", "anyone", "anybody",
	"someone", "somebody", "he", "she", "your", "my",
};
/* Openers that ask whatever follows. */
static const char *const QOPEN[] = {
	"any idea", "any ideas", "anyone know", "anyone knows", "anybody know", "anyone else",
	"alguem sabe", "alguem tem", "alguem ja", "voce sabe", "voces sabem", "vc sabe",
	"sabe se", "sabem se", "tem como", "da pra", "e possivel", "sera que",
	"alguien sabe", "alguien tiene", "alguien ha", "sabes si", "sabe si", "saben si",
	"hay alguna", "hay algun", "hay forma", "es posible", "se puede",
};
/* Skipped at the start of a sentence before looking for an opener. */
static const char *const GREETING[] = {
	FP_MASK_MENTION, FP_MASK_NAME, "hi", "hey", "hello", "oi", "ola", "hola", "so", "entao",
	"entonces", "pero", "mas", "but",
};

static const char *const CRITICISM[] = {
	"doesnt work", "does not work", "dont work", "didnt work", "not working",
	"isnt working", "stopped working", "broken", "broke", "bug", "buggy", "crash",
	"crashes", "crashed", "crashing", "disappointed", "disappointing", "disappointment",
	"terrible", "awful", "horrible", "worst", "useless", "unacceptable", "waste of",
	"refund", "scam", "rip off", "ripoff", "frustrated", "frustrating", "annoying",
	"still waiting", "no response", "no reply", "not happy", "unhappy", "poor service",
	"bad service", "fix this", "sucks", "fails", "failed", "failing", "complaint",
	"charged twice", "never again",
	"nao funciona", "nao esta funcionando", "nao funcionou", "parou de funcionar",
	"quebrado", "quebrada", "quebrou", "pessimo", "pessima", "horrivel", "terrivel",
	"decepcionado", "decepcionada", "decepcao", "decepcionante", "lixo", "absurdo",
	"ridiculo", "vergonha", "reembolso", "sem resposta", "ninguem responde",
	"ainda esperando", "travando", "travou", "falha", "reclamacao", "insatisfeito",
	"insatisfeita", "nunca mais", "golpe",
	"no funciona", "no esta funcionando", "no funciono", "dejo de funcionar", "roto",
	"rota", "pesimo", "pesima", "decepcion", "basura", "inaceptable", "estafa",
	"sin respuesta", "nadie responde", "sigo esperando", "fallo", "falla", "queja",
	"insatisfecho", "insatisfecha", "nunca mas", "verguenza",
};
/* A criticism phrase right after one of these is negated ... */
static const char *const NEGATOR[] = {
	"not", "never", "no", "isnt", "wasnt", "arent", "dont", "doesnt", "didnt", "wont",
	"cant", "without", "nothing", "hardly", "nao", "nunca", "nem", "sem", "ni", "sin",
	"nada",
};
/* ... or after one of these after a negator ("isn't really broken", "não
 * está quebrado"). */
static const char *const SOFTENER[] = {
	"really", "that", "so", "very", "even", "too", "muito", "tao", "tan", "tampoco",
	"esta", "e", "foi", "era", "ficou", "es", "fue", "estaba",
};

static const char *const PROMO[] = {
	"buy", "buy now", "discount", "discounts", "promo", "promo code", "coupon", "sale",
	"on sale", FP_MASK_NUMBER " off", "limited time", "order now", "shop now",
	"free shipping", "use code", "deal", "deals", "giveaway",
	"compre", "compre ja", "desconto", "descontos", "promocao", "cupom", "oferta",
	"ofertas", "frete gratis", "aproveite", "liquidacao",
	"compra ya", "descuento", "descuentos", "promocion", "cupon", "envio gratis",
	"aprovecha", "rebajas",
};
static const char *const PITCH[] = {
	"our product", "our products", "our service", "our services", "our platform",
	"our agency", "my course", "my product", "my services", "check out my",
	"check out our", "book a call", "schedule a call", "quick call", "a demo",
	"free trial", "pricing", "grow your", "boost your", "more followers", "more sales",
	"leads", "partnership", "collab", "dm me", "link in bio", "i help", "we help",
	"nosso produto", "nossos produtos", "nosso servico", "nossos servicos",
	"nossa plataforma", "nossa agencia", "meu curso", "meus servicos", "agende uma",
	"agendar uma", "uma reuniao", "uma demonstracao", "teste gratis", "teste gratuito",
	"proposta", "parceria", "orcamento", "mais seguidores", "mais vendas",
	"nuestro producto", "nuestros productos", "nuestro servicio", "nuestros servicios",
	"nuestra plataforma", "nuestra agencia", "mi curso", "mis servicios", "agenda una",
	"agendar una", "una llamada", "una reunion", "una demo", "prueba gratis",
	"prueba gratuita", "propuesta", "colaboracion", "presupuesto", "mas seguidores",
	"mas ventas",
};

/* ---- tokens ---- */

/* Normalises the input with marks and cuts it into tokens. */
static int toks_load(struct toks *t, const char *in, size_t n, unsigned flags)
{
	t->n = 0;
	if (fp_normalize(in, n, flags | FP_MARKS, NULL, t->text, sizeof t->text) < 0)
		return -1;
	char *p = t->text;
	while (*p && t->n < TOKS_MAX) {
		t->off[t->n++] = (unsigned short)(p - t->text);
		char *sp = strchr(p, ' ');
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	return 0;
}

static const char *tok(const struct toks *t, int i)
{
	return i >= 0 && i < t->n ? t->text + t->off[i] : "";
}

static bool is_end(const struct toks *t, int i)
{
	return !strcmp(tok(t, i), ".") || !strcmp(tok(t, i), "?");
}

/* Number of tokens from i that spell phrase (words separated by one
 * space), 0 if they do not. */
static int match_at(const struct toks *t, int i, const char *phrase)
{
	int k = 0;
	while (*phrase) {
		const char *w = tok(t, i + k);
		size_t len = strcspn(phrase, " ");
		if (strlen(w) != len || strncmp(w, phrase, len))
			return 0;
		k++;
		phrase += len + (phrase[len] == ' ');
	}
	return k;
}

/* The entry of list that matches at i (tokens matched in *len), or NULL. */
static const char *match_list(const struct toks *t, int i, const char *const *list, size_t n,
			      int *len)
{
	for (size_t k = 0; k < n; k++)
		if ((*len = match_at(t, i, list[k])) > 0)
			return list[k];
	return NULL;
}

static bool in_list(const struct toks *t, int i, const char *const *list, size_t n)
{
	int len;
	return match_list(t, i, list, n, &len) && len == 1;
}

/* ---- questions ---- */

/* The opener at i exactly, or NULL. */
static const char *opener_here(const struct toks *t, int i)
{
	int len;
	const char *e;
	if ((e = match_list(t, i, QOPEN, COUNT(QOPEN), &len)))
		return e;
	if ((e = match_list(t, i, QWORD, COUNT(QWORD), &len)) &&
	    in_list(t, i + len, QAUX, COUNT(QAUX)))
		return e;
	if (in_list(t, i, INV_AUX, COUNT(INV_AUX)) && in_list(t, i + 1, INV_PRON, COUNT(INV_PRON)))
		return tok(t, i);
	return NULL;
}

/* The opener of the sentence starting at i, or NULL. Greetings and
 * mentions before it are skipped, and after a greeting one more word (a
 * name: "hi Ana, can you ..."). */
static const char *opener_at(const struct toks *t, int i)
{
	int start = i;
	while (i < t->n && in_list(t, i, GREETING, COUNT(GREETING)))
		i++;
	const char *e = opener_here(t, i);
	if (!e && i > start && !is_end(t, i))
		e = opener_here(t, i + 1);
	return e;
}

static const char *question_cue(const struct toks *t)
{
	for (int i = 0; i < t->n; i++) {
		if (!strcmp(tok(t, i), "?"))
			return "?";
		const char *e = (i == 0 || is_end(t, i - 1)) ? opener_at(t, i) : NULL;
		if (e)
			return e;
	}
	return NULL;
}

/* ---- criticism ---- */

static bool negated(const struct toks *t, int i)
{
	if (i >= 1 && in_list(t, i - 1, NEGATOR, COUNT(NEGATOR)))
		return true;
	return i >= 2 && in_list(t, i - 1, SOFTENER, COUNT(SOFTENER)) &&
	       in_list(t, i - 2, NEGATOR, COUNT(NEGATOR));
}

/* The first entry of list found in t, not negated when check_neg; counts
 * every such match in *hits. */
static const char *find_phrases(const struct toks *t, const char *const *list, size_t n,
				bool check_neg, int *hits)
{
	const char *first = NULL;
	*hits = 0;
	for (int i = 0; i < t->n; i++) {
		int len;
		const char *e = match_list(t, i, list, n, &len);
		if (!e || (check_neg && negated(t, i)))
			continue;
		first = first ? first : e;
		(*hits)++;
		i += len - 1;
	}
	return first;
}

int cls_classify(const char *in, size_t n, unsigned flags, struct cls_result *out)
{
	struct toks t;
	*out = (struct cls_result){.kind = CLS_OTHER, .cue = ""};
	if (toks_load(&t, in, n, flags) < 0)
		return -1;
	int hits;
	const char *crit = find_phrases(&t, CRITICISM, COUNT(CRITICISM), true, &hits);
	const char *q = question_cue(&t);
	out->criticism = crit != NULL;
	out->question = q != NULL;
	out->kind = crit ? CLS_CRITICISM : q ? CLS_QUESTION : CLS_OTHER;
	out->cue = crit ? crit : q ? q : "";
	return 0;
}

const char *cls_kind_name(enum cls_kind kind)
{
	switch (kind) {
	case CLS_QUESTION: return "question";
	case CLS_CRITICISM: return "criticism";
	default: return "other";
	}
}

/* ---- composer hints ---- */

static bool is_plain_word(const char *w)
{
	return w[0] != '<' && w[0] != '#' && strcmp(w, ".") && strcmp(w, "?");
}

/* A link with at most HINT_LINK_ONLY_WORDS other words. */
static bool link_only(const struct toks *t)
{
	int urls = 0, words = 0;
	for (int i = 0; i < t->n; i++) {
		urls += !strcmp(tok(t, i), FP_MASK_URL);
		words += is_plain_word(tok(t, i));
	}
	return urls > 0 && words <= HINT_LINK_ONLY_WORDS;
}

static bool has_url(const struct toks *t)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(tok(t, i), FP_MASK_URL))
			return true;
	return false;
}

int cls_hints(const char *in, size_t n, unsigned flags, bool to_stranger, struct cls_hints *out)
{
	struct toks t;
	struct fp_caps caps;
	*out = (struct cls_hints){.promo_cue = "", .pitch_cue = ""};
	if (toks_load(&t, in, n, flags) < 0 || fp_caps(in, n, flags, &caps) < 0)
		return -1;
	const char *promo = find_phrases(&t, PROMO, COUNT(PROMO), true, &out->promo_hits);
	const char *pitch = find_phrases(&t, PITCH, COUNT(PITCH), true, &out->pitch_hits);
	out->promo_cue = promo ? promo : "";
	out->pitch_cue = pitch ? pitch : "";
	bool self_promo = link_only(&t) || out->promo_hits >= 2 ||
			  (out->promo_hits >= 1 && has_url(&t));
	out->codes = (caps.shouting ? HINT_CAPS : 0) | (self_promo ? HINT_SELF_PROMOTION : 0) |
		     (to_stranger && (self_promo || out->pitch_hits > 0) ? HINT_COLD_PITCH : 0);
	return 0;
}

const char *cls_hint_code(unsigned bit)
{
	switch (bit) {
	case HINT_CAPS: return "caps";
	case HINT_SELF_PROMOTION: return "self_promotion";
	case HINT_COLD_PITCH: return "cold_pitch";
	default: return NULL;
	}
}

const char *cls_hint_message(unsigned bit)
{
	switch (bit) {
	case HINT_CAPS:
		return "Most of this is in capitals, which reads as shouting; lowercase carries "
		       "your point just as well.";
	case HINT_SELF_PROMOTION:
		return "This reads as promotion (a link with little else, or sales words); people "
		       "answer stories and questions more than offers.";
	case HINT_COLD_PITCH:
		return "This person does not know you yet and this reads as a pitch; it will wait "
		       "in their message requests. Start with a conversation instead.";
	default:
		return NULL;
	}
}
