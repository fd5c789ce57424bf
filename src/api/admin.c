/* admin.c - Mastodon's admin API for accounts and reports, and Rapport's
 * audit log, role changes and moderation queue (core/moderation.h). */
#include "api/api.h"
#include "api/api_moderation.h"
#include "api/api_streaming.h"
#include "core/detect.h"
#include "core/moderation.h"
#include "core/statuses.h"
#include "util/util.h"

#include <string.h>

#define ADMIN_LIMIT 100
#define ADMIN_LIMIT_MAX 200

bool admin_allowed(struct req *r, uint32_t need)
{
	int role;
	if (!api_check(r, moderation_require(&r->core, r->account_id, need, &role)))
		return true;
	return false;
}

/* An Admin::Account; NULL when it cannot be read (the store failed or
 * the account is gone). */
static json_t *admin_account_json(struct req *r, int64_t id)
{
	struct account a;
	struct acct_mod m;
	if (account_get(&r->core, id, &a) || moderation_account(&r->core, id, &m))
		return NULL;
	json_t *acc = ent_account(r, &a);
	if (!acc)
		return NULL;
	json_t *ip = m.local && *m.sign_up_ip ? json_string(m.sign_up_ip) : json_null();
	json_t *ips = json_array();
	if (json_is_string(ip))
		json_array_append_new(ips, json_pack("{s:O, s:o}", "ip", ip,
						     "used_at", jtime(m.user_created_at)));
	return json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:b, s:b, s:b, s:b,"
			 " s:b, s:b, s:o, s:n, s:o}",
			 "id", jid(id), "username", a.username, "domain",
			 *a.domain ? json_string(a.domain) : json_null(), "created_at",
			 jtime(a.created_at), "email",
			 m.local ? json_string(m.email) : json_null(), "ip", ip, "ips", ips,
			 "locale", "en", "invite_request",
			 m.local && *m.reason ? json_string(m.reason) : json_null(), "role",
			 ent_role(r, m.role), "confirmed", true, "approved", m.approved, "disabled",
			 m.disabled, "silenced", m.silenced_at > 0, "suspended", m.suspended_at > 0,
			 "sensitized", m.sensitized_at > 0, "account", acc,
			 "created_by_application_id", "invited_by_account_id",
			 m.invite_id ? jid(m.invite_id) : json_null());
}

static void reply_admin_account(struct req *r, int64_t id)
{
	json_t *j = admin_account_json(r, id);
	if (j)
		reply_json(r, 200, j);
	else
		reply_core_error(r);
}

/* ---- accounts ---- */

static void reply_account_ids(struct req *r, const struct page *pg, const int64_t *ids, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j = admin_account_json(r, ids[i]);
		if (!j) {
			json_decref(arr);
			reply_core_error(r);
			return;
		}
		json_array_append_new(arr, j);
	}
	if (n)
		page_link(r, pg, n, ids[0], ids[n - 1]);
	reply_json(r, 200, arr);
}

static void list_accounts(struct req *r, struct admin_filter *f)
{
	f->username = param_str(r, "username");
	f->display_name = param_str(r, "display_name");
	f->email = param_str(r, "email");
	f->by_domain = param_str(r, "by_domain");
	struct page pg;
	page_from_params(r, &pg, ADMIN_LIMIT, ADMIN_LIMIT_MAX);
	int64_t *ids;
	int n;
	if (api_check(r, moderation_accounts(&r->core, f, &pg, &ids, &n)))
		return;
	reply_account_ids(r, &pg, ids, n);
}

void h_admin_accounts_v1(struct req *r)
{
	if (!admin_allowed(r, PERM_MANAGE_USERS))
		return;
	static const char *const states[] = {"pending", "disabled", "silenced", "suspended",
					     "active"};
	struct admin_filter f = {.origin = param_bool(r, "remote") == 1  ? 2
					   : param_bool(r, "local") == 1 ? 1
									 : 0,
				 .staff = param_bool(r, "staff") == 1};
	for (int i = 0; i < 5 && !f.status; i++)
		if (param_bool(r, states[i]) == 1)
			f.status = states[i];
	list_accounts(r, &f);
}

void h_admin_accounts_v2(struct req *r)
{
	if (!admin_allowed(r, PERM_MANAGE_USERS))
		return;
	const char *origin = param_str(r, "origin");
	const char *status = param_str(r, "status");
	struct admin_filter f = {.origin = origin && !strcmp(origin, "local")    ? 1
					   : origin && !strcmp(origin, "remote") ? 2
										 : 0,
				 .status = status,
				 .staff = param_str(r, "permissions") &&
					  !strcmp(param_str(r, "permissions"), "staff")};
	if (status && strcmp(status, "active") && strcmp(status, "pending") &&
	    strcmp(status, "disabled") && strcmp(status, "silenced") && strcmp(status, "suspended")) {
		reply_error(r, 422, "Validation failed: status is not a moderation status");
		return;
	}
	list_accounts(r, &f);
}

void h_admin_account(struct req *r)
{
	int64_t id;
	if (!admin_allowed(r, PERM_MANAGE_USERS) || !path_id(r, 0, &id))
		return;
	reply_admin_account(r, id);
}

void h_admin_account_action(struct req *r)
{
	int64_t id, report = 0;
	if (!admin_allowed(r, PERM_MANAGE_USERS) || !path_id(r, 0, &id))
		return;
	const char *rs = param_str(r, "report_id");
	if (rs && *rs && !id_parse(rs, &report)) {
		reply_error(r, 422, "Validation failed: report_id is not an id");
		return;
	}
	struct mod_action a = {.type = param_str(r, "type"), .text = param_str(r, "text"),
			       .report_id = report,
			       .warn = param_bool(r, "send_email_notification") != 0};
	if (!a.type)
		a.type = "none";
	if (api_check(r, moderation_act(&r->core, r->account_id, id, &a)))
		return;
	/* An account that may no longer read loses its open streams. */
	if (!strcmp(a.type, "suspend") || !strcmp(a.type, "disable"))
		streaming_close_account(id);
	reply_json(r, 200, json_object());
}

void h_admin_account_undo(struct req *r)
{
	int64_t id;
	if (!admin_allowed(r, PERM_MANAGE_USERS) || !path_id(r, 0, &id))
		return;
	const char *what = strrchr(r->path, '/') + 1;
	if (api_check(r, moderation_undo(&r->core, r->account_id, id, what)))
		return;
	if (!strcmp(what, "reject")) {
		reply_json(r, 200, json_object());
		return;
	}
	reply_admin_account(r, id);
}

void h_admin_account_role(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id))
		return;
	int role = role_parse(param_str(r, "role"));
	if (role < 0) {
		reply_error(r, 422, "Validation failed: role must be owner, admin, moderator or user");
		return;
	}
	if (api_check(r, moderation_set_role(&r->core, r->account_id, id, role)))
		return;
	reply_admin_account(r, id);
}

/* ---- reports ---- */

static json_t *admin_account_or_null(struct req *r, int64_t id, bool *ok)
{
	if (!id)
		return json_null();
	json_t *j = admin_account_json(r, id);
	*ok = *ok && j;
	return j ? j : json_null();
}

/* The reported statuses as the reporter saw them (deleted ones skipped). */
static json_t *report_statuses(struct req *r, const struct report *p, bool *ok)
{
	json_t *ids = json_loads(p->status_ids, 0, NULL), *arr = json_array(), *e;
	size_t i;
	json_array_foreach(ids, i, e)
	{
		int64_t sid;
		struct status s;
		if (!id_parse(json_string_value(e), &sid))
			continue;
		if (status_load(&r->core, p->account_id, sid, &s)) {
			*ok = *ok && r->core.err.rc == RC_NOT_FOUND;
			continue;
		}
		json_t *j = ent_status(r, &s);
		*ok = *ok && j;
		if (j)
			json_array_append_new(arr, j);
	}
	json_decref(ids);
	return arr;
}

static json_t *report_rules(struct req *r, const struct report *p, bool *ok)
{
	struct rule_list l;
	json_t *arr = json_array();
	json_t *ids = json_loads(p->rule_ids, 0, NULL);
	if (rules_list(&r->core, &l)) {
		*ok = false;
		l.n = 0;
	}
	for (int i = 0; i < l.n; i++) {
		json_t *e;
		size_t k;
		json_array_foreach(ids, k, e)
		{
			if (json_integer_value(e) == l.items[i].id)
				json_array_append_new(arr, json_pack("{s:o, s:s, s:s}", "id",
								     jid(l.items[i].id), "text",
								     l.items[i].text, "hint",
								     l.items[i].hint));
		}
	}
	json_decref(ids);
	return arr;
}

static json_t *admin_report_json(struct req *r, const struct report *p)
{
	bool ok = true;
	json_t *j = json_pack(
		"{s:o, s:b, s:o, s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
		jid(p->id), "action_taken", p->resolved_at > 0, "action_taken_at",
		p->resolved_at ? jtime(p->resolved_at) : json_null(), "category", p->category,
		"comment", p->comment, "forwarded", p->forward, "created_at", jtime(p->created_at),
		"updated_at", jtime(p->updated_at), "account",
		admin_account_or_null(r, p->account_id, &ok), "target_account",
		admin_account_or_null(r, p->target_id, &ok), "assigned_account",
		admin_account_or_null(r, p->assigned_id, &ok), "action_taken_by_account",
		admin_account_or_null(r, p->resolved_by, &ok), "statuses",
		report_statuses(r, p, &ok), "rules", report_rules(r, p, &ok));
	if (ok)
		return j;
	json_decref(j);
	return NULL;
}

static void reply_report(struct req *r, const struct report *p)
{
	json_t *j = admin_report_json(r, p);
	if (j)
		reply_json(r, 200, j);
	else
		reply_error(r, 500, "Internal error");
}

/* A page of reports as JSON; NULL (500 answered) on failure. */
static json_t *reports_json(struct req *r, const struct report_list *l)
{
	json_t *arr = json_array();
	for (int i = 0; i < l->n; i++) {
		json_t *j = admin_report_json(r, &l->items[i]);
		if (!j) {
			json_decref(arr);
			reply_error(r, 500, "Internal error");
			return NULL;
		}
		json_array_append_new(arr, j);
	}
	return arr;
}

void h_admin_reports(struct req *r)
{
	if (!admin_allowed(r, PERM_MANAGE_REPORTS))
		return;
	int64_t account = 0, target = 0;
	id_parse(param_str(r, "account_id"), &account);
	id_parse(param_str(r, "target_account_id"), &target);
	int resolved = param_bool(r, "resolved") == 1 ? 1 : 0;
	struct page pg;
	page_from_params(r, &pg, ADMIN_LIMIT, ADMIN_LIMIT_MAX);
	struct report_list l;
	if (api_check(r, reports_list(&r->core, resolved, account, target, &pg, &l)))
		return;
	json_t *arr = reports_json(r, &l);
	if (!arr)
		return;
	if (l.n)
		page_link(r, &pg, l.n, l.items[0].id, l.items[l.n - 1].id);
	reply_json(r, 200, arr);
}

void h_admin_report(struct req *r)
{
	int64_t id;
	struct report p;
	if (!admin_allowed(r, PERM_MANAGE_REPORTS) || !path_id(r, 0, &id) ||
	    api_check(r, report_get(&r->core, id, &p)))
		return;
	reply_report(r, &p);
}

void h_admin_report_change(struct req *r)
{
	int64_t id;
	if (!admin_allowed(r, PERM_MANAGE_REPORTS) || !path_id(r, 0, &id))
		return;
	const char *what = strrchr(r->path, '/') + 1;
	struct report p;
	enum rc rc = !strcmp(what, "assign_to_self")
			     ? report_assign(&r->core, r->account_id, id, true, &p)
		     : !strcmp(what, "unassign") ? report_assign(&r->core, r->account_id, id, false, &p)
		     : !strcmp(what, "resolve")  ? report_resolve(&r->core, r->account_id, id, true, &p)
						 : report_resolve(&r->core, r->account_id, id, false, &p);
	if (api_check(r, rc))
		return;
	reply_report(r, &p);
}

/* ---- the audit log ---- */

void h_admin_audit(struct req *r)
{
	if (!admin_allowed(r, PERM_VIEW_AUDIT_LOG))
		return;
	struct page pg;
	page_from_params(r, &pg, ADMIN_LIMIT, ADMIN_LIMIT_MAX);
	struct audit_list l;
	if (api_check(r, audit_list(&r->core, &pg, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		const struct audit_entry *e = &l.items[i];
		struct account a;
		bool known = !account_get(&r->core, e->actor_id, &a);
		if (!known && r->core.err.rc != RC_NOT_FOUND) {
			json_decref(arr);
			reply_core_error(r);
			return;
		}
		json_array_append_new(
			arr, json_pack("{s:o, s:o, s:o, s:s, s:s, s:o, s:s, s:o}", "id", jid(e->id),
				       "actor_id", e->actor_id ? jid(e->actor_id) : json_null(),
				       "actor", known ? json_string(a.username) : json_null(),
				       "action", e->action, "target_type", e->target_type,
				       "target_id", e->target_id ? jid(e->target_id) : json_null(),
				       "detail", e->detail, "created_at", jtime(e->created_at)));
	}
	if (l.n)
		page_link(r, &pg, l.n, l.items[0].id, l.items[l.n - 1].id);
	reply_json(r, 200, arr);
}

/* ---- the moderation queue ---- */

static json_t *flag_names(int64_t flags)
{
	const char *names[8];
	int n = detect_flag_names((uint32_t)flags, names, 8);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(names[i]));
	return arr;
}

/* Flagged statuses as their authors see them (direct messages included:
 * an automated DM is the evidence). */
static json_t *queue_flagged(struct req *r, bool *ok)
{
	struct page pg;
	page_from_params(r, &pg, ADMIN_LIMIT, ADMIN_LIMIT_MAX);
	struct flagged_list l;
	json_t *arr = json_array();
	if (flagged_list(&r->core, &pg, &l)) {
		*ok = false;
		return arr;
	}
	for (int i = 0; i < l.n && *ok; i++) {
		struct status s;
		if (status_load(&r->core, l.items[i].account_id, l.items[i].status_id, &s)) {
			*ok = r->core.err.rc == RC_NOT_FOUND;
			continue;
		}
		json_t *st = ent_status(r, &s);
		*ok = st != NULL;
		json_array_append_new(arr, json_pack("{s:o, s:o, s:{s:s, s:o}}", "flags",
						     flag_names(l.items[i].flags), "status",
						     st ? st : json_null(), "evidence", "text",
						     s.text, "sent_at", jtime(s.created_at)));
	}
	return arr;
}

static json_t *queue_accounts(struct req *r, bool *ok)
{
	struct suspect *v;
	int n;
	json_t *arr = json_array();
	if (queue_suspects(&r->core, now_ms(), &v, &n)) {
		*ok = false;
		return arr;
	}
	for (int i = 0; i < n && *ok; i++) {
		json_t *acc = admin_account_json(r, v[i].account_id);
		*ok = acc != NULL;
		json_t *kinds = json_array();
		if (v[i].automated)
			json_array_append_new(kinds, json_string("automated"));
		if (v[i].collecting)
			json_array_append_new(kinds, json_string("follower_collecting"));
		json_array_append_new(arr, json_pack("{s:o, s:o, s:{s:I, s:I}}", "account",
						     acc ? acc : json_null(), "kinds", kinds,
						     "evidence", "automated_messages",
						     (json_int_t)v[i].automated, "unfollows_7d",
						     (json_int_t)v[i].unfollows));
	}
	return arr;
}

void h_admin_queue(struct req *r)
{
	if (!admin_allowed(r, PERM_MANAGE_REPORTS))
		return;
	struct page pg = {.limit = ADMIN_LIMIT};
	struct report_list l;
	if (api_check(r, reports_list(&r->core, 0, 0, 0, &pg, &l)))
		return;
	json_t *reports = reports_json(r, &l);
	if (!reports)
		return;
	bool ok = true;
	json_t *j = json_pack("{s:o, s:o, s:o}", "reports", reports, "flagged",
			      queue_flagged(r, &ok), "accounts", queue_accounts(r, &ok));
	if (!ok) {
		json_decref(j);
		reply_error(r, 500, "Internal error");
		return;
	}
	reply_json(r, 200, j);
}
