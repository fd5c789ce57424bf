/* rapport.c - Rapport's own API: what Mastodon has no concept for. */
#include "api/api.h"
#include "api/api_rapport.h"
#include "core/convfeed.h"
#include "core/detect.h"
#include "core/social_capital.h"
#include "core/statuses.h"

void h_rapport_account_social(struct req *r)
{
	int64_t id;
	struct social_card card;
	if (!path_id(r, 0, &id))
		return;
	if (api_check(r, social_card_get(&r->core, id, &card)))
		return;
	struct jw w;
	jw_init(&w, 64 * 1024);
	jw_social_card(&w, r, &card);
	reply_jw(r, 200, &w);
}

void h_rapport_statuses_preview(struct req *r)
{
	struct new_status in;
	struct detect_hints h;
	if (!status_params(r, &in) ||
	    api_check(r, detect_preview(&r->core, r->account_id, &in, &h)))
		return;
	struct jw w;
	jw_init(&w, 16 * 1024);
	jw_obj(&w);
	jw_key(&w, "hints");
	jw_arr(&w);
	for (int i = 0; i < h.n; i++) {
		jw_obj(&w);
		jw_kstr(&w, "code", h.v[i].code);
		jw_kstr(&w, "message", h.v[i].message);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	reply_jw(r, 200, &w);
}

void reply_conversations_feed(struct req *r)
{
	struct page pg;
	struct convfeed_page p;
	page_from_params(r, &pg, 20, 40);
	if (api_check(r, convfeed_page(&r->core, r->account_id, &pg, &p)))
		return;
	/* next: the snapshot's cursor, while it has more; prev: what is newer
	 * than the snapshot. */
	struct page shown = {.limit = p.next ? p.list.n : p.list.n + 1};
	page_link(r, &shown, p.list.n, p.prev, p.next);
	struct jw w;
	jw_init(&w, 16u << 20);
	jw_statuses_ranked(&w, r, &p.list, false, p.why, p.more);
	reply_jw(r, 200, &w);
}

void h_rapport_timeline_conversations(struct req *r)
{
	reply_conversations_feed(r);
}
