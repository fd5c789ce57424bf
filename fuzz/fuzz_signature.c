/* libFuzzer: HTTP signature headers. The input is split on newlines into
 * a Signature, a Signature-Input, a Digest and a Content-Digest header
 * and a Date; each goes through its strict parser and the whole request
 * through sig_verify (with a key callback that knows one key). Checked:
 * no crash or leak, every parsed slice lies inside its header, the
 * counts stay within their bounds, and nothing verifies (no input can
 * hold a valid signature by the test key over this request). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "federation/signature.h"

static const char PUB[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr6Xyuw3B5VBCpfVSoJAC\n"
	"DbOqZClGSLBjOBLZRgNZNzD0Ngs6vo6BtTqYnGud+fBo5TPOdywAOYalCriwwks2\n"
	"e//bbYNRiCW7ibZior78reskpcCrQDKZau492sElvzoKO+R9dFw2suHmWytiwCM+\n"
	"6Mz/CuXFAmoGqnT+PtIldPabV/Z9oFcmcxSffvH7hLSWCc5uhMUL1CXvVTgmSVPD\n"
	"/fRnt0G+A0Be8UhPpspFRiOLzcDxYweEglpF/OhtFaEqgcO/OydFGP2y2E5+lAlf\n"
	"AgQK8NtIU9CbwuIsakCFwMdXlGahYYRjSazyhik0WSImpI1MNj2DNkCZUJuiLXVd\n"
	"mQIDAQAB\n"
	"-----END PUBLIC KEY-----\n";

static enum sig_key_rc key(void *ctx, const char *key_id, bool refresh, const char **pem)
{
	(void)ctx;
	(void)refresh;
	if (strlen(key_id) > SIG_KEYID_MAX)
		abort();
	*pem = PUB;
	return SIG_KEY_FOUND;
}

static void inside(const char *h, const char *p, size_t n)
{
	if (p && (p < h || p + n > h + strlen(h)))
		abort();
}

static void parse_all(char *const f[5])
{
	struct sig_cavage c;
	if (sig_parse_cavage(f[0], &c) == SIG_OK) {
		inside(f[0], c.key_id, c.key_id_len);
		inside(f[0], c.signature, c.signature_len);
		inside(f[0], c.headers, c.headers_len);
		inside(f[0], c.algorithm, c.algorithm_len);
	}
	struct sig_input in;
	if (sig_parse_input(f[1], &in) == SIG_OK) {
		if (in.ncomp < 0 || in.ncomp > SIG_MAX_COMPONENTS)
			abort();
		for (int i = 0; i < in.ncomp; i++)
			inside(f[1], in.comp[i], in.comp_len[i]);
		inside(f[1], in.params, in.params_len);
		inside(f[1], in.key_id, in.key_id_len);
	}
	sig_check_digest(f[2], "{}", 2);
	sig_check_content_digest(f[3], "{}", 2);
	int64_t t;
	sig_parse_date(f[4], &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *f[5] = {"", "", "", "", ""};
	char *p = s;
	for (int i = 0; i < 5 && p; i++) {
		f[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	parse_all(f);
	struct sig_header h[] = {
		{"Host", "rapport.test"}, {"Date", f[4]}, {"Digest", f[2]},
		{"Content-Digest", f[3]}, {"Signature", f[0]}, {"Signature-Input", f[1]},
	};
	struct sig_request r = {.method = "POST", .scheme = "https", .target = "/inbox?a=b",
				.headers = h, .nheaders = *f[1] ? 6 : 5, .body = "{}",
				.body_len = 2};
	struct sig_verified v;
	if (sig_verify(&r, 1654635095, key, NULL, &v) == SIG_OK)
		abort();
	r.method = "GET";
	if (sig_verify(&r, 1654635095, key, NULL, &v) == SIG_OK)
		abort();
	free(s);
	return 0;
}
