/*
 * xmalloc: the one allocation family. Out of memory is fatal: fatal() first runs
 * the hook the terminal module registers, so a kiosk never leaves the terminal raw.
 */
#ifndef ISOKIOSK_XMALLOC_H
#define ISOKIOSK_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
/* Grows or shrinks; n * size is checked for overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into fresh memory; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* Replace *err (if err is not NULL) with the formatted message; returns -1,
 * for `return xfailf(err, ...)` in functions that fail with -1 and *err. */
int xfailf(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "isokiosk: <message>" to stderr after running the restore hook; exit 1. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The hook fatal() runs first (the terminal module restores the terminal). */
void xmalloc_set_fatal_hook(void (*hook)(void));

/* Grow *v (of *cap elements of size) so that it holds at least need elements. */
#define XGROW(v, n, cap)                                                        \
	do {                                                                    \
		if ((n) >= (cap)) {                                             \
			(cap) = (cap) ? (cap) * 2 : 8;                          \
			(v) = xreallocarray((v), (cap), sizeof *(v));           \
		}                                                               \
	} while (0)

#endif
