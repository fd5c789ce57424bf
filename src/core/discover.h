/* discover.h - what apps ask for on start: followed hashtags (their
 * public statuses reach the follower's home feed), featured hashtags,
 * endorsed accounts, suggestions of people to follow (people the viewer's
 * mutuals converse with), trends (what people talk about with each
 * other: docs/SOCIAL.md, "Trends") and the admin's announcements. */
#ifndef RAPPORT_DISCOVER_H
#define RAPPORT_DISCOVER_H

#include "core/core.h"
#include "store/discover.h"

struct event;

/* Follows or unfollows the hashtag `name` (with or without "#"; made if
 * new); out is the tag. RC_NOT_FOUND for a name that is no hashtag. */
enum rc tag_follow(struct core *c, int64_t viewer, const char *name, bool on, struct tag *out);
enum rc tag_following(struct core *c, int64_t viewer, int64_t tag_id, bool *out);
enum rc tags_followed(struct core *c, int64_t viewer, const struct page *pg,
		      struct tag_page *out);
enum rc tag_history(struct core *c, int64_t tag_id, struct tag_day out[TAG_HISTORY_DAYS]);
/* Event-seam update: a new public status reaches the home feeds of those
 * who follow its hashtags; a deleted one leaves them. */
enum rc discover_update(struct core *c, struct db *db, struct event *ev);

/* At most FEATURED_TAGS_MAX; RC_INVALID beyond, or when already there. */
enum rc featured_tag_add(struct core *c, int64_t viewer, const char *name,
			 struct featured_tag *out);
enum rc featured_tag_remove(struct core *c, int64_t viewer, int64_t id);
enum rc featured_tags(struct core *c, int64_t account_id, struct featured_tag_list *out);
enum rc featured_suggestions(struct core *c, int64_t viewer, struct tag_list *out);

/* Endorsing needs following (RC_INVALID otherwise); RC_NOT_FOUND for an
 * unknown account. */
enum rc endorse(struct core *c, int64_t viewer, int64_t target, bool on);
enum rc endorsed(struct core *c, int64_t viewer, int64_t target, bool *out);
enum rc endorsements(struct core *c, int64_t viewer, const struct page *pg,
		     struct account_list *out);

#define SUGGESTIONS_DAYS 30
enum rc suggestions(struct core *c, int64_t viewer, int limit, struct suggestion_list *out);
enum rc suggestion_dismiss(struct core *c, int64_t viewer, int64_t target);

#define TRENDS_TAG_DAYS 7
#define TRENDS_STATUS_DAYS 2
enum rc trends_tags(struct core *c, int offset, int limit, struct trend_tag_list *out);
/* Trending statuses the viewer may see. */
enum rc trends_statuses(struct core *c, int64_t viewer, int offset, int limit,
			struct status_list *out);
/* Trending links: cards of links shared in conversations (TRENDS_TAG_DAYS). */
enum rc trends_links(struct core *c, int offset, int limit, struct trend_link_list *out);
enum rc link_history(struct core *c, const char *url, struct tag_day out[TAG_HISTORY_DAYS]);

struct new_announcement {
	const char *text;
	const char *starts_at, *ends_at; /* ISO 8601 or NULL */
	int all_day;                     /* -1: no */
};
/* Admins only (users.admin): RC_FORBIDDEN for others. */
enum rc announcement_create(struct core *c, int64_t viewer, const struct new_announcement *in,
			    struct announcement *out);
enum rc announcement_delete(struct core *c, int64_t viewer, int64_t id);
enum rc announcements(struct core *c, int64_t viewer, bool with_dismissed,
		      struct announcement_list *out);
enum rc announcement_dismiss(struct core *c, int64_t viewer, int64_t id);

#endif
