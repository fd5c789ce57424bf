/* accounts.c - /api/v1/accounts: sign-up, credentials, profile, lookup. */
#include "api/api.h"
#include "api/api_media.h"
#include "api/api_moderation.h"
#include "core/accounts.h"
#include "core/email.h"
#include "core/oauth.h"
#include "util/util.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The signed-in account with its user row, as verify_credentials shows it. */
static void reply_credentials(struct req *r, int64_t id)
{
	struct account a;
	struct user u;
	if (api_check(r, account_get(&r->core, id, &a)))
		return;
	if (api_check(r, account_user(&r->core, id, &u)))
		return;
	reply_json(r, 200, ent_credential_account(r, &a, &u));
}

static bool signup_allowed(struct req *r)
{
	/* The sign-up mode is core's to check (core/moderation.h). */
	const struct config *cfg = r->core.cfg;
	if (cfg->signup_limit <= 0)
		return true;
	struct rl_result rl = ratelimit_hit(r->core.rl, arena_printf(&r->arena, "signup:%s", r->ip),
					    cfg->signup_limit, cfg->signup_window);
	if (rl.allowed)
		return true;
	reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER, arena_printf(&r->arena, "%d", rl.retry_after_s));
	reply_error(r, 429, "Too many sign-ups from this address; try again later");
	return false;
}

void h_accounts_create(struct req *r)
{
	if (!signup_allowed(r))
		return;
	int agreement = param_bool(r, "agreement");
	if (agreement == 0) {
		core_fail(&r->core, RC_INVALID, "agreement",
			  "Validation failed: you must agree to the server rules");
		reply_core_error(r);
		return;
	}
	struct signup s = {
		.username = param_str(r, "username"),
		.email = param_str(r, "email"),
		.password = param_str(r, "password"),
		.moderated = true,
		.reason = param_str(r, "reason"),
		.invite = param_str(r, "invite_code"),
		.ip = r->ip,
	};
	int64_t id;
	if (api_check(r, account_create(&r->core, &s, &id)))
		return;
	email_send_confirmation(&r->core, id); /* logged if it fails; can be asked again */
	/* Like Mastodon: the new user gets a token for the app that signed
	 * them up, with the app token's scopes. */
	struct issued_token t;
	if (oauth_signup_token(&r->core, r->token.app_id, id, r->token.scopes, &t) != RC_OK) {
		reply_error(r, 500, "Internal error");
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:I}", "access_token", t.token, "token_type", "Bearer",
			     "scope", t.scopes, "created_at", (json_int_t)(t.created_at / 1000)));
	sodium_memzero(t.token, sizeof t.token);
}

void h_accounts_verify(struct req *r)
{
	reply_credentials(r, r->account_id);
}

/* fields_attributes arrive as an array of {name, value} or as an object
 * keyed by index ("0", "1", ...), from JSON or from form brackets. */
static int read_fields(struct req *r, struct profile_update *u)
{
	json_t *f = param_get(r, "fields_attributes");
	if (!f)
		return 0;
	if (!json_is_array(f) && !json_is_object(f)) {
		reply_error(r, 400, "fields_attributes must be a list of {name, value}");
		return -1;
	}
	size_t n = json_is_array(f) ? json_array_size(f) : json_object_size(f);
	if (n > FIELDS_MAX) {
		core_fail(&r->core, RC_INVALID, "fields_attributes",
			  "Validation failed: at most %d profile fields", FIELDS_MAX);
		reply_core_error(r);
		return -1;
	}
	u->nfields = 0;
	for (size_t i = 0; i < n; i++) {
		char key[8];
		snprintf(key, sizeof key, "%zu", i);
		json_t *e = json_is_array(f) ? json_array_get(f, i) : json_object_get(f, key);
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *value = json_string_value(json_object_get(e, "value"));
		if (!json_is_object(e) || (!name && !value)) {
			reply_error(r, 400, "fields_attributes[%zu] needs a name and a value", i);
			return -1;
		}
		u->field_name[u->nfields] = name ? name : "";
		u->field_value[u->nfields++] = value ? value : "";
	}
	return 0;
}

static int bool_param(struct req *r, const char *name, int *out)
{
	const char *v = param_str(r, name);
	*out = v ? str_truthy(v) : -1;
	return 0;
}

void h_accounts_update(struct req *r)
{
	struct profile_update u = {
		.display_name = param_str(r, "display_name"),
		.note = param_str(r, "note"),
		.nfields = -1,
		.privacy = param_str2(r, "source", "privacy"),
		.language = param_str2(r, "source", "language"),
		.sensitive = -1,
	};
	bool_param(r, "locked", &u.locked);
	bool_param(r, "bot", &u.bot);
	bool_param(r, "discoverable", &u.discoverable);
	const char *sens = param_str2(r, "source", "sensitive");
	if (sens)
		u.sensitive = str_truthy(sens);
	if (read_fields(r, &u))
		return;
	/* avatar and header files (api/media.c): set once processed */
	if (!media_profile_params(r))
		return;
	if (api_check(r, account_update(&r->core, r->account_id, &u)))
		return;
	reply_credentials(r, r->account_id);
}

void h_accounts_lookup(struct req *r)
{
	const char *acct = param_str(r, "acct");
	if (!acct || !*acct) {
		reply_error(r, 400, "Missing parameter: acct");
		return;
	}
	struct account a;
	enum rc rc = account_lookup(&r->core, acct, &a);
	if (rc == RC_NOT_FOUND)
		reply_handle_missing(r, acct); /* 410 for a deleted account's handle */
	else if (!api_check(r, rc) && !account_gone(r, a.id))
		reply_json(r, 200, ent_account_profile(r, &a));
}

void h_accounts_get(struct req *r)
{
	int64_t id;
	struct account a;
	if (!id_parse(path_param(r, 0), &id)) {
		reply_error(r, 404, "Record not found");
		return;
	}
	if (api_check(r, account_get(&r->core, id, &a)) || account_gone(r, id))
		return;
	reply_json(r, 200, ent_account_profile(r, &a));
}

void h_preferences(struct req *r)
{
	struct user u;
	if (api_check(r, account_user(&r->core, r->account_id, &u)))
		return;
	json_t *j = json_pack("{s:s, s:b, s:o, s:s, s:b, s:b}", "posting:default:visibility",
			      u.default_privacy, "posting:default:sensitive", u.default_sensitive,
			      "posting:default:language",
			      *u.default_language ? json_string(u.default_language) : json_null(),
			      "reading:expand:media", "default", "reading:expand:spoilers", 0,
			      "reading:autoplay:gifs", 0);
	reply_json(r, 200, j);
}
