/* jobs.h - background work: the home-feed fan-out of accounts with many
 * followers, the "status" notifications of followers who asked for them,
 * and the search index's merges.
 *
 * A status by an account with more than cfg.fanout_inline followers is
 * delivered to its followers' home feeds by a job row written in the same
 * transaction as the status (so it survives a crash), not in the request.
 * One worker thread per process drains the table in batches of up to
 * JOBS_BATCH jobs, each delivered in short transactions (slices) that give
 * way to requests waiting to write; several processes sharing a PostgreSQL
 * store would each run one and the jobs table is their queue. */
#ifndef RAPPORT_JOBS_H
#define RAPPORT_JOBS_H

#include "core/core.h"

/* Jobs delivered together by the worker (in slices of a few ms each). */
#define JOBS_BATCH 4096

/* The worker's model of a fan-out slice's cost, learned from the slices
 * it ran: time = fixed_us + rows * us_per_row, a least-squares fit over
 * the recent slices (the older weighing less). The fixed part (the
 * statement reads the batch's jobs again) is not a cost per row: taken
 * for one, it would shrink slices toward one account each. */
struct slice_cost {
	double w, x, y, xx, xy; /* weighted sums of the slices' rows and us */
	double fixed_us, us_per_row;
	unsigned turn;          /* slices alternate wider and narrower */
};
#define SLICE_COST_INIT {.us_per_row = 5}
/* Learns from a slice of `rows` feed rows (as expected) that took `us`. */
void jobs_slice_learn(struct slice_cost *m, double rows, double us);
/* The feed rows for the next slice: about slice_ms, but never so few that
 * the fixed part is more than half of the slice. */
double jobs_slice_rows(struct slice_cost *m, int slice_ms);

/* Fans out now, or queues it, depending on the author's follower count;
 * db is the caller's transaction (in a store_tx callback). */
enum store_rc jobs_fanout(struct core *c, struct db *db, int64_t status_id, int64_t author,
			  int64_t reply_to_account, bool reblog);
/* The same, with the author's follower count already read in db. */
enum store_rc jobs_fanout_known(struct core *c, struct db *db, int64_t status_id,
				int64_t author, int64_t reply_to_account, bool reblog,
				int64_t followers);
/* Runs one slice of background work: of the current batch of fan-out jobs
 * (taking the next batch when none is under way) and of the oldest notify
 * job, each in its own transaction, or (with merge) a batch of the events
 * outbox, the social-capital work (card snapshots, trust), or the search
 * index's merges. 1 when it ran one, 0 when there is nothing to do, -1 on failure
 * (the slice is retried). */
int jobs_run(struct core *c, bool merge);
/* Tells the worker there is work: after a commit that queued some, or
 * that wrote the search index (its next slice merges the new segments). */
void jobs_wake(void);

/* For the streaming API: whether author's statuses reach followers'
 * home feeds through the worker (more than cfg.fanout_inline followers),
 * and whether any fan-out job is still queued. */
enum rc jobs_fanout_state(struct core *c, int64_t author, bool *deferred, bool *queued);

/* The worker thread: started after the store is open, stopped before it
 * closes (it finishes the queue first, for at most drain_ms). */
int jobs_start(struct store *st, const struct config *cfg);
void jobs_stop(int drain_ms);

#endif
