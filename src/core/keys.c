/* keys.c - local actors' key pairs, made on first use. */
#include "core/keys.h"
#include "store/keys.h"
#include "util/log.h"
#include "util/rsa.h"
#include "util/util.h"

#include <sodium.h>

_Static_assert(KEYS_INSTANCE_ACTOR == STORE_INSTANCE_ACTOR, "one id for the instance actor");

/* Makes a pair and stores it unless one was stored meanwhile. */
static enum rc key_make(struct core *c, int64_t account_id)
{
	char *pub, *priv;
	if (rsa_keypair_new(&pub, &priv))
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	enum store_rc st = store_key_insert(c->db, account_id, pub, priv, now_ms());
	free(pub);
	rsa_secret_free(priv);
	if (st != ST_OK)
		return core_store_fail(c, ST_ERROR);
	log_info("keys: made the key pair of actor %lld", (long long)account_id);
	return RC_OK;
}

enum rc key_public(struct core *c, int64_t account_id, const char **pem)
{
	enum store_rc st = store_key_public(c->db, c->arena, account_id, pem);
	if (st == ST_NOT_FOUND) {
		enum rc rc = key_make(c, account_id);
		if (rc)
			return rc;
		st = store_key_public(c->db, c->arena, account_id, pem);
	}
	return st == ST_OK ? RC_OK : core_store_fail(c, ST_ERROR);
}

int key_sign(void *ctx, const void *data, size_t n, unsigned char *sig, size_t *siglen)
{
	struct key_signer *s = ctx;
	char pem[RSA_PEM_MAX];
	const char *pub;
	int rc = -1;
	/* key_public makes the pair when there is none */
	if (key_public(s->c, s->account_id, &pub) == RC_OK &&
	    store_key_private(s->c->db, s->account_id, pem, sizeof pem) == ST_OK)
		rc = rsa_sign_sha256(pem, data, n, sig, siglen);
	sodium_memzero(pem, sizeof pem);
	return rc;
}

enum rc key_session_open(struct core *c, int64_t account_id, struct key_session *s)
{
	char pem[RSA_PEM_MAX];
	const char *pub;
	s->account_id = account_id;
	s->key = NULL;
	if (key_public(c, account_id, &pub) == RC_OK &&
	    store_key_private(c->db, account_id, pem, sizeof pem) == ST_OK)
		s->key = rsa_key_read(pem);
	sodium_memzero(pem, sizeof pem);
	return s->key ? RC_OK : core_fail(c, RC_INTERNAL, NULL, "Internal error");
}

int key_session_sign(void *ctx, const void *data, size_t n, unsigned char *sig, size_t *siglen)
{
	struct key_session *s = ctx;
	return s->key ? rsa_key_sign(s->key, data, n, sig, siglen) : -1;
}

void key_session_close(struct key_session *s)
{
	rsa_key_free(s->key);
	s->key = NULL;
}
