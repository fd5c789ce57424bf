/* db_impl.h - what a backend of db.h provides: the operations behind the
 * public functions (db.c dispatches on the connection's ops), and the
 * slow-statement log they share. Included only by db.c and the backends
 * (db_sqlite.c, db_pg.c). */
#ifndef RAPPORT_DB_IMPL_H
#define RAPPORT_DB_IMPL_H

#include "store/db.h"

#include <stdarg.h>

struct db_ops {
	const char *name;
	void (*close)(struct db *db);
	struct db_stmt *(*vquery)(struct db *db, const char *sql, const char *fmt, va_list ap);
	enum db_rc (*next)(struct db_stmt *st);
	int64_t (*col_int)(struct db_stmt *st, int col);
	const char *(*col_text)(struct db_stmt *st, int col);
	bool (*col_null)(struct db_stmt *st, int col);
	void (*end)(struct db_stmt *st);
	int64_t (*changes)(struct db *db);
	int64_t (*total_changes)(struct db *db);
	enum db_rc (*script)(struct db *db, const char *sql);
	enum db_rc (*begin)(struct db *db);
	enum db_rc (*commit)(struct db *db);
	void (*rollback)(struct db *db);
	enum db_rc (*tx_run)(struct db *db, int (*fn)(struct db *, void *), void *ctx,
			     int *fn_rc);
	bool (*in_write)(struct db *db);
	const char *(*errmsg)(struct db *db);
	/* NULL when the backend serves one process (db_notice). */
	enum db_rc (*notice)(struct db *db, const char *text);
	/* db_exec_later: queues the bound statement (DB_OK; it is ended) or
	 * leaves it to run now (DB_DONE); NULL: always now. */
	enum db_rc (*later)(struct db_stmt *st);
	/* NULL when the backend has no bulk load. */
	enum db_rc (*copy_in)(struct db *db, const char *sql, const char *data, size_t len);
	enum db_rc (*exec_texts)(struct db *db, const char *sql, int n, const char *const *v,
				 const size_t *len);
	enum db_rc (*copy_out)(struct db *db, const char *sql,
			       int (*fn)(const char *row, size_t len, void *ctx), void *ctx);
};

/* The first member of every backend's connection and statement. */
struct db {
	const struct db_ops *ops;
};
struct db_stmt {
	struct db *db;
};

enum db_rc db_sqlite_open(const char *path, bool sync_full, struct db **out);
enum db_rc db_pg_open(const char *url, struct db **out);

/* The slow-statement log (db_slow_sql): a start time, then a check that
 * logs what ran if it took the threshold or more. */
int64_t db_slow_start(void);
void db_slow_check(int64_t t0, const char *what);

#endif
