/* social.h - the checks and small writes around statuses: who follows,
 * blocks or mutes whom, pins, favourites and bookmarks, notifications as
 * they are made, and direct conversations as statuses reach them
 * (store_social.c). */
#ifndef RAPPORT_STORE_SOCIAL_H
#define RAPPORT_STORE_SOCIAL_H

#include "store/store.h"

enum store_rc store_follows(struct db *db, int64_t account_id, int64_t target_id, bool *follows);
/* Whether either blocks the other. */
enum store_rc store_blocked_either(struct db *db, int64_t a, int64_t b, bool *blocked);
/* account_id mutes target's notifications (an unexpired mute with
 * notifications on). */
enum store_rc store_mutes_notifications(struct db *db, int64_t account_id, int64_t target,
					int64_t now, bool *mutes);
/* Followers of target with notify on (for "status" notifications) whose
 * ids are above `after`, in id order: at most max into ids, *n of them. */
enum store_rc store_notify_followers(struct db *db, int64_t target, int64_t after, int max,
				     int64_t *ids, int *n);

/* ---- notifications ---- */

enum store_rc store_notification_insert(struct db *db, const struct notification *n);
/* Deletes notifications of type from `from` about status (unfavourite,
 * unreblog, unfollow). status_id 0 matches any. */
enum store_rc store_notification_retract(struct db *db, int64_t account_id, int64_t from,
					 const char *type, int64_t status_id);

/* ---- direct conversations ---- */

/* Records status_id as the latest of account_id's conversation with the
 * participants (sorted ids, comma-separated); unread unless it is theirs. */
enum store_rc store_conversation_touch(struct db *db, int64_t account_id,
				       const char *participants, int64_t status_id, bool unread);
/* After a deletion: conversations whose last status was status_id move to
 * their previous visible direct status, or disappear. */
enum store_rc store_conversation_status_gone(struct db *db, int64_t status_id);

/* Pending requests to follow account_id. */
enum store_rc store_count_follow_requests(struct db *db, int64_t account_id, int64_t *n);

/* ---- lists ---- */
enum store_rc store_list_owned(struct db *db, int64_t list_id, int64_t account_id, bool *owned);
/* Takes member off every list of owner's (after an unfollow or a block). */
enum store_rc store_lists_drop_member(struct db *db, int64_t owner, int64_t member);

/* ---- pins ---- */
/* Pins status_id in one of the account's 5 slots (the limit is the
 * schema's, migration 7): ST_OK; ST_CONFLICT when it was pinned already
 * or, with *full, when every slot is taken; ST_NOT_FOUND when the status
 * is gone. */
enum store_rc store_pin_add(struct db *db, int64_t account_id, int64_t status_id, bool *full);
/* ST_OK, or ST_CONFLICT when it was not pinned. */
enum store_rc store_pin_remove(struct db *db, int64_t account_id, int64_t status_id);
/* Favourites and bookmarks: returns ST_OK when the row was added/removed,
 * ST_CONFLICT when it was already so, ST_NOT_FOUND when the status is
 * gone (a favourite racing a delete). */
enum store_rc store_favourite(struct db *db, int64_t account_id, int64_t status_id, bool on);
enum store_rc store_bookmark(struct db *db, int64_t account_id, int64_t status_id, bool on);

#endif
