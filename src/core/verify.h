/* verify.h - profile links verified by a link back.
 *
 * A profile field whose value is an http(s) URL is verified when the page
 * at that URL links to the profile with rel="me" (<a> or <link>, its href
 * the profile's URL or its ActivityPub id): the field then carries
 * verified_at (RFC 3339), shown with a check on the public page and in the
 * Account entity. Checks run in a background thread, after each profile
 * edit that sets fields, with util/fetch.h's bounded, SSRF-safe GET; the
 * result is written only if the fields are still the ones checked. A
 * failed fetch clears the mark. Pending checks live in memory: a restart
 * forgets them until the next edit. */
#ifndef RAPPORT_VERIFY_H
#define RAPPORT_VERIFY_H

#include "core/core.h"

#define VERIFY_QUEUE 256 /* accounts waiting; more are dropped (logged) */

/* Queues account id's links for a check; nothing when the worker is not
 * running (commands other than serve, unit tests). */
void verify_queue(int64_t account_id);
int verify_start(struct store *st, const struct config *cfg);
/* Stops the worker; a check under way ends within FETCH_TIMEOUT_S. */
void verify_stop(void);

/* True if html (n bytes) has an <a> or <link> whose rel includes "me"
 * and whose href equals one of urls (a trailing slash aside). */
bool verify_links_back(const char *html, size_t n, const char *const *urls, int nurls);

#endif
