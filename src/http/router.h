/* router.h - the route table's shape and dispatch. */
#ifndef RAPPORT_ROUTER_H
#define RAPPORT_ROUTER_H

#include "http/http.h"

enum route_auth {
	AUTH_NONE,  /* public; a valid token is still recognised */
	AUTH_APP,   /* any valid token, app-only tokens included */
	AUTH_USER,  /* a token that belongs to a user */
};

/* Patterns, matched on the path without its trailing slash:
 *   "/api/v1/instance"      exact: found with one hash lookup
 *   "/api/v1/accounts/:id"  ":name" captures the rest of a segment
 *                           (non-empty); it may follow and precede literal
 *                           text in the segment: "/@:name", "/@:name.atom",
 *                           "/tags/:tag.rss" (a capture stops at the
 *                           segment's end, less the literal suffix)
 *   "/assets/" + "*"        a final "*" segment captures the rest of the path,
 *                           slashes included (non-empty)
 *   "*"                     the fallback: any path no other route matches
 *                           (it never makes a path "known" for 405)
 * Captures go to path_param() in order. Of the routes that match a path,
 * an exact one wins; then the fewest captures, then no "*", then the most
 * literal characters: /api/v1/accounts/relationships beats
 * /api/v1/accounts/:id, and /@:name.atom beats /@:name. */
struct route {
	const char *method;   /* "GET", "POST", ... */
	const char *pattern;
	void (*handler)(struct req *r);
	enum route_auth auth;
	scope_set scopes;     /* any one of these is enough; 0 = none needed */
	enum policy policy;   /* headers of HTML responses (http.h); 0 = POLICY_PRIVATE */
};

extern const struct route routes[]; /* api/routes.c, ends with a NULL method */

/* Runs the request through the table and sets its response. */
void router_dispatch(struct req *r);

/* Matches one pattern against a path, capturing at most max parameters
 * into caps (arena strings); returns the number captured, or -1. */
int route_match(const char *pattern, const char *path, struct arena *a, const char **caps,
		int max);

#endif
