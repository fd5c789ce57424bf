/* federation.h - what the store keeps of other servers (migration 17,
 * store_federation.c): remote actors' endpoints and keys, received
 * activity ids, remote Follow ids, and the admin's domain rules. */
#ifndef RAPPORT_STORE_FEDERATION_H
#define RAPPORT_STORE_FEDERATION_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* A remote account's ActivityPub side. */
struct remote_actor {
	int64_t account_id;
	const char *inbox, *shared_inbox, *followers; /* "" when absent */
	const char *key_id, *public_pem;
	int64_t fetched_at; /* ms */
	bool indexable;     /* its public posts may be found by full-text search */
};

/* The account with this ActivityPub id (local or remote). */
enum store_rc store_account_by_uri(struct db *db, struct arena *ar, const char *uri,
				   struct account *out);
/* The id of the status with this ActivityPub id (remote statuses). */
enum store_rc store_status_by_uri(struct db *db, const char *uri, int64_t *id);
/* Inserts a remote account and its actor row, or, when an account with
 * a->uri exists, updates its profile, username and actor row; a->id is
 * set to the account's id either way. ra->account_id is ignored. */
enum store_rc store_remote_upsert(struct db *db, struct account *a, const struct remote_actor *ra);
/* The actor row of a remote account, by account or by keyId. */
enum store_rc store_remote_get(struct db *db, struct arena *ar, int64_t account_id,
			       struct remote_actor *out);
enum store_rc store_remote_by_key(struct db *db, struct arena *ar, const char *key_id,
				  struct remote_actor *out);

/* Claims an activity id received at `at`: ST_OK the first time,
 * ST_CONFLICT if it was claimed before. Claims older than before are
 * dropped first when prune is true. */
enum store_rc store_inbox_claim(struct db *db, const char *activity, int64_t at, bool prune,
				int64_t before);
/* Whether an activity id is claimed: ST_OK, ST_NOT_FOUND, ST_ERROR. */
enum store_rc store_inbox_seen(struct db *db, const char *activity);
/* Gives a claim back (its effect failed, so a retry must apply it). */
enum store_rc store_inbox_unclaim(struct db *db, const char *activity);

/* The id of account_id's Follow of target_id as the remote server named
 * it (set on each Follow received; read for the Accept or Reject). */
enum store_rc store_remote_follow_set(struct db *db, int64_t account_id, int64_t target_id,
				      const char *activity);
enum store_rc store_remote_follow_get(struct db *db, struct arena *ar, int64_t account_id,
				      int64_t target_id, const char **activity);
/* The target of account_id's follow whose Follow had that id (an Undo
 * naming it by id): ST_OK, ST_NOT_FOUND, ST_ERROR. */
enum store_rc store_remote_follow_target(struct db *db, int64_t account_id, const char *activity,
					 int64_t *target_id);

/* The admin's rule for a domain (the domain blocks of the admin API and
 * `rapport domain`, one table: store/moderation.h's admin_blocks of kind
 * BLOCK_DOMAIN), its own or its nearest parent domain's: 0 none (or
 * noop), INSTANCE_LIMIT (silence) or INSTANCE_BLOCK (suspend). */
#define INSTANCE_LIMIT 1
#define INSTANCE_BLOCK 2
enum store_rc store_instance_domain_get(struct db *db, const char *domain, int *severity);

/* A person's domain blocks: set (on) or removed; whether account_id
 * blocks domain; a page of them by domain after `after` ("" first). */
enum store_rc store_domain_block_set(struct db *db, int64_t account_id, const char *domain,
				     bool on, int64_t at);
enum store_rc store_domain_blocked(struct db *db, int64_t account_id, const char *domain,
				   bool *blocked);
enum store_rc store_domain_blocks(struct db *db, struct arena *ar, int64_t account_id,
				  const char *after, int limit, const char ***out, int *n);
/* Marks remote account id as moved to target_id: by a Move at `at` (ms),
 * or with at 0 by its actor document's movedTo (the time of the last Move
 * is kept). */
enum store_rc store_account_moved(struct db *db, int64_t id, int64_t target_id, int64_t at);
/* The account remote account id moved to (0: none) and when it last sent
 * a Move that took effect (0: never). */
enum store_rc store_account_move_get(struct db *db, int64_t id, int64_t *target_id,
				     int64_t *at);
/* The accounts of domain that follow account_id (at most limit). */
enum store_rc store_followers_on(struct db *db, int64_t account_id, const char *domain,
				 int limit, int64_t *out, int *n);

#endif
