#include "util/ratelimit.h"
#include "util/util.h"

#include <stdio.h>
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
	/* Shared windows: the most hits the store has answered it counted,
	 * the hits sent to it and not answered yet, and the hits counted here
	 * and not sent yet. */
	int64_t global;
	int64_t inflight;
	int64_t pending;
};

void ratelimit_init(struct ratelimit *rl)
{
	pthread_mutex_init(&rl->lock, NULL);
	rl->slots = xcalloc(RL_SLOTS, sizeof(struct rl_entry));
	rl->used = 0;
	rl->full_until = 0;
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

/* Whether e holds hits the store has not counted yet (a shared window's,
 * see ratelimit_count): such a window stays until it ends, so a flood of
 * other keys cannot wash its hits out. */
static bool rl_untold(const struct rl_entry *e)
{
	return e->pending > 0 || e->inflight > 0;
}

/* Rebuilds the table without expired windows; if it is still more than
 * three quarters full, the quarter of windows that end first go too (of
 * those without untold hits). Done in bulk so a flood of new keys costs
 * one rebuild per many keys, not one each. Called with the lock held. */
static void rl_compact(struct ratelimit *rl, int64_t now)
{
	struct rl_entry *old = rl->slots;
	int64_t *ends = xcalloc(RL_SLOTS, sizeof *ends);
	size_t live = 0, evictable = 0;
	for (size_t i = 0; i < RL_SLOTS; i++)
		if (old[i].key[0] && old[i].end_ms > now) {
			live++;
			if (!rl_untold(&old[i]))
				ends[evictable++] = old[i].end_ms;
		}
	int64_t cut = now;
	if (live > RATELIMIT_MAX_KEYS * 3 / 4 && evictable) {
		qsort(ends, evictable, sizeof *ends, cmp_i64);
		cut = ends[live / 4 < evictable ? live / 4 : evictable - 1];
	}
	free(ends);
	rl->slots = xcalloc(RL_SLOTS, sizeof(struct rl_entry));
	rl->used = 0;
	for (size_t i = 0; i < RL_SLOTS; i++) {
		if (!old[i].key[0] || old[i].end_ms <= now ||
		    (!rl_untold(&old[i]) && old[i].end_ms <= cut))
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
		/* Full of windows with untold hits: the caller counts without,
		 * and the table is not rebuilt for each such key. */
		if (now < rl->full_until)
			return NULL;
		rl_compact(rl, now);
		if (rl->used >= RATELIMIT_MAX_KEYS) {
			rl->full_until = now + 1000;
			return NULL;
		}
		return rl_find(rl, key, now, true);
	}
	struct rl_entry *e = &rl->slots[j];
	memset(e, 0, sizeof *e);
	strncpy(e->key, key, RL_KEYLEN - 1);
	rl->used++;
	return e;
}

/* key as the table (and the store) keep it: a long key is cut (at a
 * character: the store keeps text) and the hash of the whole added, so two
 * keys alike in their first 78 bytes (e-mail addresses) stay two. */
static void rl_key(char k[RL_KEYLEN], const char *key)
{
	size_t n = strlen(key), cut = RL_KEYLEN - 18;
	if (n < RL_KEYLEN) {
		memcpy(k, key, n + 1);
		return;
	}
	while (cut && ((unsigned char)key[cut] & 0xC0) == 0x80)
		cut--;
	memcpy(k, key, cut);
	snprintf(k + cut, 18, "#%016llx", (unsigned long long)rl_hash(key));
}

static struct rl_result rl_do(struct ratelimit *rl, const char *key, int limit, int window_s,
			      bool count)
{
	char k[RL_KEYLEN];
	rl_key(k, key);
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
 * a process may count hits by itself while they stay under a share
 * (1 / RL_SHARE) of what its view leaves of the limit (the most the store
 * has answered it counted, plus what it sent and has no answer for yet),
 * then adds them to the store in one statement and reads the window again.
 * Far from the limit most hits cost nothing; near it (or with a small
 * limit) every hit goes to the store, so the limit holds across processes
 * to within what the others counted and have not told yet: at most that
 * share each, of what was left when they last read it. A window's first
 * hit in a process always goes to the store, and so fails closed when it
 * cannot be counted. */
struct rl_result ratelimit_count(struct ratelimit *rl, void *db, const char *key, int limit,
				 int window_s)
{
	if (!rl->shared)
		return rl_do(rl, key, limit, window_s, true);
	char k[RL_KEYLEN];
	rl_key(k, key);
	int64_t now = now_ms(), hits = 0, end = 0;
	struct rl_result r = {.limit = limit};
	pthread_mutex_lock(&rl->lock);
	struct rl_entry *e = rl_find(rl, k, now, true);
	if (!e) { /* no room to count by itself: this hit goes to the store */
		pthread_mutex_unlock(&rl->lock);
		if (rl->shared(db, k, 1, now, (int64_t)window_s * 1000, &hits, &end)) {
			r.failed = true;
			end = now + 1000;
		}
		rl_finish(&r, now, hits, end);
		return r;
	}
	if (e->end_ms <= now) /* not read, or a new window: what was counted here is moot */
		e->pending = 0;
	int64_t seen = e->global + e->inflight;
	if (e->end_ms > now && seen < limit && e->pending < (limit - seen) / RL_SHARE) {
		e->pending++;
		hits = seen + e->pending;
		end = e->end_ms;
		pthread_mutex_unlock(&rl->lock);
		rl_finish(&r, now, hits, end);
		return r;
	}
	int64_t n = 1 + e->pending; /* this hit and those not sent yet */
	e->pending = 0;
	e->inflight += n;
	pthread_mutex_unlock(&rl->lock);

	bool ok = !rl->shared(db, k, n, now, (int64_t)window_s * 1000, &hits, &end);

	pthread_mutex_lock(&rl->lock);
	e = rl_find(rl, k, now, true); /* the table may have been rebuilt */
	if (e) {
		e->inflight = e->inflight > n ? e->inflight - n : 0;
		if (!ok) {
			e->pending += n - 1; /* let through before: sent next time */
		} else if (end > e->end_ms || (end == e->end_ms && hits > e->global)) {
			/* Answers of concurrent hits may come back in any order. */
			e->end_ms = end;
			e->global = hits;
		}
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
