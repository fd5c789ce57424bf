/* fetch.h - bounded, SSRF-safe outbound HTTP GETs (libcurl).
 *
 * For fetches the server makes on behalf of its users (profile links,
 * later federation and link previews): only http and https, at most
 * FETCH_REDIRECTS redirects (each checked like the first URL), FETCH_MAX
 * bytes of body (decompressed), FETCH_TIMEOUT_S seconds in all, no proxy
 * from the environment. Every connection is checked on the address it is
 * about to connect to, after name resolution, so no name (or redirect, or
 * DNS answer that changes) reaches an address that is loopback, "this"
 * network, private, link-local, CGNAT, unique-local, multicast, broadcast,
 * reserved, documentation, benchmarking, Teredo, a cloud metadata service,
 * or IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 with such an IPv4 address
 * inside (local-use NAT64 64:ff9b:1::/48 is refused whole).
 * fetch_init() must run before threads start. */
#ifndef RAPPORT_FETCH_H
#define RAPPORT_FETCH_H

#include <stdbool.h>
#include <stddef.h>

struct sockaddr;

#define FETCH_MAX (1u << 20)
#define FETCH_TIMEOUT_S 10
#define FETCH_REDIRECTS 3

enum fetch_rc {
	FETCH_OK = 0,    /* a response, whatever its status */
	FETCH_BAD_URL,   /* not an http(s) URL */
	FETCH_REFUSED,   /* the address is not one we may connect to */
	FETCH_TOO_LARGE, /* the body passed FETCH_MAX */
	FETCH_FAILED,    /* DNS, connection, TLS, timeout, too many redirects */
};

struct fetch_result {
	long status;          /* HTTP status of the last response */
	char *body;           /* malloc'ed, NUL-terminated; NULL unless FETCH_OK */
	size_t len;
	char content_type[128];
	char *location;       /* malloc'ed; a redirect's Location (absolute) when
			       * redirects are not followed, else NULL */
};

/* How fetch_get_opts fetches. */
struct fetch_opts {
	const char *accept;            /* the Accept header; NULL: none */
	const char *const *headers;    /* more "Name: value" lines, NULL-terminated; NULL: none */
	bool no_redirect;              /* answer a 3xx with its Location instead of following it
					* (a caller that signs each request follows them itself) */
};

/* user_agent is sent as User-Agent; allow_loopback lets fetches reach
 * 127.0.0.0/8 and ::1 (tests only, set from RAPPORT_FETCH_ALLOW_LOOPBACK).
 * Returns 0 or -1 if libcurl cannot start. */
int fetch_init(const char *user_agent, bool allow_loopback);
void fetch_cleanup(void);
/* GETs url with accept as the Accept header (NULL: none); out is filled
 * on FETCH_OK and must be released with fetch_result_free() in every case. */
enum fetch_rc fetch_get(const char *url, const char *accept, struct fetch_result *out);
/* The same with options. */
enum fetch_rc fetch_get_opts(const char *url, const struct fetch_opts *o, struct fetch_result *out);
void fetch_result_free(struct fetch_result *r);
/* True if a connection to sa is allowed by the rules above. */
bool fetch_address_allowed(const struct sockaddr *sa);
const char *fetch_rc_str(enum fetch_rc rc);

#endif
