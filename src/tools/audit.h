/* audit.h - `rapport audit ARCHIVE --out DIR`: a social-health report of
 * someone's own posts, from a Mastodon archive (outbox.json, or the zip
 * holding it) or an X archive (tweets.js, or the zip holding
 * data/tweets.js): DIR/report.json and DIR/report.html (self-contained,
 * SVG charts, every string from the archive escaped). The figures are
 * defined in docs/SOCIAL.md, "Auditing an archive".
 *
 * The archive is read as a stream: one item at a time (at most
 * AUDIT_ITEM_MAX bytes each) is parsed, counted and freed, so memory stays
 * bounded whatever its size; people are counted up to AUDIT_PEOPLE_MAX. A
 * malformed, truncated or oversized archive ends with one line saying what
 * and where. */
#ifndef RAPPORT_AUDIT_H
#define RAPPORT_AUDIT_H

#include <stddef.h>

#define AUDIT_ITEM_MAX (1 << 20)
#define AUDIT_ITEMS_MAX 10000000
#define AUDIT_PEOPLE_MAX 20000

/* Returns 0, or 1 with the reason in err (a line for the person). */
int audit_run(const char *archive, const char *out_dir, char *err, size_t errlen);

#endif
