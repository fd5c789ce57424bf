#include "store/seed.h"
#include "store/lists.h"
#include "store/social.h"
#include "store/statuses.h"
#include "store/store_internal.h"
#include "util/log.h"
#include "util/buf.h"
#include "util/util.h"

#include <stdarg.h>

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

/* SQLite: the indexes that are not a table's primary key or unique
 * constraints, from its catalogue. */
static const char *const INDEX_SQL =
	"SELECT name, sql FROM sqlite_master WHERE type = 'index'"
	" AND sql IS NOT NULL AND tbl_name IN ('statuses',"
	" 'notifications', 'favourites', 'mentions', 'status_tags',"
	" 'follows', 'conversations')";
/* On PostgreSQL, every secondary index and the foreign keys (each COPYed
 * row was checked against every table it refers to): st_bulk_drop. */
static struct st_bulk seed_bulk;

static enum store_rc drop_indexes(struct db *db)
{
	struct db_stmt *st = db_query(db, INDEX_SQL, "");
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

/* ---- PostgreSQL: rows are loaded with COPY ----
 * Each table's rows collect in a buffer in COPY's text format; all buffers
 * are loaded, in the order their references need, at each checkpoint, at
 * the end and whenever together they pass COPY_FLUSH bytes. The home feed
 * may name one entry twice, which COPY cannot skip, and a conversation is
 * touched by each of its messages: both go through a staging table, the
 * feed with one INSERT ... SELECT DISTINCT at the end (FEED_LOAD_PG), the
 * conversations with one INSERT ... ON CONFLICT per load (the newest
 * message of each). */
enum { T_ACCOUNTS, T_USERS, T_FOLLOWS, T_STATUSES, T_MENTIONS, T_TAGS, T_FAVOURITES,
       T_NOTIFICATIONS, T_FEED, T_CONV, NCOPY };
static const char *const COPY_SQL[NCOPY] = {
	"COPY accounts (id, username, username_key, domain, display_name, note, note_html, uri,"
	" url, created_at, updated_at, last_status_at, statuses_count, followers_count,"
	" following_count) FROM STDIN",
	"COPY users (account_id, email, email_key, password_hash, created_at) FROM STDIN",
	"COPY follows (id, account_id, target_id, created_at) FROM STDIN",
	"COPY statuses (id, account_id, text, content, spoiler_text, visibility, in_reply_to_id,"
	" in_reply_to_account_id, reblog_of_id, thread_id, mentions, tags, created_at,"
	" replies_count, reblogs_count, favourites_count, language) FROM STDIN",
	"COPY mentions (status_id, account_id) FROM STDIN",
	"COPY status_tags (status_id, tag_id) FROM STDIN",
	"COPY favourites (id, account_id, status_id, created_at) FROM STDIN",
	/* (two literals in one element: clang asks for the parentheses) */
	("COPY notifications (id, account_id, from_account_id, type, status_id, created_at)"
	 " FROM STDIN"),
	"COPY seed_feed (account_id, status_id) FROM STDIN",
	"COPY seed_conv (id, account_id, participants, last_status_id, unread) FROM STDIN",
};
#define COPY_FLUSH (64 << 20)
#define COPY_CAP (1u << 30)
static struct buf copy_buf[NCOPY];
static size_t copy_bytes;
static bool copy_failed;

static void copy_put(struct buf *b, const char *s, size_t n)
{
	if (buf_append(b, s, n))
		copy_failed = true;
}

/* One row: i an integer, z an integer with 0 for NULL, t text, l text
 * lowercased (ASCII: the seeder's names are). */
static void copy_row(int table, const char *fmt, ...)
{
	struct buf *b = &copy_buf[table];
	size_t before = b->len;
	va_list ap;
	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (f != fmt)
			copy_put(b, "\t", 1);
		char num[24];
		if (*f == 'i' || *f == 'z') {
			int64_t v = va_arg(ap, int64_t);
			if (*f == 'z' && !v)
				copy_put(b, "\\N", 2);
			else
				copy_put(b, num, (size_t)snprintf(num, sizeof num, "%lld", (long long)v));
			continue;
		}
		const char *t = va_arg(ap, const char *), *c = t ? t : "", *run = c;
		for (; *c; c++) {
			char esc = *c == '\\' ? '\\' : *c == '\t' ? 't' : *c == '\n' ? 'n'
				 : *c == '\r' ? 'r' : 0;
			bool upper = *f == 'l' && *c >= 'A' && *c <= 'Z';
			if (!esc && !upper)
				continue;
			copy_put(b, run, (size_t)(c - run));
			char e[2] = {'\\', esc};
			if (upper)
				e[0] = (char)(*c + 32);
			copy_put(b, e, esc ? 2 : 1);
			run = c + 1;
		}
		copy_put(b, run, (size_t)(c - run));
	}
	va_end(ap);
	copy_put(b, "\n", 1);
	copy_bytes += b->len - before;
}

static enum store_rc copy_flush(struct db *db)
{
	if (copy_failed) {
		log_error("seed: a COPY buffer passed %u bytes", COPY_CAP);
		return ST_ERROR;
	}
	for (int t = 0; t < NCOPY; t++) {
		if (!copy_buf[t].len)
			continue;
		enum db_rc rc = db_copy_in(db, COPY_SQL[t], copy_buf[t].data, copy_buf[t].len);
		buf_free(&copy_buf[t]);
		buf_init(&copy_buf[t], COPY_CAP);
		if (rc != DB_OK)
			return ST_ERROR;
		if (t == T_CONV &&
		    db_script(db, "INSERT INTO conversations (id, account_id, participants,"
				  " last_status_id, unread)"
				  " SELECT DISTINCT ON (account_id, participants) id, account_id,"
				  " participants, last_status_id, unread FROM seed_conv"
				  " ORDER BY account_id, participants, last_status_id DESC"
				  " ON CONFLICT (account_id, participants) DO UPDATE SET"
				  " last_status_id = excluded.last_status_id,"
				  " unread = excluded.unread; TRUNCATE seed_conv") != DB_OK)
			return ST_ERROR;
	}
	copy_bytes = 0;
	return ST_OK;
}

/* The home feed in one statement at the end, from the staging table that
 * collected every entry: inserted without its primary key (read from the
 * catalogue), which is then built from the rows with one sort. Inserted
 * through the key at each checkpoint, the 3 million entries of a 1M-post
 * seed took a third of the seed's time. */
static const char *const FEED_LOAD_PG =
	"DO $$ DECLARE k text; d text; BEGIN"
	" SELECT conname, pg_get_constraintdef(oid) INTO k, d FROM pg_constraint"
	" WHERE conrelid = 'home_feed'::regclass AND contype = 'p';"
	" EXECUTE format('ALTER TABLE home_feed DROP CONSTRAINT %I', k);"
	" INSERT INTO home_feed (account_id, status_id)"
	" SELECT DISTINCT account_id, status_id FROM seed_feed;"
	" EXECUTE format('ALTER TABLE home_feed ADD CONSTRAINT %I %s', k, d);"
	" END $$; TRUNCATE seed_feed";

static enum store_rc copy_maybe_flush(struct db *db)
{
	return copy_bytes >= COPY_FLUSH ? copy_flush(db) : ST_OK;
}

enum store_rc store_seed_begin(struct db *db)
{
	/* Durability is restored by store_seed_finish(); a crash while
	 * seeding leaves a store to throw away, which is fine for a seed. */
	/* A rollback journal in memory instead of the WAL: pages are written
	 * once, to the database file, instead of twice. Leaving WAL mode needs
	 * the only connection to the file: the store is opened with `bulk`. */
	for (int t = 0; t < NCOPY; t++)
		buf_init(&copy_buf[t], COPY_CAP);
	copy_bytes = 0;
	copy_failed = false;
	const char *fast = db_is_pg(db) ? "SET synchronous_commit = off;"
					  " SET maintenance_work_mem = '256MB'; SET work_mem = '256MB';"
					  " CREATE TEMP TABLE seed_feed (account_id BIGINT, status_id BIGINT);"
					  " CREATE TEMP TABLE seed_conv (id BIGINT, account_id BIGINT,"
					  " participants TEXT, last_status_id BIGINT, unread BIGINT)"
					: "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
					  " PRAGMA cache_size=-1048576; PRAGMA threads=4;";
	if (db_script(db, fast) != DB_OK)
		return ST_ERROR;
	if (db_begin(db) != DB_OK)
		return ST_ERROR;
	return db_is_pg(db) ? st_bulk_drop(db, &seed_bulk) : drop_indexes(db);
}

enum store_rc store_seed_checkpoint(struct db *db)
{
	if (db_is_pg(db) && copy_flush(db) != ST_OK)
		return ST_ERROR;
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
	bool pg = db_is_pg(db);
	if (pg && (copy_flush(db) != ST_OK || db_script(db, FEED_LOAD_PG) != DB_OK))
		return ST_ERROR;
	if (pg)
		log_info("seed: home feeds loaded in %lld ms", (long long)(mono_ms() - t));
	t = mono_ms();
	const char *fts = pg ? "INSERT INTO statuses_fts (rowid, tsv)"
			       " SELECT id, to_tsvector('simple', text) FROM statuses"
			       " WHERE visibility <= 1 AND reblog_of_id IS NULL"
			     : "INSERT INTO statuses_fts (rowid, text) SELECT id, text FROM statuses"
			       " WHERE visibility <= 1 AND reblog_of_id IS NULL;"
			       " INSERT INTO statuses_fts (statuses_fts) VALUES ('optimize')";
	if (db_script(db, fts) != DB_OK)
		return ST_ERROR;
	log_info("seed: search index built and merged in %lld ms", (long long)(mono_ms() - t));
	t = mono_ms();
	if ((pg ? st_bulk_remake(db, &seed_bulk) : restore_indexes(db)) != ST_OK)
		return ST_ERROR;
	log_info("seed: indexes built in %lld ms", (long long)(mono_ms() - t));
	if (db_commit(db) != DB_OK)
		return ST_ERROR;
	t = mono_ms();
	/* On PostgreSQL a VACUUM too (on its own: not in a transaction block),
	 * so the store starts as a running one is kept by autovacuum: the
	 * visibility map set (index-only scans of the home feed skip the
	 * heap) and no vacuum of the whole load running under the first
	 * requests. */
	enum store_rc rc = pg ? st_rc(db_script(db, "VACUUM (ANALYZE)")) : ST_OK;
	if (rc == ST_OK)
		rc = st_rc(db_script(db, pg ? "SET synchronous_commit = on;"
					      " RESET maintenance_work_mem; RESET work_mem"
					    : "PRAGMA analysis_limit=1000; ANALYZE;"
					      " PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
	log_info("seed: %s in %lld ms", pg ? "vacuumed and analyzed" : "analyzed",
		 (long long)(mono_ms() - t));
	return rc;
}

enum store_rc store_seed_account(struct db *db, const struct account *a, const char *email,
				 const char *password_hash)
{
	if (db_is_pg(db)) {
		copy_row(T_ACCOUNTS, "itltttttiiiiiii", a->id, a->username, a->username, "",
			 a->display_name, a->note, a->note_html, a->uri, a->url, a->created_at,
			 a->created_at, a->last_status_at, a->statuses_count, a->followers_count,
			 a->following_count);
		copy_row(T_USERS, "itlti", a->id, email, email, password_hash, a->created_at);
		return copy_maybe_flush(db);
	}
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
	if (db_is_pg(db)) {
		copy_row(T_FOLLOWS, "iiii", id, account_id, target_id, at);
		return copy_maybe_flush(db);
	}
	return st_rc(db_exec(db,
			     "INSERT INTO follows (id, account_id, target_id, created_at)"
			     " VALUES ($1, $2, $3, $4)",
			     "iiii", id, account_id, target_id, at));
}

enum store_rc store_seed_status(struct db *db, const struct status *s)
{
	if (db_is_pg(db)) {
		copy_row(T_STATUSES, "iitttizzzittiiiit", s->id, s->account_id, s->text, s->content,
			 "", (int64_t)s->visibility, s->in_reply_to_id, s->in_reply_to_account_id,
			 s->reblog_of_id, s->thread_id, s->mentions, s->tags, s->created_at,
			 s->replies_count, s->reblogs_count, s->favourites_count, "en");
		return copy_maybe_flush(db);
	}
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
	if (db_is_pg(db)) {
		copy_row(T_FAVOURITES, "iiii", id, account_id, status_id, at);
		return copy_maybe_flush(db);
	}
	return st_rc(db_exec(db,
			     "INSERT INTO favourites (id, account_id, status_id, created_at)"
			     " VALUES ($1, $2, $3, $4)",
			     "iiii", id, account_id, status_id, at));
}

enum store_rc store_seed_notification(struct db *db, int64_t id, int64_t account_id,
				      int64_t from, const char *type, int64_t status_id, int64_t at)
{
	if (db_is_pg(db)) {
		copy_row(T_NOTIFICATIONS, "iiitzi", id, account_id, from, type, status_id, at);
		return copy_maybe_flush(db);
	}
	return st_rc(db_exec(db,
			     "INSERT INTO notifications (id, account_id, from_account_id, type,"
			     " status_id, created_at) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6)",
			     "iiitii", id, account_id, from, type, status_id, at));
}

enum store_rc store_seed_feed(struct db *db, int64_t account_id, int64_t status_id)
{
	if (!db_is_pg(db))
		return store_feed_add(db, account_id, status_id);
	copy_row(T_FEED, "ii", account_id, status_id);
	return copy_maybe_flush(db);
}

enum store_rc store_seed_mention(struct db *db, int64_t status_id, int64_t account_id)
{
	if (!db_is_pg(db))
		return store_mention_insert(db, status_id, account_id);
	copy_row(T_MENTIONS, "ii", status_id, account_id);
	return copy_maybe_flush(db);
}

enum store_rc store_seed_status_tag(struct db *db, int64_t status_id, int64_t tag_id)
{
	if (!db_is_pg(db))
		return store_status_tag_insert(db, status_id, tag_id);
	copy_row(T_TAGS, "ii", status_id, tag_id);
	return copy_maybe_flush(db);
}

enum store_rc store_seed_conversation(struct db *db, int64_t account_id,
				      const char *participants, int64_t status_id, bool unread)
{
	if (!db_is_pg(db))
		return store_conversation_touch(db, account_id, participants, status_id, unread);
	copy_row(T_CONV, "iitii", id_new(), account_id, participants, status_id,
		 (int64_t)unread);
	return copy_maybe_flush(db);
}

enum store_rc store_seed_conversations(struct db *db)
{
	if (db_is_pg(db) && copy_flush(db) != ST_OK)
		return ST_ERROR;
	return st_rc(db_script(
		db,
		"INSERT INTO social_threads (thread_id, account_id, turns, other_turns)"
		" SELECT s.thread_id, t.account_id, COUNT(*),"
		" SUM(CASE WHEN s.account_id <> t.account_id THEN 1 ELSE 0 END)"
		" FROM statuses s JOIN statuses t ON t.id = s.thread_id"
		" WHERE s.reblog_of_id IS NULL GROUP BY s.thread_id, t.account_id;"
		"INSERT INTO social_edges (account_id, target_id, day, replies)"
		" SELECT account_id, in_reply_to_account_id, created_at / 86400000, COUNT(*)"
		" FROM statuses WHERE in_reply_to_account_id IS NOT NULL"
		" AND in_reply_to_account_id <> account_id GROUP BY 1, 2, 3;"));
}
