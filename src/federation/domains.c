/* domains.c - domain blocks and limits (see domains.h). */
#include "federation/domains.h"
#include "core/relationships.h"
#include "store/federation.h"
#include "util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *domain_canonical(struct arena *ar, const char *s)
{
	if (!s)
		return NULL;
	if (str_has_prefix(s, "https://"))
		s += 8;
	else if (str_has_prefix(s, "http://"))
		s += 7;
	size_t n = strcspn(s, "/");
	if (!n || n > DOMAIN_MAX || (s[n] && s[n + strspn(s + n, "/")]))
		return NULL;
	char *d = arena_strndup(ar, s, n);
	for (char *p = d; *p; p++) {
		*p = (char)tolower((unsigned char)*p);
		if (!isalnum((unsigned char)*p) && !strchr(".-:", *p))
			return NULL;
	}
	return d[0] == '.' || d[0] == '-' || d[0] == ':' ? NULL : d;
}

struct block_tx {
	int64_t account_id;
	const char *domain;
	bool on;
};

static enum store_rc block_fn(struct db *db, void *arg)
{
	struct block_tx *x = arg;
	return store_domain_block_set(db, x->account_id, x->domain, x->on, now_ms());
}

enum rc domain_block(struct core *c, int64_t account_id, const char *domain, bool on)
{
	const char *d = domain_canonical(c->arena, domain);
	if (!d || !strcmp(d, c->cfg->domain))
		return core_fail(c, RC_INVALID, "domain", "Validation failed: not a remote domain");
	struct block_tx x = {account_id, d, on};
	enum store_rc st = store_tx(c->db, block_fn, &x);
	if (st != ST_OK)
		return core_store_fail(c, ST_ERROR);
	if (!on)
		return RC_OK;
	int64_t *ids = arena_calloc(c->arena, DOMAIN_FOLLOWERS_REMOVED, sizeof *ids);
	int n;
	if (store_followers_on(c->db, account_id, d, DOMAIN_FOLLOWERS_REMOVED, ids, &n) != ST_OK)
		return core_store_fail(c, ST_ERROR);
	for (int i = 0; i < n; i++)
		if (rel_remove_follower(c, account_id, ids[i]) == RC_INTERNAL)
			return RC_INTERNAL;
	return RC_OK;
}

void h_domain_blocks_get(struct req *r)
{
	const char *after = param_str(r, "max_id");
	const char *lim = param_str(r, "limit");
	int limit = lim ? atoi(lim) : 100;
	limit = limit <= 0 || limit > 200 ? 100 : limit;
	const char **d;
	int n;
	if (store_domain_blocks(r->core.db, &r->arena, r->account_id, after ? after : "", limit,
				&d, &n) != ST_OK) {
		reply_error(r, 500, "Internal error");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(d[i]));
	if (n == limit)
		reply_header(r, "Link",
			     arena_printf(&r->arena, "<%s/api/v1/domain_blocks?max_id=%s>; rel=\"next\"",
					  r->core.cfg->base_url, d[n - 1]));
	reply_json(r, 200, arr);
}

static void change(struct req *r, bool on)
{
	const char *d = param_str(r, "domain");
	if (!d || !*d) {
		reply_error(r, 400, "Missing parameter: domain");
		return;
	}
	if (domain_block(&r->core, r->account_id, d, on))
		reply_core_error(r);
	else
		reply_json(r, 200, json_object());
}

void h_domain_blocks_post(struct req *r)
{
	change(r, true);
}

void h_domain_blocks_delete(struct req *r)
{
	change(r, false);
}
