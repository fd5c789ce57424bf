#include "core/statuses.h"
#include "core/media.h"
#include "core/accounts.h"
#include "core/events.h"
#include "core/jobs.h"
#include "core/polls.h"
#include "core/previews.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/jobs.h"
#include "store/social.h"
#include "store/social_capital.h"
#include "store/statuses.h"
#include "util/util.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int visibility_parse(const char *s)
{
	static const char *const names[] = {"public", "unlisted", "private", "direct"};
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

enum rc status_load(struct core *c, int64_t viewer, int64_t id, struct status *out)
{
	enum store_rc st = store_status_get(c->db, c->arena, id, out);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (out->account_id == viewer && !out->reblog_of_id)
		return RC_OK;
	/* Anonymous readers have no blocks, but a public status (or the one a
	 * reblog shows) may still be a suspended account's: every reader asks
	 * the visibility rule. */
	bool visible;
	st = store_status_visible(c->db, viewer, out, &visible);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (!visible)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	return RC_OK;
}

/* ---- creating ---- */

struct resolve_ctx {
	struct core *c;
	struct db *db; /* the connection to read accounts on */
	bool failed;   /* the store failed while resolving a mention */
};

static bool resolve_mention(void *ctx, const char *username, const char *domain,
			    struct text_mention *out)
{
	struct resolve_ctx *rx = ctx;
	struct core *c = rx->c;
	struct account a;
	if (str_ieq(domain, c->cfg->domain))
		domain = "";
	enum store_rc st = store_account_by_name(rx->db, c->arena, username, domain, &a);
	rx->failed |= st == ST_ERROR; /* not "no such account": the post fails */
	if (st != ST_OK)
		return false;
	out->username = a.username;
	out->domain = a.domain;
	out->account_id = a.id;
	out->url = account_url(c, &a);
	out->acct = *a.domain ? arena_printf(c->arena, "%s@%s", a.username, a.domain) : a.username;
	return true;
}

static const char *mentions_json(struct core *c, const struct text_formatted *f)
{
	json_t *arr = json_array();
	for (int i = 0; i < f->nmentions; i++) {
		const struct text_mention *m = &f->mentions[i];
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)m->account_id);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "id", id, "username",
						     m->username, "acct", m->acct, "url", m->url));
	}
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	const char *out = arena_strdup(c->arena, s ? s : "[]");
	free(s);
	return out;
}

static const char *tags_json(struct core *c, const struct text_formatted *f)
{
	json_t *arr = json_array();
	for (int i = 0; i < f->ntags; i++)
		json_array_append_new(arr, json_string(f->tags[i]));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	const char *out = arena_strdup(c->arena, s ? s : "[]");
	free(s);
	return out;
}

static bool language_valid(const char *l)
{
	size_t n = strlen(l);
	if (n < 2 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)l[i]) && l[i] != '-')
			return false;
	return true;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Bytes of text a status may have before it is even formatted: far above
 * any text within the character limit (a URL counts 23 whatever its
 * length), and a bound on the formatter's work. */
#define STATUS_MAX_BYTES (64 * 1024)

/* Formats text and checks the length rule; fills content, mentions, tags.
 * Mentions are resolved on db (a transaction's connection, or c->db). */
static enum rc format_text(struct core *c, struct db *db, const char *text, const char *spoiler,
			   struct text_formatted *f)
{
	struct resolve_ctx rx = {.c = c, .db = db};
	if (strlen(text) > STATUS_MAX_BYTES || (spoiler && strlen(spoiler) > STATUS_MAX_BYTES))
		return core_fail(c, RC_INVALID, "status",
				 "Validation failed: Text character limit of %d exceeded",
				 c->cfg->max_chars);
	if (text_format(c->arena, text, c->cfg->base_url, resolve_mention, &rx, f))
		return core_fail(c, RC_INVALID, "status", "Validation failed: text is not valid UTF-8");
	if (rx.failed)
		return core_store_fail(c, ST_ERROR);
	long sl = text_length(spoiler ? spoiler : "");
	if (sl < 0)
		return core_fail(c, RC_INVALID, "spoiler_text",
				 "Validation failed: spoiler_text is not valid UTF-8");
	if (f->length + sl > c->cfg->max_chars)
		return core_fail(c, RC_INVALID, "status",
				 "Validation failed: Text character limit of %d exceeded",
				 c->cfg->max_chars);
	return RC_OK;
}

struct create_tx {
	struct core *c;
	struct status *s;
	struct text_formatted *f;
	const char *idem_key;
	int64_t existing; /* a status made earlier with the same key */
	enum rc rc;
	const struct new_status *in;
	const struct new_poll *poll;
	const struct remote_extras *rx; /* a remote status's attachments and poll */
	bool answer; /* read s's author and app for the answer (status_create_answer) */
	bool known;  /* s is complete: it was made here, with its author and app */
	int flags;   /* the author's viewer flags on s (store_viewer_flags) */
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

const char *conversation_key(struct arena *ar, const int64_t *ids, int n, int64_t account)
{
	char *key = arena_strdup(ar, "");
	for (int j = 0; j < n; j++)
		if (ids[j] != account)
			key = arena_printf(ar, "%s%s%lld", key, *key ? "," : "", (long long)ids[j]);
	return key;
}

/* Direct statuses: each participant's conversation with the others,
 * except for those the event's policy hooks kept it from (held as a
 * request: it reaches them when they accept). */
static enum store_rc touch_conversations(struct core *c, struct db *db, const struct status *s,
					 const struct text_formatted *f)
{
	int n = 0;
	int64_t ids[TEXT_MAX_MENTIONS + 1];
	ids[n++] = s->account_id;
	for (int i = 0; i < f->nmentions; i++)
		if (f->mentions[i].account_id != s->account_id)
			ids[n++] = f->mentions[i].account_id;
	qsort(ids, (size_t)n, sizeof ids[0], cmp_i64);
	for (int i = 0; i < n; i++) {
		if (ids[i] != s->account_id && events_fate(c, db, ids[i]) != FATE_DELIVER)
			continue;
		enum store_rc st = store_conversation_touch(
			db, ids[i], conversation_key(c->arena, ids, n, ids[i]), s->id,
			ids[i] != s->account_id);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum store_rc tx_fail(struct create_tx *x, enum rc rc)
{
	x->rc = rc;
	return ST_ERROR;
}

/* Mentions, tags and search index of a status's current text. */
static enum store_rc index_text(struct db *db, const struct status *s,
				const struct text_formatted *f)
{
	enum store_rc st = ST_OK;
	for (int i = 0; i < f->nmentions && st == ST_OK; i++)
		st = store_mention_insert(db, s->id, f->mentions[i].account_id);
	for (int i = 0; i < f->ntags && st == ST_OK; i++) {
		int64_t tag;
		st = store_tag_ensure(db, f->tags[i], &tag);
		if (st == ST_OK)
			st = store_status_tag_insert(db, s->id, tag);
	}
	if (st == ST_OK && s->visibility <= VIS_UNLISTED)
		st = store_fts_insert(db, s->id, s->text);
	return st;
}

/* The status and everything that goes with it. */
/* A remote status's attachments and poll, in its creation's transaction. */
static enum store_rc remote_extras_write(struct db *db, struct arena *ar, const struct status *s,
					 const struct remote_extras *rx)
{
	enum store_rc st = ST_OK;
	for (int i = 0; i < rx->nmedia && st == ST_OK; i++) {
		struct media m = rx->media[i];
		m.account_id = s->account_id;
		m.status_id = s->id;
		m.position = i;
		m.created_at = s->created_at;
		st = store_media_insert_remote(db, &m);
	}
	if (st == ST_OK && rx->poll) {
		struct poll p = *rx->poll;
		p.status_id = s->id;
		p.account_id = s->account_id;
		p.created_at = s->created_at;
		st = store_poll_remote_set(db, ar, &p);
	}
	return st;
}

/* The fan-out of a status to followers. For an answer, its author is read
 * whole (and its app) in the statement that reads the follower count:
 * the row as this transaction leaves it, without a round trip more. */
static enum store_rc fanout(struct db *db, struct create_tx *x, int64_t other)
{
	struct status *s = x->s;
	if (!x->answer)
		return jobs_fanout(x->c, db, s->id, s->account_id, other, false);
	enum store_rc st = store_status_writer(db, x->c->arena, s);
	x->known = st == ST_OK;
	return st == ST_OK ? jobs_fanout_known(x->c, db, s->id, s->account_id, other, false,
					       s->account.followers_count)
			   : st;
}

static enum store_rc create_rows(struct db *db, struct create_tx *x)
{
	struct core *c = x->c;
	struct status *s = x->s;
	enum store_rc st = store_status_insert(db, s);
	/* media attachments (core/media.h); a remote status (no in) has none here */
	if (st == ST_OK && x->in && x->in->nmedia &&
	    media_attach(c, db, s->account_id, s->id, x->in->media_ids, x->in->nmedia))
		return tx_fail(x, c->err.rc);
	if (st == ST_OK && x->rx)
		st = remote_extras_write(db, c->arena, s, x->rx);
	if (st == ST_OK)
		st = index_text(db, s, x->f);
	/* its poll and its link's preview card (core/polls.h, core/previews.h) */
	if (st == ST_OK && x->poll)
		st = poll_attach(db, s->id, s->account_id, x->poll, s->created_at);
	if (st == ST_OK && x->f->first_link)
		st = previews_link(c, db, s->id, s->visibility, x->f->first_link);
	if (st == ST_OK)
		st = store_account_count_status(db, s->account_id, 1, s->created_at);
	if (st == ST_OK && s->in_reply_to_id)
		st = store_status_count(db, s->in_reply_to_id, "replies", 1);
	if (st != ST_OK)
		return st;
	/* The event first: its policy hooks decide who hears of the status. */
	if (events_status(c, db, EV_POST, s, NULL, 0))
		return tx_fail(x, c->err.rc);
	/* the detectors' flags, which they wrote on s (core/detect.h) */
	x->flags = (int)(c->event->flags << FLAG_RAPPORT_SHIFT);
	/* Home feeds: followers (for replies to others, only those who follow
	 * both), or for direct statuses the participants whose notification
	 * was not held or suppressed. */
	if (s->visibility == VIS_DIRECT) {
		st = store_feed_add(db, s->account_id, s->id);
		for (int i = 0; i < x->f->nmentions && st == ST_OK; i++)
			if (events_fate(c, db, x->f->mentions[i].account_id) == FATE_DELIVER)
				st = store_feed_add(db, x->f->mentions[i].account_id, s->id);
		if (st == ST_OK)
			st = touch_conversations(c, db, s, x->f);
	} else {
		int64_t other = s->in_reply_to_account_id != s->account_id
					? s->in_reply_to_account_id
					: 0;
		st = fanout(db, x, other);
	}
	if (st != ST_OK)
		return st;
	for (int i = 0; i < x->f->nmentions; i++)
		if (notify(c, db, x->f->mentions[i].account_id, s->account_id, "mention", s->id))
			return tx_fail(x, c->err.rc);
	/* Followers who asked to hear of new statuses: by the worker (their
	 * number is unbounded), in the order the statuses were made. */
	bool original = !s->in_reply_to_id || s->in_reply_to_account_id == s->account_id;
	if (s->visibility != VIS_DIRECT && original)
		st = store_job_notify(db, s->id, s->account_id);
	return st;
}

static enum store_rc create_fn(struct db *db, void *arg)
{
	struct create_tx *x = arg;
	struct status *s = x->s;
	x->known = false;
	/* The key is taken first, by a conditional write: of two requests
	 * with one key, the second finds the first's status and makes none. */
	if (x->idem_key) {
		int64_t since = s->created_at - IDEMPOTENCY_TTL_MS;
		enum store_rc st = store_idempotency_claim(db, s->account_id, x->idem_key, s->id,
							   s->created_at, since);
		if (st != ST_CONFLICT)
			return st == ST_OK ? create_rows(db, x) : st;
		st = store_idempotency_get(db, s->account_id, x->idem_key, since, &x->existing);
		if (st != ST_OK)
			return st;
		return x->existing ? ST_OK : ST_ERROR;
	}
	return create_rows(db, x);
}

static enum rc check_new(struct core *c, const struct new_status *in, struct user *u, int *vis)
{
	if (blank(in->text) && !in->nmedia)
		return core_fail(c, RC_INVALID, "status", "Validation failed: Text can't be blank");
	*vis = in->visibility && *in->visibility ? visibility_parse(in->visibility)
						   : visibility_parse(u->default_privacy);
	if (*vis < 0)
		return core_fail(c, RC_INVALID, "visibility",
				 "Validation failed: visibility must be public, unlisted, private or "
				 "direct");
	if (in->language && *in->language && !language_valid(in->language))
		return core_fail(c, RC_INVALID, "language",
				 "Validation failed: language is not an ISO 639 code");
	if (in->idempotency_key && strlen(in->idempotency_key) > 200)
		return core_fail(c, RC_INVALID, "Idempotency-Key",
				 "Validation failed: Idempotency-Key is too long");
	return in->poll ? poll_check(c, in->poll) : RC_OK;
}

/* The status in would make for u (visibility vis, at now): its parent
 * read, its text formatted and its mentions resolved on c->db; nothing is
 * written. */
static enum rc make_status(struct core *c, int64_t author, const struct user *u,
			   const struct new_status *in, int vis, int64_t now, struct status **out,
			   struct text_formatted **fout)
{
	struct status *s = arena_calloc(c->arena, 1, sizeof *s);
	s->id = id_new();
	s->thread_id = s->id;
	if (in->in_reply_to_id) {
		struct status parent;
		if (status_load(c, author, in->in_reply_to_id, &parent))
			return c->err.rc;
		if (parent.reblog)
			parent = *parent.reblog;
		s->in_reply_to_id = parent.id;
		s->in_reply_to_account_id = parent.account_id;
		s->thread_id = parent.thread_id;
	}
	struct text_formatted *f = arena_alloc(c->arena, sizeof *f);
	if (format_text(c, c->db, in->text, in->spoiler_text, f))
		return c->err.rc;
	s->account_id = author;
	s->uri = "";
	s->text = in->text;
	s->content = f->html;
	s->spoiler_text = in->spoiler_text ? in->spoiler_text : "";
	s->language = in->language && *in->language ? in->language
						     : (*u->default_language ? u->default_language : "");
	s->sensitive = in->sensitive >= 0 ? in->sensitive : u->default_sensitive;
	if (*s->spoiler_text)
		s->sensitive = true;
	s->visibility = vis;
	s->app_id = in->app_id;
	s->mentions = mentions_json(c, f);
	s->tags = tags_json(c, f);
	s->local = true;
	s->created_at = now;
	*out = s;
	*fout = f;
	return RC_OK;
}

/* The author's user row and the checks of in that need no store. */
static enum rc check_author(struct core *c, int64_t author, const struct new_status *in,
			   struct user *u, int *vis)
{
	enum store_rc st = store_user_get(c->db, c->arena, author, u);
	if (st != ST_OK)
		return core_store_fail(c, st);
	*vis = VIS_PUBLIC;
	return check_new(c, in, u, vis);
}

enum rc status_draft(struct core *c, int64_t author, const struct new_status *in,
		     struct status **out)
{
	struct user u;
	int vis;
	struct text_formatted *f;
	if (check_author(c, author, in, &u, &vis) ||
	    media_usable(c, author, in->media_ids, in->nmedia)) /* core/media.h */
		return c->err.rc;
	return make_status(c, author, &u, in, vis, now_ms(), out, &f);
}

/* out_id: the status made (or made before with the same key); *known
 * when answer was asked and s holds all an answer shows (author, app and
 * the author's flags on it in *flags): a public, unlisted or private
 * status made now, without media, poll or link (those are read back). */
static enum rc create(struct core *c, int64_t author, const struct new_status *in, bool answer,
		      int64_t *out_id, struct status **known, int *flags)
{
	struct user u;
	int vis;
	if (check_author(c, author, in, &u, &vis))
		return c->err.rc;
	int64_t now = now_ms();
	if (in->idempotency_key && *in->idempotency_key) {
		int64_t prev;
		enum store_rc st = store_idempotency_get(c->db, author, in->idempotency_key,
							 now - IDEMPOTENCY_TTL_MS, &prev);
		if (st != ST_OK)
			return core_store_fail(c, st);
		if (prev) {
			*out_id = prev;
			return RC_OK;
		}
	}
	struct status *s;
	struct text_formatted *f;
	if (make_status(c, author, &u, in, vis, now, &s, &f))
		return c->err.rc;
	struct create_tx x = {c, s, f,
			      in->idempotency_key && *in->idempotency_key ? in->idempotency_key : NULL,
			      0, RC_OK, in, in->poll};
	x.answer = answer && !in->nmedia && !in->poll && !f->first_link;
	enum store_rc st = store_tx(c->db, create_fn, &x);
	if (st != ST_OK)
		return x.rc ? x.rc : core_store_fail(c, st);
	jobs_wake();
	if (f->first_link)
		previews_wake();
	*out_id = x.existing ? x.existing : s->id;
	*known = x.known && !x.existing ? s : NULL;
	*flags = x.flags;
	return RC_OK;
}

enum rc status_create(struct core *c, int64_t author, const struct new_status *in,
		      int64_t *out_id)
{
	struct status *s;
	int flags = 0;
	return create(c, author, in, false, out_id, &s, &flags);
}

enum rc status_create_answer(struct core *c, int64_t author, const struct new_status *in,
			     int64_t *out_id, struct status **out, int *flags)
{
	*out = NULL;
	*flags = 0;
	return create(c, author, in, true, out_id, out, flags);
}

enum rc status_create_remote(struct core *c, struct status *s, struct text_formatted *f,
			     const struct remote_extras *rx)
{
	s->mentions = mentions_json(c, f);
	s->tags = tags_json(c, f);
	s->local = false;
	struct create_tx x = {c, s, f, NULL, 0, RC_OK, .rx = rx};
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, create_fn, &x);
	if (st == ST_CONFLICT)
		return core_fail(c, RC_INVALID, NULL, "This status exists already");
	if (st != ST_OK)
		return x.rc ? x.rc : core_store_fail(c, st);
	jobs_wake();
	return RC_OK;
}

/* ---- deleting ---- */

struct delete_tx {
	struct core *c;
	int64_t viewer, id;
	struct status *s; /* read in the transaction: the status as deleted */
};

/* Removes a reblog wrapper: feeds, counts, its notification. */
static enum store_rc drop_reblog(struct db *db, int64_t wrapper, int64_t reblogger,
				 int64_t original, int64_t original_author)
{
	enum store_rc st = store_feed_remove_status(db, wrapper, reblogger);
	if (st == ST_OK)
		st = store_status_delete(db, wrapper);
	if (st == ST_OK)
		st = store_account_count_status(db, reblogger, -1, 0);
	if (st == ST_OK)
		st = store_status_count(db, original, "reblogs", -1);
	if (st == ST_OK)
		st = store_notification_retract(db, original_author, reblogger, "reblog",
						original);
	return st;
}

/* A reblog taken back (unreblog, or the wrapper deleted): the rows and
 * its event. The wrapper's id tells when it was made (ids are ms << 16,
 * then node and sequence bits: util.h). */
static enum store_rc unreblog(struct core *c, struct db *db, int64_t wrapper, int64_t reblogger,
			      int64_t original, int64_t original_author)
{
	enum store_rc st = drop_reblog(db, wrapper, reblogger, original, original_author);
	if (st == ST_OK && events_act(c, db, EV_REBLOG_UNDO, reblogger, original_author, original,
				      wrapper, wrapper >> 16))
		return ST_ERROR;
	return st;
}

/* The viewer's own status, read on the transaction's connection: what a
 * write changes is read where it is changed. */
static enum store_rc own_status(struct core *c, struct db *db, int64_t viewer, int64_t id,
				struct status *out)
{
	enum store_rc st = store_status_get(db, c->arena, id, out);
	if (st == ST_OK && out->account_id != viewer)
		st = ST_NOT_FOUND;
	return st;
}

static enum store_rc delete_fn(struct db *db, void *arg)
{
	struct delete_tx *x = arg;
	struct core *c = x->c;
	struct status *s = x->s;
	enum store_rc st = own_status(c, db, x->viewer, x->id, s);
	if (st != ST_OK)
		return st;
	if (s->reblog_of_id)
		return unreblog(c, db, s->id, s->account_id, s->reblog_of_id,
				s->reblog ? s->reblog->account_id : 0);
	struct status_list rb;
	st = store_reblogs_of(db, c->arena, s->id, &rb);
	for (int i = 0; i < rb.n && st == ST_OK; i++)
		st = drop_reblog(db, rb.items[i].id, rb.items[i].account_id, s->id, s->account_id);
	if (st == ST_OK)
		st = store_feed_remove_status(db, s->id, s->account_id);
	if (st == ST_OK && s->visibility <= VIS_UNLISTED)
		st = store_fts_delete(db, s->id, s->text);
	if (st == ST_OK && s->visibility == VIS_DIRECT)
		st = store_conversation_status_gone(db, s->id);
	if (st == ST_OK && s->in_reply_to_id)
		st = store_status_count(db, s->in_reply_to_id, "replies", -1);
	if (st == ST_OK)
		st = store_account_count_status(db, s->account_id, -1, 0);
	if (st == ST_OK)
		st = store_status_delete(db, s->id);
	if (st == ST_OK && events_status(c, db, EV_STATUS_DELETED, s, NULL, 0))
		return ST_ERROR;
	return st;
}

enum rc status_delete(struct core *c, int64_t viewer, int64_t id, struct status *out)
{
	struct delete_tx x = {c, viewer, id, out};
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, delete_fn, &x);
	return st == ST_OK ? RC_OK : c->err.rc ? c->err.rc : core_store_fail(c, st);
}

/* ---- editing ---- */

/* An edit is made from the status as it is in the transaction that
 * writes it, so concurrent edits each replace the text the other left
 * (in the history and the search index alike). */
struct edit_tx {
	struct core *c;
	int64_t viewer, id;
	const struct status_edit *in;
	struct status old, *now;
	struct text_formatted *f;
	enum rc rc; /* set when the edit breaks a rule */
	const struct status *remote; /* a remote edit: the new version as received */
};

/* The accounts f mentions that the mentions JSON old did not. */
static int newly_mentioned(const char *old, const struct text_formatted *f, int64_t *out)
{
	int n = 0;
	for (int i = 0; i < f->nmentions; i++) {
		char needle[40];
		snprintf(needle, sizeof needle, "\"id\":\"%lld\"", (long long)f->mentions[i].account_id);
		if (!strstr(old, needle))
			out[n++] = f->mentions[i].account_id;
	}
	return n;
}

/* The new version: old with in's changes, formatted (mentions resolved on
 * db). A direct message keeps its audience: an edit cannot let anyone new
 * see it (Mastodon's rule), so its mentions stay as they were. */
static enum rc edit_apply(struct core *c, struct db *db, const struct status *old,
			  const struct status_edit *in, struct status **out,
			  struct text_formatted **fout)
{
	struct status *now = arena_alloc(c->arena, sizeof *now);
	*now = *old;
	now->text = in->text ? in->text : old->text;
	now->spoiler_text = in->spoiler_text ? in->spoiler_text : old->spoiler_text;
	now->language = in->language ? in->language : old->language;
	now->sensitive = in->sensitive >= 0 ? in->sensitive : old->sensitive;
	if (*now->spoiler_text)
		now->sensitive = true;
	struct text_formatted *f = arena_alloc(c->arena, sizeof *f);
	if (format_text(c, db, now->text, now->spoiler_text, f))
		return c->err.rc;
	now->content = f->html;
	now->tags = tags_json(c, f);
	if (old->visibility == VIS_DIRECT)
		f->nmentions = 0; /* the audience is the mention rows, unchanged */
	else
		now->mentions = mentions_json(c, f);
	now->edited_at = now_ms();
	*out = now;
	*fout = f;
	return RC_OK;
}

/* Newly mentioned people hear of it; those who reblogged it learn of the
 * edit. */
static enum rc edit_notify(struct core *c, struct db *db, const struct edit_tx *x)
{
	for (int i = 0; i < x->f->nmentions; i++) {
		char needle[40];
		snprintf(needle, sizeof needle, "\"id\":\"%lld\"",
			 (long long)x->f->mentions[i].account_id);
		if (!strstr(x->old.mentions, needle) &&
		    notify(c, db, x->f->mentions[i].account_id, x->now->account_id, "mention",
			   x->now->id))
			return c->err.rc;
	}
	struct status_list rb;
	enum store_rc st = store_reblogs_of(db, c->arena, x->now->id, &rb);
	if (st != ST_OK)
		return core_store_fail(c, st);
	for (int i = 0; i < rb.n; i++)
		if (notify(c, db, rb.items[i].account_id, x->now->account_id, "update", x->now->id))
			return c->err.rc;
	return RC_OK;
}

/* The history, the row, its mentions (except a direct message's), tags
 * and search index entry. */
static enum store_rc edit_rows(struct db *db, const struct edit_tx *x)
{
	const struct status *old = &x->old, *now = x->now;
	bool direct = old->visibility == VIS_DIRECT;
	const char *was, *is; /* the poll's options before and after */
	enum store_rc st = poll_titles(x->c, db, old->id, &was);
	/* its poll (core/polls.h) */
	if (st == ST_OK)
		st = poll_edit(x->c, db, now->id, now->account_id, x->in ? x->in->poll : NULL,
			       now->edited_at);
	if (st == ST_OK)
		st = poll_titles(x->c, db, now->id, &is);
	if (st == ST_OK && !old->edited_at) /* the first edit keeps the original too */
		st = store_edit_insert(db, old->id, old, was, old->created_at);
	if (st == ST_OK)
		st = store_edit_insert(db, now->id, now, is, now->edited_at);
	if (st == ST_OK)
		st = store_status_update_text(db, now);
	if (st == ST_OK && !direct)
		st = store_mentions_clear(db, now->id);
	if (st == ST_OK)
		st = store_status_tags_clear(db, now->id);
	if (st == ST_OK && old->visibility <= VIS_UNLISTED)
		st = store_fts_delete(db, old->id, old->text);
	if (st == ST_OK)
		st = index_text(db, now, x->f);
	/* its link's preview card (core/previews.h) */
	if (st == ST_OK)
		st = previews_link(x->c, db, now->id, now->visibility, x->f->first_link);
	return st;
}

/* A remote edit (status_edit_remote): the version received, with x->f's
 * mentions and tags, if it is newer than the stored one. */
static bool remote_apply(struct core *c, struct edit_tx *x)
{
	const struct status *r = x->remote, *old = &x->old;
	if (r->edited_at <= (old->edited_at ? old->edited_at : old->created_at))
		return false;
	struct status *now = arena_alloc(c->arena, sizeof *now);
	*now = *old;
	now->text = r->text;
	now->content = r->content;
	now->spoiler_text = r->spoiler_text;
	now->sensitive = r->sensitive;
	now->language = r->language;
	now->tags = tags_json(c, x->f);
	if (old->visibility == VIS_DIRECT)
		x->f->nmentions = 0; /* the audience is the mention rows, unchanged */
	else
		now->mentions = mentions_json(c, x->f);
	now->edited_at = r->edited_at;
	x->now = now;
	return true;
}

static enum store_rc edit_fn(struct db *db, void *arg)
{
	struct edit_tx *x = arg;
	struct core *c = x->c;
	enum store_rc st = own_status(c, db, x->viewer, x->id, &x->old);
	if (st == ST_OK && x->old.reblog_of_id)
		st = ST_NOT_FOUND;
	if (st != ST_OK)
		return st;
	if (x->remote) {
		if (!remote_apply(c, x))
			return ST_OK; /* not newer than what we have */
	} else if (edit_apply(c, db, &x->old, x->in, &x->now, &x->f)) {
		x->rc = c->err.rc;
		return ST_ERROR;
	}
	st = edit_rows(db, x);
	if (st != ST_OK)
		return st;
	int64_t fresh[TEXT_MAX_MENTIONS];
	int nfresh = newly_mentioned(x->old.mentions, x->f, fresh);
	if (events_status(c, db, EV_STATUS_EDITED, x->now, fresh, nfresh) ||
	    edit_notify(c, db, x)) {
		x->rc = c->err.rc;
		return ST_ERROR;
	}
	return st;
}

enum rc status_edit(struct core *c, int64_t viewer, int64_t id, const struct status_edit *in)
{
	/* What can be checked without the status is checked before the
	 * transaction; the rest inside it. */
	if (in->text && blank(in->text))
		return core_fail(c, RC_INVALID, "status", "Validation failed: Text can't be blank");
	if (in->language && *in->language && !language_valid(in->language))
		return core_fail(c, RC_INVALID, "language",
				 "Validation failed: language is not an ISO 639 code");
	if (in->poll && poll_check(c, in->poll))
		return c->err.rc;
	struct edit_tx x = {.c = c, .viewer = viewer, .id = id, .in = in};
	enum store_rc st = store_tx(c->db, edit_fn, &x);
	if (st != ST_OK)
		return x.rc ? x.rc : core_store_fail(c, st);
	previews_wake();
	return RC_OK;
}

enum rc status_edit_remote(struct core *c, int64_t author, int64_t id, const struct status *now,
			   struct text_formatted *f)
{
	struct edit_tx x = {.c = c, .viewer = author, .id = id, .f = f, .remote = now};
	enum store_rc st = store_tx(c->db, edit_fn, &x);
	if (st != ST_OK)
		return x.rc ? x.rc : core_store_fail(c, st);
	return RC_OK;
}

/* ---- interactions ---- */

/* The status an interaction applies to: the original for a reblog. */
static enum rc target(struct core *c, int64_t viewer, int64_t id, struct status *out)
{
	if (status_load(c, viewer, id, out))
		return c->err.rc;
	if (out->reblog)
		*out = *out->reblog;
	return RC_OK;
}

/* The rules below are held by the database (unique keys, and a reference
 * that fails when the status was deleted meanwhile: "not found"), so they
 * hold with several writers; the status's author and visibility, read
 * before the transaction, never change. */
struct fav_tx {
	struct core *c;
	struct status *s;
	int64_t viewer;
	bool on;
	int64_t edited_at; /* s's, as read before the transaction */
	bool fresh;        /* s's counts are those the transaction wrote */
	enum rc rc;
};

static enum store_rc fav_fn(struct db *db, void *arg)
{
	struct fav_tx *x = arg;
	x->fresh = false;
	int64_t since = 0; /* when the favourite taken back was given */
	enum store_rc st = x->on ? ST_OK : store_favourite_time(db, x->viewer, x->s->id, &since);
	if (st == ST_OK)
		st = store_favourite(db, x->viewer, x->s->id, x->on);
	if (st == ST_CONFLICT)
		return ST_OK; /* already so: nothing to do */
	if (st == ST_OK)
		st = store_status_favourites_add(db, x->s->id, x->on ? 1 : -1, x->s);
	if (st != ST_OK)
		return st;
	x->fresh = x->s->edited_at == x->edited_at; /* else its text may be older */
	if (events_act(x->c, db, x->on ? EV_FAVOURITE : EV_FAVOURITE_UNDO, x->viewer,
		       x->s->account_id, x->s->id, 0, since)) {
		x->rc = x->c->err.rc;
		return ST_ERROR;
	}
	if (!x->on)
		return store_notification_retract(db, x->s->account_id, x->viewer, "favourite",
						  x->s->id);
	if (notify(x->c, db, x->s->account_id, x->viewer, "favourite", x->s->id)) {
		x->rc = x->c->err.rc;
		return ST_ERROR;
	}
	return ST_OK;
}

/* out: the status favourited, with the counts its transaction wrote (read
 * again only when it wrote none, or the status was edited meanwhile). */
static enum rc favourite(struct core *c, int64_t viewer, int64_t id, bool on, struct status *out,
			 bool answer)
{
	if (target(c, viewer, id, out))
		return c->err.rc;
	struct fav_tx x = {c, out, viewer, on, out->edited_at, false, RC_OK};
	enum store_rc st = store_tx(c->db, fav_fn, &x);
	if (st != ST_OK)
		return x.rc ? x.rc : core_store_fail(c, st);
	return x.fresh || !answer ? RC_OK : target(c, viewer, id, out);
}

enum rc status_favourite(struct core *c, int64_t viewer, int64_t id, bool on)
{
	struct status s;
	return favourite(c, viewer, id, on, &s, false);
}

enum rc status_favourite_answer(struct core *c, int64_t viewer, int64_t id, bool on,
				struct status *out)
{
	return favourite(c, viewer, id, on, out, true);
}

struct reblog_tx {
	struct core *c;
	struct status *orig;
	int64_t viewer;
	int64_t wrapper;   /* the new reblog's id */
	const char *uri;   /* a remote reblog's Announce id, or NULL */
	int visibility;
	bool on;
	enum rc rc;
};

static enum store_rc unreblog_fn(struct db *db, struct reblog_tx *x)
{
	int64_t existing;
	enum store_rc st = store_reblog_by(db, x->viewer, x->orig->id, &existing);
	if (st != ST_OK || !existing)
		return st;
	st = unreblog(x->c, db, existing, x->viewer, x->orig->id, x->orig->account_id);
	x->rc = st == ST_OK ? RC_OK : x->c->err.rc;
	return st;
}

static enum store_rc reblog_fn(struct db *db, void *arg)
{
	struct reblog_tx *x = arg;
	struct core *c = x->c;
	if (!x->on)
		return unreblog_fn(db, x);
	int64_t now = now_ms();
	struct status w = {
		.id = x->wrapper, .account_id = x->viewer, .visibility = x->visibility,
		.reblog_of_id = x->orig->id, .created_at = now, .uri = x->uri,
	};
	enum store_rc st = store_reblog_insert(db, &w);
	if (st == ST_CONFLICT)
		return ST_OK; /* reblogged already */
	if (st == ST_OK)
		st = store_account_count_status(db, x->viewer, 1, now);
	if (st == ST_OK)
		st = store_status_count(db, x->orig->id, "reblogs", 1);
	if (st == ST_OK)
		st = jobs_fanout(c, db, w.id, x->viewer, 0, true);
	if (st == ST_OK && events_act(c, db, EV_REBLOG, x->viewer, x->orig->account_id,
				      x->orig->id, w.id, 0)) {
		x->rc = c->err.rc;
		return ST_ERROR;
	}
	if (st == ST_OK && notify(c, db, x->orig->account_id, x->viewer, "reblog", x->orig->id)) {
		x->rc = c->err.rc;
		return ST_ERROR;
	}
	return st;
}

static enum rc reblog(struct core *c, int64_t viewer, int64_t id, bool on, const char *visibility,
		      const char *uri)
{
	struct status s;
	if (target(c, viewer, id, &s))
		return c->err.rc;
	struct reblog_tx x = {c, &s, viewer, 0, uri, VIS_PUBLIC, on, RC_OK};
	if (on) {
		if (s.visibility == VIS_DIRECT ||
		    (s.visibility == VIS_PRIVATE && s.account_id != viewer))
			return core_fail(c, RC_FORBIDDEN, NULL, "This action is not allowed");
		x.visibility = visibility && *visibility ? visibility_parse(visibility) : VIS_PUBLIC;
		if (x.visibility < 0 || x.visibility == VIS_DIRECT)
			return core_fail(c, RC_INVALID, "visibility",
					 "Validation failed: visibility must be public, unlisted or "
					 "private");
		if (s.visibility == VIS_PRIVATE)
			x.visibility = VIS_PRIVATE;
		x.wrapper = id_new();
	}
	c->err.rc = RC_OK;
	enum store_rc st = store_tx(c->db, reblog_fn, &x);
	if (st == ST_OK && on)
		jobs_wake();
	return st == ST_OK ? RC_OK : x.rc ? x.rc : core_store_fail(c, st);
}

enum rc status_reblog(struct core *c, int64_t viewer, int64_t id, bool on, const char *visibility)
{
	return reblog(c, viewer, id, on, visibility, NULL);
}

enum rc status_reblog_as(struct core *c, int64_t viewer, int64_t id, const char *visibility,
			 const char *uri)
{
	return reblog(c, viewer, id, true, visibility, uri);
}

enum rc status_bookmark(struct core *c, int64_t viewer, int64_t id, bool on)
{
	struct status s;
	if (target(c, viewer, id, &s))
		return c->err.rc;
	enum store_rc st = store_bookmark(c->db, viewer, s.id, on);
	return st == ST_OK || st == ST_CONFLICT ? RC_OK : core_store_fail(c, st);
}

struct pin_tx {
	int64_t viewer, status;
	bool on, full;
};

/* The limit is the store's (one of PINS_MAX slots per account), so
 * parallel pins cannot pass it together, whichever process makes them. */
static enum store_rc pin_fn(struct db *db, void *arg)
{
	struct pin_tx *x = arg;
	enum store_rc st = x->on ? store_pin_add(db, x->viewer, x->status, &x->full)
				 : store_pin_remove(db, x->viewer, x->status);
	return st == ST_CONFLICT && !x->full ? ST_OK : st;
}

enum rc status_pin(struct core *c, int64_t viewer, int64_t id, bool on)
{
	struct status s;
	if (status_load(c, viewer, id, &s))
		return c->err.rc;
	if (s.account_id != viewer || s.reblog_of_id)
		return core_fail(c, RC_INVALID, NULL,
				 "Validation failed: only your own statuses can be pinned");
	if (on && s.visibility == VIS_DIRECT)
		return core_fail(c, RC_INVALID, NULL,
				 "Validation failed: direct messages cannot be pinned");
	struct pin_tx x = {viewer, s.id, on, false};
	enum store_rc st = store_tx(c->db, pin_fn, &x);
	if (x.full)
		return core_fail(c, RC_INVALID, NULL,
				 "Validation failed: you can pin at most %d statuses", PINS_MAX);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- threads ---- */

static int by_id(const void *a, const void *b)
{
	const struct status *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int find(const struct status_list *l, int64_t id)
{
	struct status key = {.id = id};
	const struct status *hit = bsearch(&key, l->items, (size_t)l->n, sizeof key, by_id);
	return hit ? (int)(hit - l->items) : -1;
}

/* Appends the descendants of items[at] depth first, children oldest
 * first; an explicit stack bounds the recursion on deep threads. */
static void descend(struct core *c, const struct status_list *all, int at, struct status_list *out)
{
	int *stack = arena_alloc(c->arena, sizeof(int) * ((size_t)all->n + 1));
	int top = 0;
	/* Children of i are the later statuses whose in_reply_to_id is i's id;
	 * push them newest first so the oldest pops first. */
	for (int j = all->n - 1; j > at; j--)
		if (all->items[j].in_reply_to_id == all->items[at].id)
			stack[top++] = j;
	while (top > 0) {
		int i = stack[--top];
		out->items[out->n++] = all->items[i];
		for (int j = all->n - 1; j > i; j--)
			if (all->items[j].in_reply_to_id == all->items[i].id)
				stack[top++] = j;
	}
}

enum rc status_context(struct core *c, int64_t viewer, int64_t id, struct status_list *ancestors,
		       struct status_list *descendants)
{
	struct status s;
	if (status_load(c, viewer, id, &s))
		return c->err.rc;
	return status_context_of(c, viewer, &s, ancestors, descendants);
}

enum rc status_context_of(struct core *c, int64_t viewer, const struct status *of,
			  struct status_list *ancestors, struct status_list *descendants)
{
	struct status s = of->reblog ? *of->reblog : *of;
	ancestors->n = descendants->n = 0;
	struct status_list all;
	enum store_rc st = store_thread(c->db, c->arena, viewer, s.thread_id, THREAD_MAX, &all);
	if (st != ST_OK)
		return core_store_fail(c, st);
	qsort(all.items, (size_t)all.n, sizeof all.items[0], by_id);
	ancestors->items = arena_calloc(c->arena, (size_t)all.n + 1, sizeof(struct status));
	descendants->items = arena_calloc(c->arena, (size_t)all.n + 1, sizeof(struct status));
	int at = find(&all, s.id);
	if (at < 0)
		return RC_OK;
	/* Walk up; a missing or hidden parent ends the chain. */
	int64_t up = all.items[at].in_reply_to_id;
	while (up && ancestors->n < all.n) {
		int p = find(&all, up);
		if (p < 0)
			break;
		ancestors->items[ancestors->n++] = all.items[p];
		up = all.items[p].in_reply_to_id;
	}
	for (int i = 0, j = ancestors->n - 1; i < j; i++, j--) {
		struct status t = ancestors->items[i];
		ancestors->items[i] = ancestors->items[j];
		ancestors->items[j] = t;
	}
	descend(c, &all, at, descendants);
	return RC_OK;
}
