/* rapport_requests.c - message requests (core/requests.h) through two
 * APIs: Rapport's own (/api/rapport/v1/requests, by sender) and Mastodon
 * 4.3's notification requests and policy, so Mastodon apps show the same
 * queue. */
#include "api/api.h"
#include "api/api_requests.h"
#include "core/requests.h"
#include "core/statuses.h"
#include "util/util.h"

#include <strings.h>

#define REQUESTS_PAGE 40
#define REQUESTS_PAGE_MAX 80
#define BULK_MAX 100

/* ---- rendering ---- */

/* The requests' last statuses the viewer may see, as JSON (one pass over
 * the list for the viewer's flags); slot[i] is request i's index in the
 * array, -1 when it has none (gone, or no longer visible). */
static json_t *last_statuses(struct req *r, const struct notif_request_list *l, int *slot)
{
	struct status_list sl = {arena_calloc(&r->arena, (size_t)l->n + 1, sizeof(struct status)),
				 0};
	for (int i = 0; i < l->n; i++) {
		slot[i] = -1;
		struct status s;
		if (!l->items[i].last_status_id ||
		    status_load(&r->core, r->account_id, l->items[i].last_status_id, &s) != RC_OK)
			continue;
		slot[i] = sl.n;
		sl.items[sl.n++] = s;
	}
	return ent_statuses(r, &sl);
}

static void set_status(json_t *j, json_t *statuses, int slot, bool null_if_none)
{
	json_t *s = slot < 0 ? NULL : json_array_get(statuses, (size_t)slot);
	if (s)
		json_object_set(j, "last_status", s);
	else if (null_if_none)
		json_object_set_new(j, "last_status", json_null());
}

/* A Mastodon NotificationRequest (notifications_count is a string, as
 * Mastodon sends it). */
static json_t *mastodon_request(struct req *r, const struct notif_request *q)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", jid(q->id));
	json_object_set_new(j, "created_at", jtime(q->created_at));
	json_object_set_new(j, "updated_at", jtime(q->updated_at));
	const char *count = arena_printf(&r->arena, "%lld", (long long)q->notifications_count);
	json_object_set_new(j, "notifications_count", json_string(count));
	json_object_set_new(j, "account", ent_account(r, &q->from));
	return j;
}

/* Rapport's request: the sender, how many messages wait, the last one,
 * and labels ("automated"). */
static json_t *rapport_request(struct req *r, const struct notif_request *q)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", jid(q->id));
	json_object_set_new(j, "account", ent_account(r, &q->from));
	json_object_set_new(j, "count", json_integer(q->notifications_count));
	json_t *labels = json_array();
	if (q->flags & (EVENT_FLAG_AUTOMATED | EVENT_FLAG_TEMPLATED))
		json_array_append_new(labels, json_string("automated"));
	json_object_set_new(j, "labels", labels);
	json_object_set_new(j, "created_at", jtime(q->created_at));
	json_object_set_new(j, "updated_at", jtime(q->updated_at));
	return j;
}

static json_t *requests_json(struct req *r, const struct notif_request_list *l, bool rapport)
{
	int *slot = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *slot);
	json_t *statuses = last_statuses(r, l, slot);
	json_t *arr = json_array();
	for (int i = 0; i < l->n; i++) {
		json_t *j = rapport ? rapport_request(r, &l->items[i])
				    : mastodon_request(r, &l->items[i]);
		set_status(j, statuses, slot[i], rapport);
		json_array_append_new(arr, j);
	}
	json_decref(statuses);
	return arr;
}

static void reply_requests(struct req *r, bool rapport)
{
	struct page pg;
	struct notif_request_list l;
	page_from_params(r, &pg, REQUESTS_PAGE, REQUESTS_PAGE_MAX);
	if (api_check(r, requests_list(&r->core, r->account_id, &pg, &l)))
		return;
	if (l.n)
		page_link(r, &pg, l.n, l.items[0].id, l.items[l.n - 1].id);
	reply_json(r, 200, requests_json(r, &l, rapport));
}

/* ---- Rapport's API ---- */

void h_rapport_requests(struct req *r)
{
	reply_requests(r, true);
}

static void rapport_answer(struct req *r, bool accept)
{
	int64_t sender, moved;
	if (!path_id(r, 0, &sender) ||
	    api_check(r, requests_answer(&r->core, r->account_id, NULL, &sender, 1, accept,
					 &moved)))
		return;
	reply_json(r, 200,
		   json_pack("{s:o, s:I}", "account_id", jid(sender),
			     accept ? "released" : "dismissed", (json_int_t)moved));
}

void h_rapport_request_accept(struct req *r)
{
	rapport_answer(r, true);
}

void h_rapport_request_decline(struct req *r)
{
	rapport_answer(r, false);
}

/* ---- Mastodon's notification requests ---- */

void h_notification_requests(struct req *r)
{
	reply_requests(r, false);
}

void h_notification_request_get(struct req *r)
{
	int64_t id;
	struct notif_request q;
	if (!path_id(r, 0, &id) || api_check(r, request_get(&r->core, r->account_id, id, 0, &q)))
		return;
	struct notif_request_list l = {&q, 1};
	json_t *arr = requests_json(r, &l, false);
	json_t *j = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	reply_json(r, 200, j);
}

static void answer_by_id(struct req *r, bool accept)
{
	int64_t id;
	if (!path_id(r, 0, &id) ||
	    api_check(r, requests_answer(&r->core, r->account_id, &id, NULL, 1, accept, NULL)))
		return;
	reply_json(r, 200, json_object());
}

void h_notification_request_accept(struct req *r)
{
	answer_by_id(r, true);
}

void h_notification_request_dismiss(struct req *r)
{
	answer_by_id(r, false);
}

/* id[] (or one id): 400 when missing or empty, 422 past BULK_MAX, 404
 * (nothing changed) when one is not an id of the viewer's requests. */
static void answer_bulk(struct req *r, bool accept)
{
	json_t *p = param_get(r, "id");
	size_t n = json_is_array(p) ? json_array_size(p) : p ? 1 : 0;
	if (n == 0) {
		reply_error(r, 400, "Missing parameter: id");
		return;
	}
	if (n > BULK_MAX) {
		core_fail(&r->core, RC_INVALID, "id", "Validation failed: at most %d ids", BULK_MAX);
		reply_core_error(r);
		return;
	}
	int64_t *ids = arena_calloc(&r->arena, n, sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_is_array(p) ? json_array_get(p, i) : p;
		if (json_is_integer(v))
			ids[i] = json_integer_value(v);
		else if (!id_parse(json_string_value(v), &ids[i]))
			ids[i] = 0; /* not an id: not found */
	}
	if (api_check(r, requests_answer(&r->core, r->account_id, ids, NULL, (int)n, accept,
					 NULL)))
		return;
	reply_json(r, 200, json_object());
}

void h_notification_requests_accept(struct req *r)
{
	answer_bulk(r, true);
}

void h_notification_requests_dismiss(struct req *r)
{
	answer_bulk(r, false);
}

/* Accepting merges at once, in the request: always merged. */
void h_notification_requests_merged(struct req *r)
{
	reply_json(r, 200, json_pack("{s:b}", "merged", 1));
}

/* ---- the policy ---- */

static json_t *summary_json(const struct requests_summary *sum)
{
	return json_pack("{s:I, s:I}", "pending_requests_count", (json_int_t)sum->requests,
			 "pending_notifications_count", (json_int_t)sum->notifications);
}

static void reply_policy(struct req *r, bool v2)
{
	struct notif_policy p;
	struct requests_summary sum;
	if (api_check(r, requests_policy_get(&r->core, r->account_id, &p, &sum)))
		return;
	const int v[POLICY_FIELDS] = {p.not_following, p.not_followers, p.new_accounts,
				      p.private_mentions, p.limited_accounts};
	json_t *j = json_object();
	for (int i = 0; i < POLICY_FIELDS; i++) {
		if (v2)
			json_object_set_new(j, requests_policy_fields[i],
					    json_string(requests_policy_name(v[i])));
		else if (i < POLICY_FIELDS - 1) /* v1 has no limited accounts */
			json_object_set_new(j,
					    arena_printf(&r->arena, "filter_%s",
							 requests_policy_fields[i] + 4),
					    json_boolean(v[i] != POLICY_ACCEPT));
	}
	json_object_set_new(j, "summary", summary_json(&sum));
	reply_json(r, 200, j);
}

void h_notification_policy_v2(struct req *r)
{
	reply_policy(r, true);
}

void h_notification_policy_v1(struct req *r)
{
	reply_policy(r, false);
}

void h_notification_policy_update_v2(struct req *r)
{
	const char *values[POLICY_FIELDS];
	for (int i = 0; i < POLICY_FIELDS; i++) {
		json_t *v = param_get(r, requests_policy_fields[i]);
		values[i] = !v || json_is_null(v) ? NULL : json_is_string(v) ? json_string_value(v) : "";
	}
	if (api_check(r, requests_policy_update(&r->core, r->account_id, values)))
		return;
	reply_policy(r, true);
}

/* 1, 0, or -1 when s is not a boolean as forms and JSON write them. */
static int bool_value(const char *s)
{
	static const char *const yes[] = {"true", "1", "on", "yes"}, *const no[] = {"false", "0",
										  "off", "no"};
	for (int i = 0; s && i < 4; i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* v1: filter_* booleans; true is "filter", false "accept". */
void h_notification_policy_update_v1(struct req *r)
{
	const char *values[POLICY_FIELDS] = {NULL};
	for (int i = 0; i < POLICY_FIELDS - 1; i++) {
		const char *name = arena_printf(&r->arena, "filter_%s", requests_policy_fields[i] + 4);
		if (!param_has(r, name))
			continue;
		int b = bool_value(param_str(r, name));
		if (b < 0) {
			core_fail(&r->core, RC_INVALID, name, "Validation failed: %s must be a boolean",
				  name);
			reply_core_error(r);
			return;
		}
		values[i] = b ? "filter" : "accept";
	}
	if (api_check(r, requests_policy_update(&r->core, r->account_id, values)))
		return;
	reply_policy(r, false);
}
