/* html.c - the HTML writer, the frames of form and public pages, and the
 * two files pages load (see html.h). */
#include "pages/html.h"
#include "core/text.h"
#include "http/static.h"
#include "util/util.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>

void html_init(struct html *h)
{
	buf_init(&h->b, HTML_CAP);
}

static bool url_allowed(const char *u)
{
	return str_has_prefix(u, "https://") || str_has_prefix(u, "http://") ||
	       (u[0] == '/' && u[1] != '/' && u[1] != '\\');
}

void html_put(struct html *h, const char *tmpl, ...)
{
	va_list ap;
	va_start(ap, tmpl);
	for (const char *p = tmpl; *p;) {
		const char *open = strchr(p, '{');
		size_t lit = open ? (size_t)(open - p) : strlen(p);
		int rc = buf_append(&h->b, p, lit);
		p += lit;
		if (!open)
			break;
		const char *close = strchr(open, '}');
		const char *arg = va_arg(ap, const char *);
		arg = arg ? arg : "";
		char kind = close == open + 2 ? open[1] : 0;
		if (kind == 'h')
			rc = buf_puts(&h->b, arg);
		else if (kind == 'u')
			text_escape_append(&h->b, url_allowed(arg) ? arg : "#",
					   strlen(url_allowed(arg) ? arg : "#"));
		else
			text_escape_append(&h->b, arg, strlen(arg));
		(void)rc; /* overflow is sticky in h->b.over */
		p = close ? close + 1 : open + 1;
	}
	va_end(ap);
}

char *html_finish(struct html *h, struct arena *a)
{
	char *out = h->b.over ? NULL : arena_strndup(a, h->b.data ? h->b.data : "", h->b.len);
	buf_free(&h->b);
	return out;
}

void html_free(struct html *h)
{
	buf_free(&h->b);
}

/* ---- the files pages load ---- */

static const char STYLE[] =
	":root{--bg:#f4f1ec;--fg:#222;--muted:#5f5f5f;--card:#fff;--accent:#2f6f5e;"
	"--line:#e2ddd5}"
	"@media (prefers-color-scheme:dark){:root{--bg:#191b1a;--fg:#e8e6e3;--muted:#a3a09b;"
	"--card:#232625;--accent:#7cc4ad;--line:#363a38}}"
	"*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;margin:0;"
	"background:var(--bg);color:var(--fg)}"
	"a{color:var(--accent)}a:focus-visible,button:focus-visible{outline:3px solid "
	"var(--accent);outline-offset:2px}"
	"main{max-width:40rem;margin:2rem auto;padding:0 1rem}"
	".card{background:var(--card);padding:1.5rem;border-radius:12px;"
	"box-shadow:0 2px 12px #0001;margin-bottom:1rem}"
	"h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.1rem}"
	"label{display:block;margin:.8rem 0 .2rem;font-weight:600}"
	"input[type=text],input[type=email],input[type=password]{width:100%;padding:.6rem;"
	"border:1px solid #bbb;border-radius:8px;font-size:1rem}"
	"button{margin-top:1.2rem;padding:.6rem 1.2rem;border:0;border-radius:8px;"
	"background:var(--accent);color:#fff;font-size:1rem;cursor:pointer}"
	"button.secondary{background:#999;margin-left:.5rem}.error{color:#a11;font-weight:600}"
	"code{background:#8882;padding:.3rem;border-radius:4px;word-break:break-all}"
	".muted{color:var(--muted);font-size:.9rem}"
	".site{max-width:40rem;margin:1rem auto 0;padding:0 1rem;font-weight:600}"
	".site a{text-decoration:none}"
	".profile header{display:flex;gap:1rem;align-items:center}"
	".avatar{width:72px;height:72px;border-radius:12px;object-fit:cover;background:#ccc}"
	".avatar.small{width:40px;height:40px;border-radius:8px}"
	".counts{display:flex;gap:1.5rem;list-style:none;padding:0;margin:.8rem 0}"
	"dl.fields{display:grid;grid-template-columns:minmax(6rem,auto) 1fr;gap:.3rem 1rem;"
	"margin:1rem 0}dl.fields dt{font-weight:600;color:var(--muted)}dl.fields dd{margin:0;"
	"overflow-wrap:anywhere}.verified{color:#1a7f37}"
	"article.status{background:var(--card);padding:1rem 1.2rem;border-radius:12px;"
	"margin-bottom:.8rem;box-shadow:0 1px 6px #0001}"
	"article.status header{display:flex;gap:.6rem;align-items:center}"
	"article.status .content{overflow-wrap:anywhere}"
	"article.status footer{color:var(--muted);font-size:.9rem;display:flex;gap:1rem;"
	"flex-wrap:wrap}article.focus{outline:2px solid var(--accent)}"
	".thread{list-style:none;padding:0;margin:0}.thread .thread{margin-left:1.2rem;"
	"border-left:2px solid var(--line);padding-left:.8rem}"
	".share{display:flex;gap:.5rem}.share button{margin:0;padding:.3rem .8rem;"
	"font-size:.9rem}.invisible{display:none}.ellipsis::after{content:'…'}"
	"details summary{cursor:pointer}"
	/* polls and link cards (pages/extras.c) */
	".poll ul{list-style:none;padding:0;margin:.6rem 0}.poll li{margin:.3rem 0}"
	".poll meter{display:block;width:100%}"
	"a.card{display:flex;gap:.8rem;border:1px solid var(--line);border-radius:10px;"
	"overflow:hidden;margin:.6rem 0;color:inherit;text-decoration:none}"
	"a.card img{width:6rem;height:6rem;object-fit:cover;flex:none}"
	"a.card>span{display:flex;flex-direction:column;gap:.2rem;padding:.6rem .8rem;"
	"min-width:0;overflow-wrap:anywhere}a.card small{color:var(--muted)}";

/* Buttons are rendered hidden and shown only here, so a page without
 * JavaScript shows none that would do nothing. */
static const char SHARE[] =
	"'use strict';\n"
	"document.querySelectorAll('[data-share-url]').forEach(function (el) {\n"
	"  var url = el.getAttribute('data-share-url');\n"
	"  var title = el.getAttribute('data-share-title') || document.title;\n"
	"  var copy = el.querySelector('.copy-link');\n"
	"  var share = el.querySelector('.web-share');\n"
	"  if (copy && navigator.clipboard) {\n"
	"    copy.hidden = false;\n"
	"    copy.addEventListener('click', function () {\n"
	"      navigator.clipboard.writeText(url).then(function () {\n"
	"        copy.textContent = copy.getAttribute('data-done') || 'Copied';\n"
	"      });\n"
	"    });\n"
	"  }\n"
	"  if (share && navigator.share) {\n"
	"    share.hidden = false;\n"
	"    share.addEventListener('click', function () {\n"
	"      navigator.share({ title: title, url: url }).catch(function () {});\n"
	"    });\n"
	"  }\n"
	"});\n";

static struct asset {
	const char *name, *ext, *type;
	const char *data;
	size_t len;
	char url[80], etag[24];
} ASSETS[] = {
	{"style", "css", "text/css; charset=utf-8", STYLE, sizeof STYLE - 1, "", ""},
	{"share", "js", "text/javascript; charset=utf-8", SHARE, sizeof SHARE - 1, "", ""},
};
#define NASSETS (sizeof ASSETS / sizeof ASSETS[0])

static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

static void assets_init(void)
{
	for (size_t i = 0; i < NASSETS; i++) {
		char hex[65];
		sha256_hex(ASSETS[i].data, ASSETS[i].len, hex);
		snprintf(ASSETS[i].url, sizeof ASSETS[i].url, "/pages/%s-%.16s.%s", ASSETS[i].name,
			 hex, ASSETS[i].ext);
		snprintf(ASSETS[i].etag, sizeof ASSETS[i].etag, "\"%.16s\"", hex);
	}
}

const char *page_asset_url(const char *name)
{
	pthread_once(&assets_once, assets_init);
	for (size_t i = 0; i < NASSETS; i++)
		if (!strcmp(ASSETS[i].name, name))
			return ASSETS[i].url;
	return "/";
}

void h_page_asset(struct req *r)
{
	pthread_once(&assets_once, assets_init);
	r->policy = POLICY_ASSET;
	for (size_t i = 0; i < NASSETS; i++)
		if (!strcmp(ASSETS[i].url, r->path)) {
			static_reply(r, ASSETS[i].type, ASSETS[i].etag,
				     "public, max-age=31536000, immutable", ASSETS[i].data,
				     ASSETS[i].len);
			return;
		}
	reply_error(r, 404, "Record not found");
}

/* ---- frames ---- */

static void reply_page(struct req *r, unsigned status, struct html *h)
{
	const char *doc = html_finish(h, &r->arena);
	if (!doc) {
		reply_error(r, 500, "Internal error");
		return;
	}
	reply_html(r, status, doc);
}

void page_reply(struct req *r, unsigned status, const char *title, const char *body)
{
	struct html h;
	html_init(&h);
	html_put(&h,
		 "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		 "<title>{} - {}</title><link rel=\"stylesheet\" href=\"{u}\"></head>"
		 "<body><main class=\"card\">{h}</main></body></html>",
		 title, r->core.cfg->title, page_asset_url("style"), body);
	r->policy = POLICY_PRIVATE;
	reply_page(r, status, &h);
}

static void meta_head(struct html *h, struct req *r, const struct page_meta *m)
{
	const char *site = r->core.cfg->title;
	html_put(h,
		 "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		 "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		 "<title>{} - {}</title><link rel=\"stylesheet\" href=\"{u}\">"
		 "<script src=\"{u}\" defer></script>",
		 m->title, site, page_asset_url("style"), page_asset_url("share"));
	if (m->description)
		html_put(h,
			 "<meta name=\"description\" content=\"{}\">"
			 "<meta property=\"og:description\" content=\"{}\">"
			 "<meta name=\"twitter:description\" content=\"{}\">",
			 m->description, m->description, m->description);
	if (m->canonical)
		html_put(h, "<link rel=\"canonical\" href=\"{u}\"><meta property=\"og:url\" "
			    "content=\"{u}\">",
			 m->canonical, m->canonical);
	if (m->image)
		html_put(h, "<meta property=\"og:image\" content=\"{u}\">", m->image);
	if (m->atom)
		html_put(h, "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{u}\">",
			 m->atom);
	if (m->rss)
		html_put(h, "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"{u}\">",
			 m->rss);
	if (m->noindex)
		html_put(h, "<meta name=\"robots\" content=\"noindex, noarchive\">");
	html_put(h,
		 "<meta property=\"og:type\" content=\"{}\"><meta property=\"og:title\" "
		 "content=\"{}\"><meta property=\"og:site_name\" content=\"{}\">"
		 "<meta name=\"twitter:card\" content=\"summary\"><meta name=\"twitter:title\" "
		 "content=\"{}\"></head>",
		 m->og_type ? m->og_type : "website", m->title, site, m->title);
}

void page_reply_public(struct req *r, unsigned status, const struct page_meta *m,
		       const char *body)
{
	struct html h;
	html_init(&h);
	meta_head(&h, r, m);
	html_put(&h, "<body><nav class=\"site\" aria-label=\"Site\"><a href=\"/\">{}</a></nav>"
		     "<main>{h}</main></body></html>",
		 r->core.cfg->title, body);
	r->policy = POLICY_PUBLIC;
	reply_page(r, status, &h);
}

void page_not_found(struct req *r)
{
	struct page_meta m = {.title = "Not found", .noindex = true};
	page_reply_public(r, 404, &m,
			  "<div class=\"card\"><h1>Not found</h1><p>There is nothing here: the "
			  "account or post does not exist, was deleted, or is not public.</p>"
			  "<p><a href=\"/\">Home</a></p></div>");
}

char *url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}
