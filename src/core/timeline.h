/* timeline.h - reading statuses in pages: the home, public, hashtag, list
 * and account timelines, favourites and bookmarks, a status's edit history
 * and who favourited or reblogged it, and what the viewer did to the
 * statuses shown. Visibility, blocks and mutes are applied by the store's
 * queries; a store failure is RC_INTERNAL ("Internal error"). */
#ifndef RAPPORT_TIMELINE_H
#define RAPPORT_TIMELINE_H

#include "core/core.h"
#include "store/statuses.h"

enum rc timeline_home(struct core *c, int64_t viewer, const struct page *pg,
		      struct status_list *out);
/* where: 1 = only local, 2 = only remote, 0 = both; | TL_ONLY_MEDIA for
 * statuses with media attachments only (also for timeline_tag). */
enum rc timeline_public(struct core *c, int64_t viewer, int where, const struct page *pg,
			struct status_list *out);
/* tag is case-folded as stored. */
enum rc timeline_tag(struct core *c, int64_t viewer, const char *tag, int where,
		     const struct page *pg, struct status_list *out);
/* RC_NOT_FOUND ("Record not found") unless viewer owns the list. */
enum rc timeline_list(struct core *c, int64_t viewer, int64_t list_id, const struct page *pg,
		      struct status_list *out);
enum rc timeline_account(struct core *c, int64_t viewer, int64_t target,
			 const struct account_tl_opts *o, const struct page *pg,
			 struct status_list *out);
enum rc timeline_favourites(struct core *c, int64_t viewer, const struct page *pg,
			    struct status_list *out);
enum rc timeline_bookmarks(struct core *c, int64_t viewer, const struct page *pg,
			   struct status_list *out);

/* The versions of status id, oldest first (none if never edited), and
 * each one's poll options (a JSON array of titles, "" for none; never
 * edited: (*polls)[0] is the poll the status has). */
enum rc timeline_history(struct core *c, int64_t id, struct status_list *out,
			 const char ***polls);
/* Who favourited (reblogs false) or reblogged status id. */
enum rc timeline_status_accounts(struct core *c, int64_t id, bool reblogs, const struct page *pg,
				 struct account_list *out);
/* The id of viewer's reblog of status id, or 0 (in *out). */
enum rc timeline_reblog_by(struct core *c, int64_t viewer, int64_t id, int64_t *out);

/* What viewer did to each status in ids: FLAG_* bits per entry. */
enum rc timeline_viewer_flags(struct core *c, int64_t viewer, const int64_t *ids, int n,
			      int *flags);
/* Reads the strings of partial statuses (see store_statuses_fill). */
enum rc timeline_fill(struct core *c, struct status *const *v, int n);

#endif
