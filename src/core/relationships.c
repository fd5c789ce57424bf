/* relationships.c - follows, follow requests, blocks, mutes and notes;
 * the notifications and read markers they shape. */
#include "core/relationships.h"
#include "core/events.h"
#include "core/statuses.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/rel.h"
#include "store/social.h"
#include "store/statuses.h"
#include "util/util.h"

#include <ctype.h>
#include <string.h>

/* The state of one relationship write, handed to store_tx. */
struct rel_tx {
	struct core *c;
	int64_t viewer, target;
	const struct follow_options *o;
	bool accept;
	bool mute_notifications;
	int64_t mute_expires;
	enum rc rc; /* set when a core call (notify, an event's hook) failed inside */
};

static enum store_rc tx_fail(struct rel_tx *x)
{
	x->rc = x->c->err.rc;
	return ST_ERROR;
}

/* The result of a transaction: the core error recorded inside it, or the
 * store's. */
static enum rc tx_result(struct core *c, struct rel_tx *x, enum store_rc st)
{
	if (st == ST_OK)
		return RC_OK;
	return x->rc ? x->rc : core_store_fail(c, st);
}

/* Loads target, which must exist and not be viewer. */
static enum rc other_account(struct core *c, int64_t viewer, int64_t target, struct account *a)
{
	enum store_rc st = store_account_get(c->db, c->arena, target, a);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (target == viewer)
		return core_fail(c, RC_FORBIDDEN, NULL, "This action is not allowed");
	return RC_OK;
}

/* Deletes a's pending request to follow t, and the notification it made. */
static enum store_rc drop_request(struct db *db, int64_t a, int64_t t)
{
	enum store_rc st = store_request_delete(db, a, t);
	if (st == ST_NOT_FOUND)
		return ST_OK;
	if (st == ST_OK)
		st = store_notification_retract(db, t, a, "follow_request", 0);
	return st;
}

/* follower now follows target (ST_OK, *added) or already did (its options
 * updated). A new follow fills follower's home feed and ends any request. */
static enum store_rc start_follow(struct db *db, int64_t follower, int64_t target, int reblogs,
				  int notify_on, bool *added)
{
	*added = false;
	enum store_rc st = store_follow_put(db, follower, target, reblogs, notify_on);
	if (st == ST_CONFLICT)
		return ST_OK;
	if (st != ST_OK)
		return st;
	*added = true;
	st = store_feed_backfill(db, follower, target, reblogs != 0, FOLLOW_BACKFILL);
	if (st == ST_OK)
		st = drop_request(db, follower, target);
	return st;
}

/* Ends a's follow of t: counts, t's statuses out of a's home feed, the
 * follow notification withdrawn. With requests, a pending request goes too.
 * *ended (if not NULL) tells whether a follow ended. */
static enum store_rc end_follow(struct db *db, int64_t a, int64_t t, bool requests, bool *ended)
{
	enum store_rc st = store_follow_delete(db, a, t);
	if (ended)
		*ended = st == ST_OK;
	if (st == ST_NOT_FOUND)
		return requests ? drop_request(db, a, t) : ST_OK;
	if (st == ST_OK)
		st = store_feed_remove_author(db, a, t);
	if (st == ST_OK)
		st = store_notification_retract(db, t, a, "follow", 0);
	if (st == ST_OK) /* lists hold only accounts one follows */
		st = store_lists_drop_member(db, a, t);
	return st;
}

/* Emits the event of a relationship write (core/events.h). */
static enum store_rc emit(struct rel_tx *x, struct db *db, enum event_type type, int64_t actor,
			  int64_t target, int64_t object)
{
	return events_act(x->c, db, type, actor, target, 0, object, 0) ? tx_fail(x) : ST_OK;
}

/* ---- follow, unfollow ---- */

/* Read where the follow is written, so a block or a lock made meanwhile
 * wins: whether a block stands between them, and whether the follow must
 * be a request (target locked and not followed yet). A check that fails
 * fails the follow, never lets it through. */
static enum store_rc follow_checks(struct db *db, struct rel_tx *x, bool *blocked, bool *request)
{
	*request = false;
	enum store_rc st = store_blocked_either(db, x->viewer, x->target, blocked);
	if (st != ST_OK || *blocked)
		return st;
	struct account t;
	st = store_account_get(db, x->c->arena, x->target, &t);
	/* a remote account is followed once its server accepts */
	if (st != ST_OK || (!t.locked && !*t.domain))
		return st;
	bool follows;
	st = store_follows(db, x->viewer, x->target, &follows);
	*request = !follows;
	return st;
}

static enum store_rc follow_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	const struct follow_options *o = x->o;
	bool blocked, request;
	enum store_rc st = follow_checks(db, x, &blocked, &request);
	if (st != ST_OK)
		return st;
	if (blocked) {
		core_fail(x->c, RC_FORBIDDEN, NULL, "This action is not allowed");
		return tx_fail(x);
	}
	if (request) {
		st = store_request_put(db, x->viewer, x->target, o->reblogs, o->notify);
		if (st == ST_CONFLICT)
			return ST_OK; /* pending already: its options were updated */
		if (st == ST_OK)
			st = emit(x, db, EV_FOLLOW_REQUEST, x->viewer, x->target, 0);
		if (st == ST_OK && notify(x->c, db, x->target, x->viewer, "follow_request", 0))
			return tx_fail(x);
		return st;
	}
	bool added;
	st = start_follow(db, x->viewer, x->target, o->reblogs, o->notify, &added);
	if (st == ST_OK && added)
		st = emit(x, db, EV_FOLLOW, x->viewer, x->target, 0);
	if (st == ST_OK && added && notify(x->c, db, x->target, x->viewer, "follow", 0))
		return tx_fail(x);
	return st;
}

enum rc rel_follow(struct core *c, int64_t viewer, int64_t target,
		   const struct follow_options *o)
{
	struct account a;
	if (other_account(c, viewer, target, &a))
		return c->err.rc;
	struct rel_tx x = {.c = c, .viewer = viewer, .target = target, .o = o};
	return tx_result(c, &x, store_tx(c->db, follow_fn, &x));
}

static enum store_rc unfollow_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	bool ended;
	int64_t since; /* when the follow began: the event's `since` */
	enum store_rc st = store_follow_since(db, x->viewer, x->target, &since);
	if (st == ST_OK)
		st = end_follow(db, x->viewer, x->target, false, &ended);
	if (st == ST_OK && !ended) { /* a pending request is withdrawn */
		st = store_request_since(db, x->viewer, x->target, &since);
		if (st == ST_OK)
			st = store_request_delete(db, x->viewer, x->target);
		if (st == ST_NOT_FOUND)
			return ST_OK;
		if (st == ST_OK)
			st = store_notification_retract(db, x->target, x->viewer, "follow_request", 0);
		if (st != ST_OK)
			return st;
		enum event_type t = EV_REQUEST_WITHDRAWN;
		return events_act(x->c, db, t, x->viewer, x->target, 0, 0, since) ? tx_fail(x)
										   : ST_OK;
	}
	if (st != ST_OK)
		return st;
	return events_act(x->c, db, EV_UNFOLLOW, x->viewer, x->target, 0, 0, since) ? tx_fail(x)
										   : ST_OK;
}

enum rc rel_unfollow(struct core *c, int64_t viewer, int64_t target)
{
	struct account a;
	if (other_account(c, viewer, target, &a))
		return c->err.rc;
	struct rel_tx x = {.c = c, .viewer = viewer, .target = target};
	return tx_result(c, &x, store_tx(c->db, unfollow_fn, &x));
}

static enum store_rc remove_follower_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	bool ended;
	enum store_rc st = end_follow(db, x->target, x->viewer, false, &ended);
	return st == ST_OK && ended ? emit(x, db, EV_FOLLOWER_REMOVED, x->viewer, x->target, 0)
				    : st;
}

enum rc rel_remove_follower(struct core *c, int64_t viewer, int64_t follower)
{
	struct account a;
	if (other_account(c, viewer, follower, &a))
		return c->err.rc;
	struct rel_tx x = {.c = c, .viewer = viewer, .target = follower};
	return tx_result(c, &x, store_tx(c->db, remove_follower_fn, &x));
}

/* ---- follow requests ---- */

/* x->target asked to follow x->viewer. Authorizing makes the follow with
 * the request's options; the follow_request notification goes either way. */
static enum store_rc answer_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	bool reblogs, notify_on;
	enum store_rc st = store_request_get(db, x->target, x->viewer, &reblogs, &notify_on);
	if (st != ST_OK)
		return st;
	bool added;
	st = x->accept ? start_follow(db, x->target, x->viewer, reblogs, notify_on, &added)
		       : drop_request(db, x->target, x->viewer);
	return st == ST_OK ? emit(x, db, EV_REQUEST_ANSWERED, x->viewer, x->target, x->accept) : st;
}

enum rc rel_answer_request(struct core *c, int64_t viewer, int64_t requester, bool accept)
{
	struct rel_tx x = {.c = c, .viewer = viewer, .target = requester, .accept = accept};
	return tx_result(c, &x, store_tx(c->db, answer_fn, &x));
}

/* ---- blocks, mutes, notes ---- */

static enum store_rc block_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	enum store_rc st = store_block_put(db, x->viewer, x->target, true);
	if (st == ST_CONFLICT)
		st = ST_OK; /* blocked already: make sure nothing is left */
	if (st == ST_OK)
		st = end_follow(db, x->viewer, x->target, true, NULL);
	if (st == ST_OK)
		st = end_follow(db, x->target, x->viewer, true, NULL);
	/* Reblogs and mentions reach a feed without a follow. */
	if (st == ST_OK)
		st = store_feed_remove_author(db, x->viewer, x->target);
	if (st == ST_OK)
		st = store_feed_remove_author(db, x->target, x->viewer);
	return st == ST_OK ? emit(x, db, EV_BLOCK, x->viewer, x->target, 0) : st;
}

/* Unblock, mute and unmute: one row each, and the event. */
static enum store_rc unblock_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	int64_t since; /* when the block was made: the event's `since` */
	enum store_rc st = store_block_since(db, x->viewer, x->target, &since);
	if (st == ST_OK)
		st = store_block_put(db, x->viewer, x->target, false);
	if (st == ST_CONFLICT)
		return ST_OK; /* not blocked: nothing happened */
	if (st != ST_OK)
		return st;
	return events_act(x->c, db, EV_UNBLOCK, x->viewer, x->target, 0, 0, since) ? tx_fail(x)
										     : ST_OK;
}

static enum store_rc mute_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	enum store_rc st = store_mute_put(db, x->viewer, x->target, x->mute_notifications,
					  x->mute_expires);
	return st == ST_OK ? emit(x, db, EV_MUTE, x->viewer, x->target, 0) : st;
}

static enum store_rc unmute_fn(struct db *db, void *arg)
{
	struct rel_tx *x = arg;
	enum store_rc st = store_mute_delete(db, x->viewer, x->target);
	if (st == ST_CONFLICT)
		return ST_OK; /* not muted */
	return st == ST_OK ? emit(x, db, EV_UNMUTE, x->viewer, x->target, 0) : st;
}

enum rc rel_block(struct core *c, int64_t viewer, int64_t target, bool on)
{
	struct account a;
	if (other_account(c, viewer, target, &a))
		return c->err.rc;
	struct rel_tx x = {.c = c, .viewer = viewer, .target = target};
	return tx_result(c, &x, store_tx(c->db, on ? block_fn : unblock_fn, &x));
}

enum rc rel_mute(struct core *c, int64_t viewer, int64_t target, bool notifications,
		 int64_t duration_s)
{
	struct account a;
	if (other_account(c, viewer, target, &a))
		return c->err.rc;
	if (duration_s < 0 || duration_s > MUTE_DURATION_MAX)
		return core_fail(c, RC_INVALID, "duration",
				 "Validation failed: duration must be a number of seconds from 0 "
				 "(forever) to %lld",
				 MUTE_DURATION_MAX);
	struct rel_tx x = {.c = c, .viewer = viewer, .target = target,
			   .mute_notifications = notifications,
			   .mute_expires = duration_s ? now_ms() + duration_s * 1000 : 0};
	return tx_result(c, &x, store_tx(c->db, mute_fn, &x));
}

enum rc rel_unmute(struct core *c, int64_t viewer, int64_t target)
{
	struct account a;
	if (other_account(c, viewer, target, &a))
		return c->err.rc;
	struct rel_tx x = {.c = c, .viewer = viewer, .target = target};
	return tx_result(c, &x, store_tx(c->db, unmute_fn, &x));
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

enum rc rel_note(struct core *c, int64_t viewer, int64_t target, const char *comment)
{
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, target, &a);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (!comment || blank(comment))
		comment = "";
	long n = text_length(comment);
	if (n < 0 || n > NOTE_COMMENT_MAX)
		return core_fail(c, RC_INVALID, "comment",
				 "Validation failed: Comment is too long (maximum is %d "
				 "characters)",
				 NOTE_COMMENT_MAX);
	st = store_note_put(c->db, viewer, target, comment);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc rel_get(struct core *c, int64_t viewer, int64_t target, struct relationship *out)
{
	enum store_rc st = store_relationship(c->db, c->arena, viewer, target, now_ms(), out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc rel_list(struct core *c, int64_t viewer, int64_t target, bool following,
		 const struct page *pg, struct account_list *out)
{
	struct relationship rel = {0};
	enum store_rc st = store_relationship(c->db, c->arena, viewer, target, now_ms(), &rel);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (rel.blocked_by) { /* target keeps its lists from those it blocks */
		out->n = 0;
		return RC_OK;
	}
	st = following ? store_following(c->db, c->arena, viewer, target, pg, out)
		       : store_followers(c->db, c->arena, viewer, target, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc rel_requests(struct core *c, int64_t viewer, const struct page *pg,
		     struct account_list *out)
{
	enum store_rc st = store_follow_requests(c->db, c->arena, viewer, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc rel_blocks(struct core *c, int64_t viewer, const struct page *pg,
		   struct account_list *out)
{
	enum store_rc st = store_blocks(c->db, c->arena, viewer, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc rel_mutes(struct core *c, int64_t viewer, const struct page *pg,
		  struct account_list *out, int64_t **expires)
{
	enum store_rc st = store_mutes(c->db, c->arena, viewer, now_ms(), pg, out, expires);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- notifications ---- */

static const char *const notif_types[] = {
	"mention", "status", "reblog", "follow", "follow_request", "favourite", "poll", "update",
	"admin.sign_up", "admin.report", "severed_relationships", "moderation_warning",
};

/* ",a,b," of the known names among names; "" when names is NULL. */
static const char *type_list(struct core *c, const char *const *names, int n)
{
	if (!names)
		return "";
	const char *out = ",";
	for (size_t k = 0; k < sizeof notif_types / sizeof notif_types[0]; k++)
		for (int i = 0; i < n; i++)
			if (names[i] && !strcmp(names[i], notif_types[k])) {
				out = arena_printf(c->arena, "%s%s,", out, notif_types[k]);
				break;
			}
	return out;
}

void notif_filter(struct core *c, const char *const *types, int ntypes,
		  const char *const *exclude, int nexclude, int64_t from,
		  struct notification_filter *out)
{
	out->types = type_list(c, types, ntypes);
	out->exclude = type_list(c, exclude, nexclude);
	if (!strcmp(out->exclude, ","))
		out->exclude = ""; /* excluding nothing known excludes nothing */
	out->from = from;
}

/* Loads the status of each notification that has one; a status gone since
 * is dropped with its notification. Each status is read once. */
static enum rc load_statuses(struct core *c, struct notification_list *l)
{
	int kept = 0;
	for (int i = 0; i < l->n; i++) {
		struct notification *n = &l->items[i];
		for (int j = 0; j < kept && n->status_id && !n->status; j++)
			if (l->items[j].status_id == n->status_id)
				n->status = l->items[j].status;
		if (n->status_id && !n->status) {
			struct status *s = arena_calloc(c->arena, 1, sizeof *s);
			enum store_rc st = store_status_get(c->db, c->arena, n->status_id, s);
			if (st == ST_NOT_FOUND)
				continue;
			if (st != ST_OK)
				return core_store_fail(c, st);
			n->status = s;
		}
		l->items[kept++] = *n;
	}
	l->n = kept;
	return RC_OK;
}

enum rc notif_list(struct core *c, int64_t viewer, const struct notification_filter *f,
		   const struct page *pg, struct notification_list *out, int *rows)
{
	enum store_rc st = store_notifications(c->db, c->arena, viewer, f, pg, out);
	if (st != ST_OK)
		return core_store_fail(c, st);
	*rows = out->n;
	return load_statuses(c, out);
}

enum rc notif_get(struct core *c, int64_t viewer, int64_t id, struct notification *out)
{
	enum store_rc st = store_notification_get(c->db, c->arena, viewer, id, out);
	if (st != ST_OK)
		return core_store_fail(c, st);
	struct notification_list l = {out, 1};
	if (load_statuses(c, &l))
		return c->err.rc;
	return l.n ? RC_OK : core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
}

enum rc notif_dismiss(struct core *c, int64_t viewer, int64_t id)
{
	enum store_rc st = store_notification_dismiss(c->db, viewer, id);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc notif_clear(struct core *c, int64_t viewer)
{
	enum store_rc st = store_notifications_clear(c->db, viewer);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc notif_unread(struct core *c, int64_t viewer, const struct notification_filter *f,
		     int cap, int64_t *count)
{
	struct marker m = {0};
	enum store_rc st = store_marker_get(c->db, viewer, "notifications", &m);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	st = store_notifications_count(c->db, viewer, f, m.last_read_id, cap, count);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- read markers ---- */

bool marker_timeline_known(const char *timeline)
{
	return timeline && (!strcmp(timeline, "home") || !strcmp(timeline, "notifications"));
}

enum rc marker_get(struct core *c, int64_t viewer, const char *timeline, struct marker *out)
{
	enum store_rc st = store_marker_get(c->db, viewer, timeline, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct markers_tx {
	int64_t viewer;
	const struct marker_update *u;
	const int64_t *ids;
	int n;
};

static enum store_rc markers_fn(struct db *db, void *arg)
{
	struct markers_tx *x = arg;
	int64_t now = now_ms();
	enum store_rc st = ST_OK;
	for (int i = 0; i < x->n && st == ST_OK; i++)
		st = store_marker_put(db, x->viewer, x->u[i].timeline, x->ids[i], now);
	return st;
}

enum rc markers_set(struct core *c, int64_t viewer, const struct marker_update *u, int n)
{
	int64_t *ids = arena_calloc(c->arena, (size_t)n + 1, sizeof *ids);
	for (int i = 0; i < n; i++) {
		const char *field = arena_printf(c->arena, "%s[last_read_id]", u[i].timeline);
		if (!u[i].last_read_id)
			return core_fail(c, RC_BAD_REQUEST, field, "Missing parameter: %s", field);
		if (!id_parse(u[i].last_read_id, &ids[i]))
			return core_fail(c, RC_INVALID, field,
					 "Validation failed: %s must be an id", field);
	}
	struct markers_tx x = {viewer, u, ids, n};
	enum store_rc st = store_tx(c->db, markers_fn, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}
