/* requests.c - message requests: the policy hook that holds strangers'
 * messages, the notification policy, and accepting or declining what
 * waits. The rules are docs/SOCIAL.md's "Message requests". */
#include "core/requests.h"
#include "core/connections.h"
#include "core/statuses.h"
#include "store/moderation.h"
#include "store/statuses.h"
#include "util/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const requests_policy_fields[POLICY_FIELDS] = {
	"for_not_following", "for_not_followers", "for_new_accounts", "for_private_mentions",
	"for_limited_accounts",
};

void requests_policy_defaults(struct notif_policy *p)
{
	*p = (struct notif_policy){.not_following = POLICY_FILTER,
				   .not_followers = POLICY_ACCEPT,
				   .new_accounts = POLICY_ACCEPT,
				   .private_mentions = POLICY_FILTER,
				   .limited_accounts = POLICY_FILTER};
}

int requests_policy_parse(const char *s)
{
	static const char *const names[] = {"accept", "filter", "drop"};
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

const char *requests_policy_name(int v)
{
	return v == POLICY_DROP ? "drop" : v == POLICY_FILTER ? "filter" : "accept";
}

static int *policy_field(struct notif_policy *p, int i)
{
	int *f[POLICY_FIELDS] = {&p->not_following, &p->not_followers, &p->new_accounts,
				 &p->private_mentions, &p->limited_accounts};
	return f[i];
}

/* ---- the rule ---- */

static int stricter(int a, int b)
{
	return a > b ? a : b;
}

enum event_fate requests_decide(const struct notif_policy *p, const struct request_facts *f,
				int64_t now, bool direct, bool automated, bool own_thread)
{
	if (automated)
		return FATE_HOLD;
	if (own_thread || f->accepted)
		return FATE_DELIVER;
	bool stranger = !f->following && !f->talked;
	int v = POLICY_ACCEPT;
	if (stranger)
		v = stricter(v, p->not_following);
	if (!f->follower)
		v = stricter(v, p->not_followers);
	if (f->sender_created_at > now - REQUESTS_NEW_ACCOUNT_MS)
		v = stricter(v, p->new_accounts);
	if (direct && stranger)
		v = stricter(v, p->private_mentions);
	/* for_limited_accounts applies to every notification, in notify()
	 * (requests_limited). */
	return v == POLICY_DROP ? FATE_SUPPRESS : v == POLICY_FILTER ? FATE_HOLD : FATE_DELIVER;
}

enum rc requests_limited(struct core *c, struct db *db, const struct notification *n,
			 bool *handled)
{
	*handled = false;
	bool silenced;
	struct request_facts f;
	struct notif_policy p;
	enum store_rc st = store_account_silenced(db, n->from_account_id, &silenced);
	if (st != ST_OK || !silenced)
		return st == ST_OK ? RC_OK : core_store_fail(c, st);
	st = store_notif_facts(db, n->account_id, n->from_account_id, n->created_at, &f);
	if (st == ST_OK && (st = store_policy_get(db, n->account_id, &p)) == ST_NOT_FOUND) {
		requests_policy_defaults(&p);
		st = ST_OK;
	}
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (f.following || f.accepted || p.limited_accounts == POLICY_ACCEPT)
		return RC_OK;
	*handled = true;
	if (p.limited_accounts == POLICY_DROP)
		return RC_OK;
	st = store_notif_request_hold(db, n, 0);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- the hook ---- */

/* Whether the status replies inside a conversation `who` started: its
 * parent or its thread's first status is theirs. */
struct thread_owners {
	int64_t parent, root;
};

static enum rc thread_owners(struct core *c, struct db *db, const struct status *s,
			     struct thread_owners *out)
{
	out->parent = s->in_reply_to_id ? s->in_reply_to_account_id : 0;
	out->root = 0;
	if (!s->in_reply_to_id || !s->thread_id || s->thread_id == s->id)
		return RC_OK;
	enum store_rc st = store_status_author(db, s->thread_id, &out->root);
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : core_store_fail(c, st);
}

/* The status's mentions (JSON) name account id. */
static bool mentions_account(const struct status *s, int64_t id)
{
	char needle[40];
	snprintf(needle, sizeof needle, "\"id\":\"%lld\"", (long long)id);
	return s->mentions && strstr(s->mentions, needle);
}

/* The recipient's fate; a held mention is kept in their requests. */
static enum rc decide_one(struct core *c, struct db *db, struct event *ev,
			  struct event_recipient *r, const struct thread_owners *own)
{
	struct request_facts f;
	struct notif_policy p;
	int64_t now = ev->at;
	enum store_rc st = store_notif_facts(db, r->account_id, ev->actor, now, &f);
	if (st == ST_OK && (st = store_policy_get(db, r->account_id, &p)) == ST_NOT_FOUND) {
		requests_policy_defaults(&p);
		st = ST_OK;
	}
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (!f.local)
		return RC_OK;
	bool automated = (ev->flags & (EVENT_FLAG_AUTOMATED | EVENT_FLAG_TEMPLATED)) ||
			 r->fate == FATE_HOLD;
	bool mine = own->parent == r->account_id || own->root == r->account_id;
	r->fate = requests_decide(&p, &f, now, ev->type == EV_DIRECT, automated, mine);
	if (r->fate != FATE_HOLD)
		return RC_OK;
	if (f.blocked || f.muted) {
		r->fate = FATE_SUPPRESS; /* notify() would drop it: nothing to keep */
		return RC_OK;
	}
	if (!mentions_account(ev->status, r->account_id))
		return RC_OK; /* it would not have notified: nothing to keep */
	struct notification n = {.id = id_new(), .account_id = r->account_id,
				 .from_account_id = ev->actor, .type = "mention",
				 .status_id = ev->status_id, .created_at = now};
	st = store_notif_request_hold(db, &n, ev->flags);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc requests_policy(struct core *c, struct db *db, struct event *ev)
{
	if (!ev->status || ev->nrecipients == 0)
		return RC_OK;
	struct thread_owners own;
	if (thread_owners(c, db, ev->status, &own))
		return c->err.rc;
	for (int i = 0; i < ev->nrecipients; i++) {
		struct event_recipient *r = &ev->rcpt[i];
		if (r->fate != FATE_DELIVER && r->fate != FATE_HOLD)
			continue; /* suppressed or limited by an earlier hook */
		if (decide_one(c, db, ev, r, &own))
			return c->err.rc;
	}
	return RC_OK;
}

enum rc requests_deleted(struct core *c, struct db *db, struct event *ev)
{
	for (int i = 0; i < ev->nrecipients; i++) {
		enum store_rc st = store_notif_request_recount(db, ev->rcpt[i].account_id, ev->actor);
		if (st != ST_OK)
			return core_store_fail(c, st);
	}
	return RC_OK;
}

/* ---- the policy ---- */

enum rc requests_policy_get(struct core *c, int64_t viewer, struct notif_policy *out,
			    struct requests_summary *sum)
{
	enum store_rc st = store_policy_get(c->db, viewer, out);
	if (st == ST_NOT_FOUND) {
		requests_policy_defaults(out);
		st = ST_OK;
	}
	if (st == ST_OK && sum)
		st = store_requests_summary(c->db, viewer, &sum->requests, &sum->notifications);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct policy_tx {
	int64_t viewer;
	const char *const *values;
};

static enum store_rc policy_fn(struct db *db, void *arg)
{
	struct policy_tx *x = arg;
	struct notif_policy p;
	enum store_rc st = store_policy_get(db, x->viewer, &p);
	if (st == ST_NOT_FOUND)
		requests_policy_defaults(&p);
	else if (st != ST_OK)
		return st;
	for (int i = 0; i < POLICY_FIELDS; i++)
		if (x->values[i])
			*policy_field(&p, i) = requests_policy_parse(x->values[i]);
	return store_policy_put(db, x->viewer, &p, now_ms());
}

enum rc requests_policy_update(struct core *c, int64_t viewer,
			       const char *const values[POLICY_FIELDS])
{
	for (int i = 0; i < POLICY_FIELDS; i++)
		if (values[i] && requests_policy_parse(values[i]) < 0)
			return core_fail(c, RC_INVALID, requests_policy_fields[i],
					 "Validation failed: %s must be accept, filter or drop",
					 requests_policy_fields[i]);
	struct policy_tx x = {viewer, values};
	enum store_rc st = store_tx(c->db, policy_fn, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- reading and answering ---- */

enum rc requests_list(struct core *c, int64_t viewer, const struct page *pg,
		      struct notif_request_list *out)
{
	enum store_rc st = store_requests(c->db, c->arena, viewer, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc request_get(struct core *c, int64_t viewer, int64_t id, int64_t sender,
		    struct notif_request *out)
{
	if (!id && !sender)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	enum store_rc st = store_notif_request_get(c->db, c->arena, viewer, id, sender, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* The participants of direct status s, sorted: its author and the
 * accounts its mentions name. */
static int participants(const struct status *s, int64_t *ids, int max)
{
	int n = 0;
	ids[n++] = s->account_id;
	json_t *arr = json_loads(s->mentions ? s->mentions : "[]", 0, NULL);
	size_t i;
	json_t *m;
	json_array_foreach(arr, i, m) {
		int64_t id;
		if (n < max && id_parse(json_string_value(json_object_get(m, "id")), &id) &&
		    id != s->account_id)
			ids[n++] = id;
	}
	json_decref(arr);
	for (int a = 1; a < n; a++) /* a handful: insertion sort */
		for (int b = a; b > 0 && ids[b - 1] > ids[b]; b--) {
			int64_t t = ids[b];
			ids[b] = ids[b - 1];
			ids[b - 1] = t;
		}
	return n;
}

/* A held direct message reaches the recipient: home feed, conversation. */
static enum store_rc deliver_direct(struct core *c, struct db *db, int64_t viewer, int64_t id)
{
	struct status s;
	enum store_rc st = store_status_get(db, c->arena, id, &s);
	if (st != ST_OK)
		return st == ST_NOT_FOUND ? ST_OK : st; /* deleted meanwhile */
	int64_t ids[EVENT_MAX_RECIPIENTS + 1];
	int n = participants(&s, ids, EVENT_MAX_RECIPIENTS + 1);
	st = store_feed_add(db, viewer, id);
	if (st == ST_OK)
		st = store_conversation_deliver(db, viewer, conversation_key(c->arena, ids, n, viewer),
						id);
	return st;
}

struct answer_tx {
	struct core *c;
	int64_t viewer;
	const int64_t *ids, *senders;
	int n;
	bool accept;
	int64_t moved;
};

static enum store_rc answer_one(struct answer_tx *x, struct db *db, int64_t id, int64_t sender)
{
	struct core *c = x->c;
	struct notif_request q;
	enum store_rc st = store_notif_request_get(db, c->arena, x->viewer, id, sender, &q);
	int64_t *direct = NULL, moved = 0;
	int nd = 0;
	if (st == ST_OK && x->accept)
		st = store_held_direct(db, c->arena, x->viewer, q.from_account_id,
				       REQUESTS_RELEASE_MAX, &direct, &nd);
	for (int i = 0; i < nd && st == ST_OK; i++)
		st = deliver_direct(c, db, x->viewer, direct[i]);
	/* What the sender wrote now waits for an answer like the rest. */
	if (st == ST_OK && x->accept &&
	    connections_release(c, db, x->viewer, q.from_account_id) != RC_OK)
		st = ST_ERROR;
	if (st == ST_OK)
		st = store_notif_request_end(db, x->viewer, q.from_account_id, x->accept, now_ms(), &moved);
	x->moved += moved;
	return st;
}

static enum store_rc answer_fn(struct db *db, void *arg)
{
	struct answer_tx *x = arg;
	x->moved = 0;
	enum store_rc st = ST_OK;
	for (int i = 0; i < x->n && st == ST_OK; i++)
		st = answer_one(x, db, x->ids ? x->ids[i] : 0, x->senders ? x->senders[i] : 0);
	return st;
}

enum rc requests_answer(struct core *c, int64_t viewer, const int64_t *ids,
			const int64_t *senders, int n, bool accept, int64_t *moved)
{
	for (int i = 0; i < n; i++)
		if ((ids && ids[i] <= 0) || (!ids && (!senders || senders[i] <= 0)))
			return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	struct answer_tx x = {c, viewer, ids, senders, n, accept, 0};
	enum store_rc st = store_tx(c->db, answer_fn, &x);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (moved)
		*moved = x.moved;
	return RC_OK;
}
