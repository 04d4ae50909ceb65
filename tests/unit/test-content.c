/*
 * Unit tests for content (the parser) and clinic (clinic.conf): every block
 * and inline construct, and every diagnostic, as exact strings. Documents are
 * compared through a compact dump (see dump_doc).
 */
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "content.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

/* ---- helpers ----------------------------------------------------------- */

static char *
test_detach(struct strbuf *sb)
{
	char *s = strbuf_detach(sb, NULL);

	strbuf_done(sb);
	return s;
}

/*
 * Inline dump: spans separated by '|'; bold spans as <b>text</b>; ruby as
 * base(reading); a hard break as \n.
 */
static void
dump_inline(struct strbuf *sb, const struct content_inline *in)
{
	for (size_t i = 0; i < in->n; i++) {
		const struct content_span *sp = &in->spans[i];

		if (i > 0)
			strbuf_addch(sb, '|');
		if (sp->style & CONTENT_BOLD)
			strbuf_addstr(sb, "<b>");
		for (const char *p = sp->text; *p; p++) {
			if (*p == '\n')
				strbuf_addstr(sb, "\\n");
			else
				strbuf_addch(sb, *p);
		}
		if (sp->ruby != NULL)
			strbuf_addf(sb, "(%s)", sp->ruby);
		if (sp->style & CONTENT_BOLD)
			strbuf_addstr(sb, "</b>");
	}
}

static void dump_nodes(struct strbuf *sb, const struct content_node *v,
		       size_t n, int depth);

static void
dump_node(struct strbuf *sb, const struct content_node *nd, int depth)
{
	strbuf_addpad(sb, ' ', (size_t)depth * 2);
	switch (nd->kind) {
	case CONTENT_HEADING:
		strbuf_addf(sb, "H%d@%d:%d ", nd->level, nd->line, nd->col);
		dump_inline(sb, &nd->text);
		strbuf_addch(sb, '\n');
		break;
	case CONTENT_PARAGRAPH:
		strbuf_addf(sb, "P@%d:%d ", nd->line, nd->col);
		dump_inline(sb, &nd->text);
		strbuf_addch(sb, '\n');
		break;
	case CONTENT_LIST:
		strbuf_addf(sb, "L%s@%d:%d\n", nd->ordered ? "o" : "u", nd->line,
			    nd->col);
		if (nd->ordered)
			strbuf_addf(sb, "%*sstart %d\n", depth * 2, "", nd->start);
		break;
	case CONTENT_TABLE:
		strbuf_addf(sb, "T@%d:%d %zux%zu align", nd->line, nd->col,
			    nd->table.nrows, nd->table.ncols);
		for (size_t c = 0; c < nd->table.ncols; c++)
			strbuf_addf(sb, " %d", (int)nd->table.align[c]);
		strbuf_addch(sb, '\n');
		for (size_t r = 0; r < nd->table.nrows; r++) {
			strbuf_addpad(sb, ' ', (size_t)depth * 2 + 2);
			for (size_t c = 0; c < nd->table.ncols; c++) {
				strbuf_addch(sb, '[');
				dump_inline(sb, &nd->table.cells[r * nd->table.ncols + c]);
				strbuf_addch(sb, ']');
			}
			strbuf_addch(sb, '\n');
		}
		break;
	case CONTENT_CALLOUT:
		strbuf_addf(sb, "C%s@%d:%d\n",
			    nd->callout == CONTENT_CALLOUT_WARNING ? "warn" : "note",
			    nd->line, nd->col);
		break;
	case CONTENT_QA:
		strbuf_addf(sb, "QA@%d:%d ", nd->line, nd->col);
		dump_inline(sb, &nd->text);
		strbuf_addch(sb, '\n');
		break;
	case CONTENT_QUESTION:
		strbuf_addf(sb, "Q@%d:%d %s profile=%s reread=%s@%d:%d%s\n",
			    nd->line, nd->col, nd->id,
			    nd->profile ? nd->profile : "-",
			    nd->reread ? nd->reread : "-", nd->reread_line,
			    nd->reread_col, nd->no_recheck ? " recheck=no" : "");
		break;
	case CONTENT_STATEMENT:
		strbuf_addf(sb, "S@%d:%d %s profile=%s%s%s%s\n", nd->line, nd->col,
			    nd->id, nd->profile ? nd->profile : "-",
			    nd->signer ? " signer=" : "",
			    nd->signer ? nd->signer : "",
			    nd->every_visit ? " every-visit" : "");
		break;
	case CONTENT_ENTRY: {
		static const char *const e[] = {
			"method", "item", "band", "check", "message",
		};
		strbuf_addf(sb, "E@%d:%d %s %s", nd->line, nd->col, e[nd->entry],
			    nd->id);
		if (nd->entry == CONTENT_ENTRY_METHOD)
			strbuf_addf(sb, " class=%s",
				    content_method_class_name(nd->method_class));
		if (nd->code != NULL)
			strbuf_addf(sb, " code=%s", nd->code);
		if (nd->urgent_from > 0)
			strbuf_addf(sb, " urgent=%d", nd->urgent_from);
		if (nd->entry == CONTENT_ENTRY_BAND)
			strbuf_addf(sb, " min=%d flag=%s", nd->min_total,
				    content_flag_name(nd->flag));
		if (nd->message != NULL)
			strbuf_addf(sb, " message=%s", nd->message);
		strbuf_addch(sb, '\n');
		break;
	}
	}
	if (nd->kind == CONTENT_LIST || nd->kind == CONTENT_QUESTION ||
	    nd->kind == CONTENT_ENTRY) {
		for (size_t i = 0; i < nd->nitems; i++) {
			const struct content_item *it = &nd->items[i];

			strbuf_addpad(sb, ' ', (size_t)depth * 2 + 2);
			if (it->score >= 0)
				strbuf_addf(sb, "[%d]", it->score);
			strbuf_addf(sb, "%s@%d:%d ",
				    it->checked < 0 ? "-" :
				    it->checked ? "[x]" : "[ ]", it->line, it->col);
			dump_inline(sb, &it->text);
			strbuf_addch(sb, '\n');
		}
	}
	dump_nodes(sb, nd->children, nd->nchildren, depth + 1);
	if (nd->nexplain > 0) {
		strbuf_addpad(sb, ' ', (size_t)depth * 2 + 2);
		strbuf_addstr(sb, "explain:\n");
		dump_nodes(sb, nd->explain, nd->nexplain, depth + 2);
	}
}

static void
dump_nodes(struct strbuf *sb, const struct content_node *v, size_t n, int depth)
{
	for (size_t i = 0; i < n; i++)
		dump_node(sb, &v[i], depth);
}

static char *
dump_doc(const struct content_doc *doc)
{
	struct strbuf sb;

	strbuf_init(&sb);
	dump_nodes(&sb, doc->nodes, doc->n, 0);
	return test_detach(&sb);
}

static char *
dump_diags(struct diag_list *dl)
{
	struct strbuf sb;

	strbuf_init(&sb);
	diag_sort(dl);
	for (size_t i = 0; i < dl->n; i++) {
		char *s = diag_format(&dl->v[i]);
		strbuf_addstr(&sb, s);
		strbuf_addch(&sb, '\n');
		free(s);
	}
	return test_detach(&sb);
}

static struct content_values *
test_values(void)
{
	struct content_values *cv = clinic_new();

	clinic_set(cv, "clinic_name", NULL, "さくら皮膚科");
	clinic_set(cv, "clinic_name", "en", "Sakura Dermatology");
	clinic_set(cv, "phone", NULL, "03-0000-0000");
	return cv;
}

/* Parse a screen body (front matter added) and compare dump and diagnostics. */
static void
check_body(const char *kind, const char *body, const char *want_dump,
	   const char *want_diags)
{
	struct diag_list dl;
	struct content_values *cv = test_values();
	char *text = xasprintf("---\nid: x\ntitle: T\nkind: %s\n---\n%s", kind,
			       body);
	struct content_doc *doc;
	char *got, *diags;

	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), cv, "ja", &dl);
	ck_assert_ptr_nonnull(doc);
	got = dump_doc(doc);
	diags = dump_diags(&dl);
	ck_assert_str_eq(diags, want_diags);
	if (want_dump != NULL)
		ck_assert_str_eq(got, want_dump);
	free(got);
	free(diags);
	content_doc_free(doc);
	clinic_free(cv);
	diag_list_done(&dl);
	free(text);
}

/* Parse whole text; only the diagnostics matter. */
static void
check_diags(const char *lang, const char *text, const char *want_diags,
	    bool want_doc)
{
	struct diag_list dl;
	struct content_values *cv = test_values();
	struct content_doc *doc;
	char *diags;

	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), cv, lang, &dl);
	diags = dump_diags(&dl);
	ck_assert_str_eq(diags, want_diags);
	ck_assert_int_eq(doc != NULL, want_doc);
	free(diags);
	content_doc_free(doc);
	clinic_free(cv);
	diag_list_done(&dl);
}

/* ---- front matter ------------------------------------------------------ */

START_TEST(test_front_matter)
{
	struct diag_list dl;
	const char *text = "---\nid: what-is\ntitle: **イソ**｜薬《くすり》\n"
			   "kind: qa\n---\n";
	struct content_doc *doc;

	diag_list_init(&dl);
	doc = content_parse("content/ja/what-is.md", text, strlen(text), NULL,
			    "ja", &dl);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_str_eq(doc->id, "what-is");
	ck_assert_str_eq(doc->title, "イソ薬");
	ck_assert_uint_eq(doc->title_inline.n, 2);
	ck_assert_str_eq(doc->title_inline.spans[1].ruby, "くすり");
	ck_assert_int_eq(doc->kind, CONTENT_KIND_QA);
	ck_assert_ptr_null(doc->source);
	ck_assert_int_eq(doc->id_line, 2);
	ck_assert_int_eq(doc->id_col, 5);
	ck_assert_int_eq(doc->kind_line, 4);
	ck_assert_int_eq(doc->kind_col, 7);
	ck_assert_uint_eq(doc->n, 0);
	ck_assert_str_eq(content_kind_name(doc->kind), "qa");
	content_doc_free(doc);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_front_matter_source)
{
	struct diag_list dl;
	const char *text = "---\nid: x\ntitle: T\nkind: screen\nsource: "
			   "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\n"
			   "---\n";
	struct content_doc *doc;

	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), NULL, "en", &dl);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_str_eq(doc->source, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	ck_assert_int_eq(doc->source_line, 5);
	ck_assert_int_eq(doc->source_col, 9);
	content_doc_free(doc);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_front_matter_errors)
{
	check_diags("ja", "", "x.md: error: empty file: expected front matter "
		    "starting with '---'\n", false);
	check_diags("ja", "\n  \n", "x.md: error: empty file: expected front "
		    "matter starting with '---'\n", false);
	check_diags("ja", "id: x\n", "x.md:1:1: error: expected front matter: "
		    "the first line must be '---'\n", false);
	check_diags("ja", "---\nid: x\ntitle: T\n\nbody\n",
		    "x.md:1:1: error: front matter is not closed: expected a "
		    "line '---'\n", false);
	check_diags("ja", "---\ntitle: T\nkind: screen\n---\n",
		    "x.md:1:1: error: front matter has no 'id:'\n", true);
	check_diags("ja", "---\nid: x\nkind: screen\n---\n",
		    "x.md:1:1: error: front matter has no 'title:'\n", true);
	check_diags("ja", "---\nid: x\ntitle: T\n---\n",
		    "x.md:1:1: error: front matter has no 'kind:' (screen, qa, "
		    "quiz or consent)\n", true);
	check_diags("ja", "---\nid: x\ntitle: T\nkind: scren\n---\n",
		    "x.md:4:7: error: unknown kind 'scren' (expected screen, qa, "
		    "quiz, consent, methods, questionnaire or checklist)\n",
		    true);
	check_diags("ja", "---\nid: y\ntitle: T\nkind: screen\n---\n",
		    "x.md:2:5: error: id 'y' does not match the file name x.md "
		    "(expected id: x)\n", true);
	check_diags("ja", "---\nid: X_1\ntitle: T\nkind: screen\n---\n",
		    "x.md:2:5: error: id 'X_1' must be lowercase letters, digits "
		    "and '-'\n"
		    "x.md:2:5: error: id 'X_1' does not match the file name x.md "
		    "(expected id: x)\n", true);
	check_diags("ja", "---\nid: x\nid: x\ntitle: T\nkind: screen\nauthor: me\n"
		    "no colon here\n---\n",
		    "x.md:3:1: error: 'id:' is given twice\n"
		    "x.md:6:1: error: unknown front matter key 'author' (expected "
		    "id, title, kind or source)\n"
		    "x.md:7:1: error: expected 'key: value' in the front matter "
		    "(keys: id, title, kind, source)\n", true);
	check_diags("ja", "---\nid: x\ntitle: T\nkind: screen\nsource: "
		    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n---\n",
		    "x.md:5:1: error: 'source:' belongs in translations only, "
		    "not in the source language ja\n", true);
	check_diags("en", "---\nid: x\ntitle: T\nkind: screen\n---\n",
		    "x.md:1:1: error: front matter has no 'source:': a "
		    "translation records the SHA-256 of the ja file it was "
		    "translated from\n", true);
	check_diags("en", "---\nid: x\ntitle: T\nkind: screen\nsource: 12ab\n---\n",
		    "x.md:5:9: error: source must be 64 hexadecimal digits (the "
		    "SHA-256 of the ja file)\n", true);
	check_diags("ja", "---\nid: x\ntitle:\ntitle: T\nkind: qa\nkind: qa\n"
		    "---\n",
		    "x.md:3:1: error: empty title\n"
		    "x.md:4:1: error: 'title:' is given twice\n"
		    "x.md:6:1: error: 'kind:' is given twice\n", true);
	check_diags("en", "---\nid: x\ntitle: T\nkind: qa\nsource: "
		    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
		    "source: 12\n---\n",
		    "x.md:6:1: error: 'source:' is given twice\n", true);
	/* CRLF line ends are accepted */
	check_diags("ja", "---\r\nid: x\r\ntitle: T\r\nkind: screen\r\n---\r\n"
		    "本文\r\n", "", true);
}
END_TEST

/* ---- blocks ------------------------------------------------------------ */

START_TEST(test_headings_paragraphs)
{
	check_body("screen",
		   "# 見出し\n\n## Second\n### 三\n"
		   "一行目の文で、\n二行目に続く。\n\n"
		   "English words\nand more.\n\n"
		   "日本語\nEnglish\n\n"
		   "  indented line\n",
		   "H1@6:1 見出し\n"
		   "H2@8:1 Second\n"
		   "H3@9:1 三\n"
		   "P@10:1 一行目の文で、二行目に続く。\n"
		   "P@13:1 English words and more.\n"
		   "P@16:1 日本語English\n"
		   "P@19:3 indented line\n", "");
}
END_TEST

START_TEST(test_heading_errors)
{
	check_body("screen", "#見出し\n#### 四\n# \n",
		   NULL,
		   "x.md:6:2: error: a heading needs a space after '#'\n"
		   "x.md:7:1: error: heading level 4 is not supported (use #, ## "
		   "or ###)\n"
		   "x.md:8:1: error: empty heading: expected text after '# '\n");
}
END_TEST

START_TEST(test_join_markup)
{
	/* markup at the join does not hide CJK on either side */
	check_body("screen", "これは**太字**\n**です**。\n\n改行<br>\n次\n",
		   "P@6:1 これは|<b>太字</b>|<b>です</b>|。\n"
		   "P@9:1 改行\\n次\n", "");
}
END_TEST

START_TEST(test_join_values)
{
	/* a {{key}} at a join counts as its value: a join with
	   Japanese on either side takes no space, others one */
	check_body("screen", "ご連絡は\n{{clinic_name}}まで。\n\n"
		   "{{clinic_name}}\nです。\n\nTel\n{{phone}}\n\n"
		   "電話\n{{phone}}\n\n{{nope}}\n続き\n",
		   "P@6:1 ご連絡はさくら皮膚科まで。\n"
		   "P@9:1 さくら皮膚科です。\n"
		   "P@12:1 Tel 03-0000-0000\n"
		   "P@15:1 電話03-0000-0000\n"
		   "P@18:1 {{nope}}続き\n",
		   "x.md:18:1: error: unknown clinic value {{nope}}: clinic.conf "
		   "has no 'nope'\n");
}
END_TEST

START_TEST(test_stray_markup)
{
	check_body("screen", "本文\n\n---\n\n<b>太字</b>と a < b と <5 mg と "
		   "\\<b>\n",
		   "P@6:1 本文\n"
		   "P@10:1 太字と a < b と <5 mg と <b>\n",
		   "x.md:8:1: error: a line '---' is not part of the format here "
		   "(the front matter has ended; there are no horizontal rules)\n"
		   "x.md:10:1: error: HTML tags are not supported (only <br>); "
		   "write \\< for a literal <\n"
		   "x.md:10:8: error: HTML tags are not supported (only <br>); "
		   "write \\< for a literal <\n");
}
END_TEST

START_TEST(test_lists)
{
	check_body("screen",
		   "- 一つ目\n  続きの行\n- two\n  continued\n\n- three\n"
		   "* star\n\n"
		   "3. 三番\n4. 四番\n\n"
		   "- [ ] 未\n- [x] 済\n- [X] upper\n\n"
		   "- タブで\n\t続く\n",
		   "Lu@6:1\n"
		   "  -@6:1 一つ目続きの行\n"
		   "  -@8:1 two continued\n"
		   "  -@11:1 three\n"
		   "  -@12:1 star\n"
		   "Lo@14:1\n"
		   "start 3\n"
		   "  -@14:1 三番\n"
		   "  -@15:1 四番\n"
		   "Lu@17:1\n"
		   "  [ ]@17:1 未\n"
		   "  [x]@18:1 済\n"
		   "  [x]@19:1 upper\n"
		   "Lu@21:1\n"
		   "  -@21:1 タブで続く\n", "");
}
END_TEST

START_TEST(test_list_errors)
{
	check_body("screen", "- 項目\n  - 入れ子\n-\n",
		   NULL,
		   "x.md:7:3: error: nested lists are not supported: a list has "
		   "one level\n"
		   "x.md:8:1: error: empty list item\n");
}
END_TEST

START_TEST(test_tables)
{
	check_body("screen",
		   "| 副作用 | 頻度 | 対処 |\n"
		   "|:--|:-:|--:|\n"
		   "| 唇の乾燥 | よくある | 保湿<br>リップ |\n"
		   "| a \\| b | **太** | {{phone}} |\n"
		   "|  | x | y\n",
		   "T@6:1 4x3 align 1 2 3\n"
		   "  [副作用][頻度][対処]\n"
		   "  [唇の乾燥][よくある][保湿\\nリップ]\n"
		   "  [a | b][<b>太</b>][03-0000-0000]\n"
		   "  [][x][y]\n", "");
	check_body("screen", "|a|b|\n|---|---|\n|1|\n|1|2|3|\n",
		   "T@6:1 3x2 align 0 0\n"
		   "  [a][b]\n"
		   "  [1][]\n"
		   "  [1][2]\n",
		   "x.md:8:2: error: table row has 1 cell; the header has 2\n"
		   "x.md:9:2: error: table row has 3 cells; the header has 2\n");
}
END_TEST

START_TEST(test_table_errors)
{
	check_body("screen", "| a | b |\n| x | y |\n", NULL,
		   "x.md:7:1: error: expected the table's alignment row (like "
		   "|---|:-:|--:|) under its header\n");
	check_body("screen", "| a | b |\n", NULL,
		   "x.md:6:1: error: a table needs an alignment row (like "
		   "|---|---|) under its header\n"
		   "x.md:6:1: error: table has no rows under its header\n");
	check_body("screen", "|\n|---|\n|x|\n", NULL,
		   "x.md:6:1: error: table header has no cells\n");
	check_body("screen", "| a | b |\n|---|\n| 1 | 2 |\n", NULL,
		   "x.md:7:1: error: the alignment row has 1 cells; the header "
		   "has 2\n");
	/* a row without its leading pipe ends the table: a warning there;
	   an escaped pipe, or one after a blank line, is only text */
	check_body("screen", "| a | b |\n|---|---|\n| 1 | 2 |\n  3 | 4 |\n", NULL,
		   "x.md:9:3: warning: this line right under a table has '|' but "
		   "does not start with one: a table row starts with '|' (as "
		   "written, it ends the table and shows as a paragraph with the "
		   "pipes in it)\n");
	check_body("screen", "| a | b |\n|---|---|\n| 1 | 2 |\n3 \\| 4\n\n5 | 6\n",
		   NULL, "");
}
END_TEST

START_TEST(test_callouts)
{
	check_body("screen",
		   "> [!WARNING]\n> 妊娠中は\n> 飲めません。\n>\n> - 理由一\n\n"
		   "> [!NOTE]\n>メモ\n",
		   "Cwarn@6:1\n"
		   "  P@7:3 妊娠中は飲めません。\n"
		   "  Lu@10:3\n"
		   "    -@10:3 理由一\n"
		   "Cnote@12:1\n"
		   "  P@13:2 メモ\n", "");
}
END_TEST

START_TEST(test_callout_errors)
{
	check_body("screen", "> 引用\n\n> [!TIP]\n> x\n\n> [!NOTE] 本文\n> y\n\n"
		   "> [!WARNING]\n\n> [!NOTE]\n> > nested\n", NULL,
		   "x.md:6:1: error: a '>' quote must start with a line '> "
		   "[!WARNING]' or '> [!NOTE]' (a callout)\n"
		   "x.md:8:3: error: unknown callout '[!TIP]' (expected > "
		   "[!WARNING] or > [!NOTE])\n"
		   "x.md:11:11: error: put the callout's text on the next line, "
		   "after '> '\n"
		   "x.md:14:1: error: empty callout: expected lines starting with "
		   "'>' under the marker\n"
		   "x.md:17:3: error: callouts cannot be nested\n");
}
END_TEST

START_TEST(test_qa)
{
	check_body("qa",
		   "Q: 飲み忘れたら？\nA: 次の分から\n飲みます。\n\n続きの段落。\n\n"
		   "- 項目\n\nQ：二つ目\n\nA：答え\n\n# 見出し\n\n後の段落\n",
		   "QA@6:1 飲み忘れたら？\n"
		   "  P@7:1 次の分から飲みます。\n"
		   "  P@10:1 続きの段落。\n"
		   "  Lu@12:1\n"
		   "    -@12:1 項目\n"
		   "QA@14:1 二つ目\n"
		   "  P@16:1 答え\n"
		   "H1@18:1 見出し\n"
		   "P@20:1 後の段落\n", "");
}
END_TEST

START_TEST(test_qa_errors)
{
	check_body("qa", "Q: 質問だけ\n\n普通の段落\n\nA: 答えだけ\n\nQ:\nA: x\n",
		   NULL,
		   "x.md:6:1: error: question 'Q:' has no answer: expected a "
		   "paragraph starting with 'A:' right after it\n"
		   "x.md:10:1: error: answer 'A:' without a question: 'A:' must "
		   "follow a 'Q:' paragraph\n"
		   "x.md:12:3: error: 'Q:' has no text after it\n");
}
END_TEST

/* ---- inline ------------------------------------------------------------ */

static void
check_inline(const char *s, const char *want, const char *want_diags)
{
	struct diag_list dl;
	struct content_values *cv = test_values();
	struct content_inline in;
	struct strbuf sb;
	char *diags;

	diag_list_init(&dl);
	strbuf_init(&sb);
	content_parse_inline("x.md", 3, 5, s, strlen(s), cv, "en", &in, &dl);
	dump_inline(&sb, &in);
	diags = dump_diags(&dl);
	ck_assert_str_eq(diags, want_diags);
	ck_assert_str_eq(sb.s, want);
	free(diags);
	strbuf_done(&sb);
	content_inline_done(&in);
	clinic_free(cv);
	diag_list_done(&dl);
}

START_TEST(test_inline)
{
	check_inline("plain", "plain", "");
	check_inline("a **b** c", "a |<b>b</b>| c", "");
	check_inline("｜皮脂腺《ひしせん》です", "皮脂腺(ひしせん)|です", "");
	check_inline("これは催奇形性《さいきけいせい》", "これは|催奇形性(さいきけいせい)", "");
	check_inline("佐々木《ささき》〆切《しめきり》", "佐々木(ささき)|〆切(しめきり)", "");
	check_inline("三ヶ月《さんかげつ》", "三ヶ月(さんかげつ)", "");
	check_inline("ひらがな｜かな《カナ》", "ひらがな|かな(カナ)", "");
	check_inline("**太字《ふとじ》**", "<b>太字(ふとじ)</b>", "");
	check_inline("line<br>break<br/>x<br />y", "line\\nbreak\\nx\\ny", "");
	check_inline("\\*not bold\\* \\| \\\\ \\{{x}} \\｜ \\《 \\q",
		     "*not bold* | \\ {{x}} ｜ 《 \\q", "");
	check_inline("{{clinic_name}}：{{phone}}", "Sakura Dermatology：03-0000-0000", "");
	/* values are plain text: their markup is not interpreted */
	check_inline("漢字{{phone}}《よみ》", "漢字03-0000-0000", "x.md:3:18: error: "
		     "ruby has no base: 《 must follow kanji, or write ｜base《reading》\n");
}
END_TEST

START_TEST(test_inline_errors)
{
	check_inline("a **b", "a |<b>b</b>", "x.md:3:7: error: '**' is not "
		     "closed: expected a closing '**' in the same paragraph "
		     "(write \\* for a literal *)\n");
	check_inline("漢字《かんじ", "漢字《かんじ", "x.md:3:9: error: ruby reading "
		     "is not closed: expected 《…》 on the same line\n");
	check_inline("かな《かな》です", "かなです", "x.md:3:9: error: ruby has no "
		     "base: 《 must follow kanji, or write ｜base《reading》\n");
	check_inline("《よみ》", "", "x.md:3:5: error: ruby has no base: 《 must "
		     "follow kanji, or write ｜base《reading》\n");
	check_inline("漢字《》", "漢字", "x.md:3:9: error: ruby reading is empty: "
		     "expected the reading between 《 and 》\n");
	check_inline("｜の後", "｜の後", "x.md:3:5: error: '｜' must be followed "
		     "by a base and its reading: ｜base《reading》 (write \\｜ for "
		     "a literal ｜)\n");
	check_inline("｜《よみ》", "｜", "x.md:3:5: error: '｜' must be "
		     "followed by a base and its reading: ｜base《reading》 (write "
		     "\\｜ for a literal ｜)\n"
		     "x.md:3:7: error: ruby has no base: 《 must follow kanji, or "
		     "write ｜base《reading》\n");
	check_inline("漢字《か**な》", "漢字", "x.md:3:13: error: a ruby reading "
		     "cannot contain '**' or <br>\n");
	check_inline("｜漢<br>字《かんじ》", "｜漢\\n|字(かんじ)",
		     "x.md:3:9: error: a ruby base cannot contain '**' or <br>\n");
	check_inline("{{nope}} {{phone", "{{nope}} {{phone",
		     "x.md:3:5: error: unknown clinic value {{nope}}: clinic.conf "
		     "has no 'nope'\n"
		     "x.md:3:14: error: '{{' must be followed by a clinic value "
		     "name and '}}', e.g. {{phone}} (write \\{ for a literal "
		     "brace)\n");
}
END_TEST

START_TEST(test_inline_no_values)
{
	struct diag_list dl;
	struct content_inline in;

	diag_list_init(&dl);
	content_parse_inline("x.md", 1, 1, "{{phone}}", 9, NULL, NULL, &in, &dl);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_uint_eq(in.n, 1);
	ck_assert_str_eq(in.spans[0].text, "{{phone}}");
	content_inline_done(&in);
	diag_list_done(&dl);
}
END_TEST

/* Only len bytes are read (the sanitizer build checks), and a run of plain
   text ends at a ｜ or 《 however it is surrounded. */
START_TEST(test_inline_runs)
{
	static const char buf[] = {'a', 'b', '*', '*', 'c', '*', '*'};
	struct diag_list dl;
	struct content_inline in;

	diag_list_init(&dl);
	content_parse_inline("x.md", 1, 1, buf, 5, NULL, NULL, &in, &dl);
	ck_assert_uint_eq(in.n, 2);
	ck_assert_str_eq(in.spans[0].text, "ab");
	ck_assert_str_eq(in.spans[1].text, "c");
	ck_assert_int_eq(in.spans[1].col, 5);
	ck_assert_uint_eq(dl.n, 1); /* the ** is not closed within 5 bytes */
	content_inline_done(&in);
	diag_list_done(&dl);
	check_inline("ab｜cd《え》f", "ab|cd(え)|f", "");
	check_inline("x字《じ》", "x|字(じ)", "");
	check_inline("字《じ》字《じ》", "字(じ)|字(じ)", "");
	check_inline("かな漢字《かんじ》かな", "かな|漢字(かんじ)|かな", "");
	check_inline("a｜b《c》｜d《e》", "a|b(c)|d(e)", "");
	/* the last bytes of ｜ and 《 in other characters end nothing */
	check_inline("\xe3\x81\x8a\xe3\x82\x9c字", "\xe3\x81\x8a\xe3\x82\x9c字", "");
}
END_TEST

START_TEST(test_span_positions)
{
	struct diag_list dl;
	const char *text = "---\nid: x\ntitle: T\nkind: screen\n---\n"
			   "前の文**太字**と\n｜皮脂腺《ひしせん》\n";
	struct content_doc *doc;
	const struct content_inline *in;

	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), NULL, "ja", &dl);
	ck_assert_uint_eq(dl.n, 0);
	in = &doc->nodes[0].text;
	ck_assert_uint_eq(in->n, 4);
	ck_assert_int_eq(in->spans[0].line, 6);
	ck_assert_int_eq(in->spans[0].col, 1);
	ck_assert_int_eq(in->spans[1].line, 6);
	ck_assert_int_eq(in->spans[1].col, 9);  /* 太 after 前の文** */
	ck_assert_int_eq(in->spans[2].col, 15);
	ck_assert_int_eq(in->spans[3].line, 7);
	ck_assert_int_eq(in->spans[3].col, 3);  /* the base, after ｜ */
	ck_assert_str_eq(in->spans[3].ruby, "ひしせん");
	{
		char *s = content_inline_text(in);
		ck_assert_str_eq(s, "前の文太字と皮脂腺");
		free(s);
	}
	content_doc_free(doc);
	diag_list_done(&dl);
}
END_TEST

/* ---- quiz and consent -------------------------------------------------- */

START_TEST(test_quiz)
{
	check_body("quiz",
		   "# クイズ\n\n"
		   "## q-sebum\nprofile: all\nreread: how-it-works\n\n"
		   "皮脂の量はどうなりますか。\n\n"
		   "- [ ] 増える\n- [x] 減る\n- [ ] 変わらない\n\n"
		   "｜皮脂腺《ひしせん》が小さくなります。\n\n"
		   "## q-preg\nprofile: pregnancy\nreread: pregnancy\n\n"
		   "問い\n\n- [x] はい\n- [ ] いいえ\n\n説明一\n\n説明二\n",
		   "H1@6:1 クイズ\n"
		   "Q@8:1 q-sebum profile=all reread=how-it-works@10:9\n"
		   "  [ ]@14:1 増える\n"
		   "  [x]@15:1 減る\n"
		   "  [ ]@16:1 変わらない\n"
		   "  P@12:1 皮脂の量はどうなりますか。\n"
		   "  explain:\n"
		   "    P@18:1 皮脂腺(ひしせん)|が小さくなります。\n"
		   "Q@20:1 q-preg profile=pregnancy reread=pregnancy@22:9\n"
		   "  [x]@26:1 はい\n"
		   "  [ ]@27:1 いいえ\n"
		   "  P@24:1 問い\n"
		   "  explain:\n"
		   "    P@29:1 説明一\n"
		   "    P@31:1 説明二\n", "");
}
END_TEST

START_TEST(test_quiz_errors)
{
	check_body("quiz",
		   "## q-a\nprofile: all\nreread: x\n\n問い\n\n- [x] 一\n- [x] 二\n\n説明\n\n"
		   "## q-a\nprofile: some\nreread: Bad_Id\ncolor: red\n\n問い\n\n- [ ] 一\n- [ ] 二\n\n説明\n\n"
		   "## q-c\n\n- [x] 一\n\n説明\n\n"
		   "## q-d\nprofile: all\nreread: x\n\n問い\n\n- [ ] 一\n- [x] 二\n\n"
		   "## q-e\nprofile: all\nreread: x\nprofile: all\n\n問い\n\n説明\n\n"
		   "##q-f\nprofile: all\nreread: x\n\n問い\n\n- [ ] 一\n- 二\n\n説明\n\n- [x] 再\n- [ ] 再\n\n"
		   "## \n",
		   NULL,
		   "x.md:13:1: error: question 'q-a' has more than one right "
		   "answer: only one choice may be '- [x]'\n"
		   "x.md:17:4: error: duplicate question id 'q-a' (first at line 6)\n"
		   "x.md:18:10: error: unknown profile 'some' (expected all or "
		   "pregnancy)\n"
		   "x.md:19:9: error: reread must name a screen id (lowercase "
		   "letters, digits and '-'), not 'Bad_Id'\n"
		   "x.md:20:1: error: unknown key 'color' (expected profile, "
		   "reread or recheck)\n"
		   "x.md:24:1: error: question 'q-a' has no right answer: mark one "
		   "choice '- [x]'\n"
		   "x.md:29:1: error: question 'q-c' has no 'profile:' line (all "
		   "or pregnancy)\n"
		   "x.md:29:1: error: question 'q-c' has no 'reread:' line (the "
		   "screen to re-read after a wrong answer)\n"
		   "x.md:29:1: error: question 'q-c' has no prompt: expected a "
		   "paragraph before the choices\n"
		   "x.md:31:1: error: question 'q-c' has only 1 choice; it needs "
		   "at least 2\n"
		   "x.md:35:1: error: question 'q-d' has no explanation: expected "
		   "a paragraph after the choices\n"
		   "x.md:44:1: error: question 'q-e' has no choices: expected a "
		   "list of '- [ ]' items with one '- [x]'\n"
		   "x.md:47:1: error: 'profile:' is given twice\n"
		   "x.md:53:3: error: a question needs a space after '##'\n"
		   "x.md:59:1: error: question 'q-f' has no right answer: mark "
		   "one choice '- [x]'\n"
		   "x.md:60:1: error: every choice must start with '- [ ]' or '- "
		   "[x]'\n"
		   "x.md:64:1: error: question 'q-f' has a second list of choices\n"
		   "x.md:67:1: error: a question needs an id after '## '\n"
		   "x.md:67:1: error: question '' has no 'profile:' line (all or "
		   "pregnancy)\n"
		   "x.md:67:1: error: question '' has no 'reread:' line (the "
		   "screen to re-read after a wrong answer)\n"
		   "x.md:67:1: error: question '' has no choices: expected a list "
		   "of '- [ ]' items with one '- [x]'\n");
}
END_TEST

START_TEST(test_consent)
{
	check_body("consent",
		   "## ack-unapproved\nprofile: all\n\n{{clinic_name}}の説明を\n受けました。\n\n"
		   "二段落目。\n\n## ack-preg\nprofile: pregnancy\n\n- 避妊する\n",
		   "S@6:1 ack-unapproved profile=all\n"
		   "  P@9:1 さくら皮膚科の説明を受けました。\n"
		   "  P@12:1 二段落目。\n"
		   "S@14:1 ack-preg profile=pregnancy\n"
		   "  Lu@17:1\n"
		   "    -@17:1 避妊する\n", "");
	check_body("consent", "## ack-a\nprofile: all\nreread: x\n\n文\n\n"
		   "## ack-a\nprofile: all\n\n## ack-b\n\n文\n", NULL,
		   "x.md:8:1: error: unknown key 'reread' (expected profile, "
		   "signer or every-visit)\n"
		   "x.md:12:1: error: statement 'ack-a' has no text\n"
		   "x.md:12:4: error: duplicate statement id 'ack-a' (first at line 6)\n"
		   "x.md:15:1: error: statement 'ack-b' has no 'profile:' line (all "
		   "or pregnancy)\n");
	/* a statement for a minor's guardian; "patient" is the default */
	check_body("consent",
		   "## g-a\nprofile: all\nsigner: guardian\n\n保護者の文\n\n"
		   "## p-a\nprofile: pregnancy\nsigner: patient\n\n本人の文\n",
		   "S@6:1 g-a profile=all signer=guardian\n"
		   "  P@10:1 保護者の文\n"
		   "S@12:1 p-a profile=pregnancy\n"
		   "  P@16:1 本人の文\n", "");
	check_body("consent",
		   "## g-a\nprofile: all\nsigner: parent\nsigner: guardian\n\n文\n",
		   NULL,
		   "x.md:8:9: error: unknown signer 'parent' (expected patient or "
		   "guardian)\n"
		   "x.md:9:1: error: 'signer:' is given twice\n");
	check_body("quiz", "## q-a\nprofile: all\nreread: x\nsigner: guardian\n\n"
		   "問い\n\n- [x] 一\n- [ ] 二\n\n説明\n", NULL,
		   "x.md:9:1: error: unknown key 'signer' (expected profile, "
		   "reread or recheck)\n");
	check_body("consent", "前書き\n", NULL,
		   "x.md: error: the consent file has no statements: expected "
		   "'## id' sections\n");
	check_body("quiz", "", NULL,
		   "x.md: error: the quiz file has no questions: expected "
		   "'## id' sections\n");
}
END_TEST

START_TEST(test_followup_keys)
{
	check_body("consent",
		   "## a\nprofile: all\nevery-visit: yes\n\n文\n\n"
		   "## b\nprofile: all\nevery-visit: no\n\n文\n",
		   "S@6:1 a profile=all every-visit\n"
		   "  P@10:1 文\n"
		   "S@12:1 b profile=all\n"
		   "  P@16:1 文\n", "");
	check_body("consent",
		   "## a\nprofile: all\nevery-visit: maybe\nevery-visit: no\n\n文\n",
		   NULL,
		   "x.md:8:14: error: every-visit must be yes or no, not 'maybe'\n"
		   "x.md:9:1: error: 'every-visit:' is given twice\n");
	check_body("quiz", "## q-a\nprofile: all\nreread: x\nrecheck: no\n\n"
		   "問い\n\n- [x] 一\n- [ ] 二\n\n説明\n",
		   "Q@6:1 q-a profile=all reread=x@8:9 recheck=no\n"
		   "  [x]@13:1 一\n"
		   "  [ ]@14:1 二\n"
		   "  P@11:1 問い\n"
		   "  explain:\n"
		   "    P@16:1 説明\n", "");
	check_body("quiz", "## q-a\nprofile: all\nreread: x\nevery-visit: yes\n\n"
		   "問い\n\n- [x] 一\n- [ ] 二\n\n説明\n", NULL,
		   "x.md:9:1: error: unknown key 'every-visit' (expected "
		   "profile, reread or recheck)\n");
}
END_TEST

START_TEST(test_methods)
{
	check_body("methods",
		   "どれを使っていますか。\n\n"
		   "## iud\nclass: highly-effective\n\n子宮内避妊具\n\n"
		   "## condom\nclass: effective\n\nコンドーム\n\n"
		   "## rhythm\nclass: does-not-count\n\n日を数える\n\n"
		   "## not-met\nmessage: not-met\n\nスタッフと話しましょう。\n",
		   "P@6:1 どれを使っていますか。\n"
		   "E@8:1 method iud class=highly-effective\n"
		   "  P@11:1 子宮内避妊具\n"
		   "E@13:1 method condom class=effective\n"
		   "  P@16:1 コンドーム\n"
		   "E@18:1 method rhythm class=does-not-count\n"
		   "  P@21:1 日を数える\n"
		   "E@23:1 message not-met message=not-met\n"
		   "  P@26:1 スタッフと話しましょう。\n", "");
	check_body("methods",
		   "## a\nclass: best\n\n文\n\n## b\n\n文\n\n"
		   "## c\nclass: effective\nurgent: yes\n\n文\n\n"
		   "## m\nmessage: other\n\n",
		   NULL,
		   "x.md: error: the methods file has no method of class "
		   "highly-effective: the rule (one highly effective method, "
		   "or two) could only be met by two\n"
		   "x.md:7:8: error: unknown class 'best' (expected "
		   "highly-effective, effective, barrier or does-not-count)\n"
		   "x.md:11:1: error: method 'b' has no 'class:' line "
		   "(highly-effective, effective, barrier or does-not-count)\n"
		   "x.md:17:1: error: unknown key 'urgent' (expected class or "
		   "message)\n"
		   "x.md:21:1: error: unknown message 'other' (a methods file "
		   "has 'not-met'; a methods file has none)\n"
		   "x.md:21:1: error: message 'm' has no text\n");
	check_body("methods", "## iud\nclass: highly-effective\n\n文\n", NULL,
		   "x.md: error: the methods file needs exactly one 'message: "
		   "not-met' section (what the patient reads when the methods "
		   "chosen do not meet the rule); it has 0\n");
}
END_TEST

START_TEST(test_questionnaire)
{
	check_body("questionnaire\nvalidated: no",
		   "これは検証された尺度ではありません。\n\n"
		   "## low\ncode: 44250-9\n\n気分が沈む。\n\n"
		   "- [0] ない\n- [1] 少し\n- [3] よくある\n\n"
		   "## harm\nurgent-from: 1\n\n傷つけたい。\n\n"
		   "- [0] ない\n- [1] ある\n\n"
		   "## band-mid\nmin-total: 3\nflag: staff\n\n中くらい\n",
		   "P@7:1 これは検証された尺度ではありません。\n"
		   "E@9:1 item low code=44250-9\n"
		   "  [0]-@14:1 ない\n"
		   "  [1]-@15:1 少し\n"
		   "  [3]-@16:1 よくある\n"
		   "  P@12:1 気分が沈む。\n"
		   "E@18:1 item harm urgent=1\n"
		   "  [0]-@23:1 ない\n"
		   "  [1]-@24:1 ある\n"
		   "  P@21:1 傷つけたい。\n"
		   "E@26:1 band band-mid min=3 flag=staff\n"
		   "  P@30:1 中くらい\n", "");
	check_body("questionnaire\nvalidated: no",
		   "## a\nurgent-from: 5\n\n問い\n\n- [0] ない\n- **[1]** ある\n"
		   "- [x] 三\n\n後ろ\n\n"
		   "## b\n\n- [0] x\n\n"
		   "## c\nmin-total: 2\nflag: loud\ncode: 1\n\n文\n\n"
		   "## d\nmin-total: 2\nflag: none\n\n文\n\n"
		   "## e\nurgent-from: 0\n\n問\n\n- [0] a\n- [1] b\n",
		   NULL,
		   "x.md:7:1: error: item 'a': urgent-from 5 is more than its "
		   "highest score 0, so it can never be urgent\n"
		   "x.md:13:1: error: every choice of item 'a' starts with its "
		   "score: '- [0] text'\n"
		   "x.md:14:1: error: every choice of item 'a' starts with its "
		   "score: '- [0] text'\n"
		   "x.md:16:1: error: item 'a': nothing may follow its choices\n"
		   "x.md:18:1: error: item 'b' has no question: expected a "
		   "paragraph before the choices\n"
		   "x.md:20:1: error: item 'b' has only 1 choice; it needs at "
		   "least 2\n"
		   "x.md:22:1: error: band 'c' takes only min-total and flag\n"
		   "x.md:24:7: error: unknown flag 'loud' (expected none, staff "
		   "or urgent)\n"
		   "x.md:29:1: error: band 'd': another band starts at total 2 "
		   "too\n"
		   "x.md:36:14: error: urgent-from must be a score from 1 to 999 "
		   "(a choice scoring that or more is urgent), not '0'\n");
	/* the front matter of an instrument */
	check_body("questionnaire", "## a\n\n問\n\n- [0] a\n- [1] b\n", NULL,
		   "x.md:1:1: error: a questionnaire needs 'validated: yes' (an "
		   "instrument a clinic supplies, e.g. PHQ-9) or 'validated: "
		   "no' (our own words, not validated)\n");
	check_body("questionnaire\nvalidated: yes",
		   "## a\n\n問\n\n- [0] a\n- [1] b\n", NULL,
		   "x.md:5:1: error: a validated instrument needs a 'licence:' "
		   "line (the terms it is used under)\n");
	check_body("questionnaire\nvalidated: yes\nlicence: free\ncode: 44249-1",
		   "## a\ncode: 44250-9\n\n問\n\n- [0] a\n- [1] b\n", NULL, "");
	check_body("screen\nvalidated: no\ncode: x y", "文\n", NULL,
		   "x.md:5:1: error: 'validated:' belongs in a questionnaire "
		   "only, not in a screen file\n"
		   "x.md:6:1: error: 'code:' belongs in a questionnaire only, "
		   "not in a screen file\n"
		   "x.md:6:7: error: code 'x y' must be letters, digits and '-' "
		   "(a LOINC code: 44249-1)\n");
	check_body("checklist", "前書き\n", NULL,
		   "x.md: error: the checklist has no items: expected '## id' "
		   "sections\n");
	check_body("questionnaire\nvalidated: no", "前書き\n", NULL,
		   "x.md: error: the questionnaire has no items: expected '## "
		   "id' sections with scored choices\n");
}
END_TEST

START_TEST(test_checklist)
{
	check_body("checklist",
		   "## dry\n\n唇が乾く\n\n## vision\nurgent: yes\ncode: X-1\n\n"
		   "夜に見えにくい\n",
		   "E@6:1 check dry\n"
		   "  P@8:1 唇が乾く\n"
		   "E@10:1 check vision code=X-1 urgent=1\n"
		   "  P@14:1 夜に見えにくい\n", "");
	check_body("checklist",
		   "## a\nurgent: maybe\nclass: effective\n\n## b\nmessage: not-met\n\n文\n",
		   NULL,
		   "x.md:6:1: error: item 'a' has no text\n"
		   "x.md:7:9: error: urgent must be yes or no, not 'maybe'\n"
		   "x.md:8:1: error: unknown key 'class' (expected urgent, code "
		   "or message)\n"
		   "x.md:10:1: error: unknown message 'not-met' (a methods file "
		   "has 'not-met'; a checklist file has none)\n");
}
END_TEST

START_TEST(test_statement_text)
{
	struct diag_list dl;
	const char *text = "---\nid: x\ntitle: T\nkind: consent\n---\n"
			   "## ack\nprofile: all\n\n**大事**な｜説明《せつめい》を\n"
			   "受けました。\n\n- 一\n- 二\n\n三<br>四\n";
	struct content_doc *doc;
	char *s;

	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), NULL, "ja", &dl);
	ck_assert_uint_eq(dl.n, 0);
	s = content_nodes_text(doc->nodes[0].children, doc->nodes[0].nchildren);
	ck_assert_str_eq(s, "大事な説明を受けました。\n一\n二\n三\n四");
	free(s);
	content_doc_free(doc);
	diag_list_done(&dl);
}
END_TEST

/* ---- limits ------------------------------------------------------------ */

START_TEST(test_long_line)
{
	struct diag_list dl;
	struct strbuf sb;
	struct content_doc *doc;
	char *diags;

	diag_list_init(&dl);
	strbuf_init(&sb);
	strbuf_addstr(&sb, "---\nid: x\ntitle: T\nkind: screen\n---\n");
	strbuf_addpad(&sb, 'a', 1024 * 1024);
	strbuf_addstr(&sb, "\n後\n");
	doc = content_parse("x.md", sb.s, sb.len, NULL, "ja", &dl);
	diags = dump_diags(&dl);
	ck_assert_str_eq(diags, "x.md:6:1: error: line is too long (1048576 "
			 "bytes; at most 65536)\n");
	ck_assert_uint_eq(doc->n, 1);
	ck_assert_int_eq(doc->nodes[0].line, 7);
	free(diags);
	content_doc_free(doc);
	strbuf_done(&sb);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_many_errors)
{
	/* a long line full of problems: capped, and still linear */
	struct diag_list dl;
	struct strbuf sb;
	struct content_doc *doc;

	diag_list_init(&dl);
	strbuf_init(&sb);
	strbuf_addstr(&sb, "---\nid: x\ntitle: T\nkind: screen\n---\n");
	for (int i = 0; i < 5000; i++)
		strbuf_addstr(&sb, "《｜{{");
	strbuf_addstr(&sb, "\n");
	for (int i = 0; i < 3000; i++)
		strbuf_addstr(&sb, "**漢字《かんじ》");
	strbuf_addstr(&sb, "\n");
	doc = content_parse("x.md", sb.s, sb.len, NULL, "ja", &dl);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), CONTENT_MAX_ERRORS);
	ck_assert_str_eq(dl.v[dl.n - 1].message, "too many errors (100); the "
			 "rest of this file is not checked");
	ck_assert_uint_eq(doc->n, 1);
	/* 3000 ruby spans survive; bold toggles across the line */
	content_doc_free(doc);
	strbuf_done(&sb);
	diag_list_done(&dl);
}
END_TEST

/* ---- clinic.conf ------------------------------------------------------- */

START_TEST(test_clinic)
{
	struct diag_list dl;
	const char *text = "# comment\n\nclinic_name = さくら皮膚科\n"
			   "clinic_name.en = Sakura Dermatology  \n"
			   "phone=03-0000-0000\n"
			   "Bad = x\nnoequals\nphone = again\nempty =\n"
			   "dose.english = x\n";
	struct content_values *cv;
	char *diags;

	diag_list_init(&dl);
	cv = clinic_parse("clinic.conf", text, strlen(text), &dl);
	diags = dump_diags(&dl);
	ck_assert_str_eq(diags,
		"clinic.conf:6:1: error: expected 'key = value' (keys are "
		"lowercase letters, digits and '_')\n"
		"clinic.conf:7:9: error: expected '=' after 'noequals'\n"
		"clinic.conf:8:1: error: 'phone' is given twice (first at line 5)\n"
		"clinic.conf:9:1: warning: 'empty' has an empty value\n"
		"clinic.conf:10:6: error: expected a language code (like en) "
		"after '.'\n");
	ck_assert_str_eq(clinic_get(cv, "clinic_name", 11, "ja"), "さくら皮膚科");
	ck_assert_str_eq(clinic_get(cv, "clinic_name", 11, "en"), "Sakura Dermatology");
	ck_assert_str_eq(clinic_get(cv, "clinic_name", 11, NULL), "さくら皮膚科");
	ck_assert_str_eq(clinic_get(cv, "phone", 5, "en"), "03-0000-0000");
	ck_assert_str_eq(clinic_get(cv, "empty", 5, "en"), "");
	ck_assert_ptr_null(clinic_get(cv, "nope", 4, "en"));
	ck_assert_ptr_null(clinic_get(NULL, "phone", 5, "en"));
	free(diags);
	clinic_free(cv);
	diag_list_done(&dl);
}
END_TEST

/* ---- a node at a time (content_parse_each) ----------------------------- */

/* Records, for each node handed over, its dump and how many diagnostics
   there were then; frees it at once, as a streaming caller does. */
struct each_log {
	struct diag_list *dl;
	struct strbuf sb;
	int heads;
	char *title;
	const char *text, *upto; /* the text; the last place consumed said */
	int consumed;
};

/* The parser is done with the text before upto: a line start, never
 * going back. */
static void
each_consumed(void *ctx, const char *upto)
{
	struct each_log *lg = ctx;

	ck_assert_ptr_nonnull(lg->text);
	ck_assert(upto > lg->text && upto <= lg->text + strlen(lg->text));
	ck_assert(upto[-1] == '\n');
	ck_assert(lg->upto == NULL || upto >= lg->upto);
	lg->upto = upto;
	lg->consumed++;
}

static void
each_head(void *ctx, struct content_doc *head)
{
	struct each_log *lg = ctx;

	ck_assert_uint_eq(head->n, 0);
	ck_assert_ptr_null(head->nodes);
	lg->heads++;
	lg->title = xstrdup(head->title);
	content_doc_free(head);
}

static void
each_node(void *ctx, struct content_node *node)
{
	struct each_log *lg = ctx;
	struct content_node copy = *node;

	strbuf_addf(&lg->sb, "@%zu ", lg->dl->n);
	dump_nodes(&lg->sb, &copy, 1, 0);
	content_node_done(&copy);
}

START_TEST(test_each)
{
	static const char text[] =
		"---\nid: x\ntitle: 題《だい》\nkind: qa\n---\n"
		"Q: 一つ目\n\nA: 答え\n\n続き\n\n- 項目\n\n"  /* QA over stretches */
		"# 見出し\n\n"
		"**開いた\n\n"                                  /* an error */
		"Q: 答えなし\n\n"
		"最後\n";
	struct diag_list dl;
	struct each_log lg = { .dl = &dl, .text = text };
	struct content_each each = { .head = each_head, .node = each_node,
				     .ctx = &lg, .consumed = each_consumed };
	struct content_doc *doc;
	char *whole, *diags;

	diag_list_init(&dl);
	strbuf_init(&lg.sb);
	ck_assert_int_eq(content_parse_each("x.md", text, strlen(text), NULL,
					    "ja", &dl, &each), 0);
	ck_assert_int_eq(lg.heads, 1);
	ck_assert_str_eq(lg.title, "題");
	/* a stretch ends before every non-blank line after a blank one but
	   a list item: before "A:", "続き", "# 見出し", "**開いた",
	   "Q: 答えなし" and "最後" */
	ck_assert_int_eq(lg.consumed, 6);
	ck_assert_str_eq(lg.upto, "最後\n");
	/* each node is handed over before later blocks are parsed (no
	   diagnostic yet for the paragraph after it); the unanswered
	   question's error comes after every block's, as content_parse
	   reports it */
	ck_assert_str_eq(lg.sb.s,
		"@0 QA@6:1 一つ目\n"
		"  P@8:1 答え\n"
		"  P@10:1 続き\n"
		"  Lu@12:1\n"
		"    -@12:1 項目\n"
		"@0 H1@14:1 見出し\n"
		"@1 P@16:1 <b>開いた</b>\n"
		"@1 QA@18:1 答えなし\n"
		"@1 P@20:1 最後\n");
	diags = dump_diags(&dl);
	ck_assert_str_eq(diags,
		"x.md:16:1: error: '**' is not closed: expected a closing '**' "
		"in the same paragraph (write \\* for a literal *)\n"
		"x.md:18:1: error: question 'Q:' has no answer: expected a "
		"paragraph starting with 'A:' right after it\n");
	free(diags);
	/* content_parse: the same nodes, the same diagnostics */
	diag_list_done(&dl);
	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), NULL, "ja", &dl);
	whole = dump_doc(doc);
	ck_assert_uint_eq(doc->n, 5);
	ck_assert_uint_eq(dl.n, 2);
	ck_assert_ptr_nonnull(strstr(whole, "QA@18:1 答えなし"));
	content_doc_free(doc);
	free(whole);
	/* consent: the text before the sections, then a section at a time;
	   a duplicate id is found after the first was handed over (and
	   freed) */
	{
		static const char consent[] =
			"---\nid: x\ntitle: T\nkind: consent\n---\n"
			"前書き\n\n## ack-a\nprofile: all\n\n文\n\n"
			"## ack-a\nprofile: all\n\n**文\n";

		diag_list_done(&dl);
		diag_list_init(&dl);
		strbuf_reset(&lg.sb);
		free(lg.title);
		lg.text = consent;
		lg.upto = NULL;
		lg.consumed = 0;
		ck_assert_int_eq(content_parse_each("x.md", consent,
						    strlen(consent), NULL, "ja",
						    &dl, &each), 0);
		/* done with the text before each section but the last */
		ck_assert_int_eq(lg.consumed, 1);
		ck_assert_str_eq(lg.upto, "## ack-a\nprofile: all\n\n**文\n");
		ck_assert_str_eq(lg.sb.s,
			"@0 P@6:1 前書き\n"
			"@0 S@8:1 ack-a profile=all\n"
			"  P@11:1 文\n"
			"@2 S@13:1 ack-a profile=all\n"
			"  P@16:1 <b>文</b>\n");
		diags = dump_diags(&dl);
		ck_assert_str_eq(diags,
			"x.md:13:4: error: duplicate statement id 'ack-a' "
			"(first at line 8)\n"
			"x.md:16:1: error: '**' is not closed: expected a "
			"closing '**' in the same paragraph (write \\* for a "
			"literal *)\n");
		free(diags);
	}
	/* nothing to parse: -1 and no callback */
	lg.heads = 0;
	strbuf_reset(&lg.sb);
	ck_assert_int_eq(content_parse_each("x.md", "no front matter\n", 16,
					    NULL, "ja", &dl, &each), -1);
	ck_assert_int_eq(lg.heads, 0);
	ck_assert_uint_eq(lg.sb.len, 0);
	strbuf_done(&lg.sb);
	free(lg.title);
	diag_list_done(&dl);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("content");
	TCase *tc = tcase_create("content");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_front_matter);
	tcase_add_test(tc, test_front_matter_source);
	tcase_add_test(tc, test_front_matter_errors);
	tcase_add_test(tc, test_headings_paragraphs);
	tcase_add_test(tc, test_heading_errors);
	tcase_add_test(tc, test_join_markup);
	tcase_add_test(tc, test_join_values);
	tcase_add_test(tc, test_stray_markup);
	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_list_errors);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_table_errors);
	tcase_add_test(tc, test_callouts);
	tcase_add_test(tc, test_callout_errors);
	tcase_add_test(tc, test_qa);
	tcase_add_test(tc, test_qa_errors);
	tcase_add_test(tc, test_inline);
	tcase_add_test(tc, test_inline_errors);
	tcase_add_test(tc, test_inline_no_values);
	tcase_add_test(tc, test_span_positions);
	tcase_add_test(tc, test_quiz);
	tcase_add_test(tc, test_quiz_errors);
	tcase_add_test(tc, test_consent);
	tcase_add_test(tc, test_followup_keys);
	tcase_add_test(tc, test_methods);
	tcase_add_test(tc, test_questionnaire);
	tcase_add_test(tc, test_checklist);
	tcase_add_test(tc, test_statement_text);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_many_errors);
	tcase_add_test(tc, test_clinic);
	tcase_add_test(tc, test_each);
	tcase_add_test(tc, test_inline_runs);
	suite_add_tcase(s, tc);
	return s;
}
