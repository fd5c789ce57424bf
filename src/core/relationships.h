/* relationships.h - what accounts are to each other (follows, follow
 * requests, blocks, mutes, private notes), and the notifications and read
 * markers those relationships shape.
 *
 * Every write that touches several rows runs in one transaction, and keeps
 * followers_count and following_count equal to the rows in follows. An
 * unknown target is RC_NOT_FOUND; acting on oneself, or following across a
 * block, is RC_FORBIDDEN. */
#ifndef RAPPORT_RELATIONSHIPS_H
#define RAPPORT_RELATIONSHIPS_H

#include "core/core.h"
#include "store/rel.h"

#define NOTE_COMMENT_MAX 2000   /* characters of a private note */
#define FOLLOW_BACKFILL 20      /* statuses a new follow adds to the home feed */
#define RELATIONSHIPS_MAX 80    /* accounts per relationships request */
#define MUTE_DURATION_MAX 2147483647LL /* seconds */

/* Options of a follow: 0 or 1, or -1 for the default on a new follow (show
 * reblogs, do not notify) and "unchanged" on an existing one. */
struct follow_options {
	int reblogs;
	int notify;
};

/* Follows target, or asks to when target is locked (a follow request and
 * a "follow_request" notification). A new follow notifies target and
 * brings target's recent statuses into viewer's home feed; following again
 * updates the options. */
enum rc rel_follow(struct core *c, int64_t viewer, int64_t target,
		   const struct follow_options *o);
/* Ends the follow (its statuses leave viewer's home feed, its notification
 * is withdrawn) or withdraws the pending request. */
enum rc rel_unfollow(struct core *c, int64_t viewer, int64_t target);
/* Makes follower stop following viewer. */
enum rc rel_remove_follower(struct core *c, int64_t viewer, int64_t follower);
/* Authorizes (accept) or rejects requester's request to follow viewer;
 * RC_NOT_FOUND when there is none. */
enum rc rel_answer_request(struct core *c, int64_t viewer, int64_t requester, bool accept);
/* Blocking ends follows and requests both ways and takes each one's
 * statuses out of the other's home feed. */
enum rc rel_block(struct core *c, int64_t viewer, int64_t target, bool on);
/* Mutes target (hiding their statuses, and with notifications their
 * notifications) for duration_s seconds, 0 = until unmuted. */
enum rc rel_mute(struct core *c, int64_t viewer, int64_t target, bool notifications,
		 int64_t duration_s);
enum rc rel_unmute(struct core *c, int64_t viewer, int64_t target);
/* Sets viewer's private note on target; "" deletes it. */
enum rc rel_note(struct core *c, int64_t viewer, int64_t target, const char *comment);
enum rc rel_get(struct core *c, int64_t viewer, int64_t target, struct relationship *out);

/* followers (following false) or following of target, for viewer (0 =
 * anonymous): empty when target blocks viewer. */
enum rc rel_list(struct core *c, int64_t viewer, int64_t target, bool following,
		 const struct page *pg, struct account_list *out);
/* viewer's own lists: the accounts asking to follow viewer, and those
 * viewer blocks; cursors are the rows' ids. */
enum rc rel_requests(struct core *c, int64_t viewer, const struct page *pg,
		     struct account_list *out);
enum rc rel_blocks(struct core *c, int64_t viewer, const struct page *pg,
		   struct account_list *out);
/* The accounts viewer mutes (unexpired); expires[i] (arena, out->n
 * entries) is item i's expiry in ms, 0 for never. */
enum rc rel_mutes(struct core *c, int64_t viewer, const struct page *pg,
		  struct account_list *out, int64_t **expires);

/* ---- notifications ---- */

/* Builds a filter from type names: unknown names are ignored (so a types
 * list of only unknown names matches nothing); NULL lists leave the
 * filter open. */
void notif_filter(struct core *c, const char *const *types, int ntypes,
		  const char *const *exclude, int nexclude, int64_t from,
		  struct notification_filter *out);
/* A page of viewer's notifications with their statuses loaded; rows is
 * the number of rows the page read (for the Link header). */
enum rc notif_list(struct core *c, int64_t viewer, const struct notification_filter *f,
		   const struct page *pg, struct notification_list *out, int *rows);
/* One of viewer's notifications; RC_NOT_FOUND for anyone else's. */
enum rc notif_get(struct core *c, int64_t viewer, int64_t id, struct notification *out);
enum rc notif_dismiss(struct core *c, int64_t viewer, int64_t id);
enum rc notif_clear(struct core *c, int64_t viewer);
/* Notifications newer than the "notifications" marker, up to cap. */
enum rc notif_unread(struct core *c, int64_t viewer, const struct notification_filter *f,
		     int cap, int64_t *count);

/* ---- read markers ---- */

/* True for the timelines that have markers: "home" and "notifications". */
bool marker_timeline_known(const char *timeline);
/* RC_NOT_FOUND when viewer has no marker for timeline. */
enum rc marker_get(struct core *c, int64_t viewer, const char *timeline, struct marker *out);

struct marker_update {
	const char *timeline;     /* a known timeline */
	const char *last_read_id; /* as sent; NULL when missing */
};
/* Moves every marker in u, or none: a missing last_read_id is
 * RC_BAD_REQUEST, one that is not an id RC_INVALID. */
enum rc markers_set(struct core *c, int64_t viewer, const struct marker_update *u, int n);

#endif
