/* email.h - e-mail confirmation and password-reset links (store_email.c). */
#ifndef RAPPORT_STORE_EMAIL_H
#define RAPPORT_STORE_EMAIL_H

#include "store/store.h"

/* Replaces the account's links of this kind with one, expiring at
 * expires_at, for the address email. */
enum store_rc store_email_token_put(struct db *db, int64_t account_id, const char *kind,
				    const char *hash, const char *email, int64_t expires_at);
/* Takes (deletes) the link if it is of this kind and unexpired at now:
 * a link works once. ST_NOT_FOUND otherwise. */
enum store_rc store_email_token_take(struct db *db, struct arena *ar, const char *kind,
				     const char *hash, int64_t now, int64_t *account_id,
				     const char **email);
/* Marks the user's e-mail confirmed at `at` if it still is `email`;
 * ST_NOT_FOUND when it changed since the link was sent. */
enum store_rc store_email_confirm(struct db *db, int64_t account_id, const char *email,
				  int64_t at);
enum store_rc store_email_confirmed(struct db *db, int64_t account_id, bool *out);

#endif
