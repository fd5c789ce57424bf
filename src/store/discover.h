/* discover.h - what apps ask for on start (store_discover.c): followed
 * and featured hashtags, endorsed accounts, suggestions, trends and
 * announcements. Scheduled statuses are in store/scheduled.h. */
#ifndef RAPPORT_STORE_DISCOVER_H
#define RAPPORT_STORE_DISCOVER_H

#include "store/lists.h"
#include "store/polls.h"
#include "store/store.h"

/* ---- followed hashtags ---- */

/* Follows (on) or unfollows tag_id; either is a no-op when already so. */
enum store_rc store_tag_follow(struct db *db, int64_t account_id, int64_t tag_id, bool on);
enum store_rc store_tag_following(struct db *db, int64_t account_id, int64_t tag_id,
				  bool *following);
/* A page of the hashtags account_id follows, by when it followed them
 * (cursor[i] is the follow's id). */
struct tag_page {
	struct tag *items;
	int64_t *cursor;
	int n;
};
enum store_rc store_followed_tags(struct db *db, struct arena *ar, int64_t account_id,
				  const struct page *pg, struct tag_page *out);
/* Adds status_id to the home feed of those who follow one of its tags
 * (but its author). */
enum store_rc store_feed_tag_fanout(struct db *db, int64_t status_id, int64_t author);
/* Removes status_id from the home feeds of those who follow the tag. */
enum store_rc store_feed_tag_remove(struct db *db, int64_t status_id, const char *tag);

/* Uses per day of a tag: day (ms at 00:00 UTC), statuses, accounts. */
struct tag_day {
	int64_t day, uses, accounts;
};
#define TAG_HISTORY_DAYS 7
/* The last TAG_HISTORY_DAYS days before `now`, newest first (days with
 * no use have zeros); public and unlisted statuses only. */
enum store_rc store_tag_history(struct db *db, int64_t tag_id, int64_t now,
				struct tag_day out[TAG_HISTORY_DAYS]);

/* ---- featured hashtags ---- */

struct featured_tag {
	int64_t id;
	struct tag tag;
	int64_t statuses_count; /* the owner's public statuses with it */
	int64_t last_status_at; /* 0 if none */
};
struct featured_tag_list {
	struct featured_tag *items;
	int n;
};
#define FEATURED_TAGS_MAX 10
/* ST_CONFLICT when already featured, ST_NOT_FOUND for an unknown id. */
enum store_rc store_featured_tag_add(struct db *db, int64_t id, int64_t account_id, int64_t tag_id);
enum store_rc store_featured_tag_remove(struct db *db, int64_t account_id, int64_t id);
enum store_rc store_featured_tag_get(struct db *db, struct arena *ar, int64_t account_id,
				     int64_t id, struct featured_tag *out);
enum store_rc store_featured_tags(struct db *db, struct arena *ar, int64_t account_id,
				  struct featured_tag_list *out);
/* The account's most used hashtags not featured yet, at most limit. */
enum store_rc store_featured_suggestions(struct db *db, struct arena *ar, int64_t account_id,
					 int limit, struct tag_list *out);

/* ---- endorsed accounts ---- */

/* Endorses (on) target, which account_id must follow (ST_NOT_FOUND
 * otherwise), or stops. */
enum store_rc store_endorse(struct db *db, int64_t account_id, int64_t target, bool on);
enum store_rc store_endorsed(struct db *db, int64_t account_id, int64_t target, bool *out);
enum store_rc store_endorsements(struct db *db, struct arena *ar, int64_t account_id,
				 const struct page *pg, struct account_list *out);

/* ---- suggestions ---- */

/* An account to follow and the mutuals of the viewer who converse with it. */
struct suggestion {
	struct account account;
	int64_t score;      /* replies between it and the viewer's mutuals */
	const char *via[2]; /* up to two of those mutuals' usernames */
	int nvia;
};
struct suggestion_list {
	struct suggestion *items;
	int n;
};
/* People the viewer's mutuals converse with (replies either way in the
 * window since `since`), whom the viewer does not follow, has not
 * dismissed, and has no block with either way; local, discoverable;
 * most conversed with first. */
enum store_rc store_suggestions(struct db *db, struct arena *ar, int64_t viewer, int64_t since,
				int limit, struct suggestion_list *out);
enum store_rc store_suggestion_dismiss(struct db *db, int64_t viewer, int64_t target);

/* ---- trends ---- */

/* A trending hashtag and its score (docs/SOCIAL.md, "Trends"). */
struct trend_tag {
	struct tag tag;
	int64_t score;
};
struct trend_tag_list {
	struct trend_tag *items;
	int n;
};
enum store_rc store_trend_tags(struct db *db, struct arena *ar, int64_t since, int offset,
			       int limit, struct trend_tag_list *out);
/* Ids of trending public statuses since `since`, best first. */
enum store_rc store_trend_statuses(struct db *db, int64_t since, int offset, int limit,
				   int64_t *ids, int *n);

/* A trending link: its card and score (docs/SOCIAL.md, "Trends"). */
struct trend_link {
	struct preview_card card;
	int64_t score;
};
struct trend_link_list {
	struct trend_link *items;
	int n;
};
enum store_rc store_trend_links(struct db *db, struct arena *ar, int64_t since, int offset,
				int limit, struct trend_link_list *out);
/* A link's use in public and unlisted statuses over the last
 * TAG_HISTORY_DAYS days before now, newest first. */
enum store_rc store_link_history(struct db *db, const char *url, int64_t now,
				 struct tag_day out[TAG_HISTORY_DAYS]);

/* ---- announcements ---- */

struct announcement {
	int64_t id;
	const char *text, *content;
	int64_t starts_at, ends_at; /* 0: none */
	bool all_day;
	int64_t published_at, updated_at;
	bool read; /* dismissed by the viewer */
};
struct announcement_list {
	struct announcement *items;
	int n;
};
#define ANNOUNCEMENTS_MAX 50
enum store_rc store_announcement_insert(struct db *db, const struct announcement *a);
enum store_rc store_announcement_delete(struct db *db, int64_t id);
/* The announcements in force at `now` (not ended), newest first, with
 * the viewer's read flag; with_dismissed false leaves out those read. */
enum store_rc store_announcements(struct db *db, struct arena *ar, int64_t viewer, int64_t now,
				  bool with_dismissed, struct announcement_list *out);
/* ST_NOT_FOUND for an unknown announcement. */
enum store_rc store_announcement_dismiss(struct db *db, int64_t viewer, int64_t id);

#endif
