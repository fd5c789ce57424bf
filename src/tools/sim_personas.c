/* sim_personas.c - the personas file of `rapport simulate`: which kinds of
 * accounts, how many, and how they behave (defaults per kind). */
#include "tools/simulate.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[PK_KINDS] = {
	"conversationalist", "lurker", "content_factory", "auto_dm_bot", "follower_collector",
	"brand_answers",     "brand_ignores", "sybil",   "reply_bot",
};

const char *sim_kind_name(enum sim_kind k)
{
	return k >= 0 && k < PK_KINDS ? kind_names[k] : "unknown";
}

/* The defaults of each kind; a persona's keys override them. */
static const struct sim_persona defaults[PK_KINDS] = {
	[PK_CONVERSATIONALIST] = {.age_days = 90, .follows = 12, .posts_per_day = 4,
				  .dms_per_day = 0.3, .answer_prob = 0.8, .caps_share = 0.02,
				  .criticism_prob = 0.5, .follow_back = 0.5},
	[PK_LURKER] = {.age_days = 90, .follows = 15, .follow_back = 0.3},
	[PK_CONTENT_FACTORY] = {.age_days = 90, .follows = 3, .posts_per_day = 4,
				.caps_share = 0.2},
	[PK_AUTO_DM_BOT] = {.age_days = 5, .follows = 0, .posts_per_day = 1, .dms_per_day = 4,
			    .follows_per_day = 15},
	[PK_FOLLOWER_COLLECTOR] = {.age_days = 20, .follows = 0, .posts_per_day = 1,
				   .follows_per_day = 40},
	[PK_BRAND_ANSWERS] = {.age_days = 200, .follows = 2, .posts_per_day = 2,
			      .answer_prob = 0.95},
	[PK_BRAND_IGNORES] = {.age_days = 200, .follows = 2, .posts_per_day = 2},
	[PK_SYBIL] = {.age_days = 2, .follows = 8, .posts_per_day = 4, .answer_prob = 0.9},
	[PK_REPLY_BOT] = {.age_days = 10, .follows = 0, .posts_per_day = 6},
};

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A number key of a persona within [lo, hi]; absent keeps *out. */
static int number(json_t *o, const char *key, double lo, double hi, double *out, char *err,
		  size_t n, const char *who)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 0;
	if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi ||
	    isnan(json_number_value(v))) {
		return fail(err, n, "persona %s: %s must be a number from %g to %g", who, key, lo,
			    hi);
	}
	*out = json_number_value(v);
	return 0;
}

static int integer(json_t *o, const char *key, int lo, int hi, int *out, char *err, size_t n,
		   const char *who)
{
	double d = *out;
	if (number(o, key, lo, hi, &d, err, n, who))
		return -1;
	if (d != (int)d)
		return fail(err, n, "persona %s: %s must be a whole number", who, key);
	*out = (int)d;
	return 0;
}

static const char *const known_keys[] = {
	"kind",        "name",           "count",        "age_days",   "follows",
	"posts_per_day", "dms_per_day",  "follows_per_day", "answer_prob", "caps_share",
	"criticism_prob", "follow_back", "admins", NULL,
};

static int check_keys(json_t *o, const char *who, char *err, size_t n)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		int i = 0;
		while (known_keys[i] && strcmp(known_keys[i], key))
			i++;
		if (!known_keys[i])
			return fail(err, n, "persona %s: unknown key \"%s\"", who, key);
	}
	return 0;
}

static int kind_of(json_t *o, enum sim_kind *out, char *err, size_t n, const char *who)
{
	const char *k = json_string_value(json_object_get(o, "kind"));
	for (int i = 0; k && i < PK_KINDS; i++)
		if (!strcmp(k, kind_names[i])) {
			*out = (enum sim_kind)i;
			return 0;
		}
	return fail(err, n, "persona %s: \"kind\" must be one of the persona kinds%s%s", who,
		    k ? ", not " : " (missing)", k ? k : "");
}

static int persona(json_t *o, int index, struct sim_persona *p, char *err, size_t n)
{
	char who[48];
	snprintf(who, sizeof who, "#%d", index + 1);
	if (!json_is_object(o))
		return fail(err, n, "persona %s: %s", who, "not an object");
	enum sim_kind k = PK_CONVERSATIONALIST;
	if (check_keys(o, who, err, n) || kind_of(o, &k, err, n, who))
		return -1;
	*p = defaults[k];
	p->kind = k;
	json_t *name = json_object_get(o, "name");
	if (name && (!json_is_string(name) || !*json_string_value(name) ||
		     strlen(json_string_value(name)) >= sizeof p->name))
		return fail(err, n, "persona %s: %s", who, "name must be 1 to 31 characters");
	snprintf(p->name, sizeof p->name, "%s", name ? json_string_value(name) : kind_names[k]);
	snprintf(who, sizeof who, "%s", p->name);
	if (!json_object_get(o, "count"))
		return fail(err, n, "persona %s: %s", who, "count is missing");
	return integer(o, "count", 0, SIM_ACCOUNTS_MAX, &p->count, err, n, who) ||
	       integer(o, "age_days", 0, 3650, &p->age_days, err, n, who) ||
	       integer(o, "follows", 0, SIM_ACCOUNTS_MAX, &p->follows, err, n, who) ||
	       number(o, "posts_per_day", 0, 200, &p->posts_per_day, err, n, who) ||
	       number(o, "dms_per_day", 0, 200, &p->dms_per_day, err, n, who) ||
	       number(o, "follows_per_day", 0, 500, &p->follows_per_day, err, n, who) ||
	       number(o, "answer_prob", 0, 1, &p->answer_prob, err, n, who) ||
	       number(o, "caps_share", 0, 1, &p->caps_share, err, n, who) ||
	       number(o, "criticism_prob", 0, 1, &p->criticism_prob, err, n, who) ||
	       number(o, "follow_back", 0, 1, &p->follow_back, err, n, who) ||
	       integer(o, "admins", 0, p->count, &p->admins, err, n, who)
		       ? -1
		       : 0;
}

int sim_personas_load(const char *path, struct sim_personas *out, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		snprintf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
		return -1;
	}
	int rc = -1;
	json_t *list = json_object_get(root, "personas");
	memset(out, 0, sizeof *out);
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > SIM_PERSONAS_MAX) {
		snprintf(err, errlen, "%s: \"personas\" must be a list of 1 to %d personas", path,
			 SIM_PERSONAS_MAX);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		struct sim_persona *p = &out->v[out->n];
		if (persona(json_array_get(list, i), (int)i, p, err, errlen))
			goto out;
		p->first = out->accounts;
		out->accounts += p->count;
		out->n++;
		if (out->accounts > SIM_ACCOUNTS_MAX) {
			snprintf(err, errlen, "%s: more than %d accounts in all", path,
				 SIM_ACCOUNTS_MAX);
			goto out;
		}
	}
	if (out->accounts < 2)
		snprintf(err, errlen, "%s: a community needs at least 2 accounts", path);
	else
		rc = 0;
out:
	json_decref(root);
	return rc;
}
