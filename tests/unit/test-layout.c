/*
 * Unit tests for layout: paragraphs, ruby modes, lists with hanging lines,
 * tables (fitting, wrapped, too wide → blocks), callouts, Q&A, node indices,
 * and every line within the width at ambiguous 1 and 2.
 */
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "diag.h"
#include "layout.h"
#include "tap.h"
#include "text.h"

/* Parse a body (front matter added) and render it; caller frees. */
static char *
render(const char *body, int width, int amb, enum layout_ruby ruby)
{
	char *src;
	size_t n;
	struct diag_list dl;
	struct content_doc *doc;
	struct layout_opts o = { width, amb, ruby };
	struct layout *l;
	char *s;

	n = strlen(body) + 64;
	src = malloc(n);
	snprintf(src, n, "---\nid: t\ntitle: T\nkind: screen\n---\n\n%s", body);
	diag_list_init(&dl);
	doc = content_parse("t.md", src, strlen(src), NULL, "ja", &dl);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 0);
	l = layout_doc(doc, &o);
	for (size_t i = 0; i < l->n; i++) {
		int w = 0;

		ck_assert_int_le(l->lines[i].width, width);
		for (size_t r = 0; r < l->lines[i].nruns; r++)
			w += text_strwidth(l->lines[i].runs[r].text, amb);
		ck_assert_int_eq(w, l->lines[i].width);
	}
	s = layout_to_text(l);
	layout_free(l);
	content_doc_free(doc);
	diag_list_done(&dl);
	free(src);
	return s;
}

#define RENDER_EQ(body, w, a, r, expect)                                      \
	do {                                                                  \
		char *got_ = render((body), (w), (a), (r));                   \
		ck_assert_str_eq(got_, (expect));                             \
		free(got_);                                                   \
	} while (0)

#define HEAD "T\n=\n\n"

START_TEST(test_paragraph)
{
	/* こ goes down with 、 (no 、 at a line start); 1日20mg stays whole */
	RENDER_EQ("あいうえおかきくけこ、さしすせそ。たちつてと1日20mgです。\n",
		  20, 1, LAYOUT_RUBY_PAREN,
		  HEAD "あいうえおかきくけ\n"
		  "こ、さしすせそ。たち\n"
		  "つてと1日20mgです。\n");
}
END_TEST

START_TEST(test_ruby)
{
	const char *b = "これは｜催奇形性《さいきけいせい》の話。\n";

	RENDER_EQ(b, 30, 1, LAYOUT_RUBY_PAREN,
		  HEAD "これは\n催奇形性（さいきけいせい）の\n話。\n");
	/* the reading centred over its base, the base padded to its width */
	RENDER_EQ(b, 30, 1, LAYOUT_RUBY_OVER,
		  HEAD "      さいきけいせい\n"
		  "これは   催奇形性   の話。\n");
	RENDER_EQ(b, 30, 1, LAYOUT_RUBY_OFF, HEAD "これは催奇形性の話。\n");
	/* a line without ruby has no reading line */
	RENDER_EQ("あい\n", 30, 1, LAYOUT_RUBY_OVER, HEAD "あい\n");
}
END_TEST

START_TEST(test_list)
{
	RENDER_EQ("- 1日20mgを飲みます。長い項目は次の行にぶら下がります。\n"
		  "- 短い\n\n3. 三\n4. 四\n",
		  24, 1, LAYOUT_RUBY_PAREN,
		  HEAD "・1日20mgを飲みます。長\n"
		  "  い項目は次の行にぶら下\n"
		  "  がります。\n"
		  "・短い\n\n"
		  "3. 三\n"
		  "4. 四\n");
}
END_TEST

START_TEST(test_table)
{
	RENDER_EQ("| 薬 | 量 |\n|---|--:|\n| A | 20mg |\n"
		  "| B<br>改行 | 0.5〜2mg/kg |\n",
		  30, 1, LAYOUT_RUBY_PAREN,
		  HEAD "┌──────┬─────────────┐\n"
		  "│ 薬   │          量 │\n"
		  "╞══════╪═════════════╡\n"
		  "│ A    │        20mg │\n"
		  "├──────┼─────────────┤\n"
		  "│ B    │ 0.5〜2mg/kg │\n"
		  "│ 改行 │             │\n"
		  "└──────┴─────────────┘\n");
	/* narrow: min-content plus shares of the rest, cells wrapped */
	RENDER_EQ("| 症状 | どうするか |\n|---|---|\n"
		  "| 唇の乾燥 | リップクリームを塗ります。 |\n",
		  16, 1, LAYOUT_RUBY_PAREN,
		  HEAD "┌─────┬────────┐\n"
		  "│ 症  │ どうす │\n"
		  "│ 状  │ るか   │\n"
		  "╞═════╪════════╡\n"
		  "│ 唇  │ リップ │\n"
		  "│ の  │ クリー │\n"
		  "│ 乾  │ ムを塗 │\n"
		  "│ 燥  │ りま   │\n"
		  "│     │ す。   │\n"
		  "└─────┴────────┘\n");
}
END_TEST

START_TEST(test_table_blocks)
{
	/* 0.5〜2mg/kg (11) cannot fit in a column at 16: rows as blocks,
	 * "header：value" on one line when it fits */
	RENDER_EQ("| 薬 | 量 |\n|---|---|\n| A | 0.5〜2mg/kg |\n| B | 1日20mg |\n",
		  16, 1, LAYOUT_RUBY_PAREN,
		  HEAD "薬：A\n量：0.5〜2mg/kg\n\n薬：B\n量：1日20mg\n");
	/* longer: the rest hangs under a two-column indent */
	RENDER_EQ("| 薬 | 飲み方 |\n|---|---|\n| A | 0.5〜2mg/kgを1日2回 |\n",
		  16, 1, LAYOUT_RUBY_PAREN,
		  HEAD "薬：A\n飲み方：\n  0.5〜2mg/kgを\n  1日2回\n");
}
END_TEST

START_TEST(test_callout)
{
	/* ambiguous 2: ─ and │ are two columns; the frame still adds up */
	RENDER_EQ("> [!NOTE]\n> 飲み忘れても2回分を飲まないでください。\n",
		  30, 2, LAYOUT_RUBY_PAREN,
		  HEAD "┌─ [i] メモ ───────┐\n"
		  "│ 飲み忘れても2回分を飲ま  │\n"
		  "│ ないでください。         │\n"
		  "└─────────────┘\n");
	RENDER_EQ("> [!WARNING]\n> 妊娠しないでください。\n",
		  24, 1, LAYOUT_RUBY_PAREN,
		  HEAD "┌─ [!] 注意 ───────────┐\n"
		  "│ 妊娠しないでくださ   │\n"
		  "│ い。                 │\n"
		  "└──────────────────────┘\n");
}
END_TEST

START_TEST(test_qa)
{
	RENDER_EQ("Q: 飲み忘れたら？\n\nA: 次の分から飲みます。\n", 30, 1,
		  LAYOUT_RUBY_PAREN,
		  HEAD "Q. 飲み忘れたら？\nA. 次の分から飲みます。\n");
}
END_TEST

START_TEST(test_nodes_and_runs)
{
	const char *src = "---\nid: t\ntitle: T\nkind: screen\n---\n\n"
			  "# 見出し\n\nあい**うえ**お\n\n- 項目\n";
	struct diag_list dl;
	struct content_doc *doc;
	struct layout_opts o = { 40, 1, LAYOUT_RUBY_PAREN };
	struct layout *l;
	const struct layout_line *ln;

	diag_list_init(&dl);
	doc = content_parse("t.md", src, strlen(src), NULL, "ja", &dl);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(doc->n, 3);
	l = layout_doc(doc, &o);
	/* T, =, "", 見出し, ======, "", あいうえお, "", ・項目 */
	ck_assert_uint_eq(l->n, 9);
	ck_assert_uint_eq(layout_line_of_node(l, 0), 0);
	ck_assert_uint_eq(layout_line_of_node(l, 1), 6);
	ck_assert_uint_eq(layout_line_of_node(l, 2), 8);
	ck_assert_uint_eq(layout_line_of_node(l, 3), 9);
	ck_assert(l->lines[3].runs[0].attr & LAYOUT_HEADING);
	ln = &l->lines[6];
	ck_assert_uint_eq(ln->nruns, 3);
	ck_assert_str_eq(ln->runs[1].text, "うえ");
	ck_assert_uint_eq(ln->runs[1].attr, LAYOUT_BOLD);
	ck_assert_int_eq(ln->width, 10);
	ck_assert_str_eq(l->lines[8].runs[0].text, "・");
	ck_assert_uint_eq(l->lines[8].runs[0].attr, LAYOUT_BORDER);
	layout_free(l);
	content_doc_free(doc);
	diag_list_done(&dl);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("layout");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_paragraph);
	tcase_add_test(tc, test_ruby);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_table_blocks);
	tcase_add_test(tc, test_callout);
	tcase_add_test(tc, test_qa);
	tcase_add_test(tc, test_nodes_and_runs);
	suite_add_tcase(s, tc);
	return s;
}
