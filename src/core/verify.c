/* verify.c - the rel="me" check of profile links and its worker thread
 * (see verify.h). */
#include "core/verify.h"
#include "core/accounts.h"
#include "store/accounts.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the page: <a> and <link> tags, their rel and href ---- */

struct tag {
	const char *rel, *href;
	size_t rel_n, href_n;
};

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* Reads one attribute at p; returns where the next one starts. */
static const char *attribute(const char *p, const char *end, struct tag *t)
{
	const char *name = p;
	while (p < end && !isspace((unsigned char)*p) && !strchr("=>/", *p))
		p++;
	size_t nl = (size_t)(p - name);
	p = skip_space(p, end);
	const char *v = p;
	size_t vl = 0;
	if (p < end && *p == '=') {
		p = skip_space(p + 1, end);
		char q = p < end && (*p == '"' || *p == '\'') ? *p++ : 0;
		v = p;
		while (p < end && (q ? *p != q : !isspace((unsigned char)*p) && *p != '>'))
			p++;
		vl = (size_t)(p - v);
		p += q && p < end;
	}
	if (nl == 3 && !strncasecmp(name, "rel", 3))
		t->rel = v, t->rel_n = vl;
	else if (nl == 4 && !strncasecmp(name, "href", 4))
		t->href = v, t->href_n = vl;
	if (p == name && p < end && *p != '>')
		p++; /* a stray character */
	return p;
}

static bool has_me(const char *rel, size_t n)
{
	for (size_t i = 0; i < n;) {
		while (i < n && isspace((unsigned char)rel[i]))
			i++;
		size_t s = i;
		while (i < n && !isspace((unsigned char)rel[i]))
			i++;
		if (i - s == 2 && !strncasecmp(rel + s, "me", 2))
			return true;
	}
	return false;
}

static bool href_is(const struct tag *t, const char *const *urls, int nurls)
{
	size_t n = t->href_n;
	if (n && t->href[n - 1] == '/')
		n--;
	for (int i = 0; i < nurls; i++)
		if (strlen(urls[i]) == n && !memcmp(t->href, urls[i], n))
			return true;
	return false;
}

bool verify_links_back(const char *html, size_t n, const char *const *urls, int nurls)
{
	const char *p = html, *end = html + n;
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		if (end - p >= 4 && !memcmp(p, "<!--", 4)) {
			const char *close = memmem(p, (size_t)(end - p), "-->", 3);
			if (!close)
				return false;
			p = close + 3;
			continue;
		}
		p++;
		size_t tl = 0;
		while (p + tl < end && isalpha((unsigned char)p[tl]))
			tl++;
		bool wanted = (tl == 1 && tolower((unsigned char)*p) == 'a') ||
			      (tl == 4 && !strncasecmp(p, "link", 4));
		struct tag t = {0};
		for (p += tl; p < end && *p != '>';)
			p = attribute(skip_space(p, end), end, &t);
		if (p >= end)
			return false; /* a tag cut off by the end of the page */
		if (wanted && t.rel && t.href && has_me(t.rel, t.rel_n) && href_is(&t, urls, nurls))
			return true;
	}
	return false;
}

/* ---- checking an account ---- */

static bool is_link(const char *v)
{
	return v && (str_has_prefix(v, "https://") || str_has_prefix(v, "http://")) &&
	       !strpbrk(v, " \t\r\n");
}

static bool page_links_back(const char *url, const char *const *profile, int n)
{
	struct fetch_result res;
	enum fetch_rc rc = fetch_get(url, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1", &res);
	bool ok = rc == FETCH_OK && res.status == 200 &&
		  verify_links_back(res.body, res.len, profile, n);
	if (rc != FETCH_OK)
		log_info("verify: %s: %s", url, fetch_rc_str(rc));
	fetch_result_free(&res);
	return ok;
}

/* The fields with verified_at set for the links that link back now. */
static char *checked_fields(struct core *c, const struct account *a)
{
	const char *profile[] = {account_url(c, a), account_uri(c, a)};
	json_t *arr = json_loads(a->fields ? a->fields : "[]", 0, NULL), *f;
	size_t i;
	char now[32];
	time_format(now_ms(), now, sizeof now);
	json_array_foreach(arr, i, f)
	{
		const char *v = json_string_value(json_object_get(f, "value"));
		const char *was = json_string_value(json_object_get(f, "verified_at"));
		bool ok = is_link(v) && page_links_back(v, profile, 2);
		json_object_set_new(f, "verified_at",
				    ok ? json_string(was ? was : now) : json_null());
	}
	char *out = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	return out;
}

struct set_ctx {
	int64_t id;
	const char *old, *fields;
};

static enum store_rc set_tx(struct db *db, void *arg)
{
	struct set_ctx *x = arg;
	enum store_rc st = store_account_set_fields(db, x->id, x->old, x->fields, now_ms());
	return st == ST_NOT_FOUND ? ST_OK : st; /* edited meanwhile: that edit is checked next */
}

/* No store connection is held while pages are fetched. */
static int verify_account(struct store *st, const struct config *cfg, int64_t id)
{
	struct arena ar;
	arena_init(&ar);
	struct core c = {.db = store_acquire(st), .arena = &ar, .cfg = cfg};
	struct account a;
	enum store_rc rc = store_account_get(c.db, &ar, id, &a);
	store_release(st, c.db);
	c.db = NULL;
	char *fields = rc == ST_OK ? checked_fields(&c, &a) : NULL;
	if (fields && strcmp(fields, a.fields)) {
		struct set_ctx x = {id, a.fields, fields};
		c.db = store_acquire(st);
		rc = store_tx(c.db, set_tx, &x);
		store_release(st, c.db);
	}
	free(fields);
	arena_free(&ar);
	return rc == ST_OK || rc == ST_NOT_FOUND ? 0 : -1;
}

/* ---- the worker ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stop;
	int64_t queue[VERIFY_QUEUE];
	int head, n;
	struct store *st;
	const struct config *cfg;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void verify_queue(int64_t account_id)
{
	pthread_mutex_lock(&w.lock);
	bool queued = !w.running;
	for (int i = 0; i < w.n && !queued; i++)
		queued = w.queue[(w.head + i) % VERIFY_QUEUE] == account_id;
	if (!queued && w.n < VERIFY_QUEUE) {
		w.queue[(w.head + w.n++) % VERIFY_QUEUE] = account_id;
		pthread_cond_signal(&w.cond);
	} else if (!queued) {
		log_warn("verify: queue full; links of account %lld not checked",
			 (long long)account_id);
	}
	pthread_mutex_unlock(&w.lock);
}

/* The next account to check, or 0 when stopping. */
static int64_t next_account(void)
{
	pthread_mutex_lock(&w.lock);
	while (!w.stop && !w.n)
		pthread_cond_wait(&w.cond, &w.lock);
	int64_t id = 0;
	if (!w.stop) {
		id = w.queue[w.head];
		w.head = (w.head + 1) % VERIFY_QUEUE;
		w.n--;
	}
	pthread_mutex_unlock(&w.lock);
	return id;
}

static void *worker_main(void *arg)
{
	(void)arg;
	store_thread_background();
	for (int64_t id; (id = next_account());)
		if (verify_account(w.st, w.cfg, id))
			log_error("verify: could not save the links of account %lld",
				  (long long)id);
	return NULL;
}

int verify_start(struct store *st, const struct config *cfg)
{
	w.st = st;
	w.cfg = cfg;
	w.stop = false;
	w.head = w.n = 0;
	if (pthread_create(&w.thread, NULL, worker_main, NULL)) {
		log_error("verify: cannot start the worker thread");
		return -1;
	}
	pthread_mutex_lock(&w.lock);
	w.running = true;
	pthread_mutex_unlock(&w.lock);
	return 0;
}

void verify_stop(void)
{
	pthread_mutex_lock(&w.lock);
	bool running = w.running;
	w.running = false;
	w.stop = true;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.lock);
	if (running)
		pthread_join(w.thread, NULL);
}
