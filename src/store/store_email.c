/* store_email.c - e-mail confirmation and reset links (store/email.h). */
#include "store/email.h"
#include "store/store_internal.h"
#include "util/util.h"

enum store_rc store_email_token_put(struct db *db, int64_t account_id, const char *kind,
				    const char *hash, const char *email, int64_t expires_at)
{
	enum db_rc rc = db_exec(db, "DELETE FROM email_tokens WHERE account_id = $1 AND kind = $2",
				"it", account_id, kind);
	if (rc != DB_OK)
		return st_rc(rc);
	return st_rc(db_exec(db,
			     "INSERT INTO email_tokens (token_hash, account_id, kind, email,"
			     " expires_at) VALUES ($1, $2, $3, $4, $5)",
			     "titti", hash, account_id, kind, email, expires_at));
}

enum store_rc store_email_token_take(struct db *db, struct arena *ar, const char *kind,
				     const char *hash, int64_t now, int64_t *account_id,
				     const char **email)
{
	struct db_stmt *st = db_query(db,
				      "DELETE FROM email_tokens WHERE token_hash = $1 AND kind = $2"
				      " RETURNING account_id, email, expires_at",
				      "tt", hash, kind);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	int64_t expires = 0;
	if (rc == DB_ROW) {
		*account_id = db_int(st, 0);
		*email = st_text(ar, st, 1);
		expires = db_int(st, 2);
		rc = db_next(st); /* finish the DELETE */
		rc = rc == DB_DONE ? DB_ROW : rc;
	}
	db_end(st);
	if (rc == DB_ROW && expires <= now)
		return ST_NOT_FOUND;
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_email_confirm(struct db *db, int64_t account_id, const char *email,
				  int64_t at)
{
	enum db_rc rc = db_exec(db,
				"UPDATE users SET confirmed_at = $3 WHERE account_id = $1 AND email = $2",
				"iti", account_id, email, at);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_NOT_FOUND;
}

enum store_rc store_email_confirmed(struct db *db, int64_t account_id, bool *out)
{
	int64_t at = 0;
	bool found;
	enum store_rc st = st_found(db_scalar(db, &at,
					      "SELECT confirmed_at FROM users WHERE account_id = $1",
					      "i", account_id),
				    &found);
	*out = found && at > 0;
	return st == ST_OK && !found ? ST_NOT_FOUND : st;
}
