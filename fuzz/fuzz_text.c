/* libFuzzer: the post formatter and the plain-text formatter. Whatever the
 * input, the output must contain only the markup the formatter builds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

static bool resolve(void *ctx, const char *user, const char *domain, struct text_mention *m)
{
	(void)ctx;
	if (strcmp(user, "alice") && strcmp(user, "bob"))
		return false;
	m->username = user;
	m->domain = domain;
	m->account_id = user[0];
	m->url = "https://example.test/@x\"><script>";
	m->acct = user;
	return true;
}

static const char *const allowed[] = {"<p>", "</p>", "<br>", "<a href=\"", "</a>",
				      "<span class=\"h-card\" translate=\"no\">", "<span>",
				      "</span>"};

/* Every '<' starts a tag we build; no '"' outside attribute values we
 * escaped (checked by the escaping unit tests). */
static void check_markup(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		bool ok = false;
		for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && !ok; i++)
			ok = !strncmp(p, allowed[i], strlen(allowed[i]));
		if (!ok)
			abort();
	}
	if (strstr(h, "<script") || strstr(h, "href=\"javascript"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	struct arena a;
	arena_init(&a);
	struct text_formatted f;
	if (text_format(&a, s, "https://example.test", resolve, NULL, &f) == 0) {
		check_markup(f.html);
		if (f.length < 0 || f.nmentions > TEXT_MAX_MENTIONS || f.ntags > TEXT_MAX_TAGS)
			abort();
	}
	check_markup(text_to_html(&a, s));
	check_markup(text_escape(&a, s));
	(void)text_length(s);
	(void)text_valid(s, strlen(s));
	arena_free(&a);
	free(s);
	return 0;
}
