/* archive.c - an account's archive as a zip (core/archive.h), with
 * libzip. */
#include "core/archive.h"
#include "core/accounts.h"
#include "core/media.h"
#include "core/portability.h"
#include "store/export.h"
#include "store/statuses.h"
#include "util/buf.h"
#include "util/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#define AS_PUBLIC "https://www.w3.org/ns/activitystreams#Public"
#define AS_CONTEXT "https://www.w3.org/ns/activitystreams"
#define BATCH 256

static json_t *iso(int64_t ms)
{
	char t[32];
	time_format(ms, t, sizeof t);
	return json_string(t);
}

static const char *status_id_uri(struct core *c, const struct status *s)
{
	if (s->uri && *s->uri)
		return s->uri;
	return arena_printf(c->arena, "%s/users/%s/statuses/%lld", c->cfg->base_url,
			    s->account.username, (long long)s->id);
}

static json_t *person(struct core *c, const struct account *a)
{
	const char *id = account_uri(c, a);
	json_t *fields = json_loads(a->fields ? a->fields : "[]", 0, NULL), *att = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		json_array_append_new(att, json_pack("{s:s, s:O, s:O}", "type", "PropertyValue",
						     "name", json_object_get(f, "name"), "value",
						     json_object_get(f, "value")));
	}
	json_decref(fields);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:o}",
			      "@context", AS_CONTEXT, "id", id, "type", a->bot ? "Service" : "Person",
			      "preferredUsername", a->username, "name", a->display_name, "summary",
			      a->note_html, "url", account_url(c, a), "inbox",
			      arena_printf(c->arena, "%s/inbox", id), "outbox",
			      arena_printf(c->arena, "%s/outbox", id), "published",
			      iso(a->created_at), "followers",
			      arena_printf(c->arena, "%s/followers", id),
			      "manuallyApprovesFollowers", a->locked, "attachment", att);
	json_object_set_new(j, "following", json_string(arena_printf(c->arena, "%s/following", id)));
	return j;
}

/* The actor id of a mentioned account ({id, username, acct, url}): its
 * URI, or its URL when it is gone. */
static json_t *mention_uri(struct core *c, json_t *m)
{
	int64_t id;
	struct account a;
	const char *sid = json_string_value(json_object_get(m, "id"));
	if (sid && id_parse(sid, &id) && store_account_get(c->db, c->arena, id, &a) == ST_OK)
		return json_string(account_uri(c, &a));
	json_t *url = json_object_get(m, "url");
	return json_is_string(url) ? json_incref(url) : NULL;
}

/* to and cc by visibility, as Mastodon addresses them. */
static void audience(struct core *c, const struct status *s, json_t *mentions, json_t **to,
		     json_t **cc)
{
	const char *followers = arena_printf(c->arena, "%s/followers", account_uri(c, &s->account));
	*to = json_array();
	*cc = json_array();
	if (s->visibility == VIS_PUBLIC) {
		json_array_append_new(*to, json_string(AS_PUBLIC));
		json_array_append_new(*cc, json_string(followers));
	} else if (s->visibility == VIS_UNLISTED) {
		json_array_append_new(*to, json_string(followers));
		json_array_append_new(*cc, json_string(AS_PUBLIC));
	} else if (s->visibility == VIS_PRIVATE) {
		json_array_append_new(*to, json_string(followers));
	}
	size_t i;
	json_t *m;
	json_array_foreach(mentions, i, m)
	{
		json_t *uri = mention_uri(c, m);
		if (uri)
			json_array_append_new(s->visibility == VIS_DIRECT ? *to : *cc, uri);
	}
}

static json_t *note_tags(struct core *c, const struct status *s, json_t *mentions)
{
	json_t *tags = json_loads(s->tags ? s->tags : "[]", 0, NULL), *out = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(mentions, i, t)
	{
		json_t *uri = mention_uri(c, t);
		if (!uri)
			continue;
		json_array_append_new(out, json_pack("{s:s, s:o, s:s}", "type", "Mention", "href",
						     uri, "name",
						     arena_printf(c->arena, "@%s",
								  json_string_value(json_object_get(t, "acct")))));
	}
	json_array_foreach(tags, i, t)
	{
		const char *name = json_string_value(t);
		if (name)
			json_array_append_new(
				out, json_pack("{s:s, s:s, s:s}", "type", "Hashtag", "href",
					       arena_printf(c->arena, "%s/tags/%s", c->cfg->base_url, name),
					       "name", arena_printf(c->arena, "#%s", name)));
	}
	json_decref(tags);
	return out;
}

/* The media files the archive holds: their names, in the order met, and
 * their bytes (a file two statuses share is counted twice: the bound is
 * only safer). */
struct media_files {
	const char **names;
	int n, cap;
	int64_t bytes;
};

/* Takes the file into the archive unless that would pass its bounds;
 * false when it stays out (or is not on disk). */
static bool media_keep(struct core *c, struct media_files *mf, const char *name)
{
	const char *path = media_file_path(c->arena, c->cfg, name);
	struct stat sb;
	if (!path || stat(path, &sb) || !S_ISREG(sb.st_mode) || mf->n >= ARCHIVE_MEDIA_FILES ||
	    mf->bytes + sb.st_size > ARCHIVE_MEDIA_MAX)
		return false;
	if (mf->n == mf->cap) {
		int cap = mf->cap ? mf->cap * 2 : 64;
		const char **v = arena_calloc(c->arena, (size_t)cap, sizeof *v);
		if (mf->n)
			memcpy(v, mf->names, (size_t)mf->n * sizeof *v);
		mf->names = v;
		mf->cap = cap;
	}
	mf->names[mf->n++] = name;
	mf->bytes += sb.st_size;
	return true;
}

/* The Note's attachments as Mastodon's archive has them: a Document whose
 * url is the file's path inside the zip, or, for one past the archive's
 * bounds, its URL on this server. NULL if the store failed. */
static json_t *attachments(struct core *c, const struct status *s, struct media_files *mf)
{
	struct media_list l;
	if (media_of_status(c, s->id, &l))
		return NULL;
	json_t *out = json_array();
	for (int i = 0; i < l.n; i++) {
		const struct media *m = &l.items[i];
		if (!*m->file)
			continue; /* not processed: nothing to keep */
		const char *type = media_file_type(m->file);
		const char *url = media_keep(c, mf, m->file)
					  ? arena_printf(c->arena, "/" ARCHIVE_MEDIA_DIR "%s", m->file)
					  : media_url(c->arena, c->cfg, m->file);
		json_array_append_new(
			out, json_pack("{s:s, s:s, s:s, s:o, s:o}", "type", "Document", "mediaType",
				       type ? type : m->mime, "url", url, "name",
				       *m->description ? json_string(m->description) : json_null(),
				       "blurhash",
				       *m->blurhash ? json_string(m->blurhash) : json_null()));
	}
	return out;
}

/* The URI of the status s replies to; null when it is gone. */
static json_t *parent_uri(struct core *c, const struct status *s)
{
	struct status p;
	if (!s->in_reply_to_id || store_status_get(c->db, c->arena, s->in_reply_to_id, &p) != ST_OK)
		return json_null();
	return json_string(status_id_uri(c, &p));
}

static json_t *activity(struct core *c, const struct status *s, struct media_files *mf)
{
	json_t *media = s->reblog ? json_array() : attachments(c, s, mf);
	if (!media)
		return NULL;
	const char *uri = status_id_uri(c, s), *actor = account_uri(c, &s->account);
	json_t *mentions = json_loads(s->mentions ? s->mentions : "[]", 0, NULL), *to, *cc;
	audience(c, s, mentions, &to, &cc);
	json_t *act;
	if (s->reblog) {
		json_decref(media);
		act = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "id",
				arena_printf(c->arena, "%s/activity", uri), "type", "Announce", "actor",
				actor, "published", iso(s->created_at), "to", to, "cc", cc, "object",
				status_id_uri(c, s->reblog));
	} else {
		json_t *note = json_pack(
			"{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:O, s:O, s:b, s:s, s:o, s:o}", "id", uri,
			"type", "Note", "summary", *s->spoiler_text ? json_string(s->spoiler_text) : json_null(),
			"inReplyTo", parent_uri(c, s), "published", iso(s->created_at), "url",
			arena_printf(c->arena, "%s/@%s/%lld", c->cfg->base_url, s->account.username,
				     (long long)s->id),
			"attributedTo", actor, "to", to, "cc", cc, "sensitive", s->sensitive, "content",
			s->content, "tag", note_tags(c, s, mentions), "attachment", media);
		act = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id",
				arena_printf(c->arena, "%s/activity", uri), "type", "Create", "actor",
				actor, "published", iso(s->created_at), "to", to, "cc", cc, "object", note);
	}
	json_decref(mentions);
	return act;
}

/* Appends each status's activity, oldest first, separated by commas. */
static enum rc write_items(struct core *c, int64_t account_id, struct buf *b, int64_t *n,
			   struct media_files *mf)
{
	int64_t ids[BATCH], after = 0;
	int got;
	do {
		if (store_export_status_ids(c->db, account_id, after, BATCH, ids, &got) != ST_OK)
			return core_fail(c, RC_INTERNAL, NULL, "Internal error");
		for (int i = 0; i < got; i++) {
			struct status s;
			after = ids[i];
			enum store_rc st = store_status_get(c->db, c->arena, ids[i], &s);
			if (st == ST_NOT_FOUND) /* deleted meanwhile */
				continue;
			if (st != ST_OK)
				return core_store_fail(c, st);
			json_t *a = activity(c, &s, mf);
			if (!a)
				return c->err.rc ? c->err.rc : core_fail(c, RC_INTERNAL, NULL, "Internal error");
			char *j = json_dumps(a, JSON_COMPACT);
			json_decref(a);
			int rc = !j || (*n && buf_puts(b, ",")) || buf_puts(b, j);
			free(j);
			if (rc)
				return core_fail(c, RC_INVALID, NULL, "The archive is too large");
			(*n)++;
		}
	} while (got == BATCH);
	return RC_OK;
}

static enum rc outbox(struct core *c, const struct account *a, struct buf *b,
		      struct media_files *mf)
{
	json_t *h = json_pack("{s:s, s:s, s:s}", "@context", AS_CONTEXT, "id",
			      arena_printf(c->arena, "%s/outbox", account_uri(c, a)), "type",
			      "OrderedCollection");
	char *head = h ? json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(h);
	int64_t n = 0;
	if (!head)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	/* The head without its closing brace, the items, then their count. */
	int rc = buf_append(b, head, strlen(head) - 1) || buf_puts(b, ",\"orderedItems\":[");
	free(head);
	if (rc)
		return core_fail(c, RC_INTERNAL, NULL, "Internal error");
	if (write_items(c, a->id, b, &n, mf))
		return c->err.rc;
	if (buf_printf(b, "],\"totalItems\":%lld}", (long long)n))
		return core_fail(c, RC_INVALID, NULL, "The archive is too large");
	return RC_OK;
}

/* Adds a copy of the bytes as name. */
static int add(zip_t *z, const char *name, const void *p, size_t n)
{
	/* libzip frees the copy with the source; an empty file needs none */
	void *copy = n ? malloc(n) : NULL;
	zip_source_t *src = !n ? zip_source_buffer(z, NULL, 0, 0)
		: copy ? zip_source_buffer(z, memcpy(copy, p, n), n, 1) : NULL;
	if (!src) {
		free(copy);
		return -1;
	}
	if (zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		return -1;
	}
	return 0;
}

static int add_json(zip_t *z, const char *name, json_t *j)
{
	char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	int rc = s ? add(z, name, s, strlen(s)) : -1;
	free(s);
	return rc;
}

static int add_csvs(struct core *c, zip_t *z, int64_t account_id)
{
	for (int k = 0; k < DATA_KINDS; k++) {
		const char *csv;
		size_t len;
		if (data_export(c, account_id, (enum data_kind)k, &csv, &len) ||
		    add(z, data_kind_file((enum data_kind)k), csv, len))
			return -1;
	}
	return 0;
}

/* The media files, stored as they are (they are compressed already); one
 * two statuses share is added once. libzip reads each when the zip is
 * closed. */
static int add_media(struct core *c, zip_t *z, const struct media_files *mf)
{
	for (int i = 0; i < mf->n; i++) {
		const char *entry = arena_printf(c->arena, ARCHIVE_MEDIA_DIR "%s", mf->names[i]);
		if (zip_name_locate(z, entry, 0) >= 0)
			continue;
		zip_source_t *src = zip_source_file(z, media_file_path(c->arena, c->cfg, mf->names[i]),
						    0, -1);
		zip_int64_t idx = src ? zip_file_add(z, entry, src, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(src);
			return -1;
		}
		if (zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0)
			return -1;
	}
	return 0;
}

/* The finished zip's bytes, read back from its in-memory source. */
static int take_bytes(zip_source_t *src, char **out, size_t *len)
{
	zip_stat_t st;
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(src) < 0)
		return -1;
	*out = malloc(st.size ? st.size : 1);
	zip_int64_t got = *out ? zip_source_read(src, *out, st.size) : -1;
	zip_source_close(src);
	if (got != (zip_int64_t)st.size) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*len = (size_t)st.size;
	return 0;
}

enum rc archive_build(struct core *c, int64_t account_id, char **out, size_t *len)
{
	struct account a;
	enum store_rc st = store_account_get(c->db, c->arena, account_id, &a);
	if (st != ST_OK)
		return core_store_fail(c, st);
	struct buf ob;
	struct media_files mf = {0};
	buf_init(&ob, ARCHIVE_MAX);
	if (outbox(c, &a, &ob, &mf)) {
		buf_free(&ob);
		return c->err.rc;
	}
	zip_error_t err;
	zip_error_init(&err);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
	zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &err) : NULL;
	int rc = z ? 0 : -1;
	if (z) {
		zip_source_keep(src); /* its bytes are read after the zip is closed */
		rc = add_json(z, "actor.json", person(c, &a)) || add(z, "outbox.json", ob.data, ob.len) ||
		     add_csvs(c, z, account_id) || add_media(c, z, &mf);
		rc = rc ? (zip_discard(z), -1) : zip_close(z) < 0 ? (zip_discard(z), -1) : 0;
	}
	buf_free(&ob);
	if (!rc)
		rc = take_bytes(src, out, len);
	zip_source_free(src);
	zip_error_fini(&err);
	if (rc && c->err.rc == RC_OK)
		return core_fail(c, RC_INTERNAL, NULL, "The archive could not be made");
	return rc ? c->err.rc : RC_OK;
}
