/* oauth.h - OAuth applications, authorization codes and bearer tokens
 * (store_oauth.c). Secrets, codes and tokens are kept as SHA-256 hex. */
#ifndef RAPPORT_STORE_OAUTH_H
#define RAPPORT_STORE_OAUTH_H

#include "store/store.h"

struct app {
	int64_t id;
	const char *name, *website;
	const char *redirect_uris; /* newline-separated, matched exactly */
	const char *scopes;        /* space-separated */
	const char *client_id;
	const char *secret_hash;   /* SHA-256 hex of the client secret */
	int64_t created_at;
};

enum store_rc store_app_insert(struct db *db, const struct app *a);
enum store_rc store_app_by_client_id(struct db *db, struct arena *ar, const char *client_id,
				     struct app *out);
enum store_rc store_app_get(struct db *db, struct arena *ar, int64_t id, struct app *out);

struct authcode {
	const char *code_hash;
	int64_t app_id, account_id;
	const char *redirect_uri, *scopes;
	const char *challenge; /* PKCE S256 challenge, "" when none */
	int64_t expires_at;
};

enum store_rc store_code_insert(struct db *db, const struct authcode *c);
/* Finds the code and deletes it in one step: a code is used at most once. */
enum store_rc store_code_take(struct db *db, struct arena *ar, const char *code_hash,
			      struct authcode *out);

struct token {
	int64_t id;
	const char *token_hash; /* SHA-256 hex of the bearer token */
	int64_t app_id;
	int64_t account_id;     /* 0 for an app-only (client_credentials) token */
	const char *scopes;
	int64_t created_at;
	/* Read with the token: its account is suspended, its login disabled,
	 * or its sign-up awaits approval (core/moderation.h says why). */
	bool barred;
};

enum store_rc store_token_insert(struct db *db, const struct token *t);
enum store_rc store_token_by_hash(struct db *db, struct arena *ar, const char *hash,
				  struct token *out);
/* Deletes the token if it belongs to app_id. */
enum store_rc store_token_revoke(struct db *db, const char *hash, int64_t app_id);

#endif
