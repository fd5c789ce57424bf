/* inbox.h - activities received from other servers.
 *
 * POST /inbox (shared) and POST /users/:name/inbox (personal) take one
 * activity of at most INBOX_MAX bytes (413 above). It must carry an HTTP
 * signature (federation/signature.h) by a key of a remote actor, which is
 * fetched when unknown and fetched once more when the signature fails
 * (federation/remote.h: the key cache), and the key's owner must be the
 * activity's `actor`: 401 otherwise, with nothing stored. A domain the
 * admin blocks gets 403. An activity id received before has no second
 * effect (202). Then, each in the core's own transactions, so that
 * remote actions take the same paths, events and figures as local ones:
 *
 *   Follow    of a local account: followed (a request if it is locked);
 *             the Follow's id is kept for the Accept or Reject
 *   Accept,   of a Follow by a local account (embedded, with the local
 *   Reject    actor, or its id): the pending request becomes a follow, or
 *             is refused (an existing follow ends)
 *   Undo      of an embedded Follow, Like, Announce or Block by the actor
 *   Create    of a Note (or Question: a poll) whose id is on the actor's
 *             host, kept when it concerns us: it addresses or mentions a
 *             local account, it replies to a known status, or a local
 *             account follows the author; authorship is the signer, never
 *             attributedTo; attachments kept by address. A Note with a
 *             name replying to a local poll's status is a vote on it
 *   Update    of the actor itself (a refresh from the document sent; a
 *             movedTo marks it moved as a Move does, followers aside), of
 *             a Note, of a Question (its poll's counts and end)
 *   Delete    of a status of the actor's (another's is 403), or of the
 *             actor itself: the account and all it made are removed
 *   Move      of the actor to a target naming it in alsoKnownAs: local
 *             followers follow the target, the account is marked moved;
 *             ignored within 7 days of its last Move to another target
 *   Announce  of a local status, or by an actor someone here follows
 *   Like      of a local status
 *   Block     of a local account (follows both ways end)
 *
 * Anything else, or about nothing we know, is accepted and ignored (202).
 * A document that breaks a rule is 400 or 403, a store failure 500 (the
 * id is then not kept as received, so the sender's retry applies it). */
#ifndef RAPPORT_FEDERATION_INBOX_H
#define RAPPORT_FEDERATION_INBOX_H

#include <jansson.h>
#include <stdbool.h>

#include "http/http.h"

#define INBOX_MAX (1u << 20)

void h_ap_inbox(struct req *r);

/* The id a local account's Follow of a remote account goes out with
 * (BASE/users/NAME#follows/TARGET_ID, then /TIME: when it was asked for,
 * federation/outbox.c), so that an Accept or Reject that names it only by
 * id finds the follow. In c->arena. */
const char *inbox_follow_id(struct core *c, const char *follower_username, int64_t target_id);

/* The Accept (accept true) or Reject that answers remote account
 * follower's Follow of local account target, as Mastodon writes it: the
 * Follow embedded with its own id, actor and object. NULL when the Follow
 * is not known (no such remote follower) or the store failed (c->err).
 * The caller delivers it to the follower's personal inbox. */
json_t *inbox_follow_answer(struct core *c, int64_t follower, int64_t target, bool accept);

#endif
