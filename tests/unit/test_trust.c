/* Unit tests of core/trust: the reciprocated-reply graph, and
 * personalized PageRank on hand-made communities: a sybil cluster that
 * talks only among itself, one that got a single honest account to answer,
 * and convergence checked by the fixed point (no timing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/trust.h"

#define HONEST 20
#define SYBILS 30
#define NODES (HONEST + SYBILS)
#define PAIRS_MAX 4096

struct community {
	struct trust_pair pairs[PAIRS_MAX];
	size_t npairs;
	uint32_t row[NODES + 1], col[PAIRS_MAX];
	float w[PAIRS_MAX];
	struct trust_graph g;
	double score[NODES], work[2 * NODES];
};

static void talk(struct community *c, uint32_t a, uint32_t b, uint32_t ab, uint32_t ba)
{
	assert_true(c->npairs + 2 <= PAIRS_MAX);
	c->pairs[c->npairs++] = (struct trust_pair){a, b, ab};
	c->pairs[c->npairs++] = (struct trust_pair){b, a, ba};
}

/* Honest people talk in a ring with chords, a few replies each way; the
 * sybils all talk with each other, a lot, and reply to honest people who
 * never answer (one direction only: no edge). */
static void community_make(struct community *c, bool attack_edge)
{
	memset(c, 0, sizeof *c);
	for (uint32_t i = 0; i < HONEST; i++) {
		talk(c, i, (i + 1) % HONEST, 3 + i % 4, 2 + i % 3);
		talk(c, i, (i + 7) % HONEST, 5, 4);
	}
	for (uint32_t i = HONEST; i < NODES; i++) {
		for (uint32_t j = i + 1; j < NODES; j++)
			talk(c, i, j, 50, 50);
		c->pairs[c->npairs++] = (struct trust_pair){i, i % HONEST, 9};
	}
	if (attack_edge)
		talk(c, HONEST, 5, 1, 1); /* one sybil got honest #5 to answer once */
	long e = trust_graph_build(c->pairs, c->npairs, NODES, c->row, c->col, c->w, PAIRS_MAX,
				   &c->g);
	assert_true(e > 0);
}

static int community_rank(struct community *c)
{
	static const uint32_t seeds[] = {0, 1};
	int it = trust_rank(&c->g, seeds, 2, TRUST_DAMPING, TRUST_EPSILON, TRUST_MAX_ITER,
			    c->score, c->work);
	assert_true(it > 0);
	return it;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

static double honest_median(const struct community *c)
{
	double v[HONEST];
	memcpy(v, c->score, sizeof v);
	qsort(v, HONEST, sizeof v[0], cmp_double);
	return (v[HONEST / 2 - 1] + v[HONEST / 2]) / 2;
}

static void sybils_alone_earn_nothing(void **state)
{
	(void)state;
	static struct community c;
	community_make(&c, false);
	community_rank(&c);
	double honest = 0, sybil = 0;
	for (int i = 0; i < HONEST; i++) {
		assert_true(c.score[i] > 0.001);
		honest += c.score[i];
	}
	for (int i = HONEST; i < NODES; i++)
		sybil += c.score[i];
	assert_true(sybil < 1e-12); /* never visited: exactly nothing */
	assert_true(fabs(honest - 1) < 1e-9);
}

static void one_attack_edge_earns_little(void **state)
{
	(void)state;
	static struct community c;
	community_make(&c, true);
	community_rank(&c);
	double median = honest_median(&c), sybil = 0;
	/* The sybil the honest account answered earns a little (about 7 % of
	 * the honest median here), the others about 1 %. */
	assert_true(c.score[HONEST] <= 0.10 * median);
	for (int i = HONEST; i < NODES; i++) {
		assert_true(i == HONEST || c.score[i] <= 0.02 * median);
		sybil += c.score[i];
	}
	/* Thirty sybils together hold less than one typical honest account. */
	assert_true(sybil < median);
	assert_true(sybil > 0);
}

/* The result is the fixed point: one more step moves it by less than the
 * tolerance, it sums to one, and a cap of one iteration is obeyed. */
static void converges_to_the_fixed_point(void **state)
{
	(void)state;
	static struct community c;
	community_make(&c, true);
	int it = community_rank(&c);
	assert_true(it < TRUST_MAX_ITER);
	double before[NODES], sum = 0;
	memcpy(before, c.score, sizeof before);
	/* One iteration more than it took (epsilon 0 runs to the cap). */
	static const uint32_t seeds[] = {0, 1};
	int again = trust_rank(&c.g, seeds, 2, TRUST_DAMPING, 0, it + 1, c.score, c.work);
	assert_int_equal(again, it + 1);
	double moved = 0;
	for (int i = 0; i < NODES; i++) {
		moved += fabs(c.score[i] - before[i]);
		sum += c.score[i];
	}
	assert_true(moved < 10 * TRUST_EPSILON);
	assert_true(fabs(sum - 1) < 1e-9);
	assert_int_equal(trust_rank(&c.g, seeds, 2, TRUST_DAMPING, 0, 1, c.score, c.work), 1);
}

/* A random graph of 10,000 accounts and about 100,000 edges converges
 * within the cap. */
static void converges_at_scale(void **state)
{
	(void)state;
	enum { N = 10000, P = 50000 };
	struct trust_pair *pairs = malloc(2 * P * sizeof *pairs);
	uint32_t *row = malloc((N + 1) * sizeof *row), *col = malloc(2 * P * sizeof *col);
	float *w = malloc(2 * P * sizeof *w);
	double *score = malloc(N * sizeof *score), *work = malloc(2 * N * sizeof *work);
	uint64_t x = 88172645463325252ULL;
	for (size_t k = 0; k < P; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint32_t a = (uint32_t)(x % N), b = (uint32_t)((x >> 32) % N);
		pairs[2 * k] = (struct trust_pair){a, b, 1 + (uint32_t)(x >> 60)};
		pairs[2 * k + 1] = (struct trust_pair){b, a, 1};
	}
	struct trust_graph g;
	long e = trust_graph_build(pairs, 2 * P, N, row, col, w, 2 * P, &g);
	assert_true(e > P);
	uint32_t seeds[] = {1, 2, 3, 4, 5};
	int it = trust_rank(&g, seeds, 5, TRUST_DAMPING, TRUST_EPSILON, TRUST_MAX_ITER, score,
			    work);
	assert_true(it > 10 && it < TRUST_MAX_ITER);
	free(pairs), free(row), free(col), free(w), free(score), free(work);
}

static void reciprocated_edges_only(void **state)
{
	(void)state;
	struct trust_pair p[] = {
		{0, 1, 3}, {1, 0, 1}, /* both ways: an edge each way, weight log2(1 + 1) */
		{1, 2, 4},            /* one way: nothing */
		{3, 3, 9},            /* to oneself: nothing */
		{2, 3, 2}, {3, 2, 0}, /* a zero count is no reply */
		{3, 0, 1}, {0, 3, 2}, {3, 0, 6}, /* repeats add up: min(7, 2) = 2 */
	};
	uint32_t row[5], col[16];
	float w[16];
	struct trust_graph g;
	long e = trust_graph_build(p, sizeof p / sizeof p[0], 4, row, col, w, 16, &g);
	assert_int_equal(e, 4);
	static const uint32_t want_row[] = {0, 2, 3, 3, 4}, want_col[] = {1, 3, 0, 0};
	assert_memory_equal(row, want_row, sizeof want_row);
	assert_memory_equal(col, want_col, sizeof want_col);
	assert_true(fabsf(w[0] - 1.0f) < 1e-6f && fabsf(w[2] - 1.0f) < 1e-6f);
	assert_true(fabsf(w[1] - (float)log2(3.0)) < 1e-6f);
	assert_true(fabsf(w[3] - (float)log2(3.0)) < 1e-6f);
	assert_int_equal(g.n, 4);
	assert_ptr_equal(g.row, row);
	/* Out of range, or more edges than room. */
	struct trust_pair bad[] = {{0, 4, 1}};
	assert_int_equal(trust_graph_build(bad, 1, 4, row, col, w, 16, &g), -1);
	struct trust_pair two[] = {{0, 1, 1}, {1, 0, 1}};
	assert_int_equal(trust_graph_build(two, 2, 2, row, col, w, 1, &g), -1);
}

static void bad_input_is_refused(void **state)
{
	(void)state;
	uint32_t row[] = {0, 1, 2}, col[] = {1, 0};
	struct trust_graph g = {.n = 2, .row = row, .col = col};
	double score[2] = {7, 7}, work[4];
	uint32_t seed = 0, far = 2;
	assert_int_equal(trust_rank(&g, &seed, 0, 0.85, 1e-6, 10, score, work), -1);
	assert_int_equal(trust_rank(&g, &far, 1, 0.85, 1e-6, 10, score, work), -1);
	assert_int_equal(trust_rank(&g, &seed, 1, 1.0, 1e-6, 10, score, work), -1);
	assert_int_equal(trust_rank(&g, &seed, 1, 0.85, 1e-6, 0, score, work), -1);
	col[1] = 5;
	assert_int_equal(trust_rank(&g, &seed, 1, 0.85, 1e-6, 10, score, work), -1);
	col[1] = 0;
	float w[] = {1, -1};
	g.w = w;
	assert_int_equal(trust_rank(&g, &seed, 1, 0.85, 1e-6, 10, score, work), -1);
	assert_true(score[0] == 7 && score[1] == 7); /* untouched */
	/* A seed without edges keeps everything. */
	uint32_t lone_row[] = {0, 0, 0};
	struct trust_graph lone = {.n = 2, .row = lone_row, .col = col};
	assert_true(trust_rank(&lone, &seed, 1, 0.85, 1e-6, 10, score, work) > 0);
	assert_true(fabs(score[0] - 1) < 1e-12 && score[1] == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sybils_alone_earn_nothing),
		cmocka_unit_test(one_attack_edge_earns_little),
		cmocka_unit_test(converges_to_the_fixed_point),
		cmocka_unit_test(converges_at_scale),
		cmocka_unit_test(reciprocated_edges_only),
		cmocka_unit_test(bad_input_is_refused),
	};
	return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
