/* store_conv.c - the Conversations feed's reads: index ranges of one
 * viewer's rows and primary-key probes. */
#include "store/conv.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* Up to two integers of a statement's one row (missing ones keep dflt). */
static enum store_rc one_row(struct db_stmt *st, int64_t *a, int64_t *b)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*a = db_int(st, 0);
		if (b)
			*b = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_feed_top(struct db *db, int64_t viewer, int64_t *top)
{
	*top = 0;
	return one_row(db_query(db,
				"SELECT status_id FROM home_feed WHERE account_id = $1"
				" ORDER BY status_id DESC LIMIT 1",
				"i", viewer),
		       top, NULL);
}

static int cmp_talk(const void *a, const void *b)
{
	int64_t x = ((const struct conv_talk *)a)->other, y = ((const struct conv_talk *)b)->other;
	return (x > y) - (x < y);
}

/* Reads (other, replies) rows into t[*n...], growing it in ar; `in`
 * chooses the field filled. */
static enum store_rc read_talks(struct arena *ar, struct db_stmt *st, bool in,
				struct conv_talk **t, size_t *n, size_t *room)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW) {
		if (*n == *room) {
			struct conv_talk *more = arena_calloc(ar, *room * 2, sizeof *more);
			memcpy(more, *t, *n * sizeof *more);
			*t = more;
			*room *= 2;
		}
		struct conv_talk *e = &(*t)[(*n)++];
		*e = (struct conv_talk){.other = db_int(st, 0)};
		*(in ? &e->in : &e->out) = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

/* Merges the rows of one account (sorted) into one entry each. */
static size_t merge_talks(struct conv_talk *t, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k && t[k - 1].other == t[i].other) {
			t[k - 1].out += t[i].out;
			t[k - 1].in += t[i].in;
		} else {
			t[k++] = t[i];
		}
	}
	return k;
}

enum store_rc store_conv_talks(struct db *db, struct arena *ar, int64_t viewer,
			       int64_t first_day, struct conv_talk **talks, size_t *n)
{
	size_t room = 64;
	*n = 0;
	*talks = arena_calloc(ar, room, sizeof **talks);
	enum store_rc st = read_talks(ar,
				      db_query(db,
					       "SELECT target_id, SUM(replies) FROM social_edges"
					       " WHERE account_id = $1 AND day >= $2"
					       " GROUP BY target_id",
					       "ii", viewer, first_day),
				      false, talks, n, &room);
	if (st == ST_OK)
		st = read_talks(ar,
				db_query(db,
					 "SELECT account_id, SUM(replies) FROM social_edges"
					 " WHERE target_id = $1 AND day >= $2 GROUP BY account_id",
					 "ii", viewer, first_day),
				true, talks, n, &room);
	if (st != ST_OK)
		return st;
	qsort(*talks, *n, sizeof **talks, cmp_talk);
	*n = merge_talks(*talks, *n);
	return ST_OK;
}

enum store_rc store_conv_thread(struct db *db, int64_t thread_id, int64_t *turns,
				int64_t *people)
{
	*turns = *people = 1;
	return one_row(db_query(db,
				"SELECT turns, CASE WHEN other_turns > 0 THEN 2 ELSE 1 END"
				" FROM social_threads WHERE thread_id = $1",
				"i", thread_id),
		       turns, people);
}

enum store_rc store_conv_follows(struct db *db, int64_t a, int64_t b, bool *a_to_b, bool *b_to_a)
{
	int64_t x = 0, y = 0;
	enum store_rc st = one_row(
		db_query(db,
			 "SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = $1 AND target_id = $2),"
			 " EXISTS (SELECT 1 FROM follows WHERE account_id = $2 AND target_id = $1)",
			 "ii", a, b),
		&x, &y);
	*a_to_b = x != 0;
	*b_to_a = y != 0;
	return st;
}
