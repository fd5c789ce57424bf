/* keys.h - the key pairs of local ActivityPub actors (store_keys.c).
 *
 * One RSA key pair per local account, and one for the instance actor
 * (account id STORE_INSTANCE_ACTOR), as PEM text. The private key is
 * read only into a buffer the caller wipes (core/keys.c, the signer);
 * it is never returned in an arena string, so nothing that renders or
 * logs arena data can reach it. */
#ifndef RAPPORT_STORE_KEYS_H
#define RAPPORT_STORE_KEYS_H

#include <stddef.h>

#include "store/store.h"

#define STORE_INSTANCE_ACTOR 0

/* Stores the key pair of account_id unless it has one: two first uses
 * racing keep the pair written first (ST_OK either way). */
enum store_rc store_key_insert(struct db *db, int64_t account_id, const char *public_pem,
			       const char *private_pem, int64_t created_at);
/* The public key of account_id into *pem (allocated in ar); ST_NOT_FOUND
 * when it has none yet. */
enum store_rc store_key_public(struct db *db, struct arena *ar, int64_t account_id,
			       const char **pem);
/* Copies the private key of account_id into out[0..cap), NUL-terminated.
 * ST_NOT_FOUND when there is none, ST_ERROR when it does not fit. The
 * caller wipes out (sodium_memzero) when done. */
enum store_rc store_key_private(struct db *db, int64_t account_id, char *out, size_t cap);

#endif
