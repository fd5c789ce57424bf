/* object.c - local statuses as Notes (see object.h). */
#include "federation/object.h"
#include "core/accounts.h"
#include "core/statuses.h"
#include "federation/actor.h"
#include "federation/audience.h"
#include "http/accept.h"
#include "store/statuses.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

const char *ap_status_uri(struct core *c, const struct status *s)
{
	if (*s->uri)
		return s->uri;
	return arena_printf(c->arena, "%s/users/%s/statuses/%lld", c->cfg->base_url,
			    s->account.username, (long long)s->id);
}

/* The id of status id (a parent or a thread's root); NULL if it is gone. */
static const char *uri_of(struct core *c, int64_t id, bool *failed)
{
	struct status p;
	enum store_rc st = store_status_get(c->db, c->arena, id, &p);
	*failed |= st == ST_ERROR;
	return st == ST_OK ? ap_status_uri(c, &p) : NULL;
}

/* Mention tags (and their actors, for to/cc) and Hashtag tags. */
static json_t *tags_of(struct core *c, const struct status *s, const char ***mentions, size_t *n,
		       bool *failed)
{
	json_t *out = json_array(), *m = json_loads(s->mentions, 0, NULL), *t = json_loads(s->tags, 0, NULL), *v;
	size_t i;
	*mentions = arena_calloc(c->arena, json_array_size(m) + 1, sizeof **mentions);
	*n = 0;
	json_array_foreach(json_is_array(m) ? m : NULL, i, v)
	{
		int64_t id;
		struct account a;
		if (!id_parse(json_string_value(json_object_get(v, "id")), &id))
			continue;
		enum rc rc = account_get(c, id, &a);
		*failed |= rc == RC_INTERNAL;
		if (rc)
			continue;
		const char *uri = account_uri(c, &a);
		(*mentions)[(*n)++] = uri;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type", "Mention", "href", uri,
						     "name",
						     *a.domain ? arena_printf(c->arena, "@%s@%s", a.username, a.domain)
							       : arena_printf(c->arena, "@%s@%s", a.username, c->cfg->domain)));
	}
	json_array_foreach(json_is_array(t) ? t : NULL, i, v)
	{
		const char *name = json_string_value(v);
		if (name)
			json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type", "Hashtag", "href",
							     arena_printf(c->arena, "%s/tags/%s", c->cfg->base_url, name),
							     "name", arena_printf(c->arena, "#%s", name)));
	}
	json_decref(m);
	json_decref(t);
	return out;
}

json_t *ap_note(struct core *c, const struct status *s)
{
	bool failed = false;
	const char *id = ap_status_uri(c, s), *actor = account_uri(c, &s->account);
	const char *parent = s->in_reply_to_id ? uri_of(c, s->in_reply_to_id, &failed) : NULL;
	const char *root = s->thread_id != s->id ? uri_of(c, s->thread_id, &failed) : id;
	const char **mentions;
	size_t n;
	json_t *tags = tags_of(c, s, &mentions, &n, &failed), *to, *cc;
	char published[32], updated[32];
	if (failed) {
		json_decref(tags);
		core_store_fail(c, ST_ERROR);
		return NULL;
	}
	audience_address(s->visibility, arena_printf(c->arena, "%s/followers", actor), mentions, n,
			 NULL, &to, &cc);
	time_format(s->created_at, published, sizeof published);
	json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:b, s:s, s:o, s:[], s:o}",
			      "@context", AP_CONTEXT, "id", id, "type", "Note", "summary",
			      *s->spoiler_text ? json_string(s->spoiler_text) : json_null(),
			      "inReplyTo", parent ? json_string(parent) : json_null(), "published",
			      published, "url",
			      arena_printf(c->arena, "%s/@%s/%lld", c->cfg->base_url,
					   s->account.username, (long long)s->id),
			      "attributedTo", actor, "to", to, "cc", cc, "sensitive", s->sensitive,
			      "content", s->content, "tag", tags, "attachment", "conversation",
			      json_string(root ? root : id));
	if (j && *s->language)
		json_object_set_new(j, "contentMap", json_pack("{s:s}", s->language, s->content));
	if (j && s->edited_at) {
		time_format(s->edited_at, updated, sizeof updated);
		json_object_set_new(j, "updated", json_string(updated));
	}
	if (j)
		json_object_set_new(j, "context", json_string(root ? root : id));
	return j;
}

void ap_reply_note(struct req *r, const struct status *s)
{
	json_t *j = ap_note(&r->core, s);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!body) {
		reply_core_error(r);
		return;
	}
	reply_header(r, "Vary", "Accept");
	reply_text(r, 200, AP_TYPE, body);
	free(body);
}

void h_ap_status(struct req *r)
{
	static const char *const offers[] = {AP_ACCEPT_ACTIVITY, AP_ACCEPT_LD, "application/json",
					     "text/html"};
	struct status s;
	int64_t id;
	reply_header(r, "Vary", "Accept");
	int k = accept_best(req_header(r, "Accept"), offers, 4);
	if (k < 0) {
		reply_error(r, 406, "Not acceptable: this is application/activity+json");
		return;
	}
	const char *name = path_param(r, 0);
	if (!id_parse(path_param(r, 1), &id) || status_load(&r->core, 0, id, &s) != RC_OK ||
	    *s.account.domain || strcmp(s.account.username, name) || s.reblog_of_id) {
		if (r->core.err.rc == RC_INTERNAL)
			reply_core_error(r);
		else
			reply_error(r, 404, "Record not found");
		return;
	}
	if (k == 3)
		reply_redirect(r, arena_printf(&r->arena, "%s/@%s/%lld", r->core.cfg->base_url,
					       s.account.username, (long long)s.id));
	else
		ap_reply_note(r, &s);
}
