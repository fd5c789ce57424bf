/* timeline.c - reading statuses in pages: the store's queries, their
 * failures mapped to the core's errors. */
#include "core/timeline.h"
#include "core/polls.h"
#include "store/social.h"
#include "store/statuses.h"

/* Any store failure, as the API has always reported it. */
static enum rc tl_rc(struct core *c, enum store_rc st)
{
	return st == ST_OK ? RC_OK : core_fail(c, RC_INTERNAL, NULL, "Internal error");
}

enum rc timeline_home(struct core *c, int64_t viewer, const struct page *pg,
		      struct status_list *out)
{
	return tl_rc(c, store_tl_home(c->db, c->arena, viewer, pg, out));
}

enum rc timeline_public(struct core *c, int64_t viewer, int where, const struct page *pg,
			struct status_list *out)
{
	return tl_rc(c, store_tl_public(c->db, c->arena, viewer, where, pg, out));
}

enum rc timeline_tag(struct core *c, int64_t viewer, const char *tag, int where,
		     const struct page *pg, struct status_list *out)
{
	return tl_rc(c, store_tl_tag(c->db, c->arena, viewer, tag, where, pg, out));
}

enum rc timeline_list(struct core *c, int64_t viewer, int64_t list_id, const struct page *pg,
		      struct status_list *out)
{
	/* The list must be the viewer's own: another's is "not found". */
	bool owned;
	enum store_rc st = store_list_owned(c->db, list_id, viewer, &owned);
	if (st != ST_OK)
		return tl_rc(c, st);
	if (!owned)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	return tl_rc(c, store_tl_list(c->db, c->arena, viewer, list_id, pg, out));
}

enum rc timeline_account(struct core *c, int64_t viewer, int64_t target,
			 const struct account_tl_opts *o, const struct page *pg,
			 struct status_list *out)
{
	return tl_rc(c, store_tl_account(c->db, c->arena, viewer, target, o, pg, out));
}

enum rc timeline_favourites(struct core *c, int64_t viewer, const struct page *pg,
			    struct status_list *out)
{
	return tl_rc(c, store_tl_favourites(c->db, c->arena, viewer, pg, out));
}

enum rc timeline_bookmarks(struct core *c, int64_t viewer, const struct page *pg,
			   struct status_list *out)
{
	return tl_rc(c, store_tl_bookmarks(c->db, c->arena, viewer, pg, out));
}

enum rc timeline_history(struct core *c, int64_t id, struct status_list *out,
			 const char ***polls)
{
	enum store_rc st = store_edits_list(c->db, c->arena, id, out, polls);
	if (st == ST_OK && out->n == 0) /* never edited: the poll it has */
		st = poll_titles(c, c->db, id, &(*polls)[0]);
	return tl_rc(c, st);
}

enum rc timeline_status_accounts(struct core *c, int64_t id, bool reblogs, const struct page *pg,
				 struct account_list *out)
{
	return tl_rc(c, reblogs ? store_reblogged_by(c->db, c->arena, id, pg, out)
				: store_favourited_by(c->db, c->arena, id, pg, out));
}

enum rc timeline_reblog_by(struct core *c, int64_t viewer, int64_t id, int64_t *out)
{
	return tl_rc(c, store_reblog_by(c->db, viewer, id, out));
}

enum rc timeline_viewer_flags(struct core *c, int64_t viewer, const int64_t *ids, int n,
			      int *flags)
{
	return tl_rc(c, store_viewer_flags(c->db, viewer, ids, n, flags));
}

enum rc timeline_fill(struct core *c, struct status *const *v, int n)
{
	return tl_rc(c, store_statuses_fill(c->db, c->arena, v, n));
}
