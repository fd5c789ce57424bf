/* static.h - files served as they are: the built web app in cfg.web_dir
 * (RAPPORT_WEB_DIR, build/web by default) and bytes the program carries.
 *
 * Every answer has a strong ETag (304 when If-None-Match names it) and
 * Vary: Accept-Encoding. Files with a content hash in their name
 * ("index-3fa2b1c9.js") are cached for a year as immutable; others,
 * index.html included, are revalidated on each use (no-cache). A sibling
 * "NAME.gz" is served instead, with Content-Encoding: gzip, to clients that
 * accept gzip. A path is served only if every segment is a plain name
 * ([A-Za-z0-9._-], not starting with a dot) and no component below the
 * directory is a symbolic link; anything else is 404. */
#ifndef RAPPORT_STATIC_H
#define RAPPORT_STATIC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define STATIC_FILE_MAX (32u << 20) /* larger files are not served */

/* Serves rel, a path below the web directory ("assets/app-1a2b3c4d.js"). */
void static_serve(struct req *r, const char *rel);
/* True if rel is a regular file below the web directory (same rules). */
bool static_exists(struct req *r, const char *rel);
/* Replies with bytes the caller keeps alive: 304 if If-None-Match names
 * etag (a quoted strong tag), else 200 with cache as Cache-Control. */
void static_reply(struct req *r, const char *type, const char *etag, const char *cache,
		  const void *data, size_t n);

/* The rules above, for tests. */
bool static_path_safe(const char *rel);
bool static_name_hashed(const char *name);
/* The Content-Type for a file name, by extension. */
const char *static_content_type(const char *name);
/* True if an If-None-Match header names etag (weak comparison). */
bool static_etag_matches(const char *if_none_match, const char *etag);

#endif
