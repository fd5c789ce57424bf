/* events.c - the event seam: the subscriber tables, emitting an event in a
 * write's transaction, and draining the outbox in the worker. */
#include "core/events.h"
#include "core/connections.h"
#include "core/detect.h"
#include "core/discover.h"
#include "core/requests.h"
#include "core/social_capital.h"
#include "federation/outbox.h"
#include "store/events.h"
#include "util/log.h"
#include "util/util.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- the subscribers ---- */

/* Policy hooks: decide fates, flags, limits. The detectors come first:
 * the hooks after them (message requests) read EVENT_FLAG_AUTOMATED. */
static const struct event_hook policies[] = {
	{"detectors",
	 EVENT_NEW_STATUS | EVENT_BIT(EV_STATUS_EDITED) | EVENT_BIT(EV_FOLLOW) |
		 EVENT_BIT(EV_FOLLOW_REQUEST) | EVENT_BIT(EV_UNFOLLOW),
	 detect_policy},
	/* message requests (core/requests.c) */
	{"message requests", EVENT_NEW_STATUS | EVENT_BIT(EV_STATUS_EDITED), requests_policy},
	{NULL, 0, NULL},
};

/* Incremental updates, in the write's transaction. */
static const struct event_hook updates[] = {
	{"social capital",
	 EVENT_NEW_STATUS | EVENT_BIT(EV_STATUS_EDITED) | EVENT_BIT(EV_STATUS_DELETED) |
		 EVENT_BIT(EV_FAVOURITE) | EVENT_BIT(EV_FAVOURITE_UNDO) | EVENT_BIT(EV_REBLOG) |
		 EVENT_BIT(EV_REBLOG_UNDO),
	 social_capital_update},
	/* message requests: a deleted held status leaves its request */
	{"message requests", EVENT_BIT(EV_STATUS_DELETED), requests_deleted},
	/* know your connections (core/connections.c): how we met, contacts,
	 * the waiting inbox's classes */
	{"connections",
	 EVENT_NEW_STATUS | EVENT_BIT(EV_STATUS_EDITED) | EVENT_BIT(EV_FOLLOW) |
		 EVENT_BIT(EV_REQUEST_ANSWERED) | EVENT_BIT(EV_UNFOLLOW) |
		 EVENT_BIT(EV_FOLLOWER_REMOVED) | EVENT_BIT(EV_BLOCK),
	 connections_update},
	/* followed hashtags (core/discover.c): public statuses reach the
	 * home feeds of those who follow their tags, and leave them */
	{"followed hashtags", EVENT_NEW_STATUS | EVENT_BIT(EV_STATUS_DELETED), discover_update},
	/* federation (federation/outbox.h): a deleted account's Delete is
	 * queued with its tombstone, while its followers are known */
	{"federation: account deleted", EVENT_BIT(EV_ACCOUNT_DELETED), outbox_account_deleted},
	{NULL, 0, NULL},
};

/* The worker's subscribers, after the write committed. */
static const struct event_drain drains[] = {
	{"card snapshots", EVENT_ALL, social_capital_see, social_capital_prepare,
	 social_capital_write, social_capital_written},
	{"detector prunes",
	 EVENT_BIT(EV_DIRECT) | EVENT_BIT(EV_REPLY) | EVENT_BIT(EV_MENTION) | EVENT_BIT(EV_UNFOLLOW),
	 detect_see, NULL, detect_prune, detect_pruned},
	/* know your connections (core/connections.c): favourites and boosts
	 * given touch the pair's contact rows here, not in the request */
	{"contacts", EVENT_BIT(EV_FAVOURITE) | EVENT_BIT(EV_REBLOG), connections_see,
	 connections_prepare, connections_write, connections_written},
	/* federation (federation/outbox.c): activities and their deliveries */
	{"federation outbox", OUTBOX_EVENTS, outbox_see, outbox_prepare, outbox_write, outbox_done},
	{NULL, 0, NULL, NULL, NULL, NULL},
};

static const struct event_hook *extra_policy;

void events_extra_policy(const struct event_hook *h)
{
	extra_policy = h;
}

const char *events_name(enum event_type t)
{
	static const char *const names[EV_TYPES] = {
		"post",     "reply",         "mention",       "direct",         "status.edited",
		"status.deleted", "favourite", "favourite.undo", "reblog",     "reblog.undo",
		"follow",   "unfollow",      "follow_request", "request.answered", "follower.removed",
		"block",    "unblock",       "mute",          "unmute",         "request.withdrawn",
		"account.deleted", "poll.vote",
	};
	return t >= 0 && t < EV_TYPES ? names[t] : "unknown";
}

/* ---- publishing after the commit ---- */

/* What the thread's transaction emitted, published when it commits. */
struct published {
	bool is_event;
	struct event ev;            /* is_event */
	int64_t account_id, notif;  /* otherwise */
};

#define PUBLISH_MAX 4096 /* items per transaction: a bound, not an expectation */

static _Atomic(const struct event_listener *) listener;
static _Thread_local struct {
	struct published *v;
	int n, cap;
} pending;

static void tx_end(bool committed)
{
	const struct event_listener *l = atomic_load(&listener);
	for (int i = 0; committed && l && i < pending.n; i++) {
		const struct published *p = &pending.v[i];
		if (p->is_event)
			l->event(l->arg, &p->ev);
		else
			l->notification(l->arg, p->account_id, p->notif);
	}
	/* Freed each time: a thread's pending list must not outlive it. */
	free(pending.v);
	pending.v = NULL;
	pending.n = pending.cap = 0;
}

void events_listen(const struct event_listener *l)
{
	atomic_store(&listener, l);
	if (l) /* left installed: it publishes nothing once l is NULL */
		store_on_tx_end(tx_end);
}

static struct published *publish_slot(void)
{
	if (pending.n >= PUBLISH_MAX) {
		log_error("events: more than %d items in one transaction; not all are streamed",
			  PUBLISH_MAX);
		return NULL;
	}
	if (pending.n == pending.cap) {
		pending.cap = pending.cap ? pending.cap * 2 : 8;
		pending.v = xrealloc(pending.v, (size_t)pending.cap * sizeof *pending.v);
	}
	return &pending.v[pending.n++];
}

/* ---- the same, for the store's other processes ----
 * Each item is also a notice of the writing transaction (store_notice):
 * the listeners of the other processes hand it to events_heard once it has
 * committed. An event is "e" and its numbers, then ";id:fate" for each
 * recipient; a notification is "n<account>,<id>". */

#define EVENT_NUMS(X)                                                                          	X(id) X(at) X(actor) X(target) X(status_id) X(object_id) X(thread_id) X(since)

static enum store_rc notice_event(struct db *db, const struct event *ev)
{
	char t[STORE_NOTICE_MAX];
	size_t n = (size_t)snprintf(t, sizeof t, "e%d,%d,%d,%u", (int)ev->type, ev->visibility,
				    (int)ev->fate, ev->flags);
#define PUT(f) n += (size_t)snprintf(t + n, sizeof t - n, ",%lld", (long long)ev->f);
	EVENT_NUMS(PUT)
#undef PUT
	for (int i = 0; i < ev->nrecipients && n < sizeof t; i++)
		n += (size_t)snprintf(t + n, sizeof t - n, ";%lld:%d",
				      (long long)ev->rcpt[i].account_id, (int)ev->rcpt[i].fate);
	return n < sizeof t ? store_notice(db, t) : ST_ERROR;
}

static bool heard_event(const char *t, struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	char *end;
	int type = (int)strtol(t, &end, 10);
	if (type < 0 || type >= EV_TYPES || *end != ',')
		return false;
	ev->type = (enum event_type)type;
	ev->visibility = (int)strtol(end + 1, &end, 10);
	ev->fate = (enum event_fate)strtol(end + 1, &end, 10);
	ev->flags = (uint32_t)strtoul(end + 1, &end, 10);
#define GET(f) ev->f = strtoll(end + 1, &end, 10);
	EVENT_NUMS(GET)
#undef GET
	while (*end == ';' && ev->nrecipients < EVENT_MAX_RECIPIENTS) {
		struct event_recipient *r = &ev->rcpt[ev->nrecipients++];
		r->account_id = strtoll(end + 1, &end, 10);
		r->fate = *end == ':' ? (enum event_fate)strtol(end + 1, &end, 10) : FATE_DELIVER;
	}
	return *end == '\0';
}

void events_heard(const char *text)
{
	const struct event_listener *l = atomic_load(&listener);
	if (!l)
		return;
	if (text[0] == 'e') {
		struct event ev;
		if (heard_event(text + 1, &ev))
			l->event(l->arg, &ev);
		else
			log_warn("events: a notice not understood: %.80s", text);
	} else if (text[0] == 'n') {
		char *end;
		long long account = strtoll(text + 1, &end, 10);
		if (*end == ',')
			l->notification(l->arg, account, strtoll(end + 1, NULL, 10));
	}
}

static enum store_rc publish_event(const struct event *ev)
{
	struct published *p = atomic_load(&listener) ? publish_slot() : NULL;
	if (!p)
		return ST_OK;
	p->is_event = true;
	p->ev = *ev;
	p->ev.status = NULL;
	p->ev.reason = NULL;
	p->ev.db = NULL;
	return notice_event(ev->db, ev);
}

enum store_rc events_notified(struct db *db, int64_t account_id, int64_t notification_id)
{
	struct published *p = atomic_load(&listener) ? publish_slot() : NULL;
	if (!p)
		return ST_OK;
	p->is_event = false;
	p->account_id = account_id;
	p->notif = notification_id;
	char t[48];
	snprintf(t, sizeof t, "n%lld,%lld", (long long)account_id, (long long)notification_id);
	return store_notice(db, t);
}

/* ---- emitting ---- */

static enum rc run_hook(struct core *c, struct db *db, const struct event_hook *h,
			struct event *ev)
{
	if (!(h->types & EVENT_BIT(ev->type)) || !h->fn(c, db, ev))
		return RC_OK;
	return c->err.rc ? c->err.rc : core_fail(c, RC_INTERNAL, NULL, "%s failed", h->name);
}

/* Runs a table's hooks (up to its NULL entry) in order; the first failure
 * ends it. */
static enum rc run_hooks(struct core *c, struct db *db, const struct event_hook *h,
			 struct event *ev)
{
	for (; h->fn; h++)
		if (run_hook(c, db, h, ev))
			return c->err.rc;
	return RC_OK;
}

/* A hook refused the write: 429 with the hook's reason. */
static enum rc limited(struct core *c, const struct event *ev)
{
	bool limit = ev->fate == FATE_LIMIT;
	for (int i = 0; i < ev->nrecipients; i++)
		limit = limit || ev->rcpt[i].fate == FATE_LIMIT;
	if (!limit)
		return RC_OK;
	core_fail(c, RC_RATE_LIMITED, NULL, "%s",
		  ev->reason ? ev->reason : "Too many requests: try again later");
	c->err.retry_after = ev->retry_after > 0 ? ev->retry_after : 60;
	return RC_RATE_LIMITED;
}

static const char *rcpt_text(struct core *c, const struct event *ev)
{
	if (ev->nrecipients == 0)
		return "";
	size_t cap = (size_t)ev->nrecipients * 21 + 1, len = 0;
	char *out = arena_alloc(c->arena, cap);
	for (int i = 0; i < ev->nrecipients; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%lld", i ? "," : "",
					(long long)ev->rcpt[i].account_id);
	return out;
}

enum rc events_emit(struct core *c, struct db *db, struct event *ev)
{
	ev->id = id_new();
	ev->at = now_ms();
	ev->db = db;
	c->event = ev;
	c->err.rc = RC_OK;
	if (run_hooks(c, db, policies, ev))
		return c->err.rc;
	if (extra_policy && run_hook(c, db, extra_policy, ev))
		return c->err.rc;
	if (limited(c, ev))
		return c->err.rc;
	if (run_hooks(c, db, updates, ev))
		return c->err.rc;
	enum store_rc pst = publish_event(ev);
	if (pst != ST_OK)
		return core_store_fail(c, pst);
	struct store_event row = {
		.id = ev->id, .type = ev->type, .actor = ev->actor, .target = ev->target,
		.status_id = ev->status_id, .object_id = ev->object_id, .rcpt = rcpt_text(c, ev),
		.fate = ev->fate, .flags = ev->flags, .created_at = ev->at, .since = ev->since,
	};
	enum store_rc st = store_event_put(db, &row);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

static void add_recipient(struct event *ev, int64_t id)
{
	if (!id || id == ev->actor || ev->nrecipients >= EVENT_MAX_RECIPIENTS)
		return;
	for (int i = 0; i < ev->nrecipients; i++)
		if (ev->rcpt[i].account_id == id)
			return;
	ev->rcpt[ev->nrecipients++] = (struct event_recipient){id, FATE_DELIVER};
}

/* The accounts in a status's mentions JSON ([{"id": "123", ...}]). */
static void add_mentioned(struct event *ev, const char *mentions)
{
	if (!mentions || !strcmp(mentions, "[]"))
		return; /* most statuses mention nobody: no parsing */
	json_t *arr = json_loads(mentions, 0, NULL);
	size_t i;
	json_t *m;
	json_array_foreach(arr, i, m) {
		int64_t id;
		if (id_parse(json_string_value(json_object_get(m, "id")), &id))
			add_recipient(ev, id);
	}
	json_decref(arr);
}

static enum event_type new_status_type(const struct event *ev, const struct status *s)
{
	if (s->visibility == VIS_DIRECT)
		return EV_DIRECT;
	if (s->in_reply_to_account_id && s->in_reply_to_account_id != s->account_id)
		return EV_REPLY;
	return ev->nrecipients ? EV_MENTION : EV_POST;
}

struct event *events_status_event(struct core *c, enum event_type type, const struct status *s,
				  const int64_t *mentioned, int n)
{
	struct event *ev = arena_calloc(c->arena, 1, sizeof *ev);
	ev->actor = s->account_id;
	ev->status_id = s->id;
	ev->thread_id = s->thread_id;
	ev->visibility = s->visibility;
	ev->status = s;
	if (type == EV_STATUS_EDITED) {
		for (int i = 0; i < n; i++)
			add_recipient(ev, mentioned[i]);
	} else {
		ev->object_id = s->in_reply_to_id;
		if (s->in_reply_to_account_id != s->account_id)
			ev->target = s->in_reply_to_account_id;
		add_recipient(ev, ev->target);
		add_mentioned(ev, s->mentions);
	}
	ev->type = type == EV_STATUS_EDITED || type == EV_STATUS_DELETED ? type
									: new_status_type(ev, s);
	return ev;
}

enum rc events_status(struct core *c, struct db *db, enum event_type type,
		      const struct status *s, const int64_t *mentioned, int n)
{
	return events_emit(c, db, events_status_event(c, type, s, mentioned, n));
}

enum rc events_act(struct core *c, struct db *db, enum event_type type, int64_t actor,
		   int64_t target, int64_t status_id, int64_t object_id, int64_t since)
{
	struct event *ev = arena_calloc(c->arena, 1, sizeof *ev);
	*ev = (struct event){.type = type, .actor = actor, .target = target,
			     .status_id = status_id, .object_id = object_id, .since = since};
	add_recipient(ev, target);
	return events_emit(c, db, ev);
}

enum event_fate events_fate(const struct core *c, struct db *db, int64_t recipient)
{
	const struct event *ev = c->event;
	if (!ev || ev->db != db)
		return FATE_DELIVER;
	for (int i = 0; i < ev->nrecipients; i++)
		if (ev->rcpt[i].account_id == recipient)
			return ev->rcpt[i].fate;
	return ev->fate;
}

/* ---- draining ---- */

/* The event an outbox row records (without the status). */
static void from_row(const struct store_event *r, struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->type = r->type >= 0 && r->type < EV_TYPES ? (enum event_type)r->type : EV_TYPES;
	ev->id = r->id;
	ev->at = r->created_at;
	ev->actor = r->actor;
	ev->target = r->target;
	ev->status_id = r->status_id;
	ev->object_id = r->object_id;
	ev->since = r->since;
	ev->fate = (enum event_fate)r->fate;
	ev->flags = (uint32_t)r->flags;
	for (const char *p = r->rcpt; p && *p && ev->nrecipients < EVENT_MAX_RECIPIENTS;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		if (end == p)
			break;
		ev->rcpt[ev->nrecipients++] = (struct event_recipient){id, FATE_DELIVER};
		p = *end == ',' ? end + 1 : end;
	}
}

struct drained {
	struct core *c;
	int64_t *ids;
	int n;
};

/* The drains' writes and the batch's deletion, in one transaction. */
static enum store_rc done_fn(struct db *db, void *arg)
{
	struct drained *d = arg;
	enum store_rc st = ST_OK;
	for (const struct event_drain *h = drains; h->name && st == ST_OK; h++)
		if (h->write)
			st = h->write(d->c, db);
	return st == ST_OK ? store_events_done(db, d->ids, d->n) : st;
}

/* Each drain sees the batch's events of its types, then prepares. */
static int see_all(struct core *c, const struct store_event *rows, int n)
{
	struct event ev;
	for (int i = 0; i < n; i++) {
		from_row(&rows[i], &ev);
		if (ev.type == EV_TYPES)
			continue; /* a type this version does not know */
		for (const struct event_drain *h = drains; h->name; h++)
			if (h->see && (h->types & EVENT_BIT(ev.type)) && h->see(c, c->db, &ev)) {
				log_error("events: %s failed on a %s event", h->name,
					  events_name(ev.type));
				return -1;
			}
	}
	for (const struct event_drain *h = drains; h->name; h++)
		if (h->prepare && h->prepare(c, c->db))
			return -1;
	return 0;
}

int events_drain(struct core *c, bool now)
{
	static int64_t last; /* mono ms of the last drained batch (the worker's) */
	struct store_event *rows;
	int n;
	if (store_events_next(c->db, c->arena, EVENTS_BATCH, &rows, &n) != ST_OK)
		return -1;
	if (n == 0 || (!now && n < EVENTS_BATCH && mono_ms() - last < EVENTS_DRAIN_MS))
		return 0;
	if (see_all(c, rows, n))
		return -1;
	struct drained d = {c, arena_calloc(c->arena, (size_t)n, sizeof *d.ids), n};
	for (int i = 0; i < n; i++)
		d.ids[i] = rows[i].id;
	/* Claimed exactly once: the batch's deletion commits with what the
	 * drains wrote, and fails whole when another process drained one of
	 * its rows first (store_events_done); then this one's work is
	 * dropped and the next batch read. */
	enum store_rc st = store_tx(c->db, done_fn, &d);
	if (st != ST_OK && st != ST_CONFLICT)
		return -1;
	for (const struct event_drain *h = drains; h->name; h++)
		if (h->done)
			h->done();
	last = mono_ms();
	return 1;
}
