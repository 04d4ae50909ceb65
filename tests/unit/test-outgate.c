/*
 * Unit tests for outgate: every code point class and every byte through
 * each sink (terminal, CSV, JSON); nothing a terminal acts on, nothing
 * invisible, no invalid byte comes out raw.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unistr.h>

#include "outgate.h"
#include "tap.h"

static char *
term(const char *s, size_t n)
{
	struct strbuf sb;

	strbuf_init(&sb);
	outgate_term_n(&sb, s, n);
	return strbuf_detach(&sb, NULL);
}

static char *
csv(const char *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	outgate_csv(&sb, s);
	return strbuf_detach(&sb, NULL);
}

#define TERM_EQ(lit, want) do {                                              \
		char *got_ = term(lit, sizeof lit - 1);                       \
		ck_assert_str_eq(got_, want);                                 \
		free(got_);                                                   \
	} while (0)

#define CSV_EQ(in, want) do {                                                \
		char *got_ = csv(in);                                         \
		ck_assert_str_eq(got_, want);                                 \
		free(got_);                                                   \
	} while (0)

/* Safe for a terminal: valid UTF-8, no C0, no DEL, no C1, nothing hidden;
 * with csv_ok, LF, CR and TAB allowed; with del_ok, DEL (JSON may hold it
 * raw: jansson never escapes it, and a terminal ignores it). */
static bool
safe_as(const char *s, size_t n, bool csv_ok, bool del_ok)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + n;

	if (u8_check(p, n) != NULL)
		return false;
	while (p < end) {
		ucs4_t c;

		p += u8_mbtouc_unsafe(&c, p, (size_t)(end - p));
		if (c < 0x20 && !(csv_ok && (c == '\n' || c == '\r' || c == '\t')))
			return false;
		if ((c == 0x7f && !del_ok) || outgate_hidden(c))
			return false;
	}
	return true;
}

static bool
safe(const char *s, size_t n, bool csv_ok)
{
	return safe_as(s, n, csv_ok, false);
}

START_TEST(test_term)
{
	TERM_EQ("abc 山田", "abc 山田");
	TERM_EQ("\x1b[8mchain broken", "\\x1b[8mchain broken");
	TERM_EQ("a\007b\x7f", "a\\x07b\\x7f");
	TERM_EQ("x\ny\tz\r", "x\\ny\\tz\\r");
	TERM_EQ("\\x1b", "\\\\x1b");
	TERM_EQ("\xc2\x9b" "31m", "<U+009B>31m");
	TERM_EQ("\x9b" "31m", "\\x9b31m");
	TERM_EQ("ab\xff\xfe", "ab\\xff\\xfe");
	TERM_EQ("\xe3\x81", "\\xe3\\x81");
	TERM_EQ("\xed\xa0\x80", "\\xed\\xa0\\x80");
	TERM_EQ("abc\xe2\x80\xae" "fed", "abc<U+202E>fed");
	TERM_EQ("\xe2\x81\xa6x\xe2\x81\xa9", "<U+2066>x<U+2069>");
	TERM_EQ("\xe2\x80\x8b\xef\xbb\xbf", "<U+200B><U+FEFF>");
	TERM_EQ("a\xe2\x80\xa8" "b", "a<U+2028>b");
	TERM_EQ("\xef\xbf\xbf", "<U+FFFF>");
	/* a real U+FFFD is a character like any other */
	TERM_EQ("\xef\xbf\xbd", "\xef\xbf\xbd");
	/* a variation selector stays (a kanji's form) */
	TERM_EQ("葛\xf3\xa0\x84\x80", "葛\xf3\xa0\x84\x80");
	TERM_EQ("nul\0x", "nul\\x00x");
	{
		struct strbuf sb;

		strbuf_init(&sb);
		outgate_term(&sb, NULL);
		ck_assert_str_eq(sb.s, "-");
		strbuf_done(&sb);
	}
}
END_TEST

START_TEST(test_printf)
{
	char *s;

	s = outgate_asprintf("%-8s|%s|%5lld|%zu|%d%%|%c|%-3d|%03d", "ab",
			     "\x1b]0;x\007", 42LL, (size_t)7, -3, '\x1b', 5, 9);
	ck_assert_str_eq(s, "ab      |\\x1b]0;x\\x07|   42|7|-3%|\\x1b|5  |009");
	free(s);
	/* width in display columns: 山田 is 4 */
	s = outgate_asprintf("[%-6s][%6s]", "山田", "山田");
	ck_assert_str_eq(s, "[山田  ][  山田]");
	free(s);
	/* a precision cuts on a character boundary, before escaping */
	s = outgate_asprintf("%.4s|%.2s", "山田", "ab\x1b");
	ck_assert_str_eq(s, "山|ab");
	free(s);
	{
		const char *volatile none = NULL; /* the compiler may not know */

		s = outgate_asprintf("%s", none);
		ck_assert_str_eq(s, "-");
		free(s);
	}
	s = outgate_asprintf("%lu %ld %x %u", 7UL, -7L, 255U, 3U);
	ck_assert_str_eq(s, "7 -7 ff 3");
	free(s);
}
END_TEST

START_TEST(test_csv)
{
	CSV_EQ("plain", "plain");
	CSV_EQ("山田 花子", "山田 花子");
	CSV_EQ("a,b", "\"a,b\"");
	CSV_EQ("say \"hi\"", "\"say \"\"hi\"\"\"");
	CSV_EQ("two\nlines", "\"two\nlines\"");
	/* formulas: the usual, and the leading TAB, CR, LF, full-width */
	CSV_EQ("=1+1", "'=1+1");
	CSV_EQ("+1", "'+1");
	CSV_EQ("-1", "'-1");
	CSV_EQ("@SUM(A1)", "'@SUM(A1)");
	CSV_EQ("\t=1", "'\t=1");
	CSV_EQ("\r=1", "\"'\r=1\"");
	CSV_EQ("\n=1", "\"'\n=1\"");
	CSV_EQ("＝1+1", "'＝1+1");
	CSV_EQ("－1", "'－1");
	CSV_EQ("=a,b", "\"'=a,b\"");
	/* what a terminal acts on never reaches the file */
	CSV_EQ("P\x1b[31m1", "P\\x1b[31m1");
	CSV_EQ("P\007\xc2\x9b", "P\\x07<U+009B>");
	CSV_EQ("ab\xff", "ab\\xff");
	CSV_EQ("abc\xe2\x80\xae" "fed", "abc<U+202E>fed");
	/* escaped values double their backslashes; clean ones do not */
	CSV_EQ("a\\b\x1b", "a\\\\b\\x1b");
	CSV_EQ("a\\b", "a\\b");
	/* an escaped value still gets the formula guard */
	CSV_EQ("=\x1b", "'=\\x1b");
	{
		struct strbuf sb;

		strbuf_init(&sb);
		outgate_csv(&sb, NULL);
		ck_assert_uint_eq(sb.len, 0);
		strbuf_done(&sb);
	}
}
END_TEST

START_TEST(test_json)
{
	char *why = NULL;

	ck_assert_int_eq(outgate_json_check("山田", strlen("山田"), &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_int_eq(outgate_json_check("ab\xff", 3, &why), -1);
	ck_assert_str_eq(why, "not valid UTF-8 (byte 3)");
	free(why);
	ck_assert(!outgate_json_unsafe("山田 \x1b", strlen("山田 \x1b")));
	ck_assert(outgate_json_unsafe("a\xc2\x9b", 3));
	ck_assert(outgate_json_unsafe("a\xe2\x80\xae", 4));
	ck_assert(outgate_json_unsafe("\xe2\x80\x8b", 3));
}
END_TEST

/* Every code point class between two letters, through every sink. */
START_TEST(test_every_code_point)
{
	for (ucs4_t c = 0; c <= 0x10ffff; c += c < 0x10000 ? 1 : 13) {
		char in[8], *t, *v, *j;
		int k;
		json_t *js;
		size_t flags = JSON_ENCODE_ANY | JSON_COMPACT;

		if (c >= 0xd800 && c < 0xe000)
			continue;
		in[0] = 'a';
		k = u8_uctomb((uint8_t *)in + 1, c, 6);
		in[1 + k] = 'b';
		in[2 + k] = '\0';
		/* ck_abort only on failure: a ck_assert per code point
		 * would be a message to Check's parent each */
		t = term(in, (size_t)k + 2);
		if (!safe(t, strlen(t), false))
			ck_abort_msg("term: U+%04X unsafe", (unsigned)c);
		if (c != 0 && !outgate_hidden(c) && c >= 0x20 && c != 0x7f &&
		    c != '\\' && strcmp(t, in) != 0)
			ck_abort_msg("term: U+%04X changed", (unsigned)c);
		free(t);
		if (c != 0) {
			v = csv(in);
			if (!safe(v, strlen(v), true))
				ck_abort_msg("csv: U+%04X unsafe", (unsigned)c);
			free(v);
			if (outgate_json_check(in, strlen(in), NULL) != 0)
				ck_abort_msg("json: U+%04X refused", (unsigned)c);
			js = json_stringn(in, strlen(in));
			if (outgate_json_unsafe(in, strlen(in)))
				flags |= JSON_ENSURE_ASCII;
			j = json_dumps(js, flags);
			if (!safe_as(j, strlen(j), false, true))
				ck_abort_msg("json: U+%04X unsafe", (unsigned)c);
			free(j);
			json_decref(js);
		}
	}
}
END_TEST

/* Every byte alone and after a lead byte: none comes out raw unless it is
 * printable ASCII. */
START_TEST(test_every_byte)
{
	for (int a = 0; a < 256; a++) {
		for (int b = -1; b < 256; b++) {
			char in[3] = { (char)a, (char)b, 0 };
			size_t n = b < 0 ? 1 : 2;
			char *t = term(in, n), *v;

			if (!safe(t, strlen(t), false))
				ck_abort_msg("term: %02x %02x", a, b);
			free(t);
			if (a == 0 || b == 0)
				continue;
			v = csv(in);
			if (!safe(v, strlen(v), true))
				ck_abort_msg("csv: %02x %02x", a, b);
			free(v);
			if (u8_check((const uint8_t *)in, n) != NULL &&
			    outgate_json_check(in, n, NULL) == 0)
				ck_abort_msg("json: %02x %02x accepted", a, b);
		}
	}
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("outgate");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_term);
	tcase_add_test(tc, test_printf);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_every_code_point);
	tcase_add_test(tc, test_every_byte);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
