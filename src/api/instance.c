/* instance.c - what a client or a peer server asks first: instance
 * metadata, NodeInfo, WebFinger, host-meta, OAuth server metadata, and
 * the documented empty shapes of endpoints apps call early. */
#include "api/api.h"
#include "api/api_moderation.h"
#include "core/accounts.h"
#include "core/scopes.h"
#include "core/text.h"
#include "util/util.h"

#include <string.h>

#define VERSION_STRING MASTODON_COMPAT " (compatible; Rapport " RAPPORT_VERSION ")"
#define DESCRIPTION "A conversation-first social network: people and conversations, not broadcasts."

static json_t *configuration(struct req *r)
{
	const struct config *cfg = r->core.cfg;
	return json_pack(
		"{s:{s:I, s:I}, s:{s:I, s:I, s:I}, s:{s:[s,s,s,s], s:I, s:I, s:I, s:I, s:I, s:I},"
		" s:{s:I, s:I, s:I, s:I}}",
		"accounts", "max_featured_tags", (json_int_t)10, "max_pinned_statuses",
		(json_int_t)5, "statuses", "max_characters", (json_int_t)cfg->max_chars,
		"max_media_attachments", (json_int_t)4, "characters_reserved_per_url",
		(json_int_t)23, "media_attachments", "supported_mime_types", "image/jpeg",
		"image/png", "image/gif", "image/webp", "image_size_limit", (json_int_t)(16 << 20),
		"image_matrix_limit", (json_int_t)33177600, "video_size_limit",
		(json_int_t)(99 << 20), "video_frame_rate_limit", (json_int_t)60,
		"video_matrix_limit", (json_int_t)8294400, "description_limit", (json_int_t)1500,
		"polls", "max_options", (json_int_t)cfg->poll_max_options,
		"max_characters_per_option", (json_int_t)cfg->poll_max_chars, "min_expiration",
		(json_int_t)cfg->poll_min_expiry, "max_expiration", (json_int_t)cfg->poll_max_expiry);
}

/* The local accounts and their statuses; replies 500 and returns false
 * when the store failed. */
static bool local_counts(struct req *r, int64_t *users, int64_t *statuses)
{
	if (accounts_local_count(&r->core, users) == RC_OK &&
	    statuses_local_count(&r->core, statuses) == RC_OK)
		return true;
	reply_core_error(r);
	return false;
}

/* The WebSocket address of the streaming API: ws://, or wss:// behind
 * https, on this host (base_url starts with "http"). */
static const char *streaming_url(struct req *r)
{
	return arena_printf(&r->arena, "ws%s", r->core.cfg->base_url + 4);
}

void h_instance_v1(struct req *r)
{
	const struct config *cfg = r->core.cfg;
	int64_t users, statuses;
	if (!local_counts(r, &users, &statuses))
		return;
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:I, s:I, s:I},"
			      " s:s, s:[s], s:b, s:b, s:b, s:o, s:n, s:[]}",
			      "uri", cfg->domain, "title", cfg->title, "short_description",
			      DESCRIPTION, "description", DESCRIPTION, "email", "", "version",
			      VERSION_STRING, "urls", "streaming_api", streaming_url(r), "stats",
			      "user_count",
			      (json_int_t)users, "status_count", (json_int_t)statuses, "domain_count",
			      (json_int_t)0, "thumbnail",
			      arena_printf(&r->arena, "%s/avatars/original/missing.png", cfg->base_url),
			      "languages", "en", "registrations", cfg->registrations,
			      "approval_required", 0, "invites_enabled", 0, "configuration",
			      configuration(r), "contact_account", "rules");
	if (!instance_moderation(r, j, 1)) {
		json_decref(j);
		return;
	}
	reply_json(r, 200, j);
}

void h_instance_v2(struct req *r)
{
	const struct config *cfg = r->core.cfg;
	int64_t month, halfyear;
	if (accounts_local_active(&r->core, &month, &halfyear) != RC_OK) {
		reply_core_error(r);
		return;
	}
	json_t *conf = configuration(r);
	json_object_set_new(conf, "urls", json_pack("{s:s}", "streaming", streaming_url(r)));
	json_object_set_new(conf, "translation", json_pack("{s:b}", "enabled", 0));
	json_t *j = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:{s:{s:I}}, s:{s:s}, s:[], s:[s], s:o,"
		" s:{s:b, s:b, s:n}, s:{s:I}, s:{s:s, s:n}, s:[]}",
		"domain", cfg->domain, "title", cfg->title, "version", VERSION_STRING,
		"source_url", "https://example.invalid/rapport", "description", DESCRIPTION,
		"usage", "users", "active_month", (json_int_t)month, "thumbnail", "url",
		arena_printf(&r->arena, "%s/avatars/original/missing.png", cfg->base_url), "icon",
		"languages", "en", "configuration", conf, "registrations", "enabled",
		cfg->registrations, "approval_required", 0, "message", "api_versions", "mastodon",
		(json_int_t)2, "contact", "email", "", "account", "rules");
	if (!instance_moderation(r, j, 2)) {
		json_decref(j);
		return;
	}
	reply_json(r, 200, j);
}

void h_nodeinfo_index(struct req *r)
{
	const char *base = r->core.cfg->base_url;
	reply_json(r, 200,
		   json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "links", "rel",
			     "http://nodeinfo.diaspora.software/ns/schema/2.0", "href",
			     arena_printf(&r->arena, "%s/nodeinfo/2.0", base), "rel",
			     "http://nodeinfo.diaspora.software/ns/schema/2.1", "href",
			     arena_printf(&r->arena, "%s/nodeinfo/2.1", base)));
}

void h_nodeinfo(struct req *r)
{
	const char *ver = strstr(r->path, "2.1") ? "2.1" : "2.0";
	int64_t users, statuses, month, halfyear;
	if (!local_counts(r, &users, &statuses))
		return;
	if (accounts_local_active(&r->core, &month, &halfyear) != RC_OK) {
		reply_core_error(r);
		return;
	}
	json_t *j = json_pack(
		"{s:s, s:{s:s, s:s}, s:[s], s:{s:[], s:[]}, s:b,"
		" s:{s:{s:I, s:I, s:I}, s:I}, s:{s:s, s:{s:s}}}",
		"version", ver, "software", "name", "mastodon", "version", MASTODON_COMPAT,
		"protocols", "activitypub", "services", "outbound", "inbound", "openRegistrations",
		r->core.cfg->registrations, "usage", "users", "total", (json_int_t)users,
		"activeMonth", (json_int_t)month, "activeHalfyear", (json_int_t)halfyear, "localPosts",
		(json_int_t)statuses, "metadata", "nodeName",
		r->core.cfg->title, "upstream", "name", "mastodon");
	if (!strcmp(ver, "2.1"))
		json_object_set_new(json_object_get(j, "software"), "repository",
				    json_string("rapport"));
	reply_json(r, 200, j);
}

static void reply_jrd(struct req *r, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	reply_text(r, 200, "application/jrd+json; charset=utf-8", s ? s : "{}");
	free(s);
}

/* The instance actor answers to acct:DOMAIN@DOMAIN and to its id, as
 * Mastodon's does. */
static bool instance_actor(struct req *r, const char *res)
{
	const struct config *cfg = r->core.cfg;
	const char *id = arena_printf(&r->arena, "%s/actor", cfg->base_url);
	const char *acct = arena_printf(&r->arena, "acct:%s@%s", cfg->domain, cfg->domain);
	if (strcmp(res, id) && !str_ieq(res, acct))
		return false;
	reply_jrd(r, json_pack("{s:s, s:[s], s:[{s:s, s:s, s:s}]}", "subject", acct, "aliases", id,
			       "links", "rel", "self", "type", "application/activity+json", "href",
			       id));
	return true;
}

void h_webfinger(struct req *r)
{
	const char *res = param_str(r, "resource");
	if (!res || !*res) {
		reply_error(r, 400, "Missing parameter: resource");
		return;
	}
	if (instance_actor(r, res))
		return;
	const char *base = r->core.cfg->base_url;
	const char *acct = NULL;
	if (str_has_prefix(res, "acct:"))
		acct = res + 5;
	else if (str_has_prefix(res, base) && str_has_prefix(res + strlen(base), "/users/"))
		acct = res + strlen(base) + 7;
	else if (str_has_prefix(res, base) && str_has_prefix(res + strlen(base), "/@"))
		acct = res + strlen(base) + 2;
	struct account a;
	const char *at = acct ? strchr(acct, '@') : NULL;
	if (!acct || (at && !str_ieq(at + 1, r->core.cfg->domain))) {
		reply_error(r, 404, "Record not found");
		return;
	}
	const char *name = arena_strndup(&r->arena, acct, at ? (size_t)(at - acct) : strlen(acct));
	enum rc rc = account_lookup(&r->core, name, &a);
	if (rc == RC_NOT_FOUND) {
		reply_handle_missing(r, name); /* 410 for a deleted account, as Mastodon */
		return;
	}
	if (rc || *a.domain) {
		if (rc)
			reply_core_error(r);
		else
			reply_error(r, 404, "Record not found");
		return;
	}
	const char *intent = arena_printf(&r->arena, "%s/authorize_interaction?uri={object}", base);
	json_t *j = json_pack(
		"{s:s, s:[s, s], s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s}, {s:s, s:s},"
		" {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]}", "subject",
		arena_printf(&r->arena, "acct:%s@%s", a.username, r->core.cfg->domain), "aliases",
		account_uri(&r->core, &a), account_url(&r->core, &a), "links", "rel",
		"http://webfinger.net/rel/profile-page", "type", "text/html", "href",
		account_url(&r->core, &a), "rel", "self", "type", "application/activity+json",
		"href", account_uri(&r->core, &a), "rel", "http://ostatus.org/schema/1.0/subscribe", "template",
		arena_printf(&r->arena, "%s/authorize_interaction?uri={uri}", base),
		/* FEP-3b86 intents (pages/interact.c) */
		"rel", "https://w3id.org/fep/3b86/Object", "template", intent,
		"rel", "https://w3id.org/fep/3b86/Follow", "template", intent,
		"rel", "https://w3id.org/fep/3b86/Like", "template", intent,
		"rel", "https://w3id.org/fep/3b86/Announce", "template", intent);
	reply_jrd(r, j);
}

void h_host_meta(struct req *r)
{
	const char *xml = arena_printf(
		&r->arena,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
		"  <Link rel=\"lrdd\" template=\"%s/.well-known/webfinger?resource={uri}\"/>\n"
		"</XRD>\n",
		r->core.cfg->base_url);
	reply_text(r, 200, "application/xrd+xml; charset=utf-8", xml);
}

void h_oauth_metadata(struct req *r)
{
	const char *b = r->core.cfg->base_url;
	json_t *scopes = json_array();
	for (int i = 0; scopes_name(i); i++)
		json_array_append_new(scopes, json_string(scopes_name(i)));
	json_t *j = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:o, s:[s], s:[s,s,s], s:[s], s:[s,s], s:s, s:s}",
		"issuer", arena_printf(&r->arena, "%s/", b), "authorization_endpoint",
		arena_printf(&r->arena, "%s/oauth/authorize", b), "token_endpoint",
		arena_printf(&r->arena, "%s/oauth/token", b), "revocation_endpoint",
		arena_printf(&r->arena, "%s/oauth/revoke", b), "app_registration_endpoint",
		arena_printf(&r->arena, "%s/api/v1/apps", b), "scopes_supported", scopes,
		"response_types_supported", "code",
		"grant_types_supported", "authorization_code", "password", "client_credentials",
		"code_challenge_methods_supported", "S256", "token_endpoint_auth_methods_supported",
		"client_secret_basic", "client_secret_post", "service_documentation",
		"https://docs.joinmastodon.org/", "response_modes_supported", "query");
	reply_json(r, 200, j);
}

void h_empty_array(struct req *r)
{
	reply_json(r, 200, json_array());
}

void h_not_found(struct req *r)
{
	reply_error(r, 404, "Record not found");
}

/* A 48x48 grey PNG, the picture of an account that has not chosen one. */
static const unsigned char missing_png[] = {
#include "api/missing_png.inc"
};

void h_default_avatar(struct req *r)
{
	reply_header(r, "Cache-Control", "public, max-age=86400");
	reply_bytes(r, 200, "image/png", missing_png, sizeof missing_png);
}
