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

void page_link(struct req *r, const struct page *pg, int n, int64_t first, int64_t last)
{
	if (n <= 0)
		return;
	struct qs_ctx x = {r, arena_strdup(&r->arena, "")};
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, keep_arg, &x);
	const char *base = arena_printf(&r->arena, "%s%s?%s", r->core.cfg->base_url, r->path, x.out);
	const char *prev = arena_printf(&r->arena, "<%smin_id=%lld>; rel=\"prev\"", base,
					(long long)first);
	const char *link = prev;
	if (n >= pg->limit)
		link = arena_printf(&r->arena, "<%smax_id=%lld>; rel=\"next\", %s", base,
				    (long long)last, prev);
	reply_header(r, "Link", link);
}

void reply_status_page(struct req *r, const struct page *pg, const struct status_list *l)
{
	if (l->n)
		page_link(r, pg, l->n, l->items[0].cursor, l->items[l->n - 1].cursor);
	reply_json(r, 200, ent_statuses(r, l));
}

void reply_account_page(struct req *r, const struct page *pg, const struct account_list *l)
{
	if (l->n)
		page_link(r, pg, l->n, l->cursor[0], l->cursor[l->n - 1]);
	json_t *arr = json_array();
	for (int i = 0; i < l->n; i++)
		json_array_append_new(arr, ent_account(r, &l->items[i]));
	reply_json(r, 200, arr);
}
