/* outbox.c - events of local actors become activities and deliveries. */
#include "federation/outbox.h"
#include "core/accounts.h"
#include "core/keys.h"
#include "core/moderation.h"
#include "federation/activity.h"
#include "federation/actor.h"
#include "federation/deliver.h"
#include "federation/inbox.h"
#include "store/accounts.h"
#include "store/deliver.h"
#include "store/polls.h"
#include "store/keys.h"
#include "store/rel.h"
#include "store/social_capital.h"
#include "store/statuses.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* An activity ready to queue: made in prepare, written in write. */
struct outgoing {
	int64_t id, actor;
	const char *body;
	const char **inboxes;
	int n, cap;
};

/* The worker's batch (only the worker thread drains). */
static struct {
	struct event *ev;
	int n, cap;
	int64_t last_id;
	bool prepared;
	struct outgoing *out;
	int nout;
} batch;

static void batch_reset(void)
{
	batch.n = batch.nout = 0;
	batch.prepared = false;
	batch.out = NULL;
	batch.last_id = 0;
}

enum rc outbox_see(struct core *c, struct db *db, const struct event *ev)
{
	(void)c;
	(void)db;
	if (batch.prepared || (batch.n && ev->id <= batch.last_id))
		batch_reset(); /* the previous batch failed and is drained again */
	if (batch.n == batch.cap) {
		batch.cap = batch.cap ? batch.cap * 2 : 64;
		batch.ev = xrealloc(batch.ev, (size_t)batch.cap * sizeof *batch.ev);
	}
	batch.ev[batch.n++] = *ev;
	batch.last_id = ev->id;
	return RC_OK;
}

bool outbox_url_host(const char *url, char *out, size_t cap)
{
	const char *p = str_has_prefix(url, "https://") ? url + 8
			: str_has_prefix(url, "http://") ? url + 7
							 : NULL;
	if (!p)
		return false;
	size_t n = strcspn(p, "/?#");
	if (n == 0 || n >= cap || memchr(p, '@', n))
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)p[i]);
	out[n] = '\0';
	return true;
}

static void add_inbox(struct core *c, struct outgoing *o, const char *inbox)
{
	if (!inbox || !*inbox)
		return;
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->inboxes[i], inbox))
			return;
	if (o->n == o->cap) {
		int cap = o->cap ? o->cap * 2 : 8;
		const char **v = arena_alloc(c->arena, (size_t)cap * sizeof *v);
		if (o->n)
			memcpy(v, o->inboxes, (size_t)o->n * sizeof *v);
		o->inboxes = v;
		o->cap = cap;
	}
	o->inboxes[o->n++] = inbox;
}

/* Adds each of v[0..n) to o, o's list being distinct already. */
static void add_inboxes(struct core *c, struct outgoing *o, const char **v, int n)
{
	if (o->n == 0) {
		o->inboxes = v;
		o->n = o->cap = n;
		return;
	}
	for (int i = 0; i < n; i++)
		add_inbox(c, o, v[i]);
}

/* Adds account id's inbox: the shared one when `shared`, else its own. */
static enum rc add_account(struct core *c, struct outgoing *o, int64_t id, bool shared)
{
	const char *inbox, *sh;
	enum store_rc st = store_inbox_get(c->db, c->arena, id, &inbox, &sh);
	if (st == ST_NOT_FOUND || id == 0)
		return RC_OK; /* local, or nowhere to send */
	if (st != ST_OK)
		return RC_INTERNAL;
	add_inbox(c, o, shared && *sh ? sh : inbox);
	return RC_OK;
}

static enum rc add_followers(struct core *c, struct outgoing *o, int64_t account_id)
{
	const char **v;
	int n;
	if (store_follower_inboxes(c->db, c->arena, account_id, &v, &n) != ST_OK)
		return RC_INTERNAL;
	add_inboxes(c, o, v, n);
	return RC_OK;
}

/* A local account's id, or NULL (and RC_OK) when it is not local. */
static enum rc local_actor(struct core *c, int64_t id, struct account *a, const char **uri)
{
	*uri = NULL;
	enum store_rc st = store_account_get(c->db, c->arena, id, a);
	if (st == ST_NOT_FOUND)
		return RC_OK;
	if (st != ST_OK)
		return RC_INTERNAL;
	if (!*a->domain)
		*uri = account_uri(c, a);
	return RC_OK;
}

static enum rc remote_uri(struct core *c, int64_t id, const char **uri)
{
	struct account a;
	*uri = NULL;
	enum store_rc st = store_account_get(c->db, c->arena, id, &a);
	if (st == ST_OK && *a.domain)
		*uri = a.uri;
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : RC_INTERNAL;
}

/* The recipients of a status event: followers unless direct, and the
 * addressed (mentioned, replied to). */
static enum rc status_audience(struct core *c, const struct event *ev, int visibility,
			       struct outgoing *o)
{
	if (visibility != VIS_DIRECT && add_followers(c, o, ev->actor) != RC_OK)
		return RC_INTERNAL;
	for (int i = 0; i < ev->nrecipients; i++)
		if (add_account(c, o, ev->rcpt[i].account_id, true) != RC_OK)
			return RC_INTERNAL;
	return RC_OK;
}

/* An edit reaches whom the status addresses now: its parent's author
 * and everyone it mentions. */
static void edit_recipients(const struct status *s, struct event *e)
{
	e->nrecipients = 0;
	if (s->in_reply_to_account_id)
		e->rcpt[e->nrecipients++].account_id = s->in_reply_to_account_id;
	json_t *m = json_loads(s->mentions ? s->mentions : "[]", 0, NULL), *x;
	size_t i;
	json_array_foreach(json_is_array(m) ? m : NULL, i, x)
	{
		const char *sid = json_string_value(json_object_get(x, "id"));
		if (sid && e->nrecipients < EVENT_MAX_RECIPIENTS)
			e->rcpt[e->nrecipients++].account_id = strtoll(sid, NULL, 10);
	}
	json_decref(m);
}

/* Create or Update of the status, made only when some remote server is
 * to get it; nothing if it is gone meanwhile (its Delete follows). */
static enum rc status_activity(struct core *c, const struct event *ev, const char *actor,
			       struct outgoing *o, json_t **j)
{
	struct status s;
	enum store_rc st = store_status_get(c->db, c->arena, ev->status_id, &s);
	if (st == ST_NOT_FOUND || (st == ST_OK && (!s.local || s.reblog_of_id)))
		return RC_OK;
	if (st != ST_OK)
		return RC_INTERNAL;
	struct event e = *ev;
	if (ev->type == EV_STATUS_EDITED)
		edit_recipients(&s, &e);
	json_t *note;
	if (status_audience(c, &e, s.visibility, o) != RC_OK)
		return RC_INTERNAL;
	if (o->n == 0)
		return RC_OK;
	if (ap_note(c, &s, &note) != RC_OK)
		return RC_INTERNAL;
	const char *uri = ap_status_uri(c, &s);
	if (ev->type == EV_STATUS_EDITED)
		*j = ap_wrap("Update",
			     arena_printf(c->arena, "%s#updates/%lld", uri, (long long)s.edited_at),
			     actor, note);
	else
		*j = ap_wrap("Create", arena_printf(c->arena, "%s/activity", uri), actor, note);
	return *j ? RC_OK : RC_INTERNAL;
}

/* A local status's uri by its author and id (the status may be gone). */
static const char *local_status_uri(struct core *c, const struct account *a, int64_t id)
{
	return arena_printf(c->arena, "%s/users/%s/statuses/%lld", c->cfg->base_url, a->username,
			    (long long)id);
}

/* The uri and author of any status, or NULL when it is gone. */
static enum rc status_ref(struct core *c, int64_t id, const char **uri, const char **author)
{
	struct status s;
	*uri = *author = NULL;
	enum store_rc st = store_status_get(c->db, c->arena, id, &s);
	if (st == ST_NOT_FOUND)
		return RC_OK;
	if (st != ST_OK)
		return RC_INTERNAL;
	*uri = ap_status_uri(c, &s);
	*author = account_uri(c, &s.account);
	return RC_OK;
}

/* The id of a Follow, Like or Block: BASE_ID/TIME, TIME when it was made
 * (ms, its row's created_at), so that the same act made again after its
 * Undo is a new activity, which a server that keeps the ids it received
 * (a replay has no second effect) applies; its Undo, which knows that
 * time from its event's `since`, embeds it with the same id. BASE_ID
 * alone when the time is unknown (an undo of an act older than these
 * ids). */
static const char *act_id(struct core *c, const char *base_id, int64_t at)
{
	return at > 0 ? arena_printf(c->arena, "%s/%lld", base_id, (long long)at) : base_id;
}

/* When the act an undo event undoes was made (its `since`), or when the
 * act of any other event was (read by read: its row's created_at, written
 * before the event in the same transaction). *gone when that row is gone
 * already, or is a later one: the act was undone before it went out (only
 * its Undo goes), and made again (that event's activity goes). */
static enum rc act_time(struct core *c, const struct event *ev, bool undo,
			enum store_rc (*read)(struct db *, int64_t, int64_t, int64_t *),
			int64_t other, int64_t *at, bool *gone)
{
	*at = ev->since;
	*gone = false;
	if (undo)
		return RC_OK;
	if (read(c->db, ev->actor, other, at) != ST_OK)
		return RC_INTERNAL;
	*gone = !*at || *at > ev->at;
	return RC_OK;
}

/* A Like, to the status's author alone (make() added its inbox). */
static enum rc like(struct core *c, const struct event *ev, const char *actor, json_t **j)
{
	const char *uri, *author;
	int64_t at;
	bool undo = ev->type == EV_FAVOURITE_UNDO, gone;
	if (status_ref(c, ev->status_id, &uri, &author) != RC_OK ||
	    act_time(c, ev, undo, store_favourite_time, ev->status_id, &at, &gone) != RC_OK)
		return RC_INTERNAL;
	if (!uri || gone)
		return RC_OK;
	const char *id = arena_printf(c->arena, "%s#likes/%lld", actor, (long long)ev->status_id);
	*j = ap_simple(c, "Like", act_id(c, id, at), actor, uri);
	if (*j && ev->type == EV_FAVOURITE_UNDO)
		*j = ap_undo(c, actor, *j);
	return RC_OK;
}

static enum rc announce(struct core *c, const struct event *ev, const struct account *a,
			const char *actor, struct outgoing *o, json_t **j)
{
	const char *uri, *author;
	if (status_ref(c, ev->status_id, &uri, &author) != RC_OK)
		return RC_INTERNAL;
	if (!uri)
		return RC_OK;
	*j = ap_announce(c, actor, arena_printf(c->arena, "%s/followers", actor),
			 local_status_uri(c, a, ev->object_id), uri, author);
	if (*j && ev->type == EV_REBLOG_UNDO)
		*j = ap_undo(c, actor, *j);
	if (add_followers(c, o, ev->actor) != RC_OK)
		return RC_INTERNAL;
	return add_account(c, o, ev->target, true);
}

/* A vote on another server's poll, as Mastodon sends one: a Create of a
 * Note named after the option, replying to the poll's status, to its
 * author's inbox only. */
static enum rc vote(struct core *c, const struct event *ev, const char *actor,
		    struct outgoing *o, json_t **j)
{
	const char *author, *uri;
	struct poll p;
	if (remote_uri(c, ev->target, &author) != RC_OK)
		return RC_INTERNAL;
	if (!author)
		return RC_OK; /* a poll of ours */
	enum store_rc st = store_poll_get(c->db, c->arena, ev->status_id, true, 0, &p);
	if (st == ST_NOT_FOUND || (st == ST_OK && ev->object_id >= p.noptions))
		return RC_OK;
	if (st != ST_OK || status_ref(c, ev->status_id, &uri, &author) != RC_OK)
		return RC_INTERNAL;
	if (!uri)
		return RC_OK;
	const char *id = arena_printf(c->arena, "%s#votes/%lld", actor, (long long)ev->id);
	json_t *note = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s]}", "id", id, "type", "Note",
				 "name", p.titles[ev->object_id], "attributedTo", actor,
				 "inReplyTo", uri, "to", author);
	/* ap_wrap gives the Create the Note's `to` */
	*j = note ? ap_wrap("Create", arena_printf(c->arena, "%s/activity", id), actor, note)
		  : NULL;
	return *j ? add_account(c, o, ev->target, false) : RC_INTERNAL;
}

/* Accept or Reject of remote account follower's Follow of local account
 * target: embedding the Follow with the id its server gave it
 * (federation/inbox.h), or without one when it is not known. */
static enum rc answer(struct core *c, int64_t follower, int64_t target, bool accept,
		      struct outgoing *o, json_t **j)
{
	struct account a;
	const char *followed, *remote;
	if (local_actor(c, target, &a, &followed) != RC_OK ||
	    remote_uri(c, follower, &remote) != RC_OK)
		return RC_INTERNAL;
	if (!followed || !remote)
		return RC_OK;
	o->actor = target;
	c->err.rc = RC_OK;
	*j = inbox_follow_answer(c, follower, target, accept);
	if (!*j && c->err.rc == RC_INTERNAL)
		return RC_INTERNAL;
	if (!*j)
		*j = ap_answer(c, accept, followed, remote, follower);
	return *j ? add_account(c, o, follower, false) : RC_INTERNAL;
}

/* Follow, Block and their Undos, Accept and Reject: to the other
 * account's own inbox, when it is remote. */
static enum rc relation(struct core *c, const struct event *ev, const char *actor,
			struct outgoing *o, json_t **j)
{
	const char *other;
	if (remote_uri(c, ev->target, &other) != RC_OK)
		return RC_INTERNAL;
	if (!other)
		return RC_OK;
	long long t = (long long)ev->target;
	int64_t at;
	bool undo, gone;
	switch (ev->type) {
	case EV_FOLLOW:
	case EV_FOLLOW_REQUEST:
	case EV_UNFOLLOW:
	case EV_REQUEST_WITHDRAWN:
		/* the id federation/inbox.h's inbox_follow_id begins */
		undo = ev->type == EV_UNFOLLOW || ev->type == EV_REQUEST_WITHDRAWN;
		if (act_time(c, ev, undo,
			     ev->type == EV_FOLLOW ? store_follow_since : store_request_since,
			     ev->target, &at, &gone) != RC_OK)
			return RC_INTERNAL;
		if (gone)
			return RC_OK;
		*j = ap_simple(c, "Follow",
			       act_id(c, arena_printf(c->arena, "%s#follows/%lld", actor, t), at),
			       actor, other);
		if (*j && undo)
			*j = ap_undo(c, actor, *j);
		break;
	case EV_BLOCK:
	case EV_UNBLOCK:
		undo = ev->type == EV_UNBLOCK;
		if (act_time(c, ev, undo, store_block_since, ev->target, &at, &gone) != RC_OK)
			return RC_INTERNAL;
		if (gone)
			return RC_OK;
		*j = ap_simple(c, "Block",
			       act_id(c, arena_printf(c->arena, "%s#blocks/%lld", actor, t), at),
			       actor, other);
		if (*j && undo)
			*j = ap_undo(c, actor, *j);
		break;
	case EV_REQUEST_ANSWERED:
	case EV_FOLLOWER_REMOVED:
		return answer(c, ev->target, ev->actor,
			      ev->type == EV_REQUEST_ANSWERED && ev->object_id == 1, o, j);
	default:
		return RC_OK;
	}
	return *j ? add_account(c, o, ev->target, false) : RC_INTERNAL;
}

static enum rc make(struct core *c, const struct event *ev, struct outgoing *o, json_t **j)
{
	struct account a;
	const char *actor;
	*j = NULL;
	o->actor = ev->actor;
	/* A favourite of a local author's status (most of them) sends
	 * nothing: known before the actor or the status is read. */
	bool liked = ev->type == EV_FAVOURITE || ev->type == EV_FAVOURITE_UNDO;
	if (liked && add_account(c, o, ev->target, false) != RC_OK)
		return RC_INTERNAL;
	if (liked && o->n == 0)
		return RC_OK;
	if (local_actor(c, ev->actor, &a, &actor) != RC_OK)
		return RC_INTERNAL;
	if (!actor)
		return ev->type == EV_FOLLOW ? answer(c, ev->actor, ev->target, true, o, j) : RC_OK;
	switch (ev->type) {
	case EV_POST:
	case EV_REPLY:
	case EV_MENTION:
	case EV_DIRECT:
	case EV_STATUS_EDITED:
		return status_activity(c, ev, actor, o, j);
	case EV_STATUS_DELETED:
		*j = ap_delete(c, actor, arena_printf(c->arena, "%s/followers", actor),
			       local_status_uri(c, &a, ev->status_id));
		return *j ? status_audience(c, ev, VIS_PUBLIC, o) : RC_INTERNAL;
	case EV_FAVOURITE:
	case EV_FAVOURITE_UNDO:
		return like(c, ev, actor, j);
	case EV_REBLOG:
	case EV_REBLOG_UNDO:
		return announce(c, ev, &a, actor, o, j);
	case EV_POLL_VOTE:
		return vote(c, ev, actor, o, j);
	default:
		return relation(c, ev, actor, o, j);
	}
}

enum rc outbox_prepare(struct core *c, struct db *db)
{
	(void)db;
	batch.prepared = true;
	batch.out = arena_calloc(c->arena, (size_t)batch.n + 1, sizeof *batch.out);
	batch.nout = 0;
	for (int i = 0; i < batch.n; i++) {
		struct outgoing *o = &batch.out[batch.nout];
		json_t *j = NULL;
		*o = (struct outgoing){.id = batch.ev[i].id};
		if (make(c, &batch.ev[i], o, &j) != RC_OK) {
			json_decref(j);
			return RC_INTERNAL;
		}
		if (!j || o->n == 0) {
			json_decref(j);
			continue;
		}
		char *s = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (!s)
			return RC_INTERNAL;
		o->body = arena_strdup(c->arena, s);
		free(s);
		batch.nout++;
	}
	return RC_OK;
}

static enum store_rc write_one(struct db *db, const struct outgoing *o, int64_t now)
{
	bool queued = false;
	for (int i = 0; i < o->n; i++) {
		char host[256];
		bool down;
		if (!outbox_url_host(o->inboxes[i], host, sizeof host))
			continue;
		if (store_host_unavailable(db, host, &down) != ST_OK)
			return ST_ERROR;
		if (down)
			continue;
		if (!queued && store_activity_put(db, o->id, o->actor, o->body, now) != ST_OK)
			return ST_ERROR;
		queued = true;
		if (store_delivery_put(db, id_new(), o->id, o->inboxes[i], host, now) != ST_OK)
			return ST_ERROR;
	}
	return ST_OK;
}

enum rc outbox_account_deleted(struct core *c, struct db *db, struct event *ev)
{
	struct account a;
	const char *pem, **known;
	int nknown;
	char *s = NULL;
	enum store_rc st = store_key_public(db, c->arena, ev->actor, &pem);
	if (st == ST_NOT_FOUND) /* never signed nor fetched: no server knows it */
		return RC_OK;
	if (st != ST_OK || store_account_get(db, c->arena, ev->actor, &a) != ST_OK ||
	    store_known_inboxes(db, c->arena, ev->actor, &known, &nknown) != ST_OK)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	struct outgoing o = {.id = ev->id, .actor = ev->actor};
	add_inboxes(c, &o, known, nknown);
	json_t *j = ap_delete_actor(c, account_uri(c, &a));
	if (j)
		s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	o.body = s ? arena_strdup(c->arena, s) : NULL;
	free(s);
	if (!o.body || (o.n && write_one(db, &o, now_ms()) != ST_OK))
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	if (o.n)
		deliver_wake();
	return RC_OK;
}

/* The Flag of report r: by the instance actor, object the account's id
 * and the reported statuses' ids, content the comment (Mastodon's
 * FlagSerializer, sent as Account.representative). */
static json_t *flag(struct core *c, struct db *db, const struct report *r, const char *account)
{
	json_t *ids = json_loads(r->status_ids ? r->status_ids : "[]", 0, NULL), *x;
	json_t *obj = json_pack("[s]", account);
	enum store_rc st = ST_OK;
	size_t i;
	json_array_foreach(json_is_array(ids) ? ids : NULL, i, x)
	{
		struct status s;
		const char *sid = json_string_value(x);
		int64_t id = sid ? strtoll(sid, NULL, 10) : (int64_t)json_integer_value(x);
		st = store_status_get(db, c->arena, id, &s);
		if (st == ST_OK)
			json_array_append_new(obj, json_string(ap_status_uri(c, &s)));
		else if (st != ST_NOT_FOUND)
			break;
	}
	json_decref(ids);
	if (st != ST_OK && st != ST_NOT_FOUND) {
		json_decref(obj);
		return NULL;
	}
	return ap_flag(c, r->id, r->comment ? r->comment : "", obj);
}

enum rc report_forward_hook(struct core *c, struct db *db, const struct report *r)
{
	struct account a;
	const char *inbox, *shared;
	char *s = NULL;
	enum store_rc st = store_account_get(db, c->arena, r->target_id, &a);
	if (st == ST_OK && *a.domain)
		st = store_inbox_get(db, c->arena, r->target_id, &inbox, &shared);
	if (st == ST_NOT_FOUND || (st == ST_OK && !*a.domain))
		return RC_OK; /* local, or nowhere to send it */
	json_t *j = st == ST_OK ? flag(c, db, r, a.uri) : NULL;
	if (j)
		s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	struct outgoing o = {.id = id_new(), .actor = KEYS_INSTANCE_ACTOR,
			     .body = s ? arena_strdup(c->arena, s) : NULL};
	free(s);
	if (o.body) /* the personal inbox, as Mastodon's ReportService */
		add_inbox(c, &o, inbox);
	if (!o.body || write_one(db, &o, now_ms()) != ST_OK)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	deliver_wake();
	return RC_OK;
}

enum rc outbox_actor_update(struct core *c, struct db *db, int64_t account_id, bool suspended)
{
	struct account a;
	const char *pem, **fol;
	int nfol;
	char *s = NULL;
	enum store_rc st = store_account_get(db, c->arena, account_id, &a);
	if (st == ST_OK && !*a.domain)
		st = store_key_public(db, c->arena, account_id, &pem);
	if (st == ST_NOT_FOUND || (st == ST_OK && *a.domain))
		return RC_OK; /* remote, or no server knows it */
	if (st != ST_OK || store_follower_inboxes(db, c->arena, account_id, &fol, &nfol) != ST_OK)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	if (nfol == 0)
		return RC_OK;
	const char *actor = account_uri(c, &a);
	int64_t now = now_ms();
	json_t *j = ap_update_actor(c, actor, now, ap_person(c, &a, pem, suspended));
	if (j)
		s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	struct outgoing o = {.id = id_new(), .actor = account_id,
			     .body = s ? arena_strdup(c->arena, s) : NULL};
	free(s);
	add_inboxes(c, &o, fol, nfol);
	if (!o.body || write_one(db, &o, now) != ST_OK)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	deliver_wake();
	return RC_OK;
}

enum store_rc outbox_write(struct core *c, struct db *db)
{
	(void)c;
	int64_t now = now_ms();
	for (int i = 0; i < batch.nout; i++)
		if (write_one(db, &batch.out[i], now) != ST_OK)
			return ST_ERROR;
	return ST_OK;
}

void outbox_done(void)
{
	bool any = batch.nout > 0;
	batch_reset();
	if (any)
		deliver_wake();
}
