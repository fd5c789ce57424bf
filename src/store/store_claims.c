/* store_claims.c - named leases and shared rate-limit windows. */
#include "store/claims.h"
#include "store/store_internal.h"

#include <stdatomic.h>

enum store_rc store_lease_take(struct db *db, const char *name, int64_t now, int64_t until,
			       bool *held)
{
	*held = false;
	enum db_rc rc = db_exec(db,
				"INSERT INTO leases (name, until) VALUES ($1, $2)"
				" ON CONFLICT (name) DO UPDATE SET until = excluded.until"
				" WHERE leases.until <= $3",
				"tii", name, until, now);
	if (rc == DB_OK)
		*held = db_changes(db) == 1;
	return st_rc(rc);
}

/* Windows that ended are removed every RL_PRUNE_EVERY counts of the process
 * (each one or more hits, util/ratelimit.c). */
#define RL_PRUNE_EVERY 4096

int store_ratelimit_hit(void *conn, const char *key, int64_t n, int64_t now, int64_t window_ms,
			int64_t *hits, int64_t *end_ms)
{
	static atomic_uint count;
	struct db *db = conn;
	if (atomic_fetch_add(&count, 1) % RL_PRUNE_EVERY == RL_PRUNE_EVERY - 1 &&
	    db_exec(db, "DELETE FROM rate_limits WHERE window_end <= $1", "i", now) != DB_OK)
		return -1;
	struct db_stmt *st = db_query(
		db,
		"INSERT INTO rate_limits (key, window_end, hits) VALUES ($1, $2, $4)"
		" ON CONFLICT (key) DO UPDATE SET"
		" hits = CASE WHEN rate_limits.window_end <= $3 THEN $4 ELSE rate_limits.hits + $4 END,"
		" window_end = CASE WHEN rate_limits.window_end <= $3 THEN excluded.window_end"
		" ELSE rate_limits.window_end END"
		" RETURNING hits, window_end",
		"tiii", key, now + window_ms, now, n);
	if (!st)
		return -1;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*hits = db_int(st, 0);
		*end_ms = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_ROW ? 0 : -1;
}
