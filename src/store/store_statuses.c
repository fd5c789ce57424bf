/* store_statuses.c - statuses, their mentions, tags, edits, home feeds and
 * the timeline queries. Every list query reads a status, its author, the
 * status it reblogs and that one's author in one statement, so a page of
 * any timeline costs one query plus the viewer's flags. */
#include "store/statuses.h"
#include "store/jobs.h"
#include "store/store_internal.h"
#include "util/log.h"
#include "util/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SCOLS(x)                                                                              \
	x ".id, " x ".account_id, " x ".uri, " x ".text, " x ".content, " x ".spoiler_text, "   \
	x ".sensitive, " x ".visibility, " x ".language, " x ".in_reply_to_id, "              \
	x ".in_reply_to_account_id, " x ".reblog_of_id, " x ".thread_id, " x ".app_id, "       \
	x ".mentions, " x ".tags, " x ".local, " x ".created_at, " x ".edited_at, "             \
	x ".replies_count, " x ".reblogs_count, " x ".favourites_count"
#define SCOLS_N 22

/* The numbers of a status and of its author: what list readers read (see
 * lite_row). Pages are rendered from a cache of JSON validated by these
 * counters and times, so the strings are only read for the rows the
 * cache misses (store_statuses_fill). */
#define LITE_SCOLS(x)                                                                          \
	x ".id, " x ".account_id, " x ".sensitive, " x ".visibility, " x ".in_reply_to_id, "   \
	x ".in_reply_to_account_id, " x ".reblog_of_id, " x ".thread_id, " x ".app_id, "       \
	x ".local, " x ".created_at, " x ".edited_at, " x ".replies_count, "                   \
	x ".reblogs_count, " x ".favourites_count"
#define LITE_SCOLS_N 15
#define LITE_ACOLS(x)                                                                          \
	x ".created_at, " x ".updated_at, " x ".last_status_at, " x ".statuses_count, "        \
	x ".followers_count, " x ".following_count, " x ".sensitized_at"
#define LITE_ACOLS_N 7
#define LITE_COLS LITE_SCOLS("s") ", " LITE_ACOLS("a") ", " LITE_SCOLS("r") ", " LITE_ACOLS("ra")
#define LITE_JOINS                                                                         \
	" JOIN accounts a ON a.id = s.account_id"                                         \
	" LEFT JOIN statuses r ON r.id = s.reblog_of_id"                                  \
	" LEFT JOIN accounts ra ON ra.id = r.account_id"

/* cursor, s, a, r, ra, app name, app website */
/* cursor, s, a, r, ra, the apps of s and of r (name, website) */
#define FULL_COLS                                                                           \
	SCOLS("s") ", " ACOLS("a") ", " SCOLS("r") ", " ACOLS("ra")                           \
	", ap.name, ap.website, apr.name, apr.website"
#define FULL_JOINS                                                                         \
	" JOIN accounts a ON a.id = s.account_id"                                         \
	" LEFT JOIN statuses r ON r.id = s.reblog_of_id"                                  \
	" LEFT JOIN accounts ra ON ra.id = r.account_id"                                  \
	" LEFT JOIN apps ap ON ap.id = s.app_id"                                          \
	" LEFT JOIN apps apr ON apr.id = r.app_id"

/* The common parameters: $1 viewer, $2 upper bound (exclusive), $3 lower
 * bound (exclusive), $4 limit, $5 now; each query's own start at $6. */

static void status_row(struct arena *ar, struct db_stmt *st, int c, struct status *s)
{
	s->id = db_int(st, c + 0);
	s->account_id = db_int(st, c + 1);
	s->uri = st_text(ar, st, c + 2);
	s->text = st_text(ar, st, c + 3);
	s->content = st_text(ar, st, c + 4);
	s->spoiler_text = st_text(ar, st, c + 5);
	s->sensitive = db_int(st, c + 6);
	s->visibility = (int)db_int(st, c + 7);
	s->language = st_text(ar, st, c + 8);
	s->in_reply_to_id = db_int(st, c + 9);
	s->in_reply_to_account_id = db_int(st, c + 10);
	s->reblog_of_id = db_int(st, c + 11);
	s->thread_id = db_int(st, c + 12);
	s->app_id = db_int(st, c + 13);
	s->mentions = st_text(ar, st, c + 14);
	s->tags = st_text(ar, st, c + 15);
	s->local = db_int(st, c + 16);
	s->created_at = db_int(st, c + 17);
	s->edited_at = db_int(st, c + 18);
	s->replies_count = db_int(st, c + 19);
	s->reblogs_count = db_int(st, c + 20);
	s->favourites_count = db_int(st, c + 21);
	s->reblog = NULL;
	s->app_name = s->app_website = "";
	s->partial = false;
}

/* Reads FULL_COLS starting at column c. */
static void full_row(struct arena *ar, struct db_stmt *st, int c, struct status *s)
{
	status_row(ar, st, c, s);
	st_account_row(ar, st, c + SCOLS_N, &s->account);
	int rc = c + SCOLS_N + ACOLS_N;
	if (!db_is_null(st, rc)) {
		struct status *r = arena_calloc(ar, 1, sizeof *r);
		status_row(ar, st, rc, r);
		st_account_row(ar, st, rc + SCOLS_N, &r->account);
		s->reblog = r;
	}
	int ap = rc + SCOLS_N + ACOLS_N;
	s->app_name = st_text(ar, st, ap);
	s->app_website = st_text(ar, st, ap + 1);
	if (s->reblog) {
		s->reblog->app_name = st_text(ar, st, ap + 2);
		s->reblog->app_website = st_text(ar, st, ap + 3);
	}
}

/* A status with numbers only: empty strings, marked partial. */
static void no_strings(struct status *s)
{
	s->uri = s->text = s->content = s->spoiler_text = s->language = "";
	s->mentions = "[]";
	s->tags = "[]";
	s->app_name = s->app_website = "";
	s->partial = true;
	struct account *a = &s->account;
	a->username = a->domain = a->display_name = a->note = a->note_html = "";
	a->uri = a->url = a->avatar = a->header = "";
	a->fields = "[]";
}

static void lite_status(struct db_stmt *st, int c, struct status *s)
{
	memset(s, 0, sizeof *s);
	s->id = db_int(st, c + 0);
	s->account_id = db_int(st, c + 1);
	s->sensitive = db_int(st, c + 2);
	s->visibility = (int)db_int(st, c + 3);
	s->in_reply_to_id = db_int(st, c + 4);
	s->in_reply_to_account_id = db_int(st, c + 5);
	s->reblog_of_id = db_int(st, c + 6);
	s->thread_id = db_int(st, c + 7);
	s->app_id = db_int(st, c + 8);
	s->local = db_int(st, c + 9);
	s->created_at = db_int(st, c + 10);
	s->edited_at = db_int(st, c + 11);
	s->replies_count = db_int(st, c + 12);
	s->reblogs_count = db_int(st, c + 13);
	s->favourites_count = db_int(st, c + 14);

	struct account *a = &s->account;
	c += LITE_SCOLS_N;
	a->id = s->account_id;
	a->created_at = db_int(st, c + 0);
	a->updated_at = db_int(st, c + 1);
	a->last_status_at = db_int(st, c + 2);
	a->statuses_count = db_int(st, c + 3);
	a->followers_count = db_int(st, c + 4);
	a->following_count = db_int(st, c + 5);
	a->sensitized_at = db_int(st, c + 6);
	no_strings(s);
}

/* Reads LITE_COLS starting at column c. */
static void lite_row(struct arena *ar, struct db_stmt *st, int c, struct status *s)
{
	lite_status(st, c, s);
	int rc = c + LITE_SCOLS_N + LITE_ACOLS_N;
	if (!db_is_null(st, rc)) {
		s->reblog = arena_alloc(ar, sizeof *s->reblog);
		lite_status(st, rc, s->reblog);
	}
}

/* The numbers of a status, its author's, and for a reblog the reblogged
 * status's and its author's: from the row cache, or one query whose
 * result goes to the cache. ST_NOT_FOUND when the status is gone. */
static enum store_rc load_lite(struct db *db, struct arena *ar, int64_t id, struct status *s)
{
	uint64_t epoch = rowcache_epoch();
	/* Inside a write on PostgreSQL another process's commit may not have
	 * been heard yet: the transaction reads the rows it decides on. */
	bool cached = !(db_in_write(db) && db_is_pg(db));
	if (cached && rowcache_get_status(id, s) &&
	    rowcache_get_account(s->account_id, &s->account)) {
		no_strings(s);
		if (!s->reblog_of_id)
			return ST_OK;
		struct status *r = arena_alloc(ar, sizeof *r);
		if (rowcache_get_status(s->reblog_of_id, r) &&
		    rowcache_get_account(r->account_id, &r->account)) {
			no_strings(r);
			s->reblog = r;
			return ST_OK;
		}
	}
	struct db_stmt *st = db_query(db, "SELECT " LITE_COLS " FROM statuses s" LITE_JOINS
					  " WHERE s.id = $1",
				      "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		lite_row(ar, st, 0, s);
	db_end(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
	if (db_in_write(db)) /* it may see rows that will not be committed */
		return ST_OK;
	rowcache_put_status(epoch, s);
	rowcache_put_account(epoch, &s->account);
	if (s->reblog) {
		rowcache_put_status(epoch, s->reblog);
		rowcache_put_account(epoch, &s->reblog->account);
	}
	return ST_OK;
}

/* Whether the row cache holds everything load_lite needs for id. */
static bool lite_cached(int64_t id)
{
	struct status s, r;
	return rowcache_get_status(id, &s) && rowcache_get_account(s.account_id, &s.account) &&
	       (!s.reblog_of_id || (rowcache_get_status(s.reblog_of_id, &r) &&
				    rowcache_get_account(r.account_id, &r.account)));
}

struct lite_put {
	struct arena *ar;
	uint64_t epoch;
};

/* A row of lite_prefetch's batch, into the row cache. */
static enum store_rc lite_put_row(struct db_stmt *st, void *ctx)
{
	struct lite_put *p = ctx;
	struct status s;
	lite_row(p->ar, st, 0, &s);
	rowcache_put_status(p->epoch, &s);
	rowcache_put_account(p->epoch, &s.account);
	if (s.reblog) {
		rowcache_put_status(p->epoch, s.reblog);
		rowcache_put_account(p->epoch, &s.reblog->account);
	}
	return ST_OK;
}

/* On PostgreSQL, where each statement is a round trip: the rows of a
 * batch of ids that the row cache misses are read ID_BATCH to a
 * statement, so a cold page costs a few statements instead of one per
 * status (load_lite then finds them; what changed meanwhile is dropped
 * by the epoch, and load_lite reads it itself). Not inside a write, whose
 * reads load_lite makes itself. */
static enum store_rc lite_prefetch(struct db *db, struct arena *ar, const int64_t *ids, int n)
{
	if (!db_is_pg(db) || !rowcache_on() || db_in_write(db))
		return ST_OK;
	struct lite_put p = {ar, rowcache_epoch()};
	int64_t *miss = arena_calloc(ar, (size_t)n + 1, sizeof *miss);
	int k = 0;
	for (int i = 0; i < n; i++)
		if (!lite_cached(ids[i]))
			miss[k++] = ids[i];
	return st_id_batches(db, "SELECT " LITE_COLS " FROM statuses s" LITE_JOINS
				 " WHERE s.id" ID_BATCH_IN,
			     miss, k, lite_put_row, &p);
}

struct fill {
	struct arena *ar;
	struct status *const *v;
	int n;
};

/* A row of store_statuses_fill's batch, into the partial statuses it is. */
static enum store_rc fill_row(struct db_stmt *st, void *ctx)
{
	struct fill *f = ctx;
	int64_t got = db_int(st, 0);
	for (int i = 0; i < f->n; i++)
		if (f->v[i]->id == got && f->v[i]->partial) {
			int64_t cursor = f->v[i]->cursor;
			full_row(f->ar, st, 1, f->v[i]);
			f->v[i]->cursor = cursor;
		}
	return ST_OK;
}

enum store_rc store_statuses_fill(struct db *db, struct arena *ar, struct status *const *v, int n)
{
	int64_t *ids = arena_calloc(ar, (size_t)n + 1, sizeof *ids);
	for (int i = 0; i < n; i++)
		ids[i] = v[i]->partial ? v[i]->id : 0;
	struct fill f = {ar, v, n};
	return st_id_batches(db, "SELECT s.id, " FULL_COLS " FROM statuses s" FULL_JOINS
				 " WHERE s.id" ID_BATCH_IN,
			     ids, n, fill_row, &f);
}

enum store_rc store_status_insert(struct db *db, const struct status *s)
{
	return st_rc(db_exec(db,
			     "INSERT INTO statuses (id, account_id, uri, text, content, spoiler_text,"
			     " sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id,"
			     " reblog_of_id, thread_id, app_id, mentions, tags, local, created_at)"
			     " VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, NULLIF($9, ''),"
			     " NULLIF($10, 0), NULLIF($11, 0), NULLIF($12, 0), $13, NULLIF($14, 0),"
			     " $15, $16, $17, $18)",
			     "iittttbitiiiiittbi", s->id, s->account_id, s->uri, s->text,
			     s->content, s->spoiler_text, s->sensitive, (int64_t)s->visibility,
			     s->language, s->in_reply_to_id, s->in_reply_to_account_id,
			     s->reblog_of_id, s->thread_id, s->app_id, s->mentions, s->tags,
			     s->local, s->created_at));
}

enum store_rc store_status_get(struct db *db, struct arena *ar, int64_t id, struct status *out)
{
	struct db_stmt *st = db_query(db, "SELECT s.id, " FULL_COLS " FROM statuses s" FULL_JOINS
					  " WHERE s.id = $1",
				      "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		full_row(ar, st, 1, out);
		out->cursor = out->id;
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_status_delete(struct db *db, int64_t id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM statuses WHERE id = $1", "i", id);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_status_update_text(struct db *db, const struct status *s)
{
	return st_rc(db_exec(db,
			     "UPDATE statuses SET text = $2, content = $3, spoiler_text = $4,"
			     " sensitive = $5, language = NULLIF($6, ''), mentions = $7, tags = $8,"
			     /* strictly later than the last edit, even within one
			      * millisecond: rendered statuses are cached by it */
			     " edited_at = CASE WHEN $9 > edited_at THEN $9 ELSE edited_at + 1 END"
			     " WHERE id = $1",
			     "itttbttti", s->id, s->text, s->content, s->spoiler_text, s->sensitive,
			     s->language, s->mentions, s->tags, s->edited_at));
}

enum store_rc store_status_count(struct db *db, int64_t id, const char *which, int delta)
{
	const char *sql;
	/* CASE, not two-argument MAX(), so PostgreSQL reads it too. */
	if (!strcmp(which, "replies"))
		sql = "UPDATE statuses SET replies_count = CASE WHEN replies_count + $2 < 0 THEN 0"
		      " ELSE replies_count + $2 END WHERE id = $1";
	else if (!strcmp(which, "reblogs"))
		sql = "UPDATE statuses SET reblogs_count = CASE WHEN reblogs_count + $2 < 0 THEN 0"
		      " ELSE reblogs_count + $2 END WHERE id = $1";
	else
		sql = "UPDATE statuses SET favourites_count = CASE WHEN favourites_count + $2 < 0"
		      " THEN 0 ELSE favourites_count + $2 END WHERE id = $1";
	return st_rc(db_exec(db, sql, "ii", id, (int64_t)delta));
}

enum store_rc store_status_favourites_add(struct db *db, int64_t id, int delta, struct status *s)
{
	/* A write and a read, not RETURNING: SQLite buffers a RETURNING
	 * statement's rows in a table of its own, which cost more than this
	 * read of the row just written; on PostgreSQL both go in one round
	 * trip (db_exec_later). No row: the status is gone. */
	if (db_exec_later(db,
			  "UPDATE statuses SET favourites_count = CASE WHEN"
			  " favourites_count + $2 < 0 THEN 0 ELSE favourites_count + $2 END"
			  " WHERE id = $1",
			  "ii", id, (int64_t)delta) != DB_OK)
		return ST_ERROR;
	struct db_stmt *st = db_query(db,
				      "SELECT replies_count, reblogs_count, favourites_count,"
				      " edited_at FROM statuses WHERE id = $1",
				      "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		s->replies_count = db_int(st, 0);
		s->reblogs_count = db_int(st, 1);
		s->favourites_count = db_int(st, 2);
		s->edited_at = db_int(st, 3);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_account_count_status(struct db *db, int64_t account_id, int delta, int64_t at)
{
	return st_rc(db_exec_later(
		db,
		"UPDATE accounts SET statuses_count = CASE WHEN statuses_count + $2 < 0"
		" THEN 0 ELSE statuses_count + $2 END,"
		" last_status_at = CASE WHEN $3 > 0 THEN $3 ELSE last_status_at END"
		" WHERE id = $1",
		"iii", account_id, (int64_t)delta, at));
}

enum store_rc store_mention_insert(struct db *db, int64_t status_id, int64_t account_id)
{
	return st_rc(db_exec(db,
			     "INSERT INTO mentions (status_id, account_id) VALUES ($1, $2)"
			     " ON CONFLICT DO NOTHING",
			     "ii", status_id, account_id));
}

enum store_rc store_mentions_clear(struct db *db, int64_t status_id)
{
	return st_rc(db_exec(db, "DELETE FROM mentions WHERE status_id = $1", "i", status_id));
}

enum store_rc store_tag_ensure(struct db *db, const char *name, int64_t *id)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO tags (id, name, display_name, created_at)"
				" VALUES ($1, $2, $2, $3) ON CONFLICT (name) DO NOTHING",
				"iti", id_new(), name, now_ms());
	if (rc != DB_OK)
		return st_rc(rc);
	rc = db_scalar(db, id, "SELECT id FROM tags WHERE name = $1", "t", name);
	return rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_status_tag_insert(struct db *db, int64_t status_id, int64_t tag_id)
{
	return st_rc(db_exec(db,
			     "INSERT INTO status_tags (status_id, tag_id, has_media)"
			     " SELECT $1, $2, has_media FROM statuses WHERE id = $1"
			     " ON CONFLICT DO NOTHING",
			     "ii", status_id, tag_id));
}

enum store_rc store_status_mark_media(struct db *db, int64_t status_id)
{
	enum store_rc st = st_rc(db_exec(db,
					 "UPDATE statuses SET has_media = 1 WHERE id = $1"
					 " AND has_media = 0",
					 "i", status_id));
	if (st == ST_OK)
		st = st_rc(db_exec(db,
				   "UPDATE status_tags SET has_media = 1 WHERE status_id = $1"
				   " AND has_media = 0",
				   "i", status_id));
	return st;
}

enum store_rc store_status_tags_clear(struct db *db, int64_t status_id)
{
	return st_rc(db_exec(db, "DELETE FROM status_tags WHERE status_id = $1", "i", status_id));
}

/* The index: FTS5 on SQLite (contentless: a delete names the text it
 * indexed), a tsvector per status on PostgreSQL (schema_pg.c). */
enum store_rc store_fts_insert(struct db *db, int64_t status_id, const char *text)
{
	if (db_is_pg(db))
		return st_rc(db_exec_later(
			db,
			"INSERT INTO statuses_fts (rowid, tsv)"
			" VALUES ($1, to_tsvector('simple', $2))",
			"it", status_id, text));
	return st_rc(db_exec(db, "INSERT INTO statuses_fts (rowid, text) VALUES ($1, $2)", "it",
			     status_id, text));
}

enum store_rc store_fts_delete(struct db *db, int64_t status_id, const char *text)
{
	if (db_is_pg(db))
		return st_rc(db_exec(db, "DELETE FROM statuses_fts WHERE rowid = $1", "i",
				     status_id));
	return st_rc(db_exec(db,
			     "INSERT INTO statuses_fts (statuses_fts, rowid, text)"
			     " VALUES ('delete', $1, $2)",
			     "it", status_id, text));
}

enum store_rc store_edit_insert(struct db *db, int64_t status_id, const struct status *v,
				const char *poll, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO status_edits (id, status_id, text, content, spoiler_text,"
			     " sensitive, created_at, poll) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			     "iitttbit", id_new(), status_id, v->text, v->content, v->spoiler_text,
			     v->sensitive, at, poll));
}

enum store_rc store_edits_list(struct db *db, struct arena *ar, int64_t status_id,
			       struct status_list *out, const char ***polls)
{
	int64_t n;
	out->n = 0;
	out->items = NULL;
	if (db_scalar(db, &n, "SELECT COUNT(*) FROM status_edits WHERE status_id = $1", "i",
		      status_id) != DB_ROW)
		return ST_ERROR;
	out->items = arena_calloc(ar, (size_t)n + 1, sizeof(struct status));
	*polls = arena_calloc(ar, (size_t)n + 1, sizeof **polls);
	struct db_stmt *st = db_query(db,
				      "SELECT text, content, spoiler_text, sensitive, created_at,"
				      " poll FROM status_edits WHERE status_id = $1 ORDER BY id",
				      "i", status_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < n) {
		(*polls)[out->n] = st_text(ar, st, 5);
		struct status *v = &out->items[out->n++];
		v->text = st_text(ar, st, 0);
		v->content = st_text(ar, st, 1);
		v->spoiler_text = st_text(ar, st, 2);
		v->sensitive = db_int(st, 3);
		v->created_at = db_int(st, 4);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_reblogs_of(struct db *db, struct arena *ar, int64_t status_id,
			       struct status_list *out)
{
	int64_t n;
	out->n = 0;
	out->items = NULL;
	if (db_scalar(db, &n, "SELECT COUNT(*) FROM statuses WHERE reblog_of_id = $1", "i",
		      status_id) != DB_ROW)
		return ST_ERROR;
	out->items = arena_calloc(ar, (size_t)n + 1, sizeof(struct status));
	struct db_stmt *st = db_query(db,
				      "SELECT id, account_id FROM statuses WHERE reblog_of_id = $1",
				      "i", status_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < n) {
		out->items[out->n].id = db_int(st, 0);
		out->items[out->n++].account_id = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_reblog_by(struct db *db, int64_t account_id, int64_t status_id,
			      int64_t *id)
{
	return st_rc(db_scalar(db, id,
			       "SELECT id FROM statuses WHERE account_id = $1 AND reblog_of_id = $2",
			       "ii", account_id, status_id));
}

enum store_rc store_reblog_insert(struct db *db, const struct status *w)
{
	/* statuses_one_reblog (migration 7) holds the rule; a conflict is the
	 * reblog made already, and the only constraint left to break is the
	 * reference to the reblogged status, deleted meanwhile. */
	enum db_rc rc = db_exec(db,
				"INSERT INTO statuses (id, account_id, visibility, reblog_of_id,"
				" thread_id, local, created_at, uri) VALUES ($1, $2, $3, $4, $1, 1, $5, $6)"
				" ON CONFLICT (account_id, reblog_of_id)"
				" WHERE reblog_of_id IS NOT NULL DO NOTHING",
				"iiiiit", w->id, w->account_id, (int64_t)w->visibility,
				w->reblog_of_id, w->created_at, w->uri && *w->uri ? w->uri : NULL);
	if (rc == DB_CONSTRAINT)
		return ST_NOT_FOUND;
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

enum store_rc store_idempotency_get(struct db *db, int64_t account_id, const char *key,
				    int64_t since, int64_t *status_id)
{
	return st_rc(db_scalar(db, status_id,
			       "SELECT i.status_id FROM idempotency i"
			       " JOIN statuses s ON s.id = i.status_id"
			       " WHERE i.account_id = $1 AND i.key = $2 AND i.created_at > $3",
			       "iti", account_id, key, since));
}

enum store_rc store_idempotency_claim(struct db *db, int64_t account_id, const char *key,
				      int64_t status_id, int64_t at, int64_t since)
{
	/* One conditional write: the key is taken unless it names a status
	 * made since `since` that still exists. With several writers, the
	 * second to write the key waits for the first and then finds it. */
	enum db_rc rc = db_exec(db,
				"INSERT INTO idempotency (account_id, key, status_id, created_at)"
				" VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, key) DO UPDATE"
				" SET status_id = excluded.status_id,"
				" created_at = excluded.created_at"
				" WHERE idempotency.created_at <= $5 OR NOT EXISTS (SELECT 1 FROM"
				" statuses s WHERE s.id = idempotency.status_id)",
				"itiii", account_id, key, status_id, at, since);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

/* ---- home feeds ---- */

enum store_rc store_feed_fanout(struct db *db, int64_t status_id, int64_t author,
				int64_t reply_to_account, bool reblog)
{
	enum db_rc rc = db_exec_later(
		db,
		"INSERT INTO home_feed (account_id, status_id)"
		" SELECT f.account_id, $2 FROM follows f WHERE f.target_id = $1"
		" AND EXISTS (SELECT 1 FROM statuses WHERE id = $2)"
		" AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = f.account_id"
		" AND a.domain = '')"
		" AND ($4 = 0 OR f.show_reblogs = 1)"
		" AND ($3 = 0 OR f.account_id = $3 OR EXISTS (SELECT 1 FROM follows g"
		" WHERE g.account_id = f.account_id AND g.target_id = $3))"
		" ON CONFLICT DO NOTHING",
		"iiib", author, status_id, reply_to_account, reblog);
	if (rc != DB_OK)
		return st_rc(rc);
	return store_feed_add(db, author, status_id);
}

enum store_rc store_job_fanout(struct db *db, int64_t status_id, int64_t author,
			       int64_t reply_to_account, bool reblog)
{
	return st_rc(db_exec_later(
		db,
		"INSERT INTO jobs (kind, status_id, account_id, reply_to, reblog,"
		" created_at) VALUES ('fanout', $1, $2, $3, $4, $5)",
		"iiibi", status_id, author, reply_to_account, reblog, now_ms()));
}

enum store_rc store_job_notify(struct db *db, int64_t status_id, int64_t author)
{
	/* One probe of the small partial index follows_notify. */
	return st_rc(db_exec_later(
		db,
		"INSERT INTO jobs (kind, status_id, account_id, created_at)"
		" SELECT 'notify', $1, $2, $3 WHERE EXISTS (SELECT 1 FROM follows"
		" WHERE target_id = $2 AND notify = 1)",
		"iii", status_id, author, now_ms()));
}

enum store_rc store_job_next_notify(struct db *db, struct job *out)
{
	struct db_stmt *st = db_query(
		db,
		DB_CLAIM(db,
			 "SELECT j.id, j.status_id, j.account_id, j.progress,"
			 " EXISTS (SELECT 1 FROM statuses s WHERE s.id = j.status_id)"
			 " FROM jobs j WHERE j.kind = 'notify' ORDER BY j.id LIMIT 1",
			 " OF j"),
		"");
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*out = (struct job){db_int(st, 0), db_int(st, 1), db_int(st, 2), db_int(st, 3),
				    db_int(st, 4) != 0};
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_job_progress(struct db *db, int64_t id, int64_t progress)
{
	return st_rc(db_exec(db, "UPDATE jobs SET progress = $2 WHERE id = $1", "ii", id,
			     progress));
}

enum store_rc store_job_delete(struct db *db, int64_t id)
{
	return st_rc(db_exec(db, "DELETE FROM jobs WHERE id = $1", "i", id));
}

enum store_rc store_jobs_pending(struct db *db, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM jobs", ""));
}

enum store_rc store_jobs_span(struct db *db, int max, struct job_span *out)
{
	*out = (struct job_span){0};
	struct db_stmt *st = db_query(db,
				      "SELECT MIN(j.id), MAX(j.id), COUNT(*),"
				      " COALESCE(SUM(a.followers_count), 0)"
				      " FROM (SELECT id, account_id FROM jobs WHERE kind = 'fanout'"
				      " ORDER BY id LIMIT $1) j"
				      " LEFT JOIN accounts a ON a.id = j.account_id",
				      "i", (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->first = db_int(st, 0);
		out->last = db_int(st, 1);
		out->n = db_int(st, 2);
		out->pairs = db_int(st, 3);
	}
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_accounts_count(struct db *db, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM accounts", ""));
}

enum store_rc store_account_nth(struct db *db, int64_t from, int64_t n, int64_t *id)
{
	return st_rc(db_scalar(db, id,
			       "SELECT id FROM accounts WHERE id >= $1 ORDER BY id LIMIT 1"
			       " OFFSET $2",
			       "ii", from, n));
}

enum store_rc store_feed_fanout_jobs(struct db *db, int64_t first, int64_t last, int64_t from,
				     int64_t to)
{
	/* Driven by the jobs (CROSS JOIN keeps that order); the rows go in
	 * sorted by feed, so consecutive rows land on the same pages. Only
	 * local followers have a home feed here: a remote follower's server
	 * gets the status by delivery. */
	return st_rc(db_exec(db,
			     "INSERT INTO home_feed (account_id, status_id)"
			     " SELECT f.account_id, j.status_id FROM jobs j CROSS JOIN follows f"
			     " WHERE j.id BETWEEN $1 AND $2 AND j.kind = 'fanout'"
			     " AND f.target_id = j.account_id"
			     " AND f.account_id >= $3 AND f.account_id < $4"
			     " AND EXISTS (SELECT 1 FROM statuses WHERE id = j.status_id)"
			     " AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = f.account_id"
			     " AND a.domain = '')"
			     " AND (j.reblog = 0 OR f.show_reblogs = 1)"
			     " AND (j.reply_to = 0 OR f.account_id = j.reply_to OR EXISTS"
			     " (SELECT 1 FROM follows g WHERE g.account_id = f.account_id"
			     " AND g.target_id = j.reply_to))"
			     " ORDER BY f.account_id, j.status_id"
			     " ON CONFLICT DO NOTHING",
			     "iiii", first, last, from, to));
}

enum store_rc store_fts_merge(struct db *db, int pages, bool *worked)
{
	/* The search index merges its segments here, in the worker, not in
	 * whichever request's commit crosses a threshold (migration 6). The
	 * merge command changes more than one row only when it merged.
	 * PostgreSQL's GIN index merges its pending list by itself. */
	*worked = false;
	if (db_is_pg(db))
		return ST_OK;
	int64_t before = db_total_changes(db);
	enum db_rc rc = db_exec(db,
				"INSERT INTO statuses_fts (statuses_fts, rank) VALUES ('merge', $1)",
				"i", (int64_t)pages);
	*worked = rc == DB_OK && db_total_changes(db) - before >= 2;
	return st_rc(rc);
}

enum store_rc store_jobs_finish(struct db *db, int64_t first, int64_t last)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO home_feed (account_id, status_id)"
				" SELECT j.account_id, j.status_id FROM jobs j"
				" WHERE j.id BETWEEN $1 AND $2 AND j.kind = 'fanout'"
				" AND EXISTS (SELECT 1 FROM statuses WHERE id = j.status_id)"
				" ORDER BY j.account_id, j.status_id"
				" ON CONFLICT DO NOTHING",
				"ii", first, last);
	if (rc == DB_OK)
		rc = db_exec(db, "DELETE FROM jobs WHERE id BETWEEN $1 AND $2 AND kind = 'fanout'",
			     "ii", first, last);
	return st_rc(rc);
}

enum store_rc store_followers_count(struct db *db, int64_t account_id, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT followers_count FROM accounts WHERE id = $1", "i",
			       account_id));
}

enum store_rc store_feed_add(struct db *db, int64_t account_id, int64_t status_id)
{
	return st_rc(db_exec_later(
		db,
		"INSERT INTO home_feed (account_id, status_id) VALUES ($1, $2)"
		" ON CONFLICT DO NOTHING",
		"ii", account_id, status_id));
}

enum store_rc store_feed_remove_status(struct db *db, int64_t status_id, int64_t author)
{
	enum db_rc rc = db_exec(db,
				"DELETE FROM home_feed WHERE status_id = $1 AND account_id IN"
				" (SELECT account_id FROM follows WHERE target_id = $2"
				" UNION SELECT $2"
				" UNION SELECT account_id FROM mentions WHERE status_id = $1)",
				"ii", status_id, author);
	return st_rc(rc);
}

enum store_rc store_feed_remove_author(struct db *db, int64_t account_id, int64_t target)
{
	return st_rc(db_exec(db,
			     "DELETE FROM home_feed WHERE account_id = $1 AND status_id IN"
			     " (SELECT id FROM statuses WHERE account_id = $2)",
			     "ii", account_id, target));
}

/* ---- timelines ---- */

/* Blocks, mutes and domain blocks, as one SQL fragment. */
#define FILTERS NOT_BLOCKED NOT_MUTED NOT_DOMAIN_BLOCKED

/* Whether viewer $1 blocks, is blocked by or mutes anyone, or blocks a
 * domain. */
#define VIEWER_FILTERS                                                                     \
	"(EXISTS (SELECT 1 FROM blocks WHERE account_id = $1) OR EXISTS (SELECT 1"      \
	" FROM blocks WHERE target_id = $1) OR EXISTS (SELECT 1 FROM mutes WHERE"       \
	" account_id = $1) OR EXISTS (SELECT 1 FROM account_domain_blocks WHERE"        \
	" account_id = $1))"

/* Which of a timeline's four statements to run (*v): newest-first or
 * min_id order, with or without the block, mute and domain-block
 * subqueries. Most
 * viewers block and mute no one (anonymous viewers never do): one indexed
 * probe here saves five subqueries on every row of the page. When the
 * probe fails the caller fails too (*v is then the filtered statement,
 * never the one without the filters). */
static enum store_rc variant(struct db *db, int64_t viewer, bool asc, int *v)
{
	int64_t one;
	enum db_rc rc = DB_DONE;
	bool filters;
	/* On PostgreSQL the viewer's cached home page knows (a round trip saved). */
	if (viewer && !db_in_write(db) && homecache_filters(viewer, &filters))
		rc = filters ? DB_ROW : DB_DONE;
	else if (viewer)
		rc = db_scalar(db, &one, "SELECT 1 WHERE " VIEWER_FILTERS, "i", viewer);
	*v = (rc == DB_DONE ? 2 : 0) + asc;
	return st_rc(rc);
}

void st_page_bounds(const struct page *pg, int64_t *hi, int64_t *lo, bool *asc)
{
	*hi = pg->max_id > 0 ? pg->max_id : INT64_MAX;
	*asc = pg->min_id > 0;
	*lo = *asc ? pg->min_id : (pg->since_id > 0 ? pg->since_id : 0);
}

static void newest_first(struct status_list *out)
{
	for (int i = 0, j = out->n - 1; i < j; i++, j--) {
		struct status t = out->items[i];
		out->items[i] = out->items[j];
		out->items[j] = t;
	}
}

/* The next free item of out (not counted yet), doubling its room when
 * full: a thread's limit is large and most threads are short. */
static struct status *list_slot(struct arena *ar, struct status_list *out, int *room)
{
	if (out->n == *room) {
		struct status *more = arena_alloc(ar, (size_t)*room * 2 * sizeof *more);
		memcpy(more, out->items, (size_t)*room * sizeof *more);
		out->items = more;
		*room *= 2;
	}
	return &out->items[out->n];
}

/* Runs a list query whose first column is the cursor and the rest
 * LITE_COLS; results newest first, partial (see struct status). */
/* A page's rows: with their strings (whole) or not (lite_row). */
static enum store_rc read_rows(struct arena *ar, struct db_stmt *st, bool asc, int limit,
			       bool whole, struct status_list *out)
{
	int room = limit < 64 ? (limit > 0 ? limit : 1) : 64;
	out->n = 0;
	out->items = arena_alloc(ar, (size_t)room * sizeof(struct status));
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		struct status *s = list_slot(ar, out, &room);
		out->n++;
		if (whole)
			full_row(ar, st, 1, s);
		else
			lite_row(ar, st, 1, s);
		s->cursor = db_int(st, 0);
	}
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	if (asc) /* min_id pages are read upwards and shown newest first */
		newest_first(out);
	return ST_OK;
}

/* The suspended accounts, sorted: read once per fast list, so statuses
 * that pass the visibility rule at once still leave out theirs. */
struct suspended_set {
	int64_t *ids;
	int n;
};

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* variant() and the suspended accounts in one statement (one round trip
 * on PostgreSQL), for the lists that may take the fast path: their ids,
 * and a row 0 when the viewer blocks, is blocked by or mutes anyone, or
 * blocks a domain (the probe must ask what variant() asks). On PostgreSQL
 * the home cache usually knows both, and the statement is not run. */
static enum store_rc variant_and_suspended(struct db *db, struct arena *ar, int64_t viewer,
					   bool asc, int *v, struct suspended_set *out)
{
	int room = 16;
	bool filters = false;
	/* On PostgreSQL both may be known: the suspended accounts (one set for
	 * every viewer) and the viewer's filters (its cached home page). */
	bool cached = !db_in_write(db);
	if (cached && (!viewer || homecache_filters(viewer, &filters)) &&
	    homecache_suspended_get(ar, &out->ids, &out->n)) {
		*v = (filters ? 0 : 2) + asc;
		return ST_OK;
	}
	filters = false;
	struct home_ticket t = homecache_ticket(0); /* before reading */
	out->n = 0;
	out->ids = arena_alloc(ar, (size_t)room * sizeof *out->ids);
	struct db_stmt *st = db_query(
		db,
		"SELECT id FROM accounts WHERE suspended_at > 0 UNION ALL SELECT 0 WHERE $1 <> 0"
		" AND " VIEWER_FILTERS,
		"i", viewer);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		int64_t id = db_int(st, 0);
		if (!id) {
			filters = true;
			continue;
		}
		if (out->n == room) {
			int64_t *more = arena_alloc(ar, (size_t)room * 2 * sizeof *more);
			memcpy(more, out->ids, (size_t)room * sizeof *more);
			out->ids = more;
			room *= 2;
		}
		out->ids[out->n++] = id;
	}
	db_end(st);
	qsort(out->ids, (size_t)out->n, sizeof *out->ids, cmp_id);
	*v = (filters ? 0 : 2) + asc;
	if (rc != DB_DONE)
		return ST_ERROR;
	if (cached) /* a write may see rows that will not be committed */
		homecache_suspended_put(&t, out->ids, out->n);
	return ST_OK;
}

/* Whether a status (or the one it reblogs) is a suspended account's. */
static bool suspended_hides(const struct suspended_set *h, const struct status *s)
{
	if (!h->n)
		return false;
	if (bsearch(&s->account_id, h->ids, (size_t)h->n, sizeof *h->ids, cmp_id))
		return true;
	return s->reblog && bsearch(&s->reblog->account_id, h->ids, (size_t)h->n,
				    sizeof *h->ids, cmp_id);
}

static enum store_rc read_list(struct arena *ar, struct db_stmt *st, bool asc, int limit,
			       struct status_list *out)
{
	return read_rows(ar, st, asc, limit, false, out);
}

/* VISIBLE for a status whose numbers are known, without reading its row:
 * the same rule, over the values bound as a one-row table. */
static enum store_rc visible_unblocked(struct db *db, int64_t viewer, const struct status *st,
				       bool *visible)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM (SELECT $2 AS id, $3 AS account_id,"
				  " $4 AS visibility, CAST(NULL AS BIGINT) AS reblog_of_id) s WHERE TRUE"
				  VISIBLE,
				  "iiii", viewer, st->id, st->account_id, (int64_t)st->visibility),
			visible);
}

/* The statuses of out->items[from..] that VISIBLE must decide (not
 * public or unlisted, not the viewer's own), decided in one statement for
 * up to CHECK_BATCH of them (a statement costs a round trip on
 * PostgreSQL); those that fail are removed, the order kept. */
#define CHECK_BATCH 8
#define CHECK_ROW(a, b, c) " UNION ALL SELECT $" #a ", $" #b ", $" #c ", CAST(NULL AS BIGINT)"
#define CHECK_SQL                                                                             \
	"SELECT s.id FROM (SELECT $2 AS id, $3 AS account_id, $4 AS visibility,"              \
	" CAST(NULL AS BIGINT) AS reblog_of_id" CHECK_ROW(5, 6, 7) CHECK_ROW(8, 9, 10)        \
	CHECK_ROW(11, 12, 13) CHECK_ROW(14, 15, 16) CHECK_ROW(17, 18, 19)                     \
	CHECK_ROW(20, 21, 22) CHECK_ROW(23, 24, 25) ") s WHERE s.id <> 0" VISIBLE

static bool unsure(const struct status *s, int64_t viewer)
{
	return s->visibility > 1 && s->account_id != viewer;
}

static enum store_rc check_batch(struct db *db, int64_t viewer, struct status_list *out,
				 int from)
{
	int64_t v[CHECK_BATCH * 3] = {0};
	int n = 0;
	for (int i = from; i < out->n && n < CHECK_BATCH; i++)
		if (unsure(&out->items[i], viewer)) {
			v[n * 3] = out->items[i].id;
			v[n * 3 + 1] = out->items[i].account_id;
			v[n * 3 + 2] = out->items[i].visibility;
			n++;
		}
	int64_t ok[CHECK_BATCH];
	int nok = 0;
	struct db_stmt *st = db_query(db, CHECK_SQL, "iiiiiiiiiiiiiiiiiiiiiiiii", viewer, v[0],
				      v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
				      v[11], v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19],
				      v[20], v[21], v[22], v[23]);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && nok < CHECK_BATCH)
		ok[nok++] = db_int(st, 0);
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	int kept = from, seen = 0;
	for (int i = from; i < out->n; i++) {
		bool keep = true;
		if (seen < n && unsure(&out->items[i], viewer)) {
			seen++;
			keep = false;
			for (int k = 0; k < nok && !keep; k++)
				keep = ok[k] == out->items[i].id;
		}
		if (keep)
			out->items[kept++] = out->items[i];
	}
	out->n = kept;
	return ST_OK;
}

/* The first batch of a fast list when one statement read it with the rest
 * (home on PostgreSQL: home_fold): its ids in the page's order, and which
 * of its unsure statuses the viewer may see. */
struct first_batch {
	int64_t *ids, *ok;
	int got, nok;
};

static bool has_id(const int64_t *v, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* How many ids a fast list reads at a time. */
static int batch_of(int limit)
{
	return limit < 40 ? 40 : limit > 400 ? 400 : limit;
}

static enum store_rc read_ids(struct db *db, const char *ids_sql, int64_t key, int64_t hi,
			      int64_t lo, int batch, int64_t *ids, int *got)
{
	struct db_stmt *st = db_query(db, ids_sql, "iiii", key, hi, lo, (int64_t)batch);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = DB_DONE;
	*got = 0;
	while (*got < batch && (rc = db_next(st)) == DB_ROW)
		ids[(*got)++] = db_int(st, 0);
	db_end(st);
	return *got < batch && rc != DB_DONE ? ST_ERROR : ST_OK;
}

/* What every batch of a fast list shares. */
struct fast {
	struct db *db;
	struct arena *ar;
	int64_t viewer;
	bool originals_only;
	int limit, room;
	const struct suspended_set *hidden;
	struct status_list *out;
};

/* Adds the batch's statuses that pass to f->out, up to its limit; those
 * the first batch does not decide are checked by check_batch. */
static enum store_rc take_batch(struct fast *f, const int64_t *ids, int got,
				const struct first_batch *pre)
{
	struct status_list *out = f->out;
	int unchecked = out->n, nunsure = 0; /* the first not yet checked */
	if (lite_prefetch(f->db, f->ar, ids, got) != ST_OK)
		return ST_ERROR;
	for (int i = 0; i < got && out->n < f->limit; i++) {
		struct status *s = list_slot(f->ar, out, &f->room);
		enum store_rc lr = load_lite(f->db, f->ar, ids[i], s);
		if (lr == ST_NOT_FOUND)
			continue;
		if (lr != ST_OK)
			return lr;
		if ((f->originals_only && s->reblog_of_id) || suspended_hides(f->hidden, s))
			continue;
		if (pre && unsure(s, f->viewer) && !has_id(pre->ok, pre->nok, s->id))
			continue;
		s->cursor = ids[i];
		nunsure += !pre && unsure(s, f->viewer);
		out->n++;
		if (nunsure == CHECK_BATCH || (nunsure && out->n == f->limit)) {
			if (check_batch(f->db, f->viewer, out, unchecked) != ST_OK)
				return ST_ERROR;
			unchecked = out->n;
			nunsure = 0;
		}
	}
	if (nunsure && check_batch(f->db, f->viewer, out, unchecked) != ST_OK)
		return ST_ERROR;
	return ST_OK;
}

/* A page built from an id-only query and the row cache, for viewers who
 * block and mute no one. ids_sql selects one column, the status id, with
 * $1 key, $2 upper and $3 lower bound (exclusive), $4 limit, in the
 * page's order; first, when not NULL, is its first batch, already read.
 * Each status passes the same visibility rule as VISIBLE: public and
 * unlisted ones and the viewer's own at once, the others by asking the
 * database, several at a time (check_batch). Rows that fail are skipped
 * and more are read. */
static enum store_rc fast_list(struct db *db, struct arena *ar, int64_t viewer, int64_t key,
			       const char *ids_sql, const struct page *pg, bool originals_only,
			       int limit, const struct suspended_set *hidden,
			       const struct first_batch *first, struct status_list *out)
{
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	struct fast f = {db, ar, viewer, originals_only, limit,
			 limit < 64 ? (limit > 0 ? limit : 1) : 64, hidden, out};
	out->n = 0;
	out->items = arena_alloc(ar, (size_t)f.room * sizeof(struct status));
	int batch = batch_of(limit);
	int64_t *ids = arena_alloc(ar, (size_t)batch * sizeof *ids);
	while (out->n < limit) {
		const int64_t *b = first ? first->ids : ids;
		int got = first ? first->got : 0;
		if (!first && read_ids(db, ids_sql, key, hi, lo, batch, ids, &got) != ST_OK)
			return ST_ERROR;
		enum store_rc rc = take_batch(&f, b, got, first);
		if (rc != ST_OK)
			return rc;
		first = NULL;
		if (got < batch)
			break;
		if (asc)
			lo = b[got - 1];
		else
			hi = b[got - 1];
	}
	if (asc)
		newest_first(out);
	return ST_OK;
}

/* The whole rule of a feed for one status: visibility, and blocks and
 * mutes for viewers who have any ($5 is now). */
#define SHOWN_SQL                                                                             \
	"SELECT 1 FROM statuses s LEFT JOIN statuses r ON r.id = s.reblog_of_id"              \
	" WHERE s.id = $2" VISIBLE FILTERS

static enum store_rc shown_filtered(struct db *db, int64_t viewer, int64_t id, bool *ok)
{
	struct db_stmt *st = db_query(db, SHOWN_SQL, "iiiii", viewer, id, 0, 0, now_ms());
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	db_end(st);
	*ok = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_statuses_shown(struct db *db, struct arena *ar, int64_t viewer,
				   const int64_t *ids, int n, struct status_list *out)
{
	int v;
	struct suspended_set hidden;
	if (variant_and_suspended(db, ar, viewer, false, &v, &hidden) != ST_OK)
		return ST_ERROR;
	bool filtered = v < 2;
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)n + 1, sizeof *out->items);
	for (int i = 0; i < n; i++) {
		struct status *s = &out->items[out->n];
		enum store_rc lr = load_lite(db, ar, ids[i], s);
		if (lr == ST_NOT_FOUND || (lr == ST_OK && suspended_hides(&hidden, s)))
			continue;
		if (lr != ST_OK)
			return lr;
		bool ok = s->visibility <= 1 || s->account_id == viewer;
		if (filtered)
			lr = shown_filtered(db, viewer, s->id, &ok);
		else if (!ok)
			lr = visible_unblocked(db, viewer, s, &ok);
		if (lr != ST_OK)
			return lr;
		if (!ok)
			continue;
		s->cursor = ids[i];
		out->n++;
	}
	return ST_OK;
}

#define HOME_SQL(ord, F)                                                                    \
	"SELECT h.status_id, " LITE_COLS " FROM home_feed h JOIN statuses s ON s.id = h.status_id" \
	LITE_JOINS " WHERE h.account_id = $1 AND h.status_id < $2 AND h.status_id > $3"     \
	VISIBLE F " AND $5 >= 0 ORDER BY h.status_id " ord " LIMIT $4"

/* The viewer's flags read with a list (home_fold), for the rendering of
 * that list in the same request: every flag row of the viewer on statuses
 * lo..hi, as (id, bits) pairs. Forgotten when the thread takes or gives
 * back a connection or writes (st_flags_forget), and once used. */
static _Thread_local struct {
	struct db *db;
	int64_t viewer, lo, hi;
	int64_t *rows;
	int n, room;
} memo;

void st_flags_forget(void)
{
	memo.db = NULL;
}

static void push(struct arena *ar, int64_t **v, int *n, int *room, int64_t x)
{
	if (*n == *room) {
		int64_t *more = arena_alloc(ar, (size_t)*room * 2 * sizeof *more);
		memcpy(more, *v, (size_t)*n * sizeof *more);
		*v = more;
		*room *= 2;
	}
	(*v)[(*n)++] = x;
}

static int cmp_id_desc(const void *a, const void *b)
{
	return cmp_id(b, a);
}

/* Home on PostgreSQL, where each statement is a round trip: the first
 * batch of the feed's ids (0), the suspended accounts (1), a row when the
 * viewer blocks, is blocked, mutes or blocks a domain (2), which of the
 * batch's private and direct statuses the viewer may see (3: VISIBLE but
 * its suspension part, which suspended_hides applies), and the viewer's
 * flags (5) over the range of the batch and the statuses it reblogs (4),
 * in one statement. $5.. are the flags' bits, as in store_viewer_flags. */
#define HOME_FOLD_SQL(ord)                                                                     \
	"WITH p AS (SELECT status_id FROM home_feed WHERE account_id = $1 AND status_id < $2" \
	" AND status_id > $3 ORDER BY status_id " ord " LIMIT $4),"                          \
	" ps AS (SELECT s.id, s.account_id, s.visibility, s.reblog_of_id FROM p"              \
	" JOIN statuses s ON s.id = p.status_id),"                                             \
	" r AS (SELECT MIN(x.id) AS lo, MAX(x.id) AS hi FROM (SELECT id FROM ps UNION ALL"    \
	" SELECT reblog_of_id FROM ps) x)"                                                     \
	" SELECT 0, status_id, 0 FROM p"                                                       \
	" UNION ALL SELECT 1, id, 0 FROM accounts WHERE suspended_at > 0"                      \
	" UNION ALL SELECT 2, 0, 0 WHERE " VIEWER_FILTERS                                      \
	" UNION ALL SELECT 3, s.id, 0 FROM ps s WHERE s.visibility > 1 AND s.account_id <> $1" \
	" AND ((s.visibility = 2 AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1" \
	" AND f.target_id = s.account_id)) OR EXISTS (SELECT 1 FROM mentions m"               \
	" WHERE m.status_id = s.id AND m.account_id = $1))"                                    \
	" UNION ALL SELECT 4, lo, hi FROM r WHERE lo IS NOT NULL"                              \
	" UNION ALL SELECT 5, status_id, $5 FROM favourites, r WHERE account_id = $1"          \
	" AND status_id BETWEEN r.lo AND r.hi"                                                 \
	" UNION ALL SELECT 5, reblog_of_id, $6 FROM statuses, r WHERE account_id = $1"         \
	" AND reblog_of_id BETWEEN r.lo AND r.hi"                                              \
	" UNION ALL SELECT 5, status_id, $7 FROM bookmarks, r WHERE account_id = $1"           \
	" AND status_id BETWEEN r.lo AND r.hi"                                                 \
	" UNION ALL SELECT 5, status_id, $8 FROM pins, r WHERE account_id = $1"                \
	" AND status_id BETWEEN r.lo AND r.hi"                                                 \
	" UNION ALL SELECT 5, status_id, flags * $9 FROM status_flags, r WHERE account_id = $1" \
	" AND status_id BETWEEN r.lo AND r.hi"

/* What home_fold's statement returns, as it is read. */
struct fold {
	struct arena *ar;
	int64_t viewer;
	bool filters;
	struct suspended_set *hidden;
	struct first_batch *first;
	int hroom, idroom, okroom;
};

static void fold_row(struct fold *f, struct db_stmt *st)
{
	int64_t kind = db_int(st, 0), id = db_int(st, 1), x = db_int(st, 2);
	if (kind == 0)
		push(f->ar, &f->first->ids, &f->first->got, &f->idroom, id);
	else if (kind == 1)
		push(f->ar, &f->hidden->ids, &f->hidden->n, &f->hroom, id);
	else if (kind == 2)
		f->filters = true;
	else if (kind == 3)
		push(f->ar, &f->first->ok, &f->first->nok, &f->okroom, id);
	else if (kind == 4) {
		memo.viewer = f->viewer;
		memo.lo = id;
		memo.hi = x;
	} else {
		push(f->ar, &memo.rows, &memo.n, &memo.room, id);
		push(f->ar, &memo.rows, &memo.n, &memo.room, x);
	}
}

static int64_t *ids_alloc(struct arena *ar, int n)
{
	return arena_alloc(ar, (size_t)n * sizeof(int64_t));
}

static enum store_rc home_fold(struct db *db, struct arena *ar, int64_t viewer, int64_t hi,
			       int64_t lo, bool asc, int batch, int *v,
			       struct suspended_set *hidden, struct first_batch *first)
{
	static const char *const sql[2] = {HOME_FOLD_SQL("DESC"), HOME_FOLD_SQL("ASC")};
	struct fold f = {ar, viewer, false, hidden, first, 16, batch, batch};
	*first = (struct first_batch){ids_alloc(ar, batch), ids_alloc(ar, batch), 0, 0};
	*hidden = (struct suspended_set){ids_alloc(ar, f.hroom), 0};
	st_flags_forget();
	memo.n = 0;
	memo.room = 64;
	memo.rows = ids_alloc(ar, memo.room);
	memo.lo = memo.hi = 0;
	struct db_stmt *st = db_query(db, sql[asc], "iiiiiiiii", viewer, hi, lo, (int64_t)batch,
				      (int64_t)FLAG_FAVOURITED, (int64_t)FLAG_REBLOGGED,
				      (int64_t)FLAG_BOOKMARKED, (int64_t)FLAG_PINNED,
				      (int64_t)1 << FLAG_RAPPORT_SHIFT);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW)
		fold_row(&f, st);
	db_end(st);
	if (rc != DB_DONE)
		return ST_ERROR;
	qsort(hidden->ids, (size_t)hidden->n, sizeof *hidden->ids, cmp_id);
	qsort(first->ids, (size_t)first->got, sizeof *first->ids, asc ? cmp_id : cmp_id_desc);
	*v = (f.filters ? 0 : 2) + asc;
	memo.db = memo.lo ? db : NULL;
	return ST_OK;
}

/* home_fold's results as the home cache keeps them (the flags only when
 * they fit). */
static void page_of_fold(bool filters, const struct first_batch *first, struct home_page *p)
{
	p->filters = filters;
	p->got = first->got;
	memcpy(p->ids, first->ids, (size_t)first->got * sizeof *p->ids);
	p->ok = 0;
	for (int i = 0; i < first->got; i++)
		if (has_id(first->ok, first->nok, first->ids[i]))
			p->ok |= (uint64_t)1 << i;
	bool keep = memo.db && memo.n <= 2 * HOME_FLAGS_MAX;
	p->lo = keep ? memo.lo : 0;
	p->hi = keep ? memo.hi : 0;
	p->nflags = keep ? memo.n / 2 : 0;
	memcpy(p->flags, memo.rows, (size_t)p->nflags * 2 * sizeof *p->flags);
}

/* What home_fold would have read, from a page of the home cache. */
static void fold_of_page(struct db *db, struct arena *ar, int64_t viewer,
			 const struct home_page *p, int *v, struct first_batch *first)
{
	*first = (struct first_batch){ids_alloc(ar, HOME_BATCH), ids_alloc(ar, HOME_BATCH),
				      p->got, 0};
	memcpy(first->ids, p->ids, (size_t)p->got * sizeof *p->ids);
	for (int i = 0; i < p->got; i++)
		if (p->ok >> i & 1)
			first->ok[first->nok++] = p->ids[i];
	st_flags_forget();
	memo.viewer = viewer;
	memo.lo = p->lo;
	memo.hi = p->hi;
	memo.n = memo.room = p->nflags * 2;
	memo.rows = ids_alloc(ar, memo.n ? memo.n : 1);
	memcpy(memo.rows, p->flags, (size_t)memo.n * sizeof *memo.rows);
	memo.db = p->lo ? db : NULL;
	*v = p->filters ? 0 : 2;
}

/* The suspended accounts from the home cache, or read and kept. */
static enum store_rc suspended_cached(struct db *db, struct arena *ar,
				      struct suspended_set *out)
{
	int v;
	return variant_and_suspended(db, ar, 0, false, &v, out);
}

/* home_fold through the home cache: a first page (no bounds, newest first,
 * the cache's batch) read outside a write is taken from it when there, and
 * kept when read. */
static enum store_rc home_first(struct db *db, struct arena *ar, int64_t viewer, int64_t hi,
				int64_t lo, bool asc, int batch, int *v,
				struct suspended_set *hidden, struct first_batch *first)
{
	bool cacheable = homecache_on() && viewer && hi == INT64_MAX && !lo && !asc &&
			 batch == HOME_BATCH && !db_in_write(db);
	struct home_page page;
	if (cacheable && homecache_get(viewer, &page)) {
		if (suspended_cached(db, ar, hidden) != ST_OK)
			return ST_ERROR;
		fold_of_page(db, ar, viewer, &page, v, first);
		return ST_OK;
	}
	struct home_ticket t = homecache_ticket(viewer);
	if (home_fold(db, ar, viewer, hi, lo, asc, batch, v, hidden, first) != ST_OK)
		return ST_ERROR;
	if (db_in_write(db)) /* it may see rows that will not be committed */
		return ST_OK;
	homecache_suspended_put(&t, hidden->ids, hidden->n);
	if (cacheable) {
		page_of_fold(*v < 2, first, &page);
		homecache_put(&t, viewer, &page);
	}
	return ST_OK;
}

enum store_rc store_tl_home(struct db *db, struct arena *ar, int64_t viewer,
			    const struct page *pg, struct status_list *out)
{
	static const char *const sql[4] = {HOME_SQL("DESC", FILTERS), HOME_SQL("ASC", FILTERS),
					   HOME_SQL("DESC", ""), HOME_SQL("ASC", "")};
	static const char *const ids[2] = {
		"SELECT status_id FROM home_feed WHERE account_id = $1 AND status_id < $2"
		" AND status_id > $3 ORDER BY status_id DESC LIMIT $4",
		"SELECT status_id FROM home_feed WHERE account_id = $1 AND status_id < $2"
		" AND status_id > $3 ORDER BY status_id ASC LIMIT $4"};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int v;
	struct suspended_set hidden;
	struct first_batch first;
	bool fold = db_is_pg(db) && rowcache_on();
	if (fold ? home_first(db, ar, viewer, hi, lo, asc, batch_of(pg->limit), &v, &hidden,
			      &first) != ST_OK
		 : variant_and_suspended(db, ar, viewer, asc, &v, &hidden) != ST_OK)
		return ST_ERROR;
	if (v >= 2 && rowcache_on())
		return fast_list(db, ar, viewer, viewer, ids[asc], pg, false, pg->limit, &hidden,
				 fold ? &first : NULL, out);
	return read_list(ar,
			 db_query(db, sql[v], "iiiii", viewer, hi, lo, (int64_t)pg->limit,
				  now_ms()),
			 asc, pg->limit, out);
}

/* $6: 0 all, 1 local only, 2 remote only. Most statuses are public
 * originals, so walking the primary key down from $2 finds a page after a
 * few dozen rows; on SQLite the unary + (P) keeps the planner off the
 * reblog index, which would read every original. PostgreSQL does not
 * take that index, but cannot estimate "+x IS NULL" (it guesses 0.5 %):
 * it expected a whole walk of the key for a page, and so joined the
 * accounts by a scan of their table for every row and compiled the plan
 * with JIT, 40 to 120 ms a request; it gets the column itself (P empty).
 * With only_media (M) the walk is on the partial index of statuses with
 * media instead. */
#define PUBLIC_SQL(ord, F, P) PUBLIC_M_SQL(ord, F, "", P)
#define PUBLIC_MEDIA_SQL(ord, F, P) PUBLIC_M_SQL(ord, F, " AND s.has_media = 1", P)
#define PUBLIC_M_SQL(ord, F, M, P)                                                             \
	"SELECT s.id, " LITE_COLS " FROM statuses s" LITE_JOINS                              \
	" WHERE s.id < $2 AND s.id > $3" M " AND s.visibility = 0 AND " P "s.reblog_of_id IS NULL" \
	" AND ($6 = 0 OR ($6 = 1 AND s.local = 1) OR ($6 = 2 AND s.local = 0))"             \
	" AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id)" \
	NOT_SUSPENDED NOT_SILENCED F " AND $1 >= 0 AND $5 >= 0 ORDER BY s.id " ord " LIMIT $4"

enum store_rc store_tl_public(struct db *db, struct arena *ar, int64_t viewer, int where,
			      const struct page *pg, struct status_list *out)
{
#define PUBLIC_ALL(P)                                                                      \
	{{PUBLIC_SQL("DESC", FILTERS, P), PUBLIC_SQL("ASC", FILTERS, P),                     \
	  PUBLIC_SQL("DESC", "", P), PUBLIC_SQL("ASC", "", P)},                              \
	 {PUBLIC_MEDIA_SQL("DESC", FILTERS, P), PUBLIC_MEDIA_SQL("ASC", FILTERS, P),          \
	  PUBLIC_MEDIA_SQL("DESC", "", P), PUBLIC_MEDIA_SQL("ASC", "", P)}}
	static const char *const sql[2][2][4] = {PUBLIC_ALL("+"), PUBLIC_ALL("")};
#undef PUBLIC_ALL
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int v;
	if (variant(db, viewer, asc, &v) != ST_OK)
		return ST_ERROR;
	bool media = where & TL_ONLY_MEDIA;
	return read_list(ar,
			 db_query(db, sql[db_is_pg(db)][media][v], "iiiiii", viewer, hi, lo,
				  (int64_t)pg->limit, now_ms(), (int64_t)(where & ~TL_ONLY_MEDIA)),
			 asc, pg->limit, out);
}

#define TAG_SQL(ord, F) TAG_M_SQL(ord, F, "")
#define TAG_MEDIA_SQL(ord, F) TAG_M_SQL(ord, F, " AND st.has_media = 1")
#define TAG_M_SQL(ord, F, M)                                                                   \
	"SELECT s.id, " LITE_COLS " FROM tags t JOIN status_tags st ON st.tag_id = t.id"     \
	" JOIN statuses s ON s.id = st.status_id" LITE_JOINS                                   \
	" WHERE t.name = $7" M " AND s.visibility = 0 AND st.status_id < $2"                 \
	" AND st.status_id > $3"                                                               \
	" AND ($6 = 0 OR ($6 = 1 AND s.local = 1) OR ($6 = 2 AND s.local = 0))"             \
	NOT_SUSPENDED NOT_SILENCED F " AND $1 >= 0 AND $5 >= 0 ORDER BY st.status_id " ord " LIMIT $4"

enum store_rc store_tl_tag(struct db *db, struct arena *ar, int64_t viewer, const char *tag,
			   int where, const struct page *pg, struct status_list *out)
{
	static const char *const sql[2][4] = {
		{TAG_SQL("DESC", FILTERS), TAG_SQL("ASC", FILTERS), TAG_SQL("DESC", ""),
		 TAG_SQL("ASC", "")},
		{TAG_MEDIA_SQL("DESC", FILTERS), TAG_MEDIA_SQL("ASC", FILTERS),
		 TAG_MEDIA_SQL("DESC", ""), TAG_MEDIA_SQL("ASC", "")}};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int v;
	if (variant(db, viewer, asc, &v) != ST_OK)
		return ST_ERROR;
	bool media = where & TL_ONLY_MEDIA;
	return read_list(ar,
			 db_query(db, sql[media][v], "iiiiiit", viewer, hi, lo, (int64_t)pg->limit,
				  now_ms(), (int64_t)(where & ~TL_ONLY_MEDIA), tag),
			 asc, pg->limit, out);
}

/* $6 target, $7 exclude_replies, $8 exclude_reblogs, $9 unused (pinned
 * statuses are read by PINNED_SQL), $10 tag ('' = any), $11 only_media. Replies to
 * oneself are not "replies". */
#define ACCOUNT_SQL(ord, F) ACCOUNT_ROWS_SQL(LITE_COLS, LITE_JOINS, ord, F)
#define ACCOUNT_ROWS_SQL(cols, joins, ord, F)                                                  \
	"SELECT s.id, " cols " FROM statuses s" joins                                        \
	" WHERE s.account_id = $6 AND s.id < $2 AND s.id > $3"                              \
	" AND ($7 = 0 OR s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = $6)"        \
	" AND ($8 = 0 OR s.reblog_of_id IS NULL)"                                            \
	" AND $9 = 0"                                                                        \
	" AND ($10 = '' OR EXISTS (SELECT 1 FROM status_tags st JOIN tags t ON t.id = st.tag_id" \
	" WHERE st.status_id = s.id AND t.name = $10))"                                      \
	" AND ($11 = 0 OR EXISTS (SELECT 1 FROM media_attachments ma"                        \
	" WHERE ma.status_id = s.id))"                                                         \
	" AND $5 >= 0" VISIBLE F " ORDER BY s.id " ord " LIMIT $4"

/* Pinned statuses, the newest pin first; the cursor is the pin's id. */
#define PINNED_SQL(ord)                                                                     \
	"SELECT p.id, " LITE_COLS " FROM pins p JOIN statuses s ON s.id = p.status_id"        \
	LITE_JOINS " WHERE p.account_id = $6 AND p.id < $2 AND p.id > $3 AND $5 >= 0"         \
	VISIBLE NOT_BLOCKED " ORDER BY p.id " ord " LIMIT $4"

enum store_rc store_tl_account(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			       const struct account_tl_opts *o, const struct page *pg,
			       struct status_list *out)
{
	static const char *const pinned[2] = {PINNED_SQL("DESC"), PINNED_SQL("ASC")};
	if (o->pinned) {
		int64_t hi, lo;
		bool asc;
		st_page_bounds(pg, &hi, &lo, &asc);
		return read_list(ar,
				 db_query(db, pinned[asc], "iiiiii", viewer, hi, lo,
					  (int64_t)pg->limit, now_ms(), target),
				 asc, pg->limit, out);
	}
	static const char *const sql[2][4] = {
		{ACCOUNT_SQL("DESC", NOT_BLOCKED), ACCOUNT_SQL("ASC", NOT_BLOCKED),
		 ACCOUNT_SQL("DESC", ""), ACCOUNT_SQL("ASC", "")},
		{ACCOUNT_ROWS_SQL(FULL_COLS, FULL_JOINS, "DESC", NOT_BLOCKED),
		 ACCOUNT_ROWS_SQL(FULL_COLS, FULL_JOINS, "ASC", NOT_BLOCKED),
		 ACCOUNT_ROWS_SQL(FULL_COLS, FULL_JOINS, "DESC", ""),
		 ACCOUNT_ROWS_SQL(FULL_COLS, FULL_JOINS, "ASC", "")}};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int v;
	if (variant(db, viewer, asc, &v) != ST_OK)
		return ST_ERROR;
	return read_rows(ar,
			 db_query(db, sql[o->whole][v], "iiiiiibbbtb", viewer, hi, lo,
				  (int64_t)pg->limit, now_ms(), target, o->exclude_replies,
				  o->exclude_reblogs, o->pinned, o->tagged ? o->tagged : "",
				  o->only_media),
			 asc, pg->limit, o->whole, out);
}

#define MARKED_SQL(table, ord)                                                              \
	"SELECT x.id, " LITE_COLS " FROM " table " x JOIN statuses s ON s.id = x.status_id"   \
	LITE_JOINS " WHERE x.account_id = $1 AND x.id < $2 AND x.id > $3 AND $5 >= 0"       \
	VISIBLE NOT_BLOCKED " ORDER BY x.id " ord " LIMIT $4"

/* A page of the viewer's favourites or bookmarks. */
static enum store_rc marked(struct db *db, struct arena *ar, const char *const sql[2],
			    int64_t viewer, const struct page *pg, struct status_list *out)
{
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	return read_list(ar,
			 db_query(db, sql[asc], "iiiii", viewer, hi, lo, (int64_t)pg->limit,
				  now_ms()),
			 asc, pg->limit, out);
}

enum store_rc store_tl_favourites(struct db *db, struct arena *ar, int64_t viewer,
				  const struct page *pg, struct status_list *out)
{
	static const char *const sql[2] = {MARKED_SQL("favourites", "DESC"),
					   MARKED_SQL("favourites", "ASC")};
	return marked(db, ar, sql, viewer, pg, out);
}

enum store_rc store_tl_bookmarks(struct db *db, struct arena *ar, int64_t viewer,
				 const struct page *pg, struct status_list *out)
{
	static const char *const sql[2] = {MARKED_SQL("bookmarks", "DESC"),
					   MARKED_SQL("bookmarks", "ASC")};
	return marked(db, ar, sql, viewer, pg, out);
}

/* Statuses by the list's members that the viewer can see; replies only to
 * the viewer or to members (the "list" replies policy). */
#define LIST_SQL(ord, F)                                                                       \
	"SELECT s.id, " LITE_COLS " FROM statuses s" LITE_JOINS                              \
	" WHERE s.account_id IN (SELECT account_id FROM list_accounts WHERE list_id = $6)"   \
	" AND s.id < $2 AND s.id > $3"                                                       \
	" AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = $1"           \
	" OR s.in_reply_to_account_id IN (SELECT account_id FROM list_accounts"              \
	" WHERE list_id = $6)) AND s.visibility <> 3" VISIBLE F " AND $5 >= 0 ORDER BY s.id " ord\
	" LIMIT $4"

enum store_rc store_tl_list(struct db *db, struct arena *ar, int64_t viewer, int64_t list_id,
			    const struct page *pg, struct status_list *out)
{
	static const char *const sql[4] = {LIST_SQL("DESC", FILTERS), LIST_SQL("ASC", FILTERS),
					   LIST_SQL("DESC", ""), LIST_SQL("ASC", "")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int v;
	if (variant(db, viewer, asc, &v) != ST_OK)
		return ST_ERROR;
	return read_list(ar,
			 db_query(db, sql[v], "iiiiii", viewer, hi, lo,
				  (int64_t)pg->limit, now_ms(), list_id),
			 asc, pg->limit, out);
}

#define THREAD_SQL(F)                                                                        \
	"SELECT s.id, " LITE_COLS " FROM statuses s" LITE_JOINS                              \
	" WHERE s.thread_id = $6 AND s.reblog_of_id IS NULL"                                \
	" AND s.id < $2 AND s.id > $3 AND $5 >= 0" VISIBLE F " ORDER BY s.id LIMIT $4"

enum store_rc store_thread(struct db *db, struct arena *ar, int64_t viewer, int64_t thread_id,
			   int max, struct status_list *out)
{
	/* Blocks either way hide a status; viewers who block no one and
	 * whom no one blocks skip that test (variant() also looks at mutes,
	 * which threads ignore: such viewers take the filtered statement). */
	static const char *const sql[4] = {THREAD_SQL(NOT_BLOCKED), THREAD_SQL(NOT_BLOCKED),
					   THREAD_SQL(""), THREAD_SQL("")};
	int v;
	struct suspended_set hidden;
	if (variant_and_suspended(db, ar, viewer, false, &v, &hidden) != ST_OK)
		return ST_ERROR;
	if (v >= 2 && rowcache_on()) {
		/* Oldest first, as the statement below: min_id 1 is below every id. */
		struct page all = {0, 0, 1, max};
		return fast_list(db, ar, viewer, thread_id,
				 "SELECT id FROM statuses WHERE thread_id = $1 AND id < $2"
				 " AND id > $3 ORDER BY id ASC LIMIT $4",
				 &all, true, max, &hidden, NULL, out);
	}
	struct db_stmt *st = db_query(db, sql[v], "iiiiii", viewer,
				      INT64_MAX, (int64_t)0, (int64_t)max, (int64_t)0, thread_id);
	return read_list(ar, st, false, max, out);
}

enum store_rc store_status_visible(struct db *db, int64_t viewer, const struct status *s,
				   bool *visible)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM statuses s LEFT JOIN statuses r ON r.id = s.reblog_of_id"
				  " WHERE s.id = $2 AND $3 >= 0 AND $4 >= 0 AND $5 >= 0"
				  VISIBLE NOT_BLOCKED,
				  "iiiii", viewer, s->id, (int64_t)0, (int64_t)0, (int64_t)0),
			visible);
}

enum store_rc store_viewer_flags(struct db *db, int64_t viewer, const int64_t *ids, int n,
				 int *flags)
{
	int64_t lo = INT64_MAX, hi = 0;
	for (int i = 0; i < n; i++) {
		flags[i] = 0;
		lo = ids[i] < lo ? ids[i] : lo;
		hi = ids[i] > hi ? ids[i] : hi;
	}
	if (!n || !viewer)
		return ST_OK;
	if (memo.db == db && memo.viewer == viewer && lo >= memo.lo && hi <= memo.hi) {
		for (int k = 0; k < memo.n; k += 2)
			for (int i = 0; i < n; i++)
				if (ids[i] == memo.rows[k])
					flags[i] |= (int)memo.rows[k + 1];
		st_flags_forget();
		return ST_OK;
	}
	st_flags_forget();
	/* One statement over the page's id range: the rows name their flag. */
	struct db_stmt *st = db_query(db,
				      "SELECT $4, status_id FROM favourites WHERE account_id = $1"
				      " AND status_id BETWEEN $2 AND $3"
				      " UNION ALL SELECT $5, reblog_of_id FROM statuses"
				      " WHERE account_id = $1 AND reblog_of_id BETWEEN $2 AND $3"
				      " UNION ALL SELECT $6, status_id FROM bookmarks"
				      " WHERE account_id = $1 AND status_id BETWEEN $2 AND $3"
				      " UNION ALL SELECT $7, status_id FROM pins"
				      " WHERE account_id = $1 AND status_id BETWEEN $2 AND $3"
				      " UNION ALL SELECT flags * $8, status_id FROM status_flags"
				      " WHERE account_id = $1 AND status_id BETWEEN $2 AND $3",
				      "iiiiiiii", viewer, lo, hi, (int64_t)FLAG_FAVOURITED,
				      (int64_t)FLAG_REBLOGGED, (int64_t)FLAG_BOOKMARKED,
				      (int64_t)FLAG_PINNED, (int64_t)1 << FLAG_RAPPORT_SHIFT);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		int bit = (int)db_int(st, 0);
		int64_t id = db_int(st, 1);
		for (int i = 0; i < n; i++)
			if (ids[i] == id)
				flags[i] |= bit;
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc st_read_accounts(struct arena *ar, struct db_stmt *st, bool asc, int limit,
			       struct account_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(struct account));
	out->cursor = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(int64_t));
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		out->cursor[out->n] = db_int(st, 0);
		st_account_row(ar, st, 1, &out->items[out->n++]);
	}
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	if (asc)
		for (int i = 0, j = out->n - 1; i < j; i++, j--) {
			struct account t = out->items[i];
			int64_t k = out->cursor[i];
			out->items[i] = out->items[j];
			out->cursor[i] = out->cursor[j];
			out->items[j] = t;
			out->cursor[j] = k;
		}
	return ST_OK;
}

/* A page of accounts from a pair of queries keyed by one id ($1). */
enum store_rc st_accounts_page(struct db *db, struct arena *ar, const char *const sql[2],
				 int64_t key, const struct page *pg, struct account_list *out)
{
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	return st_read_accounts(ar, db_query(db, sql[asc], "iiii", key, hi, lo, (int64_t)pg->limit),
				asc, pg->limit, out);
}

#define FAV_BY_SQL(ord)                                                                     \
	"SELECT x.id, " ACOLS("a") " FROM favourites x JOIN accounts a ON a.id = x.account_id" \
	" WHERE x.status_id = $1 AND x.id < $2 AND x.id > $3 ORDER BY x.id " ord " LIMIT $4"

enum store_rc store_favourited_by(struct db *db, struct arena *ar, int64_t status_id,
				  const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {FAV_BY_SQL("DESC"), FAV_BY_SQL("ASC")};
	return st_accounts_page(db, ar, sql, status_id, pg, out);
}

#define REBLOG_BY_SQL(ord)                                                                  \
	"SELECT x.id, " ACOLS("a") " FROM statuses x JOIN accounts a ON a.id = x.account_id"  \
	" WHERE x.reblog_of_id = $1 AND x.id < $2 AND x.id > $3 ORDER BY x.id " ord " LIMIT $4"

enum store_rc store_reblogged_by(struct db *db, struct arena *ar, int64_t status_id,
				 const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {REBLOG_BY_SQL("DESC"), REBLOG_BY_SQL("ASC")};
	return st_accounts_page(db, ar, sql, status_id, pg, out);
}

/* The author of a status being written, as its transaction leaves it, and
 * its app: what reading the status back would join (store_status_get). */
enum store_rc store_status_writer(struct db *db, struct arena *ar, struct status *s)
{
	struct db_stmt *st = db_query(db,
				      "SELECT " ACOLS("a") ", ap.name, ap.website FROM accounts a"
				      " LEFT JOIN apps ap ON ap.id = $2 WHERE a.id = $1",
				      "ii", s->account_id, s->app_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		st_account_row(ar, st, 0, &s->account);
		s->app_name = st_text(ar, st, ACOLS_N);
		s->app_website = st_text(ar, st, ACOLS_N + 1);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}
