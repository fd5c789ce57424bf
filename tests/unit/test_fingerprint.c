/* Unit tests of core/fingerprint: HTML to text, normalisation and masks,
 * the simhash of templates and of unrelated texts, and the shouting test,
 * on hand-made cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/fingerprint.h"

static const char *norm(const char *in, unsigned flags, const struct fp_names *names)
{
	static char out[FP_TEXT_MAX * 3];
	int k = fp_normalize(in, strlen(in), flags, names, out, sizeof out);
	assert_true(k >= 0);
	return out;
}

static struct fp_print print_of(const char *in, unsigned flags, const struct fp_names *names)
{
	struct fp_print p;
	assert_int_equal(fp_simhash(in, strlen(in), flags, names, &p), 0);
	return p;
}

static struct fp_caps caps_of(const char *in)
{
	struct fp_caps c;
	assert_int_equal(fp_caps(in, strlen(in), 0, &c), 0);
	return c;
}

static void html_to_text(void **state)
{
	(void)state;
	char out[256];
	const char *h = "<p>Hi <span class=\"h-card\"><a href=\"https://x.test/@ana\" "
			"title=\"a>b\">@<span>ana</span></a></span>!</p><p>Tom &amp; Jerry "
			"&lt;3<br>caf&#233; &#xE9;t&#XE9; &nbsp;&bogus; &#0; &#12</p>";
	fp_html_text(h, strlen(h), out, sizeof out);
	assert_string_equal(out, "\nHi @ana!\n\nTom & Jerry <3\ncafé été  &bogus; \xEF\xBF\xBD &#12\n");
	/* Cut at a code point boundary: 4 bytes hold "é" and one more byte,
	 * which is half an "é". */
	assert_int_equal(fp_html_text("ééé", 6, out, 4), 2);
	assert_string_equal(out, "é");
	assert_int_equal(fp_html_text("abc", 3, out, 1), 0);
	assert_string_equal(out, "");
}

static void normalise_masks_and_folds(void **state)
{
	(void)state;
	const char *names_v[] = {"Ana Lúcia", "bob_99", "J"};
	struct fp_names names = {names_v, 3};
	assert_string_equal(
		norm("Hi ANA!! Thanks for following, @bob@remote.example @carol. See "
		     "https://x.test/a?b=1 and www.y.test — it’s 1,000.50% OFF #Deal #2024",
		     0, &names),
		"hi <name> thanks for following <@> see <url> and <url> its <n> off #deal <n>");
	/* Runs of one mask are one token; names match whatever their case and
	 * accents; one-letter name words are not masked. */
	assert_string_equal(norm("Ana Lucia ANA 12 34 @a @b j", 0, &names),
			    "<name> <n> <@> j");
	/* NFKC, case folding, accents and zero-width characters. */
	assert_string_equal(norm("Ｆｕｌｌ Straße ÉCOLE na\xE2\x80\x8Bo", 0, NULL),
			    "full strasse ecole nao");
	/* Marks on request. */
	assert_string_equal(norm("¿Qué? Bien. Sí!\nok", FP_MARKS, NULL), "? que ? bien . si . ok");
	/* Stored HTML reads like its source. */
	assert_string_equal(norm("<p>Olá <span class=\"h-card\"><a href=\"u\">@<span>ana</span>"
				 "</a></span> &amp; tchau</p>", FP_HTML, NULL),
			    "ola <@> tchau");
	char out[12];
	assert_int_equal(fp_normalize("alpha beta gamma", 16, 0, NULL, out, sizeof out), 2);
	assert_string_equal(out, "alpha beta"); /* whole tokens only */
	assert_int_equal(fp_normalize("bad \xC3 utf8", 10, 0, NULL, out, sizeof out), -1);
	assert_string_equal(out, "");
}

/* The same template sent to three people: only what the masks hide
 * differs, so the prints are equal; the HTML of one of them too. */
static void template_prints_are_near(void **state)
{
	(void)state;
	const char *n1[] = {"Ana Lúcia"}, *n2[] = {"Bruno"}, *n3[] = {"Chiara Rossi"};
	struct fp_names a = {n1, 1}, b = {n2, 1}, c = {n3, 1};
	struct fp_print p1 = print_of("Hi Ana, thanks for the follow! Grab 20% off our course "
				      "at https://sell.test/a1 today, @ana", 0, &a);
	struct fp_print p2 = print_of("hi BRUNO thanks for the follow!! grab 35% off our course "
				      "at https://sell.test/zz9 today @bruno", 0, &b);
	struct fp_print p3 = print_of("<p>Hi Chiara, thanks for the follow! Grab 20% off our "
				      "course at <a href=\"https://sell.test/q\">https://sell.test/q"
				      "</a> today, @<span>chiara</span></p>", FP_HTML, &c);
	assert_int_equal(fp_hamming(p1.hash, p2.hash), 0);
	assert_int_equal(fp_hamming(p1.hash, p3.hash), 0);
	assert_true(fp_near(&p1, &p2) && fp_near(&p2, &p3));
	assert_int_equal(p1.words, 11);
	/* Without the name masked, the first word pairs differ. */
	struct fp_print raw = print_of("Hi Ana, thanks for the follow! Grab 20% off our course "
				       "at https://sell.test/a1 today, @ana", 0, NULL);
	assert_true(fp_hamming(raw.hash, p2.hash) > 0);
}

/* Different messages are far apart: every pair of ten ordinary texts
 * differs in more than FP_NEAR_BITS bits. */
static void unrelated_prints_are_far(void **state)
{
	(void)state;
	static const char *texts[] = {
		"I finally fixed the bike and rode to the lake this morning",
		"Does anyone have a good recipe for bread without a mixer at home",
		"The meeting moved to Thursday, see you all in the big room then",
		"Reading a great book about the history of maps and how they lie",
		"Our cat refuses to sleep anywhere but on the warm laptop keyboard",
		"Thanks for the follow! Check out my course and get a discount today",
		"Rain again in Lisbon, which is fine because I have tea and a film",
		"Not sure the new release is faster, my tests show the same numbers",
		"Happy birthday to my sister who taught me to read and to argue",
		"Looking for volunteers to help clean the beach next Saturday morning",
	};
	struct fp_print p[10];
	for (int i = 0; i < 10; i++)
		p[i] = print_of(texts[i], 0, NULL);
	for (int i = 0; i < 10; i++)
		for (int j = i + 1; j < 10; j++) {
			assert_true(fp_hamming(p[i].hash, p[j].hash) > FP_NEAR_BITS);
			assert_false(fp_near(&p[i], &p[j]));
		}
}

static void short_texts_are_not_compared(void **state)
{
	(void)state;
	struct fp_print a = print_of("Thank you so much!", 0, NULL);
	struct fp_print b = print_of("thank you SO much", 0, NULL);
	assert_int_equal(a.hash, b.hash);
	assert_int_equal(a.words, 4);
	assert_false(fp_near(&a, &b)); /* identical, but too short to call a template */
	struct fp_print one = print_of("hello", 0, NULL);
	assert_int_equal(one.features, 1);
	assert_true(one.hash != 0);
	struct fp_print none = print_of("!!! 🙂", 0, NULL);
	assert_int_equal(none.features, 0);
	assert_int_equal(none.hash, 0);
	struct fp_print bad;
	assert_int_equal(fp_simhash("\xFF", 1, 0, NULL, &bad), -1);
	assert_int_equal(fp_hamming(0, UINT64_MAX), 64);
	assert_int_equal(fp_hamming(0x5, 0x6), 2);
}

/* Fingerprints are stored: the same text must give the same bits in every
 * version and on every machine. */
static void simhash_is_stable(void **state)
{
	(void)state;
	struct fp_print p = print_of("Thanks for the follow! Check out my course at "
				     "https://x.test today", 0, NULL);
	assert_int_equal(p.hash, 0x024959ed18356820ULL);
	assert_int_equal(p.features, 10);
}

static void shouting(void **state)
{
	(void)state;
	assert_true(caps_of("THIS IS SO AWESOME!!!").shouting);
	assert_false(caps_of("HELLO WORLD").shouting); /* 10 letters: too few to tell */
	/* 12 letters: 9 uppercase (75 %) shouts, 8 (67 %) does not. */
	assert_true(caps_of("ABCDEFGHIjkl").shouting);
	assert_false(caps_of("ABCDEFGHijkl").shouting);
	struct fp_caps c = caps_of("ABCDEFGHIjkl");
	assert_int_equal(c.letters, 12);
	assert_int_equal(c.upper, 9);
	/* Unicode-aware: Cyrillic and accented capitals shout; scripts without
	 * case never do. */
	assert_true(caps_of("ЭТО ОЧЕНЬ ВАЖНО СЕЙЧАС").shouting);
	assert_true(caps_of("ÉÉÉÉ ÀÀÀÀ ÇÇÇÇ").shouting);
	assert_false(caps_of("今日はとても良い天気ですね本当に").shouting);
	assert_int_equal(caps_of("今日はとても良い天気ですね本当に").letters, 0);
	/* URLs and mentions are not the writer's voice. */
	assert_false(caps_of("see HTTPS://EXAMPLE.COM/ABCDEFGHIJKLMNOP @NASAGODDARD ok").shouting);
	assert_true(caps_of("@nasa WHY IS THE LAUNCH LATE AGAIN").shouting);
	struct fp_caps h;
	const char *html = "<p>QUIET <span class=\"h-card\">hello</span> EVERYONE HERE</p>";
	assert_int_equal(fp_caps(html, strlen(html), FP_HTML, &h), 0);
	assert_int_equal(h.letters, 22); /* the markup's letters are not counted */
	assert_true(h.shouting);
	assert_int_equal(fp_caps("\xC3", 1, 0, &h), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_to_text),
		cmocka_unit_test(normalise_masks_and_folds),
		cmocka_unit_test(template_prints_are_near),
		cmocka_unit_test(unrelated_prints_are_far),
		cmocka_unit_test(short_texts_are_not_compared),
		cmocka_unit_test(simhash_is_stable),
		cmocka_unit_test(shouting),
	};
	return cmocka_run_group_tests_name("fingerprint", tests, NULL, NULL);
}
