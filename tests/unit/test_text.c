/* Unit tests of core/text with hostile input: markup in every position,
 * invalid UTF-8, NUL bytes, grapheme counting, NFC, URLs, mentions and
 * hashtags, caps, and very long or deeply nested input. Every HTML result
 * is also checked by a validator that accepts only the markup text.c
 * builds itself, with everything else escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/text.h"
#include "util/arena.h"

#define BASE "https://rapport.test"

/* ---- a resolver over a fixed set of people ---- */

struct person {
	const char *username, *domain;
	int64_t id;
};

static const struct person people[] = {
	{"alice", "", 1},
	{"bob", "", 2},
	{"carol", "", 3},
	{"dave", "remote.example", 4},
	{"evil", "", 5},
	{"pete", "127.0.0.1:8081", 6},
};

struct resolver {
	struct arena *a;
	int calls;
};

/* Resolves the people above, and u0 .. u99 as ids 100 .. 199. "evil"
 * resolves to a hostile URL and username: the formatter must escape what a
 * resolver returns as well. */
static bool resolve(void *ctx, const char *username, const char *domain, struct text_mention *out)
{
	struct resolver *r = ctx;
	r->calls++;
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		const struct person *p = &people[i];
		if (strcasecmp(p->username, username) || strcasecmp(p->domain, domain))
			continue;
		out->account_id = p->id;
		out->domain = p->domain;
		if (p->id == 5) {
			out->username = "ev<i>l\"'&";
			out->url = BASE "/@evil\"onmouseover=\"alert(1)\"><script>x</script>";
			out->acct = "evil";
			return true;
		}
		out->username = p->username;
		out->url = arena_printf(r->a, BASE "/@%s%s%s", p->username, *p->domain ? "@" : "",
					p->domain);
		out->acct = *p->domain ? arena_printf(r->a, "%s@%s", p->username, p->domain)
				       : p->username;
		return true;
	}
	char *end;
	if (username[0] == 'u' && !*domain && username[1]) {
		long n = strtol(username + 1, &end, 10);
		if (!*end && n >= 0 && n < 100) {
			out->account_id = 100 + n;
			out->username = arena_strdup(r->a, username);
			out->domain = "";
			out->url = arena_printf(r->a, BASE "/@%s", username);
			out->acct = out->username;
			return true;
		}
	}
	return false;
}

/* ---- the validator ---- */

static const char *const tags_allowed[] = {
	"<p>", "</p>", "<br>", "</a>", "<span>", "</span>",
	"<span class=\"h-card\" translate=\"no\">", NULL,
};
static const char *const link_tails[] = {
	"\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">",
	"\" class=\"u-url mention\">",
	"\" class=\"mention hashtag\" rel=\"tag\">",
	NULL,
};
static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", NULL};

static size_t prefix_in(const char *s, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (!strncmp(s, set[i], strlen(set[i])))
			return strlen(set[i]);
	return 0;
}

/* Returns NULL if html holds only text.c's own markup around escaped text,
 * or a description of the first problem. Links never nest and every href
 * is http(s). */
static const char *html_problem(const char *html)
{
	const char *p = html;
	int in_link = 0;
	while (*p) {
		size_t n;
		if (!strncmp(p, "<a href=\"", 9)) {
			if (in_link)
				return "nested link";
			p += 9;
			if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8))
				return "href that is not http(s)";
			while (*p && *p != '"') {
				if (*p == '<' || *p == '>' || *p == '\'' || (unsigned char)*p <= ' ')
					return "raw character in href";
				if (*p == '&' && !prefix_in(p, entities))
					return "bare & in href";
				p++;
			}
			if (!(n = prefix_in(p, link_tails)))
				return "unknown link attributes";
			p += n;
			in_link = 1;
			continue;
		}
		if (*p == '<') {
			if (!(n = prefix_in(p, tags_allowed)))
				return "markup not made by text.c";
			if (!strncmp(p, "</a>", 4)) {
				if (!in_link)
					return "</a> without <a>";
				in_link = 0;
			}
			p += n;
			continue;
		}
		if (*p == '>' || *p == '"' || *p == '\'')
			return "unescaped > \" or '";
		if (*p == '&') {
			if (!(n = prefix_in(p, entities)))
				return "bare &";
			p += n;
			continue;
		}
		p++;
	}
	return in_link ? "unclosed link" : NULL;
}

static void assert_safe(const char *html)
{
	const char *why = html_problem(html);
	if (why) {
		fprintf(stderr, "unsafe html (%s): %.400s\n", why, html);
		fail();
	}
}

/* ---- helpers ---- */

struct fx {
	struct arena a;
	struct resolver r;
	struct text_formatted f;
};

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof *x);
	arena_init(&x->a);
	x->r.a = &x->a;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	arena_free(&x->a);
	free(x);
	return 0;
}

/* Formats text, checks the HTML is safe, returns it. */
static const char *fmt(struct fx *x, const char *text)
{
	assert_int_equal(text_format(&x->a, text, BASE, resolve, &x->r, &x->f), 0);
	assert_non_null(x->f.html);
	assert_safe(x->f.html);
	return x->f.html;
}

static const char *to_html(struct fx *x, const char *text)
{
	const char *h = text_to_html(&x->a, text);
	assert_non_null(h);
	assert_safe(h);
	return h;
}

/* Non-overlapping occurrences. A plain loop, not strstr(): ASan's strstr
 * measures the whole haystack on every call, which made counting 100,000
 * matches in a 10 MB result quadratic under the sanitizers. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);
	for (const char *p = hay; *p;) {
		if (*p == *needle && !strncmp(p, needle, len)) {
			n++;
			p += len;
		} else {
			p++;
		}
	}
	return n;
}

static char *repeat(struct arena *a, const char *unit, size_t times)
{
	size_t u = strlen(unit);
	char *s = arena_alloc(a, u * times + 1);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	s[u * times] = '\0';
	return s;
}

#define LINK(u) "<a href=\"" u "\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">" u "</a>"
#define MENTION(name)                                                                       \
	"<span class=\"h-card\" translate=\"no\"><a href=\"" BASE "/@" name                    \
	"\" class=\"u-url mention\">@<span>" name "</span></a></span>"
#define TAG(key, written)                                                                   \
	"<a href=\"" BASE "/tags/" key "\" class=\"mention hashtag\" rel=\"tag\">#<span>" written \
	"</span></a>"

/* ---- the tests ---- */

static void validator_catches_markup(void **state)
{
	(void)state;
	/* The validator itself must be able to fail. */
	assert_non_null(html_problem("<p><script>x</script></p>"));
	assert_non_null(html_problem("<p>a\"b</p>"));
	assert_non_null(html_problem("<p>a & b</p>"));
	assert_non_null(html_problem("<a href=\"javascript:x\" rel=\"nofollow noopener noreferrer\""
				     " target=\"_blank\">x</a>"));
	assert_non_null(html_problem("<a href=\"http://x\" onclick=\"y\">x</a>"));
	assert_non_null(html_problem(LINK("http://a") LINK("http://b") "</a>"));
	assert_null(html_problem("<p>" LINK("https://x.org/") " &amp; &lt;b&gt;</p>"));
}

static void escapes_text(void **state)
{
	struct fx *x = *state;
	const char *in = "<script>alert(\"x\")</script> & 'y' </p><p onclick=x>";
	assert_string_equal(fmt(x, in),
			    "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; "
			    "&lt;/p&gt;&lt;p onclick=x&gt;</p>");
	assert_int_equal(x->f.length, text_length(in));
	assert_int_equal(x->f.ntags, 0);
	assert_int_equal(x->f.nmentions, 0);
	assert_string_equal(to_html(x, in),
			    "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; "
			    "&lt;/p&gt;&lt;p onclick=x&gt;</p>");
	assert_string_equal(fmt(x, "&amp; &lt; &#39;"), "<p>&amp;amp; &amp;lt; &amp;#39;</p>");
	assert_string_equal(fmt(x, ""), "");
	assert_string_equal(fmt(x, "\n\r\n"), "");
	assert_int_equal(x->f.length, 0);
	assert_string_equal(fmt(x, "a\n\n\nb\nc\r\n"), "<p>a</p><p>b<br>c</p>");
	assert_string_equal(text_escape(&x->a, "<>&\"'"), "&lt;&gt;&amp;&quot;&#39;");
}

static void urls_with_quotes_and_brackets(void **state)
{
	struct fx *x = *state;
	assert_string_equal(fmt(x, "https://a.example/x\"onmouseover=\"alert(1)"),
			    "<p>" LINK("https://a.example/x") "&quot;onmouseover=&quot;alert(1)</p>");
	assert_string_equal(fmt(x, "https://a.example/<img src=x>"),
			    "<p>" LINK("https://a.example/") "&lt;img src=x&gt;</p>");
	assert_string_equal(fmt(x, "<https://a.example/>"),
			    "<p>&lt;" LINK("https://a.example/") "&gt;</p>");
	assert_string_equal(fmt(x, "https://a.example/it's"),
			    "<p>" LINK("https://a.example/it&#39;s") "</p>");
	assert_string_equal(fmt(x, "https://a.example/a?b=1&c=<d>"),
			    "<p>" LINK("https://a.example/a?b=1&amp;c=") "&lt;d&gt;</p>");
	assert_string_equal(fmt(x, "(see https://a.example/x)."),
			    "<p>(see " LINK("https://a.example/x") ").</p>");
	assert_string_equal(fmt(x, "https://en.wikipedia.org/wiki/C_(language), yes"),
			    "<p>" LINK("https://en.wikipedia.org/wiki/C_(language)") ", yes</p>");
	assert_string_equal(fmt(x, "'http://a.example/'"),
			    "<p>&#39;" LINK("http://a.example/") "&#39;</p>");
	/* A URL needs a boundary before it and something after the scheme. */
	assert_string_equal(fmt(x, "xhttp://a.example"), "<p>xhttp://a.example</p>");
	assert_string_equal(fmt(x, "http:// https://"), "<p>http:// https://</p>");
	const char *h = to_html(x, "https://a.example/\"><script>alert(1)</script>");
	assert_string_equal(h, "<p>" LINK("https://a.example/")
			       "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	h = to_html(x, "http://\" onmouseover=\"x");
	assert_null(strstr(h, "<a"));
}

static void javascript_urls_never_linked(void **state)
{
	struct fx *x = *state;
	static const char *const bad[] = {
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
		"data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "//evil.example/x",
		"https:/evil.example", "file:///etc/passwd", "ftp://a.example/", "mailto:a@b.example",
		"<a href=\"javascript:alert(1)\">x</a>", NULL,
	};
	for (int i = 0; bad[i]; i++) {
		assert_null(strstr(fmt(x, bad[i]), "<a"));
		assert_null(strstr(to_html(x, bad[i]), "<a"));
	}
	/* An http URL after a javascript: prefix is linked as http only. */
	assert_string_equal(fmt(x, "javascript:https://a.example/"),
			    "<p>javascript:" LINK("https://a.example/") "</p>");
}

static void mentions_and_tags_next_to_markup(void **state)
{
	struct fx *x = *state;
	assert_string_equal(fmt(x, "<b>@alice</b>"), "<p>&lt;b&gt;" MENTION("alice") "&lt;/b&gt;</p>");
	assert_int_equal(x->f.nmentions, 1);
	assert_string_equal(fmt(x, "@alice\"onclick=\"x"),
			    "<p>" MENTION("alice") "&quot;onclick=&quot;x</p>");
	assert_string_equal(fmt(x, "\"@bob'"), "<p>&quot;" MENTION("bob") "&#39;</p>");
	assert_string_equal(fmt(x, "#tag<script>"), "<p>" TAG("tag", "tag") "&lt;script&gt;</p>");
	assert_string_equal(fmt(x, "<#tag>"), "<p>&lt;" TAG("tag", "tag") "&gt;</p>");
	assert_string_equal(fmt(x, "(@carol) [#Tag]"),
			    "<p>(" MENTION("carol") ") [" TAG("tag", "Tag") "]</p>");
	/* Not mentions or tags: inside words, URLs, after / or @. */
	assert_string_equal(fmt(x, "mail@alice.example a#tag /#tag /@alice @@alice )#tag"),
			    "<p>mail@alice.example a#tag /#tag /@alice @@alice )#tag</p>");
	assert_int_equal(x->f.nmentions, 0);
	assert_int_equal(x->f.ntags, 0);
	assert_string_equal(fmt(x, "https://a.example/@alice/#tag"),
			    "<p>" LINK("https://a.example/@alice/#tag") "</p>");
	assert_int_equal(x->f.nmentions, 0);
	assert_int_equal(x->f.ntags, 0);
	/* Unknown people stay text. */
	assert_string_equal(fmt(x, "@nobody @nobody@else.example"),
			    "<p>@nobody @nobody@else.example</p>");
	assert_int_equal(x->f.nmentions, 0);
	/* Without a resolver nothing is a mention. */
	assert_int_equal(text_format(&x->a, "@alice #t", BASE, NULL, NULL, &x->f), 0);
	assert_string_equal(x->f.html, "<p>@alice " TAG("t", "t") "</p>");
}

static void hostile_resolver_and_base_url(void **state)
{
	struct fx *x = *state;
	const char *h = fmt(x, "@evil");
	assert_string_equal(
		h, "<p><span class=\"h-card\" translate=\"no\"><a href=\"" BASE
		   "/@evil&quot;onmouseover=&quot;alert(1)&quot;&gt;&lt;script&gt;x&lt;/script&gt;"
		   "\" class=\"u-url mention\">@<span>ev&lt;i&gt;l&quot;&#39;&amp;</span></a></span></p>");
	assert_int_equal(text_format(&x->a, "#x", "https://h\"><script>", resolve, &x->r, &x->f),
			 0);
	assert_string_equal(x->f.html, "<p><a href=\"https://h&quot;&gt;&lt;script&gt;/tags/x\" "
				       "class=\"mention hashtag\" rel=\"tag\">#<span>x</span></a></p>");
	assert_safe(x->f.html);
}

static void invalid_utf8_is_refused(void **state)
{
	struct fx *x = *state;
	static const char *const bad[] = {
		"\xff", "\xc3", "a\xc3(", "\xe2\x82", "\xed\xa0\x80", /* surrogate */
		"\xf4\x90\x80\x80",                                 /* above U+10FFFF */
		"\xc0\xaf",                                         /* overlong / */
		"\xe0\x80\xaf", "ok then \x80", "#tag\xfe", "@alice\xff", NULL,
	};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(text_format(&x->a, bad[i], BASE, resolve, &x->r, &x->f), -1);
		assert_int_equal(text_length(bad[i]), -1);
		assert_null(text_nfc(&x->a, bad[i]));
		assert_false(text_valid(bad[i], strlen(bad[i])));
	}
	assert_int_equal(x->r.calls, 0); /* refused before anything is resolved */
}

static void nul_and_controls(void **state)
{
	struct fx *x = *state;
	assert_false(text_valid("a\0b", 3));
	assert_false(text_valid("\0", 1));
	assert_false(text_valid("bell\a", 5));
	assert_false(text_valid("\x1f", 1));
	assert_true(text_valid("tab\tcr\rlf\n", 10));
	assert_true(text_valid("", 0));
	/* C strings end at NUL: nothing after it is read. */
	static const char in[] = "ab\0<script>";
	assert_string_equal(fmt(x, in), "<p>ab</p>");
	assert_int_equal(x->f.length, 2);
	assert_string_equal(to_html(x, in), "<p>ab</p>");
	assert_string_equal(text_escape(&x->a, in), "ab");
}

static void graphemes_are_counted(void **state)
{
	struct fx *x = *state;
	static const struct {
		const char *text;
		long n;
	} cases[] = {
		{"hello", 5},
		{"e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 3},          /* e + combining acute */
		{"a\xcc\x81\xcc\x82\xcc\x83", 1},                  /* stacked marks */
		{"\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 1},            /* thumbs up, skin tone */
		{"\xf0\x9f\x87\xab\xf0\x9f\x87\xb7\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", 2}, /* FR DE */
		{"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7", 1},
		{"\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", 3},       /* 한국어 */
		{"\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab", 1},       /* jamo, composed by NFC */
		{"\xe6\x97\xa5\xe6\x9c\xac", 2},                   /* 日本 */
		{"a\r\nb", 3},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fmt(x, cases[i].text);
		if (x->f.length != cases[i].n)
			fprintf(stderr, "case %zu: %ld != %ld\n", i, x->f.length, cases[i].n);
		assert_int_equal(x->f.length, cases[i].n);
	}
	assert_int_equal(text_length(""), 0);
	assert_int_equal(text_length("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"), 1);
	/* 500 of them count 500. */
	fmt(x, repeat(&x->a, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 500));
	assert_int_equal(x->f.length, 500);
	fmt(x, repeat(&x->a, "e\xcc\x81", 501));
	assert_int_equal(x->f.length, 501);
}

static void nfc_normalisation(void **state)
{
	struct fx *x = *state;
	assert_string_equal(text_nfc(&x->a, "e\xcc\x81"), "\xc3\xa9");
	assert_string_equal(text_nfc(&x->a, "\xe2\x84\xab"), "\xc3\x85"); /* Angstrom sign: Å */
	assert_string_equal(text_nfc(&x->a, "plain"), "plain");
	const char *decomposed = arena_strdup(&x->a, fmt(x, "Cafe\xcc\x81 #cafe\xcc\x81"));
	assert_string_equal(decomposed, fmt(x, "Caf\xc3\xa9 #caf\xc3\xa9"));
	assert_string_equal(decomposed, "<p>Caf\xc3\xa9 " TAG("caf\xc3\xa9", "caf\xc3\xa9") "</p>");
	assert_int_equal(x->f.ntags, 1);
	assert_string_equal(x->f.tags[0], "caf\xc3\xa9");
	assert_int_equal(x->f.length, 10);
}

static void urls_count_23(void **state)
{
	struct fx *x = *state;
	const char *long_url = arena_printf(&x->a, "https://example.org/%s", repeat(&x->a, "p", 200));
	fmt(x, long_url);
	assert_int_equal(x->f.length, TEXT_URL_WEIGHT);
	fmt(x, "see https://x.org/a.");
	assert_int_equal(x->f.length, 4 + 23 + 1);
	fmt(x, "http://a.example/1 http://b.example/2");
	assert_int_equal(x->f.length, 23 + 1 + 23);
	fmt(x, "https://a.example/\xc3\xa9\xc3\xa9 \xc3\xa9");
	assert_int_equal(x->f.length, 23 + 2);
	fmt(x, "xhttp://a.example");
	assert_int_equal(x->f.length, 17);
	/* 476 letters, a space and a URL: exactly 500. */
	fmt(x, arena_printf(&x->a, "%s %s", repeat(&x->a, "a", 476), long_url));
	assert_int_equal(x->f.length, 500);
}

static void mentions_count_as_user(void **state)
{
	struct fx *x = *state;
	fmt(x, "@dave@remote.example hi");
	assert_int_equal(x->f.length, 5 + 3);
	assert_int_equal(x->f.nmentions, 1);
	assert_int_equal(x->f.mentions[0].account_id, 4);
	assert_string_equal(x->f.mentions[0].acct, "dave@remote.example");
	assert_string_equal(x->f.mentions[0].domain, "remote.example");
	fmt(x, "@zed@nowhere.example");
	assert_int_equal(x->f.length, 4);
	assert_int_equal(x->f.nmentions, 0);
	fmt(x, "@alice");
	assert_int_equal(x->f.length, 6);
	assert_string_equal(x->f.mentions[0].acct, "alice");
	fmt(x, "@dave");
	assert_int_equal(x->f.nmentions, 0); /* a remote account needs its domain */
	/* handles carry a port in the federation test mode */
	fmt(x, "@pete@127.0.0.1:8081: hi");
	assert_int_equal(x->f.nmentions, 1);
	assert_string_equal(x->f.mentions[0].domain, "127.0.0.1:8081");
	fmt(x, "@pete@127.0.0.1:808123");
	assert_int_equal(x->f.nmentions, 0); /* not a port: not that handle */
}

static void hashtags_unicode_and_digits(void **state)
{
	struct fx *x = *state;
	fmt(x, "#Gr\xc3\xb6\xc3\x9f" "e #\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e #\xc3\x89" "COLE #123 "
	       "#1a #a1 #_x #\xd9\xa1\xd9\xa2\xd9\xa3 #x\xd9\xa1");
	static const char *const want[] = {
		"gr\xc3\xb6\xc3\x9f" "e", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xc3\xa9" "cole",
		"1a", "a1", "_x", "x\xd9\xa1",
	};
	assert_int_equal(x->f.ntags, 7);
	for (int i = 0; i < 7; i++)
		assert_string_equal(x->f.tags[i], want[i]);
	assert_non_null(strstr(x->f.html, " #123 "));
	assert_non_null(strstr(x->f.html, " #\xd9\xa1\xd9\xa2\xd9\xa3 "));
	assert_non_null(strstr(x->f.html, TAG("gr\xc3\xb6\xc3\x9f" "e", "Gr\xc3\xb6\xc3\x9f" "e")));
	/* Too long to be a tag (over 100 characters). */
	fmt(x, arena_printf(&x->a, "#%s", repeat(&x->a, "a", 101)));
	assert_int_equal(x->f.ntags, 0);
	fmt(x, arena_printf(&x->a, "#%s", repeat(&x->a, "a", 100)));
	assert_int_equal(x->f.ntags, 1);
}

static void tags_and_mentions_are_deduplicated(void **state)
{
	struct fx *x = *state;
	const char *h = fmt(x, "#Tag #tag #TAG @alice @ALICE @alice @bob");
	assert_int_equal(x->f.ntags, 1);
	assert_string_equal(x->f.tags[0], "tag");
	assert_int_equal(x->f.nmentions, 2);
	assert_int_equal(x->f.mentions[0].account_id, 1);
	assert_int_equal(x->f.mentions[1].account_id, 2);
	assert_int_equal(count(h, "class=\"mention hashtag\""), 3);
	assert_int_equal(count(h, "class=\"u-url mention\""), 4);
	assert_non_null(strstr(h, "@<span>alice</span>")); /* the canonical name */
	assert_null(strstr(h, "ALICE"));
	assert_int_equal(x->r.calls, 2); /* alice resolved once */
}

static void mentions_and_tags_are_capped(void **state)
{
	struct fx *x = *state;
	char *text = arena_strdup(&x->a, "");
	for (int i = 0; i < 60; i++)
		text = arena_printf(&x->a, "%s@u%d #t%d ", text, i, i);
	const char *h = fmt(x, text);
	assert_int_equal(x->f.nmentions, TEXT_MAX_MENTIONS);
	assert_int_equal(x->f.ntags, TEXT_MAX_TAGS);
	for (int i = 0; i < TEXT_MAX_MENTIONS; i++) {
		assert_int_equal(x->f.mentions[i].account_id, 100 + i);
		assert_string_equal(x->f.tags[i], arena_printf(&x->a, "t%d", i));
	}
	assert_int_equal(count(h, "class=\"u-url mention\""), 60); /* all still linked */
	assert_int_equal(count(h, "class=\"mention hashtag\""), 60);
}

static void resolver_calls_are_bounded(void **state)
{
	struct fx *x = *state;
	/* A megabyte of mentions must not become a lookup per mention. */
	const char *h = fmt(x, repeat(&x->a, "@nobody ", 100000));
	assert_int_equal(x->r.calls, 200);
	assert_int_equal(x->f.length, 800000);
	assert_int_equal(x->f.nmentions, 0);
	assert_int_equal(strlen(h), strlen("<p></p>") + 800000);
	x->r.calls = 0;
	h = fmt(x, repeat(&x->a, "@alice ", 100000));
	assert_int_equal(x->r.calls, 1);
	assert_int_equal(x->f.nmentions, 1);
	assert_int_equal(count(h, MENTION("alice")), 100000);
}

static void long_input_stays_escaped(void **state)
{
	struct fx *x = *state;
	const char *unit = "<script>&\"' @alice #tag https://x.org/?a=<b>&c='d' (e) \n";
	size_t times = 100 * 1024 / strlen(unit) + 1;
	const char *big = repeat(&x->a, unit, times);
	assert_true(strlen(big) >= 100 * 1024);
	clock_t t0 = clock();
	const char *h = fmt(x, big);
	assert_true(strlen(h) > strlen(big));
	assert_int_equal(count(h, "&lt;script&gt;"), times);
	assert_int_equal(count(h, MENTION("alice")), times);
	assert_int_equal(count(h, LINK("https://x.org/?a=")), times);
	assert_int_equal(x->f.ntags, 1);
	h = to_html(x, big);
	assert_int_equal(count(h, "&lt;script&gt;"), times);
	static const char *const units[] = {"@", "#", "&", "<", "\"", "http://", "https://x.org/",
					    "@a@", "#1", "\n", "\xc3\xa9", "e\xcc\x81", NULL};
	for (int i = 0; units[i]; i++) {
		const char *s = repeat(&x->a, units[i], 100 * 1024 / strlen(units[i]));
		fmt(x, s);
		to_html(x, s);
	}
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_true(secs < 20.0); /* linear, even under the sanitizers */
}

static void deep_nesting(void **state)
{
	struct fx *x = *state;
	char *opens = repeat(&x->a, "(", 20000), *closes = repeat(&x->a, ")", 20000);
	const char *h = fmt(x, arena_printf(&x->a, "%shttps://x.org/a%s", opens, closes));
	assert_non_null(strstr(h, "(" LINK("https://x.org/a") ")"));
	assert_int_equal(count(h, "<a "), 1);
	assert_int_equal(x->f.length, 20000 + 23 + 20000);
	static const char *const pairs[][2] = {{"[", "]"}, {"<", ">"}, {"<b>", "</b>"},
					       {"(@alice ", ")"}, {"{#t ", "}"}, {"\"", "'"}};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		const char *s = arena_printf(&x->a, "%s@bob #x http://a.example/%s",
					     repeat(&x->a, pairs[i][0], 10000),
					     repeat(&x->a, pairs[i][1], 10000));
		fmt(x, s);
		to_html(x, s);
	}
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(validator_catches_markup),
		T(escapes_text),
		T(urls_with_quotes_and_brackets),
		T(javascript_urls_never_linked),
		T(mentions_and_tags_next_to_markup),
		T(hostile_resolver_and_base_url),
		T(invalid_utf8_is_refused),
		T(nul_and_controls),
		T(graphemes_are_counted),
		T(nfc_normalisation),
		T(urls_count_23),
		T(mentions_count_as_user),
		T(hashtags_unicode_and_digits),
		T(tags_and_mentions_are_deduplicated),
		T(mentions_and_tags_are_capped),
		T(resolver_calls_are_bounded),
		T(long_input_stays_escaped),
		T(deep_nesting),
	};
#undef T
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
