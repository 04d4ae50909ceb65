/*
 * Unit tests for lint: lint.conf parsing, sentences of duty and words of an
 * outcome in consent statements, the quiz a guesser could pass (longest
 * right choice, shared right wording), readings given after a word's first
 * use on a screen; and the bundled content, which must be lint-clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "content.h"
#include "lint.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

static char *
diags_text(struct diag_list *dl)
{
	struct strbuf sb;

	strbuf_init(&sb);
	diag_sort(dl);
	for (size_t i = 0; i < dl->n; i++) {
		char *d = diag_format(&dl->v[i]);

		strbuf_addstr(&sb, d);
		strbuf_addch(&sb, '\n');
		free(d);
	}
	return strbuf_detach(&sb, NULL);
}

/* Parse text as path, run fn over it, compare the lint's diagnostics. */
static void
lint_eq(const char *path, const char *text, const struct lint_rules *r,
	const char *want)
{
	struct diag_list pdl, dl;
	struct content_doc *doc;
	char *got;

	diag_list_init(&pdl);
	doc = content_parse(path, text, strlen(text), NULL, "ja", &pdl);
	ck_assert_ptr_nonnull(doc);
	ck_assert_msg(pdl.n == 0, "the test text does not parse: %s",
		      diags_text(&pdl));
	diag_list_init(&dl);
	lint_doc(doc, r, &dl);
	got = diags_text(&dl);
	ck_assert_str_eq(got, want);
	free(got);
	content_doc_free(doc);
	diag_list_done(&dl);
	diag_list_done(&pdl);
}

static char *
write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/test-lint.XXXXXX");
	int fd = mkstemp(path);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
rules_ja(struct lint_rules *r)
{
	struct diag_list dl;
	char *p = write_tmp("# ja\n"
			    "duty-end = ます\n"
			    "duty-end = ません\n"
			    "not-duty-end = あります\n"
			    "understanding = 理解\n"
			    "outcome = 妊娠しません\n");

	lint_rules_init(r);
	diag_list_init(&dl);
	ck_assert_int_eq(lint_rules_load(r, p, &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert(r->loaded);
	unlink(p);
	free(p);
	diag_list_done(&dl);
}

START_TEST(test_rules_load)
{
	struct lint_rules r;
	struct diag_list dl;
	char *p = write_tmp("duty-word = I will\n"
			    "  outcome   =  will cure  \n"
			    "\n# comment\n"
			    "promise = never\n"
			    "outcome\n"
			    "outcome =\n"
			    "duty-word = I'll\n");
	char *got, *want;

	lint_rules_init(&r);
	diag_list_init(&dl);
	ck_assert_int_eq(lint_rules_load(&r, p, &dl), 0);
	ck_assert_uint_eq(r.duty_word.n, 2);
	ck_assert_str_eq(r.duty_word.v[1], "I'll");
	ck_assert_uint_eq(r.outcome.n, 1);
	ck_assert_str_eq(r.outcome.v[0], "will cure");
	got = diags_text(&dl);
	want = xasprintf("%s:5:1: error: unknown key 'promise' (expected "
			 "duty-end, not-duty-end, duty-word, understanding or "
			 "outcome)\n"
			 "%s:6:8: error: expected '=' after 'outcome'\n"
			 "%s:7:10: error: 'outcome' has an empty value\n",
			 p, p, p);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	lint_rules_done(&r);
	unlink(p);
	/* a folder without one: not an error, nothing loaded */
	diag_list_done(&dl);
	diag_list_init(&dl);
	lint_rules_init(&r);
	ck_assert_int_eq(lint_rules_load(&r, p, &dl), 0);
	ck_assert(!r.loaded);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_done(&dl);
	free(p);
}
END_TEST

START_TEST(test_duty_sentences)
{
	struct lint_rules r, en;
	struct diag_list dl;
	char *p = write_tmp("duty-word = I will\nunderstanding = I understand\n"
			    "outcome = I will not get pregnant\n");

	rules_ja(&r);
	ck_assert_uint_eq(lint_duty_sentences("薬をやめます。", &r), 1);
	ck_assert_uint_eq(lint_duty_sentences("薬をやめます。\nそして、電話します。",
					      &r), 2);
	/* one sentence with a clause in brackets after the verb */
	ck_assert_uint_eq(lint_duty_sentences("電話します（夜は#7119）。", &r), 1);
	ck_assert_uint_eq(lint_duty_sentences("献血をしません。理由を理解しました。",
					      &r), 1);
	/* understanding and description are not duties */
	ck_assert_uint_eq(lint_duty_sentences("危険が高いと理解しています。", &r), 0);
	ck_assert_uint_eq(lint_duty_sentences("方法は、2つです。", &r), 0);
	ck_assert_uint_eq(lint_duty_sentences("命に危険があります。電話します。",
					      &r), 1);
	ck_assert_uint_eq(lint_duty_sentences("", &r), 0);
	ck_assert_ptr_null(lint_outcome_word("妊娠してはいけないと理解しました。", &r));
	ck_assert_str_eq(lint_outcome_word("1か月後まで、妊娠しません。", &r),
			 "妊娠しません");
	lint_rules_done(&r);

	lint_rules_init(&en);
	diag_list_init(&dl);
	ck_assert_int_eq(lint_rules_load(&en, p, &dl), 0);
	ck_assert_uint_eq(lint_duty_sentences("If I feel low, I will stop the "
					      "medicine. Then I will call.", &en), 2);
	ck_assert_uint_eq(lint_duty_sentences("I understand that I will need "
					      "tests. I will not share it.", &en), 1);
	/* "e.g." and a number like 2.5 do not end a sentence */
	ck_assert_uint_eq(lint_duty_sentences("I will take 2.5 mg, e.g.at noon.",
					      &en), 1);
	ck_assert_str_eq(lint_outcome_word("I will not get pregnant.", &en),
			 "I will not get pregnant");
	lint_rules_done(&en);
	unlink(p);
	free(p);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_consent)
{
	struct lint_rules r;

	rules_ja(&r);
	lint_eq("c.md",
		"---\nid: c\ntitle: 確認\nkind: consent\n---\n\n"
		"## ack-a\nprofile: all\n\n"
		"薬をやめます。\nそして、すぐに電話します。\n\n"
		"## ack-b\nprofile: all\n\n"
		"危険が高いと理解しました。\n流産の原因になると理解しました。\n\n"
		"## ack-c\nprofile: pregnancy\n\n"
		"1か月後まで、妊娠しません。\n",
		&r,
		"c.md:10:1: warning: statement 'ack-a' has 2 sentences of duty "
		"('薬をやめます。', 'そして、すぐに電話します。'): one point per "
		"statement, so that each is confirmed on its own; split it\n"
		"c.md:22:1: warning: statement 'ack-c' promises an outcome "
		"('妊娠しません'): a statement says what the patient understood "
		"or will do, never what will happen\n");
	/* without word lists, no consent lint */
	lint_eq("c.md",
		"---\nid: c\ntitle: 確認\nkind: consent\n---\n\n"
		"## ack-a\nprofile: all\n\n薬をやめます。電話します。\n", NULL, "");
	lint_rules_done(&r);
}
END_TEST

static const char quiz_head[] = "---\nid: quiz\ntitle: 問題\nkind: quiz\n---\n\n";

/* A question whose right choice is r and wrong ones w1, w2. */
static void
add_q(struct strbuf *sb, const char *id, const char *r, const char *w1,
      const char *w2)
{
	strbuf_addf(sb, "## %s\nprofile: all\nreread: x\n\n問い\n\n"
		    "- [ ] %s\n- [x] %s\n- [ ] %s\n\n説明\n\n", id, w1, r, w2);
}

START_TEST(test_quiz_longest)
{
	struct strbuf sb;
	char *t;

	/* exactly a third: allowed (a tie counts as the longest) */
	strbuf_init(&sb);
	strbuf_addstr(&sb, quiz_head);
	add_q(&sb, "q-a", "あいう", "あい", "あいう");
	add_q(&sb, "q-b", "あ", "あい", "あいう");
	add_q(&sb, "q-c", "あい", "あいう", "あ");
	t = strbuf_detach(&sb, NULL);
	lint_eq("quiz.md", t, NULL, "");
	free(t);
	/* two of three: a warning naming them */
	strbuf_init(&sb);
	strbuf_addstr(&sb, quiz_head);
	add_q(&sb, "q-a", "あいう", "あい", "あ");
	add_q(&sb, "q-b", "あ", "あい", "あいう");
	add_q(&sb, "q-c", "あいうえ", "あいう", "あ");
	t = strbuf_detach(&sb, NULL);
	lint_eq("quiz.md", t, NULL,
		"quiz.md:7:1: warning: the right choice is the longest in 2 of 3 "
		"questions (more than a third: a patient who picks the longest "
		"passes): q-a (line 14), q-c (line 38); shorten the right choice "
		"or lengthen a wrong one in some of them\n");
	free(t);
}
END_TEST

START_TEST(test_quiz_same_right)
{
	struct strbuf sb;
	char *t;

	strbuf_init(&sb);
	strbuf_addstr(&sb, quiz_head);
	add_q(&sb, "q-a", "電話する", "待つ人", "がまんする");
	add_q(&sb, "q-b", "相談する", "待つ人", "がまんする");
	add_q(&sb, "q-c", "電話する", "待つ人", "がまんする");
	add_q(&sb, "q-d", "電話する", "待つ人", "がまんする");
	t = strbuf_detach(&sb, NULL);
	/* each later copy names the first question with the wording */
	lint_eq("quiz.md", t, NULL,
		"quiz.md:38:1: warning: question 'q-c' has the same right answer "
		"as question 'q-a' (line 7), '電話する': a patient learns the "
		"answer, not the point; word them apart\n"
		"quiz.md:50:1: warning: question 'q-d' has the same right answer "
		"as question 'q-a' (line 7), '電話する': a patient learns the "
		"answer, not the point; word them apart\n");
	free(t);
}
END_TEST

START_TEST(test_ruby)
{
	/* the title is not counted; a later reading after a plain use is;
	   a plain use after the reading is fine */
	lint_eq("s.md",
		"---\nid: s\ntitle: 避妊と献血\nkind: screen\n---\n\n"
		"｜献血《けんけつ》をしません。\n献血は1か月後からです。\n\n"
		"避妊を続けます。\n\n"
		"- 方法は｜避妊《ひにん》の画面にあります。\n"
		"- ｜避妊《ひにん》をもう一度。\n",
		NULL,
		"s.md:12:11: warning: '避妊' has its reading here, but it is used "
		"earlier on this screen without one (in the text from line 10): "
		"give the reading at its first use\n");
	/* tables: row by row, cell by cell */
	lint_eq("s.md",
		"---\nid: s\ntitle: t\nkind: screen\n---\n\n"
		"| a | b |\n| --- | --- |\n| 肝臓の検査 | ｜肝臓《かんぞう》 |\n",
		NULL,
		"s.md:9:18: warning: '肝臓' has its reading here, but it is used "
		"earlier on this screen without one (in the text from line 9): "
		"give the reading at its first use\n");
	/* each question is a screen of its own */
	lint_eq("quiz.md",
		"---\nid: quiz\ntitle: t\nkind: quiz\n---\n\n"
		"## q-a\nprofile: all\nreread: x\n\n避妊は？\n\n"
		"- [ ] しない\n- [x] する\n\n説明\n\n"
		"## q-b\nprofile: all\nreread: x\n\n｜避妊《ひにん》は？\n\n"
		"- [ ] しないでおく\n- [x] 続ける\n\n｜避妊《ひにん》を続けます。\n",
		NULL, "");
}
END_TEST

/* The bundled content is lint-clean (the bundled-content test checks the
 * command; this checks lint_bundle itself, with the languages' lint.conf). */
START_TEST(test_bundled_content)
{
	char *root = tap_source_path("content");
	struct diag_list dl;
	struct bundle *b;
	char *got;

	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(dl.n, 0);
	lint_bundle(b, &dl);
	got = diags_text(&dl);
	ck_assert_str_eq(got, "");
	free(got);
	bundle_free(b);
	diag_list_done(&dl);
	free(root);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("lint");

	tcase_add_test(tc, test_rules_load);
	tcase_add_test(tc, test_duty_sentences);
	tcase_add_test(tc, test_consent);
	tcase_add_test(tc, test_quiz_longest);
	tcase_add_test(tc, test_quiz_same_right);
	tcase_add_test(tc, test_ruby);
	tcase_add_test(tc, test_bundled_content);
	suite_add_tcase(s, tc);
	return s;
}
