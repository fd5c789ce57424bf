/* oauth.h - OAuth 2 applications, grants and bearer tokens.
 *
 * Client secrets, authorization codes and access tokens are random 256-bit
 * strings handed to the client once; the store keeps only their SHA-256.
 * Redirect URIs match exactly; PKCE accepts S256 only. On failure err.field
 * holds the OAuth error code (invalid_client, invalid_grant, ...). */
#ifndef RAPPORT_OAUTH_H
#define RAPPORT_OAUTH_H

#include "core/core.h"
#include "core/scopes.h"
#include "store/oauth.h"
#include "util/util.h"

#define OOB_URI "urn:ietf:wg:oauth:2.0:oob"
#define OAUTH_CODE_TTL_MS (10 * 60 * 1000)

struct new_app {
	const char *name, *website, *redirect_uris, *scopes;
};

/* Registers an application; out_secret receives the client secret. */
enum rc oauth_app_create(struct core *c, const struct new_app *in, struct app *out,
			 char out_secret[TOKEN_LEN + 1]);
/* Finds an app and, if secret is non-NULL, checks it. */
enum rc oauth_client(struct core *c, const char *client_id, const char *secret, struct app *out);
/* An app by id (the one a token belongs to). */
enum rc oauth_app_get(struct core *c, int64_t id, struct app *out);
/* True if u is an acceptable redirect URI: the out-of-band URN, or an
 * absolute URI with a scheme, no whitespace or control bytes, no fragment. */
bool oauth_redirect_uri_valid(const char *u);
/* True if uri is one of the app's redirect URIs, byte for byte. */
bool oauth_redirect_ok(const struct app *a, const char *uri);

struct issued_token {
	char token[TOKEN_LEN + 1];
	const char *scopes;
	int64_t created_at;
	int64_t account_id;
};

/* Checks that `scope` is a subset of the app's and returns it normalised. */
enum rc oauth_scope_for(struct core *c, const struct app *a, const char *scope, const char **out);
/* Creates an authorization code for account_id (after sign-in and consent). */
enum rc oauth_code_create(struct core *c, const struct app *a, int64_t account_id,
			  const char *redirect_uri, const char *scopes, const char *challenge,
			  const char *challenge_method, char out_code[TOKEN_LEN + 1]);

struct token_request {
	const char *grant_type, *client_id, *client_secret;
	const char *code, *redirect_uri, *code_verifier; /* authorization_code */
	const char *username, *password;                 /* password (username = email) */
	const char *scope;
	const char *ip;
};

enum rc oauth_token(struct core *c, const struct token_request *rq, struct issued_token *out);
/* After a sign-up through an app: a token for the new account_id, for the
 * app app_id with scopes (those of the app token that signed it up, as
 * Mastodon does). Any store failure is RC_INTERNAL. */
enum rc oauth_signup_token(struct core *c, int64_t app_id, int64_t account_id,
			   const char *scopes, struct issued_token *out);
/* Revokes token if it belongs to the client; unknown tokens succeed. */
enum rc oauth_revoke(struct core *c, const char *client_id, const char *secret, const char *token);

/* Resolves a bearer token. RC_UNAUTHORIZED when unknown. */
enum rc oauth_authenticate(struct core *c, const char *bearer, struct token *out, scope_set *set);

#endif
