/* Unit tests of core/statuses.c on a real store: edits and their history,
 * a direct message's audience, deletes, reblogs, favourites, pins and
 * Idempotency-Key, and the rules the database itself holds (a write that
 * skips the core's checks is refused too). */
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
#include "core/requests.h"
#include "core/statuses.h"
#include "store/social.h"
#include "store/statuses.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

static int64_t alice, bob, carol;

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	if (!f)
		return -1;
	struct signup s = {.username = "alice", .email = "alice@example.test",
			   .password = "correct horse"};
	if (account_create(&f->c, &s, &alice) != RC_OK)
		return -1;
	bob = fx_account(f, "bob", "");
	carol = fx_account(f, "carol", "");
	*state = f;
	/* bob and carol hear from alice though they have never talked: these
	 * tests are about who sees a status (message requests: test_requests.c). */
	const char *open[POLICY_FIELDS] = {"accept", NULL, NULL, "accept", NULL};
	if (!bob || !carol || requests_policy_update(&f->c, bob, open) ||
	    requests_policy_update(&f->c, carol, open))
		return -1;
	return 0;
}

static int64_t post(struct fx *f, const char *text, const char *visibility)
{
	struct new_status in = {.text = text, .visibility = visibility, .sensitive = -1};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, alice, &in, &id), RC_OK);
	return id;
}

static enum rc edit(struct fx *f, int64_t id, const char *text)
{
	struct status_edit in = {.text = text, .sensitive = -1};
	return status_edit(&f->c, alice, id, &in);
}

static int64_t count(struct fx *f, const char *sql, int64_t a, int64_t b)
{
	return fx_int(f, sql, "ii", a, b);
}

static void edits_keep_one_original_and_index_the_latest_text(void **state)
{
	struct fx *f = *state;
	int64_t id = post(f, "apple banana", "public");
	assert_int_equal(edit(f, id, "cherry"), RC_OK);
	assert_int_equal(edit(f, id, "damson"), RC_OK);
	struct status_list h;
	const char **polls;
	assert_int_equal(store_edits_list(f->c.db, &f->ar, id, &h, &polls), ST_OK);
	assert_int_equal(h.n, 3);
	assert_string_equal(polls[0], ""); /* no poll in any version */
	assert_string_equal(h.items[0].text, "apple banana");
	assert_string_equal(h.items[2].text, "damson");
	assert_int_equal(fx_fts_hits(f, "damson"), 1);
	assert_int_equal(fx_fts_hits(f, "cherry"), 0);
	assert_int_equal(fx_fts_hits(f, "apple"), 0);
	/* Only the author edits; a blank text is refused and changes nothing. */
	struct status_edit in = {.text = "mine now", .sensitive = -1};
	assert_int_equal(status_edit(&f->c, bob, id, &in), RC_NOT_FOUND);
	assert_int_equal(edit(f, id, "  "), RC_INVALID);
	assert_int_equal(edit(f, id + 1, "nothing there"), RC_NOT_FOUND);
	assert_int_equal(fx_fts_hits(f, "damson"), 1);
}

/* Mastodon's rule: an edit cannot change who can see a direct message.
 * Someone mentioned only in the edit gets no access, no notification, no
 * feed row and no conversation; the audience keeps it all. */
static void an_edit_keeps_a_direct_messages_audience(void **state)
{
	struct fx *f = *state;
	int64_t id = post(f, "@bob just us", "direct");
	assert_int_equal(edit(f, id, "@bob @carol just us?"), RC_OK);
	struct status s;
	assert_int_equal(status_load(&f->c, carol, id, &s), RC_NOT_FOUND);
	assert_int_equal(status_load(&f->c, bob, id, &s), RC_OK);
	assert_string_equal(s.text, "@bob @carol just us?");
	assert_non_null(strstr(s.mentions, "\"bob\""));
	assert_null(strstr(s.mentions, "carol"));
	static const char *const rows[] = {
		"SELECT COUNT(*) FROM mentions WHERE status_id = $1 AND account_id = $2",
		"SELECT COUNT(*) FROM notifications WHERE status_id = $1 AND account_id = $2",
		"SELECT COUNT(*) FROM home_feed WHERE status_id = $1 AND account_id = $2",
		"SELECT COUNT(*) FROM conversations WHERE last_status_id = $1 AND account_id = $2",
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(count(f, rows[i], id, carol), 0);
		assert_int_equal(count(f, rows[i], id, bob), 1);
	}
	/* Nor can an edit take the status away from its audience. */
	assert_int_equal(edit(f, id, "just us, no names"), RC_OK);
	assert_int_equal(status_load(&f->c, bob, id, &s), RC_OK);
}

static void an_edit_of_a_public_status_notifies_new_mentions_once(void **state)
{
	struct fx *f = *state;
	int64_t id = post(f, "hello", "public");
	assert_int_equal(edit(f, id, "hello @carol"), RC_OK);
	assert_int_equal(edit(f, id, "hello again @carol"), RC_OK);
	const char *sql = "SELECT COUNT(*) FROM notifications WHERE status_id = $1"
			  " AND account_id = $2 AND type = 'mention'";
	assert_int_equal(count(f, sql, id, carol), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM mentions WHERE status_id = $1"
				  " AND account_id = $2", id, carol), 1);
}

static void a_delete_answers_the_status_as_deleted(void **state)
{
	struct fx *f = *state;
	int64_t id = post(f, "elderberry", "public");
	assert_int_equal(edit(f, id, "fig"), RC_OK);
	struct status gone;
	assert_int_equal(status_delete(&f->c, bob, id, &gone), RC_NOT_FOUND);
	assert_int_equal(status_delete(&f->c, alice, id, &gone), RC_OK);
	assert_string_equal(gone.text, "fig");
	assert_int_equal(status_delete(&f->c, alice, id, &gone), RC_NOT_FOUND);
	assert_int_equal(fx_fts_hits(f, "fig"), 0);
	assert_int_equal(count(f, "SELECT statuses_count FROM accounts WHERE id = $1 AND $2 = 0",
			       alice, 0), 0);
}

static void reblogs_are_one_per_account(void **state)
{
	struct fx *f = *state;
	int64_t id = post(f, "worth sharing", "public");
	for (int i = 0; i < 2; i++)
		assert_int_equal(status_reblog(&f->c, bob, id, true, NULL), RC_OK);
	const char *sql = "SELECT COUNT(*) FROM statuses WHERE reblog_of_id = $1 AND $2 = 0";
	assert_int_equal(count(f, sql, id, 0), 1);
	assert_int_equal(count(f, "SELECT reblogs_count FROM statuses WHERE id = $1 AND $2 = 0",
			       id, 0), 1);
	/* The database refuses a second one, whoever writes it. */
	struct status w = {.id = id_new(), .account_id = bob, .uri = "", .text = "",
			   .content = "", .spoiler_text = "", .language = "", .reblog_of_id = id,
			   .mentions = "[]", .tags = "[]", .local = true, .created_at = now_ms()};
	w.thread_id = w.id;
	assert_int_equal(store_status_insert(f->c.db, &w), ST_CONFLICT);
	assert_int_equal(store_reblog_insert(f->c.db, &w), ST_CONFLICT);
	assert_int_equal(status_reblog(&f->c, bob, id, false, NULL), RC_OK);
	assert_int_equal(count(f, sql, id, 0), 0);
	assert_int_equal(status_reblog(&f->c, bob, id, false, NULL), RC_OK);
	/* A status deleted meanwhile cannot be reblogged. */
	struct status gone;
	assert_int_equal(status_delete(&f->c, alice, id, &gone), RC_OK);
	w.id = w.thread_id = id_new();
	assert_int_equal(store_reblog_insert(f->c.db, &w), ST_NOT_FOUND);
	int64_t dm = post(f, "@bob secret", "direct");
	assert_int_equal(status_reblog(&f->c, bob, dm, true, NULL), RC_FORBIDDEN);
}

static void favourites_of_a_deleted_status_are_not_found(void **state)
{
	struct fx *f = *state;
	int64_t id = post(f, "short lived", "public");
	assert_int_equal(status_favourite(&f->c, bob, id, true), RC_OK);
	assert_int_equal(status_favourite(&f->c, bob, id, true), RC_OK);
	assert_int_equal(count(f, "SELECT favourites_count FROM statuses WHERE id = $1"
				  " AND $2 = 0", id, 0), 1);
	struct status gone;
	assert_int_equal(status_delete(&f->c, alice, id, &gone), RC_OK);
	assert_int_equal(gone.favourites_count, 1);
	/* What a favourite that lost the race to the delete meets. */
	assert_int_equal(store_favourite(f->c.db, carol, id, true), ST_NOT_FOUND);
	assert_int_equal(store_bookmark(f->c.db, carol, id, true), ST_NOT_FOUND);
	assert_int_equal(status_favourite(&f->c, carol, id, true), RC_NOT_FOUND);
}

static void pins_fill_five_slots(void **state)
{
	struct fx *f = *state;
	int64_t s[7];
	for (int i = 0; i < 7; i++)
		s[i] = post(f, "pinnable", "public");
	for (int i = 0; i < PINS_MAX; i++)
		assert_int_equal(status_pin(&f->c, alice, s[i], true), RC_OK);
	assert_int_equal(status_pin(&f->c, alice, s[0], true), RC_OK); /* pinned already */
	assert_int_equal(status_pin(&f->c, alice, s[5], true), RC_INVALID);
	/* Unpinning frees a slot for the next. */
	assert_int_equal(status_pin(&f->c, alice, s[2], false), RC_OK);
	assert_int_equal(status_pin(&f->c, alice, s[5], true), RC_OK);
	assert_int_equal(status_pin(&f->c, alice, s[6], true), RC_INVALID);
	/* The database holds the limit: no sixth row in any slot. */
	for (int64_t slot = 0; slot <= PINS_MAX; slot++)
		assert_int_equal(db_exec(f->c.db,
					 "INSERT INTO pins (id, account_id, status_id, created_at,"
					 " slot) VALUES ($1, $2, $3, 0, $4)",
					 "iiii", id_new(), alice, s[6], slot),
				 DB_CONSTRAINT);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM pins WHERE account_id = $1 AND $2 = 0",
			       alice, 0), PINS_MAX);
	bool full;
	struct status gone;
	assert_int_equal(status_delete(&f->c, alice, s[6], &gone), RC_OK);
	assert_int_equal(store_pin_add(f->c.db, alice, s[6], &full), ST_NOT_FOUND);
}

static void an_idempotency_key_makes_one_status(void **state)
{
	struct fx *f = *state;
	struct new_status in = {.text = "once", .visibility = "public", .sensitive = -1,
				.idempotency_key = "k1"};
	int64_t a = 0, b = 0, c = 0;
	assert_int_equal(status_create(&f->c, alice, &in, &a), RC_OK);
	assert_int_equal(status_create(&f->c, alice, &in, &b), RC_OK);
	assert_int_equal(a, b);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM statuses WHERE account_id = $1 AND $2 = 0",
			       alice, 0), 1);
	/* The key is held by the database: a second claim is refused while
	 * its status lives and is recent, taken once it is deleted. */
	int64_t t = now_ms();
	assert_int_equal(store_idempotency_claim(f->c.db, alice, "k1", 1, t, t - 1000),
			 ST_CONFLICT);
	assert_int_equal(store_idempotency_claim(f->c.db, alice, "k1", 1, t, t + 1), ST_OK);
	assert_int_equal(store_idempotency_claim(f->c.db, alice, "k2", a, t, t - 1000), ST_OK);
	struct status gone;
	assert_int_equal(status_delete(&f->c, alice, a, &gone), RC_OK);
	in.idempotency_key = "k2";
	assert_int_equal(status_create(&f->c, alice, &in, &c), RC_OK);
	assert_true(c != a);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(edits_keep_one_original_and_index_the_latest_text),
		T(an_edit_keeps_a_direct_messages_audience),
		T(an_edit_of_a_public_status_notifies_new_mentions_once),
		T(a_delete_answers_the_status_as_deleted),
		T(reblogs_are_one_per_account),
		T(favourites_of_a_deleted_status_are_not_found),
		T(pins_fill_five_slots),
		T(an_idempotency_key_makes_one_status),
	};
	return cmocka_run_group_tests_name("statuses", tests, NULL, NULL);
}
