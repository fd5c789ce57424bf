/* scheduled.h - statuses written now and posted at their time
 * (scheduled_at on POST /api/v1/statuses), by the background worker. */
#ifndef RAPPORT_SCHEDULED_H
#define RAPPORT_SCHEDULED_H

#include "core/core.h"
#include "core/statuses.h"
#include "store/scheduled.h"

/* Checks in as status_create would, now, and keeps it for `at` (ISO
 * 8601), which must be at least cfg.schedule_lead_s ahead. RC_INVALID
 * "scheduled_at" when malformed or too soon, or when SCHEDULED_MAX are
 * waiting. */
enum rc scheduled_create(struct core *c, int64_t author, const struct new_status *in,
			 const char *at, struct scheduled_status *out);
enum rc scheduled_get(struct core *c, int64_t viewer, int64_t id, struct scheduled_status *out);
enum rc scheduled_list(struct core *c, int64_t viewer, const struct page *pg,
		       struct scheduled_list *out);
enum rc scheduled_move(struct core *c, int64_t viewer, int64_t id, const char *at,
		       struct scheduled_status *out);
enum rc scheduled_delete(struct core *c, int64_t viewer, int64_t id);
/* Worker: posts the first status that is due. 1 when it posted (or
 * dropped) one, 0 when none is due, -1 on failure. */
int scheduled_run(struct core *c);

#endif
