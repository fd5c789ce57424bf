/* entities.c - Mastodon entities as JSON. Strings from users are emitted
 * either as JSON strings (escaped by jansson) or as HTML built by core/text. */
#include "api/api.h"
#include "core/accounts.h"
#include "core/text.h"
#include "util/util.h"

#include <string.h>

enum rc api_check(struct req *r, enum rc rc)
{
	if (rc != RC_OK)
		reply_core_error(r);
	return rc;
}

json_t *jtime(int64_t ms)
{
	char t[32];
	time_format(ms, t, sizeof t);
	return json_string(t);
}

json_t *jid(int64_t id)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	return json_string(s);
}

bool path_id(struct req *r, int i, int64_t *out)
{
	if (id_parse(path_param(r, i), out))
		return true;
	reply_error(r, 404, "Record not found");
	return false;
}

/* Stored fields are [{name, value, verified_at}] plain text: render values
 * as escaped HTML for the entity. */
static json_t *fields_html(struct req *r, const char *stored)
{
	json_t *in = json_loads(stored ? stored : "[]", 0, NULL);
	json_t *out = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(in, i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(f, "value"));
		json_array_append_new(out, json_pack("{s:s, s:s, s:n}", "name", n ? n : "", "value",
						     text_escape(&r->arena, v ? v : ""),
						     "verified_at"));
	}
	json_decref(in);
	return out;
}

static const char *media_url(struct req *r, const char *stored, const char *dflt)
{
	if (stored && *stored)
		return stored;
	return arena_printf(&r->arena, "%s%s", r->core.cfg->base_url, dflt);
}

json_t *ent_account(struct req *r, const struct account *a)
{
	const char *acct = *a->domain ? arena_printf(&r->arena, "%s@%s", a->username, a->domain)
				      : a->username;
	const char *avatar = media_url(r, a->avatar, "/avatars/original/missing.png");
	const char *header = media_url(r, a->header, "/headers/original/missing.png");
	json_t *j = json_object();
	json_object_set_new(j, "id", jid(a->id));
	json_object_set_new(j, "username", json_string(a->username));
	json_object_set_new(j, "acct", json_string(acct));
	json_object_set_new(j, "display_name", json_string(a->display_name));
	json_object_set_new(j, "locked", json_boolean(a->locked));
	json_object_set_new(j, "bot", json_boolean(a->bot));
	json_object_set_new(j, "discoverable", json_boolean(a->discoverable));
	json_object_set_new(j, "indexable", json_boolean(a->discoverable));
	json_object_set_new(j, "group", json_false());
	json_object_set_new(j, "created_at", jtime(a->created_at));
	json_object_set_new(j, "note", json_string(a->note_html));
	json_object_set_new(j, "url", json_string(account_url(&r->core, a)));
	json_object_set_new(j, "uri", json_string(account_uri(&r->core, a)));
	json_object_set_new(j, "avatar", json_string(avatar));
	json_object_set_new(j, "avatar_static", json_string(avatar));
	json_object_set_new(j, "header", json_string(header));
	json_object_set_new(j, "header_static", json_string(header));
	json_object_set_new(j, "followers_count", json_integer(a->followers_count));
	json_object_set_new(j, "following_count", json_integer(a->following_count));
	json_object_set_new(j, "statuses_count", json_integer(a->statuses_count));
	if (a->last_status_at) {
		char d[16];
		date_format(a->last_status_at, d, sizeof d);
		json_object_set_new(j, "last_status_at", json_string(d));
	} else {
		json_object_set_new(j, "last_status_at", json_null());
	}
	json_object_set_new(j, "hide_collections", json_false());
	json_object_set_new(j, "noindex", json_boolean(!a->discoverable));
	json_object_set_new(j, "emojis", json_array());
	json_object_set_new(j, "roles", json_array());
	json_object_set_new(j, "fields", fields_html(r, a->fields));
	return j;
}

json_t *ent_credential_account(struct req *r, const struct account *a, const struct user *u)
{
	json_t *j = ent_account(r, a);
	json_t *raw = json_loads(a->fields ? a->fields : "[]", 0, NULL);
	json_object_set_new(j, "source",
			    json_pack("{s:s, s:o, s:s, s:b, s:o, s:I}", "note", a->note, "fields",
				      raw ? raw : json_array(), "privacy", u->default_privacy,
				      "sensitive", u->default_sensitive, "language",
				      *u->default_language ? json_string(u->default_language)
							   : json_null(),
				      "follow_requests_count", (json_int_t)0));
	json_object_set_new(j, "role",
			    json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", u->admin ? "3" : "-99",
				      "name", u->admin ? "Admin" : "", "permissions",
				      u->admin ? "1" : "0", "color", "", "highlighted",
				      u->admin));
	return j;
}

static const char *const vis_names[] = {"public", "unlisted", "private", "direct"};

const char *status_uri(struct req *r, const struct status *s)
{
	if (*s->uri)
		return s->uri;
	return arena_printf(&r->arena, "%s/users/%s/statuses/%lld", r->core.cfg->base_url,
			    s->account.username, (long long)s->id);
}

static const char *status_url(struct req *r, const struct status *s)
{
	if (*s->uri)
		return s->uri;
	return arena_printf(&r->arena, "%s/@%s/%lld", r->core.cfg->base_url, s->account.username,
			    (long long)s->id);
}

static json_t *tags_json(struct req *r, const char *stored)
{
	json_t *in = json_loads(stored ? stored : "[]", 0, NULL), *out = json_array(), *t;
	size_t i;
	json_array_foreach(in, i, t)
	{
		const char *name = json_string_value(t);
		if (name)
			json_array_append_new(out, json_pack("{s:s, s:s}", "name", name, "url",
							     arena_printf(&r->arena, "%s/tags/%s",
									  r->core.cfg->base_url,
									  name)));
	}
	json_decref(in);
	return out;
}

static json_t *status_json(struct req *r, const struct status *s, int flags, int rflags)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", jid(s->id));
	json_object_set_new(j, "uri", json_string(status_uri(r, s)));
	json_object_set_new(j, "url", json_string(status_url(r, s)));
	json_object_set_new(j, "created_at", jtime(s->created_at));
	json_object_set_new(j, "account", ent_account(r, &s->account));
	json_object_set_new(j, "content", json_string(s->reblog ? "" : s->content));
	json_object_set_new(j, "visibility",
			    json_string(vis_names[s->visibility >= 0 && s->visibility <= 3
							  ? s->visibility
							  : 0]));
	json_object_set_new(j, "sensitive", json_boolean(s->sensitive));
	json_object_set_new(j, "spoiler_text", json_string(s->spoiler_text));
	json_object_set_new(j, "media_attachments", json_array());
	json_t *m = json_loads(s->mentions && *s->mentions ? s->mentions : "[]", 0, NULL);
	json_object_set_new(j, "mentions", m ? m : json_array());
	json_object_set_new(j, "tags", tags_json(r, s->tags));
	json_object_set_new(j, "emojis", json_array());
	json_object_set_new(j, "reblogs_count", json_integer(s->reblogs_count));
	json_object_set_new(j, "favourites_count", json_integer(s->favourites_count));
	json_object_set_new(j, "replies_count", json_integer(s->replies_count));
	json_object_set_new(j, "in_reply_to_id",
			    s->in_reply_to_id ? jid(s->in_reply_to_id) : json_null());
	json_object_set_new(j, "in_reply_to_account_id",
			    s->in_reply_to_account_id ? jid(s->in_reply_to_account_id) : json_null());
	json_object_set_new(j, "reblog",
			    s->reblog ? status_json(r, s->reblog, rflags, 0) : json_null());
	json_object_set_new(j, "poll", json_null());
	json_object_set_new(j, "card", json_null());
	json_object_set_new(j, "language", *s->language ? json_string(s->language) : json_null());
	json_object_set_new(j, "text", json_null());
	json_object_set_new(j, "edited_at", s->edited_at ? jtime(s->edited_at) : json_null());
	json_object_set_new(j, "application",
			    s->app_name && *s->app_name
				    ? json_pack("{s:s, s:o}", "name", s->app_name, "website",
						*s->app_website ? json_string(s->app_website)
								: json_null())
				    : json_null());
	json_object_set_new(j, "filtered", json_array());
	if (r->account_id) {
		json_object_set_new(j, "favourited", json_boolean(flags & FLAG_FAVOURITED));
		json_object_set_new(j, "reblogged", json_boolean(flags & FLAG_REBLOGGED));
		json_object_set_new(j, "bookmarked", json_boolean(flags & FLAG_BOOKMARKED));
		json_object_set_new(j, "muted", json_false());
		if (s->account_id == r->account_id)
			json_object_set_new(j, "pinned", json_boolean(flags & FLAG_PINNED));
	}
	return j;
}

json_t *ent_statuses(struct req *r, const struct status_list *l)
{
	int n = l->n, k = 0;
	int64_t *ids = arena_calloc(&r->arena, (size_t)n * 2 + 1, sizeof *ids);
	int *flags = arena_calloc(&r->arena, (size_t)n * 2 + 1, sizeof *flags);
	for (int i = 0; i < n; i++) {
		ids[k++] = l->items[i].id;
		if (l->items[i].reblog)
			ids[k++] = l->items[i].reblog->id;
	}
	if (r->account_id)
		store_viewer_flags(r->core.db, r->account_id, ids, k, flags);
	json_t *arr = json_array();
	k = 0;
	for (int i = 0; i < n; i++) {
		int f = flags[k++];
		int rf = l->items[i].reblog ? flags[k++] : 0;
		/* A reblog wrapper shows the flags of the status it carries. */
		json_array_append_new(arr, status_json(r, &l->items[i], l->items[i].reblog ? rf : f,
						       rf));
	}
	return arr;
}

json_t *ent_status(struct req *r, const struct status *s)
{
	struct status_list l = {(struct status *)s, 1};
	json_t *arr = ent_statuses(r, &l);
	json_t *j = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return j;
}

json_t *ent_status_with_source(struct req *r, const struct status *s)
{
	json_t *j = ent_status(r, s);
	json_object_set_new(j, "text", json_string(s->text));
	return j;
}
