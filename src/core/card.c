#include "core/card.h"

#include <stdlib.h>

struct card_share card_share_of(uint32_t yes, uint32_t of)
{
	if (yes > of)
		yes = of;
	return (struct card_share){.yes = yes, .of = of, .value = of ? (double)yes / of : -1};
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int64_t card_median_ms(int64_t *v, size_t n)
{
	if (n == 0)
		return -1;
	qsort(v, n, sizeof *v, cmp_i64);
	if (n % 2)
		return v[n / 2];
	int64_t a = v[n / 2 - 1], b = v[n / 2];
	return a + (b - a) / 2;
}

struct card_share card_answered(const struct card_addressed *v, size_t n, int64_t now)
{
	uint32_t yes = 0, of = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].answered_at > 0) {
			of++;
			yes += v[i].answered_at - v[i].received_at <= CARD_ANSWER_MS;
		} else if (now - v[i].received_at >= CARD_ANSWER_MS) {
			of++;
		}
	}
	return card_share_of(yes, of);
}

struct card_share card_depth(const struct card_thread *v, size_t n)
{
	uint32_t yes = 0;
	for (size_t i = 0; i < n; i++)
		yes += v[i].turns >= CARD_DEPTH_TURNS && v[i].people >= CARD_DEPTH_PEOPLE;
	return card_share_of(yes, (uint32_t)n);
}

double card_listening(uint32_t given, uint32_t originals)
{
	return (double)given / (originals ? originals : 1);
}

double card_saturation(uint32_t originals, double days, uint32_t replies_received)
{
	if (!(days > 0))
		return 0;
	double per_post = originals ? (double)replies_received / originals : 0;
	return (originals / days) / (1 + per_post);
}

double card_trust(double score, uint32_t accounts)
{
	return score * accounts;
}
