/* text.h - user text to safe output.
 *
 * Every user-supplied string reaches HTML only through these functions:
 * they escape everything first, and add only markup they build themselves. */
#ifndef RAPPORT_TEXT_H
#define RAPPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* HTML-escapes s (& < > " ') into the arena; C0 controls other than tab,
 * CR and LF become U+FFFD (also making the text valid in XML). */
char *text_escape(struct arena *a, const char *s);
/* The same escaping, appended to a capped buffer (overflow is sticky in
 * b->over): the one escaper under pages/html.h's writer. */
struct buf;
void text_escape_append(struct buf *b, const char *s, size_t n);
/* Plain text to HTML paragraphs: blank lines separate <p>, single line
 * breaks become <br>. Everything is escaped; URLs become links. */
char *text_to_html(struct arena *a, const char *s);
#define TEXT_MAX_MENTIONS 50
#define TEXT_MAX_TAGS 50
#define TEXT_URL_WEIGHT 23 /* every URL counts as this many characters */

struct text_mention {
	const char *username; /* as written */
	const char *domain;   /* "" when none was written */
	int64_t account_id;   /* 0 when it did not resolve */
	const char *url;      /* profile URL when resolved */
	const char *acct;     /* "user" or "user@domain" when resolved */
};

/* Resolves @username[@domain] to an account; returns false if unknown.
 * Fills id, canonical username, acct and profile url (arena strings). */
typedef bool (*text_resolve_fn)(void *ctx, const char *username, const char *domain,
				struct text_mention *out);

struct text_formatted {
	const char *html;
	long length; /* characters as counted for the limit */
	int nmentions;
	struct text_mention mentions[TEXT_MAX_MENTIONS]; /* resolved ones, no duplicates */
	int ntags;
	const char *tags[TEXT_MAX_TAGS]; /* lowercase, no duplicates */
	const char *first_link;          /* the first http(s) URL (not a mention or
					  * hashtag), NFC, as written; NULL if none */
};

/* Formats a post: NFC-normalises, escapes everything, then links URLs,
 * resolved @mentions and #hashtags, and splits paragraphs and lines.
 * base_url builds hashtag links. Returns -1 if text is not valid UTF-8. */
int text_format(struct arena *a, const char *text, const char *base_url, text_resolve_fn resolve,
		void *ctx, struct text_formatted *out);
/* The stored (case-folded) form of a hashtag named in a URL, such as
 * "Caf\u00e9" for /tags/Caf\u00e9; NULL if raw is not one hashtag. */
const char *text_tag_key(struct arena *a, const char *raw);
/* NFC-normalised copy in the arena, or NULL if not valid UTF-8. */
char *text_nfc(struct arena *a, const char *s);

/* Number of user-perceived characters (extended grapheme clusters), or -1
 * if s is not valid UTF-8. */
long text_length(const char *s);
/* True if s is valid UTF-8 without NUL or other C0 controls except tab,
 * line feed and carriage return. */
bool text_valid(const char *s, size_t n);

#endif
