/* previews.h - link preview cards of statuses, fetched in the background.
 *
 * A status's first link (text.h: not a mention or a hashtag; none for
 * direct messages, whose links are nobody else's business) is recorded
 * with the status; its card is cached per URL (store/polls.h) and fetched
 * again only when a new status links it more than cfg.card_ttl_s after
 * the last fetch. A worker thread fetches due URLs one at a time with
 * util/fetch.h's bounded, SSRF-safe GET (no store connection held while
 * it fetches) and keeps what linkcard.h extracts from an HTML answer
 * (200, text/html or application/xhtml+xml); anything else is remembered
 * as "no card". Until then the status's card is null. Due URLs live in
 * the store, so a restart fetches what was left. */
#ifndef RAPPORT_PREVIEWS_H
#define RAPPORT_PREVIEWS_H

#include "core/core.h"

/* In the transaction of a new or edited status on db: records url (NULL:
 * none) as the status's link and asks for its card if needed. */
enum store_rc previews_link(struct core *c, struct db *db, int64_t status_id, int visibility,
			    const char *url);
/* Tells the worker that a card may be due (after the commit). */
void previews_wake(void);

/* Fetches and stores the card of url now (the worker's step; tests). 0,
 * or -1 if the store failed. */
int previews_fetch(struct core *c, const char *url);

/* Goes up after every card this process saves: what a renderer caches of
 * a card is valid while it stays the same (one process writes cards, as
 * the row cache assumes). */
uint64_t previews_generation(void);

int previews_start(struct store *st, const struct config *cfg);
/* Stops the worker; a fetch under way ends within FETCH_TIMEOUT_S. */
void previews_stop(void);

#endif
