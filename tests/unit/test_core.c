/* Unit tests of store/ and core/ on a real SQLite store in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/accounts.h"
#include "core/oauth.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/social.h"
#include "store/store.h"
#include "store_fixture.h"
#include "util/util.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 3);
	*state = f;
	return f ? 0 : -1;
}

static int64_t mkuser(struct fx *f, const char *name, const char *email)
{
	struct signup s = {.username = name, .email = email, .password = "correct horse"};
	int64_t id = 0;
	assert_int_equal(account_create(&f->c, &s, &id), RC_OK);
	return id;
}

static void migrations_applied(void **state)
{
	struct fx *f = *state;
	int v = 0;
	assert_int_equal(store_schema_version(f->c.db, &v), ST_OK);
	assert_true(v >= 1);
}

/* db_scalar tells a value, no row (or NULL) and a failure apart: a failed
 * check must never read as "no". */
static void scalar_tells_no_row_from_failure(void **state)
{
	struct fx *f = *state;
	int64_t v = 7;
	assert_int_equal(db_scalar(f->c.db, &v, "SELECT $1 + 1", "i", (int64_t)41), DB_ROW);
	assert_int_equal(v, 42);
	assert_int_equal(db_scalar(f->c.db, &v, "SELECT 1 WHERE 0", ""), DB_DONE);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(db_scalar(f->c.db, &v, "SELECT NULL", ""), DB_DONE);
	assert_int_equal(v, 0);
	v = 7;
	assert_int_equal(db_scalar(f->c.db, &v, "SELECT 1 FROM no_such_table", ""), DB_ERROR);
	assert_int_equal(v, 0);
	/* A store check on a table that is gone fails; it does not say "no". */
	assert_int_equal(db_exec(f->c.db, "ALTER TABLE blocks RENAME TO blocks_away", ""), DB_OK);
	bool blocked = true;
	assert_int_equal(store_blocked_either(f->c.db, 1, 2, &blocked), ST_ERROR);
	assert_int_equal(db_exec(f->c.db, "ALTER TABLE blocks_away RENAME TO blocks", ""), DB_OK);
	assert_int_equal(store_blocked_either(f->c.db, 1, 2, &blocked), ST_OK);
	assert_false(blocked);
}

static void account_rules(void **state)
{
	struct fx *f = *state;
	int64_t id = mkuser(f, "Alice_1", "alice@example.test");
	struct account a;
	assert_int_equal(account_get(&f->c, id, &a), RC_OK);
	assert_string_equal(a.username, "Alice_1");
	assert_string_equal(account_uri(&f->c, &a), "https://example.test/users/Alice_1");
	assert_int_equal(account_lookup(&f->c, "alice_1", &a), RC_OK);
	assert_int_equal(account_lookup(&f->c, "@ALICE_1@example.test", &a), RC_OK);
	assert_int_equal(account_lookup(&f->c, "alice_1@elsewhere.test", &a), RC_NOT_FOUND);

	struct {
		const char *user, *email, *pw, *field;
	} bad[] = {
		{"alice_1", "x@example.test", "long enough", "username"}, /* taken, any case */
		{"bob", "ALICE@example.test", "long enough", "email"},    /* taken, any case */
		{"", "b@example.test", "long enough", "username"},
		{"bad name", "b@example.test", "long enough", "username"},
		{"ünicode", "b@example.test", "long enough", "username"},
		{"a234567890123456789012345678901", "b@example.test", "long enough", "username"},
		{"bob", "not-an-email", "long enough", "email"},
		{"bob", "b@example.test", "short", "password"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct signup s = {.username = bad[i].user, .email = bad[i].email,
				   .password = bad[i].pw};
		int64_t nid;
		assert_int_equal(account_create(&f->c, &s, &nid), RC_INVALID);
		assert_string_equal(f->c.err.field, bad[i].field);
	}
	int64_t n = 0;
	assert_int_equal(store_count_local_accounts(f->c.db, &n), ST_OK);
	assert_int_equal(n, 1);
	int64_t id30 = mkuser(f, "a23456789012345678901234567890", "b@example.test");
	assert_true(id30 > id);
}

static void profile_update_is_all_or_nothing(void **state)
{
	struct fx *f = *state;
	int64_t id = mkuser(f, "carol", "carol@example.test");
	struct profile_update u = {.display_name = "Carol", .note = "hi <b>", .locked = 1,
				   .bot = -1, .discoverable = -1, .nfields = 1,
				   .field_name = {"site"}, .field_value = {"https://c.test"},
				   .sensitive = -1};
	assert_int_equal(account_update(&f->c, id, &u), RC_OK);
	struct account a;
	assert_int_equal(account_get(&f->c, id, &a), RC_OK);
	assert_string_equal(a.display_name, "Carol");
	assert_string_equal(a.note_html, "<p>hi &lt;b&gt;</p>");
	assert_true(a.locked);
	assert_non_null(strstr(a.fields, "https://c.test"));

	/* A valid display name with a bad note changes nothing. */
	char longnote[NOTE_MAX + 2];
	memset(longnote, 'x', sizeof longnote - 1);
	longnote[sizeof longnote - 1] = '\0';
	struct profile_update bad = {.display_name = "Changed", .note = longnote, .locked = 0,
				     .bot = -1, .discoverable = -1, .nfields = -1,
				     .sensitive = -1};
	assert_int_equal(account_update(&f->c, id, &bad), RC_INVALID);
	assert_string_equal(f->c.err.field, "note");
	assert_int_equal(account_get(&f->c, id, &a), RC_OK);
	assert_string_equal(a.display_name, "Carol");
	assert_true(a.locked);

	struct profile_update badpriv = {.locked = -1, .bot = -1, .discoverable = -1,
					 .nfields = -1, .privacy = "everyone", .sensitive = -1};
	assert_int_equal(account_update(&f->c, id, &badpriv), RC_INVALID);
}

static void oauth_password_and_revoke(void **state)
{
	struct fx *f = *state;
	mkuser(f, "dave", "dave@example.test");
	struct new_app in = {.name = "t", .redirect_uris = OOB_URI, .scopes = "read write"};
	struct app app;
	char secret[TOKEN_LEN + 1];
	assert_int_equal(oauth_app_create(&f->c, &in, &app, secret), RC_OK);
	assert_string_not_equal(app.secret_hash, secret); /* only the hash is kept */

	struct token_request rq = {.grant_type = "password", .client_id = app.client_id,
				   .client_secret = secret, .username = "dave@example.test",
				   .password = "correct horse", .scope = "read", .ip = "1.2.3.4"};
	struct issued_token t;
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_OK);
	struct token tok;
	scope_set set;
	assert_int_equal(oauth_authenticate(&f->c, t.token, &tok, &set), RC_OK);
	assert_true(set & SCOPE(SC_READ_STATUSES));
	assert_false(set & SCOPE(SC_WRITE_STATUSES));

	rq.scope = "read admin:write"; /* beyond the app's scopes */
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_BAD_REQUEST);
	assert_string_equal(f->c.err.field, "invalid_scope");
	rq.scope = "read";
	rq.client_secret = "wrong";
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_UNAUTHORIZED);

	assert_int_equal(oauth_revoke(&f->c, app.client_id, secret, tok.token_hash), RC_OK);
	/* revoking by hash is not revoking: the token still works */
	char plain[TOKEN_LEN + 1];
	rq.client_secret = secret;
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_OK);
	memcpy(plain, t.token, sizeof plain);
	assert_int_equal(oauth_revoke(&f->c, app.client_id, secret, plain), RC_OK);
	assert_int_equal(oauth_authenticate(&f->c, plain, &tok, &set), RC_UNAUTHORIZED);
}

static void oauth_code_pkce_once(void **state)
{
	struct fx *f = *state;
	int64_t id = mkuser(f, "erin", "erin@example.test");
	struct new_app in = {.name = "t", .redirect_uris = "app://cb\nhttps://x.test/cb",
			     .scopes = "read write follow"};
	struct app app;
	char secret[TOKEN_LEN + 1], code[TOKEN_LEN + 1];
	assert_int_equal(oauth_app_create(&f->c, &in, &app, secret), RC_OK);
	assert_true(oauth_redirect_ok(&app, "app://cb"));
	assert_false(oauth_redirect_ok(&app, "app://cb/"));
	assert_false(oauth_redirect_ok(&app, "app://c"));

	const char *verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk";
	char challenge[44];
	sha256_b64url(verifier, strlen(verifier), challenge);
	assert_int_equal(oauth_code_create(&f->c, &app, id, "app://cb", "read", challenge, "plain",
					   code),
			 RC_BAD_REQUEST);
	assert_int_equal(oauth_code_create(&f->c, &app, id, "app://cb", "read", challenge, "S256",
					   code),
			 RC_OK);
	struct token_request rq = {.grant_type = "authorization_code", .client_id = app.client_id,
				   .code = code, .redirect_uri = "app://cb",
				   .code_verifier = "wrong-verifier-wrong-verifier-wrong-verifier"};
	struct issued_token t;
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_BAD_REQUEST); /* and the code is spent */
	rq.code_verifier = verifier;
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_BAD_REQUEST);

	assert_int_equal(oauth_code_create(&f->c, &app, id, "app://cb", "read", challenge, "S256",
					   code),
			 RC_OK);
	rq.code = code;
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_OK);
	assert_int_equal(t.account_id, id);
	assert_int_equal(oauth_token(&f->c, &rq, &t), RC_BAD_REQUEST); /* used once only */
}

static void sign_in_is_throttled(void **state)
{
	struct fx *f = *state;
	int64_t id = mkuser(f, "frank", "frank@example.test"), got;
	assert_int_equal(account_sign_in(&f->c, "frank@example.test", "bad", "9.9.9.9", &got),
			 RC_UNAUTHORIZED);
	assert_int_equal(account_sign_in(&f->c, "FRANK@example.test", "correct horse", "9.9.9.8",
					 &got),
			 RC_OK);
	assert_int_equal(got, id);
	assert_int_equal(account_sign_in(&f->c, "frank@example.test", "bad", "9.9.9.7", &got),
			 RC_UNAUTHORIZED);
	/* 3 attempts per account in the window: the 4th is refused even with
	 * the right password. */
	assert_int_equal(account_sign_in(&f->c, "frank@example.test", "correct horse", "9.9.9.6",
					 &got),
			 RC_RATE_LIMITED);
	assert_true(f->c.err.retry_after >= 1);
	assert_int_equal(account_sign_in(&f->c, "nobody@example.test", "x", "9.9.9.5", &got),
			 RC_UNAUTHORIZED);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(scalar_tells_no_row_from_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(account_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(profile_update_is_all_or_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(oauth_password_and_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(oauth_code_pkce_once, setup, teardown),
		cmocka_unit_test_setup_teardown(sign_in_is_throttled, setup, teardown),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
