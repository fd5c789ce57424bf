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
 * second line. Autocommit single statements take neither.
 *
 * db_tx_run commits in groups (db_group.c), as on SQLite: the
 * callbacks of concurrent callers run one after another, each in a
 * SAVEPOINT of one transaction on the writer connection (db_pg_set_group),
 * which holds the advisory lock for the whole group; a failing callback
 * rolls back only its savepoint (and drops its notices); the group commits
 * when nobody waits to join it, or at DB_GROUP_MAX_MEMBERS or DB_GROUP_MAX_MS,
 * with every member's notices in the COMMIT's round trip; each member is
 * answered only after that COMMIT has returned. One WAL flush and one
 * advisory lock serve the whole group. */
#include "store/db_impl.h"
#include "store/db_pg.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/util.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_STMT_CACHE 1024
#define PG_MAX_PARAMS 32
#define LATER_MAX 16
#define INT8OID 20
#define TEXTOID 25
/* All Rapport processes on one database take this lock to write. */
#define WRITER_LOCK_KEY 1382117488 /* 0x52617070, "Rapp" */

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
	bool broken;   /* the session's state is lost (a failed pipeline): made again */
	bool connecting; /* conn_ready is making it again */
	char *url;       /* to connect again (conn_ready) */
	bool writer;   /* holds the group's writer mutex */
	int64_t changes, total_changes;
	struct buf notices; /* NOTIFY statements sent with the COMMIT */
	int pid;            /* the server process serving this connection */
	struct pgdb *group; /* the connection db_tx_run runs this one's work on */
	/* Commands sent ahead of the next statement, in its round trip (a
	 * group's BEGIN and lock, a member's SAVEPOINT): see run_plain and
	 * exec_pending. */
	const char *pending[3];
	int npending;
	/* Writes db_exec_later queued, sent with the next round trip. */
	struct later {
		const char *sql; /* for the slow-statement log */
		int slot, n;
		const char *values[PG_MAX_PARAMS];
		char *copy; /* the values' text, one block */
	} later[LATER_MAX];
	int nlater;
	size_t member_notices; /* the notices' length before the running member */
	char err[512];
	struct pg_stmt *cache[PG_STMT_CACHE];
};

static const struct db_ops pg_ops;
static const struct db_group_ops pg_group_ops;
/* Group commit and the writer mutex (db_group.c). */
static struct db_group group = DB_GROUP_INIT(&pg_group_ops);
/* The connection handed to the db_tx_run callback running on this thread:
 * the callback must use no other (its reads would miss the transaction's
 * changes, its writes would wait for the lock its own group holds). */
static _Thread_local struct pgdb *tx_db;
static _Thread_local int64_t round_trips; /* db_pg_round_trips */

int64_t db_pg_round_trips(void)
{
	return round_trips;
}


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

#define STR_(x) #x
#define STR(x) STR_(x)
static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_LOCK[] = "SELECT pg_advisory_xact_lock(" STR(WRITER_LOCK_KEY) ")";
static const char SQL_SAVEPOINT[] = "SAVEPOINT member";

static enum db_rc flush_pending(struct pgdb *db);
static enum db_rc conn_ready(struct pgdb *db);
static void later_free(struct pgdb *db);
static void notices_reset(struct pgdb *db);

/* The pending commands and then sql, as one simple query; NULL (logged)
 * if that is too long. */
static char *with_pending(struct pgdb *db, const char *sql)
{
	struct buf b;
	buf_init(&b, 1 << 21);
	int bad = 0;
	for (int i = 0; i < db->npending; i++)
		bad |= buf_printf(&b, "%s;", db->pending[i]);
	bad |= buf_puts(&b, sql);
	db->npending = 0;
	if (bad) {
		log_error("postgresql: a statement of %zu bytes is too long", strlen(sql));
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* Runs a statement without parameters (a script, BEGIN, COMMIT), after
 * the queued writes and with the pending commands, in the same round
 * trip. */
static enum db_rc run_plain(struct pgdb *db, const char *sql, bool log_failure)
{
	if (conn_ready(db) != DB_OK)
		return DB_ERROR;
	if (db->nlater && flush_pending(db) != DB_OK)
		return DB_ERROR;
	char *all = NULL;
	if (db->npending && !(all = with_pending(db, sql)))
		return DB_ERROR;
	int64_t t0 = db_slow_start();
	round_trips++;
	PGresult *res = PQexec(db->conn, all ? all : sql);
	db_slow_check(t0, all ? all : sql);
	free(all);
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

/* A new session's settings. An acknowledged write is durable; times are
 * the store's, in ms. No JIT: every statement here reads a few rows, and a
 * plan whose cost is overestimated was compiled for 100 ms or more on each
 * of its first executions (the public timeline's, before it was fixed). */
static enum db_rc session_start(struct pgdb *db)
{
	if (PQstatus(db->conn) != CONNECTION_OK) {
		/* The URL may hold a password: it is never logged. */
		set_err(db, "cannot connect", NULL);
		log_error("postgresql: cannot connect: %s", db->err);
		return DB_ERROR;
	}
	enum db_rc rc = run_plain(db, "SET synchronous_commit = on; SET client_min_messages ="
				      " warning; SET TIME ZONE 'UTC'; SET jit = off", true);
	if (rc == DB_OK) {
		db->pid = PQbackendPID(db->conn);
		own_add(db->pid);
	}
	return rc;
}

enum db_rc db_pg_open(const char *url, struct db **out)
{
	struct pgdb *db = xcalloc(1, sizeof *db);
	db->base.ops = &pg_ops;
	*out = NULL;
	db->conn = PQconnectdb(url);
	if (session_start(db) != DB_OK) {
		PQfinish(db->conn);
		free(db);
		return DB_ERROR;
	}
	db->url = xstrdup(url);
	buf_init(&db->notices, 1 << 20);
	*out = &db->base;
	return DB_OK;
}

/* ---- a lost connection is made again ----
 * A backend that is terminated (pg_terminate_backend, a restart of the
 * server) says so and closes its socket: an idle connection whose socket
 * is readable has been lost, and one whose last use failed knows it. Such a
 * connection is made again before it starts new work, outside any
 * transaction; a transaction it was in has failed with it (its caller got
 * the error, nothing of it was kept), and work already under way is not
 * repeated. */
static bool conn_lost(struct pgdb *db)
{
	if (db->broken || PQstatus(db->conn) != CONNECTION_OK)
		return true;
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		return false; /* a transaction begun by a script: its statements tell */
	/* Nothing is sent unasked to a connection that does not LISTEN, but
	 * the message and the end of a backend that is going away. */
	struct pollfd p = {PQsocket(db->conn), POLLIN, 0};
	if (poll(&p, 1, 0) <= 0)
		return false;
	PQconsumeInput(db->conn);
	return true;
}

/* Called before new work starts on db (not inside a transaction it holds
 * open): DB_OK when the connection is usable, made again if it was lost;
 * DB_ERROR (db->err says why) when it cannot be made again now; the next
 * call tries again. */
static enum db_rc conn_ready(struct pgdb *db)
{
	if (db->in_tx || db->connecting || !db->url || !conn_lost(db))
		return DB_OK;
	if (db->broken)
		snprintf(db->err, sizeof db->err, "its state is unknown");
	else
		set_err(db, "the server ended it", NULL);
	log_warn("postgresql: a connection was lost (%s); connecting again", db->err);
	own_remove(db->pid);
	db->pid = 0;
	db->npending = 0;
	later_free(db);
	notices_reset(db);
	for (int i = 0; i < PG_STMT_CACHE; i++)
		if (db->cache[i])
			db->cache[i]->prepared = false; /* prepared in the lost session */
	PQfinish(db->conn); /* a new one: nothing of the old session's state is kept */
	db->conn = PQconnectdb(db->url);
	db->connecting = true;
	db->broken = session_start(db) != DB_OK;
	db->connecting = false;
	return db->broken ? DB_ERROR : DB_OK;
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
		db_group_release(&group);
	PQfinish(db->conn);
	free(db->url);
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
	round_trips++;
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
	if (tx_db && db != tx_db) {
		log_error("postgresql: a transaction callback used another connection for: %s",
			  sql);
		abort();
	}
	int slot;
	struct pg_stmt *s = stmt_get(db, sql, &slot);
	if (!s || conn_ready(db) != DB_OK)
		return NULL;
	if (!s->prepared && prepare(db, s, slot, fmt ? fmt : ""))
		return NULL;
	if (bind_args(s, fmt ? fmt : "", ap))
		return NULL;
	s->ran = false;
	s->row = -1;
	return &s->base;
}

/* Reads every result of a query sent in pipeline mode: keeps the first in
 * *keep (when it is NULL and wanted), frees the others; *bad gets the
 * first failure of a pending command. */
static void pipeline_read(PGconn *c, bool statement, PGresult **keep, PGresult **bad)
{
	PGresult *r;
	while ((r = PQgetResult(c))) {
		ExecStatusType st = PQresultStatus(r);
		if (statement && !*keep)
			*keep = r;
		else if (!statement && !*bad && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
			*bad = r;
		else
			PQclear(r);
	}
}

static void later_free(struct pgdb *db)
{
	for (int i = 0; i < db->nlater; i++)
		free(db->later[i].copy);
	db->nlater = 0;
}

static bool send_later(PGconn *c, const struct later *l)
{
	char name[16];
	snprintf(name, sizeof name, "r%d", l->slot);
	return PQsendQueryPrepared(c, name, l->n, l->values, NULL, NULL, 0) == 1;
}

/* Sends the pending commands, the queued writes and then s (if not NULL)
 * in one round trip (libpq's pipeline mode). DB_OK with s's result in
 * *res; DB_ERROR when a pending command or queued write failed (*res is
 * its result; s did not run) or the connection did (*res NULL). */
/* The slow-statement log names each statement of a round trip, with the
 * round trip's time. */
static void pending_timed(const struct pgdb *db, int64_t t0)
{
	for (int i = 0; i < db->npending; i++)
		db_slow_check(t0, db->pending[i]);
	for (int i = 0; i < db->nlater; i++)
		db_slow_check(t0, db->later[i].sql);
}

/* tail: ntail commands without parameters sent after the queued writes
 * (a COMMIT and its notices: commit_pipelined). */
static enum db_rc exec_pending(struct pgdb *db, const char *const *tail, int ntail,
			       struct pg_stmt *s, PGresult **res)
{
	PGconn *c = db->conn;
	int64_t t0 = db_slow_start();
	int n = db->npending + db->nlater + ntail, total = n + (s ? 1 : 0);
	round_trips++;
	bool ok = PQenterPipelineMode(c) == 1;
	for (int i = 0; ok && i < db->npending; i++)
		ok = PQsendQueryParams(c, db->pending[i], 0, NULL, NULL, NULL, NULL, 0) == 1;
	for (int i = 0; ok && i < db->nlater; i++)
		ok = send_later(c, &db->later[i]);
	for (int i = 0; ok && i < ntail; i++)
		ok = PQsendQueryParams(c, tail[i], 0, NULL, NULL, NULL, NULL, 0) == 1;
	if (ok && s) {
		char name[16];
		snprintf(name, sizeof name, "r%d", s->slot);
		ok = PQsendQueryPrepared(c, name, s->nbound, s->values, NULL, NULL, 0) == 1;
	}
	ok = ok && PQpipelineSync(c) == 1;
	PGresult *got = NULL, *bad = NULL;
	for (int i = 0; ok && i < total; i++)
		pipeline_read(c, i == n, &got, &bad);
	PGresult *sync = ok ? PQgetResult(c) : NULL;
	ok = ok && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	ok = PQexitPipelineMode(c) == 1 && ok;
	if (!ok)
		db->broken = true; /* where the pipeline stopped is unknown */
	pending_timed(db, t0);
	for (int i = 0; i < ntail; i++)
		db_slow_check(t0, tail[i]);
	db->npending = 0;
	later_free(db);
	if (bad || !ok) {
		PQclear(got);
		got = bad;
	}
	*res = got;
	return bad || !ok ? DB_ERROR : DB_OK;
}

/* Sends what is pending and queued on its own: DB_OK, or DB_ERROR (logged)
 * when any of it failed. */
static enum db_rc flush_pending(struct pgdb *db)
{
	PGresult *res = NULL;
	enum db_rc rc = exec_pending(db, NULL, 0, NULL, &res);
	if (rc != DB_OK) {
		set_err(db, "failed", res);
		log_error("postgresql: %s in a queued write", db->err);
	}
	PQclear(res);
	return rc;
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
		s->res = NULL;
		bool pipelined = db->npending || db->nlater;
		bool prefix_failed = pipelined && exec_pending(db, NULL, 0, s, &s->res) != DB_OK;
		round_trips += !pipelined;
		if (!pipelined)
			s->res = PQexecPrepared(db->conn, name, s->nbound, s->values, NULL, NULL,
						0);
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
			enum db_rc rc = prefix_failed ? DB_ERROR : map_state(s->res);
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
		db_group_release(&group);
	}
}

static void notices_reset(struct pgdb *db)
{
	buf_free(&db->notices);
	buf_init(&db->notices, 1 << 20);
}

/* Whether the transaction's BEGIN has been sent (it is not pending). */
static bool begun(const struct pgdb *db)
{
	return !(db->npending && db->pending[0] == SQL_BEGIN);
}

/* Whether the open transaction can go on: in progress, or not begun yet. */
static bool tx_usable(struct pgdb *db)
{
	return !db->broken &&
	       PQtransactionStatus(db->conn) == (begun(db) ? PQTRANS_INTRANS : PQTRANS_IDLE);
}

/* Sends the transaction's pending commands, notices and COMMIT in one
 * round trip: "NOTIFY ...; COMMIT". A transaction a failed statement has
 * aborted is not committed (PostgreSQL would answer COMMIT with a
 * rollback); one that never began and has no notices ran nothing. */
/* The pending commands, the queued writes, the notices and COMMIT in one
 * round trip. Pipeline mode takes one statement a message, so the notices
 * are cut where each ends ("';": no notice's text holds a quote,
 * pg_notice). A failed write stops the pipeline before the COMMIT. */
static enum db_rc commit_pipelined(struct pgdb *db)
{
	char *all = xstrdup(db->notices.len ? db->notices.data : "");
	int n = 1;
	for (const char *p = all; (p = strstr(p, "';")); p += 2)
		n++;
	const char **cmd = xmalloc(sizeof *cmd * (size_t)n);
	int k = 0;
	for (char *p = all, *e; (e = strstr(p, "';")); p = e + 2) {
		e[1] = '\0';
		cmd[k++] = p;
	}
	cmd[k++] = "COMMIT";
	PGresult *res = NULL;
	enum db_rc rc = exec_pending(db, cmd, k, NULL, &res);
	if (rc != DB_OK) {
		set_err(db, "failed", res);
		log_error("postgresql: %s in a COMMIT with queued writes", db->err);
	}
	PQclear(res);
	free(cmd);
	free(all);
	return rc;
}

static enum db_rc send_commit(struct pgdb *db)
{
	if (!begun(db) && !db->notices.len && !db->nlater) {
		db->npending = 0;
		return DB_OK;
	}
	if (!tx_usable(db)) {
		snprintf(db->err, sizeof db->err, "the transaction was aborted");
		log_error("postgresql: COMMIT refused: %s", db->err);
		return DB_ERROR;
	}
	if (db->nlater)
		return commit_pipelined(db);
	if (!db->notices.len)
		return run_plain(db, "COMMIT", true);
	if (buf_puts(&db->notices, "COMMIT"))
		return DB_ERROR;
	return run_plain(db, db->notices.data, true);
}

/* ---- group commit (db_tx_run, db_group.c) ---- */
/* Past this many bytes of notices the group commits (a NOTIFY buffer holds
 * 1 MB; a member adds at most a few kB). */
#define GROUP_MAX_NOTICES (256 << 10)

/* group_ops.commit: COMMIT, or ROLLBACK when that fails. */
static enum db_rc pg_group_commit(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	enum db_rc rc = send_commit(db);
	db->npending = 0;
	if (rc != DB_OK && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		run_plain(db, "ROLLBACK", false);
	notices_reset(db);
	db->in_tx = false;
	return rc;
}

/* Takes the writer mutex for a transaction outside db_tx_run, committing
 * an open group first (it holds the cross-process lock). */
static void writer_take(struct pgdb *db)
{
	db_group_take(&group);
	db->writer = true;
}

#define BEGIN_LOCKED "BEGIN; SELECT pg_advisory_xact_lock(" STR(WRITER_LOCK_KEY) ")"

static enum db_rc pg_begin(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	writer_take(db);
	enum db_rc rc = run_plain(db, BEGIN_LOCKED, true);
	if (rc != DB_OK) {
		run_plain(db, "ROLLBACK", false);
		release_writer(db);
		return rc;
	}
	db->in_tx = true;
	return DB_OK;
}

static enum db_rc pg_commit(struct db *d)
{
	struct pgdb *db = (struct pgdb *)d;
	enum db_rc rc = send_commit(db);
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
	db->npending = 0;
	later_free(db);
	if (db->in_tx || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		run_plain(db, "ROLLBACK", false);
	db->in_tx = false;
	release_writer(db);
}

/* Undoes a failed member's changes (when its savepoint was sent) and
 * notices; when even that fails the whole transaction is rolled back
 * (group_commit tells the others). */
static void member_undo(struct pgdb *w, size_t notices_len, bool sent)
{
	w->notices.len = notices_len;
	if (w->notices.data)
		w->notices.data[notices_len] = '\0';
	if (sent && run_plain(w, "ROLLBACK TO member", true) != DB_OK)
		run_plain(w, "ROLLBACK", false);
}

/* Runs fn in a savepoint of the open group transaction (group_ops.member,
 * writer mutex held), opening it first when open is set. The group's
 * BEGIN and lock and the member's SAVEPOINT go with its first statement
 * (a member that runs none costs no round trip); savepoints are not
 * released: each member's is nested in the one before, and ROLLBACK TO
 * undoes the newest. DB_OK when fn's changes are part of the group; else
 * fn's failure (in *fn_rc) or the backend's. */
static enum db_rc pg_group_member(struct db *d, bool open, int (*fn)(struct db *, void *),
				  void *ctx, int *fn_rc)
{
	struct pgdb *w = (struct pgdb *)d;
	if (open) {
		if (conn_ready(w) != DB_OK)
			return DB_ERROR;
		w->in_tx = true;
		w->pending[w->npending++] = SQL_BEGIN;
		w->pending[w->npending++] = SQL_LOCK;
	}
	size_t notices_len = w->notices.len;
	w->member_notices = notices_len;
	w->pending[w->npending++] = SQL_SAVEPOINT;
	tx_db = w;
	*fn_rc = fn(&w->base, ctx);
	tx_db = NULL;
	if (*fn_rc)
		later_free(w); /* its queued writes are not sent */
	bool sent = !(w->npending && w->pending[w->npending - 1] == SQL_SAVEPOINT);
	if (!sent && !w->nlater)
		w->npending--; /* it ran nothing */
	if (*fn_rc == 0 && tx_usable(w))
		return DB_OK; /* its queued writes are held (group_ops.settle) */
	member_undo(w, notices_len, sent);
	return DB_ERROR;
}

/* group_ops.settle: the member's queued writes (and its savepoint, if it
 * ran nothing else) are sent; when that fails the member is undone. */
static enum db_rc pg_group_settle(struct db *d)
{
	struct pgdb *w = (struct pgdb *)d;
	if (!w->nlater)
		return DB_OK;
	if (flush_pending(w) == DB_OK && tx_usable(w))
		return DB_OK;
	member_undo(w, w->member_notices, true);
	return DB_ERROR;
}

/* group_ops.discard: nobody's changes are in the group; it ends without
 * a commit (its BEGIN may not have been sent). */
static void pg_group_discard(struct db *d)
{
	struct pgdb *w = (struct pgdb *)d;
	if (w->in_tx && begun(w))
		run_plain(w, "ROLLBACK", false);
	w->npending = 0;
	notices_reset(w);
	w->in_tx = false;
}

/* group_ops.must_end: its notices are many, or its transaction is no
 * longer usable. */
static bool pg_group_full(struct db *d)
{
	struct pgdb *w = (struct pgdb *)d;
	return w->notices.len >= GROUP_MAX_NOTICES || !tx_usable(w);
}

static const struct db_group_ops pg_group_ops = {
	.member = pg_group_member,
	.settle = pg_group_settle,
	.commit = pg_group_commit,
	.discard = pg_group_discard,
	.must_end = pg_group_full,
};

static enum db_rc pg_tx_run(struct db *d, int (*fn)(struct db *, void *), void *ctx, int *fn_rc)
{
	struct pgdb *db = (struct pgdb *)d;
	enum db_rc rc = db_group_run(&group, db->group ? &db->group->base : d, fn, ctx, fn_rc);
	db_pg_unsynced(); /* this thread's next cached read waits for the notices */
	return rc;
}

void db_pg_set_group(struct db *db, struct db *writer)
{
	((struct pgdb *)db)->group = (struct pgdb *)writer;
}

int64_t db_pg_tx_waits(void)
{
	return atomic_load(&group.tx_waits);
}

void db_pg_thread_background(void)
{
	db_group_background();
}

void db_pg_tx_flush(void)
{
	db_group_flush(&group);
}

/* db_exec_later: inside a db_tx_run callback, on the connection it was
 * handed, the bound statement's values are copied and it is queued for
 * the next round trip (exec_pending); elsewhere it runs now (DB_DONE). */
static enum db_rc pg_later(struct db_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	struct pgdb *db = (struct pgdb *)st->db;
	if (tx_db != db)
		return DB_DONE;
	if (db->nlater == LATER_MAX && flush_pending(db) != DB_OK) {
		pg_end(st);
		return DB_ERROR;
	}
	struct later *l = &db->later[db->nlater++];
	size_t len = 0;
	for (int i = 0; i < s->nbound; i++)
		len += s->values[i] ? strlen(s->values[i]) + 1 : 0;
	l->sql = s->sql;
	l->slot = s->slot;
	l->n = s->nbound;
	l->copy = xmalloc(len + 1);
	char *p = l->copy;
	for (int i = 0; i < s->nbound; i++) {
		l->values[i] = s->values[i] ? p : NULL;
		if (s->values[i])
			p = stpcpy(p, s->values[i]) + 1;
	}
	pg_end(st);
	return DB_OK;
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
	if (conn_ready(db) != DB_OK || (db->npending && run_plain(db, "", true) != DB_OK))
		return DB_ERROR;
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
	if (conn_ready(db) != DB_OK || (db->npending && run_plain(db, "", true) != DB_OK))
		return DB_ERROR;
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
	.later = pg_later,
	.errmsg = pg_errmsg,
};
