/* tokencache.c - bearer tokens resolved in memory, on PostgreSQL.
 *
 * Every authenticated request resolves its token (store_token_by_hash: the
 * token, whether its account is barred). On PostgreSQL that is a round
 * trip; here it is a hash probe. What a token resolves to depends on its
 * row in `tokens`, its account's row in `accounts` (suspended_at) and its
 * login's row in `users` (disabled, approved), so an entry is dropped when
 * any of them changes: the listener hears, from the triggers of migration
 * 27, the account ids of changed or deleted tokens and users, and from
 * migration 29's those of accounts whose suspended_at changed ("t...",
 * db_pg.h; a deleted account's tokens and login go by cascade, and are
 * heard so). Other changes of an account's row (its counters, with every
 * status it posts) leave its tokens cached. A token deleted by revocation,
 * a password change or its app's deletion stops resolving on every
 * process as soon as the revoking commit is acknowledged, since a reader
 * trusts the cache only once its thread is synced with the listener, as
 * for the row cache.
 *
 * Dropping "every token of account X" costs one increment: entries keep
 * the stamp of their account's slot (one of SLOTS, by account id) and are
 * valid while it has not moved. A reader that missed takes the epoch
 * before reading the database and stores what it read only if nothing was
 * dropped since (rowcache.c's rule), so a token read before a revocation
 * committed never lands after the revocation's notice.
 *
 * Only tokens whose scopes fit are kept; a miss reads the database, which
 * is always right. Fixed size, set-associative, no allocation after init. */
#include "store/store_internal.h"
#include "store/db_pg.h"
#include "store/oauth.h"
#include "util/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 4
#define SETS 4096 /* 16,384 tokens */
#define SLOTS 4096
#define STRIPES 64
#define HASH_LEN 64
#define SCOPES_MAX 120

struct entry {
	char hash[HASH_LEN + 1]; /* "" when empty */
	char scopes[SCOPES_MAX + 1];
	bool barred;
	uint32_t stamp, gen, age;
	int64_t id, app_id, account_id, created_at;
};

static struct {
	struct entry *e;
	pthread_mutex_t lock[STRIPES];
	_Atomic uint32_t stamp[SLOTS]; /* moves when an account's tokens may have */
	_Atomic uint32_t gen;          /* moves when everything is forgotten */
	_Atomic uint64_t epoch;        /* moves around every drop */
	_Atomic uint32_t clock;
} tc;

void tokencache_init(void)
{
	tokencache_free();
	tc.e = xcalloc((size_t)SETS * WAYS, sizeof *tc.e);
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_init(&tc.lock[i], NULL);
}

void tokencache_free(void)
{
	if (!tc.e)
		return;
	free(tc.e);
	tc.e = NULL;
	for (int i = 0; i < STRIPES; i++)
		pthread_mutex_destroy(&tc.lock[i]);
}

uint64_t tokencache_epoch(void)
{
	return atomic_load(&tc.epoch);
}

static size_t slot_of(int64_t account_id)
{
	uint64_t h = (uint64_t)account_id * 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 52) % SLOTS;
}

static size_t set_of(const char *hash)
{
	/* The hash is SHA-256 hex: its first characters are already uniform. */
	size_t h = 0;
	for (int i = 0; i < 8 && hash[i]; i++)
		h = h * 16 + (size_t)(hash[i] & 0x0f) + (hash[i] > '9' ? 9 : 0);
	return h % SETS;
}

void tokencache_account(int64_t account_id)
{
	atomic_fetch_add(&tc.epoch, 1);
	atomic_fetch_add(&tc.stamp[slot_of(account_id)], 1);
	atomic_fetch_add(&tc.epoch, 1);
}

void tokencache_clear(void)
{
	atomic_fetch_add(&tc.epoch, 1);
	atomic_fetch_add(&tc.gen, 1);
	atomic_fetch_add(&tc.epoch, 1);
}

static bool valid(const struct entry *e)
{
	return e->gen == atomic_load(&tc.gen) &&
	       e->stamp == atomic_load(&tc.stamp[slot_of(e->account_id)]);
}

bool tokencache_get(struct arena *ar, const char *hash, struct token *out)
{
	if (!tc.e || strlen(hash) != HASH_LEN || !db_pg_synced())
		return false;
	size_t set = set_of(hash);
	bool hit = false;
	pthread_mutex_lock(&tc.lock[set % STRIPES]);
	struct entry *w = &tc.e[set * WAYS];
	for (int i = 0; i < WAYS && !hit; i++)
		if (!strcmp(w[i].hash, hash) && valid(&w[i])) {
			hit = true;
			out->id = w[i].id;
			out->token_hash = arena_strdup(ar, hash);
			out->app_id = w[i].app_id;
			out->account_id = w[i].account_id;
			out->scopes = arena_strdup(ar, w[i].scopes);
			out->created_at = w[i].created_at;
			out->barred = w[i].barred;
		}
	pthread_mutex_unlock(&tc.lock[set % STRIPES]);
	return hit;
}

void tokencache_put(uint64_t epoch, const struct token *t)
{
	if (!tc.e || strlen(t->token_hash) != HASH_LEN || strlen(t->scopes) > SCOPES_MAX)
		return;
	/* The stamps first, then the epoch: a drop that moved a stamp after
	 * it was read here has moved the epoch before it is checked. */
	uint32_t stamp = atomic_load(&tc.stamp[slot_of(t->account_id)]);
	uint32_t gen = atomic_load(&tc.gen);
	if (atomic_load(&tc.epoch) != epoch)
		return;
	size_t set = set_of(t->token_hash);
	pthread_mutex_lock(&tc.lock[set % STRIPES]);
	struct entry *w = &tc.e[set * WAYS], *victim = &w[0];
	for (int i = 0; i < WAYS; i++) {
		if (!strcmp(w[i].hash, t->token_hash)) {
			victim = &w[i];
			break;
		}
		if (!w[i].hash[0] || (victim->hash[0] && w[i].age < victim->age))
			victim = &w[i];
	}
	memcpy(victim->hash, t->token_hash, HASH_LEN + 1);
	strcpy(victim->scopes, t->scopes);
	victim->barred = t->barred;
	victim->stamp = stamp;
	victim->gen = gen;
	victim->age = atomic_fetch_add_explicit(&tc.clock, 1, memory_order_relaxed) + 1;
	victim->id = t->id;
	victim->app_id = t->app_id;
	victim->account_id = t->account_id;
	victim->created_at = t->created_at;
	pthread_mutex_unlock(&tc.lock[set % STRIPES]);
}
