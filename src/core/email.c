/* email.c - confirmation and password-reset links (core/email.h). */
#include "core/email.h"
#include "core/accounts.h"
#include "core/lifecycle.h"
#include "store/accounts.h"
#include "store/email.h"
#include "util/log.h"
#include "util/mail.h"
#include "util/util.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *sender(struct core *c)
{
	if (c->cfg->smtp_from)
		return c->cfg->smtp_from;
	const char *d = c->cfg->domain ? c->cfg->domain : "localhost";
	size_t n = strcspn(d, ":"); /* no port in an address */
	return arena_printf(c->arena, "rapport@%.*s", (int)n, d);
}

/* Makes a link of this kind for the user and mails it between the
 * paragraphs before and after. */
static enum rc send_link(struct core *c, const struct user *u, const char *kind, int64_t ttl,
			 const char *subject, const char *before, const char *after)
{
	char token[TOKEN_LEN + 1], hash[65];
	token_random(token);
	sha256_hex(token, strlen(token), hash);
	enum store_rc st = store_email_token_put(c->db, u->account_id, kind, hash, u->email,
						 now_ms() + ttl);
	if (st != ST_OK)
		return core_store_fail(c, st);
	const char *route = !strcmp(kind, "reset") ? "reset" : "confirm";
	const char *link = arena_printf(c->arena, "%s/#/%s?token=%s", c->cfg->base_url, route, token);
	struct mail m = {sender(c), u->email, subject, arena_printf(c->arena, "%s\n\n%s\n\n%s\n", before, link, after)};
	if (mail_send(c->cfg->smtp_url, &m))
		return core_fail(c, RC_UNAVAILABLE, NULL, "The e-mail could not be sent; try again later");
	return RC_OK;
}

enum rc email_send_confirmation(struct core *c, int64_t account_id)
{
	struct user u;
	bool confirmed;
	enum store_rc st = store_email_confirmed(c->db, account_id, &confirmed);
	if (st == ST_OK)
		st = store_user_get(c->db, c->arena, account_id, &u);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (confirmed)
		return RC_OK;
	return send_link(c, &u, "confirm", EMAIL_CONFIRM_TTL_MS, "Confirm your e-mail address",
			 "Hello,\n\nTo confirm that this is your e-mail address, open this link"
			 " within a day:",
			 "If you did not sign up, ignore this e-mail.");
}

static enum rc take(struct core *c, const char *kind, const char *token, int64_t *id,
		    const char **email)
{
	char hash[65];
	if (!token || strlen(token) != TOKEN_LEN)
		return core_fail(c, RC_INVALID, "token", "Validation failed: the link is not valid");
	sha256_hex(token, TOKEN_LEN, hash);
	enum store_rc st = store_email_token_take(c->db, c->arena, kind, hash, now_ms(), id, email);
	if (st == ST_NOT_FOUND)
		return core_fail(c, RC_INVALID, "token",
				 "Validation failed: the link is not valid, was used or has expired");
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc email_confirm(struct core *c, const char *token)
{
	int64_t id;
	const char *email;
	if (take(c, "confirm", token, &id, &email))
		return c->err.rc;
	enum store_rc st = store_email_confirm(c->db, id, email, now_ms());
	if (st == ST_NOT_FOUND)
		return core_fail(c, RC_INVALID, "token",
				 "Validation failed: the address changed since this link was sent");
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc email_confirmed(struct core *c, int64_t account_id, bool *out)
{
	enum store_rc st = store_email_confirmed(c->db, account_id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

static bool limited(struct core *c, const char *key, int limit, int window)
{
	if (!c->rl || limit <= 0)
		return false;
	struct rl_result r = ratelimit_count(c->rl, c->db, key, limit, window);
	if (!r.allowed)
		c->err.retry_after = r.retry_after_s;
	return !r.allowed;
}

enum rc email_reset_request(struct core *c, const char *email, const char *ip)
{
	if (!email || !*email || strlen(email) > 254)
		return core_fail(c, RC_INVALID, "email", "Validation failed: email is invalid");
	char key[300];
	snprintf(key, sizeof key, "reset-email:%s", email);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	bool over = limited(c, key, EMAIL_RESET_LIMIT, EMAIL_RESET_WINDOW_S);
	over |= limited(c, arena_printf(c->arena, "reset-ip:%s", ip ? ip : ""),
			c->cfg->login_limit, c->cfg->login_window);
	if (over) {
		int after = c->err.retry_after;
		enum rc rc = core_fail(c, RC_RATE_LIMITED, NULL,
				       "Too many password resets asked; try again later");
		c->err.retry_after = after;
		return rc;
	}
	struct user u;
	enum store_rc st = store_user_by_email(c->db, c->arena, email, &u);
	if (st == ST_NOT_FOUND) /* the same answer: nobody learns who has an account */
		return RC_OK;
	if (st != ST_OK)
		return core_store_fail(c, st);
	return send_link(c, &u, "reset", EMAIL_RESET_TTL_MS, "Reset your password",
			 "Hello,\n\nSomeone (we hope you) asked to reset your password. To choose"
			 " a new one, open this link within an hour:",
			 "If it was not you, ignore this e-mail: your password stays as it is.");
}

enum rc email_reset(struct core *c, const char *token, const char *password)
{
	int64_t id;
	const char *email;
	size_t n = password ? strlen(password) : 0;
	/* The password is checked before the link is spent. */
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return core_fail(c, RC_INVALID, "password",
				 "Validation failed: password must be %d to %d characters",
				 PASSWORD_MIN, PASSWORD_MAX);
	if (take(c, "reset", token, &id, &email))
		return c->err.rc;
	if (lifecycle_password_set(c, id, 0, password))
		return c->err.rc;
	log_info("email: account %" PRId64 " reset its password; every session ended", id);
	return RC_OK;
}
