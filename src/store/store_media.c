/* store_media.c - media_attachments (migration 15). */
#include "store/media.h"
#include "store/statuses.h"
#include "store/store_internal.h"

#include <string.h>

#define MEDIA_COLS                                                                          \
	"id, account_id, COALESCE(status_id, 0), position, kind, mime, state, file, preview,"  \
	" meta, blurhash, description, error, focus_x, focus_y, created_at, remote_url,"  \
	" thumbnail"

static void read_media(struct arena *ar, struct db_stmt *st, struct media *m)
{
	m->id = db_int(st, 0);
	m->account_id = db_int(st, 1);
	m->status_id = db_int(st, 2);
	m->position = (int)db_int(st, 3);
	m->kind = st_text(ar, st, 4);
	m->mime = st_text(ar, st, 5);
	m->state = (int)db_int(st, 6);
	m->file = st_text(ar, st, 7);
	m->preview = st_text(ar, st, 8);
	m->meta = st_text(ar, st, 9);
	m->blurhash = st_text(ar, st, 10);
	m->description = st_text(ar, st, 11);
	m->error = st_text(ar, st, 12);
	m->focus_x = (int)db_int(st, 13);
	m->focus_y = (int)db_int(st, 14);
	m->created_at = db_int(st, 15);
	m->remote_url = st_text(ar, st, 16);
	m->thumbnail = db_int(st, 17);
}

enum store_rc store_media_insert_remote(struct db *db, const struct media *m)
{
	enum store_rc st = st_rc(db_exec(
		db,
		"INSERT INTO media_attachments (id, account_id, status_id, position,"
		" kind, mime, state, meta, blurhash, description, remote_url,"
		" created_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, $11)",
		"iiiitttttti", m->id, m->account_id, m->status_id, (int64_t)m->position, m->kind,
		m->mime, m->meta, m->blurhash, m->description, m->remote_url, m->created_at));
	return st == ST_OK ? store_status_mark_media(db, m->status_id) : st;
}

enum store_rc store_media_insert(struct db *db, const struct media *m)
{
	return st_rc(db_exec(db,
			     "INSERT INTO media_attachments (id, account_id, kind, mime, state,"
			     " description, focus_x, focus_y, created_at, thumbnail)"
			     " VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9)",
			     "iitttiiii", m->id, m->account_id, m->kind, m->mime, m->description,
			     (int64_t)m->focus_x, (int64_t)m->focus_y, m->created_at, m->thumbnail));
}

enum store_rc store_media_get(struct db *db, struct arena *ar, int64_t id, struct media *out)
{
	struct db_stmt *st = db_query(
		db, "SELECT " MEDIA_COLS " FROM media_attachments WHERE id = $1", "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		read_media(ar, st, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_media_pending(struct db *db, int64_t now, bool *any)
{
	int64_t id;
	return st_found(db_scalar(db, &id,
				  "SELECT id FROM media_attachments WHERE state = 0"
				  " AND claimed_until <= $1 LIMIT 1",
				  "i", now),
			any);
}

enum store_rc store_media_claim(struct db *db, int64_t now, int64_t until, int64_t *id)
{
	enum db_rc rc = db_scalar(db, id,
				  DB_CLAIM(db,
					   "SELECT id FROM media_attachments WHERE state = 0"
					   " AND claimed_until <= $1 ORDER BY id LIMIT 1",
					   ""),
				  "i", now);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
	return st_rc(db_exec(db, "UPDATE media_attachments SET claimed_until = $2 WHERE id = $1",
			     "ii", *id, until));
}

enum store_rc store_media_unclaim(struct db *db, int64_t id)
{
	return st_rc(db_exec(db, "UPDATE media_attachments SET claimed_until = 0 WHERE id = $1",
			     "i", id));
}

enum store_rc store_media_done(struct db *db, const struct media *m)
{
	return st_rc(db_exec(db,
			     "UPDATE media_attachments SET state = 1, file = $2, preview = $3,"
			     " meta = $4, blurhash = $5, kind = $6 WHERE id = $1 AND state = 0",
			     "ittttt", m->id, m->file, m->preview, m->meta,
			     m->blurhash, m->kind));
}

enum store_rc store_media_failed(struct db *db, int64_t id, const char *error)
{
	return st_rc(db_exec(db,
			     "UPDATE media_attachments SET state = 2, error = $2 WHERE id = $1"
			     " AND state = 0",
			     "it", id, error));
}

static enum store_rc changed_one(struct db *db, enum db_rc rc, enum store_rc none)
{
	if (rc != DB_OK)
		return st_rc(rc);
	return db_changes(db) == 1 ? ST_OK : none;
}

enum store_rc store_media_describe(struct db *db, int64_t id, int64_t account,
				   const char *description, int focus_x, int focus_y)
{
	enum db_rc rc = db_exec(db,
				"UPDATE media_attachments SET description = $3, focus_x = $4,"
				" focus_y = $5 WHERE id = $1 AND account_id = $2"
				" AND status_id IS NULL AND kind NOT IN ('avatar', 'header')",
				"iitii", id, account, description, (int64_t)focus_x,
				(int64_t)focus_y);
	return changed_one(db, rc, ST_NOT_FOUND);
}

enum store_rc store_media_attach(struct db *db, int64_t id, int64_t account, int64_t status,
				 int position)
{
	enum db_rc rc = db_exec(db,
				"UPDATE media_attachments SET status_id = $3, position = $4"
				" WHERE id = $1 AND account_id = $2 AND status_id IS NULL"
				" AND state = 1 AND thumbnail = 0 AND kind NOT IN ('avatar', 'header')",
				"iiii", id, account, status, (int64_t)position);
	enum store_rc st = changed_one(db, rc, ST_CONFLICT);
	return st == ST_OK ? store_status_mark_media(db, status) : st;
}

enum store_rc store_media_thumbnail_queue(struct db *db, int64_t id, int64_t account)
{
	enum db_rc rc = db_exec(db,
				"UPDATE media_attachments SET thumbnail = thumbnail + 1"
				" WHERE id = $1 AND account_id = $2 AND status_id IS NULL"
				" AND state <> 2 AND kind IN ('video', 'gifv', 'audio')",
				"ii", id, account);
	return changed_one(db, rc, ST_NOT_FOUND);
}

enum store_rc store_media_next_thumbnail(struct db *db, int64_t *id)
{
	enum db_rc rc = db_scalar(db, id,
				  "SELECT id FROM media_attachments WHERE thumbnail > 0"
				  " AND state <> 0 ORDER BY id LIMIT 1", "");
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_media_thumbnail_done(struct db *db, const struct media *m)
{
	return st_rc(db_exec(db,
			     "UPDATE media_attachments SET preview = $3, blurhash = $4, meta = $5,"
			     " thumbnail = CASE WHEN thumbnail = $2 THEN 0 ELSE thumbnail END"
			     " WHERE id = $1",
			     "iittt", m->id, m->thumbnail, m->preview, m->blurhash, m->meta));
}

#define OF_STATUS_MAX 4

enum store_rc store_media_of_status(struct db *db, struct arena *ar, int64_t status,
				    struct media_list *out)
{
	out->n = 0;
	out->items = arena_calloc(ar, OF_STATUS_MAX, sizeof *out->items);
	struct db_stmt *st = db_query(db,
				      "SELECT " MEDIA_COLS " FROM media_attachments"
				      " WHERE status_id = $1 ORDER BY position LIMIT 4",
				      "i", status);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && out->n < OF_STATUS_MAX)
		read_media(ar, st, &out->items[out->n++]);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_media_expire(struct db *db, int64_t before, int64_t *n)
{
	enum db_rc rc = db_exec(db,
				"DELETE FROM media_attachments WHERE status_id IS NULL"
				" AND created_at < $1 AND kind NOT IN ('avatar', 'header')",
				"i", before);
	*n = rc == DB_OK ? db_changes(db) : 0;
	return st_rc(rc);
}

enum store_rc store_media_set_profile(struct db *db, int64_t account, int64_t id,
				      const char *kind, const char *url, int64_t now)
{
	static const char *const sql[2] = {
		"UPDATE accounts SET avatar = $2, updated_at = CASE WHEN $3 > updated_at"
		" THEN $3 ELSE updated_at + 1 END WHERE id = $1",
		"UPDATE accounts SET header = $2, updated_at = CASE WHEN $3 > updated_at"
		" THEN $3 ELSE updated_at + 1 END WHERE id = $1",
	};
	bool header = !strcmp(kind, "header");
	enum store_rc st = st_rc(db_exec(db, sql[header], "iti", account, url, now));
	if (st == ST_OK)
		st = st_rc(db_exec(db,
				   "DELETE FROM media_attachments WHERE account_id = $1"
				   " AND kind = $2 AND id <> $3",
				   "iti", account, kind, id));
	return st;
}

enum store_rc store_media_delete(struct db *db, int64_t id)
{
	return st_rc(db_exec(db, "DELETE FROM media_attachments WHERE id = $1", "i", id));
}

enum store_rc store_media_file_used(struct db *db, const char *name, bool *used)
{
	int64_t v;
	enum db_rc rc = db_scalar(db, &v,
				  "SELECT 1 WHERE EXISTS (SELECT 1 FROM media_attachments"
				  " WHERE file = $1) OR EXISTS (SELECT 1 FROM media_attachments"
				  " WHERE preview = $1) OR EXISTS (SELECT 1 FROM preview_cards"
				  " WHERE image_file = $1)",
				  "t", name);
	*used = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}

enum store_rc store_media_exists(struct db *db, int64_t id, bool *exists)
{
	int64_t v;
	enum db_rc rc = db_scalar(db, &v, "SELECT 1 FROM media_attachments WHERE id = $1", "i",
				  id);
	*exists = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? ST_OK : ST_ERROR;
}
