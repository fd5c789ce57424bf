/* html.h - the frame of server-rendered pages. Callers build the body
 * with text_escape() around every user-supplied string. */
#ifndef RAPPORT_HTML_H
#define RAPPORT_HTML_H

#include "http/http.h"

/* Replies with a full HTML document; title is escaped, body is trusted. */
void page_reply(struct req *r, unsigned status, const char *title, const char *body);
/* Percent-encodes s for a URL query component. */
char *url_encode(struct arena *a, const char *s);

#endif
