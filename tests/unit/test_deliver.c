/* Unit tests of federation delivery (federation/activity.c, outbox.c,
 * deliver.c, store_deliver.c) on a real store and a loopback sink that
 * plays remote servers: what each write becomes, where it goes, how it is
 * signed, and what happens on failures, refusals and hanging hosts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/events.h"
#include "core/keys.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "federation/deliver.h"
#include "federation/outbox.h"
#include "federation/signature.h"
#include "store/deliver.h"
#include "store/federation.h"
#include "store/statuses.h"
#include "store_fixture.h"
#include "util/fetch.h"

/* ---- the sink: remote servers on loopback ports ---- */

#define SINK_MAX 64
#define SINK_HOSTS 3

struct got {
	int host; /* index of the sink host */
	char method[8], path[256];
	char headers[16][2][512];
	int nheaders;
	char *body;
};

static struct {
	int fd[SINK_HOSTS];
	int port[SINK_HOSTS];
	int status[SINK_HOSTS]; /* what each answers; 0 = never answers */
	int status_9421[SINK_HOSTS]; /* what it answers to RFC 9421 (0: like status) */
	pthread_mutex_t lock;
	struct got got[SINK_MAX];
	int n;
	int hung[SINK_MAX]; /* connections left unanswered */
	int nhung;
	pthread_t thread;
	atomic_bool stop;
} sink = {.lock = PTHREAD_MUTEX_INITIALIZER};

static const char *got_header(const struct got *g, const char *name)
{
	for (int i = 0; i < g->nheaders; i++)
		if (!strcasecmp(g->headers[i][0], name))
			return g->headers[i][1];
	return NULL;
}

static void sink_parse(struct got *g, char *req, size_t len)
{
	char *end = strstr(req, "\r\n\r\n");
	*end = '\0';
	sscanf(req, "%7s %255s", g->method, g->path);
	for (char *l = strstr(req, "\r\n"); l && g->nheaders < 16; l = strstr(l, "\r\n")) {
		l += 2;
		char *colon = strchr(l, ':'), *eol = strstr(l, "\r\n");
		if (!colon || (eol && colon > eol))
			break;
		snprintf(g->headers[g->nheaders][0], 512, "%.*s", (int)(colon - l), l);
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		snprintf(g->headers[g->nheaders][1], 512, "%.*s",
			 (int)(eol ? eol - v : (long)strlen(v)), v);
		g->nheaders++;
	}
	size_t hl = (size_t)(end + 4 - req);
	g->body = strndup(end + 4, len - hl);
}

/* Reads one request (headers and Content-Length body) from fd. */
static void sink_serve(int h, int fd)
{
	char *buf = malloc(1 << 20);
	size_t len = 0;
	long want = -1;
	for (;;) {
		ssize_t k = recv(fd, buf + len, (1 << 20) - 1 - len, 0);
		if (k <= 0)
			break;
		len += (size_t)k;
		buf[len] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end && want < 0) {
			char *cl = strcasestr(buf, "Content-Length:");
			want = (long)(end + 4 - buf) + (cl && cl < end ? atol(cl + 15) : 0);
		}
		if (want >= 0 && (long)len >= want)
			break;
	}
	pthread_mutex_lock(&sink.lock);
	int status = sink.status[h];
	if (want >= 0 && sink.n < SINK_MAX) {
		struct got *g = &sink.got[sink.n++];
		memset(g, 0, sizeof *g);
		g->host = h;
		sink_parse(g, buf, len);
		if (got_header(g, "Signature-Input") && sink.status_9421[h])
			status = sink.status_9421[h];
	}
	if (status == 0 && sink.nhung < SINK_MAX) {
		sink.hung[sink.nhung++] = fd;
		pthread_mutex_unlock(&sink.lock);
		free(buf);
		return;
	}
	pthread_mutex_unlock(&sink.lock);
	char resp[128];
	int n = snprintf(resp, sizeof resp,
			 "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
	if (send(fd, resp, (size_t)n, MSG_NOSIGNAL) < 0)
		perror("sink send");
	close(fd);
	free(buf);
}

static void *sink_main(void *arg)
{
	(void)arg;
	struct pollfd p[SINK_HOSTS];
	for (int i = 0; i < SINK_HOSTS; i++)
		p[i] = (struct pollfd){.fd = sink.fd[i], .events = POLLIN};
	while (!atomic_load(&sink.stop)) {
		if (poll(p, SINK_HOSTS, 50) <= 0)
			continue;
		for (int i = 0; i < SINK_HOSTS; i++)
			if (p[i].revents & POLLIN) {
				int fd = accept(sink.fd[i], NULL, NULL);
				if (fd >= 0)
					sink_serve(i, fd);
			}
	}
	return NULL;
}

static void sink_start(void)
{
	for (int i = 0; i < SINK_HOSTS; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
		socklen_t al = sizeof a;
		sink.fd[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(bind(sink.fd[i], (struct sockaddr *)&a, sizeof a), 0);
		assert_int_equal(listen(sink.fd[i], 64), 0);
		getsockname(sink.fd[i], (struct sockaddr *)&a, &al);
		sink.port[i] = ntohs(a.sin_port);
		sink.status[i] = 202;
	}
	atomic_store(&sink.stop, false);
	pthread_create(&sink.thread, NULL, sink_main, NULL);
}

static void sink_reset(void)
{
	pthread_mutex_lock(&sink.lock);
	for (int i = 0; i < sink.n; i++)
		free(sink.got[i].body);
	for (int i = 0; i < sink.nhung; i++)
		close(sink.hung[i]);
	sink.n = sink.nhung = 0;
	for (int i = 0; i < SINK_HOSTS; i++) {
		sink.status[i] = 202;
		sink.status_9421[i] = 0;
	}
	pthread_mutex_unlock(&sink.lock);
}

static void sink_stop(void)
{
	atomic_store(&sink.stop, true);
	pthread_join(sink.thread, NULL);
	sink_reset();
	for (int i = 0; i < SINK_HOSTS; i++)
		close(sink.fd[i]);
}

/* ---- fixture ---- */

struct world {
	struct fx *f;
	int64_t alice, carol;     /* local */
	int64_t bob, dan, erin;   /* remote: bob and dan on host 0, erin on host 1 */
};

static int64_t remote(struct fx *f, const char *name, int h)
{
	char domain[64], addr[64];
	snprintf(domain, sizeof domain, "host%d.test", h);
	snprintf(addr, sizeof addr, "127.0.0.1:%d", sink.port[h]);
	char *uri = arena_printf(&f->ar, "https://%s/users/%s", domain, name);
	struct account a = {.username = name, .domain = arena_strdup(&f->ar, domain),
			    .display_name = name, .note = "", .note_html = "", .fields = "[]",
			    .uri = uri, .url = uri, .avatar = "", .header = "", .discoverable = true,
			    .created_at = now_ms()};
	a.id = id_new();
	struct remote_actor ra = {
		.inbox = arena_printf(&f->ar, "http://%s/users/%s/inbox", addr, name),
		.shared_inbox = arena_printf(&f->ar, "http://%s/inbox", addr), .followers = "",
		.key_id = arena_printf(&f->ar, "%s#main-key", uri), .public_pem = "",
		.fetched_at = now_ms()};
	assert_int_equal(store_remote_upsert(f->c.db, &a, &ra), ST_OK);
	return a.id;
}

static int setup(void **state)
{
	struct world *wd = calloc(1, sizeof *wd);
	wd->f = fx_open(2, 0);
	if (!wd->f)
		return -1;
	wd->f->cfg.domain = "example.test";
	sink_reset();
	deliver_forget();
	*state = wd;
	return 0;
}

static int teardown_world(void **state)
{
	struct world *wd = *state;
	void *f = wd->f;
	free(wd);
	return teardown(&f);
}

static void people(struct world *wd)
{
	struct fx *f = wd->f;
	wd->alice = fx_user(f, "alice");
	wd->carol = fx_user(f, "carol");
	wd->bob = remote(f, "bob", 0);
	wd->dan = remote(f, "dan", 0);
	wd->erin = remote(f, "erin", 1);
}

/* Drains the event outbox and runs the deliveries. */
static void flush(struct fx *f)
{
	assert_true(events_drain(&f->c, true) >= 0);
	assert_int_equal(deliver_run(&f->c, 30000), 0); /* returns once all is done */
}

static int64_t post(struct fx *f, int64_t author, const char *text, const char *vis,
		    int64_t reply_to)
{
	struct new_status ns = {.text = text, .visibility = vis, .sensitive = -1,
				.in_reply_to_id = reply_to};
	int64_t id = 0;
	assert_int_equal(status_create(&f->c, author, &ns, &id), RC_OK);
	return id;
}

static json_t *got_json(int i)
{
	json_t *j = json_loads(sink.got[i].body, 0, NULL);
	assert_non_null(j);
	return j;
}

static const char *jstr(json_t *j, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');
	if (!dot)
		return json_string_value(json_object_get(j, path));
	snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
	return jstr(json_object_get(j, key), dot + 1);
}

/* The public key of a local account, for the verifier. */
struct keyctx {
	struct fx *f;
	int64_t account;
};

static enum sig_key_rc key_of(void *ctx, const char *key_id, bool refresh, const char **pem)
{
	(void)key_id;
	(void)refresh;
	struct keyctx *k = ctx;
	return key_public(&k->f->c, k->account, pem) == RC_OK ? SIG_KEY_FOUND : SIG_KEY_NONE;
}

static enum sig_rc verify(struct fx *f, int i, int64_t signer, struct sig_verified *out)
{
	struct got *g = &sink.got[i];
	struct sig_header h[16];
	for (int k = 0; k < g->nheaders; k++)
		h[k] = (struct sig_header){g->headers[k][0], g->headers[k][1]};
	struct sig_request rq = {g->method, "http", g->path, h, g->nheaders, g->body,
				 strlen(g->body)};
	struct keyctx k = {f, signer};
	return sig_verify(&rq, now_ms() / 1000, key_of, &k, out);
}

static int64_t pending(struct fx *f)
{
	int64_t n = -1;
	assert_int_equal(store_deliveries_pending(f->c.db, &n), ST_OK);
	return n;
}

/* ---- tests ---- */

/* A public post goes once to each follower's server (its shared inbox),
 * as a signed Create whose Note Mastodon can read. */
static void post_reaches_followers_servers_once(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	struct follow_options fo = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&f->c, wd->bob, wd->alice, &fo), RC_OK);
	assert_int_equal(rel_follow(&f->c, wd->dan, wd->alice, &fo), RC_OK);
	assert_int_equal(rel_follow(&f->c, wd->erin, wd->alice, &fo), RC_OK);
	flush(f);
	sink_reset(); /* the three Accepts (checked below) */
	int64_t id = post(f, wd->alice, "hello #fediverse", "public", 0);
	flush(f);
	assert_int_equal(sink.n, 2); /* two servers, three followers */
	bool seen[2] = {false, false};
	for (int i = 0; i < sink.n; i++) {
		assert_string_equal(sink.got[i].path, "/inbox");
		seen[sink.got[i].host] = true;
		json_t *j = got_json(i);
		assert_string_equal(jstr(j, "type"), "Create");
		assert_string_equal(jstr(j, "actor"), "https://example.test/users/alice");
		assert_string_equal(jstr(j, "object.type"), "Note");
		char *uri = arena_printf(&f->ar, "https://example.test/users/alice/statuses/%lld",
					 (long long)id);
		assert_string_equal(jstr(j, "object.id"), uri);
		assert_string_equal(jstr(j, "object.attributedTo"),
				    "https://example.test/users/alice");
		assert_string_equal(json_string_value(json_array_get(json_object_get(
						    json_object_get(j, "object"), "to"), 0)),
				    "https://www.w3.org/ns/activitystreams#Public");
		assert_string_equal(json_string_value(json_array_get(
						    json_object_get(j, "cc"), 0)),
				    "https://example.test/users/alice/followers");
		char *tags = json_dumps(json_object_get(json_object_get(j, "object"), "tag"), 0);
		assert_non_null(strstr(tags, "#fediverse"));
		free(tags);
		assert_string_equal(got_header(&sink.got[i], "Content-Type"),
				    "application/activity+json");
		struct sig_verified sv;
		assert_int_equal(verify(f, i, wd->alice, &sv), SIG_OK);
		assert_int_equal(sv.form, SIG_CAVAGE);
		assert_string_equal(sv.key_id, "https://example.test/users/alice#main-key");
		json_decref(j);
	}
	assert_true(seen[0] && seen[1]);
	assert_int_equal(pending(f), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM fed_activities", "", 0, 0), 0);
}

/* A remote follow is answered with an Accept embedding the Follow, to the
 * follower's own inbox; Like and Undo(Like) go to the author's own inbox
 * and the Undo embeds the Like. */
static void personal_inbox_activities(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	struct follow_options fo = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&f->c, wd->bob, wd->alice, &fo), RC_OK);
	flush(f);
	assert_int_equal(sink.n, 1);
	assert_string_equal(sink.got[0].path, "/users/bob/inbox");
	json_t *j = got_json(0);
	assert_string_equal(jstr(j, "type"), "Accept");
	assert_string_equal(jstr(j, "object.type"), "Follow");
	assert_string_equal(jstr(j, "object.actor"), "https://host0.test/users/bob");
	assert_string_equal(jstr(j, "object.object"), "https://example.test/users/alice");
	assert_string_equal(jstr(j, "actor"), "https://example.test/users/alice");
	json_decref(j);
}

/* The types of what the sink got, in order, space-separated. */
static const char *got_types(struct fx *f)
{
	char *out = arena_strdup(&f->ar, "");
	for (int i = 0; i < sink.n; i++) {
		json_t *j = got_json(i);
		out = arena_printf(&f->ar, "%s%s%s@%d%s", out, i ? " " : "", jstr(j, "type"),
				   sink.got[i].host, sink.got[i].path);
		json_decref(j);
	}
	return out;
}

static void follow_all(struct world *wd, int64_t target)
{
	struct follow_options fo = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&wd->f->c, wd->bob, target, &fo), RC_OK);
	flush(wd->f);
	sink_reset();
}

/* Followers-only: only the followers' servers, addressed to followers; a
 * server with no follower never gets it. A direct message goes only to
 * the mentioned account's server. */
static void private_and_direct_stay_in_their_audience(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice); /* bob (host 0) follows; erin (host 1) does not */
	post(f, wd->alice, "for my followers", "private", 0);
	flush(f);
	assert_string_equal(got_types(f), "Create@0/inbox");
	json_t *j = got_json(0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "to"), 0)),
			    "https://example.test/users/alice/followers");
	assert_int_equal(json_array_size(json_object_get(j, "cc")), 0);
	json_decref(j);
	sink_reset();
	post(f, wd->alice, "@erin@host1.test psst", "direct", 0);
	flush(f);
	assert_string_equal(got_types(f), "Create@1/inbox");
	j = got_json(0);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "to"), 0)),
			    "https://host1.test/users/erin");
	json_t *tag = json_array_get(json_object_get(json_object_get(j, "object"), "tag"), 0);
	assert_string_equal(jstr(tag, "type"), "Mention");
	assert_string_equal(jstr(tag, "name"), "@erin@host1.test");
	json_decref(j);
}

/* A reply to a remote status names it in inReplyTo and reaches its
 * author's server even without followers there; edits are Updates with
 * `updated`, deletions Tombstones. */
static void reply_edit_delete(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	const char *uri = "https://host1.test/users/erin/statuses/1";
	struct status rs = {.id = id_new(), .account_id = wd->erin, .uri = uri, .text = "",
			    .content = "<p>hi</p>", .spoiler_text = "", .language = "",
			    .mentions = "[]", .tags = "[]", .created_at = now_ms()};
	rs.thread_id = rs.id;
	assert_int_equal(store_status_insert(f->c.db, &rs), ST_OK);
	int64_t id = post(f, wd->alice, "an answer", "public", rs.id);
	flush(f);
	assert_string_equal(got_types(f), "Create@1/inbox");
	json_t *j = got_json(0);
	assert_string_equal(jstr(j, "object.inReplyTo"), uri);
	/* context and conversation name the thread: its root, erin's status */
	assert_string_equal(jstr(j, "object.context"), uri);
	assert_string_equal(jstr(j, "object.conversation"), uri);
	json_decref(j);
	sink_reset();
	struct status_edit ed = {.text = "an answer, edited", .sensitive = -1};
	assert_int_equal(status_edit(&f->c, wd->alice, id, &ed), RC_OK);
	flush(f);
	assert_string_equal(got_types(f), "Update@1/inbox");
	j = got_json(0);
	assert_non_null(jstr(j, "object.updated"));
	assert_non_null(strstr(jstr(j, "object.content"), "edited"));
	json_decref(j);
	sink_reset();
	struct status gone;
	assert_int_equal(status_delete(&f->c, wd->alice, id, &gone), RC_OK);
	flush(f);
	assert_string_equal(got_types(f), "Delete@1/inbox");
	j = got_json(0);
	assert_string_equal(jstr(j, "object.type"), "Tombstone");
	assert_non_null(strstr(jstr(j, "object.id"), "/users/alice/statuses/"));
	json_decref(j);
}

/* Like, Undo(Like) embedding the Like, Announce and its Undo: the Like to
 * the author's own inbox, the Announce to followers' servers and the
 * author's. */
static void like_and_boost(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice);
	const char *uri = "https://host1.test/users/erin/statuses/2";
	struct status rs = {.id = id_new(), .account_id = wd->erin, .uri = uri, .text = "",
			    .content = "<p>hi</p>", .spoiler_text = "", .language = "",
			    .mentions = "[]", .tags = "[]", .created_at = now_ms()};
	rs.thread_id = rs.id;
	assert_int_equal(store_status_insert(f->c.db, &rs), ST_OK);
	assert_int_equal(status_favourite(&f->c, wd->alice, rs.id, true), RC_OK);
	flush(f);
	assert_int_equal(status_favourite(&f->c, wd->alice, rs.id, false), RC_OK);
	flush(f);
	assert_string_equal(got_types(f), "Like@1/users/erin/inbox Undo@1/users/erin/inbox");
	json_t *like = got_json(0), *undo = got_json(1);
	assert_string_equal(jstr(like, "object"), uri);
	assert_string_equal(jstr(undo, "object.type"), "Like");
	assert_string_equal(jstr(undo, "object.id"), jstr(like, "id"));
	assert_string_equal(jstr(undo, "object.object"), uri);
	/* a favourite taken back before its Like went out: only the Undo goes */
	sink_reset();
	assert_int_equal(status_favourite(&f->c, wd->alice, rs.id, true), RC_OK);
	assert_int_equal(status_favourite(&f->c, wd->alice, rs.id, false), RC_OK);
	flush(f);
	assert_string_equal(got_types(f), "Undo@1/users/erin/inbox");
	json_t *undo2 = got_json(0);
	assert_string_not_equal(jstr(undo2, "object.id"), jstr(like, "id"));
	json_decref(undo2);
	json_decref(like);
	json_decref(undo);
	sink_reset();
	assert_int_equal(status_reblog(&f->c, wd->alice, rs.id, true, NULL), RC_OK);
	flush(f);
	/* bob's server (a follower) and erin's (the author), in either order */
	const char *t = got_types(f);
	assert_true(!strcmp(t, "Announce@0/inbox Announce@1/inbox") ||
		    !strcmp(t, "Announce@1/inbox Announce@0/inbox"));
	json_t *a = got_json(0);
	assert_string_equal(jstr(a, "object"), uri);
	sink_reset();
	assert_int_equal(status_reblog(&f->c, wd->alice, rs.id, false, NULL), RC_OK);
	flush(f);
	assert_int_equal(sink.n, 2);
	json_t *u = got_json(0);
	assert_string_equal(jstr(u, "type"), "Undo");
	assert_string_equal(jstr(u, "object.id"), jstr(a, "id"));
	json_decref(a);
	json_decref(u);
}

/* Follow, Undo(Follow), Block, Undo(Block): to the remote account's own
 * inbox; nothing for local targets. */
static void follow_and_block(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	struct follow_options fo = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&f->c, wd->alice, wd->erin, &fo), RC_OK);
	assert_int_equal(rel_follow(&f->c, wd->alice, wd->carol, &fo), RC_OK);
	flush(f);
	assert_int_equal(rel_unfollow(&f->c, wd->alice, wd->erin), RC_OK);
	assert_int_equal(rel_block(&f->c, wd->alice, wd->erin, true), RC_OK);
	flush(f);
	assert_int_equal(rel_block(&f->c, wd->alice, wd->erin, false), RC_OK);
	flush(f); /* 4 POSTs to one host at a time: the fifth would wait a second */
	usleep(2000); /* the ids tell acts apart by their millisecond */
	assert_int_equal(rel_follow(&f->c, wd->alice, wd->erin, &fo), RC_OK);
	flush(f);
	assert_string_equal(got_types(f), "Follow@1/users/erin/inbox Undo@1/users/erin/inbox "
					  "Block@1/users/erin/inbox Undo@1/users/erin/inbox "
					  "Follow@1/users/erin/inbox");
	json_t *fl = got_json(0), *un = got_json(1), *bl = got_json(2), *ub = got_json(3);
	json_t *again = got_json(4);
	assert_string_equal(jstr(un, "object.type"), "Follow");
	assert_string_equal(jstr(un, "object.id"), jstr(fl, "id"));
	assert_string_equal(jstr(ub, "object.id"), jstr(bl, "id"));
	/* the follow asked for again is another activity: a server that keeps
	 * the ids it received would take the first one's id for a replay */
	assert_string_not_equal(jstr(again, "id"), jstr(fl, "id"));
	assert_string_not_equal(jstr(un, "id"), jstr(ub, "id"));
	json_decref(fl);
	json_decref(un);
	json_decref(bl);
	json_decref(ub);
	json_decref(again);
}

/* 5xx: kept, tried again after 1^4 + 15 s at least; 404: dropped at
 * once; a refused address: dropped, never connected. */
static void failures_retry_or_end(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice);
	sink.status[0] = 503;
	int64_t before = now_ms();
	post(f, wd->alice, "one", "public", 0);
	flush(f);
	assert_int_equal(sink.n, 1);
	assert_int_equal(pending(f), 1);
	assert_int_equal(fx_int(f, "SELECT attempts FROM deliveries", "", 0, 0), 1);
	assert_true(fx_int(f, "SELECT next_at FROM deliveries", "", 0, 0) >= before + 16000);
	assert_int_equal(fx_int(f, "SELECT failure_days FROM delivery_hosts", "", 0, 0), 1);
	/* the sixteenth try is the last: after it the delivery is dropped */
	assert_int_equal(db_exec(f->c.db, "UPDATE deliveries SET attempts = 14, next_at = 0", ""),
			 DB_OK);
	flush(f);
	assert_int_equal(sink.n, 2);
	assert_int_equal(fx_int(f, "SELECT attempts FROM deliveries", "", 0, 0), 15);
	assert_int_equal(db_exec(f->c.db, "UPDATE deliveries SET next_at = 0", ""), DB_OK);
	flush(f);
	assert_int_equal(sink.n, 3);
	assert_int_equal(pending(f), 0);
	sink_reset();
	sink.status[0] = 404;
	post(f, wd->alice, "two", "public", 0);
	flush(f);
	assert_int_equal(sink.n, 1);
	assert_int_equal(pending(f), 0);
	sink_reset();
	assert_int_equal(fetch_init("test", false), 0); /* loopback refused again */
	post(f, wd->alice, "three", "public", 0);
	flush(f);
	assert_int_equal(fetch_init("test", true), 0);
	fetch_cleanup();
	fetch_cleanup();
	assert_int_equal(sink.n, 0);
	assert_int_equal(pending(f), 0);
}

/* Ten failures in a row rest a host for a minute (the circuit breaker):
 * its next delivery is not tried but put off until the rest ends. */
static void breaker_rests_a_failing_host(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice);
	sink.status[0] = 503;
	for (int i = 0; i < DELIVER_BREAKER_FAILURES; i++) {
		post(f, wd->alice, "failing", "public", 0);
		flush(f);
	}
	assert_int_equal(sink.n, DELIVER_BREAKER_FAILURES);
	int64_t before = now_ms();
	post(f, wd->alice, "while it rests", "public", 0);
	flush(f);
	assert_int_equal(sink.n, DELIVER_BREAKER_FAILURES); /* not tried */
	assert_int_equal(pending(f), DELIVER_BREAKER_FAILURES + 1);
	assert_int_equal(fx_int(f, "SELECT attempts FROM deliveries ORDER BY id DESC LIMIT 1", "",
				0, 0),
			 0);
	assert_true(fx_int(f, "SELECT next_at FROM deliveries ORDER BY id DESC LIMIT 1", "", 0, 0) >=
		    before + DELIVER_BREAKER_MS - 1000);
	deliver_forget(); /* the next tests start with rested hosts */
}

/* A host that answers 401 to draft-cavage is asked again signed RFC 9421,
 * which verifies; it is remembered for the next POST. */
static void second_knock_in_rfc9421(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice);
	sink.status[0] = 401;
	sink.status_9421[0] = 202;
	post(f, wd->alice, "knock knock", "public", 0);
	flush(f);
	assert_int_equal(sink.n, 2);
	assert_null(got_header(&sink.got[0], "Signature-Input"));
	assert_non_null(got_header(&sink.got[1], "Signature-Input"));
	assert_non_null(got_header(&sink.got[1], "Content-Digest"));
	struct sig_verified sv;
	assert_int_equal(verify(f, 1, wd->alice, &sv), SIG_OK);
	assert_int_equal(sv.form, SIG_RFC9421);
	assert_int_equal(pending(f), 0);
	sink_reset();
	sink.status[0] = 401;
	sink.status_9421[0] = 202;
	post(f, wd->alice, "again", "public", 0);
	flush(f);
	assert_int_equal(sink.n, 1);
	assert_non_null(got_header(&sink.got[0], "Signature-Input"));
}

/* Failures on 7 distinct days make a host unavailable: nothing is queued
 * for it; a success (or a signed request from it) revives it. */
static void unavailable_after_seven_days(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice);
	struct follow_options fo = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&f->c, wd->erin, wd->alice, &fo), RC_OK);
	flush(f);
	sink_reset();
	char host[64];
	snprintf(host, sizeof host, "127.0.0.1:%d", sink.port[1]);
	bool down = false;
	for (int day = 100; day < 107; day++) {
		assert_false(down);
		assert_int_equal(store_host_failure(f->c.db, host, day, 7, &down), ST_OK);
		assert_int_equal(store_host_failure(f->c.db, host, day, 7, &down), ST_OK);
	}
	assert_true(down);
	post(f, wd->alice, "not for the dead", "public", 0);
	flush(f);
	assert_string_equal(got_types(f), "Create@0/inbox");
	sink_reset();
	assert_int_equal(deliver_host_revive(&f->c, host), RC_OK);
	deliver_forget();
	post(f, wd->alice, "welcome back", "public", 0);
	flush(f);
	assert_int_equal(sink.n, 2);
}

/* A host that accepts connections and never answers delays no one: the
 * other host's deliveries are made while it hangs. */
static void hanging_host_delays_no_one(void **state)
{
	struct world *wd = *state;
	struct fx *f = wd->f;
	people(wd);
	follow_all(wd, wd->alice);
	struct follow_options fo = {.reblogs = 1, .notify = 0};
	assert_int_equal(rel_follow(&f->c, wd->erin, wd->alice, &fo), RC_OK);
	flush(f);
	sink_reset();
	sink.status[1] = 0; /* erin's server hangs */
	for (int i = 0; i < 8; i++)
		post(f, wd->alice, "while one hangs", "public", 0);
	assert_true(events_drain(&f->c, true) >= 0);
	/* the worker runs in slices (each abandons what is still under way,
	 * erin's hanging POSTs, whose leases keep them) until bob's server got
	 * all eight, however slow this machine is */
	int to0 = 0;
	for (int k = 0; k < 200 && to0 < 8; k++) {
		assert_int_equal(deliver_run(&f->c, 500), 0);
		usleep(50000); /* a busy host's deliveries wait a second for a slot */
		pthread_mutex_lock(&sink.lock);
		to0 = 0;
		for (int i = 0; i < sink.n; i++)
			to0 += sink.got[i].host == 0;
		pthread_mutex_unlock(&sink.lock);
	}
	assert_int_equal(to0, 8);
	assert_int_equal(pending(f), 8); /* erin's, leased or waiting their turn */
}

static void backoff_and_finality(void **state)
{
	(void)state;
	assert_int_equal(deliver_backoff_ms(1, 0), 16000);
	assert_int_equal(deliver_backoff_ms(2, 0), 31000);
	assert_int_equal(deliver_backoff_ms(15, 0), (50625 + 15) * 1000LL);
	assert_int_equal(deliver_backoff_ms(3, 9), (81 + 15 + 9 * 4) * 1000LL);
	assert_true(deliver_status_final(202));
	assert_true(deliver_status_final(404));
	assert_true(deliver_status_final(410));
	assert_true(deliver_status_final(501));
	assert_false(deliver_status_final(401));
	assert_false(deliver_status_final(408));
	assert_false(deliver_status_final(429));
	assert_false(deliver_status_final(500));
	assert_false(deliver_status_final(503));
	char h[64];
	assert_true(outbox_url_host("https://Example.ORG:8443/inbox", h, sizeof h));
	assert_string_equal(h, "example.org:8443");
	assert_false(outbox_url_host("ftp://example.org/inbox", h, sizeof h));
	assert_false(outbox_url_host("https://user@example.org/inbox", h, sizeof h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(post_reaches_followers_servers_once, setup,
						teardown_world),
		cmocka_unit_test_setup_teardown(personal_inbox_activities, setup, teardown_world),
		cmocka_unit_test_setup_teardown(private_and_direct_stay_in_their_audience, setup,
						teardown_world),
		cmocka_unit_test_setup_teardown(reply_edit_delete, setup, teardown_world),
		cmocka_unit_test_setup_teardown(like_and_boost, setup, teardown_world),
		cmocka_unit_test_setup_teardown(follow_and_block, setup, teardown_world),
		cmocka_unit_test_setup_teardown(failures_retry_or_end, setup, teardown_world),
		cmocka_unit_test_setup_teardown(second_knock_in_rfc9421, setup, teardown_world),
		cmocka_unit_test_setup_teardown(breaker_rests_a_failing_host, setup, teardown_world),
		cmocka_unit_test_setup_teardown(unavailable_after_seven_days, setup,
						teardown_world),
		cmocka_unit_test_setup_teardown(hanging_host_delays_no_one, setup, teardown_world),
		cmocka_unit_test(backoff_and_finality),
	};
	assert_int_equal(fetch_init("test", true), 0);
	sink_start();
	int rc = cmocka_run_group_tests_name("deliver", tests, NULL, NULL);
	sink_stop();
	fetch_cleanup();
	return rc;
}
