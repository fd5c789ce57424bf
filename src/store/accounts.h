/* accounts.h - accounts and local users' credentials (store_accounts.c). */
#ifndef RAPPORT_STORE_ACCOUNTS_H
#define RAPPORT_STORE_ACCOUNTS_H

#include "store/store.h"

enum store_rc store_account_insert(struct db *db, const struct account *a);
enum store_rc store_account_get(struct db *db, struct arena *ar, int64_t id, struct account *out);
/* ST_OK when account id exists, ST_NOT_FOUND when not: from the row cache
 * when it holds the account (exact, see rowcache.c), else one query that
 * puts it there. */
enum store_rc store_account_exists(struct db *db, int64_t id);
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
/* Local, discoverable accounts with ids above after, by id, at most limit
 * (the sitemap). */
enum store_rc store_accounts_discoverable(struct db *db, struct arena *ar, int64_t after,
					  int limit, struct account_list *out);
/* Replaces the fields of account id if they still equal old (a profile
 * edited meanwhile wins: ST_NOT_FOUND), moving updated_at past at. */
enum store_rc store_account_set_fields(struct db *db, int64_t id, const char *old,
				       const char *fields, int64_t at);
enum store_rc store_count_local_accounts(struct db *db, int64_t *n);
/* Local users active since each of two times (ms): who posted or boosted
 * (accounts.last_status_at) or signed in (made a token) since then. */
enum store_rc store_count_local_active(struct db *db, int64_t since1, int64_t since2,
				       int64_t *n1, int64_t *n2);
enum store_rc store_count_local_statuses(struct db *db, int64_t *n);

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
	int role; /* enum role (store/moderation.h); read, not written, here */
};

enum store_rc store_user_insert(struct db *db, const struct user *u);
enum store_rc store_user_get(struct db *db, struct arena *ar, int64_t account_id, struct user *out);
enum store_rc store_user_by_email(struct db *db, struct arena *ar, const char *email,
				  struct user *out);
/* Whether a local user has this email / username, ignoring case. */
enum store_rc store_email_taken(struct db *db, const char *email, bool *taken);
enum store_rc store_username_taken(struct db *db, const char *username, bool *taken);
enum store_rc store_user_update_prefs(struct db *db, const struct user *u);
/* A new Argon2id hash / e-mail for the user (the lifecycle, core/lifecycle.c);
 * ST_NOT_FOUND for no such user, ST_CONFLICT for an e-mail another has. A
 * new e-mail is not confirmed yet. */
enum store_rc store_user_set_password(struct db *db, int64_t account_id, const char *hash);
enum store_rc store_user_set_email(struct db *db, int64_t account_id, const char *email);

#endif
