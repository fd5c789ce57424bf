/* media_worker.c - the one thread that processes uploads, names the
 * results by their SHA-256, and sweeps what nothing uses (media.h). */
#include "core/media.h"
#include "store/claims.h"
#include "util/log.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <magic.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TMP_STALE_MS (60 * 60 * 1000) /* a partial upload this old is abandoned */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake, done_cond;
	pthread_t thread;
	bool running, stop, work;
	uint64_t done;
	struct store *st;
	const struct config *cfg;
	magic_t magic;
	pthread_mutex_t magic_lock;
	pthread_mutex_t files; /* media_files_lock() */
} w = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .wake = PTHREAD_COND_INITIALIZER,
       .done_cond = PTHREAD_COND_INITIALIZER,
       .magic_lock = PTHREAD_MUTEX_INITIALIZER,
       .files = PTHREAD_MUTEX_INITIALIZER};

void media_files_lock(void)
{
	pthread_mutex_lock(&w.files);
}

void media_files_unlock(void)
{
	pthread_mutex_unlock(&w.files);
}

const char *media_sniff(struct arena *ar, const char *path)
{
	char head[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, head, sizeof head);
	close(fd);
	if (n <= 0)
		return NULL;
	pthread_mutex_lock(&w.magic_lock);
	const char *t = w.magic ? magic_buffer(w.magic, head, (size_t)n) : NULL;
	char *copy = t ? arena_strdup(ar, t) : NULL;
	pthread_mutex_unlock(&w.magic_lock);
	return copy;
}

void media_worker_wake(void)
{
	pthread_mutex_lock(&w.lock);
	w.work = true;
	pthread_cond_signal(&w.wake);
	pthread_mutex_unlock(&w.lock);
}

bool media_worker_stopping(void)
{
	pthread_mutex_lock(&w.lock);
	bool s = w.stop;
	pthread_mutex_unlock(&w.lock);
	return s;
}

uint64_t media_worker_done(void)
{
	pthread_mutex_lock(&w.lock);
	uint64_t d = w.done;
	pthread_mutex_unlock(&w.lock);
	return d;
}

static void deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

void media_worker_wait(uint64_t seen, int ms)
{
	struct timespec ts;
	deadline(&ts, ms);
	pthread_mutex_lock(&w.lock);
	while (w.done == seen && w.running &&
	       pthread_cond_timedwait(&w.done_cond, &w.lock, &ts) == 0)
		;
	pthread_mutex_unlock(&w.lock);
}

/* ---- content-hash names ---- */

static int sha256_file(const char *path, char hex[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char buf[65536], md[32];
	ssize_t n;
	int rc = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ? 0 : -1;
	while (!rc && (n = read(fd, buf, sizeof buf)) > 0)
		rc = EVP_DigestUpdate(ctx, buf, (size_t)n) ? 0 : -1;
	if (!rc && (n < 0 || !EVP_DigestFinal_ex(ctx, md, NULL)))
		rc = -1;
	EVP_MD_CTX_free(ctx);
	close(fd);
	for (int i = 0; !rc && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return rc;
}

int media_publish(const char *tmp, char name[80])
{
	char hex[65], dir[700], path[800];
	const char *ext = strrchr(tmp, '.');
	if (!w.cfg || !ext || sha256_file(tmp, hex))
		return -1;
	snprintf(name, 80, "%s%s", hex, ext);
	snprintf(dir, sizeof dir, "%s/media/%.2s", w.cfg->data_dir, hex);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	return rename(tmp, path);
}

static void unpublish(const char *name)
{
	char path[800];
	snprintf(path, sizeof path, "%s/media/%.2s/%s", w.cfg->data_dir, name, name);
	unlink(path);
}

/* ---- processing one upload ---- */

/* CPU time of the process (libvips works in threads of its own): on a
 * loaded machine a steadier figure than the wall clock, and with nothing
 * else running in the process, the upload's own cost. */
static int64_t process_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct done_tx {
	struct media *m;
	const char *url;
};

static enum store_rc done_fn(struct db *db, void *arg)
{
	struct done_tx *x = arg;
	enum store_rc st = store_media_done(db, x->m);
	if (st == ST_OK && x->url)
		st = store_media_set_profile(db, x->m->account_id, x->m->id, x->m->kind, x->url,
					     now_ms());
	return st;
}

static int run_processing(struct media *m, const char *in, const char *prefix,
			  struct media_out *out)
{
	bool profile = !strcmp(m->kind, "avatar") || !strcmp(m->kind, "header");
	if (!strcmp(m->kind, "image") || profile)
		return media_image_process(in, m->mime, prefix, profile ? m->kind : NULL, out);
	return media_av_process(w.cfg, in, m->mime, prefix, out);
}

/* Publishes the outputs and records them; on any failure nothing of
 * them stays on disk. */
static int finish(struct core *c, struct media *m, struct media_out *out)
{
	char file[80] = "", preview[80] = "";
	if (media_publish(out->file, file) ||
	    (out->preview[0] && media_publish(out->preview, preview)))
		goto fail;
	m->file = file;
	m->preview = preview;
	m->meta = out->meta;
	m->blurhash = out->blurhash;
	m->kind = out->kind;
	struct done_tx x = {m, !strcmp(m->kind, "avatar") || !strcmp(m->kind, "header")
				       ? media_url(c->arena, w.cfg, file)
				       : NULL};
	if (store_tx(c->db, done_fn, &x) == ST_OK)
		return 0;
fail:
	/* Only the worker publishes, and it has not recorded these names:
	 * unless another upload had the same bytes, remove them. */
	for (int i = 0; i < 2; i++) {
		const char *n = i ? preview : file;
		bool used = true;
		if (*n && store_media_file_used(c->db, n, &used) == ST_OK && !used)
			unpublish(n);
	}
	snprintf(out->error, sizeof out->error, "the processed file could not be stored");
	return -1;
}

static void process(struct core *c, int64_t id)
{
	struct media m;
	if (store_media_get(c->db, c->arena, id, &m) != ST_OK || m.state != MEDIA_PROCESSING)
		return;
	const char *in = arena_printf(c->arena, "%s/media/tmp/in-%lld", w.cfg->data_dir,
				      (long long)id);
	const char *prefix = arena_printf(c->arena, "%s/media/tmp/out-%lld", w.cfg->data_dir,
					  (long long)id);
	struct media_out out = {.kind = m.kind};
	int64_t t0 = mono_ms(), cpu0 = process_cpu_ms();
	int rc = access(in, R_OK) ? -1 : run_processing(&m, in, prefix, &out);
	if (rc == -3) { /* stopping: the upload stays pending for the next start */
		if (store_media_unclaim(c->db, id) != ST_OK)
			log_warn("media %lld: left claimed; taken again when the claim ends",
				 (long long)id);
		unlink(out.file);
		unlink(out.preview);
		free(out.meta);
		return;
	}
	if (rc && !out.error[0])
		snprintf(out.error, sizeof out.error, "the upload could not be read");
	if (!rc)
		rc = finish(c, &m, &out);
	/* the temporary files go before a failure is told: a client that
	 * sees it finds nothing of the upload left */
	unlink(in);
	unlink(out.file);
	unlink(out.preview);
	if (rc && store_media_failed(c->db, id, out.error) != ST_OK)
		log_error("media %lld: cannot record the failure", (long long)id);
	log_info("media %lld (%s, %s): %s in %lld ms (%lld ms CPU in this process)",
		 (long long)id, m.mime, m.kind, rc ? out.error : "ready",
		 (long long)(mono_ms() - t0), (long long)(process_cpu_ms() - cpu0));
	free(out.meta);
}

/* ---- a client's thumbnail ---- */

/* meta with "small" set to width x height, malloc'ed; NULL on failure. */
static char *meta_small(const char *meta, int width, int height)
{
	json_t *j = json_loads(meta, 0, NULL);
	if (!json_is_object(j) || height <= 0) {
		json_decref(j);
		return NULL;
	}
	char size[32];
	snprintf(size, sizeof size, "%dx%d", width, height);
	json_object_set_new(j, "small",
			    json_pack("{s:i, s:i, s:s, s:f}", "width", width, "height", height, "size",
				      size, "aspect", (double)width / height));
	char *out = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return out;
}

/* Makes the thumbnail waiting in media/tmp/thumb-<id> the preview of
 * processed upload m (a failed one's is dropped). The file is first moved
 * to a name of the worker's own, so one sent meanwhile waits for the next
 * round. Returns 0, or -1 when the thumbnail could not be used (logged;
 * the preview stays as it was). */
static int thumbnail_make(struct core *c, struct media *m, const char *work,
			  const char *small, char name[80])
{
	const char *queued = arena_printf(c->arena, "%s/media/tmp/thumb-%lld", w.cfg->data_dir,
					  (long long)m->id);
	if (rename(queued, work) || m->state != MEDIA_READY)
		return -1;
	const char *mime = media_sniff(c->arena, work);
	char bh[64] = "";
	int pw = 0, ph = 0;
	char *meta = NULL;
	if (!mime || media_image_preview(work, mime, small, bh, &pw, &ph) ||
	    !(meta = meta_small(m->meta, pw, ph)) || media_publish(small, name)) {
		free(meta);
		return -1;
	}
	m->preview = name;
	m->blurhash = arena_strdup(c->arena, bh);
	m->meta = arena_strdup(c->arena, meta);
	free(meta);
	return 0;
}

static void process_thumbnail(struct core *c, int64_t id)
{
	struct media m;
	if (store_media_get(c->db, c->arena, id, &m) != ST_OK || m.thumbnail <= 0)
		return;
	const char *prefix = arena_printf(c->arena, "%s/media/tmp/out-%lld-thumb",
					  w.cfg->data_dir, (long long)id);
	const char *work = arena_printf(c->arena, "%s.in", prefix);
	const char *small = arena_printf(c->arena, "%s-small.webp", prefix);
	char name[80] = "";
	int rc = thumbnail_make(c, &m, work, small, name);
	bool used = true;
	if (store_media_thumbnail_done(c->db, &m) != ST_OK) {
		log_error("media %lld: cannot record the thumbnail", (long long)id);
		if (*name && store_media_file_used(c->db, name, &used) == ST_OK && !used)
			unpublish(name);
	}
	log_info("media %lld: thumbnail %s", (long long)id, rc ? "not usable" : "ready");
	unlink(work);
	unlink(small);
}

/* ---- the sweep ---- */

static void sweep_dir(struct core *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!media_file_type(e->d_name))
			continue;
		bool used = true;
		media_files_lock(); /* a file published, its row not committed yet */
		if (store_media_file_used(c->db, e->d_name, &used) == ST_OK && !used) {
			char *p = arena_printf(c->arena, "%s/%s", dir, e->d_name);
			if (!unlink(p))
				log_info("media: removed unused %s", e->d_name);
		}
		media_files_unlock();
	}
	if (d)
		closedir(d);
}

/* media/tmp: accepted uploads whose row is gone, and partial uploads
 * left by a crash. */
static void sweep_tmp(struct core *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int64_t id;
	while (d && (e = readdir(d))) {
		char *p = arena_printf(c->arena, "%s/%s", dir, e->d_name);
		struct stat sb;
		bool exists = true;
		const char *idp = !strncmp(e->d_name, "in-", 3)      ? e->d_name + 3
				  : !strncmp(e->d_name, "thumb-", 6) ? e->d_name + 6
								     : NULL;
		if (idp && id_parse(idp, &id) &&
		    store_media_exists(c->db, id, &exists) == ST_OK && !exists)
			unlink(p);
		else if ((!strncmp(e->d_name, "up-", 3) || !strncmp(e->d_name, "card-", 5)) &&
			 !stat(p, &sb) &&
			 (int64_t)sb.st_mtime * 1000 < now_ms() - TMP_STALE_MS)
			unlink(p);
	}
	if (d)
		closedir(d);
}

/* One process sweeps per interval: the first whose turn comes takes the
 * lease for the interval (the others' turns then find it held). */
static void sweep(struct core *c)
{
	int64_t n = 0, now = now_ms();
	bool mine = false;
	if (store_lease_take(c->db, "media sweep", now,
			     now + (int64_t)w.cfg->media_sweep_interval * 1000 - 1000,
			     &mine) != ST_OK || !mine)
		return;
	if (store_media_expire(c->db, now_ms() - (int64_t)w.cfg->media_unattached_ttl * 1000,
			       &n) != ST_OK)
		return; /* nothing is removed on a guess */
	if (n)
		log_info("media: %lld unattached uploads expired", (long long)n);
	const char *root = arena_printf(c->arena, "%s/media", w.cfg->data_dir);
	DIR *d = opendir(root);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strlen(e->d_name) == 2 && e->d_name[0] != '.')
			sweep_dir(c, arena_printf(c->arena, "%s/%s", root, e->d_name));
	if (d)
		closedir(d);
	sweep_tmp(c, arena_printf(c->arena, "%s/tmp", root));
}

/* ---- the thread ---- */

struct claim_tx {
	int64_t now, until, id;
};

static enum store_rc claim_fn(struct db *db, void *arg)
{
	struct claim_tx *x = arg;
	enum store_rc st = store_media_claim(db, x->now, x->until, &x->id);
	return st == ST_NOT_FOUND ? ST_OK : st; /* none: x->id stays 0 */
}

/* The next upload to process, claimed for this process: for ffmpeg's
 * longest run and RAPPORT_JOB_LEASE more. Another process takes it over
 * only if this one dies meanwhile; should both finish it, the first
 * result stands (store_media_done and store_media_failed change only an
 * upload still processing). */
static bool claim_next(struct core *c, int64_t *id)
{
	int64_t now = now_ms();
	int64_t lease_s = (int64_t)w.cfg->job_lease_s + w.cfg->media_ffmpeg_seconds;
	struct claim_tx x = {now, now + lease_s * 1000, 0};
	bool any = false;
	if (store_media_pending(c->db, now, &any) != ST_OK || !any ||
	    store_tx(c->db, claim_fn, &x) != ST_OK || !x.id)
		return false;
	*id = x.id;
	return true;
}

static bool next_step(int64_t *last_sweep)
{
	struct arena ar;
	arena_init(&ar);
	struct core c = {.db = store_acquire(w.st), .arena = &ar, .cfg = w.cfg};
	int64_t id = 0;
	bool did = claim_next(&c, &id);
	if (did)
		process(&c, id);
	else if ((did = store_media_next_thumbnail(c.db, &id) == ST_OK))
		process_thumbnail(&c, id);
	if (did) {
		pthread_mutex_lock(&w.lock);
		w.done++;
		pthread_cond_broadcast(&w.done_cond);
		pthread_mutex_unlock(&w.lock);
	}
	if (mono_ms() - *last_sweep >= (int64_t)w.cfg->media_sweep_interval * 1000) {
		sweep(&c);
		*last_sweep = mono_ms();
	}
	store_release(w.st, c.db);
	arena_free(&ar);
	return did;
}

static void *worker_main(void *arg)
{
	(void)arg;
	/* Uploads give way to requests: the thread and its children run at
	 * a lower priority. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	int64_t last_sweep = mono_ms();
	for (;;) {
		pthread_mutex_lock(&w.lock);
		bool stop = w.stop;
		pthread_mutex_unlock(&w.lock);
		if (stop)
			break;
		if (next_step(&last_sweep))
			continue;
		struct timespec ts;
		deadline(&ts, 1000);
		pthread_mutex_lock(&w.lock);
		while (!w.work && !w.stop &&
		       pthread_cond_timedwait(&w.wake, &w.lock, &ts) == 0)
			;
		w.work = false;
		pthread_mutex_unlock(&w.lock);
	}
	media_image_thread_end();
	return NULL;
}

static int make_dirs(const struct config *cfg)
{
	char p[700];
	snprintf(p, sizeof p, "%s/media", cfg->data_dir);
	if (mkdir(p, 0755) && errno != EEXIST)
		return -1;
	snprintf(p, sizeof p, "%s/media/tmp", cfg->data_dir);
	return mkdir(p, 0700) && errno != EEXIST ? -1 : 0;
}

static int open_libs(void)
{
	w.magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS |
			     MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_TAR);
	if (!w.magic || magic_load(w.magic, NULL)) {
		log_error("media: cannot load libmagic's database");
		return -1;
	}
	return 0;
}

int media_start(struct store *st, const struct config *cfg)
{
	w.st = st;
	w.cfg = cfg;
	w.stop = false;
	if (make_dirs(cfg) || open_libs()) {
		log_error("media: cannot prepare %s/media", cfg->data_dir);
		return -1;
	}
	pthread_mutex_lock(&w.lock);
	w.running = true;
	pthread_mutex_unlock(&w.lock);
	if (pthread_create(&w.thread, NULL, worker_main, NULL)) {
		w.running = false;
		log_error("media: cannot start the worker thread");
		return -1;
	}
	return 0;
}

void media_stop(void)
{
	pthread_mutex_lock(&w.lock);
	bool running = w.running;
	w.running = false;
	w.stop = true;
	pthread_cond_signal(&w.wake);
	pthread_cond_broadcast(&w.done_cond);
	pthread_mutex_unlock(&w.lock);
	if (running)
		pthread_join(w.thread, NULL);
	if (w.magic)
		magic_close(w.magic);
	w.magic = NULL;
	media_image_shutdown();
}
