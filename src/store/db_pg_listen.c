/* db_pg_listen.c - each process's listener on PostgreSQL (db_pg.h).
 *
 * One thread holds a connection of its own that LISTENs on "rapport" and
 * applies what it hears. PostgreSQL delivers a transaction's notifications
 * only once it has committed, and signals every listener before it answers
 * the COMMIT; a listening backend sends what it has been signalled before
 * it answers its next query, even an empty one. So a round trip on the
 * listening connection (an empty query: nothing to parse, plan or run)
 * that starts after a commit was acknowledged ends after that commit's
 * notifications have been applied: that round trip is a sync. Readers
 * that want one at the same time share it.
 *
 * The connection's loss is noticed by poll (the server closes it); until it
 * is back nothing cached is trusted (the session number moves, so no
 * thread is synced), and once it listens again every cached row is
 * forgotten before any thread can sync. */
#include "store/db_pg.h"
#include "util/log.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SYNC_WAIT_MS 5000   /* then the reader reads the database instead */
#define RETRY_MAX_MS 2000   /* between attempts to connect again */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool started, stop;
	char *url;
	const struct db_pg_listen *cb;
	int wake[2];             /* a byte: a sync is wanted, or stop */
	_Atomic uint64_t session; /* up when the listener connects and when it is lost */
	_Atomic bool live;
	uint64_t want, sent, done; /* sync rounds */
} L = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
       .wake = {-1, -1}};

static _Thread_local struct {
	bool ok;
	uint64_t session;
} synced;

bool db_pg_listening(void)
{
	return atomic_load(&L.live);
}

void db_pg_unsynced(void)
{
	synced.ok = false;
}

static void wake(void)
{
	char c = 1;
	if (write(L.wake[1], &c, 1) < 0 && errno != EAGAIN)
		log_warn("postgresql listener: cannot wake: %s", strerror(errno));
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

bool db_pg_synced(void)
{
	if (!L.started)
		return true;
	if (synced.ok && synced.session == atomic_load(&L.session))
		return true;
	pthread_mutex_lock(&L.lock);
	uint64_t session = atomic_load(&L.session), round = L.sent + 1;
	bool ok = false;
	if (atomic_load(&L.live)) {
		if (L.want < round) {
			L.want = round;
			wake();
		}
		struct timespec until;
		deadline_in(&until, SYNC_WAIT_MS);
		int w = 0;
		while (w == 0 && atomic_load(&L.live) && atomic_load(&L.session) == session &&
		       L.done < round)
			w = pthread_cond_timedwait(&L.cond, &L.lock, &until);
		ok = atomic_load(&L.live) && atomic_load(&L.session) == session && L.done >= round;
	}
	pthread_mutex_unlock(&L.lock);
	synced.ok = ok;
	synced.session = session;
	return ok;
}

/* ---- the listener thread ---- */

static bool stopping(void)
{
	pthread_mutex_lock(&L.lock);
	bool stop = L.stop;
	pthread_mutex_unlock(&L.lock);
	return stop;
}

/* "s1,2,3", "a1,2", "t1" or "h1,2": rows of a table (t: tokens by account,
 * h: home inputs by account). */
static void rows(int table, const char *ids)
{
	for (const char *p = ids; *p;) {
		char *end;
		long long id = strtoll(p, &end, 10);
		if (end == p)
			break;
		L.cb->row(table, (int64_t)id);
		p = *end == ',' ? end + 1 : end;
	}
}

static void heard(const PGnotify *n)
{
	const char *t = n->extra;
	if (!strcmp(t, "*"))
		L.cb->all();
	else if (!strcmp(t, "h*"))
		L.cb->row(3, 0);
	else if (t[0] == 's' || t[0] == 'a' || t[0] == 't' || t[0] == 'h')
		rows(t[0] == 's' ? 0 : t[0] == 'a' ? 1 : t[0] == 't' ? 2 : 3, t + 1);
	else if (L.cb->notice && !db_pg_own_backend(n->be_pid))
		L.cb->notice(t);
}

static void drain_notifies(PGconn *c)
{
	PGnotify *n;
	while ((n = PQnotifies(c))) {
		heard(n);
		PQfreemem(n);
	}
}

static PGconn *connect_listening(void)
{
	const char *const keys[] = {"dbname", "application_name", "connect_timeout", NULL};
	const char *const values[] = {L.url, "rapport-listen", "5", NULL};
	PGconn *c = PQconnectdbParams(keys, values, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		log_warn("postgresql listener: cannot connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PGresult *r = PQexec(c, "LISTEN rapport");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		log_warn("postgresql listener: LISTEN failed: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* The listener is (true) or is no longer (false) connected and listening.
 * Either way every cached row is forgotten, then the session moves so
 * that no thread counts as synced, and waiting readers are woken. */
static void set_live(bool live)
{
	L.cb->all();
	pthread_mutex_lock(&L.lock);
	atomic_fetch_add(&L.session, 1);
	atomic_store(&L.live, live);
	L.done = L.sent; /* a round lost with the connection ends nobody's wait */
	pthread_cond_broadcast(&L.cond);
	pthread_mutex_unlock(&L.lock);
}

/* Sends the next sync round if one is wanted: false if it cannot. */
static bool send_round(PGconn *c, bool *in_flight)
{
	pthread_mutex_lock(&L.lock);
	bool wanted = !*in_flight && L.want > L.sent;
	if (wanted)
		L.sent = L.want;
	pthread_mutex_unlock(&L.lock);
	if (!wanted)
		return true;
	*in_flight = true;
	return PQsendQuery(c, "") == 1;
}

/* Reads the answer to a round once it is whole: false on failure. */
static bool end_round(PGconn *c, bool *in_flight)
{
	while (*in_flight && !PQisBusy(c)) {
		PGresult *r = PQgetResult(c);
		if (!r) {
			drain_notifies(c); /* those that came before the answer */
			*in_flight = false;
			pthread_mutex_lock(&L.lock);
			L.done = L.sent;
			pthread_cond_broadcast(&L.cond);
			pthread_mutex_unlock(&L.lock);
			break;
		}
		bool ok = PQresultStatus(r) == PGRES_EMPTY_QUERY;
		PQclear(r);
		if (!ok)
			return false;
	}
	return true;
}

/* Listens on c until it is lost or the listener stops. */
static void serve(PGconn *c)
{
	bool in_flight = false;
	for (;;) {
		struct pollfd p[2] = {{PQsocket(c), POLLIN, 0}, {L.wake[0], POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return;
		char junk[64];
		if (p[1].revents)
			while (read(L.wake[0], junk, sizeof junk) > 0)
				;
		if (stopping())
			return;
		if (p[0].revents && !PQconsumeInput(c))
			return;
		drain_notifies(c);
		if (!end_round(c, &in_flight) || PQstatus(c) != CONNECTION_OK)
			return;
		if (!send_round(c, &in_flight))
			return;
	}
}

static void pause_ms(int ms)
{
	struct timespec until;
	deadline_in(&until, ms);
	pthread_mutex_lock(&L.lock);
	while (!L.stop && pthread_cond_timedwait(&L.cond, &L.lock, &until) == 0)
		;
	pthread_mutex_unlock(&L.lock);
}

static void *listen_main(void *arg)
{
	(void)arg;
	int retry = 0;
	while (!stopping()) {
		PGconn *c = connect_listening();
		if (c) {
			set_live(true);
			log_info("postgresql listener: listening");
			retry = 0;
			serve(c);
			PQfinish(c);
			set_live(false);
			if (!stopping())
				log_warn("postgresql listener: connection lost; caches off until "
					 "it is back");
		}
		if (retry)
			pause_ms(retry);
		retry = retry ? (retry * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : retry * 2) : 50;
	}
	return NULL;
}

int db_pg_listen_start(const char *url, const struct db_pg_listen *cb)
{
	if (pipe2(L.wake, O_NONBLOCK | O_CLOEXEC)) {
		log_error("postgresql listener: pipe: %s", strerror(errno));
		return -1;
	}
	L.url = xstrdup(url);
	L.cb = cb;
	L.stop = false;
	if (pthread_create(&L.thread, NULL, listen_main, NULL)) {
		log_error("postgresql listener: cannot start its thread");
		db_pg_listen_stop();
		return -1;
	}
	L.started = true;
	return 0;
}

void db_pg_listen_stop(void)
{
	if (L.started) {
		pthread_mutex_lock(&L.lock);
		L.stop = true;
		pthread_cond_broadcast(&L.cond);
		pthread_mutex_unlock(&L.lock);
		wake();
		pthread_join(L.thread, NULL);
		L.started = false;
	}
	for (int i = 0; i < 2; i++)
		if (L.wake[i] >= 0)
			close(L.wake[i]);
	L.wake[0] = L.wake[1] = -1;
	free(L.url);
	L.url = NULL;
}
