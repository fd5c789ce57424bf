/* schema.c - versioned migrations, applied in order at start.
 *
 * Each entry is portable SQL (SQLite and PostgreSQL). IDs are 64-bit
 * snowflakes made by the application; times are integer milliseconds.
 * Single-column keys are "INTEGER PRIMARY KEY", which SQLite makes the
 * table's rowid (64-bit, no second index); tables keyed by a pair are
 * "WITHOUT ROWID" (stored once, clustered by the key, not as a table plus
 * an index). A PostgreSQL backend maps INTEGER to BIGINT and drops
 * WITHOUT ROWID when it applies these. A migration, once released, is
 * never edited: add the next one. */
#include "store/schema.h"

#include <stddef.h>

const char *const schema_migrations[] = {
	/* 1: accounts, local users and OAuth */
	"CREATE TABLE accounts ("
	" id INTEGER PRIMARY KEY,"
	" username TEXT NOT NULL,"
	" username_key TEXT NOT NULL,"          /* lower(username) */
	" domain TEXT NOT NULL DEFAULT '',"     /* '' = local */
	" display_name TEXT NOT NULL DEFAULT '',"
	" note TEXT NOT NULL DEFAULT '',"
	" note_html TEXT NOT NULL DEFAULT '',"
	" fields TEXT NOT NULL DEFAULT '[]',"
	" uri TEXT NOT NULL,"
	" url TEXT NOT NULL,"
	" avatar TEXT NOT NULL DEFAULT '',"
	" header TEXT NOT NULL DEFAULT '',"
	" locked INTEGER NOT NULL DEFAULT 0,"
	" bot INTEGER NOT NULL DEFAULT 0,"
	" discoverable INTEGER NOT NULL DEFAULT 1,"
	" created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" last_status_at BIGINT NOT NULL DEFAULT 0,"
	" statuses_count BIGINT NOT NULL DEFAULT 0,"
	" followers_count BIGINT NOT NULL DEFAULT 0,"
	" following_count BIGINT NOT NULL DEFAULT 0,"
	" UNIQUE (username_key, domain),"
	" UNIQUE (uri));"
	"CREATE TABLE users ("
	" account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
	" email TEXT NOT NULL,"
	" email_key TEXT NOT NULL UNIQUE,"      /* lower(email) */
	" password_hash TEXT NOT NULL,"
	" admin INTEGER NOT NULL DEFAULT 0,"
	" default_privacy TEXT NOT NULL DEFAULT 'public',"
	" default_sensitive INTEGER NOT NULL DEFAULT 0,"
	" default_language TEXT NOT NULL DEFAULT '',"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE apps ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" website TEXT NOT NULL DEFAULT '',"
	" redirect_uris TEXT NOT NULL,"
	" scopes TEXT NOT NULL,"
	" client_id TEXT NOT NULL UNIQUE,"
	" secret_hash TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE auth_codes ("
	" code_hash TEXT PRIMARY KEY,"
	" app_id BIGINT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" redirect_uri TEXT NOT NULL,"
	" scopes TEXT NOT NULL,"
	" challenge TEXT NOT NULL DEFAULT '',"
	" expires_at BIGINT NOT NULL);"
	"CREATE TABLE tokens ("
	" id INTEGER PRIMARY KEY,"
	" token_hash TEXT NOT NULL UNIQUE,"
	" app_id BIGINT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,"
	" account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,"
	" scopes TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX tokens_account ON tokens(account_id);",

	/* 2: the social core */
	"CREATE TABLE statuses ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" uri TEXT UNIQUE,"                     /* NULL for local: derived from the domain */
	" text TEXT NOT NULL DEFAULT '',"       /* source as written */
	" content TEXT NOT NULL DEFAULT '',"    /* sanitised HTML */
	" spoiler_text TEXT NOT NULL DEFAULT '',"
	" sensitive INTEGER NOT NULL DEFAULT 0,"
	" visibility INTEGER NOT NULL DEFAULT 0," /* 0 public 1 unlisted 2 private 3 direct */
	" language TEXT,"
	" in_reply_to_id BIGINT,"
	" in_reply_to_account_id BIGINT,"
	" reblog_of_id BIGINT REFERENCES statuses(id) ON DELETE CASCADE,"
	" thread_id BIGINT NOT NULL,"           /* the root of the thread */
	" app_id BIGINT,"
	" mentions TEXT NOT NULL DEFAULT '[]',"  /* JSON [{id, username, acct, url}] */
	" tags TEXT NOT NULL DEFAULT '[]',"      /* JSON ["name", ...] */
	" local INTEGER NOT NULL DEFAULT 1,"
	" created_at BIGINT NOT NULL,"
	" edited_at BIGINT NOT NULL DEFAULT 0,"
	" replies_count BIGINT NOT NULL DEFAULT 0,"
	" reblogs_count BIGINT NOT NULL DEFAULT 0,"
	" favourites_count BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX statuses_account ON statuses(account_id, id);"
	"CREATE INDEX statuses_reply ON statuses(in_reply_to_id);"
	"CREATE INDEX statuses_reblog ON statuses(reblog_of_id, account_id);"
	"CREATE INDEX statuses_account_reblog ON statuses(account_id, reblog_of_id);"
	"CREATE INDEX statuses_thread ON statuses(thread_id, id);"
	"CREATE TABLE status_edits ("
	" id INTEGER PRIMARY KEY,"
	" status_id BIGINT NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,"
	" text TEXT NOT NULL, content TEXT NOT NULL, spoiler_text TEXT NOT NULL,"
	" sensitive INTEGER NOT NULL, created_at BIGINT NOT NULL);"
	"CREATE INDEX status_edits_status ON status_edits(status_id, id);"
	"CREATE TABLE mentions ("
	" status_id BIGINT NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" PRIMARY KEY (status_id, account_id)) WITHOUT ROWID;"
	"CREATE INDEX mentions_account ON mentions(account_id, status_id);"
	"CREATE TABLE tags ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"            /* lowercase */
	" display_name TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE status_tags ("
	" status_id BIGINT NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,"
	" tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
	" PRIMARY KEY (tag_id, status_id));"
	"CREATE INDEX status_tags_status ON status_tags(status_id);"
	"CREATE TABLE follows ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" show_reblogs INTEGER NOT NULL DEFAULT 1,"
	" notify INTEGER NOT NULL DEFAULT 0,"
	" languages TEXT,"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, target_id));"
	"CREATE INDEX follows_target ON follows(target_id, account_id);"
	"CREATE TABLE follow_requests ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" show_reblogs INTEGER NOT NULL DEFAULT 1,"
	" notify INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, target_id));"
	"CREATE INDEX follow_requests_target ON follow_requests(target_id, id);"
	"CREATE TABLE blocks ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, target_id));"
	"CREATE INDEX blocks_target ON blocks(target_id, account_id);"
	"CREATE TABLE mutes ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" notifications INTEGER NOT NULL DEFAULT 1,"
	" expires_at BIGINT NOT NULL DEFAULT 0," /* 0 = never */
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, target_id));"
	"CREATE TABLE account_notes ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" comment TEXT NOT NULL,"
	" PRIMARY KEY (account_id, target_id));"
	"CREATE TABLE favourites ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" status_id BIGINT NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, status_id));"
	"CREATE INDEX favourites_status ON favourites(status_id, id);"
	"CREATE INDEX favourites_account_id ON favourites(account_id, id);"
	"CREATE TABLE bookmarks ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" status_id BIGINT NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, status_id));"
	"CREATE INDEX bookmarks_account_id ON bookmarks(account_id, id);"
	"CREATE TABLE pins ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" status_id BIGINT NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (account_id, status_id));"
	"CREATE TABLE home_feed ("                /* filled on write; read by index seek */
	" account_id BIGINT NOT NULL,"
	" status_id BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, status_id)) WITHOUT ROWID;"
	"CREATE TABLE notifications ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" from_account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" type TEXT NOT NULL,"
	" status_id BIGINT REFERENCES statuses(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX notifications_account ON notifications(account_id, id);"
	"CREATE INDEX notifications_status ON notifications(status_id);"
	"CREATE TABLE markers ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" timeline TEXT NOT NULL,"
	" last_read_id BIGINT NOT NULL,"
	" version BIGINT NOT NULL DEFAULT 0,"
	" updated_at BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, timeline));"
	"CREATE TABLE conversations ("              /* one row per participant's view */
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" participants TEXT NOT NULL,"             /* sorted ids of the others, comma-separated */
	" last_status_id BIGINT NOT NULL,"
	" unread INTEGER NOT NULL DEFAULT 0,"
	" UNIQUE (account_id, participants));"
	"CREATE INDEX conversations_account ON conversations(account_id, last_status_id);"
	"CREATE TABLE lists ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" title TEXT NOT NULL,"
	" replies_policy TEXT NOT NULL DEFAULT 'list',"
	" exclusive INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX lists_account ON lists(account_id);"
	"CREATE TABLE list_accounts ("
	" list_id BIGINT NOT NULL REFERENCES lists(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" PRIMARY KEY (list_id, account_id));"
	"CREATE TABLE idempotency ("
	" account_id BIGINT NOT NULL,"
	" key TEXT NOT NULL,"
	" status_id BIGINT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, key));",

	/* 3: full-text search (SQLite FTS5; the PostgreSQL backend keeps its own) */
	"CREATE VIRTUAL TABLE statuses_fts USING fts5(text, content='', tokenize='unicode61');",

	/* 4: pagination of followers, following, blocks and mutes by row id */
	"CREATE INDEX follows_target_id ON follows(target_id, id);"
	"CREATE INDEX follows_account_id ON follows(account_id, id);"
	"CREATE INDEX blocks_account_id ON blocks(account_id, id);"
	"CREATE INDEX mutes_account_id ON mutes(account_id, id);"
	"CREATE INDEX follows_notify ON follows(target_id, account_id) WHERE notify = 1;",

	/* 5: background jobs (home-feed fan-out of accounts with many followers) */
	"CREATE TABLE jobs ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" status_id BIGINT NOT NULL,"
	" account_id BIGINT NOT NULL,"
	" reply_to BIGINT NOT NULL DEFAULT 0,"
	" reblog INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);",

	/* 6: the search index merges its segments in the background worker
	 * (store_fts_merge), not in the commit of whichever request crosses a
	 * threshold; a level still merges at once past 32 segments. */
	"INSERT INTO statuses_fts (statuses_fts, rank) VALUES ('automerge', 0);"
	"INSERT INTO statuses_fts (statuses_fts, rank) VALUES ('crisismerge', 32);",

	/* 7: rules held by the database, so they hold with several writers:
	 * - one reblog per account and status (a partial unique index, which
	 *   also serves the lookups of the index it replaces);
	 * - at most 5 pins per account: each pin takes one of 5 slots, unique
	 *   per account (store_pin_add takes the lowest free one);
	 * - jobs of several kinds ('fanout', 'notify'), and how far a job that
	 *   runs in slices has got (the last account it served). */
	"DROP INDEX statuses_account_reblog;"
	"CREATE UNIQUE INDEX statuses_one_reblog ON statuses(account_id, reblog_of_id)"
	" WHERE reblog_of_id IS NOT NULL;"
	"ALTER TABLE pins ADD COLUMN slot INTEGER NOT NULL DEFAULT 0"
	" CHECK (slot >= 0 AND slot < 5);"
	"UPDATE pins SET slot = (SELECT COUNT(*) FROM pins q WHERE q.account_id = pins.account_id"
	" AND q.id < pins.id);"
	"CREATE UNIQUE INDEX pins_slot ON pins(account_id, slot);"
	"ALTER TABLE jobs ADD COLUMN progress BIGINT NOT NULL DEFAULT 0;"
	"CREATE INDEX jobs_kind ON jobs(kind, id);",
	/* 8: reserved for a change on another branch (it brings it). */
	"",
	/* 9: reserved for a change on another branch (it brings it). */
	"",
	/* 10: reserved for a change on another branch (it brings it). */
	"",
	/* 11: reserved for a change on another branch (it brings it). */
	"",
	/* 12: reserved for a change on another branch (it brings it). */
	"",
	/* 13: reserved for a change on another branch (it brings it). */
	"",
	/* 14: reserved for a change on another branch (it brings it). */
	"",
	/* 15: reserved for a change on another branch (it brings it). */
	"",
	/* 16: reserved for a change on another branch (it brings it). */
	"",
	/* 17: reserved for a change on another branch (it brings it). */
	"",
	/* 18: reserved for a change on another branch (it brings it). */
	"",
	/* 19: reserved for a change on another branch (it brings it). */
	"",
	/* 20: the key pairs of local ActivityPub actors (store_keys.c,
	 * core/keys.c): RSA-2048 in PEM, made on first use; account_id 0 is
	 * the instance actor, so there is no foreign key to accounts. The
	 * private key is read only by the signer, never into a response. */
	"CREATE TABLE actor_keys ("
	" account_id INTEGER PRIMARY KEY,"
	" public_pem TEXT NOT NULL,"
	" private_pem TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);",
	NULL,
};
