#include "core/jobs.h"
#include "core/polls.h"
#include "core/events.h"
#include "core/lifecycle.h"
#include "core/scheduled.h"
#include "core/social_capital.h"
#include "core/statuses.h"
#include "store/jobs.h"
#include "store/social.h"
#include "store/statuses.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

enum store_rc jobs_fanout(struct core *c, struct db *db, int64_t status_id, int64_t author,
			  int64_t reply_to_account, bool reblog)
{
	int64_t followers;
	enum store_rc st = store_followers_count(db, author, &followers);
	return st == ST_OK ? jobs_fanout_known(c, db, status_id, author, reply_to_account, reblog,
					       followers)
			   : st;
}

enum store_rc jobs_fanout_known(struct core *c, struct db *db, int64_t status_id,
				int64_t author, int64_t reply_to_account, bool reblog,
				int64_t followers)
{
	if (followers <= c->cfg->fanout_inline)
		return store_feed_fanout(db, status_id, author, reply_to_account, reblog);
	/* The author sees their own status at once; followers soon after. */
	enum store_rc st = reblog ? ST_OK : store_feed_add(db, author, status_id);
	return st == ST_OK ? store_job_fanout(db, status_id, author, reply_to_account, reblog) : st;
}

enum rc jobs_fanout_state(struct core *c, int64_t author, bool *deferred, bool *queued)
{
	int64_t followers = 0, jobs = 0;
	enum store_rc st = store_followers_count(c->db, author, &followers);
	if (st == ST_OK)
		st = store_jobs_pending(c->db, &jobs);
	*deferred = followers > c->cfg->fanout_inline;
	*queued = jobs > 0;
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* The worker delivers the oldest jobs (up to JOBS_BATCH) together: their
 * feed rows are inserted sorted by feed, so a batch writes each feed's last
 * page once instead of one page per row. A large batch is cut by follower
 * id into transactions of about JOBS_SLICE_MS each (requests wait for the
 * writer meanwhile), or twice a slice's fixed cost when that is longer, so
 * slices do not dwindle to one account each reading the batch again (see
 * struct slice_cost); each slice checks the rules again when it runs, and
 * the jobs are deleted with the last one, so a crash in between repeats
 * slices, which adds nothing twice. */
#define JOBS_SLICE_MS 8
/* While no request waits for the writer, slices may be this long (fewer
 * commits, and the jobs are read again less often). */
#define JOBS_IDLE_SLICE_MS 40

static struct {
	struct job_span span; /* the batch being delivered; n == 0 when none */
	int64_t next;         /* followers with ids below this have it */
	int64_t accounts;     /* accounts in the store, for the slice width */
	struct slice_cost cost;
	int slice_ms;         /* the length of the next slice */
} batch = {.cost = SLICE_COST_INIT, .slice_ms = JOBS_SLICE_MS};

static double per_row_clamp(double us)
{
	return us < 0.5 ? 0.5 : us > 200 ? 200 : us;
}

void jobs_slice_learn(struct slice_cost *m, double rows, double us)
{
	if (rows <= 0)
		return;
	m->w = 0.8 * m->w + 1;
	m->x = 0.8 * m->x + rows;
	m->y = 0.8 * m->y + us;
	m->xx = 0.8 * m->xx + rows * rows;
	m->xy = 0.8 * m->xy + rows * us;
	double mx = m->x / m->w, my = m->y / m->w, var = m->xx / m->w - mx * mx;
	/* Slices of too alike sizes tell the sum, not its parts: the fixed
	 * part is kept and the rest is per row. */
	double per_row = m->w >= 2 && var > 0.01 * mx * mx ? (m->xy / m->w - mx * my) / var
							     : (my - m->fixed_us) / mx;
	per_row = per_row_clamp(per_row);
	double fixed = my - per_row * mx;
	if (fixed < 0) {
		fixed = 0;
		per_row = per_row_clamp(my / mx);
	}
	m->fixed_us = fixed;
	m->us_per_row = per_row;
}

double jobs_slice_rows(struct slice_cost *m, int slice_ms)
{
	double rest = slice_ms * 1000 - m->fixed_us;
	double rows = (rest > m->fixed_us ? rest : m->fixed_us) / m->us_per_row;
	/* Alternating sizes keep the fit's two parts apart. */
	m->turn ^= 1;
	return rows * (m->turn ? 1.25 : 0.8);
}

struct slice {
	int64_t first, last, from, to;
	int64_t us;
};

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum store_rc slice_fn(struct db *db, void *arg)
{
	struct slice *k = arg;
	int64_t t0 = mono_us();
	enum store_rc st = store_feed_fanout_jobs(db, k->first, k->last, k->from, k->to);
	if (st == ST_OK && k->to == INT64_MAX)
		st = store_jobs_finish(db, k->first, k->last);
	k->us = mono_us() - t0;
	return st;
}

static int fanout_step(struct core *c)
{
	if (batch.span.n == 0) {
		if (store_jobs_span(c->db, JOBS_BATCH, &batch.span) != ST_OK)
			return -1;
		if (batch.span.n == 0)
			return 0;
		batch.next = 0;
		if (store_accounts_count(c->db, &batch.accounts) != ST_OK) {
			batch.span.n = 0; /* read the batch again next time */
			return -1;
		}
	}
	/* Followers from batch.next on, the rows jobs_slice_rows asks for,
	 * assuming followers spread evenly over the accounts. */
	struct slice k = {batch.span.first, batch.span.last, batch.next, INT64_MAX, 0};
	double rows = jobs_slice_rows(&batch.cost, batch.slice_ms), expect = 0;
	if (batch.span.pairs > rows && batch.accounts > 0) {
		int64_t width = (int64_t)(rows * (double)batch.accounts / (double)batch.span.pairs);
		if (width < 1)
			width = 1;
		int64_t to;
		if (store_account_nth(c->db, batch.next, width, &to) != ST_OK)
			return -1;
		if (to > 0) {
			k.to = to;
			expect = (double)batch.span.pairs * (double)width / (double)batch.accounts;
		}
	} else if (batch.next == 0) {
		expect = (double)batch.span.pairs;
	}
	if (store_tx(c->db, slice_fn, &k) != ST_OK)
		return -1;
	if (expect > 0)
		jobs_slice_learn(&batch.cost, expect, (double)k.us);
	batch.next = k.to;
	if (k.to == INT64_MAX)
		batch.span.n = 0;
	return 1;
}

/* The search index's merges (migration 6 turned them off in requests): a
 * slice of FTS_MERGE_PAGES pages (about 0.2 ms each), while there is work,
 * taking turns with the fan-out; checked after every write that woke the
 * worker, and every FTS_CHECK_MS otherwise.
 *
 * Each commit, and each savepoint of a group commit, writes what it added
 * to the index as a new segment of level 0; a level that reaches the
 * crisis-merge bound (32 segments, migration 6) is merged at once by
 * whichever statement adds the segment, in a request. Merging as soon as
 * a level holds 4 segments (FTS5's 'merge' command) keeps the levels well
 * below that bound. Should a burst of posts outrun the slices, the level a
 * request merges is level 0, which holds only the small segments written
 * since the last slice: the seeder leaves the rest merged in one segment
 * (store_seed_finish), and slices merge each level into the next. */
#define FTS_MERGE_PAGES 32
#define FTS_CHECK_MS 1000

static struct {
	bool pending;      /* the last merge slice found work */
	bool last_merged;  /* the last slice was a merge: the fan-out goes next */
	int64_t next_check;
} fts = {.pending = true};
/* Set by jobs_wake: a write may have added segments since the last slice. */
static atomic_bool index_written;

static enum store_rc merge_fn(struct db *db, void *arg)
{
	return store_fts_merge(db, FTS_MERGE_PAGES, arg);
}

/* 1 when it merged, 0 when there was nothing to merge, -1 on failure. */
static int merge_step(struct core *c)
{
	bool worked = false;
	if (store_tx(c->db, merge_fn, &worked) != ST_OK)
		return -1;
	fts.pending = worked;
	fts.next_check = mono_ms() + FTS_CHECK_MS;
	return worked;
}

/* "status" notifications to the followers who asked for them: the oldest
 * notify job, NOTIFY_SLICE followers per transaction, with notify()'s
 * rules checked when they run. The job remembers the last follower served
 * in the same transaction, so a crash repeats nothing; a status deleted
 * meanwhile ends its job. */
#define NOTIFY_SLICE 256

struct notify_slice {
	struct core *c;
	int64_t ids[NOTIFY_SLICE];
	bool ran; /* there was a job */
};

static enum store_rc notify_fn(struct db *db, void *arg)
{
	struct notify_slice *k = arg;
	struct job j;
	enum store_rc st = store_job_next_notify(db, &j);
	k->ran = st == ST_OK;
	if (st != ST_OK)
		return st == ST_NOT_FOUND ? ST_OK : st;
	if (!j.status_exists)
		return store_job_delete(db, j.id);
	int n = 0;
	st = store_notify_followers(db, j.account_id, j.progress, NOTIFY_SLICE, k->ids, &n);
	for (int i = 0; i < n && st == ST_OK; i++)
		if (notify(k->c, db, k->ids[i], j.account_id, "status", j.status_id))
			st = ST_ERROR;
	if (st != ST_OK)
		return st;
	return n < NOTIFY_SLICE ? store_job_delete(db, j.id)
				: store_job_progress(db, j.id, k->ids[n - 1]);
}

/* 1 when it ran a slice, 0 when there is no notify job, -1 on failure. */
static int notify_step(struct core *c)
{
	struct notify_slice *k = arena_alloc(c->arena, sizeof *k);
	k->c = c;
	k->ran = false;
	if (store_tx(c->db, notify_fn, k) != ST_OK)
		return -1;
	return k->ran;
}

int jobs_run(struct core *c, bool merge)
{
	if (atomic_exchange(&index_written, false))
		fts.pending = true;
	if (merge && ((fts.pending && !fts.last_merged) || mono_ms() >= fts.next_check)) {
		int m = merge_step(c);
		fts.last_merged = m != 0;
		if (m != 0)
			return m;
	}
	fts.last_merged = false;
	int n = fanout_step(c), m = notify_step(c);
	if (n < 0 || m < 0)
		return -1;
	n = n || m;
	/* Then the events outbox and the social-capital work (core/events.h):
	 * left for the next start when stopping. */
	if (n == 0 && merge)
		n = events_drain(c, false);
	if (n == 0 && merge) /* polls that ended: "poll" notifications (core/polls.h) */
		n = polls_end_step(c);
	if (n == 0 && merge)
		n = social_capital_background(c);
	if (n == 0 && merge) /* statuses whose time has come */
		n = scheduled_run(c);
	if (n == 0 && merge) /* deletions a request left unfinished */
		n = lifecycle_background(c);
	if (n == 0 && merge && fts.pending) /* nothing to deliver: merge on */
		n = merge_step(c);
	return n;
}

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool pending, stop, running;
	int64_t drain_until;
	struct store *st;
	const struct config *cfg;
} worker = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void jobs_wake(void)
{
	atomic_store(&index_written, true);
	pthread_mutex_lock(&worker.lock);
	worker.pending = true;
	pthread_cond_signal(&worker.cond);
	pthread_mutex_unlock(&worker.lock);
}

/* Waits for a wake-up or 500 ms (other processes may queue work too).
 * Returns false when it is time to stop. */
static bool wait_for_work(void)
{
	pthread_mutex_lock(&worker.lock);
	if (!worker.pending && !worker.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 500 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&worker.cond, &worker.lock, &ts);
	}
	worker.pending = false;
	bool go = !worker.stop;
	pthread_mutex_unlock(&worker.lock);
	return go;
}

#define CHECKPOINT_MS 1000
#define JOBS_GIVE_WAY 9
#define MEMLOG_MS 30000

static long rss_mb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024) / 1024;
}

/* After a slice that took `took` us, with store_tx_waits() at waits before
 * it: for each request that had to wait for the writer meanwhile the worker
 * pauses as long as the slice took, up to JOBS_GIVE_WAY times, so under a
 * heavy load it has about 1/(1 + JOBS_GIVE_WAY) of the writer and the
 * queue still drains; when no request waited it goes on at once. */
static void give_way(int64_t took, int64_t waits)
{
	int64_t n = store_tx_waits() - waits;
	batch.slice_ms = n > 0 ? JOBS_SLICE_MS : JOBS_IDLE_SLICE_MS;
	if (n <= 0)
		return;
	int64_t pause = took * (n < JOBS_GIVE_WAY ? n : JOBS_GIVE_WAY);
	usleep((useconds_t)(pause > 200000 ? 200000 : pause));
}

/* A process whose node id another process took (its lock was lost with
 * its connection) stops as on SIGTERM, once: its ids would collide. */
static void node_check(void)
{
	static bool stopped;
	if (!stopped && store_node_check(worker.st) == ST_CONFLICT) {
		stopped = true;
		kill(getpid(), SIGTERM);
	}
}

static void *worker_main(void *arg)
{
	(void)arg;
	store_thread_background();
	struct arena ar;
	arena_init(&ar);
	int64_t next_checkpoint = mono_ms() + CHECKPOINT_MS;
	int64_t next_memlog = mono_ms() + MEMLOG_MS;
	for (;;) {
		pthread_mutex_lock(&worker.lock);
		bool stopping = worker.stop;
		pthread_mutex_unlock(&worker.lock);
		struct core c = {.db = store_acquire(worker.st), .arena = &ar, .cfg = worker.cfg};
		int64_t t0 = mono_us(), waits = store_tx_waits();
		/* Stopping, only the queue is finished: merges wait for the next
		 * start. */
		int n = jobs_run(&c, !stopping);
		int64_t took = mono_us() - t0;
		if (mono_ms() >= next_checkpoint) {
			if (store_checkpoint(c.db) != ST_OK)
				log_warn("jobs: checkpoint failed; retrying later");
			node_check();
			next_checkpoint = mono_ms() + CHECKPOINT_MS;
		}
		if (mono_ms() >= next_memlog) {
			/* Resident memory next to what the database library holds:
			 * growth outside the latter would be a leak. */
			log_info("memory: rss %ld MB, database caches %lld MB", rss_mb(),
				 (long long)(store_memory_used() >> 20));
			next_memlog = mono_ms() + MEMLOG_MS;
		}
		store_release(worker.st, c.db);
		arena_free(&ar);
		if (n < 0)
			log_error("jobs: a batch failed; it will be retried");
		if (stopping && (n <= 0 || mono_ms() > worker.drain_until))
			break;
		if (n > 0) {
			give_way(took, waits);
			continue;
		}
		if (!stopping && !wait_for_work())
			continue; /* stop was asked: drain what is left */
	}
	return NULL;
}

int jobs_start(struct store *st, const struct config *cfg)
{
	worker.st = st;
	worker.cfg = cfg;
	worker.stop = worker.pending = false;
	if (pthread_create(&worker.thread, NULL, worker_main, NULL)) {
		log_error("jobs: cannot start the worker thread");
		return -1;
	}
	worker.running = true;
	return 0;
}

void jobs_stop(int drain_ms)
{
	if (!worker.running)
		return;
	pthread_mutex_lock(&worker.lock);
	worker.stop = true;
	worker.drain_until = mono_ms() + drain_ms;
	pthread_cond_signal(&worker.cond);
	pthread_mutex_unlock(&worker.lock);
	pthread_join(worker.thread, NULL);
	worker.running = false;
}
