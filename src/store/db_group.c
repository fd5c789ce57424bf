/* db_group.c - group commit (db_tx_run), the part both backends share
 * (db_impl.h): the writer mutex, the open group and its members, when it
 * commits, and the members' wait for their answer. What a member, a
 * commit or a discarded group does on the connection is the backend's
 * (db_group_ops in db_sqlite.c and db_pg.c). */
#include "store/db_impl.h"
#include "util/util.h"

struct db_group_member {
	enum db_rc rc;
	bool done;
	struct db_group_member *next;
};

static _Thread_local bool background;

void db_group_background(void)
{
	background = true;
}

/* Ends the open group (writer_lock held): the backend commits, then every
 * member is told the outcome. */
static void group_commit(struct db_group *g)
{
	if (!g->db)
		return;
	enum db_rc rc = g->ops->commit(g->db);
	pthread_mutex_lock(&g->done_lock);
	for (struct db_group_member *m = g->members; m; m = m->next) {
		m->rc = rc;
		m->done = true;
	}
	pthread_cond_broadcast(&g->done_cond);
	pthread_mutex_unlock(&g->done_lock);
	g->db = NULL;
	g->members = NULL;
	g->n = 0;
}

void db_group_take(struct db_group *g)
{
	atomic_fetch_add(&g->writers_queued, 1);
	pthread_mutex_lock(&g->writer_lock);
	atomic_fetch_sub(&g->writers_queued, 1);
	group_commit(g);
}

void db_group_release(struct db_group *g)
{
	pthread_mutex_unlock(&g->writer_lock);
}

void db_group_flush(struct db_group *g)
{
	db_group_take(g);
	db_group_release(g);
}

/* Whether the open group ends after this member: nobody waits to join it,
 * it is full or old, or the backend says so. */
static bool group_ends(struct db_group *g, struct db *w)
{
	return !atomic_load(&g->writers_queued) || g->n >= DB_GROUP_MAX_MEMBERS ||
	       mono_ms() - g->opened_ms >= DB_GROUP_MAX_MS || g->ops->must_end(w);
}

/* Joins (or opens) the group and runs fn in it (writer_lock taken here
 * and released before the wait). */
static enum db_rc group_join(struct db_group *g, struct db *w, struct db_group_member *me,
			     int (*fn)(struct db *, void *), void *ctx, int *fn_rc)
{
	atomic_fetch_add(&g->writers_queued, 1);
	if (pthread_mutex_trylock(&g->writer_lock)) {
		if (!background)
			atomic_fetch_add(&g->tx_waits, 1);
		pthread_mutex_lock(&g->writer_lock);
	}
	atomic_fetch_sub(&g->writers_queued, 1);
	if (g->db && (g->db != w || g->ops->must_end(g->db)))
		group_commit(g); /* another store's group, or a lost one: its members are told */
	bool open = !g->db;
	if (open) {
		g->db = w;
		g->opened_ms = mono_ms();
	}
	enum db_rc rc = g->ops->member(w, open, fn, ctx, fn_rc);
	/* A member alone in a group that ends with it has what it held back
	 * sent with the COMMIT (one round trip instead of two); otherwise it
	 * is sent now, and a failure there is this member's only. */
	bool alone_last = rc == DB_OK && open && group_ends(g, w);
	if (rc == DB_OK && !alone_last && g->ops->settle)
		rc = g->ops->settle(w);
	if (rc == DB_OK) {
		me->next = g->members;
		g->members = me;
		g->n++;
	}
	if (g->db && !g->n) {
		g->ops->discard(w); /* nobody's changes are in it */
		g->db = NULL;
	} else if (g->db && (alone_last || group_ends(g, w))) {
		group_commit(g);
	}
	pthread_mutex_unlock(&g->writer_lock);
	return rc;
}

enum db_rc db_group_run(struct db_group *g, struct db *w, int (*fn)(struct db *, void *),
			void *ctx, int *fn_rc)
{
	struct db_group_member me = {DB_ERROR, false, NULL};
	*fn_rc = 0;
	enum db_rc rc = group_join(g, w, &me, fn, ctx, fn_rc);
	if (rc != DB_OK)
		return rc;
	pthread_mutex_lock(&g->done_lock);
	while (!me.done)
		pthread_cond_wait(&g->done_cond, &g->done_lock);
	pthread_mutex_unlock(&g->done_lock);
	return me.rc;
}
