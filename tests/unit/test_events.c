/* Unit tests of the event seam (core/events.c) and the social-capital
 * figures (core/social_capital.c) on a real store: each write emits its
 * one event with the right fields, a failing hook rolls the write back,
 * fates reach notify(), and each figure is right on hand-made cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/events.h"
#include "core/relationships.h"
#include "core/social_capital.h"
#include "core/statuses.h"
#include "store/db.h"
#include "store/events.h"
#include "store/social_capital.h"
#include "store_fixture.h"
#include "util/util.h"

/* ---- a recording policy hook ---- */

#define LOG_MAX 64
static struct {
	struct event ev[LOG_MAX];
	int n;
	enum event_type fail_on;  /* EV_TYPES: never */
	enum event_type hold_on;  /* hold the notification of recipient hold_who */
	int64_t hold_who;
	enum event_type limit_on; /* refuse with a rate limit */
} rec;

static enum rc record(struct core *c, struct db *db, struct event *ev)
{
	(void)db;
	if (rec.n < LOG_MAX)
		rec.ev[rec.n++] = *ev;
	if (ev->type == rec.fail_on)
		return core_fail(c, RC_INVALID, NULL, "refused by the test hook");
	if (ev->type == rec.hold_on)
		for (int i = 0; i < ev->nrecipients; i++)
			if (ev->rcpt[i].account_id == rec.hold_who)
				ev->rcpt[i].fate = FATE_HOLD;
	if (ev->type == rec.limit_on) {
		ev->fate = FATE_LIMIT;
		ev->retry_after = 42;
		ev->reason = "slow down";
	}
	return RC_OK;
}

static const struct event_hook recorder = {"test recorder", EVENT_ALL, record};

static void rec_reset(void)
{
	memset(&rec, 0, sizeof rec);
	rec.fail_on = rec.hold_on = rec.limit_on = EV_TYPES;
}

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	rec_reset();
	events_extra_policy(&recorder);
	return f ? 0 : -1;
}

static int teardown_events(void **state)
{
	events_extra_policy(NULL);
	return teardown(state);
}

/* ---- helpers ---- */

static int64_t mkuser(struct fx *f, const char *name, bool admin)
{
	char email[64];
	snprintf(email, sizeof email, "%s@example.test", name);
	struct signup s = {.username = name, .email = email, .password = "correct horse",
			   .admin = admin};
	int64_t id = 0;
	assert_int_equal(account_create(&f->c, &s, &id), RC_OK);
	return id;
}

static int64_t post(struct fx *f, int64_t author, const char *text, int64_t reply_to,
		    const char *visibility)
{
	struct new_status in = {.text = text, .visibility = visibility, .sensitive = -1,
				.in_reply_to_id = reply_to};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, author, &in, &id), RC_OK);
	return id;
}

static int64_t outbox(struct fx *f)
{
	int64_t n = -1;
	assert_int_equal(store_events_pending(f->c.db, &n), ST_OK);
	return n;
}

/* The one event the last write emitted. */
static const struct event *only(int before)
{
	assert_int_equal(rec.n, before + 1);
	return &rec.ev[before];
}

static bool addressed_to(const struct event *ev, int64_t who)
{
	for (int i = 0; i < ev->nrecipients; i++)
		if (ev->rcpt[i].account_id == who)
			return true;
	return false;
}

static int64_t notifications(struct fx *f, int64_t who)
{
	struct notification_filter nf;
	notif_filter(&f->c, NULL, 0, NULL, 0, 0, &nf);
	struct page pg = {.limit = 40};
	struct notification_list l;
	int rows;
	assert_int_equal(notif_list(&f->c, who, &nf, &pg, &l, &rows), RC_OK);
	return l.n;
}

/* ---- one event per write, with its fields ---- */

static void status_events(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false), d = mkuser(f, "dee", false);
	int n0 = rec.n;
	int64_t box = outbox(f);

	int64_t p = post(f, a, "first", 0, NULL);
	const struct event *ev = only(n0);
	assert_int_equal(ev->type, EV_POST);
	assert_int_equal(ev->actor, a);
	assert_int_equal(ev->status_id, p);
	assert_int_equal(ev->thread_id, p);
	assert_int_equal(ev->nrecipients, 0);

	int64_t r = post(f, b, "@ann @dee yes", p, NULL);
	ev = only(n0 + 1);
	assert_int_equal(ev->type, EV_REPLY);
	assert_int_equal(ev->actor, b);
	assert_int_equal(ev->target, a);
	assert_int_equal(ev->object_id, p);
	assert_int_equal(ev->thread_id, p);
	assert_int_equal(ev->nrecipients, 2); /* ann once, dee */
	assert_true(addressed_to(ev, a) && addressed_to(ev, d));

	post(f, a, "@ben look", 0, NULL);
	assert_int_equal(only(n0 + 2)->type, EV_MENTION);
	int64_t dm = post(f, d, "@ben secret", 0, "direct");
	ev = only(n0 + 3);
	assert_int_equal(ev->type, EV_DIRECT);
	assert_true(addressed_to(ev, b));
	post(f, a, "more of my thread", p, NULL); /* a self-reply is a post */
	assert_int_equal(only(n0 + 4)->type, EV_POST);

	struct status_edit e = {.text = "@ann @dee @ben yes, edited", .sensitive = -1};
	assert_int_equal(status_edit(&f->c, b, r, &e), RC_OK);
	ev = only(n0 + 5);
	assert_int_equal(ev->type, EV_STATUS_EDITED);
	assert_int_equal(ev->nrecipients, 0); /* ben mentions himself: nobody new */
	struct status gone;
	assert_int_equal(status_delete(&f->c, d, dm, &gone), RC_OK);
	ev = only(n0 + 6);
	assert_int_equal(ev->type, EV_STATUS_DELETED);
	assert_int_equal(ev->status_id, dm);
	assert_true(addressed_to(ev, b));
	/* Every event is in the outbox, once. */
	assert_int_equal(outbox(f), box + 7);
}

static void interaction_events(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	int64_t p = post(f, a, "first", 0, NULL);
	int n0 = rec.n;
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK);
	const struct event *ev = only(n0);
	assert_int_equal(ev->type, EV_FAVOURITE);
	assert_int_equal(ev->actor, b);
	assert_int_equal(ev->target, a);
	assert_int_equal(ev->status_id, p);
	assert_true(addressed_to(ev, a));
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK); /* no change: no event */
	assert_int_equal(rec.n, n0 + 1);
	assert_int_equal(status_favourite(&f->c, b, p, false), RC_OK);
	ev = only(n0 + 1);
	assert_int_equal(ev->type, EV_FAVOURITE_UNDO);
	assert_true(ev->since > 0 && ev->since <= now_ms());

	assert_int_equal(status_reblog(&f->c, b, p, true, NULL), RC_OK);
	ev = only(n0 + 2);
	assert_int_equal(ev->type, EV_REBLOG);
	assert_int_equal(ev->status_id, p);
	int64_t wrapper = ev->object_id;
	assert_true(wrapper != 0 && wrapper != p);
	assert_int_equal(status_reblog(&f->c, b, p, false, NULL), RC_OK);
	ev = only(n0 + 3);
	assert_int_equal(ev->type, EV_REBLOG_UNDO);
	assert_int_equal(ev->object_id, wrapper);
	assert_int_equal(ev->target, a);
	/* Deleting a reblog is taking it back, too. */
	assert_int_equal(status_reblog(&f->c, b, p, true, NULL), RC_OK);
	wrapper = rec.ev[n0 + 4].object_id;
	struct status gone;
	assert_int_equal(status_delete(&f->c, b, wrapper, &gone), RC_OK);
	assert_int_equal(only(n0 + 5)->type, EV_REBLOG_UNDO);
}

static void relationship_events(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	struct follow_options o = {-1, -1};
	int n0 = rec.n;
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
	const struct event *ev = only(n0);
	assert_int_equal(ev->type, EV_FOLLOW);
	assert_int_equal(ev->actor, a);
	assert_int_equal(ev->target, b);
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK); /* already: no event */
	assert_int_equal(rec.n, n0 + 1);
	assert_int_equal(rel_unfollow(&f->c, a, b), RC_OK);
	assert_int_equal(only(n0 + 1)->type, EV_UNFOLLOW);
	assert_int_equal(rel_unfollow(&f->c, a, b), RC_OK);
	assert_int_equal(rec.n, n0 + 2);

	struct profile_update lock = {.locked = 1, .bot = -1, .discoverable = -1, .nfields = -1};
	assert_int_equal(account_update(&f->c, b, &lock), RC_OK);
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
	assert_int_equal(only(n0 + 2)->type, EV_FOLLOW_REQUEST);
	assert_int_equal(rel_answer_request(&f->c, b, a, true), RC_OK);
	ev = only(n0 + 3);
	assert_int_equal(ev->type, EV_REQUEST_ANSWERED);
	assert_int_equal(ev->actor, b);
	assert_int_equal(ev->target, a);
	assert_int_equal(ev->object_id, 1);
	assert_int_equal(rel_remove_follower(&f->c, b, a), RC_OK);
	ev = only(n0 + 4);
	assert_int_equal(ev->type, EV_FOLLOWER_REMOVED);
	assert_int_equal(ev->actor, b);
	assert_int_equal(ev->target, a);

	assert_int_equal(rel_block(&f->c, a, b, true), RC_OK);
	assert_int_equal(only(n0 + 5)->type, EV_BLOCK);
	assert_int_equal(rel_block(&f->c, a, b, false), RC_OK);
	assert_int_equal(only(n0 + 6)->type, EV_UNBLOCK);
	assert_int_equal(rel_block(&f->c, a, b, false), RC_OK); /* not blocked: nothing */
	assert_int_equal(rec.n, n0 + 7);
	assert_int_equal(rel_mute(&f->c, a, b, true, 0), RC_OK);
	assert_int_equal(only(n0 + 7)->type, EV_MUTE);
	assert_int_equal(rel_unmute(&f->c, a, b), RC_OK);
	assert_int_equal(only(n0 + 8)->type, EV_UNMUTE);
	assert_int_equal(rel_unmute(&f->c, a, b), RC_OK);
	assert_int_equal(rec.n, n0 + 9);
}

/* ---- hooks decide ---- */

static void failing_hook_rolls_back(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	int64_t p = post(f, a, "first", 0, NULL);
	struct account before, after;
	assert_int_equal(account_get(&f->c, b, &before), RC_OK);
	int64_t box = outbox(f), notes = notifications(f, a);
	struct social_card cb, ca;
	assert_int_equal(social_card_get(&f->c, a, &cb), RC_OK);

	rec.fail_on = EV_REPLY;
	struct new_status in = {.text = "@ann no", .sensitive = -1, .in_reply_to_id = p};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, b, &in, &id), RC_INVALID);
	assert_int_equal(account_get(&f->c, b, &after), RC_OK);
	assert_int_equal(after.statuses_count, before.statuses_count);
	assert_int_equal(outbox(f), box);
	assert_int_equal(notifications(f, a), notes);
	assert_int_equal(social_card_get(&f->c, a, &ca), RC_OK);
	assert_memory_equal(&ca, &cb, sizeof ca);

	rec.fail_on = EV_FAVOURITE;
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_INVALID);
	struct status s;
	assert_int_equal(status_load(&f->c, b, p, &s), RC_OK);
	assert_int_equal(s.favourites_count, 0);
	rec.fail_on = EV_FOLLOW;
	struct follow_options o = {-1, -1};
	assert_int_equal(rel_follow(&f->c, b, a, &o), RC_INVALID);
	struct relationship rel;
	assert_int_equal(rel_get(&f->c, b, a, &rel), RC_OK);
	assert_false(rel.following);
	assert_int_equal(outbox(f), box);
}

/* ---- publishing after the commit (the streaming API's feed) ---- */

static struct {
	enum event_type type[LOG_MAX];
	int64_t status[LOG_MAX];
	int n;
	int64_t notified[LOG_MAX], notif_id[LOG_MAX];
	int nn;
	bool seen_committed; /* every item was readable on another connection */
	struct fx *f;
} pub;

/* Reads the status on another connection: it is there only if committed. */
static bool committed(int64_t status_id)
{
	struct db *db = store_acquire(pub.f->st);
	int64_t n = 0;
	db_scalar(db, &n, "SELECT COUNT(*) FROM statuses WHERE id = $1", "i", status_id);
	store_release(pub.f->st, db);
	return n == 1;
}

static void pub_event(void *arg, const struct event *ev)
{
	(void)arg;
	if (pub.n < LOG_MAX) {
		pub.type[pub.n] = ev->type;
		pub.status[pub.n++] = ev->status_id;
	}
	if (ev->status_id && !committed(ev->status_id))
		pub.seen_committed = false;
}

static void pub_notification(void *arg, int64_t account_id, int64_t id)
{
	(void)arg;
	if (pub.nn < LOG_MAX) {
		pub.notified[pub.nn] = account_id;
		pub.notif_id[pub.nn++] = id;
	}
}

static const struct event_listener pub_listener = {pub_event, pub_notification, NULL};

static void published_after_commit(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	int64_t p = post(f, a, "first", 0, NULL);
	memset(&pub, 0, sizeof pub);
	pub.f = f;
	pub.seen_committed = true;
	events_listen(&pub_listener);

	int64_t r = post(f, b, "@ann hello", p, NULL);
	assert_int_equal(pub.n, 1);
	assert_int_equal(pub.type[0], EV_REPLY);
	assert_int_equal(pub.status[0], r);
	assert_true(pub.seen_committed);
	assert_int_equal(pub.nn, 1);
	assert_int_equal(pub.notified[0], a);
	struct notification n;
	assert_int_equal(notif_get(&f->c, a, pub.notif_id[0], &n), RC_OK);
	assert_int_equal(n.status_id, r);

	/* A write that rolls back publishes nothing, and leaves nothing
	 * behind for the next one. */
	rec.fail_on = EV_FAVOURITE;
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_INVALID);
	assert_int_equal(pub.n, 1);
	assert_int_equal(pub.nn, 1);
	rec.fail_on = EV_TYPES;
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK);
	assert_int_equal(pub.n, 2);
	assert_int_equal(pub.type[1], EV_FAVOURITE);
	assert_int_equal(pub.nn, 2);
	events_listen(NULL);
	post(f, b, "@ann unheard", p, NULL);
	assert_int_equal(pub.n, 2);
}

static void fates_reach_notify(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false), d = mkuser(f, "dee", false);
	/* Held for dee only: ben still hears of it (ben follows ann, so message
	 * requests, core/requests.c, let ann's mention through). */
	struct follow_options fo = {-1, -1};
	assert_int_equal(rel_follow(&f->c, b, a, &fo), RC_OK);
	rec.hold_on = EV_MENTION;
	rec.hold_who = d;
	post(f, a, "@ben @dee hello", 0, NULL);
	assert_int_equal(notifications(f, b), 1);
	assert_int_equal(notifications(f, d), 0);
	/* A limit refuses the write: 429 with the hook's retry_after. */
	rec.limit_on = EV_FOLLOW;
	struct follow_options o = {-1, -1};
	int64_t box = outbox(f);
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_RATE_LIMITED);
	assert_int_equal(f->c.err.retry_after, 42);
	assert_string_equal(f->c.err.msg, "slow down");
	struct relationship rel;
	assert_int_equal(rel_get(&f->c, a, b, &rel), RC_OK);
	assert_false(rel.following);
	assert_int_equal(outbox(f), box);
	assert_int_equal(notifications(f, b), 1);
}

/* ---- figures ---- */

static void figures_from_writes(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false), d = mkuser(f, "dee", false);
	/* ann posts 2 originals; ben replies to one, dee favourites and boosts. */
	int64_t p1 = post(f, a, "one", 0, NULL);
	post(f, a, "two", 0, NULL);
	int64_t r1 = post(f, b, "@ann reply", p1, NULL);
	assert_int_equal(status_favourite(&f->c, d, p1, true), RC_OK);
	assert_int_equal(status_reblog(&f->c, d, p1, true, NULL), RC_OK);
	assert_int_equal(status_favourite(&f->c, a, p1, true), RC_OK); /* own: not given */
	/* ann answers ben: 3 turns between 2 people in p1's thread. */
	post(f, a, "@ben thanks", r1, NULL);
	struct social_card k;
	assert_int_equal(social_card_get(&f->c, a, &k), RC_OK);
	assert_int_equal(k.originals, 2);
	assert_int_equal(k.given, 1);       /* the answer to ben */
	assert_int_equal(k.replies_in, 1);  /* ben's reply */
	assert_int_equal(k.answered, 1);
	assert_int_equal(k.decided, 1);
	assert_int_equal(k.answers, 1);
	assert_int_equal(k.threads, 2);
	assert_int_equal(k.deep, 1);
	assert_true(social_value(&k, SK_DEPTH) == 0.5);
	assert_true(social_value(&k, SK_LISTENING) == 0.5);
	/* 2 originals in a day (the account is new), 0.5 replies per post. */
	assert_true(social_value(&k, SK_SATURATION) > 1.33 && social_value(&k, SK_SATURATION) < 1.34);
	assert_int_equal(social_card_get(&f->c, d, &k), RC_OK);
	assert_int_equal(k.given, 2);
	assert_int_equal(k.originals, 0);
	assert_true(social_value(&k, SK_LISTENING) == 2); /* per post, as if one */
	assert_true(social_value(&k, SK_RECIPROCITY) == -1); /* nothing to answer */
	/* Taking a favourite back takes it from the day it was given. */
	assert_int_equal(status_favourite(&f->c, d, p1, false), RC_OK);
	assert_int_equal(social_card_get(&f->c, d, &k), RC_OK);
	assert_int_equal(k.given, 1);
	/* Deleting ben's reply takes back his given and ann's received. */
	struct status gone;
	assert_int_equal(status_delete(&f->c, b, r1, &gone), RC_OK);
	assert_int_equal(social_card_get(&f->c, b, &k), RC_OK);
	assert_int_equal(k.given, 0);
	assert_int_equal(social_card_get(&f->c, a, &k), RC_OK);
	assert_int_equal(k.replies_in, 0);
	assert_int_equal(k.deep, 0); /* 2 turns left */
}

static void reciprocity_and_responsiveness(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	int64_t now = now_ms(), h = 3600 * 1000LL;
	/* Addressed to ann: answered after 1 h, after 3 h, after 100 h (late),
	 * unanswered for 80 h (decided), unanswered for 1 h (pending), and
	 * one from 40 days ago (outside the window). */
	struct {
		int64_t age, answer_after; /* answer_after 0: none */
	} items[] = {{10 * h, h}, {20 * h, 3 * h}, {200 * h, 100 * h}, {80 * h, 0}, {h, 0},
		     {40 * 24 * h, h}};
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		int64_t at = now - items[i].age, sid = id_from_ms(at) + (int64_t)i;
		assert_int_equal(store_social_addressed_add(f->c.db, a, sid, b, at), ST_OK);
		if (items[i].answer_after)
			assert_int_equal(store_social_answer(f->c.db, a, sid, at + items[i].answer_after),
					 ST_OK);
	}
	struct social_card k;
	assert_int_equal(social_card_get(&f->c, a, &k), RC_OK);
	assert_int_equal(k.decided, 4);  /* 3 answered + 1 unanswered for 80 h */
	assert_int_equal(k.answered, 2); /* within 72 h */
	assert_int_equal(k.answers, 3);
	assert_int_equal(k.median_ms, 3 * h); /* of 1 h, 3 h, 100 h */
	assert_true(social_value(&k, SK_RECIPROCITY) == 0.5);
	assert_true(social_value(&k, SK_RESPONSIVENESS) == 3 * 3600);
	const char *why = social_explain(&f->c, &k, SK_RESPONSIVENESS);
	assert_non_null(strstr(why, "3 hours"));
	/* The first answer is kept. */
	int64_t first = id_from_ms(now - 10 * h);
	assert_int_equal(store_social_answer(f->c.db, a, first, now), ST_OK);
	assert_int_equal(social_card_get(&f->c, a, &k), RC_OK);
	assert_int_equal(k.median_ms, 3 * h);
}

static void follows_returned(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false), d = mkuser(f, "dee", false);
	struct follow_options o = {-1, -1};
	assert_int_equal(rel_follow(&f->c, b, a, &o), RC_OK);
	assert_int_equal(rel_follow(&f->c, d, a, &o), RC_OK);
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
	struct social_card k;
	assert_int_equal(social_card_get(&f->c, a, &k), RC_OK);
	assert_int_equal(k.follows_in, 2);
	assert_int_equal(k.follows_back, 1);
	assert_true(social_value(&k, SK_FOLLOWS_RETURNED) == 0.5);
	assert_int_equal(social_card_get(&f->c, b, &k), RC_OK);
	assert_int_equal(k.follows_in, 1);
	assert_int_equal(k.follows_back, 1); /* ann followed first; ben follows her */
}

/* Backdates an account (tests only: the store has no such write). */
static void backdate(struct fx *f, int64_t id, int64_t days)
{
	assert_int_equal(db_exec(f->c.db, "UPDATE accounts SET created_at = $2 WHERE id = $1", "ii",
				 id, now_ms() - days * 24 * 3600 * 1000LL),
			 DB_OK);
}

static void talk(struct fx *f, int64_t x, int64_t y, int times)
{
	int64_t p = post(f, x, "hi", 0, NULL);
	for (int i = 0; i < times; i++) {
		p = post(f, y, "answer", p, NULL);
		p = post(f, x, "answer back", p, NULL);
	}
}

static void trust_from_reciprocated_replies(void **state)
{
	struct fx *f = *state;
	int64_t admin = mkuser(f, "admin", true), h1 = mkuser(f, "h1", false),
		h2 = mkuser(f, "h2", false), s1 = mkuser(f, "s1", false), s2 = mkuser(f, "s2", false),
		s3 = mkuser(f, "s3", false), one = mkuser(f, "oneway", false);
	backdate(f, h2, 60);
	talk(f, admin, h1, 2);
	talk(f, h1, h2, 1);
	/* A young cluster that only talks among itself, and replies one way
	 * to honest people. */
	talk(f, s1, s2, 3);
	talk(f, s2, s3, 3);
	talk(f, s3, s1, 3);
	int64_t hp = post(f, h1, "honest", 0, NULL);
	post(f, s1, "spam reply", hp, NULL);
	post(f, one, "one way", hp, NULL);
	assert_int_equal(social_trust_recompute(&f->c), RC_OK);
	struct social_card k;
	int64_t t[8];
	int64_t ids[] = {admin, h1, h2, s1, s2, s3, one};
	for (int i = 0; i < 7; i++) {
		assert_int_equal(social_card_get(&f->c, ids[i], &k), RC_OK);
		t[i] = k.trust_milli;
	}
	assert_true(t[0] > 0 && t[1] > 0 && t[2] > 0);
	assert_int_equal(t[3], 0);
	assert_int_equal(t[4], 0);
	assert_int_equal(t[5], 0);
	assert_int_equal(t[6], 0); /* one-way replies make no edge */
	/* h1 talks with both the admin and h2: the most central. */
	assert_true(t[1] > t[2]);
}

/* ---- the worker's snapshots ---- */

static void drain_makes_snapshots(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	struct social_card k;
	int64_t stamp0 = -1, stamp1 = -1, stamp2 = -1;
	assert_int_equal(social_card_shown(&f->c, a, &k, &stamp0), RC_OK);
	assert_int_equal(stamp0, 0); /* none yet */
	int64_t p = post(f, a, "one", 0, NULL);
	post(f, b, "@ann hi", p, NULL);
	assert_true(outbox(f) > 0);
	while (events_drain(&f->c, true) > 0)
		arena_free(&f->ar);
	assert_int_equal(outbox(f), 0);
	assert_int_equal(social_card_shown(&f->c, a, &k, &stamp1), RC_OK);
	assert_true(stamp1 > 0);
	assert_int_equal(k.originals, 1);
	assert_int_equal(k.replies_in, 1);
	/* Draining a write that changes nothing of ann's keeps her stamp;
	 * one that does changes it. */
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK);
	while (events_drain(&f->c, true) > 0)
		arena_free(&f->ar);
	assert_int_equal(social_card_shown(&f->c, a, &k, &stamp2), RC_OK);
	assert_int_equal(stamp2, stamp1);
	post(f, a, "two", 0, NULL);
	while (events_drain(&f->c, true) > 0)
		arena_free(&f->ar);
	assert_int_equal(social_card_shown(&f->c, a, &k, &stamp2), RC_OK);
	assert_true(stamp2 > stamp1);
	assert_int_equal(k.originals, 2);
}

static int64_t computed_at(struct fx *f, int64_t id)
{
	struct db_stmt *st = db_query(f->c.db,
				      "SELECT computed_at FROM social_cards WHERE account_id = $1", "i", id);
	assert_non_null(st);
	assert_int_equal(db_next(st), DB_ROW);
	int64_t at = db_int(st, 0);
	db_end(st);
	return at;
}

static void drain_all(struct fx *f)
{
	while (events_drain(&f->c, true) > 0)
		arena_free(&f->ar);
}

/* A favourite or boost given redoes only the giver's counters on its
 * snapshot: the figures are those of a full computation, and the time its
 * figures were all computed stays, so the hourly pass still redoes the
 * others as the window moves (docs/SOCIAL.md, "Card snapshots"). */
static void given_redoes_the_counters(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false), b = mkuser(f, "ben", false);
	int64_t p = post(f, a, "one", 0, NULL);
	post(f, b, "@ann hi", p, NULL);
	drain_all(f);
	int64_t old = now_ms() - 20 * 60 * 1000LL;
	assert_int_equal(db_exec(f->c.db, "UPDATE social_cards SET computed_at = $1", "i", old),
			 DB_OK);
	int64_t stamp_a = -1, stamp_b = -1, stamp;
	struct social_card shown, full;
	assert_int_equal(social_card_shown(&f->c, a, &shown, &stamp_a), RC_OK);
	assert_int_equal(social_card_shown(&f->c, b, &shown, &stamp_b), RC_OK);
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK);
	assert_int_equal(status_reblog(&f->c, b, p, true, NULL), RC_OK);
	drain_all(f);
	assert_int_equal(social_card_shown(&f->c, b, &shown, &stamp), RC_OK);
	assert_true(stamp > stamp_b);
	assert_int_equal(shown.given, 3); /* the reply, the favourite, the boost */
	assert_int_equal(social_card_get(&f->c, b, &full), RC_OK);
	assert_memory_equal(&shown, &full, sizeof shown);
	assert_int_equal(computed_at(f, b), old);
	/* What ann received counts nowhere in her card: untouched. */
	assert_int_equal(social_card_shown(&f->c, a, &shown, &stamp), RC_OK);
	assert_int_equal(stamp, stamp_a);
	assert_int_equal(computed_at(f, a), old);
	/* Taken back: the counters again. */
	assert_int_equal(status_favourite(&f->c, b, p, false), RC_OK);
	drain_all(f);
	assert_int_equal(social_card_shown(&f->c, b, &shown, &stamp), RC_OK);
	assert_int_equal(shown.given, 2);
	assert_int_equal(social_card_get(&f->c, b, &full), RC_OK);
	assert_memory_equal(&shown, &full, sizeof shown);
	/* A write that may change every figure computes them all. */
	post(f, b, "two", 0, NULL);
	drain_all(f);
	assert_true(computed_at(f, b) > old);
}

/* ---- draining with another process ---- */

struct done_ids {
	int64_t ids[2];
};

static enum store_rc done_fn(struct db *db, void *arg)
{
	return store_events_done(db, ((struct done_ids *)arg)->ids, 2);
}

/* A batch one of whose rows another process drained meanwhile is refused
 * whole (store_events_done), so the caller's writes roll back with it:
 * nothing is applied twice, and the other row stays for the next batch. */
static void drained_elsewhere_is_refused(void **state)
{
	struct fx *f = *state;
	int64_t a = mkuser(f, "ann", false);
	post(f, a, "one", 0, NULL);
	post(f, a, "two", 0, NULL);
	struct store_event *rows;
	int n = 0;
	assert_int_equal(store_events_next(f->c.db, &f->ar, 8, &rows, &n), ST_OK);
	assert_true(n >= 2);
	struct done_ids d = {{rows[0].id, rows[1].id}};
	assert_int_equal(db_exec(f->c.db, "DELETE FROM events WHERE id = $1", "i", d.ids[0]), DB_OK);
	assert_int_equal(store_tx(f->c.db, done_fn, &d), ST_CONFLICT);
	int64_t left = -1;
	assert_int_equal(db_scalar(f->c.db, &left, "SELECT COUNT(*) FROM events WHERE id = $1", "i",
				   d.ids[1]),
			 DB_ROW);
	assert_int_equal(left, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(status_events, setup, teardown_events),
		cmocka_unit_test_setup_teardown(interaction_events, setup, teardown_events),
		cmocka_unit_test_setup_teardown(relationship_events, setup, teardown_events),
		cmocka_unit_test_setup_teardown(failing_hook_rolls_back, setup, teardown_events),
		cmocka_unit_test_setup_teardown(fates_reach_notify, setup, teardown_events),
		cmocka_unit_test_setup_teardown(published_after_commit, setup, teardown_events),
		cmocka_unit_test_setup_teardown(figures_from_writes, setup, teardown_events),
		cmocka_unit_test_setup_teardown(reciprocity_and_responsiveness, setup,
						teardown_events),
		cmocka_unit_test_setup_teardown(follows_returned, setup, teardown_events),
		cmocka_unit_test_setup_teardown(trust_from_reciprocated_replies, setup,
						teardown_events),
		cmocka_unit_test_setup_teardown(drain_makes_snapshots, setup, teardown_events),
		cmocka_unit_test_setup_teardown(given_redoes_the_counters, setup, teardown_events),
		cmocka_unit_test_setup_teardown(drained_elsewhere_is_refused, setup, teardown_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
