#include "store/seed.h"
#include "store/store_internal.h"
#include "util/log.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Secondary indexes of the big tables are dropped while seeding and built
 * again at the end: one sort per index instead of a million random
 * B-tree inserts. Their SQL is read from the schema, so this follows
 * whatever the migrations define. */
#define SEED_MAX_INDEXES 64
static char *saved_index_sql[SEED_MAX_INDEXES];
static int nsaved;

static enum store_rc drop_indexes(struct db *db)
{
	struct db_stmt *st = db_query(db,
				      "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
				      " AND sql IS NOT NULL AND tbl_name IN ('statuses',"
				      " 'notifications', 'favourites', 'mentions', 'status_tags',"
				      " 'follows', 'conversations')",
				      "");
	if (!st)
		return ST_ERROR;
	char *names[SEED_MAX_INDEXES];
	int n = 0;
	while (db_next(st) == DB_ROW && n < SEED_MAX_INDEXES) {
		names[n] = xstrdup(db_text(st, 0));
		saved_index_sql[nsaved++] = xstrdup(db_text(st, 1));
		n++;
	}
	db_end(st);
	enum store_rc rc = ST_OK;
	for (int i = 0; i < n; i++) {
		char sql[300];
		snprintf(sql, sizeof sql, "DROP INDEX \"%s\"", names[i]);
		if (rc == ST_OK && db_script(db, sql) != DB_OK)
			rc = ST_ERROR;
		free(names[i]);
	}
	return rc;
}

static enum store_rc restore_indexes(struct db *db)
{
	enum store_rc rc = ST_OK;
	for (int i = 0; i < nsaved; i++) {
		if (rc == ST_OK && db_script(db, saved_index_sql[i]) != DB_OK)
			rc = ST_ERROR;
		free(saved_index_sql[i]);
	}
	nsaved = 0;
	return rc;
}

enum store_rc store_seed_begin(struct db *db)
{
	/* Durability is restored by store_seed_finish(); a crash while
	 * seeding leaves a store to throw away, which is fine for a seed. */
	/* A rollback journal in memory instead of the WAL: pages are written
	 * once, to the database file, instead of twice. Leaving WAL mode needs
	 * the only connection to the file: the store is opened with `bulk`. */
	if (db_script(db, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
			  " PRAGMA cache_size=-1048576; PRAGMA threads=4;") != DB_OK)
		return ST_ERROR;
	if (db_begin(db) != DB_OK)
		return ST_ERROR;
	return drop_indexes(db);
}

enum store_rc store_seed_checkpoint(struct db *db)
{
	if (db_commit(db) != DB_OK)
		return ST_ERROR;
	return st_rc(db_begin(db));
}

enum store_rc store_seed_finish(struct db *db)
{
	/* The search index in one statement, merged into one segment (it is
	 * written in segments of about 1 MB: left as they are, a request's
	 * commit would merge a level of them when new posts fill it up), then
	 * the dropped indexes. */
	int64_t t = mono_ms();
	if (db_script(db, "INSERT INTO statuses_fts (rowid, text) SELECT id, text FROM statuses"
			  " WHERE visibility <= 1 AND reblog_of_id IS NULL;"
			  " INSERT INTO statuses_fts (statuses_fts) VALUES ('optimize')") != DB_OK)
		return ST_ERROR;
	log_info("seed: search index built and merged in %lld ms", (long long)(mono_ms() - t));
	t = mono_ms();
	if (restore_indexes(db) != ST_OK)
		return ST_ERROR;
	log_info("seed: indexes built in %lld ms", (long long)(mono_ms() - t));
	if (db_commit(db) != DB_OK)
		return ST_ERROR;
	t = mono_ms();
	enum store_rc rc = st_rc(db_script(db, "PRAGMA analysis_limit=1000; ANALYZE;"
					       " PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
	log_info("seed: analyzed in %lld ms", (long long)(mono_ms() - t));
	return rc;
}

enum store_rc store_seed_account(struct db *db, const struct account *a, const char *email,
				 const char *password_hash)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO accounts (id, username, username_key, domain,"
				" display_name, note, note_html, uri, url, created_at, updated_at,"
				" last_status_at, statuses_count, followers_count, following_count)"
				" VALUES ($1, $2, lower($2), '', $3, $4, $5, $6, $7, $8, $8, $9, $10,"
				" $11, $12)",
				"ittttttiiiii", a->id, a->username, a->display_name, a->note,
				a->note_html, a->uri, a->url, a->created_at, a->last_status_at,
				a->statuses_count, a->followers_count, a->following_count);
	if (rc != DB_OK)
		return st_rc(rc);
	return st_rc(db_exec(db,
			     "INSERT INTO users (account_id, email, email_key, password_hash,"
			     " created_at) VALUES ($1, $2, lower($2), $3, $4)",
			     "itti", a->id, email, password_hash, a->created_at));
}

enum store_rc store_seed_follow(struct db *db, int64_t id, int64_t account_id, int64_t target_id,
				int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO follows (id, account_id, target_id, created_at)"
			     " VALUES ($1, $2, $3, $4)",
			     "iiii", id, account_id, target_id, at));
}

enum store_rc store_seed_status(struct db *db, const struct status *s)
{
	return st_rc(db_exec(db,
			     "INSERT INTO statuses (id, account_id, text, content, spoiler_text,"
			     " visibility, in_reply_to_id, in_reply_to_account_id, reblog_of_id,"
			     " thread_id, mentions, tags, created_at, replies_count, reblogs_count,"
			     " favourites_count, language)"
			     " VALUES ($1, $2, $3, $4, '', $5, NULLIF($6, 0), NULLIF($7, 0),"
			     " NULLIF($8, 0), $9, $10, $11, $12, $13, $14, $15, 'en')",
			     "iittiiiiittiiii", s->id, s->account_id, s->text, s->content,
			     (int64_t)s->visibility, s->in_reply_to_id, s->in_reply_to_account_id,
			     s->reblog_of_id, s->thread_id, s->mentions, s->tags, s->created_at,
			     s->replies_count, s->reblogs_count, s->favourites_count));
}

enum store_rc store_seed_favourite(struct db *db, int64_t id, int64_t account_id,
				   int64_t status_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO favourites (id, account_id, status_id, created_at)"
			     " VALUES ($1, $2, $3, $4)",
			     "iiii", id, account_id, status_id, at));
}

enum store_rc store_seed_notification(struct db *db, int64_t id, int64_t account_id,
				      int64_t from, const char *type, int64_t status_id, int64_t at)
{
	return st_rc(db_exec(db,
			     "INSERT INTO notifications (id, account_id, from_account_id, type,"
			     " status_id, created_at) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6)",
			     "iiitii", id, account_id, from, type, status_id, at));
}

enum store_rc store_seed_conversations(struct db *db)
{
	return st_rc(db_script(
		db,
		"INSERT INTO social_threads (thread_id, account_id, turns, other_turns)"
		" SELECT s.thread_id, t.account_id, COUNT(*), SUM(s.account_id <> t.account_id)"
		" FROM statuses s JOIN statuses t ON t.id = s.thread_id"
		" WHERE s.reblog_of_id IS NULL GROUP BY s.thread_id;"
		"INSERT INTO social_edges (account_id, target_id, day, replies)"
		" SELECT account_id, in_reply_to_account_id, created_at / 86400000, COUNT(*)"
		" FROM statuses WHERE in_reply_to_account_id IS NOT NULL"
		" AND in_reply_to_account_id <> account_id GROUP BY 1, 2, 3;"));
}
