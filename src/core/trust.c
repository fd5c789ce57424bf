#include "core/trust.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool graph_ok(const struct trust_graph *g)
{
	if (!g || g->n == 0 || !g->row || g->row[0] != 0)
		return false;
	for (uint32_t i = 0; i < g->n; i++)
		if (g->row[i + 1] < g->row[i])
			return false;
	for (uint32_t e = 0; e < g->row[g->n]; e++)
		if (g->col[e] >= g->n || (g->w && !(g->w[e] >= 0 && isfinite(g->w[e]))))
			return false;
	return true;
}

static bool seeds_ok(const uint32_t *seeds, size_t nseeds, uint32_t n)
{
	if (!seeds || nseeds == 0)
		return false;
	for (size_t k = 0; k < nseeds; k++)
		if (seeds[k] >= n)
			return false;
	return true;
}

static double weight(const struct trust_graph *g, uint32_t e)
{
	return g->w ? g->w[e] : 1.0;
}

/* inv[i] = 1 / (total weight leaving i), 0 for a node without edges. */
static void out_weights(const struct trust_graph *g, double *inv)
{
	for (uint32_t i = 0; i < g->n; i++) {
		double sum = 0;
		for (uint32_t e = g->row[i]; e < g->row[i + 1]; e++)
			sum += weight(g, e);
		inv[i] = sum > 0 ? 1.0 / sum : 0;
	}
}

/* One step of the walk from x into next; returns the L1 change. */
static double step(const struct trust_graph *g, const uint32_t *seeds, size_t nseeds,
		   double damping, const double *inv, const double *x, double *next)
{
	double dangling = 0, delta = 0;
	memset(next, 0, g->n * sizeof *next);
	for (uint32_t i = 0; i < g->n; i++) {
		if (inv[i] == 0) {
			dangling += x[i];
			continue;
		}
		double share = damping * x[i] * inv[i];
		for (uint32_t e = g->row[i]; e < g->row[i + 1]; e++)
			next[g->col[e]] += share * weight(g, e);
	}
	double jump = ((1 - damping) + damping * dangling) / (double)nseeds;
	for (size_t k = 0; k < nseeds; k++)
		next[seeds[k]] += jump;
	for (uint32_t i = 0; i < g->n; i++)
		delta += fabs(next[i] - x[i]);
	return delta;
}

int trust_rank(const struct trust_graph *g, const uint32_t *seeds, size_t nseeds, double damping,
	       double epsilon, int max_iter, double *score, double *work)
{
	if (!graph_ok(g) || !seeds_ok(seeds, nseeds, g->n) || !(damping >= 0 && damping < 1) ||
	    max_iter < 1)
		return -1;
	double *inv = work, *next = work + g->n;
	out_weights(g, inv);
	memset(score, 0, g->n * sizeof *score);
	for (size_t k = 0; k < nseeds; k++)
		score[seeds[k]] += 1.0 / (double)nseeds;
	int it = 0;
	while (it < max_iter) {
		double delta = step(g, seeds, nseeds, damping, inv, score, next);
		memcpy(score, next, g->n * sizeof *score);
		it++;
		if (delta < epsilon)
			break;
	}
	return it;
}

/* ---- the reciprocated-reply graph ---- */

static int pair_cmp(const void *x, const void *y)
{
	const struct trust_pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* Sorts pairs, adds up repeats and drops self-replies and zero counts;
 * returns how many remain (at the front). */
static size_t pairs_merge(struct trust_pair *pairs, size_t npairs)
{
	qsort(pairs, npairs, sizeof *pairs, pair_cmp);
	size_t m = 0;
	for (size_t k = 0; k < npairs; k++) {
		struct trust_pair p = pairs[k];
		if (p.a == p.b || p.count == 0)
			continue;
		if (m > 0 && !pair_cmp(&pairs[m - 1], &p)) {
			uint32_t sum = pairs[m - 1].count + p.count;
			pairs[m - 1].count = sum < p.count ? UINT32_MAX : sum;
		} else {
			pairs[m++] = p;
		}
	}
	return m;
}

long trust_graph_build(struct trust_pair *pairs, size_t npairs, uint32_t n, uint32_t *row,
		       uint32_t *col, float *w, size_t cap, struct trust_graph *g)
{
	for (size_t k = 0; k < npairs; k++)
		if (pairs[k].a >= n || pairs[k].b >= n)
			return -1;
	size_t m = pairs_merge(pairs, npairs), edges = 0;
	memset(row, 0, ((size_t)n + 1) * sizeof *row);
	for (size_t k = 0; k < m; k++) {
		struct trust_pair back = {pairs[k].b, pairs[k].a, 0};
		const struct trust_pair *r = bsearch(&back, pairs, m, sizeof *pairs, pair_cmp);
		if (!r)
			continue;
		if (edges >= cap)
			return -1;
		uint32_t least = r->count < pairs[k].count ? r->count : pairs[k].count;
		col[edges] = pairs[k].b;
		w[edges++] = (float)log2(1.0 + least);
		row[pairs[k].a + 1]++;
	}
	for (uint32_t i = 0; i < n; i++)
		row[i + 1] += row[i];
	*g = (struct trust_graph){.n = n, .row = row, .col = col, .w = w};
	return (long)edges;
}
