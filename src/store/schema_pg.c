/* schema_pg.c - the migrations of schema.c as PostgreSQL runs them.
 *
 * The migrations are written once, in the SQL both databases share, with
 * SQLite's few spellings that PostgreSQL lacks translated here statement by
 * statement: INTEGER is BIGINT (SQLite's integers are 64-bit), a table's
 * INTEGER PRIMARY KEY (SQLite's row id, given a value when none is
 * inserted) is a BIGSERIAL, WITHOUT ROWID is dropped, and the full-text
 * index is a table of tsvectors with a GIN index instead of FTS5 (its
 * merge settings, FTS5 commands, have no counterpart and are dropped).
 * The tables in UNLOGGED are created so: what they hold may be lost in a
 * crash, and writing them then waits for no flush of the log. */
#include "store/schema.h"
#include "util/buf.h"
#include "util/util.h"

#define SCHEMA_MAX (1 << 20)

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char FTS_TABLE[] =
	"CREATE TABLE statuses_fts (rowid BIGINT PRIMARY KEY, tsv tsvector NOT NULL);"
	"CREATE INDEX statuses_fts_tsv ON statuses_fts USING GIN (tsv)";

/* Migration 23: a statement-level trigger per table and kind of change
 * NOTIFYs the changed rows' ids in one notice ("s1,2,3"), or "*" (forget
 * everything) when they would not fit in one (db_pg.h). Inserts need none:
 * a row not yet there is not cached. */
#define ROW_NOTICES_ON(t, k)                                                                  \
	"CREATE TRIGGER " t "_upd_notice AFTER UPDATE ON " t " REFERENCING OLD TABLE AS"      \
	" changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_row_notice('" k "');"          \
	"CREATE TRIGGER " t "_del_notice AFTER DELETE ON " t " REFERENCING OLD TABLE AS"      \
	" changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_row_notice('" k "');"
static const char ROW_NOTICES[] =
	"CREATE FUNCTION rapport_row_notice() RETURNS trigger LANGUAGE plpgsql AS $$"
	" DECLARE ids text; n bigint;"
	" BEGIN"
	"  SELECT string_agg(id::text, ','), count(*) INTO ids, n"
	"   FROM (SELECT id FROM changed LIMIT 301) x;"
	"  IF n > 300 THEN PERFORM pg_notify('rapport', '*');"
	"  ELSIF n > 0 THEN PERFORM pg_notify('rapport', TG_ARGV[0] || ids);"
	"  END IF;"
	"  RETURN NULL;"
	" END $$;" ROW_NOTICES_ON("statuses", "s") ROW_NOTICES_ON("accounts", "a");

/* Migration 27: what a bearer token resolves to (store/tokencache.c)
 * depends on its row in tokens and its account's in users: their triggers
 * NOTIFY the account ids of the rows updated or deleted ("t1,2,3", 0 for an
 * app's own tokens), or "*" past 300 accounts. */
#define TOKEN_NOTICES_ON(t)                                                                   \
	"CREATE TRIGGER " t "_upd_notice AFTER UPDATE ON " t " REFERENCING OLD TABLE AS"      \
	" changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_token_notice();"                \
	"CREATE TRIGGER " t "_del_notice AFTER DELETE ON " t " REFERENCING OLD TABLE AS"      \
	" changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_token_notice();"
static const char TOKEN_NOTICES[] =
	"CREATE FUNCTION rapport_token_notice() RETURNS trigger LANGUAGE plpgsql AS $$"
	" DECLARE ids text; n bigint;"
	" BEGIN"
	"  SELECT string_agg(k::text, ','), count(*) INTO ids, n"
	"   FROM (SELECT DISTINCT COALESCE(account_id, 0) AS k FROM changed LIMIT 301) x;"
	"  IF n > 300 THEN PERFORM pg_notify('rapport', '*');"
	"  ELSIF n > 0 THEN PERFORM pg_notify('rapport', 't' || ids);"
	"  END IF;"
	"  RETURN NULL;"
	" END $$;" TOKEN_NOTICES_ON("tokens") TOKEN_NOTICES_ON("users");

/* Migration 29: a token resolves to "barred" by its account's suspended_at
 * (store_token_by_hash); only a change of that column NOTIFYs the account
 * as a token notice ("t<id>"), one per row changed (a row trigger: a
 * statement trigger with transition tables cannot name its columns). The
 * accounts' own notices ("a...") no longer reach the token cache. */
static const char SUSPENSION_NOTICES[] =
	"CREATE FUNCTION rapport_suspension_notice() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN PERFORM pg_notify('rapport', 't' || NEW.id); RETURN NULL; END $$;"
	"CREATE TRIGGER accounts_suspension_notice AFTER UPDATE OF suspended_at ON accounts"
	" FOR EACH ROW WHEN (OLD.suspended_at IS DISTINCT FROM NEW.suspended_at)"
	" EXECUTE FUNCTION rapport_suspension_notice();";

/* Migration 30: what home_fold reads for a viewer (store/homecache.c
 * keeps it) hangs on the viewer's rows in these tables; their statement
 * triggers NOTIFY the account ids of the rows inserted, deleted or (for
 * the detector's flags) updated, 350 to a notice ("h1,2,3": under
 * NOTIFY's 8000 bytes), or "h*" past 7000 accounts. Blocks name both
 * sides (a block of the viewer hides the blocker's statuses). A reblog is
 * a row of statuses: a row trigger that only reblogs fire, so a post pays
 * nothing for it. */
#define HOME_NOTICE_ON(t, ev, rows, arg)                                                      \
	"CREATE TRIGGER " t "_" ev "_home AFTER " ev " ON " t " REFERENCING " rows " TABLE AS"  \
	" changed FOR EACH STATEMENT EXECUTE FUNCTION rapport_home_notice('" arg "');"
#define HOME_NOTICES_ON(t, arg)                                                               \
	HOME_NOTICE_ON(t, "INSERT", "NEW", arg) HOME_NOTICE_ON(t, "DELETE", "OLD", arg)
static const char HOME_NOTICES[] =
	"CREATE FUNCTION rapport_home_notice() RETURNS trigger LANGUAGE plpgsql AS $$"
	" DECLARE a bigint[]; n int;"
	" BEGIN"
	"  IF TG_ARGV[0] = 'target' THEN"
	"   SELECT array_agg(k) INTO a FROM (SELECT account_id AS k FROM changed UNION"
	"    SELECT target_id FROM changed LIMIT 7001) x;"
	"  ELSE"
	"   SELECT array_agg(k) INTO a FROM (SELECT DISTINCT account_id AS k FROM changed"
	"    LIMIT 7001) x;"
	"  END IF;"
	"  n := COALESCE(cardinality(a), 0);"
	"  IF n > 7000 THEN PERFORM pg_notify('rapport', 'h*');"
	"  ELSIF n > 0 THEN"
	"   FOR i IN 0 .. (n - 1) / 350 LOOP"
	"    PERFORM pg_notify('rapport', 'h' || array_to_string(a[i * 350 + 1 : i * 350 + 350], ','));"
	"   END LOOP;"
	"  END IF;"
	"  RETURN NULL;"
	" END $$;"
	HOME_NOTICES_ON("home_feed", "") HOME_NOTICES_ON("follows", "")
	HOME_NOTICES_ON("mentions", "") HOME_NOTICES_ON("favourites", "")
	HOME_NOTICES_ON("bookmarks", "") HOME_NOTICES_ON("pins", "")
	HOME_NOTICES_ON("status_flags", "") HOME_NOTICE_ON("status_flags", "UPDATE", "NEW", "")
	HOME_NOTICES_ON("blocks", "target") HOME_NOTICES_ON("mutes", "")
	HOME_NOTICES_ON("account_domain_blocks", "")
	"CREATE FUNCTION rapport_reblog_notice() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN"
	"  IF TG_OP = 'DELETE' THEN PERFORM pg_notify('rapport', 'h' || OLD.account_id);"
	"  ELSE PERFORM pg_notify('rapport', 'h' || NEW.account_id);"
	"  END IF;"
	"  RETURN NULL;"
	" END $$;"
	"CREATE TRIGGER statuses_reblog_ins_home AFTER INSERT ON statuses FOR EACH ROW"
	" WHEN (NEW.reblog_of_id IS NOT NULL) EXECUTE FUNCTION rapport_reblog_notice();"
	"CREATE TRIGGER statuses_reblog_del_home AFTER DELETE ON statuses FOR EACH ROW"
	" WHEN (OLD.reblog_of_id IS NOT NULL) EXECUTE FUNCTION rapport_reblog_notice();";

static bool starts(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

/* Rate-limit windows (store_claims.c): a crash forgives the current ones. */
static const char *const UNLOGGED[] = {"CREATE TABLE rate_limits ", NULL};

/* The length of st's "CREATE TABLE name " if the table is unlogged, or 0. */
static size_t unlogged(const char *st)
{
	for (int i = 0; UNLOGGED[i]; i++)
		if (starts(st, UNLOGGED[i]))
			return strlen("CREATE TABLE ");
	return 0;
}

static bool word_at(const char *s, size_t i, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(s + i, w, n))
		return false;
	bool before = i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_');
	bool after = isalnum((unsigned char)s[i + n]) || s[i + n] == '_';
	return !before && !after;
}

static void put(struct buf *out, const char *s)
{
	if (buf_puts(out, s))
		return; /* out->over is checked at the end */
}

static void putc_(struct buf *out, char c)
{
	if (buf_append(out, &c, 1))
		return;
}

/* One statement (without its ';'), translated into out. */
static void statement(struct buf *out, const char *s, size_t len)
{
	while (len && isspace((unsigned char)*s))
		s++, len--;
	char *st = xmalloc(len + 1);
	memcpy(st, s, len);
	st[len] = '\0';
	if (!*st || starts(st, "PRAGMA") || starts(st, "INSERT INTO statuses_fts (statuses_fts")) {
		free(st);
		return;
	}
	if (starts(st, "SELECT 'row notices'") || starts(st, "SELECT 'token notices'") ||
	    starts(st, "SELECT 'suspension notices'") || starts(st, "SELECT 'home notices'")) {
		put(out, starts(st, "SELECT 'row")     ? ROW_NOTICES
			 : starts(st, "SELECT 'token") ? TOKEN_NOTICES
			 : starts(st, "SELECT 'home")  ? HOME_NOTICES
						       : SUSPENSION_NOTICES);
		put(out, "\n");
		free(st);
		return;
	}
	if (starts(st, "CREATE VIRTUAL TABLE statuses_fts")) {
		put(out, FTS_TABLE);
		put(out, ";\n");
		free(st);
		return;
	}
	size_t i0 = unlogged(st);
	if (i0)
		put(out, "CREATE UNLOGGED TABLE ");
	char quote = 0;
	for (size_t i = i0; st[i]; i++) {
		char c = st[i];
		if (quote) {
			quote = c == quote ? 0 : quote;
			putc_(out, c);
			continue;
		}
		if (c == '\'' || c == '"') {
			quote = c;
			putc_(out, c);
		} else if (word_at(st, i, "INTEGER") && starts(st + i, "INTEGER PRIMARY KEY")) {
			put(out, "BIGSERIAL PRIMARY KEY");
			i += strlen("INTEGER PRIMARY KEY") - 1;
		} else if (word_at(st, i, "INTEGER")) {
			put(out, "BIGINT");
			i += strlen("INTEGER") - 1;
		} else if (word_at(st, i, "WITHOUT") && starts(st + i, "WITHOUT ROWID")) {
			i += strlen("WITHOUT ROWID") - 1;
		} else if (word_at(st, i, "BLOB")) {
			put(out, "BYTEA");
			i += 3;
		} else if (word_at(st, i, "REAL")) {
			put(out, "DOUBLE PRECISION");
			i += 3;
		} else {
			putc_(out, c);
		}
	}
	put(out, ";\n");
	free(st);
}

char *schema_pg(const char *sql)
{
	struct buf out;
	buf_init(&out, SCHEMA_MAX);
	const char *start = sql;
	char quote = 0;
	for (const char *p = sql;; p++) {
		if (quote && *p) {
			quote = *p == quote ? 0 : quote;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			continue;
		}
		if (*p == ';' || !*p) {
			statement(&out, start, (size_t)(p - start));
			if (!*p)
				break;
			start = p + 1;
		}
	}
	if (out.over) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}
