/* router.c - from a parsed request to a handler: parameters, CORS
 * preflight, route matching, authentication, scopes and rate limits. */
#include "http/router.h"
#include "http/server.h"
#include "core/oauth.h"
#include "util/log.h"
#include "util/util.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

/* Matches pattern against path; ":name" segments capture into r. */
static bool match(struct req *r, const char *pat, const char *path)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return false;
		pat++, path++;
		size_t pl = strcspn(pat, "/"), sl = strcspn(path, "/");
		if (*pat == ':') {
			if (sl == 0 || np >= REQ_MAX_PATH_PARAMS)
				return false;
			r->path_param[np++] = arena_strndup(&r->arena, path, sl);
		} else if (pl != sl || memcmp(pat, path, sl)) {
			return false;
		}
		pat += pl, path += sl;
	}
	return !*pat && !*path;
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
	if (!r->body.len)
		return 0;
	const char *ct = r->content_type ? r->content_type : "";
	if (!strncasecmp(ct, "application/json", 16) || (!*ct && r->body.data[0] == '{')) {
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
		/* multipart bodies are parsed by the media endpoints that take them */
		return 0;
	}
	reply_error(r, 415, "Unsupported Content-Type: use application/json or "
			    "application/x-www-form-urlencoded");
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
	struct rl_result rl = ratelimit_hit(&r->srv->rl, key, cfg->rate_limit, cfg->rate_window);
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

/* A literal segment is more specific than a parameter: of the routes that
 * match, the one with the fewest ":name" segments wins, so
 * /api/v1/accounts/relationships is not taken for /api/v1/accounts/:id. */
static int nparams(const char *pat)
{
	int n = 0;
	for (; *pat; pat++)
		n += *pat == ':';
	return n;
}

static const struct route *find_route(struct req *r, bool *path_known)
{
	*path_known = false;
	const struct route *best = NULL;
	for (const struct route *rt = routes; rt->method; rt++) {
		if (!match(r, rt->pattern, r->path))
			continue;
		*path_known = true;
		if ((!strcmp(rt->method, r->method) ||
		     (!strcmp(r->method, "HEAD") && !strcmp(rt->method, "GET"))) &&
		    (!best || nparams(rt->pattern) < nparams(best->pattern)))
			best = rt;
	}
	if (best) /* later candidates overwrote the captured parameters */
		match(r, best->pattern, r->path);
	return best;
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
	r->core.db = store_acquire(r->srv->store);
	if (!authenticate(r, rt) && !rate_limit(r))
		rt->handler(r);
	store_release(r->srv->store, r->core.db);
	r->core.db = NULL;
}
