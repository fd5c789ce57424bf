/* inbox_internal.h - shared by the inbox's files (inbox.c: the request
 * and its signature; inbox_apply.c: what each activity does; inbox_note.c:
 * Notes made into statuses). */
#ifndef RAPPORT_FEDERATION_INBOX_INTERNAL_H
#define RAPPORT_FEDERATION_INBOX_INTERNAL_H

#include <jansson.h>

#include "core/core.h"
#include "store/federation.h"

/* What applying an activity came to. */
enum ap_rc {
	AP_OK = 0,     /* applied, or nothing to do: 202 */
	AP_INVALID,    /* breaks a rule: 400 */
	AP_FORBIDDEN,  /* about something not the actor's: 403 */
	AP_ERROR,      /* the store failed: 500 */
	AP_UNAVAILABLE /* a document it needs could not be fetched now: 503 */
};

/* One activity from a verified actor. */
struct inbox_ctx {
	struct core *c;
	const json_t *act;          /* the activity */
	struct account actor;       /* the signer: the activity's actor */
	struct remote_actor ra;
	const char *authority;      /* the actor's host[:port] */
	bool limited;               /* the admin limits its domain */
};

/* Whether local account id blocks the actor's domain (store errors: true,
 * with *failed set). */
bool inbox_domain_blocked(struct inbox_ctx *x, int64_t id, bool *failed);

enum ap_rc inbox_apply(struct inbox_ctx *x);

/* The local account whose actor id is uri (BASE/users/NAME). */
bool inbox_local_account(struct core *c, const char *uri, struct account *out);
/* The status with ActivityPub id uri: a local one (BASE/users/NAME/
 * statuses/ID) or a remote one received before. AP_OK with *id, AP_OK
 * with *id 0 when unknown, AP_ERROR. */
enum ap_rc inbox_status_of(struct core *c, const char *uri, int64_t *id);
/* The id of a JSON value that is a string or an object with an id. */
const char *inbox_id_of(const json_t *v);

/* What a Note says, read without the store (pure; the fuzz harness's
 * entry): content sanitised (content, else the first contentMap value,
 * whose key is the language), its text without tags, summary (plain
 * text, at most 2 KiB, cut on a character boundary), sensitive (or a
 * summary), published and updated in ms (0 when absent or not ISO 8601
 * UTC). Strings in ar. */
struct note_fields {
	const char *content, *text, *language, *summary;
	bool sensitive;
	int64_t published, updated;
};
void inbox_note_read(struct arena *ar, const json_t *note, struct note_fields *out);

/* Create of a Note (the object embedded), by x->actor. */
enum ap_rc inbox_create_note(struct inbox_ctx *x, const json_t *note, bool must_relate,
			     int depth, int64_t *out_id);
/* Update of a Note: an edit of the actor's own status, applied only if
 * its `updated` is later than the stored version. */
enum ap_rc inbox_update_note(struct inbox_ctx *x, const json_t *note);
/* The status at uri: known, or fetched and made (with its author) when
 * depth allows; *id 0 when there is none. */
enum ap_rc inbox_fetch_status(struct core *c, const char *uri, int depth, int64_t *id);

/* inbox_extras.c: a Note's or Question's attachments (at most 4 with an
 * http(s) url, kept by address: kind from mediaType or type, name as the
 * alt text, blurhash, width and height, focalPoint) and a Question's poll
 * (oneOf, or anyOf for multiple; counts from replies.totalItems; endTime,
 * or closed), read without the store (the fuzz harness's too); strings
 * in ar. */
struct remote_extras;
void inbox_extras_read(struct arena *ar, const json_t *note, struct remote_extras *rx);
/* An Update of a Question: its poll's counts and end, on status_id. */
enum ap_rc inbox_poll_update(struct inbox_ctx *x, const json_t *q, int64_t status_id);
/* Whether note is a vote on one of our polls (a Note with a name replying
 * to a local status that has a poll); *rc what counting it came to. */
bool inbox_vote(struct inbox_ctx *x, const json_t *note, enum ap_rc *rc);
/* An ISO 8601 UTC time in ms; 0 when it is not one. */
int64_t inbox_iso_ms(const char *s);

/* inbox_actor.c: what an actor does to itself. Move to the activity's
 * target, an actor whose alsoKnownAs names x->actor (fetched afresh):
 * the local followers follow the target instead, and the account is
 * marked moved. */
enum ap_rc inbox_move(struct inbox_ctx *x);
/* The actor's document doc (an Update of it) names the account it moved
 * to (movedTo): the account is marked moved there when that actor's
 * alsoKnownAs names it (fetched afresh, as for Move), and not within
 * Move's cooldown to another target; its followers stay (only a Move
 * moves them). */
enum ap_rc inbox_moved_to(struct inbox_ctx *x, const json_t *doc);

#endif
