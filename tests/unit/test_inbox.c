/* Unit tests of the inbox's pieces that need no network: the authority
 * of a URL (handles carry it), a Note's fields (inbox_note_read), the
 * store of remote actors (the key cache: by keyId, a key moving between
 * actors), received ids (a replay is refused, a failure gives the id
 * back), remote Follow ids, and domain canonical forms. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "federation/domains.h"
#include "federation/inbox_internal.h"
#include "federation/remote.h"
#include "store/federation.h"
#include "store/moderation.h"
#include "store_fixture.h"

static int setup(void **state)
{
	*state = fx_open(2, 0);
	return *state ? 0 : -1;
}

static void authority_of_urls(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct config c = {.base_url = "https://us.test", .domain = "us.test"};
	assert_string_equal(remote_authority(&c, &ar, "https://Them.Example/users/a"), "them.example");
	assert_string_equal(remote_authority(&c, &ar, "https://them.example:443/u"), "them.example");
	assert_string_equal(remote_authority(&c, &ar, "https://them.example:8443/u"),
			    "them.example:8443");
	assert_null(remote_authority(&c, &ar, "http://them.example/u")); /* https only */
	assert_null(remote_authority(&c, &ar, "ftp://them.example/u"));
	assert_null(remote_authority(&c, &ar, "https://them.example/u#frag"));
	assert_null(remote_authority(&c, &ar, "https://"));
	c.fed_insecure = true; /* the test mode: http, with the port */
	assert_string_equal(remote_authority(&c, &ar, "http://127.0.0.1:8081/users/b"),
			    "127.0.0.1:8081");
	assert_string_equal(remote_authority(&c, &ar, "http://127.0.0.1:80/users/b"), "127.0.0.1");
	arena_free(&ar);
}

static void note_fields(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	char summary[3000];
	memset(summary, 'a', sizeof summary);
	memcpy(summary + 2047, "\xc3\xa9", 2); /* é across the cut at 2048 */
	summary[sizeof summary - 1] = '\0';
	json_t *n = json_pack("{s:s, s:{s:s}, s:s, s:s, s:s}", "type", "Note", "contentMap", "fr",
			      "<p onclick=\"x\">salut <script>x</script></p>", "summary", summary,
			      "published", "2026-01-01T00:00:01.500Z", "updated", "yesterday");
	struct note_fields f;
	inbox_note_read(&ar, n, &f);
	assert_string_equal(f.content, "<p>salut </p>");
	assert_string_equal(f.text, "salut ");
	assert_string_equal(f.language, "fr");
	assert_int_equal(strlen(f.summary), 2047); /* cut before the character */
	assert_true(f.sensitive);
	assert_int_equal(f.published, 1767225601000LL);
	assert_int_equal(f.updated, 0);
	json_decref(n);
	arena_free(&ar);
}

static struct account remote(int64_t id, const char *name, const char *uri)
{
	return (struct account){.id = id, .username = name, .domain = "them.test",
				.display_name = "", .note = "", .note_html = "", .fields = "[]",
				.uri = uri, .url = uri, .avatar = "", .header = "",
				.created_at = 1, .updated_at = 1};
}

static enum store_rc upsert(struct db *db, void *arg)
{
	void **p = arg;
	return store_remote_upsert(db, p[0], p[1]);
}

static void key_cache(void **state)
{
	struct fx *f = *state;
	struct account a = remote(id_new(), "a", "https://them.test/users/a");
	struct remote_actor ra = {.inbox = "https://them.test/users/a/inbox", .shared_inbox = "",
				  .followers = "", .key_id = "https://them.test/users/a#main-key",
				  .public_pem = "PEM-A", .fetched_at = 5};
	void *args[2] = {&a, &ra};
	assert_int_equal(store_tx(f->c.db, upsert, args), ST_OK);
	struct remote_actor got;
	assert_int_equal(store_remote_by_key(f->c.db, &f->ar, ra.key_id, &got), ST_OK);
	assert_int_equal(got.account_id, a.id);
	assert_string_equal(got.public_pem, "PEM-A");
	/* a refresh updates the same account */
	int64_t first = a.id;
	a.id = id_new();
	a.username = "a2";
	ra.public_pem = "PEM-A2";
	assert_int_equal(store_tx(f->c.db, upsert, args), ST_OK);
	assert_int_equal(a.id, first);
	assert_int_equal(store_remote_by_key(f->c.db, &f->ar, ra.key_id, &got), ST_OK);
	assert_string_equal(got.public_pem, "PEM-A2");
	/* the key moves to another actor that publishes it */
	struct account b = remote(id_new(), "b", "https://them.test/users/b");
	void *bargs[2] = {&b, &ra};
	assert_int_equal(store_tx(f->c.db, upsert, bargs), ST_OK);
	assert_int_equal(store_remote_by_key(f->c.db, &f->ar, ra.key_id, &got), ST_OK);
	assert_int_equal(got.account_id, b.id);
	assert_int_equal(store_remote_get(f->c.db, &f->ar, first, &got), ST_NOT_FOUND);
}

static void replay_claims(void **state)
{
	struct fx *f = *state;
	assert_int_equal(store_inbox_claim(f->c.db, "https://them.test/a/1", 100, false, 0), ST_OK);
	assert_int_equal(store_inbox_claim(f->c.db, "https://them.test/a/1", 200, false, 0),
			 ST_CONFLICT);
	assert_int_equal(store_inbox_unclaim(f->c.db, "https://them.test/a/1"), ST_OK);
	assert_int_equal(store_inbox_claim(f->c.db, "https://them.test/a/1", 300, false, 0), ST_OK);
	/* pruning drops claims older than the window only */
	assert_int_equal(store_inbox_claim(f->c.db, "https://them.test/a/2", 50, false, 0), ST_OK);
	assert_int_equal(store_inbox_claim(f->c.db, "https://them.test/a/3", 400, true, 100), ST_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM inbox_seen", "", 0, 0), 2);
}

static void domains(void **state)
{
	struct fx *f = *state;
	assert_string_equal(domain_canonical(&f->ar, "Them.Example"), "them.example");
	assert_string_equal(domain_canonical(&f->ar, "https://them.example/"), "them.example");
	assert_string_equal(domain_canonical(&f->ar, "127.0.0.1:8081"), "127.0.0.1:8081");
	assert_null(domain_canonical(&f->ar, "them example"));
	assert_null(domain_canonical(&f->ar, "https://them.example/path"));
	assert_null(domain_canonical(&f->ar, ""));
}

/* The admin's rules are the admin API's domain blocks: a rule covers
 * subdomains, the longest match wins, noop is no rule. */
static void domain_rules(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *value, *severity;
	} rules[] = {{"them.example", "suspend"},   {"ok.them.example", "noop"},
		     {"quiet.example", "silence"},  {"127.0.0.1:8081", "suspend"},
		     {"xthem.example", "silence"}};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		struct admin_block b = {.id = (int64_t)i + 1, .kind = BLOCK_DOMAIN,
					.value = rules[i].value, .severity = rules[i].severity,
					.data = "{}", .created_at = 1};
		assert_int_equal(store_block_insert(f->c.db, &b), ST_OK);
	}
	struct admin_block allow = {.id = 9, .kind = BLOCK_DOMAIN_ALLOW, .value = "free.example",
				    .severity = "", .data = "{}", .created_at = 1};
	assert_int_equal(store_block_insert(f->c.db, &allow), ST_OK);
	static const struct {
		const char *domain;
		int severity;
	} cases[] = {{"them.example", INSTANCE_BLOCK},   {"a.b.them.example", INSTANCE_BLOCK},
		     {"ok.them.example", 0},              {"x.ok.them.example", 0},
		     {"quiet.example", INSTANCE_LIMIT},   {"sub.quiet.example", INSTANCE_LIMIT},
		     {"example", 0},                      {"hem.example", 0},
		     {"127.0.0.1:8081", INSTANCE_BLOCK},  {"127.0.0.1:8082", 0},
		     {"free.example", 0},                 {"xthem.example", INSTANCE_LIMIT}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int sev = -1;
		assert_int_equal(store_instance_domain_get(f->c.db, cases[i].domain, &sev), ST_OK);
		if (sev != cases[i].severity)
			fail_msg("%s: %d, not %d", cases[i].domain, sev, cases[i].severity);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(authority_of_urls),
		cmocka_unit_test(note_fields),
		cmocka_unit_test_setup_teardown(key_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(replay_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(domains, setup, teardown),
		cmocka_unit_test_setup_teardown(domain_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
