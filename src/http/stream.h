/* stream.h - long-lived responses for the streaming API: Server-Sent
 * Events on a libmicrohttpd connection that is suspended while there is
 * nothing to send (no thread is held per stream), and WebSockets
 * (libmicrohttpd's connection upgrade, framed by libwslay) served by one
 * epoll thread of their own.
 *
 * A stream is made by a handler (stream_sse, stream_ws), registered in a
 * process-wide list, and ends when its connection does: the client left,
 * it read too slowly (more than cfg.stream_buffer bytes waiting: dropped,
 * never buffered further), or it was closed (stream_close_token, server
 * shutdown). Streams are reference-counted: the list holds one reference
 * while the connection lives; stream_each hands out more. */
#ifndef RAPPORT_STREAM_H
#define RAPPORT_STREAM_H

#include "http/http.h"

#include <pthread.h>
#include <stddef.h>

/* What a stream is subscribed to (api/streaming.c reads and writes these,
 * under the stream's lock; the transport never looks at them). */
#define STREAM_MAX_CHANNELS 16
struct stream_channel {
	int kind;        /* api/streaming.c's enum channel */
	int64_t list_id; /* list */
	char tag[64];    /* hashtag, case-folded */
};

struct stream;

/* The owner's callbacks (may be NULL). message: a text message from a
 * WebSocket client, called with the stream locked (stream_send may be
 * called from it). */
struct stream_ops {
	void (*message)(struct stream *s, const char *text, size_t n);
};

struct stream {
	/* Who is listening: set when made, read-only afterwards. */
	int64_t account_id, token_id;
	scope_set scopes;
	const struct stream_ops *ops;
	/* Subscriptions: under lock. */
	pthread_mutex_t lock; /* recursive */
	struct stream_channel ch[STREAM_MAX_CHANNELS];
	int nch;
	/* The transport's (stream.c). */
	bool ws;
	bool closed;    /* no more sends; the connection is ending */
	bool gone;      /* the connection has ended */
	bool suspended; /* SSE: the connection waits for data */
	_Atomic int refs;
	struct MHD_Connection *conn;
	struct MHD_UpgradeResponseHandle *urh;
	int fd;
	char *out;      /* SSE: bytes not yet handed to libmicrohttpd */
	size_t out_off, out_len, out_cap;
	char *extra;    /* WS: bytes read with the handshake, not yet framed */
	size_t extra_len, extra_off;
	void *wslay;    /* WS: wslay_event_context_ptr */
	struct stream *prev, *next; /* the list of live streams */
};

/* Starts the transport (the WebSocket thread); cfg must outlive it.
 * Returns 0, or -1 (logged). */
int stream_init(const struct config *cfg);
/* Closes every stream and waits (up to drain_ms) until their connections
 * have ended; then stops the WebSocket thread. Before MHD_stop_daemon. */
void stream_shutdown(int drain_ms);

/* Answers r with an event stream (200, text/event-stream) whose events
 * are sent with stream_send. Returns the stream, with one reference for
 * the caller (stream_unref it). */
struct stream *stream_sse(struct req *r, const struct stream_ops *ops);
/* Answers r with a WebSocket handshake (101) after checking the upgrade
 * headers; protocol, if not NULL, is echoed as Sec-WebSocket-Protocol.
 * Returns the stream with a reference for the caller, or NULL having
 * replied 400. */
struct stream *stream_ws(struct req *r, const struct stream_ops *ops, const char *protocol);
/* server.c: the libmicrohttpd response of a request answered with a
 * stream; on_completed calls stream_detach. */
struct MHD_Response *stream_response(struct req *r);
void stream_detach(struct req *r);

/* Queues one event: SSE "event: EVENT\ndata: PAYLOAD\n\n"; WebSocket
 * {"stream": STREAM_JSON, "event": EVENT, "payload": PAYLOAD} (payload as
 * a JSON string; stream_json is a JSON array, e.g. ["user"]). Returns
 * false when the stream is closed, or has just been dropped because its
 * reader is too slow. */
bool stream_send(struct stream *s, const char *event, const char *payload,
		 const char *stream_json);
/* A text message (WebSocket only: errors to the client's messages). */
bool stream_send_text(struct stream *s, const char *text);
/* A heartbeat: an SSE comment line, or a WebSocket ping. */
void stream_heartbeat(struct stream *s);
/* Ends the stream (its connection closes). */
void stream_close(struct stream *s);

/* The live streams, each with a reference the caller drops with
 * stream_unref; *n of them, in an array to free(). */
struct stream **stream_each(int *n);
void stream_unref(struct stream *s);
/* Live streams (cheap: a counter). */
int stream_count(void);

/* Closes every stream of a token (revoked) or of an account (suspended,
 * deleted); 0 matches nothing. Returns how many it closed. */
int stream_close_token(int64_t token_id);
int stream_close_account(int64_t account_id);

#endif
