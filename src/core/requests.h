/* requests.h - message requests (docs/SOCIAL.md, "Message requests").
 *
 * A direct message or mention from an account the recipient neither
 * follows nor has talked with does not notify: a policy hook on the event
 * seam (requests_policy, registered in events.c) sets FATE_HOLD for that
 * recipient and keeps the notification as held, counted in one request per
 * recipient and sender. Accepting a request releases the held
 * notifications (and a held direct message into the recipient's home feed
 * and conversations) and lets the sender through from then on; declining
 * deletes them. The rule is a Mastodon 4.3 notification policy per account
 * (accept, filter or drop for each condition), so Mastodon apps show and
 * change it. */
#ifndef RAPPORT_REQUESTS_H
#define RAPPORT_REQUESTS_H

#include "core/core.h"
#include "core/events.h"
#include "store/requests.h"

/* Accounts younger than this are "new" (for_new_accounts). */
#define REQUESTS_NEW_ACCOUNT_MS (30LL * 24 * 3600 * 1000)
/* Held direct messages delivered by one acceptance, at most. */
#define REQUESTS_RELEASE_MAX 1000

/* The defaults: filter strangers' messages and private mentions (and, as
 * in Mastodon, limited accounts); accept the rest. */
void requests_policy_defaults(struct notif_policy *p);

/* The rule, for one recipient of a message (pure; docs/SOCIAL.md):
 * direct: it is a direct message; automated: a detector flagged it (or
 * an earlier hook held it); own_thread: it replies inside a conversation
 * the recipient started. FATE_DELIVER, FATE_HOLD or FATE_SUPPRESS (the
 * policy says drop). */
enum event_fate requests_decide(const struct notif_policy *p, const struct request_facts *f,
				int64_t now, bool direct, bool automated, bool own_thread);

/* A notification n from a silenced (limited) account to someone who
 * does not follow it and never accepted its requests goes by the
 * recipient's for_limited_accounts: held in their requests (filter, the
 * default), dropped, or delivered (accept). *handled is true when it was
 * held or dropped (the caller writes nothing). notify() asks, for every
 * type of notification. */
enum rc requests_limited(struct core *c, struct db *db, const struct notification *n,
			 bool *handled);

/* Event subscribers (events.c): the policy hook of new statuses and edits,
 * and the update that recounts requests when a held status is deleted. */
enum rc requests_policy(struct core *c, struct db *db, struct event *ev);
enum rc requests_deleted(struct core *c, struct db *db, struct event *ev);

/* The policy's five fields by name, in the order of struct notif_policy. */
#define POLICY_FIELDS 5
extern const char *const requests_policy_fields[POLICY_FIELDS];
/* "accept", "filter", "drop" <-> POLICY_*; -1 for anything else. */
int requests_policy_parse(const char *s);
const char *requests_policy_name(int v);

struct requests_summary {
	int64_t requests, notifications;
};
/* viewer's policy (the defaults if never set) and what waits. */
enum rc requests_policy_get(struct core *c, int64_t viewer, struct notif_policy *out,
			    struct requests_summary *sum);
/* Sets the fields whose value is not NULL (values[i] for
 * requests_policy_fields[i]); an unknown value is RC_INVALID naming its
 * field, and nothing changes. */
enum rc requests_policy_update(struct core *c, int64_t viewer,
			       const char *const values[POLICY_FIELDS]);

/* viewer's requests, a page by request id. */
enum rc requests_list(struct core *c, int64_t viewer, const struct page *pg,
		      struct notif_request_list *out);
/* One of viewer's requests by id, or by sender when id is 0:
 * RC_NOT_FOUND for anyone else's or an unknown one. */
enum rc request_get(struct core *c, int64_t viewer, int64_t id, int64_t sender,
		    struct notif_request *out);
/* Accepts (or declines) viewer's requests named by ids, or by senders
 * when ids is NULL: n of them, in one transaction; if any is not viewer's
 * request, RC_NOT_FOUND and nothing changes. *moved: the notifications
 * released (or deleted), may be NULL. */
enum rc requests_answer(struct core *c, int64_t viewer, const int64_t *ids,
			const int64_t *senders, int n, bool accept, int64_t *moved);

#endif
