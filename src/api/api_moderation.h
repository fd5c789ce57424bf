/* api_moderation.h - reports, Mastodon's admin API and Rapport's own
 * admin API (api/moderation.c, api/admin.c, api/admin_instance.c); routes
 * in api/routes_moderation.inc and api/routes_admin.inc.
 *
 * Every admin route needs a user token with admin:read or admin:write and
 * a role with the permission of its area (core/moderation.h): 403
 * otherwise. */
#ifndef RAPPORT_API_MODERATION_H
#define RAPPORT_API_MODERATION_H

#include <jansson.h>

#include "http/http.h"

/* A Role entity {id, name, permissions, color, highlighted}. */
json_t *ent_role(struct req *r, int role);

/* moderation.c: what every user has */
/* POST /api/v1/reports {account_id, status_ids[], rule_ids[], comment,
 * category, forward}: the Report. */
void h_reports_create(struct req *r);
/* GET /api/v1/instance/rules: [{id, text, hint}]. */
void h_instance_rules(struct req *r);
/* The instance documents' moderation parts, added to v1 (version 1) or v2. */
bool instance_moderation(struct req *r, json_t *doc, int version);

/* True (410 or 500 answered) when account id is suspended: its profile
 * is gone for everyone. */
bool account_gone(struct req *r, int64_t id);
/* After a lookup of acct found no account: 1 when acct is the handle of a
 * deleted local account (*at its deletion, ms), 0 when not, -1 when the
 * check failed (answered with a 500). */
int handle_deleted(struct req *r, const char *acct, int64_t *at);
/* Answers a lookup of acct that found nothing: 410 for a deleted
 * account's handle, else 404 (or 500). */
void reply_handle_missing(struct req *r, const char *acct);

/* admin.c: /api/v1/admin/accounts and reports */
void h_admin_accounts_v1(struct req *r);
void h_admin_accounts_v2(struct req *r);
void h_admin_account(struct req *r);
void h_admin_account_action(struct req *r);
/* approve, reject, enable, unsilence, unsuspend, unsensitive: the last
 * path segment names the undo. */
void h_admin_account_undo(struct req *r);
/* POST /api/rapport/v1/admin/accounts/:id/role {role}. */
void h_admin_account_role(struct req *r);
void h_admin_reports(struct req *r);
void h_admin_report(struct req *r);
/* assign_to_self, unassign, resolve, reopen (the last segment). */
void h_admin_report_change(struct req *r);
/* GET /api/rapport/v1/admin/audit: the audit log, newest first. */
void h_admin_audit(struct req *r);
/* GET /api/rapport/v1/admin/queue: {reports, flagged, accounts}. */
void h_admin_queue(struct req *r);

/* admin_instance.c: blocks, rules, settings, invites */
void h_admin_blocks_list(struct req *r);
void h_admin_block_get(struct req *r);
void h_admin_block_create(struct req *r);
void h_admin_block_update(struct req *r);
void h_admin_block_delete(struct req *r);
void h_admin_rules_list(struct req *r);
void h_admin_rule_create(struct req *r);
void h_admin_rule_update(struct req *r);
void h_admin_rule_delete(struct req *r);
void h_admin_settings_get(struct req *r);
void h_admin_settings_put(struct req *r);
void h_admin_invites_list(struct req *r);
void h_admin_invite_create(struct req *r);
void h_admin_invite_delete(struct req *r);

/* admin.c: the caller's role has every bit of need; replies 403 (or 500)
 * and returns false otherwise. */
bool admin_allowed(struct req *r, uint32_t need);

#endif
