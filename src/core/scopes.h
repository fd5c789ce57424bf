/* scopes.h - OAuth scopes as bit sets.
 *
 * Each granular scope (read:accounts, write:statuses, ...) is one bit.
 * The umbrella scopes expand: read = every read:X, write = every write:X,
 * follow = read/write of blocks, follows and mutes. An endpoint names the
 * granular scope it needs; a token passes when its set holds that bit. */
#ifndef RAPPORT_SCOPES_H
#define RAPPORT_SCOPES_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t scope_set;

enum scope_bit {
	SC_READ_ACCOUNTS, SC_READ_BLOCKS, SC_READ_BOOKMARKS, SC_READ_FAVOURITES,
	SC_READ_FILTERS, SC_READ_FOLLOWS, SC_READ_LISTS, SC_READ_MUTES,
	SC_READ_NOTIFICATIONS, SC_READ_SEARCH, SC_READ_STATUSES, SC_READ_CONVERSATIONS,
	SC_WRITE_ACCOUNTS, SC_WRITE_BLOCKS, SC_WRITE_BOOKMARKS, SC_WRITE_CONVERSATIONS,
	SC_WRITE_FAVOURITES, SC_WRITE_FILTERS, SC_WRITE_FOLLOWS, SC_WRITE_LISTS,
	SC_WRITE_MEDIA, SC_WRITE_MUTES, SC_WRITE_NOTIFICATIONS, SC_WRITE_REPORTS,
	SC_WRITE_STATUSES,
	SC_PUSH, SC_PROFILE,
	/* admin:read and admin:write alone (Rapport's own admin endpoints);
	 * each umbrella also holds its sub-scopes, Mastodon's granular ones */
	SC_ADMIN_READ, SC_ADMIN_WRITE,
	SC_ADMIN_READ_ACCOUNTS, SC_ADMIN_READ_REPORTS, SC_ADMIN_READ_DOMAIN_ALLOWS,
	SC_ADMIN_READ_DOMAIN_BLOCKS, SC_ADMIN_READ_IP_BLOCKS, SC_ADMIN_READ_EMAIL_DOMAIN_BLOCKS,
	SC_ADMIN_READ_CANONICAL_EMAIL_BLOCKS,
	SC_ADMIN_WRITE_ACCOUNTS, SC_ADMIN_WRITE_REPORTS, SC_ADMIN_WRITE_DOMAIN_ALLOWS,
	SC_ADMIN_WRITE_DOMAIN_BLOCKS, SC_ADMIN_WRITE_IP_BLOCKS, SC_ADMIN_WRITE_EMAIL_DOMAIN_BLOCKS,
	SC_ADMIN_WRITE_CANONICAL_EMAIL_BLOCKS,
	SC__COUNT
};

#define SCOPE(b) ((scope_set)1 << (b))

/* Parses a space- (or '+'-) separated scope string. Returns false if any
 * word is not a known scope; an empty string means "read". */
bool scopes_parse(const char *s, scope_set *out);
/* The name of the i-th known scope (umbrellas first), NULL past the last. */
const char *scopes_name(int i);
/* True when every scope in `want` is also in `allowed` (both strings). */
bool scopes_subset(const char *want, const char *allowed);
/* Normalises a scope string: words separated by one space, duplicates
 * dropped, in the order given. Writes at most cap bytes. */
void scopes_normalise(const char *s, char *out, unsigned cap);

#endif
