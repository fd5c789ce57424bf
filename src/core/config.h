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
/* HTTP worker threads unless RAPPORT_THREADS or --threads say otherwise. */
#define THREADS_SQLITE 4
#define THREADS_PG 16

struct config {
	const char *data_dir;   /* RAPPORT_DATA, default ./data */
	const char *listen;     /* RAPPORT_LISTEN, default 127.0.0.1:8080 */
	const char *domain;     /* RAPPORT_DOMAIN: public host[:port] used in URIs */
	const char *base_url;   /* scheme://domain, no trailing slash (owned) */
	const char *title;      /* RAPPORT_TITLE */
	int threads;            /* HTTP worker threads (0 until config_finish) */
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
	int home_cache;         /* RAPPORT_HOME_CACHE: home first pages kept (PostgreSQL) */
	int trust_interval_s;   /* RAPPORT_TRUST_INTERVAL: trust recomputed at most this often */
	int slow_sql_ms;        /* RAPPORT_SLOW_SQL_MS: log statements this slow; -1 = off */
	int node_id;            /* RAPPORT_NODE_ID: this process's bits in the ids it makes */
	struct cidr_list trusted_proxies; /* RAPPORT_TRUSTED_PROXIES (owned) */
	const char *web_dir;    /* RAPPORT_WEB_DIR: the built web app, default build/web */
	const char *smtp_url;   /* RAPPORT_SMTP_URL: smtp(s)://[user:pass@]host[:port]; NULL:
				 * e-mails are written to the log */
	const char *smtp_from;  /* RAPPORT_SMTP_FROM: the sender; default rapport@DOMAIN */
	int poll_max_options;   /* RAPPORT_POLL_MAX_OPTIONS: options a poll may have (2..) */
	int poll_max_chars;     /* RAPPORT_POLL_MAX_CHARS: characters of one option */
	int poll_min_expiry;    /* RAPPORT_POLL_MIN_EXPIRY: shortest expires_in, seconds */
	int poll_max_expiry;    /* RAPPORT_POLL_MAX_EXPIRY: longest expires_in, seconds */
	int card_ttl_s;         /* RAPPORT_CARD_TTL: a link's preview card is fetched again
				 * when a new status links it after this many seconds */
	int stream_heartbeat_ms; /* RAPPORT_STREAM_HEARTBEAT_MS: idle streams get a heartbeat */
	size_t stream_buffer;   /* RAPPORT_STREAM_BUFFER: bytes a stream may have unsent before
				 * its reader is dropped as too slow */
	int max_connections;    /* RAPPORT_MAX_CONNECTIONS: open HTTP connections, streams
				 * included (the file limit is raised to fit) */
	const char *db_url;     /* RAPPORT_DB, --db: a PostgreSQL URL; NULL: SQLite in data_dir */
	/* Media (core/media.h): byte caps by kind, the pixel cap checked before
	 * any decoding, uploads per account per window, the limits of each
	 * ffmpeg child, and how long an upload may stay unattached. */
	size_t media_image_max;  /* RAPPORT_MEDIA_IMAGE_MAX: bytes of an image */
	size_t media_video_max;  /* RAPPORT_MEDIA_VIDEO_MAX: bytes of a video or audio file */
	int media_max_pixels;    /* RAPPORT_MEDIA_MAX_PIXELS: width x height of an upload */
	size_t audit_upload_max; /* RAPPORT_AUDIT_UPLOAD_MAX: bytes of an archive sent to
				  * /api/rapport/v1/audit */
	int media_rate_limit;    /* RAPPORT_MEDIA_RATE_LIMIT: uploads per account ...; 0 = off */
	int media_rate_window;   /* ... per this many seconds */
	int media_ffmpeg_seconds; /* RAPPORT_MEDIA_FFMPEG_SECONDS: wall-clock limit */
	int media_ffmpeg_cpu;    /* RAPPORT_MEDIA_FFMPEG_CPU: CPU seconds (RLIMIT_CPU) */
	int media_ffmpeg_mb;     /* RAPPORT_MEDIA_FFMPEG_MB: address space (RLIMIT_AS) */
	int media_unattached_ttl; /* RAPPORT_MEDIA_UNATTACHED_TTL: seconds */
	int media_sweep_interval; /* RAPPORT_MEDIA_SWEEP_INTERVAL: seconds between sweeps */
	/* RAPPORT_JOB_LEASE: seconds a claimed job (scheduled status, link
	 * preview, media upload, on top of ffmpeg's limit) stays its worker's
	 * before another process may take it (core/jobs.h). */
	int job_lease_s;
	bool fetch_loopback;    /* RAPPORT_FETCH_ALLOW_LOOPBACK: outbound fetches may reach
				 * 127.0.0.0/8 and ::1 (tests only; serve refuses it unless
				 * it listens on loopback itself) */
	bool fed_insecure;      /* RAPPORT_FEDERATION_INSECURE: a test mode. Peers are reached
				 * over plain http (WebFinger included) and on loopback, our
				 * own URIs are http, remote handles carry the port; serve
				 * refuses it unless it listens on loopback */
	int schedule_lead_s;    /* RAPPORT_SCHEDULE_LEAD: how far ahead scheduled_at must be */
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
