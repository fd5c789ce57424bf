/* notifications.c - /api/v1/notifications and /api/v1/markers. */
#include "api/api.h"
#include "api/api_social.h"
#include "api/api_streaming.h"
#include "core/accounts.h"
#include "core/moderation.h"
#include "core/relationships.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define UNREAD_DEFAULT 100
#define UNREAD_MAX 1000

/* The strings of a list parameter (`name[]=a&name[]=b`, or one `name=a`),
 * or NULL when it is absent. */
static const char *const *str_list(struct req *r, const char *name, int *n)
{
	json_t *p = param_get(r, name);
	*n = 0;
	if (!p)
		return NULL;
	size_t cap = json_is_array(p) ? json_array_size(p) : 1;
	const char **out = arena_calloc(&r->arena, cap + 1, sizeof *out);
	if (!json_is_array(p)) {
		out[(*n)++] = param_str(r, name);
		return out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(p, i, v)
		if (json_is_string(v))
			out[(*n)++] = json_string_value(v);
	return out;
}

/* types[], exclude_types[] and account_id; replies 422 and returns false
 * when account_id is not an id. */
static bool filter_from_params(struct req *r, struct notification_filter *f)
{
	int nt, nx;
	const char *const *types = str_list(r, "types", &nt);
	const char *const *exclude = str_list(r, "exclude_types", &nx);
	const char *acct = param_str(r, "account_id");
	int64_t from = 0;
	if (acct && *acct && !id_parse(acct, &from)) {
		core_fail(&r->core, RC_INVALID, "account_id",
			  "Validation failed: account_id must be an id");
		reply_core_error(r);
		return false;
	}
	notif_filter(&r->core, types, nt, exclude, nx, from, f);
	return true;
}

json_t *ent_warning(struct req *r, const struct account_warning *w, const struct account *target)
{
	json_t *ids = json_loads(w->status_ids, 0, NULL);
	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:n, s:o}", "id", jid(w->id), "action",
			 w->action, "text", w->text, "status_ids", ids ? ids : json_array(),
			 "target_account", ent_account(r, target), "appeal", "created_at",
			 jtime(w->created_at));
}

/* Mastodon 4.3's moderation_warning member: the warning the notification
 * tells of (it has the warning's id). */
static json_t *warning_of(struct req *r, const struct notification *n)
{
	struct account_warning *w;
	int nw;
	enum rc rc = moderation_warnings(&r->core, n->account_id, n->id, &w, &nw);
	if (rc == RC_NOT_FOUND)
		return json_null();
	return rc ? NULL : ent_warning(r, w, &n->from);
}

static json_t *notification_json(struct req *r, const struct notification *n, json_t *status)
{
	json_t *warning = NULL;
	if (!strcmp(n->type, "moderation_warning") && !(warning = warning_of(r, n)))
		return NULL;
	json_t *j = json_object();
	json_object_set_new(j, "id", jid(n->id));
	json_object_set_new(j, "type", json_string(n->type));
	json_object_set_new(j, "created_at", jtime(n->created_at));
	const char *group = arena_printf(&r->arena, "ungrouped-%lld", (long long)n->id);
	json_object_set_new(j, "group_key", json_string(group));
	json_object_set_new(j, "account", ent_account(r, &n->from));
	if (status)
		json_object_set(j, "status", status);
	if (warning)
		json_object_set_new(j, "moderation_warning", warning);
	return j;
}

/* The notifications as JSON; their statuses are rendered in one pass (one
 * read of the viewer's flags), each distinct status once. */
static json_t *notifications_json(struct req *r, const struct notification_list *l)
{
	struct status_list sl = {arena_calloc(&r->arena, (size_t)l->n + 1, sizeof(struct status)),
				 0};
	int *slot = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *slot);
	for (int i = 0; i < l->n; i++) {
		const struct status *s = l->items[i].status;
		slot[i] = -1;
		for (int k = 0; s && k < sl.n && slot[i] < 0; k++)
			if (sl.items[k].id == s->id)
				slot[i] = k;
		if (s && slot[i] < 0) {
			slot[i] = sl.n;
			sl.items[sl.n++] = *s;
		}
	}
	json_t *statuses = ent_statuses(r, &sl);
	if (!statuses)
		return NULL;
	json_t *arr = json_array();
	for (int i = 0; i < l->n && arr; i++) {
		json_t *s = slot[i] < 0 ? NULL : json_array_get(statuses, (size_t)slot[i]);
		json_t *one = notification_json(r, &l->items[i], s);
		if (!one) {
			json_decref(arr);
			arr = NULL;
			break;
		}
		json_array_append_new(arr, one);
	}
	json_decref(statuses);
	return arr;
}

void h_notifications(struct req *r)
{
	struct notification_filter f;
	struct page pg;
	struct notification_list l;
	int rows;
	if (!filter_from_params(r, &f))
		return;
	page_from_params(r, &pg, 15, 30);
	if (api_check(r, notif_list(&r->core, r->account_id, &f, &pg, &l, &rows)))
		return;
	if (l.n)
		page_link(r, &pg, rows, l.items[0].id, l.items[l.n - 1].id);
	reply_json(r, 200, notifications_json(r, &l));
}

json_t *ent_notification_of(struct req *r, int64_t id)
{
	struct notification n;
	if (notif_get(&r->core, r->account_id, id, &n))
		return NULL;
	struct notification_list l = {&n, 1};
	json_t *arr = notifications_json(r, &l);
	json_t *j = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return j;
}

void h_account_warnings(struct req *r)
{
	struct account_warning *w;
	int n;
	struct account me;
	if (api_check(r, moderation_warnings(&r->core, r->account_id, 0, &w, &n)) ||
	    api_check(r, account_get(&r->core, r->account_id, &me)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, ent_warning(r, &w[i], &me));
	reply_json(r, 200, arr);
}

void h_notifications_get(struct req *r)
{
	int64_t id;
	struct notification n;
	if (!path_id(r, 0, &id) || api_check(r, notif_get(&r->core, r->account_id, id, &n)))
		return;
	struct notification_list l = {&n, 1};
	json_t *arr = notifications_json(r, &l);
	json_t *j = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	reply_json(r, 200, j);
}

void h_notifications_dismiss(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id) || api_check(r, notif_dismiss(&r->core, r->account_id, id)))
		return;
	reply_json(r, 200, json_object());
}

void h_notifications_clear(struct req *r)
{
	if (api_check(r, notif_clear(&r->core, r->account_id)))
		return;
	reply_json(r, 200, json_object());
}

void h_notifications_unread_count(struct req *r)
{
	struct notification_filter f;
	if (!filter_from_params(r, &f))
		return;
	const char *l = param_str(r, "limit");
	long cap = l ? strtol(l, NULL, 10) : UNREAD_DEFAULT;
	cap = cap <= 0 ? UNREAD_DEFAULT : cap > UNREAD_MAX ? UNREAD_MAX : cap;
	int64_t count;
	if (api_check(r, notif_unread(&r->core, r->account_id, &f, (int)cap, &count)))
		return;
	reply_json(r, 200, json_pack("{s:I}", "count", (json_int_t)count));
}

/* ---- markers ---- */

static json_t *marker_json(const struct marker *m)
{
	return json_pack("{s:o, s:I, s:o}", "last_read_id", jid(m->last_read_id), "version",
			 (json_int_t)m->version, "updated_at", jtime(m->updated_at));
}

/* Adds each known timeline of names that has a marker to obj. */
static enum rc markers_json(struct req *r, const char *const *names, int n, json_t *obj)
{
	for (int i = 0; i < n; i++) {
		struct marker m;
		if (!marker_timeline_known(names[i]) || json_object_get(obj, names[i]))
			continue;
		enum rc rc = marker_get(&r->core, r->account_id, names[i], &m);
		if (rc == RC_NOT_FOUND)
			continue;
		if (rc != RC_OK)
			return rc;
		json_object_set_new(obj, names[i], marker_json(&m));
	}
	return RC_OK;
}

void h_markers_get(struct req *r)
{
	int n;
	const char *const *names = str_list(r, "timeline", &n);
	json_t *obj = json_object();
	if (markers_json(r, names, n, obj)) {
		json_decref(obj);
		reply_core_error(r);
		return;
	}
	reply_json(r, 200, obj);
}

/* home[last_read_id]=… and notifications[last_read_id]=…, as form
 * brackets or JSON objects; other timelines are ignored. */
void h_markers_set(struct req *r)
{
	static const char *const known[] = {"home", "notifications"};
	struct marker_update u[2];
	const char *names[2];
	int n = 0;
	for (int i = 0; i < 2; i++) {
		if (!param_has(r, known[i]))
			continue;
		names[n] = known[i];
		u[n].timeline = known[i];
		u[n++].last_read_id = param_str2(r, known[i], "last_read_id");
	}
	json_t *obj = json_object();
	if (api_check(r, markers_set(&r->core, r->account_id, u, n)) ||
	    api_check(r, markers_json(r, names, n, obj))) {
		json_decref(obj);
		return;
	}
	reply_json(r, 200, obj);
}
