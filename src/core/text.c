#include "core/text.h"
#include "util/buf.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Output of a formatter is bounded by a fixed multiple of its input, and
 * inputs are already capped by the body size. */
#define HTML_CAP (16u << 20)

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
		}
		int rc = rep ? buf_puts(b, rep) : buf_append(b, s + i, 1);
		(void)rc; /* overflow is sticky in b->over */
	}
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
	/* Trailing punctuation belongs to the sentence, not the URL. */
	while (n && strchr(".,:;!?)'", s[n - 1]))
		n--;
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
