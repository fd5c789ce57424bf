/* statuses.h - posting, reading, editing and deleting statuses, and what
 * people do to them (favourite, reblog, bookmark, pin). Every read checks
 * visibility: a status the viewer may not see is "not found". */
#ifndef RAPPORT_STATUSES_H
#define RAPPORT_STATUSES_H

#include "core/core.h"

struct new_poll;

#define IDEMPOTENCY_TTL_MS (60 * 60 * 1000)
#define PINS_MAX 5 /* held by the store: one of 5 slots per account (migration 7) */
#define THREAD_MAX 4096

struct new_status {
	const char *text;
	const char *spoiler_text;
	const char *language;
	const char *visibility; /* NULL: the author's default */
	int sensitive;          /* -1: the author's default */
	int64_t in_reply_to_id;
	const char *idempotency_key;
	int64_t app_id;
	/* media attachments (core/media.h): uploads given to the status */
	const int64_t *media_ids;
	int nmedia;
	const struct new_poll *poll; /* NULL: none (core/polls.h) */
};

/* "public" ... "direct" to enum visibility; -1 if unknown. */
int visibility_parse(const char *s);

enum rc status_create(struct core *c, int64_t author, const struct new_status *in,
		      int64_t *out_id);
/* The same; *out is the status made, as its transaction wrote it (its
 * author and app too), and *flags the author's viewer flags on it, when
 * nothing else is needed to answer with it (no media, poll, link or
 * direct visibility, not found by its idempotency key); else NULL, and
 * the answer is read by its id. */
enum rc status_create_answer(struct core *c, int64_t author, const struct new_status *in,
			     int64_t *out_id, struct status **out, int *flags);
/* The status in would make, checked and formatted (its parent read, its
 * mentions resolved) as status_create would, but not written: the
 * composer's preview. The same errors as status_create; *out is allocated
 * in c->arena (its id is fresh and nothing has it). */
enum rc status_draft(struct core *c, int64_t author, const struct new_status *in,
		     struct status **out);
/* A status received from another server (federation/inbox.c), written
 * through the same rows, event and fan-out as a local one: s is complete
 * (a fresh id, the remote author, uri, sanitised content, visibility,
 * parent and thread, created_at) but for mentions and tags, which are
 * made from f (its mentions resolved to known accounts, its tags
 * lowercased; f->html unused). RC_INVALID when a status with its uri
 * exists. */
struct text_formatted;
struct media;
struct poll;
/* What a status from another server carries besides its text: its
 * attachments (each with its id and remote_url; account, status,
 * position and time are set here) and a Question's poll (options and
 * counts as its server gave them; its id set). */
struct remote_extras {
	const struct media *media;
	int nmedia;
	const struct poll *poll; /* NULL: none */
};
enum rc status_create_remote(struct core *c, struct status *s, struct text_formatted *f,
			     const struct remote_extras *rx);
/* An edit received from another server of author's status id: now holds
 * the new text, content, spoiler_text, sensitive, language and edited_at
 * (the remote `updated`), f its mentions and tags. Applied, through the
 * same rows and event as a local edit, only if edited_at is later than
 * the stored version's; otherwise nothing changes (RC_OK). */
enum rc status_edit_remote(struct core *c, int64_t author, int64_t id, const struct status *now,
			   struct text_formatted *f);
/* Loads a status the viewer (0 = anonymous) may see. */
enum rc status_load(struct core *c, int64_t viewer, int64_t id, struct status *out);
/* Deletes the viewer's own status; out receives it as it was. */
enum rc status_delete(struct core *c, int64_t viewer, int64_t id, struct status *out);

struct status_edit {
	const char *text, *spoiler_text, *language;
	int sensitive; /* -1 unchanged */
	const struct new_poll *poll; /* NULL: no poll (one there is removed, as Mastodon does) */
};
enum rc status_edit(struct core *c, int64_t viewer, int64_t id, const struct status_edit *in);

enum rc status_favourite(struct core *c, int64_t viewer, int64_t id, bool on);
/* The same; out receives the status favourited (the original of a reblog)
 * as the favourite left it, to answer with. */
enum rc status_favourite_answer(struct core *c, int64_t viewer, int64_t id, bool on,
				struct status *out);
/* Reblogs (or undoes); visibility of the reblog: NULL = public. */
enum rc status_reblog(struct core *c, int64_t viewer, int64_t id, bool on, const char *visibility);
/* A remote account's reblog, kept with its Announce's id as its uri (an
 * Undo may name it by that id alone). */
enum rc status_reblog_as(struct core *c, int64_t viewer, int64_t id, const char *visibility,
			 const char *uri);
enum rc status_bookmark(struct core *c, int64_t viewer, int64_t id, bool on);
enum rc status_pin(struct core *c, int64_t viewer, int64_t id, bool on);

/* Ancestors (root first) and descendants (depth first) visible to viewer. */
enum rc status_context(struct core *c, int64_t viewer, int64_t id, struct status_list *ancestors,
		       struct status_list *descendants);
/* The same for s, already read with status_load for viewer. */
enum rc status_context_of(struct core *c, int64_t viewer, const struct status *s,
			  struct status_list *ancestors, struct status_list *descendants);

/* The key of account's view of a direct conversation among the sorted
 * participants ids (the author included): the others' ids, ascending,
 * comma-separated; allocated in ar. */
const char *conversation_key(struct arena *ar, const int64_t *ids, int n, int64_t account);

/* notify.c: creates a notification unless the recipient is the actor, is
 * not local, blocks or is blocked by the actor, or mutes the actor's
 * notifications, or the event of the write (core/events.h, emitted before
 * in the same transaction) holds or suppresses it for this recipient. db is the transaction's connection (handed to the
 * store_tx callback); c gives the arena and takes the error. */
enum rc notify(struct core *c, struct db *db, int64_t recipient, int64_t from, const char *type,
	       int64_t status_id);

#endif
