/* seed.h - bulk writes for `rapport seed`: the same tables and
 * columns the server writes, inserted fast in large transactions with
 * durability relaxed until store_seed_finish(). Only the seeder uses it. */
#ifndef RAPPORT_STORE_SEED_H
#define RAPPORT_STORE_SEED_H

#include "store/store.h"

/* db must be the only connection to the file (store_options.bulk). */
enum store_rc store_seed_begin(struct db *db);
/* Commits the work so far and opens the next transaction. */
enum store_rc store_seed_checkpoint(struct db *db);
/* Commits, restores synchronous=FULL, and updates planner statistics. */
enum store_rc store_seed_finish(struct db *db);

/* Accounts with their counters as final values. */
enum store_rc store_seed_account(struct db *db, const struct account *a, const char *email,
				 const char *password_hash);
enum store_rc store_seed_follow(struct db *db, int64_t id, int64_t account_id, int64_t target_id,
				int64_t at);
/* A status with its counters as final values. */
enum store_rc store_seed_status(struct db *db, const struct status *s);
enum store_rc store_seed_favourite(struct db *db, int64_t id, int64_t account_id,
				   int64_t status_id, int64_t at);
enum store_rc store_seed_notification(struct db *db, int64_t id, int64_t account_id,
				      int64_t from, const char *type, int64_t status_id, int64_t at);
/* The figures the event seam keeps about conversations, from the statuses
 * written (what the seam would have counted had each been posted): turns
 * per thread (and those by others than its starter), replies per pair and
 * day. */
/* A mention, a status's tag, a direct conversation touched by a message
 * (the newest one stays), a home-feed entry (one already there is
 * skipped): loaded in bulk on PostgreSQL, written as the server would
 * on SQLite. */
enum store_rc store_seed_mention(struct db *db, int64_t status_id, int64_t account_id);
enum store_rc store_seed_status_tag(struct db *db, int64_t status_id, int64_t tag_id);
enum store_rc store_seed_conversation(struct db *db, int64_t account_id,
				      const char *participants, int64_t status_id, bool unread);
enum store_rc store_seed_feed(struct db *db, int64_t account_id, int64_t status_id);
enum store_rc store_seed_conversations(struct db *db);
/* home_feed, mentions, tags and search rows use the server's own store
 * functions (store_feed_add, store_mention_insert, store_tag_ensure,
 * store_status_tag_insert, store_fts_insert, store_conversation_touch). */

#endif
