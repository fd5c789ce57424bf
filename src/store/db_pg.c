/* db_pg.c - the PostgreSQL backend of db.h, with libpq. */
#include "store/db_impl.h"
#include "util/log.h"

#include <stddef.h>

enum db_rc db_pg_open(const char *url, struct db **out)
{
	(void)url;
	*out = NULL;
	log_error("postgresql: not built");
	return DB_ERROR;
}
