/* store_accounts.c - the accounts and users tables. */
#include "store/accounts.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <ctype.h>
#include <string.h>

/* Lowercases ASCII into out (cap bytes); usernames and emails are compared
 * this way. */
static void lower_key(const char *s, char *out, size_t cap)
{
	size_t i = 0;
	for (; s[i] && i + 1 < cap; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

enum store_rc store_account_insert(struct db *db, const struct account *a)
{
	char key[128];
	lower_key(a->username, key, sizeof key);
	return st_rc(db_exec(db,
			     "INSERT INTO accounts (id, username, username_key, domain, display_name,"
			     " note, note_html, fields, uri, url, avatar, header, locked, bot,"
			     " discoverable, created_at, updated_at)"
			     " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)",
			     "itttttttttttbbbi", a->id, a->username, key, a->domain ? a->domain : "",
			     a->display_name, a->note, a->note_html, a->fields ? a->fields : "[]",
			     a->uri, a->url, a->avatar ? a->avatar : "",
			     a->header ? a->header : "", a->locked, a->bot, a->discoverable,
			     a->created_at));
}

static enum store_rc one_account(struct arena *ar, struct db_stmt *st, struct account *out)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		st_account_row(ar, st, 0, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_account_get(struct db *db, struct arena *ar, int64_t id, struct account *out)
{
	return one_account(ar, db_query(db, "SELECT " ACOLS("a") " FROM accounts a WHERE a.id = $1",
					"i", id),
			   out);
}

enum store_rc store_account_exists(struct db *db, int64_t id)
{
	struct account a;
	/* Inside a write on PostgreSQL another process's commit may not have
	 * been heard yet (see load_lite). */
	if (!(db_in_write(db) && db_is_pg(db)) && rowcache_get_account(id, &a))
		return ST_OK;
	/* Its numbers, as the row cache keeps them: the next ask is free. */
	uint64_t epoch = rowcache_epoch();
	struct db_stmt *st = db_query(db,
				      "SELECT created_at, updated_at, last_status_at, statuses_count,"
				      " followers_count, following_count, sensitized_at"
				      " FROM accounts WHERE id = $1",
				      "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		a = (struct account){.id = id,
				     .created_at = db_int(st, 0),
				     .updated_at = db_int(st, 1),
				     .last_status_at = db_int(st, 2),
				     .statuses_count = db_int(st, 3),
				     .followers_count = db_int(st, 4),
				     .following_count = db_int(st, 5),
				     .sensitized_at = db_int(st, 6)};
	}
	db_end(st);
	if (rc == DB_ROW && !db_in_write(db)) /* a write may see rows not committed */
		rowcache_put_account(epoch, &a);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_account_by_name(struct db *db, struct arena *ar, const char *username,
				    const char *domain, struct account *out)
{
	char key[128];
	lower_key(username, key, sizeof key);
	return one_account(ar,
			   db_query(db,
				    "SELECT " ACOLS("a") " FROM accounts a"
				    " WHERE a.username_key = $1 AND a.domain = $2",
				    "tt", key, domain ? domain : ""),
			   out);
}

enum store_rc store_account_update_profile(struct db *db, const struct account *a)
{
	enum db_rc rc = db_exec(db,
				"UPDATE accounts SET display_name=$2, note=$3, note_html=$4, fields=$5,"
				" locked=$6, bot=$7, discoverable=$8, avatar=$9, header=$10,"
				/* strictly later, even within one millisecond:
				 * rendered accounts are cached by it */
				" updated_at = CASE WHEN $11 > updated_at THEN $11"
				" ELSE updated_at + 1 END WHERE id=$1",
				"ittttbbbtti", a->id, a->display_name, a->note, a->note_html,
				a->fields, a->locked, a->bot, a->discoverable, a->avatar, a->header,
				a->updated_at);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_account_list_local(struct db *db, struct arena *ar,
				       void (*fn)(const struct account *, const char *email,
						  bool admin, void *),
				       void *ctx)
{
	struct db_stmt *st = db_query(db,
				      "SELECT " ACOLS("a") ", u.email, u.admin FROM accounts a"
				      " JOIN users u ON u.account_id = a.id ORDER BY a.id",
				      "");
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		struct account a;
		st_account_row(ar, st, 0, &a);
		fn(&a, st_text(ar, st, ACOLS_N), db_int(st, ACOLS_N + 1), ctx);
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_accounts_discoverable(struct db *db, struct arena *ar, int64_t after,
					  int limit, struct account_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)limit + 1, sizeof *out->items);
	out->cursor = NULL;
	struct db_stmt *st = db_query(db,
				      "SELECT " ACOLS("a") " FROM accounts a WHERE a.domain = ''"
				      " AND a.discoverable = 1 AND a.id > $1 ORDER BY a.id LIMIT $2",
				      "ii", after, (int64_t)limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit)
		st_account_row(ar, st, 0, &out->items[out->n++]);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_account_set_fields(struct db *db, int64_t id, const char *old,
				       const char *fields, int64_t at)
{
	enum db_rc rc = db_exec(db,
				"UPDATE accounts SET fields = $3,"
				" updated_at = CASE WHEN $4 > updated_at THEN $4"
				" ELSE updated_at + 1 END WHERE id = $1 AND fields = $2",
				"itti", id, old, fields, at);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_count_local_accounts(struct db *db, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM users", ""));
}

enum store_rc store_count_local_active(struct db *db, int64_t since1, int64_t since2,
				       int64_t *n1, int64_t *n2)
{
	/* one pass over the users; each one's newest token through tokens_account */
	struct db_stmt *st = db_query(
		db,
		"SELECT COUNT(CASE WHEN x.at >= $1 THEN 1 END), COUNT(CASE WHEN x.at >= $2 THEN 1 END)"
		" FROM (SELECT CASE WHEN COALESCE(MAX(t.created_at), 0) > a.last_status_at"
		" THEN MAX(t.created_at) ELSE a.last_status_at END AS at"
		" FROM users u JOIN accounts a ON a.id = u.account_id"
		" LEFT JOIN tokens t ON t.account_id = u.account_id"
		" GROUP BY u.account_id, a.last_status_at) x",
		"ii", since1, since2);
	return st_two_ints(st, n1, n2);
}

#define USER_COLS                                                                        \
	"account_id, email, password_hash, admin, default_privacy, default_sensitive," \
	" default_language, created_at, role"

static enum store_rc one_user(struct arena *ar, struct db_stmt *st, struct user *u)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		u->account_id = db_int(st, 0);
		u->email = st_text(ar, st, 1);
		u->password_hash = st_text(ar, st, 2);
		u->admin = db_int(st, 3);
		u->default_privacy = st_text(ar, st, 4);
		u->default_sensitive = db_int(st, 5);
		u->default_language = st_text(ar, st, 6);
		u->created_at = db_int(st, 7);
		u->role = (int)db_int(st, 8);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_user_insert(struct db *db, const struct user *u)
{
	char key[512];
	lower_key(u->email, key, sizeof key);
	return st_rc(db_exec(db,
			     "INSERT INTO users (account_id, email, email_key, password_hash, admin,"
			     " created_at, role) VALUES ($1,$2,$3,$4,$5,$6,$7)",
			     "itttbii", u->account_id, u->email, key, u->password_hash, u->admin,
			     u->created_at, (int64_t)(u->admin ? 2 : 0))); /* ROLE_ADMIN */
}

enum store_rc store_user_get(struct db *db, struct arena *ar, int64_t account_id, struct user *out)
{
	return one_user(ar, db_query(db, "SELECT " USER_COLS " FROM users WHERE account_id = $1",
				     "i", account_id),
			out);
}

enum store_rc store_user_by_email(struct db *db, struct arena *ar, const char *email,
				  struct user *out)
{
	char key[512];
	lower_key(email, key, sizeof key);
	return one_user(ar, db_query(db, "SELECT " USER_COLS " FROM users WHERE email_key = $1", "t",
				     key),
			out);
}

enum store_rc store_email_taken(struct db *db, const char *email, bool *taken)
{
	char key[512];
	lower_key(email, key, sizeof key);
	int64_t one;
	return st_found(db_scalar(db, &one, "SELECT 1 FROM users WHERE email_key = $1", "t", key),
			taken);
}

enum store_rc store_username_taken(struct db *db, const char *username, bool *taken)
{
	char key[128];
	lower_key(username, key, sizeof key);
	int64_t one;
	return st_found(db_scalar(db, &one,
				  /* a deleted account's handle stays taken (its tombstone) */
				  "SELECT 1 FROM accounts WHERE username_key = $1 AND domain = ''"
				  " UNION ALL SELECT 1 FROM account_tombstones"
				  " WHERE username_key = $1 AND domain = ''",
				  "t", key),
			taken);
}

enum store_rc store_user_update_prefs(struct db *db, const struct user *u)
{
	return st_rc(db_exec(db,
			     "UPDATE users SET default_privacy=$2, default_sensitive=$3,"
			     " default_language=$4 WHERE account_id=$1",
			     "itbt", u->account_id, u->default_privacy, u->default_sensitive,
			     u->default_language));
}

enum store_rc store_count_local_statuses(struct db *db, int64_t *n)
{
	return st_rc(db_scalar(db, n,
			       "SELECT COALESCE(SUM(statuses_count), 0) FROM accounts"
			       " WHERE domain = ''",
			       ""));
}

void st_account_row(struct arena *ar, struct db_stmt *st, int c, struct account *a)
{
	a->id = db_int(st, c + 0);
	a->username = st_text(ar, st, c + 1);
	a->domain = st_text(ar, st, c + 2);
	a->display_name = st_text(ar, st, c + 3);
	a->note = st_text(ar, st, c + 4);
	a->note_html = st_text(ar, st, c + 5);
	a->fields = st_text(ar, st, c + 6);
	a->uri = st_text(ar, st, c + 7);
	a->url = st_text(ar, st, c + 8);
	a->avatar = st_text(ar, st, c + 9);
	a->header = st_text(ar, st, c + 10);
	a->locked = db_int(st, c + 11);
	a->bot = db_int(st, c + 12);
	a->discoverable = db_int(st, c + 13);
	a->created_at = db_int(st, c + 14);
	a->updated_at = db_int(st, c + 15);
	a->last_status_at = db_int(st, c + 16);
	a->statuses_count = db_int(st, c + 17);
	a->followers_count = db_int(st, c + 18);
	a->following_count = db_int(st, c + 19);
	a->moved_to = db_int(st, c + 20);
	a->sensitized_at = db_int(st, c + 21);
}

enum store_rc store_user_set_password(struct db *db, int64_t account_id, const char *hash)
{
	enum db_rc rc = db_exec(db, "UPDATE users SET password_hash = $2 WHERE account_id = $1",
				"it", account_id, hash);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_user_set_email(struct db *db, int64_t account_id, const char *email)
{
	char key[512];
	lower_key(email, key, sizeof key);
	enum db_rc rc = db_exec(db, "UPDATE users SET email = $2, email_key = $3, confirmed_at = 0"
				" WHERE account_id = $1",
				"itt", account_id, email, key);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}
