/* connections.h - know your connections (store_connections.c, migration
 * 12): "how we met" per follow, the pairwise contact summary behind
 * "reconnect" and "unknown", and the "waiting" columns of the seam's
 * social_addressed. Written incrementally in the write's transaction by
 * core/connections.c (an event subscriber; favourites and boosts by its
 * drain); every read is a range of one
 * account's rows on a partial index, bounded by its limit. */
#ifndef RAPPORT_STORE_CONNECTIONS_H
#define RAPPORT_STORE_CONNECTIONS_H

#include <stddef.h>

#include "store/store.h"

/* How far back "how we met" looks, and how many of the follower's rows of
 * each kind (own statuses, favourites, mentions of it) it reads at most. */
#define MET_LOOKBACK_MS (90LL * 24 * 3600 * 1000)
#define MET_SCAN_MAX 1000

/* ---- how we met ---- */

struct connection {
	int64_t met_status_id; /* 0: no status led to it */
	int64_t met_at;        /* ms */
	const char *how;       /* the owner's words, "" if none */
	int64_t updated_at;
};

/* The latest status of target that follower replied to, favourited or
 * boosted, or that mentioned follower, since `since` (ms): *status_id and
 * *at (the interaction's time), both 0 when there is none. Reads at most
 * MET_SCAN_MAX rows of each kind. */
enum store_rc store_connection_met(struct db *db, int64_t follower, int64_t target,
				   int64_t since, int64_t *status_id, int64_t *at);
/* Records how account_id met target_id unless a row exists (the first
 * meeting is kept, and so are the owner's words). */
enum store_rc store_connection_add(struct db *db, int64_t account_id, int64_t target_id,
				   int64_t met_status_id, int64_t met_at, int64_t now);
/* account_id's row about target_id, strings in ar: ST_NOT_FOUND if none. */
enum store_rc store_connection_get(struct db *db, struct arena *ar, int64_t account_id,
				   int64_t target_id, struct connection *out);
/* Sets the owner's words (a row is made, met at `now`, if none). */
enum store_rc store_connection_set_how(struct db *db, int64_t account_id, int64_t target_id,
				       const char *how, int64_t now);

/* ---- contacts ---- */

/* from replied to, mentioned, favourited, boosted or messaged to at `at`. */
enum store_rc store_contact_touch(struct db *db, int64_t from, int64_t to, int64_t at);
/* *both: accounts a and b (a != b) are both still there (the outbox's
 * drain touches no pair an account left meanwhile). */
enum store_rc store_contact_pair_exists(struct db *db, int64_t a, int64_t b, bool *both);
/* Re-reads the follows between a and b (both ways) into their contact
 * rows, made if missing. */
enum store_rc store_contact_sync(struct db *db, int64_t a, int64_t b);

struct contact_row {
	int64_t other_id;
	int64_t last_any;    /* reconnect: the last interaction either way, 0 never */
	int64_t follower_id; /* unknown: the follows row (a snowflake: when) */
	int64_t cursor_a, cursor_b; /* the row's place in its order */
	struct account account;
};
struct contact_list {
	struct contact_row *items;
	int n;
};

/* Mutuals of account_id whose last interaction either way is before
 * `before` (ms), oldest first (never first), then by id; after the row
 * (after_at, after_id) when after_id != 0. At most limit, with accounts. */
enum store_rc store_reconnect(struct db *db, struct arena *ar, int64_t account_id,
			      int64_t before, int64_t after_at, int64_t after_id, int limit,
			      struct contact_list *out);
/* Followers of account_id it never replied to, mentioned, favourited,
 * boosted or messaged, newest follow first, follows rows below max_id
 * (0 = none). At most limit, with accounts. */
enum store_rc store_unknown(struct db *db, struct arena *ar, int64_t account_id, int64_t max_id,
			    int limit, struct contact_list *out);

/* ---- waiting ---- */

/* status_id (by from, in thread_id, of class kind; held: a policy kept it
 * as a message request) is addressed to account_id: the seam's row with
 * these columns, made if the seam has not made it yet. */
enum store_rc store_waiting_mark(struct db *db, int64_t account_id, int64_t status_id,
				 int64_t from, int64_t at, int64_t thread_id, int kind, bool held);
/* An edit: the class of status_id as addressed to account_id. */
enum store_rc store_waiting_reclass(struct db *db, int64_t account_id, int64_t status_id,
				    int kind);
/* account_id wrote status_id in thread_id at `at`: what was addressed to
 * it earlier in that thread is settled. */
enum store_rc store_waiting_settle(struct db *db, int64_t account_id, int64_t thread_id,
				   int64_t status_id, int64_t at);
/* account_id accepted from's message requests: their held items wait like
 * the others. */
enum store_rc store_waiting_release(struct db *db, int64_t account_id, int64_t from);

struct waiting_row {
	int64_t status_id, from_id, received_at;
	int kind;
};
/* account_id's unsettled, unheld items, by class (criticism, question,
 * other) then newest first, after (after_kind, after_id) when after_id !=
 * 0; authors account_id blocks, mutes (unexpired at now) or is blocked by
 * are left out. At most limit. */
enum store_rc store_waiting(struct db *db, struct arena *ar, int64_t account_id, int after_kind,
			    int64_t after_id, int limit, int64_t now, struct waiting_row **out,
			    int *n);

#endif
