/* detect.h - the automation detectors' tables (store_detect.c; migration
 * 11): the flags of statuses, senders' recent fingerprints, unfollows of
 * follows that were not returned, and per-account state. Every read in a
 * request is a bounded range of one account's rows (a window and a row
 * cap); the global prunes and the trust list run in the worker. */
#ifndef RAPPORT_STORE_DETECT_H
#define RAPPORT_STORE_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* ---- flags of statuses ---- */

/* status_id's flags become (flags & ~clear) | add; nothing if the status
 * does not exist (any more), and no row is made when add is 0. */
enum store_rc store_status_flags_set(struct db *db, int64_t status_id, int64_t clear, int64_t add);
/* status_id's flags, 0 if it has none. */
enum store_rc store_status_flags_get(struct db *db, int64_t status_id, int64_t *flags);

/* ---- fingerprints of a sender's messages ---- */

enum { DETECT_KIND_DIRECT = 0, DETECT_KIND_THREAD = 1 };

struct detect_print_row {
	uint64_t hash;
	int64_t status_id, other; /* other: the recipient (direct) or the thread */
};
/* account_id's prints of kind made at or after since (ms), the newest
 * first, at most max, into an array allocated in ar. */
enum store_rc store_detect_prints(struct db *db, struct arena *ar, int64_t account_id, int kind,
				  int64_t since, int max, struct detect_print_row **out, int *n);
enum store_rc store_detect_print_add(struct db *db, int64_t account_id, int kind, int64_t at,
				     uint64_t hash, int64_t status_id, int64_t other);
/* Deletes prints made before `before`: account_id's of kind, or (account_id
 * 0) everyone's. */
enum store_rc store_detect_prints_prune(struct db *db, int64_t account_id, int kind,
					int64_t before);

/* ---- unfollows of follows that were not returned ---- */

enum store_rc store_detect_unfollow_add(struct db *db, int64_t account_id, int64_t target_id,
					int64_t at);
/* How many of account_id's unfollows were made at or after since (counted
 * up to cap), and when the cap-th newest was made (0 if fewer). */
enum store_rc store_detect_unfollows(struct db *db, int64_t account_id, int64_t since, int cap,
				     int64_t *count, int64_t *capth_at);
/* Deletes unfollows made before `before`: account_id's, or everyone's (0). */
enum store_rc store_detect_unfollows_prune(struct db *db, int64_t account_id, int64_t before);

/* ---- per account ---- */

/* account_id replied to someone else at `at`. */
enum store_rc store_detect_replied(struct db *db, int64_t account_id, int64_t at);
/* When account_id last replied to someone else (0: never). */
enum store_rc store_detect_replied_at(struct db *db, int64_t account_id, int64_t *at);
/* account_id sent an automated message at `at`. */
enum store_rc store_detect_automated(struct db *db, int64_t account_id, int64_t at);
/* account_id's automated messages so far (0 if none). */
enum store_rc store_detect_automated_count(struct db *db, int64_t account_id, int64_t *n);

/* account_id's original statuses (not replies to others, not reblogs, not
 * direct) made at or after since (ms), other than except_id, counted up
 * to cap among its newest scan_max statuses. */
enum store_rc store_detect_originals(struct db *db, int64_t account_id, int64_t since,
				     int64_t except_id, int cap, int scan_max, int64_t *n);
/* Whether a replied to b or b to a in the social-capital window (the
 * reply edges of store/social_capital.h) from first_day on. */
enum store_rc store_detect_talked(struct db *db, int64_t a, int64_t b, int64_t first_day,
				  bool *yes);

/* ---- the worker ---- */

/* Accounts that earn no trust: an automated message at or after
 * automated_since, or at least min_unfollows unfollows at or after
 * unfollows_since. Sorted ids, malloc'ed (the caller frees them). */
enum store_rc store_detect_untrusted(struct db *db, int64_t automated_since,
				     int64_t unfollows_since, int min_unfollows, int64_t **ids,
				     size_t *n);

#endif
