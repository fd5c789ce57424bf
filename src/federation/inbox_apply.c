/* inbox_apply.c - what each activity received does, through the core's
 * own writes (see inbox.h). */
#include "core/accounts.h"
#include "core/lifecycle.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "federation/audience.h"
#include "federation/inbox.h"
#include "federation/inbox_internal.h"
#include "federation/remote.h"
#include "store/statuses.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static enum ap_rc from_rc(enum rc rc)
{
	switch (rc) {
	case RC_OK:
	case RC_NOT_FOUND: return AP_OK; /* nothing of ours to act on */
	case RC_FORBIDDEN: return AP_FORBIDDEN;
	case RC_INVALID:
	case RC_BAD_REQUEST: return AP_INVALID;
	case RC_RATE_LIMITED:
	case RC_UNAVAILABLE: return AP_UNAVAILABLE;
	default: return AP_ERROR;
	}
}

bool inbox_local_account(struct core *c, const char *uri, struct account *out)
{
	const char *base = c->cfg->base_url;
	size_t n = strlen(base);
	if (!uri || strncmp(uri, base, n) || strncmp(uri + n, "/users/", 7))
		return false;
	const char *name = uri + n + 7;
	return username_valid(name) && account_lookup(c, name, out) == RC_OK && !*out->domain;
}

/* BASE/users/NAME/statuses/ID: the local status ID, if NAME wrote it. */
static enum ap_rc local_status(struct core *c, const char *uri, int64_t *id)
{
	const char *rest = uri + strlen(c->cfg->base_url) + 7;
	const char *slash = strchr(rest, '/');
	char *end;
	*id = 0;
	if (!slash || strncmp(slash, "/statuses/", 10))
		return AP_OK;
	long long v = strtoll(slash + 10, &end, 10);
	struct status s;
	if (*end || v <= 0 || end == slash + 10)
		return AP_OK;
	/* the core's writes check what the actor may see */
	enum store_rc st = store_status_get(c->db, c->arena, v, &s);
	if (st != ST_OK)
		return st == ST_NOT_FOUND ? AP_OK : AP_ERROR;
	size_t nl = (size_t)(slash - rest);
	if (strlen(s.account.username) == nl && !strncmp(s.account.username, rest, nl) &&
	    s.local && !s.reblog_of_id)
		*id = s.id;
	return AP_OK;
}

enum ap_rc inbox_status_of(struct core *c, const char *uri, int64_t *id)
{
	*id = 0;
	if (!uri)
		return AP_OK;
	size_t n = strlen(c->cfg->base_url);
	if (!strncmp(uri, c->cfg->base_url, n) && !strncmp(uri + n, "/users/", 7))
		return local_status(c, uri, id);
	enum store_rc st = store_status_by_uri(c->db, uri, id);
	return st == ST_OK || st == ST_NOT_FOUND ? AP_OK : AP_ERROR;
}

/* ---- follows ---- */

struct follow_id_tx {
	int64_t account_id, target_id;
	const char *id;
};

static enum store_rc follow_id_fn(struct db *db, void *arg)
{
	struct follow_id_tx *x = arg;
	return store_remote_follow_set(db, x->account_id, x->target_id, x->id);
}

static enum ap_rc follow(struct inbox_ctx *x)
{
	struct core *c = x->c;
	struct account t;
	const char *id = str_of(x->act, "id");
	bool failed = false;
	if (!inbox_local_account(c, inbox_id_of(json_object_get(x->act, "object")), &t))
		return AP_OK;
	if (!id)
		return AP_INVALID; /* the Accept must name it */
	if (inbox_domain_blocked(x, t.id, &failed))
		return failed ? AP_ERROR : AP_OK; /* t blocks the follower's domain */
	struct follow_id_tx fx = {x->actor.id, t.id, id};
	if (store_tx(c->db, follow_id_fn, &fx) != ST_OK)
		return AP_ERROR;
	struct follow_options o = {-1, -1};
	return from_rc(rel_follow(c, x->actor.id, t.id, &o));
}

const char *inbox_follow_id(struct core *c, const char *follower_username, int64_t target_id)
{
	return arena_printf(c->arena, "%s/users/%s#follows/%lld", c->cfg->base_url,
			    follower_username, (long long)target_id);
}

/* The local account whose Follow of x->actor the object of an Accept or
 * Reject is: embedded (its actor local, its object the actor) or named
 * by the id inbox_follow_id gave it. */
static bool followed_by(struct inbox_ctx *x, struct account *local)
{
	const json_t *obj = json_object_get(x->act, "object");
	if (json_is_object(obj)) {
		const char *t = inbox_id_of(json_object_get(obj, "object"));
		return inbox_local_account(x->c, inbox_id_of(json_object_get(obj, "actor")), local) && t &&
		       !strcmp(t, x->actor.uri);
	}
	const char *ref = json_string_value(obj), *hash = ref ? strchr(ref, '#') : NULL;
	if (!hash)
		return false;
	const char *actor = arena_strndup(x->c->arena, ref, (size_t)(hash - ref));
	if (!inbox_local_account(x->c, actor, local))
		return false;
	const char *ours = inbox_follow_id(x->c, local->username, x->actor.id);
	size_t n = strlen(ours);
	if (strncmp(ref, ours, n))
		return false;
	/* ours, or ours/TIME as federation/outbox.c sends it */
	const char *time = ref[n] == '/' ? ref + n + 1 : NULL;
	return !ref[n] || (time && *time && strspn(time, "0123456789") == strlen(time));
}

static enum ap_rc answer(struct inbox_ctx *x, bool accept)
{
	struct account local;
	if (!followed_by(x, &local))
		return AP_OK;
	enum rc rc = rel_answer_request(x->c, x->actor.id, local.id, accept);
	if (rc == RC_NOT_FOUND && !accept) /* a follow accepted before, now refused */
		rc = rel_remove_follower(x->c, x->actor.id, local.id);
	return from_rc(rc);
}

/* ---- undo ---- */

static enum ap_rc undo_of(struct inbox_ctx *x, const char *type, const char *object)
{
	struct core *c = x->c;
	struct account t;
	int64_t id;
	if (!strcmp(type, "Follow") || !strcmp(type, "Block")) {
		if (!inbox_local_account(c, object, &t))
			return AP_OK;
		return from_rc(!strcmp(type, "Follow") ? rel_unfollow(c, x->actor.id, t.id)
						       : rel_block(c, x->actor.id, t.id, false));
	}
	if (strcmp(type, "Like") && strcmp(type, "Announce"))
		return AP_OK;
	enum ap_rc rc = inbox_status_of(c, object, &id);
	if (rc || !id)
		return rc;
	return from_rc(!strcmp(type, "Like") ? status_favourite(c, x->actor.id, id, false)
					     : status_reblog(c, x->actor.id, id, false, NULL));
}

/* An Undo naming what it undoes by id alone (Mastodon's handle_reference):
 * the actor's own follow whose Follow had that id, or the actor's own
 * boost whose Announce had it. Anything else, another actor's act
 * included, is not found and changes nothing. Blocks and favourites keep
 * no id of the activity that made them: undone embedded only. */
static enum ap_rc undo_ref(struct inbox_ctx *x, const char *ref)
{
	struct core *c = x->c;
	int64_t target, id;
	struct status s;
	enum store_rc st = store_remote_follow_target(c->db, x->actor.id, ref, &target);
	if (st == ST_OK)
		return from_rc(rel_unfollow(c, x->actor.id, target));
	if (st != ST_NOT_FOUND)
		return AP_ERROR;
	st = store_status_by_uri(c->db, ref, &id);
	if (st == ST_NOT_FOUND)
		return AP_OK;
	if (st != ST_OK || store_status_get(c->db, c->arena, id, &s) != ST_OK)
		return AP_ERROR;
	if (s.account_id != x->actor.id || !s.reblog_of_id)
		return AP_OK;
	return from_rc(status_reblog(c, x->actor.id, s.reblog_of_id, false, NULL));
}

static enum ap_rc undo(struct inbox_ctx *x)
{
	const json_t *obj = json_object_get(x->act, "object");
	const char *type = str_of(obj, "type"), *actor = inbox_id_of(json_object_get(obj, "actor"));
	const char *object = inbox_id_of(json_object_get(obj, "object"));
	if (!type && inbox_id_of(obj))
		return undo_ref(x, inbox_id_of(obj)); /* a reference, not the activity */
	if (!json_is_object(obj))
		return AP_OK;
	if (!type || !object)
		return AP_INVALID;
	if (!actor || strcmp(actor, x->actor.uri))
		return AP_FORBIDDEN;
	return undo_of(x, type, object);
}

/* ---- interactions ---- */

static enum ap_rc like(struct inbox_ctx *x)
{
	int64_t id;
	const char *uri = inbox_id_of(json_object_get(x->act, "object"));
	size_t n = strlen(x->c->cfg->base_url);
	if (!uri || strncmp(uri, x->c->cfg->base_url, n))
		return AP_OK; /* only local statuses count */
	enum ap_rc rc = inbox_status_of(x->c, uri, &id);
	if (rc || !id)
		return rc;
	return from_rc(status_favourite(x->c, x->actor.id, id, true));
}

static enum ap_rc announce(struct inbox_ctx *x)
{
	struct core *c = x->c;
	int64_t id;
	const char *uri = inbox_id_of(json_object_get(x->act, "object"));
	size_t n = strlen(c->cfg->base_url);
	bool local = uri && !strncmp(uri, c->cfg->base_url, n);
	if (!uri || (!local && x->actor.followers_count == 0))
		return AP_OK; /* kept when it boosts ours, or someone here follows the booster */
	enum ap_rc rc = local ? inbox_status_of(c, uri, &id) : inbox_fetch_status(c, uri, 1, &id);
	if (rc || !id)
		return rc;
	struct audience aud;
	audience_read(json_object_get(x->act, "to"), json_object_get(x->act, "cc"), NULL,
		      x->ra.followers, "", &aud);
	static const char *const vis[] = {"public", "unlisted", "private", "private"};
	return from_rc(status_reblog_as(c, x->actor.id, id, vis[aud.visibility], str_of(x->act, "id")));
}

static enum ap_rc block(struct inbox_ctx *x)
{
	struct account t;
	if (!inbox_local_account(x->c, inbox_id_of(json_object_get(x->act, "object")), &t))
		return AP_OK;
	return from_rc(rel_block(x->c, x->actor.id, t.id, true));
}

/* ---- objects ---- */

static enum ap_rc create(struct inbox_ctx *x)
{
	const json_t *obj = json_object_get(x->act, "object");
	int64_t id;
	enum ap_rc rc;
	if (!json_is_object(obj))
		return AP_OK; /* Mastodon embeds the object it creates */
	if (inbox_vote(x, obj, &rc))
		return rc;
	return inbox_create_note(x, obj, true, 0, &id);
}

static enum ap_rc update(struct inbox_ctx *x)
{
	const json_t *obj = json_object_get(x->act, "object");
	const char *id = str_of(obj, "id");
	struct account a;
	struct remote_actor ra;
	if (!json_is_object(obj) || !id)
		return AP_INVALID;
	const char *type = str_of(obj, "type");
	if (type && (!strcmp(type, "Note") || !strcmp(type, "Article") || !strcmp(type, "Page") ||
		     !strcmp(type, "Question")))
		return inbox_update_note(x, obj);
	if (strcmp(id, x->actor.uri))
		return AP_OK; /* not the actor itself: nothing else is updated */
	enum remote_rc rc = remote_actor_store(x->c, obj, &a, &ra);
	if (rc == REMOTE_OK)
		return inbox_moved_to(x, obj);
	return rc == REMOTE_ERROR ? AP_ERROR : AP_INVALID;
}

static enum ap_rc delete(struct inbox_ctx *x)
{
	const char *uri = inbox_id_of(json_object_get(x->act, "object"));
	int64_t id;
	struct status s;
	if (!uri)
		return AP_INVALID;
	if (!strcmp(uri, x->actor.uri)) /* the actor itself: removed with all it made */
		return from_rc(lifecycle_remote_delete(x->c, x->actor.id));
	size_t n = strlen(x->c->cfg->base_url);
	if (!strncmp(uri, x->c->cfg->base_url, n))
		return AP_FORBIDDEN; /* ours */
	enum store_rc st = store_status_by_uri(x->c->db, uri, &id);
	if (st == ST_NOT_FOUND)
		return AP_OK;
	if (st != ST_OK || store_status_get(x->c->db, x->c->arena, id, &s) != ST_OK)
		return AP_ERROR;
	if (s.account_id != x->actor.id)
		return AP_FORBIDDEN;
	return from_rc(status_delete(x->c, x->actor.id, id, &s));
}

enum ap_rc inbox_apply(struct inbox_ctx *x)
{
	static const struct {
		const char *type;
		enum ap_rc (*fn)(struct inbox_ctx *x);
	} table[] = {
		{"Follow", follow}, {"Undo", undo},     {"Create", create}, {"Update", update},
		{"Delete", delete}, {"Announce", announce}, {"Like", like}, {"Block", block},
		{"Move", inbox_move},
	};
	const char *type = str_of(x->act, "type");
	if (!strcmp(type, "Accept") || !strcmp(type, "Reject"))
		return answer(x, !strcmp(type, "Accept"));
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(type, table[i].type))
			return table[i].fn(x);
	return AP_OK;
}

json_t *inbox_follow_answer(struct core *c, int64_t follower, int64_t target, bool accept)
{
	struct account f, t;
	const char *follow_id;
	enum store_rc st = store_remote_follow_get(c->db, c->arena, follower, target, &follow_id);
	if (st != ST_OK) {
		core_store_fail(c, st);
		return NULL;
	}
	if (account_get(c, follower, &f) || account_get(c, target, &t) || !*f.domain || *t.domain)
		return NULL;
	const char *actor = account_uri(c, &t);
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}", "@context",
			 "https://www.w3.org/ns/activitystreams", "id",
			 arena_printf(c->arena, "%s#%s/%lld", actor, accept ? "accepts" : "rejects",
				      (long long)id_new()),
			 "type", accept ? "Accept" : "Reject", "actor", actor, "object", "id",
			 follow_id, "type", "Follow", "actor", f.uri, "object", actor);
}
