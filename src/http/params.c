/* params.c - query strings and form bodies into one JSON object, so that
 * handlers read parameters the same way whatever the client sent. */
#include "http/http.h"
#include "core/text.h"
#include "util/util.h"

#include <string.h>

#define PARAMS_MAX_DEPTH 8
#define PARAMS_MAX_KEYS 1000

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into out (n + 1 bytes); '+' is a space. Returns
 * the decoded length. */
static size_t url_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n &&
			   hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* Splits "a[b][]" into segments: "a", "b", "" (append). */
static int split_key(const char *k, size_t n, const char **seg, size_t *slen, int max)
{
	size_t i = strcspn(k, "[");
	if (i > n)
		i = n;
	int ns = 0;
	seg[ns] = k;
	slen[ns++] = i;
	while (i < n) {
		if (k[i] != '[')
			return -1;
		const char *close = memchr(k + i, ']', n - i);
		if (!close || ns >= max)
			return -1;
		seg[ns] = k + i + 1;
		slen[ns++] = (size_t)(close - (k + i + 1));
		i = (size_t)(close - k) + 1;
	}
	return ns;
}

int params_add(json_t *obj, const char *key, size_t klen, const char *val, size_t vlen)
{
	if (!text_valid(key, klen) || !text_valid(val, vlen))
		return -1;
	const char *seg[PARAMS_MAX_DEPTH];
	size_t slen[PARAMS_MAX_DEPTH];
	int ns = split_key(key, klen, seg, slen, PARAMS_MAX_DEPTH);
	if (ns <= 0 || slen[0] == 0)
		return 0; /* a malformed or empty key is ignored, like Rack does */
	json_t *value = json_stringn(val, vlen);
	if (!value)
		return -1;
	json_t *cur = obj;
	for (int i = 0; i < ns; i++) {
		bool last = i == ns - 1;
		bool append = slen[i] == 0 && i > 0;
		if (json_is_array(cur)) {
			if (!append || !last) {
				/* a[][x] is not supported: keep it simple and bounded */
				json_decref(value);
				return 0;
			}
			json_array_append_new(cur, value);
			return 0;
		}
		if (!json_is_object(cur) || json_object_size(cur) >= PARAMS_MAX_KEYS) {
			json_decref(value);
			return 0;
		}
		char name[256];
		size_t l = slen[i] < sizeof name - 1 ? slen[i] : sizeof name - 1;
		memcpy(name, seg[i], l);
		name[l] = '\0';
		if (last) {
			json_object_set_new(cur, name, value);
			return 0;
		}
		bool next_append = slen[i + 1] == 0;
		json_t *child = json_object_get(cur, name);
		if (!child || (next_append && !json_is_array(child)) ||
		    (!next_append && !json_is_object(child))) {
			child = next_append ? json_array() : json_object();
			json_object_set_new(cur, name, child);
		}
		cur = child;
	}
	json_decref(value);
	return 0;
}

int params_parse_form(const char *s, size_t n, json_t *obj)
{
	size_t i = 0;
	while (i < n) {
		size_t end = i;
		while (end < n && s[end] != '&' && s[end] != ';')
			end++;
		if (end > i) {
			const char *eq = memchr(s + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
			const char *v = eq ? eq + 1 : s + end;
			size_t vlen = eq ? (size_t)((s + end) - v) : 0;
			char *k = xmalloc(klen + 1), *val = xmalloc(vlen + 1);
			size_t kl = url_decode(s + i, klen, k);
			size_t vl = url_decode(v, vlen, val);
			int rc = params_add(obj, k, kl, val, vl);
			free(k);
			free(val);
			if (rc)
				return -1;
		}
		i = end + 1;
	}
	return 0;
}

static const char *scalar(struct req *r, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(&r->arena, "%lld", (long long)json_integer_value(v));
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	if (json_is_real(v))
		return arena_printf(&r->arena, "%g", json_real_value(v));
	return NULL;
}

json_t *param_get(struct req *r, const char *name)
{
	return r->params ? json_object_get(r->params, name) : NULL;
}

const char *param_str(struct req *r, const char *name)
{
	return scalar(r, param_get(r, name));
}

const char *param_str2(struct req *r, const char *outer, const char *inner)
{
	json_t *o = param_get(r, outer);
	return json_is_object(o) ? scalar(r, json_object_get(o, inner)) : NULL;
}

int param_bool(struct req *r, const char *name)
{
	const char *v = param_str(r, name);
	return v ? str_truthy(v) : -1;
}

bool param_has(struct req *r, const char *name)
{
	return param_get(r, name) != NULL;
}

const char *path_param(struct req *r, int i)
{
	return i < REQ_MAX_PATH_PARAMS ? r->path_param[i] : NULL;
}
