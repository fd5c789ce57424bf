/* db.h - the backend-neutral SQL connection used by the store.
 *
 * SQL handed to db_query() is portable: numbered `$1`, `$2` placeholders,
 * which both SQLite and PostgreSQL accept, and no backend-only syntax
 * except in migrations that are kept per backend. Only files under store/
 * include this header: the layers above speak in structs.
 *
 * A connection belongs to one thread at a time. Prepared statements are
 * cached per connection, keyed by the SQL string's address, so SQL must be
 * a string literal (or otherwise live as long as the process). */
#ifndef RAPPORT_DB_H
#define RAPPORT_DB_H

#include <stdbool.h>
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

/* Opens (creating if needed) the database file at path. */
enum db_rc db_open(const char *path, bool sync_full, struct db **out);
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

/* Transactions. db_begin() takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite) so that a read-then-write transaction cannot deadlock. */
enum db_rc db_begin(struct db *db);
enum db_rc db_commit(struct db *db);
void db_rollback(struct db *db);

/* Group commit. db_tx_run() runs fn(writer, ctx) in a transaction on the
 * connection set by db_set_group() (db itself if none), possibly together
 * with other threads' calls: each runs in a savepoint of one transaction,
 * so a failing fn undoes only its own changes, and all are answered after
 * the one COMMIT. fn runs on the calling thread, must use only the
 * connection it is handed, and returns 0 for success (anything else is
 * copied to *fn_rc and its changes are rolled back). Returns DB_OK once the
 * changes are committed; DB_ERROR when fn failed; otherwise the backend's
 * failure (nothing of fn's was kept). */
enum db_rc db_tx_run(struct db *db, int (*fn)(struct db *, void *), void *ctx, int *fn_rc);
/* Opens the connection that carries db_tx_run's transactions (a larger
 * page cache), and links db to it. */
enum db_rc db_open_writer(const char *path, bool sync_full, struct db **out);
void db_set_group(struct db *db, struct db *writer);
/* How many times a db_tx_run call found the writer busy, not counting
 * those of threads that called db_thread_background() (background work
 * watches it to give way to requests). */
int64_t db_tx_waits(void);
void db_thread_background(void);
/* Commits an open group transaction (before the writer is closed). */
void db_tx_flush(void);

/* Copies committed log pages into the database without blocking anyone;
 * when the log has grown past max_log_bytes and is fully copied, also
 * makes the next commit rewind it to its start (waiting briefly for the
 * readers still on it, with this process's writers queued). Returns the
 * log's size before, in bytes. */
int64_t db_checkpoint(struct db *db, int64_t max_log_bytes);

/* Watches tables: fn(index in tables, rowid) is called for every row of
 * one of them that a statement inserts, updates or deletes (rowid tables
 * only), when the statement runs and again once its transaction has
 * committed or rolled back, before anyone waiting for that commit is
 * answered. all() stands for every row when there were too many to
 * remember. Set once at start, before any connection is used. */
void db_watch(const char *const *tables, int n, void (*fn)(int table, int64_t rowid),
	      void (*all)(void));
/* True while db is inside a write transaction (it sees uncommitted rows). */
bool db_in_write(struct db *db);

/* Bytes the backend library holds now (page caches, statements), for the
 * periodic memory log line. */
int64_t db_memory_used(void);

/* The backend's name ("sqlite") and its last error message, for logs. */
const char *db_backend(struct db *db);
const char *db_errmsg(struct db *db);

#endif
