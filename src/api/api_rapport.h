/* api_rapport.h - Rapport's own API under /api/rapport/v1 (api/rapport.c);
 * its routes are in api/routes_rapport.inc. */
#ifndef RAPPORT_API_RAPPORT_H
#define RAPPORT_API_RAPPORT_H

#include "http/http.h"

/* GET /api/rapport/v1/accounts/:id/social: the account's social-capital
 * card computed now (core/social_capital.h); 404 for an unknown or
 * malformed id. */
void h_rapport_account_social(struct req *r);

/* POST /api/rapport/v1/statuses/preview: the composer's hints for a
 * status's body (core/detect.h), posting nothing: {"hints": [{"code",
 * "message"}]}. The body's errors are status_create's (422, 404). */
void h_rapport_statuses_preview(struct req *r);
/* GET /api/rapport/v1/timelines/conversations: the signed-in user's
 * Conversations feed (core/convfeed.h), each status with rapport.why (and
 * rapport.more on an item other statuses fold into); max_id, min_id,
 * since_id and limit as Mastodon's timelines, the Link header's max_id a
 * cursor of the feed's snapshot. */
void h_rapport_timeline_conversations(struct req *r);
/* The same page, for the built-in list's timeline (api/timelines.c). */
void reply_conversations_feed(struct req *r);

#endif
