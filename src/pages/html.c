#include "pages/html.h"
#include "core/text.h"

#include <string.h>

static const char *const STYLE =
	"body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f1ec;color:#222}"
	"main{max-width:28rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:12px;"
	"box-shadow:0 2px 12px #0001}h1{font-size:1.5rem;margin-top:0}"
	"label{display:block;margin:.8rem 0 .2rem;font-weight:600}"
	"input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;"
	"padding:.6rem;border:1px solid #bbb;border-radius:8px;font-size:1rem}"
	"button{margin-top:1.2rem;padding:.6rem 1.2rem;border:0;border-radius:8px;"
	"background:#2f6f5e;color:#fff;font-size:1rem;cursor:pointer}"
	"button.secondary{background:#999;margin-left:.5rem}.error{color:#a11;font-weight:600}"
	"code{background:#eee;padding:.3rem;border-radius:4px;word-break:break-all}"
	".muted{color:#666;font-size:.9rem}";

void page_reply(struct req *r, unsigned status, const char *title, const char *body)
{
	const char *html = arena_printf(
		&r->arena,
		"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		"<title>%s - %s</title><style>%s</style></head><body><main>%s</main></body></html>",
		text_escape(&r->arena, title), text_escape(&r->arena, r->core.cfg->title), STYLE,
		body);
	reply_html(r, status, html);
}

char *url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, strlen(s) * 3 + 1), *o = out;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = '\0';
	return out;
}
