/* conversations.c - /api/v1/conversations: the signed-in user's direct
 * messages, one entry per set of participants. */
#include "api/api.h"
#include "api/api_lists.h"
#include "api/api_streaming.h"
#include "core/lists.h"
#include "util/util.h"

static json_t *ent_conversation(struct req *r, const struct conversation_view *v)
{
	json_t *accounts = json_array();
	for (int i = 0; i < v->naccounts; i++)
		json_array_append_new(accounts, ent_account(r, &v->accounts[i]));
	return json_pack("{s:o, s:b, s:o, s:o}", "id", jid(v->row.id), "unread", v->row.unread,
			 "accounts", accounts, "last_status",
			 v->has_status ? ent_status(r, &v->last_status) : json_null());
}

json_t *ent_conversation_of_status(struct req *r, int64_t status_id)
{
	struct page pg = {.max_id = status_id + 1, .since_id = status_id - 1, .limit = 1};
	struct conversation_page l;
	if (conversations_list(&r->core, r->account_id, &pg, &l) || l.n != 1 ||
	    l.items[0].row.last_status_id != status_id)
		return NULL;
	return ent_conversation(r, &l.items[0]);
}

void h_conversations_index(struct req *r)
{
	struct page pg;
	struct conversation_page l;
	page_from_params(r, &pg, 20, 40);
	if (api_check(r, conversations_list(&r->core, r->account_id, &pg, &l)))
		return;
	/* The page is keyed by each conversation's last status. */
	if (l.n)
		page_link(r, &pg, l.n, l.items[0].row.last_status_id,
			  l.items[l.n - 1].row.last_status_id);
	json_t *arr = json_array();
	for (int i = 0; i < l.n && arr; i++) {
		json_t *c = ent_conversation(r, &l.items[i]);
		if (c) {
			json_array_append_new(arr, c);
		} else { /* the store failed: no page with a hole */
			json_decref(arr);
			arr = NULL;
		}
	}
	reply_json(r, 200, arr);
}

void h_conversation_read(struct req *r)
{
	int64_t id;
	struct conversation_view v;
	if (path_id(r, 0, &id) && !api_check(r, conversation_read(&r->core, r->account_id, id, &v)))
		reply_json(r, 200, ent_conversation(r, &v));
}

void h_conversation_delete(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, conversation_delete(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}
