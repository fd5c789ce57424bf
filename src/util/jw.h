/* jw.h - a streaming JSON writer into a capped buffer.
 *
 * Hot responses (status and account pages) are written straight to bytes
 * instead of building a tree of jansson values and dumping it: one pass, no
 * allocation per value. Commas are placed automatically; strings are
 * escaped (quote, backslash, control characters; U+2028/9 too). Input
 * strings must be valid UTF-8, which every stored string is (the request
 * parsers reject anything else). The buffer's cap makes overflow sticky:
 * check jw_ok() once at the end. */
#ifndef RAPPORT_JW_H
#define RAPPORT_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define JW_DEPTH 32

struct jw {
	struct buf b;
	int depth;
	bool first[JW_DEPTH]; /* nothing written yet at this level */
	bool bad;             /* nesting misuse */
	bool after_key;       /* a key was written; its value comes next */
};

void jw_init(struct jw *w, size_t cap);
void jw_free(struct jw *w);
bool jw_ok(const struct jw *w);
/* Marks the output as failed: jw_ok() is false from now on. */
void jw_fail(struct jw *w);
/* Nothing refused so far (unlike jw_ok, objects may still be open). */
bool jw_ok_so_far(const struct jw *w);
/* Hands the malloc'ed bytes to the caller (NUL-terminated). */
char *jw_steal(struct jw *w, size_t *len);

void jw_obj(struct jw *w);     /* { */
void jw_obj_end(struct jw *w); /* } */
void jw_arr(struct jw *w);     /* [ */
void jw_arr_end(struct jw *w); /* ] */
/* A key inside an object; the next value call writes its value. */
void jw_key(struct jw *w, const char *k);
void jw_str(struct jw *w, const char *s);   /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_id(struct jw *w, int64_t id);      /* a snowflake as a string; 0 writes null */
void jw_time(struct jw *w, int64_t ms);    /* RFC 3339 with milliseconds */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* One string value made of n parts, each escaped (URLs without printf). */
void jw_str_parts(struct jw *w, int n, const char *const *parts);
/* Already-serialised JSON, written as one value. */
void jw_raw(struct jw *w, const char *json);
void jw_rawn(struct jw *w, const char *json, size_t n);
/* Already-serialised members of the current object ("k":v,"k2":v2),
 * written as if each had been written with jw_key and a value. */
void jw_raw_members(struct jw *w, const char *json, size_t n);
/* The bytes written so far, from offset `from` (for callers that keep a
 * rendered piece). */
const char *jw_since(const struct jw *w, size_t from, size_t *n);
size_t jw_len(const struct jw *w);

/* key + value shorthands */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kid(struct jw *w, const char *k, int64_t id);
void jw_kbool(struct jw *w, const char *k, bool v);
void jw_knull(struct jw *w, const char *k);
void jw_ktime(struct jw *w, const char *k, int64_t ms);

#endif
