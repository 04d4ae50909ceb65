/*
 * text: display width and Japanese line breaking of plain UTF-8 text.
 *
 * Widths are UAX #11 from libunistring, with East Asian Ambiguous characters
 * counted as 1 or 2 columns (the terminal's setting): libunistring counts them
 * as 2 when given a CJK encoding, so ambiguous 2 is "EUC-JP" and 1 "UTF-8".
 *
 * Break opportunities are UAX #14 (libunistring's u8_possible_linebreaks)
 * plus, through the keep marks, what UAX #14 leaves out for Japanese (JIS X
 * 4051): the no-start and no-end characters, a number never split from its
 * unit (20mg, 0.5〜2mg/kg, 32〜34℃, ２０ｍｇ) nor a Latin or number token
 * (SPF30, PA+++, UV-B), a numeral kept with its counter (1日, 1か月) when the
 * line has room, and in English, also while the line has room, a word kept
 * with a lone capital after it (vitamin A; not the pronoun I) and a word
 * that starts with a capital kept with a number after it (SPF 30; "or 0.5"
 * and "up to 40" part freely).
 *
 * Which opportunity ends a line (the rule; text_wrap keeps it):
 *   1. the last one that fits and lies between phrases (a phrase boundary
 *      found by phrase.h, but not the に|く of the ending 〜にくい, which
 *      BudouX splits; or after a space) and leaves the line at least
 *      TEXT_FULL_NUM / TEXT_FULL_DEN (half) of the width full; if it
 *      leaves one or two characters for the last line (prescribed|it), an
 *      earlier such place after which the rest fits on one line instead
 *      (a doctor|prescribed it), unless the line ends a clause (、 。 , .);
 *   2. else the last one that fits and leaves the line that full, inside a
 *      phrase but not inside a katakana or Latin word (受診の目|安 only
 *      when 受診の|目安 would leave more than half the line empty); if it
 *      leaves one or two characters for the last line (確かめま|す。), an
 *      earlier such place after which the rest fits on one line instead
 *      (確か|めます。);
 *   3. else the last one that fits and is not inside such a word, if the
 *      word after it fits on a line of its own (a short line rather than
 *      ス|タッフ);
 *   4. else the last one that fits (a word longer than the line);
 *   5. and where none fits, a piece longer than the line is force-broken at
 *      a grapheme boundary, still never starting a line with a no-start
 *      character.
 * Trailing spaces hang: a line fits if it fits without them, and carries
 * none. Each line says which of these ended it (struct text_line.brk).
 *
 * The module knows nothing of documents: layout flattens styled text and ruby
 * into one string, marks what must stay together and what is not running
 * text (a reading in parentheses), and calls text_wrap.
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
/* The level is keep[i] & TEXT_KEEP_MASK; above it, a flag: */
#define TEXT_KEEP_MASK 3
/* Byte i is not running text (a ruby reading in parentheses, the padding
 * around a ruby base): phrase boundaries are found as if it were not there,
 * so 承認（しょうにん）されて reads as 承認されて, one phrase. */
#define TEXT_ASIDE 4

/*
 * Rules 1 and 2 above: a line is full enough at NUM/DEN of the width. Half:
 * a phrase boundary is taken whenever it does not leave a line under half
 * full (what tests/layout/quality-report.py counts as a ragged line). Two
 * thirds, the other candidate, broke twice as many phrases on our content
 * (24% of the breaks inside phrases before phrases were known, against 14%
 * at one half) for lines on average a few columns fuller.
 */
#define TEXT_FULL_NUM 1
#define TEXT_FULL_DEN 2

/*
 * Fill keep[0..n) with the Japanese rules for s (n bytes). Only ever raises a
 * position (NONE → SOFT → HARD) and leaves TEXT_ASIDE as it is, so a caller
 * can mark its own atoms (a ruby) before or after.
 */
void text_keep_rules(const char *s, size_t n, unsigned char *keep);

/*
 * For a line breaker that cannot choose among break places by kind, as
 * text_wrap does (pango, for the patient's copy): raise keep[i] from NONE to
 * SOFT at every place inside a phrase or inside a katakana or Latin word
 * (rules 2 to 4 above), so that lines end between phrases and a phrase or
 * word is broken only when it does not fit a line of its own. Bytes marked
 * TEXT_ASIDE are read around, as text_wrap does; call after
 * text_keep_rules.
 */
void text_keep_phrases(const char *s, size_t n, unsigned char *keep);

/*
 * text_keep_rules (when keep is not NULL) and the display columns (when cols
 * is not NULL: n + 1 entries, cols[i] the width of s[0..i) at every character
 * start i and at n) in one pass over the text, for text_wrap_cols.
 */
void text_scan(const char *s, size_t n, int ambiguous, unsigned char *keep,
	       int *cols);

/* What ended a line: the rule above it followed. */
enum text_brk {
	TEXT_BRK_END = 0,     /* the end of the text or a hard break */
	TEXT_BRK_PHRASE,      /* between phrases, or after a space (1) */
	TEXT_BRK_INPHRASE,    /* inside a phrase (2, 3) */
	TEXT_BRK_INWORD,      /* inside a katakana or Latin word (4) */
	TEXT_BRK_FORCED,      /* inside a piece longer than the line (5) */
};

/* A line: bytes [start, end) of the text, trailing spaces excluded. */
struct text_line {
	size_t start, end;
	int width;
	unsigned char brk;    /* enum text_brk: what ended it */
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
 * A jukugo ruby (JLREQ): a compound of kanji whose reading divides among
 * them, so that the word may be split at a kanji boundary with its reading
 * split with it (承（しょう）|認（にん）). Finds that division of reading
 * (rlen bytes) over base (blen bytes): each kanji an on-reading of one or two
 * morae, a second mora one of い う ん つ く き ち っ ー (the endings an
 * on-reading has), no part starting with ん, っ, ー or a small kana, and no
 * part a lone い or う after a part of one mora (今日《きょう》 is read as a
 * whole). The first division found, longer readings first, is returned:
 * the number of parts (the base's characters), with bcut[k] and rcut[k] the
 * byte offsets in base and reading where part k + 1 starts. Returns 0 for a
 * group ruby: a base that is not 2 to TEXT_RUBY_MAX kanji (々 counts as
 * one), or a reading that does not divide so. The base then stays whole.
 */
#define TEXT_RUBY_MAX 8
size_t text_ruby_split(const char *base, size_t blen, const char *reading,
		       size_t rlen, size_t *bcut, size_t *rcut);

/*
 * One text to be wrapped at several widths (a table cell while its columns
 * are sized): the break opportunities and what kind of place each is are
 * found once. s, keep and cols (as for text_wrap_cols; keep may be NULL)
 * must outlive it. Caller frees with text_para_free.
 */
struct text_para;
struct text_para *text_para_new(const char *s, size_t n,
				const unsigned char *keep, const int *cols,
				int ambiguous);
/* text_wrap_cols of the text at width: the lines (caller frees), their
 * number returned. */
size_t text_para_wrap(struct text_para *tp, int width,
		      struct text_line **lines);
/*
 * The widest piece between places a line could end at (min-content, rule
 * 4), between places not inside a katakana or Latin word (*word, rule 3),
 * and between phrase boundaries (*phrase, rule 1): a column at least *phrase
 * wide breaks no phrase, one at least *word wide no word.
 */
void text_para_measure(struct text_para *tp, int *min, int *word,
		       int *phrase);
void text_para_free(struct text_para *tp);

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
