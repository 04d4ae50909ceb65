/*
 * xmalloc: allocation that never returns NULL, and fatal(), the single way out
 * for what cannot be recovered from. Owns the fatal hook.
 */
#include "xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void (*xmalloc_fatal_hook)(void);

void
xmalloc_set_fatal_hook(void (*hook)(void))
{
	xmalloc_fatal_hook = hook;
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	if (xmalloc_fatal_hook != NULL) {
		void (*hook)(void) = xmalloc_fatal_hook;
		xmalloc_fatal_hook = NULL; /* never twice, even if the hook fails */
		hook();
	}
	fputs("isokiosk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		fatal("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		fatal("allocation too large (%zu x %zu bytes)", n, size);
	q = realloc(p, (n != 0 && size != 0) ? n * size : 1);
	if (q == NULL)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatal("bad format string \"%s\"", fmt);
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

int
xfailf(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		free(*err);
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -1;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}
