/* portability.c - exports and imports in Mastodon's CSV formats
 * (core/portability.h). */
#include "core/portability.h"
#include "core/accounts.h"
#include "core/lists.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "federation/domains.h"
#include "store/export.h"
#include "store/federation.h"
#include "store/statuses.h"
#include "util/buf.h"
#include "util/util.h"

#include <string.h>
#include <strings.h>

static const char *const kind_names[DATA_KINDS] = {"following", "lists", "blocks",
						   "mutes", "domain_blocks", "bookmarks"};
static const char *const kind_mastodon[DATA_KINDS] = {"following", "lists", "blocking",
						      "muting", "domain_blocking", "bookmarks"};
static const char *const kind_files[DATA_KINDS] = {
	"following_accounts.csv", "lists.csv",	 "blocked_accounts.csv",
	"muted_accounts.csv",	  "blocked_domains.csv", "bookmarks.csv"};

int data_kind_parse(const char *s)
{
	for (int i = 0; s && i < DATA_KINDS; i++)
		if (!strcmp(s, kind_names[i]) || !strcmp(s, kind_mastodon[i]))
			return i;
	return -1;
}

const char *data_kind_file(enum data_kind k)
{
	return kind_files[k];
}

/* ---- export ---- */

struct writer {
	struct core *c;
	struct buf b;
	enum data_kind kind;
};

/* A CSV field: quoted when it holds a comma, quote or line break. */
static int field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return buf_puts(b, s);
	int rc = buf_puts(b, "\"");
	for (; *s && !rc; s++)
		rc = *s == '"' ? buf_puts(b, "\"\"") : buf_append(b, s, 1);
	return rc | buf_puts(b, "\"");
}

static int address(struct writer *w, const char *user, const char *domain)
{
	const char *d = domain && *domain ? domain : w->c->cfg->domain;
	return buf_printf(&w->b, "%s@%s", user ? user : "", d ? d : "");
}

static int put_row(void *ctx, const struct export_row *r)
{
	struct writer *w = ctx;
	struct buf *b = &w->b;
	switch (w->kind) {
	case DATA_FOLLOWING:
		return address(w, r->s1, r->s2) |
		       buf_printf(b, ",%s,%s,\n", r->x ? "true" : "false", r->y ? "true" : "false");
	case DATA_LISTS:
		if (!r->s2) /* an empty list: Mastodon's format has no row for it */
			return 0;
		return field(b, r->s1) | buf_puts(b, ",") | address(w, r->s2, r->s3) |
		       buf_puts(b, "\n");
	case DATA_MUTES:
		return address(w, r->s1, r->s2) | buf_printf(b, ",%s\n", r->x ? "true" : "false");
	case DATA_BOOKMARKS:
		if (r->s1 && *r->s1)
			return field(b, r->s1) | buf_puts(b, "\n");
		return buf_printf(b, "%s/users/%s/statuses/%lld\n", w->c->cfg->base_url, r->s2,
				  (long long)r->x);
	default:
		return address(w, r->s1, r->s2) | buf_puts(b, "\n");
	}
}

/* The person's domain blocks, one a line as Mastodon writes them. */
static enum store_rc domain_rows(struct core *c, int64_t account_id, struct buf *b)
{
	const char *after = "", **d;
	int n;
	do {
		enum store_rc st = store_domain_blocks(c->db, c->arena, account_id, after, 200,
						       &d, &n);
		if (st != ST_OK)
			return st;
		int bad = 0;
		for (int i = 0; i < n && !bad; i++)
			bad = buf_printf(b, "%s\n", d[i]);
		if (bad) /* over the cap: `over` says so; anything else is ours */
			return b->over ? ST_OK : ST_ERROR;
		after = n ? d[n - 1] : after;
	} while (n == 200);
	return ST_OK;
}

static const enum export_kind store_kind[DATA_KINDS] = {
	EXPORT_FOLLOWING, EXPORT_LISTS, EXPORT_BLOCKS, EXPORT_MUTES, EXPORT_BLOCKS, EXPORT_BOOKMARKS};

enum rc data_export(struct core *c, int64_t account_id, enum data_kind k, const char **out,
		    size_t *len)
{
	struct writer w = {c, {0}, k};
	buf_init(&w.b, EXPORT_MAX);
	int rc = 0;
	if (k == DATA_FOLLOWING)
		rc = buf_puts(&w.b, "Account address,Show boosts,Notify on new posts,Languages\n");
	else if (k == DATA_MUTES)
		rc = buf_puts(&w.b, "Account address,Hide notifications\n");
	enum store_rc st = ST_OK;
	if (!rc && k == DATA_DOMAIN_BLOCKS)
		st = domain_rows(c, account_id, &w.b);
	else if (!rc)
		st = store_export(c->db, account_id, store_kind[k], put_row, &w);
	bool too_big = rc || w.b.over;
	if (too_big || st != ST_OK) {
		buf_free(&w.b);
		return too_big ? core_fail(c, RC_INVALID, NULL, "The export is too large")
			       : core_store_fail(c, st);
	}
	*len = w.b.len;
	*out = arena_strndup(c->arena, w.b.data ? w.b.data : "", w.b.len);
	buf_free(&w.b);
	return RC_OK;
}

/* ---- import ---- */

#define FIELDS_MAX 4

/* Reads one CSV record at *p into fields (in the arena); quoted fields
 * may hold commas, doubled quotes and line breaks. Returns the number of
 * fields, 0 at the end of the text. */
static int record(struct core *c, const char **p, const char *fields[FIELDS_MAX])
{
	const char *s = *p;
	if (!*s)
		return 0;
	int n = 0;
	struct buf f;
	for (;;) {
		buf_init(&f, 4096);
		bool quoted = *s == '"', err = false;
		s += quoted;
		while (*s && (quoted || (*s != ',' && *s != '\n' && *s != '\r'))) {
			if (quoted && *s == '"' && s[1] != '"') {
				s++;
				quoted = false;
				continue;
			}
			s += quoted && *s == '"'; /* a doubled quote is one */
			err |= buf_append(&f, s++, 1) != 0;
		}
		if (n < FIELDS_MAX)
			fields[n++] = err ? "" : arena_strndup(c->arena, f.data ? f.data : "", f.len);
		buf_free(&f);
		if (*s != ',')
			break;
		s++;
	}
	s += *s == '\r';
	s += *s == '\n';
	*p = s;
	return n;
}

static void skip(struct import_result *out, struct core *c, int line, const char *addr,
		 const char *why)
{
	out->skipped++;
	if (out->nskips < IMPORT_REPORT_MAX)
		out->skips[out->nskips++] = (struct import_skip){line, arena_strdup(c->arena, addr),
								 arena_strdup(c->arena, why)};
}

static bool truthy(const char *s, bool dflt)
{
	return !s || !*s ? dflt : !strcasecmp(s, "true") || !strcmp(s, "1");
}

/* The list titled title, made if missing. */
static enum rc list_named(struct core *c, int64_t owner, const char *title, int64_t *id)
{
	struct list_set set;
	if (lists_of(c, owner, 0, &set))
		return c->err.rc;
	for (int i = 0; i < set.n; i++)
		if (!strcmp(set.items[i].title, title)) {
			*id = set.items[i].id;
			return RC_OK;
		}
	struct list l;
	struct list_params in = {.title = title, .replies_policy = "list", .exclusive = 0};
	if (list_create(c, owner, &in, &l))
		return c->err.rc;
	*id = l.id;
	return RC_OK;
}

/* The status a bookmarks.csv row names: ours as BASE/users/NAME/statuses/ID
 * (written by NAME), another server's by its ActivityPub id. */
static enum rc status_named(struct core *c, const char *uri, int64_t *id)
{
	const char *base = c->cfg->base_url, *rest = uri + strlen(base) + 7, *slash;
	enum store_rc st;
	*id = 0;
	if (strncmp(uri, base, strlen(base)) || strncmp(uri + strlen(base), "/users/", 7)) {
		st = store_status_by_uri(c->db, uri, id);
	} else if ((slash = strchr(rest, '/')) && !strncmp(slash, "/statuses/", 10)) {
		int64_t v;
		struct status s;
		st = id_parse(slash + 10, &v) ? store_status_get(c->db, c->arena, v, &s)
					      : ST_NOT_FOUND;
		if (st == ST_OK && s.local && !s.reblog_of_id &&
		    strlen(s.account.username) == (size_t)(slash - rest) &&
		    !strncmp(s.account.username, rest, (size_t)(slash - rest)))
			*id = v;
	} else {
		st = ST_NOT_FOUND;
	}
	if (st != ST_OK && st != ST_NOT_FOUND)
		return core_store_fail(c, st);
	return *id ? RC_OK : core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
}

static enum rc import_row(struct core *c, int64_t viewer, enum data_kind k, const char **f,
			  int n)
{
	int64_t id;
	if (k == DATA_DOMAIN_BLOCKS)
		return domain_block(c, viewer, f[0], true);
	if (k == DATA_BOOKMARKS)
		return status_named(c, f[0], &id) ? c->err.rc : status_bookmark(c, viewer, id, true);

	const char *addr = k == DATA_LISTS ? (n > 1 ? f[1] : "") : f[0];
	struct account a;
	if (account_lookup(c, addr, &a))
		return c->err.rc;
	if (a.id == viewer)
		return core_fail(c, RC_INVALID, NULL, "That is your own account");
	switch (k) {
	case DATA_FOLLOWING: {
		struct follow_options o = {truthy(n > 1 ? f[1] : NULL, true),
					   truthy(n > 2 ? f[2] : NULL, false)};
		return rel_follow(c, viewer, a.id, &o);
	}
	case DATA_BLOCKS: return rel_block(c, viewer, a.id, true);
	case DATA_MUTES: return rel_mute(c, viewer, a.id, truthy(n > 1 ? f[1] : NULL, true), 0);
	default: break;
	}
	int64_t list = 0;
	struct relationship rel;
	struct follow_options o = {1, 0};
	if (list_named(c, viewer, f[0], &list) || rel_get(c, viewer, a.id, &rel))
		return c->err.rc;
	if (!rel.following && rel_follow(c, viewer, a.id, &o))
		return c->err.rc;
	enum rc rc = list_add(c, viewer, list, &a.id, 1);
	return rc == RC_INVALID ? RC_OK : rc; /* already on the list */
}

static bool header(enum data_kind k, const char *first)
{
	return k != DATA_LISTS && !strcasecmp(first, "Account address");
}

enum rc data_import(struct core *c, int64_t account_id, enum data_kind k, const char *csv,
		    struct import_result *out)
{
	memset(out, 0, sizeof *out);
	if (!csv)
		return core_fail(c, RC_INVALID, "data", "Validation failed: data is missing");
	const char *p = csv, *f[FIELDS_MAX];
	int n, line = 0;
	while ((n = record(c, &p, f)) > 0) {
		if (++line > IMPORT_ROWS_MAX)
			return core_fail(c, RC_INVALID, "data",
					 "Validation failed: at most %d rows", IMPORT_ROWS_MAX);
		if ((n == 1 && !*f[0]) || (line == 1 && header(k, f[0])))
			continue;
		enum rc rc = import_row(c, account_id, k, f, n);
		if (rc == RC_INTERNAL || rc == RC_UNAVAILABLE)
			return rc;
		if (rc == RC_OK)
			out->imported++;
		else
			skip(out, c, line, k == DATA_LISTS && n > 1 ? f[1] : f[0],
			     rc == RC_NOT_FOUND ? "not on this server" : c->err.msg);
	}
	return RC_OK;
}
