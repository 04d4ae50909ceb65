/*
 * diag: diagnostics as values. Every module that reads user input adds to a
 * diag_list instead of printing or stopping: the caller decides when to print,
 * and a translator sees every problem in one run.
 *
 * Printed form (GNU Coding Standards, "Errors"):
 *     path:line:col: error: message
 * line and col are 1-based; col counts display columns (a CJK character is 2,
 * a tab advances to the next multiple of 8), so the column matches what an
 * editor with a CJK font shows. line 0 means "the whole file" and prints as
 * "path: error: message".
 */
#ifndef ISOKIOSK_DIAG_H
#define ISOKIOSK_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	char *path;
	int line;
	int col;
	enum diag_severity severity;
	char *message;
};

struct diag_list {
	struct diag *v;
	size_t n;
	size_t cap;
};

void diag_list_init(struct diag_list *dl);
void diag_list_done(struct diag_list *dl);

/* Add one diagnostic; path and the formatted message are copied. */
void diag_add(struct diag_list *dl, const char *path, int line, int col,
	      enum diag_severity severity, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Shorthands for diag_add; error() style: return -1 so call sites stay short. */
int diag_error(struct diag_list *dl, const char *path, int line, int col,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_warning(struct diag_list *dl, const char *path, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

size_t diag_count(const struct diag_list *dl, enum diag_severity severity);

/* Sort by path, line, col (stable: same place keeps the order found). */
void diag_sort(struct diag_list *dl);
/* Print every diagnostic, one per line, in the order held. */
void diag_print(const struct diag_list *dl, FILE *fp);
/* Format one; caller frees. */
char *diag_format(const struct diag *d);

/*
 * The 1-based display column of byte offset `off` in `line` (which starts at
 * the beginning of a source line). Bytes that are not valid UTF-8 count one
 * column each; East Asian Ambiguous characters count 1, as in a UTF-8 locale.
 */
int diag_column(const char *line, size_t off);
/*
 * The same, resumed: col0 is the 0-based column at byte `from` of line (as
 * returned by an earlier call, minus one), so that many positions on one long
 * line cost linear time in all. Returns the 1-based column of `off`.
 */
int diag_column_from(const char *line, size_t from, int col0, size_t off);

#endif
