/* store_moderation.c - roles, moderation states, reports, warnings, the
 * audit log, admin blocks, rules, settings and invites (see
 * store/moderation.h). */
#include "store/moderation.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <ctype.h>
#include <string.h>

/* Ends a statement that wrote nothing to read: ST_OK on DB_DONE. */
static enum store_rc done(struct db_stmt *st, enum db_rc rc)
{
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* ST_NOT_FOUND when a write changed no row. */
static enum store_rc changed(struct db *db, enum db_rc rc)
{
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

/* Room for n more items of size sz in a growing array. */
static void *grow(struct arena *ar, void *items, int n, int *room, size_t sz)
{
	if (n < *room)
		return items;
	*room = *room ? *room * 2 : 16;
	void *more = arena_alloc(ar, (size_t)*room * sz);
	if (n)
		memcpy(more, items, (size_t)n * sz);
	return more;
}

/* Reads one row of a statement into the item it points at. */
typedef void row_fn(struct arena *ar, struct db_stmt *st, void *item);

/* Swaps items i and j (of size sz) of a. */
static void swap_items(unsigned char *a, size_t sz, int i, int j)
{
	for (size_t k = 0; k < sz; k++) {
		unsigned char t = a[(size_t)i * sz + k];
		a[(size_t)i * sz + k] = a[(size_t)j * sz + k];
		a[(size_t)j * sz + k] = t;
	}
}

/* A page of at most limit items of size sz (*n of them), each read by row
 * from st (a query bound to the page's limit; NULL when it could not be
 * started); a min_id page (asc), read oldest first, is turned newest
 * first. Ends st; *rc says how it went. */
static void *read_page(struct arena *ar, struct db_stmt *st, int limit, bool asc, size_t sz,
		       row_fn *row, int *n, enum store_rc *rc)
{
	*n = 0;
	unsigned char *items = arena_alloc(ar, (size_t)(limit > 0 ? limit : 1) * sz);
	*rc = ST_ERROR;
	if (!st)
		return items;
	enum db_rc r;
	while ((r = db_next(st)) == DB_ROW && *n < limit)
		row(ar, st, items + (size_t)(*n)++ * sz);
	for (int i = 0, j = *n - 1; asc && i < j; i++, j--)
		swap_items(items, sz, i, j);
	*rc = done(st, r);
	return items;
}

/* Every row of st (NULL when it could not be started), each read by row
 * into an item of size sz (*n of them). Ends st; *rc says how it went. */
static void *read_all(struct arena *ar, struct db_stmt *st, size_t sz, row_fn *row, int *n,
		      enum store_rc *rc)
{
	*n = 0;
	void *items = NULL;
	int room = 0;
	*rc = ST_ERROR;
	if (!st)
		return items;
	enum db_rc r;
	while ((r = db_next(st)) == DB_ROW) {
		items = grow(ar, items, *n, &room, sz);
		row(ar, st, (unsigned char *)items + (size_t)(*n)++ * sz);
	}
	*rc = done(st, r);
	return items;
}

/* ---- accounts and users ---- */

enum store_rc store_mod_get(struct db *db, struct arena *ar, int64_t account_id,
			    struct acct_mod *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(
		db,
		"SELECT a.id, a.suspended_at, a.silenced_at, a.sensitized_at, u.account_id IS NOT NULL,"
		" COALESCE(u.role, 0), COALESCE(u.approved, 1), COALESCE(u.disabled, 0), u.email,"
		" u.reason, u.sign_up_ip, COALESCE(u.invite_id, 0), COALESCE(u.created_at, 0)"
		" FROM accounts a LEFT JOIN users u ON u.account_id = a.id WHERE a.id = $1",
		"i", account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->id = db_int(st, 0);
		out->suspended_at = db_int(st, 1);
		out->silenced_at = db_int(st, 2);
		out->sensitized_at = db_int(st, 3);
		out->local = db_int(st, 4);
		out->role = (int)db_int(st, 5);
		out->approved = db_int(st, 6);
		out->disabled = db_int(st, 7);
		out->email = st_text(ar, st, 8);
		out->reason = st_text(ar, st, 9);
		out->sign_up_ip = st_text(ar, st, 10);
		out->invite_id = db_int(st, 11);
		out->user_created_at = db_int(st, 12);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_mod_set_time(struct db *db, int64_t account_id, const char *which,
				 int64_t at)
{
	/* One statement per column: SQL stays a literal (cached by address). */
	static const char *const sql[3] = {
		"UPDATE accounts SET suspended_at = $2, updated_at = CASE WHEN $3 > updated_at"
		" THEN $3 ELSE updated_at + 1 END WHERE id = $1",
		"UPDATE accounts SET silenced_at = $2, updated_at = CASE WHEN $3 > updated_at"
		" THEN $3 ELSE updated_at + 1 END WHERE id = $1",
		"UPDATE accounts SET sensitized_at = $2, updated_at = CASE WHEN $3 > updated_at"
		" THEN $3 ELSE updated_at + 1 END WHERE id = $1",
	};
	int i = !strcmp(which, "suspended_at") ? 0 : !strcmp(which, "silenced_at") ? 1 : 2;
	return changed(db, db_exec(db, sql[i], "iii", account_id, at, now_ms()));
}

enum store_rc store_account_silenced(struct db *db, int64_t account_id, bool *silenced)
{
	int64_t at = 0;
	enum db_rc rc = db_scalar(db, &at, "SELECT silenced_at FROM accounts WHERE id = $1", "i",
				  account_id);
	*silenced = rc == DB_ROW && at > 0;
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_user_set_role(struct db *db, int64_t account_id, int role)
{
	return changed(db, db_exec(db,
				   "UPDATE users SET role = $2, admin = CASE WHEN $2 >= 2 THEN 1"
				   " ELSE 0 END WHERE account_id = $1",
				   "ii", account_id, (int64_t)role));
}

enum store_rc store_user_set_disabled(struct db *db, int64_t account_id, bool disabled)
{
	return changed(db, db_exec(db, "UPDATE users SET disabled = $2 WHERE account_id = $1", "ib",
				   account_id, disabled));
}

enum store_rc store_user_set_approved(struct db *db, int64_t account_id, bool approved)
{
	return changed(db, db_exec(db, "UPDATE users SET approved = $2 WHERE account_id = $1", "ib",
				   account_id, approved));
}

enum store_rc store_user_set_signup(struct db *db, int64_t account_id, bool approved,
				    const char *reason, const char *ip, int64_t invite_id)
{
	return changed(db, db_exec(db,
				   "UPDATE users SET approved = $2, reason = $3, sign_up_ip = $4,"
				   " invite_id = $5 WHERE account_id = $1",
				   "ibtti", account_id, approved, reason, ip, invite_id));
}

enum store_rc store_account_delete(struct db *db, int64_t account_id)
{
	/* Foreign keys cascade to the user, tokens and everything it owns. */
	return changed(db, db_exec(db, "DELETE FROM accounts WHERE id = $1 AND domain = ''", "i",
				   account_id));
}

/* $1 origin, $2 status, $3 username, $4 display name, $5 email (LIKE
 * patterns from contains(), '' for any), $6 domain, $7 staff, $8 upper,
 * $9 lower bound, $10 limit. */
#define ADMIN_ACCOUNTS_SQL(ord)                                                                \
	"SELECT a.id FROM accounts a LEFT JOIN users u ON u.account_id = a.id"               \
	" WHERE a.id < $8 AND a.id > $9"                                                     \
	" AND ($1 = 0 OR ($1 = 1 AND a.domain = '') OR ($1 = 2 AND a.domain <> ''))"        \
	" AND ($2 = '' OR ($2 = 'active' AND a.suspended_at = 0"                            \
	" AND COALESCE(u.approved, 1) = 1 AND COALESCE(u.disabled, 0) = 0)"                 \
	" OR ($2 = 'pending' AND u.approved = 0) OR ($2 = 'disabled' AND u.disabled = 1)"   \
	" OR ($2 = 'silenced' AND a.silenced_at > 0) OR ($2 = 'suspended'"                  \
	" AND a.suspended_at > 0))"                                                          \
	" AND ($3 = '' OR lower(a.username) LIKE $3 ESCAPE '!')"                             \
	" AND ($4 = '' OR lower(a.display_name) LIKE $4 ESCAPE '!')"                         \
	" AND ($5 = '' OR lower(COALESCE(u.email, '')) LIKE $5 ESCAPE '!')"                  \
	" AND ($6 = '' OR lower(a.domain) = lower($6))"                                     \
	" AND ($7 = 0 OR COALESCE(u.role, 0) >= 1)"                                         \
	" ORDER BY a.id " ord " LIMIT $10"

/* A LIKE pattern (escape '!') matching text that contains s, in lower
 * case; "" for no filter. */
static const char *contains(struct arena *ar, const char *s)
{
	if (!s || !*s)
		return "";
	char *p = arena_alloc(ar, strlen(s) * 2 + 3), *o = p;
	*o++ = '%';
	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '!')
			*o++ = '!';
		*o++ = (char)tolower((unsigned char)*s);
	}
	*o++ = '%';
	*o = '\0';
	return p;
}

static void id_row(struct arena *ar, struct db_stmt *st, void *item)
{
	(void)ar;
	*(int64_t *)item = db_int(st, 0);
}

enum store_rc store_admin_accounts(struct db *db, struct arena *ar, const struct admin_filter *f,
				   const struct page *pg, int64_t **ids, int *n)
{
	static const char *const sql[2] = {ADMIN_ACCOUNTS_SQL("DESC"), ADMIN_ACCOUNTS_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	enum store_rc rc;
	*ids = read_page(ar,
			 db_query(db, sql[asc], "itttttiiii", (int64_t)f->origin,
				  f->status ? f->status : "", contains(ar, f->username),
				  contains(ar, f->display_name), contains(ar, f->email),
				  f->by_domain ? f->by_domain : "", (int64_t)f->staff, hi, lo,
				  (int64_t)pg->limit),
			 pg->limit, asc, sizeof **ids, id_row, n, &rc);
	return rc;
}

enum store_rc store_feed_remove_everywhere(struct db *db, int64_t account_id)
{
	return st_rc(db_exec(db,
			     "DELETE FROM home_feed WHERE status_id IN (SELECT id FROM statuses"
			     " WHERE account_id = $1) OR status_id IN (SELECT r.id FROM statuses r"
			     " JOIN statuses o ON o.id = r.reblog_of_id WHERE o.account_id = $1)",
			     "i", account_id));
}

enum store_rc store_local_followers(struct db *db, struct arena *ar, int64_t account_id,
				    int64_t **ids, bool **reblogs, int *n)
{
	*n = 0;
	int room = 0;
	*ids = NULL;
	*reblogs = NULL;
	struct db_stmt *st = db_query(db,
				      "SELECT f.account_id, f.show_reblogs FROM follows f JOIN accounts a"
				      " ON a.id = f.account_id WHERE f.target_id = $1 AND a.domain = ''",
				      "i", account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		int r2 = room;
		*ids = grow(ar, *ids, *n, &room, sizeof **ids);
		*reblogs = grow(ar, *reblogs, *n, &r2, sizeof **reblogs);
		(*ids)[*n] = db_int(st, 0);
		(*reblogs)[(*n)++] = db_int(st, 1);
	}
	return done(st, rc);
}

/* ---- reports ---- */

#define REPORT_COLS                                                                            \
	"id, account_id, target_id, category, comment, forward, status_ids, rule_ids,"        \
	" assigned_id, resolved_by, resolved_at, created_at, updated_at"

static void report_row(struct arena *ar, struct db_stmt *st, void *item)
{
	struct report *r = item;
	r->id = db_int(st, 0);
	r->account_id = db_int(st, 1);
	r->target_id = db_int(st, 2);
	r->category = st_text(ar, st, 3);
	r->comment = st_text(ar, st, 4);
	r->forward = db_int(st, 5);
	r->status_ids = st_text(ar, st, 6);
	r->rule_ids = st_text(ar, st, 7);
	r->assigned_id = db_int(st, 8);
	r->resolved_by = db_int(st, 9);
	r->resolved_at = db_int(st, 10);
	r->created_at = db_int(st, 11);
	r->updated_at = db_int(st, 12);
}

enum store_rc store_report_insert(struct db *db, const struct report *r)
{
	return st_rc(db_exec(db,
			     "INSERT INTO reports (" REPORT_COLS ") VALUES ($1, $2, $3, $4, $5, $6,"
			     " $7, $8, 0, 0, 0, $9, $9)",
			     "iiittbtti", r->id, r->account_id, r->target_id, r->category, r->comment,
			     r->forward, r->status_ids, r->rule_ids, r->created_at));
}

enum store_rc store_report_get(struct db *db, struct arena *ar, int64_t id, struct report *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db, "SELECT " REPORT_COLS " FROM reports WHERE id = $1", "i",
				      id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		report_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

#define REPORTS_SQL(ord)                                                                       \
	"SELECT " REPORT_COLS " FROM reports WHERE id < $4 AND id > $5"                       \
	" AND ($1 < 0 OR ($1 = 0 AND resolved_at = 0) OR ($1 = 1 AND resolved_at > 0))"      \
	" AND ($2 = 0 OR account_id = $2) AND ($3 = 0 OR target_id = $3)"                    \
	" ORDER BY id " ord " LIMIT $6"

enum store_rc store_reports_list(struct db *db, struct arena *ar, int resolved, int64_t account,
				 int64_t target, const struct page *pg, struct report_list *out)
{
	static const char *const sql[2] = {REPORTS_SQL("DESC"), REPORTS_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	enum store_rc rc;
	out->items = read_page(ar,
			       db_query(db, sql[asc], "iiiiii", (int64_t)resolved, account, target,
					hi, lo, (int64_t)pg->limit),
			       pg->limit, asc, sizeof *out->items, report_row, &out->n, &rc);
	return rc;
}

enum store_rc store_report_assign(struct db *db, int64_t id, int64_t moderator, int64_t at)
{
	return changed(db, db_exec(db,
				   "UPDATE reports SET assigned_id = $2, updated_at = $3 WHERE id = $1",
				   "iii", id, moderator, at));
}

enum store_rc store_report_resolve(struct db *db, int64_t id, int64_t by, int64_t at)
{
	return changed(db, db_exec(db,
				   "UPDATE reports SET resolved_by = $2, resolved_at = CASE WHEN $2 = 0"
				   " THEN 0 ELSE $3 END, updated_at = $3 WHERE id = $1",
				   "iii", id, by, at));
}

/* ---- warnings and the audit log ---- */

enum store_rc store_warning_insert(struct db *db, int64_t id, int64_t account_id,
				   int64_t actor_id, const char *action, const char *text,
				   int64_t report_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO account_warnings (id, account_id, actor_id, action, text,"
			     " report_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			     "iiittii", id, account_id, actor_id, action, text, report_id, at));
}

enum store_rc store_warning_latest(struct db *db, struct arena *ar, int64_t account_id,
				   const char *action, const char **text)
{
	*text = "";
	struct db_stmt *st = db_query(db,
				      "SELECT text FROM account_warnings WHERE account_id = $1"
				      " AND action = $2 ORDER BY id DESC LIMIT 1",
				      "it", account_id, action);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*text = st_text(ar, st, 0);
	return done(st, rc);
}

enum store_rc store_warnings(struct db *db, struct arena *ar, int64_t account_id, int64_t id,
			     struct account_warning *out, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT w.id, w.action, w.text, COALESCE(r.status_ids, '[]'),"
				      " w.created_at FROM account_warnings w"
				      " LEFT JOIN reports r ON r.id = w.report_id"
				      " WHERE w.account_id = $1 AND ($2 = 0 OR w.id = $2)"
				      " ORDER BY w.id DESC LIMIT $3",
				      "iii", account_id, id, (int64_t)WARNINGS_MAX);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < WARNINGS_MAX)
		out[(*n)++] = (struct account_warning){
			.id = db_int(st, 0), .account_id = account_id, .action = st_text(ar, st, 1),
			.text = st_text(ar, st, 2), .status_ids = st_text(ar, st, 3),
			.created_at = db_int(st, 4)};
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	return id && !*n ? ST_NOT_FOUND : ST_OK;
}

enum store_rc store_audit_insert(struct db *db, const struct audit_entry *e)
{
	return st_rc(db_exec(db,
			     "INSERT INTO audit_log (id, actor_id, action, target_type, target_id,"
			     " detail, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
			     "iittiti", e->id, e->actor_id, e->action, e->target_type, e->target_id,
			     e->detail, e->created_at));
}

#define AUDIT_SQL(ord)                                                                         \
	"SELECT id, actor_id, action, target_type, target_id, detail, created_at FROM audit_log" \
	" WHERE id < $1 AND id > $2 ORDER BY id " ord " LIMIT $3"

static void audit_row(struct arena *ar, struct db_stmt *st, void *item)
{
	struct audit_entry *e = item;
	e->id = db_int(st, 0);
	e->actor_id = db_int(st, 1);
	e->action = st_text(ar, st, 2);
	e->target_type = st_text(ar, st, 3);
	e->target_id = db_int(st, 4);
	e->detail = st_text(ar, st, 5);
	e->created_at = db_int(st, 6);
}

enum store_rc store_audit_list(struct db *db, struct arena *ar, const struct page *pg,
			       struct audit_list *out)
{
	static const char *const sql[2] = {AUDIT_SQL("DESC"), AUDIT_SQL("ASC")};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	enum store_rc rc;
	out->items = read_page(ar, db_query(db, sql[asc], "iii", hi, lo, (int64_t)pg->limit),
			       pg->limit, asc, sizeof *out->items, audit_row, &out->n, &rc);
	return rc;
}

/* ---- admin blocks ---- */

static void block_row(struct arena *ar, struct db_stmt *st, void *item)
{
	struct admin_block *b = item;
	b->id = db_int(st, 0);
	b->kind = (int)db_int(st, 1);
	b->value = st_text(ar, st, 2);
	b->severity = st_text(ar, st, 3);
	b->data = st_text(ar, st, 4);
	b->created_at = db_int(st, 5);
}

enum store_rc store_block_insert(struct db *db, const struct admin_block *b)
{
	return st_rc(db_exec(db,
			     "INSERT INTO admin_blocks (id, kind, value, severity, data, created_at)"
			     " VALUES ($1, $2, $3, $4, $5, $6)",
			     "iittti", b->id, (int64_t)b->kind, b->value, b->severity, b->data,
			     b->created_at));
}

enum store_rc store_block_update(struct db *db, const struct admin_block *b)
{
	return changed(db, db_exec(db,
				   "UPDATE admin_blocks SET severity = $3, data = $4 WHERE id = $1"
				   " AND kind = $2",
				   "iitt", b->id, (int64_t)b->kind, b->severity, b->data));
}

enum store_rc store_block_delete(struct db *db, int kind, int64_t id)
{
	return changed(db, db_exec(db, "DELETE FROM admin_blocks WHERE id = $1 AND kind = $2", "ii",
				   id, (int64_t)kind));
}

enum store_rc store_block_get(struct db *db, struct arena *ar, int kind, int64_t id,
			      struct admin_block *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db,
				      "SELECT id, kind, value, severity, data, created_at FROM"
				      " admin_blocks WHERE id = $1 AND kind = $2",
				      "ii", id, (int64_t)kind);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		block_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_block_by_value(struct db *db, struct arena *ar, int kind, const char *value,
				   struct admin_block *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db,
				      "SELECT id, kind, value, severity, data, created_at FROM"
				      " admin_blocks WHERE kind = $1 AND value = $2",
				      "it", (int64_t)kind, value);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		block_row(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_blocks_list(struct db *db, struct arena *ar, int kind,
				struct admin_block_list *out)
{
	enum store_rc rc;
	out->items = read_all(ar,
			      db_query(db,
				       "SELECT id, kind, value, severity, data, created_at FROM"
				       " admin_blocks WHERE kind = $1 ORDER BY id",
				       "i", (int64_t)kind),
			      sizeof *out->items, block_row, &out->n, &rc);
	return rc;
}

enum store_rc store_block_has(struct db *db, int kind, const char *value, bool *found)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM admin_blocks WHERE kind = $1 AND value = $2", "it",
				  (int64_t)kind, value),
			found);
}

/* ---- rules ---- */

enum store_rc store_rule_insert(struct db *db, const struct rule *r)
{
	return st_rc(db_exec(db,
			     "INSERT INTO rules (id, text, hint, position, created_at, updated_at)"
			     " VALUES ($1, $2, $3, $4, $5, $5)",
			     "ittii", r->id, r->text, r->hint, (int64_t)r->position, r->created_at));
}

enum store_rc store_rule_update(struct db *db, const struct rule *r)
{
	return changed(db, db_exec(db,
				   "UPDATE rules SET text = $2, hint = $3, position = $4,"
				   " updated_at = $5 WHERE id = $1",
				   "ittii", r->id, r->text, r->hint, (int64_t)r->position,
				   r->updated_at));
}

enum store_rc store_rule_delete(struct db *db, int64_t id)
{
	return changed(db, db_exec(db, "DELETE FROM rules WHERE id = $1", "i", id));
}

#define RULES_SQL                                                                              \
	"SELECT id, text, hint, position, created_at, updated_at FROM rules ORDER BY position, id"

static void rule_row(struct arena *ar, struct db_stmt *st, void *item)
{
	struct rule *r = item;
	r->id = db_int(st, 0);
	r->text = st_text(ar, st, 1);
	r->hint = st_text(ar, st, 2);
	r->position = (int)db_int(st, 3);
	r->created_at = db_int(st, 4);
	r->updated_at = db_int(st, 5);
}

enum store_rc store_rules_list(struct db *db, struct arena *ar, struct rule_list *out)
{
	enum store_rc rc;
	out->items = read_all(ar, db_query(db, RULES_SQL, ""), sizeof *out->items, rule_row, &out->n,
			      &rc);
	return rc;
}

/* ---- settings ---- */

enum store_rc store_setting_get(struct db *db, struct arena *ar, const char *key,
				const char **value)
{
	*value = NULL;
	struct db_stmt *st = db_query(db, "SELECT value FROM instance_settings WHERE key = $1", "t",
				      key);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*value = st_text(ar, st, 0);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_setting_set(struct db *db, const char *key, const char *value)
{
	return st_rc(db_exec(db,
			     "INSERT INTO instance_settings (key, value) VALUES ($1, $2)"
			     " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			     "tt", key, value));
}

/* ---- invites ---- */

enum store_rc store_invite_insert(struct db *db, const struct invite *v)
{
	return st_rc(db_exec(db,
			     "INSERT INTO invites (id, code, account_id, max_uses, uses, expires_at,"
			     " revoked_at, created_at) VALUES ($1, $2, $3, $4, 0, $5, 0, $6)",
			     "itiiii", v->id, v->code, v->account_id, (int64_t)v->max_uses,
			     v->expires_at, v->created_at));
}

#define INVITES_SQL                                                                            \
	"SELECT id, code, account_id, max_uses, uses, expires_at, revoked_at, created_at"     \
	" FROM invites ORDER BY id DESC"

static void invite_row(struct arena *ar, struct db_stmt *st, void *item)
{
	struct invite *v = item;
	v->id = db_int(st, 0);
	v->code = st_text(ar, st, 1);
	v->account_id = db_int(st, 2);
	v->max_uses = (int)db_int(st, 3);
	v->uses = (int)db_int(st, 4);
	v->expires_at = db_int(st, 5);
	v->revoked_at = db_int(st, 6);
	v->created_at = db_int(st, 7);
}

enum store_rc store_invites_list(struct db *db, struct arena *ar, struct invite_list *out)
{
	enum store_rc rc;
	out->items = read_all(ar, db_query(db, INVITES_SQL, ""), sizeof *out->items, invite_row,
			      &out->n, &rc);
	return rc;
}

enum store_rc store_invite_revoke(struct db *db, int64_t id, int64_t at)
{
	return changed(db, db_exec(db,
				   "UPDATE invites SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0",
				   "ii", id, at));
}

enum store_rc store_invite_use(struct db *db, const char *code, int64_t at, int64_t *id)
{
	*id = 0;
	struct db_stmt *st = db_query(db,
				      "UPDATE invites SET uses = uses + 1 WHERE code = $1"
				      " AND revoked_at = 0 AND (expires_at = 0 OR expires_at > $2)"
				      " AND (max_uses = 0 OR uses < max_uses) RETURNING id",
				      "ti", code, at);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*id = db_int(st, 0);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

/* ---- the queue ---- */

#define FLAGGED_SQL                                                                            \
	"SELECT f.status_id, f.account_id, f.flags FROM status_flags f"                       \
	" JOIN accounts a ON a.id = f.account_id WHERE a.suspended_at = 0 AND (f.flags & 3) <> 0"    \
	" AND f.status_id < $1 AND f.status_id > $2 ORDER BY f.status_id DESC LIMIT $3"

static void flagged_row(struct arena *ar, struct db_stmt *st, void *item)
{
	struct flagged *f = item;
	(void)ar;
	f->status_id = db_int(st, 0);
	f->account_id = db_int(st, 1);
	f->flags = db_int(st, 2);
}

enum store_rc store_flagged_list(struct db *db, struct arena *ar, const struct page *pg,
				 struct flagged_list *out)
{
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	enum store_rc rc; /* one order only: a min_id page is not turned */
	out->items = read_page(ar, db_query(db, FLAGGED_SQL, "iii", hi, lo, (int64_t)pg->limit),
			       pg->limit, false, sizeof *out->items, flagged_row, &out->n, &rc);
	return rc;
}
