/* lists.c - /api/v1/lists: the signed-in user's lists of followed
 * accounts, their members, and which lists hold an account. */
#include "api/api.h"
#include "api/api_lists.h"
#include "core/lists.h"
#include "util/util.h"

#include <string.h>

static json_t *ent_list(const struct list *l)
{
	return json_pack("{s:o, s:s, s:s, s:b}", "id", jid(l->id), "title", l->title,
			 "replies_policy", l->replies_policy, "exclusive", l->exclusive);
}

static void reply_lists(struct req *r, const struct list_set *s)
{
	json_t *arr = json_array();
	for (int i = 0; i < s->n; i++)
		json_array_append_new(arr, ent_list(&s->items[i]));
	reply_json(r, 200, arr);
}

static struct list_params list_params(struct req *r)
{
	return (struct list_params){
		.title = param_str(r, "title"),
		.replies_policy = param_str(r, "replies_policy"),
		.exclusive = param_bool(r, "exclusive"),
	};
}

void h_lists_index(struct req *r)
{
	struct list_set s;
	if (!api_check(r, lists_of(&r->core, r->account_id, 0, &s)))
		reply_lists(r, &s);
}

void h_lists_create(struct req *r)
{
	struct list_params in = list_params(r);
	struct list l;
	if (!api_check(r, list_create(&r->core, r->account_id, &in, &l)))
		reply_json(r, 200, ent_list(&l));
}

void h_lists_get(struct req *r)
{
	int64_t id;
	struct list l;
	if (path_id(r, 0, &id) && !api_check(r, list_get(&r->core, r->account_id, id, &l)))
		reply_json(r, 200, ent_list(&l));
}

void h_lists_update(struct req *r)
{
	int64_t id;
	struct list l;
	struct list_params in = list_params(r);
	if (path_id(r, 0, &id) && !api_check(r, list_update(&r->core, r->account_id, id, &in, &l)))
		reply_json(r, 200, ent_list(&l));
}

void h_lists_delete(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, list_delete(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}

void h_list_accounts(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id))
		return;
	struct page pg;
	struct account_list l;
	page_from_params(r, &pg, 40, 80);
	const char *limit = param_str(r, "limit");
	bool all = limit && !strcmp(limit, "0"); /* limit=0: every member, one page */
	if (all)
		pg.limit = 0;
	if (api_check(r, list_members(&r->core, r->account_id, id, &pg, &l)))
		return;
	if (all) {
		struct page none = {.limit = l.n + 1}; /* never a full page: no Link */
		reply_account_page(r, &none, &l);
		return;
	}
	reply_account_page(r, &pg, &l);
}

/* account_ids[] (or one account_ids) as ids; replies and returns false when
 * missing (400) or when one is not an id (404). */
static bool account_ids(struct req *r, int64_t **ids, int *n)
{
	json_t *v = param_get(r, "account_ids");
	size_t count = json_is_array(v) ? json_array_size(v) : v ? 1 : 0;
	if (!count) {
		reply_error(r, 400, "Missing parameter: account_ids");
		return false;
	}
	if (count > LIST_ADD_MAX)
		count = LIST_ADD_MAX + 1; /* enough for core to refuse the request */
	*ids = arena_calloc(&r->arena, count, sizeof **ids);
	*n = 0;
	for (size_t i = 0; i < count; i++) {
		json_t *e = json_is_array(v) ? json_array_get(v, i) : v;
		bool ok = false;
		if (json_is_string(e))
			ok = id_parse(json_string_value(e), &(*ids)[*n]);
		else if (json_is_integer(e) && json_integer_value(e) > 0) {
			(*ids)[*n] = json_integer_value(e);
			ok = true;
		}
		if (!ok) {
			reply_error(r, 404, "Record not found");
			return false;
		}
		(*n)++;
	}
	return true;
}

void h_list_accounts_add(struct req *r)
{
	int64_t id, *ids;
	int n;
	struct list l;
	/* The list is checked first: another user's list is "not found"
	 * whatever the body says. */
	if (!path_id(r, 0, &id) || api_check(r, list_get(&r->core, r->account_id, id, &l)) ||
	    !account_ids(r, &ids, &n) ||
	    api_check(r, list_add(&r->core, r->account_id, id, ids, n)))
		return;
	reply_json(r, 200, json_object());
}

void h_list_accounts_remove(struct req *r)
{
	int64_t id, *ids;
	int n;
	struct list l;
	if (!path_id(r, 0, &id) || api_check(r, list_get(&r->core, r->account_id, id, &l)) ||
	    !account_ids(r, &ids, &n) ||
	    api_check(r, list_remove(&r->core, r->account_id, id, ids, n)))
		return;
	reply_json(r, 200, json_object());
}

void h_account_lists(struct req *r)
{
	int64_t id;
	struct list_set s;
	if (path_id(r, 0, &id) && !api_check(r, lists_of(&r->core, r->account_id, id, &s)))
		reply_lists(r, &s);
}
