/* sanitize_check.h - an independent reader of sanitize_html()'s output,
 * shared by tests/unit/test_sanitize.c and fuzz/fuzz_sanitize.c: accepts
 * only the allowlisted elements and attributes, balanced and at most
 * SANITIZE_MAX_DEPTH deep, http(s) hrefs, the forced rel and target, text
 * with & < > escaped (CR as &#13;), and valid UTF-8. Returns NULL or what is wrong. */
#ifndef RAPPORT_SANITIZE_CHECK_H
#define RAPPORT_SANITIZE_CHECK_H

#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "federation/sanitize.h"

static const char *const check_elements[] = {"p", "br", "a", "span", "strong", "em", "del",
					      "code", "pre", "blockquote", "ul", "ol", "li"};

static bool check_attr_allowed(const char *el, const char *at)
{
	static const char *const pairs[][2] = {
		{"a", "href"}, {"a", "rel"}, {"a", "target"}, {"a", "class"}, {"a", "translate"},
		{"span", "class"}, {"span", "translate"}, {"p", "class"}, {"ol", "start"},
		{"ol", "reversed"}, {"li", "value"},
	};
	if (!strcmp(at, "lang"))
		return true;
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		if (!strcmp(pairs[i][0], el) && !strcmp(pairs[i][1], at))
			return true;
	return false;
}

static size_t check_word(const char *p, char *out, size_t cap)
{
	size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz");
	if (n == 0 || n >= cap)
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

/* Reads the attributes of el at *pp up to '>'; checks each. */
static const char *check_attrs(const char *el, const char **pp, bool *saw_href)
{
	const char *p = *pp;
	char at[16];
	while (*p == ' ') {
		size_t n = check_word(++p, at, sizeof at);
		if (!n || !check_attr_allowed(el, at))
			return "attribute not allowed";
		p += n;
		if (!strcmp(at, "reversed"))
			continue;
		if (p[0] != '=' || p[1] != '"')
			return "attribute without a quoted value";
		const char *v = p + 2, *end = strchr(v, '"');
		if (!end || memchr(v, '<', (size_t)(end - v)) || memchr(v, '>', (size_t)(end - v)))
			return "bad attribute value";
		if (!strcmp(at, "href")) {
			if (strncasecmp(v, "http://", 7) && strncasecmp(v, "https://", 8))
				return "href not http(s)";
			*saw_href = true;
		}
		if (!strcmp(at, "rel") && strncmp(v, "nofollow noopener\"", 18))
			return "rel not forced";
		if (!strcmp(at, "target") && strncmp(v, "_blank\"", 7))
			return "target not forced";
		p = end + 1;
	}
	*pp = p;
	return *p == '>' ? NULL : "tag not closed by >";
}

static const char *check_tag(const char **pp, const char **stack, int *depth)
{
	const char *p = *pp + 1;
	bool end = *p == '/';
	char el[16];
	size_t n = check_word(p + end, el, sizeof el), i;
	for (i = 0; n && i < sizeof check_elements / sizeof check_elements[0]; i++)
		if (!strcmp(el, check_elements[i]))
			break;
	if (!n || i == sizeof check_elements / sizeof check_elements[0])
		return "element not allowed";
	p += end + n;
	if (end) {
		if (*p != '>' || !*depth || strcmp(stack[*depth - 1], check_elements[i]))
			return "unbalanced end tag";
		(*depth)--;
	} else {
		bool href = false;
		const char *err = check_attrs(el, &p, &href);
		if (err)
			return err;
		if (!strcmp(el, "a") && !href)
			return "a without href";
		if (strcmp(el, "br")) {
			if (*depth == SANITIZE_MAX_DEPTH)
				return "too deep";
			stack[(*depth)++] = check_elements[i];
		}
	}
	*pp = p + 1;
	return NULL;
}

static const char *check_sanitized(const char *h)
{
	const char *stack[SANITIZE_MAX_DEPTH];
	int depth = 0;
	size_t len = strlen(h);
	utf8proc_int32_t cp;
	for (size_t i = 0; i < len;) {
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)h + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (k < 1)
			return "invalid UTF-8";
		i += (size_t)k;
	}
	for (const char *p = h; *p;) {
		if (*p == '<') {
			const char *err = check_tag(&p, stack, &depth);
			if (err)
				return err;
		} else if (*p == '&') {
			if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) &&
			    strncmp(p, "&#13;", 5))
				return "& not escaped";
			p++;
		} else if (*p == '>') {
			return "> in text";
		} else {
			p++;
		}
	}
	return depth ? "element left open" : NULL;
}

#endif
