/* Unit tests of group commit: concurrent store_tx calls share transactions
 * and commits, yet each caller is answered only once its changes are
 * committed, and a callback that fails undoes its own changes only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "store/db_pg.h"
#include "store/rel.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

#define THREADS 8
#define ROUNDS 60

static int setup(void **state)
{
	struct fx *f = fx_open(2 * THREADS + 1, 0);
	if (!f)
		return -1;
	struct signup s = {.username = "grouper", .email = "g@example.test",
			   .password = "correct horse"};
	if (account_create(&f->c, &s, &f->account) != RC_OK)
		return -1;
	*state = f;
	return 0;
}

/* One write: a marker named after the thread and round; with fail set,
 * the callback fails after it has written, or with queued set too, a
 * write it queued (db_exec_later) fails and the callback returns ST_OK. */
struct put {
	int64_t account;
	const char *timeline;
	int64_t value;
	bool fail, queued;
};

/* version 1 is there: the primary key refuses it */
static enum db_rc refused_later(struct db *db)
{
	return db_exec_later(db, "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
			     "ii", (int64_t)1, (int64_t)0);
}

static enum store_rc put_fn(struct db *db, void *arg)
{
	struct put *p = arg;
	enum store_rc st = store_marker_put(db, p->account, p->timeline, p->value, now_ms());
	if (st == ST_OK && p->fail && p->queued)
		return refused_later(db) == DB_OK ? ST_OK : ST_CONFLICT;
	if (st == ST_OK && p->fail)
		return ST_CONFLICT; /* its marker must not survive */
	return st;
}

static bool fails(int thread, int round)
{
	return (thread + round) % 3 == 0;
}

struct writer {
	struct store *st;
	int64_t account;
	int thread;
	int wrong; /* answers other than expected, rows not visible when told OK */
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct db *db = store_acquire(w->st), *reader = store_acquire(w->st);
	for (int i = 0; i < ROUNDS; i++) {
		char tl[32];
		snprintf(tl, sizeof tl, "t%d-%d", w->thread, i);
		struct put p = {w->account, tl, w->thread * 1000 + i, fails(w->thread, i), i % 2};
		enum store_rc st = store_tx(db, put_fn, &p);
		/* a queued write's failure is told as ST_CONFLICT (SQLite runs it
		 * at once) or as ST_ERROR (PostgreSQL sends it later) */
		if (p.fail && p.queued ? st == ST_OK : st != (p.fail ? ST_CONFLICT : ST_OK))
			w->wrong++;
		/* Answered OK means committed: another connection sees it. */
		struct marker m;
		enum store_rc got = store_marker_get(reader, w->account, tl, &m);
		if (p.fail ? got != ST_NOT_FOUND : got != ST_OK || m.last_read_id != p.value)
			w->wrong++;
	}
	store_release(w->st, reader);
	store_release(w->st, db);
	return NULL;
}

static void concurrent_writers_answered_after_commit(void **state)
{
	struct fx *f = *state;
	pthread_t t[THREADS];
	struct writer w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){f->st, f->account, i, 0};
		assert_int_equal(pthread_create(&t[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].wrong, 0);
	}
	/* Exactly the rounds that succeeded left a row, with their value. */
	for (int i = 0; i < THREADS; i++)
		for (int r = 0; r < ROUNDS; r++) {
			char tl[32];
			snprintf(tl, sizeof tl, "t%d-%d", i, r);
			struct marker m;
			enum store_rc got = store_marker_get(f->c.db, f->account, tl, &m);
			if (fails(i, r)) {
				assert_int_equal(got, ST_NOT_FOUND);
			} else {
				assert_int_equal(got, ST_OK);
				assert_int_equal(m.last_read_id, i * 1000 + r);
			}
		}
}

/* A failing callback in the middle of a transaction leaves the writes made
 * before it in the same transaction alone. */
struct two {
	struct put first, second;
};

static enum store_rc nested_fn(struct db *db, void *arg)
{
	struct two *t = arg;
	enum store_rc st = put_fn(db, &t->first);
	return st == ST_OK ? put_fn(db, &t->second) : st;
}

static void failure_undoes_the_whole_callback(void **state)
{
	struct fx *f = *state;
	struct two t = {{f->account, "a", 1, false}, {f->account, "b", 2, true}};
	assert_int_equal(store_tx(f->c.db, nested_fn, &t), ST_CONFLICT);
	struct marker m;
	assert_int_equal(store_marker_get(f->c.db, f->account, "a", &m), ST_NOT_FOUND);
	assert_int_equal(store_marker_get(f->c.db, f->account, "b", &m), ST_NOT_FOUND);
	t.second.fail = false;
	assert_int_equal(store_tx(f->c.db, nested_fn, &t), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "a", &m), ST_OK);
	assert_int_equal(m.last_read_id, 1);
	assert_int_equal(store_marker_get(f->c.db, f->account, "b", &m), ST_OK);
	assert_int_equal(m.last_read_id, 2);
}

/* A lead (store_tx_lead) is written with the first store_tx that succeeds,
 * in its transaction; a failing one leaves it pending; store_tx_lead_end
 * writes a lead nothing carried. */
static void lead_rides_the_first_successful_tx(void **state)
{
	struct fx *f = *state;
	struct put claim = {f->account, "claim", 7, false};
	struct put bad = {f->account, "bad", 1, true}, good = {f->account, "good", 2, false};
	struct store_tx_lead l = {.fn = put_fn, .ctx = &claim};
	struct marker m;
	store_tx_lead_begin(&l);
	assert_int_equal(store_tx(f->c.db, put_fn, &bad), ST_CONFLICT);
	assert_false(l.written);
	assert_int_equal(store_marker_get(f->c.db, f->account, "claim", &m), ST_NOT_FOUND);
	assert_int_equal(store_tx(f->c.db, put_fn, &good), ST_OK);
	assert_true(l.written);
	assert_int_equal(store_marker_get(f->c.db, f->account, "claim", &m), ST_OK);
	assert_int_equal(store_tx_lead_end(f->c.db, &l, true), ST_OK);
	/* nothing carried it: written at the end, or not at all */
	struct put late = {f->account, "late", 3, false};
	l.ctx = &late;
	store_tx_lead_begin(&l);
	assert_int_equal(store_tx_lead_end(f->c.db, &l, false), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "late", &m), ST_NOT_FOUND);
	store_tx_lead_begin(&l);
	assert_int_equal(store_tx_lead_end(f->c.db, &l, true), ST_OK);
	assert_true(l.written);
	assert_int_equal(store_marker_get(f->c.db, f->account, "late", &m), ST_OK);
}

/* A refused lead (a claim found taken) fails its store_tx and every later
 * one until the end: nothing is written for it. */
static void refused_lead_writes_nothing(void **state)
{
	struct fx *f = *state;
	struct put claim = {f->account, "claim", 7, true};
	struct put one = {f->account, "one", 1, false}, two = {f->account, "two", 2, false};
	struct store_tx_lead l = {.fn = put_fn, .ctx = &claim};
	struct marker m;
	store_tx_lead_begin(&l);
	assert_int_equal(store_tx(f->c.db, put_fn, &one), ST_CONFLICT);
	assert_int_equal(store_tx(f->c.db, put_fn, &two), ST_CONFLICT);
	assert_int_equal(store_tx_lead_end(f->c.db, &l, true), ST_CONFLICT);
	assert_false(l.written);
	assert_int_equal(store_marker_get(f->c.db, f->account, "claim", &m), ST_NOT_FOUND);
	assert_int_equal(store_marker_get(f->c.db, f->account, "one", &m), ST_NOT_FOUND);
	assert_int_equal(store_marker_get(f->c.db, f->account, "two", &m), ST_NOT_FOUND);
	/* after the end, store_tx carries nothing */
	assert_int_equal(store_tx(f->c.db, put_fn, &two), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "two", &m), ST_OK);
}

/* A write queued with db_exec_later (sent with the next statement on
 * PostgreSQL) that fails makes its callback's transaction fail, whether
 * the callback's next statement or its end reports it: nothing of the
 * callback is kept, and the next transaction works. */
static enum store_rc later_fn(struct db *db, void *arg)
{
	struct put *p = arg;
	enum store_rc st = store_marker_put(db, p->account, p->timeline, p->value, now_ms());
	if (st != ST_OK)
		return st;
	if (refused_later(db) != DB_OK)
		return ST_CONFLICT;
	int64_t n;
	if (p->fail && db_scalar(db, &n, "SELECT COUNT(*) FROM schema_version", "") != DB_ROW)
		return ST_CONFLICT; /* the queued write's failure, told by the next statement */
	return ST_OK;
}

static void failed_queued_write_fails_its_transaction(void **state)
{
	struct fx *f = *state;
	struct put at_end = {f->account, "q1", 1, false}, at_next = {f->account, "q2", 2, true};
	struct marker m;
	assert_int_not_equal(store_tx(f->c.db, later_fn, &at_end), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "q1", &m), ST_NOT_FOUND);
	assert_int_not_equal(store_tx(f->c.db, later_fn, &at_next), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "q2", &m), ST_NOT_FOUND);
	struct put ok = {f->account, "q3", 3, false};
	assert_int_equal(store_tx(f->c.db, put_fn, &ok), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "q3", &m), ST_OK);
}

/* A store_tx that finds the writer busy is counted (store_tx_waits), so
 * background work can give way to requests on either backend. */
struct holder {
	struct store *st;
	int64_t account;
	atomic_int inside, release;
};

static enum store_rc hold_fn(struct db *db, void *arg)
{
	struct holder *h = arg;
	atomic_store(&h->inside, 1);
	while (!atomic_load(&h->release))
		usleep(1000);
	return store_marker_put(db, h->account, "held", 1, now_ms());
}

static void *holder_main(void *arg)
{
	struct holder *h = arg;
	struct db *db = store_acquire(h->st);
	if (store_tx(db, hold_fn, h) != ST_OK)
		atomic_store(&h->inside, -1);
	store_release(h->st, db);
	return NULL;
}

static void *waiter_main(void *arg)
{
	struct holder *h = arg;
	struct db *db = store_acquire(h->st);
	struct put p = {h->account, "waited", 2, false, false};
	if (store_tx(db, put_fn, &p) != ST_OK)
		atomic_store(&h->inside, -1);
	store_release(h->st, db);
	return NULL;
}

static void waiting_writer_is_counted(void **state)
{
	struct fx *f = *state;
	struct holder h = {f->st, f->account, 0, 0};
	pthread_t a, b;
	int64_t before = store_tx_waits();
	assert_int_equal(pthread_create(&a, NULL, holder_main, &h), 0);
	while (!atomic_load(&h.inside))
		usleep(1000);
	assert_int_equal(pthread_create(&b, NULL, waiter_main, &h), 0);
	/* the waiter is counted before it blocks; 10 s bounds a failure */
	for (int i = 0; i < 10000 && store_tx_waits() == before; i++)
		usleep(1000);
	int64_t counted = store_tx_waits() - before;
	atomic_store(&h.release, 1);
	assert_int_equal(pthread_join(a, NULL), 0);
	assert_int_equal(pthread_join(b, NULL), 0);
	assert_int_equal(counted, 1);
	assert_int_equal(atomic_load(&h.inside), 1);
	struct marker m;
	assert_int_equal(store_marker_get(f->c.db, f->account, "waited", &m), ST_OK);
}

/* PostgreSQL: a connection whose backend is terminated (as a restart of
 * the server does) is made again. The writer and a reader lost while idle
 * serve the next call; a transaction caught by the loss, with a write
 * queued in its pipeline, fails whole, and the next one succeeds. */
static enum store_rc pid_fn(struct db *db, void *arg)
{
	return db_scalar(db, arg, "SELECT pg_backend_pid()", "") == DB_ROW ? ST_OK : ST_ERROR;
}

static void terminate(struct db *db, int64_t pid)
{
	int64_t done = 0;
	assert_int_equal(db_scalar(db, &done, "SELECT CAST(pg_terminate_backend("
				   "CAST($1 AS INTEGER), 5000) AS INTEGER)", "i", pid), DB_ROW);
	assert_int_equal(done, 1);
}

static enum store_rc lost_midway_fn(struct db *db, void *arg)
{
	struct put *p = arg;
	enum store_rc st = store_marker_put(db, p->account, p->timeline, p->value, now_ms());
	if (st != ST_OK)
		return st;
	/* the backend ends itself in the pipeline, before the next write */
	if (db_exec_later(db, "SELECT pg_terminate_backend(pg_backend_pid())", "") != DB_OK)
		return ST_ERROR;
	return store_marker_put(db, p->account, "midway2", 2, now_ms());
}

static void lost_connections_are_made_again(void **state)
{
	struct fx *f = *state;
	if (!getenv("RAPPORT_TEST_PG_URL"))
		skip();
	struct marker m;
	int64_t writer = 0, reader = 0;
	assert_int_equal(store_tx(f->c.db, pid_fn, &writer), ST_OK);
	terminate(f->c.db, writer);
	struct put one = {f->account, "after-writer", 1, false};
	assert_int_equal(store_tx(f->c.db, put_fn, &one), ST_OK);

	struct db *other = store_acquire(f->st);
	assert_int_equal(db_scalar(other, &reader, "SELECT pg_backend_pid()", ""), DB_ROW);
	terminate(f->c.db, reader);
	assert_int_equal(store_marker_get(other, f->account, "after-writer", &m), ST_OK);
	store_release(f->st, other);

	struct put midway = {f->account, "midway1", 1, false};
	assert_int_not_equal(store_tx(f->c.db, lost_midway_fn, &midway), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "midway1", &m), ST_NOT_FOUND);
	assert_int_equal(store_marker_get(f->c.db, f->account, "midway2", &m), ST_NOT_FOUND);
	struct put two = {f->account, "after-midway", 2, false};
	assert_int_equal(store_tx(f->c.db, put_fn, &two), ST_OK);
	assert_int_equal(store_marker_get(f->c.db, f->account, "after-midway", &m), ST_OK);
}

/* PostgreSQL: a transaction alone in its group sends the writes it queued
 * last, its notices and its COMMIT in one round trip; a queued write that
 * fails there stops the COMMIT (failed_queued_write_fails_its_transaction
 * has that at its end). */
static enum store_rc lone_fn(struct db *db, void *arg)
{
	struct put *p = arg;
	enum store_rc st = store_marker_put(db, p->account, p->timeline, p->value, now_ms());
	if (st != ST_OK)
		return st;
	if (db_exec_later(db,
			  "INSERT INTO markers (account_id, timeline, last_read_id, version,"
			  " updated_at) VALUES ($1, 'lone-later', $2, 0, 0) ON CONFLICT"
			  " (account_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id",
			  "ii", p->account, p->value) != DB_OK ||
	    db_notice(db, "lone;test,1") != DB_OK || db_notice(db, "lone:2") != DB_OK)
		return ST_ERROR;
	return ST_OK;
}

static void lone_member_commits_with_its_queued_writes(void **state)
{
	struct fx *f = *state;
	if (!getenv("RAPPORT_TEST_PG_URL"))
		skip();
	struct marker m;
	for (int i = 1; i <= 2; i++) { /* the first prepares its statements */
		struct put p = {f->account, "lone", i, false};
		int64_t before = db_pg_round_trips();
		assert_int_equal(store_tx(f->c.db, lone_fn, &p), ST_OK);
		/* BEGIN, lock, savepoint and the marker; the queued write and COMMIT */
		if (i == 2)
			assert_int_equal(db_pg_round_trips() - before, 2);
		assert_int_equal(store_marker_get(f->c.db, f->account, "lone", &m), ST_OK);
		assert_int_equal(m.last_read_id, i);
		assert_int_equal(store_marker_get(f->c.db, f->account, "lone-later", &m), ST_OK);
		assert_int_equal(m.last_read_id, i);
	}
}

/* A read caught by the loss of its connection runs once more on a new one;
 * one lost again fails, as a transient failure (nothing of it was kept);
 * a write outside a transaction is not run again, and its failure is not
 * transient (whether it was kept is unknown); a transaction's statement
 * is not run again either, and nothing of the transaction is kept. */
static void a_read_caught_by_the_loss_runs_again(void **state)
{
	struct fx *f = *state;
	if (!getenv("RAPPORT_TEST_PG_URL"))
		skip();
	struct db *db = store_acquire(f->st);
	int64_t pid = 0, got = 0;
	assert_int_equal(db_scalar(db, &pid, "SELECT pg_backend_pid()", ""), DB_ROW);
	assert_int_equal(db_scalar(db, &got, "SELECT CASE WHEN pg_backend_pid() = $1 THEN"
				   " pg_terminate_backend(pg_backend_pid()) ELSE true END", "i",
				   pid), DB_ROW);
	assert_int_equal(got, 1);
	assert_false(db_pg_lost());
	assert_int_equal(db_scalar(db, &got, "SELECT pg_terminate_backend(pg_backend_pid())", ""),
			 DB_ERROR);
	assert_true(db_pg_lost());

	db_pg_lost_forget();
	assert_int_equal(db_exec(db, "UPDATE accounts SET note = 'lost' WHERE id = $1 AND"
				 " pg_terminate_backend(pg_backend_pid())", "i", f->account),
			 DB_ERROR);
	assert_false(db_pg_lost());
	assert_int_equal(db_scalar(db, &got, "SELECT COUNT(*) FROM accounts WHERE note = 'lost'",
				   ""), DB_ROW);
	assert_int_equal(got, 0);
	store_release(f->st, db);

	struct put midway = {f->account, "midway1", 1, false};
	db_pg_lost_forget();
	assert_int_not_equal(store_tx(f->c.db, lost_midway_fn, &midway), ST_OK);
	assert_true(db_pg_lost());
	struct marker m;
	assert_int_equal(store_marker_get(f->c.db, f->account, "midway1", &m), ST_NOT_FOUND);
}

/* A PREPARE caught by the loss of its connection (a statement's first use
 * on a connection) is sent again on a new one: it changes nothing. The
 * loss is caught midway: another session holds a lock on the table the
 * statement names, so its PREPARE waits; the backend is ended while it
 * waits, then the lock is let go. */
struct preparer {
	struct store *st;
	_Atomic int64_t pid;
	atomic_bool go;
	enum db_rc rc;
	int64_t got;
	bool lost;
};

static void *preparer_main(void *arg)
{
	struct preparer *w = arg;
	struct db *db = store_acquire(w->st);
	int64_t pid = 0;
	if (db_scalar(db, &pid, "SELECT pg_backend_pid()", "") != DB_ROW)
		pid = -1;
	atomic_store(&w->pid, pid);
	while (!atomic_load(&w->go))
		usleep(1000);
	db_pg_lost_forget();
	w->rc = db_scalar(db, &w->got, "SELECT COUNT(*) + 40 FROM accounts WHERE id >= $1", "i",
			  (int64_t)0);
	w->lost = db_pg_lost();
	store_release(w->st, db);
	return NULL;
}

static void a_prepare_caught_by_the_loss_is_sent_again(void **state)
{
	struct fx *f = *state;
	const char *url = getenv("RAPPORT_TEST_PG_URL");
	if (!url)
		skip();
	struct preparer w = {.st = f->st};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, preparer_main, &w), 0);
	while (!atomic_load(&w.pid))
		usleep(1000);
	assert_true(w.pid > 0);
	struct db *lk;
	assert_int_equal(db_open(url, false, &lk), DB_OK);
	assert_int_equal(db_script(lk, "BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE"),
			 DB_OK);
	atomic_store(&w.go, true);
	int64_t waiting = 0;
	for (int i = 0; i < 5000 && !waiting; i++) { /* up to 5 s */
		assert_int_equal(db_scalar(lk, &waiting,
					   "SELECT COUNT(*) FROM pg_locks WHERE pid = $1 AND NOT granted",
					   "i", w.pid),
				 DB_ROW);
		if (!waiting)
			usleep(1000);
	}
	assert_int_equal(waiting, 1); /* its PREPARE waits for the lock */
	int64_t ended = 0;
	assert_int_equal(db_scalar(lk, &ended, "SELECT pg_terminate_backend(CAST($1 AS INTEGER))", "i",
				   w.pid),
			 DB_ROW);
	assert_int_equal(ended, 1);
	assert_int_equal(db_script(lk, "COMMIT"), DB_OK);
	db_close(lk);
	pthread_join(t, NULL);
	assert_int_equal(w.rc, DB_ROW);
	assert_int_equal(w.got, 41); /* the one account */
	assert_false(w.lost);        /* the loss cost nothing */
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(concurrent_writers_answered_after_commit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(failure_undoes_the_whole_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(lead_rides_the_first_successful_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_lead_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_queued_write_fails_its_transaction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(waiting_writer_is_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_connections_are_made_again, setup, teardown),
		cmocka_unit_test_setup_teardown(lone_member_commits_with_its_queued_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_read_caught_by_the_loss_runs_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_prepare_caught_by_the_loss_is_sent_again, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("group commit", tests, NULL, NULL);
}
