/* routes.c - the whole route table: method, path, handler, who may call
 * it and the scope it needs. Scope checks are declared here, once, for
 * every endpoint; handlers never skip them. */
#include "api/api.h"
#include "http/router.h"
#include "api/api_community.h"
#include "api/api_connections.h"
#include "api/api_discover.h"
#include "api/api_lifecycle.h"
#include "api/api_lists.h"
#include "api/api_media.h"
#include "api/api_polls.h"
#include "api/api_moderation.h"
#include "api/api_rapport.h"
#include "api/api_requests.h"
#include "api/api_social.h"
#include "api/api_streaming.h"
#include "federation/actor.h"
#include "federation/domains.h"
#include "federation/inbox.h"
#include "federation/object.h"
#include "pages/html.h"
#include "pages/pages.h"

#define R(x) SCOPE(SC_READ_##x)
#define W(x) SCOPE(SC_WRITE_##x)

const struct route routes[] = {
	/* pages */
	{"GET", "/", h_page_root, AUTH_NONE, 0},
	{"GET", "/auth/sign_up", h_page_signup_get, AUTH_NONE, 0},
	{"POST", "/auth/sign_up", h_page_signup_post, AUTH_NONE, 0},
	{"GET", "/avatars/original/missing.png", h_default_avatar, AUTH_NONE, 0},
	{"GET", "/headers/original/missing.png", h_default_avatar, AUTH_NONE, 0},

	/* discovery */
	{"GET", "/.well-known/webfinger", h_webfinger, AUTH_NONE, 0},
	{"GET", "/.well-known/host-meta", h_host_meta, AUTH_NONE, 0},
	{"GET", "/.well-known/nodeinfo", h_nodeinfo_index, AUTH_NONE, 0},
	{"GET", "/nodeinfo/2.0", h_nodeinfo, AUTH_NONE, 0},
	{"GET", "/nodeinfo/2.1", h_nodeinfo, AUTH_NONE, 0},
	{"GET", "/.well-known/oauth-authorization-server", h_oauth_metadata, AUTH_NONE, 0},

	/* OAuth */
	{"POST", "/api/v1/apps", h_apps_create, AUTH_NONE, 0},
	{"GET", "/api/v1/apps/verify_credentials", h_apps_verify, AUTH_APP, 0},
	{"GET", "/oauth/authorize", h_oauth_authorize_get, AUTH_NONE, 0},
	{"POST", "/oauth/authorize", h_oauth_authorize_post, AUTH_NONE, 0},
	{"POST", "/oauth/token", h_oauth_token, AUTH_NONE, 0},
	{"POST", "/oauth/revoke", h_oauth_revoke, AUTH_NONE, 0},

	/* instance */
	{"GET", "/api/v1/instance", h_instance_v1, AUTH_NONE, 0},
	{"GET", "/api/v2/instance", h_instance_v2, AUTH_NONE, 0},
	{"GET", "/api/v1/custom_emojis", h_empty_array, AUTH_NONE, 0},
	{"GET", "/api/v1/instance/peers", h_empty_array, AUTH_NONE, 0},
	{"GET", "/api/v2/filters", h_empty_array, AUTH_USER, R(FILTERS)},
	{"GET", "/api/v1/filters", h_empty_array, AUTH_USER, R(FILTERS)},
	{"GET", "/api/v1/push/subscription", h_not_found, AUTH_USER, SCOPE(SC_PUSH)},

	/* accounts */
	{"POST", "/api/v1/accounts", h_accounts_create, AUTH_APP, W(ACCOUNTS)},
	{"GET", "/api/v1/accounts/verify_credentials", h_accounts_verify, AUTH_USER,
	 R(ACCOUNTS) | SCOPE(SC_PROFILE)},
	{"PATCH", "/api/v1/accounts/update_credentials", h_accounts_update, AUTH_USER, W(ACCOUNTS)},
	{"GET", "/api/v1/accounts/lookup", h_accounts_lookup, AUTH_NONE, R(ACCOUNTS)},
	{"GET", "/api/v1/accounts/:id", h_accounts_get, AUTH_NONE, R(ACCOUNTS)},
	{"GET", "/api/v1/preferences", h_preferences, AUTH_USER, R(ACCOUNTS)},

	/* statuses */
	{"POST", "/api/v1/statuses", h_statuses_create, AUTH_USER, W(STATUSES)},
	{"GET", "/api/v1/statuses/:id", h_statuses_get, AUTH_NONE, R(STATUSES)},
	{"DELETE", "/api/v1/statuses/:id", h_statuses_delete, AUTH_USER, W(STATUSES)},
	{"PUT", "/api/v1/statuses/:id", h_statuses_edit, AUTH_USER, W(STATUSES)},
	{"GET", "/api/v1/statuses/:id/history", h_statuses_history, AUTH_NONE, R(STATUSES)},
	{"GET", "/api/v1/statuses/:id/source", h_statuses_source, AUTH_USER, R(STATUSES)},
	{"GET", "/api/v1/statuses/:id/context", h_statuses_context, AUTH_NONE, R(STATUSES)},
	{"POST", "/api/v1/statuses/:id/favourite", h_statuses_favourite, AUTH_USER, W(FAVOURITES)},
	{"POST", "/api/v1/statuses/:id/unfavourite", h_statuses_unfavourite, AUTH_USER,
	 W(FAVOURITES)},
	{"POST", "/api/v1/statuses/:id/reblog", h_statuses_reblog, AUTH_USER, W(STATUSES)},
	{"POST", "/api/v1/statuses/:id/unreblog", h_statuses_unreblog, AUTH_USER, W(STATUSES)},
	{"POST", "/api/v1/statuses/:id/bookmark", h_statuses_bookmark, AUTH_USER, W(BOOKMARKS)},
	{"POST", "/api/v1/statuses/:id/unbookmark", h_statuses_unbookmark, AUTH_USER,
	 W(BOOKMARKS)},
	{"POST", "/api/v1/statuses/:id/pin", h_statuses_pin, AUTH_USER, W(ACCOUNTS)},
	{"POST", "/api/v1/statuses/:id/unpin", h_statuses_unpin, AUTH_USER, W(ACCOUNTS)},
	{"GET", "/api/v1/statuses/:id/favourited_by", h_statuses_favourited_by, AUTH_NONE,
	 R(STATUSES)},
	{"GET", "/api/v1/statuses/:id/reblogged_by", h_statuses_reblogged_by, AUTH_NONE,
	 R(STATUSES)},

	/* timelines */
	{"GET", "/api/v1/timelines/home", h_timeline_home, AUTH_USER, R(STATUSES)},
	{"GET", "/api/v1/timelines/public", h_timeline_public, AUTH_NONE, R(STATUSES)},
	{"GET", "/api/v1/timelines/tag/:tag", h_timeline_tag, AUTH_NONE, R(STATUSES)},
	{"GET", "/api/v1/timelines/list/:id", h_timeline_list, AUTH_USER, R(LISTS)},
	{"GET", "/api/v1/accounts/:id/statuses", h_account_statuses, AUTH_NONE, R(STATUSES)},
	{"GET", "/api/v1/favourites", h_favourites, AUTH_USER, R(FAVOURITES)},
	{"GET", "/api/v1/bookmarks", h_bookmarks, AUTH_USER, R(BOOKMARKS)},

	/* relationships and notifications (api/relationships.c, api/notifications.c) */
#include "api/routes_social.inc"
	/* lists, search, conversations (api/lists.c, api/search.c, api/conversations.c) */
#include "api/routes_lists.inc"
	/* Rapport's own API (api/rapport.c) */
#include "api/routes_rapport.inc"
	/* message requests, both APIs (api/rapport_requests.c) */
#include "api/routes_requests.inc"
	/* know your connections (api/rapport_connections.c) */
#include "api/routes_connections.inc"
	/* the account lifecycle (api/lifecycle.c) */
#include "api/routes_lifecycle.inc"
	/* what apps ask for on start (api/discover.c) */
#include "api/routes_discover.inc"

	/* uploads and media files (api/media.c) */
#include "api/routes_media.inc"
	/* polls (api/polls.c) */
#include "api/routes_polls.inc"
	/* the streaming API (api/streaming.c) */
#include "api/routes_streaming.inc"
	/* reports, rules and the admin API (api/moderation.c, api/admin*.c) */
#include "api/routes_moderation.inc"
#include "api/routes_admin.inc"
	/* the archive audit and the instance health (api/community.c) */
#include "api/routes_community.inc"

	/* ActivityPub actors and their collections (federation/actor.c) */
	{"GET", "/actor", h_ap_instance_actor, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/users/:name", h_ap_actor, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/users/:name/followers", h_ap_followers, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/users/:name/following", h_ap_following, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/users/:name/outbox", h_ap_outbox, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/users/:name/collections/featured", h_ap_featured, AUTH_NONE, 0, POLICY_PUBLIC},
#include "api/routes_federation.inc"
#include "api/routes_interact.inc"

	/* public pages and feeds (pages/public.c, pages/feeds.c) */
	{"GET", "/@:name", h_page_profile, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/@:name/:id", h_page_status, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/@:name.atom", h_feed_atom, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/@:name.rss", h_feed_rss, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/tags/:tag.rss", h_feed_tag_rss, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/sitemap.xml", h_sitemap, AUTH_NONE, 0, POLICY_PUBLIC},
	{"GET", "/robots.txt", h_robots, AUTH_NONE, 0, POLICY_PUBLIC},

	/* static files: the built app (RAPPORT_WEB_DIR) and the pages' own */
	{"GET", "/assets/*", h_static_assets, AUTH_NONE, 0, POLICY_ASSET},
	{"GET", "/pages/:file", h_page_asset, AUTH_NONE, 0, POLICY_ASSET},
	/* anything else: the app's own routes for browsers, 404 otherwise */
	{"GET", "*", h_fallback, AUTH_NONE, 0, POLICY_PUBLIC},

	{NULL, NULL, NULL, AUTH_NONE, 0},
};
