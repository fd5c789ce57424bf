/* sim_measure.c - what the mechanics did to the simulated community, read
 * back through core as a client would see it: the Conversations feed of
 * the conversationalists' followers (each simulated day), the cards and
 * trust, the flags on each status, the notifications; then the table and
 * the JSON. A figure with nothing to count is n/a (null), never 0. */
#include "tools/sim_internal.h"

#include "core/convfeed.h"
#include "core/detect.h"
#include "core/events.h"
#include "core/relationships.h"
#include "core/social_capital.h"
#include "core/timeline.h"
#include "store/statuses.h"
#include "util/util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FEED_PAGE 20 /* the first page a reader sees */

static int cmp_id(const void *a, const void *b)
{
	const struct sim_id *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

int sim_index(const struct sim *s, int64_t id)
{
	struct sim_id key = {id, 0};
	const struct sim_id *f = bsearch(&key, s->byid, (size_t)s->n, sizeof key, cmp_id);
	return f ? f->index : -1;
}

static void index_accounts(struct sim *s)
{
	if (s->byid)
		return;
	s->byid = xmalloc((size_t)s->n * sizeof *s->byid);
	for (int i = 0; i < s->n; i++)
		s->byid[i] = (struct sim_id){s->a[i].id, i};
	qsort(s->byid, (size_t)s->n, sizeof *s->byid, cmp_id);
}

static void fresh(struct sim *s)
{
	arena_free(&s->arena);
	arena_init(&s->arena);
	s->c.err = (struct core_error){0};
}

/* A reader: a person (conversationalist or lurker) who follows at least
 * one conversationalist. */
static bool reader(const struct sim *s, int r)
{
	if (s->a[r].kind != PK_CONVERSATIONALIST && s->a[r].kind != PK_LURKER)
		return false;
	for (int b = 0; b < s->n; b++)
		if (s->a[b].kind == PK_CONVERSATIONALIST && sim_bit(s->follows, s, r, b))
			return true;
	return false;
}

int sim_read_feeds(struct sim *s)
{
	index_accounts(s);
	for (int r = 0; r < s->n; r++) {
		if (!reader(s, r))
			continue;
		fresh(s);
		struct page pg = {.limit = FEED_PAGE};
		struct convfeed_page out;
		if (convfeed_page(&s->c, s->a[r].id, &pg, &out)) {
			fprintf(stderr, "rapport: simulate: the Conversations feed failed: %s\n",
				s->c.err.msg);
			return -1;
		}
		s->feed_reads++;
		for (int i = 0; i < out.list.n; i++) {
			int k = sim_index(s, out.list.items[i].account_id);
			if (k >= 0) {
				s->feed_items[s->a[k].persona]++;
				s->feed_total++;
			}
		}
	}
	return 0;
}

/* ---- the flags each status ended with ---- */

static int cmp_status(const void *a, const void *b)
{
	const struct sim_flagged *x = a, *y = b;
	return x->status_id < y->status_id ? -1 : x->status_id > y->status_id;
}

/* statuses[] holds what each write's event said; stored flags are read
 * back (a later copy can flag earlier ones). */
static int stored_flags(struct sim *s, uint32_t *stored)
{
	for (int i = 0; i < s->nstatuses; i++) {
		fresh(s);
		const struct sim_flagged *f = &s->statuses[i];
		int flags = 0;
		if (timeline_viewer_flags(&s->c, s->a[f->author].id, &f->status_id, 1, &flags)) {
			fprintf(stderr, "rapport: simulate: reading flags failed: %s\n",
				s->c.err.msg);
			return -1;
		}
		stored[i] = (uint32_t)flags >> FLAG_RAPPORT_SHIFT;
	}
	for (int i = 0; i < s->nmsgs; i++) {
		struct sim_flagged key = {.status_id = s->msgs[i].status_id};
		const struct sim_flagged *f = bsearch(&key, s->statuses, (size_t)s->nstatuses,
						      sizeof key, cmp_status);
		s->msgs[i].stored = f ? stored[f - s->statuses] : 0;
	}
	return 0;
}

/* ---- detectors: precision and recall against the ground truth ---- */

struct score {
	const char *name, *unit;
	int64_t tp, fp, fn, tn;
	int64_t late, late_caught; /* positives from the sender's 3rd on; caught as sent */
	bool by_third;
};

static void count(struct score *sc, bool truth, bool predicted)
{
	if (truth)
		predicted ? sc->tp++ : sc->fn++;
	else
		predicted ? sc->fp++ : sc->tn++;
}

static void score_messages(struct sim *s, struct score *sc, enum sim_msg_class cls,
			   uint32_t flag)
{
	sc->by_third = true;
	for (int i = 0; i < s->nmsgs; i++) {
		const struct sim_msg *m = &s->msgs[i];
		if (m->cls != cls)
			continue;
		count(sc, m->bot, (m->stored | m->at_send) & flag);
		if (m->bot && m->nth >= 3) {
			sc->late++;
			sc->late_caught += (m->at_send & flag) != 0;
		}
	}
}

static void score_accounts(struct sim *s, struct score sc[5], const uint32_t *stored)
{
	bool *saturated = xcalloc((size_t)s->n, sizeof *saturated);
	for (int i = 0; i < s->nstatuses; i++) {
		const struct sim_flagged *f = &s->statuses[i];
		if ((f->at_send | stored[i]) & EVENT_FLAG_SATURATED)
			saturated[f->author] = true;
		count(&sc[4], f->shouted, (f->at_send | stored[i]) & EVENT_FLAG_SHOUTING);
	}
	for (int a = 0; a < s->n; a++) {
		const struct sim_persona *p = &s->p->v[s->a[a].persona];
		count(&sc[2], p->kind == PK_FOLLOWER_COLLECTOR, s->a[a].refused_follows > 0);
		count(&sc[3], p->kind == PK_CONTENT_FACTORY, saturated[a]);
	}
	free(saturated);
}

static json_t *ratio(int64_t num, int64_t den)
{
	return den > 0 ? json_real(round((double)num / (double)den * 10000) / 10000) : json_null();
}

static json_t *score_json(const struct score *sc)
{
	json_t *o = json_object();
	json_object_set_new(o, "unit", json_string(sc->unit));
	json_object_set_new(o, "true_positives", json_integer(sc->tp));
	json_object_set_new(o, "false_positives", json_integer(sc->fp));
	json_object_set_new(o, "false_negatives", json_integer(sc->fn));
	json_object_set_new(o, "true_negatives", json_integer(sc->tn));
	json_object_set_new(o, "precision", ratio(sc->tp, sc->tp + sc->fp));
	json_object_set_new(o, "recall", ratio(sc->tp, sc->tp + sc->fn));
	if (sc->by_third)
		json_object_set_new(o, "recall_by_3rd", ratio(sc->late_caught, sc->late));
	return o;
}

/* ---- message requests: what reached notifications ---- */

/* Whether recipient has a mention notification of status from sender. */
static int notified(struct sim *s, const struct sim_msg *m, bool *out)
{
	struct notification_filter f = {.types = ",mention,", .exclude = "",
					.from = s->a[m->sender].id};
	struct page pg = {.limit = 40};
	*out = false;
	for (;;) {
		fresh(s);
		struct notification_list l;
		int rows;
		if (notif_list(&s->c, s->a[m->recipient].id, &f, &pg, &l, &rows)) {
			fprintf(stderr, "rapport: simulate: notifications failed: %s\n",
				s->c.err.msg);
			return -1;
		}
		for (int i = 0; i < l.n; i++)
			*out = *out || l.items[i].status_id == m->status_id;
		if (*out || rows < pg.limit || l.n == 0)
			return 0;
		pg.max_id = l.items[l.n - 1].id;
	}
}

struct reach {
	int64_t stranger_dms, stranger_dms_notified;
	int64_t automated, automated_notified; /* flagged as sent */
	int64_t later, later_notified;         /* flagged later, as a copy */
};

static int reach(struct sim *s, struct reach *r)
{
	for (int i = 0; i < s->nmsgs; i++) {
		const struct sim_msg *m = &s->msgs[i];
		bool automated = m->at_send & EVENT_FLAG_AUTOMATED;
		bool later = !automated && (m->stored & EVENT_FLAG_AUTOMATED);
		bool stranger = m->cls == MSG_DIRECT && m->stranger;
		bool n = false;
		if ((stranger || automated || later) && notified(s, m, &n))
			return -1;
		r->stranger_dms += stranger;
		r->stranger_dms_notified += stranger && n;
		r->automated += automated;
		r->automated_notified += automated && n;
		r->later += later;
		r->later_notified += later && n;
	}
	return 0;
}

/* ---- cards and trust, per persona ---- */

struct figures {
	double sum[SK_COUNT];
	int n[SK_COUNT];
	double *trust; /* per account of the persona */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static json_t *num(double v)
{
	return isnan(v) ? json_null() : json_real(round(v * 10000) / 10000);
}

static double median(double *v, int n)
{
	if (n == 0)
		return NAN;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cards(struct sim *s, struct figures *fig)
{
	for (int a = 0; a < s->n; a++) {
		fresh(s);
		struct social_card card;
		if (social_card_get(&s->c, s->a[a].id, &card)) {
			fprintf(stderr, "rapport: simulate: card failed: %s\n", s->c.err.msg);
			return -1;
		}
		struct figures *f = &fig[s->a[a].persona];
		for (int k = 0; k < SK_COUNT; k++) {
			double v = social_value(&card, k);
			if (k == SK_TRUST || v < 0)
				continue;
			f->sum[k] += v;
			f->n[k]++;
		}
		f->trust[f->n[SK_TRUST]++] = social_value(&card, SK_TRUST);
	}
	return 0;
}

/* ---- the output ---- */

static json_t *persona_json(struct sim *s, int i, const struct figures *f)
{
	const struct sim_persona *p = &s->p->v[i];
	json_t *o = json_object(), *card = json_object();
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "kind", json_string(sim_kind_name(p->kind)));
	json_object_set_new(o, "count", json_integer(p->count));
	int64_t statuses = 0, refused = 0;
	for (int k = 0; k < p->count; k++) {
		statuses += s->a[p->first + k].statuses;
		refused += s->a[p->first + k].refused_follows;
	}
	json_object_set_new(o, "statuses_per_account_day",
			    num(p->count ? (double)statuses / p->count / s->o->days : NAN));
	for (int k = 0; k < SK_COUNT; k++)
		if (k != SK_TRUST)
			json_object_set_new(card, social_key_name(k),
					    num(f->n[k] ? f->sum[k] / f->n[k] : NAN));
	json_object_set_new(o, "card", card);
	json_object_set_new(o, "trust_median", num(median(f->trust, f->n[SK_TRUST])));
	json_object_set_new(o, "feed_share", ratio(s->feed_items[i], s->feed_total));
	json_object_set_new(o, "feed_share_per_account",
			    p->count ? ratio(s->feed_items[i], s->feed_total * p->count)
				     : json_null());
	json_object_set_new(o, "follows_refused", json_integer(refused));
	return o;
}

/* A number in a column of width w with p decimals, or n/a. */
static void cell(const json_t *v, int w, int p, double scale)
{
	if (json_is_number(v))
		printf(" %*.*f", w, p, json_number_value(v) * scale);
	else
		printf(" %*s", w, "n/a");
}

static void print_table(const json_t *root)
{
	static const char *const keys[] = {"listening", "reciprocity", "follows_returned",
					   "responsiveness", "depth", "saturation"};
	printf("\n%-20s %-18s %5s %6s %8s %7s %7s %8s %6s %6s %7s %7s %7s\n", "persona", "kind",
	       "n", "st/day", "listen", "recip", "f.back", "resp(h)", "depth", "satur", "trust",
	       "feed%", "feed%/1");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(root, "personas"), i, p) {
		const json_t *card = json_object_get(p, "card");
		printf("%-20s %-18s %5lld", json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "kind")),
		       (long long)json_integer_value(json_object_get(p, "count")));
		cell(json_object_get(p, "statuses_per_account_day"), 6, 2, 1);
		static const int width[] = {8, 7, 7, 8, 6, 6};
		for (int k = 0; k < 6; k++)
			cell(json_object_get(card, keys[k]), width[k], 2, k == 3 ? 1 / 3600.0 : 1);
		cell(json_object_get(p, "trust_median"), 7, 3, 1);
		cell(json_object_get(p, "feed_share"), 7, 1, 100);
		cell(json_object_get(p, "feed_share_per_account"), 7, 2, 100);
		putchar('\n');
	}
	printf("\n%-20s %-22s %6s %6s %6s %9s %8s %8s\n", "detector", "unit", "tp", "fp", "fn",
	       "precision", "recall", "by 3rd");
	const char *name;
	json_t *d;
	json_object_foreach(json_object_get(root, "detectors"), name, d) {
		printf("%-20s %-22s %6lld %6lld %6lld", name,
		       json_string_value(json_object_get(d, "unit")),
		       (long long)json_integer_value(json_object_get(d, "true_positives")),
		       (long long)json_integer_value(json_object_get(d, "false_positives")),
		       (long long)json_integer_value(json_object_get(d, "false_negatives")));
		cell(json_object_get(d, "precision"), 9, 3, 1);
		cell(json_object_get(d, "recall"), 8, 3, 1);
		const json_t *third = json_object_get(d, "recall_by_3rd");
		if (third)
			cell(third, 8, 3, 1);
		putchar('\n');
	}
	const json_t *r = json_object_get(root, "requests");
	printf("\nstranger direct messages: %lld, notified %lld; flagged automated as sent: %lld, "
	       "notified %lld; flagged later (earlier copies of a template): %lld, notified %lld\n",
	       (long long)json_integer_value(json_object_get(r, "stranger_dms")),
	       (long long)json_integer_value(json_object_get(r, "stranger_dms_notified")),
	       (long long)json_integer_value(json_object_get(r, "automated")),
	       (long long)json_integer_value(json_object_get(r, "automated_notified")),
	       (long long)json_integer_value(json_object_get(r, "flagged_later")),
	       (long long)json_integer_value(json_object_get(r, "flagged_later_notified")));
	printf("feed: %s\n", json_string_value(json_object_get(root, "feed")));
}

static json_t *results(struct sim *s, struct figures *fig, struct score *sc, int nsc,
		       const struct reach *r)
{
	json_t *root = json_object(), *personas = json_array(), *det = json_object();
	json_object_set_new(root, "seed", json_integer((json_int_t)s->o->seed));
	json_object_set_new(root, "days", json_integer(s->o->days));
	json_object_set_new(root, "accounts", json_integer(s->n));
	json_object_set_new(root, "acts", json_integer(s->actions));
	json_object_set_new(root, "statuses", json_integer(s->nstatuses));
	json_object_set_new(
		root, "feed",
		json_string("the Conversations feed (core/convfeed), the first page of "
			    "20 items of each conversationalist's follower, once a day"));
	json_object_set_new(root, "feed_items", json_integer(s->feed_total));
	double *honest = xmalloc(((size_t)s->n + 1) * sizeof *honest);
	int nh = 0;
	for (int i = 0; i < s->p->n; i++) {
		json_array_append_new(personas, persona_json(s, i, &fig[i]));
		for (int k = 0; s->p->v[i].kind == PK_CONVERSATIONALIST && k < fig[i].n[SK_TRUST];
		     k++)
			honest[nh++] = fig[i].trust[k];
	}
	json_object_set_new(root, "personas", personas);
	json_object_set_new(root, "honest_trust_median", num(median(honest, nh)));
	free(honest);
	for (int i = 0; i < nsc; i++)
		json_object_set_new(det, sc[i].name, score_json(&sc[i]));
	json_object_set_new(root, "detectors", det);
	json_t *req = json_object();
	json_object_set_new(req, "stranger_dms", json_integer(r->stranger_dms));
	json_object_set_new(req, "stranger_dms_notified", json_integer(r->stranger_dms_notified));
	json_object_set_new(req, "automated", json_integer(r->automated));
	json_object_set_new(req, "automated_notified", json_integer(r->automated_notified));
	json_object_set_new(req, "flagged_later", json_integer(r->later));
	json_object_set_new(req, "flagged_later_notified", json_integer(r->later_notified));
	json_object_set_new(root, "requests", req);
	return root;
}

static int output(struct sim *s, json_t *root)
{
	print_table(root);
	if (!s->o->json)
		return 0;
	if (json_dump_file(root, s->o->json, JSON_INDENT(2) | JSON_REAL_PRECISION(10))) {
		fprintf(stderr, "rapport: simulate: cannot write %s\n", s->o->json);
		return -1;
	}
	return 0;
}

int sim_measure(struct sim *s)
{
	index_accounts(s);
	qsort(s->statuses, (size_t)s->nstatuses, sizeof *s->statuses, cmp_status);
	uint32_t *stored = xcalloc((size_t)s->nstatuses + 1, sizeof *stored);
	struct figures fig[SIM_PERSONAS_MAX] = {0};
	for (int i = 0; i < s->p->n; i++)
		fig[i].trust = xcalloc((size_t)s->p->v[i].count + 1, sizeof(double));
	struct score sc[5] = {
		{.name = "auto_dm", .unit = "direct message"},
		{.name = "templated", .unit = "reply or mention"},
		{.name = "follower_collector", .unit = "account"},
		{.name = "saturation", .unit = "account"},
		{.name = "shouting", .unit = "status"},
	};
	struct reach r = {0};
	int rc = -1;
	if (stored_flags(s, stored) || cards(s, fig) || reach(s, &r))
		goto out;
	score_messages(s, &sc[0], MSG_DIRECT, EVENT_FLAG_AUTOMATED);
	score_messages(s, &sc[1], MSG_REPLY, EVENT_FLAG_TEMPLATED);
	score_accounts(s, sc, stored);
	json_t *root = results(s, fig, sc, 5, &r);
	rc = output(s, root);
	json_decref(root);
out:
	for (int i = 0; i < s->p->n; i++)
		free(fig[i].trust);
	free(stored);
	free(s->byid);
	s->byid = NULL;
	return rc;
}
