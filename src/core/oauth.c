#include "core/oauth.h"
#include "core/moderation.h"
#include "core/accounts.h"
#include "core/text.h"
#include "store/oauth.h"

#include <string.h>

#define NAME_MAX_LEN 200
#define URIS_MAX 2000

static enum rc invalid(struct core *c, const char *code, const char *msg)
{
	return core_fail(c, RC_BAD_REQUEST, code, "%s", msg);
}

bool oauth_redirect_uri_valid(const char *u)
{
	if (!strcmp(u, OOB_URI))
		return true;
	/* scheme ":" rest, with a scheme of letters, digits, + - . */
	const char *colon = strchr(u, ':');
	if (!colon || colon == u || !colon[1])
		return false;
	for (const char *p = u; p < colon; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.", *p))
			return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '#')
			return false;
	return true;
}

enum rc oauth_app_create(struct core *c, const struct new_app *in, struct app *out,
			 char out_secret[TOKEN_LEN + 1])
{
	if (!in->name || !*in->name)
		return core_fail(c, RC_INVALID, "client_name",
				 "Validation failed: client_name can't be blank");
	if (strlen(in->name) > NAME_MAX_LEN)
		return core_fail(c, RC_INVALID, "client_name",
				 "Validation failed: client_name is too long");
	if (!in->redirect_uris || !*in->redirect_uris)
		return core_fail(c, RC_INVALID, "redirect_uris",
				 "Validation failed: redirect_uris can't be blank");
	if (strlen(in->redirect_uris) > URIS_MAX)
		return core_fail(c, RC_INVALID, "redirect_uris",
				 "Validation failed: redirect_uris is too long");
	/* One URI per line (or space-separated, as some clients send them). */
	char *uris = arena_strdup(c->arena, in->redirect_uris);
	for (char *p = uris; *p; p++)
		if (*p == ' ' || *p == '\r')
			*p = '\n';
	char *norm = arena_calloc(c->arena, 1, strlen(uris) + 1);
	for (char *save = NULL, *u = strtok_r(uris, "\n", &save); u;
	     u = strtok_r(NULL, "\n", &save)) {
		if (!oauth_redirect_uri_valid(u))
			return core_fail(c, RC_INVALID, "redirect_uris",
					 "Validation failed: redirect_uris must be absolute URIs");
		if (*norm)
			strcat(norm, "\n");
		strcat(norm, u);
	}
	if (!*norm)
		return core_fail(c, RC_INVALID, "redirect_uris",
				 "Validation failed: redirect_uris can't be blank");
	scope_set set;
	const char *scopes = in->scopes && *in->scopes ? in->scopes : "read";
	if (strlen(scopes) > 1000 || !scopes_parse(scopes, &set))
		return core_fail(c, RC_INVALID, "scopes", "Validation failed: scopes are invalid");
	char *ns = arena_alloc(c->arena, strlen(scopes) + 8);
	scopes_normalise(scopes, ns, (unsigned)strlen(scopes) + 8);
	if (in->website && strlen(in->website) > URIS_MAX)
		return core_fail(c, RC_INVALID, "website", "Validation failed: website is too long");

	char *client_id = arena_alloc(c->arena, TOKEN_LEN + 1);
	token_random(client_id);
	token_random(out_secret);
	char *hash = arena_alloc(c->arena, 65);
	sha256_hex(out_secret, strlen(out_secret), hash);
	*out = (struct app){
		.id = id_new(),
		.name = in->name,
		.website = in->website ? in->website : "",
		.redirect_uris = norm,
		.scopes = ns,
		.client_id = client_id,
		.secret_hash = hash,
		.created_at = now_ms(),
	};
	enum store_rc st = store_app_insert(c->db, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc oauth_client(struct core *c, const char *client_id, const char *secret, struct app *out)
{
	if (!client_id || !*client_id)
		return core_fail(c, RC_UNAUTHORIZED, "invalid_client", "Client authentication failed");
	enum store_rc st = store_app_by_client_id(c->db, c->arena, client_id, out);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	if (st != ST_OK)
		return core_fail(c, RC_UNAUTHORIZED, "invalid_client", "Client authentication failed");
	if (secret) {
		char h[65];
		sha256_hex(secret, strlen(secret), h);
		if (!str_eq_ct(h, out->secret_hash))
			return core_fail(c, RC_UNAUTHORIZED, "invalid_client",
					 "Client authentication failed");
	}
	return RC_OK;
}

enum rc oauth_app_get(struct core *c, int64_t id, struct app *out)
{
	enum store_rc st = store_app_get(c->db, c->arena, id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

bool oauth_redirect_ok(const struct app *a, const char *uri)
{
	if (!uri)
		return false;
	size_t n = strlen(uri);
	for (const char *p = a->redirect_uris; *p;) {
		size_t m = strcspn(p, "\n");
		if (m == n && !memcmp(p, uri, n))
			return true;
		p += m + (p[m] == '\n');
	}
	return false;
}

enum rc oauth_scope_for(struct core *c, const struct app *a, const char *scope, const char **out)
{
	scope_set set;
	if (!scope || !*scope || !strcmp(scope, "None") || !strcmp(scope, "False"))
		scope = a->scopes;
	if (strlen(scope) > 1000 || !scopes_parse(scope, &set))
		return core_fail(c, RC_BAD_REQUEST, "invalid_scope",
				 "The requested scope is invalid, unknown, or malformed.");
	if (!scopes_subset(scope, a->scopes))
		return core_fail(c, RC_BAD_REQUEST, "invalid_scope",
				 "The requested scope is not allowed for this application.");
	char *ns = arena_alloc(c->arena, strlen(scope) + 8);
	scopes_normalise(scope, ns, (unsigned)strlen(scope) + 8);
	*out = ns;
	return RC_OK;
}

enum rc oauth_code_create(struct core *c, const struct app *a, int64_t account_id,
			  const char *redirect_uri, const char *scopes, const char *challenge,
			  const char *challenge_method, char out_code[TOKEN_LEN + 1])
{
	if (challenge && *challenge) {
		if (!challenge_method || strcmp(challenge_method, "S256"))
			return invalid(c, "invalid_request",
				       "code_challenge_method must be S256");
		if (strlen(challenge) != 43)
			return invalid(c, "invalid_request", "code_challenge must be 43 characters");
	}
	if (!oauth_redirect_ok(a, redirect_uri))
		return invalid(c, "invalid_redirect_uri",
			       "The redirect uri included is not valid.");
	token_random(out_code);
	char hash[65];
	sha256_hex(out_code, strlen(out_code), hash);
	struct authcode code = {
		.code_hash = hash,
		.app_id = a->id,
		.account_id = account_id,
		.redirect_uri = redirect_uri,
		.scopes = scopes,
		.challenge = challenge ? challenge : "",
		.expires_at = now_ms() + OAUTH_CODE_TTL_MS,
	};
	enum store_rc st = store_code_insert(c->db, &code);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

static enum rc issue(struct core *c, const struct app *a, int64_t account_id, const char *scopes,
		     struct issued_token *out)
{
	token_random(out->token);
	char hash[65];
	sha256_hex(out->token, strlen(out->token), hash);
	struct token t = {
		.id = id_new(),
		.token_hash = hash,
		.app_id = a->id,
		.account_id = account_id,
		.scopes = scopes,
		.created_at = now_ms(),
	};
	enum store_rc st = store_token_insert(c->db, &t);
	if (st != ST_OK)
		return core_store_fail(c, st);
	out->scopes = scopes;
	out->created_at = t.created_at;
	out->account_id = account_id;
	return RC_OK;
}

enum rc oauth_signup_token(struct core *c, int64_t app_id, int64_t account_id,
			   const char *scopes, struct issued_token *out)
{
	struct app a;
	if (store_app_get(c->db, c->arena, app_id, &a) != ST_OK ||
	    issue(c, &a, account_id, scopes, out) != RC_OK)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	return RC_OK;
}

static enum rc grant_code(struct core *c, const struct token_request *rq, struct issued_token *out)
{
	struct app a;
	/* A client proving PKCE may omit its secret (public clients). */
	const char *secret = rq->code_verifier && *rq->code_verifier && !rq->client_secret
				     ? NULL
				     : (rq->client_secret ? rq->client_secret : "");
	if (oauth_client(c, rq->client_id, secret, &a))
		return c->err.rc;
	if (!rq->code || !*rq->code)
		return invalid(c, "invalid_request", "Missing parameter: code");
	char hash[65];
	sha256_hex(rq->code, strlen(rq->code), hash);
	struct authcode code;
	enum store_rc st = store_code_take(c->db, c->arena, hash, &code);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	const char *bad = "The provided authorization grant is invalid, expired, revoked, does "
			  "not match the redirection URI used in the authorization request, or "
			  "was issued to another client.";
	if (st != ST_OK || code.app_id != a.id || code.expires_at < now_ms() ||
	    !rq->redirect_uri || strcmp(rq->redirect_uri, code.redirect_uri))
		return invalid(c, "invalid_grant", bad);
	if (*code.challenge) {
		if (!rq->code_verifier || strlen(rq->code_verifier) < 43 ||
		    strlen(rq->code_verifier) > 128)
			return invalid(c, "invalid_grant", bad);
		char b64[44];
		sha256_b64url(rq->code_verifier, strlen(rq->code_verifier), b64);
		if (!str_eq_ct(b64, code.challenge))
			return invalid(c, "invalid_grant", bad);
	} else if (!secret) {
		return core_fail(c, RC_UNAUTHORIZED, "invalid_client", "Client authentication failed");
	}
	return issue(c, &a, code.account_id, code.scopes, out);
}

static enum rc grant_password(struct core *c, const struct token_request *rq,
			      struct issued_token *out)
{
	struct app a;
	if (oauth_client(c, rq->client_id, rq->client_secret ? rq->client_secret : "", &a))
		return c->err.rc;
	const char *scopes;
	if (oauth_scope_for(c, &a, rq->scope, &scopes))
		return c->err.rc;
	int64_t account_id;
	enum rc rc = account_sign_in(c, rq->username, rq->password, rq->ip, &account_id);
	if (rc == RC_UNAUTHORIZED || rc == RC_BAD_REQUEST)
		return invalid(c, "invalid_grant", c->err.msg);
	if (rc)
		return rc;
	return issue(c, &a, account_id, scopes, out);
}

static enum rc grant_client(struct core *c, const struct token_request *rq,
			    struct issued_token *out)
{
	struct app a;
	if (oauth_client(c, rq->client_id, rq->client_secret ? rq->client_secret : "", &a))
		return c->err.rc;
	const char *scopes;
	if (oauth_scope_for(c, &a, rq->scope, &scopes))
		return c->err.rc;
	return issue(c, &a, 0, scopes, out);
}

enum rc oauth_token(struct core *c, const struct token_request *rq, struct issued_token *out)
{
	const char *g = rq->grant_type;
	if (!g || !*g)
		return invalid(c, "invalid_request", "Missing parameter: grant_type");
	if (!strcmp(g, "authorization_code"))
		return grant_code(c, rq, out);
	if (!strcmp(g, "password"))
		return grant_password(c, rq, out);
	if (!strcmp(g, "client_credentials"))
		return grant_client(c, rq, out);
	return invalid(c, "unsupported_grant_type",
		       "The authorization grant type is not supported by the authorization "
		       "server.");
}

enum rc oauth_revoke(struct core *c, const char *client_id, const char *secret, const char *token)
{
	struct app a;
	if (oauth_client(c, client_id, secret ? secret : "", &a))
		return c->err.rc;
	if (!token || !*token)
		return invalid(c, "invalid_request", "Missing parameter: token");
	char hash[65];
	sha256_hex(token, strlen(token), hash);
	enum store_rc st = store_token_revoke(c->db, hash, a.id);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc oauth_authenticate(struct core *c, const char *bearer, struct token *out, scope_set *set)
{
	if (!bearer || strlen(bearer) > 200)
		return core_fail(c, RC_UNAUTHORIZED, NULL, "The access token is invalid");
	char hash[65];
	sha256_hex(bearer, strlen(bearer), hash);
	enum store_rc st = store_token_by_hash(c->db, c->arena, hash, out);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	if (st != ST_OK || !scopes_parse(out->scopes, set))
		return core_fail(c, RC_UNAUTHORIZED, NULL, "The access token is invalid");
	if (out->barred && moderation_gate(c, out->account_id))
		return c->err.rc;
	return RC_OK;
}
