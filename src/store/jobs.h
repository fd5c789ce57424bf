/* jobs.h - the queue of home-feed fan-outs and its batched delivery, the
 * queue of "status" notifications, and the search index's merges: what
 * the jobs worker runs (store_statuses.c). */
#ifndef RAPPORT_STORE_JOBS_H
#define RAPPORT_STORE_JOBS_H

#include "store/store.h"

/* Queues the home-feed fan-out of a status (same arguments as
 * store_feed_fanout), in the caller's transaction. */
enum store_rc store_job_fanout(struct db *db, int64_t status_id, int64_t author,
			       int64_t reply_to_account, bool reblog);
enum store_rc store_jobs_pending(struct db *db, int64_t *n);
/* Queues the "status" notifications of a status to the author's followers
 * who asked for them, if there are any, in the caller's transaction. */
enum store_rc store_job_notify(struct db *db, int64_t status_id, int64_t author);
struct job {
	int64_t id, status_id, account_id;
	int64_t progress;    /* the last follower served; 0 at first */
	bool status_exists;  /* the status is still there */
};
/* The oldest notify job (ST_NOT_FOUND when there is none), claimed for
 * the caller's transaction (DB_CLAIM). */
enum store_rc store_job_next_notify(struct db *db, struct job *out);
enum store_rc store_job_progress(struct db *db, int64_t id, int64_t progress);
enum store_rc store_job_delete(struct db *db, int64_t id);
/* account_id's followers_count (0 when there is no such account). */
enum store_rc store_followers_count(struct db *db, int64_t account_id, int64_t *n);

/* The oldest jobs, at most max: their id range, count, and the sum of
 * their authors' follower counts (the feed rows they may add). */
struct job_span {
	int64_t first, last, n, pairs;
};
enum store_rc store_jobs_span(struct db *db, int max, struct job_span *out);
enum store_rc store_accounts_count(struct db *db, int64_t *n);
/* The id of the account n places after the first one with an id >= from
 * (n = 0: that one); 0 when there is none. */
enum store_rc store_account_nth(struct db *db, int64_t from, int64_t n, int64_t *id);
/* Delivers the jobs with ids first..last (by store_feed_fanout's rules) to
 * the followers whose ids are in [from, to), in the caller's transaction.
 * Running it again adds nothing twice. */
enum store_rc store_feed_fanout_jobs(struct db *db, int64_t first, int64_t last, int64_t from,
				     int64_t to);
/* The authors' own feed rows of jobs first..last, and the jobs deleted. */
enum store_rc store_jobs_finish(struct db *db, int64_t first, int64_t last);
/* Up to pages of the search index's pending merge work; *worked tells
 * whether there was any. */
enum store_rc store_fts_merge(struct db *db, int pages, bool *worked);

#endif
