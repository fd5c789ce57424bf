/* rel.h - relationships (follows, follow requests, blocks, mutes, notes),
 * notifications as their recipient reads them, and read markers
 * (store_rel.c). */
#ifndef RAPPORT_STORE_REL_H
#define RAPPORT_STORE_REL_H

#include "store/store.h"

/* Follows. Each write keeps both accounts' following_count and
 * followers_count equal to the rows in follows. show_reblogs and notify are
 * 0 or 1, or -1 for "the default" on a new row and "unchanged" on an
 * existing one. */
/* Adds account_id -> target_id (ST_OK), or updates the options of the
 * follow that exists (ST_CONFLICT). */
enum store_rc store_follow_put(struct db *db, int64_t account_id, int64_t target_id,
			       int show_reblogs, int notify);
/* When account_id began following target_id (ms), 0 if it does not. A
 * follow of a remote account begins when it was asked for (the request's
 * time), since federation/outbox.c derives the id of its Follow, and of
 * the Undo that embeds it, from that time. */
enum store_rc store_follow_since(struct db *db, int64_t account_id, int64_t target_id,
				 int64_t *at);
/* When account_id asked to follow target_id (ms), 0 if it has not. */
enum store_rc store_request_since(struct db *db, int64_t account_id, int64_t target_id,
				  int64_t *at);
/* When account_id blocked target_id (ms), 0 if it does not. */
enum store_rc store_block_since(struct db *db, int64_t account_id, int64_t target_id,
				int64_t *at);
/* Deletes the follow; ST_NOT_FOUND when there was none. */
enum store_rc store_follow_delete(struct db *db, int64_t account_id, int64_t target_id);
/* Adds target's most recent statuses (at most max) that account may see
 * to account's home feed: public, unlisted and private ones, reblogs only
 * when reblogs is true, replies only to target, account or someone account
 * follows. */
enum store_rc store_feed_backfill(struct db *db, int64_t account_id, int64_t target_id,
				  bool reblogs, int max);

/* Follow requests, with the same option conventions as follows. */
/* Adds a request (ST_OK) or updates the pending one (ST_CONFLICT). */
enum store_rc store_request_put(struct db *db, int64_t account_id, int64_t target_id,
				int show_reblogs, int notify);
/* The pending request's options; ST_NOT_FOUND when there is none. */
enum store_rc store_request_get(struct db *db, int64_t account_id, int64_t target_id,
				bool *show_reblogs, bool *notify);
/* Deletes the request; ST_NOT_FOUND when there was none. */
enum store_rc store_request_delete(struct db *db, int64_t account_id, int64_t target_id);

/* Blocks and mutes: ST_OK when a row was added or removed, ST_CONFLICT when
 * it was already so. A mute expires at expires_at (ms; 0 = never); putting
 * a mute that exists replaces its options. */
enum store_rc store_block_put(struct db *db, int64_t account_id, int64_t target_id, bool on);
enum store_rc store_mute_put(struct db *db, int64_t account_id, int64_t target_id,
			     bool notifications, int64_t expires_at);
enum store_rc store_mute_delete(struct db *db, int64_t account_id, int64_t target_id);
/* Sets account_id's private note on target_id; "" deletes it. */
enum store_rc store_note_put(struct db *db, int64_t account_id, int64_t target_id,
			     const char *comment);

/* What viewer and target are to each other; expired mutes count as none. */
struct relationship {
	int64_t id; /* the target */
	bool following, showing_reblogs, notifying, followed_by, blocking, blocked_by, muting,
		muting_notifications, requested, requested_by;
	const char *note; /* "" when none */
};
/* One query; ST_NOT_FOUND when target is not an account. now in ms. */
enum store_rc store_relationship(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
				 int64_t now, struct relationship *out);

/* Account pages; the cursor is the row's id in the table named. Accounts
 * that viewer (0 = anonymous) blocks or is blocked by are left out of
 * followers and following. */
enum store_rc store_followers(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			      const struct page *pg, struct account_list *out);
enum store_rc store_following(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			      const struct page *pg, struct account_list *out);
/* Requests to follow target. */
enum store_rc store_follow_requests(struct db *db, struct arena *ar, int64_t target,
				    const struct page *pg, struct account_list *out);
enum store_rc store_blocks(struct db *db, struct arena *ar, int64_t viewer,
			   const struct page *pg, struct account_list *out);
/* Unexpired mutes; expires[i] (arena, out->n entries) is item i's expiry
 * in ms, 0 for never. */
enum store_rc store_mutes(struct db *db, struct arena *ar, int64_t viewer, int64_t now,
			  const struct page *pg, struct account_list *out, int64_t **expires);

/* Notifications as their recipient sees them: those from accounts the
 * recipient blocks or is blocked by, and those about a status the
 * recipient may no longer see, are left out. */
struct notification_filter {
	const char *types;   /* ",mention,favourite," or "" for every type */
	const char *exclude; /* the same shape; "" excludes none */
	int64_t from;        /* only from this account; 0 = anyone */
};
struct notification_list {
	struct notification *items; /* status_id set, status NULL: see core */
	int n;
};
enum store_rc store_notifications(struct db *db, struct arena *ar, int64_t viewer,
				  const struct notification_filter *f, const struct page *pg,
				  struct notification_list *out);
/* One of viewer's notifications, by the same rules; ST_NOT_FOUND if none. */
enum store_rc store_notification_get(struct db *db, struct arena *ar, int64_t viewer, int64_t id,
				     struct notification *out);
/* ST_NOT_FOUND when id is not one of viewer's notifications. */
enum store_rc store_notification_dismiss(struct db *db, int64_t viewer, int64_t id);
enum store_rc store_notifications_clear(struct db *db, int64_t viewer);
/* How many of viewer's notifications newer than after pass f, up to cap. */
enum store_rc store_notifications_count(struct db *db, int64_t viewer,
					const struct notification_filter *f, int64_t after, int cap,
					int64_t *n);

/* Read markers, per account and timeline ("home", "notifications"). */
struct marker {
	int64_t last_read_id, version, updated_at;
};
/* ST_NOT_FOUND when viewer has no marker for timeline. */
enum store_rc store_marker_get(struct db *db, int64_t viewer, const char *timeline,
			       struct marker *out);
/* Creates the marker at version 0, or moves it and adds 1 to its version. */
enum store_rc store_marker_put(struct db *db, int64_t viewer, const char *timeline,
			       int64_t last_read_id, int64_t at);

#endif
