#include "util/util.h"
#include "util/log.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

_Noreturn void xoom(void)
{
	fputs("rapport: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		xoom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		xoom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		xoom();
	return p;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

static _Atomic int64_t simulated_ms;
static atomic_bool clock_sealed;

void clock_simulate(int64_t ms)
{
	if (atomic_load(&clock_sealed)) {
		log_error("clock: a simulated clock was asked for after the clock was sealed");
		abort();
	}
	atomic_store(&simulated_ms, ms > 0 ? ms : 0);
}

void clock_seal(void)
{
	atomic_store(&clock_sealed, true);
	atomic_store(&simulated_ms, 0);
}

int64_t now_ms(void)
{
	int64_t sim = atomic_load_explicit(&simulated_ms, memory_order_relaxed);
	if (sim)
		return sim;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t idgen_next(struct idgen *g, int64_t now)
{
	int64_t base = now << ID_SEQ_BITS;
	int64_t prev = atomic_load(&g->last), next;
	do
		next = prev + 1 > base ? prev + 1 : base;
	while (!atomic_compare_exchange_weak(&g->last, &prev, next));
	int64_t ms = next >> ID_SEQ_BITS, seq = next & ((1 << ID_SEQ_BITS) - 1);
	return ms << 16 | (int64_t)g->node << ID_SEQ_BITS | seq;
}

static struct idgen ids;

void id_set_node(int node)
{
	ids.node = node;
}

int64_t id_new(void)
{
	return idgen_next(&ids, now_ms());
}

int64_t id_from_ms(int64_t ms)
{
	return ms << 16;
}

bool id_parse(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	int64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 19)
			return false;
		int d = s[n] - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v <= 0)
		return false;
	*out = v;
	return true;
}

void time_format(int64_t ms, char *out, size_t outlen)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

void date_format(int64_t ms, char *out, size_t outlen)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, outlen, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void token_random(char out[TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void sha256_hex(const void *s, size_t n, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, s, n);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void sha256_b64url(const void *s, size_t n, char out[44])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, s, n);
	sodium_bin2base64(out, 44, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool str_eq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

bool str_truthy(const char *s)
{
	if (!s)
		return false;
	return !strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "on") ||
	       !strcasecmp(s, "yes");
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ieq(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* Reads n digits at *p into *v; false if any is not a digit. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return false;
		*v = *v * 10 + (**p - '0');
	}
	return true;
}

static bool time_zone(const char *p, int *offset_s)
{
	int h, m;
	*offset_s = 0;
	if (!*p || !strcmp(p, "Z") || !strcmp(p, "z"))
		return true;
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, 2, &h) || (*p == ':' && !*++p) || !digits(&p, 2, &m) || *p || h > 23 ||
	    m > 59)
		return false;
	*offset_s = sign * (h * 3600 + m * 60);
	return true;
}

bool time_parse(const char *s, int64_t *ms)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off;
	const char *p = s;
	if (!s || !digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return false;
		if (*p == ':' && (p++, !digits(&p, 2, &sec)))
			return false;
		if (*p == '.') {
			p++;
			int n = 0;
			for (; *p >= '0' && *p <= '9'; p++, n++)
				if (n < 3)
					frac = frac * 10 + (*p - '0');
			if (n == 0)
				return false;
			for (; n < 3; n++)
				frac *= 10;
		}
	}
	if (!time_zone(p, &off) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = ((int64_t)timegm(&tm) - off) * 1000 + frac;
	return true;
}
