#include "core/scopes.h"

#include <string.h>

#define R(x) SCOPE(SC_READ_##x)
#define W(x) SCOPE(SC_WRITE_##x)

static const scope_set ALL_READ = R(ACCOUNTS) | R(BLOCKS) | R(BOOKMARKS) | R(FAVOURITES) |
				  R(FILTERS) | R(FOLLOWS) | R(LISTS) | R(MUTES) |
				  R(NOTIFICATIONS) | R(SEARCH) | R(STATUSES) | R(CONVERSATIONS);
static const scope_set ALL_WRITE = W(ACCOUNTS) | W(BLOCKS) | W(BOOKMARKS) | W(CONVERSATIONS) |
				   W(FAVOURITES) | W(FILTERS) | W(FOLLOWS) | W(LISTS) |
				   W(MEDIA) | W(MUTES) | W(NOTIFICATIONS) | W(REPORTS) |
				   W(STATUSES);

static const struct {
	const char *name;
	scope_set bits;
} scope_names[] = {
	{"read", 0}, /* ALL_READ, filled in scope_bits() */
	{"write", 0},
	{"follow", R(BLOCKS) | W(BLOCKS) | R(FOLLOWS) | W(FOLLOWS) | R(MUTES) | W(MUTES)},
	{"push", SCOPE(SC_PUSH)},
	{"profile", SCOPE(SC_PROFILE)},
	{"admin:read", SCOPE(SC_ADMIN_READ)},
	{"admin:write", SCOPE(SC_ADMIN_WRITE)},
	{"read:accounts", R(ACCOUNTS)}, {"read:blocks", R(BLOCKS)},
	{"read:bookmarks", R(BOOKMARKS)}, {"read:favourites", R(FAVOURITES)},
	{"read:filters", R(FILTERS)}, {"read:follows", R(FOLLOWS)},
	{"read:lists", R(LISTS)}, {"read:mutes", R(MUTES)},
	{"read:notifications", R(NOTIFICATIONS)}, {"read:search", R(SEARCH)},
	{"read:statuses", R(STATUSES)}, {"read:conversations", R(CONVERSATIONS)},
	{"write:accounts", W(ACCOUNTS)}, {"write:blocks", W(BLOCKS)},
	{"write:bookmarks", W(BOOKMARKS)}, {"write:conversations", W(CONVERSATIONS)},
	{"write:favourites", W(FAVOURITES)}, {"write:filters", W(FILTERS)},
	{"write:follows", W(FOLLOWS)}, {"write:lists", W(LISTS)},
	{"write:media", W(MEDIA)}, {"write:mutes", W(MUTES)},
	{"write:notifications", W(NOTIFICATIONS)}, {"write:reports", W(REPORTS)},
	{"write:statuses", W(STATUSES)},
};

static bool scope_bits(const char *w, size_t n, scope_set *out)
{
	for (size_t i = 0; i < sizeof scope_names / sizeof scope_names[0]; i++) {
		if (strlen(scope_names[i].name) != n || memcmp(scope_names[i].name, w, n))
			continue;
		*out = i == 0 ? ALL_READ : i == 1 ? ALL_WRITE : scope_names[i].bits;
		return true;
	}
	return false;
}

static bool is_sep(char ch)
{
	return ch == ' ' || ch == '+' || ch == ',' || ch == '\t';
}

bool scopes_parse(const char *s, scope_set *out)
{
	scope_set set = 0;
	bool any = false;
	while (s && *s) {
		while (is_sep(*s))
			s++;
		size_t n = 0;
		while (s[n] && !is_sep(s[n]))
			n++;
		if (!n)
			break;
		scope_set b;
		if (!scope_bits(s, n, &b))
			return false;
		set |= b;
		any = true;
		s += n;
	}
	*out = any ? set : ALL_READ;
	return true;
}

bool scopes_subset(const char *want, const char *allowed)
{
	scope_set w, a;
	return scopes_parse(want, &w) && scopes_parse(allowed, &a) && (w & ~a) == 0;
}

void scopes_normalise(const char *s, char *out, unsigned cap)
{
	unsigned len = 0;
	out[0] = '\0';
	while (s && *s) {
		while (is_sep(*s))
			s++;
		size_t n = 0;
		while (s[n] && !is_sep(s[n]))
			n++;
		if (!n)
			break;
		/* skip duplicates */
		bool dup = false;
		for (const char *p = out; *p;) {
			size_t m = strcspn(p, " ");
			if (m == n && !memcmp(p, s, n))
				dup = true;
			p += m + (p[m] == ' ');
		}
		if (!dup && len + n + 2 <= cap) {
			if (len)
				out[len++] = ' ';
			memcpy(out + len, s, n);
			len += (unsigned)n;
			out[len] = '\0';
		}
		s += n;
	}
	if (!len && cap > 4)
		strcpy(out, "read");
}
