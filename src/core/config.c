#include "core/config.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int env_int(const char *name, int dflt)
{
	const char *v = getenv(name);
	return v && *v ? atoi(v) : dflt;
}

static const char *env_str(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->data_dir = env_str("RAPPORT_DATA", "./data");
	c->listen = env_str("RAPPORT_LISTEN", "127.0.0.1:8080");
	c->domain = env_str("RAPPORT_DOMAIN", NULL);
	c->title = env_str("RAPPORT_TITLE", "Rapport");
	c->threads = env_int("RAPPORT_THREADS", 4);
	c->sync_full = env_int("RAPPORT_SYNC_FULL", 1) != 0;
	c->registrations = env_int("RAPPORT_REGISTRATIONS", 1) != 0;
	c->max_chars = env_int("RAPPORT_MAX_CHARS", 500);
	c->max_body = (size_t)env_int("RAPPORT_MAX_BODY", 1 << 20);
	c->login_limit = env_int("RAPPORT_LOGIN_LIMIT", 25);
	c->login_window = env_int("RAPPORT_LOGIN_WINDOW", 300);
	c->rate_limit = env_int("RAPPORT_RATE_LIMIT", 300);
	c->rate_window = env_int("RAPPORT_RATE_WINDOW", 300);
	c->signup_limit = env_int("RAPPORT_SIGNUP_LIMIT", 10);
	c->signup_window = env_int("RAPPORT_SIGNUP_WINDOW", 1800);
	c->conn_timeout = env_int("RAPPORT_CONN_TIMEOUT", 30);
	c->fanout_inline = env_int("RAPPORT_FANOUT_INLINE", 100);
	c->render_cache_mb = env_int("RAPPORT_RENDER_CACHE_MB", 80);
	c->row_cache = env_int("RAPPORT_ROW_CACHE", 262144);
	c->trust_interval_s = env_int("RAPPORT_TRUST_INTERVAL", 300);
	c->web_dir = env_str("RAPPORT_WEB_DIR", "build/web");
	c->fetch_loopback = env_int("RAPPORT_FETCH_ALLOW_LOOPBACK", 0) != 0;
}

void config_finish(struct config *c)
{
	if (!c->domain) {
		/* Default public host: the listen address, with localhost for
		 * the loopback address so links work in a browser. */
		const char *l = c->listen;
		c->domain = str_has_prefix(l, "127.0.0.1:") ? NULL : l;
		if (!c->domain) {
			static char buf[64];
			snprintf(buf, sizeof buf, "localhost:%s", l + strlen("127.0.0.1:"));
			c->domain = buf;
		}
	}
	bool local = str_has_prefix(c->domain, "localhost") || str_has_prefix(c->domain, "127.") ||
		     str_has_prefix(c->domain, "[::1]");
	const char *scheme = env_str("RAPPORT_SCHEME", local ? "http" : "https");
	size_t n = strlen(scheme) + strlen(c->domain) + 4;
	char *u = xmalloc(n);
	snprintf(u, n, "%s://%s", scheme, c->domain);
	c->base_url = u;
}
