/* audience.c - to, cc and visibility as Mastodon reads and writes them
 * (see audience.h). */
#include "federation/audience.h"

#include <string.h>
#include <strings.h>

bool audience_is_public(const char *uri)
{
	return uri && (!strcmp(uri, AS_PUBLIC) || !strcmp(uri, "as:Public") ||
		       !strcmp(uri, "Public"));
}

/* A string, or an object's "id" (Mastodon's value_or_id); else NULL. */
static const char *value_or_id(const json_t *v)
{
	if (json_is_object(v))
		v = json_object_get(v, "id");
	return json_string_value(v);
}

/* Entry i of v read as Mastodon's as_array: a single value is an array of
 * one. */
static const json_t *entry(const json_t *v, size_t i)
{
	if (json_is_array(v))
		return json_array_get(v, i);
	return i == 0 ? v : NULL;
}

static size_t entries(const json_t *v)
{
	return json_is_array(v) ? json_array_size(v) : v != NULL;
}

static bool any_public(const json_t *v)
{
	for (size_t i = 0; i < entries(v); i++)
		if (audience_is_public(value_or_id(entry(v, i))))
			return true;
	return false;
}

static bool contains(const json_t *v, const char *uri)
{
	for (size_t i = 0; uri && *uri && i < entries(v); i++) {
		const char *s = value_or_id(entry(v, i));
		if (s && !strcmp(s, uri))
			return true;
	}
	return false;
}

/* local_prefix and then a username: a local actor, not one of its
 * collections or anything else on this host. */
static bool is_local_actor(const char *uri, const char *prefix)
{
	size_t n = strlen(prefix);
	if (!uri || !n || strncasecmp(uri, prefix, n))
		return false;
	size_t k = strspn(uri + n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	return k > 0 && uri[n + k] == '\0';
}

static void add_local(struct audience *a, const char *uri, const char *prefix)
{
	if (!is_local_actor(uri, prefix))
		return;
	for (size_t i = 0; i < a->nlocal; i++)
		if (!strcmp(a->local[i], uri))
			return;
	if (a->nlocal < AUDIENCE_MAX_LOCAL)
		a->local[a->nlocal++] = uri;
	else
		a->dropped++;
}

/* href of a Mention tag entry (type "Mention" or an array holding it). */
static const char *mention_href(const json_t *t)
{
	const json_t *type = json_object_get(t, "type");
	bool mention = json_is_string(type) && !strcmp(json_string_value(type), "Mention");
	for (size_t i = 0; json_is_array(type) && i < json_array_size(type) && !mention; i++) {
		const char *s = json_string_value(json_array_get(type, i));
		mention = s && !strcmp(s, "Mention");
	}
	return mention ? json_string_value(json_object_get(t, "href")) : NULL;
}

void audience_read(const json_t *to, const json_t *cc, const json_t *tag, const char *followers,
		   const char *local_prefix, struct audience *out)
{
	memset(out, 0, sizeof *out);
	if (any_public(to))
		out->visibility = VIS_PUBLIC;
	else if (any_public(cc))
		out->visibility = VIS_UNLISTED;
	else if (contains(to, followers))
		out->visibility = VIS_PRIVATE;
	else
		out->visibility = VIS_DIRECT;
	if (!local_prefix)
		return;
	for (size_t i = 0; i < entries(to); i++)
		add_local(out, value_or_id(entry(to, i)), local_prefix);
	for (size_t i = 0; i < entries(cc); i++)
		add_local(out, value_or_id(entry(cc, i)), local_prefix);
	for (size_t i = 0; i < entries(tag); i++)
		add_local(out, mention_href(entry(tag, i)), local_prefix);
}

static void append(json_t *arr, const char *uri)
{
	if (uri && *uri)
		json_array_append_new(arr, json_string(uri));
}

static void append_mentions(json_t *arr, const char *const *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && !(m[j] && m[i] && !strcmp(m[j], m[i])))
			j++;
		if (j == i)
			append(arr, m[i]);
	}
}

void audience_address(enum visibility v, const char *followers, const char *const *mentions,
		      size_t n, const char *boosted, json_t **to, json_t **cc)
{
	*to = json_array();
	*cc = json_array();
	append(*cc, boosted);
	switch (v) {
	case VIS_PUBLIC:
		append(*to, AS_PUBLIC);
		append(*cc, followers);
		append_mentions(*cc, mentions, n);
		break;
	case VIS_UNLISTED:
		append(*to, followers);
		append(*cc, AS_PUBLIC);
		append_mentions(*cc, mentions, n);
		break;
	case VIS_PRIVATE:
		append(*to, followers);
		append_mentions(*cc, mentions, n);
		break;
	case VIS_DIRECT:
		append_mentions(*to, mentions, n);
		break;
	}
}
