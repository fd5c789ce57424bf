/* homecache.c - the first page of each viewer's home, kept in memory on
 * PostgreSQL.
 *
 * A home request on PostgreSQL reads its first batch in one statement
 * (home_fold in store_statuses.c): the feed's newest ids, whether the
 * viewer blocks, is blocked, mutes or blocks a domain, which of the batch's
 * private and direct statuses the viewer may see, the viewer's flags over
 * the batch's range, and the suspended accounts. That statement was most
 * of a warm home request's cost; here it is a hash probe. (Mastodon keeps
 * home feeds in Redis; this is the in-process equivalent.)
 *
 * Correctness rests on invalidation, as for the row and token caches:
 * triggers (migration 30, schema_pg.c) NOTIFY at commit the ids of the
 * accounts whose home inputs changed ("h1,2,3": their feed, follows,
 * mentions, favourites, bookmarks, pins, detector flags, reblogs, blocks
 * either way, mutes and domain blocks), or "h*" when too many to name; the
 * listener drops them (homecache_viewer, homecache_clear). A reader trusts
 * an entry only once its thread is synced with the listener, so every
 * commit acknowledged before its request began has been applied. The
 * suspended accounts are one set for every viewer, dropped on every token
 * notice (migration 29 sends one when suspended_at changes) and on "*".
 *
 * Dropping a viewer costs one increment: an entry keeps the stamp of its
 * viewer's slot (one of SLOTS, by account id) and the generation, and is
 * valid while neither has moved. A reader that missed takes a ticket (the
 * stamps) before reading the database and stores what it read with the
 * ticket's stamps, so what it read from a snapshot older than a commit
 * whose notice was applied meanwhile is dead as soon as it is stored.
 *
 * Fixed size (RAPPORT_HOME_CACHE entries, 4-way set-associative, the least
 * recently stored way replaced), no allocation after init. */
#include "store/store_internal.h"
#include "store/db_pg.h"
#include "util/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 4
#define SLOTS 65536
#define STRIPES 64
#define SUSPENDED_MAX 4096

struct entry {
	int64_t viewer; /* 0: empty */
	uint32_t stamp, gen, age;
	struct home_page page;
};

static struct {
	struct entry *e;
	size_t nsets; /* a power of two */
	pthread_mutex_t lock[STRIPES];
	_Atomic uint32_t stamp[SLOTS]; /* moves when a viewer's inputs may have */
	_Atomic uint32_t gen;          /* moves when every entry is forgotten */
	_Atomic uint32_t clock;
	_Atomic uint64_t hits, misses;
	/* The suspended accounts, sorted; valid while sgen has not moved. */
	pthread_mutex_t slock;
	_Atomic uint32_t sgen;
	uint32_t sgen_kept;
	bool skept;
	int sn;
	int64_t *sids;
} hc = {.slock = PTHREAD_MUTEX_INITIALIZER};

void homecache_init(size_t entries)
{
	homecache_free();
	if (entries < WAYS)
		return;
	size_t sets = 1;
	while (sets * 2 * WAYS <= entries)
		sets *= 2;
	hc.e = xcalloc(sets * WAYS, sizeof *hc.e);
	hc.nsets = sets;
	hc.sids = xcalloc(SUSPENDED_MAX, sizeof *hc.sids);
	hc.skept = false;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&hc.lock[i], NULL);
}

void homecache_free(void)
{
	if (!hc.e)
		return;
	free(hc.e);
	free(hc.sids);
	hc.e = NULL;
	hc.sids = NULL;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&hc.lock[i]);
}

bool homecache_on(void)
{
	return hc.e != NULL;
}

static size_t slot_of(int64_t viewer)
{
	uint64_t h = (uint64_t)viewer * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 48) % SLOTS;
}

static size_t set_of(int64_t viewer)
{
	uint64_t h = (uint64_t)viewer * 0xC2B2AE3D27D4EB4Full;
	h ^= h >> 29;
	return (size_t)(h & (hc.nsets - 1));
}

void homecache_viewer(int64_t viewer)
{
	atomic_fetch_add(&hc.stamp[slot_of(viewer)], 1);
}

void homecache_clear(void)
{
	atomic_fetch_add(&hc.gen, 1);
	homecache_suspended_drop();
}

void homecache_suspended_drop(void)
{
	atomic_fetch_add(&hc.sgen, 1);
}

struct home_ticket homecache_ticket(int64_t viewer)
{
	return (struct home_ticket){atomic_load(&hc.stamp[slot_of(viewer)]),
				    atomic_load(&hc.gen), atomic_load(&hc.sgen)};
}

/* The valid entry of viewer in its set w, or NULL; its stripe's lock held. */
static const struct entry *live(const struct entry *w, int64_t viewer)
{
	for (int i = 0; i < WAYS; i++)
		if (w[i].viewer == viewer && w[i].gen == atomic_load(&hc.gen) &&
		    w[i].stamp == atomic_load(&hc.stamp[slot_of(viewer)]))
			return &w[i];
	return NULL;
}

/* Copies viewer's page into *page (counted in the figures), or only its
 * filters into *filters. */
static bool lookup(int64_t viewer, struct home_page *page, bool *filters)
{
	if (!hc.e || !viewer || !db_pg_synced())
		return false;
	size_t set = set_of(viewer);
	pthread_mutex_lock(&hc.lock[set % STRIPES]);
	const struct entry *e = live(&hc.e[set * WAYS], viewer);
	if (e && page)
		*page = e->page;
	if (e && filters)
		*filters = e->page.filters;
	pthread_mutex_unlock(&hc.lock[set % STRIPES]);
	if (page)
		atomic_fetch_add_explicit(e ? &hc.hits : &hc.misses, 1, memory_order_relaxed);
	return e != NULL;
}

bool homecache_get(int64_t viewer, struct home_page *out)
{
	return lookup(viewer, out, NULL);
}

bool homecache_filters(int64_t viewer, bool *filters)
{
	return lookup(viewer, NULL, filters);
}

void homecache_put(const struct home_ticket *t, int64_t viewer, const struct home_page *p)
{
	if (!hc.e || !viewer || t->stamp != atomic_load(&hc.stamp[slot_of(viewer)]) ||
	    t->gen != atomic_load(&hc.gen))
		return;
	size_t set = set_of(viewer);
	pthread_mutex_lock(&hc.lock[set % STRIPES]);
	struct entry *w = &hc.e[set * WAYS], *victim = &w[0];
	for (int i = 0; i < WAYS; i++) {
		if (w[i].viewer == viewer) {
			victim = &w[i];
			break;
		}
		if (!w[i].viewer || (victim->viewer && w[i].age < victim->age))
			victim = &w[i];
	}
	/* The ticket's stamps, not today's: a drop since it was taken (after
	 * the check above) leaves this entry dead. */
	victim->viewer = viewer;
	victim->stamp = t->stamp;
	victim->gen = t->gen;
	victim->age = atomic_fetch_add_explicit(&hc.clock, 1, memory_order_relaxed) + 1;
	victim->page = *p;
	pthread_mutex_unlock(&hc.lock[set % STRIPES]);
}

bool homecache_suspended_get(struct arena *ar, int64_t **ids, int *n)
{
	if (!hc.e || !db_pg_synced())
		return false;
	pthread_mutex_lock(&hc.slock);
	bool hit = hc.skept && hc.sgen_kept == atomic_load(&hc.sgen);
	if (hit) {
		*n = hc.sn;
		*ids = arena_alloc(ar, (size_t)(hc.sn ? hc.sn : 1) * sizeof **ids);
		memcpy(*ids, hc.sids, (size_t)hc.sn * sizeof **ids);
	}
	pthread_mutex_unlock(&hc.slock);
	return hit;
}

void homecache_suspended_put(const struct home_ticket *t, const int64_t *ids, int n)
{
	if (!hc.e || n > SUSPENDED_MAX)
		return;
	pthread_mutex_lock(&hc.slock);
	if (t->sgen == atomic_load(&hc.sgen)) {
		memcpy(hc.sids, ids, (size_t)n * sizeof *ids);
		hc.sn = n;
		hc.sgen_kept = t->sgen;
		hc.skept = true;
	}
	pthread_mutex_unlock(&hc.slock);
}

void homecache_stats(uint64_t *hits, uint64_t *misses)
{
	*hits = atomic_load(&hc.hits);
	*misses = atomic_load(&hc.misses);
}
