/* entities.c - Mastodon entities as JSON. Strings from users are emitted
 * either as JSON strings (escaped by jansson) or as HTML built by core/text. */
#include "api/api.h"
#include "api/api_media.h"
#include "api/api_polls.h"
#include "api/api_moderation.h"
#include "core/accounts.h"
#include "core/detect.h"
#include "core/polls.h"
#include "core/social_capital.h"
#include "core/text.h"
#include "core/timeline.h"
#include "util/cache.h"
#include "util/log.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum rc api_check(struct req *r, enum rc rc)
{
	if (rc != RC_OK)
		reply_core_error(r);
	return rc;
}

json_t *jtime(int64_t ms)
{
	char t[32];
	time_format(ms, t, sizeof t);
	return json_string(t);
}

json_t *jid(int64_t id)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)id);
	return json_string(s);
}

bool path_id(struct req *r, int i, int64_t *out)
{
	if (id_parse(path_param(r, i), out))
		return true;
	reply_error(r, 404, "Record not found");
	return false;
}

/* Entities are written with the streaming writer (util/jw.h); the json_t
 * versions below parse that output, so there is one definition of each
 * entity's shape. */
#define ENTITY_CAP (64u << 20)

/* An image URL: the stored one, or the server's default picture. */
static void write_media(struct jw *w, struct req *r, const char *key, const char *stored,
			const char *dflt)
{
	jw_key(w, key);
	if (stored && *stored) {
		jw_str(w, stored);
		return;
	}
	const char *parts[] = {r->core.cfg->base_url, dflt};
	jw_str_parts(w, 2, parts);
}

/* Stored fields are [{name, value, verified_at}] plain text: values are
 * shown as escaped HTML. */
static void write_fields(struct jw *w, struct req *r, const char *stored)
{
	if (!stored || !strcmp(stored, "[]")) {
		jw_raw(w, "[]");
		return;
	}
	json_t *in = json_loads(stored, 0, NULL), *f;
	size_t i;
	jw_arr(w);
	json_array_foreach(in, i, f)
	{
		const char *n = json_string_value(json_object_get(f, "name"));
		const char *v = json_string_value(json_object_get(f, "value"));
		const char *at = json_string_value(json_object_get(f, "verified_at"));
		jw_obj(w);
		jw_kstr(w, "name", n ? n : "");
		jw_kstr(w, "value", text_escape(&r->arena, v ? v : ""));
		if (at)
			jw_kstr(w, "verified_at", at);
		else
			jw_knull(w, "verified_at");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	json_decref(in);
}

void jw_social_card(struct jw *w, struct req *r, const struct social_card *k)
{
	jw_obj(w);
	for (int i = 0; i < SK_COUNT; i++) {
		double v = social_value(k, (enum social_key)i);
		char num[32];
		snprintf(num, sizeof num, "%.6g", isfinite(v) ? v : 0);
		jw_key(w, social_key_name((enum social_key)i));
		jw_obj(w);
		jw_key(w, "value");
		jw_raw(w, num);
		jw_kstr(w, "explain", social_explain(&r->core, k, (enum social_key)i));
		jw_obj_end(w);
	}
	jw_obj_end(w);
}

static void write_account(struct jw *w, struct req *r, const struct account *a,
			  const struct social_card *card);

/* `moved`: the account a moved to (Move), itself without `moved`, as
 * Mastodon nests it. */
static void write_moved(struct jw *w, struct req *r, const struct account *a)
{
	struct account m;
	if (!a->moved_to)
		return;
	if (account_get(&r->core, a->moved_to, &m) != RC_OK) {
		if (r->core.err.rc == RC_INTERNAL)
			jw_fail(w);
		return;
	}
	m.moved_to = 0;
	jw_key(w, "moved");
	write_account(w, r, &m, NULL);
}

/* An account; with a card (the account asked for on its own), `rapport`. */
static void write_account(struct jw *w, struct req *r, const struct account *a,
			  const struct social_card *card)
{
	const char *base = r->core.cfg->base_url;
	jw_obj(w);
	jw_kid(w, "id", a->id);
	jw_kstr(w, "username", a->username);
	jw_key(w, "acct");
	const char *acct[] = {a->username, "@", a->domain};
	jw_str_parts(w, *a->domain ? 3 : 1, acct);
	jw_kstr(w, "display_name", a->display_name);
	jw_kbool(w, "locked", a->locked);
	jw_kbool(w, "bot", a->bot);
	jw_kbool(w, "discoverable", a->discoverable);
	jw_kbool(w, "indexable", a->discoverable);
	jw_kbool(w, "group", false);
	jw_ktime(w, "created_at", a->created_at);
	jw_kstr(w, "note", a->note_html);
	/* Local accounts' URLs follow the configured domain (see account_url). */
	const char *url[] = {base, "/@", a->username}, *uri[] = {base, "/users/", a->username};
	jw_key(w, "url");
	if (*a->domain)
		jw_str(w, a->url);
	else
		jw_str_parts(w, 3, url);
	jw_key(w, "uri");
	if (*a->domain)
		jw_str(w, a->uri);
	else
		jw_str_parts(w, 3, uri);
	write_media(w, r, "avatar", a->avatar, "/avatars/original/missing.png");
	write_media(w, r, "avatar_static", a->avatar, "/avatars/original/missing.png");
	write_media(w, r, "header", a->header, "/headers/original/missing.png");
	write_media(w, r, "header_static", a->header, "/headers/original/missing.png");
	jw_kint(w, "followers_count", a->followers_count);
	jw_kint(w, "following_count", a->following_count);
	jw_kint(w, "statuses_count", a->statuses_count);
	jw_key(w, "last_status_at");
	if (a->last_status_at) {
		char d[16];
		date_format(a->last_status_at, d, sizeof d);
		jw_str(w, d);
	} else {
		jw_null(w);
	}
	jw_kbool(w, "hide_collections", false);
	jw_kbool(w, "noindex", !a->discoverable);
	jw_key(w, "emojis");
	jw_raw(w, "[]");
	jw_key(w, "roles");
	jw_raw(w, "[]");
	jw_key(w, "fields");
	write_fields(w, r, a->fields);
	write_moved(w, r, a);
	if (card) {
		jw_key(w, "rapport");
		jw_social_card(w, r, card);
	}
	jw_obj_end(w);
}

void jw_account(struct jw *w, struct req *r, const struct account *a)
{
	write_account(w, r, a, NULL);
}

/* Parses a writer's output into a jansson value (for callers that embed
 * entities in larger json_t trees). */
static json_t *jw_to_json(struct jw *w)
{
	json_t *j = jw_ok(w) ? json_loadb(w->b.data, w->b.len, 0, NULL) : NULL;
	jw_free(w);
	return j ? j : json_null();
}

/* The writer's array, or NULL when it failed (the store did not answer,
 * or the output passed its cap). */
static json_t *jw_to_array(struct jw *w)
{
	json_t *j = jw_to_json(w);
	if (json_is_array(j))
		return j;
	json_decref(j);
	return NULL;
}

json_t *ent_account(struct req *r, const struct account *a)
{
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_account(&w, r, a);
	return jw_to_json(&w);
}

json_t *ent_account_profile(struct req *r, const struct account *a)
{
	struct social_card card;
	int64_t stamp;
	if (social_card_shown(&r->core, a->id, &card, &stamp) != RC_OK)
		return NULL; /* the card cannot be read: a 500, not an account without it */
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	write_account(&w, r, a, &card);
	return jw_to_json(&w);
}

json_t *ent_credential_account(struct req *r, const struct account *a, const struct user *u)
{
	int64_t requests;
	if (account_follow_requests(&r->core, a->id, &requests) != RC_OK)
		return NULL;
	json_t *j = ent_account_profile(r, a);
	if (!j)
		return NULL;
	json_t *raw = json_loads(a->fields ? a->fields : "[]", 0, NULL);
	json_object_set_new(j, "source",
			    json_pack("{s:s, s:o, s:s, s:b, s:o, s:I}", "note", a->note, "fields",
				      raw ? raw : json_array(), "privacy", u->default_privacy,
				      "sensitive", u->default_sensitive, "language",
				      *u->default_language ? json_string(u->default_language)
							   : json_null(),
				      "follow_requests_count", (json_int_t)requests));
	json_object_set_new(j, "role", ent_role(r, u->role));
	return j;
}

const char *status_uri(struct req *r, const struct status *s)
{
	if (*s->uri)
		return s->uri;
	return arena_printf(&r->arena, "%s/users/%s/statuses/%lld", r->core.cfg->base_url,
			    s->account.username, (long long)s->id);
}

/* Tags are stored as ["name", ...]; names are word characters only. */
static void write_tags(struct jw *w, struct req *r, const char *stored)
{
	jw_arr(w);
	for (const char *p = stored ? strchr(stored, '"') : NULL; p; p = strchr(p, '"')) {
		const char *end = strchr(p + 1, '"');
		if (!end)
			break;
		const char *name = arena_strndup(&r->arena, p + 1, (size_t)(end - p - 1));
		const char *url[] = {r->core.cfg->base_url, "/tags/", name};
		jw_obj(w);
		jw_kstr(w, "name", name);
		jw_key(w, "url");
		jw_str_parts(w, 3, url);
		jw_obj_end(w);
		p = end + 1;
	}
	jw_arr_end(w);
}

/* ---- rendering pages of statuses ----
 *
 * A status is written as its body (every member that depends only on the
 * status row), then "account", "reblog", "text" and the viewer's flags.
 * Bodies and accounts are kept across requests in a render cache,
 * validated by the numbers that change when they change (counters and
 * modification times; see stamps below), so a page of cached statuses
 * costs one narrow query, the viewer's flags and copies. */

static struct cache *render_cache;

void render_cache_init(size_t max_bytes)
{
	render_cache = cache_new(max_bytes);
}

void render_cache_free(void)
{
	cache_free(render_cache);
	render_cache = NULL;
}

struct cache *render_cache_shared(void)
{
	return render_cache;
}

void render_cache_stats(struct cache_stats *out)
{
	if (render_cache)
		cache_stats(render_cache, out);
	else
		memset(out, 0, sizeof *out);
}

enum { PIECE_BODY = 1, PIECE_ACCOUNT = 2 };

/* Everything a status body shows that can change, changes one of these;
 * the last says whether the viewer reads it as sensitive. */
static int body_stamp(const struct req *r, const struct status *s, int64_t *st)
{
	st[0] = s->replies_count;
	st[1] = s->reblogs_count;
	st[2] = s->favourites_count;
	st[3] = s->edited_at;
	st[4] = s->created_at;
	st[5] = status_sensitive_for(s, r->account_id);
	return 6;
}

static int account_stamp(const struct account *a, int64_t *st)
{
	st[0] = a->statuses_count;
	st[1] = a->followers_count;
	st[2] = a->following_count;
	st[3] = a->last_status_at;
	st[4] = a->updated_at;
	st[5] = a->created_at;
	return 6;
}

struct piece {
	const char *json;
	size_t len;
};

static struct piece cached(struct req *r, int kind, int64_t id, const int64_t *stamp, int n)
{
	struct piece p = {NULL, 0};
	if (render_cache)
		p.json = cache_get(render_cache, (uint32_t)kind, id, stamp, n, &r->arena, &p.len);
	return p;
}

static void keep(int kind, int64_t id, const int64_t *stamp, int n, const struct jw *w,
		 size_t from)
{
	size_t len;
	const char *bytes = jw_since(w, from, &len);
	if (render_cache && jw_ok_so_far(w))
		cache_put(render_cache, (uint32_t)kind, id, stamp, n, bytes, len);
}

/* shape: what s is known to have (api_polls.h); media it is known to lack
 * is not read. */
static void write_body(struct jw *w, struct req *r, const struct status *s, unsigned shape)
{
	static const char *const vis_names[] = {"public", "unlisted", "private", "direct"};
	jw_kid(w, "id", s->id);
	if (*s->uri) {
		jw_kstr(w, "uri", s->uri);
		jw_kstr(w, "url", s->uri);
	} else {
		char idbuf[24];
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)s->id);
		const char *uri[] = {r->core.cfg->base_url, "/users/", s->account.username,
				     "/statuses/", idbuf};
		const char *url[] = {r->core.cfg->base_url, "/@", s->account.username, "/", idbuf};
		jw_key(w, "uri");
		jw_str_parts(w, 5, uri);
		jw_key(w, "url");
		jw_str_parts(w, 5, url);
	}
	jw_ktime(w, "created_at", s->created_at);
	jw_kstr(w, "content", s->reblog_of_id ? "" : s->content);
	jw_kstr(w, "visibility",
		vis_names[s->visibility >= 0 && s->visibility <= 3 ? s->visibility : 0]);
	jw_kbool(w, "sensitive", status_sensitive_for(s, r->account_id));
	jw_kstr(w, "spoiler_text", s->spoiler_text);
	jw_media_attachments(w, r, s, shape); /* api/media.c */
	jw_key(w, "mentions");
	jw_raw(w, s->mentions && *s->mentions ? s->mentions : "[]");
	jw_key(w, "tags");
	write_tags(w, r, s->tags);
	jw_key(w, "emojis");
	jw_raw(w, "[]");
	jw_kint(w, "reblogs_count", s->reblogs_count);
	jw_kint(w, "favourites_count", s->favourites_count);
	jw_kint(w, "replies_count", s->replies_count);
	jw_kid(w, "in_reply_to_id", s->in_reply_to_id);
	jw_kid(w, "in_reply_to_account_id", s->in_reply_to_account_id);
	jw_key(w, "language");
	if (*s->language)
		jw_str(w, s->language);
	else
		jw_null(w);
	jw_key(w, "edited_at");
	if (s->edited_at)
		jw_time(w, s->edited_at);
	else
		jw_null(w);
	jw_key(w, "application");
	if (s->app_name && *s->app_name) {
		jw_obj(w);
		jw_kstr(w, "name", s->app_name);
		jw_key(w, "website");
		jw_str(w, *s->app_website ? s->app_website : NULL);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "filtered");
	jw_raw(w, "[]");
}

/* The pieces of one status found in the render cache before any string
 * was read: its body and its author's account. */
struct cached_status {
	struct piece body, account;
};

/* Accounts already found in this response: a page often shows the same
 * authors many times, and a local probe is cheaper than the shared
 * cache's. */
#define SEEN_MAX 64
struct seen {
	int n;
	int64_t id[SEEN_MAX];
	int64_t stamp[SEEN_MAX][CACHE_STAMP_MAX];
	struct piece piece[SEEN_MAX];
};

static struct piece account_piece(struct req *r, const struct account *a, struct seen *seen)
{
	int64_t st[CACHE_STAMP_MAX];
	int n = account_stamp(a, st);
	for (int i = 0; i < seen->n; i++)
		if (seen->id[i] == a->id && !memcmp(seen->stamp[i], st, sizeof *st * (size_t)n))
			return seen->piece[i];
	struct piece p = cached(r, PIECE_ACCOUNT, a->id, st, n);
	if (p.json && seen->n < SEEN_MAX) {
		seen->id[seen->n] = a->id;
		memcpy(seen->stamp[seen->n], st, sizeof *st * (size_t)n);
		seen->piece[seen->n++] = p;
	}
	return p;
}

static void look_up(struct req *r, const struct status *s, struct cached_status *c,
		    struct seen *seen)
{
	int64_t st[CACHE_STAMP_MAX];
	int n = body_stamp(r, s, st);
	c->body = cached(r, PIECE_BODY, s->id, st, n);
	c->account = account_piece(r, &s->account, seen);
}

/* A status that still lacks a piece and has no strings to render it from
 * (before the fill: must be read; after: it is gone). */
static bool missing(const struct status *s, const struct cached_status *c,
		    const struct cached_status *rc)
{
	bool have = c->body.json && c->account.json;
	if (s->reblog)
		have = have && rc->body.json && rc->account.json;
	return s->partial && !have;
}

static void write_account_piece(struct jw *w, struct req *r, const struct account *a,
				struct piece p)
{
	if (p.json) {
		jw_rawn(w, p.json, p.len);
		return;
	}
	int64_t st[CACHE_STAMP_MAX];
	int n = account_stamp(a, st);
	size_t from = jw_len(w);
	jw_account(w, r, a);
	keep(PIECE_ACCOUNT, a->id, st, n, w, from);
}

/* `rapport` on a status: the detectors' flags (core/detect.h) on the
 * viewer's own statuses, read with the viewer's flags, so outside the
 * cached body (a flag set after the status was first rendered shows at
 * once); and in a ranked feed, why it ranks there and what is folded into
 * it. Written only when there is something to say. */
static void write_rapport(struct jw *w, bool own, uint32_t flags, const char *why,
			  const char *more)
{
	jw_key(w, "rapport");
	jw_obj(w);
	if (own) {
		const char *names[8];
		int n = detect_flag_names(flags, names, 8);
		jw_key(w, "flags");
		jw_arr(w);
		for (int i = 0; i < n; i++)
			jw_str(w, names[i]);
		jw_arr_end(w);
	}
	if (why)
		jw_kstr(w, "why", why);
	if (more)
		jw_kstr(w, "more", more);
	jw_obj_end(w);
}

/* Writes s with the viewer's flags; c holds its cached pieces, if any.
 * The reblogged status, if any, comes with its own cached pieces rc.
 * shape: what s (the reblogged status, if any) has, as far as is known
 * (api_polls.h): what it is known to lack is not read. */
static void write_status(struct jw *w, struct req *r, const struct status *s, int flags,
			 int rflags, const struct cached_status *c,
			 const struct cached_status *rc, bool source, const char *why,
			 const char *more, unsigned shape)
{
	jw_obj(w);
	if (c->body.json) {
		jw_raw_members(w, c->body.json, c->body.len);
	} else {
		int64_t st[CACHE_STAMP_MAX];
		int n = body_stamp(r, s, st);
		size_t from = jw_len(w);
		write_body(w, r, s, shape);
		keep(PIECE_BODY, s->id, st, n, w, from);
	}
	jw_status_extras(w, r, s, shape); /* poll and card, per viewer (api/polls.c) */
	jw_key(w, "account");
	write_account_piece(w, r, &s->account, c->account);
	jw_key(w, "reblog");
	if (s->reblog) {
		static const struct cached_status none;
		write_status(w, r, s->reblog, rflags, 0, rc ? rc : &none, NULL, false, NULL,
			     NULL, shape);
	} else {
		jw_null(w);
	}
	jw_key(w, "text");
	if (source)
		jw_str(w, s->text);
	else
		jw_null(w);
	if (r->account_id) {
		jw_kbool(w, "favourited", flags & FLAG_FAVOURITED);
		jw_kbool(w, "reblogged", flags & FLAG_REBLOGGED);
		jw_kbool(w, "bookmarked", flags & FLAG_BOOKMARKED);
		jw_kbool(w, "muted", false);
		if (s->account_id == r->account_id)
			jw_kbool(w, "pinned", flags & FLAG_PINNED);
	}
	bool own = r->account_id && s->account_id == r->account_id && !s->reblog;
	if (own || why)
		write_rapport(w, own, (uint32_t)flags >> FLAG_RAPPORT_SHIFT, why, more);
	jw_obj_end(w);
}

/* What the page's statuses have (api_polls.h), read for the whole page
 * in a statement per 16 where the cache lacks it, so a status with none
 * reads nothing more; a reblog's, what the status it carries has. Without
 * this a cold page cost two statements per status. NULL when the store
 * failed. */
static unsigned *page_shapes(struct req *r, const struct status_list *l,
			     const struct cached_status *c, const struct cached_status *rc)
{
	const struct status **of = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *of);
	unsigned *shape = arena_calloc(&r->arena, (size_t)l->n + 1, sizeof *shape);
	int m = 0;
	for (int i = 0; i < l->n; i++)
		if (!missing(&l->items[i], &c[i], &rc[i]))
			of[m++] = l->items[i].reblog ? l->items[i].reblog : &l->items[i];
	if (statuses_shapes(r, of, m, shape) != RC_OK)
		return NULL;
	/* Spread back to the page's positions, skipping the missing. */
	for (int i = l->n - 1, j = m - 1; i >= 0; i--)
		shape[i] = missing(&l->items[i], &c[i], &rc[i]) ? 0 : shape[j--];
	return shape;
}

void jw_statuses(struct jw *w, struct req *r, const struct status_list *l, bool source)
{
	jw_statuses_ranked(w, r, l, source, NULL, NULL);
}

void jw_statuses_ranked(struct jw *w, struct req *r, const struct status_list *l, bool source,
			const char *const *why, const char *const *more)
{
	int n = l->n, k = 0;
	int64_t *ids = arena_calloc(&r->arena, (size_t)n * 2 + 1, sizeof *ids);
	int *flags = arena_calloc(&r->arena, (size_t)n * 2 + 1, sizeof *flags);
	for (int i = 0; i < n; i++) {
		ids[k++] = l->items[i].id;
		if (l->items[i].reblog)
			ids[k++] = l->items[i].reblog->id;
	}
	if (r->account_id &&
	    timeline_viewer_flags(&r->core, r->account_id, ids, k, flags) != RC_OK) {
		/* Not "none": the viewer would see undone what they did. */
		log_error("render: could not read the viewer's flags");
		jw_fail(w);
		return;
	}

	/* Cached pieces first; the strings of the statuses with a piece
	 * missing are read in one pass. */
	struct cached_status *c = arena_calloc(&r->arena, (size_t)n + 1, sizeof *c);
	struct cached_status *rc = arena_calloc(&r->arena, (size_t)n + 1, sizeof *rc);
	struct status **fill = arena_calloc(&r->arena, (size_t)n + 1, sizeof *fill);
	int nfill = 0;
	struct seen *seen = arena_alloc(&r->arena, sizeof *seen);
	seen->n = 0;
	for (int i = 0; i < n; i++) {
		struct status *s = &l->items[i];
		look_up(r, s, &c[i], seen);
		if (s->reblog)
			look_up(r, s->reblog, &rc[i], seen);
		if (missing(s, &c[i], &rc[i]))
			fill[nfill++] = s;
	}
	if (nfill && timeline_fill(&r->core, fill, nfill) != RC_OK) {
		/* Not "gone": the page would skip rows its cursors cover. */
		log_error("render: could not read %d statuses", nfill);
		jw_fail(w);
		return;
	}
	unsigned *shape = page_shapes(r, l, c, rc);
	if (!shape) {
		log_error("render: could not read what %d statuses have", n);
		jw_fail(w);
		return;
	}

	jw_arr(w);
	k = 0;
	for (int i = 0; i < n; i++) {
		const struct status *s = &l->items[i];
		int f = flags[k++];
		int rf = s->reblog ? flags[k++] : 0;
		/* Gone since the page was read: nothing to show. */
		if (missing(s, &c[i], &rc[i]))
			continue;
		/* A reblog wrapper shows the flags of the status it carries. */
		write_status(w, r, s, s->reblog ? rf : f, rf, &c[i], &rc[i], source,
			     why ? why[i] : NULL, more ? more[i] : NULL, shape[i]);
	}
	jw_arr_end(w);
}

json_t *ent_statuses(struct req *r, const struct status_list *l)
{
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_statuses(&w, r, l, false);
	return jw_to_array(&w);
}

static json_t *one_status(struct req *r, const struct status *s, bool source)
{
	struct status_list l = {(struct status *)s, 1};
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_statuses(&w, r, &l, source);
	json_t *arr = jw_to_array(&w);
	if (!arr)
		return NULL;
	json_t *j = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return j ? j : json_null();
}

void reply_status_json(struct req *r, const struct status *s)
{
	struct status_list l = {(struct status *)s, 1};
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	jw_statuses(&w, r, &l, false);
	if (!jw_ok(&w)) {
		reply_jw(r, 200, &w); /* its 500 */
		return;
	}
	size_t len;
	char *body = jw_steal(&w, &len);
	if (len > 2 && body[0] == '[' && body[len - 1] == ']') {
		memmove(body, body + 1, len - 2); /* the one item of the array */
		len -= 2;
	} else { /* deleted meanwhile */
		free(body);
		body = xstrdup("null");
		len = 4;
	}
	reply_json_bytes(r, 200, body, len);
}

void reply_status_made(struct req *r, const struct status *s, int flags)
{
	struct cached_status c;
	struct seen *seen = arena_alloc(&r->arena, sizeof *seen);
	seen->n = 0;
	look_up(r, s, &c, seen);
	struct jw w;
	jw_init(&w, ENTITY_CAP);
	/* It has nothing besides its body. */
	write_status(&w, r, s, flags, 0, &c, NULL, false, NULL, NULL, SHAPE_KNOWN);
	reply_jw(r, 200, &w);
}

json_t *ent_status(struct req *r, const struct status *s)
{
	return one_status(r, s, false);
}

json_t *ent_status_with_source(struct req *r, const struct status *s)
{
	return one_status(r, s, true);
}
