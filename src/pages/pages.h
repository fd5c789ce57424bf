/* pages.h - the handlers of the server-rendered site: the landing page
 * (or the web app's shell once it is built), static files, public
 * profiles and posts, feeds, the sitemap and robots.txt, and the fallback
 * for paths no route names. */
#ifndef RAPPORT_PAGES_H
#define RAPPORT_PAGES_H

#include "http/http.h"

/* pages.c */
/* GET /: build/web/index.html (the app) when it exists, else the landing page. */
void h_page_root(struct req *r);
/* GET /assets/ and the rest of the path: files of the built app (http/static.h). */
void h_static_assets(struct req *r);
/* Any path no route matches: JSON 404 for programs and under the API's
 * prefixes; for browsers (Accept prefers text/html), the app's shell if it
 * is built (its own routes, such as /home), else the HTML 404 page. */
void h_fallback(struct req *r);

/* public.c: pages that work without JavaScript */
/* GET /@:name: the profile and its recent public posts; with Accept:
 * application/json, the Account entity; 406 for types offered by neither. */
void h_page_profile(struct req *r);
/* GET /@:name/:id: a public post with its public thread. */
void h_page_status(struct req *r);

/* interact.c: remote interaction (see there) */
/* GET /interact?uri=&acct=: the page that leads acct to uri on their server. */
void h_interact(struct req *r);
/* GET /authorize_interaction?uri=: the web app's search on uri. */
void h_authorize_interaction(struct req *r);
/* The "from your own server" form for the object uri, on public pages. */
struct html;
void interact_form(struct html *h, const char *uri);

/* feeds.c */
void h_feed_atom(struct req *r);     /* GET /@:name.atom */
void h_feed_rss(struct req *r);      /* GET /@:name.rss */
void h_feed_tag_rss(struct req *r);  /* GET /tags/:tag.rss */
void h_sitemap(struct req *r);       /* GET /sitemap.xml */
void h_robots(struct req *r);        /* GET /robots.txt */

#endif
