/* pages.c - the landing page (or the app's shell), sign-up, static files
 * and the fallback route. */
#include "pages/pages.h"
#include "core/moderation.h"
#include "api/api.h"
#include "core/accounts.h"
#include "core/email.h"
#include "core/text.h"
#include "http/accept.h"
#include "http/static.h"
#include "pages/html.h"
#include "util/util.h"

#include <microhttpd.h>
#include <string.h>

/* The app's shell: no-cache, the app's Content-Security-Policy. */
static void serve_app(struct req *r)
{
	r->policy = POLICY_APP;
	static_serve(r, "index.html");
}

void h_page_root(struct req *r)
{
	if (static_exists(r, "index.html"))
		serve_app(r);
	else
		h_page_home(r);
}

void h_static_assets(struct req *r)
{
	static_serve(r, arena_printf(&r->arena, "assets/%s", path_param(r, 0)));
}

static bool api_path(const char *p)
{
	static const char *const prefixes[] = {"/api/", "/oauth/", "/.well-known/", "/nodeinfo/",
					       "/users/", "/assets/", "/pages/"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (str_has_prefix(p, prefixes[i]))
			return true;
	return false;
}

void h_fallback(struct req *r)
{
	static const char *const offers[] = {"application/json", "text/html"};
	if (api_path(r->path) ||
	    accept_best(req_header(r, "Accept"), offers, 2) != 1) {
		reply_error(r, 404, "Record not found");
		return;
	}
	if (static_exists(r, "index.html"))
		serve_app(r);
	else
		page_not_found(r);
}

void h_page_home(struct req *r)
{
	const struct config *cfg = r->core.cfg;
	int64_t people;
	if (accounts_local_count(&r->core, &people) != RC_OK) {
		page_reply(r, 500, "Error", "<h1>Something went wrong</h1>");
		return;
	}
	const char *body = arena_printf(
		&r->arena,
		"<h1>%s</h1><p>A conversation-first social network: people and conversations, "
		"not broadcasts.</p><p><strong>%lld</strong> people are here.</p>"
		"<p><a href=\"/auth/sign_up\">Create an account</a></p>"
		"<p class=\"muted\">Sign in with any Mastodon app (Tusky, Elk, toot, ...) using "
		"the server address <code>%s</code>.</p>",
		text_escape(&r->arena, cfg->title), (long long)people,
		text_escape(&r->arena, cfg->domain));
	page_reply(r, 200, "Welcome", body);
}

static void signup_form(struct req *r, unsigned status, const char *error, bool approval)
{
	const char *p_user = param_str(r, "username"), *p_email = param_str(r, "email");
	const char *p_reason = param_str(r, "reason"), *p_invite = param_str(r, "invite_code");
	const char *e = error ? arena_printf(&r->arena, "<p class=\"error\" role=\"alert\">%s</p>",
					     text_escape(&r->arena, error))
			      : "";
	const char *body = arena_printf(
		&r->arena,
		"<h1>Create your account</h1>%s"
		"<form method=\"post\" action=\"/auth/sign_up\">"
		"<label for=\"username\">Username</label>"
		"<input type=\"text\" id=\"username\" name=\"username\" pattern=\"[A-Za-z0-9_]{1,30}\" "
		"maxlength=\"30\" autocomplete=\"username\" value=\"%s\" required>"
		"<label for=\"email\">Email</label>"
		"<input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\" value=\"%s\" "
		"required>"
		"<label for=\"password\">Password</label>"
		"<input type=\"password\" id=\"password\" name=\"password\" minlength=\"8\" "
		"autocomplete=\"new-password\" required>"
		"<label for=\"password_confirmation\">Password again</label>"
		"<input type=\"password\" id=\"password_confirmation\" name=\"password_confirmation\" "
		"minlength=\"8\" autocomplete=\"new-password\" required>"
		"<label for=\"reason\">Why do you want to join?%s</label>"
		"<textarea id=\"reason\" name=\"reason\" maxlength=\"5000\">%s</textarea>"
		"<input type=\"hidden\" name=\"invite_code\" value=\"%s\">"
		"<button type=\"submit\">Sign up</button></form>",
		e, text_escape(&r->arena, p_user ? p_user : ""),
		text_escape(&r->arena, p_email ? p_email : ""),
		approval ? " (the moderators read it before they approve your account)" : " (optional)",
		text_escape(&r->arena, p_reason ? p_reason : ""),
		text_escape(&r->arena, p_invite ? p_invite : ""));
	page_reply(r, status, "Sign up", body);
}

/* The sign-up mode; false (500 answered) when it cannot be read, or
 * (403 answered) when sign-ups are closed to this request (no invite). */
static bool signup_mode(struct req *r, bool *approval)
{
	struct instance_settings set;
	if (settings_get(&r->core, &set)) {
		page_reply(r, 500, "Sign up", "<h1>Something went wrong</h1>");
		return false;
	}
	const char *invite = param_str(r, "invite_code");
	bool invited = invite && *invite;
	*approval = !strcmp(set.registrations_mode, "approved");
	if (!invited && (!strcmp(set.registrations_mode, "closed") ||
			 !strcmp(set.registrations_mode, "invite"))) {
		page_reply(r, 403, "Sign up", "<h1>Registrations are closed</h1>");
		return false;
	}
	return true;
}

void h_page_signup_get(struct req *r)
{
	bool approval;
	if (signup_mode(r, &approval))
		signup_form(r, 200, NULL, approval);
}

void h_page_signup_post(struct req *r)
{
	const struct config *cfg = r->core.cfg;
	bool approval;
	if (!signup_mode(r, &approval))
		return;
	if (cfg->signup_limit > 0) {
		struct rl_result rl = ratelimit_count(r->core.rl, r->core.db,
						      arena_printf(&r->arena, "signup:%s", r->ip),
						      cfg->signup_limit, cfg->signup_window);
		if (!rl.allowed) {
			reply_header(r, MHD_HTTP_HEADER_RETRY_AFTER,
				     arena_printf(&r->arena, "%d", rl.retry_after_s));
			signup_form(r, 429, "Too many sign-ups from this address; try again later.",
				    approval);
			return;
		}
	}
	const char *pw = param_str(r, "password"), *pw2 = param_str(r, "password_confirmation");
	if (pw2 && (!pw || strcmp(pw, pw2))) {
		signup_form(r, 422, "The two passwords differ.", approval);
		return;
	}
	struct signup s = {
		.username = param_str(r, "username"),
		.email = param_str(r, "email"),
		.password = pw,
		.moderated = true,
		.reason = param_str(r, "reason"),
		.invite = param_str(r, "invite_code"),
		.ip = r->ip,
	};
	int64_t id;
	if (account_create(&r->core, &s, &id)) {
		signup_form(r, http_status_of(r->core.err.rc), r->core.err.msg, approval);
		return;
	}
	email_send_confirmation(&r->core, id); /* logged if it fails; can be asked again */
	const char *body = arena_printf(
		&r->arena,
		"<h1>Welcome, @%s!</h1><p>Your account is %s.</p>"
		"<p>Sign in from any Mastodon app with the server <code>%s</code> and your email "
		"address.</p><p><a href=\"/@%s\">Your profile</a></p>",
		text_escape(&r->arena, s.username),
		approval && !(s.invite && *s.invite)
			? "waiting for a moderator's approval: you can sign in once it is approved"
			: "ready",
		text_escape(&r->arena, cfg->domain), text_escape(&r->arena, s.username));
	page_reply(r, 201, "Welcome", body);
}
