/* polls.h - polls, their options and votes, and link preview cards
 * (store_polls.c; migration 16).
 *
 * A poll belongs to one status (deleted with it). Its options carry their
 * vote counts; each voter has one poll_votes row whose choices are a bit
 * set (bit i: option i), so "one vote per person" is the table's primary
 * key and holds with several writers. A preview card is cached per URL
 * (preview_cards) and a status names its first link (status_cards). */
#ifndef RAPPORT_STORE_POLLS_H
#define RAPPORT_STORE_POLLS_H

#include "store/store.h"

#define POLL_OPTIONS_MAX 20 /* bound of the option setting; choices fit a bit set */

struct poll {
	int64_t id, status_id, account_id;
	bool multiple, hide_totals, ended; /* ended: voters and author were told */
	int64_t expires_at, created_at, notified_upto;
	int64_t voters_count, votes_count;
	int noptions;
	const char *titles[POLL_OPTIONS_MAX];
	int64_t counts[POLL_OPTIONS_MAX];
	bool voted;          /* the viewer has voted (viewer given) */
	uint64_t own_choices; /* ... for these options */
};

struct preview_card {
	const char *url, *title, *description, *image, *provider_name, *provider_url;
	/* image as our own copy (core/previews.c): a content-hash name under
	 * media/ ("" when none), its size and blurhash. image is the page's
	 * URL of it, never shown to clients. */
	const char *image_file, *blurhash;
	int width, height;
};

/* What a status's link has given: no link, a link without a card (not
 * fetched yet, or the page gave none), a card. */
enum card_state { CARD_NONE = 0, CARD_PENDING, CARD_SHOWN };

/* What a status shows besides its row: its poll (found_poll) with the
 * viewer's vote (viewer 0: none), and its link's card (*card filled when
 * CARD_SHOWN). One query when there is no poll. */
enum store_rc store_status_extras(struct db *db, struct arena *ar, int64_t status_id,
				  int64_t viewer, struct poll *poll, bool *found_poll,
				  struct preview_card *card, enum card_state *state);

/* What each of n statuses has besides its row, as bits in has[i]:
 * EXTRA_MEDIA attachments, EXTRA_POLL, EXTRA_CARD a link (shown or not).
 * One statement per ID_BATCH statuses: a page whose statuses the render
 * caches miss learns which have none, and reads nothing more for those. */
enum { EXTRA_MEDIA = 1, EXTRA_POLL = 2, EXTRA_CARD = 4 };
enum store_rc store_statuses_extras_present(struct db *db, const int64_t *ids, int n,
					    unsigned *has);

/* Writes p (its id, status, options; counts zero). */
enum store_rc store_poll_insert(struct db *db, const struct poll *p);
/* The poll of id (by_status: of the status id) with the viewer's vote;
 * ST_NOT_FOUND when there is none. */
enum store_rc store_poll_get(struct db *db, struct arena *ar, int64_t id, bool by_status,
			     int64_t viewer, struct poll *out);
/* Deletes the poll of status_id and its votes (nothing if none). */
enum store_rc store_poll_delete(struct db *db, int64_t status_id);
/* An edit that keeps the options: the new expiry and hide_totals; an
 * ended poll opened again is told again when it ends. */
enum store_rc store_poll_update(struct db *db, int64_t poll_id, int64_t expires_at,
				bool hide_totals);
/* Records account's vote (choices: bit set of n options chosen) and adds
 * it to the counts. ST_CONFLICT if the account has voted already. */
enum store_rc store_poll_vote(struct db *db, int64_t poll_id, int64_t account_id,
			      uint64_t choices, int n, int64_t now);
/* A remote status's poll as its server last described it (p: status,
 * author, multiple, expiry, options with counts, voters; p->id used when
 * it is new): written, or its counts and expiry updated; when its
 * options changed it starts afresh. */
enum store_rc store_poll_remote_set(struct db *db, struct arena *ar, const struct poll *p);
/* A vote from another server: one option (idx) per vote, as Mastodon
 * sends one Note per choice; a second option counts only on a
 * multiple-choice poll. ST_CONFLICT when it does not count. */
enum store_rc store_poll_vote_one(struct db *db, const struct poll *p, int64_t account_id, int idx,
				  int64_t now);
/* The oldest poll that has expired by now and whose end was not told yet,
 * claimed for the caller's transaction (DB_CLAIM). */
enum store_rc store_poll_due(struct db *db, struct arena *ar, int64_t now, struct poll *out);
/* Up to max voters of poll_id with ids above after, ascending. */
enum store_rc store_poll_voters(struct db *db, int64_t poll_id, int64_t after, int max,
				int64_t *ids, int *n);
/* Records the last voter told (upto), or with ended the end told. */
enum store_rc store_poll_progress(struct db *db, int64_t poll_id, int64_t upto, bool ended);

/* Names url as status_id's first link and asks for its card unless one
 * was fetched after fresh_after (ms); *fetch says whether it was asked. */
enum store_rc store_card_link(struct db *db, int64_t status_id, const char *url, int64_t now,
			      int64_t fresh_after, bool *fetch);
/* Forgets status_id's link (an edit that changes it). */
enum store_rc store_card_unlink(struct db *db, int64_t status_id);
/* The oldest URL whose card is due and not claimed at now, into *url
 * (ST_NOT_FOUND: none), claimed until `until`: no other worker takes it
 * before then, and after then (its worker died) another does. In a
 * transaction (store_tx). */
enum store_rc store_card_claim(struct db *db, struct arena *ar, int64_t now, int64_t until,
			       const char **url);
/* Stores what the fetch of card->url gave (ok false: no card) at now. */
enum store_rc store_card_save(struct db *db, const struct preview_card *card, bool ok,
			      int64_t now);

#endif
