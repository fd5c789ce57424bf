/* inbox.c - the inbox's request: size, signature, signer, replay; then
 * inbox_apply (inbox_apply.c). See inbox.h. */
#include "federation/inbox.h"
#include "core/accounts.h"
#include "federation/deliver.h"
#include "federation/inbox_internal.h"
#include "federation/outbox.h"
#include "federation/remote.h"
#include "federation/signed.h"
#include "store/federation.h"
#include "util/log.h"
#include "util/util.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <string.h>

/* Received ids are kept past the signature window (Date up to 65 min
 * old), so no replay that could still verify finds its id gone. */
#define INBOX_SEEN_MS (3 * 3600 * 1000LL)
#define INBOX_PRUNE_EVERY 1024

const char *inbox_id_of(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v)
				 : json_string_value(json_object_get(v, "id"));
}

/* Mastodon answers a Delete of an actor it never knew with a bare 202:
 * fetching a deleted actor's key would only fail. */
static bool unknown_self_delete(struct core *c, const json_t *act)
{
	const char *type = json_string_value(json_object_get(act, "type"));
	const char *actor = inbox_id_of(json_object_get(act, "actor"));
	const char *obj = inbox_id_of(json_object_get(act, "object"));
	struct account a;
	return type && actor && obj && !strcmp(type, "Delete") && !strcmp(actor, obj) &&
	       store_account_by_uri(c->db, c->arena, actor, &a) == ST_NOT_FOUND;
}

/* The admin's rule for the actor's domain: blocked (403, and false), or
 * limited (noted in x). */
static bool domain_allowed(struct req *r, struct inbox_ctx *x)
{
	int sev;
	if (store_instance_domain_get(r->core.db, x->authority, &sev) != ST_OK) {
		reply_error(r, 500, "Internal error");
		return false;
	}
	if (sev == INSTANCE_BLOCK) {
		reply_error(r, 403, "This domain is blocked");
		return false;
	}
	x->limited = sev == INSTANCE_LIMIT;
	return true;
}

bool inbox_domain_blocked(struct inbox_ctx *x, int64_t id, bool *failed)
{
	bool blocked;
	if (store_domain_blocked(x->c->db, id, x->authority, &blocked) != ST_OK) {
		*failed = true;
		return true;
	}
	return blocked;
}

/* Verifies the signature and that its key's owner is the actor; replies
 * and returns false otherwise. */
static bool verify(struct req *r, const json_t *act, struct inbox_ctx *x)
{
	struct signed_by by;
	enum sig_rc rc = signed_request(r, "POST", r->body.data, r->body.len, &by);
	if (rc != SIG_OK) {
		log_info("inbox: refused (%s)", sig_rc_str(rc));
		if (by.rc == REMOTE_BLOCKED)
			reply_error(r, 403, "This domain is blocked");
		else if (rc == SIG_KEY_UNAVAILABLE)
			reply_error(r, by.rc == REMOTE_ERROR ? 500 : 503, "Cannot fetch the key now");
		else
			reply_error(r, 401, "Signature: %s", sig_rc_str(rc));
		return false;
	}
	const char *actor = inbox_id_of(json_object_get(act, "actor"));
	if (account_get(&r->core, by.ra.account_id, &x->actor) != RC_OK || !actor ||
	    strcmp(actor, x->actor.uri)) {
		reply_error(r, 401, "The signature's key is not the actor's");
		return false;
	}
	x->ra = by.ra;
	x->authority = x->actor.domain;
	return domain_allowed(r, x);
}

/* A signed request from the actor's server: deliveries to it resume
 * (Mastodon's DeliveryFailureTracker.track_inverse_success!, by its
 * inboxes' hosts). False, with a 500 sent, when the store failed. */
static bool revive_sender(struct req *r, const struct inbox_ctx *x)
{
	const char *inboxes[] = {x->ra.inbox, x->ra.shared_inbox};
	char host[256];
	for (size_t i = 0; i < 2; i++)
		if (inboxes[i] && outbox_url_host(inboxes[i], host, sizeof host) &&
		    deliver_host_revive(&r->core, host) != RC_OK) {
			reply_error(r, 500, "Internal error");
			return false;
		}
	return true;
}

struct claim_tx {
	const char *key;
	int64_t now;
	bool prune;
};

/* Written with the activity's first write (store_tx_lead): one commit. */
static enum store_rc claim_fn(struct db *db, void *arg)
{
	struct claim_tx *x = arg;
	return store_inbox_claim(db, x->key, x->now, x->prune, x->now - INBOX_SEEN_MS);
}

static enum store_rc unclaim_fn(struct db *db, void *arg)
{
	return store_inbox_unclaim(db, arg);
}

/* The key an activity is claimed by: its id, or without one its body's
 * digest. */
static const char *claim_key(struct req *r, const json_t *act)
{
	const char *id = json_string_value(json_object_get(act, "id"));
	char hex[65];
	if (id && strlen(id) <= 2048)
		return id;
	sha256_hex(r->body.data, r->body.len, hex);
	return arena_printf(&r->arena, "sha256:%s", hex);
}

static void reply_applied(struct req *r, enum ap_rc rc)
{
	static const unsigned status[] = {[AP_OK] = 202, [AP_INVALID] = 400,
					  [AP_FORBIDDEN] = 403, [AP_ERROR] = 500,
					  [AP_UNAVAILABLE] = 503};
	if (rc == AP_OK)
		reply_text(r, 202, "application/json", "{}");
	else
		reply_error(r, status[rc], "%s",
			    rc == AP_INVALID     ? "The activity breaks a rule"
			    : rc == AP_FORBIDDEN ? "The activity acts on what is not the actor's"
						 : "Try again later");
}

/* Applies the activity once: its id is claimed in the transaction of its
 * first write (or alone when it writes nothing), so a replay, even one
 * racing it, is answered 202 and changes nothing. A failure leaves no
 * trace, so the sender's retry is applied. */
static void apply_once(struct req *r, struct inbox_ctx *x)
{
	static atomic_uint count;
	struct claim_tx c = {claim_key(r, x->act), now_ms(),
			     atomic_fetch_add(&count, 1) % INBOX_PRUNE_EVERY == 0};
	enum store_rc st = store_inbox_seen(r->core.db, c.key);
	if (st == ST_OK) {
		reply_text(r, 202, "application/json", "{}");
		return;
	}
	if (st != ST_NOT_FOUND) {
		reply_error(r, 500, "Internal error");
		return;
	}
	struct store_tx_lead lead = {.fn = claim_fn, .ctx = &c};
	store_tx_lead_begin(&lead);
	enum ap_rc rc = inbox_apply(x);
	bool failed = rc == AP_ERROR || rc == AP_UNAVAILABLE;
	bool written = lead.written;
	st = store_tx_lead_end(r->core.db, &lead, !failed);
	if (st == ST_CONFLICT)
		reply_text(r, 202, "application/json", "{}"); /* received before */
	else if (st != ST_OK)
		reply_error(r, 500, "Internal error");
	else {
		if (failed && written)
			store_tx(r->core.db, unclaim_fn, (void *)c.key);
		reply_applied(r, rc);
	}
}

/* The personal inbox's account must exist (it is only an address: the
 * activity is routed by what it says, as on the shared inbox). */
static bool inbox_owner_ok(struct req *r)
{
	const char *name = path_param(r, 0);
	struct account a;
	if (!name)
		return true;
	if (username_valid(name) && account_lookup(&r->core, name, &a) == RC_OK && !*a.domain)
		return true;
	if (r->core.err.rc == RC_INTERNAL)
		reply_core_error(r);
	else
		reply_error(r, 404, "Record not found");
	return false;
}

void h_ap_inbox(struct req *r)
{
	if (r->body.len > INBOX_MAX) {
		reply_error(r, 413, "Request body too large (limit %u bytes)", INBOX_MAX);
		return;
	}
	if (!inbox_owner_ok(r))
		return;
	json_t *act = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, NULL);
	struct inbox_ctx x = {.c = &r->core, .act = act};
	if (!json_is_object(act) || !remote_context_ok(act) ||
	    !json_is_string(json_object_get(act, "type")))
		reply_error(r, 400, "Not an ActivityStreams activity");
	else if (unknown_self_delete(&r->core, act))
		reply_text(r, 202, "application/json", "{}");
	else if (verify(r, act, &x) && revive_sender(r, &x))
		apply_once(r, &x);
	json_decref(act);
}
