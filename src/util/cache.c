/* cache.c - see cache.h.
 *
 * Each shard is a chained hash table whose entries are also on a doubly
 * linked recency list (most recent at the head). A get moves its entry to
 * the head; a put that takes the shard past its share of the byte budget
 * evicts from the tail. The table doubles when it holds more entries than
 * buckets. (A ring of bytes per shard, evicting first in first out, held
 * memory exactly to the budget but missed twice as often on the home
 * timeline benchmark as this least-recently-used order.) */
#include "util/cache.h"
#include "util/util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SHARDS 16

struct entry {
	struct entry *next;             /* hash chain */
	struct entry *newer, *older;    /* recency list */
	int64_t id;
	uint32_t kind;
	int nstamp;
	int64_t stamp[CACHE_STAMP_MAX];
	size_t len;
	char data[];
};

struct shard {
	pthread_mutex_t lock;
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t entries, bytes, max_bytes;
	struct entry *newest, *oldest;
	uint64_t hits, misses, puts, evictions;
};

struct cache {
	struct shard shard[SHARDS];
};

static uint64_t hash(uint32_t kind, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull ^ ((uint64_t)kind << 56);
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 32);
}

/* What an entry costs: its allocation and the allocator's header. */
static size_t entry_size(size_t len)
{
	return sizeof(struct entry) + len + 1 + 16;
}

struct cache *cache_new(size_t max_bytes)
{
	struct cache *c = xcalloc(1, sizeof *c);
	for (int i = 0; i < SHARDS; i++) {
		struct shard *s = &c->shard[i];
		pthread_mutex_init(&s->lock, NULL);
		s->nbuckets = 256;
		s->buckets = xcalloc(s->nbuckets, sizeof *s->buckets);
		s->max_bytes = max_bytes / SHARDS;
	}
	return c;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (int i = 0; i < SHARDS; i++) {
		struct shard *s = &c->shard[i];
		for (struct entry *e = s->newest, *n; e; e = n) {
			n = e->older;
			free(e);
		}
		free(s->buckets);
		pthread_mutex_destroy(&s->lock);
	}
	free(c);
}

static struct entry **slot(struct shard *s, uint64_t h, uint32_t kind, int64_t id)
{
	struct entry **p = &s->buckets[(h >> 4) & (s->nbuckets - 1)];
	while (*p && ((*p)->id != id || (*p)->kind != kind))
		p = &(*p)->next;
	return p;
}

static void unlink_recency(struct shard *s, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(struct shard *s, struct entry *e)
{
	e->older = s->newest;
	e->newer = NULL;
	if (s->newest)
		s->newest->newer = e;
	s->newest = e;
	if (!s->oldest)
		s->oldest = e;
}

/* Unlinks e from its chain and the recency list and frees it. */
static void drop(struct shard *s, struct entry **at)
{
	struct entry *e = *at;
	*at = e->next;
	unlink_recency(s, e);
	s->entries--;
	s->bytes -= entry_size(e->len);
	free(e);
}

static void grow(struct shard *s)
{
	size_t n = s->nbuckets * 2;
	struct entry **b = xcalloc(n, sizeof *b);
	for (size_t i = 0; i < s->nbuckets; i++)
		for (struct entry *e = s->buckets[i], *next; e; e = next) {
			next = e->next;
			struct entry **p = &b[(hash(e->kind, e->id) >> 4) & (n - 1)];
			e->next = *p;
			*p = e;
		}
	free(s->buckets);
	s->buckets = b;
	s->nbuckets = n;
}

static bool same_stamp(const struct entry *e, const int64_t *stamp, int nstamp)
{
	return e->nstamp == nstamp && !memcmp(e->stamp, stamp, sizeof *stamp * (size_t)nstamp);
}

const char *cache_get(struct cache *c, uint32_t kind, int64_t id, const int64_t *stamp,
		      int nstamp, struct arena *ar, size_t *len)
{
	uint64_t h = hash(kind, id);
	struct shard *s = &c->shard[h % SHARDS];
	const char *out = NULL;
	pthread_mutex_lock(&s->lock);
	struct entry *e = *slot(s, h, kind, id);
	if (e && same_stamp(e, stamp, nstamp)) {
		unlink_recency(s, e);
		push_newest(s, e);
		out = arena_strndup(ar, e->data, e->len);
		*len = e->len;
		s->hits++;
	} else {
		s->misses++;
	}
	pthread_mutex_unlock(&s->lock);
	return out;
}

void cache_put(struct cache *c, uint32_t kind, int64_t id, const int64_t *stamp, int nstamp,
	       const char *data, size_t len)
{
	if (nstamp < 0 || nstamp > CACHE_STAMP_MAX)
		return;
	uint64_t h = hash(kind, id);
	struct shard *s = &c->shard[h % SHARDS];
	size_t need = entry_size(len);
	if (need > s->max_bytes / 4) /* nothing that would crowd out the rest */
		return;
	struct entry *e = xmalloc(sizeof *e + len + 1);
	e->next = e->newer = e->older = NULL;
	e->id = id;
	e->kind = kind;
	e->nstamp = nstamp;
	memset(e->stamp, 0, sizeof e->stamp);
	memcpy(e->stamp, stamp, sizeof *stamp * (size_t)nstamp);
	e->len = len;
	memcpy(e->data, data, len);
	e->data[len] = '\0';

	pthread_mutex_lock(&s->lock);
	struct entry **at = slot(s, h, kind, id);
	if (*at)
		drop(s, at);
	while (s->bytes + need > s->max_bytes && s->oldest) {
		struct entry *old = s->oldest;
		drop(s, slot(s, hash(old->kind, old->id), old->kind, old->id));
		s->evictions++;
	}
	if (s->entries >= s->nbuckets)
		grow(s);
	at = &s->buckets[(h >> 4) & (s->nbuckets - 1)];
	e->next = *at;
	*at = e;
	push_newest(s, e);
	s->entries++;
	s->bytes += need;
	s->puts++;
	pthread_mutex_unlock(&s->lock);
}

void cache_stats(struct cache *c, struct cache_stats *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < SHARDS; i++) {
		struct shard *s = &c->shard[i];
		pthread_mutex_lock(&s->lock);
		out->hits += s->hits;
		out->misses += s->misses;
		out->puts += s->puts;
		out->evictions += s->evictions;
		out->bytes += s->bytes;
		out->entries += s->entries;
		pthread_mutex_unlock(&s->lock);
	}
}
