/* streaming.c - Mastodon's streaming API: the channels a stream
 * subscribes to (SSE paths, the WebSocket's subscribe/unsubscribe
 * messages), and the broker, one thread that turns what the event seam
 * publishes after each commit into each subscriber's messages. Whether a
 * subscriber sees a status is asked of the timelines themselves (the
 * status's id as a one-item page of that subscriber's home, public,
 * hashtag or list timeline), so a stream shows exactly what the timeline
 * would: visibility, blocks, mutes and message requests included. */
#include "api/api.h"
#include "api/api_streaming.h"
#include "core/events.h"
#include "core/jobs.h"
#include "core/lists.h"
#include "core/oauth.h"
#include "core/relationships.h"
#include "core/text.h"
#include "core/timeline.h"
#include "http/stream.h"
#include "util/jw.h"
#include "util/log.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

enum channel {
	CH_USER,
	CH_NOTIFICATION,
	CH_PUBLIC,
	CH_PUBLIC_LOCAL,
	CH_PUBLIC_REMOTE,
	CH_HASHTAG,
	CH_HASHTAG_LOCAL,
	CH_LIST,
	CH_DIRECT,
	CH_PUBLIC_MEDIA, /* the three public ones with only_media, in their order */
	CH_PUBLIC_LOCAL_MEDIA,
	CH_PUBLIC_REMOTE_MEDIA,
	CH_COUNT
};

static const char *const channel_names[CH_COUNT] = {
	"user",         "user:notification", "public", "public:local", "public:remote",
	"hashtag",      "hashtag:local",     "list",   "direct",       "public:media",
	"public:local:media", "public:remote:media",
};

/* The events that make stream messages. */
#define STREAMED                                                                           \
	(EVENT_NEW_STATUS | EVENT_BIT(EV_REBLOG) | EVENT_BIT(EV_STATUS_EDITED) |             \
	 EVENT_BIT(EV_STATUS_DELETED) | EVENT_BIT(EV_REBLOG_UNDO))
#define QUEUE_MAX 65536        /* published items waiting for the broker */
#define HOME_RETRY_MS 50       /* a worker's fan-out is looked at again after this */
#define HOME_WAIT_MAX_MS 30000 /* and given up waiting for after this */
#define SLOW_MS 100            /* a delivery this slow is logged */

/* ---- channels ---- */

struct chan_error {
	unsigned status;
	const char *msg;
};

static int channel_kind(const char *name)
{
	for (int k = 0; name && k < CH_COUNT; k++)
		if (!strcmp(name, channel_names[k]))
			return k;
	return -1;
}

/* The channel `name` (with its tag or list) for a token of account with
 * scopes, into out; false with the error in *e. c reads the list. */
static bool channel_make(struct core *c, int64_t account, scope_set scopes, const char *name,
			 const char *tag, const char *list, struct stream_channel *out,
			 struct chan_error *e)
{
	int k = channel_kind(name);
	*out = (struct stream_channel){.kind = k};
	*e = (struct chan_error){400, NULL};
	scope_set need = k == CH_NOTIFICATION ? SCOPE(SC_READ_NOTIFICATIONS)
					      : SCOPE(SC_READ_STATUSES);
	if (k < 0) {
		e->msg = "Unknown stream type";
	} else if (!(scopes & need)) {
		*e = (struct chan_error){401, "Access token does not have the required scopes"};
	} else if (k == CH_HASHTAG || k == CH_HASHTAG_LOCAL) {
		const char *key = tag && *tag ? text_tag_key(c->arena, tag) : NULL;
		if (!key || strlen(key) >= sizeof out->tag)
			e->msg = "No tag for stream provided";
		else
			strcpy(out->tag, key);
	} else if (k == CH_LIST) {
		struct list l;
		if (!list || !id_parse(list, &out->list_id) || list_get(c, account, out->list_id, &l))
			*e = (struct chan_error){404, "No list for stream provided"};
	}
	return e->msg == NULL;
}

static bool channel_eq(const struct stream_channel *a, const struct stream_channel *b)
{
	return a->kind == b->kind && a->list_id == b->list_id && !strcmp(a->tag, b->tag);
}

/* With s locked. */
static bool channel_add(struct stream *s, const struct stream_channel *ch)
{
	for (int i = 0; i < s->nch; i++)
		if (channel_eq(&s->ch[i], ch))
			return true;
	if (s->nch >= STREAM_MAX_CHANNELS)
		return false;
	s->ch[s->nch++] = *ch;
	return true;
}

static void channel_remove(struct stream *s, const struct stream_channel *ch)
{
	for (int i = 0; i < s->nch; i++)
		if (channel_eq(&s->ch[i], ch)) {
			s->ch[i] = s->ch[--s->nch];
			return;
		}
}

/* The `stream` member of a WebSocket message: ["user"], ["hashtag",
 * "tag"], ["list", "id"]. */
static const char *channel_json(struct arena *a, const struct stream_channel *ch)
{
	struct jw w;
	jw_init(&w, 256);
	jw_arr(&w);
	jw_str(&w, channel_names[ch->kind]);
	if (ch->kind == CH_HASHTAG || ch->kind == CH_HASHTAG_LOCAL)
		jw_str(&w, ch->tag);
	else if (ch->kind == CH_LIST)
		jw_str(&w, arena_printf(a, "%lld", (long long)ch->list_id));
	jw_arr_end(&w);
	size_t len;
	char *text = jw_ok(&w) ? jw_steal(&w, &len) : NULL;
	const char *out = text ? arena_strdup(a, text) : "[]";
	free(text);
	jw_free(&w);
	return out;
}

/* ---- the WebSocket's messages ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct item *head, *tail, *later;
	int queued;
	bool running;
	pthread_t thread;
	struct store *store;
	const struct config *cfg;
	int64_t next_heartbeat;
} bk = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void ws_error(struct stream *s, unsigned status, const char *msg)
{
	json_t *j = json_pack("{s:s, s:i}", "error", msg, "status", (int)status);
	char *text = json_dumps(j, JSON_COMPACT);
	if (text)
		stream_send_text(s, text);
	free(text);
	json_decref(j);
}

/* A member that may be a string or a number ("list": 123). */
static const char *member_str(struct arena *a, json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	return json_string_value(v);
}

/* {"type": "subscribe" | "unsubscribe", "stream": ..., "tag": ...,
 * "list": ...}; other types are ignored, as Mastodon does. */
static void ws_message(struct stream *s, const char *text, size_t n)
{
	json_t *j = json_loadb(text, n, 0, NULL);
	const char *type = json_string_value(json_object_get(j, "type"));
	if (!json_is_object(j) || !type) {
		ws_error(s, 400, "Malformed message");
		json_decref(j);
		return;
	}
	bool sub = !strcmp(type, "subscribe");
	if (sub || !strcmp(type, "unsubscribe")) {
		struct arena a;
		arena_init(&a);
		struct core c = {.db = store_acquire(bk.store), .arena = &a, .cfg = bk.cfg};
		struct stream_channel ch;
		struct chan_error e;
		const char *name = json_string_value(json_object_get(j, "stream"));
		if (!channel_make(&c, s->account_id, s->scopes, name, member_str(&a, j, "tag"),
				  member_str(&a, j, "list"), &ch, &e))
			ws_error(s, e.status, e.msg);
		else if (!sub)
			channel_remove(s, &ch);
		else if (!channel_add(s, &ch))
			ws_error(s, 400, "Too many subscriptions");
		store_release(bk.store, c.db);
		arena_free(&a);
	}
	json_decref(j);
}

static const struct stream_ops ops = {ws_message};

/* ---- the endpoints ---- */

void h_streaming_health(struct req *r)
{
	reply_text(r, 200, "text/plain", "OK");
}

/* Streams are a signed-in user's: 401 otherwise, as Mastodon answers. */
static bool stream_auth(struct req *r)
{
	if (!r->has_token)
		reply_error(r, 401, "Missing access token");
	else if (!r->account_id)
		reply_error(r, 401, "Invalid access token");
	return r->account_id != 0;
}

/* The first channel, from the path or the `stream` parameter. */
static bool first_channel(struct req *r, const char *name, struct stream_channel *ch)
{
	struct chan_error e;
	if (channel_make(&r->core, r->account_id, r->scopes, name, param_str(r, "tag"),
			 param_str(r, "list"), ch, &e))
		return true;
	reply_error(r, e.status, "%s", e.msg);
	return false;
}

static void sse(struct req *r, const char *name)
{
	struct stream_channel ch;
	if (!stream_auth(r) || !first_channel(r, name, &ch))
		return;
	struct stream *s = stream_sse(r, &ops);
	pthread_mutex_lock(&s->lock);
	channel_add(s, &ch);
	pthread_mutex_unlock(&s->lock);
	stream_unref(s);
}

void h_streaming_user(struct req *r)
{
	sse(r, "user");
}

void h_streaming_user_notification(struct req *r)
{
	sse(r, "user:notification");
}

/* The public streams, "…:media" with only_media=true as Mastodon names them. */
static void sse_public(struct req *r, const char *name)
{
	bool media = param_bool(r, "only_media") == 1;
	sse(r, media ? arena_printf(&r->arena, "%s:media", name) : name);
}

void h_streaming_public(struct req *r)
{
	sse_public(r, param_bool(r, "local") == 1 ? "public:local" : "public");
}

void h_streaming_public_local(struct req *r)
{
	sse_public(r, "public:local");
}

void h_streaming_public_remote(struct req *r)
{
	sse_public(r, "public:remote");
}

void h_streaming_hashtag(struct req *r)
{
	sse(r, param_bool(r, "local") == 1 ? "hashtag:local" : "hashtag");
}

void h_streaming_hashtag_local(struct req *r)
{
	sse(r, "hashtag:local");
}

void h_streaming_list(struct req *r)
{
	sse(r, "list");
}

void h_streaming_direct(struct req *r)
{
	sse(r, "direct");
}

/* The first of the offered subprotocols ("a, b"), which browsers and masto
 * use to carry the access token. */
static const char *first_protocol(struct req *r)
{
	const char *p = req_header(r, "Sec-WebSocket-Protocol");
	if (!p)
		return NULL;
	while (*p == ' ')
		p++;
	size_t n = strcspn(p, ", ");
	return n ? arena_strndup(&r->arena, p, n) : NULL;
}

void h_streaming_ws(struct req *r)
{
	const char *proto = first_protocol(r);
	if (!r->has_token && proto) {
		if (oauth_authenticate(&r->core, proto, &r->token, &r->scopes)) {
			reply_core_error(r);
			return;
		}
		r->has_token = true;
		r->account_id = r->token.account_id;
	}
	const char *name = param_str(r, "stream");
	struct stream_channel ch;
	if (!stream_auth(r) || (name && !first_channel(r, name, &ch)))
		return;
	struct stream *s = stream_ws(r, &ops, proto);
	if (!s)
		return;
	if (name) {
		pthread_mutex_lock(&s->lock);
		channel_add(s, &ch);
		pthread_mutex_unlock(&s->lock);
	}
	stream_unref(s);
}

int streaming_close_token(int64_t token_id)
{
	return stream_close_token(token_id);
}

int streaming_close_account(int64_t account_id)
{
	return stream_close_account(account_id);
}

/* ---- the broker ---- */

enum pass { PASS_ALL, PASS_NOT_HOME, PASS_HOME };

struct item {
	struct item *next;
	bool is_event;
	enum pass pass;
	struct event ev;                /* is_event */
	int64_t account_id, notif;      /* a notification otherwise */
	int64_t first_ms, not_before;   /* mono ms */
};

/* What one item is delivered with: the live streams, a store connection
 * and a request-shaped context for the entity writers (entities.c), whose
 * account_id is the subscriber the JSON is written for. */
struct ctx {
	struct stream **v;
	int n;
	struct req r;
	const struct item *it;
};

static void enqueue(struct item *it)
{
	pthread_mutex_lock(&bk.lock);
	if (!bk.running || bk.queued >= QUEUE_MAX) {
		if (bk.running)
			log_warn("streaming: %d items waiting; one dropped", bk.queued);
		free(it);
	} else {
		if (bk.tail)
			bk.tail->next = it;
		else
			bk.head = it;
		bk.tail = it;
		bk.queued++;
		pthread_cond_signal(&bk.cond);
	}
	pthread_mutex_unlock(&bk.lock);
}

static void on_event(void *arg, const struct event *ev)
{
	(void)arg;
	if (!(STREAMED & EVENT_BIT(ev->type)) || stream_count() == 0)
		return;
	struct item *it = xcalloc(1, sizeof *it);
	it->is_event = true;
	it->ev = *ev;
	it->first_ms = mono_ms();
	enqueue(it);
}

static void on_notification(void *arg, int64_t account_id, int64_t id)
{
	(void)arg;
	if (stream_count() == 0)
		return;
	struct item *it = xcalloc(1, sizeof *it);
	it->account_id = account_id;
	it->notif = id;
	it->first_ms = mono_ms();
	enqueue(it);
}

static const struct event_listener listener = {on_event, on_notification, NULL};

/* The subscriber's channels, copied under its lock; 0 when it is closed. */
static int channels_of(struct stream *s, struct stream_channel *ch)
{
	pthread_mutex_lock(&s->lock);
	int n = s->closed ? 0 : s->nch;
	memcpy(ch, s->ch, (size_t)n * sizeof *ch);
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Status id as the one-item page of the channel's timeline for viewer. A
 * timeline that cannot be read shows nothing (fail closed). */
static bool in_timeline(struct ctx *x, int64_t viewer, const struct stream_channel *ch,
			int64_t id, struct status_list *l)
{
	struct page pg = {.max_id = id + 1, .since_id = id - 1, .limit = 1};
	struct core *c = &x->r.core;
	enum rc rc;
	switch (ch->kind) {
	case CH_USER:
		rc = timeline_home(c, viewer, &pg, l);
		break;
	case CH_PUBLIC:
	case CH_PUBLIC_LOCAL:
	case CH_PUBLIC_REMOTE:
		rc = timeline_public(c, viewer, ch->kind - CH_PUBLIC, &pg, l);
		break;
	case CH_PUBLIC_MEDIA:
	case CH_PUBLIC_LOCAL_MEDIA:
	case CH_PUBLIC_REMOTE_MEDIA:
		rc = timeline_public(c, viewer, (ch->kind - CH_PUBLIC_MEDIA) | TL_ONLY_MEDIA, &pg,
				     l);
		break;
	case CH_HASHTAG:
	case CH_HASHTAG_LOCAL:
		rc = timeline_tag(c, viewer, ch->tag, ch->kind == CH_HASHTAG_LOCAL, &pg, l);
		break;
	case CH_LIST:
		rc = timeline_list(c, viewer, ch->list_id, &pg, l);
		break;
	default:
		return false;
	}
	if (rc && rc != RC_NOT_FOUND)
		log_error("streaming: the %s timeline of %lld could not be read",
			  channel_names[ch->kind], (long long)viewer);
	return rc == RC_OK && l->n == 1 && l->items[0].id == id;
}

/* The status of a one-item list as written for x->r.account_id (its
 * flags), malloc'ed; NULL when the store failed. */
static char *render_status(struct ctx *x, const struct status_list *l)
{
	struct jw w;
	jw_init(&w, 1 << 20);
	jw_statuses(&w, &x->r, l, false);
	size_t len = 0;
	char *text = jw_ok(&w) ? jw_steal(&w, &len) : NULL;
	jw_free(&w);
	if (text && len >= 2) { /* [ {...} ] to {...} */
		memmove(text, text + 1, len - 2);
		text[len - 2] = '\0';
	}
	return text;
}

static bool status_channel(int kind)
{
	return kind != CH_NOTIFICATION && kind != CH_DIRECT;
}

static void send_status(struct ctx *x, struct stream *s, const char *event, int64_t id,
			enum pass pass)
{
	struct stream_channel ch[STREAM_MAX_CHANNELS];
	int n = channels_of(s, ch);
	for (int i = 0; i < n; i++) {
		struct status_list l;
		bool home = ch[i].kind == CH_USER;
		if (!status_channel(ch[i].kind) || (pass == PASS_HOME && !home) ||
		    (pass == PASS_NOT_HOME && home))
			continue;
		x->r.account_id = s->account_id;
		if (!in_timeline(x, s->account_id, &ch[i], id, &l))
			continue;
		char *payload = render_status(x, &l);
		if (payload)
			stream_send(s, event, payload, channel_json(&x->r.arena, &ch[i]));
		free(payload);
	}
}

/* Whether viewer may be told that a status it could have seen is
 * deleted: anyone for public and unlisted ones; its author, those it
 * addressed and, for followers-only ones, its author's followers. */
static bool may_know(struct ctx *x, int64_t viewer, const struct event *ev)
{
	if (ev->type == EV_REBLOG_UNDO || ev->visibility <= VIS_UNLISTED || viewer == ev->actor)
		return true;
	for (int i = 0; i < ev->nrecipients; i++)
		if (ev->rcpt[i].account_id == viewer)
			return true;
	struct relationship rel;
	return ev->visibility == VIS_PRIVATE && !rel_get(&x->r.core, viewer, ev->actor, &rel) &&
	       rel.following;
}

static void send_delete(struct ctx *x, struct stream *s, int64_t id)
{
	struct stream_channel ch[STREAM_MAX_CHANNELS];
	int n = channels_of(s, ch);
	char payload[24];
	snprintf(payload, sizeof payload, "%lld", (long long)id);
	bool known = false, asked = false;
	for (int i = 0; i < n; i++) {
		if (!status_channel(ch[i].kind))
			continue;
		if (!asked) {
			known = may_know(x, s->account_id, &x->it->ev);
			asked = true;
		}
		if (known)
			stream_send(s, "delete", payload, channel_json(&x->r.arena, &ch[i]));
	}
}

/* A direct message: its participants' conversations, to their "direct"
 * channels (not to a recipient who holds it as a request). */
static void send_conversation(struct ctx *x, struct stream *s)
{
	const struct event *ev = &x->it->ev;
	bool party = s->account_id == ev->actor;
	for (int i = 0; i < ev->nrecipients && !party; i++)
		party = ev->rcpt[i].account_id == s->account_id && ev->rcpt[i].fate == FATE_DELIVER;
	struct stream_channel ch[STREAM_MAX_CHANNELS];
	int n = party ? channels_of(s, ch) : 0;
	for (int i = 0; i < n; i++) {
		if (ch[i].kind != CH_DIRECT)
			continue;
		x->r.account_id = s->account_id;
		json_t *j = ent_conversation_of_status(&x->r, ev->status_id);
		char *payload = j ? json_dumps(j, JSON_COMPACT) : NULL;
		if (payload)
			stream_send(s, "conversation", payload, "[\"direct\"]");
		free(payload);
		json_decref(j);
	}
}

static void send_notification(struct ctx *x, struct stream *s, char **payload)
{
	const struct item *it = x->it;
	struct stream_channel ch[STREAM_MAX_CHANNELS];
	int n = s->account_id == it->account_id ? channels_of(s, ch) : 0;
	for (int i = 0; i < n; i++) {
		bool user = ch[i].kind == CH_USER && (s->scopes & SCOPE(SC_READ_NOTIFICATIONS));
		if (!user && ch[i].kind != CH_NOTIFICATION)
			continue;
		if (!*payload) {
			x->r.account_id = it->account_id;
			json_t *j = ent_notification_of(&x->r, it->notif);
			*payload = j ? json_dumps(j, JSON_COMPACT) : NULL;
			json_decref(j);
		}
		if (*payload)
			stream_send(s, "notification", *payload, channel_json(&x->r.arena, &ch[i]));
	}
}

/* Puts a new status's home pass back for later. */
static void later(const struct item *it)
{
	struct item *copy = xmalloc(sizeof *copy);
	*copy = *it;
	copy->pass = PASS_HOME;
	copy->not_before = mono_ms() + HOME_RETRY_MS;
	pthread_mutex_lock(&bk.lock);
	copy->next = bk.later;
	bk.later = copy;
	pthread_mutex_unlock(&bk.lock);
}

/* A status reaches its author's followers' home feeds through the worker
 * when they are many (core/jobs.h): their streams get it once the worker
 * has delivered it, as their home timelines do. The pass to run now in
 * *pass; false when a home pass must wait for the worker's queue. */
static bool status_pass(struct ctx *x, const struct item *it, enum pass *pass)
{
	bool deferred = true, queued = true;
	if (jobs_fanout_state(&x->r.core, it->ev.actor, &deferred, &queued))
		deferred = queued = true; /* unknown: ask again later */
	if (it->pass == PASS_HOME) {
		*pass = PASS_HOME;
		return !queued || mono_ms() - it->first_ms >= HOME_WAIT_MAX_MS;
	}
	*pass = deferred ? PASS_NOT_HOME : PASS_ALL;
	return true;
}

static void deliver_event(struct ctx *x, const struct item *it)
{
	const struct event *ev = &it->ev;
	bool reblog = ev->type == EV_REBLOG || ev->type == EV_REBLOG_UNDO;
	int64_t id = reblog ? ev->object_id : ev->status_id;
	if (ev->type == EV_STATUS_DELETED || ev->type == EV_REBLOG_UNDO) {
		for (int i = 0; i < x->n; i++)
			send_delete(x, x->v[i], id);
		return;
	}
	if (ev->type == EV_STATUS_EDITED) {
		for (int i = 0; i < x->n; i++)
			send_status(x, x->v[i], "status.update", id, PASS_ALL);
		return;
	}
	enum pass pass;
	if (!status_pass(x, it, &pass)) {
		later(it);
		return;
	}
	for (int i = 0; i < x->n; i++) {
		send_status(x, x->v[i], "update", id, pass);
		if (ev->type == EV_DIRECT && pass != PASS_HOME)
			send_conversation(x, x->v[i]);
	}
	if (pass == PASS_NOT_HOME)
		later(it);
}

static void deliver(struct ctx *x, const struct item *it)
{
	int64_t t0 = mono_ms();
	x->it = it;
	arena_init(&x->r.arena);
	x->r.core.arena = &x->r.arena;
	if (it->is_event) {
		deliver_event(x, it);
	} else {
		char *payload = NULL;
		for (int i = 0; i < x->n; i++)
			send_notification(x, x->v[i], &payload);
		free(payload);
	}
	arena_free(&x->r.arena);
	int64_t took = mono_ms() - t0;
	if (took >= SLOW_MS)
		log_info("streaming: %s for %d streams took %lld ms (%lld ms after its commit)",
			 it->is_event ? events_name(it->ev.type) : "notification", x->n,
			 (long long)took, (long long)(mono_ms() - it->first_ms));
}

static void heartbeat(struct ctx *x)
{
	for (int i = 0; i < x->n; i++)
		stream_heartbeat(x->v[i]);
}

/* Delivers a batch of items with one store connection and one snapshot
 * of the live streams; frees the items. */
static void run_batch(struct item *batch, bool beat)
{
	struct ctx x = {.v = stream_each(&x.n)};
	x.r.core.db = store_acquire(bk.store);
	x.r.core.cfg = bk.cfg;
	while (batch) {
		struct item *next = batch->next;
		deliver(&x, batch);
		free(batch);
		batch = next;
	}
	if (beat)
		heartbeat(&x);
	store_release(bk.store, x.r.core.db);
	for (int i = 0; i < x.n; i++)
		stream_unref(x.v[i]);
	free(x.v);
}

/* With bk.lock held: the items put back for later whose time has come,
 * moved onto the queue; the time of the next one in *next. */
static void due_later(int64_t now, int64_t *next)
{
	struct item **p = &bk.later;
	while (*p) {
		struct item *it = *p;
		if (it->not_before > now) {
			*next = it->not_before < *next ? it->not_before : *next;
			p = &it->next;
			continue;
		}
		*p = it->next;
		it->next = NULL;
		if (bk.tail)
			bk.tail->next = it;
		else
			bk.head = it;
		bk.tail = it;
	}
}

static void wait_until(int64_t mono)
{
	int64_t ms = mono - mono_ms();
	if (ms <= 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&bk.cond, &bk.lock, &ts);
}

static void *broker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&bk.lock);
	while (bk.running) {
		int64_t now = mono_ms(), next = bk.next_heartbeat;
		due_later(now, &next);
		bool beat = now >= bk.next_heartbeat;
		if (!bk.head && !beat) {
			wait_until(next);
			continue;
		}
		struct item *batch = bk.head;
		bk.head = bk.tail = NULL;
		bk.queued = 0;
		if (beat)
			bk.next_heartbeat = now + bk.cfg->stream_heartbeat_ms;
		pthread_mutex_unlock(&bk.lock);
		run_batch(batch, beat);
		pthread_mutex_lock(&bk.lock);
	}
	pthread_mutex_unlock(&bk.lock);
	return NULL;
}

int streaming_start(struct store *st, const struct config *cfg)
{
	bk.store = st;
	bk.cfg = cfg;
	bk.running = true;
	bk.next_heartbeat = mono_ms() + cfg->stream_heartbeat_ms;
	if (pthread_create(&bk.thread, NULL, broker_main, NULL)) {
		log_error("streaming: cannot start the broker thread");
		bk.running = false;
		return -1;
	}
	events_listen(&listener);
	return 0;
}

static void free_items(struct item *it)
{
	while (it) {
		struct item *next = it->next;
		free(it);
		it = next;
	}
}

void streaming_stop(void)
{
	events_listen(NULL);
	pthread_mutex_lock(&bk.lock);
	bk.running = false;
	pthread_cond_signal(&bk.cond);
	pthread_mutex_unlock(&bk.lock);
	pthread_join(bk.thread, NULL);
	free_items(bk.head);
	free_items(bk.later);
	bk.head = bk.tail = bk.later = NULL;
	bk.queued = 0;
}
