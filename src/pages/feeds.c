/* feeds.c - Atom and RSS feeds of a profile's public posts and of a
 * hashtag, the sitemap and robots.txt. Feeds list public statuses only
 * (unlisted ones stay off listings), without replies and reblogs. */
#include "core/accounts.h"
#include "core/text.h"
#include "core/timeline.h"
#include "pages/pages.h"
#include "pages/view.h"
#include "util/util.h"

#include <string.h>
#include <time.h>

#define TITLE_MAX 80
#define SITEMAP_MAX 50000 /* URLs in one sitemap file, by the protocol */

/* RFC 822 as RSS wants it: "Sun, 22 Nov 2026 13:15:30 +0000". */
static const char *rfc822(struct arena *a, int64_t ms)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
			    tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
			    tm.tm_min, tm.tm_sec);
}

static const char *entry_title(struct req *r, const struct status *s)
{
	if (*s->spoiler_text)
		return s->spoiler_text;
	const char *t = view_excerpt(&r->arena, s->content, TITLE_MAX);
	return *t ? t : arena_printf(&r->arena, "Post by %s", view_handle(r, &s->account));
}

/* The body of a feed entry: the content, behind its warning if it has one. */
static const char *entry_html(struct req *r, const struct status *s, unsigned shape)
{
	struct html h;
	html_init(&h);
	if (*s->spoiler_text)
		html_put(&h, "<p><strong>{}</strong></p>", s->spoiler_text);
	html_put(&h, "{h}", s->content);
	view_media(&h, r, s, shape); /* media_view.c */
	return html_finish(&h, &r->arena);
}

/* entry_html, or a failed writer when it could not be made. */
static const char *entry_body(struct html *h, struct req *r, const struct status *s,
			      unsigned shape)
{
	const char *body = entry_html(r, s, shape);
	if (!body)
		h->b.over = true;
	return body ? body : "";
}

static void reply_xml(struct req *r, const char *type, struct html *h)
{
	const char *doc = html_finish(h, &r->arena);
	if (!doc)
		reply_error(r, 500, "Internal error");
	else
		reply_text(r, 200, type, doc);
}

static void atom_entry(struct html *h, struct req *r, const struct status *s, unsigned shape)
{
	const char *url = view_status_url(r, s);
	html_put(h,
		 "<entry><id>{}</id><title>{}</title><link rel=\"alternate\" type=\"text/html\" "
		 "href=\"{u}\"/><published>{}</published><updated>{}</updated>"
		 "<author><name>{}</name><uri>{}</uri></author>"
		 "<content type=\"html\">{}</content>",
		 url, entry_title(r, s), url, view_iso(&r->arena, s->created_at),
		 view_iso(&r->arena, s->edited_at ? s->edited_at : s->created_at),
		 view_name(&s->account), account_url(&r->core, &s->account),
		 entry_body(h, r, s, shape));
	view_enclosures(h, r, s, shape, true);
	html_put(h, "</entry>");
}

static void rss_item(struct html *h, struct req *r, const struct status *s, unsigned shape)
{
	const char *url = view_status_url(r, s);
	html_put(h,
		 "<item><title>{}</title><link>{}</link><guid isPermaLink=\"true\">{}</guid>"
		 "<pubDate>{}</pubDate><description>{}</description>",
		 entry_title(r, s), url, url, rfc822(&r->arena, s->created_at),
		 entry_body(h, r, s, shape));
	view_enclosures(h, r, s, shape, false);
	html_put(h, "</item>");
}

/* The account of /@name.atom or .rss with its feed's statuses and their
 * shapes (view_shapes); false after replying (404 or 500). */
static bool feed_of(struct req *r, struct account *a, struct status_list *l, unsigned **shape)
{
	bool failed;
	if (!view_account(r, path_param(r, 0), a, &failed)) {
		if (!failed)
			reply_error(r, 404, "Record not found");
		return false;
	}
	if (view_statuses(r, a, true, VIEW_POSTS, l) != RC_OK || view_fill(r, l) != RC_OK ||
	    !(*shape = view_shapes(r, l))) {
		reply_core_error(r);
		return false;
	}
	return true;
}

static const char *feed_description(struct req *r, const struct account *a)
{
	const char *d = view_excerpt(&r->arena, a->note_html, 200);
	return *d ? d : arena_printf(&r->arena, "Public posts by %s", view_handle(r, a));
}

void h_feed_atom(struct req *r)
{
	struct account a;
	struct status_list l;
	unsigned *shape;
	if (!feed_of(r, &a, &l, &shape))
		return;
	const char *url = account_url(&r->core, &a);
	int64_t updated = l.n ? l.items[0].created_at : a.updated_at;
	struct html h;
	html_init(&h);
	html_put(&h,
		 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		 "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>{}</id><title>{} ({})</title>"
		 "<subtitle>{}</subtitle><updated>{}</updated>"
		 "<link rel=\"alternate\" type=\"text/html\" href=\"{u}\"/>"
		 "<link rel=\"self\" type=\"application/atom+xml\" href=\"{u}\"/>"
		 "<icon>{u}</icon><author><name>{}</name><uri>{}</uri></author>",
		 url, view_name(&a), view_handle(r, &a), feed_description(r, &a),
		 view_iso(&r->arena, updated), url, arena_printf(&r->arena, "%s.atom", url),
		 view_avatar(r, &a), view_name(&a), url);
	for (int i = 0; i < l.n; i++)
		atom_entry(&h, r, &l.items[i], shape[i]);
	html_put(&h, "</feed>\n");
	reply_xml(r, "application/atom+xml; charset=utf-8", &h);
}

static void rss_head(struct html *h, struct req *r, const char *title, const char *link,
		     const char *self, const char *description, int64_t updated)
{
	html_put(h,
		 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		 "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>"
		 "<title>{}</title><link>{}</link><description>{}</description>"
		 "<atom:link href=\"{u}\" rel=\"self\" type=\"application/rss+xml\"/>"
		 "<lastBuildDate>{}</lastBuildDate><generator>Rapport</generator>",
		 title, link, description, self, rfc822(&r->arena, updated));
}

void h_feed_rss(struct req *r)
{
	struct account a;
	struct status_list l;
	unsigned *shape;
	if (!feed_of(r, &a, &l, &shape))
		return;
	const char *url = account_url(&r->core, &a);
	struct html h;
	html_init(&h);
	rss_head(&h, r, arena_printf(&r->arena, "%s (%s)", view_name(&a), view_handle(r, &a)), url,
		 arena_printf(&r->arena, "%s.rss", url), feed_description(r, &a),
		 l.n ? l.items[0].created_at : a.updated_at);
	html_put(&h, "<image><url>{}</url><title>{} ({})</title><link>{}</link></image>",
		 view_avatar(r, &a), view_name(&a), view_handle(r, &a), url);
	for (int i = 0; i < l.n; i++)
		rss_item(&h, r, &l.items[i], shape[i]);
	html_put(&h, "</channel></rss>\n");
	reply_xml(r, "application/rss+xml; charset=utf-8", &h);
}

void h_feed_tag_rss(struct req *r)
{
	const char *tag = text_tag_key(&r->arena, path_param(r, 0));
	struct status_list l = {0};
	struct page pg = {.limit = VIEW_POSTS};
	unsigned *shape = NULL;
	if ((tag && (timeline_tag(&r->core, 0, tag, 1, &pg, &l) != RC_OK ||
		     view_fill(r, &l) != RC_OK)) ||
	    !(shape = view_shapes(r, &l))) {
		reply_core_error(r);
		return;
	}
	const char *base = r->core.cfg->base_url;
	const char *name = tag ? tag : "";
	struct html h;
	html_init(&h);
	rss_head(&h, r, arena_printf(&r->arena, "#%s", name),
		 arena_printf(&r->arena, "%s/tags/%s", base, name),
		 arena_printf(&r->arena, "%s/tags/%s.rss", base, name),
		 arena_printf(&r->arena, "Public posts tagged #%s on %s", name, r->core.cfg->domain),
		 l.n ? l.items[0].created_at : now_ms());
	for (int i = 0; i < l.n; i++)
		if (l.items[i].visibility == VIS_PUBLIC && !l.items[i].reblog)
			rss_item(&h, r, &l.items[i], shape[i]);
	html_put(&h, "</channel></rss>\n");
	reply_xml(r, "application/rss+xml; charset=utf-8", &h);
}

void h_sitemap(struct req *r)
{
	struct html h;
	html_init(&h);
	html_put(&h, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		     "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
	int64_t after = 0;
	for (int total = 0; total < SITEMAP_MAX;) {
		struct account_list l;
		if (accounts_discoverable(&r->core, after, 1000, &l) != RC_OK) {
			html_free(&h);
			reply_core_error(r);
			return;
		}
		for (int i = 0; i < l.n && total < SITEMAP_MAX; i++, total++) {
			char d[16];
			date_format(l.items[i].last_status_at ? l.items[i].last_status_at
							      : l.items[i].updated_at,
				    d, sizeof d);
			html_put(&h, "<url><loc>{}</loc><lastmod>{}</lastmod></url>",
				 account_url(&r->core, &l.items[i]), d);
		}
		if (l.n < 1000)
			break;
		after = l.items[l.n - 1].id;
	}
	html_put(&h, "</urlset>\n");
	reply_xml(r, "application/xml; charset=utf-8", &h);
}

void h_robots(struct req *r)
{
	reply_text(r, 200, "text/plain; charset=utf-8",
		   arena_printf(&r->arena,
				"User-agent: *\nDisallow: /api/\nDisallow: /oauth/\n"
				"Disallow: /auth/\nAllow: /\n\nSitemap: %s/sitemap.xml\n",
				r->core.cfg->base_url));
}
