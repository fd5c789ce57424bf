/* search.c - /api/v2/search (accounts, hashtags, statuses),
 * /api/v1/accounts/search and /api/v1/tags/:name. */
#include "api/api.h"
#include "api/api_discover.h"
#include "api/api_lists.h"
#include "core/lists.h"
#include "core/statuses.h"
#include "federation/resolve.h"
#include "util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* An integer parameter: dflt when absent or not a number, clamped to
 * [lo, hi]. */
static int int_param(struct req *r, const char *name, int dflt, int lo, int hi)
{
	const char *s = param_str(r, name);
	char *end;
	long v = s && *s ? strtol(s, &end, 10) : dflt;
	if (s && *s && *end)
		v = dflt;
	return v < lo ? lo : v > hi ? hi : (int)v;
}

/* q, offset, limit and following, shared by both searches; replies 400
 * and returns false without a usable q. */
static bool read_query(struct req *r, struct search_query *q, int dflt, int max)
{
	*q = (struct search_query){
		.q = param_str(r, "q"),
		.following = param_bool(r, "following") == 1,
		.offset = int_param(r, "offset", 0, 0, INT_MAX / 2),
	};
	/* limit <= 0 is the default, as on every paginated endpoint */
	q->limit = int_param(r, "limit", dflt, 0, max);
	if (q->limit == 0)
		q->limit = dflt;
	return !api_check(r, search_check(&r->core, q->q));
}

static json_t *ent_tag(struct req *r, const struct tag *t)
{
	return json_pack("{s:o, s:s, s:s, s:[], s:b}", "id", jid(t->id), "name", t->display_name,
			 "url",
			 arena_printf(&r->arena, "%s/tags/%s", r->core.cfg->base_url, t->name),
			 "history", "following", 0);
}

static json_t *accounts_json(struct req *r, const struct account_list *l)
{
	json_t *arr = json_array();
	for (int i = 0; i < l->n; i++)
		json_array_append_new(arr, ent_account(r, &l->items[i]));
	return arr;
}

/* Mastodon refuses paging and remote resolving to anonymous searchers. */
static bool anonymous_allowed(struct req *r)
{
	if (r->account_id)
		return true;
	if (param_has(r, "offset")) {
		reply_error(r, 401, "Search queries pagination is not supported without "
				    "authentication");
		return false;
	}
	if (param_bool(r, "resolve") == 1) {
		reply_error(r, 401, "Search queries that resolve remote resources are not "
				    "supported without authentication");
		return false;
	}
	return true;
}

/* resolve=true: a remote handle or URL found (fetched if need be) and
 * put first in its list (federation/resolve.h). */
static bool resolve(struct req *r, const struct search_query *q, struct account_list *accounts,
		    struct status_list *statuses)
{
	enum resolved_kind kind = RESOLVED_NONE;
	struct account a;
	struct status s;
	int64_t id;
	if (param_bool(r, "resolve") != 1 || !r->account_id)
		return true;
	if (api_check(r, resolve_remote(&r->core, q->q, &kind, &a, &id)))
		return false;
	if (kind == RESOLVED_ACCOUNT && accounts) {
		accounts->items = arena_calloc(&r->arena, 1, sizeof a);
		accounts->items[0] = a;
		accounts->n = 1;
	} else if (kind == RESOLVED_STATUS && statuses) {
		enum rc rc = status_load(&r->core, r->account_id, id, &s);
		if (rc == RC_INTERNAL)
			return !api_check(r, rc);
		if (rc == RC_OK) {
			statuses->items = arena_calloc(&r->arena, 1, sizeof s);
			statuses->items[0] = s;
			statuses->n = 1;
		}
	}
	return true;
}

void h_search_v2(struct req *r)
{
	struct search_query q;
	if (!read_query(r, &q, 20, 40) || !anonymous_allowed(r))
		return;
	const char *author = param_str(r, "account_id");
	/* An author that is not an id matches no status. */
	if (author && *author && !id_parse(author, &q.account_id))
		q.account_id = -1;
	const char *type = param_str(r, "type");
	bool all = !type || (strcmp(type, "accounts") && strcmp(type, "hashtags") &&
			     strcmp(type, "statuses"));
	struct account_list accounts = {0};
	struct tag_list tags = {0};
	struct status_list statuses = {0};
	if (!resolve(r, &q, all || !strcmp(type, "accounts") ? &accounts : NULL,
		     all || !strcmp(type, "statuses") ? &statuses : NULL))
		return;
	bool found = accounts.n || statuses.n; /* by its handle or URL: nothing else */
	if (!found && (all || !strcmp(type, "accounts")) &&
	    api_check(r, search_accounts(&r->core, r->account_id, &q, &accounts)))
		return;
	if (!found && (all || !strcmp(type, "hashtags")) &&
	    api_check(r, search_tags(&r->core, &q, &tags)))
		return;
	if (!found && (all || !strcmp(type, "statuses")) &&
	    api_check(r, search_statuses(&r->core, r->account_id, &q, &statuses)))
		return;
	json_t *hashtags = json_array();
	for (int i = 0; i < tags.n; i++)
		json_array_append_new(hashtags, ent_tag(r, &tags.items[i]));
	reply_json(r, 200,
		   json_pack("{s:o, s:o, s:o}", "accounts", accounts_json(r, &accounts), "statuses",
			     ent_statuses(r, &statuses), "hashtags", hashtags));
}

void h_accounts_search(struct req *r)
{
	struct search_query q;
	struct account_list l = {0};
	if (!read_query(r, &q, 40, 80) || !resolve(r, &q, &l, NULL) ||
	    (!l.n && api_check(r, search_accounts(&r->core, r->account_id, &q, &l))))
		return;
	reply_json(r, 200, accounts_json(r, &l));
}

void h_tags_get(struct req *r)
{
	struct tag t;
	if (api_check(r, tag_get(&r->core, path_param(r, 0), &t)))
		return;
	json_t *j = ent_tag_full(r, &t); /* with its history and following (discover.c) */
	if (j)
		reply_json(r, 200, j);
	else
		reply_core_error(r);
}
