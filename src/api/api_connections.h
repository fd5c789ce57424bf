/* api_connections.h - know your connections under /api/rapport/v1
 * (api/rapport_connections.c); routes in api/routes_connections.inc. */
#ifndef RAPPORT_API_CONNECTIONS_H
#define RAPPORT_API_CONNECTIONS_H

#include <jansson.h>

#include "http/http.h"
#include "store/connections.h"

/* GET /api/rapport/v1/connections/:account_id: the caller's "how we met"
 * with that account; 404 when there is none (or the id is unknown). */
void h_rapport_connection_get(struct req *r);
/* PUT or POST /api/rapport/v1/connections/:account_id {"how": "text"}:
 * sets the caller's words (plain text, HOW_TEXT_MAX characters; "" or
 * null clears them); 404 for an unknown account or one the caller does
 * not follow and never met, 422 for its own account, text too long or
 * not text. */
void h_rapport_connection_put(struct req *r);
/* GET /api/rapport/v1/connections/reconnect: mutuals quiet for 90 days,
 * [{account, last_interaction_at, reason}], oldest interaction first;
 * paged by limit and the Link header's max_id (an opaque cursor). */
void h_rapport_reconnect(struct req *r);
/* GET /api/rapport/v1/connections/unknown: followers never talked with,
 * [{account, followed_at}], newest follow first; paged like reconnect. */
void h_rapport_unknown(struct req *r);
/* GET /api/rapport/v1/waiting: unanswered replies and mentions,
 * [{status, kind, waiting_since}], criticism, then questions, then the
 * rest, newest first in each; paged like reconnect. */
void h_rapport_waiting(struct req *r);

/* `rapport.how_we_met` of a Relationship: {status_id, text, at}. */
json_t *ent_how_we_met(const struct connection *k);

#endif
