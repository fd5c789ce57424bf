/* db.c - the functions of db.h: each passes the call to the connection's
 * backend (db_sqlite.c, db_pg.c), except those built on the others. */
#include "store/db.h"
#include "store/db_impl.h"
#include "util/log.h"
#include "util/util.h"

#include <string.h>

/* RAPPORT_SLOW_SQL_MS=N (db_slow_sql) logs every statement that takes N ms
 * or more, whichever way it runs (a step, a script, a transaction or
 * savepoint statement, a checkpoint); -1, the default, logs nothing. */
static int slow_sql_ms = -1;

void db_slow_sql(int ms)
{
	slow_sql_ms = ms;
}

int64_t db_slow_start(void)
{
	return slow_sql_ms >= 0 ? mono_ms() : 0;
}

void db_slow_check(int64_t t0, const char *what)
{
	if (slow_sql_ms >= 0 && mono_ms() - t0 >= slow_sql_ms)
		log_warn("slow sql: %lld ms in: %.300s", (long long)(mono_ms() - t0), what);
}

bool db_is_url(const char *where)
{
	return !strncmp(where, "postgresql://", 13) || !strncmp(where, "postgres://", 11);
}

enum db_rc db_open(const char *where, bool sync_full, struct db **out)
{
	return db_is_url(where) ? db_pg_open(where, out) : db_sqlite_open(where, sync_full, out);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = db->ops->vquery(db, sql, fmt, ap);
	va_end(ap);
	return s;
}

enum db_rc db_next(struct db_stmt *st)
{
	return st->db->ops->next(st);
}

int64_t db_int(struct db_stmt *st, int col)
{
	return st->db->ops->col_int(st, col);
}

const char *db_text(struct db_stmt *st, int col)
{
	return st->db->ops->col_text(st, col);
}

bool db_is_null(struct db_stmt *st, int col)
{
	return st->db->ops->col_null(st, col);
}

void db_end(struct db_stmt *st)
{
	if (st)
		st->db->ops->end(st);
}

/* Runs a statement that returns nothing the caller reads, and ends it. */
static enum db_rc run_once(struct db_stmt *s)
{
	enum db_rc rc = db_next(s);
	db_end(s);
	return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

enum db_rc db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = db->ops->vquery(db, sql, fmt, ap);
	va_end(ap);
	return s ? run_once(s) : DB_ERROR;
}

enum db_rc db_exec_later(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = db->ops->vquery(db, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return DB_ERROR;
	enum db_rc rc = db->ops->later ? db->ops->later(s) : DB_DONE;
	return rc == DB_DONE ? run_once(s) : rc;
}

enum db_rc db_scalar(struct db *db, int64_t *out, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = db->ops->vquery(db, sql, fmt, ap);
	va_end(ap);
	*out = 0;
	if (!s)
		return DB_ERROR;
	enum db_rc rc = db_next(s);
	if (rc == DB_ROW && db_is_null(s, 0))
		rc = DB_DONE;
	else if (rc == DB_ROW)
		*out = db_int(s, 0);
	db_end(s);
	return rc;
}

int64_t db_changes(struct db *db)
{
	return db->ops->changes(db);
}

int64_t db_total_changes(struct db *db)
{
	return db->ops->total_changes(db);
}

enum db_rc db_script(struct db *db, const char *sql)
{
	return db->ops->script(db, sql);
}

enum db_rc db_begin(struct db *db)
{
	return db->ops->begin(db);
}

enum db_rc db_commit(struct db *db)
{
	return db->ops->commit(db);
}

void db_rollback(struct db *db)
{
	db->ops->rollback(db);
}

enum db_rc db_tx_run(struct db *db, int (*fn)(struct db *, void *), void *ctx, int *fn_rc)
{
	return db->ops->tx_run(db, fn, ctx, fn_rc);
}

bool db_in_write(struct db *db)
{
	return db->ops->in_write(db);
}

const char *db_backend(struct db *db)
{
	return db->ops->name;
}

bool db_claims_rows(struct db *db)
{
	return strcmp(db->ops->name, "sqlite") != 0;
}

const char *db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

enum db_rc db_copy_in(struct db *db, const char *sql, const char *data, size_t len)
{
	if (!db->ops->copy_in) {
		log_error("%s: no bulk load", db->ops->name);
		return DB_ERROR;
	}
	return db->ops->copy_in(db, sql, data, len);
}

enum db_rc db_copy_out(struct db *db, const char *sql,
		       int (*fn)(const char *row, size_t len, void *ctx), void *ctx)
{
	if (!db->ops->copy_out) {
		log_error("%s: no bulk read", db->ops->name);
		return DB_ERROR;
	}
	return db->ops->copy_out(db, sql, fn, ctx);
}

enum db_rc db_exec_texts(struct db *db, const char *sql, int n, const char *const *v,
			 const size_t *len)
{
	if (!db->ops->exec_texts) {
		log_error("%s: no row load", db->ops->name);
		return DB_ERROR;
	}
	return db->ops->exec_texts(db, sql, n, v, len);
}

enum db_rc db_notice(struct db *db, const char *text)
{
	return db->ops->notice ? db->ops->notice(db, text) : DB_OK;
}
