/* db_impl.h - what a backend of db.h provides: the operations behind the
 * public functions (db.c dispatches on the connection's ops), and the
 * slow-statement log they share. Included only by db.c and the backends
 * (db_sqlite.c, db_pg.c). */
#ifndef RAPPORT_DB_IMPL_H
#define RAPPORT_DB_IMPL_H

#include "store/db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>

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

/* ---- group commit (db_group.c), shared by the backends ----
 * A backend's writes go one transaction at a time through its group's
 * writer mutex. db_tx_run (db_group_run) runs each caller's callback in a
 * savepoint of one transaction on a writer connection; the group commits
 * when nobody waits to join it, at DB_GROUP_MAX_MEMBERS members or after
 * DB_GROUP_MAX_MS, or when the backend says it must end; every member is
 * answered only once the COMMIT carrying its changes has returned. What a
 * backend does at each step is in its db_group_ops; each is called with
 * the writer mutex held. */
#define DB_GROUP_MAX_MEMBERS 64
#define DB_GROUP_MAX_MS 20

struct db_group_ops {
	/* Runs fn in a savepoint of the open group transaction on w, first
	 * beginning it when open is set (the group has just been opened on
	 * w). DB_OK when fn's changes are part of the group; else fn's failure
	 * (in *fn_rc, its changes undone) or the backend's. A backend may
	 * hold the member's last writes back (settle sends them, or the
	 * commit does). */
	enum db_rc (*member)(struct db *w, bool open, int (*fn)(struct db *, void *), void *ctx,
			     int *fn_rc);
	/* Sends the writes member held back, after it returned DB_OK, when
	 * the group goes on (NULL: none are ever held). DB_OK; else the
	 * member's changes are undone, as member's failure would. */
	enum db_rc (*settle)(struct db *w);
	/* Commits the group's transaction on w (rolls it back when that
	 * fails) and returns the outcome its members are told. */
	enum db_rc (*commit)(struct db *w);
	/* Ends the transaction of a group nobody's changes are in, without a
	 * commit (it may not have begun). */
	void (*discard)(struct db *w);
	/* Whether the group on w must end now: its transaction was lost, or
	 * it is full in the backend's own terms. */
	bool (*must_end)(struct db *w);
};

struct db_group_member;

struct db_group {
	const struct db_group_ops *ops;
	pthread_mutex_t writer_lock; /* held by the one transaction writing */
	/* Threads waiting for writer_lock: an open group is left open for
	 * them to join while there are any. */
	atomic_int writers_queued;
	/* Times a db_tx_run of a thread that is not background work found the
	 * writer busy (db_tx_waits). */
	atomic_llong tx_waits;
	/* The open group, guarded by writer_lock: its connection (NULL if
	 * none), its members, since when it is open. */
	struct db *db;
	struct db_group_member *members;
	int n;
	int64_t opened_ms;
	/* Each member waits on done_cond (done_lock) until it is told. */
	pthread_mutex_t done_lock;
	pthread_cond_t done_cond;
};

#define DB_GROUP_INIT(o)                                                                   \
	{.ops = (o), .writer_lock = PTHREAD_MUTEX_INITIALIZER,                             \
	 .done_lock = PTHREAD_MUTEX_INITIALIZER, .done_cond = PTHREAD_COND_INITIALIZER}

/* db_tx_run on a backend's group: fn runs on the writer w (db.h). */
enum db_rc db_group_run(struct db_group *g, struct db *w, int (*fn)(struct db *, void *),
			void *ctx, int *fn_rc);
/* Takes the writer mutex for a write outside db_tx_run, committing an
 * open group first; db_group_release gives it back. */
void db_group_take(struct db_group *g);
void db_group_release(struct db_group *g);
/* Commits an open group (before its writer is closed). */
void db_group_flush(struct db_group *g);
/* The calling thread is background work: its waits are not counted. */
void db_group_background(void);

#endif
