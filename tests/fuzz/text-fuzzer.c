/*
 * text-fuzzer: libFuzzer target over the text engine alone (text_keep_rules,
 * text_wrap, text_measure) with any width. The first byte picks the width
 * (1..64) and the ambiguous width; the rest is UTF-8 text (invalid input and
 * control characters other than tab and newline are skipped, as decode lets
 * none through). Checks what text_wrap promises:
 * lines in order, nothing but spaces and hard breaks between them, no
 * trailing spaces, the width given right, and no line wider than the width
 * unless it holds a single character.
 */
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
	nl = text_wrap(s, n, keep, width, amb, &lines);
	TEXT_FUZZ_CHECK(nl > 0);
	for (size_t i = 0; i < nl; i++) {
		size_t a = lines[i].start, e = lines[i].end;

		TEXT_FUZZ_CHECK(a >= prev && e >= a && e <= n);
		for (size_t k = prev, g; k < a; k += g) /* spaces, breaks */
			TEXT_FUZZ_CHECK((g = text_fuzz_gap(s, k, n)) > 0);
		TEXT_FUZZ_CHECK(e == a || (s[e - 1] != ' ' && s[e - 1] != '\t'));
		TEXT_FUZZ_CHECK(lines[i].width == text_width(s + a, e - a, amb));
		/* wider than the line only as a single character */
		TEXT_FUZZ_CHECK(lines[i].width <= width ||
				u8_mblen((const uint8_t *)s + a, e - a) ==
					(int)(e - a));
		prev = e;
	}
	for (size_t k = prev, g; k < n; k += g)
		TEXT_FUZZ_CHECK((g = text_fuzz_gap(s, k, n)) > 0);
	text_measure(s, n, keep, amb, &mn, &mx);
	TEXT_FUZZ_CHECK(mn >= 0 && mx >= mn);
	free(lines);
	free(keep);
	return 0;
}
