/* outbox.h - the federation subscriber of the event seam: each event of a
 * local actor that a remote server must hear about becomes one activity
 * (federation/activity.h) and one delivery per inbox (store/deliver.h),
 * queued in the transaction that drains the event, so an event is
 * delivered exactly when it is gone from the outbox.
 *
 * Where activities go (Mastodon's rules, account.rb#inboxes):
 *   posts, replies, edits, deletes: the remote followers' servers (their
 *     shared inbox, else the personal one), one POST per server, and the
 *     mentioned and replied-to remote accounts; a direct message only to
 *     the mentioned; a followers-only post to no other server;
 *   boosts and their undo: the followers' servers and the boosted author;
 *   Like, Follow, Block, Accept, Reject and their Undos: the remote
 *     account's personal inbox.
 * Hosts marked unavailable (store/deliver.h) get nothing. */
#ifndef RAPPORT_FEDERATION_OUTBOX_H
#define RAPPORT_FEDERATION_OUTBOX_H

#include "core/events.h"

/* The drain's steps (struct event_drain in core/events.h). */
enum rc outbox_see(struct core *c, struct db *db, const struct event *ev);
enum rc outbox_prepare(struct core *c, struct db *db);
enum store_rc outbox_write(struct core *c, struct db *db);
void outbox_done(void);
/* The event types the drain wants. */
#define OUTBOX_EVENTS                                                                        \
	(EVENT_NEW_STATUS | EVENT_BIT(EV_STATUS_EDITED) | EVENT_BIT(EV_STATUS_DELETED) |     \
	 EVENT_BIT(EV_FAVOURITE) | EVENT_BIT(EV_FAVOURITE_UNDO) | EVENT_BIT(EV_REBLOG) |     \
	 EVENT_BIT(EV_REBLOG_UNDO) | EVENT_BIT(EV_FOLLOW) | EVENT_BIT(EV_UNFOLLOW) |         \
	 EVENT_BIT(EV_FOLLOW_REQUEST) | EVENT_BIT(EV_REQUEST_ANSWERED) |                      \
	 EVENT_BIT(EV_FOLLOWER_REMOVED) | EVENT_BIT(EV_BLOCK) | EVENT_BIT(EV_UNBLOCK) |     \
	 EVENT_BIT(EV_REQUEST_WITHDRAWN) | EVENT_BIT(EV_POLL_VOTE))

/* An incremental update of the seam (updates[] in core/events.c) for
 * EV_ACCOUNT_DELETED: in the tombstone's transaction, while its followers
 * are still in the store, queues the Delete of the actor to its
 * followers' servers and then to every other known server (Mastodon's
 * DeleteAccountService#delete_actor!: followers' inboxes first, then
 * Account.inboxes). Nothing when the account has no key: no server ever
 * verified anything of it. The key stays usable for these deliveries
 * (store/deliver.h: dropped after the last one): signatures cover the
 * Date and a receiver accepts about an hour, while retries run for days,
 * so the POSTs cannot be signed ahead. */
enum rc outbox_account_deleted(struct core *c, struct db *db, struct event *ev);

/* In the transaction on db that suspends (suspended) or unsuspends local
 * account account_id: an Update of its actor, in the form served while
 * it is suspended (federation/actor.h) or again in full, to its
 * followers' servers, as Mastodon's SuspendAccountService and
 * UnsuspendAccountService do (its Delete comes only when the account's
 * data is deleted). Nothing for a remote account or one with no key. */
enum rc outbox_actor_update(struct core *c, struct db *db, int64_t account_id, bool suspended);

/* The authority (host[:port], lower case) of an http(s) URL into out;
 * false if url is not one. */
bool outbox_url_host(const char *url, char *out, size_t cap);

#endif
