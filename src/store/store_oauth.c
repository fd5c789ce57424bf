/* store_oauth.c - OAuth applications, authorization codes and tokens.
 * Secrets are stored only as SHA-256 hashes; lookups are by hash. */
#include "store/oauth.h"
#include "store/store_internal.h"
#include "util/util.h"

enum store_rc store_app_insert(struct db *db, const struct app *a)
{
	return st_rc(db_exec(db,
			     "INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id,"
			     " secret_hash, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
			     "itttttti", a->id, a->name, a->website, a->redirect_uris, a->scopes,
			     a->client_id, a->secret_hash, a->created_at));
}

static enum store_rc one_app(struct arena *ar, struct db_stmt *st, struct app *a)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		a->id = db_int(st, 0);
		a->name = st_text(ar, st, 1);
		a->website = st_text(ar, st, 2);
		a->redirect_uris = st_text(ar, st, 3);
		a->scopes = st_text(ar, st, 4);
		a->client_id = st_text(ar, st, 5);
		a->secret_hash = st_text(ar, st, 6);
		a->created_at = db_int(st, 7);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

#define APP_COLS "id, name, website, redirect_uris, scopes, client_id, secret_hash, created_at"

enum store_rc store_app_by_client_id(struct db *db, struct arena *ar, const char *client_id,
				     struct app *out)
{
	return one_app(ar, db_query(db, "SELECT " APP_COLS " FROM apps WHERE client_id = $1", "t",
				    client_id),
		       out);
}

enum store_rc store_app_get(struct db *db, struct arena *ar, int64_t id, struct app *out)
{
	return one_app(ar, db_query(db, "SELECT " APP_COLS " FROM apps WHERE id = $1", "i", id),
		       out);
}

enum store_rc store_code_insert(struct db *db, const struct authcode *c)
{
	/* Expired codes are useless: clear them out as new ones come. */
	enum db_rc rc = db_exec(db, "DELETE FROM auth_codes WHERE expires_at < $1", "i", now_ms());
	if (rc != DB_OK)
		return st_rc(rc);
	return st_rc(db_exec(db,
			     "INSERT INTO auth_codes (code_hash, app_id, account_id, redirect_uri,"
			     " scopes, challenge, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
			     "tiittti", c->code_hash, c->app_id, c->account_id, c->redirect_uri,
			     c->scopes, c->challenge, c->expires_at));
}

enum store_rc store_code_take(struct db *db, struct arena *ar, const char *code_hash,
			      struct authcode *out)
{
	struct db_stmt *st = db_query(db,
				      "DELETE FROM auth_codes WHERE code_hash = $1 RETURNING app_id,"
				      " account_id, redirect_uri, scopes, challenge, expires_at",
				      "t", code_hash);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->code_hash = arena_strdup(ar, code_hash);
		out->app_id = db_int(st, 0);
		out->account_id = db_int(st, 1);
		out->redirect_uri = st_text(ar, st, 2);
		out->scopes = st_text(ar, st, 3);
		out->challenge = st_text(ar, st, 4);
		out->expires_at = db_int(st, 5);
		rc = db_next(st); /* finish the DELETE */
		rc = rc == DB_DONE ? DB_ROW : rc;
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_token_insert(struct db *db, const struct token *t)
{
	/* account_id 0 (an app token) is stored as NULL. */
	return st_rc(db_exec(db,
			     "INSERT INTO tokens (id, token_hash, app_id, account_id, scopes,"
			     " created_at) VALUES ($1,$2,$3,NULLIF($4, 0),$5,$6)",
			     "itiiti", t->id, t->token_hash, t->app_id, t->account_id, t->scopes,
			     t->created_at));
}

enum store_rc store_token_by_hash(struct db *db, struct arena *ar, const char *hash,
				  struct token *out)
{
	/* Inside a write another process's revocation may not be heard yet. */
	if (!db_in_write(db) && tokencache_get(ar, hash, out))
		return ST_OK;
	uint64_t epoch = tokencache_epoch();
	struct db_stmt *st = db_query(db,
				      "SELECT t.id, t.app_id, t.account_id, t.scopes, t.created_at,"
				      " COALESCE(a.suspended_at, 0) > 0 OR COALESCE(u.disabled, 0) = 1"
				      " OR COALESCE(u.approved, 1) = 0 FROM tokens t"
				      " LEFT JOIN accounts a ON a.id = t.account_id"
				      " LEFT JOIN users u ON u.account_id = t.account_id"
				      " WHERE t.token_hash = $1",
				      "t", hash);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->id = db_int(st, 0);
		out->token_hash = arena_strdup(ar, hash);
		out->app_id = db_int(st, 1);
		out->account_id = db_is_null(st, 2) ? 0 : db_int(st, 2);
		out->scopes = st_text(ar, st, 3);
		out->created_at = db_int(st, 4);
		out->barred = db_int(st, 5);
	}
	db_end(st);
	if (rc == DB_ROW)
		tokencache_put(epoch, out);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_token_revoke(struct db *db, const char *hash, int64_t app_id)
{
	return st_rc(db_exec(db, "DELETE FROM tokens WHERE token_hash = $1 AND app_id = $2", "ti",
			     hash, app_id));
}
