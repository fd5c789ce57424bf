#include "tools/seed.h"
#include "core/password.h"
#include "store/accounts.h"
#include "store/oauth.h"
#include "store/seed.h"
#include "store/social.h"
#include "store/statuses.h"
#include "util/log.h"
#include "util/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEED_PASSWORD "seed-password"
#define NTAGS 64

enum post_kind { P_ORIGINAL, P_REPLY, P_REBLOG, P_DIRECT };

struct post {
	int32_t author, parent, thread, orig, dm_to;
	int32_t replies, reblogs, favs;
	uint8_t kind, vis, tag;
};

struct gen {
	const struct seed_opts *o;
	const struct config *cfg;
	struct db *db;
	uint64_t rng;
	int n, m;
	int64_t t0, span;
	/* accounts */
	int32_t *followers, *following, *statuses, *last_post;
	int32_t *answer_me; /* per account: the latest reply it received, or -1 */
	int32_t *fo_off, *fo_tgt; /* followees of each account (CSR) */
	double *pop_cdf, *act_cdf;
	int32_t *pop_perm;
	/* posts */
	struct post *p;
	int32_t *by_author_off, *by_author; /* feedable posts of each author (CSR) */
	int64_t nfav;
	uint64_t *favs; /* account << 32 | post, sorted */
	uint64_t *reblogged; /* (account << 32 | post) + 1 of each reblog, hashed */
	uint64_t reblogged_mask;
	int thread_root;
	int last_pct;
	const char *phase;
	int64_t t_phase;
};

static const char *const WORDS[] = {
	"people", "talk", "listen", "coffee", "friends", "question", "answer", "thanks",
	"community", "idea", "morning", "evening", "project", "book", "music", "garden", "city",
	"walk", "bread", "story", "photo", "weekend", "meeting", "learn", "teach", "share",
	"conversation", "help", "support", "feedback", "trust", "kind", "open", "together",
	"today", "tomorrow", "yesterday", "really", "great", "small", "big", "new", "old", "good",
	"think", "feel", "know", "see", "hear", "read", "write", "make", "build", "fix", "try",
	"the", "a", "and", "of", "to", "in", "is", "it", "for", "on", "with", "that", "this",
	"we", "you", "they", "our", "your", "their", "what", "why", "how", "when", "where",
};
#define NWORDS (sizeof WORDS / sizeof WORDS[0])

static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

static int rnd_below(struct gen *g, int n)
{
	return n > 0 ? (int)(rnd(g) % (uint64_t)n) : 0;
}

static double rnd_unit(struct gen *g)
{
	return (double)(rnd(g) >> 11) / 9007199254740992.0;
}

/* Zipf-like CDF over n ranks with exponent s. */
static double *zipf_cdf(int n, double s)
{
	double *c = xmalloc(sizeof(double) * (size_t)n), sum = 0;
	for (int i = 0; i < n; i++)
		c[i] = sum += 1.0 / pow(i + 1, s);
	for (int i = 0; i < n; i++)
		c[i] /= sum;
	return c;
}

static int zipf_pick(struct gen *g, const double *cdf, int n)
{
	double u = rnd_unit(g);
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void progress(struct gen *g, const char *phase, int64_t done, int64_t total)
{
	if (!g->o->progress || total <= 0)
		return;
	int pct = (int)(done * 100 / total);
	if (pct == g->last_pct && phase == g->phase)
		return;
	if (phase != g->phase)
		g->t_phase = mono_ms();
	g->last_pct = pct;
	g->phase = phase;
	char bar[31];
	int fill = pct * 30 / 100;
	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[30] = '\0';
	fprintf(stderr, "\r%-14s [%s] %3d%%", phase, bar, pct);
	if (done >= total)
		fprintf(stderr, " %.1f s\n", (double)(mono_ms() - g->t_phase) / 1000.0);
	fflush(stderr);
}

static int64_t account_id(struct gen *g, int i)
{
	return ((g->t0 - 86400000LL * 60 + (int64_t)i * 1000) << 16) | (i & 0xffff);
}

static int64_t post_id(struct gen *g, int i)
{
	return ((g->t0 + (int64_t)i * g->span / g->m) << 16) | (i & 0xffff);
}

static int64_t post_ms(struct gen *g, int i)
{
	return g->t0 + (int64_t)i * g->span / g->m;
}

/* ---- the follow graph ---- */

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void gen_follows(struct gen *g)
{
	int n = g->n;
	int64_t total = g->o->follows;
	/* Out-degrees vary (geometric around the mean); targets follow a
	 * Zipf popularity, which gives a power-law in-degree. */
	int32_t *deg = xcalloc((size_t)n, sizeof *deg);
	double mean = (double)total / n;
	int64_t sum = 0;
	for (int i = 0; i < n; i++) {
		double d = -mean * log(1.0 - rnd_unit(g) * 0.999);
		deg[i] = (int32_t)(d < 1 ? 1 : d > n / 2 ? n / 2 : d);
		sum += deg[i];
	}
	g->fo_off = xcalloc((size_t)n + 1, sizeof *g->fo_off);
	for (int i = 0; i < n; i++)
		g->fo_off[i + 1] = g->fo_off[i] + deg[i];
	g->fo_tgt = xcalloc((size_t)sum + 1, sizeof *g->fo_tgt);
	for (int i = 0; i < n; i++) {
		int32_t *t = g->fo_tgt + g->fo_off[i];
		int k = 0, tries = 0;
		while (k < deg[i] && tries++ < deg[i] * 20) {
			int32_t c = g->pop_perm[zipf_pick(g, g->pop_cdf, n)];
			bool dup = c == i;
			for (int j = 0; j < k && !dup; j++)
				dup = t[j] == c;
			if (!dup)
				t[k++] = c;
		}
		qsort(t, (size_t)k, sizeof *t, cmp_i32);
		deg[i] = k;
	}
	/* Compact away the slots left empty by duplicates. */
	int32_t w = 0;
	for (int i = 0; i < n; i++) {
		int32_t start = g->fo_off[i];
		g->fo_off[i] = w;
		memmove(g->fo_tgt + w, g->fo_tgt + start, sizeof(int32_t) * (size_t)deg[i]);
		w += deg[i];
		g->following[i] = deg[i];
		for (int j = 0; j < deg[i]; j++)
			g->followers[g->fo_tgt[g->fo_off[i] + j]]++;
	}
	g->fo_off[n] = w;
	free(deg);
}

static bool follows(const struct gen *g, int a, int b)
{
	int32_t key = b;
	return bsearch(&key, g->fo_tgt + g->fo_off[a], (size_t)(g->fo_off[a + 1] - g->fo_off[a]),
		       sizeof key, cmp_i32) != NULL;
}

/* ---- posts ---- */

/* A recent post (within the last `window`) that can be replied to or
 * reblogged: not a reblog, not direct. */
static int recent_post(struct gen *g, int i, int window, bool public_only)
{
	for (int tries = 0; tries < 8 && i > 0; tries++) {
		int j = i - 1 - rnd_below(g, i < window ? i : window);
		const struct post *q = &g->p[j];
		if (q->kind == P_REBLOG || q->kind == P_DIRECT)
			continue;
		if (public_only && q->vis != VIS_PUBLIC)
			continue;
		return j;
	}
	return -1;
}

/* Whether author has reblogged post j already; records it if not. The
 * store holds one reblog per account and status (migration 7). */
static bool reblogged_before(struct gen *g, int author, int j)
{
	uint64_t key = ((uint64_t)(uint32_t)author << 32 | (uint32_t)j) + 1;
	uint64_t i = (key * 0x9E3779B97F4A7C15ULL >> 32) & g->reblogged_mask;
	for (;; i = (i + 1) & g->reblogged_mask) {
		if (g->reblogged[i] == key)
			return true;
		if (!g->reblogged[i]) {
			g->reblogged[i] = key;
			return false;
		}
	}
}

/* What author replies to: half the time the latest reply it received
 * (people answer those who answer them: threads of several turns between
 * people who talk), else a recent post. */
static int reply_target(struct gen *g, int i, int author)
{
	int j = g->answer_me[author];
	if (j >= 0 && i - j < 5000 && rnd_below(g, 2) == 0)
		return j;
	return recent_post(g, i, 5000, false);
}

static void gen_post(struct gen *g, int i, int author)
{
	struct post *p = &g->p[i];
	memset(p, 0, sizeof *p);
	p->author = author;
	p->parent = p->orig = p->dm_to = -1;
	p->thread = i;
	p->tag = rnd_below(g, 5) == 0 ? (uint8_t)(1 + rnd_below(g, NTAGS)) : 0;
	int r = rnd_below(g, 100), j;
	if (r < 20 && (j = reply_target(g, i, author)) >= 0 &&
	    (g->p[j].vis != VIS_PRIVATE || follows(g, author, g->p[j].author) ||
	     g->p[j].author == author)) {
		p->kind = P_REPLY;
		p->parent = j;
		p->thread = g->p[j].thread;
		p->vis = g->p[j].vis;
		g->p[j].replies++;
		if (g->p[j].author != author)
			g->answer_me[g->p[j].author] = i;
	} else if (r < 28 && (j = recent_post(g, i, 20000, true)) >= 0 &&
		   g->p[j].author != author && !reblogged_before(g, author, j)) {
		p->kind = P_REBLOG;
		p->orig = j;
		p->vis = VIS_PUBLIC;
		p->tag = 0;
		g->p[j].reblogs++;
	} else if (r < 30 && g->following[author] > 0) {
		p->kind = P_DIRECT;
		p->vis = VIS_DIRECT;
		p->dm_to = g->fo_tgt[g->fo_off[author] + rnd_below(g, g->following[author])];
	} else {
		int v = rnd_below(g, 100);
		p->kind = P_ORIGINAL;
		p->vis = v < 85 ? VIS_PUBLIC : v < 95 ? VIS_UNLISTED : VIS_PRIVATE;
	}
	g->statuses[author]++;
	g->last_post[author] = i;
}

/* The one big thread: a root by the most followed account and replies
 * that answer the root or earlier replies. */
static void gen_thread(struct gen *g, int start)
{
	int top = 0;
	for (int a = 1; a < g->n; a++)
		if (g->followers[a] > g->followers[top])
			top = a;
	struct post *root = &g->p[start];
	memset(root, 0, sizeof *root);
	root->author = top;
	root->parent = root->orig = root->dm_to = -1;
	root->thread = start;
	root->kind = P_ORIGINAL;
	root->vis = VIS_PUBLIC;
	g->statuses[top]++;
	g->last_post[top] = start;
	g->thread_root = start;
	for (int i = start + 1; i < g->m; i++) {
		struct post *p = &g->p[i];
		memset(p, 0, sizeof *p);
		p->author = rnd_below(g, g->n);
		p->orig = p->dm_to = -1;
		p->kind = P_REPLY;
		p->vis = VIS_PUBLIC;
		p->thread = start;
		p->parent = rnd_below(g, 3) == 0 ? start : start + rnd_below(g, i - start);
		g->p[p->parent].replies++;
		g->statuses[p->author]++;
		g->last_post[p->author] = i;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void gen_favourites(struct gen *g, int64_t want)
{
	g->favs = xcalloc((size_t)want + 1, sizeof *g->favs);
	int64_t k = 0;
	for (int64_t t = 0; t < want * 2 && k < want; t++) {
		int j = g->m - 1 - rnd_below(g, g->m);
		const struct post *q = &g->p[j];
		if (q->kind == P_REBLOG || q->kind == P_DIRECT || q->vis == VIS_PRIVATE)
			continue;
		int a = rnd_below(g, g->n);
		if (a == q->author)
			continue;
		g->favs[k++] = (uint64_t)a << 32 | (uint32_t)j;
	}
	qsort(g->favs, (size_t)k, sizeof *g->favs, cmp_u64);
	int64_t w = 0; /* drop duplicates, then count */
	for (int64_t i = 0; i < k; i++)
		if (w == 0 || g->favs[w - 1] != g->favs[i])
			g->favs[w++] = g->favs[i];
	g->nfav = w;
	for (int64_t i = 0; i < w; i++)
		g->p[(uint32_t)g->favs[i]].favs++;
}

/* Posts that go to followers' home feeds, per author in order. */
static void index_by_author(struct gen *g)
{
	g->by_author_off = xcalloc((size_t)g->n + 1, sizeof *g->by_author_off);
	for (int i = 0; i < g->m; i++)
		if (g->p[i].kind == P_ORIGINAL || g->p[i].kind == P_REBLOG)
			g->by_author_off[g->p[i].author + 1]++;
	for (int a = 0; a < g->n; a++)
		g->by_author_off[a + 1] += g->by_author_off[a];
	g->by_author = xcalloc((size_t)g->by_author_off[g->n] + 1, sizeof *g->by_author);
	int32_t *fill = xcalloc((size_t)g->n, sizeof *fill);
	for (int i = 0; i < g->m; i++)
		if (g->p[i].kind == P_ORIGINAL || g->p[i].kind == P_REBLOG) {
			int a = g->p[i].author;
			g->by_author[g->by_author_off[a] + fill[a]++] = i;
		}
	free(fill);
}

/* ---- writing ---- */

static const char *username(struct arena *a, int i)
{
	return arena_printf(a, "user%d", i);
}

static int write_accounts(struct gen *g, struct arena *ar)
{
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(SEED_PASSWORD, hash))
		return -1;
	for (int i = 0; i < g->n; i++) {
		const char *name = username(ar, i);
		struct account a = {
			.id = account_id(g, i),
			.username = name,
			.display_name = arena_printf(ar, "User %d", i),
			.note = "Here for the conversations.",
			.note_html = "<p>Here for the conversations.</p>",
			.uri = arena_printf(ar, "%s/users/%s", g->cfg->base_url, name),
			.url = arena_printf(ar, "%s/@%s", g->cfg->base_url, name),
			.created_at = g->t0 - 86400000LL * 60 + (int64_t)i * 1000,
			.last_status_at = g->last_post[i] >= 0 ? post_ms(g, g->last_post[i]) : 0,
			.statuses_count = g->statuses[i],
			.followers_count = g->followers[i],
			.following_count = g->following[i],
		};
		if (store_seed_account(g->db, &a, arena_printf(ar, "%s@seed.invalid", name), hash))
			return -1;
		progress(g, "accounts", i + 1, g->n);
		if (i % 1000 == 999)
			arena_free(ar);
	}
	for (int i = 0; i < g->n; i++) {
		for (int k = g->fo_off[i]; k < g->fo_off[i + 1]; k++) {
			int64_t at = g->t0 - 86400000LL * 30 + k;
			int t = g->fo_tgt[k];
			if (store_seed_follow(g->db, ((at << 16) | (k & 0xffff)), account_id(g, i),
					      account_id(g, t), at) ||
			    store_seed_notification(g->db, ((at << 16) | (k & 0xffff)),
						    account_id(g, t), account_id(g, i), "follow", 0,
						    at))
				return -1;
		}
		progress(g, "follows", i + 1, g->n);
	}
	return store_seed_checkpoint(g->db) == ST_OK ? 0 : -1;
}

/* Deterministic text for post i: words, a mention for replies, a tag. */
static void post_text(struct gen *g, struct arena *ar, int i, struct status *s, const char **mjson)
{
	const struct post *p = &g->p[i];
	uint64_t save = g->rng;
	g->rng = (uint64_t)i * 0x9E3779B97F4A7C15ULL + 1;
	int nw = 4 + rnd_below(g, 20);
	char text[1024], html[4096];
	size_t tl = 0, hl = 0;
	*mjson = "[]";
	html[0] = text[0] = '\0';
	hl += (size_t)snprintf(html, sizeof html, "<p>");
	if (p->kind == P_REPLY && g->p[p->parent].author != p->author) {
		int to = g->p[p->parent].author;
		const char *u = username(ar, to);
		const char *url = arena_printf(ar, "%s/@%s", g->cfg->base_url, u);
		tl += (size_t)snprintf(text + tl, sizeof text - tl, "@%s ", u);
		hl += (size_t)snprintf(html + hl, sizeof html - hl,
				       "<span class=\"h-card\" translate=\"no\"><a href=\"%s\" "
				       "class=\"u-url mention\">@<span>%s</span></a></span> ",
				       url, u);
		*mjson = arena_printf(ar, "[{\"id\":\"%lld\",\"username\":\"%s\",\"acct\":\"%s\","
					  "\"url\":\"%s\"}]",
				      (long long)account_id(g, to), u, u, url);
	}
	for (int w = 0; w < nw; w++) {
		const char *word = WORDS[rnd_below(g, (int)NWORDS)];
		tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s%s", w ? " " : "", word);
		hl += (size_t)snprintf(html + hl, sizeof html - hl, "%s%s", w ? " " : "", word);
	}
	s->tags = "[]";
	if (p->tag) {
		tl += (size_t)snprintf(text + tl, sizeof text - tl, " #topic%d", p->tag);
		hl += (size_t)snprintf(html + hl, sizeof html - hl,
				       " <a href=\"%s/tags/topic%d\" class=\"mention hashtag\" "
				       "rel=\"tag\">#<span>topic%d</span></a>",
				       g->cfg->base_url, p->tag, p->tag);
		s->tags = arena_printf(ar, "[\"topic%d\"]", p->tag);
	}
	snprintf(html + hl, sizeof html - hl, "</p>");
	s->text = arena_strdup(ar, text);
	s->content = arena_strdup(ar, html);
	g->rng = save;
}

static int write_post(struct gen *g, struct arena *ar, int i, const int64_t *tag_ids)
{
	const struct post *p = &g->p[i];
	struct status s = {
		.id = post_id(g, i),
		.account_id = account_id(g, p->author),
		.visibility = p->vis,
		.thread_id = post_id(g, p->thread),
		.created_at = post_ms(g, i),
		.replies_count = p->replies,
		.reblogs_count = p->reblogs,
		.favourites_count = p->favs,
		.text = "",
		.content = "",
		.mentions = "[]",
		.tags = "[]",
	};
	if (p->kind == P_REBLOG) {
		s.reblog_of_id = post_id(g, p->orig);
		s.thread_id = s.id;
	} else {
		post_text(g, ar, i, &s, &s.mentions);
	}
	if (p->kind == P_REPLY) {
		s.in_reply_to_id = post_id(g, p->parent);
		s.in_reply_to_account_id = account_id(g, g->p[p->parent].author);
	}
	if (p->kind == P_DIRECT) {
		const char *u = username(ar, p->dm_to);
		s.mentions = arena_printf(ar, "[{\"id\":\"%lld\",\"username\":\"%s\",\"acct\":\"%s\","
					      "\"url\":\"%s/@%s\"}]",
					  (long long)account_id(g, p->dm_to), u, u, g->cfg->base_url,
					  u);
		s.text = arena_printf(ar, "@%s %s", u, s.text);
	}
	if (store_seed_status(g->db, &s))
		return -1;
	int64_t from = s.account_id;
	enum store_rc st = ST_OK;
	if (p->kind == P_REPLY && g->p[p->parent].author != p->author) {
		st = store_seed_mention(g->db, s.id, s.in_reply_to_account_id);
		if (st == ST_OK)
			st = store_seed_notification(g->db, s.id, s.in_reply_to_account_id, from,
						     "mention", s.id, s.created_at);
	} else if (p->kind == P_REBLOG) {
		st = store_seed_notification(g->db, s.id, account_id(g, g->p[p->orig].author), from,
					     "reblog", s.reblog_of_id, s.created_at);
	} else if (p->kind == P_DIRECT) {
		int64_t to = account_id(g, p->dm_to);
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)to);
		st = store_seed_mention(g->db, s.id, to);
		if (st == ST_OK)
			st = store_seed_feed(g->db, s.account_id, s.id);
		if (st == ST_OK)
			st = store_seed_feed(g->db, to, s.id);
		if (st == ST_OK)
			st = store_seed_conversation(g->db, s.account_id, key, s.id, false);
		snprintf(key, sizeof key, "%lld", (long long)s.account_id);
		if (st == ST_OK)
			st = store_seed_conversation(g->db, to, key, s.id, true);
		if (st == ST_OK)
			st = store_seed_notification(g->db, s.id, to, from, "mention", s.id,
						     s.created_at);
	}
	if (st == ST_OK && p->tag)
		st = store_seed_status_tag(g->db, s.id, tag_ids[p->tag - 1]);
	return st == ST_OK ? 0 : -1;
}

static int write_posts(struct gen *g, struct arena *ar)
{
	int64_t tag_ids[NTAGS];
	for (int t = 0; t < NTAGS; t++) {
		char name[32];
		snprintf(name, sizeof name, "topic%d", t + 1);
		if (store_tag_ensure(g->db, name, &tag_ids[t]))
			return -1;
	}
	for (int i = 0; i < g->m; i++) {
		if (write_post(g, ar, i, tag_ids))
			return -1;
		if (i % 2000 == 1999) {
			arena_free(ar);
			progress(g, "posts", i + 1, g->m);
		}
		if (i % 200000 == 199999 && store_seed_checkpoint(g->db))
			return -1;
	}
	progress(g, "posts", g->m, g->m);
	for (int64_t k = 0; k < g->nfav; k++) {
		int a = (int)(g->favs[k] >> 32), j = (int)(uint32_t)g->favs[k];
		/* Favourites come after every post: their ids sort after the
		 * posts' and are unique per k. */
		int64_t at = g->t0 + g->span + 1000 + (k >> 16);
		int64_t id = (at << 16) | (k & 0xffff);
		if (store_seed_favourite(g->db, id, account_id(g, a), post_id(g, j), at) ||
		    store_seed_notification(g->db, id, account_id(g, g->p[j].author),
					    account_id(g, a), "favourite", post_id(g, j), at))
			return -1;
		if (k % 5000 == 4999)
			progress(g, "favourites", k + 1, g->nfav);
	}
	progress(g, "favourites", g->nfav, g->nfav);
	return store_seed_checkpoint(g->db) == ST_OK ? 0 : -1;
}

/* Each home feed: the newest feed_len posts of the accounts followed and
 * one's own, merged from the tail of each author's list. */
static int write_feeds(struct gen *g)
{
	int32_t *pos = xcalloc((size_t)g->n + 1, sizeof *pos);
	int32_t *who = xcalloc((size_t)g->n + 1, sizeof *who);
	for (int u = 0; u < g->n; u++) {
		int k = 0;
		who[k] = u;
		pos[k++] = g->by_author_off[u + 1];
		for (int f = g->fo_off[u]; f < g->fo_off[u + 1]; f++) {
			who[k] = g->fo_tgt[f];
			pos[k++] = g->by_author_off[g->fo_tgt[f] + 1];
		}
		for (int taken = 0; taken < g->o->feed_len; taken++) {
			int best = -1, bi = -1;
			for (int j = 0; j < k; j++) {
				if (pos[j] <= g->by_author_off[who[j]])
					continue;
				int cand = g->by_author[pos[j] - 1];
				if (cand > best)
					best = cand, bi = j;
			}
			if (bi < 0)
				break;
			pos[bi]--;
			if (store_seed_feed(g->db, account_id(g, u), post_id(g, best)))
				goto fail;
		}
		progress(g, "home feeds", u + 1, g->n);
		if (u % 2000 == 1999 && store_seed_checkpoint(g->db))
			goto fail;
	}
	free(pos);
	free(who);
	return 0;
fail:
	free(pos);
	free(who);
	return -1;
}

static int write_tokens(struct gen *g, struct arena *ar)
{
	FILE *f = fopen(g->o->tokens, "w");
	if (!f) {
		fprintf(stderr, "rapport: cannot write %s\n", g->o->tokens);
		return -1;
	}
	struct app app = {.id = id_new(), .name = "seed", .website = "", .redirect_uris =
			  "urn:ietf:wg:oauth:2.0:oob", .scopes = "read write follow push",
			  .created_at = now_ms()};
	char cid[TOKEN_LEN + 1], secret[TOKEN_LEN + 1], hash[65];
	token_random(cid);
	token_random(secret);
	sha256_hex(secret, strlen(secret), hash);
	app.client_id = cid;
	app.secret_hash = hash;
	int rc = store_app_insert(g->db, &app) == ST_OK ? 0 : -1;
	for (int i = 0; i < g->n && !rc; i++) {
		char tok[TOKEN_LEN + 1], th[65];
		token_random(tok);
		sha256_hex(tok, strlen(tok), th);
		struct token t = {.id = id_new(), .token_hash = th, .app_id = app.id,
				  .account_id = account_id(g, i), .scopes = "read write follow push",
				  .created_at = now_ms()};
		if (store_token_insert(g->db, &t) != ST_OK)
			rc = -1;
		fprintf(f, "%lld\t%s\t%s\t%d\n", (long long)t.account_id, username(ar, i), tok,
			g->followers[i]);
		if (i % 1000 == 999)
			arena_free(ar);
	}
	if (fclose(f))
		rc = -1;
	return rc;
}

static int write_manifest(struct gen *g, int64_t ms)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/seed.json", g->cfg->data_dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f,
		"{\"accounts\": %d, \"posts\": %d, \"follows\": %d, \"favourites\": %lld,"
		" \"thread_root\": \"%lld\", \"thread_replies\": %d, \"password\": \"%s\","
		" \"seed\": %llu, \"seconds\": %.1f}\n",
		g->n, g->m, g->fo_off[g->n], (long long)g->nfav,
		(long long)post_id(g, g->thread_root), g->m - 1 - g->thread_root, SEED_PASSWORD,
		(unsigned long long)g->o->seed, (double)ms / 1000.0);
	return fclose(f) ? -1 : 0;
}

static void gen_free(struct gen *g)
{
	free(g->followers);
	free(g->following);
	free(g->statuses);
	free(g->last_post);
	free(g->answer_me);
	free(g->fo_off);
	free(g->fo_tgt);
	free(g->pop_cdf);
	free(g->act_cdf);
	free(g->pop_perm);
	free(g->p);
	free(g->by_author_off);
	free(g->by_author);
	free(g->favs);
	free(g->reblogged);
}

static void generate(struct gen *g)
{
	int n = g->n;
	g->pop_cdf = zipf_cdf(n, 1.0);
	g->act_cdf = zipf_cdf(n, 0.8);
	/* Popularity and activity ranks map to shuffled accounts. */
	g->pop_perm = xcalloc((size_t)n, sizeof *g->pop_perm);
	for (int i = 0; i < n; i++)
		g->pop_perm[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = rnd_below(g, i + 1), t = g->pop_perm[i];
		g->pop_perm[i] = g->pop_perm[j];
		g->pop_perm[j] = t;
	}
	gen_follows(g);
	/* At most one post in ten is a reblog: a table of twice the posts
	 * stays sparse. */
	size_t slots = 16;
	while (slots < 2 * (size_t)g->m)
		slots *= 2;
	g->reblogged = xcalloc(slots, sizeof *g->reblogged);
	g->reblogged_mask = slots - 1;
	int thread = g->o->thread_replies < g->m - 1 ? g->o->thread_replies : g->m - 1;
	int start = g->m - 1 - thread;
	for (int i = 0; i < start; i++) {
		gen_post(g, i, g->pop_perm[(zipf_pick(g, g->act_cdf, n) + n / 3) % n]);
		if (i % 10000 == 9999)
			progress(g, "generating", i + 1, start);
	}
	progress(g, "generating", start, start);
	gen_thread(g, start);
	gen_favourites(g, g->m / 2);
	index_by_author(g);
}

int seed_run(const struct config *cfg, struct store *st, const struct seed_opts *o)
{
	int64_t t_start = mono_ms();
	struct gen g = {.o = o, .cfg = cfg, .n = o->accounts, .m = o->posts,
			.rng = o->seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL, .last_pct = -1};
	if (g.n < 2 || g.m < 2) {
		fprintf(stderr, "rapport: seed needs at least 2 accounts and 2 posts\n");
		return -1;
	}
	g.t0 = now_ms() - 86400000LL * 30;
	g.span = 86400000LL * 29;
	g.followers = xcalloc((size_t)g.n, sizeof(int32_t));
	g.following = xcalloc((size_t)g.n, sizeof(int32_t));
	g.statuses = xcalloc((size_t)g.n, sizeof(int32_t));
	g.last_post = xcalloc((size_t)g.n, sizeof(int32_t));
	g.answer_me = xcalloc((size_t)g.n, sizeof(int32_t));
	for (int i = 0; i < g.n; i++)
		g.last_post[i] = g.answer_me[i] = -1;
	g.p = xcalloc((size_t)g.m, sizeof *g.p);
	generate(&g);

	struct arena ar;
	arena_init(&ar);
	g.db = store_acquire(st);
	int rc = -1;
	int64_t have;
	if (store_count_local_accounts(g.db, &have) != ST_OK) {
		fprintf(stderr, "rapport: seed could not read %s: %s\n", cfg->data_dir,
			store_errmsg(g.db));
		goto out;
	}
	if (have > 0) {
		fprintf(stderr, "rapport: seed needs an empty store (%s has accounts)\n",
			cfg->data_dir);
		goto out;
	}
	if (store_seed_begin(g.db) || write_accounts(&g, &ar) || write_posts(&g, &ar) ||
	    write_feeds(&g) || store_seed_conversations(g.db) || (o->tokens && write_tokens(&g, &ar))) {
		fprintf(stderr, "rapport: seeding failed in %s: %s\n", g.phase ? g.phase : "setup",
			store_errmsg(g.db));
		goto out; /* store_release rolls the open transaction back */
	}
	if (g.o->progress)
		fprintf(stderr, "finishing (analyze, checkpoint)...\n");
	if (store_seed_finish(g.db)) {
		fprintf(stderr, "rapport: seeding failed while finishing\n");
		goto out;
	}
	rc = write_manifest(&g, mono_ms() - t_start);
	printf("seeded %d accounts, %d posts, %d follows, %lld favourites in %.1f s\n", g.n, g.m,
	       g.fo_off[g.n], (long long)g.nfav, (double)(mono_ms() - t_start) / 1000.0);
out:
	store_release(st, g.db);
	arena_free(&ar);
	gen_free(&g);
	return rc;
}
