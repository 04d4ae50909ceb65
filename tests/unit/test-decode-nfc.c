/*
 * Unit tests for decode's NFC shortcut: decode skips u8_normalize for text
 * made only of characters it deems stable (decode.c, decode_nfc_stable).
 * These tests check, against u8_normalize itself, that no such text can
 * change under NFC:
 *   - every code point on its own between two letters (a character NFC maps
 *     to something else, or that reorders, must make decode normalise);
 *   - every canonical composition (a, b) that NFC makes (found by walking
 *     all code points' decompositions with libunistring), and Hangul L+V and
 *     LV+T: a pair of stable characters must never compose.
 */
#include <stdlib.h>
#include <string.h>

#include <uninorm.h>
#include <unistr.h>

#include "decode.h"
#include "diag.h"
#include "tap.h"

/* decode_bytes(s) must equal u8_normalize(NFC, s). */
static void
check_same(const ucs4_t *cs, size_t n)
{
	uint8_t in[64], *want;
	size_t len = 0, wantlen;
	struct decode_text t;
	struct diag_list dl;
	int rc;

	for (size_t i = 0; i < n; i++)
		len += (size_t)u8_uctomb(in + len, cs[i], (int)(sizeof in - len));
	want = u8_normalize(UNINORM_NFC, in, len, NULL, &wantlen);
	ck_assert_ptr_nonnull(want);
	diag_list_init(&dl);
	rc = decode_bytes("t.md", in, len, &t, &dl);
	ck_assert_msg(rc == 0, "U+%04X: decode failed", (unsigned)cs[n > 1]);
	ck_assert_msg(t.len == wantlen && memcmp(t.text, want, wantlen) == 0,
		      "U+%04X U+%04X U+%04X: decode differs from u8_normalize",
		      (unsigned)cs[0], (unsigned)(n > 1 ? cs[1] : 0),
		      (unsigned)(n > 2 ? cs[2] : 0));
	decode_text_done(&t);
	diag_list_done(&dl);
	free(want);
}

/* Code points that are text (not controls, which are errors, nor
 * surrogates, which UTF-8 cannot hold). */
static int
is_text(ucs4_t c)
{
	return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f) &&
	       !(c >= 0xd800 && c <= 0xdfff);
}

START_TEST(test_every_code_point)
{
	/*
	 * _i is the plane (tcase_add_loop_test). Planes 4-13 have nothing
	 * assigned in Unicode 14 and 15-16 only private use: every 251st
	 * code point there, all of them elsewhere (the sanitizer build has
	 * to finish in meson's 30 seconds).
	 */
	ucs4_t step = (_i >= 4 && _i <= 13) || _i >= 15 ? 251 : 1;

	for (ucs4_t c = (ucs4_t)_i << 16; c < ((ucs4_t)_i + 1) << 16;
	     c += step) {
		ucs4_t s[3] = { 'a', c, 'a' };

		if (!is_text(c))
			continue;
		check_same(s, 3);
	}
}
END_TEST

START_TEST(test_every_composition)
{
	size_t pairs = 0;

	for (ucs4_t p = 0; p < 0x110000; p++) {
		ucs4_t d[UC_DECOMPOSITION_MAX_LENGTH];

		if (!is_text(p) || uc_canonical_decomposition(p, d) != 2)
			continue;
		if (!is_text(d[0]) || !is_text(d[1]))
			continue;
		check_same(d, 2);
		pairs++;
	}
	/* Unicode 14 has about a thousand pairs; a broken walk finds none */
	ck_assert_uint_gt(pairs, 900);
	/* Hangul, composed by rule: L+V → LV, LV+T → LVT */
	for (ucs4_t l = 0x1100; l <= 0x1112; l++)
		for (ucs4_t v = 0x1161; v <= 0x1175; v++) {
			ucs4_t s[2] = { l, v };
			check_same(s, 2);
		}
	for (ucs4_t lv = 0xac00; lv <= 0xd7a3; lv += 28)
		for (ucs4_t t = 0x11a8; t <= 0x11c2; t++) {
			ucs4_t s[2] = { lv, t };
			check_same(s, 2);
		}
}
END_TEST

START_TEST(test_known)
{
	/* stable text is returned as it is; the rest is normalised */
	ucs4_t kana[3] = { 0x304b, 0x3099, 0x3042 };  /* か + dakuten → が */
	ucs4_t compat[2] = { 0x3042, 0xfa19 };        /* 神 compat → 神 */
	ucs4_t jamo[2] = { 0x1100, 0x1161 };          /* ᄀ + ᅡ → 가 */
	ucs4_t oriya[2] = { 0x0b47, 0x0b3e };         /* → U+0B4B */

	check_same(kana, 3);
	check_same(compat, 2);
	check_same(jamo, 2);
	check_same(oriya, 2);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("decode-nfc");
	TCase *tc = tcase_create("decode-nfc");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_known);
	tcase_add_test(tc, test_every_composition);
	tcase_add_loop_test(tc, test_every_code_point, 0, 17);
	suite_add_tcase(s, tc);
	return s;
}
