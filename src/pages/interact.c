/* interact.c - remote interaction: someone on another server follows,
 * replies to or likes what they see on a public page here, from their own
 * server; and people of this server arriving from elsewhere.
 *
 * The public pages carry a form ("Follow, reply or like from your own
 * server") that sends the object's id and the person's handle to
 * GET /interact. Rapport looks the handle up with WebFinger (https; http
 * in the federation test mode; util/fetch.c's SSRF guard) and reads the
 * template their server publishes for it: Mastodon's OStatus subscribe
 * link (`http://ostatus.org/schema/1.0/subscribe`, `{uri}`) or the
 * FEP-3b86 Object intent (`{object}`). The answer is a page with the link
 * to follow, not a redirect: the pages' Content-Security-Policy allows
 * forms to lead to this site only.
 *
 * GET /authorize_interaction?uri=URI is the same entry point on our side
 * (WebFinger advertises it, as Mastodon's does, with the FEP-3b86 intents):
 * it opens the web app's search on URI, which resolves it, so the person
 * can follow, reply, favourite or boost it there. */
#include "api/api.h"
#include "pages/html.h"
#include "pages/pages.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <jansson.h>
#include <string.h>

#define INTERACT_URI_MAX 2048
#define HANDLE_PART_MAX 253

static const char *const SUBSCRIBE = "http://ostatus.org/schema/1.0/subscribe";
static const char *const FEP_OBJECT = "https://w3id.org/fep/3b86/Object";

void interact_form(struct html *h, const char *uri)
{
	html_put(h,
		 "<form class=\"interact\" action=\"/interact\" method=\"get\">"
		 "<input type=\"hidden\" name=\"uri\" value=\"{}\">"
		 "<label>Follow, reply or like from your own server "
		 "<input name=\"acct\" placeholder=\"you@your.server\" required "
		 "autocomplete=\"off\" spellcheck=\"false\"></label> "
		 "<button type=\"submit\">Continue</button></form>",
		 uri);
}

static bool web_url(const struct config *cfg, const char *u)
{
	return u && strlen(u) <= INTERACT_URI_MAX && !strpbrk(u, " \t\r\n\"<>") &&
	       (str_has_prefix(u, "https://") || (cfg->fed_insecure && str_has_prefix(u, "http://")));
}

/* "user@host" or "@user@host" (host with a port in the test mode). */
static bool split_handle(struct arena *ar, const char *acct, const char **user, const char **host)
{
	if (*acct == '@')
		acct++;
	const char *at = strchr(acct, '@');
	if (!at || at == acct || !at[1] || strchr(at + 1, '@') || strlen(at + 1) > HANDLE_PART_MAX ||
	    (size_t)(at - acct) > 64)
		return false;
	for (const char *p = acct; p < at; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return false;
	for (const char *p = at + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-:", *p))
			return false;
	*user = arena_strndup(ar, acct, (size_t)(at - acct));
	*host = arena_strdup(ar, at + 1);
	return true;
}

/* The template of link rel in a WebFinger answer, or NULL. */
static const char *template_of(struct arena *ar, json_t *jrd, const char *rel)
{
	json_t *links = json_object_get(jrd, "links"), *l;
	size_t i;
	json_array_foreach(json_is_array(links) ? links : NULL, i, l)
	{
		const char *r = json_string_value(json_object_get(l, "rel"));
		const char *t = json_string_value(json_object_get(l, "template"));
		if (r && t && !strcmp(r, rel))
			return arena_strdup(ar, t);
	}
	return NULL;
}

/* t with its one `var` replaced by value (percent-encoded); NULL if t
 * has no such variable. */
static const char *expand(struct arena *ar, const char *t, const char *var, const char *value)
{
	const char *at = strstr(t, var);
	if (!at)
		return NULL;
	return arena_printf(ar, "%.*s%s%s", (int)(at - t), t, url_encode(ar, value),
			    at + strlen(var));
}

/* Where user@host's server lets them interact with uri, or NULL. */
static const char *interaction_url(struct req *r, const char *user, const char *host,
				   const char *uri)
{
	const struct config *cfg = r->core.cfg;
	const char *res = url_encode(&r->arena, arena_printf(&r->arena, "acct:%s@%s", user, host));
	const char *wf = arena_printf(&r->arena, "%s://%s/.well-known/webfinger?resource=%s",
				      cfg->fed_insecure ? "http" : "https", host, res);
	struct fetch_result fr;
	const char *out = NULL;
	enum fetch_rc rc = fetch_get(wf, "application/jrd+json, application/json", &fr);
	if (rc == FETCH_OK && fr.status == 200) {
		json_t *jrd = json_loadb(fr.body, fr.len, JSON_REJECT_DUPLICATES, NULL);
		const char *t = template_of(&r->arena, jrd, SUBSCRIBE);
		out = t ? expand(&r->arena, t, "{uri}", uri) : NULL;
		if (!out && (t = template_of(&r->arena, jrd, FEP_OBJECT)))
			out = expand(&r->arena, t, "{object}", uri);
		json_decref(jrd);
	} else {
		log_info("interact: webfinger %s@%s: %s %ld", user, host, fetch_rc_str(rc), fr.status);
	}
	fetch_result_free(&fr);
	return web_url(cfg, out) ? out : NULL;
}

static void answer(struct req *r, unsigned status, const char *title, const char *tmpl,
		   const char *arg)
{
	struct html h;
	html_init(&h);
	html_put(&h, tmpl, arg);
	const char *body = html_finish(&h, &r->arena);
	if (!body)
		reply_error(r, 500, "Internal error");
	else
		page_reply(r, status, title, body);
}

void h_interact(struct req *r)
{
	const char *uri = param_str(r, "uri"), *acct = param_str(r, "acct"), *user, *host;
	if (!web_url(r->core.cfg, uri) || !acct ||
	    !split_handle(&r->arena, acct, &user, &host)) {
		answer(r, 400, "Interact from your server",
		       "<h1>That does not look like a handle</h1><p>Type your full handle, such as "
		       "<code>you@your.server</code>{}</p>",
		       ".");
		return;
	}
	const char *to = interaction_url(r, user, host, uri);
	if (!to) {
		answer(r, 404, "Interact from your server",
		       "<h1>Your server could not be found</h1><p>No server answered for "
		       "<code>{}</code>, or it does not say where to interact.</p>",
		       acct);
		return;
	}
	answer(r, 200, "Interact from your server",
	       "<h1>Continue on your server</h1><p><a class=\"button\" href=\"{u}\" "
	       "rel=\"nofollow noopener\">Open it on your server</a></p>",
	       to);
}

void h_authorize_interaction(struct req *r)
{
	const char *uri = param_str(r, "uri");
	if (!uri || !*uri || strlen(uri) > INTERACT_URI_MAX ||
	    !(str_has_prefix(uri, "https://") || str_has_prefix(uri, "http://") ||
	      strchr(uri, '@'))) {
		answer(r, 400, "Interact", "<h1>Nothing to open</h1><p>The link names no account "
					   "or post{}</p>",
		       ".");
		return;
	}
	reply_redirect(r, arena_printf(&r->arena, "/#/search?q=%s", url_encode(&r->arena, uri)));
}
