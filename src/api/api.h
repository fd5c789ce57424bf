/* api.h - the handlers of the Mastodon-compatible API, Rapport's own API,
 * the OAuth endpoints and the server-rendered pages. Each handler reads
 * parameters from the request, calls core/, and replies once. */
#ifndef RAPPORT_API_H
#define RAPPORT_API_H

#include "core/accounts.h"
#include "http/http.h"
#include "util/cache.h"
#include "util/jw.h"

/* entities.c: Mastodon entities as JSON, written by the streaming writer
 * (jw_*) for hot responses, or as json_t for embedding in larger trees. */
void jw_account(struct jw *w, struct req *r, const struct account *a);
/* A social-capital card: {"listening": {"value": n, "explain": "..."},
 * ...}, the keys of enum social_key in order. */
struct social_card;
void jw_social_card(struct jw *w, struct req *r, const struct social_card *k);
/* An array of statuses with the viewer's flags (one pass over the list);
 * source adds each status's `text`. */
void jw_statuses(struct jw *w, struct req *r, const struct status_list *l, bool source);
/* The same, each status with `rapport`: {"why": why[i]} and, when more[i]
 * is not NULL, "more": more[i] (a ranked feed; more may be NULL). */
void jw_statuses_ranked(struct jw *w, struct req *r, const struct status_list *l, bool source,
			const char *const *why, const char *const *more);
/* The render cache of status bodies and accounts shared by all requests
 * (see entities.c); 0 bytes disables it. */
void render_cache_init(size_t max_bytes);
void render_cache_free(void);
void render_cache_stats(struct cache_stats *out);
/* The same cache for other rendered pieces, under its one budget (NULL
 * before render_cache_init): the public pages' articles are kind
 * RENDER_ARTICLE (entities.c's own kinds are below it). */
#define RENDER_ARTICLE 16
struct cache *render_cache_shared(void);
/* Replies with a finished writer's output (500 if it overflowed). */
void reply_jw(struct req *r, unsigned status, struct jw *w);
json_t *ent_account(struct req *r, const struct account *a);
/* The account asked for on its own (GET /accounts/:id, lookup, the
 * credentials): with `rapport`, its social-capital card as the worker last
 * computed it (core/social_capital.h). Accounts inside other entities
 * (statuses, notifications, lists of accounts) have no card: it is a
 * background snapshot, and a page of statuses stays as light as before.
 * NULL when the card cannot be read. */
json_t *ent_account_profile(struct req *r, const struct account *a);
/* The signed-in user's own account, with `source` and `role`; NULL when
 * the store failed (reply_json answers 500). */
json_t *ent_credential_account(struct req *r, const struct account *a, const struct user *u);
/* Replies with the core error when rc is not RC_OK; returns rc. */
enum rc api_check(struct req *r, enum rc rc);
/* Statuses with the viewer's flags (favourited, reblogged, bookmarked,
 * pinned) read in one pass over the list. These and ent_status return NULL
 * when the store failed (reply_json answers 500; json_pack refuses it), never
 * a status without its flags or a list with holes; ent_status gives JSON
 * null for a status deleted meanwhile. */
json_t *ent_statuses(struct req *r, const struct status_list *l);
json_t *ent_status(struct req *r, const struct status *s);
/* 200 with ent_status's JSON, written straight from the writer (no jansson
 * tree in between); 500 when the store failed. */
void reply_status_json(struct req *r, const struct status *s);
/* Replies with a status its request has just made (status_create_answer),
 * as reply_status_json would after reading it back: s complete, with no
 * media, poll or card; flags the viewer's on it. Reads nothing. */
void reply_status_made(struct req *r, const struct status *s, int flags);
/* The deleted status, with its source `text` as Mastodon returns it. */
json_t *ent_status_with_source(struct req *r, const struct status *s);
json_t *jid(int64_t id);
/* The canonical ActivityPub id of a status. */
const char *status_uri(struct req *r, const struct status *s);
json_t *jtime(int64_t ms);
/* The path parameter i as an id; replies 404 and returns false if it is
 * not one. */
bool path_id(struct req *r, int i, int64_t *out);

/* paging.c: Mastodon pagination */
/* Reads max_id, since_id, min_id and limit (default dflt, at most max). */
void page_from_params(struct req *r, struct page *pg, int dflt, int max);
/* Sets the Link header from the first and last cursors of a page: next
 * (older, max_id) first, then prev (newer, min_id). No next when the page
 * was not full. */
void page_link(struct req *r, const struct page *pg, int n, int64_t first, int64_t last);
/* A Link header with only the next page: max_id=cursor (opaque, for
 * lists not ordered by id). */
void page_link_next(struct req *r, const char *cursor);
/* Replies with a status page and its Link header. */
void reply_status_page(struct req *r, const struct page *pg, const struct status_list *l);
/* Replies with a page of accounts and its Link header. */
void reply_account_page(struct req *r, const struct page *pg, const struct account_list *l);

/* statuses.c */
struct new_status;
/* A status's body (POST /api/v1/statuses) read into out, true; or false,
 * having replied with the error (unsupported media, polls, schedules;
 * a malformed in_reply_to_id is 404). */
bool status_params(struct req *r, struct new_status *out);
void h_statuses_create(struct req *r);
void h_statuses_get(struct req *r);
void h_statuses_delete(struct req *r);
void h_statuses_edit(struct req *r);
void h_statuses_history(struct req *r);
void h_statuses_source(struct req *r);
void h_statuses_context(struct req *r);
void h_statuses_favourite(struct req *r);
void h_statuses_unfavourite(struct req *r);
void h_statuses_reblog(struct req *r);
void h_statuses_unreblog(struct req *r);
void h_statuses_bookmark(struct req *r);
void h_statuses_unbookmark(struct req *r);
void h_statuses_pin(struct req *r);
void h_statuses_unpin(struct req *r);
void h_statuses_favourited_by(struct req *r);
void h_statuses_reblogged_by(struct req *r);

/* timelines.c */
void h_timeline_home(struct req *r);
void h_timeline_public(struct req *r);
void h_timeline_tag(struct req *r);
void h_timeline_list(struct req *r);
void h_account_statuses(struct req *r);
void h_favourites(struct req *r);
void h_bookmarks(struct req *r);

/* instance.c */
void h_instance_v1(struct req *r);
void h_instance_v2(struct req *r);
void h_nodeinfo_index(struct req *r);
void h_nodeinfo(struct req *r);
void h_webfinger(struct req *r);
void h_host_meta(struct req *r);
void h_oauth_metadata(struct req *r);
void h_empty_array(struct req *r);
void h_not_found(struct req *r);
void h_default_avatar(struct req *r);

/* oauth.c */
void h_apps_create(struct req *r);
void h_apps_verify(struct req *r);
void h_oauth_token(struct req *r);
void h_oauth_revoke(struct req *r);
void h_oauth_authorize_get(struct req *r);
void h_oauth_authorize_post(struct req *r);

/* accounts.c */
void h_accounts_create(struct req *r);
void h_accounts_verify(struct req *r);
void h_accounts_update(struct req *r);
void h_accounts_lookup(struct req *r);
void h_accounts_get(struct req *r);
void h_preferences(struct req *r);

/* pages.c */
void h_page_home(struct req *r);
void h_page_signup_get(struct req *r);
void h_page_signup_post(struct req *r);

#endif
