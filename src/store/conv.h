/* conv.h - what the Conversations feed reads about one viewer
 * (store_conv.c): the newest id of its home feed, how often it and each
 * account replied to each other in the window, a thread's turns and
 * people, and the follows both ways between two accounts. The figures are
 * those the event seam keeps (store/social_capital.h); nothing here
 * writes. */
#ifndef RAPPORT_STORE_CONV_H
#define RAPPORT_STORE_CONV_H

#include <stddef.h>

#include "store/store.h"

/* The newest status id of viewer's home feed, 0 if it is empty. */
enum store_rc store_feed_top(struct db *db, int64_t viewer, int64_t *top);

/* Replies between viewer and one other account over the days from
 * first_day on: `out` viewer -> other, `in` other -> viewer. */
struct conv_talk {
	int64_t other, out, in;
};
/* Every account viewer replied to or got replies from in the window,
 * sorted by `other`, into an array allocated in ar. */
enum store_rc store_conv_talks(struct db *db, struct arena *ar, int64_t viewer,
			       int64_t first_day, struct conv_talk **talks, size_t *n);

/* The turns of thread_id as the seam counts them, and its people: 2 when
 * someone other than its starter took a turn (the seam counts no more:
 * "2 or more" is all the ranking asks), else 1; 1 and 1 for a thread it
 * has no row for (begun before the window). */
enum store_rc store_conv_thread(struct db *db, int64_t thread_id, int64_t *turns,
				int64_t *people);

/* Whether a follows b and b follows a (accepted follows). */
enum store_rc store_conv_follows(struct db *db, int64_t a, int64_t b, bool *a_to_b,
				 bool *b_to_a);

#endif
