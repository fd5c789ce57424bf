/* sim_internal.h - what simulate.c (the community living its days) and
 * sim_measure.c (what the mechanics did to it) share. */
#ifndef RAPPORT_SIM_INTERNAL_H
#define RAPPORT_SIM_INTERNAL_H

#include "tools/simulate.h"
#include "util/arena.h"

#define SIM_DAY_MS (24 * 3600 * 1000LL)
#define SIM_MINUTE_MS (60 * 1000LL)

struct sim_account {
	int64_t id;
	int persona;
	enum sim_kind kind;
	char username[24];
	int statuses;       /* written during the simulation */
	int dms_sent;       /* direct messages sent so far (numbering) */
	int replies_sent;   /* replies and mentions sent so far */
	int refused_follows; /* follows answered 429 */
};

/* A status the simulation wrote. */
struct sim_post {
	int64_t id, thread_id, at;
	int author, parent_author; /* parent_author -1 for an original */
	int turns;                 /* of its thread, when it was written */
	bool original, direct;
};

/* A message addressed to someone: a direct message, or a reply or
 * mention, with what the detectors said and the ground truth. */
enum sim_msg_class { MSG_DIRECT, MSG_REPLY };
struct sim_msg {
	int64_t status_id;
	int sender, recipient;
	enum sim_msg_class cls;
	int nth;            /* 1 for the sender's first message of this class */
	bool bot;           /* ground truth: sent by a program */
	bool stranger;      /* the recipient neither follows nor addressed the sender */
	uint32_t at_send;   /* EVENT_FLAG_* the write's event carried */
	uint32_t stored;    /* the status's flags at the end */
};

/* Statuses with a flag the detectors could set, for the per-status rules. */
struct sim_flagged {
	int64_t status_id;
	int author;
	bool shouted;       /* written in capitals */
	uint32_t at_send;
};

struct sim {
	struct core c;
	struct arena arena;
	const struct sim_personas *p;
	const struct sim_opts *o;
	struct sim_account *a;
	int n;
	uint8_t *follows;  /* bits: [i * n + j] i follows j */
	uint8_t *talked;   /* bits: [i * n + j] i replied to or mentioned j */
	struct sim_post *posts;
	int nposts, capposts;
	struct sim_msg *msgs;
	int nmsgs, capmsgs;
	struct sim_flagged *statuses;
	int nstatuses, capstatuses;
	uint64_t rng;
	int64_t t0;
	int64_t actions, refused;
	/* The Conversations feed, read by conversationalists' followers. */
	int64_t feed_items[SIM_PERSONAS_MAX], feed_total, feed_reads;
	struct sim_id *byid; /* accounts by id, for what the store returns */
};

struct sim_id {
	int64_t id;
	int index;
};

bool sim_bit(const uint8_t *m, const struct sim *s, int i, int j);
/* The account index of an id, -1 if it is none of the simulation's. */
int sim_index(const struct sim *s, int64_t id);

/* sim_measure.c: reads the feed of the conversationalists' followers (once
 * a simulated day), then everything else at the end, and prints. */
int sim_read_feeds(struct sim *s);
int sim_measure(struct sim *s);

#endif
