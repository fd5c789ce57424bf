/* rank.h - the Conversations feed's order, as a pure function of numbers
 * the store already has for each candidate status.
 *
 * A reply to you from someone you talk with >> a new thread from a mutual
 * >> a broadcast: each tier is worth ten times the next (three times from
 * "replied to you" without a conversation history to the tier below),
 * multiplied by how much you talk with the author and how much
 * conversation the thread holds, and halved every RANK_HALF_LIFE_MS.
 * Favourites are not an input: likes alone earn nothing. Every score comes
 * with a short `why` a person can read. The formula and the reasons for
 * each constant are in docs/SOCIAL.md, "Conversations feed". */
#ifndef RAPPORT_RANK_H
#define RAPPORT_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RANK_HALF_LIFE_MS (6 * 3600 * 1000LL)
#define RANK_TIER_REPLY_TALK 100.0 /* replied to you, and you talk with them */
#define RANK_TIER_REPLY 30.0       /* replied to you */
#define RANK_TIER_KNOWN 10.0       /* a mutual, or someone you talk with */
#define RANK_TIER_BROADCAST 1.0    /* anyone else you follow */
#define RANK_TALKS_CAP 255         /* reciprocated replies counted, at most */
#define RANK_TURNS_CAP 64          /* thread turns counted, at most */
#define RANK_WHY_MAX 64            /* bytes of a `why`, NUL included */

struct rank_item {
	int64_t author_id;
	bool is_reply_to_viewer;      /* replies to one of the viewer's statuses */
	uint32_t talks;               /* reciprocated replies between author and viewer:
				       * min(author -> viewer, viewer -> author) */
	bool is_mutual;               /* they follow each other */
	bool author_saturated;        /* the saturation detector flags the author */
	uint32_t thread_turns;        /* statuses in the item's thread so far, >= 1 */
	uint32_t thread_participants; /* distinct authors in that thread, >= 1 */
	int64_t age_ms;               /* now - created_at; negative counts as 0 */
	uint32_t favourites;          /* carried for display; never scored */
};

struct rank_score {
	double score;
	char why[RANK_WHY_MAX]; /* e.g. "replied to you · you talk", "mutual · 4-turn thread" */
};

/* True if the item is part of a conversation: it replies to the viewer, or
 * its thread has at least two turns between at least two people. */
bool rank_has_conversation(const struct rank_item *it);

/* Scores one candidate:
 *   tier x (1 + log2(1 + min(talks, RANK_TALKS_CAP)))
 *        x (1 + log2(min(turns, RANK_TURNS_CAP)) if the thread has 2+ people, else 1)
 *        x 2^(-age / RANK_HALF_LIFE_MS)
 * and writes why it ranks where it does. */
void rank_score(const struct rank_item *it, struct rank_score *out);

/* What became of one item of a page after collapsing. */
struct rank_slot {
	int head; /* index of the item it is folded into, or -1 if it is shown */
	int more; /* on a shown item: how many items are folded into it */
};

/* Collapses a page of n items given in display order (best first): the
 * items of one author that are not part of a conversation (and, if the
 * author is saturated, all of the author's items except replies to the
 * viewer) fold into the first of them, which shows "+N more from X".
 * slots receives n entries. */
void rank_collapse(const struct rank_item *items, size_t n, struct rank_slot *slots);

/* Writes "+N more from NAME" (cut to cap bytes, NUL-terminated, cap > 0). */
void rank_more_label(char *out, size_t cap, int more, const char *name);

#endif
