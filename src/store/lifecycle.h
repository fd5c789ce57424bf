/* lifecycle.h - the tables of the account lifecycle (store_lifecycle.c):
 * tokens revoked together, the apps an account authorised, and deleted
 * accounts' tombstones and the removal of their rows. */
#ifndef RAPPORT_STORE_LIFECYCLE_H
#define RAPPORT_STORE_LIFECYCLE_H

#include "store/store.h"

/* Deletes every token of account_id except the one with id keep (0 keeps
 * none), and its pending authorization codes; *n is how many tokens. */
enum store_rc store_tokens_revoke_others(struct db *db, int64_t account_id, int64_t keep,
					 int64_t *n);

/* An application holding tokens of the account. */
struct authorized_app {
	int64_t app_id;
	const char *name, *website;
	const char *scopes;    /* the app's, space-separated */
	int64_t first_at;      /* its oldest token still valid (ms) */
	int64_t last_at;       /* its newest */
	int64_t tokens;
};

struct authorized_app_list {
	struct authorized_app *items;
	int n;
};

/* The apps with tokens of account_id, most recently authorised first (at
 * most 200: an account does not sign in to more). */
enum store_rc store_authorized_apps(struct db *db, struct arena *ar, int64_t account_id,
				   struct authorized_app_list *out);
/* Deletes the account's tokens and codes of app_id; ST_NOT_FOUND when it
 * had none. */
enum store_rc store_app_tokens_revoke(struct db *db, int64_t account_id, int64_t app_id);

/* Writes the tombstone of local account id (its handle and actor id, from
 * its row) and deletes its credentials: the user row, tokens and codes.
 * ST_NOT_FOUND when there is no such local account with a user. */
enum store_rc store_tombstone_insert(struct db *db, int64_t id, int64_t at);
/* Writes the tombstone of remote account id (its server deleted it); a
 * tombstone already there is kept (ST_OK). ST_NOT_FOUND when there is no
 * such remote account. */
enum store_rc store_tombstone_remote(struct db *db, int64_t id, int64_t at);
/* The deletion time of the local account once named username (any
 * case); ST_NOT_FOUND when no deleted account had that handle. */
enum store_rc store_tombstone_named(struct db *db, const char *username, int64_t *deleted_at);
/* The oldest tombstone whose content is still being removed, deleted
 * before `before` (ms); ST_NOT_FOUND when none. */
enum store_rc store_tombstone_pending(struct db *db, int64_t before, int64_t *id);
/* Up to max ids of the account's statuses (its reblogs too), newest first. */
enum store_rc store_account_status_ids(struct db *db, int64_t account_id, int max, int64_t *ids,
				       int *n);
/* The last step of a deletion, once the account has no status left:
 * corrects the counters of others (followers and following counts,
 * favourites of their statuses), deletes the account's row (its follows,
 * favourites, bookmarks, lists, notifications... go with it) and its rows
 * in tables that hold ids without a foreign key, and marks the tombstone
 * purged at `at`. ST_CONFLICT when a status is left. */
enum store_rc store_account_purge(struct db *db, int64_t id, int64_t at);

#endif
