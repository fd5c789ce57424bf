/* libFuzzer: the remote HTML sanitiser. The first two bytes pick the
 * output cap, the rest is the HTML. Whatever the input, the output holds
 * only the allowlist (tests/unit/sanitize_check.h: no <script, no on...=
 * attribute, no href that is not http(s), balanced, valid UTF-8), fits the
 * cap, and sanitising it again changes nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "federation/sanitize.h"
#include "../tests/unit/sanitize_check.h"

/* An attribute named on... in any tag (every '<' starts a tag: text and
 * values have it escaped). */
static bool has_handler(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		const char *q = p + 1 + strspn(p + 1, "/abcdefghijklmnopqrstuvwxyz");
		while (*q == ' ') {
			if (!strncasecmp(++q, "on", 2))
				return true;
			q += strspn(q, "abcdefghijklmnopqrstuvwxyz");
			if (q[0] == '=' && q[1] == '"') {
				const char *e = strchr(q + 2, '"');
				if (!e)
					return true;
				q = e + 1;
			}
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t cap = ((size_t)data[0] << 8 | data[1]) * 4;
	const char *html = (const char *)data + 2;
	char *out = sanitize_html(html, size - 2, cap);
	if (strlen(out) > cap || check_sanitized(out) || strstr(out, "<script") ||
	    has_handler(out))
		abort();
	char *again = sanitize_html(out, strlen(out), cap);
	if (strcmp(out, again))
		abort();
	free(again);
	free(out);
	return 0;
}
