/* api.h - the handlers of the Mastodon-compatible API, Rapport's own API,
 * the OAuth endpoints and the server-rendered pages. Each handler reads
 * parameters from the request, calls core/, and replies once. */
#ifndef RAPPORT_API_H
#define RAPPORT_API_H

#include "http/http.h"

/* entities.c: Mastodon entities as JSON */
json_t *ent_account(struct req *r, const struct account *a);
/* The signed-in user's own account, with `source` and `role`. */
json_t *ent_credential_account(struct req *r, const struct account *a, const struct user *u);
/* Replies with the core error when rc is not RC_OK; returns rc. */
enum rc api_check(struct req *r, enum rc rc);

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
