/*
 * diag: collecting, sorting and printing diagnostics; computing the display
 * column a diagnostic points at. Owns the strings in each diag.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>

#include "outgate.h"
#include "text.h"
#include "xmalloc.h"

void
diag_list_init(struct diag_list *dl)
{
	dl->v = NULL;
	dl->n = dl->cap = 0;
}

void
diag_list_done(struct diag_list *dl)
{
	for (size_t i = 0; i < dl->n; i++) {
		free(dl->v[i].path);
		free(dl->v[i].message);
	}
	free(dl->v);
	diag_list_init(dl);
}

static void
diag_vadd(struct diag_list *dl, const char *path, int line, int col,
	  enum diag_severity severity, const char *fmt, va_list ap)
{
	struct diag *d;

	XGROW(dl->v, dl->n, dl->cap);
	d = &dl->v[dl->n++];
	d->path = xstrdup(path != NULL ? path : "-");
	d->line = line;
	d->col = col;
	d->severity = severity;
	d->message = xvasprintf(fmt, ap);
}

void
diag_add(struct diag_list *dl, const char *path, int line, int col,
	 enum diag_severity severity, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(dl, path, line, col, severity, fmt, ap);
	va_end(ap);
}

int
diag_error(struct diag_list *dl, const char *path, int line, int col,
	   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(dl, path, line, col, DIAG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

void
diag_warning(struct diag_list *dl, const char *path, int line, int col,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(dl, path, line, col, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

size_t
diag_count(const struct diag_list *dl, enum diag_severity severity)
{
	size_t n = 0;

	for (size_t i = 0; i < dl->n; i++)
		if (dl->v[i].severity == severity)
			n++;
	return n;
}

static int
diag_cmp(const struct diag *a, const struct diag *b)
{
	int c = strcmp(a->path, b->path);

	if (c != 0)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void
diag_sort(struct diag_list *dl)
{
	/* Insertion sort: stable, and lists are short. */
	for (size_t i = 1; i < dl->n; i++) {
		struct diag d = dl->v[i];
		size_t j = i;

		while (j > 0 && diag_cmp(&dl->v[j - 1], &d) > 0) {
			dl->v[j] = dl->v[j - 1];
			j--;
		}
		dl->v[j] = d;
	}
}

char *
diag_format(const struct diag *d)
{
	const char *sev = d->severity == DIAG_ERROR ? "error" : "warning";

	if (d->line <= 0)
		return xasprintf("%s: %s: %s", d->path, sev, d->message);
	return xasprintf("%s:%d:%d: %s: %s", d->path, d->line, d->col, sev,
			 d->message);
}

void
diag_print(const struct diag_list *dl, FILE *fp)
{
	/* The path is what was typed or found in a folder: through the
	 * output gate, so a file name holding ESC cannot act on the
	 * terminal. Messages are the program's own, quoting decoded text. */
	for (size_t i = 0; i < dl->n; i++) {
		struct diag d = dl->v[i];
		char *path = outgate_asprintf("%s", d.path);
		char *s;

		d.path = path;
		s = diag_format(&d);
		fprintf(fp, "%s\n", s);
		free(s);
		free(path);
	}
}

int
diag_column(const char *line, size_t off)
{
	return diag_column_from(line, 0, 0, off);
}

int
diag_column_from(const char *line, size_t from, int col0, size_t off)
{
	const uint8_t *s = (const uint8_t *)line;
	size_t i = from;
	int col = col0;

	while (i < off) {
		ucs4_t c;
		int n;

		if (s[i] >= 0x20 && s[i] < 0x7f) { /* printable ASCII */
			col++;
			i++;
			continue;
		}
		if (s[i] >= 0xe1 && s[i] < 0xf0 && s[i] != 0xed &&
		    off - i >= 3 && (s[i + 1] & 0xc0) == 0x80 &&
		    (s[i + 2] & 0xc0) == 0x80) {
			/* well-formed 3 bytes (kana, kanji): no control */
			c = (ucs4_t)(s[i] & 0x0f) << 12 |
			    (ucs4_t)(s[i + 1] & 0x3f) << 6 | (s[i + 2] & 0x3f);
			col += text_char_width(c, 1);
			i += 3;
			continue;
		}
		n = u8_mbtouc(&c, s + i, off - i);
		if (c == 0xfffd && !(n == 3 && s[i] == 0xef)) {
			col++; /* an invalid byte: one column */
			i += 1;
			continue;
		}
		if (c == '\t')
			col = (col / 8 + 1) * 8;
		else if ((c > 0 && c < 0x20) || (c >= 0x7f && c < 0xa0))
			col++; /* a control character (not NUL): one column */
		else
			col += text_char_width(c, 1); /* uc_width, memoised */
		i += (size_t)n;
	}
	return col + 1;
}
