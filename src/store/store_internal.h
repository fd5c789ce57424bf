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

#endif
