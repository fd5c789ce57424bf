/* claims.h - what several server processes on one store share besides the
 * queues' own rows (store_claims.c): named leases, which let one process
 * at a time do a periodic task, and rate-limit windows, which let the
 * processes together allow what one would. */
#ifndef RAPPORT_STORE_CLAIMS_H
#define RAPPORT_STORE_CLAIMS_H

#include "store/store.h"

/* Takes the lease `name` until `until` if nobody holds it at now: *held
 * tells whether this caller has it. A holder that dies keeps it until it
 * ends. One statement (no transaction needed). */
enum store_rc store_lease_take(struct db *db, const char *name, int64_t now, int64_t until,
			       bool *held);
/* Counts n hits of key (util/ratelimit.h, ratelimit_shared_fn): db is a
 * struct db *. One statement; on PostgreSQL the table is UNLOGGED (no
 * write-ahead log, so no wait for a flush; a crash empties it, which only
 * forgives the windows then running). */
int store_ratelimit_hit(void *db, const char *key, int64_t n, int64_t now, int64_t window_ms,
			int64_t *hits, int64_t *end_ms);

#endif
