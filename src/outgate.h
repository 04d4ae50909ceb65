/*
 * outgate: the one escaping layer between what the program holds (records,
 * paths, configuration values, messages with those in them) and what it
 * writes out: to a terminal, into CSV, into JSON. A record edited behind the
 * kiosk's back may hold anything; none of it may act on the terminal that
 * shows it or the program that reads the export.
 *
 * Terminal (outgate_term, outgate_printf): valid UTF-8 is written as it is,
 * except what a terminal would act on or that hides text, made visible:
 *     \  → \\            (so every escape below is unambiguous)
 *     LF, TAB, CR → \n, \t, \r
 *     other C0, DEL → \xNN (ESC is \x1b)
 *     a byte that is not UTF-8 → \xNN
 *     C1 controls (U+0080..U+009F) → <U+009B>
 *     invisible format characters (bidi controls U+202A..U+202E,
 *       U+2066..U+2069, LRM, RLM, ALM, zero-width spaces, U+FEFF, the
 *       line and paragraph separators, tags; every default-ignorable code
 *       point but the variation selectors) and noncharacters → <U+202E>
 * A value that is NULL is written "-".
 *
 * CSV (outgate_csv): RFC 4180 (a cell with a comma, a quote, CR or LF is
 * quoted, quotes doubled). A cell that a spreadsheet would read as a
 * formula (its first character = + - @, a TAB, CR or LF, or the full-width
 * ＝ ＋ － ＠) gets a leading '. A value holding anything the terminal sink
 * escapes (other than LF, CR and TAB, which a quoted cell holds as they
 * are) is written escaped as there, backslashes doubled, so no control
 * byte, invalid byte or bidi override reaches the file.
 *
 * JSON (outgate_json): a string for jansson, or a refusal: text that is not
 * valid UTF-8 is refused at the source (never replaced), and the caller
 * stops with the message. outgate_json_unsafe says whether a valid string
 * holds a C1 control or an invisible format character: such a string
 * is to be dumped with JSON_ENSURE_ASCII, so those are written \u escapes
 * (exact, and harmless on a terminal), as jansson writes C0 controls.
 */
#ifndef ISOKIOSK_OUTGATE_H
#define ISOKIOSK_OUTGATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "strbuf.h"

/* Append s (n bytes; NULL: "-") escaped for a terminal. */
void outgate_term(struct strbuf *sb, const char *s);
void outgate_term_n(struct strbuf *sb, const char *s, size_t n);

/*
 * printf to a terminal where every %s (and %c) argument goes through
 * outgate_term: the format is the program's own, the arguments may be
 * anything. Supports flags "-0 +#", a width, a precision, the length
 * modifiers hh h l ll z j t and the conversions d i u x X c s %. A width
 * pads %s to that many display columns. Returns what fputs returns.
 */
int outgate_printf(FILE *fp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int outgate_vprintf(FILE *fp, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The same, into a string (caller frees). */
char *outgate_asprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Append one CSV cell (no separator; NULL: an empty cell). */
void outgate_csv(struct strbuf *sb, const char *v);

/*
 * Whether v (n bytes) may become a JSON string: 0, or -1 with *why (caller
 * frees: "not valid UTF-8 (byte N)") when it is not valid UTF-8.
 */
int outgate_json_check(const char *v, size_t n, char **why);
/* Valid UTF-8 v holds a C1 control, a noncharacter or an invisible format
 * character (to be written as \u escapes; jansson escapes C0 itself, and
 * leaves DEL, which a terminal ignores). */
bool outgate_json_unsafe(const char *v, size_t n);

/* The code point needs making visible (<U+XXXX>) on a terminal. */
bool outgate_hidden(unsigned c);

#endif
