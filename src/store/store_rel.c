/* store_rel.c - follows, follow requests, blocks, mutes, account notes,
 * the relationship between two accounts, the account lists they make,
 * notifications as their recipient reads them, and read markers. */
#include "store/rel.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <stdint.h>

/* ---- follows ---- */

/* Moves account's following_count and target's followers_count by delta. */
static enum store_rc follow_counts(struct db *db, int64_t account_id, int64_t target_id,
				   int64_t delta)
{
	enum db_rc rc = db_exec(db,
				"UPDATE accounts SET following_count = following_count + $2"
				" WHERE id = $1",
				"ii", account_id, delta);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "UPDATE accounts SET followers_count = followers_count + $2"
			     " WHERE id = $1",
			     "ii", target_id, delta);
	return st_rc(rc);
}

/* The insert and the update of a row of table (follows or
 * follow_requests): show_reblogs and notify below 0 mean the default
 * (1 and 0) for a new row and no change for an existing one; created is
 * the new row's created_at ($6 is now). */
#define FOLLOW_PUT_SQL(table, created)                                                         \
	{"INSERT INTO " table " (id, account_id, target_id, show_reblogs, notify, created_at)" \
	 " VALUES ($1, $2, $3, CASE WHEN $4 < 0 THEN 1 ELSE $4 END,"                          \
	 " CASE WHEN $5 < 0 THEN 0 ELSE $5 END, " created ") ON CONFLICT DO NOTHING",         \
	 "UPDATE " table " SET show_reblogs = CASE WHEN $3 < 0 THEN show_reblogs ELSE $3 END,"  \
	 " notify = CASE WHEN $4 < 0 THEN notify ELSE $4 END"                                  \
	 " WHERE account_id = $1 AND target_id = $2"}

/* Puts a row by sql (FOLLOW_PUT_SQL's pair): ST_OK with *added for a new row,
 * ST_CONFLICT when the row was there (its options updated). */
static enum store_rc follow_row_put(struct db *db, const char *const sql[2], int64_t account_id,
				    int64_t target_id, int show_reblogs, int notify, bool *added)
{
	*added = false;
	enum db_rc rc = db_exec(db, sql[0], "iiiiii", id_new(), account_id, target_id,
				(int64_t)show_reblogs, (int64_t)notify, now_ms());
	if (rc != DB_OK)
		return st_rc(rc);
	*added = db_changes(db) != 0;
	if (*added)
		return ST_OK;
	rc = db_exec(db, sql[1], "iiii", account_id, target_id, (int64_t)show_reblogs,
		     (int64_t)notify);
	return rc == DB_OK ? ST_CONFLICT : st_rc(rc);
}

enum store_rc store_follow_put(struct db *db, int64_t account_id, int64_t target_id,
			       int show_reblogs, int notify)
{
	static const char *const sql[2] = FOLLOW_PUT_SQL(
		"follows", "COALESCE((SELECT r.created_at FROM follow_requests r JOIN accounts t"
			   " ON t.id = r.target_id WHERE r.account_id = $2 AND r.target_id = $3"
			   " AND t.domain <> ''), $6)");
	bool added;
	enum store_rc rc = follow_row_put(db, sql, account_id, target_id, show_reblogs, notify,
					  &added);
	return added ? follow_counts(db, account_id, target_id, 1) : rc;
}

/* The created_at (first column of sql, keyed by $1 account_id and $2
 * target_id) of a relationship row, 0 when there is none. sql is a
 * literal: prepared statements are cached by it. */
static enum store_rc rel_time(struct db *db, const char *sql, int64_t account_id,
			      int64_t target_id, int64_t *at)
{
	*at = 0;
	struct db_stmt *st = db_query(db, sql, "ii", account_id, target_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*at = db_int(st, 0);
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_follow_since(struct db *db, int64_t account_id, int64_t target_id,
				 int64_t *at)
{
	return rel_time(db,
			"SELECT created_at FROM follows WHERE account_id = $1 AND target_id = $2",
			account_id, target_id, at);
}

enum store_rc store_request_since(struct db *db, int64_t account_id, int64_t target_id,
				  int64_t *at)
{
	return rel_time(db,
			"SELECT created_at FROM follow_requests WHERE account_id = $1"
			" AND target_id = $2",
			account_id, target_id, at);
}

enum store_rc store_block_since(struct db *db, int64_t account_id, int64_t target_id,
				int64_t *at)
{
	return rel_time(db,
			"SELECT created_at FROM blocks WHERE account_id = $1 AND target_id = $2",
			account_id, target_id, at);
}

enum store_rc store_follow_delete(struct db *db, int64_t account_id, int64_t target_id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM follows WHERE account_id = $1 AND target_id = $2",
				"ii", account_id, target_id);
	if (rc != DB_OK)
		return st_rc(rc);
	if (!db_changes(db))
		return ST_NOT_FOUND;
	return follow_counts(db, account_id, target_id, -1);
}

enum store_rc store_feed_backfill(struct db *db, int64_t account_id, int64_t target_id,
				  bool reblogs, int max)
{
	return st_rc(db_exec(
		db,
		"INSERT INTO home_feed (account_id, status_id)"
		" SELECT $1, s.id FROM statuses s WHERE s.account_id = $2 AND s.visibility <= 2"
		" AND ($3 = 1 OR s.reblog_of_id IS NULL)"
		" AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id IN ($1, $2)"
		" OR EXISTS (SELECT 1 FROM follows g WHERE g.account_id = $1"
		" AND g.target_id = s.in_reply_to_account_id))"
		" ORDER BY s.id DESC LIMIT $4 ON CONFLICT DO NOTHING",
		"iibi", account_id, target_id, reblogs, (int64_t)max));
}

/* ---- follow requests ---- */

enum store_rc store_request_put(struct db *db, int64_t account_id, int64_t target_id,
				int show_reblogs, int notify)
{
	static const char *const sql[2] = FOLLOW_PUT_SQL("follow_requests", "$6");
	bool added;
	return follow_row_put(db, sql, account_id, target_id, show_reblogs, notify, &added);
}

enum store_rc store_request_get(struct db *db, int64_t account_id, int64_t target_id,
				bool *show_reblogs, bool *notify)
{
	struct db_stmt *st = db_query(db,
				      "SELECT show_reblogs, notify FROM follow_requests"
				      " WHERE account_id = $1 AND target_id = $2",
				      "ii", account_id, target_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*show_reblogs = db_int(st, 0);
		*notify = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

/* Runs a DELETE of one row keyed by two ids; ST_NOT_FOUND when none went. */
static enum store_rc delete_pair(struct db *db, const char *sql, int64_t a, int64_t b)
{
	enum db_rc rc = db_exec(db, sql, "ii", a, b);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_request_delete(struct db *db, int64_t account_id, int64_t target_id)
{
	return delete_pair(db,
			   "DELETE FROM follow_requests WHERE account_id = $1 AND target_id = $2",
			   account_id, target_id);
}

/* ---- blocks, mutes, notes ---- */

enum store_rc store_block_put(struct db *db, int64_t account_id, int64_t target_id, bool on)
{
	enum db_rc rc =
		on ? db_exec(db,
			     "INSERT INTO blocks (id, account_id, target_id, created_at)"
			     " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			     "iiii", id_new(), account_id, target_id, now_ms())
		   : db_exec(db, "DELETE FROM blocks WHERE account_id = $1 AND target_id = $2",
			     "ii", account_id, target_id);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

enum store_rc store_mute_put(struct db *db, int64_t account_id, int64_t target_id,
			     bool notifications, int64_t expires_at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO mutes (id, account_id, target_id, notifications,"
			     " expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)"
			     " ON CONFLICT (account_id, target_id) DO UPDATE SET"
			     " notifications = excluded.notifications,"
			     " expires_at = excluded.expires_at",
			     "iiibii", id_new(), account_id, target_id, notifications, expires_at,
			     now_ms()));
}

enum store_rc store_mute_delete(struct db *db, int64_t account_id, int64_t target_id)
{
	enum store_rc st = delete_pair(
		db, "DELETE FROM mutes WHERE account_id = $1 AND target_id = $2", account_id,
		target_id);
	return st == ST_NOT_FOUND ? ST_CONFLICT : st;
}

enum store_rc store_note_put(struct db *db, int64_t account_id, int64_t target_id,
			     const char *comment)
{
	if (!*comment)
		return st_rc(db_exec(db,
				     "DELETE FROM account_notes WHERE account_id = $1"
				     " AND target_id = $2",
				     "ii", account_id, target_id));
	return st_rc(db_exec(db,
			     "INSERT INTO account_notes (account_id, target_id, comment)"
			     " VALUES ($1, $2, $3) ON CONFLICT (account_id, target_id)"
			     " DO UPDATE SET comment = excluded.comment",
			     "iit", account_id, target_id, comment));
}

/* ---- the relationship ---- */

/* Every column but the note is 0 or 1; CASE keeps them integers on every
 * backend. The pending request's options stand in for a follow's. */
#define EXISTS01(q) "CASE WHEN EXISTS (" q ") THEN 1 ELSE 0 END"

enum store_rc store_relationship(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
				 int64_t now, struct relationship *out)
{
	struct db_stmt *st = db_query(
		db,
		"SELECT CASE WHEN f.id IS NULL THEN 0 ELSE 1 END,"
		" COALESCE(f.show_reblogs, rq.show_reblogs, 0), COALESCE(f.notify, rq.notify, 0),"
		" " EXISTS01("SELECT 1 FROM follows g WHERE g.account_id = a.id"
			     " AND g.target_id = $1")
		", " EXISTS01("SELECT 1 FROM blocks b WHERE b.account_id = $1"
			      " AND b.target_id = a.id")
		", " EXISTS01("SELECT 1 FROM blocks b WHERE b.account_id = a.id"
			      " AND b.target_id = $1")
		", CASE WHEN mu.id IS NULL THEN 0 ELSE 1 END, COALESCE(mu.notifications, 0),"
		" CASE WHEN rq.id IS NULL THEN 0 ELSE 1 END, "
		EXISTS01("SELECT 1 FROM follow_requests q WHERE q.account_id = a.id"
			 " AND q.target_id = $1")
		", COALESCE(n.comment, '')"
		" FROM accounts a"
		" LEFT JOIN follows f ON f.account_id = $1 AND f.target_id = a.id"
		" LEFT JOIN follow_requests rq ON rq.account_id = $1 AND rq.target_id = a.id"
		" LEFT JOIN mutes mu ON mu.account_id = $1 AND mu.target_id = a.id"
		" AND (mu.expires_at = 0 OR mu.expires_at > $3)"
		" LEFT JOIN account_notes n ON n.account_id = $1 AND n.target_id = a.id"
		" WHERE a.id = $2",
		"iii", viewer, target, now);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->id = target;
		out->following = db_int(st, 0);
		out->showing_reblogs = db_int(st, 1);
		out->notifying = db_int(st, 2);
		out->followed_by = db_int(st, 3);
		out->blocking = db_int(st, 4);
		out->blocked_by = db_int(st, 5);
		out->muting = db_int(st, 6);
		out->muting_notifications = out->muting && db_int(st, 7);
		out->requested = db_int(st, 8);
		out->requested_by = db_int(st, 9);
		out->note = st_text(ar, st, 10);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

/* ---- account lists ---- */

/* $1 viewer (0 = anonymous), $2 upper bound, $3 lower bound, $4 limit,
 * $5 the account whose list it is. Suspended accounts are not listed. */
#define NOT_BLOCKED_ACCOUNT                                                                 \
	" AND a.suspended_at = 0"                                                          \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1"                \
	" AND b.target_id = a.id)"                                                         \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id"              \
	" AND b.target_id = $1)"

#define FOLLOWERS_SQL(ord)                                                                  \
	"SELECT f.id, " ACOLS("a") " FROM follows f JOIN accounts a ON a.id = f.account_id"   \
	" WHERE f.target_id = $5 AND f.id < $2 AND f.id > $3" NOT_BLOCKED_ACCOUNT             \
	" ORDER BY f.id " ord " LIMIT $4"

#define FOLLOWING_SQL(ord)                                                                  \
	"SELECT f.id, " ACOLS("a") " FROM follows f JOIN accounts a ON a.id = f.target_id"    \
	" WHERE f.account_id = $5 AND f.id < $2 AND f.id > $3" NOT_BLOCKED_ACCOUNT            \
	" ORDER BY f.id " ord " LIMIT $4"

#define REQUESTS_SQL(ord)                                                                   \
	"SELECT q.id, " ACOLS("a") " FROM follow_requests q JOIN accounts a"                 \
	" ON a.id = q.account_id WHERE q.target_id = $1 AND q.id < $2 AND q.id > $3"         \
	" ORDER BY q.id " ord " LIMIT $4"

#define BLOCKS_SQL(ord)                                                                     \
	"SELECT b.id, " ACOLS("a") " FROM blocks b JOIN accounts a ON a.id = b.target_id"     \
	" WHERE b.account_id = $1 AND b.id < $2 AND b.id > $3 ORDER BY b.id " ord " LIMIT $4"

/* $5 now: expired mutes are no mutes. */
#define MUTES_SQL(ord)                                                                      \
	"SELECT m.id, " ACOLS("a") " FROM mutes m JOIN accounts a ON a.id = m.target_id"      \
	" WHERE m.account_id = $1 AND m.id < $2 AND m.id > $3"                               \
	" AND (m.expires_at = 0 OR m.expires_at > $5) ORDER BY m.id " ord " LIMIT $4"

/* Runs sql[asc] with the common parameters, and extra as $5 when fmt has
 * a fifth letter. */
static enum store_rc account_page(struct db *db, struct arena *ar, const char *const sql[2],
				  const char *fmt, int64_t viewer, int64_t extra,
				  const struct page *pg, struct account_list *out)
{
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	return st_read_accounts(ar,
				db_query(db, sql[asc], fmt, viewer, hi, lo, (int64_t)pg->limit,
					 extra),
				asc, pg->limit, out);
}

enum store_rc store_followers(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			      const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {FOLLOWERS_SQL("DESC"), FOLLOWERS_SQL("ASC")};
	return account_page(db, ar, sql, "iiiii", viewer, target, pg, out);
}

enum store_rc store_following(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			      const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {FOLLOWING_SQL("DESC"), FOLLOWING_SQL("ASC")};
	return account_page(db, ar, sql, "iiiii", viewer, target, pg, out);
}

enum store_rc store_follow_requests(struct db *db, struct arena *ar, int64_t target,
				    const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {REQUESTS_SQL("DESC"), REQUESTS_SQL("ASC")};
	return account_page(db, ar, sql, "iiii", target, 0, pg, out);
}

enum store_rc store_blocks(struct db *db, struct arena *ar, int64_t viewer,
			   const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {BLOCKS_SQL("DESC"), BLOCKS_SQL("ASC")};
	return account_page(db, ar, sql, "iiii", viewer, 0, pg, out);
}

enum store_rc store_mutes(struct db *db, struct arena *ar, int64_t viewer, int64_t now,
			  const struct page *pg, struct account_list *out, int64_t **expires)
{
	static const char *const sql[2] = {MUTES_SQL("DESC"), MUTES_SQL("ASC")};
	enum store_rc rc = account_page(db, ar, sql, "iiiii", viewer, now, pg, out);
	*expires = arena_calloc(ar, (size_t)out->n + 1, sizeof **expires);
	if (rc != ST_OK || out->n == 0)
		return rc;
	/* The expiries of the page's rows, by their cursors' range. */
	int64_t lo = INT64_MAX, hi = 0;
	for (int i = 0; i < out->n; i++) {
		lo = out->cursor[i] < lo ? out->cursor[i] : lo;
		hi = out->cursor[i] > hi ? out->cursor[i] : hi;
	}
	struct db_stmt *st = db_query(db,
				      "SELECT id, expires_at FROM mutes WHERE account_id = $1"
				      " AND id BETWEEN $2 AND $3",
				      "iii", viewer, lo, hi);
	if (!st)
		return ST_ERROR;
	while (db_next(st) == DB_ROW)
		for (int i = 0; i < out->n; i++)
			if (out->cursor[i] == db_int(st, 0))
				(*expires)[i] = db_int(st, 1);
	db_end(st);
	return ST_OK;
}

/* ---- notifications ---- */

/* $1 recipient, $2 upper bound, $3 lower bound (both exclusive), $4 limit,
 * $5 types and $6 excluded types (",a,b," or ''), $7 the actor (0 = any).
 * Types are matched as whole words between commas; the lists are made of
 * known type names only. */
#define NOTIF_WHERE                                                                         \
	" FROM notifications n JOIN accounts a ON a.id = n.from_account_id"               \
	" LEFT JOIN statuses s ON s.id = n.status_id"                                      \
	" WHERE n.account_id = $1 AND n.id < $2 AND n.id > $3"                             \
	" AND ($5 = '' OR $5 LIKE ('%,' || n.type || ',%'))"                               \
	" AND ($6 = '' OR $6 NOT LIKE ('%,' || n.type || ',%'))"                           \
	" AND ($7 = 0 OR n.from_account_id = $7) AND a.suspended_at = 0"                   \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1"                  \
	" AND b.target_id = n.from_account_id)"                                             \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = n.from_account_id"   \
	" AND b.target_id = $1)"                                                            \
	" AND NOT EXISTS (SELECT 1 FROM account_domain_blocks dbk WHERE dbk.account_id = $1" \
	" AND dbk.domain = a.domain)"                                                       \
	" AND (n.status_id IS NULL OR s.account_id = $1 OR s.visibility <= 1"              \
	" OR (s.visibility = 2 AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1" \
	" AND f.target_id = s.account_id))"                                                 \
	" OR EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = $1))"

#define NOTIF_SQL(ord)                                                                      \
	"SELECT n.id, n.type, COALESCE(n.status_id, 0), n.created_at, " ACOLS("a")          \
	NOTIF_WHERE " ORDER BY n.id " ord " LIMIT $4"

static const struct notification_filter no_filter = {"", "", 0};

/* Reads a page: one row per notification with its actor. */
static enum store_rc read_notifications(struct arena *ar, struct db_stmt *st, bool asc,
					int limit, struct notification_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		struct notification *n = &out->items[out->n++];
		n->id = db_int(st, 0);
		n->type = st_text(ar, st, 1);
		n->status_id = db_int(st, 2);
		n->created_at = db_int(st, 3);
		st_account_row(ar, st, 4, &n->from);
		n->from_account_id = n->from.id;
		n->status = NULL;
	}
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	if (asc) /* min_id pages are read upwards and shown newest first */
		for (int i = 0, j = out->n - 1; i < j; i++, j--) {
			struct notification t = out->items[i];
			out->items[i] = out->items[j];
			out->items[j] = t;
		}
	return ST_OK;
}

enum store_rc store_notifications(struct db *db, struct arena *ar, int64_t viewer,
				  const struct notification_filter *f, const struct page *pg,
				  struct notification_list *out)
{
	static const char *const sql[2] = {NOTIF_SQL("DESC"), NOTIF_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	enum store_rc rc = read_notifications(
		ar,
		db_query(db, sql[asc], "iiiitti", viewer, hi, lo, (int64_t)pg->limit, f->types,
			 f->exclude, f->from),
		asc, pg->limit, out);
	for (int i = 0; i < out->n; i++)
		out->items[i].account_id = viewer;
	return rc;
}

enum store_rc store_notification_get(struct db *db, struct arena *ar, int64_t viewer, int64_t id,
				     struct notification *out)
{
	if (id <= 0 || id == INT64_MAX)
		return ST_NOT_FOUND;
	struct page pg = {.max_id = id + 1, .since_id = id - 1, .limit = 1};
	struct notification_list l;
	enum store_rc rc = store_notifications(db, ar, viewer, &no_filter, &pg, &l);
	if (rc != ST_OK)
		return rc;
	if (l.n == 0)
		return ST_NOT_FOUND;
	*out = l.items[0];
	return ST_OK;
}

enum store_rc store_notification_dismiss(struct db *db, int64_t viewer, int64_t id)
{
	return delete_pair(db, "DELETE FROM notifications WHERE account_id = $1 AND id = $2",
			   viewer, id);
}

enum store_rc store_notifications_clear(struct db *db, int64_t viewer)
{
	return st_rc(db_exec(db, "DELETE FROM notifications WHERE account_id = $1", "i", viewer));
}

enum store_rc store_notifications_count(struct db *db, int64_t viewer,
					const struct notification_filter *f, int64_t after, int cap,
					int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM (SELECT n.id" NOTIF_WHERE " LIMIT $4) x",
			       "iiiitti", viewer, INT64_MAX, after, (int64_t)cap, f->types,
			       f->exclude, f->from));
}

/* ---- markers ---- */

enum store_rc store_marker_get(struct db *db, int64_t viewer, const char *timeline,
			       struct marker *out)
{
	struct db_stmt *st = db_query(db,
				      "SELECT last_read_id, version, updated_at FROM markers"
				      " WHERE account_id = $1 AND timeline = $2",
				      "it", viewer, timeline);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->last_read_id = db_int(st, 0);
		out->version = db_int(st, 1);
		out->updated_at = db_int(st, 2);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_marker_put(struct db *db, int64_t viewer, const char *timeline,
			       int64_t last_read_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO markers (account_id, timeline, last_read_id, version,"
			     " updated_at) VALUES ($1, $2, $3, 0, $4)"
			     " ON CONFLICT (account_id, timeline) DO UPDATE SET"
			     " last_read_id = excluded.last_read_id, version = markers.version + 1,"
			     " updated_at = excluded.updated_at",
			     "itii", viewer, timeline, last_read_id, at));
}
