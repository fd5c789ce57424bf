/* view.c - the pieces public pages and feeds share (see view.h). */
#include "pages/view.h"
#include "api/api.h"
#include "core/accounts.h"
#include "core/fingerprint.h"
#include "core/timeline.h"
#include "util/cache.h"
#include "util/util.h"

#include <string.h>
#include <time.h>

bool view_account(struct req *r, const char *name, struct account *out, bool *failed)
{
	*failed = false;
	if (!name || !username_valid(name))
		return false;
	if (account_lookup(&r->core, name, out) == RC_OK && !*out->domain)
		return true;
	if (r->core.err.rc == RC_INTERNAL) {
		*failed = true;
		reply_error(r, 500, "Internal error");
	}
	return false;
}

enum rc view_fill(struct req *r, struct status_list *l)
{
	struct status **v = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *v);
	int n = 0, k = 0;
	for (int i = 0; i < l->n; i++)
		if (l->items[i].partial)
			v[n++] = &l->items[i];
	if (n && timeline_fill(&r->core, v, n) != RC_OK)
		return r->core.err.rc;
	for (int i = 0; i < l->n; i++) /* still partial: deleted since the list was read */
		if (!l->items[i].partial)
			l->items[k++] = l->items[i];
	l->n = k;
	return RC_OK;
}

enum rc view_statuses(struct req *r, const struct account *a, bool public_only, int limit,
		      struct status_list *out)
{
	struct account_tl_opts o = {.exclude_replies = true, .exclude_reblogs = true, .whole = true};
	struct page pg = {.limit = public_only ? 2 * limit : limit};
	enum rc rc = timeline_account(&r->core, 0, a->id, &o, &pg, out);
	if (rc != RC_OK)
		return rc;
	int k = 0;
	for (int i = 0; i < out->n && k < limit; i++)
		if (!public_only || out->items[i].visibility == VIS_PUBLIC)
			out->items[k++] = out->items[i];
	out->n = k;
	for (int i = 0; i < k; i++)
		out->items[i].account = *a; /* the strings a partial row lacks */
	return RC_OK;
}

const char *view_name(const struct account *a)
{
	return a->display_name && *a->display_name ? a->display_name : a->username;
}

const char *view_handle(struct req *r, const struct account *a)
{
	return arena_printf(&r->arena, "@%s@%s", a->username,
			    *a->domain ? a->domain : r->core.cfg->domain);
}

const char *view_avatar(struct req *r, const struct account *a)
{
	if (a->avatar && *a->avatar)
		return a->avatar;
	return arena_printf(&r->arena, "%s/avatars/original/missing.png", r->core.cfg->base_url);
}

const char *view_status_url(struct req *r, const struct status *s)
{
	return arena_printf(&r->arena, "%s/%lld", account_url(&r->core, &s->account),
			    (long long)s->id);
}

const char *view_excerpt(struct arena *a, const char *html, size_t max)
{
	size_t n = strlen(html);
	char *out = arena_alloc(a, max + 4);
	size_t len = fp_html_text(html, n, out, max + 1);
	for (size_t i = 0; i < len; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	bool cut = len >= max;
	while (len && out[len - 1] == ' ')
		out[--len] = '\0';
	size_t lead = strspn(out, " ");
	if (cut)
		strcpy(out + len, "\xE2\x80\xA6");
	return out + lead;
}

const char *view_date(struct arena *a, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char s[32];
	gmtime_r(&t, &tm);
	strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm);
	return arena_strdup(a, s);
}

const char *view_iso(struct arena *a, int64_t ms)
{
	char s[32];
	time_format(ms, s, sizeof s);
	return arena_strdup(a, s);
}

static const char *count(struct req *r, int64_t n, const char *one, const char *many)
{
	return arena_printf(&r->arena, "%lld %s", (long long)n, n == 1 ? one : many);
}

void view_article(struct html *h, struct req *r, const struct status *s, unsigned shape,
		  bool focus)
{
	if (s->partial)
		return; /* deleted since the list was read */
	const struct account *a = &s->account;
	const char *url = view_status_url(r, s);
	html_put(h, focus ? "<article class=\"status focus\" id=\"s{}\"" : "<article class=\"status\" id=\"s{}\"",
		 arena_printf(&r->arena, "%lld", (long long)s->id));
	if (*s->language)
		html_put(h, " lang=\"{}\"", s->language);
	html_put(h,
		 "><header><img class=\"avatar small\" src=\"{u}\" alt=\"\" width=\"40\" "
		 "height=\"40\"><div><a href=\"{u}\"><strong>{}</strong></a> <span "
		 "class=\"muted\">{}</span></div></header>",
		 view_avatar(r, a), account_url(&r->core, a), view_name(a), view_handle(r, a));
	if (*s->spoiler_text)
		html_put(h, "<details><summary>{}</summary><div class=\"content\">{h}</div></details>",
			 s->spoiler_text, s->content);
	else
		html_put(h, "<div class=\"content\">{h}</div>", s->content);
	view_media(h, r, s, shape); /* media_view.c */
	html_put(h,
		 "<footer><a href=\"{u}\"><time datetime=\"{}\">{}</time></a>{h}<span>{}</span>"
		 "<span>{}</span><span>{}</span></footer>",
		 url, view_iso(&r->arena, s->created_at), view_date(&r->arena, s->created_at),
		 s->edited_at ? "<span>edited</span>" : "",
		 count(r, s->replies_count, "reply", "replies"),
		 count(r, s->reblogs_count, "boost", "boosts"),
		 count(r, s->favourites_count, "favourite", "favourites"));
}

/* ---- the cache of rendered articles ----
 *
 * Articles are kept in the render cache of the API's statuses (kind
 * RENDER_ARTICLE), under its one budget: a cache of their own added its
 * whole size to the server's peak memory while either kind sat idle. */
static int article_stamp(const struct status *s, int64_t *st)
{
	st[0] = s->replies_count;
	st[1] = s->reblogs_count;
	st[2] = s->favourites_count;
	st[3] = s->edited_at;
	st[4] = s->created_at;
	st[5] = s->account.updated_at;
	return 6;
}

static const char *article_cached(struct req *r, const struct status *s)
{
	int64_t st[CACHE_STAMP_MAX];
	size_t len;
	struct cache *c = render_cache_shared();
	return c ? cache_get(c, RENDER_ARTICLE, s->id, st, article_stamp(s, st), &r->arena, &len)
		 : NULL;
}

static const char *article_render(struct req *r, const struct status *s, unsigned shape)
{
	struct html h;
	html_init(&h);
	view_article(&h, r, s, shape, false);
	const char *out = html_finish(&h, &r->arena);
	struct cache *c = render_cache_shared();
	if (out && c) {
		int64_t st[CACHE_STAMP_MAX];
		cache_put(c, RENDER_ARTICLE, s->id, st, article_stamp(s, st), out, strlen(out));
	}
	return out;
}

const char *view_article_focus(struct req *r, const struct status *s, unsigned shape)
{
	static const char plain[] = "<article class=\"status\"";
	const char *a = article_cached(r, s);
	if (!a && !(a = article_render(r, s, shape)))
		return NULL;
	if (strncmp(a, plain, sizeof plain - 1))
		return a;
	return arena_printf(&r->arena, "<article class=\"status focus\"%s", a + sizeof plain - 1);
}

/* The cached article with the status's poll and card, closed; NULL if the
 * store failed or the cap was passed. */
static const char *close_article(struct req *r, const struct status *s, unsigned shape,
				 const char *article)
{
	struct html h;
	html_init(&h);
	html_put(&h, "{h}", article);
	if (!view_extras(&h, r, s, shape)) {
		html_free(&h);
		return NULL;
	}
	return html_finish(&h, &r->arena);
}

enum rc view_render(struct req *r, struct status_list *l, const unsigned *shape,
		    const char ***out)
{
	const char **html = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *html);
	struct status **miss = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *miss);
	int nmiss = 0, k = 0;
	for (int i = 0; i < l->n; i++)
		if (!(html[i] = article_cached(r, &l->items[i])) && l->items[i].partial)
			miss[nmiss++] = &l->items[i];
	if (nmiss && timeline_fill(&r->core, miss, nmiss) != RC_OK)
		return r->core.err.rc;
	if (!shape && !(shape = view_shapes(r, l)))
		return r->core.err.rc;
	for (int i = 0; i < l->n; i++) {
		if (!html[i] && l->items[i].partial)
			continue; /* deleted since the list was read */
		if (!html[i] && !(html[i] = article_render(r, &l->items[i], shape[i])))
			return core_fail(&r->core, RC_INTERNAL, NULL, "Internal error");
		if (!(html[i] = close_article(r, &l->items[i], shape[i], html[i])))
			return r->core.err.rc ? r->core.err.rc
					      : core_fail(&r->core, RC_INTERNAL, NULL, "Internal error");
		l->items[k] = l->items[i];
		html[k++] = html[i];
	}
	l->n = k;
	*out = html;
	return RC_OK;
}
