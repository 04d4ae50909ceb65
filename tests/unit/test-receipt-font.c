/*
 * Unit tests for receipt-font: lines kept as receipt_lines and drawn with
 * the cut font are the very pixels pango draws with the whole font
 * (regular, bold by embolden as the receipt makes it or from the Bold
 * face, a run's own gray, Latin and Japanese, digits and kana, a Hebrew
 * run right to left in a second file, lines kept after their layout was
 * let go), a PDF made with it names the same font and is a fraction of
 * the size, and what was not cut is still drawn as pango draws it: a
 * layout never noted and nothing noted at all with the whole font, a
 * character no font has by pango itself (a box with its code).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

#include "receipt-font.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

static PangoFontMap *fm;
static PangoContext *pc;

/* A font map and context as the receipt's; embolden: bold is the regular
 * face emboldened (else the Bold face, a second font file). */
static void
test_context(bool embolden)
{
	cairo_font_options_t *fo = cairo_font_options_create();

	fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	ck_assert_ptr_nonnull(fm);
	if (embolden)
		pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(fm),
							 receipt_font_embolden,
							 NULL, NULL);
	pc = pango_font_map_create_context(fm);
	pango_cairo_context_set_resolution(pc, 72);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(pc, pango_language_from_string("ja"));
}

static void
setup(void)
{
	test_context(true);
}

static void
teardown(void)
{
	g_object_unref(pc);
	g_object_unref(fm);
}

/* A layout of text in Noto Sans CJK JP at 12 pt, wrapped at 300 pt, the
 * bytes [b0, b1) bold and [g0, g1) gray. */
static PangoLayout *
test_layout(const char *text, int b0, int b1, int g0, int g1)
{
	PangoLayout *l = pango_layout_new(pc);
	PangoFontDescription *d =
		pango_font_description_from_string("Noto Sans CJK JP 12");
	PangoAttrList *al = pango_attr_list_new();
	PangoAttribute *a;

	pango_font_description_set_absolute_size(d, 12 * PANGO_SCALE);
	pango_layout_set_font_description(l, d);
	pango_font_description_free(d);
	pango_layout_set_width(l, 300 * PANGO_SCALE);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, text, -1);
	if (b1 > b0) {
		a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
		a->start_index = (guint)b0;
		a->end_index = (guint)b1;
		pango_attr_list_insert(al, a);
	}
	if (g1 > g0) {
		a = pango_attr_foreground_new(30000, 30000, 30000);
		a->start_index = (guint)g0;
		a->end_index = (guint)g1;
		pango_attr_list_insert(al, a);
	}
	pango_layout_set_attributes(l, al);
	pango_attr_list_unref(al);
	return l;
}

/* Note the glyphs of every line of l in rf, as the receipt does: each
 * line kept as a receipt_line (let go here once noted). */
static void
test_add(struct receipt_font *rf, PangoLayout *l)
{
	for (GSList *ln = pango_layout_get_lines_readonly(l); ln != NULL;
	     ln = ln->next) {
		struct receipt_line *line = receipt_line_new(ln->data);

		receipt_font_add(rf, line);
		receipt_line_free(line);
	}
}

/* Draw every line of l on cr, with rf (NULL: pango itself); kept: the
 * lines as receipt_lines made beforehand (rf's way only). */
static void
test_draw_kept(cairo_t *cr, struct receipt_font *rf, PangoLayout *l,
	       struct receipt_line **kept)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int i = 0;

	cairo_set_source_rgb(cr, 0, 0, 0);
	do {
		PangoLayoutLine *pl = pango_layout_iter_get_line_readonly(it);

		cairo_move_to(cr, 4, 4 + (double)pango_layout_iter_get_baseline(it) /
					     PANGO_SCALE);
		if (kept != NULL) {
			receipt_font_show_line(rf, cr, kept[i]);
		} else if (rf != NULL) {
			struct receipt_line *line = receipt_line_new(pl);

			receipt_font_show_line(rf, cr, line);
			receipt_line_free(line);
		} else {
			pango_cairo_show_layout_line(cr, pl);
		}
		i++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void
test_draw(cairo_t *cr, struct receipt_font *rf, PangoLayout *l)
{
	test_draw_kept(cr, rf, l, NULL);
}

/* l drawn at twice the size, white ground (caller destroys); kept as in
 * test_draw_kept. */
static cairo_surface_t *
test_pixels_kept(struct receipt_font *rf, PangoLayout *l,
		 struct receipt_line **kept)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
							620, 200);
	cairo_t *cr = cairo_create(s);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, 2, 2);
	test_draw_kept(cr, rf, l, kept);
	ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	return s;
}

static cairo_surface_t *
test_pixels(struct receipt_font *rf, PangoLayout *l)
{
	return test_pixels_kept(rf, l, NULL);
}

/* Pango's pixels for l, and rf's for the same lines (kept: made
 * beforehand, as in test_draw_kept). */
static void
test_same_pixels_kept(struct receipt_font *rf, PangoLayout *l,
		      struct receipt_line **kept)
{
	cairo_surface_t *a = test_pixels(NULL, l),
			*b = test_pixels_kept(rf, l, kept);
	int stride = cairo_image_surface_get_stride(a);
	const unsigned char *pa = cairo_image_surface_get_data(a);
	const unsigned char *pb = cairo_image_surface_get_data(b);
	size_t n = (size_t)stride * 200, ink = 0;

	for (size_t i = 0; i < n; i++)
		if (pa[i] != 0xff)
			ink++;
	ck_assert_msg(ink > 1000, "nothing drawn (%zu bytes of ink)", ink);
	ck_assert_msg(memcmp(pa, pb, n) == 0,
		      "the cut font's pixels differ from pango's");
	cairo_surface_destroy(a);
	cairo_surface_destroy(b);
}

static void
test_same_pixels(struct receipt_font *rf, PangoLayout *l)
{
	test_same_pixels_kept(rf, l, NULL);
}

static cairo_status_t
test_write(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_add(closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* l as a one-page PDF, with rf (NULL: pango). */
static void
test_pdf(struct receipt_font *rf, PangoLayout *l, struct strbuf *out)
{
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(test_write,
								 out, 320, 120);
	cairo_t *cr = cairo_create(s);

	test_draw(cr, rf, l);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
}

static bool
test_has(const struct strbuf *b, const char *what)
{
	size_t n = strlen(what);

	for (size_t i = 0; i + n <= b->len; i++)
		if (memcmp(b->s + i, what, n) == 0)
			return true;
	return false;
}

static const char test_text[] =
	"同意書の控え：イソトレチノインを飲む前に、必ず医師に伝えます。"
	"Receipt 7084-f3bb 2026-12-07 03:06 +09:00";

START_TEST(test_same_as_pango)
{
	/* bold: 「同意書の控え」; gray: the receipt code */
	const char *code = strstr(test_text, "Receipt");
	PangoLayout *l = test_layout(test_text, 0, 18, (int)(code - test_text),
				     (int)strlen(test_text));
	struct receipt_font *rf = receipt_font_new();

	test_add(rf, l);
	ck_assert_int_eq(receipt_font_cut(rf), 1);
	ck_assert_uint_gt(receipt_font_cut_bytes(rf), 1000);
	ck_assert_uint_lt(receipt_font_cut_bytes(rf), 100000);
	ck_assert_int_gt(pango_layout_get_line_count(l), 1);
	test_same_pixels(rf, l);
	receipt_font_free(rf);
	g_object_unref(l);
}
END_TEST

/* l's glyphs noted and cut (files: how many font files that takes), then
 * drawn as pango draws it; lets l go. */
static void
test_cut_same_pixels(PangoLayout *l, int files)
{
	struct receipt_font *rf = receipt_font_new();

	test_add(rf, l);
	ck_assert_int_eq(receipt_font_cut(rf), files);
	test_same_pixels(rf, l);
	receipt_font_free(rf);
	g_object_unref(l);
}

START_TEST(test_two_files)
{
	/* bold from the Bold face: two files cut, drawn as pango would */
	teardown();
	test_context(false);
	test_cut_same_pixels(test_layout(test_text, 0, 18, 0, 0), 2);
}
END_TEST

START_TEST(test_pdf_small_same_font)
{
	PangoLayout *l = test_layout(test_text, 0, 18, 0, 0);
	struct receipt_font *rf = receipt_font_new();
	struct strbuf whole, cut;

	strbuf_init(&whole);
	strbuf_init(&cut);
	test_add(rf, l);
	ck_assert_int_eq(receipt_font_cut(rf), 1);
	test_pdf(NULL, l, &whole);
	test_pdf(rf, l, &cut);
	/* the font embedded under its own name, both ways */
	ck_assert(test_has(&whole, "NotoSansCJKjp-Regular"));
	ck_assert(test_has(&cut, "NotoSansCJKjp-Regular"));
	ck_assert_msg(cut.len * 4 < whole.len,
		      "cut %zu bytes, whole %zu bytes", cut.len, whole.len);
	strbuf_done(&whole);
	strbuf_done(&cut);
	receipt_font_free(rf);
	g_object_unref(l);
}
END_TEST

START_TEST(test_not_noted)
{
	/* A layout never noted has glyphs the cut lacks: pango draws them. */
	PangoLayout *a = test_layout("あいう", 0, 0, 0, 0);
	PangoLayout *b = test_layout("薬を飲む前に、医師と話します。", 0, 9, 0, 0);
	struct receipt_font *rf = receipt_font_new();

	test_add(rf, a);
	ck_assert_int_eq(receipt_font_cut(rf), 1);
	test_same_pixels(rf, b);
	test_same_pixels(rf, a);
	receipt_font_free(rf);
	g_object_unref(a);
	g_object_unref(b);
}
END_TEST

START_TEST(test_nothing_noted)
{
	PangoLayout *l = test_layout(test_text, 0, 18, 0, 0);
	struct receipt_font *rf = receipt_font_new();

	ck_assert_int_eq(receipt_font_cut(rf), 0);
	ck_assert_uint_eq(receipt_font_cut_bytes(rf), 0);
	test_same_pixels(rf, l);
	receipt_font_free(rf);
	g_object_unref(l);
}
END_TEST

START_TEST(test_no_font_has_it)
{
	/* U+E000 (private use): no installed font has it, and pango draws
	 * its box with the code; the rest of the line is the cut font's. */
	PangoLayout *l = test_layout("確認\xee\x80\x80します 12", 0, 6, 0, 0);
	struct receipt_font *rf = receipt_font_new();

	test_add(rf, l);
	receipt_font_cut(rf);
	test_same_pixels(rf, l);
	receipt_font_free(rf);
	g_object_unref(l);
}
END_TEST

START_TEST(test_kept_without_layout)
{
	/* Lines kept, their layout let go, then drawn: the very pixels
	 * pango draws for the same text laid out again. */
	const char *code = strstr(test_text, "Receipt");
	PangoLayout *a = test_layout(test_text, 0, 18, (int)(code - test_text),
				     (int)strlen(test_text));
	PangoLayout *b = test_layout(test_text, 0, 18, (int)(code - test_text),
				     (int)strlen(test_text));
	int n = pango_layout_get_line_count(a), i = 0;
	struct receipt_line **kept = xcalloc((size_t)n, sizeof *kept);
	struct receipt_font *rf = receipt_font_new();

	for (GSList *ln = pango_layout_get_lines_readonly(a); ln != NULL;
	     ln = ln->next)
		kept[i++] = receipt_line_new(ln->data);
	g_object_unref(a);
	for (i = 0; i < n; i++)
		receipt_font_add(rf, kept[i]);
	ck_assert_int_eq(receipt_font_cut(rf), 1);
	test_same_pixels_kept(rf, b, kept);
	for (i = 0; i < n; i++)
		receipt_line_free(kept[i]);
	free(kept);
	receipt_font_free(rf);
	g_object_unref(b);
}
END_TEST

START_TEST(test_right_to_left)
{
	/* Hebrew (another font file, right to left, its clusters backward)
	 * between Japanese and Latin: placed and drawn as pango does, with
	 * both files cut. */
	test_cut_same_pixels(test_layout("確認 \xd7\xa9\xd7\x9c\xd7\x95"
					 "\xd7\x9d ok 12", 0, 6, 0, 0),
			     2);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("receipt-font");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_as_pango);
	tcase_add_test(tc, test_two_files);
	tcase_add_test(tc, test_pdf_small_same_font);
	tcase_add_test(tc, test_not_noted);
	tcase_add_test(tc, test_nothing_noted);
	tcase_add_test(tc, test_no_font_has_it);
	tcase_add_test(tc, test_kept_without_layout);
	tcase_add_test(tc, test_right_to_left);
	suite_add_tcase(s, tc);
	return s;
}
