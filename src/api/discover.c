/* discover.c - followed and featured hashtags, endorsements, scheduled
 * statuses, suggestions, trends and announcements (api/api_discover.h). */
#include "api/api.h"
#include "api/api_discover.h"
#include "api/api_polls.h"
#include "api/api_social.h"
#include "core/discover.h"
#include "core/scheduled.h"
#include "util/jw.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static json_t *jnum_str(int64_t n)
{
	char s[24];
	snprintf(s, sizeof s, "%" PRId64, n);
	return json_string(s);
}

static json_t *tag_history_json(struct req *r, int64_t tag_id)
{
	struct tag_day d[TAG_HISTORY_DAYS];
	if (tag_history(&r->core, tag_id, d))
		return NULL;
	json_t *arr = json_array();
	for (int i = 0; i < TAG_HISTORY_DAYS; i++)
		json_array_append_new(arr, json_pack("{s:o, s:o, s:o}", "day", jnum_str(d[i].day / 1000),
						     "uses", jnum_str(d[i].uses), "accounts",
						     jnum_str(d[i].accounts)));
	return arr;
}

static const char *tag_url(struct req *r, const struct tag *t)
{
	return arena_printf(&r->arena, "%s/tags/%s", r->core.cfg->base_url, t->name);
}

json_t *ent_tag_full(struct req *r, const struct tag *t)
{
	bool following = false;
	json_t *history = tag_history_json(r, t->id);
	if (!history || tag_following(&r->core, r->account_id, t->id, &following)) {
		json_decref(history);
		return NULL;
	}
	json_t *j = json_pack("{s:o, s:s, s:s, s:o}", "id", jid(t->id), "name", t->display_name,
			      "url", tag_url(r, t), "history", history);
	if (r->account_id)
		json_object_set_new(j, "following", json_boolean(following));
	return j;
}

/* Replies with one Tag, or the error. */
static void reply_tag(struct req *r, const struct tag *t)
{
	json_t *j = ent_tag_full(r, t);
	if (!j)
		reply_core_error(r);
	else
		reply_json(r, 200, j);
}

/* An array of Tags, NULL (having replied) when the store failed. */
static json_t *tags_json(struct req *r, const struct tag *items, int n)
{
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *j = ent_tag_full(r, &items[i]);
		if (!j) {
			json_decref(arr);
			reply_core_error(r);
			return NULL;
		}
		json_array_append_new(arr, j);
	}
	return arr;
}

/* ---- followed hashtags ---- */

void h_followed_tags(struct req *r)
{
	struct page pg;
	struct tag_page l;
	page_from_params(r, &pg, 100, 200);
	if (api_check(r, tags_followed(&r->core, r->account_id, &pg, &l)))
		return;
	json_t *arr = tags_json(r, l.items, l.n);
	if (!arr)
		return;
	if (l.n)
		page_link(r, &pg, l.n, l.cursor[0], l.cursor[l.n - 1]);
	reply_json(r, 200, arr);
}

static void tag_follow_reply(struct req *r, bool on)
{
	struct tag t;
	if (!api_check(r, tag_follow(&r->core, r->account_id, path_param(r, 0), on, &t)))
		reply_tag(r, &t);
}

void h_tag_follow(struct req *r)
{
	tag_follow_reply(r, true);
}

void h_tag_unfollow(struct req *r)
{
	tag_follow_reply(r, false);
}

/* ---- featured hashtags ---- */

static json_t *featured_json(struct req *r, int64_t owner, const struct featured_tag *f)
{
	struct account a;
	const char *url = tag_url(r, &f->tag);
	if (account_get(&r->core, owner, &a) == RC_OK)
		url = arena_printf(&r->arena, "%s/tagged/%s", account_url(&r->core, &a), f->tag.name);
	return json_pack("{s:o, s:s, s:s, s:I, s:o}", "id", jid(f->id), "name", f->tag.display_name,
			 "url", url, "statuses_count", (json_int_t)f->statuses_count,
			 "last_status_at", f->last_status_at ? jtime(f->last_status_at) : json_null());
}

static void reply_featured(struct req *r, int64_t owner)
{
	struct featured_tag_list l;
	if (api_check(r, featured_tags(&r->core, owner, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, featured_json(r, owner, &l.items[i]));
	reply_json(r, 200, arr);
}

void h_featured_tags(struct req *r)
{
	reply_featured(r, r->account_id);
}

void h_account_featured_tags(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, account_exists(&r->core, id)))
		reply_featured(r, id);
}

void h_featured_tag_add(struct req *r)
{
	struct featured_tag f;
	if (!api_check(r, featured_tag_add(&r->core, r->account_id, param_str(r, "name"), &f)))
		reply_json(r, 200, featured_json(r, r->account_id, &f));
}

void h_featured_tag_remove(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, featured_tag_remove(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}

void h_featured_suggestions(struct req *r)
{
	struct tag_list l;
	if (api_check(r, featured_suggestions(&r->core, r->account_id, &l)))
		return;
	json_t *arr = tags_json(r, l.items, l.n);
	if (arr)
		reply_json(r, 200, arr);
}

/* ---- endorsements ---- */

void h_endorsements(struct req *r)
{
	struct page pg;
	struct account_list l;
	page_from_params(r, &pg, 40, 80);
	if (!api_check(r, endorsements(&r->core, r->account_id, &pg, &l)))
		reply_account_page(r, &pg, &l);
}

void h_account_endorsements(struct req *r)
{
	int64_t id;
	struct page pg;
	struct account_list l;
	page_from_params(r, &pg, 40, 80);
	if (path_id(r, 0, &id) && !api_check(r, endorsements(&r->core, id, &pg, &l)))
		reply_account_page(r, &pg, &l);
}

static void pin(struct req *r, bool on)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, endorse(&r->core, r->account_id, id, on)))
		reply_relationship(r, id);
}

void h_account_pin(struct req *r)
{
	pin(r, true);
}

void h_account_unpin(struct req *r)
{
	pin(r, false);
}

/* ---- scheduled statuses ---- */

static json_t *scheduled_json(const struct scheduled_status *s)
{
	json_t *params = json_loads(s->params, 0, NULL);
	if (!params)
		params = json_object();
	json_t *reply = json_object_get(params, "in_reply_to_id");
	if (json_is_integer(reply)) /* ids are strings in the API */
		json_object_set_new(params, "in_reply_to_id", jid(json_integer_value(reply)));
	json_t *app = json_object_get(params, "application_id");
	if (json_is_integer(app))
		json_object_set_new(params, "application_id",
				    json_integer_value(app) ? jid(json_integer_value(app)) : json_null());
	json_object_set_new(params, "scheduled_at", json_null());
	json_object_set_new(params, "poll", json_null());
	json_object_set_new(params, "media_ids", json_null());
	json_object_set_new(params, "idempotency", json_null());
	json_object_set_new(params, "with_rate_limit", json_false());
	return json_pack("{s:o, s:o, s:o, s:[]}", "id", jid(s->id), "scheduled_at",
			 jtime(s->scheduled_at), "params", params, "media_attachments");
}

void scheduled_reply_create(struct req *r, const struct new_status *in, const char *at)
{
	struct scheduled_status s;
	if (!api_check(r, scheduled_create(&r->core, r->account_id, in, at, &s)))
		reply_json(r, 200, scheduled_json(&s));
}

void h_scheduled_index(struct req *r)
{
	struct page pg;
	struct scheduled_list l;
	page_from_params(r, &pg, 20, 40);
	if (api_check(r, scheduled_list(&r->core, r->account_id, &pg, &l)))
		return;
	if (l.n)
		page_link(r, &pg, l.n, l.items[0].id, l.items[l.n - 1].id);
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, scheduled_json(&l.items[i]));
	reply_json(r, 200, arr);
}

void h_scheduled_get(struct req *r)
{
	int64_t id;
	struct scheduled_status s;
	if (path_id(r, 0, &id) && !api_check(r, scheduled_get(&r->core, r->account_id, id, &s)))
		reply_json(r, 200, scheduled_json(&s));
}

void h_scheduled_update(struct req *r)
{
	int64_t id;
	struct scheduled_status s;
	if (path_id(r, 0, &id) &&
	    !api_check(r, scheduled_move(&r->core, r->account_id, id, param_str(r, "scheduled_at"),
					 &s)))
		reply_json(r, 200, scheduled_json(&s));
}

void h_scheduled_delete(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, scheduled_delete(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}

/* ---- suggestions ---- */

static int limit_param(struct req *r, int dflt, int max)
{
	const char *s = param_str(r, "limit");
	long n = s ? strtol(s, NULL, 10) : dflt;
	return n < 1 ? dflt : n > max ? max : (int)n;
}

static const char *reason(struct req *r, const struct suggestion *s)
{
	if (s->nvia >= 2)
		return arena_printf(&r->arena, "Talks with @%s and @%s, whom you follow and who follow you",
				    s->via[0], s->via[1]);
	return arena_printf(&r->arena, "Talks with @%s, whom you follow and who follows you",
			    s->nvia ? s->via[0] : "");
}

static void reply_suggestions(struct req *r, bool v2)
{
	struct suggestion_list l;
	if (api_check(r, suggestions(&r->core, r->account_id, limit_param(r, 40, 80), &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		const struct suggestion *s = &l.items[i];
		json_t *acct = ent_account(r, &s->account);
		if (!v2) {
			json_array_append_new(arr, acct);
			continue;
		}
		json_t *via = json_array();
		for (int k = 0; k < s->nvia; k++)
			json_array_append_new(via, json_string(s->via[k]));
		json_array_append_new(
			arr, json_pack("{s:s, s:[s], s:o, s:{s:s, s:o, s:I}}", "source",
				       "past_interactions", "sources", "friends_of_friends", "account",
				       acct, "rapport", "reason", reason(r, s), "via", via,
				       "conversations", (json_int_t)s->score));
	}
	reply_json(r, 200, arr);
}

void h_suggestions_v2(struct req *r)
{
	reply_suggestions(r, true);
}

void h_suggestions_v1(struct req *r)
{
	reply_suggestions(r, false);
}

void h_suggestion_delete(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, suggestion_dismiss(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}

/* ---- trends ---- */

static int offset_param(struct req *r)
{
	const char *s = param_str(r, "offset");
	long n = s ? strtol(s, NULL, 10) : 0;
	return n < 0 ? 0 : n > 10000 ? 10000 : (int)n;
}

void h_trends_tags(struct req *r)
{
	struct trend_tag_list l;
	if (api_check(r, trends_tags(&r->core, offset_param(r), limit_param(r, 10, 20), &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++) {
		json_t *j = ent_tag_full(r, &l.items[i].tag);
		if (!j) {
			json_decref(arr);
			reply_core_error(r);
			return;
		}
		json_object_set_new(j, "rapport", json_pack("{s:I}", "score",
							    (json_int_t)l.items[i].score));
		json_array_append_new(arr, j);
	}
	reply_json(r, 200, arr);
}

void h_trends_statuses(struct req *r)
{
	struct status_list l;
	if (api_check(r, trends_statuses(&r->core, r->account_id, offset_param(r),
					 limit_param(r, 20, 40), &l)))
		return;
	json_t *j = ent_statuses(r, &l);
	if (j)
		reply_json(r, 200, j);
	else
		reply_error(r, 500, "Internal error");
}

/* Trends::Link: a PreviewCard with the link's history. */
static void jw_trend_link(struct jw *w, struct req *r, const struct trend_link *l)
{
	struct tag_day d[TAG_HISTORY_DAYS];
	if (link_history(&r->core, l->card.url, d)) {
		jw_fail(w);
		return;
	}
	jw_obj(w);
	jw_card_members(w, r, &l->card);
	jw_key(w, "history");
	jw_arr(w);
	for (int i = 0; i < TAG_HISTORY_DAYS; i++) {
		jw_obj(w);
		jw_kstr(w, "day", arena_printf(&r->arena, "%" PRId64, d[i].day / 1000));
		jw_kstr(w, "accounts", arena_printf(&r->arena, "%" PRId64, d[i].accounts));
		jw_kstr(w, "uses", arena_printf(&r->arena, "%" PRId64, d[i].uses));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "rapport");
	jw_obj(w);
	jw_kint(w, "score", l->score);
	jw_obj_end(w);
	jw_obj_end(w);
}

void h_trends_links(struct req *r)
{
	struct trend_link_list l;
	if (api_check(r, trends_links(&r->core, offset_param(r), limit_param(r, 10, 20), &l)))
		return;
	struct jw w;
	jw_init(&w, 1u << 20); /* 20 cards, each of bounded strings */
	jw_arr(&w);
	for (int i = 0; i < l.n && jw_ok_so_far(&w); i++)
		jw_trend_link(&w, r, &l.items[i]);
	jw_arr_end(&w);
	reply_jw(r, 200, &w);
}

/* ---- announcements ---- */

static json_t *announcement_json(const struct announcement *a)
{
	return json_pack("{s:o, s:s, s:o, s:o, s:b, s:o, s:o, s:b, s:[], s:[], s:[], s:[], s:[]}",
			 "id", jid(a->id), "content", a->content, "starts_at",
			 a->starts_at ? jtime(a->starts_at) : json_null(), "ends_at",
			 a->ends_at ? jtime(a->ends_at) : json_null(), "all_day", a->all_day,
			 "published_at", jtime(a->published_at), "updated_at", jtime(a->updated_at),
			 "read", a->read, "mentions", "statuses", "tags", "emojis", "reactions");
}

void h_announcements(struct req *r)
{
	struct announcement_list l;
	bool all = param_bool(r, "with_dismissed") == 1;
	if (api_check(r, announcements(&r->core, r->account_id, all, &l)))
		return;
	json_t *arr = json_array();
	for (int i = 0; i < l.n; i++)
		json_array_append_new(arr, announcement_json(&l.items[i]));
	reply_json(r, 200, arr);
}

void h_announcement_dismiss(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, announcement_dismiss(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}

void h_announcement_create(struct req *r)
{
	struct new_announcement in = {
		.text = param_str(r, "text"),
		.starts_at = param_str(r, "starts_at"),
		.ends_at = param_str(r, "ends_at"),
		.all_day = param_bool(r, "all_day"),
	};
	struct announcement a;
	if (!api_check(r, announcement_create(&r->core, r->account_id, &in, &a)))
		reply_json(r, 200, announcement_json(&a));
}

void h_announcement_delete(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id) && !api_check(r, announcement_delete(&r->core, r->account_id, id)))
		reply_json(r, 200, json_object());
}
