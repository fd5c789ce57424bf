/* Unit tests of the row cache (store/rowcache.c): what is stored comes back
 * whole, replacement within a set, and what keeps it exact on a real store:
 * every changed row is dropped (at commit and at rollback), and a reader's
 * snapshot older than a change is never stored (the epoch guard). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/accounts.h"
#include "core/statuses.h"
#include "store/db.h"
#include "store/store.h"
#include "store/statuses.h"
#include "store/store_internal.h"
#include "store_fixture.h"
#include "util/util.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	if (!f)
		return -1;
	store_row_cache(1024);
	return 0;
}

static int teardown_cache(void **state)
{
	store_row_cache(0);
	return teardown(state);
}

static struct status sample(int64_t id)
{
	return (struct status){.id = id, .account_id = id + 1, .reblog_of_id = id + 2,
			       .in_reply_to_id = id + 3, .in_reply_to_account_id = id + 4,
			       .thread_id = id + 5, .app_id = id + 6, .created_at = id + 7,
			       .edited_at = id + 8, .replies_count = 9, .reblogs_count = 10,
			       .favourites_count = 11, .visibility = 2, .sensitive = true,
			       .local = true};
}

static void stored_rows_come_back_whole(void **state)
{
	(void)state;
	rowcache_init(64);
	assert_true(rowcache_on());
	struct status s = sample(1000), got;
	rowcache_put_status(rowcache_epoch(), &s);
	assert_true(rowcache_get_status(1000, &got));
	assert_int_equal(got.account_id, s.account_id);
	assert_int_equal(got.reblog_of_id, s.reblog_of_id);
	assert_int_equal(got.in_reply_to_id, s.in_reply_to_id);
	assert_int_equal(got.in_reply_to_account_id, s.in_reply_to_account_id);
	assert_int_equal(got.thread_id, s.thread_id);
	assert_int_equal(got.app_id, s.app_id);
	assert_int_equal(got.created_at, s.created_at);
	assert_int_equal(got.edited_at, s.edited_at);
	assert_int_equal(got.replies_count, 9);
	assert_int_equal(got.reblogs_count, 10);
	assert_int_equal(got.favourites_count, 11);
	assert_int_equal(got.visibility, 2);
	assert_true(got.sensitive && got.local);

	struct account a = {.id = 1000, .created_at = 1, .updated_at = 2, .last_status_at = 3,
			    .statuses_count = 4, .followers_count = 5, .following_count = 6};
	struct account ga;
	rowcache_put_account(rowcache_epoch(), &a);
	assert_true(rowcache_get_account(1000, &ga));
	assert_int_equal(ga.updated_at, 2);
	assert_int_equal(ga.last_status_at, 3);
	assert_int_equal(ga.statuses_count, 4);
	assert_int_equal(ga.followers_count, 5);
	assert_int_equal(ga.following_count, 6);
	/* A status and an account with one id are two entries. */
	assert_true(rowcache_get_status(1000, &got));
	assert_int_equal(got.favourites_count, 11);
	assert_false(rowcache_get_status(1001, &got));
	assert_false(rowcache_get_account(1001, &ga));

	/* Storing again replaces. */
	s.favourites_count = 12;
	rowcache_put_status(rowcache_epoch(), &s);
	assert_true(rowcache_get_status(1000, &got));
	assert_int_equal(got.favourites_count, 12);

	rowcache_clear();
	assert_false(rowcache_get_status(1000, &got));
	assert_false(rowcache_get_account(1000, &ga));
	rowcache_init(0);
	assert_false(rowcache_on());
	rowcache_put_status(rowcache_epoch(), &s);
	assert_false(rowcache_get_status(1000, &got));
}

/* One set of four ways: a fifth row replaces the one stored longest ago. */
static void the_oldest_way_is_replaced(void **state)
{
	(void)state;
	rowcache_init(4);
	struct status got;
	for (int64_t id = 1; id <= 4; id++) {
		struct status s = sample(id);
		rowcache_put_status(rowcache_epoch(), &s);
	}
	for (int64_t id = 1; id <= 4; id++)
		assert_true(rowcache_get_status(id, &got));
	struct status again = sample(1); /* 1 is now the newest */
	rowcache_put_status(rowcache_epoch(), &again);
	struct status five = sample(5);
	rowcache_put_status(rowcache_epoch(), &five);
	assert_false(rowcache_get_status(2, &got));
	for (int64_t id = 1; id <= 5; id++)
		assert_true(id == 2 || rowcache_get_status(id, &got));
	/* In one set, a status and an account with one id stay apart. */
	struct account a = {.id = 5, .followers_count = 77}, ga;
	rowcache_put_account(rowcache_epoch(), &a);
	assert_true(rowcache_get_account(5, &ga));
	assert_int_equal(ga.followers_count, 77);
	assert_true(rowcache_get_status(5, &got));
	assert_int_equal(got.favourites_count, 11);
	rowcache_init(0);
}

/* The status as the database has it now, stored in the cache. */
static struct status read_and_cache(struct fx *f, int64_t id)
{
	uint64_t epoch = rowcache_epoch();
	struct status s;
	assert_int_equal(store_status_get(f->c.db, f->c.arena, id, &s), ST_OK);
	rowcache_put_status(epoch, &s);
	rowcache_put_account(epoch, &s.account);
	return s;
}

static void changes_drop_rows_at_commit(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	struct new_status in = {.text = "count me", .sensitive = -1};
	int64_t id;
	assert_int_equal(status_create(&f->c, a, &in, &id), RC_OK);
	read_and_cache(f, id);
	struct status got;
	struct account ga;
	assert_true(rowcache_get_status(id, &got) && rowcache_get_account(a, &ga));
	assert_int_equal(got.favourites_count, 0);

	assert_int_equal(status_favourite(&f->c, b, id, true), RC_OK);
	assert_false(rowcache_get_status(id, &got));
	assert_true(rowcache_get_account(a, &ga)); /* a's row did not change */
	read_and_cache(f, id);
	assert_true(rowcache_get_status(id, &got));
	assert_int_equal(got.favourites_count, 1);

	struct profile_update u = {.display_name = "Ann", .locked = -1, .bot = -1,
				   .discoverable = -1, .nfields = -1, .sensitive = -1};
	assert_int_equal(account_update(&f->c, a, &u), RC_OK);
	assert_false(rowcache_get_account(a, &ga));
	assert_true(rowcache_get_status(id, &got));
}

struct failing_tx {
	int64_t id;
	bool gone_inside; /* the row was dropped while the transaction ran */
};

/* Changes the row, then fails: the transaction rolls back. */
static enum store_rc change_then_fail(struct db *db, void *arg)
{
	struct failing_tx *x = arg;
	if (db_exec(db, "UPDATE statuses SET favourites_count = 99 WHERE id = $1", "i", x->id) !=
	    DB_OK)
		return ST_OK;
	struct status got;
	x->gone_inside = !rowcache_get_status(x->id, &got);
	/* A reader storing the uncommitted row meanwhile is undone at rollback. */
	struct status dirty = {.id = x->id, .favourites_count = 99};
	rowcache_put_status(rowcache_epoch(), &dirty);
	return ST_ERROR;
}

static void changes_drop_rows_at_rollback(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann");
	struct new_status in = {.text = "roll me back", .sensitive = -1};
	int64_t id;
	assert_int_equal(status_create(&f->c, a, &in, &id), RC_OK);
	read_and_cache(f, id);
	struct failing_tx x = {.id = id};
	assert_int_equal(store_tx(f->c.db, change_then_fail, &x), ST_ERROR);
	assert_true(x.gone_inside);
	struct status got;
	assert_false(rowcache_get_status(id, &got));
	struct status s = read_and_cache(f, id);
	assert_int_equal(s.favourites_count, 0);
	assert_true(rowcache_get_status(id, &got));
	assert_int_equal(got.favourites_count, 0);
}

/* A reader that read the row before a change committed must not store
 * what it read after the change dropped the row. */
static void a_stale_read_is_never_stored(void **state)
{
	struct fx *f = *state;
	int64_t a = fx_user(f, "ann"), b = fx_user(f, "ben");
	struct new_status in = {.text = "race me", .sensitive = -1};
	int64_t id;
	assert_int_equal(status_create(&f->c, a, &in, &id), RC_OK);

	uint64_t epoch = rowcache_epoch();
	struct status old;
	assert_int_equal(store_status_get(f->c.db, f->c.arena, id, &old), ST_OK);
	assert_int_equal(status_favourite(&f->c, b, id, true), RC_OK); /* commits meanwhile */
	rowcache_put_status(epoch, &old);
	rowcache_put_account(epoch, &old.account);
	struct status got;
	assert_false(rowcache_get_status(id, &got));

	/* With no change in between, the same steps store the row. */
	epoch = rowcache_epoch();
	assert_int_equal(store_status_get(f->c.db, f->c.arena, id, &old), ST_OK);
	rowcache_put_status(epoch, &old);
	assert_true(rowcache_get_status(id, &got));
	assert_int_equal(got.favourites_count, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stored_rows_come_back_whole),
		cmocka_unit_test(the_oldest_way_is_replaced),
		cmocka_unit_test_setup_teardown(changes_drop_rows_at_commit, setup, teardown_cache),
		cmocka_unit_test_setup_teardown(changes_drop_rows_at_rollback, setup,
						teardown_cache),
		cmocka_unit_test_setup_teardown(a_stale_read_is_never_stored, setup, teardown_cache),
	};
	return cmocka_run_group_tests_name("rowcache", tests, NULL, NULL);
}
