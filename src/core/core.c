#include "core/core.h"
#include "store/claims.h"
#include "util/log.h"

#include <stdarg.h>

enum rc core_fail(struct core *c, enum rc rc, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	c->err.rc = rc;
	c->err.field = field;
	c->err.msg = arena_vprintf(c->arena, fmt, ap);
	va_end(ap);
	return rc;
}

enum rc core_store_fail(struct core *c, enum store_rc st)
{
	if (st == ST_NOT_FOUND)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	if (st == ST_CONFLICT)
		return core_fail(c, RC_INVALID, NULL, "Validation failed: already exists");
	return core_fail(c, RC_INTERNAL, NULL, "Internal error");
}

void core_ratelimit_setup(struct ratelimit *rl, struct store *s)
{
	if (store_shared(s))
		ratelimit_share(rl, store_ratelimit_hit);
}
