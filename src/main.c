/* main.c - the `rapport` command line: serve, user, seed, simulate, version.
 * Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error. */
#include "api/api.h"
#include "api/api_polls.h"
#include "api/api_streaming.h"
#include "core/accounts.h"
#include "core/archive.h"
#include "core/config.h"
#include "core/convfeed.h"
#include "core/events.h"
#include "core/media.h"
#include "core/jobs.h"
#include "core/moderation.h"
#include "core/password.h"
#include "core/portability.h"
#include "core/previews.h"
#include "core/verify.h"
#include "federation/deliver.h"
#include "federation/domains.h"
#include "store/federation.h"
#include "http/server.h"
#include "store/accounts.h"
#include "store/copy.h"
#include "store/store.h"
#include "util/fetch.h"
#include "util/log.h"
#include "util/util.h"
#include "tools/audit.h"
#include "tools/seed.h"
#include "tools/simulate.h"

#include <malloc.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXIT_USAGE 2

static const char *const USAGE =
	"usage: rapport <command> [options]\n"
	"\n"
	"commands:\n"
	"  serve      run the server\n"
	"  user add   create a local account\n"
	"  user list  list local accounts\n"
	"  export     an account's follows, lists, blocks, mutes... as Mastodon's CSV\n"
	"  import     follows, lists, blocks or mutes from Mastodon's CSV\n"
	"  audit      a social-health report from a Mastodon or X archive\n"
	"  seed       fill an empty store with a realistic community\n"
	"  simulate   a community of personas living N days on a fresh store\n"
	"  domain     block, limit or unblock a remote domain\n"
	"  backup     copy the store while the server runs\n"
	"  restore    make a data directory's store from a backup\n"
	"  store      copy a store between SQLite and PostgreSQL, or compare two\n"
	"  version    print the version\n"
	"\n"
	"Run 'rapport <command> --help' for a command's options.\n";

static const char *const SERVE_USAGE =
	"usage: rapport serve [--data DIR] [--db URL] [--listen HOST:PORT] [--domain NAME]\n"
	"                     [--threads N]\n"
	"\n"
	"  --data DIR          data directory (RAPPORT_DATA, default ./data)\n"
	"  --db URL            a PostgreSQL database, postgresql://... (RAPPORT_DB); without\n"
	"                      it the store is SQLite, in the data directory\n"
	"  --listen HOST:PORT  address to listen on (RAPPORT_LISTEN, default 127.0.0.1:8080)\n"
	"  --domain NAME       public host used in URIs and WebFinger (RAPPORT_DOMAIN,\n"
	"                      default: the listen address, with localhost for 127.0.0.1)\n"
	"  --threads N         HTTP worker threads, 1-512 (RAPPORT_THREADS, default 4;\n"
	"                      16 with --db postgresql://...)\n"
	"\n"
	"Other settings come from the environment. Numbers are decimal and checked against\n"
	"their bounds; a bad value stops the server (exit status 2). Default and bounds:\n"
	"  RAPPORT_TITLE            instance name (Rapport)\n"
	"  RAPPORT_SCHEME           http or https (http for localhost, https otherwise)\n"
	"  RAPPORT_MAX_CHARS        characters in a status (500; 1-100000)\n"
	"  RAPPORT_MAX_BODY         bytes in a request body (1048576; 1024-1073741824)\n"
	"  RAPPORT_LOGIN_LIMIT      sign-ins per address and per account (25; 0 off)\n"
	"  RAPPORT_LOGIN_WINDOW     ... per this many seconds (300; 1-604800)\n"
	"  RAPPORT_RATE_LIMIT       API requests per token or address (300; 0 off)\n"
	"  RAPPORT_RATE_WINDOW      ... per this many seconds (300; 1-604800)\n"
	"  RAPPORT_SIGNUP_LIMIT     sign-ups per address (10; 0 off)\n"
	"  RAPPORT_SIGNUP_WINDOW    ... per this many seconds (1800; 1-604800)\n"
	"  RAPPORT_REGISTRATIONS    open sign-up (1; 0 or 1)\n"
	"  RAPPORT_SYNC_FULL        fsync every commit (1; 0 or 1)\n"
	"  RAPPORT_CONN_TIMEOUT     seconds an idle connection is kept (30; 1-3600)\n"
	"  RAPPORT_FANOUT_INLINE    followers reached within the request (100; 0-1000000000)\n"
	"  RAPPORT_SLOW_SQL_MS      log statements this slow (-1 off; -1-3600000)\n"
	"  RAPPORT_RENDER_CACHE_MB  rendered statuses and accounts (80; 0 off, up to 65536)\n"
	"  RAPPORT_ROW_CACHE        statuses' and accounts' numbers kept (262144; 0 off,\n"
	"                           up to 67108864; exact with several processes on one\n"
	"                           PostgreSQL database, through LISTEN/NOTIFY)\n"
	"  RAPPORT_HOME_CACHE       home timelines' first pages kept, on PostgreSQL with\n"
	"                           the row cache on (16384, about 15 MB; 0 off, up to\n"
	"                           4194304; exact through LISTEN/NOTIFY)\n"
	"  RAPPORT_NODE_ID          this process's part of every ID (0; 0-63): give each\n"
	"                           process that shares a database its own\n"
	"  RAPPORT_SCHEDULE_LEAD    seconds a scheduled status must be ahead (300; 0-86400)\n"
	"  RAPPORT_WEB_DIR          the built web app (build/web)\n"
	"  RAPPORT_SMTP_URL         smtp(s)://[user:pass@]host[:port] for e-mail (none: the\n"
	"                           e-mails, links included, are written to the log)\n"
	"  RAPPORT_SMTP_FROM        the e-mails' sender (rapport@DOMAIN)\n"
	"  RAPPORT_MEDIA_IMAGE_MAX  bytes of an uploaded image (16777216; 1024-1073741824)\n"
	"  RAPPORT_MEDIA_VIDEO_MAX  bytes of an uploaded video or audio file (41943040)\n"
	"  RAPPORT_MEDIA_MAX_PIXELS width x height of an upload (50000000; 1-1073741824)\n"
	"  RAPPORT_MEDIA_RATE_LIMIT uploads per account (30; 0 off)\n"
	"  RAPPORT_MEDIA_RATE_WINDOW ... per this many seconds (1800; 1-604800)\n"
	"  RAPPORT_MEDIA_FFMPEG_SECONDS wall-clock seconds of one ffmpeg run (120; 1-86400)\n"
	"  RAPPORT_MEDIA_FFMPEG_CPU CPU seconds of one ffmpeg run (300; 1-86400)\n"
	"  RAPPORT_MEDIA_FFMPEG_MB  address space of one ffmpeg run in MB (2048; 64-65536)\n"
	"  RAPPORT_MEDIA_UNATTACHED_TTL seconds an upload no status uses is kept (86400)\n"
	"  RAPPORT_MEDIA_SWEEP_INTERVAL seconds between sweeps of unused files (3600)\n"
	"  RAPPORT_JOB_LEASE        seconds a claimed background job stays its process's\n"
	"                           before another takes it over (120; 1-86400)\n"
	"  RAPPORT_FETCH_ALLOW_LOOPBACK  outbound fetches may reach loopback (0; 0 or 1; tests only)\n"
	"  RAPPORT_POLL_MAX_OPTIONS options in a poll (4; 2-20)\n"
	"  RAPPORT_POLL_MAX_CHARS   characters in a poll option (50; 1-1000)\n"
	"  RAPPORT_POLL_MIN_EXPIRY  shortest poll, seconds (300; 1-31536000)\n"
	"  RAPPORT_POLL_MAX_EXPIRY  longest poll, seconds (2629746; 1-31536000)\n"
	"  RAPPORT_CARD_TTL         seconds before a link's preview is fetched again\n"
	"                           (1209600; 0-31536000)\n"
	"  RAPPORT_FEDERATION_INSECURE  federate over http with loopback peers (0; 0 or 1; tests only)\n"
	"  RAPPORT_TRUSTED_PROXIES  reverse proxies, comma-separated addresses or CIDR blocks\n"
	"                           (none): from these peers the client is the right-most\n"
	"                           X-Forwarded-For entry that is not itself a trusted proxy\n"
	"See docs/ARCHITECTURE.md.\n";

static const char *const USER_USAGE =
	"usage: rapport user add NAME --email EMAIL --password PASSWORD [--admin] [--data DIR]\n"
	"                         [--db URL]\n"
	"       rapport user list [--data DIR] [--db URL]\n"
	"       rapport user role NAME owner|admin|moderator|user [--data DIR] [--db URL]\n";

static const char *const SEED_USAGE =
	"usage: rapport seed --data DIR [--db URL] [--accounts N] [--posts M] [--follows F] [--seed S]\n"
	"                    [--tokens FILE] [--feed N] [--thread N]\n"
	"\n"
	"  --accounts N   accounts to create (default 1000)\n"
	"  --posts M      statuses, replies, reblogs and direct messages (default 50000)\n"
	"  --follows F    follow edges, power-law distributed (default 20 per account)\n"
	"  --seed S       random seed; the same seed makes the same community (default 1)\n"
	"  --tokens FILE  write a bearer token per account: id, username, token, followers\n"
	"  --feed N       home feed entries per account (default 400)\n"
	"  --thread N     replies in the one big thread (default 200)\n"
	"\n"
	"Every seeded account's password is 'seed-password'. DIR/seed.json describes the result.\n";

static const char *const SIMULATE_USAGE =
	"usage: rapport simulate --personas FILE --days N --seed S --data DIR [--db URL]\n"
	"                        [--json FILE]\n"
	"\n"
	"  --personas FILE  the community: JSON {\"personas\": [{\"kind\": K, \"count\": N, ...}]}\n"
	"                   (sim/personas.json; kinds and keys in docs/ARCHITECTURE.md)\n"
	"  --days N         simulated days, 1 to 365\n"
	"  --seed S         random seed: the same seed makes the same run\n"
	"  --data DIR       a data directory without a store yet; it keeps the result\n"
	"  --db URL         a fresh PostgreSQL database for the store instead of SQLite\n"
	"  --json FILE      write the results as JSON too\n"
	"\n"
	"Drives the real core functions on a simulated clock, then prints per persona the\n"
	"social-capital card, trust, the share of the Conversations feed, and each detector's\n"
	"precision and recall.\n";

static const char *const BACKUP_USAGE =
	"usage: rapport backup --data DIR --out FILE\n"
	"       rapport restore --from FILE --data DIR\n"
	"\n"
	"backup copies DIR's SQLite store into FILE, a consistent snapshot even while a\n"
	"server writes to it (SQLite's online backup), and checks the copy. restore makes\n"
	"DIR's store from such a file after checking it; DIR must not hold a store yet.\n"
	"Neither overwrites a file. A PostgreSQL store is backed up with pg_dump\n"
	"(docs/DEPLOY.md).\n";

static const char *const STORE_USAGE =
	"usage: rapport store copy --from DIR|URL --to URL|DIR\n"
	"       rapport store verify --from DIR|URL --to URL|DIR\n"
	"\n"
	"A store is a data directory (its SQLite file) or a postgresql:// URL. copy moves\n"
	"every table of --from into --to, which must be empty (a new store: a fresh\n"
	"directory, or a database created with createdb), in one transaction; then it\n"
	"compares every table's row count and checksum on both sides and prints them.\n"
	"Any difference rolls the copy back and exits 1. verify compares two stores the\n"
	"same way without changing either. Neither store may be in use by a server.\n"
	"See docs/DEPLOY.md, \"Moving between SQLite and PostgreSQL\".\n";

static int usage_error(const char *usage, const char *what, const char *arg)
{
	fprintf(stderr, "rapport: %s%s%s\n%s", what, *arg ? " " : "", arg, usage);
	return EXIT_USAGE;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help");
}

/* Parses "--name VALUE" options; returns 0, or an exit code. */
struct opt {
	const char *name;
	const char **value; /* NULL for a flag */
	bool *flag;
};

static int parse_opts(int argc, char **argv, int start, const struct opt *opts,
		      const char *usage, const char **positional)
{
	for (int i = start; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(usage, stdout);
			exit(0);
		}
		const struct opt *o = opts;
		for (; o->name; o++)
			if (!strcmp(argv[i], o->name))
				break;
		if (o->name && o->flag) {
			*o->flag = true;
		} else if (o->name) {
			if (i + 1 >= argc)
				return usage_error(usage, "needs a value:", argv[i]);
			*o->value = argv[++i];
		} else if (positional && !*positional && argv[i][0] != '-') {
			*positional = argv[i];
		} else {
			return usage_error(usage, "unknown option", argv[i]);
		}
	}
	return 0;
}

/* The configuration from the defaults and the environment; a bad value
 * is a usage error (one line, exit status 2). */
static int load_config(struct config *cfg)
{
	char err[CONFIG_ERR_MAX];
	config_defaults(cfg);
	if (!config_env(cfg, err))
		return 0;
	fprintf(stderr, "rapport: %s\n", err);
	return EXIT_USAGE;
}

static int open_store(const struct config *cfg, struct store **st, bool serving)
{
	struct store_options so = {.dir = cfg->data_dir, .url = cfg->db_url,
				   .sync_full = cfg->sync_full, .pool_size = cfg->threads * 2 + 2,
				   .exclusive = serving, .node_id = cfg->node_id};
	id_set_node(cfg->node_id);
	store_slow_sql(cfg->slow_sql_ms);
	if (store_open(&so, st) != ST_OK) {
		fprintf(stderr, "rapport: cannot open the store in %s\n", cfg->data_dir);
		return 1;
	}
	return 0;
}

/* A command's work on the store: returns the exit status. */
typedef int core_fn(struct core *c, const void *job);

/* Runs fn(c, job) on a core over the store cfg names (held by this
 * process alone when exclusive). Exit status 1, with one line on stderr,
 * when the store does not open; else fn's. */
static int with_store(struct config *cfg, bool exclusive, core_fn *fn, const void *job)
{
	config_finish(cfg);
	struct store *st;
	if (open_store(cfg, &st, exclusive))
		return 1;
	struct arena ar;
	arena_init(&ar);
	struct core c = {.db = store_acquire(st), .arena = &ar, .cfg = cfg};
	int rc = fn(&c, job);
	store_release(st, c.db);
	store_close(st);
	arena_free(&ar);
	return rc;
}

/* A command's settings: the configuration from the environment, then
 * with()'s own options. */
typedef int with_fn(struct config *cfg, int argc, char **argv);

/* Runs with() on the configuration. When usage is given the command needs
 * a word after it: without one, usage on stderr and exit status 2; asked
 * for help, usage on stdout. */
static int cmd_config(int argc, char **argv, const char *usage, with_fn *with)
{
	if (usage && (argc < 3 || is_help(argv[2]))) {
		fputs(usage, argc < 3 ? stderr : stdout);
		return argc < 3 ? EXIT_USAGE : 0;
	}
	struct config cfg;
	int rc = load_config(&cfg);
	if (!rc)
		rc = with(&cfg, argc, argv);
	config_free(&cfg);
	return rc;
}

/* serve's settings: environment, then flags. Returns 0 or an exit code. */
static int serve_config(int argc, char **argv, struct config *cfg)
{
	int rc = load_config(cfg);
	if (rc)
		return rc;
	const char *threads = NULL;
	struct opt opts[] = {{"--data", &cfg->data_dir, NULL},
			     {"--listen", &cfg->listen, NULL},
			     {"--domain", &cfg->domain, NULL},
			     {"--threads", &threads, NULL},
			     {"--db", &cfg->db_url, NULL},
			     {NULL, NULL, NULL}};
	rc = parse_opts(argc, argv, 2, opts, SERVE_USAGE, NULL);
	char err[CONFIG_ERR_MAX];
	if (!rc && config_db_url(cfg->db_url, err)) {
		fprintf(stderr, "rapport: %s\n", err);
		rc = EXIT_USAGE;
	}
	if (!rc && threads && config_flag(cfg, "--threads", threads, err)) {
		fprintf(stderr, "rapport: %s\n", err);
		rc = EXIT_USAGE;
	}
	if (!rc && server_parse_listen(cfg->listen, NULL)) {
		fprintf(stderr, "rapport: --listen (RAPPORT_LISTEN) must be IPv4-ADDRESS:PORT "
				"with a port from 1 to 65535\n");
		rc = EXIT_USAGE;
	}
	if (rc)
		config_free(cfg);
	return rc;
}

/* Outbound fetches; the test switch that lets them reach loopback is
 * refused unless this server itself listens only on loopback. */
static int start_fetch(const struct config *cfg)
{
	bool loopback = str_has_prefix(cfg->listen, "127.") ||
			str_has_prefix(cfg->listen, "localhost:");
	if (cfg->fetch_loopback && !loopback) {
		fprintf(stderr, "rapport: RAPPORT_FETCH_ALLOW_LOOPBACK is for tests: listen on "
				"127.0.0.1 to use it\n");
		return -1;
	}
	if (cfg->fed_insecure && !loopback) {
		fprintf(stderr, "rapport: RAPPORT_FEDERATION_INSECURE is for tests: listen on "
				"127.0.0.1 to use it\n");
		return -1;
	}
	char ua[128];
	snprintf(ua, sizeof ua, "Rapport/%s (+%s)", RAPPORT_VERSION, cfg->base_url);
	if (fetch_init(ua, cfg->fetch_loopback || cfg->fed_insecure)) {
		fprintf(stderr, "rapport: cannot start libcurl\n");
		return -1;
	}
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	struct config cfg;
	int rc = serve_config(argc, argv, &cfg);
	if (rc)
		return rc;
	config_finish(&cfg);
	if (password_init()) {
		fprintf(stderr, "rapport: out of memory\n");
		config_free(&cfg);
		return 1;
	}
	clock_seal(); /* a server runs on the wall clock, always */

	/* Signals are handled by this thread alone: block them before any
	 * other thread starts, so the workers inherit the mask. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Two malloc arenas instead of one per thread: the render cache's
	 * entries are freed by other threads than the ones that made them,
	 * and per-thread arenas each kept their own free memory (resident
	 * memory 10 % higher on the home timeline benchmark, no speed gained). */
	mallopt(M_ARENA_MAX, 2);
	int status = 1;
	struct store *st = NULL;
	struct server srv = {0};
	if (start_fetch(&cfg)) {
		config_free(&cfg);
		return 1;
	}
	if (open_store(&cfg, &st, true))
		goto out;
	render_cache_init((size_t)(cfg.render_cache_mb > 0 ? cfg.render_cache_mb : 0) << 20);
	/* polls and cards (api/polls.c): cards only while this process saves
	 * every card, as with SQLite */
	extras_cache_init(cfg.render_cache_mb > 0 ? EXTRAS_CACHE_BYTES : 0, !cfg.db_url);
	/* The row cache is kept exact by SQLite's update hook, or on
	 * PostgreSQL by this process's listener, which also streams the
	 * events of the other processes sharing the database. */
	store_row_cache((size_t)(cfg.row_cache > 0 ? cfg.row_cache : 0));
	store_home_cache((size_t)(cfg.home_cache > 0 ? cfg.home_cache : 0));
	if (store_listen(st, events_heard) != ST_OK)
		goto out;
	if (jobs_start(st, &cfg))
		goto out;
	if (verify_start(st, &cfg)) {
		jobs_stop(0);
		goto out;
	}
	if (media_start(st, &cfg)) {
		verify_stop();
		jobs_stop(0);
		goto out;
	}
	if (previews_start(st, &cfg)) { /* link preview cards (core/previews.h) */
		media_stop();
		verify_stop();
		jobs_stop(0);
		goto out;
	}
	if (deliver_start(st, &cfg)) { /* ActivityPub delivery (federation/deliver.h) */
		previews_stop();
		media_stop();
		verify_stop();
		jobs_stop(0);
		goto out;
	}
	if (streaming_start(st, &cfg)) {
		deliver_stop();
		previews_stop();
		media_stop();
		verify_stop();
		jobs_stop(0);
		goto out;
	}
	if (server_start(&srv, &cfg, st)) {
		fprintf(stderr, "rapport: cannot listen on %s\n", cfg.listen);
		streaming_stop();
		deliver_stop();
		previews_stop();
		media_stop();
		verify_stop();
		jobs_stop(0);
		goto out;
	}
	printf("Rapport %s listening on http://%s (public URL %s, data in %s)\n", RAPPORT_VERSION,
	       cfg.listen, cfg.base_url, cfg.data_dir);
	fflush(stdout);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: draining requests", sig);
	server_stop(&srv, 10000);
	streaming_stop();
	previews_stop();
	media_stop();
	verify_stop();
	jobs_stop(10000);
	deliver_stop();
	struct cache_stats cs;
	render_cache_stats(&cs);
	log_info("render cache: %llu hits, %llu misses, %zu entries, %zu KB",
		 (unsigned long long)cs.hits, (unsigned long long)cs.misses, cs.entries,
		 cs.bytes >> 10);
	uint64_t rh, rm;
	store_row_cache_stats(&rh, &rm);
	log_info("row cache: %llu hits, %llu misses", (unsigned long long)rh,
		 (unsigned long long)rm);
	store_home_cache_stats(&rh, &rm);
	log_info("home cache: %llu hits, %llu misses", (unsigned long long)rh,
		 (unsigned long long)rm);
	extras_cache_stats(&cs);
	log_info("extras cache: %llu hits, %llu misses, %zu entries, %zu KB; conversations"
		 " feed snapshots %zu KB; database caches %lld KB",
		 (unsigned long long)cs.hits, (unsigned long long)cs.misses, cs.entries,
		 cs.bytes >> 10, convfeed_cache_bytes() >> 10,
		 (long long)(store_memory_used() >> 10));
	log_info("stopped");
	status = 0;
out:
	store_close(st);
	fetch_cleanup();
	render_cache_free();
	extras_cache_free();
	convfeed_cache_free();
	store_row_cache(0);
	config_free(&cfg);
	return status;
}

static int int_opt(const char *v, int *out, int min)
{
	if (!v)
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || n < min || n > 100000000)
		return -1;
	*out = (int)n;
	return 0;
}

static int seed_with(struct config *cfg, int argc, char **argv)
{
	const char *accounts = NULL, *posts = NULL, *follows = NULL, *seed = NULL, *feed = NULL,
		   *thread = NULL, *tokens = NULL;
	struct opt opts[] = {{"--data", &cfg->data_dir, NULL},  {"--accounts", &accounts, NULL},
			     {"--posts", &posts, NULL},         {"--follows", &follows, NULL},
			     {"--seed", &seed, NULL},           {"--tokens", &tokens, NULL},
			     {"--feed", &feed, NULL},           {"--thread", &thread, NULL},
			     {"--domain", &cfg->domain, NULL},  {"--db", &cfg->db_url, NULL},
			     {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, 2, opts, SEED_USAGE, NULL);
	if (rc)
		return rc;
	struct seed_opts so = {.accounts = 1000, .posts = 50000, .seed = 1, .feed_len = 400,
			       .thread_replies = 200, .tokens = tokens,
			       .progress = isatty(2)};
	int s = 1;
	if (int_opt(accounts, &so.accounts, 2) || int_opt(posts, &so.posts, 2) ||
	    int_opt(feed, &so.feed_len, 0) || int_opt(thread, &so.thread_replies, 0) ||
	    int_opt(seed, &s, 0))
		return usage_error(SEED_USAGE, "bad number in the options", "");
	so.follows = so.accounts * 20;
	if (int_opt(follows, &so.follows, 0))
		return usage_error(SEED_USAGE, "bad --follows", follows);
	so.seed = (uint64_t)s;
	config_finish(cfg);
	/* The seeder owns the file while it loads (store_seed_begin). */
	struct store_options sto = {.dir = cfg->data_dir, .url = cfg->db_url,
				    .sync_full = cfg->sync_full, .bulk = true};
	id_set_node(cfg->node_id);
	store_slow_sql(cfg->slow_sql_ms);
	struct store *st;
	if (store_open(&sto, &st) != ST_OK) {
		fprintf(stderr, "rapport: cannot open the store in %s\n", cfg->data_dir);
		return 1;
	}
	rc = seed_run(cfg, st, &so) ? 1 : 0;
	store_close(st);
	return rc;
}

/* One line on stderr, exit code 2: simulate's bad input. */
static int simulate_error(const char *what, const char *arg)
{
	fprintf(stderr, "rapport: simulate: %s%s%s\n", what, *arg ? " " : "", arg);
	return EXIT_USAGE;
}

static int simulate_opts(int argc, char **argv, struct sim_opts *o, const char **data,
			 const char **db)
{
	const char *days = NULL, *seed = NULL;
	for (int i = 2; i < argc; i++) {
		if (is_help(argv[i])) {
			fputs(SIMULATE_USAGE, stdout);
			exit(0);
		}
		const char **v = !strcmp(argv[i], "--personas") ? &o->personas
				 : !strcmp(argv[i], "--days")   ? &days
				 : !strcmp(argv[i], "--seed")   ? &seed
				 : !strcmp(argv[i], "--data")   ? data
				 : !strcmp(argv[i], "--json")   ? &o->json
				 : !strcmp(argv[i], "--db")     ? db
								: NULL;
		if (!v)
			return simulate_error("unknown option", argv[i]);
		if (i + 1 >= argc)
			return simulate_error("needs a value:", argv[i]);
		*v = argv[++i];
	}
	int d = 0, s = 0;
	if (!o->personas || !days || !seed || !*data)
		return simulate_error("needs --personas, --days, --seed and --data", "");
	if (int_opt(days, &d, 1) || d > 365)
		return simulate_error("--days must be a whole number from 1 to 365, not", days);
	if (int_opt(seed, &s, 0))
		return simulate_error("--seed must be a whole number from 0 to 100000000, not",
				      seed);
	o->days = d;
	o->seed = (uint64_t)s;
	return 0;
}

static int cmd_simulate(int argc, char **argv)
{
	struct sim_opts o = {.progress = isatty(2)};
	const char *data = NULL, *db_url = NULL;
	int rc = simulate_opts(argc, argv, &o, &data, &db_url);
	if (rc)
		return rc;
	struct sim_personas p;
	char err[256];
	if (sim_personas_load(o.personas, &p, err, sizeof err))
		return simulate_error(err, "");
	char db[4096];
	struct stat sb;
	snprintf(db, sizeof db, "%s/rapport.db", data);
	if (!db_url && stat(db, &sb) == 0)
		return simulate_error("needs a data directory without a store; there is one in",
				      data);
	char dberr[CONFIG_ERR_MAX];
	if (config_db_url(db_url, dberr))
		return simulate_error(dberr, "");
	struct config cfg;
	config_defaults(&cfg);
	cfg.data_dir = data;
	config_finish(&cfg);
	log_min_level = LOG_WARN;
	struct store_options so = {.dir = data, .url = db_url, .sync_full = false, .pool_size = 2};
	struct store *st;
	if (store_open(&so, &st) != ST_OK) {
		fprintf(stderr, "rapport: cannot open the store in %s\n", data);
		free((char *)cfg.base_url);
		return 1;
	}
	/* A PostgreSQL store has no file to look for: an empty one has no
	 * accounts yet. */
	int64_t have = 0;
	struct db *conn = store_acquire(st);
	enum store_rc sr = store_count_local_accounts(conn, &have);
	store_release(st, conn);
	if (sr != ST_OK || have > 0) {
		store_close(st);
		free((char *)cfg.base_url);
		return sr != ST_OK ? 1
				   : simulate_error("needs an empty database; there are accounts in",
						    "the one --db names");
	}
	rc = simulate_run(&cfg, st, &p, &o) ? 1 : 0;
	store_close(st);
	free((char *)cfg.base_url);
	return rc;
}

static void print_user(const struct account *a, const char *email, bool admin, void *ctx)
{
	(void)ctx;
	printf("%lld\t%s\t%s%s\n", (long long)a->id, a->username, email, admin ? "\tadmin" : "");
}

/* What `rapport user` was asked. */
struct user_job {
	const char *name, *email, *password, *role_arg;
	bool admin, add, role;
};

/* `rapport user role NAME ROLE`: how a server gets its first admin. */
static int user_role(struct core *c, const char *name, const char *role_arg)
{
	int role = role_parse(role_arg);
	struct account a;
	if (role < 0) {
		fprintf(stderr, "rapport: role must be owner, admin, moderator or user\n");
		return EXIT_USAGE;
	}
	if (account_lookup(c, name, &a) || *a.domain) {
		fprintf(stderr, "rapport: no local account named %s\n", name);
		return 1;
	}
	if (moderation_set_role(c, 0, a.id, role)) {
		fprintf(stderr, "rapport: %s\n", c->err.msg);
		return 1;
	}
	printf("%lld\t%s\t%s\n", (long long)a.id, a.username, role_name(role));
	return 0;
}

static int user_run(struct core *c, const void *job)
{
	const struct user_job *j = job;
	if (j->role)
		return user_role(c, j->name, j->role_arg);
	if (!j->add) {
		if (store_account_list_local(c->db, c->arena, print_user, NULL) == ST_OK)
			return 0;
		fprintf(stderr, "rapport: cannot list accounts\n");
		return 1;
	}
	struct signup s = {.username = j->name, .email = j->email, .password = j->password,
			   .admin = j->admin};
	int64_t id;
	if (account_create(c, &s, &id)) {
		fprintf(stderr, "rapport: %s\n", c->err.msg);
		return 1;
	}
	printf("%lld\t%s\t%s%s\n", (long long)id, j->name, j->email, j->admin ? "\tadmin" : "");
	return 0;
}

static int user_with(struct config *cfg, int argc, char **argv)
{
	struct user_job j = {.add = !strcmp(argv[2], "add"), .role = !strcmp(argv[2], "role")};
	if (!j.add && !j.role && strcmp(argv[2], "list"))
		return usage_error(USER_USAGE, "unknown user command", argv[2]);
	if (j.role) {
		if (argc < 5 || argv[3][0] == '-' || argv[4][0] == '-')
			return usage_error(USER_USAGE, "user role needs NAME and ROLE", "");
		j.name = argv[3];
		j.role_arg = argv[4];
	}
	struct opt add_opts[] = {{"--email", &j.email, NULL},
				 {"--password", &j.password, NULL},
				 {"--admin", NULL, &j.admin},
				 {"--data", &cfg->data_dir, NULL},
				 {"--db", &cfg->db_url, NULL},
				 {NULL, NULL, NULL}};
	struct opt list_opts[] = {{"--data", &cfg->data_dir, NULL},
				  {"--db", &cfg->db_url, NULL},
				  {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, j.role ? 5 : 3, j.add ? add_opts : list_opts, USER_USAGE,
			    j.add ? &j.name : NULL);
	if (rc)
		return rc;
	if (j.add && (!j.name || !j.email || !j.password))
		return usage_error(USER_USAGE, "user add needs NAME, --email and --password", "");
	return with_store(cfg, false, user_run, &j);
}

static const char *const DATA_USAGE =
	"usage: rapport export NAME --out FILE.zip [--data DIR]\n"
	"       rapport export NAME --type TYPE [--out FILE] [--data DIR]\n"
	"       rapport import NAME --type TYPE FILE [--data DIR]\n"
	"\n"
	"  TYPE  following, lists, blocks, mutes, domain_blocks or bookmarks, in\n"
	"        Mastodon's CSV formats\n"
	"  --out FILE  where the export goes (standard output by default); without --type,\n"
	"              the archive: a zip of actor.json, outbox.json and every CSV file\n"
	"\n"
	"Import with the server stopped (it keeps numbers in memory: import refuses a data\n"
	"directory a server has open), or through the API: POST /api/rapport/v1/imports.\n";

#define IMPORT_FILE_MAX (8 << 20)

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(IMPORT_FILE_MAX + 1) : NULL;
	size_t n = buf ? fread(buf, 1, IMPORT_FILE_MAX + 1, f) : 0;
	bool ok = buf && !ferror(f) && n <= IMPORT_FILE_MAX && !memchr(buf, '\0', n);
	if (f)
		fclose(f);
	if (!ok) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int write_out(const char *path, const char *data, size_t len)
{
	FILE *f = path ? fopen(path, "wb") : stdout;
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (path && f)
		ok = !fclose(f) && ok;
	else if (f)
		ok = !fflush(f) && ok;
	return ok ? 0 : -1;
}

/* What `rapport export` or `import` was asked: export (file NULL) or
 * import (file the CSV) for the local account name. */
struct data_job {
	const char *name, *file, *out;
	int kind;
};

static int data_run(struct core *c, const void *job)
{
	const struct data_job *j = job;
	const char *name = j->name, *file = j->file, *out = j->out;
	int kind = j->kind;
	struct account a;
	if (account_lookup(c, name, &a) || *a.domain) {
		fprintf(stderr, "rapport: no local account %s\n", name);
		return 1;
	}
	if (!file && kind < 0) {
		char *zip = NULL;
		size_t len = 0;
		int rc = archive_build(c, a.id, &zip, &len) == RC_OK ? write_out(out, zip, len) : -2;
		free(zip);
		if (rc == -2)
			fprintf(stderr, "rapport: %s\n", c->err.msg);
		else if (rc)
			perror("rapport: export");
		return rc ? 1 : 0;
	}
	if (!file) {
		const char *csv;
		size_t len;
		if (data_export(c, a.id, (enum data_kind)kind, &csv, &len) == RC_OK)
			return write_out(out, csv, len) ? (perror("rapport: export"), 1) : 0;
		fprintf(stderr, "rapport: %s\n", c->err.msg);
		return 1;
	}
	char *csv = read_file(file);
	if (!csv) {
		fprintf(stderr, "rapport: cannot read %s (a text file of at most %d bytes)\n", file,
			IMPORT_FILE_MAX);
		return 1;
	}
	struct import_result *res = arena_alloc(c->arena, sizeof *res);
	enum rc rc = data_import(c, a.id, (enum data_kind)kind, csv, res);
	free(csv);
	if (rc != RC_OK) {
		fprintf(stderr, "rapport: %s\n", c->err.msg);
		return 1;
	}
	printf("imported %d, skipped %d\n", res->imported, res->skipped);
	for (int i = 0; i < res->nskips; i++)
		printf("line %d\t%s\t%s\n", res->skips[i].line, res->skips[i].address,
		       res->skips[i].why ? res->skips[i].why : "");
	return 0;
}

static int data_with(struct config *cfg, int argc, char **argv)
{
	bool import = !strcmp(argv[1], "import");
	const char *name = NULL, *type = NULL, *out = NULL, *file = NULL;
	struct opt opts[] = {{"--type", &type, NULL},
			     {"--out", &out, NULL},
			     {"--data", &cfg->data_dir, NULL},
			     {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, 3, opts, DATA_USAGE, &file);
	name = argv[2];
	if (rc)
		return rc;
	int kind = data_kind_parse(type);
	bool archive = !import && !type && out;
	if ((kind < 0 && !archive) || (import && (!file || out)) || (!import && file))
		return usage_error(DATA_USAGE, "needs NAME and --out FILE.zip, or a known --type (and, to import, FILE)",
				   "");
	struct data_job j = {.name = name, .file = import ? file : NULL, .out = out, .kind = kind};
	return with_store(cfg, import, data_run, &j);
}

static const char *const AUDIT_USAGE =
	"usage: rapport audit ARCHIVE --out DIR\n"
	"\n"
	"  ARCHIVE  a Mastodon archive (its outbox.json, or the zip) or an X archive (its\n"
	"           tweets.js, or the zip)\n"
	"  --out DIR  where report.json and report.html go (made if missing)\n"
	"\n"
	"A social-health report of your own posts: listening, reciprocity, replies and\n"
	"broadcasts, when you post, self-promotion and link-only posts, mentions left\n"
	"unfollowed (docs/SOCIAL.md, \"Auditing an archive\").\n";

static int cmd_audit(int argc, char **argv)
{
	const char *archive = NULL, *out = NULL;
	struct opt opts[] = {{"--out", &out, NULL}, {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, 2, opts, AUDIT_USAGE, &archive);
	if (rc)
		return rc;
	if (!archive || !out)
		return usage_error(AUDIT_USAGE, "needs ARCHIVE and --out DIR", "");
	char err[512];
	if (audit_run(archive, out, err, sizeof err)) {
		fprintf(stderr, "rapport: audit: %s\n", err);
		return 1;
	}
	printf("%s/report.html\n%s/report.json\n", out, out);
	return 0;
}

/* ---- rapport domain: the admin's rules for remote domains ---- */

static const char *const DOMAIN_USAGE =
	"usage: rapport domain block|limit|unblock DOMAIN [--data DIR] [--db URL]\n"
	"\n"
	"  block    accept no activity from DOMAIN and fetch nothing from it\n"
	"  limit    keep DOMAIN's statuses only from accounts someone here follows\n"
	"  unblock  remove the rule\n"
	"The rules are the admin API's domain blocks (suspend, silence), audit-logged.\n";

/* What `rapport domain` was asked: the rule's severity for a domain. */
struct domain_job {
	const char *domain;
	int sev; /* 0 unblock, 1 limit, 2 block */
};

static int domain_run(struct core *c, const void *job)
{
	static const char *const severities[] = {NULL, "silence", "suspend"};
	const struct domain_job *j = job;
	if (admin_domain_rule(c, 0, j->domain, severities[j->sev])) {
		fprintf(stderr, "rapport: %s\n", c->err.msg);
		return 1;
	}
	printf("%s\t%s\n", j->domain, j->sev == 2 ? "blocked" : j->sev ? "limited" : "no rule");
	return 0;
}

static int domain_with(struct config *cfg, int argc, char **argv)
{
	static const char *const verbs[] = {"unblock", "limit", "block"};
	int sev = -1;
	for (int i = 0; i < 3; i++)
		if (!strcmp(argv[2], verbs[i]))
			sev = i;
	if (sev < 0)
		return usage_error(DOMAIN_USAGE, "unknown domain command", argv[2]);
	const char *name = NULL;
	struct opt opts[] = {{"--data", &cfg->data_dir, NULL},
			     {"--db", &cfg->db_url, NULL},
			     {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, 3, opts, DOMAIN_USAGE, &name);
	if (rc)
		return rc;
	struct arena ar;
	arena_init(&ar);
	struct domain_job j = {.domain = domain_canonical(&ar, name), .sev = sev};
	rc = j.domain ? with_store(cfg, false, domain_run, &j)
		      : usage_error(DOMAIN_USAGE, "not a domain:", name ? name : "");
	arena_free(&ar);
	return rc;
}

/* rapport backup | restore: one line on stderr and exit 1 when refused. */
static int cmd_backup(int argc, char **argv)
{
	const char *data = NULL, *file = NULL;
	bool backup = !strcmp(argv[1], "backup");
	struct opt opts[] = {{"--data", &data, NULL},
			     {backup ? "--out" : "--from", &file, NULL},
			     {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, 2, opts, BACKUP_USAGE, NULL);
	if (rc)
		return rc;
	if (!data || !file)
		return usage_error(BACKUP_USAGE, backup ? "backup needs --data and --out"
							: "restore needs --from and --data",
				   "");
	char err[512];
	log_min_level = LOG_WARN;
	if ((backup ? store_backup(data, file, err, sizeof err)
		    : store_restore(file, data, err, sizeof err)) != ST_OK) {
		fprintf(stderr, "rapport: %s\n", err);
		return 1;
	}
	printf("%s %s\n", backup ? "backed up to" : "restored into", backup ? file : data);
	return 0;
}

/* rapport store copy | verify: the table of counts and checksums on
 * stdout; exit 1 with one line on stderr when refused or different. */
static int cmd_store(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	bool copy = argc > 2 && !strcmp(argv[2], "copy");
	if (argc > 2 && is_help(argv[2])) {
		fputs(STORE_USAGE, stdout);
		return 0;
	}
	if (argc < 3 || (!copy && strcmp(argv[2], "verify")))
		return usage_error(STORE_USAGE, "store needs copy or verify", "");
	struct opt opts[] = {{"--from", &from, NULL}, {"--to", &to, NULL}, {NULL, NULL, NULL}};
	int rc = parse_opts(argc, argv, 3, opts, STORE_USAGE, NULL);
	if (rc)
		return rc;
	if (!from || !to)
		return usage_error(STORE_USAGE, "needs --from and --to", "");
	char err[512];
	log_min_level = LOG_WARN;
	enum store_rc st = copy ? store_copy(from, to, stdout, err, sizeof err)
				: store_verify(from, to, stdout, err, sizeof err);
	if (st == ST_CONFLICT)
		snprintf(err, sizeof err, "the stores differ");
	if (st != ST_OK) {
		fprintf(stderr, "rapport: %s\n", err);
		return 1;
	}
	printf("%s\n", copy ? "copied: every table's rows and checksum match"
			    : "the stores hold the same rows");
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "rapport: libsodium failed to initialise\n");
		return 1;
	}
	if (argc < 2) {
		fputs(USAGE, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (is_help(cmd)) {
		fputs(USAGE, stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		if (argc > 2 && is_help(argv[2])) {
			puts("usage: rapport version");
			return 0;
		}
		printf("rapport %s (Mastodon API %s)\n", RAPPORT_VERSION, MASTODON_COMPAT);
		return 0;
	}
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc, argv);
	if (!strcmp(cmd, "user"))
		return cmd_config(argc, argv, USER_USAGE, user_with);
	if (!strcmp(cmd, "seed"))
		return cmd_config(argc, argv, NULL, seed_with);
	if (!strcmp(cmd, "simulate"))
		return cmd_simulate(argc, argv);
	if (!strcmp(cmd, "domain"))
		return cmd_config(argc, argv, DOMAIN_USAGE, domain_with);
	if (!strcmp(cmd, "export") || !strcmp(cmd, "import"))
		return cmd_config(argc, argv, DATA_USAGE, data_with);
	if (!strcmp(cmd, "audit"))
		return cmd_audit(argc, argv);
	if (!strcmp(cmd, "backup") || !strcmp(cmd, "restore"))
		return cmd_backup(argc, argv);
	if (!strcmp(cmd, "store"))
		return cmd_store(argc, argv);
	return usage_error(USAGE, "unknown command", cmd);
}
