/* store_fixture.h - the fixture of the unit tests that need a real store:
 * a SQLite store in a fresh temporary directory (or an emptied PostgreSQL
 * database, see fx_pg_url) and a core on one of its connections. Included
 * by one test file each (static functions). */
#ifndef RAPPORT_STORE_FIXTURE_H
#define RAPPORT_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/core.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/store.h"
#include "util/ratelimit.h"
#include "util/util.h"

struct fx {
	char dir[64];
	struct store *st;
	struct arena ar;
	struct config cfg;
	struct ratelimit rl;
	struct core c;
	int64_t account; /* for tests that make one account up front */
};

/* RAPPORT_TEST_PG_URL (a postgresql:// URL) puts the store of the tests
 * that run on both backends in that database instead, emptied first
 * (tests/api/test_group_commit.py runs test_group so in the PostgreSQL
 * pass). */
static const char *fx_pg_url(void)
{
	const char *url = getenv("RAPPORT_TEST_PG_URL");
	struct db *db = NULL;
	if (!url || !*url)
		return NULL;
	if (db_open(url, false, &db) != DB_OK ||
	    db_script(db, "DROP SCHEMA public CASCADE; CREATE SCHEMA public") != DB_OK)
		abort();
	db_close(db);
	return url;
}

/* Opens the store with pool_size connections; login_limit 0 keeps the
 * default. Returns the fixture, or NULL. */
static struct fx *fx_open(int pool_size, int login_limit)
{
	struct fx *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/rapport-unit-XXXXXX");
	if (!mkdtemp(f->dir))
		return NULL;
	config_defaults(&f->cfg);
	f->cfg.domain = "example.test";
	if (login_limit)
		f->cfg.login_limit = login_limit;
	config_finish(&f->cfg);
	struct store_options so = {.dir = f->dir, .url = fx_pg_url(), .sync_full = false,
				   .pool_size = pool_size};
	if (store_open(&so, &f->st) != ST_OK)
		return NULL;
	arena_init(&f->ar);
	ratelimit_init(&f->rl);
	f->c = (struct core){.db = store_acquire(f->st), .arena = &f->ar, .cfg = &f->cfg,
			     .rl = &f->rl};
	return f;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	store_release(f->st, f->c.db);
	store_close(f->st);
	arena_free(&f->ar);
	ratelimit_free(&f->rl);
	free((char *)f->cfg.base_url);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

/* The integer a test's own query returns (first column of the first row),
 * to check the rows behind a rule; -1 when there is no row or it failed.
 * fmt names up to two int64_t parameters: "", "i" or "ii". */
static inline int64_t fx_int(struct fx *f, const char *sql, const char *fmt, int64_t a, int64_t b)
{
	struct db_stmt *st = db_query(f->c.db, sql, fmt, a, b);
	if (!st)
		return -1;
	int64_t v = db_next(st) == DB_ROW ? db_int(st, 0) : -1;
	db_end(st);
	return v;
}

/* How many statuses' search index entries hold word. */
static inline int64_t fx_fts_hits(struct fx *f, const char *word)
{
	struct db_stmt *st =
		db_query(f->c.db, "SELECT COUNT(*) FROM statuses_fts WHERE statuses_fts MATCH $1",
			 "t", word);
	if (!st)
		return -1;
	int64_t v = db_next(st) == DB_ROW ? db_int(st, 0) : -1;
	db_end(st);
	return v;
}

/* An account without a user (no password to hash): local when domain is
 * "". Returns its id, or 0. */
static inline int64_t fx_account(struct fx *f, const char *name, const char *domain)
{
	char *uri = arena_printf(&f->ar, "https://%s/users/%s", *domain ? domain : "example.test",
				 name);
	struct account a = {.id = id_new(), .username = name, .domain = domain,
			    .display_name = name, .note = "", .note_html = "", .uri = uri,
			    .url = uri, .discoverable = true, .created_at = now_ms()};
	return store_account_insert(f->c.db, &a) == ST_OK ? a.id : 0;
}

/* Signs up a local user NAME through the core (the test fails if it can't)
 * and returns its account id. Needs cmocka included before this header. */
static inline int64_t fx_user(struct fx *f, const char *name)
{
	char email[64];
	snprintf(email, sizeof email, "%s@example.test", name);
	struct signup s = {.username = name, .email = email, .password = "correct horse"};
	int64_t id = 0;
	assert_int_equal(account_create(&f->c, &s, &id), RC_OK);
	return id;
}

#endif
