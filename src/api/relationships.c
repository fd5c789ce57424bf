/* relationships.c - follow, unfollow, block, mute and note accounts;
 * relationships; followers, following, follow requests, blocks and mutes. */
#include "api/api.h"
#include "api/api_connections.h"
#include "api/api_social.h"
#include "core/connections.h"
#include "core/discover.h"
#include "core/relationships.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>

static json_t *ent_relationship(const struct relationship *x)
{
	json_t *j = json_object();
	json_object_set_new(j, "id", jid(x->id));
	json_object_set_new(j, "following", json_boolean(x->following));
	json_object_set_new(j, "showing_reblogs", json_boolean(x->showing_reblogs));
	json_object_set_new(j, "notifying", json_boolean(x->notifying));
	json_object_set_new(j, "languages", json_null());
	json_object_set_new(j, "followed_by", json_boolean(x->followed_by));
	json_object_set_new(j, "blocking", json_boolean(x->blocking));
	json_object_set_new(j, "blocked_by", json_boolean(x->blocked_by));
	json_object_set_new(j, "muting", json_boolean(x->muting));
	json_object_set_new(j, "muting_notifications", json_boolean(x->muting_notifications));
	json_object_set_new(j, "requested", json_boolean(x->requested));
	json_object_set_new(j, "requested_by", json_boolean(x->requested_by));
	json_object_set_new(j, "domain_blocking", json_false());
	json_object_set_new(j, "endorsed", json_false());
	json_object_set_new(j, "note", json_string(x->note));
	return j;
}

/* The viewer's relationship with target, with Rapport's `rapport`: the
 * viewer's own "how we met" (null if none), which nobody else sees. */
static enum rc relationship(struct req *r, int64_t target, json_t **out)
{
	struct relationship rel;
	struct connection k;
	bool found;
	enum rc rc = rel_get(&r->core, r->account_id, target, &rel);
	if (rc == RC_OK)
		rc = connection_get(&r->core, r->account_id, target, &k, &found);
	bool pinned = false;
	if (rc == RC_OK)
		rc = endorsed(&r->core, r->account_id, target, &pinned);
	if (rc != RC_OK)
		return rc;
	*out = ent_relationship(&rel);
	json_object_set_new(*out, "endorsed", json_boolean(pinned));
	json_t *rapport = json_object();
	json_object_set_new(rapport, "how_we_met", found ? ent_how_we_met(&k) : json_null());
	json_object_set_new(*out, "rapport", rapport);
	return RC_OK;
}

void reply_relationship(struct req *r, int64_t target)
{
	json_t *j;
	if (api_check(r, relationship(r, target, &j)))
		return;
	reply_json(r, 200, j);
}

void h_accounts_follow(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id))
		return;
	/* languages[] is accepted; statuses are not filtered by language yet,
	 * so the relationship says null (no filter). */
	struct follow_options o = {param_bool(r, "reblogs"), param_bool(r, "notify")};
	if (api_check(r, rel_follow(&r->core, r->account_id, id, &o)))
		return;
	reply_relationship(r, id);
}

/* Runs fn on the path's account and replies with the relationship. */
static void act(struct req *r, enum rc (*fn)(struct core *, int64_t, int64_t))
{
	int64_t id;
	if (!path_id(r, 0, &id) || api_check(r, fn(&r->core, r->account_id, id)))
		return;
	reply_relationship(r, id);
}

static enum rc block(struct core *c, int64_t viewer, int64_t id)
{
	return rel_block(c, viewer, id, true);
}

static enum rc unblock(struct core *c, int64_t viewer, int64_t id)
{
	return rel_block(c, viewer, id, false);
}

static enum rc authorize(struct core *c, int64_t viewer, int64_t id)
{
	return rel_answer_request(c, viewer, id, true);
}

static enum rc reject(struct core *c, int64_t viewer, int64_t id)
{
	return rel_answer_request(c, viewer, id, false);
}

void h_accounts_unfollow(struct req *r) { act(r, rel_unfollow); }
void h_accounts_remove_from_followers(struct req *r) { act(r, rel_remove_follower); }
void h_accounts_block(struct req *r) { act(r, block); }
void h_accounts_unblock(struct req *r) { act(r, unblock); }
void h_accounts_unmute(struct req *r) { act(r, rel_unmute); }
void h_follow_requests_authorize(struct req *r) { act(r, authorize); }
void h_follow_requests_reject(struct req *r) { act(r, reject); }

/* A whole decimal number; false for anything else. */
static bool parse_int(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

void h_accounts_mute(struct req *r)
{
	int64_t id, duration = 0;
	if (!path_id(r, 0, &id))
		return;
	const char *d = param_str(r, "duration");
	if (d && *d && !parse_int(d, &duration)) {
		core_fail(&r->core, RC_INVALID, "duration",
			  "Validation failed: duration must be a number of seconds");
		reply_core_error(r);
		return;
	}
	bool notifications = param_bool(r, "notifications") != 0; /* default true */
	if (api_check(r, rel_mute(&r->core, r->account_id, id, notifications, duration)))
		return;
	reply_relationship(r, id);
}

void h_accounts_note(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id) ||
	    api_check(r, rel_note(&r->core, r->account_id, id, param_str(r, "comment"))))
		return;
	reply_relationship(r, id);
}

/* The ids asked for, as `id[]=` or a single `id=`, parsed, without
 * repeats, at most RELATIONSHIPS_MAX; anything that is not an id is
 * skipped like an unknown account. */
static int relationship_ids(struct req *r, int64_t *ids)
{
	json_t *p = param_get(r, "id");
	json_t *one = json_array();
	if (!json_is_array(p)) {
		json_array_append(one, p ? p : json_null());
		p = one;
	}
	int n = 0;
	size_t i;
	json_t *v;
	json_array_foreach(p, i, v)
	{
		char buf[24];
		const char *s = json_string_value(v);
		if (json_is_integer(v)) {
			snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
			s = buf;
		}
		int64_t id;
		if (n >= RELATIONSHIPS_MAX || !id_parse(s, &id))
			continue;
		bool seen = false;
		for (int k = 0; k < n && !seen; k++)
			seen = ids[k] == id;
		if (!seen)
			ids[n++] = id;
	}
	json_decref(one);
	return n;
}

void h_accounts_relationships(struct req *r)
{
	int64_t ids[RELATIONSHIPS_MAX];
	int n = relationship_ids(r, ids);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j;
		enum rc rc = relationship(r, ids[i], &j);
		if (rc == RC_NOT_FOUND)
			continue;
		if (rc != RC_OK) {
			json_decref(arr);
			reply_core_error(r);
			return;
		}
		json_array_append_new(arr, j);
	}
	reply_json(r, 200, arr);
}

static void follow_list(struct req *r, bool following)
{
	int64_t id;
	struct page pg;
	struct account_list l;
	if (!path_id(r, 0, &id))
		return;
	page_from_params(r, &pg, 40, 80);
	if (api_check(r, rel_list(&r->core, r->account_id, id, following, &pg, &l)))
		return;
	reply_account_page(r, &pg, &l);
}

void h_accounts_followers(struct req *r) { follow_list(r, false); }
void h_accounts_following(struct req *r) { follow_list(r, true); }

/* Replies with a page of the viewer's own list read by fn. */
static void own_list(struct req *r, enum rc (*fn)(struct core *, int64_t, const struct page *,
						  struct account_list *))
{
	struct page pg;
	struct account_list l;
	page_from_params(r, &pg, 40, 80);
	if (api_check(r, fn(&r->core, r->account_id, &pg, &l)))
		return;
	reply_account_page(r, &pg, &l);
}

void h_follow_requests(struct req *r) { own_list(r, rel_requests); }
void h_blocks(struct req *r) { own_list(r, rel_blocks); }

/* Muted accounts carry mute_expires_at, as in Mastodon. */
void h_mutes(struct req *r)
{
	struct page pg;
	struct account_list l;
	int64_t *expires;
	page_from_params(r, &pg, 40, 80);
	if (api_check(r, rel_mutes(&r->core, r->account_id, &pg, &l, &expires)))
		return;
	if (l.n)
		page_link(r, &pg, l.n, l.cursor[0], l.cursor[l.n - 1]);
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		json_t *a = ent_account(r, &l.items[i]);
		json_object_set_new(a, "mute_expires_at",
				    expires[i] ? jtime(expires[i]) : json_null());
		json_array_append_new(arr, a);
	}
	reply_json(r, 200, arr);
}
