/* jobs.h - background work: the home-feed fan-out of accounts with many
 * followers.
 *
 * A status by an account with more than cfg.fanout_inline followers is
 * delivered to its followers' home feeds by a job row written in the same
 * transaction as the status (so it survives a crash), not in the request.
 * One worker thread per process drains the table in batches, one
 * transaction per batch; several processes sharing a PostgreSQL store would
 * each run one and the jobs table is their queue. */
#ifndef RAPPORT_JOBS_H
#define RAPPORT_JOBS_H

#include "core/core.h"

#define JOBS_BATCH 64

/* Fans out now, or queues it, depending on the author's follower count. */
enum store_rc jobs_fanout(struct core *c, int64_t status_id, int64_t author,
			  int64_t reply_to_account, bool reblog);
/* Runs up to max jobs in one transaction; returns how many, or -1. */
int jobs_run(struct core *c, int max);
/* Tells the worker there is work (after a commit that queued some). */
void jobs_wake(void);

/* The worker thread: started after the store is open, stopped before it
 * closes (it finishes the queue first, for at most drain_ms). */
int jobs_start(struct store *st, const struct config *cfg);
void jobs_stop(int drain_ms);

#endif
