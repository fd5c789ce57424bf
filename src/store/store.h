/* store.h - Rapport's persistence interface: the store's lifecycle, its
 * pool of connections, transactions, and the structs several groups of
 * tables share.
 *
 * The layers above see plain structs and functions; SQL lives only under
 * store/. A `struct store` owns a pool of backend connections; request code
 * borrows one with store_acquire() and gives it back with store_release().
 * Every getter copies strings into the caller's arena, so results stay
 * valid until that arena is freed. Functions return an enum store_rc; only
 * the ones documented otherwise return other types. Checks and counts ("is
 * there a block?", "how many pins?") answer through an out parameter, set
 * when they return ST_OK: on ST_ERROR the answer is unknown, and the caller
 * fails instead of taking it for "no" or 0.
 *
 * Each group of tables has its header, included where it is used:
 * store/accounts.h (accounts, users), store/oauth.h (apps, codes, tokens),
 * store/statuses.h (statuses, home feeds, timelines), store/jobs.h (the
 * fan-out queue and the search index's merges), store/social.h (the
 * checks and small writes around statuses: follows, pins, favourites,
 * notifications, conversations), store/rel.h (relationships, notification
 * pages, markers), store/lists.h (lists, search, conversation pages) and
 * store/seed.h (bulk writes of the seeder). */
#ifndef RAPPORT_STORE_H
#define RAPPORT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct store;

enum store_rc {
	ST_OK = 0,
	ST_NOT_FOUND,
	ST_CONFLICT, /* a uniqueness rule refused the write */
	ST_ERROR,    /* the backend failed; logged */
};

struct store_options {
	const char *dir;   /* data directory; created if missing */
	/* A postgresql:// URL: the store is that database, not a file in
	 * dir (dir still holds the server's other files). */
	const char *url;
	bool sync_full;    /* SQLite synchronous=FULL (default true) */
	int pool_size;     /* connections kept open (default 8) */
	/* One connection and no group-commit writer: the file to itself, for
	 * a bulk load that changes its journal mode (rapport seed). */
	bool bulk;
	/* Refuse if another process holds the directory with this set (a
	 * running server): rapport serve sets it. On PostgreSQL it is the
	 * node id that is held instead: two servers on one database must have
	 * different ones. */
	bool exclusive;
	int node_id;
};

/* Opens the store and applies pending migrations. */
enum store_rc store_open(const struct store_options *opt, struct store **out);
/* The in-memory cache of statuses' and accounts' numbers (rowcache.c),
 * for the whole process: `rows` entries, 0 for none. */
void store_row_cache(size_t rows);
void store_row_cache_stats(uint64_t *hits, uint64_t *misses);
/* The in-memory cache of home's first pages (homecache.c), on PostgreSQL
 * with the row cache on: `entries` viewers, 0 for none; set before
 * store_listen, which makes it. */
void store_home_cache(size_t entries);
void store_home_cache_stats(uint64_t *hits, uint64_t *misses);
/* Several processes on one PostgreSQL store: starts this process's
 * listener (store/db_pg.h), which keeps the row cache exact with what the
 * others commit and hands their notices to notice. ST_OK without effect
 * on SQLite, where one process serves. Stopped by store_close. */
enum store_rc store_listen(struct store *s, void (*notice)(const char *text));
/* Tells the other processes text (at most STORE_NOTICE_MAX bytes of
 * letters, digits and ",:;-") once the write transaction open on db
 * commits; nothing if it rolls back. ST_OK without effect on SQLite. */
#define STORE_NOTICE_MAX 7000
enum store_rc store_notice(struct db *db, const char *text);
/* Logs every statement that takes ms or more; -1 (the default) for none.
 * For the whole process, set before store_open. */
void store_slow_sql(int ms);
void store_close(struct store *s);
/* A consistent copy of the store in dir, taken while a server may be
 * writing to it (SQLite's online backup), written to out, which must not
 * exist yet; the copy is checked before it is kept. store_restore makes
 * dir's store from such a copy; dir must not hold one yet. Both write
 * what went wrong into err (errlen bytes) and leave nothing behind. */
enum store_rc store_backup(const char *dir, const char *out, char *err, size_t errlen);
enum store_rc store_restore(const char *file, const char *dir, char *err, size_t errlen);
/* Whether other server processes may share the store (PostgreSQL): then
 * what a process keeps in memory is its own, and what all must agree on
 * (rate limits) lives in the store. */
bool store_shared(const struct store *s);
/* Borrows a connection (waits for a free one); never NULL after open. */
struct db *store_acquire(struct store *s);
void store_release(struct store *s, struct db *db);
/* The schema version now applied (0 before the first migration). */
enum store_rc store_schema_version(struct db *db, int *version);

/* Copies committed pages from the write-ahead log into the database
 * without blocking readers or writers (SQLite's PASSIVE checkpoint), and
 * truncates the log once it passes 64 MB and is fully copied; the
 * background worker calls it about once a second. */
enum store_rc store_checkpoint(struct db *db);
/* PostgreSQL, a serving process: the node id's lock (held on a connection
 * of its own) is taken again if that connection was lost and made again.
 * ST_OK while this process holds it (or holds none: SQLite, not serving);
 * ST_ERROR when it cannot be checked now (tried again next call);
 * ST_CONFLICT when another process took the node id meanwhile: this one
 * must stop, its ids would collide. Cheap: call it every second or so. */
enum store_rc store_node_check(struct store *s);

/* Bytes held by the database library (page caches, statements). */
int64_t store_memory_used(void);

/* The backend's message for the last error on this connection. */
const char *store_errmsg(struct db *db);

/* Runs fn inside a write transaction: committed when fn returns ST_OK,
 * rolled back otherwise, so a failed request changes nothing. */
enum store_rc store_tx(struct db *db, enum store_rc (*fn)(struct db *, void *), void *ctx);
/* How many times a store_tx call had to wait for the writer, not counting
 * calls from threads that declared themselves background work with
 * store_thread_background() (which watch it to give way to requests). */
int64_t store_tx_waits(void);
/* fn(committed) runs on the calling thread after every store_tx, once its
 * transaction has committed (true) or rolled back (false), before store_tx
 * returns. Set once at start (the event seam's publishing, events.c). */
void store_on_tx_end(void (*fn)(bool committed));

/* A write carried by the next store_tx of this thread, in the same
 * transaction and before that transaction's own work (one commit for
 * both): the inbox's claim of an activity's id, written with what the
 * activity changes. Between store_tx_lead_begin and store_tx_lead_end,
 * the first store_tx whose work succeeds writes it; if fn fails (e.g.
 * ST_CONFLICT: the id was claimed before), that store_tx fails with fn's
 * result and changes nothing, and so does every later store_tx of the
 * thread until store_tx_lead_end: nothing is written for a refused lead. */
struct store_tx_lead {
	enum store_rc (*fn)(struct db *, void *);
	void *ctx;
	bool written;        /* committed with a store_tx */
	enum store_rc rc;    /* ST_OK, or fn's failure (final) */
};
void store_tx_lead_begin(struct store_tx_lead *l);
/* Ends the lead. Not yet written and write set: written now in a
 * transaction of its own. Returns ST_OK when it is written (l->written),
 * ST_OK with nothing written when write is false, else its failure. */
enum store_rc store_tx_lead_end(struct db *db, struct store_tx_lead *l, bool write);
void store_thread_background(void);

/* ---- structs shared by several groups of tables ---- */

struct account {
	int64_t id;
	const char *username;     /* as chosen, [A-Za-z0-9_] */
	const char *domain;       /* "" for local accounts */
	const char *display_name;
	const char *note;         /* source text */
	const char *note_html;    /* sanitised HTML, rendered on write */
	const char *fields;       /* JSON array [{name, value, verified_at}] */
	const char *uri;          /* canonical ActivityPub id */
	const char *url;          /* profile page */
	const char *avatar, *header;
	bool locked, bot, discoverable;
	int64_t created_at, updated_at, last_status_at; /* ms; last_status_at 0 = never */
	int64_t statuses_count, followers_count, following_count;
	int64_t moved_to;         /* the account it moved to (Move); 0: none */
	int64_t sensitized_at;    /* when a moderator marked its media sensitive; 0: not */
};

enum visibility { VIS_PUBLIC = 0, VIS_UNLISTED = 1, VIS_PRIVATE = 2, VIS_DIRECT = 3 };

struct status {
	int64_t id, account_id;
	const char *uri;          /* "" for local statuses */
	const char *text;         /* source */
	const char *content;      /* sanitised HTML */
	const char *spoiler_text;
	const char *language;     /* "" when unknown */
	bool sensitive, local;
	int visibility;           /* enum visibility */
	int64_t in_reply_to_id, in_reply_to_account_id, reblog_of_id, thread_id, app_id;
	const char *mentions;     /* JSON [{id, username, acct, url}] */
	const char *tags;         /* JSON ["name", ...] */
	int64_t created_at, edited_at;
	int64_t replies_count, reblogs_count, favourites_count;
	/* Filled by the readers below: */
	struct account account;   /* the author */
	struct status *reblog;    /* the reblogged status, or NULL */
	const char *app_name, *app_website; /* "" when none */
	int64_t cursor;           /* the pagination key of this row in its list */
	/* Set by list readers that read only numbers (ids, counters, times;
	 * the author's too): strings are "" until store_statuses_fill(). */
	bool partial;
};

/* Whether s reads as sensitive to viewer (0: anonymous or another server):
 * its own flag, or its author's, whose media a moderator marked sensitive
 * (the "sensitive" action) — except to the author, who sees its own
 * choice, as Mastodon's serializers do. */
static inline bool status_sensitive_for(const struct status *s, int64_t viewer)
{
	return s->sensitive || (s->account.sensitized_at > 0 && viewer != s->account_id);
}

struct page {
	int64_t max_id;   /* exclusive; 0 = none */
	int64_t since_id; /* exclusive lower bound, newest first */
	int64_t min_id;   /* exclusive lower bound, closest to it first */
	int limit;
};

struct status_list {
	struct status *items;
	int n;
};

/* Lists of accounts (followers, favourited_by, ...). */
struct account_list {
	struct account *items;
	int64_t *cursor; /* pagination key per item (the follow's, favourite's, ... id) */
	int n;
};

/* Written by store/social.h, read by store/rel.h. */
struct notification {
	int64_t id, account_id, from_account_id, status_id;
	const char *type;
	int64_t created_at;
	struct account from;
	struct status *status; /* NULL when none */
};

#endif
