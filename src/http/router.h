/* router.h - the route table's shape and dispatch. */
#ifndef RAPPORT_ROUTER_H
#define RAPPORT_ROUTER_H

#include "http/http.h"

enum route_auth {
	AUTH_NONE,  /* public; a valid token is still recognised */
	AUTH_APP,   /* any valid token, app-only tokens included */
	AUTH_USER,  /* a token that belongs to a user */
};

struct route {
	const char *method;   /* "GET", "POST", ... */
	const char *pattern;  /* "/api/v1/accounts/:id/follow" */
	void (*handler)(struct req *r);
	enum route_auth auth;
	scope_set scopes;     /* any one of these is enough; 0 = none needed */
};

extern const struct route routes[]; /* api/routes.c, ends with a NULL method */

/* Runs the request through the table and sets its response. */
void router_dispatch(struct req *r);

#endif
