/*
 * strbuf: growable strings for building output and diagnostics.
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
strbuf_init(struct strbuf *sb)
{
	sb->cap = 64;
	sb->len = 0;
	sb->s = xmalloc(sb->cap);
	sb->s[0] = '\0';
}

void
strbuf_done(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->s != NULL)
		sb->s[0] = '\0';
}

void
strbuf_reserve(struct strbuf *sb, size_t extra)
{
	if (sb->cap == 0 || extra >= sb->cap - sb->len) {
		size_t want = sb->len + extra + 1;
		if (sb->cap == 0)
			sb->cap = 64;
		while (sb->cap < want)
			sb->cap *= 2;
		sb->s = xreallocarray(sb->s, sb->cap, 1);
	}
}

void
strbuf_add(struct strbuf *sb, const char *p, size_t n)
{
	strbuf_reserve(sb, n);
	memcpy(sb->s + sb->len, p, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void
strbuf_addpad(struct strbuf *sb, char c, size_t n)
{
	strbuf_reserve(sb, n);
	memset(sb->s + sb->len, c, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_addstr(sb, p);
	free(p);
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *s = sb->s;

	if (s == NULL)
		s = xstrdup("");
	if (len != NULL)
		*len = sb->len;
	/* Left empty and unallocated: strbuf_done is then optional, and the
	   next strbuf_add allocates again. */
	sb->s = NULL;
	sb->len = sb->cap = 0;
	return s;
}
