/* resolve.c - WebFinger client and search resolution (see resolve.h). */
#include "federation/resolve.h"
#include "federation/actor.h"
#include "federation/inbox_internal.h"
#include "federation/remote.h"
#include "core/text.h"
#include "store/accounts.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <string.h>
#include <strings.h>

#define HANDLE_MAX 256

static bool self_link(const json_t *l)
{
	const char *rel = json_string_value(json_object_get(l, "rel"));
	const char *type = json_string_value(json_object_get(l, "type"));
	return rel && type && !strcmp(rel, "self") &&
	       (!strcmp(type, AP_ACCEPT_ACTIVITY) ||
		!strcmp(type, "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\""));
}

const char *webfinger_lookup(struct core *c, const char *user, const char *host)
{
	char *res = curl_easy_escape(NULL, arena_printf(c->arena, "acct:%s@%s", user, host), 0);
	const char *url = arena_printf(c->arena, "%s://%s/.well-known/webfinger?resource=%s",
				       c->cfg->fed_insecure ? "http" : "https", host, res ? res : "");
	curl_free(res);
	struct fetch_result fr;
	enum fetch_rc rc = fetch_get(url, "application/jrd+json, application/json", &fr);
	const char *href = NULL;
	if (rc == FETCH_OK && fr.status == 200) {
		json_t *j = json_loadb(fr.body, fr.len, JSON_REJECT_DUPLICATES, NULL), *l;
		size_t i;
		json_array_foreach(json_is_array(json_object_get(j, "links")) ? json_object_get(j, "links") : NULL, i, l)
		{
			const char *h = json_string_value(json_object_get(l, "href"));
			if (self_link(l) && h) {
				href = arena_strdup(c->arena, h);
				break;
			}
		}
		json_decref(j);
	} else {
		log_info("webfinger: %s@%s: %s %ld", user, host, fetch_rc_str(rc), fr.status);
	}
	fetch_result_free(&fr);
	return href;
}

/* "@user@host" or "user@host" (host with an optional port) into parts. */
static bool parse_handle(struct arena *ar, const char *q, const char **user, const char **host)
{
	if (*q == '@')
		q++;
	const char *at = strchr(q, '@');
	size_t n = strlen(q);
	if (!at || at == q || n > HANDLE_MAX || strchr(at + 1, '@') || !at[1])
		return false;
	for (const char *p = q; p < at; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return false;
	for (const char *p = at + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-:", *p))
			return false;
	*user = arena_strndup(ar, q, (size_t)(at - q));
	*host = arena_strdup(ar, at + 1);
	for (char *p = (char *)*host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return true;
}

/* The loop-back check of the actor document doc found for user@host. */
static bool loops_back(struct core *c, const json_t *doc, const char *user, const char *host)
{
	const char *id = json_string_value(json_object_get(doc, "id"));
	const char *name = json_string_value(json_object_get(doc, "preferredUsername"));
	const char *auth = id ? remote_authority(c->cfg, c->arena, id) : NULL;
	if (!name || !auth)
		return false;
	if (!strcasecmp(name, user) && !strcmp(auth, host))
		return true;
	const char *again = webfinger_lookup(c, name, auth);
	return again && !strcmp(again, id);
}

static enum rc by_handle(struct core *c, const char *user, const char *host,
			 enum resolved_kind *kind, struct account *a)
{
	const char *href = webfinger_lookup(c, user, host);
	json_t *doc = NULL;
	struct remote_actor ra;
	enum remote_rc rc = href ? remote_fetch(c, href, &doc) : REMOTE_FAILED;
	if (rc == REMOTE_OK && loops_back(c, doc, user, host))
		rc = remote_actor_store(c, doc, a, &ra);
	else if (rc == REMOTE_OK)
		rc = REMOTE_INVALID;
	json_decref(doc);
	if (rc == REMOTE_OK)
		*kind = RESOLVED_ACCOUNT;
	return rc == REMOTE_ERROR ? core_store_fail(c, ST_ERROR) : RC_OK;
}

/* A URL: a status (ours or known, else fetched) or an actor. */
static enum rc by_url(struct core *c, const char *url, enum resolved_kind *kind,
		      struct account *a, int64_t *status_id)
{
	struct remote_actor ra;
	enum ap_rc ar = inbox_fetch_status(c, url, 1, status_id);
	if (ar == AP_ERROR)
		return core_store_fail(c, ST_ERROR);
	if (*status_id) {
		*kind = RESOLVED_STATUS;
		return RC_OK;
	}
	if (str_has_prefix(url, c->cfg->base_url))
		return RC_OK;
	enum remote_rc rc = remote_actor(c, url, false, a, &ra);
	if (rc == REMOTE_OK)
		*kind = RESOLVED_ACCOUNT;
	return rc == REMOTE_ERROR ? core_store_fail(c, ST_ERROR) : RC_OK;
}

enum rc resolve_remote(struct core *c, const char *q, enum resolved_kind *kind,
		       struct account *account, int64_t *status_id)
{
	const char *user, *host;
	*kind = RESOLVED_NONE;
	*status_id = 0;
	if (!q)
		return RC_OK;
	if (str_has_prefix(q, "https://") || str_has_prefix(q, "http://"))
		return by_url(c, q, kind, account, status_id);
	if (!parse_handle(c->arena, q, &user, &host) || !strcasecmp(host, c->cfg->domain))
		return RC_OK;
	return by_handle(c, user, host, kind, account);
}

/* ---- mentions in a post ---- */

struct mention_pass {
	struct core *c;
	enum rc rc;
};

/* text_format's resolver: looks each unknown remote handle up; it never
 * formats anything. */
static bool resolve_unknown(void *ctx, const char *username, const char *domain,
			    struct text_mention *out)
{
	struct mention_pass *p = ctx;
	struct core *c = p->c;
	struct account a;
	(void)out;
	if (p->rc != RC_OK || !*domain || str_ieq(domain, c->cfg->domain))
		return false;
	enum store_rc st = store_account_by_name(c->db, c->arena, username, domain, &a);
	if (st != ST_NOT_FOUND) {
		if (st != ST_OK)
			p->rc = core_store_fail(c, st);
		return false;
	}
	enum resolved_kind kind;
	int64_t sid;
	p->rc = resolve_remote(c, arena_printf(c->arena, "%s@%s", username, domain), &kind, &a,
			       &sid);
	return false;
}

enum rc resolve_mentions(struct core *c, const char *text)
{
	struct mention_pass p = {c, RC_OK};
	struct text_formatted f;
	/* a text it cannot read is refused by the write itself */
	if (text)
		text_format(c->arena, text, c->cfg->base_url, resolve_unknown, &p, &f);
	return p.rc;
}
