/* inbox_note.c - Notes from other servers made into statuses, and
 * statuses fetched by id (reply chains, boosts), to a bounded depth. */
#include "core/statuses.h"
#include "core/text.h"
#include "federation/audience.h"
#include "federation/inbox_internal.h"
#include "federation/remote.h"
#include "federation/sanitize.h"
#include "store/statuses.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CONTENT_MAX (64 * 1024)
#define SUMMARY_BYTES 2048

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static bool note_type(const char *t)
{
	return t && (!strcmp(t, "Note") || !strcmp(t, "Article") || !strcmp(t, "Page") ||
		     !strcmp(t, "Question"));
}

/* An ISO 8601 UTC time ("2026-11-29T12:00:00Z", fractions allowed) in
 * ms; 0 when it is not one. */
int64_t inbox_iso_ms(const char *s)
{
	struct tm tm = {0};
	char z = 0;
	int n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	const char *p = s + n;
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	z = *p;
	if (z != 'Z' && strcmp(p, "+00:00"))
		return 0;
	time_t t = timegm(&tm);
	return t > 0 ? (int64_t)t * 1000 : 0;
}

/* The text of HTML, for the search index: tags dropped. */
static const char *plain_of(struct arena *ar, const char *html)
{
	char *out = arena_strdup(ar, html), *w = out;
	bool in_tag = false;
	for (const char *p = html; *p; p++) {
		if (*p == '<')
			in_tag = true;
		else if (*p == '>')
			in_tag = false;
		else if (!in_tag)
			*w++ = *p;
	}
	*w = '\0';
	return out;
}

static const char *content_of(struct arena *ar, const json_t *note, const char **lang)
{
	const char *html = str_of(note, "content");
	const json_t *map = json_object_get(note, "contentMap");
	*lang = "";
	if (!html && json_is_object(map)) {
		const char *k;
		const json_t *v;
		json_object_foreach((json_t *)map, k, v)
		{
			if (!json_is_string(v))
				continue;
			html = json_string_value(v);
			if (strlen(k) >= 2 && strlen(k) <= 8 && strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == strlen(k))
				*lang = arena_strdup(ar, k);
			break;
		}
	}
	char *s = sanitize_html(html ? html : "", html ? strlen(html) : 0, CONTENT_MAX);
	const char *out = arena_strdup(ar, s);
	free(s);
	return out;
}

static void add_mention(struct text_formatted *f, const struct account *a, const char *acct)
{
	for (int i = 0; i < f->nmentions; i++)
		if (f->mentions[i].account_id == a->id)
			return;
	if (f->nmentions == TEXT_MAX_MENTIONS)
		return;
	struct text_mention *m = &f->mentions[f->nmentions++];
	m->username = a->username;
	m->domain = a->domain;
	m->account_id = a->id;
	m->url = a->url;
	m->acct = acct;
}

/* Mention tags naming known accounts, and the local accounts the status
 * is addressed to (they see it, as mentioned accounts do); Hashtags. */
static enum ap_rc collect_tags(struct inbox_ctx *x, const json_t *note,
			       const struct audience *aud, struct text_formatted *f)
{
	struct core *c = x->c;
	bool failed = false;
	const json_t *tags = json_object_get(note, "tag"), *t;
	json_t *one = json_is_object(tags) ? json_pack("[O]", tags) : json_incref((json_t *)tags);
	size_t i;
	enum ap_rc rc = AP_OK;
	for (size_t k = 0; k < aud->nlocal; k++) {
		struct account a;
		if (inbox_local_account(c, aud->local[k], &a) && !inbox_domain_blocked(x, a.id, &failed))
			add_mention(f, &a, a.username);
	}
	json_array_foreach(json_is_array(one) ? one : NULL, i, t)
	{
		const char *type = str_of(t, "type"), *href = str_of(t, "href"), *name = str_of(t, "name");
		struct account a;
		if (i >= 100 || !type)
			break;
		if (!strcmp(type, "Hashtag") && name && f->ntags < TEXT_MAX_TAGS) {
			const char *key = text_tag_key(c->arena, name[0] == '#' ? name + 1 : name);
			bool dup = false;
			for (int j = 0; key && j < f->ntags; j++)
				dup |= !strcmp(f->tags[j], key);
			if (key && !dup)
				f->tags[f->ntags++] = key;
		} else if (!strcmp(type, "Mention") && href) {
			if (inbox_local_account(c, href, &a)) {
				if (!inbox_domain_blocked(x, a.id, &failed))
					add_mention(f, &a, a.username);
				continue;
			}
			enum store_rc st = store_account_by_uri(c->db, c->arena, href, &a);
			if (st == ST_ERROR) {
				rc = AP_ERROR;
				break;
			}
			if (st == ST_OK)
				add_mention(f, &a, arena_printf(c->arena, "%s@%s", a.username, a.domain));
		}
	}
	json_decref(one);
	return failed ? AP_ERROR : rc;
}

/* The parent of a reply: known, or fetched while depth allows. */
static enum ap_rc parent_of(struct core *c, const json_t *note, int depth, struct status *parent,
			    bool *found)
{
	const char *uri = inbox_id_of(json_object_get(note, "inReplyTo"));
	int64_t id = 0;
	*found = false;
	enum ap_rc rc = uri ? inbox_fetch_status(c, uri, depth + 1, &id) : AP_OK;
	if (rc || !id)
		return rc == AP_UNAVAILABLE ? AP_OK : rc; /* an unreachable parent: not a reply */
	enum store_rc st = store_status_get(c->db, c->arena, id, parent);
	if (st == ST_ERROR)
		return AP_ERROR;
	*found = st == ST_OK;
	return AP_OK;
}

void inbox_note_read(struct arena *ar, const json_t *note, struct note_fields *out)
{
	out->content = content_of(ar, note, &out->language);
	out->text = plain_of(ar, out->content);
	const char *summary = str_of(note, "summary");
	size_t n = summary ? strlen(summary) : 0;
	if (n > SUMMARY_BYTES) /* cut on a character boundary */
		for (n = SUMMARY_BYTES; n && ((unsigned char)summary[n] & 0xc0) == 0x80; n--)
			;
	out->summary = arena_strndup(ar, summary ? summary : "", n);
	out->sensitive = json_is_true(json_object_get(note, "sensitive")) || *out->summary;
	out->published = inbox_iso_ms(str_of(note, "published"));
	out->updated = inbox_iso_ms(str_of(note, "updated"));
}

static struct status *new_status(struct inbox_ctx *x, const json_t *note, const char *uri,
				 const struct audience *aud)
{
	struct core *c = x->c;
	struct status *s = arena_calloc(c->arena, 1, sizeof *s);
	struct note_fields nf;
	int64_t now = now_ms();
	inbox_note_read(c->arena, note, &nf);
	s->id = id_new();
	s->thread_id = s->id;
	s->account_id = x->actor.id;
	s->uri = arena_strdup(c->arena, uri);
	s->content = nf.content;
	s->language = nf.language;
	s->text = nf.text;
	s->spoiler_text = nf.summary;
	s->sensitive = nf.sensitive;
	s->visibility = aud->visibility;
	s->created_at = nf.published > 0 && nf.published < now ? nf.published : now;
	return s;
}

/* Whether the status concerns anyone here (Mastodon's rule); from a
 * limited domain, only a followed author's. */
static bool related(const struct inbox_ctx *x, const struct text_formatted *f, bool has_parent)
{
	if (x->limited)
		return x->actor.followers_count > 0;
	return f->nmentions > 0 || has_parent || x->actor.followers_count > 0;
}

enum ap_rc inbox_create_note(struct inbox_ctx *x, const json_t *note, bool must_relate,
			     int depth, int64_t *out_id)
{
	struct core *c = x->c;
	const char *uri = str_of(note, "id");
	const char *auth = uri ? remote_authority(c->cfg, c->arena, uri) : NULL;
	*out_id = 0;
	if (!auth || strcmp(auth, x->authority))
		return AP_FORBIDDEN; /* an object on another host than its actor */
	if (!note_type(str_of(note, "type")))
		return AP_OK;
	enum ap_rc rc = inbox_status_of(c, uri, out_id);
	if (rc || *out_id)
		return rc; /* known already */
	const json_t *to = json_object_get(note, "to"), *cc = json_object_get(note, "cc");
	if (!to && !cc) {
		to = json_object_get(x->act, "to");
		cc = json_object_get(x->act, "cc");
	}
	struct audience aud;
	audience_read(to, cc, json_object_get(note, "tag"), x->ra.followers,
		      arena_printf(c->arena, "%s/users/", c->cfg->base_url), &aud);
	struct text_formatted *f = arena_calloc(c->arena, 1, sizeof *f);
	struct status parent;
	bool has_parent;
	if ((rc = collect_tags(x, note, &aud, f)) || (rc = parent_of(c, note, depth, &parent, &has_parent)))
		return rc;
	if (must_relate && !related(x, f, has_parent))
		return AP_OK;
	struct status *s = new_status(x, note, uri, &aud);
	if (has_parent) {
		s->in_reply_to_id = parent.id;
		s->in_reply_to_account_id = parent.account_id;
		s->thread_id = parent.thread_id;
	}
	struct remote_extras rx;
	inbox_extras_read(c->arena, note, &rx);
	enum rc r = status_create_remote(c, s, f, &rx);
	if (r == RC_INVALID) /* made meanwhile by another delivery */
		return inbox_status_of(c, uri, out_id);
	*out_id = r == RC_OK ? s->id : 0;
	return r == RC_OK ? AP_OK : r == RC_RATE_LIMITED ? AP_UNAVAILABLE : AP_ERROR;
}

/* The author of a fetched Note: attributedTo (a string, an object, or
 * the first of an array), on the Note's own host. */
static const char *author_of(struct core *c, const json_t *note, const char *note_auth)
{
	const json_t *v = json_object_get(note, "attributedTo");
	if (json_is_array(v))
		v = json_array_get(v, 0);
	const char *a = inbox_id_of(v);
	const char *auth = a ? remote_authority(c->cfg, c->arena, a) : NULL;
	return auth && !strcmp(auth, note_auth) ? a : NULL;
}

enum ap_rc inbox_fetch_status(struct core *c, const char *uri, int depth, int64_t *id)
{
	enum ap_rc rc = inbox_status_of(c, uri, id);
	if (rc || *id || depth > REMOTE_DEPTH_MAX || !strncmp(uri, c->cfg->base_url, strlen(c->cfg->base_url)))
		return rc;
	json_t *doc;
	enum remote_rc rr = remote_fetch(c, uri, &doc);
	if (rr)
		return rr == REMOTE_ERROR ? AP_ERROR : AP_OK;
	const char *auth = remote_authority(c->cfg, c->arena, uri);
	const char *author = note_type(str_of(doc, "type")) ? author_of(c, doc, auth) : NULL;
	struct inbox_ctx x = {.c = c, .act = doc, .authority = auth};
	rr = author ? remote_actor(c, author, false, &x.actor, &x.ra) : REMOTE_INVALID;
	rc = rr == REMOTE_OK ? inbox_create_note(&x, doc, false, depth, id)
	     : rr == REMOTE_ERROR ? AP_ERROR
				 : AP_OK;
	json_decref(doc);
	return rc;
}

enum ap_rc inbox_update_note(struct inbox_ctx *x, const json_t *note)
{
	struct core *c = x->c;
	const char *uri = str_of(note, "id");
	int64_t id, updated = inbox_iso_ms(str_of(note, "updated"));
	struct status old;
	enum store_rc st = uri ? store_status_by_uri(c->db, uri, &id) : ST_NOT_FOUND;
	if (st == ST_NOT_FOUND)
		return AP_OK;
	if (st != ST_OK || store_status_get(c->db, c->arena, id, &old) != ST_OK)
		return AP_ERROR;
	if (old.account_id != x->actor.id)
		return AP_FORBIDDEN;
	/* a Question's counts change without an edit */
	enum ap_rc rc = inbox_poll_update(x, note, id);
	if (rc)
		return rc;
	if (!updated || updated > now_ms() + 3600 * 1000LL)
		return AP_OK; /* only an edit that says when it was made, and not from the future */
	struct audience aud;
	audience_read(json_object_get(note, "to"), json_object_get(note, "cc"),
		      json_object_get(note, "tag"), x->ra.followers,
		      arena_printf(c->arena, "%s/users/", c->cfg->base_url), &aud);
	struct text_formatted *f = arena_calloc(c->arena, 1, sizeof *f);
	if ((rc = collect_tags(x, note, &aud, f)))
		return rc;
	struct status *now = new_status(x, note, uri, &aud);
	now->edited_at = updated;
	enum rc r = status_edit_remote(c, x->actor.id, id, now, f);
	return r == RC_OK || r == RC_NOT_FOUND ? AP_OK : r == RC_RATE_LIMITED ? AP_UNAVAILABLE : AP_ERROR;
}
