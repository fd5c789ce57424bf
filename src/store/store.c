/* store.c - the connection pool, migrations and transactions. */
#include "store/store.h"
#include "store/db.h"
#include "store/db_pg.h"
#include "store/db_sqlite.h"
#include "store/store_internal.h"
#include "store/schema.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct store {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct db **free_list; /* connections not borrowed */
	int nfree;
	struct db **all;
	int nall;
	int max;
	struct db *writer; /* carries every store_tx (group commit, both backends) */
	char *path; /* the SQLite file, or the PostgreSQL URL */
	bool pg;
	bool sync_full;
	int lock_fd; /* serve.lock, held while serving; -1 if not */
	struct db *node_lock; /* PostgreSQL: the connection holding the node id's lock */
	int node_id;
};

enum store_rc st_id_batches(struct db *db, const char *sql, const int64_t *ids, int n,
			    enum store_rc (*row)(struct db_stmt *st, void *ctx), void *ctx)
{
	int at = 0;
	while (at < n) {
		int64_t v[ID_BATCH] = {0}; /* no row has id 0: the padding matches nothing */
		int k = 0;
		for (; at < n && k < ID_BATCH; at++)
			if (ids[at])
				v[k++] = ids[at];
		if (!k)
			break;
		struct db_stmt *st = db_query(db, sql, "iiiiiiiiiiiiiiii", v[0], v[1], v[2], v[3],
					      v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
					      v[12], v[13], v[14], v[15]);
		if (!st)
			return ST_ERROR;
		enum db_rc rc = DB_ERROR;
		enum store_rc sr = ST_OK;
		while (sr == ST_OK && (rc = db_next(st)) == DB_ROW)
			sr = row(st, ctx) == ST_ERROR ? ST_ERROR : ST_OK;
		db_end(st);
		if (sr != ST_OK || rc != DB_DONE)
			return ST_ERROR;
	}
	return ST_OK;
}

enum store_rc store_schema_version(struct db *db, int *version)
{
	int64_t v;
	enum db_rc rc = db_scalar(db, &v, "SELECT MAX(version) FROM schema_version", "");
	*version = (int)v;
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

static enum store_rc migrate_locked(struct db *db)
{
	if (db_script(db, "CREATE TABLE IF NOT EXISTS schema_version ("
			  " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)") != DB_OK)
		return ST_ERROR;
	int have, known = 0;
	if (store_schema_version(db, &have) != ST_OK)
		return ST_ERROR;
	while (schema_migrations[known])
		known++;
	if (have > known) {
		log_error("store: the database is at schema version %d, newer than this "
			  "program's %d; use a newer rapport", have, known);
		return ST_ERROR;
	}
	bool pg = strcmp(db_backend(db), "sqlite");
	for (int v = have; schema_migrations[v]; v++) {
		char *sql = pg ? schema_pg(schema_migrations[v]) : NULL;
		if ((pg && !sql) || db_begin(db) != DB_OK) {
			free(sql);
			return ST_ERROR;
		}
		enum db_rc rc = db_script(db, sql ? sql : schema_migrations[v]);
		free(sql);
		if (rc != DB_OK ||
		    db_exec(db, "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
			    "ii", (int64_t)v + 1, now_ms()) != DB_OK) {
			db_rollback(db);
			log_error("store: migration %d failed", v + 1);
			return ST_ERROR;
		}
		if (db_commit(db) != DB_OK)
			return ST_ERROR;
		log_info("store: applied migration %d", v + 1);
	}
	return ST_OK;
}

/* Several processes may start at once on one PostgreSQL database: one
 * migrates while the others wait, then find nothing left to do. */
#define MIGRATE_LOCK "1382117489"

static enum store_rc migrate(struct db *db)
{
	bool pg = strcmp(db_backend(db), "sqlite");
	if (pg && db_script(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK ")") != DB_OK)
		return ST_ERROR;
	enum store_rc rc = migrate_locked(db);
	if (pg && db_script(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")") != DB_OK)
		rc = ST_ERROR;
	return rc;
}

static int mkdir_p(const char *dir)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

/* One server per data directory: the caches, the job queue and the node
 * id assume no other process writes. The lock goes with the process, so
 * a crash never leaves it behind. */
static enum store_rc lock_dir(const char *dir, int *fd)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/serve.lock", dir) >= (int)sizeof path)
		return ST_ERROR;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0) {
		log_error("store: cannot open %s: %s", path, strerror(errno));
		return ST_ERROR;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB)) {
		log_error("store: another `rapport serve` is using %s (%s is locked)", dir, path);
		close(*fd);
		*fd = -1;
		return ST_ERROR;
	}
	return ST_OK;
}

/* Processes that share a PostgreSQL database each need their own node id
 * (the IDs they make would collide): a session advisory lock per node id,
 * held by a connection of its own for the process's life, refuses a
 * second process with the same one. PostgreSQL drops it with the session
 * when a process dies. */
#define NODE_LOCK_BASE STORE_NODE_LOCK_BASE

static enum store_rc lock_node(struct store *s, int node_id)
{
	s->node_id = node_id;
	if (db_open(s->path, false, &s->node_lock) != DB_OK)
		return ST_ERROR;
	int64_t got = 0;
	enum db_rc rc = db_scalar(s->node_lock, &got, "SELECT pg_try_advisory_lock($1)", "i",
				  (int64_t)NODE_LOCK_BASE + node_id);
	if (rc != DB_ROW) {
		log_error("store: cannot take the node id's lock");
		return ST_ERROR;
	}
	if (!got) {
		log_error("store: another process on this database has node id %d: give each "
			  "process its own (RAPPORT_NODE_ID, 0-63)", node_id);
		return ST_ERROR;
	}
	return ST_OK;
}

/* A session holds the lock, or another session does, or none. */
static const char NODE_HELD[] =
	"SELECT CASE WHEN pid = pg_backend_pid() THEN 1 ELSE 2 END FROM pg_locks"
	" WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid = 0"
	" AND objid::bigint = $1 AND database = (SELECT oid FROM pg_database"
	" WHERE datname = current_database())";

enum store_rc store_node_check(struct store *s)
{
	if (!s->node_lock)
		return ST_OK;
	int64_t key = (int64_t)NODE_LOCK_BASE + s->node_id, held = 0, got = 0;
	enum db_rc rc = db_scalar(s->node_lock, &held, NODE_HELD, "i", key);
	if (rc == DB_ROW && held == 1)
		return ST_OK;
	if (rc == DB_DONE)
		rc = db_scalar(s->node_lock, &got, "SELECT pg_try_advisory_lock($1)", "i", key);
	if (rc != DB_ROW && rc != DB_DONE)
		return ST_ERROR;
	if (got) {
		log_warn("store: the node id's lock was lost with its connection; held again");
		return ST_OK;
	}
	log_error("store: another process took node id %d while this one's lock was lost: "
		  "stopping (its ids would collide)", s->node_id);
	return ST_CONFLICT;
}

/* Links a connection to the writer its store_tx calls run on. */
static void set_group(struct store *s, struct db *db)
{
	if (s->writer && s->pg)
		db_pg_set_group(db, s->writer);
	else if (s->writer)
		db_set_group(db, s->writer);
}

void store_slow_sql(int ms)
{
	db_slow_sql(ms);
}

enum store_rc store_open(const struct store_options *opt, struct store **out)
{
	if (mkdir_p(opt->dir)) {
		log_error("store: cannot create %s: %s", opt->dir, strerror(errno));
		return ST_ERROR;
	}
	int lock_fd = -1;
	if (opt->exclusive && !opt->url && lock_dir(opt->dir, &lock_fd) != ST_OK)
		return ST_ERROR;
	struct store *s = xcalloc(1, sizeof *s);
	s->lock_fd = lock_fd;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->max = opt->bulk ? 1 : opt->pool_size > 0 ? opt->pool_size : 8;
	s->free_list = xcalloc((size_t)s->max, sizeof(struct db *));
	s->all = xcalloc((size_t)s->max, sizeof(struct db *));
	s->pg = opt->url != NULL;
	if (s->pg) {
		s->path = xstrdup(opt->url);
	} else {
		size_t n = strlen(opt->dir) + 32;
		s->path = xmalloc(n);
		snprintf(s->path, n, "%s/rapport.db", opt->dir);
	}
	s->sync_full = opt->sync_full;

	struct db *db = NULL;
	if (db_open(s->path, s->sync_full, &db) != DB_OK || migrate(db) != ST_OK) {
		db_close(db);
		store_close(s);
		return ST_ERROR;
	}
	s->all[s->nall++] = db;
	s->free_list[s->nfree++] = db;
	if (!opt->bulk) {
		enum db_rc rc = s->pg ? db_open(s->path, false, &s->writer)
				      : db_open_writer(s->path, s->sync_full, &s->writer);
		if (rc != DB_OK) {
			store_close(s);
			return ST_ERROR;
		}
		set_group(s, db);
	}
	if (opt->exclusive && s->pg && lock_node(s, opt->node_id) != ST_OK) {
		store_close(s);
		return ST_ERROR;
	}
	*out = s;
	return ST_OK;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	if (s->writer) {
		if (s->pg)
			db_pg_tx_flush();
		else
			db_tx_flush();
		db_close(s->writer);
	}
	for (int i = 0; i < s->nall; i++)
		db_close(s->all[i]);
	free(s->free_list);
	free(s->all);
	free(s->path);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	db_close(s->node_lock);
	if (s->pg) {
		db_pg_listen_stop();
		tokencache_free();
		homecache_free();
	}
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

bool store_shared(const struct store *s)
{
	return s->pg;
}

struct db *store_acquire(struct store *s)
{
	pthread_mutex_lock(&s->lock);
	for (;;) {
		if (s->nfree > 0) {
			struct db *db = s->free_list[--s->nfree];
			pthread_mutex_unlock(&s->lock);
			db_pg_unsynced(); /* new work: caches are trusted after a sync */
			db_pg_lost_forget();
			st_flags_forget();
			return db;
		}
		if (s->nall < s->max) {
			struct db *db = NULL;
			if (db_open(s->path, s->sync_full, &db) == DB_OK) {
				set_group(s, db);
				s->all[s->nall++] = db;
				pthread_mutex_unlock(&s->lock);
				db_pg_unsynced();
				db_pg_lost_forget();
				st_flags_forget();
				return db;
			}
			log_error("store: cannot open another connection; waiting for one");
		}
		pthread_cond_wait(&s->cond, &s->lock);
	}
}

void store_release(struct store *s, struct db *db)
{
	if (!db)
		return;
	st_flags_forget();
	db_rollback(db); /* a transaction left open by a bug ends here */
	db_pg_lost_forget(); /* what a later reply of this thread says is not about db */
	pthread_mutex_lock(&s->lock);
	s->free_list[s->nfree++] = db;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

struct tx_call {
	enum store_rc (*fn)(struct db *, void *);
	void *ctx;
	struct store_tx_lead *lead; /* written first, when not NULL */
	enum store_rc lead_rc;
};

/* The lead the next store_tx of this thread carries (store_tx_lead_begin). */
static _Thread_local struct store_tx_lead *tx_lead;

static int tx_trampoline(struct db *db, void *arg)
{
	struct tx_call *t = arg;
	if (t->lead && (t->lead_rc = t->lead->fn(db, t->lead->ctx)) != ST_OK)
		return (int)t->lead_rc;
	return (int)t->fn(db, t->ctx);
}

static void (*tx_end_hook)(bool committed);

void store_on_tx_end(void (*fn)(bool committed))
{
	tx_end_hook = fn;
}

/* Concurrent transactions share one commit (db_tx_run): every caller is
 * answered after the COMMIT that holds its changes, and a failing fn undoes
 * only its own. */
enum store_rc store_tx(struct db *db, enum store_rc (*fn)(struct db *, void *), void *ctx)
{
	struct store_tx_lead *l = tx_lead;
	if (l && l->rc != ST_OK)
		return l->rc; /* a refused lead: nothing more is written */
	struct tx_call t = {fn, ctx, l && !l->written ? l : NULL, ST_OK};
	st_flags_forget(); /* they were read before this write */
	int fn_rc = 0;
	enum db_rc rc = db_tx_run(db, tx_trampoline, &t, &fn_rc);
	if (tx_end_hook)
		tx_end_hook(fn_rc == 0 && rc == DB_OK);
	if (t.lead && t.lead_rc != ST_OK)
		t.lead->rc = t.lead_rc;
	else if (t.lead && fn_rc == 0 && rc == DB_OK)
		t.lead->written = true;
	if (fn_rc != 0)
		return (enum store_rc)fn_rc;
	return rc == DB_OK ? ST_OK : ST_ERROR;
}

void store_tx_lead_begin(struct store_tx_lead *l)
{
	l->written = false;
	l->rc = ST_OK;
	tx_lead = l;
}

enum store_rc store_tx_lead_end(struct db *db, struct store_tx_lead *l, bool write)
{
	tx_lead = NULL;
	if (l->rc != ST_OK || l->written || !write)
		return l->rc;
	enum store_rc st = store_tx(db, l->fn, l->ctx);
	l->written = st == ST_OK;
	return st;
}

int64_t store_tx_waits(void)
{
	return db_tx_waits() + db_pg_tx_waits(); /* a process writes through one backend */
}

void store_thread_background(void)
{
	db_thread_background();
	db_pg_thread_background();
}

const char *store_errmsg(struct db *db)
{
	return db_errmsg(db);
}

/* The write-ahead log is rewound once it passes this size (each time,
 * writers wait while the pages committed since the last copy are copied and
 * the database file synced: tens of ms under a heavy write load). */
#define WAL_MAX_BYTES (256 << 20)

enum store_rc store_checkpoint(struct db *db)
{
	if (strcmp(db_backend(db), "sqlite"))
		return ST_OK; /* PostgreSQL checkpoints by itself */
	return db_checkpoint(db, WAL_MAX_BYTES) >= 0 ? ST_OK : ST_ERROR;
}

int64_t store_memory_used(void)
{
	return db_memory_used();
}

/* A file that is a Rapport store this program can open: SQLite's own
 * integrity check passes and its schema version is not newer than ours. */
static enum store_rc check_copy(const char *path, char *err, size_t errlen)
{
	int64_t have = 0, known = 0;
	while (schema_migrations[known])
		known++;
	if (db_check_file(path, err, errlen) != DB_OK)
		return ST_ERROR;
	struct db *db = NULL;
	if (db_open_readonly(path, &db) != DB_OK ||
	    db_scalar(db, &have, "SELECT MAX(version) FROM schema_version", "") != DB_ROW) {
		db_close(db);
		snprintf(err, errlen, "%s is not a Rapport store (no schema version)", path);
		return ST_ERROR;
	}
	db_close(db);
	if (have < 1 || have > known) {
		snprintf(err, errlen, "%s is at schema version %lld; this program knows 1 to %lld",
			 path, (long long)have, (long long)known);
		return ST_ERROR;
	}
	return ST_OK;
}

enum store_rc store_backup(const char *dir, const char *out, char *err, size_t errlen)
{
	char src[4096];
	if (snprintf(src, sizeof src, "%s/rapport.db", dir) >= (int)sizeof src) {
		snprintf(err, errlen, "the data directory's path is too long");
		return ST_ERROR;
	}
	if (access(src, R_OK)) {
		snprintf(err, errlen, "no store in %s: %s", dir, strerror(errno));
		return ST_ERROR;
	}
	if (db_copy_file(src, out, err, errlen) != DB_OK)
		return ST_ERROR;
	if (check_copy(out, err, errlen) != ST_OK) {
		unlink(out);
		return ST_ERROR;
	}
	return ST_OK;
}

enum store_rc store_restore(const char *file, const char *dir, char *err, size_t errlen)
{
	char dst[4096];
	if (snprintf(dst, sizeof dst, "%s/rapport.db", dir) >= (int)sizeof dst) {
		snprintf(err, errlen, "the data directory's path is too long");
		return ST_ERROR;
	}
	if (check_copy(file, err, errlen) != ST_OK)
		return ST_ERROR;
	char wal[4200];
	snprintf(wal, sizeof wal, "%s-wal", dst);
	if (!access(wal, F_OK)) {
		snprintf(err, errlen, "%s exists: %s holds a store's log already", wal, dir);
		return ST_ERROR;
	}
	if (mkdir_p(dir)) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return ST_ERROR;
	}
	return db_copy_file(file, dst, err, errlen) == DB_OK ? ST_OK : ST_ERROR;
}

/* ---- several processes (PostgreSQL) ---- */

static void (*notice_fn)(const char *text);

static void heard_notice(const char *text)
{
	if (notice_fn)
		notice_fn(text);
}

/* What the listener hears changed: the row cache's rows, and the tokens
 * that hang on an account (its tokens, its login, its suspension: token
 * notices, migrations 27 and 29; a change of the account's row alone, such
 * as its counters, leaves them). */
static void heard_row(int table, int64_t id)
{
	if (table < 2) {
		rowcache_changed(table, id);
	} else if (table == 2) {
		tokencache_account(id);
		homecache_suspended_drop(); /* a suspension sends token notices */
	} else if (id) {
		homecache_viewer(id);
	} else {
		homecache_clear();
	}
}

static void heard_all(void)
{
	rowcache_clear();
	tokencache_clear();
	homecache_clear();
}

static size_t home_entries;

void store_home_cache(size_t entries)
{
	home_entries = entries;
}

void store_home_cache_stats(uint64_t *hits, uint64_t *misses)
{
	homecache_stats(hits, misses);
}

static const struct db_pg_listen listen_cb = {heard_row, heard_all, heard_notice};

enum store_rc store_listen(struct store *s, void (*notice)(const char *text))
{
	if (!s->pg)
		return ST_OK;
	notice_fn = notice;
	tokencache_init();
	if (rowcache_on()) /* the home cache takes its rows from the row cache */
		homecache_init(home_entries);
	return db_pg_listen_start(s->path, &listen_cb) ? ST_ERROR : ST_OK;
}

enum store_rc store_notice(struct db *db, const char *text)
{
	return db_notice(db, text) == DB_OK ? ST_OK : ST_ERROR;
}
