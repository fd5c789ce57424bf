/* api_streaming.h - the streaming API (api/streaming.c): Mastodon's
 * /api/v1/streaming over WebSocket and Server-Sent Events, fed by the
 * event seam after each commit. */
#ifndef RAPPORT_API_STREAMING_H
#define RAPPORT_API_STREAMING_H

#include "core/config.h"
#include "http/http.h"
#include "store/store.h"

/* Starts the broker thread and listens to the event seam; st and cfg
 * must outlive it. Returns 0, or -1 (logged). */
int streaming_start(struct store *st, const struct config *cfg);
/* Stops listening and the broker (after the server stopped). */
void streaming_stop(void);

/* Closes the streams of a revoked token, or of an account that may no
 * longer read (suspended, deleted). Returns how many were closed. */
int streaming_close_token(int64_t token_id);
int streaming_close_account(int64_t account_id);

void h_streaming_health(struct req *r);
void h_streaming_ws(struct req *r);
void h_streaming_user(struct req *r);
void h_streaming_user_notification(struct req *r);
void h_streaming_public(struct req *r);
void h_streaming_public_local(struct req *r);
void h_streaming_public_remote(struct req *r);
void h_streaming_hashtag(struct req *r);
void h_streaming_hashtag_local(struct req *r);
void h_streaming_list(struct req *r);
void h_streaming_direct(struct req *r);

/* notifications.c: notification id of r->account_id as JSON; NULL when it
 * is gone or the store failed. */
json_t *ent_notification_of(struct req *r, int64_t id);
/* conversations.c: r->account_id's conversation whose last status is
 * status_id, as JSON; NULL when there is none (or the store failed). */
json_t *ent_conversation_of_status(struct req *r, int64_t status_id);

#endif
