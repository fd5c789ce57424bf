/* Unit tests of core/jobs.c on a real store: the fan-out worker delivers
 * feed rows by the same rules as the inline fan-out, and the "status"
 * notifications of followers who asked for them by notify()'s rules (not
 * across a block, not when muted, local accounts only), in slices that
 * repeat nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/jobs.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "store/rel.h"
#include "store/statuses.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

static int64_t author;

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	if (!f)
		return -1;
	f->cfg.fanout_inline = 0; /* every follower's row through the worker */
	struct signup s = {.username = "author", .email = "author@example.test",
			   .password = "correct horse"};
	*state = f;
	return account_create(&f->c, &s, &author) == RC_OK ? 0 : -1;
}

static int64_t follower(struct fx *f, const char *name, const char *domain, int reblogs,
			int notify)
{
	int64_t id = fx_account(f, name, domain);
	assert_true(id != 0);
	struct follow_options o = {.reblogs = reblogs, .notify = notify};
	assert_int_equal(rel_follow(&f->c, id, author, &o), RC_OK);
	return id;
}

static int64_t post_as(struct fx *f, int64_t who, const char *text, const char *vis,
		       int64_t reply_to)
{
	struct new_status in = {.text = text, .visibility = vis, .sensitive = -1,
				.in_reply_to_id = reply_to};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, who, &in, &id), RC_OK);
	return id;
}

static void drain(struct fx *f)
{
	int n, runs = 0;
	while ((n = jobs_run(&f->c, false)) > 0)
		assert_true(++runs < 1000);
	assert_int_equal(n, 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs", "", 0, 0), 0);
}

static bool in_feed(struct fx *f, int64_t account, int64_t status)
{
	return fx_int(f, "SELECT COUNT(*) FROM home_feed WHERE account_id = $1 AND status_id = $2",
		      "ii", account, status) == 1;
}

static int64_t status_notes(struct fx *f, int64_t account, int64_t status)
{
	return fx_int(f,
		      "SELECT COUNT(*) FROM notifications WHERE account_id = $1 AND status_id = $2"
		      " AND type = 'status'",
		      "ii", account, status);
}

static void the_worker_keeps_the_feed_rules(void **state)
{
	struct fx *f = *state;
	int64_t plain = follower(f, "plain", "", 1, 0);
	int64_t no_reblogs = follower(f, "noboosts", "", 0, 0);
	struct signup so = {.username = "other", .email = "other@example.test",
			    .password = "correct horse"};
	int64_t other;
	assert_int_equal(account_create(&f->c, &so, &other), RC_OK);
	int64_t both = follower(f, "both", "", 1, 0);
	struct follow_options o = {.reblogs = 1};
	assert_int_equal(rel_follow(&f->c, both, other, &o), RC_OK);
	int64_t news = post_as(f, author, "news", "public", 0);
	assert_true(in_feed(f, author, news)); /* the author's own row at once */
	assert_false(in_feed(f, plain, news));
	drain(f);
	assert_true(in_feed(f, plain, news) && in_feed(f, no_reblogs, news) &&
		    in_feed(f, both, news));
	/* A reply to someone else: only to those who follow both. */
	int64_t theirs = post_as(f, other, "hi", "public", 0);
	int64_t reply = post_as(f, author, "a reply", "public", theirs);
	drain(f);
	assert_true(in_feed(f, both, reply));
	assert_false(in_feed(f, plain, reply) || in_feed(f, no_reblogs, reply));
	/* A reblog: not to those who hide the author's reblogs. */
	int64_t boosted = post_as(f, author, "boost me", "public", 0);
	assert_int_equal(status_reblog(&f->c, author, boosted, true, NULL), RC_OK);
	int64_t wrapper = fx_int(f, "SELECT id FROM statuses WHERE reblog_of_id = $1", "i",
				 boosted, 0);
	drain(f);
	assert_true(in_feed(f, plain, wrapper));
	assert_false(in_feed(f, no_reblogs, wrapper));
	/* A status deleted before the worker reaches it reaches nobody. */
	int64_t gone = post_as(f, author, "oops", "public", 0);
	struct status s;
	assert_int_equal(status_delete(&f->c, author, gone, &s), RC_OK);
	drain(f);
	assert_false(in_feed(f, plain, gone));
}

static void status_notifications_follow_notifys_rules(void **state)
{
	struct fx *f = *state;
	int64_t fan = follower(f, "fan", "", 1, 1);
	int64_t muting = follower(f, "muting", "", 1, 1);
	int64_t remote = follower(f, "remote", "elsewhere.test", 1, 1);
	int64_t quiet = follower(f, "quiet", "", 1, 0);
	int64_t blocked = follower(f, "blocked", "", 1, 1);
	assert_int_equal(rel_mute(&f->c, muting, author, true, 0), RC_OK);
	/* A block written beside the follow (as by another process): the
	 * worker's check still refuses to notify across it. */
	assert_int_equal(store_block_put(f->c.db, author, blocked, true), ST_OK);
	int64_t id = post_as(f, author, "something new", "public", 0);
	assert_int_equal(status_notes(f, fan, id), 0); /* not in the request */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM jobs WHERE kind = 'notify'", "", 0, 0),
			 1);
	drain(f);
	assert_int_equal(status_notes(f, fan, id), 1);
	int64_t others[] = {muting, remote, quiet, blocked, author};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		assert_int_equal(status_notes(f, others[i], id), 0);
	/* Replies to others and direct messages notify nobody. */
	int64_t dm = post_as(f, author, "@fan psst", "direct", 0);
	struct signup sa = {.username = "asker", .email = "asker@example.test",
			    .password = "correct horse"};
	int64_t asker;
	assert_int_equal(account_create(&f->c, &sa, &asker), RC_OK);
	int64_t reply = post_as(f, asker, "a question", "public", 0);
	int64_t answer = post_as(f, author, "an answer", "public", reply);
	drain(f);
	assert_int_equal(status_notes(f, fan, dm) + status_notes(f, fan, answer), 0);
	/* A status deleted before the worker ran, or a follower who turned
	 * notifications off meanwhile, gets none. */
	int64_t gone = post_as(f, author, "regretted", "public", 0);
	struct status s;
	assert_int_equal(status_delete(&f->c, author, gone, &s), RC_OK);
	int64_t later = post_as(f, author, "later", "public", 0);
	struct follow_options off = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&f->c, fan, author, &off), RC_OK);
	drain(f);
	assert_int_equal(status_notes(f, fan, gone) + status_notes(f, fan, later), 0);
}

/* More followers than one slice: each is notified once, the job keeping
 * its place between slices. */
static void many_followers_take_several_slices(void **state)
{
	struct fx *f = *state;
	enum { N = 300 };
	for (int i = 0; i < N; i++) {
		char name[16];
		snprintf(name, sizeof name, "fan%d", i);
		follower(f, name, "", 1, 1);
	}
	int64_t id = post_as(f, author, "to many", "public", 0);
	const char *sql = "SELECT COUNT(*) FROM notifications WHERE status_id = $1"
			  " AND type = 'status'";
	assert_int_equal(jobs_run(&f->c, false), 1);
	int64_t first = fx_int(f, sql, "i", id, 0);
	assert_true(first > 0 && first < N);
	assert_true(fx_int(f, "SELECT progress FROM jobs WHERE kind = 'notify'", "", 0, 0) > 0);
	drain(f);
	assert_int_equal(fx_int(f, sql, "i", id, 0), N);
	assert_int_equal(fx_int(f,
				"SELECT COUNT(DISTINCT account_id) FROM notifications WHERE"
				" status_id = $1 AND type = 'status'",
				"i", id, 0),
			 N);
}

/* A slice of `rows` feed rows taking fixed + rows * per_row us: the rows
 * the worker's model settles on after many slices of slice_ms. */
static double settled_rows(double fixed, double per_row, int slice_ms)
{
	struct slice_cost m = SLICE_COST_INIT;
	double rows = 0;
	for (int i = 0; i < 200; i++) {
		rows = jobs_slice_rows(&m, slice_ms);
		jobs_slice_learn(&m, rows, fixed + rows * per_row);
	}
	return rows;
}

/* A slice's fixed cost (its statement reads the batch's jobs again) is
 * not taken for a cost per row: with a fixed part longer than the slice
 * itself, slices do not shrink toward one account each; the fixed part
 * stays at most about half of a slice. */
static void a_fixed_cost_does_not_shrink_slices(void **state)
{
	(void)state;
	double rows = settled_rows(12000, 2, 8);
	assert_true(rows >= 0.75 * 12000 / 2);
	assert_true(12000 + rows * 2 <= 1.3 * 2 * 12000);
}

/* With a small fixed part, slices last about slice_ms, at any cost per
 * row. */
static void slices_last_about_slice_ms(void **state)
{
	(void)state;
	double per_row[] = {0.5, 2, 20, 150};
	for (size_t i = 0; i < sizeof per_row / sizeof *per_row; i++) {
		double us = 300 + settled_rows(300, per_row[i], 8) * per_row[i];
		assert_true(us >= 0.7 * 8000 && us <= 1.3 * 8000);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_worker_keeps_the_feed_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(status_notifications_follow_notifys_rules, setup,
						teardown),
		cmocka_unit_test_setup_teardown(many_followers_take_several_slices, setup,
						teardown),
		cmocka_unit_test(a_fixed_cost_does_not_shrink_slices),
		cmocka_unit_test(slices_last_about_slice_ms),
	};
	return cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
}
