/* oauth.c - /api/v1/apps and the OAuth 2 endpoints, including the HTML
 * sign-in and consent page of the authorization-code flow. */
#include "api/api.h"
#include "core/accounts.h"
#include "core/oauth.h"
#include "core/text.h"
#include "pages/html.h"
#include "util/util.h"

#include <microhttpd.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#define JOIN_MAX_ITEMS 32
#define JOIN_MAX_BYTES 4000

/* A parameter that may be a string or an array of strings, joined with
 * sep into one string. Arrays are capped (items and bytes): NULL when the
 * value is not strings or is too big, which the caller reports as 422. */
static const char *joined_param(struct req *r, const char *name, const char *sep)
{
	json_t *v = param_get(r, name);
	if (!json_is_array(v))
		return param_str(r, name);
	if (json_array_size(v) > JOIN_MAX_ITEMS)
		return NULL;
	struct buf b;
	buf_init(&b, JOIN_MAX_BYTES);
	size_t i;
	json_t *e;
	int rc = 0;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e)) {
			buf_free(&b);
			return NULL;
		}
		rc |= buf_puts(&b, i ? sep : "");
		rc |= buf_puts(&b, json_string_value(e));
	}
	const char *out = rc ? NULL : arena_strdup(&r->arena, b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static json_t *app_json(const struct app *a, const char *secret)
{
	json_t *uris = json_array();
	for (const char *p = a->redirect_uris; *p;) {
		size_t m = strcspn(p, "\n");
		json_array_append_new(uris, json_stringn(p, m));
		p += m + (p[m] == '\n');
	}
	json_t *scopes = json_array();
	for (const char *p = a->scopes; *p;) {
		size_t m = strcspn(p, " ");
		json_array_append_new(scopes, json_stringn(p, m));
		p += m + (p[m] == ' ');
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)a->id);
	json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "id", id, "name", a->name,
			      "scopes", scopes, "redirect_uris", uris, "redirect_uri",
			      a->redirect_uris, "client_id", a->client_id, "vapid_key",
			      "" /* Web Push is not offered yet */);
	json_object_set_new(j, "website", *a->website ? json_string(a->website) : json_null());
	if (secret) {
		json_object_set_new(j, "client_secret", json_string(secret));
		json_object_set_new(j, "client_secret_expires_at", json_integer(0));
	}
	return j;
}

void h_apps_create(struct req *r)
{
	struct new_app in = {
		.name = param_str(r, "client_name"),
		.website = param_str(r, "website"),
		.redirect_uris = joined_param(r, "redirect_uris", "\n"),
		.scopes = joined_param(r, "scopes", " "),
	};
	const char *bad = param_has(r, "redirect_uris") && !in.redirect_uris ? "redirect_uris"
			  : param_has(r, "scopes") && !in.scopes		   ? "scopes"
									   : NULL;
	if (bad) {
		core_fail(&r->core, RC_INVALID, bad,
			  "Validation failed: %s must be a string or at most %d strings", bad,
			  JOIN_MAX_ITEMS);
		reply_core_error(r);
		return;
	}
	struct app a;
	char secret[TOKEN_LEN + 1];
	if (api_check(r, oauth_app_create(&r->core, &in, &a, secret)))
		return;
	reply_json(r, 200, app_json(&a, secret));
	sodium_memzero(secret, sizeof secret);
}

void h_apps_verify(struct req *r)
{
	struct app a;
	enum rc rc = oauth_app_get(&r->core, r->token.app_id, &a);
	if (rc == RC_INTERNAL) {
		reply_core_error(r);
		return;
	}
	if (rc != RC_OK) {
		reply_error(r, 401, "The access token is invalid");
		return;
	}
	json_t *j = app_json(&a, NULL);
	reply_json(r, 200, j);
}

/* Client credentials may come in the body or as HTTP Basic auth. */
static void client_creds(struct req *r, const char **id, const char **secret)
{
	*id = param_str(r, "client_id");
	*secret = param_str(r, "client_secret");
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(r->conn, &pass);
	if (user) {
		if (!*id) {
			*id = arena_strdup(&r->arena, user);
			*secret = pass ? arena_strdup(&r->arena, pass) : NULL;
		}
		MHD_free(user);
	}
	if (pass)
		MHD_free(pass);
}

void h_oauth_token(struct req *r)
{
	struct token_request rq = {
		.grant_type = param_str(r, "grant_type"),
		.code = param_str(r, "code"),
		.redirect_uri = param_str(r, "redirect_uri"),
		.code_verifier = param_str(r, "code_verifier"),
		.username = param_str(r, "username"),
		.password = param_str(r, "password"),
		.scope = param_str(r, "scope"),
		.ip = r->ip,
	};
	if (!rq.scope)
		rq.scope = param_str(r, "scopes");
	client_creds(r, &rq.client_id, &rq.client_secret);
	struct issued_token t;
	if (oauth_token(&r->core, &rq, &t)) {
		reply_oauth_error(r);
		return;
	}
	reply_header(r, "Cache-Control", "no-store");
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:I}", "access_token", t.token, "token_type",
			     "Bearer", "scope", t.scopes, "created_at",
			     (json_int_t)(t.created_at / 1000)));
	sodium_memzero(t.token, sizeof t.token);
}

void h_oauth_revoke(struct req *r)
{
	const char *id, *secret;
	client_creds(r, &id, &secret);
	if (oauth_revoke(&r->core, id, secret, param_str(r, "token"))) {
		reply_oauth_error(r);
		return;
	}
	reply_json(r, 200, json_object());
}

/* ---- the authorization page ---- */

static const char *P(struct req *r, const char *name)
{
	const char *v = param_str(r, name);
	if (!v || !strcmp(v, "None") || !strcmp(v, "False"))
		return "";
	return v;
}

static const char *hidden(struct req *r, const char *name)
{
	return arena_printf(&r->arena, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", name,
			    text_escape(&r->arena, P(r, name)));
}

static void authorize_form(struct req *r, unsigned status, const struct app *a,
			   const char *scopes, const char *error)
{
	const char *e = error ? arena_printf(&r->arena, "<p class=\"error\">%s</p>",
					     text_escape(&r->arena, error))
			      : "";
	const char *body = arena_printf(
		&r->arena,
		"<h1>Sign in to authorize</h1>"
		"<p><strong>%s</strong> wants to use your account with these permissions: "
		"<code>%s</code></p>%s"
		"<form method=\"post\" action=\"/oauth/authorize\">%s%s%s%s%s%s%s"
		"<label for=\"email\">Email</label>"
		"<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"username\" "
		"value=\"%s\" required>"
		"<label for=\"password\">Password</label>"
		"<input type=\"password\" id=\"password\" name=\"password\" "
		"autocomplete=\"current-password\" required>"
		"<button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>"
		"<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\" "
		"formnovalidate>Deny</button></form>"
		"<p class=\"muted\">No account yet? <a href=\"/auth/sign_up\">Sign up</a>.</p>",
		text_escape(&r->arena, a->name), text_escape(&r->arena, scopes), e,
		hidden(r, "client_id"), hidden(r, "redirect_uri"), hidden(r, "scope"),
		hidden(r, "state"), hidden(r, "response_type"), hidden(r, "code_challenge"),
		hidden(r, "code_challenge_method"), text_escape(&r->arena, P(r, "email")));
	page_reply(r, status, "Authorize", body);
}

static void authorize_fail(struct req *r, unsigned status, const char *msg)
{
	page_reply(r, status, "Authorization error",
		   arena_printf(&r->arena, "<h1>Authorization error</h1><p class=\"error\">%s</p>",
				text_escape(&r->arena, msg)));
}

/* Checks the client, redirect URI, response type, scope and PKCE method;
 * on failure replies with an error page (never redirects to an unchecked
 * URI) and returns -1. */
static int authorize_check(struct req *r, struct app *a, const char **scopes)
{
	if (oauth_client(&r->core, P(r, "client_id"), NULL, a)) {
		authorize_fail(r, 400, "Unknown client_id.");
		return -1;
	}
	if (!oauth_redirect_ok(a, P(r, "redirect_uri"))) {
		authorize_fail(r, 400, "The redirect_uri does not match the application's.");
		return -1;
	}
	if (strcmp(P(r, "response_type"), "code")) {
		authorize_fail(r, 400, "response_type must be code.");
		return -1;
	}
	const char *m = P(r, "code_challenge_method");
	if ((*P(r, "code_challenge") || *m) && strcmp(m, "S256")) {
		authorize_fail(r, 400, "Only the S256 code_challenge_method is supported.");
		return -1;
	}
	if (oauth_scope_for(&r->core, a, P(r, "scope"), scopes)) {
		authorize_fail(r, 400, r->core.err.msg);
		return -1;
	}
	return 0;
}

void h_oauth_authorize_get(struct req *r)
{
	struct app a;
	const char *scopes;
	if (authorize_check(r, &a, &scopes))
		return;
	authorize_form(r, 200, &a, scopes, NULL);
}

static void redirect_with(struct req *r, const char *uri, const char *key, const char *value)
{
	const char *state = P(r, "state");
	const char *sep = strchr(uri, '?') ? "&" : "?";
	const char *loc = arena_printf(&r->arena, "%s%s%s=%s%s%s", uri, sep, key,
				       url_encode(&r->arena, value), *state ? "&state=" : "",
				       *state ? url_encode(&r->arena, state) : "");
	reply_redirect(r, loc);
}

void h_oauth_authorize_post(struct req *r)
{
	struct app a;
	const char *scopes;
	if (authorize_check(r, &a, &scopes))
		return;
	const char *uri = P(r, "redirect_uri");
	if (!strcmp(P(r, "decision"), "deny")) {
		if (!strcmp(uri, OOB_URI))
			authorize_fail(r, 403, "You denied the authorization request.");
		else
			redirect_with(r, uri, "error", "access_denied");
		return;
	}
	int64_t account_id;
	enum rc rc = account_sign_in(&r->core, P(r, "email"), P(r, "password"), r->ip, &account_id);
	if (rc == RC_RATE_LIMITED) {
		reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER,
			     arena_printf(&r->arena, "%d", r->core.err.retry_after));
		authorize_form(r, 429, &a, scopes, r->core.err.msg);
		return;
	}
	if (rc) {
		authorize_form(r, rc == RC_INTERNAL ? 500 : 401, &a, scopes, r->core.err.msg);
		return;
	}
	char code[TOKEN_LEN + 1];
	if (oauth_code_create(&r->core, &a, account_id, uri, scopes, P(r, "code_challenge"),
			      P(r, "code_challenge_method"), code)) {
		authorize_fail(r, http_status_of(r->core.err.rc), r->core.err.msg);
		return;
	}
	if (!strcmp(uri, OOB_URI)) {
		page_reply(r, 200, "Authorization code",
			   arena_printf(&r->arena,
					"<h1>Authorization code</h1><p>Copy this code and paste it "
					"into the application:</p><p><code id=\"code\">%s</code></p>",
					code));
		return;
	}
	redirect_with(r, uri, "code", code);
}
