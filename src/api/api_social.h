/* api_social.h - handlers for relationships (api/relationships.c) and
 * notifications and read markers (api/notifications.c). Their routes are
 * in api/routes_social.inc. */
#ifndef RAPPORT_API_SOCIAL_H
#define RAPPORT_API_SOCIAL_H

#include "http/http.h"

/* relationships.c */
void h_accounts_follow(struct req *r);
void h_accounts_unfollow(struct req *r);
void h_accounts_remove_from_followers(struct req *r);
void h_accounts_block(struct req *r);
void h_accounts_unblock(struct req *r);
void h_accounts_mute(struct req *r);
void h_accounts_unmute(struct req *r);
void h_accounts_note(struct req *r);
void h_accounts_relationships(struct req *r);
void h_accounts_followers(struct req *r);
void h_accounts_following(struct req *r);
void h_follow_requests(struct req *r);
void h_follow_requests_authorize(struct req *r);
void h_follow_requests_reject(struct req *r);
void h_blocks(struct req *r);
void h_mutes(struct req *r);
/* Replies with the viewer's Relationship with target. */
void reply_relationship(struct req *r, int64_t target);

/* notifications.c */
void h_notifications(struct req *r);
void h_notifications_get(struct req *r);
/* GET /api/rapport/v1/account/warnings: what moderators told the viewer,
 * newest first, as Mastodon's AccountWarning. */
void h_account_warnings(struct req *r);
struct account_warning;
struct account;
json_t *ent_warning(struct req *r, const struct account_warning *w, const struct account *target);
void h_notifications_dismiss(struct req *r);
void h_notifications_clear(struct req *r);
void h_notifications_unread_count(struct req *r);
void h_markers_get(struct req *r);
void h_markers_set(struct req *r);

#endif
