/* accept.c - Accept and Accept-Encoding, weighed by q (see accept.h). */
#include "http/accept.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

/* One range of a header: [s, s+n) without parameters, and its q (0..1000). */
struct range {
	const char *s;
	size_t n;
	int q;
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "q=0.5" -> 500; malformed values count as 1 (as if absent). */
static int parse_q(const char *p, const char *end)
{
	if (p >= end || (*p != '0' && *p != '1'))
		return 1000;
	int q = (*p++ - '0') * 1000, scale = 100;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9' && scale; p++, scale /= 10)
			q += (*p - '0') * scale;
	return q > 1000 ? 1000 : q;
}

/* Reads the range at *p and moves *p past its comma; false at the end. */
static bool next_range(const char **p, struct range *out)
{
	const char *s = skip_ws(*p);
	if (!*s)
		return false;
	const char *end = s + strcspn(s, ",");
	*p = *end ? end + 1 : end;
	out->s = s;
	out->n = strcspn(s, ";,");
	while (out->n && (s[out->n - 1] == ' ' || s[out->n - 1] == '\t'))
		out->n--;
	out->q = 1000;
	for (const char *par = s + out->n; par < end && (par = memchr(par, ';', (size_t)(end - par)));) {
		par = skip_ws(par + 1);
		if ((par[0] == 'q' || par[0] == 'Q') && par[1] == '=')
			out->q = parse_q(par + 2, end);
	}
	return true;
}

/* How specifically range matches type: 3 exactly, 2 by its major type
 * ("text/" and a star), 1 as the range of anything, 0 not at all. */
static int media_match(const struct range *r, const char *type)
{
	size_t tl = strlen(type);
	if (r->n == tl && !strncasecmp(r->s, type, tl))
		return 3;
	if (r->n == 3 && !memcmp(r->s, "*/*", 3))
		return 1;
	const char *slash = strchr(type, '/');
	size_t major = slash ? (size_t)(slash - type) : tl;
	if (r->n == major + 2 && !strncasecmp(r->s, type, major) && r->s[major] == '/' &&
	    r->s[major + 1] == '*')
		return 2;
	return 0;
}

/* The q the header gives type: that of its most specific matching range. */
static int media_q(const char *accept, const char *type)
{
	int best = 0, q = 0;
	struct range r;
	for (const char *p = accept; next_range(&p, &r);) {
		int m = media_match(&r, type);
		if (m > best) {
			best = m;
			q = r.q;
		}
	}
	return q;
}

int accept_best(const char *accept, const char *const *offers, int n)
{
	if (!accept || !*skip_ws(accept))
		return n > 0 ? 0 : -1;
	int best = -1, best_q = 0;
	for (int i = 0; i < n; i++) {
		int q = media_q(accept, offers[i]);
		if (q > best_q) {
			best = i;
			best_q = q;
		}
	}
	return best;
}

bool accept_encoding(const char *header, const char *coding)
{
	if (!header)
		return false;
	size_t cl = strlen(coding);
	int q = -1, star = -1;
	struct range r;
	for (const char *p = header; next_range(&p, &r);) {
		if (r.n == cl && !strncasecmp(r.s, coding, cl))
			q = r.q;
		else if (r.n == 1 && r.s[0] == '*')
			star = r.q;
	}
	return q >= 0 ? q > 0 : star > 0;
}
