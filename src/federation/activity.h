/* activity.h - the activities a local actor sends, in the shape Mastodon
 * writes them (app/serializers/activitypub/, tag_manager.rb).
 *
 * Ids are derived, never stored, so an Undo names exactly what it undoes:
 *   Create          STATUS/activity          (STATUS = the Note's id)
 *   Update          STATUS#updates/EDITED_AT
 *   Delete          STATUS#delete (ACTOR#delete: the account is deleted)
 *   Announce        REBLOG/activity          (REBLOG = the reblog's status id)
 *   Like            ACTOR#likes/STATUS_ID
 *   Follow          ACTOR#follows/TARGET_ID
 *   Block           ACTOR#blocks/TARGET_ID
 *   Accept, Reject  ACTOR#accepts/follows/FOLLOWER_ID, ...#rejects/...
 *   Undo            THE_UNDONE/undo
 *   Flag            BASE/reports/REPORT_ID   (by the instance actor)
 *   Update (actor)  ACTOR#updates/MS
 * An Undo embeds what it undoes (Mastodon resolves an Undo(Like) only
 * when the Like is embedded). Every builder returns a new reference, or
 * NULL when out of memory; strings come from c->arena. */
#ifndef RAPPORT_FEDERATION_ACTIVITY_H
#define RAPPORT_FEDERATION_ACTIVITY_H

#include <jansson.h>

#include "core/core.h"
#include "store/store.h"

/* The ActivityPub id of status s (its stored uri when remote), whose
 * author (s->account) is loaded. */
const char *ap_status_uri(struct core *c, const struct status *s);

/* The Note of local status s (author loaded), as Mastodon's
 * NoteSerializer writes it: content and contentMap, summary, sensitive,
 * inReplyTo, to/cc by visibility, Mention and Hashtag tags, published,
 * updated when edited, url, and conversation/context naming the thread
 * by its root's id. The one object deliveries carry and the status's id
 * serves (federation/object.h). RC_OK and *out, RC_INTERNAL when the
 * store failed. */
enum rc ap_note(struct core *c, const struct status *s, json_t **out);

/* Wraps object (its reference is taken) in an activity of `type` by the
 * actor whose id is actor, with the object's addressing copied (Create,
 * Update) when the object has to/cc. id as listed above. */
json_t *ap_wrap(const char *type, const char *id, const char *actor, json_t *object);
/* Delete of status_uri, a Tombstone, addressed to the public and to
 * followers (the status is gone: its audience is not known any more). */
json_t *ap_delete(struct core *c, const char *actor, const char *followers,
		  const char *status_uri);
/* Delete of the actor itself (a deleted account), as Mastodon's
 * DeleteActorSerializer: id ACTOR#delete, to the public. */
json_t *ap_delete_actor(struct core *c, const char *actor);
/* Flag of report_id (id BASE/reports/ID) by the instance actor: object
 * (its reference is taken) the reported account's id and statuses' ids,
 * content the report's comment (Mastodon's FlagSerializer). */
json_t *ap_flag(struct core *c, int64_t report_id, const char *content, json_t *object);
/* Update of the actor itself (person, its reference taken: federation/
 * actor.h's ap_person) at time at (ms), to the public (Mastodon's
 * UpdateSerializer; id ACTOR#updates/AT). */
json_t *ap_update_actor(struct core *c, const char *actor, int64_t at, json_t *person);
/* Announce of object_uri (by object_author) as reblog id reblog_uri. */
json_t *ap_announce(struct core *c, const char *actor, const char *followers,
		    const char *reblog_uri, const char *object_uri, const char *object_author);
/* Like, Follow, Block: actor acts on object (a status or an actor). */
json_t *ap_simple(struct core *c, const char *type, const char *id, const char *actor,
		  const char *object);
/* Undo of the activity `undone` (embedded; its reference is taken). */
json_t *ap_undo(struct core *c, const char *actor, json_t *undone);
/* Accept or Reject of follower's Follow of actor, embedding the Follow. */
json_t *ap_answer(struct core *c, bool accept, const char *actor, const char *follower,
		  int64_t follower_id);

#endif
