/* simulate.c - `rapport simulate`: the community's days. Every act is a
 * call of the core function its API handler calls (account_create,
 * rel_follow, rel_unfollow, status_create, status_favourite), made at its
 * simulated time (clock_simulate), so the event seam, the policy hooks, the
 * figures and the worker see exactly what a server would. */
#include "tools/sim_internal.h"

#include "core/accounts.h"
#include "core/events.h"
#include "core/jobs.h"
#include "core/relationships.h"
#include "core/social_capital.h"
#include "core/statuses.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The simulation starts on a fixed date, so a seed always gives the same
 * run: 2026-03-02 00:00 UTC (a Monday). */
#define SIM_T0 1772409600000LL
#define SIM_TICK_MS (10 * SIM_MINUTE_MS) /* the worker runs this often */
#define SIM_TRUST_MS (60 * SIM_MINUTE_MS) /* trust recomputed this often */
#define SIM_SCAN 400                      /* recent statuses looked at to pick one */
#define SIM_TURNS_MAX 12                  /* nobody answers past this many turns */

/* ---- randomness: splitmix64, seeded by --seed ---- */

static uint64_t rnd(struct sim *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rnd_below(struct sim *s, int n)
{
	return n > 0 ? (int)(rnd(s) % (uint64_t)n) : 0;
}

static double rnd_unit(struct sim *s)
{
	return (double)(rnd(s) >> 11) / 9007199254740992.0;
}

static bool chance(struct sim *s, double p)
{
	return rnd_unit(s) < p;
}

/* How many times something happens today at this rate: the whole part,
 * and one more with the chance of the fraction. */
static int times(struct sim *s, double rate)
{
	int n = (int)rate;
	return n + chance(s, rate - n);
}

static int64_t between(struct sim *s, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd_unit(s) * (double)(hi - lo));
}

/* ---- who is who ---- */

bool sim_bit(const uint8_t *m, const struct sim *s, int i, int j)
{
	size_t k = (size_t)i * (size_t)s->n + (size_t)j;
	return m[k >> 3] & (1u << (k & 7));
}

static void set_bit(uint8_t *m, const struct sim *s, int i, int j, bool on)
{
	size_t k = (size_t)i * (size_t)s->n + (size_t)j;
	if (on)
		m[k >> 3] |= (uint8_t)(1u << (k & 7));
	else
		m[k >> 3] &= (uint8_t)~(1u << (k & 7));
}

static bool is_bot(enum sim_kind k)
{
	return k == PK_AUTO_DM_BOT || k == PK_FOLLOWER_COLLECTOR || k == PK_REPLY_BOT;
}

static const struct sim_persona *persona_of(const struct sim *s, int i)
{
	return &s->p->v[s->a[i].persona];
}

/* ---- the queue of acts, ordered by time (then by when they were made) ---- */

enum act_type {
	A_POST,       /* an original */
	A_REPLY,      /* to post */
	A_FAVOURITE,  /* post */
	A_FOLLOW,     /* target */
	A_PRUNE,      /* unfollow target unless it followed back */
	A_DM,         /* to target */
	A_TEMPLATE,   /* a templated reply to some recent post */
	A_CUSTOMER,   /* a reply to the latest post of a brand it follows */
	A_DAY_END,
};

struct act {
	int64_t at, seq;
	enum act_type type;
	int actor, target, post;
};

static struct {
	struct act *v;
	int n, cap;
	int64_t seq;
} q;

static bool before(const struct act *x, const struct act *y)
{
	return x->at < y->at || (x->at == y->at && x->seq < y->seq);
}

static void push(int64_t at, enum act_type type, int actor, int target, int post)
{
	if (q.n == q.cap) {
		q.cap = q.cap ? q.cap * 2 : 1024;
		q.v = xrealloc(q.v, (size_t)q.cap * sizeof *q.v);
	}
	int i = q.n++;
	struct act a = {at, q.seq++, type, actor, target, post};
	while (i > 0 && before(&a, &q.v[(i - 1) / 2])) {
		q.v[i] = q.v[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q.v[i] = a;
}

static struct act pop(void)
{
	struct act top = q.v[0], last = q.v[--q.n];
	int i = 0;
	for (;;) {
		int k = 2 * i + 1;
		if (k >= q.n)
			break;
		if (k + 1 < q.n && before(&q.v[k + 1], &q.v[k]))
			k++;
		if (!before(&q.v[k], &last))
			break;
		q.v[i] = q.v[k];
		i = k;
	}
	if (q.n > 0)
		q.v[i] = last;
	return top;
}

/* ---- texts ---- */

static const char *const words[] = {
	"coffee", "garden", "bike", "river", "book", "train", "music", "weekend", "kitchen",
	"bread", "morning", "rain", "city", "market", "friend", "school", "project", "idea",
	"photo", "walk", "dinner", "concert", "library", "museum", "winter", "summer", "beach",
	"mountain", "recipe", "movie", "game", "story", "letter", "window", "street", "bridge",
	"forest", "island", "station", "garden", "tea", "soup", "cat", "dog", "bird", "boat",
	"paint", "song", "poem", "class", "lesson", "tool", "code", "server", "bug", "release",
	"keyboard", "camera", "lamp", "chair", "table", "roof", "door", "light", "shadow",
	"cloud", "storm", "sun", "moon", "star", "field", "farm", "village", "neighbour",
	"team", "match", "goal", "race", "run", "swim", "climb", "trip", "map", "ticket",
	"plan", "question", "answer", "problem", "reason", "today", "yesterday", "really",
	"finally", "almost", "maybe", "always", "never", "quite", "very", "slowly", "quickly",
	"lovely", "strange", "quiet", "noisy", "bright", "dark", "warm", "cold", "green", "blue",
};
#define NWORDS ((int)(sizeof words / sizeof *words))

static size_t add(char *buf, size_t len, size_t cap, const char *s)
{
	size_t n = strlen(s);
	if (len + n + 1 < cap) {
		memcpy(buf + len, s, n + 1);
		len += n;
	}
	return len;
}

/* prefix, then between lo and hi random words, then suffix. */
static void sentence(struct sim *s, char *buf, size_t cap, const char *prefix, int lo, int hi,
		     const char *suffix)
{
	size_t len = add(buf, 0, cap, prefix);
	int n = lo + rnd_below(s, hi - lo + 1);
	for (int i = 0; i < n; i++) {
		len = add(buf, len, cap, i || *prefix ? " " : "");
		len = add(buf, len, cap, words[rnd_below(s, NWORDS)]);
	}
	add(buf, len, cap, suffix);
}

/* Capitals, except in links and mentions (those are not the writer's voice). */
static void shout(char *t)
{
	bool skip = false;
	for (; *t; t++) {
		if (t[0] == '@' || !strncmp(t, "http", 4))
			skip = true;
		else if (*t == ' ')
			skip = false;
		if (!skip)
			*t = (char)toupper((unsigned char)*t);
	}
}

/* An original status of author a; *caps: written in capitals. */
static void text_original(struct sim *s, int a, char *buf, size_t cap, bool *caps)
{
	char link[96];
	switch (s->a[a].kind) {
	case PK_CONTENT_FACTORY:
	case PK_BRAND_ANSWERS:
	case PK_BRAND_IGNORES:
	case PK_AUTO_DM_BOT:
	case PK_FOLLOWER_COLLECTOR:
		snprintf(link, sizeof link, " https://%s.example/p/%llu", s->a[a].username,
			 (unsigned long long)(rnd(s) % 100000));
		sentence(s, buf, cap, "New:", 8, 14, link);
		break;
	default:
		sentence(s, buf, cap, "", 8, 18, chance(s, 0.4) ? "?" : ".");
	}
	*caps = chance(s, persona_of(s, a)->caps_share);
	if (*caps)
		shout(buf);
}

/* A reply of a to b; a brand's customers complain now and then. */
static void text_reply(struct sim *s, int a, int b, char *buf, size_t cap)
{
	char at[40];
	snprintf(at, sizeof at, "@%s", s->a[b].username);
	enum sim_kind ka = s->a[a].kind, kb = s->a[b].kind;
	bool brand = kb == PK_BRAND_ANSWERS || kb == PK_BRAND_IGNORES;
	if (ka == PK_CONVERSATIONALIST && brand && chance(s, persona_of(s, a)->criticism_prob)) {
		sentence(s, buf, cap, at, 2, 5, "");
		size_t len = strlen(buf);
		add(buf, len, cap, " my order arrived broken and I am still waiting for a refund");
		return;
	}
	if (ka == PK_BRAND_ANSWERS) {
		char lead[80];
		snprintf(lead, sizeof lead, "%s so sorry about that,", at);
		sentence(s, buf, cap, lead, 6, 10, ". We are on it.");
		return;
	}
	sentence(s, buf, cap, at, 6, 16, chance(s, 0.3) ? "?" : ".");
}

/* What the programs send: the same words, only the names, numbers and
 * links change (what their tools vary per recipient). */
static void text_welcome(struct sim *s, int to, char *buf, size_t cap)
{
	snprintf(buf, cap,
		 "@%s Hi %s! Thanks for connecting. Grab my free growth guide at "
		 "https://grow.example/g/%llu and get %d%% off today only",
		 s->a[to].username, s->a[to].username, (unsigned long long)(rnd(s) % 100000),
		 10 + rnd_below(s, 60));
}

static void text_template(struct sim *s, int to, char *buf, size_t cap)
{
	snprintf(buf, cap,
		 "@%s Great post! I made %d dollars last week with one simple trick, "
		 "see https://trick.example/t/%llu before they take it down",
		 s->a[to].username, 100 + rnd_below(s, 9000),
		 (unsigned long long)(rnd(s) % 100000));
}

/* ---- acts ---- */

static void reset_arena(struct sim *s)
{
	arena_free(&s->arena);
	arena_init(&s->arena);
	s->c.err = (struct core_error){0};
	s->c.event = NULL;
}

static void *grow(void *v, int n, int *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 1024;
	return xrealloc(v, (size_t)*cap * size);
}

/* A core call failed for a reason a person could meet (a rule): counted;
 * a store failure ends the simulation. */
static int check(struct sim *s, enum rc rc, const char *what)
{
	if (rc == RC_OK || rc == RC_RATE_LIMITED || rc == RC_NOT_FOUND || rc == RC_INVALID ||
	    rc == RC_FORBIDDEN)
		return 0;
	fprintf(stderr, "rapport: simulate: %s failed: %s\n", what,
		s->c.err.msg ? s->c.err.msg : "unknown error");
	return -1;
}

static void record_status(struct sim *s, int64_t id, int author, bool caps)
{
	s->statuses = grow(s->statuses, s->nstatuses, &s->capstatuses, sizeof *s->statuses);
	uint32_t flags = s->c.event ? s->c.event->flags : 0;
	s->statuses[s->nstatuses++] = (struct sim_flagged){id, author, caps, flags};
	s->a[author].statuses++;
}

static int record_post(struct sim *s, int64_t id, int author, int parent, bool direct)
{
	s->posts = grow(s->posts, s->nposts, &s->capposts, sizeof *s->posts);
	struct sim_post *p = &s->posts[s->nposts];
	const struct sim_post *up = parent >= 0 ? &s->posts[parent] : NULL;
	*p = (struct sim_post){.id = id, .at = now_ms(), .author = author,
			       .thread_id = up ? up->thread_id : id,
			       .parent_author = up ? up->author : -1,
			       .turns = up ? up->turns + 1 : 1, .original = !up && !direct,
			       .direct = direct};
	return s->nposts++;
}

static void record_msg(struct sim *s, int64_t id, int from, int to, enum sim_msg_class cls)
{
	s->msgs = grow(s->msgs, s->nmsgs, &s->capmsgs, sizeof *s->msgs);
	int nth = cls == MSG_DIRECT ? ++s->a[from].dms_sent : ++s->a[from].replies_sent;
	enum sim_kind k = s->a[from].kind;
	s->msgs[s->nmsgs++] = (struct sim_msg){
		.status_id = id, .sender = from, .recipient = to, .cls = cls, .nth = nth,
		.bot = cls == MSG_DIRECT ? k == PK_AUTO_DM_BOT : k == PK_REPLY_BOT,
		.stranger = !sim_bit(s->follows, s, to, from) && !sim_bit(s->talked, s, to, from),
		.at_send = s->c.event ? s->c.event->flags : 0};
	set_bit(s->talked, s, from, to, true);
}

static int post_status(struct sim *s, int author, const char *text, int parent,
		       const char *visibility, int64_t *id)
{
	struct new_status in = {.text = text, .visibility = visibility, .sensitive = -1,
				.in_reply_to_id = parent >= 0 ? s->posts[parent].id : 0};
	*id = 0;
	enum rc rc = status_create(&s->c, author >= 0 ? s->a[author].id : 0, &in, id);
	return check(s, rc, "status_create") ? -1 : rc == RC_OK ? 1 : 0;
}

static void react_to_reply(struct sim *s, int post);

static int act_post(struct sim *s, int a)
{
	char text[512];
	bool caps;
	int64_t id;
	text_original(s, a, text, sizeof text, &caps);
	int rc = post_status(s, a, text, -1, "public", &id);
	if (rc == 1) {
		record_status(s, id, a, caps);
		record_post(s, id, a, -1, false);
	}
	return rc < 0 ? -1 : 0;
}

static int act_reply(struct sim *s, int a, int parent, bool templated)
{
	char text[512];
	int64_t id;
	int to = s->posts[parent].author;
	if (templated)
		text_template(s, to, text, sizeof text);
	else
		text_reply(s, a, to, text, sizeof text);
	int rc = post_status(s, a, text, parent, "public", &id);
	if (rc != 1)
		return rc;
	record_status(s, id, a, false);
	if (to != a)
		record_msg(s, id, a, to, MSG_REPLY);
	react_to_reply(s, record_post(s, id, a, parent, false));
	return 0;
}

static int act_dm(struct sim *s, int a, int to)
{
	char text[512];
	int64_t id;
	if (s->a[a].kind == PK_AUTO_DM_BOT) {
		if (sim_bit(s->talked, s, a, to)) /* its tool keeps a list */
			return 0;
		text_welcome(s, to, text, sizeof text);
	} else {
		char at[40];
		snprintf(at, sizeof at, "@%s", s->a[to].username);
		sentence(s, text, sizeof text, at, 8, 16, ".");
	}
	int rc = post_status(s, a, text, -1, "direct", &id);
	if (rc != 1)
		return rc;
	record_status(s, id, a, false);
	record_msg(s, id, a, to, MSG_DIRECT);
	record_post(s, id, a, -1, true);
	return 0;
}

static int act_follow(struct sim *s, int a, int b)
{
	if (a == b || sim_bit(s->follows, s, a, b))
		return 0;
	struct follow_options fo = {-1, -1};
	enum rc rc = rel_follow(&s->c, s->a[a].id, s->a[b].id, &fo);
	if (rc == RC_RATE_LIMITED) {
		s->a[a].refused_follows++;
		s->refused++;
	}
	if (rc != RC_OK)
		return check(s, rc, "rel_follow");
	set_bit(s->follows, s, a, b, true);
	int64_t now = now_ms();
	const struct sim_persona *pb = persona_of(s, b);
	if (s->a[b].kind == PK_AUTO_DM_BOT) /* a welcome tool: within minutes */
		push(between(s, now + SIM_MINUTE_MS, now + 5 * SIM_MINUTE_MS), A_DM, b, a, -1);
	else if (!sim_bit(s->follows, s, b, a) && chance(s, pb->follow_back))
		push(between(s, now + 10 * SIM_MINUTE_MS, now + 10 * 60 * SIM_MINUTE_MS), A_FOLLOW,
		     b, a, -1);
	if (s->a[a].kind == PK_FOLLOWER_COLLECTOR)
		push(between(s, now + SIM_DAY_MS / 2, now + 2 * SIM_DAY_MS), A_PRUNE, a, b, -1);
	return 0;
}

static int act_prune(struct sim *s, int a, int b)
{
	if (!sim_bit(s->follows, s, a, b) || sim_bit(s->follows, s, b, a))
		return 0;
	enum rc rc = rel_unfollow(&s->c, s->a[a].id, s->a[b].id);
	if (rc == RC_OK)
		set_bit(s->follows, s, a, b, false);
	return check(s, rc, "rel_unfollow");
}

static int act_favourite(struct sim *s, int a, int post)
{
	return check(s, status_favourite(&s->c, s->a[a].id, s->posts[post].id, true),
		     "status_favourite");
}

/* Who answers a reply, and when: conversationalists answer those they
 * follow, the brand that answers answers its customers, sybils answer
 * each other; each with its answer_prob, and no thread goes on forever. */
static void react_to_reply(struct sim *s, int post)
{
	const struct sim_post *p = &s->posts[post];
	int to = p->parent_author, from = p->author;
	if (to < 0 || to == from || p->turns >= SIM_TURNS_MAX)
		return;
	enum sim_kind kt = s->a[to].kind, kf = s->a[from].kind;
	bool answers = (kt == PK_CONVERSATIONALIST && sim_bit(s->follows, s, to, from)) ||
		       (kt == PK_BRAND_ANSWERS && !is_bot(kf)) ||
		       (kt == PK_SYBIL && kf == PK_SYBIL);
	if (!answers || !chance(s, persona_of(s, to)->answer_prob))
		return;
	int64_t now = now_ms();
	push(between(s, now + 10 * SIM_MINUTE_MS, now + 4 * 60 * SIM_MINUTE_MS), A_REPLY, to, -1,
	     post);
}

/* A recent status (of the last two days) for a to answer or favourite:
 * by someone it follows (sybils: of the cluster), not its own, not direct;
 * -1 if none. */
static int pick_recent(struct sim *s, int a, bool originals_only, bool followed)
{
	int64_t since = now_ms() - 2 * SIM_DAY_MS;
	int found = -1, seen = 0;
	for (int i = s->nposts - 1; i >= 0 && i >= s->nposts - SIM_SCAN; i--) {
		const struct sim_post *p = &s->posts[i];
		if (p->at < since)
			break;
		if (p->direct || p->author == a || (originals_only && !p->original) ||
		    p->turns >= SIM_TURNS_MAX)
			continue;
		if (followed && !sim_bit(s->follows, s, a, p->author))
			continue;
		if (!followed && is_bot(s->a[p->author].kind))
			continue;
		if (rnd_below(s, ++seen) == 0)
			found = i;
	}
	return found;
}

/* The latest original of a brand a follows (the first found of a random
 * order of brands); -1 if none. */
static int brand_post(struct sim *s, int a)
{
	int start = rnd_below(s, s->nposts);
	for (int k = 0; k < s->nposts && k < 4 * SIM_SCAN; k++) {
		int i = s->nposts - 1 - (start + k) % (s->nposts < 4 * SIM_SCAN ? s->nposts
										   : 4 * SIM_SCAN);
		enum sim_kind kb = s->a[s->posts[i].author].kind;
		if (s->posts[i].original &&
		    (kb == PK_BRAND_ANSWERS || kb == PK_BRAND_IGNORES) &&
		    sim_bit(s->follows, s, a, s->posts[i].author))
			return i;
	}
	return -1;
}

static int run_act(struct sim *s, const struct act *x)
{
	switch (x->type) {
	case A_POST:
		return act_post(s, x->actor);
	case A_REPLY: {
		int post = x->post >= 0 ? x->post : pick_recent(s, x->actor, false, true);
		return post < 0 ? act_post(s, x->actor) : act_reply(s, x->actor, post, false);
	}
	case A_TEMPLATE: { /* to someone it has not written to yet, if it finds one */
		int post = -1;
		for (int k = 0; k < 8 && (post < 0 || sim_bit(s->talked, s, x->actor,
							      s->posts[post].author)); k++)
			post = pick_recent(s, x->actor, true, false);
		return post < 0 ? 0 : act_reply(s, x->actor, post, true);
	}
	case A_CUSTOMER: {
		int post = brand_post(s, x->actor);
		return post < 0 ? 0 : act_reply(s, x->actor, post, false);
	}
	case A_FAVOURITE: {
		int post = pick_recent(s, x->actor, false, true);
		return post < 0 ? 0 : act_favourite(s, x->actor, post);
	}
	case A_FOLLOW:
		return act_follow(s, x->actor, x->target);
	case A_PRUNE:
		return act_prune(s, x->actor, x->target);
	case A_DM:
		return act_dm(s, x->actor, x->target);
	case A_DAY_END:
		return sim_read_feeds(s);
	}
	return 0;
}

/* ---- a day's plans ---- */

/* An account that a does not follow, of one of the kinds in mask (bits of
 * enum sim_kind); -1 after a few misses. */
static int pick_account(struct sim *s, int a, unsigned mask)
{
	for (int tries = 0; tries < 64; tries++) {
		int b = rnd_below(s, s->n);
		if (b != a && (mask & (1u << s->a[b].kind)) && !sim_bit(s->follows, s, a, b))
			return b;
	}
	return -1;
}

/* A mutual of a, for a friendly direct message; -1 if none found. */
static int pick_mutual(struct sim *s, int a)
{
	for (int tries = 0; tries < 64; tries++) {
		int b = rnd_below(s, s->n);
		if (b != a && sim_bit(s->follows, s, a, b) && sim_bit(s->follows, s, b, a))
			return b;
	}
	return -1;
}

#define HUMANS ((1u << PK_CONVERSATIONALIST) | (1u << PK_LURKER))

/* Bots follow people; collectors anyone (again and again: whoever they
 * pruned is a target again). */
static unsigned follow_targets(enum sim_kind k)
{
	return k == PK_FOLLOWER_COLLECTOR ? ~0u : HUMANS;
}

static void plan_n(struct sim *s, int64_t day, int a, double rate, enum act_type t, int target,
		   bool awake)
{
	int64_t lo = day + (awake ? 7 * 60 * SIM_MINUTE_MS : 0);
	int64_t hi = day + (awake ? 23 * 60 * SIM_MINUTE_MS : SIM_DAY_MS);
	for (int k = times(s, rate); k > 0; k--)
		push(between(s, lo, hi), t, a, target, -1);
}

static void plan_account(struct sim *s, int64_t day, int a)
{
	const struct sim_persona *p = persona_of(s, a);
	double posts = p->posts_per_day;
	switch (p->kind) {
	case PK_CONVERSATIONALIST:
	case PK_SYBIL: /* half new threads, half answers to those they follow */
		plan_n(s, day, a, posts / 2, A_POST, -1, true);
		plan_n(s, day, a, posts / 2, A_REPLY, -1, true);
		plan_n(s, day, a, 3, A_FAVOURITE, -1, true);
		if (p->kind == PK_CONVERSATIONALIST) /* now and then, a customer */
			plan_n(s, day, a, 0.3, A_CUSTOMER, -1, true);
		for (int k = times(s, p->dms_per_day); k > 0; k--) {
			int b = pick_mutual(s, a);
			if (b >= 0)
				plan_n(s, day, a, 1, A_DM, b, true);
		}
		break;
	case PK_LURKER:
		plan_n(s, day, a, 2, A_FAVOURITE, -1, true);
		break;
	case PK_REPLY_BOT:
		plan_n(s, day, a, posts, A_TEMPLATE, -1, false);
		break;
	default: /* factories, brands and the follow and DM bots: they post and follow */
		for (int k = times(s, p->dms_per_day); k > 0; k--)
			plan_n(s, day, a, 1, A_DM, pick_account(s, a, HUMANS), false);
		plan_n(s, day, a, posts, A_POST, -1, p->kind != PK_FOLLOWER_COLLECTOR);
		for (int k = times(s, p->follows_per_day); k > 0; k--)
			plan_n(s, day, a, 1, A_FOLLOW, pick_account(s, a, follow_targets(p->kind)),
			       false);
	}
}

static void plan_day(struct sim *s, int d)
{
	int64_t day = s->t0 + d * SIM_DAY_MS;
	for (int a = 0; a < s->n; a++)
		plan_account(s, day, a);
	push(day + SIM_DAY_MS - SIM_MINUTE_MS, A_DAY_END, -1, -1, -1);
}

/* ---- the community before the start ---- */

static int create_accounts(struct sim *s)
{
	for (int i = 0; i < s->n; i++) {
		const struct sim_persona *p = persona_of(s, i);
		snprintf(s->a[i].username, sizeof s->a[i].username, "%.12s%d", p->name, i);
		for (char *c = s->a[i].username; *c; c++)
			*c = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
	}
	/* Oldest first, so ids follow ages as they would. */
	for (int age = 3650; age >= 0; age--)
		for (int i = 0; i < s->n; i++) {
			if (persona_of(s, i)->age_days != age)
				continue;
			clock_simulate(s->t0 - age * SIM_DAY_MS - 2 * 60 * SIM_MINUTE_MS + i);
			reset_arena(s);
			char email[64];
			snprintf(email, sizeof email, "%s@simulated.invalid", s->a[i].username);
			const struct sim_persona *p = persona_of(s, i);
			struct signup su = {.username = s->a[i].username, .email = email,
					    .password = "simulated-password",
					    .admin = i - p->first < p->admins};
			if (account_create(&s->c, &su, &s->a[i].id)) {
				fprintf(stderr, "rapport: simulate: account_create failed: %s\n",
					s->c.err.msg);
				return -1;
			}
		}
	return 0;
}

/* Whom each kind follows before the start (a bit mask of kinds). */
static unsigned follows_kinds(enum sim_kind k)
{
	switch (k) {
	case PK_CONVERSATIONALIST:
		return (1u << PK_CONVERSATIONALIST) | (1u << PK_BRAND_ANSWERS) |
		       (1u << PK_BRAND_IGNORES) | (1u << PK_CONTENT_FACTORY);
	case PK_LURKER:
		return (1u << PK_CONVERSATIONALIST) | (1u << PK_CONTENT_FACTORY) |
		       (1u << PK_BRAND_ANSWERS) | (1u << PK_BRAND_IGNORES);
	case PK_SYBIL:
		return 1u << PK_SYBIL;
	default:
		return HUMANS;
	}
}

/* Conversationalists mostly follow each other: half their follows go to
 * their own kind, the rest to any kind they follow. */
static int initial_follows(struct sim *s)
{
	for (int a = 0; a < s->n; a++) {
		const struct sim_persona *p = persona_of(s, a);
		unsigned mask = follows_kinds(p->kind);
		for (int k = 0; k < p->follows; k++) {
			clock_simulate(s->t0 - 60 * SIM_MINUTE_MS + a * 100 + k);
			reset_arena(s);
			unsigned m = k % 2 == 0 && p->kind == PK_CONVERSATIONALIST
					     ? 1u << PK_CONVERSATIONALIST
					     : mask;
			int b = pick_account(s, a, m);
			if (b >= 0 && act_follow(s, a, b))
				return -1;
		}
		if (p->kind == PK_CONVERSATIONALIST || p->kind == PK_LURKER)
			for (int b = 0; b < s->n; b++) /* customers of the brands */
				if ((s->a[b].kind == PK_BRAND_ANSWERS ||
				     s->a[b].kind == PK_BRAND_IGNORES) &&
				    chance(s, 0.6) && act_follow(s, a, b))
					return -1;
	}
	return 0;
}

/* ---- the worker, on the simulated clock ---- */

static int worker(struct sim *s)
{
	int n;
	do {
		reset_arena(s);
		n = events_drain(&s->c, true);
	} while (n > 0);
	while (n == 0) {
		reset_arena(s);
		int m = jobs_run(&s->c, false);
		if (m <= 0) {
			n = m;
			break;
		}
	}
	if (n < 0)
		fprintf(stderr, "rapport: simulate: the worker failed\n");
	return n < 0 ? -1 : 0;
}

static int trust(struct sim *s)
{
	reset_arena(s);
	if (social_trust_recompute(&s->c) == RC_OK)
		return 0;
	fprintf(stderr, "rapport: simulate: trust failed: %s\n", s->c.err.msg);
	return -1;
}

static void progress(struct sim *s, int64_t now, int64_t end, int day)
{
	static int last = -1;
	int pct = (int)((now - s->t0) * 100 / (end - s->t0));
	if (pct == last || !s->o->progress)
		return;
	last = pct;
	char bar[31];
	for (int i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : ' ';
	bar[30] = '\0';
	fprintf(stderr, "\rsimulating [%s] %3d%% day %d/%d", bar, pct, day + 1, s->o->days);
	fflush(stderr);
}

/* Runs the queue until end: each act at its time, the worker every
 * SIM_TICK_MS, trust every SIM_TRUST_MS, the next day's plans at each
 * day's end. */
static int live(struct sim *s)
{
	int64_t end = s->t0 + s->o->days * SIM_DAY_MS;
	int64_t next_tick = s->t0 + SIM_TICK_MS, next_trust = s->t0 + SIM_TRUST_MS;
	plan_day(s, 0);
	while (q.n > 0 && q.v[0].at < end) {
		struct act x = pop();
		for (; next_tick <= x.at; next_tick += SIM_TICK_MS) {
			clock_simulate(next_tick);
			if (worker(s) || (next_tick >= next_trust && trust(s)))
				return -1;
			if (next_tick >= next_trust)
				next_trust += SIM_TRUST_MS;
		}
		clock_simulate(x.at);
		reset_arena(s);
		if (x.type == A_DAY_END) {
			int day = (int)((x.at - s->t0) / SIM_DAY_MS);
			if (worker(s) || trust(s) || run_act(s, &x))
				return -1;
			if (!s->o->progress)
				fprintf(stderr, "simulate: day %d/%d done, %lld acts\n", day + 1,
					s->o->days, (long long)s->actions);
			if (day + 1 < s->o->days)
				plan_day(s, day + 1);
			continue;
		}
		if ((x.actor < 0 || (x.target < 0 && (x.type == A_FOLLOW || x.type == A_DM))))
			continue;
		s->actions++;
		if (run_act(s, &x))
			return -1;
		progress(s, x.at, end, (int)((x.at - s->t0) / SIM_DAY_MS));
	}
	if (s->o->progress)
		fputc('\n', stderr);
	clock_simulate(end);
	return worker(s) || trust(s) ? -1 : 0;
}

int simulate_run(const struct config *cfg, struct store *st, const struct sim_personas *p,
		 const struct sim_opts *o)
{
	struct sim s = {.p = p, .o = o, .n = p->accounts, .t0 = SIM_T0,
			.rng = o->seed ^ 0x5241505055525453ULL};
	arena_init(&s.arena);
	s.c = (struct core){.db = store_acquire(st), .arena = &s.arena, .cfg = cfg};
	s.a = xcalloc((size_t)s.n, sizeof *s.a);
	size_t bits = ((size_t)s.n * (size_t)s.n + 7) / 8;
	s.follows = xcalloc(bits, 1);
	s.talked = xcalloc(bits, 1);
	for (int i = 0; i < p->n; i++)
		for (int k = 0; k < p->v[i].count; k++) {
			s.a[p->v[i].first + k].persona = i;
			s.a[p->v[i].first + k].kind = p->v[i].kind;
		}
	int rc = create_accounts(&s) || initial_follows(&s) || live(&s) || sim_measure(&s) ? -1
											     : 0;
	clock_simulate(0);
	store_release(st, s.c.db);
	arena_free(&s.arena);
	free(q.v);
	memset(&q, 0, sizeof q);
	free(s.a);
	free(s.follows);
	free(s.talked);
	free(s.posts);
	free(s.msgs);
	free(s.statuses);
	return rc;
}
