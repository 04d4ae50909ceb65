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
	size_t readlen;      /* its bytes */
	int readw, atomw;
	size_t ruby;         /* a jukugo ruby's index in the flat's rubies,
				LAYOUT_NO_RUBY for a group ruby */
	unsigned p0, p1;     /* the jukugo's parts [p0, p1) this atom shows */
};

#define LAYOUT_NO_RUBY ((size_t)-1)

/*
 * A jukugo ruby (text_ruby_split): a compound whose reading divides among
 * its kanji, so that it may be split at a kanji boundary with its reading
 * split with it. The flat text shows it whole, base（reading）; a line that
 * would end early before it, or cut through it, has it split (see
 * layout_flat_lines).
 */
struct layout_jukugo {
	const char *base, *reading; /* the span's (the document owns them) */
	size_t nparts;
	size_t bcut[TEXT_RUBY_MAX + 1]; /* part k: base [bcut[k], bcut[k+1]) */
	size_t rcut[TEXT_RUBY_MAX + 1]; /* and reading [rcut[k], rcut[k+1]) */
	unsigned attr, extra;
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
	struct layout_jukugo *rubies;
	size_t nrubies, rubcap;
	const struct layout_opts *o; /* as flattened (for splitting a ruby) */
	int width;
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
		 const char *reading, size_t readlen, int readw, int atomw,
		 size_t ruby, unsigned p0, unsigned p1)
{
	struct layout_atom *at;

	XGROW(f->atoms, f->natoms, f->atcap);
	at = &f->atoms[f->natoms++];
	at->start = start;
	at->mid = mid;
	at->end = f->s.len;
	at->reading = reading;
	at->readlen = readlen;
	at->readw = readw;
	at->atomw = atomw;
	at->ruby = ruby;
	at->p0 = p0;
	at->p1 = p1;
}

static unsigned
layout_span_attr(const struct content_span *sp, unsigned extra)
{
	return extra | ((sp->style & CONTENT_BOLD) ? LAYOUT_BOLD : 0);
}

/*
 * One ruby (or the parts [p0, p1) of a jukugo ruby, base and reading the
 * whole span's) as an atom: base（reading）, or the base padded to the
 * reading's width with the reading recorded for the line above, or the base
 * alone. A jukugo ruby with its reading off is plain text.
 */
static void
layout_flat_ruby(struct layout_flat *f, const char *base, size_t blen,
		 const char *rd, size_t rlen, unsigned attr, unsigned extra,
		 size_t ruby, unsigned p0, unsigned p1)
{
	const struct layout_opts *o = f->o;
	size_t start = f->s.len, mid;

	if (o->ruby == LAYOUT_RUBY_OFF && ruby != LAYOUT_NO_RUBY) {
		layout_flat_add(f, base, blen, attr);
		return;
	}
	if (o->ruby == LAYOUT_RUBY_OVER) {
		int bw = text_width(base, blen, o->ambiguous);
		int rw = text_width(rd, rlen, o->ambiguous);
		int aw = bw > rw ? bw : rw;

		if (aw <= f->width && memchr(base, '\n', blen) == NULL) {
			int left = (aw - bw) / 2;

			for (int k = 0; k < left; k++)
				layout_flat_add(f, " ", 1, attr);
			layout_flat_add(f, base, blen, attr);
			for (int k = left + bw; k < aw; k++)
				layout_flat_add(f, " ", 1, attr);
			layout_flat_atom(f, start, 0, rd, rlen, rw, aw, ruby, p0,
					 p1);
			return;
		}
		/* too wide to stand over its base: in parentheses */
	}
	layout_flat_add(f, base, blen, attr);
	mid = o->ruby != LAYOUT_RUBY_OFF ? f->s.len : 0;
	if (o->ruby != LAYOUT_RUBY_OFF) {
		layout_flat_add(f, "\xef\xbc\x88", 3, extra | LAYOUT_RUBY);
		layout_flat_add(f, rd, rlen, extra | LAYOUT_RUBY);
		layout_flat_add(f, "\xef\xbc\x89", 3, extra | LAYOUT_RUBY);
	}
	layout_flat_atom(f, start, mid, NULL, 0, 0, 0, ruby, p0, p1);
}

/* Parts [p0, p1) of jukugo ruby r as one atom. */
static void
layout_flat_ruby_parts(struct layout_flat *f, size_t r, unsigned p0,
		       unsigned p1)
{
	const struct layout_jukugo *rb = &f->rubies[r];

	layout_flat_ruby(f, rb->base + rb->bcut[p0], rb->bcut[p1] - rb->bcut[p0],
			 rb->reading + rb->rcut[p0], rb->rcut[p1] - rb->rcut[p0],
			 rb->attr, rb->extra, r, p0, p1);
}

/*
 * Flatten spans (optionally after a prefix span list) for wrapping at width.
 * A ruby becomes base（reading）, the base padded to the reading's width with
 * the reading recorded for the line above, or the base alone; a jukugo ruby
 * is remembered so that it can be split.
 */
static void
layout_flat_spans(struct layout_flat *f, const struct content_span *spans,
		  size_t n, unsigned extra, const struct layout_opts *o,
		  int width)
{
	size_t need = 16;

	f->o = o;
	f->width = width;
	/* the flat text's size up front (a reading adds its brackets, or
	   padding for a few columns): one allocation */
	for (size_t i = 0; i < n; i++)
		need += (spans[i].text ? strlen(spans[i].text) : 0) +
			(spans[i].ruby ? strlen(spans[i].ruby) + 8 : 0);
	strbuf_reserve(&f->s, need);
	for (size_t i = 0; i < n; i++) {
		const struct content_span *sp = &spans[i];
		unsigned attr = layout_span_attr(sp, extra);
		size_t tlen = sp->text ? strlen(sp->text) : 0, rlen, np;
		size_t bcut[TEXT_RUBY_MAX], rcut[TEXT_RUBY_MAX];
		size_t r = LAYOUT_NO_RUBY;

		if (sp->ruby == NULL || sp->ruby[0] == '\0' || tlen == 0) {
			layout_flat_add(f, sp->text ? sp->text : "", tlen, attr);
			continue;
		}
		rlen = strlen(sp->ruby);
		np = text_ruby_split(sp->text, tlen, sp->ruby, rlen, bcut, rcut);
		if (np >= 2) {
			struct layout_jukugo *rb;

			XGROW(f->rubies, f->nrubies, f->rubcap);
			r = f->nrubies++;
			rb = &f->rubies[r];
			rb->base = sp->text;
			rb->reading = sp->ruby;
			rb->nparts = np;
			rb->bcut[0] = rb->rcut[0] = 0;
			for (size_t k = 0; k + 1 < np; k++) {
				rb->bcut[k + 1] = bcut[k];
				rb->rcut[k + 1] = rcut[k];
			}
			rb->bcut[np] = tlen;
			rb->rcut[np] = rlen;
			rb->attr = attr;
			rb->extra = extra;
		}
		layout_flat_ruby(f, sp->text, tlen, sp->ruby, rlen, attr, extra,
				 r, 0, r != LAYOUT_NO_RUBY ? (unsigned)np : 1);
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
		/* an atom that starts with padding, or a jukugo ruby's part
		 * after another, may still start a line */
		if (at->start > 0 && f->keep[at->start] == TEXT_KEEP_NONE &&
		    (f->s.s[at->start] == ' ' ||
		     (at->ruby != LAYOUT_NO_RUBY && at->p0 > 0)))
			f->keep[at->start] = TEXT_KEEP_BREAK;
		/* the reading in parentheses, or the padding around a base
		 * under its reading, is not running text: the phrase model
		 * reads 承認されて, not 承認（しょうにん）されて */
		for (size_t i = at->mid > at->start ? at->mid : at->end;
		     i < at->end; i++)
			f->keep[i] |= TEXT_ASIDE;
		if (at->reading != NULL) {
			for (size_t i = at->start; i < at->end && f->s.s[i] == ' '; i++)
				f->keep[i] |= TEXT_ASIDE;
			for (size_t i = at->end; i > at->start && f->s.s[i - 1] == ' '; i--)
				f->keep[i - 1] |= TEXT_ASIDE;
		}
	}
}

static void
layout_flat_init(struct layout_flat *f)
{
	memset(f, 0, sizeof *f);
	strbuf_init(&f->s);
}

static void
layout_flat_done(struct layout_flat *f)
{
	strbuf_done(&f->s);
	free(f->seg);
	free(f->cols); /* and keep with it */
	free(f->atoms);
	free(f->rubies);
}

/* Bytes [a, e) of f added to out with their attributes. */
static void
layout_flat_copy(struct layout_flat *out, const struct layout_flat *f,
		 size_t a, size_t e)
{
	size_t k = 0;

	while (a < e) {
		size_t j;

		while (k + 1 < f->nseg && f->seg[k + 1].start <= a)
			k++;
		j = k + 1 < f->nseg && f->seg[k + 1].start < e ? f->seg[k + 1].start
							       : e;
		layout_flat_add(out, f->s.s + a, j - a, f->seg[k].attr);
		a = j;
	}
}

/*
 * f (with every jukugo ruby whole) made again into out with the rubies
 * split where open says: bit k of open[r] splits ruby r between its parts k
 * and k + 1.
 */
static void
layout_flat_resplit(const struct layout_flat *f, const uint32_t *open,
		    struct layout_flat *out)
{
	size_t pos = 0;

	layout_flat_init(out);
	out->o = f->o;
	out->width = f->width;
	strbuf_reserve(&out->s, f->s.len + 64);
	if (f->nrubies > 0) {
		out->rubies = xreallocarray(NULL, f->nrubies, sizeof *f->rubies);
		memcpy(out->rubies, f->rubies, f->nrubies * sizeof *f->rubies);
		out->nrubies = out->rubcap = f->nrubies;
	}
	for (size_t a = 0; a < f->natoms; a++) {
		const struct layout_atom *at = &f->atoms[a];
		unsigned p0;

		layout_flat_copy(out, f, pos, at->start);
		pos = at->end;
		if (at->ruby == LAYOUT_NO_RUBY || open[at->ruby] == 0) {
			size_t start = out->s.len;

			layout_flat_copy(out, f, at->start, at->end);
			layout_flat_atom(out, start,
					 at->mid ? start + (at->mid - at->start) : 0,
					 at->reading, at->readlen, at->readw,
					 at->atomw, at->ruby, at->p0, at->p1);
			continue;
		}
		p0 = at->p0;
		for (unsigned k = at->p0; k + 1 < at->p1; k++) {
			if (open[at->ruby] & (1u << k)) {
				layout_flat_ruby_parts(out, at->ruby, p0, k + 1);
				p0 = k + 1;
			}
		}
		layout_flat_ruby_parts(out, at->ruby, p0, at->p1);
	}
	layout_flat_copy(out, f, pos, f->s.len);
	layout_flat_finish(out, f->o->ambiguous);
}

/* Columns of parts [p0, p1) of jukugo ruby r as an atom would show them. */
static int
layout_ruby_width(const struct layout_flat *f, size_t r, unsigned p0,
		  unsigned p1)
{
	const struct layout_jukugo *rb = &f->rubies[r];
	int amb = f->o->ambiguous;
	int bw = text_width(rb->base + rb->bcut[p0], rb->bcut[p1] - rb->bcut[p0],
			    amb);
	int rw = text_width(rb->reading + rb->rcut[p0],
			    rb->rcut[p1] - rb->rcut[p0], amb);

	if (f->o->ruby == LAYOUT_RUBY_OVER && (bw > rw ? bw : rw) <= f->width)
		return bw > rw ? bw : rw;
	return bw + 4 + rw; /* base（reading） */
}

/*
 * The decisions of layout_flat_lines after one wrap (lines tl of cur): a
 * jukugo ruby is split, at every kanji boundary not merged back before,
 * when a line cuts through it (it is wider than a line) or when the line
 * before it ended early (not full, or not between phrases) and its first
 * part would fit there; a boundary that was split but ended up inside a
 * line is merged back, for good. Returns whether anything changed.
 */
static bool
layout_flat_replan(const struct layout_flat *cur, const struct text_line *tl,
		   size_t nl, int width, uint32_t *open, uint32_t *closed)
{
	bool changed = false;
	size_t i = 0, joined = LAYOUT_NO_RUBY;

	for (size_t a = 0; a < cur->natoms; a++) {
		const struct layout_atom *at = &cur->atoms[a];
		size_t r = at->ruby;
		uint32_t inner = 0;

		if (r == LAYOUT_NO_RUBY)
			continue;
		while (i + 1 < nl && tl[i + 1].start <= at->start)
			i++; /* tl[i]: the line the atom starts on */
		/* a part after a split that is not at a line's start, or that
		   would fit on the line before with the part it was split from
		   (joined, they are narrower: 奇形（きけい） against
		   奇（き）形（けい）) */
		if (at->p0 > 0 && (open[r] & (1u << (at->p0 - 1))) &&
		    (tl[i].start != at->start ||
		     (joined != r && i > 0 && a > 0 && cur->atoms[a - 1].ruby == r &&
		      cur->atoms[a - 1].p1 == at->p0 &&
		      tl[i - 1].end == cur->atoms[a - 1].end &&
		      tl[i - 1].width -
				      layout_ruby_width(cur, r, cur->atoms[a - 1].p0,
							at->p0) +
				      layout_ruby_width(cur, r, cur->atoms[a - 1].p0,
							at->p1) <=
			      width))) {
			open[r] &= ~(1u << (at->p0 - 1));
			closed[r] |= 1u << (at->p0 - 1);
			changed = true;
			joined = r; /* one join a round: the next is measured
				       after this one */
		}
		for (unsigned k = at->p0; k + 1 < at->p1; k++)
			inner |= 1u << k;
		inner &= ~closed[r] & ~open[r];
		if (inner == 0)
			continue;
		if (i + 1 < nl && tl[i + 1].start < at->end) {
			/* a line cuts through it */
			open[r] |= inner;
			changed = true;
		} else if (i > 0 && tl[i].start == at->start &&
			   tl[i - 1].brk != TEXT_BRK_END &&
			   !(tl[i - 1].brk == TEXT_BRK_PHRASE &&
			     (long)tl[i - 1].width * TEXT_FULL_DEN >=
				     (long)width * TEXT_FULL_NUM) &&
			   tl[i - 1].width +
					   layout_ruby_width(cur, r, at->p0,
							     at->p0 + 1) <=
				   width) {
			/* the line before ended early: its first part there */
			open[r] |= inner;
			changed = true;
		}
	}
	return changed;
}

/*
 * Wrap f at width: the lines (caller frees *tl), with the flat text they are
 * of. That is f itself unless a jukugo ruby had to be split: then *own,
 * which the caller frees with layout_flat_done when *owned; *splits (when
 * not NULL) gets the number of kanji boundaries split. Splitting and
 * merging back go on until nothing changes (each kanji boundary is split at
 * most once and merged back at most once).
 */
static size_t
layout_flat_lines(const struct layout_flat *f, int width,
		  struct layout_flat *own, bool *owned, struct text_line **tl,
		  int *splits)
{
	int amb = f->o != NULL ? f->o->ambiguous : 1;
	size_t nl = text_wrap_cols(f->s.s, f->s.len, f->keep, f->cols, width,
				   amb, tl);
	uint32_t *open, *closed;
	const struct layout_flat *cur = f;

	*owned = false;
	if (splits != NULL)
		*splits = 0;
	if (f->nrubies == 0)
		return nl;
	open = xcalloc(2 * f->nrubies, sizeof *open);
	closed = open + f->nrubies;
	for (int round = 0; round <= 2 * TEXT_RUBY_MAX * (int)f->nrubies; round++) {
		if (!layout_flat_replan(cur, *tl, nl, width, open, closed))
			break;
		if (*owned)
			layout_flat_done(own);
		layout_flat_resplit(f, open, own);
		*owned = true;
		cur = own;
		free(*tl);
		nl = text_wrap_cols(cur->s.s, cur->s.len, cur->keep, cur->cols,
				    width, amb, tl);
	}
	for (size_t r = 0; splits != NULL && r < f->nrubies; r++)
		for (uint32_t m = open[r]; m != 0; m &= m - 1)
			(*splits)++;
	free(open);
	return nl;
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

/*
 * What a text's breaks cost (tables weigh their columns with it, and a table
 * against its blocks): each break inside a phrase, each inside a word, and
 * a last line of one or two characters (す。). The weights say what we would
 * trade: a line more for two phrases kept whole, any number of lines for a
 * word kept whole (nearly).
 */
enum {
	LAYOUT_COST_LINE = 4,
	LAYOUT_COST_PHRASE = 3,
	LAYOUT_COST_WORD = 12,
	LAYOUT_COST_LONE = 3,
	/* a compound with its reading split at a kanji boundary (the word
	   cut and its reading in two parentheses): twice a phrase */
	LAYOUT_COST_RUBY = 6,
};

static long
layout_break_cost(const struct text_line *tl, size_t nl, int amb)
{
	long cost = 0;

	for (size_t i = 0; i < nl; i++) {
		if (tl[i].brk == TEXT_BRK_INPHRASE)
			cost += LAYOUT_COST_PHRASE;
		else if (tl[i].brk >= TEXT_BRK_INWORD)
			cost += LAYOUT_COST_WORD;
	}
	if (nl > 1 && tl[nl - 2].brk != TEXT_BRK_END &&
	    tl[nl - 1].width <= 2 * text_char_width(0x3042, amb))
		cost += LAYOUT_COST_LONE;
	return cost;
}

/* Lay f out at width; *cost (when not NULL) gets what its breaks cost. */
static struct layout *
layout_flat_wrap_cost(const struct layout_flat *f0, int width, long *cost)
{
	struct layout *l = layout_new();
	struct text_line *tl;
	struct layout_flat own;
	bool owned;
	int splits;
	size_t nl = layout_flat_lines(f0, width, &own, &owned, &tl, &splits);
	const struct layout_flat *f = owned ? &own : f0;
	size_t at = 0, sg = 0;

	if (cost != NULL)
		*cost = layout_break_cost(tl, nl, f->o != NULL ? f->o->ambiguous : 1) +
			(long)splits * LAYOUT_COST_RUBY;

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
				layout_line_add(l, ln, t->reading, t->readlen,
						t->readw, LAYOUT_RUBY);
				col = c + t->readw;
			}
			layout_line_trim(ln);
		}
		ln = layout_push(l);
		layout_flat_runs(f, l, ln, a, e, tl[i].width, &sg);
		layout_line_trim(ln);
	}
	free(tl);
	if (owned)
		layout_flat_done(&own);
	return l;
}

static struct layout *
layout_flat_wrap(const struct layout_flat *f, int width)
{
	return layout_flat_wrap_cost(f, width, NULL);
}

static struct layout *
layout_spans(const struct content_span *spans, size_t n, unsigned extra,
	     const struct layout_opts *o, int width)
{
	struct layout_flat f;
	struct layout *l;

	layout_flat_init(&f);
	layout_flat_spans(&f, spans, n, extra, o, width);
	layout_flat_finish(&f, o->ambiguous);
	l = layout_flat_wrap(&f, width < 1 ? 1 : width);
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
		    int width, long *pen)
{
	struct layout *l = layout_new();
	long c0;
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

			layout_flat_init(&f);
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
			cell = layout_flat_wrap_cost(&f, width, &c0);
			if (cell->n > 1) {
				layout_free(cell);
				cell = layout_flat_wrap_cost(&f, inner, &c0);
			}
			*pen += c0;
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
 * Sizing a table's columns. A cell's cost at a column width: its lines, and
 * what its breaks did (layout_break_cost). A table's cost: the lines of its
 * rows (each as tall as its tallest cell) and the sum of its cells' break
 * costs.
 */
enum {
	/* the widest single move the search tries, in border widths */
	LAYOUT_MOVE_MAX = 8,
};

struct layout_tcell {
	const struct layout_flat *f;
	struct text_para *tp; /* made when the cell is first wrapped */
	int mx;               /* max-content, ruby atoms counted */
	int hard;             /* its hard lines */
};

/* One column wrapped at one width. */
struct layout_tfit {
	size_t col;
	int width;
	int *lines; /* per row */
	long cost;  /* the column's penalties */
	int used;   /* its widest line */
};

struct layout_tsize {
	size_t nr, nc;
	int amb, b;
	struct layout_tcell *cell; /* nr * nc */
	struct layout_tfit *fit;   /* what was tried (the search's memo) */
	size_t nfit, fitcap;
};

static struct text_para *
layout_tcell_para(struct layout_tsize *ts, struct layout_tcell *tc)
{
	if (tc->tp == NULL)
		tc->tp = text_para_new(tc->f->s.s, tc->f->s.len, tc->f->keep,
				       tc->f->cols, ts->amb);
	return tc->tp;
}

/* Column c at width w, wrapped once and remembered. */
static const struct layout_tfit *
layout_tfit(struct layout_tsize *ts, size_t c, int w)
{
	struct layout_tfit *ft;

	for (size_t k = 0; k < ts->nfit; k++)
		if (ts->fit[k].col == c && ts->fit[k].width == w)
			return &ts->fit[k];
	XGROW(ts->fit, ts->nfit, ts->fitcap);
	ft = &ts->fit[ts->nfit++];
	ft->col = c;
	ft->width = w;
	ft->lines = xcalloc(ts->nr, sizeof *ft->lines);
	ft->cost = 0;
	ft->used = 0;
	for (size_t r = 0; r < ts->nr; r++) {
		struct layout_tcell *tc = &ts->cell[r * ts->nc + c];
		struct text_line *tl;
		size_t nl;

		if (tc->mx <= w) {
			ft->lines[r] = tc->hard;
			if (tc->mx > ft->used)
				ft->used = tc->mx;
			continue;
		}
		if (tc->f->nrubies > 0) {
			/* as it will be wrapped, its rubies split if need be */
			struct layout_flat own;
			bool owned;
			int splits;

			nl = layout_flat_lines(tc->f, w, &own, &owned, &tl,
					       &splits);
			if (owned)
				layout_flat_done(&own);
			ft->cost += (long)splits * LAYOUT_COST_RUBY;
		} else {
			nl = text_para_wrap(layout_tcell_para(ts, tc), w, &tl);
		}
		ft->lines[r] = (int)nl;
		ft->cost += layout_break_cost(tl, nl, ts->amb);
		for (size_t i = 0; i < nl; i++)
			if (tl[i].width > ft->used)
				ft->used = tl[i].width;
		free(tl);
	}
	return ft;
}

/* The min-content width of f with every jukugo ruby split at every kanji
 * boundary (and its atoms as wide as they are then). */
static int
layout_flat_min_split(const struct layout_flat *f)
{
	uint32_t *open = xcalloc(f->nrubies, sizeof *open);
	struct layout_flat sp;
	struct text_para *tp;
	int m[3];

	for (size_t r = 0; r < f->nrubies; r++)
		open[r] = ~0u;
	layout_flat_resplit(f, open, &sp);
	tp = text_para_new(sp.s.s, sp.s.len, sp.keep, sp.cols, f->o->ambiguous);
	text_para_measure(tp, &m[0], &m[1], &m[2]);
	for (size_t k = 0; k < sp.natoms; k++)
		if (sp.atoms[k].atomw > m[0])
			m[0] = sp.atoms[k].atomw;
	text_para_free(tp);
	layout_flat_done(&sp);
	free(open);
	return m[0];
}

/*
 * The table's cost with columns w, times 256, plus the columns' free width
 * (the width no line of a column uses): of equal tables, the one whose
 * columns have least room to spare, so that a column that breaks a phrase
 * has what another would not use.
 */
static long
layout_tcost(struct layout_tsize *ts, const int *w)
{
	const struct layout_tfit **ft = xcalloc(ts->nc, sizeof *ft);
	long cost = 0, spare = 0;

	/* every column first: layout_tfit may move the memo */
	for (size_t c = 0; c < ts->nc; c++)
		(void)layout_tfit(ts, c, w[c]);
	for (size_t c = 0; c < ts->nc; c++) {
		ft[c] = layout_tfit(ts, c, w[c]);
		cost += ft[c]->cost;
		spare += w[c] - ft[c]->used;
	}
	for (size_t r = 0; r < ts->nr; r++) {
		int h = 0;

		for (size_t c = 0; c < ts->nc; c++)
			if (ft[c]->lines[r] > h)
				h = ft[c]->lines[r];
		cost += (long)h * LAYOUT_COST_LINE;
	}
	free(ft);
	return cost * 256 + (spare < 255 ? spare : 255);
}

/* Raise w toward want with at most *room columns, in proportion to what
 * each column lacks, in multiples of b. */
static void
layout_share(int *w, const int *want, size_t nc, int b, long *room)
{
	long need = 0, used = 0;

	for (size_t c = 0; c < nc; c++)
		if (want[c] > w[c])
			need += want[c] - w[c];
	if (need == 0 || *room < b)
		return;
	if (need <= *room) {
		for (size_t c = 0; c < nc; c++)
			if (want[c] > w[c])
				w[c] = want[c];
		*room -= need;
		return;
	}
	for (size_t c = 0; c < nc; c++) {
		long share;

		if (want[c] <= w[c])
			continue;
		share = *room * (want[c] - w[c]) / need / b * b;
		w[c] += (int)share;
		used += share;
	}
	/* what rounding left over, to the columns that still lack most */
	while (*room - used >= b) {
		size_t best = nc;

		for (size_t c = 0; c < nc; c++)
			if (want[c] > w[c] &&
			    (best == nc || want[c] - w[c] > want[best] - w[best]))
				best = c;
		if (best == nc)
			break;
		w[best] += b;
		used += b;
	}
	*room -= used;
}

/*
 * Column widths when the max-content widths do not fit. Every column gets
 * its min-content width (no piece overflows), then, as far as the room
 * goes, the width of its widest word (no katakana or Latin word broken),
 * then of its widest phrase (no phrase broken), then a share of what is
 * left in proportion to its content beyond that; and then a search moves
 * width between columns, a border width to LAYOUT_MOVE_MAX of them at a
 * time, while that lowers the table's cost (its lines and broken phrases:
 * a column with room to spare gives it to a cell that breaks a word, and a
 * lone す。 is absorbed when a little more width does it). Returns false
 * when even min-content does not fit.
 */
static bool
layout_table_fit(struct layout_tsize *ts, const int *mx, long avail,
		 int *colw, long *pen)
{
	size_t nc = ts->nc;
	int *lv = xcalloc(3 * nc, sizeof *lv); /* min, word, phrase */
	int *w = xcalloc(2 * nc, sizeof *w), *t = w + nc;
	long room = avail, cost;
	bool ok = false;
	int b = ts->b;

	for (size_t i = 0; i < ts->nr * nc; i++) {
		struct layout_tcell *tc = &ts->cell[i];
		size_t c = i % nc;
		int m[3];

		text_para_measure(layout_tcell_para(ts, tc), &m[0], &m[1], &m[2]);
		for (size_t k = 0; k < tc->f->natoms; k++)
			for (int j = 0; j < 3; j++)
				if (tc->f->atoms[k].atomw > m[j])
					m[j] = tc->f->atoms[k].atomw;
		if (tc->f->nrubies > 0) {
			/* a jukugo ruby may split: min-content is its widest
			   part's */
			m[0] = layout_flat_min_split(tc->f);
		}
		for (int j = 0; j < 3; j++)
			if (m[j] > lv[j * nc + c])
				lv[j * nc + c] = m[j];
	}
	for (size_t c = 0; c < nc; c++) {
		for (int j = 0; j < 3; j++) {
			int *v = &lv[j * nc + c];

			*v = layout_round_up(*v < 1 ? 1 : *v, b);
			if (*v > mx[c])
				*v = mx[c];
		}
		w[c] = lv[c];
		room -= w[c];
	}
	if (room < 0)
		goto done;
	ok = true;
	layout_share(w, lv + nc, nc, b, &room);
	layout_share(w, lv + 2 * nc, nc, b, &room);
	layout_share(w, mx, nc, b, &room);
	/* the room left when every column is at max-content cannot be: the
	   max-content widths did not fit */
	cost = layout_tcost(ts, w);
	for (int round = 0; round < 32; round++) {
		long best = cost;
		size_t bi = nc, bj = nc;
		int bd = 0;

		for (size_t i = 0; i < nc; i++) {
			for (size_t j = 0; j < nc; j++) {
				if (i == j)
					continue;
				for (int d = b; d <= LAYOUT_MOVE_MAX * b; d += b) {
					long c2;

					if (w[j] - d < lv[j] || w[i] + d > mx[i])
						break;
					memcpy(t, w, nc * sizeof *t);
					t[i] += d;
					t[j] -= d;
					c2 = layout_tcost(ts, t);
					if (c2 < best) {
						best = c2;
						bi = i, bj = j, bd = d;
					}
				}
			}
		}
		if (bi == nc)
			break;
		w[bi] += bd;
		w[bj] -= bd;
		cost = best;
	}
	memcpy(colw, w, nc * sizeof *colw);
	*pen = 0;
	for (size_t c = 0; c < nc; c++)
		*pen += layout_tfit(ts, c, w[c])->cost;
done:
	free(lv);
	free(w);
	return ok;
}

/*
 * Column widths. Every column at its max-content width if that fits (the
 * common case, nothing else measured; *pen 0); else layout_table_fit
 * (*pen what the breaks in its cells cost). Widths are multiples of the
 * border width b so that rules
 * of ─ (b columns each) meet the joints. Returns false when even the
 * min-content widths do not fit.
 */
static bool
layout_table_widths(const struct content_table *t,
		    const struct layout_flat *fl, int amb, int width, int b,
		    int *colw, long *pen)
{
	size_t nc = t->ncols;
	int *mx = xcalloc(nc, sizeof *mx);
	long summax = 0, avail = (long)width - (long)(nc + 1) * b - 2L * (long)nc;
	struct layout_tsize ts = { .nr = t->nrows, .nc = nc, .amb = amb, .b = b };
	bool ok;

	ts.cell = xcalloc(t->nrows * nc, sizeof *ts.cell);
	for (size_t i = 0; i < t->nrows * nc; i++) {
		const struct layout_flat *f = &fl[i];
		struct layout_tcell *tc = &ts.cell[i];
		int z = text_max_content(f->s.s, f->s.len, amb);

		for (size_t k = 0; k < f->natoms; k++)
			if (f->atoms[k].atomw > z)
				z = f->atoms[k].atomw;
		tc->f = f;
		tc->mx = z;
		tc->hard = 1;
		for (const char *q = f->s.s;
		     (q = memchr(q, '\n', f->s.len - (size_t)(q - f->s.s))) != NULL;
		     q++)
			tc->hard++;
		if (z > mx[i % nc])
			mx[i % nc] = z;
	}
	for (size_t c = 0; c < nc; c++) {
		mx[c] = layout_round_up(mx[c] < 1 ? 1 : mx[c], b);
		summax += mx[c];
	}
	*pen = 0; /* no break inside a cell costs anything */
	if (summax <= avail) {
		memcpy(colw, mx, nc * sizeof *colw);
		ok = true;
	} else {
		ok = layout_table_fit(&ts, mx, avail, colw, pen);
	}
	for (size_t i = 0; i < t->nrows * nc; i++)
		text_para_free(ts.cell[i].tp);
	for (size_t k = 0; k < ts.nfit; k++)
		free(ts.fit[k].lines);
	free(ts.fit);
	free(ts.cell);
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
	long pen, bpen = 0;

	if (t->ncols == 0 || t->nrows == 0 || t->cells == NULL)
		return layout_new();
	colw = xcalloc(t->ncols, sizeof *colw);
	fl = layout_table_flats(t, o, width);
	if (!layout_table_widths(t, fl, amb, width, b, colw, &pen)) {
		layout_table_flats_free(fl, t->nrows * nc);
		free(colw);
		return layout_table_blocks(t, o, width, &bpen);
	}
	if (pen > 0) {
		/* columns so narrow that cells break phrases: one block per
		   row instead when the blocks break far fewer (less than half,
		   by more than a word's worth) */
		struct layout *bl = layout_table_blocks(t, o, width, &bpen);

		if (pen > 2 * bpen && pen - bpen > LAYOUT_COST_WORD) {
			layout_table_flats_free(fl, t->nrows * nc);
			free(colw);
			return bl;
		}
		layout_free(bl);
	}
	l = layout_new();
	layout_table_rule(l, colw, t->ncols, BOX_TL, BOX_H, BOX_T, BOX_TR,
			  amb);
	for (size_t r = 0; r < t->nrows; r++) {
		struct layout **cell = xcalloc(t->ncols, sizeof *cell);
		size_t height = 0;

		for (size_t c = 0; c < t->ncols; c++) {
			cell[c] = layout_flat_wrap(&fl[r * nc + c],
						   colw[c] < 1 ? 1 : colw[c]);
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
		size_t xpos;
		struct layout_flat f;

		snprintf(marker, sizeof marker, "(%zu) ", i + 1);
		mw = text_strwidth(marker, o->ambiguous);
		if (width - mw < 2)
			marker[0] = '\0', mw = 0;
		layout_flat_init(&f);
		layout_flat_spans(&f, it->text.spans, it->text.n, 0, o,
				  width - mw);
		xpos = f.s.len + 1;
		if (it->checked == 1)
			layout_flat_add(&f, " [x]", 4, LAYOUT_BORDER);
		layout_flat_finish(&f, o->ambiguous);
		/* the mark stays with the last word: never a line of its own */
		if (it->checked == 1)
			f.keep[xpos] = (unsigned char)((f.keep[xpos] & ~TEXT_KEEP_MASK) |
						       TEXT_KEEP_HARD);
		layout_hang(l, layout_flat_wrap(&f, width - mw < 1 ? 1 : width - mw),
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
		layout_flat_init(&f);
		/* the score first, where the source has it ("- [2] text") */
		layout_flat_add(&f, score, strlen(score), LAYOUT_BORDER);
		layout_flat_spans(&f, it->text.spans, it->text.n, 0, o,
				  width - mw);
		layout_flat_finish(&f, o->ambiguous);
		layout_hang(l, layout_flat_wrap(&f, width - mw < 1 ? 1 : width - mw),
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
