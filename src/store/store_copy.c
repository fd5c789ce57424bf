/* store_copy.c - `rapport store copy` and `store verify` (store/copy.h).
 *
 * Rows are read from SQLite with a plain SELECT and from PostgreSQL with
 * COPY ... TO STDOUT, and written into PostgreSQL with COPY ... FROM STDIN
 * and into SQLite with a prepared INSERT per row (db_exec_texts), in the
 * one transaction. Every row read passes through take_row(),
 * which checks its integers, adds its hash to the table's checksum and
 * hands it to the writer. The SQL built here for each table lives until
 * the stores are closed: the backends cache statements by the SQL's
 * address (db.h). */
#include "store/copy.h"
#include "store/db.h"
#include "store/store_internal.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/util.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TABLES 256
#define MAX_COLS 64
#define PG_FLUSH (16u << 20)     /* bytes of COPY data per COPY statement */
#define BUF_CAP (1u << 30)
#define FTS_TABLE "statuses_fts" /* the search index (store_fts_insert) */

enum { SRC = 0, DST = 1 };

struct side {
	const char *where;
	struct store *st;
	struct db *db;
	bool pg;
};

struct ctable {
	char *name;
	int ncols;
	char *cols[MAX_COLS];
	bool is_int[MAX_COLS];
	char *probe_sql;   /* SELECT 1 ... LIMIT 1: is it empty? */
	char *read_sql[2]; /* per side: SELECT, or COPY (SELECT) TO STDOUT */
	char *write_sql;   /* into the destination */
	int64_t rows[2];
	uint64_t sum[2][2];
};

struct copy {
	struct side side[2];
	struct ctable t[MAX_TABLES];
	int ntables;
	struct st_bulk bulk; /* dropped for the load, made again after */
	char *err;
	size_t errlen;
};

/* One table's rows going through take_row(). */
struct pass {
	struct copy *c;
	struct ctable *t;
	int side;             /* whose checksum the rows add to */
	struct side *to;      /* where they are written; NULL to only sum */
	const char *to_table; /* the name written into, for messages */
	struct buf out;
	char *scratch;
	size_t scratch_cap;
	bool failed;
};

static enum store_rc fail(struct copy *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum store_rc fail(struct copy *c, const char *fmt, ...)
{
	if (c->err[0])
		return ST_ERROR; /* the first reason is the one reported */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return ST_ERROR;
}

static char *fmt_sql(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *fmt_sql(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- opening the two stores ---- */

/* Whether a serving process holds one of the node ids' locks (store.c's
 * lock_node) on this PostgreSQL database. */
static enum store_rc pg_check_idle(struct copy *c, struct side *s)
{
	int64_t n;
	enum db_rc rc = db_scalar(s->db, &n,
				  "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"
				  " AND database = (SELECT oid FROM pg_database"
				  " WHERE datname = current_database())"
				  " AND objid::bigint BETWEEN $1 AND $2",
				  "ii", (int64_t)STORE_NODE_LOCK_BASE,
				  (int64_t)STORE_NODE_LOCK_BASE + 63);
	if (rc != DB_ROW)
		return fail(c, "cannot read the PostgreSQL store's locks: %s", db_errmsg(s->db));
	if (n)
		return fail(c, "a server is using the PostgreSQL store (it holds a node id's "
			       "lock): stop every rapport serve on it first");
	return ST_OK;
}

static bool has_store(const char *dir)
{
	char path[4096];
	return snprintf(path, sizeof path, "%s/rapport.db", dir) < (int)sizeof path &&
	       !access(path, F_OK);
}

static enum store_rc side_open(struct copy *c, int i, const char *where)
{
	struct side *s = &c->side[i];
	s->where = where;
	s->pg = db_is_url(where);
	/* exclusive takes a SQLite store's serve.lock for the whole run. */
	if (i == SRC && !s->pg && !has_store(where))
		return fail(c, "no store in %s", where);
	struct store_options so = {.dir = s->pg ? "." : where, .url = s->pg ? where : NULL,
				   .sync_full = true, .bulk = true, .exclusive = !s->pg};
	if (store_open(&so, &s->st) != ST_OK)
		return fail(c, "cannot open the %s store %s (is a server using it?)",
			    i == SRC ? "source" : "destination", s->pg ? "(PostgreSQL)" : where);
	s->db = store_acquire(s->st);
	return s->pg ? pg_check_idle(c, s) : ST_OK;
}

static void copy_free(struct copy *c)
{
	for (int i = 0; i < 2; i++)
		if (c->side[i].st) {
			store_release(c->side[i].st, c->side[i].db);
			store_close(c->side[i].st);
		}
	for (int i = 0; i < c->ntables; i++) {
		struct ctable *t = &c->t[i];
		free(t->name);
		for (int k = 0; k < t->ncols; k++)
			free(t->cols[k]);
		free(t->probe_sql);
		free(t->read_sql[0]);
		free(t->read_sql[1]);
		free(t->write_sql);
	}
	st_bulk_free(&c->bulk);
	free(c);
}

static enum store_rc open_both(struct copy *c, const char *from, const char *to)
{
	if (!strcmp(from, to))
		return fail(c, "--from and --to name the same store");
	if (side_open(c, SRC, from) != ST_OK || side_open(c, DST, to) != ST_OK)
		return ST_ERROR;
	int v[2];
	for (int i = 0; i < 2; i++)
		if (store_schema_version(c->side[i].db, &v[i]) != ST_OK)
			return fail(c, "cannot read the schema version: %s",
				    db_errmsg(c->side[i].db));
	if (v[0] != v[1])
		return fail(c, "the stores are at schema versions %d and %d", v[0], v[1]);
	return ST_OK;
}

/* ---- the tables, from the catalogues ---- */

static const char *const TABLES_SQLITE =
	"SELECT name FROM sqlite_master WHERE type = 'table'"
	" AND name NOT LIKE 'sqlite!_%' ESCAPE '!' AND name NOT LIKE 'statuses!_fts%' ESCAPE '!'"
	" AND name <> 'schema_version' ORDER BY name";
static const char *const TABLES_PG =
	"SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	" AND tablename NOT IN ('statuses_fts', 'schema_version') ORDER BY tablename";
/* A virtual table other than the search index would not be copied. */
static const char *const VTABLES_SQLITE =
	"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
	" AND sql LIKE 'CREATE VIRTUAL TABLE%' AND name <> 'statuses_fts'";
static const char *const COLS_SQLITE =
	"SELECT name, upper(type) FROM pragma_table_info($1) ORDER BY cid";
static const char *const COLS_PG =
	"SELECT column_name, data_type FROM information_schema.columns"
	" WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

/* 1 an integer, 0 text, -1 a type this copy does not carry. */
static int col_kind(const char *type, bool pg)
{
	if (pg)
		return !strcmp(type, "bigint") || !strcmp(type, "integer") ||
				       !strcmp(type, "smallint")
			       ? 1
		       : !strcmp(type, "text") ? 0
					       : -1;
	return strstr(type, "INT") ? 1 : strstr(type, "TEXT") ? 0 : -1;
}

static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* The table's columns on side i, checked against what side 0 gave. */
static enum store_rc load_cols(struct copy *c, struct ctable *t, int i)
{
	struct side *s = &c->side[i];
	struct db_stmt *st = db_query(s->db, s->pg ? COLS_PG : COLS_SQLITE, "t", t->name);
	if (!st)
		return fail(c, "cannot read the columns of %s: %s", t->name, db_errmsg(s->db));
	int n = 0;
	enum store_rc rc = ST_OK;
	while (rc == ST_OK && db_next(st) == DB_ROW) {
		const char *name = db_text(st, 0);
		int kind = col_kind(db_text(st, 1), s->pg);
		if (n >= MAX_COLS || !plain_name(name))
			rc = fail(c, "%s has a column this copy cannot name", t->name);
		else if (kind < 0)
			rc = fail(c, "%s.%s is of type %s, which store copy does not carry (only "
				     "integers and text)", t->name, name, db_text(st, 1));
		else if (i == SRC) {
			t->cols[n] = xstrdup(name);
			t->is_int[n] = kind;
			t->ncols = n + 1;
		} else if (n >= t->ncols || strcmp(t->cols[n], name) || t->is_int[n] != kind)
			rc = fail(c, "the stores' schemas differ: %s.%s", t->name, name);
		n++;
	}
	db_end(st);
	if (rc == ST_OK && n != t->ncols)
		rc = fail(c, "the stores' schemas differ: the columns of %s", t->name);
	if (rc == ST_OK && !n)
		rc = fail(c, "the destination has no table %s", t->name);
	return rc;
}

/* "a", "b", ... or $1, $2, ... */
static char *col_list(const struct ctable *t, bool params)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	for (int k = 0; k < t->ncols; k++) {
		int e = params ? buf_printf(&b, "%s$%d", k ? ", " : "", k + 1)
			       : buf_printf(&b, "%s\"%s\"", k ? ", " : "", t->cols[k]);
		if (e)
			break; /* b.over: names are short, the cap is not reached */
	}
	return buf_steal(&b);
}

/* The statements for one table; write_to is where the destination's rows
 * go (the table itself, or the search index's staging table). */
static void build_sql(struct copy *c, struct ctable *t, const char *write_to)
{
	char *cols = col_list(t, false);
	t->probe_sql = fmt_sql("SELECT 1 FROM \"%s\" LIMIT 1", t->name);
	for (int i = 0; i < 2; i++)
		t->read_sql[i] = c->side[i].pg
					 ? fmt_sql("COPY (SELECT %s FROM \"%s\") TO STDOUT", cols, t->name)
					 : fmt_sql("SELECT %s FROM \"%s\"", cols, t->name);
	const char *wcols = strcmp(write_to, t->name) ? "\"id\"" : cols;
	if (c->side[DST].pg) {
		t->write_sql = fmt_sql("COPY \"%s\" (%s) FROM STDIN", write_to, wcols);
	} else {
		char *vals = col_list(t, true);
		t->write_sql = fmt_sql("INSERT INTO \"%s\" (%s) VALUES (%s)", write_to, wcols, vals);
		free(vals);
	}
	free(cols);
}

static enum store_rc list_tables(struct copy *c)
{
	struct side *s = &c->side[SRC];
	struct db_stmt *st = db_query(s->db, s->pg ? TABLES_PG : TABLES_SQLITE, "");
	if (!st)
		return fail(c, "cannot list the source's tables: %s", db_errmsg(s->db));
	enum store_rc rc = ST_OK;
	while (rc == ST_OK && db_next(st) == DB_ROW) {
		if (c->ntables >= MAX_TABLES - 1 || !plain_name(db_text(st, 0)))
			rc = fail(c, "the source has a table this copy cannot name");
		else
			c->t[c->ntables++].name = xstrdup(db_text(st, 0));
	}
	db_end(st);
	return rc;
}

static enum store_rc count_tables(struct copy *c, int i, int64_t *n)
{
	struct side *s = &c->side[i];
	enum db_rc rc = s->pg ? db_scalar(s->db, n,
					  "SELECT COUNT(*) FROM pg_tables WHERE schemaname ="
					  " current_schema() AND tablename NOT IN"
					  " ('statuses_fts', 'schema_version')", "")
			      : db_scalar(s->db, n,
					  "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
					  " AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
					  " AND name NOT LIKE 'statuses!_fts%' ESCAPE '!'"
					  " AND name <> 'schema_version'", "");
	if (rc != DB_ROW)
		return fail(c, "cannot list the tables: %s", db_errmsg(s->db));
	int64_t v = 0;
	if (!s->pg && db_scalar(s->db, &v, VTABLES_SQLITE, "") != DB_ROW)
		return fail(c, "cannot list the tables: %s", db_errmsg(s->db));
	if (v)
		return fail(c, "the SQLite store has a virtual table other than the search index");
	return ST_OK;
}

static enum store_rc load_tables(struct copy *c)
{
	int64_t n[2];
	if (list_tables(c) != ST_OK || count_tables(c, SRC, &n[0]) != ST_OK ||
	    count_tables(c, DST, &n[1]) != ST_OK)
		return ST_ERROR;
	if (n[0] != n[1])
		return fail(c, "the stores' schemas differ: %lld and %lld tables", (long long)n[0],
			    (long long)n[1]);
	for (int i = 0; i < c->ntables; i++) {
		struct ctable *t = &c->t[i];
		if (load_cols(c, t, SRC) != ST_OK || load_cols(c, t, DST) != ST_OK)
			return ST_ERROR;
		build_sql(c, t, t->name);
	}
	/* The search index: the ids of the statuses it holds. */
	struct ctable *t = &c->t[c->ntables++];
	t->name = xstrdup(FTS_TABLE);
	t->cols[0] = xstrdup("rowid");
	t->is_int[0] = true;
	t->ncols = 1;
	build_sql(c, t, "copy_fts");
	return ST_OK;
}

/* ---- rows ---- */

/* An integer column's value must be an integer's canonical decimal text:
 * what both backends print, so that both checksums see the same bytes. */
static bool canonical_int(const char *v, size_t n)
{
	if (!n || n > 20)
		return false;
	char tmp[24], back[24];
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	char *end;
	long long x = strtoll(tmp, &end, 10);
	snprintf(back, sizeof back, "%lld", x);
	return *end == '\0' && !strcmp(tmp, back);
}

static void row_hash(const struct ctable *t, const char *const *v, const size_t *len,
		     uint64_t h[2])
{
	crypto_generichash_state s;
	crypto_generichash_init(&s, NULL, 0, 16);
	for (int k = 0; k < t->ncols; k++) {
		unsigned char tag = v[k] ? 'V' : 'N', n[8];
		crypto_generichash_update(&s, &tag, 1);
		if (!v[k])
			continue;
		for (int b = 0; b < 8; b++)
			n[b] = (unsigned char)((uint64_t)len[k] >> (8 * b));
		crypto_generichash_update(&s, n, 8);
		crypto_generichash_update(&s, (const unsigned char *)v[k], len[k]);
	}
	unsigned char out[16];
	crypto_generichash_final(&s, out, 16);
	memcpy(&h[0], out, 8);
	memcpy(&h[1], out + 8, 8);
}

static void put(struct pass *p, const char *s, size_t n)
{
	if (buf_append(&p->out, s, n))
		p->failed = true; /* over the cap: reported by the flush */
}

/* A value in COPY's text format. */
static void put_value(struct pass *p, const char *v, size_t n)
{
	if (!v) {
		put(p, "\\N", 2);
		return;
	}
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		char esc = c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : 0;
		if (!esc)
			continue;
		char e[2] = {'\\', esc};
		put(p, v + run, i - run);
		put(p, e, 2);
		run = i + 1;
	}
	put(p, v + run, n - run);
}

static enum store_rc flush(struct pass *p)
{
	if (!p->out.len)
		return ST_OK;
	if (p->failed)
		return fail(p->c, "a row of %s is too large to copy", p->t->name);
	enum db_rc rc = db_copy_in(p->to->db, p->t->write_sql, p->out.data, p->out.len);
	buf_free(&p->out);
	buf_init(&p->out, BUF_CAP);
	if (rc != DB_OK)
		return fail(p->c, "cannot write into %s: %s", p->to_table, db_errmsg(p->to->db));
	return ST_OK;
}

/* Into PostgreSQL, COPY's text format, a COPY every few megabytes; into
 * SQLite, an INSERT a row (a prepared statement in one transaction). */
static enum store_rc write_row(struct pass *p, const char *const *v, const size_t *len)
{
	if (!p->to->pg)
		return db_exec_texts(p->to->db, p->t->write_sql, p->t->ncols, v, len) == DB_OK
			       ? ST_OK
			       : fail(p->c, "cannot write into %s: %s", p->to_table,
				      db_errmsg(p->to->db));
	for (int k = 0; k < p->t->ncols; k++) {
		if (k)
			put(p, "\t", 1);
		put_value(p, v[k], len[k]);
	}
	put(p, "\n", 1);
	return p->out.len >= PG_FLUSH ? flush(p) : ST_OK;
}

/* Every row read goes through here; non-zero stops the read. */
static int take_row(struct pass *p, const char *const *v, const size_t *len)
{
	struct ctable *t = p->t;
	for (int k = 0; k < t->ncols; k++)
		if (v[k] && t->is_int[k] && !canonical_int(v[k], len[k])) {
			fail(p->c, "%s.%s holds a value that is not an integer: %.40s", t->name,
			     t->cols[k], v[k]);
			return -1;
		}
	uint64_t h[2];
	row_hash(t, v, len, h);
	t->rows[p->side]++;
	t->sum[p->side][0] += h[0];
	t->sum[p->side][1] += h[1];
	return p->to && write_row(p, v, len) != ST_OK ? -1 : 0;
}

static void *scratch(struct pass *p, size_t n)
{
	if (n > p->scratch_cap) {
		p->scratch = xrealloc(p->scratch, n);
		p->scratch_cap = n;
	}
	return p->scratch;
}

static int unescape(char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'v': return '\v';
	case '\\': return '\\';
	default: return -1; /* PostgreSQL writes no other escape in COPY TO */
	}
}

/* A row of COPY TO's text format, split and unescaped. */
static int pg_row(const char *row, size_t len, void *ctx)
{
	struct pass *p = ctx;
	if (len && row[len - 1] == '\n')
		len--;
	char *w = scratch(p, len + 1);
	const char *v[MAX_COLS];
	size_t vlen[MAX_COLS];
	int n = 0;
	for (size_t i = 0;; i++) {
		size_t start = i;
		char *o = w;
		for (; i < len && row[i] != '\t'; i++) {
			int ch = (unsigned char)row[i];
			if (ch == '\\' && i + 1 < len) {
				ch = unescape(row[++i]);
				bool null = row[i] == 'N' && i == start + 1 &&
					    (i + 1 == len || row[i + 1] == '\t');
				if (null)
					continue;
				if (ch < 0) {
					fail(p->c, "%s: an escape that COPY does not write",
					     p->t->name);
					return -1;
				}
			}
			*w++ = (char)ch;
		}
		if (n >= p->t->ncols) {
			fail(p->c, "%s: a row with too many columns", p->t->name);
			return -1;
		}
		bool null = i - start == 2 && row[start] == '\\' && row[start + 1] == 'N';
		v[n] = null ? NULL : o;
		vlen[n++] = null ? 0 : (size_t)(w - o);
		if (i >= len)
			break;
	}
	if (n != p->t->ncols) {
		fail(p->c, "%s: a row with %d columns", p->t->name, n);
		return -1;
	}
	return take_row(p, v, vlen);
}

static enum store_rc sqlite_rows(struct pass *p, struct side *s, const char *sql)
{
	struct db_stmt *st = db_query(s->db, sql, "");
	if (!st)
		return fail(p->c, "cannot read %s: %s", p->t->name, db_errmsg(s->db));
	const char *v[MAX_COLS];
	size_t len[MAX_COLS];
	enum db_rc rc = DB_ERROR;
	int stop = 0;
	while (!stop && (rc = db_next(st)) == DB_ROW) {
		for (int k = 0; k < p->t->ncols; k++) {
			v[k] = db_is_null(st, k) ? NULL : db_text(st, k);
			len[k] = v[k] ? strlen(v[k]) : 0;
		}
		stop = take_row(p, v, len);
	}
	db_end(st);
	if (stop)
		return ST_ERROR;
	return rc == DB_DONE ? ST_OK
			     : fail(p->c, "cannot read %s: %s", p->t->name, db_errmsg(s->db));
}

/* Reads table t on side `from`, summing into its checksum for that side,
 * and writes each row through `to` unless NULL. */
static enum store_rc pass_run(struct copy *c, struct ctable *t, int from, struct side *to,
			      const char *to_table)
{
	struct pass p = {.c = c, .t = t, .side = from, .to = to, .to_table = to_table};
	buf_init(&p.out, BUF_CAP);
	struct side *s = &c->side[from];
	t->rows[from] = 0;
	memset(t->sum[from], 0, sizeof t->sum[from]);
	enum store_rc rc;
	if (s->pg)
		rc = db_copy_out(s->db, t->read_sql[from], pg_row, &p) == DB_OK
			     ? ST_OK
			     : fail(c, "cannot read %s: %s", t->name, db_errmsg(s->db));
	else
		rc = sqlite_rows(&p, s, t->read_sql[from]);
	if (rc == ST_OK && to)
		rc = flush(&p);
	buf_free(&p.out);
	free(p.scratch);
	return rc;
}

/* ---- the destination's transaction ---- */

/* The first table of side i with a row, in *full; NULL when none has. */
static enum store_rc first_full(struct copy *c, int i, const char **full)
{
	struct side *s = &c->side[i];
	*full = NULL;
	for (int k = 0; k < c->ntables && !*full; k++) {
		int64_t one;
		enum db_rc rc = db_scalar(s->db, &one, c->t[k].probe_sql, "");
		if (rc != DB_ROW && rc != DB_DONE)
			return fail(c, "cannot read %s: %s", c->t[k].name, db_errmsg(s->db));
		if (rc == DB_ROW)
			*full = c->t[k].name;
	}
	return ST_OK;
}

/* The destination must be new, and the source must not be (a mistyped
 * source would otherwise be a new store, copied as nothing). */
static enum store_rc check_empty(struct copy *c)
{
	const char *src, *dst;
	if (first_full(c, SRC, &src) != ST_OK || first_full(c, DST, &dst) != ST_OK)
		return ST_ERROR;
	if (dst)
		return fail(c, "the destination is not empty (%s has rows): copy into a new "
			       "store only", dst);
	if (!src)
		return fail(c, "the source store is empty: nothing to copy");
	return ST_OK;
}

/* SQLite loads with its foreign keys off (the pragma has no effect inside
 * a transaction, so it is set before it) and checks them all at the end
 * (sqlite_keys_check). Deferring them instead made the load quadratic:
 * once one row referred to a row not copied yet (a bookmark before its
 * status, a reply before its parent in the source's order), SQLite looked
 * for the children of every parent row inserted after it, by a full scan
 * of each child table, whose indexes are dropped for the load. */
static enum store_rc dst_begin(struct copy *c)
{
	struct side *d = &c->side[DST];
	if (!d->pg && db_script(d->db, "PRAGMA foreign_keys = OFF") != DB_OK)
		return fail(c, "cannot prepare the destination: %s", db_errmsg(d->db));
	if (db_begin(d->db) != DB_OK)
		return fail(c, "cannot begin on the destination: %s", db_errmsg(d->db));
	const char *prep = d->pg ? "CREATE TEMP TABLE copy_fts (id BIGINT) ON COMMIT DROP"
				 : "PRAGMA cache_size = -262144;"
				   " CREATE TEMP TABLE copy_fts (id INTEGER)";
	if (db_script(d->db, prep) != DB_OK)
		return fail(c, "cannot prepare the destination: %s", db_errmsg(d->db));
	return st_bulk_drop(d->db, &c->bulk) == ST_OK
		       ? ST_OK
		       : fail(c, "cannot drop the indexes for the load: %s", db_errmsg(d->db));
}

/* The search index of the statuses the source's index holds, as
 * store_fts_insert writes it. */
static const char *const FTS_BUILD_PG =
	"INSERT INTO statuses_fts (rowid, tsv) SELECT s.id, to_tsvector('simple', s.text)"
	" FROM statuses s JOIN copy_fts c ON c.id = s.id";
static const char *const FTS_BUILD_SQLITE =
	"INSERT INTO statuses_fts (rowid, text) SELECT s.id, s.text"
	" FROM statuses s JOIN temp.copy_fts c ON c.id = s.id;"
	" INSERT INTO statuses_fts (statuses_fts) VALUES ('optimize'); DROP TABLE temp.copy_fts";
static const char *const SEQUENCES_PG =
	"SELECT table_name, column_name FROM information_schema.columns"
	" WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'";

/* Each BIGSERIAL's sequence moved past the largest id copied. */
static enum store_rc set_sequences(struct copy *c)
{
	struct db *db = c->side[DST].db;
	struct db_stmt *st = db_query(db, SEQUENCES_PG, "");
	if (!st)
		return fail(c, "cannot read the sequences: %s", db_errmsg(db));
	char *sql[MAX_TABLES];
	int n = 0;
	while (db_next(st) == DB_ROW && n < MAX_TABLES)
		sql[n++] = fmt_sql("SELECT setval(pg_get_serial_sequence('\"%1$s\"', '%2$s'),"
				   " COALESCE((SELECT MAX(\"%2$s\") FROM \"%1$s\"), 0) + 1, false)",
				   db_text(st, 0), db_text(st, 1));
	db_end(st);
	enum store_rc rc = ST_OK;
	for (int i = 0; i < n; i++) {
		if (rc == ST_OK && db_script(db, sql[i]) != DB_OK)
			rc = fail(c, "cannot set a sequence: %s", db_errmsg(db));
		free(sql[i]);
	}
	return rc;
}

/* Every foreign key of the SQLite destination, checked once its indexes
 * are made again (each check is then a lookup of the parent's key): a
 * row whose parent is missing fails the copy. */
static enum store_rc sqlite_keys_check(struct copy *c)
{
	struct db *db = c->side[DST].db;
	struct db_stmt *st = db_query(db, "PRAGMA foreign_key_check", "");
	if (!st)
		return fail(c, "cannot check the foreign keys: %s", db_errmsg(db));
	enum db_rc rc = db_next(st);
	if (rc == DB_ROW)
		fail(c, "a row the copy wrote breaks a rule of the schema: the row %lld of %s "
			"refers to a row of %s that is not there",
		     (long long)db_int(st, 1), db_text(st, 0), db_text(st, 2));
	else if (rc != DB_DONE)
		fail(c, "cannot check the foreign keys: %s", db_errmsg(db));
	db_end(st);
	return rc == DB_DONE ? ST_OK : ST_ERROR;
}

static enum store_rc dst_finish(struct copy *c)
{
	struct side *d = &c->side[DST];
	if (db_script(d->db, d->pg ? FTS_BUILD_PG : FTS_BUILD_SQLITE) != DB_OK)
		return fail(c, "cannot build the search index: %s", db_errmsg(d->db));
	if (d->pg && set_sequences(c) != ST_OK)
		return ST_ERROR;
	if (st_bulk_remake(d->db, &c->bulk) != ST_OK)
		return fail(c, "a row the copy wrote breaks a rule of the schema: %s",
			    db_errmsg(d->db));
	return d->pg ? ST_OK : sqlite_keys_check(c);
}

/* A consistent view of the source for the whole read. */
static enum store_rc src_snapshot(struct copy *c, bool begin)
{
	struct side *s = &c->side[SRC];
	const char *sql = !begin ? "COMMIT"
			  : s->pg ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
				  : "BEGIN";
	return db_script(s->db, sql) == DB_OK
		       ? ST_OK
		       : fail(c, "cannot read the source: %s", db_errmsg(s->db));
}

/* ---- the report ---- */

static bool same(const struct ctable *t)
{
	return t->rows[0] == t->rows[1] && t->sum[0][0] == t->sum[1][0] &&
	       t->sum[0][1] == t->sum[1][1];
}

static bool report(struct copy *c, FILE *out)
{
	bool all = true;
	fprintf(out, "%-28s %12s %12s  %-32s  %s\n", "table", "source rows", "dest rows",
		"checksum", "");
	for (int i = 0; i < c->ntables; i++) {
		struct ctable *t = &c->t[i];
		bool ok = same(t);
		all = all && ok;
		fprintf(out, "%-28s %12lld %12lld  %016llx%016llx  %s", t->name,
			(long long)t->rows[0], (long long)t->rows[1],
			(unsigned long long)t->sum[0][1], (unsigned long long)t->sum[0][0],
			ok ? "ok\n" : "DIFFERENT: ");
		if (!ok)
			fprintf(out, "destination %016llx%016llx\n",
				(unsigned long long)t->sum[1][1], (unsigned long long)t->sum[1][0]);
	}
	return all;
}

/* ---- the commands ---- */

static struct copy *copy_new(char *err, size_t errlen)
{
	struct copy *c = xcalloc(1, sizeof *c);
	c->err = err;
	c->errlen = errlen;
	err[0] = '\0';
	return c;
}

static enum store_rc copy_rows(struct copy *c)
{
	struct side *d = &c->side[DST];
	for (int i = 0; i < c->ntables; i++) {
		struct ctable *t = &c->t[i];
		bool index = i == c->ntables - 1;
		if (pass_run(c, t, SRC, d, index ? "the search index" : t->name) != ST_OK)
			return ST_ERROR;
	}
	if (dst_finish(c) != ST_OK)
		return ST_ERROR;
	for (int i = 0; i < c->ntables; i++)
		if (pass_run(c, &c->t[i], DST, NULL, NULL) != ST_OK)
			return ST_ERROR;
	return ST_OK;
}

enum store_rc store_copy(const char *from, const char *to, FILE *out, char *err, size_t errlen)
{
	struct copy *c = copy_new(err, errlen);
	bool began = false;
	enum store_rc rc = open_both(c, from, to);
	if (rc == ST_OK)
		rc = load_tables(c);
	if (rc == ST_OK)
		rc = check_empty(c);
	if (rc == ST_OK)
		rc = src_snapshot(c, true);
	if (rc == ST_OK && (rc = dst_begin(c)) == ST_OK)
		began = true;
	if (rc == ST_OK)
		rc = copy_rows(c);
	if (rc == ST_OK && !report(c, out))
		rc = fail(c, "the copy differs from the source: nothing was kept");
	struct db *d = c->side[DST].db;
	if (rc == ST_OK && db_commit(d) != DB_OK)
		rc = fail(c, "cannot commit the copy (nothing was kept): %s", db_errmsg(d));
	if (rc != ST_OK && began)
		db_rollback(d);
	if (d && !c->side[DST].pg)
		db_script(d, "PRAGMA foreign_keys = ON"); /* as every connection has them */
	if (began && src_snapshot(c, false) != ST_OK)
		rc = ST_ERROR;
	if (rc == ST_OK && c->side[DST].pg && db_script(d, "ANALYZE") != DB_OK)
		rc = fail(c, "copied, but ANALYZE failed: %s", db_errmsg(d));
	copy_free(c);
	return rc;
}

enum store_rc store_verify(const char *from, const char *to, FILE *out, char *err,
			   size_t errlen)
{
	struct copy *c = copy_new(err, errlen);
	enum store_rc rc = open_both(c, from, to);
	if (rc == ST_OK)
		rc = load_tables(c);
	for (int i = 0; rc == ST_OK && i < c->ntables; i++)
		if (pass_run(c, &c->t[i], SRC, NULL, NULL) != ST_OK ||
		    pass_run(c, &c->t[i], DST, NULL, NULL) != ST_OK)
			rc = ST_ERROR;
	if (rc == ST_OK && !report(c, out))
		rc = ST_CONFLICT;
	copy_free(c);
	return rc;
}
