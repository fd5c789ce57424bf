/* server.c - libmicrohttpd glue: request setup, body reading with a cap,
 * response sending, access log and teardown. */
#include "http/server.h"
#include "http/http.h"
#include "http/router.h"
#include "http/upload.h"
#include "http/stream.h"
#include "core/core.h"
#include "util/log.h"
#include "util/netaddr.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

/* libmicrohttpd's memory per connection: caps request headers (431 past
 * it). It touches most of it on every connection, streams included: at
 * 32 KiB a stream cost about 32 KB of resident memory, at 16 KiB 5,000
 * streams add 83 MB (docs/BENCHMARKS.md, "Streaming"). */
#define HEADER_MEMORY (16 * 1024)

#define XFF_MAX_HEADERS 16 /* X-Forwarded-For headers read in one request */

/* The X-Forwarded-For headers of a request, in the order received. */
struct xff {
	const char *v[XFF_MAX_HEADERS];
	int n;
};

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct xff *x = cls;
	if (value && !strcasecmp(key, "X-Forwarded-For") && x->n < XFF_MAX_HEADERS)
		x->v[x->n++] = value;
	return MHD_YES;
}

/* One entry of n bytes, spaces around it allowed. */
static bool parse_entry(const char *e, size_t n, struct netaddr *out)
{
	for (; n && (*e == ' ' || *e == '\t'); e++, n--)
		;
	while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
		n--;
	return netaddr_parse(e, n, out);
}

/* Walks one header's entries from the right, moving *client to each.
 * Returns true if every entry was a trusted proxy (read on leftwards). */
static bool walk_header(const char *v, const struct cidr_list *trusted, struct netaddr *client)
{
	size_t end = strlen(v);
	for (;;) {
		size_t start = end;
		while (start > 0 && v[start - 1] != ',')
			start--;
		struct netaddr a;
		if (!parse_entry(v + start, end - start, &a))
			return false; /* not an address: the last trusted hop stands */
		*client = a;
		if (!cidr_list_match(trusted, &a))
			return false;
		if (start == 0)
			return true;
		end = start - 1;
	}
}

/* The client behind trusted proxies: the right-most X-Forwarded-For entry
 * that is not itself a trusted proxy (the left-most if all are). */
static void forwarded_client(struct req *r, const struct cidr_list *trusted,
			     struct netaddr *client)
{
	struct xff x = {.n = 0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_xff, &x);
	for (int i = x.n - 1; i >= 0; i--)
		if (!walk_header(x.v[i], trusted, client))
			return;
}

/* The socket peer; behind a trusted proxy, the client it reports. Printed
 * from the parsed address, so a header cannot put text in the log. */
static const char *client_ip(struct req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct netaddr a;
	if (!ci || !ci->client_addr || !netaddr_from_sockaddr(ci->client_addr, &a))
		return "?";
	const struct cidr_list *trusted = &r->srv->cfg->trusted_proxies;
	if (trusted->n && cidr_list_match(trusted, &a))
		forwarded_client(r, trusted, &a);
	char ip[NETADDR_STRLEN];
	netaddr_format(&a, ip);
	return arena_strdup(&r->arena, ip);
}

static char *normalise_path(struct arena *a, const char *url)
{
	size_t n = strcspn(url, "?");
	while (n > 1 && url[n - 1] == '/')
		n--;
	return arena_strndup(a, url, n);
}

static struct req *req_new(struct server *srv, struct MHD_Connection *conn, const char *url,
			   const char *method)
{
	struct req *r = xcalloc(1, sizeof *r);
	arena_init(&r->arena);
	r->srv = srv;
	r->conn = conn;
	r->start_ms = mono_ms();
	r->method = arena_strdup(&r->arena, method);
	r->path = normalise_path(&r->arena, url);
	r->ip = client_ip(r);
	r->content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	buf_init(&r->body, srv->cfg->max_body);
	r->resp_fd = -1;
	atomic_fetch_add(&srv->inflight, 1);
	return r;
}

/* The policies of http.h as headers. Only our stylesheet, images and
 * scripts are loaded; no page has inline code. */
static const char *const CSP_PRIVATE =
	"default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; "
	"base-uri 'none'";
static const char *const CSP_PUBLIC =
	"default-src 'none'; style-src 'self'; img-src 'self' https: data:; media-src 'self'; "
	"script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
static const char *const CSP_APP =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data: "
	"blob:; media-src 'self' https: blob:; font-src 'self'; connect-src 'self'; "
	"manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'";
/* An SVG opened on its own must not run scripts. */
static const char *const CSP_SVG = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

static void add_policy_headers(struct req *r, struct MHD_Response *resp)
{
	bool html = r->resp_type && str_has_prefix(r->resp_type, "text/html");
	if (html) {
		MHD_add_response_header(resp, "Content-Security-Policy",
					r->policy == POLICY_PUBLIC ? CSP_PUBLIC
					: r->policy == POLICY_APP  ? CSP_APP
								   : CSP_PRIVATE);
		MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	} else if (r->resp_type && str_has_prefix(r->resp_type, "image/svg")) {
		MHD_add_response_header(resp, "Content-Security-Policy", CSP_SVG);
	}
	if (r->policy == POLICY_PUBLIC)
		MHD_add_response_header(resp, "Cache-Control",
					r->status == 200 ? "public, max-age=60" : "no-store");
	else if (r->policy == POLICY_PRIVATE && html)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* POLICY_APP and POLICY_ASSET: static.c has set Cache-Control. */
}

static void add_common_headers(struct req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
	MHD_add_response_header(resp, "Access-Control-Expose-Headers",
				"Link, X-RateLimit-Reset, X-RateLimit-Limit, "
				"X-RateLimit-Remaining, X-Request-Id, Idempotency-Key");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	add_policy_headers(r, resp);
	if (r->resp_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->resp_type);
	for (int i = 0; i < r->nheaders; i++)
		MHD_add_response_header(resp, r->hname[i], r->hvalue[i]);
}

static enum MHD_Result send_reply(struct req *r)
{
	if (!r->replied)
		reply_error(r, 500, "Internal error");
	struct MHD_Response *resp;
	if (r->stream) {
		resp = stream_response(r);
	} else if (r->resp_fd >= 0) {
		resp = MHD_create_response_from_fd_at_offset64(r->resp_len, r->resp_fd,
							       r->resp_off);
		if (!resp)
			close(r->resp_fd);
		r->resp_fd = -1; /* owned by libmicrohttpd now (or closed) */
	} else {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp,
						       MHD_RESPMEM_MUST_FREE);
		if (resp)
			r->resp = NULL; /* owned by libmicrohttpd now */
	}
	if (!resp)
		return MHD_NO;
	add_common_headers(r, resp);
	enum MHD_Result ret = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The bytes a file of the route's multipart body may have: the largest
 * media cap for uploads, the archive cap for an audit; 0 for the routes
 * that take no files (their text fields only, within the body cap). */
static uint64_t file_cap_of(const struct req *r, const struct config *cfg)
{
	static const char *const paths[] = {"/api/v1/media", "/api/v2/media",
					    "/api/v1/accounts/update_credentials"};
	/* a thumbnail (an image): PUT /api/v1/media/:id */
	if (!strcmp(r->method, "PUT") && !strncmp(r->path, "/api/v1/media/", 14) && r->path[14] &&
	    !strchr(r->path + 14, '/'))
		return cfg->media_image_max;
	if (strcmp(r->method, "POST") && strcmp(r->method, "PATCH"))
		return 0;
	if (!strcmp(r->path, "/api/rapport/v1/audit"))
		return cfg->audit_upload_max;
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (!strcmp(r->path, paths[i]))
			return cfg->media_image_max > cfg->media_video_max ? cfg->media_image_max
									   : cfg->media_video_max;
	return 0;
}

/* The first call for a multipart body: the post processor, the cap that
 * applies (files go to disk, so a route that takes them may send up to
 * the largest media cap), and no body read from a caller that sends no
 * credentials to a route that needs them. Returns -1 after replying. */
static int start_upload(struct req *r, uint64_t *cap)
{
	const struct config *cfg = r->srv->cfg;
	uint64_t file_cap = file_cap_of(r, cfg);
	bool files = file_cap > 0;
	if (files && !MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization") &&
	    !MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "access_token")) {
		reply_error(r, 401, "This method requires an authenticated user");
		return -1;
	}
	r->upload = upload_new(r->conn, files ? r->srv->upload_dir : NULL, file_cap,
			       cfg->max_body);
	if (!r->upload) {
		reply_error(r, 400, "Malformed multipart body: no boundary");
		return -1;
	}
	*cap = files ? file_cap * UPLOAD_MAX_FILES + cfg->max_body : cfg->max_body;
	return 0;
}

static void upload_reply(struct req *r)
{
	switch (r->upload_err) {
	case UPLOAD_TOO_LARGE:
		reply_error(r, 413, "File or form fields too large");
		break;
	case UPLOAD_NO_FILES:
		reply_error(r, 422, "Validation failed: this request takes no such file");
		break;
	case UPLOAD_IO:
		reply_error(r, 500, "Internal error: the upload could not be stored");
		break;
	default:
		reply_error(r, 400, "Malformed multipart body");
	}
}

static bool is_multipart(const struct req *r)
{
	return r->content_type && !strncasecmp(r->content_type, "multipart/form-data", 19);
}

static enum MHD_Result first_call(struct server *srv, struct req *r)
{
	const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	uint64_t cap = srv->cfg->max_body;
	if (is_multipart(r) && strcmp(r->method, "GET") && start_upload(r, &cap))
		return send_reply(r);
	if (cl && strtoull(cl, NULL, 10) > cap) {
		/* Answer before reading the body; libmicrohttpd then
		 * closes the connection instead of reading it. */
		reply_error(r, 413, "Request body too large (limit %llu bytes)",
			    (unsigned long long)cap);
		return send_reply(r);
	}
	return MHD_YES;
}

static void body_chunk(struct req *r, const char *data, size_t n)
{
	if (r->upload) {
		if (!r->upload_err)
			r->upload_err = (int)upload_feed(r->upload, data, n);
	} else if (!r->body_too_large && buf_append(&r->body, data, n)) {
		r->body_too_large = true;
	}
}

/* A stream's request lives as long as its connection (hours): what only
 * the handler needed (the arena's block, parameters, body) goes at once,
 * keeping the three strings the access log still prints. */
static void req_slim(struct req *r)
{
	size_t nm = strlen(r->method) + 1, ni = strlen(r->ip) + 1, np = strlen(r->path) + 1;
	char *kept = xmalloc(nm + ni + np);
	memcpy(kept, r->method, nm);
	memcpy(kept + nm, r->ip, ni);
	memcpy(kept + nm + ni, r->path, np);
	json_decref(r->params);
	r->params = NULL;
	buf_free(&r->body);
	arena_free(&r->arena);
	arena_init(&r->arena);
	r->kept = kept;
	r->method = kept;
	r->ip = kept + nm;
	r->path = kept + nm + ni;
	r->nheaders = 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)version;
	struct server *srv = cls;
	struct req *r = *con_cls;
	if (!r) {
		r = *con_cls = req_new(srv, conn, url, method);
		return first_call(srv, r);
	}
	if (*upload_size) {
		body_chunk(r, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->replied)
		return MHD_YES;
	if (r->upload && !r->upload_err)
		r->upload_err = (int)upload_finish(r->upload);
	if (r->upload_err)
		upload_reply(r);
	else if (r->body_too_large)
		reply_error(r, 413, "Request body too large (limit %zu bytes)", srv->cfg->max_body);
	else
		router_dispatch(r);
	/* Files the handler did not take are gone before anyone hears back. */
	upload_free(r->upload);
	r->upload = NULL;
	enum MHD_Result ret = send_reply(r);
	if (r->stream)
		req_slim(r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct server *srv = cls;
	struct req *r = *con_cls;
	if (!r)
		return;
	/* The path was percent-decoded: control bytes are shown as '?' so a
	 * request cannot forge log lines. */
	for (char *p = (char *)r->path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	log_info("%s %.16s %.500s %u %zu %lldms%s", r->ip, r->method, r->path, r->status,
		 r->resp_len,
		 (long long)(mono_ms() - r->start_ms),
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	if (r->stream)
		stream_detach(r);
	free(r->resp);
	if (r->resp_fd >= 0)
		close(r->resp_fd);
	upload_free(r->upload);
	free(r->kept);
	buf_free(&r->body);
	json_decref(r->params);
	arena_free(&r->arena);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_warn("http: %s", line);
}

int server_parse_listen(const char *listen, struct sockaddr_in *out)
{
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return -1;
	char host[64];
	size_t hl = (size_t)(colon - listen);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, listen, hl);
	host[hl] = '\0';
	const char *p = colon + 1;
	long port = 0;
	for (; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (*p - '0');
	if (*p || p == colon + 1 || port < 1 || port > 65535)
		return -1;
	struct sockaddr_in tmp, *sa = out ? out : &tmp;
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, hl ? host : "0.0.0.0", &sa->sin_addr) == 1 ? 0 : -1;
}

/* Every connection is a descriptor: the soft limit is raised (up to the
 * hard one) to hold cfg->max_connections and the store's files. */
static void raise_file_limit(const struct config *cfg)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)cfg->max_connections + 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur < want)
		log_warn("open files limited to %llu: fewer than %d connections fit",
			 (unsigned long long)rl.rlim_cur, cfg->max_connections);
}

int server_start(struct server *srv, const struct config *cfg, struct store *store)
{
	srv->cfg = cfg;
	srv->store = store;
	atomic_store(&srv->inflight, 0);
	struct sockaddr_in sa;
	if (server_parse_listen(cfg->listen, &sa)) {
		log_error("bad listen address %s (want HOST:PORT)", cfg->listen);
		return -1;
	}
	snprintf(srv->upload_dir, sizeof srv->upload_dir, "%s/media/tmp", cfg->data_dir);
	ratelimit_init(&srv->rl);
	ratelimit_init(&srv->rl_auth);
	core_ratelimit_setup(&srv->rl, store);
	core_ratelimit_setup(&srv->rl_auth, store);
	if (stream_init(cfg))
		return -1;
	raise_file_limit(cfg);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME | MHD_ALLOW_UPGRADE;
	srv->daemon = MHD_start_daemon(
		flags, ntohs(sa.sin_port), NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
		on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 4),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)(cfg->conn_timeout > 0 ? cfg->conn_timeout : 30),
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections, MHD_OPTION_LISTEN_BACKLOG_SIZE,
		(unsigned)1024, MHD_OPTION_END);
	if (!srv->daemon) {
		log_error("cannot listen on %s", cfg->listen);
		stream_shutdown(0);
		ratelimit_free(&srv->rl);
		ratelimit_free(&srv->rl_auth);
		return -1;
	}
	return 0;
}

void server_stop(struct server *srv, int drain_ms)
{
	/* The listening socket is closed only after MHD_stop_daemon: its
	 * threads take it out of their epoll sets on their own time, and
	 * a socket closed before that makes libmicrohttpd abort. */
	MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
	stream_shutdown(drain_ms < 2000 ? drain_ms : 2000);
	int64_t until = mono_ms() + drain_ms;
	while (atomic_load(&srv->inflight) > 0 && mono_ms() < until)
		usleep(10 * 1000);
	if (atomic_load(&srv->inflight) > 0)
		log_warn("stopping with %d requests in flight", atomic_load(&srv->inflight));
	MHD_stop_daemon(srv->daemon);
	srv->daemon = NULL;
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	ratelimit_free(&srv->rl);
	ratelimit_free(&srv->rl_auth);
}
