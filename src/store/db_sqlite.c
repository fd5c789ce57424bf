/* db_sqlite.c - the SQLite backend of db.h. */
#include "store/db.h"
#include "util/log.h"
#include "util/util.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE 1024 /* open addressing on the SQL pointer */

struct db_stmt {
	sqlite3_stmt *stmt;
	const char *sql;
	struct db *db;
	bool locked; /* holds the writer lock until db_end */
	int nparams;
	int param_index[32]; /* sqlite index of "$1".."$32"; 0 when unused */
};

struct db {
	sqlite3 *conn;
	bool writer; /* in a transaction begun with db_begin: holds the writer lock */
	struct db_stmt cache[STMT_CACHE];
};

/* SQLite lets one connection write at a time; a writer that finds the
 * database locked sleeps in its busy handler (up to 100 ms a round)
 * instead of waking when the lock is free. Within this process writers
 * therefore queue on a mutex first, and are handed the lock in order as
 * soon as it is released. The busy timeout still arbitrates between
 * processes. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

/* RAPPORT_SLOW_SQL_MS=N logs every statement step that takes N ms or more
 * (-1, the default, logs nothing). */
static int slow_sql_ms = -1;

enum db_rc db_open(const char *path, bool sync_full, struct db **out)
{
	const char *slow = getenv("RAPPORT_SLOW_SQL_MS");
	if (slow && *slow)
		slow_sql_ms = atoi(slow);
	struct db *db = xcalloc(1, sizeof *db);
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
	/* Checkpoints are not run by whichever commit crosses the threshold
	 * (that request would wait for a copy and fsync of the database):
	 * the background worker runs them (store_checkpoint), and closing
	 * the last connection does too. */
	const char *pragmas = sync_full ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
					  "PRAGMA wal_autocheckpoint=0;"
					  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
					  "PRAGMA cache_size=-16000;"
					: "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
					  "PRAGMA wal_autocheckpoint=0;"
					  "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
					  "PRAGMA cache_size=-16000;";
	char *err = NULL;
	if (sqlite3_exec(db->conn, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		log_error("sqlite: pragmas on %s: %s", path, err ? err : "?");
		sqlite3_free(err);
		sqlite3_close(db->conn);
		free(db);
		return DB_ERROR;
	}
	*out = db;
	return DB_OK;
}

void db_close(struct db *db)
{
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

static struct db_stmt *stmt_get(struct db *db, const char *sql)
{
	size_t h = ((uintptr_t)sql >> 3) % STMT_CACHE;
	for (size_t n = 0; n < STMT_CACHE; n++, h = (h + 1) % STMT_CACHE) {
		struct db_stmt *s = &db->cache[h];
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

static int bind_args(struct db_stmt *s, const char *fmt, va_list ap)
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

static struct db_stmt *vquery(struct db *db, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt *s = stmt_get(db, sql);
	if (!s)
		return NULL;
	if (bind_args(s, fmt, ap)) {
		db_end(s);
		return NULL;
	}
	return s;
}

struct db_stmt *db_query(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = vquery(db, sql, fmt, ap);
	va_end(ap);
	return s;
}

enum db_rc db_next(struct db_stmt *st)
{
	/* A write outside a transaction (autocommit) takes the lock for as
	 * long as the statement runs. */
	if (!st->locked && !st->db->writer && !sqlite3_stmt_readonly(st->stmt) &&
	    sqlite3_get_autocommit(st->db->conn)) {
		pthread_mutex_lock(&writer_lock);
		st->locked = true;
	}
	int64_t t0 = slow_sql_ms >= 0 ? mono_ms() : 0;
	int rc = sqlite3_step(st->stmt);
	if (slow_sql_ms >= 0 && mono_ms() - t0 >= slow_sql_ms)
		log_warn("slow sql: %lld ms in: %.300s", (long long)(mono_ms() - t0), st->sql);
	enum db_rc r = map_rc(rc);
	if (r == DB_ERROR || r == DB_BUSY)
		log_error("sqlite: step: %s in: %s", sqlite3_errmsg(st->db->conn), st->sql);
	return r;
}

int64_t db_int(struct db_stmt *st, int col)
{
	return sqlite3_column_int64(st->stmt, col);
}

const char *db_text(struct db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->stmt, col);
}

bool db_is_null(struct db_stmt *st, int col)
{
	return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

void db_end(struct db_stmt *st)
{
	if (!st)
		return;
	sqlite3_reset(st->stmt);
	sqlite3_clear_bindings(st->stmt);
	if (st->locked) {
		st->locked = false;
		pthread_mutex_unlock(&writer_lock);
	}
}

enum db_rc db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return DB_ERROR;
	enum db_rc rc = db_next(s);
	db_end(s);
	return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

int64_t db_int_query(struct db *db, int64_t dflt, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct db_stmt *s = vquery(db, sql, fmt, ap);
	va_end(ap);
	if (!s)
		return dflt;
	int64_t v = dflt;
	if (db_next(s) == DB_ROW && !db_is_null(s, 0))
		v = db_int(s, 0);
	db_end(s);
	return v;
}

int64_t db_changes(struct db *db)
{
	return sqlite3_changes64(db->conn);
}

enum db_rc db_script(struct db *db, const char *sql)
{
	char *err = NULL;
	int64_t t0 = slow_sql_ms >= 0 ? mono_ms() : 0;
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &err);
	if (slow_sql_ms >= 0 && mono_ms() - t0 >= slow_sql_ms)
		log_warn("slow sql: %lld ms in: %.300s", (long long)(mono_ms() - t0), sql);
	if (rc != SQLITE_OK) {
		log_error("sqlite: script: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
	}
	return map_rc(rc);
}

static void release_writer(struct db *db)
{
	if (db->writer) {
		db->writer = false;
		pthread_mutex_unlock(&writer_lock);
	}
}

enum db_rc db_begin(struct db *db)
{
	pthread_mutex_lock(&writer_lock);
	db->writer = true;
	enum db_rc rc = db_script(db, "BEGIN IMMEDIATE");
	if (rc != DB_OK)
		release_writer(db);
	return rc;
}

enum db_rc db_commit(struct db *db)
{
	enum db_rc rc = db_script(db, "COMMIT");
	if (rc == DB_OK)
		release_writer(db);
	return rc; /* on failure the caller rolls back, which releases */
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
	release_writer(db);
}

const char *db_backend(struct db *db)
{
	(void)db;
	return "sqlite";
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->conn);
}

int64_t db_memory_used(void)
{
	return sqlite3_memory_used();
}

int64_t db_checkpoint(struct db *db, int64_t max_log_bytes)
{
	int log = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
	if (rc != SQLITE_OK)
		return -1;
	int64_t bytes = (int64_t)log * (sqlite3_int64)4096;
	/* A log that is always being read is never rewound by PASSIVE
	 * checkpoints: with readers on every connection it grew by gigabytes
	 * under load. Truncate it once it is large and fully copied. */
	if (bytes > max_log_bytes && done == log) {
		pthread_mutex_lock(&writer_lock);
		rc = sqlite3_wal_checkpoint_v2(db->conn, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		pthread_mutex_unlock(&writer_lock);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("sqlite: truncating checkpoint: %s", sqlite3_errmsg(db->conn));
	}
	return bytes;
}
