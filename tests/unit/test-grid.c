/*
 * Unit tests for grid: widths (wide, ambiguous 1 and 2), clipping without
 * broken wide characters, overwriting half of a wide character, text dumps.
 */
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "tap.h"

START_TEST(test_put_ascii_and_wide)
{
	struct grid *g = grid_new(10, 2, 1);
	char *row;

	ck_assert_int_eq(grid_put(g, 0, 0, "ab日本", -1, GRID_NORMAL), 6);
	ck_assert_int_eq(grid_at(g, 2, 0)->width, 2);
	ck_assert_int_eq(grid_at(g, 3, 0)->width, 0);
	ck_assert_str_eq(grid_at(g, 2, 0)->text, "日");
	row = grid_row_text(g, 0);
	ck_assert_str_eq(row, "ab日本");
	free(row);
	grid_free(g);
}
END_TEST

START_TEST(test_clip_wide_never_split)
{
	struct grid *g = grid_new(5, 1, 1);
	char *row;

	/* 日本語 is 6 columns: only two characters fit in 5. */
	ck_assert_int_eq(grid_put(g, 0, 0, "日本語", -1, GRID_NORMAL), 4);
	ck_assert_str_eq(grid_at(g, 4, 0)->text, " ");
	row = grid_row_text(g, 0);
	ck_assert_str_eq(row, "日本");
	free(row);
	/* maxw cuts too */
	grid_clear(g);
	ck_assert_int_eq(grid_put(g, 1, 0, "あいう", 3, GRID_NORMAL), 2);
	grid_free(g);
}
END_TEST

START_TEST(test_ambiguous)
{
	struct grid *g1 = grid_new(10, 1, 1), *g2 = grid_new(10, 1, 2);

	ck_assert_int_eq(grid_strwidth("※a", 1), 2);
	ck_assert_int_eq(grid_strwidth("※a", 2), 3);
	ck_assert_int_eq(grid_put(g1, 0, 0, "※○", -1, GRID_NORMAL), 2);
	ck_assert_int_eq(grid_put(g2, 0, 0, "※○", -1, GRID_NORMAL), 4);
	ck_assert_int_eq(grid_at(g2, 1, 0)->width, 0);
	grid_free(g1);
	grid_free(g2);
}
END_TEST

START_TEST(test_overwrite_half)
{
	struct grid *g = grid_new(6, 1, 1);
	char *row;

	grid_put(g, 0, 0, "日本語", -1, GRID_NORMAL);
	/* Writing over the right half of 日 blanks its left half. */
	grid_put(g, 1, 0, "x", -1, GRID_NORMAL);
	row = grid_row_text(g, 0);
	ck_assert_str_eq(row, " x本語");
	free(row);
	/* and over the left half of 本 blanks its right half */
	grid_put(g, 2, 0, "y", -1, GRID_NORMAL);
	row = grid_row_text(g, 0);
	ck_assert_str_eq(row, " xy 語");
	free(row);
	grid_free(g);
}
END_TEST

START_TEST(test_controls_skipped_and_center)
{
	struct grid *g = grid_new(11, 2, 1);
	char *t;

	grid_put(g, 0, 0, "a\033[2Jb\x07" "c", -1, GRID_NORMAL);
	grid_put_center(g, 0, 1, 11, "次へ", GRID_BUTTON_HOT);
	t = grid_text(g);
	ck_assert_str_eq(t, "a[2Jbc\n   次へ\n");
	free(t);
	ck_assert_int_eq(grid_at(g, 3, 1)->style, GRID_BUTTON_HOT);
	grid_free(g);
}
END_TEST

START_TEST(test_fill_and_eq)
{
	struct grid *g = grid_new(4, 2, 1);
	const struct grid_cell *a, *b;

	grid_fill(g, 1, 0, 2, 2, GRID_BAR_FILL);
	a = grid_at(g, 1, 1);
	b = grid_at(g, 2, 0);
	ck_assert(grid_cell_eq(a, b));
	ck_assert(!grid_cell_eq(a, grid_at(g, 0, 0)));
	ck_assert_ptr_null(grid_at(g, 4, 0));
	ck_assert_ptr_null(grid_at(g, -1, 0));
	grid_resize(g, 3, 3);
	ck_assert_int_eq(grid_at(g, 2, 2)->style, GRID_NORMAL);
	grid_free(g);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("grid");
	TCase *tc = tcase_create("grid");

	tcase_add_test(tc, test_put_ascii_and_wide);
	tcase_add_test(tc, test_clip_wide_never_split);
	tcase_add_test(tc, test_ambiguous);
	tcase_add_test(tc, test_overwrite_half);
	tcase_add_test(tc, test_controls_skipped_and_center);
	tcase_add_test(tc, test_fill_and_eq);
	suite_add_tcase(s, tc);
	return s;
}
