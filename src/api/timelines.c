/* timelines.c - home, public, hashtag, list and account timelines, and
 * the favourites and bookmarks lists. */
#include "api/api.h"
#include "api/api_rapport.h"
#include "core/convfeed.h"
#include "core/accounts.h"
#include "core/text.h"
#include "core/timeline.h"
#include "util/util.h"

#include <string.h>

static void finish(struct req *r, const struct page *pg, enum rc rc, const struct status_list *l)
{
	if (api_check(r, rc))
		return;
	reply_status_page(r, pg, l);
}

void h_timeline_home(struct req *r)
{
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg, timeline_home(&r->core, r->account_id, &pg, &l), &l);
}

/* local, remote and only_media, as timeline_public's where. */
static int where_param(struct req *r)
{
	int media = param_bool(r, "only_media") == 1 ? TL_ONLY_MEDIA : 0;
	if (param_bool(r, "local") == 1)
		return 1 | media;
	if (param_bool(r, "remote") == 1)
		return 2 | media;
	return media;
}

void h_timeline_public(struct req *r)
{
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg,
	       timeline_public(&r->core, r->account_id, where_param(r), &pg, &l), &l);
}

void h_timeline_tag(struct req *r)
{
	const char *tag = text_tag_key(&r->arena, path_param(r, 0));
	if (!tag) {
		reply_json(r, 200, json_array());
		return;
	}
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg,
	       timeline_tag(&r->core, r->account_id, tag, where_param(r), &pg, &l),
	       &l);
}

void h_timeline_list(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id))
		return;
	if (id == CONVFEED_LIST_ID) {
		reply_conversations_feed(r);
		return;
	}
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg, timeline_list(&r->core, r->account_id, id, &pg, &l), &l);
}

void h_account_statuses(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id) || api_check(r, account_exists(&r->core, id)))
		return;
	struct account_tl_opts o = {
		.only_media = param_bool(r, "only_media") == 1,
		.exclude_replies = param_bool(r, "exclude_replies") == 1,
		.exclude_reblogs = param_bool(r, "exclude_reblogs") == 1,
		.pinned = param_bool(r, "pinned") == 1,
	};
	const char *tagged = param_str(r, "tagged");
	if (tagged && *tagged && !(o.tagged = text_tag_key(&r->arena, tagged))) {
		reply_json(r, 200, json_array());
		return;
	}
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg, timeline_account(&r->core, r->account_id, id, &o, &pg, &l),
	       &l);
}

void h_favourites(struct req *r)
{
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg, timeline_favourites(&r->core, r->account_id, &pg, &l), &l);
}

void h_bookmarks(struct req *r)
{
	struct page pg;
	struct status_list l;
	page_from_params(r, &pg, 20, 40);
	finish(r, &pg, timeline_bookmarks(&r->core, r->account_id, &pg, &l), &l);
}
