/* store_social_capital.c - the social-capital figures, card snapshots and
 * trust. Every read is a range of one account's rows (or, for trust, the
 * edge table read by the worker). */
#include "store/social_capital.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One integer from a statement returning at most one row: DB_ROW with the
 * value, DB_DONE with 0, or an error. */
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

/* Reads the two-integer rows of st (at most max) into an array in ar that
 * grows as rows come: its size follows the rows read, not the cap. */
static enum store_rc int_pairs(struct arena *ar, struct db_stmt *st, int max, int64_t **out,
			       size_t *n)
{
	*n = 0;
	size_t cap = 16;
	*out = arena_alloc(ar, cap * 2 * sizeof **out);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < (size_t)max) {
		if (*n == cap) {
			int64_t *more = arena_alloc(ar, cap * 4 * sizeof *more);
			memcpy(more, *out, cap * 2 * sizeof *more);
			*out = more;
			cap *= 2;
		}
		(*out)[2 * *n] = db_int(st, 0);
		(*out)[2 * (*n)++ + 1] = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* ---- incremental updates ---- */

enum store_rc store_social_daily_add(struct db *db, int64_t account_id, int64_t day,
				     int64_t originals, int64_t given, int64_t replies_in)
{
	return st_rc(db_exec_later(
		db,
		"INSERT INTO social_daily (account_id, day, originals, given, replies_in)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, day) DO UPDATE SET"
		" originals = social_daily.originals + excluded.originals,"
		" given = social_daily.given + excluded.given,"
		" replies_in = social_daily.replies_in + excluded.replies_in",
		"iiiii", account_id, day, originals, given, replies_in));
}

enum store_rc store_social_addressed_add(struct db *db, int64_t account_id, int64_t status_id,
					 int64_t from, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO social_addressed (account_id, status_id, from_id,"
			     " received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			     "iiii", account_id, status_id, from, at));
}

enum store_rc store_social_addressed_drop(struct db *db, int64_t account_id, int64_t status_id)
{
	return st_rc(db_exec(db,
			     "DELETE FROM social_addressed WHERE account_id = $1 AND status_id = $2",
			     "ii", account_id, status_id));
}

enum store_rc store_social_answer(struct db *db, int64_t account_id, int64_t status_id,
				  int64_t at)
{
	return st_rc(db_exec(db,
			     "UPDATE social_addressed SET answered_at = $3"
			     " WHERE account_id = $1 AND status_id = $2 AND answered_at = 0",
			     "iii", account_id, status_id, at));
}

enum store_rc store_social_turn(struct db *db, int64_t thread_id, int64_t account_id,
				int delta, bool starter)
{
	if (starter)
		return st_rc(db_exec_later(
			db,
			"INSERT INTO social_threads (thread_id, account_id, turns)"
			" VALUES ($1, $2, 1) ON CONFLICT DO NOTHING",
			"ii", thread_id, account_id));
	/* A thread begun before the figures existed has no row: not counted. */
	return st_rc(db_exec(db,
			     "UPDATE social_threads SET turns = turns + $2, other_turns = other_turns"
			     " + CASE WHEN account_id = $3 THEN 0 ELSE $2 END WHERE thread_id = $1",
			     "iii", thread_id, (int64_t)delta, account_id));
}

enum store_rc store_social_edge_add(struct db *db, int64_t account_id, int64_t target_id,
				    int64_t day, int64_t delta)
{
	return st_rc(db_exec(db,
			     "INSERT INTO social_edges (account_id, target_id, day, replies)"
			     " VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, target_id, day)"
			     " DO UPDATE SET replies = social_edges.replies + excluded.replies",
			     "iiii", account_id, target_id, day, delta));
}

enum store_rc store_favourite_time(struct db *db, int64_t account_id, int64_t status_id,
				   int64_t *at)
{
	return one_int(db_query(db,
				"SELECT created_at FROM favourites WHERE account_id = $1"
				" AND status_id = $2",
				"ii", account_id, status_id),
		       at);
}

/* ---- reading one account's window ---- */

enum store_rc store_social_daily_sum(struct db *db, int64_t account_id, int64_t first_day,
				     struct social_sums *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db,
				      "SELECT COALESCE(SUM(originals), 0), COALESCE(SUM(given), 0),"
				      " COALESCE(SUM(replies_in), 0) FROM social_daily"
				      " WHERE account_id = $1 AND day >= $2",
				      "ii", account_id, first_day);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->originals = db_int(st, 0);
		out->given = db_int(st, 1);
		out->replies_in = db_int(st, 2);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* The smallest snowflake made at or after ms. */
static int64_t id_at(int64_t ms)
{
	return ms > 0 ? id_from_ms(ms) : 0;
}

enum store_rc store_social_addressed(struct db *db, struct arena *ar, int64_t account_id,
				     int64_t since, int max, struct social_addressed_row **out,
				     size_t *n)
{
	int64_t *v;
	enum store_rc rc = int_pairs(ar,
				     db_query(db,
					      "SELECT received_at, answered_at FROM social_addressed"
					      " WHERE account_id = $1 AND status_id >= $2"
					      " ORDER BY status_id DESC LIMIT $3",
					      "iii", account_id, id_at(since), (int64_t)max),
				     max, &v, n);
	*out = arena_alloc(ar, (*n + 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (struct social_addressed_row){v[2 * i], v[2 * i + 1]};
	return rc;
}

enum store_rc store_social_threads(struct db *db, struct arena *ar, int64_t account_id,
				   int64_t since, int max, struct social_thread_row **out,
				   size_t *n)
{
	int64_t *v;
	enum store_rc rc = int_pairs(ar,
				     db_query(db,
					      "SELECT turns, CASE WHEN other_turns > 0 THEN 2 ELSE 1 END"
					      " FROM social_threads WHERE account_id = $1 AND thread_id >= $2"
					      " ORDER BY thread_id DESC LIMIT $3",
					      "iii", account_id, id_at(since), (int64_t)max),
				     max, &v, n);
	*out = arena_alloc(ar, (*n + 1) * sizeof **out);
	for (size_t i = 0; i < *n; i++)
		(*out)[i] = (struct social_thread_row){v[2 * i], v[2 * i + 1]};
	return rc;
}

enum store_rc store_social_follows_returned(struct db *db, int64_t account_id, int64_t since,
					    int64_t *received, int64_t *returned)
{
	*received = *returned = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT COUNT(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1"
				      " FROM follows b WHERE b.account_id = f.target_id"
				      " AND b.target_id = f.account_id) THEN 1 ELSE 0 END), 0)"
				      " FROM follows f WHERE f.target_id = $1 AND f.id >= $2",
				      "ii", account_id, id_at(since));
	return st_two_ints(st, received, returned);
}

enum store_rc store_social_trust_get(struct db *db, int64_t account_id, int64_t *milli)
{
	return one_int(db_query(db, "SELECT trust_milli FROM social_trust WHERE account_id = $1",
				"i", account_id),
		       milli);
}

/* ---- card snapshots ---- */

enum store_rc store_social_card_put(struct db *db, int64_t account_id, int64_t stamp,
				    int64_t computed_at, const int64_t *v, int n,
				    int64_t trust_milli)
{
	char text[SOCIAL_FIGURES * 21 + 1];
	size_t len = 0;
	text[0] = '\0';
	for (int i = 0; i < n && i < SOCIAL_FIGURES; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%" PRId64, i ? " " : "",
					v[i]);
	return st_rc(db_exec(db,
			     "INSERT INTO social_cards (account_id, stamp, computed_at, figures,"
			     " trust_milli) VALUES ($1, $2, $3, $4, $5)"
			     " ON CONFLICT (account_id) DO UPDATE SET stamp = excluded.stamp,"
			     " computed_at = excluded.computed_at, figures = excluded.figures,"
			     " trust_milli = excluded.trust_milli",
			     "iiiti", account_id, stamp, computed_at, text, trust_milli));
}

enum store_rc store_social_card_get(struct db *db, int64_t account_id, int64_t *stamp,
				    int64_t *v, int64_t *trust_milli, int64_t *computed_at)
{
	memset(v, 0, sizeof *v * SOCIAL_FIGURES);
	*stamp = *trust_milli = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT stamp, figures, trust_milli, computed_at FROM social_cards"
				      " WHERE account_id = $1",
				      "i", account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*stamp = db_int(st, 0);
		const char *p = db_text(st, 1);
		char *end;
		for (int i = 0; p && *p && i < SOCIAL_FIGURES; i++, p = end)
			v[i] = strtoll(p, &end, 10);
		*trust_milli = db_int(st, 2);
		if (computed_at)
			*computed_at = db_int(st, 3);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_social_cards_stale(struct db *db, struct arena *ar, int64_t before, int max,
				       int64_t **ids, int *n)
{
	*n = 0;
	*ids = arena_calloc(ar, (size_t)max + 1, sizeof **ids);
	struct db_stmt *st = db_query(db,
				      "SELECT account_id FROM social_cards WHERE computed_at < $1"
				      " ORDER BY computed_at LIMIT $2",
				      "ii", before, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < max)
		(*ids)[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* ---- trust ---- */

enum store_rc store_social_edges_all(struct db *db, int64_t first_day,
				     struct social_edge_row **out, size_t *n)
{
	*n = 0;
	*out = NULL;
	size_t cap = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT e.account_id, e.target_id, SUM(e.replies), a.created_at"
				      " FROM social_edges e JOIN accounts a ON a.id = e.account_id"
				      " WHERE e.day >= $1 GROUP BY e.account_id, e.target_id, a.created_at"
				      " HAVING SUM(e.replies) > 0",
				      "i", first_day);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		struct social_edge_row *e = &(*out)[(*n)++];
		e->account_id = db_int(st, 0);
		e->target_id = db_int(st, 1);
		e->replies = db_int(st, 2);
		e->created_at = db_int(st, 3);
	}
	db_end(st);
	if (rc == DB_DONE)
		return ST_OK;
	free(*out);
	*out = NULL;
	*n = 0;
	return ST_ERROR;
}

enum store_rc store_admins(struct db *db, struct arena *ar, int64_t **ids, int *n)
{
	*n = 0;
	int cap = 16;
	*ids = arena_calloc(ar, (size_t)cap, sizeof **ids);
	struct db_stmt *st = db_query(db, "SELECT account_id FROM users WHERE admin = 1", "");
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		if (*n == cap) {
			int64_t *more = arena_calloc(ar, (size_t)cap * 2, sizeof *more);
			memcpy(more, *ids, sizeof *more * (size_t)cap);
			*ids = more;
			cap *= 2;
		}
		(*ids)[(*n)++] = db_int(st, 0);
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_social_trust_put(struct db *db, int64_t account_id, int64_t milli,
				     int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO social_trust (account_id, trust_milli, computed_at)"
			     " VALUES ($1, $2, $3) ON CONFLICT (account_id) DO UPDATE SET"
			     " trust_milli = excluded.trust_milli, computed_at = excluded.computed_at",
			     "iii", account_id, milli, at));
}

enum store_rc store_social_trust_finish(struct db *db, int64_t at, int64_t stamp)
{
	enum db_rc rc = db_exec(db,
				"UPDATE social_trust SET trust_milli = 0, computed_at = $1"
				" WHERE computed_at < $1 AND trust_milli <> 0",
				"i", at);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "UPDATE social_cards SET stamp = $1, trust_milli = COALESCE((SELECT"
			     " t.trust_milli FROM social_trust t"
			     " WHERE t.account_id = social_cards.account_id), 0)"
			     " WHERE trust_milli <> COALESCE((SELECT t.trust_milli FROM social_trust t"
			     " WHERE t.account_id = social_cards.account_id), 0)",
			     "i", stamp);
	return st_rc(rc);
}

enum store_rc store_social_prune(struct db *db, int64_t first_day)
{
	int64_t first_id = id_at(first_day * SOCIAL_DAY_MS);
	enum db_rc rc = db_exec(db, "DELETE FROM social_edges WHERE day < $1", "i", first_day);
	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM social_threads WHERE thread_id < $1", "i", first_id);
	return st_rc(rc);
}
