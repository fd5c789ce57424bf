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

static json_t *jtime(int64_t ms)
{
	char t[32];
	time_format(ms, t, sizeof t);
	return json_string(t);
}

static json_t *jid(int64_t id)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	return json_string(s);
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
