/* object.c - local statuses as Notes (see object.h). */
#include "federation/object.h"
#include "core/accounts.h"
#include "core/moderation.h"
#include "core/statuses.h"
#include "federation/activity.h"
#include "federation/actor.h"
#include "federation/signed.h"
#include "store/federation.h"
#include "store/social.h"
#include "store/statuses.h"
#include "http/accept.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void ap_reply_note(struct req *r, const struct status *s)
{
	json_t *j;
	if (ap_note(&r->core, s, &j) != RC_OK)
		core_store_fail(&r->core, ST_ERROR);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!body) {
		reply_core_error(r);
		return;
	}
	reply_header(r, "Vary", "Accept");
	reply_text(r, 200, AP_TYPE, body);
	free(body);
}

/* The signer of a signed fetch (GET), if it verifies: *a zeroed else. */
static void fetch_signer(struct req *r, struct account *a)
{
	struct signed_by by;
	memset(a, 0, sizeof *a);
	if ((req_header(r, "Signature") || req_header(r, "Signature-Input")) &&
	    signed_request(r, "GET", NULL, 0, &by) == SIG_OK &&
	    account_get(&r->core, by.ra.account_id, a) != RC_OK)
		memset(a, 0, sizeof *a);
}

/* Whether the author keeps its statuses from the signer of a fetch:
 * either blocks the other, the author blocks the signer's domain, or the
 * instance blocks it (a key cached before the block still verifies).
 * Mastodon's StatusPolicy#show? (author_blocking?, author_blocking_domain?). */
static enum rc signer_refused(struct core *c, int64_t author_id, const struct account *signer,
			      bool *refused)
{
	bool blocked = false, domain = false;
	int sev = 0;
	if (store_blocked_either(c->db, author_id, signer->id, &blocked) != ST_OK ||
	    store_domain_blocked(c->db, author_id, signer->domain, &domain) != ST_OK ||
	    store_instance_domain_get(c->db, signer->domain, &sev) != ST_OK)
		return core_store_fail(c, ST_ERROR);
	*refused = blocked || domain || sev == INSTANCE_BLOCK;
	return RC_OK;
}

/* Whether a follower of author_id is on domain: a server hosting one may
 * fetch the author's followers-only statuses (signed as its instance
 * actor, as Mastodon's and our own fetches are). */
static enum rc follower_on(struct core *c, int64_t author_id, const char *domain, bool *yes)
{
	int64_t one;
	int n = 0;
	bool suspended;
	*yes = false;
	if (moderation_suspended(c, author_id, &suspended) != RC_OK)
		return RC_INTERNAL;
	if (!suspended && store_followers_on(c->db, author_id, domain, 1, &one, &n) != ST_OK)
		return core_store_fail(c, ST_ERROR);
	*yes = n > 0 && !suspended;
	return RC_OK;
}

enum rc ap_status_for_fetch(struct req *r, int64_t id, struct status *s)
{
	struct core *c = &r->core;
	struct account signer;
	bool refused = false, follower;
	fetch_signer(r, &signer);
	if (!signer.id)
		return status_load(c, 0, id, s);
	reply_header(r, "Cache-Control", "private");
	enum store_rc st = store_status_get(c->db, c->arena, id, s);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (signer_refused(c, s->account_id, &signer, &refused))
		return RC_INTERNAL;
	if (refused)
		return RC_NOT_FOUND;
	enum rc rc = status_load(c, signer.id, id, s);
	if (rc != RC_NOT_FOUND)
		return rc;
	if (s->visibility != VIS_PRIVATE || follower_on(c, s->account_id, signer.domain, &follower))
		return c->err.rc == RC_INTERNAL ? RC_INTERNAL : RC_NOT_FOUND;
	return follower ? RC_OK : RC_NOT_FOUND;
}

void h_ap_status(struct req *r)
{
	static const char *const offers[] = {AP_ACCEPT_ACTIVITY, AP_ACCEPT_LD, "application/json",
					     "text/html"};
	struct status s;
	int64_t id;
	reply_header(r, "Vary", "Accept");
	int k = accept_best(req_header(r, "Accept"), offers, 4);
	if (k < 0) {
		reply_error(r, 406, "Not acceptable: this is application/activity+json");
		return;
	}
	const char *name = path_param(r, 0);
	if (!id_parse(path_param(r, 1), &id) || ap_status_for_fetch(r, id, &s) != RC_OK ||
	    *s.account.domain || strcmp(s.account.username, name) || s.reblog_of_id) {
		if (r->core.err.rc == RC_INTERNAL)
			reply_core_error(r);
		else
			reply_error(r, 404, "Record not found");
		return;
	}
	if (k == 3)
		reply_redirect(r, arena_printf(&r->arena, "%s/@%s/%lld", r->core.cfg->base_url,
					       s.account.username, (long long)s.id));
	else
		ap_reply_note(r, &s);
}
