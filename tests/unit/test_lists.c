/* Unit tests of core/lists.c (the lists part) on a real store: validation,
 * ownership, the per-account limit, members (only accounts one follows,
 * all or none) and the list timeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/accounts.h"
#include "core/convfeed.h"
#include "core/lists.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "core/timeline.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	return f ? 0 : -1;
}

static void follow(struct fx *f, int64_t viewer, int64_t target)
{
	struct follow_options o = {-1, -1};
	assert_int_equal(rel_follow(&f->c, viewer, target, &o), RC_OK);
}

static int64_t mklist(struct fx *f, int64_t owner, const char *title)
{
	struct list_params p = {.title = title, .exclusive = -1};
	struct list l;
	assert_int_equal(list_create(&f->c, owner, &p, &l), RC_OK);
	return l.id;
}

/* The number of members of list id, or -1 if owner cannot see it. */
static int members(struct fx *f, int64_t owner, int64_t id, int64_t *first)
{
	struct page pg = {.limit = 0};
	struct account_list l;
	if (list_members(&f->c, owner, id, &pg, &l))
		return -1;
	if (first && l.n)
		*first = l.items[0].id;
	return l.n;
}

static void lists_are_validated_and_owned(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	struct list l;
	struct list_params p = {.title = "Friends", .exclusive = -1};
	assert_int_equal(list_create(&f->c, a, &p, &l), RC_OK);
	assert_string_equal(l.title, "Friends");
	assert_string_equal(l.replies_policy, "list");
	assert_false(l.exclusive);

	struct list_params bad[] = {
		{.title = NULL, .exclusive = -1},
		{.title = " \t", .exclusive = -1},
		{.title = "x", .replies_policy = "everyone", .exclusive = -1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct list out;
		assert_int_equal(list_create(&f->c, a, &bad[i], &out), RC_INVALID);
	}
	char title[LIST_TITLE_MAX + 2];
	memset(title, 't', sizeof title - 1);
	title[sizeof title - 1] = '\0';
	struct list out;
	struct list_params long_title = {.title = title, .exclusive = -1};
	assert_int_equal(list_create(&f->c, a, &long_title, &out), RC_INVALID);
	title[LIST_TITLE_MAX] = '\0';
	assert_int_equal(list_create(&f->c, a, &long_title, &out), RC_OK);

	struct list_params upd = {.replies_policy = "followed", .exclusive = 1};
	assert_int_equal(list_update(&f->c, a, l.id, &upd, &out), RC_OK);
	assert_int_equal(list_get(&f->c, a, l.id, &out), RC_OK);
	assert_string_equal(out.title, "Friends");
	assert_string_equal(out.replies_policy, "followed");
	assert_true(out.exclusive);
	struct list_params bad_upd = {.title = "", .exclusive = -1};
	assert_int_equal(list_update(&f->c, a, l.id, &bad_upd, &out), RC_INVALID);
	assert_int_equal(list_get(&f->c, a, l.id, &out), RC_OK);
	assert_string_equal(out.title, "Friends");

	/* Someone else's list does not exist for them. */
	assert_int_equal(list_get(&f->c, b, l.id, &out), RC_NOT_FOUND);
	assert_int_equal(list_update(&f->c, b, l.id, &upd, &out), RC_NOT_FOUND);
	assert_int_equal(list_delete(&f->c, b, l.id), RC_NOT_FOUND);
	assert_int_equal(members(f, b, l.id, NULL), -1);
	struct list_set set;
	assert_int_equal(lists_of(&f->c, b, 0, &set), RC_OK);
	assert_int_equal(set.n, 1); /* only the built-in list (core/convfeed.h) */
	assert_int_equal(set.items[0].id, CONVFEED_LIST_ID);

	assert_int_equal(list_delete(&f->c, a, l.id), RC_OK);
	assert_int_equal(list_get(&f->c, a, l.id, &out), RC_NOT_FOUND);
	assert_int_equal(list_delete(&f->c, a, l.id), RC_NOT_FOUND);
}

static void at_most_lists_max(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	for (int i = 0; i < LISTS_MAX; i++)
		mklist(f, a, "list");
	struct list_params p = {.title = "one too many", .exclusive = -1};
	struct list out;
	assert_int_equal(list_create(&f->c, a, &p, &out), RC_INVALID);
	struct list_set set;
	assert_int_equal(lists_of(&f->c, a, 0, &set), RC_OK);
	assert_int_equal(set.n, LISTS_MAX + 1); /* the built-in list first, not counted */
	assert_int_equal(set.items[0].id, CONVFEED_LIST_ID);
	assert_int_equal(list_create(&f->c, b, &p, &out), RC_OK); /* per account */
	assert_int_equal(list_delete(&f->c, a, set.items[1].id), RC_OK);
	assert_int_equal(list_create(&f->c, a, &p, &out), RC_OK);
}

static void members_are_followed_accounts(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), c = fx_user(f, "cid"),
		d = fx_user(f, "dee");
	follow(f, a, b);
	follow(f, a, c);
	int64_t l = mklist(f, a, "Friends"), other = mklist(f, a, "Other");

	/* All or none: one account not followed, or unknown, adds nobody. */
	int64_t with_stranger[] = {b, d};
	assert_int_equal(list_add(&f->c, a, l, with_stranger, 2), RC_INVALID);
	int64_t with_unknown[] = {b, d + 999};
	assert_int_equal(list_add(&f->c, a, l, with_unknown, 2), RC_NOT_FOUND);
	assert_int_equal(members(f, a, l, NULL), 0);

	int64_t both[] = {b, c, b};
	assert_int_equal(list_add(&f->c, a, l, both, 3), RC_OK); /* repeats count once */
	assert_int_equal(members(f, a, l, NULL), 2);
	assert_int_equal(list_add(&f->c, a, l, &b, 1), RC_INVALID); /* listed already */
	assert_non_null(f->c.err.field);
	assert_string_equal(f->c.err.field, "account_ids");
	assert_int_equal(list_add(&f->c, a, other, &b, 1), RC_OK);
	assert_int_equal(list_add(&f->c, b, l, &c, 1), RC_NOT_FOUND); /* not b's list */

	struct list_set set;
	assert_int_equal(lists_of(&f->c, a, b, &set), RC_OK);
	assert_int_equal(set.n, 2);
	assert_int_equal(lists_of(&f->c, a, c, &set), RC_OK);
	assert_int_equal(set.n, 1);
	assert_int_equal(lists_of(&f->c, a, d + 999, &set), RC_NOT_FOUND);

	/* Unfollowing takes the account off every list; a block too. */
	assert_int_equal(rel_unfollow(&f->c, a, b), RC_OK);
	int64_t first = 0;
	assert_int_equal(members(f, a, l, &first), 1);
	assert_int_equal(first, c);
	assert_int_equal(members(f, a, other, NULL), 0);
	assert_int_equal(rel_block(&f->c, c, a, true), RC_OK);
	assert_int_equal(members(f, a, l, NULL), 0);

	/* Removing ignores accounts not on the list. */
	follow(f, a, d);
	assert_int_equal(list_add(&f->c, a, l, &d, 1), RC_OK);
	int64_t rm[] = {b, d};
	assert_int_equal(list_remove(&f->c, a, l, rm, 2), RC_OK);
	assert_int_equal(members(f, a, l, NULL), 0);

	int64_t many[LIST_ADD_MAX + 1];
	for (int i = 0; i <= LIST_ADD_MAX; i++)
		many[i] = d;
	assert_int_equal(list_add(&f->c, a, l, many, LIST_ADD_MAX + 1), RC_INVALID);
}

static bool in_list_timeline(struct fx *f, int64_t owner, int64_t l, int64_t status)
{
	struct page pg = {.limit = 40};
	struct status_list sl;
	assert_int_equal(timeline_list(&f->c, owner, l, &pg, &sl), RC_OK);
	for (int i = 0; i < sl.n; i++)
		if (sl.items[i].id == status)
			return true;
	return false;
}

static void list_timeline_shows_members(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben"), c = fx_user(f, "cid");
	follow(f, a, b);
	follow(f, a, c);
	int64_t l = mklist(f, a, "Friends");
	assert_int_equal(list_add(&f->c, a, l, &b, 1), RC_OK);
	struct new_status in = {.text = "from ben", .sensitive = -1};
	int64_t sb, sc;
	assert_int_equal(status_create(&f->c, b, &in, &sb), RC_OK);
	in.text = "from cid";
	assert_int_equal(status_create(&f->c, c, &in, &sc), RC_OK);
	assert_true(in_list_timeline(f, a, l, sb));
	assert_false(in_list_timeline(f, a, l, sc));
	struct page pg = {.limit = 40};
	struct status_list sl;
	assert_int_equal(timeline_list(&f->c, b, l, &pg, &sl), RC_NOT_FOUND); /* not b's */
	int64_t rm = b;
	assert_int_equal(list_remove(&f->c, a, l, &rm, 1), RC_OK);
	assert_false(in_list_timeline(f, a, l, sb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lists_are_validated_and_owned, setup, teardown),
		cmocka_unit_test_setup_teardown(at_most_lists_max, setup, teardown),
		cmocka_unit_test_setup_teardown(members_are_followed_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(list_timeline_shows_members, setup, teardown),
	};
	return cmocka_run_group_tests_name("lists", tests, NULL, NULL);
}
