/* archive.h - the archive of an account, as Mastodon's "request your
 * archive" makes it: a zip with actor.json (the ActivityPub actor),
 * outbox.json (every status as a Create of a Note, every reblog as an
 * Announce, oldest first) and the CSV files of core/portability.h. Media
 * have no files to add yet (the server keeps none). */
#ifndef RAPPORT_ARCHIVE_H
#define RAPPORT_ARCHIVE_H

#include "core/core.h"

#define ARCHIVE_MAX (256 << 20) /* bytes of outbox.json */

/* The zip in memory: *out malloc'ed (the caller frees it), *len bytes. */
enum rc archive_build(struct core *c, int64_t account_id, char **out, size_t *len);

#endif
