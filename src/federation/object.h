/* object.h - local statuses as ActivityPub objects, at their ids.
 *
 * A local status's id is BASE/users/NAME/statuses/ID and its page
 * BASE/@NAME/ID. Either answers with the Note (application/activity+json)
 * when the client asks for ActivityPub; the id answers a browser with a
 * redirect to the page. Only what an anonymous reader may see is served
 * (public and unlisted statuses, not reblogs): 404 otherwise. The Note is
 * federation/activity.h's ap_note, the one deliveries carry. */
#ifndef RAPPORT_FEDERATION_OBJECT_H
#define RAPPORT_FEDERATION_OBJECT_H

#include "http/http.h"

/* GET /users/:name/statuses/:id */
void h_ap_status(struct req *r);
/* Replies with the Note of s (a local status an anonymous reader may see). */
void ap_reply_note(struct req *r, const struct status *s);

#endif
