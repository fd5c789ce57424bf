/* ratelimit.h - fixed-window request counters keyed by a string.
 *
 * Counters live in memory, in one process, unless the table is shared
 * (ratelimit_share): then ratelimit_count keeps them where every process
 * sees them (the store, for several `rapport serve` processes on one
 * PostgreSQL database), so together they allow what one would. The
 * in-memory table holds at most RATELIMIT_MAX_KEYS keys; when it is full, expired
 * windows go and, if it is still crowded, the quarter that ends first, so
 * memory is bounded whatever the number of distinct clients. Sign-in and
 * sign-up counters live in a table of their own (see server.h), so a
 * flood of API keys cannot push them out. */
#ifndef RAPPORT_RATELIMIT_H
#define RAPPORT_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_MAX_KEYS 16384

struct rl_entry;

/* Counts n hits of key in the window current at now (a new one of
 * window_ms starts when the last one has ended): the hits counted in it,
 * these included, into *hits and its end into *end_ms. db is the
 * connection ratelimit_count was given. 0, or -1 when it could not count. */
typedef int (*ratelimit_shared_fn)(void *db, const char *key, int64_t n, int64_t now,
				   int64_t window_ms, int64_t *hits, int64_t *end_ms);

struct ratelimit {
	pthread_mutex_t lock;
	struct rl_entry *slots; /* open addressing, RATELIMIT_MAX_KEYS * 2 slots */
	unsigned used;
	int64_t full_until; /* till then full of untold hits: no room made */
	ratelimit_shared_fn shared; /* NULL: in memory */
};

struct rl_result {
	bool failed;  /* a shared counter could not be read: refuse (fail closed) */
	bool allowed;
	int limit;
	int remaining;
	int64_t reset_ms;    /* wall-clock ms when the window ends */
	int retry_after_s;   /* seconds until the window ends, >= 1 */
};

void ratelimit_init(struct ratelimit *rl);
void ratelimit_free(struct ratelimit *rl);
/* Counts one hit for key in a window of window_s seconds allowing limit hits. */
struct rl_result ratelimit_hit(struct ratelimit *rl, const char *key, int limit, int window_s);
/* Counts from now on through fn (set once, before the table is used). */
void ratelimit_share(struct ratelimit *rl, ratelimit_shared_fn fn);
/* ratelimit_hit, through the shared counters when there are (with db, the
 * caller's connection); failed and not allowed when they fail. */
struct rl_result ratelimit_count(struct ratelimit *rl, void *db, const char *key, int limit,
				 int window_s);
/* Reads the state without counting (in memory). */
struct rl_result ratelimit_peek(struct ratelimit *rl, const char *key, int limit, int window_s);

#endif
