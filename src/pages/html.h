/* html.h - the one writer of server-rendered HTML and XML (pages, feeds),
 * and the frames of pages.
 *
 * Every string that reaches a page or a feed goes through html_put(): its
 * template is our own markup, its arguments are escaped (or, for URLs,
 * checked and escaped) unless they are HTML our formatter made. The writer
 * has a cap; past it the page is not sent (500). */
#ifndef RAPPORT_HTML_H
#define RAPPORT_HTML_H

#include "http/http.h"
#include "util/buf.h"

#define HTML_CAP (4u << 20)

struct html {
	struct buf b;
};

void html_init(struct html *h);
/* Appends tmpl, replacing each placeholder by the next argument, a
 * const char * (NULL counts as ""):
 *   {}   text: & < > " ' escaped, control characters replaced
 *   {u}  a URL: kept only if it is http:, https: or a path ("/..."),
 *        otherwise "#"; then escaped like text
 *   {h}  HTML made by core/text.c's formatter (statuses' content, notes),
 *        which escaped the user's text itself: appended as it is
 * Anything else in tmpl is appended as it is: never pass user data as tmpl. */
void html_put(struct html *h, const char *tmpl, ...);
/* The document in the arena, or NULL if the cap was passed; frees h. */
char *html_finish(struct html *h, struct arena *a);
void html_free(struct html *h);

/* The metadata of a public page, each escaped by the frame. */
struct page_meta {
	const char *title;       /* <title> and og:title */
	const char *description; /* meta description, og/twitter description */
	const char *canonical;   /* absolute URL: link rel=canonical, og:url */
	const char *image;       /* absolute URL or NULL */
	const char *og_type;     /* "profile", "article", "website" */
	const char *atom, *rss;  /* feed URLs to announce, or NULL */
	bool noindex;            /* robots: noindex (accounts not discoverable) */
};

/* Replies with a form page (sign-up, OAuth): title is escaped, body is
 * trusted markup built with html_put. POLICY_PRIVATE. */
void page_reply(struct req *r, unsigned status, const char *title, const char *body);
/* Replies with a public page: head from m, body as built by html_put, our
 * stylesheet and the share script. POLICY_PUBLIC. */
void page_reply_public(struct req *r, unsigned status, const struct page_meta *m,
		       const char *body);
/* The 404 page of the public site. */
void page_not_found(struct req *r);
/* Percent-encodes s for a URL query component. */
char *url_encode(struct arena *a, const char *s);

/* The files pages load, carried by the program: "/pages/style-HASH.css"
 * and "/pages/share-HASH.js" (the hash of their content, so they are
 * cached for a year). */
const char *page_asset_url(const char *name);
/* GET /pages/:file */
void h_page_asset(struct req *r);

#endif
