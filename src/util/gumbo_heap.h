#ifndef RAPPORT_UTIL_GUMBO_HEAP_H
#define RAPPORT_UTIL_GUMBO_HEAP_H

#include <gumbo.h>
#include <stddef.h>

/* gumbo's memory on one list, freed at once: gumbo_destroy_output()
 * recurses once per level of the tree (a hostile document nests deep), this
 * does not.  Usage:
 *
 *	struct gumbo_heap h = {0};
 *	GumboOptions o = kGumboDefaultOptions;
 *	gumbo_heap_options(&h, &o);
 *	GumboOutput *g = gumbo_parse_with_options(&o, html, len);
 *	...
 *	gumbo_heap_release(&h);    (instead of gumbo_destroy_output)
 */
struct gumbo_heap {
	void *head;
};

/* The length of html up to its max-th tag: the parser's tree building costs
 * up to depth times tags, so tags are what is bounded. */
size_t gumbo_cap_tags(const char *html, size_t len, size_t max);

void gumbo_heap_options(struct gumbo_heap *h, GumboOptions *o);
void gumbo_heap_release(struct gumbo_heap *h);

#endif
