/* object.h - local statuses as ActivityPub objects, at their ids.
 *
 * A local status's id is BASE/users/NAME/statuses/ID and its page
 * BASE/@NAME/ID. Either answers with the Note (application/activity+json)
 * when the client asks for ActivityPub; the id answers a browser with a
 * redirect to the page. Only what an anonymous reader may see is served
 * (public and unlisted statuses, not reblogs): 404 otherwise. The Note is
 * written as Mastodon's NoteSerializer writes it: to/cc by visibility
 * (federation/audience.h), inReplyTo, summary, sensitive, content and
 * contentMap, published, updated when edited, url, attributedTo, Mention
 * and Hashtag tags, conversation/context (the thread's root). */
#ifndef RAPPORT_FEDERATION_OBJECT_H
#define RAPPORT_FEDERATION_OBJECT_H

#include <jansson.h>

#include "http/http.h"

/* The Note of local status s (loaded with its author), a new reference,
 * or NULL when the store failed (c->err). */
json_t *ap_note(struct core *c, const struct status *s);
/* The id of a status: BASE/users/NAME/statuses/ID, or its remote uri. */
const char *ap_status_uri(struct core *c, const struct status *s);

/* GET /users/:name/statuses/:id */
void h_ap_status(struct req *r);
/* Replies with the Note of s (a local status an anonymous reader may see). */
void ap_reply_note(struct req *r, const struct status *s);

#endif
