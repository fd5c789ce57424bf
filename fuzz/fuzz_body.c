/* libFuzzer: request bodies and query strings as the router parses them:
 * the first byte picks form (even) or JSON (odd); then the parameters are
 * read the way handlers read them, including pagination. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct req r;
	memset(&r, 0, sizeof r);
	arena_init(&r.arena);
	r.params = json_object();
	const char *body = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] & 1) {
		json_t *j = json_loadb(body, n, JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(j))
			json_object_update(r.params, j);
		json_decref(j);
	} else if (params_parse_form(body, n, r.params)) {
		goto out;
	}
	const char *names[] = {"status", "visibility", "limit", "max_id", "fields_attributes",
			       "source", "types", "id", "scope", "redirect_uri"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		(void)param_str(&r, names[i]);
		(void)param_bool(&r, names[i]);
		(void)param_str2(&r, names[i], "privacy");
	}
	struct page pg;
	page_from_params(&r, &pg, 20, 40);
	if (pg.limit < 1 || pg.limit > 40 || pg.max_id < 0 || pg.min_id < 0 || pg.since_id < 0)
		abort();
	char *dump = json_dumps(r.params, JSON_COMPACT);
	free(dump);
out:
	json_decref(r.params);
	arena_free(&r.arena);
	return 0;
}
