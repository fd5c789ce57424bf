/* audit.c - `rapport audit` (tools/audit.h): read an archive's items one
 * at a time, count, and write report.json and report.html. */
#include "tools/audit.h"
#include "core/text.h"
#include "util/buf.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <zip.h>

#define DAY_S 86400
#define DAYS_MAX 65536 /* distinct days counted (a table of that size) */

/* ---- input: a file, or an entry of a zip ---- */

struct input {
	FILE *f;
	zip_t *z;
	zip_file_t *zf;
	unsigned char buf[65536];
	size_t len, pos;
	bool eof;
	long long offset; /* bytes consumed */
};

static int next_byte(struct input *in)
{
	if (in->pos == in->len) {
		if (in->eof)
			return -1;
		zip_int64_t n = in->zf ? zip_fread(in->zf, in->buf, sizeof in->buf)
				       : (zip_int64_t)fread(in->buf, 1, sizeof in->buf, in->f);
		if (n <= 0) {
			in->eof = true;
			return -1;
		}
		in->len = (size_t)n;
		in->pos = 0;
	}
	in->offset++;
	return in->buf[in->pos++];
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && !strcmp(s + n - m, tail);
}

/* Opens the archive; *x is true for an X archive. */
static int input_open(struct input *in, const char *path, bool *x, char *err, size_t errlen)
{
	memset(in, 0, sizeof *in);
	if (!ends_with(path, ".zip")) {
		*x = ends_with(path, ".js");
		in->f = fopen(path, "rb");
		if (!in->f)
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return in->f ? 0 : -1;
	}
	int zerr;
	in->z = zip_open(path, ZIP_RDONLY, &zerr);
	if (!in->z) {
		snprintf(err, errlen, "%s is not a readable zip file", path);
		return -1;
	}
	zip_int64_t n = zip_get_num_entries(in->z, 0);
	for (zip_int64_t i = 0; i < n && !in->zf; i++) {
		const char *name = zip_get_name(in->z, (zip_uint64_t)i, 0);
		if (name && (!strcmp(name, "outbox.json") || ends_with(name, "/outbox.json") ||
			     !strcmp(name, "tweets.js") || ends_with(name, "/tweets.js"))) {
			*x = ends_with(name, "tweets.js");
			in->zf = zip_fopen_index(in->z, (zip_uint64_t)i, 0);
		}
	}
	if (!in->zf)
		snprintf(err, errlen, "%s holds no outbox.json (Mastodon) or tweets.js (X)", path);
	return in->zf ? 0 : -1;
}

static void input_close(struct input *in)
{
	if (in->zf)
		zip_fclose(in->zf);
	if (in->z)
		zip_discard(in->z);
	if (in->f)
		fclose(in->f);
}

/* ---- the stream: the items of the top-level array ---- */

struct scan {
	struct input *in;
	int depth;      /* of the byte just read */
	bool in_string, escaped;
	bool done;      /* the array of items has ended */
};

/* Reads one byte, keeping track of strings and nesting. */
static int scan_byte(struct scan *s)
{
	int ch = next_byte(s->in);
	if (ch < 0)
		return ch;
	if (s->in_string) {
		if (s->escaped)
			s->escaped = false;
		else if (ch == '\\')
			s->escaped = true;
		else if (ch == '"')
			s->in_string = false;
	} else if (ch == '"') {
		s->in_string = true;
	} else if (ch == '{' || ch == '[') {
		s->depth++;
	} else if (ch == '}' || ch == ']') {
		s->depth--;
	}
	return ch;
}

/* Moves to just inside the array of items: for X, the first '[' (after
 * "window.YTD.tweets.part0 = "); for Mastodon, the value of the top-level
 * object's "orderedItems". */
static int find_array(struct scan *s, bool x, char *err, size_t errlen)
{
	static const char key[] = "\"orderedItems\"";
	size_t matched = 0;
	bool after_key = false;
	int ch;
	while ((ch = scan_byte(s)) >= 0) {
		if (x && ch == '[' && s->depth == 1)
			return 0;
		if (x || isspace(ch))
			continue;
		if (after_key) {
			if (ch == ':')
				continue;
			if (ch == '[' && s->depth == 2)
				return 0;
			after_key = false;
		}
		/* the key, as a string that starts and ends at depth 1 */
		matched = s->depth == 1 && (unsigned char)key[matched] == ch ? matched + 1
			  : s->depth == 1 && ch == '"'			 ? 1
									 : 0;
		if (matched == sizeof key - 1) {
			after_key = true;
			matched = 0;
		}
	}
	snprintf(err, errlen,
		 x ? "no array of tweets: not an X tweets.js"
		   : "no \"orderedItems\" array at the top: not a Mastodon outbox.json");
	return -1;
}

/* Reads the next item's bytes into b. 1 for an item, 0 at the array's
 * end, -1 on malformed input (err says what). */
static int next_item(struct scan *s, int base, struct buf *b, long long n, char *err,
		     size_t errlen)
{
	b->len = 0;
	b->over = false;
	int ch;
	while (!s->done && (ch = scan_byte(s)) >= 0) {
		if (s->depth < base) { /* the array's closing ']' */
			s->done = true;
			return b->len ? 1 : 0;
		}
		if (s->depth == base && !s->in_string && ch == ',') {
			if (b->len)
				return 1;
			continue;
		}
		if (!b->len && isspace(ch))
			continue;
		char c = (char)ch;
		if (buf_append(b, &c, 1)) {
			snprintf(err, errlen, "item %lld is larger than %d bytes", n + 1, AUDIT_ITEM_MAX);
			return -1;
		}
	}
	if (s->done)
		return 0;
	snprintf(err, errlen, "the archive ends inside its items (after %lld bytes): truncated?",
		 s->in->offset);
	return -1;
}

/* ---- one post, from either archive ---- */

#define POST_NAMES 16

struct post {
	int64_t t;      /* seconds since the epoch, UTC */
	bool share;     /* a reblog / retweet */
	bool reply;     /* answers someone (in reply to another's post) */
	const char *reply_to; /* who, when known */
	int nnames;
	const char *names[POST_NAMES]; /* mentioned accounts */
	bool link, link_only;
};

/* Text with its links and mentions left out has fewer than this many
 * letters or digits: the post is "a link and nothing to say". */
#define LINK_ONLY_LETTERS 10

static int letters(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += isalnum((unsigned char)*s) || (unsigned char)*s >= 0x80;
	return n;
}

/* Letters of text outside tags, URLs and @mentions (HTML or plain). */
static int own_letters(const char *text)
{
	int n = 0;
	bool tag = false;
	for (const char *p = text; *p; p++) {
		if (*p == '<') {
			/* a link's whole text is the link's */
			if (!strncmp(p, "<a ", 3)) {
				const char *end = strstr(p, "</a>");
				p = end ? end + 3 : p + strlen(p) - 1;
				continue;
			}
			tag = true;
		} else if (*p == '>') {
			tag = false;
		} else if (!tag && (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8) ||
				    *p == '@')) {
			while (p[1] && !isspace((unsigned char)p[1]) && p[1] != '<')
				p++;
		} else if (!tag) {
			char one[2] = {*p, 0};
			n += letters(one);
		}
	}
	return n;
}

/* A link in Mastodon's HTML that is not a mention or a hashtag. */
static bool plain_link(const char *html)
{
	for (const char *a = strstr(html, "<a "); a; a = strstr(a + 3, "<a ")) {
		const char *end = strchr(a, '>');
		size_t n = end ? (size_t)(end - a) : strlen(a);
		char head[512];
		snprintf(head, sizeof head, "%.*s", (int)(n < sizeof head - 1 ? n : sizeof head - 1), a);
		if (!strstr(head, "mention") && strstr(head, "href=\"http"))
			return true;
	}
	return false;
}

static int64_t iso_seconds(const char *s)
{
	int64_t ms;
	return s && time_parse(s, &ms) ? ms / 1000 : -1;
}

/* X's "Wed Oct 10 20:19:24 +0000 2018". */
static int64_t x_seconds(const char *s)
{
	struct tm tm = {0};
	char mon[4];
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int off;
	if (!s || sscanf(s, "%*3s %3s %d %d:%d:%d %d %d", mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec, &off, &tm.tm_year) != 7)
		return -1;
	const char *m = strstr(months, mon);
	if (!m || (m - months) % 3 || tm.tm_year < 1970)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	int sign = off < 0 ? -1 : 1;
	off *= sign;
	return (int64_t)timegm(&tm) - sign * ((off / 100) * 3600 + (off % 100) * 60);
}

static int read_mastodon(json_t *item, struct post *p)
{
	const char *type = json_string_value(json_object_get(item, "type"));
	json_t *obj = json_object_get(item, "object");
	p->t = iso_seconds(json_string_value(json_object_get(item, "published")));
	if (!type || p->t < 0)
		return -1;
	if (!strcmp(type, "Announce")) {
		p->share = true;
		return 0;
	}
	if (strcmp(type, "Create") || !json_is_object(obj))
		return 1; /* another activity: not a post */
	const char *content = json_string_value(json_object_get(obj, "content"));
	const char *actor = json_string_value(json_object_get(item, "actor"));
	const char *parent = json_string_value(json_object_get(obj, "inReplyTo"));
	p->reply = parent && !(actor && !strncmp(parent, actor, strlen(actor)));
	json_t *tags = json_object_get(obj, "tag"), *t;
	size_t i;
	json_array_foreach(tags, i, t)
	{
		const char *name = json_string_value(json_object_get(t, "name"));
		const char *kind = json_string_value(json_object_get(t, "type"));
		if (name && p->nnames < POST_NAMES && kind && !strcmp(kind, "Mention"))
			p->names[p->nnames++] = name + (*name == '@');
	}
	if (p->reply && p->nnames)
		p->reply_to = p->names[0];
	content = content ? content : "";
	p->link = plain_link(content);
	p->link_only = p->link && own_letters(content) < LINK_ONLY_LETTERS;
	return 0;
}

static int read_x(json_t *item, struct post *p)
{
	json_t *tw = json_object_get(item, "tweet");
	if (!json_is_object(tw))
		tw = item;
	const char *text = json_string_value(json_object_get(tw, "full_text"));
	p->t = x_seconds(json_string_value(json_object_get(tw, "created_at")));
	if (!text || p->t < 0)
		return -1;
	if (!strncmp(text, "RT @", 4)) {
		p->share = true;
		return 0;
	}
	p->reply_to = json_string_value(json_object_get(tw, "in_reply_to_screen_name"));
	p->reply = p->reply_to != NULL;
	json_t *ents = json_object_get(tw, "entities");
	json_t *m, *mentions = json_object_get(ents, "user_mentions");
	size_t i;
	json_array_foreach(mentions, i, m)
	{
		const char *name = json_string_value(json_object_get(m, "screen_name"));
		if (name && p->nnames < POST_NAMES)
			p->names[p->nnames++] = name;
	}
	p->link = json_array_size(json_object_get(ents, "urls")) > 0 || strstr(text, "https://t.co/");
	p->link_only = p->link && own_letters(text) < LINK_ONLY_LETTERS;
	return 0;
}

/* ---- counting ---- */

#define SATURATED_DAY 10 /* more posts than this in a day saturate it */

struct person {
	char *name;          /* NULL: an empty slot */
	int64_t addressed, days, last_day;
	int64_t cold, replied; /* first mention outside a reply; last reply to them */
};

struct day_count {
	int64_t day; /* -1: empty */
	int64_t n;
};

struct tally {
	int64_t posts, originals, replies, shares, conversational, broadcasts;
	int64_t promo, link_only, first, last;
	int64_t hour_weekday[7][24];
	struct person *people; /* AUDIT_PEOPLE_MAX * 2 slots */
	int64_t npeople;
	bool people_truncated;
	struct day_count *days; /* DAYS_MAX slots */
	int64_t ndays;
	bool days_truncated;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ULL;
	return h;
}

static struct person *person_of(struct tally *t, const char *name)
{
	size_t cap = AUDIT_PEOPLE_MAX * 2;
	for (size_t i = hash_str(name) % cap;; i = (i + 1) % cap) {
		struct person *p = &t->people[i];
		if (p->name && !strcasecmp(p->name, name))
			return p;
		if (p->name)
			continue;
		if (t->npeople >= AUDIT_PEOPLE_MAX) {
			t->people_truncated = true;
			return NULL;
		}
		p->name = strndup(name, 64);
		if (!p->name)
			return NULL;
		p->last_day = -1;
		t->npeople++;
		return p;
	}
}

static void count_day(struct tally *t, int64_t day)
{
	for (size_t i = (size_t)(day * 2654435761u) % DAYS_MAX, k = 0; k < DAYS_MAX;
	     i = (i + 1) % DAYS_MAX, k++) {
		if (t->days[i].day == day || t->days[i].day < 0) {
			t->ndays += t->days[i].day < 0;
			t->days[i].day = day;
			t->days[i].n++;
			return;
		}
	}
	t->days_truncated = true;
}

static void address(struct tally *t, const char *name, const struct post *p, bool reply)
{
	struct person *who = person_of(t, name);
	if (!who)
		return;
	int64_t day = p->t / DAY_S;
	who->addressed++;
	if (who->last_day != day) {
		who->days++;
		who->last_day = day;
	}
	if (reply && p->t > who->replied)
		who->replied = p->t;
	if (!reply && (!who->cold || p->t < who->cold))
		who->cold = p->t;
}

static void count(struct tally *t, const struct post *p)
{
	time_t tt = (time_t)p->t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	t->posts++;
	t->hour_weekday[tm.tm_wday][tm.tm_hour]++;
	count_day(t, p->t / DAY_S);
	t->first = !t->first || p->t < t->first ? p->t : t->first;
	t->last = p->t > t->last ? p->t : t->last;
	if (p->share) {
		t->shares++;
		return;
	}
	t->originals++;
	t->replies += p->reply;
	bool talks = p->reply || p->nnames > 0;
	t->conversational += talks;
	t->broadcasts += !talks;
	t->promo += !talks && p->link;
	t->link_only += p->link_only;
	if (p->reply && p->reply_to)
		address(t, p->reply_to, p, true);
	for (int i = 0; i < p->nnames; i++)
		if (!p->reply_to || strcasecmp(p->names[i], p->reply_to))
			address(t, p->names[i], p, p->reply);
}

/* ---- the report ---- */

static double share(int64_t part, int64_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

static json_t *figures(const struct tally *t, bool x)
{
	int64_t mutual = 0, cold = 0, unanswered = 0, max_day = 0, saturated = 0, in_saturated = 0;
	for (size_t i = 0; i < AUDIT_PEOPLE_MAX * 2; i++) {
		const struct person *p = &t->people[i];
		if (!p->name)
			continue;
		mutual += p->days >= 2;
		cold += p->cold > 0;
		unanswered += p->cold > 0 && p->replied < p->cold;
	}
	for (size_t i = 0; i < DAYS_MAX; i++) {
		const struct day_count *d = &t->days[i];
		if (d->day < 0)
			continue;
		max_day = d->n > max_day ? d->n : max_day;
		saturated += d->n > SATURATED_DAY;
		in_saturated += d->n > SATURATED_DAY ? d->n : 0;
	}
	json_t *grid = json_array();
	for (int d = 0; d < 7; d++) {
		json_t *row = json_array();
		for (int h = 0; h < 24; h++)
			json_array_append_new(row, json_integer(t->hour_weekday[d][h]));
		json_array_append_new(grid, row);
	}
	char first[32] = "", last[32] = "";
	if (t->posts) {
		time_format(t->first * 1000, first, sizeof first);
		time_format(t->last * 1000, last, sizeof last);
	}
	return json_pack(
		"{s:s, s:{s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:f, s:f, s:f, s:f, s:f, s:f,"
		" s:{s:I, s:I, s:f}, s:{s:o, s:I, s:I, s:I, s:f}, s:{s:I, s:I, s:b}}",
		"source", x ? "x" : "mastodon", "period", "first", first, "last", last, "counts",
		"posts", (json_int_t)t->posts, "originals", (json_int_t)t->originals, "replies",
		(json_int_t)t->replies, "shares", (json_int_t)t->shares, "conversational",
		(json_int_t)t->conversational, "broadcasts", (json_int_t)t->broadcasts, "listening",
		share(t->conversational + t->shares, t->posts), "replies_share",
		share(t->replies, t->originals), "broadcast_share", share(t->broadcasts, t->originals),
		"reciprocity", share(mutual, t->npeople), "self_promotion", share(t->promo, t->originals),
		"link_only", share(t->link_only, t->originals), "unanswered_mentions", "people",
		(json_int_t)cold, "unanswered", (json_int_t)unanswered, "share", share(unanswered, cold),
		"saturation", "by_weekday_hour_utc", grid, "active_days", (json_int_t)t->ndays,
		"max_per_day", (json_int_t)max_day, "saturated_days", (json_int_t)saturated,
		"posts_on_saturated_days", share(in_saturated, t->posts), "people", "addressed",
		(json_int_t)t->npeople, "repeat", (json_int_t)mutual, "truncated",
		t->people_truncated || t->days_truncated);
}

#define HTML_MAX (4 << 20)
#define TOP_PEOPLE 10

/* The TOP_PEOPLE most addressed, most first. */
static int top_people(const struct tally *t, const struct person **top)
{
	int n = 0;
	for (size_t i = 0; i < AUDIT_PEOPLE_MAX * 2; i++) {
		const struct person *p = &t->people[i];
		if (!p->name)
			continue;
		int at = n < TOP_PEOPLE ? n++ : TOP_PEOPLE;
		for (; at > 0 && top[at - 1]->addressed < p->addressed; at--)
			if (at < TOP_PEOPLE)
				top[at] = top[at - 1];
		if (at < TOP_PEOPLE)
			top[at] = p;
	}
	return n;
}

/* An SVG bar chart of n values with their labels. */
static int bars(struct buf *b, const char *title, const int64_t *v, const char *const *labels,
		int n)
{
	int64_t max = 1;
	for (int i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	int w = 24, h = 120, rc = 0;
	rc |= buf_printf(b, "<figure><figcaption>%s</figcaption><svg role=\"img\" aria-label=\"%s\""
			    " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
			 title, title, n * w, h + 20, n * w, h + 20);
	for (int i = 0; i < n; i++) {
		int bh = (int)(v[i] * (h - 10) / max);
		rc |= buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%s: %lld"
				    "</title></rect><text x=\"%d\" y=\"%d\">%s</text>",
				 i * w + 2, h - bh, w - 4, bh, labels[i], (long long)v[i], i * w + 4,
				 h + 14, labels[i]);
	}
	return rc | buf_puts(b, "</svg></figure>");
}

static int html_figure(struct buf *b, const char *name, double v, const char *what)
{
	return buf_printf(b, "<tr><th>%s</th><td>%.0f%%</td><td>%s</td></tr>", name, v * 100, what);
}

static int html(struct buf *b, const struct tally *t, json_t *f)
{
	static const char *const wd[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const hours[24] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11",
					      "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23"};
	int64_t by_day[7] = {0}, by_hour[24] = {0};
	for (int d = 0; d < 7; d++)
		for (int h = 0; h < 24; h++) {
			by_day[d] += t->hour_weekday[d][h];
			by_hour[h] += t->hour_weekday[d][h];
		}
	json_t *u = json_object_get(f, "unanswered_mentions");
	int rc = buf_puts(b, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
			     "<title>Social-health report</title><style>"
			     "body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
			     "table{border-collapse:collapse}th,td{padding:.25rem .75rem;text-align:left;"
			     "border-bottom:1px solid #ddd}rect{fill:#1b6b58}text{font-size:10px}"
			     "figure{margin:1rem 0}</style></head><body><h1>Social-health report</h1>");
	rc |= buf_printf(b, "<p>%lld posts from %s to %s (%s archive): %lld originals, %lld replies,"
			    " %lld shares.</p><table>",
			 (long long)t->posts, json_string_value(json_object_get(json_object_get(f, "period"), "first")),
			 json_string_value(json_object_get(json_object_get(f, "period"), "last")),
			 json_string_value(json_object_get(f, "source")), (long long)t->originals,
			 (long long)t->replies, (long long)t->shares);
	rc |= html_figure(b, "Listening", json_real_value(json_object_get(f, "listening")),
			  "posts that answer, mention or share others");
	rc |= html_figure(b, "Replies", json_real_value(json_object_get(f, "replies_share")),
			  "of your own posts, answers to someone");
	rc |= html_figure(b, "Broadcasts", json_real_value(json_object_get(f, "broadcast_share")),
			  "of your own posts, addressed to no one");
	rc |= html_figure(b, "Reciprocity", json_real_value(json_object_get(f, "reciprocity")),
			  "people you talked with on more than one day");
	rc |= html_figure(b, "Self-promotion", json_real_value(json_object_get(f, "self_promotion")),
			  "broadcasts with a link");
	rc |= html_figure(b, "Link only", json_real_value(json_object_get(f, "link_only")),
			  "a link and almost nothing to say");
	rc |= html_figure(b, "Mentions left unfollowed", json_real_value(json_object_get(u, "share")),
			  "people you mentioned out of the blue and never answered after");
	rc |= buf_puts(b, "</table><h2>When you post (UTC)</h2>");
	rc |= bars(b, "Posts by hour", by_hour, hours, 24);
	rc |= bars(b, "Posts by weekday", by_day, wd, 7);
	rc |= buf_printf(b, "<p>At most %lld posts in a day; %lld days with more than %d.</p>",
			 (long long)json_integer_value(json_object_get(json_object_get(f, "saturation"), "max_per_day")),
			 (long long)json_integer_value(json_object_get(json_object_get(f, "saturation"), "saturated_days")),
			 SATURATED_DAY);
	const struct person *top[TOP_PEOPLE];
	int n = top_people(t, top);
	rc |= buf_puts(b, "<h2>Who you talk with most</h2><ol>");
	for (int i = 0; i < n && !rc; i++) {
		rc |= buf_puts(b, "<li>@");
		text_escape_append(b, top[i]->name, strlen(top[i]->name));
		rc |= buf_printf(b, " — %lld posts, %lld days</li>", (long long)top[i]->addressed,
				 (long long)top[i]->days);
	}
	return rc | buf_puts(b, "</ol></body></html>\n") | (b->over ? -1 : 0);
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return -1;
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	return f && !fclose(f) && ok ? 0 : -1;
}

/* Reads every item into t; 0, or -1 with err. */
static int read_items(struct input *in, bool x, struct tally *t, int64_t *skipped, char *err,
		      size_t errlen)
{
	struct scan s = {in, 0, false, false, false};
	if (find_array(&s, x, err, errlen))
		return -1;
	int base = s.depth;
	struct buf item;
	buf_init(&item, AUDIT_ITEM_MAX);
	long long n = 0;
	int rc;
	while ((rc = next_item(&s, base, &item, n, err, errlen)) == 1) {
		if (++n > AUDIT_ITEMS_MAX) {
			snprintf(err, errlen, "more than %d items", AUDIT_ITEMS_MAX);
			rc = -1;
			break;
		}
		json_error_t je;
		json_t *j = json_loadb(item.data, item.len, JSON_REJECT_DUPLICATES, &je);
		if (!j) {
			snprintf(err, errlen, "item %lld is not valid JSON: %s", n, je.text);
			rc = -1;
			break;
		}
		struct post p = {0};
		int r = x ? read_x(j, &p) : read_mastodon(j, &p);
		if (r == 0)
			count(t, &p);
		else
			*skipped += r < 0; /* not a post we can read (another activity is no post) */
		json_decref(j);
	}
	buf_free(&item);
	return rc < 0 ? -1 : 0;
}

static int report(const char *dir, const struct tally *t, bool x, int64_t skipped, char *err,
		  size_t errlen)
{
	json_t *f = figures(t, x);
	json_object_set_new(f, "skipped_items", json_integer(skipped));
	char *js = f ? json_dumps(f, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	struct buf h;
	buf_init(&h, HTML_MAX);
	int rc = !js || html(&h, t, f) || write_file(dir, "report.json", js, strlen(js)) ||
		 write_file(dir, "report.html", h.data, h.len);
	if (rc)
		snprintf(err, errlen, "cannot write the report in %s: %s", dir, strerror(errno));
	free(js);
	json_decref(f);
	buf_free(&h);
	return rc ? -1 : 0;
}

int audit_run(const char *archive, const char *out_dir, char *err, size_t errlen)
{
	struct input *in = malloc(sizeof *in);
	struct tally *t = calloc(1, sizeof *t);
	bool x = false;
	int64_t skipped = 0;
	int rc = -1;
	if (!in || !t || !(t->people = calloc(AUDIT_PEOPLE_MAX * 2, sizeof *t->people)) ||
	    !(t->days = malloc(DAYS_MAX * sizeof *t->days))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < DAYS_MAX; i++)
		t->days[i] = (struct day_count){-1, 0};
	rc = input_open(in, archive, &x, err, errlen);
	if (!rc)
		rc = read_items(in, x, t, &skipped, err, errlen);
	input_close(in);
	if (!rc && mkdir(out_dir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", out_dir, strerror(errno));
		rc = -1;
	}
	if (!rc)
		rc = report(out_dir, t, x, skipped, err, errlen);
out:
	for (size_t i = 0; t && t->people && i < AUDIT_PEOPLE_MAX * 2; i++)
		free(t->people[i].name);
	if (t) {
		free(t->people);
		free(t->days);
	}
	free(t);
	free(in);
	return rc ? 1 : 0;
}
