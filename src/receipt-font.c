/*
 * receipt-font: the copy's fonts cut down to its glyphs (see
 * receipt-font.h). The only file that uses harfbuzz's subsetter and
 * FreeType; it hands cairo the cut font through cairo-ft.
 *
 * Pango lays the copy out with the installed font, as before; the glyph
 * numbers of its runs are noted per font file (pango's harfbuzz face), and
 * each file is cut once, to exactly those glyphs. The cut renumbers them
 * (harfbuzz's plan says how), so each run is drawn here: its glyphs at
 * pango's positions, renumbered, in a cairo font made of the cut file at
 * pango's size, with pango's clusters so that the PDF's text (copy, search,
 * pdftotext) is the record's own. Bold stays fontconfig's embolden of the
 * regular face, as pango chose it (see receipt.c, "fonts").
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-ft.h>
#include <fontconfig/fcfreetype.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-subset.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>

#include "receipt-font.h"
#include "xmalloc.h"

/* What cairo reads to embed a font (CFF or TrueType outlines, metrics, the
 * PostScript name). Shaping tables, vertical metrics and the character map
 * were pango's, and the layout is done. */
static const hb_tag_t receipt_font_keep[] = {
	HB_TAG('C', 'F', 'F', ' '), HB_TAG('C', 'F', 'F', '2'),
	HB_TAG('g', 'l', 'y', 'f'), HB_TAG('l', 'o', 'c', 'a'),
	HB_TAG('c', 'v', 't', ' '), HB_TAG('f', 'p', 'g', 'm'),
	HB_TAG('p', 'r', 'e', 'p'), HB_TAG('h', 'e', 'a', 'd'),
	HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
	HB_TAG('m', 'a', 'x', 'p'), HB_TAG('n', 'a', 'm', 'e'),
	HB_TAG('O', 'S', '/', '2'), HB_TAG('p', 'o', 's', 't'),
};

/* A cut font as FreeType holds it. Its bytes (harfbuzz's blob) must live
 * as long as the FT_Face, and the face as long as every cairo face made of
 * it, which cairo may keep after the copy is done: so it is counted, one
 * for the source that made it and one for each cairo face. */
struct receipt_font_ft {
	int refs;
	FT_Face face;
	hb_blob_t *blob;
};

/* A font file (and face in it) as pango uses it. */
struct receipt_font_src {
	hb_face_t *face;           /* pango's: a reference */
	PangoFont *pf;             /* the first font of pango's in it */
	hb_set_t *glyphs;          /* the glyphs noted */
	hb_subset_plan_t *plan;    /* the cut; NULL: not cut */
	const hb_map_t *map;       /* glyph before the cut → after (the plan's) */
	struct receipt_font_ft *ft;
	cairo_font_face_t *cf[2];  /* the cut face as it is, and made bold */
};

/* A font of pango's (a face at a size). */
struct receipt_font_one {
	PangoFont *pf;             /* a reference */
	size_t src;                /* its file; (size_t)-1: drawn by pango */
	bool bold;                 /* fontconfig's embolden */
	cairo_scaled_font_t *sf;   /* the cut face at pango's size, or NULL */
};

struct receipt_font {
	FT_Library lib;            /* NULL: FreeType would not start */
	struct receipt_font_src *src;
	size_t nsrc, capsrc;
	struct receipt_font_one *one;
	size_t none, capone;
	size_t bytes;
};

/* A run of a receipt_line: its glyphs and clusters are [g0, g0 + ng) and
 * [c0, c0 + nc) of the line's, or pango draws it (pango). Positions are in
 * pango's units from the start of the line's baseline, as pango has them,
 * so that each glyph lands where pango would draw it, to the last bit. */
struct receipt_line_run {
	unsigned int font;         /* the line's fonts[font] */
	PangoGlyphItem *pango;     /* non-NULL: pango draws it (a copy; its
				    * bytes counted from the line's text) */
	int x, y;                  /* x with pango's start offset; y up */
	int start, end;            /* its bytes of the line's text */
	bool backward;             /* right to left: clusters backward */
	bool has_color;            /* its own foreground colour */
	PangoColor color;
	int g0, ng, c0, nc;
};

/* A glyph: pango's number, and its place from its run's start. */
struct receipt_line_glyph {
	PangoGlyph glyph;
	int x, y;
};

struct receipt_line {
	struct receipt_line_run *runs;
	int nruns;
	PangoFont **fonts;         /* references */
	unsigned int nfonts;
	struct receipt_line_glyph *glyphs;
	int nglyphs;
	cairo_text_cluster_t *clusters;
	int nclusters;
	char *text;                /* the line's bytes of the layout's text */
};

static const cairo_user_data_key_t receipt_font_key;

/* One FreeType library for the process, never let go: a cut face may
 * outlive its copy in cairo's caches, and its library must outlive it. */
static FT_Library
receipt_font_library(void)
{
	static FT_Library lib;
	static bool tried;

	if (!tried) {
		tried = true;
		if (FT_Init_FreeType(&lib) != 0)
			lib = NULL;
	}
	return lib;
}

static void
receipt_font_ft_unref(void *p)
{
	struct receipt_font_ft *ft = p;

	if (ft == NULL || --ft->refs > 0)
		return;
	FT_Done_Face(ft->face);
	hb_blob_destroy(ft->blob);
	free(ft);
}

struct receipt_font *
receipt_font_new(void)
{
	struct receipt_font *rf = xcalloc(1, sizeof *rf);

	rf->lib = receipt_font_library();
	return rf;
}

void
receipt_font_free(struct receipt_font *rf)
{
	if (rf == NULL)
		return;
	for (size_t i = 0; i < rf->none; i++) {
		if (rf->one[i].sf != NULL)
			cairo_scaled_font_destroy(rf->one[i].sf);
		g_object_unref(rf->one[i].pf);
	}
	for (size_t i = 0; i < rf->nsrc; i++) {
		struct receipt_font_src *s = &rf->src[i];

		for (int b = 0; b < 2; b++)
			if (s->cf[b] != NULL)
				cairo_font_face_destroy(s->cf[b]);
		receipt_font_ft_unref(s->ft);
		if (s->plan != NULL)
			hb_subset_plan_destroy(s->plan);
		hb_set_destroy(s->glyphs);
		hb_face_destroy(s->face);
		g_object_unref(s->pf);
	}
	free(rf->src);
	free(rf->one);
	free(rf);
}

static struct receipt_font_one *
receipt_font_find(const struct receipt_font *rf, PangoFont *pf)
{
	for (size_t i = 0; i < rf->none; i++)
		if (rf->one[i].pf == pf)
			return &rf->one[i];
	return NULL;
}

/* Whether pango's cairo font for pf is fontconfig's embolden of its face;
 * false with *ok false if it is not a FreeType font cut here can stand in
 * for (slanted by fontconfig, or not FreeType at all). */
static bool
receipt_font_bold(PangoFont *pf, bool *ok)
{
	cairo_scaled_font_t *sf;
	cairo_font_face_t *ff;
	unsigned int synth;

	*ok = false;
	if (!PANGO_IS_CAIRO_FONT(pf))
		return false;
	sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(pf));
	if (sf == NULL || cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS)
		return false;
	ff = cairo_scaled_font_get_font_face(sf);
	if (cairo_font_face_get_type(ff) != CAIRO_FONT_TYPE_FT)
		return false;
	synth = cairo_ft_font_face_get_synthesize(ff);
	if (synth & ~(unsigned int)CAIRO_FT_SYNTHESIZE_BOLD)
		return false;
	*ok = true;
	return (synth & CAIRO_FT_SYNTHESIZE_BOLD) != 0;
}

/* Whether pango's fonts a and b are the same face of the same font file
 * (the same font map or not: the appendix is laid out with a map of its
 * own, see receipt.c). */
static bool
receipt_font_same_file(PangoFont *a, PangoFont *b)
{
	FcPattern *pa, *pb;
	FcChar8 *fa, *fb;
	int ia, ib;

	if (a == b)
		return true;
	if (!PANGO_IS_FC_FONT(a) || !PANGO_IS_FC_FONT(b))
		return false;
	pa = pango_fc_font_get_pattern(PANGO_FC_FONT(a));
	pb = pango_fc_font_get_pattern(PANGO_FC_FONT(b));
	return pa != NULL && pb != NULL &&
	       FcPatternGetString(pa, FC_FILE, 0, &fa) == FcResultMatch &&
	       FcPatternGetString(pb, FC_FILE, 0, &fb) == FcResultMatch &&
	       FcPatternGetInteger(pa, FC_INDEX, 0, &ia) == FcResultMatch &&
	       FcPatternGetInteger(pb, FC_INDEX, 0, &ib) == FcResultMatch &&
	       ia == ib && strcmp((const char *)fa, (const char *)fb) == 0;
}

/* The entry of pango's font pf, made on first sight. */
static struct receipt_font_one *
receipt_font_get(struct receipt_font *rf, PangoFont *pf)
{
	struct receipt_font_one *o = receipt_font_find(rf, pf);
	hb_font_t *hb;
	bool ok;

	if (o != NULL)
		return o;
	XGROW(rf->one, rf->none, rf->capone);
	o = &rf->one[rf->none++];
	*o = (struct receipt_font_one){ .pf = g_object_ref(pf),
					.src = (size_t)-1 };
	o->bold = receipt_font_bold(pf, &ok);
	hb = ok ? pango_font_get_hb_font(pf) : NULL;
	if (hb == NULL)
		return o;
	for (size_t i = 0; i < rf->nsrc; i++)
		if (receipt_font_same_file(rf->src[i].pf, pf))
			o->src = i;
	if (o->src == (size_t)-1) {
		XGROW(rf->src, rf->nsrc, rf->capsrc);
		rf->src[rf->nsrc] = (struct receipt_font_src){
			.face = hb_face_reference(hb_font_get_face(hb)),
			.pf = g_object_ref(pf),
			.glyphs = hb_set_create(),
		};
		o->src = rf->nsrc++;
	}
	return o;
}

void
receipt_font_embolden(FcPattern *p, gpointer data)
{
	int w;

	(void)data;
	if (FcPatternGetInteger(p, FC_WEIGHT, 0, &w) == FcResultMatch &&
	    w > FC_WEIGHT_MEDIUM) {
		FcPatternDel(p, FC_WEIGHT);
		FcPatternAddInteger(p, FC_WEIGHT, FC_WEIGHT_REGULAR);
		FcPatternDel(p, FC_EMBOLDEN);
		FcPatternAddBool(p, FC_EMBOLDEN, FcTrue);
	}
}

static bool
receipt_font_drawable(PangoGlyph g)
{
	return g != PANGO_GLYPH_EMPTY && !(g & PANGO_GLYPH_UNKNOWN_FLAG);
}

void
receipt_font_add(struct receipt_font *rf, const struct receipt_line *line)
{
	for (int k = 0; k < line->nruns; k++) {
		const struct receipt_line_run *run = &line->runs[k];
		struct receipt_font_one *o;

		if (run->pango != NULL)
			continue;
		o = receipt_font_get(rf, line->fonts[run->font]);
		if (o->src == (size_t)-1)
			continue;
		for (int i = run->g0; i < run->g0 + run->ng; i++)
			hb_set_add(rf->src[o->src].glyphs,
				   line->glyphs[i].glyph);
	}
}

static bool
receipt_font_kept(hb_tag_t t)
{
	for (size_t i = 0; i < sizeof receipt_font_keep /
				   sizeof receipt_font_keep[0]; i++)
		if (receipt_font_keep[i] == t)
			return true;
	return false;
}

/* A table of the source face for the cut, but for its character map: see
 * receipt_font_cut_src. */
static hb_blob_t *
receipt_font_table(hb_face_t *unused, hb_tag_t tag, void *face)
{
	(void)unused;
	if (tag == HB_TAG('c', 'm', 'a', 'p'))
		return hb_blob_get_empty();
	return hb_face_reference_table(face, tag);
}

/* Cut s's face to its glyphs and open the result with FreeType. */
static bool
receipt_font_cut_src(struct receipt_font *rf, struct receipt_font_src *s)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	hb_set_t *drop;
	hb_face_t *src, *cut;
	hb_blob_t *blob;
	const char *data;
	unsigned int len, start = 0, count, total;
	hb_tag_t tags[32];
	FT_Face face;

	if (in == NULL)
		return false;
	hb_set_union(hb_subset_input_glyph_set(in), s->glyphs);
	/* Subroutines inlined: the cut takes a third of the time, and cairo
	 * subsets the result again anyway. */
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_DESUBROUTINIZE);
	drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	do {
		count = sizeof tags / sizeof tags[0];
		total = hb_face_get_table_tags(s->face, start, &count, tags);
		for (unsigned int i = 0; i < count; i++)
			if (!receipt_font_kept(tags[i]))
				hb_set_add(drop, tags[i]);
		start += count;
	} while (count > 0 && start < total);
	/* The cut is asked for by glyph and keeps no character map, yet
	 * harfbuzz's plan maps every character of the source's map (45,000
	 * in Noto Sans CJK) to see which of them the glyphs keep: 10 ms of
	 * a copy, and 2 MB of fresh memory. It is given the face without
	 * its map (harfbuzz then asks for each table it knows by name); the
	 * cut is the same but for OS/2's character range fields, which cairo
	 * does not embed. */
	src = hb_face_create_for_tables(receipt_font_table,
					hb_face_reference(s->face),
					(hb_destroy_func_t)hb_face_destroy);
	s->plan = hb_subset_plan_create_or_fail(src, in);
	hb_face_destroy(src);
	hb_subset_input_destroy(in);
	if (s->plan == NULL)
		return false;
	cut = hb_subset_plan_execute_or_fail(s->plan);
	if (cut == NULL)
		return false;
	blob = hb_face_reference_blob(cut);
	hb_face_destroy(cut);
	data = hb_blob_get_data(blob, &len);
	if (len == 0 || FT_New_Memory_Face(rf->lib, (const FT_Byte *)data,
					   (FT_Long)len, 0, &face) != 0) {
		hb_blob_destroy(blob);
		return false;
	}
	s->map = hb_subset_plan_old_to_new_glyph_mapping(s->plan);
	s->ft = xmalloc(sizeof *s->ft);
	*s->ft = (struct receipt_font_ft){ .refs = 1, .face = face,
					   .blob = blob };
	rf->bytes += len;
	return true;
}

/* The cut face of s, as it is or made bold as fontconfig would. */
static cairo_font_face_t *
receipt_font_face(struct receipt_font_src *s, bool bold)
{
	FcPattern *p;
	cairo_font_face_t *cf;

	if (s->cf[bold] != NULL)
		return s->cf[bold];
	p = FcPatternCreate();
	if (p == NULL)
		return NULL;
	FcPatternAddFTFace(p, FC_FT_FACE, s->ft->face);
	FcPatternAddBool(p, FC_EMBOLDEN, bold ? FcTrue : FcFalse);
	cf = cairo_ft_font_face_create_for_pattern(p);
	FcPatternDestroy(p);
	if (cairo_font_face_status(cf) != CAIRO_STATUS_SUCCESS) {
		cairo_font_face_destroy(cf);
		return NULL;
	}
	s->ft->refs++;
	if (cairo_font_face_set_user_data(cf, &receipt_font_key, s->ft,
					  receipt_font_ft_unref) !=
	    CAIRO_STATUS_SUCCESS) {
		s->ft->refs--;
		cairo_font_face_destroy(cf);
		return NULL;
	}
	s->cf[bold] = cf;
	return cf;
}

int
receipt_font_cut(struct receipt_font *rf)
{
	int n = 0;

	if (rf->lib == NULL)
		return 0;
	for (size_t i = 0; i < rf->nsrc; i++)
		if (hb_set_get_population(rf->src[i].glyphs) > 0 &&
		    receipt_font_cut_src(rf, &rf->src[i]))
			n++;
	for (size_t i = 0; i < rf->none; i++) {
		struct receipt_font_one *o = &rf->one[i];
		cairo_scaled_font_t *psf;
		cairo_font_face_t *cf;
		cairo_font_options_t *fo;
		cairo_matrix_t fm, ctm;

		if (o->src == (size_t)-1 || rf->src[o->src].ft == NULL)
			continue;
		cf = receipt_font_face(&rf->src[o->src], o->bold);
		if (cf == NULL)
			continue;
		/* pango's size, matrix and options, the cut face */
		psf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(o->pf));
		fo = cairo_font_options_create();
		cairo_scaled_font_get_font_matrix(psf, &fm);
		cairo_scaled_font_get_ctm(psf, &ctm);
		cairo_scaled_font_get_font_options(psf, fo);
		o->sf = cairo_scaled_font_create(cf, &fm, &ctm, fo);
		cairo_font_options_destroy(fo);
		if (cairo_scaled_font_status(o->sf) != CAIRO_STATUS_SUCCESS) {
			cairo_scaled_font_destroy(o->sf);
			o->sf = NULL;
		}
	}
	return n;
}

size_t
receipt_font_cut_bytes(const struct receipt_font *rf)
{
	return rf->bytes;
}

/* A run's own foreground colour (pango's renderer sets it): true and *c,
 * or false (the line's colour). */
static bool
receipt_font_color(const PangoItem *item, PangoColor *c)
{
	bool has = false;

	for (GSList *a = item->analysis.extra_attrs; a != NULL; a = a->next) {
		const PangoAttribute *at = a->data;

		if (at->klass->type == PANGO_ATTR_FOREGROUND) {
			*c = ((const PangoAttrColor *)at)->color;
			has = true;
		}
	}
	return has;
}

/* ---- lines kept to draw ------------------------------------------------ */

/* Whether pango must draw run itself: a glyph no font has (pango draws a
 * box with its code), or a font cairo does not draw. */
static bool
receipt_line_pango(const PangoGlyphItem *run)
{
	if (!PANGO_IS_CAIRO_FONT(run->item->analysis.font))
		return true;
	for (int i = 0; i < run->glyphs->num_glyphs; i++) {
		PangoGlyph g = run->glyphs->glyphs[i].glyph;

		if (g != PANGO_GLYPH_EMPTY && !receipt_font_drawable(g))
			return true;
	}
	return false;
}

/* The index of font in line's fonts, added (and referenced) if new. */
static unsigned int
receipt_line_font(struct receipt_line *line, PangoFont *font)
{
	unsigned int k;

	for (k = 0; k < line->nfonts; k++)
		if (line->fonts[k] == font)
			return k;
	line->fonts[line->nfonts] = g_object_ref(font);
	return line->nfonts++;
}

/* Fill r (a run of line, whose text starts at byte base of the layout's
 * text) from pango's run, its glyphs and clusters at the ends of line's. */
static void
receipt_line_run(struct receipt_line *line, struct receipt_line_run *r,
		 PangoGlyphItem *run, const char *text, int base)
{
	const PangoGlyphString *gs = run->glyphs;
	bool backward = (run->item->analysis.level & 1) != 0;
	int at = 0;
	PangoGlyphItemIter it;

	r->font = receipt_line_font(line, run->item->analysis.font);
	r->y = run->y_offset;
	r->start = run->item->offset - base;
	r->end = r->start + run->item->length;
	r->backward = backward;
	r->has_color = receipt_font_color(run->item, &r->color);
	if (receipt_line_pango(run)) {
		/* pango's own copy, its bytes counted from the line's */
		r->pango = pango_glyph_item_copy(run);
		r->pango->item->offset -= base;
		return;
	}
	r->g0 = line->nglyphs;
	for (int i = 0; i < gs->num_glyphs; i++) {
		const PangoGlyphInfo *gi = &gs->glyphs[i];

		if (gi->glyph != PANGO_GLYPH_EMPTY)
			line->glyphs[line->nglyphs++] =
				(struct receipt_line_glyph){
					.glyph = gi->glyph,
					.x = at + gi->geometry.x_offset,
					.y = gi->geometry.y_offset,
				};
		at += gi->geometry.width;
	}
	r->ng = line->nglyphs - r->g0;
	r->c0 = line->nclusters;
	if (pango_glyph_item_iter_init_start(&it, run, text)) {
		do {
			int lo = backward ? it.end_glyph + 1 : it.start_glyph;
			int hi = backward ? it.start_glyph + 1 : it.end_glyph;
			int glyphs = 0;

			for (int i = lo; i < hi; i++)
				if (gs->glyphs[i].glyph != PANGO_GLYPH_EMPTY)
					glyphs++;
			line->clusters[line->nclusters++] =
				(cairo_text_cluster_t){
					.num_bytes = it.end_index -
						     it.start_index,
					.num_glyphs = glyphs,
				};
		} while (pango_glyph_item_iter_next_cluster(&it));
	}
	r->nc = line->nclusters - r->c0;
}

struct receipt_line *
receipt_line_new(PangoLayoutLine *pl)
{
	const char *text = pango_layout_get_text(pl->layout);
	int nruns = 0, nglyphs = 0, x = 0;
	struct receipt_line *line;
	size_t size;
	char *p;

	for (GSList *ri = pl->runs; ri != NULL; ri = ri->next) {
		nruns++;
		/* a cluster has a glyph at least (an empty one, if need be) */
		nglyphs += ((PangoGlyphItem *)ri->data)->glyphs->num_glyphs;
	}
	/* one block: the line, its runs, fonts, glyphs, clusters and text */
	size = sizeof *line + (size_t)nruns * (sizeof *line->runs +
					       sizeof *line->fonts) +
	       (size_t)nglyphs * (sizeof *line->glyphs +
				  sizeof *line->clusters) +
	       (size_t)pl->length + 1;
	line = xcalloc(1, size);
	/* in order of alignment: pointers first, ints, bytes */
	p = (char *)(line + 1);
	line->runs = (struct receipt_line_run *)(void *)p;
	p += (size_t)nruns * sizeof *line->runs;
	line->fonts = (PangoFont **)(void *)p;
	p += (size_t)nruns * sizeof *line->fonts;
	line->glyphs = (struct receipt_line_glyph *)(void *)p;
	p += (size_t)nglyphs * sizeof *line->glyphs;
	line->clusters = (cairo_text_cluster_t *)(void *)p;
	p += (size_t)nglyphs * sizeof *line->clusters;
	line->text = p;
	memcpy(line->text, text + pl->start_index, (size_t)pl->length);
	for (GSList *ri = pl->runs; ri != NULL; ri = ri->next) {
		PangoGlyphItem *run = ri->data;
		struct receipt_line_run *r = &line->runs[line->nruns++];

		x += run->start_x_offset;
		r->x = x;
		receipt_line_run(line, r, run, text, pl->start_index);
		x += pango_glyph_string_get_width(run->glyphs) +
		     run->end_x_offset;
	}
	return line;
}

void
receipt_line_free(struct receipt_line *line)
{
	if (line == NULL)
		return;
	for (int k = 0; k < line->nruns; k++)
		if (line->runs[k].pango != NULL)
			pango_glyph_item_free(line->runs[k].pango);
	for (unsigned int k = 0; k < line->nfonts; k++)
		g_object_unref(line->fonts[k]);
	free(line);
}

/* ---- drawing ------------------------------------------------------------ */

/* Set c as cr's source. */
static void
receipt_font_set_color(cairo_t *cr, const PangoColor *c)
{
	cairo_set_source_rgb(cr, c->red / 65535.0, c->green / 65535.0,
			     c->blue / 65535.0);
}

/* Whether two runs' own colours (receipt_font_color) are the same. */
static bool
receipt_font_same_color(const struct receipt_line_run *a,
			const struct receipt_line_run *b)
{
	return a->has_color == b->has_color &&
	       (!a->has_color || (a->color.red == b->color.red &&
				  a->color.green == b->color.green &&
				  a->color.blue == b->color.blue));
}

/* Whether the cut font o can draw every glyph of run. */
static bool
receipt_font_covers(const struct receipt_font *rf,
		    const struct receipt_font_one *o,
		    const struct receipt_line *line,
		    const struct receipt_line_run *run)
{
	const hb_map_t *map;

	if (o == NULL || o->sf == NULL)
		return false;
	map = rf->src[o->src].map;
	for (int i = run->g0; i < run->g0 + run->ng; i++)
		if (!hb_map_has(map, line->glyphs[i].glyph))
			return false;
	return true;
}

/*
 * Runs to be drawn with one call: a line's runs one after another in the
 * text, left to right, in the same cut font and colour (a right-to-left
 * run, its clusters backward, goes alone; so does a run in a font that
 * could not be cut, drawn whole as pango would). Japanese text is a run for
 * each change of script (kanji, kana, Latin: a few characters each), and
 * each call is an operation cairo's PDF surface records, measures and
 * writes on its own: one a stretch is some five times fewer.
 */
struct receipt_font_batch {
	cairo_scaled_font_t *sf;           /* NULL: empty */
	const hb_map_t *map;               /* the cut's numbering; NULL: none */
	const struct receipt_line_run *first;  /* for its colour */
	bool alone;                        /* nothing joins it */
	const char *text;                  /* the line's */
	int start, end;                    /* the runs' bytes of it */
	cairo_glyph_t *g;
	int ng, capg;
	cairo_text_cluster_t *cl;
	int ncl, capcl;
};

static void
receipt_font_flush(cairo_t *cr, struct receipt_font_batch *b)
{
	if (b->sf == NULL)
		return;
	cairo_save(cr);
	if (b->first->has_color)
		receipt_font_set_color(cr, &b->first->color);
	cairo_set_scaled_font(cr, b->sf);
	cairo_show_text_glyphs(cr, b->text + b->start, b->end - b->start,
			       b->g, b->ng, b->cl, b->ncl,
			       b->first->backward
				       ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD
				       : 0);
	cairo_restore(cr);
	b->sf = NULL;
	b->ng = 0;
	b->ncl = 0;
}

/* Whether run can join b (drawn with sf and map). */
static bool
receipt_font_joins(const struct receipt_font_batch *b,
		   const struct receipt_line_run *run,
		   cairo_scaled_font_t *sf, const hb_map_t *map)
{
	return b->sf == sf && b->map == map && map != NULL && !b->alone &&
	       b->end == run->start && !run->backward &&
	       receipt_font_same_color(b->first, run);
}

/* Add run, drawn at (x, y) (the start of its baseline) with sf, its glyphs
 * renumbered by map (NULL: as pango numbered them), to b, with its
 * clusters, so that the PDF's text is the layout's. */
static void
receipt_font_batch_run(struct receipt_font_batch *b,
		       const struct receipt_line *line,
		       const struct receipt_line_run *run,
		       cairo_scaled_font_t *sf, const hb_map_t *map, double x,
		       double y)
{
	if (b->sf == NULL) {
		b->sf = sf;
		b->map = map;
		b->first = run;
		b->alone = map == NULL || run->backward;
		b->text = line->text;
		b->start = run->start;
	}
	b->end = run->end;
	for (int i = run->g0; i < run->g0 + run->ng; i++) {
		const struct receipt_line_glyph *lg = &line->glyphs[i];

		XGROW(b->g, b->ng, b->capg);
		b->g[b->ng].index = map != NULL ? hb_map_get(map, lg->glyph)
						: lg->glyph;
		b->g[b->ng].x = x + (double)lg->x / PANGO_SCALE;
		b->g[b->ng].y = y + (double)lg->y / PANGO_SCALE;
		b->ng++;
	}
	for (int i = run->c0; i < run->c0 + run->nc; i++) {
		XGROW(b->cl, b->ncl, b->capcl);
		b->cl[b->ncl++] = line->clusters[i];
	}
}

void
receipt_font_show_line(struct receipt_font *rf, cairo_t *cr,
		       const struct receipt_line *line)
{
	struct receipt_font_batch b = { 0 };
	double x0, y0;

	cairo_get_current_point(cr, &x0, &y0);
	for (int k = 0; k < line->nruns; k++) {
		const struct receipt_line_run *run = &line->runs[k];
		PangoFont *pf = line->fonts[run->font];
		const struct receipt_font_one *o = receipt_font_find(rf, pf);
		double rx = x0 + (double)run->x / PANGO_SCALE;
		double ry = y0 - (double)run->y / PANGO_SCALE;
		cairo_scaled_font_t *sf;
		const hb_map_t *map;

		if (run->pango != NULL) {
			/* a glyph no font has: pango draws its box */
			receipt_font_flush(cr, &b);
			cairo_save(cr);
			if (run->has_color)
				receipt_font_set_color(cr, &run->color);
			cairo_move_to(cr, rx, ry);
			pango_cairo_show_glyph_item(cr, line->text, run->pango);
			cairo_restore(cr);
			continue;
		}
		if (receipt_font_covers(rf, o, line, run)) {
			sf = o->sf;
			map = rf->src[o->src].map;
		} else {
			/* not cut: the whole font, as pango draws it */
			sf = pango_cairo_font_get_scaled_font(
				PANGO_CAIRO_FONT(pf));
			map = NULL;
			if (sf == NULL)   /* pango could not draw it either */
				continue;
		}
		if (b.sf != NULL && !receipt_font_joins(&b, run, sf, map))
			receipt_font_flush(cr, &b);
		receipt_font_batch_run(&b, line, run, sf, map, rx, ry);
	}
	receipt_font_flush(cr, &b);
	free(b.g);
	free(b.cl);
}
