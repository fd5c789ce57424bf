#include "util/jw.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

void jw_init(struct jw *w, size_t cap)
{
	buf_init(&w->b, cap);
	w->depth = 0;
	w->first[0] = true;
	w->bad = false;
	w->after_key = false;
}

void jw_free(struct jw *w)
{
	buf_free(&w->b);
}

bool jw_ok(const struct jw *w)
{
	return !w->b.over && !w->bad && w->depth == 0;
}

void jw_fail(struct jw *w)
{
	w->bad = true;
}

bool jw_ok_so_far(const struct jw *w)
{
	return !w->b.over && !w->bad;
}

char *jw_steal(struct jw *w, size_t *len)
{
	*len = w->b.len;
	return buf_steal(&w->b);
}

static void put(struct jw *w, const char *s, size_t n)
{
	if (buf_append(&w->b, s, n))
		w->b.over = true;
}

/* Before each element of an array or object: a comma unless it is the
 * first. A value right after its key is part of that element. */
static void element(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->first[w->depth])
		w->first[w->depth] = false;
	else
		put(w, ",", 1);
}

static void push(struct jw *w, char c)
{
	element(w);
	put(w, &c, 1);
	if (w->depth + 1 >= JW_DEPTH) {
		w->bad = true;
		return;
	}
	w->first[++w->depth] = true;
}

static void pop(struct jw *w, char c)
{
	if (w->depth == 0 || w->after_key) {
		w->bad = true;
		return;
	}
	w->depth--;
	put(w, &c, 1);
}

void jw_obj(struct jw *w)
{
	push(w, '{');
}

void jw_obj_end(struct jw *w)
{
	pop(w, '}');
}

void jw_arr(struct jw *w)
{
	push(w, '[');
}

void jw_arr_end(struct jw *w)
{
	pop(w, ']');
}

/* 1 for bytes that need escaping in a JSON string (quote, backslash,
 * controls) and for 0xE2, which may start U+2028 or U+2029. */
static const unsigned char needs_escape[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0xE2] = 1,
};

/* The escaped bytes of s, without the surrounding quotes. */
static void escaped_body(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0; /* start of the bytes copied as they are */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!needs_escape[c])
			continue;
		char u[7];
		const char *rep = u;
		size_t skip = 0;
		switch (c) {
		case '"': rep = "\\\""; break;
		case '\\': rep = "\\\\"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = "\\r"; break;
		case '\t': rep = "\\t"; break;
		case 0xE2:
			if (i + 2 >= n || (unsigned char)s[i + 1] != 0x80 ||
			    ((unsigned char)s[i + 2] != 0xA8 && (unsigned char)s[i + 2] != 0xA9))
				continue;
			rep = (unsigned char)s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			skip = 2;
			break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
		}
		put(w, s + run, i - run);
		put(w, rep, strlen(rep));
		i += skip;
		run = i + 1;
	}
	put(w, s + run, n - run);
}

static void escaped(struct jw *w, const char *s, size_t n)
{
	put(w, "\"", 1);
	escaped_body(w, s, n);
	put(w, "\"", 1);
}

/* Decimal digits of v into the end of t; returns the start. */
static char *digits(char *end, int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	*--end = '\0';
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--end = '-';
	return end;
}

void jw_key(struct jw *w, const char *k)
{
	element(w);
	/* Keys are short literals: those without anything to escape go out
	 * as one piece (most of a status's bytes are keys). */
	size_t n = strlen(k);
	char t[64];
	bool plain = n + 3 <= sizeof t;
	for (size_t i = 0; plain && i < n; i++)
		plain = !needs_escape[(unsigned char)k[i]];
	if (plain) {
		t[0] = '"';
		memcpy(t + 1, k, n);
		t[n + 1] = '"';
		t[n + 2] = ':';
		put(w, t, n + 3);
	} else {
		escaped(w, k, n);
		put(w, ":", 1);
	}
	w->after_key = true;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	element(w);
	escaped(w, s, n);
}

void jw_str(struct jw *w, const char *s)
{
	if (!s)
		jw_null(w);
	else
		jw_strn(w, s, strlen(s));
}

static void scalar(struct jw *w, const char *t, size_t n)
{
	element(w);
	put(w, t, n);
}

void jw_int(struct jw *w, int64_t v)
{
	char t[24];
	char *d = digits(t + sizeof t, v);
	scalar(w, d, (size_t)(t + sizeof t - 1 - d));
}

void jw_id(struct jw *w, int64_t id)
{
	char t[24];
	if (!id) {
		jw_null(w);
		return;
	}
	char *d = digits(t + sizeof t, id); /* digits, then NUL in the last byte */
	t[sizeof t - 1] = '"';
	*--d = '"';
	scalar(w, d, (size_t)(t + sizeof t - d));
}

void jw_str_parts(struct jw *w, int n, const char *const *parts)
{
	element(w);
	put(w, "\"", 1);
	for (int i = 0; i < n; i++)
		escaped_body(w, parts[i], strlen(parts[i]));
	put(w, "\"", 1);
}

void jw_time(struct jw *w, int64_t ms)
{
	char t[40];
	t[0] = '"';
	time_format(ms, t + 1, sizeof t - 2);
	size_t n = strlen(t);
	t[n] = '"';
	scalar(w, t, n + 1);
}

void jw_bool(struct jw *w, bool v)
{
	scalar(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	scalar(w, "null", 4);
}

void jw_raw(struct jw *w, const char *json)
{
	scalar(w, json, strlen(json));
}

void jw_rawn(struct jw *w, const char *json, size_t n)
{
	scalar(w, json, n);
}

void jw_raw_members(struct jw *w, const char *json, size_t n)
{
	if (!n)
		return;
	scalar(w, json, n);
}

const char *jw_since(const struct jw *w, size_t from, size_t *n)
{
	*n = w->b.len > from ? w->b.len - from : 0;
	return w->b.data ? w->b.data + from : "";
}

size_t jw_len(const struct jw *w)
{
	return w->b.len;
}

void jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void jw_kint(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void jw_kid(struct jw *w, const char *k, int64_t id)
{
	jw_key(w, k);
	jw_id(w, id);
}

void jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}

void jw_ktime(struct jw *w, const char *k, int64_t ms)
{
	jw_key(w, k);
	jw_time(w, ms);
}
