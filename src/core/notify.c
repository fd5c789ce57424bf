#include "core/events.h"
#include "core/requests.h"
#include "core/statuses.h"
#include "store/accounts.h"
#include "store/social.h"
#include "util/util.h"

enum rc notify(struct core *c, struct db *db, int64_t recipient, int64_t from, const char *type,
	       int64_t status_id)
{
	if (recipient == from || !recipient)
		return RC_OK;
	/* The policy hooks of the write's event may hold or suppress it. */
	if (events_fate(c, db, recipient) != FATE_DELIVER)
		return RC_OK;
	struct account to;
	enum store_rc st = store_account_get(db, c->arena, recipient, &to);
	if (st != ST_OK || *to.domain)
		return st == ST_ERROR ? core_store_fail(c, st) : RC_OK;
	int64_t now = now_ms();
	/* A check that cannot be made fails the action: never a notification
	 * across a block or a mute because the store did not answer. */
	bool blocked, muted = false;
	st = store_blocked_either(db, recipient, from, &blocked);
	if (st == ST_OK && !blocked)
		st = store_mutes_notifications(db, recipient, from, now, &muted);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (blocked || muted)
		return RC_OK;
	struct notification n = {.id = id_new(), .account_id = recipient, .from_account_id = from,
				 .type = type, .status_id = status_id, .created_at = now};
	bool handled;
	if (requests_limited(c, db, &n, &handled))
		return c->err.rc;
	if (handled)
		return RC_OK;
	st = store_notification_insert(db, &n);
	if (st != ST_OK)
		return core_store_fail(c, st);
	events_notified(recipient, n.id);
	return RC_OK;
}
