/* previews.c - link preview cards and their worker thread (previews.h). */
#include "core/previews.h"
#include "core/linkcard.h"
#include "core/media.h"
#include "store/polls.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum store_rc previews_link(struct core *c, struct db *db, int64_t status_id, int visibility,
			    const char *url)
{
	if (!url || visibility == VIS_DIRECT)
		return store_card_unlink(db, status_id);
	bool fetch;
	int64_t now = now_ms();
	return store_card_link(db, status_id, url, now, now - (int64_t)c->cfg->card_ttl_s * 1000,
			       &fetch);
}

static bool is_html(const char *content_type)
{
	return !strncasecmp(content_type, "text/html", 9) ||
	       !strncasecmp(content_type, "application/xhtml+xml", 21);
}

static atomic_uint_fast64_t generation;

uint64_t previews_generation(void)
{
	return atomic_load(&generation);
}

struct save_ctx {
	const struct preview_card *card;
	bool ok;
};

static enum store_rc save_fn(struct db *db, void *arg)
{
	struct save_ctx *x = arg;
	return store_card_save(db, x->card, x->ok, now_ms());
}

/* Writes n bytes to a new file at path; 0 or -1 (nothing left behind). */
static int write_new(const char *path, const char *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	ssize_t k = write(fd, data, n);
	int rc = close(fd) || k != (ssize_t)n ? -1 : 0;
	if (rc)
		unlink(path);
	return rc;
}

/* The card's image fetched (util/fetch.c: SSRF-safe, FETCH_MAX bytes)
 * and made into out, a WebP in a 640-pixel box, as an upload's preview
 * is (core/media.h); card gets its blurhash and size. 0, or -1 when the
 * card is to have no image. */
static int card_image(struct core *c, struct preview_card *card, const char *prefix,
		      const char *out)
{
	struct fetch_result res;
	const char *in = arena_printf(c->arena, "%s.in", prefix);
	enum fetch_rc rc = fetch_get(card->image, "image/*", &res);
	char bh[64] = "";
	int ok = rc == FETCH_OK && res.status == 200 && !write_new(in, res.body, res.len) &&
		 !media_card_image(c, in, res.len, out, bh, &card->width, &card->height);
	if (rc != FETCH_OK)
		log_info("previews: image %s: %s", card->image, fetch_rc_str(rc));
	fetch_result_free(&res);
	unlink(in);
	card->blurhash = arena_strdup(c->arena, bh);
	return ok ? 0 : -1;
}

/* Saves the card (with ok, whether there is one), its image published
 * first from the temporary file image ("" for none). */
static int card_store(struct core *c, struct preview_card *card, bool ok, const char *image)
{
	char name[80] = "";
	media_files_lock(); /* the sweep waits until the card names the file */
	if (*image && media_publish(image, name))
		*name = '\0';
	card->image_file = arena_strdup(c->arena, name);
	if (!*name) {
		card->width = card->height = 0;
		card->blurhash = "";
	}
	struct save_ctx x = {card, ok};
	enum store_rc st = store_tx(c->db, save_fn, &x);
	media_files_unlock();
	return st == ST_OK ? 0 : -1;
}

int previews_fetch(struct core *c, const char *url)
{
	struct fetch_result res;
	enum fetch_rc rc = fetch_get(url, "text/html,application/xhtml+xml;q=0.9", &res);
	struct preview_card card = {.url = url};
	bool ok = rc == FETCH_OK && res.status == 200 && is_html(res.content_type) &&
		  !linkcard_extract(c->arena, res.body, res.len, url, &card);
	if (rc != FETCH_OK)
		log_info("previews: %s: %s", url, fetch_rc_str(rc));
	fetch_result_free(&res);
	/* its image: our own copy, so readers' browsers never ask the page's
	 * server */
	const char *prefix = arena_printf(c->arena, "%s/media/tmp/card-%lld", c->cfg->data_dir,
					  (long long)id_new());
	const char *image = arena_printf(c->arena, "%s-small.webp", prefix);
	if (!ok || !*card.image || card_image(c, &card, prefix, image))
		image = "";
	int saved = card_store(c, &card, ok, image);
	if (*image)
		unlink(image);
	if (saved)
		return -1;
	atomic_fetch_add(&generation, 1); /* after the commit: a reader that saw the old
					   * generation re-reads */
	return 0;
}

/* ---- the worker ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stop, pending;
	struct store *st;
	const struct config *cfg;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void previews_wake(void)
{
	pthread_mutex_lock(&w.lock);
	w.pending = true;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.lock);
}

/* Waits for a wake-up, or a second after a failure; false when stopping. */
static bool wait_for_work(bool failed)
{
	pthread_mutex_lock(&w.lock);
	if (!w.stop && (!w.pending || failed)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += failed ? 1 : 5; /* other processes may ask for cards too */
		pthread_cond_timedwait(&w.cond, &w.lock, &ts);
	}
	w.pending = false;
	bool go = !w.stop;
	pthread_mutex_unlock(&w.lock);
	return go;
}

struct claim_tx {
	struct arena *ar;
	int64_t now, until;
	const char *url;
};

/* The next due card, claimed for RAPPORT_JOB_LEASE: no other process
 * fetches it meanwhile, and another does if this one dies first. */
static enum store_rc claim_fn(struct db *db, void *arg)
{
	struct claim_tx *x = arg;
	enum store_rc st = store_card_claim(db, x->ar, x->now, x->until, &x->url);
	return st == ST_NOT_FOUND ? ST_OK : st; /* none: x->url stays NULL */
}

/* Fetches the next due card: 1 if there was one, 0 if none, -1 on failure.
 * The connection is given back before the fetch and taken again after. */
static int step(struct arena *ar)
{
	struct core c = {.db = store_acquire(w.st), .arena = ar, .cfg = w.cfg};
	struct claim_tx x = {ar, now_ms(), 0, NULL};
	x.until = x.now + (int64_t)w.cfg->job_lease_s * 1000;
	enum store_rc st = store_tx(c.db, claim_fn, &x);
	const char *url = x.url;
	store_release(w.st, c.db);
	if (st != ST_OK)
		return -1;
	if (!url)
		return 0;
	char *u = arena_strdup(ar, url);
	c.db = store_acquire(w.st);
	int rc = previews_fetch(&c, u);
	store_release(w.st, c.db);
	return rc ? -1 : 1;
}

static void *worker_main(void *arg)
{
	(void)arg;
	store_thread_background();
	struct arena ar;
	/* card images go through libvips on this thread (media_card_image) */
	arena_init(&ar);
	int n = 0;
	while (n > 0 || wait_for_work(n < 0)) {
		n = step(&ar);
		arena_free(&ar);
		if (n < 0)
			log_error("previews: a card could not be saved; retrying");
		pthread_mutex_lock(&w.lock);
		bool stop = w.stop;
		pthread_mutex_unlock(&w.lock);
		if (stop)
			break;
	}
	media_image_thread_end();
	return NULL;
}

int previews_start(struct store *st, const struct config *cfg)
{
	w.st = st;
	w.cfg = cfg;
	w.stop = false;
	w.pending = true; /* cards left due by the last run */
	if (pthread_create(&w.thread, NULL, worker_main, NULL)) {
		log_error("previews: cannot start the worker thread");
		return -1;
	}
	w.running = true;
	return 0;
}

void previews_stop(void)
{
	if (!w.running)
		return;
	pthread_mutex_lock(&w.lock);
	w.stop = true;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.lock);
	pthread_join(w.thread, NULL);
	w.running = false;
}
