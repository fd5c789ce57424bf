/* polls.h - polls on statuses: their rules, votes, and the end of a poll.
 *
 * A status may carry one poll of 2 to cfg.poll_max_options options (each
 * at most cfg.poll_max_chars characters, none blank or repeated), open
 * for cfg.poll_min_expiry to cfg.poll_max_expiry seconds. Everyone who
 * may see the status may vote once (one option, or with multiple several);
 * the author too. A vote on an ended poll, a second vote, an unknown or
 * repeated choice, or several choices on a single-choice poll is refused
 * (RC_INVALID) and changes nothing. When a poll has ended the background
 * worker tells its voters and its author with a "poll" notification. An
 * edit that changes the options or multiple starts the poll afresh (votes
 * gone); an edit without a poll removes it (Mastodon's rules). */
#ifndef RAPPORT_POLLS_H
#define RAPPORT_POLLS_H

#include "core/core.h"
#include "store/polls.h"

/* A poll as asked for; noptions may exceed POLL_OPTIONS_MAX (then only the
 * first ones are in options, and poll_check refuses it). */
struct new_poll {
	int noptions;
	const char *options[POLL_OPTIONS_MAX];
	int64_t expires_in; /* seconds */
	bool multiple, hide_totals;
};

/* Checks np against the rules above; RC_INVALID names the rule broken. */
enum rc poll_check(struct core *c, const struct new_poll *np);
/* Writes np as status_id's poll (by author, at now) in the caller's
 * transaction on db. */
enum store_rc poll_attach(struct db *db, int64_t status_id, int64_t author,
			  const struct new_poll *np, int64_t now);
/* An edit of status_id: np NULL removes its poll; options or multiple
 * changed start it afresh; otherwise expiry and hide_totals change and
 * the votes stay. In the edit's transaction on db. */
enum store_rc poll_edit(struct core *c, struct db *db, int64_t status_id, int64_t author,
			const struct new_poll *np, int64_t now);
/* The options of status_id's poll as a JSON array of their titles, for
 * the edit history, in c's arena; "" when it has none. */
enum store_rc poll_titles(struct core *c, struct db *db, int64_t status_id, const char **out);
/* True once p has ended (its expiry passed). */
bool poll_expired(const struct poll *p);

/* The poll id, with viewer's vote, if the viewer may see its status. */
enum rc poll_get(struct core *c, int64_t viewer, int64_t id, struct poll *out);
/* viewer votes for choices[0..n) in poll id; out is the poll afterwards. */
enum rc poll_vote(struct core *c, int64_t viewer, int64_t id, const int64_t *choices, int n,
		  struct poll *out);

/* A remote status's poll as its server describes it now (Update of a
 * Question: counts, expiry; new options start it afresh). */
enum rc poll_remote_set(struct core *c, const struct poll *p);
/* A vote from another server (Mastodon's: a Note named after the option,
 * replying to the poll's status): voter's vote for the option titled name
 * of status_id's poll, counted once per option (one option unless the
 * poll is multiple); on an ended poll, an unknown option, or a status
 * without a poll, nothing changes (RC_OK). */
enum rc poll_vote_remote(struct core *c, int64_t voter, int64_t status_id, const char *name);

/* The poll and the preview card a status shows (see store_status_extras). */
enum rc status_extras(struct core *c, int64_t viewer, int64_t status_id, struct poll *poll,
		      bool *found_poll, struct preview_card *card, enum card_state *state);
/* Which of n statuses have media, a poll or a link (store_statuses_extras_present). */
enum rc statuses_extras_present(struct core *c, const int64_t *ids, int n, unsigned *has);
/* The poll of status_id with viewer's vote (*found false: none); the
 * status is one the viewer sees. */
enum rc poll_of_status(struct core *c, int64_t viewer, int64_t status_id, struct poll *out,
		       bool *found);

/* The worker's step: tells the voters (a slice of them) and the author of
 * the oldest poll that ended. 1 when it did something, 0 when no poll is
 * due, -1 on failure (retried). */
int polls_end_step(struct core *c);

#endif
