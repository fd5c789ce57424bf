/* The search index's merges run in the background worker's slices, soon
 * after the writes that made them necessary (core/jobs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/accounts.h"
#include "core/jobs.h"
#include "core/statuses.h"
#include "store_fixture.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	if (!f)
		return -1;
	struct signup s = {.username = "indexer", .email = "indexer@example.test",
			   .password = "correct horse"};
	return account_create(&f->c, &s, &f->account) == RC_OK ? 0 : -1;
}

static void post(struct fx *f, int n)
{
	for (int i = 0; i < n; i++) {
		struct new_status in = {.text = "words for the search index", .sensitive = -1};
		int64_t id;
		assert_int_equal(status_create(&f->c, f->account, &in, &id), RC_OK);
		arena_free(&f->ar);
	}
}

/* Runs worker slices until there is nothing left to do; returns how many. */
static int drain(struct fx *f)
{
	int n = 0, rc;
	while ((rc = jobs_run(&f->c, true)) > 0)
		n++;
	assert_int_equal(rc, 0);
	return n;
}

static void posts_are_merged_by_the_next_slice(void **state)
{
	struct fx *f = *state;
	/* Each post commits alone: one new segment each. */
	post(f, 6);
	assert_true(drain(f) >= 1);
	assert_int_equal(drain(f), 0);
	/* Right after the last slice found nothing, new segments are merged
	 * by the next slice, not a second later (or by a request's commit,
	 * once 32 of them pile up). */
	post(f, 6);
	assert_true(drain(f) >= 1);
	assert_int_equal(drain(f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(posts_are_merged_by_the_next_slice, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
