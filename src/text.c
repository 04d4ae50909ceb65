/*
 * text: display width and Japanese line breaking (see text.h).
 *
 * libunistring does the Unicode work: uc_width (UAX #11), u8_width_linebreaks
 * (UAX #14 and the greedy fill), u8_grapheme_breaks (where a too-long token may
 * be cut). This file adds only what those leave out for Japanese: the JIS X
 * 4051 no-start / no-end classes, unit and Latin tokens, numeral + counter,
 * the forced break of a token longer than a line, and trimming.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unigbrk.h>
#include <unilbrk.h>
#include <unistr.h>
#include <uniwidth.h>

#include "text.h"
#include "xmalloc.h"

/*
 * u8_mbtouc with the common well-formed 2- and 3-byte sequences decoded
 * here: layout decodes every character of a document several times, and
 * libunistring's u8_mbtouc calls out of line for anything not ASCII. The
 * checks are the well-formedness rules of UTF-8 (no overlong form, no
 * surrogate); anything else goes to u8_mbtouc, so the result is the same.
 */
static inline int
text_mbtouc(ucs4_t *puc, const uint8_t *s, size_t n)
{
	uint8_t c = s[0];

	if (c < 0x80) {
		*puc = c;
		return 1;
	}
	if (c >= 0xc2 && c < 0xe0 && n >= 2 && (s[1] ^ 0x80) < 0x40) {
		*puc = (ucs4_t)(c & 0x1f) << 6 | (s[1] ^ 0x80);
		return 2;
	}
	if (c >= 0xe0 && c < 0xf0 && n >= 3 && (s[1] ^ 0x80) < 0x40 &&
	    (s[2] ^ 0x80) < 0x40 && (c != 0xe0 || s[1] >= 0xa0) &&
	    (c != 0xed || s[1] < 0xa0)) {
		*puc = (ucs4_t)(c & 0x0f) << 12 | (ucs4_t)(s[1] ^ 0x80) << 6 |
		       (s[2] ^ 0x80);
		return 3;
	}
	return u8_mbtouc(puc, s, n);
}

const char *
text_encoding(int ambiguous)
{
	/* uc_width counts East Asian Ambiguous as wide for CJK encodings. */
	return ambiguous == 2 ? "EUC-JP" : "UTF-8";
}

/*
 * uc_width memoised for the BMP: it looks the encoding name up on every call,
 * and layout asks for the same few thousand characters millions of times.
 * Entries hold width + 1 (0: not asked yet). Threads may lay out at once
 * (render does): the entries are atomic, read and written relaxed (every
 * thread writes the same value), plain loads and stores on common machines.
 */
static _Atomic signed char text_wmemo[2][0x10000];

static inline int
text_memo(int k, uint32_t c)
{
	return atomic_load_explicit(&text_wmemo[k][c], memory_order_relaxed);
}

int
text_char_width(uint32_t c, int ambiguous)
{
	int k = ambiguous == 2, w;

	if (c < 0x10000 && text_memo(k, c) != 0)
		return text_memo(k, c) - 1;
	w = uc_width(c, text_encoding(ambiguous));
	if (w < 0)
		w = 0;
	if (c < 0x10000)
		atomic_store_explicit(&text_wmemo[k][c], (signed char)(w + 1),
				      memory_order_relaxed);
	return w;
}

int
text_width(const char *s, size_t n, int ambiguous)
{
	const uint8_t *p = (const uint8_t *)s;
	int w = 0;

	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int len;

		if (p[i] < 0x80) {
			w += p[i] >= 0x20 && p[i] != 0x7f;
			i++;
			continue;
		}
		len = text_mbtouc(&c, p + i, n - i);
		/* the memo read here, as text_char_width does: this loop runs
		 * over every character laid out */
		if (c < 0x10000 && text_memo(ambiguous == 2, c) != 0)
			w += text_memo(ambiguous == 2, c) - 1;
		else
			w += text_char_width(c, ambiguous);
		i += len > 0 ? (size_t)len : 1;
	}
	return w;
}

/*
 * The width of text_width(s + i, ...) for the character at i, and its length:
 * the memo read inline (this runs over every character laid out).
 */
static inline int
text_step(const uint8_t *p, size_t i, size_t n, int ambiguous, ucs4_t *puc,
	  size_t *len)
{
	ucs4_t c;
	int l;

	if (p[i] < 0x80) {
		*puc = p[i];
		*len = 1;
		return p[i] >= 0x20 && p[i] != 0x7f;
	}
	l = text_mbtouc(&c, p + i, n - i);
	*puc = c;
	*len = l > 0 ? (size_t)l : 1;
	if (c < 0x10000 && text_memo(ambiguous == 2, c) != 0)
		return text_memo(ambiguous == 2, c) - 1;
	return text_char_width(c, ambiguous);
}

int
text_strwidth(const char *s, int ambiguous)
{
	return text_width(s, strlen(s), ambiguous);
}

/* JIS X 4051 no-start characters (closing brackets, punctuation, iteration
 * marks, the prolonged sound mark, hyphens, small kana). */
static const uint32_t text_no_start_list[] = {
	/* closing brackets and quotes */
	0x300D, 0x300F, 0xFF09, 0xFF3D, 0xFF5D, 0x3015, 0x3009, 0x300B,
	0x3011, 0x3019, 0x3017, 0x301F, 0x2019, 0x201D, 0xFF60, 0x00BB,
	0x3011, 0xFF63, ')', ']', '}',
	/* punctuation */
	0x3001, 0x3002, 0xFF0C, 0xFF0E, 0x30FB, 0xFF1A, 0xFF1B, 0xFF1F,
	0xFF01, 0x203C, 0x2047, 0x2048, 0x2049, 0xFF61, 0xFF64, 0xFF65,
	',', '.', ':', ';', '?', '!',
	/* iteration marks, prolonged sound mark, hyphens */
	0x309D, 0x309E, 0x30FD, 0x30FE, 0x3005, 0x303B, 0x30FC, 0xFF70,
	0x2010, 0x30A0, 0x2013, 0x301C, 0xFF5E, 0x309B, 0x309C,
	/* small kana */
	0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
	0x3087, 0x308E, 0x3095, 0x3096, 0x30A1, 0x30A3, 0x30A5, 0x30A7,
	0x30A9, 0x30C3, 0x30E3, 0x30E5, 0x30E7, 0x30EE, 0x30F5, 0x30F6,
};

/* No-end characters: opening brackets and quotes. */
static const uint32_t text_no_end_list[] = {
	0x300C, 0x300E, 0xFF08, 0xFF3B, 0xFF5B, 0x3014, 0x3008, 0x300A,
	0x3010, 0x3018, 0x3016, 0x301D, 0x2018, 0x201C, 0xFF5F, 0x00AB,
	0xFF62, '(', '[', '{',
};

/* Both as bits over the BMP, built once (bit 0: no-start, bit 1: no-end,
 * bit 2: text_is_tok, so that one look-up per character answers all three). */
static unsigned char text_class_bits[0x10000];
static pthread_once_t text_class_once = PTHREAD_ONCE_INIT;

static bool text_is_tok(uint32_t c);

/* U+4E00..U+9FFF, the CJK Unified Ideographs: text_scan's short cut. */
#define TEXT_KANJI_FIRST 0x4E00u
#define TEXT_KANJI_N 0x5200u

static void
text_class_init(void)
{
	for (size_t i = 0; i < sizeof text_no_start_list / sizeof text_no_start_list[0]; i++)
		text_class_bits[text_no_start_list[i]] |= 1;
	for (uint32_t c = 0x31F0; c <= 0x31FF; c++) /* katakana extensions */
		text_class_bits[c] |= 1;
	for (uint32_t c = 0xFF67; c <= 0xFF6F; c++) /* halfwidth small kana */
		text_class_bits[c] |= 1;
	for (size_t i = 0; i < sizeof text_no_end_list / sizeof text_no_end_list[0]; i++)
		text_class_bits[text_no_end_list[i]] |= 2;
	for (uint32_t c = 0; c < 0x10000; c++)
		if (text_is_tok(c))
			text_class_bits[c] |= 4;
}

bool
text_no_start(uint32_t c)
{
	pthread_once(&text_class_once, text_class_init);
	return c < 0x10000 && (text_class_bits[c] & 1);
}

bool
text_no_end(uint32_t c)
{
	pthread_once(&text_class_once, text_class_init);
	return c < 0x10000 && (text_class_bits[c] & 2);
}

/* --- tokens: numbers with units, Latin words, numeral + counter --- */

static bool
text_is_digit(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static bool
text_is_letter(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A) ||
	       c == 0xB5 || c == 0x3BC;
}

static bool
text_is_unit(uint32_t c)
{
	return c == 0x2103 || c == 0x2109 || c == '%' || c == 0xFF05 ||
	       c == 0x2030 || c == 0xB0 || (c >= 0x3380 && c <= 0x33DF) ||
	       c == 0x2113 || c == 0x2126 || c == 0x2032 || c == 0x2033;
}

static bool
text_is_tok(uint32_t c)
{
	/* kana and kanji, the bulk of the text, first */
	if ((c >= 0x3000 && c < 0x3380) || (c >= 0x3400 && c < 0xFF00))
		return false;
	return text_is_digit(c) || text_is_letter(c) || text_is_unit(c);
}

static bool
text_is_plus(uint32_t c)
{
	return c == '+' || c == 0xFF0B;
}

/* Joins two token characters: UV-B, mg/kg, 32〜34, 2×3, A+B. */
static bool
text_is_joiner(uint32_t c)
{
	return c == '-' || c == '/' || c == 0x301C || c == 0xFF5E || c == '~' ||
	       c == 0x2010 || c == 0x2013 || c == 0xFF0F || c == 0xFF0D ||
	       c == 0xD7 || text_is_plus(c);
}

/* Joins two digits only: 0.5, 1,000, 10:30. */
static bool
text_is_digit_joiner(uint32_t c)
{
	return c == '.' || c == ',' || c == ':' || c == 0xFF0E ||
	       c == 0xFF0C || c == 0xFF1A;
}

/* Small kana and katakana that start a counter: 1か月, 3ヶ所, 2カ国. */
static bool
text_is_counter_kana(uint32_t c)
{
	return c == 0x304B || c == 0x30F6 || c == 0x30F5 || c == 0x30AB ||
	       c == 0x30B1;
}

/* Prefixes kept with the number after them: 第1回, 約20mg, 毎1回. */
static bool
text_is_number_prefix(uint32_t c)
{
	return c == 0x7B2C || c == 0x7D04 || c == 0x6BCE || c == 0x8A08;
}

/* ASCII units after a space: "20 mg". */
static bool
text_is_unit_word(const uint32_t *c, size_t i, size_t m)
{
	static const char *const units[] = {
		"mg", "g", "kg", "mcg", "mL", "ml", "L", "IU", "cm", "mm",
		"kcal", "%",
	};

	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t len = strlen(units[u]), k;

		if (i + len > m)
			continue;
		for (k = 0; k < len; k++)
			if (c[i + k] != (uint32_t)(unsigned char)units[u][k])
				break;
		if (k == len && (i + len == m || !text_is_tok(c[i + len])))
			return true;
	}
	return false;
}

/* NONE < SOFT < HARD */
static int
text_keep_rank(unsigned char k)
{
	return k == TEXT_KEEP_HARD ? 2 : k == TEXT_KEEP_SOFT ? 1 : 0;
}

static void
text_raise(unsigned char *keep, size_t at, unsigned char level)
{
	if (text_keep_rank(level) > text_keep_rank(keep[at]))
		keep[at] = level;
}

void
text_scan(const char *s, size_t n, int ambiguous, unsigned char *keep,
	  int *cols)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t *c = NULL;
	size_t *off = NULL;
	size_t m = 0;
	unsigned before = 0;
	size_t *toki = NULL, ntok = 0, tokcap = 0; /* where c[] may start a token */
	int col = 0;
	int k = ambiguous == 2;

	pthread_once(&text_class_once, text_class_init);
	if (keep != NULL) {
		/* one allocation: the offsets, then the characters */
		off = xreallocarray(NULL, n + 1, sizeof *off + sizeof *c);
		c = (uint32_t *)(void *)(off + n + 1);
	}
	/*
	 * One pass decodes, counts columns and applies kinsoku (the class
	 * table read directly: this runs per character); it also notes whether
	 * any character can start a token, so that text without one skips the
	 * token pass.
	 */
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len;
		unsigned here;
		int w;

		if (p[i] >= 0xe4 && p[i] <= 0xe9 && i + 2 < n &&
		    ((p[i + 1] ^ 0x80) | (p[i + 2] ^ 0x80)) < 0x40 &&
		    (uc = (ucs4_t)(p[i] & 0x0f) << 12 |
			  (ucs4_t)(p[i + 1] ^ 0x80) << 6 | (p[i + 2] ^ 0x80)) -
				    TEXT_KANJI_FIRST <
			    TEXT_KANJI_N) {
			/* the CJK Unified Ideographs, most of Japanese text:
			   two columns, no kinsoku class, no token (the tables
			   say the same, checked by the unit tests) */
			len = 3;
			w = 2;
			here = 0;
		} else if (p[i] == 0xe3 && i + 2 < n &&
			   ((p[i + 1] ^ 0x80) | (p[i + 2] ^ 0x80)) < 0x40 &&
			   text_memo(k, uc = 0x3000 |
					       (ucs4_t)(p[i + 1] ^ 0x80) << 6 |
					       (p[i + 2] ^ 0x80)) != 0) {
			/* U+3000..U+3FFF, kana and CJK punctuation, the rest
			   of most Japanese text: the tables read directly */
			len = 3;
			w = text_memo(k, uc) - 1;
			here = text_class_bits[uc];
		} else {
			w = text_step(p, i, n, ambiguous, &uc, &len);
			here = uc < 0x10000 ? text_class_bits[uc] : 0;
		}

		if (cols != NULL) {
			cols[i] = col;
			switch (len) { /* the bytes inside the character */
			default:
				for (size_t k = 4; k < len; k++)
					cols[i + k] = col;
				/* fall through */
			case 4:
				cols[i + 3] = col;
				/* fall through */
			case 3:
				cols[i + 2] = col;
				/* fall through */
			case 2:
				cols[i + 1] = col;
				/* fall through */
			case 1:
				break;
			}
			col += w;
		}
		if (keep != NULL) {
			if (((here & 1) || (before & 2)) && m > 0 &&
			    uc != '\n' && c[m - 1] != '\n')
				text_raise(keep, i, TEXT_KEEP_HARD);
			if (here & 4) {
				XGROW(toki, ntok, tokcap);
				toki[ntok++] = m;
			}
			before = here;
			off[m] = i;
			c[m++] = uc;
		}
		i += len;
	}
	if (cols != NULL)
		cols[n] = col;
	if (keep == NULL)
		return;

	/* Tokens: from each character that may start one, after the last. */
	for (size_t ti = 0, k = 0; ti < ntok; ti++) {
		size_t j, e;

		if (toki[ti] < k)
			continue;
		k = j = toki[ti];
		for (;;) {
			if (j + 1 < m && text_is_tok(c[j + 1])) {
				j++;
			} else if (j + 2 < m && text_is_joiner(c[j + 1]) &&
				   text_is_tok(c[j + 2])) {
				j += 2;
			} else if (j + 2 < m && text_is_digit_joiner(c[j + 1]) &&
				   text_is_digit(c[j]) && text_is_digit(c[j + 2])) {
				j += 2;
			} else if (j + 1 < m && text_is_plus(c[j + 1])) {
				while (j + 1 < m && text_is_plus(c[j + 1]))
					j++; /* PA+++ */
			} else {
				break;
			}
		}
		for (size_t t = k + 1; t <= j; t++)
			text_raise(keep, off[t], TEXT_KEEP_HARD);
		/* "20 mg": a number and a unit word after one space. */
		if (text_is_digit(c[j]) && j + 2 < m && c[j + 1] == ' ' &&
		    text_is_unit_word(c, j + 2, m))
			text_raise(keep, off[j + 2], TEXT_KEEP_HARD);
		/* 第1回, 約20mg */
		if (k > 0 && text_is_digit(c[k]) && text_is_number_prefix(c[k - 1]))
			text_raise(keep, off[k], TEXT_KEEP_SOFT);
		/* 1日, 1か月; then 1日20mg, 1日2回 */
		e = j + 1;
		if (text_is_digit(c[j]) && e < m) {
			size_t after = e;

			if (uc_is_property_ideographic(c[e])) {
				text_raise(keep, off[e], TEXT_KEEP_SOFT);
				after = e + 1;
			} else if (text_is_counter_kana(c[e]) && e + 1 < m &&
				   uc_is_property_ideographic(c[e + 1])) {
				text_raise(keep, off[e], TEXT_KEEP_SOFT);
				text_raise(keep, off[e + 1], TEXT_KEEP_SOFT);
				after = e + 2;
			}
			if (after > e && after < m && text_is_digit(c[after]))
				text_raise(keep, off[after], TEXT_KEEP_SOFT);
		}
		k = j + 1;
	}
	free(toki);
	free(off);
}

void
text_keep_rules(const char *s, size_t n, unsigned char *keep)
{
	text_scan(s, n, 1, keep, NULL);
}

/* --- wrapping --- */

static bool
text_is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static uint32_t
text_char_at(const char *s, size_t n, size_t i)
{
	ucs4_t uc;

	u8_mbtouc(&uc, (const uint8_t *)s + i, n - i);
	return uc;
}

/* The character that ends just before byte i (i > 0). */
static uint32_t
text_char_before(const char *s, size_t i)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t b = i - 1;
	ucs4_t uc;

	while (b > 0 && (p[b] & 0xC0) == 0x80 && i - b < 4)
		b--;
	u8_mbtouc(&uc, p + b, i - b);
	return uc;
}

/*
 * Where to cut the too-wide line [a, e): the last soft keep that fits, else
 * the last place UAX #14 alone would break that fits and obeys kinsoku, else
 * the last grapheme boundary that fits and obeys kinsoku, else the last that
 * fits, else (one grapheme wider than the line: a long emoji sequence) the
 * last character boundary that fits, else one grapheme.
 */
static size_t
text_force_break(const char *s, size_t a, size_t e, const unsigned char *keep,
		 int width, int ambiguous)
{
	size_t soft = 0, uax = 0, ok = 0, any = 0, first = 0, chr = 0;
	size_t first_chr = 0;
	int w = 0;
	char *g, *u;

	/* Only the first width columns matter: look no further than a
	 * generous byte bound (zero-width runs aside), so that cutting a huge
	 * token into many lines stays linear. */
	if (e - a > (size_t)width * 16 + 256) {
		e = a + (size_t)width * 16 + 256;
		while (e > a + 1 && ((unsigned char)s[e] & 0xC0) == 0x80)
			e--;
	}
	g = xmalloc(e - a);
	u = xmalloc(e - a);
	u8_grapheme_breaks((const uint8_t *)s + a, e - a, g);
	/* UAX #14's own opportunities (UV-|B, with-|doctor) before any
	 * other place inside a token */
	u8_possible_linebreaks((const uint8_t *)s + a, e - a,
			       text_encoding(ambiguous), u);
	for (size_t i = a; i < e;) {
		ucs4_t uc;
		int len = u8_mbtouc(&uc, (const uint8_t *)s + i, e - i);

		w += text_char_width(uc, ambiguous);
		i += len > 0 ? (size_t)len : 1;
		if (first_chr == 0)
			first_chr = i;
		if (i < e && w <= width)
			chr = i; /* for a grapheme wider than the line */
		if (i >= e || !g[i - a])
			continue;
		if (first == 0)
			first = i;
		if (w > width)
			break;
		any = i;
		if (!text_no_start(text_char_at(s, e, i)) &&
		    !text_no_end(text_char_before(s, i))) {
			ok = i;
			if (keep != NULL && keep[i] == TEXT_KEEP_SOFT)
				soft = i;
			if (u[i - a] == UC_BREAK_POSSIBLE)
				uax = i;
		}
	}
	free(g);
	free(u);
	if (soft)
		return soft;
	if (uax)
		return uax;
	if (ok)
		return ok;
	if (any)
		return any;
	if (chr)
		return chr;
	/* not even one character fits: one grapheme if it is one character,
	 * else one character */
	return first != 0 && first <= first_chr ? first : first_chr;
}

/* Bytes of the character at i. */
static size_t
text_char_len(const char *s, size_t i, size_t n)
{
	int len = u8_mblen((const uint8_t *)s + i, n - i);

	return len > 0 ? (size_t)len : 1;
}

/* U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR at i: hard breaks
 * (UAX #14 class BK) like '\n', never overridden. */
static bool
text_is_line_sep(const char *s, size_t i, size_t n)
{
	return i + 2 < n && s[i] == '\xe2' && s[i + 1] == '\x80' &&
	       (s[i + 2] == '\xa8' || s[i + 2] == '\xa9');
}

static void
text_emit(struct text_line **lines, size_t *nl, size_t *cap, size_t a,
	  size_t e, int w)
{
	XGROW(*lines, *nl, *cap);
	(*lines)[*nl].start = a;
	(*lines)[*nl].end = e;
	(*lines)[*nl].width = w;
	(*nl)++;
}

/*
 * The common case of text_wrap cut short: when every hard line fits in width
 * counting its trailing spaces (the sum u8_width_linebreaks fills by), the
 * greedy fill breaks nowhere, so the lines are the hard lines. Handles '\n'
 * as the only hard break and gives up (false, nothing emitted) at a hard
 * line that is too wide or at any other character UAX #14 breaks at (VT,
 * FF, CR, NEL, U+2028, U+2029).
 */
static bool
text_wrap_fits(const char *s, size_t n, const int *cols, int width,
	       struct text_line **lines, size_t *nl, size_t *cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t a, e;

	if (n == 0) {
		text_emit(lines, nl, cap, 0, 0, 0);
		return true;
	}
	for (a = 0;; a = e + 1) {
		const char *q = memchr(s + a, '\n', n - a);

		e = q != NULL ? (size_t)(q - s) : n;
		if (cols[e] - cols[a] > width)
			return false;
		if (q == NULL)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
		    (p[i] == 0xc2 && i + 1 < n && p[i + 1] == 0x85) ||
		    (p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
		     (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)))
			return false;
	for (a = 0;; a = e + 1) {
		const char *q = memchr(s + a, '\n', n - a);
		size_t t;

		e = q != NULL ? (size_t)(q - s) : n;
		for (t = e; t > a && (s[t - 1] == ' ' || s[t - 1] == '\t'); t--)
			;
		text_emit(lines, nl, cap, a, t, cols[t] - cols[a]);
		if (q == NULL)
			return true;
	}
}

/* Whether the 8 bytes at p are all b. */
static inline bool
text_all8(const char *p, unsigned char b)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v == (uint64_t)b * 0x0101010101010101u;
}

/*
 * keep as u8_width_linebreaks' override array: NONE → UNDEFINED, HARD and
 * SOFT → PROHIBITED, BREAK → POSSIBLE (k - k / 2, a loop the compiler makes
 * vector code of), except at a continuation byte, at the first byte, and at
 * and after a hard break, where UAX #14 alone decides.
 */
_Static_assert(UC_BREAK_UNDEFINED == 0 && UC_BREAK_PROHIBITED == 1 &&
		       UC_BREAK_POSSIBLE == 2 && TEXT_KEEP_NONE == 0 &&
		       TEXT_KEEP_HARD == 1 && TEXT_KEEP_SOFT == 2 &&
		       TEXT_KEEP_BREAK == 3,
	       "keep k maps to override k - k / 2");

static void
text_overrides(const char *s, size_t n, const unsigned char *keep, char *o)
{
	const char *q;

	if (keep == NULL || n == 0) {
		memset(o, UC_BREAK_UNDEFINED, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		o[i] = (char)(((s[i] & 0xC0) != 0x80) *
			      (keep[i] - (keep[i] >> 1)));
	o[0] = UC_BREAK_UNDEFINED;
	for (size_t i = 0; i < n; i++) {
		if ((q = memchr(s + i, '\n', n - i)) == NULL)
			break;
		i = (size_t)(q - s);
		o[i] = UC_BREAK_UNDEFINED;
		if (i + 1 < n)
			o[i + 1] = UC_BREAK_UNDEFINED;
	}
	for (size_t i = 0; i < n; i++) {
		if ((q = memchr(s + i, '\xe2', n - i)) == NULL)
			break;
		i = (size_t)(q - s);
		if (text_is_line_sep(s, i, n))
			o[i] = UC_BREAK_UNDEFINED;
	}
}

size_t
text_wrap_cols(const char *s, size_t n, const unsigned char *keep,
	       const int *cols, int width, int ambiguous,
	       struct text_line **lines)
{
	const char *enc = text_encoding(ambiguous);
	/* Breaks are computed a window at a time so that a forced break
	 * (which refills from there) costs a window, not the whole text. */
	size_t win;
	char *o, *p;
	size_t nl = 0, cap = 0, pos = 0;

	*lines = NULL;
	if (width < 1)
		width = 1;
	win = 8192 + (size_t)width * 16;
	if (text_wrap_fits(s, n, cols, width, lines, &nl, &cap))
		return nl;
	o = xreallocarray(NULL, n, 2); /* the overrides, then the breaks */
	p = o + n;
	text_overrides(s, n, keep, o);

	for (;;) {
		size_t lim = n - pos > win ? pos + win : n, a = pos;

		while (lim < n && lim > pos + 1 && (s[lim] & 0xC0) == 0x80)
			lim--;
		u8_width_linebreaks((const uint8_t *)s + pos, lim - pos, width,
				    0, 0, o + pos, enc, p + pos);
		for (size_t i = pos;; i++) {
			bool atend, hard, partial;
			size_t e, cut, next;
			int w;

			/* most bytes are neither a break nor the end */
			while (i < lim && (p[i] == UC_BREAK_PROHIBITED ||
					   (p[i] == UC_BREAK_POSSIBLE && i == a))) {
				i++;
				while (i + 8 <= lim &&
				       text_all8(p + i, UC_BREAK_PROHIBITED))
					i += 8;
			}
			atend = i == lim;
			hard = !atend && p[i] == UC_BREAK_MANDATORY;
			partial = atend && lim < n; /* cut by the window */

			if (!(atend || hard ||
			      (i > a && p[i] == UC_BREAK_POSSIBLE)))
				continue;
			if (partial && a > pos) {
				pos = a; /* redo this line in a new window */
				break;
			}
			e = i;
			while (e > a && text_is_space(s[e - 1]))
				e--;
			w = cols[e] - cols[a];
			if (w <= width && !partial) {
				text_emit(lines, &nl, &cap, a, e, w);
				cut = i;
			} else {
				/* a piece longer than the line */
				cut = w <= width ? e
						 : text_force_break(s, a, e, keep,
								    width,
								    ambiguous);
				next = cut;
				while (next > a && text_is_space(s[next - 1]))
					next--;
				text_emit(lines, &nl, &cap, a, next,
					  cols[next] - cols[a]);
				if (cut < e || partial) {
					/* the rest may share a line with what
					 * follows: refill from there */
					pos = cut;
					while (pos < lim && text_is_space(s[pos]))
						pos++;
					if (hard && pos == i) /* its hard break */
						pos += text_char_len(s, i, n);
					if (pos >= n)
						goto done;
					break;
				}
				cut = i;
			}
			if (i == n)
				goto done;
			a = hard ? i + text_char_len(s, i, n) : i;
			if (hard && a == n) {
				text_emit(lines, &nl, &cap, n, n, 0);
				goto done;
			}
		}
	}
done:
	free(o);
	return nl;
}

size_t
text_wrap(const char *s, size_t n, const unsigned char *keep, int width,
	  int ambiguous, struct text_line **lines)
{
	int *cols = xreallocarray(NULL, n + 1, sizeof *cols);
	size_t nl;

	text_scan(s, n, ambiguous, NULL, cols);
	nl = text_wrap_cols(s, n, keep, cols, width, ambiguous, lines);
	free(cols);
	return nl;
}

void
text_measure(const char *s, size_t n, const unsigned char *keep,
	     int ambiguous, int *min_width, int *max_width)
{
	char *p;
	int minw = 0, piece = 0, pspace = 0;

	*max_width = text_max_content(s, n, ambiguous);
	if (n == 0) {
		*min_width = 0;
		return;
	}
	p = xmalloc(n);
	u8_possible_linebreaks((const uint8_t *)s, n, text_encoding(ambiguous),
			       p);
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		int len = u8_mbtouc(&uc, (const uint8_t *)s + i, n - i);
		int w;

		if (i > 0 && uc != '\n' &&
		    (keep != NULL && keep[i] == TEXT_KEEP_BREAK
			     ? true
			     : p[i] == UC_BREAK_POSSIBLE &&
				       !(keep != NULL &&
					 keep[i] != TEXT_KEEP_NONE))) {
			if (piece - pspace > minw)
				minw = piece - pspace;
			piece = pspace = 0;
		}
		if (uc == '\n') {
			if (piece - pspace > minw)
				minw = piece - pspace;
			piece = pspace = 0;
			i++;
			continue;
		}
		w = text_char_width(uc, ambiguous);
		piece += w;
		if (uc == ' ' || uc == '\t')
			pspace += w;
		else
			pspace = 0;
		i += len > 0 ? (size_t)len : 1;
	}
	if (piece - pspace > minw)
		minw = piece - pspace;
	free(p);
	*min_width = minw;
}

int
text_max_content(const char *s, size_t n, int ambiguous)
{
	const uint8_t *p = (const uint8_t *)s;
	int w = 0, we = 0, maxw = 0;

	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		size_t len;

		if (p[i] == '\n') {
			w = we = 0;
			i++;
			continue;
		}
		w += text_step(p, i, n, ambiguous, &uc, &len);
		i += len;
		if (uc != ' ' && uc != '\t') {
			we = w;
			if (we > maxw)
				maxw = we;
		}
	}
	return maxw;
}
