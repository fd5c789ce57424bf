/* upload.h - multipart/form-data bodies, parsed as they arrive by
 * libmicrohttpd's post processor.
 *
 * Text fields become parameters (with the bracket syntax of form bodies,
 * params_add) within a byte cap; file fields are written as they arrive
 * to temporary files in a directory the caller names (never a name the
 * client chose), each within its own cap. Nothing is held in memory but
 * the text fields. A request that may not carry files (tmp_dir NULL)
 * fails on the first file. upload_free() removes every temporary file
 * the handler did not take. */
#ifndef RAPPORT_UPLOAD_H
#define RAPPORT_UPLOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Connection;
struct upload;

#define UPLOAD_MAX_FILES 2 /* avatar and header together */

enum upload_error {
	UPLOAD_OK = 0,
	UPLOAD_MALFORMED,  /* 400 */
	UPLOAD_TOO_LARGE,  /* 413: a file or the fields passed their cap */
	UPLOAD_NO_FILES,   /* 422: a file where none is taken, or too many */
	UPLOAD_IO,         /* 500: a temporary file could not be written */
};

struct upload_file {
	char field[32];    /* the form field's name ("file", "avatar", ...) */
	char path[256];    /* the temporary file; "" once taken */
	uint64_t size;
};

/* NULL when the request's Content-Type has no usable boundary. tmp_dir:
 * where files go, or NULL; file_cap: bytes per file; field_cap: bytes of
 * all text fields together. */
struct upload *upload_new(struct MHD_Connection *conn, const char *tmp_dir, uint64_t file_cap,
			  size_t field_cap);
/* Parses the next bytes; returns the sticky error (bytes after an error
 * are ignored). */
enum upload_error upload_feed(struct upload *u, const char *data, size_t n);
/* Ends the body: the last field is complete. */
enum upload_error upload_finish(struct upload *u);
/* The text fields as one object (owned by the upload). */
json_t *upload_fields(struct upload *u);
/* The file sent as field name, or NULL. The caller may move the file
 * away: it then sets path[0] = '\0' so upload_free leaves it alone. */
struct upload_file *upload_file(struct upload *u, const char *name);
void upload_free(struct upload *u);

#endif
