/* store_export.c - the rows of an account's data export (store/export.h). */
#include "store/export.h"
#include "store/store_internal.h"

static const char *const export_sql[] = {
	[EXPORT_FOLLOWING] = "SELECT a.username, a.domain, NULL, f.show_reblogs, f.notify"
			     " FROM follows f JOIN accounts a ON a.id = f.target_id"
			     " WHERE f.account_id = $1 ORDER BY f.id",
	[EXPORT_LISTS] = "SELECT l.title, a.username, a.domain, 0, 0 FROM lists l"
			 " LEFT JOIN list_accounts x ON x.list_id = l.id"
			 " LEFT JOIN accounts a ON a.id = x.account_id"
			 " WHERE l.account_id = $1 ORDER BY l.id, a.id",
	[EXPORT_BLOCKS] = "SELECT a.username, a.domain, NULL, 0, 0 FROM blocks b"
			  " JOIN accounts a ON a.id = b.target_id WHERE b.account_id = $1"
			  " ORDER BY b.id",
	[EXPORT_MUTES] = "SELECT a.username, a.domain, NULL, m.notifications, 0 FROM mutes m"
			 " JOIN accounts a ON a.id = m.target_id WHERE m.account_id = $1"
			 " ORDER BY m.id",
	[EXPORT_BOOKMARKS] = "SELECT COALESCE(s.uri, ''), a.username, NULL, s.id, 0"
			     " FROM bookmarks b JOIN statuses s ON s.id = b.status_id"
			     " JOIN accounts a ON a.id = s.account_id WHERE b.account_id = $1"
			     " ORDER BY b.id",
};

enum store_rc store_export(struct db *db, int64_t account_id, enum export_kind kind,
			  int (*fn)(void *ctx, const struct export_row *r), void *ctx)
{
	if ((unsigned)kind > EXPORT_BOOKMARKS)
		return ST_ERROR;
	struct db_stmt *st = db_query(db, export_sql[kind], "i", account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	int stop = 0;
	while (!stop && (rc = db_next(st)) == DB_ROW) {
		struct export_row r = {db_text(st, 0), db_text(st, 1), db_text(st, 2), db_int(st, 3),
				       db_int(st, 4)};
		stop = fn(ctx, &r);
	}
	db_end(st);
	return !stop && rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_export_status_ids(struct db *db, int64_t account_id, int64_t after, int max,
				      int64_t *ids, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT id FROM statuses WHERE account_id = $1 AND id > $2"
				      " ORDER BY id LIMIT $3",
				      "iii", account_id, after, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < max)
		ids[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}
