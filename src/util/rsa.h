/* rsa.h - RSA key pairs and RSASSA-PKCS1-v1_5 with SHA-256 (OpenSSL),
 * the primitive under HTTP Signatures.
 *
 * Keys travel as PEM text: public keys as SubjectPublicKeyInfo
 * ("BEGIN PUBLIC KEY", what ActivityPub's publicKeyPem carries; PKCS#1
 * "BEGIN RSA PUBLIC KEY" is read too), private keys as PKCS#8. Private key
 * text is secret: whoever holds it wipes it with rsa_secret_free() or
 * OPENSSL_cleanse-equivalent sodium_memzero before letting it go. These
 * functions never log key material. Safe to call from any thread. */
#ifndef RAPPORT_RSA_H
#define RAPPORT_RSA_H

#include <stdbool.h>
#include <stddef.h>

#define RSA_BITS 2048
#define RSA_SIG_MAX 1024     /* bytes of a signature; 8192-bit keys at most */
#define RSA_PEM_MAX 8192     /* bytes of a PEM text we accept or make */
#define RSA_VERIFY_MIN_BITS 1024
#define RSA_VERIFY_MAX_BITS 8192

/* Makes a new RSA_BITS key pair. On success returns 0 and sets *public_pem
 * and *private_pem to malloc'ed, NUL-terminated PEM texts (free the
 * private one with rsa_secret_free()); -1 if OpenSSL failed. */
int rsa_keypair_new(char **public_pem, char **private_pem);
/* Wipes and frees a malloc'ed secret string (NULL is fine). */
void rsa_secret_free(char *s);

/* Signs data[0..n) with the private key in PEM (PKCS#8 or PKCS#1):
 * sig gets the signature (at most RSA_SIG_MAX bytes), *siglen its length.
 * Returns 0, or -1 if the key cannot be read or signing failed. */
int rsa_sign_sha256(const char *private_pem, const void *data, size_t n, unsigned char *sig,
		    size_t *siglen);

/* A private key read once for many signatures (parsing PEM costs more
 * than signing: the delivery worker signs a batch with one). Opaque; the
 * key material lives in OpenSSL's memory and is wiped by rsa_key_free. */
struct rsa_key;
/* NULL if pem is not an RSA private key. */
struct rsa_key *rsa_key_read(const char *private_pem);
/* As rsa_sign_sha256, with a key read by rsa_key_read. */
int rsa_key_sign(struct rsa_key *k, const void *data, size_t n, unsigned char *sig,
		 size_t *siglen);
void rsa_key_free(struct rsa_key *k);

enum rsa_verdict {
	RSA_VALID = 0,
	RSA_INVALID,    /* the signature does not match */
	RSA_BAD_KEY,    /* not an RSA public key of RSA_VERIFY_MIN_BITS..MAX_BITS bits */
};

/* Verifies sig[0..siglen) over data[0..n) with the public key in PEM. */
enum rsa_verdict rsa_verify_sha256(const char *public_pem, const void *data, size_t n,
				   const unsigned char *sig, size_t siglen);

/* True if pem is an RSA public key this module accepts. */
bool rsa_public_valid(const char *public_pem);

#endif
