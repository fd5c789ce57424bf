/* libFuzzer: OAuth parameters: scope strings, redirect URIs and their
 * exact matching, decimal ids. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/oauth.h"
#include "core/scopes.h"
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	scope_set set;
	if (scopes_parse(s, &set) && !scopes_subset(s, s))
		abort(); /* a valid scope set is a subset of itself */
	char norm[256];
	scopes_normalise(s, norm, sizeof norm);
	if (strlen(norm) >= sizeof norm)
		abort();
	bool valid = oauth_redirect_uri_valid(s);
	struct app a = {.redirect_uris = s};
	/* The first line of the registered list always matches itself. */
	char *first = strndup(s, strcspn(s, "\n"));
	if (*first && !oauth_redirect_ok(&a, first))
		abort();
	free(first);
	(void)valid;
	int64_t id;
	if (id_parse(s, &id) && id <= 0)
		abort();
	free(s);
	return 0;
}
