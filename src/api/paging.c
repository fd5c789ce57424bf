/* paging.c - Mastodon pagination: max_id, since_id, min_id, limit in; a
 * Link header with the next page first out. */
#include "api/api.h"
#include "pages/html.h"
#include "util/util.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

static int64_t id_param(struct req *r, const char *name)
{
	int64_t v;
	return id_parse(param_str(r, name), &v) ? v : 0;
}

void page_from_params(struct req *r, struct page *pg, int dflt, int max)
{
	pg->max_id = id_param(r, "max_id");
	pg->since_id = id_param(r, "since_id");
	pg->min_id = id_param(r, "min_id");
	const char *l = param_str(r, "limit");
	long v = l ? strtol(l, NULL, 10) : dflt;
	pg->limit = v <= 0 ? dflt : v > max ? max : (int)v;
}

struct qs_ctx {
	struct req *r;
	char *out;
};

static enum MHD_Result keep_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	(void)kind;
	struct qs_ctx *x = cls;
	if (!strcmp(key, "max_id") || !strcmp(key, "min_id") || !strcmp(key, "since_id"))
		return MHD_YES;
	x->out = arena_printf(&x->r->arena, "%s%s=%s&", x->out, url_encode(&x->r->arena, key),
			      url_encode(&x->r->arena, value ? value : ""));
	return MHD_YES;
}

/* The request's URL without its paging parameters, ready for one more
 * ("...?limit=5&"). */
static const char *link_base(struct req *r)
{
	struct qs_ctx x = {r, arena_strdup(&r->arena, "")};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, keep_arg, &x);
	/* The path was decoded: encode it again, segment by segment, so the
	 * header stays ASCII and the link can be followed as it is. */
	char *path = arena_strdup(&r->arena, "");
	for (const char *p = r->path; *p;) {
		size_t seg = strcspn(p + 1, "/") + 1;
		path = arena_printf(&r->arena, "%s/%s", path,
				    url_encode(&r->arena, arena_strndup(&r->arena, p + 1, seg - 1)));
		p += seg;
	}
	return arena_printf(&r->arena, "%s%s?%s", r->core.cfg->base_url, path, x.out);
}

void page_link_next(struct req *r, const char *cursor)
{
	reply_header(r, "Link",
		     arena_printf(&r->arena, "<%smax_id=%s>; rel=\"next\"", link_base(r),
				  url_encode(&r->arena, cursor)));
}

void page_link(struct req *r, const struct page *pg, int n, int64_t first, int64_t last)
{
	if (n <= 0)
		return;
	const char *base = link_base(r);
	const char *prev = arena_printf(&r->arena, "<%smin_id=%lld>; rel=\"prev\"", base,
					(long long)first);
	const char *link = prev;
	if (n >= pg->limit)
		link = arena_printf(&r->arena, "<%smax_id=%lld>; rel=\"next\", %s", base,
				    (long long)last, prev);
	reply_header(r, "Link", link);
}

#define PAGE_CAP (64u << 20)

void reply_status_page(struct req *r, const struct page *pg, const struct status_list *l)
{
	if (l->n)
		page_link(r, pg, l->n, l->items[0].cursor, l->items[l->n - 1].cursor);
	struct jw w;
	jw_init(&w, PAGE_CAP);
	jw_statuses(&w, r, l, false);
	reply_jw(r, 200, &w);
}

void reply_jw(struct req *r, unsigned status, struct jw *w)
{
	if (!jw_ok(w)) {
		jw_free(w);
		reply_error(r, 500, "Internal error"); /* a store error (logged) or past the cap */
		return;
	}
	size_t len;
	char *body = jw_steal(w, &len);
	reply_json_bytes(r, status, body, len);
}

void reply_account_page(struct req *r, const struct page *pg, const struct account_list *l)
{
	if (l->n)
		page_link(r, pg, l->n, l->cursor[0], l->cursor[l->n - 1]);
	struct jw w;
	jw_init(&w, PAGE_CAP);
	jw_arr(&w);
	for (int i = 0; i < l->n; i++)
		jw_account(&w, r, &l->items[i]);
	jw_arr_end(&w);
	reply_jw(r, 200, &w);
}
