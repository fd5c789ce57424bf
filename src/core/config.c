#include "core/config.h"
#include "store/polls.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_INT, K_BOOL, K_SIZE };

/* A numeric setting: its environment variable, its flag (or NULL), where
 * it goes, and its bounds. */
struct setting {
	const char *env, *flag;
	size_t off;
	enum kind kind;
	long long min, max, dflt;
};

#define AT(field, kind) offsetof(struct config, field), kind

static const struct setting SETTINGS[] = {
	{"RAPPORT_THREADS", "--threads", AT(threads, K_INT), 1, 512, 0}, /* 0: config_finish */
	{"RAPPORT_SYNC_FULL", NULL, AT(sync_full, K_BOOL), 0, 1, 1},
	{"RAPPORT_REGISTRATIONS", NULL, AT(registrations, K_BOOL), 0, 1, 1},
	{"RAPPORT_MAX_CHARS", NULL, AT(max_chars, K_INT), 1, 100000, 500},
	{"RAPPORT_MAX_BODY", NULL, AT(max_body, K_SIZE), 1024, 1LL << 30, 1 << 20},
	{"RAPPORT_LOGIN_LIMIT", NULL, AT(login_limit, K_INT), 0, 1000000000, 25},
	{"RAPPORT_LOGIN_WINDOW", NULL, AT(login_window, K_INT), 1, 604800, 300},
	{"RAPPORT_RATE_LIMIT", NULL, AT(rate_limit, K_INT), 0, 1000000000, 300},
	{"RAPPORT_RATE_WINDOW", NULL, AT(rate_window, K_INT), 1, 604800, 300},
	{"RAPPORT_SIGNUP_LIMIT", NULL, AT(signup_limit, K_INT), 0, 1000000000, 10},
	{"RAPPORT_SIGNUP_WINDOW", NULL, AT(signup_window, K_INT), 1, 604800, 1800},
	{"RAPPORT_CONN_TIMEOUT", NULL, AT(conn_timeout, K_INT), 1, 3600, 30},
	{"RAPPORT_FANOUT_INLINE", NULL, AT(fanout_inline, K_INT), 0, 1000000000, 100},
	{"RAPPORT_RENDER_CACHE_MB", NULL, AT(render_cache_mb, K_INT), 0, 65536, 80},
	{"RAPPORT_ROW_CACHE", NULL, AT(row_cache, K_INT), 0, 1 << 26, 262144},
	{"RAPPORT_HOME_CACHE", NULL, AT(home_cache, K_INT), 0, 1 << 22, 16384},
	{"RAPPORT_TRUST_INTERVAL", NULL, AT(trust_interval_s, K_INT), 1, 86400, 300},
	{"RAPPORT_SLOW_SQL_MS", NULL, AT(slow_sql_ms, K_INT), -1, 3600000, -1},
	{"RAPPORT_NODE_ID", NULL, AT(node_id, K_INT), 0, ID_NODE_MAX, 0},
	{"RAPPORT_MEDIA_IMAGE_MAX", NULL, AT(media_image_max, K_SIZE), 1024, 1LL << 30, 16 << 20},
	{"RAPPORT_MEDIA_VIDEO_MAX", NULL, AT(media_video_max, K_SIZE), 1024, 1LL << 31, 40 << 20},
	{"RAPPORT_AUDIT_UPLOAD_MAX", NULL, AT(audit_upload_max, K_SIZE), 1024, 1LL << 31, 64 << 20},
	{"RAPPORT_MEDIA_MAX_PIXELS", NULL, AT(media_max_pixels, K_INT), 1, 1 << 30, 50000000},
	{"RAPPORT_MEDIA_RATE_LIMIT", NULL, AT(media_rate_limit, K_INT), 0, 1000000000, 30},
	{"RAPPORT_MEDIA_RATE_WINDOW", NULL, AT(media_rate_window, K_INT), 1, 604800, 1800},
	{"RAPPORT_MEDIA_FFMPEG_SECONDS", NULL, AT(media_ffmpeg_seconds, K_INT), 1, 86400, 120},
	{"RAPPORT_MEDIA_FFMPEG_CPU", NULL, AT(media_ffmpeg_cpu, K_INT), 1, 86400, 300},
	{"RAPPORT_MEDIA_FFMPEG_MB", NULL, AT(media_ffmpeg_mb, K_INT), 64, 65536, 2048},
	{"RAPPORT_MEDIA_UNATTACHED_TTL", NULL, AT(media_unattached_ttl, K_INT), 1, 31536000, 86400},
	{"RAPPORT_MEDIA_SWEEP_INTERVAL", NULL, AT(media_sweep_interval, K_INT), 1, 86400, 3600},
	{"RAPPORT_JOB_LEASE", NULL, AT(job_lease_s, K_INT), 1, 86400, 120},
	{"RAPPORT_POLL_MAX_OPTIONS", NULL, AT(poll_max_options, K_INT), 2, POLL_OPTIONS_MAX, 4},
	{"RAPPORT_POLL_MAX_CHARS", NULL, AT(poll_max_chars, K_INT), 1, 1000, 50},
	{"RAPPORT_POLL_MIN_EXPIRY", NULL, AT(poll_min_expiry, K_INT), 1, 31536000, 300},
	{"RAPPORT_POLL_MAX_EXPIRY", NULL, AT(poll_max_expiry, K_INT), 1, 31536000, 2629746},
	{"RAPPORT_CARD_TTL", NULL, AT(card_ttl_s, K_INT), 0, 31536000, 1209600},
	{"RAPPORT_FETCH_ALLOW_LOOPBACK", NULL, AT(fetch_loopback, K_BOOL), 0, 1, 0},
	{"RAPPORT_FEDERATION_INSECURE", NULL, AT(fed_insecure, K_BOOL), 0, 1, 0},
	{"RAPPORT_SCHEDULE_LEAD", NULL, AT(schedule_lead_s, K_INT), 0, 86400, 300},
	{"RAPPORT_STREAM_HEARTBEAT_MS", NULL, AT(stream_heartbeat_ms, K_INT), 100, 3600000, 15000},
	{"RAPPORT_STREAM_BUFFER", NULL, AT(stream_buffer, K_SIZE), 1024, 1LL << 30, 256 << 10},
	{"RAPPORT_MAX_CONNECTIONS", NULL, AT(max_connections, K_INT), 16, 1000000, 10000},
};

#define NSETTINGS (sizeof SETTINGS / sizeof SETTINGS[0])

static void store_value(struct config *c, const struct setting *s, long long v)
{
	char *p = (char *)c + s->off;
	if (s->kind == K_BOOL)
		*(bool *)p = v != 0;
	else if (s->kind == K_SIZE)
		*(size_t *)p = (size_t)v;
	else
		*(int *)p = (int)v;
}

/* A decimal integer and nothing else: no spaces, no sign but '-', no
 * trailing bytes, no overflow. */
static bool parse_ll(const char *v, long long *out)
{
	if (!(*v == '-' || (*v >= '0' && *v <= '9')))
		return false;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		return false;
	*out = n;
	return true;
}

/* The value as it may be shown on one line: at most 40 printable bytes. */
static void quote(const char *v, char out[48])
{
	size_t i = 0;
	for (; v[i] && i < 40; i++)
		out[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	strcpy(out + i, v[i] ? "..." : "");
}

static int apply(struct config *c, const struct setting *s, const char *name, const char *v,
		 char err[CONFIG_ERR_MAX])
{
	long long n;
	if (parse_ll(v, &n) && n >= s->min && n <= s->max) {
		store_value(c, s, n);
		return 0;
	}
	char q[48];
	quote(v, q);
	snprintf(err, CONFIG_ERR_MAX, "%s must be a whole number from %lld to %lld, not '%s'",
		 name, s->min, s->max, q);
	return -1;
}

static const char *env_str(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->data_dir = "./data";
	c->listen = "127.0.0.1:8080";
	c->title = "Rapport";
	c->web_dir = "build/web";
	for (size_t i = 0; i < NSETTINGS; i++)
		store_value(c, &SETTINGS[i], SETTINGS[i].dflt);
}

static int proxies_env(struct config *c, char err[CONFIG_ERR_MAX])
{
	const char *v = env_str("RAPPORT_TRUSTED_PROXIES", "");
	const char *bad = NULL;
	cidr_list_free(&c->trusted_proxies);
	if (!cidr_list_parse(v, &c->trusted_proxies, &bad))
		return 0;
	char q[48];
	quote(bad, q);
	snprintf(err, CONFIG_ERR_MAX,
		 "RAPPORT_TRUSTED_PROXIES must be a comma-separated list of at most %d addresses "
		 "or CIDR blocks, bad entry at '%s'", CIDR_LIST_MAX, q);
	return -1;
}

static int scheme_env(char err[CONFIG_ERR_MAX])
{
	const char *v = env_str("RAPPORT_SCHEME", NULL);
	if (!v || !strcmp(v, "http") || !strcmp(v, "https"))
		return 0;
	char q[48];
	quote(v, q);
	snprintf(err, CONFIG_ERR_MAX, "RAPPORT_SCHEME must be http or https, not '%s'", q);
	return -1;
}

int config_db_url(const char *v, char err[CONFIG_ERR_MAX])
{
	if (!v || !strncmp(v, "postgresql://", 13) || !strncmp(v, "postgres://", 11))
		return 0;
	snprintf(err, CONFIG_ERR_MAX,
		 "RAPPORT_DB (--db) must be a postgresql:// URL; leave it unset for SQLite in "
		 "the data directory");
	return -1;
}

int config_env(struct config *c, char err[CONFIG_ERR_MAX])
{
	c->data_dir = env_str("RAPPORT_DATA", c->data_dir);
	c->listen = env_str("RAPPORT_LISTEN", c->listen);
	c->domain = env_str("RAPPORT_DOMAIN", c->domain);
	c->title = env_str("RAPPORT_TITLE", c->title);
	c->web_dir = env_str("RAPPORT_WEB_DIR", c->web_dir);
	c->smtp_url = env_str("RAPPORT_SMTP_URL", c->smtp_url);
	c->smtp_from = env_str("RAPPORT_SMTP_FROM", c->smtp_from);
	c->db_url = env_str("RAPPORT_DB", c->db_url);
	if (config_db_url(c->db_url, err))
		return -1;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *v = env_str(SETTINGS[i].env, NULL);
		if (v && apply(c, &SETTINGS[i], SETTINGS[i].env, v, err))
			return -1;
	}
	return scheme_env(err) || proxies_env(c, err) ? -1 : 0;
}

int config_flag(struct config *c, const char *flag, const char *value, char err[CONFIG_ERR_MAX])
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (SETTINGS[i].flag && !strcmp(SETTINGS[i].flag, flag))
			return apply(c, &SETTINGS[i], flag, value, err);
	snprintf(err, CONFIG_ERR_MAX, "unknown option %s", flag);
	return -1;
}

void config_finish(struct config *c)
{
	/* A worker waits for the database's answers on PostgreSQL (a round
	 * trip each); enough workers keep the cores busy meanwhile. On
	 * SQLite they hardly wait: more would only contend. */
	if (!c->threads)
		c->threads = c->db_url ? THREADS_PG : THREADS_SQLITE;
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
	const char *scheme = env_str("RAPPORT_SCHEME", local || c->fed_insecure ? "http" : "https");
	if (c->fed_insecure)
		scheme = "http";
	size_t n = strlen(scheme) + strlen(c->domain) + 4;
	char *u = xmalloc(n);
	snprintf(u, n, "%s://%s", scheme, c->domain);
	c->base_url = u;
}

void config_free(struct config *c)
{
	free((char *)c->base_url);
	c->base_url = NULL;
	cidr_list_free(&c->trusted_proxies);
}
