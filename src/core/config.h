/* config.h - the server's settings, read once at start (flags and
 * RAPPORT_* environment variables) and read-only afterwards.
 *
 * Every numeric setting is parsed strictly (decimal, nothing after the
 * number, within its bounds): a bad value is an error naming the setting,
 * never a silent default or a wrapped-around number. */
#ifndef RAPPORT_CONFIG_H
#define RAPPORT_CONFIG_H

#include "util/netaddr.h"

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_ERR_MAX 200

struct config {
	const char *data_dir;   /* RAPPORT_DATA, default ./data */
	const char *listen;     /* RAPPORT_LISTEN, default 127.0.0.1:8080 */
	const char *domain;     /* RAPPORT_DOMAIN: public host[:port] used in URIs */
	const char *base_url;   /* scheme://domain, no trailing slash (owned) */
	const char *title;      /* RAPPORT_TITLE */
	int threads;            /* HTTP worker threads */
	bool sync_full;         /* SQLite synchronous=FULL */
	bool registrations;     /* open sign-up */
	int max_chars;          /* characters in a status */
	size_t max_body;        /* bytes of a request body */
	int login_limit;        /* sign-in attempts per IP and per account ...; 0 = off */
	int login_window;       /* ... per this many seconds */
	int rate_limit;         /* API requests per token (or IP) ...; 0 = off */
	int rate_window;        /* ... per this many seconds */
	int signup_limit;       /* sign-ups per IP per signup_window; 0 = off */
	int signup_window;
	int conn_timeout;       /* seconds a connection may sit idle or half-sent */
	int fanout_inline;      /* fan out in the request up to this many followers */
	int render_cache_mb;    /* RAPPORT_RENDER_CACHE_MB: rendered statuses and accounts */
	int row_cache;          /* RAPPORT_ROW_CACHE: statuses' and accounts' numbers kept */
	int trust_interval_s;   /* RAPPORT_TRUST_INTERVAL: trust recomputed at most this often */
	int slow_sql_ms;        /* RAPPORT_SLOW_SQL_MS: log statements this slow; -1 = off */
	int node_id;            /* RAPPORT_NODE_ID: this process's bits in the ids it makes */
	struct cidr_list trusted_proxies; /* RAPPORT_TRUSTED_PROXIES (owned) */
	const char *web_dir;    /* RAPPORT_WEB_DIR: the built web app, default build/web */
	const char *db_url;     /* RAPPORT_DB, --db: a PostgreSQL URL; NULL: SQLite in data_dir */
	bool fetch_loopback;    /* RAPPORT_FETCH_ALLOW_LOOPBACK: outbound fetches may reach
				 * 127.0.0.0/8 and ::1 (tests only; serve refuses it unless
				 * it listens on loopback itself) */
};

/* Fills the defaults; reads nothing. */
void config_defaults(struct config *c);
/* Reads the RAPPORT_* environment variables over the defaults. Returns 0,
 * or -1 with a one-line message naming the setting in err. */
/* 0 if v is NULL or a PostgreSQL URL; else -1 with the reason in err (the
 * URL itself is not repeated: it may hold a password). */
int config_db_url(const char *v, char err[CONFIG_ERR_MAX]);
int config_env(struct config *c, char err[CONFIG_ERR_MAX]);
/* Applies a command-line flag's value ("--threads", "8") with the checks
 * of its environment variable. Returns 0, or -1 with a message in err. */
int config_flag(struct config *c, const char *flag, const char *value, char err[CONFIG_ERR_MAX]);
/* Derives base_url from domain. Call after flags are applied. */
void config_finish(struct config *c);
/* Frees what the configuration owns (base_url, the proxy list). */
void config_free(struct config *c);

#endif
