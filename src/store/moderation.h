/* moderation.h - roles, moderation states, reports, warnings, the audit
 * log, admin blocks, rules, instance settings and invites
 * (store_moderation.c; migration 19). */
#ifndef RAPPORT_STORE_MODERATION_H
#define RAPPORT_STORE_MODERATION_H

#include "store/store.h"

/* users.role; each role has every permission of the ones below it. */
enum role { ROLE_USER = 0, ROLE_MODERATOR = 1, ROLE_ADMIN = 2, ROLE_OWNER = 3 };

/* An account's moderation state; the user part only for local accounts
 * (local false: a remote account, whose user fields are zero). */
struct acct_mod {
	int64_t id;
	int64_t suspended_at, silenced_at, sensitized_at; /* 0: not */
	bool local;
	int role;            /* enum role */
	bool approved, disabled;
	const char *email, *reason, *sign_up_ip;
	int64_t invite_id, user_created_at;
};

enum store_rc store_mod_get(struct db *db, struct arena *ar, int64_t account_id,
			    struct acct_mod *out);
/* Sets one of the accounts' moderation times: which is "suspended_at",
 * "silenced_at" or "sensitized_at" (a literal of these only); at 0 clears. */
enum store_rc store_mod_set_time(struct db *db, int64_t account_id, const char *which,
				 int64_t at);
/* Whether the account is silenced (limited) now. */
enum store_rc store_account_silenced(struct db *db, int64_t account_id, bool *silenced);
/* Sets users.role (and the older users.admin flag, role >= admin). */
enum store_rc store_user_set_role(struct db *db, int64_t account_id, int role);
enum store_rc store_user_set_disabled(struct db *db, int64_t account_id, bool disabled);
enum store_rc store_user_set_approved(struct db *db, int64_t account_id, bool approved);
/* Records the sign-up's pending state, reason, address and invite. */
enum store_rc store_user_set_signup(struct db *db, int64_t account_id, bool approved,
				    const char *reason, const char *ip, int64_t invite_id);
/* Deletes a local account and everything it owns (a rejected sign-up). */
enum store_rc store_account_delete(struct db *db, int64_t account_id);

/* Filters of the admin account list; zero members filter nothing. */
struct admin_filter {
	int origin;          /* 0 any, 1 local, 2 remote */
	const char *status;  /* NULL, "active", "pending", "disabled", "silenced", "suspended" */
	const char *username, *display_name, *email, *by_domain; /* substrings ("" none) */
	bool staff;          /* role >= moderator */
};
/* Account ids matching f, newest first, paged by id. */
enum store_rc store_admin_accounts(struct db *db, struct arena *ar, const struct admin_filter *f,
				   const struct page *pg, int64_t **ids, int *n);

/* Removes the account's statuses, and reblogs of them, from every home
 * feed (a suspension). */
enum store_rc store_feed_remove_everywhere(struct db *db, int64_t account_id);
/* The local followers of account_id and whether each shows its reblogs. */
enum store_rc store_local_followers(struct db *db, struct arena *ar, int64_t account_id,
				    int64_t **ids, bool **reblogs, int *n);

/* ---- reports ---- */

struct report {
	int64_t id, account_id, target_id;
	const char *category, *comment;
	bool forward;
	const char *status_ids, *rule_ids; /* JSON arrays of id strings / ints */
	int64_t assigned_id, resolved_by, resolved_at, created_at, updated_at;
};

struct report_list {
	struct report *items;
	int n;
};

enum store_rc store_report_insert(struct db *db, const struct report *r);
enum store_rc store_report_get(struct db *db, struct arena *ar, int64_t id, struct report *out);
/* resolved: -1 any, 0 open, 1 resolved; account/target 0 = any. */
enum store_rc store_reports_list(struct db *db, struct arena *ar, int resolved, int64_t account,
				 int64_t target, const struct page *pg, struct report_list *out);
enum store_rc store_report_assign(struct db *db, int64_t id, int64_t moderator, int64_t at);
/* by 0 reopens. */
enum store_rc store_report_resolve(struct db *db, int64_t id, int64_t by, int64_t at);

/* ---- warnings and the audit log ---- */

enum store_rc store_warning_insert(struct db *db, int64_t id, int64_t account_id,
				   int64_t actor_id, const char *action, const char *text,
				   int64_t report_id, int64_t at);
/* The text of the account's latest warning with this action ("" none). */
enum store_rc store_warning_latest(struct db *db, struct arena *ar, int64_t account_id,
				   const char *action, const char **text);

/* A warning as its account sees it: the statuses are those of the
 * report the action resolved (JSON array of ids). */
struct account_warning {
	int64_t id, account_id, created_at;
	const char *action, *text, *status_ids;
};
#define WARNINGS_MAX 100
/* The account's warnings, newest first, at most WARNINGS_MAX; with id
 * != 0 only that one (ST_NOT_FOUND when it is not the account's). */
enum store_rc store_warnings(struct db *db, struct arena *ar, int64_t account_id, int64_t id,
			     struct account_warning *out, int *n);

struct audit_entry {
	int64_t id, actor_id, target_id, created_at;
	const char *action, *target_type, *detail;
};
struct audit_list {
	struct audit_entry *items;
	int n;
};
enum store_rc store_audit_insert(struct db *db, const struct audit_entry *e);
enum store_rc store_audit_list(struct db *db, struct arena *ar, const struct page *pg,
			       struct audit_list *out);

/* ---- admin blocks: domain blocks and allows, e-mail domains, IPs ---- */

enum block_kind { BLOCK_DOMAIN = 0, BLOCK_DOMAIN_ALLOW = 1, BLOCK_EMAIL_DOMAIN = 2,
		  BLOCK_IP = 3 };

struct admin_block {
	int64_t id;
	int kind;             /* enum block_kind */
	const char *value;    /* a domain, or an address or CIDR block */
	const char *severity; /* "" when the kind has none */
	const char *data;     /* JSON object of the kind's other fields */
	int64_t created_at;
};
struct admin_block_list {
	struct admin_block *items;
	int n;
};

/* ST_CONFLICT when the kind already has this value. */
enum store_rc store_block_insert(struct db *db, const struct admin_block *b);
enum store_rc store_block_update(struct db *db, const struct admin_block *b);
enum store_rc store_block_delete(struct db *db, int kind, int64_t id);
enum store_rc store_block_get(struct db *db, struct arena *ar, int kind, int64_t id,
			      struct admin_block *out);
/* The block of a kind with exactly this value; ST_NOT_FOUND if none. */
enum store_rc store_block_by_value(struct db *db, struct arena *ar, int kind, const char *value,
				   struct admin_block *out);
/* Every block of a kind, by id ascending (the lists are short). */
enum store_rc store_blocks_list(struct db *db, struct arena *ar, int kind,
				struct admin_block_list *out);
/* Whether the kind holds exactly this value. */
enum store_rc store_block_has(struct db *db, int kind, const char *value, bool *found);

/* ---- rules, settings, invites ---- */

struct rule {
	int64_t id;
	const char *text, *hint;
	int position;
	int64_t created_at, updated_at;
};
struct rule_list {
	struct rule *items;
	int n;
};
enum store_rc store_rule_insert(struct db *db, const struct rule *r);
enum store_rc store_rule_update(struct db *db, const struct rule *r);
enum store_rc store_rule_delete(struct db *db, int64_t id);
/* By position, then id. */
enum store_rc store_rules_list(struct db *db, struct arena *ar, struct rule_list *out);

/* ST_NOT_FOUND when the key was never set. */
enum store_rc store_setting_get(struct db *db, struct arena *ar, const char *key,
				const char **value);
enum store_rc store_setting_set(struct db *db, const char *key, const char *value);

struct invite {
	int64_t id, account_id;
	const char *code;
	int max_uses, uses;
	int64_t expires_at, revoked_at, created_at;
};
struct invite_list {
	struct invite *items;
	int n;
};
enum store_rc store_invite_insert(struct db *db, const struct invite *v);
enum store_rc store_invites_list(struct db *db, struct arena *ar, struct invite_list *out);
enum store_rc store_invite_revoke(struct db *db, int64_t id, int64_t at);
/* Takes one use of the invite with this code if it is valid at `at`
 * (not revoked, not expired, uses left): ST_OK with its id, or
 * ST_NOT_FOUND. A conditional update, so two sign-ups cannot both take
 * the last use. */
enum store_rc store_invite_use(struct db *db, const char *code, int64_t at, int64_t *id);

/* ---- the moderation queue's flagged statuses ---- */

struct flagged {
	int64_t status_id, account_id, flags;
};
struct flagged_list {
	struct flagged *items;
	int n;
};
/* Statuses flagged automated or templated, of accounts that are not
 * suspended, newest first. */
enum store_rc store_flagged_list(struct db *db, struct arena *ar, const struct page *pg,
				 struct flagged_list *out);

#endif
