/* public.c - the public profile and post pages, readable without
 * JavaScript and without an account. Only local accounts have pages;
 * only what an anonymous reader may see is shown (public and unlisted
 * statuses), so a page can be cached and shared. */
#include "api/api.h"
#include "core/moderation.h"
#include "core/accounts.h"
#include "core/lifecycle.h"
#include "core/statuses.h"
#include "federation/activity.h"
#include "federation/actor.h"
#include "federation/object.h"
#include "http/accept.h"
#include "pages/pages.h"
#include "pages/view.h"
#include "util/util.h"

#include <jansson.h>
#include <string.h>

#define DESCRIPTION_MAX 200
#define THREAD_SHOWN 300 /* replies shown under a post */
#define THREAD_DEPTH 8   /* deeper replies are shown at this depth */

/* HTML (0), JSON (1) or, where activitypub is true, ActivityPub (2) for
 * this request, -1 after a 406. Either way the answer varies with Accept. */
static int negotiate(struct req *r, bool activitypub)
{
	static const char *const offers[] = {"text/html", "application/json", AP_ACCEPT_ACTIVITY,
					     AP_ACCEPT_LD};
	reply_header(r, "Vary", "Accept");
	int k = accept_best(req_header(r, "Accept"), offers, activitypub ? 4 : 2);
	if (k < 0)
		reply_error(r, 406, "Not acceptable: this page is text/html or application/json%s",
			    activitypub ? " or application/activity+json" : "");
	return k > 2 ? 2 : k;
}

static bool is_url(const char *v)
{
	return (str_has_prefix(v, "https://") || str_has_prefix(v, "http://")) &&
	       !strpbrk(v, " \t\r\n\"<>");
}

/* The profile fields: a value that is a link says rel="me", and shows the
 * check when its page links back (verified_at). */
static void fields(struct html *h, const char *stored)
{
	json_t *arr = json_loads(stored ? stored : "[]", 0, NULL), *f;
	size_t i;
	if (!json_is_array(arr) || !json_array_size(arr)) {
		json_decref(arr);
		return;
	}
	html_put(h, "<dl class=\"fields\">");
	json_array_foreach(arr, i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(f, "value"));
		const char *at = json_string_value(json_object_get(f, "verified_at"));
		html_put(h, "<dt>{}</dt><dd>", n);
		if (v && is_url(v))
			html_put(h, "<a href=\"{u}\" rel=\"me nofollow noopener noreferrer\">{}</a>", v,
				 v);
		else
			html_put(h, "{}", v);
		if (at && v && is_url(v))
			html_put(h, " <span class=\"verified\" title=\"Verified on {}\">&#10003; "
				    "verified</span>",
				 at);
		html_put(h, "</dd>");
	}
	html_put(h, "</dl>");
	json_decref(arr);
}

static void share(struct html *h, const char *url, const char *title)
{
	html_put(h,
		 "<div class=\"share\" data-share-url=\"{}\" data-share-title=\"{}\">"
		 "<button type=\"button\" class=\"copy-link\" data-done=\"Link copied\" hidden>"
		 "Copy link</button><button type=\"button\" class=\"web-share\" hidden>Share"
		 "</button></div>",
		 url, title);
}

static const char *num(struct req *r, int64_t n)
{
	return arena_printf(&r->arena, "%lld", (long long)n);
}

static void profile_card(struct html *h, struct req *r, const struct account *a,
			 const char *url)
{
	html_put(h,
		 "<section class=\"card profile\"><header><img class=\"avatar\" src=\"{u}\" "
		 "alt=\"\" width=\"72\" height=\"72\"><div><h1>{}</h1><p class=\"muted\">{}</p>"
		 "</div></header><div class=\"note\">{h}</div>",
		 view_avatar(r, a), view_name(a), view_handle(r, a), a->note_html);
	fields(h, a->fields);
	html_put(h,
		 "<ul class=\"counts\"><li><strong>{}</strong> posts</li><li><strong>{}</strong> "
		 "following</li><li><strong>{}</strong> followers</li></ul>",
		 num(r, a->statuses_count), num(r, a->following_count), num(r, a->followers_count));
	share(h, url, view_name(a));
	interact_form(h, account_uri(&r->core, a));
	html_put(h, "<p class=\"muted\">Feeds: <a href=\"{u}\">Atom</a> · <a href=\"{u}\">RSS</a>"
		    "</p></section>",
		 arena_printf(&r->arena, "%s.atom", url), arena_printf(&r->arena, "%s.rss", url));
}

/* No account by that name: 410 for a deleted account's handle (its
 * Tombstone to ActivityPub), else 404, as JSON (kind >= 1) or a page. */
static void profile_missing(struct req *r, const char *name, int kind)
{
	int64_t at = 0;
	if (name && username_valid(name) && lifecycle_handle_deleted(&r->core, name, &at))
		reply_core_error(r);
	else if (at && kind == 2)
		ap_reply_tombstone(r, name, at);
	else if (at && kind == 1)
		reply_error(r, 410, "This account has been deleted");
	else if (at)
		page_reply(r, 410, "Deleted", "<h1>This account has been deleted</h1>");
	else if (kind >= 1)
		reply_error(r, 404, "Record not found");
	else
		page_not_found(r);
}

void h_page_profile(struct req *r)
{
	struct account a;
	bool failed;
	int kind = negotiate(r, true);
	if (kind < 0)
		return;
	if (!view_account(r, path_param(r, 0), &a, &failed)) {
		if (!failed)
			profile_missing(r, path_param(r, 0), kind);
		return;
	}
	bool suspended;
	if (api_check(r, moderation_suspended(&r->core, a.id, &suspended)))
		return;
	if (suspended) {
		if (kind >= 1)
			reply_error(r, 410, "This account is suspended");
		else
			page_reply(r, 410, "Suspended", "<h1>This account is suspended</h1>");
		return;
	}
	if (kind == 2) {
		ap_reply_actor(r, &a);
		return;
	}
	if (kind == 1) {
		reply_json(r, 200, ent_account(r, &a));
		return;
	}
	struct status_list l;
	const char **articles;
	if (api_check(r, view_statuses(r, &a, false, VIEW_POSTS, &l)) ||
	    api_check(r, view_render(r, &l, NULL, &articles)))
		return;
	const char *url = account_url(&r->core, &a);
	struct html h;
	html_init(&h);
	profile_card(&h, r, &a, url);
	html_put(&h, "<h2>Posts</h2>");
	for (int i = 0; i < l.n; i++)
		html_put(&h, "{h}", articles[i]);
	if (!l.n)
		html_put(&h, "<p class=\"muted\">No public posts yet.</p>");
	const char *body = html_finish(&h, &r->arena);
	const char *desc = view_excerpt(&r->arena, a.note_html, DESCRIPTION_MAX);
	struct page_meta m = {
		.title = arena_printf(&r->arena, "%s (%s)", view_name(&a), view_handle(r, &a)),
		.description = *desc ? desc : arena_printf(&r->arena, "Posts by %s", view_name(&a)),
		.canonical = url,
		.image = view_avatar(r, &a),
		.og_type = "profile",
		.atom = arena_printf(&r->arena, "%s.atom", url),
		.rss = arena_printf(&r->arena, "%s.rss", url),
		.noindex = !a.discoverable,
	};
	if (!body)
		reply_error(r, 500, "Internal error");
	else
		page_reply_public(r, 200, &m, body);
}

/* Depth of each descendant below the post (1 = a direct reply). */
static int depth_of(const struct status_list *d, const int *depth, int i, int64_t root)
{
	int64_t parent = d->items[i].in_reply_to_id;
	if (parent == root)
		return 1;
	for (int j = i - 1; j >= 0; j--)
		if (d->items[j].id == parent)
			return depth[j] < THREAD_DEPTH ? depth[j] + 1 : THREAD_DEPTH;
	return 1;
}

/* Descendants, depth first, as nested lists. */
static void replies(struct html *h, struct req *r, const struct status_list *d,
		    const char **articles, int64_t root)
{
	int n = d->n, level = 0;
	int *depth = arena_calloc(&r->arena, (size_t)n + 1, sizeof *depth);
	for (int i = 0; i < n; i++) {
		int k = depth[i] = depth_of(d, depth, i, root);
		if (k > level) {
			while (level < k) {
				html_put(h, "<ol class=\"thread\">");
				if (++level < k)
					html_put(h, "<li>");
			}
		} else {
			html_put(h, "</li>");
			for (; level > k; level--)
				html_put(h, "</ol></li>");
		}
		html_put(h, "<li>{h}", articles[i]);
	}
	if (!level)
		return;
	html_put(h, "</li>");
	for (; level > 1; level--)
		html_put(h, "</ol></li>");
	html_put(h, "</ol>");
}

static void status_page(struct req *r, const struct account *a, const struct status *s,
			struct status_list *up, struct status_list *down)
{
	const char **above, **below;
	/* What the page's statuses have, learnt in one statement for all. */
	struct status_list all = {arena_calloc(&r->arena, (size_t)(up->n + down->n) + 1,
					       sizeof *all.items), 0};
	all.items[all.n++] = *s;
	for (int i = 0; i < up->n; i++)
		all.items[all.n++] = up->items[i];
	for (int i = 0; i < down->n; i++)
		all.items[all.n++] = down->items[i];
	unsigned *shape = view_shapes(r, &all);
	int nup = up->n; /* view_render drops from up what was deleted meanwhile */
	if (!shape || api_check(r, view_render(r, up, shape + 1, &above)) ||
	    api_check(r, view_render(r, down, shape + 1 + nup, &below))) {
		if (!shape)
			reply_core_error(r);
		return;
	}
	struct html h;
	html_init(&h);
	for (int i = 0; i < up->n; i++)
		html_put(&h, "{h}", above[i]);
	const char *own = view_article_focus(r, s, shape[0]);
	if (!own) {
		html_free(&h);
		reply_error(r, 500, "Internal error");
		return;
	}
	html_put(&h, "{h}", own);
	if (!view_extras(&h, r, s, shape[0])) {
		html_free(&h);
		reply_core_error(r);
		return;
	}
	const char *url = view_status_url(r, s);
	share(&h, url, view_name(a));
	interact_form(&h, ap_status_uri(&r->core, s));
	if (down->n)
		html_put(&h, "<h2>Replies</h2>");
	replies(&h, r, down, below, s->id);
	const char *body = html_finish(&h, &r->arena);
	const char *text = *s->spoiler_text ? s->spoiler_text
					    : view_excerpt(&r->arena, s->content, DESCRIPTION_MAX);
	struct page_meta m = {
		.title = arena_printf(&r->arena, "%s: \"%s\"", view_name(a),
				      view_excerpt(&r->arena, *s->spoiler_text ? "" : s->content,
						   60)),
		.description = text,
		.canonical = url,
		.image = view_avatar(r, a),
		.og_type = "article",
		.noindex = !a->discoverable,
	};
	if (*s->spoiler_text)
		m.title = arena_printf(&r->arena, "%s: %s", view_name(a), s->spoiler_text);
	if (!body)
		reply_error(r, 500, "Internal error");
	else
		page_reply_public(r, 200, &m, body);
}

static bool thread_of(struct req *r, const struct status *s, struct status_list *up,
		      struct status_list *down)
{
	if (status_context_of(&r->core, 0, s, up, down) != RC_OK) {
		reply_core_error(r);
		return false;
	}
	if (down->n > THREAD_SHOWN)
		down->n = THREAD_SHOWN;
	return true;
}

void h_page_status(struct req *r)
{
	struct account a;
	struct status s;
	int64_t id;
	bool failed;
	int kind = negotiate(r, true);
	if (kind < 0 || !view_account(r, path_param(r, 0), &a, &failed) ||
	    !id_parse(path_param(r, 1), &id) ||
	    (kind == 2 ? ap_status_for_fetch(r, id, &s) : status_load(&r->core, 0, id, &s)) ||
	    s.account_id != a.id || s.reblog) {
		if (kind < 0 || failed)
			return;
		if (r->core.err.rc == RC_INTERNAL)
			reply_core_error(r);
		else if (kind == 1)
			reply_error(r, 404, "Record not found");
		else
			page_not_found(r);
		return;
	}
	if (kind == 1) {
		reply_json(r, 200, ent_status(r, &s));
		return;
	}
	if (kind == 2) {
		ap_reply_note(r, &s);
		return;
	}
	struct status_list up, down;
	if (thread_of(r, &s, &up, &down))
		status_page(r, &a, &s, &up, &down);
}
