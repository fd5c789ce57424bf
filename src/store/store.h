/* store.h - Rapport's persistence interface.
 *
 * The layers above see plain structs and these functions; SQL lives only
 * under store/. A `struct store` owns a pool of backend connections;
 * request code borrows one with store_acquire() and gives it back with
 * store_release(). Every getter copies strings into the caller's arena, so
 * results stay valid until that arena is freed. Functions return an
 * enum store_rc; only the ones documented otherwise return other types. */
#ifndef RAPPORT_STORE_H
#define RAPPORT_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"

struct db;
struct store;

enum store_rc {
	ST_OK = 0,
	ST_NOT_FOUND,
	ST_CONFLICT, /* a uniqueness rule refused the write */
	ST_ERROR,    /* the backend failed; logged */
};

struct store_options {
	const char *dir;   /* data directory; created if missing */
	bool sync_full;    /* SQLite synchronous=FULL (default true) */
	int pool_size;     /* connections kept open (default 8) */
	/* One connection and no group-commit writer: the file to itself, for
	 * a bulk load that changes its journal mode (rapport seed). */
	bool bulk;
};

/* Opens the store and applies pending migrations. */
enum store_rc store_open(const struct store_options *opt, struct store **out);
/* The in-memory cache of statuses' and accounts' numbers (rowcache.c),
 * for the whole process: `rows` entries, 0 for none. */
void store_row_cache(size_t rows);
void store_row_cache_stats(uint64_t *hits, uint64_t *misses);
void store_close(struct store *s);
/* Borrows a connection (waits for a free one); never NULL after open. */
struct db *store_acquire(struct store *s);
void store_release(struct store *s, struct db *db);
/* The schema version now applied. */
int store_schema_version(struct db *db);

/* Copies committed pages from the write-ahead log into the database
 * without blocking readers or writers (SQLite's PASSIVE checkpoint), and
 * truncates the log once it passes 64 MB and is fully copied; the
 * background worker calls it about once a second. */
enum store_rc store_checkpoint(struct db *db);

/* Bytes held by the database library (page caches, statements). */
int64_t store_memory_used(void);

/* The backend's message for the last error on this connection. */
const char *store_errmsg(struct db *db);

/* Runs fn inside a write transaction: committed when fn returns ST_OK,
 * rolled back otherwise, so a failed request changes nothing. */
enum store_rc store_tx(struct db *db, enum store_rc (*fn)(struct db *, void *), void *ctx);

/* ---- accounts ---- */

struct account {
	int64_t id;
	const char *username;     /* as chosen, [A-Za-z0-9_] */
	const char *domain;       /* "" for local accounts */
	const char *display_name;
	const char *note;         /* source text */
	const char *note_html;    /* sanitised HTML, rendered on write */
	const char *fields;       /* JSON array [{name, value, verified_at}] */
	const char *uri;          /* canonical ActivityPub id */
	const char *url;          /* profile page */
	const char *avatar, *header;
	bool locked, bot, discoverable;
	int64_t created_at, updated_at, last_status_at; /* ms; last_status_at 0 = never */
	int64_t statuses_count, followers_count, following_count;
};

enum store_rc store_account_insert(struct db *db, const struct account *a);
enum store_rc store_account_get(struct db *db, struct arena *ar, int64_t id, struct account *out);
/* domain "" looks up a local account; username matching ignores case. */
enum store_rc store_account_by_name(struct db *db, struct arena *ar, const char *username,
				    const char *domain, struct account *out);
/* Writes display_name, note, note_html, fields, locked, bot, discoverable,
 * avatar, header and updated_at of a->id. */
enum store_rc store_account_update_profile(struct db *db, const struct account *a);
/* Lists local accounts by id ascending, calling fn for each. */
enum store_rc store_account_list_local(struct db *db, struct arena *ar,
				       void (*fn)(const struct account *, const char *email,
						  bool admin, void *),
				       void *ctx);
int64_t store_count_local_accounts(struct db *db);
int64_t store_count_local_statuses(struct db *db);

/* ---- users: local accounts' credentials ---- */

struct user {
	int64_t account_id;
	const char *email;
	const char *password_hash; /* Argon2id encoded string */
	bool admin;
	const char *default_privacy;
	bool default_sensitive;
	const char *default_language;
	int64_t created_at;
};

enum store_rc store_user_insert(struct db *db, const struct user *u);
enum store_rc store_user_get(struct db *db, struct arena *ar, int64_t account_id, struct user *out);
enum store_rc store_user_by_email(struct db *db, struct arena *ar, const char *email,
				  struct user *out);
bool store_email_taken(struct db *db, const char *email);
bool store_username_taken(struct db *db, const char *username);
enum store_rc store_user_update_prefs(struct db *db, const struct user *u);

/* ---- OAuth applications, codes and tokens ---- */

struct app {
	int64_t id;
	const char *name, *website;
	const char *redirect_uris; /* newline-separated, matched exactly */
	const char *scopes;        /* space-separated */
	const char *client_id;
	const char *secret_hash;   /* SHA-256 hex of the client secret */
	int64_t created_at;
};

enum store_rc store_app_insert(struct db *db, const struct app *a);
enum store_rc store_app_by_client_id(struct db *db, struct arena *ar, const char *client_id,
				     struct app *out);
enum store_rc store_app_get(struct db *db, struct arena *ar, int64_t id, struct app *out);

struct authcode {
	const char *code_hash;
	int64_t app_id, account_id;
	const char *redirect_uri, *scopes;
	const char *challenge; /* PKCE S256 challenge, "" when none */
	int64_t expires_at;
};

enum store_rc store_code_insert(struct db *db, const struct authcode *c);
/* Finds the code and deletes it in one step: a code is used at most once. */
enum store_rc store_code_take(struct db *db, struct arena *ar, const char *code_hash,
			      struct authcode *out);

struct token {
	int64_t id;
	const char *token_hash; /* SHA-256 hex of the bearer token */
	int64_t app_id;
	int64_t account_id;     /* 0 for an app-only (client_credentials) token */
	const char *scopes;
	int64_t created_at;
};

enum store_rc store_token_insert(struct db *db, const struct token *t);
enum store_rc store_token_by_hash(struct db *db, struct arena *ar, const char *hash,
				  struct token *out);
/* Deletes the token if it belongs to app_id. */
enum store_rc store_token_revoke(struct db *db, const char *hash, int64_t app_id);

/* ---- statuses ---- */

enum visibility { VIS_PUBLIC = 0, VIS_UNLISTED = 1, VIS_PRIVATE = 2, VIS_DIRECT = 3 };

struct status {
	int64_t id, account_id;
	const char *uri;          /* "" for local statuses */
	const char *text;         /* source */
	const char *content;      /* sanitised HTML */
	const char *spoiler_text;
	const char *language;     /* "" when unknown */
	bool sensitive, local;
	int visibility;           /* enum visibility */
	int64_t in_reply_to_id, in_reply_to_account_id, reblog_of_id, thread_id, app_id;
	const char *mentions;     /* JSON [{id, username, acct, url}] */
	const char *tags;         /* JSON ["name", ...] */
	int64_t created_at, edited_at;
	int64_t replies_count, reblogs_count, favourites_count;
	/* Filled by the readers below: */
	struct account account;   /* the author */
	struct status *reblog;    /* the reblogged status, or NULL */
	const char *app_name, *app_website; /* "" when none */
	int64_t cursor;           /* the pagination key of this row in its list */
	/* Set by list readers that read only numbers (ids, counters, times;
	 * the author's too): strings are "" until store_statuses_fill(). */
	bool partial;
};

struct page {
	int64_t max_id;   /* exclusive; 0 = none */
	int64_t since_id; /* exclusive lower bound, newest first */
	int64_t min_id;   /* exclusive lower bound, closest to it first */
	int limit;
};

struct status_list {
	struct status *items;
	int n;
};

enum store_rc store_status_insert(struct db *db, const struct status *st);
/* Loads one status with its author, its reblogged status and that one's
 * author, whoever asks; visibility is the caller's rule. */
enum store_rc store_status_get(struct db *db, struct arena *ar, int64_t id, struct status *out);
/* Loads the strings of the partial statuses among v (and of their authors
 * and reblogged statuses), keeping each one's cursor. A status deleted
 * since its list was read stays partial. */
enum store_rc store_statuses_fill(struct db *db, struct arena *ar, struct status *const *v,
				  int n);
enum store_rc store_status_delete(struct db *db, int64_t id);
enum store_rc store_status_update_text(struct db *db, const struct status *st);
/* delta on replies_count, reblogs_count or favourites_count */
enum store_rc store_status_count(struct db *db, int64_t id, const char *which, int delta);
/* statuses_count += delta; last_status_at = at when at > 0 */
enum store_rc store_account_count_status(struct db *db, int64_t account_id, int delta, int64_t at);
enum store_rc store_mention_insert(struct db *db, int64_t status_id, int64_t account_id);
enum store_rc store_mentions_clear(struct db *db, int64_t status_id);
/* Finds or creates the tag (lowercase name), returning its id. */
enum store_rc store_tag_ensure(struct db *db, const char *name, int64_t *id);
enum store_rc store_status_tag_insert(struct db *db, int64_t status_id, int64_t tag_id);
enum store_rc store_status_tags_clear(struct db *db, int64_t status_id);
enum store_rc store_fts_insert(struct db *db, int64_t status_id, const char *text);
enum store_rc store_fts_delete(struct db *db, int64_t status_id, const char *text);
enum store_rc store_edit_insert(struct db *db, int64_t status_id, const struct status *version,
				int64_t at);
/* Versions oldest first (the original included). */
enum store_rc store_edits_list(struct db *db, struct arena *ar, int64_t status_id,
			       struct status_list *out);
/* Reblogs of status_id (ids and authors), for deletion. */
enum store_rc store_reblogs_of(struct db *db, struct arena *ar, int64_t status_id,
			       struct status_list *out);
/* The id of account_id's reblog of status_id, or 0. */
int64_t store_reblog_by(struct db *db, int64_t account_id, int64_t status_id);

/* Idempotency-Key: the status made with key within the last hour, or 0. */
int64_t store_idempotency_get(struct db *db, int64_t account_id, const char *key, int64_t since);
enum store_rc store_idempotency_put(struct db *db, int64_t account_id, const char *key,
				    int64_t status_id, int64_t at);

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

/* ---- background jobs ---- */

/* Queues the home-feed fan-out of a status (same arguments as
 * store_feed_fanout), in the caller's transaction. */
enum store_rc store_job_fanout(struct db *db, int64_t status_id, int64_t author,
			       int64_t reply_to_account, bool reblog);
int64_t store_jobs_pending(struct db *db);
int64_t store_followers_count(struct db *db, int64_t account_id);

/* ---- timelines: visibility, blocks and mutes are applied in SQL ---- */

enum store_rc store_tl_home(struct db *db, struct arena *ar, int64_t viewer,
			    const struct page *pg, struct status_list *out);
/* local/remote: 1 = only local, 2 = only remote, 0 = both */
enum store_rc store_tl_public(struct db *db, struct arena *ar, int64_t viewer, int where,
			      const struct page *pg, struct status_list *out);
enum store_rc store_tl_tag(struct db *db, struct arena *ar, int64_t viewer, const char *tag,
			   int where, const struct page *pg, struct status_list *out);

struct account_tl_opts {
	bool exclude_replies, exclude_reblogs, pinned;
	const char *tagged; /* lowercase tag or NULL */
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
/* Every status of a thread visible to viewer, oldest first (at most max). */
enum store_rc store_thread(struct db *db, struct arena *ar, int64_t viewer, int64_t thread_id,
			   int max, struct status_list *out);
/* True if viewer may see st (visibility, blocks both ways). */
bool store_status_visible(struct db *db, int64_t viewer, const struct status *st);

/* What the viewer did to each status in ids: bit 1 favourited, 2 reblogged,
 * 4 bookmarked, 8 pinned. One query per kind over the id range. */
#define FLAG_FAVOURITED 1
#define FLAG_REBLOGGED 2
#define FLAG_BOOKMARKED 4
#define FLAG_PINNED 8
enum store_rc store_viewer_flags(struct db *db, int64_t viewer, const int64_t *ids, int n,
				 int *flags);

/* ---- lists of accounts (followers, favourited_by, ...) ---- */

struct account_list {
	struct account *items;
	int64_t *cursor; /* pagination key per item (the follow's, favourite's, ... id) */
	int n;
};

/* cursor = favourite id */
enum store_rc store_favourited_by(struct db *db, struct arena *ar, int64_t status_id,
				  const struct page *pg, struct account_list *out);
/* cursor = the reblog's id */
enum store_rc store_reblogged_by(struct db *db, struct arena *ar, int64_t status_id,
				 const struct page *pg, struct account_list *out);

/* ---- relationships ---- */

bool store_follows(struct db *db, int64_t account_id, int64_t target_id);
/* Either blocks the other. */
bool store_blocked_either(struct db *db, int64_t a, int64_t b);
/* account_id mutes target's notifications (an unexpired mute with
 * notifications on). */
bool store_mutes_notifications(struct db *db, int64_t account_id, int64_t target, int64_t now);
/* Followers of target with notify on, for "status" notifications. */
enum store_rc store_notify_followers(struct db *db, struct arena *ar, int64_t target,
				     int64_t **ids, int *n);

/* ---- notifications ---- */

struct notification {
	int64_t id, account_id, from_account_id, status_id;
	const char *type;
	int64_t created_at;
	struct account from;
	struct status *status; /* NULL when none */
};

enum store_rc store_notification_insert(struct db *db, const struct notification *n);
/* Deletes notifications of type from `from` about status (unfavourite,
 * unreblog, unfollow). status_id 0 matches any. */
enum store_rc store_notification_retract(struct db *db, int64_t account_id, int64_t from,
					 const char *type, int64_t status_id);

/* ---- direct conversations ---- */

/* Records status_id as the latest of account_id's conversation with the
 * participants (sorted ids, comma-separated); unread unless it is theirs. */
enum store_rc store_conversation_touch(struct db *db, int64_t account_id,
				       const char *participants, int64_t status_id, bool unread);
/* After a deletion: conversations whose last status was status_id move to
 * their previous visible direct status, or disappear. */
enum store_rc store_conversation_status_gone(struct db *db, int64_t status_id);

/* Pending requests to follow account_id. */
int64_t store_count_follow_requests(struct db *db, int64_t account_id);

/* ---- lists ---- */
bool store_list_owned(struct db *db, int64_t list_id, int64_t account_id);
/* Takes member off every list of owner's (after an unfollow or a block). */
enum store_rc store_lists_drop_member(struct db *db, int64_t owner, int64_t member);

/* ---- pins ---- */
int64_t store_pins_count(struct db *db, int64_t account_id);
enum store_rc store_pin(struct db *db, int64_t account_id, int64_t status_id, bool on);
/* Favourites and bookmarks: returns ST_OK when the row was added/removed,
 * ST_CONFLICT when it was already so. */
enum store_rc store_favourite(struct db *db, int64_t account_id, int64_t status_id, bool on);
enum store_rc store_bookmark(struct db *db, int64_t account_id, int64_t status_id, bool on);

/* ==== lists, search and direct conversations (store_lists.c) ==== */

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
int64_t store_lists_count(struct db *db, int64_t owner);
/* owner's lists by id ascending; member != 0 keeps those that hold member. */
enum store_rc store_lists_of(struct db *db, struct arena *ar, int64_t owner, int64_t member,
			     struct list_set *out);
/* Members newest account id first; cursor = account id. */
enum store_rc store_list_members(struct db *db, struct arena *ar, int64_t list_id,
				 const struct page *pg, struct account_list *out);
int64_t store_list_members_count(struct db *db, int64_t list_id);
bool store_list_has(struct db *db, int64_t list_id, int64_t account_id);
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
/* Ids of public and unlisted statuses matching the FTS5 query, visible to
 * viewer as on the public timeline (blocks both ways, mutes), by
 * discoverable authors or viewer; newest first. account_id != 0 keeps that
 * author's. ids has room for limit entries. */
enum store_rc store_search_statuses(struct db *db, int64_t viewer, const char *match,
				    int64_t account_id, int offset, int limit, int64_t *ids,
				    int *n);

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

/* ==== end of lists, search and direct conversations ==== */

/* ==== relationships, notifications and markers (store_rel.c) ==== */

/* Follows. Each write keeps both accounts' following_count and
 * followers_count equal to the rows in follows. show_reblogs and notify are
 * 0 or 1, or -1 for "the default" on a new row and "unchanged" on an
 * existing one. */
/* Adds account_id -> target_id (ST_OK), or updates the options of the
 * follow that exists (ST_CONFLICT). */
enum store_rc store_follow_put(struct db *db, int64_t account_id, int64_t target_id,
			       int show_reblogs, int notify);
/* Deletes the follow; ST_NOT_FOUND when there was none. */
enum store_rc store_follow_delete(struct db *db, int64_t account_id, int64_t target_id);
/* Adds target's most recent statuses (at most max) that account may see
 * to account's home feed: public, unlisted and private ones, reblogs only
 * when reblogs is true, replies only to target, account or someone account
 * follows. */
enum store_rc store_feed_backfill(struct db *db, int64_t account_id, int64_t target_id,
				  bool reblogs, int max);

/* Follow requests, with the same option conventions as follows. */
/* Adds a request (ST_OK) or updates the pending one (ST_CONFLICT). */
enum store_rc store_request_put(struct db *db, int64_t account_id, int64_t target_id,
				int show_reblogs, int notify);
/* The pending request's options; ST_NOT_FOUND when there is none. */
enum store_rc store_request_get(struct db *db, int64_t account_id, int64_t target_id,
				bool *show_reblogs, bool *notify);
/* Deletes the request; ST_NOT_FOUND when there was none. */
enum store_rc store_request_delete(struct db *db, int64_t account_id, int64_t target_id);

/* Blocks and mutes: ST_OK when a row was added or removed, ST_CONFLICT when
 * it was already so. A mute expires at expires_at (ms; 0 = never); putting
 * a mute that exists replaces its options. */
enum store_rc store_block_put(struct db *db, int64_t account_id, int64_t target_id, bool on);
enum store_rc store_mute_put(struct db *db, int64_t account_id, int64_t target_id,
			     bool notifications, int64_t expires_at);
enum store_rc store_mute_delete(struct db *db, int64_t account_id, int64_t target_id);
/* Sets account_id's private note on target_id; "" deletes it. */
enum store_rc store_note_put(struct db *db, int64_t account_id, int64_t target_id,
			     const char *comment);

/* What viewer and target are to each other; expired mutes count as none. */
struct relationship {
	int64_t id; /* the target */
	bool following, showing_reblogs, notifying, followed_by, blocking, blocked_by, muting,
		muting_notifications, requested, requested_by;
	const char *note; /* "" when none */
};
/* One query; ST_NOT_FOUND when target is not an account. now in ms. */
enum store_rc store_relationship(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
				 int64_t now, struct relationship *out);

/* Account pages; the cursor is the row's id in the table named. Accounts
 * that viewer (0 = anonymous) blocks or is blocked by are left out of
 * followers and following. */
enum store_rc store_followers(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			      const struct page *pg, struct account_list *out);
enum store_rc store_following(struct db *db, struct arena *ar, int64_t viewer, int64_t target,
			      const struct page *pg, struct account_list *out);
/* Requests to follow target. */
enum store_rc store_follow_requests(struct db *db, struct arena *ar, int64_t target,
				    const struct page *pg, struct account_list *out);
enum store_rc store_blocks(struct db *db, struct arena *ar, int64_t viewer,
			   const struct page *pg, struct account_list *out);
/* Unexpired mutes; expires[i] (arena, out->n entries) is item i's expiry
 * in ms, 0 for never. */
enum store_rc store_mutes(struct db *db, struct arena *ar, int64_t viewer, int64_t now,
			  const struct page *pg, struct account_list *out, int64_t **expires);

/* Notifications as their recipient sees them: those from accounts the
 * recipient blocks or is blocked by, and those about a status the
 * recipient may no longer see, are left out. */
struct notification_filter {
	const char *types;   /* ",mention,favourite," or "" for every type */
	const char *exclude; /* the same shape; "" excludes none */
	int64_t from;        /* only from this account; 0 = anyone */
};
struct notification_list {
	struct notification *items; /* status_id set, status NULL: see core */
	int n;
};
enum store_rc store_notifications(struct db *db, struct arena *ar, int64_t viewer,
				  const struct notification_filter *f, const struct page *pg,
				  struct notification_list *out);
/* One of viewer's notifications, by the same rules; ST_NOT_FOUND if none. */
enum store_rc store_notification_get(struct db *db, struct arena *ar, int64_t viewer, int64_t id,
				     struct notification *out);
/* ST_NOT_FOUND when id is not one of viewer's notifications. */
enum store_rc store_notification_dismiss(struct db *db, int64_t viewer, int64_t id);
enum store_rc store_notifications_clear(struct db *db, int64_t viewer);
/* How many of viewer's notifications newer than after pass f, up to cap. */
int64_t store_notifications_count(struct db *db, int64_t viewer,
				  const struct notification_filter *f, int64_t after, int cap);

/* Read markers, per account and timeline ("home", "notifications"). */
struct marker {
	int64_t last_read_id, version, updated_at;
};
/* ST_NOT_FOUND when viewer has no marker for timeline. */
enum store_rc store_marker_get(struct db *db, int64_t viewer, const char *timeline,
			       struct marker *out);
/* Creates the marker at version 0, or moves it and adds 1 to its version. */
enum store_rc store_marker_put(struct db *db, int64_t viewer, const char *timeline,
			       int64_t last_read_id, int64_t at);

/* ==== end of relationships, notifications and markers ==== */

/* ==== batched fan-out (the jobs worker) ==== */

/* The oldest jobs, at most max: their id range, count, and the sum of
 * their authors' follower counts (the feed rows they may add). */
struct job_span {
	int64_t first, last, n, pairs;
};
enum store_rc store_jobs_span(struct db *db, int max, struct job_span *out);
int64_t store_accounts_count(struct db *db);
/* The id of the account n places after the first one with an id >= from
 * (n = 0: that one); 0 when there is none. */
int64_t store_account_nth(struct db *db, int64_t from, int64_t n);
/* Delivers the jobs with ids first..last (by store_feed_fanout's rules) to
 * the followers whose ids are in [from, to), in the caller's transaction.
 * Running it again adds nothing twice. */
enum store_rc store_feed_fanout_jobs(struct db *db, int64_t first, int64_t last, int64_t from,
				     int64_t to);
/* The authors' own feed rows of jobs first..last, and the jobs deleted. */
enum store_rc store_jobs_finish(struct db *db, int64_t first, int64_t last);
/* Up to pages of the search index's pending merge work; *worked tells
 * whether there was any. */
enum store_rc store_fts_merge(struct db *db, int pages, bool *worked);
/* How many times a store_tx call had to wait for the writer, not counting
 * calls from threads that declared themselves background work with
 * store_thread_background() (which watch it to give way to requests). */
int64_t store_tx_waits(void);
void store_thread_background(void);

/* ==== end of batched fan-out ==== */

#endif
