/* simulate.h - `rapport simulate`: a community of personas living N
 * simulated days on a fresh store, through the real code paths (the core
 * functions the API handlers call, so the same transactions, event seam,
 * policy hooks, figures and worker), on a simulated clock (util.h,
 * clock_simulate). It then measures what the mechanics did to each persona:
 * the social-capital card, trust, the share of the Conversations feed, and
 * each detector's precision and recall against the ground truth of who is
 * a bot. Deterministic for a given seed. docs/ARCHITECTURE.md, "Tools". */
#ifndef RAPPORT_SIMULATE_H
#define RAPPORT_SIMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* What each persona does (docs/ARCHITECTURE.md lists the behaviours). */
enum sim_kind {
	PK_CONVERSATIONALIST, /* posts, replies, answers who answers, DMs friends */
	PK_LURKER,            /* reads and favourites; follows back some */
	PK_CONTENT_FACTORY,   /* originals only, never replies */
	PK_AUTO_DM_BOT,       /* welcomes new followers and cold-DMs a template */
	PK_FOLLOWER_COLLECTOR, /* follows many, unfollows who does not follow back */
	PK_BRAND_ANSWERS,     /* posts offers, answers criticism */
	PK_BRAND_IGNORES,     /* posts offers, answers nobody */
	PK_SYBIL,             /* talks only with its own cluster */
	PK_REPLY_BOT,         /* the same reply in many threads */
	PK_KINDS
};

/* One entry of the personas file: `count` accounts of one kind. */
struct sim_persona {
	char name[32];
	enum sim_kind kind;
	int count;
	int age_days;          /* the accounts' age when the simulation starts */
	int follows;           /* follows made before the start */
	double posts_per_day;  /* statuses a day (originals and replies) */
	double dms_per_day;    /* direct messages a day */
	double follows_per_day;
	double answer_prob;    /* chance to answer a reply or mention */
	double caps_share;     /* share of statuses written in capitals */
	double criticism_prob; /* chance that a reply to a brand complains */
	double follow_back;    /* chance to follow back a new follower */
	int admins;            /* its first this many accounts are admins (trust's anchors) */
	int first;             /* index of its first account */
};

#define SIM_PERSONAS_MAX 32
#define SIM_ACCOUNTS_MAX 5000

struct sim_personas {
	struct sim_persona v[SIM_PERSONAS_MAX];
	int n;
	int accounts; /* sum of the counts */
};

/* Reads the personas file (JSON: {"personas": [{"kind": ..., "count": N,
 * ...}]}, see sim/personas.json). 0, or -1 with a one-line reason in err. */
int sim_personas_load(const char *path, struct sim_personas *out, char *err, size_t errlen);
const char *sim_kind_name(enum sim_kind k);

struct sim_opts {
	const char *personas; /* the file */
	int days;
	uint64_t seed;
	const char *json;     /* write the results here too, or NULL */
	bool progress;        /* a progress bar on stderr */
};

/* Runs the simulation on st (a fresh store) and prints the results. 0, or
 * -1 with a message on stderr. */
int simulate_run(const struct config *cfg, struct store *st, const struct sim_personas *p,
		 const struct sim_opts *o);

#endif
