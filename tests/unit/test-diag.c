/*
 * Unit tests for diag, xmalloc and strbuf: formatting, sorting, columns.
 */
#include <stdlib.h>
#include <string.h>

#include <unistr.h>
#include <uniwidth.h>

#include "diag.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

START_TEST(test_format)
{
	struct diag_list dl;
	char *s;

	diag_list_init(&dl);
	diag_error(&dl, "a.md", 3, 7, "bad %s", "thing");
	diag_warning(&dl, "a.md", 0, 0, "whole file");
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 1);
	ck_assert_uint_eq(diag_count(&dl, DIAG_WARNING), 1);
	s = diag_format(&dl.v[0]);
	ck_assert_str_eq(s, "a.md:3:7: error: bad thing");
	free(s);
	s = diag_format(&dl.v[1]);
	ck_assert_str_eq(s, "a.md: warning: whole file");
	free(s);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_sort_stable)
{
	struct diag_list dl;

	diag_list_init(&dl);
	diag_error(&dl, "b.md", 1, 1, "b1");
	diag_error(&dl, "a.md", 9, 1, "a9");
	diag_error(&dl, "a.md", 2, 5, "a2-first");
	diag_error(&dl, "a.md", 2, 5, "a2-second");
	diag_error(&dl, "a.md", 2, 1, "a2c1");
	diag_sort(&dl);
	ck_assert_str_eq(dl.v[0].message, "a2c1");
	ck_assert_str_eq(dl.v[1].message, "a2-first");
	ck_assert_str_eq(dl.v[2].message, "a2-second");
	ck_assert_str_eq(dl.v[3].message, "a9");
	ck_assert_str_eq(dl.v[4].message, "b1");
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_column)
{
	const char *line = "ab漢字\tx";

	ck_assert_int_eq(diag_column(line, 0), 1);
	ck_assert_int_eq(diag_column(line, 2), 3);
	ck_assert_int_eq(diag_column(line, 5), 5);  /* after 漢 */
	ck_assert_int_eq(diag_column(line, 8), 7);  /* after 字 */
	ck_assert_int_eq(diag_column(line, 9), 9);  /* tab to column 8 */
	/* an invalid byte counts one column */
	ck_assert_int_eq(diag_column("a\xff" "b", 2), 3);
	/* a real U+FFFD is one character of width 1 */
	ck_assert_int_eq(diag_column("\xef\xbf\xbd" "b", 3), 2);
	/* ambiguous characters count 1 */
	ck_assert_int_eq(diag_column("※x", 3), 2);
	/* resumed from an earlier position gives the same column */
	ck_assert_int_eq(diag_column_from(line, 5, diag_column(line, 5) - 1, 9),
			 diag_column(line, 9));
	ck_assert_int_eq(diag_column_from(line, 2, 2, 8), 7);
}
END_TEST

/* Every character's columns: what uc_width says (a control counts 1, a tab
 * goes to the next multiple of 8), whatever short cut diag takes. Every
 * character of the BMP (where the short cuts and the memo are), and every
 * 13th above it (which take the general path). */
START_TEST(test_column_every_char)
{
	for (ucs4_t c = 0; c <= 0x10FFFF; c += c < 0x10000 ? 1 : 13) {
		uint8_t buf[8];
		int n, w, want;

		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		n = u8_uctomb(buf, c, sizeof buf);
		ck_assert_int_gt(n, 0);
		w = uc_width(c, "UTF-8");
		want = c == '\t' ? 8 : w > 0 ? w : w < 0 ? 1 : 0;
		if (diag_column((const char *)buf, (size_t)n) != want + 1)
			ck_abort_msg("U+%04X: column %d, want %d", (unsigned)c,
				     diag_column((const char *)buf, (size_t)n),
				     want + 1);
	}
}
END_TEST

START_TEST(test_strbuf)
{
	struct strbuf sb;
	char *s;
	size_t len;

	strbuf_init(&sb);
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i % 10);
	ck_assert_uint_eq(sb.len, 2000);
	strbuf_addpad(&sb, ' ', 3);
	strbuf_addch(&sb, 'z');
	s = strbuf_detach(&sb, &len);
	ck_assert_uint_eq(len, 2004);
	ck_assert_str_eq(s + 1998, "9,   z");
	free(s);
	ck_assert_uint_eq(sb.len, 0);
	strbuf_done(&sb);
}
END_TEST

START_TEST(test_xasprintf)
{
	char *s = xasprintf("%s-%03d", "漢", 7);

	ck_assert_str_eq(s, "漢-007");
	free(s);
	s = xstrndup("abcdef", 3);
	ck_assert_str_eq(s, "abc");
	free(s);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_sort_stable);
	tcase_add_test(tc, test_column);
	tcase_add_test(tc, test_column_every_char);
	tcase_add_test(tc, test_strbuf);
	tcase_add_test(tc, test_xasprintf);
	suite_add_tcase(s, tc);
	return s;
}
