/* lists.c - lists of followed accounts, search and direct conversations:
 * the rules; the store does the reading and writing. */
#include "core/lists.h"
#include "core/convfeed.h"
#include "core/statuses.h"
#include "core/text.h"
#include "store/accounts.h"
#include "store/lists.h"
#include "store/social.h"
#include "store/statuses.h"
#include "util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- lists ---- */

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* Checks the parameters given and applies them to l. */
static enum rc list_apply(struct core *c, const struct list_params *in, struct list *l)
{
	if (in->title) {
		if (blank(in->title))
			return core_fail(c, RC_INVALID, "title",
					 "Validation failed: Title can't be blank");
		long n = text_length(in->title);
		if (n < 0 || n > LIST_TITLE_MAX)
			return core_fail(c, RC_INVALID, "title",
					 "Validation failed: Title is too long (maximum is %d "
					 "characters)",
					 LIST_TITLE_MAX);
		l->title = in->title;
	}
	if (in->replies_policy) {
		const char *p = in->replies_policy;
		if (strcmp(p, "followed") && strcmp(p, "list") && strcmp(p, "none"))
			return core_fail(c, RC_INVALID, "replies_policy",
					 "Validation failed: replies_policy must be followed, list "
					 "or none");
		l->replies_policy = p;
	}
	if (in->exclusive >= 0)
		l->exclusive = in->exclusive;
	return RC_OK;
}

struct create_tx {
	struct core *c;
	struct list *l;
	enum rc rc;
};

/* Counts and inserts under one write lock, so LISTS_MAX holds. */
static enum store_rc create_fn(struct db *db, void *arg)
{
	struct create_tx *x = arg;
	int64_t n;
	enum store_rc st = store_lists_count(db, x->l->account_id, &n);
	if (st != ST_OK)
		return st;
	if (n >= LISTS_MAX) {
		x->rc = core_fail(x->c, RC_INVALID, NULL,
				  "Validation failed: you can have at most %d lists", LISTS_MAX);
		return ST_ERROR;
	}
	return store_list_insert(db, x->l);
}

enum rc list_create(struct core *c, int64_t owner, const struct list_params *in,
		    struct list *out)
{
	if (!in->title)
		return core_fail(c, RC_INVALID, "title", "Validation failed: Title can't be blank");
	*out = (struct list){.id = id_new(), .account_id = owner, .replies_policy = "list",
			     .created_at = now_ms()};
	if (list_apply(c, in, out))
		return c->err.rc;
	struct create_tx x = {c, out, RC_OK};
	enum store_rc st = store_tx(c->db, create_fn, &x);
	if (st == ST_OK)
		return RC_OK;
	return x.rc ? x.rc : core_store_fail(c, st);
}

/* The built-in list "Conversations": everyone's, under one id; its
 * timeline is the Conversations feed (core/convfeed.h). */
static struct list builtin(int64_t owner)
{
	return (struct list){.id = CONVFEED_LIST_ID, .account_id = owner,
			     .title = CONVFEED_LIST_TITLE, .replies_policy = "followed"};
}

static enum rc builtin_refuse(struct core *c, const char *what)
{
	return core_fail(c, RC_INVALID, NULL,
			 "The %s list is built in: it %s", CONVFEED_LIST_TITLE, what);
}

enum rc list_get(struct core *c, int64_t owner, int64_t id, struct list *out)
{
	if (id == CONVFEED_LIST_ID) {
		*out = builtin(owner);
		return RC_OK;
	}
	enum store_rc st = store_list_get(c->db, c->arena, id, owner, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc list_update(struct core *c, int64_t owner, int64_t id, const struct list_params *in,
		    struct list *out)
{
	if (id == CONVFEED_LIST_ID)
		return builtin_refuse(c, "cannot be renamed or changed");
	if (list_get(c, owner, id, out) || list_apply(c, in, out))
		return c->err.rc;
	enum store_rc st = store_list_update(c->db, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc list_delete(struct core *c, int64_t owner, int64_t id)
{
	if (id == CONVFEED_LIST_ID)
		return builtin_refuse(c, "cannot be deleted");
	enum store_rc st = store_list_delete(c->db, id, owner);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc lists_of(struct core *c, int64_t owner, int64_t member, struct list_set *out)
{
	struct account a;
	enum store_rc st = ST_OK;
	if (member)
		st = store_account_get(c->db, c->arena, member, &a);
	if (st == ST_OK)
		st = store_lists_of(c->db, c->arena, owner, member, out);
	if (st != ST_OK)
		return core_store_fail(c, st);
	if (member) /* the built-in list has no members */
		return RC_OK;
	struct list *all = arena_calloc(c->arena, (size_t)out->n + 1, sizeof *all);
	all[0] = builtin(owner);
	memcpy(all + 1, out->items, (size_t)out->n * sizeof *all);
	out->items = all;
	out->n++;
	return RC_OK;
}

enum rc list_members(struct core *c, int64_t owner, int64_t id, struct page *pg,
		     struct account_list *out)
{
	struct list l;
	if (list_get(c, owner, id, &l))
		return c->err.rc;
	if (id == CONVFEED_LIST_ID) { /* chosen by the conversations, not listed */
		*out = (struct account_list){0};
		return RC_OK;
	}
	enum store_rc st = ST_OK;
	if (pg->limit == 0) {
		int64_t n;
		st = store_list_members_count(c->db, id, &n);
		pg->limit = (int)n;
	}
	if (st == ST_OK)
		st = store_list_members(c->db, c->arena, id, pg, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

struct members_tx {
	struct core *c;
	int64_t list_id, owner;
	const int64_t *ids;
	int n;
	bool add;
	enum rc rc;
};

static enum store_rc members_fail(struct members_tx *x, enum rc rc)
{
	x->rc = rc;
	return ST_ERROR;
}

/* One account to add: it exists, the owner follows it, it is not listed. */
static enum store_rc add_one(struct members_tx *x, struct db *db, int64_t id)
{
	struct core *c = x->c;
	struct account a;
	enum store_rc st = store_account_get(db, c->arena, id, &a);
	bool follows = false, listed = false;
	if (st == ST_OK)
		st = store_follows(db, x->owner, id, &follows);
	if (st == ST_OK && follows)
		st = store_list_has(db, x->list_id, id, &listed);
	if (st != ST_OK)
		return members_fail(x, core_store_fail(c, st));
	if (!follows)
		return members_fail(x, core_fail(c, RC_INVALID, "account_ids",
						 "Validation failed: you must follow @%s to add "
						 "them to a list",
						 a.username));
	if (listed)
		return members_fail(x, core_fail(c, RC_INVALID, "account_ids",
						 "Validation failed: @%s is already on this list",
						 a.username));
	st = store_list_member_add(db, x->list_id, id);
	return st == ST_OK ? ST_OK : members_fail(x, core_store_fail(c, st));
}

static enum store_rc members_fn(struct db *db, void *arg)
{
	struct members_tx *x = arg;
	for (int i = 0; i < x->n; i++) {
		bool repeated = false;
		for (int j = 0; j < i; j++)
			repeated |= x->ids[j] == x->ids[i];
		if (repeated)
			continue;
		enum store_rc st = x->add ? add_one(x, db, x->ids[i])
					  : store_list_member_remove(db, x->list_id, x->ids[i]);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum rc change_members(struct core *c, int64_t owner, int64_t id, const int64_t *ids,
			      int n, bool add)
{
	struct list l;
	if (list_get(c, owner, id, &l))
		return c->err.rc;
	if (id == CONVFEED_LIST_ID)
		return builtin_refuse(c, "holds the people you talk with: accounts cannot be "
					 "added or removed");
	if (n > LIST_ADD_MAX)
		return core_fail(c, RC_INVALID, "account_ids",
				 "Validation failed: at most %d accounts at a time", LIST_ADD_MAX);
	struct members_tx x = {c, id, owner, ids, n, add, RC_OK};
	enum store_rc st = store_tx(c->db, members_fn, &x);
	if (st == ST_OK)
		return RC_OK;
	return x.rc ? x.rc : core_store_fail(c, st);
}

enum rc list_add(struct core *c, int64_t owner, int64_t id, const int64_t *ids, int n)
{
	return change_members(c, owner, id, ids, n, true);
}

enum rc list_remove(struct core *c, int64_t owner, int64_t id, const int64_t *ids, int n)
{
	return change_members(c, owner, id, ids, n, false);
}

/* ---- search ---- */

enum rc search_check(struct core *c, const char *q)
{
	if (!q || !*q)
		return core_fail(c, RC_BAD_REQUEST, "q", "Missing parameter: q");
	long n = text_length(q);
	if (n < 0 || n > SEARCH_Q_MAX || strlen(q) > 4 * SEARCH_Q_MAX)
		return core_fail(c, RC_BAD_REQUEST, "q",
				 "The search query is too long (maximum is %d characters)",
				 SEARCH_Q_MAX);
	return RC_OK;
}

static char *lower_ascii(struct core *c, const char *s, size_t n)
{
	char *out = arena_strndup(c->arena, s, n);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* q without surrounding spaces. */
static const char *trimmed(struct core *c, const char *q)
{
	while (isspace((unsigned char)*q))
		q++;
	size_t n = strlen(q);
	while (n && isspace((unsigned char)q[n - 1]))
		n--;
	return arena_strndup(c->arena, q, n);
}

enum rc search_accounts(struct core *c, int64_t viewer, const struct search_query *q,
			struct account_list *out)
{
	const char *s = trimmed(c, q->q);
	if (*s == '@')
		s++;
	const char *at = strchr(s, '@');
	size_t nlen = at ? (size_t)(at - s) : strlen(s);
	struct account_query aq = {
		.name = lower_ascii(c, s, nlen),
		.domain = "",
		.domain_match = DOMAIN_ANY,
		.display = at ? "" : lower_ascii(c, s, strlen(s)),
		.following = q->following,
		.offset = q->offset,
		.limit = q->limit,
	};
	if (at && at[1]) {
		aq.domain = lower_ascii(c, at + 1, strlen(at + 1));
		aq.domain_match = DOMAIN_PREFIX;
		if (str_ieq(aq.domain, c->cfg->domain)) {
			aq.domain = "";
			aq.domain_match = DOMAIN_EXACT;
		}
	}
	out->n = 0;
	out->items = NULL;
	out->cursor = NULL;
	if (!*aq.name) /* a bare "@" or "@domain" would match everyone */
		return RC_OK;
	enum store_rc st = store_search_accounts(c->db, c->arena, viewer, &aq, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

/* A hashtag word character, as text_format counts them: letters, marks,
 * decimal digits and "_". */
static bool tag_cp(utf8proc_int32_t cp)
{
	if (cp == '_')
		return true;
	if (cp < 128)
		return isalnum(cp);
	utf8proc_category_t k = utf8proc_category(cp);
	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_ME) ||
	       k == UTF8PROC_CATEGORY_ND;
}

/* The stored form of a hashtag name (NFC, case-folded, as text_format
 * makes it), or NULL unless s (after an optional "#") is 1 to 100 word
 * characters. */
const char *tag_fold(struct core *c, const char *s)
{
	if (*s == '#')
		s++;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	int count = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0 || !tag_cp(cp) || ++count > 100)
			return NULL;
		p += k;
	}
	if (!count)
		return NULL;
	utf8proc_uint8_t *folded = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
			 UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
				 UTF8PROC_CASEFOLD) < 0)
		return NULL;
	const char *out = arena_strdup(c->arena, (const char *)folded);
	free(folded);
	return out;
}

enum rc search_tags(struct core *c, const struct search_query *q, struct tag_list *out)
{
	const char *prefix = tag_fold(c, trimmed(c, q->q));
	out->n = 0;
	out->items = NULL;
	if (!prefix)
		return RC_OK;
	enum store_rc st = store_search_tags(c->db, c->arena, prefix, q->offset, q->limit, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc tag_get(struct core *c, const char *name, struct tag *out)
{
	const char *key = name ? tag_fold(c, name) : NULL;
	if (!key)
		return core_fail(c, RC_NOT_FOUND, NULL, "Record not found");
	enum store_rc st = store_tag_get(c->db, c->arena, key, out);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}

enum rc search_statuses(struct core *c, int64_t viewer, const struct search_query *q,
			struct status_list *out)
{
	out->n = 0;
	out->items = arena_calloc(c->arena, (size_t)(q->limit > 0 ? q->limit : 1),
				  sizeof(struct status));
	if (!viewer || q->limit <= 0)
		return RC_OK;
	int64_t *ids = arena_calloc(c->arena, (size_t)q->limit, sizeof *ids);
	int n = 0;
	enum store_rc st = store_search_statuses(c->db, c->arena, viewer, q->q, q->account_id,
						 q->offset, q->limit, ids, &n);
	if (st != ST_OK)
		return core_store_fail(c, st);
	for (int i = 0; i < n; i++) {
		struct status *s = &out->items[out->n];
		/* Gone since the search ran: leave it out. */
		st = store_status_get(c->db, c->arena, ids[i], s);
		if (st == ST_ERROR)
			return core_store_fail(c, st);
		out->n += st == ST_OK;
	}
	return RC_OK;
}

/* ---- direct conversations ---- */

/* The other participants' accounts, or the viewer's own when alone. */
static enum rc participants(struct core *c, int64_t viewer, struct conversation_view *v)
{
	const char *p = v->row.participants;
	int max = 1;
	for (const char *s = p; *s; s++)
		max += *s == ',';
	v->accounts = arena_calloc(c->arena, (size_t)max, sizeof(struct account));
	v->naccounts = 0;
	while (*p && v->naccounts < max) {
		size_t n = strcspn(p, ",");
		int64_t id;
		enum store_rc st = ST_NOT_FOUND;
		if (id_parse(arena_strndup(c->arena, p, n), &id))
			st = store_account_get(c->db, c->arena, id, &v->accounts[v->naccounts]);
		if (st == ST_ERROR)
			return core_store_fail(c, st);
		v->naccounts += st == ST_OK;
		p += n + (p[n] == ',');
	}
	if (v->naccounts == 0) {
		enum store_rc st = store_account_get(c->db, c->arena, viewer, &v->accounts[0]);
		if (st != ST_OK)
			return core_store_fail(c, st);
		v->naccounts = 1;
	}
	return RC_OK;
}

enum rc conversations_list(struct core *c, int64_t viewer, const struct page *pg,
			   struct conversation_page *out)
{
	struct conversation_list rows;
	enum store_rc st = store_conversations(c->db, c->arena, viewer, pg, &rows);
	if (st != ST_OK)
		return core_store_fail(c, st);
	out->n = 0;
	out->items = arena_calloc(c->arena, (size_t)rows.n + 1, sizeof *out->items);
	for (int i = 0; i < rows.n; i++) {
		struct conversation_view *v = &out->items[out->n];
		v->row = rows.items[i];
		st = store_status_get(c->db, c->arena, v->row.last_status_id, &v->last_status);
		if (st == ST_NOT_FOUND)
			continue; /* deleted since the page was read */
		if (st != ST_OK)
			return core_store_fail(c, st);
		if (participants(c, viewer, v))
			return c->err.rc;
		v->last_status.cursor = v->row.last_status_id;
		v->has_status = true;
		out->n++;
	}
	return RC_OK;
}

enum rc conversation_read(struct core *c, int64_t viewer, int64_t id,
			  struct conversation_view *out)
{
	enum store_rc st = store_conversation_get(c->db, c->arena, id, viewer, &out->row);
	if (st == ST_OK)
		st = store_conversation_mark_read(c->db, id, viewer);
	if (st != ST_OK)
		return core_store_fail(c, st);
	out->row.unread = false;
	/* A block since the last message hides it, not the conversation. */
	out->has_status = status_load(c, viewer, out->row.last_status_id, &out->last_status) ==
			  RC_OK;
	if (out->has_status)
		out->last_status.cursor = out->row.last_status_id;
	return participants(c, viewer, out);
}

enum rc conversation_delete(struct core *c, int64_t viewer, int64_t id)
{
	enum store_rc st = store_conversation_delete(c->db, id, viewer);
	return st == ST_OK ? RC_OK : core_store_fail(c, st);
}
