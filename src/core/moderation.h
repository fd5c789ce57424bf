/* moderation.h - running a community: roles and their permissions,
 * reports, moderation actions on accounts, the audit log, admin blocks,
 * the instance's rules and settings, sign-up modes and invites.
 *
 * Every admin action writes its change and its audit-log row in one
 * transaction. A suspended account cannot sign in or use its tokens and is
 * told why (the text of the suspension); its statuses leave home feeds and
 * every list (the visibility rule, store_internal.h), its profile answers
 * 410. A silenced account's statuses leave the public and tag timelines
 * of those who do not follow it. */
#ifndef RAPPORT_MODERATION_H
#define RAPPORT_MODERATION_H

#include "core/core.h"
#include "store/health.h"
#include "store/moderation.h"

/* Mastodon 4's role permission bits (UserRole::FLAGS). */
#define PERM_ADMINISTRATOR (1u << 0)
#define PERM_DEVOPS (1u << 1)
#define PERM_VIEW_AUDIT_LOG (1u << 2)
#define PERM_VIEW_DASHBOARD (1u << 3)
#define PERM_MANAGE_REPORTS (1u << 4)
#define PERM_MANAGE_FEDERATION (1u << 5)
#define PERM_MANAGE_SETTINGS (1u << 6)
#define PERM_MANAGE_BLOCKS (1u << 7)
#define PERM_MANAGE_TAXONOMIES (1u << 8)
#define PERM_MANAGE_APPEALS (1u << 9)
#define PERM_MANAGE_USERS (1u << 10)
#define PERM_MANAGE_INVITES (1u << 11)
#define PERM_MANAGE_RULES (1u << 12)
#define PERM_MANAGE_ANNOUNCEMENTS (1u << 13)
#define PERM_MANAGE_CUSTOM_EMOJIS (1u << 14)
#define PERM_MANAGE_WEBHOOKS (1u << 15)
#define PERM_INVITE_USERS (1u << 16)
#define PERM_MANAGE_ROLES (1u << 17)
#define PERM_MANAGE_USER_ACCESS (1u << 18)
#define PERM_DELETE_USER_DATA (1u << 19)

/* The permissions of a role (enum role); the owner has them all. */
uint32_t role_permissions(int role);
/* "owner", "admin", "moderator", "user"; role_parse gives -1 for others. */
const char *role_name(int role);
int role_parse(const char *name);
/* Mastodon's role ids: owner 3, admin 2, moderator 1, user -99. */
int role_mastodon_id(int role);

/* The caller's role; RC_FORBIDDEN unless it has every bit of `need`. */
enum rc moderation_require(struct core *c, int64_t actor, uint32_t need, int *role);
/* Sets a local user's role: the actor needs PERM_MANAGE_ROLES and a role
 * above both the target's and the new one (the owner may name owners);
 * actor 0 is the command line, which may set any role. */
enum rc moderation_set_role(struct core *c, int64_t actor, int64_t target, int role);

/* Why account_id may not sign in or use its tokens: RC_FORBIDDEN with
 * the reason (suspended with its text, disabled, awaiting approval);
 * RC_OK when nothing bars it. */
enum rc moderation_gate(struct core *c, int64_t account_id);
/* Whether account_id is suspended (a profile then answers 410). */
enum rc moderation_suspended(struct core *c, int64_t account_id, bool *suspended);

/* ---- reports ---- */

#define REPORT_COMMENT_MAX 1000
#define REPORT_STATUSES_MAX 20
#define REPORT_RULES_MAX 20

struct new_report {
	int64_t target_id;
	const char *category;     /* spam, legal, violation, other ("" = other) */
	const char *comment;
	bool forward;
	const int64_t *status_ids;
	int nstatus;
	const int64_t *rule_ids;
	int nrule;
};
/* Files a report by reporter; statuses must be the target's and visible
 * to the reporter, rules must exist (422 otherwise). */
enum rc report_create(struct core *c, int64_t reporter, const struct new_report *in,
		      struct report *out);
/* Forwards report r (its `forward` set) in the transaction on db that
 * stores it: when the reported account is remote, a Flag goes to its
 * server (federation/outbox.c). RC_OK, or RC_INTERNAL with c->err set. */
enum rc report_forward_hook(struct core *c, struct db *db, const struct report *r);

/* Admin side; every one needs PERM_MANAGE_REPORTS and is audited. */
enum rc report_get(struct core *c, int64_t id, struct report *out);
enum rc reports_list(struct core *c, int resolved, int64_t account, int64_t target,
		     const struct page *pg, struct report_list *out);
/* assign: true to the actor, false unassigns. */
enum rc report_assign(struct core *c, int64_t actor, int64_t id, bool assign,
		      struct report *out);
/* resolve: true resolves, false reopens. */
enum rc report_resolve(struct core *c, int64_t actor, int64_t id, bool resolve,
		       struct report *out);

/* ---- actions on accounts ---- */

struct mod_action {
	const char *type;  /* none, sensitive, disable, silence, suspend */
	const char *text;  /* told to the account */
	int64_t report_id; /* resolved by the action; 0 none */
	bool warn;         /* record a warning (always for "none", "suspend" or a text) */
};
/* An action by actor (PERM_MANAGE_USERS) on account target. Staff can
 * be acted on only by a higher role. */
enum rc moderation_act(struct core *c, int64_t actor, int64_t target, const struct mod_action *a);
/* The viewer's own warnings (what moderators told them), newest first;
 * with id != 0 only that one (RC_NOT_FOUND when it is not theirs). */
enum rc moderation_warnings(struct core *c, int64_t viewer, int64_t id,
			    struct account_warning **out, int *n);
/* Undoes: "enable", "unsilence", "unsuspend", "unsensitive"; or
 * "approve", "reject" a pending sign-up (reject deletes it). */
enum rc moderation_undo(struct core *c, int64_t actor, int64_t target, const char *what);

enum rc moderation_accounts(struct core *c, const struct admin_filter *f, const struct page *pg,
			    int64_t **ids, int *n);
enum rc moderation_account(struct core *c, int64_t id, struct acct_mod *out);

/* ---- instance health ---- */

/* The instance-health page is the admins' (issue 13): the dashboard's
 * permission and an admin's. Mastodon's roles give view_dashboard to
 * moderators too (config/roles.yml), so it alone would not do;
 * manage_settings, the instance's own matters, is an admin's only. */
#define PERMS_HEALTH (PERM_VIEW_DASHBOARD | PERM_MANAGE_SETTINGS)
/* The figures of the instance-health page (PERMS_HEALTH). */
enum rc moderation_health(struct core *c, int64_t viewer, struct health *out);

/* ---- audit log ---- */

/* Records an admin action; in the caller's transaction (db). */
enum store_rc audit(struct db *db, int64_t actor, const char *action, const char *target_type,
		    int64_t target_id, const char *detail);
enum rc audit_list(struct core *c, const struct page *pg, struct audit_list *out);

/* ---- admin blocks ---- */

/* Adds (id 0) or changes a block of kind; normalises domains to lower
 * case and checks addresses; RC_INVALID for a bad value, a duplicate. */
enum rc admin_block_save(struct core *c, int64_t actor, struct admin_block *b);
enum rc admin_block_delete(struct core *c, int64_t actor, int kind, int64_t id);
enum rc admin_block_get(struct core *c, int kind, int64_t id, struct admin_block *out);
/* The command line's `rapport domain` (actor 0): sets the domain block
 * of domain (canonical, as federation compares it) to severity
 * ("suspend", "silence"), or removes it (NULL; none is no error). The
 * same table, checks and audit log as the admin API's. */
enum rc admin_domain_rule(struct core *c, int64_t actor, const char *domain,
			  const char *severity);
enum rc admin_blocks_list(struct core *c, int kind, struct admin_block_list *out);

/* ---- rules and settings ---- */

#define RULE_TEXT_MAX 300
#define SETTING_MAX 5000

enum rc rules_list(struct core *c, struct rule_list *out);
/* Adds (r->id 0) or changes a rule. */
enum rc rule_save(struct core *c, int64_t actor, struct rule *r);
enum rc rule_delete(struct core *c, int64_t actor, int64_t id);

/* The instance's settings as admins set them; unset ones take the
 * configuration's defaults. registrations_mode is open, approved
 * (approval), closed or invite. */
struct instance_settings {
	const char *description, *contact_email, *registrations_mode, *registrations_message;
	int64_t contact_account_id; /* 0 none */
};
enum rc settings_get(struct core *c, struct instance_settings *out);
/* NULL members are left as they are. */
enum rc settings_save(struct core *c, int64_t actor, const struct instance_settings *in);

/* ---- sign-up ---- */

struct signup;
/* Before a sign-up: refused (403) when registrations are closed, or by
 * invitation only without a code; 422 for a blocked e-mail domain or
 * address, or approval without a reason. */
enum rc moderation_signup_check(struct core *c, const struct signup *s);
/* In the sign-up's transaction: takes a use of its invite (422 when it is
 * no longer valid) and records whether it waits for approval. */
enum store_rc moderation_signup_tx(struct core *c, struct db *db, const struct signup *s,
				   int64_t account_id);

#define INVITE_USES_MAX 1000
enum rc invite_create(struct core *c, int64_t actor, int max_uses, int64_t expires_in_s,
		      struct invite *out);
enum rc invites_list(struct core *c, struct invite_list *out);
enum rc invite_revoke(struct core *c, int64_t actor, int64_t id);

/* ---- the moderation queue ---- */

enum rc flagged_list(struct core *c, const struct page *pg, struct flagged_list *out);

/* Accounts the detectors distrust (an automated message in the last week,
 * or follower collecting now), with their evidence: automated messages
 * sent, unfollows of unreturned follows in the last week. */
#define QUEUE_SUSPECTS_MAX 100
struct suspect {
	int64_t account_id, automated, unfollows;
	bool collecting;
};
enum rc queue_suspects(struct core *c, int64_t now, struct suspect **out, int *n);

#endif
