/* api_polls.h - polls and preview cards in the API (api/polls.c). */
#ifndef RAPPORT_API_POLLS_H
#define RAPPORT_API_POLLS_H

#include "http/http.h"

#include <stddef.h>

struct jw;
struct new_poll;
struct status;

/* poll[options][], poll[expires_in], poll[multiple], poll[hide_totals] of
 * a new or edited status (a form or a JSON object) into np; *out is np, or
 * NULL without a poll. False when the request was answered (422). */
bool poll_params(struct req *r, struct new_poll *np, const struct new_poll **out);
/* The "poll" and "card" members of status s for the viewer (null for a
 * reblog's wrapper); on a store failure w fails (the response is a 500). */
void jw_status_extras(struct jw *w, struct req *r, const struct status *s);
/* Whether status s's shape (has it a poll? a link? media?) is known
 * without reading the store; and learning it from what
 * statuses_extras_present read for a page (bits of store/polls.h), so
 * that rendering s reads nothing it does not have. The shape is cached by
 * the status's id, edit and creation times (what it has changes only
 * with an edit). */
bool status_extras_known(struct req *r, const struct status *s);
void status_extras_learn(const struct status *s, unsigned has);
/* Whether s is known to have neither a poll nor a link; no media. */
bool status_extras_none(struct req *r, const struct status *s);
bool status_media_none(struct req *r, const struct status *s);
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
