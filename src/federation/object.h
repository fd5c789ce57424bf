/* object.h - local statuses as ActivityPub objects, at their ids.
 *
 * A local status's id is BASE/users/NAME/statuses/ID and its page
 * BASE/@NAME/ID. Either answers with the Note (application/activity+json)
 * when the client asks for ActivityPub; the id answers a browser with a
 * redirect to the page. What an anonymous reader may see is served
 * (public and unlisted statuses, not reblogs), and to a signed fetch what
 * its signer may see (ap_status_for_fetch): 404 otherwise. The Note is
 * federation/activity.h's ap_note, the one deliveries carry. */
#ifndef RAPPORT_FEDERATION_OBJECT_H
#define RAPPORT_FEDERATION_OBJECT_H

#include "http/http.h"

/* GET /users/:name/statuses/:id */
void h_ap_status(struct req *r);
/* Status id as r, a fetch of its Note, may have it: public and unlisted
 * ones to anyone; followers-only ones (and direct ones to whom they
 * mention) to a signed fetch by an actor who may see them, or by any
 * actor of a server that hosts a follower of the author; nothing to a
 * signed fetch by an actor the author blocks or is blocked by, of a
 * domain the author or the instance blocks. RC_NOT_FOUND otherwise. */
enum rc ap_status_for_fetch(struct req *r, int64_t id, struct status *s);
/* Replies with the Note of s (a local status an anonymous reader may see). */
void ap_reply_note(struct req *r, const struct status *s);

#endif
