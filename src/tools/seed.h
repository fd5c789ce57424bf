/* seed.h - `rapport seed`: fills a store with a realistic community for
 * benchmarks and by-hand testing: a power-law follow graph, threads with
 * replies, favourites, reblogs, direct messages, home feeds and
 * notifications, with every counter equal to its rows. */
#ifndef RAPPORT_SEED_H
#define RAPPORT_SEED_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "store/store.h"

struct seed_opts {
	int accounts;
	int posts;
	int follows;          /* total follow edges */
	uint64_t seed;
	const char *tokens;   /* write one bearer token per account here, or NULL */
	int feed_len;         /* home feed entries kept per account */
	int thread_replies;   /* size of the one big thread (for status_context) */
	bool progress;        /* draw a progress bar on stderr */
};

/* Seeds an empty store; writes DIR/seed.json describing what it made.
 * Returns 0, or -1 with a message on stderr. */
int seed_run(const struct config *cfg, struct store *st, const struct seed_opts *o);

#endif
