/* deliver.h - the delivery worker: one thread that POSTs the queued
 * deliveries (store/deliver.h) through libcurl's multi interface, many at
 * once, so neither the request pool nor any other host waits for a slow
 * one. Mastodon's rules (app/workers/activitypub/delivery_worker.rb,
 * app/lib/request.rb, delivery_failure_tracker.rb):
 *
 *   - each POST is `application/activity+json`, signed draft-cavage with a
 *     Digest by the activity's actor (`ACTOR#main-key`); a host that
 *     answers 400 or 401 is asked again at once signed RFC 9421
 *     (`@method @target-uri content-digest`, a Content-Digest), as
 *     Mastodon 4.7 knocks twice, and is remembered as wanting it;
 *   - 2xx is done; 4xx other than 401, 408 and 429, and 501, are final;
 *     anything else (and no answer) is tried again after count^4 + 15 s
 *     plus jitter, 16 tries in all;
 *   - a host with 10 failures in a row is left alone for 60 s (circuit
 *     breaker); a host with failures on 7 distinct UTC days is marked
 *     unavailable and gets nothing until a success or a signed request
 *     from it (deliver_host_revive) clears it;
 *   - at most DELIVER_PER_HOST requests to one host and DELIVER_MAX in all
 *     at once; connect within 5 s, done within DELIVER_TIMEOUT_S: a host
 *     that hangs holds its own slots and no one else's;
 *   - the address connected to is checked with the SSRF rules of
 *     util/fetch.h (fetch_address_allowed); a refused one is final.
 * Several processes sharing a store may each run a worker: a worker takes
 * deliveries by moving them past a lease. */
#ifndef RAPPORT_FEDERATION_DELIVER_H
#define RAPPORT_FEDERATION_DELIVER_H

#include <stdbool.h>

#include "core/core.h"
#include "federation/signature.h"
#include "store/store.h"

#define DELIVER_MAX 64
#define DELIVER_PER_HOST 4
#define DELIVER_TIMEOUT_S 30
#define DELIVER_CONNECT_S 5
#define DELIVER_TRIES 16
#define DELIVER_BREAKER_FAILURES 10
#define DELIVER_BREAKER_MS 60000
#define DELIVER_UNAVAILABLE_DAYS 7
#define DELIVER_LEASE_MS (4 * DELIVER_TIMEOUT_S * 1000)

/* Starts the worker thread (after fetch_init and the store); -1 if it
 * cannot. deliver_stop ends it, abandoning transfers under way (their
 * leases run out and they are taken again). */
int deliver_start(struct store *st, const struct config *cfg);
void deliver_stop(void);
/* Tells the worker there are new deliveries. */
void deliver_wake(void);

/* Runs the worker's loop on c until the queue has nothing due and
 * nothing is in flight, or timeout_ms passed (tests, tools); transfers
 * still under way then are abandoned (their leases run out). 0, or -1
 * when the store failed. */
int deliver_run(struct core *c, int timeout_ms);

/* Forgets what the worker learnt of hosts and signers (tests). */
void deliver_forget(void);

/* Clears host's failures, if it has any (a signed request from it
 * arrived); host as deliveries name it (outbox_url_host). */
enum rc deliver_host_revive(struct core *c, const char *host);

/* The delay before attempt `attempts` + 1 (attempts >= 1 made), ms:
 * attempts^4 + 15 s, plus jitter of up to 10 * (attempts + 1) s. */
int64_t deliver_backoff_ms(int attempts, unsigned jitter);
/* Whether an HTTP status ends a delivery (done or given up): 2xx, and
 * 4xx other than 401, 408 and 429, and 501. */
bool deliver_status_final(long status);

/* Signs a POST of body to url (scheme://authority/path?query) in RFC 9421
 * form: sets h->date, h->digest to the Content-Digest, h->signature and
 * input to the Signature and Signature-Input headers. 0 or -1. */
struct sig9421_headers {
	char date[32];
	char content_digest[80];
	char input[SIG_HEADER_MAX];
	char signature[SIG_HEADER_MAX];
};
int deliver_sign_rfc9421(const char *url, const char *body, size_t n, const char *key_id,
			 int64_t now, sig_sign_fn sign, void *ctx, struct sig9421_headers *h);

#endif
