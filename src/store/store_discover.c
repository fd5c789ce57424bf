/* store_discover.c - followed and featured hashtags, endorsements,
 * suggestions, trends and announcements (store/discover.h). */
#include "store/discover.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

static void tag_cols(struct arena *ar, struct db_stmt *st, int col, struct tag *t)
{
	t->id = db_int(st, col);
	t->name = st_text(ar, st, col + 1);
	t->display_name = st_text(ar, st, col + 2);
}

/* ---- followed hashtags ---- */

enum store_rc store_tag_follow(struct db *db, int64_t account_id, int64_t tag_id, bool on)
{
	if (!on)
		return st_rc(db_exec(db, "DELETE FROM tag_follows WHERE account_id = $1 AND tag_id = $2",
				     "ii", account_id, tag_id));
	return st_rc(db_exec(db,
			     "INSERT INTO tag_follows (account_id, tag_id, id) VALUES ($1, $2, $3)"
			     " ON CONFLICT DO NOTHING",
			     "iii", account_id, tag_id, id_new()));
}

enum store_rc store_tag_following(struct db *db, int64_t account_id, int64_t tag_id,
				  bool *following)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM tag_follows WHERE account_id = $1 AND tag_id = $2",
				  "ii", account_id, tag_id),
			following);
}

#define FOLLOWED_SQL(ord)                                                                    \
	"SELECT f.id, t.id, t.name, t.display_name FROM tag_follows f JOIN tags t"            \
	" ON t.id = f.tag_id WHERE f.account_id = $1 AND f.id < $2 AND f.id > $3"            \
	" ORDER BY f.id " ord " LIMIT $4"

enum store_rc store_followed_tags(struct db *db, struct arena *ar, int64_t account_id,
				  const struct page *pg, struct tag_page *out)
{
	static const char *const sql[2] = {FOLLOWED_SQL("DESC"), FOLLOWED_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	int cap = pg->limit > 0 ? pg->limit : 1;
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)cap, sizeof *out->items);
	out->cursor = arena_calloc(ar, (size_t)cap, sizeof *out->cursor);
	struct db_stmt *st = db_query(db, sql[asc], "iiii", account_id, hi, lo, (int64_t)pg->limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < cap) {
		out->cursor[out->n] = db_int(st, 0);
		tag_cols(ar, st, 1, &out->items[out->n++]);
	}
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	for (int i = 0, j = out->n - 1; asc && i < j; i++, j--) { /* newest first */
		struct tag t = out->items[i];
		int64_t k = out->cursor[i];
		out->items[i] = out->items[j];
		out->cursor[i] = out->cursor[j];
		out->items[j] = t;
		out->cursor[j] = k;
	}
	return ST_OK;
}

enum store_rc store_feed_tag_fanout(struct db *db, int64_t status_id, int64_t author)
{
	return st_rc(db_exec(db,
			     "INSERT INTO home_feed (account_id, status_id)"
			     " SELECT f.account_id, $1 FROM status_tags st"
			     " JOIN tag_follows f ON f.tag_id = st.tag_id"
			     " WHERE st.status_id = $1 AND f.account_id <> $2"
			     " ON CONFLICT DO NOTHING",
			     "ii", status_id, author));
}

enum store_rc store_feed_tag_remove(struct db *db, int64_t status_id, const char *tag)
{
	return st_rc(db_exec(db,
			     "DELETE FROM home_feed WHERE status_id = $1 AND account_id IN"
			     " (SELECT f.account_id FROM tag_follows f JOIN tags t ON t.id = f.tag_id"
			     " WHERE t.name = $2)",
			     "it", status_id, tag));
}

/* The days before today, filled from st's rows (day, uses, accounts);
 * ends st. */
static enum store_rc history_rows(struct db_stmt *st, int64_t today,
				  struct tag_day out[TAG_HISTORY_DAYS])
{
	for (int i = 0; i < TAG_HISTORY_DAYS; i++)
		out[i] = (struct tag_day){(today - i) * DAY_MS, 0, 0};
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		int64_t i = today - db_int(st, 0);
		if (i >= 0 && i < TAG_HISTORY_DAYS) {
			out[i].uses = db_int(st, 1);
			out[i].accounts = db_int(st, 2);
		}
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_tag_history(struct db *db, int64_t tag_id, int64_t now,
				struct tag_day out[TAG_HISTORY_DAYS])
{
	int64_t today = now / DAY_MS;
	struct db_stmt *st = db_query(db,
				      "SELECT s.created_at / 86400000, COUNT(*), COUNT(DISTINCT"
				      " s.account_id) FROM status_tags st JOIN statuses s"
				      " ON s.id = st.status_id WHERE st.tag_id = $1"
				      " AND st.status_id >= $2 AND s.visibility <= 1"
				      " GROUP BY s.created_at / 86400000",
				      "ii", tag_id, id_from_ms((today - TAG_HISTORY_DAYS + 1) * DAY_MS));
	return history_rows(st, today, out);
}

enum store_rc store_link_history(struct db *db, const char *url, int64_t now,
				 struct tag_day out[TAG_HISTORY_DAYS])
{
	int64_t today = now / DAY_MS;
	struct db_stmt *st = db_query(db,
				      "SELECT s.created_at / 86400000, COUNT(*), COUNT(DISTINCT"
				      " s.account_id) FROM status_cards sc JOIN statuses s"
				      " ON s.id = sc.status_id WHERE sc.status_id >= $2"
				      " AND sc.url = $1 AND s.visibility <= 1"
				      " GROUP BY s.created_at / 86400000",
				      "ti", url, id_from_ms((today - TAG_HISTORY_DAYS + 1) * DAY_MS));
	return history_rows(st, today, out);
}

/* ---- featured hashtags ---- */

enum store_rc store_featured_tag_add(struct db *db, int64_t id, int64_t account_id, int64_t tag_id)
{
	return st_rc(db_exec(db,
			     "INSERT INTO featured_tags (id, account_id, tag_id) VALUES ($1, $2, $3)",
			     "iii", id, account_id, tag_id));
}

enum store_rc store_featured_tag_remove(struct db *db, int64_t account_id, int64_t id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM featured_tags WHERE id = $1 AND account_id = $2",
				"ii", id, account_id);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

#define FEATURED_SQL                                                                         \
	"SELECT f.id, t.id, t.name, t.display_name, (SELECT COUNT(*) FROM status_tags st"     \
	" JOIN statuses s ON s.id = st.status_id WHERE st.tag_id = f.tag_id"                 \
	" AND s.account_id = f.account_id AND s.visibility <= 1), (SELECT MAX(s.created_at)"  \
	" FROM status_tags st JOIN statuses s ON s.id = st.status_id WHERE st.tag_id ="       \
	" f.tag_id AND s.account_id = f.account_id AND s.visibility <= 1)"                    \
	" FROM featured_tags f JOIN tags t ON t.id = f.tag_id WHERE f.account_id = $1"

static enum store_rc read_featured(struct arena *ar, struct db_stmt *st,
				   struct featured_tag_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, FEATURED_TAGS_MAX + 1, sizeof *out->items);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n <= FEATURED_TAGS_MAX) {
		struct featured_tag *f = &out->items[out->n++];
		f->id = db_int(st, 0);
		tag_cols(ar, st, 1, &f->tag);
		f->statuses_count = db_int(st, 4);
		f->last_status_at = db_is_null(st, 5) ? 0 : db_int(st, 5);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_featured_tag_get(struct db *db, struct arena *ar, int64_t account_id,
				     int64_t id, struct featured_tag *out)
{
	struct featured_tag_list l;
	enum store_rc st = read_featured(ar, db_query(db, FEATURED_SQL " AND f.id = $2", "ii",
						      account_id, id),
					 &l);
	if (st == ST_OK && l.n == 0)
		st = ST_NOT_FOUND;
	if (st == ST_OK)
		*out = l.items[0];
	return st;
}

enum store_rc store_featured_tags(struct db *db, struct arena *ar, int64_t account_id,
				  struct featured_tag_list *out)
{
	return read_featured(ar, db_query(db, FEATURED_SQL " ORDER BY f.id LIMIT $2", "ii",
					  account_id, (int64_t)FEATURED_TAGS_MAX + 1),
			     out);
}

enum store_rc store_featured_suggestions(struct db *db, struct arena *ar, int64_t account_id,
					 int limit, struct tag_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	struct db_stmt *st = db_query(db,
				      "SELECT t.id, t.name, t.display_name FROM statuses s"
				      " JOIN status_tags st ON st.status_id = s.id"
				      " JOIN tags t ON t.id = st.tag_id WHERE s.account_id = $1"
				      " AND NOT EXISTS (SELECT 1 FROM featured_tags f"
				      " WHERE f.account_id = $1 AND f.tag_id = t.id)"
				      " GROUP BY t.id, t.name, t.display_name"
				      " ORDER BY COUNT(*) DESC, t.id LIMIT $2",
				      "ii", account_id, (int64_t)limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit)
		tag_cols(ar, st, 0, &out->items[out->n++]);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* ---- endorsed accounts ---- */

enum store_rc store_endorse(struct db *db, int64_t account_id, int64_t target, bool on)
{
	if (!on)
		return st_rc(db_exec(db,
				     "DELETE FROM endorsements WHERE account_id = $1 AND target_id = $2",
				     "ii", account_id, target));
	enum db_rc rc = db_exec(db,
				"INSERT INTO endorsements (account_id, target_id, id)"
				" SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM follows"
				" WHERE account_id = $1 AND target_id = $2)"
				" ON CONFLICT DO NOTHING",
				"iii", account_id, target, id_new());
	if (rc != DB_OK)
		return st_rc(rc);
	if (db_changes(db))
		return ST_OK;
	bool already;
	enum store_rc st = store_endorsed(db, account_id, target, &already);
	return st != ST_OK ? st : already ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_endorsed(struct db *db, int64_t account_id, int64_t target, bool *out)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM endorsements WHERE account_id = $1 AND target_id = $2",
				  "ii", account_id, target),
			out);
}

#define ENDORSED_SQL(ord)                                                                    \
	"SELECT x.id, " ACOLS("a") " FROM endorsements x JOIN accounts a ON a.id = x.target_id" \
	" WHERE x.account_id = $1 AND x.id < $2 AND x.id > $3 ORDER BY x.id " ord " LIMIT $4"

enum store_rc store_endorsements(struct db *db, struct arena *ar, int64_t account_id,
				 const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {ENDORSED_SQL("DESC"), ENDORSED_SQL("ASC")};
	return st_accounts_page(db, ar, sql, account_id, pg, out);
}

/* ---- suggestions ---- */

/* Replies either way between the viewer's mutuals and others, since $2
 * (a day number); $1 the viewer. */
#define MUTUAL_TALK                                                                          \
	"WITH mutuals AS (SELECT f.target_id AS id FROM follows f JOIN follows g"             \
	" ON g.account_id = f.target_id AND g.target_id = f.account_id"                       \
	" WHERE f.account_id = $1),"                                                          \
	" talk AS (SELECT e.target_id AS cand, e.account_id AS via, e.replies AS n"           \
	" FROM social_edges e WHERE e.account_id IN (SELECT id FROM mutuals) AND e.day >= $2" \
	" UNION ALL SELECT e.account_id, e.target_id, e.replies FROM social_edges e"          \
	" WHERE e.target_id IN (SELECT id FROM mutuals) AND e.day >= $2)"

#define SUGGEST_SQL                                                                          \
	MUTUAL_TALK " SELECT SUM(t.n), " ACOLS("a") " FROM talk t JOIN accounts a"            \
	" ON a.id = t.cand WHERE t.cand <> $1 AND a.domain = '' AND a.discoverable = 1"       \
	" AND NOT EXISTS (SELECT 1 FROM follows x WHERE x.account_id = $1"                    \
	" AND x.target_id = a.id)"                                                            \
	" AND NOT EXISTS (SELECT 1 FROM follow_requests x WHERE x.account_id = $1"            \
	" AND x.target_id = a.id)"                                                            \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = $1"                    \
	" AND b.target_id = a.id) OR (b.account_id = a.id AND b.target_id = $1))"             \
	" AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = $1"                      \
	" AND m.target_id = a.id)"                                                            \
	" AND NOT EXISTS (SELECT 1 FROM suggestion_dismissals d WHERE d.account_id = $1"      \
	" AND d.target_id = a.id)"                                                            \
	" GROUP BY a.id ORDER BY SUM(t.n) DESC, a.id LIMIT $3"

#define VIA_SQL                                                                              \
	MUTUAL_TALK " SELECT a.username FROM talk t JOIN accounts a ON a.id = t.via"          \
	" WHERE t.cand = $3 GROUP BY a.id, a.username ORDER BY SUM(t.n) DESC, a.id LIMIT 2"

static enum store_rc read_via(struct db *db, struct arena *ar, int64_t viewer, int64_t since,
			      struct suggestion *s)
{
	struct db_stmt *st = db_query(db, VIA_SQL, "iii", viewer, since, s->account.id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	s->nvia = 0;
	while ((rc = db_next(st)) == DB_ROW && s->nvia < 2)
		s->via[s->nvia++] = st_text(ar, st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_suggestions(struct db *db, struct arena *ar, int64_t viewer, int64_t since,
				int limit, struct suggestion_list *out)
{
	int64_t day = since / DAY_MS;
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	struct db_stmt *st = db_query(db, SUGGEST_SQL, "iii", viewer, day, (int64_t)limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		struct suggestion *s = &out->items[out->n++];
		s->score = db_int(st, 0);
		st_account_row(ar, st, 1, &s->account);
	}
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	enum store_rc r = ST_OK;
	for (int i = 0; i < out->n && r == ST_OK; i++)
		r = read_via(db, ar, viewer, day, &out->items[i]);
	return r;
}

enum store_rc store_suggestion_dismiss(struct db *db, int64_t viewer, int64_t target)
{
	return st_rc(db_exec(db,
			     "INSERT INTO suggestion_dismissals (account_id, target_id)"
			     " SELECT $1, id FROM accounts WHERE id = $2 ON CONFLICT DO NOTHING",
			     "ii", viewer, target));
}

/* ---- trends (docs/SOCIAL.md, "Trends") ---- */

/* The talk of a thread: its turns after the first, counted only when
 * someone other than its starter took one, at most 30. */
#define TALK                                                                                 \
	"(CASE WHEN COALESCE(th.other_turns, 0) = 0 THEN 0 WHEN th.turns - 1 > 30 THEN 30"    \
	" ELSE th.turns - 1 END)"

enum store_rc store_trend_tags(struct db *db, struct arena *ar, int64_t since, int offset,
			       int limit, struct trend_tag_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	struct db_stmt *st = db_query(
		db,
		"SELECT t.id, t.name, t.display_name, COUNT(DISTINCT s.account_id) + 3 * SUM(" TALK
		") FROM status_tags st JOIN statuses s ON s.id = st.status_id"
		" JOIN tags t ON t.id = st.tag_id JOIN accounts a ON a.id = s.account_id"
		" LEFT JOIN social_threads th ON th.thread_id = s.id"
		/* the unary + keeps the planner on the window's range of
		 * status_tags, off the index of originals (all of them) */
		" WHERE st.status_id >= $1 AND s.visibility = 0 AND +s.reblog_of_id IS NULL"
		" AND a.discoverable = 1 GROUP BY t.id, t.name, t.display_name"
		" HAVING COUNT(DISTINCT s.account_id) >= 2 AND SUM(" TALK ") > 0"
		" ORDER BY 4 DESC, t.id LIMIT $2 OFFSET $3",
		"iii", id_from_ms(since), (int64_t)limit, (int64_t)offset);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		struct trend_tag *x = &out->items[out->n++];
		tag_cols(ar, st, 0, &x->tag);
		x->score = db_int(st, 3);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_trend_statuses(struct db *db, int64_t since, int offset, int limit,
				   int64_t *ids, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(
		db,
		"SELECT s.id, 4 * " TALK " + 2 * s.reblogs_count + s.favourites_count"
		" FROM statuses s JOIN accounts a ON a.id = s.account_id"
		" JOIN social_threads th ON th.thread_id = s.id"
		" WHERE s.id >= $1 AND s.visibility = 0 AND +s.reblog_of_id IS NULL"
		" AND +s.in_reply_to_id IS NULL AND a.discoverable = 1 AND th.other_turns > 0"
		" ORDER BY 2 DESC, s.id DESC LIMIT $2 OFFSET $3",
		"iii", id_from_ms(since), (int64_t)limit, (int64_t)offset);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < limit)
		ids[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* Public statuses of discoverable accounts (neither suspended nor
 * silenced) since $1 whose first link has a card: the URL, the sharer and
 * the thread. */
#define LINK_SHARES                                                                           \
	"SELECT sc.url, s.account_id, s.thread_id FROM status_cards sc"                       \
	" JOIN statuses s ON s.id = sc.status_id JOIN accounts a ON a.id = s.account_id"      \
	" WHERE sc.status_id >= $1 AND s.visibility = 0 AND s.reblog_of_id IS NULL"           \
	" AND a.discoverable = 1 AND a.suspended_at = 0 AND a.silenced_at = 0"

enum store_rc store_trend_links(struct db *db, struct arena *ar, int64_t since, int offset,
				int limit, struct trend_link_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	/* Each thread's talk counts once per link, however many of its
	 * statuses carry it. */
	struct db_stmt *st = db_query(
		db,
		"WITH shared AS (" LINK_SHARES "),"
		" people AS (SELECT url, COUNT(DISTINCT account_id) AS n FROM shared GROUP BY url),"
		" talks AS (SELECT d.url, SUM(" TALK ") AS talk FROM (SELECT DISTINCT url,"
		" thread_id FROM shared) d LEFT JOIN social_threads th ON th.thread_id = d.thread_id"
		" GROUP BY d.url)"
		" SELECT " CARD_COLS ", p.n + 3 * t.talk FROM people p JOIN talks t ON t.url = p.url"
		" JOIN preview_cards c ON c.url = p.url AND c.ok = 1"
		" WHERE p.n >= 2 AND t.talk > 0 ORDER BY 11 DESC, c.url LIMIT $2 OFFSET $3",
		"iii", id_from_ms(since), (int64_t)limit, (int64_t)offset);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		struct trend_link *x = &out->items[out->n++];
		st_card_row(st, ar, 0, &x->card);
		x->score = db_int(st, CARD_NCOLS);
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* ---- announcements ---- */

enum store_rc store_announcement_insert(struct db *db, const struct announcement *a)
{
	return st_rc(db_exec(db,
			     "INSERT INTO announcements (id, text, content, starts_at, ends_at,"
			     " all_day, published_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$7)",
			     "ittiibi", a->id, a->text, a->content, a->starts_at, a->ends_at,
			     a->all_day, a->published_at));
}

enum store_rc store_announcement_delete(struct db *db, int64_t id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM announcements WHERE id = $1", "i", id);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_announcements(struct db *db, struct arena *ar, int64_t viewer, int64_t now,
				  bool with_dismissed, struct announcement_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, ANNOUNCEMENTS_MAX, sizeof *out->items);
	struct db_stmt *st = db_query(
		db,
		"SELECT a.id, a.text, a.content, a.starts_at, a.ends_at, a.all_day, a.published_at,"
		" a.updated_at, CASE WHEN EXISTS (SELECT 1 FROM announcement_dismissals d"
		" WHERE d.account_id = $1 AND d.announcement_id = a.id) THEN 1 ELSE 0 END"
		" FROM announcements a WHERE (a.ends_at = 0 OR a.ends_at > $2)"
		" ORDER BY a.id DESC LIMIT $3",
		"iii", viewer, now, (int64_t)ANNOUNCEMENTS_MAX);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < ANNOUNCEMENTS_MAX) {
		struct announcement *a = &out->items[out->n];
		a->id = db_int(st, 0);
		a->text = st_text(ar, st, 1);
		a->content = st_text(ar, st, 2);
		a->starts_at = db_int(st, 3);
		a->ends_at = db_int(st, 4);
		a->all_day = db_int(st, 5);
		a->published_at = db_int(st, 6);
		a->updated_at = db_int(st, 7);
		a->read = db_int(st, 8);
		out->n += with_dismissed || !a->read;
	}
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_announcement_dismiss(struct db *db, int64_t viewer, int64_t id)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO announcement_dismissals (announcement_id, account_id)"
				" SELECT id, $2 FROM announcements WHERE id = $1"
				" ON CONFLICT DO NOTHING",
				"ii", id, viewer);
	if (rc != DB_OK)
		return st_rc(rc);
	int64_t one;
	rc = db_scalar(db, &one, "SELECT 1 FROM announcements WHERE id = $1", "i", id);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}
