/* moderation.c - roles, the gate on suspended accounts, reports, actions
 * on accounts and the audit log (see core/moderation.h). */
#include "core/moderation.h"

#include "core/events.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "core/text.h"
#include "federation/outbox.h"
#include "store/accounts.h"
#include "store/health.h"
#include "store/rel.h"
#include "store/social.h"
#include "util/util.h"

#include <jansson.h>
#include <string.h>

#define FOLLOW_REFILL 20 /* a follower's feed gets this many back on unsuspend */

/* ---- roles ---- */

#define PERMS_MODERATOR                                                                       \
	(PERM_VIEW_DASHBOARD | PERM_VIEW_AUDIT_LOG | PERM_MANAGE_USERS | PERM_MANAGE_REPORTS |  \
	 PERM_MANAGE_TAXONOMIES | PERM_INVITE_USERS)
#define PERMS_ADMIN                                                                           \
	(PERMS_MODERATOR | PERM_MANAGE_FEDERATION | PERM_MANAGE_SETTINGS | PERM_MANAGE_BLOCKS | \
	 PERM_MANAGE_APPEALS | PERM_MANAGE_INVITES | PERM_MANAGE_RULES |                        \
	 PERM_MANAGE_ANNOUNCEMENTS | PERM_MANAGE_CUSTOM_EMOJIS | PERM_MANAGE_WEBHOOKS |         \
	 PERM_MANAGE_ROLES | PERM_MANAGE_USER_ACCESS | PERM_DELETE_USER_DATA)

static const char *const role_names[] = {"user", "moderator", "admin", "owner"};

uint32_t role_permissions(int role)
{
	switch (role) {
	case ROLE_OWNER: return PERM_ADMINISTRATOR | PERMS_ADMIN | PERM_DEVOPS;
	case ROLE_ADMIN: return PERMS_ADMIN;
	case ROLE_MODERATOR: return PERMS_MODERATOR;
	default: return 0;
	}
}

const char *role_name(int role)
{
	return role >= ROLE_USER && role <= ROLE_OWNER ? role_names[role] : "user";
}

int role_parse(const char *name)
{
	for (int i = ROLE_USER; name && i <= ROLE_OWNER; i++)
		if (!strcmp(name, role_names[i]))
			return i;
	return -1;
}

int role_mastodon_id(int role)
{
	return role > ROLE_USER && role <= ROLE_OWNER ? role : -99;
}

static enum rc load_mod(struct core *c, int64_t id, struct acct_mod *m)
{
	enum store_rc st = store_mod_get(c->db, c->arena, id, m);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc moderation_require(struct core *c, int64_t actor, uint32_t need, int *role)
{
	struct acct_mod m;
	enum store_rc st = store_mod_get(c->db, c->arena, actor, &m);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	*role = st == ST_OK ? m.role : ROLE_USER;
	if ((role_permissions(*role) & need) != need)
		return core_fail(c, RC_FORBIDDEN, NULL, "This action is not allowed");
	return RC_OK;
}

/* ---- instance health ---- */

enum rc moderation_health(struct core *c, int64_t viewer, struct health *out)
{
	int role;
	if (moderation_require(c, viewer, PERMS_HEALTH, &role))
		return c->err.rc;
	enum store_rc st = store_health(c->db, now_ms(), out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- the audit log ---- */

enum store_rc audit(struct db *db, int64_t actor, const char *action, const char *target_type,
		    int64_t target_id, const char *detail)
{
	struct audit_entry e = {.id = id_new(), .actor_id = actor, .action = action,
				.target_type = target_type, .target_id = target_id,
				.detail = detail ? detail : "", .created_at = now_ms()};
	return store_audit_insert(db, &e);
}

enum rc audit_list(struct core *c, const struct page *pg, struct audit_list *out)
{
	enum store_rc st = store_audit_list(c->db, c->arena, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct role_ctx {
	struct core *c;
	int64_t actor, target;
	int role;
};

/* The actor may give target the role: PERM_MANAGE_ROLES and a role above
 * both the target's and the new one (the owner may name owners); actor 0
 * is the command line. Read on db, in the transaction that writes. */
static enum rc role_allowed(struct core *c, int64_t actor, const struct acct_mod *t, int role)
{
	if (!t->local)
		return core_fail(c, RC_INVALID, NULL, "Only local accounts have roles");
	if (!actor)
		return RC_OK;
	int mine;
	if (moderation_require(c, actor, PERM_MANAGE_ROLES, &mine))
		return c->err.rc;
	bool above = mine == ROLE_OWNER || (mine > t->role && mine > role);
	if (!above || actor == t->id)
		return core_fail(c, RC_FORBIDDEN, NULL,
				 "This action is not allowed: a role above both the account's and "
				 "the new one is needed");
	return RC_OK;
}

static enum store_rc role_tx(struct db *db, void *arg)
{
	struct role_ctx *x = arg;
	struct core in_tx = *x->c; /* reads on the transaction's connection */
	in_tx.db = db;
	struct acct_mod t;
	enum store_rc st = store_mod_get(db, in_tx.arena, x->target, &t);
	if (st != ST_OK)
		return st;
	if (role_allowed(&in_tx, x->actor, &t, x->role)) {
		x->c->err = in_tx.err;
		return ST_CONFLICT; /* refused: nothing written */
	}
	st = store_user_set_role(db, x->target, x->role);
	if (st != ST_OK)
		return st;
	return audit(db, x->actor, "change_role", "account", x->target,
		     arena_printf(in_tx.arena, "%s -> %s", role_name(t.role), role_name(x->role)));
}

enum rc moderation_set_role(struct core *c, int64_t actor, int64_t target, int role)
{
	if (role < ROLE_USER || role > ROLE_OWNER)
		return core_fail(c, RC_INVALID, "role",
				 "Validation failed: role must be owner, admin, moderator or user");
	struct role_ctx x = {c, actor, target, role};
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, role_tx, &x);
	if (st == ST_CONFLICT && c->err.rc != RC_OK)
		return c->err.rc;
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- the gate ---- */

enum rc moderation_gate(struct core *c, int64_t account_id)
{
	struct acct_mod m;
	if (load_mod(c, account_id, &m))
		return c->err.rc;
	if (m.suspended_at) {
		const char *why;
		enum store_rc st = store_warning_latest(c->db, c->arena, account_id, "suspend", &why);
		if (st != ST_OK)
			return core_store_fail(c, st);
		return core_fail(c, RC_FORBIDDEN, NULL, "Your account is suspended%s%s",
				 *why ? ": " : "", why);
	}
	if (m.disabled)
		return core_fail(c, RC_FORBIDDEN, NULL, "Your login is currently disabled");
	if (!m.approved)
		return core_fail(c, RC_FORBIDDEN, NULL, "Your login is currently pending approval");
	return RC_OK;
}

enum rc moderation_suspended(struct core *c, int64_t account_id, bool *suspended)
{
	struct acct_mod m;
	enum store_rc st = store_mod_get(c->db, c->arena, account_id, &m);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	*suspended = st == ST_OK && m.suspended_at;
	return RC_OK;
}

/* ---- reports ---- */

static bool category_valid(const char *s)
{
	return !strcmp(s, "spam") || !strcmp(s, "legal") || !strcmp(s, "violation") ||
	       !strcmp(s, "other");
}

/* The statuses exist, are the target's and the reporter may see them. */
static enum rc check_report_statuses(struct core *c, int64_t reporter, const struct new_report *in,
				     json_t *ids)
{
	if (in->nstatus > REPORT_STATUSES_MAX)
		return core_fail(c, RC_INVALID, "status_ids",
				 "Validation failed: at most %d statuses", REPORT_STATUSES_MAX);
	for (int i = 0; i < in->nstatus; i++) {
		struct status s;
		if (status_load(c, reporter, in->status_ids[i], &s)) {
			if (c->err.rc != RC_NOT_FOUND)
				return c->err.rc;
			return core_fail(c, RC_INVALID, "status_ids",
					 "Validation failed: a reported status was not found");
		}
		if (s.account_id != in->target_id)
			return core_fail(c, RC_INVALID, "status_ids",
					 "Validation failed: a reported status is not the account's");
		json_array_append_new(ids, json_string(arena_printf(c->arena, "%lld",
								     (long long)s.id)));
	}
	return RC_OK;
}

static enum rc check_report_rules(struct core *c, const struct new_report *in, json_t *ids)
{
	if (in->nrule > REPORT_RULES_MAX)
		return core_fail(c, RC_INVALID, "rule_ids", "Validation failed: too many rules");
	struct rule_list rl;
	if (in->nrule && rules_list(c, &rl))
		return c->err.rc;
	for (int i = 0; i < in->nrule; i++) {
		bool found = false;
		for (int j = 0; j < rl.n && !found; j++)
			found = rl.items[j].id == in->rule_ids[i];
		if (!found)
			return core_fail(c, RC_INVALID, "rule_ids",
					 "Validation failed: a rule named does not exist");
		json_array_append_new(ids, json_integer(in->rule_ids[i]));
	}
	return RC_OK;
}

static const char *dump(struct core *c, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	const char *out = arena_strdup(c->arena, s ? s : "[]");
	free(s);
	return out;
}

static enum rc report_validate(struct core *c, int64_t reporter, const struct new_report *in)
{
	if (!category_valid(in->category))
		return core_fail(c, RC_INVALID, "category",
				 "Validation failed: category must be spam, legal, violation or "
				 "other");
	if (in->target_id == reporter)
		return core_fail(c, RC_INVALID, "account_id", "Validation failed: you cannot report "
							   "yourself");
	long n = in->comment ? text_length(in->comment) : 0;
	if (n < 0 || n > REPORT_COMMENT_MAX)
		return core_fail(c, RC_INVALID, "comment",
				 "Validation failed: comment is too long (maximum is %d characters)",
				 REPORT_COMMENT_MAX);
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, in->target_id, &a);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct report_tx {
	struct core *c;
	const struct report *r;
};

/* The report and, when it is to be forwarded, the Flag to the reported
 * account's server (queued in the same transaction). */
static enum store_rc report_insert_fn(struct db *db, void *arg)
{
	struct report_tx *x = arg;
	enum store_rc st = store_report_insert(db, x->r);
	if (st == ST_OK && x->r->forward && report_forward_hook(x->c, db, x->r))
		return ST_ERROR;
	return st;
}

enum rc report_create(struct core *c, int64_t reporter, const struct new_report *in,
		      struct report *out)
{
	if (report_validate(c, reporter, in))
		return c->err.rc;
	json_t *sids = json_array(), *rids = json_array();
	enum rc rc = check_report_statuses(c, reporter, in, sids);
	if (!rc)
		rc = check_report_rules(c, in, rids);
	*out = (struct report){.id = id_new(), .account_id = reporter, .target_id = in->target_id,
			       .category = in->category, .comment = in->comment ? in->comment : "",
			       .forward = in->forward, .status_ids = dump(c, sids),
			       .rule_ids = dump(c, rids), .created_at = now_ms()};
	out->updated_at = out->created_at;
	json_decref(sids);
	json_decref(rids);
	if (rc)
		return rc;
	struct report_tx x = {c, out};
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, report_insert_fn, &x);
	if (st != ST_OK)
		return c->err.rc ? c->err.rc : core_store_fail(c, st);
	return RC_OK;
}

enum rc report_get(struct core *c, int64_t id, struct report *out)
{
	enum store_rc st = store_report_get(c->db, c->arena, id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc reports_list(struct core *c, int resolved, int64_t account, int64_t target,
		     const struct page *pg, struct report_list *out)
{
	enum store_rc st = store_reports_list(c->db, c->arena, resolved, account, target, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct report_ctx {
	int64_t actor, id;
	bool on, assign;
};

static enum store_rc report_tx(struct db *db, void *arg)
{
	struct report_ctx *x = arg;
	int64_t now = now_ms();
	enum store_rc st = x->assign ? store_report_assign(db, x->id, x->on ? x->actor : 0, now)
				     : store_report_resolve(db, x->id, x->on ? x->actor : 0, now);
	static const char *const names[2][2] = {{"reopen_report", "resolve_report"},
						{"unassign_report", "assign_report"}};
	return st == ST_OK ? audit(db, x->actor, names[x->assign][x->on], "report", x->id, NULL)
			   : st;
}

static enum rc report_change(struct core *c, int64_t actor, int64_t id, bool assign, bool on,
			     struct report *out)
{
	struct report_ctx x = {actor, id, on, assign};
	enum store_rc st = store_tx(c->db, report_tx, &x);
	if (st != ST_OK)
		return core_store_fail(c, st);
	return report_get(c, id, out);
}

enum rc report_assign(struct core *c, int64_t actor, int64_t id, bool assign, struct report *out)
{
	return report_change(c, actor, id, true, assign, out);
}

enum rc report_resolve(struct core *c, int64_t actor, int64_t id, bool resolve,
		       struct report *out)
{
	return report_change(c, actor, id, false, resolve, out);
}

/* ---- actions on accounts ---- */

struct act_ctx {
	struct core *c;
	int64_t actor, target;
	const struct mod_action *a;
	const char *what; /* an undo, or NULL */
	bool local;       /* the target is a local account (read in the transaction) */
	int64_t *refill;  /* followers to refill after an unsuspend */
	bool *refill_reblogs;
	int nrefill;
};

static enum store_rc act_apply(struct db *db, struct act_ctx *x, int64_t now)
{
	const char *t = x->a->type;
	if (!strcmp(t, "sensitive"))
		return store_mod_set_time(db, x->target, "sensitized_at", now);
	if (!strcmp(t, "silence"))
		return store_mod_set_time(db, x->target, "silenced_at", now);
	if (!strcmp(t, "disable"))
		return store_user_set_disabled(db, x->target, true);
	if (!strcmp(t, "suspend")) {
		enum store_rc st = store_mod_set_time(db, x->target, "suspended_at", now);
		if (st == ST_OK)
			st = store_feed_remove_everywhere(db, x->target);
		if (st == ST_OK && outbox_actor_update(x->c, db, x->target, true))
			st = ST_ERROR;
		return st;
	}
	return ST_OK; /* none: a warning only */
}

/* The actor may act on target: staff only by a higher role. */
static enum rc may_act(struct core *c, int64_t actor, int64_t target, struct acct_mod *t)
{
	int mine;
	if (moderation_require(c, actor, PERM_MANAGE_USERS, &mine) || load_mod(c, target, t))
		return c->err.rc;
	if (actor == target || (t->role > ROLE_USER && t->role >= mine))
		return core_fail(c, RC_FORBIDDEN, NULL,
				 "This action is not allowed on this account");
	return RC_OK;
}

/* What an action or an undo needs of its target, beyond may_act. */
static enum rc target_fits(struct core *c, struct act_ctx *x, const struct acct_mod *t)
{
	if (x->what) {
		bool signup = !strcmp(x->what, "approve") || !strcmp(x->what, "reject");
		if (signup && (!t->local || t->approved))
			return core_fail(c, RC_FORBIDDEN, NULL, "This account is not awaiting approval");
		if (strcmp(x->what, "unsuspend"))
			return RC_OK;
		enum store_rc st = store_local_followers(c->db, c->arena, x->target, &x->refill,
							 &x->refill_reblogs, &x->nrefill);
		return st == ST_OK ? RC_OK : core_store_fail(c, st);
	}
	if (!strcmp(x->a->type, "disable") && !t->local)
		return core_fail(c, RC_INVALID, "type", "Only local accounts can be disabled");
	struct report r;
	if (x->a->report_id && report_get(c, x->a->report_id, &r))
		return c->err.rc == RC_NOT_FOUND ? core_fail(c, RC_INVALID, "report_id",
							     "Validation failed: report not found")
						 : c->err.rc;
	return RC_OK;
}

/* The checks, read in the transaction that writes (a role changed
 * meanwhile counts); a refusal writes nothing and leaves its error in the
 * caller's core. */
static enum store_rc act_allowed(struct db *db, struct act_ctx *x)
{
	struct core in_tx = *x->c;
	in_tx.db = db;
	struct acct_mod t;
	enum rc rc = may_act(&in_tx, x->actor, x->target, &t);
	if (!rc)
		rc = target_fits(&in_tx, x, &t);
	x->local = !rc && t.local;
	if (!rc)
		return ST_OK;
	x->c->err = in_tx.err;
	return rc == RC_INTERNAL ? ST_ERROR : ST_CONFLICT;
}

/* Whether the action is told to its account as a warning: a warning
 * ("none"), a suspension (its reason), one with a text or asked to. */
static bool warned(const struct mod_action *a)
{
	return a->warn || !strcmp(a->type, "none") || !strcmp(a->type, "suspend") ||
	       (a->text && *a->text);
}

/* Records the warning and, for a local account, its moderation_warning
 * notification: the warning's own id, from the account itself (the
 * moderator stays unnamed, as in Mastodon). */
static enum store_rc warn(struct db *db, struct act_ctx *x, int64_t now)
{
	int64_t id = id_new();
	enum store_rc st = store_warning_insert(db, id, x->target, x->actor, x->a->type,
						x->a->text ? x->a->text : "", x->a->report_id, now);
	if (st != ST_OK || !x->local)
		return st;
	struct notification n = {.id = id, .account_id = x->target, .from_account_id = x->target,
				 .type = "moderation_warning", .created_at = now};
	st = store_notification_insert(db, &n);
	if (st == ST_OK)
		st = events_notified(db, x->target, id);
	return st;
}

static enum store_rc act_tx(struct db *db, void *arg)
{
	struct act_ctx *x = arg;
	int64_t now = now_ms();
	const struct mod_action *a = x->a;
	enum store_rc st = act_allowed(db, x);
	if (st == ST_OK)
		st = act_apply(db, x, now);
	if (st == ST_OK && warned(a))
		st = warn(db, x, now);
	if (st == ST_OK && a->report_id) {
		st = store_report_resolve(db, a->report_id, x->actor, now);
		if (st == ST_OK)
			st = audit(db, x->actor, "resolve_report", "report", a->report_id, a->type);
	}
	if (st != ST_OK)
		return st;
	return audit(db, x->actor, arena_printf(x->c->arena, "%s_account", a->type), "account",
		     x->target, a->text);
}

/* Runs an action's or an undo's transaction; a refusal is its own error. */
static enum rc act_run(struct core *c, struct act_ctx *x,
		       enum store_rc (*fn)(struct db *, void *))
{
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, fn, x);
	if (st == ST_CONFLICT && c->err.rc != RC_OK)
		return c->err.rc;
	if (st == ST_ERROR && c->err.rc != RC_OK)
		return c->err.rc;
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

static bool action_valid(const char *t)
{
	return !strcmp(t, "none") || !strcmp(t, "sensitive") || !strcmp(t, "disable") ||
	       !strcmp(t, "silence") || !strcmp(t, "suspend");
}

#define SEVER_PAGE 200

/* A suspended remote account stops following anyone here, and its server
 * hears a Reject of each follow (the event's delivery), as Mastodon's
 * SuspendAccountService#reject_remote_follows! does: that server goes on
 * serving the account, which must not keep receiving what it followed.
 * Not undone by unsuspending. Nothing for a local account. */
static enum rc sever_remote_follows(struct core *c, int64_t target)
{
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, target, &a);
	if (st != ST_OK || !*a.domain)
		return st == ST_OK ? RC_OK : core_store_fail(c, st);
	struct page pg = {.limit = SEVER_PAGE};
	struct account_list l;
	do {
		st = store_following(c->db, c->arena, 0, target, &pg, &l);
		if (st != ST_OK)
			return core_store_fail(c, st);
		for (int i = 0; i < l.n; i++)
			if (!*l.items[i].domain && rel_remove_follower(c, l.items[i].id, target) &&
			    c->err.rc == RC_INTERNAL)
				return RC_INTERNAL;
		if (l.n)
			pg.max_id = l.cursor[l.n - 1];
	} while (l.n == SEVER_PAGE);
	return RC_OK;
}

enum rc moderation_warnings(struct core *c, int64_t viewer, int64_t id,
			    struct account_warning **out, int *n)
{
	*out = arena_calloc(c->arena, WARNINGS_MAX, sizeof **out);
	enum store_rc st = store_warnings(c->db, c->arena, viewer, id, *out, n);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc moderation_act(struct core *c, int64_t actor, int64_t target, const struct mod_action *a)
{
	if (!a->type || !action_valid(a->type))
		return core_fail(c, RC_INVALID, "type",
				 "Validation failed: type must be none, sensitive, disable, silence "
				 "or suspend");
	struct act_ctx x = {.c = c, .actor = actor, .target = target, .a = a};
	if (act_run(c, &x, act_tx))
		return c->err.rc;
	return strcmp(a->type, "suspend") ? RC_OK : sever_remote_follows(c, target);
}

static enum store_rc undo_apply(struct db *db, struct act_ctx *x)
{
	const char *w = x->what;
	if (!strcmp(w, "enable"))
		return store_user_set_disabled(db, x->target, false);
	if (!strcmp(w, "unsilence"))
		return store_mod_set_time(db, x->target, "silenced_at", 0);
	if (!strcmp(w, "unsensitive"))
		return store_mod_set_time(db, x->target, "sensitized_at", 0);
	if (!strcmp(w, "approve"))
		return store_user_set_approved(db, x->target, true);
	if (!strcmp(w, "reject"))
		return store_account_delete(db, x->target);
	enum store_rc st = store_mod_set_time(db, x->target, "suspended_at", 0);
	for (int i = 0; st == ST_OK && i < x->nrefill; i++)
		st = store_feed_backfill(db, x->refill[i], x->target, x->refill_reblogs[i],
					 FOLLOW_REFILL);
	if (st == ST_OK && outbox_actor_update(x->c, db, x->target, false))
		st = ST_ERROR;
	return st;
}

static enum store_rc undo_tx(struct db *db, void *arg)
{
	struct act_ctx *x = arg;
	enum store_rc st = act_allowed(db, x);
	if (st == ST_OK)
		st = undo_apply(db, x);
	if (st != ST_OK)
		return st;
	return audit(db, x->actor, arena_printf(x->c->arena, "%s_account", x->what), "account",
		     x->target, NULL);
}

static bool undo_valid(const char *w)
{
	return !strcmp(w, "enable") || !strcmp(w, "unsilence") || !strcmp(w, "unsensitive") ||
	       !strcmp(w, "unsuspend") || !strcmp(w, "approve") || !strcmp(w, "reject");
}

enum rc moderation_undo(struct core *c, int64_t actor, int64_t target, const char *what)
{
	if (!undo_valid(what))
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	struct act_ctx x = {.c = c, .actor = actor, .target = target, .what = what};
	return act_run(c, &x, undo_tx);
}

enum rc moderation_accounts(struct core *c, const struct admin_filter *f, const struct page *pg,
			    int64_t **ids, int *n)
{
	enum store_rc st = store_admin_accounts(c->db, c->arena, f, pg, ids, n);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc moderation_account(struct core *c, int64_t id, struct acct_mod *out)
{
	return load_mod(c, id, out);
}
