/* store_health.c - the instance-health figures (store/health.h). */
#include "store/health.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <stddef.h>
#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

/* Adds each row of st (day, then n counts) to the fields at offsets off
 * of the matching day; ends st. */
static enum store_rc add_days(struct db_stmt *st, struct health *h, const size_t *off, int n)
{
	if (!st)
		return ST_ERROR;
	int64_t today = h->days[0].day / DAY_MS;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		int64_t i = today - db_int(st, 0);
		for (int k = 0; i >= 0 && i < HEALTH_DAYS && k < n; k++)
			*(int64_t *)((char *)&h->days[i] + off[k]) += db_int(st, k + 1);
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

static enum store_rc flags(struct db *db, int64_t since, struct health *h)
{
	static const size_t off[] = {offsetof(struct health_day, automated),
				     offsetof(struct health_day, templated)};
	/* a status id is its time in ms shifted 16 bits */
	return add_days(db_query(db,
				 "SELECT status_id / 65536 / 86400000,"
				 " SUM(CASE WHEN (flags & 1) <> 0 THEN 1 ELSE 0 END),"
				 " SUM(CASE WHEN (flags & 2) <> 0 THEN 1 ELSE 0 END)"
				 " FROM status_flags WHERE status_id >= $1"
				 " GROUP BY status_id / 65536 / 86400000",
				 "i", id_from_ms(since)),
			h, off, 2);
}

static enum store_rc churn(struct db *db, int64_t since, struct health *h)
{
	static const size_t off[] = {offsetof(struct health_day, churn)};
	return add_days(db_query(db,
				 "SELECT at / 86400000, COUNT(*) FROM detector_unfollows"
				 " WHERE at >= $1 GROUP BY at / 86400000",
				 "i", since),
			h, off, 1);
}

static enum store_rc posts(struct db *db, int64_t since, struct health *h)
{
	static const size_t off[] = {offsetof(struct health_day, posts),
				     offsetof(struct health_day, conversational)};
	return add_days(db_query(db,
				 "SELECT s.created_at / 86400000, COUNT(*), SUM(CASE WHEN"
				 " (s.in_reply_to_account_id IS NOT NULL"
				 " AND s.in_reply_to_account_id <> s.account_id)"
				 " OR COALESCE(th.other_turns, 0) > 0 THEN 1 ELSE 0 END)"
				 " FROM statuses s LEFT JOIN social_threads th ON th.thread_id = s.id"
				 " WHERE s.id >= $1 AND s.local = 1 AND s.reblog_of_id IS NULL"
				 " GROUP BY s.created_at / 86400000",
				 "i", id_from_ms(since)),
			h, off, 2);
}

/* Local accounts by their shown trust (1 an average share; no row: 0,
 * as a walk that never visits them gives), in the buckets of
 * health_trust_from. */
static enum store_rc trust(struct db *db, struct health *h)
{
	struct db_stmt *st = db_query(
		db,
		"SELECT CASE WHEN COALESCE(t.trust_milli, 0) <= 0 THEN 0"
		" WHEN t.trust_milli < 500 THEN 1 WHEN t.trust_milli < 1000 THEN 2"
		" WHEN t.trust_milli < 2000 THEN 3 WHEN t.trust_milli < 5000 THEN 4 ELSE 5 END,"
		" COUNT(*) FROM accounts a LEFT JOIN social_trust t ON t.account_id = a.id"
		" WHERE a.domain = '' AND a.suspended_at = 0 GROUP BY 1",
		"");
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		int64_t b = db_int(st, 0);
		if (b >= 0 && b < HEALTH_TRUST_BUCKETS)
			h->trust[b] += db_int(st, 1);
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_health(struct db *db, int64_t now, struct health *out)
{
	memset(out, 0, sizeof *out);
	int64_t today = now / DAY_MS;
	for (int i = 0; i < HEALTH_DAYS; i++)
		out->days[i].day = (today - i) * DAY_MS;
	int64_t since = (today - HEALTH_DAYS + 1) * DAY_MS;
	enum store_rc st = flags(db, since, out);
	if (st == ST_OK)
		st = churn(db, since, out);
	if (st == ST_OK)
		st = posts(db, since, out);
	if (st == ST_OK)
		st = trust(db, out);
	return st;
}
