/* buf.h - a growable byte buffer with a hard size cap.
 *
 * The cap is given at init and never exceeded: an append that would pass it
 * fails, sets the sticky `over` flag and leaves the content unchanged, so a
 * caller can append many pieces and check once at the end. The content is
 * always NUL-terminated. */
#ifndef RAPPORT_BUF_H
#define RAPPORT_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data;  /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap;  /* maximum len */
	bool over;   /* an append was refused because of cap */
};

void buf_init(struct buf *b, size_t cap);
/* Returns 0, or -1 when the cap would be exceeded. */
int buf_append(struct buf *b, const void *p, size_t n) __attribute__((warn_unused_result));
int buf_puts(struct buf *b, const char *s) __attribute__((warn_unused_result));
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));
/* Hands the malloc'ed content to the caller (never NULL) and resets b. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
