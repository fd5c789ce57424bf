/* netaddr.h - IPv4 and IPv6 addresses and CIDR blocks, parsed strictly.
 *
 * Used to decide which peers are trusted reverse proxies and to read the
 * client's address from X-Forwarded-For. An IPv4-mapped IPv6 address
 * (::ffff:192.0.2.1) is folded to the IPv4 address it carries, so one
 * client is one address whichever way it reached us. */
#ifndef RAPPORT_NETADDR_H
#define RAPPORT_NETADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define CIDR_LIST_MAX 64  /* blocks in one list */

struct netaddr {
	uint8_t b[16]; /* network order; an IPv4 address in b[0..3] */
	bool v4;
};

struct cidr {
	struct netaddr net; /* host bits zero */
	unsigned bits;      /* prefix length: 0..32 or 0..128 */
};

struct cidr_list {
	struct cidr *items; /* malloc'ed; owned by the list */
	size_t n;
};

/* Parses an address of n bytes (no brackets, no port, no zone). */
bool netaddr_parse(const char *s, size_t n, struct netaddr *out);
/* From a struct sockaddr of family AF_INET or AF_INET6; false otherwise. */
bool netaddr_from_sockaddr(const void *sa, struct netaddr *out);
/* The canonical text form (inet_ntop). */
void netaddr_format(const struct netaddr *a, char out[NETADDR_STRLEN]);

/* Parses a comma-separated list of blocks ("10.0.0.0/8, ::1"; a bare
 * address is a block of one). Spaces around entries are allowed; empty
 * entries, host bits set beyond the prefix, and more than CIDR_LIST_MAX
 * entries are not. An empty string is an empty list. Returns 0, or -1
 * with the list empty and *bad pointing at the offending entry. */
int cidr_list_parse(const char *s, struct cidr_list *out, const char **bad);
void cidr_list_free(struct cidr_list *l);
/* True if a is in one of the list's blocks. */
bool cidr_list_match(const struct cidr_list *l, const struct netaddr *a);

#endif
