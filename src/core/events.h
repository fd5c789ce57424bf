/* events.h - the event seam: every write emits one typed event from inside
 * its transaction, and everything that must see writes subscribes here
 * instead of patching statuses.c or relationships.c.
 *
 * A write's store_tx callback calls events_emit() (usually through
 * events_status() or events_act()) once, after its own rows are written
 * and before it notifies anyone, on the connection it was handed. The
 * seam then runs, in that transaction and in this order:
 *
 *   1. policy hooks (events.c, `policies[]`): synchronous; each may set
 *      the fate of the event for each addressed account (deliver, hold as
 *      a request, suppress the notification), refuse the whole write with
 *      a rate limit (FATE_LIMIT, retry_after, reason), and attach flags.
 *      notify() (notify.c) asks events_fate() before it makes a
 *      notification, so a hook decides without the writer knowing it.
 *   2. incremental updates (events.c, `updates[]`): the per-account
 *      figures that must stay exact (core/social_capital.c), written in
 *      the same transaction so they always equal the rows they count.
 *   3. the outbox: one row in `events` (store/events.h), so the background
 *      worker (core/jobs.c, events_drain) sees exactly the writes that
 *      committed, in order, after they committed. `drains[]` are its
 *      subscribers: card snapshots, the detectors' prunes, the contact
 *      rows of favourites and boosts (pair data, not a per-account
 *      figure: core/connections.h), federation delivery.
 *
 * Fail closed: a hook or update that fails (returns an rc other than
 * RC_OK, having filled c->err) fails events_emit, the callback returns an
 * error and the whole write is rolled back; the request gets that error.
 *
 * To subscribe: add one entry to the right table in events.c with the
 * mask of the types it wants (EVENT_BIT(EV_REPLY) | ...). A hook gets the
 * event with its recipients and may change `fate`, the recipients' fates,
 * `flags`, `retry_after` and `reason`; updates and drains only read it.
 * Hooks must use only the connection they are handed. */
#ifndef RAPPORT_EVENTS_H
#define RAPPORT_EVENTS_H

#include "core/core.h"
#include "store/store.h"

/* The types, and what each event's fields hold (0 when not said):
 *                      actor      target                 status_id          object_id
 *  EV_POST             author     -                      the status         parent (self-reply)
 *  EV_REPLY            author     the parent's author    the status         the parent
 *  EV_MENTION          author     -                      the status         -
 *  EV_DIRECT           author     parent's author        the status         the parent
 *  EV_STATUS_EDITED    author     -                      the status         -
 *  EV_STATUS_DELETED   author     parent's author        the status         the parent
 *  EV_FAVOURITE(_UNDO) favouriter the status's author    the status         -
 *  EV_REBLOG(_UNDO)    reblogger  the status's author    the original       the reblog
 *  EV_FOLLOW           follower   followed               -                  -
 *  EV_UNFOLLOW         follower   no longer followed     -                  -  (since: the follow's time)
 *  EV_FOLLOW_REQUEST   requester  the locked account     -                  -
 *  EV_REQUEST_ANSWERED who answered  the requester       -                  1 accepted, 0 not
 *  EV_FOLLOWER_REMOVED who removed  the ex-follower      -                  -
 *  EV_BLOCK, EV_UNBLOCK, EV_MUTE, EV_UNMUTE: actor acts on target
 *      (EV_UNBLOCK's since: the block's time).
 *  EV_REQUEST_WITHDRAWN requester  the account asked      -                  -
 *      (since: the request's time)
 *  EV_ACCOUNT_DELETED  the account  -                    -                  -
 *      (core/lifecycle.c) emitted with its tombstone, while its followers
 *      and statuses are still in the store: federation queues the
 *      Delete of the actor to its followers' and every known server in
 *      that transaction (an update, federation/outbox.h), since the
 *      purge that follows removes the follows before a drain would run.
 *  EV_POLL_VOTE        voter      the poll's author      the poll's status  the option's index
 *      (core/polls.c) one per option chosen.
 * A new status is one event, the most specific that fits: EV_DIRECT (a
 * direct message), else EV_REPLY (a reply to someone else), else
 * EV_MENTION (it mentions someone else), else EV_POST. Its recipients are
 * the accounts it addresses: the mentioned, and the parent's author. An
 * edit's recipients are the newly mentioned; a deletion's, those the
 * status addressed. Interactions and relationship events have the target
 * as their one recipient. A write that changes nothing (a second
 * favourite, unfollowing someone not followed) emits nothing; withdrawing
 * a pending follow request (unfollow) is EV_REQUEST_WITHDRAWN, not an
 * unfollow (federation tells the other server; nothing else counts it). */
enum event_type {
	EV_POST = 0,
	EV_REPLY,
	EV_MENTION,
	EV_DIRECT,
	EV_STATUS_EDITED,
	EV_STATUS_DELETED,
	EV_FAVOURITE,
	EV_FAVOURITE_UNDO,
	EV_REBLOG,
	EV_REBLOG_UNDO,
	EV_FOLLOW,
	EV_UNFOLLOW,
	EV_FOLLOW_REQUEST,
	EV_REQUEST_ANSWERED,
	EV_FOLLOWER_REMOVED,
	EV_BLOCK,
	EV_UNBLOCK,
	EV_MUTE,
	EV_UNMUTE,
	EV_REQUEST_WITHDRAWN,
	EV_ACCOUNT_DELETED,
	EV_POLL_VOTE,
	EV_TYPES
};

#define EVENT_BIT(t) (1u << (t))
/* The types that make a status. */
#define EVENT_NEW_STATUS                                                                     \
	(EVENT_BIT(EV_POST) | EVENT_BIT(EV_REPLY) | EVENT_BIT(EV_MENTION) | EVENT_BIT(EV_DIRECT))
#define EVENT_ALL ((1u << EV_TYPES) - 1)

/* What becomes of the notifications an event would make. */
enum event_fate {
	FATE_DELIVER = 0, /* notify as usual */
	FATE_HOLD,        /* no notification: a hook keeps it as a request */
	FATE_SUPPRESS,    /* no notification at all */
	FATE_LIMIT,       /* the write is refused: 429 with retry_after */
};

/* Flags hooks attach; stored with the outbox row. */
#define EVENT_FLAG_AUTOMATED (1u << 0) /* sent by a program, not typed by a person */
#define EVENT_FLAG_TEMPLATED (1u << 1) /* the same text sent to many */
#define EVENT_FLAG_SHOUTING (1u << 2)  /* mostly capitals */
#define EVENT_FLAG_SATURATED (1u << 3) /* one of too many posts with no conversation */

#define EVENT_MAX_RECIPIENTS 51 /* TEXT_MAX_MENTIONS and the parent's author */

struct event_recipient {
	int64_t account_id;
	enum event_fate fate; /* FATE_DELIVER unless a hook decided otherwise */
};

struct event {
	enum event_type type;
	int64_t id;         /* the outbox row's id (a snowflake) */
	int64_t at;         /* ms */
	int64_t actor, target, status_id, object_id; /* see the table above */
	int64_t thread_id;  /* status events: the status's thread */
	int visibility;     /* status events: enum visibility */
	int64_t since;      /* undo events: when the undone act was made (ms), 0 if unknown */
	/* Status events: the status as written (or as it was, deleted), with
	 * its text for detectors; NULL otherwise. */
	const struct status *status;
	int nrecipients;
	struct event_recipient rcpt[EVENT_MAX_RECIPIENTS];
	enum event_fate fate; /* for notifications to anyone not among rcpt
			       * (followers' "status" notifications); FATE_LIMIT
			       * refuses the write */
	uint32_t flags;       /* EVENT_FLAG_* */
	int retry_after;      /* seconds, with FATE_LIMIT */
	const char *reason;   /* why it was limited or held, for the person */
	struct db *db;        /* the transaction it was emitted in */
};

/* Emits ev (type, actor, ... and recipients filled by the caller; id, at
 * and db are set here) in the transaction on db: policies, updates, the
 * outbox row. Sets c->event to ev for notify(). RC_OK, or the rc of the
 * failing hook (FATE_LIMIT: RC_RATE_LIMITED with c->err.retry_after). ev
 * must live until the transaction ends (the caller's arena). */
enum rc events_emit(struct core *c, struct db *db, struct event *ev);

/* A status event: EV_STATUS_EDITED, EV_STATUS_DELETED, or EV_POST for a
 * new status (the type is then chosen as described above). For a new or
 * deleted status the recipients are read from s->mentions and
 * s->in_reply_to_account_id; for an edit, pass the newly mentioned
 * accounts (n of them), which are its recipients. */
enum rc events_status(struct core *c, struct db *db, enum event_type type,
		      const struct status *s, const int64_t *mentioned, int n);
/* The event events_status would emit (type, fields, recipients), made
 * in c->arena but not emitted: the composer's preview reads it. */
struct event *events_status_event(struct core *c, enum event_type type, const struct status *s,
				  const int64_t *mentioned, int n);
/* Any other event: actor acts on target (its one recipient, if not 0),
 * about status_id / object_id; since for undo events. */
enum rc events_act(struct core *c, struct db *db, enum event_type type, int64_t actor,
		   int64_t target, int64_t status_id, int64_t object_id, int64_t since);

/* The fate of a notification to recipient from the event being written on
 * db (c->event): the recipient's own fate if the event addressed it, the
 * event's fate otherwise; FATE_DELIVER when no event of this transaction
 * is known. */
enum event_fate events_fate(const struct core *c, struct db *db, int64_t recipient);

/* The worker's step (core/jobs.c): runs the oldest outbox rows (up to
 * EVENTS_BATCH) through drains[] (see struct event_drain) and deletes
 * them. Drained events have no `status` and every recipient's fate is
 * FATE_DELIVER (the row keeps the event's own fate and flags). A batch
 * smaller than EVENTS_BATCH waits until EVENTS_DRAIN_MS have passed since
 * the last one (unless now), so a stream of writes is drained in a few
 * transactions a second, not one per write. 1 when it drained some, 0 when there was
 * nothing (yet) to drain, -1 on failure: the batch is drained again later,
 * so drains must be idempotent. */
#define EVENTS_BATCH 256
#define EVENTS_DRAIN_MS 200
/* now: drain whatever is there at once (tests, tools). */
int events_drain(struct core *c, bool now);

/* ---- after the commit: publishing (the streaming API) ----
 * A listener sees each event a transaction emitted, and each notification
 * notify() wrote in it, in order, on the writing thread, right after its
 * store_tx committed (store_on_tx_end); nothing of a transaction that
 * rolled back. Events are copies without `status`, `reason` and `db`.
 * Listeners must be quick (queue and return): the writer's caller waits. */
struct event_listener {
	void (*event)(void *arg, const struct event *ev);
	void (*notification)(void *arg, int64_t account_id, int64_t notification_id);
	void *arg;
};
/* Sets the one listener (NULL: none, and nothing is recorded). Call at
 * start, before writes. */
void events_listen(const struct event_listener *l);
/* notify.c: notification id for account_id was written in the write's
 * transaction on db. ST_ERROR if the other processes cannot be told. */
enum store_rc events_notified(struct db *db, int64_t account_id, int64_t notification_id);
/* Another process's event or notification, heard after its commit
 * (store_listen): handed to the listener as this process's own are. */
void events_heard(const char *text);

/* A name for logs and the outbox readers ("reply", "favourite", ...). */
const char *events_name(enum event_type t);

/* For tests and tools: one more policy hook, run after the table's (NULL
 * removes it). The hook must outlive its use. */
struct event_hook;
void events_extra_policy(const struct event_hook *h);

/* A policy hook or incremental update (see the tables in events.c): fn
 * runs for each event of the types it asked for, in the write's
 * transaction on db. */
struct event_hook {
	const char *name;
	uint32_t types; /* EVENT_BIT mask */
	enum rc (*fn)(struct core *c, struct db *db, struct event *ev);
};

/* A subscriber of the worker (`drains[]` in events.c). For each batch of
 * outbox rows: see() for each event of its types and then prepare() once,
 * outside any transaction (read and compute what the batch needs, on db);
 * then write() in the one transaction that also deletes the batch, so its
 * results are kept exactly when the batch is gone; then done() after that
 * commit (e.g. drop what memory caches hold). Any of them may be NULL;
 * a failure leaves the batch to be drained again. */
struct event_drain {
	const char *name;
	uint32_t types;
	enum rc (*see)(struct core *c, struct db *db, const struct event *ev);
	enum rc (*prepare)(struct core *c, struct db *db);
	enum store_rc (*write)(struct core *c, struct db *db);
	void (*done)(void);
};

#endif
