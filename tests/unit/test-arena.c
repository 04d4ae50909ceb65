/*
 * Unit tests for arena: alignment, copies, growing the last piece in place,
 * handing blocks to another arena, reset and pieces larger than a block.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "tap.h"

START_TEST(test_alloc_align)
{
	struct arena a = { 0 };
	char *p = arena_alloc(&a, 3, 1);
	void *q = arena_alloc(&a, 8, 8);
	void *r = arena_alloc(&a, 1, 16);

	memcpy(p, "abc", 3);
	ck_assert_uint_eq((uintptr_t)q % 8, 0);
	ck_assert_uint_eq((uintptr_t)r % 16, 0);
	ck_assert((char *)q >= p + 3);
	ck_assert_mem_eq(p, "abc", 3);
	arena_done(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(test_strndup)
{
	struct arena a = { 0 };
	char *s = arena_strndup(&a, "hello world", 5);

	ck_assert_str_eq(s, "hello");
	ck_assert_str_eq(arena_strndup(&a, "", 0), "");
	arena_done(&a);
}
END_TEST

START_TEST(test_extend)
{
	struct arena a = { 0 };
	char *s = arena_strndup(&a, "ab", 2), *t;

	/* the last piece grows in place */
	ck_assert(arena_extend(&a, s + 3, 2));
	memcpy(s + 2, "cd", 3);
	ck_assert_str_eq(s, "abcd");
	/* the next piece starts after what was claimed */
	t = arena_strndup(&a, "x", 1);
	ck_assert_ptr_eq(t, s + 5);
	/* s is no longer the last piece */
	ck_assert(!arena_extend(&a, s + 5, 1));
	/* not more than the block holds */
	ck_assert(!arena_extend(&a, t + 2, ARENA_MOST + 1));
	ck_assert_str_eq(s, "abcd");
	arena_done(&a);
	/* an empty arena has no last piece */
	ck_assert(!arena_extend(&a, NULL, 1));
}
END_TEST

START_TEST(test_adopt)
{
	struct arena a = { 0 }, b = { 0 };
	char *x = arena_strndup(&a, "kept", 4), *y, *z;

	for (int i = 0; i < 100; i++) /* several blocks in b */
		y = arena_strndup(&b, "0123456789abcdef0123456789abcdef", 32);
	arena_adopt(&a, &b);
	ck_assert_ptr_null(b.head);
	ck_assert_str_eq(x, "kept");
	ck_assert_str_eq(y, "0123456789abcdef0123456789abcdef");
	/* a still takes pieces from its own newest block: right after x */
	z = arena_strndup(&a, "z", 1);
	ck_assert_ptr_eq(z, x + 5);
	/* adopting an empty arena changes nothing */
	arena_adopt(&a, &b);
	ck_assert_str_eq(z, "z");
	arena_done(&a); /* frees b's blocks too (the sanitizer build checks) */
}
END_TEST

START_TEST(test_reset_and_large)
{
	struct arena a = { 0 };
	char *p, *q, *big;

	for (int i = 0; i < 50; i++)
		arena_alloc(&a, 1000, 1);
	arena_reset(&a);
	/* the newest block is kept and used again from its start */
	ck_assert_ptr_nonnull(a.head);
	p = arena_alloc(&a, 1, 1);
	q = arena_alloc(&a, 1, 1);
	ck_assert_ptr_eq(q, p + 1);
	arena_reset(&a);
	ck_assert_ptr_eq(arena_alloc(&a, 1, 1), p);
	big = arena_alloc(&a, 3 * ARENA_MOST, 1);
	memset(big, 'x', 3 * ARENA_MOST);
	ck_assert_int_eq(big[3 * ARENA_MOST - 1], 'x');
	arena_done(&a);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("arena");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_alloc_align);
	tcase_add_test(tc, test_strndup);
	tcase_add_test(tc, test_extend);
	tcase_add_test(tc, test_adopt);
	tcase_add_test(tc, test_reset_and_large);
	suite_add_tcase(s, tc);
	return s;
}
