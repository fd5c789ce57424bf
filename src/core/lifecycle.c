/* lifecycle.c - new password and e-mail, authorised apps, deleting an
 * account (core/lifecycle.h). */
#include "core/lifecycle.h"
#include "core/accounts.h"
#include "core/events.h"
#include "core/password.h"
#include "core/statuses.h"
#include "store/accounts.h"
#include "util/log.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Checks the account's password, counting the attempt against the same
 * limits as signing in (per account). field names the parameter. */
static enum rc check_password(struct core *c, int64_t id, const char *field,
			      const char *password)
{
	if (!password || !*password)
		return core_fail(c, RC_INVALID, field, "Validation failed: %s can't be blank", field);
	if (c->rl && c->cfg->login_limit > 0) {
		char key[64];
		snprintf(key, sizeof key, "password:%" PRId64, id);
		struct rl_result r = ratelimit_hit(c->rl, key, c->cfg->login_limit,
						   c->cfg->login_window);
		if (!r.allowed) {
			enum rc rc = core_fail(c, RC_RATE_LIMITED, NULL,
					       "Too many password attempts; try again later");
			c->err.retry_after = r.retry_after_s;
			return rc;
		}
	}
	struct user u;
	enum store_rc st = store_user_get(c->db, c->arena, id, &u);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (!password_verify(u.password_hash, password))
		return core_fail(c, RC_INVALID, field, "Validation failed: the password is incorrect");
	return RC_OK;
}

struct password_tx {
	int64_t id, keep;
	const char *hash;
	int64_t revoked;
};

static enum store_rc password_fn(struct db *db, void *arg)
{
	struct password_tx *x = arg;
	enum store_rc st = store_user_set_password(db, x->id, x->hash);
	return st == ST_OK ? store_tokens_revoke_others(db, x->id, x->keep, &x->revoked) : st;
}

enum rc lifecycle_password_change(struct core *c, int64_t account_id, int64_t keep_token,
				  const char *current, const char *password)
{
	if (check_password(c, account_id, "current_password", current))
		return c->err.rc;
	return lifecycle_password_set(c, account_id, keep_token, password);
}

enum rc lifecycle_password_set(struct core *c, int64_t account_id, int64_t keep_token,
			       const char *password)
{
	size_t n = password ? strlen(password) : 0;
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return core_fail(c, RC_INVALID, "password",
				 "Validation failed: password must be %d to %d characters",
				 PASSWORD_MIN, PASSWORD_MAX);
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(password, hash))
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	struct password_tx x = {account_id, keep_token, hash, 0};
	enum store_rc st = store_tx(c->db, password_fn, &x);
	if (st != ST_OK)
		return core_store_fail(c, st);
	log_info("lifecycle: account %" PRId64 " changed its password; %" PRId64
		 " other sessions ended",
		 account_id, x.revoked);
	return RC_OK;
}

enum rc lifecycle_email_change(struct core *c, int64_t account_id, const char *current,
			       const char *email)
{
	if (check_password(c, account_id, "current_password", current))
		return c->err.rc;
	if (!email || !email_valid(email))
		return core_fail(c, RC_INVALID, "email", "Validation failed: email is invalid");
	enum store_rc st = store_user_set_email(c->db, account_id, email);
	if (st == ST_CONFLICT)
		return core_fail(c, RC_INVALID, "email", "Validation failed: email is taken");
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc lifecycle_apps(struct core *c, int64_t account_id, struct authorized_app_list *out)
{
	enum store_rc st = store_authorized_apps(c->db, c->arena, account_id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc lifecycle_app_revoke(struct core *c, int64_t account_id, int64_t app_id)
{
	enum store_rc st = store_app_tokens_revoke(c->db, account_id, app_id);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- deleting an account ---- */

struct tombstone_tx {
	struct core *c;
	int64_t id;
};

static enum store_rc tombstone_fn(struct db *db, void *arg)
{
	struct tombstone_tx *x = arg;
	enum store_rc st = store_tombstone_insert(db, x->id, now_ms());
	if (st == ST_OK && events_act(x->c, db, EV_ACCOUNT_DELETED, x->id, 0, 0, 0, 0))
		return ST_ERROR;
	return st;
}

#define PURGE_BATCH 64

struct purge_tx {
	int64_t id;
};

static enum store_rc purge_fn(struct db *db, void *arg)
{
	struct purge_tx *x = arg;
	return store_account_purge(db, x->id, now_ms());
}

/* Deletes a batch of the account's statuses, each as its author would (a
 * status deleted meanwhile is no failure), or, when none is left, the
 * account's row. 1 when there is more to do, 0 when done, -1 on failure. */
static int purge_step(struct core *c, int64_t id)
{
	int64_t ids[PURGE_BATCH];
	int n;
	if (store_account_status_ids(c->db, id, PURGE_BATCH, ids, &n) != ST_OK)
		return -1;
	for (int i = 0; i < n; i++) {
		struct status s;
		if (status_delete(c, id, ids[i], &s) && c->err.rc != RC_NOT_FOUND)
			return -1;
	}
	if (n > 0)
		return 1;
	struct purge_tx x = {id};
	enum store_rc st = store_tx(c->db, purge_fn, &x);
	if (st == ST_CONFLICT) /* a status came back between the two reads */
		return 1;
	if (st != ST_OK)
		return -1;
	log_info("lifecycle: account %" PRId64 " deleted; its tombstone is all that is left", id);
	return 0;
}

/* Removes the tombstoned account's content for up to LIFECYCLE_REQUEST_MS. */
static enum rc purge_for_a_while(struct core *c, int64_t account_id)
{
	int64_t until = mono_ms() + LIFECYCLE_REQUEST_MS;
	int more;
	while ((more = purge_step(c, account_id)) > 0 && mono_ms() < until)
		;
	if (more < 0) {
		log_error("lifecycle: removing account %" PRId64 "'s content failed; the worker"
			  " retries",
			  account_id);
		return core_fail(c, RC_INTERNAL, NULL,
				 "Your account is closed, but removing its content failed; it "
				 "will be retried");
	}
	return RC_OK;
}

enum rc lifecycle_account_delete(struct core *c, int64_t account_id, const char *password)
{
	if (check_password(c, account_id, "password", password))
		return c->err.rc;
	struct tombstone_tx x = {c, account_id};
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, tombstone_fn, &x);
	if (st != ST_OK)
		return c->err.rc ? c->err.rc : core_store_fail(c, st);
	return purge_for_a_while(c, account_id);
}

static enum store_rc remote_tombstone_fn(struct db *db, void *arg)
{
	return store_tombstone_remote(db, *(int64_t *)arg, now_ms());
}

enum rc lifecycle_remote_delete(struct core *c, int64_t account_id)
{
	enum store_rc st = store_tx(c->db, remote_tombstone_fn, &account_id);
	if (st != ST_OK)
		return core_store_fail(c, st);
	return purge_for_a_while(c, account_id);
}

enum rc lifecycle_handle_deleted(struct core *c, const char *acct, int64_t *deleted_at)
{
	*deleted_at = 0;
	if (!acct)
		return RC_OK;
	if (*acct == '@')
		acct++;
	const char *at = strchr(acct, '@');
	if (at && !str_ieq(at + 1, c->cfg->domain))
		return RC_OK;
	const char *name = at ? arena_strndup(c->arena, acct, (size_t)(at - acct)) : acct;
	enum store_rc st = store_tombstone_named(c->db, name, deleted_at);
	return st == ST_OK || st == ST_NOT_FOUND ? RC_OK : core_store_fail(c, st);
}

int lifecycle_background(struct core *c)
{
	int64_t id;
	enum store_rc st = store_tombstone_pending(c->db, now_ms() - LIFECYCLE_TAKEOVER_MS, &id);
	if (st == ST_NOT_FOUND)
		return 0;
	if (st != ST_OK)
		return -1;
	return purge_step(c, id) < 0 ? -1 : 1;
}
