/*
 * Unit tests for the follow-up visit in the kiosk (kiosk-visit.c and
 * kiosk-staff-visit.c): the state machine driven by events over the bundled
 * content and a real store in a temporary folder, no terminal. What the
 * screen shows is checked with what the store holds at that moment.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clinic.h"
#include "i18n.h"
#include "kiosk-int.h"
#include "kiosk.h"
#include "store-visit.h"
#include "tap.h"
#include "xmalloc.h"

static struct store_session sess;
static struct config cfg;
static struct kiosk_app app;
static struct grid *grid;
static struct store *st;
static char dir[64];
static char *dbpath;

static void
setup(void)
{
	struct diag_list dl;
	char *root = tap_source_path("content");
	struct bundle *b;
	char *err = NULL;

	i18n_init();
	config_init(&cfg);
	cfg.idle_timeout = 100;
	cfg.idle_warning = 5;
	cfg.ambiguous = 1;
	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 0);
	diag_list_done(&dl);
	strcpy(dir, "/tmp/test-kvisit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dbpath = xasprintf("%s/records.db", dir);
	st = store_open(dbpath, NULL, &err);
	ck_assert_msg(st != NULL, "store_open: %s", err);
	for (size_t i = 0; i < b->nlangs; i++)
		ck_assert_int_eq(store_content_freeze(st, &b->langs[i], &err), 0);
	kiosk_init(&app, &cfg, b, root, 80, 24, 1, 100.0);
	kiosk_consent_use_store(&app, st);
	store_session_init(&sess);
	grid = grid_new(80, 24, 1);
	free(root);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	store_session_done(&sess);
	kiosk_done(&app);
	store_close(st);
	if (system(cmd) != 0)
		perror("rm");
	free(cmd);
	free(dbpath);
	config_done(&cfg);
	grid_free(grid);
}

static void
key(int k)
{
	struct keys_event ev = { .kind = KEYS_EV_KEY, .key = k };

	kiosk_event(&app, &ev);
}

static const char *
state(void)
{
	return kiosk_state_name(app.state);
}

static bool
shows(const char *needle)
{
	char *t;
	bool r;

	kiosk_draw(&app, grid);
	t = grid_text(grid);
	r = strstr(t, needle) != NULL;
	free(t);
	return r;
}

static size_t
kinds(const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < sess.nvanswers; i++)
		n += strcmp(sess.vanswers[i].kind, kind) == 0;
	return n;
}

static void
load(int64_t id)
{
	char *err = NULL;

	store_session_done(&sess);
	store_session_init(&sess);
	ck_assert_int_eq(store_session_get(st, id, &sess, &err), 0);
}

/* Next on a toggle page: scrolled to the end first, as the page asks. */
static void
next_page(void)
{
	const char *s = state();

	for (int i = 0; i < 20 && strcmp(state(), s) == 0; i++)
		key(KEYS_ENTER);
}

START_TEST(test_methods_not_met)
{
	ck_assert_int_eq(kiosk_visit_start(&app, "P-1", "pregnancy", false,
					   "nurse-a"), 0);
	ck_assert_str_eq(state(), "visit-methods");
	ck_assert(shows("[ ] 1"));
	key('4'); /* the pill alone: effective, no barrier */
	ck_assert(shows("[x] 4"));
	key('4'); /* taken back */
	ck_assert(shows("[ ] 4"));
	key('4');
	next_page();
	ck_assert_str_eq(state(), "visit-end");
	ck_assert(shows("足りません"));
	load(1);
	ck_assert_str_eq(sess.visit, "follow-up");
	ck_assert_int_eq(sess.outcome, STORE_STOPPED);
	ck_assert_str_eq(sess.reason,
			 "contraception does not meet the rule (not-enough)");
	ck_assert_uint_eq(kinds("method"), 1);
	ck_assert_uint_eq(kinds("mood"), 0);
	ck_assert_uint_eq(sess.nflags, 1);
	ck_assert_str_eq(sess.flags[0].source, "methods");
	ck_assert_str_eq(sess.flags[0].level, "staff");
	/* the end screen waits for staff: no way on for the patient */
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "visit-end");
}
END_TEST

START_TEST(test_urgent_and_ack)
{
	char *err = NULL;

	ck_assert_int_eq(kiosk_visit_start(&app, "P-2", "no-pregnancy", false,
					   "nurse-a"), 0);
	/* no contraception step for this profile */
	ck_assert_str_eq(state(), "visit-mood");
	key('2');
	ck_assert(shows("戻る"));
	key(KEYS_BACKSPACE); /* not Back: nothing */
	key('1');
	key('1');
	key('1');
	ck_assert_str_eq(state(), "visit-mood");
	load(1);
	ck_assert_uint_eq(kinds("mood"), 0); /* a part is recorded whole */
	key('2'); /* self-harm on a few days: urgent at once */
	ck_assert_str_eq(state(), "visit-end");
	ck_assert(shows("119"));
	ck_assert(shows("0120-000-000"));
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_STOPPED);
	ck_assert_uint_eq(kinds("mood"), 5);
	ck_assert_str_eq(sess.flags[0].level, "urgent");
	ck_assert_str_eq(sess.flags[0].entry, "self-harm");
	/* staff: the banner, the follow-up screen, the acknowledgement */
	key(KEYS_F12);
	ck_assert_str_eq(state(), "staff-menu");
	ck_assert(shows("至急：患者 P-2"));
	key('7');
	ck_assert_str_eq(state(), "staff-followup");
	ck_assert(shows("3  対応済みにする: 至急  P-2  #1"));
	key('3'); /* no staff ID yet */
	ck_assert(shows("先にスタッフIDを入力してください"));
	key('n');
	key('b');
	key('3');
	ck_assert(shows("対応済みにしました"));
	ck_assert(shows("未対応の知らせはありません"));
	load(1);
	ck_assert_str_eq(sess.flags[0].ack_staff, "nb");
	ck_assert_int_eq(store_session_check(st, &sess, &err), 0);
}
END_TEST

START_TEST(test_normal_followup)
{
	struct store_report r;
	char *err = NULL;
	size_t asked = 0;

	ck_assert_int_eq(kiosk_visit_start(&app, "P-3", "pregnancy", false,
					   "nurse-a"), 0);
	key('1'); /* an IUD */
	next_page();
	ck_assert_str_eq(state(), "visit-mood");
	for (int i = 0; i < 5; i++)
		key('1');
	ck_assert_str_eq(state(), "visit-effects");
	key('2');
	next_page();
	ck_assert_str_eq(state(), "quiz");
	/* the re-check: every question answered right */
	while (strcmp(state(), "quiz") == 0 && asked < 20) {
		const struct quiz *q = &app.cs.quiz;
		const struct content_node *n = quiz_question(q);

		for (size_t pos = 0; pos < quiz_nchoices(q); pos++)
			if (n->items[q->order[pos]].checked == 1) {
				key('1' + (int)pos);
				break;
			}
		key(KEYS_ENTER);
		asked++;
	}
	ck_assert_uint_eq(asked, 3);
	ck_assert_str_eq(state(), "acknowledge");
	/* a patient never seen: every statement is new to them */
	ck_assert_uint_gt(app.cs.nstmts, 30);
	load(1);
	ck_assert_uint_eq(sess.nanswers, 3);
	{
		size_t methods = 0, mood = 0, effects = 0, re = 0;

		for (size_t i = 0; i < sess.nvanswers; i++) {
			const char *k = sess.vanswers[i].kind;

			methods += strcmp(k, "method") == 0;
			mood += strcmp(k, "mood") == 0;
			effects += strcmp(k, "effect") == 0;
			re += strcmp(k, "reconsent") == 0;
		}
		ck_assert_uint_eq(methods, 1);
		ck_assert_uint_eq(mood, 5);
		ck_assert_uint_eq(effects, 1);
		ck_assert_uint_eq(re, app.cs.nstmts);
	}
	ck_assert_uint_eq(sess.nflags, 0);
	/* staff end it; the chain holds */
	key(KEYS_F12);
	key('1');
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_ABANDONED);
	store_report_init(&r);
	ck_assert_int_eq(store_verify(st, &r, &err), 0);
	store_report_done(&r);
}
END_TEST

START_TEST(test_refused)
{
	ck_assert_int_eq(kiosk_visit_start(&app, "P-4", "maybe", false, "n"),
			 -1);
	ck_assert_str_eq(app.cs.error,
			 "the profile is not pregnancy or no-pregnancy");
	ck_assert_int_eq(kiosk_visit_start(&app, "", "pregnancy", false, "n"),
			 -1);
	ck_assert_str_eq(app.cs.error,
			 "the patient reference is empty or too long");
}
END_TEST

START_TEST(test_staff_test_form)
{
	/* a completed follow-up is needed: the store API makes one */
	struct store_start s = { .kiosk_id = "k", .staff_id = "n",
		.patient_ref = "P-5", .profile = "pregnancy", .lang = "ja",
		.content_version = kiosk_lang(&app)->version,
		.visit = "follow-up" };
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "ヤマダ",
				    "patient acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL,
					   &err), 0);
	app.cs.last_follow = id;
	snprintf(app.staff_keep, sizeof app.staff_keep, "nurse-t");
	key(KEYS_F12);
	key('7');
	key('2');
	ck_assert_str_eq(state(), "staff-test");
	ck_assert(shows("患者番号：P-5"));
	ck_assert(shows("結果：陰性"));
	key('7'); /* may prescribe: refused */
	ck_assert(shows("処方してよいと記録できません"));
	/* why, in the staff's language (not the store's English) */
	ck_assert(shows("妊娠検査の記録がありません"));
	ck_assert(!shows("no-test") && !shows("no pregnancy test"));
	key('3'); /* result: positive */
	ck_assert(shows("結果：陽性"));
	key('3');
	key('3'); /* back to negative */
	key('6');
	ck_assert(shows("妊娠検査を記録しました"));
	key('7');
	ck_assert(shows("処方してよいと記録しました"));
	load(id);
	ck_assert_str_eq(sess.presc_staff, "nurse-t");
	ck_assert_int_eq(sess.presc_test, 1);
	key(KEYS_ESC);
	ck_assert_str_eq(state(), "staff-followup");
}
END_TEST

/* A statement whose wording changed since the patient confirmed it is
 * shown again, with the every-visit ones; the others are not. */
START_TEST(test_reconsent)
{
	const struct content_doc *cd = kiosk_lang(&app)->consent;
	struct store_start s = { .kiosk_id = "k", .staff_id = "n",
		.patient_ref = "P-6", .profile = "pregnancy", .lang = "ja",
		.content_version = kiosk_lang(&app)->version };
	const char *changed = NULL;
	size_t every = 0;
	char *err = NULL;
	int64_t id;

	/* The first visit: every statement confirmed as it reads now, but
	 * one (not every-visit) in an older wording. */
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	for (size_t i = 0; i < cd->n; i++) {
		const struct content_node *n = &cd->nodes[i];
		char *text;

		if (n->kind != CONTENT_STATEMENT || n->signer != NULL)
			continue;
		every += n->every_visit;
		text = content_nodes_text(n->children, n->nchildren);
		if (changed == NULL && !n->every_visit) {
			changed = n->id;
			ck_assert_int_eq(store_ack(st, id, n->id, "an older wording",
						   &err), 0);
		} else {
			ck_assert_int_eq(store_ack(st, id, n->id, text, &err), 0);
		}
		free(text);
	}
	ck_assert_int_eq(store_sign(st, id, "patient", "ヤマダ", "m", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err),
			 0);
	ck_assert_ptr_nonnull(changed);
	ck_assert_uint_eq(every, 6);
	ck_assert_int_eq(kiosk_visit_start(&app, "P-6", "pregnancy", false,
					   "nurse-a"), 0);
	ck_assert_uint_eq(app.cs.nstmts, every + 1);
	for (size_t i = 0; i < app.cs.nstmts; i++) {
		const struct content_node *n = &cd->nodes[app.cs.stmts[i]];

		ck_assert(n->every_visit || strcmp(n->id, changed) == 0);
		ck_assert(app.cs.vchanged[i] == (strcmp(n->id, changed) == 0));
	}
	load(2);
	ck_assert_uint_eq(kinds("reconsent"), 1);
	for (size_t i = 0; i < sess.nvanswers; i++)
		if (strcmp(sess.vanswers[i].kind, "reconsent") == 0)
			ck_assert_str_eq(sess.vanswers[i].entry, changed);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("kiosk-visit");
	TCase *tc = tcase_create("kiosk-visit");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_methods_not_met);
	tcase_add_test(tc, test_urgent_and_ack);
	tcase_add_test(tc, test_normal_followup);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_staff_test_form);
	tcase_add_test(tc, test_reconsent);
	suite_add_tcase(s, tc);
	return s;
}
