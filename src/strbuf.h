/*
 * strbuf: a growable byte string, always NUL-terminated. Embedded (init/done)
 * or detached into a plain malloc'd string the caller frees.
 */
#ifndef ISOKIOSK_STRBUF_H
#define ISOKIOSK_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;    /* s[len] == '\0'; NULL only after strbuf_detach */
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Room for extra more bytes (and the NUL) without another allocation. */
void strbuf_reserve(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const char *p, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append n copies of c. */
void strbuf_addpad(struct strbuf *sb, char c, size_t n);
/* Hand the string to the caller (who frees it). sb is left empty, holding no
 * memory: strbuf_done is then optional, and adding to it again works. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif
