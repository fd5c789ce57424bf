/* archive.h - the archive of an account, as Mastodon's "request your
 * archive" makes it: a zip with actor.json (the ActivityPub actor),
 * outbox.json (every status as a Create of a Note, every reblog as an
 * Announce, oldest first), the CSV files of core/portability.h and the
 * media files the Notes' attachments name (under ARCHIVE_MEDIA_DIR, as
 * their url: "/media_attachments/files/NAME"), at most ARCHIVE_MEDIA_FILES
 * files and ARCHIVE_MEDIA_MAX bytes of them; an attachment past those
 * bounds keeps its URL on this server instead. */
#ifndef RAPPORT_ARCHIVE_H
#define RAPPORT_ARCHIVE_H

#include "core/core.h"

#define ARCHIVE_MAX (256 << 20) /* bytes of outbox.json */
#define ARCHIVE_MEDIA_DIR "media_attachments/files/"
#define ARCHIVE_MEDIA_MAX (256LL << 20) /* bytes of media files */
#define ARCHIVE_MEDIA_FILES 20000

/* The zip in memory: *out malloc'ed (the caller frees it), *len bytes. */
enum rc archive_build(struct core *c, int64_t account_id, char **out, size_t *len);

#endif
