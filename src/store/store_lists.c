/* store_lists.c - lists and their members, account, hashtag and status
 * search, and the reading side of direct conversations. */
#include "store/lists.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* ---- lists ---- */

#define LIST_COLS "l.id, l.account_id, l.title, l.replies_policy, l.exclusive, l.created_at"

static void list_row(struct arena *ar, struct db_stmt *st, struct list *l)
{
	l->id = db_int(st, 0);
	l->account_id = db_int(st, 1);
	l->title = st_text(ar, st, 2);
	l->replies_policy = st_text(ar, st, 3);
	l->exclusive = db_int(st, 4);
	l->created_at = db_int(st, 5);
}

enum store_rc store_list_insert(struct db *db, const struct list *l)
{
	return st_rc(db_exec(db,
			     "INSERT INTO lists (id, account_id, title, replies_policy, exclusive,"
			     " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
			     "iittbi", l->id, l->account_id, l->title, l->replies_policy,
			     l->exclusive, l->created_at));
}

enum store_rc store_list_get(struct db *db, struct arena *ar, int64_t id, int64_t owner,
			     struct list *out)
{
	struct db_stmt *st = db_query(db,
				      "SELECT " LIST_COLS " FROM lists l"
				      " WHERE l.id = $1 AND l.account_id = $2",
				      "ii", id, owner);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		list_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_list_update(struct db *db, const struct list *l)
{
	enum db_rc rc = db_exec(db,
				"UPDATE lists SET title = $3, replies_policy = $4, exclusive = $5"
				" WHERE id = $1 AND account_id = $2",
				"iittb", l->id, l->account_id, l->title, l->replies_policy,
				l->exclusive);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_list_delete(struct db *db, int64_t id, int64_t owner)
{
	/* list_accounts rows go with it (ON DELETE CASCADE). */
	enum db_rc rc = db_exec(db, "DELETE FROM lists WHERE id = $1 AND account_id = $2", "ii", id,
				owner);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_lists_count(struct db *db, int64_t owner, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM lists WHERE account_id = $1", "i",
			       owner));
}

enum store_rc store_lists_of(struct db *db, struct arena *ar, int64_t owner, int64_t member,
			     struct list_set *out)
{
	int64_t n;
	out->n = 0;
	out->items = NULL;
	if (store_lists_count(db, owner, &n) != ST_OK)
		return ST_ERROR;
	out->items = arena_calloc(ar, (size_t)n + 1, sizeof(struct list));
	struct db_stmt *st = db_query(db,
				      "SELECT " LIST_COLS " FROM lists l WHERE l.account_id = $1"
				      " AND ($2 = 0 OR EXISTS (SELECT 1 FROM list_accounts la"
				      " WHERE la.list_id = l.id AND la.account_id = $2))"
				      " ORDER BY l.id",
				      "ii", owner, member);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < n)
		list_row(ar, st, &out->items[out->n++]);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

#define MEMBERS_SQL(ord)                                                                    \
	"SELECT a.id, " ACOLS("a") " FROM list_accounts la"                                   \
	" JOIN accounts a ON a.id = la.account_id"                                           \
	" WHERE la.list_id = $1 AND la.account_id < $2 AND la.account_id > $3"               \
	" ORDER BY la.account_id " ord " LIMIT $4"

enum store_rc store_list_members(struct db *db, struct arena *ar, int64_t list_id,
				 const struct page *pg, struct account_list *out)
{
	static const char *const sql[2] = {MEMBERS_SQL("DESC"), MEMBERS_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	return st_read_accounts(ar, db_query(db, sql[asc], "iiii", list_id, hi, lo,
					     (int64_t)pg->limit),
				asc, pg->limit, out);
}

enum store_rc store_list_members_count(struct db *db, int64_t list_id, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM list_accounts WHERE list_id = $1", "i",
			       list_id));
}

enum store_rc store_list_has(struct db *db, int64_t list_id, int64_t account_id, bool *has)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM list_accounts WHERE list_id = $1 AND account_id = $2",
				  "ii", list_id, account_id),
			has);
}

enum store_rc store_list_member_add(struct db *db, int64_t list_id, int64_t account_id)
{
	return st_rc(db_exec(db, "INSERT INTO list_accounts (list_id, account_id) VALUES ($1, $2)",
			     "ii", list_id, account_id));
}

enum store_rc store_list_member_remove(struct db *db, int64_t list_id, int64_t account_id)
{
	return st_rc(db_exec(db, "DELETE FROM list_accounts WHERE list_id = $1 AND account_id = $2",
			     "ii", list_id, account_id));
}

/* ---- search ---- */

/* $1 viewer, $2 name prefix, $3 domain, $4 domain match (0 any, 1 exact,
 * 2 prefix), $5 display-name prefix ('' = none), $6 following only,
 * $7 limit, $8 offset. Prefixes are compared with substr so that no user
 * input is a LIKE pattern. */
#define FOLLOWED_BY_VIEWER                                                                  \
	"EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1 AND f.target_id = a.id)"
#define EXACT_ACCT "(a.username_key = $2 AND a.domain = $3)"

static const char *const account_search_sql =
	"SELECT a.id, " ACOLS("a") " FROM accounts a"
	" WHERE (" EXACT_ACCT
	" OR (((substr(a.username_key, 1, length($2)) = $2"
	" AND ($4 = 0 OR ($4 = 1 AND a.domain = $3)"
	" OR ($4 = 2 AND substr(a.domain, 1, length($3)) = $3)))"
	" OR ($5 <> '' AND lower(substr(a.display_name, 1, length($5))) = $5))"
	" AND (a.discoverable = 1 OR a.id = $1 OR " FOLLOWED_BY_VIEWER ")))"
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = $1 AND b.target_id = a.id)"
	" OR (b.account_id = a.id AND b.target_id = $1))"
	" AND ($6 = 0 OR " FOLLOWED_BY_VIEWER ")"
	" ORDER BY CASE WHEN " EXACT_ACCT " THEN 0 ELSE 1 END,"
	" CASE WHEN " FOLLOWED_BY_VIEWER " THEN 0 ELSE 1 END, a.username_key, a.domain, a.id"
	" LIMIT $7 OFFSET $8";

enum store_rc store_search_accounts(struct db *db, struct arena *ar, int64_t viewer,
				    const struct account_query *q, struct account_list *out)
{
	return st_read_accounts(ar,
				db_query(db, account_search_sql, "ittitbii", viewer, q->name,
					 q->domain, (int64_t)q->domain_match, q->display,
					 q->following, (int64_t)q->limit, (int64_t)q->offset),
				false, q->limit, out);
}

static void tag_row(struct arena *ar, struct db_stmt *st, struct tag *t)
{
	t->id = db_int(st, 0);
	t->name = st_text(ar, st, 1);
	t->display_name = st_text(ar, st, 2);
}

enum store_rc store_search_tags(struct db *db, struct arena *ar, const char *prefix, int offset,
				int limit, struct tag_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof(struct tag));
	struct db_stmt *st = db_query(db,
				      "SELECT t.id, t.name, t.display_name FROM tags t"
				      " WHERE substr(t.name, 1, length($1)) = $1"
				      " ORDER BY length(t.name), t.name LIMIT $2 OFFSET $3",
				      "tii", prefix, (int64_t)limit, (int64_t)offset);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit)
		tag_row(ar, st, &out->items[out->n++]);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_tag_get(struct db *db, struct arena *ar, const char *name, struct tag *out)
{
	struct db_stmt *st = db_query(db, "SELECT t.id, t.name, t.display_name FROM tags t"
					  " WHERE t.name = $1",
				      "t", name);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		tag_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

/* Whose public posts full-text search finds: local accounts that are
 * discoverable (one setting here: the actor says indexable the same),
 * remote ones whose actor says both discoverable and indexable. */
#define INDEXABLE                                                                           \
	"(a.discoverable = 1 AND (a.domain = '' OR EXISTS (SELECT 1 FROM remote_actors ix"   \
	" WHERE ix.account_id = a.id AND ix.indexable = 1)))"

/* $1 viewer, $2 FTS5 query, $3 author (0 = any), $4 limit, $5 now,
 * $6 offset. */
static const char *const status_search_sql =
	"SELECT s.id FROM statuses_fts x JOIN statuses s ON s.id = x.rowid"
	" JOIN accounts a ON a.id = s.account_id"
	" LEFT JOIN statuses r ON r.id = s.reblog_of_id"
	" WHERE statuses_fts MATCH $2 AND s.visibility <= 1 AND ($3 = 0 OR s.account_id = $3)"
	" AND (s.account_id = $1 OR " INDEXABLE ")"
	VISIBLE NOT_BLOCKED NOT_MUTED " ORDER BY s.id DESC LIMIT $4 OFFSET $6";

/* The same on PostgreSQL, with the same meaning: $2 the words; each
 * whitespace-separated word is a phrase of the tokens in it (as a quoted
 * FTS5 string is), every phrase is required, and a word without a token
 * matches nothing. */
static const char *const status_search_sql_pg =
	"WITH w AS (SELECT phraseto_tsquery('simple', t) AS q"
	"  FROM regexp_split_to_table($2, '\\s+') t WHERE t <> ''),"
	" q AS (SELECT string_agg('(' || w.q::text || ')', ' & ')::tsquery AS q,"
	"  bool_and(numnode(w.q) > 0) AS ok FROM w)"
	" SELECT s.id FROM q, statuses_fts x JOIN statuses s ON s.id = x.rowid"
	" JOIN accounts a ON a.id = s.account_id"
	" LEFT JOIN statuses r ON r.id = s.reblog_of_id"
	" WHERE q.ok AND x.tsv @@ q.q AND s.visibility <= 1"
	" AND ($3 = 0 OR s.account_id = $3)"
	" AND (s.account_id = $1 OR " INDEXABLE ")"
	VISIBLE NOT_BLOCKED NOT_MUTED " ORDER BY s.id DESC LIMIT $4 OFFSET $6";

/* The FTS5 query for words: each whitespace-separated word as a quoted
 * string ("" doubled inside), so no input is an operator or a syntax
 * error. NULL when there is no word. */
static const char *fts_match(struct arena *ar, const char *words)
{
	char *out = arena_strdup(ar, "");
	const char *p = words ? words : "";
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		const char *end = p;
		while (*end && !isspace((unsigned char)*end))
			end++;
		/* "word" with each inner quote doubled: an FTS5 string, never an
		 * operator, column filter, prefix star or parenthesis. */
		size_t n = (size_t)(end - p), k = 0;
		char *term = arena_alloc(ar, 2 * n + 3);
		term[k++] = '"';
		for (const char *s = p; s < end; s++) {
			if (*s == '"')
				term[k++] = '"';
			term[k++] = *s;
		}
		term[k++] = '"';
		term[k] = '\0';
		out = arena_printf(ar, "%s%s%s", out, *out ? " " : "", term);
		p = end;
	}
	return *out ? out : NULL;
}

enum store_rc store_search_statuses(struct db *db, struct arena *ar, int64_t viewer,
				    const char *words, int64_t account_id, int offset, int limit,
				    int64_t *ids, int *n)
{
	*n = 0;
	const char *match = fts_match(ar, words);
	if (!match)
		return ST_OK;
	bool pg = db_is_pg(db);
	struct db_stmt *st = db_query(db, pg ? status_search_sql_pg : status_search_sql, "itiiii",
				      viewer, pg ? words : match, account_id, (int64_t)limit,
				      now_ms(), (int64_t)offset);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < limit)
		ids[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* ---- direct conversations ---- */

#define CONV_COLS "c.id, c.account_id, c.participants, c.last_status_id, c.unread"

static void conversation_row(struct arena *ar, struct db_stmt *st, struct conversation *c)
{
	c->id = db_int(st, 0);
	c->account_id = db_int(st, 1);
	c->participants = st_text(ar, st, 2);
	c->last_status_id = db_int(st, 3);
	c->unread = db_int(st, 4);
}

/* $1 viewer, $2 upper bound, $3 lower bound (both exclusive), $4 limit. */
#define CONVERSATIONS_SQL(ord)                                                              \
	"SELECT " CONV_COLS " FROM conversations c JOIN statuses s ON s.id = c.last_status_id" \
	" LEFT JOIN statuses r ON r.id = s.reblog_of_id"                                     \
	" WHERE c.account_id = $1 AND c.last_status_id < $2 AND c.last_status_id > $3"       \
	VISIBLE NOT_BLOCKED " ORDER BY c.last_status_id " ord " LIMIT $4"

enum store_rc store_conversations(struct db *db, struct arena *ar, int64_t viewer,
				  const struct page *pg, struct conversation_list *out)
{
	static const char *const sql[2] = {CONVERSATIONS_SQL("DESC"), CONVERSATIONS_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(pg->limit > 0 ? pg->limit : 1),
				  sizeof(struct conversation));
	struct db_stmt *st = db_query(db, sql[asc], "iiii", viewer, hi, lo, (int64_t)pg->limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < pg->limit)
		conversation_row(ar, st, &out->items[out->n++]);
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	if (asc) /* min_id pages are read upwards and shown newest first */
		for (int i = 0, j = out->n - 1; i < j; i++, j--) {
			struct conversation t = out->items[i];
			out->items[i] = out->items[j];
			out->items[j] = t;
		}
	return ST_OK;
}

enum store_rc store_conversation_get(struct db *db, struct arena *ar, int64_t id, int64_t owner,
				     struct conversation *out)
{
	struct db_stmt *st = db_query(db,
				      "SELECT " CONV_COLS " FROM conversations c"
				      " WHERE c.id = $1 AND c.account_id = $2",
				      "ii", id, owner);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		conversation_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_conversation_mark_read(struct db *db, int64_t id, int64_t owner)
{
	enum db_rc rc = db_exec(db,
				"UPDATE conversations SET unread = 0"
				" WHERE id = $1 AND account_id = $2",
				"ii", id, owner);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_conversation_delete(struct db *db, int64_t id, int64_t owner)
{
	enum db_rc rc = db_exec(db, "DELETE FROM conversations WHERE id = $1 AND account_id = $2",
				"ii", id, owner);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}
