/* connections.h - know your connections (docs/SOCIAL.md): "how we met"
 * recorded when a follow happens and editable by the follower, mutuals to
 * reconnect with, followers never talked with, and replies and mentions
 * still waiting for an answer, criticism and questions first.
 *
 * connections_update is an incremental update of the event seam
 * (core/events.c): in the write's transaction it records how a follower
 * met the account it followed, keeps the pairwise contact summary (last
 * interaction each way, who follows whom) and classifies each reply and
 * mention addressed to someone (core/classify.h) with its thread, so every
 * list below is one range of an index. Favourites and boosts reach the
 * contact summary through the outbox's drain instead (connections_see). */
#ifndef RAPPORT_CONNECTIONS_H
#define RAPPORT_CONNECTIONS_H

#include "core/core.h"
#include "core/events.h"
#include "store/connections.h"

/* A mutual is suggested for reconnecting after this long without a reply,
 * mention, favourite, boost or direct message either way (SOCIAL.md). */
#define RECONNECT_AFTER_MS (90LL * 24 * 3600 * 1000)
/* The owner's words about how they met someone, in characters. */
#define HOW_TEXT_MAX 500

/* The seam's update hook (new statuses, edits, follows and the
 * relationship writes that change them). */
enum rc connections_update(struct core *c, struct db *db, struct event *ev);

/* The drain of favourites and boosts given (core/events.c's drains[]):
 * each touches the giver's and the receiver's contact rows, written in the
 * transaction that drains the batch, once per pair with its latest time.
 * A touch keeps the latest time, so draining a batch again changes
 * nothing; a pair whose account is gone meanwhile is skipped. */
enum rc connections_see(struct core *c, struct db *db, const struct event *ev);
enum rc connections_prepare(struct core *c, struct db *db);
enum store_rc connections_write(struct core *c, struct db *db);
void connections_written(void);

/* viewer's "how we met" with target: *found false when none (out zeroed). */
enum rc connection_get(struct core *c, int64_t viewer, int64_t target, struct connection *out,
		       bool *found);
/* Sets viewer's words about target (NULL or blank clears them). The target
 * must exist and be someone else (RC_NOT_FOUND, RC_INVALID), viewer must
 * follow it or have met it already (RC_NOT_FOUND: "no connection"), and how
 * at most HOW_TEXT_MAX characters (RC_INVALID). out: the row after. */
enum rc connection_set_how(struct core *c, int64_t viewer, int64_t target, const char *how,
			   struct connection *out);

/* viewer's mutuals quiet since now - RECONNECT_AFTER_MS, oldest
 * interaction first, after the row (after_at, after_id) if after_id. */
enum rc connections_reconnect(struct core *c, int64_t viewer, int64_t now, int64_t after_at,
			      int64_t after_id, int limit, struct contact_list *out);
/* Why row is suggested, for the person ("You follow each other and have
 * not talked for 4 months."). */
const char *connections_reason(struct core *c, const struct contact_row *row, int64_t now);
/* viewer's followers it never talked with, newest follow first, follows
 * rows below max_id (0: from the newest). */
enum rc connections_unknown(struct core *c, int64_t viewer, int64_t max_id, int limit,
			    struct contact_list *out);

struct waiting_item {
	struct status status;
	int kind;              /* enum cls_kind */
	int64_t waiting_since; /* ms */
	int64_t cursor;        /* the item's place in the list (waiting_cursor) */
};
struct waiting_list {
	struct waiting_item *items;
	int n;
	int rows;     /* rows read: fewer than the limit means the end */
	int64_t next; /* the cursor after the last row read (shown or not) */
};
/* The cursor of an item: its class and status id in one number that
 * orders like the list (class in the top bits). */
int64_t waiting_cursor(int kind, int64_t status_id);
/* viewer's unanswered replies and mentions after cursor (0: from the
 * start), at most limit, their statuses loaded for viewer. */
enum rc connections_waiting(struct core *c, int64_t viewer, int64_t cursor, int limit,
			    int64_t now, struct waiting_list *out);

/* viewer accepted sender's message requests: what sender wrote to viewer
 * waits like the rest (for core/requests.c's accept, in its transaction). */
enum rc connections_release(struct core *c, struct db *db, int64_t viewer, int64_t sender);

#endif
