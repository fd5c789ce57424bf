/* cache.h - a bounded, thread-safe cache of byte strings keyed by
 * (kind, id) and validated by a stamp.
 *
 * An entry is only returned when the caller's stamp (a few integers the
 * caller reads cheaply, such as counters and modification times) equals
 * the stamp the entry was stored with, so an entry never needs to be
 * invalidated: a change to the underlying data changes its stamp, and the
 * stale entry is replaced by the next put or ages out. The cache holds at
 * most max_bytes of entries (payload plus bookkeeping), evicting the least
 * recently used; it is split into shards, each with its own lock. */
#ifndef RAPPORT_CACHE_H
#define RAPPORT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define CACHE_STAMP_MAX 6

struct cache;

struct cache_stats {
	uint64_t hits, misses, puts, evictions;
	size_t bytes, entries;
};

/* max_bytes 0 gives a cache that stores nothing (every get misses). */
struct cache *cache_new(size_t max_bytes);
void cache_free(struct cache *c);

/* The stored bytes for (kind, id) if present with an equal stamp, copied
 * into ar (NUL-terminated) with their length in *len; NULL otherwise. */
const char *cache_get(struct cache *c, uint32_t kind, int64_t id, const int64_t *stamp,
		      int nstamp, struct arena *ar, size_t *len);
/* Stores a copy of data for (kind, id) with its stamp, replacing any older
 * entry. nstamp is at most CACHE_STAMP_MAX. */
void cache_put(struct cache *c, uint32_t kind, int64_t id, const int64_t *stamp, int nstamp,
	       const char *data, size_t len);
void cache_stats(struct cache *c, struct cache_stats *out);

#endif
