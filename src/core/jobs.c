#include "core/jobs.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

enum store_rc jobs_fanout(struct core *c, int64_t status_id, int64_t author,
			  int64_t reply_to_account, bool reblog)
{
	if (store_followers_count(c->db, author) <= c->cfg->fanout_inline)
		return store_feed_fanout(c->db, status_id, author, reply_to_account, reblog);
	/* The author sees their own status at once; followers soon after. */
	enum store_rc st = reblog ? ST_OK : store_feed_add(c->db, author, status_id);
	return st == ST_OK ? store_job_fanout(c->db, status_id, author, reply_to_account, reblog)
			   : st;
}

struct run_ctx {
	int max, done;
};

/* One transaction runs jobs for at most JOBS_SLICE_MS: SQLite has one
 * writer, and requests wait for it while the worker holds it. */
#define JOBS_SLICE_MS 10

static enum store_rc run_fn(struct db *db, void *arg)
{
	struct run_ctx *x = arg;
	struct job jobs[JOBS_BATCH];
	int n;
	int64_t until = mono_ms() + JOBS_SLICE_MS;
	enum store_rc st = store_jobs_take(db, jobs, x->max < JOBS_BATCH ? x->max : JOBS_BATCH, &n);
	x->done = 0;
	for (int i = 0; i < n && st == ST_OK && (i == 0 || mono_ms() < until); i++) {
		st = store_feed_fanout(db, jobs[i].status_id, jobs[i].account_id, jobs[i].reply_to,
				       jobs[i].reblog);
		if (st == ST_OK)
			st = store_job_done(db, jobs[i].id);
		x->done++;
	}
	return st;
}

int jobs_run(struct core *c, int max)
{
	struct run_ctx x = {max, 0};
	return store_tx(c->db, run_fn, &x) == ST_OK ? x.done : -1;
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

static void *worker_main(void *arg)
{
	(void)arg;
	struct arena ar;
	arena_init(&ar);
	int64_t next_checkpoint = mono_ms() + CHECKPOINT_MS;
	int64_t next_memlog = mono_ms() + MEMLOG_MS;
	for (;;) {
		struct core c = {.db = store_acquire(worker.st), .arena = &ar, .cfg = worker.cfg};
		int n = jobs_run(&c, JOBS_BATCH);
		if (mono_ms() >= next_checkpoint) {
			if (store_checkpoint(c.db) != ST_OK)
				log_warn("jobs: checkpoint failed; retrying later");
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
		pthread_mutex_lock(&worker.lock);
		bool stopping = worker.stop;
		pthread_mutex_unlock(&worker.lock);
		if (stopping && (n <= 0 || mono_ms() > worker.drain_until))
			break;
		if (n > 0) {
			/* More may be waiting: let waiting requests write first. */
			usleep(1000);
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
