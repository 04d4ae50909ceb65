/*
 * outgate-fuzzer: libFuzzer target over the output gate, fed what a record
 * edited behind the kiosk's back may hold: any bytes. Beyond the
 * sanitizers it checks what the gate promises for each sink:
 *   terminal: the output is valid UTF-8 with no C0 control, DEL, C1
 *     control or hidden code point (outgate_hidden), and it tells inputs
 *     apart (the escapes are unambiguous: a backslash is always doubled,
 *     so unescaping the \\, \xNN, \n, \t, \r forms and <U+XXXX> gives the
 *     input back, unless the input itself holds the text "<U+");
 *   CSV: the cell is valid UTF-8 with no control but the LF, CR and TAB a
 *     quoted cell holds, no C1, nothing hidden; quoted when it holds a
 *     comma, quote, CR or LF; never starting with a formula sign;
 *   JSON: outgate_json_check accepts exactly valid UTF-8.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "outgate.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8, no C0 (but those in allow), DEL, C1 or hidden code point. */
static void
fuzz_visible(const char *s, size_t n, const char *allow)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n;

	if (u8_check(p, n) != NULL)
		abort();
	while (p < end) {
		ucs4_t c;
		int l = u8_mbtouc(&c, p, (size_t)(end - p));

		if (c == 0 || (c < 0x20 && strchr(allow, (int)c) == NULL) ||
		    c == 0x7f || outgate_hidden(c))
			abort();
		p += l;
	}
}

static int
fuzz_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Undo outgate_term: the input again, or abort. */
static void
fuzz_unescape(const char *s, size_t n, struct strbuf *out)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == '\\') {
			if (i + 1 >= n)
				abort();
			switch (s[i + 1]) {
			case '\\': strbuf_add(out, "\\", 1); i += 2; continue;
			case 'n': strbuf_add(out, "\n", 1); i += 2; continue;
			case 't': strbuf_add(out, "\t", 1); i += 2; continue;
			case 'r': strbuf_add(out, "\r", 1); i += 2; continue;
			case 'x': {
				int h, l;
				char b;

				if (i + 3 >= n || (h = fuzz_hex(s[i + 2])) < 0 ||
				    (l = fuzz_hex(s[i + 3])) < 0)
					abort();
				b = (char)(h * 16 + l);
				strbuf_add(out, &b, 1);
				i += 4;
				continue;
			}
			default:
				abort();
			}
		}
		if (s[i] == '<' && n - i >= 8 && memcmp(s + i, "<U+", 3) == 0) {
			unsigned c = 0;
			size_t j = i + 3;
			uint8_t u[6];
			size_t ul = sizeof u;

			while (j < n && fuzz_hex(s[j]) >= 0 && j - i < 10)
				c = c * 16 + (unsigned)fuzz_hex(s[j++]);
			if (j < n && s[j] == '>' && j - i >= 7 && outgate_hidden(c) &&
			    c <= 0x10ffff) {
				ul = (size_t)u8_uctomb(u, c, (int)sizeof u);
				strbuf_add(out, (const char *)u, ul);
				i = j + 1;
				continue;
			}
		}
		strbuf_add(out, s + i, 1);
		i++;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb, back;
	char *v, *why = NULL;
	const char *q;
	bool valid = u8_check(data, size) != NULL ? false : true;

	/* terminal */
	strbuf_init(&sb);
	outgate_term_n(&sb, (const char *)data, size);
	fuzz_visible(sb.s, sb.len, "");
	strbuf_init(&back);
	fuzz_unescape(sb.s, sb.len, &back);
	/* (a value that itself holds the text "<U+" reads like an escape:
	 * the one form the gate leaves ambiguous, by design) */
	if ((back.len != size || memcmp(back.s, data, size) != 0) &&
	    memmem(data, size, "<U+", 3) == NULL)
		abort();
	strbuf_done(&back);
	strbuf_done(&sb);

	/* CSV: a NUL ends the value */
	v = malloc(size + 1);
	if (v == NULL)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	strbuf_init(&sb);
	outgate_csv(&sb, v);
	fuzz_visible(sb.s, sb.len, "\n\r\t");
	q = sb.s[0] == '"' ? sb.s + 1 : sb.s;
	if (strchr("=+-@\t\r\n", *q) != NULL && *q != '\0')
		abort();
	if (strncmp(q, "\xef\xbc\x9d", 3) == 0 || strncmp(q, "\xef\xbc\x8b", 3) == 0 ||
	    strncmp(q, "\xef\xbc\x8d", 3) == 0 || strncmp(q, "\xef\xbc\xa0", 3) == 0)
		abort();
	if (sb.s[0] != '"' && strpbrk(sb.s, ",\"\r\n") != NULL)
		abort();
	strbuf_done(&sb);
	free(v);

	/* JSON */
	if ((outgate_json_check((const char *)data, size, &why) == 0) != valid)
		abort();
	free(why);
	if (valid)
		(void)outgate_json_unsafe((const char *)data, size);
	return 0;
}
