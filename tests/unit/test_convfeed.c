/* Unit tests of the Conversations feed (core/convfeed.c) on a real store:
 * the order of the tiers and their `why` on hand-made cases, likes earning
 * nothing, runs folding into "+N more from X", pages cut from one
 * snapshot while posts arrive, first pages reusing a snapshot until the
 * home feed moves, and cursors whose snapshot is gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/convfeed.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "store_fixture.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	convfeed_cache_free();
	return f ? 0 : -1;
}

static void follow(struct fx *f, int64_t a, int64_t b)
{
	struct follow_options o = {.reblogs = -1, .notify = -1};
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
}

static int64_t post(struct fx *f, int64_t author, const char *text, int64_t reply_to)
{
	struct new_status in = {.text = text, .visibility = "public", .sensitive = -1,
				.in_reply_to_id = reply_to};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, author, &in, &id), RC_OK);
	return id;
}

static void page(struct fx *f, int64_t viewer, int64_t max_id, int limit,
		 struct convfeed_page *p)
{
	struct page pg = {.max_id = max_id, .limit = limit};
	assert_int_equal(convfeed_page(&f->c, viewer, &pg, p), RC_OK);
}

/* The people of every case: ann reads; ben talks with her (mutual), cid
 * replies to her without a history, dee is a mutual, eve broadcasts. */
struct cast {
	int64_t ann, ben, cid, dee, eve;
	int64_t talk_reply, cold_reply, mutual_post, casts[3];
};

static void make_cast(struct fx *f, struct cast *k)
{
	k->ann = fx_user(f, "ann");
	k->ben = fx_user(f, "ben");
	k->cid = fx_user(f, "cid");
	k->dee = fx_user(f, "dee");
	k->eve = fx_user(f, "eve");
	follow(f, k->ann, k->ben);
	follow(f, k->ben, k->ann);
	follow(f, k->ann, k->cid);
	follow(f, k->cid, k->ann);
	follow(f, k->ann, k->dee);
	follow(f, k->dee, k->ann);
	follow(f, k->ann, k->eve);
	/* ben and ann talk: ben answered ann, ann answered back. */
	int64_t q = post(f, k->ann, "anyone for a walk?", 0);
	int64_t a1 = post(f, k->ben, "me!", q);
	post(f, k->ann, "great, at noon", a1);
	for (int i = 0; i < 3; i++)
		k->casts[i] = post(f, k->eve, "read my blog", 0);
	k->mutual_post = post(f, k->dee, "a new thread about birds", 0);
	int64_t q2 = post(f, k->ann, "and what about lunch?", 0);
	k->cold_reply = post(f, k->cid, "lunch sounds good", q2);
	k->talk_reply = post(f, k->ben, "lunch too", q2);
}

static void tiers_and_why(void **state)
{
	struct fx *f = *state;
	struct cast k;
	make_cast(f, &k);
	/* Every like there is goes to eve's broadcasts: it changes nothing. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(status_favourite(&f->c, k.ben, k.casts[i], true), RC_OK);
		assert_int_equal(status_favourite(&f->c, k.dee, k.casts[i], true), RC_OK);
	}
	struct convfeed_page p;
	page(f, k.ann, 0, 40, &p);
	/* The walk thread's first reply (a1) is ben's too, older. */
	assert_true(p.list.n >= 5);
	assert_int_equal(p.list.items[0].id, k.talk_reply);
	assert_string_equal(p.why[0], "replied to you · you talk · 3-turn thread");
	/* The walk thread's reply: replied to you, you talk, 3 turns. */
	assert_int_equal(p.list.items[1].account_id, k.ben);
	assert_int_equal(p.list.items[2].id, k.cold_reply);
	assert_string_equal(p.why[2], "replied to you · 3-turn thread");
	assert_int_equal(p.list.items[3].id, k.mutual_post);
	assert_string_equal(p.why[3], "mutual");
	/* eve's three broadcasts fold into the newest. */
	assert_int_equal(p.list.n, 5);
	assert_int_equal(p.list.items[4].id, k.casts[2]);
	assert_string_equal(p.why[4], "broadcast");
	assert_string_equal(p.more[4], "+2 more from eve");
	for (int i = 0; i < 4; i++)
		assert_null(p.more[i]);
	assert_int_equal(p.next, 0); /* one page holds it all */
	/* ann's own statuses are not in it. */
	for (int i = 0; i < p.list.n; i++)
		assert_int_not_equal(p.list.items[i].account_id, k.ann);
}

/* Pages of one snapshot: the same order as the whole, none twice, while
 * new statuses arrive; a fresh first page shows them. */
static void pages_while_posting(void **state)
{
	struct fx *f = *state;
	struct cast k;
	make_cast(f, &k);
	struct convfeed_page whole, p;
	page(f, k.ann, 0, 40, &whole);
	int64_t seen[64];
	int n = 0;
	int64_t cursor = 0, newest = 0;
	do {
		page(f, k.ann, cursor, 2, &p);
		assert_true(p.list.n <= 2);
		for (int i = 0; i < p.list.n; i++)
			seen[n++] = p.list.items[i].id;
		cursor = p.next;
		assert_true(cursor == 0 || cursor < CONVFEED_CURSOR_END);
		newest = post(f, k.ben, "another reply", k.talk_reply); /* ranks high */
	} while (cursor);
	assert_int_equal(n, whole.list.n);
	for (int i = 0; i < n; i++)
		assert_int_equal(seen[i], whole.list.items[i].id);
	page(f, k.ann, 0, 40, &p);
	/* ben answering himself is not a reply to ann, but the thread grew. */
	int found = 0;
	for (int i = 0; i < p.list.n; i++)
		found += p.list.items[i].id == newest;
	assert_int_equal(found, 1);
}

/* A first page reuses the viewer's young snapshot while nothing new is in
 * the home feed; a new status there makes a new one. */
static void first_page_reuse(void **state)
{
	struct fx *f = *state;
	struct cast k;
	make_cast(f, &k);
	struct convfeed_page a, b, c;
	page(f, k.ann, 0, 1, &a);
	page(f, k.ann, 0, 1, &b);
	assert_int_not_equal(a.next, 0);
	assert_int_equal(a.next, b.next);
	post(f, k.dee, "something new", 0);
	page(f, k.ann, 0, 1, &c);
	assert_int_not_equal(c.next >> CONVFEED_POS_BITS, a.next >> CONVFEED_POS_BITS);
}

/* A cursor whose snapshot is gone is served from a new one at the same
 * position; one from another viewer names none of theirs. */
static void lost_cursor(void **state)
{
	struct fx *f = *state;
	struct cast k;
	make_cast(f, &k);
	struct convfeed_page a, b;
	page(f, k.ann, 0, 2, &a);
	int64_t cursor = a.next;
	assert_int_not_equal(cursor, 0);
	page(f, k.ann, cursor, 2, &b);
	int64_t second = b.list.items[0].id;
	convfeed_cache_free();
	page(f, k.ann, cursor, 2, &b);
	assert_int_equal(b.list.items[0].id, second);
	/* eve follows no one: ann's cursor gives her an empty feed. */
	page(f, k.eve, cursor, 2, &b);
	assert_int_equal(b.list.n, 0);
	assert_int_equal(b.next, 0);
	/* Past the end, or a position no snapshot has: an empty page. */
	page(f, k.ann, (cursor & ~0xfffLL) | 0xfff, 2, &b);
	assert_int_equal(b.list.n, 0);
}

/* More snapshots than a viewer keeps: the oldest goes, the newest stay. */
static void per_viewer_limit(void **state)
{
	struct fx *f = *state;
	struct cast k;
	make_cast(f, &k);
	int64_t cursors[CONVFEED_PER_VIEWER + 1];
	struct convfeed_page p;
	for (int i = 0; i <= CONVFEED_PER_VIEWER; i++) {
		/* Newer than a status: a bounded snapshot, never reused. */
		struct page pg = {.since_id = k.casts[0], .limit = 1};
		assert_int_equal(convfeed_page(&f->c, k.ann, &pg, &p), RC_OK);
		cursors[i] = p.next;
		assert_int_not_equal(cursors[i], 0);
	}
	/* The newest snapshots still serve their cursors as they were. */
	page(f, k.ann, cursors[CONVFEED_PER_VIEWER], 40, &p);
	assert_true(p.list.n > 0);
	page(f, k.ann, cursors[0], 40, &p); /* rebuilt: still a page */
	assert_true(p.list.n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(tiers_and_why, setup, teardown),
		cmocka_unit_test_setup_teardown(pages_while_posting, setup, teardown),
		cmocka_unit_test_setup_teardown(first_page_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(lost_cursor, setup, teardown),
		cmocka_unit_test_setup_teardown(per_viewer_limit, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	convfeed_cache_free();
	return rc;
}
