/*
 * Unit tests for visittext: a follow-up's lines from a session built by
 * hand, and a patient's whole timeline from a real store (sessions of
 * both kinds, a flag acknowledged, may prescribe, the tests).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "store-visit.h"
#include "tap.h"
#include "visittext.h"
#include "xmalloc.h"

#define VERSION "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

START_TEST(test_session_lines)
{
	struct store_vanswer_row va[] = {
		{ 1, "method", "pill", 1, 0, "t" },
		{ 2, "method", "condom", 1, 0, "t" },
		{ 3, "mood", "low-mood", 2, 2, "t" },
		{ 4, "mood", "worry", 1, 1, "t" },
		{ 5, "reconsent", "preg-risk", 1, 0, "t" },
	};
	struct store_flag_row fl[] = {
		{ 1, "mood", "low-mood", "staff", "2026-11-21T07:00:00.000Z",
		  NULL, NULL, 0, NULL, NULL },
	};
	struct store_answer_row an[] = {
		{ 1, "q-a", 1, 0, "x", NULL, false, "t" },
		{ 2, "q-a", 2, 1, "y", NULL, true, "t" },
		{ 3, "q-b", 1, 0, "z", NULL, true, "t" },
	};
	struct store_session s;
	struct strbuf out;

	memset(&s, 0, sizeof s);
	s.visit = "follow-up";
	s.profile = "pregnancy";
	s.outcome = STORE_COMPLETED;
	s.vanswers = va;
	s.nvanswers = 5;
	s.flags = fl;
	s.nflags = 1;
	s.answers = an;
	s.nanswers = 3;
	s.nacks = 7;
	strbuf_init(&out);
	visittext_session(&out, &s);
	ck_assert_str_eq(out.s,
		"  contraception: pill, condom\n"
		"  mood check: total 3 (low-mood 2, worry 1)\n"
		"  side effects: none ticked\n"
		"  re-check: q-a wrong then right; q-b right\n"
		"  statements: 7 confirmed; shown again (new or changed"
		" wording): preg-risk\n"
		"  flag: staff mood low-mood, NOT ACKNOWLEDGED\n"
		"  may prescribe: not recorded\n");
	/* nothing chosen by a patient who can become pregnant */
	s.nvanswers = 0;
	s.nflags = 0;
	strbuf_reset(&out);
	visittext_session(&out, &s);
	ck_assert_ptr_nonnull(strstr(out.s, "contraception: none chosen\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "mood check: not answered\n"));
	strbuf_done(&out);
}
END_TEST

static int64_t test_now = 1795244400000LL;

static int64_t
test_clock(void *ctx)
{
	(void)ctx;
	return test_now += 1000;
}

START_TEST(test_patient)
{
	char dir[] = "/tmp/test-visittext.XXXXXX", *db, *err = NULL, *cmd;
	struct store_opts o = { .clock = test_clock };
	struct store_start ss = { .kiosk_id = "k", .staff_id = "n",
		.patient_ref = "P-1", .profile = "pregnancy", .lang = "ja",
		.content_version = VERSION };
	struct store_test t = { "P-1", "2026-11-21", "negative", "clinic", "n" };
	struct store_visit_answer a = { "mood", "low-mood", 1, 1 };
	struct store *st;
	struct strbuf out;
	int64_t id;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	db = xasprintf("%s/r.db", dir);
	ck_assert_int_eq(clock_set_zone("UTC", &err), 0);
	st = store_open(db, &o, &err);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "n", "m", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err),
			 0);
	ss.visit = "follow-up";
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), 0);
	ck_assert_int_eq(store_visit_answer(st, id, &a, &err), 0);
	ck_assert_int_eq(store_flag_raise(st, id, "mood", "self-harm",
					  "urgent", NULL, &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_STOPPED, "urgent",
					   &err), 0);
	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-b", &err), 0);
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), 0);
	strbuf_init(&out);
	ck_assert_int_eq(visittext_patient(&out, st, "P-1", &err), 0);
	ck_assert_ptr_nonnull(strstr(out.s, "Patient P-1: 2 visits (1 follow-ups)\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "#1  first visit  2026-11-21 07:00 +00:00  completed"));
	ck_assert_ptr_nonnull(strstr(out.s, "  may prescribe: not recorded\n#2  follow-up"));
	ck_assert_ptr_nonnull(strstr(out.s, "stopped"));
	ck_assert_ptr_nonnull(strstr(out.s, "  mood check: total 1 (low-mood 1)\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "  flag: URGENT mood self-harm, acknowledged by nurse-b at 2026-11-21 07:00 +00:00\n"));
	ck_assert_ptr_nonnull(strstr(out.s, "Pregnancy tests:\n  #1  2026-11-21  negative  clinic  staff n  entered 2026-11-21 07:00 +00:00\n"));
	strbuf_reset(&out);
	ck_assert_int_eq(visittext_patient(&out, st, "P-2", &err), 1);
	ck_assert_str_eq(out.s, "");
	strbuf_done(&out);
	store_close(st);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		perror("rm");
	free(cmd);
	free(db);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("visittext");
	TCase *tc = tcase_create("visittext");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_session_lines);
	tcase_add_test(tc, test_patient);
	suite_add_tcase(s, tc);
	return s;
}
