/* store_keys.c - local actors' key pairs (migration 13). */
#include "store/keys.h"
#include "store/store_internal.h"

#include <string.h>

enum store_rc store_key_insert(struct db *db, int64_t account_id, const char *public_pem,
			       const char *private_pem, int64_t created_at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO actor_keys (account_id, public_pem, private_pem, created_at)"
			     " VALUES ($1, $2, $3, $4) ON CONFLICT (account_id) DO NOTHING",
			     "itti", account_id, public_pem, private_pem, created_at));
}

enum store_rc store_key_public(struct db *db, struct arena *ar, int64_t account_id,
			       const char **pem)
{
	struct db_stmt *st = db_query(db, "SELECT public_pem FROM actor_keys WHERE account_id = $1",
				      "i", account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*pem = st_text(ar, st, 0);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_key_private(struct db *db, int64_t account_id, char *out, size_t cap)
{
	struct db_stmt *st = db_query(db, "SELECT private_pem FROM actor_keys WHERE account_id = $1",
				      "i", account_id);
	if (!st)
		return ST_ERROR;
	enum store_rc out_rc = ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_DONE) {
		out_rc = ST_NOT_FOUND;
	} else if (rc == DB_ROW) {
		const char *pem = db_text(st, 0);
		size_t n = pem ? strlen(pem) : 0;
		if (pem && n < cap) {
			memcpy(out, pem, n + 1);
			out_rc = ST_OK;
		}
	}
	db_end(st);
	return out_rc;
}
