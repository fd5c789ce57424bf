/* remote.c - signed fetches of ActivityPub documents and the remote
 * actors made from them (see remote.h). */
#include "federation/remote.h"
#include "core/keys.h"
#include "federation/actor.h"
#include "federation/sanitize.h"
#include "federation/signature.h"
#include "store/accounts.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AP_FETCH_ACCEPT                                                                       \
	"application/activity+json, application/ld+json; "                                    \
	"profile=\"https://www.w3.org/ns/activitystreams\""
#define NAME_MAX_BYTES 400     /* display names: 100 characters of 4 bytes */
#define SUMMARY_MAX (20 * 1024)
#define FIELDS_KEPT 16
#define KEYS_MAX 10

const char *remote_rc_str(enum remote_rc rc)
{
	static const char *const s[] = {
		[REMOTE_OK] = "ok", [REMOTE_INVALID] = "invalid document",
		[REMOTE_GONE] = "gone", [REMOTE_BLOCKED] = "domain blocked",
		[REMOTE_FAILED] = "fetch failed", [REMOTE_ERROR] = "store error",
	};
	return (unsigned)rc < sizeof s / sizeof s[0] ? s[rc] : "failed";
}

/* The parts of an absolute URL, in ar: authority (see remote.h) and the
 * request target (path and query). */
static bool url_parts(const struct config *cfg, struct arena *ar, const char *url,
		      const char **authority, const char **target)
{
	if (!url || strlen(url) > 2048 || strpbrk(url, " \t\r\n#"))
		return false;
	bool https = !strncmp(url, "https://", 8);
	if (!https && !(cfg->fed_insecure && !strncmp(url, "http://", 7)))
		return false;
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && *host;
	if (ok) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		curl_url_get(u, CURLUPART_QUERY, &query, 0);
		for (char *p = host; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		bool dflt = !port || !strcmp(port, https ? "443" : "80");
		*authority = dflt ? arena_strdup(ar, host) : arena_printf(ar, "%s:%s", host, port);
		*target = query ? arena_printf(ar, "%s?%s", path, query) : arena_strdup(ar, path);
	}
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return ok;
}

const char *remote_authority(const struct config *cfg, struct arena *ar, const char *url)
{
	const char *auth, *target;
	return url_parts(cfg, ar, url, &auth, &target) ? auth : NULL;
}

bool remote_context_ok(const json_t *doc)
{
	const json_t *ctx = json_object_get(doc, "@context"), *v;
	size_t i;
	if (json_is_string(ctx))
		return !strcmp(json_string_value(ctx), AP_CONTEXT);
	json_array_foreach(json_is_array(ctx) ? ctx : NULL, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), AP_CONTEXT))
			return true;
	return false;
}

/* application/activity+json, or application/ld+json with the AS profile. */
static bool ap_content_type(const char *ct)
{
	size_t n = strcspn(ct, "; \t");
	if (n == 25 && !strncasecmp(ct, "application/activity+json", 25))
		return true;
	return n == 19 && !strncasecmp(ct, "application/ld+json", 19) &&
	       strstr(ct + n, "https://www.w3.org/ns/activitystreams");
}

static enum remote_rc domain_allowed(struct core *c, const char *authority)
{
	int sev;
	if (store_instance_domain_get(c->db, authority, &sev) != ST_OK)
		return REMOTE_ERROR;
	return sev == INSTANCE_BLOCK ? REMOTE_BLOCKED : REMOTE_OK;
}

/* One signed GET of url, redirects not followed. */
static enum remote_rc get_signed(struct core *c, const char *url, struct fetch_result *res)
{
	const char *auth, *target;
	memset(res, 0, sizeof *res);
	if (!url_parts(c->cfg, c->arena, url, &auth, &target))
		return REMOTE_INVALID;
	enum remote_rc rc = domain_allowed(c, auth);
	if (rc)
		return rc;
	struct key_signer signer = {c, KEYS_INSTANCE_ACTOR};
	struct sig_outgoing o = {.method = "GET", .host = auth, .target = target,
				 .key_id = arena_printf(c->arena, "%s/actor#main-key",
							c->cfg->base_url),
				 .now = now_ms() / 1000};
	struct sig_headers *h = arena_alloc(c->arena, sizeof *h);
	if (sig_sign_cavage(&o, key_sign, &signer, h))
		return REMOTE_ERROR;
	const char *lines[] = {arena_printf(c->arena, "Host: %s", auth),
			       arena_printf(c->arena, "Date: %s", h->date),
			       arena_printf(c->arena, "Signature: %s", h->signature), NULL};
	struct fetch_opts fo = {.accept = AP_FETCH_ACCEPT, .headers = lines, .no_redirect = true};
	enum fetch_rc f = fetch_get_opts(url, &fo, res);
	if (f != FETCH_OK) {
		log_info("federation: GET %s: %s", url, fetch_rc_str(f));
		return f == FETCH_BAD_URL ? REMOTE_INVALID : REMOTE_FAILED;
	}
	return REMOTE_OK;
}

/* The checks of a 200 answer from url (see remote.h). */
static enum remote_rc read_document(const char *url, const struct fetch_result *res, json_t **out)
{
	if (!ap_content_type(res->content_type))
		return REMOTE_INVALID;
	json_t *j = json_loadb(res->body, res->len, JSON_REJECT_DUPLICATES, NULL);
	const char *id = json_string_value(json_object_get(j, "id"));
	if (!json_is_object(j) || !remote_context_ok(j) || !id || strcmp(id, url)) {
		json_decref(j);
		return REMOTE_INVALID;
	}
	*out = j;
	return REMOTE_OK;
}

enum remote_rc remote_fetch(struct core *c, const char *url, json_t **out)
{
	*out = NULL;
	for (int hop = 0; hop <= FETCH_REDIRECTS; hop++) {
		struct fetch_result res;
		enum remote_rc rc = get_signed(c, url, &res);
		if (rc == REMOTE_OK) {
			if (res.status >= 300 && res.status < 400 && res.location)
				url = arena_strdup(c->arena, res.location);
			else if (res.status == 200)
				rc = read_document(url, &res, out);
			else
				rc = res.status == 404 || res.status == 410 ? REMOTE_GONE
									    : REMOTE_FAILED;
		}
		bool redirected = rc == REMOTE_OK && !*out;
		fetch_result_free(&res);
		if (!redirected)
			return rc;
	}
	return REMOTE_FAILED; /* too many redirects */
}

/* ---- actors ---- */

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A JSON value that is a URL string, or an object whose id (or url) is. */
static const char *link_of(const json_t *v, const char *key)
{
	return json_is_string(v) ? json_string_value(v) : str_of(v, key);
}

/* Mastodon's username pattern: [a-z0-9_]+([.-]+[a-z0-9_]+)*, any case. */
static bool remote_username_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 64 || s[0] == '.' || s[0] == '-' || s[n - 1] == '.' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* Plain text cut at most max bytes, on a character boundary. */
static const char *text_cap(struct arena *ar, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n <= max)
		return arena_strdup(ar, s ? s : "");
	while (n > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return arena_strndup(ar, s, max);
}

static const char *html_of(struct arena *ar, const char *html, size_t max)
{
	char *s = sanitize_html(html ? html : "", html ? strlen(html) : 0, max);
	const char *out = arena_strdup(ar, s);
	free(s);
	return out;
}

static bool is_actor_type(const char *t)
{
	static const char *const types[] = {"Application", "Group", "Organization", "Person",
					    "Service"};
	for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(t, types[i]))
			return true;
	return false;
}

/* The key whose owner is the actor and whose id is on the actor's document. */
static bool find_key(const json_t *doc, const char *id, struct remote_actor *ra)
{
	const json_t *pk = json_object_get(doc, "publicKey"), *k;
	size_t i, idn = strlen(id);
	json_t *one = json_is_object(pk) ? json_pack("[O]", pk) : json_incref((json_t *)pk);
	bool found = false;
	json_array_foreach(json_is_array(one) ? one : NULL, i, k)
	{
		const char *kid = str_of(k, "id"), *owner = str_of(k, "owner");
		const char *pem = str_of(k, "publicKeyPem");
		if (i >= KEYS_MAX || !kid || !owner || !pem || strcmp(owner, id) ||
		    strncmp(kid, id, idn) || (kid[idn] && kid[idn] != '#') ||
		    strlen(kid) > SIG_KEYID_MAX || strlen(pem) > 8192)
			continue;
		ra->key_id = kid;
		ra->public_pem = pem;
		found = true;
		break;
	}
	json_decref(one);
	return found;
}

static const char *image_of(const json_t *doc, const char *key)
{
	const json_t *v = json_object_get(doc, key);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	const char *u = link_of(v, "url");
	return u && strlen(u) < 2048 && (str_has_prefix(u, "https://") || str_has_prefix(u, "http://")) &&
			       !strpbrk(u, " \t\r\n\"<>")
		       ? u
		       : "";
}

/* Profile fields: PropertyValue name (text) and value (sanitised HTML). */
static const char *fields_of(struct arena *ar, const json_t *doc)
{
	const json_t *att = json_object_get(doc, "attachment"), *f;
	json_t *out = json_array();
	size_t i;
	json_array_foreach(json_is_array(att) ? att : NULL, i, f)
	{
		const char *t = str_of(f, "type"), *n = str_of(f, "name"), *v = str_of(f, "value");
		if (json_array_size(out) >= FIELDS_KEPT || !t || strcmp(t, "PropertyValue") || !n ||
		    !v)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:s}", "name", text_cap(ar, n, 255),
						     "value", html_of(ar, v, 2048)));
	}
	char *s = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	const char *r = arena_strdup(ar, s ? s : "[]");
	free(s);
	return r;
}

/* The url of the profile page: kept only on the actor's own host. */
static const char *profile_url(struct core *c, const char *id, const char *auth,
			       const json_t *doc)
{
	const char *u = link_of(json_object_get(doc, "url"), "href");
	const char *ua = u ? remote_authority(c->cfg, c->arena, u) : NULL;
	return ua && !strcmp(ua, auth) ? u : id;
}

static void fill_account(struct core *c, const json_t *doc, const char *id, const char *auth,
			 struct account *a)
{
	const char *type = str_of(doc, "type");
	int64_t now = now_ms();
	memset(a, 0, sizeof *a);
	a->id = id_new();
	a->username = arena_strdup(c->arena, str_of(doc, "preferredUsername"));
	a->domain = auth;
	a->display_name = text_cap(c->arena, str_of(doc, "name"), NAME_MAX_BYTES);
	a->note = "";
	a->note_html = html_of(c->arena, str_of(doc, "summary"), SUMMARY_MAX);
	a->fields = fields_of(c->arena, doc);
	a->uri = arena_strdup(c->arena, id);
	a->url = arena_strdup(c->arena, profile_url(c, id, auth, doc));
	a->avatar = arena_strdup(c->arena, image_of(doc, "icon"));
	a->header = arena_strdup(c->arena, image_of(doc, "image"));
	a->locked = json_is_true(json_object_get(doc, "manuallyApprovesFollowers"));
	a->bot = !strcmp(type, "Service") || !strcmp(type, "Application");
	a->discoverable = json_is_true(json_object_get(doc, "discoverable"));
	a->created_at = now;
	a->updated_at = now;
}

static bool endpoint_ok(const struct config *cfg, struct arena *ar, const char *u)
{
	return u && remote_authority(cfg, ar, u);
}

struct upsert_tx {
	struct account *a;
	const struct remote_actor *ra;
};

static enum store_rc upsert_fn(struct db *db, void *arg)
{
	struct upsert_tx *x = arg;
	return store_remote_upsert(db, x->a, x->ra);
}

enum remote_rc remote_actor_store(struct core *c, const json_t *doc, struct account *a,
				  struct remote_actor *ra)
{
	const char *id = str_of(doc, "id"), *inbox = str_of(doc, "inbox");
	const char *auth = id ? remote_authority(c->cfg, c->arena, id) : NULL;
	const json_t *ep = json_object_get(doc, "endpoints");
	const char *shared = str_of(ep, "sharedInbox"), *followers = str_of(doc, "followers");
	memset(ra, 0, sizeof *ra);
	if (!auth || !is_actor_type(str_of(doc, "type")) ||
	    !remote_username_ok(str_of(doc, "preferredUsername")) ||
	    !endpoint_ok(c->cfg, c->arena, inbox) || !find_key(doc, id, ra) ||
	    str_has_prefix(id, c->cfg->base_url))
		return REMOTE_INVALID;
	enum remote_rc rc = domain_allowed(c, auth);
	if (rc)
		return rc;
	ra->inbox = arena_strdup(c->arena, inbox);
	ra->shared_inbox = arena_strdup(c->arena, endpoint_ok(c->cfg, c->arena, shared) ? shared : "");
	ra->followers = arena_strdup(c->arena, endpoint_ok(c->cfg, c->arena, followers) ? followers : "");
	ra->key_id = arena_strdup(c->arena, ra->key_id);
	ra->public_pem = arena_strdup(c->arena, ra->public_pem);
	ra->fetched_at = now_ms();
	ra->indexable = json_is_true(json_object_get(doc, "indexable"));
	fill_account(c, doc, id, auth, a);
	struct upsert_tx x = {a, ra};
	enum store_rc st = store_tx(c->db, upsert_fn, &x);
	if (st == ST_CONFLICT)
		return REMOTE_INVALID; /* its handle is another actor's */
	if (st != ST_OK)
		return REMOTE_ERROR;
	ra->account_id = a->id;
	return REMOTE_OK;
}

static enum remote_rc fetch_actor(struct core *c, const char *uri, struct account *a,
				  struct remote_actor *ra)
{
	json_t *doc;
	enum remote_rc rc = remote_fetch(c, uri, &doc);
	if (rc == REMOTE_OK)
		rc = remote_actor_store(c, doc, a, ra);
	json_decref(doc);
	if (rc)
		log_info("federation: actor %s: %s", uri, remote_rc_str(rc));
	return rc;
}

enum remote_rc remote_actor(struct core *c, const char *uri, bool refresh, struct account *a,
			    struct remote_actor *ra)
{
	if (!uri || str_has_prefix(uri, c->cfg->base_url))
		return REMOTE_INVALID;
	enum store_rc st = store_account_by_uri(c->db, c->arena, uri, a);
	if (st == ST_OK && !refresh && *a->domain) {
		st = store_remote_get(c->db, c->arena, a->id, ra);
		if (st == ST_OK)
			return REMOTE_OK;
	}
	if (st != ST_OK && st != ST_NOT_FOUND)
		return REMOTE_ERROR;
	if (st == ST_OK && !*a->domain)
		return REMOTE_INVALID;
	return fetch_actor(c, uri, a, ra);
}

enum remote_rc remote_key(struct core *c, const char *key_id, bool refresh,
			  struct remote_actor *ra)
{
	enum store_rc st = store_remote_by_key(c->db, c->arena, key_id, ra);
	if (st != ST_OK && st != ST_NOT_FOUND)
		return REMOTE_ERROR;
	if (st == ST_OK && (!refresh || now_ms() - ra->fetched_at < REMOTE_REFRESH_MS))
		return REMOTE_OK;
	const char *actor = arena_strndup(c->arena, key_id, strcspn(key_id, "#"));
	struct account a;
	enum remote_rc rc = fetch_actor(c, actor, &a, ra);
	if (rc == REMOTE_OK && strcmp(ra->key_id, key_id))
		return REMOTE_INVALID;
	return rc;
}
