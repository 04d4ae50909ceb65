/*
 * layout: a document and a width → lines of styled runs (see layout.h).
 *
 * Every block is laid out into a struct layout of its own at the width it
 * may use; containers (lists, callouts, tables, Q&A) then decorate those lines
 * with markers, indentation and frames. Inline text is flattened into one
 * string (ruby expanded as the mode says, a per-byte attribute, a per-byte
 * "keep together" mark) and broken by text_wrap, so paragraphs, list items
 * and table cells all follow the same Japanese rules.
 *
 * Owns the layout it returns; reads the document only.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "layout.h"
#include "strbuf.h"
#include "text.h"
#include "xmalloc.h"

/* Box drawing: East Asian Ambiguous, so 1 or 2 columns each. */
#define BOX_H "\xe2\x94\x80"       /* ─ */
#define BOX_V "\xe2\x94\x82"       /* │ */
#define BOX_TL "\xe2\x94\x8c"      /* ┌ */
#define BOX_TR "\xe2\x94\x90"      /* ┐ */
#define BOX_BL "\xe2\x94\x94"      /* └ */
#define BOX_BR "\xe2\x94\x98"      /* ┘ */
#define BOX_T "\xe2\x94\xac"       /* ┬ */
#define BOX_B "\xe2\x94\xb4"       /* ┴ */
#define BOX_L "\xe2\x94\x9c"       /* ├ */
#define BOX_R "\xe2\x94\xa4"       /* ┤ */
#define BOX_X "\xe2\x94\xbc"       /* ┼ */
#define BOX_DH "\xe2\x95\x90"      /* ═ */
#define BOX_DL "\xe2\x95\x9e"      /* ╞ */
#define BOX_DR "\xe2\x95\xa1"      /* ╡ */
#define BOX_DX "\xe2\x95\xaa"      /* ╪ */
#define BULLET_JA "\xe3\x83\xbb"   /* ・ (always 2 columns) */

/* ------------------------------------------------------------------ */
/* lines and runs */

/*
 * Run texts and the lines' run arrays live in the layout's arena, one
 * allocation per block rather than one per run; layout_free frees them
 * together.
 */
static struct layout *
layout_new(void)
{
	return xcalloc(1, sizeof(struct layout));
}

void
layout_free(struct layout *l)
{
	if (l == NULL)
		return;
	free(l->lines);
	arena_done(&l->arena);
	free(l);
}

static struct layout_line *
layout_push(struct layout *l)
{
	struct layout_line *ln;

	XGROW(l->lines, l->n, l->cap);
	ln = &l->lines[l->n++];
	memset(ln, 0, sizeof *ln);
	return ln;
}

static struct layout_run *
layout_line_new_run(struct layout *l, struct layout_line *ln)
{
	if (ln->nruns == ln->cap) {
		struct layout_run *old = ln->runs;

		ln->cap = ln->cap < 4 ? 4 : ln->cap * 2;
		ln->runs = arena_alloc(&l->arena, ln->cap * sizeof *ln->runs,
				       _Alignof(struct layout_run));
		if (ln->nruns > 0)
			memcpy(ln->runs, old, ln->nruns * sizeof *ln->runs);
	}
	return &ln->runs[ln->nruns++];
}

static void
layout_line_add(struct layout *l, struct layout_line *ln, const char *s,
		size_t n, int w, unsigned attr)
{
	struct layout_run *r;

	if (n == 0)
		return;
	if (ln->nruns > 0 && ln->runs[ln->nruns - 1].attr == attr) {
		r = &ln->runs[ln->nruns - 1];
		/* the run's text the last piece of the arena: grown in place */
		if (!arena_extend(&l->arena, r->text + r->len + 1, n)) {
			char *t = arena_alloc(&l->arena, r->len + n + 1, 1);

			memcpy(t, r->text, r->len);
			r->text = t;
		}
		memcpy(r->text + r->len, s, n);
		r->len += n;
		r->text[r->len] = '\0';
		r->width += w;
		ln->width += w;
		return;
	}
	r = layout_line_new_run(l, ln);
	r->text = arena_alloc(&l->arena, n + 1, 1);
	memcpy(r->text, s, n);
	r->text[n] = '\0';
	r->len = n;
	r->width = w;
	r->attr = attr;
	ln->width += w;
}

static void
layout_line_str(struct layout *l, struct layout_line *ln, const char *s,
		unsigned attr, int amb)
{
	size_t n = strlen(s);

	layout_line_add(l, ln, s, n, text_width(s, n, amb), attr);
}

static const char layout_spaces[] =
	"                                                                ";

static void
layout_line_pad(struct layout *l, struct layout_line *ln, int cols,
		unsigned attr)
{
	while (cols > 0) {
		int k = cols > (int)sizeof layout_spaces - 1
				? (int)sizeof layout_spaces - 1
				: cols;

		layout_line_add(l, ln, layout_spaces, (size_t)k, k, attr);
		cols -= k;
	}
}

/* Repeat a one-column-or-more string until cols is reached (not exceeded). */
static void
layout_line_repeat(struct layout *l, struct layout_line *ln, const char *s,
		   int cols, unsigned attr, int amb)
{
	size_t len = strlen(s);
	int w = text_width(s, len, amb), k = 0;
	char *t;

	if (w <= 0 || cols < w)
		return;
	k = cols / w;
	t = xmalloc(len * (size_t)k);
	memcpy(t, s, len);
	for (size_t done = len, all = len * (size_t)k; done < all; done *= 2)
		memcpy(t + done, t, done * 2 <= all ? done : all - done);
	layout_line_add(l, ln, t, len * (size_t)k, k * w, attr);
	free(t);
}

/* Drop trailing spaces (the text promises none). */
static void
layout_line_trim(struct layout_line *ln)
{
	while (ln->nruns > 0) {
		struct layout_run *r = &ln->runs[ln->nruns - 1];
		size_t k = r->len;

		while (k > 0 && r->text[k - 1] == ' ')
			k--;
		r->width -= (int)(r->len - k);
		ln->width -= (int)(r->len - k);
		r->text[k] = '\0';
		r->len = k;
		if (k > 0)
			break;
		ln->nruns--;
	}
}

/* Append a run whose text l already owns (merged into the last run when the
 * attribute is the same). */
static void
layout_line_take(struct layout *l, struct layout_line *ln,
		 const struct layout_run *run)
{
	if (ln->nruns > 0 && ln->runs[ln->nruns - 1].attr == run->attr) {
		layout_line_add(l, ln, run->text, run->len, run->width,
				run->attr);
	} else {
		*layout_line_new_run(l, ln) = *run;
		ln->width += run->width;
	}
}

/* A line of readings drawn above its base line (ruby over): all readings. */
static bool
layout_line_is_reading(const struct layout_line *ln)
{
	if (ln->nruns == 0)
		return false;
	for (size_t r = 0; r < ln->nruns; r++)
		if (!(ln->runs[r].attr & LAYOUT_RUBY))
			return false;
	return true;
}

/*
 * Move every line of src to the end of dst, each prefixed; frees src. first
 * goes on the first text line: when src starts with a line of readings, on
 * the base line under it, so a bullet stands beside the text, not the ruby.
 */
static void
layout_append(struct layout *dst, struct layout *src, const char *first,
	      const char *rest, unsigned pattr, int amb)
{
	size_t lead = src->n > 1 && layout_line_is_reading(&src->lines[0]);
	size_t fn = first != NULL ? strlen(first) : 0;
	size_t rn = rest != NULL ? strlen(rest) : 0;
	int fw = fn > 0 ? text_width(first, fn, amb) : 0;
	int rw = rn > 0 ? text_width(rest, rn, amb) : 0;

	arena_adopt(&dst->arena, &src->arena); /* the runs that move over */
	for (size_t i = 0; i < src->n; i++) {
		struct layout_line *sl = &src->lines[i];
		size_t pn = i == lead ? fn : rn;
		struct layout_line *ln = layout_push(dst);

		if (pn > 0 && (sl->nruns > 0 || i == lead)) {
			layout_line_add(dst, ln, i == lead ? first : rest, pn,
					i == lead ? fw : rw, pattr);
			for (size_t r = 0; r < sl->nruns; r++)
				layout_line_take(dst, ln, &sl->runs[r]);
		} else {
			*ln = *sl; /* the runs move over */
		}
		sl->runs = NULL;
		sl->nruns = sl->cap = 0;
		layout_line_trim(ln);
	}
	layout_free(src);
}

static void
layout_blank(struct layout *l)
{
	layout_push(l);
}

/* ------------------------------------------------------------------ */
/* inline text: flatten, then wrap */

struct layout_atom {
	size_t start, end;   /* bytes of the flat text */
	size_t mid;          /* paren mode: where "（reading）" starts, else 0 */
	const char *reading; /* over mode: the reading drawn above */
	int readw, atomw;
};

/* The attribute from byte start of the flat text on (to the next one's). */
struct layout_seg {
	size_t start;
	unsigned attr;
};

struct layout_flat {
	struct strbuf s;
	struct layout_seg *seg;
	size_t nseg, segcap;
	unsigned char *keep;
	int *cols;           /* text_scan's columns of s */
	struct layout_atom *atoms;
	size_t natoms, atcap;
};

static void
layout_flat_add(struct layout_flat *f, const char *s, size_t n, unsigned attr)
{
	size_t base = f->s.len;
	char *end;

	if (n == 0)
		return;
	if (f->nseg == 0 || f->seg[f->nseg - 1].attr != attr) {
		XGROW(f->seg, f->nseg, f->segcap);
		f->seg[f->nseg].start = base;
		f->seg[f->nseg++].attr = attr;
	}
	strbuf_add(&f->s, s, n);
	end = f->s.s + base + n;
	for (char *t = f->s.s + base;
	     (t = memchr(t, '\t', (size_t)(end - t))) != NULL; t++)
		*t = ' '; /* a tab is a space in running text */
}

static void
layout_flat_atom(struct layout_flat *f, size_t start, size_t mid,
		 const char *reading, int readw, int atomw)
{
	XGROW(f->atoms, f->natoms, f->atcap);
	f->atoms[f->natoms].start = start;
	f->atoms[f->natoms].mid = mid;
	f->atoms[f->natoms].end = f->s.len;
	f->atoms[f->natoms].reading = reading;
	f->atoms[f->natoms].readw = readw;
	f->atoms[f->natoms].atomw = atomw;
	f->natoms++;
}

static unsigned
layout_span_attr(const struct content_span *sp, unsigned extra)
{
	return extra | ((sp->style & CONTENT_BOLD) ? LAYOUT_BOLD : 0);
}

/*
 * Flatten spans (optionally after a prefix span list) for wrapping at width.
 * A ruby becomes base（reading）, the base padded to the reading's width with
 * the reading recorded for the line above, or the base alone.
 */
static void
layout_flat_spans(struct layout_flat *f, const struct content_span *spans,
		  size_t n, unsigned extra, const struct layout_opts *o,
		  int width)
{
	size_t need = 16;

	/* the flat text's size up front (a reading adds its brackets, or
	   padding for a few columns): one allocation */
	for (size_t i = 0; i < n; i++)
		need += (spans[i].text ? strlen(spans[i].text) : 0) +
			(spans[i].ruby ? strlen(spans[i].ruby) + 8 : 0);
	strbuf_reserve(&f->s, need);
	for (size_t i = 0; i < n; i++) {
		const struct content_span *sp = &spans[i];
		unsigned attr = layout_span_attr(sp, extra);
		size_t start = f->s.len;
		size_t tlen = sp->text ? strlen(sp->text) : 0, mid;

		if (sp->ruby == NULL || sp->ruby[0] == '\0' || tlen == 0) {
			layout_flat_add(f, sp->text ? sp->text : "", tlen, attr);
			continue;
		}
		if (o->ruby == LAYOUT_RUBY_OVER) {
			int bw = text_width(sp->text, tlen, o->ambiguous);
			int rw = text_strwidth(sp->ruby, o->ambiguous);
			int aw = bw > rw ? bw : rw;

			if (aw <= width && strchr(sp->text, '\n') == NULL) {
				int left = (aw - bw) / 2;

				for (int k = 0; k < left; k++)
					layout_flat_add(f, " ", 1, attr);
				layout_flat_add(f, sp->text, tlen, attr);
				for (int k = left + bw; k < aw; k++)
					layout_flat_add(f, " ", 1, attr);
				layout_flat_atom(f, start, 0, sp->ruby, rw, aw);
				continue;
			}
			/* too wide to stand over its base: in parentheses */
		}
		layout_flat_add(f, sp->text, tlen, attr);
		mid = o->ruby != LAYOUT_RUBY_OFF ? f->s.len : 0;
		if (o->ruby != LAYOUT_RUBY_OFF) {
			layout_flat_add(f, "\xef\xbc\x88", 3, extra | LAYOUT_RUBY);
			layout_flat_add(f, sp->ruby, strlen(sp->ruby),
					extra | LAYOUT_RUBY);
			layout_flat_add(f, "\xef\xbc\x89", 3, extra | LAYOUT_RUBY);
		}
		layout_flat_atom(f, start, mid, NULL, 0, 0);
	}
}

/* The keep marks: the Japanese rules, then every atom held together. */
static void
layout_flat_finish(struct layout_flat *f, int amb)
{
	size_t n = f->s.len;

	/* one allocation: the columns, then the keep marks */
	f->cols = xreallocarray(NULL, n + 1, sizeof *f->cols + 1);
	f->keep = (unsigned char *)(f->cols + n + 1);
	memset(f->keep, 0, n + 1);
	text_scan(f->s.s, n, amb, f->keep, f->cols);
	for (size_t a = 0; a < f->natoms; a++) {
		struct layout_atom *at = &f->atoms[a];

		for (size_t i = at->start + 1; i < at->end; i++)
			if (f->s.s[i] != '\n')
				f->keep[i] = TEXT_KEEP_HARD;
		/* base（reading） longer than a line: the first place to break
		 * it is before the reading, keeping both whole */
		if (at->mid > at->start && at->mid < at->end)
			f->keep[at->mid] = TEXT_KEEP_SOFT;
		/* an atom that starts with padding may still start a line */
		if (at->start > 0 && f->s.s[at->start] == ' ' &&
		    f->keep[at->start] == TEXT_KEEP_NONE)
			f->keep[at->start] = TEXT_KEEP_BREAK;
	}
}

static void
layout_flat_done(struct layout_flat *f)
{
	strbuf_done(&f->s);
	free(f->seg);
	free(f->cols); /* and keep with it */
	free(f->atoms);
}

/*
 * Add bytes [a, e) of the flat text (w columns) as runs split where the
 * attribute changes. *sg is the segment to start looking from (lines come
 * in order), left at the one holding e - 1.
 */
static void
layout_flat_runs(const struct layout_flat *f, struct layout *l,
		 struct layout_line *ln, size_t a, size_t e, int w, size_t *sg)
{
	size_t i = a, k = *sg;

	while (i < e) {
		size_t j;

		while (k + 1 < f->nseg && f->seg[k + 1].start <= i)
			k++;
		j = k + 1 < f->nseg && f->seg[k + 1].start < e ? f->seg[k + 1].start
							       : e;
		layout_line_add(l, ln, f->s.s + i, j - i,
				i == a && j == e ? w : f->cols[j] - f->cols[i],
				f->seg[k].attr);
		i = j;
	}
	*sg = k;
}

static struct layout *
layout_flat_wrap(const struct layout_flat *f, int width, int amb)
{
	struct layout *l = layout_new();
	struct text_line *tl;
	size_t nl = text_wrap_cols(f->s.s, f->s.len, f->keep, f->cols, width,
				   amb, &tl);
	size_t at = 0, sg = 0;

	for (size_t i = 0; i < nl; i++) {
		struct layout_line *ln;
		size_t a = tl[i].start, e = tl[i].end;
		bool any = false;

		/* readings of the atoms that start on this line, above it */
		while (at < f->natoms && f->atoms[at].start < a)
			at++;
		for (size_t k = at; k < f->natoms && f->atoms[k].start < e; k++)
			any |= f->atoms[k].reading != NULL;
		if (any) {
			int col = 0;

			ln = layout_push(l);
			for (; at < f->natoms && f->atoms[at].start < e; at++) {
				const struct layout_atom *t = &f->atoms[at];
				int c;

				if (t->reading == NULL)
					continue;
				c = f->cols[t->start] - f->cols[a] +
				    (t->atomw - t->readw) / 2;
				if (c + t->readw > width)
					c = width - t->readw;
				if (c < col)
					c = col;
				layout_line_pad(l, ln, c - col, LAYOUT_RUBY);
				layout_line_str(l, ln, t->reading, LAYOUT_RUBY, amb);
				col = c + t->readw;
			}
			layout_line_trim(ln);
		}
		ln = layout_push(l);
		layout_flat_runs(f, l, ln, a, e, tl[i].width, &sg);
		layout_line_trim(ln);
	}
	free(tl);
	return l;
}

static struct layout *
layout_spans(const struct content_span *spans, size_t n, unsigned extra,
	     const struct layout_opts *o, int width)
{
	struct layout_flat f;
	struct layout *l;

	memset(&f, 0, sizeof f);
	strbuf_init(&f.s);
	layout_flat_spans(&f, spans, n, extra, o, width);
	layout_flat_finish(&f, o->ambiguous);
	l = layout_flat_wrap(&f, width < 1 ? 1 : width, o->ambiguous);
	layout_flat_done(&f);
	return l;
}

static struct layout *
layout_text(const struct content_inline *in, unsigned extra,
	    const struct layout_opts *o, int width)
{
	return layout_spans(in->spans, in->n, extra, o, width);
}

/* ------------------------------------------------------------------ */
/* language of labels: Japanese when the text holds kana or kanji */

static bool
layout_str_cjk(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, p + i, n - i);

		if ((c >= 0x3040 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) ||
		    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xFF01 && c <= 0xFF5E))
			return true;
		i += len > 0 ? (size_t)len : 1;
	}
	return false;
}

static bool
layout_inline_cjk(const struct content_inline *in)
{
	for (size_t i = 0; i < in->n; i++)
		if (in->spans[i].text && layout_str_cjk(in->spans[i].text))
			return true;
	return false;
}

static bool
layout_nodes_cjk(const struct content_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct content_node *nd = &nodes[i];

		if (layout_inline_cjk(&nd->text))
			return true;
		for (size_t k = 0; k < nd->nitems; k++)
			if (layout_inline_cjk(&nd->items[k].text))
				return true;
		if (layout_nodes_cjk(nd->children, nd->nchildren))
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* blocks */

static struct layout *layout_block(const struct content_node *nd,
				   const struct layout_opts *o, int width);

static struct layout *
layout_block_list(const struct content_node *nodes, size_t n,
		  const struct layout_opts *o, int width)
{
	struct layout *l = layout_new();

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			layout_blank(l);
		layout_append(l, layout_block(&nodes[i], o, width), NULL, NULL,
			      0, o->ambiguous);
	}
	return l;
}

static struct layout *
layout_heading(const struct content_inline *in, int level,
	       const struct layout_opts *o, int width)
{
	struct layout *l = layout_text(in, LAYOUT_HEADING | LAYOUT_BOLD, o,
				       width);
	int w = 0;

	if (level >= 3)
		return l;
	for (size_t i = 0; i < l->n; i++)
		if (l->lines[i].width > w)
			w = l->lines[i].width;
	if (w > width)
		w = width;
	layout_line_repeat(l, layout_push(l), level == 1 ? "=" : "-", w,
			   LAYOUT_HEADING, o->ambiguous);
	return l;
}

/* Hang src under a marker: the first line gets marker, the rest spaces. */
static void
layout_hang(struct layout *dst, struct layout *src, const char *marker,
	    unsigned mattr, const struct layout_opts *o)
{
	int mw = text_strwidth(marker, o->ambiguous);
	char *indent = xmalloc((size_t)mw + 1);

	memset(indent, ' ', (size_t)mw);
	indent[mw] = '\0';
	layout_append(dst, src, marker, indent, mattr, o->ambiguous);
	free(indent);
}

static struct layout *
layout_list(const struct content_node *nd, const struct layout_opts *o,
	    int width)
{
	struct layout *l = layout_new();
	bool cjk = false;
	int numw = 1;

	for (size_t i = 0; i < nd->nitems; i++)
		cjk |= layout_inline_cjk(&nd->items[i].text);
	if (nd->ordered) {
		char buf[32];

		snprintf(buf, sizeof buf, "%lld",
			 (long long)nd->start + (long long)nd->nitems);
		numw = (int)strlen(buf);
	}
	for (size_t i = 0; i < nd->nitems; i++) {
		const struct content_item *it = &nd->items[i];
		char marker[64];
		int mw;

		if (it->checked >= 0)
			snprintf(marker, sizeof marker, "[%c] ",
				 it->checked ? 'x' : ' ');
		else if (nd->ordered)
			snprintf(marker, sizeof marker, "%*lld. ", numw,
				 (long long)nd->start + (long long)i);
		else
			snprintf(marker, sizeof marker, "%s",
				 cjk ? BULLET_JA : "- ");
		mw = text_strwidth(marker, o->ambiguous);
		if (width - mw < 2)
			marker[0] = '\0', mw = 0;
		layout_hang(l, layout_text(&it->text, 0, o, width - mw), marker,
			    LAYOUT_BORDER, o);
	}
	return l;
}

/* A horizontal table border: left, each column's run of fill, joints, right. */
static void
layout_table_rule(struct layout *l, const int *colw, size_t ncols,
		  const char *left, const char *fill, const char *mid,
		  const char *right, int amb)
{
	struct layout_line *ln = layout_push(l);

	layout_line_str(l, ln, left, LAYOUT_BORDER, amb);
	for (size_t c = 0; c < ncols; c++) {
		if (c > 0)
			layout_line_str(l, ln, mid, LAYOUT_BORDER, amb);
		layout_line_repeat(l, ln, fill, colw[c] + 2, LAYOUT_BORDER, amb);
	}
	layout_line_str(l, ln, right, LAYOUT_BORDER, amb);
}

/* A table that cannot fit: each body row as "header: value" lines. */
static struct layout *
layout_table_blocks(const struct content_table *t, const struct layout_opts *o,
		    int width)
{
	struct layout *l = layout_new();
	size_t first = t->nrows > 1 ? 1 : 0;
	int inner = width - 2 < 1 ? 1 : width - 2;

	for (size_t r = first; r < t->nrows; r++) {
		if (r > first)
			layout_blank(l);
		for (size_t c = 0; c < t->ncols; c++) {
			const struct content_inline *h = &t->cells[c];
			const struct content_inline *v = &t->cells[r * t->ncols + c];
			const char *sep = layout_inline_cjk(h) ? "\xef\xbc\x9a"
							       : ": ";
			struct layout_flat f;
			struct layout *cell;

			memset(&f, 0, sizeof f);
			strbuf_init(&f.s);
			layout_flat_spans(&f, h->spans, h->n, LAYOUT_BOLD, o,
					  inner);
			if (r > 0) {
				layout_flat_add(&f, sep, strlen(sep),
						LAYOUT_BOLD);
				layout_flat_spans(&f, v->spans, v->n, 0, o,
						  inner);
			}
			layout_flat_finish(&f, o->ambiguous);
			/* one line at the full width if it fits, else hang the
			 * rest under a two-column indent */
			cell = layout_flat_wrap(&f, width, o->ambiguous);
			if (cell->n > 1) {
				layout_free(cell);
				cell = layout_flat_wrap(&f, inner, o->ambiguous);
			}
			layout_append(l, cell, "", "  ", 0, o->ambiguous);
			layout_flat_done(&f);
		}
	}
	return l;
}

static int
layout_round_up(int x, int b)
{
	return (x + b - 1) / b * b;
}

/*
 * Every cell flattened once, for measuring and for wrapping. Flattening
 * depends on the width only where a ruby too wide to stand over its base
 * goes into parentheses; every column ends at least as wide as the widest
 * such atom that stood over its base at the table's width, so the flat text
 * made at the table's width is the one each column would make.
 */
static struct layout_flat *
layout_table_flats(const struct content_table *t, const struct layout_opts *o,
		   int width)
{
	size_t ncell = t->nrows * t->ncols;
	struct layout_flat *fl = xcalloc(ncell, sizeof *fl);

	for (size_t i = 0; i < ncell; i++) {
		strbuf_init(&fl[i].s);
		layout_flat_spans(&fl[i], t->cells[i].spans, t->cells[i].n,
				  i < t->ncols ? LAYOUT_BOLD : 0, o, width);
		layout_flat_finish(&fl[i], o->ambiguous);
	}
	return fl;
}

static void
layout_table_flats_free(struct layout_flat *fl, size_t ncell)
{
	for (size_t i = 0; i < ncell; i++)
		layout_flat_done(&fl[i]);
	free(fl);
}

/*
 * Per column, the widest of its cells' max-content (or with min, min-content)
 * widths and of their ruby atoms (a base padded to its reading).
 */
static void
layout_table_columns(const struct content_table *t,
		     const struct layout_flat *fl, int amb, bool min, int *w)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct layout_flat *f = &fl[r * t->ncols + c];
			int z, unused;

			if (min)
				text_measure(f->s.s, f->s.len, f->keep, amb, &z,
					     &unused);
			else
				z = text_max_content(f->s.s, f->s.len, amb);
			for (size_t k = 0; k < f->natoms; k++)
				if (f->atoms[k].atomw > z)
					z = f->atoms[k].atomw;
			if (z > w[c])
				w[c] = z;
		}
	}
}

/*
 * Column widths as a browser's automatic table layout does it: every column
 * at its max-content width if that fits, else min-content plus a share of the
 * room left in proportion to (max - min). Widths are multiples of the border
 * width b so that rules of ─ (b columns each) meet the joints. Returns false
 * when even the min-content widths do not fit. The min-content widths (which
 * need every break opportunity) are only found when the max-content ones do
 * not fit: a column's max-content width is at least its min-content one but
 * for a ruby atom's padding, which is counted in it.
 */
static bool
layout_table_widths(const struct content_table *t,
		    const struct layout_flat *fl, int amb, int width, int b,
		    int *colw)
{
	size_t nc = t->ncols;
	int *mn = xcalloc(nc, sizeof *mn), *mx = xcalloc(nc, sizeof *mx);
	long summin = 0, summax = 0, avail;
	bool ok = true;

	layout_table_columns(t, fl, amb, false, mx);
	for (size_t c = 0; c < nc; c++) {
		mx[c] = layout_round_up(mx[c] < 1 ? 1 : mx[c], b);
		summax += mx[c];
	}
	avail = (long)width - (long)(nc + 1) * b - 2L * (long)nc;
	if (summax <= avail) {
		memcpy(colw, mx, nc * sizeof *colw);
		goto done;
	}
	layout_table_columns(t, fl, amb, true, mn);
	for (size_t c = 0; c < nc; c++) {
		mn[c] = layout_round_up(mn[c] < 1 ? 1 : mn[c], b);
		summin += mn[c];
	}
	if (summin <= avail) {
		long extra = avail - summin, used = 0;

		for (size_t c = 0; c < nc; c++) {
			long share = extra * (mx[c] - mn[c]) / (summax - summin);

			colw[c] = mn[c] + (int)(share / b * b);
			used += colw[c] - mn[c];
		}
		/* what rounding left over, to the columns that want more */
		for (bool grew = true; grew && extra - used >= b;) {
			grew = false;
			for (size_t c = 0; c < nc && extra - used >= b; c++) {
				if (colw[c] < mx[c]) {
					colw[c] += b;
					used += b;
					grew = true;
				}
			}
		}
	} else {
		ok = false;
	}
done:
	free(mn);
	free(mx);
	return ok;
}

static struct layout *
layout_table(const struct content_table *t, const struct layout_opts *o,
	     int width)
{
	int amb = o->ambiguous;
	int b = text_char_width(0x2502, amb);
	size_t nc = t->ncols;
	struct layout_flat *fl;
	struct layout *l;
	int *colw;

	if (t->ncols == 0 || t->nrows == 0 || t->cells == NULL)
		return layout_new();
	colw = xcalloc(t->ncols, sizeof *colw);
	fl = layout_table_flats(t, o, width);
	if (!layout_table_widths(t, fl, amb, width, b, colw)) {
		layout_table_flats_free(fl, t->nrows * nc);
		free(colw);
		return layout_table_blocks(t, o, width);
	}
	l = layout_new();
	layout_table_rule(l, colw, t->ncols, BOX_TL, BOX_H, BOX_T, BOX_TR,
			  amb);
	for (size_t r = 0; r < t->nrows; r++) {
		struct layout **cell = xcalloc(t->ncols, sizeof *cell);
		size_t height = 0;

		for (size_t c = 0; c < t->ncols; c++) {
			cell[c] = layout_flat_wrap(&fl[r * nc + c],
						   colw[c] < 1 ? 1 : colw[c],
						   amb);
			if (cell[c]->n > height)
				height = cell[c]->n;
		}
		for (size_t y = 0; y < height; y++) {
			struct layout_line *ln = layout_push(l);

			layout_line_str(l, ln, BOX_V, LAYOUT_BORDER, amb);
			for (size_t c = 0; c < t->ncols; c++) {
				struct layout_line *src =
					y < cell[c]->n ? &cell[c]->lines[y] : NULL;
				int w = src ? src->width : 0, left = 0;
				enum content_align al =
					t->align ? t->align[c] : CONTENT_ALIGN_NONE;

				if (al == CONTENT_ALIGN_RIGHT)
					left = colw[c] - w;
				else if (al == CONTENT_ALIGN_CENTER)
					left = (colw[c] - w) / 2;
				if (left < 0)
					left = 0;
				layout_line_pad(l, ln, 1 + left, 0);
				for (size_t k = 0; src && k < src->nruns; k++)
					layout_line_add(l, ln, src->runs[k].text,
							src->runs[k].len,
							src->runs[k].width,
							src->runs[k].attr);
				layout_line_pad(l, ln, colw[c] - w - left + 1, 0);
				layout_line_str(l, ln, BOX_V, LAYOUT_BORDER, amb);
			}
		}
		for (size_t c = 0; c < t->ncols; c++)
			layout_free(cell[c]);
		free(cell);
		if (r == 0 && t->nrows > 1)
			layout_table_rule(l, colw, t->ncols, BOX_DL, BOX_DH,
					  BOX_DX, BOX_DR, amb);
		else if (r + 1 < t->nrows)
			layout_table_rule(l, colw, t->ncols, BOX_L, BOX_H,
					  BOX_X, BOX_R, amb);
	}
	layout_table_rule(l, colw, t->ncols, BOX_BL, BOX_H, BOX_B, BOX_BR,
			  amb);
	layout_table_flats_free(fl, t->nrows * nc);
	free(colw);
	return l;
}

/*
 * A callout: a frame whose top rule carries the mark and label
 * ("┌─ [!] 注意 ───┐"), the body inside "│ " and " │". Without room for a
 * frame: the label line, then the body.
 */
static struct layout *
layout_callout(const struct content_node *nd, const struct layout_opts *o,
	       int width)
{
	int amb = o->ambiguous;
	int b = text_char_width(0x2502, amb);
	bool warn = nd->callout == CONTENT_CALLOUT_WARNING;
	unsigned kind = warn ? LAYOUT_WARNING : LAYOUT_NOTE;
	bool cjk = layout_nodes_cjk(nd->children, nd->nchildren);
	const char *label = warn ? (cjk ? "[!] \xe6\xb3\xa8\xe6\x84\x8f" : "[!] Warning")
				 : (cjk ? "[i] \xe3\x83\xa1\xe3\x83\xa2" : "[i] Note");
	int lw = text_strwidth(label, amb);
	int frame = width - width % b; /* a whole number of ─ */
	int inner = frame - 2 * (b + 1);
	struct layout *l = layout_new(), *body;
	struct layout_line *ln;

	if (inner < 6 || lw + 2 + 3 * b > frame) {
		struct content_span sp = { .text = (char *)label,
					   .style = CONTENT_PLAIN };

		layout_append(l, layout_spans(&sp, 1, LAYOUT_BORDER | kind, o,
					      width),
			      NULL, NULL, 0, amb);
		layout_append(l, layout_block_list(nd->children, nd->nchildren,
						   o, width),
			      NULL, NULL, 0, amb);
		return l;
	}
	/* top: ┌─ label ─…─┐, padded with a space when ─ is 2 wide */
	ln = layout_push(l);
	layout_line_str(l, ln, BOX_TL, LAYOUT_BORDER | kind, amb);
	layout_line_str(l, ln, BOX_H, LAYOUT_BORDER | kind, amb);
	layout_line_str(l, ln, " ", LAYOUT_BORDER | kind, amb);
	layout_line_str(l, ln, label, LAYOUT_BORDER | kind, amb);
	layout_line_str(l, ln, " ", LAYOUT_BORDER | kind, amb);
	if ((frame - ln->width - b) % b)
		layout_line_str(l, ln, " ", LAYOUT_BORDER | kind, amb);
	layout_line_repeat(l, ln, BOX_H, frame - ln->width - b, LAYOUT_BORDER | kind,
			   amb);
	layout_line_str(l, ln, BOX_TR, LAYOUT_BORDER | kind, amb);

	body = layout_block_list(nd->children, nd->nchildren, o, inner);
	for (size_t i = 0; i < body->n; i++) {
		struct layout_line *src = &body->lines[i];

		ln = layout_push(l);
		layout_line_str(l, ln, BOX_V, LAYOUT_BORDER | kind, amb);
		layout_line_pad(l, ln, 1, kind);
		for (size_t k = 0; k < src->nruns; k++)
			layout_line_add(l, ln, src->runs[k].text,
					src->runs[k].len,
					src->runs[k].width,
					src->runs[k].attr | kind);
		layout_line_pad(l, ln, inner - src->width + 1, kind);
		layout_line_str(l, ln, BOX_V, LAYOUT_BORDER | kind, amb);
	}
	layout_free(body);
	ln = layout_push(l);
	layout_line_str(l, ln, BOX_BL, LAYOUT_BORDER | kind, amb);
	layout_line_repeat(l, ln, BOX_H, frame - 2 * b, LAYOUT_BORDER | kind, amb);
	layout_line_str(l, ln, BOX_BR, LAYOUT_BORDER | kind, amb);
	return l;
}

/* Q&A: "Q. question" (hanging), then the answer under "A. ". */
static struct layout *
layout_qa(const struct content_node *nd, const struct layout_opts *o, int width)
{
	struct layout *l = layout_new();
	int w = width - 3 < 2 ? width : width - 3;
	const char *q = w == width ? "" : "Q. ", *a = w == width ? "" : "A. ";

	layout_hang(l, layout_text(&nd->text, LAYOUT_BOLD, o, w), q,
		    LAYOUT_QUESTION, o);
	if (nd->nchildren > 0)
		layout_hang(l, layout_block_list(nd->children, nd->nchildren, o,
						 w),
			    a, LAYOUT_BORDER, o);
	return l;
}

/* A header line for a quiz question or consent statement: [id] profile … */
static void
layout_id_line(struct layout *l, const struct content_node *nd,
	       const struct layout_opts *o, int width)
{
	char *s = xasprintf("[%s] profile: %s%s%s%s%s%s%s", nd->id ? nd->id : "?",
			    nd->profile ? nd->profile : "?",
			    nd->reread ? ", reread: " : "",
			    nd->reread ? nd->reread : "",
			    nd->no_recheck ? ", recheck: no" : "",
			    nd->signer ? ", signer: " : "",
			    nd->signer ? nd->signer : "",
			    nd->every_visit ? ", every-visit: yes" : "");
	struct content_span sp = { .text = s, .style = CONTENT_PLAIN };

	layout_append(l, layout_spans(&sp, 1, LAYOUT_HEADING, o, width), NULL,
		      NULL, 0, o->ambiguous);
	free(s);
}

/* A quiz question: prompt, choices (1) (2) (3) with [x] on the right one,
 * then the explanation under a label. */
static struct layout *
layout_question(const struct content_node *nd, const struct layout_opts *o,
		int width)
{
	struct layout *l = layout_new();
	bool cjk = layout_nodes_cjk(nd->children, nd->nchildren);

	layout_id_line(l, nd, o, width);
	if (nd->nchildren > 0) {
		layout_blank(l);
		layout_append(l, layout_block_list(nd->children, nd->nchildren,
						   o, width),
			      NULL, NULL, 0, o->ambiguous);
	}
	if (nd->nitems > 0)
		layout_blank(l);
	for (size_t i = 0; i < nd->nitems; i++) {
		const struct content_item *it = &nd->items[i];
		char marker[32];
		int mw;
		struct layout_flat f;

		snprintf(marker, sizeof marker, "(%zu) ", i + 1);
		mw = text_strwidth(marker, o->ambiguous);
		if (width - mw < 2)
			marker[0] = '\0', mw = 0;
		memset(&f, 0, sizeof f);
		strbuf_init(&f.s);
		layout_flat_spans(&f, it->text.spans, it->text.n, 0, o,
				  width - mw);
		if (it->checked == 1)
			layout_flat_add(&f, " [x]", 4, LAYOUT_BORDER);
		layout_flat_finish(&f, o->ambiguous);
		layout_hang(l, layout_flat_wrap(&f, width - mw < 1 ? 1 : width - mw,
						o->ambiguous),
			    marker, LAYOUT_BORDER, o);
		layout_flat_done(&f);
	}
	if (nd->nexplain > 0) {
		struct content_span sp = {
			.text = (char *)(cjk ? "\xe8\xa7\xa3\xe8\xaa\xac"
					     : "Explanation"),
			.style = CONTENT_BOLD,
		};

		layout_blank(l);
		layout_append(l, layout_spans(&sp, 1, LAYOUT_HEADING, o, width),
			      NULL, NULL, 0, o->ambiguous);
		layout_append(l, layout_block_list(nd->explain, nd->nexplain, o,
						   width),
			      NULL, NULL, 0, o->ambiguous);
	}
	return l;
}

static struct layout *
layout_statement(const struct content_node *nd, const struct layout_opts *o,
		 int width)
{
	struct layout *l = layout_new();

	layout_id_line(l, nd, o, width);
	if (nd->nchildren > 0) {
		layout_blank(l);
		layout_append(l, layout_block_list(nd->children, nd->nchildren,
						   o, width),
			      NULL, NULL, 0, o->ambiguous);
	}
	return l;
}

/* A section of a follow-up file: its keys, its text, and a questionnaire
 * item's choices with their scores. */
static struct layout *
layout_entry(const struct content_node *nd, const struct layout_opts *o,
	     int width)
{
	struct layout *l = layout_new();
	char *s;
	struct content_span sp = { .style = CONTENT_PLAIN };

	switch (nd->entry) {
	case CONTENT_ENTRY_METHOD:
		s = xasprintf("[%s] class: %s", nd->id,
			      content_method_class_name(nd->method_class));
		break;
	case CONTENT_ENTRY_ITEM:
		s = nd->urgent_from > 0 ?
		    xasprintf("[%s]%s%s%s urgent-from: %d", nd->id,
			      nd->code ? " code: " : "", nd->code ? nd->code : "",
			      nd->code ? "," : "", nd->urgent_from) :
		    xasprintf("[%s]%s%s", nd->id, nd->code ? " code: " : "",
			      nd->code ? nd->code : "");
		break;
	case CONTENT_ENTRY_BAND:
		s = xasprintf("[%s] min-total: %d, flag: %s", nd->id,
			      nd->min_total, content_flag_name(nd->flag));
		break;
	case CONTENT_ENTRY_CHECK:
		s = xasprintf("[%s]%s%s%s", nd->id,
			      nd->code ? " code: " : "", nd->code ? nd->code : "",
			      nd->urgent_from ? " urgent: yes" : "");
		break;
	default:
		s = xasprintf("[%s] message: %s", nd->id,
			      nd->message ? nd->message : "?");
		break;
	}
	sp.text = s;
	layout_append(l, layout_spans(&sp, 1, LAYOUT_HEADING, o, width), NULL,
		      NULL, 0, o->ambiguous);
	free(s);
	if (nd->nchildren > 0) {
		layout_blank(l);
		layout_append(l, layout_block_list(nd->children, nd->nchildren,
						   o, width),
			      NULL, NULL, 0, o->ambiguous);
	}
	if (nd->nitems > 0)
		layout_blank(l);
	for (size_t i = 0; i < nd->nitems; i++) {
		const struct content_item *it = &nd->items[i];
		char marker[32], score[32];
		int mw;
		struct layout_flat f;

		snprintf(marker, sizeof marker, "(%zu) ", i + 1);
		snprintf(score, sizeof score, "[%d] ", it->score);
		mw = text_strwidth(marker, o->ambiguous);
		if (width - mw < 2)
			marker[0] = '\0', mw = 0;
		memset(&f, 0, sizeof f);
		strbuf_init(&f.s);
		/* the score first, where the source has it ("- [2] text") */
		layout_flat_add(&f, score, strlen(score), LAYOUT_BORDER);
		layout_flat_spans(&f, it->text.spans, it->text.n, 0, o,
				  width - mw);
		layout_flat_finish(&f, o->ambiguous);
		layout_hang(l, layout_flat_wrap(&f, width - mw < 1 ? 1 : width - mw,
						o->ambiguous),
			    marker, LAYOUT_BORDER, o);
		layout_flat_done(&f);
	}
	return l;
}

static struct layout *
layout_block(const struct content_node *nd, const struct layout_opts *o,
	     int width)
{
	switch (nd->kind) {
	case CONTENT_HEADING:
		return layout_heading(&nd->text, nd->level, o, width);
	case CONTENT_PARAGRAPH:
		return layout_text(&nd->text, 0, o, width);
	case CONTENT_LIST:
		return layout_list(nd, o, width);
	case CONTENT_TABLE:
		return layout_table(&nd->table, o, width);
	case CONTENT_CALLOUT:
		return layout_callout(nd, o, width);
	case CONTENT_QA:
		return layout_qa(nd, o, width);
	case CONTENT_QUESTION:
		return layout_question(nd, o, width);
	case CONTENT_STATEMENT:
		return layout_statement(nd, o, width);
	case CONTENT_ENTRY:
		return layout_entry(nd, o, width);
	}
	return layout_new();
}

/* ------------------------------------------------------------------ */
/* the interface */

static struct layout_opts
layout_fix_opts(const struct layout_opts *o)
{
	struct layout_opts f = *o;

	if (f.width < 1)
		f.width = 1;
	if (f.ambiguous != 2)
		f.ambiguous = 1;
	return f;
}

static void
layout_nodes_into(struct layout *l, const struct content_node *nodes, size_t n,
		  const struct layout_opts *o, size_t node0)
{
	for (size_t i = 0; i < n; i++) {
		size_t from;

		if (l->n > 0)
			layout_blank(l);
		from = l->n;
		layout_append(l, layout_block(&nodes[i], o, o->width), NULL,
			      NULL, 0, o->ambiguous);
		for (size_t k = from; k < l->n; k++)
			l->lines[k].node = node0 + i;
		if (from > 0)
			l->lines[from - 1].node = from > 1 ? l->lines[from - 2].node
							   : node0 + i;
	}
}

struct layout *
layout_doc(const struct content_doc *doc, const struct layout_opts *opts)
{
	struct layout_opts o = layout_fix_opts(opts);
	struct layout *l = layout_new();

	if (doc->title_inline.n > 0) {
		layout_append(l, layout_heading(&doc->title_inline, 1, &o, o.width),
			      NULL, NULL, 0, o.ambiguous);
	} else if (doc->title != NULL && doc->title[0] != '\0') {
		struct content_span sp = { .text = doc->title,
					   .style = CONTENT_PLAIN };
		struct content_inline in = { .spans = &sp, .n = 1 };

		layout_append(l, layout_heading(&in, 1, &o, o.width), NULL, NULL,
			      0, o.ambiguous);
	}
	layout_nodes_into(l, doc->nodes, doc->n, &o, 0);
	return l;
}

struct layout *
layout_nodes(const struct content_node *nodes, size_t n,
	     const struct layout_opts *opts)
{
	struct layout_opts o = layout_fix_opts(opts);
	struct layout *l = layout_new();

	layout_nodes_into(l, nodes, n, &o, 0);
	return l;
}

struct layout *
layout_inline(const struct content_inline *in, const struct layout_opts *opts)
{
	struct layout_opts o = layout_fix_opts(opts);

	return layout_text(in, 0, &o, o.width);
}

size_t
layout_line_of_node(const struct layout *l, size_t node)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->lines[i].node >= node)
			return i;
	return l->n;
}

void
layout_text_into(const struct layout *l, struct strbuf *sb)
{
	size_t need = l->n;

	for (size_t i = 0; i < l->n; i++)
		for (size_t r = 0; r < l->lines[i].nruns; r++)
			need += l->lines[i].runs[r].len;
	strbuf_reserve(sb, need);
	for (size_t i = 0; i < l->n; i++) {
		size_t mark = sb->len;

		for (size_t r = 0; r < l->lines[i].nruns; r++)
			strbuf_add(sb, l->lines[i].runs[r].text,
				   l->lines[i].runs[r].len);
		while (sb->len > mark && sb->s[sb->len - 1] == ' ')
			sb->s[--sb->len] = '\0';
		strbuf_addch(sb, '\n');
	}
}

char *
layout_to_text(const struct layout *l)
{
	struct strbuf sb;

	strbuf_init(&sb);
	layout_text_into(l, &sb);
	return strbuf_detach(&sb, NULL);
}
