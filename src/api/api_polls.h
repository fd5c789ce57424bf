/* api_polls.h - polls and preview cards in the API (api/polls.c). */
#ifndef RAPPORT_API_POLLS_H
#define RAPPORT_API_POLLS_H

#include "http/http.h"
#include "core/polls.h"

#include <stddef.h>

struct jw;
struct new_poll;
struct status;

/* poll[options][], poll[expires_in], poll[multiple], poll[hide_totals] of
 * a new or edited status (a form or a JSON object) into np; *out is np, or
 * NULL without a poll. False when the request was answered (422). */
bool poll_params(struct req *r, struct new_poll *np, const struct new_poll **out);
/* A status's shape: what it has besides its body (EXTRA_MEDIA, EXTRA_POLL,
 * EXTRA_CARD of store/polls.h) and what of that is known: SHAPE_EXTRAS its
 * poll and link, SHAPE_MEDIA its media. 0: nothing is known. It changes
 * only with an edit, so it is cached by the status's id, edit and creation
 * times. */
enum { SHAPE_EXTRAS = 8, SHAPE_MEDIA = 16, SHAPE_KNOWN = SHAPE_EXTRAS | SHAPE_MEDIA };
/* Whether a shape says there is no media; neither a poll nor a link. */
static inline bool shape_no_media(unsigned shape)
{
	return (shape & SHAPE_MEDIA) && !(shape & EXTRA_MEDIA);
}
static inline bool shape_no_extras(unsigned shape)
{
	return (shape & SHAPE_EXTRAS) && !(shape & (EXTRA_POLL | EXTRA_CARD));
}
/* The shapes of the n statuses s into shape[]: from the cache, and those
 * it lacks read for all in a statement per 16 (statuses_extras_present)
 * and cached, so that rendering a status reads nothing it does not have.
 * A reblog's wrapper has nothing of its own. RC_OK or the core error. */
enum rc statuses_shapes(struct req *r, const struct status *const *s, int n, unsigned *shape);
/* The "poll" and "card" members of status s for the viewer (null for a
 * reblog's wrapper), shape what is known of it (statuses_shapes; what is
 * not known is read); on a store failure w fails (the response is a 500). */
void jw_status_extras(struct jw *w, struct req *r, const struct status *s, unsigned shape);
/* The members of Mastodon's PreviewCard for c, inside an open object. */
struct preview_card;
void jw_card_members(struct jw *w, struct req *r, const struct preview_card *c);

/* The cache of what statuses have besides their bodies (polls, links,
 * cards), for the whole process; max_bytes 0 caches nothing, cards false
 * caches no cards (other processes may save them). */
#define EXTRAS_CACHE_BYTES (16u << 20)
void extras_cache_init(size_t max_bytes, bool cards);
void extras_cache_free(void);
/* Its figures (logged when the server stops). */
struct cache_stats;
void extras_cache_stats(struct cache_stats *out);

void h_polls_get(struct req *r);
void h_polls_vote(struct req *r);

#endif
