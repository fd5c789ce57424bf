/* http.h - the request, its lifecycle, and the helpers handlers use.
 *
 * Lifecycle: libmicrohttpd calls server.c for each request; server.c makes
 * a `struct req` with its own arena, reads the body into a capped buffer,
 * then router.c parses parameters, authenticates, checks the route's scope
 * and rate limit, borrows a store connection and calls the handler. The
 * handler sets exactly one response with a reply_* function. When the
 * response has been sent, server.c logs one access line, returns the store
 * connection and frees the arena: nothing allocated for a request outlives
 * it unless it was allocated on purpose elsewhere. */
#ifndef RAPPORT_HTTP_H
#define RAPPORT_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "core/scopes.h"
#include "store/oauth.h"
#include "util/arena.h"
#include "util/buf.h"

struct MHD_Connection;
struct server;
struct upload;

/* What a response may load and how long it may be kept: the headers
 * server.c adds (Content-Security-Policy on HTML, Cache-Control). Each
 * route declares one; a handler may change r->policy before replying. */
enum policy {
	POLICY_PRIVATE = 0, /* API answers, forms: HTML may load only our
			     * stylesheet and images; HTML is never stored */
	POLICY_PUBLIC,      /* public pages and feeds: same-origin styles,
			     * images (and https ones) and scripts, no inline
			     * code; a 200 is cacheable for a minute */
	POLICY_APP,         /* the single-page app's shell: script-src 'self',
			     * connect-src 'self', no inline code; revalidated */
	POLICY_ASSET,       /* static files: static.c sets Cache-Control */
};

#define REQ_MAX_HEADERS 16
#define REQ_MAX_PATH_PARAMS 4

struct req {
	struct server *srv;
	struct MHD_Connection *conn;
	struct arena arena;
	const char *method;
	const char *path;    /* without query, without trailing slash */
	const char *ip;
	const char *content_type;
	int64_t start_ms;

	struct buf body;     /* capped at cfg.max_body */
	bool body_too_large;
	struct upload *upload; /* multipart/form-data bodies (http/upload.h), or NULL */
	int upload_err;      /* enum upload_error of the body, once read */
	json_t *params;      /* query + body + path parameters (owned) */
	const char *path_param[REQ_MAX_PATH_PARAMS];

	/* Set by the router before the handler runs. */
	struct core core;    /* db, arena, cfg, error */
	bool has_token;
	struct token token;
	scope_set scopes;
	int64_t account_id;  /* 0: anonymous or app token */
	enum policy policy;  /* the route's, unless the handler changes it */

	/* The response. */
	unsigned status;
	char *resp;          /* malloc'ed; handed to libmicrohttpd */
	size_t resp_len;
	const char *resp_type;
	int resp_fd;         /* >= 0: the body is this file's bytes from resp_off
			      * (resp_len of them); libmicrohttpd closes it */
	uint64_t resp_off;
	int nheaders;
	const char *hname[REQ_MAX_HEADERS], *hvalue[REQ_MAX_HEADERS];
	bool replied;
	struct stream *stream; /* answered with a stream (http/stream.h) */
	char *kept;            /* a stream's method, ip and path once its arena is gone */
};

/* ---- responses (each handler calls exactly one) ---- */

/* Takes ownership of j. */
void reply_json(struct req *r, unsigned status, json_t *j);
/* A JSON body already serialised; takes the malloc'ed bytes. */
void reply_json_bytes(struct req *r, unsigned status, char *body, size_t len);
/* {"error": msg} */
void reply_error(struct req *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Maps the core error in r->core.err to a status and JSON body. */
void reply_core_error(struct req *r);
/* Like reply_core_error, in OAuth's shape {"error": code, "error_description"}. */
void reply_oauth_error(struct req *r);
/* html is copied. */
void reply_html(struct req *r, unsigned status, const char *html);
void reply_text(struct req *r, unsigned status, const char *type, const char *body);
/* Binary body; bytes are copied. */
void reply_bytes(struct req *r, unsigned status, const char *type, const void *p, size_t n);
void reply_redirect(struct req *r, const char *location);
/* A body read from fd (taken: closed once sent or on failure): len bytes
 * from off. */
void reply_fd(struct req *r, unsigned status, const char *type, int fd, uint64_t off,
	      uint64_t len);
/* Adds a response header (name and value must live as long as the request). */
void reply_header(struct req *r, const char *name, const char *value);
/* The HTTP status for an rc. */
unsigned http_status_of(enum rc rc);

/* ---- parameters ---- */

/* The string value of a parameter (numbers and booleans are rendered), or
 * NULL if absent or not a scalar. */
const char *param_str(struct req *r, const char *name);
/* A nested parameter, e.g. param_str2(r, "source", "privacy"). */
const char *param_str2(struct req *r, const char *outer, const char *inner);
/* -1 when absent; 0/1 from loose booleans otherwise. */
int param_bool(struct req *r, const char *name);
bool param_has(struct req *r, const char *name);
json_t *param_get(struct req *r, const char *name);
/* The i-th path parameter (":id" segments in route order). */
const char *path_param(struct req *r, int i);

/* Parses an application/x-www-form-urlencoded string (or a query string)
 * into obj: `a=1`, `a[]=1&a[]=2` (array), `a[b][c]=1` (objects). Returns 0,
 * or -1 on invalid UTF-8, NUL bytes or nesting deeper than 8. */
int params_parse_form(const char *s, size_t n, json_t *obj);
/* Adds one decoded key/value, with the bracket syntax above. */
int params_add(json_t *obj, const char *key, size_t klen, const char *val, size_t vlen);

/* ---- headers ---- */
const char *req_header(struct req *r, const char *name);

#endif
