/* db_pg.c - the PostgreSQL backend of db.h, with libpq.
 *
 * Each connection prepares a statement the first time its SQL runs there
 * (named by its slot in the connection's cache, keyed like SQLite's by the
 * SQL string's address) and executes it with text parameters; a result is
 * read whole (the store's queries are bounded by LIMITs). Integer
 * parameters are declared bigint, so arithmetic on them never narrows to
 * integer; parameters a statement does not use are declared text, as
 * PostgreSQL must know every parameter's type.
 *
 * Writes are serialised as SQLite serialises them: a transaction (db_begin,
 * db_tx_run) holds this process's writer mutex and, across processes, a
 * transaction-scoped advisory lock taken first thing. The store's rules
 * were written for one writer at a time (read, then write what the read
 * allows); this keeps them true on PostgreSQL, with constraints as the
 * second line. Autocommit single statements take neither. */
#include "store/db_impl.h"
#include "store/db_pg.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/util.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_STMT_CACHE 1024
#define PG_MAX_PARAMS 32
#define INT8OID 20
#define TEXTOID 25
/* All Rapport processes on one database take this lock to write. */
#define WRITER_LOCK_KEY 0x52617070 /* "Rapp" */

struct pg_stmt {
	struct db_stmt base;
	const char *sql; /* the cache key */
	int slot;        /* its index in the cache: the prepared name */
	bool prepared;
	int nparams;               /* highest $n the SQL uses */
	bool used[PG_MAX_PARAMS];  /* whether $n appears */
	char types[PG_MAX_PARAMS]; /* the fmt letters it was prepared with */
	const char *values[PG_MAX_PARAMS];
	char ints[PG_MAX_PARAMS][24];
	int nbound;
	PGresult *res;
	int row, nrows;
	bool ran;
};

struct pgdb {
	struct db base;
	PGconn *conn;
	bool in_tx;    /* between BEGIN and COMMIT/ROLLBACK */
	bool writer;   /* holds writer_lock */
	int64_t changes, total_changes;
	struct buf notices; /* NOTIFY statements sent with the COMMIT */
	int pid;            /* the server process serving this connection */
	char err[512];
	struct pg_stmt *cache[PG_STMT_CACHE];
};

static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct db_ops pg_ops;

/* ---- this process's connections, told apart from others' by the
 * backend pid a notification carries (db_pg_own_backend) ---- */
#define OWN_MAX 256
static struct {
	pthread_mutex_t lock;
	int pid[OWN_MAX];
	int n;
} own = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void own_add(int pid)
{
	pthread_mutex_lock(&own.lock);
	if (own.n < OWN_MAX)
		own.pid[own.n++] = pid;
	else
		log_warn("postgresql: more than %d connections; streams may repeat events", OWN_MAX);
	pthread_mutex_unlock(&own.lock);
}

static void own_remove(int pid)
{
	pthread_mutex_lock(&own.lock);
	for (int i = 0; i < own.n; i++)
		if (own.pid[i] == pid) {
			own.pid[i] = own.pid[--own.n];
			break;
		}
	pthread_mutex_unlock(&own.lock);
}

bool db_pg_own_backend(int pid)
{
	bool found = false;
	pthread_mutex_lock(&own.lock);
	for (int i = 0; i < own.n && !found; i++)
		found = own.pid[i] == pid;
	pthread_mutex_unlock(&own.lock);
	return found;
}

static void set_err(struct pgdb *db, const char *what, const PGresult *res)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
	snprintf(db->err, sizeof db->err, "%s", msg && *msg ? msg : what);
	size_t n = strlen(db->err);
	while (n && (db->err[n - 1] == '\n' || db->err[n - 1] == ' '))
		db->err[--n] = '\0';
}

/* SQLSTATE classes: 23 integrity constraints; 40001 serialization failure,
 * 40P01 deadlock, 55P03 lock not available. */
static enum db_rc map_state(const PGresult *res)
{
	const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (st && !strncmp(st, "23", 2))
		return DB_CONSTRAINT;
	if (st && (!strcmp(st, "40001") || !strcmp(st, "40P01") || !strcmp(st, "55P03")))
		return DB_BUSY;
	return DB_ERROR;
}

/* Runs a statement without parameters (a script, BEGIN, COMMIT). */
static enum db_rc run_plain(struct pgdb *db, const char *sql, bool log_failure)
{
	int64_t t0 = db_slow_start();
	PGresult *res = PQexec(db->conn, sql);
	db_slow_check(t0, sql);
	ExecStatusType s = PQresultStatus(res);
	enum db_rc rc = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY
				 ? DB_OK
				 : map_state(res);
	if (rc != DB_OK) {
		set_err(db, "failed", res);
		if (log_failure)
			log_error("postgresql: %s in: %.300s", db->err, sql);
	}
	PQclear(res);
	return rc;
}

enum db_rc db_pg_open(const char *url, struct db **out)
{
	struct pgdb *db = xcalloc(1, sizeof *db);
	db->base.ops = &pg_ops;
	*out = NULL;
	db->conn = PQconnectdb(url);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		/* The URL may hold a password: it is never logged. */
		log_error("postgresql: cannot connect: %s", PQerrorMessage(db->conn));
		PQfinish(db->conn);
		free(db);
		return DB_ERROR;
	}
	/* An acknowledged write is durable; times are the store's, in ms. No
	 * JIT: every statement here reads a few rows, and a plan whose cost
	 * is overestimated was compiled for 100 ms or more on each of its
	 * first executions (the public timeline's, before it was fixed). */
	if (run_plain(db, "SET synchronous_commit = on; SET client_min_messages = warning;"
			  "SET TIME ZONE 'UTC'; SET jit = off", true) != DB_OK) {
		PQfinish(db->conn);
		free(db);
		return DB_ERROR;
	}
	db->pid = PQbackendPID(db->conn);
	own_add(db->pid);
	buf_init(&db->notices, 1 << 20);
	*out = &db->base;
	return DB_OK;
}

static void pg_close(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	own_remove(db->pid);
	buf_free(&db->notices);
	for (int i = 0; i < PG_STMT_CACHE; i++)
		if (db->cache[i]) {
			PQclear(db->cache[i]->res);
			free(db->cache[i]);
		}
	if (db->writer)
		pthread_mutex_unlock(&writer_lock);
	PQfinish(db->conn);
	free(db);
}

/* Which $n the SQL uses, outside quoted strings and identifiers. */
static int scan_params(const char *sql, bool used[PG_MAX_PARAMS])
{
	int max = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			continue;
		}
		if (*p != '$' || p[1] < '1' || p[1] > '9')
			continue;
		int n = (int)strtol(p + 1, NULL, 10);
		if (n >= 1 && n <= PG_MAX_PARAMS) {
			used[n - 1] = true;
			if (n > max)
				max = n;
		}
	}
	return max;
}

static struct pg_stmt *stmt_get(struct pgdb *db, const char *sql, int *slot)
{
	size_t h = ((uintptr_t)sql >> 3) % PG_STMT_CACHE;
	for (size_t n = 0; n < PG_STMT_CACHE; n++, h = (h + 1) % PG_STMT_CACHE) {
		struct pg_stmt *s = db->cache[h];
		if (s && s->sql == sql) {
			*slot = (int)h;
			return s;
		}
		if (!s) {
			s = xcalloc(1, sizeof *s);
			s->sql = sql;
			s->slot = (int)h;
			s->base.db = &db->base;
			s->nparams = scan_params(sql, s->used);
			db->cache[h] = s;
			*slot = (int)h;
			return s;
		}
	}
	log_error("postgresql: statement cache full");
	return NULL;
}

static int prepare(struct pgdb *db, struct pg_stmt *s, int slot, const char *fmt)
{
	Oid types[PG_MAX_PARAMS] = {0};
	int n = (int)strlen(fmt);
	for (int i = 0; i < n && i < PG_MAX_PARAMS; i++) {
		s->types[i] = fmt[i];
		types[i] = !s->used[i] ? TEXTOID : fmt[i] == 'i' ? INT8OID : 0;
	}
	char name[16];
	snprintf(name, sizeof name, "r%d", slot);
	int64_t t0 = db_slow_start();
	PGresult *res = PQprepare(db->conn, name, s->sql, n, types);
	db_slow_check(t0, "prepare");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok) {
		set_err(db, "prepare failed", res);
		log_error("postgresql: prepare: %s in: %s", db->err, s->sql);
	}
	PQclear(res);
	s->prepared = ok;
	return ok ? 0 : -1;
}

static int bind_args(struct pg_stmt *s, const char *fmt, va_list ap)
{
	int n = 0;
	for (const char *f = fmt; *f; f++, n++) {
		if (n >= PG_MAX_PARAMS || n >= s->nparams) {
			log_error("postgresql: %d arguments for %d parameters in: %s",
				  (int)strlen(fmt), s->nparams, s->sql);
			return -1;
		}
		switch (*f) {
		case 'i':
			snprintf(s->ints[n], sizeof s->ints[n], "%lld",
				 (long long)va_arg(ap, int64_t));
			s->values[n] = s->ints[n];
			break;
		case 'b': s->values[n] = va_arg(ap, int) ? "1" : "0"; break;
		case 'n': s->values[n] = NULL; break;
		case 't': s->values[n] = va_arg(ap, const char *); break;
		default: log_error("postgresql: bad bind format %c", *f); return -1;
		}
	}
	if (n != s->nparams) {
		log_error("postgresql: %d arguments for %d parameters in: %s", n, s->nparams,
			  s->sql);
		return -1;
	}
	s->nbound = n;
	return 0;
}

static struct db_stmt *pg_vquery(struct db *d, const char *sql, const char *fmt, va_list ap)
{
	struct pgdb *db = (struct pgdb *)d;
	int slot;
	struct pg_stmt *s = stmt_get(db, sql, &slot);
	if (!s)
		return NULL;
	if (!s->prepared && prepare(db, s, slot, fmt ? fmt : ""))
		return NULL;
	if (bind_args(s, fmt ? fmt : "", ap))
		return NULL;
	s->ran = false;
	s->row = -1;
	return &s->base;
}

static enum db_rc pg_next(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pgdb *db = (struct pgdb *)st->db;
	if (!s->ran) {
		char name[16];
		snprintf(name, sizeof name, "r%d", s->slot);
		int64_t t0 = db_slow_start();
		PQclear(s->res);
		s->res = PQexecPrepared(db->conn, name, s->nbound, s->values, NULL, NULL, 0);
		db_slow_check(t0, s->sql);
		s->ran = true;
		ExecStatusType rs = PQresultStatus(s->res);
		if (rs == PGRES_COMMAND_OK) {
			db->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
			db->total_changes += db->changes;
			if (!db->in_tx && db->changes)
				db_pg_unsynced(); /* an autocommit write */
			return DB_DONE;
		}
		if (rs != PGRES_TUPLES_OK) {
			enum db_rc rc = map_state(s->res);
			set_err(db, "failed", s->res);
			if (rc != DB_CONSTRAINT)
				log_error("postgresql: %s in: %s", db->err, s->sql);
			return rc;
		}
		/* INSERT ... RETURNING and the like change rows and return them. */
		const char *ct = PQcmdTuples(s->res);
		if (*ct && strncmp(PQcmdStatus(s->res), "SELECT", 6)) {
			db->changes = strtoll(ct, NULL, 10);
			db->total_changes += db->changes;
			if (!db->in_tx && db->changes)
				db_pg_unsynced();
		}
		s->nrows = PQntuples(s->res);
		s->row = -1;
	}
	return ++s->row < s->nrows ? DB_ROW : DB_DONE;
}

static int64_t pg_int(struct db_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && !v[1])
		return 1; /* a boolean */
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_text(struct db_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col))
		return NULL;
	return PQgetvalue(s->res, s->row, col);
}

static bool pg_is_null(struct db_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	return s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col);
}

static void pg_end(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	PQclear(s->res);
	s->res = NULL;
	s->ran = false;
	s->nrows = 0;
}

static int64_t pg_changes(struct db *d)
{
	return ((struct pgdb *)d)->changes;
}

static int64_t pg_total_changes(struct db *d)
{
	return ((struct pgdb *)d)->total_changes;
}

static enum db_rc pg_script(struct db *d, const char *sql)
{
	return run_plain((struct pgdb *)d, sql, true);
}

static void release_writer(struct pgdb *db)
{
	if (db->writer) {
		db->writer = false;
		pthread_mutex_unlock(&writer_lock);
	}
}

static enum db_rc pg_begin(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	pthread_mutex_lock(&writer_lock);
	db->writer = true;
	char sql[96];
	snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d)", WRITER_LOCK_KEY);
	enum db_rc rc = run_plain(db, sql, true);
	if (rc != DB_OK) {
		run_plain(db, "ROLLBACK", false);
		release_writer(db);
		return rc;
	}
	db->in_tx = true;
	return DB_OK;
}

static void notices_reset(struct pgdb *db)
{
	buf_free(&db->notices);
	buf_init(&db->notices, 1 << 20);
}

/* The notices go in the COMMIT's round trip: "NOTIFY ...; COMMIT". */
static enum db_rc pg_commit(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	enum db_rc rc;
	if (db->notices.len) {
		if (buf_puts(&db->notices, "COMMIT"))
			return DB_ERROR;
		rc = run_plain(db, db->notices.data, true);
	} else {
		rc = run_plain(db, "COMMIT", true);
	}
	if (rc == DB_OK) {
		notices_reset(db);
		db->in_tx = false;
		release_writer(db);
		db_pg_unsynced(); /* this thread's next cached read waits for its own notices */
	}
	return rc; /* on failure the caller rolls back, which releases */
}

static enum db_rc pg_notice(struct db *d, const char *text)
{
	struct pgdb *db = (struct pgdb *)d;
	size_t n = strlen(text);
	if (!db->in_tx || !n || n > DB_NOTICE_MAX || strspn(text, "abcdefghijklmnopqrstuvwxyz"
					     "0123456789,:;-*") != n) {
		log_error("postgresql: notice refused: %.80s", text);
		return DB_ERROR;
	}
	if (buf_printf(&db->notices, "NOTIFY rapport, '%s';", text)) {
		log_error("postgresql: the transaction's notices pass %zu bytes", db->notices.cap);
		return DB_ERROR;
	}
	return DB_OK;
}

static void pg_rollback(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	notices_reset(db);
	if (db->in_tx || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		run_plain(db, "ROLLBACK", false);
	db->in_tx = false;
	release_writer(db);
}

static enum db_rc pg_tx_run(struct db *d, int (*fn)(struct db *, void *), void *ctx, int *fn_rc)
{
	*fn_rc = 0;
	enum db_rc rc = pg_begin(d);
	if (rc != DB_OK)
		return rc;
	*fn_rc = fn(d, ctx);
	if (*fn_rc) {
		pg_rollback(d);
		return DB_ERROR;
	}
	rc = pg_commit(d);
	if (rc != DB_OK)
		pg_rollback(d);
	return rc;
}

static bool pg_in_write(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	return db->in_tx;
}

static const char *pg_errmsg(struct db *d)
{
	return ((struct pgdb *)d)->err;
}

static enum db_rc pg_copy_in(struct db *d, const char *sql, const char *data, size_t len)
{
	struct pgdb *db = (struct pgdb *)d;
	int64_t t0 = db_slow_start();
	PGresult *res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		set_err(db, "COPY failed", res);
		log_error("postgresql: %s in: %s", db->err, sql);
		PQclear(res);
		return DB_ERROR;
	}
	PQclear(res);
	/* libpq takes the data in pieces of at most INT_MAX bytes. */
	bool ok = true;
	for (size_t off = 0; ok && off < len;) {
		size_t n = len - off > (1u << 30) ? (1u << 30) : len - off;
		ok = PQputCopyData(db->conn, data + off, (int)n) == 1;
		off += n;
	}
	ok = PQputCopyEnd(db->conn, ok ? NULL : "the client failed to send the rows") == 1 && ok;
	enum db_rc rc = DB_OK;
	while ((res = PQgetResult(db->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = map_state(res);
			set_err(db, "COPY failed", res);
			log_error("postgresql: %s in: %s", db->err, sql);
		} else {
			db->changes = strtoll(PQcmdTuples(res), NULL, 10);
			db->total_changes += db->changes;
		}
		PQclear(res);
	}
	db_slow_check(t0, sql);
	return ok ? rc : DB_ERROR;
}

/* The rows of a COPY ... TO STDOUT, one at a time; when fn stops early the
 * rest is read and dropped, so the connection is ready for what follows. */
static enum db_rc pg_copy_out(struct db *d, const char *sql,
			      int (*fn)(const char *row, size_t len, void *ctx), void *ctx)
{
	struct pgdb *db = (struct pgdb *)d;
	int64_t t0 = db_slow_start();
	PGresult *res = PQexec(db->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT) {
		set_err(db, "COPY failed", res);
		log_error("postgresql: %s in: %s", db->err, sql);
		PQclear(res);
		return DB_ERROR;
	}
	PQclear(res);
	bool stopped = false;
	char *row;
	int n;
	while ((n = PQgetCopyData(db->conn, &row, 0)) > 0) {
		if (!stopped && fn(row, (size_t)n, ctx))
			stopped = true;
		PQfreemem(row);
	}
	enum db_rc rc = n == -1 ? DB_OK : DB_ERROR;
	while ((res = PQgetResult(db->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			rc = map_state(res);
			set_err(db, "COPY failed", res);
			log_error("postgresql: %s in: %s", db->err, sql);
		}
		PQclear(res);
	}
	db_slow_check(t0, sql);
	return stopped ? DB_ERROR : rc;
}

static const struct db_ops pg_ops = {
	.copy_in = pg_copy_in,
	.copy_out = pg_copy_out,
	.notice = pg_notice,
	.name = "postgresql",
	.close = pg_close,
	.vquery = pg_vquery,
	.next = pg_next,
	.col_int = pg_int,
	.col_text = pg_text,
	.col_null = pg_is_null,
	.end = pg_end,
	.changes = pg_changes,
	.total_changes = pg_total_changes,
	.script = pg_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.tx_run = pg_tx_run,
	.in_write = pg_in_write,
	.errmsg = pg_errmsg,
};
