/* store_deliver.c - the federation delivery queue (migration 18). */
#include "store/deliver.h"
#include "store/store_internal.h"

#include <string.h>

enum store_rc store_inbox_get(struct db *db, struct arena *ar, int64_t account_id,
			      const char **inbox, const char **shared_inbox)
{
	struct db_stmt *st = db_query(
		db, "SELECT inbox, shared_inbox FROM remote_actors WHERE account_id = $1", "i",
		account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*inbox = st_text(ar, st, 0);
		*shared_inbox = st_text(ar, st, 1);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

/* The inboxes a query answers, one per row, in ar. */
static enum store_rc inbox_rows(struct db_stmt *st, struct arena *ar, const char ***out, int *n)
{
	int cap = 16;
	const char **v = arena_alloc(ar, (size_t)cap * sizeof *v);
	*n = 0;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		if (*n == cap) {
			const char **w = arena_alloc(ar, (size_t)cap * 2 * sizeof *w);
			memcpy(w, v, (size_t)cap * sizeof *v);
			v = w;
			cap *= 2;
		}
		v[(*n)++] = st_text(ar, st, 0);
	}
	db_end(st);
	*out = v;
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_follower_inboxes(struct db *db, struct arena *ar, int64_t account_id,
				     const char ***out, int *n)
{
	struct db_stmt *st = db_query(
		db,
		"SELECT DISTINCT CASE WHEN i.shared_inbox <> '' THEN i.shared_inbox"
		" ELSE i.inbox END FROM follows f JOIN remote_actors i ON i.account_id = f.account_id"
		" WHERE f.target_id = $1",
		"i", account_id);
	return st ? inbox_rows(st, ar, out, n) : ST_ERROR;
}

enum store_rc store_known_inboxes(struct db *db, struct arena *ar, int64_t account_id,
				  const char ***out, int *n)
{
#define PREFERRED "CASE WHEN i.shared_inbox <> '' THEN i.shared_inbox ELSE i.inbox END"
	struct db_stmt *st = db_query(
		db,
		"SELECT x.inbox FROM (SELECT " PREFERRED " AS inbox, MIN(CASE WHEN f.target_id IS"
		" NULL THEN 1 ELSE 0 END) AS later FROM remote_actors i LEFT JOIN follows f"
		" ON f.account_id = i.account_id AND f.target_id = $1 GROUP BY " PREFERRED ") AS x"
		" ORDER BY x.later, x.inbox",
		"i", account_id);
#undef PREFERRED
	return st ? inbox_rows(st, ar, out, n) : ST_ERROR;
}

enum store_rc store_activity_put(struct db *db, int64_t id, int64_t actor_id, const char *body,
				 int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO fed_activities (id, actor_id, body, created_at)"
			     " VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
			     "iiti", id, actor_id, body, at));
}

enum store_rc store_delivery_put(struct db *db, int64_t id, int64_t activity_id,
				 const char *inbox, const char *host, int64_t next_at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO deliveries (id, activity_id, inbox, host, next_at)"
			     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (activity_id, inbox) DO NOTHING",
			     "iitti", id, activity_id, inbox, host, next_at));
}

enum store_rc store_deliveries_take(struct db *db, struct arena *ar, int64_t now,
				    int64_t lease_until, int max, struct store_delivery **out,
				    int *n)
{
	struct db_stmt *st = db_query(
		db,
		"SELECT d.id, d.activity_id, a.actor_id, d.inbox, d.host, a.body, d.attempts"
		" FROM deliveries d JOIN fed_activities a ON a.id = d.activity_id"
		" WHERE d.next_at <= $1 ORDER BY d.next_at, d.id LIMIT $2",
		"ii", now, (int64_t)max);
	if (!st)
		return ST_ERROR;
	struct store_delivery *v = arena_calloc(ar, (size_t)max, sizeof *v);
	int k = 0;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		struct store_delivery *d = &v[k++];
		d->id = db_int(st, 0);
		d->activity_id = db_int(st, 1);
		d->actor_id = db_int(st, 2);
		d->inbox = st_text(ar, st, 3);
		d->host = st_text(ar, st, 4);
		d->body = st_text(ar, st, 5);
		d->attempts = (int)db_int(st, 6);
	}
	db_end(st);
	*out = v;
	*n = k;
	if (rc != DB_DONE)
		return ST_ERROR;
	for (int i = 0; i < k; i++)
		if (store_delivery_postpone(db, v[i].id, lease_until) != ST_OK)
			return ST_ERROR;
	return ST_OK;
}

enum store_rc store_delivery_drop(struct db *db, int64_t id, int64_t activity_id)
{
	if (db_exec(db, "DELETE FROM deliveries WHERE id = $1", "i", id) != DB_OK ||
	    db_exec(db,
		    "DELETE FROM fed_activities WHERE id = $1 AND NOT EXISTS"
		    " (SELECT 1 FROM deliveries WHERE activity_id = $1)",
		    "i", activity_id) != DB_OK)
		return ST_ERROR;
	if (!db_changes(db))
		return ST_OK;
	/* The last activity of a deleted account is done: its key goes. */
	return st_rc(db_exec(db,
			     "DELETE FROM actor_keys WHERE account_id IN (SELECT t.account_id FROM"
			     " account_tombstones t JOIN actor_keys k ON k.account_id = t.account_id"
			     " WHERE t.purged_at > 0 AND NOT EXISTS (SELECT 1 FROM fed_activities a"
			     " WHERE a.actor_id = t.account_id))",
			     ""));
}

enum store_rc store_delivery_retry(struct db *db, int64_t id, int attempts, int64_t next_at)
{
	return st_rc(db_exec(db, "UPDATE deliveries SET attempts = $2, next_at = $3 WHERE id = $1",
			     "iii", id, (int64_t)attempts, next_at));
}

enum store_rc store_delivery_postpone(struct db *db, int64_t id, int64_t next_at)
{
	return st_rc(
		db_exec(db, "UPDATE deliveries SET next_at = $2 WHERE id = $1", "ii", id, next_at));
}

enum store_rc store_deliveries_pending(struct db *db, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM deliveries", ""));
}

enum store_rc store_host_failure(struct db *db, const char *host, int64_t day, int limit,
				 bool *unavailable)
{
	if (db_exec(db,
		    "INSERT INTO delivery_hosts (host, failure_days, last_failure_day)"
		    " VALUES ($1, 1, $2) ON CONFLICT (host) DO UPDATE SET"
		    " failure_days = delivery_hosts.failure_days + CASE WHEN"
		    " delivery_hosts.last_failure_day < excluded.last_failure_day THEN 1 ELSE 0 END,"
		    " last_failure_day = CASE WHEN delivery_hosts.last_failure_day <"
		    " excluded.last_failure_day THEN excluded.last_failure_day"
		    " ELSE delivery_hosts.last_failure_day END",
		    "ti", host, day) != DB_OK ||
	    db_exec(db, "UPDATE delivery_hosts SET unavailable = 1 WHERE host = $1"
			" AND failure_days >= $2", "ti", host, (int64_t)limit) != DB_OK)
		return ST_ERROR;
	return store_host_unavailable(db, host, unavailable);
}

enum store_rc store_host_success(struct db *db, const char *host)
{
	return st_rc(db_exec(db, "DELETE FROM delivery_hosts WHERE host = $1", "t", host));
}

enum store_rc store_host_failing(struct db *db, const char *host, bool *failing)
{
	int64_t v = 0;
	enum db_rc rc = db_scalar(db, &v, "SELECT 1 FROM delivery_hosts WHERE host = $1", "t", host);
	*failing = rc == DB_ROW;
	return st_rc(rc);
}

enum store_rc store_host_unavailable(struct db *db, const char *host, bool *unavailable)
{
	int64_t v = 0;
	enum db_rc rc = db_scalar(db, &v, "SELECT unavailable FROM delivery_hosts WHERE host = $1",
				  "t", host);
	*unavailable = rc == DB_ROW && v != 0;
	return st_rc(rc);
}
