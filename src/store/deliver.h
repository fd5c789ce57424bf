/* deliver.h - the federation delivery queue (store_deliver.c, migration
 * 15): activities waiting to be delivered, one
 * row per POST still to make, and what is known of each host's failures.
 * federation/outbox.c fills the queue from the event seam and
 * federation/deliver.c empties it. */
#ifndef RAPPORT_STORE_DELIVER_H
#define RAPPORT_STORE_DELIVER_H

#include "store/store.h"

/* The inboxes of remote account account_id (remote_actors, migration
 * 14), in ar; ST_NOT_FOUND for an account with none (a local one). */
enum store_rc store_inbox_get(struct db *db, struct arena *ar, int64_t account_id,
			      const char **inbox, const char **shared_inbox);
/* The inboxes of account_id's remote followers, one per server: the
 * shared inbox, or the personal one where there is none; deduplicated. */
enum store_rc store_follower_inboxes(struct db *db, struct arena *ar, int64_t account_id,
				     const char ***out, int *n);

/* Every known server's inbox: each remote actor's shared inbox, or its
 * personal one where there is none; deduplicated; those of account_id's
 * followers first (Mastodon's followers.inboxes, then Account.inboxes:
 * where a deleted actor's Delete goes). */
enum store_rc store_known_inboxes(struct db *db, struct arena *ar, int64_t account_id,
				  const char ***out, int *n);

/* Queues activity id (its JSON body, signed as actor_id). */
enum store_rc store_activity_put(struct db *db, int64_t id, int64_t actor_id, const char *body,
				 int64_t at);
/* Queues one POST of activity_id to inbox (whose authority is host), due
 * at next_at; a second one to the same inbox is ignored. */
enum store_rc store_delivery_put(struct db *db, int64_t id, int64_t activity_id,
				 const char *inbox, const char *host, int64_t next_at);

struct store_delivery {
	int64_t id, activity_id, actor_id;
	const char *inbox, *host, *body;
	int attempts;
};
/* Takes up to max deliveries due at now (next_at <= now), oldest first,
 * and moves their next_at to lease_until, so no other worker takes them
 * meanwhile. Call it in a transaction (store_tx). */
enum store_rc store_deliveries_take(struct db *db, struct arena *ar, int64_t now,
				    int64_t lease_until, int max, struct store_delivery **out,
				    int *n);
/* Removes delivery id (made, or given up), and its activity once no
 * delivery of it is left; then the key of a deleted (purged) account
 * with no activity left. */
enum store_rc store_delivery_drop(struct db *db, int64_t id, int64_t activity_id);
/* Records attempt number `attempts` and when to try next. */
enum store_rc store_delivery_retry(struct db *db, int64_t id, int attempts, int64_t next_at);
/* Moves delivery id to next_at without counting an attempt. */
enum store_rc store_delivery_postpone(struct db *db, int64_t id, int64_t next_at);
/* Deliveries waiting (tests, logs). */
enum store_rc store_deliveries_pending(struct db *db, int64_t *n);

/* A failed attempt on host on UTC day `day`: counts the day if it is a
 * new one; *unavailable tells whether the host now has failures on
 * `limit` distinct days (and is marked so). */
enum store_rc store_host_failure(struct db *db, const char *host, int64_t day, int limit,
				 bool *unavailable);
/* A success (or a signed request from host): forgets its failures. */
enum store_rc store_host_success(struct db *db, const char *host);
/* Whether host has failures recorded (marked unavailable or not). */
enum store_rc store_host_failing(struct db *db, const char *host, bool *failing);
/* Whether host is marked unavailable. */
enum store_rc store_host_unavailable(struct db *db, const char *host, bool *unavailable);

#endif
