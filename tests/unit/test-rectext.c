/*
 * Unit tests for rectext: a record as people read it. The receipt code of a
 * seal; times in the zone with the offset (Tokyo) and a damaged time as it
 * is; the list's header, aligned columns (wide characters count 2), code,
 * outcome and reason; `records show`'s text: the number pressed and the
 * order shown from 1, the question's text from a frozen quiz, the
 * statement's lines, the signature; question texts read per version.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <locale.h>

#include "clock.h"
#include "rectext.h"
#include "store.h"
#include "strbuf.h"
#include "tap.h"
#include "text.h"
#include "xmalloc.h"

#define VERSION "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define T0 INT64_C(1796580363000) /* 2026-12-06T18:06:03Z: 03:06 in Tokyo */

static char *test_dir;
static char *test_db;
static int64_t test_now;

static int64_t
test_clock(void *ctx)
{
	(void)ctx;
	return test_now += 1000;
}

static void
setup(void)
{
	char tmpl[] = "/tmp/test-rectext-XXXXXX";
	char *err = NULL;

	setlocale(LC_CTYPE, "C.UTF-8");
	test_dir = xstrdup(mkdtemp(tmpl));
	test_db = xasprintf("%s/records.db", test_dir);
	test_now = T0 - 1000;
	ck_assert_msg(clock_set_zone("Asia/Tokyo", &err) == 0, "%s", err);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", test_dir);

	if (system(cmd) != 0)
		perror("rm");
	free(cmd);
	free(test_db);
	free(test_dir);
}

static struct store *
test_open(void)
{
	struct store_opts o = { .clock = test_clock };
	char *err = NULL;
	struct store *st = store_open(test_db, &o, &err);

	ck_assert_msg(st != NULL, "store_open: %s", err ? err : "?");
	return st;
}

static const char quiz[] =
	"---\nid: quiz\ntitle: 問題\nkind: quiz\n---\n\n"
	"## q-1\nprofile: all\nreread: what-is\n\n"
	"｜薬《くすり》を飲むのは\nいつですか。\n\n"
	"- [ ] 朝\n- [x] 夜\n- [ ] 昼\n\n説明。\n";

/* Session 1 completed (an answer shown as "2,0,1", chosen 0: the patient
 * pressed 2), session 2 stopped with a reason and a wide reference. */
static void
test_fill(struct store *st)
{
	struct store_start s = { .kiosk_id = "k", .staff_id = "nurse-1",
		.patient_ref = "P-001", .profile = "pregnancy", .lang = "ja",
		.content_version = VERSION };
	struct store_answer a = { .question_id = "q-1", .attempt = 1,
		.choice = 0, .choice_text = "朝", .order = "2,0,1",
		.correct = false };
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_content_file(st, VERSION, "ja/quiz.md", quiz,
					    strlen(quiz), &err), 0);
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
	a.attempt = 2;
	a.choice = 1;
	a.choice_text = "夜";
	a.order = "1,2,0";
	a.correct = true;
	ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
	ck_assert_int_eq(store_ack(st, id, "s-1", "一行目\n二行目", &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "ヤマダ ハナコ",
				    "patient acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err), 0);
	s.patient_ref = "やまだ-2";
	s.profile = "no-pregnancy";
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_STOPPED,
		"q-1: 3 wrong answers, please call staff", &err), 0);
}

START_TEST(test_code_and_time)
{
	char code[RECTEXT_CODE_MAX], t[CLOCK_MAX];

	ck_assert_str_eq(rectext_code("5c10e2ed0123", code), "5c10-e2ed");
	ck_assert_str_eq(rectext_code(NULL, code), "-");
	ck_assert_str_eq(rectext_code("5c10", code), "-");
	ck_assert_str_eq(rectext_code("5c10e2gz0123", code), "-");
	ck_assert_str_eq(rectext_time("2026-12-06T18:06:03.123Z", CLOCK_MINUTE,
				      t), "2026-12-07 03:06 +09:00");
	ck_assert_str_eq(rectext_time("2026-12-06T18:06:03.123Z", CLOCK_SECOND,
				      t), "2026-12-07 03:06:03 +09:00");
	/* a damaged value as it is; none as "-" */
	ck_assert_str_eq(rectext_time("yesterday", CLOCK_MINUTE, t), "yesterday");
	ck_assert_str_eq(rectext_time(NULL, CLOCK_MINUTE, t), "-");
}
END_TEST

struct rows {
	struct rectext_row v[4];
	size_t n;
};

static int
test_row(const struct store_session *s, void *ctx)
{
	struct rows *r = ctx;

	rectext_row_init(&r->v[r->n++], s);
	return 0;
}

START_TEST(test_list)
{
	struct store *st = test_open();
	struct rows r = { .n = 0 };
	struct strbuf out;
	char *err = NULL, *l1, *l2, *l3;
	int w1, w2, w3;

	test_fill(st);
	ck_assert_int_eq(store_each(st, NULL, test_row, &r, &err), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.v[0].col[RECTEXT_STARTED], "2026-12-07 03:06 +09:00");
	ck_assert_str_eq(r.v[0].col[RECTEXT_OUTCOME], "completed");
	ck_assert_str_eq(r.v[0].col[RECTEXT_REASON], "-");
	ck_assert_str_eq(r.v[1].col[RECTEXT_OUTCOME], "stopped");
	ck_assert_str_eq(r.v[1].col[RECTEXT_REASON],
			 "q-1: 3 wrong answers, please call staff");
	ck_assert_int_eq((int)strlen(r.v[0].col[RECTEXT_CODE]), 9);
	ck_assert_int_eq(r.v[0].col[RECTEXT_CODE][4], '-');
	strbuf_init(&out);
	rectext_list(&out, r.v, r.n);
	/* a header naming the offset, then the rows, columns aligned */
	l1 = xstrdup(out.s);
	ck_assert_msg(strncmp(l1, "SESSION  STARTED (+09:00)  ", 27) == 0, "%s", l1);
	l2 = strchr(l1, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	l2[-1] = l3[-1] = '\0';
	ck_assert(strncmp(l2, "1        2026-12-07 03:06 +09:00", 32) == 0);
	ck_assert(strstr(l3, "stopped") != NULL);
	ck_assert(strstr(l3, "やまだ-2") != NULL);
	/* the reason starts at the same display column on every line */
	w1 = text_width(l1, (size_t)(strstr(l1, "REASON") - l1), 1);
	w2 = text_width(l2, (size_t)(strrchr(l2, '-') - l2), 1);
	w3 = text_width(l3, (size_t)(strstr(l3, "q-1:") - l3), 1);
	ck_assert_int_eq(w1, w3);
	ck_assert_int_eq(w1, w2);
	/* and so does the patient */
	ck_assert_int_eq(text_width(l1, (size_t)(strstr(l1, "PATIENT") - l1), 1),
			 text_width(l3, (size_t)(strstr(l3, "やまだ") - l3), 1));
	free(l1);
	strbuf_done(&out);
	for (size_t i = 0; i < r.n; i++)
		rectext_row_done(&r.v[i]);
	/* no rows: the header alone */
	strbuf_init(&out);
	rectext_list(&out, NULL, 0);
	ck_assert_ptr_eq(strchr(out.s, '\n'), out.s + out.len - 1);
	strbuf_done(&out);
	store_close(st);
}
END_TEST

START_TEST(test_show)
{
	struct store *st = test_open();
	struct rectext_questions q;
	struct store_session s;
	struct strbuf out;
	char *err = NULL;

	test_fill(st);
	rectext_questions_init(&q);
	ck_assert_int_eq(rectext_questions_load(&q, st, &err), 0);
	ck_assert_uint_eq(q.n, 1);
	ck_assert_str_eq(rectext_question(&q, VERSION, "q-1"),
			 "薬を飲むのはいつですか。");
	ck_assert_ptr_null(rectext_question(&q, VERSION, "q-2"));
	ck_assert_ptr_null(rectext_question(&q, "other", "q-1"));
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	strbuf_init(&out);
	rectext_show(&out, st, &s, &q);
	ck_assert_msg(strstr(out.s, "\nReceipt code:       ") != NULL, "%s", out.s);
	ck_assert(strstr(out.s, "\nStarted:            2026-12-07 03:06:03 +09:00\n"));
	ck_assert(strstr(out.s, "\nContent files:      1\n  ja/quiz.md  sha256 "));
	/* the question, then each attempt: the number pressed, the order
	 * shown by the choices' numbers in the content */
	ck_assert_msg(strstr(out.s, "\n  q-1: 薬を飲むのはいつですか。\n"
			     "  q-1  attempt 1  wrong  choice 2 \"朝\"  order 3,1,2"
			     "  at 2026-12-07 03:06:04 +09:00\n"
			     "  q-1  attempt 2  right  choice 1 \"夜\"  order 2,3,1"
			     "  at 2026-12-07 03:06:05 +09:00\n"), "%s", out.s);
	ck_assert(strstr(out.s, "\n    | 一行目\n    | 二行目\n"));
	ck_assert(strstr(out.s, "\n  patient  ヤマダ ハナコ  \"patient acknowledgement\"  at 2026-12-07 "));
	ck_assert(strstr(out.s, "\nSeal:               link #1, matches this record\n"));
	strbuf_done(&out);
	store_session_done(&s);

	/* without question texts: the ids alone; a stopped session's reason */
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 2, &s, &err), 0);
	strbuf_init(&out);
	rectext_show(&out, NULL, &s, NULL);
	ck_assert(strstr(out.s, "Content files") == NULL);
	ck_assert(strstr(out.s, "\nOutcome:            stopped\n"
			 "Reason:             q-1: 3 wrong answers, please call staff\n"));
	strbuf_done(&out);
	store_session_done(&s);
	rectext_questions_done(&q);
	store_close(st);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("rectext");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_code_and_time);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_show);
	suite_add_tcase(s, tc);
	return s;
}
