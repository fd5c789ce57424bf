/* store_bulk.c - what a bulk load does without (store_internal.h,
 * st_bulk_drop): the seeder on PostgreSQL and store copy. */
#include "store/db.h"
#include "store/store_internal.h"
#include "util/log.h"
#include "util/util.h"

#include <stdlib.h>

/* Pairs (how to drop it, how to make it again): PostgreSQL's foreign keys,
 * and every index that is not a primary key or unique constraint. The
 * keys come first, so that made again in the reverse order the indexes
 * are there when the keys check the rows. */
static const char *const BULK_PG =
	"SELECT 'ALTER TABLE ' || conrelid::regclass::text || ' DROP CONSTRAINT '"
	" || quote_ident(conname), 'ALTER TABLE ' || conrelid::regclass::text"
	" || ' ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)"
	" FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
	" UNION ALL SELECT 'DROP INDEX ' || quote_ident(indexname), indexdef FROM pg_indexes"
	" WHERE schemaname = current_schema()"
	" AND indexname NOT IN (SELECT conname FROM pg_constraint)";
/* SQLite's foreign keys are turned off for a load and checked after it
 * (store_copy.c), so its indexes are all there is to drop. */
static const char *const BULK_SQLITE =
	"SELECT 'DROP INDEX \"' || name || '\"', sql FROM sqlite_master"
	" WHERE type = 'index' AND sql IS NOT NULL";

enum store_rc st_bulk_drop(struct db *db, struct st_bulk *b)
{
	struct db_stmt *st = db_query(db, db_is_pg(db) ? BULK_PG : BULK_SQLITE, "");
	if (!st)
		return ST_ERROR;
	char *drops[ST_BULK_MAX];
	int n = 0;
	b->n = 0;
	while (db_next(st) == DB_ROW && n < ST_BULK_MAX) {
		drops[n++] = xstrdup(db_text(st, 0));
		b->remake[b->n++] = xstrdup(db_text(st, 1));
	}
	db_end(st);
	enum store_rc rc = ST_OK;
	if (n >= ST_BULK_MAX) {
		log_error("store: more than %d indexes and keys", ST_BULK_MAX);
		rc = ST_ERROR;
	}
	for (int i = 0; i < n; i++) {
		if (rc == ST_OK && db_script(db, drops[i]) != DB_OK)
			rc = ST_ERROR;
		free(drops[i]);
	}
	return rc;
}

enum store_rc st_bulk_remake(struct db *db, struct st_bulk *b)
{
	enum store_rc rc = ST_OK;
	for (int i = b->n - 1; i >= 0 && rc == ST_OK; i--)
		if (db_script(db, b->remake[i]) != DB_OK)
			rc = ST_ERROR;
	st_bulk_free(b);
	return rc;
}

void st_bulk_free(struct st_bulk *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->remake[i]);
	b->n = 0;
}
