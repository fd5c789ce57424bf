/* actor.c - Person and Application documents, and the collections they
 * name, in the shape Mastodon serves and reads (its ActorSerializer). */
#include "federation/actor.h"
#include "core/accounts.h"
#include "core/keys.h"
#include "core/lifecycle.h"
#include "core/moderation.h"
#include "core/text.h"
#include "core/timeline.h"
#include "http/accept.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void reply_ap(struct req *r, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s) {
		reply_error(r, 500, "Internal error");
		return;
	}
	reply_text(r, 200, AP_TYPE, s);
	free(s);
}

/* The terms Mastodon defines inline; no context is fetched by a reader. */
static json_t *context(void)
{
	return json_pack("[s, s, {s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:s}]",
			 AP_CONTEXT, "https://w3id.org/security/v1", "manuallyApprovesFollowers",
			 "as:manuallyApprovesFollowers", "toot", "http://joinmastodon.org/ns#",
			 "featured", "@id", "toot:featured", "@type", "@id", "discoverable",
			 "toot:discoverable", "indexable", "toot:indexable", "schema",
			 "http://schema.org#", "PropertyValue", "schema:PropertyValue", "value",
			 "schema:value", "webfinger",
			 "https://purl.archive.org/socialweb/webfinger#webfinger");
}

static json_t *public_key(struct arena *ar, const char *id, const char *pem)
{
	return json_pack("{s:s, s:s, s:s}", "id", arena_printf(ar, "%s#main-key", id), "owner", id,
			 "publicKeyPem", pem);
}

static bool is_url(const char *v)
{
	return (str_has_prefix(v, "https://") || str_has_prefix(v, "http://")) &&
	       !strpbrk(v, " \t\r\n\"<>");
}

/* Profile fields as PropertyValue; a value that is a link becomes one. */
static json_t *attachments(struct arena *ar, const char *stored)
{
	json_t *arr = json_loads(stored ? stored : "[]", 0, NULL), *f, *out = json_array();
	size_t i;
	json_array_foreach(json_is_array(arr) ? arr : NULL, i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(f, "value"));
		if (!n || !v)
			continue;
		const char *e = text_escape(ar, v);
		const char *html = is_url(v) ? arena_printf(ar,
							    "<a href=\"%s\" rel=\"me nofollow "
							    "noopener noreferrer\" target=\"_blank\">"
							    "%s</a>",
							    e, e)
					     : e;
		json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type", "PropertyValue",
						     "name", n, "value", html));
	}
	json_decref(arr);
	return out;
}

static void add_image(json_t *j, const char *key, const char *url)
{
	if (url && *url && is_url(url))
		json_object_set_new(j, key, json_pack("{s:s, s:s}", "type", "Image", "url", url));
}

json_t *ap_person(struct core *c, const struct account *a, const char *pem, bool suspended)
{
	struct arena *ar = c->arena;
	const char *id = account_uri(c, a), *base = c->cfg->base_url;
	char published[32];
	time_format(a->created_at, published, sizeof published);
	/* suspended: what Mastodon's ActorSerializer keeps of one */
	const char *name = suspended ? a->username : a->display_name ? a->display_name : "";
	const char *note = suspended || !a->note_html ? "" : a->note_html;
	json_t *j = json_pack(
		"{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b,"
		" s:s, s:s, s:o, s:o, s:{s:s}, s:[]}",
		"@context", context(), "id", id, "type", a->bot ? "Service" : "Person",
		"following", arena_printf(ar, "%s/following", id), "followers",
		arena_printf(ar, "%s/followers", id), "inbox", arena_printf(ar, "%s/inbox", id),
		"outbox", arena_printf(ar, "%s/outbox", id), "featured",
		arena_printf(ar, "%s/collections/featured", id), "preferredUsername", a->username,
		"name", name, "summary", note, "url", account_url(c, a),
		"manuallyApprovesFollowers", a->locked && !suspended, "discoverable",
		a->discoverable && !suspended, "indexable", a->discoverable && !suspended,
		"published", published, "webfinger",
		arena_printf(ar, "%s@%s", a->username, c->cfg->domain), "publicKey",
		public_key(ar, id, pem), "attachment",
		attachments(ar, suspended ? "[]" : a->fields), "endpoints", "sharedInbox",
		arena_printf(ar, "%s/inbox", base), "tag");
	if (j && suspended) {
		json_object_set_new(j, "suspended", json_true());
	} else if (j) {
		add_image(j, "icon", a->avatar);
		add_image(j, "image", a->header);
	}
	return j;
}

void ap_reply_actor(struct req *r, const struct account *a)
{
	const char *pem;
	bool suspended;
	if (key_public(&r->core, a->id, &pem) != RC_OK ||
	    moderation_suspended(&r->core, a->id, &suspended) != RC_OK) {
		reply_core_error(r);
		return;
	}
	reply_ap(r, ap_person(&r->core, a, pem, suspended));
}

void ap_reply_tombstone(struct req *r, const char *name, int64_t deleted_at)
{
	char deleted[32];
	time_format(deleted_at, deleted, sizeof deleted);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "@context", AP_CONTEXT, "id",
			      arena_printf(&r->arena, "%s/users/%s", r->core.cfg->base_url, name),
			      "type", "Tombstone", "formerType", "Person", "deleted", deleted);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (s)
		reply_text(r, 410, AP_TYPE, s);
	else
		reply_error(r, 500, "Internal error");
	free(s);
}

/* The local account named by the first path parameter; replies 404 (410
 * for a deleted account: its Tombstone when tombstone is set; or 500)
 * and returns false if there is none. */
static bool local_account(struct req *r, struct account *a, bool tombstone)
{
	const char *name = path_param(r, 0);
	if (!name || !username_valid(name)) {
		reply_error(r, 404, "Record not found");
		return false;
	}
	enum rc rc = account_lookup(&r->core, name, a);
	if (rc == RC_OK && !*a->domain)
		return true;
	if (rc != RC_OK && rc != RC_NOT_FOUND) {
		reply_core_error(r);
		return false;
	}
	int64_t at;
	if (lifecycle_handle_deleted(&r->core, name, &at))
		reply_core_error(r);
	else if (at && tombstone)
		ap_reply_tombstone(r, name, at);
	else if (at)
		reply_error(r, 410, "This account has been deleted");
	else
		reply_error(r, 404, "Record not found");
	return false;
}

void h_ap_actor(struct req *r)
{
	static const char *const offers[] = {AP_ACCEPT_ACTIVITY, AP_ACCEPT_LD, "application/json",
					     "text/html"};
	struct account a;
	reply_header(r, "Vary", "Accept");
	int k = accept_best(req_header(r, "Accept"), offers, 4);
	if (!local_account(r, &a, k != 3))
		return;
	if (k == 3)
		reply_redirect(r, account_url(&r->core, &a));
	else if (k < 0)
		reply_error(r, 406, "Not acceptable: this is application/activity+json");
	else
		ap_reply_actor(r, &a);
}

void h_ap_instance_actor(struct req *r)
{
	const struct config *cfg = r->core.cfg;
	const char *pem, *id = arena_printf(&r->arena, "%s/actor", cfg->base_url);
	if (key_public(&r->core, KEYS_INSTANCE_ACTOR, &pem) != RC_OK) {
		reply_core_error(r);
		return;
	}
	reply_ap(r, json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:{s:s}}", "@context",
			      context(), "id", id, "type", "Application", "inbox",
			      arena_printf(&r->arena, "%s/inbox", id), "outbox",
			      arena_printf(&r->arena, "%s/outbox", id), "preferredUsername",
			      cfg->domain, "url", cfg->base_url, "manuallyApprovesFollowers", 1,
			      "publicKey", public_key(&r->arena, id, pem), "endpoints", "sharedInbox",
			      arena_printf(&r->arena, "%s/inbox", cfg->base_url)));
}

static void collection(struct req *r, const struct account *a, const char *suffix, int64_t n)
{
	reply_ap(r, json_pack("{s:s, s:s, s:s, s:I}", "@context", AP_CONTEXT, "id",
			      arena_printf(&r->arena, "%s%s", account_uri(&r->core, a), suffix),
			      "type", "OrderedCollection", "totalItems", (json_int_t)n));
}

void h_ap_followers(struct req *r)
{
	struct account a;
	if (local_account(r, &a, false))
		collection(r, &a, "/followers", a.followers_count);
}

void h_ap_following(struct req *r)
{
	struct account a;
	if (local_account(r, &a, false))
		collection(r, &a, "/following", a.following_count);
}

void h_ap_outbox(struct req *r)
{
	struct account a;
	if (!local_account(r, &a, false))
		return;
	if (param_has(r, "page") || param_has(r, "max_id")) {
		ap_outbox_page(r, &a); /* federation/outbox_page.c */
		return;
	}
	reply_ap(r, json_pack("{s:s, s:s, s:s, s:I, s:s}", "@context", AP_CONTEXT, "id",
			      arena_printf(&r->arena, "%s/outbox", account_uri(&r->core, &a)),
			      "type", "OrderedCollection", "totalItems", (json_int_t)a.statuses_count,
			      "first",
			      arena_printf(&r->arena, "%s/outbox?page=true",
					   account_uri(&r->core, &a))));
}

/* The pins anyone may see (public and unlisted), as an anonymous reader
 * sees them. */
void h_ap_featured(struct req *r)
{
	struct account a;
	struct account_tl_opts o = {.pinned = true};
	struct page pg = {.limit = 40};
	struct status_list l;
	if (!local_account(r, &a, false))
		return;
	if (timeline_account(&r->core, 0, a.id, &o, &pg, &l) != RC_OK)
		reply_core_error(r);
	else
		collection(r, &a, "/collections/featured", l.n);
}
