/* trust.h - trust as personalized PageRank over the conversation graph.
 *
 * Nodes are accounts numbered 0..n-1 by the caller; an edge A -> B says A
 * and B have answered each other (trust_graph_build keeps only reciprocated
 * replies). A random walk starts at a seed (an admin, or an account older
 * than 30 days with reciprocated conversations that a first walk from the
 * admins reaches: core/social_capital.c), follows edges in
 * proportion to their weight, and jumps back to a seed with probability
 * 1 - damping at each step (and always from an account without edges). An
 * account's trust is the share of time the walk spends there: a cluster no
 * seed talks with is never visited and earns exactly zero, and a cluster
 * one honest account talks with earns at most what flows through that one
 * conversation. See docs/SOCIAL.md, "Trust".
 *
 * Pure functions over arrays the caller owns; nothing allocates. Cost per
 * iteration O(n + edges); with damping 0.85 about 90 iterations reach an
 * L1 change below 1e-6 (each one shrinks the error by the damping at
 * least), so 10k accounts and 1M edges take well under a second. */
#ifndef RAPPORT_TRUST_H
#define RAPPORT_TRUST_H

#include <stddef.h>
#include <stdint.h>

#define TRUST_DAMPING 0.85
#define TRUST_EPSILON 1e-6 /* stop when the L1 change of an iteration is below this */
#define TRUST_MAX_ITER 200 /* ... or after this many iterations */

/* A weighted directed graph in compressed sparse rows: the edges leaving
 * node i are col[row[i]] .. col[row[i + 1] - 1], with weights w[...]. */
struct trust_graph {
	uint32_t n;          /* nodes */
	const uint32_t *row; /* n + 1 offsets, row[0] == 0, non-decreasing */
	const uint32_t *col; /* row[n] targets, each < n */
	const float *w;      /* row[n] weights >= 0, or NULL for 1 each */
};

/* Computes personalized PageRank of g from the seeds (node numbers < n;
 * repeats count twice) with the given damping (0 <= damping < 1), until
 * an iteration changes the scores by less than epsilon in L1 or after
 * max_iter iterations. score receives n values summing to 1; work must
 * hold 2 * n doubles. Returns the iterations made (max_iter if it did not
 * converge), or -1 if g is malformed, there are no seeds or a seed or the
 * damping is out of range (score untouched). */
int trust_rank(const struct trust_graph *g, const uint32_t *seeds, size_t nseeds, double damping,
	       double epsilon, int max_iter, double *score, double *work);

/* "a replied to b count times": one direction of a conversation. */
struct trust_pair {
	uint32_t a, b, count;
};

/* Builds the reciprocated-reply graph of n nodes from the pairs: an edge
 * a -> b (and b -> a) exists only if both (a, b) and (b, a) are among the
 * pairs with counts > 0; self-replies are ignored and repeated pairs add
 * up. The weight of both edges is log2(1 + min(count a->b, count b->a)):
 * it grows with the back-and-forth, slowly, so one chatty pair cannot
 * outweigh many conversations. pairs is sorted in place. row must hold
 * n + 1 entries, col and w cap entries; at most npairs edges are made.
 * Fills g to point at row, col and w. Returns the number of edges, or -1
 * if a node number is >= n or the edges would pass cap (g is then
 * untouched and the arrays' content unspecified). */
long trust_graph_build(struct trust_pair *pairs, size_t npairs, uint32_t n, uint32_t *row,
		       uint32_t *col, float *w, size_t cap, struct trust_graph *g);

#endif
