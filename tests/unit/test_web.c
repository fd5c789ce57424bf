/* Unit tests of the web groundwork: route patterns, content negotiation,
 * the static files' rules and the HTML writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "core/verify.h"
#include "http/accept.h"
#include "http/router.h"
#include "http/static.h"
#include "pages/html.h"
#include "util/arena.h"
#include "util/fetch.h"

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

static bool allowed(const char *ip)
{
	struct sockaddr_in a4 = {.sin_family = AF_INET};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
	if (inet_pton(AF_INET, ip, &a4.sin_addr) == 1)
		return fetch_address_allowed((struct sockaddr *)&a4);
	assert_int_equal(inet_pton(AF_INET6, ip, &a6.sin6_addr), 1);
	return fetch_address_allowed((struct sockaddr *)&a6);
}

static void fetch_refuses_internal_addresses(void **state)
{
	(void)state;
	const char *refused[] = {
		"127.0.0.1", "127.1.2.3", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "169.254.169.254", "100.64.0.1", "100.100.100.200", "224.0.0.1",
		"255.255.255.255", "240.0.0.1", "192.0.2.1", "198.18.0.1", "168.63.129.16",
		"::", "::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
		"64:ff9b::a9fe:a9fe", "fc00::1", "fd00:ec2::254", "fe80::1", "fec0::1", "ff02::1",
		"2001:db8::1", "2001::1", "2002:a00:1::1", "::127.0.0.1", "100::1",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (allowed(refused[i]))
			fail_msg("%s was allowed", refused[i]);
	const char *ok[] = {"93.184.216.34", "1.1.1.1", "172.32.0.1", "100.128.0.1",
			    "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!allowed(ok[i]))
			fail_msg("%s was refused", ok[i]);
	/* the test switch opens loopback, and only loopback */
	assert_int_equal(fetch_init("test", true), 0);
	assert_true(allowed("127.0.0.1"));
	assert_true(allowed("::1"));
	assert_false(allowed("10.0.0.1"));
	assert_false(allowed("169.254.169.254"));
	fetch_cleanup();
	assert_int_equal(fetch_init("test", false), 0);
	assert_false(allowed("127.0.0.1"));
	struct fetch_result res;
	assert_int_equal(fetch_get("file:///etc/passwd", NULL, &res), FETCH_BAD_URL);
	assert_int_equal(fetch_get("gopher://x/", NULL, &res), FETCH_BAD_URL);
	assert_int_equal(fetch_get("http://127.0.0.1:1/", NULL, &res), FETCH_REFUSED);
	assert_int_equal(fetch_get("http://[::1]:1/", NULL, &res), FETCH_REFUSED);
	fetch_result_free(&res);
	fetch_cleanup();
}

static void links_back_with_rel_me(void **state)
{
	(void)state;
	const char *urls[] = {"https://r.example/@ann", "https://r.example/users/ann"};
#define BACK(s) verify_links_back(s, strlen(s), urls, 2)
	assert_true(BACK("<a rel=\"me\" href=\"https://r.example/@ann\">me</a>"));
	assert_true(BACK("<p><A HREF='https://r.example/@ann/' REL='nofollow Me'>x</A>"));
	assert_true(BACK("<link href=https://r.example/users/ann rel=me>"));
	assert_true(BACK("<head><link rel=\"me\" href=\"https://r.example/@ann\" /></head>"));
	assert_false(BACK("<a href=\"https://r.example/@ann\">no rel</a>"));
	assert_false(BACK("<a rel=\"meh\" href=\"https://r.example/@ann\">x</a>"));
	assert_false(BACK("<a rel=\"me\" href=\"https://r.example/@anna\">x</a>"));
	assert_false(BACK("<a rel=\"me\" href=\"https://evil.example/?https://r.example/@ann\">"));
	assert_false(BACK("<!-- <a rel=\"me\" href=\"https://r.example/@ann\"> -->"));
	assert_false(BACK("<img rel=\"me\" src=x href=\"https://r.example/@ann\">"));
	assert_false(BACK("<a rel=\"me\" href=\"https://r.example/@ann"));
	assert_false(BACK("<a rel=me href="));
	assert_false(BACK("< = / > <a =x rel"));
#undef BACK
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(routes_capture_inside_segments),
		cmocka_unit_test(accept_weighs_q_and_specificity),
		cmocka_unit_test(static_paths_and_names),
		cmocka_unit_test(html_writer_escapes_arguments),
		cmocka_unit_test(fetch_refuses_internal_addresses),
		cmocka_unit_test(links_back_with_rel_me),
	};
	return cmocka_run_group_tests_name("web", tests, NULL, NULL);
}
