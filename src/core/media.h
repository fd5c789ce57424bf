/* media.h - uploads: accepted on the HTTP thread (type sniffed from the
 * bytes, byte and pixel caps, structure checked, rate limited), processed
 * by one background worker (libvips for images, ffmpeg as a limited child
 * process for video, audio and animated GIFs), stored under content-hash
 * names in the data directory's media/, and swept when nothing uses them.
 *
 * Files: media/tmp/ holds uploads being received (up-XXXXXX, http/upload.c),
 * accepted ones and clients' thumbnails waiting for the worker (in-<id>,
 * thumb-<id>) and link-card images being made (card-<n>); media/<ab>/<sha256>.<ext>
 * the processed files, named by the SHA-256 of their bytes. The worker
 * and the link-card thread (core/previews.c) write those, the worker's
 * sweep removes them; media_files_lock() keeps the sweep from removing a
 * file whose row is being committed. */
#ifndef RAPPORT_MEDIA_H
#define RAPPORT_MEDIA_H

#include "core/core.h"
#include "store/media.h"

#define MEDIA_PER_STATUS 4
#define MEDIA_DESCRIPTION_MAX 1500 /* characters of alt text */
#define MEDIA_MAX_OUT_PIXELS 8294400 /* a stored image is at most this large */
#define MEDIA_PREVIEW_SIDE 640

/* Opens what processing needs (libvips, libmagic), makes the directories
 * and starts the worker. Returns 0 or -1 (logged). */
int media_start(struct store *st, const struct config *cfg);
/* Stops the worker after the item under way; pending uploads stay in the
 * store and are processed after the next start. */
void media_stop(void);

struct media_new {
	const char *path;        /* the received file; moved away on success */
	uint64_t size;
	const char *purpose;     /* NULL for an attachment, "avatar" or "header" */
	const char *description; /* NULL: none */
	const char *focus;       /* "x,y" or NULL */
	const char *thumb_path;  /* a client's thumbnail (video, audio) or NULL */
	uint64_t thumb_size;
};

/* Checks an upload and queues it for processing: 422 for a type that is
 * not an image, video or audio (by its bytes), too many bytes or pixels,
 * trailing or missing bytes, or bad alt text or focus; 429 past the
 * account's upload rate. On success the file belongs to the worker. */
enum rc media_accept(struct core *c, int64_t account, const struct media_new *in,
		     int64_t *out_id);
/* The viewer's upload. */
enum rc media_get(struct core *c, int64_t account, int64_t id, struct media *out);
/* Waits up to timeout_ms for account's upload to leave processing; out is
 * the upload as it then is. */
enum rc media_wait(struct core *c, int64_t account, int64_t id, int timeout_ms,
		   struct media *out);
/* Ready to attach and show as it will stay: processed, and no client
 * thumbnail waiting for the worker. */
bool media_ready(const struct media *m);
/* A client's thumbnail (the file at path; moved away on success) for
 * account's video or audio upload id that no status has taken: checked as
 * an upload and processed by the worker like an image, it becomes the
 * preview (preview_url, blurhash, meta.small). 422 for anything but an
 * image of a video or audio upload. */
enum rc media_thumbnail(struct core *c, int64_t account, int64_t id, const char *path,
			uint64_t size);
/* Sets alt text and focus of an upload no status has taken. */
enum rc media_describe(struct core *c, int64_t account, int64_t id, const char *description,
		       const char *focus);
/* Gives the uploads to a new status, in order; db is the status's
 * transaction. 422 (in c) for an upload that is not the author's, still
 * processing, failed or taken. */
enum rc media_attach(struct core *c, struct db *db, int64_t account, int64_t status,
		     const int64_t *ids, int n);
/* What media_attach would say, read without writing (a draft's check). */
enum rc media_usable(struct core *c, int64_t account, const int64_t *ids, int n);
/* Checks a media_ids parameter's count and ids before any write. */
enum rc media_ids_check(struct core *c, int n);
enum rc media_of_status(struct core *c, int64_t status, struct media_list *out);
/* Deletes a failed upload's row (its files are already gone). */
enum rc media_forget(struct core *c, int64_t id);

/* A link card's image, fetched to path (size bytes): checked as an
 * uploaded image is (sniffed, caps, whole), then written to out_path as
 * a preview is (upright, stripped, WebP in a 640-pixel box) with its
 * blurhash and size. RC_INVALID when it is no usable image. */
enum rc media_card_image(struct core *c, const char *path, uint64_t size, const char *out_path,
			 char blurhash[64], int *w, int *h);

/* A processed file's name is safe to open: 64 hex digits and a known
 * extension. Returns its Content-Type, or NULL. */
const char *media_file_type(const char *name);
/* The path of a processed file, in ar; NULL for a name that is none. */
const char *media_file_path(struct arena *ar, const struct config *cfg, const char *name);
/* Opens a processed file read-only; -1 if there is none. */
int media_file_open(const struct config *cfg, const char *name);
/* The public URL of a processed file, in ar. */
const char *media_url(struct arena *ar, const struct config *cfg, const char *name);

/* ---- inside core (media_image.c, media_av.c, media_worker.c) ---- */

/* Frees what libvips keeps for the calling thread, at its end. */
void media_image_thread_end(void);
/* Stops libvips, if an image started it. */
void media_image_shutdown(void);
/* libvips: the header of an image of type mime, read without decoding
 * pixels. 0 or -1. */
int media_image_header(const char *path, const char *mime, int *w, int *h, int *pages);
struct media_out {
	char file[128], preview[128]; /* temporary paths written */
	char *meta;                   /* JSON, malloc'ed */
	char blurhash[64];
	const char *kind;
	char error[160];
};
/* Processes an image into out (original and preview); 0 or -1 with out->error. */
int media_image_process(const char *in, const char *mime, const char *tmp_prefix,
			const char *purpose, struct media_out *out);
/* Re-encodes a video, animated GIF or audio file with ffmpeg. */
int media_av_process(const struct config *cfg, const char *in, const char *mime,
		     const char *tmp_prefix, struct media_out *out);
/* The blurhash and a small preview of an image file of type mime (a
 * video's frame, a client's thumbnail). */
int media_image_preview(const char *in, const char *mime, const char *out_path,
			char blurhash[64], int *w, int *h);
/* Runs argv with the configured CPU, memory and wall-clock limits;
 * 0 when it exited 0, -1 when it failed, -2 when a limit stopped it, -3
 * when the server is stopping (the child is killed; the upload stays
 * pending for the next start). */
int media_run(const struct config *cfg, char *const argv[], const char *stdout_path);
/* media_worker.c: wakes the worker; the number of uploads it has
 * finished so far; waits until that number passes seen (or ms pass). */
void media_worker_wake(void);
uint64_t media_worker_done(void);
void media_worker_wait(uint64_t seen, int ms);
/* Moves a finished temporary file to media/<ab>/<sha256>.<ext> (ext that
 * of tmp); name receives the last part. A file with that name is the same
 * bytes. 0 or -1. */
int media_publish(const char *tmp, char name[80]);
/* Held by a thread other than the worker from publishing a file until
 * the row that names it is committed, and by the sweep around each
 * check-and-remove, so the sweep never removes a file being recorded. */
void media_files_lock(void);
void media_files_unlock(void);
/* True once media_stop() has been called. */
bool media_worker_stopping(void);
/* libmagic's MIME type of the file's first bytes, in ar; NULL on error. */
const char *media_sniff(struct arena *ar, const char *path);

#endif
