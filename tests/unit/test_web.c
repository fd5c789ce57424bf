/* Unit tests of the web groundwork: route patterns, content negotiation,
 * the static files' rules and the HTML writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/accept.h"
#include "http/router.h"
#include "http/static.h"
#include "pages/html.h"
#include "util/arena.h"

static int match(struct arena *a, const char *pat, const char *path, const char **caps)
{
	return route_match(pat, path, a, caps, 4);
}

static void routes_capture_inside_segments(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	const char *c[4];
	assert_int_equal(match(&a, "/api/v1/instance", "/api/v1/instance", c), 0);
	assert_int_equal(match(&a, "/api/v1/instance", "/api/v1/instances", c), -1);
	assert_int_equal(match(&a, "/api/v1/accounts/:id", "/api/v1/accounts/12", c), 1);
	assert_string_equal(c[0], "12");
	assert_int_equal(match(&a, "/api/v1/accounts/:id", "/api/v1/accounts/", c), -1);
	assert_int_equal(match(&a, "/@:name", "/@alice", c), 1);
	assert_string_equal(c[0], "alice");
	assert_int_equal(match(&a, "/@:name", "/@", c), -1);
	assert_int_equal(match(&a, "/@:name", "/alice", c), -1);
	assert_int_equal(match(&a, "/@:name/:id", "/@bob/123", c), 2);
	assert_string_equal(c[0], "bob");
	assert_string_equal(c[1], "123");
	assert_int_equal(match(&a, "/@:name.atom", "/@bob.atom", c), 1);
	assert_string_equal(c[0], "bob");
	assert_int_equal(match(&a, "/@:name.atom", "/@.atom", c), -1);
	assert_int_equal(match(&a, "/@:name.atom", "/@bob.rss", c), -1);
	assert_int_equal(match(&a, "/tags/:tag.rss", "/tags/cats.rss", c), 1);
	assert_string_equal(c[0], "cats");
	assert_int_equal(match(&a, "/assets/*", "/assets/a/b/c.js", c), 1);
	assert_string_equal(c[0], "a/b/c.js");
	assert_int_equal(match(&a, "/assets/*", "/assets", c), -1);
	assert_int_equal(match(&a, "/assets/*", "/assetsx/a", c), -1);
	assert_int_equal(match(&a, "*", "/anything/at/all", c), 0);
	/* no more captures than room for */
	assert_int_equal(route_match("/:a/:b/:c", "/1/2/3", &a, c, 2), -1);
	arena_free(&a);
}

static void accept_weighs_q_and_specificity(void **state)
{
	(void)state;
	const char *offers[] = {"text/html", "application/json", "application/activity+json"};
	assert_int_equal(accept_best(NULL, offers, 3), 0);
	assert_int_equal(accept_best("", offers, 3), 0);
	assert_int_equal(accept_best("*/*", offers, 3), 0);
	assert_int_equal(accept_best("application/json", offers, 3), 1);
	assert_int_equal(accept_best("Application/JSON; charset=utf-8", offers, 3), 1);
	assert_int_equal(accept_best("application/activity+json", offers, 3), 2);
	/* a browser */
	assert_int_equal(accept_best("text/html,application/xhtml+xml,application/xml;q=0.9,"
				     "image/avif,*/*;q=0.8",
				     offers, 3),
			 0);
	assert_int_equal(accept_best("text/html;q=0.5, application/json", offers, 3), 1);
	assert_int_equal(accept_best("text/*;q=0.2, application/*;q=0.9", offers, 3), 1);
	/* the most specific range decides, even with a lower q */
	assert_int_equal(accept_best("*/*;q=1, text/html;q=0", offers, 3), 1);
	assert_int_equal(accept_best("image/png", offers, 3), -1);
	assert_int_equal(accept_best("text/html;q=0", offers, 1), -1);
	assert_int_equal(accept_best("text/html;q=0.001", offers, 1), 0);
	assert_int_equal(accept_best("text/html ; q=0.000, application/json;q=0.3", offers, 3),
			 1);
	assert_int_equal(accept_best(",,;,", offers, 3), -1);

	assert_false(accept_encoding(NULL, "gzip"));
	assert_true(accept_encoding("gzip, deflate, br", "gzip"));
	assert_true(accept_encoding("GZIP;q=0.5", "gzip"));
	assert_false(accept_encoding("gzip;q=0", "gzip"));
	assert_false(accept_encoding("deflate", "gzip"));
	assert_true(accept_encoding("*", "gzip"));
	assert_false(accept_encoding("*, gzip;q=0", "gzip"));
	assert_false(accept_encoding("gzipx", "gzip"));
}

static void static_paths_and_names(void **state)
{
	(void)state;
	assert_true(static_path_safe("index.html"));
	assert_true(static_path_safe("assets/index-3fa2b1c9.js"));
	assert_true(static_path_safe("assets/fonts/a_b-c.woff2"));
	const char *bad[] = {"", "/etc/passwd", "../x", "assets/../x", "assets/./x", ".env",
			     "assets/.git/config", "assets//x", "assets/", "a\\b", "a b",
			     "assets/%2e%2e/x", "a/b/c/d/e/f/g/h/i"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(static_path_safe(bad[i]));
	char long_name[600];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_false(static_path_safe(long_name));

	assert_true(static_name_hashed("assets/index-3fa2b1c9.js"));
	assert_true(static_name_hashed("index.BMq4oKxz.css"));
	assert_true(static_name_hashed("vendor-D1a_b2c3.js"));
	assert_false(static_name_hashed("index.html"));
	assert_false(static_name_hashed("my-component.js"));
	assert_false(static_name_hashed("assets/app-1a2b.js"));
	assert_false(static_name_hashed("-3fa2b1c9.js"));

	assert_string_equal(static_content_type("a/b.js"), "text/javascript; charset=utf-8");
	assert_string_equal(static_content_type("x.CSS"), "text/css; charset=utf-8");
	assert_string_equal(static_content_type("x.svg"), "image/svg+xml");
	assert_string_equal(static_content_type("x.woff2"), "font/woff2");
	assert_string_equal(static_content_type("x"), "application/octet-stream");
	assert_string_equal(static_content_type("a.d/x"), "application/octet-stream");

	assert_true(static_etag_matches("\"1-2\"", "\"1-2\""));
	assert_true(static_etag_matches("\"a\", W/\"1-2\"", "\"1-2\""));
	assert_true(static_etag_matches("*", "\"1-2\""));
	assert_false(static_etag_matches("\"1-2-gz\"", "\"1-2\""));
	assert_false(static_etag_matches("1-2", "\"1-2\""));
	assert_false(static_etag_matches(NULL, "\"1-2\""));
}

static void html_writer_escapes_arguments(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct html h;
	html_init(&h);
	html_put(&h, "<a href=\"{u}\" title=\"{}\">{}</a>{h}", "javascript:alert(1)",
		 "\"quoted\" 'single'", "<script>x</script>&", "<p>kept</p>");
	html_put(&h, "<a href=\"{u}\">{u}</a>", "https://e.example/?a=1&b=<2>", "/@me");
	html_put(&h, "[{}]", "a\x01" "b\x1b[31m");
	html_put(&h, "<b>{}</b>", NULL);
	html_put(&h, "<a href=\"{u}\">{u}</a>", "//evil.example/", "/\\evil.example");
	char *out = html_finish(&h, &a);
	assert_string_equal(out,
			    "<a href=\"#\" title=\"&quot;quoted&quot; &#39;single&#39;\">"
			    "&lt;script&gt;x&lt;/script&gt;&amp;</a><p>kept</p>"
			    "<a href=\"https://e.example/?a=1&amp;b=&lt;2&gt;\">/@me</a>"
			    "[a\xEF\xBF\xBD"
			    "b\xEF\xBF\xBD[31m]<b></b><a href=\"#\">#</a>");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_capture_inside_segments),
		cmocka_unit_test(accept_weighs_q_and_specificity),
		cmocka_unit_test(static_paths_and_names),
		cmocka_unit_test(html_writer_escapes_arguments),
	};
	return cmocka_run_group_tests_name("web", tests, NULL, NULL);
}
