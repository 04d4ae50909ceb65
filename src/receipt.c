/*
 * receipt: the patient's copy drawn as a PDF (see receipt.h). With
 * receipt-font.c (which draws its lines with fonts cut to the copy's
 * glyphs), the only file that includes cairo and pango; the only one that
 * includes libqrencode.
 *
 * How a copy is set. Text is laid out by pango (Noto Sans CJK JP), but
 * where a line may break is our text module's rule, not pango's alone:
 * UAX #14 from libunistring plus text_keep_rules (JIS X 4051 kinsoku, a
 * number kept with its unit, a numeral with its counter), text_keep_phrases
 * (a line ends between phrases, not inside a katakana word, unless what
 * follows is too long for a line) and a ruby kept with its reading, as on
 * the kiosk's screen. Every stretch between two
 * places our rules allow a break gets pango's allow-breaks attribute set
 * to false, so pango breaks only where both agree; a stretch wider than
 * the line is let go (first at the place before a reading, then wholly),
 * as text_wrap force-breaks one. Ruby is shown in parentheses:
 * 催奇形性（さいきけいせい）.
 *
 * Pages. Everything is placed first, into a list of items (a run of a
 * layout's lines, a rule, a box, the QR code) each with its page and
 * position; a block that must stay whole (a statement, a signature, a table
 * row) is placed, and if it crossed a page it is taken back and placed
 * again on a new page. Only then, with the number of pages known, is the
 * PDF drawn, "1 / 3" at the foot of each page. On receipt paper a page is
 * as long as what is on it (a printer cuts between pages).
 */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <qrencode.h>
#include <unilbrk.h>

#include "receipt-font.h"
#include "receipt-int.h"
#include "text.h"
#include "xmalloc.h"

#define MM (72.0 / 25.4)
#define RX_FONT "Noto Sans CJK JP"

/* ---- paper ---------------------------------------------------------------- */

struct rx_paper {
	double w, h;            /* page size (pt); roll: the longest page */
	double ml, mr, mt, mb;  /* margins */
	double body, small, title, h1, h2, big;  /* font sizes (pt) */
	double qr;              /* side of the QR code with its quiet zone */
	bool roll;
};

static const struct rx_paper rx_a4 = {
	.w = 210 * MM, .h = 297 * MM,
	.ml = 20 * MM, .mr = 20 * MM, .mt = 17 * MM, .mb = 20 * MM,
	.body = 10, .small = 8, .title = 17, .h1 = 13, .h2 = 11, .big = 15,
	.qr = 30 * MM, .roll = false,
};

/* 80 mm paper, 72 mm printed (what receipt printers print on it). */
static const struct rx_paper rx_roll = {
	.w = 80 * MM, .h = 1000 * MM,
	.ml = 4 * MM, .mr = 4 * MM, .mt = 5 * MM, .mb = 6 * MM,
	.body = 8.5, .small = 7, .title = 12.5, .h1 = 10.5, .h2 = 9.5, .big = 12,
	.qr = 32 * MM, .roll = true,
};

/* ---- the list of placed items ---------------------------------------------- */

enum rx_item_kind { RX_ITEM_TEXT, RX_ITEM_RULE, RX_ITEM_BOX, RX_ITEM_QR };

struct rx_item {
	enum rx_item_kind kind;
	int page;
	double x, y, w, h;     /* text: where its first line's top goes; rule:
				  from (x, y), w long, h thick; box: the box */
	struct rx_laid *laid;  /* text (a reference of its own) */
	int line0, line1;      /* text: its lines [line0, line1) */
	double gray;           /* 0 black .. 1 white */
	bool fill;             /* box: filled (else stroked, h thick) */
	double line_w;         /* box: stroke width */
};

/*
 * A layout's lines as they are kept to be drawn (receipt_line), with where
 * each goes in the layout (pango's units): its top and bottom, its
 * baseline and its start (the alignment's offset). Made as soon as a
 * layout is placed, and the layout let go (receipt-font.h says why);
 * shared by the items its lines went to (a page each).
 */
struct rx_laid {
	int refs;
	int n;
	struct rx_laid_line {
		struct receipt_line *line;
		int top, bottom, base, x;
	} lines[];
};

/* l's lines kept; takes l over (and lets it go). */
static struct rx_laid *
rx_laid_new(PangoLayout *l)
{
	int n = pango_layout_get_line_count(l), i = 0;
	struct rx_laid *laid = xcalloc(1, sizeof *laid +
					      (size_t)n * sizeof *laid->lines);
	PangoLayoutIter *it = pango_layout_get_iter(l);

	laid->refs = 1;
	do {
		struct rx_laid_line *ln = &laid->lines[i];
		PangoRectangle lr;

		pango_layout_iter_get_line_yrange(it, &ln->top, &ln->bottom);
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		ln->x = lr.x;
		ln->base = pango_layout_iter_get_baseline(it);
		ln->line = receipt_line_new(
			pango_layout_iter_get_line_readonly(it));
		i++;
	} while (i < n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	laid->n = i;
	return laid;
}

/* The top of laid's line i (pt from the layout's top); i == laid->n: the
 * bottom of its last line (a layout has a line at least). */
static double
rx_laid_top(const struct rx_laid *laid, int i)
{
	if (i < laid->n)
		return (double)laid->lines[i].top / PANGO_SCALE;
	return laid->n > 0 ? (double)laid->lines[laid->n - 1].bottom /
				     PANGO_SCALE
			   : 0;
}

static struct rx_laid *
rx_laid_ref(struct rx_laid *laid)
{
	laid->refs++;
	return laid;
}

static void
rx_laid_unref(struct rx_laid *laid)
{
	if (laid == NULL || --laid->refs > 0)
		return;
	for (int i = 0; i < laid->n; i++)
		receipt_line_free(laid->lines[i].line);
	free(laid);
}

enum rx_font { F_BODY, F_BOLD, F_SMALL, F_SMALL_BOLD, F_MONO, F_TITLE, F_H1,
	       F_H2, F_BIG, F_BIG_MONO, F_N };

struct rx {
	const struct receipt_model *m;
	const struct rx_paper *p;
	PangoFontMap *fm;
	PangoContext *pc;
	PangoFontDescription *font[F_N];
	double size[F_N];
	double lineh[F_N];      /* a line's height, once measured */
	struct rx_width {       /* rx_text_width's answers (list markers) */
		enum rx_font f;
		char *s;
		double w;
	} *widths;
	size_t nwidths, capwidths;
	const char *breakenc;   /* libunistring's encoding for break classes */
	double left, width;     /* the text column */
	double top, bottom;     /* the body of a page, from its top */
	int page;
	double y;
	double *used;           /* per page: the lowest point used */
	size_t capused;
	struct rx_item *items;
	size_t n, cap;
	cairo_surface_t *pdf;   /* while drawing */
	int *outline_page;      /* sections for the PDF's outline */
	double *outline_y;
	const char **outline_text;
	int *outline_level;
	size_t noutline, capoutline;
	struct rx_mark_head {   /* the last section heading (rx_section) */
		size_t n, noutline;
		int page;
		double y, used;
		bool alone;     /* nothing kept whole placed since */
	} head;
	int keeps;              /* RX_KEEP blocks being placed (nested) */
};

static void
rx_use(struct rx *r, double bottom)
{
	while ((size_t)r->page >= r->capused) {
		size_t old = r->capused;

		r->capused = r->capused ? r->capused * 2 : 8;
		r->used = xreallocarray(r->used, r->capused, sizeof *r->used);
		for (size_t i = old; i < r->capused; i++)
			r->used[i] = 0;
	}
	if (bottom > r->used[r->page])
		r->used[r->page] = bottom;
}

static struct rx_item *
rx_item(struct rx *r, enum rx_item_kind kind)
{
	struct rx_item *it;

	XGROW(r->items, r->n, r->cap);
	it = &r->items[r->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->page = r->page;
	return it;
}

static void
rx_new_page(struct rx *r)
{
	r->page++;
	r->y = r->top;
	rx_use(r, r->top);
}

/* Room for h more on this page; else a new page (unless the page is still
 * empty: what does not fit an empty page goes where it can). */
static void
rx_need(struct rx *r, double h)
{
	if (r->y + h > r->bottom && r->y > r->top + 0.5)
		rx_new_page(r);
}

/* Keeping a block whole: where it started, to take it back. */
struct rx_mark {
	size_t n;
	int page;
	double y, used;
	size_t noutline;
};

static struct rx_mark
rx_mark(struct rx *r)
{
	rx_use(r, 0);
	return (struct rx_mark){ r->n, r->page, r->y, r->used[r->page],
				 r->noutline };
}

static void
rx_undo(struct rx *r, struct rx_mark k)
{
	for (size_t i = k.n; i < r->n; i++)
		rx_laid_unref(r->items[i].laid);
	r->n = k.n;
	for (int p = k.page + 1; p <= r->page && (size_t)p < r->capused; p++)
		r->used[p] = 0;
	r->page = k.page;
	r->y = k.y;
	r->used[k.page] = k.used;
	r->noutline = k.noutline;
}

/*
 * A new page for a block taken back to be placed again (k: where it
 * started). A section heading with nothing kept under it yet (its note at
 * most) goes to the new page with it: a heading is never the last thing on
 * a page (「記録の封印」 was, its seal on the next).
 */
static void
rx_keep_new_page(struct rx *r, struct rx_mark k)
{
	double dy;

	/* only a block of its own (not a row inside one: the block it is
	 * in is taken back whole) */
	if (r->keeps > 1 || !r->head.alone || r->head.page != k.page ||
	    r->head.n >= k.n || r->head.y <= r->top + 0.5) {
		rx_new_page(r);
		return;
	}
	dy = r->head.y - r->top;
	for (size_t i = r->head.n; i < r->n; i++) {
		r->items[i].page++;
		r->items[i].y -= dy;
	}
	for (size_t i = r->head.noutline; i < r->noutline; i++) {
		r->outline_page[i]++;
		r->outline_y[i] -= dy;
	}
	r->used[r->page] = r->head.used;
	r->page++;
	r->y -= dy;
	rx_use(r, r->y);
	r->head.page = r->page;
	r->head.y = r->top;
}

/* After placing a block from k: if it crossed onto another page but would
 * fit on one, place it again (by calling redo) from the top of a new page
 * (rx_keep_new_page). */
#define RX_KEEP(r, ...)                                                       \
	do {                                                                  \
		struct rx_mark k_ = rx_mark(r);                               \
		(r)->keeps++;                                                 \
		__VA_ARGS__;                                                  \
		if ((r)->page != k_.page && k_.y > (r)->top + 0.5 &&          \
		    (r)->page == k_.page + 1 &&                               \
		    (r)->y - (r)->top + ((r)->bottom - k_.y) <=               \
			    (r)->bottom - (r)->top) {                         \
			rx_undo(r, k_);                                       \
			rx_keep_new_page(r, k_);                              \
			__VA_ARGS__;                                          \
		}                                                             \
		if (--(r)->keeps == 0)                                        \
			(r)->head.alone = false;                              \
	} while (0)

static void
rx_outline_at(struct rx *r, int level, const char *text, int page, double y)
{
	if (r->noutline == r->capoutline) {
		r->capoutline = r->capoutline ? r->capoutline * 2 : 16;
		r->outline_page = xreallocarray(r->outline_page, r->capoutline,
						sizeof *r->outline_page);
		r->outline_y = xreallocarray(r->outline_y, r->capoutline,
					     sizeof *r->outline_y);
		r->outline_text = xreallocarray(r->outline_text, r->capoutline,
						sizeof *r->outline_text);
		r->outline_level = xreallocarray(r->outline_level, r->capoutline,
						 sizeof *r->outline_level);
	}
	r->outline_page[r->noutline] = page;
	r->outline_y[r->noutline] = y;
	r->outline_text[r->noutline] = text;
	r->outline_level[r->noutline] = level;
	r->noutline++;
}

static void
rx_outline(struct rx *r, int level, const char *text)
{
	rx_outline_at(r, level, text, r->page, r->y);
}

/* ---- text: our line-breaking rules on pango ---------------------------- */

struct rx_atom {
	size_t start, mid, end;  /* base（reading）: mid where "（" starts */
};

struct rx_text {
	struct strbuf s;
	PangoAttrList *attrs;    /* styles */
	struct rx_atom *atoms;
	size_t natoms, capatoms;
	size_t hang_at;          /* a hanging marker's text starts here: no
				    break between it and the marker */
};

static void
rx_text_init(struct rx_text *t)
{
	strbuf_init(&t->s);
	t->attrs = pango_attr_list_new();
	t->atoms = NULL;
	t->natoms = t->capatoms = 0;
	t->hang_at = 0;
}

static void
rx_text_done(struct rx_text *t)
{
	strbuf_done(&t->s);
	pango_attr_list_unref(t->attrs);
	free(t->atoms);
}

static void
rx_attr(struct rx_text *t, PangoAttribute *a, size_t start, size_t end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(t->attrs, a);
}

/* Add s with a weight (bold) and a gray (0 black). A line break in s (a
 * statement's lines, <br>) is added as U+2028: a line break inside the
 * paragraph, so that a hanging indent holds across it. */
static void
rx_text_add(struct rx_text *t, const char *s, bool bold, double gray)
{
	size_t start = t->s.len;

	for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		strbuf_add(&t->s, s, (size_t)(nl - s));
		strbuf_addstr(&t->s, "\xe2\x80\xa8");
	}
	strbuf_addstr(&t->s, s);
	if (bold)
		rx_attr(t, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start,
			t->s.len);
	if (gray > 0) {
		guint16 g = (guint16)(gray * 65535);

		rx_attr(t, pango_attr_foreground_new(g, g, g), start, t->s.len);
	}
}

/* Inline content: bold as bold, a ruby as base（reading）, kept whole. */
static void
rx_text_inline(struct rx_text *t, const struct content_inline *in, bool bold)
{
	for (size_t i = 0; i < in->n; i++) {
		const struct content_span *sp = &in->spans[i];
		size_t start = t->s.len, mid;
		bool b = bold || (sp->style & CONTENT_BOLD);

		rx_text_add(t, sp->text != NULL ? sp->text : "", b, 0);
		if (sp->ruby == NULL || sp->ruby[0] == '\0' || sp->text == NULL ||
		    sp->text[0] == '\0')
			continue;
		mid = t->s.len;
		rx_text_add(t, "\xef\xbc\x88", b, 0);
		rx_text_add(t, sp->ruby, b, 0);
		rx_text_add(t, "\xef\xbc\x89", b, 0);
		XGROW(t->atoms, t->natoms, t->capatoms);
		t->atoms[t->natoms++] = (struct rx_atom){ start, mid, t->s.len };
	}
}

/*
 * Where the text may break, by our rules: ok[i] for each byte i (only at a
 * character's first byte): 2 a break is allowed, 1 only if what follows
 * is too long for a line (TEXT_KEEP_SOFT), 0 never.
 */
static unsigned char *
rx_breaks(const struct rx *r, const struct rx_text *t)
{
	size_t n = t->s.len;
	const char *s = t->s.s;
	unsigned char *keep = xcalloc(n + 1, 1), *ok = xcalloc(n + 1, 1);
	char *p = xmalloc(n + 1);

	text_keep_rules(s, n, keep);
	/* lines end between phrases, as on the screen (a reading is not
	 * running text for the phrase model) */
	for (size_t a = 0; a < t->natoms; a++)
		for (size_t i = t->atoms[a].mid; i < t->atoms[a].end; i++)
			if (t->atoms[a].mid > t->atoms[a].start)
				keep[i] |= TEXT_ASIDE;
	text_keep_phrases(s, n, keep);
	for (size_t i = 0; i < n; i++)
		keep[i] &= TEXT_KEEP_MASK;
	for (size_t a = 0; a < t->natoms; a++) {
		const struct rx_atom *at = &t->atoms[a];

		for (size_t i = at->start + 1; i < at->end; i++)
			if (s[i] != '\n' && s[i - 1] != '\n')
				keep[i] = TEXT_KEEP_HARD;
		if (at->mid > at->start && at->mid < at->end)
			keep[at->mid] = TEXT_KEEP_SOFT;
	}
	/* the marker, its tab and the first character stay together */
	for (size_t i = 1; i <= t->hang_at && i < n; i++)
		keep[i] = TEXT_KEEP_HARD;
	u8_possible_linebreaks((const uint8_t *)s, n, r->breakenc, p);
	for (size_t i = 1; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (s[i - 1] == '\n' || keep[i] == TEXT_KEEP_BREAK ||
		    p[i] == UC_BREAK_MANDATORY)
			ok[i] = 2;
		else if (p[i] == UC_BREAK_POSSIBLE || p[i] == UC_BREAK_MANDATORY)
			ok[i] = keep[i] == TEXT_KEEP_NONE ? 2
				: keep[i] == TEXT_KEEP_SOFT ? 1 : 0;
	}
	free(keep);
	free(p);
	return ok;
}

/* A stretch between two places our rules allow a break; loose 1: it may
 * also break at its SOFT places, 2: anywhere pango likes. */
struct rx_seg {
	size_t a, b;
	int loose;
};

static struct rx_seg *
rx_segments(const struct rx_text *t, const unsigned char *ok, size_t *nseg)
{
	struct rx_seg *v = NULL;
	size_t n = t->s.len, cap = 0, nv = 0, a = 0;

	for (size_t i = 1; i <= n; i++) {
		if (i < n && ok[i] != 2 && t->s.s[i - 1] != '\n' &&
		    t->s.s[i] != '\n')
			continue;
		XGROW(v, nv, cap);
		v[nv++] = (struct rx_seg){ a, i, 0 };
		a = i;
	}
	*nseg = nv;
	return v;
}

static void
rx_no_break(PangoAttrList *al, size_t a, size_t b)
{
	PangoAttribute *x;

	if (b - a < 2)
		return;
	x = pango_attr_allow_breaks_new(FALSE);
	x->start_index = (guint)a;
	x->end_index = (guint)b;
	pango_attr_list_insert(al, x);
}

/* The style attributes, and allow-breaks false over each stretch. */
static PangoAttrList *
rx_break_attrs(const struct rx_text *t, const unsigned char *ok,
	       const struct rx_seg *seg, size_t nseg, bool mono)
{
	PangoAttrList *al = pango_attr_list_copy(t->attrs);
	PangoAttribute *h = pango_attr_insert_hyphens_new(FALSE);

	if (mono) {
		/* digits of one width: a seal's columns line up */
		PangoAttribute *x = pango_attr_font_features_new("tnum");

		x->start_index = 0;
		x->end_index = (guint)t->s.len;
		pango_attr_list_insert(al, x);
	}

	/* A word broken because it is longer than the line gets no hyphen
	 * that was never in the record. */
	h->start_index = 0;
	h->end_index = (guint)t->s.len;
	pango_attr_list_insert(al, h);
	for (size_t k = 0; k < nseg; k++) {
		size_t a = seg[k].a;

		if (seg[k].loose == 0) {
			rx_no_break(al, a, seg[k].b);
		} else if (seg[k].loose == 1) {
			for (size_t i = a + 1; i <= seg[k].b; i++)
				if (i == seg[k].b || ok[i] == 1) {
					rx_no_break(al, a, i);
					a = i;
				}
		}
	}
	return al;
}

enum rx_align { AL_LEFT, AL_CENTER, AL_RIGHT };

/* Whether a line that ends at byte b was broken there to fit (not at the
 * text's end, a newline or a U+2028 line separator). */
static bool
rx_soft_end(const struct rx_text *t, size_t b)
{
	const char *s = t->s.s;

	if (b == 0 || b >= t->s.len || s[b] == '\n' || s[b - 1] == '\n')
		return false;
	if (b >= 3 && memcmp(s + b - 3, "\xe2\x80\xa8", 3) == 0)
		return false;
	return b + 3 > t->s.len || memcmp(s + b, "\xe2\x80\xa8", 3) != 0;
}

/*
 * A layout of t in font f at width w (pt; <= 0: one line per hard line),
 * broken by our rules. A stretch that cannot fit the width is loosened:
 * first at a SOFT place (inside a phrase or word, before a reading), then
 * wholly; so is one whose start left the line before it under half full.
 */
static PangoLayout *
rx_layout(struct rx *r, const struct rx_text *t, enum rx_font f, double w,
	  enum rx_align align, double spacing)
{
	PangoLayout *l = pango_layout_new(r->pc);
	unsigned char *ok = rx_breaks(r, t);
	size_t nseg;
	struct rx_seg *seg = rx_segments(t, ok, &nseg);

	pango_layout_set_font_description(l, r->font[f]);
	pango_layout_set_text(l, t->s.s, (int)t->s.len);
	pango_layout_set_alignment(l, align == AL_CENTER ? PANGO_ALIGN_CENTER
				   : align == AL_RIGHT ? PANGO_ALIGN_RIGHT
				   : PANGO_ALIGN_LEFT);
	if (spacing > 0)
		pango_layout_set_line_spacing(l, (float)spacing);
	if (w > 0) {
		pango_layout_set_width(l, (int)(w * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	for (int round = 0; round < 5; round++) {
		PangoAttrList *al = rx_break_attrs(t, ok, seg, nseg,
						   f == F_MONO || f == F_BIG_MONO);
		PangoLayoutIter *it;
		bool again = false;

		pango_layout_set_attributes(l, al);
		pango_attr_list_unref(al);
		if (w <= 0)
			break;
		it = pango_layout_get_iter(l);
		do {
			PangoLayoutLine *ln = pango_layout_iter_get_line_readonly(it);
			PangoRectangle lr;
			size_t a = (size_t)ln->start_index;
			size_t b = a + (size_t)ln->length;

			pango_layout_iter_get_line_extents(it, NULL, &lr);
			if (lr.width < w * PANGO_SCALE / 2 &&
			    rx_soft_end(t, b)) {
				/* a line under half full because the phrase
				 * after it is long: that phrase may break
				 * inside (text.h's rule 2) */
				for (size_t k = 0; k < nseg; k++)
					if (seg[k].a == b && seg[k].loose == 0) {
						seg[k].loose = 1;
						again = true;
					}
				continue;
			}
			if (lr.width <= w * PANGO_SCALE + PANGO_SCALE / 2)
				continue;
			for (size_t k = 0; k < nseg; k++)
				if (seg[k].a < b && seg[k].b > a &&
				    seg[k].loose < 2) {
					seg[k].loose++;
					again = true;
				}
		} while (pango_layout_iter_next_line(it));
		pango_layout_iter_free(it);
		if (!again)
			break;
	}
	free(seg);
	free(ok);
	return l;
}

/* Height of a layout's lines (pt). */
static double
rx_height(PangoLayout *l)
{
	PangoRectangle lr;

	pango_layout_get_extents(l, NULL, &lr);
	return (double)lr.height / PANGO_SCALE;
}

static double
rx_line_height(struct rx *r, enum rx_font f)
{
	struct rx_text t;
	PangoLayout *l;
	double h;

	if (r->lineh[f] > 0)
		return r->lineh[f];
	rx_text_init(&t);
	strbuf_addstr(&t.s, "国");
	l = rx_layout(r, &t, f, 0, AL_LEFT, 0);
	h = rx_height(l);
	g_object_unref(l);
	rx_text_done(&t);
	r->lineh[f] = h;
	return h;
}

/* The width of s in font f (pt). A list asks for its marker's width once
 * an item: each answer is kept for the copy. */
static double
rx_text_width(struct rx *r, const char *s, enum rx_font f)
{
	struct rx_text t;
	PangoLayout *l;
	PangoRectangle lr;

	for (size_t i = 0; i < r->nwidths; i++)
		if (r->widths[i].f == f && strcmp(r->widths[i].s, s) == 0)
			return r->widths[i].w;
	rx_text_init(&t);
	rx_text_add(&t, s, false, 0);
	l = rx_layout(r, &t, f, 0, AL_LEFT, 0);
	pango_layout_get_extents(l, NULL, &lr);
	g_object_unref(l);
	rx_text_done(&t);
	XGROW(r->widths, r->nwidths, r->capwidths);
	r->widths[r->nwidths++] = (struct rx_width){
		f, xstrdup(s), (double)lr.width / PANGO_SCALE };
	return r->widths[r->nwidths - 1].w;
}

/*
 * Place a layout's lines at x from the cursor down, a new page whenever the
 * next line does not fit (a paragraph's first line never left alone at the
 * foot of a page). *page0 and *y0 (may be NULL) get where its first line
 * went. Takes the layout over.
 */
static void
rx_flow(struct rx *r, PangoLayout *l, double x, double gray, int *page0,
	double *y0)
{
	/* the layout is let go before the next is made; its lines are kept */
	struct rx_laid *laid = rx_laid_new(l);
	int nl = laid->n, first = 0, i;
	double base = rx_laid_top(laid, 0);

	/* orphan: the first line alone at the foot of a page */
	if (nl > 1 && r->y + (rx_laid_top(laid, 2) - base) > r->bottom)
		rx_need(r, rx_laid_top(laid, 2) - base);
	else
		rx_need(r, rx_laid_top(laid, 1) - base);
	if (page0 != NULL)
		*page0 = r->page;
	if (y0 != NULL)
		*y0 = r->y;
	for (i = 0; i <= nl; i++) {
		bool end = i == nl;

		if (!end && r->y + (rx_laid_top(laid, i + 1) - base) <=
				    r->bottom + 0.01)
			continue;
		if (!end && i == first) { /* one line taller than a page */
			continue;
		}
		{
			struct rx_item *item = rx_item(r, RX_ITEM_TEXT);

			item->x = x;
			item->y = r->y;
			item->laid = rx_laid_ref(laid);
			item->line0 = first;
			item->line1 = i;
			item->gray = gray;
			r->y += rx_laid_top(laid, i) - base;
			rx_use(r, r->y);
		}
		if (end)
			break;
		rx_new_page(r);
		first = i;
		base = rx_laid_top(laid, i);
		i--;
	}
	rx_laid_unref(laid);
}

/* A paragraph of t at x, w wide, in font f. */
static void
rx_para(struct rx *r, const struct rx_text *t, enum rx_font f, double x,
	double w, enum rx_align align, double gray, double after)
{
	rx_flow(r, rx_layout(r, t, f, w, align, 1.15), x, gray, NULL, NULL);
	r->y += after;
}

/* A plain string as a paragraph. */
static void
rx_line(struct rx *r, const char *s, enum rx_font f, double x, double w,
	enum rx_align align, double gray, double after)
{
	struct rx_text t;

	rx_text_init(&t);
	rx_text_add(&t, s, f == F_BOLD || f == F_SMALL_BOLD, 0);
	rx_para(r, &t, f, x, w, align, gray, after);
	rx_text_done(&t);
}

static void
rx_rule(struct rx *r, double x, double w, double thick, double gray)
{
	struct rx_item *it = rx_item(r, RX_ITEM_RULE);

	it->x = x;
	it->y = r->y;
	it->w = w;
	it->h = thick;
	it->gray = gray;
}

static void
rx_box(struct rx *r, int page, double x, double y, double w, double h,
       bool fill, double gray, double line_w)
{
	struct rx_item *it = rx_item(r, RX_ITEM_BOX);

	it->page = page;
	it->x = x;
	it->y = y;
	it->w = w;
	it->h = h;
	it->fill = fill;
	it->gray = gray;
	it->line_w = line_w;
}

/* ---- tables ------------------------------------------------------------- */

struct rx_table {
	size_t ncols, nrows;      /* rows include the header, if any */
	bool header;
	struct rx_text *cells;    /* nrows * ncols */
	enum rx_align *align;     /* per column */
	enum rx_font font, head_font;
	double *fixed;            /* per column: a share of the width to take
				     (0: by content), or NULL */
	int grow;                 /* the column that takes the width left
				     over (-1: none, the table as narrow as
				     its content) */
};

static void
rx_table_init(struct rx_table *tb, size_t ncols, size_t nrows, bool header)
{
	memset(tb, 0, sizeof *tb);
	tb->ncols = ncols;
	tb->nrows = nrows;
	tb->header = header;
	tb->cells = xcalloc(ncols * nrows, sizeof *tb->cells);
	for (size_t i = 0; i < ncols * nrows; i++)
		rx_text_init(&tb->cells[i]);
	tb->align = xcalloc(ncols, sizeof *tb->align);
	tb->font = F_BODY;
	tb->head_font = F_BOLD;
	tb->grow = -1;
}

static void
rx_table_done(struct rx_table *tb)
{
	for (size_t i = 0; i < tb->ncols * tb->nrows; i++)
		rx_text_done(&tb->cells[i]);
	free(tb->cells);
	free(tb->align);
}

static struct rx_text *
rx_cell(struct rx_table *tb, size_t row, size_t col)
{
	return &tb->cells[row * tb->ncols + col];
}

/* A table that cannot fit its columns: each row a block of "header: value"
 * lines, rows between rules. */
static void
rx_table_blocks(struct rx *r, const struct rx_table *tb, double x, double w)
{
	for (size_t row = tb->header ? 1 : 0; row < tb->nrows; row++) {
		RX_KEEP(r, {
			rx_rule(r, x, w, 0.4, 0.6);
			r->y += 3;
			for (size_t c = 0; c < tb->ncols; c++) {
				struct rx_text t;
				const struct rx_text *cell = &tb->cells[row * tb->ncols + c];

				rx_text_init(&t);
				if (tb->header) {
					rx_text_add(&t, tb->cells[c].s.s, true, 0);
					rx_text_add(&t, r->m->lang != NULL &&
						    strcmp(r->m->lang, "ja") == 0
						    ? "：" : ": ", true, 0);
				}
				{
					size_t off = t.s.len;

					strbuf_add(&t.s, cell->s.s, cell->s.len);
					/* the cell's styles, moved along */
					pango_attr_list_splice(t.attrs, cell->attrs,
							       (int)off,
							       (int)cell->s.len);
					for (size_t k = 0; k < cell->natoms; k++) {
						XGROW(t.atoms, t.natoms, t.capatoms);
						t.atoms[t.natoms++] = (struct rx_atom){
							cell->atoms[k].start + off,
							cell->atoms[k].mid + off,
							cell->atoms[k].end + off };
					}
				}
				rx_para(r, &t, tb->font, x, w, AL_LEFT, 0, 1);
				rx_text_done(&t);
			}
			r->y += 2;
		});
	}
	rx_rule(r, x, w, 0.4, 0.6);
	r->y += 4;
}

#define RX_CELL_SPACING 1.1

/* The max-content width of a cell: its layout unbroken, *l (kept for
 * rx_cell_min, or to be placed as it is: its lines and spacing are those
 * of the cell laid out in a column it fits, left-aligned). */
static double
rx_cell_max(struct rx *r, const struct rx_text *t, enum rx_font f,
	    PangoLayout **l)
{
	PangoRectangle lr;

	*l = rx_layout(r, t, f, 0, AL_LEFT, RX_CELL_SPACING);
	pango_layout_get_extents(*l, NULL, &lr);
	return (double)lr.width / PANGO_SCALE;
}

/* The min-content width of the cell laid out in l, max-content wide: the
 * widest stretch that may not break. */
static double
rx_cell_min(PangoLayout *l, double maxw)
{
	PangoRectangle lr;
	double minw;

	pango_layout_set_width(l, 1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD);
	pango_layout_get_extents(l, NULL, &lr);
	minw = (double)lr.width / PANGO_SCALE;
	return minw < maxw ? minw : maxw;
}

#define RX_PAD 3.0

/* Whether every line of l runs left to right (a right-to-left line sits at
 * the right of its column). */
static bool
rx_ltr(PangoLayout *l)
{
	for (GSList *ln = pango_layout_get_lines_readonly(l); ln != NULL;
	     ln = ln->next)
		if (((PangoLayoutLine *)ln->data)->resolved_dir !=
		    PANGO_DIRECTION_LTR)
			return false;
	return true;
}

/* The layouts of a row's cells (caller places them); returns its height
 * with padding. A cell whose unbroken layout (spare, from rx_cell_max;
 * may be NULL) fits its column, left-aligned and left to right, is placed
 * as it is: laid out again at the column's width, it would break nowhere. */
static double
rx_table_cells(struct rx *r, const struct rx_table *tb, size_t row,
	       const double *colw, bool head, PangoLayout **ls,
	       PangoLayout **spare, const double *cmax)
{
	double h = 0;

	for (size_t c = 0; c < tb->ncols; c++) {
		if (spare != NULL && spare[c] != NULL &&
		    tb->align[c] == AL_LEFT && cmax[c] <= colw[c] &&
		    rx_ltr(spare[c])) {
			ls[c] = spare[c];
			spare[c] = NULL;
		} else {
			ls[c] = rx_layout(r, &tb->cells[row * tb->ncols + c],
					  head ? tb->head_font : tb->font,
					  colw[c], tb->align[c],
					  RX_CELL_SPACING);
		}
		if (rx_height(ls[c]) > h)
			h = rx_height(ls[c]);
	}
	return h + 2 * RX_PAD;
}

/* One row of a table at the cursor (ls and h from rx_table_cells, taken
 * over): cells, then its rule. */
static void
rx_table_row(struct rx *r, const struct rx_table *tb, PangoLayout **ls,
	     double h, const double *colx, double x, double w, bool head)
{
	double y;

	h -= 2 * RX_PAD;
	y = r->y;
	if (head && !r->p->roll)
		rx_box(r, r->page, x, y, w, h + 2 * RX_PAD, true, 0.92, 0);
	for (size_t c = 0; c < tb->ncols; c++) {
		r->y = y + RX_PAD;
		rx_flow(r, ls[c], colx[c], 0, NULL, NULL);
	}
	r->y = y + h + 2 * RX_PAD;
	rx_use(r, r->y);
	rx_rule(r, x, w, head ? 0.6 : 0.3, head ? 0.2 : 0.6);
}

/* The font of a table's row: its header's or its body's. */
static enum rx_font
rx_cell_font(const struct rx_table *tb, size_t row)
{
	return tb->header && row == 0 ? tb->head_font : tb->font;
}

static void
rx_table(struct rx *r, const struct rx_table *tb, double x, double w)
{
	double *minw = xcalloc(tb->ncols, sizeof *minw);
	double *maxw = xcalloc(tb->ncols, sizeof *maxw);
	double *colw = xcalloc(tb->ncols, sizeof *colw);
	double *colx = xcalloc(tb->ncols, sizeof *colx);
	double avail = w - (double)tb->ncols * 2 * RX_PAD;
	double smin = 0, smax = 0, total = 0, xx;
	PangoLayout **ls, *hs[64];
	bool blocks = tb->ncols > 64;
	PangoLayout **ml = xcalloc(tb->ncols * tb->nrows, sizeof *ml);
	double *cmax = xcalloc(tb->ncols * tb->nrows, sizeof *cmax);

	/* every cell's max-content width; its min-content width only when the
	 * columns cannot all take theirs */
	for (size_t c = 0; c < tb->ncols; c++) {
		for (size_t row = 0; row < tb->nrows; row++) {
			size_t i = row * tb->ncols + c;

			cmax[i] = rx_cell_max(r, &tb->cells[i],
					      rx_cell_font(tb, row), &ml[i]);
			if (cmax[i] > maxw[c])
				maxw[c] = cmax[i];
		}
		smax += maxw[c];
	}
	if (!blocks && (tb->fixed != NULL || smax > avail))
		for (size_t c = 0; c < tb->ncols; c++) {
			for (size_t row = 0; row < tb->nrows; row++) {
				size_t i = row * tb->ncols + c;
				double a = cmax[i];

				/* a short cell (a word, a number, 不正解) is
				 * never broken: one character a line is no
				 * column */
				if (a > 4 * r->size[rx_cell_font(tb, row)]) {
					a = rx_cell_min(ml[i], a);
					g_object_unref(ml[i]); /* rewrapped */
					ml[i] = NULL;
				}
				if (a > minw[c])
					minw[c] = a;
			}
			smin += minw[c];
		}
	if (blocks) {
		/* more columns than any page holds */
	} else if (tb->fixed != NULL) {
		for (size_t c = 0; c < tb->ncols; c++)
			colw[c] = tb->fixed[c] * avail;
		for (size_t c = 0; c < tb->ncols; c++)
			if (colw[c] + 0.5 < minw[c])
				blocks = true;
	} else if (smax <= avail) {
		for (size_t c = 0; c < tb->ncols; c++)
			colw[c] = maxw[c];
		if (tb->grow >= 0 && (size_t)tb->grow < tb->ncols)
			colw[tb->grow] += avail - smax;
	} else if (smin > avail) {
		blocks = true;
	} else {
		for (size_t c = 0; c < tb->ncols; c++)
			colw[c] = minw[c] + (maxw[c] - minw[c]) *
				  (avail - smin) / (smax - smin);
	}
	if (blocks) {
		rx_table_blocks(r, tb, x, w);
		goto done;
	}
	xx = x;
	for (size_t c = 0; c < tb->ncols; c++) {
		colx[c] = xx + RX_PAD;
		colw[c] = floor(colw[c] * 100) / 100 + 0.01;
		xx += colw[c] + 2 * RX_PAD;
		total += colw[c] + 2 * RX_PAD;
	}
	if (total > w)
		total = w;
	ls = xcalloc(tb->ncols, sizeof *ls);
	for (size_t row = tb->header ? 1 : 0; row < tb->nrows; row++) {
		double h = rx_table_cells(r, tb, row, colw, false, ls,
					  &ml[row * tb->ncols],
					  &cmax[row * tb->ncols]);
		bool top = row == (tb->header ? 1u : 0u);

		if (tb->header) {
			/* the header goes with the first row, and again at the
			 * top of each page the table goes on to */
			if (top || r->y + h > r->bottom) {
				double hh = rx_table_cells(r, tb, 0, colw, true,
							   hs, top ? ml : NULL,
							   cmax);

				rx_need(r, hh + h);
				rx_rule(r, x, total, 0.6, 0.2);
				rx_table_row(r, tb, hs, hh, colx, x, total, true);
			}
		} else {
			rx_need(r, h);
			if (top || r->y == r->top)
				rx_rule(r, x, total, 0.6, 0.2);
		}
		rx_table_row(r, tb, ls, h, colx, x, total, false);
	}
	free(ls);
	r->y += 6;
done:
	for (size_t i = 0; i < tb->ncols * tb->nrows; i++)
		if (ml[i] != NULL)
			g_object_unref(ml[i]);
	free(ml);
	free(cmax);
	free(minw);
	free(maxw);
	free(colw);
	free(colx);
}

/* ---- content nodes (the appendix, quiz prompts) -------------------------- */

static void rx_nodes(struct rx *r, const struct content_node *nodes, size_t n,
		     double x, double w);

static void
rx_inline_para(struct rx *r, const struct content_inline *in, enum rx_font f,
	       bool bold, double x, double w, double after)
{
	struct rx_text t;

	rx_text_init(&t);
	rx_text_inline(&t, in, bold);
	rx_para(r, &t, f, x, w, AL_LEFT, 0, after);
	rx_text_done(&t);
}

/*
 * A marker (a list's bullet or number, Q., A.) at x on page, y: where the
 * first line of what it marks went. It goes into the list at index at,
 * before what it marks, so that it comes first in the PDF too: a reader
 * that extracts the text (pdftotext, a screen reader, copy and paste) gets
 * "1. text", not the text and then "1.".
 */
static void
rx_marker(struct rx *r, size_t at, const char *marker, bool bold, int page,
	  double x, double y)
{
	struct rx_text t;
	struct rx_item *it, copy;

	rx_text_init(&t);
	rx_text_add(&t, marker, bold, 0);
	it = rx_item(r, RX_ITEM_TEXT);
	it->page = page;
	it->x = x;
	it->y = y;
	it->laid = rx_laid_new(rx_layout(r, &t, bold ? F_BOLD : F_BODY, 0,
					 AL_LEFT, 1.15));
	it->line0 = 0;
	it->line1 = 1;
	rx_text_done(&t);
	if (at < r->n - 1) {
		copy = *it;
		memmove(&r->items[at + 1], &r->items[at],
			(r->n - 1 - at) * sizeof *r->items);
		r->items[at] = copy;
	}
}

/* A hanging block: the body at x + indent, its marker at x on its first
 * line. Takes body over. */
static void
rx_hang(struct rx *r, const char *marker, bool bold, double x, double indent,
	double w, const struct rx_text *body, enum rx_font f)
{
	struct rx_text t;
	size_t off;
	PangoLayout *l;
	PangoTabArray *tabs;
	double gap = 0.35 * r->size[f];
	double mw = rx_text_width(r, marker, bold ? F_BOLD : f) + gap;

	/*
	 * One paragraph: a tab, the marker (right-aligned at a tab stop just
	 * before the indent, so numbers line up on their point as in a book
	 * and the gap after any marker is the same small one: a text
	 * extractor then reads "1. text", not two columns), a tab to the
	 * indent, the body; lines after the first hang at the indent (a
	 * negative indent in pango). The body's line breaks are U+2028
	 * (rx_text_add): a new paragraph would not hang.
	 */
	if (mw > indent)
		indent = mw;
	rx_text_init(&t);
	strbuf_addch(&t.s, '\t');
	rx_text_add(&t, marker, bold, 0);
	strbuf_addch(&t.s, '\t');
	off = t.s.len;
	strbuf_add(&t.s, body->s.s, body->s.len);
	pango_attr_list_splice(t.attrs, body->attrs, (int)off,
			       (int)body->s.len);
	for (size_t k = 0; k < body->natoms; k++) {
		XGROW(t.atoms, t.natoms, t.capatoms);
		t.atoms[t.natoms++] = (struct rx_atom){
			body->atoms[k].start + off, body->atoms[k].mid + off,
			body->atoms[k].end + off };
	}
	t.hang_at = off;
	l = rx_layout(r, &t, f, w, AL_LEFT, 1.15);
	pango_layout_set_indent(l, (int)(-indent * PANGO_SCALE));
	tabs = pango_tab_array_new_with_positions(2, FALSE,
		PANGO_TAB_RIGHT, (int)((indent - gap) * PANGO_SCALE),
		PANGO_TAB_LEFT, (int)(indent * PANGO_SCALE));
	pango_layout_set_tabs(l, tabs);
	pango_tab_array_free(tabs);
	rx_flow(r, l, x, 0, NULL, NULL);
	rx_text_done(&t);
}

/* Where the first text placed since item n went (for a marker); the cursor
 * when nothing was. */
static void
rx_first_since(const struct rx *r, size_t n, int *page, double *y)
{
	for (size_t k = n; k < r->n; k++)
		if (r->items[k].kind == RX_ITEM_TEXT) {
			*page = r->items[k].page;
			*y = r->items[k].y;
			return;
		}
}

static void
rx_list(struct rx *r, const struct content_node *nd, double x, double w)
{
	double em = r->size[F_BODY];

	for (size_t i = 0; i < nd->nitems; i++) {
		const struct content_item *it = &nd->items[i];
		char marker[32];
		double indent = nd->ordered ? 2.0 * em : 1.2 * em;
		struct rx_text t;

		if (nd->ordered)
			snprintf(marker, sizeof marker, "%d.",
				 nd->start + (int)i);
		else
			snprintf(marker, sizeof marker, "%s",
				 it->checked == 1 ? "☑" : it->checked == 0
				 ? "☐" : "・");
		rx_text_init(&t);
		rx_text_inline(&t, &it->text, false);
		rx_hang(r, marker, false, x, indent, w, &t, F_BODY);
		rx_text_done(&t);
		r->y += 2;
	}
	r->y += 0.4 * em;
}

static void
rx_content_table(struct rx *r, const struct content_node *nd, double x,
		 double w)
{
	const struct content_table *ct = &nd->table;
	struct rx_table tb;

	rx_table_init(&tb, ct->ncols, ct->nrows, true);
	for (size_t c = 0; c < ct->ncols; c++)
		tb.align[c] = ct->align[c] == CONTENT_ALIGN_RIGHT ? AL_RIGHT
			      : ct->align[c] == CONTENT_ALIGN_CENTER ? AL_CENTER
			      : AL_LEFT;
	for (size_t row = 0; row < ct->nrows; row++)
		for (size_t c = 0; c < ct->ncols; c++)
			rx_text_inline(rx_cell(&tb, row, c),
				       &ct->cells[row * ct->ncols + c], row == 0);
	r->y += 2;
	rx_table(r, &tb, x, w);
	rx_table_done(&tb);
}

/* A callout: its label, the body indented, a bar down its left side on
 * every page it covers (a thick one for a warning). */
static void
rx_callout(struct rx *r, const struct content_node *nd, double x, double w)
{
	bool warn = nd->callout == CONTENT_CALLOUT_WARNING;
	double em = r->size[F_BODY], pad = 0.9 * em, bar = warn ? 2.2 : 1.0;
	bool ja = strcmp(r->m->content_lang, "ja") == 0;
	int page0;
	double y0;
	char label[64];

	/* On paper a label, not the terminal's [!] and [i]: a warning's
	 * in white on black, a note's in bold. */
	snprintf(label, sizeof label, "%s",
		 warn ? (ja ? "注意" : "Warning") : (ja ? "メモ" : "Note"));
	r->y += 2;
	rx_need(r, rx_line_height(r, F_BOLD) * 2.5);
	page0 = r->page;
	y0 = r->y;
	if (warn) {
		double lh = rx_line_height(r, F_BOLD);

		rx_box(r, r->page, x + pad, r->y, rx_text_width(r, label, F_BOLD)
		       + 0.8 * em, lh, true, 0, 0);
		rx_line(r, label, F_BOLD, x + pad + 0.4 * em, w - pad, AL_LEFT,
			1, 3);
	} else {
		rx_line(r, label, F_BOLD, x + pad, w - pad, AL_LEFT, 0, 1);
	}
	rx_nodes(r, nd->children, nd->nchildren, x + pad, w - pad);
	for (int p = page0; p <= r->page; p++) {
		double top = p == page0 ? y0 : r->top;
		double bot = p == r->page ? r->y - 2 : r->used[p];

		rx_box(r, p, x, top, bar, bot - top, true, warn ? 0 : 0.45, 0);
	}
	r->y += 0.5 * em;
}

static void
rx_heading(struct rx *r, const struct content_inline *in, int level, double x,
	   double w)
{
	enum rx_font f = level <= 1 ? F_H1 : level == 2 ? F_H2 : F_BOLD;

	r->y += level <= 2 ? 0.6 * r->size[F_BODY] : 0.3 * r->size[F_BODY];
	rx_need(r, rx_line_height(r, f) + 3 * rx_line_height(r, F_BODY));
	rx_inline_para(r, in, f, true, x, w, 0.3 * r->size[F_BODY]);
}

static void
rx_nodes(struct rx *r, const struct content_node *nodes, size_t n, double x,
	 double w)
{
	double em = r->size[F_BODY];

	for (size_t i = 0; i < n; i++) {
		const struct content_node *nd = &nodes[i];

		switch (nd->kind) {
		case CONTENT_HEADING:
			rx_heading(r, &nd->text, nd->level + 1, x, w);
			break;
		case CONTENT_PARAGRAPH:
			rx_inline_para(r, &nd->text, F_BODY, false, x, w,
				       0.5 * em);
			break;
		case CONTENT_LIST:
			rx_list(r, nd, x, w);
			break;
		case CONTENT_TABLE:
			rx_content_table(r, nd, x, w);
			break;
		case CONTENT_CALLOUT:
			rx_callout(r, nd, x, w);
			break;
		case CONTENT_QA: {
			struct rx_text t;
			double ind = 1.8 * em;

			rx_text_init(&t);
			rx_text_inline(&t, &nd->text, true);
			rx_need(r, 3 * rx_line_height(r, F_BODY));
			rx_hang(r, "Q.", true, x, ind, w, &t, F_BOLD);
			rx_text_done(&t);
			r->y += 2;
			{
				size_t n0 = r->n;
				int page = r->page;
				double y = r->y;

				rx_nodes(r, nd->children, nd->nchildren, x + ind,
					 w - ind);
				rx_first_since(r, n0, &page, &y);
				rx_marker(r, n0, "A.", true, page, x, y);
			}
			r->y += 0.3 * em;
			break;
		}
		case CONTENT_QUESTION:
		case CONTENT_STATEMENT:
		case CONTENT_ENTRY:
			rx_nodes(r, nd->children, nd->nchildren, x, w);
			break;
		}
	}
}

/* ---- the sections of the copy ------------------------------------------- */

static void
rx_section(struct rx *r, const char *title)
{
	double em = r->size[F_BODY];

	r->y += 1.1 * em;
	rx_need(r, rx_line_height(r, F_H1) + 4 * rx_line_height(r, F_BODY));
	rx_use(r, 0);
	r->head = (struct rx_mark_head){ r->n, r->noutline, r->page, r->y,
					 r->used[r->page], true };
	rx_outline(r, 1, title);
	rx_line(r, title, F_H1, r->left, r->width, AL_LEFT, 0, 2);
	rx_rule(r, r->left, r->width, 0.8, 0);
	r->y += 0.6 * em;
}

/* Label/value rows: the fields of the session, of a signature, of the
 * seal. */
static void
rx_fields(struct rx *r, const struct receipt_field *f, size_t n,
	  enum rx_font font, enum rx_font vfont, double x, double w)
{
	struct rx_table tb;
	double fixed[2] = { r->p->roll ? 0.34 : 0.26, r->p->roll ? 0.66 : 0.74 };

	rx_table_init(&tb, 2, n, false);
	tb.font = font;
	tb.fixed = fixed;
	for (size_t i = 0; i < n; i++) {
		rx_text_add(rx_cell(&tb, i, 0), f[i].label, false, 0.3);
		rx_text_add(rx_cell(&tb, i, 1), f[i].value, vfont == F_BOLD, 0);
	}
	if (vfont == F_MONO || vfont == F_BIG) {
		/* the value column in its own font: set per cell */
		for (size_t i = 0; i < n; i++) {
			PangoFontDescription *d = r->font[vfont];

			rx_attr(rx_cell(&tb, i, 1), pango_attr_font_desc_new(d),
				0, rx_cell(&tb, i, 1)->s.len);
			if (vfont == F_MONO)
				rx_attr(rx_cell(&tb, i, 1),
					pango_attr_font_features_new("tnum"), 0,
					rx_cell(&tb, i, 1)->s.len);
		}
	}
	rx_table(r, &tb, x, w);
	rx_table_done(&tb);
}

static void
rx_qr(struct rx *r, double x, double side)
{
	struct rx_item *it = rx_item(r, RX_ITEM_QR);

	it->x = x;
	it->y = r->y;
	it->w = side;
	it->h = side;
	r->y += side;
	rx_use(r, r->y);
}

static void
rx_head(struct rx *r)
{
	const struct receipt_model *m = r->m;
	char *code = xasprintf("%s%s%s", m->L[RX_CODE],
			       strcmp(m->lang, "ja") == 0 ? "：" : ": ", m->code);
	double qr = r->p->qr, gap = 4 * MM;
	double w = r->p->roll ? r->width : r->width - qr - gap;
	enum rx_align al = r->p->roll ? AL_CENTER : AL_LEFT;
	double y0 = r->y;

	if (m->clinic != NULL)
		rx_line(r, m->clinic, F_H2, r->left, w, al, 0, 2);
	rx_outline(r, 1, m->L[RX_TITLE]);
	rx_line(r, m->L[RX_TITLE], F_TITLE, r->left, w, al, 0, 6);
	rx_line(r, code, F_BIG_MONO, r->left, w, al, 0, 4);
	if (!r->p->roll) {
		double y1 = r->y;

		r->y = y0;
		rx_qr(r, r->left + r->width - qr, qr);
		rx_line(r, m->L[RX_QR_NOTE], F_SMALL, r->left + r->width - qr,
			qr, AL_CENTER, 0.3, 0);
		if (y1 > r->y)
			r->y = y1;
	}
	free(code);
	if (!m->completed) {
		int page;
		double y, pad = 5;

		r->y += 6;
		RX_KEEP(r, {
			page = r->page;
			y = r->y;
			r->y += pad;
			rx_line(r, m->L[RX_NOT_DONE], F_BOLD, r->left + pad,
				r->width - 2 * pad, AL_LEFT, 0, 0);
			r->y += pad;
			rx_box(r, page, r->left, y, r->width, r->y - y, false, 0,
			       1.6);
		});
	}
}

static void
rx_statements(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY], ind = 2 * em;
	bool guardian = false;

	rx_section(r, m->L[RX_SEC_STMTS]);
	rx_line(r, m->L[RX_STMTS_NOTE], F_SMALL, r->left, r->width, AL_LEFT,
		0.3, 0.6 * em);
	if (m->nstmts == 0)
		rx_line(r, m->L[RX_NONE], F_BODY, r->left, r->width, AL_LEFT, 0,
			0.5 * em);
	for (size_t i = 0; i < m->nstmts; i++)
		guardian |= m->stmts[i].guardian;
	for (size_t i = 0; i < m->nstmts; i++) {
		const struct receipt_stmt *st = &m->stmts[i];
		char num[32], *when = xasprintf("%s%s%s", m->L[RX_CONFIRMED],
						strcmp(m->lang, "ja") == 0
						? "：" : ": ", st->at);
		/* who confirmed: a heading where the signer changes, when a
		 * guardian confirmed some statements */
		bool head = guardian && (i == 0 ||
					 st->guardian != m->stmts[i - 1].guardian);

		snprintf(num, sizeof num, "%zu.", i + 1);
		RX_KEEP(r, {
			struct rx_text t;

			if (head) {
				r->y += i > 0 ? 0.5 * em : 0;
				rx_outline(r, 2, st->guardian ? m->by_guardian
					   : m->by_patient);
				rx_line(r, st->guardian ? m->by_guardian
					: m->by_patient, F_H2, r->left,
					r->width, AL_LEFT, 0, 0.4 * em);
			}
			rx_text_init(&t);
			rx_text_add(&t, st->text, false, 0);
			rx_hang(r, num, true, r->left, ind, r->width, &t, F_BODY);
			rx_text_done(&t);
			r->y += 1;
			if (st->reshown)
				rx_line(r, m->L[RX_RESHOWN], F_SMALL_BOLD,
					r->left + ind, r->width - ind, AL_LEFT,
					0.3, 1);
			rx_line(r, when, F_SMALL, r->left + ind, r->width - ind,
				AL_LEFT, 0.3, 0.7 * em);
		});
		free(when);
	}
}

static void
rx_quiz(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY], qind;
	/* the same columns for every question */
	double quiz_cols[2][4] = { { 0.07, 0.52, 0.13, 0.28 },
				   { 0.08, 0.43, 0.17, 0.32 } };

	if (m->nquestions == 0)
		return;
	/* room for the widest marker, "Q14." */
	{
		char num[32];

		snprintf(num, sizeof num, "Q%zu.", m->nquestions);
		qind = rx_text_width(r, num, F_BOLD) + 0.6 * em;
		if (qind < 2.4 * em)
			qind = 2.4 * em;
	}
	rx_section(r, m->L[RX_SEC_QUIZ]);
	for (size_t i = 0; i < m->nquestions; i++) {
		const struct receipt_question *q = &m->questions[i];
		struct rx_table tb;

		rx_table_init(&tb, 4, q->n + 1, true);
		rx_text_add(rx_cell(&tb, 0, 0), m->L[RX_ATTEMPT], true, 0);
		rx_text_add(rx_cell(&tb, 0, 1), m->L[RX_ANSWER], true, 0);
		rx_text_add(rx_cell(&tb, 0, 2), m->L[RX_RESULT], true, 0);
		rx_text_add(rx_cell(&tb, 0, 3), m->L[RX_TIME], true, 0);
		tb.align[0] = AL_CENTER;
		tb.fixed = quiz_cols[r->p->roll];
		tb.font = F_SMALL;
		tb.head_font = F_SMALL_BOLD;
		for (size_t k = 0; k < q->n; k++) {
			char num[16];

			snprintf(num, sizeof num, "%d", q->v[k].attempt);
			rx_text_add(rx_cell(&tb, k + 1, 0), num, false, 0);
			rx_text_add(rx_cell(&tb, k + 1, 1), q->v[k].choice, false,
				    0);
			rx_text_add(rx_cell(&tb, k + 1, 2), q->v[k].correct
				    ? m->L[RX_RIGHT] : m->L[RX_WRONG],
				    !q->v[k].correct, 0);
			/* on the roll's narrow column the time goes on two
			 * lines, date and time: never the offset alone */
			char *at = xstrdup(q->v[k].at), *sp = strrchr(at, ' ');

			if (r->p->roll && sp != NULL) {
				*sp = '\0';
				rx_text_add(rx_cell(&tb, k + 1, 3), at, false, 0);
				rx_text_add(rx_cell(&tb, k + 1, 3), "\u00a0", false, 0);
				rx_text_add(rx_cell(&tb, k + 1, 3), sp + 1, false, 0);
			} else {
				rx_text_add(rx_cell(&tb, k + 1, 3), at, false, 0);
			}
			free(at);
		}
		RX_KEEP(r, {
			char num[32];

			snprintf(num, sizeof num, "Q%zu.", i + 1);
			if (q->prompt != NULL) {
				size_t n0 = r->n;
				int page = r->page;
				double y = r->y, ind = qind;

				rx_nodes(r, q->prompt, q->nprompt, r->left + ind,
					 r->width - ind);
				rx_first_since(r, n0, &page, &y);
				rx_marker(r, n0, num, true, page, r->left, y);
			} else {
				char *s = xasprintf("%s %s", num, q->id);

				rx_line(r, s, F_BOLD, r->left, r->width, AL_LEFT,
					0, 3);
				free(s);
			}
			rx_table(r, &tb, r->left + qind, r->width - qind);
		});
		rx_table_done(&tb);
		r->y += 0.4 * em;
	}
}

/* ---- a follow-up's answers ---------------------------------------------- */

/* A follow-up answer's text (receipt_text) added to t: the frozen file's
 * nodes (paragraphs, a list's items, one a line) or inline text, ruby in
 * parentheses as elsewhere on the copy; else the string as recorded. */
static void
rx_text_of(struct rx_text *t, const struct receipt_text *x, bool bold)
{
	bool first = true;

	if (x->in != NULL) {
		rx_text_inline(t, x->in, bold);
		return;
	}
	if (x->nodes == NULL) {
		rx_text_add(t, x->s != NULL ? x->s : "-", bold, 0);
		return;
	}
	for (size_t i = 0; i < x->n; i++) {
		const struct content_node *nd = &x->nodes[i];

		if (nd->kind == CONTENT_PARAGRAPH ||
		    nd->kind == CONTENT_HEADING) {
			if (!first)
				rx_text_add(t, "\n", bold, 0);
			rx_text_inline(t, &nd->text, bold);
			first = false;
		} else if (nd->kind == CONTENT_LIST) {
			for (size_t k = 0; k < nd->nitems; k++) {
				if (!first)
					rx_text_add(t, "\n", bold, 0);
				rx_text_inline(t, &nd->items[k].text, bold);
				first = false;
			}
		}
	}
	if (first)
		rx_text_add(t, "-", bold, 0);
}

/* "LABEL: value" in the copy's language. */
static char *
rx_labelled(const struct rx *r, const char *label, const char *v)
{
	return xasprintf("%s%s%s", label, strcmp(r->m->lang, "ja") == 0
			 ? "：" : ": ", v);
}

/* A section's note, small and gray under its title. */
static void
rx_note(struct rx *r, const char *s)
{
	rx_line(r, s, F_SMALL, r->left, r->width, AL_LEFT, 0.3,
		0.6 * r->size[F_BODY]);
}

/* The answers of a list (methods, side effects): one a line, bulleted,
 * a side effect to call about at once marked so in bold. */
static void
rx_answer_list(struct rx *r, const struct receipt_answer *v, size_t n)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY];

	for (size_t i = 0; i < n; i++) {
		struct rx_text t;

		rx_text_init(&t);
		rx_text_of(&t, &v[i].text, false);
		if (v[i].urgent) {
			bool ja = strcmp(m->lang, "ja") == 0;

			rx_text_add(&t, ja ? "（" : " (", true, 0);
			rx_text_add(&t, m->L[RX_CALL_NOW], true, 0);
			rx_text_add(&t, ja ? "）" : ")", true, 0);
		}
		RX_KEEP(r, rx_hang(r, "・", false, r->left, 1.2 * em, r->width,
				   &t, F_BODY));
		rx_text_done(&t);
		r->y += 2;
	}
	r->y += 0.3 * em;
}

static void
rx_methods(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY];

	if (!m->methods_asked)
		return;
	rx_section(r, m->L[RX_SEC_METHODS]);
	rx_note(r, m->L[RX_METHODS_NOTE]);
	if (m->nmethods == 0 && m->methods_verdict != NULL)
		rx_line(r, m->L[RX_METHODS_NONE], F_BODY, r->left, r->width,
			AL_LEFT, 0, 0.5 * em);
	rx_answer_list(r, m->methods, m->nmethods);
	rx_line(r, m->methods_verdict != NULL ? m->methods_verdict
		: m->L[RX_NOTHING_KEPT],
		m->methods_verdict == m->L[RX_METHODS_MET] ||
		m->methods_verdict == NULL ? F_BODY : F_BOLD, r->left, r->width,
		AL_LEFT, 0, 0.5 * em);
}

static void
rx_mood(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY];
	double cols[2][3] = { { 0.55, 0.33, 0.12 }, { 0.46, 0.34, 0.20 } };
	struct rx_table tb;
	char *total;

	if (m->nmood == 0) {
		rx_section(r, m->L[RX_SEC_MOOD]);
		rx_note(r, m->L[RX_MOOD_NOTE]);
		rx_line(r, m->L[RX_NOTHING_KEPT], F_BODY, r->left, r->width,
			AL_LEFT, 0, 0.5 * em);
		return;
	}
	rx_table_init(&tb, 3, m->nmood + 1, true);
	rx_text_add(rx_cell(&tb, 0, 0), m->L[RX_QUESTION], true, 0);
	rx_text_add(rx_cell(&tb, 0, 1), m->L[RX_ANSWER], true, 0);
	rx_text_add(rx_cell(&tb, 0, 2), m->L[RX_POINTS], true, 0);
	tb.align[2] = AL_CENTER;
	tb.fixed = cols[r->p->roll];
	for (size_t i = 0; i < m->nmood; i++) {
		char num[16];

		snprintf(num, sizeof num, "%d", m->mood[i].score);
		rx_text_of(rx_cell(&tb, i + 1, 0), &m->mood[i].text, false);
		rx_text_of(rx_cell(&tb, i + 1, 1), &m->mood[i].choice, false);
		rx_text_add(rx_cell(&tb, i + 1, 2), num, false, 0);
	}
	total = rx_labelled(r, m->L[RX_MOOD_TOTAL], m->mood_total);
	/* a short table: kept on one page with its title and its total */
	RX_KEEP(r, {
		rx_section(r, m->L[RX_SEC_MOOD]);
		rx_note(r, m->L[RX_MOOD_NOTE]);
		rx_table(r, &tb, r->left, r->width);
		r->y += 3;
		rx_line(r, total, F_BOLD, r->left, r->width, AL_LEFT, 0,
			0.5 * em);
	});
	free(total);
	rx_table_done(&tb);
}

static void
rx_effects(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY];

	rx_section(r, m->L[RX_SEC_EFFECTS]);
	rx_note(r, m->L[RX_EFFECTS_NOTE]);
	if (m->neffects == 0)
		rx_line(r, m->completed ? m->L[RX_EFFECTS_NONE]
			: m->L[RX_NOTHING_KEPT], F_BODY, r->left, r->width,
			AL_LEFT, 0, 0.5 * em);
	rx_answer_list(r, m->effects, m->neffects);
}

/* Each flag a block: how urgent and where from, what it is about, when
 * staff were told and who saw it when. */
static void
rx_flags(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY], pad = 6;

	if (m->nflags == 0)
		return;
	rx_section(r, m->L[RX_SEC_FLAGS]);
	rx_note(r, m->L[RX_FLAGS_NOTE]);
	for (size_t i = 0; i < m->nflags; i++) {
		const struct receipt_flag *f = &m->flags[i];
		struct receipt_field fl[3] = {
			{ m->L[RX_FLAG_RAISED], f->at },
			{ m->L[RX_FLAG_SEEN], f->seen_by },
			{ m->L[RX_FLAG_SEEN_AT], f->seen_at },
		};
		char *head = rx_labelled(r, f->urgent ? m->L[RX_FLAG_URGENT]
					 : m->L[RX_FLAG_STAFF], f->source);

		RX_KEEP(r, {
			int page = r->page;
			double y = r->y;
			struct rx_text t;

			r->y += pad;
			rx_line(r, head, F_BOLD, r->left + pad,
				r->width - 2 * pad, AL_LEFT, 0, 2);
			rx_text_init(&t);
			rx_text_of(&t, &f->what, false);
			rx_para(r, &t, F_BODY, r->left + pad,
				r->width - 2 * pad, AL_LEFT, 0, 4);
			rx_text_done(&t);
			rx_fields(r, fl, f->seen_at != NULL ? 3 : 2, F_SMALL,
				  F_SMALL, r->left + pad, r->width - 2 * pad);
			r->y += pad - 6;
			rx_box(r, page, r->left, y, r->width, r->y - y, false,
			       f->urgent ? 0 : 0.2, f->urgent ? 1.6 : 0.8);
		});
		free(head);
		r->y += 0.6 * em;
	}
}

static void
rx_signatures(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY], pad = 6;

	rx_section(r, m->L[RX_SEC_SIGN]);
	if (m->nsigns == 0)
		rx_line(r, m->L[RX_NO_SIGN], F_BODY, r->left, r->width, AL_LEFT,
			0, 0.5 * em);
	for (size_t i = 0; i < m->nsigns; i++) {
		const struct receipt_sign *sg = &m->signs[i];
		struct receipt_field f[2] = {
			{ m->L[RX_MEANING], sg->meaning },
			{ m->L[RX_SIGNED], sg->at },
		};

		RX_KEEP(r, {
			int page = r->page;
			double y = r->y;

			r->y += pad;
			rx_line(r, sg->role, F_SMALL_BOLD, r->left + pad,
				r->width - 2 * pad, AL_LEFT, 0.3, 1);
			rx_line(r, sg->name, F_BIG, r->left + pad,
				r->width - 2 * pad, AL_LEFT, 0, 4);
			rx_fields(r, f, 2, F_SMALL, F_SMALL, r->left + pad,
				  r->width - 2 * pad);
			r->y += pad - 6;
			rx_box(r, page, r->left, y, r->width, r->y - y, false, 0.2,
			       0.8);
		});
		r->y += 0.6 * em;
	}
	for (size_t i = 0; i < m->nstaff; i++) {
		struct receipt_field f[2] = {
			{ m->L[RX_STAFF_ID], m->staff[i].staff_id },
			{ m->L[RX_SIGNED], m->staff[i].at },
		};

		RX_KEEP(r, {
			rx_line(r, m->L[RX_COUNTERSIGN], F_BOLD, r->left, r->width,
				AL_LEFT, 0, 2);
			rx_fields(r, f, 2, F_SMALL, F_SMALL, r->left, r->width);
		});
	}
}

static void
rx_seal(struct rx *r)
{
	const struct receipt_model *m = r->m;
	char link[32];
	struct receipt_field f[3] = {
		{ m->L[RX_VERSION], m->version },
		{ m->L[RX_SEAL], m->seal },
		{ m->L[RX_LINK], link },
	};

	snprintf(link, sizeof link, "#%lld", (long long)m->seq);
	rx_section(r, m->L[RX_SEC_SEAL]);
	RX_KEEP(r, {
		rx_fields(r, f, 3, F_SMALL, F_MONO, r->left, r->width);
		rx_line(r, m->made, F_SMALL, r->left, r->width, AL_LEFT, 0.3, 6);
		if (r->p->roll) {
			rx_qr(r, r->left + (r->width - r->p->qr) / 2, r->p->qr);
			rx_line(r, m->L[RX_QR_NOTE], F_SMALL, r->left, r->width,
				AL_CENTER, 0.3, 0);
		}
	});
}

static void
rx_appendix(struct rx *r)
{
	const struct receipt_model *m = r->m;
	double em = r->size[F_BODY];

	if (!r->p->roll && r->y > r->top + 0.5)
		rx_new_page(r);
	rx_section(r, m->L[RX_APPENDIX]);
	rx_line(r, m->appendix_note, F_SMALL, r->left, r->width, AL_LEFT, 0.3,
		0.6 * em);
	if (m->nscreens == 0)
		rx_line(r, m->L[RX_NONE], F_BODY, r->left, r->width, AL_LEFT, 0,
			0.5 * em);
	for (size_t i = 0; i < m->nscreens; i++) {
		const struct receipt_screen *sc = &m->screens[i];

		r->y += 0.8 * em;
		rx_need(r, rx_line_height(r, F_H1) + 4 * rx_line_height(r, F_BODY));
		rx_outline(r, 2, sc->doc->title != NULL ? sc->doc->title : "");
		rx_inline_para(r, &sc->doc->title_inline, F_H1, true, r->left,
			       r->width, 1);
		rx_line(r, sc->shown, F_SMALL, r->left, r->width, AL_LEFT, 0.3,
			0.5 * em);
		rx_nodes(r, sc->doc->nodes, sc->doc->n, r->left, r->width);
	}
}

/* ---- the appendix, laid out beside the record ------------------------------ */

/*
 * On A4 the appendix begins on a page of its own, so where its lines go
 * does not depend on the pages before it. It is laid out on a thread of its
 * own, with a font map and context of its own (pango's objects are not
 * shared between threads), while the record above it is laid out on this
 * one; its items then go after the record's last page. It is half of a full
 * copy's layout, yet the two threads share cairo's glyph caches and
 * FreeType's face (each behind a lock) and wait on each other: on a 2-core
 * machine a full copy took 14-19 ms less (of 0.23 s), for 1.7 MB more
 * memory (a second font map). The copy is the same as laid out in one go:
 * the unit test makes it both ways and compares the PDFs byte for byte.
 */
static int rx_setup(struct rx *r, const struct receipt_model *m,
		    const struct receipt_opts *o, char **err);
static void rx_done(struct rx *r);
static int rx_draw(struct rx *r, struct strbuf *out, char **err);

/*
 * The copy is drawn by the half that is laid out first, once the other is
 * there. The two threads need not run at one speed: a core of a hybrid
 * processor, or a virtual one whose host is busy. On the machine the
 * benchmark ran on, one core ran a fixed loop 1.4-2 times slower than the
 * other in 129 of 340 moments sampled over 15 minutes. The half that ends
 * first most likely ran on the faster core, and the drawing (a third of
 * the copy, on one thread) is best done there: when the record's thread
 * drew on the slow core, the drawing took 95 ms instead of 55. In those
 * moments the copy took 0.93 times as long (median 163 ms against 177,
 * laid out and drawn); when the cores ran alike, the same.
 */
struct rx_apx {
	struct rx r;
	const struct receipt_model *m;
	const struct receipt_opts *o;
	enum receipt_lay lay;
	char *err;
	int rc;                    /* the appendix's setup */
	atomic_int arrived;        /* halves laid out (or given up) */
	sem_t go;                  /* the record arrived after the appendix */
	sem_t turn;                /* a test's order: the first half arrived */
	/* the record, for an appendix thread that arrived first (rec NULL if
	 * it failed), and what drawing it gave */
	struct rx *rec;
	struct strbuf *out;
	char **rec_err;
	int draw_rc;
	pthread_t thread;
};

/* sem_wait, through signals (a signal's handler interrupts it, whatever
 * its SA_RESTART: the kiosk has handlers). */
static void
rx_sem_wait(sem_t *s)
{
	while (sem_wait(s) != 0 && errno == EINTR)
		;
}

/* Whether the caller's half is laid out first (it draws the copy). In a
 * test's order, the half that goes second waits for the other. */
static bool
rx_arrive(struct rx_apx *a, bool appendix)
{
	bool first;

	if (a->lay == (appendix ? RECEIPT_LAY_RECORD_FIRST
				: RECEIPT_LAY_APPENDIX_FIRST))
		rx_sem_wait(&a->turn);
	first = atomic_fetch_add(&a->arrived, 1) == 0;
	if (a->lay == (appendix ? RECEIPT_LAY_APPENDIX_FIRST
				: RECEIPT_LAY_RECORD_FIRST))
		sem_post(&a->turn);
	return first;
}

/*
 * Drawing the pages takes some 3 MB more of the drawing thread's heap
 * (cairo's recordings, glyph caches and the PDF), and the first touch of
 * each page of memory is a page fault (on the virtual machine the
 * benchmark ran on, 11 us each: 4,096 fresh pages took 45 ms). While the
 * other half is still being laid out, the half that will draw would only
 * wait: it touches that memory now and gives it back to malloc, set to
 * keep it (not trimmed from the heap's top, nor a block this size mapped
 * apart) for the drawing to take: 10-16 ms less a full copy. It stops when
 * the other half is there: from then on it would only move the faults.
 * Only for a process that ends with the copy (receipt_opts.one_shot): the
 * settings are malloc's for the rest of the process.
 */
#define RX_PREFAULT (3u << 20)

static void
rx_prefault(struct rx_apx *a)
{
	unsigned char *p;

	if (!a->o->one_shot || atomic_load(&a->arrived) > 1)
		return;
	mallopt(M_TRIM_THRESHOLD, 4 * RX_PREFAULT);
	mallopt(M_MMAP_THRESHOLD, 2 * RX_PREFAULT);
	p = malloc(RX_PREFAULT);
	if (p == NULL)
		return;
	/* a page at a time, stopping once the other half is there */
	for (size_t i = 0; i < RX_PREFAULT; i += 4096) {
		((volatile unsigned char *)p)[i] = 0;
		if (i % (64 * 4096) == 0 && atomic_load(&a->arrived) > 1)
			break;
	}
	free(p);
}

/* Put the laid-out appendix after r's last page and let a->r go. Returns
 * 0, or -1 with *err (its fonts failed as r's would). */
static int
rx_apx_take(struct rx *r, struct rx_apx *a, char **err)
{
	const struct rx *s = &a->r;
	int off;

	if (a->rc != 0) {
		free(*err);
		*err = a->err;
		a->err = NULL;
		rx_done(&a->r);
		return -1;
	}
	if (r->y > r->top + 0.5)
		rx_new_page(r);
	off = r->page;
	for (size_t i = 0; i < s->n; i++) {
		struct rx_item *it = rx_item(r, s->items[i].kind);

		*it = s->items[i];
		it->page += off;
		a->r.items[i].laid = NULL; /* r's reference now */
	}
	for (size_t i = 0; i < s->noutline; i++)
		rx_outline_at(r, s->outline_level[i], s->outline_text[i],
			      s->outline_page[i] + off, s->outline_y[i]);
	for (int p = 0; p <= s->page; p++) {
		r->page = off + p;
		rx_use(r, (size_t)p < s->capused ? s->used[p] : 0);
	}
	r->y = s->y;
	rx_done(&a->r);
	return 0;
}

static void *
rx_apx_run(void *p)
{
	struct rx_apx *a = p;

	a->rc = rx_setup(&a->r, a->m, a->o, &a->err);
	if (a->rc == 0)
		rx_appendix(&a->r);
	if (!rx_arrive(a, true) || a->rc != 0)
		return NULL;
	/* first: the record's thread draws nothing, and waits for this one */
	rx_prefault(a);
	rx_sem_wait(&a->go);
	if (a->rec != NULL) {
		a->draw_rc = rx_apx_take(a->rec, a, a->rec_err);
		if (a->draw_rc == 0)
			a->draw_rc = rx_draw(a->rec, a->out, a->rec_err);
	}
	return NULL;
}

/* Start laying out m's appendix on its own thread; false if none could be
 * made (the caller lays it out itself). */
static bool
rx_apx_start(struct rx_apx *a, const struct receipt_model *m,
	     const struct receipt_opts *o, enum receipt_lay lay)
{
	memset(a, 0, sizeof *a);
	atomic_init(&a->arrived, 0);
	a->m = m;
	a->o = o;
	a->lay = lay;
	if (sem_init(&a->go, 0, 0) != 0)
		return false;
	if (sem_init(&a->turn, 0, 0) == 0) {
		if (pthread_create(&a->thread, NULL, rx_apx_run, a) == 0)
			return true;
		sem_destroy(&a->turn);
	}
	sem_destroy(&a->go);
	return false;
}

static void
rx_apx_end(struct rx_apx *a)
{
	pthread_join(a->thread, NULL);
	sem_destroy(&a->go);
	sem_destroy(&a->turn);
}

/* The record failed: wake the appendix's thread if it waits, let it go. */
static void
rx_apx_drop(struct rx_apx *a)
{
	a->rec = NULL;
	if (!rx_arrive(a, false))
		sem_post(&a->go);
	rx_apx_end(a);
	free(a->err);
	rx_done(&a->r);
}

/* The record r is laid out: put the appendix after it and draw the copy
 * to out, on whichever thread was laid out first. 0, or -1 with *err. */
static int
rx_apx_draw(struct rx *r, struct rx_apx *a, struct strbuf *out, char **err)
{
	int rc;

	if (rx_arrive(a, false)) {
		rx_prefault(a);
		rx_apx_end(a);
		rc = rx_apx_take(r, a, err);
		return rc == 0 ? rx_draw(r, out, err) : rc;
	}
	a->rec = r;
	a->out = out;
	a->rec_err = err;
	sem_post(&a->go);
	rx_apx_end(a);
	/* it drew the copy, unless it failed and waited for nothing */
	return a->rc == 0 ? a->draw_rc : rx_apx_take(r, a, err);
}

/* ---- drawing ------------------------------------------------------------ */

static cairo_status_t
rx_write(void *closure, const unsigned char *data, unsigned int length)
{
	strbuf_add(closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

static void
rx_draw_text(cairo_t *cr, struct receipt_font *fonts, const struct rx_item *it)
{
	const struct rx_laid *laid = it->laid;
	double top0;

	if (it->line0 >= laid->n)
		return;
	top0 = rx_laid_top(laid, it->line0);
	cairo_set_source_rgb(cr, it->gray, it->gray, it->gray);
	for (int i = it->line0; i < it->line1 && i < laid->n; i++) {
		const struct rx_laid_line *ln = &laid->lines[i];

		cairo_move_to(cr, it->x + (double)ln->x / PANGO_SCALE,
			      it->y - top0 + (double)ln->base / PANGO_SCALE);
		receipt_font_show_line(fonts, cr, ln->line);
	}
}

static int
rx_draw_qr(cairo_t *cr, const struct rx_item *it, const char *text)
{
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	double mod;

	if (q == NULL)
		return -1;
	/* a quiet zone of 4 modules on every side */
	mod = it->w / (q->width + 8);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int y = 0; y < q->width; y++) {
		for (int x = 0; x < q->width;) {
			int x1 = x;

			while (x1 < q->width && (q->data[y * q->width + x1] & 1))
				x1++;
			if (x1 > x)
				cairo_rectangle(cr, it->x + (x + 4) * mod,
						it->y + (y + 4) * mod,
						(x1 - x) * mod, mod);
			x = x1 > x ? x1 : x + 1;
		}
	}
	cairo_fill(cr);
	QRcode_free(q);
	return 0;
}

/* One of the foot's two texts (caller lets it go: rx_laid_unref). */
static struct rx_laid *
rx_foot_text(struct rx *r, const char *s, double w, enum rx_align align)
{
	struct rx_text t;
	struct rx_laid *laid;

	rx_text_init(&t);
	rx_text_add(&t, s, false, 0);
	laid = rx_laid_new(rx_layout(r, &t, F_SMALL, w, align, 0));
	rx_text_done(&t);
	return laid;
}

/* Note the glyphs of every line of laid. */
static void
rx_laid_add(struct receipt_font *fonts, const struct rx_laid *laid)
{
	for (int i = 0; i < laid->n; i++)
		receipt_font_add(fonts, laid->lines[i].line);
}

/* The foot: a rule, the clinic and the receipt code left, "2 / 5" right. */
static void
rx_draw_foot(struct rx *r, cairo_t *cr, struct receipt_font *fonts,
	     struct rx_laid *left, struct rx_laid *num, double page_h)
{
	struct rx_item it = { .kind = RX_ITEM_TEXT, .line0 = 0, .line1 = 1,
			      .gray = 0.35, .x = r->left };

	it.y = page_h - (r->p->roll ? r->p->mb + rx_line_height(r, F_SMALL)
				    : r->p->mb * 0.55);
	cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, r->left, it.y - 3);
	cairo_line_to(cr, r->left + r->width, it.y - 3);
	cairo_stroke(cr);
	it.laid = left;
	rx_draw_text(cr, fonts, &it);
	it.laid = num;
	rx_draw_text(cr, fonts, &it);
}

static int
rx_draw(struct rx *r, struct strbuf *out, char **err)
{
	const struct receipt_model *m = r->m;
	int pages = r->page + 1;
	cairo_surface_t *s;
	cairo_t *cr;
	char *title, *code;
	int rc = 0;
	int *outline_ids = NULL;
	struct receipt_font *fonts = receipt_font_new();
	struct rx_laid *left, **num = xcalloc((size_t)pages, sizeof *num);

	/* Every text the copy shows, the foot's too, is laid out before the
	 * first is drawn: the fonts are cut to exactly their glyphs. */
	code = xasprintf("%s%s%s %s", m->clinic != NULL ? m->clinic : "",
			 m->clinic != NULL ? " \xc2\xb7 " : "", m->L[RX_CODE],
			 m->code);
	left = rx_foot_text(r, code, r->width * 0.8, AL_LEFT);
	free(code);
	rx_laid_add(fonts, left);
	for (int p = 0; p < pages; p++) {
		char n[32];

		snprintf(n, sizeof n, "%d / %d", p + 1, pages);
		num[p] = rx_foot_text(r, n, r->width, AL_RIGHT);
		rx_laid_add(fonts, num[p]);
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].kind == RX_ITEM_TEXT &&
		    (i == 0 || r->items[i - 1].laid != r->items[i].laid))
			rx_laid_add(fonts, r->items[i].laid);
	receipt_font_cut(fonts);

	s = cairo_pdf_surface_create_for_stream(rx_write, out, r->p->w, r->p->h);
	title = xasprintf("%s %s", m->L[RX_TITLE], m->code);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
				       "isokiosk");
	free(title);
	cr = cairo_create(s);
	outline_ids = xcalloc(r->noutline + 1, sizeof *outline_ids);
	for (int p = 0; p < pages; p++) {
		double page_h = r->p->h;

		rx_use(r, 0);
		if (r->p->roll) {
			page_h = ((size_t)p < r->capused ? r->used[p] : r->top) +
				 4 * MM + rx_line_height(r, F_SMALL) + r->p->mb;
			cairo_pdf_surface_set_size(s, r->p->w, page_h);
		}
		for (size_t i = 0; i < r->n; i++) {
			const struct rx_item *it = &r->items[i];

			if (it->page != p)
				continue;
			switch (it->kind) {
			case RX_ITEM_TEXT:
				rx_draw_text(cr, fonts, it);
				break;
			case RX_ITEM_RULE:
				cairo_set_source_rgb(cr, it->gray, it->gray,
						     it->gray);
				cairo_set_line_width(cr, it->h);
				cairo_move_to(cr, it->x, it->y);
				cairo_line_to(cr, it->x + it->w, it->y);
				cairo_stroke(cr);
				break;
			case RX_ITEM_BOX:
				cairo_set_source_rgb(cr, it->gray, it->gray,
						     it->gray);
				cairo_rectangle(cr, it->x, it->y, it->w, it->h);
				if (it->fill) {
					cairo_fill(cr);
				} else {
					cairo_set_line_width(cr, it->line_w);
					cairo_stroke(cr);
				}
				break;
			case RX_ITEM_QR:
				if (rx_draw_qr(cr, it, m->qr) != 0) {
					rc = -1;
					free(*err);
					*err = xstrdup("the QR code could not"
						       " be made");
				}
				break;
			}
		}
		rx_draw_foot(r, cr, fonts, left, num[p], page_h);
		cairo_show_page(cr);
	}
	for (size_t k = 0; k < r->noutline; k++) {
		char *dest = xasprintf("page=%d pos=[%.1f %.1f]",
				       r->outline_page[k] + 1, r->left,
				       r->outline_y[k]);
		int parent = CAIRO_PDF_OUTLINE_ROOT;

		for (size_t j = k; j-- > 0;)
			if (r->outline_level[j] < r->outline_level[k]) {
				parent = outline_ids[j];
				break;
			}
		outline_ids[k] = cairo_pdf_surface_add_outline(s, parent,
			r->outline_text[k], dest, 0);
		free(dest);
	}
	free(outline_ids);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS && rc == 0) {
		free(*err);
		*err = xasprintf("writing the PDF: %s",
				 cairo_status_to_string(cairo_surface_status(s)));
		rc = -1;
	}
	cairo_surface_destroy(s);
	rx_laid_unref(left);
	for (int p = 0; p < pages; p++)
		rx_laid_unref(num[p]);
	free(num);
	receipt_font_free(fonts);
	return rc;
}

/* ---- fontconfig, started early (receipt_fonts_start) --------------------- */

static pthread_t rx_fc_thread;
static bool rx_fc_started;

static void *
rx_fc_init(void *unused)
{
	(void)unused;
	FcInit();
	return NULL;
}

void
receipt_fonts_start(void)
{
	if (!rx_fc_started &&
	    pthread_create(&rx_fc_thread, NULL, rx_fc_init, NULL) == 0)
		rx_fc_started = true;
}

void
receipt_fonts_wait(void)
{
	if (rx_fc_started) {
		pthread_join(rx_fc_thread, NULL);
		rx_fc_started = false;
	}
}

/* ---- fonts -------------------------------------------------------------- */

/*
 * One face for everything: Noto Sans CJK JP Regular. Embedding a CJK face
 * in a PDF is what a copy costs (each face is a 20 MB file that
 * receipt-font.c cuts to the copy's glyphs: some 30 ms a face), so bold is
 * the regular face made bold (fontconfig's embolden, done by cairo: cairo
 * embeds those glyphs from their outlines), and the seal's digits are the
 * same face's tabular figures rather than a second, monospaced face
 * (receipt_font_embolden).
 */

static PangoFontDescription *
rx_font(double size, bool bold)
{
	PangoFontDescription *d = pango_font_description_new();

	pango_font_description_set_family(d, RX_FONT);
	pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
	pango_font_description_set_weight(d, bold ? PANGO_WEIGHT_BOLD
						  : PANGO_WEIGHT_NORMAL);
	return d;
}

/* The font pango would use for d is the one asked for (fontconfig
 * substitutes another in silence: boxes, or a Chinese font's glyphs). */
static bool
rx_font_present(PangoContext *pc, const PangoFontDescription *d)
{
	PangoFont *f = pango_context_load_font(pc, d);
	PangoFontDescription *got;
	bool ok;

	if (f == NULL)
		return false;
	got = pango_font_describe(f);
	ok = strcmp(pango_font_description_get_family(got),
		    pango_font_description_get_family(d)) == 0;
	pango_font_description_free(got);
	g_object_unref(f);
	return ok;
}

static int
rx_setup(struct rx *r, const struct receipt_model *m,
	 const struct receipt_opts *o, char **err)
{
	const struct rx_paper *p = o->paper == RECEIPT_ROLL ? &rx_roll : &rx_a4;
	cairo_font_options_t *fo;
	double sizes[F_N] = { p->body, p->body, p->small, p->small, p->small,
			      p->title, p->h1, p->h2, p->big, p->big };

	memset(r, 0, sizeof *r);
	r->m = m;
	r->p = p;
	/* A font map of its own: the substitution above is for the copy
	 * only, and its fonts are let go with it. */
	r->fm = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
	if (r->fm == NULL) {
		free(*err);
		*err = xstrdup("no FreeType font map (pango, cairo): no copy"
			       " made");
		return -1;
	}
	pango_fc_font_map_set_default_substitute(PANGO_FC_FONT_MAP(r->fm),
						 receipt_font_embolden, NULL,
						 NULL);
	/* The map's resolution too, not only the context's: pango measures
	 * each font (its metrics) in a context of its own made from the map,
	 * and at the map's 96 dpi its patterns were not ours (7.5 pt for our
	 * 10 px): 7 more fontconfig sorts, each on two threads of pango's,
	 * for the same fonts (11 ms of a full copy's CPU). */
	pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(r->fm), 72);
	r->pc = pango_font_map_create_context(r->fm);
	pango_cairo_context_set_resolution(r->pc, 72);
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(r->pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(r->pc, pango_language_from_string(
		strcmp(m->content_lang, "ja") == 0 ? "ja" : m->lang));
	for (int f = 0; f < F_N; f++) {
		bool bold = f == F_BOLD || f == F_SMALL_BOLD || f == F_TITLE ||
			    f == F_H1 || f == F_H2;

		r->size[f] = sizes[f];
		r->font[f] = rx_font(sizes[f], bold);
	}
	if (!rx_font_present(r->pc, r->font[F_BODY])) {
		free(*err);
		*err = xstrdup("the font " RX_FONT " is not installed (Debian"
			       " package fonts-noto-cjk): no copy made");
		return -1;
	}
	/* Break classes: East Asian Ambiguous characters (※ ○ ①) are set
	 * full width by the Japanese font, as text_encoding(2) counts them. */
	r->breakenc = text_encoding(2);
	r->left = p->ml;
	r->width = p->w - p->ml - p->mr;
	r->top = p->mt;
	/* roll: what is left of the longest page for its foot */
	r->bottom = p->h - p->mb - (p->roll ? 10 * MM : 0);
	r->y = r->top;
	rx_use(r, r->top);
	return 0;
}

static void
rx_done(struct rx *r)
{
	for (size_t i = 0; i < r->n; i++)
		rx_laid_unref(r->items[i].laid);
	free(r->items);
	free(r->used);
	for (size_t i = 0; i < r->nwidths; i++)
		free(r->widths[i].s);
	free(r->widths);
	for (int f = 0; f < F_N; f++)
		if (r->font[f] != NULL)
			pango_font_description_free(r->font[f]);
	if (r->pc != NULL)
		g_object_unref(r->pc);
	if (r->fm != NULL)
		g_object_unref(r->fm);
	free(r->outline_page);
	free(r->outline_y);
	free(r->outline_text);
	free(r->outline_level);
}

int
receipt_pdf(const struct receipt_model *m, const struct receipt_opts *o,
	    struct strbuf *out, char **err)
{
	return receipt_pdf_laid(m, o, RECEIPT_LAY_BESIDE, out, err);
}

int
receipt_pdf_laid(const struct receipt_model *m, const struct receipt_opts *o,
		 enum receipt_lay lay, struct strbuf *out, char **err)
{
	struct rx r;
	struct rx_apx apx;
	int rc = -1;
	bool beside;

	/* fontconfig is started before either thread uses it; the appendix
	 * (the longer half) starts first, and sets up beside this one. */
	receipt_fonts_wait();
	beside = lay != RECEIPT_LAY_ONE && o->with_content &&
		 o->paper != RECEIPT_ROLL && rx_apx_start(&apx, m, o, lay);
	if (rx_setup(&r, m, o, err) == 0) {
		rx_head(&r);
		rx_section(&r, m->L[RX_SEC_RECORD]);
		rx_fields(&r, m->fields, m->nfields, F_BODY, F_BODY, r.left,
			  r.width);
		if (m->followup) {
			rx_methods(&r);
			rx_mood(&r);
			rx_effects(&r);
			rx_flags(&r);
		}
		rx_statements(&r);
		rx_quiz(&r);
		rx_signatures(&r);
		rx_seal(&r);
		if (beside) {
			rc = rx_apx_draw(&r, &apx, out, err);
		} else {
			if (o->with_content)
				rx_appendix(&r);
			rc = rx_draw(&r, out, err);
		}
	} else if (beside) {
		rx_apx_drop(&apx);
	}
	rx_done(&r);
	return rc;
}
