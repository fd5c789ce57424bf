/* linkcard.h - a link preview card from a fetched HTML page.
 *
 * The page is parsed by gumbo as a browser would (entities decoded, broken
 * markup repaired); only the <head>'s <title> and <meta> elements are
 * read: OpenGraph (og:title, og:description, og:image, og:site_name),
 * then Twitter's card tags, then <title> and <meta name="description">.
 * Parsing is bounded: at most LINKCARD_MAX_INPUT bytes and
 * LINKCARD_MAX_TAGS tags of the page are read (the tree's cost grows with
 * depth times tags), and the tree is freed without recursion. Every text
 * comes out as plain, valid UTF-8 with control and format characters (and U+FFFD) dropped and
 * runs of white space made one space, capped in bytes at a character
 * boundary; it still has to be escaped wherever it is written. The image
 * is resolved against the page's URL and kept only if it is http(s). */
#ifndef RAPPORT_LINKCARD_H
#define RAPPORT_LINKCARD_H

#include "store/polls.h"
#include "util/arena.h"

#include <stddef.h>

#define LINKCARD_MAX_INPUT (512u << 10)
#define LINKCARD_MAX_TAGS 4096
#define LINKCARD_TITLE_MAX 256  /* bytes */
#define LINKCARD_DESC_MAX 1024  /* bytes */
#define LINKCARD_URL_MAX 2048   /* bytes of the image's URL */

/* Fills out (strings in ar, url = page_url) from html[0..len). Returns 0
 * when the page gives a card (a title), -1 otherwise. page_url must be an
 * absolute http(s) URL. */
int linkcard_extract(struct arena *ar, const char *html, size_t len, const char *page_url,
		     struct preview_card *out);

#endif
