/* inbox_actor.c - what a remote actor does to its own account: Move
 * (Mastodon's app/lib/activitypub/activity/move.rb and MoveWorker). */
#include "core/relationships.h"
#include "federation/inbox_internal.h"
#include "federation/remote.h"
#include "store/federation.h"
#include "util/log.h"
#include "util/util.h"

#include <string.h>

/* Local followers moved per Move; a larger following is moved by the
 * next Move the sender repeats (Mastodon's worker also works in batches). */
#define MOVE_FOLLOWERS_MAX 1000
/* Mastodon ignores a Move of an account that moved less than this ago
 * (ActivityPub::Activity::Move::PROCESSING_COOLDOWN, 7 days). */
#define MOVE_COOLDOWN_MS (7 * 86400 * 1000LL)

/* Whether the actor document doc names uri among its alsoKnownAs. */
static bool also_known_as(const json_t *doc, const char *uri)
{
	const json_t *aka = json_object_get(doc, "alsoKnownAs"), *v;
	size_t i;
	if (json_is_string(aka))
		return !strcmp(json_string_value(aka), uri);
	json_array_foreach(json_is_array(aka) ? aka : NULL, i, v)
	{
		if (i >= 256)
			break;
		if (json_is_string(v) && !strcmp(json_string_value(v), uri))
			return true;
	}
	return false;
}

/* The target of a Move, fetched afresh (its alsoKnownAs may have just
 * been set) and stored; *ok false when it does not name the actor. */
static enum ap_rc move_target(struct inbox_ctx *x, const char *uri, struct account *t, bool *ok)
{
	json_t *doc;
	struct remote_actor ra;
	*ok = false;
	enum remote_rc rc = remote_fetch(x->c, uri, &doc);
	if (rc == REMOTE_OK && also_known_as(doc, x->actor.uri)) {
		rc = remote_actor_store(x->c, doc, t, &ra);
		*ok = rc == REMOTE_OK;
	}
	json_decref(doc);
	return rc == REMOTE_ERROR ? AP_ERROR : rc == REMOTE_FAILED ? AP_UNAVAILABLE : AP_OK;
}

/* Each local follower of the actor follows t instead; one who may not
 * (t blocks them, or they block t) keeps the old follow. */
static enum ap_rc move_followers(struct inbox_ctx *x, int64_t target)
{
	struct core *c = x->c;
	int64_t *ids = arena_alloc(c->arena, MOVE_FOLLOWERS_MAX * sizeof *ids);
	int n;
	if (store_followers_on(c->db, x->actor.id, "", MOVE_FOLLOWERS_MAX, ids, &n) != ST_OK)
		return AP_ERROR;
	for (int i = 0; i < n; i++) {
		struct follow_options o = {-1, -1};
		enum rc rc = rel_follow(c, ids[i], target, &o);
		if (rc == RC_OK)
			rc = rel_unfollow(c, ids[i], x->actor.id);
		if (rc == RC_INTERNAL || rc == RC_UNAVAILABLE)
			return AP_ERROR;
	}
	return AP_OK;
}

/* Whether a Move of the actor to target comes within the cooldown of its
 * last one: ignored then, unless it names the same target (a repeat
 * moves the followers the first one left). */
static enum ap_rc move_cooling(struct inbox_ctx *x, const char *target, bool *cooling)
{
	struct core *c = x->c;
	struct account t;
	int64_t to, at;
	*cooling = false;
	enum store_rc st = store_account_move_get(c->db, x->actor.id, &to, &at);
	if (st != ST_OK)
		return AP_ERROR;
	if (!at || now_ms() - at >= MOVE_COOLDOWN_MS)
		return AP_OK;
	st = store_account_by_uri(c->db, c->arena, target, &t);
	if (st == ST_ERROR)
		return AP_ERROR;
	*cooling = st != ST_OK || t.id != to;
	return AP_OK;
}

struct moved_tx {
	int64_t id, target;
};

static enum store_rc moved_fn(struct db *db, void *arg)
{
	struct moved_tx *m = arg;
	return store_account_moved(db, m->id, m->target, now_ms());
}

enum ap_rc inbox_move(struct inbox_ctx *x)
{
	const char *obj = inbox_id_of(json_object_get(x->act, "object"));
	const char *target = inbox_id_of(json_object_get(x->act, "target"));
	struct account t;
	bool ok, cooling;
	if (!obj || strcmp(obj, x->actor.uri))
		return AP_FORBIDDEN; /* only an actor moves itself */
	if (!target || !strcmp(target, x->actor.uri))
		return AP_INVALID;
	if (str_has_prefix(target, x->c->cfg->base_url))
		return AP_OK; /* local accounts carry no alsoKnownAs here */
	enum ap_rc rc = move_cooling(x, target, &cooling);
	if (rc || cooling) {
		if (cooling)
			log_info("inbox: Move of %s ignored: it moved less than 7 days ago",
				 x->actor.uri);
		return rc;
	}
	rc = move_target(x, target, &t, &ok);
	if (rc || !ok)
		return rc;
	if ((rc = move_followers(x, t.id)))
		return rc;
	struct moved_tx m = {x->actor.id, t.id};
	return store_tx(x->c->db, moved_fn, &m) == ST_OK ? AP_OK : AP_ERROR;
}

static enum store_rc marked_fn(struct db *db, void *arg)
{
	struct moved_tx *m = arg;
	return store_account_moved(db, m->id, m->target, 0);
}

enum ap_rc inbox_moved_to(struct inbox_ctx *x, const json_t *doc)
{
	struct core *c = x->c;
	const char *target = inbox_id_of(json_object_get(doc, "movedTo"));
	struct account t;
	int64_t to, at;
	bool ok, cooling;
	if (!target || !strcmp(target, x->actor.uri) || str_has_prefix(target, c->cfg->base_url))
		return AP_OK;
	enum store_rc st = store_account_move_get(c->db, x->actor.id, &to, &at);
	if (st == ST_OK && to)
		st = store_account_by_uri(c->db, c->arena, target, &t);
	if (st == ST_ERROR)
		return AP_ERROR;
	if (to && st == ST_OK && t.id == to)
		return AP_OK; /* marked so already */
	enum ap_rc rc = move_cooling(x, target, &cooling);
	if (rc || cooling)
		return rc;
	if ((rc = move_target(x, target, &t, &ok)) || !ok)
		return rc;
	struct moved_tx m = {x->actor.id, t.id};
	return store_tx(c->db, marked_fn, &m) == ST_OK ? AP_OK : AP_ERROR;
}
