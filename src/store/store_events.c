/* store_events.c - the events outbox. */
#include "store/events.h"
#include "store/store_internal.h"

enum store_rc store_event_put(struct db *db, const struct store_event *e)
{
	return st_rc(db_exec_later(
		db,
		"INSERT INTO events (id, type, actor, target, status_id, object_id, rcpt,"
		" fate, flags, created_at, since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		" $10, $11)",
		"iiiiiitiiii", e->id, (int64_t)e->type, e->actor, e->target,
		e->status_id, e->object_id, e->rcpt ? e->rcpt : "", (int64_t)e->fate,
		e->flags, e->created_at, e->since));
}

enum store_rc store_events_next(struct db *db, struct arena *ar, int max,
				struct store_event **out, int *n)
{
	*n = 0;
	*out = arena_calloc(ar, (size_t)max + 1, sizeof **out);
	struct db_stmt *st = db_query(db,
				      "SELECT id, type, actor, target, status_id, object_id, rcpt,"
				      " fate, flags, created_at, since FROM events ORDER BY id"
				      " LIMIT $1",
				      "i", (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < max) {
		struct store_event *e = &(*out)[(*n)++];
		e->id = db_int(st, 0);
		e->type = (int)db_int(st, 1);
		e->actor = db_int(st, 2);
		e->target = db_int(st, 3);
		e->status_id = db_int(st, 4);
		e->object_id = db_int(st, 5);
		e->rcpt = st_text(ar, st, 6);
		e->fate = (int)db_int(st, 7);
		e->flags = db_int(st, 8);
		e->created_at = db_int(st, 9);
		e->since = db_int(st, 10);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_events_done(struct db *db, const int64_t *ids, int n)
{
	enum db_rc rc = DB_OK;
	for (int i = 0; i < n && rc == DB_OK; i++) {
		rc = db_exec(db, "DELETE FROM events WHERE id = $1", "i", ids[i]);
		if (rc == DB_OK && db_changes(db) != 1)
			return ST_CONFLICT; /* drained meanwhile, by another process */
	}
	return st_rc(rc);
}

enum store_rc store_events_pending(struct db *db, int64_t *n)
{
	*n = 0;
	struct db_stmt *st = db_query(db, "SELECT COUNT(*) FROM events", "");
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*n = db_int(st, 0);
	db_end(st);
	return rc == DB_ROW ? ST_OK : ST_ERROR;
}
