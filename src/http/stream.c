/* stream.c - the streaming API's transport: Server-Sent Events on
 * suspended libmicrohttpd connections, WebSockets on upgraded ones framed
 * by libwslay in one epoll thread, the list of live streams, heartbeats
 * and dropping slow readers. */
#include "http/stream.h"
#include "util/jw.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <wslay/wslay.h>

#define WS_MAX_MESSAGE 4096 /* a client's subscribe/unsubscribe message */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

static struct {
	pthread_mutex_t lock;
	struct stream *head;
	_Atomic int count;
	const struct config *cfg;
	int ep;
	pthread_t thread;
	atomic_bool running;
} reg = {.lock = PTHREAD_MUTEX_INITIALIZER, .ep = -1};

/* ---- the list ---- */

static void list_add(struct stream *s)
{
	pthread_mutex_lock(&reg.lock);
	s->next = reg.head;
	if (reg.head)
		reg.head->prev = s;
	reg.head = s;
	atomic_fetch_add(&reg.count, 1);
	pthread_mutex_unlock(&reg.lock);
}

/* Takes s off the list (once) and drops the list's reference. */
static void list_remove(struct stream *s)
{
	bool was = false;
	pthread_mutex_lock(&reg.lock);
	if (s->prev || s->next || reg.head == s) {
		was = true;
		if (s->prev)
			s->prev->next = s->next;
		else
			reg.head = s->next;
		if (s->next)
			s->next->prev = s->prev;
		s->prev = s->next = NULL;
		atomic_fetch_sub(&reg.count, 1);
	}
	pthread_mutex_unlock(&reg.lock);
	if (was)
		stream_unref(s);
}

int stream_count(void)
{
	return atomic_load(&reg.count);
}

struct stream **stream_each(int *n)
{
	pthread_mutex_lock(&reg.lock);
	int cap = atomic_load(&reg.count);
	struct stream **v = xcalloc((size_t)cap + 1, sizeof *v);
	*n = 0;
	for (struct stream *s = reg.head; s && *n < cap; s = s->next) {
		atomic_fetch_add(&s->refs, 1);
		v[(*n)++] = s;
	}
	pthread_mutex_unlock(&reg.lock);
	return v;
}

void stream_unref(struct stream *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	if (s->wslay)
		wslay_event_context_free(s->wslay);
	pthread_mutex_destroy(&s->lock);
	free(s->out);
	free(s->extra);
	free(s);
}

static struct stream *stream_new(struct req *r, const struct stream_ops *ops, bool ws)
{
	struct stream *s = xcalloc(1, sizeof *s);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->lock, &a);
	pthread_mutexattr_destroy(&a);
	s->account_id = r->account_id;
	s->token_id = r->has_token ? r->token.id : 0;
	s->scopes = r->scopes;
	s->ops = ops;
	s->ws = ws;
	s->fd = -1;
	s->conn = r->conn;
	atomic_store(&s->refs, 2); /* the list's and the caller's */
	atomic_fetch_add(&s->refs, 1); /* the request's, until stream_detach */
	r->stream = s;
	r->replied = true;
	list_add(s);
	return s;
}

/* ---- closing ---- */

/* The socket's reader sees the end at once; the thread serving the
 * connection then ends it. With s locked and the connection alive, so
 * the descriptor is still the connection's. */
static void cut(struct stream *s)
{
	if (s->fd >= 0 && !s->gone)
		shutdown(s->fd, SHUT_RDWR);
}

/* With s locked: no more sends; SSE bytes not yet sent are dropped. */
static void close_locked(struct stream *s, bool drop)
{
	if (s->closed)
		return;
	s->closed = true;
	s->out_off = s->out_len = 0;
	if (s->ws || drop)
		cut(s);
	if (!s->ws && s->suspended && !s->gone) { /* the reader sees the end */
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

void stream_close(struct stream *s)
{
	pthread_mutex_lock(&s->lock);
	close_locked(s, false);
	pthread_mutex_unlock(&s->lock);
}

static int close_where(bool (*match)(const struct stream *, int64_t), int64_t id)
{
	int n, closed = 0;
	struct stream **v = stream_each(&n);
	for (int i = 0; i < n; i++) {
		if (id && match(v[i], id)) {
			stream_close(v[i]);
			closed++;
		}
		stream_unref(v[i]);
	}
	free(v);
	return closed;
}

static bool of_token(const struct stream *s, int64_t id)
{
	return s->token_id == id;
}

static bool of_account(const struct stream *s, int64_t id)
{
	return s->account_id == id;
}

int stream_close_token(int64_t token_id)
{
	return close_where(of_token, token_id);
}

int stream_close_account(int64_t account_id)
{
	return close_where(of_account, account_id);
}

/* The kernel's send buffer of a stream's socket is fixed at the stream's
 * cap too: left to autotuning, a reader that stops reading would have
 * megabytes queued in the kernel before its stream noticed. */
static void bound_sndbuf(int fd)
{
	int n = reg.cfg->stream_buffer > (1 << 20) ? 1 << 20 : (int)reg.cfg->stream_buffer;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &n, sizeof n);
}

/* ---- Server-Sent Events ---- */

/* Appends n bytes to the SSE buffer (s locked); false past the cap. */
static bool out_append(struct stream *s, const char *p, size_t n)
{
	size_t pending = s->out_len - s->out_off;
	if (pending + n > reg.cfg->stream_buffer)
		return false;
	if (s->out_off && s->out_len + n > s->out_cap) {
		memmove(s->out, s->out + s->out_off, pending);
		s->out_off = 0;
		s->out_len = pending;
	}
	if (s->out_len + n > s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap * 2 : 1024;
		while (cap < s->out_len + n)
			cap *= 2;
		s->out = xrealloc(s->out, cap);
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
	if (s->suspended && !s->gone) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
	return true;
}

/* libmicrohttpd asks for the next bytes: what is buffered, the end, or
 * nothing yet (the connection is suspended until stream_send resumes it:
 * no thread waits on an idle stream). */
static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)pos;
	struct stream *s = cls;
	ssize_t n = 0;
	pthread_mutex_lock(&s->lock);
	if (s->out_len > s->out_off) {
		size_t k = s->out_len - s->out_off < max ? s->out_len - s->out_off : max;
		memcpy(buf, s->out + s->out_off, k);
		s->out_off += k;
		if (s->out_off == s->out_len) { /* idle streams hold no buffer */
			free(s->out);
			s->out = NULL;
			s->out_off = s->out_len = s->out_cap = 0;
		}
		n = (ssize_t)k;
	} else if (s->closed) {
		n = MHD_CONTENT_READER_END_OF_STREAM;
	} else {
		s->suspended = true;
		MHD_suspend_connection(s->conn);
	}
	pthread_mutex_unlock(&s->lock);
	return n;
}

struct stream *stream_sse(struct req *r, const struct stream_ops *ops)
{
	struct stream *s = stream_new(r, ops, false);
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	s->fd = ci ? ci->connect_fd : -1;
	bound_sndbuf(s->fd);
	r->status = 200;
	r->resp_type = "text/event-stream";
	pthread_mutex_lock(&s->lock);
	if (!out_append(s, ":)\n", 3))
		close_locked(s, true);
	pthread_mutex_unlock(&s->lock);
	return s;
}

/* ---- WebSockets ---- */

static ssize_t ws_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
		       void *user)
{
	(void)flags;
	struct stream *s = user;
	if (s->extra_off < s->extra_len) {
		size_t k = s->extra_len - s->extra_off < len ? s->extra_len - s->extra_off : len;
		memcpy(buf, s->extra + s->extra_off, k);
		s->extra_off += k;
		return (ssize_t)k;
	}
	ssize_t n = recv(s->fd, buf, len, 0);
	if (n > 0)
		return n;
	wslay_event_set_error(ctx, n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
					   ? WSLAY_ERR_WOULDBLOCK
					   : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static ssize_t ws_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
		       void *user)
{
	(void)flags;
	struct stream *s = user;
	ssize_t n = send(s->fd, data, len, MSG_NOSIGNAL);
	if (n >= 0)
		return n;
	wslay_event_set_error(ctx, errno == EAGAIN || errno == EWOULDBLOCK
					   ? WSLAY_ERR_WOULDBLOCK
					   : WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static void ws_message(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *m,
		       void *user)
{
	(void)ctx;
	struct stream *s = user;
	if (m->opcode == WSLAY_TEXT_FRAME && s->ops && s->ops->message && !s->closed)
		s->ops->message(s, (const char *)m->msg, m->msg_length);
}

static const struct wslay_event_callbacks ws_callbacks = {
	.recv_callback = ws_recv,
	.send_callback = ws_send,
	.on_msg_recv_callback = ws_message,
};

/* With s locked: the epoll interest that wslay's wishes call for. */
static void ws_want(struct stream *s)
{
	if (!s->wslay || s->gone)
		return;
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = s};
	if (wslay_event_want_write(s->wslay))
		e.events |= EPOLLOUT;
	epoll_ctl(reg.ep, EPOLL_CTL_MOD, s->fd, &e);
}

/* The connection has ended (on the WebSocket thread): off epoll, handed
 * back to libmicrohttpd, off the list. */
static void ws_end(struct stream *s)
{
	pthread_mutex_lock(&s->lock);
	epoll_ctl(reg.ep, EPOLL_CTL_DEL, s->fd, NULL);
	s->closed = s->gone = true;
	struct MHD_UpgradeResponseHandle *urh = s->urh;
	s->urh = NULL;
	pthread_mutex_unlock(&s->lock);
	if (urh)
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
	list_remove(s);
}

static void ws_service(struct stream *s, uint32_t events)
{
	pthread_mutex_lock(&s->lock);
	wslay_event_context_ptr ctx = s->wslay;
	bool end = s->gone || !ctx;
	if (!end && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && wslay_event_recv(ctx))
		end = true;
	if (!end && wslay_event_want_write(ctx) && wslay_event_send(ctx))
		end = true;
	if (!end && !wslay_event_want_read(ctx) && !wslay_event_want_write(ctx))
		end = true; /* the closing handshake is done */
	if (!end)
		ws_want(s);
	pthread_mutex_unlock(&s->lock);
	if (end && !s->gone)
		ws_end(s);
}

static void *ws_main(void *arg)
{
	(void)arg;
	struct epoll_event ev[64];
	while (atomic_load(&reg.running)) {
		int n = epoll_wait(reg.ep, ev, 64, 200);
		for (int i = 0; i < n; i++)
			ws_service(ev[i].data.ptr, ev[i].events);
	}
	return NULL;
}

/* libmicrohttpd has sent the 101 and hands the socket over. */
static void ws_upgraded(void *cls, struct MHD_Connection *conn, void *con_cls,
			const char *extra_in, size_t extra_in_size, MHD_socket sock,
			struct MHD_UpgradeResponseHandle *urh)
{
	(void)conn;
	(void)con_cls;
	struct stream *s = cls;
	pthread_mutex_lock(&s->lock);
	s->fd = sock;
	s->urh = urh;
	if (extra_in_size) {
		s->extra = xrealloc(NULL, extra_in_size);
		memcpy(s->extra, extra_in, extra_in_size);
		s->extra_len = extra_in_size;
	}
	fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
	bound_sndbuf(sock);
	wslay_event_context_ptr ctx = NULL;
	bool ok = wslay_event_context_server_init(&ctx, &ws_callbacks, s) == 0;
	if (ok) {
		wslay_event_config_set_max_recv_msg_length(ctx, WS_MAX_MESSAGE);
		s->wslay = ctx;
		struct epoll_event e = {.events = EPOLLIN | EPOLLOUT, .data.ptr = s};
		ok = epoll_ctl(reg.ep, EPOLL_CTL_ADD, sock, &e) == 0;
	}
	if (!ok || s->closed)
		cut(s); /* the thread sees the end; or, with no epoll, below */
	pthread_mutex_unlock(&s->lock);
	if (!ok) {
		log_error("stream: cannot serve a WebSocket: %s", strerror(errno));
		ws_end(s);
	}
}

static bool header_has(struct req *r, const char *name, const char *token)
{
	const char *v = req_header(r, name);
	return v && strcasestr(v, token);
}

/* Sec-WebSocket-Accept for a key: base64(SHA-1(key GUID)). */
static const char *ws_accept(struct req *r, const char *key)
{
	const char *in = arena_printf(&r->arena, "%s%s", key, WS_GUID);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(in, strlen(in), md, &mdlen, EVP_sha1(), NULL))
		return NULL;
	char *out = arena_alloc(&r->arena, 4 * ((mdlen + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	return out;
}

struct stream *stream_ws(struct req *r, const struct stream_ops *ops, const char *protocol)
{
	const char *key = req_header(r, "Sec-WebSocket-Key");
	const char *version = req_header(r, "Sec-WebSocket-Version");
	if (!header_has(r, "Upgrade", "websocket") || !header_has(r, "Connection", "upgrade") ||
	    !key || strlen(key) != 24 || !version || strcmp(version, "13")) {
		reply_error(r, 400, "Bad Request: this path takes a WebSocket (version 13)");
		return NULL;
	}
	const char *accept = ws_accept(r, key);
	if (!accept) {
		reply_error(r, 500, "Internal error");
		return NULL;
	}
	reply_header(r, "Sec-WebSocket-Accept", accept);
	if (protocol)
		reply_header(r, "Sec-WebSocket-Protocol", protocol);
	struct stream *s = stream_new(r, ops, true);
	r->status = MHD_HTTP_SWITCHING_PROTOCOLS;
	return s;
}

/* ---- sending ---- */

/* With s locked: a frame for wslay, unless too much is queued already. */
static bool ws_queue(struct stream *s, enum wslay_opcode op, const char *p, size_t n)
{
	if (!s->wslay)
		return true; /* not upgraded yet: nothing to deliver to */
	if (wslay_event_get_queued_msg_length(s->wslay) + n > reg.cfg->stream_buffer)
		return false;
	struct wslay_event_msg m = {op, (const uint8_t *)p, n};
	if (wslay_event_queue_msg(s->wslay, &m))
		return false;
	ws_want(s);
	return true;
}

/* With s locked: the reader is too slow, it goes. */
static bool dropped(struct stream *s)
{
	log_warn("stream: dropped a %s stream of account %lld: more than %zu bytes unread",
		 s->ws ? "WebSocket" : "SSE", (long long)s->account_id, reg.cfg->stream_buffer);
	close_locked(s, true);
	return false;
}

/* {"stream": [...], "event": "...", "payload": "..."} */
static char *ws_event_text(const char *event, const char *payload, const char *stream_json)
{
	struct jw w;
	jw_init(&w, strlen(payload) * 6 + strlen(stream_json) + 256);
	jw_obj(&w);
	jw_key(&w, "stream");
	jw_raw(&w, stream_json);
	jw_key(&w, "event");
	jw_str(&w, event);
	jw_key(&w, "payload");
	jw_str(&w, payload);
	jw_obj_end(&w);
	size_t len;
	char *text = jw_ok(&w) ? jw_steal(&w, &len) : NULL;
	jw_free(&w);
	return text;
}

static char *sse_event_text(const char *event, const char *payload)
{
	size_t n = strlen(event) + strlen(payload) + 18;
	char *text = xmalloc(n);
	snprintf(text, n, "event: %s\ndata: %s\n\n", event, payload);
	return text;
}

bool stream_send(struct stream *s, const char *event, const char *payload,
		 const char *stream_json)
{
	char *text = s->ws ? ws_event_text(event, payload, stream_json)
			   : sse_event_text(event, payload);
	bool ok = false;
	pthread_mutex_lock(&s->lock);
	if (text && !s->closed) {
		ok = s->ws ? ws_queue(s, WSLAY_TEXT_FRAME, text, strlen(text))
			   : out_append(s, text, strlen(text));
		if (!ok)
			ok = dropped(s);
	}
	pthread_mutex_unlock(&s->lock);
	free(text);
	return ok;
}

bool stream_send_text(struct stream *s, const char *text)
{
	bool ok = false;
	pthread_mutex_lock(&s->lock);
	if (s->ws && !s->closed && !(ok = ws_queue(s, WSLAY_TEXT_FRAME, text, strlen(text))))
		dropped(s);
	pthread_mutex_unlock(&s->lock);
	return ok;
}

void stream_heartbeat(struct stream *s)
{
	pthread_mutex_lock(&s->lock);
	if (!s->closed && !(s->ws ? ws_queue(s, WSLAY_PING, "", 0) : out_append(s, ":thump\n", 7)))
		dropped(s);
	pthread_mutex_unlock(&s->lock);
}

/* ---- libmicrohttpd ---- */

struct MHD_Response *stream_response(struct req *r)
{
	struct stream *s = r->stream;
	struct MHD_Response *resp;
	if (s->ws) {
		resp = MHD_create_response_for_upgrade(ws_upgraded, s);
		if (resp)
			MHD_add_response_header(resp, MHD_HTTP_HEADER_UPGRADE, "websocket");
		return resp;
	}
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, sse_read, s, NULL);
	if (resp) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	}
	return resp;
}

void stream_detach(struct req *r)
{
	struct stream *s = r->stream;
	r->stream = NULL;
	pthread_mutex_lock(&s->lock);
	/* An SSE connection ends here; a WebSocket when its thread ends it
	 * (ws_end), or here if it was never upgraded. */
	bool ended = !s->ws || (!s->urh && !s->wslay);
	if (ended) {
		s->closed = s->gone = true;
		s->conn = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	if (ended)
		list_remove(s);
	stream_unref(s);
}

/* ---- start and stop ---- */

int stream_init(const struct config *cfg)
{
	reg.cfg = cfg;
	reg.ep = epoll_create1(EPOLL_CLOEXEC);
	if (reg.ep < 0) {
		log_error("stream: epoll_create1: %s", strerror(errno));
		return -1;
	}
	atomic_store(&reg.running, true);
	if (pthread_create(&reg.thread, NULL, ws_main, NULL)) {
		log_error("stream: cannot start the WebSocket thread");
		close(reg.ep);
		reg.ep = -1;
		return -1;
	}
	return 0;
}

void stream_shutdown(int drain_ms)
{
	if (reg.ep < 0)
		return;
	int n;
	struct stream **v = stream_each(&n);
	for (int i = 0; i < n; i++) {
		stream_close(v[i]);
		stream_unref(v[i]);
	}
	free(v);
	int64_t until = mono_ms() + drain_ms;
	while (stream_count() > 0 && mono_ms() < until)
		usleep(5 * 1000);
	if (stream_count() > 0)
		log_warn("stopping with %d streams open", stream_count());
	atomic_store(&reg.running, false);
	pthread_join(reg.thread, NULL);
	close(reg.ep);
	reg.ep = -1;
}
