/* connections.c - know your connections: the seam's update that keeps how
 * we met, contacts and the waiting inbox's classes, and reading them. */
#include "core/connections.h"
#include "core/classify.h"
#include "core/fingerprint.h"
#include "core/statuses.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/social.h"
#include "util/util.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- the update, in the write's transaction ---- */

/* The class of a status's text (content is HTML); "other" if unreadable. */
static int classify(const struct status *s)
{
	struct cls_result r;
	const char *t = s->content ? s->content : "";
	if (cls_classify(t, strlen(t), FP_HTML, &r))
		return CLS_OTHER;
	return (int)r.kind;
}

/* A new status: each addressed account is in contact with the author and
 * has an item (held if the policy held it) of its class; and the author,
 * writing in the thread, settles what was addressed to it there before. */
static enum store_rc new_status(struct db *db, const struct event *ev)
{
	const struct status *s = ev->status;
	int kind = ev->nrecipients ? classify(s) : CLS_OTHER;
	enum store_rc st = ST_OK;
	for (int i = 0; i < ev->nrecipients && st == ST_OK; i++) {
		const struct event_recipient *r = &ev->rcpt[i];
		st = store_contact_touch(db, s->account_id, r->account_id, s->created_at);
		if (st == ST_OK)
			st = store_waiting_mark(db, r->account_id, s->id, s->account_id,
						s->created_at, s->thread_id, kind,
						r->fate == FATE_HOLD);
	}
	if (st == ST_OK && s->thread_id && s->thread_id != s->id)
		st = store_waiting_settle(db, s->account_id, s->thread_id, s->id, s->created_at);
	return st;
}

/* An edit: the newly mentioned become contacts with items; every account
 * the status addresses (its parent's author and the mentioned) gets the
 * new text's class. */
static enum store_rc edited(struct db *db, const struct event *ev)
{
	const struct status *s = ev->status;
	int kind = classify(s);
	enum store_rc st = ST_OK;
	for (int i = 0; i < ev->nrecipients && st == ST_OK; i++) {
		st = store_contact_touch(db, s->account_id, ev->rcpt[i].account_id, ev->at);
		if (st == ST_OK)
			st = store_waiting_mark(db, ev->rcpt[i].account_id, s->id, s->account_id,
						ev->at, s->thread_id, kind,
						ev->rcpt[i].fate == FATE_HOLD);
	}
	if (st == ST_OK && s->in_reply_to_account_id && s->in_reply_to_account_id != s->account_id)
		st = store_waiting_reclass(db, s->in_reply_to_account_id, s->id, kind);
	json_t *arr = json_loads(s->mentions ? s->mentions : "[]", 0, NULL);
	size_t i;
	json_t *m;
	json_array_foreach(arr, i, m) {
		int64_t id;
		if (st == ST_OK && id_parse(json_string_value(json_object_get(m, "id")), &id))
			st = store_waiting_reclass(db, id, s->id, kind);
	}
	json_decref(arr);
	return st;
}

/* follower now follows target: how they met, unless known already. */
static enum store_rc followed(struct db *db, int64_t follower, int64_t target, int64_t now)
{
	int64_t status_id, at;
	enum store_rc st = store_connection_met(db, follower, target, now - MET_LOOKBACK_MS,
						&status_id, &at);
	if (st == ST_OK)
		st = store_connection_add(db, follower, target, status_id, status_id ? at : now, now);
	return st;
}

static enum store_rc update(struct db *db, const struct event *ev)
{
	enum store_rc st;
	switch (ev->type) {
	case EV_POST:
	case EV_REPLY:
	case EV_MENTION:
	case EV_DIRECT: return new_status(db, ev);
	case EV_STATUS_EDITED: return edited(db, ev);
	case EV_FOLLOW:
		st = followed(db, ev->actor, ev->target, ev->at);
		return st == ST_OK ? store_contact_sync(db, ev->actor, ev->target) : st;
	case EV_REQUEST_ANSWERED: /* actor answered target's request */
		st = ev->object_id ? followed(db, ev->target, ev->actor, ev->at) : ST_OK;
		return st == ST_OK ? store_contact_sync(db, ev->actor, ev->target) : st;
	case EV_UNFOLLOW:
	case EV_FOLLOWER_REMOVED:
	case EV_BLOCK: return store_contact_sync(db, ev->actor, ev->target);
	default: return ST_OK;
	}
}

enum rc connections_update(struct core *c, struct db *db, struct event *ev)
{
	enum store_rc st = update(db, ev);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- favourites and boosts: contacts touched by the drain ---- */

struct gave {
	int64_t from, to, at;
};

/* What the batch under way saw (seen), then the pairs it writes, each once
 * with its latest time (pending). Only the worker drains. */
static struct {
	struct gave *v;
	size_t n, cap;
} seen, pending;

enum rc connections_see(struct core *c, struct db *db, const struct event *ev)
{
	(void)c;
	(void)db;
	if (!ev->target || ev->target == ev->actor)
		return RC_OK;
	if (seen.n == seen.cap) {
		seen.cap = seen.cap ? seen.cap * 2 : 256;
		seen.v = xrealloc(seen.v, seen.cap * sizeof *seen.v);
	}
	seen.v[seen.n++] = (struct gave){ev->actor, ev->target, ev->at};
	return RC_OK;
}

static int cmp_gave(const void *a, const void *b)
{
	const struct gave *x = a, *y = b;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return (x->at > y->at) - (x->at < y->at);
}

/* Each pair once, with its latest time, if both accounts are still there
 * (read here, outside the transaction: an account removed between this
 * read and the write fails the batch on the contacts' reference, and the
 * next try leaves the pair out). */
enum rc connections_prepare(struct core *c, struct db *db)
{
	if (seen.n) /* seen.v is NULL before the first */
		qsort(seen.v, seen.n, sizeof *seen.v, cmp_gave);
	pending.v = arena_calloc(c->arena, seen.n + 1, sizeof *pending.v);
	pending.n = 0;
	enum store_rc st = ST_OK;
	for (size_t i = 0; i < seen.n && st == ST_OK; i++) {
		const struct gave *g = &seen.v[i];
		bool both = false;
		if (i + 1 < seen.n && seen.v[i + 1].from == g->from && seen.v[i + 1].to == g->to)
			continue; /* sorted: the pair's latest comes last */
		st = store_contact_pair_exists(db, g->from, g->to, &both);
		if (both)
			pending.v[pending.n++] = *g;
	}
	seen.n = 0;
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum store_rc connections_write(struct core *c, struct db *db)
{
	(void)c;
	enum store_rc st = ST_OK;
	for (const struct gave *g = pending.v; g < pending.v + pending.n && st == ST_OK; g++)
		st = store_contact_touch(db, g->from, g->to, g->at);
	return st;
}

void connections_written(void)
{
	pending.n = 0;
}

enum rc connections_release(struct core *c, struct db *db, int64_t viewer, int64_t sender)
{
	enum store_rc st = store_waiting_release(db, viewer, sender);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- how we met ---- */

enum rc connection_get(struct core *c, int64_t viewer, int64_t target, struct connection *out,
		       bool *found)
{
	enum store_rc st = store_connection_get(c->db, c->arena, viewer, target, out);
	*found = st == ST_OK;
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : core_store_fail(c, st);
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

struct how_tx {
	struct core *c;
	int64_t viewer, target;
	const char *how;
	enum rc rc; /* a refusal made inside the transaction */
};

/* Read where it is written: a connection to edit, or a follow to make one. */
static enum store_rc set_how_fn(struct db *db, void *arg)
{
	struct how_tx *x = arg;
	struct connection had;
	enum store_rc st = store_connection_get(db, x->c->arena, x->viewer, x->target, &had);
	if (st == ST_NOT_FOUND) {
		bool follows;
		st = store_follows(db, x->viewer, x->target, &follows);
		if (st == ST_OK && !follows) {
			x->rc = core_fail(x->c, RC_NOT_FOUND, NULL,
					  "You have no connection with this account: follow it first");
			return ST_ERROR;
		}
	}
	return st == ST_OK ? store_connection_set_how(db, x->viewer, x->target, x->how, now_ms())
			   : st;
}

enum rc connection_set_how(struct core *c, int64_t viewer, int64_t target, const char *how,
			   struct connection *out)
{
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, target, &a);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (target == viewer)
		return core_fail(c, RC_INVALID, "id", "Validation failed: that is your own account");
	if (!how || blank(how))
		how = "";
	long n = text_length(how);
	if (n < 0 || n > HOW_TEXT_MAX)
		return core_fail(c, RC_INVALID, "how",
				 "Validation failed: how is too long (maximum is %d characters)",
				 HOW_TEXT_MAX);
	struct how_tx x = {c, viewer, target, how, RC_OK};
	st = store_tx(c->db, set_how_fn, &x);
	if (st != ST_OK)
		return x.rc ? x.rc : core_store_fail(c, st);
	bool found;
	return connection_get(c, viewer, target, out, &found);
}

/* ---- reconnect, unknown ---- */

enum rc connections_reconnect(struct core *c, int64_t viewer, int64_t now, int64_t after_at,
			      int64_t after_id, int limit, struct contact_list *out)
{
	enum store_rc st = store_reconnect(c->db, c->arena, viewer, now - RECONNECT_AFTER_MS,
					   after_at, after_id, limit, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

const char *connections_reason(struct core *c, const struct contact_row *row, int64_t now)
{
	if (!row->last_any)
		return "You follow each other and have never replied, mentioned, favourited, boosted "
		       "or written to each other.";
	int64_t days = (now - row->last_any) / (24 * 3600 * 1000LL);
	if (days >= 60)
		return arena_printf(c->arena,
				    "You follow each other and have not talked for %lld months "
				    "(%lld days).",
				    (long long)(days / 30), (long long)days);
	return arena_printf(c->arena, "You follow each other and have not talked for %lld days.",
			    (long long)days);
}

enum rc connections_unknown(struct core *c, int64_t viewer, int64_t max_id, int limit,
			    struct contact_list *out)
{
	enum store_rc st = store_unknown(c->db, c->arena, viewer, max_id, limit, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- waiting ---- */

#define WAITING_KIND_SHIFT 60

int64_t waiting_cursor(int kind, int64_t status_id)
{
	return ((int64_t)kind << WAITING_KIND_SHIFT) | status_id;
}

enum rc connections_waiting(struct core *c, int64_t viewer, int64_t cursor, int limit,
			    int64_t now, struct waiting_list *out)
{
	int kind = CLS_CRITICISM;
	int64_t after = 0;
	if (cursor > 0) {
		kind = (int)(cursor >> WAITING_KIND_SHIFT);
		after = cursor & (((int64_t)1 << WAITING_KIND_SHIFT) - 1);
	}
	struct waiting_row *rows;
	int n;
	enum store_rc st = store_waiting(c->db, c->arena, viewer, kind, after, limit, now, &rows, &n);
	if (st != ST_OK)
		return core_store_fail(c, st);
	out->n = 0;
	out->rows = n;
	out->next = n ? waiting_cursor(rows[n - 1].kind, rows[n - 1].status_id) : 0;
	out->items = arena_calloc(c->arena, (size_t)n + 1, sizeof *out->items);
	for (int i = 0; i < n; i++) {
		struct waiting_item *w = &out->items[out->n];
		enum rc rc = status_load(c, viewer, rows[i].status_id, &w->status);
		if (rc == RC_NOT_FOUND) /* no longer visible to viewer */
			continue;
		if (rc != RC_OK)
			return rc;
		w->kind = rows[i].kind;
		w->waiting_since = rows[i].received_at;
		w->cursor = waiting_cursor(rows[i].kind, rows[i].status_id);
		out->n++;
	}
	c->err.rc = RC_OK;
	return RC_OK;
}
