/* detect.c - the automation detectors as a policy hook, and the composer's
 * hints from the same rules (docs/SOCIAL.md, "Detectors" and "Composer
 * hints"). */
#include "core/detect.h"
#include "core/card.h"
#include "core/classify.h"
#include "core/fingerprint.h"
#include "core/statuses.h"
#include "store/accounts.h"
#include "store/detect.h"
#include "store/rel.h"
#include "store/social_capital.h"
#include "util/util.h"

#include <string.h>

/* ---- reading a message ---- */

/* The message's text as the fingerprint reads it: the source, or the
 * stored HTML when there is no source (remote statuses). */
static void message_text(const struct status *s, const char **text, size_t *n, unsigned *flags)
{
	bool source = s->text && *s->text;
	*text = source ? s->text : s->content ? s->content : "";
	*n = strlen(*text);
	*flags = source ? 0 : FP_HTML;
}

/* What the rules found about one message. */
struct verdict {
	uint32_t flags;          /* EVENT_FLAG_* */
	bool new_follower;       /* the 10-minute rule decided */
	bool printed;            /* long enough to compare: print is kept */
	struct fp_print print;
	int64_t copies[DETECT_COPIES_MAX]; /* earlier near-identical statuses */
	int ncopies;
	int64_t originals; /* originals in the window with this one (0: not counted) */
};

static bool has(const int64_t *v, int n, int64_t x)
{
	for (int i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool addressed(const struct event *ev, int64_t who)
{
	for (int i = 0; i < ev->nrecipients; i++)
		if (ev->rcpt[i].account_id == who)
			return true;
	return false;
}

/* The names of the first DETECT_NAMED recipients: what a template varies. */
static enum store_rc recipient_names(struct core *c, struct db *db, const struct event *ev,
				     const char **names, size_t *n)
{
	*n = 0;
	for (int i = 0; i < ev->nrecipients && i < DETECT_NAMED; i++) {
		struct account a;
		enum store_rc st = store_account_get(db, c->arena, ev->rcpt[i].account_id, &a);
		if (st == ST_NOT_FOUND)
			continue;
		if (st != ST_OK)
			return st;
		names[(*n)++] = a.username;
		if (*a.display_name)
			names[(*n)++] = a.display_name;
	}
	return ST_OK;
}

static enum store_rc fingerprint(struct core *c, struct db *db, const struct event *ev,
				 struct verdict *v)
{
	const char *names[2 * DETECT_NAMED];
	struct fp_names nm = {names, 0};
	enum store_rc st = recipient_names(c, db, ev, names, &nm.n);
	if (st != ST_OK)
		return st;
	const char *text;
	size_t n;
	unsigned fl;
	message_text(ev->status, &text, &n, &fl);
	v->printed = fp_simhash(text, n, fl, &nm, &v->print) == 0 &&
		     v->print.words >= FP_MIN_WORDS;
	return ST_OK;
}

/* A stored print is near this message's (stored prints are all long
 * enough to compare). */
static bool near(const struct verdict *v, const struct detect_print_row *row)
{
	struct fp_print p = {row->hash, 1, FP_MIN_WORDS};
	return fp_near(&v->print, &p);
}

static void add_copy(struct verdict *v, int64_t id)
{
	if (v->ncopies < DETECT_COPIES_MAX && !has(v->copies, v->ncopies, id))
		v->copies[v->ncopies++] = id;
}

/* ---- the rules ---- */

/* Auto-DM, rule 2: near-identical direct messages to DETECT_DM_RECIPIENTS
 * recipients in all (this message's and at least the rest others). */
static enum store_rc dm_template(struct core *c, struct db *db, const struct event *ev,
				 int64_t now, struct verdict *v)
{
	struct detect_print_row *rows;
	int n, nothers = 0;
	int64_t others[DETECT_DM_RECIPIENTS];
	enum store_rc st = store_detect_prints(db, c->arena, ev->actor, DETECT_KIND_DIRECT,
					       now - DETECT_DM_WINDOW_MS, DETECT_PRINTS_MAX, &rows, &n);
	for (int i = 0; st == ST_OK && i < n; i++) {
		if (rows[i].status_id == ev->status_id || !near(v, &rows[i]))
			continue;
		add_copy(v, rows[i].status_id);
		if (!addressed(ev, rows[i].other) && !has(others, nothers, rows[i].other) &&
		    nothers < DETECT_DM_RECIPIENTS)
			others[nothers++] = rows[i].other;
	}
	if (nothers >= DETECT_DM_RECIPIENTS - 1)
		v->flags |= EVENT_FLAG_AUTOMATED | EVENT_FLAG_TEMPLATED;
	else
		v->ncopies = 0;
	return st;
}

/* Templated replies and mentions: near-identical in DETECT_THREADS
 * threads in all. */
static enum store_rc thread_template(struct core *c, struct db *db, const struct event *ev,
				     int64_t now, struct verdict *v)
{
	struct detect_print_row *rows;
	int n, nthreads = 0;
	int64_t threads[DETECT_THREADS];
	enum store_rc st = store_detect_prints(db, c->arena, ev->actor, DETECT_KIND_THREAD,
					       now - DETECT_THREAD_WINDOW_MS, DETECT_PRINTS_MAX,
					       &rows, &n);
	for (int i = 0; st == ST_OK && i < n; i++) {
		if (rows[i].status_id == ev->status_id || !near(v, &rows[i]))
			continue;
		add_copy(v, rows[i].status_id);
		if (rows[i].other != ev->thread_id && !has(threads, nthreads, rows[i].other) &&
		    nthreads < DETECT_THREADS)
			threads[nthreads++] = rows[i].other;
	}
	if (nthreads >= DETECT_THREADS - 1)
		v->flags |= EVENT_FLAG_AUTOMATED | EVENT_FLAG_TEMPLATED;
	else
		v->ncopies = 0;
	return st;
}

/* Auto-DM, rule 1: a direct message to one person, who followed the sender
 * less than DETECT_NEW_FOLLOWER_MS before. A welcome tool writes to each
 * new follower alone; a message to several people, or an answer to the
 * recipient's own message, is a conversation and is not counted. */
static enum store_rc new_follower(struct db *db, const struct event *ev, int64_t now,
				  struct verdict *v)
{
	const struct status *s = ev->status;
	if (ev->nrecipients != 1 ||
	    (s->in_reply_to_account_id && s->in_reply_to_account_id != s->account_id))
		return ST_OK;
	int64_t at;
	enum store_rc st = store_follow_since(db, ev->rcpt[0].account_id, ev->actor, &at);
	if (st == ST_OK && at && now - at < DETECT_NEW_FOLLOWER_MS) {
		v->flags |= EVENT_FLAG_AUTOMATED;
		v->new_follower = true;
	}
	return st;
}

/* Saturation: this original is one of more than DETECT_SATURATION_POSTS in
 * the window, and the author replied to nobody else in it. Originals are
 * counted up to cap (the hook needs to know only "more than K"). */
static enum store_rc saturation(struct db *db, const struct event *ev, int64_t now, int cap,
				struct verdict *v)
{
	int64_t since = now - DETECT_SATURATION_WINDOW_MS, replied, n;
	enum store_rc st = store_detect_replied_at(db, ev->actor, &replied);
	if (st != ST_OK || replied >= since)
		return st;
	st = store_detect_originals(db, ev->actor, since, ev->status_id, cap, DETECT_SCAN_MAX, &n);
	if (st != ST_OK)
		return st;
	v->originals = n + 1;
	if (n >= DETECT_SATURATION_POSTS)
		v->flags |= EVENT_FLAG_SATURATED;
	return ST_OK;
}

static void shouting(const struct status *s, struct verdict *v)
{
	const char *text;
	size_t n;
	unsigned fl;
	struct fp_caps caps;
	message_text(s, &text, &n, &fl);
	if (fp_caps(text, n, fl, &caps) == 0 && caps.shouting)
		v->flags |= EVENT_FLAG_SHOUTING;
}

static bool original(const struct event *ev)
{
	return (ev->type == EV_POST || ev->type == EV_MENTION) && ev->visibility != VIS_DIRECT &&
	       !ev->status->reblog_of_id;
}

/* Every rule that applies to a new status, read-only. */
static enum store_rc assess(struct core *c, struct db *db, const struct event *ev, int64_t now,
			    int saturation_cap, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	shouting(ev->status, v);
	enum store_rc st = ST_OK;
	if (ev->type == EV_DIRECT || ev->type == EV_REPLY || ev->type == EV_MENTION)
		st = fingerprint(c, db, ev, v);
	if (st == ST_OK && ev->type == EV_DIRECT)
		st = new_follower(db, ev, now, v);
	if (st == ST_OK && ev->type == EV_DIRECT && v->printed)
		st = dm_template(c, db, ev, now, v);
	if (st == ST_OK && ev->type != EV_DIRECT && v->printed)
		st = thread_template(c, db, ev, now, v);
	if (st == ST_OK && original(ev))
		st = saturation(db, ev, now, saturation_cap, v);
	return st;
}

/* ---- the hook ---- */

/* What later messages are compared with, and "replied to someone else". */
static enum store_rc remember(struct db *db, const struct event *ev, const struct verdict *v)
{
	enum store_rc st = ST_OK;
	uint64_t h = v->print.hash;
	if (v->printed && ev->type == EV_DIRECT) {
		st = store_detect_prints_prune(db, ev->actor, DETECT_KIND_DIRECT,
					       ev->at - DETECT_DM_WINDOW_MS);
		for (int i = 0; i < ev->nrecipients && st == ST_OK; i++)
			st = store_detect_print_add(db, ev->actor, DETECT_KIND_DIRECT, ev->at, h,
						    ev->status_id, ev->rcpt[i].account_id);
	} else if (v->printed) {
		st = store_detect_prints_prune(db, ev->actor, DETECT_KIND_THREAD,
					       ev->at - DETECT_THREAD_WINDOW_MS);
		if (st == ST_OK)
			st = store_detect_print_add(db, ev->actor, DETECT_KIND_THREAD, ev->at, h,
						    ev->status_id, ev->thread_id);
	}
	bool reply = ev->type == EV_REPLY || (ev->type == EV_DIRECT && ev->target);
	if (st == ST_OK && reply)
		st = store_detect_replied(db, ev->actor, ev->at);
	return st;
}

/* The flags on the status (and on the earlier copies of a template), and
 * the sender's automated count. */
static enum store_rc flag(struct db *db, const struct event *ev, const struct verdict *v)
{
	enum store_rc st = store_status_flags_set(db, ev->status_id, 0, v->flags);
	for (int i = 0; i < v->ncopies && st == ST_OK; i++)
		st = store_status_flags_set(db, v->copies[i], 0,
					    EVENT_FLAG_AUTOMATED | EVENT_FLAG_TEMPLATED);
	if (st == ST_OK && (v->flags & EVENT_FLAG_AUTOMATED))
		st = store_detect_automated(db, ev->actor, ev->at);
	return st;
}

static enum store_rc new_status(struct core *c, struct db *db, struct event *ev)
{
	struct verdict v;
	enum store_rc st = assess(c, db, ev, ev->at, DETECT_SATURATION_POSTS, &v);
	if (st == ST_OK)
		st = remember(db, ev, &v);
	if (st == ST_OK && v.flags)
		st = flag(db, ev, &v);
	if (st != ST_OK)
		return st;
	ev->flags |= v.flags;
	if (v.flags & EVENT_FLAG_AUTOMATED)
		for (int i = 0; i < ev->nrecipients; i++)
			if (ev->rcpt[i].fate == FATE_DELIVER)
				ev->rcpt[i].fate = FATE_HOLD;
	return ST_OK;
}

/* An edit is read again by the text-only rule: shouting. */
static enum store_rc edited(struct db *db, struct event *ev)
{
	struct verdict v = {0};
	shouting(ev->status, &v);
	ev->flags |= v.flags;
	return store_status_flags_set(db, ev->status_id, EVENT_FLAG_SHOUTING, v.flags);
}

/* "in 5 hours", "in 40 minutes". */
static const char *wait_words(struct core *c, int seconds)
{
	if (seconds >= 3600) {
		int h = (seconds + 3599) / 3600;
		return arena_printf(c->arena, "%d hour%s", h, h == 1 ? "" : "s");
	}
	int m = (seconds + 59) / 60;
	return arena_printf(c->arena, "%d minute%s", m, m == 1 ? "" : "s");
}

/* Follower collecting: a follow (or request) refused while the account
 * has DETECT_CHURN_UNFOLLOWS counted unfollows in the window. */
static enum store_rc follow(struct core *c, struct db *db, struct event *ev)
{
	int64_t count, capth;
	enum store_rc st = store_detect_unfollows(db, ev->actor, ev->at - DETECT_CHURN_WINDOW_MS,
						  DETECT_CHURN_UNFOLLOWS, &count, &capth);
	if (st != ST_OK || count < DETECT_CHURN_UNFOLLOWS)
		return st;
	int64_t wait_ms = capth + DETECT_CHURN_WINDOW_MS - ev->at;
	ev->fate = FATE_LIMIT;
	ev->retry_after = wait_ms <= 1000 ? 1 : (int)((wait_ms + 999) / 1000);
	ev->reason = arena_printf(c->arena,
				  "You have unfollowed %d people who did not follow you back within "
				  "a week of following them; you can follow again in %s.",
				  DETECT_CHURN_UNFOLLOWS, wait_words(c, ev->retry_after));
	return ST_OK;
}

/* An unfollow within the window of a follow that was not returned. */
static enum store_rc unfollow(struct db *db, const struct event *ev)
{
	if (!ev->since || ev->at - ev->since > DETECT_CHURN_WINDOW_MS)
		return ST_OK;
	int64_t back;
	enum store_rc st = store_follow_since(db, ev->target, ev->actor, &back);
	if (st != ST_OK || back)
		return st;
	st = store_detect_unfollows_prune(db, ev->actor, ev->at - DETECT_CHURN_WINDOW_MS);
	return st == ST_OK ? store_detect_unfollow_add(db, ev->actor, ev->target, ev->at) : st;
}

enum rc detect_policy(struct core *c, struct db *db, struct event *ev)
{
	enum store_rc st = ST_OK;
	switch (ev->type) {
	case EV_POST:
	case EV_REPLY:
	case EV_MENTION:
	case EV_DIRECT: st = ev->status ? new_status(c, db, ev) : ST_OK; break;
	case EV_STATUS_EDITED: st = ev->status ? edited(db, ev) : ST_OK; break;
	case EV_FOLLOW:
	case EV_FOLLOW_REQUEST: st = follow(c, db, ev); break;
	case EV_UNFOLLOW: st = unfollow(db, ev); break;
	default: break;
	}
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- the worker ---- */

#define PRUNE_EVERY_MS DETECT_HOUR_MS
/* The worker's thread only. */
static int64_t pruned_at; /* mono ms of the last prune; 0 never */
static bool written;      /* fingerprints or unfollows were written since */
static bool pruning;      /* the batch's transaction prunes */

enum rc detect_see(struct core *c, struct db *db, const struct event *ev)
{
	(void)c;
	(void)db;
	(void)ev;
	written = true;
	return RC_OK;
}

enum store_rc detect_prune(struct core *c, struct db *db)
{
	(void)c;
	pruning = written && (!pruned_at || mono_ms() - pruned_at >= PRUNE_EVERY_MS);
	if (!pruning)
		return ST_OK;
	int64_t now = now_ms();
	enum store_rc st = store_detect_prints_prune(db, 0, 0, now - DETECT_THREAD_WINDOW_MS);
	return st == ST_OK ? store_detect_unfollows_prune(db, 0, now - DETECT_CHURN_WINDOW_MS) : st;
}

void detect_pruned(void)
{
	if (!pruning)
		return;
	pruned_at = mono_ms();
	written = pruning = false;
}

enum rc detect_untrusted(struct core *c, int64_t now, int64_t **ids, size_t *n)
{
	enum store_rc st = store_detect_untrusted(c->db, now - DETECT_TRUST_MS,
						  now - DETECT_CHURN_WINDOW_MS,
						  DETECT_CHURN_UNFOLLOWS, ids, n);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

int detect_flag_names(uint32_t flags, const char **out, int max)
{
	static const char *const names[] = {"automated", "templated", "shouting", "saturated"};
	int n = 0;
	for (unsigned i = 0; i < sizeof names / sizeof *names && n < max; i++)
		if (flags & (1u << i))
			out[n++] = names[i];
	return n;
}

/* ---- the composer's hints ---- */

/* Whether the draft is addressed to a stranger: someone who does not
 * follow the author and has not talked with them (a reply either way in
 * the card's window). */
static enum store_rc to_stranger(struct db *db, const struct event *ev, int64_t now, bool *out)
{
	*out = false;
	int64_t first_day = (now - CARD_WINDOW_MS) / SOCIAL_DAY_MS + 1;
	for (int i = 0; i < ev->nrecipients && !*out; i++) {
		int64_t who = ev->rcpt[i].account_id, since;
		bool talked;
		enum store_rc st = store_follow_since(db, who, ev->actor, &since);
		if (st == ST_OK && !since)
			st = store_detect_talked(db, ev->actor, who, first_day, &talked);
		if (st != ST_OK)
			return st;
		*out = !since && !talked;
	}
	return ST_OK;
}

static const char *ordinal(struct core *c, int64_t n)
{
	int tens = (int)(n % 100), ones = (int)(n % 10);
	const char *suffix = tens >= 11 && tens <= 13 ? "th"
			     : ones == 1		 ? "st"
			     : ones == 2		 ? "nd"
			     : ones == 3		 ? "rd"
						 : "th";
	return arena_printf(c->arena, "%lld%s", (long long)n, suffix);
}

static void hint(struct detect_hints *h, const char *code, const char *message)
{
	if (h->n < DETECT_HINTS_MAX)
		h->v[h->n++] = (struct detect_hint){code, message};
}

static void text_hint(struct detect_hints *h, const struct cls_hints *ch, unsigned bit)
{
	if (ch->codes & bit)
		hint(h, cls_hint_code(bit), cls_hint_message(bit));
}

static void write_hints(struct core *c, const struct verdict *v, const struct cls_hints *ch,
			struct detect_hints *out)
{
	out->n = 0;
	text_hint(out, ch, HINT_CAPS);
	if (v->flags & EVENT_FLAG_SATURATED)
		hint(out, "saturation",
		     arena_printf(c->arena,
				  "This is your %s post today and you have not replied to anyone.",
				  ordinal(c, v->originals)));
	text_hint(out, ch, HINT_SELF_PROMOTION);
	text_hint(out, ch, HINT_COLD_PITCH);
	if (v->flags & EVENT_FLAG_AUTOMATED)
		hint(out, "automated",
		     v->new_follower
			     ? "This person followed you minutes ago; a direct message this soon "
			       "reads as automated and will be labelled so."
			     : "This looks like a message you have sent to several people already; "
			       "it will be labelled automated.");
}

enum rc detect_preview(struct core *c, int64_t author, const struct new_status *in,
		       struct detect_hints *out)
{
	struct status *s;
	out->n = 0;
	if (status_draft(c, author, in, &s))
		return c->err.rc;
	struct event *ev = events_status_event(c, EV_POST, s, NULL, 0);
	ev->at = s->created_at;
	struct verdict v;
	bool stranger = false;
	enum store_rc st = assess(c, c->db, ev, ev->at, DETECT_SCAN_MAX, &v);
	if (st == ST_OK && ev->nrecipients)
		st = to_stranger(c->db, ev, ev->at, &stranger);
	if (st != ST_OK)
		return core_store_fail(c, st);
	const char *text;
	size_t n;
	unsigned fl;
	struct cls_hints ch;
	message_text(s, &text, &n, &fl);
	if (cls_hints(text, n, fl, stranger, &ch))
		memset(&ch, 0, sizeof ch);
	write_hints(c, &v, &ch, out);
	return RC_OK;
}
