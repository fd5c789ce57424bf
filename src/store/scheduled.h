/* scheduled.h - statuses waiting for their time (store_scheduled.c). */
#ifndef RAPPORT_STORE_SCHEDULED_H
#define RAPPORT_STORE_SCHEDULED_H

#include "store/store.h"

struct scheduled_status {
	int64_t id, account_id;
	int64_t scheduled_at; /* ms */
	const char *params;   /* JSON: the POST's parameters as written */
};
struct scheduled_list {
	struct scheduled_status *items;
	int n;
};

/* At most SCHEDULED_MAX per account, held by the insert itself
 * (ST_CONFLICT beyond). */
#define SCHEDULED_MAX 300
enum store_rc store_scheduled_insert(struct db *db, const struct scheduled_status *s);
/* The account's; ST_NOT_FOUND for another's or an unknown id. */
enum store_rc store_scheduled_get(struct db *db, struct arena *ar, int64_t account_id,
				  int64_t id, struct scheduled_status *out);
/* A page of the account's, newest id first. */
enum store_rc store_scheduled_page(struct db *db, struct arena *ar, int64_t account_id,
				   const struct page *pg, struct scheduled_list *out);
enum store_rc store_scheduled_set_time(struct db *db, int64_t account_id, int64_t id,
				       int64_t at);
enum store_rc store_scheduled_delete(struct db *db, int64_t account_id, int64_t id);
/* Whether one is due and not claimed at `now` (a read, outside any
 * transaction: the worker asks often). */
enum store_rc store_scheduled_any_due(struct db *db, int64_t now, bool *any);
/* The first one due and not claimed at `now` (ST_NOT_FOUND when none),
 * claimed until `until` (as store_card_claim). In a transaction. */
enum store_rc store_scheduled_claim(struct db *db, struct arena *ar, int64_t now, int64_t until,
				    struct scheduled_status *out);

#endif
