/* statuses.c - /api/v1/statuses: post, read, edit, delete, and what
 * people do to a status. */
#include "api/api.h"
#include "api/api_discover.h"
#include "api/api_media.h"
#include "core/media.h"
#include "api/api_polls.h"
#include "core/polls.h"
#include "core/statuses.h"
#include "core/timeline.h"
#include "federation/resolve.h"
#include "util/util.h"

#include <string.h>

/* Loads a status for the viewer and replies with it. */
static void reply_status(struct req *r, int64_t id)
{
	struct status s;
	if (api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return;
	reply_status_json(r, &s);
}

/* Edits keep a status's attachments: media_ids in an edit must name
 * exactly the ones it has, in order (what apps send back unchanged). */
static bool media_changed(struct req *r, int64_t id)
{
	int64_t ids[MEDIA_PER_STATUS];
	int n;
	struct media_list have;
	if (!param_has(r, "media_ids"))
		return false;
	struct status s;
	if (!media_ids_param(r, ids, &n) ||
	    api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return true;
	if (api_check(r, media_of_status(&r->core, id, &have)))
		return true;
	bool same = have.n == n;
	for (int i = 0; same && i < n; i++)
		same = have.items[i].id == ids[i];
	if (!same) {
		core_fail(&r->core, RC_INVALID, "media_ids",
			  "Validation failed: the media of a status cannot be changed by an edit");
		reply_core_error(r);
	}
	return !same;
}

bool status_params(struct req *r, struct new_status *out)
{
	struct new_status in = {
		.text = param_str(r, "status"),
		.spoiler_text = param_str(r, "spoiler_text"),
		.language = param_str(r, "language"),
		.visibility = param_str(r, "visibility"),
		.sensitive = param_bool(r, "sensitive"),
		.idempotency_key = req_header(r, "Idempotency-Key"),
		.app_id = r->token.app_id,
	};
	/* media attachments (api/media.c) */
	int64_t *media = arena_alloc(&r->arena, MEDIA_PER_STATUS * sizeof *media);
	if (!media_ids_param(r, media, &in.nmedia))
		return false;
	in.media_ids = media;
	const char *reply = param_str(r, "in_reply_to_id");
	if (reply && *reply && !id_parse(reply, &in.in_reply_to_id)) {
		reply_error(r, 404, "Record not found");
		return false;
	}
	/* poll[...] (api/polls.c) */
	if (!poll_params(r, arena_alloc(&r->arena, sizeof(struct new_poll)), &in.poll))
		return false;
	*out = in;
	return true;
}

void h_statuses_create(struct req *r)
{
	struct new_status in;
	int64_t id;
	if (!status_params(r, &in))
		return;
	/* remote accounts mentioned for the first time, found before the
	 * write (network I/O outside its transaction) */
	if (api_check(r, resolve_mentions(&r->core, in.text)))
		return;
	const char *at = param_str(r, "scheduled_at");
	if (at && *at) { /* a ScheduledStatus (api/discover.c) */
		scheduled_reply_create(r, &in, at);
		return;
	}
	/* Answered from its own write when that holds all the answer shows. */
	struct status *made;
	int flags;
	if (api_check(r, status_create_answer(&r->core, r->account_id, &in, &id, &made, &flags)))
		return;
	if (made)
		reply_status_made(r, made, flags);
	else
		reply_status(r, id);
}

void h_statuses_get(struct req *r)
{
	int64_t id;
	if (path_id(r, 0, &id))
		reply_status(r, id);
}

void h_statuses_delete(struct req *r)
{
	int64_t id;
	struct status s;
	if (!path_id(r, 0, &id) || api_check(r, status_delete(&r->core, r->account_id, id, &s)))
		return;
	s.replies_count = s.reblogs_count = s.favourites_count = 0;
	reply_json(r, 200, ent_status_with_source(r, &s));
}

void h_statuses_edit(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id) || media_changed(r, id))
		return;
	struct status_edit in = {
		.text = param_str(r, "status"),
		.spoiler_text = param_str(r, "spoiler_text"),
		.language = param_str(r, "language"),
		.sensitive = param_bool(r, "sensitive"),
	};
	/* poll[...] (api/polls.c) */
	if (!poll_params(r, arena_alloc(&r->arena, sizeof(struct new_poll)), &in.poll))
		return;
	if (api_check(r, resolve_mentions(&r->core, in.text)) ||
	    api_check(r, status_edit(&r->core, r->account_id, id, &in)))
		return;
	reply_status(r, id);
}

/* A version's poll as Mastodon's StatusEdit has it: {"options": [{"title"}]}
 * or null; titles is the JSON array stored with the version. */
static json_t *version_poll(const char *titles)
{
	json_t *arr = *titles ? json_loads(titles, 0, NULL) : NULL;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return json_null();
	}
	json_t *options = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(arr, i, t)
		json_array_append_new(options, json_pack("{s:O}", "title", t));
	json_decref(arr);
	return json_pack("{s:o}", "options", options);
}

void h_statuses_history(struct req *r)
{
	int64_t id;
	struct status s;
	struct status_list v;
	const char **polls;
	if (!path_id(r, 0, &id) || api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return;
	if (api_check(r, timeline_history(&r->core, id, &v, &polls)))
		return;
	if (v.n == 0) { /* never edited: the one version there is */
		v.items = &s;
		v.n = 1;
	}
	json_t *arr = json_array();
	for (int i = 0; i < v.n; i++) {
		const struct status *e = &v.items[i];
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:b, s:o, s:o, s:[], s:[], s:o}", "content",
				       e->content, "spoiler_text", e->spoiler_text, "sensitive",
				       e->sensitive, "created_at", jtime(e->created_at), "account",
				       ent_account(r, &s.account), "media_attachments", "emojis",
				       "poll", version_poll(polls[i])));
	}
	reply_json(r, 200, arr);
}

void h_statuses_source(struct req *r)
{
	int64_t id;
	struct status s;
	if (!path_id(r, 0, &id) || api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return;
	if (s.account_id != r->account_id) {
		reply_error(r, 404, "Record not found");
		return;
	}
	reply_json(r, 200, json_pack("{s:o, s:s, s:s}", "id", jid(s.id), "text", s.text,
				     "spoiler_text", s.spoiler_text));
}

void h_statuses_context(struct req *r)
{
	int64_t id;
	struct status_list up, down;
	if (!path_id(r, 0, &id) ||
	    api_check(r, status_context(&r->core, r->account_id, id, &up, &down)))
		return;
	struct jw w;
	jw_init(&w, 64u << 20);
	jw_obj(&w);
	jw_key(&w, "ancestors");
	jw_statuses(&w, r, &up, false);
	jw_key(&w, "descendants");
	jw_statuses(&w, r, &down, false);
	jw_obj_end(&w);
	reply_jw(r, 200, &w);
}

/* The status an action applied to, reloaded to show the new counts. */
static void act(struct req *r, enum rc (*fn)(struct core *, int64_t, int64_t, bool), bool on)
{
	int64_t id;
	if (!path_id(r, 0, &id) || api_check(r, fn(&r->core, r->account_id, id, on)))
		return;
	struct status s;
	if (api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return;
	if (s.reblog) /* actions apply to the original, so show it */
		s = *s.reblog;
	reply_status_json(r, &s);
}

/* A favourite is answered with the status as its transaction left it: no
 * second read. */
static void favourite(struct req *r, bool on)
{
	int64_t id;
	struct status s;
	if (!path_id(r, 0, &id) ||
	    api_check(r, status_favourite_answer(&r->core, r->account_id, id, on, &s)))
		return;
	reply_status_json(r, &s);
}

void h_statuses_favourite(struct req *r) { favourite(r, true); }
void h_statuses_unfavourite(struct req *r) { favourite(r, false); }
void h_statuses_bookmark(struct req *r) { act(r, status_bookmark, true); }
void h_statuses_unbookmark(struct req *r) { act(r, status_bookmark, false); }
void h_statuses_pin(struct req *r) { act(r, status_pin, true); }
void h_statuses_unpin(struct req *r) { act(r, status_pin, false); }

void h_statuses_reblog(struct req *r)
{
	int64_t id;
	if (!path_id(r, 0, &id) ||
	    api_check(r, status_reblog(&r->core, r->account_id, id, true,
				       param_str(r, "visibility"))))
		return;
	struct status s;
	if (api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return;
	int64_t orig = s.reblog ? s.reblog->id : s.id;
	int64_t wrapper;
	if (api_check(r, timeline_reblog_by(&r->core, r->account_id, orig, &wrapper)))
		return;
	reply_status(r, wrapper ? wrapper : orig);
}

static enum rc unreblog(struct core *c, int64_t viewer, int64_t id, bool on)
{
	(void)on;
	return status_reblog(c, viewer, id, false, NULL);
}

void h_statuses_unreblog(struct req *r)
{
	act(r, unreblog, false);
}

/* Who favourited (reblogs false) or reblogged the status. */
static void account_page(struct req *r, bool reblogs)
{
	int64_t id;
	struct status s;
	if (!path_id(r, 0, &id) || api_check(r, status_load(&r->core, r->account_id, id, &s)))
		return;
	if (s.reblog)
		s = *s.reblog;
	struct page pg;
	struct account_list l;
	page_from_params(r, &pg, 40, 80);
	if (api_check(r, timeline_status_accounts(&r->core, s.id, reblogs, &pg, &l)))
		return;
	reply_account_page(r, &pg, &l);
}

void h_statuses_favourited_by(struct req *r) { account_page(r, false); }
void h_statuses_reblogged_by(struct req *r) { account_page(r, true); }
