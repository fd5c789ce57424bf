/* rapport.c - Rapport's own API: what Mastodon has no concept for. */
#include "api/api.h"
#include "api/api_rapport.h"
#include "core/social_capital.h"

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
