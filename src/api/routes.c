/* routes.c - the whole route table: method, path, handler, who may call
 * it and the scope it needs. Scope checks are declared here, once, for
 * every endpoint; handlers never skip them. */
#include "api/api.h"
#include "http/router.h"

#define R(x) SCOPE(SC_READ_##x)
#define W(x) SCOPE(SC_WRITE_##x)

const struct route routes[] = {
	/* pages */
	{"GET", "/", h_page_home, AUTH_NONE, 0},
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
	{"GET", "/api/v1/instance/rules", h_empty_array, AUTH_NONE, 0},
	{"GET", "/api/v1/instance/peers", h_empty_array, AUTH_NONE, 0},
	{"GET", "/api/v1/announcements", h_empty_array, AUTH_USER, 0},
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

	{NULL, NULL, NULL, AUTH_NONE, 0},
};
