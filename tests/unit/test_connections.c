/* Unit tests of know your connections (core/connections.c) on a real
 * store: how we met recorded from a reply, a favourite or nothing; the
 * reconnect list against a clock the test sets; unknown followers; the
 * waiting inbox classified, settled by an answer in the thread, without
 * held, muted or blocked senders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/classify.h"
#include "core/connections.h"
#include "core/events.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "store/connections.h"
#include "store/db.h"
#include "store/events.h"
#include "store_fixture.h"
#include "util/util.h"

#define DAY (24 * 3600 * 1000LL)

/* A policy hook that holds what hold_from sends to anyone. */
static int64_t hold_from;

static enum rc hold(struct core *c, struct db *db, struct event *ev)
{
	(void)c;
	(void)db;
	if (ev->actor == hold_from)
		for (int i = 0; i < ev->nrecipients; i++)
			ev->rcpt[i].fate = FATE_HOLD;
	return RC_OK;
}

static const struct event_hook holder = {"test holder", EVENT_ALL, hold};

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	hold_from = 0;
	events_extra_policy(&holder);
	return f ? 0 : -1;
}

static int teardown_all(void **state)
{
	events_extra_policy(NULL);
	return teardown(state);
}

static int64_t post(struct fx *f, int64_t author, const char *text, int64_t reply_to)
{
	struct new_status in = {.text = text, .sensitive = -1, .in_reply_to_id = reply_to};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, author, &in, &id), RC_OK);
	return id;
}

/* id favourited by who, and the outbox drained: favourites and boosts
 * reach the contact rows through the drain, not in their own write. */
static void favourite(struct fx *f, int64_t who, int64_t id)
{
	assert_int_equal(status_favourite(&f->c, who, id, true), RC_OK);
	while (events_drain(&f->c, true) > 0)
		;
}

static void follow(struct fx *f, int64_t a, int64_t b)
{
	struct follow_options o = {-1, -1};
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
}

static struct connection met(struct fx *f, int64_t a, int64_t b, bool *found)
{
	struct connection k;
	assert_int_equal(connection_get(&f->c, a, b, &k, found), RC_OK);
	return k;
}

/* ---- how we met ---- */

static void met_from_reply(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	int64_t p = post(f, b, "a thought on bikes", 0);
	int64_t older = post(f, b, "an older one", 0);
	post(f, a, "@ben what a good point", older);
	post(f, a, "@ben agreed!", p); /* the latest interaction */
	follow(f, a, b);
	bool found;
	struct connection k = met(f, a, b, &found);
	assert_true(found);
	assert_int_equal(k.met_status_id, p);
	assert_string_equal(k.how, "");
	/* ben never followed ann: no row for him. */
	met(f, b, a, &found);
	assert_false(found);
	/* A second follow keeps the first meeting and the owner's words. */
	assert_int_equal(connection_set_how(&f->c, a, b, "met at the bike co-op", &k), RC_OK);
	assert_int_equal(rel_unfollow(&f->c, a, b), RC_OK);
	post(f, a, "@ben again", older);
	follow(f, a, b);
	k = met(f, a, b, &found);
	assert_int_equal(k.met_status_id, p);
	assert_string_equal(k.how, "met at the bike co-op");
}

static void met_from_favourite_mention_or_none(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), d = fx_user(f, "dee"),
		e = fx_user(f, "eve");
	int64_t p = post(f, b, "nice day", 0);
	assert_int_equal(status_favourite(&f->c, a, p, true), RC_OK);
	follow(f, a, b);
	bool found;
	assert_int_equal(met(f, a, b, &found).met_status_id, p);
	/* dee mentions ann; ann follows dee: the mention is how they met. */
	int64_t m = post(f, d, "hello @ann", 0);
	follow(f, a, d);
	assert_int_equal(met(f, a, d, &found).met_status_id, m);
	/* Nothing between ann and eve: a row without a status. */
	post(f, e, "unrelated", 0);
	follow(f, a, e);
	struct connection k = met(f, a, e, &found);
	assert_true(found);
	assert_int_equal(k.met_status_id, 0);
	assert_true(k.met_at > 0);
	/* Outside the lookback: a reply 100 days old does not count. */
	int64_t g = fx_user(f, "gus");
	int64_t q = post(f, g, "old post", 0), r = post(f, a, "@gus old reply", q);
	assert_int_equal(db_exec(f->c.db, "UPDATE statuses SET created_at = $2 WHERE id = $1", "ii",
				 r, now_ms() - 100 * DAY),
			 DB_OK);
	follow(f, a, g);
	assert_int_equal(met(f, a, g, &found).met_status_id, 0);
}

static void how_text_rules(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), d = fx_user(f, "dee");
	struct connection k;
	/* Not followed, never met: no connection to write. */
	assert_int_equal(connection_set_how(&f->c, a, b, "hi", &k), RC_NOT_FOUND);
	assert_int_equal(connection_set_how(&f->c, a, a, "me", &k), RC_INVALID);
	assert_int_equal(connection_set_how(&f->c, a, 12345, "who", &k), RC_NOT_FOUND);
	follow(f, a, b);
	char big[HOW_TEXT_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(connection_set_how(&f->c, a, b, big, &k), RC_INVALID);
	big[HOW_TEXT_MAX] = '\0';
	assert_int_equal(connection_set_how(&f->c, a, b, big, &k), RC_OK);
	assert_int_equal((int)strlen(k.how), HOW_TEXT_MAX);
	/* Stored as written, markup and all. */
	assert_int_equal(connection_set_how(&f->c, a, b, "<b>co-op</b> & tea", &k), RC_OK);
	bool found;
	assert_string_equal(met(f, a, b, &found).how, "<b>co-op</b> & tea");
	/* dee's connections are her own. */
	met(f, d, b, &found);
	assert_false(found);
}

/* ---- reconnect, unknown ---- */

static int64_t reconnect_n(struct fx *f, int64_t a, int64_t now, int64_t *first)
{
	struct contact_list l;
	assert_int_equal(connections_reconnect(&f->c, a, now, 0, 0, 40, &l), RC_OK);
	if (first)
		*first = l.n ? l.items[0].other_id : 0;
	return l.n;
}

static void reconnect_with_clock(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), d = fx_user(f, "dee"),
		e = fx_user(f, "eve");
	follow(f, a, b);
	follow(f, b, a);
	follow(f, a, d);
	follow(f, d, a);
	follow(f, a, e); /* not mutual */
	int64_t now = now_ms(), first;
	/* Mutuals who never interacted come first, in id order. */
	assert_int_equal(reconnect_n(f, a, now, &first), 2);
	/* ben favourites ann's post today: quiet for 90 days only from day 90. */
	int64_t p = post(f, a, "hello", 0);
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK);
	assert_int_equal(reconnect_n(f, a, now, NULL), 2); /* until the outbox is drained */
	while (events_drain(&f->c, true) > 0)
		;
	assert_int_equal(reconnect_n(f, a, now, &first), 1);
	assert_int_equal(first, d);
	assert_int_equal(reconnect_n(f, b, now, NULL), 0); /* either way */
	assert_int_equal(reconnect_n(f, a, now + 89 * DAY, NULL), 1);
	struct contact_list l;
	assert_int_equal(connections_reconnect(&f->c, a, now + 91 * DAY, 0, 0, 40, &l), RC_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].other_id, d); /* never, before ben's 91 days */
	assert_int_equal(l.items[0].last_any, 0);
	assert_int_equal(l.items[1].other_id, b);
	assert_true(l.items[1].last_any > 0);
	assert_non_null(strstr(connections_reason(&f->c, &l.items[1], now + 91 * DAY), "3 months"));
	assert_non_null(strstr(connections_reason(&f->c, &l.items[0], now), "never"));
	/* The next page starts after the first row. */
	struct contact_list next;
	assert_int_equal(connections_reconnect(&f->c, a, now + 91 * DAY, l.items[0].last_any,
					       l.items[0].other_id, 40, &next),
			 RC_OK);
	assert_int_equal(next.n, 1);
	assert_int_equal(next.items[0].other_id, b);
	/* No longer mutual: an unfollow, a removal, a block. */
	assert_int_equal(rel_unfollow(&f->c, d, a), RC_OK);
	assert_int_equal(reconnect_n(f, a, now + 91 * DAY, &first), 1);
	assert_int_equal(rel_block(&f->c, b, a, true), RC_OK);
	assert_int_equal(reconnect_n(f, a, now + 91 * DAY, NULL), 0);
}

static int64_t unknown_n(struct fx *f, int64_t a, int64_t *first)
{
	struct contact_list l;
	assert_int_equal(connections_unknown(&f->c, a, 0, 40, &l), RC_OK);
	*first = l.n ? l.items[0].other_id : 0;
	return l.n;
}

static void unknown_followers(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), d = fx_user(f, "dee"),
		e = fx_user(f, "eve");
	follow(f, b, a);
	follow(f, d, a);
	follow(f, e, a);
	int64_t first;
	assert_int_equal(unknown_n(f, a, &first), 3);
	assert_int_equal(first, e); /* newest follow first */
	/* Talking to them takes them off: a reply, a favourite, a mention. */
	int64_t p = post(f, e, "hi all", 0);
	post(f, a, "@eve welcome", p);
	assert_int_equal(unknown_n(f, a, &first), 2);
	assert_int_equal(first, d);
	favourite(f, a, post(f, d, "dee's", 0));
	assert_int_equal(unknown_n(f, a, &first), 1);
	/* ben talking to ann does not make him known to her. */
	post(f, b, "@ann hello", 0);
	assert_int_equal(unknown_n(f, a, &first), 1);
	assert_int_equal(first, b);
	/* Paging by the follow. */
	struct contact_list l;
	assert_int_equal(connections_unknown(&f->c, a, 0, 1, &l), RC_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(connections_unknown(&f->c, a, l.items[0].follower_id, 1, &l), RC_OK);
	assert_int_equal(l.n, 0);
	/* An ex-follower is not a follower. */
	assert_int_equal(rel_unfollow(&f->c, b, a), RC_OK);
	assert_int_equal(unknown_n(f, a, &first), 0);
}

/* A favourite whose giver is gone before the outbox is drained: the drain
 * skips the pair and goes on (a failing touch would stop it for good). */
static void touch_of_a_deleted_account_is_skipped(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), d = fx_user(f, "dee");
	int64_t p = post(f, a, "hello", 0);
	assert_int_equal(status_favourite(&f->c, b, p, true), RC_OK);
	assert_int_equal(status_favourite(&f->c, d, p, true), RC_OK);
	assert_int_equal(db_exec(f->c.db, "DELETE FROM accounts WHERE id = $1", "i", b), DB_OK);
	assert_true(events_drain(&f->c, true) > 0);
	int64_t left = -1, rows = -1;
	assert_int_equal(store_events_pending(f->c.db, &left), ST_OK);
	assert_int_equal(left, 0);
	assert_int_equal(db_scalar(f->c.db, &rows,
				   "SELECT COUNT(*) FROM contacts WHERE last_any > 0", ""),
			 DB_ROW);
	assert_int_equal(rows, 2); /* dee's pair, both ways */
}

/* ---- waiting ---- */

static int waiting(struct fx *f, int64_t a, int64_t *ids, int *kinds)
{
	struct waiting_list l;
	assert_int_equal(connections_waiting(&f->c, a, 0, 40, now_ms(), &l), RC_OK);
	for (int i = 0; i < l.n; i++) {
		ids[i] = l.items[i].status.id;
		kinds[i] = l.items[i].kind;
	}
	return l.n;
}

static void waiting_classified_and_settled(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), d = fx_user(f, "dee"),
		e = fx_user(f, "eve"), g = fx_user(f, "gus");
	follow(f, a, b); /* ben's mention outside her thread reaches ann (docs/SOCIAL.md) */
	int64_t p = post(f, a, "I wrote a tool", 0);
	int64_t plain = post(f, b, "@ann nice tool", p);
	int64_t q = post(f, d, "@ann how do I install it", p);
	int64_t crit = post(f, e, "@ann it doesn't work on my laptop", p);
	int64_t q2 = post(f, b, "@ann ¿dónde está el manual?", 0);
	int64_t ids[16];
	int kinds[16];
	assert_int_equal(waiting(f, a, ids, kinds), 4);
	/* criticism, then questions newest first, then the rest */
	assert_int_equal(ids[0], crit);
	assert_int_equal(kinds[0], CLS_CRITICISM);
	assert_int_equal(ids[1], q2);
	assert_int_equal(ids[2], q);
	assert_int_equal(kinds[2], CLS_QUESTION);
	assert_int_equal(ids[3], plain);
	assert_int_equal(kinds[3], CLS_OTHER);
	/* Paging by the cursor of the second item. */
	struct waiting_list l;
	assert_int_equal(connections_waiting(&f->c, a, waiting_cursor(CLS_QUESTION, q2), 2,
					     now_ms(), &l),
			 RC_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].status.id, q);
	assert_int_equal(l.items[1].status.id, plain);
	/* ann answers dee in the thread: everything before it there is
	 * settled (ben's and eve's replies in that thread too). */
	post(f, a, "@dee with make install", q);
	assert_int_equal(waiting(f, a, ids, kinds), 1);
	assert_int_equal(ids[0], q2);
	/* An edit reclassifies. */
	int64_t later = post(f, d, "@ann thanks", 0);
	assert_int_equal(waiting(f, a, ids, kinds), 2);
	assert_int_equal(ids[1], later);
	struct status_edit ed = {.text = "@ann thanks, but it crashed", .sensitive = -1};
	assert_int_equal(status_edit(&f->c, d, later, &ed), RC_OK);
	assert_int_equal(waiting(f, a, ids, kinds), 2);
	assert_int_equal(ids[0], later);
	assert_int_equal(kinds[0], CLS_CRITICISM);
	/* Held senders wait in requests, not here, until released. */
	hold_from = g;
	int64_t held = post(f, g, "@ann buy my course?", 0);
	assert_int_equal(waiting(f, a, ids, kinds), 2);
	assert_int_equal(connections_release(&f->c, f->c.db, a, g), RC_OK);
	assert_int_equal(waiting(f, a, ids, kinds), 3);
	assert_int_equal(ids[1], held);
	/* Muted and blocked senders are left out. */
	assert_int_equal(rel_mute(&f->c, a, g, true, 0), RC_OK);
	assert_int_equal(waiting(f, a, ids, kinds), 2);
	assert_int_equal(rel_block(&f->c, d, a, true), RC_OK);
	assert_int_equal(waiting(f, a, ids, kinds), 1);
	assert_int_equal(ids[0], q2);
}

/* The lists are index ranges: the plan names the partial indexes. */
static void plans_use_indexes(void **state)
{
	struct fx *f = *state;
	static const char *const q[][2] = {
		{"EXPLAIN QUERY PLAN SELECT c.other_id FROM contacts c WHERE c.account_id = 1"
		 " AND c.follower_id > 0 AND c.following = 1 AND c.last_any < 5 AND c.last_any >= 0"
		 " ORDER BY c.last_any, c.other_id LIMIT 3",
		 "contacts_reconnect"},
		{"EXPLAIN QUERY PLAN SELECT c.other_id FROM contacts c WHERE c.account_id = 1"
		 " AND c.follower_id > 0 AND c.last_to = 0 AND c.follower_id < 9"
		 " ORDER BY c.follower_id DESC LIMIT 3",
		 "contacts_unknown"},
		{"EXPLAIN QUERY PLAN SELECT w.status_id FROM social_addressed w WHERE w.account_id = 1"
		 " AND w.settled_at = 0 AND w.held = 0 AND w.kind <= 2 AND (w.kind < 2 OR"
		 " w.status_id < 9) ORDER BY w.kind DESC, w.status_id DESC LIMIT 3",
		 "social_addressed_waiting"},
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		struct db_stmt *st = db_query(f->c.db, q[i][0], "");
		assert_non_null(st);
		bool seen = false, temp = false;
		while (db_next(st) == DB_ROW) {
			const char *d = db_text(st, 3);
			seen = seen || strstr(d, q[i][1]);
			temp = temp || strstr(d, "TEMP B-TREE");
		}
		db_end(st);
		assert_true(seen);
		assert_false(temp);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(met_from_reply, setup, teardown_all),
		cmocka_unit_test_setup_teardown(met_from_favourite_mention_or_none, setup,
						teardown_all),
		cmocka_unit_test_setup_teardown(how_text_rules, setup, teardown_all),
		cmocka_unit_test_setup_teardown(reconnect_with_clock, setup, teardown_all),
		cmocka_unit_test_setup_teardown(unknown_followers, setup, teardown_all),
		cmocka_unit_test_setup_teardown(touch_of_a_deleted_account_is_skipped, setup,
						teardown_all),
		cmocka_unit_test_setup_teardown(waiting_classified_and_settled, setup, teardown_all),
		cmocka_unit_test_setup_teardown(plans_use_indexes, setup, teardown_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
