/* api_requests.h - message requests (api/rapport_requests.c): Rapport's
 * /api/rapport/v1/requests and Mastodon 4.3's notification requests and
 * policy over the same queue. Routes: api/routes_requests.inc. Another
 * account's request, or an unknown id, is a JSON 404 and changes
 * nothing. */
#ifndef RAPPORT_API_REQUESTS_H
#define RAPPORT_API_REQUESTS_H

#include "http/http.h"

/* GET /api/rapport/v1/requests: [{id, account, count, last_status,
 * labels, created_at, updated_at}], newest first, Link paging. */
void h_rapport_requests(struct req *r);
/* POST /api/rapport/v1/requests/:account_id/accept and /decline:
 * {account_id, released | dismissed}. */
void h_rapport_request_accept(struct req *r);
void h_rapport_request_decline(struct req *r);

/* GET /api/v1/notifications/requests (Link paging), /:id; POST /:id/accept,
 * /:id/dismiss, and /accept, /dismiss with id[] (all or nothing);
 * GET /merged. */
void h_notification_requests(struct req *r);
void h_notification_request_get(struct req *r);
void h_notification_request_accept(struct req *r);
void h_notification_request_dismiss(struct req *r);
void h_notification_requests_accept(struct req *r);
void h_notification_requests_dismiss(struct req *r);
void h_notification_requests_merged(struct req *r);
/* GET and PATCH (or PUT, as Rails routes an update both ways)
 * /api/v2/notifications/policy (for_* = accept | filter | drop) and
 * /api/v1/notifications/policy (filter_* booleans). */
void h_notification_policy_v2(struct req *r);
void h_notification_policy_update_v2(struct req *r);
void h_notification_policy_v1(struct req *r);
void h_notification_policy_update_v1(struct req *r);

#endif
