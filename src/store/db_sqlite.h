/* db_sqlite.h - what only the SQLite backend (db_sqlite.c) has, beyond
 * the contract of db.h: its single writer connection and group commit,
 * write-ahead-log checkpoints, the update hook that keeps the row cache
 * true, and its memory counter. Included only by the store files that set
 * these up (store.c, rowcache.c); another backend has none of them. */
#ifndef RAPPORT_DB_SQLITE_H
#define RAPPORT_DB_SQLITE_H

#include "store/db.h"

#include <stddef.h>

/* Group commit. db_tx_run() runs fn(writer, ctx) in a transaction on the
 * connection set by db_set_group() (db itself if none), possibly together
 * with other threads' calls: each runs in a savepoint of one transaction,
 * so a failing fn undoes only its own changes, and all are answered after
 * the one COMMIT. fn must use only the connection it is handed.
 * db_open_writer() opens that connection (a larger page cache);
 * db_set_group() links db to it. */
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

/* Bytes the SQLite library holds now (page caches, statements), for the
 * periodic memory log line. */
int64_t db_memory_used(void);

/* Files. db_copy_file copies the database at src into dst with the online
 * backup API: a consistent snapshot while others keep writing (it restarts
 * when a writer changes a page it has already copied). dst must not exist;
 * it is written beside as dst.tmp, synced and renamed, so a failed copy
 * leaves nothing. db_check_file runs SQLite's integrity check on a file
 * opened read-only. db_open_readonly opens one for queries. */
enum db_rc db_copy_file(const char *src, const char *dst, char *err, size_t errlen);
enum db_rc db_check_file(const char *path, char *err, size_t errlen);
enum db_rc db_open_readonly(const char *path, struct db **out);

#endif
