/* signature.h - HTTP Signatures as the fediverse uses them: signing
 * outgoing requests in draft-cavage form (as Mastodon does) and verifying
 * incoming ones in draft-cavage or RFC 9421 form.
 *
 * Pure functions over the request's parts: no network, no store, no clock
 * (the caller passes the time). The verifier asks a callback for the
 * public key of a keyId, so the caller decides how keys are fetched and
 * cached. Everything read off the wire is bounded: a Signature,
 * Signature-Input or digest header longer than SIG_HEADER_MAX, more than
 * SIG_MAX_COMPONENTS covered headers, or a keyId longer than SIG_KEYID_MAX
 * is refused, never truncated.
 *
 * The rules (Mastodon's, app/lib/signed_request.rb and
 * app/controllers/concerns/signature_verification.rb):
 *   draft-cavage: `Signature: keyId="…",algorithm="…",headers="…",
 *     signature="…"`; algorithm rsa-sha256 or hs2019 (absent counts as
 *     hs2019; either way RSASSA-PKCS1-v1_5 with SHA-256); headers must
 *     cover date or (created), and (request-target) or digest;
 *     (request-target) is tried with the query string and without it.
 *   RFC 9421: one signature in `Signature-Input` and `Signature`; keyid
 *     and created required; alg absent or rsa-v1_5-sha256; the covered
 *     components must include @method and either @target-uri or both
 *     @authority and @path.
 *   Both: a GET or HEAD must cover the host (host, @authority or
 *     @target-uri); a POST must cover digest (cavage) or content-digest
 *     (RFC 9421), whose SHA-256 must equal the body's; the time of
 *     signing (Date, or created) must not be more than an hour ahead and
 *     the expiry (expires, else created + 5 min, at most created + 12 h)
 *     not more than an hour past: Date within -65 / +60 minutes of now. */
#ifndef RAPPORT_SIGNATURE_H
#define RAPPORT_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIG_HEADER_MAX 4096       /* Signature, Signature-Input, Digest... */
#define SIG_KEYID_MAX 1024
#define SIG_MAX_COMPONENTS 16     /* covered headers or components */
#define SIG_MAX_PARAMS 12         /* parameters of one signature */
#define SIG_DEFAULT_EXPIRY 300    /* seconds after the time of signing */
#define SIG_EXPIRY_LIMIT (12 * 3600)
#define SIG_CLOCK_SKEW 3600

enum sig_rc {
	SIG_OK = 0,
	SIG_MISSING_HEADER,  /* no signature, or a required header absent or not covered */
	SIG_MALFORMED,       /* a signature or digest header that does not parse, an
			      * algorithm other than the ones above, a header twice */
	SIG_BAD_SIGNATURE,   /* the signature does not match the request */
	SIG_UNKNOWN_KEY,     /* the key callback knows no such key (or not an RSA one) */
	SIG_KEY_UNAVAILABLE, /* the key callback could not get the key now */
	SIG_EXPIRED,         /* the time of signing is outside the window */
	SIG_DIGEST_MISMATCH, /* Digest / Content-Digest lacks SHA-256 or differs from the body */
};

/* A short English sentence for rc, fit for a log line or an error body. */
const char *sig_rc_str(enum sig_rc rc);

enum sig_form {
	SIG_CAVAGE = 1,   /* draft-cavage-http-signatures-12 */
	SIG_RFC9421,      /* RFC 9421 HTTP Message Signatures */
};

struct sig_header {
	const char *name;   /* any case */
	const char *value;  /* as received */
};

/* An incoming request, as received. */
struct sig_request {
	const char *method;        /* "GET", "POST", ... (upper case) */
	const char *scheme;        /* "https" or "http": for @target-uri */
	const char *target;        /* path with query: "/users/a/outbox?page=1" */
	const struct sig_header *headers; /* every request header, Host included */
	int nheaders;
	const char *body;          /* NULL when empty */
	size_t body_len;
};

/* What the verifier asks of its caller: the public key (PEM) of key_id,
 * set in *pem (it must stay valid until sig_verify returns). refresh is
 * false on the first call; if the signature does not verify with that
 * key, the verifier calls once more with refresh true (fetch it again,
 * the peer may have rotated it) and tries the key it gets if it differs. */
enum sig_key_rc {
	SIG_KEY_FOUND = 0,
	SIG_KEY_NONE,      /* no such key: SIG_UNKNOWN_KEY */
	SIG_KEY_ERROR,     /* could not fetch it now: SIG_KEY_UNAVAILABLE */
};
typedef enum sig_key_rc (*sig_key_fn)(void *ctx, const char *key_id, bool refresh,
				      const char **pem);

struct sig_verified {
	enum sig_form form;
	char key_id[SIG_KEYID_MAX + 1]; /* set once the header parsed, whatever the result */
};

/* Verifies req's signature at time now (Unix seconds). The RFC 9421 form
 * is used when the request has Signature-Input, else draft-cavage. On
 * SIG_OK, out tells the form and the keyId that signed it; the caller
 * must still check that the key's owner is the activity's actor. */
enum sig_rc sig_verify(const struct sig_request *req, int64_t now, sig_key_fn key, void *ctx,
		       struct sig_verified *out);

/* The signer: signs data[0..n) with RSASSA-PKCS1-v1_5 SHA-256 under the
 * private key it holds, writing at most RSA_SIG_MAX bytes to sig and the
 * length to *siglen; returns 0 or -1. Private keys stay behind this
 * callback (core/keys.h provides one for an account). */
typedef int (*sig_sign_fn)(void *ctx, const void *data, size_t n, unsigned char *sig,
			   size_t *siglen);

/* An outgoing request to sign. */
struct sig_outgoing {
	const char *method;       /* "GET" or "POST" */
	const char *host;         /* the Host header: "example.org" or "host:port" */
	const char *target;       /* path with query */
	const char *content_type; /* POST: the Content-Type sent */
	const char *body;         /* POST */
	size_t body_len;
	const char *key_id;       /* "https://us/users/a#main-key" */
	int64_t now;              /* Unix seconds, becomes Date */
};

/* The headers to send with a signed request. */
struct sig_headers {
	char date[32];              /* Date */
	char digest[64];            /* Digest ("" for a GET) */
	char signature[SIG_HEADER_MAX]; /* Signature */
};

/* Signs out in draft-cavage form with algorithm rsa-sha256: a POST covers
 * `(request-target) host date digest content-type`, a GET
 * `(request-target) host date` ((request-target) with the query string).
 * Returns 0, or -1 if a part is missing or too long or the signer failed. */
int sig_sign_cavage(const struct sig_outgoing *out, sig_sign_fn sign, void *ctx,
		    struct sig_headers *h);

/* ---- parsing, exposed for the fuzz harness and tests ---- */

/* A draft-cavage Signature header's parameters, as slices of the header. */
struct sig_cavage {
	const char *key_id, *algorithm, *headers, *signature;
	size_t key_id_len, algorithm_len, headers_len, signature_len;
	bool has_created, has_expires;
	int64_t created, expires;
};

/* Parses a draft-cavage Signature header strictly: `name="value"` or
 * name=digits, comma-separated, no escapes, no parameter twice, at most
 * SIG_MAX_PARAMS; keyId and signature required. Returns SIG_OK,
 * SIG_MALFORMED or SIG_MISSING_HEADER (a required parameter absent). */
enum sig_rc sig_parse_cavage(const char *header, struct sig_cavage *out);

/* An RFC 9421 signature: its label, covered components (slices, without
 * quotes), parameters and the raw text of its parameters as signed. */
struct sig_input {
	const char *label;
	size_t label_len;
	const char *comp[SIG_MAX_COMPONENTS];
	size_t comp_len[SIG_MAX_COMPONENTS];
	int ncomp;
	const char *params;       /* "(...);created=...;keyid=..." */
	size_t params_len;
	const char *key_id, *alg;
	size_t key_id_len, alg_len;
	bool has_created, has_expires;
	int64_t created, expires;
};

/* Parses a Signature-Input header holding exactly one signature, strictly
 * (RFC 8941 syntax without escapes or component parameters). */
enum sig_rc sig_parse_input(const char *header, struct sig_input *out);

/* Checks a Digest header (RFC 3230: "SHA-256=<base64>", entries
 * comma-separated, algorithm names in any case) or a Content-Digest header
 * (RFC 9530: "sha-256=:<base64>:") against the body: SIG_OK if its SHA-256
 * entry equals the body's, SIG_DIGEST_MISMATCH if it differs or there is
 * no SHA-256 entry, SIG_MALFORMED if the header does not parse,
 * SIG_MISSING_HEADER if it is NULL. */
enum sig_rc sig_check_digest(const char *digest, const void *body, size_t n);
enum sig_rc sig_check_content_digest(const char *content_digest, const void *body, size_t n);

/* Parses an IMF-fixdate ("Tue, 07 Jun 2022 20:51:35 GMT") strictly into
 * Unix seconds; false if it is not one. */
bool sig_parse_date(const char *s, int64_t *out);

#endif
