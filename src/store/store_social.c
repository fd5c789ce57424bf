/* store_social.c - relationship checks, notifications, conversations,
 * favourites, bookmarks and pins. */
#include "store/social.h"
#include "store/store_internal.h"
#include "util/util.h"

#include <string.h>

enum store_rc store_follows(struct db *db, int64_t account_id, int64_t target_id, bool *follows)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM follows WHERE account_id = $1 AND target_id = $2",
				  "ii", account_id, target_id),
			follows);
}

enum store_rc store_blocked_either(struct db *db, int64_t a, int64_t b, bool *blocked)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM blocks WHERE (account_id = $1 AND target_id = $2)"
				  " OR (account_id = $2 AND target_id = $1)",
				  "ii", a, b),
			blocked);
}

enum store_rc store_mutes_notifications(struct db *db, int64_t account_id, int64_t target,
					int64_t now, bool *mutes)
{
	int64_t one;
	return st_found(db_scalar(db, &one,
				  "SELECT 1 FROM mutes WHERE account_id = $1 AND target_id = $2"
				  " AND notifications = 1 AND (expires_at = 0 OR expires_at > $3)",
				  "iii", account_id, target, now),
			mutes);
}

enum store_rc store_notify_followers(struct db *db, int64_t target, int64_t after, int max,
				     int64_t *ids, int *n)
{
	/* A range of the small partial index of followers with notify on. */
	*n = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT account_id FROM follows WHERE target_id = $1"
				      " AND notify = 1 AND account_id > $2"
				      " ORDER BY account_id LIMIT $3",
				      "iii", target, after, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = DB_DONE;
	while (*n < max && (rc = db_next(st)) == DB_ROW)
		ids[(*n)++] = db_int(st, 0);
	db_end(st);
	return *n == max || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_notification_insert(struct db *db, const struct notification *n)
{
	return st_rc(db_exec(db,
			     "INSERT INTO notifications (id, account_id, from_account_id, type,"
			     " status_id, created_at) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6)",
			     "iiitii", n->id, n->account_id, n->from_account_id, n->type,
			     n->status_id, n->created_at));
}

enum store_rc store_notification_retract(struct db *db, int64_t account_id, int64_t from,
					 const char *type, int64_t status_id)
{
	return st_rc(db_exec(db,
			     "DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2"
			     " AND type = $3 AND ($4 = 0 OR status_id = $4)",
			     "iiti", account_id, from, type, status_id));
}

enum store_rc store_conversation_touch(struct db *db, int64_t account_id,
				       const char *participants, int64_t status_id, bool unread)
{
	return st_rc(db_exec(db,
			     "INSERT INTO conversations (id, account_id, participants, last_status_id,"
			     " unread) VALUES ($1, $2, $3, $4, $5)"
			     " ON CONFLICT (account_id, participants) DO UPDATE SET"
			     " last_status_id = excluded.last_status_id, unread = excluded.unread",
			     "iitib", id_new(), account_id, participants, status_id, unread));
}

enum store_rc store_conversation_status_gone(struct db *db, int64_t status_id)
{
	/* The previous direct status of the same thread that the owner can
	 * see (as author or mentioned) takes its place. */
	enum db_rc rc = db_exec(
		db,
		"UPDATE conversations SET last_status_id = COALESCE((SELECT MAX(s.id) FROM statuses s"
		" WHERE s.visibility = 3 AND s.id <> $1"
		" AND s.thread_id = (SELECT thread_id FROM statuses WHERE id = $1)"
		" AND (s.account_id = conversations.account_id OR EXISTS (SELECT 1 FROM mentions m"
		" WHERE m.status_id = s.id AND m.account_id = conversations.account_id))), 0)"
		" WHERE last_status_id = $1",
		"i", status_id);
	if (rc != DB_OK)
		return st_rc(rc);
	return st_rc(db_exec(db, "DELETE FROM conversations WHERE last_status_id = 0", ""));
}

/* An insert that ignores a row already there fails only on a reference:
 * the status was deleted meanwhile. */
static enum store_rc toggle(struct db *db, const char *ins, const char *del, int64_t account_id,
			    int64_t status_id, bool on)
{
	enum db_rc rc = on ? db_exec(db, ins, "iiii", id_new(), account_id, status_id, now_ms())
			   : db_exec(db, del, "ii", account_id, status_id);
	if (on && rc == DB_CONSTRAINT)
		return ST_NOT_FOUND;
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

static bool row_exists(struct db *db, const char *sql, int64_t a, int64_t b, bool *yes)
{
	struct db_stmt *st = db_query(db, sql, "ii", a, b);
	if (!st)
		return false;
	enum db_rc rc = db_next(st);
	db_end(st);
	*yes = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE;
}

enum store_rc store_pin_add(struct db *db, int64_t account_id, int64_t status_id, bool *full)
{
	/* The lowest of the 5 slots (migration 7) that is free; no row when
	 * none is or the status is gone. */
	*full = false;
	enum db_rc rc = db_exec(db,
				"INSERT INTO pins (id, account_id, status_id, created_at, slot)"
				" SELECT $1, $2, $3, $4, free.slot FROM"
				" (SELECT MIN(n.slot) AS slot FROM"
				" (SELECT 0 AS slot UNION ALL SELECT 1 UNION ALL SELECT 2"
				" UNION ALL SELECT 3 UNION ALL SELECT 4) n WHERE NOT EXISTS"
				" (SELECT 1 FROM pins p WHERE p.account_id = $2"
				" AND p.slot = n.slot)) free"
				" WHERE free.slot IS NOT NULL"
				" AND EXISTS (SELECT 1 FROM statuses WHERE id = $3)"
				" ON CONFLICT (account_id, status_id) DO NOTHING",
				"iiii", id_new(), account_id, status_id, now_ms());
	if (rc != DB_OK) /* also a slot taken by another process meanwhile: retry */
		return ST_ERROR;
	if (db_changes(db))
		return ST_OK;
	bool pinned, exists;
	if (!row_exists(db, "SELECT 1 FROM pins WHERE account_id = $1 AND status_id = $2",
			account_id, status_id, &pinned) ||
	    !row_exists(db, "SELECT 1 FROM statuses WHERE id = $1 AND $2 = 0", status_id, 0,
			&exists))
		return ST_ERROR;
	if (!pinned && !exists)
		return ST_NOT_FOUND;
	*full = !pinned;
	return ST_CONFLICT;
}

enum store_rc store_pin_remove(struct db *db, int64_t account_id, int64_t status_id)
{
	enum db_rc rc = db_exec(db, "DELETE FROM pins WHERE account_id = $1 AND status_id = $2",
				"ii", account_id, status_id);
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) ? ST_OK : ST_CONFLICT;
}

enum store_rc store_favourite(struct db *db, int64_t account_id, int64_t status_id, bool on)
{
	return toggle(db,
		      "INSERT INTO favourites (id, account_id, status_id, created_at)"
		      " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
		      "DELETE FROM favourites WHERE account_id = $1 AND status_id = $2", account_id,
		      status_id, on);
}

enum store_rc store_bookmark(struct db *db, int64_t account_id, int64_t status_id, bool on)
{
	return toggle(db,
		      "INSERT INTO bookmarks (id, account_id, status_id, created_at)"
		      " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
		      "DELETE FROM bookmarks WHERE account_id = $1 AND status_id = $2", account_id,
		      status_id, on);
}

enum store_rc store_list_owned(struct db *db, int64_t list_id, int64_t account_id, bool *owned)
{
	int64_t one;
	return st_found(db_scalar(db, &one, "SELECT 1 FROM lists WHERE id = $1 AND account_id = $2",
				  "ii", list_id, account_id),
			owned);
}

enum store_rc store_count_follow_requests(struct db *db, int64_t account_id, int64_t *n)
{
	return st_rc(db_scalar(db, n, "SELECT COUNT(*) FROM follow_requests WHERE target_id = $1",
			       "i", account_id));
}

enum store_rc store_lists_drop_member(struct db *db, int64_t owner, int64_t member)
{
	return st_rc(db_exec(db,
			     "DELETE FROM list_accounts WHERE account_id = $2 AND list_id IN"
			     " (SELECT id FROM lists WHERE account_id = $1)",
			     "ii", owner, member));
}
