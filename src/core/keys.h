/* keys.h - local ActivityPub actors' key pairs: the public key to
 * publish, and a signer that uses the private key without handing it out.
 *
 * A pair is made on first use (an RSA-2048 key takes tens of
 * milliseconds, so sign-up does not wait for it; an account nobody
 * fetches never gets one), outside any transaction, and stored unless a
 * concurrent first use stored one already; both then use the stored one.
 * KEYS_INSTANCE_ACTOR names the instance actor (/actor). */
#ifndef RAPPORT_CORE_KEYS_H
#define RAPPORT_CORE_KEYS_H

#include <stddef.h>

#include "core/core.h"

#define KEYS_INSTANCE_ACTOR 0

/* The public key (PEM, SubjectPublicKeyInfo) of a local account or of
 * the instance actor, in c->arena; the pair is made if there is none.
 * RC_INTERNAL if the store or OpenSSL failed. The caller checks that
 * account_id is a local account. */
enum rc key_public(struct core *c, int64_t account_id, const char **pem);

/* What a signer needs: the context and the actor whose key signs. */
struct key_signer {
	struct core *c;
	int64_t account_id;
};

/* Signs data[0..n) with RSASSA-PKCS1-v1_5 SHA-256 under the private key
 * of ((struct key_signer *)ctx)->account_id, making the pair if needed;
 * the shape of federation/signature.h's sig_sign_fn. The private key is
 * read into a stack buffer that is wiped before returning. 0 or -1. */
int key_sign(void *ctx, const void *data, size_t n, unsigned char *sig, size_t *siglen);

/* A signer that reads the private key once for many signatures in a
 * row (the delivery worker's batch): opened, used as a sig_sign_fn with
 * key_session_sign, closed (wiping the key) before the batch ends, so a
 * key is held parsed only while it signs. */
struct rsa_key;
struct key_session {
	int64_t account_id;
	struct rsa_key *key;
};
/* RC_OK, or RC_INTERNAL (the store or OpenSSL failed; key stays NULL). */
enum rc key_session_open(struct core *c, int64_t account_id, struct key_session *s);
int key_session_sign(void *ctx, const void *data, size_t n, unsigned char *sig, size_t *siglen);
/* Frees and wipes the key (a closed or failed session is fine). */
void key_session_close(struct key_session *s);

#endif
