/* store_lifecycle.c - tokens revoked together, authorised apps, and the
 * tombstones and removal of deleted accounts (store/lifecycle.h). */
#include "store/lifecycle.h"
#include "store/store_internal.h"
#include "util/util.h"

#define AUTHORIZED_APPS_MAX 200

enum store_rc store_tokens_revoke_others(struct db *db, int64_t account_id, int64_t keep,
					 int64_t *n)
{
	enum db_rc rc = db_exec(db, "DELETE FROM tokens WHERE account_id = $1 AND id <> $2", "ii",
				account_id, keep);
	if (rc != DB_OK)
		return st_rc(rc);
	*n = db_changes(db);
	return st_rc(db_exec(db, "DELETE FROM auth_codes WHERE account_id = $1", "i", account_id));
}

static void read_app(struct arena *ar, struct db_stmt *st, struct authorized_app *a)
{
	a->app_id = db_int(st, 0);
	a->name = st_text(ar, st, 1);
	a->website = st_text(ar, st, 2);
	a->scopes = st_text(ar, st, 3);
	a->first_at = db_int(st, 4);
	a->last_at = db_int(st, 5);
	a->tokens = db_int(st, 6);
}

enum store_rc store_authorized_apps(struct db *db, struct arena *ar, int64_t account_id,
				   struct authorized_app_list *out)
{
	out->n = 0;
	out->items = arena_alloc(ar, AUTHORIZED_APPS_MAX * sizeof *out->items);
	struct db_stmt *st = db_query(db,
				      "SELECT a.id, a.name, a.website, a.scopes, MIN(t.created_at),"
				      " MAX(t.created_at), COUNT(*) FROM tokens t"
				      " JOIN apps a ON a.id = t.app_id WHERE t.account_id = $1"
				      " GROUP BY a.id, a.name, a.website, a.scopes"
				      " ORDER BY MAX(t.created_at) DESC, a.id DESC LIMIT $2",
				      "ii", account_id, (int64_t)AUTHORIZED_APPS_MAX);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW)
		read_app(ar, st, &out->items[out->n++]);
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_app_tokens_revoke(struct db *db, int64_t account_id, int64_t app_id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM tokens WHERE account_id = $1 AND app_id = $2",
				"ii", account_id, app_id);
	if (rc != DB_OK)
		return st_rc(rc);
	int64_t n = db_changes(db);
	rc = db_exec(db, "DELETE FROM auth_codes WHERE account_id = $1 AND app_id = $2", "ii",
		     account_id, app_id);
	if (rc != DB_OK)
		return st_rc(rc);
	return n ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_tombstone_insert(struct db *db, int64_t id, int64_t at)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO account_tombstones (account_id, username_key, domain,"
				" uri, deleted_at) SELECT a.id, a.username_key, a.domain, a.uri, $2"
				" FROM accounts a JOIN users u ON u.account_id = a.id"
				" WHERE a.id = $1 AND a.domain = ''",
				"ii", id, at);
	if (rc != DB_OK)
		return st_rc(rc);
	if (!db_changes(db))
		return ST_NOT_FOUND;
	/* Signed out everywhere; the e-mail is free again. */
	rc = db_exec(db, "DELETE FROM tokens WHERE account_id = $1", "i", id);
	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM auth_codes WHERE account_id = $1", "i", id);
	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM users WHERE account_id = $1", "i", id);
	return st_rc(rc);
}

enum store_rc store_tombstone_named(struct db *db, const char *username, int64_t *deleted_at)
{
	enum db_rc rc = db_scalar(db, deleted_at,
				  "SELECT deleted_at FROM account_tombstones"
				  " WHERE username_key = LOWER($1) AND domain = ''",
				  "t", username);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_tombstone_remote(struct db *db, int64_t id, int64_t at)
{
	int64_t one;
	enum db_rc rc = db_scalar(db, &one, "SELECT 1 FROM accounts WHERE id = $1 AND domain <> ''",
				  "i", id);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
	/* an earlier account of the same handle, purged, makes way */
	rc = db_exec(db,
		     "DELETE FROM account_tombstones WHERE account_id <> $1 AND purged_at <> 0"
		     " AND (username_key, domain) IN (SELECT username_key, domain FROM accounts"
		     " WHERE id = $1)",
		     "i", id);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "INSERT INTO account_tombstones (account_id, username_key, domain, uri,"
			     " deleted_at) SELECT a.id, a.username_key, a.domain, a.uri, $2"
			     " FROM accounts a WHERE a.id = $1 ON CONFLICT DO NOTHING",
			     "ii", id, at);
	return st_rc(rc);
}

enum store_rc store_tombstone_pending(struct db *db, int64_t before, int64_t *id)
{
	enum db_rc rc = db_scalar(db, id,
				  "SELECT account_id FROM account_tombstones WHERE purged_at = 0"
				  " AND deleted_at < $1 ORDER BY account_id LIMIT 1",
				  "i", before);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_account_status_ids(struct db *db, int64_t account_id, int max, int64_t *ids,
				       int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT id FROM statuses WHERE account_id = $1"
				      " ORDER BY id DESC LIMIT $2",
				      "ii", account_id, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < max)
		ids[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* Others' numbers that counted the account: the accounts it followed and
 * that followed it, the statuses it favourited. */
static const char *const purge_counters[] = {
	"UPDATE accounts SET followers_count = CASE WHEN followers_count > 0"
	" THEN followers_count - 1 ELSE 0 END"
	" WHERE id IN (SELECT target_id FROM follows WHERE account_id = $1)",
	"UPDATE accounts SET following_count = CASE WHEN following_count > 0"
	" THEN following_count - 1 ELSE 0 END"
	" WHERE id IN (SELECT account_id FROM follows WHERE target_id = $1)",
	"UPDATE statuses SET favourites_count = CASE WHEN favourites_count > 0"
	" THEN favourites_count - 1 ELSE 0 END"
	" WHERE id IN (SELECT status_id FROM favourites WHERE account_id = $1)",
	NULL,
};

/* Rows that name the account without a foreign key to cascade from. */
static const char *const purge_loose[] = {
	"DELETE FROM home_feed WHERE account_id = $1",
	"DELETE FROM idempotency WHERE account_id = $1",
	"DELETE FROM social_daily WHERE account_id = $1",
	"DELETE FROM social_addressed WHERE account_id = $1 OR from_id = $1",
	"DELETE FROM social_edges WHERE account_id = $1",
	"DELETE FROM social_edges WHERE target_id = $1",
	"DELETE FROM social_trust WHERE account_id = $1",
	"DELETE FROM social_cards WHERE account_id = $1",
	"DELETE FROM detector_prints WHERE account_id = $1",
	"DELETE FROM detector_unfollows WHERE account_id = $1",
	"DELETE FROM detector_accounts WHERE account_id = $1",
	/* kept while its activities (the Delete of the actor) wait to be
	 * signed; store_delivery_drop removes it after the last one */
	"DELETE FROM actor_keys WHERE account_id = $1 AND NOT EXISTS"
	" (SELECT 1 FROM fed_activities WHERE actor_id = $1)",
	"DELETE FROM accounts WHERE id = $1",
	NULL,
};

enum store_rc store_account_purge(struct db *db, int64_t id, int64_t at)
{
	int64_t left;
	enum db_rc rc = db_scalar(db, &left, "SELECT 1 FROM statuses WHERE account_id = $1", "i",
				  id);
	if (rc != DB_DONE)
		return rc == DB_ROW ? ST_CONFLICT : ST_ERROR;
	rc = DB_OK;
	for (int i = 0; purge_counters[i] && rc == DB_OK; i++)
		rc = db_exec(db, purge_counters[i], "i", id);
	for (int i = 0; purge_loose[i] && rc == DB_OK; i++)
		rc = db_exec(db, purge_loose[i], "i", id);
	if (rc == DB_OK)
		rc = db_exec(db, "UPDATE account_tombstones SET purged_at = $2 WHERE account_id = $1",
			     "ii", id, at);
	return st_rc(rc);
}
