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

	/* 8: the event seam and the social-capital figures (core/events.c,
	 * store_social_capital.c; docs/ARCHITECTURE.md, "The event seam"):
	 * - events: the outbox, one row per write, drained by the worker;
	 *   rcpt is the comma-separated accounts the write addressed;
	 * - social_daily: per account and UTC day (ms / 86400000), originals
	 *   posted, interactions given to others, replies received;
	 * - social_addressed: replies and mentions addressed to an account
	 *   (status_id is a snowflake, so its range is a time range) and when
	 *   the account first answered each;
	 * - social_threads: turns per thread, and how many are by others than its
 *   starter (so "between 2 people or more" is other_turns > 0);
	 * - social_edges: how often account_id replied to target_id, per day;
	 * - social_trust: the last trust computation; social_cards: each
	 *   account's card as last computed by the worker (what Account JSON
	 *   shows), stamp a snowflake that changes whenever a value does. */
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" type INTEGER NOT NULL,"
	" actor BIGINT NOT NULL,"
	" target BIGINT NOT NULL DEFAULT 0,"
	" status_id BIGINT NOT NULL DEFAULT 0,"
	" object_id BIGINT NOT NULL DEFAULT 0,"
	" rcpt TEXT NOT NULL DEFAULT '',"
	" fate INTEGER NOT NULL DEFAULT 0,"
	" flags BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE social_daily ("
	" account_id BIGINT NOT NULL,"
	" day BIGINT NOT NULL,"
	" originals BIGINT NOT NULL DEFAULT 0,"
	" given BIGINT NOT NULL DEFAULT 0,"
	" replies_in BIGINT NOT NULL DEFAULT 0,"
	" PRIMARY KEY (account_id, day)) WITHOUT ROWID;"
	"CREATE TABLE social_addressed ("
	" account_id BIGINT NOT NULL,"
	" status_id BIGINT NOT NULL,"
	" from_id BIGINT NOT NULL,"
	" received_at BIGINT NOT NULL,"
	" answered_at BIGINT NOT NULL DEFAULT 0,"
	" PRIMARY KEY (account_id, status_id)) WITHOUT ROWID;"
	"CREATE TABLE social_threads ("
	" thread_id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL,"          /* who started it */
	" turns BIGINT NOT NULL DEFAULT 0,"
	" other_turns BIGINT NOT NULL DEFAULT 0);" /* turns by others than the starter */
	"CREATE INDEX social_threads_account ON social_threads(account_id, thread_id);"
	"CREATE TABLE social_edges ("
	" account_id BIGINT NOT NULL,"
	" target_id BIGINT NOT NULL,"
	" day BIGINT NOT NULL,"
	" replies BIGINT NOT NULL DEFAULT 0,"
	" PRIMARY KEY (account_id, target_id, day)) WITHOUT ROWID;"
	"CREATE INDEX social_edges_day ON social_edges(day);"
	"CREATE TABLE social_trust ("
	" account_id INTEGER PRIMARY KEY,"
	" trust_milli BIGINT NOT NULL,"
	" computed_at BIGINT NOT NULL);"
	"CREATE TABLE social_cards ("
	" account_id INTEGER PRIMARY KEY,"
	" stamp BIGINT NOT NULL,"
	" computed_at BIGINT NOT NULL,"
	" figures TEXT NOT NULL,"                /* the window's numbers, space-separated */
	" trust_milli BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX social_cards_computed ON social_cards(computed_at);",
	/* 9: the Conversations feed (core/convfeed.c; docs/ARCHITECTURE.md,
	 * "The Conversations feed") reads, for one viewer, the replies it
	 * received per account in the window: social_edges by target. */
	"CREATE INDEX social_edges_target ON social_edges(target_id, account_id, day);",
	/* 10: message requests (core/requests.c; docs/SOCIAL.md, "Message
	 * requests"):
	 * - notification_requests: one per recipient and sender whose
	 *   messages wait; notifications_count and last_status_id are those
	 *   of its held notifications, flags the senders' EVENT_FLAG_* (the
	 *   "automated" label);
	 * - notifications_held: the notifications a policy held, as they
	 *   would have been made (same columns as notifications); accepting
	 *   moves them there, declining deletes them;
	 * - notification_permissions: senders a recipient accepted;
	 * - notification_policies: the Mastodon 4.3 policy, 0 accept,
	 *   1 filter, 2 drop; no row means the defaults;
	 * - "talked with" asks whether the recipient addressed the sender:
	 *   an index over the seam's social_addressed by (addressee, author). */
	"CREATE TABLE notification_requests ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" from_account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" notifications_count BIGINT NOT NULL DEFAULT 0,"
	" last_status_id BIGINT NOT NULL DEFAULT 0,"
	" flags BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL,"
	" UNIQUE (account_id, from_account_id));"
	"CREATE INDEX notification_requests_account ON notification_requests(account_id, id);"
	"CREATE TABLE notifications_held ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" from_account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" type TEXT NOT NULL,"
	" status_id BIGINT REFERENCES statuses(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX notifications_held_from ON notifications_held(account_id, from_account_id,"
	" id);"
	"CREATE INDEX notifications_held_status ON notifications_held(status_id);"
	"CREATE TABLE notification_permissions ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" from_account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" created_at BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, from_account_id)) WITHOUT ROWID;"
	"CREATE TABLE notification_policies ("
	" account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
	" for_not_following INTEGER NOT NULL CHECK (for_not_following BETWEEN 0 AND 2),"
	" for_not_followers INTEGER NOT NULL CHECK (for_not_followers BETWEEN 0 AND 2),"
	" for_new_accounts INTEGER NOT NULL CHECK (for_new_accounts BETWEEN 0 AND 2),"
	" for_private_mentions INTEGER NOT NULL CHECK (for_private_mentions BETWEEN 0 AND 2),"
	" for_limited_accounts INTEGER NOT NULL CHECK (for_limited_accounts BETWEEN 0 AND 2),"
	" updated_at BIGINT NOT NULL);"
	"CREATE INDEX social_addressed_from ON social_addressed(account_id, from_id);",
	/* 11: the automation detectors (core/detect.c, store_detect.c;
	 * docs/SOCIAL.md, "Detectors"):
	 * - status_flags: the detectors' flags of a status (EVENT_FLAG_*
	 *   bits), shown to its author as rapport.flags; only flagged
	 *   statuses have a row;
	 * - detector_prints: the fingerprints of a sender's direct messages
	 *   (kind 0, one row per recipient: other = the recipient) and of its
	 *   replies and mentions (kind 1, other = the thread), kept for the
	 *   longest window that reads them (7 days);
	 * - detector_unfollows: unfollows made within 7 days of a follow that
	 *   was not returned, kept 7 days;
	 * - detector_accounts: per account, when it last replied to someone
	 *   else (saturation), and how many automated messages it sent and
	 *   when the last one was (trust). */
	"CREATE TABLE status_flags ("
	" status_id INTEGER PRIMARY KEY REFERENCES statuses(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL,"
	" flags BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX status_flags_account ON status_flags(account_id, status_id);"
	"CREATE TABLE detector_prints ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL,"
	" kind INTEGER NOT NULL,"
	" at BIGINT NOT NULL,"
	" hash BIGINT NOT NULL,"
	" status_id BIGINT NOT NULL,"
	" other BIGINT NOT NULL);"
	"CREATE INDEX detector_prints_sender ON detector_prints(account_id, kind, at);"
	"CREATE INDEX detector_prints_at ON detector_prints(at);"
	"CREATE TABLE detector_unfollows ("
	" account_id BIGINT NOT NULL,"
	" at BIGINT NOT NULL,"
	" target_id BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, at, target_id)) WITHOUT ROWID;"
	"CREATE INDEX detector_unfollows_at ON detector_unfollows(at);"
	"CREATE TABLE detector_accounts ("
	" account_id INTEGER PRIMARY KEY,"
	" replied_at BIGINT NOT NULL DEFAULT 0,"
	" automated BIGINT NOT NULL DEFAULT 0,"
	" automated_at BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX detector_accounts_automated ON detector_accounts(automated_at)"
	" WHERE automated_at > 0;",
	/* 12: know your connections (core/connections.c, store_connections.c;
	 * docs/SOCIAL.md, "Know your connections"):
	 * - connections: "how we met", one row per account and someone it
	 *   followed: the target's status that led to the follow (0 if none),
	 *   when (the interaction's time, else the follow's), and the
	 *   account's own words about it (plain text, '' until written);
	 * - contacts: per ordered pair, the last time account_id replied to,
	 *   mentioned, favourited, boosted or messaged other_id (last_to),
	 *   the last such interaction either way (last_any), the follows
	 *   row of other_id following account_id (follower_id, 0 if none)
	 *   and whether account_id follows other_id. Two partial indexes make
	 *   "reconnect" (mutuals by last interaction) and "unknown" (followers
	 *   never talked to, by follow) range scans;
	 * - social_addressed (the seam's replies and mentions) gets the thread,
	 *   the class (0 other, 1 question, 2 criticism; core/classify.h),
	 *   whether a policy held it as a message request, and when the
	 *   account last replied in the thread after it (settled_at): the
	 *   "waiting" inbox is its unsettled, unheld rows by class and id.
	 * Rows already there are filled from the tables they summarise
	 * (addressed items recorded before this have the class "other"). */
	"CREATE TABLE connections ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" met_status_id BIGINT NOT NULL DEFAULT 0,"
	" met_at BIGINT NOT NULL,"
	" how_text TEXT NOT NULL DEFAULT '',"
	" updated_at BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, target_id)) WITHOUT ROWID;"
	"CREATE TABLE contacts ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" other_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" last_to BIGINT NOT NULL DEFAULT 0,"
	" last_any BIGINT NOT NULL DEFAULT 0,"
	" follower_id BIGINT NOT NULL DEFAULT 0,"
	" following INTEGER NOT NULL DEFAULT 0,"
	" PRIMARY KEY (account_id, other_id)) WITHOUT ROWID;"
	"INSERT INTO contacts (account_id, other_id, follower_id)"
	" SELECT target_id, account_id, id FROM follows WHERE true"
	" ON CONFLICT (account_id, other_id) DO UPDATE SET follower_id = excluded.follower_id;"
	"INSERT INTO contacts (account_id, other_id, following)"
	" SELECT account_id, target_id, 1 FROM follows WHERE true"
	" ON CONFLICT (account_id, other_id) DO UPDATE SET following = 1;"
	"CREATE TABLE contacts_seed (account_id BIGINT NOT NULL, other_id BIGINT NOT NULL,"
	" at BIGINT NOT NULL);"
	"INSERT INTO contacts_seed SELECT account_id, in_reply_to_account_id, created_at"
	" FROM statuses WHERE in_reply_to_account_id IS NOT NULL"
	" AND in_reply_to_account_id <> account_id;"
	"INSERT INTO contacts_seed SELECT s.account_id, m.account_id, s.created_at"
	" FROM mentions m JOIN statuses s ON s.id = m.status_id WHERE m.account_id <> s.account_id;"
	"INSERT INTO contacts_seed SELECT f.account_id, s.account_id, f.created_at"
	" FROM favourites f JOIN statuses s ON s.id = f.status_id WHERE f.account_id <> s.account_id;"
	"INSERT INTO contacts_seed SELECT r.account_id, o.account_id, r.created_at"
	" FROM statuses r JOIN statuses o ON o.id = r.reblog_of_id WHERE o.account_id <> r.account_id;"
	"INSERT INTO contacts (account_id, other_id, last_to, last_any)"
	" SELECT account_id, other_id, MAX(at), MAX(at) FROM contacts_seed WHERE true"
	" GROUP BY account_id, other_id"
	" ON CONFLICT (account_id, other_id) DO UPDATE SET last_to = excluded.last_to,"
	" last_any = excluded.last_any;"
	"INSERT INTO contacts (account_id, other_id, last_any)"
	" SELECT other_id, account_id, MAX(at) FROM contacts_seed WHERE true"
	" GROUP BY other_id, account_id"
	" ON CONFLICT (account_id, other_id) DO UPDATE SET last_any = CASE"
	" WHEN excluded.last_any > contacts.last_any THEN excluded.last_any"
	" ELSE contacts.last_any END;"
	"DROP TABLE contacts_seed;"
	"CREATE INDEX contacts_reconnect ON contacts(account_id, last_any, other_id)"
	" WHERE follower_id > 0 AND following = 1;"
	"CREATE INDEX contacts_unknown ON contacts(account_id, follower_id)"
	" WHERE follower_id > 0 AND last_to = 0;"
	"ALTER TABLE social_addressed ADD COLUMN thread_id BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE social_addressed ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE social_addressed ADD COLUMN held INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE social_addressed ADD COLUMN settled_at BIGINT NOT NULL DEFAULT 0;"
	"UPDATE social_addressed SET thread_id = COALESCE((SELECT s.thread_id FROM statuses s"
	" WHERE s.id = social_addressed.status_id), 0);"
	"UPDATE social_addressed SET settled_at = COALESCE((SELECT MIN(s.created_at)"
	" FROM statuses s WHERE s.thread_id = social_addressed.thread_id"
	" AND s.account_id = social_addressed.account_id"
	" AND s.id > social_addressed.status_id), 0) WHERE thread_id <> 0;"
	"CREATE INDEX social_addressed_waiting ON social_addressed(account_id, kind, status_id)"
	" WHERE settled_at = 0 AND held = 0;"
	"CREATE INDEX social_addressed_thread ON social_addressed(account_id, thread_id, status_id)"
	" WHERE settled_at = 0;",
	/* 13: the key pairs of local ActivityPub actors (store_keys.c,
	 * core/keys.c): RSA-2048 in PEM, made on first use; account_id 0 is
	 * the instance actor, so there is no foreign key to accounts. The
	 * private key is read only by the signer, never into a response. */
	"CREATE TABLE actor_keys ("
	" account_id INTEGER PRIMARY KEY,"
	" public_pem TEXT NOT NULL,"
	" private_pem TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);",
	/* 14: the account lifecycle (core/lifecycle.c, store_lifecycle.c). A
	 * deleted account leaves only its tombstone: the handle and the actor
	 * id, never given out again; purged_at is 0 while its content is
	 * still being removed (the worker finishes what a request left). */
	"CREATE TABLE account_tombstones ("
	" account_id INTEGER PRIMARY KEY,"
	" username_key TEXT NOT NULL,"
	" domain TEXT NOT NULL DEFAULT '',"
	" uri TEXT NOT NULL,"
	" deleted_at BIGINT NOT NULL,"
	" purged_at BIGINT NOT NULL DEFAULT 0,"
	" UNIQUE (username_key, domain));"
	"CREATE INDEX account_tombstones_pending ON account_tombstones(purged_at, account_id);"
	/* What apps ask for on start (core/discover.c, core/scheduled.c,
	 * store_discover.c): followed and featured hashtags, endorsed
	 * accounts, dismissed suggestions, statuses waiting for their time
	 * (params: the POST's body as JSON), the admin's announcements and
	 * who dismissed them. */
	"CREATE TABLE tag_follows ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
	" id BIGINT NOT NULL,"                  /* the cursor of followed_tags */
	" PRIMARY KEY (account_id, tag_id)) WITHOUT ROWID;"
	"CREATE INDEX tag_follows_tag ON tag_follows(tag_id, account_id);"
	"CREATE INDEX tag_follows_page ON tag_follows(account_id, id);"
	"CREATE TABLE featured_tags ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
	" UNIQUE (account_id, tag_id));"
	"CREATE TABLE endorsements ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" id BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, target_id)) WITHOUT ROWID;"
	"CREATE TABLE suggestion_dismissals ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" PRIMARY KEY (account_id, target_id)) WITHOUT ROWID;"
	"CREATE TABLE scheduled_statuses ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" scheduled_at BIGINT NOT NULL,"
	" params TEXT NOT NULL);"
	"CREATE INDEX scheduled_statuses_due ON scheduled_statuses(scheduled_at, id);"
	"CREATE INDEX scheduled_statuses_account ON scheduled_statuses(account_id, id);"
	"CREATE TABLE announcements ("
	" id INTEGER PRIMARY KEY,"
	" text TEXT NOT NULL,"
	" content TEXT NOT NULL,"
	" starts_at BIGINT NOT NULL DEFAULT 0,"
	" ends_at BIGINT NOT NULL DEFAULT 0,"
	" all_day INTEGER NOT NULL DEFAULT 0,"
	" published_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL);"
	"CREATE TABLE announcement_dismissals ("
	" announcement_id BIGINT NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" PRIMARY KEY (account_id, announcement_id)) WITHOUT ROWID;"
	/* E-mail (core/email.c): when the address was confirmed (accounts
	 * made before count as confirmed), and the single-use links mailed
	 * to confirm it or to reset the password, kept as SHA-256 hex. */
	"ALTER TABLE users ADD COLUMN confirmed_at BIGINT NOT NULL DEFAULT 0;"
	"UPDATE users SET confirmed_at = created_at;"
	"CREATE TABLE email_tokens ("
	" token_hash TEXT PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" kind TEXT NOT NULL,"                  /* 'confirm' or 'reset' */
	" email TEXT NOT NULL,"                 /* the address it was sent to */
	" expires_at BIGINT NOT NULL);"
	"CREATE INDEX email_tokens_account ON email_tokens(account_id, kind);",
	/* 15: media attachments (store_media.c, core/media.c). An upload is a
	 * row from the moment it is accepted: state 0 processing, 1 ready,
	 * 2 failed (error says why). file and preview are content-hash names
	 * under the data directory's media/; a file no row names is removed by
	 * the sweep. status_id is set once, when a status takes the upload
	 * (position 0-3); kind "avatar" and "header" rows hold profile
	 * pictures. focus is in thousandths, -1000..1000. */
	"CREATE TABLE media_attachments ("
	" id INTEGER PRIMARY KEY,"
	" account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" status_id BIGINT REFERENCES statuses(id) ON DELETE CASCADE,"
	" position INTEGER NOT NULL DEFAULT 0,"
	" kind TEXT NOT NULL,"
	" mime TEXT NOT NULL,"
	" state INTEGER NOT NULL DEFAULT 0,"
	" file TEXT NOT NULL DEFAULT '',"
	" preview TEXT NOT NULL DEFAULT '',"
	" meta TEXT NOT NULL DEFAULT '{}',"
	" blurhash TEXT NOT NULL DEFAULT '',"
	" description TEXT NOT NULL DEFAULT '',"
	" focus_x INTEGER NOT NULL DEFAULT 0,"
	" focus_y INTEGER NOT NULL DEFAULT 0,"
	" error TEXT NOT NULL DEFAULT '',"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX media_by_status ON media_attachments(status_id, position)"
	" WHERE status_id IS NOT NULL;"
	"CREATE INDEX media_unattached ON media_attachments(created_at)"
	" WHERE status_id IS NULL;"
	"CREATE INDEX media_pending ON media_attachments(id) WHERE state = 0;"
	"CREATE INDEX media_by_file ON media_attachments(file);"
	"CREATE INDEX media_by_preview ON media_attachments(preview);",
	/* 16: polls and link previews (store_polls.c, store_previews.c).
	 * - polls: one per status; its options with their vote counts in
	 *   poll_options; one poll_votes row per voter (choices as a bit set,
	 *   so "one vote per person" is the primary key). ended is set by the
	 *   worker once voters and author were told (notified_upto: the last
	 *   voter told, for slices); polls_due finds the polls to end.
	 * - preview_cards: one per URL (the cache, refreshed after its TTL:
	 *   due = 1 asks the preview worker for a fetch); status_cards: a
	 *   status's first link. ok = 0 is a page that gave no card. */
	"CREATE TABLE polls ("
	" id INTEGER PRIMARY KEY,"
	" status_id BIGINT NOT NULL UNIQUE REFERENCES statuses(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" multiple INTEGER NOT NULL,"
	" hide_totals INTEGER NOT NULL,"
	" expires_at BIGINT NOT NULL,"
	" voters_count INTEGER NOT NULL DEFAULT 0 CHECK (voters_count >= 0),"
	" votes_count INTEGER NOT NULL DEFAULT 0 CHECK (votes_count >= 0),"
	" ended INTEGER NOT NULL DEFAULT 0,"
	" notified_upto BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX polls_due ON polls(expires_at) WHERE ended = 0;"
	"CREATE TABLE poll_options ("
	" poll_id BIGINT NOT NULL REFERENCES polls(id) ON DELETE CASCADE,"
	" idx INTEGER NOT NULL,"
	" title TEXT NOT NULL,"
	" votes_count INTEGER NOT NULL DEFAULT 0 CHECK (votes_count >= 0),"
	" PRIMARY KEY (poll_id, idx)) WITHOUT ROWID;"
	"CREATE TABLE poll_votes ("
	" poll_id BIGINT NOT NULL REFERENCES polls(id) ON DELETE CASCADE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" choices BIGINT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" PRIMARY KEY (poll_id, account_id)) WITHOUT ROWID;"
	"CREATE TABLE preview_cards ("
	" url TEXT PRIMARY KEY,"
	" due INTEGER NOT NULL DEFAULT 1,"
	" ok INTEGER NOT NULL DEFAULT 0,"
	" title TEXT NOT NULL DEFAULT '',"
	" description TEXT NOT NULL DEFAULT '',"
	" image TEXT NOT NULL DEFAULT '',"
	" provider_name TEXT NOT NULL DEFAULT '',"
	" provider_url TEXT NOT NULL DEFAULT '',"
	" requested_at BIGINT NOT NULL,"
	" fetched_at BIGINT NOT NULL DEFAULT 0);"
	"CREATE INDEX preview_cards_due ON preview_cards(requested_at) WHERE due = 1;"
	"CREATE TABLE status_cards ("
	" status_id INTEGER PRIMARY KEY REFERENCES statuses(id) ON DELETE CASCADE,"
	" url TEXT NOT NULL);",
	/* 17: what the inbox keeps of other servers (store_federation.c,
	 * federation/remote.c, federation/inbox.c): each remote account's
	 * endpoints and public key (the key cache: found by keyId, refetched
	 * only when a signature fails), the ids of activities received (a
	 * replay has no second effect; pruned past the signature window), the
	 * id of each remote Follow of a local account (an Accept or Reject
	 * must name it), the domains the admin blocks or limits, and the
	 * domains each person blocks. */
	"CREATE TABLE remote_actors ("
	" account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
	" inbox TEXT NOT NULL,"
	" shared_inbox TEXT NOT NULL DEFAULT '',"
	" followers TEXT NOT NULL DEFAULT '',"
	" key_id TEXT NOT NULL,"
	" public_pem TEXT NOT NULL,"
	" fetched_at BIGINT NOT NULL);"
	"CREATE UNIQUE INDEX remote_actors_key ON remote_actors(key_id);"
	"CREATE TABLE inbox_seen ("
	" activity TEXT PRIMARY KEY,"
	" at BIGINT NOT NULL);"
	"CREATE INDEX inbox_seen_at ON inbox_seen(at);"
	"CREATE TABLE remote_follows ("
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" activity TEXT NOT NULL,"
	" PRIMARY KEY (account_id, target_id)) WITHOUT ROWID;"
	"CREATE TABLE instance_domains ("
	" domain TEXT PRIMARY KEY,"
	" severity INTEGER NOT NULL,"           /* 1 limit, 2 block */
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE account_domain_blocks ("   /* a person's own domain blocks */
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" domain TEXT NOT NULL,"
	" created_at BIGINT NOT NULL,"
	" PRIMARY KEY (account_id, domain)) WITHOUT ROWID;",
	/* 18: federation delivery (store_deliver.c, federation/deliver.c);
	 * remote actors' inboxes are in remote_actors (17):
	 * - fed_activities: an activity to deliver, its JSON once;
	 * - deliveries: one POST of an activity to one inbox, due at next_at
	 *   (a worker that takes it moves next_at past its lease), host its
	 *   authority for the per-host rules;
	 * - delivery_hosts: failures per host on distinct UTC days (day
	 *   numbers, ms / 86400000); 7 make it unavailable, a success clears. */
	"CREATE TABLE fed_activities ("
	" id INTEGER PRIMARY KEY,"
	" actor_id BIGINT NOT NULL,"
	" body TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE deliveries ("
	" id INTEGER PRIMARY KEY,"
	" activity_id BIGINT NOT NULL REFERENCES fed_activities(id) ON DELETE CASCADE,"
	" inbox TEXT NOT NULL,"
	" host TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at BIGINT NOT NULL,"
	" UNIQUE (activity_id, inbox));"
	"CREATE INDEX deliveries_due ON deliveries(next_at);"
	"CREATE TABLE delivery_hosts ("
	" host TEXT PRIMARY KEY,"
	" failure_days INTEGER NOT NULL DEFAULT 0,"
	" last_failure_day BIGINT NOT NULL DEFAULT 0,"
	" unavailable INTEGER NOT NULL DEFAULT 0);",
	/* 19: moderation and the instance's settings (core/moderation.c,
	 * store_moderation.c):
	 * - users.role: 0 user, 1 moderator, 2 admin, 3 owner (enum role;
	 *   admins before this become admins); approved (0 while a sign-up
	 *   waits for approval), the applicant's reason, disabled (login
	 *   disabled by a moderator), the invite used and the sign-up address;
	 * - accounts.suspended_at, silenced_at, sensitized_at: 0 when not;
	 *   partial indexes keep "who is suspended" a small scan;
	 * - reports: who reported whom, why (category, comment, status and
	 *   rule ids as JSON arrays), whether to forward, the moderator it is
	 *   assigned to, and who resolved it when (0: open);
	 * - account_warnings: each moderation action taken on an account with
	 *   the text it was told (its latest suspension's text is the reason
	 *   a suspended user is shown);
	 * - audit_log: every admin action (actor, action, target, detail);
	 * - admin_blocks: domain blocks and allows, e-mail domain blocks and
	 *   IP blocks, one row each (kind, value unique per kind; severity;
	 *   the other fields as a JSON object);
	 * - rules, instance_settings (key/value: description, contact,
	 *   sign-up mode and message) and invites (code, uses, limits). */
	"ALTER TABLE users ADD COLUMN role INTEGER NOT NULL DEFAULT 0"
	" CHECK (role BETWEEN 0 AND 3);"
	"UPDATE users SET role = 2 WHERE admin = 1;"
	"ALTER TABLE users ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE users ADD COLUMN reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN invite_id BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE users ADD COLUMN sign_up_ip TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX users_pending ON users(account_id) WHERE approved = 0;"
	"ALTER TABLE accounts ADD COLUMN suspended_at BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN silenced_at BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE accounts ADD COLUMN sensitized_at BIGINT NOT NULL DEFAULT 0;"
	"CREATE INDEX accounts_suspended ON accounts(id) WHERE suspended_at > 0;"
	"CREATE INDEX accounts_silenced ON accounts(id) WHERE silenced_at > 0;"
	"CREATE TABLE reports ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" target_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" category TEXT NOT NULL,"
	" comment TEXT NOT NULL DEFAULT '',"
	" forward INTEGER NOT NULL DEFAULT 0,"
	" status_ids TEXT NOT NULL DEFAULT '[]',"
	" rule_ids TEXT NOT NULL DEFAULT '[]',"
	" assigned_id BIGINT NOT NULL DEFAULT 0,"
	" resolved_by BIGINT NOT NULL DEFAULT 0,"
	" resolved_at BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL);"
	"CREATE INDEX reports_target ON reports(target_id, id);"
	"CREATE INDEX reports_open ON reports(id) WHERE resolved_at = 0;"
	"CREATE TABLE account_warnings ("
	" id INTEGER PRIMARY KEY,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" actor_id BIGINT NOT NULL,"
	" action TEXT NOT NULL,"
	" text TEXT NOT NULL DEFAULT '',"
	" report_id BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX account_warnings_account ON account_warnings(account_id, action, id);"
	"CREATE TABLE audit_log ("
	" id INTEGER PRIMARY KEY,"
	" actor_id BIGINT NOT NULL,"
	" action TEXT NOT NULL,"
	" target_type TEXT NOT NULL,"
	" target_id BIGINT NOT NULL,"
	" detail TEXT NOT NULL DEFAULT '',"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE admin_blocks ("
	" id INTEGER PRIMARY KEY,"
	" kind INTEGER NOT NULL,"
	" value TEXT NOT NULL,"
	" severity TEXT NOT NULL DEFAULT '',"
	" data TEXT NOT NULL DEFAULT '{}',"
	" created_at BIGINT NOT NULL,"
	" UNIQUE (kind, value));"
	"CREATE TABLE rules ("
	" id INTEGER PRIMARY KEY,"
	" text TEXT NOT NULL,"
	" hint TEXT NOT NULL DEFAULT '',"
	" position INTEGER NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL,"
	" updated_at BIGINT NOT NULL);"
	"CREATE TABLE instance_settings ("
	" key TEXT PRIMARY KEY,"
	" value TEXT NOT NULL);"
	"CREATE TABLE invites ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
	" max_uses INTEGER NOT NULL DEFAULT 0,"   /* 0: no limit */
	" uses INTEGER NOT NULL DEFAULT 0,"
	" expires_at BIGINT NOT NULL DEFAULT 0,"  /* 0: never */
	" revoked_at BIGINT NOT NULL DEFAULT 0,"
	" created_at BIGINT NOT NULL);",
	/* 20: a card's depth reads every thread its account started in the
	 * window (core/social_capital.c): an index that holds the turns
	 * answers it from the index alone, where the one it replaces looked
	 * each thread up in the table (15 % of the server's CPU while
	 * favourites were given on the 1M-post store, docs/BENCHMARKS.md). */
	"CREATE INDEX social_threads_turns ON social_threads(account_id, thread_id, turns,"
	" other_turns);"
	"DROP INDEX social_threads_account;",
	/* 21: what other servers send beyond notes (federation/inbox_actor.c,
	 * inbox_note.c): the account a remote account moved to (Move; 0 when
	 * it did not), and the address of a remote status's attachment, which
	 * is not downloaded (remote_url; '' for uploads). */
	"ALTER TABLE accounts ADD COLUMN moved_to_account_id BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE media_attachments ADD COLUMN remote_url TEXT NOT NULL DEFAULT '';",
	/* 22: one table of domain rules: the command line's (instance_domains,
	 * 1 limit, 2 block) join the admin API's domain blocks (admin_blocks
	 * kind 0) as silence and suspend, and federation reads only those; a
	 * deleted account's key is kept while its activities wait to be
	 * delivered, found by actor. */
	"INSERT INTO admin_blocks (id, kind, value, severity, data, created_at)"
	" SELECT d.created_at * 65536 + d.n, 0, d.domain, d.severity, '{}', d.created_at FROM"
	" (SELECT domain, created_at, CASE severity WHEN 2 THEN 'suspend' ELSE 'silence' END"
	" AS severity, ROW_NUMBER() OVER (ORDER BY domain) AS n FROM instance_domains) AS d"
	" WHERE true ON CONFLICT (kind, value) DO NOTHING;"
	"DROP TABLE instance_domains;"
	"CREATE INDEX fed_activities_actor ON fed_activities(actor_id);",
	/* 23: every process hears of the statuses and accounts the others
	 * change, for its row cache (store/rowcache.c): on PostgreSQL
	 * triggers NOTIFY them at commit (written by schema_pg.c); SQLite is
	 * served by one process, whose update hook reports them. */
	"SELECT 'row notices';",
	/* 24: several processes on one store (docs/ARCHITECTURE.md, "Several
	 * processes"). The queues whose work runs outside a transaction
	 * (link previews, media processing, scheduled statuses) record how
	 * long a worker's claim lasts: another process takes the job only
	 * once it has ended, i.e. when the claimer died. leases: one process
	 * at a time does a periodic task (the media sweep). rate_limits: the
	 * windows every process counts in (store_claims.c; unlogged on
	 * PostgreSQL, schema_pg.c). */
	"ALTER TABLE preview_cards ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE media_attachments ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE scheduled_statuses ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;"
	"CREATE TABLE leases (name TEXT PRIMARY KEY, until BIGINT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE rate_limits (key TEXT PRIMARY KEY, window_end BIGINT NOT NULL,"
	" hits INTEGER NOT NULL) WITHOUT ROWID;",
	/* 25: media, polls and cards (store_media.c, store_polls.c,
	 * store_previews.c):
	 * - statuses.has_media and status_tags.has_media: 1 once a status
	 *   holds an attachment (set by store_status_mark_media when one is
	 *   attached; a status's tags copy it when written), so only_media on
	 *   the public and hashtag timelines walks a partial index instead of
	 *   every status;
	 * - status_edits.poll: the poll's options in each version, as the
	 *   history shows them ('' without a poll);
	 * - media_attachments.thumbnail: > 0 while a client's thumbnail waits
	 *   for the worker in media/tmp/thumb-<id> (a count of the thumbnails
	 *   sent, so one sent meanwhile is not lost), 0 when none;
	 * - preview_cards: the card's image as our own file (a content-hash
	 *   name under media/, '' when none), its size and blurhash; the sweep
	 *   keeps the files these name (preview_cards_image). */
	"ALTER TABLE statuses ADD COLUMN has_media INTEGER NOT NULL DEFAULT 0;"
	"UPDATE statuses SET has_media = 1 WHERE id IN (SELECT status_id FROM"
	" media_attachments WHERE status_id IS NOT NULL);"
	"CREATE INDEX statuses_media ON statuses(id) WHERE has_media = 1;"
	"ALTER TABLE status_tags ADD COLUMN has_media INTEGER NOT NULL DEFAULT 0;"
	"UPDATE status_tags SET has_media = 1 WHERE status_id IN (SELECT status_id FROM"
	" media_attachments WHERE status_id IS NOT NULL);"
	"CREATE INDEX status_tags_media ON status_tags(tag_id, status_id) WHERE has_media = 1;"
	"ALTER TABLE status_edits ADD COLUMN poll TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE media_attachments ADD COLUMN thumbnail INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX media_thumbnail_pending ON media_attachments(id) WHERE thumbnail > 0;"
	"ALTER TABLE preview_cards ADD COLUMN image_file TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE preview_cards ADD COLUMN image_width INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE preview_cards ADD COLUMN image_height INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE preview_cards ADD COLUMN blurhash TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX preview_cards_image ON preview_cards(image_file);",
	/* 26: when a remote account last moved (Move; ms, 0 never): another
	 * Move within Mastodon's cooldown is ignored (federation/inbox_actor.c). */
	"ALTER TABLE accounts ADD COLUMN moved_at BIGINT NOT NULL DEFAULT 0;",
	/* 27: every process hears of the tokens and logins the others change
	 * or delete, for its token cache (store/tokencache.c): on PostgreSQL
	 * triggers NOTIFY their account ids at commit (schema_pg.c); SQLite
	 * keeps no token cache. */
	"SELECT 'token notices';",
	/* 28: federation's audit (issue 11):
	 * - remote_actors.indexable: whether a remote account lets its public
	 *   posts be found by full-text search (its actor's `indexable`,
	 *   Mastodon's opt-in; store_lists.c's status search). Unknown until
	 *   the actor is fetched again: not indexable, as Mastodon reads an
	 *   absent flag;
	 * - events.since: an undo event's `since` (when the undone act was
	 *   made) kept for the drains, so federation/outbox.c gives the Undo's
	 *   embedded Follow, Like or Block the id the act went out with. */
	"ALTER TABLE remote_actors ADD COLUMN indexable INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE events ADD COLUMN since BIGINT NOT NULL DEFAULT 0;",
	/* 29: a token's account suspended or let back: on PostgreSQL a trigger
	 * NOTIFYs the account ids as token notices ("t"), so the token cache
	 * no longer drops an account's tokens on every change of its row (a
	 * new status, a follower: its counters) but only on these (schema_pg.c);
	 * SQLite keeps no token cache. */
	"SELECT 'suspension notices';",
	/* 30: every process hears whose home inputs the others change, for
	 * its cache of home's first pages (store/homecache.c): on PostgreSQL
	 * triggers NOTIFY the account ids at commit (schema_pg.c); SQLite
	 * keeps no such cache. */
	"SELECT 'home notices';",
	NULL,
};
