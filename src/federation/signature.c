/* signature.c - HTTP Signatures: strict parsers for the headers, the
 * signing strings of both forms, the checks Mastodon makes, signing in
 * draft-cavage form. See signature.h for the rules. */
#include "federation/signature.h"
#include "util/buf.h"
#include "util/rsa.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SIG_BASE_MAX (64 * 1024) /* a signing string */
#define SIG_B64_MAX 1400         /* base64 of RSA_SIG_MAX bytes, with room */
#define SIG_NUM_DIGITS 12

struct slice {
	const char *p;
	size_t n;
};

const char *sig_rc_str(enum sig_rc rc)
{
	switch (rc) {
	case SIG_OK:
		return "signature verified";
	case SIG_MISSING_HEADER:
		return "a header the signature rules require is missing or not signed";
	case SIG_MALFORMED:
		return "the signature header is malformed or uses an unsupported algorithm";
	case SIG_BAD_SIGNATURE:
		return "the signature does not match the request";
	case SIG_UNKNOWN_KEY:
		return "the signing key is unknown";
	case SIG_KEY_UNAVAILABLE:
		return "the signing key could not be fetched";
	case SIG_EXPIRED:
		return "the signature's date is outside the accepted window";
	case SIG_DIGEST_MISMATCH:
		return "the body digest is missing SHA-256 or does not match the body";
	}
	return "unknown signature error";
}

/* ---- small lexical helpers ---- */

static bool slice_eq(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && !memcmp(s.p, lit, n);
}

static bool slice_ieq(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && !strncasecmp(s.p, lit, n);
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Visible ASCII and space, nothing that needs escaping in a quoted string. */
static bool is_qchar(char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

static bool parse_int(struct slice s, int64_t *out)
{
	if (!s.n || s.n > SIG_NUM_DIGITS)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		if (!is_digit(s.p[i]))
			return false;
		v = v * 10 + (s.p[i] - '0');
	}
	*out = v;
	return true;
}

/* The header named name (case-insensitive); SIG_MISSING_HEADER if absent,
 * SIG_MALFORMED if present twice (which of two values was signed?). */
static enum sig_rc header_one(const struct sig_request *r, struct slice name, const char **v)
{
	*v = NULL;
	for (int i = 0; i < r->nheaders; i++) {
		const char *n = r->headers[i].name;
		if (strlen(n) != name.n || strncasecmp(n, name.p, name.n))
			continue;
		if (*v)
			return SIG_MALFORMED;
		*v = r->headers[i].value;
	}
	return *v ? SIG_OK : SIG_MISSING_HEADER;
}

static enum sig_rc header_get(const struct sig_request *r, const char *name, const char **v)
{
	return header_one(r, (struct slice){name, strlen(name)}, v);
}

static bool bounded(const char *s)
{
	return strnlen(s, SIG_HEADER_MAX + 1) <= SIG_HEADER_MAX;
}

/* The end of header value h, which must be there and bounded. */
static enum sig_rc header_end(const char *h, const char **end)
{
	if (!h)
		return SIG_MISSING_HEADER;
	if (!bounded(h))
		return SIG_MALFORMED;
	*end = h + strlen(h);
	return SIG_OK;
}

static void put_lower(struct buf *b, const char *s, size_t n, int *fail)
{
	for (size_t i = 0; i < n; i++)
		*fail |= buf_printf(b, "%c", (char)tolower((unsigned char)s[i]));
}

/* ---- digests ---- */

static void sha256_b64(const void *body, size_t n, char out[45])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, body ? body : (const void *)"", n);
	sodium_bin2base64(out, 45, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
}

/* Trims optional whitespace off both ends of [p, end). */
static struct slice trim(const char *p, const char *end)
{
	p = skip_ows(p, end);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return (struct slice){p, (size_t)(end - p)};
}

enum sig_rc sig_check_digest(const char *digest, const void *body, size_t n)
{
	const char *p = digest, *end;
	enum sig_rc rc = header_end(digest, &end);
	if (rc)
		return rc;
	char want[45];
	sha256_b64(body, n, want);
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (!eq)
			return SIG_MALFORMED;
		if (slice_ieq(trim(p, eq), "sha-256"))
			return slice_eq(trim(eq + 1, stop), want) ? SIG_OK : SIG_DIGEST_MISMATCH;
		p = stop + 1;
	}
	return SIG_DIGEST_MISMATCH;
}

/* An RFC 8941 byte sequence ":base64:" starting at p; its inside in *v. */
static const char *parse_bytes(const char *p, const char *end, struct slice *v)
{
	if (p >= end || *p != ':')
		return NULL;
	const char *s = ++p;
	while (p < end && *p != ':') {
		if (!(isalnum((unsigned char)*p) || *p == '+' || *p == '/' || *p == '='))
			return NULL;
		p++;
	}
	if (p >= end)
		return NULL;
	*v = (struct slice){s, (size_t)(p - s)};
	return p + 1;
}

/* An RFC 8941 key: lower-case letter or '*', then [a-z0-9_.*-]. */
static const char *parse_key(const char *p, const char *end, struct slice *k)
{
	const char *s = p;
	if (p >= end || !((*p >= 'a' && *p <= 'z') || *p == '*'))
		return NULL;
	while (p < end && ((*p >= 'a' && *p <= 'z') || is_digit(*p) || strchr("_-.*", *p)))
		p++;
	if (p - s > 64)
		return NULL;
	*k = (struct slice){s, (size_t)(p - s)};
	return p;
}

enum sig_rc sig_check_content_digest(const char *cd, const void *body, size_t n)
{
	const char *p = cd, *end;
	enum sig_rc rc = header_end(cd, &end);
	if (rc)
		return rc;
	char want[45];
	sha256_b64(body, n, want);
	rc = SIG_DIGEST_MISMATCH;
	for (;;) {
		struct slice k, v;
		p = skip_ows(p, end);
		if (!(p = parse_key(p, end, &k)) || p >= end || *p != '=' ||
		    !(p = parse_bytes(p + 1, end, &v)))
			return SIG_MALFORMED;
		if (slice_eq(k, "sha-256") && rc == SIG_DIGEST_MISMATCH)
			rc = slice_eq(v, want) ? SIG_OK : SIG_DIGEST_MISMATCH;
		p = skip_ows(p, end);
		if (p == end)
			return rc;
		if (*p != ',')
			return SIG_MALFORMED;
		p++;
	}
}

/* When the signature covers it (covered), the body checked by check
 * against the digest header name: Digest for draft-cavage,
 * Content-Digest for RFC 9421. */
static enum sig_rc check_body(const struct sig_request *r, bool covered, const char *name,
			      enum sig_rc (*check)(const char *, const void *, size_t))
{
	const char *d;
	enum sig_rc rc = covered ? header_get(r, name, &d) : SIG_OK;
	return rc || !covered ? rc : check(d, r->body, r->body_len);
}

/* ---- time ---- */

bool sig_parse_date(const char *s, int64_t *out)
{
	if (!s || strnlen(s, 30) != 29 || s[3] != ',' || s[4] != ' ' || strcmp(s + 25, " GMT"))
		return false;
	struct tm tm = {0};
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!end || *end)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

static enum sig_rc check_window(int64_t created, bool has_expires, int64_t expires,
				int64_t now)
{
	int64_t exp = has_expires ? expires : created + SIG_DEFAULT_EXPIRY;
	if (exp > created + SIG_EXPIRY_LIMIT)
		exp = created + SIG_EXPIRY_LIMIT;
	if (created > now + SIG_CLOCK_SKEW || now > exp + SIG_CLOCK_SKEW)
		return SIG_EXPIRED;
	return SIG_OK;
}

/* ---- the key and the RSA check ---- */

static enum sig_rc decode_signature(struct slice b64, unsigned char *sig, size_t *len)
{
	char tmp[SIG_B64_MAX + 1];
	if (!b64.n || b64.n > SIG_B64_MAX)
		return SIG_MALFORMED;
	memcpy(tmp, b64.p, b64.n);
	tmp[b64.n] = '\0';
	if (sodium_base642bin(sig, RSA_SIG_MAX, tmp, b64.n, NULL, len, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return SIG_MALFORMED;
	return SIG_OK;
}

static bool any_valid(const char *pem, struct buf *bases, int nbases, const unsigned char *sig,
		      size_t siglen, bool *bad_key)
{
	for (int i = 0; i < nbases; i++) {
		enum rsa_verdict v = rsa_verify_sha256(pem, bases[i].data, bases[i].len, sig, siglen);
		*bad_key = v == RSA_BAD_KEY;
		if (v != RSA_INVALID)
			return v == RSA_VALID;
	}
	return false;
}

/* Asks for the key, verifies against each signing string, and on failure
 * asks once more with refresh. */
static enum sig_rc check_key(sig_key_fn key, void *ctx, const char *key_id, struct buf *bases,
			     int nbases, const unsigned char *sig, size_t siglen)
{
	bool bad_key = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		const char *pem = NULL;
		enum sig_key_rc k = key(ctx, key_id, attempt == 1, &pem);
		if (k == SIG_KEY_NONE || (k == SIG_KEY_FOUND && !pem))
			return SIG_UNKNOWN_KEY;
		if (k != SIG_KEY_FOUND)
			return attempt ? SIG_BAD_SIGNATURE : SIG_KEY_UNAVAILABLE;
		if (any_valid(pem, bases, nbases, sig, siglen, &bad_key))
			return SIG_OK;
	}
	return bad_key ? SIG_UNKNOWN_KEY : SIG_BAD_SIGNATURE;
}

static enum sig_rc copy_key_id(struct slice k, struct sig_verified *out)
{
	if (!k.n || k.n > SIG_KEYID_MAX)
		return SIG_MALFORMED;
	memcpy(out->key_id, k.p, k.n);
	out->key_id[k.n] = '\0';
	return SIG_OK;
}

/* ---- draft-cavage ---- */

static int cavage_set(struct sig_cavage *o, struct slice name, struct slice v, bool quoted)
{
	const char **str = NULL;
	size_t *len = NULL;
	if (slice_eq(name, "keyId"))
		str = &o->key_id, len = &o->key_id_len;
	else if (slice_eq(name, "algorithm"))
		str = &o->algorithm, len = &o->algorithm_len;
	else if (slice_eq(name, "headers"))
		str = &o->headers, len = &o->headers_len;
	else if (slice_eq(name, "signature"))
		str = &o->signature, len = &o->signature_len;
	if (str) {
		if (*str || !quoted || !v.n)
			return -1;
		*str = v.p;
		*len = v.n;
		return 0;
	}
	bool created = slice_eq(name, "created"), expires = slice_eq(name, "expires");
	if (!created && !expires)
		return 0; /* an unknown parameter is ignored */
	bool *has = created ? &o->has_created : &o->has_expires;
	if (*has || !parse_int(v, created ? &o->created : &o->expires))
		return -1;
	*has = true;
	return 0;
}

/* One `name="value"` or `name=digits` at p; returns the end or NULL. */
static const char *cavage_param(const char *p, const char *end, struct slice *name,
				struct slice *v, bool *quoted)
{
	const char *s = p;
	while (p < end && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
		p++;
	*name = (struct slice){s, (size_t)(p - s)};
	if (!name->n || p >= end || *p++ != '=')
		return NULL;
	*quoted = p < end && *p == '"';
	if (*quoted)
		p++;
	s = p;
	while (p < end && (*quoted ? is_qchar(*p) : is_digit(*p)))
		p++;
	*v = (struct slice){s, (size_t)(p - s)};
	if (*quoted && (p >= end || *p++ != '"'))
		return NULL;
	return p;
}

enum sig_rc sig_parse_cavage(const char *header, struct sig_cavage *o)
{
	memset(o, 0, sizeof *o);
	const char *p = header, *end;
	enum sig_rc rc = header_end(header, &end);
	if (rc)
		return rc;
	for (int n = 0;; n++) {
		struct slice name, v;
		bool quoted;
		p = cavage_param(skip_ows(p, end), end, &name, &v, &quoted);
		if (!p || n >= SIG_MAX_PARAMS || cavage_set(o, name, v, quoted))
			return SIG_MALFORMED;
		p = skip_ows(p, end);
		if (p == end)
			break;
		if (*p++ != ',')
			return SIG_MALFORMED;
	}
	return o->key_id && o->signature ? SIG_OK : SIG_MISSING_HEADER;
}

/* The covered header names, split on spaces. */
static enum sig_rc cavage_names(const struct sig_cavage *c, struct slice *names, int *n)
{
	struct slice all = c->headers ? (struct slice){c->headers, c->headers_len}
				      : (struct slice){"date", 4};
	const char *p = all.p, *end = all.p + all.n;
	*n = 0;
	while ((p = skip_ows(p, end)) < end) {
		const char *s = p;
		while (p < end && *p != ' ')
			p++;
		if (*n == SIG_MAX_COMPONENTS)
			return SIG_MALFORMED;
		names[(*n)++] = (struct slice){s, (size_t)(p - s)};
	}
	return *n ? SIG_OK : SIG_MALFORMED;
}

static bool covers(const struct slice *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (slice_ieq(names[i], name))
			return true;
	return false;
}

static bool is_get(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

/* The rules on what a cavage signature must cover. */
static enum sig_rc cavage_rules(const struct sig_request *r, const struct sig_cavage *c,
				bool hs2019, const struct slice *names, int n)
{
	if (!covers(names, n, "date") && !covers(names, n, "(created)"))
		return SIG_MISSING_HEADER;
	if (!covers(names, n, "(request-target)") && !covers(names, n, "digest"))
		return SIG_MISSING_HEADER;
	if (is_get(r->method) && !covers(names, n, "host"))
		return SIG_MISSING_HEADER;
	if (!is_get(r->method) && !covers(names, n, "digest"))
		return SIG_MISSING_HEADER;
	if ((covers(names, n, "(created)") && (!hs2019 || !c->has_created)) ||
	    (covers(names, n, "(expires)") && (!hs2019 || !c->has_expires)))
		return SIG_MALFORMED;
	return SIG_OK;
}

static enum sig_rc cavage_window(const struct sig_request *r, const struct sig_cavage *c,
				 bool hs2019, int64_t now)
{
	int64_t created;
	const char *date;
	if (hs2019 && c->has_created) {
		created = c->created;
	} else {
		enum sig_rc rc = header_get(r, "date", &date);
		if (rc)
			return rc;
		if (!sig_parse_date(date, &created))
			return SIG_MALFORMED;
	}
	return check_window(created, c->has_expires, c->expires, now);
}

/* Appends "name: value" of one covered header to the signing string. */
static enum sig_rc cavage_line(const struct sig_request *r, const struct sig_cavage *c,
			       struct slice name, size_t target_len, struct buf *b)
{
	int fail = 0;
	if (slice_ieq(name, "(request-target)")) {
		fail |= buf_puts(b, "(request-target): ");
		put_lower(b, r->method, strlen(r->method), &fail);
		fail |= buf_printf(b, " %.*s", (int)target_len, r->target);
	} else if (slice_ieq(name, "(created)")) {
		fail |= buf_printf(b, "(created): %lld", (long long)c->created);
	} else if (slice_ieq(name, "(expires)")) {
		fail |= buf_printf(b, "(expires): %lld", (long long)c->expires);
	} else {
		const char *v;
		enum sig_rc rc = header_one(r, name, &v);
		if (rc)
			return rc;
		put_lower(b, name.p, name.n, &fail);
		fail |= buf_printf(b, ": %s", v);
	}
	return fail ? SIG_MALFORMED : SIG_OK;
}

static enum sig_rc cavage_base(const struct sig_request *r, const struct sig_cavage *c,
			       const struct slice *names, int n, size_t target_len,
			       struct buf *b)
{
	buf_init(b, SIG_BASE_MAX);
	for (int i = 0; i < n; i++) {
		enum sig_rc rc = cavage_line(r, c, names[i], target_len, b);
		if (rc)
			return rc;
		if (i + 1 < n && buf_puts(b, "\n"))
			return SIG_MALFORMED;
	}
	return SIG_OK;
}

static enum sig_rc verify_cavage(const struct sig_request *r, int64_t now, sig_key_fn key,
				 void *ctx, struct sig_verified *out)
{
	const char *h;
	struct sig_cavage c;
	struct slice names[SIG_MAX_COMPONENTS];
	int n;
	enum sig_rc rc = header_get(r, "signature", &h);
	if (rc || (rc = sig_parse_cavage(h, &c)) ||
	    (rc = copy_key_id((struct slice){c.key_id, c.key_id_len}, out)))
		return rc;
	struct slice alg = {c.algorithm, c.algorithm_len};
	bool hs2019 = !c.algorithm || slice_eq(alg, "hs2019");
	if (!hs2019 && !slice_eq(alg, "rsa-sha256"))
		return SIG_MALFORMED;
	if ((rc = cavage_names(&c, names, &n)) || (rc = cavage_rules(r, &c, hs2019, names, n)) ||
	    (rc = cavage_window(r, &c, hs2019, now)) ||
	    (rc = check_body(r, covers(names, n, "digest"), "digest", sig_check_digest)))
		return rc;
	unsigned char sig[RSA_SIG_MAX];
	size_t siglen;
	if ((rc = decode_signature((struct slice){c.signature, c.signature_len}, sig, &siglen)))
		return rc;
	/* with the query string, then without it */
	struct buf bases[2] = {{0}, {0}};
	size_t full = strlen(r->target), path = strcspn(r->target, "?");
	int nb = path < full ? 2 : 1;
	for (int i = 0; i < nb && !rc; i++)
		rc = cavage_base(r, &c, names, n, i ? path : full, &bases[i]);
	if (!rc)
		rc = check_key(key, ctx, out->key_id, bases, nb, sig, siglen);
	buf_free(&bases[0]);
	buf_free(&bases[1]);
	return rc;
}

/* ---- RFC 9421 ---- */

/* An RFC 8941 string without escapes at p ("..."), its inside in *v. */
static const char *parse_string(const char *p, const char *end, struct slice *v)
{
	if (p >= end || *p != '"')
		return NULL;
	const char *s = ++p;
	while (p < end && is_qchar(*p))
		p++;
	if (p >= end || *p != '"')
		return NULL;
	*v = (struct slice){s, (size_t)(p - s)};
	return p + 1;
}

/* The inner list of component names: ("a" "b" ...). */
static const char *input_components(const char *p, const char *end, struct sig_input *o)
{
	if (p >= end || *p++ != '(')
		return NULL;
	while (p < end && *p != ')') {
		if (o->ncomp && *p++ != ' ')
			return NULL;
		struct slice v;
		if (o->ncomp == SIG_MAX_COMPONENTS || !(p = parse_string(p, end, &v)) || !v.n)
			return NULL;
		o->comp[o->ncomp] = v.p;
		o->comp_len[o->ncomp++] = v.n;
	}
	return p < end ? p + 1 : NULL;
}

static int input_set(struct sig_input *o, struct slice k, struct slice v, bool is_str)
{
	const char **str = NULL;
	size_t *len = NULL;
	if (slice_eq(k, "keyid"))
		str = &o->key_id, len = &o->key_id_len;
	else if (slice_eq(k, "alg"))
		str = &o->alg, len = &o->alg_len;
	if (str) {
		if (*str || !is_str)
			return -1;
		*str = v.p;
		*len = v.n;
		return 0;
	}
	bool created = slice_eq(k, "created"), expires = slice_eq(k, "expires");
	if (!created && !expires)
		return 0; /* nonce, tag, and any other: signed, not interpreted */
	bool *has = created ? &o->has_created : &o->has_expires;
	if (*has || is_str || !parse_int(v, created ? &o->created : &o->expires))
		return -1;
	*has = true;
	return 0;
}

/* ;key=value parameters up to end. */
static bool input_params(const char *p, const char *end, struct sig_input *o)
{
	for (int n = 0; p < end; n++) {
		struct slice k, v;
		if (n == SIG_MAX_PARAMS || *p++ != ';' || !(p = parse_key(p, end, &k)) ||
		    p >= end || *p++ != '=')
			return false;
		bool is_str = p < end && *p == '"';
		if (is_str) {
			p = parse_string(p, end, &v);
		} else {
			const char *s = p;
			while (p < end && is_digit(*p))
				p++;
			v = (struct slice){s, (size_t)(p - s)};
		}
		if (!p || input_set(o, k, v, is_str))
			return false;
	}
	return true;
}

enum sig_rc sig_parse_input(const char *header, struct sig_input *o)
{
	memset(o, 0, sizeof *o);
	const char *p = header, *end;
	struct slice label;
	enum sig_rc rc = header_end(header, &end);
	if (rc)
		return rc;
	if (!(p = parse_key(p, end, &label)) || p >= end || *p++ != '=')
		return SIG_MALFORMED;
	o->label = label.p;
	o->label_len = label.n;
	o->params = p;
	o->params_len = (size_t)(end - p);
	if (!(p = input_components(p, end, o)) || !input_params(p, end, o))
		return SIG_MALFORMED;
	return o->key_id && o->has_created ? SIG_OK : SIG_MISSING_HEADER;
}

/* The Signature header: exactly `label=:base64:` for the input's label. */
static enum sig_rc input_signature(const char *h, const struct sig_input *in, struct slice *b64)
{
	const char *p = h, *end;
	struct slice label;
	enum sig_rc rc = header_end(h, &end);
	if (rc)
		return rc;
	if (!(p = parse_key(p, end, &label)) || p >= end || *p++ != '=' ||
	    !(p = parse_bytes(p, end, b64)) || p != end)
		return SIG_MALFORMED;
	return label.n == in->label_len && !memcmp(label.p, in->label, label.n) ? SIG_OK
										: SIG_MALFORMED;
}

static bool input_covers(const struct sig_input *in, const char *name)
{
	for (int i = 0; i < in->ncomp; i++)
		if (slice_eq((struct slice){in->comp[i], in->comp_len[i]}, name))
			return true;
	return false;
}

static enum sig_rc input_rules(const struct sig_request *r, const struct sig_input *in)
{
	if (in->alg && !slice_eq((struct slice){in->alg, in->alg_len}, "rsa-v1_5-sha256"))
		return SIG_MALFORMED;
	if (!input_covers(in, "@method"))
		return SIG_MISSING_HEADER;
	if (!input_covers(in, "@target-uri") &&
	    !(input_covers(in, "@authority") && input_covers(in, "@path")))
		return SIG_MISSING_HEADER;
	if (!is_get(r->method) && !input_covers(in, "content-digest"))
		return SIG_MISSING_HEADER;
	return SIG_OK;
}

/* The value of a derived component (@...), appended to b. */
static enum sig_rc derived(const struct sig_request *r, struct slice c, struct buf *b)
{
	int fail = 0;
	const char *host = NULL, *q = strchr(r->target, '?');
	size_t path = strcspn(r->target, "?");
	if (slice_eq(c, "@method")) {
		fail |= buf_puts(b, r->method);
	} else if (slice_eq(c, "@path")) {
		fail |= buf_printf(b, "%.*s", (int)path, r->target);
	} else if (slice_eq(c, "@query")) {
		fail |= buf_puts(b, q ? q : "?");
	} else if (slice_eq(c, "@request-target")) {
		fail |= buf_puts(b, r->target);
	} else if (slice_eq(c, "@scheme")) {
		put_lower(b, r->scheme, strlen(r->scheme), &fail);
	} else if (slice_eq(c, "@authority") || slice_eq(c, "@target-uri")) {
		enum sig_rc rc = header_get(r, "host", &host);
		if (rc)
			return rc;
		if (slice_eq(c, "@target-uri")) {
			put_lower(b, r->scheme, strlen(r->scheme), &fail);
			fail |= buf_puts(b, "://");
		}
		put_lower(b, host, strlen(host), &fail);
		if (slice_eq(c, "@target-uri"))
			fail |= buf_puts(b, r->target);
	} else {
		return SIG_MALFORMED; /* @status, @query-param (needs a parameter), unknown */
	}
	return fail ? SIG_MALFORMED : SIG_OK;
}

static enum sig_rc input_line(const struct sig_request *r, struct slice c, struct buf *b)
{
	if (buf_printf(b, "\"%.*s\": ", (int)c.n, c.p))
		return SIG_MALFORMED;
	if (c.p[0] == '@')
		return derived(r, c, b);
	for (size_t i = 0; i < c.n; i++)
		if (c.p[i] >= 'A' && c.p[i] <= 'Z')
			return SIG_MALFORMED; /* field names are lower case */
	const char *v;
	enum sig_rc rc = header_one(r, c, &v);
	if (rc)
		return rc;
	struct slice t = trim(v, v + strlen(v));
	return buf_append(b, t.p, t.n) ? SIG_MALFORMED : SIG_OK;
}

static enum sig_rc input_base(const struct sig_request *r, const struct sig_input *in,
			      struct buf *b)
{
	buf_init(b, SIG_BASE_MAX);
	for (int i = 0; i < in->ncomp; i++) {
		enum sig_rc rc = input_line(r, (struct slice){in->comp[i], in->comp_len[i]}, b);
		if (rc)
			return rc;
		if (buf_puts(b, "\n"))
			return SIG_MALFORMED;
	}
	if (buf_puts(b, "\"@signature-params\": ") ||
	    buf_append(b, in->params, in->params_len))
		return SIG_MALFORMED;
	return SIG_OK;
}

static enum sig_rc verify_rfc9421(const struct sig_request *r, int64_t now, sig_key_fn key,
				  void *ctx, struct sig_verified *out)
{
	const char *hi, *hs;
	struct sig_input in;
	struct slice b64;
	enum sig_rc rc = header_get(r, "signature-input", &hi);
	if (rc || (rc = header_get(r, "signature", &hs)) || (rc = sig_parse_input(hi, &in)) ||
	    (rc = copy_key_id((struct slice){in.key_id, in.key_id_len}, out)) ||
	    (rc = input_signature(hs, &in, &b64)) || (rc = input_rules(r, &in)) ||
	    (rc = check_window(in.created, in.has_expires, in.expires, now)) ||
	    (rc = check_body(r, input_covers(&in, "content-digest"), "content-digest",
			     sig_check_content_digest)))
		return rc;
	unsigned char sig[RSA_SIG_MAX];
	size_t siglen;
	if ((rc = decode_signature(b64, sig, &siglen)))
		return rc;
	struct buf base = {0};
	rc = input_base(r, &in, &base);
	if (!rc)
		rc = check_key(key, ctx, out->key_id, &base, 1, sig, siglen);
	buf_free(&base);
	return rc;
}

enum sig_rc sig_verify(const struct sig_request *r, int64_t now, sig_key_fn key, void *ctx,
		       struct sig_verified *out)
{
	const char *v;
	memset(out, 0, sizeof *out);
	enum sig_rc has_input = header_get(r, "signature-input", &v);
	if (has_input == SIG_MALFORMED)
		return SIG_MALFORMED;
	out->form = has_input == SIG_OK ? SIG_RFC9421 : SIG_CAVAGE;
	return out->form == SIG_RFC9421 ? verify_rfc9421(r, now, key, ctx, out)
					: verify_cavage(r, now, key, ctx, out);
}

/* ---- signing ---- */

static bool header_safe(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (!n || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_qchar(s[i]))
			return false;
	return true;
}

static void format_date(int64_t now, char out[32])
{
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	static const char *const day[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT", day[tm.tm_wday], tm.tm_mday,
		 mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The signing string of an outgoing request; the covered names in *names. */
static int sign_base(const struct sig_outgoing *o, bool post, const struct sig_headers *h,
		     struct buf *b, const char **names)
{
	int fail = buf_puts(b, "(request-target): ");
	put_lower(b, o->method, strlen(o->method), &fail);
	fail |= buf_printf(b, " %s\nhost: %s\ndate: %s", o->target, o->host, h->date);
	if (post)
		fail |= buf_printf(b, "\ndigest: %s\ncontent-type: %s", h->digest, o->content_type);
	*names = post ? "(request-target) host date digest content-type"
		      : "(request-target) host date";
	return fail;
}

int sig_sign_cavage(const struct sig_outgoing *o, sig_sign_fn sign, void *ctx,
		    struct sig_headers *h)
{
	bool post = !strcmp(o->method, "POST");
	memset(h, 0, sizeof *h);
	if ((!post && strcmp(o->method, "GET")) || !header_safe(o->host, 255) ||
	    !header_safe(o->target, 2048) || !header_safe(o->key_id, SIG_KEYID_MAX) ||
	    (post && !header_safe(o->content_type ? o->content_type : "", 255)))
		return -1;
	format_date(o->now, h->date);
	if (post) {
		char d[45];
		sha256_b64(o->body, o->body_len, d);
		snprintf(h->digest, sizeof h->digest, "SHA-256=%s", d);
	}
	struct buf b;
	buf_init(&b, SIG_BASE_MAX);
	const char *names;
	unsigned char sig[RSA_SIG_MAX];
	size_t siglen = 0;
	char b64[SIG_B64_MAX];
	int rc = -1;
	if (sign_base(o, post, h, &b, &names) || sign(ctx, b.data, b.len, sig, &siglen) ||
	    !siglen || siglen > RSA_SIG_MAX)
		goto out;
	sodium_bin2base64(b64, sizeof b64, sig, siglen, sodium_base64_VARIANT_ORIGINAL);
	int n = snprintf(h->signature, sizeof h->signature,
			 "keyId=\"%s\",algorithm=\"rsa-sha256\",headers=\"%s\",signature=\"%s\"",
			 o->key_id, names, b64);
	rc = n > 0 && (size_t)n < sizeof h->signature ? 0 : -1;
out:
	buf_free(&b);
	return rc;
}
