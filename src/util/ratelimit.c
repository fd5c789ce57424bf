#include "util/ratelimit.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define RL_SLOTS (RATELIMIT_MAX_KEYS * 2)
#define RL_KEYLEN 96

/* Hits a process may count of a shared window before it tells the store:
 * a share of what the window had left when last read (see ratelimit_count). */
#define RL_SHARE 16

struct rl_entry {
	char key[RL_KEYLEN]; /* empty: free slot */
	int64_t start_ms;
	int64_t end_ms;
	int count;
	/* Shared windows: the hits the store had counted when last asked, the
	 * hits counted here since and not yet told, and how many may be. */
	int64_t global;
	int pending;
	int budget;
};

void ratelimit_init(struct ratelimit *rl)
{
	pthread_mutex_init(&rl->lock, NULL);
	rl->slots = xcalloc(RL_SLOTS, sizeof(struct rl_entry));
	rl->used = 0;
	rl->shared = NULL;
}

void ratelimit_free(struct ratelimit *rl)
{
	free(rl->slots);
	rl->slots = NULL;
	pthread_mutex_destroy(&rl->lock);
}

static uint64_t rl_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

/* Rebuilds the table without expired windows; if it is still more than
 * three quarters full, the quarter of windows that end first go too. Done
 * in bulk so a flood of new keys costs one rebuild per many keys, not one
 * each. Called with the lock held. */
static void rl_compact(struct ratelimit *rl, int64_t now)
{
	struct rl_entry *old = rl->slots;
	int64_t *ends = xcalloc(RL_SLOTS, sizeof *ends);
	size_t live = 0;
	for (size_t i = 0; i < RL_SLOTS; i++)
		if (old[i].key[0] && old[i].end_ms > now)
			ends[live++] = old[i].end_ms;
	int64_t cut = now;
	if (live > RATELIMIT_MAX_KEYS * 3 / 4) {
		qsort(ends, live, sizeof *ends, cmp_i64);
		cut = ends[live / 4];
	}
	free(ends);
	rl->slots = xcalloc(RL_SLOTS, sizeof(struct rl_entry));
	rl->used = 0;
	for (size_t i = 0; i < RL_SLOTS; i++) {
		if (!old[i].key[0] || old[i].end_ms <= cut)
			continue;
		size_t j = rl_hash(old[i].key) % RL_SLOTS;
		while (rl->slots[j].key[0])
			j = (j + 1) % RL_SLOTS;
		rl->slots[j] = old[i];
		rl->used++;
	}
	free(old);
}

static struct rl_entry *rl_find(struct ratelimit *rl, const char *key, int64_t now, bool create)
{
	size_t j = rl_hash(key) % RL_SLOTS;
	while (rl->slots[j].key[0]) {
		if (!strcmp(rl->slots[j].key, key))
			return &rl->slots[j];
		j = (j + 1) % RL_SLOTS;
	}
	if (!create)
		return NULL;
	if (rl->used >= RATELIMIT_MAX_KEYS) {
		rl_compact(rl, now);
		return rl_find(rl, key, now, true);
	}
	struct rl_entry *e = &rl->slots[j];
	memset(e, 0, sizeof *e);
	strncpy(e->key, key, RL_KEYLEN - 1);
	rl->used++;
	return e;
}

static struct rl_result rl_do(struct ratelimit *rl, const char *key, int limit, int window_s,
			      bool count)
{
	char k[RL_KEYLEN];
	strncpy(k, key, RL_KEYLEN - 1);
	k[RL_KEYLEN - 1] = '\0';
	int64_t now = now_ms();
	struct rl_result r = {.allowed = true, .limit = limit, .remaining = limit};
	pthread_mutex_lock(&rl->lock);
	struct rl_entry *e = rl_find(rl, k, now, count);
	if (e && e->end_ms <= now) {
		e->start_ms = now;
		e->end_ms = now + (int64_t)window_s * 1000;
		e->count = 0;
	}
	if (e) {
		if (count && e->count < limit)
			e->count++;
		else if (count)
			r.allowed = false;
		r.remaining = limit - e->count;
		r.reset_ms = e->end_ms;
	} else {
		r.reset_ms = now + (int64_t)window_s * 1000;
	}
	pthread_mutex_unlock(&rl->lock);
	if (!count && r.remaining <= 0)
		r.allowed = false;
	r.retry_after_s = (int)((r.reset_ms - now + 999) / 1000);
	if (r.retry_after_s < 1)
		r.retry_after_s = 1;
	return r;
}

struct rl_result ratelimit_hit(struct ratelimit *rl, const char *key, int limit, int window_s)
{
	return rl_do(rl, key, limit, window_s, true);
}

void ratelimit_share(struct ratelimit *rl, ratelimit_shared_fn fn)
{
	rl->shared = fn;
}

static void rl_finish(struct rl_result *r, int64_t now, int64_t hits, int64_t end)
{
	r->allowed = !r->failed && hits <= r->limit;
	r->remaining = hits < r->limit ? (int)(r->limit - hits) : 0;
	r->reset_ms = end;
	r->retry_after_s = (int)((end - now + 999) / 1000);
	if (r->retry_after_s < 1)
		r->retry_after_s = 1;
}

/* Shared windows are counted in the store, but not one statement per hit:
 * a process that has read a window with h of its limit hits counted may
 * count (limit - h) / RL_SHARE more by itself before it adds them to the
 * store in one statement and reads the window again. Far from the limit
 * most hits cost nothing; near it (or with a small limit) every hit goes
 * to the store, so the limit holds across processes to within what the
 * other processes counted and have not told yet: at most that share each,
 * of what was left when they last read it. A window's first hit in a
 * process always goes to the store, and so fails closed when it cannot be
 * counted. */
struct rl_result ratelimit_count(struct ratelimit *rl, void *db, const char *key, int limit,
				 int window_s)
{
	if (!rl->shared)
		return rl_do(rl, key, limit, window_s, true);
	char k[RL_KEYLEN];
	strncpy(k, key, RL_KEYLEN - 1);
	k[RL_KEYLEN - 1] = '\0';
	int64_t now = now_ms(), hits = 0, end = 0;
	struct rl_result r = {.limit = limit};
	pthread_mutex_lock(&rl->lock);
	struct rl_entry *e = rl_find(rl, k, now, true);
	if (e->end_ms <= now) { /* a new window: what was counted here is moot */
		e->pending = 0;
		e->budget = 0;
	}
	if (e->pending < e->budget) {
		e->pending++;
		hits = e->global + e->pending;
		end = e->end_ms;
		pthread_mutex_unlock(&rl->lock);
		rl_finish(&r, now, hits, end);
		return r;
	}
	int64_t n = 1 + e->pending; /* this hit and those not told yet */
	e->pending = 0;
	e->budget = 0;
	pthread_mutex_unlock(&rl->lock);

	bool ok = !rl->shared(db, key, n, now, (int64_t)window_s * 1000, &hits, &end);

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, k, now, true); /* the table may have been rebuilt */
	if (!ok) {
		e->pending += (int)(n - 1); /* let through before: told next time */
	} else if (end > e->end_ms || (end == e->end_ms && hits > e->global)) {
		/* Answers of concurrent hits may come back in any order. */
		e->end_ms = end;
		e->global = hits;
		e->budget = hits < limit ? (int)((limit - hits) / RL_SHARE) : 0;
	}
	pthread_mutex_unlock(&rl->lock);
	if (!ok) {
		r.failed = true;
		end = now + 1000;
	}
	rl_finish(&r, now, hits, end);
	return r;
}

struct rl_result ratelimit_peek(struct ratelimit *rl, const char *key, int limit, int window_s)
{
	return rl_do(rl, key, limit, window_s, false);
}
