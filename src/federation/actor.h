/* actor.h - ActivityPub actor documents and their collections.
 *
 * Every local account is a Person (Service when it is a bot) at
 * BASE/users/NAME, with its public key at BASE/users/NAME#main-key, its
 * inbox BASE/users/NAME/inbox, the shared inbox BASE/inbox, its outbox,
 * followers and following (OrderedCollections with totalItems) and
 * featured (BASE/users/NAME/collections/featured: the public pins). The
 * instance actor is an Application at BASE/actor (key BASE/actor#main-key),
 * the identity that signs the server's own fetches. Documents are served
 * as `application/activity+json; charset=utf-8` and never carry a private
 * key. Key pairs are made on first use (core/keys.h). */
#ifndef RAPPORT_FEDERATION_ACTOR_H
#define RAPPORT_FEDERATION_ACTOR_H

#include "http/http.h"
#include "core/core.h"

#include <jansson.h>
#include <stdbool.h>
#include "store/store.h"

#define AP_CONTEXT "https://www.w3.org/ns/activitystreams"
#define AP_TYPE "application/activity+json; charset=utf-8"

/* The ActivityPub media types an Accept header may ask for: Mastodon
 * sends the first, Fedify and the AS spec the second with a profile. */
#define AP_ACCEPT_ACTIVITY "application/activity+json"
#define AP_ACCEPT_LD "application/ld+json"

/* GET /users/:name: the Person; a browser (text/html preferred) is
 * redirected to the profile page /@name. 404 JSON for a name that is not
 * a local account. */
void h_ap_actor(struct req *r);
/* GET /actor: the instance actor. */
void h_ap_instance_actor(struct req *r);
/* GET /users/:name/followers, /following, /outbox and
 * /collections/featured: OrderedCollections with totalItems only. */
void h_ap_followers(struct req *r);
void h_ap_following(struct req *r);
void h_ap_outbox(struct req *r);
void h_ap_featured(struct req *r);

/* GET /users/:name/outbox?page=true[&max_id=]: a page of the outbox
 * (federation/outbox_page.c). */
void ap_outbox_page(struct req *r, const struct account *a);
/* Replies with the Person document of local account a (its key pair
 * made if it has none); 500 JSON if the store fails. For /@name when the
 * client asks for ActivityPub. */
void ap_reply_actor(struct req *r, const struct account *a);
/* The Person document of local account a with public key pem, in
 * c->arena; suspended: what Mastodon serves of a suspended account
 * (`suspended: true`, no name but the username, no summary, fields or
 * images, neither locked nor discoverable). NULL when out of memory. */
json_t *ap_person(struct core *c, const struct account *a, const char *pem, bool suspended);
/* 410 with the Tombstone of the deleted local account once named name
 * (formerType Person, deleted at deleted_at ms), as Mastodon answers. */
void ap_reply_tombstone(struct req *r, const char *name, int64_t deleted_at);

#endif
