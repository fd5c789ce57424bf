#include "core/accounts.h"
#include "core/verify.h"
#include "core/moderation.h"
#include "core/password.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/social.h"
#include "util/util.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include <string.h>

bool username_valid(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) || (unsigned char)s[n] > 127)
			if (s[n] != '_')
				return false;
	return n >= 1 && n <= USERNAME_MAX;
}

bool email_valid(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > EMAIL_MAX || !at || at == s || strchr(at + 1, '@') || !at[1])
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == '\\' ||
		    *p == 127)
			return false;
	const char *dom = at + 1;
	return strchr(dom, '.') || !strcmp(dom, "localhost");
}

const char *account_uri(struct core *c, const struct account *a)
{
	if (*a->domain)
		return a->uri;
	return arena_printf(c->arena, "%s/users/%s", c->cfg->base_url, a->username);
}

const char *account_url(struct core *c, const struct account *a)
{
	if (*a->domain)
		return a->url;
	return arena_printf(c->arena, "%s/@%s", c->cfg->base_url, a->username);
}

struct create_ctx {
	struct core *c;
	const struct signup *s;
	const char *hash;
	int64_t id;
};

static enum store_rc create_tx(struct db *db, void *arg)
{
	struct create_ctx *x = arg;
	struct core *c = x->c;
	int64_t now = now_ms();
	struct account a = {
		.id = x->id,
		.username = x->s->username,
		.domain = "",
		.display_name = "",
		.note = "",
		.note_html = "",
		.fields = "[]",
		.uri = arena_printf(c->arena, "%s/users/%s", c->cfg->base_url, x->s->username),
		.url = arena_printf(c->arena, "%s/@%s", c->cfg->base_url, x->s->username),
		.discoverable = true,
		.created_at = now,
	};
	enum store_rc rc = store_account_insert(db, &a);
	if (rc != ST_OK)
		return rc;
	struct user u = {
		.account_id = x->id,
		.email = x->s->email,
		.password_hash = x->hash,
		.admin = x->s->admin,
		.created_at = now,
	};
	rc = store_user_insert(db, &u);
	if (rc == ST_OK && x->s->moderated)
		rc = moderation_signup_tx(c, db, x->s, x->id);
	return rc;
}

/* The username and the email are free (the unique indexes decide again
 * when the rows are inserted). */
static enum rc check_free(struct core *c, const struct signup *s)
{
	bool name_taken, email_taken = false;
	enum store_rc st = store_username_taken(c->db, s->username, &name_taken);
	if (st == ST_OK && !name_taken)
		st = store_email_taken(c->db, s->email, &email_taken);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (name_taken)
		return core_fail(c, RC_INVALID, "username", "Validation failed: username is taken");
	if (email_taken)
		return core_fail(c, RC_INVALID, "email", "Validation failed: email is taken");
	return RC_OK;
}

enum rc account_create(struct core *c, const struct signup *s, int64_t *out_id)
{
	if (!s->username || !*s->username)
		return core_fail(c, RC_INVALID, "username", "Validation failed: username can't be blank");
	if (!username_valid(s->username))
		return core_fail(c, RC_INVALID, "username",
				 "Validation failed: username must be 1 to %d letters, digits or "
				 "underscores",
				 USERNAME_MAX);
	if (!s->email || !*s->email)
		return core_fail(c, RC_INVALID, "email", "Validation failed: email can't be blank");
	if (!email_valid(s->email))
		return core_fail(c, RC_INVALID, "email", "Validation failed: email is invalid");
	size_t pl = s->password ? strlen(s->password) : 0;
	if (pl < PASSWORD_MIN || pl > PASSWORD_MAX)
		return core_fail(c, RC_INVALID, "password",
				 "Validation failed: password must be %d to %d characters",
				 PASSWORD_MIN, PASSWORD_MAX);
	if (s->moderated && moderation_signup_check(c, s))
		return c->err.rc;
	if (check_free(c, s))
		return c->err.rc;

	char hash[PASSWORD_HASH_MAX];
	if (password_hash(s->password, hash))
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	struct create_ctx x = {.c = c, .s = s, .hash = hash, .id = id_new()};
	enum store_rc rc = store_tx(c->db, create_tx, &x);
	if (rc == ST_NOT_FOUND) /* the invite was used up or revoked meanwhile */
		return core_fail(c, RC_INVALID, "invite_code",
				 "Validation failed: this invite is no longer valid");
	if (rc == ST_CONFLICT) /* a concurrent sign-up took the name or email */
		return core_fail(c, RC_INVALID, "username",
				 "Validation failed: username or email is taken");
	if (rc != ST_OK)
		return core_store_fail(c, rc);
	*out_id = x.id;
	return RC_OK;
}

static enum rc check_text(struct core *c, const char *field, const char *v, long max)
{
	long n = text_length(v);
	if (n < 0)
		return core_fail(c, RC_INVALID, field, "Validation failed: %s is not valid UTF-8",
				 field);
	if (n > max)
		return core_fail(c, RC_INVALID, field,
				 "Validation failed: %s is too long (maximum is %ld characters)",
				 field, max);
	return RC_OK;
}

/* The verified_at of an old field with this value, if any: an unchanged
 * link keeps its mark until it is checked again. */
static json_t *kept_mark(json_t *old, const char *value)
{
	json_t *f;
	size_t i;
	json_array_foreach(old, i, f)
	{
		const char *v = json_string_value(json_object_get(f, "value"));
		json_t *at = json_object_get(f, "verified_at");
		if (v && !strcmp(v, value) && json_is_string(at))
			return json_incref(at);
	}
	return json_null();
}

static enum rc build_fields(struct core *c, const struct profile_update *u, const char *stored,
			    const char **out)
{
	json_t *arr = json_array(), *old = json_loads(stored ? stored : "[]", 0, NULL);
	enum rc rc = RC_OK;
	for (int i = 0; i < u->nfields && rc == RC_OK; i++) {
		const char *n = u->field_name[i] ? u->field_name[i] : "";
		const char *v = u->field_value[i] ? u->field_value[i] : "";
		if (check_text(c, "fields_attributes", n, FIELD_MAX) ||
		    check_text(c, "fields_attributes", v, FIELD_MAX))
			rc = c->err.rc;
		else if (*n || *v) /* an empty row deletes the field, as in Mastodon */
			json_array_append_new(arr, json_pack("{s:s, s:s, s:o}", "name", n, "value",
							     v, "verified_at", kept_mark(old, v)));
	}
	char *s = rc == RC_OK ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	json_decref(old);
	if (rc != RC_OK)
		return rc;
	if (!s)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	*out = arena_strdup(c->arena, s);
	free(s);
	return RC_OK;
}

struct update_ctx {
	const struct account *a;
	const struct user *u;
};

static enum store_rc update_tx(struct db *db, void *arg)
{
	struct update_ctx *x = arg;
	enum store_rc rc = store_account_update_profile(db, x->a);
	return rc == ST_OK ? store_user_update_prefs(db, x->u) : rc;
}

static bool privacy_valid(const char *p)
{
	return !strcmp(p, "public") || !strcmp(p, "unlisted") || !strcmp(p, "private") ||
	       !strcmp(p, "direct");
}

enum rc account_update(struct core *c, int64_t id, const struct profile_update *u)
{
	struct account a;
	struct user usr;
	enum store_rc st = store_account_get(c->db, c->arena, id, &a);
	if (st != ST_OK)
		return core_store_fail(c, st);
	st = store_user_get(c->db, c->arena, id, &usr);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (u->display_name) {
		if (check_text(c, "display_name", u->display_name, DISPLAY_NAME_MAX))
			return c->err.rc;
		a.display_name = u->display_name;
	}
	if (u->note) {
		if (check_text(c, "note", u->note, NOTE_MAX))
			return c->err.rc;
		a.note = u->note;
		a.note_html = text_to_html(c->arena, u->note);
	}
	if (u->nfields > FIELDS_MAX)
		return core_fail(c, RC_INVALID, "fields_attributes",
				 "Validation failed: at most %d profile fields", FIELDS_MAX);
	if (u->nfields >= 0 && build_fields(c, u, a.fields, &a.fields))
		return c->err.rc;
	if (u->locked >= 0)
		a.locked = u->locked;
	if (u->bot >= 0)
		a.bot = u->bot;
	if (u->discoverable >= 0)
		a.discoverable = u->discoverable;
	if (u->privacy) {
		if (!privacy_valid(u->privacy))
			return core_fail(c, RC_INVALID, "source[privacy]",
					 "Validation failed: privacy must be public, unlisted, "
					 "private or direct");
		usr.default_privacy = u->privacy;
	}
	if (u->sensitive >= 0)
		usr.default_sensitive = u->sensitive;
	if (u->language) {
		if (strlen(u->language) > 8)
			return core_fail(c, RC_INVALID, "source[language]",
					 "Validation failed: language is not an ISO 639 code");
		usr.default_language = u->language;
	}
	a.updated_at = now_ms();
	struct update_ctx x = {&a, &usr};
	st = store_tx(c->db, update_tx, &x);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (u->nfields > 0)
		verify_queue(id); /* the links are checked in the background */
	return RC_OK;
}

enum rc accounts_discoverable(struct core *c, int64_t after, int limit,
			      struct account_list *out)
{
	enum store_rc st = store_accounts_discoverable(c->db, c->arena, after, limit, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc account_get(struct core *c, int64_t id, struct account *out)
{
	enum store_rc st = store_account_get(c->db, c->arena, id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc account_exists(struct core *c, int64_t id)
{
	enum store_rc st = store_account_exists(c->db, id);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc account_user(struct core *c, int64_t id, struct user *out)
{
	enum store_rc st = store_user_get(c->db, c->arena, id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc account_follow_requests(struct core *c, int64_t id, int64_t *n)
{
	enum store_rc st = store_count_follow_requests(c->db, id, n);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc accounts_local_count(struct core *c, int64_t *n)
{
	enum store_rc st = store_count_local_accounts(c->db, n);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* NodeInfo is fetched often (each peer, each crawler): the figure is
 * kept for a few minutes rather than counted over the users each time. */
static struct {
	pthread_mutex_t lock;
	int64_t at, month, halfyear;
	bool set;
} active = {.lock = PTHREAD_MUTEX_INITIALIZER};

enum rc accounts_local_active(struct core *c, int64_t *month, int64_t *halfyear)
{
	const int64_t day = 86400000, now = now_ms();
	enum store_rc st = ST_OK;
	pthread_mutex_lock(&active.lock);
	if (!active.set || now - active.at >= ACTIVE_CACHE_MS || now < active.at) {
		st = store_count_local_active(c->db, now - 30 * day, now - 180 * day,
					      &active.month, &active.halfyear);
		active.set = st == ST_OK;
		active.at = now;
	}
	*month = active.month;
	*halfyear = active.halfyear;
	pthread_mutex_unlock(&active.lock);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc statuses_local_count(struct core *c, int64_t *n)
{
	enum store_rc st = store_count_local_statuses(c->db, n);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc account_lookup(struct core *c, const char *acct, struct account *out)
{
	if (!acct)
		return core_fail(c, RC_BAD_REQUEST, "acct", "Missing parameter: acct");
	if (*acct == '@')
		acct++;
	const char *at = strchr(acct, '@');
	const char *name = acct, *domain = "";
	if (at) {
		name = arena_strndup(c->arena, acct, (size_t)(at - acct));
		domain = at + 1;
		if (str_ieq(domain, c->cfg->domain))
			domain = "";
	}
	if (!*name || strlen(name) > 255)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	enum store_rc st = store_account_by_name(c->db, c->arena, name, domain, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc account_sign_in(struct core *c, const char *email, const char *password, const char *ip,
			int64_t *out_id)
{
	if (!email || !*email || !password || !*password)
		return core_fail(c, RC_BAD_REQUEST, "username", "Missing email or password");
	const struct config *cfg = c->cfg;
	if (c->rl && cfg->login_limit > 0) {
		char key[300];
		snprintf(key, sizeof key, "login-ip:%s", ip ? ip : "");
		struct rl_result r1 =
			ratelimit_count(c->rl, c->db, key, cfg->login_limit, cfg->login_window);
		snprintf(key, sizeof key, "login-acct:%.250s", email);
		for (char *p = key; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		struct rl_result r2 =
			ratelimit_count(c->rl, c->db, key, cfg->login_limit, cfg->login_window);
		if (r1.failed || r2.failed)
			return core_store_fail(c, ST_ERROR);
		if (!r1.allowed || !r2.allowed) {
			enum rc rc = core_fail(c, RC_RATE_LIMITED, NULL,
					       "Too many sign-in attempts; try again later");
			c->err.retry_after = !r1.allowed ? r1.retry_after_s : r2.retry_after_s;
			return rc;
		}
	}
	struct user u;
	enum store_rc st = store_user_by_email(c->db, c->arena, email, &u);
	if (st == ST_ERROR)
		return core_store_fail(c, st);
	bool ok = password_verify(st == ST_OK ? u.password_hash : NULL, password);
	if (!ok)
		return core_fail(c, RC_UNAUTHORIZED, NULL, "Invalid email or password");
	if (moderation_gate(c, u.account_id)) /* suspended, disabled or pending: told why */
		return c->err.rc;
	*out_id = u.account_id;
	return RC_OK;
}
