/* lists.h - lists of followed accounts, search (accounts, hashtags,
 * statuses) and direct conversations. A list, like a conversation, belongs
 * to one account: anyone else's is "not found". */
#ifndef RAPPORT_LISTS_H
#define RAPPORT_LISTS_H

#include "core/core.h"
#include "store/lists.h"

#define LISTS_MAX 50          /* lists per account, as Mastodon */
#define LIST_TITLE_MAX 100    /* characters */
#define LIST_ADD_MAX 100      /* account_ids in one request */
#define SEARCH_Q_MAX 500      /* characters of a search query */

/* ---- lists ---- */

/* NULL / -1 members: the default on create, unchanged on update. */
struct list_params {
	const char *title;
	const char *replies_policy; /* followed, list or none */
	int exclusive;
};

enum rc list_create(struct core *c, int64_t owner, const struct list_params *in,
		    struct list *out);
enum rc list_get(struct core *c, int64_t owner, int64_t id, struct list *out);
enum rc list_update(struct core *c, int64_t owner, int64_t id, const struct list_params *in,
		    struct list *out);
enum rc list_delete(struct core *c, int64_t owner, int64_t id);
/* owner's lists; member != 0 keeps those holding that account (which must
 * exist). */
enum rc lists_of(struct core *c, int64_t owner, int64_t member, struct list_set *out);
/* A page of members; pg->limit 0 means every member. */
enum rc list_members(struct core *c, int64_t owner, int64_t id, struct page *pg,
		     struct account_list *out);
/* Adds accounts owner follows, all or none: an unknown account is
 * RC_NOT_FOUND, one not followed or already listed RC_INVALID. */
enum rc list_add(struct core *c, int64_t owner, int64_t id, const int64_t *ids, int n);
/* Removes the accounts; those not on the list are ignored. */
enum rc list_remove(struct core *c, int64_t owner, int64_t id, const int64_t *ids, int n);

/* ---- search ---- */

struct search_query {
	const char *q;
	int64_t account_id; /* statuses by this author only; 0 = any */
	bool following;     /* accounts viewer follows only */
	int offset, limit;
};

/* RC_BAD_REQUEST when q is missing or empty, or longer than SEARCH_Q_MAX
 * characters. */
enum rc search_check(struct core *c, const char *q);
/* Accounts by username or display-name prefix, the exact acct first. */
enum rc search_accounts(struct core *c, int64_t viewer, const struct search_query *q,
			struct account_list *out);
/* Hashtags by name prefix ("#" optional), shortest first. */
enum rc search_tags(struct core *c, const struct search_query *q, struct tag_list *out);
/* Statuses containing every word of q, newest first; empty for anonymous
 * viewers and for queries without words. */
enum rc search_statuses(struct core *c, int64_t viewer, const struct search_query *q,
			struct status_list *out);
/* A hashtag by name (any case, "#" optional); RC_NOT_FOUND if never used. */
enum rc tag_get(struct core *c, const char *name, struct tag *out);
/* The stored form of a hashtag name (NFC, case-folded), or NULL unless
 * name (after an optional "#") is 1 to 100 word characters. */
const char *tag_fold(struct core *c, const char *name);

/* ---- direct conversations ---- */

struct conversation_view {
	struct conversation row;
	struct account *accounts; /* the other participants (the viewer if alone) */
	int naccounts;
	struct status last_status;
	bool has_status;          /* false when the viewer may no longer see it */
};

struct conversation_page {
	struct conversation_view *items;
	int n;
};

enum rc conversations_list(struct core *c, int64_t viewer, const struct page *pg,
			   struct conversation_page *out);
/* Marks viewer's conversation read and returns it. */
enum rc conversation_read(struct core *c, int64_t viewer, int64_t id,
			  struct conversation_view *out);
/* Hides the conversation from viewer only. */
enum rc conversation_delete(struct core *c, int64_t viewer, int64_t id);

#endif
