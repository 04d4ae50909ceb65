/*
 * text-fuzzer: libFuzzer target over the text engine alone (text_keep_rules,
 * text_wrap, text_measure) with any width. The first byte picks the width
 * (1..64) and the ambiguous width; the rest is UTF-8 text (invalid input and
 * control characters other than tab and newline are skipped, as decode lets
 * none through). Bytes inside （ ） are marked TEXT_ASIDE, as layout marks
 * a reading, when the first byte's top bit is set. Checks what text_wrap
 * promises: lines in order, nothing but spaces and hard breaks between
 * them, no trailing spaces, the width given right, no line wider than the
 * width unless it holds a single character, the last line and every line
 * before a hard break ended by it (TEXT_BRK_END) and no other; that
 * text_para wraps the same at other widths and measures min <= word <=
 * phrase; that text_ruby_split, given the text split at its first 《,
 * divides it into whole characters in order or not at all; and that
 * text_keep_phrases only raises NONE to SOFT.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What may stand between lines: spaces, tabs and hard breaks ('\n', U+2028,
 * U+2029); returns its length at s[k], or 0. */
static size_t
text_fuzz_gap(const char *s, size_t k, size_t n)
{
	if (s[k] == ' ' || s[k] == '\t' || s[k] == '\n')
		return 1;
	if (k + 2 < n && s[k] == '\xe2' && s[k + 1] == '\x80' &&
	    (s[k + 2] == '\xa8' || s[k + 2] == '\xa9'))
		return 3;
	return 0;
}

#define TEXT_FUZZ_CHECK(cond)                                                 \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "text-fuzzer: %s fails\n", #cond);   \
			abort();                                              \
		}                                                             \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	size_t n, nl, prev = 0;
	int width, amb, mn, mx;
	unsigned char *keep;
	struct text_line *lines;

	if (size < 1)
		return 0;
	width = (data[0] & 63) + 1;
	amb = (data[0] & 64) ? 2 : 1;
	n = size - 1;
	if (u8_check((const uint8_t *)s, n) != NULL)
		return 0;
	for (size_t i = 0; i < n;) { /* decode lets no control through */
		ucs4_t c;

		i += (size_t)u8_mbtouc(&c, (const uint8_t *)s + i, n - i);
		if ((c < 0x20 && c != '\t' && c != '\n') ||
		    (c >= 0x7f && c < 0xa0))
			return 0;
	}
	keep = calloc(n + 1, 1);
	text_keep_rules(s, n, keep);
	if (data[0] & 128) { /* readings in parentheses, as layout marks them */
		bool in = false;

		for (size_t i = 0; i < n; i++) {
			if (i + 2 < n && memcmp(s + i, "\xef\xbc\x88", 3) == 0)
				in = true;
			if (in)
				keep[i] |= TEXT_ASIDE;
			if (i >= 2 && memcmp(s + i - 2, "\xef\xbc\x89", 3) == 0)
				in = false;
		}
	}
	{ /* text_keep_phrases only raises NONE to SOFT, keeps TEXT_ASIDE */
		unsigned char *k2 = malloc(n + 1);

		memcpy(k2, keep, n + 1);
		text_keep_phrases(s, n, k2);
		for (size_t i = 0; i <= n; i++) {
			int was = keep[i] & TEXT_KEEP_MASK, is = k2[i] & TEXT_KEEP_MASK;

			TEXT_FUZZ_CHECK((k2[i] & ~TEXT_KEEP_MASK) ==
					(keep[i] & ~TEXT_KEEP_MASK));
			TEXT_FUZZ_CHECK(is == was ||
					(was == TEXT_KEEP_NONE && is == TEXT_KEEP_SOFT));
		}
		free(k2);
	}
	nl = text_wrap(s, n, keep, width, amb, &lines);
	TEXT_FUZZ_CHECK(nl > 0);
	for (size_t i = 0; i < nl; i++) {
		size_t a = lines[i].start, e = lines[i].end;
		bool hard = false;

		TEXT_FUZZ_CHECK(a >= prev && e >= a && e <= n);
		for (size_t k = prev, g; k < a; k += g) /* spaces, breaks */
			TEXT_FUZZ_CHECK((g = text_fuzz_gap(s, k, n)) > 0);
		TEXT_FUZZ_CHECK(e == a || (s[e - 1] != ' ' && s[e - 1] != '\t'));
		TEXT_FUZZ_CHECK(lines[i].width == text_width(s + a, e - a, amb));
		/* wider than the line only as a single character */
		TEXT_FUZZ_CHECK(lines[i].width <= width ||
				u8_mblen((const uint8_t *)s + a, e - a) ==
					(int)(e - a));
		TEXT_FUZZ_CHECK(lines[i].brk <= TEXT_BRK_FORCED);
		/* a hard break right after the line (past its spaces) */
		for (size_t k = e; k < n && !hard; k++) {
			if (s[k] == '\n' || text_fuzz_gap(s, k, n) == 3)
				hard = true;
			else if (s[k] != ' ' && s[k] != '\t')
				break;
		}
		TEXT_FUZZ_CHECK((lines[i].brk == TEXT_BRK_END) ==
				(i + 1 == nl || hard));
		prev = e;
	}
	for (size_t k = prev, g; k < n; k += g)
		TEXT_FUZZ_CHECK((g = text_fuzz_gap(s, k, n)) > 0);
	text_measure(s, n, keep, amb, &mn, &mx);
	TEXT_FUZZ_CHECK(mn >= 0 && mx >= mn);
	free(lines);

	/* text_para: the same lines as text_wrap at other widths; measures */
	{
		int *cols = calloc(n + 1, sizeof *cols);
		struct text_para *tp;
		int pm, pw, pp;

		text_scan(s, n, amb, NULL, cols);
		tp = text_para_new(s, n, keep, cols, amb);
		for (int w = width; w <= width + 24; w += 8) {
			struct text_line *a, *b;
			size_t na = text_para_wrap(tp, w, &a);
			size_t nb = text_wrap(s, n, keep, w, amb, &b);

			TEXT_FUZZ_CHECK(na == nb);
			for (size_t i = 0; i < na; i++)
				TEXT_FUZZ_CHECK(a[i].start == b[i].start &&
						a[i].end == b[i].end &&
						a[i].brk == b[i].brk);
			free(a);
			free(b);
		}
		text_para_measure(tp, &pm, &pw, &pp);
		TEXT_FUZZ_CHECK(pm >= 0 && pm <= pw && pw <= pp);
		text_para_free(tp);
		free(cols);
	}

	/* text_ruby_split over the text split at its first 《 */
	{
		const char *q = NULL;
		size_t bc[TEXT_RUBY_MAX], rc[TEXT_RUBY_MAX], np;

		for (size_t i = 0; q == NULL && i + 3 <= n; i++)
			if (memcmp(s + i, "\xe3\x80\x8a", 3) == 0)
				q = s + i;

		if (q != NULL) {
			size_t bl = (size_t)(q - s), rl = n - bl - 3;

			np = text_ruby_split(s, bl, q + 3, rl, bc, rc);
			TEXT_FUZZ_CHECK(np == 0 || (np >= 2 && np <= TEXT_RUBY_MAX));
			for (size_t k = 0; k + 1 < np; k++) {
				TEXT_FUZZ_CHECK(bc[k] > (k ? bc[k - 1] : 0) && bc[k] < bl);
				TEXT_FUZZ_CHECK(rc[k] > (k ? rc[k - 1] : 0) && rc[k] < rl);
				TEXT_FUZZ_CHECK(((unsigned char)s[bc[k]] & 0xC0) != 0x80);
				TEXT_FUZZ_CHECK(((unsigned char)q[3 + rc[k]] & 0xC0) != 0x80);
			}
		}
	}
	free(keep);
	return 0;
}
