/* db_pg.h - what only the PostgreSQL backend has, beyond db.h: each
 * process's listener, which hears what the store's other processes change
 * (LISTEN/NOTIFY) so that its caches stay exact. Included only by the store
 * files that use it (store.c, rowcache.c, store_events.c).
 *
 * What is heard, on the channel "rapport", sent inside the writing
 * transaction and so delivered only once it has committed:
 *   s<id>,<id>...   statuses updated or deleted (triggers, migration 22)
 *   a<id>,<id>...   accounts updated or deleted
 *   t<id>,<id>...   the tokens or the login (users) of these accounts
 *                   updated or deleted (migration 27; 0: an app's tokens),
 *                   or their suspended_at changed (migration 29)
 *   h<id>,<id>...   the home inputs of these accounts changed (their feed,
 *                   follows, mentions, flags, reblogs, blocks either way,
 *                   mutes, domain blocks: migration 30)
 *   h*              too many accounts to name: forget every home page
 *   *               too many rows to name: forget everything
 *   anything else   a db_notice() text, handed to the notice callback
 *                   unless this process sent it.
 *
 * A reader trusts its process's caches only once its thread is synced:
 * the listener has made a round trip on its connection since the thread
 * last acquired a connection or committed, so every notification of a
 * commit acknowledged before then has been applied. While the listener is
 * not connected nothing is trusted; when it has connected again, everything
 * is forgotten first. */
#ifndef RAPPORT_DB_PG_H
#define RAPPORT_DB_PG_H

#include <stdbool.h>
#include <stdint.h>

struct db;

struct db_pg_listen {
	/* A row changed: table 0 statuses, 1 accounts; 2: a token or login
	 * of the account id changed; 3: the home inputs of the account id
	 * changed (id 0: of every account). */
	void (*row)(int table, int64_t id);
	/* Changes may have been missed: forget every cached row. */
	void (*all)(void);
	/* Another process's db_notice() text (NULL: none). */
	void (*notice)(const char *text);
};

/* Starts the listener thread on its own connection to url (it connects in
 * the background and keeps reconnecting). cb must outlive it. 0, or -1 if
 * the thread cannot start. */
int db_pg_listen_start(const char *url, const struct db_pg_listen *cb);
void db_pg_listen_stop(void);
/* True once the listener has connected and heard its LISTEN confirmed. */
bool db_pg_listening(void);

/* The calling thread must sync again before it trusts a cache (it has
 * taken a connection for new work, or committed). */
void db_pg_unsynced(void);
/* Whether the calling thread may trust the caches now: true without a
 * listener (a single-process store); otherwise syncs if needed and is
 * false when the listener is down or the sync failed. */
bool db_pg_synced(void);

/* Whether a backend process id (a notification's sender) is one of this
 * process's connections. */
bool db_pg_own_backend(int pid);

/* Group commit. db_tx_run() runs fn on the writer connection set by
 * db_pg_set_group() (db itself if none), in a savepoint of a transaction
 * other threads' calls may share; every caller is answered after the one
 * COMMIT (db.h). db_pg_tx_flush() commits an open group (before the
 * writer is closed). */
void db_pg_set_group(struct db *db, struct db *writer);
void db_pg_tx_flush(void);
/* As db_tx_waits and db_thread_background (db_sqlite.h): how many times a
 * db_tx_run call of a thread that is not background work found the
 * writer busy. */
int64_t db_pg_tx_waits(void);
void db_pg_thread_background(void);
/* Round trips to the server this thread has made on the store's
 * connections (a statement, a pipeline, a prepare; not the listener's). */
int64_t db_pg_round_trips(void);

#endif
