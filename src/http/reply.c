/* reply.c - building responses. Every response body is JSON unless a
 * handler serves a page on purpose. */
#include "http/http.h"
#include "store/db_pg.h"
#include "util/log.h"
#include "util/util.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

static void set_body(struct req *r, unsigned status, const char *type, char *body, size_t len)
{
	if (r->replied) {
		log_error("handler replied twice for %s %s", r->method, r->path);
		free(body);
		return;
	}
	r->replied = true;
	if (status == 500 && db_pg_lost()) {
		/* The database's connection was lost, or could not be made, and
		 * nothing of the request was kept: a transient failure the client
		 * may try again (db_pg.h). */
		status = 503;
		reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
		if (strstr(type, "json")) {
			free(body);
			body = xstrdup("{\"error\":\"The database is unavailable: try again\"}");
			len = strlen(body);
		}
	}
	r->status = status;
	r->resp = body;
	r->resp_len = len;
	r->resp_type = type;
}

void reply_json(struct req *r, unsigned status, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	json_decref(j);
	if (!s) {
		s = xstrdup("{\"error\":\"Internal error\"}");
		status = 500;
	}
	set_body(r, status, "application/json; charset=utf-8", s, strlen(s));
}

void reply_json_bytes(struct req *r, unsigned status, char *body, size_t len)
{
	set_body(r, status, "application/json; charset=utf-8", body, len);
}

void reply_error(struct req *r, unsigned status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(&r->arena, fmt, ap);
	va_end(ap);
	reply_json(r, status, json_pack("{s:s}", "error", msg));
}

unsigned http_status_of(enum rc rc)
{
	static const unsigned map[] = {
		[RC_OK] = 200,           [RC_BAD_REQUEST] = 400, [RC_UNAUTHORIZED] = 401,
		[RC_FORBIDDEN] = 403,    [RC_NOT_FOUND] = 404,   [RC_INVALID] = 422,
		[RC_RATE_LIMITED] = 429, [RC_INTERNAL] = 500,    [RC_UNAVAILABLE] = 503,
	};
	return (unsigned)rc < sizeof map / sizeof map[0] ? map[rc] : 500;
}

static void retry_after(struct req *r)
{
	if (r->core.err.rc == RC_RATE_LIMITED)
		reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER,
			     arena_printf(&r->arena, "%d", r->core.err.retry_after > 0
							       ? r->core.err.retry_after
							       : 1));
}

void reply_core_error(struct req *r)
{
	const struct core_error *e = &r->core.err;
	retry_after(r);
	json_t *j = json_pack("{s:s}", "error", e->msg ? e->msg : "Internal error");
	if (e->field && e->rc == RC_INVALID)
		json_object_set_new(j, "details",
				    json_pack("{s:[{s:s, s:s}]}", e->field, "error", "ERR_INVALID",
					      "description", e->msg ? e->msg : ""));
	reply_json(r, http_status_of(e->rc), j);
}

void reply_oauth_error(struct req *r)
{
	const struct core_error *e = &r->core.err;
	retry_after(r);
	const char *code = e->field;
	if (!code)
		code = e->rc == RC_UNAUTHORIZED ? "invalid_client"
		       : e->rc == RC_RATE_LIMITED ? "rate_limited"
		       : e->rc == RC_INTERNAL     ? "server_error"
						  : "invalid_request";
	reply_json(r, http_status_of(e->rc),
		   json_pack("{s:s, s:s}", "error", code, "error_description",
			     e->msg ? e->msg : ""));
}

void reply_html(struct req *r, unsigned status, const char *html)
{
	set_body(r, status, "text/html; charset=utf-8", xstrdup(html), strlen(html));
}

void reply_text(struct req *r, unsigned status, const char *type, const char *body)
{
	set_body(r, status, type, xstrdup(body), strlen(body));
}

void reply_bytes(struct req *r, unsigned status, const char *type, const void *p, size_t n)
{
	char *copy = xmalloc(n);
	memcpy(copy, p, n);
	set_body(r, status, type, copy, n);
}

void reply_fd(struct req *r, unsigned status, const char *type, int fd, uint64_t off,
	      uint64_t len)
{
	if (r->replied) {
		close(fd);
		set_body(r, status, type, NULL, 0); /* logs the second reply */
		return;
	}
	set_body(r, status, type, NULL, (size_t)len);
	r->resp_fd = fd;
	r->resp_off = off;
}

void reply_redirect(struct req *r, const char *location)
{
	reply_header(r, MHD_HTTP_HEADER_LOCATION, arena_strdup(&r->arena, location));
	set_body(r, 302, "text/html; charset=utf-8", xstrdup(""), 0);
}

void reply_header(struct req *r, const char *name, const char *value)
{
	if (r->nheaders >= REQ_MAX_HEADERS) {
		log_error("too many response headers for %s", r->path);
		return;
	}
	r->hname[r->nheaders] = name;
	r->hvalue[r->nheaders++] = value;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}
