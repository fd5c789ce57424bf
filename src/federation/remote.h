/* remote.h - fetching ActivityPub documents from other servers, and the
 * remote actors (accounts plus endpoints and keys) made from them.
 *
 * Every fetch is a GET signed as the instance actor (BASE/actor#main-key,
 * draft-cavage `(request-target) host date`), with Mastodon's Accept, and
 * goes through util/fetch.c (the SSRF guard on the address connected,
 * 1 MiB, a timeout). Redirects are followed here, at most
 * FETCH_REDIRECTS, each one signed again and checked like the first. A
 * document is kept only if the answer is 200, its Content-Type is
 * application/activity+json or application/ld+json with the ActivityStreams
 * profile, it parses as a JSON object whose @context holds the
 * ActivityStreams IRI, and its `id` equals the URL that served it. Only
 * https URLs are fetched, http too in the test mode
 * (RAPPORT_FEDERATION_INSECURE). Domains the admin blocks are not fetched. */
#ifndef RAPPORT_FEDERATION_REMOTE_H
#define RAPPORT_FEDERATION_REMOTE_H

#include <jansson.h>
#include <stdbool.h>

#include "core/core.h"
#include "store/federation.h"

/* Nesting a caller may follow by fetching (reply chains, Announce of
 * Announce, collections): at most this many fetches deep. */
#define REMOTE_DEPTH_MAX 8
/* A failing key is fetched again at most this often per actor. */
#define REMOTE_REFRESH_MS (60 * 1000)

enum remote_rc {
	REMOTE_OK = 0,
	REMOTE_INVALID,  /* a document that breaks a rule above, or not the kind wanted */
	REMOTE_GONE,     /* 404 or 410 */
	REMOTE_BLOCKED,  /* the domain is blocked */
	REMOTE_FAILED,   /* network, SSRF refusal, other status, too large */
	REMOTE_ERROR,    /* our store failed */
};
const char *remote_rc_str(enum remote_rc rc);

/* The authority of an http(s) URL as handles carry it: the host in lower
 * case, with ":port" when a port other than the scheme's is given. NULL
 * when url is not an absolute http(s) URL (or http outside the test
 * mode). Allocated in ar. */
const char *remote_authority(const struct config *cfg, struct arena *ar, const char *url);

/* Whether a JSON-LD @context names the ActivityStreams vocabulary. */
bool remote_context_ok(const json_t *doc);

/* Fetches url under the rules above; *out is a new reference. */
enum remote_rc remote_fetch(struct core *c, const char *url, json_t **out);

/* The remote actor with ActivityPub id uri: from the store, or (unknown,
 * or refresh) fetched and stored. a and ra are filled (c->arena). A local
 * actor's uri is REMOTE_INVALID. */
enum remote_rc remote_actor(struct core *c, const char *uri, bool refresh, struct account *a,
			    struct remote_actor *ra);
/* Stores the actor described by doc (already known to come from its own
 * server: fetched from its id, or sent by it as an Update), as
 * remote_actor does after a fetch. */
enum remote_rc remote_actor_store(struct core *c, const json_t *doc, struct account *a,
				  struct remote_actor *ra);
/* The remote actor whose key is key_id, for signature checks: from the
 * store, or fetched (the actor at key_id without its fragment) when
 * unknown, or when refresh is set and it was not fetched in the last
 * REMOTE_REFRESH_MS. REMOTE_INVALID when the actor has no such key. */
enum remote_rc remote_key(struct core *c, const char *key_id, bool refresh,
			  struct remote_actor *ra);

#endif
