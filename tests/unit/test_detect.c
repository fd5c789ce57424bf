/* Unit tests of the automation detectors (core/detect.c) on a real store,
 * one set per rule, on hand-made cases. Time is controlled by ageing the
 * rows a rule reads (follows, fingerprints, unfollows, statuses): every
 * rule compares the event's time with the times stored in rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/detect.h"
#include "core/events.h"
#include "core/fingerprint.h"
#include "core/relationships.h"
#include "core/social_capital.h"
#include "core/statuses.h"
#include "store/db.h"
#include "store/detect.h"
#include "store/social_capital.h"
#include "store_fixture.h"
#include "util/util.h"

#define MIN (60 * 1000LL)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

/* ---- the last event as the detectors left it (a hook run after them) ---- */

static struct event last;

static enum rc record(struct core *c, struct db *db, struct event *ev)
{
	(void)c;
	(void)db;
	last = *ev;
	return RC_OK;
}

static const struct event_hook recorder = {"test recorder", EVENT_ALL, record};

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	memset(&last, 0, sizeof last);
	events_extra_policy(&recorder);
	return f ? 0 : -1;
}

static int teardown_detect(void **state)
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

/* An account that only receives (no user: quicker to make). */
static int64_t mk(struct fx *f, const char *name)
{
	int64_t id = fx_account(f, name, "");
	assert_true(id > 0);
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

static int64_t dm(struct fx *f, int64_t author, const char *text)
{
	return post(f, author, text, 0, "direct");
}

static int64_t sflags(struct fx *f, int64_t status_id)
{
	int64_t v = -1;
	assert_int_equal(store_status_flags_get(f->c.db, status_id, &v), ST_OK);
	return v;
}

static enum event_fate fate_of(int64_t who)
{
	for (int i = 0; i < last.nrecipients; i++)
		if (last.rcpt[i].account_id == who)
			return last.rcpt[i].fate;
	fail_msg("not a recipient");
	return FATE_DELIVER;
}

static void follow(struct fx *f, int64_t a, int64_t b)
{
	struct follow_options o = {-1, -1};
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
}

/* Moves every row of a table's time column `ms` into the past. */
static void age(struct fx *f, const char *sql, int64_t ms)
{
	assert_int_equal(db_exec(f->c.db, sql, "i", ms), DB_OK);
}

#define AGE_FOLLOWS "UPDATE follows SET created_at = created_at - $1"
#define AGE_PRINTS "UPDATE detector_prints SET at = at - $1"
#define AGE_UNFOLLOWS "UPDATE detector_unfollows SET at = at - $1"
#define AGE_STATUSES "UPDATE statuses SET created_at = created_at - $1"
#define AGE_REPLIED "UPDATE detector_accounts SET replied_at = replied_at - $1"

#define AUTO (EVENT_FLAG_AUTOMATED | EVENT_FLAG_TEMPLATED)

/* ---- auto-DM, rule 1: a direct message to a new follower ---- */

static void dm_to_new_follower(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false), ben = mkuser(f, "ben", false), cy = mk(f, "cy");
	follow(f, ben, ann);
	follow(f, cy, ann); /* both follow ann: a message request would hold a stranger's */
	int64_t m = dm(f, ann, "@ben welcome!");
	assert_int_equal(last.flags & EVENT_FLAG_AUTOMATED, EVENT_FLAG_AUTOMATED);
	assert_int_equal(fate_of(ben), FATE_HOLD);
	assert_int_equal(sflags(f, m), EVENT_FLAG_AUTOMATED);
	/* To two people, new followers both: a group conversation, not a welcome. */
	dm(f, ann, "@ben @cy welcome!");
	assert_int_equal(last.flags, 0);
	assert_int_equal(fate_of(cy), FATE_DELIVER);
	/* Nine minutes after the follow: still; eleven: not any more. */
	age(f, AGE_FOLLOWS, 9 * MIN);
	dm(f, ann, "@ben hello again");
	assert_int_equal(last.flags, EVENT_FLAG_AUTOMATED);
	age(f, AGE_FOLLOWS, 2 * MIN);
	m = dm(f, ann, "@ben hello again");
	assert_int_equal(last.flags, 0);
	assert_int_equal(fate_of(ben), FATE_DELIVER);
	assert_int_equal(sflags(f, m), 0);
	/* Answering the new follower's own message is a conversation. */
	int64_t cyd = mkuser(f, "cyd", false);
	follow(f, cyd, ann);
	int64_t q = dm(f, cyd, "@ann hi, do you sell the blue one?");
	post(f, ann, "@cyd yes we do", q, "direct");
	assert_int_equal(last.flags, 0);
	/* The sender's automated count: two messages so far. */
	int64_t n;
	assert_int_equal(store_detect_automated_count(f->c.db, ann, &n), ST_OK);
	assert_int_equal(n, 2);
}

/* ---- auto-DM, rule 2: near-identical to three recipients ---- */

#define PITCH "Hi %s, thanks for connecting! I run a small studio and would love to show you our work"

static int64_t pitch(struct fx *f, int64_t from, const char *to)
{
	char text[256];
	snprintf(text, sizeof text, "@%s " PITCH, to, to);
	return dm(f, from, text);
}

static void dm_template(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false);
	int64_t b = mk(f, "bea"), d = mk(f, "dan");
	mk(f, "cal");
	mk(f, "eve");
	/* dan and bea follow ann, long enough ago not to be new followers: a
	 * message request would hold a stranger's message anyway. */
	follow(f, b, ann);
	follow(f, d, ann);
	age(f, AGE_FOLLOWS, 11 * MIN);
	int64_t m1 = pitch(f, ann, "bea");
	assert_int_equal(fate_of(b), FATE_DELIVER);
	int64_t m1b = pitch(f, ann, "bea"); /* the same person twice: one recipient */
	assert_int_equal(last.flags, 0);
	int64_t m2 = pitch(f, ann, "cal");
	assert_int_equal(last.flags, 0);
	int64_t m3 = pitch(f, ann, "dan");
	assert_int_equal(last.flags, AUTO);
	assert_int_equal(fate_of(d), FATE_HOLD);
	/* The earlier copies are flagged too. */
	assert_int_equal(sflags(f, m3), AUTO);
	assert_int_equal(sflags(f, m1), AUTO);
	assert_int_equal(sflags(f, m1b), AUTO);
	assert_int_equal(sflags(f, m2), AUTO);
	/* A day later the window is empty again. */
	age(f, AGE_PRINTS, 25 * HOUR);
	pitch(f, ann, "eve");
	assert_int_equal(last.flags, 0);
}

static void dm_template_window_and_precision(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false);
	mk(f, "bea");
	mk(f, "cal");
	mk(f, "dan");
	pitch(f, ann, "bea");
	pitch(f, ann, "cal");
	age(f, AGE_PRINTS, 23 * HOUR); /* within 24 hours: still counted */
	pitch(f, ann, "dan");
	assert_int_equal(last.flags, AUTO);

	/* Honest near-duplicates: two thank-you notes, different words. */
	int64_t bo = mkuser(f, "bo", false);
	const char *t1 = "@bea thank you so much for the lovely dinner last night, it was great";
	const char *t2 = "@cal thank you so much for the help with the move, we owe you one";
	const char *t3 = "@dan thank you so much for the birthday card, it made my whole day";
	struct fp_print p1, p2;
	assert_int_equal(fp_simhash(t1, strlen(t1), 0, NULL, &p1), 0);
	assert_int_equal(fp_simhash(t2, strlen(t2), 0, NULL, &p2), 0);
	assert_true(fp_hamming(p1.hash, p2.hash) > FP_NEAR_BITS);
	dm(f, bo, t1);
	dm(f, bo, t2);
	dm(f, bo, t3);
	assert_int_equal(last.flags, 0);
	/* Short messages are never compared ("thanks!" to everyone is manners). */
	dm(f, bo, "@bea thanks a lot!");
	dm(f, bo, "@cal thanks a lot!");
	dm(f, bo, "@dan thanks a lot!");
	assert_int_equal(last.flags, 0);
}

/* ---- templated replies and mentions ---- */

static int64_t templated(struct fx *f, int64_t from, const char *to, int64_t parent)
{
	char text[200];
	snprintf(text, sizeof text,
		 "@%s Great point %s! You should check out our platform, it does exactly this", to,
		 to);
	return post(f, from, text, parent, NULL);
}

static void thread_template(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false), bea = mkuser(f, "bea", false),
		cal = mkuser(f, "cal", false), dan = mkuser(f, "dan", false);
	int64_t pb = post(f, bea, "my first post", 0, NULL);
	int64_t pc = post(f, cal, "my first post", 0, NULL);
	int64_t pd = post(f, dan, "my first post", 0, NULL);
	/* Three replies in one thread: one thread, not a template. */
	int64_t r1 = templated(f, ann, "bea", pb);
	int64_t r2 = templated(f, ann, "bea", r1);
	assert_int_equal(last.type, EV_MENTION); /* answers herself, mentions bea */
	templated(f, ann, "bea", pb);
	assert_int_equal(last.flags, 0);
	templated(f, ann, "cal", pc);
	assert_int_equal(last.flags, 0);
	/* Eight days old: outside the 7-day window. */
	age(f, AGE_PRINTS, 8 * DAY);
	templated(f, ann, "dan", pd);
	assert_int_equal(last.type, EV_REPLY);
	assert_int_equal(last.flags, 0);
	templated(f, ann, "bea", pb);
	assert_int_equal(last.flags, 0);
	/* A mention in a new thread is the third thread of the last week. */
	int64_t m = templated(f, ann, "cal", 0);
	assert_int_equal(last.type, EV_MENTION);
	assert_int_equal(last.flags, AUTO);
	assert_int_equal(fate_of(cal), FATE_HOLD);
	assert_int_equal(sflags(f, m), AUTO);
	assert_int_equal(sflags(f, r2), 0); /* aged out before the template showed */
	/* A different reply in a fourth thread is not flagged. */
	int64_t pe = post(f, dan, "my second post", 0, NULL);
	post(f, ann, "@dan I disagree with the second half, the numbers do not add up for me", pe,
	     NULL);
	assert_int_equal(last.flags, 0);
}

/* ---- follower collecting ---- */

static void churn(struct fx *f, int64_t who, const char *prefix, int n, bool returned)
{
	for (int i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s%d", prefix, i);
		int64_t t = mk(f, name);
		follow(f, who, t);
		if (returned)
			follow(f, t, who);
		assert_int_equal(rel_unfollow(&f->c, who, t), RC_OK);
	}
}

static int64_t follows_count(struct fx *f, int64_t who)
{
	return fx_int(f, "SELECT COUNT(*) FROM follows WHERE account_id = $1", "i", who, 0);
}

static void follower_collecting(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false), t = mk(f, "target");
	struct follow_options o = {-1, -1};
	/* Returned follows are never counted; nor unfollows a week after. */
	churn(f, ann, "mutual", 20, true);
	churn(f, ann, "slow", 5, false);
	assert_int_equal(rel_follow(&f->c, ann, t, &o), RC_OK);
	assert_int_equal(rel_unfollow(&f->c, ann, t), RC_OK);
	int64_t late = mk(f, "late");
	follow(f, ann, late);
	age(f, AGE_FOLLOWS, 8 * DAY);
	assert_int_equal(rel_unfollow(&f->c, ann, late), RC_OK);
	int64_t n = fx_int(f, "SELECT COUNT(*) FROM detector_unfollows WHERE account_id = $1", "i",
			   ann, 0);
	assert_int_equal(n, 6); /* the five "slow" ones and "target" */
	churn(f, ann, "x", 14, false);
	assert_int_equal(rel_follow(&f->c, ann, t, &o), RC_RATE_LIMITED);
	assert_true(f->c.err.retry_after > 7 * 24 * 3600 - 60 &&
		    f->c.err.retry_after <= 7 * 24 * 3600);
	assert_non_null(strstr(f->c.err.msg, "unfollowed 20 people who did not follow you back"));
	assert_non_null(strstr(f->c.err.msg, "168 hours"));
	assert_int_equal(follows_count(f, ann), 0); /* nothing written */
	/* Locked accounts: the request is refused the same way. */
	int64_t locked = mkuser(f, "locked", false);
	struct profile_update lock = {.locked = 1, .bot = -1, .discoverable = -1, .nfields = -1};
	assert_int_equal(account_update(&f->c, locked, &lock), RC_OK);
	assert_int_equal(rel_follow(&f->c, ann, locked, &o), RC_RATE_LIMITED);
	/* Retry-After: until the 20th newest is a week old. */
	age(f, AGE_UNFOLLOWS, 6 * DAY);
	assert_int_equal(rel_follow(&f->c, ann, t, &o), RC_RATE_LIMITED);
	assert_true(f->c.err.retry_after > 23 * 3600 && f->c.err.retry_after <= 24 * 3600);
	assert_non_null(strstr(f->c.err.msg, "24 hours"));
	age(f, AGE_UNFOLLOWS, DAY);
	assert_int_equal(rel_follow(&f->c, ann, t, &o), RC_OK);
}

/* ---- saturation ---- */

static void saturation(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false), ben = mkuser(f, "ben", false);
	int64_t bp = post(f, ben, "hello", 0, NULL);
	/* Neither direct messages, reblogs nor replies to others are originals
	 * (the reply lifts the flag: age it out first). */
	post(f, ann, "@ben psst", 0, "direct");
	assert_int_equal(status_reblog(&f->c, ann, bp, true, NULL), RC_OK);
	post(f, ann, "nice", bp, NULL);
	age(f, AGE_REPLIED, 25 * HOUR);
	int64_t ids[9];
	for (int i = 0; i < 8; i++) { /* the 5th answers the 4th: a thread of one's own */
		ids[i] = post(f, ann, "another post", i == 4 ? ids[3] : 0, NULL);
		assert_int_equal(last.flags, 0);
	}
	ids[8] = post(f, ann, "the ninth", 0, NULL);
	assert_int_equal(last.flags, EVENT_FLAG_SATURATED);
	assert_int_equal(sflags(f, ids[8]), EVENT_FLAG_SATURATED);
	assert_int_equal(sflags(f, ids[0]), 0);
	/* A mention is an original too. */
	post(f, ann, "@ben look", 0, NULL);
	assert_int_equal(last.flags, EVENT_FLAG_SATURATED);
	/* Posts older than 24 hours are not counted. */
	age(f, AGE_STATUSES, 25 * HOUR);
	post(f, ann, "a new day", 0, NULL);
	assert_int_equal(last.flags, 0);
	for (int i = 0; i < 8; i++)
		post(f, ann, "again", 0, NULL);
	assert_int_equal(last.flags, EVENT_FLAG_SATURATED);
	/* One reply to someone else lifts it. */
	post(f, ann, "thanks ben", bp, NULL);
	post(f, ann, "after the reply", 0, NULL);
	assert_int_equal(last.flags, 0);
	/* ... for 24 hours. */
	age(f, AGE_REPLIED, 25 * HOUR);
	post(f, ann, "after the day", 0, NULL);
	assert_int_equal(last.flags, EVENT_FLAG_SATURATED);
}

/* ---- shouting ---- */

static void shouting(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false);
	int64_t s = post(f, ann, "STOP DOING THIS RIGHT NOW", 0, NULL);
	assert_int_equal(last.flags, EVENT_FLAG_SHOUTING);
	assert_int_equal(sflags(f, s), EVENT_FLAG_SHOUTING);
	post(f, ann, "OK NASA WOW", 0, NULL); /* 10 letters: too few */
	assert_int_equal(last.flags, 0);
	post(f, ann, "Our NASA and ESA friends launched it today", 0, NULL);
	assert_int_equal(last.flags, 0);
	post(f, ann, "LOOK AT https://example.com/SomePath and @ann", 0, NULL);
	assert_int_equal(last.flags, 0); /* links and mentions do not count: 9 letters */
	struct status_edit e = {.text = "stop doing this, please", .sensitive = -1};
	assert_int_equal(status_edit(&f->c, ann, s, &e), RC_OK);
	assert_int_equal(sflags(f, s), 0);
	e.text = "NO, REALLY: STOP DOING THIS";
	assert_int_equal(status_edit(&f->c, ann, s, &e), RC_OK);
	assert_int_equal(sflags(f, s), EVENT_FLAG_SHOUTING);
	/* A deleted status takes its flags with it. */
	struct status gone;
	assert_int_equal(status_delete(&f->c, ann, s, &gone), RC_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM status_flags WHERE status_id = $1", "i", s,
				0),
			 0);
}

/* ---- trust ---- */

static void talk(struct fx *f, int64_t x, int64_t y)
{
	int64_t p = post(f, x, "hi", 0, NULL);
	p = post(f, y, "answer", p, NULL);
	post(f, x, "answer back", p, NULL);
}

static int64_t trust_of(struct fx *f, int64_t id)
{
	int64_t milli = -1;
	assert_int_equal(store_social_trust_get(f->c.db, id, &milli), ST_OK);
	return milli;
}

static void no_trust_for_automation(void **state)
{
	struct fx *f = *state;
	int64_t admin = mkuser(f, "admin", true), hon = mkuser(f, "honest", false),
		bot = mkuser(f, "bot", false), col = mkuser(f, "collector", false);
	talk(f, admin, hon);
	talk(f, admin, bot);
	talk(f, admin, col);
	assert_int_equal(social_trust_recompute(&f->c), RC_OK);
	assert_true(trust_of(f, hon) > 0 && trust_of(f, bot) > 0 && trust_of(f, col) > 0);
	/* The bot sends one automated message; the collector collects. */
	follow(f, admin, bot);
	dm(f, bot, "@admin thanks for following!");
	churn(f, col, "c", 20, false);
	assert_int_equal(social_trust_recompute(&f->c), RC_OK);
	assert_true(trust_of(f, hon) > 0);
	assert_int_equal(trust_of(f, bot), 0);
	assert_int_equal(trust_of(f, col), 0);
	/* A week later the automated message no longer counts. */
	assert_int_equal(db_exec(f->c.db,
				 "UPDATE detector_accounts SET automated_at = automated_at - $1",
				 "i", 8 * DAY),
			 DB_OK);
	age(f, AGE_UNFOLLOWS, 8 * DAY);
	assert_int_equal(social_trust_recompute(&f->c), RC_OK);
	assert_true(trust_of(f, bot) > 0 && trust_of(f, col) > 0);
}

/* ---- failing closed, and the worker's prunes ---- */

static void store_error_refuses_the_write(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false);
	mk(f, "bea");
	int64_t before = fx_int(f, "SELECT COUNT(*) FROM statuses", "", 0, 0);
	assert_int_equal(db_exec(f->c.db, "DROP TABLE detector_prints", ""), DB_OK);
	struct new_status in = {.text = "@bea hello there, this is a longer message to bea",
				.visibility = "direct", .sensitive = -1};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, ann, &in, &id), RC_INTERNAL);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM statuses", "", 0, 0), before);
}

static void worker_prunes_old_rows(void **state)
{
	struct fx *f = *state;
	int64_t ann = mkuser(f, "ann", false), bo = mkuser(f, "bo", false);
	mk(f, "bea");
	pitch(f, ann, "bea");
	churn(f, ann, "p", 2, false);
	age(f, AGE_PRINTS, 8 * DAY);
	age(f, AGE_UNFOLLOWS, 8 * DAY);
	pitch(f, bo, "bea"); /* a fresh row that stays */
	while (events_drain(&f->c, true) > 0)
		;
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM detector_prints", "", 0, 0), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM detector_unfollows", "", 0, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(dm_to_new_follower, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(dm_template, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(dm_template_window_and_precision, setup,
						teardown_detect),
		cmocka_unit_test_setup_teardown(thread_template, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(follower_collecting, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(saturation, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(shouting, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(no_trust_for_automation, setup, teardown_detect),
		cmocka_unit_test_setup_teardown(store_error_refuses_the_write, setup,
						teardown_detect),
		cmocka_unit_test_setup_teardown(worker_prunes_old_rows, setup, teardown_detect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
