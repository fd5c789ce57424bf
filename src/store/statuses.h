/* statuses.h - statuses with their mentions, tags, search rows and edit
 * history, the home feeds, and the timelines (store_statuses.c). */
#ifndef RAPPORT_STORE_STATUSES_H
#define RAPPORT_STORE_STATUSES_H

#include "store/store.h"

enum store_rc store_status_insert(struct db *db, const struct status *st);
/* Loads one status with its author, its reblogged status and that one's
 * author, whoever asks; visibility is the caller's rule. */
enum store_rc store_status_get(struct db *db, struct arena *ar, int64_t id, struct status *out);
/* Fills s->account (its author, s->account_id, as the caller's transaction
 * leaves it) and s->app_name and app_website (of s->app_id), as
 * store_status_get would read them back. */
enum store_rc store_status_writer(struct db *db, struct arena *ar, struct status *s);
/* Loads the strings of the partial statuses among v (and of their authors
 * and reblogged statuses), keeping each one's cursor. A status deleted
 * since its list was read stays partial. */
enum store_rc store_statuses_fill(struct db *db, struct arena *ar, struct status *const *v,
				  int n);
enum store_rc store_status_delete(struct db *db, int64_t id);
enum store_rc store_status_update_text(struct db *db, const struct status *st);
/* delta on replies_count, reblogs_count or favourites_count */
enum store_rc store_status_count(struct db *db, int64_t id, const char *which, int delta);
/* favourites_count += delta, as store_status_count; s gets the status's
 * three counts and edited_at as they are after it. */
enum store_rc store_status_favourites_add(struct db *db, int64_t id, int delta, struct status *s);
/* statuses_count += delta; last_status_at = at when at > 0 */
enum store_rc store_account_count_status(struct db *db, int64_t account_id, int delta, int64_t at);
enum store_rc store_mention_insert(struct db *db, int64_t status_id, int64_t account_id);
enum store_rc store_mentions_clear(struct db *db, int64_t status_id);
/* Finds or creates the tag (lowercase name), returning its id. */
enum store_rc store_tag_ensure(struct db *db, const char *name, int64_t *id);
enum store_rc store_status_tag_insert(struct db *db, int64_t status_id, int64_t tag_id);
enum store_rc store_status_tags_clear(struct db *db, int64_t status_id);
/* The status holds media (statuses.has_media and its tags' copy), for
 * only_media on the public and hashtag timelines; whatever attaches media
 * to a status calls it in that transaction. */
enum store_rc store_status_mark_media(struct db *db, int64_t status_id);
enum store_rc store_fts_insert(struct db *db, int64_t status_id, const char *text);
enum store_rc store_fts_delete(struct db *db, int64_t status_id, const char *text);
/* poll: the version's poll options as a JSON array of titles, "" for none. */
enum store_rc store_edit_insert(struct db *db, int64_t status_id, const struct status *version,
				const char *poll, int64_t at);
/* Versions oldest first (the original included); (*polls)[i] is version
 * i's poll options as stored ("" for none). */
enum store_rc store_edits_list(struct db *db, struct arena *ar, int64_t status_id,
			       struct status_list *out, const char ***polls);
/* Reblogs of status_id (ids and authors), for deletion. */
enum store_rc store_reblogs_of(struct db *db, struct arena *ar, int64_t status_id,
			       struct status_list *out);
/* The id of account_id's reblog of status_id, or 0 when there is none. */
enum store_rc store_reblog_by(struct db *db, int64_t account_id, int64_t status_id,
			      int64_t *id);
/* Inserts the reblog w (id, account_id, visibility, reblog_of_id,
 * created_at, and uri: the Announce's id for a remote account's, else
 * "" or NULL): ST_OK, ST_CONFLICT when the account has reblogged that
 * status already (nothing written), ST_NOT_FOUND when it is gone. */
enum store_rc store_reblog_insert(struct db *db, const struct status *w);

/* Idempotency-Key: the status made with key since `since` that still
 * exists, or 0. */
enum store_rc store_idempotency_get(struct db *db, int64_t account_id, const char *key,
				    int64_t since, int64_t *status_id);
/* Takes key for status_id (made at `at`): ST_OK, or ST_CONFLICT when it
 * names a status made since `since` that still exists (then
 * store_idempotency_get finds it). */
enum store_rc store_idempotency_claim(struct db *db, int64_t account_id, const char *key,
				      int64_t status_id, int64_t at, int64_t since);

/* ---- home feeds: filled on write ---- */

/* Adds status_id to the home feed of the author's followers (for a reply
 * to another account, those who also follow it, and that account itself if
 * it follows the author; only followers with
 * show_reblogs when reblog is true), and to the author's own. */
enum store_rc store_feed_fanout(struct db *db, int64_t status_id, int64_t author,
				int64_t reply_to_account, bool reblog);
enum store_rc store_feed_add(struct db *db, int64_t account_id, int64_t status_id);
/* Removes status_id from every feed that may hold it (the author's
 * followers, the author, the mentioned). */
enum store_rc store_feed_remove_status(struct db *db, int64_t status_id, int64_t author);
/* Removes target's statuses from account's feed (unfollow, block, mute). */
enum store_rc store_feed_remove_author(struct db *db, int64_t account_id, int64_t target);

/* ---- timelines: visibility, blocks and mutes are applied in SQL ---- */

enum store_rc store_tl_home(struct db *db, struct arena *ar, int64_t viewer,
			    const struct page *pg, struct status_list *out);
/* where: 1 = only local, 2 = only remote, 0 = both; with TL_ONLY_MEDIA
 * set, only statuses with media attachments (public and tag). */
#define TL_ONLY_MEDIA 4
enum store_rc store_tl_public(struct db *db, struct arena *ar, int64_t viewer, int where,
			      const struct page *pg, struct status_list *out);
enum store_rc store_tl_tag(struct db *db, struct arena *ar, int64_t viewer, const char *tag,
			   int where, const struct page *pg, struct status_list *out);

struct account_tl_opts {
	bool exclude_replies, exclude_reblogs, pinned;
	const char *tagged; /* lowercase tag or NULL */
	bool only_media;    /* statuses with media attachments only */
	/* Rows with their strings, read in the one statement: for a page
	 * that renders most of its rows (a public profile, whose articles
	 * are mostly not in the cache), where lite rows would be read again
	 * by store_statuses_fill. Not for pinned. */
	bool whole;
};
enum store_rc store_tl_account(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			       const struct account_tl_opts *o, const struct page *pg,
			       struct status_list *out);
/* cursor = the favourite's / bookmark's id */
enum store_rc store_tl_favourites(struct db *db, struct arena *ar, int64_t viewer,
				  const struct page *pg, struct status_list *out);
enum store_rc store_tl_bookmarks(struct db *db, struct arena *ar, int64_t viewer,
				 const struct page *pg, struct status_list *out);
enum store_rc store_tl_list(struct db *db, struct arena *ar, int64_t viewer, int64_t list_id,
			    const struct page *pg, struct status_list *out);
/* The numbers of each status of ids (n of them) that viewer may still see
 * in a feed (visibility; blocks and mutes when the viewer has any), in
 * the order given, partial (see struct status); gone or hidden ones are
 * skipped. Each one's cursor is its id. */
enum store_rc store_statuses_shown(struct db *db, struct arena *ar, int64_t viewer,
				   const int64_t *ids, int n, struct status_list *out);
/* Every status of a thread visible to viewer, oldest first (at most max). */
enum store_rc store_thread(struct db *db, struct arena *ar, int64_t viewer, int64_t thread_id,
			   int max, struct status_list *out);
/* Whether viewer may see st (visibility, blocks both ways). */
enum store_rc store_status_visible(struct db *db, int64_t viewer, const struct status *st,
				   bool *visible);

/* What the viewer did to each status in ids: bit 1 favourited, 2 reblogged,
 * 4 bookmarked, 8 pinned; and, on the viewer's own statuses, the
 * detectors' flags (status_flags, store/detect.h) shifted left by
 * FLAG_RAPPORT_SHIFT. One statement over the page's id range. */
#define FLAG_FAVOURITED 1
#define FLAG_REBLOGGED 2
#define FLAG_BOOKMARKED 4
#define FLAG_PINNED 8
#define FLAG_RAPPORT_SHIFT 4
enum store_rc store_viewer_flags(struct db *db, int64_t viewer, const int64_t *ids, int n,
				 int *flags);

/* cursor = favourite id */
enum store_rc store_favourited_by(struct db *db, struct arena *ar, int64_t status_id,
				  const struct page *pg, struct account_list *out);
/* cursor = the reblog's id */
enum store_rc store_reblogged_by(struct db *db, struct arena *ar, int64_t status_id,
				 const struct page *pg, struct account_list *out);

#endif
