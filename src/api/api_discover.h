/* api_discover.h - what apps ask for on start (api/discover.c; routes in
 * api/routes_discover.inc): followed and featured hashtags, endorsements,
 * scheduled statuses, suggestions, trends and announcements, each in the
 * shape of Mastodon's entity. */
#ifndef RAPPORT_API_DISCOVER_H
#define RAPPORT_API_DISCOVER_H

#include <jansson.h>

#include "http/http.h"
#include "store/lists.h"

/* A Tag: {id, name, url, history (the last 7 days: day, uses, accounts
 * as strings), following and featuring (the viewer's)}; NULL when the
 * store failed. */
json_t *ent_tag_full(struct req *r, const struct tag *t);

void h_followed_tags(struct req *r);   /* GET /api/v1/followed_tags */
void h_tag_follow(struct req *r);      /* POST /api/v1/tags/:name/follow */
void h_tag_unfollow(struct req *r);    /* POST /api/v1/tags/:name/unfollow */

void h_featured_tags(struct req *r);        /* GET /api/v1/featured_tags */
void h_featured_tag_add(struct req *r);     /* POST /api/v1/featured_tags {name} */
void h_featured_tag_remove(struct req *r);  /* DELETE /api/v1/featured_tags/:id */
void h_featured_suggestions(struct req *r); /* GET /api/v1/featured_tags/suggestions */
void h_account_featured_tags(struct req *r); /* GET /api/v1/accounts/:id/featured_tags */

void h_endorsements(struct req *r);   /* GET /api/v1/endorsements */
void h_account_pin(struct req *r);    /* POST /api/v1/accounts/:id/pin: Relationship */
void h_account_unpin(struct req *r);  /* POST /api/v1/accounts/:id/unpin */
void h_account_endorsements(struct req *r); /* GET /api/v1/accounts/:id/endorsements */

/* POST /api/v1/statuses with scheduled_at: replies with a ScheduledStatus
 * (statuses.c calls it with the status's parameters read). */
struct new_status;
void scheduled_reply_create(struct req *r, const struct new_status *in, const char *at);
void h_scheduled_index(struct req *r);  /* GET /api/v1/scheduled_statuses */
void h_scheduled_get(struct req *r);    /* GET /api/v1/scheduled_statuses/:id */
void h_scheduled_update(struct req *r); /* PUT /api/v1/scheduled_statuses/:id {scheduled_at} */
void h_scheduled_delete(struct req *r); /* DELETE /api/v1/scheduled_statuses/:id */

void h_suggestions_v2(struct req *r);   /* GET /api/v2/suggestions */
void h_suggestions_v1(struct req *r);   /* GET /api/v1/suggestions */
void h_suggestion_delete(struct req *r); /* DELETE /api/v1/suggestions/:account_id */

void h_trends_tags(struct req *r);      /* GET /api/v1/trends/tags (and /api/v1/trends) */
void h_trends_statuses(struct req *r);  /* GET /api/v1/trends/statuses */
void h_trends_links(struct req *r);     /* GET /api/v1/trends/links */

void h_announcements(struct req *r);          /* GET /api/v1/announcements */
void h_announcement_dismiss(struct req *r);   /* POST /api/v1/announcements/:id/dismiss */
/* POST /api/rapport/v1/announcements {text, starts_at, ends_at, all_day}
 * and DELETE /api/rapport/v1/announcements/:id: admins only (403). */
void h_announcement_create(struct req *r);
void h_announcement_delete(struct req *r);

#endif
