/* inbox_extras.c - what a Note or Question carries besides its text:
 * attachments (kept as their remote addresses, not downloaded) and a
 * Question's poll; and votes on our polls (Mastodon's
 * app/lib/activitypub/activity/create.rb, parser/media_attachment_parser.rb
 * and parser/poll_parser.rb). */
#include "core/polls.h"
#include "core/statuses.h"
#include "store/media.h"
#include "federation/inbox_internal.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

#define ATTACHMENTS_MAX 4      /* Mastodon's MAX_MEDIA_ATTACHMENTS */
#define URL_MAX 2048
#define ALT_MAX 1500           /* Mastodon's MediaAttachment description limit */
#define OPTION_MAX 200         /* bytes of an option's title */
#define NO_END_MS 253402300799000LL /* a poll with no end: 9999-12-31 */

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An http(s) URL without spaces, control characters, quotes or angle
 * brackets (every output escapes anyway), or NULL. */
static const char *url_ok(const char *u)
{
	if (!u || strlen(u) > URL_MAX ||
	    !(str_has_prefix(u, "https://") || str_has_prefix(u, "http://")) ||
	    strpbrk(u, "\"'<>\\`"))
		return NULL;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return NULL;
	return u;
}

/* An attachment's url: a string, a Link's href, or the first of an array. */
static const char *url_of(const json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return url_ok(json_is_string(v) ? json_string_value(v) : str_of(v, "href"));
}

/* A copy of s, at most max bytes, cut on a character boundary. */
static const char *text_cut(struct arena *ar, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n > max)
		for (n = max; n && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
			;
	return arena_strndup(ar, s ? s : "", n);
}

static const char *kind_of(const char *mime, const char *type)
{
	static const struct {
		const char *prefix, *type, *kind;
	} kinds[] = {{"image/", "Image", "image"}, {"video/", "Video", "video"},
		     {"audio/", "Audio", "audio"}};
	for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if ((mime && str_has_prefix(mime, kinds[i].prefix)) ||
		    (type && !strcmp(type, kinds[i].type)))
			return kinds[i].kind;
	return "unknown";
}

/* meta.original from width and height, when both are sane. */
static const char *meta_of(struct arena *ar, const json_t *a)
{
	json_int_t w = json_integer_value(json_object_get(a, "width"));
	json_int_t h = json_integer_value(json_object_get(a, "height"));
	if (w <= 0 || h <= 0 || w > 100000 || h > 100000)
		return "{}";
	return arena_printf(ar,
			    "{\"original\":{\"width\":%lld,\"height\":%lld,\"size\":\"%lldx%lld\","
			    "\"aspect\":%.6g}}",
			    (long long)w, (long long)h, (long long)w, (long long)h,
			    (double)w / (double)h);
}

static int focus_of(const json_t *fp, size_t i)
{
	double v = json_number_value(json_array_get(fp, i));
	return v >= -1 && v <= 1 ? (int)(v * 1000) : 0;
}

static bool blurhash_ok(const char *b)
{
	static const char base83[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				     "#$%*+,-.:;=?@[]^_{|}~";
	return b && strlen(b) >= 6 && strlen(b) <= 100 && strspn(b, base83) == strlen(b);
}

static bool read_attachment(struct arena *ar, const json_t *a, struct media *m)
{
	const char *url = url_of(json_object_get(a, "url"));
	const char *mime = str_of(a, "mediaType"), *blurhash = str_of(a, "blurhash");
	if (!json_is_object(a) || !url)
		return false;
	if (mime && (strlen(mime) > 100 || !strchr(mime, '/') || strpbrk(mime, "\"<> ")))
		mime = NULL;
	memset(m, 0, sizeof *m);
	m->id = id_new();
	m->kind = kind_of(mime, str_of(a, "type"));
	m->mime = mime ? arena_strdup(ar, mime) : "";
	m->remote_url = arena_strdup(ar, url);
	m->description = text_cut(ar, str_of(a, "name"), ALT_MAX);
	m->blurhash = blurhash_ok(blurhash) ? arena_strdup(ar, blurhash) : "";
	m->meta = meta_of(ar, a);
	const json_t *fp = json_object_get(a, "focalPoint");
	m->focus_x = focus_of(fp, 0);
	m->focus_y = focus_of(fp, 1);
	return true;
}

static void read_attachments(struct arena *ar, const json_t *note, struct remote_extras *rx)
{
	const json_t *att = json_object_get(note, "attachment"), *a;
	struct media *m = arena_calloc(ar, ATTACHMENTS_MAX, sizeof *m);
	size_t i;
	rx->media = m;
	rx->nmedia = 0;
	if (json_is_object(att) && read_attachment(ar, att, &m[0]))
		rx->nmedia = 1;
	json_array_foreach(json_is_array(att) ? att : NULL, i, a)
	{
		if (rx->nmedia == ATTACHMENTS_MAX)
			break;
		if (read_attachment(ar, a, &m[rx->nmedia]))
			rx->nmedia++;
	}
}

/* A Question's poll: oneOf (or anyOf: multiple) Notes whose name is the
 * option and replies.totalItems its count; endTime, or closed once over. */
static struct poll *read_poll(struct arena *ar, const json_t *q)
{
	const json_t *any = json_object_get(q, "anyOf"), *one = json_object_get(q, "oneOf"), *o;
	const json_t *opts = json_is_array(any) ? any : one;
	size_t i;
	if (!json_is_array(opts) || !json_array_size(opts))
		return NULL;
	struct poll *p = arena_calloc(ar, 1, sizeof *p);
	p->id = id_new();
	p->multiple = json_is_array(any);
	json_array_foreach(opts, i, o)
	{
		const char *name = str_of(o, "name");
		if (p->noptions == POLL_OPTIONS_MAX)
			break;
		if (!name)
			continue;
		json_int_t n = json_integer_value(json_object_get(json_object_get(o, "replies"),
								  "totalItems"));
		p->titles[p->noptions] = text_cut(ar, name, OPTION_MAX);
		p->counts[p->noptions] = n > 0 ? n : 0;
		p->votes_count += p->counts[p->noptions++];
	}
	if (!p->noptions)
		return NULL;
	json_int_t voters = json_integer_value(json_object_get(q, "votersCount"));
	p->voters_count = voters > 0 ? voters : p->multiple ? 0 : p->votes_count;
	int64_t closed = inbox_iso_ms(str_of(q, "closed")), end = inbox_iso_ms(str_of(q, "endTime"));
	p->expires_at = closed ? closed : end ? end : NO_END_MS;
	return p;
}

void inbox_extras_read(struct arena *ar, const json_t *note, struct remote_extras *rx)
{
	const char *type = str_of(note, "type");
	read_attachments(ar, note, rx);
	rx->poll = type && !strcmp(type, "Question") ? read_poll(ar, note) : NULL;
}

enum ap_rc inbox_poll_update(struct inbox_ctx *x, const json_t *q, int64_t status_id)
{
	struct remote_extras rx;
	inbox_extras_read(x->c->arena, q, &rx);
	if (!rx.poll)
		return AP_OK;
	struct poll p = *rx.poll;
	p.status_id = status_id;
	p.account_id = x->actor.id;
	p.created_at = now_ms();
	return poll_remote_set(x->c, &p) == RC_OK ? AP_OK : AP_ERROR;
}

bool inbox_vote(struct inbox_ctx *x, const json_t *note, enum ap_rc *rc)
{
	const char *name = str_of(note, "name"), *type = str_of(note, "type");
	const char *parent = inbox_id_of(json_object_get(note, "inReplyTo"));
	int64_t id;
	struct poll p;
	bool found = false;
	*rc = AP_OK;
	if (!name || !parent || !type || strcmp(type, "Note") ||
	    !str_has_prefix(parent, x->c->cfg->base_url))
		return false;
	if ((*rc = inbox_status_of(x->c, parent, &id)) || !id)
		return *rc != AP_OK;
	if (poll_of_status(x->c, 0, id, &p, &found) != RC_OK) {
		*rc = AP_ERROR;
		return true;
	}
	if (found && poll_vote_remote(x->c, x->actor.id, id, name) != RC_OK)
		*rc = AP_ERROR;
	return found;
}
