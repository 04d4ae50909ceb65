/*
 * Unit tests for store-visit: a follow-up's answers and flags sealed with
 * its session (canonical form 5's visit block), pregnancy tests and flag
 * acknowledgements as links of the chain, verification finding each kind
 * of change, the values refused, and the readers (tests, a patient's
 * sessions, who is due, the last acknowledgements, open flags).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store-visit.h"
#include "visit.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

#define VERSION "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *test_dir;
static char *test_db;
static int64_t test_time;

static int64_t
test_clock(void *ctx)
{
	int64_t *t = ctx;

	*t += 1000;
	return *t;
}

static void
setup(void)
{
	char tmpl[] = "/tmp/test-store-visit-XXXXXX";

	test_dir = xstrdup(mkdtemp(tmpl));
	test_db = xasprintf("%s/records.db", test_dir);
	test_time = 1795244400000LL; /* 2026-11-21T07:00:00.000Z */
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
test_open(unsigned flags)
{
	struct store_opts o = { .flags = flags, .clock = test_clock,
				.clock_ctx = &test_time };
	char *err = NULL;
	struct store *st = store_open(test_db, &o, &err);

	ck_assert_msg(st != NULL, "store_open: %s", err ? err : "?");
	return st;
}

static void
test_sql(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
		      "%s", msg);
	sqlite3_close(db);
}

static int
test_verify(struct store_report *r)
{
	struct store *st = test_open(STORE_READONLY);
	char *err = NULL;
	int rc;

	store_report_init(r);
	rc = store_verify(st, r, &err);
	ck_assert_msg(rc >= 0, "%s", err);
	store_close(st);
	return rc;
}

/* A first visit (completed) and a follow-up with answers and flags, ended
 * with outcome o. Returns the follow-up's id. */
static int64_t
test_visits(struct store *st, enum store_outcome o)
{
	struct store_start s = {
		.kiosk_id = "kiosk-1", .staff_id = "nurse-a",
		.patient_ref = "P-001", .profile = "pregnancy", .lang = "ja",
		.content_version = VERSION,
	};
	struct store_visit_answer a1 = { "method", "iud-copper", 1, 0 };
	struct store_visit_answer a2 = { "mood", "mood-low", 2, 2 };
	struct store_visit_answer a3 = { "effect", "dry-lips", 1, 0 };
	int64_t id, seq = 0;
	char *err = NULL;

	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_ack(st, id, "preg-risk", "妊娠しない。", &err),
			 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "山田",
				    "patient acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL,
					   &err), 0);
	s.visit = "follow-up";
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_visit_answer(st, id, &a1, &err), 0);
	ck_assert_int_eq(store_visit_answer(st, id, &a2, &err), 0);
	ck_assert_int_eq(store_visit_answer(st, id, &a3, &err), 0);
	/* the same again: nothing new */
	ck_assert_int_eq(store_visit_answer(st, id, &a2, &err), 0);
	ck_assert_int_eq(store_flag_raise(st, id, "mood", "mood-harm",
					  "urgent", &seq, &err), 0);
	ck_assert_int_eq(seq, 1);
	ck_assert_int_eq(store_flag_raise(st, id, "mood", "mood-harm",
					  "urgent", &seq, &err), 0);
	ck_assert_int_eq(seq, 1);
	ck_assert_int_eq(store_ack(st, id, "preg-risk", "妊娠しない。改", &err),
			 0);
	if (o == STORE_COMPLETED)
		ck_assert_int_eq(store_sign(st, id, "patient", "山田",
					    "patient acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, o, "urgent flag", &err), 0);
	return id;
}

START_TEST(test_followup_sealed)
{
	struct store *st = test_open(0);
	struct store_session s;
	struct store_report r;
	struct store_visit_answer other = { "mood", "mood-low", 3, 3 };
	char *err = NULL, *canon;
	size_t len;
	int64_t id = test_visits(st, STORE_STOPPED);

	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	ck_assert_str_eq(s.visit, "follow-up");
	ck_assert_int_eq(s.seal_form, 5);
	ck_assert_uint_eq(s.nvanswers, 3);
	ck_assert_str_eq(s.vanswers[1].entry, "mood-low");
	ck_assert_int_eq(s.vanswers[1].score, 2);
	ck_assert_uint_eq(s.nflags, 1);
	ck_assert_str_eq(s.flags[0].level, "urgent");
	ck_assert_ptr_null(s.flags[0].ack_staff);
	canon = store_canonical(&s, &len);
	ck_assert_ptr_nonnull(strstr(canon, "\nvisit\tfollow-up\n"
				     "v\t1\tmethod\tiud-copper\t1\t0\t"));
	ck_assert_ptr_nonnull(strstr(canon, "\nx\t1\tmood\tmood-harm\turgent\t"));
	free(canon);
	ck_assert(store_seal_holds(&s));
	store_session_done(&s);
	/* the first visit is one too */
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	ck_assert_str_eq(s.visit, "first");
	store_session_done(&s);
	/* sealed: nothing more */
	ck_assert_int_eq(store_visit_answer(st, id, &other, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_flag_raise(st, id, "mood", "x", "staff", NULL,
					  &err), -1);
	free(err);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 2);
	store_report_done(&r);
}
END_TEST

START_TEST(test_refused)
{
	struct store *st = test_open(0);
	struct store_start s = {
		.kiosk_id = "k", .staff_id = "n", .patient_ref = "P",
		.profile = "pregnancy", .lang = "ja", .content_version = VERSION,
		.visit = "monthly",
	};
	struct store_visit_answer bad = { "colour", "x", 0, 0 };
	struct store_test t = { "P", "2026-11-20", "negative", "clinic", "n" };
	int64_t id;
	char *err = NULL;

	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), -1);
	ck_assert_str_eq(err, "unknown visit 'monthly' (first or follow-up)");
	free(err);
	err = NULL;
	s.visit = "follow-up";
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(id, 1); /* the refused one left nothing */
	ck_assert_int_eq(store_visit_answer(st, id, &bad, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_flag_raise(st, id, "mood", "x", "red", NULL,
					  &err), -1);
	free(err);
	err = NULL;
	t.result = "maybe";
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), -1);
	ck_assert_str_eq(err, "result 'maybe': not one of negative, positive,"
			 " invalid");
	free(err);
	err = NULL;
	t.result = "negative";
	t.setting = "car";
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), -1);
	ck_assert_str_eq(err, "setting 'car': not one of clinic, laboratory,"
			 " home-supervised");
	free(err);
	err = NULL;
	t.setting = "clinic";
	t.date = "2026-02-30";
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), -1);
	ck_assert_str_eq(err, "date '2026-02-30': not a date (YYYY-MM-DD)");
	free(err);
	err = NULL;
	t.date = "2026-11-22";
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), -1);
	ck_assert_str_eq(err, "date 2026-11-22: in the future");
	free(err);
	err = NULL;
	/* an open session's flag cannot be acknowledged */
	ck_assert_int_eq(store_flag_raise(st, id, "effects", "vision", "urgent",
					  NULL, &err), 0);
	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-b", &err), -1);
	ck_assert_str_eq(err, "session 1 is still open");
	free(err);
	ck_assert(store_date_valid("2024-02-29"));
	ck_assert(!store_date_valid("2025-02-29"));
	ck_assert(!store_date_valid("2025-1-01"));
	store_close(st);
}
END_TEST

static int
test_collect_tests(const struct store_test_row *t, void *ctx)
{
	struct strbuf *sb = ctx;

	strbuf_addf(sb, "%lld %s %s %s %s %s %d;", (long long)t->id,
		    t->patient_ref, t->date, t->result, t->setting, t->staff_id,
		    t->holds);
	return 0;
}

/* A test dated the clinic's today is taken when the clinic is ahead of
 * UTC (Tokyo at 05:00 is the day before in UTC); a date after every
 * clock on earth is not. */
START_TEST(test_test_date_ahead_of_utc)
{
	struct store *st;
	struct store_test t = { "P-002", "2026-11-22", "negative", "clinic",
				"nurse-b" };
	char *err = NULL;
	int64_t tid;

	test_time = 1795291200000LL; /* 2026-11-21T20:00Z, 05:00 in Tokyo */
	st = test_open(0);
	ck_assert_msg(store_test_add(st, &t, &tid, &err) == 0, "%s", err);
	t.date = "2026-11-23"; /* 10:00 on the 22nd in Kiribati (UTC+14) */
	ck_assert_int_eq(store_test_add(st, &t, &tid, &err), -1);
	ck_assert_str_eq(err, "date 2026-11-23: in the future");
	free(err);
	store_close(st);
}
END_TEST

START_TEST(test_links)
{
	struct store *st = test_open(0);
	struct store_test t = { "P-001", "2026-11-20", "negative", "clinic",
				"nurse-b" };
	struct store_report r;
	struct store_session s;
	struct strbuf sb;
	int64_t tid, id;
	char *err = NULL;

	id = test_visits(st, STORE_STOPPED);
	ck_assert_int_eq(store_test_add(st, &t, &tid, &err), 0);
	ck_assert_int_eq(tid, 1);
	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-b", &err), 0);
	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-c", &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "was acknowledged by nurse-b at"));
	free(err);
	err = NULL;
	t.date = "2026-11-21";
	t.result = "invalid";
	t.setting = "home-supervised";
	ck_assert_int_eq(store_test_add(st, &t, &tid, &err), 0);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	ck_assert_str_eq(s.flags[0].ack_staff, "nurse-b");
	ck_assert_int_eq(s.flags[0].ack_seq, 4);
	ck_assert_int_eq(store_session_check(st, &s, &err), 0);
	store_session_done(&s);
	strbuf_init(&sb);
	ck_assert_int_eq(store_tests_each(st, "P-001", test_collect_tests, &sb,
					  &err), 0);
	ck_assert_str_eq(sb.s, "1 P-001 2026-11-20 negative clinic nurse-b 1;"
			 "2 P-001 2026-11-21 invalid home-supervised nurse-b 1;");
	strbuf_done(&sb);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 5);
	ck_assert_int_eq(r.head_seq, 5);
	store_report_done(&r);

	/* Each kind of change is found. */
	test_sql("DROP TRIGGER pregnancy_tests_no_update;"
		 "UPDATE pregnancy_tests SET result = 'negative' WHERE id = 2");
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].message, "pregnancy test 2: does not match its"
			 " seal (link #5): changed");
	store_report_done(&r);
	test_sql("UPDATE pregnancy_tests SET result = 'invalid' WHERE id = 2;"
		 "DROP TRIGGER flag_acks_no_update;"
		 "UPDATE flag_acks SET staff_id = 'nobody'");
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.v[0].message, "session 2 (flag acknowledgement):"
			 " does not match its seal (link #4): changed");
	store_report_done(&r);
	test_sql("UPDATE flag_acks SET staff_id = 'nurse-b';"
		 "DROP TRIGGER visit_answers_no_update;"
		 "UPDATE visit_answers SET score = 0 WHERE entry_id = 'mood-low'");
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert_str_eq(r.v[0].message, "session 2: does not match its seal"
			 " (link #2): changed");
	store_report_done(&r);
	test_sql("UPDATE visit_answers SET score = 2 WHERE entry_id = 'mood-low';"
		 "DROP TRIGGER flags_no_update;"
		 "UPDATE flags SET level = 'staff'");
	ck_assert_int_eq(test_verify(&r), 1);
	/* the session, and the acknowledgement of the flag */
	ck_assert_uint_eq(r.n, 2);
	store_report_done(&r);
	test_sql("UPDATE flags SET level = 'urgent'");
	ck_assert_int_eq(test_verify(&r), 0);
	store_report_done(&r);
	test_sql("DROP TRIGGER pregnancy_tests_no_delete;"
		 "DELETE FROM pregnancy_tests WHERE id = 1");
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert_str_eq(r.v[0].message, "link #3 of the chain is missing: a"
			 " session or verification was removed");
	store_report_done(&r);
}
END_TEST

/* How many problems of kind k r names for session id. */
static size_t
test_problems(const struct store_report *r, enum store_problem_kind k,
	      int64_t id)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].kind == k && r->v[i].session == id;
	return n;
}

/*
 * Verification reads the visit blocks in one pass per table beside the
 * sessions, two threads taking ranges of ids in turn: 2,400 follow-ups,
 * some with a flag, some left open (their rows passed over), each sealed
 * one matching its seal; then rows moved from one session to the next, a
 * visit and a flag changed, and only those sessions are named.
 */
START_TEST(test_verify_visit_ranges)
{
	struct store *st = test_open(0);
	struct store_start s = {
		.kiosk_id = "kiosk-1", .staff_id = "nurse-a",
		.patient_ref = "P-001", .profile = "pregnancy", .lang = "ja",
		.content_version = VERSION, .visit = "follow-up",
	};
	struct store_visit_answer a1 = { "method", "iud-copper", 1, 0 };
	struct store_visit_answer a2 = { "mood", "mood-low", 2, 2 };
	struct store_report r;
	char *err = NULL;
	size_t open = 0;
	int64_t id;

	ck_assert_int_eq(store_test_bulk(st, true, &err), 0);
	for (int i = 0; i < 2400; i++) {
		ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
		ck_assert_int_eq(store_visit_answer(st, id, &a1, &err), 0);
		if (i % 2 == 0)
			ck_assert_int_eq(store_visit_answer(st, id, &a2, &err),
					 0);
		if (i % 3 == 0)
			ck_assert_int_eq(store_flag_raise(st, id, "mood",
							  "mood-harm", "urgent",
							  NULL, &err), 0);
		if (i % 7 == 3) {
			open++;
			continue;
		}
		ck_assert_msg(store_session_end(st, id, STORE_STOPPED,
						"urgent flag", &err) == 0,
			      "%s", err);
	}
	ck_assert_int_eq(store_test_bulk(st, false, &err), 0);
	store_close(st);
	setenv("ISOKIOSK_VERIFY_WORKERS", "2", 1);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sessions, 2400);
	ck_assert_uint_eq(r.nopen, open);
	ck_assert_uint_eq(r.sealed, 2400 - open);
	store_report_done(&r);

	/* Session 1001's mood answer moved to 1002 (both sealed), 1501's
	 * flag made lower, 1999's (left open) mood answer moved to 2000, and
	 * 2100's visit changed. */
	test_sql("DROP TRIGGER visit_answers_no_update;"
		 "DROP TRIGGER flags_no_update; DROP TRIGGER sessions_sealed;"
		 "UPDATE visit_answers SET session_id = 1002, seq = 9"
		 " WHERE session_id = 1001 AND seq = 2;"
		 "UPDATE flags SET level = 'staff' WHERE session_id = 1501;"
		 "UPDATE visit_answers SET session_id = 2000, seq = 9"
		 " WHERE session_id = 1999 AND seq = 2;"
		 "UPDATE sessions SET visit = 'first' WHERE id = 2100;");
	ck_assert_int_eq(test_verify(&r), 1);
	unsetenv("ISOKIOSK_VERIFY_WORKERS");
	ck_assert_uint_eq(r.n, 5);
	ck_assert_uint_eq(test_problems(&r, STORE_CHANGED, 1001), 1);
	ck_assert_uint_eq(test_problems(&r, STORE_CHANGED, 1002), 1);
	ck_assert_uint_eq(test_problems(&r, STORE_CHANGED, 1501), 1);
	ck_assert_uint_eq(test_problems(&r, STORE_CHANGED, 2000), 1);
	ck_assert_uint_eq(test_problems(&r, STORE_CHANGED, 2100), 1);
	store_report_done(&r);
}
END_TEST

static int
test_collect_due(const char *ref, const char *last, const char *visit,
		 void *ctx)
{
	strbuf_addf(ctx, "%s %s %s;", ref, last, visit);
	return 0;
}

static void
test_collect_ack(const char *id, const char *sha, void *ctx)
{
	strbuf_addf(ctx, "%s %.8s;", id, sha);
}

static int
test_collect_flag(int64_t session, const char *ref,
		  const struct store_flag_row *f, void *ctx)
{
	strbuf_addf(ctx, "%lld %s %s %s %s;", (long long)session, ref,
		    f->source, f->entry, f->level);
	return 0;
}

START_TEST(test_readers)
{
	struct store *st = test_open(0);
	struct strbuf sb;
	int64_t *ids, id;
	size_t n;
	char *err = NULL, h1[65], h2[65];

	id = test_visits(st, STORE_COMPLETED);
	ck_assert_int_eq(store_patient_sessions(st, "P-001", &ids, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ids[1], id);
	free(ids);
	ck_assert_int_eq(store_patient_sessions(st, "P-999", &ids, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	free(ids);
	strbuf_init(&sb);
	ck_assert_int_eq(store_due_each(st, "2026-11-21T07:00:05.000Z",
					test_collect_due, &sb, &err), 0);
	ck_assert_str_eq(sb.s, "");
	ck_assert_int_eq(store_due_each(st, "2026-12-31", test_collect_due,
					&sb, &err), 0);
	ck_assert_str_eq(sb.s, "P-001 2026-11-21T07:00:05.000Z follow-up;");
	strbuf_reset(&sb);
	store_sha256_hex("妊娠しない。", strlen("妊娠しない。"), h1);
	store_sha256_hex("妊娠しない。改", strlen("妊娠しない。改"), h2);
	ck_assert_int_eq(store_last_acks(st, "P-001", test_collect_ack, &sb,
					 &err), 0);
	{
		char *expect = xasprintf("preg-risk %.8s;preg-risk %.8s;", h1,
					 h2);

		ck_assert_str_eq(sb.s, expect);
		free(expect);
	}
	strbuf_reset(&sb);
	ck_assert_int_eq(store_open_flags(st, test_collect_flag, &sb, &err), 0);
	ck_assert_str_eq(sb.s, "2 P-001 mood mood-harm urgent;");
	strbuf_reset(&sb);
	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-b", &err), 0);
	ck_assert_int_eq(store_open_flags(st, test_collect_flag, &sb, &err), 0);
	ck_assert_str_eq(sb.s, "");
	strbuf_done(&sb);
	store_close(st);
}
END_TEST

/* A database of schema 5 (before visits) is read as it is: every session
 * a first visit, no tests, no flags. */
START_TEST(test_schema_5_read)
{
	struct store *st = test_open(0);
	struct store_session s;
	struct strbuf sb;
	char *err = NULL;

	test_visits(st, STORE_COMPLETED);
	store_close(st);
	test_sql("DROP TABLE visit_answers; DROP TABLE flags; DROP TABLE"
		 " flag_acks; DROP TABLE pregnancy_tests; DROP TABLE"
		 " prescriptions; DROP INDEX"
		 " sessions_patient; ALTER TABLE sessions DROP COLUMN visit;"
		 " PRAGMA user_version = 5;");
	st = test_open(STORE_READONLY);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 2, &s, &err), 0);
	ck_assert_str_eq(s.visit, "first");
	ck_assert_uint_eq(s.nvanswers, 0);
	store_session_done(&s);
	strbuf_init(&sb);
	ck_assert_int_eq(store_tests_each(st, NULL, test_collect_tests, &sb,
					  &err), 0);
	ck_assert_str_eq(sb.s, "");
	strbuf_done(&sb);
	store_close(st);
}
END_TEST

START_TEST(test_prescribe)
{
	struct store *st = test_open(0);
	struct store_test t = { "P-001", "2026-11-10", "negative", "clinic",
				"nurse-b" };
	struct store_session s;
	struct store_report r;
	char *err = NULL;
	int64_t id;
	int v = -1;

	id = test_visits(st, STORE_COMPLETED);
	ck_assert_int_eq(store_prescribe(st, id, "dr-a", "2026-11-21", 7, &v,
					 &err), -1);
	ck_assert_str_eq(err, "session 2: flag mood mood-harm is not"
			 " acknowledged yet");
	free(err);
	err = NULL;
	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-b", &err), 0);
	ck_assert_int_eq(store_prescribe(st, id, "dr-a", "2026-11-21", 7, &v,
					 &err), -1);
	ck_assert_str_eq(err, "session 2: the prescription may not be issued:"
			 " no pregnancy test is recorded (no-test)");
	ck_assert_int_eq(v, VISIT_NO_TEST);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), 0);
	ck_assert_int_eq(store_prescribe(st, id, "dr-a", "2026-11-21", 7, &v,
					 &err), -1);
	ck_assert_str_eq(err, "session 2: the prescription may not be issued:"
			 " no pregnancy test in the last 7 days (test-too-old)");
	free(err);
	err = NULL;
	t.date = "2026-11-20";
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), 0);
	ck_assert_int_eq(store_prescribe(st, id, "dr-a", "2026-11-21", 7, &v,
					 &err), 0);
	ck_assert_int_eq(v, VISIT_MAY_PRESCRIBE);
	ck_assert_int_eq(store_prescribe(st, id, "dr-a", "2026-11-21", 7, &v,
					 &err), -1);
	ck_assert_str_eq(err, "session 2: may prescribe was already recorded"
			 " by dr-a");
	free(err);
	err = NULL;
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	ck_assert_str_eq(s.presc_staff, "dr-a");
	ck_assert_int_eq(s.presc_test, 2);
	ck_assert_int_eq(store_session_check(st, &s, &err), 0);
	store_session_done(&s);
	/* the first visit did not need... it is a first visit: the rule is
	 * the same (pregnancy profile), and this test is inside the window */
	ck_assert_int_eq(store_prescribe(st, 1, "dr-a", "2026-11-21", 7, &v,
					 &err), 0);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 7);
	store_report_done(&r);
	test_sql("DROP TRIGGER prescriptions_no_update;"
		 "UPDATE prescriptions SET staff_id = 'dr-b' WHERE session_id = 2");
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert_str_eq(r.v[0].message, "session 2 (prescription): does not"
			 " match its seal (link #6): changed");
	store_report_done(&r);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("store-visit");
	TCase *tc = tcase_create("store-visit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_followup_sealed);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_links);
	tcase_add_test(tc, test_verify_visit_ranges);
	tcase_add_test(tc, test_test_date_ahead_of_utc);
	tcase_add_test(tc, test_readers);
	tcase_add_test(tc, test_schema_5_read);
	tcase_add_test(tc, test_prescribe);
	suite_add_tcase(s, tc);
	return s;
}
