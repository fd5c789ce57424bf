#include "util/gumbo_heap.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>

#include "util/util.h"

union block {
	struct {
		union block *prev, *next;
	} l;
	max_align_t align;
};

static void *heap_alloc(void *ud, size_t n)
{
	struct gumbo_heap *h = ud;
	union block *head = h->head, *b = xmalloc(sizeof *b + n);
	b->l.prev = NULL;
	b->l.next = head;
	if (head)
		head->l.prev = b;
	h->head = b;
	return b + 1;
}

static void heap_free(void *ud, void *p)
{
	if (!p)
		return;
	struct gumbo_heap *h = ud;
	union block *b = (union block *)p - 1;
	if (b->l.prev)
		b->l.prev->l.next = b->l.next;
	else
		h->head = b->l.next;
	if (b->l.next)
		b->l.next->l.prev = b->l.prev;
	free(b);
}

void gumbo_heap_options(struct gumbo_heap *h, GumboOptions *o)
{
	o->allocator = heap_alloc;
	o->deallocator = heap_free;
	o->userdata = h;
}

void gumbo_heap_release(struct gumbo_heap *h)
{
	union block *b = h->head;
	while (b) {
		union block *next = b->l.next;
		free(b);
		b = next;
	}
	h->head = NULL;
}

size_t gumbo_cap_tags(const char *html, size_t len, size_t max)
{
	size_t tags = 0;
	for (size_t i = 0; i + 1 < len; i++) {
		char c = html[i + 1];
		if (html[i] == '<' && (isalpha((unsigned char)c) || c == '/' || c == '!' || c == '?') &&
		    ++tags > max)
			return i;
	}
	return len;
}
