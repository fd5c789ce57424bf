/* store_internal.h - helpers shared by the store's table files. */
#ifndef RAPPORT_STORE_INTERNAL_H
#define RAPPORT_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

static inline enum store_rc st_rc(enum db_rc rc)
{
	switch (rc) {
	case DB_OK:
	case DB_DONE:
	case DB_ROW: return ST_OK;
	case DB_CONSTRAINT: return ST_CONFLICT;
	default: return ST_ERROR;
	}
}

/* A db_scalar result as the answer to "is there such a row?": *found is
 * true for DB_ROW. On ST_ERROR *found is false and means nothing: the
 * caller fails, it never takes that for "no". */
static inline enum store_rc st_found(enum db_rc rc, bool *found)
{
	*found = rc == DB_ROW;
	return st_rc(rc);
}

/* The first row's two integer columns into *a and *b, and the statement
 * ended: ST_ERROR when the query failed or gave no row. */
static inline enum store_rc st_two_ints(struct db_stmt *st, int64_t *a, int64_t *b)
{
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*a = db_int(st, 0);
		*b = db_int(st, 1);
	}
	db_end(st);
	return rc == DB_ROW ? ST_OK : ST_ERROR;
}

/* Copies a text column into the arena ("" for NULL). */
static inline const char *st_text(struct arena *ar, struct db_stmt *st, int col)
{
	const char *t = db_text(st, col);
	return arena_strdup(ar, t ? t : "");
}

/* Reading rows by id a batch at a time: a page that misses the caches
 * costs a few statements, not one per row (on PostgreSQL each is a round
 * trip). The query names its ids with ID_BATCH_IN, the ID_BATCH
 * parameters $1..$16, and may name them more than once. */
#define ID_BATCH 16
#define ID_BATCH_IN                                                                           \
	" IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
/* Runs sql over ids[0..n) (0 ids are skipped), ID_BATCH to a statement,
 * calling row for each row it gives; ST_ERROR when a statement fails or
 * row returns ST_ERROR. */
enum store_rc st_id_batches(struct db *db, const char *sql, const int64_t *ids, int n,
			    enum store_rc (*row)(struct db_stmt *st, void *ctx), void *ctx);

/* The columns of an account aliased x, in the order st_account_row reads. */
#define ACOLS(x)                                                                              \
	x ".id, " x ".username, " x ".domain, " x ".display_name, " x ".note, " x ".note_html, " \
	x ".fields, " x ".uri, " x ".url, " x ".avatar, " x ".header, " x ".locked, " x ".bot, "  \
	x ".discoverable, " x ".created_at, " x ".updated_at, " x ".last_status_at, "             \
	x ".statuses_count, " x ".followers_count, " x ".following_count, "                       \
	x ".moved_to_account_id, " x ".sensitized_at"
#define ACOLS_N 22

/* Runs a query whose columns are a cursor then ACOLS; reverses min_id
 * pages so results are newest first. */
enum store_rc st_read_accounts(struct arena *ar, struct db_stmt *st, bool asc, int limit,
			       struct account_list *out);
/* A page of accounts from a pair of queries (newest first, then min_id
 * order) keyed by one id: $1 the key, $2 and $3 the exclusive bounds, $4
 * the limit; columns as st_read_accounts reads. */
enum store_rc st_accounts_page(struct db *db, struct arena *ar, const char *const sql[2],
			       int64_t key, const struct page *pg, struct account_list *out);
/* Exclusive bounds and direction of a page. */
void st_page_bounds(const struct page *pg, int64_t *hi, int64_t *lo, bool *asc);

/* The visibility rules, one definition for every query that lists
 * statuses (timelines, threads, search, conversations), over a status
 * aliased s and the status r it reblogs (LEFT JOINed; NULL if none). */
/* Visibility for viewer $1 (0 = anonymous): public and unlisted to all,
 * private to followers, direct to the mentioned; the author sees all.
 * Nobody sees a suspended account's statuses or reblogs of them (the list
 * of suspended accounts is read once per statement, by a partial index;
 * the fast lists of store_statuses.c read it once per list). */
#define NOT_SUSPENDED                                                                       \
	" AND s.account_id NOT IN (SELECT id FROM accounts WHERE suspended_at > 0)"      \
	" AND (s.reblog_of_id IS NULL OR NOT EXISTS (SELECT 1 FROM statuses o"           \
	" JOIN accounts oa ON oa.id = o.account_id WHERE o.id = s.reblog_of_id"          \
	" AND oa.suspended_at > 0))"
#define VISIBLE                                                                             \
	NOT_SUSPENDED                                                                       \
	" AND (s.visibility <= 1 OR s.account_id = $1"                                   \
	" OR (s.visibility = 2 AND EXISTS (SELECT 1 FROM follows f"                      \
	" WHERE f.account_id = $1 AND f.target_id = s.account_id))"                      \
	" OR EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = $1))"
/* Blocks either way hide the author, and for reblogs the original's author. */
#define NOT_BLOCKED                                                                         \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = $1"                \
	" AND b.target_id IN (s.account_id, COALESCE(r.account_id, 0)))"                 \
	" AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.target_id = $1"                 \
	" AND b.account_id IN (s.account_id, COALESCE(r.account_id, 0)))"
/* A person's domain blocks hide the domain's statuses, and boosts of
 * them, from the person's feeds (Mastodon's rule). */
#define NOT_DOMAIN_BLOCKED                                                                  \
	" AND NOT EXISTS (SELECT 1 FROM accounts da WHERE da.id IN"                        \
	" (s.account_id, COALESCE(r.account_id, 0)) AND da.domain <> '' AND EXISTS"        \
	" (SELECT 1 FROM account_domain_blocks dbk WHERE dbk.account_id = $1"              \
	" AND dbk.domain = da.domain))"
/* A silenced account's statuses are shown on the public and tag
 * timelines only to itself and its followers. */
#define NOT_SILENCED                                                                        \
	" AND (s.account_id NOT IN (SELECT id FROM accounts WHERE silenced_at > 0)"      \
	" OR s.account_id = $1 OR EXISTS (SELECT 1 FROM follows f"                       \
	" WHERE f.account_id = $1 AND f.target_id = s.account_id))"
/* Mutes hide from home and public timelines; $5 is now (ms). */
#define NOT_MUTED                                                                           \
	" AND NOT EXISTS (SELECT 1 FROM mutes mu WHERE mu.account_id = $1"               \
	" AND mu.target_id IN (s.account_id, COALESCE(r.account_id, 0))"                 \
	" AND (mu.expires_at = 0 OR mu.expires_at > $5))"

/* rowcache.c: the numbers of statuses and accounts in memory (see there
 * for why it is correct). Readers take the epoch before reading the
 * database and pass it to the put functions. */
void rowcache_init(size_t max_rows);
void rowcache_free(void);
bool rowcache_on(void);
uint64_t rowcache_epoch(void);
void rowcache_clear(void);
/* Fill the numbers only (what lite rows hold); strings are left alone. */
bool rowcache_get_status(int64_t id, struct status *s);
bool rowcache_get_account(int64_t id, struct account *a);
void rowcache_put_status(uint64_t epoch, const struct status *s);
void rowcache_put_account(uint64_t epoch, const struct account *a);
void rowcache_stats(uint64_t *hits, uint64_t *misses);
/* A row of statuses (table 0) or accounts (1) changed. */
void rowcache_changed(int table, int64_t id);

/* tokencache.c: bearer tokens resolved in memory, on PostgreSQL only (see
 * there for why it is exact). Off until tokencache_init; a reader takes
 * the epoch before reading the database and passes it to put. */
struct token;
void tokencache_init(void);
void tokencache_free(void);
uint64_t tokencache_epoch(void);
bool tokencache_get(struct arena *ar, const char *hash, struct token *out);
void tokencache_put(uint64_t epoch, const struct token *t);
/* The tokens of an account (0: apps' own tokens) may have changed. */
void tokencache_account(int64_t account_id);
void tokencache_clear(void);

/* homecache.c: what home_fold (store_statuses.c) reads for a viewer's
 * first home page, in memory on PostgreSQL (see there for why it is
 * exact). Off until homecache_init. A reader that misses takes a ticket
 * before reading the database and passes it to the put functions. */
#define HOME_BATCH 40     /* the batch of a first page of up to 40 statuses */
#define HOME_FLAGS_MAX 32 /* flag rows kept with a page; more: none kept */
struct home_page {
	bool filters; /* the viewer blocks, is blocked, mutes or blocks a domain */
	int got;      /* ids of the feed, newest first */
	int64_t ids[HOME_BATCH];
	uint64_t ok;    /* bit i: ids[i] is private or direct and the viewer may see it */
	int64_t lo, hi; /* the flags' range; lo 0: no flags kept */
	int nflags;     /* (status id, bits) pairs */
	int64_t flags[2 * HOME_FLAGS_MAX];
};
struct home_ticket {
	uint32_t stamp, gen, sgen;
};
void homecache_init(size_t entries);
void homecache_free(void);
bool homecache_on(void);
struct home_ticket homecache_ticket(int64_t viewer);
bool homecache_get(int64_t viewer, struct home_page *out);
/* Whether the viewer blocks, is blocked, mutes or blocks a domain, as its
 * cached home page knows (the same notices keep it exact); false: no page. */
bool homecache_filters(int64_t viewer, bool *filters);
void homecache_put(const struct home_ticket *t, int64_t viewer, const struct home_page *p);
/* The suspended accounts, sorted, copied into ar. */
bool homecache_suspended_get(struct arena *ar, int64_t **ids, int *n);
void homecache_suspended_put(const struct home_ticket *t, const int64_t *ids, int n);
/* A viewer's home inputs may have changed; everything may have; the
 * suspended accounts may have. */
void homecache_viewer(int64_t viewer);
void homecache_clear(void);
void homecache_suspended_drop(void);
void homecache_stats(uint64_t *hits, uint64_t *misses);

/* store_statuses.c: the viewer's flags read with a home page are used
 * only within the request that read them: forgotten when the thread takes
 * or gives back a connection and when it writes. */
void st_flags_forget(void);

/* Reads ACOLS starting at column c. */
void st_account_row(struct arena *ar, struct db_stmt *st, int c, struct account *a);

/* A preview card's columns (preview_cards as c), read by st_card_row from
 * column col on (store_polls.c). */
#define CARD_COLS                                                                          \
	"c.url, c.title, c.description, c.image, c.provider_name, c.provider_url,"          \
	" c.image_file, c.image_width, c.image_height, c.blurhash"
#define CARD_NCOLS 10
struct preview_card;
void st_card_row(struct db_stmt *st, struct arena *ar, int col, struct preview_card *c);

/* True on the PostgreSQL backend: the few statements that must differ
 * (full-text search, bulk loading) pick their spelling with it. */
static inline bool db_is_pg(struct db *db)
{
	return db_backend(db)[0] == 'p';
}

/* Node id n of a serving process on PostgreSQL holds the session advisory
 * lock STORE_NODE_LOCK_BASE + n (store.c); store copy looks for them. */
#define STORE_NODE_LOCK_BASE 1382117500

/* Bulk loads (store copy; the seeder on PostgreSQL): what slows a load row
 * by row -- every secondary index, and PostgreSQL's foreign keys, checked
 * at each row -- is dropped by st_bulk_drop (inside the load's transaction)
 * and made again from the loaded rows by st_bulk_remake: one sort per
 * index, one join per key, which checks every row once. b keeps the
 * statements; st_bulk_remake frees them (st_bulk_free when not called). */
#define ST_BULK_MAX 1024
struct st_bulk {
	char *remake[ST_BULK_MAX];
	int n;
};
enum store_rc st_bulk_drop(struct db *db, struct st_bulk *b);
enum store_rc st_bulk_remake(struct db *db, struct st_bulk *b);
void st_bulk_free(struct st_bulk *b);

#endif
