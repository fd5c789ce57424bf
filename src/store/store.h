/* store.h - Rapport's persistence interface.
 *
 * The layers above see plain structs and these functions; SQL lives only
 * under store/. A `struct store` owns a pool of backend connections;
 * request code borrows one with store_acquire() and gives it back with
 * store_release(). Every getter copies strings into the caller's arena, so
 * results stay valid until that arena is freed. Functions return an
 * enum store_rc; only the ones documented otherwise return other types. */
#ifndef RAPPORT_STORE_H
#define RAPPORT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct store;

enum store_rc {
	ST_OK = 0,
	ST_NOT_FOUND,
	ST_CONFLICT, /* a uniqueness rule refused the write */
	ST_ERROR,    /* the backend failed; logged */
};

struct store_options {
	const char *dir;   /* data directory; created if missing */
	bool sync_full;    /* SQLite synchronous=FULL (default true) */
	int pool_size;     /* connections kept open (default 8) */
};

/* Opens the store and applies pending migrations. */
enum store_rc store_open(const struct store_options *opt, struct store **out);
void store_close(struct store *s);
/* Borrows a connection (waits for a free one); never NULL after open. */
struct db *store_acquire(struct store *s);
void store_release(struct store *s, struct db *db);
/* The schema version now applied. */
int store_schema_version(struct db *db);

/* Runs fn inside a write transaction: committed when fn returns ST_OK,
 * rolled back otherwise, so a failed request changes nothing. */
enum store_rc store_tx(struct db *db, enum store_rc (*fn)(struct db *, void *), void *ctx);

/* ---- accounts ---- */

struct account {
	int64_t id;
	const char *username;     /* as chosen, [A-Za-z0-9_] */
	const char *domain;       /* "" for local accounts */
	const char *display_name;
	const char *note;         /* source text */
	const char *note_html;    /* sanitised HTML, rendered on write */
	const char *fields;       /* JSON array [{name, value, verified_at}] */
	const char *uri;          /* canonical ActivityPub id */
	const char *url;          /* profile page */
	const char *avatar, *header;
	bool locked, bot, discoverable;
	int64_t created_at, updated_at, last_status_at; /* ms; last_status_at 0 = never */
	int64_t statuses_count, followers_count, following_count;
};

enum store_rc store_account_insert(struct db *db, const struct account *a);
enum store_rc store_account_get(struct db *db, struct arena *ar, int64_t id, struct account *out);
/* domain "" looks up a local account; username matching ignores case. */
enum store_rc store_account_by_name(struct db *db, struct arena *ar, const char *username,
				    const char *domain, struct account *out);
/* Writes display_name, note, note_html, fields, locked, bot, discoverable,
 * avatar, header and updated_at of a->id. */
enum store_rc store_account_update_profile(struct db *db, const struct account *a);
/* Lists local accounts by id ascending, calling fn for each. */
enum store_rc store_account_list_local(struct db *db, struct arena *ar,
				       void (*fn)(const struct account *, const char *email,
						  bool admin, void *),
				       void *ctx);
int64_t store_count_local_accounts(struct db *db);
int64_t store_count_local_statuses(struct db *db);

/* ---- users: local accounts' credentials ---- */

struct user {
	int64_t account_id;
	const char *email;
	const char *password_hash; /* Argon2id encoded string */
	bool admin;
	const char *default_privacy;
	bool default_sensitive;
	const char *default_language;
	int64_t created_at;
};

enum store_rc store_user_insert(struct db *db, const struct user *u);
enum store_rc store_user_get(struct db *db, struct arena *ar, int64_t account_id, struct user *out);
enum store_rc store_user_by_email(struct db *db, struct arena *ar, const char *email,
				  struct user *out);
bool store_email_taken(struct db *db, const char *email);
bool store_username_taken(struct db *db, const char *username);
enum store_rc store_user_update_prefs(struct db *db, const struct user *u);

/* ---- OAuth applications, codes and tokens ---- */

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
};

enum store_rc store_token_insert(struct db *db, const struct token *t);
enum store_rc store_token_by_hash(struct db *db, struct arena *ar, const char *hash,
				  struct token *out);
/* Deletes the token if it belongs to app_id. */
enum store_rc store_token_revoke(struct db *db, const char *hash, int64_t app_id);

#endif
