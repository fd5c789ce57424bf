/* Unit tests of message requests (core/requests.c): the rule on hand-made
 * cases, then the policy hook on a real store: a stranger's direct message
 * or mention is held (no notification, not in the recipient's home feed or
 * conversations), following or talking lets it through, replies inside a
 * conversation the recipient started always get through, accepting
 * releases what was held and lets the sender through afterwards, declining
 * deletes it, and bad answers change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/connections.h"
#include "core/events.h"
#include "core/lists.h"
#include "core/relationships.h"
#include "core/requests.h"
#include "core/statuses.h"
#include "store/db.h"
#include "store_fixture.h"
#include "util/util.h"

/* ---- the rule on hand-made cases ---- */

static void decide_cases(void **state)
{
	(void)state;
	struct notif_policy p;
	requests_policy_defaults(&p);
	int64_t now = 100LL * 24 * 3600 * 1000, old = 1;
	struct request_facts stranger = {.local = true, .sender_created_at = old};
	struct request_facts followed = stranger, talked = stranger, follower = stranger,
			     accepted = stranger;
	followed.following = true;
	talked.talked = true;
	follower.follower = true; /* follows the recipient, not followed back */
	accepted.accepted = true;

	/* A stranger's direct message or mention waits. */
	assert_int_equal(requests_decide(&p, &stranger, now, true, false, false), FATE_HOLD);
	assert_int_equal(requests_decide(&p, &stranger, now, false, false, false), FATE_HOLD);
	assert_int_equal(requests_decide(&p, &follower, now, true, false, false), FATE_HOLD);
	/* Following, talking, an accepted sender, or the recipient's own
	 * conversation: through. */
	assert_int_equal(requests_decide(&p, &followed, now, true, false, false), FATE_DELIVER);
	assert_int_equal(requests_decide(&p, &talked, now, true, false, false), FATE_DELIVER);
	assert_int_equal(requests_decide(&p, &accepted, now, true, false, false), FATE_DELIVER);
	assert_int_equal(requests_decide(&p, &stranger, now, true, false, true), FATE_DELIVER);
	/* Automated: held whoever sends it, even in the recipient's thread. */
	assert_int_equal(requests_decide(&p, &followed, now, true, true, true), FATE_HOLD);

	/* The policy's values: drop wins over filter, filter over accept. */
	p.not_following = POLICY_ACCEPT;
	assert_int_equal(requests_decide(&p, &stranger, now, false, false, false), FATE_DELIVER);
	assert_int_equal(requests_decide(&p, &stranger, now, true, false, false), FATE_HOLD);
	p.private_mentions = POLICY_DROP;
	assert_int_equal(requests_decide(&p, &stranger, now, true, false, false), FATE_SUPPRESS);
	p.private_mentions = POLICY_ACCEPT;
	p.not_followers = POLICY_FILTER;
	assert_int_equal(requests_decide(&p, &followed, now, false, false, false), FATE_HOLD);
	assert_int_equal(requests_decide(&p, &follower, now, false, false, false), FATE_DELIVER);
	p.not_followers = POLICY_ACCEPT;
	p.new_accounts = POLICY_DROP;
	struct request_facts young = followed;
	young.sender_created_at = now - 29LL * 24 * 3600 * 1000;
	assert_int_equal(requests_decide(&p, &young, now, false, false, false), FATE_SUPPRESS);
	young.sender_created_at = now - 31LL * 24 * 3600 * 1000;
	assert_int_equal(requests_decide(&p, &young, now, false, false, false), FATE_DELIVER);
}

static void policy_names(void **state)
{
	(void)state;
	assert_int_equal(requests_policy_parse("accept"), POLICY_ACCEPT);
	assert_int_equal(requests_policy_parse("filter"), POLICY_FILTER);
	assert_int_equal(requests_policy_parse("drop"), POLICY_DROP);
	assert_int_equal(requests_policy_parse("Drop"), -1);
	assert_int_equal(requests_policy_parse(""), -1);
	assert_int_equal(requests_policy_parse(NULL), -1);
	assert_string_equal(requests_policy_name(POLICY_FILTER), "filter");
}

/* ---- on a store ---- */

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	return f ? 0 : -1;
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

static void follow(struct fx *f, int64_t a, int64_t b)
{
	struct follow_options o = {.reblogs = true};
	assert_int_equal(rel_follow(&f->c, a, b, &o), RC_OK);
}

/* Moves every follow an hour into the past: ann is no longer a new
 * follower, whose direct messages the auto-DM rule flags (docs/SOCIAL.md). */
static void age_follows(struct fx *f)
{
	assert_int_equal(
		db_exec(f->c.db, "UPDATE follows SET created_at = created_at - $1", "i", 3600000LL),
		DB_OK);
}

/* Notifications of who (from anyone) about status_id (0: any). */
static int64_t notes(struct fx *f, int64_t who, int64_t status_id)
{
	return fx_int(f,
		      "SELECT COUNT(*) FROM notifications WHERE account_id = $1"
		      " AND ($2 = 0 OR status_id = $2)",
		      "ii", who, status_id);
}

static int64_t held(struct fx *f, int64_t who)
{
	return fx_int(f, "SELECT COUNT(*) FROM notifications_held WHERE account_id = $1", "i",
		      who, 0);
}

static int64_t in_home(struct fx *f, int64_t who, int64_t status_id)
{
	return fx_int(f, "SELECT COUNT(*) FROM home_feed WHERE account_id = $1 AND status_id = $2",
		      "ii", who, status_id);
}

static int64_t conversations(struct fx *f, int64_t who)
{
	return fx_int(f, "SELECT COUNT(*) FROM conversations WHERE account_id = $1", "i", who, 0);
}

static int requests_of(struct fx *f, int64_t who, struct notif_request_list *l)
{
	struct page pg = {.limit = 40};
	assert_int_equal(requests_list(&f->c, who, &pg, l), RC_OK);
	return l->n;
}

static void stranger_held(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam");
	int64_t dm = post(f, sam, "@ann hi, buy my course", 0, "direct");
	int64_t m = post(f, sam, "@ann look at this", 0, NULL);
	assert_int_equal(notes(f, ann, 0), 0);
	assert_int_equal(held(f, ann), 2);
	assert_int_equal(in_home(f, ann, dm), 0);
	assert_int_equal(conversations(f, ann), 0);
	assert_int_equal(in_home(f, sam, dm), 1); /* the sender's side as usual */
	assert_int_equal(conversations(f, sam), 1);

	struct notif_request_list l;
	assert_int_equal(requests_of(f, ann, &l), 1);
	assert_int_equal(l.items[0].from_account_id, sam);
	assert_int_equal(l.items[0].notifications_count, 2);
	assert_int_equal(l.items[0].last_status_id, m);
	assert_string_equal(l.items[0].from.username, "sam");
	assert_int_equal(requests_of(f, sam, &l), 0);

	struct notif_policy p;
	struct requests_summary sum;
	assert_int_equal(requests_policy_get(&f->c, ann, &p, &sum), RC_OK);
	assert_int_equal(sum.requests, 1);
	assert_int_equal(sum.notifications, 2);
	assert_int_equal(p.not_following, POLICY_FILTER);
}

static void followed_or_talked_through(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), ben = fx_user(f, "ben"), cat = fx_user(f, "cat");
	follow(f, ann, ben);
	age_follows(f); /* a DM to a new follower is the auto-DM rule's (test_detect.c) */
	int64_t dm = post(f, ben, "@ann hello friend", 0, "direct");
	assert_int_equal(notes(f, ann, dm), 1);
	assert_int_equal(in_home(f, ann, dm), 1);
	assert_int_equal(conversations(f, ann), 1);
	/* ann replied to cat once (in cat's thread): they have talked. */
	int64_t cp = post(f, cat, "a thought", 0, NULL);
	post(f, ann, "@cat nice one", cp, NULL);
	int64_t m = post(f, cat, "@ann thanks!", 0, NULL);
	assert_int_equal(notes(f, ann, m), 1);
	/* cat never talked with ben: cat's mention of ben waits. */
	int64_t mb = post(f, cat, "@ben hello", 0, NULL);
	assert_int_equal(notes(f, ben, mb), 0);
	assert_int_equal(held(f, ben), 1);
	assert_int_equal(held(f, ann), 0);
}

static void own_conversation_through(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam"), tom = fx_user(f, "tom");
	int64_t root = post(f, ann, "what do you all think?", 0, NULL);
	int64_t r1 = post(f, sam, "@ann I think yes", root, NULL); /* the parent is ann's */
	assert_int_equal(notes(f, ann, r1), 1);
	int64_t r2 = post(f, tom, "@sam @ann I think no", r1, NULL); /* the root is ann's */
	assert_int_equal(notes(f, ann, r2), 1);
	/* sam's own thread is not ann's: tom's mention of ann there waits. */
	int64_t sroot = post(f, sam, "my thread", 0, NULL);
	int64_t r3 = post(f, tom, "@sam @ann see", sroot, NULL);
	assert_int_equal(notes(f, ann, r3), 0);
	assert_int_equal(held(f, ann), 1);
	/* A direct reply to ann's direct message always gets through. */
	int64_t dm = post(f, ann, "@sam a private question", 0, "direct");
	int64_t back = post(f, sam, "@ann a private answer", dm, "direct");
	assert_int_equal(notes(f, ann, back), 1);
	assert_int_equal(in_home(f, ann, back), 1);
}

static void accept_releases(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam");
	int64_t dm = post(f, sam, "@ann hi there", 0, "direct");
	int64_t hid = fx_int(f, "SELECT id FROM notifications_held WHERE account_id = $1", "i", ann,
			     0);
	int64_t moved = -1;
	assert_int_equal(requests_answer(&f->c, ann, NULL, &sam, 1, true, &moved), RC_OK);
	assert_int_equal(moved, 1);
	assert_int_equal(held(f, ann), 0);
	/* Released as it was: the same notification, its id kept. */
	assert_int_equal(notes(f, ann, dm), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM notifications WHERE id = $1", "i", hid, 0),
			 1);
	assert_int_equal(in_home(f, ann, dm), 1);
	assert_int_equal(fx_int(f,
				"SELECT unread FROM conversations WHERE account_id = $1"
				" AND last_status_id = $2",
				"ii", ann, dm),
			 1);
	struct notif_request_list l;
	assert_int_equal(requests_of(f, ann, &l), 0);
	/* Accepted senders go straight through afterwards. */
	int64_t dm2 = post(f, sam, "@ann and again", 0, "direct");
	assert_int_equal(notes(f, ann, dm2), 1);
	assert_int_equal(held(f, ann), 0);
	/* No request left: answering again is not found. */
	assert_int_equal(requests_answer(&f->c, ann, NULL, &sam, 1, true, NULL), RC_NOT_FOUND);
}

/* The status ids in viewer's waiting inbox (core/connections.h). */
static int waiting_ids(struct fx *f, int64_t viewer, int64_t *ids)
{
	struct waiting_list l;
	assert_int_equal(connections_waiting(&f->c, viewer, 0, 40, now_ms(), &l), RC_OK);
	for (int i = 0; i < l.n; i++)
		ids[i] = l.items[i].status.id;
	return l.n;
}

/* A held mention waits in requests, not in "waiting"; accepting it puts
 * it there (and what the sender writes afterwards), declining does not. */
static void accept_releases_to_waiting(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam"), tom = fx_user(f, "tom");
	int64_t q = post(f, sam, "@ann how do I join the club?", 0, NULL);
	int64_t t = post(f, tom, "@ann how much is it?", 0, NULL);
	int64_t ids[8];
	assert_int_equal(waiting_ids(f, ann, ids), 0);
	assert_int_equal(requests_answer(&f->c, ann, NULL, &sam, 1, true, NULL), RC_OK);
	assert_int_equal(waiting_ids(f, ann, ids), 1);
	assert_int_equal(ids[0], q);
	assert_int_equal(requests_answer(&f->c, ann, NULL, &tom, 1, false, NULL), RC_OK);
	assert_int_equal(waiting_ids(f, ann, ids), 1);
	int64_t q2 = post(f, sam, "@ann and when?", 0, NULL);
	assert_int_equal(waiting_ids(f, ann, ids), 2);
	assert_int_equal(ids[0], q2);
	assert_true(t > 0);
}

static void decline_deletes(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam");
	int64_t dm = post(f, sam, "@ann hi there", 0, "direct");
	int64_t moved = -1;
	assert_int_equal(requests_answer(&f->c, ann, NULL, &sam, 1, false, &moved), RC_OK);
	assert_int_equal(moved, 1);
	assert_int_equal(held(f, ann), 0);
	assert_int_equal(notes(f, ann, 0), 0);
	assert_int_equal(in_home(f, ann, dm), 0);
	assert_int_equal(conversations(f, ann), 0);
	/* Declining is not accepting: the next message waits again. */
	post(f, sam, "@ann please", 0, "direct");
	assert_int_equal(notes(f, ann, 0), 0);
	struct notif_request_list l;
	assert_int_equal(requests_of(f, ann, &l), 1);
	assert_int_equal(l.items[0].notifications_count, 1);
}

static void bad_answers_change_nothing(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), bea = fx_user(f, "bea"), sam = fx_user(f, "sam");
	post(f, sam, "@ann hi", 0, "direct");
	post(f, sam, "@bea hi", 0, "direct");
	struct notif_request_list la, lb;
	assert_int_equal(requests_of(f, ann, &la), 1);
	assert_int_equal(requests_of(f, bea, &lb), 1);
	/* bea's request through ann's account; an unknown id; a sender with
	 * no request: not found, and nothing changes (all or nothing). */
	int64_t ids[2] = {la.items[0].id, lb.items[0].id};
	assert_int_equal(requests_answer(&f->c, ann, ids, NULL, 2, true, NULL), RC_NOT_FOUND);
	int64_t unknown = id_new();
	assert_int_equal(requests_answer(&f->c, ann, &unknown, NULL, 1, false, NULL), RC_NOT_FOUND);
	assert_int_equal(requests_answer(&f->c, ann, NULL, &bea, 1, true, NULL), RC_NOT_FOUND);
	struct notif_request q;
	assert_int_equal(request_get(&f->c, ann, lb.items[0].id, 0, &q), RC_NOT_FOUND);
	assert_int_equal(held(f, ann), 1);
	assert_int_equal(held(f, bea), 1);
	assert_int_equal(notes(f, ann, 0) + notes(f, bea, 0), 0);
	/* A bad policy value names its field and changes nothing. */
	const char *v[POLICY_FIELDS] = {"accept", "maybe", NULL, NULL, NULL};
	assert_int_equal(requests_policy_update(&f->c, ann, v), RC_INVALID);
	assert_string_equal(f->c.err.field, "for_not_followers");
	struct notif_policy p;
	assert_int_equal(requests_policy_get(&f->c, ann, &p, NULL), RC_OK);
	assert_int_equal(p.not_following, POLICY_FILTER);
	/* Both of ann's own, by id: accepted together. */
	post(f, bea, "@ann hello from bea", 0, "direct");
	assert_int_equal(requests_of(f, ann, &la), 2);
	int64_t mine[2] = {la.items[0].id, la.items[1].id};
	int64_t moved = 0;
	assert_int_equal(requests_answer(&f->c, ann, mine, NULL, 2, true, &moved), RC_OK);
	assert_int_equal(moved, 2);
	assert_int_equal(notes(f, ann, 0), 2);
}

static void policy_values_apply(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam");
	const char *drop[POLICY_FIELDS] = {"drop", NULL, NULL, NULL, NULL};
	assert_int_equal(requests_policy_update(&f->c, ann, drop), RC_OK);
	int64_t m = post(f, sam, "@ann hello", 0, NULL);
	assert_int_equal(notes(f, ann, m), 0);
	assert_int_equal(held(f, ann), 0); /* dropped: no request either */
	const char *open[POLICY_FIELDS] = {"accept", NULL, NULL, "accept", NULL};
	assert_int_equal(requests_policy_update(&f->c, ann, open), RC_OK);
	struct notif_policy p;
	assert_int_equal(requests_policy_get(&f->c, ann, &p, NULL), RC_OK);
	assert_int_equal(p.not_following, POLICY_ACCEPT);
	assert_int_equal(p.limited_accounts, POLICY_FILTER); /* untouched */
	int64_t dm = post(f, sam, "@ann hello again", 0, "direct");
	assert_int_equal(notes(f, ann, dm), 1);
	assert_int_equal(conversations(f, ann), 1);
}

/* The detectors' flag (set by their hooks, which run before this one in
 * the seam's table): held even from a followed sender, labelled. The hook
 * is called here with a hand-made event, as the seam would. */
static void automated_held_and_labelled(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), ben = fx_user(f, "ben");
	follow(f, ann, ben);
	age_follows(f); /* not a new follower: the detectors leave the message alone */
	int64_t dm = post(f, ben, "@ann welcome! check out my course", 0, "direct");
	assert_int_equal(notes(f, ann, dm), 1); /* followed: through */
	struct status s;
	assert_int_equal(status_load(&f->c, ben, dm, &s), RC_OK);
	struct event ev = {.type = EV_DIRECT, .at = now_ms(), .actor = ben, .status_id = dm,
			   .thread_id = dm, .visibility = VIS_DIRECT, .status = &s,
			   .nrecipients = 1, .flags = EVENT_FLAG_AUTOMATED, .db = f->c.db};
	ev.rcpt[0] = (struct event_recipient){ann, FATE_DELIVER};
	assert_int_equal(requests_policy(&f->c, f->c.db, &ev), RC_OK);
	assert_int_equal(ev.rcpt[0].fate, FATE_HOLD);
	assert_int_equal(held(f, ann), 1);
	struct notif_request_list l;
	assert_int_equal(requests_of(f, ann, &l), 1);
	assert_true(l.items[0].flags & EVENT_FLAG_AUTOMATED);
	/* An earlier hook's FATE_HOLD is kept as a request the same way. */
	ev.flags = 0;
	ev.rcpt[0].fate = FATE_HOLD;
	assert_int_equal(requests_policy(&f->c, f->c.db, &ev), RC_OK);
	assert_int_equal(ev.rcpt[0].fate, FATE_HOLD);
	assert_int_equal(held(f, ann), 2);
	/* Suppressed by an earlier hook: left alone, nothing kept. */
	ev.rcpt[0].fate = FATE_SUPPRESS;
	ev.flags = EVENT_FLAG_AUTOMATED;
	assert_int_equal(requests_policy(&f->c, f->c.db, &ev), RC_OK);
	assert_int_equal(ev.rcpt[0].fate, FATE_SUPPRESS);
	assert_int_equal(held(f, ann), 2);
}

/* A store failure in the hook fails the write: nothing is posted. */
static void fails_closed(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam");
	assert_int_equal(db_exec(f->c.db, "DROP TABLE notifications_held", ""), DB_OK);
	struct new_status in = {.text = "@ann hi", .visibility = "direct", .sensitive = -1};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, sam, &in, &id), RC_INTERNAL);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM statuses", "", 0, 0), 0);
	assert_int_equal(notes(f, ann, 0), 0);
}

static void deleted_status_leaves_request(void **state)
{
	struct fx *f = *state;
	int64_t ann = fx_user(f, "ann"), sam = fx_user(f, "sam");
	int64_t a = post(f, sam, "@ann one", 0, "direct");
	int64_t b = post(f, sam, "@ann two", 0, "direct");
	struct status gone;
	assert_int_equal(status_delete(&f->c, sam, b, &gone), RC_OK);
	struct notif_request_list l;
	assert_int_equal(requests_of(f, ann, &l), 1);
	assert_int_equal(l.items[0].notifications_count, 1);
	assert_int_equal(l.items[0].last_status_id, a);
	assert_int_equal(status_delete(&f->c, sam, a, &gone), RC_OK);
	assert_int_equal(requests_of(f, ann, &l), 0);
	assert_int_equal(held(f, ann), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decide_cases),
		cmocka_unit_test(policy_names),
		cmocka_unit_test_setup_teardown(stranger_held, setup, teardown),
		cmocka_unit_test_setup_teardown(followed_or_talked_through, setup, teardown),
		cmocka_unit_test_setup_teardown(own_conversation_through, setup, teardown),
		cmocka_unit_test_setup_teardown(accept_releases, setup, teardown),
		cmocka_unit_test_setup_teardown(accept_releases_to_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(decline_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_answers_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(policy_values_apply, setup, teardown),
		cmocka_unit_test_setup_teardown(automated_held_and_labelled, setup, teardown),
		cmocka_unit_test_setup_teardown(fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_status_leaves_request, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
