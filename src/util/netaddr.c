#include "util/netaddr.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t V4_MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Folds ::ffff:a.b.c.d to a.b.c.d. */
static void fold_mapped(struct netaddr *a)
{
	if (a->v4 || memcmp(a->b, V4_MAPPED, sizeof V4_MAPPED))
		return;
	memmove(a->b, a->b + 12, 4);
	memset(a->b + 4, 0, 12);
	a->v4 = true;
}

bool netaddr_parse(const char *s, size_t n, struct netaddr *out)
{
	char tmp[NETADDR_STRLEN];
	if (n == 0 || n >= sizeof tmp || memchr(s, '\0', n))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	memset(out, 0, sizeof *out);
	out->v4 = !memchr(tmp, ':', n);
	if (inet_pton(out->v4 ? AF_INET : AF_INET6, tmp, out->b) != 1)
		return false;
	fold_mapped(out);
	return true;
}

bool netaddr_from_sockaddr(const void *sa, struct netaddr *out)
{
	const struct sockaddr *s = sa;
	memset(out, 0, sizeof *out);
	if (s->sa_family == AF_INET) {
		memcpy(out->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		out->v4 = true;
	} else if (s->sa_family == AF_INET6) {
		memcpy(out->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		fold_mapped(out);
	} else {
		return false;
	}
	return true;
}

void netaddr_format(const struct netaddr *a, char out[NETADDR_STRLEN])
{
	if (!inet_ntop(a->v4 ? AF_INET : AF_INET6, a->b, out, NETADDR_STRLEN))
		strcpy(out, "?");
}

/* True if the first `bits` bits of x and y are equal. */
static bool prefix_eq(const uint8_t *x, const uint8_t *y, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(x, y, whole))
		return false;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return !rest || ((x[whole] ^ y[whole]) & mask) == 0;
}

/* Parses a prefix length: 1 to 3 digits, no sign. */
static bool parse_bits(const char *s, size_t n, unsigned *out)
{
	if (n == 0 || n > 3)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

/* One entry, "ADDR" or "ADDR/BITS", of n bytes. */
static bool cidr_parse(const char *s, size_t n, struct cidr *out)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	if (!netaddr_parse(s, alen, &out->net))
		return false;
	unsigned max = out->net.v4 ? 32 : 128;
	out->bits = max;
	if (slash && !parse_bits(slash + 1, n - alen - 1, &out->bits))
		return false;
	/* ::ffff:10.0.0.0/104 was folded to IPv4: its prefix counts from bit 96. */
	if (slash && out->net.v4 && memchr(s, ':', alen)) {
		if (out->bits < 96)
			return false;
		out->bits -= 96;
	}
	if (out->bits > max)
		return false;
	/* Host bits must be zero: 10.0.0.1/8 is more likely a typo than a block. */
	for (unsigned i = out->bits; i < max; i++)
		if (out->net.b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static size_t trim(const char **s, size_t n)
{
	while (n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		n--;
	}
	while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t'))
		n--;
	return n;
}

int cidr_list_parse(const char *s, struct cidr_list *out, const char **bad)
{
	out->items = NULL;
	out->n = 0;
	if (!*s)
		return 0;
	struct cidr *items = xcalloc(CIDR_LIST_MAX, sizeof *items);
	size_t n = 0;
	for (const char *p = s;; p++) {
		size_t len = strcspn(p, ",");
		const char *e = p;
		size_t elen = trim(&e, len);
		if (n == CIDR_LIST_MAX || !cidr_parse(e, elen, &items[n])) {
			*bad = e;
			free(items);
			return -1;
		}
		n++;
		p += len;
		if (!*p)
			break;
	}
	out->items = items;
	out->n = n;
	return 0;
}

void cidr_list_free(struct cidr_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

bool cidr_list_match(const struct cidr_list *l, const struct netaddr *a)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct cidr *c = &l->items[i];
		if (c->net.v4 == a->v4 && prefix_eq(c->net.b, a->b, c->bits))
			return true;
	}
	return false;
}
