/* store_scheduled.c - statuses waiting for their time (store/scheduled.h). */
#include "store/scheduled.h"
#include "store/store_internal.h"
#include "util/util.h"

#define SCHED_COLS "id, account_id, scheduled_at, params"

static void sched_row(struct arena *ar, struct db_stmt *st, struct scheduled_status *s)
{
	s->id = db_int(st, 0);
	s->account_id = db_int(st, 1);
	s->scheduled_at = db_int(st, 2);
	s->params = st_text(ar, st, 3);
}

static enum store_rc one(struct arena *ar, struct db_stmt *st, struct scheduled_status *out)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		sched_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_scheduled_insert(struct db *db, const struct scheduled_status *s)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params)"
				" SELECT $1, $2, $3, $4 WHERE (SELECT COUNT(*) FROM scheduled_statuses"
				" WHERE account_id = $2) < $5",
				"iiiti", s->id, s->account_id, s->scheduled_at, s->params,
				(int64_t)SCHEDULED_MAX);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

enum store_rc store_scheduled_get(struct db *db, struct arena *ar, int64_t account_id,
				  int64_t id, struct scheduled_status *out)
{
	return one(ar, db_query(db, "SELECT " SCHED_COLS " FROM scheduled_statuses"
				    " WHERE id = $1 AND account_id = $2", "ii", id, account_id),
		   out);
}

#define PAGE_SQL(ord)                                                                         \
	"SELECT " SCHED_COLS " FROM scheduled_statuses WHERE account_id = $1 AND id < $2"       \
	" AND id > $3 ORDER BY id " ord " LIMIT $4"

enum store_rc store_scheduled_page(struct db *db, struct arena *ar, int64_t account_id,
				   const struct page *pg, struct scheduled_list *out)
{
	static const char *const sql[2] = {PAGE_SQL("DESC"), PAGE_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int cap = pg->limit > 0 ? pg->limit : 1;
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)cap, sizeof *out->items);
	struct db_stmt *st = db_query(db, sql[asc], "iiii", account_id, hi, lo, (int64_t)pg->limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < cap)
		sched_row(ar, st, &out->items[out->n++]);
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	for (int i = 0, j = out->n - 1; asc && i < j; i++, j--) {
		struct scheduled_status t = out->items[i];
		out->items[i] = out->items[j];
		out->items[j] = t;
	}
	return ST_OK;
}

enum store_rc store_scheduled_set_time(struct db *db, int64_t account_id, int64_t id,
				       int64_t at)
{
	enum db_rc rc = db_exec(db,
				"UPDATE scheduled_statuses SET scheduled_at = $3, claimed_until = 0"
				" WHERE id = $1 AND account_id = $2",
				"iii", id, account_id, at);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_scheduled_delete(struct db *db, int64_t account_id, int64_t id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM scheduled_statuses WHERE id = $1 AND account_id = $2",
				"ii", id, account_id);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_scheduled_any_due(struct db *db, int64_t now, bool *any)
{
	int64_t id;
	return st_found(db_scalar(db, &id,
				  "SELECT id FROM scheduled_statuses WHERE scheduled_at <= $1"
				  " AND claimed_until <= $1 LIMIT 1",
				  "i", now),
			any);
}

enum store_rc store_scheduled_claim(struct db *db, struct arena *ar, int64_t now, int64_t until,
				    struct scheduled_status *out)
{
	enum store_rc st = one(ar,
			       db_query(db,
					DB_CLAIM(db,
						 "SELECT " SCHED_COLS " FROM scheduled_statuses"
						 " WHERE scheduled_at <= $1 AND claimed_until <= $1"
						 " ORDER BY scheduled_at, id LIMIT 1",
						 ""),
					"i", now),
			       out);
	if (st != ST_OK)
		return st;
	return st_rc(db_exec(db, "UPDATE scheduled_statuses SET claimed_until = $2 WHERE id = $1",
			     "ii", out->id, until));
}
