/* events.h - the events outbox (store_events.c): one row per write, put in
 * the write's own transaction by core/events.c and drained in order by the
 * background worker, so what the worker sees is exactly what committed. */
#ifndef RAPPORT_STORE_EVENTS_H
#define RAPPORT_STORE_EVENTS_H

#include "store/store.h"

/* One outbox row; the fields mean what they mean in struct event
 * (core/events.h). rcpt: the addressed accounts, comma-separated. */
struct store_event {
	int64_t id;
	int type;
	int64_t actor, target, status_id, object_id;
	const char *rcpt;
	int fate;
	int64_t flags;
	int64_t created_at;
	int64_t since; /* undo events: when the undone act was made (ms), 0 if unknown */
};

/* Adds e in the caller's transaction. */
enum store_rc store_event_put(struct db *db, const struct store_event *e);
/* The oldest rows, at most max, into an array allocated in ar. */
enum store_rc store_events_next(struct db *db, struct arena *ar, int max,
				struct store_event **out, int *n);
/* Deletes the n rows drained (by id: a row with a smaller id may have
 * committed since they were read, and it has not been drained), in the
 * transaction that applies what draining them wrote. ST_CONFLICT when one
 * is gone: another process drained it first, and the caller's transaction
 * must be rolled back so that nothing is applied twice. On PostgreSQL the
 * DELETE waits for the row lock of a drain in progress elsewhere, then
 * finds the row gone. */
enum store_rc store_events_done(struct db *db, const int64_t *ids, int n);
/* Rows waiting in the outbox (tests, `serve` logs). */
enum store_rc store_events_pending(struct db *db, int64_t *n);

#endif
