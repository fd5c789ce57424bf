/* libFuzzer: activities as the inbox reads them. The input is parsed as
 * the inbox parses a body (jansson, duplicates refused), then run through
 * the readers that need no store: the @context check, the ids of actor
 * and object, the audience of the object's (or the activity's) to, cc and
 * tag (federation/audience.h), the authority of every id (the test mode's
 * and the https rules), the Note's fields (inbox_note_read) and its
 * attachments and poll (inbox_extras_read).
 * Checked: no crash or leak; the visibility is one of the four; at most
 * AUDIENCE_MAX_LOCAL local actors, each under the local prefix; an
 * authority has no '/', '@' or upper case; the content holds no script,
 * event handler or javascript: link; times are not negative; at most 4
 * attachments, each an http(s) URL with no space, quote or angle bracket;
 * a poll has 1 to POLL_OPTIONS_MAX options and no negative count. */
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/statuses.h"
#include "federation/audience.h"
#include "federation/inbox_internal.h"
#include "federation/remote.h"
#include "store/media.h"
#include "store/polls.h"
#include "util/arena.h"

#define LOCAL "https://us.test/users/"

static void check_authority(const char *a)
{
	for (const char *p = a; a && *p; p++)
		if (*p == '/' || *p == '@' || isupper((unsigned char)*p))
			abort();
}

static void authorities(struct arena *ar, const char *id)
{
	static struct config secure = {.base_url = "https://us.test", .domain = "us.test"};
	static struct config insecure = {.base_url = "http://us.test", .domain = "us.test",
					 .fed_insecure = true};
	if (!id)
		return;
	check_authority(remote_authority(&secure, ar, id));
	check_authority(remote_authority(&insecure, ar, id));
}

/* An event handler attribute inside a tag of sanitised HTML. */
static bool handler_in_tags(const char *html)
{
	for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
		const char *end = strchr(p, '>');
		for (const char *q = p; end && q + 3 < end; q++)
			if (q[0] == ' ' && tolower((unsigned char)q[1]) == 'o' &&
			    tolower((unsigned char)q[2]) == 'n')
				return true;
	}
	return false;
}

static void read_note(struct arena *ar, const json_t *note)
{
	struct note_fields nf;
	inbox_note_read(ar, note, &nf);
	if (strstr(nf.content, "<script") || strstr(nf.content, "href=\"javascript:") ||
	    handler_in_tags(nf.content))
		abort();
	if (nf.published < 0 || nf.updated < 0 || strlen(nf.summary) > 2048)
		abort();
	struct remote_extras rx;
	inbox_extras_read(ar, note, &rx);
	if (rx.nmedia < 0 || rx.nmedia > 4)
		abort();
	for (int i = 0; i < rx.nmedia; i++)
		if (strncmp(rx.media[i].remote_url, "http", 4) ||
		    strpbrk(rx.media[i].remote_url, " \"<>'"))
			abort();
	if (rx.poll && (rx.poll->noptions < 1 || rx.poll->noptions > POLL_OPTIONS_MAX ||
			rx.poll->votes_count < 0 || rx.poll->voters_count < 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *act = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(act)) {
		json_decref(act);
		return 0;
	}
	struct arena ar;
	arena_init(&ar);
	(void)remote_context_ok(act);
	const json_t *obj = json_object_get(act, "object");
	const json_t *src = json_is_object(obj) && (json_object_get(obj, "to") || json_object_get(obj, "cc")) ? obj : act;
	struct audience aud;
	audience_read(json_object_get(src, "to"), json_object_get(src, "cc"),
		      json_object_get(obj, "tag"), "https://them.test/users/x/followers", LOCAL, &aud);
	if ((unsigned)aud.visibility > VIS_DIRECT || aud.nlocal > AUDIENCE_MAX_LOCAL)
		abort();
	for (size_t i = 0; i < aud.nlocal; i++)
		if (strncasecmp(aud.local[i], LOCAL, strlen(LOCAL))) /* the host in any case */
			abort();
	authorities(&ar, inbox_id_of(json_object_get(act, "actor")));
	authorities(&ar, inbox_id_of(obj));
	authorities(&ar, json_string_value(json_object_get(act, "id")));
	if (json_is_object(obj))
		read_note(&ar, obj);
	arena_free(&ar);
	json_decref(act);
	return 0;
}
