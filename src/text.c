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

#include "phrase.h"
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

/* --- tokens: numbers with units, Latin words, numeral + counter, a word
 * with a lone capital or number after it --- */

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

/* Whether the ASCII word that ends before c[e] starts with a capital. */
static bool
text_word_capital(const uint32_t *c, size_t e)
{
	size_t a = e;

	while (a > 0 && c[a - 1] < 0x80 && text_is_letter(c[a - 1]))
		a--;
	return a < e && c[a] >= 'A' && c[a] <= 'Z';
}

/* NONE < SOFT < HARD */
static int
text_keep_rank(unsigned char k)
{
	k &= TEXT_KEEP_MASK;
	return k == TEXT_KEEP_HARD ? 2 : k == TEXT_KEEP_SOFT ? 1 : 0;
}

/* Raise keep[at] to level, its TEXT_ASIDE flag left as it is. */
static void
text_raise(unsigned char *keep, size_t at, unsigned char level)
{
	if (text_keep_rank(level) > text_keep_rank(keep[at]))
		keep[at] = (unsigned char)((keep[at] & ~TEXT_KEEP_MASK) | level);
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
		/* "vitamin A", "SPF 30": a lone capital (not the pronoun I)
		   after a word and one space, or a number after a word that
		   starts with a capital, stays with the word while the line
		   has room ("or 0.5", "to 40" part freely) */
		if (k >= 2 && c[k - 1] == ' ' && c[k - 2] < 0x80 &&
		    text_is_letter(c[k - 2]) &&
		    ((j == k && c[k] >= 'A' && c[k] <= 'Z' && c[k] != 'I') ||
		     (text_is_digit(c[k]) && text_word_capital(c, k - 1))))
			text_raise(keep, off[k], TEXT_KEEP_SOFT);
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
 * the last place UAX #14 alone would break that fits and obeys kinsoku (one
 * that keeps a token whole before one inside a token), else
 * the last grapheme boundary that fits and obeys kinsoku, else the last that
 * fits, else (one grapheme wider than the line: a long emoji sequence) the
 * last character boundary that fits, else one grapheme.
 */
static size_t
text_force_break(const char *s, size_t a, size_t e, const unsigned char *keep,
		 int width, int ambiguous)
{
	size_t soft = 0, uax = 0, uaxkept = 0, ok = 0, any = 0, first = 0;
	size_t chr = 0;
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
			if (keep != NULL &&
			    (keep[i] & TEXT_KEEP_MASK) == TEXT_KEEP_SOFT)
				soft = i;
			if (u[i - a] == UC_BREAK_POSSIBLE) {
				if (keep != NULL && (keep[i] & TEXT_KEEP_MASK) ==
							    TEXT_KEEP_HARD)
					uaxkept = i;
				else
					uax = i;
			}
		}
	}
	free(g);
	free(u);
	if (soft)
		return soft;
	if (uax)
		return uax;
	if (uaxkept)
		return uaxkept;
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

/* --- what kind of place a break is --- */

enum text_rank {
	TEXT_RANK_PHRASE = 0,   /* between phrases, after a space */
	TEXT_RANK_INPHRASE = 1, /* inside a phrase */
	TEXT_RANK_INWORD = 2,   /* inside a katakana or Latin word */
	TEXT_RANK_UNKNOWN = 0xFF,
};

static bool
text_is_katakana(uint32_t c)
{
	/* the katakana letters, ー and the iteration marks (not ・, which
	   separates words), the small-kana extensions, halfwidth katakana */
	return (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE) ||
	       (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF66 && c <= 0xFF9F);
}

static bool
text_is_latin(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
	return (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
	       (c >= 0xFF10 && c <= 0xFF19) || (c >= 0xFF21 && c <= 0xFF3A) ||
	       (c >= 0xFF41 && c <= 0xFF5A);
}

/* Japanese (kana, kanji, CJK punctuation, fullwidth forms): where the
 * phrase model decides. */
static bool
text_is_cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
	       (c >= 0x20000 && c <= 0x3FFFF);
}

/* Up to three characters of running text before byte e (c[2] nearest) and
 * from e on (c[3] first), 0 past the text, a hard break or a NUL; bytes
 * marked TEXT_ASIDE are skipped. */
static void
text_context(const char *s, size_t n, const unsigned char *keep, size_t e,
	     uint32_t c[6])
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = e;

	for (int k = 2; k >= 0; k--) {
		ucs4_t uc = 0;

		while (i > 0) {
			size_t b = i - 1;

			while (b > 0 && (p[b] & 0xC0) == 0x80 && i - b < 4)
				b--;
			i = b;
			if (keep != NULL && (keep[b] & TEXT_ASIDE))
				continue;
			text_mbtouc(&uc, p + b, n - b);
			break;
		}
		if (uc == '\n' || uc == 0) {
			for (; k >= 0; k--)
				c[k] = 0;
			break;
		}
		c[k] = uc;
	}
	i = e;
	for (int k = 3; k < 6; k++) {
		ucs4_t uc = 0;

		while (i < n) {
			int len = text_mbtouc(&uc, p + i, n - i);
			bool aside = keep != NULL && (keep[i] & TEXT_ASIDE);

			i += len > 0 ? (size_t)len : 1;
			if (!aside)
				break;
			uc = 0;
		}
		if (uc == '\n' || uc == 0) {
			for (; k < 6; k++)
				c[k] = 0;
			break;
		}
		c[k] = uc;
	}
}

/*
 * BudouX's one mistake that our content makes often: it starts a phrase
 * inside the ending 〜にくい "hard to" (見えに|くくなります, 気づきに|
 * くいです, 勃起しに|くい), reading に as the particle. A verb's stem
 * before it (a kanji, 々 or hiragana; not the text's start or punctuation) and
 * くい, くく or くかっ after it make it the ending, which is one phrase with
 * its verb.
 */
static bool
text_nikui(const uint32_t c[6])
{
	return c[2] == 0x306B /* に */ && c[3] == 0x304F /* く */ &&
	       ((c[1] >= 0x3041 && c[1] <= 0x3096) || c[1] == 0x3005 ||
		(c[1] >= 0x3400 && c[1] <= 0x9FFF)) &&
	       (c[4] == 0x3044 /* い */ || c[4] == 0x304F /* く */ ||
		(c[4] == 0x304B /* か */ && c[5] == 0x3063 /* っ */));
}

/* What kind of place byte e (a break opportunity, 0 < e < n) is. */
static enum text_rank
text_rank_at(const char *s, size_t n, const unsigned char *keep, size_t e)
{
	uint32_t c[6];

	text_context(s, n, keep, e, c);
	if (c[2] == 0 || c[3] == 0 || c[2] == ' ' || c[2] == '\t' ||
	    c[2] == 0x3000)
		return TEXT_RANK_PHRASE;
	if (text_is_katakana(c[2]) && text_is_katakana(c[3]))
		return TEXT_RANK_INWORD;
	if (text_is_latin(c[2]) && text_is_latin(c[3]))
		return TEXT_RANK_INWORD;
	if (text_is_cjk(c[2]) || text_is_cjk(c[3])) {
		if (text_nikui(c))
			return TEXT_RANK_INPHRASE;
		return phrase_boundary(c) ? TEXT_RANK_PHRASE : TEXT_RANK_INPHRASE;
	}
	return TEXT_RANK_PHRASE;
}

void
text_keep_phrases(const char *s, size_t n, unsigned char *keep)
{
	for (size_t i = 1; i < n; i++) {
		if (((unsigned char)s[i] & 0xC0) == 0x80 || s[i] == '\n' ||
		    s[i - 1] == '\n' || (keep[i] & TEXT_KEEP_MASK) != TEXT_KEEP_NONE)
			continue;
		if (text_rank_at(s, n, keep, i) != TEXT_RANK_PHRASE)
			keep[i] = (unsigned char)((keep[i] & ~TEXT_KEEP_MASK) |
						  TEXT_KEEP_SOFT);
	}
}

/* --- a text to wrap --- */

struct text_para {
	const char *s;
	size_t n;
	const unsigned char *keep;
	const int *cols;
	int ambiguous;
	char *p;             /* break opportunities: UAX #14 with keep applied */
	unsigned char *rank; /* enum text_rank of each, TEXT_RANK_UNKNOWN until
				asked (p and rank are one allocation) */
};

static bool
text_is_hard(char b)
{
	return b == UC_BREAK_MANDATORY;
}

static bool
text_is_opp(char b)
{
	return b == UC_BREAK_POSSIBLE || b == UC_BREAK_HYPHENATION;
}

/*
 * UAX #14's opportunities, then keep: HARD and SOFT prohibit a break, BREAK
 * allows one, except at a continuation byte, at the first byte, at a hard
 * break and right after one, where UAX #14 alone decides.
 */
static void
text_opportunities(const char *s, size_t n, const unsigned char *keep,
		   int ambiguous, char *p)
{
	if (n == 0)
		return;
	u8_possible_linebreaks((const uint8_t *)s, n, text_encoding(ambiguous),
			       p);
	if (keep == NULL)
		return;
	for (size_t i = 1; i < n; i++) {
		unsigned k = keep[i] & TEXT_KEEP_MASK;

		if (k == TEXT_KEEP_NONE || ((unsigned char)s[i] & 0xC0) == 0x80 ||
		    text_is_hard(p[i]) || text_is_hard(p[i - 1]) ||
		    p[i] == UC_BREAK_CR_BEFORE_LF)
			continue;
		p[i] = k == TEXT_KEEP_BREAK ? UC_BREAK_POSSIBLE
					    : UC_BREAK_PROHIBITED;
	}
}

struct text_para *
text_para_new(const char *s, size_t n, const unsigned char *keep,
	      const int *cols, int ambiguous)
{
	struct text_para *tp = xcalloc(1, sizeof *tp);

	tp->s = s;
	tp->n = n;
	tp->keep = keep;
	tp->cols = cols;
	tp->ambiguous = ambiguous;
	tp->p = xreallocarray(NULL, n + 1, 2);
	tp->rank = (unsigned char *)tp->p + n + 1;
	memset(tp->rank, TEXT_RANK_UNKNOWN, n + 1);
	text_opportunities(s, n, keep, ambiguous, tp->p);
	return tp;
}

void
text_para_free(struct text_para *tp)
{
	if (tp == NULL)
		return;
	free(tp->p); /* and rank */
	free(tp);
}

static enum text_rank
text_para_rank(struct text_para *tp, size_t e)
{
	if (tp->rank[e] == TEXT_RANK_UNKNOWN)
		tp->rank[e] = (unsigned char)text_rank_at(tp->s, tp->n,
							   tp->keep, e);
	return (enum text_rank)tp->rank[e];
}

/* e with the spaces before it (down to a) taken off. */
static size_t
text_trim(const char *s, size_t a, size_t e)
{
	while (e > a && text_is_space(s[e - 1]))
		e--;
	return e;
}

/* A place a line may end at: the opportunity e, the line's width then. */
struct text_cand {
	size_t e;
	int w;
};

/* Whether a line w columns wide is full enough (rules 1 and 2). */
static bool
text_full(int w, int width)
{
	return (long)w * TEXT_FULL_DEN >= (long)width * TEXT_FULL_NUM;
}

/*
 * Rule 3's test: whether the word that starts at opportunity e (running to
 * the next opportunity that is not inside a word, or to a hard break or the
 * end) fits on a line of its own.
 */
static bool
text_word_fits(struct text_para *tp, size_t e, int width)
{
	const char *s = tp->s;
	const char *p = tp->p;
	int base = tp->cols[e];

	for (size_t i = e + 1; i <= tp->n; i++) {
		if (i < tp->n && !text_is_hard(p[i]) && !text_is_opp(p[i])) {
			if (tp->cols[i] - base > width && !text_is_space(s[i - 1]))
				return false;
			continue;
		}
		if (tp->cols[text_trim(s, e, i)] - base > width)
			return false;
		if (i == tp->n || text_is_hard(p[i]) ||
		    text_para_rank(tp, i) != TEXT_RANK_INWORD)
			return true;
	}
	return true;
}

/*
 * The columns from e to the end of the text or its next hard break, or
 * limit + 1 if they are more than limit: the scan stops there, so asking at
 * each line of a long paragraph costs a line, not the paragraph.
 */
static int
text_rest(const struct text_para *tp, size_t e, int limit)
{
	const char *s = tp->s;
	size_t i = e;

	while (i < tp->n && s[i] != '\n' &&
	       (tp->cols[i] - tp->cols[e] <= limit || text_is_space(s[i])))
		i++;
	if (i < tp->n && s[i] != '\n')
		return limit + 1;
	return tp->cols[text_trim(s, e, i)] - tp->cols[e];
}

/* Whether the place e follows a comma or a full stop (spaces aside): a
 * clause's end, which a short last line does not move (肝臓の値、|脂質). */
static bool
text_after_punct(const char *s, size_t e)
{
	uint32_t c;

	e = text_trim(s, 0, e);
	if (e == 0)
		return false;
	c = text_char_before(s, e);
	return c == 0x3001 || c == 0x3002 || c == 0xFF0C || c == 0xFF0E ||
	       c == ',' || c == '.' || c == ';' || c == ':';
}

/* Which of the m places that fit (in order) ends the line: the rule. */
static size_t
text_choose(struct text_para *tp, const struct text_cand *cand, size_t m,
	    int width, unsigned char *brk)
{
	size_t k, full, inphrase = m;
	int lone = 2 * text_char_width(0x3042, tp->ambiguous);

	/* rule 1: from the last place back while the line is full; but if
	   that leaves one or two characters for a last line (a doctor
	   prescribed|it), an earlier one after which the rest fits on one
	   line, the line still full (a doctor|prescribed it); not after a
	   comma or full stop */
	for (k = m; k-- > 0 && text_full(cand[k].w, width);) {
		enum text_rank r = text_para_rank(tp, cand[k].e);

		if (r != TEXT_RANK_PHRASE)
			continue;
		*brk = TEXT_BRK_PHRASE;
		if (text_rest(tp, cand[k].e, lone) > lone ||
		    text_after_punct(tp->s, cand[k].e))
			return k;
		for (size_t j = k; j-- > 0 && text_full(cand[j].w, width);)
			if (text_para_rank(tp, cand[j].e) == TEXT_RANK_PHRASE &&
			    text_rest(tp, cand[j].e, width) <= width)
				return j;
		return k;
	}
	full = k + 1; /* cand[full..m) leave the line full */
	/* rule 2: the last of those inside a phrase; but if that leaves one
	   or two characters for a last line (確かめま|す。), an earlier one
	   after which the rest fits on one line (確か|めます。) */
	for (k = m; k-- > full;) {
		int rest;

		if (text_para_rank(tp, cand[k].e) != TEXT_RANK_INPHRASE)
			continue;
		rest = text_rest(tp, cand[k].e, width > lone ? width : lone);
		if (inphrase == m) {
			inphrase = k;
			if (rest > lone)
				break;
		} else if (rest > lone && rest <= width) {
			inphrase = k;
			break;
		}
	}
	if (inphrase < m) {
		*brk = TEXT_BRK_INPHRASE;
		return inphrase;
	}
	/* rule 3: every place that leaves the line full is inside a word */
	for (k = m; k-- > 0;) {
		enum text_rank r = text_para_rank(tp, cand[k].e);

		if (r != TEXT_RANK_INWORD && text_word_fits(tp, cand[k].e, width)) {
			*brk = r == TEXT_RANK_PHRASE ? TEXT_BRK_PHRASE
						     : TEXT_BRK_INPHRASE;
			return k;
		}
	}
	/* rule 4 */
	*brk = text_para_rank(tp, cand[m - 1].e) == TEXT_RANK_INWORD
		       ? TEXT_BRK_INWORD
		       : TEXT_BRK_INPHRASE;
	return m - 1;
}

static void
text_emit(struct text_line **lines, size_t *nl, size_t *cap, size_t a,
	  size_t e, int w, unsigned char brk)
{
	XGROW(*lines, *nl, *cap);
	(*lines)[*nl].start = a;
	(*lines)[*nl].end = e;
	(*lines)[*nl].width = w;
	(*lines)[*nl].brk = brk;
	(*nl)++;
}

/*
 * The common case of text_wrap cut short: when every hard line fits in width
 * counting its trailing spaces, no line has a choice to make, so the lines
 * are the hard lines. Handles '\n' as the only hard break and gives up
 * (false, nothing emitted) at a hard line that is too wide or at any other
 * character UAX #14 breaks at (VT, FF, CR, NEL, U+2028, U+2029).
 */
static bool
text_wrap_fits(const char *s, size_t n, const int *cols, int width,
	       struct text_line **lines, size_t *nl, size_t *cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t a, e;

	if (n == 0) {
		text_emit(lines, nl, cap, 0, 0, 0, TEXT_BRK_END);
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
		t = text_trim(s, a, e);
		text_emit(lines, nl, cap, a, t, cols[t] - cols[a], TEXT_BRK_END);
		if (q == NULL)
			return true;
	}
}

/*
 * A piece longer than the line starts at a: the end of the piece for
 * text_force_break (the next opportunity or hard break), looked for no
 * further than text_force_break looks.
 */
static size_t
text_piece_end(const struct text_para *tp, size_t a, int width)
{
	size_t lim = tp->n - a > (size_t)width * 16 + 272
			     ? a + (size_t)width * 16 + 272
			     : tp->n;
	size_t i = a + 1;

	while (i < lim && !text_is_hard(tp->p[i]) && !text_is_opp(tp->p[i]))
		i++;
	return i;
}

size_t
text_para_wrap(struct text_para *tp, int width, struct text_line **lines)
{
	const char *s = tp->s;
	const char *p = tp->p;
	const int *cols = tp->cols;
	size_t n = tp->n;
	size_t nl = 0, cap = 0, a = 0;
	struct text_cand *cand = NULL;
	size_t ccap = 0;

	*lines = NULL;
	if (width < 1)
		width = 1;
	if (text_wrap_fits(s, n, cols, width, lines, &nl, &cap))
		return nl;
	for (;;) {
		int base = cols[a];
		size_t m = 0, i, k, cut;
		bool hard = false;
		unsigned char brk;

		/* the places this line may end at, until one does not fit */
		for (i = a; i < n; i++) {
			char b = p[i];

			if (text_is_hard(b)) {
				hard = true;
				break;
			}
			if (i == a)
				continue;
			if (text_is_opp(b)) {
				int w = cols[text_trim(s, a, i)] - base;

				if (w > width)
					break;
				XGROW(cand, m, ccap);
				cand[m].e = i;
				cand[m++].w = w;
			} else if (cols[i] - base > width &&
				   !text_is_space(s[i - 1])) {
				break;
			}
		}
		if ((hard || i == n) && cols[text_trim(s, a, i)] - base <= width) {
			/* the text or the hard line ends on this line */
			size_t t = text_trim(s, a, i);

			text_emit(lines, &nl, &cap, a, t, cols[t] - base,
				  TEXT_BRK_END);
			if (i == n)
				break;
			a = i + text_char_len(s, i, n);
			if (a == n) {
				text_emit(lines, &nl, &cap, n, n, 0, TEXT_BRK_END);
				break;
			}
			continue;
		}
		if (m > 0) {
			k = text_choose(tp, cand, m, width, &brk);
			cut = cand[k].e;
			text_emit(lines, &nl, &cap, a, text_trim(s, a, cut),
				  cand[k].w, brk);
			a = cut;
			continue;
		}
		/* a piece longer than the line */
		cut = text_force_break(s, a, text_piece_end(tp, a, width),
				       tp->keep, width, tp->ambiguous);
		k = text_trim(s, a, cut);
		while (cut < n && text_is_space(s[cut]))
			cut++;
		hard = cut < n && text_is_hard(p[cut]);
		text_emit(lines, &nl, &cap, a, k, cols[k] - base,
			  hard || cut >= n ? TEXT_BRK_END : TEXT_BRK_FORCED);
		if (hard) {
			/* its hard break ends the line cut here */
			cut += text_char_len(s, cut, n);
			if (cut == n) {
				text_emit(lines, &nl, &cap, n, n, 0,
					  TEXT_BRK_END);
				break;
			}
		}
		if (cut >= n)
			break;
		a = cut;
	}
	free(cand);
	return nl;
}

void
text_para_measure(struct text_para *tp, int *min, int *word, int *phrase)
{
	const char *s = tp->s;
	size_t n = tp->n;
	/* where the current piece of each kind started */
	size_t from[3] = { 0, 0, 0 };
	int best[3] = { 0, 0, 0 };

	for (size_t i = 1; i <= n; i++) {
		bool hard = i == n || text_is_hard(tp->p[i]);
		int r;

		if (!hard && !text_is_opp(tp->p[i]))
			continue;
		/* the piece of kind k ends here if this place is of rank <= k
		   (every place ends a min-content piece) */
		r = hard ? 0 : (int)text_para_rank(tp, i);
		for (int k = 0; k < 3; k++) {
			int w;

			if (r > 2 - k)
				continue;
			w = tp->cols[text_trim(s, from[k], i)] - tp->cols[from[k]];
			if (w > best[k])
				best[k] = w;
			from[k] = hard && i < n ? i + text_char_len(s, i, n) : i;
		}
	}
	*min = best[0];
	*word = best[1];
	*phrase = best[2];
}

size_t
text_wrap_cols(const char *s, size_t n, const unsigned char *keep,
	       const int *cols, int width, int ambiguous,
	       struct text_line **lines)
{
	struct text_para *tp;
	size_t nl = 0, cap = 0;

	*lines = NULL;
	if (width < 1)
		width = 1;
	/* most paragraphs of a wide screen, most cells: no allocation */
	if (text_wrap_fits(s, n, cols, width, lines, &nl, &cap))
		return nl;
	tp = text_para_new(s, n, keep, cols, ambiguous);
	nl = text_para_wrap(tp, width, lines);
	text_para_free(tp);
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

/* --- jukugo ruby --- */

/* Small kana: they join the mora before them (きょ, しゅ). */
static bool
text_is_small_kana(uint32_t c)
{
	switch (c) {
	case 0x3041: case 0x3043: case 0x3045: case 0x3047: case 0x3049:
	case 0x3083: case 0x3085: case 0x3087: case 0x308E:
	case 0x30A1: case 0x30A3: case 0x30A5: case 0x30A7: case 0x30A9:
	case 0x30E3: case 0x30E5: case 0x30E7: case 0x30EE:
		return true;
	}
	return false;
}

/* Kana as hiragana (katakana readings divide the same way). */
static uint32_t
text_hira(uint32_t c)
{
	return c >= 0x30A1 && c <= 0x30F6 ? c - 0x60 : c;
}

/* The second mora an on-reading may have: い う ん つ く き ち っ ー. */
static bool
text_is_mora2(uint32_t c)
{
	c = text_hira(c);
	return c == 0x3044 || c == 0x3046 || c == 0x3093 || c == 0x3064 ||
	       c == 0x304F || c == 0x304D || c == 0x3061 || c == 0x3063 ||
	       c == 0x30FC;
}

/* A mora no reading starts with: ん っ ー (small kana never start one). */
static bool
text_is_no_lead(uint32_t c)
{
	c = text_hira(c);
	return c == 0x3093 || c == 0x3063 || c == 0x30FC;
}

static bool
text_is_kana(uint32_t c)
{
	return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) ||
	       c == 0x30FC;
}

struct text_mora {
	size_t at;  /* byte offset in the reading */
	uint32_t c; /* its first kana */
};

/* Give kanji k.. the morae m.. (nm in all), one or two each; cut[k] the
 * mora the next kanji starts at. */
static bool
text_ruby_fit(const struct text_mora *mo, size_t nm, size_t m, size_t k,
	      size_t nk, size_t *cut)
{
	if (k == nk)
		return m == nm;
	if (m >= nm || text_is_no_lead(mo[m].c))
		return false;
	for (size_t len = 2; len >= 1; len--) {
		if (m + len > nm)
			continue;
		if (len == 2 && !text_is_mora2(mo[m + 1].c))
			continue;
		/* a lone い or う after a one-mora part: the two are one
		   reading (今日 きょう), not two */
		if (len == 1 && k > 0 && m - (k >= 2 ? cut[k - 2] : 0) == 1 &&
		    (text_hira(mo[m].c) == 0x3044 || text_hira(mo[m].c) == 0x3046))
			continue;
		cut[k] = m + len;
		if (text_ruby_fit(mo, nm, m + len, k + 1, nk, cut))
			return true;
	}
	return false;
}

size_t
text_ruby_split(const char *base, size_t blen, const char *reading,
		size_t rlen, size_t *bcut, size_t *rcut)
{
	struct text_mora mo[4 * TEXT_RUBY_MAX];
	size_t boff[TEXT_RUBY_MAX + 1], cut[TEXT_RUBY_MAX + 1];
	size_t nk = 0, nm = 0;

	for (size_t i = 0; i < blen;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, (const uint8_t *)base + i, blen - i);

		if (len <= 0 || nk == TEXT_RUBY_MAX ||
		    !(uc_is_property_ideographic(c) || c == 0x3005))
			return 0;
		boff[nk++] = i;
		i += (size_t)len;
	}
	if (nk < 2)
		return 0;
	for (size_t i = 0; i < rlen;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, (const uint8_t *)reading + i, rlen - i);

		if (len <= 0 || !text_is_kana(c))
			return 0;
		if (text_is_small_kana(c)) {
			if (nm == 0)
				return 0;
		} else {
			if (nm == sizeof mo / sizeof mo[0])
				return 0;
			mo[nm].at = i;
			mo[nm++].c = c;
		}
		i += (size_t)len;
	}
	if (!text_ruby_fit(mo, nm, 0, 0, nk, cut))
		return 0;
	for (size_t k = 0; k + 1 < nk; k++) {
		bcut[k] = boff[k + 1];
		rcut[k] = mo[cut[k]].at;
	}
	return nk;
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

		unsigned k = keep != NULL ? keep[i] & TEXT_KEEP_MASK
					  : TEXT_KEEP_NONE;

		if (i > 0 && uc != '\n' &&
		    (k == TEXT_KEEP_BREAK
			     ? true
			     : p[i] == UC_BREAK_POSSIBLE && k == TEXT_KEEP_NONE)) {
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
