/* social_capital.h - the social-capital card of an account over the
 * trailing 30 days (docs/SOCIAL.md, "Social-capital card"; the formulas
 * are core/card.h's, trust is core/trust.h's).
 *
 * The figures behind it are kept incrementally by an event subscriber
 * (social_capital_update, in each write's transaction): per-day counters,
 * the replies and mentions addressed to each account with when it first
 * answered them, turns and people per thread, reply edges per day. A card
 * is then a few bounded range reads of one account (its 30 days), never a
 * scan of its history. The worker keeps a snapshot of each card touched
 * by a drained event (social_capital_see, _prepare, _write, _written)
 * and recomputes trust
 * (social_capital_background); Account JSON shows the snapshot, found in
 * memory by social_card_shown. */
#ifndef RAPPORT_SOCIAL_CAPITAL_H
#define RAPPORT_SOCIAL_CAPITAL_H

#include "core/core.h"
#include "core/events.h"

/* Items read per account and card, at most (the newest): bounds a card's
 * cost for accounts that receive thousands of replies a month. */
#define SOCIAL_ROWS_MAX 10000

/* The numbers a card is made of (the window's), and its values. */
struct social_card {
	int64_t originals, given, replies_in; /* sums of the daily counters */
	int64_t answered, decided;            /* answered within 72 h, of the decided */
	int64_t answers, median_ms;           /* answered items; their median time (-1: none) */
	int64_t threads, deep;                /* threads started; of them, conversations */
	int64_t follows_in, follows_back;     /* new followers; of them, followed back */
	int64_t days_milli;                   /* days the window spans for it (x 1000, >= 1 day) */
	int64_t trust_milli;                  /* trust x 1000 */
};

/* The keys of the card, in the order they are written. */
enum social_key {
	SK_LISTENING,
	SK_RECIPROCITY,
	SK_FOLLOWS_RETURNED,
	SK_RESPONSIVENESS,
	SK_DEPTH,
	SK_SATURATION,
	SK_TRUST,
	SK_COUNT
};

/* The card of account_id computed now from its figures (the /social
 * endpoint). RC_NOT_FOUND for an unknown account. */
enum rc social_card_get(struct core *c, int64_t account_id, struct social_card *out);
/* The card as the worker last computed it, for Account JSON: a memory
 * probe, read from the store at most every SOCIAL_SHOWN_TTL_MS per
 * account (or when the worker replaced it). *stamp changes whenever the
 * card does (0: no card yet, all "no data"). out may be NULL (the stamp
 * only, as a render-cache lookup needs). */
#define SOCIAL_SHOWN_TTL_MS 30000
enum rc social_card_shown(struct core *c, int64_t account_id, struct social_card *out,
			  int64_t *stamp);
/* Key k's name ("listening", ...), value (-1 when there is nothing to
 * count; responsiveness in seconds) and one sentence that explains it,
 * allocated in c->arena. */
const char *social_key_name(enum social_key k);
double social_value(const struct social_card *card, enum social_key k);
const char *social_explain(struct core *c, const struct social_card *card, enum social_key k);

/* Event subscribers (registered in events.c): the incremental update, and
 * the worker's drain (core/events.h, struct event_drain): the accounts a
 * batch touched have their cards recomputed once, written with the
 * batch's deletion, and dropped from memory after the commit. */
enum rc social_capital_update(struct core *c, struct db *db, struct event *ev);
enum rc social_capital_see(struct core *c, struct db *db, const struct event *ev);
enum rc social_capital_prepare(struct core *c, struct db *db);
enum store_rc social_capital_write(struct core *c, struct db *db);
void social_capital_written(void);

/* The worker's periodic step: snapshots older than an hour recomputed (the
 * window moves), and trust recomputed when reply edges changed and
 * cfg->trust_interval_s has passed (then written in slices). 1 when it did
 * something, 0 when idle, -1 on failure. */
int social_capital_background(struct core *c);
/* Recomputes trust now and writes it whole (tests, tools). */
enum rc social_trust_recompute(struct core *c);

#endif
