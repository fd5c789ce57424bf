/* view.h - what the public pages and the feeds share: finding a local
 * account by name, reading its public statuses with their strings, and
 * the small renderings (names, links, excerpts, dates). Internal to pages/. */
#ifndef RAPPORT_VIEW_H
#define RAPPORT_VIEW_H

#include "core/core.h"
#include "http/http.h"
#include "pages/html.h"
#include "store/store.h"

#define VIEW_POSTS 20 /* posts on a profile and in a feed */

/* The local account called name; false (and nothing replied) if there is
 * none. A store error replies 500 and returns false with *failed set. */
bool view_account(struct req *r, const char *name, struct account *out, bool *failed);
/* The account's newest statuses an anonymous reader may see, without
 * replies and reblogs, their strings read; public_only drops unlisted
 * ones (feeds are listings). RC_OK or the core error. */
enum rc view_statuses(struct req *r, const struct account *a, bool public_only, int limit,
		      struct status_list *out);
/* Reads the strings of the partial statuses of l and drops those deleted
 * since l was read. */
enum rc view_fill(struct req *r, struct status_list *l);

const char *view_name(const struct account *a);       /* display name, or username */
const char *view_handle(struct req *r, const struct account *a); /* "@user@domain" */
const char *view_avatar(struct req *r, const struct account *a); /* absolute URL */
const char *view_status_url(struct req *r, const struct status *s);
/* Plain text of stored HTML, at most max bytes (cut at a character, "…"
 * added), line breaks as spaces. */
const char *view_excerpt(struct arena *a, const char *html, size_t max);
/* "2026-11-22 13:15 UTC" */
const char *view_date(struct arena *a, int64_t ms);
/* RFC 3339 */
const char *view_iso(struct arena *a, int64_t ms);
/* extras.c: the shape of each status of l (what it has besides its body,
 * api/api_polls.h), read for those the cache lacks in a statement per 16;
 * rendering a status then reads nothing it does not have. NULL if the
 * store failed (r->core.err). */
unsigned *view_shapes(struct req *r, const struct status_list *l);
/* Appends one status as an <article>, open: view_extras closes it; shape
 * is the status's (view_shapes), focus marks the page's own. */
void view_article(struct html *h, struct req *r, const struct status *s, unsigned shape,
		  bool focus);
/* The page's own status as an open <article> marked as the focus, from
 * the cache of rendered articles; NULL if the cap was passed. */
const char *view_article_focus(struct req *r, const struct status *s, unsigned shape);
/* extras.c: appends the status's poll and preview card as they are now
 * and closes its <article>; false if the store failed (r->core.err). */
bool view_extras(struct html *h, struct req *r, const struct status *s, unsigned shape);
/* The <article> of each status of l (its poll and card added), from the cache of rendered articles
 * (keyed by id, validated by the counters, edit time and author's
 * updated_at) or rendered after reading the strings of the missing ones
 * only. shape: the statuses' shapes, or NULL to read them (view_shapes).
 * Statuses deleted since l was read are dropped from l. *out gets l->n
 * strings. RC_OK or the core error. */
enum rc view_render(struct req *r, struct status_list *l, const unsigned *shape,
		    const char ***out);

/* media_view.c: a status's media attachments as HTML (players, alt
 * text, a warning when sensitive), and as feed enclosures (Atom links, or
 * RSS's one enclosure). A store failure fails the writer. */
void view_media(struct html *h, struct req *r, const struct status *s, unsigned shape);
void view_enclosures(struct html *h, struct req *r, const struct status *s, unsigned shape,
		     bool atom);

#endif
