/*
 * Unit tests for keys: the action table from the X-macro, bindings, names.
 */
#include <string.h>

#include "keys.h"
#include "tap.h"

static enum keys_action
key(int k, int *arg)
{
	struct keys_event ev = { .kind = KEYS_EV_KEY, .key = k };

	return keys_action_of(&ev, arg);
}

START_TEST(test_bindings)
{
	int arg;

	ck_assert_int_eq(key(KEYS_RIGHT, &arg), KEYS_A_NEXT);
	ck_assert_int_eq(key(KEYS_LEFT, &arg), KEYS_A_BACK);
	ck_assert_int_eq(key(KEYS_ESC, &arg), KEYS_A_BACK);
	ck_assert_int_eq(key('j', &arg), KEYS_A_DOWN);
	ck_assert_int_eq(key('k', &arg), KEYS_A_UP);
	ck_assert_int_eq(key(KEYS_PGDN, &arg), KEYS_A_PAGE_DOWN);
	ck_assert_int_eq(key(' ', &arg), KEYS_A_FORWARD);
	ck_assert_int_eq(key('\r', &arg), KEYS_A_ACTIVATE);
	ck_assert_int_eq(key(KEYS_F12, &arg), KEYS_A_STAFF);
	ck_assert_int_eq(key('7', &arg), KEYS_A_DIGIT);
	ck_assert_int_eq(arg, 7);
	/* Ctrl-C, Ctrl-Z, Ctrl-\ and a kanji mean nothing */
	ck_assert_int_eq(key(3, &arg), KEYS_A_NONE);
	ck_assert_int_eq(key(26, &arg), KEYS_A_NONE);
	ck_assert_int_eq(key(28, &arg), KEYS_A_NONE);
	ck_assert_int_eq(key(0x65E5, &arg), KEYS_A_NONE);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(keys_action_name(KEYS_A_PAGE_DOWN), "page-down");
	ck_assert_int_eq(keys_action_from_name("staff"), KEYS_A_STAFF);
	ck_assert_int_eq(keys_action_from_name("nonsense"), KEYS_A_NONE);
	ck_assert_str_eq(keys_action_help(KEYS_A_NEXT), "go to the next screen");
	for (int a = 0; a < KEYS_A_COUNT; a++)
		ck_assert_int_eq(keys_action_from_name(keys_action_name(a)), a);
	ck_assert_str_eq(keys_name(KEYS_F12), "F12");
	ck_assert_str_eq(keys_name(' '), "Space");
	ck_assert_str_eq(keys_name('x'), "x");
}
END_TEST

START_TEST(test_non_keys)
{
	struct keys_event ev = { .kind = KEYS_EV_TICK };
	int arg;

	ck_assert_int_eq(keys_action_of(&ev, &arg), KEYS_A_NONE);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("keys");

	tcase_add_test(tc, test_bindings);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_non_keys);
	suite_add_tcase(s, tc);
	return s;
}
