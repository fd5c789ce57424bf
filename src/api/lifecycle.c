/* lifecycle.c - the account lifecycle under /api/rapport/v1
 * (api/api_lifecycle.h, core/lifecycle.h). */
#include "api/api.h"
#include "api/api_lifecycle.h"
#include "api/api_streaming.h"
#include "core/archive.h"
#include "core/email.h"
#include "core/lifecycle.h"
#include "core/portability.h"

#include <stdlib.h>
#include <string.h>

void h_rapport_account_get(struct req *r)
{
	struct user u;
	bool confirmed;
	if (api_check(r, account_user(&r->core, r->account_id, &u)) ||
	    api_check(r, email_confirmed(&r->core, r->account_id, &confirmed)))
		return;
	reply_json(r, 200, json_pack("{s:s, s:b, s:o}", "email", u.email, "confirmed", confirmed,
				     "created_at", jtime(u.created_at)));
}

void h_rapport_password(struct req *r)
{
	if (api_check(r, lifecycle_password_change(&r->core, r->account_id, r->token.id,
						   param_str(r, "current_password"),
						   param_str(r, "password"))))
		return;
	/* The revoked sessions' streams end too (this one's client reconnects). */
	streaming_close_account(r->account_id);
	reply_json(r, 200, json_pack("{s:b}", "revoked", 1));
}

void h_rapport_email(struct req *r)
{
	const char *email = param_str(r, "email");
	if (api_check(r, lifecycle_email_change(&r->core, r->account_id,
						param_str(r, "current_password"), email)))
		return;
	/* The new address is confirmed by a link sent to it; a failure to
	 * send is logged, and the link can be asked for again. */
	email_send_confirmation(&r->core, r->account_id);
	reply_json(r, 200, json_pack("{s:s, s:b}", "email", email, "confirmed", 0));
}

static json_t *words(const char *s)
{
	json_t *a = json_array();
	for (const char *p = s; *p;) {
		size_t m = strcspn(p, " ");
		if (m)
			json_array_append_new(a, json_stringn(p, m));
		p += m + (p[m] == ' ');
	}
	return a;
}

static json_t *authorized_app_json(const struct authorized_app *a, int64_t current)
{
	json_t *j = json_pack("{s:o, s:s, s:o, s:o, s:o, s:I, s:b}", "id", jid(a->app_id), "name",
			      a->name, "scopes", words(a->scopes), "authorized_at",
			      jtime(a->first_at), "last_authorized_at", jtime(a->last_at),
			      "tokens", (json_int_t)a->tokens, "current", a->app_id == current);
	json_object_set_new(j, "website", *a->website ? json_string(a->website) : json_null());
	return j;
}

void h_rapport_apps_index(struct req *r)
{
	struct authorized_app_list l;
	if (api_check(r, lifecycle_apps(&r->core, r->account_id, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, authorized_app_json(&l.items[i], r->token.app_id));
	reply_json(r, 200, arr);
}

void h_rapport_apps_revoke(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id) || api_check(r, lifecycle_app_revoke(&r->core, r->account_id, id)))
		return;
	streaming_close_account(r->account_id);
	reply_json(r, 200, json_object());
}

void h_rapport_account_delete(struct req *r)
{
	if (api_check(r, lifecycle_account_delete(&r->core, r->account_id,
						  param_str(r, "password"))))
		return;
	streaming_close_account(r->account_id);
	reply_json(r, 200, json_object());
}

/* ---- e-mail links (core/email.h) ---- */

void h_email_confirmations(struct req *r)
{
	if (!api_check(r, email_send_confirmation(&r->core, r->account_id)))
		reply_json(r, 200, json_object());
}

void h_rapport_email_confirm(struct req *r)
{
	if (!api_check(r, email_confirm(&r->core, param_str(r, "token"))))
		reply_json(r, 200, json_object());
}

void h_rapport_reset_request(struct req *r)
{
	if (!api_check(r, email_reset_request(&r->core, param_str(r, "email"), r->ip)))
		reply_json(r, 200, json_object());
}

void h_rapport_reset(struct req *r)
{
	if (!api_check(r, email_reset(&r->core, param_str(r, "token"), param_str(r, "password"))))
		reply_json(r, 200, json_object());
}

/* ---- your data (core/portability.h) ---- */

void h_rapport_export(struct req *r)
{
	int k = data_kind_parse(path_param(r, 0));
	if (k < 0) {
		reply_error(r, 404, "Record not found");
		return;
	}
	const char *csv;
	size_t len;
	if (api_check(r, data_export(&r->core, r->account_id, (enum data_kind)k, &csv, &len)))
		return;
	reply_header(r, "Content-Disposition",
		     arena_printf(&r->arena, "attachment; filename=\"%s\"",
				  data_kind_file((enum data_kind)k)));
	reply_bytes(r, 200, "text/csv; charset=utf-8", csv, len);
}

void h_rapport_import(struct req *r)
{
	const char *type = param_str(r, "type");
	int k = data_kind_parse(type);
	struct import_result *res = arena_alloc(&r->arena, sizeof *res);
	if (k < 0) {
		core_fail(&r->core, RC_INVALID, "type", "Validation failed: unknown type");
		reply_core_error(r);
		return;
	}
	/* The route lets any of the five write scopes in; the type needs its own. */
	static const int need[DATA_KINDS] = {[DATA_FOLLOWING] = SC_WRITE_FOLLOWS,
					     [DATA_LISTS] = SC_WRITE_LISTS,
					     [DATA_BLOCKS] = SC_WRITE_BLOCKS,
					     [DATA_MUTES] = SC_WRITE_MUTES,
					     [DATA_DOMAIN_BLOCKS] = SC_WRITE_BLOCKS,
					     [DATA_BOOKMARKS] = SC_WRITE_BOOKMARKS};
	if (need[k] && !(r->scopes & SCOPE(need[k]))) {
		reply_error(r, 403, "This action is outside the authorized scopes");
		return;
	}
	if (api_check(r, data_import(&r->core, r->account_id, (enum data_kind)k,
				     param_str(r, "data"), res)))
		return;
	json_t *skips = json_array();
	for (int i = 0; i < res->nskips; i++)
		json_array_append_new(skips, json_pack("{s:i, s:s, s:s}", "line", res->skips[i].line,
						       "address", res->skips[i].address, "error",
						       res->skips[i].why ? res->skips[i].why : ""));
	reply_json(r, 200, json_pack("{s:s, s:i, s:i, s:o}", "type", type, "imported",
				     res->imported, "skipped", res->skipped, "skips", skips));
}

void h_rapport_archive(struct req *r)
{
	char *zip = NULL;
	size_t len = 0;
	if (api_check(r, archive_build(&r->core, r->account_id, &zip, &len)))
		return;
	reply_header(r, "Content-Disposition", "attachment; filename=\"archive.zip\"");
	reply_bytes(r, 200, "application/zip", zip, len);
	free(zip);
}
