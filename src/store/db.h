/* db.h - the backend-neutral SQL connection used by the store: exactly
 * what a backend implements (db_sqlite.c today; a PostgreSQL one later).
 *
 * SQL handed to db_query() is portable: numbered `$1`, `$2` placeholders,
 * which both SQLite and PostgreSQL accept, and no backend-only syntax
 * except in migrations that are kept per backend. Only files under store/
 * include this header: the layers above speak in structs. What only the
 * SQLite backend has (its writer connection and group commit, checkpoints,
 * the update hook behind the row cache, its memory counter) is declared in
 * store/db_sqlite.h, included only by the store files that set it up.
 *
 * A connection belongs to one thread at a time. Prepared statements are
 * cached per connection, keyed by the SQL string's address, so SQL must be
 * a string literal (or otherwise live as long as the process). */
#ifndef RAPPORT_DB_H
#define RAPPORT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_stmt;

enum db_rc {
	DB_OK = 0,
	DB_ROW,        /* db_next(): a row is ready */
	DB_DONE,       /* db_next(): no more rows */
	DB_CONSTRAINT, /* a UNIQUE/CHECK/FK constraint refused the write */
	DB_BUSY,       /* the database stayed locked past the busy timeout */
	DB_ERROR,
};

/* Opens a connection: to the SQLite file at `where` (created if needed),
 * or to the PostgreSQL database a postgresql:// or postgres:// URL names
 * (sync_full does not apply: PostgreSQL commits with synchronous_commit
 * on). db_is_url tells the two apart. */
enum db_rc db_open(const char *where, bool sync_full, struct db **out);
bool db_is_url(const char *where);
void db_close(struct db *db);

/* Prepares sql (cached), binds the arguments described by fmt and returns
 * the statement, or NULL on error (logged). fmt has one letter per
 * parameter, `$1` first:
 *   i  int64_t            t  const char * (NULL binds NULL)
 *   b  int (bool 0/1)     n  NULL
 * The statement must be finished with db_end() before the next db_query()
 * of the same SQL on this connection. */
struct db_stmt *db_query(struct db *db, const char *sql, const char *fmt, ...);
/* Steps: DB_ROW, DB_DONE, DB_CONSTRAINT, DB_BUSY or DB_ERROR. */
enum db_rc db_next(struct db_stmt *st);
int64_t db_int(struct db_stmt *st, int col);
/* NULL for SQL NULL; valid until the next db_next()/db_end(). */
const char *db_text(struct db_stmt *st, int col);
bool db_is_null(struct db_stmt *st, int col);
/* Resets the statement and returns it to the connection's cache. */
void db_end(struct db_stmt *st);

/* Runs a statement that returns no rows; DB_OK or an error code. */
enum db_rc db_exec(struct db *db, const char *sql, const char *fmt, ...);
/* Runs a write whose caller needs to know only that it succeeded (no
 * rows; no constraint told apart; not counted by db_changes or
 * db_total_changes). Inside a db_tx_run callback a backend may queue it
 * and send it with the next statement on db (PostgreSQL: one round trip
 * for several); its failure is then reported as DB_ERROR by that later
 * call, or makes the callback's transaction fail when it returns, so
 * nothing of it is kept. Elsewhere, and on SQLite, it is db_exec. */
enum db_rc db_exec_later(struct db *db, const char *sql, const char *fmt, ...);
/* Runs a statement and reads one integer: the first column of its first
 * row. Returns
 *   DB_ROW   there is a row and its value is not NULL: the value is in *out;
 *   DB_DONE  no row, or a NULL value: *out is 0;
 *   else     the backend failed (logged): *out is 0 and means nothing.
 * "No row" and "failed" are told apart so that no caller can mistake an
 * error for an answer: a check that cannot be made must fail its request
 * (docs/ARCHITECTURE.md, "Fail closed"). */
enum db_rc db_scalar(struct db *db, int64_t *out, const char *sql, const char *fmt, ...);
/* Rows changed by the last write on this connection. */
int64_t db_changes(struct db *db);
/* Rows changed by every write on this connection since it opened. */
int64_t db_total_changes(struct db *db);
/* Runs a script of several statements without parameters (migrations). */
enum db_rc db_script(struct db *db, const char *sql);

/* Loads rows in bulk: sql is a `COPY table (columns) FROM STDIN` and data
 * its rows in COPY's text format (tab-separated, \N for NULL, backslash
 * escapes). PostgreSQL only: DB_ERROR on a backend without it. */
enum db_rc db_copy_in(struct db *db, const char *sql, const char *data, size_t len);
/* Runs sql, a write whose parameters $1..$n each appear once and in order,
 * with n values given as text (v[i] NULL binds NULL; len[i] bytes): each
 * column's type decides what is stored (an integer column stores an
 * integer's text as the integer). For loading rows one by one into SQLite
 * (store copy); DB_ERROR on PostgreSQL, which loads with db_copy_in. */
enum db_rc db_exec_texts(struct db *db, const char *sql, int n, const char *const *v,
			 const size_t *len);
/* Reads rows in bulk: sql is a `COPY (SELECT ...) TO STDOUT` and fn gets
 * each row in COPY's text format (one line, its '\n' included), and
 * returns 0 to go on. DB_OK once every row was read; DB_ERROR when fn
 * stopped or the backend failed. PostgreSQL only, as db_copy_in. */
enum db_rc db_copy_out(struct db *db, const char *sql,
		       int (*fn)(const char *row, size_t len, void *ctx), void *ctx);

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite) so that a read-then-write transaction cannot deadlock. */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
void db_rollback(struct db *db);

/* Runs fn(conn, ctx) in a write transaction and commits it. conn is the
 * connection fn must use (db itself, or one the backend writes through);
 * a backend may run several threads' calls in one transaction, each in a
 * savepoint, so a failing fn undoes only its own changes and every caller
 * is answered only once its changes are committed. fn runs on the calling
 * thread and returns 0 for success (anything else is copied to *fn_rc and
 * its changes are rolled back). Returns DB_OK once the changes are
 * committed; DB_ERROR when fn failed; otherwise the backend's failure
 * (nothing of fn's was kept). */
enum db_rc db_tx_run(struct db *db, int (*fn)(struct db *, void *), void *ctx, int *fn_rc);

/* Tells the store's other processes something when the transaction open
 * on db commits (nothing if it rolls back): text (at most DB_NOTICE_MAX
 * bytes of letters, digits and ",:;-*") reaches every process's listener
 * (store/db_pg.h) after the commit. DB_OK without effect on a backend that
 * serves one process (SQLite); DB_ERROR for text that is not allowed or
 * outside a write transaction. */
#define DB_NOTICE_MAX 7000
enum db_rc db_notice(struct db *db, const char *text);
/* Claiming queue rows across processes. A worker picks the rows it takes
 * with a SELECT inside the write transaction that marks them taken (or
 * applies and deletes them). On PostgreSQL that SELECT ends in FOR UPDATE
 * SKIP LOCKED, so a row another process is claiming is skipped, not waited
 * for nor taken twice; SQLite has no such clause and needs none: its write
 * transaction holds the whole file, and one process owns it (serve.lock).
 * DB_CLAIM(db, sql, of) is sql for db's backend; `of` is "" or " OF alias"
 * (the table to lock when sql joins). Both results are string literals, as
 * db_query() needs. */
#define DB_CLAIM(db, sql, of) (db_claims_rows(db) ? sql " FOR UPDATE" of " SKIP LOCKED" : sql)
bool db_claims_rows(struct db *db);

/* Logs every statement that takes ms or more (-1, the default: none). Set
 * once at start, before any connection is used. */
void db_slow_sql(int ms);
/* True while db is inside a write transaction (it sees uncommitted rows). */
bool db_in_write(struct db *db);

/* The backend's name ("sqlite") and its last error message, for logs. */
const char *db_backend(struct db *db);
const char *db_errmsg(struct db *db);

#endif
