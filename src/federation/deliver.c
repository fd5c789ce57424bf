/* deliver.c - the delivery worker: queued POSTs, signed, many at once. */
#include "federation/deliver.h"
#include "core/accounts.h"
#include "core/keys.h"
#include "federation/outbox.h"
#include "store/accounts.h"
#include "store/deliver.h"
#include "store/keys.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/rsa.h"
#include "util/util.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define AP_POST_TYPE "application/activity+json"
#define TAKE_IDLE_MS 1000 /* how often an idle worker looks at the queue */
#define HOST_RECHECK_MS 60000
#define SATURATED_DELAY_MS 1000

/* ---- rules ---- */

int64_t deliver_backoff_ms(int attempts, unsigned jitter)
{
	int64_t a = attempts;
	return (a * a * a * a + 15 + (int64_t)(jitter % 10) * (a + 1)) * 1000;
}

bool deliver_status_final(long status)
{
	if (status >= 200 && status < 300)
		return true;
	if (status >= 400 && status < 500)
		return status != 401 && status != 408 && status != 429;
	return status == 501;
}

/* ---- RFC 9421 signing ---- */

static void b64(const unsigned char *in, size_t n, char *out, size_t cap)
{
	sodium_bin2base64(out, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
}

int deliver_sign_rfc9421(const char *url, const char *body, size_t n, const char *key_id,
			 int64_t now, sig_sign_fn sign, void *ctx, struct sig9421_headers *h)
{
	unsigned char md[SHA256_DIGEST_LENGTH], sig[RSA_SIG_MAX];
	char md64[64], *base = NULL;
	size_t siglen = 0;
	int rc = -1;
	SHA256((const unsigned char *)body, n, md);
	b64(md, sizeof md, md64, sizeof md64);
	snprintf(h->content_digest, sizeof h->content_digest, "sha-256=:%s:", md64);
	time_t t = (time_t)now;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(h->date, sizeof h->date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	int k = snprintf(h->input, sizeof h->input,
			 "(\"@method\" \"@target-uri\" \"content-digest\");created=%lld;"
			 "keyid=\"%s\";alg=\"rsa-v1_5-sha256\"",
			 (long long)now, key_id);
	if (k < 0 || (size_t)k >= sizeof h->input - 8 || strpbrk(key_id, "\"\\\r\n") ||
	    strpbrk(url, "\r\n"))
		return -1;
	if (asprintf(&base,
		     "\"@method\": POST\n\"@target-uri\": %s\n\"content-digest\": %s\n"
		     "\"@signature-params\": %s",
		     url, h->content_digest, h->input) < 0)
		return -1;
	if (sign(ctx, base, strlen(base), sig, &siglen) == 0) {
		char s64[RSA_SIG_MAX * 2];
		b64(sig, siglen, s64, sizeof s64);
		snprintf(h->signature, sizeof h->signature, "sig1=:%s:", s64);
		memmove(h->input + 5, h->input, strlen(h->input) + 1);
		memcpy(h->input, "sig1=", 5);
		rc = 0;
	}
	free(base);
	return rc;
}

/* ---- hosts ---- */

struct host {
	char name[256];
	int inflight, failures; /* failures in a row */
	int64_t open_until;     /* ms: the breaker is open until then */
	int64_t checked_at;     /* ms: when `unavailable` was read */
	bool unavailable, rfc9421;
};

/* The worker's state: one worker per process. */
static struct {
	CURLM *multi;
	struct host *hosts;
	int nhosts, caphosts;
	int inflight;
	struct job *jobs;  /* transfers under way */
	int64_t next_take; /* ms */
	int64_t actor_id;  /* the last signer, and its keyId */
	char key_id[600];
	struct key_session ks; /* its key, during one turn */
	char user_agent[160];
	atomic_bool woken;
} w = {.actor_id = -1};

static struct host *host_of(const char *name)
{
	for (int i = 0; i < w.nhosts; i++)
		if (!strcmp(w.hosts[i].name, name))
			return &w.hosts[i];
	if (w.nhosts == w.caphosts) {
		w.caphosts = w.caphosts ? w.caphosts * 2 : 64;
		w.hosts = xrealloc(w.hosts, (size_t)w.caphosts * sizeof *w.hosts);
	}
	struct host *h = &w.hosts[w.nhosts++];
	*h = (struct host){0};
	snprintf(h->name, sizeof h->name, "%s", name);
	return h;
}

/* ---- transfers ---- */

struct job {
	CURL *h;
	struct curl_slist *headers;
	int64_t id, activity_id, actor_id;
	int attempts;
	char *inbox, *host, *body;
	bool refused, rfc9421;
	struct job *prev, *next; /* in w.jobs while its transfer is under way */
};

static curl_socket_t on_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct job *j = arg;
	if (purpose != CURLSOCKTYPE_IPCXN || !fetch_address_allowed(&a->addr)) {
		j->refused = true;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n; /* the answer's body is not read */
}

static void job_unlink(struct job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else if (w.jobs == j)
		w.jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	j->prev = j->next = NULL;
}

static void job_free(struct job *j)
{
	job_unlink(j);
	if (j->h) {
		curl_multi_remove_handle(w.multi, j->h);
		curl_easy_cleanup(j->h);
	}
	curl_slist_free_all(j->headers);
	free(j->inbox);
	free(j->host);
	free(j->body);
	free(j);
}

/* How a delivery's signature came out: made, impossible (its actor has
 * no key: it is no account of ours, nor a deleted one whose key is kept
 * for its last deliveries) or not now (the store, OpenSSL or libcurl
 * failed). */
enum signing { SIGN_OK, SIGN_NO_KEY, SIGN_FAILED };

/* The keyId of a deleted account (its row is gone, its key kept for
 * these deliveries: federation/outbox.h) in *id: its id is the
 * activity's actor, one of ours. */
static enum signing gone_key_id(struct core *c, const struct job *j, const char **id)
{
	const char *pem;
	enum store_rc st = store_key_public(c->db, c->arena, j->actor_id, &pem);
	if (st != ST_OK)
		return st == ST_NOT_FOUND ? SIGN_NO_KEY : SIGN_FAILED;
	*id = NULL;
	json_t *b = json_loads(j->body, 0, NULL);
	const char *actor = json_string_value(json_object_get(b, "actor"));
	const char *base = c->cfg->base_url;
	if (actor && str_has_prefix(actor, base) && str_has_prefix(actor + strlen(base), "/users/"))
		*id = arena_printf(c->arena, "%s#main-key", actor);
	json_decref(b);
	return *id ? SIGN_OK : SIGN_NO_KEY;
}

static enum signing key_id_of(struct core *c, const struct job *j, const char **key_id)
{
	int64_t actor_id = j->actor_id;
	*key_id = w.key_id;
	if (actor_id == w.actor_id)
		return SIGN_OK;
	struct account a;
	const char *gone;
	enum signing sg = SIGN_OK;
	enum store_rc st = ST_OK;
	if (actor_id == KEYS_INSTANCE_ACTOR)
		snprintf(w.key_id, sizeof w.key_id, "%s/actor#main-key", c->cfg->base_url);
	else if ((st = store_account_get(c->db, c->arena, actor_id, &a)) == ST_OK && !*a.domain)
		snprintf(w.key_id, sizeof w.key_id, "%s#main-key", account_uri(c, &a));
	else if (st == ST_NOT_FOUND && (sg = gone_key_id(c, j, &gone)) == SIGN_OK)
		snprintf(w.key_id, sizeof w.key_id, "%s", gone);
	else
		return st == ST_ERROR ? SIGN_FAILED : sg == SIGN_OK ? SIGN_NO_KEY : sg;
	w.actor_id = actor_id;
	return SIGN_OK;
}

static struct curl_slist *header(struct curl_slist *l, const char *name, const char *value)
{
	char line[SIG_HEADER_MAX + 64];
	snprintf(line, sizeof line, "%s: %s", name, value);
	return l ? curl_slist_append(l, line) : NULL;
}

/* The headers of j's POST, signed by its actor in the form its host wants. */
static enum signing sign_job(struct core *c, struct job *j)
{
	const char *key_id;
	const char *target = strchr(strstr(j->inbox, "://") + 3, '/');
	enum signing sg = key_id_of(c, j, &key_id);
	if (sg != SIGN_OK)
		return sg;
	if (w.ks.key && w.ks.account_id != j->actor_id)
		key_session_close(&w.ks);
	if (!w.ks.key && key_session_open(c, j->actor_id, &w.ks) != RC_OK)
		return SIGN_FAILED;
	int64_t now = now_ms() / 1000;
	size_t n = strlen(j->body);
	struct curl_slist *l = curl_slist_append(NULL, "Content-Type: " AP_POST_TYPE);
	l = header(l, "Host", j->host);
	l = header(l, "Expect", "");
	if (j->rfc9421) {
		struct sig9421_headers h;
		if (deliver_sign_rfc9421(j->inbox, j->body, n, key_id, now, key_session_sign,
					 &w.ks, &h))
			goto fail;
		l = header(header(header(header(l, "Date", h.date), "Content-Digest",
					 h.content_digest),
				  "Signature-Input", h.input),
			   "Signature", h.signature);
	} else {
		struct sig_outgoing o = {"POST", j->host,      target ? target : "/",
					 AP_POST_TYPE, j->body, n, key_id, now};
		struct sig_headers h;
		if (sig_sign_cavage(&o, key_session_sign, &w.ks, &h))
			goto fail;
		l = header(header(header(l, "Date", h.date), "Digest", h.digest), "Signature",
			   h.signature);
	}
	if (!l)
		return SIGN_FAILED;
	curl_slist_free_all(j->headers);
	j->headers = l;
	return SIGN_OK;
fail:
	curl_slist_free_all(l);
	return SIGN_FAILED;
}

/* Starts j's transfer: SIGN_OK, SIGN_NO_KEY (it never can start) or
 * SIGN_FAILED (it may later). */
static enum signing start(struct core *c, struct job *j)
{
	j->refused = false;
	enum signing sg = sign_job(c, j);
	if (sg != SIGN_OK)
		return sg;
	if (j->h) {
		curl_multi_remove_handle(w.multi, j->h);
		curl_easy_cleanup(j->h);
	}
	CURL *h = j->h = curl_easy_init();
	if (!h)
		return SIGN_FAILED;
	curl_easy_setopt(h, CURLOPT_URL, j->inbox);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->headers);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(j->body));
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)DELIVER_CONNECT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)DELIVER_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, w.user_agent);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, j);
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	if (curl_multi_add_handle(w.multi, h) != CURLM_OK)
		return SIGN_FAILED;
	w.inflight++;
	host_of(j->host)->inflight++;
	j->next = w.jobs;
	if (w.jobs)
		w.jobs->prev = j;
	w.jobs = j;
	return SIGN_OK;
}

/* ---- taking deliveries ---- */

/* What to do with a delivery just taken: start it, drop it (its host is
 * unavailable) or put it off until *when. */
enum verdict { V_START, V_DROP, V_LATER };

static enum verdict judge(struct db *db, const struct store_delivery *d, int64_t now,
			  int64_t *when)
{
	struct host *h = host_of(d->host);
	if (now - h->checked_at > HOST_RECHECK_MS || !h->checked_at) {
		bool down = false;
		if (store_host_unavailable(db, d->host, &down) == ST_OK) {
			h->unavailable = down;
			h->checked_at = now;
		}
	}
	if (h->unavailable)
		return V_DROP;
	if (h->open_until > now) {
		*when = h->open_until;
		return V_LATER;
	}
	if (h->inflight >= DELIVER_PER_HOST) {
		*when = now + SATURATED_DELAY_MS;
		return V_LATER;
	}
	return V_START;
}

static struct job *job_new(const struct store_delivery *d)
{
	struct job *j = xcalloc(1, sizeof *j);
	j->id = d->id;
	j->activity_id = d->activity_id;
	j->actor_id = d->actor_id;
	j->attempts = d->attempts;
	j->inbox = xstrdup(d->inbox);
	j->host = xstrdup(d->host);
	j->body = xstrdup(d->body);
	j->rfc9421 = host_of(d->host)->rfc9421;
	return j;
}

struct taken {
	struct core *c;
	int64_t now;
	struct job **start;
	int n;
};

/* In one transaction: takes the due deliveries for the free slots, drops
 * those whose host is unavailable and puts off those whose host is busy
 * or resting; the rest are to start. */
static enum store_rc take_fn(struct db *db, void *arg)
{
	struct taken *t = arg;
	int free_slots = DELIVER_MAX - w.inflight;
	struct store_delivery *v;
	int n;
	t->n = 0;
	if (store_deliveries_take(db, t->c->arena, t->now, t->now + DELIVER_LEASE_MS, free_slots,
				  &v, &n) != ST_OK)
		return ST_ERROR;
	t->start = arena_calloc(t->c->arena, (size_t)n + 1, sizeof *t->start);
	for (int i = 0; i < n; i++) {
		int64_t when = 0;
		enum verdict vd = judge(db, &v[i], t->now, &when);
		if (vd == V_START) {
			struct host *h = host_of(v[i].host);
			h->inflight++; /* counted now, so the batch respects the cap */
			t->start[t->n++] = job_new(&v[i]);
			continue;
		}
		enum store_rc st = vd == V_DROP ? store_delivery_drop(db, v[i].id, v[i].activity_id)
						: store_delivery_postpone(db, v[i].id, when);
		if (st != ST_OK)
			return ST_ERROR;
	}
	return ST_OK;
}

static enum store_rc drop_fn(struct db *db, void *arg)
{
	const struct job *j = arg;
	return store_delivery_drop(db, j->id, j->activity_id);
}

/* A delivery no key can sign would fail on every try: it is dropped, and
 * said so once. */
static void drop_unsignable(struct core *c, const struct job *j)
{
	log_warn("deliver: POST %s dropped: actor %lld of activity %lld has no key to sign it"
		 " (no such account of ours)",
		 j->inbox, (long long)j->actor_id, (long long)j->activity_id);
	if (store_tx(c->db, drop_fn, (void *)j) != ST_OK)
		log_error("deliver: the store failed; the delivery is taken again");
}

/* Takes due deliveries for the free slots and starts them. 1 if it took
 * some, 0 if none was due, -1 on a store failure. */
static int take(struct core *c)
{
	int64_t now = now_ms();
	if (DELIVER_MAX - w.inflight <= 0 ||
	    (now < w.next_take && !atomic_exchange(&w.woken, false)))
		return 0;
	struct taken t = {c, now, NULL, 0};
	enum store_rc st = store_tx(c->db, take_fn, &t);
	for (int i = 0; i < t.n; i++) {
		struct job *j = t.start[i];
		host_of(j->host)->inflight--;
		enum signing sg = SIGN_FAILED;
		if (st != ST_OK || (sg = start(c, j)) == SIGN_OK) {
			if (st != ST_OK)
				job_free(j); /* not taken after all */
			continue;
		}
		if (sg == SIGN_NO_KEY)
			drop_unsignable(c, j);
		else
			log_error("deliver: cannot start a POST to %s", j->inbox);
		job_free(j); /* else its lease runs out: tried again then */
	}
	if (st != ST_OK)
		return -1;
	w.next_take = t.n ? now : now + TAKE_IDLE_MS;
	return t.n > 0;
}

/* ---- finishing ---- */

enum outcome { O_DONE, O_FINAL, O_RETRY };

struct finished {
	struct job *j;
	enum outcome o;
	long status;
};

static enum outcome outcome_of(struct job *j, CURLcode res, long status)
{
	if (j->refused)
		return O_FINAL;
	if (res != CURLE_OK)
		return O_RETRY;
	if (status >= 200 && status < 300)
		return O_DONE;
	return deliver_status_final(status) ? O_FINAL : O_RETRY;
}

static enum store_rc record(struct db *db, const struct finished *f, int64_t now)
{
	struct job *j = f->j;
	if (f->o == O_DONE)
		return store_delivery_drop(db, j->id, j->activity_id) == ST_OK
			       ? store_host_success(db, j->host)
			       : ST_ERROR;
	if (f->o == O_FINAL || j->attempts + 1 >= DELIVER_TRIES)
		return store_delivery_drop(db, j->id, j->activity_id);
	bool down;
	if (store_host_failure(db, j->host, now / 86400000, DELIVER_UNAVAILABLE_DAYS, &down) !=
	    ST_OK)
		return ST_ERROR;
	if (down)
		return store_delivery_drop(db, j->id, j->activity_id);
	return store_delivery_retry(db, j->id, j->attempts + 1,
				    now + deliver_backoff_ms(j->attempts + 1, randombytes_random()));
}

struct record_ctx {
	struct finished *f;
	int n;
};

static enum store_rc record_fn(struct db *db, void *arg)
{
	struct record_ctx *r = arg;
	int64_t now = now_ms();
	for (int i = 0; i < r->n; i++)
		if (record(db, &r->f[i], now) != ST_OK)
			return ST_ERROR;
	return ST_OK;
}

/* The host's memory of how its deliveries went. */
static void host_learn(const struct finished *f)
{
	struct host *h = host_of(f->j->host);
	if (f->o == O_DONE) {
		h->failures = 0;
		h->unavailable = false;
		h->rfc9421 = f->j->rfc9421;
	} else if (f->o == O_RETRY && ++h->failures >= DELIVER_BREAKER_FAILURES) {
		h->open_until = now_ms() + DELIVER_BREAKER_MS;
		h->failures = 0;
		log_warn("deliver: %s failed %d times in a row; left alone for %d s", h->name,
			 DELIVER_BREAKER_FAILURES, DELIVER_BREAKER_MS / 1000);
	}
}

/* A 400 or 401 to a draft-cavage POST: knock again in RFC 9421. */
static bool knock_again(struct core *c, struct job *j, CURLcode res, long status)
{
	if (res != CURLE_OK || j->rfc9421 || (status != 400 && status != 401))
		return false;
	j->rfc9421 = true;
	return start(c, j) == SIGN_OK;
}

/* Reads the finished transfers and records them in one transaction. */
static int finish(struct core *c)
{
	struct finished *f = arena_calloc(c->arena, DELIVER_MAX, sizeof *f);
	int n = 0, left;
	CURLMsg *m;
	while (n < DELIVER_MAX && (m = curl_multi_info_read(w.multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct job *j;
		long status = 0;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
		CURLcode res = m->data.result;
		w.inflight--;
		host_of(j->host)->inflight--;
		job_unlink(j);
		if (knock_again(c, j, res, status))
			continue;
		f[n++] = (struct finished){j, outcome_of(j, res, status), status};
		if (f[n - 1].o != O_DONE)
			log_info("deliver: POST %s: %s %ld", j->inbox,
				 j->refused ? "address refused" : curl_easy_strerror(res), status);
	}
	if (n == 0)
		return 0;
	struct record_ctx r = {f, n};
	enum store_rc st = store_tx(c->db, record_fn, &r);
	for (int i = 0; i < n; i++) {
		if (st == ST_OK)
			host_learn(&f[i]);
		job_free(f[i].j); /* on a failure the lease runs out: taken again */
	}
	return st == ST_OK ? 1 : -1;
}

/* ---- the loop ---- */

/* Ends the transfers under way without recording them: their leases run
 * out and they are taken again. */
static void abandon(void)
{
	while (w.jobs)
		job_free(w.jobs);
	for (int i = 0; i < w.nhosts; i++)
		w.hosts[i].inflight = 0;
	w.inflight = 0;
}

static int setup(const struct config *cfg)
{
	if (!w.multi && !(w.multi = curl_multi_init()))
		return -1;
	snprintf(w.user_agent, sizeof w.user_agent, "Rapport/%s (+%s)", RAPPORT_VERSION,
		 cfg->base_url);
	return 0;
}

/* One turn with the store: finished transfers, then new ones. */
static int turn(struct core *c)
{
	int f = finish(c);
	int t = f < 0 ? -1 : take(c);
	key_session_close(&w.ks);
	return f < 0 || t < 0 ? -1 : f || t;
}

/* Moves the transfers on, waiting up to wait_ms for one to need us. */
static void transfer(int wait_ms)
{
	int running;
	curl_multi_perform(w.multi, &running);
	curl_multi_poll(w.multi, NULL, 0, wait_ms, NULL);
	curl_multi_perform(w.multi, &running);
}

int deliver_run(struct core *c, int timeout_ms)
{
	if (setup(c->cfg))
		return -1;
	int64_t until = mono_ms() + timeout_ms;
	w.next_take = 0;
	int rc = 0;
	while (mono_ms() < until) {
		w.next_take = 0;
		int k = turn(c);
		if (k < 0) {
			rc = -1;
			break;
		}
		if (k == 0 && w.inflight == 0)
			break;
		transfer(20);
	}
	abandon();
	return rc;
}

void deliver_forget(void)
{
	abandon();
	w.nhosts = 0;
	w.actor_id = -1;
}

static enum store_rc revive_fn(struct db *db, void *arg)
{
	return store_host_success(db, arg);
}

enum rc deliver_host_revive(struct core *c, const char *host)
{
	bool failing;
	/* a read first: a healthy host's requests write nothing */
	if (store_host_failing(c->db, host, &failing) != ST_OK ||
	    (failing && store_tx(c->db, revive_fn, (void *)host) != ST_OK))
		return RC_INTERNAL;
	return RC_OK;
}

static struct {
	pthread_t thread;
	atomic_bool stop;
	bool running;
	struct store *st;
	const struct config *cfg;
} t;

void deliver_wake(void)
{
	atomic_store(&w.woken, true);
	if (w.multi)
		curl_multi_wakeup(w.multi);
}

static void *thread_main(void *arg)
{
	(void)arg;
	store_thread_background();
	struct arena ar;
	arena_init(&ar);
	while (!atomic_load(&t.stop)) {
		struct core c = {.db = store_acquire(t.st), .arena = &ar, .cfg = t.cfg};
		int k = turn(&c);
		store_release(t.st, c.db);
		arena_free(&ar);
		if (k < 0)
			log_error("deliver: the store failed; trying again");
		transfer(k > 0 ? 0 : k < 0 ? 1000 : 200);
	}
	return NULL;
}

int deliver_start(struct store *st, const struct config *cfg)
{
	if (setup(cfg))
		return -1;
	t.st = st;
	t.cfg = cfg;
	atomic_store(&t.stop, false);
	if (pthread_create(&t.thread, NULL, thread_main, NULL)) {
		log_error("deliver: cannot start the worker thread");
		return -1;
	}
	t.running = true;
	return 0;
}

void deliver_stop(void)
{
	if (!t.running)
		return;
	atomic_store(&t.stop, true);
	curl_multi_wakeup(w.multi);
	pthread_join(t.thread, NULL);
	t.running = false;
	abandon();
	curl_multi_cleanup(w.multi);
	w.multi = NULL;
}
