/* store_detect.c - the automation detectors' tables (store/detect.h). */
#include "store/detect.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <stdlib.h>

/* One integer from a statement returning at most one row: the value, or 0
 * without a row; ST_ERROR if the statement failed. */
static enum store_rc one_int(struct db_stmt *st, int64_t *out)
{
	*out = 0;
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*out = db_int(st, 0);
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

/* ---- flags of statuses ---- */

enum store_rc store_status_flags_set(struct db *db, int64_t status_id, int64_t clear, int64_t add)
{
	if (!add)
		return st_rc(db_exec(db,
				     "UPDATE status_flags SET flags = flags & ~$2 WHERE status_id = $1"
				     " AND (flags & $2) <> 0",
				     "ii", status_id, clear));
	return st_rc(db_exec_later(
		db,
		"INSERT INTO status_flags (status_id, account_id, flags)"
		" SELECT id, account_id, $3 FROM statuses WHERE id = $1"
		" ON CONFLICT (status_id) DO UPDATE SET"
		" flags = (status_flags.flags & ~$2) | excluded.flags"
		" WHERE status_flags.flags <> ((status_flags.flags & ~$2) | excluded.flags)",
		"iii", status_id, clear, add));
}

enum store_rc store_status_flags_get(struct db *db, int64_t status_id, int64_t *flags)
{
	return one_int(db_query(db, "SELECT flags FROM status_flags WHERE status_id = $1", "i",
				status_id),
		       flags);
}

/* ---- fingerprints ---- */

enum store_rc store_detect_prints(struct db *db, struct arena *ar, int64_t account_id, int kind,
				  int64_t since, int max, struct detect_print_row **out, int *n)
{
	*n = 0;
	*out = arena_calloc(ar, (size_t)max + 1, sizeof **out);
	struct db_stmt *st = db_query(db,
				      "SELECT hash, status_id, other FROM detector_prints"
				      " WHERE account_id = $1 AND kind = $2 AND at >= $3"
				      " ORDER BY at DESC LIMIT $4",
				      "iiii", account_id, (int64_t)kind, since, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < max)
		(*out)[(*n)++] = (struct detect_print_row){(uint64_t)db_int(st, 0), db_int(st, 1),
							   db_int(st, 2)};
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_detect_print_add(struct db *db, int64_t account_id, int kind, int64_t at,
				     uint64_t hash, int64_t status_id, int64_t other)
{
	return st_rc(db_exec(db,
			     "INSERT INTO detector_prints (account_id, kind, at, hash, status_id, other)"
			     " VALUES ($1, $2, $3, $4, $5, $6)",
			     "iiiiii", account_id, (int64_t)kind, at, (int64_t)hash, status_id, other));
}

enum store_rc store_detect_prints_prune(struct db *db, int64_t account_id, int kind,
					int64_t before)
{
	if (!account_id)
		return st_rc(db_exec(db, "DELETE FROM detector_prints WHERE at < $1", "i", before));
	return st_rc(db_exec(db,
			     "DELETE FROM detector_prints WHERE account_id = $1 AND kind = $2"
			     " AND at < $3",
			     "iii", account_id, (int64_t)kind, before));
}

/* ---- unfollows ---- */

enum store_rc store_detect_unfollow_add(struct db *db, int64_t account_id, int64_t target_id,
					int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO detector_unfollows (account_id, at, target_id)"
			     " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			     "iii", account_id, at, target_id));
}

enum store_rc store_detect_unfollows(struct db *db, int64_t account_id, int64_t since, int cap,
				     int64_t *count, int64_t *capth_at)
{
	*count = *capth_at = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT at FROM detector_unfollows WHERE account_id = $1"
				      " AND at >= $2 ORDER BY at DESC LIMIT $3",
				      "iii", account_id, since, (int64_t)cap);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW)
		if (++*count == cap)
			*capth_at = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_detect_unfollows_prune(struct db *db, int64_t account_id, int64_t before)
{
	if (!account_id)
		return st_rc(db_exec(db, "DELETE FROM detector_unfollows WHERE at < $1", "i", before));
	return st_rc(db_exec(db, "DELETE FROM detector_unfollows WHERE account_id = $1 AND at < $2",
			     "ii", account_id, before));
}

/* ---- per account ---- */

enum store_rc store_detect_replied(struct db *db, int64_t account_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO detector_accounts (account_id, replied_at) VALUES ($1, $2)"
			     " ON CONFLICT (account_id) DO UPDATE SET replied_at = excluded.replied_at"
			     " WHERE detector_accounts.replied_at < excluded.replied_at",
			     "ii", account_id, at));
}

enum store_rc store_detect_replied_at(struct db *db, int64_t account_id, int64_t *at)
{
	return one_int(db_query(db, "SELECT replied_at FROM detector_accounts WHERE account_id = $1",
				"i", account_id),
		       at);
}

enum store_rc store_detect_automated(struct db *db, int64_t account_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO detector_accounts (account_id, automated, automated_at)"
			     " VALUES ($1, 1, $2) ON CONFLICT (account_id) DO UPDATE SET"
			     " automated = detector_accounts.automated + 1,"
			     " automated_at = excluded.automated_at",
			     "ii", account_id, at));
}

enum store_rc store_detect_automated_count(struct db *db, int64_t account_id, int64_t *n)
{
	return one_int(db_query(db, "SELECT automated FROM detector_accounts WHERE account_id = $1",
				"i", account_id),
		       n);
}

enum store_rc store_detect_originals(struct db *db, int64_t account_id, int64_t since,
				     int64_t except_id, int cap, int scan_max, int64_t *n)
{
	/* The newest scan_max statuses of the window (an index range), of
	 * which the originals are counted up to cap. */
	return one_int(db_query(db,
				"SELECT COUNT(*) FROM (SELECT 1 FROM (SELECT id, created_at,"
				" reblog_of_id, visibility, in_reply_to_account_id FROM statuses"
				" WHERE account_id = $1 AND id >= $2 ORDER BY id DESC LIMIT $6) s"
				" WHERE s.id <> $3 AND s.created_at >= $4 AND s.reblog_of_id IS NULL"
				" AND s.visibility <> 3"
				" AND COALESCE(NULLIF(s.in_reply_to_account_id, 0), $1) = $1"
				" LIMIT $5) recent",
				"iiiiii", account_id, id_from_ms(since), except_id, since,
				(int64_t)cap, (int64_t)scan_max),
		       n);
}

enum store_rc store_detect_talked(struct db *db, int64_t a, int64_t b, int64_t first_day,
				  bool *yes)
{
	int64_t v;
	enum store_rc st = one_int(db_query(db,
					    "SELECT 1 FROM social_edges WHERE ((account_id = $1"
					    " AND target_id = $2) OR (account_id = $2"
					    " AND target_id = $1)) AND day >= $3 AND replies > 0"
					    " LIMIT 1",
					    "iii", a, b, first_day),
				   &v);
	*yes = v == 1;
	return st;
}

/* ---- the worker ---- */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

enum store_rc store_detect_untrusted(struct db *db, int64_t automated_since,
				     int64_t unfollows_since, int min_unfollows, int64_t **ids,
				     size_t *n)
{
	*ids = NULL;
	*n = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT account_id FROM detector_accounts WHERE automated_at > 0"
				      " AND automated_at >= $1"
				      " UNION SELECT account_id FROM detector_unfollows WHERE at >= $2"
				      " GROUP BY account_id HAVING COUNT(*) >= $3",
				      "iii", automated_since, unfollows_since, (int64_t)min_unfollows);
	if (!st)
		return ST_ERROR;
	size_t cap = 0;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = db_int(st, 0);
	}
	db_end(st);
	if (rc != DB_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return ST_ERROR;
	}
	if (*n)
		qsort(*ids, *n, sizeof **ids, cmp_i64);
	return ST_OK;
}
