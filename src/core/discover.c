/* discover.c - followed and featured hashtags, endorsements, suggestions,
 * trends and announcements (core/discover.h). */
#include "core/discover.h"
#include "core/moderation.h"
#include "core/accounts.h"
#include "core/events.h"
#include "core/lists.h"
#include "core/statuses.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/statuses.h"
#include "util/util.h"

#include <jansson.h>
#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

static enum rc done(struct core *c, enum store_rc st)
{
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- followed hashtags ---- */

struct follow_tx {
	const char *key;
	int64_t viewer;
	bool on;
	int64_t tag_id;
};

static enum store_rc follow_fn(struct db *db, void *arg)
{
	struct follow_tx *x = arg;
	enum store_rc st = store_tag_ensure(db, x->key, &x->tag_id);
	return st == ST_OK ? store_tag_follow(db, x->viewer, x->tag_id, x->on) : st;
}

enum rc tag_follow(struct core *c, int64_t viewer, const char *name, bool on, struct tag *out)
{
	const char *key = name ? tag_fold(c, name) : NULL;
	if (!key)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	struct follow_tx x = {key, viewer, on, 0};
	enum store_rc st = store_tx(c->db, follow_fn, &x);
	if (st != ST_OK)
		return core_store_fail(c, st);
	return done(c, store_tag_get(c->db, c->arena, key, out));
}

enum rc tag_following(struct core *c, int64_t viewer, int64_t tag_id, bool *out)
{
	*out = false;
	return viewer ? done(c, store_tag_following(c->db, viewer, tag_id, out)) : RC_OK;
}

enum rc tags_followed(struct core *c, int64_t viewer, const struct page *pg,
		      struct tag_page *out)
{
	return done(c, store_followed_tags(c->db, c->arena, viewer, pg, out));
}

enum rc tag_history(struct core *c, int64_t tag_id, struct tag_day out[TAG_HISTORY_DAYS])
{
	return done(c, store_tag_history(c->db, tag_id, now_ms(), out));
}

static enum store_rc untag_feeds(struct db *db, const struct status *s)
{
	json_t *tags = json_loads(s->tags ? s->tags : "[]", 0, NULL);
	enum store_rc st = tags ? ST_OK : ST_ERROR;
	size_t i;
	json_t *t;
	json_array_foreach(tags, i, t)
	{
		if (st == ST_OK && json_is_string(t))
			st = store_feed_tag_remove(db, s->id, json_string_value(t));
	}
	json_decref(tags);
	return st;
}

enum rc discover_update(struct core *c, struct db *db, struct event *ev)
{
	const struct status *s = ev->status;
	if (!s || s->visibility != VIS_PUBLIC || s->reblog_of_id || !s->tags ||
	    !strcmp(s->tags, "[]"))
		return RC_OK;
	enum store_rc st = ev->type == EV_STATUS_DELETED ? untag_feeds(db, s)
							 : store_feed_tag_fanout(db, s->id, s->account_id);
	return done(c, st);
}

/* ---- featured hashtags ---- */

struct feature_tx {
	const char *key;
	int64_t viewer, id;
	int count;
};

static enum store_rc feature_fn(struct db *db, void *arg)
{
	struct feature_tx *x = arg;
	int64_t tag_id;
	enum store_rc st = store_tag_ensure(db, x->key, &tag_id);
	return st == ST_OK ? store_featured_tag_add(db, x->id, x->viewer, tag_id) : st;
}

enum rc featured_tag_add(struct core *c, int64_t viewer, const char *name,
			 struct featured_tag *out)
{
	const char *key = name ? tag_fold(c, name) : NULL;
	if (!key)
		return core_fail(c, RC_INVALID, "name", "Validation failed: name is not a hashtag");
	struct featured_tag_list l;
	if (featured_tags(c, viewer, &l))
		return c->err.rc;
	if (l.n >= FEATURED_TAGS_MAX)
		return core_fail(c, RC_INVALID, "name",
				 "Validation failed: you can feature at most %d hashtags",
				 FEATURED_TAGS_MAX);
	struct feature_tx x = {key, viewer, id_new(), 0};
	enum store_rc st = store_tx(c->db, feature_fn, &x);
	if (st == ST_CONFLICT)
		return core_fail(c, RC_INVALID, "name", "Validation failed: name is already featured");
	if (st != ST_OK)
		return core_store_fail(c, st);
	return done(c, store_featured_tag_get(c->db, c->arena, viewer, x.id, out));
}

enum rc featured_tag_remove(struct core *c, int64_t viewer, int64_t id)
{
	return done(c, store_featured_tag_remove(c->db, viewer, id));
}

enum rc featured_tags(struct core *c, int64_t account_id, struct featured_tag_list *out)
{
	return done(c, store_featured_tags(c->db, c->arena, account_id, out));
}

enum rc featured_suggestions(struct core *c, int64_t viewer, struct tag_list *out)
{
	return done(c, store_featured_suggestions(c->db, c->arena, viewer, FEATURED_TAGS_MAX, out));
}

/* ---- endorsements ---- */

enum rc endorse(struct core *c, int64_t viewer, int64_t target, bool on)
{
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, target, &a);
	if (st != ST_OK)
		return core_store_fail(c, st);
	st = store_endorse(c->db, viewer, target, on);
	if (st == ST_NOT_FOUND)
		return core_fail(c, RC_INVALID, NULL,
				 "Validation failed: you can only feature accounts you follow");
	return done(c, st);
}

enum rc endorsed(struct core *c, int64_t viewer, int64_t target, bool *out)
{
	return done(c, store_endorsed(c->db, viewer, target, out));
}

enum rc endorsements(struct core *c, int64_t viewer, const struct page *pg,
		     struct account_list *out)
{
	return done(c, store_endorsements(c->db, c->arena, viewer, pg, out));
}

/* ---- suggestions ---- */

enum rc suggestions(struct core *c, int64_t viewer, int limit, struct suggestion_list *out)
{
	int64_t since = now_ms() - SUGGESTIONS_DAYS * DAY_MS;
	return done(c, store_suggestions(c->db, c->arena, viewer, since, limit, out));
}

enum rc suggestion_dismiss(struct core *c, int64_t viewer, int64_t target)
{
	return done(c, store_suggestion_dismiss(c->db, viewer, target));
}

/* ---- trends ---- */

enum rc trends_tags(struct core *c, int offset, int limit, struct trend_tag_list *out)
{
	int64_t since = now_ms() - TRENDS_TAG_DAYS * DAY_MS;
	return done(c, store_trend_tags(c->db, c->arena, since, offset, limit, out));
}

enum rc trends_links(struct core *c, int offset, int limit, struct trend_link_list *out)
{
	int64_t since = now_ms() - TRENDS_TAG_DAYS * DAY_MS;
	return done(c, store_trend_links(c->db, c->arena, since, offset, limit, out));
}

enum rc link_history(struct core *c, const char *url, struct tag_day out[TAG_HISTORY_DAYS])
{
	return done(c, store_link_history(c->db, url, now_ms(), out));
}

enum rc trends_statuses(struct core *c, int64_t viewer, int offset, int limit,
			struct status_list *out)
{
	int64_t *ids = arena_calloc(c->arena, (size_t)(limit > 0 ? limit : 1), sizeof *ids);
	out->n = 0;
	out->items = arena_calloc(c->arena, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	int n;
	enum store_rc st = store_trend_statuses(c->db, now_ms() - TRENDS_STATUS_DAYS * DAY_MS,
						offset, limit, ids, &n);
	if (st != ST_OK)
		return core_store_fail(c, st);
	for (int i = 0; i < n; i++) {
		/* Hidden from this viewer (a block) or deleted since: left out. */
		enum rc rc = status_load(c, viewer, ids[i], &out->items[out->n]);
		if (rc != RC_OK && rc != RC_NOT_FOUND)
			return rc;
		out->n += rc == RC_OK;
	}
	return RC_OK;
}

/* ---- announcements ---- */

/* Announcements are managed by the roles that have the permission
 * (Mastodon's Manage Announcements: admins and the owner). */
static enum rc must_be_admin(struct core *c, int64_t viewer)
{
	int role;
	return moderation_require(c, viewer, PERM_MANAGE_ANNOUNCEMENTS, &role);
}

static enum rc read_time(struct core *c, const char *field, const char *s, int64_t *out)
{
	*out = 0;
	if (!s || !*s)
		return RC_OK;
	if (!time_parse(s, out))
		return core_fail(c, RC_INVALID, field, "Validation failed: %s is not a time", field);
	return RC_OK;
}

enum rc announcement_create(struct core *c, int64_t viewer, const struct new_announcement *in,
			    struct announcement *out)
{
	if (must_be_admin(c, viewer))
		return c->err.rc;
	long n = in->text ? text_length(in->text) : 0;
	if (n <= 0 || n > 5000)
		return core_fail(c, RC_INVALID, "text",
				 "Validation failed: text must be 1 to 5000 characters");
	*out = (struct announcement){.id = id_new(), .text = in->text, .all_day = in->all_day == 1};
	if (read_time(c, "starts_at", in->starts_at, &out->starts_at) ||
	    read_time(c, "ends_at", in->ends_at, &out->ends_at))
		return c->err.rc;
	if (out->ends_at && out->ends_at <= out->starts_at)
		return core_fail(c, RC_INVALID, "ends_at", "Validation failed: ends_at is before starts_at");
	out->content = text_to_html(c->arena, in->text);
	out->published_at = out->updated_at = now_ms();
	return done(c, store_announcement_insert(c->db, out));
}

enum rc announcement_delete(struct core *c, int64_t viewer, int64_t id)
{
	if (must_be_admin(c, viewer))
		return c->err.rc;
	return done(c, store_announcement_delete(c->db, id));
}

enum rc announcements(struct core *c, int64_t viewer, bool with_dismissed,
		      struct announcement_list *out)
{
	return done(c, store_announcements(c->db, c->arena, viewer, now_ms(), with_dismissed, out));
}

enum rc announcement_dismiss(struct core *c, int64_t viewer, int64_t id)
{
	return done(c, store_announcement_dismiss(c->db, viewer, id));
}
