/* lifecycle.h - the account lifecycle: a new password (signing out every
 * other session), a new e-mail, the apps an account authorised, and
 * deleting the account.
 *
 * Each of these asks for the current password, checked at most
 * cfg.login_limit times per cfg.login_window per account (a stolen token
 * cannot guess its way to the password). A deleted account leaves only a
 * tombstone (its handle, never given out again, and its actor id); its
 * statuses go as if deleted one by one (others' reply and reblog counts
 * corrected), then its row, whose follows and favourites first correct
 * the counts of others. */
#ifndef RAPPORT_LIFECYCLE_H
#define RAPPORT_LIFECYCLE_H

#include "core/core.h"
#include "store/lifecycle.h"

/* How long a deletion request removes content before it leaves the rest
 * to the background worker, and how long the worker waits before it
 * takes over a deletion a request may still be working on. */
#define LIFECYCLE_REQUEST_MS 3000
#define LIFECYCLE_TAKEOVER_MS 10000

/* Sets a new password (PASSWORD_MIN..PASSWORD_MAX characters) after
 * checking the current one, and revokes every token of the account but
 * keep_token (the caller's; 0 for none). RC_INVALID "current_password" or
 * "password"; RC_RATE_LIMITED after too many wrong passwords. */
enum rc lifecycle_password_change(struct core *c, int64_t account_id, int64_t keep_token,
				  const char *current, const char *password);
/* The same without the current password (a reset link proved the
 * address): keep_token 0 ends every session. */
enum rc lifecycle_password_set(struct core *c, int64_t account_id, int64_t keep_token,
			       const char *password);
/* Sets a new e-mail after checking the password. RC_INVALID "email" when
 * malformed or another account's. */
enum rc lifecycle_email_change(struct core *c, int64_t account_id, const char *current,
			       const char *email);
/* The apps holding tokens of the account, most recent first. */
enum rc lifecycle_apps(struct core *c, int64_t account_id, struct authorized_app_list *out);
/* Revokes every token of app_id for the account; RC_NOT_FOUND when it
 * has none. */
enum rc lifecycle_app_revoke(struct core *c, int64_t account_id, int64_t app_id);
/* Deletes the account after checking its password: the tombstone and the
 * end of every session at once, then its content for up to
 * LIFECYCLE_REQUEST_MS; what is left the worker removes. */
enum rc lifecycle_account_delete(struct core *c, int64_t account_id, const char *password);
/* Removes a remote account its server deleted, as a deleted local one
 * (its statuses, then its row with its follows, favourites and
 * notifications, others' counts corrected), for up to
 * LIFECYCLE_REQUEST_MS; what is left the worker removes. Applying it
 * again is harmless. */
enum rc lifecycle_remote_delete(struct core *c, int64_t account_id);
/* Whether acct ("name", "@name" or "name@this.domain") is the handle of a
 * deleted local account (*deleted_at its time, ms; 0 when not). */
enum rc lifecycle_handle_deleted(struct core *c, const char *acct, int64_t *deleted_at);
/* Worker: removes some content of the oldest deletion left unfinished.
 * 1 when it did some, 0 when there was none, -1 on failure. */
int lifecycle_background(struct core *c);

#endif
