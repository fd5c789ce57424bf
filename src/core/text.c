#include "core/text.h"
#include "util/buf.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* Output of a formatter is bounded by a fixed multiple of its input, and
 * inputs are already capped by the body size. */
#define HTML_CAP (16u << 20)

/* Control characters other than tab and line breaks are not allowed in
 * XML (the feeds) and mean nothing in HTML: they become U+FFFD. */
static void esc_append(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
				rep = "\xEF\xBF\xBD";
		}
		int rc = rep ? buf_puts(b, rep) : buf_append(b, s + i, 1);
		(void)rc; /* overflow is sticky in b->over */
	}
}

void text_escape_append(struct buf *b, const char *s, size_t n)
{
	esc_append(b, s, n);
}

static char *buf_to_arena(struct arena *a, struct buf *b)
{
	char *out = b->over ? arena_strdup(a, "") : arena_strndup(a, b->data ? b->data : "", b->len);
	buf_free(b);
	return out;
}

char *text_escape(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, HTML_CAP);
	esc_append(&b, s, strlen(s));
	return buf_to_arena(a, &b);
}

static size_t url_len(const char *s)
{
	if (!str_has_prefix(s, "http://") && !str_has_prefix(s, "https://"))
		return 0;
	size_t n = 0;
	while (s[n] && (unsigned char)s[n] > ' ' && s[n] != '<' && s[n] != '>' && s[n] != '"')
		n++;
	/* Trailing punctuation belongs to the sentence, not the URL; a closing
	 * parenthesis stays when it closes one opened inside the URL, as in
	 * https://en.wikipedia.org/wiki/C_(programming_language). */
	size_t open = 0, close = 0;
	for (size_t i = 0; i < n; i++) {
		open += s[i] == '(';
		close += s[i] == ')';
	}
	while (n && strchr(".,:;!?)'", s[n - 1])) {
		if (s[n - 1] == ')') {
			if (close <= open)
				break;
			close--;
		}
		n--;
	}
	return n > 8 ? n : 0;
}

char *text_to_html(struct arena *a, const char *s)
{
	struct buf b;
	buf_init(&b, HTML_CAP);
	int rc = 0;
	/* Skip leading blank lines. */
	while (*s == '\n' || *s == '\r')
		s++;
	if (!*s)
		return buf_to_arena(a, &b);
	rc |= buf_puts(&b, "<p>");
	while (*s) {
		if (*s == '\r') {
			s++;
			continue;
		}
		if (*s == '\n') {
			size_t nl = 0;
			const char *p = s;
			while (*p == '\n' || *p == '\r')
				nl += *p++ == '\n';
			if (!*p)
				break;
			rc |= buf_puts(&b, nl >= 2 ? "</p><p>" : "<br>");
			s = p;
			continue;
		}
		size_t u = url_len(s);
		if (u) {
			rc |= buf_puts(&b, "<a href=\"");
			esc_append(&b, s, u);
			rc |= buf_puts(&b, "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">");
			esc_append(&b, s, u);
			rc |= buf_puts(&b, "</a>");
			s += u;
			continue;
		}
		esc_append(&b, s, 1);
		s++;
	}
	rc |= buf_puts(&b, "</p>");
	(void)rc;
	return buf_to_arena(a, &b);
}

long text_length(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
	utf8proc_int32_t prev = -1, cp;
	utf8proc_int32_t state = 0;
	long count = 0;
	while (left > 0) {
		utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
		if (n < 0)
			return -1;
		if (prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state))
			count++;
		prev = cp;
		p += n;
		left -= n;
	}
	return count;
}

bool text_valid(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	utf8proc_int32_t cp;
	while (left > 0) {
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k < 0)
			return false;
		if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')
			return false;
		p += k;
		left -= k;
	}
	return true;
}

char *text_nfc(struct arena *a, const char *s)
{
	utf8proc_uint8_t *n = NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &n,
					    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (len < 0)
		return NULL;
	char *out = arena_strndup(a, (const char *)n, (size_t)len);
	free(n);
	return out;
}

/* A "word" character for mentions and hashtags: letters, marks, digits, _. */
static bool word_cp(utf8proc_int32_t cp)
{
	if (cp == '_')
		return true;
	if (cp < 128)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) ||
	       c == UTF8PROC_CATEGORY_ND;
}

/* The code point ending just before s[i] (or 0 at the start). */
static utf8proc_int32_t prev_cp(const char *s, size_t i)
{
	if (i == 0)
		return 0;
	size_t j = i - 1;
	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
		j--;
	utf8proc_int32_t cp = 0;
	utf8proc_iterate((const utf8proc_uint8_t *)s + j, (utf8proc_ssize_t)(i - j), &cp);
	return cp;
}

static bool ascii_user(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* Length of "@user", "@user@domain" or "@user@domain:port" at s (s[0] == '@'), 0 if none; sets
 * the username and domain lengths. */
static size_t mention_len(const char *s, size_t *ulen, size_t *dlen)
{
	size_t i = 1;
	while (ascii_user(s[i]) || ((s[i] == '.' || s[i] == '-') && ascii_user(s[i + 1]) && i > 1))
		i++;
	if (i == 1 || i - 1 > 64)
		return 0;
	*ulen = i - 1;
	*dlen = 0;
	if (s[i] == '@') {
		size_t j = i + 1;
		while (ascii_user(s[j]) || s[j] == '-' || (s[j] == '.' && ascii_user(s[j + 1])))
			j++;
		if (j > i + 1 && memchr(s + i + 1, '.', j - i - 1) && j - i - 1 <= 253) {
			/* a port, as handles carry it in the federation test mode */
			size_t k = j + 1;
			while (s[j] == ':' && k < j + 6 && s[k] >= '0' && s[k] <= '9')
				k++;
			if (k > j + 1 && !(s[k] >= '0' && s[k] <= '9'))
				j = k;
			*dlen = j - i - 1;
			i = j;
		}
	}
	return i;
}

/* Length in bytes of "#tag" at s (s[0] == '#'), 0 if none. A tag has word
 * characters and at least one that is not a digit of any script (#123 and
 * #١٢٣ are numbers, not tags). */
static size_t hashtag_len(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s + 1;
	size_t n = 1;
	bool alpha = false;
	int count = 0;
	for (;;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, 4, &cp);
		if (k <= 0 || !word_cp(cp))
			break;
		if (utf8proc_category(cp) != UTF8PROC_CATEGORY_ND)
			alpha = true;
		p += k;
		n += (size_t)k;
		if (++count > 100)
			return 0;
	}
	return alpha ? n : 0;
}

/* A hashtag's key: its n bytes of valid UTF-8 lowercased code point by
 * code point, as Mastodon does ("Größe" stays "größe"; full case folding
 * would turn it into "grösse", a name nobody wrote). */
static char *tag_fold(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n * 2 + 1); /* a lowercase form is at most 2x longer */
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t len = 0;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0)
			break;
		len += (size_t)utf8proc_encode_char(utf8proc_tolower(cp),
						    (utf8proc_uint8_t *)out + len);
		p += k;
		left -= k;
	}
	out[len] = '\0';
	return out;
}

/* Resolver calls per text. Each may cost a database lookup and a post is
 * formatted before its length is checked, so a megabyte of "@a @b ..."
 * must not become hundreds of thousands of lookups. A valid post of 500
 * characters has at most 167 mentions; people already resolved are found
 * again without a call. */
#define RESOLVE_BUDGET 200

struct fmt_state {
	struct arena *a;
	struct buf b;
	struct text_formatted *out;
	const char *base_url;
	text_resolve_fn resolve;
	void *ctx;
	int resolves; /* resolver calls made */
};

/* A mention already resolved in this text, matched without regard to case. */
static const struct text_mention *known_mention(const struct text_formatted *out,
						const char *user, size_t ulen, const char *dom,
						size_t dlen)
{
	for (int i = 0; i < out->nmentions; i++) {
		const struct text_mention *m = &out->mentions[i];
		if (strlen(m->username) == ulen && !strncasecmp(m->username, user, ulen) &&
		    strlen(m->domain) == dlen && !strncasecmp(m->domain, dom, dlen))
			return m;
	}
	return NULL;
}

static bool emit_mention(struct fmt_state *st, const char *s, size_t ulen, size_t dlen)
{
	if (!st->resolve)
		return false;
	struct text_mention m = {0};
	const char *dom_at = dlen ? s + 2 + ulen : "";
	const struct text_mention *known = known_mention(st->out, s + 1, ulen, dom_at, dlen);
	if (known) {
		m = *known;
	} else {
		if (st->resolves >= RESOLVE_BUDGET)
			return false;
		st->resolves++;
		const char *user = arena_strndup(st->a, s + 1, ulen);
		const char *dom = dlen ? arena_strndup(st->a, dom_at, dlen) : "";
		if (!st->resolve(st->ctx, user, dom, &m))
			return false;
	}
	bool dup = false;
	for (int i = 0; i < st->out->nmentions; i++)
		dup |= st->out->mentions[i].account_id == m.account_id;
	if (!dup && st->out->nmentions < TEXT_MAX_MENTIONS)
		st->out->mentions[st->out->nmentions++] = m;
	int rc = buf_puts(&st->b, "<span class=\"h-card\" translate=\"no\"><a href=\"");
	esc_append(&st->b, m.url, strlen(m.url));
	rc |= buf_puts(&st->b, "\" class=\"u-url mention\">@<span>");
	esc_append(&st->b, m.username, strlen(m.username));
	rc |= buf_puts(&st->b, "</span></a></span>");
	(void)rc;
	return true;
}

static void emit_tag(struct fmt_state *st, const char *s, size_t n)
{
	const char *folded = tag_fold(st->a, s + 1, n - 1);
	bool dup = false;
	for (int i = 0; i < st->out->ntags; i++)
		dup |= !strcmp(st->out->tags[i], folded);
	if (!dup && st->out->ntags < TEXT_MAX_TAGS)
		st->out->tags[st->out->ntags++] = folded;
	int rc = buf_puts(&st->b, "<a href=\"");
	esc_append(&st->b, st->base_url, strlen(st->base_url));
	rc |= buf_puts(&st->b, "/tags/");
	esc_append(&st->b, folded, strlen(folded));
	rc |= buf_puts(&st->b, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
	esc_append(&st->b, s + 1, n - 1);
	rc |= buf_puts(&st->b, "</span></a>");
	(void)rc;
}

static long count_graphemes_n(const char *s, size_t n)
{
	char *tmp = xmalloc(n + 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	long k = text_length(tmp);
	free(tmp);
	return k < 0 ? 0 : k;
}

int text_format(struct arena *a, const char *text, const char *base_url, text_resolve_fn resolve,
		void *ctx, struct text_formatted *out)
{
	memset(out, 0, sizeof *out);
	const char *s = text_nfc(a, text);
	if (!s)
		return -1;
	struct fmt_state st = {.a = a, .out = out, .base_url = base_url, .resolve = resolve,
			       .ctx = ctx};
	buf_init(&st.b, HTML_CAP);
	size_t i = 0, plain = 0; /* start of the run of plain text being counted */
	long length = 0;
	while (s[i] == '\n' || s[i] == '\r')
		i++;
	plain = i;
	int rc = s[i] ? buf_puts(&st.b, "<p>") : 0;
	while (s[i]) {
		char ch = s[i];
		if (ch == '\r') {
			i++;
			continue;
		}
		if (ch == '\n') {
			size_t nl = 0, j = i;
			while (s[j] == '\n' || s[j] == '\r')
				nl += s[j++] == '\n';
			if (!s[j]) {
				length += count_graphemes_n(s + plain, i - plain);
				plain = i = j;
				break;
			}
			rc |= buf_puts(&st.b, nl >= 2 ? "</p><p>" : "<br>");
			i = j;
			continue;
		}
		utf8proc_int32_t before = prev_cp(s, i);
		/* The boundary is checked first: scanning for a URL inside a word
		 * at every 'h' would make "ahttp://ahttp://..." quadratic. */
		size_t u = (ch == 'h' && !word_cp(before)) ? url_len(s + i) : 0;
		if (u) {
			length += count_graphemes_n(s + plain, i - plain) + TEXT_URL_WEIGHT;
			if (!out->first_link)
				out->first_link = arena_strndup(a, s + i, u);
			rc |= buf_puts(&st.b, "<a href=\"");
			esc_append(&st.b, s + i, u);
			rc |= buf_puts(&st.b, "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">");
			esc_append(&st.b, s + i, u);
			rc |= buf_puts(&st.b, "</a>");
			i += u;
			plain = i;
			continue;
		}
		size_t ulen, dlen, m;
		if (ch == '@' && !word_cp(before) && before != '/' && before != '@' &&
		    (m = mention_len(s + i, &ulen, &dlen))) {
			/* A remote mention counts as "@user" only. */
			length += count_graphemes_n(s + plain, i - plain) + 1 + (long)ulen;
			if (!emit_mention(&st, s + i, ulen, dlen))
				esc_append(&st.b, s + i, m);
			i += m;
			plain = i;
			continue;
		}
		if (ch == '#' && !word_cp(before) && before != '/' && before != ')' &&
		    (m = hashtag_len(s + i))) {
			emit_tag(&st, s + i, m);
			i += m;
			continue; /* counted as plain text */
		}
		esc_append(&st.b, s + i, 1);
		i++;
	}
	length += count_graphemes_n(s + plain, i - plain);
	if (st.b.len)
		rc |= buf_puts(&st.b, "</p>");
	(void)rc;
	out->html = buf_to_arena(a, &st.b);
	out->length = length;
	return 0;
}

const char *text_tag_key(struct arena *a, const char *raw)
{
	struct text_formatted f;
	if (!raw || strlen(raw) > 200)
		return NULL;
	const char *text = arena_printf(a, "#%s", raw);
	if (text_format(a, text, "", NULL, NULL, &f) || f.ntags != 1)
		return NULL;
	return f.tags[0];
}
