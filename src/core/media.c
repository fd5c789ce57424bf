/* media.c - accepting uploads and what the API asks of them (media.h). */
#include "core/media.h"
#include "core/text.h"
#include "store/media.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The types taken, by what libmagic finds in the bytes. */
struct kind_of {
	const char *mime, *kind;
	bool image;
};
static const struct kind_of KINDS[] = {
	{"image/jpeg", "image", true},      {"image/png", "image", true},
	{"image/webp", "image", true},      {"image/gif", "image", true},
	{"video/mp4", "video", false},      {"video/quicktime", "video", false},
	{"video/webm", "video", false},     {"video/x-matroska", "video", false},
	{"audio/mpeg", "audio", false},     {"audio/ogg", "audio", false},
	{"audio/x-wav", "audio", false},    {"audio/wav", "audio", false},
	{"audio/flac", "audio", false},     {"audio/x-flac", "audio", false},
	{"audio/x-m4a", "audio", false},    {"audio/mp4", "audio", false},
};

static const struct kind_of *kind_of(const char *mime)
{
	for (size_t i = 0; mime && i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (!strcmp(KINDS[i].mime, mime))
			return &KINDS[i];
	return NULL;
}

/* ---- structure: an image's bytes end where its format says ---- */

static bool read_at(int fd, void *p, size_t n, uint64_t off)
{
	return pread(fd, p, n, (off_t)off) == (ssize_t)n;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Chunks from the signature to IEND, which must end the file. */
static bool png_whole(int fd, uint64_t size)
{
	uint64_t off = 8;
	unsigned char h[8];
	while (off + 12 <= size && read_at(fd, h, 8, off)) {
		uint64_t next = off + 12 + be32(h);
		if (!memcmp(h + 4, "IEND", 4))
			return next == size;
		off = next;
	}
	return false;
}

static bool ends_with(int fd, uint64_t size, const void *tail, size_t n)
{
	unsigned char b[4];
	return size >= n && read_at(fd, b, n, size - n) && !memcmp(b, tail, n);
}

/* RIFF's length covers the whole file. */
static bool webp_whole(int fd, uint64_t size)
{
	unsigned char h[8];
	if (!read_at(fd, h, 8, 0))
		return false;
	uint32_t n = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
		     (uint32_t)h[7] << 24;
	return (uint64_t)n + 8 == size;
}

/* A truncated image, or another file glued after one (a polyglot), does
 * not end where its format ends. */
static bool image_whole(const char *path, const char *mime, uint64_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = false;
	if (!strcmp(mime, "image/png"))
		ok = png_whole(fd, size);
	else if (!strcmp(mime, "image/jpeg"))
		ok = ends_with(fd, size, "\xff\xd9", 2);
	else if (!strcmp(mime, "image/gif"))
		ok = ends_with(fd, size, "\x3b", 1);
	else if (!strcmp(mime, "image/webp"))
		ok = webp_whole(fd, size);
	close(fd);
	return ok;
}

/* ---- accepting ---- */

static enum rc parse_focus(struct core *c, const char *focus, int *x, int *y)
{
	*x = *y = 0;
	if (!focus || !*focus)
		return RC_OK;
	char *end;
	double fx = strtod(focus, &end);
	if (*end != ',')
		goto bad;
	double fy = strtod(end + 1, &end);
	if (*end || !(fx >= -1 && fx <= 1) || !(fy >= -1 && fy <= 1))
		goto bad;
	*x = (int)(fx * 1000);
	*y = (int)(fy * 1000);
	return RC_OK;
bad:
	return core_fail(c, RC_INVALID, "focus",
			 "Validation failed: focus must be two numbers from -1 to 1, as \"x,y\"");
}

static enum rc check_description(struct core *c, const char *d)
{
	if (d && text_length(d) > MEDIA_DESCRIPTION_MAX)
		return core_fail(c, RC_INVALID, "description",
				 "Validation failed: description is longer than %d characters",
				 MEDIA_DESCRIPTION_MAX);
	return RC_OK;
}

static enum rc rate_check(struct core *c, int64_t account)
{
	const struct config *cfg = c->cfg;
	if (cfg->media_rate_limit <= 0 || !c->rl)
		return RC_OK;
	char key[48];
	snprintf(key, sizeof key, "media:%lld", (long long)account);
	struct rl_result rl = ratelimit_count(c->rl, c->db, key, cfg->media_rate_limit,
					      cfg->media_rate_window);
	if (rl.failed)
		return core_store_fail(c, ST_ERROR);
	if (rl.allowed)
		return RC_OK;
	core_fail(c, RC_RATE_LIMITED, NULL, "Too many uploads: try again in %d seconds",
		  rl.retry_after_s);
	c->err.retry_after = rl.retry_after_s;
	return RC_RATE_LIMITED;
}

/* The type, caps and structure of the file (the form field `field`, at
 * path, of size bytes; purpose: only images are taken): its kind
 * ("image", "gifv", "video", "audio") or an error. */
static enum rc check_file(struct core *c, const char *field, const char *path, uint64_t size,
			  const char *purpose, const char **mime, const char **kind)
{
	*mime = media_sniff(c->arena, path);
	const struct kind_of *k = kind_of(*mime);
	if (!k || (purpose && !k->image))
		return core_fail(c, RC_INVALID, field,
				 "Validation failed: %s type %s is not supported", field,
				 *mime ? *mime : "unknown");
	size_t cap = k->image ? c->cfg->media_image_max : c->cfg->media_video_max;
	if (size == 0 || size > cap)
		return core_fail(c, RC_INVALID, field,
				 "Validation failed: %s size must be from 1 to %zu bytes", field,
				 cap);
	*kind = k->kind;
	if (!k->image)
		return RC_OK;
	int w, h, pages;
	if (!image_whole(path, *mime, size) || media_image_header(path, *mime, &w, &h, &pages))
		return core_fail(c, RC_INVALID, field,
				 "Validation failed: the %s is damaged, truncated or has "
				 "other data joined to it",
				 !strcmp(field, "file") ? "image" : field);
	int64_t px = (int64_t)w * h, max = c->cfg->media_max_pixels;
	if (px > max || px * pages > max * 4)
		return core_fail(c, RC_INVALID, field,
				 "Validation failed: the image is %dx%d pixels, more than %d "
				 "in all", w, h, c->cfg->media_max_pixels);
	if (pages > 1 && !purpose)
		*kind = "gifv";
	return RC_OK;
}

/* A client's thumbnail (an image; only for video and audio, kind) is
 * checked as an upload is. */
static enum rc check_thumbnail(struct core *c, const char *path, uint64_t size,
			       const char *kind)
{
	const char *mime, *k;
	if (strcmp(kind, "video") && strcmp(kind, "gifv") && strcmp(kind, "audio"))
		return core_fail(c, RC_INVALID, "thumbnail",
				 "Validation failed: a thumbnail is only taken for video and "
				 "audio");
	return check_file(c, "thumbnail", path, size, "thumbnail", &mime, &k);
}

static const char *in_path(struct arena *ar, const struct config *cfg, int64_t id)
{
	return arena_printf(ar, "%s/media/tmp/in-%lld", cfg->data_dir, (long long)id);
}

static const char *thumb_path(struct arena *ar, const struct config *cfg, int64_t id)
{
	return arena_printf(ar, "%s/media/tmp/thumb-%lld", cfg->data_dir, (long long)id);
}

static enum rc move_failed(struct core *c, const char *path)
{
	log_error("media: cannot move %s: %s", path, strerror(errno));
	return core_fail(c, RC_INTERNAL, NULL, "Internal error");
}

bool media_ready(const struct media *m)
{
	return m->state == MEDIA_READY && m->thumbnail == 0;
}

enum rc media_accept(struct core *c, int64_t account, const struct media_new *in,
		     int64_t *out_id)
{
	struct media m = {.id = id_new(), .account_id = account, .created_at = now_ms(),
			  .description = in->description ? in->description : ""};
	if (check_description(c, in->description) ||
	    parse_focus(c, in->focus, &m.focus_x, &m.focus_y) || rate_check(c, account) ||
	    check_file(c, "file", in->path, in->size, in->purpose, &m.mime, &m.kind) ||
	    (in->thumb_path && check_thumbnail(c, in->thumb_path, in->thumb_size, m.kind)))
		return c->err.rc;
	if (in->purpose)
		m.kind = in->purpose;
	const char *dst = in_path(c->arena, c->cfg, m.id);
	const char *thumb = thumb_path(c->arena, c->cfg, m.id);
	if (rename(in->path, dst))
		return move_failed(c, in->path);
	if (in->thumb_path && rename(in->thumb_path, thumb)) {
		unlink(dst);
		return move_failed(c, in->thumb_path);
	}
	m.thumbnail = in->thumb_path ? 1 : 0;
	enum store_rc st = store_media_insert(c->db, &m);
	if (st != ST_OK) {
		unlink(dst);
		unlink(thumb);
		return core_store_fail(c, st);
	}
	media_worker_wake();
	*out_id = m.id;
	return RC_OK;
}

enum rc media_get(struct core *c, int64_t account, int64_t id, struct media *out)
{
	enum store_rc st = store_media_get(c->db, c->arena, id, out);
	if (st == ST_OK && out->account_id != account)
		st = ST_NOT_FOUND;
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc media_wait(struct core *c, int64_t account, int64_t id, int timeout_ms,
		   struct media *out)
{
	int64_t until = mono_ms() + timeout_ms;
	for (;;) {
		uint64_t seen = media_worker_done();
		if (media_get(c, account, id, out))
			return c->err.rc;
		int64_t left = until - mono_ms();
		if ((out->state != MEDIA_PROCESSING && out->thumbnail == 0) || left <= 0)
			return RC_OK;
		media_worker_wait(seen, (int)(left < 1000 ? left : 1000));
	}
}

enum rc media_describe(struct core *c, int64_t account, int64_t id, const char *description,
		       const char *focus)
{
	struct media m;
	if (media_get(c, account, id, &m) || check_description(c, description))
		return c->err.rc;
	int fx = m.focus_x, fy = m.focus_y;
	if (focus && parse_focus(c, focus, &fx, &fy))
		return c->err.rc;
	enum store_rc st = store_media_describe(c->db, id, account,
						description ? description : m.description, fx, fy);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc media_thumbnail(struct core *c, int64_t account, int64_t id, const char *path,
			uint64_t size)
{
	struct media m;
	if (media_get(c, account, id, &m))
		return c->err.rc;
	if (m.status_id || m.state == MEDIA_FAILED)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	if (check_thumbnail(c, path, size, m.kind))
		return c->err.rc;
	const char *dst = thumb_path(c->arena, c->cfg, id);
	if (rename(path, dst))
		return move_failed(c, path);
	enum store_rc st = store_media_thumbnail_queue(c->db, id, account);
	if (st != ST_OK) { /* the worker may take a file it finds: none then */
		unlink(dst);
		return core_store_fail(c, st);
	}
	media_worker_wake();
	return RC_OK;
}

enum rc media_card_image(struct core *c, const char *path, uint64_t size, const char *out_path,
			 char blurhash[64], int *w, int *h)
{
	const char *mime, *kind;
	if (check_file(c, "image", path, size, "card", &mime, &kind))
		return c->err.rc;
	if (media_image_preview(path, mime, out_path, blurhash, w, h))
		return core_fail(c, RC_INVALID, "image",
				 "Validation failed: the image could not be decoded");
	return RC_OK;
}

enum rc media_ids_check(struct core *c, int n)
{
	if (n > MEDIA_PER_STATUS)
		return core_fail(c, RC_INVALID, "media_ids",
				 "Validation failed: at most %d media attachments per status",
				 MEDIA_PER_STATUS);
	return RC_OK;
}

static enum rc not_usable(struct core *c, int64_t id)
{
	return core_fail(c, RC_INVALID, "media_ids",
			 "Validation failed: media %lld is not an upload of yours that is ready "
			 "and not yet used", (long long)id);
}

enum rc media_attach(struct core *c, struct db *db, int64_t account, int64_t status,
		     const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		enum store_rc st = store_media_attach(db, ids[i], account, status, i);
		if (st == ST_CONFLICT)
			return not_usable(c, ids[i]);
		if (st != ST_OK)
			return core_store_fail(c, st);
	}
	return RC_OK;
}

enum rc media_usable(struct core *c, int64_t account, const int64_t *ids, int n)
{
	for (int i = 0; i < n; i++) {
		struct media m;
		enum store_rc st = store_media_get(c->db, c->arena, ids[i], &m);
		if (st == ST_NOT_FOUND || (st == ST_OK && (m.account_id != account || m.status_id ||
							   !media_ready(&m) ||
							   !strcmp(m.kind, "avatar") ||
							   !strcmp(m.kind, "header"))))
			return not_usable(c, ids[i]);
		if (st != ST_OK)
			return core_store_fail(c, st);
	}
	return RC_OK;
}

enum rc media_of_status(struct core *c, int64_t status, struct media_list *out)
{
	enum store_rc st = store_media_of_status(c->db, c->arena, status, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc media_forget(struct core *c, int64_t id)
{
	enum store_rc st = store_media_delete(c->db, id);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- processed files ---- */

const char *media_file_type(const char *name)
{
	static const char *const types[][2] = {
		{"jpg", "image/jpeg"}, {"png", "image/png"},  {"webp", "image/webp"},
		{"mp4", "video/mp4"},  {"mp3", "audio/mpeg"}, {"opus", "audio/ogg"},
	};
	size_t i = 0;
	while (i < 64 && ((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
		i++;
	if (i != 64 || name[64] != '.')
		return NULL;
	for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
		if (!strcmp(name + 65, types[k][0]))
			return types[k][1];
	return NULL;
}

/* Where a processed file lives (its name already checked). */
static void file_path(char *out, size_t cap, const struct config *cfg, const char *name)
{
	snprintf(out, cap, "%s/media/%.2s/%s", cfg->data_dir, name, name);
}

const char *media_file_path(struct arena *ar, const struct config *cfg, const char *name)
{
	if (!media_file_type(name))
		return NULL;
	char path[1024];
	file_path(path, sizeof path, cfg, name);
	return arena_strdup(ar, path);
}

int media_file_open(const struct config *cfg, const char *name)
{
	if (!media_file_type(name))
		return -1;
	char path[1024];
	file_path(path, sizeof path, cfg, name);
	return open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

const char *media_url(struct arena *ar, const struct config *cfg, const char *name)
{
	return arena_printf(ar, "%s/media/%s", cfg->base_url, name);
}
