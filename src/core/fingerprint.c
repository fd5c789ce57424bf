#include "core/fingerprint.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Code points of the normalised text: FP_TEXT_MAX bytes are at most as many
 * code points before compatibility mappings; a text whose mappings need more
 * is cut (see to_cps). */
#define CP_MAX FP_TEXT_MAX
#define NAME_CP_MAX 128
#define NAME_WORDS_MAX 32

/* NFKC, case folding, no accents or ignorables, typographic marks lumped. */
#define NORM_OPTS                                                                         \
	(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |       \
	 UTF8PROC_IGNORE | UTF8PROC_LUMP | UTF8PROC_STRIPMARK)

/* ---- HTML to text ---- */

/* Appends cp as UTF-8 if it fits (one byte kept for the NUL). */
static void put_cp(char *out, size_t cap, size_t *len, int32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t k = utf8proc_encode_char(cp, tmp);
	if (k > 0 && *len + (size_t)k < cap) {
		memcpy(out + *len, tmp, (size_t)k);
		*len += (size_t)k;
	}
}

/* Decodes the character reference at s (s[0] == '&'); returns the bytes
 * it spans and sets *cp, or 0 if it is not one we decode. */
static size_t entity(const char *s, size_t n, int32_t *cp)
{
	static const struct { const char *name; int32_t cp; } named[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'},
		{"&apos;", '\''}, {"&nbsp;", ' '},
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		size_t k = strlen(named[i].name);
		if (n >= k && !strncasecmp(s, named[i].name, k)) {
			*cp = named[i].cp;
			return k;
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	bool hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2;
	int64_t v = 0;
	size_t digits = 0;
	for (; i < n && digits < 8; i++, digits++) {
		char ch = s[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0'
			: hex && ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: hex && ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
		if (d < 0)
			break;
		v = v * (hex ? 16 : 10) + d;
	}
	if (!digits || i >= n || s[i] != ';')
		return 0;
	*cp = v > 0 && v <= 0x10FFFF && utf8proc_codepoint_valid((int32_t)v) ? (int32_t)v : 0xFFFD;
	return i + 1;
}

/* Whether the tag at s (s[0] == '<') breaks a line: br, p, div, li. */
static bool tag_breaks(const char *s, size_t n)
{
	static const char *const names[] = {"br", "p", "div", "li"};
	size_t i = 1 + (n > 1 && s[1] == '/');
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t l = strlen(names[k]);
		if (n > i + l && !strncasecmp(s + i, names[k], l) &&
		    strchr(" \t\n/>", s[i + l]))
			return true;
	}
	return false;
}

/* Bytes from s[0] == '<' to the end of the tag; quoted attribute values
 * may hold '>'. */
static size_t tag_len(const char *s, size_t n)
{
	char quote = 0;
	for (size_t i = 1; i < n; i++) {
		if (quote)
			quote = s[i] == quote ? 0 : quote;
		else if (s[i] == '"' || s[i] == '\'')
			quote = s[i];
		else if (s[i] == '>')
			return i + 1;
	}
	return n;
}

/* Cuts s[0..len) back to a code point boundary. */
static size_t cut_utf8(const char *s, size_t len)
{
	size_t k = len;
	while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0)
		return 0;
	unsigned char lead = (unsigned char)s[k - 1];
	size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	return len - (k - 1) >= want ? len : k - 1;
}

size_t fp_html_text(const char *html, size_t n, char *out, size_t cap)
{
	size_t len = 0, i = 0;
	while (i < n && len + 1 < cap) {
		int32_t cp;
		size_t k;
		if (html[i] == '<') {
			k = tag_len(html + i, n - i);
			if (tag_breaks(html + i, k))
				put_cp(out, cap, &len, '\n');
		} else if (html[i] == '&' && (k = entity(html + i, n - i, &cp))) {
			put_cp(out, cap, &len, cp);
		} else {
			k = 1;
			out[len++] = html[i];
		}
		i += k;
	}
	if (i < n) /* out is full: do not end in half a character */
		len = cut_utf8(out, len);
	out[len] = '\0';
	return len;
}

/* ---- normalisation ---- */

/* The plain text of the input, at most FP_TEXT_MAX bytes, into buf. */
static size_t plain_text(const char *in, size_t n, unsigned flags, char buf[FP_TEXT_MAX + 1])
{
	if (flags & FP_HTML)
		return fp_html_text(in, n, buf, FP_TEXT_MAX + 1);
	size_t len = n <= FP_TEXT_MAX ? n : cut_utf8(in, FP_TEXT_MAX);
	memcpy(buf, in, len);
	buf[len] = '\0';
	return len;
}

/* Normalised code points of s[0..len) into cp (cap of them); a text whose
 * mappings need more is cut shorter until it fits. Returns the count, or -1
 * if s is not valid UTF-8. */
static long to_cps(const char *s, size_t len, int32_t *cp, size_t cap)
{
	for (;;) {
		utf8proc_ssize_t k = utf8proc_decompose((const utf8proc_uint8_t *)s,
							(utf8proc_ssize_t)len, cp,
							(utf8proc_ssize_t)cap, NORM_OPTS);
		if (k < 0)
			return -1;
		if ((size_t)k <= cap)
			return utf8proc_normalize_utf32(cp, k, NORM_OPTS);
		len = cut_utf8(s, len * cap / (size_t)k);
	}
}

/* ---- tokens ---- */

enum tok_kind { TK_END, TK_WORD, TK_TAG, TK_NUM, TK_URL, TK_MENTION, TK_NAME, TK_QMARK, TK_STOP };

struct tok {
	enum tok_kind kind;
	size_t len;
	char text[FP_TOKEN_MAX + 2]; /* "#" and a word of up to FP_TOKEN_MAX bytes */
};

struct namebook {
	int n;
	char w[NAME_WORDS_MAX][FP_TOKEN_MAX + 1];
};

struct scan {
	const int32_t *cp;
	size_t n, i;
	unsigned flags;
	const struct namebook *names;
	enum tok_kind last;
};

static bool is_word(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return c == '_' || (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO);
}

static bool is_digit(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO;
}

static bool is_space(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return c <= ' ' || (k >= UTF8PROC_CATEGORY_ZS && k <= UTF8PROC_CATEGORY_ZP);
}

static int32_t at(const struct scan *s, size_t i)
{
	return i < s->n ? s->cp[i] : 0;
}

static bool starts_with(const struct scan *s, const char *ascii)
{
	for (size_t k = 0; ascii[k]; k++)
		if (at(s, s->i + k) != (unsigned char)ascii[k])
			return false;
	return true;
}

static bool url_here(const struct scan *s)
{
	return starts_with(s, "http://") || starts_with(s, "https://") || starts_with(s, "www.");
}

static enum tok_kind mark_kind(int32_t c)
{
	if (c == '?' || c == 0xBF || c == 0x203D || c == 0x61F || c == 0x2E2E)
		return TK_QMARK;
	if (c == '.' || c == '!' || c == ';' || c == '\n' || c == 0xA1 || c == 0x3002)
		return TK_STOP;
	return TK_END;
}

static void tok_put(struct tok *t, int32_t c)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t k = utf8proc_encode_char(c, tmp);
	if (k > 0 && t->len + (size_t)k <= FP_TOKEN_MAX + (t->kind == TK_TAG)) {
		memcpy(t->text + t->len, tmp, (size_t)k);
		t->len += (size_t)k;
		t->text[t->len] = '\0';
	}
}

enum { HAS_DIGIT = 1, HAS_OTHER = 2 };

/* Reads the word at s->i into t; returns HAS_DIGIT if it has a digit,
 * HAS_OTHER if it has another word character. */
static int read_word(struct scan *s, struct tok *t)
{
	int has = 0;
	while (s->i < s->n) {
		int32_t c = s->cp[s->i];
		bool joins = s->i + 1 < s->n && is_word(s->cp[s->i + 1]) && s->i > 0 &&
			     is_word(s->cp[s->i - 1]);
		if (is_word(c)) {
			has |= is_digit(c) ? HAS_DIGIT : HAS_OTHER;
			tok_put(t, c);
		} else if (c == '\'' && joins) {
			/* "doesn't" reads as "doesnt" */
		} else if ((c == '.' || c == ',') && joins && is_digit(s->cp[s->i - 1]) &&
			   is_digit(s->cp[s->i + 1])) {
			/* "1,000.5" is one number */
		} else {
			break;
		}
		s->i++;
	}
	return has;
}

static bool is_name(const struct namebook *b, const struct tok *t)
{
	for (int k = 0; b && k < b->n; k++)
		if (!strcmp(b->w[k], t->text))
			return true;
	return false;
}

static void skip_until_space(struct scan *s)
{
	while (s->i < s->n && !is_space(s->cp[s->i]))
		s->i++;
}

static void skip_mention(struct scan *s)
{
	s->i++;
	while (s->i < s->n) {
		int32_t c = s->cp[s->i];
		if (!is_word(c) && !((c == '.' || c == '-' || c == '@') && is_word(at(s, s->i + 1))))
			break;
		s->i++;
	}
}

/* Reads one token at s->i, which is not a separator; returns its kind. */
static enum tok_kind read_token(struct scan *s, struct tok *t)
{
	int32_t c = s->cp[s->i];
	bool boundary = s->i == 0 || !is_word(s->cp[s->i - 1]);
	if (boundary && url_here(s)) {
		skip_until_space(s);
		return TK_URL;
	}
	if (c == '@' && boundary && is_word(at(s, s->i + 1))) {
		skip_mention(s);
		return TK_MENTION;
	}
	if (c == '#' && boundary && is_word(at(s, s->i + 1))) {
		t->kind = TK_TAG;
		t->text[t->len++] = '#';
		t->text[t->len] = '\0';
		s->i++;
		return read_word(s, t) & HAS_OTHER ? TK_TAG : TK_NUM; /* #2024 is a number */
	}
	if (is_word(c)) {
		int has = read_word(s, t);
		return has & HAS_DIGIT ? TK_NUM : is_name(s->names, t) ? TK_NAME : TK_WORD;
	}
	s->i++;
	return (s->flags & FP_MARKS) ? mark_kind(c) : TK_END;
}

/* The next token, or TK_END at the end of the text. A run of one mask, of
 * sentence ends or of question marks is one token. */
static enum tok_kind next_token(struct scan *s, struct tok *t)
{
	while (s->i < s->n) {
		t->len = 0;
		t->text[0] = '\0';
		t->kind = TK_WORD;
		enum tok_kind k = read_token(s, t);
		bool repeat = k == s->last && k != TK_WORD && k != TK_TAG;
		if (k == TK_END || repeat)
			continue;
		s->last = t->kind = k;
		return k;
	}
	return TK_END;
}

static const char *tok_text(const struct tok *t)
{
	switch (t->kind) {
	case TK_URL: return FP_MASK_URL;
	case TK_MENTION: return FP_MASK_MENTION;
	case TK_NUM: return FP_MASK_NUMBER;
	case TK_NAME: return FP_MASK_NAME;
	case TK_QMARK: return "?";
	case TK_STOP: return ".";
	default: return t->text;
	}
}

/* The words of the names, normalised like the text. */
static void names_load(const struct fp_names *names, struct namebook *b)
{
	b->n = 0;
	size_t count = names ? (names->n < FP_NAMES_MAX ? names->n : FP_NAMES_MAX) : 0;
	for (size_t k = 0; k < count; k++) {
		const char *name = names->v[k];
		int32_t cp[NAME_CP_MAX];
		size_t len = strlen(name);
		long m = to_cps(name, cut_utf8(name, len < NAME_CP_MAX ? len : NAME_CP_MAX), cp,
				NAME_CP_MAX);
		struct scan s = {.cp = cp, .n = m > 0 ? (size_t)m : 0};
		struct tok t;
		while (b->n < NAME_WORDS_MAX && next_token(&s, &t) != TK_END) {
			utf8proc_int32_t first;
			utf8proc_ssize_t k1 = utf8proc_iterate((const utf8proc_uint8_t *)t.text,
							       (utf8proc_ssize_t)t.len, &first);
			if (t.kind == TK_WORD && k1 > 0 && (size_t)k1 < t.len) /* 2+ characters */
				memcpy(b->w[b->n++], t.text, t.len + 1);
		}
	}
}

/* Sets up a scan of the normalised input; returns -1 on invalid UTF-8. */
static int scan_open(struct scan *s, int32_t cp[CP_MAX], const char *in, size_t n, unsigned flags,
		     const struct namebook *names)
{
	char buf[FP_TEXT_MAX + 1];
	size_t len = plain_text(in, n, flags, buf);
	long m = to_cps(buf, len, cp, CP_MAX);
	*s = (struct scan){.cp = cp, .n = m > 0 ? (size_t)m : 0, .flags = flags, .names = names};
	return m < 0 ? -1 : 0;
}

int fp_normalize(const char *in, size_t n, unsigned flags, const struct fp_names *names, char *out,
		 size_t cap)
{
	struct namebook book;
	int32_t cp[CP_MAX];
	struct scan s;
	struct tok t;
	out[0] = '\0';
	names_load(names, &book);
	if (scan_open(&s, cp, in, n, flags, &book) < 0)
		return -1;
	size_t len = 0;
	int count = 0;
	while (next_token(&s, &t) != TK_END) {
		const char *w = tok_text(&t);
		size_t k = strlen(w);
		if (len + (len > 0) + k + 1 > cap)
			break;
		if (len > 0)
			out[len++] = ' ';
		memcpy(out + len, w, k + 1);
		len += k;
		count++;
	}
	return count;
}

/* ---- simhash ---- */

static uint64_t sip(const void *p, size_t n)
{
	static const unsigned char key[crypto_shorthash_siphash24_KEYBYTES] = "rapport:simhash";
	unsigned char h[crypto_shorthash_siphash24_BYTES];
	crypto_shorthash_siphash24(h, p, n, key);
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | h[i];
	return v;
}

static void vote(int v[64], uint64_t h)
{
	for (int b = 0; b < 64; b++)
		v[b] += (h >> b & 1) ? 1 : -1;
}

static uint64_t pair_hash(uint64_t a, uint64_t b)
{
	unsigned char p[16];
	for (int i = 0; i < 8; i++) {
		p[i] = (unsigned char)(a >> (8 * i));
		p[8 + i] = (unsigned char)(b >> (8 * i));
	}
	return sip(p, sizeof p);
}

int fp_simhash(const char *in, size_t n, unsigned flags, const struct fp_names *names,
	       struct fp_print *out)
{
	struct namebook book;
	int32_t cp[CP_MAX];
	struct scan s;
	struct tok t;
	int v[64] = {0};
	uint64_t prev = 0, first = 0;
	memset(out, 0, sizeof *out);
	names_load(names, &book);
	if (scan_open(&s, cp, in, n, flags & ~(unsigned)FP_MARKS, &book) < 0)
		return -1;
	int tokens = 0;
	while (next_token(&s, &t) != TK_END) {
		const char *w = tok_text(&t);
		uint64_t h = sip(w, strlen(w));
		out->words += t.kind == TK_WORD || t.kind == TK_TAG;
		if (tokens++ == 0)
			first = h;
		else
			vote(v, pair_hash(prev, h)), out->features++;
		prev = h;
	}
	if (tokens == 1)
		vote(v, first), out->features = 1;
	for (int b = 0; b < 64; b++)
		out->hash |= (uint64_t)(v[b] > 0) << b;
	return 0;
}

int fp_hamming(uint64_t a, uint64_t b)
{
	return __builtin_popcountll(a ^ b);
}

bool fp_near(const struct fp_print *a, const struct fp_print *b)
{
	return a->words >= FP_MIN_WORDS && b->words >= FP_MIN_WORDS &&
	       fp_hamming(a->hash, b->hash) <= FP_NEAR_BITS;
}

/* ---- shouting ---- */

static bool ascii_word(char ch)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

/* Bytes of the URL or @mention starting at s, 0 if none; boundary tells
 * whether s starts a word. */
static size_t skip_len(const char *s, size_t n, bool boundary)
{
	static const char *const pre[] = {"http://", "https://", "www."};
	size_t i = 0;
	if (!boundary)
		return 0;
	for (size_t k = 0; k < 3 && !i; k++)
		if (n >= strlen(pre[k]) && !strncasecmp(s, pre[k], strlen(pre[k])))
			i = strlen(pre[k]);
	if (!i && n > 1 && s[0] == '@' && ascii_word(s[1]))
		i = 1;
	if (!i)
		return 0;
	while (i < n && (unsigned char)s[i] > ' ')
		i++;
	return i;
}

int fp_caps(const char *in, size_t n, unsigned flags, struct fp_caps *out)
{
	char buf[FP_TEXT_MAX + 1];
	size_t len = plain_text(in, n, flags, buf);
	memset(out, 0, sizeof *out);
	bool boundary = true;
	for (size_t i = 0; i < len;) {
		size_t skip = skip_len(buf + i, len - i, boundary);
		if (skip) {
			i += skip;
			continue;
		}
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)buf + i,
						      (utf8proc_ssize_t)(len - i), &c);
		if (k < 0) {
			memset(out, 0, sizeof *out);
			return -1;
		}
		utf8proc_category_t cat = utf8proc_category(c);
		out->letters += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LT;
		out->upper += cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
		boundary = !is_word(c);
		i += (size_t)k;
	}
	out->shouting = out->letters >= FP_CAPS_LETTERS &&
			out->upper * 100 >= FP_CAPS_PERCENT * out->letters;
	return 0;
}
