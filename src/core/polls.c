/* polls.c - polls: rules, votes and endings (see polls.h). */
#include "core/polls.h"
#include "core/events.h"
#include "core/statuses.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/social.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Voters told of an ended poll per transaction. */
#define POLL_NOTIFY_SLICE 256

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

static enum rc check_options(struct core *c, const struct new_poll *np)
{
	for (int i = 0; i < np->noptions; i++) {
		const char *o = np->options[i];
		long len = o ? text_length(o) : -1;
		if (!o || len < 0 || blank(o))
			return core_fail(c, RC_INVALID, "poll",
					 "Validation failed: Poll options can't be blank");
		if (len > c->cfg->poll_max_chars)
			return core_fail(c, RC_INVALID, "poll",
					 "Validation failed: Poll options must be at most %d "
					 "characters each",
					 c->cfg->poll_max_chars);
		for (int j = 0; j < i; j++)
			if (!strcmp(np->options[j], o))
				return core_fail(c, RC_INVALID, "poll",
						 "Validation failed: Poll options must be unique");
	}
	return RC_OK;
}

enum rc poll_check(struct core *c, const struct new_poll *np)
{
	const struct config *cfg = c->cfg;
	if (np->noptions < 2)
		return core_fail(c, RC_INVALID, "poll",
				 "Validation failed: Poll must have at least 2 options");
	if (np->noptions > cfg->poll_max_options || np->noptions > POLL_OPTIONS_MAX)
		return core_fail(c, RC_INVALID, "poll",
				 "Validation failed: Poll can't have more than %d options",
				 cfg->poll_max_options);
	if (np->expires_in < cfg->poll_min_expiry)
		return core_fail(c, RC_INVALID, "poll",
				 "Validation failed: Poll expiration date is too close (at least "
				 "%d seconds)",
				 cfg->poll_min_expiry);
	if (np->expires_in > cfg->poll_max_expiry)
		return core_fail(c, RC_INVALID, "poll",
				 "Validation failed: Poll expiration date is too far in the future "
				 "(at most %d seconds)",
				 cfg->poll_max_expiry);
	return check_options(c, np);
}

static void poll_of(struct poll *p, int64_t id, int64_t status_id, int64_t author,
		    const struct new_poll *np, int64_t now)
{
	memset(p, 0, sizeof *p);
	p->id = id;
	p->status_id = status_id;
	p->account_id = author;
	p->multiple = np->multiple;
	p->hide_totals = np->hide_totals;
	p->created_at = now;
	p->expires_at = now + np->expires_in * 1000;
	p->noptions = np->noptions;
	for (int i = 0; i < np->noptions; i++)
		p->titles[i] = np->options[i];
}

enum store_rc poll_attach(struct db *db, int64_t status_id, int64_t author,
			  const struct new_poll *np, int64_t now)
{
	struct poll p;
	poll_of(&p, id_new(), status_id, author, np, now);
	return store_poll_insert(db, &p);
}

static bool same_options(const struct poll *p, const struct new_poll *np)
{
	if (p->noptions != np->noptions || p->multiple != np->multiple)
		return false;
	for (int i = 0; i < p->noptions; i++)
		if (strcmp(p->titles[i], np->options[i]))
			return false;
	return true;
}

enum store_rc poll_edit(struct core *c, struct db *db, int64_t status_id, int64_t author,
			const struct new_poll *np, int64_t now)
{
	struct poll old;
	enum store_rc st = store_poll_get(db, c->arena, status_id, true, 0, &old);
	if (st == ST_NOT_FOUND)
		return np ? poll_attach(db, status_id, author, np, now) : ST_OK;
	if (st != ST_OK)
		return st;
	if (np && same_options(&old, np)) /* the same question: the votes stay */
		return store_poll_update(db, old.id, now + np->expires_in * 1000, np->hide_totals);
	st = store_poll_delete(db, status_id);
	if (st != ST_OK || !np)
		return st;
	struct poll p;
	poll_of(&p, old.id, status_id, author, np, now);
	return store_poll_insert(db, &p);
}

enum store_rc poll_titles(struct core *c, struct db *db, int64_t status_id, const char **out)
{
	struct poll p;
	*out = "";
	enum store_rc st = store_poll_get(db, c->arena, status_id, true, 0, &p);
	if (st != ST_OK)
		return st == ST_NOT_FOUND ? ST_OK : st;
	json_t *arr = json_array();
	for (int i = 0; i < p.noptions; i++)
		json_array_append_new(arr, json_string(p.titles[i]));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	if (s)
		*out = arena_strdup(c->arena, s);
	free(s);
	return s ? ST_OK : ST_ERROR;
}

bool poll_expired(const struct poll *p)
{
	return now_ms() >= p->expires_at;
}

enum rc poll_get(struct core *c, int64_t viewer, int64_t id, struct poll *out)
{
	enum store_rc st = store_poll_get(c->db, c->arena, id, false, viewer, out);
	if (st != ST_OK)
		return core_store_fail(c, st);
	struct status s;
	return status_load(c, viewer, out->status_id, &s);
}

/* The choices as a bit set, checked against p. */
static enum rc choice_set(struct core *c, const struct poll *p, const int64_t *choices, int n,
			  uint64_t *set)
{
	*set = 0;
	if (n < 1)
		return core_fail(c, RC_INVALID, "choices",
				 "Validation failed: Choices can't be empty");
	if (n > 1 && !p->multiple)
		return core_fail(c, RC_INVALID, "choices",
				 "Validation failed: This poll accepts one choice only");
	for (int i = 0; i < n; i++) {
		if (choices[i] < 0 || choices[i] >= p->noptions)
			return core_fail(c, RC_INVALID, "choices",
					 "Validation failed: Choice %lld is not an option of this "
					 "poll",
					 (long long)choices[i]);
		uint64_t bit = UINT64_C(1) << choices[i];
		if (*set & bit)
			return core_fail(c, RC_INVALID, "choices",
					 "Validation failed: Choice %lld is given twice",
					 (long long)choices[i]);
		*set |= bit;
	}
	return RC_OK;
}

struct vote_tx {
	struct core *c;
	int64_t viewer, id;
	const int64_t *choices;
	int n;
	struct poll *out;
};

/* The poll is read again in the transaction that records the vote: an
 * edit that changed its options meanwhile is seen. */
static enum store_rc vote_fn(struct db *db, void *arg)
{
	struct vote_tx *x = arg;
	struct core *c = x->c;
	struct poll *p = x->out;
	uint64_t set;
	enum store_rc st = store_poll_get(db, c->arena, x->id, false, x->viewer, p);
	if (st != ST_OK)
		return st;
	if (poll_expired(p)) {
		core_fail(c, RC_INVALID, "choices", "Validation failed: The poll has already ended");
		return ST_ERROR;
	}
	if (choice_set(c, p, x->choices, x->n, &set))
		return ST_ERROR;
	st = store_poll_vote(db, p->id, x->viewer, set, x->n, now_ms());
	if (st == ST_CONFLICT) {
		core_fail(c, RC_INVALID, "choices",
			  "Validation failed: You have already voted on this poll");
		return ST_ERROR;
	}
	/* federation sends a vote on another server's poll there, one
	 * choice per event (Mastodon sends a Note per choice) */
	for (int i = 0; st == ST_OK && i < p->noptions; i++)
		if ((set & (UINT64_C(1) << i)) && events_act(c, db, EV_POLL_VOTE, x->viewer,
							    p->account_id, p->status_id, i, 0))
			return ST_ERROR;
	return st;
}

enum rc poll_vote(struct core *c, int64_t viewer, int64_t id, const int64_t *choices, int n,
		  struct poll *out)
{
	/* Who may see the status cannot change its visibility (an edit keeps
	 * it); it is checked first, on the request's connection. */
	if (poll_get(c, viewer, id, out))
		return c->err.rc;
	struct vote_tx x = {c, viewer, id, choices, n, out};
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, vote_fn, &x);
	if (st != ST_OK)
		return c->err.rc ? c->err.rc : core_store_fail(c, st);
	return poll_get(c, viewer, id, out);
}

struct remote_set_tx {
	struct core *c;
	const struct poll *p;
};

static enum store_rc remote_set_fn(struct db *db, void *arg)
{
	struct remote_set_tx *x = arg;
	return store_poll_remote_set(db, x->c->arena, x->p);
}

enum rc poll_remote_set(struct core *c, const struct poll *p)
{
	struct remote_set_tx x = {c, p};
	enum store_rc st = store_tx(c->db, remote_set_fn, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct remote_vote_tx {
	struct core *c;
	int64_t voter, status_id;
	const char *name;
};

/* The poll is read in the vote's transaction, as for a local vote. */
static enum store_rc remote_vote_fn(struct db *db, void *arg)
{
	struct remote_vote_tx *x = arg;
	struct poll p;
	enum store_rc st = store_poll_get(db, x->c->arena, x->status_id, true, 0, &p);
	if (st != ST_OK || poll_expired(&p))
		return st == ST_NOT_FOUND ? ST_OK : st;
	for (int i = 0; i < p.noptions; i++)
		if (!strcmp(p.titles[i], x->name)) {
			st = store_poll_vote_one(db, &p, x->voter, i, now_ms());
			return st == ST_CONFLICT ? ST_OK : st;
		}
	return ST_OK;
}

enum rc poll_vote_remote(struct core *c, int64_t voter, int64_t status_id, const char *name)
{
	struct remote_vote_tx x = {c, voter, status_id, name};
	enum store_rc st = store_tx(c->db, remote_vote_fn, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc status_extras(struct core *c, int64_t viewer, int64_t status_id, struct poll *poll,
		      bool *found_poll, struct preview_card *card, enum card_state *state)
{
	enum store_rc st = store_status_extras(c->db, c->arena, status_id, viewer, poll,
					       found_poll, card, state);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc statuses_extras_present(struct core *c, const int64_t *ids, int n, unsigned *has)
{
	enum store_rc st = store_statuses_extras_present(c->db, ids, n, has);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc poll_of_status(struct core *c, int64_t viewer, int64_t status_id, struct poll *out,
		       bool *found)
{
	enum store_rc st = store_poll_get(c->db, c->arena, status_id, true, viewer, out);
	*found = st == ST_OK;
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : core_store_fail(c, st);
}

/* ---- the end of a poll ---- */

struct end_tx {
	struct core *c;
	bool ran;
};

/* The author's own notification: notify() never tells people of their own
 * acts, but the end of one's poll is news. */
static enum store_rc tell_author(struct core *c, struct db *db, const struct poll *p)
{
	struct account a;
	enum store_rc st = store_account_get(db, c->arena, p->account_id, &a);
	if (st != ST_OK || *a.domain) /* another server's poll: its server tells its author */
		return st == ST_NOT_FOUND ? ST_OK : st;
	struct notification n = {.id = id_new(), .account_id = p->account_id,
				 .from_account_id = p->account_id, .type = "poll",
				 .status_id = p->status_id, .created_at = now_ms()};
	return store_notification_insert(db, &n);
}

static enum store_rc end_fn(struct db *db, void *arg)
{
	struct end_tx *x = arg;
	struct poll p;
	enum store_rc st = store_poll_due(db, x->c->arena, now_ms(), &p);
	x->ran = st == ST_OK;
	if (st != ST_OK)
		return st == ST_NOT_FOUND ? ST_OK : st;
	int64_t ids[POLL_NOTIFY_SLICE];
	int n = 0;
	st = store_poll_voters(db, p.id, p.notified_upto, POLL_NOTIFY_SLICE, ids, &n);
	for (int i = 0; i < n && st == ST_OK; i++)
		if (notify(x->c, db, ids[i], p.account_id, "poll", p.status_id))
			st = ST_ERROR;
	if (st != ST_OK)
		return st;
	if (n == POLL_NOTIFY_SLICE)
		return store_poll_progress(db, p.id, ids[n - 1], false);
	st = tell_author(x->c, db, &p);
	return st == ST_OK ? store_poll_progress(db, p.id, p.notified_upto, true) : st;
}

int polls_end_step(struct core *c)
{
	struct end_tx x = {c, false};
	if (store_tx(c->db, end_fn, &x) != ST_OK)
		return -1;
	return x.ran;
}
