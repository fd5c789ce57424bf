/* api_lifecycle.h - the account lifecycle under /api/rapport/v1
 * (api/lifecycle.c; routes in api/routes_lifecycle.inc). Mastodon has no
 * public API for these (its web pages do them), so apps and Rapport's web
 * app use these. Each change asks for the current password; a wrong one
 * is 422 with the field named, too many 429. */
#ifndef RAPPORT_API_LIFECYCLE_H
#define RAPPORT_API_LIFECYCLE_H

#include "http/http.h"

/* GET /api/rapport/v1/account: {"email", "created_at"} of the caller. */
void h_rapport_account_get(struct req *r);
/* POST /api/rapport/v1/account/password {current_password, password}:
 * {"revoked": true}; every other token of the account stops working. */
void h_rapport_password(struct req *r);
/* POST /api/rapport/v1/account/email {current_password, email}:
 * {"email"}; 422 when malformed or taken. */
void h_rapport_email(struct req *r);
/* GET /api/rapport/v1/authorized_apps: [{id, name, website, scopes,
 * authorized_at, last_authorized_at, tokens, current}], the apps holding
 * tokens of the caller, current marking the one asking. */
void h_rapport_apps_index(struct req *r);
/* DELETE /api/rapport/v1/authorized_apps/:id: revokes the app's tokens
 * of the caller ({}), 404 when it holds none. */
void h_rapport_apps_revoke(struct req *r);
/* POST /api/rapport/v1/account/delete {password}: deletes the account
 * ({}); every token of it stops working at once. */
void h_rapport_account_delete(struct req *r);

/* E-mail links (core/email.h). POST /api/v1/emails/confirmations: mails
 * the caller a new confirmation link ({}; nothing when confirmed). */
void h_email_confirmations(struct req *r);
/* POST /api/rapport/v1/email/confirm {token}: {} or 422. */
void h_rapport_email_confirm(struct req *r);
/* POST /api/rapport/v1/password/reset {email}: {} whether or not the
 * address is known; 429 past the limits. */
void h_rapport_reset_request(struct req *r);
/* POST /api/rapport/v1/password/reset/confirm {token, password}: {}, every
 * session of the account ended; 422 for a bad link or password. */
void h_rapport_reset(struct req *r);

/* Your data in Mastodon's CSV formats (core/portability.h). GET
 * /api/rapport/v1/exports/:kind.csv (following, lists, blocks, mutes,
 * domain_blocks, bookmarks): the file, as an attachment. POST
 * /api/rapport/v1/imports {type, data (the CSV text)}: {type, imported,
 * skipped, skips: [{line, address, error}]}. */
void h_rapport_export(struct req *r);
void h_rapport_import(struct req *r);
/* GET /api/rapport/v1/exports/archive.zip: actor.json, outbox.json and the
 * CSV files (core/archive.h). */
void h_rapport_archive(struct req *r);

#endif
