/* health.h - the figures of the admins' instance-health page
 * (store_health.c; docs/SOCIAL.md, "Instance health"). */
#ifndef RAPPORT_STORE_HEALTH_H
#define RAPPORT_STORE_HEALTH_H

#include "store/store.h"

#define HEALTH_DAYS 30
/* Shown trust (docs/SOCIAL.md, "Trust": 1 is an average share) in
 * buckets: 0, then from 0 up to 0.5, 1, 2, 5 and beyond. */
#define HEALTH_TRUST_BUCKETS 6

/* One UTC day: what the detectors flagged and how this server's people
 * posted. */
struct health_day {
	int64_t day;                 /* ms of its start */
	int64_t automated, templated; /* statuses flagged */
	int64_t churn;               /* unfollows of follows not returned (kept 7 days) */
	int64_t posts;               /* local originals (replies too, no reblogs) */
	int64_t conversational;      /* ... that reply to someone else or were answered by someone */
};

struct health {
	struct health_day days[HEALTH_DAYS]; /* newest first */
	int64_t trust[HEALTH_TRUST_BUCKETS]; /* local accounts by shown trust */
};

/* The last HEALTH_DAYS days before now, and trust as last computed. */
enum store_rc store_health(struct db *db, int64_t now, struct health *out);

#endif
