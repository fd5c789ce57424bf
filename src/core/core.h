/* core.h - the context every core function works in, and its errors.
 *
 * A `struct core` lives for one request (or one CLI command): it carries
 * the borrowed store connection, the arena results are allocated from, the
 * configuration, and the error of the last failed call. Core functions
 * return an enum rc; on failure they fill c->err with a message fit to show
 * the user. The HTTP layer maps enum rc to a status in one table. */
#ifndef RAPPORT_CORE_H
#define RAPPORT_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/ratelimit.h"

enum rc {
	RC_OK = 0,
	RC_BAD_REQUEST,  /* 400: missing or malformed parameter */
	RC_UNAUTHORIZED, /* 401: no or bad credentials */
	RC_FORBIDDEN,    /* 403 */
	RC_NOT_FOUND,    /* 404 */
	RC_INVALID,      /* 422: well-formed but breaks a rule */
	RC_RATE_LIMITED, /* 429 */
	RC_INTERNAL,     /* 500: the store failed; logged */
	RC_UNAVAILABLE,  /* 503 */
};

struct core_error {
	enum rc rc;
	const char *field; /* the parameter at fault, or NULL */
	const char *msg;
	int retry_after;   /* seconds, with RC_RATE_LIMITED */
};

struct event;

struct core {
	struct db *db;
	struct arena *arena;
	const struct config *cfg;
	struct ratelimit *rl; /* process-wide counters (login throttling) */
	struct core_error err;
	struct event *event;  /* the event of the write under way (core/events.h) */
};

/* Records an error and returns its rc. msg is a printf format; the text is
 * allocated in c->arena. */
enum rc core_fail(struct core *c, enum rc rc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Maps a store failure: ST_NOT_FOUND -> RC_NOT_FOUND "Record not found",
 * anything else -> RC_INTERNAL. */
enum rc core_store_fail(struct core *c, enum store_rc st);
/* Counts rl's hits in s when other processes share it (store_shared), so
 * they enforce one limit together; otherwise in memory, the cheapest.
 * Set once at start, before rl is used. */
void core_ratelimit_setup(struct ratelimit *rl, struct store *s);

#endif
