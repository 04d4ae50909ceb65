/*
 * text: display width and Japanese line breaking of plain UTF-8 text.
 *
 * Widths are UAX #11 from libunistring, with East Asian Ambiguous characters
 * counted as 1 or 2 columns (the terminal's setting): libunistring counts them
 * as 2 when given a CJK encoding, so ambiguous 2 is "EUC-JP" and 1 "UTF-8".
 *
 * Break opportunities are UAX #14 (libunistring's u8_width_linebreaks does the
 * filling) plus, through its override array, what UAX #14 leaves out for
 * Japanese (JIS X 4051): the no-start and no-end characters, a number never
 * split from its unit (20mg, 0.5〜2mg/kg, 32〜34℃, ２０ｍｇ) nor a Latin or
 * number token (SPF30, PA+++, UV-B), and a numeral kept with its counter (1日,
 * 1か月) when the line has room. A token longer than the line is force-broken
 * at a grapheme boundary, still never starting a line with a no-start
 * character. Lines carry no trailing spaces.
 *
 * The module knows nothing of documents: layout flattens styled text and ruby
 * into one string, marks what must stay together, and calls text_wrap.
 */
#ifndef ISOKIOSK_TEXT_H
#define ISOKIOSK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The encoding name libunistring's width functions need for `ambiguous`. */
const char *text_encoding(int ambiguous);

/* Columns of one code point (0 for controls and combining marks). */
int text_char_width(uint32_t c, int ambiguous);
/* Columns of n bytes of UTF-8 (invalid bytes count 1 each). */
int text_width(const char *s, size_t n, int ambiguous);
/* Same for a NUL-terminated string. */
int text_strwidth(const char *s, int ambiguous);

/* JIS X 4051 classes: must not start a line / must not end a line. */
bool text_no_start(uint32_t c);
bool text_no_end(uint32_t c);

/*
 * keep[i] says whether the text may break before byte i (only meaningful at
 * the first byte of a character):
 */
enum text_keep {
	TEXT_KEEP_NONE = 0, /* as UAX #14 says */
	TEXT_KEEP_HARD = 1, /* never, unless the piece is longer than a line */
	TEXT_KEEP_SOFT = 2, /* not while the line has room (numeral + counter);
			       the first place a too-long piece is broken */
	TEXT_KEEP_BREAK = 3,/* a break is allowed here even where UAX #14 says
			       no (the edge of a caller's atom that starts with
			       padding); text_keep_rules may still raise it */
};

/*
 * Fill keep[0..n) with the Japanese rules for s (n bytes). Only ever raises a
 * position (NONE → SOFT → HARD), so a caller can mark its own atoms (a ruby)
 * before or after.
 */
void text_keep_rules(const char *s, size_t n, unsigned char *keep);

/*
 * text_keep_rules (when keep is not NULL) and the display columns (when cols
 * is not NULL: n + 1 entries, cols[i] the width of s[0..i) at every character
 * start i and at n) in one pass over the text, for text_wrap_cols.
 */
void text_scan(const char *s, size_t n, int ambiguous, unsigned char *keep,
	       int *cols);

/* A line: bytes [start, end) of the text, trailing spaces excluded. */
struct text_line {
	size_t start, end;
	int width;
};

/*
 * Break s (n bytes; '\n' is a hard break and belongs to no line) into lines of
 * at most width columns. keep may be NULL (UAX #14 alone). Returns the number
 * of lines (at least 1, an empty text is one empty line) and sets *lines
 * (caller frees). A line is only wider than width when one grapheme is.
 */
size_t text_wrap(const char *s, size_t n, const unsigned char *keep, int width,
		 int ambiguous, struct text_line **lines);
/* The same with the columns text_scan found for s. */
size_t text_wrap_cols(const char *s, size_t n, const unsigned char *keep,
		      const int *cols, int width, int ambiguous,
		      struct text_line **lines);

/*
 * The widths of the widest unbreakable piece (min-content) and of the widest
 * hard line (max-content) of s, as text_wrap would break it; for tables.
 */
void text_measure(const char *s, size_t n, const unsigned char *keep,
		  int ambiguous, int *min_width, int *max_width);
/* The max-content width alone (text_measure's max_width), without finding
 * break opportunities. */
int text_max_content(const char *s, size_t n, int ambiguous);

#endif
