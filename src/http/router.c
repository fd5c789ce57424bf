/* router.c - from a parsed request to a handler: parameters, CORS
 * preflight, route matching, authentication, scopes and rate limits. */
#include "http/router.h"
#include "http/upload.h"
#include "http/server.h"
#include "core/oauth.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One segment of a pattern (pl bytes) against one of the path (sl bytes):
 * literal text, or literal prefix, ":name" and literal suffix. */
static bool match_segment(const char *pat, size_t pl, const char *seg, size_t sl,
			  struct arena *a, const char **caps, int *n, int max)
{
	const char *colon = memchr(pat, ':', pl);
	if (!colon)
		return pl == sl && !memcmp(pat, seg, sl);
	size_t pre = (size_t)(colon - pat), end = pre + 1;
	while (end < pl && (isalnum((unsigned char)pat[end]) || pat[end] == '_'))
		end++;
	size_t suf = pl - end;
	if (sl <= pre + suf || memcmp(pat, seg, pre) || memcmp(pat + end, seg + sl - suf, suf) ||
	    *n >= max)
		return false;
	caps[(*n)++] = arena_strndup(a, seg + pre, sl - pre - suf);
	return true;
}

int route_match(const char *pattern, const char *path, struct arena *a, const char **caps,
		int max)
{
	if (!strcmp(pattern, "*"))
		return 0;
	int n = 0;
	const char *pat = pattern;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return -1;
		pat++, path++;
		if (pat[0] == '*' && !pat[1]) {
			if (!*path || n >= max)
				return -1;
			caps[n++] = arena_strdup(a, path);
			return n;
		}
		size_t pl = strcspn(pat, "/"), sl = strcspn(path, "/");
		if (!match_segment(pat, pl, path, sl, a, caps, &n, max))
			return -1;
		pat += pl, path += sl;
	}
	return !*pat && !*path ? n : -1;
}

/* The table compiled once: exact patterns in a hash table (one lookup for
 * most API paths), the others with what decides between two of them. */
#define EXACT_SLOTS 1024 /* a power of two, at least twice the exact routes */
#define EXACT_METHODS 8
#define PATTERNS_MAX 256

struct exact {
	const char *pattern;
	const struct route *rt[EXACT_METHODS];
	int n;
};

struct compiled {
	const struct route *rt;
	int ncap, literal;
	bool star;
};

static struct {
	pthread_once_t once;
	struct exact exact[EXACT_SLOTS];
	struct compiled pat[PATTERNS_MAX];
	int npat;
} table = {.once = PTHREAD_ONCE_INIT};

static size_t slot_of(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h & (EXACT_SLOTS - 1);
}

static struct exact *exact_slot(const char *path)
{
	size_t i = slot_of(path);
	while (table.exact[i].pattern && strcmp(table.exact[i].pattern, path))
		i = (i + 1) & (EXACT_SLOTS - 1);
	return &table.exact[i];
}

static void compile_pattern(const struct route *rt)
{
	if (table.npat >= PATTERNS_MAX) {
		log_error("router: more than %d routes with parameters", PATTERNS_MAX);
		abort();
	}
	struct compiled *c = &table.pat[table.npat++];
	c->rt = rt;
	for (const char *p = rt->pattern; *p; p++) {
		if (*p == ':') {
			c->ncap++;
			while (isalnum((unsigned char)p[1]) || p[1] == '_')
				p++;
		} else if (*p == '*') {
			c->star = true;
		} else {
			c->literal++;
		}
	}
}

static void compile(void)
{
	int nexact = 0;
	for (const struct route *rt = routes; rt->method; rt++) {
		if (strpbrk(rt->pattern, ":*")) {
			compile_pattern(rt);
			continue;
		}
		struct exact *e = exact_slot(rt->pattern);
		if (++nexact > EXACT_SLOTS / 2 || e->n >= EXACT_METHODS) {
			log_error("router: too many exact routes (at %s)", rt->pattern);
			abort();
		}
		e->pattern = rt->pattern;
		e->rt[e->n++] = rt;
	}
}
struct arg_ctx {
	json_t *obj;
	bool bad;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				   size_t klen, const char *value, size_t vlen)
{
	(void)kind;
	struct arg_ctx *x = cls;
	if (params_add(x->obj, key, klen, value ? value : "", value ? vlen : 0))
		x->bad = true;
	return MHD_YES;
}

/* True if the media type of a Content-Type is one read as JSON: the
 * API's application/json, and ActivityPub's application/activity+json and
 * application/ld+json (whatever its profile). Parameters are ignored. */
static bool json_media_type(const char *ct)
{
	static const char *const types[] = {"application/json", "application/activity+json",
					    "application/ld+json"};
	size_t n = strcspn(ct, "; \t");
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (n == strlen(types[i]) && !strncasecmp(ct, types[i], n))
			return true;
	return false;
}

/* Query string first, then the body over it. */
static int parse_params(struct req *r)
{
	r->params = json_object();
	struct arg_ctx x = {r->params, false};
	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &x);
	if (x.bad) {
		reply_error(r, 400, "Malformed query string");
		return -1;
	}
	if (r->upload) { /* multipart: parsed as it arrived (http/upload.h) */
		json_object_update(r->params, upload_fields(r->upload));
		return 0;
	}
	if (!r->body.len)
		return 0;
	const char *ct = r->content_type ? r->content_type : "";
	if (json_media_type(ct) || (!*ct && r->body.data[0] == '{')) {
		json_error_t err;
		json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
		if (!j || !json_is_object(j)) {
			json_decref(j);
			reply_error(r, 400, "Malformed JSON body: %s", j ? "not an object" : err.text);
			return -1;
		}
		json_object_update(r->params, j);
		json_decref(j);
		return 0;
	}
	if (!*ct || !strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
		if (params_parse_form(r->body.data, r->body.len, r->params)) {
			reply_error(r, 400, "Malformed form body");
			return -1;
		}
		return 0;
	}
	if (!strncasecmp(ct, "multipart/form-data", 19)) {
		return 0; /* a GET's multipart body is not read */
	}
	reply_error(r, 415, "Unsupported Content-Type: use application/json, "
			    "application/activity+json or application/x-www-form-urlencoded");
	return -1;
}

static void preflight(struct req *r)
{
	reply_header(r, "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
	reply_header(r, "Access-Control-Allow-Headers",
		     "Authorization, Content-Type, Idempotency-Key, Accept");
	reply_header(r, "Access-Control-Max-Age", "86400");
	reply_text(r, 204, NULL, "");
}

static const char *bearer(struct req *r)
{
	const char *h = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h && !strncasecmp(h, "Bearer ", 7)) {
		h += 7;
		while (*h == ' ')
			h++;
		return h;
	}
	/* Some clients (and the streaming API) pass the token as a parameter. */
	return param_str(r, "access_token");
}

static int authenticate(struct req *r, const struct route *rt)
{
	const char *tok = bearer(r);
	if (tok) {
		if (oauth_authenticate(&r->core, tok, &r->token, &r->scopes)) {
			reply_core_error(r);
			return -1;
		}
		r->has_token = true;
		r->account_id = r->token.account_id;
	}
	if (rt->auth != AUTH_NONE && !r->has_token) {
		reply_error(r, 401, "This method requires an authenticated user");
		return -1;
	}
	if (rt->auth == AUTH_USER && !r->account_id) {
		reply_error(r, 422, "This method requires an authenticated user");
		return -1;
	}
	if (rt->scopes && r->has_token && !(r->scopes & rt->scopes)) {
		reply_error(r, 403, "This action is outside the authorized scopes");
		return -1;
	}
	return 0;
}

static int rate_limit(struct req *r)
{
	const struct config *cfg = r->srv->cfg;
	bool oauth = str_has_prefix(r->path, "/oauth/");
	if (cfg->rate_limit <= 0 || (!str_has_prefix(r->path, "/api/") && !oauth))
		return 0;
	/* The OAuth endpoints mint tokens: they count per address, whoever
	 * the caller claims to be. */
	const char *key = r->has_token && !oauth
				  ? arena_printf(&r->arena, "tok:%lld", (long long)r->token.id)
				  : arena_printf(&r->arena, "ip:%s", r->ip);
	struct rl_result rl =
		ratelimit_count(&r->srv->rl, r->core.db, key, cfg->rate_limit, cfg->rate_window);
	if (rl.failed) {
		reply_error(r, 500, "Internal server error");
		return -1;
	}
	char ts[32];
	time_format(rl.reset_ms, ts, sizeof ts);
	reply_header(r, "X-RateLimit-Limit", arena_printf(&r->arena, "%d", rl.limit));
	reply_header(r, "X-RateLimit-Remaining",
		     arena_printf(&r->arena, "%d", rl.remaining > 0 ? rl.remaining : 0));
	reply_header(r, "X-RateLimit-Reset", arena_strdup(&r->arena, ts));
	if (rl.allowed)
		return 0;
	reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER,
		     arena_printf(&r->arena, "%d", rl.retry_after_s));
	reply_error(r, 429, "Too many requests");
	return -1;
}

static bool method_ok(const struct route *rt, const char *method)
{
	return !strcmp(rt->method, method) || (!strcmp(method, "HEAD") && !strcmp(rt->method, "GET"));
}

static bool better(const struct compiled *a, const struct compiled *b)
{
	if (!b || a->ncap != b->ncap)
		return !b || a->ncap < b->ncap;
	if (a->star != b->star)
		return !a->star;
	return a->literal > b->literal;
}

/* The most specific route for the path and method (see router.h);
 * path_known tells whether some route other than the fallback matches the
 * path with another method. */
static const struct route *find_route(struct req *r, bool *path_known)
{
	pthread_once(&table.once, compile);
	*path_known = false;
	const struct exact *e = exact_slot(r->path);
	for (int i = 0; i < e->n; i++) {
		*path_known = true;
		if (method_ok(e->rt[i], r->method))
			return e->rt[i];
	}
	const struct compiled *best = NULL, *fallback = NULL;
	const char *caps[REQ_MAX_PATH_PARAMS];
	for (int i = 0; i < table.npat; i++) {
		const struct compiled *c = &table.pat[i];
		int n = route_match(c->rt->pattern, r->path, &r->arena, caps, REQ_MAX_PATH_PARAMS);
		if (n < 0)
			continue;
		bool ok = method_ok(c->rt, r->method);
		if (!strcmp(c->rt->pattern, "*")) {
			fallback = ok ? c : fallback;
			continue;
		}
		*path_known = true;
		if (ok && better(c, best)) {
			best = c;
			memcpy(r->path_param, caps, (size_t)n * sizeof caps[0]);
		}
	}
	if (!best && !*path_known)
		best = fallback;
	return best ? best->rt : NULL;
}

void router_dispatch(struct req *r)
{
	if (!strcmp(r->method, "OPTIONS")) {
		preflight(r);
		return;
	}
	bool known;
	const struct route *rt = find_route(r, &known);
	if (!rt) {
		if (known)
			reply_error(r, 405, "Method not allowed");
		else
			reply_error(r, 404, "Record not found");
		return;
	}
	if (parse_params(r))
		return;
	r->core.arena = &r->arena;
	r->core.cfg = r->srv->cfg;
	r->core.rl = &r->srv->rl_auth;
	r->policy = rt->policy;
	r->core.db = store_acquire(r->srv->store);
	if (!authenticate(r, rt) && !rate_limit(r))
		rt->handler(r);
	store_release(r->srv->store, r->core.db);
	r->core.db = NULL;
}
