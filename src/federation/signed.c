/* signed.c - the signer of a request to us (see signed.h). */
#include "federation/signed.h"
#include "util/util.h"

#include <microhttpd.h>

#define SIGNED_HEADERS_MAX 64

struct headers {
	struct sig_header h[SIGNED_HEADERS_MAX];
	int n;
	bool too_many;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
				      const char *value)
{
	(void)kind;
	struct headers *hs = cls;
	if (hs->n == SIGNED_HEADERS_MAX) {
		hs->too_many = true;
		return MHD_NO;
	}
	hs->h[hs->n++] = (struct sig_header){key, value ? value : ""};
	return MHD_YES;
}

/* The key callback's context: the actor whose key it handed out. */
struct key_ctx {
	struct core *c;
	struct signed_by *by;
};

static enum sig_key_rc key_of(void *arg, const char *key_id, bool refresh, const char **pem)
{
	struct key_ctx *k = arg;
	k->by->rc = remote_key(k->c, key_id, refresh, &k->by->ra);
	if (k->by->rc == REMOTE_OK) {
		*pem = k->by->ra.public_pem;
		return SIG_KEY_FOUND;
	}
	return k->by->rc == REMOTE_FAILED || k->by->rc == REMOTE_ERROR ? SIG_KEY_ERROR
								       : SIG_KEY_NONE;
}

enum sig_rc signed_request(struct req *r, const char *method, const char *body, size_t len,
			   struct signed_by *out)
{
	struct headers hs = {.n = 0};
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, collect_header, &hs);
	struct sig_request sr = {.method = method,
				 .scheme = r->core.cfg->fed_insecure ? "http" : "https",
				 .target = r->path,
				 .headers = hs.h,
				 .nheaders = hs.n,
				 .body = body,
				 .body_len = len};
	struct key_ctx k = {.c = &r->core, .by = out};
	struct sig_verified v;
	out->rc = REMOTE_OK;
	if (hs.too_many)
		return SIG_MALFORMED;
	return sig_verify(&sr, now_ms() / 1000, key_of, &k, &v);
}
