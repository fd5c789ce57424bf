/* social_capital.c - the social-capital card: its incremental figures (an
 * event subscriber), computing and explaining it, the snapshots Account
 * JSON shows, and trust. */
#include "core/social_capital.h"
#include "core/card.h"
#include "core/detect.h"
#include "core/trust.h"
#include "store/accounts.h"
#include "store/social_capital.h"
#include "util/log.h"
#include "util/util.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static int64_t day_of(int64_t ms)
{
	return ms / SOCIAL_DAY_MS;
}

/* ---- incremental figures (in the write's transaction) ---- */

/* A status made (sign 1) or deleted (-1): the author's originals or given,
 * the parent's author's replies received and reply edge, the answer it
 * makes, what it addresses, its thread's turns. */
static enum store_rc status_figures(struct db *db, const struct event *ev, int sign)
{
	const struct status *s = ev->status;
	int64_t day = day_of(s->created_at), author = s->account_id;
	int64_t other = s->in_reply_to_account_id != author ? s->in_reply_to_account_id : 0;
	enum store_rc st;
	if (other) {
		st = store_social_daily_add(db, author, day, 0, sign, 0);
		if (st == ST_OK)
			st = store_social_daily_add(db, other, day, 0, 0, sign);
		if (st == ST_OK)
			st = store_social_edge_add(db, author, other, day, sign);
		if (st == ST_OK && sign > 0)
			st = store_social_answer(db, author, s->in_reply_to_id, s->created_at);
	} else {
		st = s->visibility == VIS_DIRECT ? ST_OK
						 : store_social_daily_add(db, author, day, sign, 0, 0);
	}
	for (int i = 0; i < ev->nrecipients && st == ST_OK; i++)
		st = sign > 0 ? store_social_addressed_add(db, ev->rcpt[i].account_id, s->id, author,
							   s->created_at)
			      : store_social_addressed_drop(db, ev->rcpt[i].account_id, s->id);
	if (st == ST_OK)
		st = store_social_turn(db, s->thread_id, author, sign, sign > 0 && s->thread_id == s->id);
	return st;
}

static enum store_rc update(struct db *db, const struct event *ev)
{
	bool others = ev->target && ev->target != ev->actor;
	switch (ev->type) {
	case EV_POST:
	case EV_REPLY:
	case EV_MENTION:
	case EV_DIRECT: return status_figures(db, ev, 1);
	case EV_STATUS_DELETED: return status_figures(db, ev, -1);
	case EV_STATUS_EDITED: {
		enum store_rc st = ST_OK;
		for (int i = 0; i < ev->nrecipients && st == ST_OK; i++)
			st = store_social_addressed_add(db, ev->rcpt[i].account_id, ev->status_id,
							ev->actor, ev->at);
		return st;
	}
	case EV_FAVOURITE:
	case EV_REBLOG:
		return others ? store_social_daily_add(db, ev->actor, day_of(ev->at), 0, 1, 0) : ST_OK;
	case EV_FAVOURITE_UNDO:
	case EV_REBLOG_UNDO:
		/* Taken back from the day it was given (within the window or not). */
		return others && ev->since
			       ? store_social_daily_add(db, ev->actor, day_of(ev->since), 0, -1, 0)
			       : ST_OK;
	default: return ST_OK;
	}
}

enum rc social_capital_update(struct core *c, struct db *db, struct event *ev)
{
	enum store_rc st = update(db, ev);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- computing a card ---- */

static enum store_rc reciprocity(struct core *c, struct db *db, int64_t id, int64_t since,
				 int64_t now, struct social_card *out)
{
	struct social_addressed_row *rows;
	size_t n;
	enum store_rc st = store_social_addressed(db, c->arena, id, since, SOCIAL_ROWS_MAX, &rows, &n);
	if (st != ST_OK)
		return st;
	struct card_addressed *v = arena_calloc(c->arena, n + 1, sizeof *v);
	int64_t *times = arena_calloc(c->arena, n + 1, sizeof *times);
	size_t answers = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct card_addressed){rows[i].received_at, rows[i].answered_at};
		if (rows[i].answered_at > 0)
			times[answers++] = rows[i].answered_at - rows[i].received_at;
	}
	struct card_share sh = card_answered(v, n, now);
	out->answered = sh.yes;
	out->decided = sh.of;
	out->answers = (int64_t)answers;
	out->median_ms = card_median_ms(times, answers);
	return ST_OK;
}

static enum store_rc depth(struct core *c, struct db *db, int64_t id, int64_t since,
			   struct social_card *out)
{
	struct social_thread_row *rows;
	size_t n;
	enum store_rc st = store_social_threads(db, c->arena, id, since, SOCIAL_ROWS_MAX, &rows, &n);
	if (st != ST_OK)
		return st;
	struct card_thread *v = arena_calloc(c->arena, n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct card_thread){(uint32_t)rows[i].turns, (uint32_t)rows[i].people};
	struct card_share sh = card_depth(v, n);
	out->threads = sh.of;
	out->deep = sh.yes;
	return ST_OK;
}

/* The figures of account a's card that the daily counters and the clock
 * make (originals, given, replies received, the days the window spans for
 * it) and its trust, as of now, read on db; the others are left as they
 * are. */
static enum store_rc counters(struct db *db, const struct account *a, int64_t now,
			      struct social_card *out)
{
	int64_t since = now - CARD_WINDOW_MS;
	int64_t span = now - (a->created_at > since ? a->created_at : since);
	out->days_milli = span < SOCIAL_DAY_MS ? 1000 : span * 1000 / SOCIAL_DAY_MS;
	struct social_sums sums;
	enum store_rc st = store_social_daily_sum(db, a->id, day_of(since) + 1, &sums);
	out->originals = sums.originals;
	out->given = sums.given;
	out->replies_in = sums.replies_in;
	return st == ST_OK ? store_social_trust_get(db, a->id, &out->trust_milli) : st;
}

/* The card of account a as of now, read on db. */
static enum store_rc compute(struct core *c, struct db *db, const struct account *a,
			     struct social_card *out)
{
	memset(out, 0, sizeof *out);
	int64_t now = now_ms(), since = now - CARD_WINDOW_MS;
	enum store_rc st = counters(db, a, now, out);
	if (st == ST_OK)
		st = reciprocity(c, db, a->id, since, now, out);
	if (st == ST_OK)
		st = depth(c, db, a->id, since, out);
	if (st == ST_OK)
		st = store_social_follows_returned(db, a->id, since, &out->follows_in,
						   &out->follows_back);
	return st;
}

enum rc social_card_get(struct core *c, int64_t account_id, struct social_card *out)
{
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, account_id, &a);
	if (st == ST_OK)
		st = compute(c, c->db, &a, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- values and sentences ---- */

const char *social_key_name(enum social_key k)
{
	static const char *const names[SK_COUNT] = {
		"listening", "reciprocity", "follows_returned", "responsiveness",
		"depth",     "saturation",  "trust",
	};
	return k < SK_COUNT ? names[k] : "";
}

static uint32_t u32(int64_t v)
{
	return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

double social_value(const struct social_card *k, enum social_key key)
{
	switch (key) {
	case SK_LISTENING: return card_listening(u32(k->given), u32(k->originals));
	case SK_RECIPROCITY: return card_share_of(u32(k->answered), u32(k->decided)).value;
	case SK_FOLLOWS_RETURNED:
		return card_share_of(u32(k->follows_back), u32(k->follows_in)).value;
	case SK_RESPONSIVENESS: return k->median_ms < 0 || !k->answers ? -1 : k->median_ms / 1000.0;
	case SK_DEPTH: return card_share_of(u32(k->deep), u32(k->threads)).value;
	case SK_SATURATION:
		return card_saturation(u32(k->originals), k->days_milli / 1000.0, u32(k->replies_in));
	case SK_TRUST: return k->trust_milli / 1000.0;
	default: return 0;
	}
}

/* "2 hours 5 minutes", "40 seconds", "3 days". */
static const char *duration(struct core *c, int64_t ms)
{
	int64_t s = ms / 1000;
	if (s < 60)
		return arena_printf(c->arena, "%lld second%s", (long long)s, s == 1 ? "" : "s");
	if (s < 3600)
		return arena_printf(c->arena, "%lld minute%s", (long long)(s / 60),
				    s / 60 == 1 ? "" : "s");
	if (s < 2 * 86400)
		return arena_printf(c->arena, "%lld hour%s %lld minutes", (long long)(s / 3600),
				    s / 3600 == 1 ? "" : "s", (long long)(s % 3600 / 60));
	return arena_printf(c->arena, "%lld days", (long long)(s / 86400));
}

static const char *explain_reciprocity(struct core *c, const struct social_card *k)
{
	if (!k->decided)
		return "No replies or mentions to answer in the last 30 days yet (no data yet).";
	return arena_printf(c->arena,
			    "Answered %lld of the %lld replies and mentions addressed to them within "
			    "72 hours (last 30 days).",
			    (long long)k->answered, (long long)k->decided);
}

static const char *explain_saturation(struct core *c, const struct social_card *k)
{
	double per_day = k->originals / (k->days_milli / 1000.0);
	double answered = k->originals ? (double)k->replies_in / k->originals : 0;
	return arena_printf(c->arena,
			    "Posts %.1f times a day, and each post gets %.1f replies on average: the "
			    "more posts nobody answers, the higher this is.",
			    per_day, answered);
}

const char *social_explain(struct core *c, const struct social_card *k, enum social_key key)
{
	switch (key) {
	case SK_LISTENING:
		return arena_printf(c->arena,
				    "Gave %lld replies, favourites or boosts to others for %lld posts of "
				    "their own in the last 30 days: %.1f per post.",
				    (long long)k->given, (long long)k->originals,
				    social_value(k, SK_LISTENING));
	case SK_RECIPROCITY: return explain_reciprocity(c, k);
	case SK_FOLLOWS_RETURNED:
		if (!k->follows_in)
			return "No new followers in the last 30 days (no data yet).";
		return arena_printf(c->arena,
				    "Followed back %lld of the %lld accounts that followed them in the "
				    "last 30 days.",
				    (long long)k->follows_back, (long long)k->follows_in);
	case SK_RESPONSIVENESS:
		if (!k->answers)
			return "Has not answered a reply or mention in the last 30 days (no data yet).";
		return arena_printf(c->arena, "Usually answers within %s (the median of %lld answers).",
				    duration(c, k->median_ms), (long long)k->answers);
	case SK_DEPTH:
		if (!k->threads)
			return "Started no threads in the last 30 days (no data yet).";
		return arena_printf(c->arena,
				    "%lld of the %lld threads they started in the last 30 days became "
				    "conversations (3 turns or more between 2 people or more).",
				    (long long)k->deep, (long long)k->threads);
	case SK_SATURATION: return explain_saturation(c, k);
	case SK_TRUST:
		if (!k->trust_milli)
			return "No trust yet: it comes from conversations in which both sides answer, "
			       "with people the community already trusts.";
		return arena_printf(c->arena,
				    "Trusted %.2f times as much as an average member (1.0) by people "
				    "who answer each other.",
				    k->trust_milli / 1000.0);
	default: return "";
	}
}

/* ---- snapshots: what Account JSON shows ---- */

/* A snapshot is the card's numbers in this order. */
static int card_to_v(const struct social_card *k, int64_t *v)
{
	const int64_t f[] = {k->originals, k->given,   k->replies_in, k->answered,
			     k->decided,   k->answers, k->median_ms,  k->threads,
			     k->deep,      k->follows_in, k->follows_back, k->days_milli};
	memcpy(v, f, sizeof f);
	return (int)(sizeof f / sizeof f[0]);
}

static void v_to_card(const int64_t *v, int64_t trust, struct social_card *k)
{
	*k = (struct social_card){v[0], v[1], v[2], v[3], v[4], v[5], v[6],
				  v[7], v[8], v[9], v[10], v[11], trust};
}

/* The process's table of shown cards: direct-mapped, one lock per 64
 * slots' stripe. An entry is dropped when the worker replaces the card
 * (social_shown_forget) and reread after SOCIAL_SHOWN_TTL_MS (other
 * processes may have replaced it). A reader stores what it read only if
 * nothing was forgotten since it began, so an old read never lands after
 * a newer card's forget. */
#define SHOWN_SLOTS 16384
#define SHOWN_LOCKS 64
struct shown {
	int64_t id, stamp, loaded;
	struct social_card card;
};
static struct shown shown[SHOWN_SLOTS];
static pthread_mutex_t shown_lock[SHOWN_LOCKS];
static pthread_once_t shown_once = PTHREAD_ONCE_INIT;
static atomic_llong shown_gen;

static void shown_init(void)
{
	for (int i = 0; i < SHOWN_LOCKS; i++)
		pthread_mutex_init(&shown_lock[i], NULL);
}

static unsigned slot_of(int64_t id)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
	return (unsigned)(h >> 50) & (SHOWN_SLOTS - 1);
}

/* A coarse clock (a few ms of resolution) is enough for the TTL and costs
 * less than a precise one on every probe. */
static int64_t coarse_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* out may be NULL: the stamp only. */
static bool shown_probe(int64_t id, struct social_card *out, int64_t *stamp)
{
	unsigned i = slot_of(id);
	pthread_mutex_t *l = &shown_lock[i % SHOWN_LOCKS];
	pthread_mutex_lock(l);
	bool hit = shown[i].id == id && coarse_ms() - shown[i].loaded < SOCIAL_SHOWN_TTL_MS;
	if (hit) {
		if (out)
			*out = shown[i].card;
		*stamp = shown[i].stamp;
	}
	pthread_mutex_unlock(l);
	return hit;
}

static void shown_store(int64_t id, const struct social_card *card, int64_t stamp, long long gen)
{
	unsigned i = slot_of(id);
	pthread_mutex_t *l = &shown_lock[i % SHOWN_LOCKS];
	pthread_mutex_lock(l);
	if (atomic_load(&shown_gen) == gen)
		shown[i] = (struct shown){id, stamp, coarse_ms(), *card};
	pthread_mutex_unlock(l);
}

static void shown_forget(int64_t id)
{
	pthread_once(&shown_once, shown_init);
	atomic_fetch_add(&shown_gen, 1);
	unsigned i = slot_of(id);
	pthread_mutex_t *l = &shown_lock[i % SHOWN_LOCKS];
	pthread_mutex_lock(l);
	if (shown[i].id == id)
		shown[i].id = 0;
	pthread_mutex_unlock(l);
}

static void shown_forget_all(void)
{
	pthread_once(&shown_once, shown_init);
	atomic_fetch_add(&shown_gen, 1);
	for (unsigned i = 0; i < SHOWN_SLOTS; i++) {
		pthread_mutex_t *l = &shown_lock[i % SHOWN_LOCKS];
		pthread_mutex_lock(l);
		shown[i].id = 0;
		pthread_mutex_unlock(l);
	}
}

enum rc social_card_shown(struct core *c, int64_t account_id, struct social_card *out,
			  int64_t *stamp)
{
	pthread_once(&shown_once, shown_init);
	if (shown_probe(account_id, out, stamp))
		return RC_OK;
	long long gen = atomic_load(&shown_gen);
	int64_t v[SOCIAL_FIGURES], trust;
	struct social_card card;
	enum store_rc st = store_social_card_get(c->db, account_id, stamp, v, &trust, NULL);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	v_to_card(v, trust, &card);
	if (st == ST_NOT_FOUND) {
		memset(&card, 0, sizeof card);
		card.median_ms = -1;
		card.days_milli = 1000;
		*stamp = 0;
	}
	shown_store(account_id, &card, *stamp, gen);
	if (out)
		*out = card;
	return RC_OK;
}

/* ---- the worker: snapshots of the cards drained events touched ---- */

/* An account a drained event involves, and whether every figure of its
 * card may have changed (full) or only those counters() makes: a
 * favourite or boost given or taken back changes the giver's "given" and
 * nothing else, in no one's card (received ones count nowhere). */
struct touch {
	int64_t id;
	bool full;
};

static struct {
	struct touch *t;
	size_t n, cap;
	bool edges_changed; /* a reply was made or deleted: trust is due */
} touched;

static void touch(int64_t id, bool full)
{
	if (!id)
		return;
	if (touched.n == touched.cap) {
		touched.cap = touched.cap ? touched.cap * 2 : 1024;
		touched.t = xrealloc(touched.t, touched.cap * sizeof *touched.t);
	}
	touched.t[touched.n++] = (struct touch){id, full};
}

static bool gives_only(enum event_type t)
{
	return t == EV_FAVOURITE || t == EV_FAVOURITE_UNDO || t == EV_REBLOG ||
	       t == EV_REBLOG_UNDO;
}

enum rc social_capital_see(struct core *c, struct db *db, const struct event *ev)
{
	(void)c;
	(void)db;
	if (gives_only(ev->type)) {
		if (ev->target != ev->actor) /* social_capital_update counts only others' */
			touch(ev->actor, false);
		return RC_OK;
	}
	touch(ev->actor, true);
	touch(ev->target, true);
	for (int i = 0; i < ev->nrecipients; i++)
		touch(ev->rcpt[i].account_id, true);
	if (ev->type == EV_REPLY || ev->type == EV_DIRECT || ev->type == EV_STATUS_DELETED)
		touched.edges_changed = true;
	return RC_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

struct snap {
	int64_t id, stamp, at; /* at: when its figures were last all computed */
	int64_t v[SOCIAL_FIGURES];
	int nv;
	int64_t trust;
};

/* The snapshots computed for the batch under way: written in the
 * transaction that ends it, forgotten in memory after its commit. */
static struct {
	struct snap *s;
	int n;
} pending;

/* Account t->id's card into s: all of it when t->full or it has no
 * snapshot yet, else its snapshot with counters() redone (at stays the
 * snapshot's: the hourly pass still recomputes the rest as the window
 * moves). *changed when it differs from the snapshot. ST_NOT_FOUND: the
 * account is gone. */
static enum store_rc snap_one(struct core *c, const struct touch *t, int64_t now,
			      struct snap *s, bool *changed)
{
	struct account a;
	struct social_card card;
	int64_t old[SOCIAL_FIGURES], old_stamp, old_trust, old_at = 0;
	enum store_rc st = store_account_get(c->db, c->arena, t->id, &a);
	if (st != ST_OK)
		return st;
	enum store_rc had = store_social_card_get(c->db, t->id, &old_stamp, old, &old_trust, &old_at);
	if (had == ST_ERROR)
		return had;
	bool full = t->full || had == ST_NOT_FOUND;
	if (full) {
		st = compute(c, c->db, &a, &card);
	} else {
		v_to_card(old, old_trust, &card);
		st = counters(c->db, &a, now, &card);
	}
	if (st != ST_OK)
		return st;
	s->id = t->id;
	s->nv = card_to_v(&card, s->v);
	s->trust = card.trust_milli;
	s->at = full ? now : old_at;
	*changed = had != ST_OK || old_trust != card.trust_milli ||
		   memcmp(old, s->v, sizeof *old * (size_t)s->nv) != 0;
	s->stamp = *changed ? id_new() : old_stamp;
	return ST_OK;
}

/* Recomputes the cards of t (n of them) into `pending`: those that changed
 * (every one, with all, and then wholly). Reads on c->db, outside any
 * transaction. */
static enum rc compute_snaps(struct core *c, const struct touch *t, int n, bool all)
{
	pending.s = arena_calloc(c->arena, (size_t)n + 1, sizeof *pending.s);
	pending.n = 0;
	int64_t now = now_ms();
	for (int i = 0; i < n; i++) {
		struct touch one = {t[i].id, t[i].full || all};
		bool changed = false;
		enum store_rc st = snap_one(c, &one, now, &pending.s[pending.n], &changed);
		if (st == ST_ERROR)
			return core_store_fail(c, st);
		if (st == ST_OK && (changed || all))
			pending.n++;
	}
	return RC_OK;
}

static enum store_rc write_snaps(struct db *db)
{
	enum store_rc st = ST_OK;
	for (int i = 0; i < pending.n && st == ST_OK; i++)
		st = store_social_card_put(db, pending.s[i].id, pending.s[i].stamp, pending.s[i].at,
					   pending.s[i].v, pending.s[i].nv, pending.s[i].trust);
	return st;
}

static void forget_snaps(void)
{
	for (int i = 0; i < pending.n; i++)
		shown_forget(pending.s[i].id);
	pending.n = 0;
}

static enum store_rc snaps_fn(struct db *db, void *arg)
{
	(void)arg;
	return write_snaps(db);
}

/* Every card of ids recomputed wholly, written in a transaction of their
 * own. */
static enum rc refresh(struct core *c, const int64_t *ids, int n)
{
	struct touch *t = arena_calloc(c->arena, (size_t)n + 1, sizeof *t);
	for (int i = 0; i < n; i++)
		t[i] = (struct touch){ids[i], true};
	if (compute_snaps(c, t, n, true))
		return c->err.rc;
	enum store_rc st = pending.n ? store_tx(c->db, snaps_fn, NULL) : ST_OK;
	if (st != ST_OK)
		return core_store_fail(c, st);
	forget_snaps();
	return RC_OK;
}

static int cmp_touch(const void *a, const void *b)
{
	return cmp_i64(&((const struct touch *)a)->id, &((const struct touch *)b)->id);
}

enum rc social_capital_prepare(struct core *c, struct db *db)
{
	(void)db;
	qsort(touched.t, touched.n, sizeof *touched.t, cmp_touch);
	size_t u = 0;
	for (size_t i = 0; i < touched.n; i++) {
		if (u && touched.t[u - 1].id == touched.t[i].id)
			touched.t[u - 1].full = touched.t[u - 1].full || touched.t[i].full;
		else
			touched.t[u++] = touched.t[i];
	}
	enum rc rc = compute_snaps(c, touched.t, (int)u, false);
	touched.n = 0;
	return rc;
}

enum store_rc social_capital_write(struct core *c, struct db *db)
{
	(void)c;
	return write_snaps(db);
}

void social_capital_written(void)
{
	forget_snaps();
}

/* ---- the worker: stale snapshots and trust ---- */

#define STALE_MS (3600 * 1000LL) /* a snapshot is recomputed after an hour */
#define STALE_BATCH 256
#define STALE_CHECK_MS 60000
#define TRUST_SLICE 1000 /* trust rows written per transaction */
#define TRUST_MAX_AGE_MS (24 * 3600 * 1000LL) /* seeds age: recomputed daily anyway */

/* A computed trust waiting to be written in slices. */
static struct {
	int64_t *ids, *milli;
	size_t n, next;
	int64_t at;
	int64_t last_run; /* mono ms of the last computation; 0 never */
	int64_t began;    /* mono ms when the pending one began */
	int64_t next_stale;
} trust;

/* The detectors' verdict (core/detect.h): an account that sent automated
 * messages lately, or collects followers, earns no trust: its edges are
 * dropped and it is no seed. */
static enum rc drop_untrusted(struct core *c, int64_t now, struct social_edge_row *e, size_t *ne,
			      int64_t *admins, int *na)
{
	int64_t *bad;
	size_t nbad, k = 0;
	if (detect_untrusted(c, now, &bad, &nbad))
		return c->err.rc;
	for (size_t i = 0; nbad && i < *ne; i++)
		if (!bsearch(&e[i].account_id, bad, nbad, sizeof *bad, cmp_i64) &&
		    !bsearch(&e[i].target_id, bad, nbad, sizeof *bad, cmp_i64))
			e[k++] = e[i];
	*ne = nbad ? k : *ne;
	int m = 0;
	for (int i = 0; i < *na; i++)
		if (!nbad || !bsearch(&admins[i], bad, nbad, sizeof *bad, cmp_i64))
			admins[m++] = admins[i];
	*na = m;
	free(bad);
	return RC_OK;
}

/* The seeds (docs/SOCIAL.md, "Trust"): the admins, and the accounts older
 * than the window with an edge that a first walk from the admins alone
 * gives at least an average share (score x accounts >= 1), so an old
 * cluster that talks only among itself, or through a few attack edges,
 * does not seed itself. With no admin in the graph, the old accounts with
 * an edge. Then the walk from those seeds into score; returns trust_rank's
 * iterations, or -1 when there is no seed. created: per node, the
 * account's creation (known for every account with an edge leaving it). */
static int trust_seeded(const struct trust_graph *g, const int64_t *ids, const int64_t *created,
			int64_t since, const int64_t *admins, int na, uint32_t *seeds,
			double *score, double *work)
{
	size_t ns = 0;
	for (uint32_t i = 0; i < g->n; i++)
		for (int j = 0; j < na; j++)
			if (admins[j] == ids[i]) {
				seeds[ns++] = i;
				break;
			}
	size_t nadmins = ns;
	bool first = nadmins && trust_rank(g, seeds, nadmins, TRUST_DAMPING, TRUST_EPSILON,
					   TRUST_MAX_ITER, score, work) >= 0;
	if (nadmins && !first)
		return -1;
	for (uint32_t i = 0; i < g->n; i++) {
		bool old = created[i] && created[i] < since && g->row[i + 1] > g->row[i];
		bool reached = !nadmins || card_trust(score[i], g->n) >= 1.0;
		bool admin = false;
		for (size_t k = 0; k < nadmins; k++)
			admin = admin || seeds[k] == i;
		if (old && reached && !admin)
			seeds[ns++] = i;
	}
	return ns ? trust_rank(g, seeds, ns, TRUST_DAMPING, TRUST_EPSILON, TRUST_MAX_ITER, score,
			       work)
		  : -1;
}

/* The reciprocated-reply graph of the window and its seeds, ranked:
 * fills ids/milli (malloc'ed, n entries). */
static enum rc rank_trust(struct core *c, int64_t **ids_out, int64_t **milli_out, size_t *n_out)
{
	int64_t now = now_ms(), since = now - CARD_WINDOW_MS;
	struct social_edge_row *e;
	size_t ne;
	int64_t *admins;
	int na;
	enum store_rc st = store_admins(c->db, c->arena, &admins, &na);
	if (st == ST_OK)
		st = store_social_edges_all(c->db, day_of(since) + 1, &e, &ne);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (drop_untrusted(c, now, e, &ne, admins, &na)) {
		free(e);
		return c->err.rc;
	}
	/* Nodes: every account with an edge, and the admins. */
	size_t cap = ne * 2 + (size_t)na + 1, n = 0;
	int64_t *ids = xmalloc(cap * sizeof *ids);
	for (size_t i = 0; i < ne; i++) {
		ids[n++] = e[i].account_id;
		ids[n++] = e[i].target_id;
	}
	for (int i = 0; i < na; i++)
		ids[n++] = admins[i];
	qsort(ids, n, sizeof *ids, cmp_i64);
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || ids[u - 1] != ids[i])
			ids[u++] = ids[i];
	n = u;
	struct trust_pair *pairs = xmalloc((ne + 1) * sizeof *pairs);
	int64_t *created = xmalloc((n + 1) * sizeof *created);
	memset(created, 0, (n + 1) * sizeof *created);
	for (size_t i = 0; i < ne; i++) {
		const int64_t *a = bsearch(&e[i].account_id, ids, n, sizeof *ids, cmp_i64);
		const int64_t *b = bsearch(&e[i].target_id, ids, n, sizeof *ids, cmp_i64);
		pairs[i] = (struct trust_pair){(uint32_t)(a - ids), (uint32_t)(b - ids),
					       u32(e[i].replies)};
		created[a - ids] = e[i].created_at;
	}
	free(e);
	uint32_t *row = xmalloc((n + 1) * sizeof *row), *col = xmalloc((ne + 1) * sizeof *col);
	float *w = xmalloc((ne + 1) * sizeof *w);
	uint32_t *seeds = xmalloc((n + 1) * sizeof *seeds);
	double *score = xmalloc((n + 1) * sizeof *score), *work = xmalloc((2 * n + 1) * sizeof *work);
	struct trust_graph g;
	long edges = trust_graph_build(pairs, ne, (uint32_t)n, row, col, w, ne, &g);
	int iters = edges >= 0 ? trust_seeded(&g, ids, created, since, admins, na, seeds, score,
					      work)
			       : -1;
	int64_t *milli = xmalloc((n + 1) * sizeof *milli);
	for (size_t i = 0; i < n; i++)
		milli[i] = iters < 0 ? 0 : llround(card_trust(score[i], (uint32_t)n) * 1000);
	free(pairs);
	free(created);
	free(row);
	free(col);
	free(w);
	free(seeds);
	free(score);
	free(work);
	*ids_out = ids;
	*milli_out = milli;
	*n_out = n;
	return RC_OK;
}

struct trust_tx {
	const int64_t *ids, *milli;
	size_t from, to;
	int64_t at;
	bool finish;
};

static enum store_rc trust_fn(struct db *db, void *arg)
{
	struct trust_tx *x = arg;
	enum store_rc st = ST_OK;
	for (size_t i = x->from; i < x->to && st == ST_OK; i++)
		if (x->milli[i])
			st = store_social_trust_put(db, x->ids[i], x->milli[i], x->at);
	if (st == ST_OK && x->finish)
		st = store_social_trust_finish(db, x->at, id_new());
	if (st == ST_OK && x->finish)
		st = store_social_prune(db, day_of(x->at - CARD_WINDOW_MS));
	return st;
}

/* Writes the next slice of the pending trust; the last one finishes it. */
static enum rc trust_slice(struct core *c)
{
	size_t to = trust.next + TRUST_SLICE < trust.n ? trust.next + TRUST_SLICE : trust.n;
	struct trust_tx x = {trust.ids, trust.milli, trust.next, to, trust.at, to == trust.n};
	enum store_rc st = store_tx(c->db, trust_fn, &x);
	if (st != ST_OK)
		return core_store_fail(c, st);
	trust.next = to;
	if (to == trust.n) {
		free(trust.ids);
		free(trust.milli);
		trust.ids = trust.milli = NULL;
		log_info("trust: %zu accounts written, %lld ms after the computation began", to,
			 (long long)(mono_ms() - trust.began));
		trust.n = trust.next = 0;
		shown_forget_all();
	}
	return RC_OK;
}

static enum rc trust_start(struct core *c)
{
	int64_t t0 = trust.began = mono_ms();
	if (rank_trust(c, &trust.ids, &trust.milli, &trust.n))
		return c->err.rc;
	trust.next = 0;
	trust.at = now_ms();
	trust.last_run = mono_ms();
	touched.edges_changed = false;
	log_info("trust: %zu accounts ranked in %lld ms", trust.n, (long long)(trust.last_run - t0));
	return RC_OK;
}

enum rc social_trust_recompute(struct core *c)
{
	if (trust_start(c))
		return c->err.rc;
	while (trust.ids)
		if (trust_slice(c))
			return c->err.rc;
	return RC_OK;
}

static int stale_step(struct core *c)
{
	int64_t *ids;
	int n;
	trust.next_stale = mono_ms() + STALE_CHECK_MS;
	if (store_social_cards_stale(c->db, c->arena, now_ms() - STALE_MS, STALE_BATCH, &ids, &n))
		return -1;
	if (n == 0)
		return 0;
	if (n == STALE_BATCH)
		trust.next_stale = 0; /* more to do */
	return refresh(c, ids, n) ? -1 : 1;
}

int social_capital_background(struct core *c)
{
	if (trust.ids)
		return trust_slice(c) ? -1 : 1;
	int64_t now = mono_ms();
	int64_t age = now - trust.last_run;
	bool due = !trust.last_run || age >= TRUST_MAX_AGE_MS ||
		   (touched.edges_changed && age >= (int64_t)c->cfg->trust_interval_s * 1000);
	if (due)
		return trust_start(c) ? -1 : 1;
	if (now >= trust.next_stale)
		return stale_step(c);
	return 0;
}
