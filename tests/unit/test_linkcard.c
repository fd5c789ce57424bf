/* Unit tests of core/linkcard: OpenGraph before Twitter before plain HTML
 * meta, entities decoded, white space and control characters cleaned,
 * caps at character boundaries, images resolved and kept only if http(s),
 * hostile and broken pages, deep nesting on a small stack, and pages
 * past the input and tag caps. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/linkcard.h"

static const char *const URL = "https://news.example/a/b.html?x=1";

/* Extracts html; returns the card (strings in ar) and whether it is one. */
static int card(struct arena *ar, const char *html, struct preview_card *c)
{
	return linkcard_extract(ar, html, strlen(html), URL, c);
}

static void opengraph_first(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	assert_int_equal(card(&ar,
			      "<html><head><title>Plain</title>"
			      "<meta name=twitter:title content='Tw'>"
			      "<meta property='og:title' content='OG &amp; co'>"
			      "<meta name=description content='plain desc'>"
			      "<meta name='twitter:description' content='tw desc'>"
			      "<meta property='og:image' content='../img/x.png'>"
			      "<meta property='og:site_name' content='News'>"
			      "</head><body></body></html>",
			      &c),
			 0);
	assert_string_equal(c.url, URL);
	assert_string_equal(c.title, "OG & co");
	assert_string_equal(c.description, "tw desc");
	assert_string_equal(c.image, "https://news.example/img/x.png");
	assert_string_equal(c.provider_name, "News");
	assert_string_equal(c.provider_url, "https://news.example/");
	arena_free(&ar);
}

static void html_fallbacks(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	assert_int_equal(card(&ar,
			      "<title>\n  A   title\t&lt;b&gt; </title>"
			      "<META NAME=\"Description\" CONTENT=\"d\">",
			      &c),
			 0);
	assert_string_equal(c.title, "A title <b>");
	assert_string_equal(c.description, "d");
	assert_string_equal(c.image, "");
	assert_string_equal(c.provider_name, "news.example");
	/* an empty og:title falls back to the next one */
	assert_int_equal(card(&ar, "<meta property=og:title content='  '><title>T</title>", &c), 0);
	assert_string_equal(c.title, "T");
	arena_free(&ar);
}

static void no_card(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	assert_int_equal(card(&ar, "", &c), -1);
	assert_int_equal(card(&ar, "<html><body><h1>No head</h1></body></html>", &c), -1);
	assert_int_equal(card(&ar, "\x89PNG\r\n\x1a\n\0\0", &c), -1);
	/* meta in the body is not read (only the head's) */
	assert_int_equal(card(&ar, "<body><p>x</p><meta property=og:title content=late>", &c), -1);
	assert_int_equal(linkcard_extract(&ar, "<title>x</title>", 16, "not a url", &c), -1);
	arena_free(&ar);
}

static void hostile_text(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	assert_int_equal(card(&ar,
			      "<head><meta property=og:title content=\"<script>x</script>\">"
			      "<meta property=og:description content=\"a\x01" "b\xe2\x80\xae" "c\xe2\x80\x8b" "d"
			      "\xc2\x85" "e\">"
			      "<meta property=og:image content='javascript:alert(1)'>"
			      "<script>document.write('<title>no</title>')</script></head>",
			      &c),
			 0);
	assert_string_equal(c.title, "<script>x</script>");
	/* controls, bidi overrides and zero-width characters go; NEL is a control */
	assert_string_equal(c.description, "abcde");
	assert_string_equal(c.image, "");
	/* images: data:, protocol-relative to another host, too long */
	const char *imgs[][2] = {
		{"data:image/png;base64,AAAA", ""},
		{"//cdn.example/i.png", "https://cdn.example/i.png"},
		{"http://plain.example/i.png", "http://plain.example/i.png"},
		{"ftp://x.example/i.png", ""},
	};
	for (size_t i = 0; i < sizeof imgs / sizeof imgs[0]; i++) {
		char *html = arena_printf(&ar, "<title>t</title><meta property=og:image content='%s'>",
					  imgs[i][0]);
		assert_int_equal(card(&ar, html, &c), 0);
		assert_string_equal(c.image, imgs[i][1]);
	}
	size_t n = LINKCARD_URL_MAX + 100;
	char *long_img = calloc(1, n + 100);
	strcpy(long_img, "<title>t</title><meta property=og:image content='https://x.example/");
	memset(long_img + strlen(long_img), 'a', n);
	strcat(long_img, "'>");
	assert_int_equal(card(&ar, long_img, &c), 0);
	assert_string_equal(c.image, "");
	free(long_img);
	arena_free(&ar);
}

static void caps_at_character_boundaries(void **state)
{
	(void)state;
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	size_t n = 3 * LINKCARD_DESC_MAX;
	char *html = calloc(1, n * 2 + 200);
	strcpy(html, "<title>");
	for (size_t i = 0; i < n / 2; i++)
		strcat(html, "\xc3\xa9"); /* é, two bytes */
	strcat(html, "x</title>");
	assert_int_equal(card(&ar, html, &c), 0);
	assert_true(strlen(c.title) <= LINKCARD_TITLE_MAX);
	assert_true(strlen(c.title) >= LINKCARD_TITLE_MAX - 1);
	assert_int_equal(strlen(c.title) % 2, 0); /* never half a character */
	free(html);
	arena_free(&ar);
}

struct big_arg {
	const char *html;
	size_t len;
	int rc;
};

static void *extract_thread(void *p)
{
	struct big_arg *a = p;
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	a->rc = linkcard_extract(&ar, a->html, a->len, URL, &c);
	arena_free(&ar);
	return NULL;
}

/* Runs the extraction on a thread with a 256 KB stack. */
static int on_small_stack(const char *html, size_t len)
{
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 << 10);
	struct big_arg a = {html, len, -2};
	pthread_t t;
	assert_int_equal(pthread_create(&t, &at, extract_thread, &a), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&at);
	return a.rc;
}

static void deep_and_large_pages(void **state)
{
	(void)state;
	/* 100,000 nested elements: capped at LINKCARD_MAX_TAGS, freed without recursion */
	size_t depth = 100000, n = depth * 5 + 100;
	char *html = malloc(n);
	strcpy(html, "<head><title>deep</title></head><body>");
	size_t o = strlen(html);
	for (size_t i = 0; i < depth; i++, o += 5)
		memcpy(html + o, "<div>", 5);
	html[o] = '\0';
	assert_int_equal(on_small_stack(html, o), 0);
	free(html);
	/* 4 MB of text: only LINKCARD_MAX_INPUT bytes are read; a title past it is unseen */
	size_t big = 4u << 20;
	html = malloc(big + 64);
	memset(html, ' ', big);
	memcpy(html, "<head><!--", 10);
	strcpy(html + big, "--><title>late</title>");
	assert_int_equal(on_small_stack(html, strlen(html)), -1);
	free(html);
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(opengraph_first), T(html_fallbacks), T(no_card),
		T(hostile_text), T(caps_at_character_boundaries), T(deep_and_large_pages),
	};
#undef T
	return cmocka_run_group_tests_name("linkcard", tests, NULL, NULL);
}
