/*
 * Unit tests for theme: the xterm palette, WCAG contrast, and the theme
 * table itself: every text/background pair of every colour theme at least
 * 4.5:1 (high-contrast 7:1), both colours always set, and set from the
 * cube and grey ramp only (16-255), never the terminal's 16 colours.
 */
#include <math.h>
#include <stdio.h>

#include "tap.h"
#include "theme.h"

START_TEST(test_palette)
{
	unsigned char c[3];

	theme_rgb(16, c);
	ck_assert(c[0] == 0 && c[1] == 0 && c[2] == 0);
	theme_rgb(231, c);
	ck_assert(c[0] == 255 && c[1] == 255 && c[2] == 255);
	theme_rgb(18, c); /* 16 + 2: blue level 2 */
	ck_assert(c[0] == 0 && c[1] == 0 && c[2] == 135);
	theme_rgb(16 + 36 * 5 + 6 * 1 + 0, c); /* r 5, g 1, b 0 */
	ck_assert(c[0] == 255 && c[1] == 95 && c[2] == 0);
	theme_rgb(232, c);
	ck_assert(c[0] == 8 && c[1] == 8 && c[2] == 8);
	theme_rgb(255, c);
	ck_assert(c[0] == 238);
	theme_rgb(9, c); /* xterm's bright red */
	ck_assert(c[0] == 255 && c[1] == 0 && c[2] == 0);
}
END_TEST

START_TEST(test_contrast)
{
	ck_assert_double_eq_tol(theme_contrast(16, 231), 21.0, 1e-9);
	ck_assert_double_eq_tol(theme_contrast(231, 16), 21.0, 1e-9);
	ck_assert_double_eq_tol(theme_contrast(244, 244), 1.0, 1e-9);
	/* #767676 on white: the well-known lightest grey that passes AA */
	ck_assert_double_eq_tol(theme_contrast(243, 231), 4.54, 0.01);
	/* #808080 on white fails it */
	ck_assert(theme_contrast(244, 231) < 4.5);
	ck_assert_double_eq_tol(theme_luminance(231), 1.0, 1e-9);
	ck_assert_double_eq_tol(theme_luminance(16), 0.0, 1e-9);
}
END_TEST

/* The promise of the issue: every pair, every theme, from the table. */
START_TEST(test_every_pair)
{
	int checked = 0;

	for (int t = 0; t < THEME_COUNT; t++) {
		double min = theme_min_contrast(t);

		if (!theme_has_colour(t))
			continue;
		ck_assert(min >= 4.5);
		for (int s = 0; s < GRID_STYLE_COUNT; s++) {
			const struct theme_style *ts = theme_style(t, (enum grid_style)s);
			double r;

			ck_assert_msg(ts->fg >= 16 && ts->fg <= 255 && ts->bg >= 16 &&
				      ts->bg <= 255,
				      "%s style %d: colours %d on %d: both set, from 16-255",
				      theme_name(t), s, ts->fg, ts->bg);
			r = theme_contrast(ts->fg, ts->bg);
			ck_assert_msg(r >= min, "%s style %d: %d on %d is %.2f:1, below %.1f:1",
				      theme_name(t), s, ts->fg, ts->bg, r, min);
			checked++;
		}
	}
	ck_assert_int_eq(checked, (THEME_COUNT - 1) * GRID_STYLE_COUNT);
	ck_assert_double_eq(theme_min_contrast(THEME_HIGH_CONTRAST), 7.0);
}
END_TEST

/* A button to press now, a button that does nothing and a selected item
 * look different from each other and from the page. */
START_TEST(test_states_distinct)
{
	for (int t = 0; t < THEME_COUNT; t++) {
		const struct theme_style *n = theme_style(t, GRID_NORMAL);
		const struct theme_style *b = theme_style(t, GRID_BUTTON);
		const struct theme_style *h = theme_style(t, GRID_BUTTON_HOT);
		const struct theme_style *o = theme_style(t, GRID_BUTTON_OFF);
		const struct theme_style *f = theme_style(t, GRID_FIELD);
		const struct theme_style *c = theme_style(t, GRID_CURSOR);

#define SAME(a, b) ((a)->fg == (b)->fg && (a)->bg == (b)->bg && (a)->attr == (b)->attr)
		ck_assert_msg(!SAME(b, h) && !SAME(b, o) && !SAME(h, o) && !SAME(n, b) &&
			      !SAME(n, f) && !SAME(f, c), "theme %s", theme_name(t));
#undef SAME
	}
}
END_TEST

START_TEST(test_names)
{
	ck_assert_int_eq(theme_from_name("default"), THEME_DEFAULT);
	for (int t = 0; t < THEME_COUNT; t++)
		ck_assert_int_eq(theme_from_name(theme_name(t)), t);
	ck_assert_int_eq(theme_from_name("pink"), -1);
	ck_assert_ptr_null(theme_name(THEME_COUNT));
	ck_assert(!theme_has_colour(THEME_MONO));
	ck_assert_double_eq(theme_min_contrast(THEME_MONO), 0);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("theme");
	TCase *tc = tcase_create("theme");

	tcase_add_test(tc, test_palette);
	tcase_add_test(tc, test_contrast);
	tcase_add_test(tc, test_every_pair);
	tcase_add_test(tc, test_states_distinct);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
