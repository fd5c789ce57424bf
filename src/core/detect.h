/* detect.h - the automation detectors (docs/SOCIAL.md, "Detectors") and
 * the composer's hints ("Composer hints").
 *
 * The detectors are one policy hook on the event seam (detect_policy, in
 * events.c's `policies[]`), run in the transaction of each new status,
 * edit, follow and unfollow. Every rule reads only bounded, indexed rows of
 * the one sender: its fingerprints of the last 24 hours or 7 days (at most
 * DETECT_PRINTS_MAX), its newest statuses of the last 24 hours (at most
 * DETECT_SCAN_MAX), its unfollows of the last 7 days (at most
 * DETECT_CHURN_UNFOLLOWS), and one follow row per recipient. Its results:
 *   - flags on the status (EVENT_FLAG_AUTOMATED, _TEMPLATED, _SHOUTING,
 *     _SATURATED), in the event and stored (store/detect.h), shown to the
 *     author as rapport.flags;
 *   - an automated message never notifies: its recipients' fate is
 *     FATE_HOLD (message requests keep it, labelled "automated"), and the
 *     sender earns no trust for DETECT_TRUST_MS (detect_untrusted);
 *   - a follow by a follower collector is refused: FATE_LIMIT, with the
 *     seconds until the rule stops holding and a sentence saying why.
 * The composer's preview (detect_preview) runs the same rules read-only on
 * a draft. Times are the event's (`at`) against the times stored in the
 * rows, so tests control them by ageing rows. */
#ifndef RAPPORT_DETECT_H
#define RAPPORT_DETECT_H

#include "core/core.h"
#include "core/events.h"

struct new_status;

#define DETECT_MINUTE_MS (60 * 1000LL)
#define DETECT_HOUR_MS (60 * DETECT_MINUTE_MS)
#define DETECT_DAY_MS (24 * DETECT_HOUR_MS)

/* Auto-DM: a direct message to someone who followed the sender less than
 * this long before; or near-identical ones to this many recipients in all
 * within the window. */
#define DETECT_NEW_FOLLOWER_MS (10 * DETECT_MINUTE_MS)
#define DETECT_DM_RECIPIENTS 3
#define DETECT_DM_WINDOW_MS DETECT_DAY_MS
/* Templated replies and mentions: near-identical in this many threads. */
#define DETECT_THREADS 3
#define DETECT_THREAD_WINDOW_MS (7 * DETECT_DAY_MS)
/* Follower collecting: this many unfollows, each within the window of a
 * follow that was not returned, within the window. */
#define DETECT_CHURN_UNFOLLOWS 20
#define DETECT_CHURN_WINDOW_MS (7 * DETECT_DAY_MS)
/* Saturation: more than K originals in the window, no reply to others. */
#define DETECT_SATURATION_POSTS 8
#define DETECT_SATURATION_WINDOW_MS DETECT_DAY_MS
/* An account with an automated message this recent earns no trust. */
#define DETECT_TRUST_MS (7 * DETECT_DAY_MS)

/* Bounds of the work in a request. */
#define DETECT_PRINTS_MAX 1000 /* a sender's newest fingerprints compared */
#define DETECT_SCAN_MAX 1000   /* a sender's newest statuses read for saturation */
#define DETECT_COPIES_MAX 16   /* earlier copies flagged with a template */
#define DETECT_NAMED 4         /* recipients whose names are masked (2 names each) */

/* The policy hook (registered in events.c). */
enum rc detect_policy(struct core *c, struct db *db, struct event *ev);
/* The worker's subscriber (a drain in events.c): detect_see notes that
 * fingerprints or unfollows were written; detect_prune, in the batch's
 * transaction, deletes those older than every window, at most hourly;
 * detect_pruned (after the commit) starts the next hour. */
enum rc detect_see(struct core *c, struct db *db, const struct event *ev);
enum store_rc detect_prune(struct core *c, struct db *db);
void detect_pruned(void);

/* The names of the EVENT_FLAG_* bits in flags, in bit order ("automated",
 * "templated", "shouting", "saturated"), at most max; returns how many. */
int detect_flag_names(uint32_t flags, const char **out, int max);

/* The composer's hints for a draft (the body of a status), in this order:
 * caps, saturation, self_promotion, cold_pitch, automated. */
#define DETECT_HINTS_MAX 5
struct detect_hint {
	const char *code, *message;
};
struct detect_hints {
	struct detect_hint v[DETECT_HINTS_MAX];
	int n;
};
/* The hints for what author would post with in; writes nothing. The
 * errors status_create would give (422 for a blank or too long text, 404
 * for a parent the author cannot see). */
enum rc detect_preview(struct core *c, int64_t author, const struct new_status *in,
		       struct detect_hints *out);

/* The accounts that earn no trust as of now: an automated message in the
 * last DETECT_TRUST_MS, or follower collecting now. Sorted, malloc'ed. */
enum rc detect_untrusted(struct core *c, int64_t now, int64_t **ids, size_t *n);

#endif
