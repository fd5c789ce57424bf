/* requests.h - message requests (store_requests.c): the notifications a
 * recipient's policy held, one request per recipient and sender, the
 * senders a recipient accepted, and each account's notification policy
 * (migration 10). core/requests.c holds the rules. */
#ifndef RAPPORT_STORE_REQUESTS_H
#define RAPPORT_STORE_REQUESTS_H

#include "store/store.h"

/* A Mastodon 4.3 notification policy: each field one of POLICY_*. */
enum { POLICY_ACCEPT = 0, POLICY_FILTER = 1, POLICY_DROP = 2 };
struct notif_policy {
	int not_following, not_followers, new_accounts, private_mentions, limited_accounts;
};

/* One request: the held notifications of one sender to one recipient. */
struct notif_request {
	int64_t id, account_id, from_account_id;
	int64_t notifications_count, last_status_id; /* of its held notifications */
	int64_t flags;                               /* EVENT_FLAG_* of what it holds */
	int64_t created_at, updated_at;
	struct account from;
};
struct notif_request_list {
	struct notif_request *items;
	int n;
};

/* What the policy needs to know of recipient and sender, read at once. */
struct request_facts {
	bool local;        /* the recipient is a local account */
	bool following;    /* the recipient follows the sender */
	bool follower;     /* the sender follows the recipient */
	bool talked;       /* the recipient replied to or mentioned the sender */
	bool accepted;     /* the recipient accepted the sender's requests */
	bool blocked;      /* a block either way */
	bool muted;        /* the recipient mutes the sender's notifications */
	int64_t sender_created_at;
};
enum store_rc store_notif_facts(struct db *db, int64_t recipient, int64_t sender, int64_t now,
				struct request_facts *out);
/* The author of status id: ST_NOT_FOUND when it is gone. */
enum store_rc store_status_author(struct db *db, int64_t id, int64_t *author);

/* account's policy: ST_NOT_FOUND when it never set one (the defaults). */
enum store_rc store_policy_get(struct db *db, int64_t account_id, struct notif_policy *out);
enum store_rc store_policy_put(struct db *db, int64_t account_id, const struct notif_policy *p,
			       int64_t now);

/* Keeps n (a notification to n->account_id from n->from_account_id) as
 * held, and counts it in their request (made if none), adding flags. */
enum store_rc store_notif_request_hold(struct db *db, const struct notification *n,
				       int64_t flags);
/* After a deletion: recounts the request of recipient from sender from
 * its held notifications, and deletes it when none is left. */
enum store_rc store_notif_request_recount(struct db *db, int64_t recipient, int64_t sender);

/* recipient's requests, newest id first, paged by request id, with the
 * senders' accounts; senders blocked either way are left out. */
enum store_rc store_requests(struct db *db, struct arena *ar, int64_t recipient,
			     const struct page *pg, struct notif_request_list *out);
/* One of recipient's requests, by its id (id != 0) or by its sender:
 * ST_NOT_FOUND if recipient has no such request (or it is across a
 * block). */
enum store_rc store_notif_request_get(struct db *db, struct arena *ar, int64_t recipient,
				      int64_t id, int64_t sender, struct notif_request *out);
/* The direct statuses among the held notifications of recipient from
 * sender, at most max, into ids (allocated in ar). */
enum store_rc store_held_direct(struct db *db, struct arena *ar, int64_t recipient,
				int64_t sender, int max, int64_t **ids, int *n);
/* Ends the request of recipient from sender: with release its held
 * notifications become notifications (their ids kept) and the sender is
 * accepted; without, they are deleted. *moved: how many. */
enum store_rc store_notif_request_end(struct db *db, int64_t recipient, int64_t sender,
				      bool release, int64_t now, int64_t *moved);
/* Requests and held notifications waiting for recipient (blocked senders
 * left out). */
enum store_rc store_requests_summary(struct db *db, int64_t recipient, int64_t *requests,
				     int64_t *notifications);

/* A direct status delivered late (an accepted request): recipient's
 * conversation with participants shows status_id if it is newer than
 * what it shows, then as unread; made if missing. */
enum store_rc store_conversation_deliver(struct db *db, int64_t recipient,
					 const char *participants, int64_t status_id);

#endif
