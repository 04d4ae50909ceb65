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
render_kind(const char *kind, const char *body, int width, int amb,
	    enum layout_ruby ruby)
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
	snprintf(src, n, "---\nid: t\ntitle: T\nkind: %s\n---\n\n%s", kind, body);
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

static char *
render(const char *body, int width, int amb, enum layout_ruby ruby)
{
	return render_kind("screen", body, width, amb, ruby);
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
	/* lines end between phrases (飲み忘れたときは、|気づいたときに|...),
	   1日20mg stays whole */
	RENDER_EQ("飲み忘れたときは、気づいたときに1回分を飲みます。"
		  "次の日に2回分を飲まないでください。量は1日20mgです。\n",
		  20, 1, LAYOUT_RUBY_PAREN,
		  HEAD "飲み忘れたときは、\n"
		  "気づいたときに\n"
		  "1回分を飲みます。\n"
		  "次の日に2回分を\n"
		  "飲まないでください。\n"
		  "量は1日20mgです。\n");
}
END_TEST

START_TEST(test_ruby)
{
	const char *b = "これは｜催奇形性《さいきけいせい》の話。\n";

	/* a jukugo ruby: "これは" alone would leave the line nearly empty,
	   so the compound splits at a kanji boundary with its reading */
	RENDER_EQ(b, 30, 1, LAYOUT_RUBY_PAREN,
		  HEAD "これは催奇（さいき）\n形性（けいせい）の話。\n");
	/* the reading centred over its base, the base padded to its width */
	RENDER_EQ(b, 30, 1, LAYOUT_RUBY_OVER,
		  HEAD "      さいきけいせい\n"
		  "これは   催奇形性   の話。\n");
	RENDER_EQ(b, 30, 1, LAYOUT_RUBY_OFF, HEAD "これは催奇形性の話。\n");
	/* a line without ruby has no reading line */
	RENDER_EQ("あい\n", 30, 1, LAYOUT_RUBY_OVER, HEAD "あい\n");
}
END_TEST

/* JLREQ jukugo ruby: split only at a kanji boundary, each part with its own
 * reading, parts on one line joined again; a group ruby never splits. */
START_TEST(test_jukugo)
{
	const char *b = "これは｜催奇形性《さいきけいせい》の話。\n";

	/* 奇形（きけい） rather than 奇（き）|形（けい）: joined, the two
	   parts fit where apart they did not */
	RENDER_EQ(b, 16, 1, LAYOUT_RUBY_PAREN,
		  HEAD "これは催（さい）\n奇形（きけい）\n性（せい）の話。\n");
	/* no two parts fit a line: one a line, never a reading cut */
	RENDER_EQ(b, 12, 1, LAYOUT_RUBY_PAREN,
		  HEAD "これは\n催（さい）\n奇（き）\n形（けい）\n"
		  "性（せい）の\n話。\n");
	/* over the line: each part's reading stays over it */
	RENDER_EQ(b, 16, 1, LAYOUT_RUBY_OVER,
		  HEAD "      さいきけい\n"
		  "これは  催奇形\n"
		  "せい\n"
		  " 性 の話。\n");
	/* with the readings off, the compound is plain text, broken between
	   phrases like any */
	RENDER_EQ(b, 12, 1, LAYOUT_RUBY_OFF, HEAD "これは\n催奇形性の\n話。\n");
	RENDER_EQ(b, 8, 1, LAYOUT_RUBY_OFF, HEAD "これは\n催奇形性\nの話。\n");
	/* a group ruby (今日 read as a whole) never splits between its
	   kanji; wider than the line, it breaks before its reading only */
	RENDER_EQ("これは｜今日《きょう》の話。\n", 18, 1, LAYOUT_RUBY_PAREN,
		  HEAD "これは\n今日（きょう）の\n話。\n");
	RENDER_EQ("これは｜今日《きょう》の話。\n", 10, 1, LAYOUT_RUBY_PAREN,
		  HEAD "これは\n今日\n（きょう）\nの話。\n");
}
END_TEST

START_TEST(test_list)
{
	RENDER_EQ("- 1日20mgを飲みます。長い項目は次の行にぶら下がります。\n"
		  "- 短い\n\n3. 三\n4. 四\n",
		  24, 1, LAYOUT_RUBY_PAREN,
		  HEAD "・1日20mgを飲みます。\n"
		  "  長い項目は次の行に\n"
		  "  ぶら下がります。\n"
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
	/* not at max-content: the first column keeps its phrase
	   脂質（コレステロールなど） whole, the second breaks between
	   phrases */
	RENDER_EQ("| 検査 | 何を確かめるか |\n|---|---|\n"
		  "| 肝機能 | 肝臓に負担がかかっていないか |\n"
		  "| 脂質（コレステロールなど） | 値が上がりすぎていないか |\n",
		  50, 1, LAYOUT_RUBY_PAREN,
		  HEAD "┌────────────────────────────┬───────────────────┐\n"
		  "│ 検査                       │ 何を確かめるか    │\n"
		  "╞════════════════════════════╪═══════════════════╡\n"
		  "│ 肝機能                     │ 肝臓に負担が      │\n"
		  "│                            │ かかっていないか  │\n"
		  "├────────────────────────────┼───────────────────┤\n"
		  "│ 脂質（コレステロールなど） │ 値が上がりすぎて  │\n"
		  "│                            │ いないか          │\n"
		  "└────────────────────────────┴───────────────────┘\n");
	/* narrower: the break inside the phrase goes where it costs least
	   (コレステロール|など, never inside the katakana word) */
	RENDER_EQ("| 検査 | 何を確かめるか |\n|---|---|\n"
		  "| 肝機能 | 肝臓に負担がかかっていないか |\n"
		  "| 脂質（コレステロールなど） | 値が上がりすぎていないか |\n",
		  44, 1, LAYOUT_RUBY_PAREN,
		  HEAD "┌──────────────────────┬───────────────────┐\n"
		  "│ 検査                 │ 何を確かめるか    │\n"
		  "╞══════════════════════╪═══════════════════╡\n"
		  "│ 肝機能               │ 肝臓に負担が      │\n"
		  "│                      │ かかっていないか  │\n"
		  "├──────────────────────┼───────────────────┤\n"
		  "│ 脂質（コレステロール │ 値が上がりすぎて  │\n"
		  "│ など）               │ いないか          │\n"
		  "└──────────────────────┴───────────────────┘\n");
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
		  "│ 飲み忘れても2回分を      │\n"
		  "│ 飲まないでください。     │\n"
		  "└─────────────┘\n");
	RENDER_EQ("> [!WARNING]\n> 妊娠しないでください。\n",
		  24, 1, LAYOUT_RUBY_PAREN,
		  HEAD "┌─ [!] 注意 ───────────┐\n"
		  "│ 妊娠しないでくだ     │\n"
		  "│ さい。               │\n"
		  "└──────────────────────┘\n");
}
END_TEST

/* A choice's [x] stays with its last word; the hanging indent holds. */
START_TEST(test_choice)
{
	char *got = render_kind("quiz",
				"## q-food\nprofile: all\nreread: t\n\n"
				"When do you take it?\n\n"
				"- [ ] As soon as you wake up\n"
				"- [x] During a meal or right after a meal\n\n"
				"It dissolves in fat.\n",
				40, 1, LAYOUT_RUBY_PAREN);

	ck_assert_ptr_nonnull(strstr(got, "(2) During a meal or right after a\n"
					  "    meal [x]\n"));
	free(got);
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
	tcase_add_test(tc, test_jukugo);
	tcase_add_test(tc, test_choice);
	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_table_blocks);
	tcase_add_test(tc, test_callout);
	tcase_add_test(tc, test_qa);
	tcase_add_test(tc, test_nodes_and_runs);
	suite_add_tcase(s, tc);
	return s;
}
