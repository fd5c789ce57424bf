/* lists.h - lists of accounts, search, and the pages of direct
 * conversations (store_lists.c). */
#ifndef RAPPORT_STORE_LISTS_H
#define RAPPORT_STORE_LISTS_H

#include "store/store.h"

struct list {
	int64_t id, account_id;
	const char *title;
	const char *replies_policy; /* "followed", "list" or "none" */
	bool exclusive;
	int64_t created_at;
};

struct list_set {
	struct list *items;
	int n;
};

enum store_rc store_list_insert(struct db *db, const struct list *l);
/* The list if owner owns it; ST_NOT_FOUND otherwise. */
enum store_rc store_list_get(struct db *db, struct arena *ar, int64_t id, int64_t owner,
			     struct list *out);
/* Writes title, replies_policy and exclusive of l->id (owned by l->account_id). */
enum store_rc store_list_update(struct db *db, const struct list *l);
/* Deletes the list (its memberships cascade); ST_NOT_FOUND unless owner
 * owns it. */
enum store_rc store_list_delete(struct db *db, int64_t id, int64_t owner);
enum store_rc store_lists_count(struct db *db, int64_t owner, int64_t *n);
/* owner's lists by id ascending; member != 0 keeps those that hold member. */
enum store_rc store_lists_of(struct db *db, struct arena *ar, int64_t owner, int64_t member,
			     struct list_set *out);
/* Members newest account id first; cursor = account id. */
enum store_rc store_list_members(struct db *db, struct arena *ar, int64_t list_id,
				 const struct page *pg, struct account_list *out);
enum store_rc store_list_members_count(struct db *db, int64_t list_id, int64_t *n);
enum store_rc store_list_has(struct db *db, int64_t list_id, int64_t account_id, bool *has);
enum store_rc store_list_member_add(struct db *db, int64_t list_id, int64_t account_id);
enum store_rc store_list_member_remove(struct db *db, int64_t list_id, int64_t account_id);

/* Account search. name and domain are lowercase; display is the lowercase
 * query matched against display names ("" = not at all). */
enum account_domain_match { DOMAIN_ANY, DOMAIN_EXACT, DOMAIN_PREFIX };
struct account_query {
	const char *name;      /* username prefix */
	const char *domain;    /* "" = local */
	enum account_domain_match domain_match;
	const char *display;   /* display-name prefix, "" = none */
	bool following;        /* only accounts viewer follows */
	int offset, limit;
};
/* Exact username@domain first, then accounts viewer follows, then by
 * username. Skips accounts blocking or blocked by viewer, and prefix
 * matches that are not discoverable unless viewer follows them or is them. */
enum store_rc store_search_accounts(struct db *db, struct arena *ar, int64_t viewer,
				    const struct account_query *q, struct account_list *out);

struct tag {
	int64_t id;
	const char *name;         /* lowercase */
	const char *display_name;
};
struct tag_list {
	struct tag *items;
	int n;
};
/* Tags whose name starts with prefix, shortest first. */
enum store_rc store_search_tags(struct db *db, struct arena *ar, const char *prefix, int offset,
				int limit, struct tag_list *out);
enum store_rc store_tag_get(struct db *db, struct arena *ar, const char *name, struct tag *out);
/* Ids of public and unlisted statuses containing every word of words
 * (separated by white space; each word is matched as written, never read
 * as search syntax), visible to viewer as on the public timeline (blocks
 * both ways, mutes), by discoverable authors or viewer; newest first.
 * account_id != 0 keeps that author's. ids has room for limit entries;
 * words without a word find nothing. */
enum store_rc store_search_statuses(struct db *db, struct arena *ar, int64_t viewer,
				    const char *words, int64_t account_id, int offset, int limit,
				    int64_t *ids, int *n);

struct conversation {
	int64_t id, account_id;
	const char *participants; /* sorted ids of the others, comma-separated */
	int64_t last_status_id;   /* also the pagination cursor */
	bool unread;
};
struct conversation_list {
	struct conversation *items;
	int n;
};
/* viewer's conversations whose last status viewer may still see. */
enum store_rc store_conversations(struct db *db, struct arena *ar, int64_t viewer,
				  const struct page *pg, struct conversation_list *out);
/* ST_NOT_FOUND unless owner owns conversation id. */
enum store_rc store_conversation_get(struct db *db, struct arena *ar, int64_t id, int64_t owner,
				     struct conversation *out);
enum store_rc store_conversation_mark_read(struct db *db, int64_t id, int64_t owner);
enum store_rc store_conversation_delete(struct db *db, int64_t id, int64_t owner);

#endif
