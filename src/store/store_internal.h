/* store_internal.h - helpers shared by the store's table files. */
#ifndef RAPPORT_STORE_INTERNAL_H
#define RAPPORT_STORE_INTERNAL_H

#include "store/db.h"
#include "store/store.h"

static inline enum store_rc st_rc(enum db_rc rc)
{
	switch (rc) {
	case DB_OK:
	case DB_DONE:
	case DB_ROW: return ST_OK;
	case DB_CONSTRAINT: return ST_CONFLICT;
	default: return ST_ERROR;
	}
}

/* Copies a text column into the arena ("" for NULL). */
static inline const char *st_text(struct arena *ar, struct db_stmt *st, int col)
{
	const char *t = db_text(st, col);
	return arena_strdup(ar, t ? t : "");
}

/* The columns of an account aliased x, in the order st_account_row reads. */
#define ACOLS(x)                                                                              \
	x ".id, " x ".username, " x ".domain, " x ".display_name, " x ".note, " x ".note_html, " \
	x ".fields, " x ".uri, " x ".url, " x ".avatar, " x ".header, " x ".locked, " x ".bot, "  \
	x ".discoverable, " x ".created_at, " x ".updated_at, " x ".last_status_at, "             \
	x ".statuses_count, " x ".followers_count, " x ".following_count"
#define ACOLS_N 20

/* Runs a query whose columns are a cursor then ACOLS; reverses min_id
 * pages so results are newest first. */
enum store_rc st_read_accounts(struct arena *ar, struct db_stmt *st, bool asc, int limit,
			       struct account_list *out);
/* Exclusive bounds and direction of a page. */
void st_page_bounds(const struct page *pg, int64_t *hi, int64_t *lo, bool *asc);

/* Reads ACOLS starting at column c. */
void st_account_row(struct arena *ar, struct db_stmt *st, int c, struct account *a);

#endif
