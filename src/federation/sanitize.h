/* sanitize.h - the allowlist for HTML that comes from other servers.
 *
 * Remote content (a Note's content and summary, an actor's summary and
 * profile fields) is parsed with an HTML5 parser (gumbo) exactly as a
 * browser would parse it, and written back out keeping only what Mastodon
 * keeps (lib/sanitize_ext/sanitize_config.rb, MASTODON_STRICT):
 *
 *   p br a span strong em del code pre blockquote ul ol li
 *
 * b, i and s/strike are written as strong, em and del; h1-h6 as
 * <p><strong>. a keeps an absolute http(s) href only (any other scheme,
 * a relative or a missing href unwraps the link to its text) and always
 * gets rel="nofollow noopener" target="_blank". class (on a, span, p)
 * keeps Mastodon's classes: microformats (h-, p-, u-, dt-, e-), mention,
 * hashtag, ellipsis, invisible, quote-inline. translate="no" on a and
 * span, lang on every kept element, start/reversed on ol and value on li
 * (integers) are kept; every other attribute (on*, style, ...) goes.
 * script, style, template, iframe, svg, math and the other raw-text
 * elements are dropped with their content; any other element is unwrapped
 * keeping its text (block-level ones leave a space so words do not join);
 * comments go.
 *
 * The output is stable: it parses back to exactly the tree it was written
 * from (elements are nested only where the parser keeps them nested: no
 * block inside p, pre or an inline element, li only directly in ul/ol, no
 * a inside a), so sanitising it again changes nothing. Text and attribute
 * values are re-escaped. At most SANITIZE_MAX_DEPTH elements are nested
 * (deeper ones are unwrapped), the walk is iterative, and gumbo's tree is
 * freed without recursion, so no input depth reaches the stack. */
#ifndef RAPPORT_SANITIZE_H
#define RAPPORT_SANITIZE_H

#include <stddef.h>

/* The input read: at most this many bytes and tags (start, end, comment);
 * the rest is ignored. gumbo's tree building costs up to open elements
 * times tags, or times characters while a formatting element is open: on
 * this machine 1 MiB of <b> took 56 s, 4,000 <b> then 1 MiB of text 3 s.
 * With these bounds the worst input measured takes about 90 ms, and a
 * 500-character post (a few dozen tags) is far inside them. */
#define SANITIZE_MAX_INPUT (128u << 10)
#define SANITIZE_MAX_TAGS 1024
/* Elements nested deeper in the output are unwrapped. */
#define SANITIZE_MAX_DEPTH 32
/* Longest href kept; a longer link is unwrapped to its text. */
#define SANITIZE_MAX_HREF 4096

/* Sanitises html[0..len) (any bytes: invalid UTF-8 becomes U+FFFD; read
 * up to SANITIZE_MAX_INPUT bytes or SANITIZE_MAX_TAGS tags) into a
 * malloc'ed, NUL-terminated, well-formed fragment of at most max_out bytes
 * (and at most SANITIZE_MAX_INPUT bytes and SANITIZE_MAX_TAGS tags, so it
 * reads back whole): when a cap is reached the text stops at a character
 * boundary and every open element is closed. Never NULL. */
char *sanitize_html(const char *html, size_t len, size_t max_out);

#endif
