/* store_connections.c - how we met, contacts, and the waiting inbox's
 * columns of social_addressed (see store/connections.h). */
#include "store/connections.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <string.h>

/* Two integers from a statement returning at most one row (0, 0 if none). */
static enum store_rc one_pair(struct db_stmt *st, int64_t *a, int64_t *b)
{
	*a = *b = 0;
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*a = db_int(st, 0);
		*b = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

/* ---- how we met ---- */

/* Each reads the follower's newest rows of one kind ($4 of them, by an
 * index on the follower) and keeps those about target ($2) since $3. */
static const char *const met_sql[3] = {
	/* its replies to target and boosts of target's statuses */
	"SELECT CASE WHEN x.reblog_of_id IS NOT NULL THEN x.reblog_of_id ELSE x.in_reply_to_id END,"
	" x.created_at FROM (SELECT id, created_at, in_reply_to_id, in_reply_to_account_id,"
	" reblog_of_id FROM statuses WHERE account_id = $1 ORDER BY id DESC LIMIT $4) x"
	" LEFT JOIN statuses o ON o.id = x.reblog_of_id"
	" WHERE x.created_at >= $3 AND (o.account_id = $2 OR (x.in_reply_to_account_id = $2"
	" AND x.in_reply_to_id IS NOT NULL)) ORDER BY x.id DESC LIMIT 1",
	/* its favourites of target's statuses */
	"SELECT x.status_id, x.created_at FROM (SELECT id, status_id, created_at FROM favourites"
	" WHERE account_id = $1 ORDER BY id DESC LIMIT $4) x JOIN statuses s ON s.id = x.status_id"
	" WHERE x.created_at >= $3 AND s.account_id = $2 ORDER BY x.id DESC LIMIT 1",
	/* target's statuses that mention it */
	"SELECT s.id, s.created_at FROM (SELECT status_id FROM mentions WHERE account_id = $1"
	" ORDER BY status_id DESC LIMIT $4) x JOIN statuses s ON s.id = x.status_id"
	" WHERE s.created_at >= $3 AND s.account_id = $2 ORDER BY s.id DESC LIMIT 1",
};

enum store_rc store_connection_met(struct db *db, int64_t follower, int64_t target,
				   int64_t since, int64_t *status_id, int64_t *at)
{
	*status_id = *at = 0;
	for (int i = 0; i < 3; i++) {
		int64_t id, when;
		enum store_rc st = one_pair(db_query(db, met_sql[i], "iiii", follower, target, since,
						     (int64_t)MET_SCAN_MAX),
					    &id, &when);
		if (st != ST_OK)
			return st;
		if (id && when > *at) {
			*status_id = id;
			*at = when;
		}
	}
	return ST_OK;
}

enum store_rc store_connection_add(struct db *db, int64_t account_id, int64_t target_id,
				   int64_t met_status_id, int64_t met_at, int64_t now)
{
	return st_rc(db_exec(db,
			     "INSERT INTO connections (account_id, target_id, met_status_id, met_at,"
			     " updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
			     "iiiii", account_id, target_id, met_status_id, met_at, now));
}

enum store_rc store_connection_get(struct db *db, struct arena *ar, int64_t account_id,
				   int64_t target_id, struct connection *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st = db_query(db,
				      "SELECT met_status_id, met_at, how_text, updated_at FROM connections"
				      " WHERE account_id = $1 AND target_id = $2",
				      "ii", account_id, target_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		out->met_status_id = db_int(st, 0);
		out->met_at = db_int(st, 1);
		out->how = st_text(ar, st, 2);
		out->updated_at = db_int(st, 3);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_connection_set_how(struct db *db, int64_t account_id, int64_t target_id,
				       const char *how, int64_t now)
{
	return st_rc(db_exec(db,
			     "INSERT INTO connections (account_id, target_id, met_at, how_text,"
			     " updated_at) VALUES ($1, $2, $4, $3, $4) ON CONFLICT (account_id,"
			     " target_id) DO UPDATE SET how_text = excluded.how_text,"
			     " updated_at = excluded.updated_at",
			     "iiti", account_id, target_id, how, now));
}

/* ---- contacts ---- */

/* A touch keeps the later of the two times in each column. */
#define TOUCH_LATEST                                                                              \
	" ON CONFLICT (account_id, other_id) DO UPDATE SET"                                       \
	" last_to = CASE WHEN excluded.last_to > contacts.last_to"                                \
	" THEN excluded.last_to ELSE contacts.last_to END,"                                       \
	" last_any = CASE WHEN excluded.last_any > contacts.last_any"                             \
	" THEN excluded.last_any ELSE contacts.last_any END"

enum store_rc store_contact_touch(struct db *db, int64_t from, int64_t to, int64_t at)
{
	/* Both rows in one statement: from's row gets last_to, to's row only
	 * last_any (its last_to of 0 never wins the comparison). */
	return st_rc(db_exec(db,
			     "INSERT INTO contacts (account_id, other_id, last_to, last_any)"
			     " VALUES ($1, $2, $3, $3), ($2, $1, 0, $3)" TOUCH_LATEST,
			     "iii", from, to, at));
}

enum store_rc store_contact_pair_exists(struct db *db, int64_t a, int64_t b, bool *both)
{
	int64_t n = 0;
	enum db_rc rc = db_scalar(db, &n, "SELECT COUNT(*) FROM accounts WHERE id IN ($1, $2)",
				  "ii", a, b);
	*both = rc == DB_ROW && n == 2;
	return rc == DB_ROW ? ST_OK : ST_ERROR;
}

static enum store_rc follow_id(struct db *db, int64_t a, int64_t b, int64_t *id)
{
	int64_t unused;
	return one_pair(db_query(db,
				 "SELECT id, 0 FROM follows WHERE account_id = $1 AND target_id = $2",
				 "ii", a, b),
			id, &unused);
}

/* a's row about b: b's follow of a (its id) and whether a follows b. */
static enum store_rc contact_follows(struct db *db, int64_t a, int64_t b, int64_t b_follows_a,
				     bool a_follows_b)
{
	return st_rc(db_exec(db,
			     "INSERT INTO contacts (account_id, other_id, follower_id, following)"
			     " VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, other_id) DO UPDATE SET"
			     " follower_id = excluded.follower_id, following = excluded.following",
			     "iiii", a, b, b_follows_a, (int64_t)a_follows_b));
}

enum store_rc store_contact_sync(struct db *db, int64_t a, int64_t b)
{
	int64_t ab, ba;
	enum store_rc st = follow_id(db, a, b, &ab);
	if (st == ST_OK)
		st = follow_id(db, b, a, &ba);
	if (st == ST_OK)
		st = contact_follows(db, a, b, ba, ab != 0);
	if (st == ST_OK)
		st = contact_follows(db, b, a, ab, ba != 0);
	return st;
}

/* Rows of: cursor_a, cursor_b, then ACOLS. */
static enum store_rc read_contacts(struct arena *ar, struct db_stmt *st, int limit,
				   struct contact_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)limit + 1, sizeof *out->items);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < limit) {
		struct contact_row *c = &out->items[out->n++];
		c->cursor_a = db_int(st, 0);
		c->cursor_b = db_int(st, 1);
		st_account_row(ar, st, 2, &c->account);
		c->other_id = c->account.id;
	}
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

/* Not muted by $1 (unexpired at now, the parameter named). */
#define NOT_MUTED_OTHER(now)                                                                \
	" AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.account_id = $1"               \
	" AND mu.target_id = c.other_id AND (mu.expires_at = 0 OR mu.expires_at > " now "))"

enum store_rc store_reconnect(struct db *db, struct arena *ar, int64_t account_id,
			      int64_t before, int64_t after_at, int64_t after_id, int limit,
			      struct contact_list *out)
{
	/* The flags pick the rows on the index; the follows are checked again
	 * so a row the flags got wrong is left out rather than shown. */
	static const char *sql =
		"SELECT c.last_any, c.other_id, " ACOLS("a") " FROM contacts c"
		" JOIN accounts a ON a.id = c.other_id"
		" WHERE c.account_id = $1 AND c.follower_id > 0 AND c.following = 1"
		" AND c.last_any < $2 AND c.last_any >= $3 AND (c.last_any > $3 OR c.other_id > $4)"
		" AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = $1"
		" AND f.target_id = c.other_id)"
		" AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = c.other_id"
		" AND f.target_id = $1)" NOT_MUTED_OTHER("$6")
		" ORDER BY c.last_any, c.other_id LIMIT $5";
	if (!after_id)
		after_at = -1;
	enum store_rc st = read_contacts(ar,
					 db_query(db, sql, "iiiiii", account_id, before, after_at,
						  after_id, (int64_t)limit, now_ms()),
					 limit, out);
	for (int i = 0; st == ST_OK && i < out->n; i++)
		out->items[i].last_any = out->items[i].cursor_a;
	return st;
}

enum store_rc store_unknown(struct db *db, struct arena *ar, int64_t account_id, int64_t max_id,
			    int limit, struct contact_list *out)
{
	static const char *sql =
		"SELECT c.follower_id, c.other_id, " ACOLS("a") " FROM contacts c"
		" JOIN accounts a ON a.id = c.other_id"
		" WHERE c.account_id = $1 AND c.follower_id > 0 AND c.last_to = 0"
		" AND c.follower_id < $2" NOT_MUTED_OTHER("$4")
		" ORDER BY c.follower_id DESC LIMIT $3";
	enum store_rc st = read_contacts(ar,
					 db_query(db, sql, "iiii", account_id,
						  max_id > 0 ? max_id : INT64_MAX, (int64_t)limit,
						  now_ms()),
					 limit, out);
	for (int i = 0; st == ST_OK && i < out->n; i++)
		out->items[i].follower_id = out->items[i].cursor_a;
	return st;
}

/* ---- waiting ---- */

enum store_rc store_waiting_mark(struct db *db, int64_t account_id, int64_t status_id,
				 int64_t from, int64_t at, int64_t thread_id, int kind, bool held)
{
	return st_rc(db_exec(db,
			     "INSERT INTO social_addressed (account_id, status_id, from_id,"
			     " received_at, thread_id, kind, held) VALUES ($1, $2, $3, $4, $5, $6, $7)"
			     " ON CONFLICT (account_id, status_id) DO UPDATE SET"
			     " thread_id = excluded.thread_id, kind = excluded.kind,"
			     " held = excluded.held",
			     "iiiiiii", account_id, status_id, from, at, thread_id, (int64_t)kind,
			     (int64_t)held));
}

enum store_rc store_waiting_reclass(struct db *db, int64_t account_id, int64_t status_id,
				    int kind)
{
	return st_rc(db_exec(db,
			     "UPDATE social_addressed SET kind = $3"
			     " WHERE account_id = $1 AND status_id = $2",
			     "iii", account_id, status_id, (int64_t)kind));
}

enum store_rc store_waiting_settle(struct db *db, int64_t account_id, int64_t thread_id,
				   int64_t status_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "UPDATE social_addressed SET settled_at = $4"
			     " WHERE account_id = $1 AND thread_id = $2 AND status_id < $3"
			     " AND settled_at = 0",
			     "iiii", account_id, thread_id, status_id, at));
}

enum store_rc store_waiting_release(struct db *db, int64_t account_id, int64_t from)
{
	return st_rc(db_exec(db,
			     "UPDATE social_addressed SET held = 0"
			     " WHERE account_id = $1 AND from_id = $2 AND held = 1",
			     "ii", account_id, from));
}

enum store_rc store_waiting(struct db *db, struct arena *ar, int64_t account_id, int after_kind,
			    int64_t after_id, int limit, int64_t now, struct waiting_row **out,
			    int *n)
{
	static const char *sql =
		"SELECT w.status_id, w.from_id, w.received_at, w.kind FROM social_addressed w"
		" WHERE w.account_id = $1 AND w.settled_at = 0 AND w.held = 0"
		" AND w.kind <= $2 AND (w.kind < $2 OR w.status_id < $3)"
		" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1"
		" AND b.target_id = w.from_id)"
		" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = w.from_id"
		" AND b.target_id = $1)"
		" AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.account_id = $1"
		" AND mu.target_id = w.from_id AND (mu.expires_at = 0 OR mu.expires_at > $4))"
		" ORDER BY w.kind DESC, w.status_id DESC LIMIT $5";
	*n = 0;
	*out = arena_calloc(ar, (size_t)limit + 1, sizeof **out);
	struct db_stmt *st = db_query(db, sql, "iiiii", account_id, (int64_t)after_kind,
				      after_id ? after_id : INT64_MAX, now, (int64_t)limit);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < limit) {
		struct waiting_row *w = &(*out)[(*n)++];
		w->status_id = db_int(st, 0);
		w->from_id = db_int(st, 1);
		w->received_at = db_int(st, 2);
		w->kind = (int)db_int(st, 3);
	}
	db_end(st);
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}
