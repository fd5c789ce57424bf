/* Unit tests of the token cache (store/tokencache.c): a stored token comes
 * back whole; a change to its account drops it (and only its account's);
 * "forget everything" drops all; a reader's read older than a drop is never
 * stored (the epoch guard); scopes too long to keep are not kept. Without a
 * listener (a unit test) every thread counts as synced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "store/oauth.h"
#include "store/store_internal.h"
#include "util/arena.h"

static const char H1[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char H2[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

static struct token tok(const char *hash, int64_t account)
{
	return (struct token){.id = 7, .token_hash = hash, .app_id = 3, .account_id = account,
			      .scopes = "read write", .created_at = 99, .barred = false};
}

static int setup(void **state)
{
	(void)state;
	tokencache_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tokencache_free();
	return 0;
}

static bool get(const char *hash, struct token *out)
{
	struct arena ar;
	arena_init(&ar);
	bool hit = tokencache_get(&ar, hash, out);
	if (hit) {
		assert_string_equal(out->token_hash, hash);
		assert_string_equal(out->scopes, "read write");
	}
	arena_free(&ar);
	return hit;
}

static void test_stored_comes_back(void **state)
{
	(void)state;
	struct token t = tok(H1, 42), out;
	assert_false(get(H1, &out));
	tokencache_put(tokencache_epoch(), &t);
	assert_true(get(H1, &out));
	assert_int_equal(out.id, 7);
	assert_int_equal(out.app_id, 3);
	assert_int_equal(out.account_id, 42);
	assert_int_equal(out.created_at, 99);
	assert_false(out.barred);
}

static void test_account_change_drops_its_tokens(void **state)
{
	(void)state;
	struct token a = tok(H1, 42), b = tok(H2, 43), out;
	tokencache_put(tokencache_epoch(), &a);
	tokencache_put(tokencache_epoch(), &b);
	tokencache_account(42);
	assert_false(get(H1, &out));
	assert_true(get(H2, &out));
	tokencache_clear();
	assert_false(get(H2, &out));
	tokencache_put(tokencache_epoch(), &a); /* stored again after the drop */
	assert_true(get(H1, &out));
}

static void test_read_before_a_drop_is_not_stored(void **state)
{
	(void)state;
	struct token a = tok(H1, 42), out;
	uint64_t epoch = tokencache_epoch(); /* the reader starts */
	tokencache_account(1234);            /* any drop meanwhile */
	tokencache_put(epoch, &a);
	assert_false(get(H1, &out));
}

static void test_long_scopes_are_not_kept(void **state)
{
	(void)state;
	char scopes[200];
	memset(scopes, 'a', sizeof scopes - 1);
	scopes[sizeof scopes - 1] = '\0';
	struct token a = tok(H1, 42), out;
	a.scopes = scopes;
	tokencache_put(tokencache_epoch(), &a);
	assert_false(get(H1, &out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stored_comes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_account_change_drops_its_tokens, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_read_before_a_drop_is_not_stored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_scopes_are_not_kept, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
