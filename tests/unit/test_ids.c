/* Unit tests of what several threads or processes do at once: IDs from
 * many threads and from several nodes (util/util.c), and checking unknown
 * accounts' passwords from many threads (core/password.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/password.h"
#include "util/util.h"

#define THREADS 4
#define PER_THREAD 50000

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* True if the n ids have no duplicate (sorts them). */
static bool all_distinct(int64_t *ids, size_t n)
{
	qsort(ids, n, sizeof *ids, cmp_id);
	for (size_t i = 1; i < n; i++)
		if (ids[i] == ids[i - 1])
			return false;
	return true;
}

/* The largest id any thread has been given so far. */
static _Atomic int64_t published;

struct minter {
	int64_t *ids;
	int late; /* ids not greater than one already handed out before the call */
};

static void publish(int64_t id)
{
	int64_t seen = atomic_load(&published);
	while (seen < id && !atomic_compare_exchange_weak(&published, &seen, id))
		;
}

static void *mint_main(void *arg)
{
	struct minter *m = arg;
	for (int i = 0; i < PER_THREAD; i++) {
		int64_t before = atomic_load(&published);
		m->ids[i] = id_new();
		m->late += m->ids[i] <= before;
		publish(m->ids[i]);
	}
	return NULL;
}

/* Every id is greater than every id handed out before it was asked for,
 * whichever thread asked: ids from many threads are time-ordered. */
static void ids_strictly_increase_across_threads(void **state)
{
	(void)state;
	int64_t *all = calloc(THREADS * PER_THREAD, sizeof *all);
	struct minter m[THREADS];
	pthread_t t[THREADS];
	int64_t t0 = now_ms();
	for (int i = 0; i < THREADS; i++) {
		m[i] = (struct minter){.ids = all + i * PER_THREAD};
		assert_int_equal(pthread_create(&t[i], NULL, mint_main, &m[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(m[i].late, 0);
		for (int k = 1; k < PER_THREAD; k++)
			assert_true(m[i].ids[k] > m[i].ids[k - 1]);
	}
	assert_true(all_distinct(all, THREADS * PER_THREAD));
	/* Mastodon's layout: the high bits are the millisecond of creation. */
	assert_true((all[0] >> 16) >= t0);
	free(all);
}

/* Within one millisecond, a generator makes 2^ID_SEQ_BITS ids and then
 * moves on to the next millisecond: never a repeat, never a step back,
 * even when the clock goes backwards. */
static void sequence_exhaustion_moves_to_the_next_ms(void **state)
{
	(void)state;
	struct idgen g = {.node = 5};
	const int64_t t = 1750000000000;
	int n = (1 << ID_SEQ_BITS) + 10;
	int64_t prev = 0;
	for (int i = 0; i < n; i++) {
		int64_t id = idgen_next(&g, t);
		assert_true(id > prev);
		assert_int_equal(id >> 16, i < (1 << ID_SEQ_BITS) ? t : t + 1);
		assert_int_equal((id >> ID_SEQ_BITS) & ID_NODE_MAX, 5);
		prev = id;
	}
	assert_true(idgen_next(&g, t - 1000) > prev); /* the clock stepped back */
	int64_t later = idgen_next(&g, t + 50);
	assert_int_equal(later >> 16, t + 50);
	assert_int_equal(later & ((1 << ID_SEQ_BITS) - 1), 0);
}

struct node_minter {
	struct idgen *g;
	int64_t *ids;
	int n;
};

static void *node_main(void *arg)
{
	struct node_minter *m = arg;
	for (int i = 0; i < m->n; i++)
		m->ids[i] = idgen_next(m->g, now_ms());
	return NULL;
}

/* Two processes with different node ids, minting at the same moments,
 * never make the same id; a generator's ids carry its node. */
static void two_nodes_never_collide(void **state)
{
	(void)state;
	struct idgen a = {.node = 0}, b = {.node = 1}, c = {.node = ID_NODE_MAX};
	const int64_t t = 1750000000000;
	int n = 3 * (1 << ID_SEQ_BITS);
	int64_t *ids = calloc(PER_THREAD > n * 3 ? PER_THREAD : n * 3, sizeof *ids);
	for (int i = 0; i < n; i++) {
		ids[3 * i] = idgen_next(&a, t);
		ids[3 * i + 1] = idgen_next(&b, t);
		ids[3 * i + 2] = idgen_next(&c, t);
		assert_int_equal((ids[3 * i + 2] >> ID_SEQ_BITS) & ID_NODE_MAX, ID_NODE_MAX);
	}
	assert_true(all_distinct(ids, (size_t)n * 3));
	/* The same on the real clock, from two threads at once. */
	struct idgen x = {.node = 2}, y = {.node = 3};
	struct node_minter m[2] = {{&x, ids, PER_THREAD / 2}, {&y, ids + PER_THREAD / 2,
							       PER_THREAD / 2}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, node_main, &m[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_true(all_distinct(ids, PER_THREAD));
	free(ids);
}

static _Atomic int verified;

static void *verify_main(void *arg)
{
	(void)arg;
	if (!password_verify(NULL, "guess"))
		atomic_fetch_add(&verified, 1);
	return NULL;
}

/* Unknown accounts are checked against one dummy hash, made once (at start
 * by password_init, or by the first check) and only read afterwards: many
 * threads checking at once, before anyone made it, is not a data race
 * (run under -fsanitize=thread to see one). */
static void unknown_accounts_checked_from_many_threads(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, verify_main, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(atomic_load(&verified), THREADS);
	assert_int_equal(password_init(), 0);
	char hash[PASSWORD_HASH_MAX];
	assert_int_equal(password_hash("not a password", hash), 0);
	assert_true(password_verify(hash, "not a password"));
	assert_false(password_verify("", "not a password"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_strictly_increase_across_threads),
		cmocka_unit_test(sequence_exhaustion_moves_to_the_next_ms),
		cmocka_unit_test(two_nodes_never_collide),
		cmocka_unit_test(unknown_accounts_checked_from_many_threads),
	};
	return cmocka_run_group_tests_name("ids", tests, NULL, NULL);
}
