/* activity.c - activities of local actors, as Mastodon writes them. */
#include "federation/activity.h"
#include "core/accounts.h"
#include "core/media.h"
#include "federation/actor.h"
#include "federation/audience.h"
#include "store/accounts.h"
#include "store/polls.h"
#include "store/statuses.h"
#include "util/util.h"

#include <string.h>

/* The terms Mastodon's Notes use, defined inline (no context is fetched). */
static json_t *note_context(void)
{
	return json_pack("[s, {s:s, s:s, s:s, s:s, s:s, s:s, s:s}]", AP_CONTEXT, "ostatus",
			 "http://ostatus.org#", "atomUri", "ostatus:atomUri", "inReplyToAtomUri",
			 "ostatus:inReplyToAtomUri", "conversation", "ostatus:conversation",
			 "sensitive", "as:sensitive", "toot", "http://joinmastodon.org/ns#",
			 "Hashtag", "as:Hashtag");
}

const char *ap_status_uri(struct core *c, const struct status *s)
{
	if (s->uri && *s->uri)
		return s->uri;
	return arena_printf(c->arena, "%s/users/%s/statuses/%lld", c->cfg->base_url,
			    s->account.username, (long long)s->id);
}

static const char *iso(struct core *c, int64_t ms)
{
	char *t = arena_alloc(c->arena, 32);
	time_format(ms, t, 32);
	return t;
}

/* Mention tags and the mentioned actors' ids (for addressing). */
static enum rc mentions(struct core *c, const struct status *s, json_t *tags, const char ***uris,
			size_t *n)
{
	json_t *arr = json_loads(s->mentions ? s->mentions : "[]", 0, NULL), *m;
	size_t i, cap = json_is_array(arr) ? json_array_size(arr) : 0;
	*uris = arena_calloc(c->arena, cap + 1, sizeof **uris);
	*n = 0;
	enum rc rc = RC_OK;
	json_array_foreach(cap ? arr : NULL, i, m)
	{
		struct account a;
		json_int_t id = 0;
		const char *sid = json_string_value(json_object_get(m, "id"));
		if (sid)
			id = (json_int_t)strtoll(sid, NULL, 10);
		else
			id = json_integer_value(json_object_get(m, "id"));
		enum store_rc st = store_account_get(c->db, c->arena, (int64_t)id, &a);
		if (st == ST_NOT_FOUND)
			continue;
		if (st != ST_OK) {
			rc = RC_INTERNAL;
			break;
		}
		const char *uri = account_uri(c, &a);
		(*uris)[(*n)++] = uri;
		json_array_append_new(
			tags, json_pack("{s:s, s:s, s:s}", "type", "Mention", "href", uri, "name",
					arena_printf(c->arena, "@%s@%s", a.username,
						     *a.domain ? a.domain : c->cfg->domain)));
	}
	json_decref(arr);
	return rc;
}

static void hashtags(struct core *c, const struct status *s, json_t *tags)
{
	json_t *arr = json_loads(s->tags ? s->tags : "[]", 0, NULL), *t;
	size_t i;
	json_array_foreach(json_is_array(arr) ? arr : NULL, i, t)
	{
		const char *name = json_string_value(t);
		if (!name)
			continue;
		json_array_append_new(
			tags, json_pack("{s:s, s:s, s:s}", "type", "Hashtag", "href",
					arena_printf(c->arena, "%s/tags/%s", c->cfg->base_url, name),
					"name", arena_printf(c->arena, "#%s", name)));
	}
	json_decref(arr);
}

/* The id of the status s replies to, or NULL. */
static enum rc parent_uri(struct core *c, const struct status *s, const char **out)
{
	*out = NULL;
	if (!s->in_reply_to_id)
		return RC_OK;
	struct status p;
	enum store_rc st = store_status_get(c->db, c->arena, s->in_reply_to_id, &p);
	if (st == ST_OK)
		*out = ap_status_uri(c, &p);
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : RC_INTERNAL;
}

/* The id of the root of thread thread_id (the status itself when it is
 * gone), as conversation and context name the thread. */
static enum rc thread_uri(struct core *c, int64_t thread_id, const char **out)
{
	struct status r;
	enum store_rc st = store_status_get(c->db, c->arena, thread_id, &r);
	if (st == ST_OK)
		*out = ap_status_uri(c, &r);
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : RC_INTERNAL;
}

static json_t *nullable(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* A status with a poll is a Question (Mastodon's NoteSerializer): its
 * options as oneOf or anyOf Notes with their counts, endTime, closed once
 * it ended, votersCount. */
static enum rc question(struct core *c, const struct status *s, json_t *j)
{
	struct poll p;
	enum store_rc st = store_poll_get(c->db, c->arena, s->id, true, 0, &p);
	if (st == ST_NOT_FOUND)
		return RC_OK;
	if (st != ST_OK)
		return RC_INTERNAL;
	json_t *opts = json_array();
	for (int i = 0; i < p.noptions; i++)
		json_array_append_new(opts, json_pack("{s:s, s:s, s:{s:s, s:I}}", "type", "Note",
						      "name", p.titles[i], "replies", "type",
						      "Collection", "totalItems",
						      (json_int_t)p.counts[i]));
	json_object_set_new(j, "type", json_string("Question"));
	json_object_set_new(j, p.multiple ? "anyOf" : "oneOf", opts);
	json_object_set_new(j, "endTime", json_string(iso(c, p.expires_at)));
	if (now_ms() >= p.expires_at)
		json_object_set_new(j, "closed", json_string(iso(c, p.expires_at)));
	json_object_set_new(j, "votersCount", json_integer((json_int_t)p.voters_count));
	json_object_set_new(json_array_get(json_object_get(j, "@context"), 1), "votersCount",
			    json_string("toot:votersCount"));
	return RC_OK;
}

/* A processed upload as Mastodon's MediaAttachmentSerializer writes it: a
 * Document with the file's URL and type, its alt text and blurhash, the
 * focal point when one was set, and the stored size. */
static json_t *document(struct core *c, const struct media *m)
{
	const char *type = media_file_type(m->file);
	json_t *d = json_pack("{s:s, s:s, s:s, s:o, s:o}", "type", "Document", "mediaType",
			      type ? type : m->mime, "url", media_url(c->arena, c->cfg, m->file),
			      "name", *m->description ? json_string(m->description) : json_null(),
			      "blurhash", *m->blurhash ? json_string(m->blurhash) : json_null());
	if (d && (m->focus_x || m->focus_y))
		json_object_set_new(d, "focalPoint", json_pack("[f, f]", m->focus_x / 1000.0,
							       m->focus_y / 1000.0));
	json_t *meta = json_loads(m->meta ? m->meta : "", 0, NULL);
	json_t *orig = json_object_get(meta, "original");
	const char *dims[] = {"width", "height"};
	for (size_t i = 0; d && i < 2; i++)
		if (json_is_integer(json_object_get(orig, dims[i])))
			json_object_set(d, dims[i], json_object_get(orig, dims[i]));
	json_decref(meta);
	return d;
}

/* The Note's attachments, with the terms they use in its context. */
static enum rc attachments(struct core *c, const struct status *s, json_t *j)
{
	struct media_list l;
	if (media_of_status(c, s->id, &l))
		return RC_INTERNAL;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		if (*l.items[i].file)
			json_array_append_new(arr, document(c, &l.items[i]));
	json_object_set_new(j, "attachment", arr);
	if (json_array_size(arr)) {
		json_t *terms = json_array_get(json_object_get(j, "@context"), 1);
		json_object_set_new(terms, "blurhash", json_string("toot:blurhash"));
		json_object_set_new(terms, "focalPoint", json_pack("{s:s, s:s}", "@container",
								   "@list", "@id",
								   "toot:focalPoint"));
	}
	return RC_OK;
}

enum rc ap_note(struct core *c, const struct status *s, json_t **out)
{
	const char *actor = account_uri(c, &s->account), *reply_to, **men;
	size_t nmen;
	json_t *tags = json_array(), *to = NULL, *cc = NULL;
	*out = NULL;
	if (mentions(c, s, tags, &men, &nmen) != RC_OK || parent_uri(c, s, &reply_to) != RC_OK) {
		json_decref(tags);
		return RC_INTERNAL;
	}
	hashtags(c, s, tags);
	audience_address((enum visibility)s->visibility,
			 arena_printf(c->arena, "%s/followers", actor), men, nmen, NULL, &to, &cc);
	const char *id = ap_status_uri(c, s), *thread = id;
	if (s->thread_id != s->id && thread_uri(c, s->thread_id, &thread) != RC_OK) {
		json_decref(tags);
		return RC_INTERNAL;
	}
	json_t *j = json_pack(
		"{s:o, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:b, s:s, s:o, s:s, s:s, s:s,"
		" s:o, s:[]}",
		"@context", note_context(), "id", id, "type", "Note", "summary",
		nullable(s->spoiler_text), "inReplyTo", nullable(reply_to), "published",
		iso(c, s->created_at), "url",
		arena_printf(c->arena, "%s/@%s/%lld", c->cfg->base_url, s->account.username,
			     (long long)s->id),
		"attributedTo", actor, "to", to, "cc", cc, "sensitive", status_sensitive_for(s, 0),
		"atomUri", id, "inReplyToAtomUri", nullable(reply_to), "conversation", thread,
		"context", thread,
		"content", s->content ? s->content : "", "tag", tags, "attachment");
	if (j && s->language && *s->language)
		json_object_set_new(j, "contentMap",
				    json_pack("{s:s}", s->language, s->content ? s->content : ""));
	if (j && s->edited_at)
		json_object_set_new(j, "updated", json_string(iso(c, s->edited_at)));
	if (j && (attachments(c, s, j) != RC_OK || question(c, s, j) != RC_OK)) {
		json_decref(j);
		return RC_INTERNAL;
	}
	*out = j;
	return j ? RC_OK : RC_INTERNAL;
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

json_t *ap_delete_actor(struct core *c, const char *actor)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:s}", "@context", AP_CONTEXT, "id",
			 arena_printf(c->arena, "%s#delete", actor), "type", "Delete", "actor",
			 actor, "to", AS_PUBLIC, "object", actor);
}

json_t *ap_flag(struct core *c, int64_t report_id, const char *content, json_t *object)
{
	const char *base = c->cfg->base_url;
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "@context", AP_CONTEXT, "id",
			 arena_printf(c->arena, "%s/reports/%lld", base, (long long)report_id),
			 "type", "Flag", "actor", arena_printf(c->arena, "%s/actor", base),
			 "content", content, "object", object);
}

json_t *ap_update_actor(struct core *c, const char *actor, int64_t at, json_t *person)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:[s], s:o}", "@context", AP_CONTEXT, "id",
			 arena_printf(c->arena, "%s#updates/%lld", actor, (long long)at), "type",
			 "Update", "actor", actor, "to", AS_PUBLIC, "object", person);
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
