/* rsa.c - RSA key pairs, signing and verification with OpenSSL 3's EVP
 * interface. Every failure clears OpenSSL's (per-thread) error queue so
 * a later caller never reads a stale error. */
#include "util/rsa.h"
#include "util/util.h"

#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

void rsa_secret_free(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

/* The PEM text of a BIO's content, malloc'ed, or NULL. */
static char *bio_text(BIO *b)
{
	char *p;
	long n = BIO_get_mem_data(b, &p);
	if (n <= 0 || n >= RSA_PEM_MAX)
		return NULL;
	char *s = xmalloc((size_t)n + 1);
	memcpy(s, p, (size_t)n);
	s[n] = '\0';
	return s;
}

int rsa_keypair_new(char **public_pem, char **private_pem)
{
	*public_pem = *private_pem = NULL;
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_BITS);
	BIO *pub = BIO_new(BIO_s_mem()), *priv = BIO_new(BIO_s_mem());
	int rc = -1;
	if (!k || !pub || !priv || !PEM_write_bio_PUBKEY(pub, k) ||
	    !PEM_write_bio_PrivateKey(priv, k, NULL, NULL, 0, NULL, NULL))
		goto out;
	*public_pem = bio_text(pub);
	*private_pem = bio_text(priv);
	if (*public_pem && *private_pem)
		rc = 0;
out:
	if (rc) {
		free(*public_pem);
		rsa_secret_free(*private_pem);
		*public_pem = *private_pem = NULL;
		ERR_clear_error();
	}
	if (priv) {
		/* the memory BIO's buffer held the private key */
		char *p;
		long n = BIO_get_mem_data(priv, &p);
		if (n > 0)
			OPENSSL_cleanse(p, (size_t)n);
	}
	BIO_free(pub);
	BIO_free(priv);
	EVP_PKEY_free(k);
	return rc;
}

/* A key from PEM text: a private key in PKCS#8 or PKCS#1, or a public key
 * as SubjectPublicKeyInfo or PKCS#1 (the decoder tries every structure).
 * Only RSA keys of the accepted sizes are returned. */
static EVP_PKEY *read_key(const char *pem, bool private)
{
	size_t n = strnlen(pem, RSA_PEM_MAX);
	EVP_PKEY *k = NULL;
	OSSL_DECODER_CTX *d = NULL;
	if (n == RSA_PEM_MAX)
		return NULL;
	d = OSSL_DECODER_CTX_new_for_pkey(&k, "PEM", NULL, "RSA",
					  private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, NULL,
					  NULL);
	const unsigned char *p = (const unsigned char *)pem;
	if (!d || !OSSL_DECODER_from_data(d, &p, &n))
		k = NULL;
	OSSL_DECODER_CTX_free(d);
	if (k && (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA ||
		  EVP_PKEY_get_bits(k) < RSA_VERIFY_MIN_BITS ||
		  EVP_PKEY_get_bits(k) > RSA_VERIFY_MAX_BITS)) {
		EVP_PKEY_free(k);
		k = NULL;
	}
	if (!k)
		ERR_clear_error();
	return k;
}

struct rsa_key *rsa_key_read(const char *private_pem)
{
	return (struct rsa_key *)read_key(private_pem, true);
}

void rsa_key_free(struct rsa_key *k)
{
	EVP_PKEY_free((EVP_PKEY *)k);
}

int rsa_key_sign(struct rsa_key *key, const void *data, size_t n, unsigned char *sig,
		 size_t *siglen)
{
	EVP_PKEY *k = (EVP_PKEY *)key;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t len = RSA_SIG_MAX;
	int rc = -1;
	if (k && md && (size_t)EVP_PKEY_get_size(k) <= RSA_SIG_MAX &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestSign(md, sig, &len, data, n) == 1) {
		*siglen = len;
		rc = 0;
	}
	if (rc)
		ERR_clear_error();
	EVP_MD_CTX_free(md);
	return rc;
}

int rsa_sign_sha256(const char *private_pem, const void *data, size_t n, unsigned char *sig,
		    size_t *siglen)
{
	struct rsa_key *k = rsa_key_read(private_pem);
	int rc = k ? rsa_key_sign(k, data, n, sig, siglen) : -1;
	if (!k)
		ERR_clear_error();
	rsa_key_free(k);
	return rc;
}

/* Public keys already parsed, by the SHA-256 of their PEM: OpenSSL 3's
 * decoder costs several times the verification itself, and the inbox
 * verifies the same few peers' keys over and over. Direct-mapped; a slot
 * holds one reference, each user takes its own. */
#define KEY_CACHE_SLOTS 1024

static struct {
	pthread_mutex_t lock;
	unsigned char hash[KEY_CACHE_SLOTS][32];
	EVP_PKEY *key[KEY_CACHE_SLOTS];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static EVP_PKEY *cached_public(const char *pem)
{
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)pem, strnlen(pem, RSA_PEM_MAX));
	unsigned slot = ((unsigned)h[0] | (unsigned)h[1] << 8) % KEY_CACHE_SLOTS;
	EVP_PKEY *k = NULL;
	pthread_mutex_lock(&cache.lock);
	if (cache.key[slot] && !memcmp(cache.hash[slot], h, 32) && EVP_PKEY_up_ref(cache.key[slot]))
		k = cache.key[slot];
	pthread_mutex_unlock(&cache.lock);
	if (k || !(k = read_key(pem, false)))
		return k;
	if (EVP_PKEY_up_ref(k)) {
		pthread_mutex_lock(&cache.lock);
		EVP_PKEY *old = cache.key[slot];
		cache.key[slot] = k;
		memcpy(cache.hash[slot], h, 32);
		pthread_mutex_unlock(&cache.lock);
		EVP_PKEY_free(old);
	}
	return k;
}

enum rsa_verdict rsa_verify_sha256(const char *public_pem, const void *data, size_t n,
				   const unsigned char *sig, size_t siglen)
{
	EVP_PKEY *k = cached_public(public_pem);
	if (!k)
		return RSA_BAD_KEY;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	enum rsa_verdict v = RSA_INVALID;
	if (md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestVerify(md, sig, siglen, data, n) == 1)
		v = RSA_VALID;
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	return v;
}

bool rsa_public_valid(const char *public_pem)
{
	EVP_PKEY *k = read_key(public_pem, false);
	EVP_PKEY_free(k);
	return k != NULL;
}
