/* text.h - user text to safe output.
 *
 * Every user-supplied string reaches HTML only through these functions:
 * they escape everything first, and add only markup they build themselves. */
#ifndef RAPPORT_TEXT_H
#define RAPPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

/* HTML-escapes s (& < > " ') into the arena. */
char *text_escape(struct arena *a, const char *s);
/* Plain text to HTML paragraphs: blank lines separate <p>, single line
 * breaks become <br>. Everything is escaped; URLs become links. */
char *text_to_html(struct arena *a, const char *s);
/* Number of user-perceived characters (extended grapheme clusters), or -1
 * if s is not valid UTF-8. */
long text_length(const char *s);
/* True if s is valid UTF-8 without NUL or other C0 controls except tab,
 * line feed and carriage return. */
bool text_valid(const char *s, size_t n);

#endif
