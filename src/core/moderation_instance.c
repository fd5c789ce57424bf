/* moderation_instance.c - the instance's side of moderation: admin blocks
 * (domains, e-mail domains, addresses), rules, settings, sign-up modes,
 * invites and the queue's flagged statuses (see core/moderation.h). */
#include "core/accounts.h"
#include "core/moderation.h"
#include "core/detect.h"
#include "core/text.h"
#include "store/detect.h"
#include "util/netaddr.h"
#include "util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN_MAX 253
#define INVITE_CODE_LEN 12

/* ---- admin blocks ---- */

static const char *const block_names[] = {"domain_block", "domain_allow", "email_domain_block",
					  "ip_block"};

/* A domain name in lower case: letters, digits, '-', '.' and '*.' prefix;
 * with `port`, a ":PORT" suffix too (the test mode's remote domains). */
static const char *domain_norm(struct core *c, const char *s, bool port)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > DOMAIN_MAX)
		return NULL;
	char *d = arena_strdup(c->arena, s);
	char *colon = port ? strchr(d, ':') : NULL;
	if (colon && (!colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
		      colon == d))
		return NULL;
	for (char *p = d; *p && p != colon; p++) {
		*p = (char)tolower((unsigned char)*p);
		bool ok = isalnum((unsigned char)*p) || *p == '-' || *p == '.' ||
			  (*p == '*' && p == d && p[1] == '.');
		if (!ok)
			return NULL;
	}
	return d;
}

/* An address or CIDR block, as one entry of a cidr_list. */
static bool ip_valid(const char *s)
{
	if (!s || !*s || strchr(s, ','))
		return false;
	struct cidr_list l;
	const char *bad;
	if (cidr_list_parse(s, &l, &bad))
		return false;
	cidr_list_free(&l);
	return true;
}

static bool severity_valid(int kind, const char *s)
{
	if (kind == BLOCK_DOMAIN)
		return !strcmp(s, "silence") || !strcmp(s, "suspend") || !strcmp(s, "noop");
	if (kind == BLOCK_IP)
		return !strcmp(s, "sign_up_requires_approval") || !strcmp(s, "sign_up_block") ||
		       !strcmp(s, "no_access");
	return !*s;
}

static enum rc block_check(struct core *c, struct admin_block *b)
{
	if (b->kind == BLOCK_IP) {
		if (!ip_valid(b->value))
			return core_fail(c, RC_INVALID, "ip",
					 "Validation failed: ip must be an address or a CIDR block");
	} else {
		bool fed = b->kind == BLOCK_DOMAIN || b->kind == BLOCK_DOMAIN_ALLOW;
		if (!(b->value = domain_norm(c, b->value, fed)))
			return core_fail(c, RC_INVALID, "domain",
					 "Validation failed: domain is invalid");
		/* a rule of a domain covers its subdomains (federation reads
		 * it so), so "*.example" is "example", as Mastodon stores it */
		if (fed && str_has_prefix(b->value, "*.") && b->value[2])
			b->value += 2;
	}
	if (!b->severity)
		b->severity = b->kind == BLOCK_DOMAIN ? "silence" : b->kind == BLOCK_IP
								       ? "sign_up_block" : "";
	if (!severity_valid(b->kind, b->severity))
		return core_fail(c, RC_INVALID, "severity", "Validation failed: severity is invalid");
	return RC_OK;
}

struct block_ctx {
	struct admin_block *b;
	int64_t actor;
	bool create, remove;
};

static enum store_rc block_tx(struct db *db, void *arg)
{
	struct block_ctx *x = arg;
	const struct admin_block *b = x->b;
	enum store_rc st = x->remove   ? store_block_delete(db, b->kind, b->id)
			   : x->create ? store_block_insert(db, b)
				       : store_block_update(db, b);
	if (st != ST_OK)
		return st;
	const char *verb = x->remove ? "destroy" : x->create ? "create" : "update";
	char action[48];
	snprintf(action, sizeof action, "%s_%s", verb, block_names[b->kind]);
	return audit(db, x->actor, action, block_names[b->kind], b->id, b->value);
}

enum rc admin_block_save(struct core *c, int64_t actor, struct admin_block *b)
{
	bool create = !b->id;
	if (create && block_check(c, b))
		return c->err.rc;
	if (!create && !severity_valid(b->kind, b->severity))
		return core_fail(c, RC_INVALID, "severity", "Validation failed: severity is invalid");
	if (create) {
		b->id = id_new();
		b->created_at = now_ms();
	}
	if (!b->data)
		b->data = "{}";
	struct block_ctx x = {b, actor, create, false};
	enum store_rc st = store_tx(c->db, block_tx, &x);
	if (st == ST_CONFLICT)
		return core_fail(c, RC_INVALID, b->kind == BLOCK_IP ? "ip" : "domain",
				 "Validation failed: %s is already listed", b->value);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc admin_block_delete(struct core *c, int64_t actor, int kind, int64_t id)
{
	struct admin_block b;
	if (admin_block_get(c, kind, id, &b))
		return c->err.rc;
	struct block_ctx x = {&b, actor, false, true};
	enum store_rc st = store_tx(c->db, block_tx, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc admin_domain_rule(struct core *c, int64_t actor, const char *domain,
			  const char *severity)
{
	struct admin_block b;
	enum store_rc st = store_block_by_value(c->db, c->arena, BLOCK_DOMAIN, domain, &b);
	if (st != ST_OK && st != ST_NOT_FOUND)
		return core_store_fail(c, st);
	if (!severity)
		return st == ST_OK ? admin_block_delete(c, actor, BLOCK_DOMAIN, b.id) : RC_OK;
	if (st == ST_NOT_FOUND)
		b = (struct admin_block){.kind = BLOCK_DOMAIN, .value = domain};
	b.severity = severity;
	return admin_block_save(c, actor, &b);
}

enum rc admin_block_get(struct core *c, int kind, int64_t id, struct admin_block *out)
{
	enum store_rc st = store_block_get(c->db, c->arena, kind, id, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc admin_blocks_list(struct core *c, int kind, struct admin_block_list *out)
{
	enum store_rc st = store_blocks_list(c->db, c->arena, kind, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- rules ---- */

enum rc rules_list(struct core *c, struct rule_list *out)
{
	enum store_rc st = store_rules_list(c->db, c->arena, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct rule_ctx {
	struct rule *r;
	int64_t actor;
	int op; /* 0 create, 1 update, 2 delete */
};

static enum store_rc rule_tx(struct db *db, void *arg)
{
	struct rule_ctx *x = arg;
	enum store_rc st = x->op == 0   ? store_rule_insert(db, x->r)
			   : x->op == 1 ? store_rule_update(db, x->r)
					: store_rule_delete(db, x->r->id);
	static const char *const names[] = {"create_rule", "update_rule", "destroy_rule"};
	return st == ST_OK ? audit(db, x->actor, names[x->op], "rule", x->r->id, x->r->text) : st;
}

static enum rc check_len(struct core *c, const char *field, const char *v, long max)
{
	long n = v ? text_length(v) : 0;
	if (n < 0 || n > max)
		return core_fail(c, RC_INVALID, field,
				 "Validation failed: %s is too long (maximum is %ld characters)", field,
				 max);
	return RC_OK;
}

enum rc rule_save(struct core *c, int64_t actor, struct rule *r)
{
	if (!r->text || !*r->text)
		return core_fail(c, RC_INVALID, "text", "Validation failed: text can't be blank");
	if (check_len(c, "text", r->text, RULE_TEXT_MAX) ||
	    check_len(c, "hint", r->hint, RULE_TEXT_MAX))
		return c->err.rc;
	if (!r->hint)
		r->hint = "";
	struct rule_ctx x = {r, actor, r->id ? 1 : 0};
	r->updated_at = now_ms();
	if (!r->id) {
		r->id = id_new();
		r->created_at = r->updated_at;
	}
	enum store_rc st = store_tx(c->db, rule_tx, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc rule_delete(struct core *c, int64_t actor, int64_t id)
{
	struct rule r = {.id = id, .text = ""};
	struct rule_ctx x = {&r, actor, 2};
	enum store_rc st = store_tx(c->db, rule_tx, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- settings ---- */

static const char *const setting_keys[] = {"description", "contact_email", "registrations_mode",
					   "registrations_message", "contact_account_id"};

static enum rc setting(struct core *c, const char *key, const char *dflt, const char **out)
{
	enum store_rc st = store_setting_get(c->db, c->arena, key, out);
	if (st == ST_NOT_FOUND)
		*out = dflt;
	return st == ST_ERROR ? core_store_fail(c, st) : RC_OK;
}

enum rc settings_get(struct core *c, struct instance_settings *out)
{
	const char *acct;
	if (setting(c, "description", "", &out->description) ||
	    setting(c, "contact_email", "", &out->contact_email) ||
	    setting(c, "registrations_mode", c->cfg->registrations ? "open" : "closed",
		    &out->registrations_mode) ||
	    setting(c, "registrations_message", "", &out->registrations_message) ||
	    setting(c, "contact_account_id", "0", &acct))
		return c->err.rc;
	out->contact_account_id = strtoll(acct, NULL, 10);
	return RC_OK;
}

static bool mode_valid(const char *m)
{
	return !strcmp(m, "open") || !strcmp(m, "approved") || !strcmp(m, "closed") ||
	       !strcmp(m, "invite");
}

struct settings_ctx {
	const char *values[5];
	int64_t actor;
};

static enum store_rc settings_tx(struct db *db, void *arg)
{
	struct settings_ctx *x = arg;
	for (int i = 0; i < 5; i++) {
		if (!x->values[i])
			continue;
		enum store_rc st = store_setting_set(db, setting_keys[i], x->values[i]);
		if (st == ST_OK)
			st = audit(db, x->actor, "update_setting", setting_keys[i], 0, x->values[i]);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

enum rc settings_save(struct core *c, int64_t actor, const struct instance_settings *in)
{
	if (in->registrations_mode && !mode_valid(in->registrations_mode))
		return core_fail(c, RC_INVALID, "registrations_mode",
				 "Validation failed: registrations_mode must be open, approved, "
				 "closed or invite");
	if (check_len(c, "description", in->description, SETTING_MAX) ||
	    check_len(c, "registrations_message", in->registrations_message, SETTING_MAX))
		return c->err.rc;
	if (in->contact_email && *in->contact_email && !email_valid(in->contact_email))
		return core_fail(c, RC_INVALID, "contact_email", "Validation failed: email is invalid");
	struct settings_ctx x = {{in->description, in->contact_email, in->registrations_mode,
				  in->registrations_message, NULL},
				 actor};
	if (in->contact_account_id >= 0) {
		struct account a;
		enum store_rc ls = in->contact_account_id
					   ? store_account_get(c->db, c->arena, in->contact_account_id,
							       &a)
					   : ST_OK;
		if (ls == ST_NOT_FOUND || (ls == ST_OK && in->contact_account_id && *a.domain))
			return core_fail(c, RC_INVALID, "contact_account_id",
					 "Validation failed: contact account is not a local account");
		if (ls != ST_OK)
			return core_store_fail(c, ls);
		x.values[4] = arena_printf(c->arena, "%lld", (long long)in->contact_account_id);
	}
	enum store_rc st = store_tx(c->db, settings_tx, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- sign-up ---- */

/* The IP blocks' strongest severity matching ip: 0 none, 1 approval, 2 block. */
static enum rc ip_rule(struct core *c, const char *ip, int *level)
{
	*level = 0;
	struct netaddr a;
	if (!ip || !netaddr_parse(ip, strlen(ip), &a))
		return RC_OK;
	struct admin_block_list l;
	if (admin_blocks_list(c, BLOCK_IP, &l))
		return c->err.rc;
	for (int i = 0; i < l.n; i++) {
		struct cidr_list cl;
		const char *bad;
		if (cidr_list_parse(l.items[i].value, &cl, &bad))
			continue;
		bool hit = cidr_list_match(&cl, &a);
		cidr_list_free(&cl);
		int lv = !strcmp(l.items[i].severity, "sign_up_requires_approval") ? 1 : 2;
		if (hit && lv > *level)
			*level = lv;
	}
	return RC_OK;
}

static enum rc email_blocked(struct core *c, const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL;
	if (!at)
		return RC_OK;
	/* The domain and each parent domain: a block of example.com covers
	 * mail.example.com. */
	for (const char *d = at + 1; d && *d; d = strchr(d, '.') ? strchr(d, '.') + 1 : NULL) {
		const char *norm = domain_norm(c, d, false);
		bool found = false;
		enum store_rc st = norm ? store_block_has(c->db, BLOCK_EMAIL_DOMAIN, norm, &found)
					: ST_OK;
		if (st != ST_OK)
			return core_store_fail(c, st);
		if (found)
			return core_fail(c, RC_INVALID, "email",
					 "Validation failed: e-mail addresses of this domain cannot "
					 "sign up");
	}
	return RC_OK;
}

enum rc moderation_signup_check(struct core *c, const struct signup *s)
{
	struct instance_settings set;
	if (settings_get(c, &set))
		return c->err.rc;
	const char *m = set.registrations_mode;
	bool invited = s->invite && *s->invite;
	if (!strcmp(m, "closed") && !invited)
		return core_fail(c, RC_FORBIDDEN, NULL, "Registrations are closed on this server");
	if (!strcmp(m, "invite") && !invited)
		return core_fail(c, RC_FORBIDDEN, "invite_code",
				 "This server takes sign-ups by invitation only");
	if (!strcmp(m, "approved") && !invited && (!s->reason || !*s->reason))
		return core_fail(c, RC_INVALID, "reason",
				 "Validation failed: tell the moderators why you want to join");
	if (check_len(c, "reason", s->reason, SETTING_MAX))
		return c->err.rc;
	int level;
	if (email_blocked(c, s->email) || ip_rule(c, s->ip, &level))
		return c->err.rc;
	if (level == 2)
		return core_fail(c, RC_FORBIDDEN, NULL, "Sign-ups from this address are blocked");
	return RC_OK;
}

enum store_rc moderation_signup_tx(struct core *c, struct db *db, const struct signup *s,
				   int64_t account_id)
{
	int64_t invite = 0;
	if (s->invite && *s->invite) {
		enum store_rc st = store_invite_use(db, s->invite, now_ms(), &invite);
		if (st != ST_OK)
			return st; /* ST_NOT_FOUND: not valid (any more) */
	}
	/* The mode and the address rules as this transaction reads them. */
	struct core in_tx = *c;
	in_tx.db = db;
	struct instance_settings set;
	int level;
	if (settings_get(&in_tx, &set) || ip_rule(&in_tx, s->ip, &level))
		return ST_ERROR;
	bool approved = invite || (strcmp(set.registrations_mode, "approved") && level == 0);
	return store_user_set_signup(db, account_id, approved, s->reason ? s->reason : "",
				     s->ip ? s->ip : "", invite);
}

/* ---- invites ---- */

struct invite_ctx {
	struct invite *v;
	int64_t actor;
	bool revoke;
};

static enum store_rc invite_tx(struct db *db, void *arg)
{
	struct invite_ctx *x = arg;
	enum store_rc st = x->revoke ? store_invite_revoke(db, x->v->id, now_ms())
				     : store_invite_insert(db, x->v);
	return st == ST_OK ? audit(db, x->actor, x->revoke ? "revoke_invite" : "create_invite",
				   "invite", x->v->id, NULL)
			   : st;
}

enum rc invite_create(struct core *c, int64_t actor, int max_uses, int64_t expires_in_s,
		      struct invite *out)
{
	if (max_uses < 0 || max_uses > INVITE_USES_MAX)
		return core_fail(c, RC_INVALID, "max_uses",
				 "Validation failed: max_uses must be 0 (no limit) to %d",
				 INVITE_USES_MAX);
	if (expires_in_s < 0 || expires_in_s > 366LL * 24 * 3600)
		return core_fail(c, RC_INVALID, "expires_in",
				 "Validation failed: expires_in must be 0 (never) to a year");
	char tok[TOKEN_LEN + 1];
	token_random(tok);
	tok[INVITE_CODE_LEN] = '\0';
	int64_t now = now_ms();
	*out = (struct invite){.id = id_new(), .account_id = actor, .code = arena_strdup(c->arena, tok),
			       .max_uses = max_uses, .created_at = now,
			       .expires_at = expires_in_s ? now + expires_in_s * 1000 : 0};
	struct invite_ctx x = {out, actor, false};
	enum store_rc st = store_tx(c->db, invite_tx, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc invites_list(struct core *c, struct invite_list *out)
{
	enum store_rc st = store_invites_list(c->db, c->arena, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc invite_revoke(struct core *c, int64_t actor, int64_t id)
{
	struct invite v = {.id = id};
	struct invite_ctx x = {&v, actor, true};
	enum store_rc st = store_tx(c->db, invite_tx, &x);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* ---- the queue ---- */

enum rc flagged_list(struct core *c, const struct page *pg, struct flagged_list *out)
{
	enum store_rc st = store_flagged_list(c->db, c->arena, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc queue_suspects(struct core *c, int64_t now, struct suspect **out, int *n)
{
	int64_t *ids;
	size_t count;
	*n = 0;
	if (detect_untrusted(c, now, &ids, &count))
		return c->err.rc;
	size_t max = count < QUEUE_SUSPECTS_MAX ? count : QUEUE_SUSPECTS_MAX;
	*out = arena_calloc(c->arena, max + 1, sizeof **out);
	enum store_rc st = ST_OK;
	for (size_t i = 0; i < max && st == ST_OK; i++) {
		struct suspect *s = &(*out)[*n];
		int64_t capth;
		s->account_id = ids[count - 1 - i]; /* the newest accounts first */
		st = store_detect_automated_count(c->db, s->account_id, &s->automated);
		if (st == ST_OK)
			st = store_detect_unfollows(c->db, s->account_id, now - DETECT_CHURN_WINDOW_MS,
						    DETECT_CHURN_UNFOLLOWS * 50, &s->unfollows,
						    &capth);
		s->collecting = s->unfollows >= DETECT_CHURN_UNFOLLOWS;
		(*n)++;
	}
	free(ids);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}
