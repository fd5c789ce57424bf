/* Unit tests of core/rank (the Conversations feed's score, its `why` and
 * the collapse of runs) and core/card (the card's figures), on hand-made
 * cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/card.h"
#include "core/rank.h"

#define HOUR (3600 * 1000LL)

static double score_of(struct rank_item it, const char *why)
{
	struct rank_score s;
	rank_score(&it, &s);
	if (why)
		assert_string_equal(s.why, why);
	return s.score;
}

static const struct rank_item reply_from_talker = {
	.author_id = 1, .is_reply_to_viewer = true, .talks = 1, .is_mutual = true,
	.thread_turns = 2, .thread_participants = 2};
static const struct rank_item mutual_new_thread = {
	.author_id = 2, .is_mutual = true, .thread_turns = 1, .thread_participants = 1};
static const struct rank_item broadcast = {
	.author_id = 3, .thread_turns = 1, .thread_participants = 1};

/* A reply to you from someone you talk with >> a new thread from a mutual
 * >> a broadcast; each step at least five times the next. */
static void tiers_are_far_apart(void **state)
{
	(void)state;
	double r = score_of(reply_from_talker, "replied to you · you talk · 2-turn thread");
	double m = score_of(mutual_new_thread, "mutual");
	double b = score_of(broadcast, "broadcast");
	assert_true(r >= 5 * m);
	assert_true(m >= 5 * b);
	assert_true(fabs(r - 400) < 1e-9 && fabs(m - 10) < 1e-9 && fabs(b - 1) < 1e-9);
	/* A reply from someone you have not talked with is still above a
	 * mutual's new thread, below a talker's reply. */
	struct rank_item stranger = reply_from_talker;
	stranger.talks = 0;
	stranger.is_mutual = false;
	double s = score_of(stranger, "replied to you · 2-turn thread");
	assert_true(s > m && s < r);
}

static void likes_alone_earn_nothing(void **state)
{
	(void)state;
	struct rank_item liked = broadcast;
	liked.favourites = 100000;
	assert_true(score_of(liked, "broadcast") == score_of(broadcast, NULL));
	/* Conversation lifts a broadcast, but not to a mutual's new thread. */
	struct rank_item talked = broadcast;
	talked.thread_turns = 12;
	talked.thread_participants = 4;
	double t = score_of(talked, "12-turn thread");
	assert_true(t > score_of(broadcast, NULL) && t < score_of(mutual_new_thread, NULL));
	/* A thread with one person in it is a monologue, not a conversation. */
	struct rank_item monologue = broadcast;
	monologue.thread_turns = 9;
	assert_true(score_of(monologue, "broadcast") == score_of(broadcast, NULL));
	struct rank_item deep = mutual_new_thread;
	deep.thread_turns = 4;
	deep.thread_participants = 2;
	score_of(deep, "mutual · 4-turn thread");
}

static void time_halves_the_score(void **state)
{
	(void)state;
	struct rank_item old = reply_from_talker;
	old.age_ms = RANK_HALF_LIFE_MS;
	assert_true(fabs(score_of(old, NULL) - 200) < 1e-9);
	old.age_ms = 4 * RANK_HALF_LIFE_MS; /* a day later it still beats a fresh mutual thread */
	assert_true(score_of(old, NULL) > score_of(mutual_new_thread, NULL));
	old.age_ms = -HOUR; /* clock skew: not newer than new */
	assert_true(fabs(score_of(old, NULL) - 400) < 1e-9);
	/* Talking more counts, with diminishing returns, up to a cap. */
	struct rank_item a = mutual_new_thread, b = mutual_new_thread, c = mutual_new_thread;
	a.talks = 3, b.talks = 255, c.talks = 100000;
	assert_true(fabs(score_of(a, "mutual · you talk") - 30) < 1e-9);
	assert_true(score_of(b, NULL) == score_of(c, NULL));
}

/* The factory's posts with no conversation fold into its first one; its
 * post with a conversation and everybody else's stay. */
static void runs_collapse(void **state)
{
	(void)state;
	struct rank_item page[7];
	for (int i = 0; i < 7; i++)
		page[i] = (struct rank_item){.author_id = 9, .thread_turns = 1,
					     .thread_participants = 1};
	page[1].author_id = 2;
	page[3].thread_turns = 5, page[3].thread_participants = 3;
	page[5].author_id = 2;
	struct rank_slot s[7];
	rank_collapse(page, 7, s);
	static const int head[] = {-1, -1, 0, -1, 0, 1, 0}, more[] = {3, 1, 0, 0, 0, 0, 0};
	for (int i = 0; i < 7; i++) {
		assert_int_equal(s[i].head, head[i]);
		assert_int_equal(s[i].more, more[i]);
	}
	/* A saturated author folds even with conversation, except replies to
	 * the viewer. */
	page[3].author_saturated = page[0].author_saturated = page[2].author_saturated = true;
	page[4].author_saturated = page[6].author_saturated = true;
	page[6].is_reply_to_viewer = true;
	rank_collapse(page, 7, s);
	assert_int_equal(s[3].head, 0);
	assert_int_equal(s[6].head, -1);
	assert_int_equal(s[0].more, 3);
	char label[32];
	rank_more_label(label, sizeof label, 3, "Ana");
	assert_string_equal(label, "+3 more from Ana");
	rank_more_label(label, 16, 3, "Zoë Zoë"); /* cut at a character */
	assert_string_equal(label, "+3 more from Zo");
	rank_more_label(label, 17, 3, "Zoë");
	assert_string_equal(label, "+3 more from Zo");
}

static void card_figures(void **state)
{
	(void)state;
	int64_t d[] = {50, 10, 40, 20}, odd[] = {7, 1, 3};
	assert_int_equal(card_median_ms(d, 4), 30);
	assert_int_equal(card_median_ms(odd, 3), 3);
	assert_int_equal(card_median_ms(NULL, 0), -1);
	int64_t now = 1000 * HOUR;
	struct card_addressed v[] = {
		{now - 100 * HOUR, now - 99 * HOUR}, /* answered in an hour */
		{now - 100 * HOUR, now - 20 * HOUR}, /* answered after 80 hours: late */
		{now - 80 * HOUR, 0},                /* never answered, 80 hours on */
		{now - 10 * HOUR, 0},                /* 10 hours old: not decided yet */
		{now - 2 * HOUR, now - HOUR},        /* answered within the hour */
	};
	struct card_share a = card_answered(v, 5, now);
	assert_int_equal(a.yes, 2);
	assert_int_equal(a.of, 4);
	assert_true(fabs(a.value - 0.5) < 1e-12);
	assert_true(card_answered(v + 3, 1, now).value == -1);
	struct card_thread t[] = {{3, 2}, {10, 1}, {2, 2}, {5, 4}};
	struct card_share dep = card_depth(t, 4);
	assert_int_equal(dep.yes, 2);
	assert_true(fabs(dep.value - 0.5) < 1e-12);
	assert_true(card_depth(t, 0).value == -1);
	assert_true(card_listening(30, 10) == 3 && card_listening(4, 0) == 4);
	assert_true(fabs(card_saturation(270, 30, 0) - 9) < 1e-12);
	assert_true(fabs(card_saturation(270, 30, 540) - 3) < 1e-12);
	assert_true(card_saturation(5, 0, 0) == 0);
	assert_true(card_share_of(5, 3).yes == 3);
	assert_true(fabs(card_trust(0.0002, 10000) - 2) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiers_are_far_apart),
		cmocka_unit_test(likes_alone_earn_nothing),
		cmocka_unit_test(time_halves_the_score),
		cmocka_unit_test(runs_collapse),
		cmocka_unit_test(card_figures),
	};
	return cmocka_run_group_tests_name("rank", tests, NULL, NULL);
}
