/* static.c - files from the web directory and embedded bytes, with ETags,
 * conditional requests, long caching of hashed names and precompressed
 * gzip (see static.h). */
#include "http/static.h"
#include "http/accept.h"
#include "http/server.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_MAX_LEN 512
#define SEGMENTS_MAX 8

#define CACHE_IMMUTABLE "public, max-age=31536000, immutable"
#define CACHE_REVALIDATE "no-cache"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

bool static_path_safe(const char *rel)
{
	size_t len = strlen(rel);
	if (!len || len > PATH_MAX_LEN)
		return false;
	int segs = 0;
	for (const char *p = rel; *p;) {
		size_t n = strcspn(p, "/");
		if (!n || p[0] == '.' || ++segs > SEGMENTS_MAX)
			return false;
		for (size_t i = 0; i < n; i++)
			if (!name_char(p[i]))
				return false;
		p += n;
		if (*p == '/' && !*++p)
			return false; /* a trailing slash names a directory */
	}
	return true;
}

/* "index-3fa2b1c9.js", "app.BMq4oK2x.css": the stem's last part after '-'
 * or '.' is 8 or more of [A-Za-z0-9_] with a digit or a capital (so words
 * such as "component" are not taken for hashes). */
bool static_name_hashed(const char *name)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	const char *ext = strrchr(base, '.');
	if (!ext || ext == base)
		return false;
	const char *h = ext;
	bool mixed = false;
	while (h > base && (isalnum((unsigned char)h[-1]) || h[-1] == '_')) {
		h--;
		mixed |= isdigit((unsigned char)*h) || isupper((unsigned char)*h);
	}
	return h - 1 > base && (h[-1] == '-' || h[-1] == '.') && ext - h >= 8 && mixed;
}

static const struct {
	const char *ext, *type;
} TYPES[] = {
	{"html", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"map", "application/json; charset=utf-8"},
	{"webmanifest", "application/manifest+json"},
	{"txt", "text/plain; charset=utf-8"},
	{"xml", "application/xml; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"avif", "image/avif"},
	{"ico", "image/x-icon"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"wasm", "application/wasm"},
};

const char *static_content_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
			if (!strcasecmp(dot + 1, TYPES[i].ext))
				return TYPES[i].type;
	return "application/octet-stream";
}

bool static_etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	size_t el = strlen(etag);
	for (const char *p = inm; *p;) {
		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		size_t n = strcspn(p, ",");
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == el && !memcmp(p, etag, el))
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

void static_reply(struct req *r, const char *type, const char *etag, const char *cache,
		  const void *data, size_t n)
{
	reply_header(r, MHD_HTTP_HEADER_ETAG, etag);
	reply_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
	reply_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (static_etag_matches(req_header(r, MHD_HTTP_HEADER_IF_NONE_MATCH), etag))
		reply_bytes(r, 304, NULL, "", 0);
	else
		reply_bytes(r, 200, type, data, n);
}

/* Opens rel below the web directory one component at a time, refusing
 * symbolic links; returns a descriptor of a regular file or -1. */
static int open_below(const char *root, const char *rel, struct stat *st)
{
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char seg[PATH_MAX_LEN + 1];
	for (const char *p = rel; dir >= 0;) {
		size_t n = strcspn(p, "/");
		memcpy(seg, p, n);
		seg[n] = '\0';
		bool last = !p[n];
		int fd = openat(dir, seg,
				O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY));
		close(dir);
		if (last) {
			if (fd >= 0 && (fstat(fd, st) || !S_ISREG(st->st_mode))) {
				close(fd);
				fd = -1;
			}
			return fd;
		}
		dir = fd;
		p += n + 1;
	}
	return -1;
}

/* The whole file into a malloc'ed buffer; NULL on error or past the cap. */
static char *read_all(int fd, size_t size)
{
	if (size > STATIC_FILE_MAX)
		return NULL;
	char *data = xmalloc(size ? size : 1);
	size_t got = 0;
	while (got < size) {
		ssize_t k = read(fd, data + got, size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			free(data);
			return NULL;
		}
		got += (size_t)k;
	}
	return data;
}

bool static_exists(struct req *r, const char *rel)
{
	struct stat st;
	if (!static_path_safe(rel))
		return false;
	int fd = open_below(r->srv->cfg->web_dir, rel, &st);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The gzip sibling when the client takes it and it exists. */
static int open_variant(struct req *r, const char *rel, struct stat *st, bool *gz)
{
	const char *root = r->srv->cfg->web_dir;
	*gz = false;
	if (accept_encoding(req_header(r, MHD_HTTP_HEADER_ACCEPT_ENCODING), "gzip")) {
		int fd = open_below(root, arena_printf(&r->arena, "%s.gz", rel), st);
		if (fd >= 0) {
			*gz = true;
			return fd;
		}
	}
	return open_below(root, rel, st);
}

void static_serve(struct req *r, const char *rel)
{
	struct stat st;
	bool gz;
	int fd = static_path_safe(rel) ? open_variant(r, rel, &st, &gz) : -1;
	if (fd < 0) {
		reply_error(r, 404, "Record not found");
		return;
	}
	char *data = read_all(fd, (size_t)st.st_size);
	close(fd);
	if (!data) {
		log_error("static: cannot read %s", rel);
		reply_error(r, 500, "Internal error");
		return;
	}
	r->policy = r->policy == POLICY_APP ? POLICY_APP : POLICY_ASSET;
	if (gz)
		reply_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	const char *etag = arena_printf(&r->arena, "\"%llx-%llx%s\"", (long long)st.st_size,
					(long long)st.st_mtim.tv_sec * 1000000000LL +
						st.st_mtim.tv_nsec,
					gz ? "-gz" : "");
	static_reply(r, static_content_type(rel), etag,
		     static_name_hashed(rel) ? CACHE_IMMUTABLE : CACHE_REVALIDATE, data,
		     (size_t)st.st_size);
	free(data);
}
