/* export.h - the rows of an account's data export (store_export.c). */
#ifndef RAPPORT_STORE_EXPORT_H
#define RAPPORT_STORE_EXPORT_H

#include "store/store.h"

enum export_kind {
	EXPORT_FOLLOWING, /* s1 username, s2 domain, x show_reblogs, y notify */
	EXPORT_LISTS,     /* s1 list title, s2 member's username, s3 domain; empty lists: s2 NULL */
	EXPORT_BLOCKS,    /* s1 username, s2 domain */
	EXPORT_MUTES,     /* s1 username, s2 domain, x hides notifications */
	EXPORT_BOOKMARKS, /* s1 uri ("" for local), s2 author's username, x status id */
};

struct export_row {
	const char *s1, *s2, *s3;
	int64_t x, y;
};

/* Calls fn for each row, in a stable order (oldest first); fn returns 0
 * to go on, -1 to stop (then ST_ERROR). Strings live until the next row. */
enum store_rc store_export(struct db *db, int64_t account_id, enum export_kind kind,
			  int (*fn)(void *ctx, const struct export_row *r), void *ctx);

/* Up to max ids of the account's statuses above after, oldest first. */
enum store_rc store_export_status_ids(struct db *db, int64_t account_id, int64_t after, int max,
				      int64_t *ids, int *n);

#endif
