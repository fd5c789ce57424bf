/* Unit tests of core/relationships.c on a real store: what follows,
 * requests, blocks and mutes do to counters, home feeds, visibility and
 * notifications. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/accounts.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "core/timeline.h"
#include "store/rel.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	return f ? 0 : -1;
}

static int64_t post(struct fx *f, int64_t author, const char *text, const char *visibility)
{
	struct new_status in = {.text = text, .visibility = visibility, .sensitive = -1};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, author, &in, &id), RC_OK);
	return id;
}

static const struct follow_options DEFAULTS = {-1, -1};

/* The followers_count and following_count of id. */
static void counts(struct fx *f, int64_t id, int64_t followers, int64_t following)
{
	struct account a;
	assert_int_equal(account_get(&f->c, id, &a), RC_OK);
	assert_int_equal(a.followers_count, followers);
	assert_int_equal(a.following_count, following);
}

static bool in_home(struct fx *f, int64_t viewer, int64_t status)
{
	struct page pg = {.limit = 40};
	struct status_list l;
	assert_int_equal(timeline_home(&f->c, viewer, &pg, &l), RC_OK);
	for (int i = 0; i < l.n; i++)
		if (l.items[i].id == status)
			return true;
	return false;
}

/* viewer's notifications of type (e.g. ",follow,"). */
static int64_t notifications(struct fx *f, int64_t viewer, const char *type)
{
	struct notification_filter nf = {.types = type, .exclude = ""};
	int64_t n = -1;
	assert_int_equal(store_notifications_count(f->c.db, viewer, &nf, 0, 100, &n), ST_OK);
	return n;
}

static struct relationship rel(struct fx *f, int64_t viewer, int64_t target)
{
	struct relationship r;
	assert_int_equal(rel_get(&f->c, viewer, target, &r), RC_OK);
	return r;
}

static void follow_and_unfollow(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	int64_t s1 = post(f, a, "before the follow", "public");
	int64_t p1 = post(f, a, "for followers only", "private");
	assert_false(in_home(f, b, s1));

	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	counts(f, a, 1, 0);
	counts(f, b, 0, 1);
	struct relationship r = rel(f, b, a);
	assert_true(r.following && r.showing_reblogs && !r.notifying && !r.requested);
	assert_true(rel(f, a, b).followed_by);
	assert_true(in_home(f, b, s1) && in_home(f, b, p1)); /* backfilled */
	assert_int_equal(notifications(f, a, ",follow,"), 1);
	int64_t s2 = post(f, a, "after the follow", "public");
	assert_true(in_home(f, b, s2));

	/* Following again changes options, not counts or notifications. */
	struct follow_options notify = {-1, 1};
	assert_int_equal(rel_follow(&f->c, b, a, &notify), RC_OK);
	counts(f, a, 1, 0);
	assert_true(rel(f, b, a).notifying);
	assert_int_equal(notifications(f, a, ",follow,"), 1);

	assert_int_equal(rel_unfollow(&f->c, b, a), RC_OK);
	counts(f, a, 0, 0);
	counts(f, b, 0, 0);
	assert_false(rel(f, b, a).following);
	assert_false(in_home(f, b, s1) || in_home(f, b, s2) || in_home(f, b, p1));
	assert_int_equal(notifications(f, a, ",follow,"), 0);
	assert_int_equal(rel_unfollow(&f->c, b, a), RC_OK); /* twice: no negative count */
	counts(f, a, 0, 0);

	assert_int_equal(rel_follow(&f->c, a, a, &DEFAULTS), RC_FORBIDDEN);
	assert_int_equal(rel_follow(&f->c, a, a + 12345, &DEFAULTS), RC_NOT_FOUND);
	counts(f, a, 0, 0);
}

static void remove_follower(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), c = fx_user(f, "cid");
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	assert_int_equal(rel_follow(&f->c, c, a, &DEFAULTS), RC_OK);
	int64_t s = post(f, a, "hello", "public");
	counts(f, a, 2, 0);
	assert_int_equal(rel_remove_follower(&f->c, a, b), RC_OK);
	counts(f, a, 1, 0);
	counts(f, b, 0, 0);
	assert_false(in_home(f, b, s));
	assert_true(in_home(f, c, s));
	assert_false(rel(f, a, b).followed_by);
}

static void locked_accounts_take_requests(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), c = fx_user(f, "cid"),
		d = fx_user(f, "dee");
	struct profile_update lock = {.locked = 1, .bot = -1, .discoverable = -1, .nfields = -1,
				      .sensitive = -1};
	assert_int_equal(account_update(&f->c, a, &lock), RC_OK);
	int64_t p = post(f, a, "followers only", "private");

	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	struct relationship r = rel(f, b, a);
	assert_true(r.requested && !r.following);
	assert_true(rel(f, a, b).requested_by);
	counts(f, a, 0, 0);
	assert_int_equal(notifications(f, a, ",follow_request,"), 1);
	assert_false(in_home(f, b, p));
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK); /* still one request */
	assert_int_equal(notifications(f, a, ",follow_request,"), 1);

	/* Authorized: the follow is made, the request and its notification go. */
	assert_int_equal(rel_answer_request(&f->c, a, b, true), RC_OK);
	r = rel(f, b, a);
	assert_true(r.following && !r.requested);
	counts(f, a, 1, 0);
	counts(f, b, 0, 1);
	assert_true(in_home(f, b, p));
	assert_int_equal(notifications(f, a, ",follow_request,"), 0);
	assert_int_equal(rel_answer_request(&f->c, a, b, true), RC_NOT_FOUND);

	/* Rejected: nothing is followed. */
	assert_int_equal(rel_follow(&f->c, c, a, &DEFAULTS), RC_OK);
	assert_int_equal(rel_answer_request(&f->c, a, c, false), RC_OK);
	assert_false(rel(f, c, a).following || rel(f, c, a).requested);
	counts(f, a, 1, 0);
	counts(f, c, 0, 0);

	/* Withdrawn by the requester. */
	assert_int_equal(rel_follow(&f->c, d, a, &DEFAULTS), RC_OK);
	assert_int_equal(notifications(f, a, ",follow_request,"), 1);
	assert_int_equal(rel_unfollow(&f->c, d, a), RC_OK);
	assert_false(rel(f, d, a).requested);
	assert_int_equal(notifications(f, a, ",follow_request,"), 0);
	assert_int_equal(rel_answer_request(&f->c, a, d, true), RC_NOT_FOUND);
	counts(f, a, 1, 0);
}

static void blocks_cut_every_tie(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), c = fx_user(f, "cid");
	assert_int_equal(rel_follow(&f->c, a, b, &DEFAULTS), RC_OK);
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	assert_int_equal(rel_follow(&f->c, c, a, &DEFAULTS), RC_OK);
	int64_t sa = post(f, a, "from ann", "public"), sb = post(f, b, "from ben", "public");
	assert_true(in_home(f, a, sb) && in_home(f, b, sa));
	counts(f, a, 2, 1);

	assert_int_equal(rel_block(&f->c, a, b, true), RC_OK);
	counts(f, a, 1, 0);
	counts(f, b, 0, 0);
	struct relationship r = rel(f, a, b);
	assert_true(r.blocking && !r.following && !r.followed_by);
	assert_true(rel(f, b, a).blocked_by);
	assert_false(in_home(f, a, sb) || in_home(f, b, sa));
	assert_true(in_home(f, c, sa));
	struct status st;
	assert_int_equal(status_load(&f->c, b, sa, &st), RC_NOT_FOUND);
	assert_int_equal(status_load(&f->c, c, sa, &st), RC_OK);
	/* Neither may follow the other while the block stands. */
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_FORBIDDEN);
	assert_int_equal(rel_follow(&f->c, a, b, &DEFAULTS), RC_FORBIDDEN);
	counts(f, a, 1, 0);
	/* Blocking twice leaves the same state. */
	assert_int_equal(rel_block(&f->c, a, b, true), RC_OK);
	counts(f, a, 1, 0);
	assert_int_equal(rel_block(&f->c, a, a, true), RC_FORBIDDEN);

	assert_int_equal(rel_block(&f->c, a, b, false), RC_OK);
	assert_false(rel(f, a, b).blocking);
	assert_int_equal(status_load(&f->c, b, sa, &st), RC_OK);
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	counts(f, a, 2, 0);
}

static void blocks_end_pending_requests(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	struct profile_update lock = {.locked = 1, .bot = -1, .discoverable = -1, .nfields = -1,
				      .sensitive = -1};
	assert_int_equal(account_update(&f->c, a, &lock), RC_OK);
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	assert_int_equal(rel_block(&f->c, a, b, true), RC_OK);
	assert_false(rel(f, b, a).requested);
	assert_int_equal(notifications(f, a, ",follow_request,"), 0);
	assert_int_equal(rel_answer_request(&f->c, a, b, true), RC_NOT_FOUND);
	counts(f, a, 0, 0);
}

static void mutes_hide_without_unfollowing(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	assert_int_equal(rel_follow(&f->c, b, a, &DEFAULTS), RC_OK);
	int64_t s1 = post(f, a, "seen", "public");
	assert_true(in_home(f, b, s1));

	assert_int_equal(rel_mute(&f->c, b, a, true, 0), RC_OK);
	struct relationship r = rel(f, b, a);
	assert_true(r.muting && r.muting_notifications && r.following);
	counts(f, a, 1, 0); /* a mute is not an unfollow */
	assert_false(in_home(f, b, s1));
	post(f, a, "@ben are you there?", "public");
	assert_int_equal(notifications(f, b, ",mention,"), 0);

	/* Muting again without notifications: mentions notify again. */
	assert_int_equal(rel_mute(&f->c, b, a, false, 0), RC_OK);
	assert_false(rel(f, b, a).muting_notifications);
	post(f, a, "@ben hello?", "public");
	assert_int_equal(notifications(f, b, ",mention,"), 1);
	assert_false(in_home(f, b, s1));

	assert_int_equal(rel_unmute(&f->c, b, a), RC_OK);
	assert_false(rel(f, b, a).muting);
	assert_true(in_home(f, b, s1));
	assert_int_equal(rel_unmute(&f->c, b, a), RC_OK);

	assert_int_equal(rel_mute(&f->c, b, a, true, -1), RC_INVALID);
	assert_int_equal(rel_mute(&f->c, b, a, true, MUTE_DURATION_MAX + 1), RC_INVALID);
	assert_int_equal(rel_mute(&f->c, b, b, true, 0), RC_FORBIDDEN);
	assert_false(rel(f, b, a).muting);
	/* A timed mute is a mute until it ends. */
	assert_int_equal(rel_mute(&f->c, b, a, true, 3600), RC_OK);
	assert_true(rel(f, b, a).muting);
	assert_false(in_home(f, b, s1));
}

static void notes_are_private_and_bounded(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	assert_int_equal(rel_note(&f->c, a, b, "met at the conference"), RC_OK);
	assert_string_equal(rel(f, a, b).note, "met at the conference");
	assert_string_equal(rel(f, b, a).note, "");
	char *big = arena_alloc(f->c.arena, NOTE_COMMENT_MAX + 2);
	memset(big, 'x', NOTE_COMMENT_MAX + 1);
	big[NOTE_COMMENT_MAX + 1] = '\0';
	assert_int_equal(rel_note(&f->c, a, b, big), RC_INVALID);
	assert_string_equal(rel(f, a, b).note, "met at the conference");
	assert_int_equal(rel_note(&f->c, a, b, "  "), RC_OK);
	assert_string_equal(rel(f, a, b).note, "");
	assert_int_equal(rel_note(&f->c, a, a + 999, "x"), RC_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(follow_and_unfollow, setup, teardown),
		cmocka_unit_test_setup_teardown(remove_follower, setup, teardown),
		cmocka_unit_test_setup_teardown(locked_accounts_take_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(blocks_cut_every_tie, setup, teardown),
		cmocka_unit_test_setup_teardown(blocks_end_pending_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(mutes_hide_without_unfollowing, setup, teardown),
		cmocka_unit_test_setup_teardown(notes_are_private_and_bounded, setup, teardown),
	};
	return cmocka_run_group_tests_name("relationships", tests, NULL, NULL);
}
