/* media.c - /api/v1/media, /api/v2/media, the files under /media/, and
 * media attachments in Status JSON. */
#include "api/api_media.h"
#include "api/api_polls.h"
#include "core/media.h"
#include "http/upload.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define V1_WAIT_MS 60000 /* POST /api/v1/media answers once processed */

static void jw_focus(struct jw *w, const struct media *m)
{
	char f[64];
	snprintf(f, sizeof f, "{\"x\":%.3f,\"y\":%.3f}", m->focus_x / 1000.0,
		 m->focus_y / 1000.0);
	jw_key(w, "focus");
	jw_raw(w, f);
}

/* A remote status's attachment is shown from its own server: url and
 * remote_url are its address (an image is its own preview). */
static void jw_urls(struct jw *w, struct req *r, const struct media *m)
{
	const struct config *cfg = r->core.cfg;
	bool ready = m->state == MEDIA_READY, remote = m->remote_url && *m->remote_url;
	if (remote) {
		jw_kstr(w, "url", m->remote_url);
		jw_kstr(w, "preview_url", !strcmp(m->kind, "image") ? m->remote_url : NULL);
		jw_kstr(w, "remote_url", m->remote_url);
		return;
	}
	jw_kstr(w, "url", ready ? media_url(&r->arena, cfg, m->file) : NULL);
	jw_kstr(w, "preview_url",
		ready && *m->preview ? media_url(&r->arena, cfg, m->preview) : NULL);
	jw_knull(w, "remote_url");
}

static void jw_attachment(struct jw *w, struct req *r, const struct media *m)
{
	bool ready = m->state == MEDIA_READY;
	jw_obj(w);
	jw_kid(w, "id", m->id);
	bool profile = !strcmp(m->kind, "avatar") || !strcmp(m->kind, "header");
	jw_kstr(w, "type", profile ? "image" : m->kind);
	jw_urls(w, r, m);
	jw_knull(w, "preview_remote_url");
	jw_knull(w, "text_url");
	jw_key(w, "meta");
	jw_obj(w);
	const char *meta = ready ? m->meta : "{}";
	size_t n = strlen(meta);
	if (n > 2)
		jw_raw_members(w, meta + 1, n - 2);
	jw_focus(w, m);
	jw_obj_end(w);
	jw_kstr(w, "description", *m->description ? m->description : NULL);
	jw_kstr(w, "blurhash", ready && *m->blurhash ? m->blurhash : NULL);
	jw_obj_end(w);
}

void jw_media_attachments(struct jw *w, struct req *r, const struct status *s, unsigned shape)
{
	jw_key(w, "media_attachments");
	struct media_list l = {NULL, 0};
	if (!s->reblog_of_id && !shape_no_media(shape) && media_of_status(&r->core, s->id, &l)) {
		jw_fail(w);
		return;
	}
	jw_arr(w);
	for (int i = 0; i < l.n; i++)
		jw_attachment(w, r, &l.items[i]);
	jw_arr_end(w);
}

static void reply_media(struct req *r, unsigned status, const struct media *m)
{
	struct jw w;
	jw_init(&w, 1u << 20);
	jw_attachment(&w, r, m);
	reply_jw(r, status, &w);
}

/* The file parameter, accepted and queued; false after replying. */
static bool accept_file(struct req *r, int64_t *id)
{
	struct upload_file *f = r->upload ? upload_file(r->upload, "file") : NULL;
	if (!f) {
		reply_error(r, 422, "Validation failed: file is missing (send it as "
				    "multipart/form-data)");
		return false;
	}
	struct upload_file *t = upload_file(r->upload, "thumbnail");
	struct media_new in = {
		.path = f->path,
		.size = f->size,
		.description = param_str(r, "description"),
		.focus = param_str(r, "focus"),
		.thumb_path = t ? t->path : NULL,
		.thumb_size = t ? t->size : 0,
	};
	if (api_check(r, media_accept(&r->core, r->account_id, &in, id)))
		return false;
	f->path[0] = '\0'; /* the worker's now */
	if (t)
		t->path[0] = '\0';
	return true;
}

/* A failed upload: 422 with the reason, and (its files already gone)
 * its row too when forget is set. */
static void reply_failed(struct req *r, const struct media *m, bool forget)
{
	if (forget)
		media_forget(&r->core, m->id);
	reply_error(r, 422, "Validation failed: %s", *m->error ? m->error : "processing failed");
}

void h_media_create_v1(struct req *r)
{
	int64_t id;
	struct media m;
	if (!accept_file(r, &id) ||
	    api_check(r, media_wait(&r->core, r->account_id, id, V1_WAIT_MS, &m)))
		return;
	if (m.state == MEDIA_FAILED)
		reply_failed(r, &m, true);
	else
		reply_media(r, media_ready(&m) ? 200 : 202, &m);
}

void h_media_create_v2(struct req *r)
{
	int64_t id;
	struct media m;
	if (!accept_file(r, &id) || api_check(r, media_get(&r->core, r->account_id, id, &m)))
		return;
	reply_media(r, 202, &m);
}

void h_media_get(struct req *r)
{
	int64_t id;
	struct media m;
	if (!path_id(r, 0, &id) || api_check(r, media_get(&r->core, r->account_id, id, &m)))
		return;
	if (m.state == MEDIA_FAILED)
		reply_failed(r, &m, false);
	else
		reply_media(r, media_ready(&m) ? 200 : 206, &m);
}

/* PUT's thumbnail part, if any: queued for the worker; false after
 * replying. */
static bool thumbnail_param(struct req *r, int64_t id)
{
	struct upload_file *t = r->upload ? upload_file(r->upload, "thumbnail") : NULL;
	if (!t)
		return true;
	if (api_check(r, media_thumbnail(&r->core, r->account_id, id, t->path, t->size)))
		return false;
	t->path[0] = '\0';
	return true;
}

void h_media_update(struct req *r)
{
	int64_t id;
	struct media m;
	if (!path_id(r, 0, &id) ||
	    api_check(r, media_describe(&r->core, r->account_id, id, param_str(r, "description"),
					param_str(r, "focus"))) ||
	    !thumbnail_param(r, id) || api_check(r, media_get(&r->core, r->account_id, id, &m)))
		return;
	reply_media(r, media_ready(&m) ? 200 : 206, &m);
}

bool media_ids_param(struct req *r, int64_t *ids, int *n)
{
	*n = 0;
	json_t *v = param_get(r, "media_ids");
	json_t *one = json_is_string(v) ? v : NULL;
	size_t count = one ? (*json_string_value(one) ? 1 : 0) : json_array_size(v);
	if (api_check(r, media_ids_check(&r->core, (int)count)))
		return false;
	for (size_t i = 0; i < count; i++) {
		json_t *e = one ? one : json_array_get(v, i);
		if (!json_is_string(e) || !id_parse(json_string_value(e), &ids[*n])) {
			core_fail(&r->core, RC_INVALID, "media_ids",
				  "Validation failed: media_ids must be ids");
			reply_core_error(r);
			return false;
		}
		for (int k = 0; k < *n; k++)
			if (ids[k] == ids[*n]) {
				core_fail(&r->core, RC_INVALID, "media_ids",
					  "Validation failed: media_ids repeats an id");
				reply_core_error(r);
				return false;
			}
		(*n)++;
	}
	return true;
}

/* One profile picture: accepted, processed while the request waits, and
 * set on the account by the worker. */
static bool profile_picture(struct req *r, const char *field)
{
	struct upload_file *f = r->upload ? upload_file(r->upload, field) : NULL;
	if (!f)
		return true;
	struct media_new in = {.path = f->path, .size = f->size, .purpose = field};
	int64_t id;
	struct media m;
	if (api_check(r, media_accept(&r->core, r->account_id, &in, &id)))
		return false;
	f->path[0] = '\0';
	if (api_check(r, media_wait(&r->core, r->account_id, id, V1_WAIT_MS, &m)))
		return false;
	if (m.state == MEDIA_READY)
		return true;
	if (m.state == MEDIA_FAILED)
		reply_failed(r, &m, true);
	else
		reply_error(r, 503, "The picture is still being processed: try again");
	return false;
}

bool media_profile_params(struct req *r)
{
	return profile_picture(r, "avatar") && profile_picture(r, "header");
}

/* ---- serving files ---- */

/* "bytes=a-b", "bytes=a-" or "bytes=-n" within size; false otherwise. */
static bool parse_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len)
{
	if (strncmp(h, "bytes=", 6) || strchr(h, ','))
		return false;
	h += 6;
	char *end;
	if (*h == '-') {
		unsigned long long n = strtoull(h + 1, &end, 10);
		if (*end || end == h + 1 || n == 0)
			return false;
		*len = n < size ? n : size;
		*off = size - *len;
		return size > 0;
	}
	unsigned long long a = strtoull(h, &end, 10), b = size ? size - 1 : 0;
	if (end == h || *end != '-' || a >= size)
		return false;
	if (end[1]) {
		const char *bs = end + 1;
		b = strtoull(bs, &end, 10);
		if (*end || b < a)
			return false;
		if (b >= size)
			b = size - 1;
	}
	*off = a;
	*len = b - a + 1;
	return true;
}

static void file_headers(struct req *r, const char *name)
{
	reply_header(r, "ETag", arena_printf(&r->arena, "\"%.64s\"", name));
	reply_header(r, "Cache-Control", "public, max-age=31536000, immutable");
	reply_header(r, "Accept-Ranges", "bytes");
	reply_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
}

void h_media_file(struct req *r)
{
	const char *name = path_param(r, 0);
	const char *type = media_file_type(name);
	int fd = type ? media_file_open(r->core.cfg, name) : -1;
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		reply_error(r, 404, "Record not found");
		return;
	}
	file_headers(r, name);
	const char *inm = req_header(r, "If-None-Match");
	char etag[70];
	snprintf(etag, sizeof etag, "\"%.64s\"", name);
	if (inm && strstr(inm, etag)) {
		close(fd);
		reply_bytes(r, 304, NULL, "", 0);
		return;
	}
	uint64_t size = (uint64_t)sb.st_size, off = 0, len = size;
	const char *range = req_header(r, "Range");
	if (range && !parse_range(range, size, &off, &len)) {
		close(fd);
		reply_header(r, "Content-Range", arena_printf(&r->arena, "bytes */%llu",
							      (unsigned long long)size));
		reply_error(r, 416, "Range not satisfiable");
		return;
	}
	if (range)
		reply_header(r, "Content-Range",
			     arena_printf(&r->arena, "bytes %llu-%llu/%llu", (unsigned long long)off,
					  (unsigned long long)(off + len - 1),
					  (unsigned long long)size));
	reply_fd(r, range ? 206 : 200, type, fd, off, len);
}
