/* email.h - confirming an account's e-mail address and resetting a
 * forgotten password, by links mailed to the address (util/mail.h: SMTP,
 * or the log without RAPPORT_SMTP_URL).
 *
 * A link carries a random 256-bit token, stored only as its SHA-256; it
 * works once and expires (a day to confirm, an hour to reset); a new one
 * replaces the last. Links lead to the web app (#/confirm, #/reset), which
 * posts the token to Rapport's API. */
#ifndef RAPPORT_EMAIL_H
#define RAPPORT_EMAIL_H

#include "core/core.h"

#define EMAIL_CONFIRM_TTL_MS (24 * 3600 * 1000LL)
#define EMAIL_RESET_TTL_MS (3600 * 1000LL)
/* Reset requests per address per hour (and per IP: cfg.login_limit). */
#define EMAIL_RESET_LIMIT 5
#define EMAIL_RESET_WINDOW_S 3600

/* Mails a confirmation link to the account's address, unless confirmed
 * (then nothing). RC_UNAVAILABLE when the SMTP server refused it. */
enum rc email_send_confirmation(struct core *c, int64_t account_id);
/* Confirms the address the link was sent to, if it is still the
 * account's. RC_INVALID "token" for an unknown, used or expired link. */
enum rc email_confirm(struct core *c, const char *token);
enum rc email_confirmed(struct core *c, int64_t account_id, bool *out);
/* Mails a reset link if a user has this address; the answer is the same
 * either way. RC_RATE_LIMITED past the limits. */
enum rc email_reset_request(struct core *c, const char *email, const char *ip);
/* Sets the password from a reset link and ends every session. */
enum rc email_reset(struct core *c, const char *token, const char *password);

#endif
