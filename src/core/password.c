#include "core/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define PW_OPS 2
#define PW_MEM (19u * 1024 * 1024)

/* The hash that unknown accounts are checked against: made once, before
 * any request, and only read afterwards. */
static char dummy[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	if (password_hash("not a password", dummy))
		dummy[0] = '\0';
}

int password_init(void)
{
	pthread_once(&dummy_once, dummy_make);
	return dummy[0] ? 0 : -1;
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer");
	return crypto_pwhash_str_alg(out, password, strlen(password), PW_OPS, PW_MEM,
				     crypto_pwhash_ALG_ARGON2ID13);
}

bool password_verify(const char *hash, const char *password)
{
	if (!hash || !*hash) {
		if (password_init())
			return false;
		int spent = crypto_pwhash_str_verify(dummy, password, strlen(password));
		return spent == 0 && false; /* the dummy never matches a real account */
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
