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
	for (size_t i = 0; i < l->n; i++) {
		for (size_t r = 0; r < l->lines[i].nruns; r++)
			free(l->lines[i].runs[r].text);
		free(l->lines[i].runs);
	}
	free(l->lines);
	free(l);
}

static struct layout_line *
layout_push(struct layout *l)
{
	struct layout_line *ln;

	/* l->n is also the capacity's lower bound; grow by doubling. */
	if (l->n == 0 || (l->n >= 8 && (l->n & (l->n - 1)) == 0)) {
		size_t cap = l->n < 8 ? 8 : l->n * 2;

		l->lines = xreallocarray(l->lines, cap, sizeof *l->lines);
	}
	ln = &l->lines[l->n++];
	memset(ln, 0, sizeof *ln);
	return ln;
}

static void
layout_line_add(struct layout_line *ln, const char *s, size_t n, int w,
		unsigned attr)
{
	struct layout_run *r;

	if (n == 0)
		return;
	if (ln->nruns > 0 && ln->runs[ln->nruns - 1].attr == attr) {
		size_t len;

		r = &ln->runs[ln->nruns - 1];
		len = strlen(r->text);
		r->text = xreallocarray(r->text, len + n + 1, 1);
		memcpy(r->text + len, s, n);
		r->text[len + n] = '\0';
		r->width += w;
		ln->width += w;
		return;
	}
	ln->runs = xreallocarray(ln->runs, ln->nruns + 1, sizeof *ln->runs);
	r = &ln->runs[ln->nruns++];
	r->text = xstrndup(s, n);
	r->width = w;
	r->attr = attr;
	ln->width += w;
}

static void
layout_line_str(struct layout_line *ln, const char *s, unsigned attr, int amb)
{
	layout_line_add(ln, s, strlen(s), text_strwidth(s, amb), attr);
}

static void
layout_line_pad(struct layout_line *ln, int cols, unsigned attr)
{
	char buf[64];

	while (cols > 0) {
		int k = cols > 63 ? 63 : cols;

		memset(buf, ' ', (size_t)k);
		layout_line_add(ln, buf, (size_t)k, k, attr);
		cols -= k;
	}
}

/* Repeat a one-column-or-more string until cols is reached (not exceeded). */
static void
layout_line_repeat(struct layout_line *ln, const char *s, int cols,
		   unsigned attr, int amb)
{
	int w = text_strwidth(s, amb), k = 0;
	size_t len = strlen(s);
	struct strbuf sb;

	if (w <= 0)
		return;
	strbuf_init(&sb);
	for (; cols >= w; cols -= w, k++)
		strbuf_add(&sb, s, len);
	layout_line_add(ln, sb.s, sb.len, k * w, attr);
	strbuf_done(&sb);
}

/* Drop trailing spaces (the text promises none). */
static void
layout_line_trim(struct layout_line *ln)
{
	while (ln->nruns > 0) {
		struct layout_run *r = &ln->runs[ln->nruns - 1];
		size_t len = strlen(r->text), k = len;

		while (k > 0 && r->text[k - 1] == ' ')
			k--;
		r->width -= (int)(len - k);
		ln->width -= (int)(len - k);
		r->text[k] = '\0';
		if (k > 0)
			break;
		free(r->text);
		ln->nruns--;
	}
}

/* Append a run, taking its text (merged into the last run when the
 * attribute is the same). */
static void
layout_line_take(struct layout_line *ln, struct layout_run *run)
{
	if (ln->nruns > 0 && ln->runs[ln->nruns - 1].attr == run->attr) {
		layout_line_add(ln, run->text, strlen(run->text), run->width,
				run->attr);
		free(run->text);
	} else {
		ln->runs = xreallocarray(ln->runs, ln->nruns + 1,
					 sizeof *ln->runs);
		ln->runs[ln->nruns++] = *run;
		ln->width += run->width;
	}
	run->text = NULL;
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

	for (size_t i = 0; i < src->n; i++) {
		struct layout_line *sl = &src->lines[i];
		const char *pre = i == lead ? first : rest;
		struct layout_line *ln = layout_push(dst);

		if (pre != NULL && *pre != '\0' && (sl->nruns > 0 || i == lead)) {
			layout_line_str(ln, pre, pattr, amb);
			for (size_t r = 0; r < sl->nruns; r++)
				layout_line_take(ln, &sl->runs[r]);
			free(sl->runs);
		} else {
			*ln = *sl; /* the runs move over */
		}
		sl->runs = NULL;
		sl->nruns = 0;
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

struct layout_flat {
	struct strbuf s;
	unsigned *attr;
	size_t acap;
	unsigned char *keep;
	struct layout_atom *atoms;
	size_t natoms, atcap;
};

static void
layout_flat_add(struct layout_flat *f, const char *s, size_t n, unsigned attr)
{
	size_t base = f->s.len;
	char *end;

	strbuf_add(&f->s, s, n);
	if (f->s.len + 1 > f->acap) {
		f->acap = (f->s.len + 1) * 2;
		f->attr = xreallocarray(f->attr, f->acap, sizeof *f->attr);
	}
	for (size_t i = 0; i < n; i++)
		f->attr[base + i] = attr;
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
layout_flat_finish(struct layout_flat *f)
{
	size_t n = f->s.len;

	f->keep = xcalloc(n + 1, 1);
	text_keep_rules(f->s.s, n, f->keep);
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
	free(f->attr);
	free(f->keep);
	free(f->atoms);
}

/* Add bytes [a, e) of the flat text (w columns) as runs split where the
 * attribute changes. */
static void
layout_flat_runs(const struct layout_flat *f, struct layout_line *ln, size_t a,
		 size_t e, int w, int amb)
{
	size_t i = a;

	while (i < e) {
		size_t j = i + 1;

		while (j < e && f->attr[j] == f->attr[i])
			j++;
		layout_line_add(ln, f->s.s + i, j - i,
				i == a && j == e ? w
						 : text_width(f->s.s + i, j - i, amb),
				f->attr[i]);
		i = j;
	}
}

static struct layout *
layout_flat_wrap(const struct layout_flat *f, int width, int amb)
{
	struct layout *l = layout_new();
	struct text_line *tl;
	size_t nl = text_wrap(f->s.s, f->s.len, f->keep, width, amb, &tl);
	size_t at = 0;

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
				c = text_width(f->s.s + a, t->start - a, amb) +
				    (t->atomw - t->readw) / 2;
				if (c + t->readw > width)
					c = width - t->readw;
				if (c < col)
					c = col;
				layout_line_pad(ln, c - col, LAYOUT_RUBY);
				layout_line_str(ln, t->reading, LAYOUT_RUBY, amb);
				col = c + t->readw;
			}
			layout_line_trim(ln);
		}
		ln = layout_push(l);
		layout_flat_runs(f, ln, a, e, tl[i].width, amb);
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
	layout_flat_finish(&f);
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
	layout_line_repeat(layout_push(l), level == 1 ? "=" : "-", w,
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

	layout_line_str(ln, left, LAYOUT_BORDER, amb);
	for (size_t c = 0; c < ncols; c++) {
		if (c > 0)
			layout_line_str(ln, mid, LAYOUT_BORDER, amb);
		layout_line_repeat(ln, fill, colw[c] + 2, LAYOUT_BORDER, amb);
	}
	layout_line_str(ln, right, LAYOUT_BORDER, amb);
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
			layout_flat_finish(&f);
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
 * Column widths as a browser's automatic table layout does it: every column
 * at its max-content width if that fits, else min-content plus a share of the
 * room left in proportion to (max - min). Widths are multiples of the border
 * width b so that rules of ─ (b columns each) meet the joints. Returns false
 * when even the min-content widths do not fit.
 */
static bool
layout_table_widths(const struct content_table *t, const struct layout_opts *o,
		    int width, int b, int *colw)
{
	size_t nc = t->ncols;
	int *mn = xcalloc(nc, sizeof *mn), *mx = xcalloc(nc, sizeof *mx);
	long summin = 0, summax = 0, avail;
	bool ok = true;

	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < nc; c++) {
			const struct content_inline *in = &t->cells[r * nc + c];
			struct layout_flat f;
			int a, z;

			memset(&f, 0, sizeof f);
			strbuf_init(&f.s);
			layout_flat_spans(&f, in->spans, in->n, 0, o, width);
			layout_flat_finish(&f);
			text_measure(f.s.s, f.s.len, f.keep, o->ambiguous, &a, &z);
			for (size_t k = 0; k < f.natoms; k++)
				if (f.atoms[k].atomw > a)
					a = f.atoms[k].atomw;
			if (a > mn[c])
				mn[c] = a;
			if (z > mx[c])
				mx[c] = z;
			layout_flat_done(&f);
		}
	}
	for (size_t c = 0; c < nc; c++) {
		mn[c] = layout_round_up(mn[c] < 1 ? 1 : mn[c], b);
		mx[c] = layout_round_up(mx[c] < mn[c] ? mn[c] : mx[c], b);
		summin += mn[c];
		summax += mx[c];
	}
	avail = (long)width - (long)(nc + 1) * b - 2L * (long)nc;
	if (summax <= avail) {
		memcpy(colw, mx, nc * sizeof *colw);
	} else if (summin <= avail) {
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
	struct layout *l;
	int *colw;

	if (t->ncols == 0 || t->nrows == 0 || t->cells == NULL)
		return layout_new();
	colw = xcalloc(t->ncols, sizeof *colw);
	if (!layout_table_widths(t, o, width, b, colw)) {
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
			cell[c] = layout_text(&t->cells[r * t->ncols + c],
					      r == 0 ? LAYOUT_BOLD : 0, o,
					      colw[c]);
			if (cell[c]->n > height)
				height = cell[c]->n;
		}
		for (size_t y = 0; y < height; y++) {
			struct layout_line *ln = layout_push(l);

			layout_line_str(ln, BOX_V, LAYOUT_BORDER, amb);
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
				layout_line_pad(ln, 1 + left, 0);
				for (size_t k = 0; src && k < src->nruns; k++)
					layout_line_add(ln, src->runs[k].text,
							strlen(src->runs[k].text),
							src->runs[k].width,
							src->runs[k].attr);
				layout_line_pad(ln, colw[c] - w - left + 1, 0);
				layout_line_str(ln, BOX_V, LAYOUT_BORDER, amb);
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
		struct content_span sp = { (char *)label, NULL, CONTENT_PLAIN,
					   0, 0 };

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
	layout_line_str(ln, BOX_TL, LAYOUT_BORDER | kind, amb);
	layout_line_str(ln, BOX_H, LAYOUT_BORDER | kind, amb);
	layout_line_str(ln, " ", LAYOUT_BORDER | kind, amb);
	layout_line_str(ln, label, LAYOUT_BORDER | kind, amb);
	layout_line_str(ln, " ", LAYOUT_BORDER | kind, amb);
	if ((frame - ln->width - b) % b)
		layout_line_str(ln, " ", LAYOUT_BORDER | kind, amb);
	layout_line_repeat(ln, BOX_H, frame - ln->width - b, LAYOUT_BORDER | kind,
			   amb);
	layout_line_str(ln, BOX_TR, LAYOUT_BORDER | kind, amb);

	body = layout_block_list(nd->children, nd->nchildren, o, inner);
	for (size_t i = 0; i < body->n; i++) {
		struct layout_line *src = &body->lines[i];

		ln = layout_push(l);
		layout_line_str(ln, BOX_V, LAYOUT_BORDER | kind, amb);
		layout_line_pad(ln, 1, kind);
		for (size_t k = 0; k < src->nruns; k++)
			layout_line_add(ln, src->runs[k].text,
					strlen(src->runs[k].text),
					src->runs[k].width,
					src->runs[k].attr | kind);
		layout_line_pad(ln, inner - src->width + 1, kind);
		layout_line_str(ln, BOX_V, LAYOUT_BORDER | kind, amb);
	}
	layout_free(body);
	ln = layout_push(l);
	layout_line_str(ln, BOX_BL, LAYOUT_BORDER | kind, amb);
	layout_line_repeat(ln, BOX_H, frame - 2 * b, LAYOUT_BORDER | kind, amb);
	layout_line_str(ln, BOX_BR, LAYOUT_BORDER | kind, amb);
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
	char *s = xasprintf("[%s] profile: %s%s%s", nd->id ? nd->id : "?",
			    nd->profile ? nd->profile : "?",
			    nd->reread ? ", reread: " : "",
			    nd->reread ? nd->reread : "");
	struct content_span sp = { s, NULL, CONTENT_PLAIN, 0, 0 };

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
		layout_flat_finish(&f);
		layout_hang(l, layout_flat_wrap(&f, width - mw < 1 ? 1 : width - mw,
						o->ambiguous),
			    marker, LAYOUT_BORDER, o);
		layout_flat_done(&f);
	}
	if (nd->nexplain > 0) {
		struct content_span sp = {
			(char *)(cjk ? "\xe8\xa7\xa3\xe8\xaa\xac" : "Explanation"),
			NULL, CONTENT_BOLD, 0, 0
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
		struct content_span sp = { doc->title, NULL, CONTENT_PLAIN, 0, 0 };
		struct content_inline in = { &sp, 1 };

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

char *
layout_to_text(const struct layout *l)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < l->n; i++) {
		size_t mark = sb.len;

		for (size_t r = 0; r < l->lines[i].nruns; r++)
			strbuf_addstr(&sb, l->lines[i].runs[r].text);
		while (sb.len > mark && sb.s[sb.len - 1] == ' ')
			sb.s[--sb.len] = '\0';
		strbuf_addch(&sb, '\n');
	}
	return strbuf_detach(&sb, NULL);
}
