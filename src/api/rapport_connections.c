/* rapport_connections.c - know your connections under /api/rapport/v1:
 * how we met (read and edited by the follower), reconnect, unknown and
 * waiting (core/connections.h). */
#include "api/api.h"
#include "api/api_connections.h"
#include "core/classify.h"
#include "core/connections.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define CONNECTIONS_LIMIT 40
#define CONNECTIONS_LIMIT_MAX 80

json_t *ent_how_we_met(const struct connection *k)
{
	json_t *j = json_object();
	json_object_set_new(j, "status_id", k->met_status_id ? jid(k->met_status_id) : json_null());
	/* Plain text as the owner wrote it: a JSON string, never HTML. */
	json_object_set_new(j, "text", k->how && *k->how ? json_string(k->how) : json_null());
	json_object_set_new(j, "at", jtime(k->met_at));
	return j;
}

/* ---- how we met ---- */

static void reply_connection(struct req *r, int64_t target, const struct connection *k)
{
	json_t *j = ent_how_we_met(k);
	json_object_set_new(j, "account_id", jid(target));
	json_object_set_new(j, "updated_at", jtime(k->updated_at));
	reply_json(r, 200, j);
}

void h_rapport_connection_get(struct req *r)
{
	int64_t id;
	struct connection k;
	bool found;
	if (!path_id(r, 0, &id) ||
	    api_check(r, connection_get(&r->core, r->account_id, id, &k, &found)))
		return;
	if (!found) {
		reply_error(r, 404, "You have no connection with this account");
		return;
	}
	reply_connection(r, id, &k);
}

void h_rapport_connection_put(struct req *r)
{
	int64_t id;
	struct connection k;
	if (!path_id(r, 0, &id))
		return;
	json_t *how = param_get(r, "how");
	if (!json_is_string(how) && !json_is_null(how)) {
		core_fail(&r->core, RC_INVALID, "how",
			  how ? "Validation failed: how must be text"
			      : "Validation failed: how is missing (an empty text clears it)");
		reply_core_error(r);
		return;
	}
	if (api_check(r, connection_set_how(&r->core, r->account_id, id, json_string_value(how),
					    &k)))
		return;
	reply_connection(r, id, &k);
}

/* ---- lists ---- */

static int limit_param(struct req *r)
{
	struct page pg;
	page_from_params(r, &pg, CONNECTIONS_LIMIT, CONNECTIONS_LIMIT_MAX);
	return pg.limit;
}

/* Adds "account" to j; false (j freed, 500 answered) if it cannot be
 * rendered. */
static bool add_account(struct req *r, json_t *arr, json_t *j, const struct account *a)
{
	json_t *acc = ent_account(r, a);
	if (!acc) {
		json_decref(j);
		json_decref(arr);
		reply_error(r, 500, "Internal error");
		return false;
	}
	json_object_set_new(j, "account", acc);
	json_array_append_new(arr, j);
	return true;
}

/* max_id of reconnect: "<last interaction ms>_<account id>". */
static bool reconnect_cursor(struct req *r, int64_t *at, int64_t *id)
{
	*at = *id = 0;
	const char *s = param_str(r, "max_id");
	if (!s || !*s)
		return true;
	int used = 0;
	if (sscanf(s, "%" SCNd64 "_%" SCNd64 "%n", at, id, &used) == 2 && !s[used] && *at >= 0 &&
	    *id > 0)
		return true;
	reply_error(r, 422, "Validation failed: max_id is not a cursor of this list");
	return false;
}

void h_rapport_reconnect(struct req *r)
{
	int64_t at, after, now = now_ms();
	int limit = limit_param(r);
	struct contact_list l;
	if (!reconnect_cursor(r, &at, &after) ||
	    api_check(r, connections_reconnect(&r->core, r->account_id, now, at, after, limit, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		const struct contact_row *c = &l.items[i];
		json_t *j = json_object();
		json_object_set_new(j, "last_interaction_at",
				    c->last_any ? jtime(c->last_any) : json_null());
		json_object_set_new(j, "reason",
				    json_string(connections_reason(&r->core, c, now)));
		if (!add_account(r, arr, j, &c->account))
			return;
	}
	if (l.n >= limit)
		page_link_next(r, arena_printf(&r->arena, "%" PRId64 "_%" PRId64,
					       l.items[l.n - 1].last_any, l.items[l.n - 1].other_id));
	reply_json(r, 200, arr);
}

/* A max_id that is given must be a number (an id or a cursor). */
static bool id_cursor(struct req *r, int64_t *out)
{
	*out = 0;
	const char *s = param_str(r, "max_id");
	if (!s || !*s || id_parse(s, out))
		return true;
	reply_error(r, 422, "Validation failed: max_id is not a cursor of this list");
	return false;
}

void h_rapport_unknown(struct req *r)
{
	int64_t max_id;
	int limit = limit_param(r);
	struct contact_list l;
	if (!id_cursor(r, &max_id) ||
	    api_check(r, connections_unknown(&r->core, r->account_id, max_id, limit, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "followed_at", jtime(l.items[i].follower_id >> 16));
		if (!add_account(r, arr, j, &l.items[i].account))
			return;
	}
	if (l.n >= limit)
		page_link_next(r, arena_printf(&r->arena, "%" PRId64, l.items[l.n - 1].follower_id));
	reply_json(r, 200, arr);
}

void h_rapport_waiting(struct req *r)
{
	int64_t cursor;
	int limit = limit_param(r);
	struct waiting_list l;
	if (!id_cursor(r, &cursor) ||
	    api_check(r, connections_waiting(&r->core, r->account_id, cursor, limit, now_ms(), &l)))
		return;
	struct status_list sl = {arena_calloc(&r->arena, (size_t)l.n + 1, sizeof *sl.items), l.n};
	for (int i = 0; i < l.n; i++)
		sl.items[i] = l.items[i].status;
	json_t *statuses = ent_statuses(r, &sl);
	if (!statuses) {
		reply_error(r, 500, "Internal error");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		json_t *j = json_object();
		json_object_set(j, "status", json_array_get(statuses, (size_t)i));
		json_object_set_new(j, "kind", json_string(cls_kind_name(l.items[i].kind)));
		json_object_set_new(j, "waiting_since", jtime(l.items[i].waiting_since));
		json_array_append_new(arr, j);
	}
	json_decref(statuses);
	if (l.rows >= limit)
		page_link_next(r, arena_printf(&r->arena, "%" PRId64, l.next));
	reply_json(r, 200, arr);
}
