/* util.h - small helpers shared by every layer: the out-of-memory policy,
 * IDs, time, random tokens and hashing, and string predicates. */
#ifndef RAPPORT_UTIL_H
#define RAPPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAPPORT_VERSION "0.1.0"
#define MASTODON_COMPAT "4.3.0"

/* Out of memory: log and abort. The one policy for the whole program. */
_Noreturn void xoom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Milliseconds since the Unix epoch: the wall clock, or the simulated
 * clock while one is set. Every rule that reads "now" (windows, ages,
 * snowflake ids, the event seam's times) reads it here. */
int64_t now_ms(void);
/* The clock seam of `rapport simulate`: from now on now_ms() returns ms
 * (> 0) until the next call; 0 goes back to the wall clock. Refused
 * (logged, abort) once clock_seal() was called: `serve` seals the clock
 * before it starts any thread, so a server always runs on the wall clock.
 * mono_ms() is never simulated (it times real work). */
void clock_simulate(int64_t ms);
void clock_seal(void);
/* Monotonic milliseconds, for durations. */
int64_t mono_ms(void);

/* IDs are Mastodon-style snowflakes: ms << 16 | low 16 bits, and the low
 * bits are node << ID_SEQ_BITS | sequence. Each process sharing a database
 * has its own node (RAPPORT_NODE_ID), so two processes never make the same
 * ID. Past 2^ID_SEQ_BITS IDs in one millisecond a generator moves on to
 * the next millisecond (running ahead of the clock until it catches up):
 * IDs never repeat and stay time-ordered across processes. */
#define ID_NODE_BITS 6
#define ID_SEQ_BITS (16 - ID_NODE_BITS)
#define ID_NODE_MAX ((1 << ID_NODE_BITS) - 1)

struct idgen {
	_Atomic int64_t last; /* ms << ID_SEQ_BITS | sequence of the last ID */
	int node;             /* 0..ID_NODE_MAX */
};

/* The next ID of g at wall-clock time now (ms): strictly greater than
 * every ID g made before, whatever the thread. */
int64_t idgen_next(struct idgen *g, int64_t now);
/* Sets the node of this process's generator. Call once, before threads. */
void id_set_node(int node);
/* The next ID of this process's generator. */
int64_t id_new(void);
/* The snowflake that sorts before every ID made at or after ms. */
int64_t id_from_ms(int64_t ms);
/* Parses a decimal ID; returns false unless s is 1..19 digits, > 0. */
bool id_parse(const char *s, int64_t *out);

/* RFC 3339 UTC with milliseconds: "2026-11-22T13:15:30.123Z". out >= 32. */
void time_format(int64_t ms, char *out, size_t outlen);
/* Reads an ISO 8601 time ("2026-11-29T18:00:00Z", fractions and a
 * +HH:MM offset allowed; a date alone is its midnight UTC) into ms since
 * the epoch; false when malformed. */
bool time_parse(const char *s, int64_t *ms);
/* "YYYY-MM-DD". out >= 11. */
void date_format(int64_t ms, char *out, size_t outlen);

/* Fills out with a random URL-safe token of 43 characters (256 bits). */
#define TOKEN_LEN 43
void token_random(char out[TOKEN_LEN + 1]);
/* Lowercase hex SHA-256 of s (64 chars + NUL). */
void sha256_hex(const void *s, size_t n, char out[65]);
/* Base64url without padding of the SHA-256 of s (43 chars + NUL): PKCE S256. */
void sha256_b64url(const void *s, size_t n, char out[44]);
/* Constant-time comparison of two NUL-terminated strings. */
bool str_eq_ct(const char *a, const char *b);

/* Loose booleans as clients send them: 1 true True on yes. */
bool str_truthy(const char *s);
bool str_has_prefix(const char *s, const char *prefix);
bool str_ieq(const char *a, const char *b);

#endif
