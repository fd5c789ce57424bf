/* password.h - Argon2id password hashing (libsodium), OWASP parameters:
 * m = 19 MiB, t = 2, p = 1. */
#ifndef RAPPORT_PASSWORD_H
#define RAPPORT_PASSWORD_H

#include <stdbool.h>

#define PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */

/* Makes the hash that unknown accounts are checked against. Call once at
 * start, before threads; password_verify also makes it on first use, once.
 * Returns 0, or -1 if out of memory. */
int password_init(void);
/* Returns 0 and the encoded hash in out, or -1 if out of memory. */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* Verifies in constant time. hash NULL still spends the time of a check,
 * so unknown accounts cannot be told from wrong passwords by timing. */
bool password_verify(const char *hash, const char *password);

#endif
