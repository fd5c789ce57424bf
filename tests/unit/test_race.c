/* The race harness: threads that do conflicting things to the same rows at
 * the same moment (edit and edit, edit and delete, pins past the limit,
 * reblogs, a favourite of a status being deleted, follow and block), 100
 * rounds each, and the invariants checked after every round: one reblog
 * per account and status, at most PINS_MAX pins, counters equal to their
 * rows, the search index holding only a status's latest text, one
 * "original" in an edit history, no follow across a block. Each actor has
 * its own connection and arena, as a request would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "store/db.h"
#include "store/statuses.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

#define ACTORS 4
#define ROUNDS 100
#define USERS 4

struct actor {
	struct fx *f;
	int i;
	pthread_t thread;
	struct arena ar;
	struct core c;
	enum rc rc;          /* this round's answer */
	struct status gone;  /* what a delete says it deleted */
};

typedef void (*act_fn)(struct actor *);

/* The round the actors play: set by the main thread between barriers. */
static struct {
	pthread_barrier_t start, done;
	act_fn act[ACTORS];
	bool stop;
	int round;
	int64_t author, user[USERS];
	int64_t status;      /* the round's status */
	int64_t pins[8];     /* the author's statuses for the pin rounds */
} R;

static struct actor actors[ACTORS];

static void *actor_main(void *arg)
{
	struct actor *a = arg;
	for (;;) {
		pthread_barrier_wait(&R.start);
		if (R.stop)
			return NULL;
		a->rc = RC_OK;
		if (R.act[a->i])
			R.act[a->i](a);
		pthread_barrier_wait(&R.done);
	}
}

/* Runs one round: every actor with an act runs it, all starting at once. */
static void play(act_fn a0, act_fn a1, act_fn a2, act_fn a3)
{
	act_fn acts[ACTORS] = {a0, a1, a2, a3};
	for (int i = 0; i < ACTORS; i++) {
		arena_free(&actors[i].ar);
		memcpy(&R.act[i], &acts[i], sizeof acts[i]);
	}
	pthread_barrier_wait(&R.start);
	pthread_barrier_wait(&R.done);
}


static int setup(void **state)
{
	struct fx *f = fx_open(ACTORS + 2, 0);
	if (!f)
		return -1;
	static const char *const names[USERS] = {"una", "ulf", "uma", "uwe"};
	struct signup s = {.username = "author", .email = "author@example.test",
			   .password = "correct horse"};
	if (account_create(&f->c, &s, &R.author) != RC_OK)
		return -1;
	for (int i = 0; i < USERS; i++)
		if (!(R.user[i] = fx_account(f, names[i], "")))
			return -1;
	R.stop = false;
	pthread_barrier_init(&R.start, NULL, ACTORS + 1);
	pthread_barrier_init(&R.done, NULL, ACTORS + 1);
	for (int i = 0; i < ACTORS; i++) {
		struct actor *a = &actors[i];
		*a = (struct actor){.f = f, .i = i};
		arena_init(&a->ar);
		a->c = (struct core){.db = store_acquire(f->st), .arena = &a->ar, .cfg = &f->cfg,
				     .rl = &f->rl};
		if (pthread_create(&a->thread, NULL, actor_main, a))
			return -1;
	}
	*state = f;
	return 0;
}

static int race_teardown(void **state)
{
	struct fx *f = *state;
	R.stop = true;
	pthread_barrier_wait(&R.start);
	for (int i = 0; i < ACTORS; i++) {
		pthread_join(actors[i].thread, 0);
		store_release(f->st, actors[i].c.db);
		arena_free(&actors[i].ar);
	}
	pthread_barrier_destroy(&R.start);
	pthread_barrier_destroy(&R.done);
	return teardown(state);
}

/* ---- reading the store's rows ---- */

/* Every counter equals the rows it counts. */
static void counters_equal_rows(struct fx *f)
{
	static const char *const checks[] = {
		"SELECT COUNT(*) FROM accounts a WHERE statuses_count <>"
		" (SELECT COUNT(*) FROM statuses s WHERE s.account_id = a.id) AND $1 = 0",
		"SELECT COUNT(*) FROM accounts a WHERE followers_count <>"
		" (SELECT COUNT(*) FROM follows f WHERE f.target_id = a.id) AND $1 = 0",
		"SELECT COUNT(*) FROM accounts a WHERE following_count <>"
		" (SELECT COUNT(*) FROM follows f WHERE f.account_id = a.id) AND $1 = 0",
		"SELECT COUNT(*) FROM statuses s WHERE reblogs_count <>"
		" (SELECT COUNT(*) FROM statuses r WHERE r.reblog_of_id = s.id) AND $1 = 0",
		"SELECT COUNT(*) FROM statuses s WHERE favourites_count <>"
		" (SELECT COUNT(*) FROM favourites v WHERE v.status_id = s.id) AND $1 = 0",
		"SELECT COUNT(*) FROM statuses s WHERE replies_count <>"
		" (SELECT COUNT(*) FROM statuses r WHERE r.in_reply_to_id = s.id) AND $1 = 0",
	};
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		if (fx_int(f, checks[i], "i", 0, 0) != 0)
			fail_msg("round %d: counter %zu differs from its rows", R.round, i);
}

static int64_t post(struct fx *f, const char *text)
{
	struct new_status in = {.text = text, .visibility = "public", .sensitive = -1};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, R.author, &in, &id), RC_OK);
	return id;
}

/* ---- edits ---- */

static void edit_as(struct actor *a, const char *word)
{
	char text[64];
	snprintf(text, sizeof text, "%s%d", word, R.round);
	struct status_edit in = {.text = text, .sensitive = -1};
	a->rc = status_edit(&a->c, R.author, R.status, &in);
}

static void edit_one(struct actor *a)
{
	edit_as(a, "firstedit");
}

static void edit_two(struct actor *a)
{
	edit_as(a, "secondedit");
}

static void delete_it(struct actor *a)
{
	a->rc = status_delete(&a->c, R.author, R.status, &a->gone);
}

static char *word(const char *w, int round)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "%s%d", w, round);
	return buf;
}

/* Two edits at once: the history has one original and both edits, and
 * the search index holds the latest text only. */
static void concurrent_edits(void **state)
{
	struct fx *f = *state;
	for (R.round = 0; R.round < ROUNDS; R.round++) {
		R.status = post(f, word("original", R.round));
		play(edit_one, edit_two, NULL, NULL);
		assert_int_equal(actors[0].rc, RC_OK);
		assert_int_equal(actors[1].rc, RC_OK);
		struct status s;
		assert_int_equal(store_status_get(f->c.db, &f->ar, R.status, &s), ST_OK);
		bool one_won = !strncmp(s.text, "firstedit", 9);
		const char *latest = one_won ? "firstedit" : "secondedit";
		const char *lost = one_won ? "secondedit" : "firstedit";
		if (fx_fts_hits(f, word(latest, R.round)) != 1 ||
		    fx_fts_hits(f, word(lost, R.round)) != 0 ||
		    fx_fts_hits(f, word("original", R.round)) != 0)
			fail_msg("round %d: the search index does not hold only \"%s\"", R.round,
				 s.text);
		int64_t originals = fx_int(f,
					   "SELECT COUNT(*) FROM status_edits WHERE status_id = $1"
					   " AND text LIKE 'original%'",
					   "i", R.status, 0);
		int64_t versions = fx_int(f,
					  "SELECT COUNT(*) FROM status_edits WHERE status_id = $1",
					  "i", R.status, 0);
		if (originals != 1 || versions != 3)
			fail_msg("round %d: %lld originals, %lld versions in the history", R.round,
				 (long long)originals, (long long)versions);
	}
	counters_equal_rows(f);
}

/* An edit and a delete at once: whichever comes second sees the first's
 * result, and nothing of the status stays searchable. */
static void edit_and_delete(void **state)
{
	struct fx *f = *state;
	for (R.round = 0; R.round < ROUNDS; R.round++) {
		R.status = post(f, word("doomed", R.round));
		play(edit_one, delete_it, NULL, NULL);
		assert_int_equal(actors[1].rc, RC_OK);
		if (actors[0].rc != RC_OK && actors[0].rc != RC_NOT_FOUND)
			fail_msg("round %d: the edit answered %d", R.round, actors[0].rc);
		if (fx_fts_hits(f, word("doomed", R.round)) != 0 ||
		    fx_fts_hits(f, word("firstedit", R.round)) != 0)
			fail_msg("round %d: a deleted status is still searchable", R.round);
		/* The delete answers with the status as it was when deleted. */
		bool edited = !strncmp(actors[1].gone.text, "firstedit", 9);
		if (edited != (actors[0].rc == RC_OK))
			fail_msg("round %d: the delete answered \"%s\", the edit %d", R.round,
				 actors[1].gone.text, actors[0].rc);
	}
	counters_equal_rows(f);
}

/* ---- pins ---- */

static void pin_k(struct actor *a)
{
	a->rc = status_pin(&a->c, R.author, R.pins[3 + a->i], true);
}

/* Four pins at once past three: exactly two fit under the limit. */
static void concurrent_pins(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < 8; i++)
		R.pins[i] = post(f, "pin me");
	for (R.round = 0; R.round < ROUNDS; R.round++) {
		for (int i = 0; i < 8; i++)
			assert_int_equal(status_pin(&f->c, R.author, R.pins[i], i < 3), RC_OK);
		play(pin_k, pin_k, pin_k, pin_k);
		int ok = 0;
		for (int i = 0; i < ACTORS; i++) {
			ok += actors[i].rc == RC_OK;
			if (actors[i].rc != RC_OK && actors[i].rc != RC_INVALID)
				fail_msg("round %d: a pin answered %d", R.round, actors[i].rc);
		}
		int64_t pins = fx_int(f, "SELECT COUNT(*) FROM pins WHERE account_id = $1", "i",
				 R.author, 0);
		if (ok != 2 || pins != PINS_MAX)
			fail_msg("round %d: %d pins answered OK, %lld pinned", R.round, ok,
				 (long long)pins);
	}
}

/* ---- reblogs ---- */

static void reblog(struct actor *a)
{
	a->rc = status_reblog(&a->c, R.user[0], R.status, true, 0);
}

static void unreblog(struct actor *a)
{
	a->rc = status_reblog(&a->c, R.user[0], R.status, false, 0);
}

/* One account reblogs from three places while a fourth undoes it: at
 * most one reblog, and the counters agree with the rows. */
static void concurrent_reblogs(void **state)
{
	struct fx *f = *state;
	for (R.round = 0; R.round < ROUNDS; R.round++) {
		R.status = post(f, "reblog me");
		play(reblog, reblog, reblog, unreblog);
		for (int i = 0; i < ACTORS; i++)
			if (actors[i].rc != RC_OK)
				fail_msg("round %d: actor %d answered %d", R.round, i,
					 actors[i].rc);
		int64_t rows = fx_int(f, "SELECT COUNT(*) FROM statuses WHERE reblog_of_id = $1",
				 "i", R.status, 0);
		if (rows > 1)
			fail_msg("round %d: %lld reblogs by one account", R.round, (long long)rows);
		counters_equal_rows(f);
	}
}

/* ---- a favourite of a status being deleted ---- */

static void favourite_0(struct actor *a)
{
	a->rc = status_favourite(&a->c, R.user[0], R.status, true);
}

static void favourite_1(struct actor *a)
{
	a->rc = status_favourite(&a->c, R.user[1], R.status, true);
}

/* Favourites racing a delete: each is either done before the delete (and
 * counted in the status as deleted) or answered "not found". */
static void favourite_while_deleted(void **state)
{
	struct fx *f = *state;
	for (R.round = 0; R.round < ROUNDS; R.round++) {
		R.status = post(f, "short lived");
		play(favourite_0, favourite_1, delete_it, 0);
		assert_int_equal(actors[2].rc, RC_OK);
		int ok = 0;
		for (int i = 0; i < 2; i++) {
			ok += actors[i].rc == RC_OK;
			if (actors[i].rc != RC_OK && actors[i].rc != RC_NOT_FOUND)
				fail_msg("round %d: a favourite answered %d", R.round,
					 actors[i].rc);
		}
		if (ok != actors[2].gone.favourites_count)
			fail_msg("round %d: %d favourites answered OK, the deleted status had %lld",
				 R.round, ok, (long long)actors[2].gone.favourites_count);
		if (fx_int(f,
		      "SELECT COUNT(*) FROM favourites v WHERE NOT EXISTS"
		      " (SELECT 1 FROM statuses s WHERE s.id = v.status_id) AND $1 = 0",
		      "i", 0, 0) != 0)
			fail_msg("round %d: a favourite of a deleted status", R.round);
	}
	counters_equal_rows(f);
}

/* ---- follow and block ---- */

static const struct follow_options follow_opts = {.reblogs = 1, .notify = 1};

static void follow_23(struct actor *a)
{
	a->rc = rel_follow(&a->c, R.user[2], R.user[3], &follow_opts);
}

static void follow_32(struct actor *a)
{
	a->rc = rel_follow(&a->c, R.user[3], R.user[2], &follow_opts);
}

static void block_32(struct actor *a)
{
	a->rc = rel_block(&a->c, R.user[3], R.user[2], true);
}

/* Follows both ways racing a block: no follow survives across it. */
static void follow_while_blocked(void **state)
{
	struct fx *f = *state;
	for (R.round = 0; R.round < ROUNDS; R.round++) {
		assert_int_equal(rel_block(&f->c, R.user[3], R.user[2], false), RC_OK);
		assert_int_equal(rel_follow(&f->c, R.user[2], R.user[3], &follow_opts), RC_OK);
		play(follow_23, block_32, follow_32, follow_23);
		assert_int_equal(actors[1].rc, RC_OK);
		int64_t across = fx_int(f,
				   "SELECT COUNT(*) FROM follows f JOIN blocks b ON"
				   " (b.account_id = f.account_id AND b.target_id = f.target_id) OR"
				   " (b.account_id = f.target_id AND b.target_id = f.account_id)"
				   " WHERE $1 = 0",
				   "i", 0, 0);
		if (across != 0)
			fail_msg("round %d: a follow across a block", R.round);
		counters_equal_rows(f);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(concurrent_edits, setup, race_teardown),
		cmocka_unit_test_setup_teardown(edit_and_delete, setup, race_teardown),
		cmocka_unit_test_setup_teardown(concurrent_pins, setup, race_teardown),
		cmocka_unit_test_setup_teardown(concurrent_reblogs, setup, race_teardown),
		cmocka_unit_test_setup_teardown(favourite_while_deleted, setup, race_teardown),
		cmocka_unit_test_setup_teardown(follow_while_blocked, setup, race_teardown),
	};
	return cmocka_run_group_tests_name("races", tests, NULL, NULL);
}
