/* store_federation.c - remote actors, received activities, remote Follow
 * ids and domain rules (migration 17). */
#include "store/accounts.h"
#include "store/federation.h"
#include "store/moderation.h"
#include "store/store_internal.h"

#include <ctype.h>
#include <string.h>

enum store_rc store_account_by_uri(struct db *db, struct arena *ar, const char *uri,
				   struct account *out)
{
	struct db_stmt *st =
		db_query(db, "SELECT " ACOLS("a") " FROM accounts a WHERE a.uri = $1", "t", uri);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		st_account_row(ar, st, 0, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_status_by_uri(struct db *db, const char *uri, int64_t *id)
{
	enum db_rc rc = db_scalar(db, id, "SELECT id FROM statuses WHERE uri = $1", "t", uri);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

static enum store_rc actor_row(struct db *db, const struct remote_actor *ra, int64_t id)
{
	return st_rc(db_exec(db,
			     "INSERT INTO remote_actors (account_id, inbox, shared_inbox, followers,"
			     " key_id, public_pem, fetched_at, indexable)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
			     " ON CONFLICT (account_id) DO UPDATE SET inbox = $2, shared_inbox = $3,"
			     " followers = $4, key_id = $5, public_pem = $6, fetched_at = $7,"
			     " indexable = $8",
			     "itttttib", id, ra->inbox, ra->shared_inbox, ra->followers, ra->key_id,
			     ra->public_pem, ra->fetched_at, ra->indexable));
}

/* A key that moved from one remote actor to another is taken from the
 * first: keyIds are unique, and the newest document wins. */
static enum store_rc free_key(struct db *db, const char *key_id, int64_t id)
{
	return st_rc(db_exec(db, "DELETE FROM remote_actors WHERE key_id = $1 AND account_id <> $2",
			     "ti", key_id, id));
}

enum store_rc store_remote_upsert(struct db *db, struct account *a, const struct remote_actor *ra)
{
	struct arena ar;
	struct account old;
	arena_init(&ar);
	enum store_rc st = store_account_by_uri(db, &ar, a->uri, &old);
	if (st == ST_OK) {
		a->id = old.id;
		char key[128];
		size_t i = 0;
		for (; a->username[i] && i + 1 < sizeof key; i++)
			key[i] = (char)tolower((unsigned char)a->username[i]);
		key[i] = '\0';
		st = store_account_update_profile(db, a);
		if (st == ST_OK)
			st = st_rc(db_exec(db,
					   "UPDATE accounts SET username = $2, username_key = $3, url = $4"
					   " WHERE id = $1",
					   "ittt", a->id, a->username, key, a->url));
	} else if (st == ST_NOT_FOUND) {
		st = store_account_insert(db, a);
	}
	if (st == ST_OK)
		st = free_key(db, ra->key_id, a->id);
	if (st == ST_OK)
		st = actor_row(db, ra, a->id);
	arena_free(&ar);
	return st;
}

#define RCOLS                                                                              \
	"account_id, inbox, shared_inbox, followers, key_id, public_pem, fetched_at, indexable"

static enum store_rc one_actor(struct arena *ar, struct db_stmt *st, struct remote_actor *out)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->account_id = db_int(st, 0);
		out->inbox = st_text(ar, st, 1);
		out->shared_inbox = st_text(ar, st, 2);
		out->followers = st_text(ar, st, 3);
		out->key_id = st_text(ar, st, 4);
		out->public_pem = st_text(ar, st, 5);
		out->fetched_at = db_int(st, 6);
		out->indexable = db_int(st, 7) != 0;
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_remote_get(struct db *db, struct arena *ar, int64_t account_id,
			       struct remote_actor *out)
{
	return one_actor(ar,
			 db_query(db, "SELECT " RCOLS " FROM remote_actors WHERE account_id = $1",
				  "i", account_id),
			 out);
}

enum store_rc store_remote_by_key(struct db *db, struct arena *ar, const char *key_id,
				  struct remote_actor *out)
{
	return one_actor(ar,
			 db_query(db, "SELECT " RCOLS " FROM remote_actors WHERE key_id = $1", "t",
				  key_id),
			 out);
}

enum store_rc store_inbox_claim(struct db *db, const char *activity, int64_t at, bool prune,
				int64_t before)
{
	if (prune && db_exec(db, "DELETE FROM inbox_seen WHERE at < $1", "i", before) != DB_OK)
		return ST_ERROR;
	enum db_rc rc = db_exec(db,
				"INSERT INTO inbox_seen (activity, at) VALUES ($1, $2)"
				" ON CONFLICT (activity) DO NOTHING",
				"ti", activity, at);
	if (rc != DB_OK)
		return ST_ERROR;
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

enum store_rc store_inbox_seen(struct db *db, const char *activity)
{
	struct db_stmt *st = db_query(db, "SELECT 1 FROM inbox_seen WHERE activity = $1", "t",
				      activity);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_inbox_unclaim(struct db *db, const char *activity)
{
	return st_rc(db_exec(db, "DELETE FROM inbox_seen WHERE activity = $1", "t", activity));
}

enum store_rc store_remote_follow_set(struct db *db, int64_t account_id, int64_t target_id,
				      const char *activity)
{
	return st_rc(db_exec(db,
			     "INSERT INTO remote_follows (account_id, target_id, activity)"
			     " VALUES ($1, $2, $3) ON CONFLICT (account_id, target_id)"
			     " DO UPDATE SET activity = $3",
			     "iit", account_id, target_id, activity));
}

enum store_rc store_remote_follow_get(struct db *db, struct arena *ar, int64_t account_id,
				      int64_t target_id, const char **activity)
{
	struct db_stmt *st = db_query(db,
				      "SELECT activity FROM remote_follows"
				      " WHERE account_id = $1 AND target_id = $2",
				      "ii", account_id, target_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*activity = st_text(ar, st, 0);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_remote_follow_target(struct db *db, int64_t account_id, const char *activity,
					 int64_t *target_id)
{
	/* the primary key's prefix: only account_id's own follows are read */
	enum db_rc rc = db_scalar(db, target_id,
				  "SELECT target_id FROM remote_follows"
				  " WHERE account_id = $1 AND activity = $2",
				  "it", account_id, activity);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_instance_domain_get(struct db *db, const char *domain, int *severity)
{
	/* Mastodon's DomainBlock.rule_for: the rule of the domain or of the
	 * nearest parent domain that has one (the longest value that matches;
	 * domain values hold no LIKE wildcards). */
	int64_t v;
	enum db_rc rc = db_scalar(db, &v,
				  "SELECT CASE severity WHEN 'suspend' THEN 2 WHEN 'silence' THEN 1"
				  " ELSE 0 END FROM admin_blocks WHERE kind = $2 AND (value = $1"
				  " OR $1 LIKE '%.' || value) ORDER BY LENGTH(value) DESC LIMIT 1",
				  "ti", domain, (int64_t)BLOCK_DOMAIN);
	*severity = rc == DB_ROW ? (int)v : 0;
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_domain_block_set(struct db *db, int64_t account_id, const char *domain,
				     bool on, int64_t at)
{
	if (!on)
		return st_rc(db_exec(db,
				     "DELETE FROM account_domain_blocks"
				     " WHERE account_id = $1 AND domain = $2",
				     "it", account_id, domain));
	return st_rc(db_exec(db,
			     "INSERT INTO account_domain_blocks (account_id, domain, created_at)"
			     " VALUES ($1, $2, $3) ON CONFLICT (account_id, domain) DO NOTHING",
			     "iti", account_id, domain, at));
}

enum store_rc store_domain_blocked(struct db *db, int64_t account_id, const char *domain,
				   bool *blocked)
{
	int64_t v;
	return st_found(db_scalar(db, &v,
				  "SELECT 1 FROM account_domain_blocks"
				  " WHERE account_id = $1 AND domain = $2",
				  "it", account_id, domain),
			blocked);
}

enum store_rc store_domain_blocks(struct db *db, struct arena *ar, int64_t account_id,
				  const char *after, int limit, const char ***out, int *n)
{
	struct db_stmt *st = db_query(db,
				      "SELECT domain FROM account_domain_blocks"
				      " WHERE account_id = $1 AND domain > $2 ORDER BY domain LIMIT $3",
				      "iti", account_id, after, (int64_t)limit);
	if (!st)
		return ST_ERROR;
	*out = arena_calloc(ar, (size_t)limit + 1, sizeof **out);
	*n = 0;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < limit)
		(*out)[(*n)++] = st_text(ar, st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_followers_on(struct db *db, int64_t account_id, const char *domain,
				 int limit, int64_t *out, int *n)
{
	struct db_stmt *st = db_query(db,
				      "SELECT a.id FROM follows f JOIN accounts a ON a.id = f.account_id"
				      " WHERE f.target_id = $1 AND a.domain = $2 LIMIT $3",
				      "iti", account_id, domain, (int64_t)limit);
	if (!st)
		return ST_ERROR;
	*n = 0;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < limit)
		out[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_account_moved(struct db *db, int64_t id, int64_t target_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "UPDATE accounts SET moved_to_account_id = $2,"
			     " moved_at = CASE WHEN $3 > 0 THEN $3 ELSE moved_at END"
			     " WHERE id = $1 AND domain <> ''",
			     "iii", id, target_id, at));
}

enum store_rc store_account_move_get(struct db *db, int64_t id, int64_t *target_id,
				     int64_t *at)
{
	struct db_stmt *st = db_query(db,
				      "SELECT moved_to_account_id, moved_at FROM accounts WHERE id = $1",
				      "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	*target_id = rc == DB_ROW ? db_int(st, 0) : 0;
	*at = rc == DB_ROW ? db_int(st, 1) : 0;
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}
