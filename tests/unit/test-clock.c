/*
 * Unit tests for clock: stored UTC times read strictly, shown in a zone with
 * its offset (Tokyo, New York on both sides of a DST change, Kolkata's half
 * hour, UTC), and zone names that glibc would read as UTC refused.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "tap.h"

static void
zone(const char *name)
{
	char *err = NULL;

	ck_assert_msg(clock_set_zone(name, &err) == 0, "%s: %s", name,
		      err ? err : "");
}

START_TEST(test_parse)
{
	int64_t ms;

	ck_assert_int_eq(clock_parse_utc("2026-12-06T18:06:03.123Z", &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1796580363123));
	ck_assert_int_eq(clock_parse_utc("2026-12-06T18:06:03Z", &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1796580363000));
	ck_assert_int_eq(clock_parse_utc("1970-01-01T00:00:00.000Z", &ms), 0);
	ck_assert_int_eq(ms, 0);
	ck_assert_int_eq(clock_parse_utc("2028-02-29T00:00:00Z", &ms), 0);

	/* Not the stored form, or not a time at all: refused, never guessed. */
	static const char *bad[] = {
		"", "2026-12-06", "2026-12-06T18:06:03", "2026-12-06 18:06:03Z",
		"2026-12-06T18:06:03.12Z", "2026-12-06T18:06:03.1234Z",
		"2026-13-06T18:06:03Z", "2026-00-06T18:06:03Z",
		"2026-02-30T18:06:03Z", "2027-02-29T00:00:00Z",
		"2026-12-06T24:00:00Z", "2026-12-06T18:60:03Z",
		"2026-12-06T18:06:60Z", "2026-12-06T18:06:03+09:00",
		"２026-12-06T18:06:03Z", "2026-12-06T18:06:0\x1bZ",
		"1969-12-31T23:59:59Z", "2026-12-06T18:06:03.123Zx",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(clock_parse_utc(bad[i], &ms) == -1, "accepted %s",
			      bad[i]);
}
END_TEST

START_TEST(test_tokyo)
{
	char out[CLOCK_MAX];

	zone("Asia/Tokyo");
	/* The example of issue #12: 18:06 UTC is 03:06 the next day. */
	ck_assert_str_eq(clock_format_utc("2026-12-06T18:06:03.123Z",
					  CLOCK_MINUTE, out),
			 "2026-12-07 03:06 +09:00");
	ck_assert_str_eq(clock_format_utc("2026-12-06T18:06:03.123Z",
					  CLOCK_SECOND, out),
			 "2026-12-07 03:06:03 +09:00");
	ck_assert_str_eq(clock_format_utc("2026-12-06T18:06:03.123Z",
					  CLOCK_DATE, out),
			 "2026-12-07");
	ck_assert_str_eq(clock_format_utc("2026-12-06T18:06:03.123Z",
					  CLOCK_ISO, out),
			 "2026-12-07T03:06:03.123+09:00");
	ck_assert_ptr_null(clock_format_utc("yesterday", CLOCK_MINUTE, out));
}
END_TEST

START_TEST(test_other_zones)
{
	char out[CLOCK_MAX];

	zone("America/New_York");
	ck_assert_str_eq(clock_format_utc("2026-07-01T12:00:00Z",
					  CLOCK_ISO, out),
			 "2026-07-01T08:00:00.000-04:00");
	ck_assert_str_eq(clock_format_utc("2026-12-01T12:00:00Z",
					  CLOCK_MINUTE, out),
			 "2026-12-01 07:00 -05:00");
	zone("Asia/Kolkata");
	ck_assert_str_eq(clock_format_utc("2026-12-01T12:00:00Z",
					  CLOCK_MINUTE, out),
			 "2026-12-01 17:30 +05:30");
	zone("UTC");
	ck_assert_ptr_null(clock_format_utc("2026-12-01T12:00:00.5Z",
					    CLOCK_MINUTE, out));
	ck_assert_str_eq(clock_format_utc("2026-12-01T12:00:00.500Z",
					  CLOCK_ISO, out),
			 "2026-12-01T12:00:00.500+00:00");
	ck_assert_str_eq(clock_format(-1, CLOCK_ISO, out),
			 "1969-12-31T23:59:59.999+00:00");
}
END_TEST

START_TEST(test_zone_names)
{
	char *err = NULL;

	ck_assert(clock_zone_known("Asia/Tokyo"));
	ck_assert(clock_zone_known("UTC"));
	ck_assert(clock_zone_known("Etc/UTC"));
	/* glibc would take each of these as UTC without a word. */
	static const char *bad[] = {
		"", "Asia/Tokio", "Mars/Olympus", "/etc/passwd",
		"../../etc/passwd", "Asia/../Asia/Tokyo", "Asia//Tokyo",
		"Asia/", "JST-9", "Asia/Tokyo\n", "Asia", ".", "..",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(!clock_zone_known(bad[i]), "known: %s", bad[i]);
	ck_assert(!clock_zone_known(NULL));

	zone("Asia/Tokyo");
	ck_assert_int_eq(clock_set_zone("Asia/Tokio", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "Asia/Tokyo"));
	free(err);
	/* A refused name leaves the zone as it was. */
	ck_assert_str_eq(getenv("TZ"), "Asia/Tokyo");
}
END_TEST

START_TEST(test_now)
{
	int64_t a = clock_now_ms(), b = clock_now_ms();

	/* after 2026-01-01 and not going backwards within a test */
	ck_assert_int_gt(a, INT64_C(1767225600000));
	ck_assert_int_ge(b, a);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_tokyo);
	tcase_add_test(tc, test_other_zones);
	tcase_add_test(tc, test_zone_names);
	tcase_add_test(tc, test_now);
	suite_add_tcase(s, tc);
	return s;
}
