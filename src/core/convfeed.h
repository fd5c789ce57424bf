/* convfeed.h - the Conversations feed: the newest statuses of the viewer's
 * home feed ranked by core/rank.h (a reply to you from someone you talk
 * with >> a new thread from a mutual >> a broadcast), runs without
 * conversation folded into one item, each with the reason it ranks there.
 *
 * A ranking is not an order of ids, so pages cannot be cut by status id:
 * a first page ranks the window once into a *snapshot* (the order, kept in
 * memory per viewer) and every later page is a range of that snapshot.
 * The cursor a page hands out (max_id in its Link header) is
 * snapshot << CONVFEED_POS_BITS | position: a decimal number below 2^53,
 * so it survives clients that turn ids into integers (Mastodon.py) or
 * doubles, and never equals a status id (every snowflake made after 1974
 * is above 2^53). Posts that arrive while someone pages are not in their
 * snapshot: paging neither repeats nor skips; they show on the next first
 * page, or through min_id (the prev link), which ranks what is newer than
 * the snapshot. The design and its limits are in docs/ARCHITECTURE.md
 * ("The Conversations feed"); the rules in docs/SOCIAL.md. */
#ifndef RAPPORT_CONVFEED_H
#define RAPPORT_CONVFEED_H

#include "core/core.h"
#include "store/statuses.h"

#define CONVFEED_LIST_ID 1              /* the built-in list, the same id for everyone */
#define CONVFEED_LIST_TITLE "Conversations"
#define CONVFEED_WINDOW 200             /* home-feed statuses ranked in one snapshot */
#define CONVFEED_FRESH_MS (60 * 1000LL) /* a first page reuses a snapshot this young */
#define CONVFEED_POS_BITS 12            /* positions in a cursor: > CONVFEED_WINDOW */
#define CONVFEED_CURSOR_END (1LL << 53) /* cursors are below, status ids above */
#define CONVFEED_CACHE_BYTES (32u << 20) /* snapshots kept, all viewers together */
#define CONVFEED_PER_VIEWER 4            /* snapshots kept per viewer (devices paging) */

struct convfeed_page {
	struct status_list list; /* partial statuses (numbers only), in rank order */
	const char **why;        /* per item: why it ranks there */
	const char **more;       /* per item: "+N more from X", or NULL */
	int64_t next;            /* max_id of the next page; 0 at the end */
	int64_t prev;            /* min_id that asks for what is newer; 0 if none */
};

/* One page of viewer's Conversations feed (pg: max_id a cursor of this
 * feed, or a status id to rank only older statuses; min_id / since_id a
 * status id or cursor to rank only newer ones; limit). A cursor whose
 * snapshot is gone (evicted, another process, a restart) is served from a
 * new snapshot at the same position. */
enum rc convfeed_page(struct core *c, int64_t viewer, const struct page *pg,
		      struct convfeed_page *out);

/* Frees every snapshot (at exit; tests between stores). */
void convfeed_cache_free(void);
/* Bytes its snapshots hold, all viewers together. */
size_t convfeed_cache_bytes(void);

#endif
