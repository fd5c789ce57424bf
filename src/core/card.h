/* card.h - the figures of the social-capital card, from plain inputs.
 *
 * The card (docs/SOCIAL.md, "Social-capital card") is computed over the
 * trailing CARD_WINDOW_MS; the store gathers the events of that window
 * and these functions turn them into the published values, so each rule
 * is written, and tested, in one place. Pure functions; nothing
 * allocates. */
#ifndef RAPPORT_CARD_H
#define RAPPORT_CARD_H

#include <stddef.h>
#include <stdint.h>

#define CARD_WINDOW_MS (30LL * 24 * 3600 * 1000) /* the card looks this far back */
#define CARD_ANSWER_MS (72LL * 3600 * 1000)      /* an answer within this counts */
#define CARD_DEPTH_TURNS 3                       /* a deep thread has this many turns */
#define CARD_DEPTH_PEOPLE 2                      /* ... between this many people */

/* A share: yes out of of; value is yes / of, or -1 when of is 0 (the card
 * then says "no data yet" rather than 0 %). */
struct card_share {
	uint32_t yes, of;
	double value;
};

/* yes out of of, as a card_share (yes is capped at of). */
struct card_share card_share_of(uint32_t yes, uint32_t of);

/* The median of n durations in ms (v is sorted in place); the mean of the
 * two middle values when n is even; -1 when n is 0. */
int64_t card_median_ms(int64_t *v, size_t n);

/* A reply or mention addressed to the account. */
struct card_addressed {
	int64_t received_at; /* ms */
	int64_t answered_at; /* ms of the account's first answer; 0 if none yet */
};

/* Reciprocity: the share of addressed items answered within
 * CARD_ANSWER_MS. An item counts once it is decided: answered (late
 * answers count as not within), or unanswered for CARD_ANSWER_MS by now;
 * items still inside their 72 hours without an answer are left out. */
struct card_share card_answered(const struct card_addressed *v, size_t n, int64_t now);

/* One thread the account started in the window. */
struct card_thread {
	uint32_t turns;  /* statuses in it */
	uint32_t people; /* distinct authors */
};

/* Depth: the share of the threads reaching CARD_DEPTH_TURNS turns between
 * CARD_DEPTH_PEOPLE people or more. */
struct card_share card_depth(const struct card_thread *v, size_t n);

/* Listening: interactions given to others (replies in others' threads,
 * favourites and boosts of others' posts) per original post; with no
 * original post, the interactions themselves (as if there were one). */
double card_listening(uint32_t given, uint32_t originals);

/* Saturation: original posts per day divided by (1 + replies received per
 * original post). 9 posts a day nobody answers is 9; the same 9 posts
 * answered twice each is 3. days > 0 (the window, or the account's age if
 * younger); 0 if days is not. */
double card_saturation(uint32_t originals, double days, uint32_t replies_received);

/* Trust as shown: the PageRank score times the number of accounts in the
 * graph, so 1 is an average account's share and 0 is nobody's. */
double card_trust(double score, uint32_t accounts);

#endif
