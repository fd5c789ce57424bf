/* linkcard.c - OpenGraph and HTML meta into a preview card (linkcard.h). */
#include "core/linkcard.h"
#include "util/gumbo_heap.h"
#include "util/util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <gumbo.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

/* ---- clean text ---- */

/* s as one line of plain text: control and format-breaking characters
 * dropped (bidi overrides included), and U+FFFD (what the parser made of
 * bytes that were not UTF-8, or of controls), white space runs as one space, no
 * space at either end, at most max bytes cut at a character boundary. */
static const char *clean_text(struct arena *ar, const char *s, size_t max)
{
	size_t n = strlen(s), o = 0;
	char *out = arena_alloc(ar, n + 1);
	bool space = false;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0) { /* gumbo gives valid UTF-8; skip a stray byte anyway */
			p++;
			left--;
			continue;
		}
		utf8proc_category_t cat = utf8proc_category(cp);
		bool ws = cat == UTF8PROC_CATEGORY_ZS || cp == '\t' || cp == '\n' || cp == '\r' ||
			  cp == 0x2028 || cp == 0x2029;
		bool drop = !ws && (cat == UTF8PROC_CATEGORY_CC || cat == UTF8PROC_CATEGORY_CF ||
				    cat == UTF8PROC_CATEGORY_CS || cat == UTF8PROC_CATEGORY_CO ||
				    cat == UTF8PROC_CATEGORY_CN || cp == 0xFFFD);
		if (ws) {
			space = o > 0;
		} else if (!drop) {
			if (o + (space ? 1 : 0) + (size_t)k > max)
				break;
			if (space)
				out[o++] = ' ';
			space = false;
			memcpy(out + o, p, (size_t)k);
			o += (size_t)k;
		}
		p += k;
		left -= k;
	}
	out[o] = '\0';
	return out;
}

/* ---- the page's URL and the image's ---- */

/* rel resolved against base, if the result is http(s) and not too long. */
static const char *resolve(struct arena *ar, const char *base, const char *rel)
{
	const char *out = NULL;
	CURLU *u = curl_url();
	char *full = NULL, *scheme = NULL;
	if (!u || !*rel || strlen(rel) > LINKCARD_URL_MAX ||
	    curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, rel, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
		goto out;
	if ((!strcmp(scheme, "http") || !strcmp(scheme, "https")) &&
	    strlen(full) <= LINKCARD_URL_MAX && !strpbrk(full, " \t\r\n\"'<>"))
		out = arena_strdup(ar, full);
out:
	curl_free(full);
	curl_free(scheme);
	curl_url_cleanup(u);
	return out;
}

/* scheme://host[:port]/ of url, and its host; false if it has none. */
static bool provider_of(struct arena *ar, const char *url, const char **site, const char **host)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *port = NULL;
	bool ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK;
	if (ok) {
		bool has_port = curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK;
		*host = arena_strdup(ar, h);
		*site = arena_printf(ar, "%s://%s%s%s/", scheme, h, has_port ? ":" : "",
				     has_port ? port : "");
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(port);
	curl_url_cleanup(u);
	return ok;
}

/* ---- the head ---- */

enum { F_TITLE, F_DESC, F_IMAGE, F_SITE, F_N };

/* Candidates by priority: 0 OpenGraph, 1 Twitter, 2 plain HTML. */
struct found {
	const char *v[F_N][3];
};

static const struct {
	const char *key;
	int field, rank;
} METAS[] = {
	{"og:title", F_TITLE, 0},
	{"twitter:title", F_TITLE, 1},
	{"og:description", F_DESC, 0},
	{"twitter:description", F_DESC, 1},
	{"description", F_DESC, 2},
	{"og:image", F_IMAGE, 0},
	{"og:image:url", F_IMAGE, 0},
	{"og:image:secure_url", F_IMAGE, 0},
	{"twitter:image", F_IMAGE, 1},
	{"twitter:image:src", F_IMAGE, 1},
	{"og:site_name", F_SITE, 0},
};

static const char *attr(const GumboElement *e, const char *name)
{
	const GumboAttribute *a = gumbo_get_attribute(&e->attributes, name);
	return a ? a->value : NULL;
}

static void meta(const GumboElement *e, struct found *f)
{
	const char *key = attr(e, "property");
	if (!key)
		key = attr(e, "name");
	const char *content = attr(e, "content");
	if (!key || !content)
		return;
	for (size_t i = 0; i < sizeof METAS / sizeof METAS[0]; i++)
		if (!strcasecmp(key, METAS[i].key) && !f->v[METAS[i].field][METAS[i].rank])
			f->v[METAS[i].field][METAS[i].rank] = content;
}

static void title(const GumboElement *e, struct found *f)
{
	if (e->children.length == 1) {
		const GumboNode *t = e->children.data[0];
		if (t->type == GUMBO_NODE_TEXT && !f->v[F_TITLE][2])
			f->v[F_TITLE][2] = t->v.text.text;
	}
}

static void read_head(const GumboNode *root, struct found *f)
{
	if (root->type != GUMBO_NODE_ELEMENT)
		return;
	const GumboVector *top = &root->v.element.children;
	for (unsigned i = 0; i < top->length; i++) {
		const GumboNode *head = top->data[i];
		if (head->type != GUMBO_NODE_ELEMENT || head->v.element.tag != GUMBO_TAG_HEAD)
			continue;
		const GumboVector *kids = &head->v.element.children;
		for (unsigned j = 0; j < kids->length; j++) {
			const GumboNode *k = kids->data[j];
			if (k->type != GUMBO_NODE_ELEMENT)
				continue;
			if (k->v.element.tag == GUMBO_TAG_META)
				meta(&k->v.element, f);
			else if (k->v.element.tag == GUMBO_TAG_TITLE)
				title(&k->v.element, f);
		}
	}
}

static const char *best(const struct found *f, int field, struct arena *ar, size_t max)
{
	for (int r = 0; r < 3; r++) {
		if (!f->v[field][r])
			continue;
		const char *t = clean_text(ar, f->v[field][r], max);
		if (*t)
			return t;
	}
	return "";
}

int linkcard_extract(struct arena *ar, const char *html, size_t len, const char *page_url,
		     struct preview_card *out)
{
	memset(out, 0, sizeof *out);
	const char *host;
	out->url = page_url;
	if (!provider_of(ar, page_url, &out->provider_url, &host))
		return -1;
	if (len > LINKCARD_MAX_INPUT)
		len = LINKCARD_MAX_INPUT;
	len = gumbo_cap_tags(html, len, LINKCARD_MAX_TAGS);
	struct gumbo_heap heap = {0};
	GumboOptions o = kGumboDefaultOptions;
	gumbo_heap_options(&heap, &o);
	o.max_errors = 0;
	GumboOutput *g = gumbo_parse_with_options(&o, html, len);
	struct found f;
	memset(&f, 0, sizeof f);
	read_head(g->root, &f);
	out->title = best(&f, F_TITLE, ar, LINKCARD_TITLE_MAX);
	out->description = best(&f, F_DESC, ar, LINKCARD_DESC_MAX);
	out->provider_name = best(&f, F_SITE, ar, LINKCARD_TITLE_MAX);
	/* uncut: a URL cut short would be another URL; resolve() refuses long ones */
	const char *img = best(&f, F_IMAGE, ar, LINKCARD_MAX_INPUT);
	out->image = *img ? resolve(ar, page_url, img) : NULL;
	gumbo_heap_release(&heap);
	if (!out->image)
		out->image = "";
	if (!*out->provider_name)
		out->provider_name = clean_text(ar, host, LINKCARD_TITLE_MAX);
	return *out->title ? 0 : -1;
}
