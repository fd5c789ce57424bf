/* activity.c - activities of local actors, as Mastodon writes them. */
#include "federation/activity.h"
#include "core/accounts.h"
#include "federation/actor.h"
#include "federation/audience.h"
#include "util/util.h"

#include <string.h>

static const char *iso(struct core *c, int64_t ms)
{
	char *t = arena_alloc(c->arena, 32);
	time_format(ms, t, 32);
	return t;
}

json_t *ap_wrap(const char *type, const char *id, const char *actor, json_t *object)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "@context", AP_CONTEXT, "id", id, "type",
			      type, "actor", actor);
	if (!j) {
		json_decref(object);
		return NULL;
	}
	json_t *ctx = json_object_get(object, "@context");
	if (ctx)
		json_object_set(j, "@context", ctx);
	json_object_del(object, "@context");
	const char *keys[] = {"published", "to", "cc"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		json_t *v = json_object_get(object, keys[i]);
		if (v)
			json_object_set(j, keys[i], v);
	}
	json_object_set_new(j, "object", object);
	return j;
}

json_t *ap_delete(struct core *c, const char *actor, const char *followers,
		  const char *status_uri)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:[s], s:{s:s, s:s, s:s}}", "@context",
			 AP_CONTEXT, "id", arena_printf(c->arena, "%s#delete", status_uri),
			 "type", "Delete", "actor", actor, "to", AS_PUBLIC, "cc", followers,
			 "object", "id", status_uri, "type", "Tombstone", "atomUri", status_uri);
}

json_t *ap_announce(struct core *c, const char *actor, const char *followers,
		    const char *reblog_uri, const char *object_uri, const char *object_author)
{
	json_t *to = NULL, *cc = NULL;
	audience_address(VIS_PUBLIC, followers, NULL, 0, object_author, &to, &cc);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "@context", AP_CONTEXT, "id",
			 arena_printf(c->arena, "%s/activity", reblog_uri), "type", "Announce",
			 "actor", actor, "published", iso(c, now_ms()), "to", to, "cc", cc,
			 "object", object_uri);
}

json_t *ap_simple(struct core *c, const char *type, const char *id, const char *actor,
		  const char *object)
{
	(void)c;
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "@context", AP_CONTEXT, "id", id, "type",
			 type, "actor", actor, "object", object);
}

json_t *ap_undo(struct core *c, const char *actor, json_t *undone)
{
	const char *id = json_string_value(json_object_get(undone, "id"));
	json_t *j = ap_wrap("Undo", arena_printf(c->arena, "%s/undo", id ? id : actor), actor,
			    undone);
	if (j)
		json_object_set_new(j, "@context", json_string(AP_CONTEXT));
	return j;
}

json_t *ap_answer(struct core *c, bool accept, const char *actor, const char *follower,
		  int64_t follower_id)
{
	const char *id = arena_printf(c->arena, "%s#%s/follows/%lld", actor,
				      accept ? "accepts" : "rejects", (long long)follower_id);
	json_t *follow = json_pack("{s:s, s:s, s:s}", "type", "Follow", "actor", follower,
				   "object", actor);
	return follow ? ap_wrap(accept ? "Accept" : "Reject", id, actor, follow) : NULL;
}
