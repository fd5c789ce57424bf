/* store_polls.c - polls, votes and preview cards (migration 16). */
#include "store/polls.h"
#include "store/store_internal.h"

#include <string.h>

#define POLL_COLS                                                                             \
	"p.id, p.status_id, p.account_id, p.multiple, p.hide_totals, p.ended, p.expires_at, " \
	"p.created_at, p.notified_upto, p.voters_count, p.votes_count"

static void poll_row(struct db_stmt *st, int col, struct poll *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_int(st, col);
	p->status_id = db_int(st, col + 1);
	p->account_id = db_int(st, col + 2);
	p->multiple = db_int(st, col + 3) != 0;
	p->hide_totals = db_int(st, col + 4) != 0;
	p->ended = db_int(st, col + 5) != 0;
	p->expires_at = db_int(st, col + 6);
	p->created_at = db_int(st, col + 7);
	p->notified_upto = db_int(st, col + 8);
	p->voters_count = db_int(st, col + 9);
	p->votes_count = db_int(st, col + 10);
}

/* The options of p and the viewer's vote. */
static enum store_rc poll_details(struct db *db, struct arena *ar, int64_t viewer, struct poll *p)
{
	struct db_stmt *st = db_query(db,
				      "SELECT idx, title, votes_count FROM poll_options"
				      " WHERE poll_id = $1 ORDER BY idx",
				      "i", p->id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && p->noptions < POLL_OPTIONS_MAX) {
		p->titles[p->noptions] = st_text(ar, st, 1);
		p->counts[p->noptions++] = db_int(st, 2);
	}
	db_end(st);
	if (rc != DB_DONE && rc != DB_ROW)
		return ST_ERROR;
	if (!viewer)
		return ST_OK;
	int64_t choices;
	rc = db_scalar(db, &choices,
		       "SELECT choices FROM poll_votes WHERE poll_id = $1 AND account_id = $2", "ii",
		       p->id, viewer);
	p->voted = rc == DB_ROW;
	p->own_choices = p->voted ? (uint64_t)choices : 0;
	return st_rc(rc);
}

void st_card_row(struct db_stmt *st, struct arena *ar, int col, struct preview_card *c)
{
	c->url = st_text(ar, st, col);
	c->title = st_text(ar, st, col + 1);
	c->description = st_text(ar, st, col + 2);
	c->image = st_text(ar, st, col + 3);
	c->provider_name = st_text(ar, st, col + 4);
	c->provider_url = st_text(ar, st, col + 5);
	c->image_file = st_text(ar, st, col + 6);
	c->width = (int)db_int(st, col + 7);
	c->height = (int)db_int(st, col + 8);
	c->blurhash = st_text(ar, st, col + 9);
}

enum store_rc store_status_extras(struct db *db, struct arena *ar, int64_t status_id,
				  int64_t viewer, struct poll *poll, bool *found_poll,
				  struct preview_card *card, enum card_state *state)
{
	*found_poll = false;
	*state = CARD_NONE;
	struct db_stmt *st = db_query(
		db,
		"SELECT " POLL_COLS ", sc.url, " CARD_COLS " FROM (SELECT $1 AS sid) x"
		" LEFT JOIN polls p ON p.status_id = x.sid"
		" LEFT JOIN status_cards sc ON sc.status_id = x.sid"
		" LEFT JOIN preview_cards c ON c.url = sc.url AND c.ok = 1",
		"i", status_id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW) {
		*found_poll = !db_is_null(st, 0);
		if (*found_poll)
			poll_row(st, 0, poll);
		if (!db_is_null(st, 11))
			*state = db_is_null(st, 12) ? CARD_PENDING : CARD_SHOWN;
		if (*state == CARD_SHOWN)
			st_card_row(st, ar, 12, card);
	}
	db_end(st);
	if (rc != DB_ROW)
		return ST_ERROR;
	return *found_poll ? poll_details(db, ar, viewer, poll) : ST_OK;
}

struct present {
	const int64_t *ids;
	int n;
	unsigned *has;
};

static enum store_rc present_row(struct db_stmt *st, void *ctx)
{
	struct present *p = ctx;
	int64_t id = db_int(st, 0);
	for (int i = 0; i < p->n; i++)
		if (p->ids[i] == id)
			p->has[i] |= (unsigned)db_int(st, 1);
	return ST_OK;
}

enum store_rc store_statuses_extras_present(struct db *db, const int64_t *ids, int n,
					    unsigned *has)
{
	memset(has, 0, (size_t)n * sizeof *has);
	struct present p = {ids, n, has};
	return st_id_batches(db,
			     "SELECT DISTINCT status_id, 1 FROM media_attachments"
			     " WHERE status_id" ID_BATCH_IN
			     " UNION ALL SELECT status_id, 2 FROM polls WHERE status_id" ID_BATCH_IN
			     " UNION ALL SELECT status_id, 4 FROM status_cards"
			     " WHERE status_id" ID_BATCH_IN,
			     ids, n, present_row, &p);
}

enum store_rc store_poll_insert(struct db *db, const struct poll *p)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO polls (id, status_id, account_id, multiple, hide_totals,"
				" expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
				"iiibbii", p->id, p->status_id, p->account_id, (int)p->multiple,
				(int)p->hide_totals, p->expires_at, p->created_at);
	for (int i = 0; i < p->noptions && rc == DB_OK; i++)
		rc = db_exec(db, "INSERT INTO poll_options (poll_id, idx, title) VALUES ($1, $2, $3)",
			     "iit", p->id, (int64_t)i, p->titles[i]);
	return st_rc(rc);
}

enum store_rc store_poll_get(struct db *db, struct arena *ar, int64_t id, bool by_status,
			     int64_t viewer, struct poll *out)
{
	struct db_stmt *st = db_query(db,
				      by_status ? "SELECT " POLL_COLS " FROM polls p WHERE p.status_id = $1"
						: "SELECT " POLL_COLS " FROM polls p WHERE p.id = $1",
				      "i", id);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		poll_row(st, 0, out);
	db_end(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
	return poll_details(db, ar, viewer, out);
}

enum store_rc store_poll_delete(struct db *db, int64_t status_id)
{
	return st_rc(db_exec(db, "DELETE FROM polls WHERE status_id = $1", "i", status_id));
}

enum store_rc store_poll_update(struct db *db, int64_t poll_id, int64_t expires_at,
				bool hide_totals)
{
	return st_rc(db_exec(db,
			     "UPDATE polls SET expires_at = $2, hide_totals = $3, ended = 0,"
			     " notified_upto = 0 WHERE id = $1",
			     "iib", poll_id, expires_at, (int)hide_totals));
}

enum store_rc store_poll_vote(struct db *db, int64_t poll_id, int64_t account_id,
			      uint64_t choices, int n, int64_t now)
{
	enum db_rc rc = db_exec(db,
				"INSERT INTO poll_votes (poll_id, account_id, choices, created_at)"
				" VALUES ($1, $2, $3, $4) ON CONFLICT (poll_id, account_id) DO NOTHING",
				"iiii", poll_id, account_id, (int64_t)choices, now);
	if (rc != DB_OK)
		return ST_ERROR;
	if (db_changes(db) == 0)
		return ST_CONFLICT;
	for (int i = 0; i < POLL_OPTIONS_MAX && rc == DB_OK; i++)
		if (choices & (UINT64_C(1) << i))
			rc = db_exec(db,
				     "UPDATE poll_options SET votes_count = votes_count + 1"
				     " WHERE poll_id = $1 AND idx = $2",
				     "ii", poll_id, (int64_t)i);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "UPDATE polls SET voters_count = voters_count + 1,"
			     " votes_count = votes_count + $2 WHERE id = $1",
			     "ii", poll_id, (int64_t)n);
	return st_rc(rc);
}

static bool same_options(const struct poll *a, const struct poll *b)
{
	if (a->noptions != b->noptions)
		return false;
	for (int i = 0; i < a->noptions; i++)
		if (strcmp(a->titles[i], b->titles[i]))
			return false;
	return true;
}

enum store_rc store_poll_remote_set(struct db *db, struct arena *ar, const struct poll *p)
{
	struct poll old;
	int64_t id = p->id, votes = 0;
	enum store_rc st = store_poll_get(db, ar, p->status_id, true, 0, &old);
	if (st == ST_OK && same_options(&old, p))
		id = old.id;
	else if (st == ST_OK)
		st = store_poll_delete(db, p->status_id);
	if (st == ST_NOT_FOUND || (st == ST_OK && id == p->id))
		st = store_poll_insert(db, p);
	for (int i = 0; i < p->noptions; i++)
		votes += p->counts[i];
	enum db_rc rc = st != ST_OK ? DB_ERROR
				    : db_exec(db,
					      "UPDATE polls SET multiple = $2, expires_at = $3,"
					      " voters_count = $4, votes_count = $5 WHERE id = $1",
					      "ibiii", id, (int)p->multiple, p->expires_at,
					      p->voters_count, votes);
	for (int i = 0; i < p->noptions && rc == DB_OK; i++)
		rc = db_exec(db,
			     "UPDATE poll_options SET votes_count = $3 WHERE poll_id = $1 AND idx = $2",
			     "iii", id, (int64_t)i, p->counts[i]);
	return st_rc(rc);
}

enum store_rc store_poll_vote_one(struct db *db, const struct poll *p, int64_t account_id, int idx,
				  int64_t now)
{
	int64_t bit = (int64_t)(UINT64_C(1) << idx);
	enum store_rc st = store_poll_vote(db, p->id, account_id, (uint64_t)bit, 1, now);
	if (st != ST_CONFLICT || !p->multiple)
		return st;
	enum db_rc rc = db_exec(db,
				"UPDATE poll_votes SET choices = choices | $3 WHERE poll_id = $1"
				" AND account_id = $2 AND (choices & $3) = 0",
				"iii", p->id, account_id, bit);
	if (rc != DB_OK)
		return ST_ERROR;
	if (db_changes(db) == 0)
		return ST_CONFLICT;
	rc = db_exec(db,
		     "UPDATE poll_options SET votes_count = votes_count + 1 WHERE poll_id = $1"
		     " AND idx = $2",
		     "ii", p->id, (int64_t)idx);
	if (rc == DB_OK)
		rc = db_exec(db, "UPDATE polls SET votes_count = votes_count + 1 WHERE id = $1", "i",
			     p->id);
	return st_rc(rc);
}

enum store_rc store_poll_due(struct db *db, struct arena *ar, int64_t now, struct poll *out)
{
	(void)ar;
	struct db_stmt *st = db_query(db,
				      DB_CLAIM(db,
					       "SELECT " POLL_COLS " FROM polls p WHERE p.ended = 0"
					       " AND p.expires_at <= $1 ORDER BY p.expires_at LIMIT 1",
					       " OF p"),
				      "i", now);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		poll_row(st, 0, out);
	db_end(st);
	return rc == DB_ROW ? ST_OK : rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
}

enum store_rc store_poll_voters(struct db *db, int64_t poll_id, int64_t after, int max,
				int64_t *ids, int *n)
{
	*n = 0;
	struct db_stmt *st = db_query(db,
				      "SELECT account_id FROM poll_votes WHERE poll_id = $1"
				      " AND account_id > $2 ORDER BY account_id LIMIT $3",
				      "iii", poll_id, after, (int64_t)max);
	if (!st)
		return ST_ERROR;
	enum db_rc rc;
	while ((rc = db_next(st)) == DB_ROW && *n < max)
		ids[(*n)++] = db_int(st, 0);
	db_end(st);
	return rc == DB_DONE || rc == DB_ROW ? ST_OK : ST_ERROR;
}

enum store_rc store_poll_progress(struct db *db, int64_t poll_id, int64_t upto, bool ended)
{
	return st_rc(db_exec(db, "UPDATE polls SET notified_upto = $2, ended = $3 WHERE id = $1",
			     "iib", poll_id, upto, (int)ended));
}

/* ---- preview cards ---- */

enum store_rc store_card_link(struct db *db, int64_t status_id, const char *url, int64_t now,
			      int64_t fresh_after, bool *fetch)
{
	*fetch = false;
	enum db_rc rc = db_exec(db,
				"INSERT INTO status_cards (status_id, url) VALUES ($1, $2)"
				" ON CONFLICT (status_id) DO UPDATE SET url = excluded.url",
				"it", status_id, url);
	if (rc == DB_OK)
		rc = db_exec(db,
			     "INSERT INTO preview_cards (url, requested_at) VALUES ($1, $2)"
			     " ON CONFLICT (url) DO UPDATE SET due = 1, requested_at = excluded.requested_at"
			     " WHERE preview_cards.due = 0 AND preview_cards.fetched_at < $3",
			     "tii", url, now, fresh_after);
	if (rc == DB_OK)
		*fetch = db_changes(db) > 0;
	return st_rc(rc);
}

enum store_rc store_card_unlink(struct db *db, int64_t status_id)
{
	return st_rc(db_exec(db, "DELETE FROM status_cards WHERE status_id = $1", "i", status_id));
}

enum store_rc store_card_claim(struct db *db, struct arena *ar, int64_t now, int64_t until,
			       const char **url)
{
	struct db_stmt *st = db_query(db,
				      DB_CLAIM(db,
					       "SELECT url FROM preview_cards WHERE due = 1"
					       " AND claimed_until <= $1 ORDER BY requested_at LIMIT 1",
					       ""),
				      "i", now);
	if (!st)
		return ST_ERROR;
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		*url = st_text(ar, st, 0);
	db_end(st);
	if (rc != DB_ROW)
		return rc == DB_DONE ? ST_NOT_FOUND : ST_ERROR;
	return st_rc(db_exec(db, "UPDATE preview_cards SET claimed_until = $2 WHERE url = $1",
			     "ti", *url, until));
}

enum store_rc store_card_save(struct db *db, const struct preview_card *c, bool ok, int64_t now)
{
	if (!ok)
		return st_rc(db_exec(db,
				     "UPDATE preview_cards SET due = 0, ok = 0, fetched_at = $2"
				     " WHERE url = $1",
				     "ti", c->url, now));
	return st_rc(db_exec(db,
			     "UPDATE preview_cards SET due = 0, ok = 1, fetched_at = $2, title = $3,"
			     " description = $4, image = $5, provider_name = $6, provider_url = $7,"
			     " image_file = $8, image_width = $9, image_height = $10, blurhash = $11"
			     " WHERE url = $1",
			     "tittttttiit", c->url, now, c->title, c->description, c->image,
			     c->provider_name, c->provider_url, c->image_file ? c->image_file : "",
			     (int64_t)c->width, (int64_t)c->height, c->blurhash ? c->blurhash : ""));
}
