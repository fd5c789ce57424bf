/* arena.h - a per-request bump allocator.
 *
 * Everything allocated from an arena is freed at once by arena_free(). The
 * HTTP layer gives each request one arena and frees it when the response has
 * been sent, so request handlers never free individual allocations.
 * Allocation failure aborts the process (see xalloc in util.h): the whole
 * program has one out-of-memory policy. */
#ifndef RAPPORT_ARENA_H
#define RAPPORT_ARENA_H

#include <stddef.h>
#include <stdarg.h>

struct arena_block;

struct arena {
	struct arena_block *head; /* newest block first */
	size_t total;             /* bytes handed out, for diagnostics */
};

void arena_init(struct arena *a);
/* Returns size bytes aligned for any type; never NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Zero-filled variant. */
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Copies n bytes of s and NUL-terminates; s may contain anything. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* NULL in, NULL out. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);
void arena_free(struct arena *a);

#endif
