/* object.c - local statuses as Notes (see object.h). */
#include "federation/object.h"
#include "core/accounts.h"
#include "core/statuses.h"
#include "federation/activity.h"
#include "federation/actor.h"
#include "http/accept.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void ap_reply_note(struct req *r, const struct status *s)
{
	json_t *j;
	if (ap_note(&r->core, s, &j) != RC_OK)
		core_store_fail(&r->core, ST_ERROR);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!body) {
		reply_core_error(r);
		return;
	}
	reply_header(r, "Vary", "Accept");
	reply_text(r, 200, AP_TYPE, body);
	free(body);
}

void h_ap_status(struct req *r)
{
	static const char *const offers[] = {AP_ACCEPT_ACTIVITY, AP_ACCEPT_LD, "application/json",
					     "text/html"};
	struct status s;
	int64_t id;
	reply_header(r, "Vary", "Accept");
	int k = accept_best(req_header(r, "Accept"), offers, 4);
	if (k < 0) {
		reply_error(r, 406, "Not acceptable: this is application/activity+json");
		return;
	}
	const char *name = path_param(r, 0);
	if (!id_parse(path_param(r, 1), &id) || status_load(&r->core, 0, id, &s) != RC_OK ||
	    *s.account.domain || strcmp(s.account.username, name) || s.reblog_of_id) {
		if (r->core.err.rc == RC_INTERNAL)
			reply_core_error(r);
		else
			reply_error(r, 404, "Record not found");
		return;
	}
	if (k == 3)
		reply_redirect(r, arena_printf(&r->arena, "%s/@%s/%lld", r->core.cfg->base_url,
					       s.account.username, (long long)s.id));
	else
		ap_reply_note(r, &s);
}
