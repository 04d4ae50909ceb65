/*
 * Unit tests for ingate: what enters the records is valid UTF-8, NFC, free
 * of controls and invisible characters, trimmed, visible and not too long;
 * every refusal says what and where.
 */
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unistr.h>

#include "ingate.h"
#include "tap.h"

/* Clean s (NUL-terminated) as a name; NULL and *why on refusal. */
static char *
clean(enum ingate_kind k, const char *s, char **why)
{
	return ingate_clean(k, s, strlen(s), 0, why);
}

static void
assert_clean(enum ingate_kind k, const char *in, const char *want)
{
	char *why = NULL, *got = clean(k, in, &why);

	ck_assert_msg(got != NULL, "refused: %s", why ? why : "?");
	ck_assert_str_eq(got, want);
	ck_assert_ptr_null(why);
	ck_assert(ingate_is_clean(k, got, 0, NULL));
	free(got);
}

/* Refused, with a message holding each of the words given. */
static void
assert_refused(enum ingate_kind k, const char *in, size_t len,
	       const char *w1, const char *w2)
{
	char *why = NULL, *got = ingate_clean(k, in, len, 0, &why);

	ck_assert_ptr_null(got);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, w1) != NULL, "'%s' not in '%s'", w1, why);
	if (w2 != NULL)
		ck_assert_msg(strstr(why, w2) != NULL, "'%s' not in '%s'", w2, why);
	/* a message never quotes the bad bytes */
	for (const char *p = why; *p != '\0'; p++)
		ck_assert((unsigned char)*p >= 0x20 && *p != 0x7f);
	ck_assert(u8_check((const uint8_t *)why, strlen(why)) == NULL);
	free(why);
}

START_TEST(test_plain)
{
	assert_clean(INGATE_NAME, "Hanako Yamada", "Hanako Yamada");
	assert_clean(INGATE_NAME, "山田　花子", "山田　花子");
	assert_clean(INGATE_NAME, "ヤマダ ハナコ", "ヤマダ ハナコ");
	assert_clean(INGATE_REF, "P-000123", "P-000123");
	assert_clean(INGATE_STAFF, "nurse-7", "nurse-7");
	assert_clean(INGATE_KIOSK, "waiting-room-1", "waiting-room-1");
}
END_TEST

START_TEST(test_nfc)
{
	/* e + combining acute; か + combining dakuten */
	assert_clean(INGATE_NAME, "Rene\xcc\x81", "Ren\xc3\xa9");
	assert_clean(INGATE_NAME, "\xe3\x81\x8b\xe3\x82\x99", "が");
	/* a removed character between base and mark: still composed */
	assert_clean(INGATE_NAME, "e\xe2\x80\x8b\xcc\x81", "\xc3\xa9");
	/* halfwidth katakana is not folded (NFC, not NFKC) */
	assert_clean(INGATE_NAME, "ｶﾅ", "ｶﾅ");
}
END_TEST

START_TEST(test_invalid_utf8)
{
	assert_refused(INGATE_REF, "ab\xff", 3, "UTF-8", "byte 3");
	assert_refused(INGATE_REF, "\xc0\xaf", 2, "UTF-8", "byte 1");
	/* an encoded surrogate; a sequence cut short */
	assert_refused(INGATE_NAME, "x\xed\xa0\x80", 4, "UTF-8", "byte 2");
	assert_refused(INGATE_NAME, "xy\xe3\x81", 4, "UTF-8", "byte 3");
	/* the subject names the field */
	assert_refused(INGATE_REF, "\xff", 1, "patient reference", NULL);
	assert_refused(INGATE_STAFF, "\xff", 1, "staff ID", NULL);
	assert_refused(INGATE_KIOSK, "\xff", 1, "kiosk ID", NULL);
	assert_refused(INGATE_NAME, "\xff", 1, "name", NULL);
}
END_TEST

START_TEST(test_controls)
{
	assert_refused(INGATE_REF, "P\x1b[31m1", 7, "control character",
		       "U+001B) at character 2");
	assert_refused(INGATE_REF, "P\xc2\x9b" "31m", 6, "U+009B", "character 2");
	assert_refused(INGATE_NAME, "a\x7f", 2, "U+007F", "character 2");
	assert_refused(INGATE_NAME, "a\x07", 2, "U+0007", NULL);
	assert_refused(INGATE_NAME, "ab\0c", 4, "U+0000", "character 3");
	/* character positions count characters, not bytes */
	assert_refused(INGATE_NAME, "山田\x1b", 7, "character 3", NULL);
	/* white space controls become a space, trimmed at the ends */
	assert_clean(INGATE_NAME, "Yamada\tHanako\n", "Yamada Hanako");
	assert_clean(INGATE_NAME, "\r\nA\xc2\x85" "B\xe2\x80\xa8" "C", "A B C");
}
END_TEST

START_TEST(test_invisible)
{
	/* zero-width space alone: not a name */
	assert_refused(INGATE_NAME, "\xe2\x80\x8b", 3, "visible", NULL);
	assert_refused(INGATE_NAME, "\xe2\x80\x8b\xe2\x80\x8b \xef\xbb\xbf", 10,
		       "visible", NULL);
	/* Hangul filler: a letter by category, invisible by design */
	assert_refused(INGATE_NAME, "\xe3\x85\xa4", 3, "visible", NULL);
	/* blanks, a mark on its own, braille blank */
	assert_refused(INGATE_NAME, "   ", 3, "visible", NULL);
	assert_refused(INGATE_NAME, "\xe3\x80\x80", 3, "visible", NULL);
	assert_refused(INGATE_NAME, "\xcc\x81", 2, "visible", NULL);
	assert_refused(INGATE_NAME, "\xe2\xa0\x80", 3, "visible", NULL);
	assert_refused(INGATE_NAME, "", 0, "empty", NULL);
	assert_refused(INGATE_REF, "", 0, "patient reference is empty", NULL);
	/* bidi overrides, isolates and marks are removed */
	assert_clean(INGATE_NAME, "abc\xe2\x80\xae" "fed", "abcfed");
	assert_clean(INGATE_REF, "\xe2\x81\xa6P1\xe2\x81\xa9\xe2\x80\x8f",
		     "P1");
	assert_clean(INGATE_NAME, "\xef\xbb\xbfHanako", "Hanako");
	/* kept: an ideographic variation sequence (葛 + VS17), ZWJ */
	assert_clean(INGATE_NAME, "葛\xf3\xa0\x84\x80城", "葛\xf3\xa0\x84\x80城");
	assert_clean(INGATE_NAME, "a\xe2\x80\x8d" "b", "a\xe2\x80\x8d" "b");
}
END_TEST

START_TEST(test_noncharacters)
{
	assert_refused(INGATE_NAME, "a\xef\xbf\xbf", 4, "not allowed",
		       "U+FFFF) at character 2");
	assert_refused(INGATE_NAME, "\xef\xb7\x90", 3, "U+FDD0", NULL);
	assert_refused(INGATE_NAME, "\xf4\x8f\xbf\xbf", 4, "U+10FFFF", NULL);
}
END_TEST

START_TEST(test_spaces)
{
	assert_clean(INGATE_NAME, "  a  \xe3\x80\x80 b ", "a b");
	assert_clean(INGATE_NAME, "\xe3\x80\x80\xe3\x80\x80山田", "山田");
	assert_clean(INGATE_NAME, "山田\xe3\x80\x80\xe3\x80\x80花子",
		     "山田\xe3\x80\x80花子");
	/* no-break and en spaces: a plain space */
	assert_clean(INGATE_NAME, "a\xc2\xa0\xe2\x80\x82" "b", "a b");
}
END_TEST

START_TEST(test_length)
{
	char buf[4 * 200];
	char *why = NULL, *got;

	/* at most 64 characters, counted as characters, not bytes */
	buf[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(buf, "あ");
	got = ingate_clean(INGATE_REF, buf, strlen(buf), 0, &why);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(ingate_chars(got, strlen(got)), 64);
	free(got);
	strcat(buf, "い");
	assert_refused(INGATE_REF, buf, strlen(buf), "too long",
		       "65 characters, at most 64");
	/* a caller's own limit */
	got = ingate_clean(INGATE_TEXT, "abcd", 4, 3, &why);
	ck_assert_ptr_null(got);
	ck_assert_ptr_nonnull(strstr(why, "at most 3"));
	free(why);
	/* spaces trimmed before counting; NFC before counting */
	got = ingate_clean(INGATE_TEXT, "  abc  ", 7, 3, NULL);
	ck_assert_str_eq(got, "abc");
	free(got);
	got = ingate_clean(INGATE_TEXT, "e\xcc\x81" "e\xcc\x81", 6, 2, NULL);
	ck_assert_str_eq(got, "\xc3\xa9\xc3\xa9");
	free(got);
	/* why may be NULL */
	ck_assert_ptr_null(ingate_clean(INGATE_TEXT, "\x1b", 1, 0, NULL));
}
END_TEST

START_TEST(test_is_clean)
{
	char *why = NULL;

	ck_assert(ingate_is_clean(INGATE_NAME, "山田　花子", 0, &why));
	ck_assert_ptr_null(why);
	ck_assert(!ingate_is_clean(INGATE_NAME, "a\xe2\x80\x8b", 0, &why));
	ck_assert_ptr_nonnull(strstr(why, "invisible"));
	free(why);
	why = NULL;
	ck_assert(!ingate_is_clean(INGATE_NAME, " a", 0, &why));
	free(why);
	why = NULL;
	ck_assert(!ingate_is_clean(INGATE_NAME, "e\xcc\x81", 0, &why));
	free(why);
	why = NULL;
	ck_assert(!ingate_is_clean(INGATE_REF, "\x1b", 0, &why));
	ck_assert_ptr_nonnull(strstr(why, "U+001B"));
	free(why);
}
END_TEST

START_TEST(test_typable)
{
	ck_assert(ingate_typable('a'));
	ck_assert(ingate_typable(0x3042));
	ck_assert(ingate_typable(' '));
	ck_assert(ingate_typable(0x3000));
	ck_assert(ingate_typable('\n'));
	ck_assert(ingate_typable(0xfe0f));
	ck_assert(ingate_typable(0x200d));
	ck_assert(!ingate_typable(0x1b));
	ck_assert(!ingate_typable(0x7f));
	ck_assert(!ingate_typable(0x9b));
	ck_assert(!ingate_typable(0x200b));
	ck_assert(!ingate_typable(0x202e));
	ck_assert(!ingate_typable(0x2066));
	ck_assert(!ingate_typable(0xfeff));
	ck_assert(!ingate_typable(0xffff));
	ck_assert(!ingate_typable(0xd800));
	ck_assert(!ingate_typable(0x110000));
}
END_TEST

/*
 * Every code point class, between two letters: either refused with a
 * message (and then the character is not typable either), or the result
 * is clean: valid UTF-8, no control, no bidi control, nothing that could not
 * be typed, and stable under a second pass. Every BMP character and every
 * 13th above.
 */
START_TEST(test_every_code_point)
{
	for (ucs4_t c = 0; c <= 0x10ffff; c += c < 0x10000 ? 1 : 13) {
		uint8_t in[8];
		int k;
		char *why = NULL, *got;

		if (c >= 0xd800 && c < 0xe000)
			continue;
		in[0] = 'a';
		k = u8_uctomb(in + 1, c, 6);
		in[1 + k] = 'b';
		got = ingate_clean(INGATE_TEXT, (const char *)in, (size_t)k + 2, 0,
				   &why);
		/* ck_abort only on failure: every ck_assert is a message to
		 * Check's parent process, a million of them take seconds */
		if (got == NULL) {
			if (why == NULL || ingate_typable(c))
				ck_abort_msg("U+%04X refused but typable", (unsigned)c);
			free(why);
			continue;
		}
		if (u8_check((const uint8_t *)got, strlen(got)) != NULL)
			ck_abort_msg("U+%04X: invalid UTF-8 out", (unsigned)c);
		for (const uint8_t *p = (const uint8_t *)got; *p != '\0';) {
			ucs4_t d;

			p += u8_mbtouc_unsafe(&d, p, strlen((const char *)p));
			if (!ingate_typable(d) || d < 0x20 ||
			    (d >= 0x7f && d < 0xa0) ||
			    uc_is_property_bidi_control(d))
				ck_abort_msg("U+%04X kept U+%04X", (unsigned)c,
					     (unsigned)d);
		}
		if (!ingate_is_clean(INGATE_TEXT, got, 0, NULL))
			ck_abort_msg("U+%04X: not stable", (unsigned)c);
		free(got);
	}
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("ingate");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_nfc);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_controls);
	tcase_add_test(tc, test_invisible);
	tcase_add_test(tc, test_noncharacters);
	tcase_add_test(tc, test_spaces);
	tcase_add_test(tc, test_length);
	tcase_add_test(tc, test_is_clean);
	tcase_add_test(tc, test_typable);
	tcase_add_test(tc, test_every_code_point);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
