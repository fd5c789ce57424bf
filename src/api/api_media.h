/* api_media.h - uploads and media attachments (api/media.c). */
#ifndef RAPPORT_API_MEDIA_H
#define RAPPORT_API_MEDIA_H

#include "api/api.h"

void h_media_create_v1(struct req *r);
void h_media_create_v2(struct req *r);
void h_media_get(struct req *r);
void h_media_update(struct req *r);
/* GET /media/:file - a processed file: its type, a strong ETag (its
 * content hash), byte ranges, a year's caching. */
void h_media_file(struct req *r);

/* Status JSON's "media_attachments" member (key and array), not read when
 * its shape says it has none (api_polls.h); on a store failure the writer
 * is marked failed (the response is a 500). */
void jw_media_attachments(struct jw *w, struct req *r, const struct status *s, unsigned shape);
/* The media_ids[] of a new status: up to MEDIA_PER_STATUS ids into ids,
 * their number in *n. Replies and returns false when they are not ids. */
bool media_ids_param(struct req *r, int64_t *ids, int *n);
/* avatar and header files of PATCH update_credentials: processed (the
 * request waits for the worker) and set on the account. Replies and
 * returns false on failure. */
bool media_profile_params(struct req *r);

#endif
