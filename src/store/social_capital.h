/* social_capital.h - the per-account figures behind the social-capital
 * card (store_social_capital.c): written incrementally in the transaction
 * of each write (core/social_capital.c, as an event subscriber), read as
 * bounded ranges (the trailing window of one account), and the worker's
 * results: card snapshots and trust. Days are UTC days, ms / 86400000. */
#ifndef RAPPORT_STORE_SOCIAL_CAPITAL_H
#define RAPPORT_STORE_SOCIAL_CAPITAL_H

#include <stddef.h>

#include "store/store.h"

#define SOCIAL_DAY_MS (24LL * 3600 * 1000)

/* ---- incremental updates, in the caller's transaction ---- */

/* Adds the deltas to account's counters of day (a row is made if none). */
enum store_rc store_social_daily_add(struct db *db, int64_t account_id, int64_t day,
				     int64_t originals, int64_t given, int64_t replies_in);
/* status_id (a reply or mention by from) is addressed to account_id;
 * nothing if it is already recorded. */
enum store_rc store_social_addressed_add(struct db *db, int64_t account_id, int64_t status_id,
					 int64_t from, int64_t at);
/* Forgets status_id as addressed to account_id (it was deleted). */
enum store_rc store_social_addressed_drop(struct db *db, int64_t account_id, int64_t status_id);
/* account_id answered status_id at `at` (its first answer is kept). */
enum store_rc store_social_answer(struct db *db, int64_t account_id, int64_t status_id,
				  int64_t at);
/* A turn by account_id in thread_id (delta 1) or one taken back (-1).
 * starter: the thread's first status is this one (delta 1 only). Threads
 * count turns, and turns by others than the starter. */
enum store_rc store_social_turn(struct db *db, int64_t thread_id, int64_t account_id,
				int delta, bool starter);
/* account_id replied to target_id on day: delta more (or fewer) times. */
enum store_rc store_social_edge_add(struct db *db, int64_t account_id, int64_t target_id,
				    int64_t day, int64_t delta);
/* When account_id favourited status_id (ms), 0 if it has not. */
enum store_rc store_favourite_time(struct db *db, int64_t account_id, int64_t status_id,
				   int64_t *at);

/* ---- reading one account's window ---- */

struct social_sums {
	int64_t originals, given, replies_in;
};
/* Sums of account's counters over the days from first_day on. */
enum store_rc store_social_daily_sum(struct db *db, int64_t account_id, int64_t first_day,
				     struct social_sums *out);

struct social_addressed_row {
	int64_t received_at, answered_at; /* answered_at 0 = not yet */
};
/* The replies and mentions addressed to account_id since `since` (ms),
 * at most max (the newest), into an array allocated in ar. */
enum store_rc store_social_addressed(struct db *db, struct arena *ar, int64_t account_id,
				     int64_t since, int max, struct social_addressed_row **out,
				     size_t *n);

struct social_thread_row {
	int64_t turns;
	int64_t people; /* 1, or 2 for "2 or more" (someone besides the starter took a turn) */
};
/* The threads account_id started since `since` (ms), at most max. */
enum store_rc store_social_threads(struct db *db, struct arena *ar, int64_t account_id,
				   int64_t since, int max, struct social_thread_row **out,
				   size_t *n);
/* Of the follows account_id received since `since` (ms) and still has,
 * how many it follows back. */
enum store_rc store_social_follows_returned(struct db *db, int64_t account_id, int64_t since,
					    int64_t *received, int64_t *returned);
/* account_id's trust as last computed (x 1000), 0 if none. */
enum store_rc store_social_trust_get(struct db *db, int64_t account_id, int64_t *milli);

/* ---- card snapshots (written by the worker, read by Account JSON) ---- */

#define SOCIAL_FIGURES 16 /* numbers in a snapshot, at most */

/* Replaces account_id's snapshot: n numbers (n <= SOCIAL_FIGURES). */
enum store_rc store_social_card_put(struct db *db, int64_t account_id, int64_t stamp,
				    int64_t computed_at, const int64_t *v, int n,
				    int64_t trust_milli);
/* account_id's snapshot: ST_NOT_FOUND if none. v receives up to
 * SOCIAL_FIGURES numbers (missing ones 0); computed_at (may be NULL) when
 * its figures were last all computed. */
enum store_rc store_social_card_get(struct db *db, int64_t account_id, int64_t *stamp,
				    int64_t *v, int64_t *trust_milli, int64_t *computed_at);
/* Accounts whose snapshot was computed before `before`, at most max. */
enum store_rc store_social_cards_stale(struct db *db, struct arena *ar, int64_t before, int max,
				       int64_t **ids, int *n);

/* ---- trust ---- */

struct social_edge_row {
	int64_t account_id, target_id, replies;
	int64_t created_at; /* account_id's */
};
/* Every reply edge of the days from first_day on (replies summed, > 0),
 * into an array allocated with malloc (the caller frees it; it may be
 * large). */
enum store_rc store_social_edges_all(struct db *db, int64_t first_day,
				     struct social_edge_row **out, size_t *n);
/* The local admins' account ids, allocated in ar. */
enum store_rc store_admins(struct db *db, struct arena *ar, int64_t **ids, int *n);
/* Sets account_id's trust (x 1000) as of `at`. */
enum store_rc store_social_trust_put(struct db *db, int64_t account_id, int64_t milli,
				     int64_t at);
/* Ends a trust computation made at `at`: accounts it did not reach get 0,
 * and every snapshot whose trust changed takes the new value and `stamp`. */
enum store_rc store_social_trust_finish(struct db *db, int64_t at, int64_t stamp);

/* Deletes the reply edges of days before first_day and the threads begun
 * before it: ranges of their keys, which nothing reads any more. (Daily
 * counters and addressed items stay, like the statuses they count: every
 * read of them is a range of one account's window.) */
enum store_rc store_social_prune(struct db *db, int64_t first_day);

#endif
