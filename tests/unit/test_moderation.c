/* Unit tests of moderation (core/moderation.c, moderation_instance.c) on a
 * real store: the roles' permissions nest; who may change whose role; the
 * gate says why an account is barred; an invite's last use goes to one
 * sign-up only; a failed action changes nothing, its audit row included;
 * a suspension leaves every home feed and an unsuspension refills the
 * followers'. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/accounts.h"
#include "core/moderation.h"
#include "core/relationships.h"
#include "core/statuses.h"
#include "store/db.h"
#include "store/moderation.h"
#include "store_fixture.h"
#include "util/util.h"

static int setup(void **state)
{
	struct fx *f = fx_open(2, 0);
	*state = f;
	return f ? 0 : -1;
}

static void permissions_nest(void **state)
{
	(void)state;
	uint32_t user = role_permissions(ROLE_USER), mod = role_permissions(ROLE_MODERATOR);
	uint32_t admin = role_permissions(ROLE_ADMIN), owner = role_permissions(ROLE_OWNER);
	assert_int_equal(user, 0);
	assert_int_equal(mod & admin, mod);
	assert_int_equal(admin & owner, admin);
	assert_true(mod & PERM_MANAGE_REPORTS);
	assert_true(mod & PERM_MANAGE_USERS);
	assert_false(mod & PERM_MANAGE_ROLES);
	assert_false(mod & PERM_MANAGE_FEDERATION);
	assert_true(owner & PERM_ADMINISTRATOR);
	assert_false(admin & PERM_ADMINISTRATOR);
	for (int r = ROLE_USER; r <= ROLE_OWNER; r++)
		assert_int_equal(role_parse(role_name(r)), r);
	assert_int_equal(role_parse("king"), -1);
	assert_int_equal(role_parse(NULL), -1);
}

static void roles_change_only_downwards(void **state)
{
	struct fx *f = *state;
	struct core *c = &f->c;
	int64_t owner = fx_user(f, "owner"), admin = fx_user(f, "admin"), mod = fx_user(f, "mod");
	int64_t user = fx_user(f, "user");
	assert_int_equal(moderation_set_role(c, 0, owner, ROLE_OWNER), RC_OK);
	assert_int_equal(moderation_set_role(c, owner, admin, ROLE_ADMIN), RC_OK);
	assert_int_equal(moderation_set_role(c, admin, mod, ROLE_MODERATOR), RC_OK);
	/* an admin cannot make admins, touch the owner or itself */
	assert_int_equal(moderation_set_role(c, admin, user, ROLE_ADMIN), RC_FORBIDDEN);
	assert_int_equal(moderation_set_role(c, admin, owner, ROLE_USER), RC_FORBIDDEN);
	assert_int_equal(moderation_set_role(c, admin, admin, ROLE_OWNER), RC_FORBIDDEN);
	/* a moderator has no manage_roles at all */
	assert_int_equal(moderation_set_role(c, mod, user, ROLE_USER), RC_FORBIDDEN);
	assert_int_equal(moderation_set_role(c, owner, user, 7), RC_INVALID);
	int role;
	assert_int_equal(moderation_require(c, mod, PERM_MANAGE_REPORTS, &role), RC_OK);
	assert_int_equal(role, ROLE_MODERATOR);
	assert_int_equal(moderation_require(c, user, PERM_MANAGE_REPORTS, &role), RC_FORBIDDEN);
	/* the older admin flag follows the role (trust's anchors read it) */
	assert_int_equal(fx_int(f, "SELECT admin FROM users WHERE account_id = $1", "i", admin, 0), 1);
	assert_int_equal(fx_int(f, "SELECT admin FROM users WHERE account_id = $1", "i", mod, 0), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'change_role'",
				"", 0, 0),
			 3);
}

static void gate_tells_why(void **state)
{
	struct fx *f = *state;
	struct core *c = &f->c;
	int64_t mod = fx_user(f, "mod"), u = fx_user(f, "u");
	assert_int_equal(moderation_set_role(c, 0, mod, ROLE_MODERATOR), RC_OK);
	assert_int_equal(moderation_gate(c, u), RC_OK);
	struct mod_action a = {.type = "suspend", .text = "spam waves"};
	assert_int_equal(moderation_act(c, mod, u, &a), RC_OK);
	assert_int_equal(moderation_gate(c, u), RC_FORBIDDEN);
	assert_non_null(strstr(c->err.msg, "suspended: spam waves"));
	int64_t id;
	assert_int_equal(account_sign_in(c, "u@example.test", "correct horse", "127.0.0.1", &id),
			 RC_FORBIDDEN);
	assert_int_equal(moderation_undo(c, mod, u, "unsuspend"), RC_OK);
	assert_int_equal(moderation_gate(c, u), RC_OK);
	struct mod_action d = {.type = "disable"};
	assert_int_equal(moderation_act(c, mod, u, &d), RC_OK);
	assert_int_equal(moderation_gate(c, u), RC_FORBIDDEN);
	assert_non_null(strstr(c->err.msg, "disabled"));
	/* staff are acted on only by a higher role; nobody acts on itself */
	assert_int_equal(moderation_act(c, mod, mod, &a), RC_FORBIDDEN);
	int64_t mod2 = fx_user(f, "mod2");
	assert_int_equal(moderation_set_role(c, 0, mod2, ROLE_MODERATOR), RC_OK);
	assert_int_equal(moderation_act(c, mod, mod2, &a), RC_FORBIDDEN);
}

static void failed_action_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct core *c = &f->c;
	int64_t mod = fx_user(f, "mod"), u = fx_user(f, "u");
	assert_int_equal(moderation_set_role(c, 0, mod, ROLE_MODERATOR), RC_OK);
	int64_t before = fx_int(f, "SELECT COUNT(*) FROM audit_log", "", 0, 0);
	struct mod_action bad = {.type = "explode"};
	assert_int_equal(moderation_act(c, mod, u, &bad), RC_INVALID);
	struct mod_action no_report = {.type = "suspend", .report_id = 12345};
	assert_int_equal(moderation_act(c, mod, u, &no_report), RC_INVALID);
	/* the store refuses the warning row: the suspension is undone too */
	assert_int_equal(db_exec(c->db, "DROP TABLE account_warnings", ""), DB_OK);
	struct mod_action a = {.type = "suspend"};
	assert_int_equal(moderation_act(c, mod, u, &a), RC_INTERNAL);
	assert_int_equal(fx_int(f, "SELECT suspended_at FROM accounts WHERE id = $1", "i", u, 0), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log", "", 0, 0), before);
	/* and the gate, which reads the warning, fails closed */
	assert_int_equal(db_exec(c->db, "UPDATE accounts SET suspended_at = 1 WHERE id = $1", "i", u),
			 DB_OK);
	assert_int_equal(moderation_gate(c, u), RC_INTERNAL);
}

static void invite_last_use_once(void **state)
{
	struct fx *f = *state;
	struct core *c = &f->c;
	int64_t admin = fx_user(f, "admin");
	assert_int_equal(moderation_set_role(c, 0, admin, ROLE_ADMIN), RC_OK);
	struct invite v;
	assert_int_equal(invite_create(c, admin, 2, 0, &v), RC_OK);
	int64_t id;
	assert_int_equal(store_invite_use(c->db, v.code, now_ms(), &id), ST_OK);
	assert_int_equal(id, v.id);
	assert_int_equal(store_invite_use(c->db, v.code, now_ms(), &id), ST_OK);
	assert_int_equal(store_invite_use(c->db, v.code, now_ms(), &id), ST_NOT_FOUND);
	struct invite w;
	assert_int_equal(invite_create(c, admin, 0, 60, &w), RC_OK);
	assert_int_equal(store_invite_use(c->db, w.code, now_ms() + 61000, &id), ST_NOT_FOUND);
	assert_int_equal(invite_revoke(c, admin, w.id), RC_OK);
	assert_int_equal(store_invite_use(c->db, w.code, now_ms(), &id), ST_NOT_FOUND);
	assert_int_equal(invite_create(c, admin, -1, 0, &w), RC_INVALID);
}

static int64_t feed_rows(struct fx *f, int64_t account, int64_t status)
{
	return fx_int(f, "SELECT COUNT(*) FROM home_feed WHERE account_id = $1 AND status_id = $2",
		      "ii", account, status);
}

static void suspension_leaves_feeds(void **state)
{
	struct fx *f = *state;
	struct core *c = &f->c;
	int64_t mod = fx_user(f, "mod"), author = fx_user(f, "author"), reader = fx_user(f, "reader");
	assert_int_equal(moderation_set_role(c, 0, mod, ROLE_MODERATOR), RC_OK);
	struct follow_options o = {.reblogs = -1, .notify = -1};
	assert_int_equal(rel_follow(c, reader, author, &o), RC_OK);
	struct new_status in = {.text = "hello readers", .visibility = "public"};
	int64_t sid;
	assert_int_equal(status_create(c, author, &in, &sid), RC_OK);
	assert_int_equal(feed_rows(f, reader, sid), 1);
	struct mod_action a = {.type = "suspend"};
	assert_int_equal(moderation_act(c, mod, author, &a), RC_OK);
	assert_int_equal(feed_rows(f, reader, sid), 0);
	assert_int_equal(feed_rows(f, author, sid), 0);
	struct status got;
	assert_int_equal(status_load(c, reader, sid, &got), RC_NOT_FOUND);
	assert_int_equal(status_load(c, 0, sid, &got), RC_NOT_FOUND);
	assert_int_equal(moderation_undo(c, mod, author, "unsuspend"), RC_OK);
	assert_int_equal(feed_rows(f, reader, sid), 1);
	assert_int_equal(status_load(c, 0, sid, &got), RC_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(permissions_nest),
		cmocka_unit_test_setup_teardown(roles_change_only_downwards, setup, teardown),
		cmocka_unit_test_setup_teardown(gate_tells_why, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_action_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(invite_last_use_once, setup, teardown),
		cmocka_unit_test_setup_teardown(suspension_leaves_feeds, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
