/* scheduled.c - statuses posted at their time (core/scheduled.h). The
 * worker posts each with the idempotency key "scheduled-ID", so a crash
 * between posting it and deleting the row posts it once. */
#include "core/scheduled.h"
#include "util/log.h"
#include "util/util.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static enum rc read_at(struct core *c, const char *at, int64_t *out)
{
	if (!at || !time_parse(at, out))
		return core_fail(c, RC_INVALID, "scheduled_at",
				 "Validation failed: scheduled_at is not a time");
	if (*out < now_ms() + (int64_t)c->cfg->schedule_lead_s * 1000)
		return core_fail(c, RC_INVALID, "scheduled_at",
				 "Validation failed: scheduled_at must be at least %d minutes ahead",
				 (c->cfg->schedule_lead_s + 59) / 60);
	return RC_OK;
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static char *params_json(const struct new_status *in)
{
	json_t *j = json_object();
	json_object_set_new(j, "text", opt_str(in->text));
	json_object_set_new(j, "spoiler_text", opt_str(in->spoiler_text));
	json_object_set_new(j, "language", opt_str(in->language));
	json_object_set_new(j, "visibility", opt_str(in->visibility));
	json_object_set_new(j, "sensitive", in->sensitive < 0 ? json_null()
							       : json_boolean(in->sensitive));
	json_object_set_new(j, "in_reply_to_id", in->in_reply_to_id
							 ? json_integer(in->in_reply_to_id)
							 : json_null());
	json_object_set_new(j, "application_id", json_integer(in->app_id));
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

enum rc scheduled_create(struct core *c, int64_t author, const struct new_status *in,
			 const char *at, struct scheduled_status *out)
{
	struct status *draft;
	int64_t when;
	if (read_at(c, at, &when) || status_draft(c, author, in, &draft))
		return c->err.rc;
	char *params = params_json(in);
	if (!params)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	*out = (struct scheduled_status){id_new(), author, when, arena_strdup(c->arena, params)};
	free(params);
	enum store_rc st = store_scheduled_insert(c->db, out);
	if (st == ST_CONFLICT)
		return core_fail(c, RC_INVALID, "scheduled_at",
				 "Validation failed: at most %d statuses may wait", SCHEDULED_MAX);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc scheduled_get(struct core *c, int64_t viewer, int64_t id, struct scheduled_status *out)
{
	enum store_rc st = store_scheduled_get(c->db, c->arena, viewer, id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc scheduled_list(struct core *c, int64_t viewer, const struct page *pg,
		       struct scheduled_list *out)
{
	enum store_rc st = store_scheduled_page(c->db, c->arena, viewer, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc scheduled_move(struct core *c, int64_t viewer, int64_t id, const char *at,
		       struct scheduled_status *out)
{
	int64_t when;
	if (read_at(c, at, &when))
		return c->err.rc;
	enum store_rc st = store_scheduled_set_time(c->db, viewer, id, when);
	if (st != ST_OK)
		return core_store_fail(c, st);
	return scheduled_get(c, viewer, id, out);
}

enum rc scheduled_delete(struct core *c, int64_t viewer, int64_t id)
{
	enum store_rc st = store_scheduled_delete(c->db, viewer, id);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

static const char *jstr(json_t *j, const char *k)
{
	return json_string_value(json_object_get(j, k));
}

/* Posts s as its author; RC_OK or the rule it broke now. */
static enum rc publish(struct core *c, const struct scheduled_status *s)
{
	json_t *j = json_loads(s->params, 0, NULL);
	if (!j)
		return core_fail(c, RC_INVALID, NULL, "unreadable parameters");
	json_t *sens = json_object_get(j, "sensitive");
	struct new_status in = {
		.text = jstr(j, "text"),
		.spoiler_text = jstr(j, "spoiler_text"),
		.language = jstr(j, "language"),
		.visibility = jstr(j, "visibility"),
		.sensitive = json_is_boolean(sens) ? json_is_true(sens) : -1,
		.in_reply_to_id = json_integer_value(json_object_get(j, "in_reply_to_id")),
		.app_id = json_integer_value(json_object_get(j, "application_id")),
		.idempotency_key = arena_printf(c->arena, "scheduled-%" PRId64, s->id),
	};
	int64_t id;
	enum rc rc = status_create(c, s->account_id, &in, &id);
	json_decref(j);
	return rc;
}

struct claim_tx {
	struct arena *ar;
	int64_t now, until;
	struct scheduled_status *s;
	bool found;
};

static enum store_rc claim_fn(struct db *db, void *arg)
{
	struct claim_tx *x = arg;
	enum store_rc st = store_scheduled_claim(db, x->ar, x->now, x->until, x->s);
	x->found = st == ST_OK;
	return st == ST_NOT_FOUND ? ST_OK : st; /* another process took it first */
}

/* The next due status is claimed for RAPPORT_JOB_LEASE: no other process
 * publishes it meanwhile; if this one dies before deleting it, another
 * takes it when the lease ends, and the idempotency key the status is
 * created with ("scheduled-<id>") makes the second publication answer
 * with the first one's status instead of a copy. */
int scheduled_run(struct core *c)
{
	struct scheduled_status s;
	int64_t now = now_ms();
	bool due = false;
	if (store_scheduled_any_due(c->db, now, &due) != ST_OK)
		return -1;
	if (!due)
		return 0;
	struct claim_tx x = {c->arena, now, now + (int64_t)c->cfg->job_lease_s * 1000, &s, false};
	if (store_tx(c->db, claim_fn, &x) != ST_OK)
		return -1;
	if (!x.found)
		return 0;
	enum rc rc = publish(c, &s);
	if (rc == RC_INTERNAL || rc == RC_UNAVAILABLE)
		return -1;
	if (rc == RC_RATE_LIMITED) { /* its turn comes again when the limit allows */
		int64_t later = now_ms() + (int64_t)(c->err.retry_after > 0 ? c->err.retry_after : 60) * 1000;
		return store_scheduled_set_time(c->db, s.account_id, s.id, later) == ST_ERROR ? -1 : 1;
	}
	if (rc != RC_OK)
		log_warn("scheduled: status %" PRId64 " of account %" PRId64 " dropped: %s", s.id,
			 s.account_id, c->err.msg ? c->err.msg : "refused");
	return store_scheduled_delete(c->db, s.account_id, s.id) == ST_ERROR ? -1 : 1;
}
