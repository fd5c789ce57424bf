/* polls.c - /api/v1/polls, the poll parameters of statuses, and the
 * "poll" and "card" members of the Status entity. */
#include "api/api.h"
#include "api/api_polls.h"
#include "core/media.h"
#include "core/polls.h"
#include "core/previews.h"
#include "util/cache.h"
#include "util/jw.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool bad(struct req *r, const char *msg)
{
	core_fail(&r->core, RC_INVALID, "poll", "Validation failed: %s", msg);
	reply_core_error(r);
	return false;
}

/* A whole number from a JSON number or a decimal string. */
static bool whole(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	const char *s = json_string_value(v);
	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	char *end;
	errno = 0;
	long long n = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*out = n;
	return true;
}

static bool flag(json_t *v)
{
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	const char *s = json_string_value(v);
	return s && str_truthy(s);
}

bool poll_params(struct req *r, struct new_poll *np, const struct new_poll **out)
{
	*out = NULL;
	json_t *p = param_get(r, "poll");
	if (!p || json_is_null(p))
		return true;
	if (!json_is_object(p))
		return bad(r, "poll must have options and expires_in");
	json_t *opts = json_object_get(p, "options");
	if (!json_is_array(opts))
		return bad(r, "Poll options must be a list");
	memset(np, 0, sizeof *np);
	np->noptions = (int)(json_array_size(opts) < 1000 ? json_array_size(opts) : 1000);
	for (int i = 0; i < np->noptions && i < POLL_OPTIONS_MAX; i++) {
		np->options[i] = json_string_value(json_array_get(opts, (size_t)i));
		if (!np->options[i])
			return bad(r, "Poll options must be text");
	}
	if (!whole(json_object_get(p, "expires_in"), &np->expires_in))
		return bad(r, "Poll expires_in must be a number of seconds");
	np->multiple = flag(json_object_get(p, "multiple"));
	np->hide_totals = flag(json_object_get(p, "hide_totals"));
	*out = np;
	return true;
}

/* ---- rendering ---- */

static void write_poll(struct jw *w, struct req *r, const struct poll *p)
{
	bool expired = poll_expired(p), totals = expired || !p->hide_totals;
	jw_obj(w);
	jw_kid(w, "id", p->id);
	jw_ktime(w, "expires_at", p->expires_at);
	jw_kbool(w, "expired", expired);
	jw_kbool(w, "multiple", p->multiple);
	jw_kint(w, "votes_count", p->votes_count);
	jw_kint(w, "voters_count", p->voters_count);
	jw_key(w, "options");
	jw_arr(w);
	for (int i = 0; i < p->noptions; i++) {
		jw_obj(w);
		jw_kstr(w, "title", p->titles[i]);
		if (totals)
			jw_kint(w, "votes_count", p->counts[i]);
		else
			jw_knull(w, "votes_count");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "emojis");
	jw_raw(w, "[]");
	if (r->account_id) {
		/* The author counts as having voted (Mastodon's rule): apps show
		 * them the results, not the buttons. */
		jw_kbool(w, "voted", p->voted || p->account_id == r->account_id);
		jw_key(w, "own_votes");
		jw_arr(w);
		for (int i = 0; i < p->noptions; i++)
			if (p->own_choices & (UINT64_C(1) << i))
				jw_int(w, i);
		jw_arr_end(w);
	}
	jw_obj_end(w);
}

/* Its image is our own copy (core/previews.c), never the page's URL. */
void jw_card_members(struct jw *w, struct req *r, const struct preview_card *c)
{
	bool image = *c->image_file;
	jw_kstr(w, "url", c->url);
	jw_kstr(w, "title", c->title);
	jw_kstr(w, "description", c->description);
	jw_kstr(w, "type", "link");
	jw_kstr(w, "author_name", "");
	jw_kstr(w, "author_url", "");
	jw_kstr(w, "provider_name", c->provider_name);
	jw_kstr(w, "provider_url", c->provider_url);
	jw_kstr(w, "html", "");
	jw_kint(w, "width", image ? c->width : 0);
	jw_kint(w, "height", image ? c->height : 0);
	jw_kstr(w, "image", image ? media_url(&r->arena, r->core.cfg, c->image_file) : NULL);
	jw_kstr(w, "image_description", "");
	jw_kstr(w, "embed_url", "");
	jw_kstr(w, "blurhash", image && *c->blurhash ? c->blurhash : NULL);
	jw_knull(w, "published_at");
	jw_key(w, "authors");
	jw_raw(w, "[]");
}

static void write_card(struct jw *w, struct req *r, const struct preview_card *c)
{
	jw_obj(w);
	jw_card_members(w, r, c);
	jw_obj_end(w);
}

/* ---- what a status shows besides its body, and its cache ----
 *
 * Most statuses have no media, poll or link, and what a status has
 * changes only with an edit; so its shape (api_polls.h) is cached by
 * (id, edited_at, created_at), and its card by that and the previews'
 * generation (core/previews.h: up after every card saved). A page learns
 * its statuses' shapes at once (statuses_shapes) and passes each to the
 * parts that would read: the media, the poll and the card. Only a status
 * with a poll is read each time (votes, and the viewer's own). */

#define EXTRAS_SHAPE 1
#define EXTRAS_CARD 2

static struct cache *extras_cache;
static bool cache_cards; /* false when other processes may save cards */

void extras_cache_init(size_t max_bytes, bool cards)
{
	extras_cache = cache_new(max_bytes);
	cache_cards = cards;
}

void extras_cache_stats(struct cache_stats *out)
{
	memset(out, 0, sizeof *out);
	if (extras_cache)
		cache_stats(extras_cache, out);
}

void extras_cache_free(void)
{
	cache_free(extras_cache);
	extras_cache = NULL;
}

static const char *extras_get(struct req *r, int kind, int64_t id, const int64_t *st, int n)
{
	size_t len;
	return extras_cache ? cache_get(extras_cache, (uint32_t)kind, id, st, n, &r->arena, &len)
			    : NULL;
}

static void extras_put(int kind, int64_t id, const int64_t *st, int n, const char *v)
{
	if (extras_cache)
		cache_put(extras_cache, (uint32_t)kind, id, st, n, v, strlen(v));
}

/* The card as JSON ("null" for none) in the request's arena. */
static const char *card_json(struct req *r, enum card_state cs, const struct preview_card *c)
{
	if (cs != CARD_SHOWN)
		return "null";
	struct jw w;
	jw_init(&w, 64u << 10);
	write_card(&w, r, c);
	size_t len;
	char *json = jw_ok(&w) ? jw_steal(&w, &len) : NULL;
	const char *out = json ? arena_strdup(&r->arena, json) : "null";
	free(json);
	jw_free(&w);
	return out;
}

/* A status's shape in the cache: its bits (api_polls.h), one character. */
static unsigned shape_cached(struct req *r, const struct status *s)
{
	int64_t st[2] = {s->edited_at, s->created_at};
	const char *v = extras_get(r, EXTRAS_SHAPE, s->id, st, 2);
	return v && v[0] > '@' ? (unsigned)(v[0] - '@') & 31 : 0;
}

static void shape_put(const struct status *s, unsigned shape)
{
	int64_t st[2] = {s->edited_at, s->created_at};
	char v[2] = {(char)('@' + (shape & 31)), 0};
	extras_put(EXTRAS_SHAPE, s->id, st, 2, v);
}

/* Reads what the shape and the cache lack: the poll (always, if there is
 * one) and, unless *card is known, the card. -1 if the store failed. */
static int extras_read(struct req *r, const struct status *s, const int64_t *st,
		       unsigned *shape, const char **card, struct poll *poll, bool *has_poll)
{
	if ((*shape & SHAPE_EXTRAS) && (*card || !(*shape & EXTRA_CARD))) {
		*has_poll = false;
		return (*shape & EXTRA_POLL) &&
				       poll_of_status(&r->core, r->account_id, s->id, poll, has_poll)
			       ? -1
			       : 0;
	}
	struct preview_card c;
	enum card_state cs;
	if (status_extras(&r->core, r->account_id, s->id, poll, has_poll, &c, &cs))
		return -1;
	/* What was learnt of its media is kept. */
	*shape = (*shape & (SHAPE_MEDIA | EXTRA_MEDIA)) | SHAPE_EXTRAS |
		 (*has_poll ? EXTRA_POLL : 0) | (cs != CARD_NONE ? EXTRA_CARD : 0);
	*card = cs ? card_json(r, cs, &c) : NULL;
	shape_put(s, *shape);
	if (*card && cache_cards)
		extras_put(EXTRAS_CARD, s->id, st, 3, *card);
	return 0;
}

enum rc statuses_shapes(struct req *r, const struct status *const *s, int n, unsigned *shape)
{
	int64_t *ids = arena_calloc(&r->arena, (size_t)n + 1, sizeof *ids);
	int *at = arena_calloc(&r->arena, (size_t)n + 1, sizeof *at);
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (s[i]->reblog_of_id) { /* a wrapper has nothing of its own */
			shape[i] = SHAPE_KNOWN;
			continue;
		}
		shape[i] = shape_cached(r, s[i]);
		if ((shape[i] & SHAPE_KNOWN) != SHAPE_KNOWN) {
			ids[m] = s[i]->id;
			at[m++] = i;
		}
	}
	unsigned *has = arena_calloc(&r->arena, (size_t)m + 1, sizeof *has);
	if (m && statuses_extras_present(&r->core, ids, m, has) != RC_OK)
		return r->core.err.rc;
	for (int j = 0; j < m; j++) {
		shape[at[j]] = SHAPE_KNOWN | (has[j] & (EXTRA_MEDIA | EXTRA_POLL | EXTRA_CARD));
		shape_put(s[at[j]], shape[at[j]]);
	}
	return RC_OK;
}

void jw_status_extras(struct jw *w, struct req *r, const struct status *s, unsigned shape)
{
	if (s->reblog) { /* a reblog's wrapper: the reblogged status has them */
		jw_knull(w, "poll");
		jw_knull(w, "card");
		return;
	}
	/* The generation is read first: a card saved meanwhile is read again. */
	int64_t st[3] = {s->edited_at, s->created_at, (int64_t)previews_generation()};
	const char *card = (shape & SHAPE_EXTRAS) && (shape & EXTRA_CARD) && cache_cards
				   ? extras_get(r, EXTRAS_CARD, s->id, st, 3)
				   : NULL;
	struct poll poll;
	bool has_poll;
	if (extras_read(r, s, st, &shape, &card, &poll, &has_poll)) {
		log_error("render: could not read the poll and card of status %lld",
			  (long long)s->id);
		jw_fail(w);
		return;
	}
	jw_key(w, "poll");
	if (has_poll)
		write_poll(w, r, &poll);
	else
		jw_null(w);
	jw_key(w, "card");
	jw_raw(w, card ? card : "null");
}

/* ---- /api/v1/polls ---- */

static void reply_poll(struct req *r, const struct poll *p)
{
	struct jw w;
	jw_init(&w, 64u << 10);
	write_poll(&w, r, p);
	reply_jw(r, 200, &w);
}

void h_polls_get(struct req *r)
{
	int64_t id;
	struct poll p;
	if (path_id(r, 0, &id) && !api_check(r, poll_get(&r->core, r->account_id, id, &p)))
		reply_poll(r, &p);
}

/* choices[] (or one choice) as option numbers; false when answered. */
static bool choices_param(struct req *r, int64_t *out, int *n)
{
	json_t *v = param_get(r, "choices");
	*n = 0;
	if (v && !json_is_array(v)) {
		if (!whole(v, &out[0])) {
			reply_error(r, 422, "Validation failed: choices must be option numbers");
			return false;
		}
		*n = 1;
		return true;
	}
	size_t k = json_array_size(v);
	if (k > POLL_OPTIONS_MAX) {
		reply_error(r, 422, "Validation failed: too many choices");
		return false;
	}
	for (size_t i = 0; i < k; i++)
		if (!whole(json_array_get(v, i), &out[(*n)++])) {
			reply_error(r, 422, "Validation failed: choices must be option numbers");
			return false;
		}
	return true;
}

void h_polls_vote(struct req *r)
{
	int64_t id, choices[POLL_OPTIONS_MAX];
	int n;
	struct poll p;
	if (!path_id(r, 0, &id) || !choices_param(r, choices, &n) ||
	    api_check(r, poll_vote(&r->core, r->account_id, id, choices, n, &p)))
		return;
	reply_poll(r, &p);
}
