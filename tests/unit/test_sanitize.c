/* Unit tests of federation/sanitize with hostile remote HTML: scripts,
 * event handlers, javascript:/data:/vbscript: links however they are
 * spelt, unclosed and misnested tags, nesting 10,000 and 100,000 deep (on a
 * thread with a small stack), a 1 MB input, invalid UTF-8, output caps.
 * Every output is read by sanitize_check.h and sanitised again, which must
 * change nothing. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "federation/sanitize.h"
#include "sanitize_check.h"

#define CAP (64u << 10)

/* Sanitises s with cap, checks the output and that it is stable. */
static char *clean_cap(const char *s, size_t n, size_t cap)
{
	char *out = sanitize_html(s, n, cap);
	const char *err = check_sanitized(out);
	if (err)
		fail_msg("%s in output of [%.200s]: [%.400s]", err, s, out);
	if (strlen(out) > cap)
		fail_msg("output of %zu bytes passed the cap %zu", strlen(out), cap);
	char *again = sanitize_html(out, strlen(out), cap);
	if (strcmp(out, again))
		fail_msg("not stable: [%.300s] became [%.300s]", out, again);
	free(again);
	return out;
}

static char *clean(const char *s)
{
	return clean_cap(s, strlen(s), CAP);
}

static void expect(const char *in, const char *want)
{
	char *out = clean(in);
	if (strcmp(out, want))
		fail_msg("[%s]\n gave [%s]\n want [%s]", in, out, want);
	free(out);
}

static void keeps_mastodon_markup(void **state)
{
	(void)state;
	const char *note =
		"<p><span class=\"h-card\" translate=\"no\"><a href=\"https://m.example/@ann\" "
		"class=\"u-url mention\">@<span>ann</span></a></span> see <a "
		"href=\"https://x.example/a?b=1&amp;c=2\" rel=\"nofollow noopener\" "
		"translate=\"no\" target=\"_blank\"><span class=\"invisible\">https://</span>"
		"<span class=\"ellipsis\">x.example/a</span><span class=\"invisible\">?b=1</span>"
		"</a> <a href=\"https://m.example/tags/c\" class=\"mention hashtag\" "
		"rel=\"tag\">#<span>c</span></a></p><p>line<br>two</p>";
	expect(note,
	       "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://m.example/@ann\" "
	       "rel=\"nofollow noopener\" target=\"_blank\" class=\"u-url mention\">@<span>ann"
	       "</span></a></span> see <a href=\"https://x.example/a?b=1&amp;c=2\" "
	       "rel=\"nofollow noopener\" target=\"_blank\" translate=\"no\"><span "
	       "class=\"invisible\">https://</span><span class=\"ellipsis\">x.example/a</span>"
	       "<span class=\"invisible\">?b=1</span></a> <a href=\"https://m.example/tags/c\" "
	       "rel=\"nofollow noopener\" target=\"_blank\" class=\"mention hashtag\">#<span>c"
	       "</span></a></p><p>line<br>two</p>");
	expect("<blockquote><p>q</p></blockquote><pre><code>x &lt; y</code></pre>"
	       "<ul><li>a</li></ul><ol start=\"3\" reversed><li value=\"7\">b</li></ol>"
	       "<p><strong>s</strong> <em>e</em> <del>d</del> <code>c</code></p>",
	       "<blockquote><p>q</p></blockquote><pre><code>x &lt; y</code></pre>"
	       "<ul><li>a</li></ul><ol start=\"3\" reversed><li value=\"7\">b</li></ol>"
	       "<p><strong>s</strong> <em>e</em> <del>d</del> <code>c</code></p>");
	/* Mastodon's renames, its classes only, lang kept, bad values dropped */
	expect("<b>b</b><i>i</i><s>s</s><h2 id=x>T</h2>",
	       "<strong>b</strong><em>i</em><del>s</del><p><strong>T</strong></p>");
	expect("<span class=\"h-card p-name evil mention\" lang=\"en-GB\" translate=\"yes\">x</span>"
	       "<ol start=\"1e3\"><li value=\"x\">y</li></ol><p lang=\"en&quot;x\" class=\"\">z</p>",
	       "<span class=\"h-card p-name mention\" lang=\"en-GB\">x</span><ol><li>y</li></ol>"
	       "<p>z</p>");
}

static void drops_scripts_styles_and_handlers(void **state)
{
	(void)state;
	expect("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>");
	expect("<SCRIPT SRC=//evil.example/x.js></SCRIPT>t", "t");
	expect("<style>p{color:red}</style><p style=\"color:red\">x</p>", "<p>x</p>");
	expect("<img src=x onerror=alert(1)>", "");
	expect("<p onclick=\"alert(1)\" onmouseover=x ONLOAD=y>x</p>", "<p>x</p>");
	expect("<svg onload=alert(1)><script>alert(1)</script><a href=https://x>t</a></svg>u",
	       "u");
	expect("<math><mi xlink:href=\"javascript:alert(1)\">m</mi></math>", "");
	expect("<iframe src=\"javascript:alert(1)\">i</iframe><noscript><p>n</p></noscript>", "");
	expect("<template><script>x</script>t</template><object data=x>o</object>", "o");
	expect("<a href=\"https://x.example\" onclick=\"steal()\" style=\"x\" id=i>l</a>",
	       "<a href=\"https://x.example\" rel=\"nofollow noopener\" target=\"_blank\">l</a>");
	expect("<p>a<!-- <script>x</script> -->b</p>", "<p>ab</p>");
	expect("<div><form action=x><input value=v><button>b</button></form></div>", " b ");
	expect("<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)");
	expect("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect("<xmp><script>x</script></xmp><plaintext><b>rest", "");
}

static void refuses_links_that_are_not_http(void **state)
{
	(void)state;
	const char *bad[] = {
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		" \t\njavascript:alert(1)",
		"java\tscript:alert(1)",
		"java&#x09;script:alert(1)",
		"&#106;avascript:alert(1)",
		"&#x6A;&#x61;&#x76;&#x61;script:alert(1)",
		"&#0000106&#0000097vascript:alert(1)",
		"javascript&colon;alert(1)",
		"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
		"DATA:text/html,<script>alert(1)</script>",
		"vbscript:msgbox(1)",
		"VBScript:msgbox(1)",
		"file:///etc/passwd",
		"mailto:a@b.example",
		"//evil.example/",
		"/relative",
		"http:evil.example",
		"https:/evil.example",
		"",
		"\x01https://x.example/",
		"https://x.example/a onclick=alert(1)", /* a space inside: no URL */
	};
	char in[256];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(in, sizeof in, "<p><a href=\"%s\">text</a></p>", bad[i]);
		char *out = clean(in);
		if (strcmp(out, "<p>text</p>"))
			fail_msg("[%s] gave [%s]", in, out);
		free(out);
	}
	expect("<a>no href</a><a href>empty</a>", "no hrefempty");
	/* http(s) in any case and with spaces around is kept, trimmed */
	expect("<a href=\" HTTPS://X.example/a\" rel=\"opener\" target=\"_self\">x</a>",
	       "<a href=\"HTTPS://X.example/a\" rel=\"nofollow noopener\" target=\"_blank\">x</a>");
	/* quotes and markup inside an href stay inside the attribute */
	expect("<a href='https://x.example/\"><script>alert(1)</script>'>x</a>",
	       "<a href=\"https://x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\" "
	       "rel=\"nofollow noopener\" target=\"_blank\">x</a>");
	/* no link inside a link */
	expect("<a href=\"https://a.example\">a<table><td><a href=\"https://b.example\">b</a>"
	       "</td></table></a>",
	       "<a href=\"https://a.example\" rel=\"nofollow noopener\" target=\"_blank\">"
	       "a   b   </a>");
	char *longhref = malloc(SANITIZE_MAX_HREF + 64);
	int n = snprintf(longhref, 64, "<a href=\"https://x.example/");
	memset(longhref + n, 'a', SANITIZE_MAX_HREF);
	strcpy(longhref + n + SANITIZE_MAX_HREF, "\">l</a>");
	char *out = clean(longhref);
	assert_string_equal(out, "l");
	free(out);
	free(longhref);
}

static void closes_what_is_left_open(void **state)
{
	(void)state;
	expect("<p><strong>bold", "<p><strong>bold</strong></p>");
	expect("<a href=\"https://x.example\">open", "<a href=\"https://x.example\" "
	       "rel=\"nofollow noopener\" target=\"_blank\">open</a>");
	expect("<ul><li>a<li>b", "<ul><li>a</li><li>b</li></ul>");
	expect("<p>a<p>b</em></strong>", "<p>a</p><p>b</p>");
	expect("<em>a<strong>b</em>c</strong>", "<em>a<strong>b</strong></em><strong>c</strong>");
	expect("</p></li></a>x", "<p></p>x");
	expect("<p>x<a href=\"https://x", "<p>x</p>");
	expect("<p title=\"unterminated>x</p>", "");
	/* what the parser would move is written where it stays put */
	expect("<em><p>x</p></em>", "<em> x </em>");
	expect("<p><blockquote>q</blockquote></p>", "<p></p><blockquote>q</blockquote><p></p>");
	expect("<li>loose</li><span><li>in span</li></span>", " loose <span> in span </span>");
	expect("<pre>\n\nx</pre><pre>\ny</pre>", "<pre>\n\nx</pre><pre>y</pre>");
	expect("<div>a</div><div>b</div><table><tr><td>c</td><td>d</td></tr></table>",
	       " a  b    c  d   ");
}

static char *repeat(const char *open, const char *mid, const char *close, size_t n, size_t *len)
{
	size_t a = strlen(open), b = strlen(mid), c = strlen(close);
	char *s = malloc(n * (a + c) + b + 1), *p = s;
	for (size_t i = 0; i < n; i++, p += a)
		memcpy(p, open, a);
	memcpy(p, mid, b);
	p += b;
	for (size_t i = 0; i < n; i++, p += c)
		memcpy(p, close, c);
	*p = '\0';
	*len = (size_t)(p - s);
	return s;
}

static int count(const char *h, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(h, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* n levels of open; kept is the tag counted against the depth cap (NULL:
 * none), and the text inside must survive unless the tag cap cut it. */
static void deep(const char *open, const char *close, size_t n, const char *kept, bool text)
{
	size_t len;
	char *s = repeat(open, "deep", close, n, &len);
	char *out = clean_cap(s, len, CAP);
	size_t tags = n * (size_t)count(open, "<");
	if ((kept && count(out, kept) > SANITIZE_MAX_DEPTH) || (tags < SANITIZE_MAX_TAGS && !strstr(out, "deep") == text))
		fail_msg("%zu x %s gave [%.300s]", n, open, out);
	free(out);
	free(s);
}

static void *deep_inputs(void *arg)
{
	(void)arg;
	const size_t depths[] = {40, 500, 10000, 100000};
	for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
		deep("<span>", "</span>", depths[i], "<span>", true);
		deep("<blockquote>", "</blockquote>", depths[i], "<blockquote>", true);
		deep("<b>", "", depths[i], "<strong>", true);
		deep("<div>", "", depths[i], "<p>", true);
		deep("<ul><li>", "", depths[i], "<li>", true);
		deep("<a href=https://x.example>", "", depths[i], NULL, true); /* siblings */
		deep("<table><tr><td>", "", depths[i], "<p>", true);
		deep("<svg><g>", "", depths[i], "<", false);
	}
	return NULL;
}

/* 10,000 and 100,000 levels on a thread with a 256 KiB stack: nothing in
 * the parse, the walk or the freeing recurses per level. */
static void deep_nesting_on_a_small_stack(void **state)
{
	(void)state;
	pthread_attr_t attr;
	pthread_t t;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256u << 10);
	assert_int_equal(pthread_create(&t, &attr, deep_inputs, NULL), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	/* the depth cap unwraps, keeping the text */
	size_t len;
	char *s = repeat("<blockquote>", "x", "</blockquote>", SANITIZE_MAX_DEPTH + 5, &len);
	char *out = clean(s);
	assert_int_equal(count(out, "<blockquote>"), SANITIZE_MAX_DEPTH);
	assert_non_null(strstr(out, "     x     "));
	free(out);
	free(s);
}

static void large_input_is_bounded(void **state)
{
	(void)state;
	const char *unit = "<p>w&amp;rd <a href=\"https://x.example/?q=1\">l</a> "
			   "<span class=\"mention\">m</span></p>";
	size_t u = strlen(unit), n = (1u << 20) / u, len = n * u;
	char *s = malloc(len + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[len] = '\0';
	/* the output cap: closed, at most cap, whatever the cap */
	const size_t caps[] = {0, 1, 3, 7, 8, 12, 13, 30, 64, 100, 101, 999, 4096, CAP, 1u << 20};
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		free(clean_cap(s, len, caps[i]));
	/* only SANITIZE_MAX_TAGS tags are read (6 a unit) and written */
	char *out = clean_cap(s, len, 1u << 20);
	assert_int_equal(count(out, "<p>"), SANITIZE_MAX_TAGS / 6 + 1);
	assert_true(count(out, "<") <= SANITIZE_MAX_TAGS);
	free(out);
	/* and at most SANITIZE_MAX_INPUT bytes */
	memset(s, 'x', len);
	out = clean_cap(s, len, 1u << 20);
	assert_int_equal(strlen(out), SANITIZE_MAX_INPUT);
	free(out);
	/* a cap never cuts an entity or a character */
	expect("x", "x");
	out = sanitize_html("a&amp;b\xC3\xA9", 9, 4);
	assert_string_equal(out, "a");
	free(out);
	out = sanitize_html("ab\xC3\xA9", 4, 3);
	assert_string_equal(out, "ab");
	free(out);
	out = sanitize_html("<p>abc</p>", 10, 8);
	assert_string_equal(out, "<p>a</p>");
	free(out);
	out = sanitize_html("<pre>\n\nabc</pre>", 16, 12);
	assert_string_equal(out, "<pre></pre>");
	free(out);
	free(s);
}

static void invalid_utf8_and_nul(void **state)
{
	(void)state;
	const char in[] = "a\xff" "b\xC3(\xE2\x82<p lang=\"\xff\" class=\"h-\xfe\">\xF0\x9F\x98"
			  "</p><a href=\"https://x.example/\xff\">\xED\xA0\x80</a>\0tail";
	char *out = clean_cap(in, sizeof in - 1, CAP);
	assert_non_null(strstr(out, "\xEF\xBF\xBD"));
	assert_non_null(strstr(out, "tail"));
	assert_null(strchr(out, '\xff'));
	free(out);
	expect("&#0;&#xD800;&#x110000;&#128512;&#x80;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
	       "\xF0\x9F\x98\x80\xE2\x82\xAC");
	expect("x\r\ny\rz", "x\ny\nz");
	/* characters a reference gives but raw text would not read back as */
	expect("a&#13;b&#x01;c&#x7f;d&#xfffe;e&#xfdd0;f&#x0c;g",
	       "a&#13;b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d\xEF\xBF\xBD" "e\xEF\xBF\xBD" "f\x0cg");
	expect("<pre>&#13;x</pre><p title=\"&#13;\">y</p>", "<pre>&#13;x</pre><p>y</p>");
	free(clean_cap(NULL, 0, CAP));
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(keeps_mastodon_markup),
		T(drops_scripts_styles_and_handlers),
		T(refuses_links_that_are_not_http),
		T(closes_what_is_left_open),
		T(deep_nesting_on_a_small_stack),
		T(large_input_is_bounded),
		T(invalid_utf8_and_nul),
	};
#undef T
	return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
