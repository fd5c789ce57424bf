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

#define AR(x) SCOPE(SC_ADMIN_READ_##x)
#define AW(x) SCOPE(SC_ADMIN_WRITE_##x)
static const scope_set ADMIN_READ = SCOPE(SC_ADMIN_READ) | AR(ACCOUNTS) | AR(REPORTS) |
				    AR(DOMAIN_ALLOWS) | AR(DOMAIN_BLOCKS) | AR(IP_BLOCKS) |
				    AR(EMAIL_DOMAIN_BLOCKS) | AR(CANONICAL_EMAIL_BLOCKS);
static const scope_set ADMIN_WRITE = SCOPE(SC_ADMIN_WRITE) | AW(ACCOUNTS) | AW(REPORTS) |
				     AW(DOMAIN_ALLOWS) | AW(DOMAIN_BLOCKS) | AW(IP_BLOCKS) |
				     AW(EMAIL_DOMAIN_BLOCKS) | AW(CANONICAL_EMAIL_BLOCKS);

static const struct {
	const char *name;
	scope_set bits;
} scope_names[] = {
	{"read", 0}, /* ALL_READ, filled in scope_bits() */
	{"write", 0},
	{"follow", R(BLOCKS) | W(BLOCKS) | R(FOLLOWS) | W(FOLLOWS) | R(MUTES) | W(MUTES)},
	{"push", SCOPE(SC_PUSH)},
	{"profile", SCOPE(SC_PROFILE)},
	{"admin:read", 0},  /* ADMIN_READ */
	{"admin:write", 0}, /* ADMIN_WRITE */
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
	{"admin:read:accounts", AR(ACCOUNTS)}, {"admin:read:reports", AR(REPORTS)},
	{"admin:read:domain_allows", AR(DOMAIN_ALLOWS)},
	{"admin:read:domain_blocks", AR(DOMAIN_BLOCKS)}, {"admin:read:ip_blocks", AR(IP_BLOCKS)},
	{"admin:read:email_domain_blocks", AR(EMAIL_DOMAIN_BLOCKS)},
	{"admin:read:canonical_email_blocks", AR(CANONICAL_EMAIL_BLOCKS)},
	{"admin:write:accounts", AW(ACCOUNTS)}, {"admin:write:reports", AW(REPORTS)},
	{"admin:write:domain_allows", AW(DOMAIN_ALLOWS)},
	{"admin:write:domain_blocks", AW(DOMAIN_BLOCKS)}, {"admin:write:ip_blocks", AW(IP_BLOCKS)},
	{"admin:write:email_domain_blocks", AW(EMAIL_DOMAIN_BLOCKS)},
	{"admin:write:canonical_email_blocks", AW(CANONICAL_EMAIL_BLOCKS)},
};

#define NSCOPES (sizeof scope_names / sizeof scope_names[0])

const char *scopes_name(int i)
{
	return i >= 0 && (size_t)i < NSCOPES ? scope_names[i].name : NULL;
}

static bool scope_bits(const char *w, size_t n, scope_set *out)
{
	const scope_set umbrella[] = {ALL_READ, ALL_WRITE, 0, 0, 0, ADMIN_READ, ADMIN_WRITE};
	for (size_t i = 0; i < NSCOPES; i++) {
		if (strlen(scope_names[i].name) != n || memcmp(scope_names[i].name, w, n))
			continue;
		*out = i < 7 && umbrella[i] ? umbrella[i] : scope_names[i].bits;
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
