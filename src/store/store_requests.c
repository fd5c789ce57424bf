/* store_requests.c - message requests: held notifications, requests,
 * accepted senders and notification policies (migration 10). */
#include "store/requests.h"
#include "store/store_internal.h"
#include "util/util.h"

enum store_rc store_notif_facts(struct db *db, int64_t recipient, int64_t sender, int64_t now,
				struct request_facts *out)
{
	/* One statement: each answer is an indexed probe. "Talked" is the
	 * seam's social_addressed: a reply or mention by the recipient
	 * addressed to the sender (index social_addressed_from). */
	struct db_stmt *st = db_query(
		db,
		"SELECT (SELECT domain = '' FROM accounts WHERE id = $1),"
		" EXISTS (SELECT 1 FROM follows WHERE account_id = $1 AND target_id = $2),"
		" EXISTS (SELECT 1 FROM follows WHERE account_id = $2 AND target_id = $1),"
		" EXISTS (SELECT 1 FROM social_addressed WHERE account_id = $2 AND from_id = $1),"
		" EXISTS (SELECT 1 FROM notification_permissions WHERE account_id = $1"
		" AND from_account_id = $2),"
		" EXISTS (SELECT 1 FROM blocks WHERE (account_id = $1 AND target_id = $2)"
		" OR (account_id = $2 AND target_id = $1)),"
		" EXISTS (SELECT 1 FROM mutes WHERE account_id = $1 AND target_id = $2"
		" AND notifications = 1 AND (expires_at = 0 OR expires_at > $3)),"
		" COALESCE((SELECT created_at FROM accounts WHERE id = $2), 0)",
		"iii", recipient, sender, now);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*out = (struct request_facts){
			.local = db_int(st, 0) == 1, .following = db_int(st, 1),
			.follower = db_int(st, 2), .talked = db_int(st, 3), .accepted = db_int(st, 4),
			.blocked = db_int(st, 5), .muted = db_int(st, 6),
			.sender_created_at = db_int(st, 7)};
	db_end(st);
	return rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_status_author(struct db *db, int64_t id, int64_t *author)
{
	struct db_stmt *st = db_query(db, "SELECT account_id FROM statuses WHERE id = $1", "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*author = db_int(st, 0);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

/* ---- policies ---- */

enum store_rc store_policy_get(struct db *db, int64_t account_id, struct notif_policy *out)
{
	struct db_stmt *st = db_query(db,
				      "SELECT for_not_following, for_not_followers, for_new_accounts,"
				      " for_private_mentions, for_limited_accounts"
				      " FROM notification_policies WHERE account_id = $1",
				      "i", account_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*out = (struct notif_policy){(int)db_int(st, 0), (int)db_int(st, 1),
					     (int)db_int(st, 2), (int)db_int(st, 3),
					     (int)db_int(st, 4)};
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_policy_put(struct db *db, int64_t account_id, const struct notif_policy *p,
			       int64_t now)
{
	return st_rc(db_exec(
		db,
		"INSERT INTO notification_policies (account_id, for_not_following,"
		" for_not_followers, for_new_accounts, for_private_mentions, for_limited_accounts,"
		" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT (account_id) DO UPDATE SET"
		" for_not_following = excluded.for_not_following,"
		" for_not_followers = excluded.for_not_followers,"
		" for_new_accounts = excluded.for_new_accounts,"
		" for_private_mentions = excluded.for_private_mentions,"
		" for_limited_accounts = excluded.for_limited_accounts,"
		" updated_at = excluded.updated_at",
		"iiiiiii", account_id, (int64_t)p->not_following, (int64_t)p->not_followers,
		(int64_t)p->new_accounts, (int64_t)p->private_mentions,
		(int64_t)p->limited_accounts, now));
}

/* ---- holding ---- */

enum store_rc store_notif_request_hold(struct db *db, const struct notification *n,
				       int64_t flags)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO notifications_held (id, account_id, from_account_id,"
				" type, status_id, created_at)"
				" VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6)",
				"iiitii", n->id, n->account_id, n->from_account_id, n->type,
				n->status_id, n->created_at);
	if (rc != DB_OK)
		return st_rc(rc);
	return st_rc(db_exec(
		db,
		"INSERT INTO notification_requests (id, account_id, from_account_id,"
		" notifications_count, last_status_id, flags, created_at, updated_at)"
		" VALUES ($1, $2, $3, 1, $4, $5, $6, $6)"
		" ON CONFLICT (account_id, from_account_id) DO UPDATE SET"
		" notifications_count = notification_requests.notifications_count + 1,"
		" last_status_id = CASE WHEN excluded.last_status_id > notification_requests.last_status_id"
		" THEN excluded.last_status_id ELSE notification_requests.last_status_id END,"
		" flags = notification_requests.flags | excluded.flags,"
		" updated_at = excluded.updated_at",
		"iiiiii", id_new(), n->account_id, n->from_account_id, n->status_id, flags,
		n->created_at));
}

enum store_rc store_notif_request_recount(struct db *db, int64_t recipient, int64_t sender)
{
	enum db_rc rc = db_exec(
		db,
		"UPDATE notification_requests SET"
		" notifications_count = (SELECT COUNT(*) FROM notifications_held h"
		" WHERE h.account_id = $1 AND h.from_account_id = $2),"
		" last_status_id = COALESCE((SELECT MAX(h.status_id) FROM notifications_held h"
		" WHERE h.account_id = $1 AND h.from_account_id = $2), 0)"
		" WHERE account_id = $1 AND from_account_id = $2",
		"ii", recipient, sender);
	if (rc != DB_OK)
		return st_rc(rc);
	return st_rc(db_exec(db,
			     "DELETE FROM notification_requests WHERE account_id = $1"
			     " AND from_account_id = $2 AND notifications_count = 0",
			     "ii", recipient, sender));
}

/* ---- reading ---- */

/* $1 recipient; the sender not blocked either way. */
#define REQ_COLS                                                                            \
	"q.id, q.from_account_id, q.notifications_count, q.last_status_id, q.flags,"         \
	" q.created_at, q.updated_at, " ACOLS("a")
#define REQ_FROM                                                                            \
	" FROM notification_requests q JOIN accounts a ON a.id = q.from_account_id"           \
	" WHERE q.account_id = $1"                                                            \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = $1"                    \
	" AND b.target_id = q.from_account_id) OR (b.account_id = q.from_account_id"         \
	" AND b.target_id = $1))"

static void request_row(struct arena *ar, struct db_stmt *st, int64_t recipient,
			struct notif_request *q)
{
	q->id = db_int(st, 0);
	q->account_id = recipient;
	q->from_account_id = db_int(st, 1);
	q->notifications_count = db_int(st, 2);
	q->last_status_id = db_int(st, 3);
	q->flags = db_int(st, 4);
	q->created_at = db_int(st, 5);
	q->updated_at = db_int(st, 6);
	st_account_row(ar, st, 7, &q->from);
}

static enum store_rc read_requests(struct arena *ar, struct db_stmt *st, int64_t recipient,
				   bool asc, int limit, struct notif_request_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, (size_t)(limit > 0 ? limit : 1), sizeof *out->items);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = DB_DONE;
	while (out->n < limit && (rc = db_next(st)) == DB_ROW)
		request_row(ar, st, recipient, &out->items[out->n++]);
	db_end(st);
	if (out->n < limit && rc != DB_DONE)
		return ST_ERROR;
	for (int i = 0, j = out->n - 1; asc && i < j; i++, j--) {
		struct notif_request t = out->items[i];
		out->items[i] = out->items[j];
		out->items[j] = t;
	}
	return ST_OK;
}

enum store_rc store_requests(struct db *db, struct arena *ar, int64_t recipient,
			     const struct page *pg, struct notif_request_list *out)
{
	static const char *const sql[2] = {
		"SELECT " REQ_COLS REQ_FROM " AND q.id < $2 AND q.id > $3 ORDER BY q.id DESC LIMIT $4",
		"SELECT " REQ_COLS REQ_FROM " AND q.id < $2 AND q.id > $3 ORDER BY q.id ASC LIMIT $4",
	};
	int64_t hi, lo;
	bool asc;
	st_page_bounds(pg, &hi, &lo, &asc);
	return read_requests(ar, db_query(db, sql[asc], "iiii", recipient, hi, lo,
					  (int64_t)pg->limit),
			     recipient, asc, pg->limit, out);
}

enum store_rc store_notif_request_get(struct db *db, struct arena *ar, int64_t recipient,
				      int64_t id, int64_t sender, struct notif_request *out)
{
	struct notif_request_list l;
	enum store_rc rc = read_requests(
		ar,
		db_query(db,
			 "SELECT " REQ_COLS REQ_FROM " AND ($2 = 0 OR q.id = $2)"
			 " AND ($3 = 0 OR q.from_account_id = $3)",
			 "iii", recipient, id, sender),
		recipient, false, 1, &l);
	if (rc == ST_OK && l.n == 0)
		rc = ST_NOT_FOUND;
	if (rc == ST_OK)
		*out = l.items[0];
	return rc;
}

enum store_rc store_held_direct(struct db *db, struct arena *ar, int64_t recipient,
				int64_t sender, int max, int64_t **ids, int *n)
{
	*n = 0;
	*ids = arena_calloc(ar, (size_t)max + 1, sizeof **ids);
	struct db_stmt *st = db_query(db,
				      "SELECT DISTINCT h.status_id FROM notifications_held h"
				      " JOIN statuses s ON s.id = h.status_id"
				      " WHERE h.account_id = $1 AND h.from_account_id = $2"
				      " AND s.visibility = 3 ORDER BY h.status_id LIMIT $3",
				      "iii", recipient, sender, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = DB_DONE;
	while (*n < max && (rc = db_next(st)) == DB_ROW)
		(*ids)[(*n)++] = db_int(st, 0);
	db_end(st);
	return *n == max || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_notif_request_end(struct db *db, int64_t recipient, int64_t sender,
				      bool release, int64_t now, int64_t *moved)
{
	enum db_rc rc = db_scalar(db, moved,
				  "SELECT COUNT(*) FROM notifications_held"
				  " WHERE account_id = $1 AND from_account_id = $2",
				  "ii", recipient, sender);
	if (rc != DB_ROW)
		return ST_ERROR; /* a count always has its row */
	rc = DB_OK;
	if (release)
		rc = db_exec(db,
			     "INSERT INTO notifications (id, account_id, from_account_id, type,"
			     " status_id, created_at) SELECT id, account_id, from_account_id, type,"
			     " status_id, created_at FROM notifications_held"
			     " WHERE account_id = $1 AND from_account_id = $2",
			     "ii", recipient, sender);
	if (rc == DB_OK && release)
		rc = db_exec(db,
			     "INSERT INTO notification_permissions (account_id, from_account_id,"
			     " created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
			     "iii", recipient, sender, now);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "DELETE FROM notifications_held WHERE account_id = $1"
			     " AND from_account_id = $2",
			     "ii", recipient, sender);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "DELETE FROM notification_requests WHERE account_id = $1"
			     " AND from_account_id = $2",
			     "ii", recipient, sender);
	return st_rc(rc);
}

enum store_rc store_requests_summary(struct db *db, int64_t recipient, int64_t *requests,
				     int64_t *notifications)
{
	struct db_stmt *st = db_query(db,
				      "SELECT COUNT(*), COALESCE(SUM(q.notifications_count), 0)"
				      " FROM notification_requests q WHERE q.account_id = $1"
				      " AND NOT EXISTS (SELECT 1 FROM blocks b WHERE"
				      " (b.account_id = $1 AND b.target_id = q.from_account_id)"
				      " OR (b.account_id = q.from_account_id AND b.target_id = $1))",
				      "i", recipient);
	return st_two_ints(st, requests, notifications);
}

enum store_rc store_conversation_deliver(struct db *db, int64_t recipient,
					 const char *participants, int64_t status_id)
{
	return st_rc(db_exec(
		db,
		"INSERT INTO conversations (id, account_id, participants, last_status_id, unread)"
		" VALUES ($1, $2, $3, $4, 1)"
		" ON CONFLICT (account_id, participants) DO UPDATE SET"
		" unread = CASE WHEN excluded.last_status_id > conversations.last_status_id"
		" THEN 1 ELSE conversations.unread END,"
		" last_status_id = CASE WHEN excluded.last_status_id > conversations.last_status_id"
		" THEN excluded.last_status_id ELSE conversations.last_status_id END",
		"iiti", id_new(), recipient, participants, status_id));
}
