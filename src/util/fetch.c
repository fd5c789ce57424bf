/* fetch.c - outbound GETs with libcurl, refused before connecting to any
 * address that is not a public unicast one (see fetch.h). */
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static struct {
	char user_agent[160];
	bool allow_loopback;
} conf;

struct net {
	uint32_t addr; /* host order */
	int bits;
};

/* IPv4 ranges that are not the public Internet, or are metadata services. */
static const struct net V4_REFUSED[] = {
	{0x00000000, 8},  /* "this" network */
	{0x0A000000, 8},  /* private */
	{0x64400000, 10}, /* CGNAT (and Alibaba's metadata 100.100.100.200) */
	{0xA9FE0000, 16}, /* link-local, metadata 169.254.169.254 */
	{0xAC100000, 12}, /* private */
	{0xC0000000, 24}, /* IETF protocol assignments */
	{0xC0000200, 24}, /* TEST-NET-1 */
	{0xC0586300, 24}, /* 6to4 relay anycast */
	{0xC0A80000, 16}, /* private */
	{0xC6120000, 15}, /* benchmarking */
	{0xC6336400, 24}, /* TEST-NET-2 */
	{0xCB007100, 24}, /* TEST-NET-3 */
	{0xE0000000, 4},  /* multicast */
	{0xF0000000, 4},  /* reserved, broadcast */
	{0xA83F8110, 32}, /* Azure's wire server 168.63.129.16 */
};

static bool v4_refused(uint32_t a)
{
	for (size_t i = 0; i < sizeof V4_REFUSED / sizeof V4_REFUSED[0]; i++) {
		uint32_t mask = V4_REFUSED[i].bits ? ~0u << (32 - V4_REFUSED[i].bits) : 0;
		if ((a & mask) == V4_REFUSED[i].addr)
			return true;
	}
	return false;
}

static bool is_loopback4(uint32_t a)
{
	return (a >> 24) == 127;
}

/* A connection to a itself: loopback only in the test mode. */
static bool v4_allowed(uint32_t a)
{
	return is_loopback4(a) ? conf.allow_loopback : !v4_refused(a);
}

/* An IPv4 address carried inside IPv6 (NAT64, 6to4) goes through a
 * translator or relay: only a public one, never loopback, even in tests. */
static bool v4_public(uint32_t a)
{
	return !is_loopback4(a) && !v4_refused(a);
}

static uint32_t v4_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool v6_allowed(const uint8_t *b)
{
	static const uint8_t zero[16], mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff},
				       nat64[12] = {0, 0x64, 0xff, 0x9b};
	if (!memcmp(b, zero, 15) && b[15] == 1)
		return conf.allow_loopback; /* ::1 */
	if (!memcmp(b, mapped, 12)) /* ::ffff:0:0/96 is an IPv4 connection */
		return v4_allowed(v4_at(b + 12));
	if (!memcmp(b, nat64, 12)) /* 64:ff9b::/96, the IPv4 address last */
		return v4_public(v4_at(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02) /* 6to4 2002::/16, the IPv4 address next */
		return v4_public(v4_at(b + 2));
	/* only 2000::/3 is global unicast: this refuses ::/8 (IPv4-compatible,
	 * SIIT), 64:ff9b:1::/48 (local NAT64), 100::/64, fc00::/7 (unique-local,
	 * metadata fd00:ec2::254), fe80::/10, fec0::/10 and ff00::/8 */
	if ((b[0] & 0xe0) != 0x20)
		return false;
	/* 2001::/23 (Teredo 2001::/32, benchmarking, ORCHID, ...), 2001:db8::/32
	 * and 3fff::/20 (documentation) */
	if (b[0] == 0x20 && b[1] == 0x01 && (b[2] < 0x02 || (b[2] == 0x0d && b[3] == 0xb8)))
		return false;
	if (b[0] == 0x3f && b[1] == 0xff && b[2] < 0x10)
		return false;
	return true;
}

bool fetch_address_allowed(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return v4_allowed(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return v6_allowed(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
	return false;
}

int fetch_init(const char *user_agent, bool allow_loopback)
{
	snprintf(conf.user_agent, sizeof conf.user_agent, "%s", user_agent);
	conf.allow_loopback = allow_loopback;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void fetch_cleanup(void)
{
	curl_global_cleanup();
}

struct transfer {
	char *body;
	size_t len;
	bool too_large, refused;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	struct transfer *t = arg;
	size_t k = size * n;
	if (k > FETCH_MAX - t->len) {
		t->too_large = true;
		return 0; /* aborts the transfer */
	}
	t->body = xrealloc(t->body, t->len + k + 1);
	memcpy(t->body + t->len, p, k);
	t->len += k;
	t->body[t->len] = '\0';
	return k;
}

/* Called for every connection curl is about to open, with the address it
 * resolved: the check that no redirect or DNS answer can get around. */
static curl_socket_t on_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct transfer *t = arg;
	if (purpose != CURLSOCKTYPE_IPCXN || !fetch_address_allowed(&a->addr)) {
		t->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static struct curl_slist *header_list(const struct fetch_opts *o)
{
	struct curl_slist *l = NULL;
	if (o->accept) {
		char line[256];
		snprintf(line, sizeof line, "Accept: %s", o->accept);
		l = curl_slist_append(l, line);
	}
	for (const char *const *h = o->headers; h && *h; h++)
		l = curl_slist_append(l, *h);
	return l;
}

static void set_options(CURL *h, const char *url, const struct fetch_opts *o, struct transfer *t,
			struct curl_slist **headers)
{
	*headers = header_list(o);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, o->no_redirect ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)FETCH_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)FETCH_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FETCH_MAX);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, conf.user_agent);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, t);
}

static bool url_ok(const char *url)
{
	size_t n = strlen(url);
	return n < 4096 && (!strncasecmp(url, "https://", 8) || !strncasecmp(url, "http://", 7)) &&
	       !strpbrk(url, " \t\r\n");
}

static enum fetch_rc result_of(CURLcode c, const struct transfer *t)
{
	if (c == CURLE_OK)
		return FETCH_OK;
	if (t->refused)
		return FETCH_REFUSED;
	if (t->too_large || c == CURLE_FILESIZE_EXCEEDED)
		return FETCH_TOO_LARGE;
	return FETCH_FAILED;
}

enum fetch_rc fetch_get(const char *url, const char *accept, struct fetch_result *out)
{
	struct fetch_opts o = {.accept = accept};
	return fetch_get_opts(url, &o, out);
}

/* The response's status, type and (not following redirects) Location. */
static void read_info(CURL *h, const struct fetch_opts *o, struct fetch_result *out)
{
	char *ct = NULL, *loc = NULL;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(out->content_type, sizeof out->content_type, "%s", ct);
	if (o->no_redirect && curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
		out->location = xstrdup(loc);
}

enum fetch_rc fetch_get_opts(const char *url, const struct fetch_opts *o, struct fetch_result *out)
{
	memset(out, 0, sizeof *out);
	if (!url_ok(url))
		return FETCH_BAD_URL;
	CURL *h = curl_easy_init();
	if (!h)
		return FETCH_FAILED;
	struct transfer t = {0};
	struct curl_slist *headers;
	set_options(h, url, o, &t, &headers);
	enum fetch_rc rc = result_of(curl_easy_perform(h), &t);
	if (rc == FETCH_OK) {
		read_info(h, o, out);
		out->body = t.body ? t.body : xstrdup("");
		out->len = t.len;
		t.body = NULL;
	}
	free(t.body);
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	return rc;
}

void fetch_result_free(struct fetch_result *r)
{
	free(r->body);
	free(r->location);
	r->body = NULL;
	r->location = NULL;
}

const char *fetch_rc_str(enum fetch_rc rc)
{
	static const char *const s[] = {
		[FETCH_OK] = "ok", [FETCH_BAD_URL] = "not an http(s) URL",
		[FETCH_REFUSED] = "address refused", [FETCH_TOO_LARGE] = "response too large",
		[FETCH_FAILED] = "failed",
	};
	return (unsigned)rc < sizeof s / sizeof s[0] ? s[rc] : "failed";
}
