/* moderation.c - what every user sees of moderation: filing a report,
 * the rules, the instance documents' settings, the Role entity. */
#include "api/api.h"
#include "api/api_moderation.h"
#include "core/lifecycle.h"
#include "core/moderation.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

json_t *ent_role(struct req *r, int role)
{
	static const char *const names[] = {"", "Moderator", "Admin", "Owner"};
	int i = role >= ROLE_USER && role <= ROLE_OWNER ? role : ROLE_USER;
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "id",
			 arena_printf(&r->arena, "%d", role_mastodon_id(i)), "name", names[i],
			 "permissions", arena_printf(&r->arena, "%u", role_permissions(i)),
			 "color", "", "highlighted", i > ROLE_USER);
}

/* An array parameter of ids (a[]=1&a[]=2, a JSON array, or one value)
 * into an arena array; false (400 answered) for anything else. */
static bool id_array(struct req *r, const char *name, int max, int64_t **out, int *n)
{
	json_t *v = param_get(r, name);
	*n = 0;
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	json_t *arr = json_is_array(v) ? json_incref(v) : json_pack("[O]", v);
	size_t count = json_array_size(arr);
	*out = arena_alloc(&r->arena, (count ? count : 1) * sizeof **out);
	bool ok = (int)count <= max;
	for (size_t i = 0; ok && i < count; i++) {
		json_t *e = json_array_get(arr, i);
		char buf[32];
		const char *s = json_is_integer(e)
					? (snprintf(buf, sizeof buf, "%lld",
						    (long long)json_integer_value(e)),
					   buf)
					: json_string_value(e);
		ok = id_parse(s, &(*out)[(*n)++]);
	}
	json_decref(arr);
	if (!ok)
		reply_error(r, 422, "Validation failed: %s must be a list of at most %d ids", name, max);
	return ok;
}

static json_t *report_json(struct req *r, const struct report *p)
{
	struct account target;
	if (account_get(&r->core, p->target_id, &target))
		return NULL;
	json_t *acc = ent_account(r, &target);
	if (!acc)
		return NULL;
	json_t *sids = json_loads(p->status_ids, 0, NULL), *rids = json_loads(p->rule_ids, 0, NULL);
	return json_pack("{s:o, s:b, s:o, s:s, s:s, s:b, s:o, s:o, s:o, s:o}", "id", jid(p->id),
			 "action_taken", p->resolved_at > 0, "action_taken_at",
			 p->resolved_at ? jtime(p->resolved_at) : json_null(), "category",
			 p->category, "comment", p->comment, "forwarded", p->forward, "created_at",
			 jtime(p->created_at), "status_ids", sids ? sids : json_array(), "rule_ids",
			 rids ? rids : json_array(), "target_account", acc);
}

void h_reports_create(struct req *r)
{
	struct new_report in = {.comment = param_str(r, "comment"),
				.category = param_str(r, "category"),
				.forward = param_bool(r, "forward") == 1};
	if (!in.category || !*in.category)
		in.category = param_has(r, "rule_ids") ? "violation" : "other";
	if (!id_parse(param_str(r, "account_id"), &in.target_id)) {
		reply_error(r, 422, "Validation failed: account_id is missing or not an id");
		return;
	}
	if (!id_array(r, "status_ids", REPORT_STATUSES_MAX, (int64_t **)&in.status_ids,
		      &in.nstatus) ||
	    !id_array(r, "rule_ids", REPORT_RULES_MAX, (int64_t **)&in.rule_ids, &in.nrule))
		return;
	struct report p;
	if (api_check(r, report_create(&r->core, r->account_id, &in, &p)))
		return;
	reply_json(r, 200, report_json(r, &p));
}

static json_t *rules_json(struct req *r, const struct rule_list *l)
{
	json_t *arr = json_array();
	for (int i = 0; i < l->n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:s, s:s}", "id", jid(l->items[i].id),
						     "text", l->items[i].text, "hint",
						     l->items[i].hint));
	(void)r;
	return arr;
}

void h_instance_rules(struct req *r)
{
	struct rule_list l;
	if (api_check(r, rules_list(&r->core, &l)))
		return;
	reply_json(r, 200, rules_json(r, &l));
}

/* The contact account (null when none is set or it is gone). */
static json_t *contact_account(struct req *r, int64_t id)
{
	struct account a;
	if (!id || account_get(&r->core, id, &a))
		return json_null();
	json_t *j = ent_account(r, &a);
	return j ? j : json_null();
}

bool instance_moderation(struct req *r, json_t *doc, int version)
{
	struct instance_settings s;
	struct rule_list rules;
	if (settings_get(&r->core, &s) || rules_list(&r->core, &rules)) {
		reply_core_error(r);
		return false;
	}
	bool approval = !strcmp(s.registrations_mode, "approved");
	bool open = approval || !strcmp(s.registrations_mode, "open");
	json_t *msg = *s.registrations_message ? json_string(s.registrations_message) : json_null();
	json_object_set_new(doc, "rules", rules_json(r, &rules));
	if (*s.description)
		json_object_set_new(doc, "description", json_string(s.description));
	if (version == 1) {
		json_object_set_new(doc, "registrations", json_boolean(open));
		json_object_set_new(doc, "approval_required", json_boolean(approval));
		json_object_set_new(doc, "invites_enabled", json_true());
		json_object_set_new(doc, "email", json_string(s.contact_email));
		json_object_set_new(doc, "contact_account", contact_account(r, s.contact_account_id));
		json_decref(msg);
		return true;
	}
	json_object_set_new(doc, "registrations",
			    json_pack("{s:b, s:b, s:o, s:s}", "enabled", open, "approval_required",
				      approval, "message", msg, "mode", s.registrations_mode));
	json_object_set_new(doc, "contact",
			    json_pack("{s:s, s:o}", "email", s.contact_email, "account",
				      contact_account(r, s.contact_account_id)));
	return true;
}

int handle_deleted(struct req *r, const char *acct, int64_t *at)
{
	if (lifecycle_handle_deleted(&r->core, acct, at)) {
		reply_core_error(r);
		return -1;
	}
	return *at ? 1 : 0;
}

void reply_handle_missing(struct req *r, const char *acct)
{
	int64_t at;
	int gone = handle_deleted(r, acct, &at);
	if (gone > 0)
		reply_error(r, 410, "This account has been deleted");
	else if (!gone)
		reply_error(r, 404, "Record not found");
}

bool account_gone(struct req *r, int64_t id)
{
	bool suspended;
	if (api_check(r, moderation_suspended(&r->core, id, &suspended)))
		return true;
	if (suspended)
		reply_error(r, 410, "This account is suspended");
	return suspended;
}
