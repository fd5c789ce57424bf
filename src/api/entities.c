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

/* Entities are written with the streaming writer (util/jw.h); the json_t
 * versions below parse that output, so there is one definition of each
 * entity's shape. */
#define ENTITY_CAP (64u << 20)

/* An image URL: the stored one, or the server's default picture. */
static void write_media(struct jw *w, struct req *r, const char *key, const char *stored,
			const char *dflt)
{
	jw_key(w, key);
	if (stored && *stored) {
		jw_str(w, stored);
		return;
	}
	const char *parts[] = {r->core.cfg->base_url, dflt};
	jw_str_parts(w, 2, parts);
}

/* Stored fields are [{name, value, verified_at}] plain text: values are
 * shown as escaped HTML. */
static void write_fields(struct jw *w, struct req *r, const char *stored)
{
	if (!stored || !strcmp(stored, "[]")) {
		jw_raw(w, "[]");
		return;
	}
	json_t *in = json_loads(stored, 0, NULL), *f;
	size_t i;
	jw_arr(w);
	json_array_foreach(in, i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(f, "value"));
		jw_obj(w);
		jw_kstr(w, "name", n ? n : "");
		jw_kstr(w, "value", text_escape(&r->arena, v ? v : ""));
		jw_knull(w, "verified_at");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	json_decref(in);
}

void jw_account(struct jw *w, struct req *r, const struct account *a)
{
	const char *base = r->core.cfg->base_url;
	jw_obj(w);
	jw_kid(w, "id", a->id);
	jw_kstr(w, "username", a->username);
	jw_key(w, "acct");
	const char *acct[] = {a->username, "@", a->domain};
	jw_str_parts(w, *a->domain ? 3 : 1, acct);
	jw_kstr(w, "display_name", a->display_name);
	jw_kbool(w, "locked", a->locked);
	jw_kbool(w, "bot", a->bot);
	jw_kbool(w, "discoverable", a->discoverable);
	jw_kbool(w, "indexable", a->discoverable);
	jw_kbool(w, "group", false);
	jw_ktime(w, "created_at", a->created_at);
	jw_kstr(w, "note", a->note_html);
	/* Local accounts' URLs follow the configured domain (see account_url). */
	const char *url[] = {base, "/@", a->username}, *uri[] = {base, "/users/", a->username};
	jw_key(w, "url");
	if (*a->domain)
		jw_str(w, a->url);
	else
		jw_str_parts(w, 3, url);
	jw_key(w, "uri");
	if (*a->domain)
		jw_str(w, a->uri);
	else
		jw_str_parts(w, 3, uri);
	write_media(w, r, "avatar", a->avatar, "/avatars/original/missing.png");
	write_media(w, r, "avatar_static", a->avatar, "/avatars/original/missing.png");
	write_media(w, r, "header", a->header, "/headers/original/missing.png");
	write_media(w, r, "header_static", a->header, "/headers/original/missing.png");
	jw_kint(w, "followers_count", a->followers_count);
	jw_kint(w, "following_count", a->following_count);
	jw_kint(w, "statuses_count", a->statuses_count);
	jw_key(w, "last_status_at");
	if (a->last_status_at) {
		char d[16];
		date_format(a->last_status_at, d, sizeof d);
		jw_str(w, d);
	} else {
		jw_null(w);
	}
	jw_kbool(w, "hide_collections", false);
	jw_kbool(w, "noindex", !a->discoverable);
	jw_key(w, "emojis");
	jw_raw(w, "[]");
	jw_key(w, "roles");
	jw_raw(w, "[]");
	jw_key(w, "fields");
	write_fields(w, r, a->fields);
	jw_obj_end(w);
}

/* Parses a writer's output into a jansson value (for callers that embed
 * entities in larger json_t trees). */
static json_t *jw_to_json(struct jw *w)
{
	json_t *j = jw_ok(w) ? json_loadb(w->b.data, w->b.len, 0, NULL) : NULL;
	jw_free(w);
	return j ? j : json_null();
}

json_t *ent_account(struct req *r, const struct account *a)
{
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_account(&w, r, a);
	return jw_to_json(&w);
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
				      "follow_requests_count",
				      (json_int_t)store_count_follow_requests(r->core.db, a->id)));
	json_object_set_new(j, "role",
			    json_pack("{s:s, s:s, s:s, s:s, s:b}", "id", u->admin ? "3" : "-99",
				      "name", u->admin ? "Admin" : "", "permissions",
				      u->admin ? "1" : "0", "color", "", "highlighted",
				      u->admin));
	return j;
}

const char *status_uri(struct req *r, const struct status *s)
{
	if (*s->uri)
		return s->uri;
	return arena_printf(&r->arena, "%s/users/%s/statuses/%lld", r->core.cfg->base_url,
			    s->account.username, (long long)s->id);
}

/* Tags are stored as ["name", ...]; names are word characters only. */
static void write_tags(struct jw *w, struct req *r, const char *stored)
{
	jw_arr(w);
	for (const char *p = stored ? strchr(stored, '"') : NULL; p; p = strchr(p, '"')) {
		const char *end = strchr(p + 1, '"');
		if (!end)
			break;
		const char *name = arena_strndup(&r->arena, p + 1, (size_t)(end - p - 1));
		const char *url[] = {r->core.cfg->base_url, "/tags/", name};
		jw_obj(w);
		jw_kstr(w, "name", name);
		jw_key(w, "url");
		jw_str_parts(w, 3, url);
		jw_obj_end(w);
		p = end + 1;
	}
	jw_arr_end(w);
}

/* Accounts already written in this response, reused as raw JSON: a page
 * often shows the same author many times. */
#define ACCOUNT_CACHE 64
struct account_cache {
	int n;
	int64_t id[ACCOUNT_CACHE];
	const char *json[ACCOUNT_CACHE];
};

static void write_account_cached(struct jw *w, struct req *r, const struct account *a,
				 struct account_cache *ac)
{
	for (int i = 0; ac && i < ac->n; i++)
		if (ac->id[i] == a->id) {
			jw_raw(w, ac->json[i]);
			return;
		}
	struct jw one;
	jw_init(&one, ENTITY_CAP);
	jw_account(&one, r, a);
	if (!jw_ok(&one)) {
		jw_free(&one);
		jw_null(w);
		return;
	}
	const char *json = arena_strndup(&r->arena, one.b.data, one.b.len);
	jw_free(&one);
	if (ac && ac->n < ACCOUNT_CACHE) {
		ac->id[ac->n] = a->id;
		ac->json[ac->n++] = json;
	}
	jw_raw(w, json);
}

static void write_status(struct jw *w, struct req *r, const struct status *s, int flags,
			 int rflags, struct account_cache *ac, bool source)
{
	static const char *const vis_names[] = {"public", "unlisted", "private", "direct"};
	jw_obj(w);
	jw_kid(w, "id", s->id);
	if (*s->uri) {
		jw_kstr(w, "uri", s->uri);
		jw_kstr(w, "url", s->uri);
	} else {
		char idbuf[24];
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)s->id);
		const char *uri[] = {r->core.cfg->base_url, "/users/", s->account.username,
				     "/statuses/", idbuf};
		const char *url[] = {r->core.cfg->base_url, "/@", s->account.username, "/", idbuf};
		jw_key(w, "uri");
		jw_str_parts(w, 5, uri);
		jw_key(w, "url");
		jw_str_parts(w, 5, url);
	}
	jw_ktime(w, "created_at", s->created_at);
	jw_key(w, "account");
	write_account_cached(w, r, &s->account, ac);
	jw_kstr(w, "content", s->reblog ? "" : s->content);
	jw_kstr(w, "visibility",
		vis_names[s->visibility >= 0 && s->visibility <= 3 ? s->visibility : 0]);
	jw_kbool(w, "sensitive", s->sensitive);
	jw_kstr(w, "spoiler_text", s->spoiler_text);
	jw_key(w, "media_attachments");
	jw_raw(w, "[]");
	jw_key(w, "mentions");
	jw_raw(w, s->mentions && *s->mentions ? s->mentions : "[]");
	jw_key(w, "tags");
	write_tags(w, r, s->tags);
	jw_key(w, "emojis");
	jw_raw(w, "[]");
	jw_kint(w, "reblogs_count", s->reblogs_count);
	jw_kint(w, "favourites_count", s->favourites_count);
	jw_kint(w, "replies_count", s->replies_count);
	jw_kid(w, "in_reply_to_id", s->in_reply_to_id);
	jw_kid(w, "in_reply_to_account_id", s->in_reply_to_account_id);
	jw_key(w, "reblog");
	if (s->reblog)
		write_status(w, r, s->reblog, rflags, 0, ac, false);
	else
		jw_null(w);
	jw_knull(w, "poll");
	jw_knull(w, "card");
	jw_key(w, "language");
	if (*s->language)
		jw_str(w, s->language);
	else
		jw_null(w);
	jw_key(w, "text");
	if (source)
		jw_str(w, s->text);
	else
		jw_null(w);
	jw_key(w, "edited_at");
	if (s->edited_at)
		jw_time(w, s->edited_at);
	else
		jw_null(w);
	jw_key(w, "application");
	if (s->app_name && *s->app_name) {
		jw_obj(w);
		jw_kstr(w, "name", s->app_name);
		jw_key(w, "website");
		jw_str(w, *s->app_website ? s->app_website : NULL);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "filtered");
	jw_raw(w, "[]");
	if (r->account_id) {
		jw_kbool(w, "favourited", flags & FLAG_FAVOURITED);
		jw_kbool(w, "reblogged", flags & FLAG_REBLOGGED);
		jw_kbool(w, "bookmarked", flags & FLAG_BOOKMARKED);
		jw_kbool(w, "muted", false);
		if (s->account_id == r->account_id)
			jw_kbool(w, "pinned", flags & FLAG_PINNED);
	}
	jw_obj_end(w);
}

void jw_statuses(struct jw *w, struct req *r, const struct status_list *l, bool source)
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
	struct account_cache *ac = arena_alloc(&r->arena, sizeof *ac);
	ac->n = 0;
	jw_arr(w);
	k = 0;
	for (int i = 0; i < n; i++) {
		int f = flags[k++];
		int rf = l->items[i].reblog ? flags[k++] : 0;
		/* A reblog wrapper shows the flags of the status it carries. */
		write_status(w, r, &l->items[i], l->items[i].reblog ? rf : f, rf, ac, source);
	}
	jw_arr_end(w);
}

json_t *ent_statuses(struct req *r, const struct status_list *l)
{
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_statuses(&w, r, l, false);
	json_t *j = jw_to_json(&w);
	return json_is_array(j) ? j : (json_decref(j), json_array());
}

static json_t *one_status(struct req *r, const struct status *s, bool source)
{
	struct status_list l = {(struct status *)s, 1};
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_statuses(&w, r, &l, source);
	json_t *arr = jw_to_json(&w);
	json_t *j = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return j ? j : json_null();
}

json_t *ent_status(struct req *r, const struct status *s)
{
	return one_status(r, s, false);
}

json_t *ent_status_with_source(struct req *r, const struct status *s)
{
	return one_status(r, s, true);
}
