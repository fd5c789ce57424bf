/* convfeed.c - the Conversations feed: ranking a window of the home feed
 * into a snapshot, the snapshots kept in memory, and pages cut from them. */
#include "core/convfeed.h"
#include "core/card.h"
#include "core/rank.h"
#include "store/accounts.h"
#include "store/conv.h"
#include "store/social_capital.h"
#include "util/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- snapshots ---- */

#define BIT_REPLY 1  /* replies to the viewer */
#define BIT_MUTUAL 2 /* the author and the viewer follow each other */

/* One shown item of a snapshot: what its `why` is made from. */
struct entry {
	int64_t id;
	uint16_t turns, people, more;
	uint8_t talks, bits;
};

struct snap {
	struct snap *hnext, *older, *newer; /* hash chain; LRU list */
	int64_t viewer, no, built_at;
	int64_t feed_top; /* the home feed's newest id when it was built */
	int64_t newest;   /* what the prev link asks to be newer than */
	bool bounded;     /* built for max_id or min_id: never a first page */
	int n;
	struct entry e[];
};

static size_t snap_bytes(int n)
{
	return sizeof(struct snap) + (size_t)n * sizeof(struct entry);
}

/* ---- the cache: shards of hash chains, each with its LRU list ---- */

#define SHARDS 16
#define BUCKETS 1024

static struct shard {
	pthread_mutex_t mu;
	struct snap *bucket[BUCKETS];
	struct snap *newest, *oldest;
	size_t bytes;
} shards[SHARDS];

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_llong next_no;

static void cache_init(void)
{
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&shards[i].mu, NULL);
	/* Numbers keep growing across restarts: a cursor from before one
	 * does not name a snapshot made after it. 2^41 ms is 69 years. */
	atomic_store(&next_no, (long long)(now_ms() - 1704067200000LL));
}

static uint64_t mix(int64_t v)
{
	uint64_t x = (uint64_t)v * 0x9E3779B97F4A7C15ULL;
	return x ^ (x >> 29);
}

static struct shard *shard_of(int64_t viewer)
{
	return &shards[mix(viewer) % SHARDS];
}

static struct snap **chain_of(struct shard *sh, int64_t viewer)
{
	return &sh->bucket[(mix(viewer) >> 8) % BUCKETS];
}

static void lru_unlink(struct shard *sh, struct snap *s)
{
	*(s->newer ? &s->newer->older : &sh->newest) = s->older;
	*(s->older ? &s->older->newer : &sh->oldest) = s->newer;
	s->older = s->newer = NULL;
}

static void lru_front(struct shard *sh, struct snap *s)
{
	s->older = sh->newest;
	s->newer = NULL;
	*(sh->newest ? &sh->newest->newer : &sh->oldest) = s;
	sh->newest = s;
}

static void drop(struct shard *sh, struct snap *s)
{
	struct snap **p = chain_of(sh, s->viewer);
	while (*p != s)
		p = &(*p)->hnext;
	*p = s->hnext;
	lru_unlink(sh, s);
	sh->bytes -= snap_bytes(s->n);
	free(s);
}

/* The viewer's snapshot numbered no, or (latest) its newest first-page
 * snapshot: copied into ar, or NULL. */
static struct snap *cache_get(struct arena *ar, int64_t viewer, int64_t no, bool latest)
{
	pthread_once(&once, cache_init);
	struct shard *sh = shard_of(viewer);
	struct snap *best = NULL, *copy = NULL;
	pthread_mutex_lock(&sh->mu);
	for (struct snap *s = *chain_of(sh, viewer); s; s = s->hnext) {
		if (s->viewer != viewer)
			continue;
		if (latest ? !s->bounded && (!best || s->no > best->no) : s->no == no)
			best = s;
	}
	if (best) {
		lru_unlink(sh, best);
		lru_front(sh, best);
		copy = arena_alloc(ar, snap_bytes(best->n));
		memcpy(copy, best, snap_bytes(best->n));
	}
	pthread_mutex_unlock(&sh->mu);
	return copy;
}

/* Keeps a malloc'ed copy of s: at most CONVFEED_PER_VIEWER per viewer (the
 * oldest goes), and the shard within its share of CONVFEED_CACHE_BYTES. */
static void cache_put(const struct snap *s)
{
	struct snap *k = xmalloc(snap_bytes(s->n));
	memcpy(k, s, snap_bytes(s->n));
	struct shard *sh = shard_of(k->viewer);
	pthread_mutex_lock(&sh->mu);
	struct snap *oldest = NULL;
	int mine = 0;
	for (struct snap *x = *chain_of(sh, k->viewer); x; x = x->hnext)
		if (x->viewer == k->viewer && (mine++, !oldest || x->no < oldest->no))
			oldest = x;
	if (mine >= CONVFEED_PER_VIEWER)
		drop(sh, oldest);
	struct snap **head = chain_of(sh, k->viewer);
	k->hnext = *head;
	*head = k;
	lru_front(sh, k);
	sh->bytes += snap_bytes(k->n);
	while (sh->bytes > CONVFEED_CACHE_BYTES / SHARDS && sh->oldest != k)
		drop(sh, sh->oldest);
	pthread_mutex_unlock(&sh->mu);
}

size_t convfeed_cache_bytes(void)
{
	pthread_once(&once, cache_init);
	size_t n = 0;
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_lock(&shards[i].mu);
		n += shards[i].bytes;
		pthread_mutex_unlock(&shards[i].mu);
	}
	return n;
}

void convfeed_cache_free(void)
{
	pthread_once(&once, cache_init);
	for (int i = 0; i < SHARDS; i++) {
		struct shard *sh = &shards[i];
		pthread_mutex_lock(&sh->mu);
		while (sh->oldest)
			drop(sh, sh->oldest);
		pthread_mutex_unlock(&sh->mu);
	}
}

/* ---- ranking a window into a snapshot ---- */

/* What the ranking learnt about one author or thread, looked up once. */
struct known {
	int64_t key;
	int64_t a, b;
};

struct build {
	struct core *c;
	int64_t viewer, now;
	struct conv_talk *talks;
	size_t ntalks;
	struct known *authors, *threads;
	int nauthors, nthreads;
};

static struct known *find(struct known *k, int n, int64_t key)
{
	for (int i = 0; i < n; i++)
		if (k[i].key == key)
			return &k[i];
	return NULL;
}

static uint32_t talks_with(const struct build *b, int64_t other)
{
	size_t lo = 0, hi = b->ntalks;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (b->talks[mid].other < other)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == b->ntalks || b->talks[lo].other != other)
		return 0;
	int64_t t = b->talks[lo].out < b->talks[lo].in ? b->talks[lo].out : b->talks[lo].in;
	return t > RANK_TALKS_CAP ? RANK_TALKS_CAP : (uint32_t)t;
}

/* Whether author and viewer follow each other (looked up once). */
static enum store_rc mutual(struct build *b, int64_t author, bool *out)
{
	struct known *k = find(b->authors, b->nauthors, author);
	if (!k) {
		bool to, from;
		enum store_rc st = store_conv_follows(b->c->db, b->viewer, author, &to, &from);
		if (st != ST_OK)
			return st;
		k = &b->authors[b->nauthors++];
		*k = (struct known){.key = author, .a = to && from};
	}
	*out = k->a != 0;
	return ST_OK;
}

static enum store_rc thread(struct build *b, int64_t id, uint32_t *turns, uint32_t *people)
{
	struct known *k = find(b->threads, b->nthreads, id);
	if (!k) {
		k = &b->threads[b->nthreads];
		*k = (struct known){.key = id};
		enum store_rc st = store_conv_thread(b->c->db, id, &k->a, &k->b);
		if (st != ST_OK)
			return st;
		b->nthreads++;
	}
	*turns = k->a < 1 ? 1 : (uint32_t)k->a;
	*people = k->b < 1 ? 1 : (uint32_t)k->b;
	return ST_OK;
}

/* The rank item of one status of the window. A boost is its booster's
 * item (their runs of boosts fold) about the boosted status's thread. */
static enum store_rc item_of(struct build *b, const struct status *s, struct rank_item *it)
{
	const struct status *subj = s->reblog ? s->reblog : s;
	*it = (struct rank_item){
		.author_id = s->account_id,
		.is_reply_to_viewer = !s->reblog && subj->in_reply_to_account_id == b->viewer,
		.talks = talks_with(b, s->account_id),
		.age_ms = b->now - s->created_at,
		.favourites = (uint32_t)subj->favourites_count,
	};
	enum store_rc st = mutual(b, s->account_id, &it->is_mutual);
	if (st == ST_OK)
		st = thread(b, subj->thread_id, &it->thread_turns, &it->thread_participants);
	return st;
}

struct ranked {
	double score;
	int64_t id;
	int i; /* index in the window */
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->id < b->id) - (a->id > b->id);
}

static uint16_t u16(uint32_t v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* Orders the window's items, folds runs, and fills the snapshot's
 * entries. */
static void order(struct snap *sn, const struct status_list *w, const struct rank_item *it,
		  struct arena *ar)
{
	struct ranked *r = arena_calloc(ar, (size_t)w->n + 1, sizeof *r);
	int n = 0;
	for (int i = 0; i < w->n; i++) {
		if (!it[i].author_id)
			continue; /* the viewer's own */
		struct rank_score sc;
		rank_score(&it[i], &sc);
		r[n++] = (struct ranked){sc.score, w->items[i].id, i};
	}
	qsort(r, (size_t)n, sizeof *r, cmp_ranked);
	struct rank_item *sorted = arena_calloc(ar, (size_t)n + 1, sizeof *sorted);
	struct rank_slot *slots = arena_calloc(ar, (size_t)n + 1, sizeof *slots);
	for (int i = 0; i < n; i++)
		sorted[i] = it[r[i].i];
	rank_collapse(sorted, (size_t)n, slots);
	sn->n = 0;
	for (int i = 0; i < n; i++) {
		if (slots[i].head >= 0)
			continue;
		const struct rank_item *x = &sorted[i];
		sn->e[sn->n++] = (struct entry){
			.id = r[i].id, .turns = u16(x->thread_turns),
			.people = u16(x->thread_participants), .more = u16((uint32_t)slots[i].more),
			.talks = (uint8_t)x->talks,
			.bits = (x->is_reply_to_viewer ? BIT_REPLY : 0) | (x->is_mutual ? BIT_MUTUAL : 0),
		};
	}
}

/* Ranks the newest CONVFEED_WINDOW statuses of viewer's home feed between
 * lo and hi (exclusive, 0 for none) into a new snapshot, kept in the
 * cache; *out is the caller's copy. */
static enum rc build(struct core *c, int64_t viewer, int64_t hi, int64_t lo, struct snap **out)
{
	struct build b = {.c = c, .viewer = viewer, .now = now_ms()};
	struct page pg = {.max_id = hi, .since_id = lo, .limit = CONVFEED_WINDOW};
	struct status_list w;
	int64_t top;
	int64_t first_day = (b.now - CARD_WINDOW_MS) / SOCIAL_DAY_MS;
	enum store_rc st = store_feed_top(c->db, viewer, &top);
	if (st == ST_OK)
		st = store_tl_home(c->db, c->arena, viewer, &pg, &w);
	if (st == ST_OK)
		st = store_conv_talks(c->db, c->arena, viewer, first_day, &b.talks, &b.ntalks);
	if (st != ST_OK)
		return core_store_fail(c, st);
	b.authors = arena_calloc(c->arena, (size_t)w.n + 1, sizeof *b.authors);
	b.threads = arena_calloc(c->arena, (size_t)w.n + 1, sizeof *b.threads);
	struct rank_item *it = arena_calloc(c->arena, (size_t)w.n + 1, sizeof *it);
	for (int i = 0; i < w.n && st == ST_OK; i++)
		if (w.items[i].account_id != viewer)
			st = item_of(&b, &w.items[i], &it[i]);
	if (st != ST_OK)
		return core_store_fail(c, st);
	pthread_once(&once, cache_init);
	struct snap *sn = arena_alloc(c->arena, snap_bytes(w.n));
	*sn = (struct snap){
		.viewer = viewer, .no = atomic_fetch_add(&next_no, 1), .built_at = b.now,
		.feed_top = top, .newest = w.n ? w.items[0].id : lo, .bounded = hi || lo,
	};
	order(sn, &w, it, c->arena);
	cache_put(sn);
	*out = sn;
	return RC_OK;
}

/* ---- pages ---- */

static bool is_cursor(int64_t v)
{
	return v > 0 && v < CONVFEED_CURSOR_END;
}

/* The snapshot a first page shows: the newest one if it is young and the
 * home feed has had nothing new since, else a new one. */
static enum rc first(struct core *c, int64_t viewer, struct snap **out)
{
	int64_t top;
	struct snap *sn = cache_get(c->arena, viewer, 0, true);
	if (sn && now_ms() - sn->built_at < CONVFEED_FRESH_MS) {
		enum store_rc st = store_feed_top(c->db, viewer, &top);
		if (st != ST_OK)
			return core_store_fail(c, st);
		if (top == sn->feed_top) {
			*out = sn;
			return RC_OK;
		}
	}
	return build(c, viewer, 0, 0, out);
}

/* Which snapshot the page comes from, and from which position. */
static enum rc pick(struct core *c, int64_t viewer, const struct page *pg, struct snap **sn,
		    int *pos)
{
	*pos = 0;
	if (is_cursor(pg->max_id)) {
		*pos = (int)(pg->max_id & ((1 << CONVFEED_POS_BITS) - 1));
		*sn = cache_get(c->arena, viewer, pg->max_id >> CONVFEED_POS_BITS, false);
		return *sn ? RC_OK : build(c, viewer, 0, 0, sn);
	}
	if (pg->max_id)
		return build(c, viewer, pg->max_id, 0, sn);
	int64_t lo = pg->min_id ? pg->min_id : pg->since_id;
	if (is_cursor(lo)) {
		struct snap *was = cache_get(c->arena, viewer, lo >> CONVFEED_POS_BITS, false);
		lo = was ? was->newest : 0;
	}
	return lo ? build(c, viewer, 0, lo, sn) : first(c, viewer, sn);
}

/* "+N more from NAME" for an item with folded ones. */
static const char *more_label(struct core *c, const struct status *s, int more)
{
	struct account a;
	if (store_account_get(c->db, c->arena, s->account_id, &a) != ST_OK)
		return NULL;
	const char *name = a.display_name && *a.display_name ? a.display_name : a.username;
	char buf[128];
	rank_more_label(buf, sizeof buf, more, name);
	return arena_strdup(c->arena, buf);
}

static const char *why_of(struct core *c, const struct entry *e)
{
	struct rank_item it = {
		.is_reply_to_viewer = e->bits & BIT_REPLY, .is_mutual = e->bits & BIT_MUTUAL,
		.talks = e->talks, .thread_turns = e->turns, .thread_participants = e->people,
	};
	struct rank_score sc;
	rank_score(&it, &sc);
	return arena_strdup(c->arena, sc.why);
}

/* Adds the statuses of entries from..to that the viewer may still see. */
static enum rc take(struct core *c, int64_t viewer, const struct snap *sn, int from, int to,
		    struct convfeed_page *out)
{
	int64_t *ids = arena_calloc(c->arena, (size_t)(to - from) + 1, sizeof *ids);
	for (int i = from; i < to; i++)
		ids[i - from] = sn->e[i].id;
	struct status_list got;
	enum store_rc st = store_statuses_shown(c->db, c->arena, viewer, ids, to - from, &got);
	if (st != ST_OK)
		return core_store_fail(c, st);
	int j = from;
	for (int k = 0; k < got.n; k++) {
		while (sn->e[j].id != got.items[k].id)
			j++;
		int n = out->list.n++;
		out->list.items[n] = got.items[k];
		out->why[n] = why_of(c, &sn->e[j]);
		out->more[n] = sn->e[j].more ? more_label(c, &got.items[k], sn->e[j].more) : NULL;
	}
	return RC_OK;
}

enum rc convfeed_page(struct core *c, int64_t viewer, const struct page *pg,
		      struct convfeed_page *out)
{
	struct snap *sn;
	int pos, limit = pg->limit > 0 ? pg->limit : 20;
	memset(out, 0, sizeof *out);
	if (pick(c, viewer, pg, &sn, &pos))
		return c->err.rc;
	out->list.items = arena_calloc(c->arena, (size_t)limit, sizeof *out->list.items);
	out->why = arena_calloc(c->arena, (size_t)limit, sizeof *out->why);
	out->more = arena_calloc(c->arena, (size_t)limit, sizeof *out->more);
	if (pos > sn->n)
		pos = sn->n;
	/* Statuses deleted or hidden since the snapshot are skipped: read on
	 * until the page is full or the snapshot ends. */
	while (out->list.n < limit && pos < sn->n) {
		int to = pos + (limit - out->list.n);
		to = to > sn->n ? sn->n : to;
		if (take(c, viewer, sn, pos, to, out))
			return c->err.rc;
		pos = to;
	}
	out->next = pos < sn->n ? sn->no << CONVFEED_POS_BITS | pos : 0;
	out->prev = sn->newest;
	return RC_OK;
}
