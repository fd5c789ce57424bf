/* Unit tests of federation/signature with fixed vectors: signatures made
 * once by the openssl command line (tests/unit/keys/make_vectors.sh) over
 * fixed requests, in draft-cavage (rsa-sha256 and hs2019, with and
 * without the query string) and RFC 9421 form. Each is verified as it
 * was made, then tampered with part by part, and each tampering must be
 * rejected with the right reason. The signer must reproduce the vectors
 * byte for byte (RSASSA-PKCS1-v1_5 is deterministic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "federation/signature.h"
#include "util/rsa.h"

#include "sig_vectors.inc"

#define HOUR 3600
#define OTHER_KEYID "https://remote.test/users/mallory#main-key"
#define MAX_H 12

/* ---- the key callback ---- */

struct keys {
	int calls, refreshes;
	enum sig_key_rc rc;          /* what every call answers */
	const char *first, *fresh;   /* bob's key before and after a refresh */
};

static enum sig_key_rc key_of(void *ctx, const char *key_id, bool refresh, const char **pem)
{
	struct keys *k = ctx;
	k->calls++;
	k->refreshes += refresh;
	if (k->rc != SIG_KEY_FOUND)
		return k->rc;
	if (!strcmp(key_id, OTHER_KEYID)) {
		*pem = V_OTHER_PEM;
		return SIG_KEY_FOUND;
	}
	if (strcmp(key_id, V_KEYID))
		return SIG_KEY_NONE;
	*pem = refresh && k->fresh ? k->fresh : k->first ? k->first : V_PUBLIC_PEM;
	return SIG_KEY_FOUND;
}

static int signer(void *ctx, const void *data, size_t n, unsigned char *sig, size_t *len)
{
	return rsa_sign_sha256(ctx, data, n, sig, len);
}

/* ---- requests ---- */

struct rq {
	struct sig_request r;
	struct sig_header h[MAX_H];
	char sig[SIG_HEADER_MAX];
};

static void add(struct rq *q, const char *name, const char *value)
{
	assert_true(q->r.nheaders < MAX_H);
	q->h[q->r.nheaders++] = (struct sig_header){name, value};
}

/* Replaces the value of a header (the first of that name). */
static void set(struct rq *q, const char *name, const char *value)
{
	for (int i = 0; i < q->r.nheaders; i++)
		if (!strcmp(q->h[i].name, name)) {
			q->h[i].value = value;
			return;
		}
	fail_msg("no header %s", name);
}

static void drop(struct rq *q, const char *name)
{
	for (int i = 0; i < q->r.nheaders; i++)
		if (!strcmp(q->h[i].name, name)) {
			q->h[i] = q->h[--q->r.nheaders];
			return;
		}
}

static void base(struct rq *q, const char *method, const char *target)
{
	memset(q, 0, sizeof *q);
	q->r = (struct sig_request){.method = method, .scheme = "https", .target = target,
				    .headers = q->h};
	add(q, "Host", "rapport.test");
	add(q, "Date", V_DATE);
	add(q, "User-Agent", "Mastodon/4.7.0");
	if (!strcmp(method, "POST")) {
		q->r.body = V_BODY;
		q->r.body_len = strlen(V_BODY);
		add(q, "Content-Type", "application/activity+json");
	}
}

static void cavage(struct rq *q, const char *alg, const char *headers, const char *sig)
{
	snprintf(q->sig, sizeof q->sig, "keyId=\"%s\",%s%s%sheaders=\"%s\",signature=\"%s\"",
		 V_KEYID, alg ? "algorithm=\"" : "", alg ? alg : "", alg ? "\"," : "", headers,
		 sig);
	add(q, "Signature", q->sig);
}

#define POST_HEADERS "(request-target) host date digest content-type"
#define MASTODON_ORDER "host date content-type digest (request-target)"

static void post1(struct rq *q)
{
	base(q, "POST", "/users/alice/inbox");
	add(q, "Digest", V_DIGEST);
	cavage(q, "rsa-sha256", POST_HEADERS, V_SIG1);
}

static void post2(struct rq *q)
{
	base(q, "POST", "/users/alice/inbox");
	add(q, "Digest", V_DIGEST);
	cavage(q, "hs2019", MASTODON_ORDER, V_SIG2);
}

static void get3(struct rq *q)
{
	base(q, "GET", "/users/alice/outbox?page=true");
	cavage(q, "rsa-sha256", "(request-target) host date", V_SIG3);
}

static void post5(struct rq *q)
{
	base(q, "POST", "/users/alice/inbox");
	add(q, "Content-Digest", V_CONTENT_DIGEST);
	add(q, "Signature-Input", V_INPUT5);
	add(q, "Signature", V_SIG5);
}

static void get6(struct rq *q)
{
	base(q, "GET", "/users/alice/outbox");
	add(q, "Signature-Input", V_INPUT6);
	add(q, "Signature", V_SIG6);
}

static enum sig_rc verify_at(struct rq *q, int64_t now, struct keys *k)
{
	struct sig_verified v;
	enum sig_rc rc = sig_verify(&q->r, now, key_of, k, &v);
	if (rc == SIG_OK)
		assert_string_equal(v.key_id, V_KEYID);
	return rc;
}

static enum sig_rc verify(struct rq *q)
{
	struct keys k = {0};
	return verify_at(q, V_CREATED, &k);
}

/* ---- known-good vectors ---- */

static void test_vectors_verify(void **state)
{
	(void)state;
	struct rq q;
	struct sig_verified v;
	struct keys k = {0};
	post1(&q);
	assert_int_equal(sig_verify(&q.r, V_CREATED, key_of, &k, &v), SIG_OK);
	assert_int_equal(v.form, SIG_CAVAGE);
	assert_string_equal(v.key_id, V_KEYID);
	assert_int_equal(k.calls, 1);
	post2(&q);
	assert_int_equal(verify(&q), SIG_OK);
	get3(&q);
	assert_int_equal(verify(&q), SIG_OK);
	/* signed without the query string, received with it */
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "rsa-sha256", "(request-target) host date", V_SIG4);
	assert_int_equal(verify(&q), SIG_OK);
	/* hs2019 (the key's own algorithm: RSA with SHA-256), and no
	 * algorithm at all, which counts as hs2019 */
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "hs2019", "(request-target) host date", V_SIG3);
	assert_int_equal(verify(&q), SIG_OK);
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, NULL, "(request-target) host date", V_SIG3);
	assert_int_equal(verify(&q), SIG_OK);
	post5(&q);
	assert_int_equal(sig_verify(&q.r, V_CREATED, key_of, &k, &v), SIG_OK);
	assert_int_equal(v.form, SIG_RFC9421);
	assert_string_equal(v.key_id, V_KEYID);
	get6(&q);
	assert_int_equal(verify(&q), SIG_OK);
}

static void test_signer_reproduces_vectors(void **state)
{
	(void)state;
	struct sig_outgoing o = {.method = "POST", .host = "rapport.test",
				 .target = "/users/alice/inbox",
				 .content_type = "application/activity+json", .body = V_BODY,
				 .body_len = strlen(V_BODY), .key_id = V_KEYID, .now = V_CREATED};
	struct sig_headers h;
	assert_int_equal(sig_sign_cavage(&o, signer, (void *)V_PRIVATE_PEM, &h), 0);
	assert_string_equal(h.date, V_DATE);
	assert_string_equal(h.digest, V_DIGEST);
	assert_string_equal(h.signature, "keyId=\"" V_KEYID "\",algorithm=\"rsa-sha256\","
					 "headers=\"" POST_HEADERS "\",signature=\"" V_SIG1 "\"");
	o = (struct sig_outgoing){.method = "GET", .host = "rapport.test",
				  .target = "/users/alice/outbox?page=true", .key_id = V_KEYID,
				  .now = V_CREATED};
	assert_int_equal(sig_sign_cavage(&o, signer, (void *)V_PRIVATE_PEM, &h), 0);
	assert_string_equal(h.digest, "");
	assert_string_equal(h.signature, "keyId=\"" V_KEYID "\",algorithm=\"rsa-sha256\","
					 "headers=\"(request-target) host date\",signature=\"" V_SIG3
					 "\"");
	/* unsafe parts are refused, not sent */
	o.key_id = "https://x/\"a";
	assert_int_equal(sig_sign_cavage(&o, signer, (void *)V_PRIVATE_PEM, &h), -1);
	o.key_id = V_KEYID;
	o.method = "PUT";
	assert_int_equal(sig_sign_cavage(&o, signer, (void *)V_PRIVATE_PEM, &h), -1);
	o.method = "GET";
	assert_int_equal(sig_sign_cavage(&o, signer, (void *)"not a key", &h), -1);
}

/* A request signed by the signer verifies; one from a fresh key pair too. */
static void test_sign_then_verify(void **state)
{
	(void)state;
	char *pub, *priv;
	assert_int_equal(rsa_keypair_new(&pub, &priv), 0);
	assert_non_null(strstr(pub, "BEGIN PUBLIC KEY"));
	assert_non_null(strstr(priv, "BEGIN PRIVATE KEY"));
	assert_true(rsa_public_valid(pub));
	assert_false(rsa_public_valid(priv + 1));
	struct sig_outgoing o = {.method = "POST", .host = "rapport.test",
				 .target = "/inbox", .content_type = "application/activity+json",
				 .body = "{}", .body_len = 2, .key_id = V_KEYID, .now = 1700000000};
	struct sig_headers h;
	assert_int_equal(sig_sign_cavage(&o, signer, priv, &h), 0);
	struct rq q;
	memset(&q, 0, sizeof q);
	q.r = (struct sig_request){.method = "POST", .scheme = "https", .target = "/inbox",
				   .headers = q.h, .body = "{}", .body_len = 2};
	add(&q, "host", "rapport.test");
	add(&q, "date", h.date);
	add(&q, "digest", h.digest);
	add(&q, "content-type", "application/activity+json");
	add(&q, "signature", h.signature);
	struct keys k = {.first = pub};
	assert_int_equal(verify_at(&q, 1700000000, &k), SIG_OK);
	k = (struct keys){0}; /* the test key is not this pair's */
	assert_int_equal(verify_at(&q, 1700000000, &k), SIG_BAD_SIGNATURE);
	free(pub);
	rsa_secret_free(priv);
}

/* ---- tampering, draft-cavage ---- */

static void test_cavage_tampered(void **state)
{
	(void)state;
	struct rq q;
	static const char other_body[] = "{\"type\":\"Delete\"}";
	post1(&q);
	q.r.body = other_body; /* body changed: the Digest no longer matches */
	q.r.body_len = strlen(other_body);
	assert_int_equal(verify(&q), SIG_DIGEST_MISMATCH);
	post1(&q); /* body and Digest changed together: the signature covers the Digest */
	q.r.body = other_body;
	q.r.body_len = strlen(other_body);
	set(&q, "Digest", "SHA-256=lqsWV57xmJLjwQbcsLXkzEAqm9K5zcsta46mRSQh6JQ=");
	assert_int_equal(sig_check_digest("SHA-256=lqsWV57xmJLjwQbcsLXkzEAqm9K5zcsta46mRSQh6JQ=",
					  other_body, strlen(other_body)),
			 SIG_OK);
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post1(&q);
	set(&q, "Digest", "SHA-512=abc");
	assert_int_equal(verify(&q), SIG_DIGEST_MISMATCH);
	post1(&q);
	set(&q, "Content-Type", "application/json");
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post1(&q);
	set(&q, "Host", "elsewhere.test");
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post1(&q);
	q.r.target = "/users/carol/inbox";
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post1(&q);
	set(&q, "Date", "Tue, 07 Jun 2022 20:51:36 GMT"); /* in the window, but not signed so */
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post1(&q);
	set(&q, "User-Agent", "anything"); /* not covered: no effect */
	assert_int_equal(verify(&q), SIG_OK);
	get3(&q);
	q.r.method = "HEAD"; /* (request-target) carries the method */
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	get3(&q);
	q.r.target = "/users/alice/outbox?page=false";
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
}

static void test_cavage_key_id(void **state)
{
	(void)state;
	struct rq q;
	struct keys k = {0};
	base(&q, "POST", "/users/alice/inbox");
	add(&q, "Digest", V_DIGEST);
	snprintf(q.sig, sizeof q.sig,
		 "keyId=\"" OTHER_KEYID "\",algorithm=\"rsa-sha256\",headers=\"" POST_HEADERS
		 "\",signature=\"" V_SIG1 "\"");
	add(&q, "Signature", q.sig);
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_BAD_SIGNATURE);
	assert_int_equal(k.refreshes, 1); /* the key was fetched again once */
	set(&q, "Signature", "keyId=\"https://nobody.test/actor#main-key\",algorithm=\"rsa-sha256\","
			     "headers=\"" POST_HEADERS "\",signature=\"" V_SIG1 "\"");
	k = (struct keys){0};
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_UNKNOWN_KEY);
	k = (struct keys){.rc = SIG_KEY_ERROR};
	post1(&q);
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_KEY_UNAVAILABLE);
	/* a rotated key: the cached one fails, the refreshed one verifies */
	k = (struct keys){.first = V_OTHER_PEM, .fresh = V_PUBLIC_PEM};
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_OK);
	assert_int_equal(k.calls, 2);
	assert_int_equal(k.refreshes, 1);
	/* the same key published as PKCS#1 ("BEGIN RSA PUBLIC KEY") */
	k = (struct keys){.first = V_PUBLIC_PKCS1};
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_OK);
	assert_int_equal(k.refreshes, 0);
	/* a "key" that is not an RSA public key */
	k = (struct keys){.first = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
			  .fresh = "garbage"};
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_UNKNOWN_KEY);
	/* the key callback is not asked before the cheap checks pass */
	k = (struct keys){0};
	set(&q, "Digest", "SHA-256=AAAA");
	assert_int_equal(verify_at(&q, V_CREATED, &k), SIG_DIGEST_MISMATCH);
	assert_int_equal(k.calls, 0);
}

static void test_cavage_window(void **state)
{
	(void)state;
	struct rq q;
	struct keys k = {0};
	post1(&q);
	/* expiry is Date + 5 min, accepted until an hour past that */
	assert_int_equal(verify_at(&q, V_CREATED + 65 * 60, &k), SIG_OK);
	assert_int_equal(verify_at(&q, V_CREATED + 65 * 60 + 1, &k), SIG_EXPIRED);
	assert_int_equal(verify_at(&q, V_CREATED - HOUR, &k), SIG_OK);
	assert_int_equal(verify_at(&q, V_CREATED - HOUR - 1, &k), SIG_EXPIRED);
	assert_int_equal(verify_at(&q, V_CREATED + 30 * 24 * HOUR, &k), SIG_EXPIRED);
	set(&q, "Date", "Tuesday, 07-Jun-22 20:51:35 GMT");
	assert_int_equal(verify(&q), SIG_MALFORMED);
	drop(&q, "Date");
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
}

static void test_cavage_rules(void **state)
{
	(void)state;
	struct rq q;
	/* a POST must sign the digest */
	base(&q, "POST", "/users/alice/inbox");
	add(&q, "Digest", V_DIGEST);
	cavage(&q, "rsa-sha256", "(request-target) host date content-type", V_SIG1);
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	/* a GET must sign the host */
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "rsa-sha256", "(request-target) date", V_SIG3);
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	/* date or (created); (request-target) or digest */
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "rsa-sha256", "(request-target) host", V_SIG3);
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "rsa-sha256", "host date", V_SIG3);
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	/* no headers parameter means "date" alone: not enough */
	base(&q, "GET", "/");
	snprintf(q.sig, sizeof q.sig, "keyId=\"%s\",signature=\"%s\"", V_KEYID, V_SIG3);
	add(&q, "Signature", q.sig);
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	/* a signed header that is absent */
	post1(&q);
	drop(&q, "Content-Type");
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	post1(&q);
	drop(&q, "Digest");
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	/* two Date headers: which one was signed? */
	post1(&q);
	add(&q, "date", V_DATE);
	assert_int_equal(verify(&q), SIG_MALFORMED);
	/* other algorithms */
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "rsa-sha512", "(request-target) host date", V_SIG3);
	assert_int_equal(verify(&q), SIG_MALFORMED);
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "hmac-sha256", "(request-target) host date", V_SIG3);
	assert_int_equal(verify(&q), SIG_MALFORMED);
	/* (created) only with hs2019 and a created parameter */
	base(&q, "GET", "/users/alice/outbox?page=true");
	cavage(&q, "rsa-sha256", "(request-target) host (created)", V_SIG3);
	assert_int_equal(verify(&q), SIG_MALFORMED);
	/* no signature at all */
	base(&q, "POST", "/users/alice/inbox");
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
}

static void test_parse_cavage(void **state)
{
	(void)state;
	struct sig_cavage c;
	assert_int_equal(sig_parse_cavage("keyId=\"k\", algorithm=\"hs2019\",created=1654635095,"
					  "expires=\"1654635395\",headers=\"(created) host\","
					  "signature=\"c2ln\",future=\"ignored\"",
					  &c),
			 SIG_OK);
	assert_int_equal((int)c.key_id_len, 1);
	assert_true(c.has_created && c.has_expires);
	assert_int_equal(c.created, 1654635095);
	assert_int_equal(c.expires, 1654635395);
	static const char *const bad[] = {
		"",
		",",
		"keyId=\"k\",signature=\"s\",",
		"keyId=\"k\",,signature=\"s\"",
		"keyId=\"k\" signature=\"s\"",
		"keyId=k,signature=\"s\"",
		"keyId=\"k,signature=\"s\"",
		"keyId=\"k\",keyId=\"k2\",signature=\"s\"",
		"keyId=\"k\\\"\",signature=\"s\"",
		"keyId=\"\",signature=\"s\"",
		"keyId=\"k\",signature=\"s\",created=12a",
		"keyId=\"k\",signature=\"s\",created=1234567890123",
		"keyId=\"k\",signature=\"s\",created=1,created=2",
		"keyId=\"k\tx\",signature=\"s\"",
		"=\"k\",signature=\"s\"",
		"a=\"1\",b=\"1\",c=\"1\",d=\"1\",e=\"1\",f=\"1\",g=\"1\",h=\"1\",i=\"1\",j=\"1\","
		"k=\"1\",keyId=\"k\",signature=\"s\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sig_parse_cavage(bad[i], &c), SIG_MALFORMED);
	assert_int_equal(sig_parse_cavage("keyId=\"k\"", &c), SIG_MISSING_HEADER);
	assert_int_equal(sig_parse_cavage("signature=\"s\"", &c), SIG_MISSING_HEADER);
	/* an over-long header is refused before it is read */
	char *big = malloc(SIG_HEADER_MAX + 64);
	memset(big, 'a', SIG_HEADER_MAX + 63);
	memcpy(big, "keyId=\"", 7);
	big[SIG_HEADER_MAX + 60] = '"';
	big[SIG_HEADER_MAX + 63] = '\0';
	assert_int_equal(sig_parse_cavage(big, &c), SIG_MALFORMED);
	free(big);
	/* more covered headers than allowed */
	struct rq q;
	base(&q, "GET", "/");
	cavage(&q, "rsa-sha256",
	       "a b c d e f g h i j k l m n o p (request-target) host date", V_SIG3);
	assert_int_equal(verify(&q), SIG_MALFORMED);
}

/* ---- RFC 9421 ---- */

static void test_rfc9421_tampered(void **state)
{
	(void)state;
	struct rq q;
	struct keys k = {0};
	static const char other_body[] = "{\"type\":\"Delete\"}";
	post5(&q);
	q.r.body = other_body;
	q.r.body_len = strlen(other_body);
	assert_int_equal(verify(&q), SIG_DIGEST_MISMATCH);
	post5(&q);
	q.r.body = other_body;
	q.r.body_len = strlen(other_body);
	set(&q, "Content-Digest", "sha-256=:lqsWV57xmJLjwQbcsLXkzEAqm9K5zcsta46mRSQh6JQ=:");
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post5(&q);
	set(&q, "Host", "elsewhere.test");
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post5(&q);
	q.r.scheme = "http";
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post5(&q);
	q.r.target = "/users/alice/inbox?x=1";
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	get6(&q);
	q.r.target = "/users/alice/outbox?page=true"; /* @path leaves the query out */
	assert_int_equal(verify(&q), SIG_OK);
	get6(&q);
	q.r.target = "/users/alice/followers";
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	/* created is signed: changing it breaks the signature */
	post5(&q);
	set(&q, "Signature-Input",
	    "sig1=(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\");"
	    "created=1654635096;keyid=\"" V_KEYID "\";alg=\"rsa-v1_5-sha256\"");
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	/* and the window is read from it */
	post5(&q);
	assert_int_equal(verify_at(&q, V_CREATED + 65 * 60, &k), SIG_OK);
	assert_int_equal(verify_at(&q, V_CREATED + 65 * 60 + 1, &k), SIG_EXPIRED);
	assert_int_equal(verify_at(&q, V_CREATED - HOUR - 1, &k), SIG_EXPIRED);
	/* another key id */
	post5(&q);
	set(&q, "Signature-Input",
	    "sig1=(\"@method\" \"@target-uri\" \"@authority\" \"content-digest\");"
	    "created=1654635095;keyid=\"" OTHER_KEYID "\";alg=\"rsa-v1_5-sha256\"");
	assert_int_equal(verify(&q), SIG_BAD_SIGNATURE);
	post5(&q);
	set(&q, "Signature", "sig2=:" V_SIG5 ":");
	assert_int_equal(verify(&q), SIG_MALFORMED);
	post5(&q);
	drop(&q, "Content-Digest");
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
	post5(&q);
	drop(&q, "Signature");
	assert_int_equal(verify(&q), SIG_MISSING_HEADER);
}

static void test_rfc9421_rules(void **state)
{
	(void)state;
	static const struct {
		const char *input;
		enum sig_rc rc;
	} cases[] = {
		/* a POST must cover content-digest */
		{"sig1=(\"@method\" \"@target-uri\");created=1654635095;keyid=\"" V_KEYID "\"",
		 SIG_MISSING_HEADER},
		/* @method is required */
		{"sig1=(\"@target-uri\" \"content-digest\");created=1654635095;keyid=\"" V_KEYID "\"",
		 SIG_MISSING_HEADER},
		/* @target-uri, or @authority with @path */
		{"sig1=(\"@method\" \"@path\" \"content-digest\");created=1654635095;keyid=\"" V_KEYID
		 "\"",
		 SIG_MISSING_HEADER},
		/* created and keyid are required */
		{"sig1=(\"@method\" \"@target-uri\" \"content-digest\");keyid=\"" V_KEYID "\"",
		 SIG_MISSING_HEADER},
		{"sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1654635095",
		 SIG_MISSING_HEADER},
		/* other algorithms */
		{"sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1654635095;keyid=\""
		 V_KEYID "\";alg=\"ed25519\"",
		 SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1654635095;keyid=\""
		 V_KEYID "\";alg=\"hmac-sha256\"",
		 SIG_MALFORMED},
		/* syntax */
		{"sig1=(\"@method\"  \"@target-uri\");created=1;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\";sf);created=1;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\");created=1;keyid=\"k\", sig2=()", SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\");created=1;created=2;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\");created=\"1\";keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\");created=1;keyid=k", SIG_MALFORMED},
		{"Sig1=(\"@method\");created=1;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\" \"\");created=1;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\";created=1;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=\"@method\";created=1;keyid=\"k\"", SIG_MALFORMED},
		{"sig1=(\"@method\" \"@target-uri\");created=1;keyid=\"k\\\"\"", SIG_MALFORMED},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rq q;
		post5(&q);
		set(&q, "Signature-Input", cases[i].input);
		enum sig_rc rc = verify(&q);
		if (rc != cases[i].rc)
			fail_msg("case %zu: %s gave %d", i, cases[i].input, rc);
	}
	/* derived components we do not know, and upper-case field names */
	struct rq q;
	get6(&q);
	set(&q, "Signature-Input",
	    "sig1=(\"@method\" \"@target-uri\" \"@status\");created=1654635095;keyid=\"" V_KEYID
	    "\"");
	assert_int_equal(verify(&q), SIG_MALFORMED);
	get6(&q);
	set(&q, "Signature-Input",
	    "sig1=(\"@method\" \"@target-uri\" \"Date\");created=1654635095;keyid=\"" V_KEYID
	    "\"");
	assert_int_equal(verify(&q), SIG_MALFORMED);
	struct sig_input in;
	assert_int_equal(sig_parse_input(V_INPUT5, &in), SIG_OK);
	assert_int_equal(in.ncomp, 4);
	assert_int_equal(in.created, V_CREATED);
	assert_int_equal((int)in.label_len, 4);
}

static void test_digests(void **state)
{
	(void)state;
	const char *b = V_BODY;
	size_t n = strlen(V_BODY);
	assert_int_equal(sig_check_digest(V_DIGEST, b, n), SIG_OK);
	assert_int_equal(sig_check_digest("sha-256=K+SvpkZDMuVhZRJafw0zCL3tKf1awms0Bl8FYDEtW7Q=", b, n),
			 SIG_OK);
	assert_int_equal(sig_check_digest("MD5=xyz, SHA-256=K+SvpkZDMuVhZRJafw0zCL3tKf1awms0Bl8FYDEt"
					  "W7Q=",
					  b, n),
			 SIG_OK);
	assert_int_equal(sig_check_digest("SHA-256=K+SvpkZDMuVhZRJafw0zCL3tKf1awms0Bl8FYDEtW7Q", b, n),
			 SIG_DIGEST_MISMATCH);
	assert_int_equal(sig_check_digest("SHA-512=abc", b, n), SIG_DIGEST_MISMATCH);
	assert_int_equal(sig_check_digest("garbage", b, n), SIG_MALFORMED);
	assert_int_equal(sig_check_digest(NULL, b, n), SIG_MISSING_HEADER);
	assert_int_equal(sig_check_content_digest(V_CONTENT_DIGEST, b, n), SIG_OK);
	assert_int_equal(sig_check_content_digest("sha-512=:AAAA:, " V_CONTENT_DIGEST, b, n), SIG_OK);
	assert_int_equal(sig_check_content_digest("sha-512=:AAAA:", b, n), SIG_DIGEST_MISMATCH);
	assert_int_equal(sig_check_content_digest("sha-256=:AAAA:", b, n), SIG_DIGEST_MISMATCH);
	assert_int_equal(sig_check_content_digest("SHA-256=:AAAA:", b, n), SIG_MALFORMED);
	assert_int_equal(sig_check_content_digest("sha-256=AAAA", b, n), SIG_MALFORMED);
	assert_int_equal(sig_check_content_digest("sha-256=:AA AA:", b, n), SIG_MALFORMED);
	assert_int_equal(sig_check_content_digest("sha-256=:AAAA:;x", b, n), SIG_MALFORMED);
	/* an empty body has a digest too */
	assert_int_equal(sig_check_digest("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
					  NULL, 0),
			 SIG_OK);
}

static void test_dates(void **state)
{
	(void)state;
	int64_t t;
	assert_true(sig_parse_date(V_DATE, &t));
	assert_int_equal(t, V_CREATED);
	assert_true(sig_parse_date("Thu, 01 Jan 1970 00:00:00 GMT", &t));
	assert_int_equal(t, 0);
	static const char *const bad[] = {
		"Tue, 07 Jun 2022 20:51:35 UTC", "Tue, 7 Jun 2022 20:51:35 GMT",
		"Tue, 07 Jun 2022 20:51:35 GMT ", "Tuesday, 07-Jun-22 20:51:35 GMT",
		"Tue Jun  7 20:51:35 2022", "Tue, 07 Foo 2022 20:51:35 GMT",
		"Tue, 07 Jun 2022 25:51:35 GMT", "", "1654635095",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(sig_parse_date(bad[i], &t));
	for (int i = SIG_OK; i <= SIG_DIGEST_MISMATCH; i++)
		assert_true(strlen(sig_rc_str((enum sig_rc)i)) > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_verify),
		cmocka_unit_test(test_signer_reproduces_vectors),
		cmocka_unit_test(test_sign_then_verify),
		cmocka_unit_test(test_cavage_tampered),
		cmocka_unit_test(test_cavage_key_id),
		cmocka_unit_test(test_cavage_window),
		cmocka_unit_test(test_cavage_rules),
		cmocka_unit_test(test_parse_cavage),
		cmocka_unit_test(test_rfc9421_tampered),
		cmocka_unit_test(test_rfc9421_rules),
		cmocka_unit_test(test_digests),
		cmocka_unit_test(test_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
