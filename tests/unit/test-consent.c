/*
 * Unit tests for the consent session (kiosk-consent.c): the state machine
 * driven by events, over the bundled content and a real store in a
 * temporary folder, no terminal. Every check of "shown" is paired with a
 * check of what the store holds at that moment.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unistr.h>

#include "clinic.h"
#include "i18n.h"
#include "kiosk-int.h"
#include "kiosk.h"
#include "store.h"
#include "tap.h"
#include "xmalloc.h"

static struct store_session sess; /* the session as stored now */
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
	cfg.idle_timeout = 10;
	cfg.idle_warning = 5;
	cfg.ambiguous = 1;
	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 0);
	diag_list_done(&dl);
	strcpy(dir, "/tmp/test-consent.XXXXXX");
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
	store_session_done(&sess);
	kiosk_done(&app);
	store_close(st);
	store_test_fail_io(-1, false);
	unlink(dbpath);
	{
		char *p = xasprintf("%s-wal", dbpath), *q = xasprintf("%s-shm", dbpath);

		unlink(p);
		unlink(q);
		free(p);
		free(q);
	}
	rmdir(dir);
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

static void
tick(double now)
{
	struct keys_event ev = { .kind = KEYS_EV_TICK };

	app.now = now;
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

static void
load(int64_t id)
{
	char *err = NULL;

	store_session_done(&sess);
	store_session_init(&sess);
	ck_assert_int_eq(store_session_get(st, id, &sess, &err), 0);
}

/* Position (1-based, as the number key) of the right or a wrong choice of
 * the question on screen. */
static int
choice_key(bool right)
{
	const struct quiz *q = &app.cs.quiz;
	const struct content_node *n = quiz_question(q);

	for (size_t pos = 0; pos < quiz_nchoices(q); pos++)
		if ((n->items[q->order[pos]].checked == 1) == right)
			return '1' + (int)pos;
	ck_abort_msg("no such choice");
	return 0;
}

static void
read_screens(void)
{
	size_t n = kiosk_nscreens(&app);

	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(state(), "screen");
		ck_assert_uint_eq(app.screen, i);
		key(KEYS_END); /* Next goes on once the end was shown */
		key(KEYS_RIGHT);
	}
}

static void
type(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	while (*p) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, p, strlen((const char *)p));

		key((int)uc);
		p += n;
	}
}

static void
click(int x, int y)
{
	struct keys_event ev = { .kind = KEYS_EV_MOUSE, .button = 1, .x = x, .y = y };

	kiosk_event(&app, &ev);
}

/* Click the lowest cell showing label: a key of the on-screen keyboard
 * (below the prompt and the field). */
static void
touch_key(const char *label)
{
	kiosk_draw(&app, grid);
	for (int y = grid->h - 1; y >= 0; y--) {
		char *row = grid_row_text(grid, y), *at = strstr(row, label);

		if (at != NULL) {
			int x = 0;

			/* the column of the match: cells up to it */
			for (int c = 0, off = 0; c < grid->w; c++) {
				if (off >= at - row) {
					x = c;
					break;
				}
				off += (int)strlen(grid_at(grid, c, y)->text);
			}
			free(row);
			click(x, y);
			return;
		}
		free(row);
	}
	ck_abort_msg("no key %s on screen", label);
}

static void
touch_button(enum keys_action a)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	size_t n = kiosk_sign_ops.buttons(&app, b);

	if (app.state == KIOSK_REVIEW)
		n = kiosk_review_ops.buttons(&app, b);
	for (size_t i = 0; i < n; i++)
		if (b[i].action == a) {
			click(b[i].x + b[i].w / 2, b[i].y);
			return;
		}
	ck_abort_msg("no button %s", keys_action_name(a));
}

static void
ack_all(void)
{
	size_t n = app.cs.nstmts;

	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(state(), "acknowledge");
		ck_assert(shows("[ ] 1  上の内容を確認しました"));
		key(KEYS_RIGHT); /* not confirmed: Next does nothing */
		ck_assert_uint_eq(app.cs.ack_cur, i);
		key('1');
		load(1);
		ck_assert_uint_eq(sess.nacks, i + 1);
		ck_assert(shows("[x] 確認しました"));
		key(KEYS_RIGHT);
	}
}

START_TEST(test_whole_session)
{
	size_t nq, wrong = 0;

	ck_assert_int_eq(kiosk_consent_start(&app, "P-001", "pregnancy", false,
					     "nurse-1"), 0);
	load(1);
	ck_assert_str_eq(sess.patient_ref, "P-001");
	ck_assert_str_eq(sess.staff_id, "nurse-1");
	ck_assert_str_eq(sess.profile, "pregnancy");
	ck_assert_str_eq(sess.lang, "ja");
	ck_assert_str_eq(sess.content_version, app.bundle->langs[0].version);
	/* no starting over, no topics in a session */
	key('m');
	ck_assert_str_eq(state(), "screen");
	key(KEYS_LEFT);
	ck_assert_str_eq(state(), "screen");
	read_screens();
	ck_assert_str_eq(state(), "quiz");
	load(1);
	ck_assert_uint_eq(sess.nscreens, kiosk_nscreens(&app));
	ck_assert_str_eq(sess.screens[0].screen_id, "welcome");
	nq = quiz_count(&app.cs.quiz);
	ck_assert_uint_eq(nq, 21);

	/* Wrong: recorded before it is shown; the explanation; re-read. */
	key(choice_key(false));
	load(1);
	ck_assert_uint_eq(sess.nanswers, 1);
	ck_assert(!sess.answers[0].correct);
	ck_assert_str_eq(sess.answers[0].question_id, "q-unapproved");
	ck_assert(shows("不正解です。"));
	{
		const struct quiz *q = &app.cs.quiz;
		char *c = content_inline_text(&quiz_choice(q, app.cs.picked)->text);
		char *want = xasprintf("あなたの答え：%s", c);

		ck_assert_int_eq(q->questions[0]->items[q->order[app.cs.picked]].checked, 0);
		ck_assert(shows(want));
		free(c);
		free(want);
	}
	key('1');
	ck_assert_str_eq(state(), "screen");
	ck_assert_str_eq(kiosk_doc(&app, app.screen)->id, "unapproved");
	ck_assert(shows("問題に戻る"));
	key(KEYS_RIGHT);
	ck_assert_str_eq(state(), "quiz");
	ck_assert(shows("答えにふれるか"));
	load(1);
	ck_assert_uint_eq(sess.nscreens, kiosk_nscreens(&app) + 1);
	ck_assert_str_eq(sess.screens[sess.nscreens - 1].screen_id, "unapproved");
	wrong++;
	for (size_t i = 0; i < nq; i++) {
		ck_assert_uint_eq(quiz_number(&app.cs.quiz), i + 1);
		if (i == 1) { /* wrong, answer again at once */
			key(choice_key(false));
			key(KEYS_ENTER);
			wrong++;
		}
		key(choice_key(true));
		load(1);
		ck_assert_uint_eq(sess.nanswers, i + 1 + wrong);
		ck_assert(sess.answers[sess.nanswers - 1].correct);
		ck_assert(shows("正解です。"));
		key(KEYS_ENTER);
	}
	ck_assert_str_eq(state(), "acknowledge");
	ck_assert_uint_eq(app.cs.nstmts, 46);
	ack_all();
	ck_assert_str_eq(state(), "review");
	load(1);
	/* the exact text of each statement, hashed */
	{
		const struct content_doc *cd = app.bundle->langs[0].consent;
		char *t = content_nodes_text(cd->nodes[0].children,
					     cd->nodes[0].nchildren);
		char hex[65];

		store_sha256_hex(t, strlen(t), hex);
		ck_assert_str_eq(sess.acks[0].statement_id, cd->nodes[0].id);
		ck_assert_str_eq(sess.acks[0].text_sha256, hex);
		free(t);
	}
	/* nothing is signed unseen */
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "review");
	/* 40x12: the hint whole in its one row */
	{
		struct keys_event ev = { .kind = KEYS_EV_RESIZE, .x = 40, .y = 12 };

		kiosk_event(&app, &ev);
		ck_assert(shows("最後まで読んでください（▼で先へ）。"));
		key(KEYS_END);
		ck_assert(shows("よければ「署名へ進む」にふれてください。"));
		ev.x = 80;
		ev.y = 24;
		kiosk_event(&app, &ev);
	}
	key(KEYS_END);
	ck_assert(app.cs.review_end);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	type("やまだ はなこう");
	key(KEYS_BACKSPACE);
	ck_assert_str_eq(app.cs.name[0].s, "やまだ はなこ");
	ck_assert(shows("お名前："));
	ck_assert(shows("やまだ はなこ"));
	ck_assert(shows("署名の意味：本人による確認"));
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_COMPLETED);
	ck_assert_uint_eq(sess.nsigns, 1);
	ck_assert_str_eq(sess.signs[0].name, "やまだ はなこ");
	ck_assert_str_eq(sess.signs[0].meaning, "本人による確認");
	ck_assert_str_eq(sess.signs[0].role, "patient");
	{
		char want[16];

		snprintf(want, sizeof want, "%.4s-%.4s", sess.seal_hash,
			 sess.seal_hash + 4);
		ck_assert_str_eq(app.cs.receipt, want);
		ck_assert(shows(want));
	}
	/* back to welcome: nothing of the patient left */
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "welcome");
	ck_assert(app.wipe);
	ck_assert(!app.cs.on && !app.cs.quiz_on);
	for (size_t i = 0; i < sizeof app.cs.ref; i++)
		ck_assert_int_eq(app.cs.ref[i], 0);
	for (size_t r = 0; r < 2; r++)
		for (size_t i = 0; i < sizeof app.cs.name[r].s; i++)
			ck_assert_int_eq(app.cs.name[r].s[i] | app.cs.kanji[r].s[i], 0);
	ck_assert_ptr_null(app.cs.stmts);
	ck_assert_ptr_null(app.cs.page);
	/* staff verify the last session */
	key(KEYS_F12);
	ck_assert_str_eq(state(), "staff-menu");
	key('3');
	ck_assert_str_eq(state(), "staff-verify");
	type("nurse-9");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "staff-menu");
	load(1);
	ck_assert_uint_eq(sess.nverifications, 1);
	ck_assert_str_eq(sess.verifications[0].staff_id, "nurse-9");
	store_session_done(&sess);
}
END_TEST

START_TEST(test_minor_from_staff_menu)
{
	key(KEYS_F12);
	key('1');
	ck_assert_str_eq(state(), "staff-new");
	type("P-7");
	key('\t');
	type("n2");
	key('\t');
	key('7'); /* start: no profile chosen yet */
	ck_assert_str_eq(state(), "staff-new");
	ck_assert(shows("妊娠の可能性があるかどうかを選んでください"));
	key('4'); /* cannot become pregnant */
	key('5'); /* minor */
	key('7'); /* start */
	ck_assert_str_eq(state(), "screen");
	load(1);
	ck_assert_str_eq(sess.patient_ref, "P-7");
	ck_assert_str_eq(sess.staff_id, "n2");
	ck_assert_str_eq(sess.profile, "no-pregnancy");
	ck_assert(sess.minor);
	read_screens();
	while (strcmp(state(), "quiz") == 0) {
		key(choice_key(true));
		key(KEYS_ENTER);
	}
	ck_assert_uint_eq(app.cs.nstmts, 35); /* 32 + 3 for the guardian */
	{
		/* the guardian's statements come last, addressed to them;
		   none for pregnancy in this profile */
		const struct content_doc *cd = app.bundle->langs[0].consent;
		size_t g = 0;

		for (size_t i = 0; i < app.cs.nstmts; i++) {
			const struct content_node *nd = &cd->nodes[app.cs.stmts[i]];

			if (nd->signer != NULL) {
				ck_assert_str_eq(nd->signer, "guardian");
				ck_assert_str_eq(nd->profile, "all");
				g++;
			} else {
				ck_assert_uint_eq(g, 0);
			}
		}
		ck_assert_uint_eq(g, 3);
	}
	ack_all();
	load(1);
	ck_assert_str_eq(sess.acks[sess.nacks - 1].statement_id, "guardian-agree");
	key(KEYS_END);
	key(KEYS_ENTER);
	type("すずき");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert(shows("保護者の署名"));
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_OPEN);
	type("すずき はは");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_COMPLETED);
	ck_assert_uint_eq(sess.nsigns, 2);
	ck_assert_str_eq(sess.signs[1].role, "guardian");
	ck_assert_str_eq(sess.signs[1].meaning, "保護者による確認");
	store_session_done(&sess);
}
END_TEST

/* Consent mode: Next goes on only once the end of the screen was shown
 * (it reads on, and says why); the time on each screen is recorded;
 * the overall progress counts screens, questions, statements, the review
 * and the signature. */
START_TEST(test_reading_gated)
{
	size_t n = kiosk_nscreens(&app), nq, total;
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	size_t nb;
	char want[64];

	ck_assert_int_eq(kiosk_consent_start(&app, "P-8", "pregnancy", false,
					     NULL), 0);
	nq = quiz_count(&app.cs.quiz);
	total = n + nq + app.cs.nstmts + 1 + 1;
	snprintf(want, sizeof want, "ステップ 1 / %zu", total);
	ck_assert(shows(want));
	/* a small window: the first screen takes several pages */
	{
		struct keys_event ev = { .kind = KEYS_EV_RESIZE, .x = 60, .y = 14 };

		kiosk_event(&app, &ev);
	}
	ck_assert(!kiosk_at_end(&app));
	ck_assert(shows("続きを読む"));
	nb = kiosk_screen_ops.buttons(&app, b);
	for (size_t i = 0; i < nb; i++)
		if (b[i].action == KEYS_A_NEXT)
			ck_assert(!b[i].hot);
	key(KEYS_RIGHT);
	ck_assert_uint_eq(app.screen, 0);
	ck_assert_uint_gt(app.top, 0); /* it read on */
	ck_assert(shows("この画面を最後まで読んでください"));
	/* the button reads on too, touch by touch, until the end */
	while (!app.seen_end[0]) {
		nb = kiosk_screen_ops.buttons(&app, b);
		for (size_t i = 0; i < nb; i++)
			if (b[i].action == KEYS_A_NEXT) {
				app.now += 1.0;
				click(b[i].x + 1, b[i].y);
				break;
			}
		ck_assert_uint_eq(app.screen, 0);
	}
	ck_assert(shows("次へ"));
	/* scrolled back to the top: the end was shown, Next stays active */
	key(KEYS_HOME);
	ck_assert(!shows("続きを読む"));
	app.now += 2.5;
	key(KEYS_RIGHT);
	ck_assert_uint_eq(app.screen, 1);
	snprintf(want, sizeof want, "ステップ 2 / %zu", total);
	ck_assert(shows(want));
	load(1);
	ck_assert_uint_eq(sess.nscreens, 1);
	ck_assert_int_ge(sess.screens[0].shown_ms, 2000);
	store_session_done(&sess);
}
END_TEST

/* To the signature of a session: every screen, question, statement. */
static void
to_sign(bool minor)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "P-9", "no-pregnancy", minor,
					     NULL), 0);
	read_screens();
	while (strcmp(state(), "quiz") == 0) {
		key(choice_key(true));
		key(KEYS_ENTER);
	}
	ack_all();
	key(KEYS_END);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
}

/* The name field is a text field; a blank or invisible name is refused
 * with a message; going back to the review keeps what was typed. */
START_TEST(test_sign_field)
{
	to_sign(false);
	/* blank, ideographic spaces, zero-width and bidi characters only */
	type(" ");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert_ptr_nonnull(app.cs.sign_why);
	load(1);
	ck_assert_uint_eq(sess.nsigns, 0);
	key(KEYS_BACKSPACE);
	type("\u3000\u3000");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert_ptr_nonnull(app.cs.sign_why);
	/* invisible characters are never typed at all */
	osk_edit_wipe(&app.cs.name[0]);
	type("\u200b\u202e\u2066\ufeff");
	ck_assert_uint_eq(app.cs.name[0].len, 0);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	/* nor pasted past the field: put there directly, the gate refuses */
	osk_edit_insert(&app.cs.name[0], "\u200b\u200b");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert_ptr_nonnull(app.cs.sign_why);
	load(1);
	ck_assert_uint_eq(sess.nsigns, 0);
	osk_edit_wipe(&app.cs.name[0]);
	/* ← moves the cursor; it never leaves the page */
	type("ヤマダ");
	key(KEYS_LEFT);
	key(KEYS_LEFT);
	key(KEYS_LEFT);
	key(KEYS_LEFT); /* at the start: still here */
	ck_assert_str_eq(state(), "sign");
	ck_assert_uint_eq(app.cs.name[0].cur, 0);
	key(KEYS_RIGHT);
	type("ノ");
	ck_assert_str_eq(app.cs.name[0].s, "ヤノマダ");
	key(KEYS_DELETE);
	ck_assert_str_eq(app.cs.name[0].s, "ヤノダ");
	/* Esc asks; Esc again stays */
	key(KEYS_ESC);
	ck_assert_str_eq(state(), "sign");
	ck_assert(app.cs.asking_leave);
	ck_assert(shows("確認のページに戻りますか"));
	key(KEYS_ESC);
	ck_assert(!app.cs.asking_leave);
	ck_assert_str_eq(app.cs.name[0].s, "ヤノダ");
	/* by keys alone: Esc, → to "Back to the review", Enter leaves; the
	 * name is kept for the way back */
	key(KEYS_ESC);
	key(KEYS_ENTER); /* the bright answer is to stay */
	ck_assert_str_eq(state(), "sign");
	ck_assert(!app.cs.asking_leave);
	key(KEYS_ESC);
	key(KEYS_RIGHT);
	ck_assert(app.cs.asking_leave);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "review");
	key(KEYS_END);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert(!app.cs.asking_leave);
	ck_assert_str_eq(app.cs.name[0].s, "ヤノダ");
	/* the Back button: to the review and back, the name kept */
	{
		struct kiosk_button b[KIOSK_MAX_BUTTONS];
		size_t n = kiosk_sign_ops.buttons(&app, b);

		ck_assert_uint_ge(n, 2);
		ck_assert_int_eq(b[0].action, KEYS_A_BACK);
		click(b[0].x + 1, b[0].y);
	}
	ck_assert_str_eq(state(), "review");
	key(KEYS_END);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert_str_eq(app.cs.name[0].s, "ヤノダ");
	ck_assert(shows("ヤノダ"));
	/* surrounding spaces go, inside ones stay: recorded as ingate cleans */
	key(KEYS_HOME);
	type(" ");
	key(KEYS_END);
	type("\u3000ハナコ ");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_uint_eq(sess.nsigns, 1);
	ck_assert_str_eq(sess.signs[0].name, "ヤノダ\u3000ハナコ");
	store_session_done(&sess);
}
END_TEST

/* kanji_name: a second field for a kanji name (typed with an input
 * method); recorded with the katakana one in parentheses. */
START_TEST(test_sign_kanji)
{
	cfg.kanji_name = true;
	to_sign(false);
	ck_assert(shows("お名前（漢字・キーボードで）："));
	type("ヤマダ ハナコ");
	key('\t');
	ck_assert_int_eq(app.cs.sign_field, 1);
	type("山田 花子");
	ck_assert_str_eq(app.cs.kanji[0].s, "山田 花子");
	ck_assert_str_eq(app.cs.name[0].s, "ヤマダ ハナコ");
	/* the on-screen keyboard types where the cursor is */
	touch_key("ア");
	ck_assert_str_eq(app.cs.kanji[0].s, "山田 花子ア");
	key(KEYS_BACKSPACE);
	/* the katakana name is required even with a kanji one */
	key('\t');
	osk_edit_wipe(&app.cs.name[0]);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	type("ヤマダ");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_str_eq(sess.signs[0].name, "山田 花子（ヤマダ）");
	store_session_done(&sess);
}
END_TEST

/* Touch alone: the name typed on the on-screen keyboard, for the patient
 * and then the guardian, whose Back goes to the review and returns. */
START_TEST(test_sign_by_touch)
{
	to_sign(true);
	ck_assert(shows("カナ") || shows("ABC"));
	touch_key("ヤ");
	touch_key("マ");
	touch_key("タ");
	touch_key("゛");
	ck_assert_str_eq(app.cs.name[0].s, "ヤマダ");
	touch_key("1字消す");
	ck_assert_str_eq(app.cs.name[0].s, "ヤマ");
	touch_key("ABC");
	touch_key("J");
	ck_assert_str_eq(app.cs.name[0].s, "ヤマJ");
	touch_key("全部消す");
	ck_assert_uint_eq(app.cs.name[0].len, 0);
	touch_key("カナ");
	touch_key("ス");
	touch_key("ス");
	touch_key("キ");
	touch_key("◀");
	touch_key("゛");
	ck_assert_str_eq(app.cs.name[0].s, "スズキ");
	touch_button(KEYS_A_ACTIVATE);
	ck_assert_str_eq(state(), "sign");
	ck_assert(shows("保護者の署名"));
	/* the guardian's Back: the review, and back to sign as the guardian */
	touch_key("ハ");
	touch_button(KEYS_A_BACK);
	ck_assert_str_eq(state(), "review");
	ck_assert_int_eq(app.cs.role, 1);
	touch_button(KEYS_A_NEXT); /* reads on, then signs */
	while (strcmp(state(), "review") == 0)
		touch_button(KEYS_A_NEXT);
	ck_assert_str_eq(state(), "sign");
	ck_assert(shows("保護者の署名"));
	ck_assert_str_eq(app.cs.name[1].s, "ハ");
	touch_key("ハ");
	touch_button(KEYS_A_ACTIVATE);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_uint_eq(sess.nsigns, 2);
	ck_assert_str_eq(sess.signs[0].name, "スズキ");
	ck_assert_str_eq(sess.signs[1].name, "ハハ");
	store_session_done(&sess);
}
END_TEST

/* The box of a statement, if it is on screen. */
static bool
ack_box(struct kiosk_button *box)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	size_t n = kiosk_ack_ops.buttons(&app, b);

	for (size_t i = 0; i < n; i++)
		if (b[i].action == KEYS_A_PICK) {
			*box = b[i];
			return true;
		}
	return false;
}

/* At 40x12 a long statement puts its box below its start: ticked or taken
 * back by touch, the box stays on screen (the page does not jump to the
 * statement's top), for every statement of a minor's session. */
START_TEST(test_ack_small_by_touch)
{
	struct keys_event ev = { .kind = KEYS_EV_RESIZE, .x = 40, .y = 12 };
	size_t below = 0;

	ck_assert_int_eq(kiosk_consent_start(&app, "P-12", "pregnancy", true,
					     NULL), 0);
	read_screens();
	while (strcmp(state(), "quiz") == 0) {
		key(choice_key(true));
		key(KEYS_ENTER);
	}
	kiosk_event(&app, &ev);
	for (size_t i = 0; i < app.cs.nstmts; i++) {
		struct kiosk_button box;

		ck_assert_str_eq(state(), "acknowledge");
		ck_assert_uint_eq(app.cs.ack_cur, i);
		if (!ack_box(&box))
			below++;
		for (int k = 0; !ack_box(&box); k++) {
			ck_assert_int_lt(k, 100);
			key(KEYS_DOWN);
		}
		ck_assert_msg(shows("読んだら、四角か 1 を押してください。"),
			      "statement %zu: the hint cut at 40 columns", i + 1);
		click(box.x + 1, box.y);
		ck_assert(app.cs.acked[i]);
		ck_assert_msg(ack_box(&box) && shows("[x] 確認しました"),
			      "statement %zu: the ticked box left the screen", i + 1);
		click(box.x + 1, box.y); /* taken back, where the finger is */
		ck_assert(!app.cs.acked[i]);
		ck_assert(ack_box(&box) && shows("[ ] 1  上の内容を確認しました"));
		click(box.x + 1, box.y);
		ck_assert(app.cs.acked[i]);
		key(KEYS_RIGHT);
	}
	ck_assert_str_eq(state(), "review");
	ck_assert_uint_gt(below, 0); /* the content has such statements */
}
END_TEST

START_TEST(test_three_wrong_stop)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "P-3", "no-pregnancy", false,
					     NULL), 0);
	read_screens();
	for (int i = 0; i < 3; i++) {
		ck_assert_str_eq(state(), "quiz");
		key(choice_key(false));
		if (i < 2)
			key(KEYS_ENTER);
	}
	ck_assert_str_eq(state(), "call-staff");
	ck_assert(shows("スタッフをお呼びください。"));
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_STOPPED);
	ck_assert_str_eq(sess.reason, "q-unapproved: 3 wrong answers, please call staff");
	ck_assert_uint_eq(sess.nanswers, 3);
	/* the patient cannot go on; staff end it */
	key(KEYS_ENTER);
	key('1');
	ck_assert_str_eq(state(), "call-staff");
	key(KEYS_F12);
	key('8');
	ck_assert_str_eq(state(), "welcome");
	store_session_done(&sess);
}
END_TEST

START_TEST(test_idle_timed_out)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "P-4", "no-pregnancy", false,
					     NULL), 0);
	key(KEYS_END);
	key(KEYS_RIGHT);
	tick(111.0);
	ck_assert_str_eq(state(), "idle-warning");
	tick(116.0);
	ck_assert_str_eq(state(), "welcome");
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_TIMED_OUT);
	ck_assert_str_eq(sess.reason, "idle timeout");
	ck_assert_uint_eq(sess.nscreens, 2);
	ck_assert_int_eq(sess.screens[1].shown_ms, 11000);
	store_session_done(&sess);
}
END_TEST

START_TEST(test_write_fails_then_saved)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "P-5", "pregnancy", false,
					     NULL), 0);
	read_screens();
	store_test_fail_io(0, true);
	key(choice_key(true));
	/* not shown as right: please call staff, nothing stored */
	ck_assert_str_eq(state(), "call-staff");
	ck_assert(!shows("正解です。"));
	ck_assert_uint_eq(app.cs.nops, 1);
	ck_assert_ptr_nonnull(app.cs.error);
	ck_assert_ptr_nonnull(strstr(app.cs.error, "full"));
	load(1);
	ck_assert_uint_eq(sess.nanswers, 0);
	/* staff see the error */
	key(KEYS_F12);
	ck_assert_str_eq(state(), "staff-menu");
	ck_assert(shows("未保存（1 件）"));
	key('8');
	ck_assert_str_eq(state(), "call-staff");
	tick(200.0); /* retried: still full */
	ck_assert_str_eq(state(), "call-staff");
	store_test_fail_io(-1, false);
	tick(300.0); /* space is back */
	ck_assert_str_eq(state(), "quiz");
	ck_assert(shows("正解です。"));
	ck_assert_uint_eq(app.cs.nops, 0);
	load(1);
	ck_assert_uint_eq(sess.nanswers, 1);
	ck_assert(sess.answers[0].correct);
	store_session_done(&sess);
}
END_TEST

/* The disk fills at the signature: once staff save the records from the
 * staff menu and go back, the patient sees the receipt (they used to get
 * a fresh kiosk and never saw it). */
START_TEST(test_receipt_after_staff_save)
{
	size_t nq;

	ck_assert_int_eq(kiosk_consent_start(&app, "P-8", "pregnancy", false,
					     NULL), 0);
	read_screens();
	nq = quiz_count(&app.cs.quiz);
	for (size_t i = 0; i < nq; i++) {
		key(choice_key(true));
		key(KEYS_ENTER);
	}
	ack_all();
	key(KEYS_END);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	type("やまだ");
	store_test_fail_io(0, true);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "call-staff");
	ck_assert(!shows("受付番号"));
	key(KEYS_F12);
	ck_assert_str_eq(state(), "staff-menu");
	store_test_fail_io(-1, false);
	key('4'); /* save the records now */
	ck_assert(shows("すべての記録を保存しました。"));
	ck_assert(shows("8  セッションに戻る"));
	key('8');
	ck_assert_str_eq(state(), "call-staff");
	tick(app.now + 1.0);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_COMPLETED);
	{
		char want[16];

		snprintf(want, sizeof want, "%.4s-%.4s", sess.seal_hash,
			 sess.seal_hash + 4);
		ck_assert(shows(want));
	}
	store_session_done(&sess);
}
END_TEST

/* A SIGTERM before any session: the queue is empty and has no array
 * (UBSan: memmove of a null pointer). */
START_TEST(test_finish_without_session)
{
	ck_assert_ptr_null(app.cs.ops);
	ck_assert_int_eq(kiosk_consent_flush(&app), 0);
	ck_assert_int_eq(kiosk_consent_finish(&app, "kiosk ended"), 0);
}
END_TEST

START_TEST(test_end_while_unsaved)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "P-8", "pregnancy", false,
					     NULL), 0);
	read_screens();
	store_test_fail_io(0, true);
	key(choice_key(false));
	ck_assert_str_eq(state(), "call-staff");
	/* staff end the session while the disk is full */
	key(KEYS_F12);
	key('1');
	ck_assert(!app.cs.on && !app.cs.quiz_on);
	ck_assert_uint_eq(app.cs.nops, 2); /* the answer, then the end */
	key('8');
	ck_assert_str_eq(state(), "call-staff");
	store_test_fail_io(-1, false);
	tick(400.0);
	ck_assert_str_eq(state(), "welcome");
	load(1);
	ck_assert_uint_eq(sess.nanswers, 1);
	ck_assert_int_eq(sess.outcome, STORE_ABANDONED);
	ck_assert_str_eq(sess.reason, "ended by staff");
}
END_TEST

START_TEST(test_click_choice_and_reload)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	struct keys_event ev = { .kind = KEYS_EV_MOUSE, .button = 1 };
	size_t n;
	int pos;

	ck_assert_int_eq(kiosk_consent_start(&app, "P-9", "pregnancy", false,
					     NULL), 0);
	read_screens();
	pos = choice_key(true) - '1';
	n = kiosk_quiz_ops.buttons(&app, b);
	ck_assert_uint_eq(n, 4);
	/* Four choices under a two-line question at 80 x 24 leave no room for
	 * the tall buttons (kiosk_quiz_page pads each by 2 rows or none):
	 * one row each, as wide as the reading column and all the same width,
	 * one row apart, all inside the screen. */
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_ge(b[i].h, 1);
		ck_assert_int_ge(b[i].w, 60);
		ck_assert_int_eq(b[i].w, b[0].w);
		ck_assert_int_ge(b[i].x, 0);
		ck_assert_int_le(b[i].x + b[i].w, 80);
		ck_assert_int_le(b[i].y + b[i].h, 24);
		if (i > 0)
			ck_assert_int_lt(b[i - 1].y + b[i - 1].h, b[i].y);
	}
	ev.x = b[pos].x + b[pos].w / 2;
	ev.y = b[pos].y + b[pos].h - 1;
	kiosk_event(&app, &ev);
	ck_assert(shows("正解です。"));
	load(1);
	ck_assert_uint_eq(sess.nanswers, 1);
	ck_assert(sess.answers[0].correct);
	/* staff reload the content: the session is recorded as abandoned */
	key(KEYS_F12);
	key('6');
	ck_assert(!app.cs.on && !app.cs.quiz_on);
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_ABANDONED);
	ck_assert_str_eq(sess.reason, "content reloaded by staff");
}
END_TEST

START_TEST(test_staff_exit_abandons)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "P-6", "pregnancy", true,
					     NULL), 0);
	key(KEYS_F12);
	ck_assert(shows("8  セッションに戻る"));
	key('8');
	ck_assert_str_eq(state(), "screen"); /* back to the session */
	key(KEYS_F12);
	key('9');
	ck_assert(!app.quit); /* exit asks first */
	key('2');
	ck_assert(app.quit);
	load(1);
	ck_assert_int_eq(sess.outcome, STORE_ABANDONED);
	ck_assert_str_eq(sess.reason, "kiosk exited by staff");
	store_session_done(&sess);
}
END_TEST

static void
paste(const char *text)
{
	struct keys_event ev = { .kind = KEYS_EV_PASTE, .text = text,
				 .len = strlen(text) };

	kiosk_event(&app, &ev);
}

/* Hostile text from the shell, the staff form and the patient: what
 * reaches the store is what the input gate lets through; a paste is only
 * ever text in a text field. */
START_TEST(test_hostile_input)
{
	size_t nq;

	ck_assert_int_eq(kiosk_consent_start(&app, "P\x1b[8m", "pregnancy",
					     false, "nurse-1"), -1);
	ck_assert_ptr_nonnull(strstr(app.cs.error, "U+001B"));
	ck_assert_int_eq(kiosk_consent_start(&app, "P-1", "pregnancy", false,
					     "n\xff"), -1);
	ck_assert_ptr_nonnull(strstr(app.cs.error, "2 バイト目"));
	ck_assert_int_eq(kiosk_consent_start(&app, "\xe2\x80\x8b", "pregnancy",
					     false, NULL), -1);
	ck_assert_ptr_nonnull(strstr(app.cs.error, "目に見える文字"));
	ck_assert_int_eq(kiosk_consent_start(&app, "\xe2\x81\xa7P-9\xe2\x81\xa9",
					     "pregnancy", false,
					     " nurse\xe2\x80\xae-2 "), 0);
	load(1);
	ck_assert_str_eq(sess.patient_ref, "P-9");
	ck_assert_str_eq(sess.staff_id, "nurse-2");
	read_screens();
	ck_assert_str_eq(state(), "quiz");
	/* a paste of an answer and Enter answers nothing */
	paste("1\r2\r");
	ck_assert_str_eq(state(), "quiz");
	load(1);
	ck_assert_uint_eq(sess.nanswers, 0);
	nq = quiz_count(&app.cs.quiz);
	for (size_t i = 0; i < nq; i++) {
		key(choice_key(true));
		key(KEYS_ENTER);
	}
	ack_all();
	key(KEYS_END);
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	/* invisible characters are not even typed */
	key(0x200b);
	key(0x202e);
	ck_assert_str_eq(app.cs.name[0].s, "");
	/* a paste is typed, without what the gate would remove */
	paste("\xe2\x80\x8b \xe2\x80\xae\t");
	ck_assert_str_eq(app.cs.name[0].s, "  ");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "sign");
	ck_assert(shows("目に見える文字"));
	load(1);
	ck_assert_uint_eq(sess.nsigns, 0);
	key(KEYS_BACKSPACE);
	key(KEYS_BACKSPACE);
	paste("山田\xe2\x80\xae花子\n");
	ck_assert(!shows("目に見える文字"));
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "done");
	load(1);
	ck_assert_uint_eq(sess.nsigns, 1);
	ck_assert_str_eq(sess.signs[0].name, "山田花子");
	/* staff verification: the same gate */
	key(KEYS_ENTER);
	key(KEYS_F12);
	key('3'); /* staff verification of the last session */
	ck_assert_str_eq(state(), "staff-verify");
	paste("\xef\xbb\xbf");
	key(' ');
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "staff-verify");
	ck_assert(shows("スタッフID"));
	key(KEYS_BACKSPACE);
	paste("nurse-3\xe2\x80\x8f");
	key(KEYS_ENTER);
	ck_assert_str_eq(state(), "staff-menu");
	load(1);
	ck_assert_uint_eq(sess.nverifications, 1);
	ck_assert_str_eq(sess.verifications[0].staff_id, "nurse-3");
	store_session_done(&sess);
}
END_TEST

START_TEST(test_start_refused)
{
	ck_assert_int_eq(kiosk_consent_start(&app, "", "pregnancy", false, NULL), -1);
	ck_assert_int_eq(kiosk_consent_start(&app, "P", "maybe", false, NULL), -1);
	ck_assert_str_eq(state(), "welcome");
	kiosk_consent_use_store(&app, NULL);
	ck_assert_int_eq(kiosk_consent_start(&app, "P", "pregnancy", false, NULL), -1);
	ck_assert_str_eq(app.cs.error, "no records database is open");
	kiosk_consent_use_store(&app, st);
}
END_TEST

/* Outside demo mode, a clinic value still at its bundled sample (the
 * placeholder phone number) must not reach a signed record. */
START_TEST(test_start_refused_on_samples)
{
	struct content_values *cv = app.bundle->values;

	ck_assert_uint_gt(clinic_samples(cv), 0);
	app.demo = false;
	ck_assert_int_eq(kiosk_consent_start(&app, "P", "pregnancy", false, NULL), -1);
	ck_assert_str_eq(app.cs.error, "clinic.conf still has sample values: "
			 "edit them (isokiosk check --deploy)");
	ck_assert_str_eq(state(), "welcome");
	/* one sample left is enough to refuse */
	for (size_t i = 1; i < cv->n; i++)
		cv->v[i].sample = 0;
	ck_assert_int_eq(kiosk_consent_start(&app, "P", "pregnancy", false, NULL), -1);
	cv->v[0].sample = 0;
	ck_assert_int_eq(kiosk_consent_start(&app, "P", "pregnancy", false, NULL), 0);
	ck_assert_str_eq(state(), "screen");
	ck_assert_int_eq(kiosk_consent_finish(&app, "test"), 0);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("consent");
	TCase *tc = tcase_create("consent");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_whole_session);
	tcase_add_test(tc, test_minor_from_staff_menu);
	tcase_add_test(tc, test_reading_gated);
	tcase_add_test(tc, test_sign_field);
	tcase_add_test(tc, test_sign_by_touch);
	tcase_add_test(tc, test_sign_kanji);
	tcase_add_test(tc, test_ack_small_by_touch);
	tcase_add_test(tc, test_three_wrong_stop);
	tcase_add_test(tc, test_idle_timed_out);
	tcase_add_test(tc, test_write_fails_then_saved);
	tcase_add_test(tc, test_end_while_unsaved);
	tcase_add_test(tc, test_receipt_after_staff_save);
	tcase_add_test(tc, test_finish_without_session);
	tcase_add_test(tc, test_click_choice_and_reload);
	tcase_add_test(tc, test_staff_exit_abandons);
	tcase_add_test(tc, test_start_refused);
	tcase_add_test(tc, test_start_refused_on_samples);
	tcase_add_test(tc, test_hostile_input);
	suite_add_tcase(s, tc);
	return s;
}
