/* schema.c - versioned migrations, applied in order at start.
 *
 * Each entry is portable SQL (SQLite and PostgreSQL). IDs are 64-bit
 * snowflakes made by the application; times are integer milliseconds. A
 * migration, once released, is never edited: add the next one. */
#include "store/schema.h"

#include <stddef.h>

const char *const schema_migrations[] = {
	/* 1: accounts, local users and OAuth */
	"CREATE TABLE accounts ("
	" id BIGINT PRIMARY KEY,"
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
	" account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,"
	" email TEXT NOT NULL,"
	" email_key TEXT NOT NULL UNIQUE,"      /* lower(email) */
	" password_hash TEXT NOT NULL,"
	" admin INTEGER NOT NULL DEFAULT 0,"
	" default_privacy TEXT NOT NULL DEFAULT 'public',"
	" default_sensitive INTEGER NOT NULL DEFAULT 0,"
	" default_language TEXT NOT NULL DEFAULT '',"
	" created_at BIGINT NOT NULL);"
	"CREATE TABLE apps ("
	" id BIGINT PRIMARY KEY,"
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
	" id BIGINT PRIMARY KEY,"
	" token_hash TEXT NOT NULL UNIQUE,"
	" app_id BIGINT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,"
	" account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,"
	" scopes TEXT NOT NULL,"
	" created_at BIGINT NOT NULL);"
	"CREATE INDEX tokens_account ON tokens(account_id);",
	NULL,
};
