/* upload.c - multipart/form-data through libmicrohttpd's post processor
 * (see upload.h). */
#include "http/upload.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/util.h"

#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PP_BUFFER 16384 /* the post processor's buffer: a part's headers must fit */

struct upload {
	struct MHD_PostProcessor *pp;
	const char *tmp_dir;
	uint64_t file_cap;
	size_t field_cap, field_bytes;
	json_t *fields;
	/* The part being read: a text field's key and value, or a file. */
	char *key;
	struct buf val;
	bool in_text;
	int fd;
	struct upload_file *cur;
	struct upload_file files[UPLOAD_MAX_FILES];
	int nfiles;
	enum upload_error err;
};

static void flush_text(struct upload *u)
{
	if (!u->in_text)
		return;
	u->in_text = false;
	const char *v = u->val.data ? u->val.data : "";
	if (!u->err && params_add(u->fields, u->key, strlen(u->key), v, u->val.len))
		u->err = UPLOAD_MALFORMED;
	free(u->key);
	u->key = NULL;
	buf_free(&u->val);
}

static void close_file(struct upload *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u->cur = NULL;
}

static enum upload_error start_file(struct upload *u, const char *key)
{
	if (!u->tmp_dir || u->nfiles == UPLOAD_MAX_FILES || strlen(key) >= 32)
		return UPLOAD_NO_FILES;
	struct upload_file *f = &u->files[u->nfiles];
	int n = snprintf(f->path, sizeof f->path, "%s/up-XXXXXX", u->tmp_dir);
	if (n < 0 || (size_t)n >= sizeof f->path)
		return UPLOAD_IO;
	u->fd = mkostemp(f->path, O_CLOEXEC);
	if (u->fd < 0) {
		f->path[0] = '\0';
		return UPLOAD_IO;
	}
	u->nfiles++;
	strcpy(f->field, key);
	f->size = 0;
	u->cur = f;
	return UPLOAD_OK;
}

static enum upload_error write_file(struct upload *u, const char *data, size_t n)
{
	if (u->cur->size + n > u->file_cap)
		return UPLOAD_TOO_LARGE;
	u->cur->size += n;
	while (n) {
		ssize_t k = write(u->fd, data, n);
		if (k <= 0)
			return UPLOAD_IO;
		data += k;
		n -= (size_t)k;
	}
	return UPLOAD_OK;
}

static enum upload_error text_part(struct upload *u, const char *key, const char *data,
				   size_t n, uint64_t off)
{
	if (off == 0 || !u->in_text) {
		flush_text(u);
		size_t kl = strlen(key);
		if (kl > u->field_cap - u->field_bytes)
			return UPLOAD_TOO_LARGE;
		u->field_bytes += kl;
		u->key = xstrdup(key);
		buf_init(&u->val, u->field_cap);
		u->in_text = true;
	}
	if (n > u->field_cap - u->field_bytes || buf_append(&u->val, data, n))
		return UPLOAD_TOO_LARGE;
	u->field_bytes += n;
	return UPLOAD_OK;
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	(void)kind, (void)content_type, (void)transfer_encoding;
	struct upload *u = cls;
	if (u->err)
		return MHD_NO;
	if (!key)
		key = "";
	if (!filename) {
		close_file(u);
		u->err = text_part(u, key, data, size, off);
	} else {
		flush_text(u);
		if (off == 0 || !u->cur) {
			close_file(u);
			u->err = start_file(u, key);
		}
		if (!u->err && size)
			u->err = write_file(u, data, size);
	}
	return u->err ? MHD_NO : MHD_YES;
}

struct upload *upload_new(struct MHD_Connection *conn, const char *tmp_dir, uint64_t file_cap,
			  size_t field_cap)
{
	struct upload *u = xcalloc(1, sizeof *u);
	u->fd = -1;
	u->tmp_dir = tmp_dir;
	u->file_cap = file_cap;
	u->field_cap = field_cap;
	u->fields = json_object();
	u->pp = MHD_create_post_processor(conn, PP_BUFFER, on_part, u);
	if (!u->pp || !u->fields) {
		upload_free(u);
		return NULL;
	}
	return u;
}

enum upload_error upload_feed(struct upload *u, const char *data, size_t n)
{
	if (!u->err && MHD_post_process(u->pp, data, n) != MHD_YES && !u->err)
		u->err = UPLOAD_MALFORMED;
	return u->err;
}

enum upload_error upload_finish(struct upload *u)
{
	if (u->pp && MHD_destroy_post_processor(u->pp) != MHD_YES && !u->err)
		u->err = UPLOAD_MALFORMED;
	u->pp = NULL;
	flush_text(u);
	close_file(u);
	return u->err;
}

json_t *upload_fields(struct upload *u)
{
	return u->fields;
}

struct upload_file *upload_file(struct upload *u, const char *name)
{
	for (int i = 0; i < u->nfiles; i++)
		if (!strcmp(u->files[i].field, name) && u->files[i].path[0])
			return &u->files[i];
	return NULL;
}

void upload_free(struct upload *u)
{
	if (!u)
		return;
	if (u->pp)
		MHD_destroy_post_processor(u->pp);
	u->in_text = false;
	free(u->key);
	buf_free(&u->val);
	close_file(u);
	for (int i = 0; i < u->nfiles; i++)
		if (u->files[i].path[0])
			unlink(u->files[i].path);
	json_decref(u->fields);
	free(u);
}
