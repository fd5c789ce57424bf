/* signed.h - who signed a request to us: the inbox's POSTs and signed
 * fetches of objects (GET). The signature is checked as
 * federation/signature.h says, with the key of a remote actor from the
 * key cache (federation/remote.h: fetched when unknown, once more when
 * the signature fails). A key cached before its actor went away (410)
 * still verifies what it signed, as Mastodon accepts a deleted actor's
 * Delete. */
#ifndef RAPPORT_FEDERATION_SIGNED_H
#define RAPPORT_FEDERATION_SIGNED_H

#include "federation/remote.h"
#include "federation/signature.h"
#include "http/http.h"

/* The signer of a request: its actor row (its account is
 * ra.account_id), and how the key lookup went (REMOTE_BLOCKED: the
 * domain is blocked; REMOTE_FAILED or REMOTE_ERROR: the key could not be
 * had now). */
struct signed_by {
	struct remote_actor ra;
	enum remote_rc rc;
};

/* Verifies r's signature for method over body (NULL for none): SIG_OK
 * with *out filled, or why not (a request with too many headers is
 * SIG_MALFORMED). r->path is the target: our ActivityPub paths carry no
 * query and nothing escaped. */
enum sig_rc signed_request(struct req *r, const char *method, const char *body, size_t len,
			   struct signed_by *out);

#endif
