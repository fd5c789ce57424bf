/* Unit tests of federation/audience: visibility read from to/cc as
 * Mastodon's StatusParser reads it (its spec's cases and the edges of its
 * code: followers only in `to`, exact spellings of Public, single values and
 * objects with an id), the local actors collected for routing, and to/cc
 * written as Mastodon's TagManager writes them, read back to the same
 * visibility. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "federation/audience.h"

#define FOLLOWERS "https://remote.example/users/bob/followers"
#define LOCAL "https://rapport.test/users/"

/* The visibility of {"to": to, "cc": cc} (JSON texts, "null" for none). */
static int vis(const char *to, const char *cc, const char *followers)
{
	json_t *t = json_loads(to, JSON_DECODE_ANY, NULL), *c = json_loads(cc, JSON_DECODE_ANY, NULL);
	assert_true(t && c);
	struct audience a;
	audience_read(json_is_null(t) ? NULL : t, json_is_null(c) ? NULL : c, NULL, followers,
		      LOCAL, &a);
	json_decref(t);
	json_decref(c);
	return (int)a.visibility;
}

static void visibility_as_mastodon_reads_it(void **state)
{
	(void)state;
	const char *pub = "[\"" AS_PUBLIC "\"]", *fol = "[\"" FOLLOWERS "\"]";
	assert_int_equal(vis(pub, "[]", FOLLOWERS), VIS_PUBLIC);
	assert_int_equal(vis(pub, fol, FOLLOWERS), VIS_PUBLIC);
	assert_int_equal(vis(fol, pub, FOLLOWERS), VIS_UNLISTED);
	assert_int_equal(vis("[]", pub, FOLLOWERS), VIS_UNLISTED);
	assert_int_equal(vis(fol, "[]", FOLLOWERS), VIS_PRIVATE);
	assert_int_equal(vis(fol, "[\"" LOCAL "ann\"]", FOLLOWERS), VIS_PRIVATE);
	assert_int_equal(vis("[\"" LOCAL "ann\"]", "[]", FOLLOWERS), VIS_DIRECT);
	assert_int_equal(vis("[]", "[]", FOLLOWERS), VIS_DIRECT);
	assert_int_equal(vis("null", "null", FOLLOWERS), VIS_DIRECT);
	/* Public in `to` wins over `cc`, and over followers */
	assert_int_equal(vis("[\"" FOLLOWERS "\", \"" AS_PUBLIC "\"]", pub, FOLLOWERS), VIS_PUBLIC);
	/* the three spellings of Public, a single value, an object with an id */
	assert_int_equal(vis("[\"as:Public\"]", "[]", FOLLOWERS), VIS_PUBLIC);
	assert_int_equal(vis("[\"Public\"]", "[]", FOLLOWERS), VIS_PUBLIC);
	assert_int_equal(vis("\"" AS_PUBLIC "\"", "null", FOLLOWERS), VIS_PUBLIC);
	assert_int_equal(vis("[]", "\"as:Public\"", FOLLOWERS), VIS_UNLISTED);
	assert_int_equal(vis("[{\"id\": \"" AS_PUBLIC "\", \"type\": \"Collection\"}]", "[]",
			     FOLLOWERS), VIS_PUBLIC);
	assert_int_equal(vis("{\"id\": \"" FOLLOWERS "\"}", "[]", FOLLOWERS), VIS_PRIVATE);
	assert_int_equal(vis("\"" FOLLOWERS "\"", "null", FOLLOWERS), VIS_PRIVATE);
	/* followers only in `cc`: Mastodon's code reads only `to` */
	assert_int_equal(vis("[\"" LOCAL "ann\"]", fol, FOLLOWERS), VIS_DIRECT);
	/* lookalikes are not Public; another actor's followers are not ours */
	assert_int_equal(vis("[\"https://www.w3.org/ns/activitystreams#public\"]", "[]", FOLLOWERS),
			 VIS_DIRECT);
	assert_int_equal(vis("[\"http://www.w3.org/ns/activitystreams#Public\"]", "[]", FOLLOWERS),
			 VIS_DIRECT);
	assert_int_equal(vis("[\"as:public\", \"public\", \"Public \"]", "[]", FOLLOWERS),
			 VIS_DIRECT);
	assert_int_equal(vis("[\"https://remote.example/users/eve/followers\"]", "[]", FOLLOWERS),
			 VIS_DIRECT);
	assert_int_equal(vis("[\"" FOLLOWERS "/\"]", "[]", FOLLOWERS), VIS_DIRECT);
	/* an unknown followers collection never makes it private */
	assert_int_equal(vis(fol, "[]", NULL), VIS_DIRECT);
	assert_int_equal(vis("[\"\"]", "[]", ""), VIS_DIRECT);
	/* junk entries are skipped */
	assert_int_equal(vis("[1, null, {}, [\"" AS_PUBLIC "\"], {\"id\": 5}]", "true", FOLLOWERS),
			 VIS_DIRECT);
	assert_true(audience_is_public(AS_PUBLIC));
	assert_false(audience_is_public(NULL));
}

static void local_actors_are_collected_once(void **state)
{
	(void)state;
	json_t *to = json_pack("[s, s, s, s, {s: s}]", LOCAL "ann", LOCAL "ann/followers",
			       "https://remote.example/users/ann", LOCAL "ann", "id", LOCAL "bo_b");
	json_t *cc = json_pack("s", LOCAL "cat");
	json_t *tag = json_pack("[{s: s, s: s}, {s: [s, s], s: s}, {s: s, s: s}, {s: s, s: s}]",
				"type", "Mention", "href", LOCAL "dan", "type", "Link", "Mention",
				"href", LOCAL "eve", "type", "Hashtag", "href", LOCAL "tags",
				"type", "Mention", "href", LOCAL "ann");
	struct audience a;
	audience_read(to, cc, tag, FOLLOWERS, LOCAL, &a);
	assert_int_equal(a.visibility, VIS_DIRECT);
	assert_int_equal(a.nlocal, 5);
	const char *want[] = {LOCAL "ann", LOCAL "bo_b", LOCAL "cat", LOCAL "dan", LOCAL "eve"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(a.local[i], want[i]);
	assert_int_equal(a.dropped, 0);
	json_decref(to);
	json_decref(cc);
	json_decref(tag);
	/* not local actors: other paths, other hosts, a prefix of the host */
	to = json_pack("[s, s, s, s, s]", LOCAL, LOCAL "a/b", LOCAL "a?x=1",
		       "https://rapport.test.evil.example/users/a", "https://rapport.test/@a");
	audience_read(to, NULL, NULL, NULL, LOCAL, &a);
	assert_int_equal(a.nlocal, 0);
	json_decref(to);
	/* bounded */
	to = json_array();
	char uri[64];
	for (int i = 0; i < 100; i++) {
		snprintf(uri, sizeof uri, LOCAL "u%d", i);
		json_array_append_new(to, json_string(uri));
	}
	audience_read(to, NULL, NULL, NULL, LOCAL, &a);
	assert_int_equal(a.nlocal, AUDIENCE_MAX_LOCAL);
	assert_int_equal(a.dropped, 100 - AUDIENCE_MAX_LOCAL);
	json_decref(to);
}

static void address_case(enum visibility v, const char *boosted, const char *want_to,
			 const char *want_cc)
{
	const char *mentions[] = {"https://m.example/users/x", "https://n.example/users/y",
				  "https://m.example/users/x"};
	json_t *to, *cc;
	audience_address(v, FOLLOWERS, mentions, 3, boosted, &to, &cc);
	char *t = json_dumps(to, JSON_COMPACT), *c = json_dumps(cc, JSON_COMPACT);
	assert_string_equal(t, want_to);
	assert_string_equal(c, want_cc);
	/* and read back, it is the same visibility */
	struct audience a;
	audience_read(to, cc, NULL, FOLLOWERS, LOCAL, &a);
	assert_int_equal(a.visibility, v);
	free(t);
	free(c);
	json_decref(to);
	json_decref(cc);
}

#define P "\"" AS_PUBLIC "\""
#define F "\"" FOLLOWERS "\""
#define M "\"https://m.example/users/x\",\"https://n.example/users/y\""

static void addressing_as_mastodon_writes_it(void **state)
{
	(void)state;
	address_case(VIS_PUBLIC, NULL, "[" P "]", "[" F "," M "]");
	address_case(VIS_UNLISTED, NULL, "[" F "]", "[" P "," M "]");
	address_case(VIS_PRIVATE, NULL, "[" F "]", "[" M "]");
	address_case(VIS_DIRECT, NULL, "[" M "]", "[]");
	/* an Announce copies the boosted author first into cc */
	address_case(VIS_PUBLIC, "https://o.example/users/z", "[" P "]",
		     "[\"https://o.example/users/z\"," F "," M "]");
	/* no mentions at all: a direct status is addressed to no one */
	json_t *to, *cc;
	audience_address(VIS_DIRECT, FOLLOWERS, NULL, 0, NULL, &to, &cc);
	assert_int_equal(json_array_size(to) + json_array_size(cc), 0);
	json_decref(to);
	json_decref(cc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(visibility_as_mastodon_reads_it),
		cmocka_unit_test(local_actors_are_collected_once),
		cmocka_unit_test(addressing_as_mastodon_writes_it),
	};
	return cmocka_run_group_tests_name("audience", tests, NULL, NULL);
}
