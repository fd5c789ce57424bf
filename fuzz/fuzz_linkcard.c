/* libFuzzer: link preview extraction (core/linkcard.h) from any page.
 * Whatever the input, it must not crash or leak, and a card's strings are
 * valid UTF-8 without control characters, within their caps, and its
 * image (if any) is an http(s) URL without quotes or white space. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/linkcard.h"

static void check_text(const char *s, size_t cap)
{
	size_t n = strlen(s);
	if (n > cap)
		abort();
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t left = (utf8proc_ssize_t)n;
	while (left > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, left, &cp);
		if (k <= 0 || utf8proc_category(cp) == UTF8PROC_CATEGORY_CC)
			abort();
		p += k;
		left -= k;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena ar;
	arena_init(&ar);
	struct preview_card c;
	if (!linkcard_extract(&ar, (const char *)data, size, "https://fuzz.example/p?q=1", &c)) {
		check_text(c.title, LINKCARD_TITLE_MAX);
		check_text(c.description, LINKCARD_DESC_MAX);
		check_text(c.provider_name, LINKCARD_TITLE_MAX);
		if (!*c.title)
			abort();
		if (*c.image && ((strncmp(c.image, "http://", 7) && strncmp(c.image, "https://", 8)) ||
				 strpbrk(c.image, " \t\r\n\"'<>")))
			abort();
	}
	arena_free(&ar);
	return 0;
}
