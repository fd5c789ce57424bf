/* outbox_page.c - the pages of a local actor's outbox collection, as
 * Mastodon serves them (ActivityPub::OutboxesController): the collection
 * names its first page (?page=true); each page holds up to
 * OUTBOX_PAGE_SIZE activities, newest first, of what an anonymous reader
 * may see (public and unlisted statuses): a Create of each status and an
 * Announce of each boost, built as deliveries build them
 * (federation/activity.h), with `next` (?max_id=) while there is more. */
#include "core/accounts.h"
#include "core/timeline.h"
#include "federation/activity.h"
#include "federation/actor.h"
#include "store/statuses.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define OUTBOX_PAGE_SIZE 20

static json_t *item(struct core *c, const struct status *s, const char *actor)
{
	if (s->reblog_of_id) {
		struct status o; /* the boosted status, with its author */
		if (store_status_get(c->db, c->arena, s->reblog_of_id, &o) != ST_OK)
			return NULL;
		return ap_announce(c, actor, arena_printf(c->arena, "%s/followers", actor),
				   arena_printf(c->arena, "%s/statuses/%lld", actor, (long long)s->id),
				   ap_status_uri(c, &o),
				   account_uri(c, &o.account));
	}
	json_t *note;
	if (ap_note(c, s, &note) != RC_OK)
		return NULL;
	json_t *j = ap_wrap("Create", arena_printf(c->arena, "%s/activity", ap_status_uri(c, s)),
			    actor, note);
	json_object_del(j, "@context");
	return j;
}

static json_t *page(struct req *r, const struct account *a, const struct status_list *l,
		    int64_t max_id)
{
	struct core *c = &r->core;
	const char *actor = account_uri(c, a), *outbox = arena_printf(c->arena, "%s/outbox", actor);
	json_t *items = json_array();
	for (int i = 0; i < l->n; i++) {
		json_t *it = item(c, &l->items[i], actor);
		if (!it) {
			json_decref(items);
			return NULL;
		}
		json_array_append_new(items, it);
	}
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o}", "@context", AP_CONTEXT, "id",
			      max_id ? arena_printf(c->arena, "%s?max_id=%lld&page=true", outbox,
						    (long long)max_id)
				     : arena_printf(c->arena, "%s?page=true", outbox),
			      "type", "OrderedCollectionPage", "partOf", outbox, "orderedItems",
			      items);
	if (j && l->n == OUTBOX_PAGE_SIZE)
		json_object_set_new(j, "next",
				    json_string(arena_printf(c->arena, "%s?max_id=%lld&page=true",
							     outbox,
							     (long long)l->items[l->n - 1].id)));
	return j;
}

/* The lists read only numbers: their strings, for the activities. */
static enum rc fill(struct core *c, struct status_list *l)
{
	struct status **v = arena_calloc(c->arena, (size_t)l->n + 1, sizeof *v);
	int n = 0;
	for (int i = 0; i < l->n; i++)
		if (l->items[i].partial)
			v[n++] = &l->items[i];
	return n ? timeline_fill(c, v, n) : RC_OK;
}

void ap_outbox_page(struct req *r, const struct account *a)
{
	struct account_tl_opts o = {0};
	int64_t max_id = 0;
	const char *m = param_str(r, "max_id");
	if (m && !id_parse(m, &max_id)) {
		reply_error(r, 400, "max_id is not an id");
		return;
	}
	struct page pg = {.max_id = max_id, .limit = OUTBOX_PAGE_SIZE};
	struct status_list l;
	if (timeline_account(&r->core, 0, a->id, &o, &pg, &l) != RC_OK ||
	    fill(&r->core, &l) != RC_OK) {
		reply_core_error(r);
		return;
	}
	json_t *j = page(r, a, &l, max_id);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s) {
		reply_error(r, 500, "Internal error");
		return;
	}
	reply_header(r, "Vary", "Accept");
	reply_text(r, 200, AP_TYPE, s);
	free(s);
}
