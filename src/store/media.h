/* media.h - media_attachments (migration 15): uploads, their processing
 * state, the statuses and profiles that use them (store_media.c). */
#ifndef RAPPORT_STORE_MEDIA_H
#define RAPPORT_STORE_MEDIA_H

#include "store/store.h"

enum media_state { MEDIA_PROCESSING = 0, MEDIA_READY = 1, MEDIA_FAILED = 2 };

struct media {
	int64_t id, account_id, status_id; /* status_id 0: not attached */
	int position;
	const char *kind;     /* image, gifv, video, audio, avatar, header */
	const char *mime;     /* the sniffed type of the upload */
	int state;            /* enum media_state */
	const char *file, *preview; /* content-hash names under media/, "" until ready */
	const char *meta;     /* JSON object: original, small, duration... */
	const char *blurhash, *description, *error;
	int focus_x, focus_y; /* thousandths, -1000..1000 */
	int64_t created_at;
	const char *remote_url; /* a remote status's attachment, not downloaded; "" else */
	int64_t thumbnail;    /* > 0: a client's thumbnail waits for the worker */
};

struct media_list {
	struct media *items;
	int n;
};

enum store_rc store_media_insert(struct db *db, const struct media *m);
/* Attaches m, a remote status's attachment (m->remote_url, state ready,
 * no files), to m->status_id at m->position. */
enum store_rc store_media_insert_remote(struct db *db, const struct media *m);
enum store_rc store_media_get(struct db *db, struct arena *ar, int64_t id, struct media *out);
/* Whether an upload waits to be claimed at now (a read: no transaction
 * when there is nothing to do). */
enum store_rc store_media_pending(struct db *db, int64_t now, bool *any);
/* The oldest upload still processing and not claimed at now (ST_NOT_FOUND
 * when none), claimed until `until` (as store_card_claim). In a
 * transaction. */
enum store_rc store_media_claim(struct db *db, int64_t now, int64_t until, int64_t *id);
/* Gives the claim up (the process is stopping): any worker may take it. */
enum store_rc store_media_unclaim(struct db *db, int64_t id);
/* Processing finished: the files, meta and blurhash, state ready. */
enum store_rc store_media_done(struct db *db, const struct media *m);
enum store_rc store_media_failed(struct db *db, int64_t id, const char *error);
/* Description and focus of account's upload that no status has taken
 * yet; ST_NOT_FOUND when there is no such upload. */
enum store_rc store_media_describe(struct db *db, int64_t id, int64_t account,
				   const char *description, int focus_x, int focus_y);
/* Gives account's ready, unattached upload id to status at position;
 * ST_CONFLICT when it is not such an upload (another's, taken, still
 * processing or its thumbnail still waiting, failed or gone). */
enum store_rc store_media_attach(struct db *db, int64_t id, int64_t account, int64_t status,
				 int position);
/* Account's unattached video, gifv or audio upload id (not failed) has a
 * thumbnail waiting in media/tmp/thumb-<id>: thumbnail goes up by one.
 * ST_NOT_FOUND when there is no such upload. */
enum store_rc store_media_thumbnail_queue(struct db *db, int64_t id, int64_t account);
/* The oldest upload, processed or failed, with a thumbnail waiting. */
enum store_rc store_media_next_thumbnail(struct db *db, int64_t *id);
/* The thumbnail m->thumbnail (the count read before it was processed) is
 * done: preview, blurhash and meta as in m; thumbnail back to 0 unless
 * another was sent meanwhile. */
enum store_rc store_media_thumbnail_done(struct db *db, const struct media *m);
/* A status's attachments in order. */
enum store_rc store_media_of_status(struct db *db, struct arena *ar, int64_t status,
				    struct media_list *out);
/* Deletes uploads no status took that were made before `before` (profile
 * pictures excepted); *n receives how many. */
enum store_rc store_media_expire(struct db *db, int64_t before, int64_t *n);
/* Makes upload id account's avatar or header (kind names the column):
 * the account row points at url and the previous picture's row goes. */
enum store_rc store_media_set_profile(struct db *db, int64_t account, int64_t id,
				      const char *kind, const char *url, int64_t now);
enum store_rc store_media_delete(struct db *db, int64_t id);
/* Whether any row names the file (an upload's file or preview, a card's
 * image). */
enum store_rc store_media_file_used(struct db *db, const char *name, bool *used);
/* Whether an upload with this id exists (the sweep's question about
 * files left in media/tmp). */
enum store_rc store_media_exists(struct db *db, int64_t id, bool *exists);

#endif
