/* rowcache.c - the numbers of statuses and accounts, kept in memory.
 *
 * Timelines and threads read, for every row of a page, a status's and
 * its author's numbers (ids, visibility, counters, times: what lite rows
 * hold). Reading them from the database costs a B-tree descent into a
 * table far larger than the page cache for every row; here they cost a
 * hash probe.
 *
 * Correctness rests on invalidation, not expiry: the database layer
 * reports every row of `statuses` and `accounts` that a statement inserts,
 * changes or deletes (db_on_change), once when the statement runs and
 * again after its transaction commits or rolls back. A reader that misses
 * takes the epoch before reading the database and stores what it read only
 * if no change was reported since, so a row read from a snapshot older
 * than a concurrent commit never lands after that commit's invalidation.
 *
 * On SQLite this process makes every change to existing rows (`rapport
 * serve` holds the store; other commands only add accounts), reported by
 * the update hook. On PostgreSQL several processes may write: triggers
 * NOTIFY every changed row at commit and each process's listener reports
 * them (store/db_pg.h), and a reader trusts the cache only once its thread
 * is synced with that listener: every commit acknowledged before its
 * request began (or before its own last commit) has been applied.
 *
 * The table is set-associative (4 ways per set, the least recently
 * stored replaced), fixed in size at start: no allocation after init. */
#include "store/store_internal.h"
#include "store/db_pg.h"
#include "store/db_sqlite.h"
#include "util/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 4
#define STRIPES 64

enum { KIND_STATUS = 1, KIND_ACCOUNT = 2 };

/* The numbers kept, named as in struct status and struct account. */
#define STATUS_NUMS(X)                                                                         \
	X(account_id) X(reblog_of_id) X(in_reply_to_id) X(in_reply_to_account_id) X(thread_id) \
	X(app_id) X(created_at) X(edited_at) X(replies_count) X(reblogs_count)                 \
	X(favourites_count)
#define ACCOUNT_NUMS(X)                                                                        \
	X(created_at) X(updated_at) X(last_status_at) X(statuses_count) X(followers_count)     \
	X(following_count) X(sensitized_at)
#define FIELD(f) int64_t f;

struct row {
	int64_t id; /* 0: empty */
	uint32_t kind, age;
	union {
		struct {
			STATUS_NUMS(FIELD)
			int8_t visibility;
			bool sensitive, local;
		} s;
		struct {
			ACCOUNT_NUMS(FIELD)
		} a;
	} u;
};

static struct {
	struct row *rows;
	size_t nsets; /* a power of two */
	_Atomic uint32_t clock; /* ages entries: the oldest way of a set is replaced */
	pthread_mutex_t lock[STRIPES];
	_Atomic uint64_t epoch;
	_Atomic uint64_t hits, misses;
} rc;

void rowcache_init(size_t max_rows)
{
	rowcache_free();
	if (max_rows < WAYS)
		return;
	size_t sets = 1;
	while (sets * 2 * WAYS <= max_rows)
		sets *= 2;
	rc.rows = xcalloc(sets * WAYS, sizeof *rc.rows);
	rc.nsets = sets;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&rc.lock[i], NULL);
}

void rowcache_free(void)
{
	if (!rc.rows)
		return;
	free(rc.rows);
	rc.rows = NULL;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&rc.lock[i]);
}

static size_t set_of(uint32_t kind, int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull ^ kind;
	h ^= h >> 31;
	return (size_t)(h & (rc.nsets - 1));
}

static pthread_mutex_t *lock_of(size_t set)
{
	return &rc.lock[set % STRIPES];
}

uint64_t rowcache_epoch(void)
{
	return atomic_load(&rc.epoch);
}

void rowcache_clear(void)
{
	atomic_fetch_add(&rc.epoch, 1);
	for (size_t set = 0; rc.rows && set < rc.nsets; set++) {
		pthread_mutex_lock(lock_of(set));
		for (int i = 0; i < WAYS; i++)
			rc.rows[set * WAYS + i].id = 0;
		pthread_mutex_unlock(lock_of(set));
	}
	atomic_fetch_add(&rc.epoch, 1);
}

bool rowcache_on(void)
{
	return rc.rows != NULL;
}

/* db_watch's tables, in the order of the kinds. */
static const char *const watched[] = {"statuses", "accounts"};

void rowcache_changed(int table, int64_t id)
{
	uint32_t kind = table == 0 ? KIND_STATUS : KIND_ACCOUNT;
	atomic_fetch_add(&rc.epoch, 1);
	if (!rc.rows)
		return;
	size_t set = set_of(kind, id);
	pthread_mutex_lock(lock_of(set));
	struct row *w = &rc.rows[set * WAYS];
	for (int i = 0; i < WAYS; i++)
		if (w[i].id == id && w[i].kind == kind)
			w[i].id = 0;
	/* The epoch moves again once the row is gone: a reader that took the
	 * epoch between the two increments read the old row. */
	atomic_fetch_add(&rc.epoch, 1);
	pthread_mutex_unlock(lock_of(set));
}

/* Finds (kind, id) and copies it out; false on a miss. */
static bool get(uint32_t kind, int64_t id, struct row *out)
{
	if (!rc.rows || !id || !db_pg_synced())
		return false;
	size_t set = set_of(kind, id);
	bool hit = false;
	pthread_mutex_lock(lock_of(set));
	struct row *w = &rc.rows[set * WAYS];
	for (int i = 0; i < WAYS; i++)
		if (w[i].id == id && w[i].kind == kind) {
			*out = w[i];
			hit = true;
			break;
		}
	pthread_mutex_unlock(lock_of(set));
	atomic_fetch_add_explicit(hit ? &rc.hits : &rc.misses, 1, memory_order_relaxed);
	return hit;
}

/* Stores r unless a change was reported since `epoch` was taken. */
static void put(uint64_t epoch, struct row *r)
{
	if (!rc.rows || !r->id)
		return;
	size_t set = set_of(r->kind, r->id);
	pthread_mutex_lock(lock_of(set));
	if (atomic_load(&rc.epoch) == epoch) {
		struct row *w = &rc.rows[set * WAYS], *victim = &w[0];
		for (int i = 0; i < WAYS; i++) {
			if (w[i].id == r->id && w[i].kind == r->kind) {
				victim = &w[i];
				break;
			}
			if (!w[i].id || (victim->id && w[i].age < victim->age))
				victim = &w[i];
		}
		r->age = atomic_fetch_add_explicit(&rc.clock, 1, memory_order_relaxed) + 1;
		*victim = *r;
	}
	pthread_mutex_unlock(lock_of(set));
}

#define FROM_ROW(f) x->f = r.u.s.f;
#define TO_ROW(f) r.u.s.f = x->f;

bool rowcache_get_status(int64_t id, struct status *x)
{
	struct row r;
	if (!get(KIND_STATUS, id, &r))
		return false;
	memset(x, 0, sizeof *x);
	x->id = id;
	STATUS_NUMS(FROM_ROW)
	x->visibility = r.u.s.visibility;
	x->sensitive = r.u.s.sensitive;
	x->local = r.u.s.local;
	return true;
}

void rowcache_put_status(uint64_t epoch, const struct status *x)
{
	struct row r = {.id = x->id, .kind = KIND_STATUS};
	STATUS_NUMS(TO_ROW)
	r.u.s.visibility = (int8_t)x->visibility;
	r.u.s.sensitive = x->sensitive;
	r.u.s.local = x->local;
	put(epoch, &r);
}

#undef FROM_ROW
#undef TO_ROW
#define FROM_ROW(f) x->f = r.u.a.f;
#define TO_ROW(f) r.u.a.f = x->f;

bool rowcache_get_account(int64_t id, struct account *x)
{
	struct row r;
	if (!get(KIND_ACCOUNT, id, &r))
		return false;
	x->id = id;
	ACCOUNT_NUMS(FROM_ROW)
	return true;
}

void rowcache_put_account(uint64_t epoch, const struct account *x)
{
	struct row r = {.id = x->id, .kind = KIND_ACCOUNT};
	ACCOUNT_NUMS(TO_ROW)
	put(epoch, &r);
}

void rowcache_stats(uint64_t *hits, uint64_t *misses)
{
	*hits = atomic_load(&rc.hits);
	*misses = atomic_load(&rc.misses);
}

void store_row_cache(size_t rows)
{
	rowcache_init(rows);
	db_watch(watched, 2, rowcache_changed, rowcache_clear);
}

void store_row_cache_stats(uint64_t *hits, uint64_t *misses)
{
	rowcache_stats(hits, misses);
}
