/* db_sqlite.c - the SQLite backend of db.h. */
#include "store/db_sqlite.h"
#include "store/db_impl.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STMT_CACHE 1024 /* open addressing on the SQL pointer */
#define SQLITE_HEAP_LIMIT (96 << 20)
#define CHANGED_MAX 4096 /* changed rows remembered per transaction, then "all" */

struct sdb_stmt {
	struct db_stmt base;
	sqlite3_stmt *stmt;
	const char *sql;
	struct sdb *db;
	bool locked; /* holds the writer lock until db_end */
	int nparams;
	int param_index[32]; /* sqlite index of "$1".."$32"; 0 when unused */
};

struct sdb {
	struct db base;
	sqlite3 *conn;
	bool writer; /* in a transaction begun with db_begin: holds the writer lock */
	struct sdb *group; /* the connection db_tx_run runs this one's work on */
	/* Rows of watched tables changed since this connection last ended a
	 * transaction (see db_watch): reported again once it has ended. */
	int nchanged;
	bool changed_overflow;
	struct changed_row {
		int64_t rowid;
		int table;
	} changed[CHANGED_MAX];
	struct sdb_stmt cache[STMT_CACHE];
};

/* db_watch: the tables whose changed rows are reported, and to whom. */
static struct {
	const char *const *tables;
	int n;
	void (*fn)(int table, int64_t rowid);
	void (*all)(void);
} watch;

static void on_update(void *arg, int op, const char *dbname, const char *table,
		      sqlite3_int64 rowid)
{
	(void)op;
	(void)dbname;
	struct sdb *db = arg;
	for (int t = 0; t < watch.n; t++)
		if (!strcmp(table, watch.tables[t])) {
			watch.fn(t, rowid); /* at once, and again when it has ended */
			if (db->nchanged < CHANGED_MAX)
				db->changed[db->nchanged++] = (struct changed_row){rowid, t};
			else
				db->changed_overflow = true;
			return;
		}
}

/* Reports the rows changed by the transaction or statement this
 * connection just ended (committed or not). */
static void report_changes(struct sdb *db)
{
	if (db->changed_overflow && watch.all)
		watch.all();
	for (int i = 0; i < db->nchanged && watch.fn; i++)
		watch.fn(db->changed[i].table, db->changed[i].rowid);
	db->nchanged = 0;
	db->changed_overflow = false;
}

void db_watch(const char *const *tables, int n, void (*fn)(int table, int64_t rowid),
	      void (*all)(void))
{
	watch.tables = tables;
	watch.n = n;
	watch.fn = fn;
	watch.all = all;
}

static bool sq_in_write(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	return db->writer || !sqlite3_get_autocommit(db->conn);
}

/* SQLite lets one connection write at a time; a writer that finds the
 * database locked sleeps in its busy handler (up to 100 ms a round)
 * instead of waking when the lock is free. Within this process writers
 * therefore queue on a mutex first, and are handed the lock in order as
 * soon as it is released. The busy timeout still arbitrates between
 * processes. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
/* Threads waiting for writer_lock: an open group transaction is left open
 * for them to join while there are any. */
static atomic_int writers_queued;
/* Times a request's db_tx_run found the writer busy (background work
 * watches it to give way), and whether this thread is background work. */
static atomic_llong tx_waits;
static _Thread_local bool background;

/* Group commit (db_tx_run): the open transaction, guarded by writer_lock.
 * Each member waits on done_cond, guarded by done_lock, until the COMMIT
 * that carries its changes has returned. */
struct tx_member {
	enum db_rc rc;
	bool done;
	struct tx_member *next;
};
static struct {
	struct sdb *db; /* the connection with the open transaction; NULL if none */
	struct tx_member *members;
	int n;
	int64_t opened_ms;
} group;
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
/* The connection handed to the db_tx_run callback running on this thread:
 * the callback must use no other (its writes would wait for the lock this
 * thread holds, its reads would miss the transaction's changes). */
static _Thread_local struct sdb *tx_db;

static void sq_end(struct db_stmt *st_);
static enum db_rc map_rc(int rc);
static struct sdb_stmt *stmt_get(struct sdb *db, const char *sql);

/* Runs a statement without parameters or rows, timed. */
static int exec_timed(struct sdb *db, const char *sql)
{
	int64_t t0 = db_slow_start();
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
	db_slow_check(t0, sql);
	return rc;
}

/* The same for a transaction's own statements (BEGIN IMMEDIATE, SAVEPOINT,
 * RELEASE, ROLLBACK TO, COMMIT; sql a literal): prepared once per
 * connection, not parsed again for each member of each group. */
static int exec_tx(struct sdb *db, const char *sql)
{
	struct sdb_stmt *s = stmt_get(db, sql);
	if (!s)
		return SQLITE_ERROR;
	int64_t t0 = db_slow_start();
	int rc = sqlite3_step(s->stmt);
	sqlite3_reset(s->stmt);
	db_slow_check(t0, sql);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* A group commits when nobody is waiting to join it, or at these bounds
 * (an answer waits for the members after it). */
#define GROUP_MAX_MEMBERS 64
#define GROUP_MAX_MS 20

/* Ends the open group transaction (writer_lock held): COMMIT, or ROLLBACK
 * when it fails, then every member is told the outcome. */
static void group_commit(void)
{
	struct sdb *db = group.db;
	if (!db)
		return;
	enum db_rc rc = DB_ERROR;
	if (!sqlite3_get_autocommit(db->conn)) {
		rc = map_rc(exec_tx(db, "COMMIT"));
		if (rc != DB_OK) {
			log_error("sqlite: group commit: %s", sqlite3_errmsg(db->conn));
			if (!sqlite3_get_autocommit(db->conn))
				exec_timed(db, "ROLLBACK");
		}
	} else {
		/* SQLite rolled the transaction back itself (an I/O error or
		 * out of memory in a statement): nothing of it is kept. */
		log_error("sqlite: a group transaction was rolled back by an error");
	}
	report_changes(db);
	db->writer = false;
	pthread_mutex_lock(&done_lock);
	for (struct tx_member *m = group.members, *next; m; m = next) {
		next = m->next;
		m->rc = rc;
		m->done = true;
	}
	pthread_cond_broadcast(&done_cond);
	pthread_mutex_unlock(&done_lock);
	group.db = NULL;
	group.members = NULL;
	group.n = 0;
}

/* Takes the writer lock for a write outside db_tx_run, committing an open
 * group first (its transaction holds SQLite's write lock). */
static void writer_take(void)
{
	atomic_fetch_add(&writers_queued, 1);
	pthread_mutex_lock(&writer_lock);
	atomic_fetch_sub(&writers_queued, 1);
	group_commit();
}

static const struct db_ops sqlite_ops;

static enum db_rc sq_open(const char *path, bool sync_full, struct sdb **out)
{
	struct sdb *db = xcalloc(1, sizeof *db);
	db->base.ops = &sqlite_ops;
	int rc = sqlite3_open_v2(path, &db->conn,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite: cannot open %s: %s", path,
			  db->conn ? sqlite3_errmsg(db->conn) : sqlite3_errstr(rc));
		sqlite3_close(db->conn);
		free(db);
		return DB_ERROR;
	}
	sqlite3_busy_timeout(db->conn, 10000);
	sqlite3_extended_result_codes(db->conn, 0);
	sqlite3_update_hook(db->conn, on_update, db);
	/* Page caches together stay near this (each connection may hold up to
	 * its cache_size; past the limit pages are recycled, not added): the
	 * server's memory is bounded however many connections the pool opens. */
	sqlite3_soft_heap_limit64(SQLITE_HEAP_LIMIT);
	/* Checkpoints are not run by whichever commit crosses the threshold
	 * (that request would wait for a copy and fsync of the database):
	 * the background worker runs them (store_checkpoint), and closing
	 * the last connection does too. */
	const char *pragmas = sync_full ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
					  "PRAGMA wal_autocheckpoint=0;"
					  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
					  "PRAGMA cache_size=-6000;"
					: "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
					  "PRAGMA wal_autocheckpoint=0;"
					  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
					  "PRAGMA cache_size=-6000;";
	char *err = NULL;
	int64_t t0 = db_slow_start();
	rc = sqlite3_exec(db->conn, pragmas, NULL, NULL, &err);
	db_slow_check(t0, pragmas);
	if (rc != SQLITE_OK) {
		log_error("sqlite: pragmas on %s: %s", path, err ? err : "?");
		sqlite3_free(err);
		sqlite3_close(db->conn);
		free(db);
		return DB_ERROR;
	}
	*out = db;
	return DB_OK;
}

static void sq_close(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	if (!db)
		return;
	for (int i = 0; i < STMT_CACHE; i++)
		if (db->cache[i].stmt)
			sqlite3_finalize(db->cache[i].stmt);
	sqlite3_close(db->conn);
	free(db);
}

static enum db_rc map_rc(int rc)
{
	switch (rc) {
	case SQLITE_OK: return DB_OK;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_DONE: return DB_DONE;
	case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return DB_BUSY;
	default: return DB_ERROR;
	}
}

static struct sdb_stmt *stmt_get(struct sdb *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	for (size_t n = 0; n < STMT_CACHE; n++, h = (h + 1) % STMT_CACHE) {
		struct sdb_stmt *s = &db->cache[h];
		if (s->sql == sql)
			return s;
		if (s->sql == NULL) {
			if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT,
					       &s->stmt, NULL) != SQLITE_OK) {
				log_error("sqlite: prepare: %s in: %s", sqlite3_errmsg(db->conn), sql);
				s->stmt = NULL;
				return NULL;
			}
			s->sql = sql;
			s->db = db;
			s->base.db = &db->base;
			s->nparams = 0;
			char name[16];
			for (int i = 1; i <= 32; i++) {
				snprintf(name, sizeof name, "$%d", i);
				int idx = sqlite3_bind_parameter_index(s->stmt, name);
				s->param_index[i - 1] = idx;
				if (idx)
					s->nparams = i;
			}
			return s;
		}
	}
	log_error("sqlite: statement cache full");
	return NULL;
}

static int bind_args(struct sdb_stmt *s, const char *fmt, va_list ap)
{
	int n = 0;
	for (const char *f = fmt; f && *f; f++, n++) {
		if (n >= s->nparams) {
			log_error("sqlite: %d arguments for %d parameters in: %s", (int)strlen(fmt),
				  s->nparams, s->sql);
			return -1;
		}
		int idx = s->param_index[n], rc = SQLITE_OK;
		if (!idx) { /* $n unused by this SQL: consume the argument */
			if (*f == 'i')
				(void)va_arg(ap, int64_t);
			else if (*f == 'b')
				(void)va_arg(ap, int);
			else if (*f == 't')
				(void)va_arg(ap, const char *);
			continue;
		}
		switch (*f) {
		case 'i': rc = sqlite3_bind_int64(s->stmt, idx, va_arg(ap, int64_t)); break;
		case 'b': rc = sqlite3_bind_int(s->stmt, idx, va_arg(ap, int) ? 1 : 0); break;
		case 'n': rc = sqlite3_bind_null(s->stmt, idx); break;
		case 't': {
			const char *t = va_arg(ap, const char *);
			rc = t ? sqlite3_bind_text(s->stmt, idx, t, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(s->stmt, idx);
			break;
		}
		default: log_error("sqlite: bad bind format %c", *f); return -1;
		}
		if (rc != SQLITE_OK)
			return -1;
	}
	if (n != s->nparams) {
		log_error("sqlite: %d arguments for %d parameters in: %s", n, s->nparams, s->sql);
		return -1;
	}
	return 0;
}

static struct db_stmt *sq_vquery(struct db *db_, const char *sql, const char *fmt, va_list ap)
{
	struct sdb *db = (struct sdb *)db_;
	if (tx_db && db != tx_db) {
		log_error("sqlite: a transaction callback used another connection for: %s", sql);
		abort();
	}
	struct sdb_stmt *s = stmt_get(db, sql);
	if (!s)
		return NULL;
	if (bind_args(s, fmt, ap)) {
		sq_end(&s->base);
		return NULL;
	}
	return &s->base;
}

static enum db_rc sq_next(struct db_stmt *st_)
{
	struct sdb_stmt *st = (struct sdb_stmt *)st_;
	/* A write outside a transaction (autocommit) takes the lock for as
	 * long as the statement runs. */
	if (!st->locked && !st->db->writer && !sqlite3_stmt_readonly(st->stmt) &&
	    sqlite3_get_autocommit(st->db->conn)) {
		writer_take();
		st->locked = true;
	}
	int64_t t0 = db_slow_start();
	int rc = sqlite3_step(st->stmt);
	db_slow_check(t0, st->sql);
	enum db_rc r = map_rc(rc);
	if (r == DB_ERROR || r == DB_BUSY)
		log_error("sqlite: step: %s in: %s", sqlite3_errmsg(st->db->conn), st->sql);
	return r;
}

/* db_exec_texts: the values bound by position, not by name, so that a row
 * may have more columns than the 32 parameters named ones reach. */
static enum db_rc sq_exec_texts(struct db *db_, const char *sql, int n, const char *const *v,
				const size_t *len)
{
	struct sdb_stmt *s = stmt_get((struct sdb *)db_, sql);
	if (!s)
		return DB_ERROR;
	int rc = sqlite3_bind_parameter_count(s->stmt) == n ? SQLITE_OK : SQLITE_RANGE;
	for (int i = 0; i < n && rc == SQLITE_OK; i++)
		rc = !v[i]		 ? sqlite3_bind_null(s->stmt, i + 1)
		     : len[i] > INT_MAX ? SQLITE_TOOBIG
					: sqlite3_bind_text(s->stmt, i + 1, v[i], (int)len[i],
							    SQLITE_STATIC);
	enum db_rc r = DB_ERROR;
	if (rc != SQLITE_OK)
		log_error("sqlite: bind: %s in: %s", sqlite3_errstr(rc), sql);
	else
		r = sq_next(&s->base);
	sq_end(&s->base);
	return r == DB_DONE || r == DB_ROW ? DB_OK : r;
}

static int64_t sq_int(struct db_stmt *st_, int col)
{
	struct sdb_stmt *st = (struct sdb_stmt *)st_;
	return sqlite3_column_int64(st->stmt, col);
}

static const char *sq_text(struct db_stmt *st_, int col)
{
	struct sdb_stmt *st = (struct sdb_stmt *)st_;
	return (const char *)sqlite3_column_text(st->stmt, col);
}

static bool sq_is_null(struct db_stmt *st_, int col)
{
	struct sdb_stmt *st = (struct sdb_stmt *)st_;
	return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

static void sq_end(struct db_stmt *st_)
{
	struct sdb_stmt *st = (struct sdb_stmt *)st_;
	if (!st)
		return;
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	if (st->locked) {
		st->locked = false;
		report_changes(st->db);
		pthread_mutex_unlock(&writer_lock);
	}
}

static int64_t sq_changes(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	return sqlite3_changes64(db->conn);
}

static int64_t sq_total_changes(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	return sqlite3_total_changes64(db->conn);
}

static enum db_rc sq_script(struct db *db_, const char *sql)
{
	struct sdb *db = (struct sdb *)db_;
	char *err = NULL;
	int64_t t0 = db_slow_start();
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &err);
	db_slow_check(t0, sql);
	if (rc != SQLITE_OK) {
		log_error("sqlite: script: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
	}
	return map_rc(rc);
}

static void release_writer(struct sdb *db)
{
	if (db->writer) {
		db->writer = false;
		pthread_mutex_unlock(&writer_lock);
	}
}

static enum db_rc sq_begin(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	writer_take();
	db->writer = true;
	enum db_rc rc = sq_script(db_, "BEGIN IMMEDIATE");
	if (rc != DB_OK)
		release_writer(db);
	return rc;
}

static enum db_rc sq_commit(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	enum db_rc rc = sq_script(db_, "COMMIT");
	if (rc == DB_OK) {
		report_changes(db);
		release_writer(db);
	}
	return rc; /* on failure the caller rolls back, which releases */
}

static void sq_rollback(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	if (!sqlite3_get_autocommit(db->conn))
		exec_timed(db, "ROLLBACK");
	report_changes(db);
	release_writer(db);
}

static const char *sq_errmsg(struct db *db_)
{
	struct sdb *db = (struct sdb *)db_;
	return sqlite3_errmsg(db->conn);
}

int64_t db_memory_used(void)
{
	return sqlite3_memory_used();
}

/* While the log is rewound, readers still on it are waited for by polling
 * every 100 us (SQLite's own busy handler sleeps 1, 2, 5, 10 ms... while
 * this process's writers queue), for at most a second. */
static int poll_busy(void *arg, int n)
{
	(void)arg;
	if (n >= 10000)
		return 0;
	usleep(100);
	return 1;
}

int64_t db_checkpoint(struct db *db_, int64_t max_log_bytes)
{
	struct sdb *db = (struct sdb *)db_;
	int log = 0, done = 0;
	int64_t t0 = db_slow_start();
	int rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	db_slow_check(t0, "checkpoint (passive)");
	if (rc != SQLITE_OK)
		return -1;
	int64_t bytes = (int64_t)log * (sqlite3_int64)4096;
	/* A log that is always being read is never rewound by PASSIVE
	 * checkpoints: with readers on every connection it grew by gigabytes
	 * under load. Once it is large and fully copied, wait for the readers
	 * still on it (new ones read the database: it is all copied) so the
	 * next commit starts it again from the beginning. The file is reused,
	 * not truncated: its size stays that of the largest log so far, and
	 * truncating it (freeing its cached pages) took tens of ms. */
	if (bytes > max_log_bytes && done == log) {
		/* Commits went on while it copied: copy those too before the
		 * writers are stopped, so fewer pages are copied (and synced)
		 * while they wait. */
		t0 = db_slow_start();
		rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
					       &done);
		db_slow_check(t0, "checkpoint (passive)");
		if (rc != SQLITE_OK)
			return bytes;
		t0 = db_slow_start();
		writer_take();
		sqlite3_busy_handler(db->conn, poll_busy, NULL);
		rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		sqlite3_busy_timeout(db->conn, 10000);
		pthread_mutex_unlock(&writer_lock);
		db_slow_check(t0, "checkpoint (restart: rewinding the log)");
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("sqlite: restarting checkpoint: %s", sqlite3_errmsg(db->conn));
	}
	return bytes;
}

/* ---- group commit ---- */

void db_set_group(struct db *db_, struct db *writer)
{
	struct sdb *db = (struct sdb *)db_;
	db->group = (struct sdb *)writer;
}

int64_t db_tx_waits(void)
{
	return atomic_load(&tx_waits);
}

void db_thread_background(void)
{
	background = true;
}

/* The writer connection's page cache: the pages every write touches (the
 * ends of the status, feed and job tables and their indexes) stay in it,
 * since no other connection writes in between to invalidate it. */
#define WRITER_CACHE_KB 24576

enum db_rc db_sqlite_open(const char *path, bool sync_full, struct db **out)
{
	struct sdb *db = NULL;
	enum db_rc rc = sq_open(path, sync_full, &db);
	*out = db ? &db->base : NULL;
	return rc;
}

enum db_rc db_open_writer(const char *path, bool sync_full, struct db **out_)
{
	struct sdb *w = NULL, **out = &w;
	enum db_rc rc = sq_open(path, sync_full, out);
	*out_ = w ? &w->base : NULL;
	if (rc != DB_OK)
		return rc;
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", WRITER_CACHE_KB);
	return map_rc(exec_timed(*out, pragma));
}

void db_tx_flush(void)
{
	writer_take();
	pthread_mutex_unlock(&writer_lock);
}

static enum db_rc exec_plain(struct sdb *db, const char *sql)
{
	int rc = exec_tx(db, sql);
	if (rc != SQLITE_OK)
		log_error("sqlite: %s: %s", sql, sqlite3_errmsg(db->conn));
	return map_rc(rc);
}

/* Runs fn in a savepoint of the open group transaction (writer_lock held).
 * Returns DB_OK when its changes are part of the group, else fn's failure
 * (in *fn_rc) or the backend's. */
static enum db_rc tx_member_run(struct sdb *w, int (*fn)(struct db *, void *), void *ctx,
				int *fn_rc)
{
	if (!group.db) {
		enum db_rc rc = exec_plain(w, "BEGIN IMMEDIATE");
		if (rc != DB_OK)
			return rc;
		group.db = w;
		w->writer = true;
		group.opened_ms = mono_ms();
	}
	if (exec_plain(w, "SAVEPOINT member") != DB_OK)
		return DB_ERROR;
	tx_db = w;
	*fn_rc = fn(&w->base, ctx);
	tx_db = NULL;
	if (sqlite3_get_autocommit(w->conn))
		return DB_ERROR; /* the whole transaction is gone: group_commit tells the others */
	if (*fn_rc == 0 && exec_plain(w, "RELEASE member") == DB_OK)
		return DB_OK;
	/* Only this member's changes are undone. */
	if (exec_plain(w, "ROLLBACK TO member") != DB_OK || exec_plain(w, "RELEASE member") != DB_OK)
		exec_timed(w, "ROLLBACK");
	return DB_ERROR;
}

static enum db_rc sq_tx_run(struct db *db_, int (*fn)(struct db *, void *), void *ctx, int *fn_rc)
{
	struct sdb *db = (struct sdb *)db_;
	struct sdb *w = db->group ? db->group : db;
	struct tx_member me = {DB_ERROR, false, NULL};
	*fn_rc = 0;
	atomic_fetch_add(&writers_queued, 1);
	if (pthread_mutex_trylock(&writer_lock)) {
		if (!background)
			atomic_fetch_add(&tx_waits, 1);
		pthread_mutex_lock(&writer_lock);
	}
	atomic_fetch_sub(&writers_queued, 1);
	if (group.db && group.db != w)
		group_commit(); /* another store's group */
	if (group.db && sqlite3_get_autocommit(group.db->conn))
		group_commit(); /* lost: its members are told */
	enum db_rc rc = tx_member_run(w, fn, ctx, fn_rc);
	bool member = rc == DB_OK;
	if (member) {
		me.next = group.members;
		group.members = &me;
		group.n++;
	}
	if (group.db && group.n == 0) {
		/* Nobody's changes are in it: end it without a commit. */
		if (!sqlite3_get_autocommit(w->conn))
			exec_timed(w, "ROLLBACK");
		report_changes(w);
		w->writer = false;
		group.db = NULL;
	} else if (group.db && (atomic_load(&writers_queued) == 0 ||
				group.n >= GROUP_MAX_MEMBERS ||
				mono_ms() - group.opened_ms >= GROUP_MAX_MS ||
				sqlite3_get_autocommit(w->conn))) {
		group_commit();
	}
	pthread_mutex_unlock(&writer_lock);
	if (!member)
		return rc;
	pthread_mutex_lock(&done_lock);
	while (!me.done)
		pthread_cond_wait(&done_cond, &done_lock);
	pthread_mutex_unlock(&done_lock);
	return me.rc;
}

enum db_rc db_open_readonly(const char *path, struct db **out_)
{
	struct sdb *db = xcalloc(1, sizeof *db);
	db->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &db->conn, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db->conn);
		free(db);
		*out_ = NULL;
		return DB_ERROR;
	}
	sqlite3_busy_timeout(db->conn, 10000);
	*out_ = &db->base;
	return DB_OK;
}

enum db_rc db_check_file(const char *path, char *err, size_t errlen)
{
	struct db *d = NULL;
	if (db_open_readonly(path, &d) != DB_OK) {
		snprintf(err, errlen, "cannot open %s", path);
		return DB_ERROR;
	}
	struct sdb *db = (struct sdb *)d;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db->conn, "PRAGMA integrity_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	const char *res = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	bool ok = res && !strcmp(res, "ok");
	if (!ok)
		snprintf(err, errlen, "%s is not a sound SQLite database: %s", path,
			 res ? res : sqlite3_errmsg(db->conn));
	sqlite3_finalize(st);
	sq_close(d);
	return ok ? DB_OK : DB_ERROR;
}

/* Steps the backup until done, waiting out writers that hold a lock. */
static int backup_run(sqlite3 *dst, sqlite3 *src)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return sqlite3_errcode(dst);
	int rc;
	do {
		rc = sqlite3_backup_step(b, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			usleep(10000);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum db_rc db_copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", dst) >= (int)sizeof tmp) {
		snprintf(err, errlen, "the path %s is too long", dst);
		return DB_ERROR;
	}
	if (!access(dst, F_OK)) {
		snprintf(err, errlen, "%s exists already; it is not overwritten", dst);
		return DB_ERROR;
	}
	unlink(tmp);
	sqlite3 *from = NULL, *to = NULL;
	int rc = sqlite3_open_v2(src, &from, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(from, 10000);
		rc = sqlite3_open_v2(tmp, &to,
				     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				     NULL);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(to, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = backup_run(to, from);
	/* A copy is one self-contained file, whatever the source's journal. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "cannot copy %s to %s: %s", src, dst,
			 to ? sqlite3_errmsg(to) : from ? sqlite3_errmsg(from) : sqlite3_errstr(rc));
	sqlite3_close(from);
	sqlite3_close(to);
	/* link() refuses an existing name: a copy never replaces a file. */
	if (rc == SQLITE_OK && link(tmp, dst)) {
		snprintf(err, errlen, "cannot write %s: %s", dst, strerror(errno));
		rc = SQLITE_CANTOPEN;
	}
	unlink(tmp);
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

static const struct db_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.vquery = sq_vquery,
	.next = sq_next,
	.col_int = sq_int,
	.col_text = sq_text,
	.col_null = sq_is_null,
	.end = sq_end,
	.changes = sq_changes,
	.total_changes = sq_total_changes,
	.script = sq_script,
	.exec_texts = sq_exec_texts,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.tx_run = sq_tx_run,
	.in_write = sq_in_write,
	.errmsg = sq_errmsg,
};
