/* ratelimit.h - fixed-window request counters keyed by a string.
 *
 * Counters live in memory, in one process: several `rapport serve`
 * processes each count on their own (documented in ARCHITECTURE.md). The
 * table holds at most RATELIMIT_MAX_KEYS keys; when it is full, expired
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

struct ratelimit {
	pthread_mutex_t lock;
	struct rl_entry *slots; /* open addressing, RATELIMIT_MAX_KEYS * 2 slots */
	unsigned used;
};

struct rl_result {
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
/* Reads the state without counting. */
struct rl_result ratelimit_peek(struct ratelimit *rl, const char *key, int limit, int window_s);

#endif
