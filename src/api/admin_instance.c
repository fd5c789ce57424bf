/* admin_instance.c - Mastodon's admin API for domain blocks and allows,
 * e-mail domain blocks and IP blocks; Rapport's for rules, the instance's
 * settings and invites (core/moderation.h). */
#include "api/api.h"
#include "api/api_moderation.h"
#include "core/moderation.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* ---- blocks: the kind is the path's fourth segment ---- */

struct block_kind_info {
	const char *segment;
	int kind;
	uint32_t perm;
};

static const struct block_kind_info kinds[] = {
	{"/api/v1/admin/domain_blocks", BLOCK_DOMAIN, PERM_MANAGE_FEDERATION},
	{"/api/v1/admin/domain_allows", BLOCK_DOMAIN_ALLOW, PERM_MANAGE_FEDERATION},
	{"/api/v1/admin/email_domain_blocks", BLOCK_EMAIL_DOMAIN, PERM_MANAGE_BLOCKS},
	{"/api/v1/admin/ip_blocks", BLOCK_IP, PERM_MANAGE_BLOCKS},
};

/* The kind of the request's path, with the permission check. */
static const struct block_kind_info *block_kind(struct req *r)
{
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (str_has_prefix(r->path, kinds[i].segment))
			return admin_allowed(r, kinds[i].perm) ? &kinds[i] : NULL;
	reply_error(r, 404, "Record not found");
	return NULL;
}

static json_t *data_bool(json_t *d, const char *k)
{
	return json_boolean(json_is_true(json_object_get(d, k)));
}

static json_t *data_str(json_t *d, const char *k)
{
	json_t *v = json_object_get(d, k);
	return json_is_string(v) ? json_incref(v) : json_null();
}

static json_t *block_json(const struct admin_block *b)
{
	json_t *d = json_loads(b->data, 0, NULL);
	json_t *j;
	switch (b->kind) {
	case BLOCK_DOMAIN:
		j = json_pack("{s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o}", "id", jid(b->id),
			      "domain", b->value, "created_at", jtime(b->created_at), "severity",
			      b->severity, "reject_media", data_bool(d, "reject_media"),
			      "reject_reports", data_bool(d, "reject_reports"), "private_comment",
			      data_str(d, "private_comment"), "public_comment",
			      data_str(d, "public_comment"), "obfuscate", data_bool(d, "obfuscate"));
		break;
	case BLOCK_IP:
		j = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o}", "id", jid(b->id), "ip", b->value,
			      "severity", b->severity, "comment", data_str(d, "comment"),
			      "created_at", jtime(b->created_at), "expires_at", json_null());
		break;
	case BLOCK_EMAIL_DOMAIN:
		j = json_pack("{s:o, s:s, s:o, s:[]}", "id", jid(b->id), "domain", b->value,
			      "created_at", jtime(b->created_at), "history");
		break;
	default:
		j = json_pack("{s:o, s:s, s:o}", "id", jid(b->id), "domain", b->value, "created_at",
			      jtime(b->created_at));
	}
	json_decref(d);
	return j;
}

void h_admin_blocks_list(struct req *r)
{
	const struct block_kind_info *k = block_kind(r);
	struct admin_block_list l;
	if (!k || api_check(r, admin_blocks_list(&r->core, k->kind, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, block_json(&l.items[i]));
	reply_json(r, 200, arr);
}

void h_admin_block_get(struct req *r)
{
	const struct block_kind_info *k = block_kind(r);
	int64_t id;
	struct admin_block b;
	if (!k || !path_id(r, 0, &id) || api_check(r, admin_block_get(&r->core, k->kind, id, &b)))
		return;
	reply_json(r, 200, block_json(&b));
}

static void set_str(struct req *r, json_t *d, const char *key)
{
	const char *v = param_str(r, key);
	if (v)
		json_object_set_new(d, key, json_string(v));
}

/* The kind's other fields from the parameters, over the stored ones. */
static const char *block_data(struct req *r, int kind, const char *old)
{
	static const char *const bools[] = {"reject_media", "reject_reports", "obfuscate"};
	json_t *d = json_loads(old ? old : "{}", 0, NULL);
	if (!json_is_object(d)) {
		json_decref(d);
		d = json_object();
	}
	if (kind == BLOCK_DOMAIN) {
		for (int i = 0; i < 3; i++)
			if (param_bool(r, bools[i]) >= 0)
				json_object_set_new(d, bools[i],
						    json_boolean(param_bool(r, bools[i])));
		set_str(r, d, "private_comment");
		set_str(r, d, "public_comment");
	} else if (kind == BLOCK_IP) {
		set_str(r, d, "comment");
	}
	char *s = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	const char *out = arena_strdup(&r->arena, s ? s : "{}");
	free(s);
	return out;
}

void h_admin_block_create(struct req *r)
{
	const struct block_kind_info *k = block_kind(r);
	if (!k)
		return;
	struct admin_block b = {.kind = k->kind,
				.value = param_str(r, k->kind == BLOCK_IP ? "ip" : "domain"),
				.severity = param_str(r, "severity")};
	b.data = block_data(r, k->kind, NULL);
	if (api_check(r, admin_block_save(&r->core, r->account_id, &b)))
		return;
	reply_json(r, 200, block_json(&b));
}

void h_admin_block_update(struct req *r)
{
	const struct block_kind_info *k = block_kind(r);
	int64_t id;
	struct admin_block b;
	if (!k || !path_id(r, 0, &id) || api_check(r, admin_block_get(&r->core, k->kind, id, &b)))
		return;
	const char *sev = param_str(r, "severity");
	if (sev)
		b.severity = sev;
	b.data = block_data(r, k->kind, b.data);
	if (api_check(r, admin_block_save(&r->core, r->account_id, &b)))
		return;
	reply_json(r, 200, block_json(&b));
}

void h_admin_block_delete(struct req *r)
{
	const struct block_kind_info *k = block_kind(r);
	int64_t id;
	if (!k || !path_id(r, 0, &id) ||
	    api_check(r, admin_block_delete(&r->core, r->account_id, k->kind, id)))
		return;
	reply_json(r, 200, json_object());
}

/* ---- rules ---- */

static json_t *rule_json(const struct rule *x)
{
	return json_pack("{s:o, s:s, s:s, s:i, s:o, s:o}", "id", jid(x->id), "text", x->text,
			 "hint", x->hint, "position", x->position, "created_at",
			 jtime(x->created_at), "updated_at", jtime(x->updated_at));
}

void h_admin_rules_list(struct req *r)
{
	struct rule_list l;
	if (!admin_allowed(r, PERM_MANAGE_RULES) || api_check(r, rules_list(&r->core, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, rule_json(&l.items[i]));
	reply_json(r, 200, arr);
}

static void save_rule(struct req *r, struct rule *x)
{
	const char *text = param_str(r, "text"), *hint = param_str(r, "hint");
	const char *pos = param_str(r, "position");
	if (text)
		x->text = text;
	if (hint)
		x->hint = hint;
	if (pos)
		x->position = (int)strtol(pos, NULL, 10);
	if (api_check(r, rule_save(&r->core, r->account_id, x)))
		return;
	reply_json(r, 200, rule_json(x));
}

void h_admin_rule_create(struct req *r)
{
	struct rule x = {0};
	if (admin_allowed(r, PERM_MANAGE_RULES))
		save_rule(r, &x);
}

void h_admin_rule_update(struct req *r)
{
	int64_t id;
	struct rule_list l;
	if (!admin_allowed(r, PERM_MANAGE_RULES) || !path_id(r, 0, &id) ||
	    api_check(r, rules_list(&r->core, &l)))
		return;
	for (int i = 0; i < l.n; i++) {
		if (l.items[i].id == id) {
			save_rule(r, &l.items[i]);
			return;
		}
	}
	reply_error(r, 404, "Record not found");
}

void h_admin_rule_delete(struct req *r)
{
	int64_t id;
	if (!admin_allowed(r, PERM_MANAGE_RULES) || !path_id(r, 0, &id) ||
	    api_check(r, rule_delete(&r->core, r->account_id, id)))
		return;
	reply_json(r, 200, json_object());
}

/* ---- settings ---- */

static void reply_settings(struct req *r)
{
	struct instance_settings s;
	if (api_check(r, settings_get(&r->core, &s)))
		return;
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:s, s:o}", "description", s.description,
			     "contact_email", s.contact_email, "registrations_mode",
			     s.registrations_mode, "registrations_message",
			     s.registrations_message, "contact_account_id",
			     s.contact_account_id ? jid(s.contact_account_id) : json_null()));
}

void h_admin_settings_get(struct req *r)
{
	if (admin_allowed(r, PERM_MANAGE_SETTINGS))
		reply_settings(r);
}

void h_admin_settings_put(struct req *r)
{
	if (!admin_allowed(r, PERM_MANAGE_SETTINGS))
		return;
	struct instance_settings s = {
		.description = param_str(r, "description"),
		.contact_email = param_str(r, "contact_email"),
		.registrations_mode = param_str(r, "registrations_mode"),
		.registrations_message = param_str(r, "registrations_message"),
		.contact_account_id = -1,
	};
	const char *acct = param_str(r, "contact_account_id");
	if (acct && !*acct)
		s.contact_account_id = 0;
	else if (acct && !id_parse(acct, &s.contact_account_id)) {
		reply_error(r, 422, "Validation failed: contact_account_id is not an id");
		return;
	}
	if (api_check(r, settings_save(&r->core, r->account_id, &s)))
		return;
	reply_settings(r);
}

/* ---- invites ---- */

static json_t *invite_json(struct req *r, const struct invite *v)
{
	return json_pack("{s:o, s:s, s:s, s:o, s:i, s:i, s:o, s:b, s:o}", "id", jid(v->id),
			 "code", v->code, "url",
			 arena_printf(&r->arena, "%s/auth/sign_up?invite_code=%s", r->core.cfg->base_url,
				      v->code),
			 "account_id", jid(v->account_id), "max_uses", v->max_uses, "uses",
			 v->uses, "expires_at", v->expires_at ? jtime(v->expires_at) : json_null(),
			 "revoked", v->revoked_at > 0, "created_at", jtime(v->created_at));
}

void h_admin_invites_list(struct req *r)
{
	struct invite_list l;
	if (!admin_allowed(r, PERM_MANAGE_INVITES) || api_check(r, invites_list(&r->core, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, invite_json(r, &l.items[i]));
	reply_json(r, 200, arr);
}

void h_admin_invite_create(struct req *r)
{
	if (!admin_allowed(r, PERM_MANAGE_INVITES))
		return;
	const char *uses = param_str(r, "max_uses"), *exp = param_str(r, "expires_in");
	struct invite v;
	if (api_check(r, invite_create(&r->core, r->account_id, uses ? (int)strtol(uses, NULL, 10) : 0,
				       exp ? strtoll(exp, NULL, 10) : 0, &v)))
		return;
	reply_json(r, 200, invite_json(r, &v));
}

void h_admin_invite_delete(struct req *r)
{
	int64_t id;
	if (!admin_allowed(r, PERM_MANAGE_INVITES) || !path_id(r, 0, &id) ||
	    api_check(r, invite_revoke(&r->core, r->account_id, id)))
		return;
	reply_json(r, 200, json_object());
}
