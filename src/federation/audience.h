/* audience.h - who an activity is addressed to, read and written as
 * Mastodon reads and writes it.
 *
 * Reading (app/lib/activitypub/parser/status_parser.rb#visibility): the
 * public collection (its IRI, "as:Public" or "Public") in `to` makes a
 * status public, in `cc` unlisted; the author's followers collection in
 * `to` makes it private (Mastodon looks only at `to`, though its docs say
 * "to or cc"); anything else is direct. Mastodon calls a direct status
 * that also silently addresses local accounts "limited"; Rapport has no
 * such visibility and keeps it direct. Each entry of `to`, `cc` may be a
 * string or an object with an `id`; a single value counts as an array of
 * one. The caller passes the object's `to` and `cc`, or the activity's
 * when the object has none, as Mastodon does.
 *
 * Writing (app/lib/activitypub/tag_manager.rb#to/#cc):
 *
 *   visibility  to          cc
 *   public      Public      followers, mentions
 *   unlisted    followers   Public, mentions
 *   private     followers   mentions
 *   direct      mentions    (none)
 *
 * and an Announce's cc starts with the boosted status's author. */
#ifndef RAPPORT_FEDERATION_AUDIENCE_H
#define RAPPORT_FEDERATION_AUDIENCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

#define AS_PUBLIC "https://www.w3.org/ns/activitystreams#Public"
/* Local actors collected from one activity; more are counted, not kept. */
#define AUDIENCE_MAX_LOCAL 64

struct audience {
	enum visibility visibility;
	/* Local actors addressed in to, cc, or Mention tags' href, each once,
	 * in that order: URIs that are local_prefix followed by a username of
	 * [A-Za-z0-9_] (borrowed from the JSON, which must outlive them). */
	const char *local[AUDIENCE_MAX_LOCAL];
	size_t nlocal;
	size_t dropped; /* local actors past AUDIENCE_MAX_LOCAL */
};

/* Whether uri names the public collection in one of Mastodon's spellings. */
bool audience_is_public(const char *uri);

/* Reads the visibility of a status addressed to `to` and `cc` (any JSON,
 * NULL for none) by the actor whose followers collection is followers
 * (NULL: unknown), and the local actors it addresses there or in `tag`
 * (Mention entries) whose URIs begin with local_prefix (such as
 * "https://rapport.example/users/"). */
void audience_read(const json_t *to, const json_t *cc, const json_t *tag, const char *followers,
		   const char *local_prefix, struct audience *out);

/* Sets *to and *cc to new arrays addressing a local status of visibility
 * v by the actor whose followers collection is followers, mentioning
 * mentions[0..n) (duplicates are written once); boosted is the boosted
 * status's author for an Announce, else NULL. */
void audience_address(enum visibility v, const char *followers, const char *const *mentions,
		      size_t n, const char *boosted, json_t **to, json_t **cc);

#endif
