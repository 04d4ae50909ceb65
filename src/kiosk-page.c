/*
 * kiosk-page: what a state shows in its body, as one column of rows that
 * scrolls: laid-out content (layout.h), wrapped UI text, and buttons inside
 * the text (quiz choices, the confirmation box), so that on a small screen
 * a choice is scrolled to like a paragraph, never hidden. Owns the layouts,
 * the texts and the rows of a struct kiosk_page (kiosk-int.h).
 *
 * The column is the reading measure (kiosk_frame: at most cfg->measure
 * full-width characters, centred); a table wider than that may take the
 * whole width, centred on the column. Pages are drawn with a scroll column
 * at the right edge whose arrows and track are buttons, for fingers.
 */
#include <stdlib.h>
#include <string.h>

#include "kiosk-int.h"
#include "text.h"
#include "xmalloc.h"

void
kiosk_page_init(struct kiosk_page *p, int w, int wide)
{
	memset(p, 0, sizeof *p);
	p->w = w > 0 ? w : 1;
	p->wide = wide > p->w ? wide : p->w;
}

void
kiosk_page_done(struct kiosk_page *p)
{
	for (size_t i = 0; i < p->nlays; i++)
		layout_free(p->lays[i]);
	for (size_t i = 0; i < p->ntexts; i++)
		free(p->texts[i]);
	free(p->lays);
	free(p->texts);
	free(p->rows);
	free(p->buttons);
	memset(p, 0, sizeof *p);
}

struct kiosk_page *
kiosk_page_new(int w, int wide)
{
	struct kiosk_page *p = xmalloc(sizeof *p);

	kiosk_page_init(p, w, wide);
	return p;
}

void
kiosk_page_free(struct kiosk_page **p)
{
	if (*p != NULL)
		kiosk_page_done(*p);
	free(*p);
	*p = NULL;
}

static struct kiosk_row *
kiosk_page_row(struct kiosk_page *p)
{
	struct kiosk_row *r;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->rows = xreallocarray(p->rows, p->cap, sizeof *p->rows);
	}
	r = &p->rows[p->n++];
	memset(r, 0, sizeof *r);
	r->button = -1;
	r->node = p->n > 1 ? p->rows[p->n - 2].node : 0;
	return r;
}

void
kiosk_page_blank(struct kiosk_page *p)
{
	kiosk_page_row(p);
}

void
kiosk_page_add_layout(struct kiosk_page *p, struct layout *l, size_t node0,
		      int x)
{
	if (p->nlays == p->caplays) {
		p->caplays = p->caplays ? p->caplays * 2 : 4;
		p->lays = xreallocarray(p->lays, p->caplays, sizeof *p->lays);
	}
	p->lays[p->nlays++] = l;
	for (size_t i = 0; i < l->n; i++) {
		struct kiosk_row *r = kiosk_page_row(p);

		r->line = &l->lines[i];
		r->x = x;
		r->node = node0 + l->lines[i].node;
	}
}

static int
kiosk_layout_width(const struct layout *l)
{
	int w = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->lines[i].width > w)
			w = l->lines[i].width;
	return w;
}

/* Is l a table drawn as a grid (not as one block per row, the form
 * layout falls back to when a table cannot fit its width)? */
static bool
kiosk_layout_grid(const struct layout *l)
{
	for (size_t i = 0; i < l->n; i++)
		for (size_t k = 0; k < l->lines[i].nruns; k++)
			if (strstr(l->lines[i].runs[k].text, "┌") != NULL)
				return true;
	return false;
}

/*
 * Content nodes at the page's width; a table that needs more (at the
 * measure it could only be shown as one block per row, with the whole
 * width as a grid) gets the whole width, centred on the column. Nodes keep
 * their indices (node0 + i) for the reader's place.
 */
void
kiosk_page_add_nodes(struct kiosk_page *p, const struct content_node *nodes,
		     size_t n, size_t node0, const struct layout_opts *opts)
{
	struct layout_opts o = *opts;
	size_t from = 0;

	o.width = p->w;
	for (size_t i = 0; i <= n; i++) {
		struct layout *wide = NULL;
		int ww;

		if (i < n && (nodes[i].kind != CONTENT_TABLE || p->wide <= p->w))
			continue;
		if (i < n) {
			struct layout_opts wo = o;
			struct layout *narrow = layout_nodes(&nodes[i], 1, &o);
			bool fits = kiosk_layout_grid(narrow);

			layout_free(narrow);
			if (fits)
				continue; /* a grid within the measure: with the rest */
			wo.width = p->wide;
			wide = layout_nodes(&nodes[i], 1, &wo);
			if (!kiosk_layout_grid(wide)) {
				layout_free(wide);
				continue; /* blocks either way: keep to the measure */
			}
		}
		if (i > from) {
			if (p->n > 0)
				kiosk_page_blank(p);
			kiosk_page_add_layout(p, layout_nodes(&nodes[from], i - from, &o),
					      node0 + from, 0);
		}
		if (wide != NULL) {
			ww = kiosk_layout_width(wide);
			if (p->n > 0)
				kiosk_page_blank(p);
			kiosk_page_add_layout(p, wide, node0 + i, (p->w - ww) / 2);
		}
		from = i + 1;
	}
}

static const char *
kiosk_page_keep(struct kiosk_page *p, char *s)
{
	if (p->ntexts == p->captexts) {
		p->captexts = p->captexts ? p->captexts * 2 : 16;
		p->texts = xreallocarray(p->texts, p->captexts, sizeof *p->texts);
	}
	p->texts[p->ntexts++] = s;
	return s;
}

/* UI text wrapped (Japanese line breaking) at width w: rows appended at x;
 * a prefix (a choice's number) starts the first row and the rest hang
 * under the text after it. */
static size_t
kiosk_page_wrap(struct kiosk_page *p, const char *prefix, const char *text,
		int x, int w, enum grid_style st, int ambiguous, int button)
{
	struct text_line *lines;
	size_t len = strlen(text), nl;
	unsigned char *keep = xcalloc(len + 1, 1);
	int pw = prefix != NULL ? grid_strwidth(prefix, ambiguous) : 0;

	if (pw > w / 2)
		pw = 0, prefix = NULL;
	text_keep_rules(text, len, keep);
	nl = text_wrap(text, len, keep, w - pw > 0 ? w - pw : 1, ambiguous, &lines);
	free(keep);
	for (size_t i = 0; i < nl; i++) {
		struct kiosk_row *r = kiosk_page_row(p);

		r->text = kiosk_page_keep(p, xasprintf("%*s%.*s",
			i == 0 ? 0 : pw, "", (int)(lines[i].end - lines[i].start),
			text + lines[i].start));
		if (i == 0 && prefix != NULL) {
			char *t = xasprintf("%s%s", prefix, r->text);

			free(p->texts[--p->ntexts]);
			r->text = kiosk_page_keep(p, t);
		}
		r->x = x;
		r->style = (unsigned char)st;
		r->button = button;
	}
	if (nl == 0) {
		struct kiosk_row *r = kiosk_page_row(p);

		r->button = button;
		r->style = (unsigned char)st;
	}
	free(lines);
	return nl > 0 ? nl : 1;
}

void
kiosk_page_add_text(struct kiosk_page *p, const char *text, enum grid_style st,
		    int ambiguous)
{
	kiosk_page_wrap(p, NULL, text, 0, p->w, st, ambiguous, -1);
}

int
kiosk_page_add_button(struct kiosk_page *p, const char *prefix,
		      const char *label, enum keys_action action, int arg,
		      enum grid_style st, int pad, int ambiguous)
{
	struct kiosk_page_button *b;
	int idx = (int)p->nbuttons;

	if (p->nbuttons == p->capbuttons) {
		p->capbuttons = p->capbuttons ? p->capbuttons * 2 : 8;
		p->buttons = xreallocarray(p->buttons, p->capbuttons,
					   sizeof *p->buttons);
	}
	b = &p->buttons[p->nbuttons++];
	memset(b, 0, sizeof *b);
	b->row = p->n;
	b->x = 0;
	b->w = p->w;
	b->action = action;
	b->arg = arg;
	b->style = (unsigned char)st;
	for (int i = 0; i < pad; i++) {
		struct kiosk_row *r = kiosk_page_row(p);

		r->button = idx;
		r->style = (unsigned char)st;
	}
	/* the label inside, a column of padding either side */
	kiosk_page_wrap(p, prefix, label, 2, p->w - 4, st, ambiguous, idx);
	for (int i = 0; i < pad; i++) {
		struct kiosk_row *r = kiosk_page_row(p);

		r->button = idx;
		r->style = (unsigned char)st;
	}
	b->nrows = p->n - b->row;
	return idx;
}

size_t
kiosk_page_rows_of(const struct kiosk_page *p, const char *prefix,
		   const char *text, int ambiguous)
{
	struct text_line *lines;
	size_t len = strlen(text), nl;
	unsigned char *keep = xcalloc(len + 1, 1);
	int pw = prefix != NULL ? grid_strwidth(prefix, ambiguous) : 0;
	int w = p->w - 4;

	if (pw > w / 2)
		pw = 0;
	text_keep_rules(text, len, keep);
	nl = text_wrap(text, len, keep, w - pw > 0 ? w - pw : 1, ambiguous,
		       &lines);
	free(keep);
	free(lines);
	return nl > 0 ? nl : 1;
}

size_t
kiosk_page_line_of_node(const struct kiosk_page *p, size_t node)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->rows[i].node >= node && p->rows[i].line != NULL)
			return i;
	return p->n;
}

/* ---- on screen ---- */

enum grid_style
kiosk_run_style(unsigned attr)
{
	if (attr & LAYOUT_WARNING)
		return attr & (LAYOUT_BOLD | LAYOUT_HEADING) ? GRID_ALERT : GRID_WARNING;
	if (attr & LAYOUT_HEADING)
		return GRID_HEADING;
	if (attr & LAYOUT_NOTE)
		return attr & LAYOUT_BOLD ? GRID_BOLD : GRID_NOTE;
	if (attr & LAYOUT_QUESTION)
		return GRID_QUESTION;
	if (attr & LAYOUT_BOLD)
		return GRID_BOLD;
	if (attr & LAYOUT_RUBY)
		return GRID_RUBY;
	if (attr & LAYOUT_BORDER)
		return GRID_BORDER;
	return GRID_NORMAL;
}

static size_t
kiosk_page_view(const struct kiosk_frame *f)
{
	return (size_t)(f->body_h > 0 ? f->body_h : 1);
}

size_t
kiosk_page_clamp(const struct kiosk_app *app, const struct kiosk_page *p,
		 size_t top)
{
	struct kiosk_frame f;
	size_t rows;

	kiosk_frame(app, &f);
	rows = kiosk_page_view(&f);
	if (p == NULL || p->n <= rows)
		return 0;
	return top > p->n - rows ? p->n - rows : top;
}

bool
kiosk_page_at_end(const struct kiosk_app *app, const struct kiosk_page *p,
		  size_t top)
{
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	return p == NULL || top + kiosk_page_view(&f) >= p->n;
}

bool
kiosk_page_scrolls(const struct kiosk_app *app, const struct kiosk_page *p)
{
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	return p != NULL && p->n > kiosk_page_view(&f);
}

/* The scroll column: ▲ at the top, ▼ at the bottom, the track between
 * (above the thumb pages up, below it down). */
struct kiosk_scroll {
	int up_h, down_h;  /* rows of the arrows */
	int track_y, track_h;
	int thumb_y, thumb_h;
};

static void
kiosk_scroll_geom(const struct kiosk_frame *f, size_t n, size_t top,
		  struct kiosk_scroll *s)
{
	size_t rows = kiosk_page_view(f);
	int arrow = f->body_h >= 12 ? 3 : f->body_h >= 6 ? 2 : 1;
	long th, ty;

	s->up_h = s->down_h = arrow;
	s->track_y = f->body_y + arrow;
	s->track_h = f->body_h - 2 * arrow;
	if (s->track_h < 0)
		s->track_h = 0;
	th = n > 0 ? (long)s->track_h * (long)rows / (long)n : s->track_h;
	if (th < 1)
		th = 1;
	if (th > s->track_h)
		th = s->track_h;
	ty = n > 0 ? (long)s->track_h * (long)top / (long)n : 0;
	if (top + rows >= n)
		ty = s->track_h - th;
	if (ty + th > s->track_h)
		ty = s->track_h - th;
	s->thumb_y = s->track_y + (int)ty;
	s->thumb_h = (int)th;
}

size_t
kiosk_page_clicks(const struct kiosk_app *app, const struct kiosk_page *p,
		  size_t top, struct kiosk_button *b, size_t max)
{
	struct kiosk_frame f;
	struct kiosk_scroll s;
	size_t k = 0, rows;

	kiosk_frame(app, &f);
	if (p == NULL)
		return 0;
	rows = kiosk_page_view(&f);
	for (size_t i = 0; i < p->nbuttons && k < max; i++) {
		const struct kiosk_page_button *pb = &p->buttons[i];
		long y0 = (long)pb->row - (long)top, y1 = y0 + (long)pb->nrows;

		if (y0 < 0)
			y0 = 0;
		if (y1 > (long)rows)
			y1 = (long)rows;
		if (y1 <= y0)
			continue; /* scrolled out of view: not clickable */
		b[k++] = (struct kiosk_button){ .x = f.text_x + pb->x,
			.y = f.body_y + (int)y0, .w = pb->w, .h = (int)(y1 - y0),
			.action = pb->action, .arg = pb->arg };
	}
	if (kiosk_page_scrolls(app, p) && k + 4 <= max) {
		kiosk_scroll_geom(&f, p->n, top, &s);
		b[k++] = (struct kiosk_button){ .x = f.scroll_x, .y = f.body_y,
			.w = f.scroll_w, .h = s.up_h, .action = KEYS_A_PAGE_UP };
		b[k++] = (struct kiosk_button){ .x = f.scroll_x,
			.y = f.body_y + f.body_h - s.down_h, .w = f.scroll_w,
			.h = s.down_h, .action = KEYS_A_PAGE_DOWN };
		b[k++] = (struct kiosk_button){ .x = f.scroll_x, .y = s.track_y,
			.w = f.scroll_w, .h = s.thumb_y - s.track_y,
			.action = KEYS_A_PAGE_UP };
		b[k++] = (struct kiosk_button){ .x = f.scroll_x,
			.y = s.thumb_y + s.thumb_h, .w = f.scroll_w,
			.h = s.track_y + s.track_h - s.thumb_y - s.thumb_h,
			.action = KEYS_A_PAGE_DOWN };
	}
	return k;
}

static void
kiosk_draw_scroll(const struct kiosk_app *app, struct grid *g,
		  const struct kiosk_frame *f, size_t n, size_t top)
{
	struct kiosk_scroll s;
	bool at_top = top == 0;
	bool at_end = top + kiosk_page_view(f) >= n;

	(void)app;
	kiosk_scroll_geom(f, n, top, &s);
	grid_fill(g, f->scroll_x, f->body_y, f->scroll_w, s.up_h,
		  at_top ? GRID_BUTTON_OFF : GRID_BUTTON);
	grid_put_center(g, f->scroll_x, f->body_y + s.up_h / 2, f->scroll_w, "▲",
			at_top ? GRID_BUTTON_OFF : GRID_BUTTON);
	grid_fill(g, f->scroll_x, f->body_y + f->body_h - s.down_h, f->scroll_w,
		  s.down_h, at_end ? GRID_BUTTON_OFF : GRID_BUTTON_HOT);
	grid_put_center(g, f->scroll_x, f->body_y + f->body_h - s.down_h +
			s.down_h / 2, f->scroll_w, "▼",
			at_end ? GRID_BUTTON_OFF : GRID_BUTTON_HOT);
	grid_fill(g, f->scroll_x, s.track_y, f->scroll_w, s.track_h, GRID_BAR);
	grid_fill(g, f->scroll_x, s.thumb_y, f->scroll_w, s.thumb_h, GRID_BAR_FILL);
}

static void
kiosk_draw_row(struct grid *g, const struct kiosk_row *r, int x, int y,
	       int left, int right)
{
	int cx = x + r->x;

	/* a wide table: centred on the column, but inside the screen */
	if (r->line != NULL && cx + r->line->width > right)
		cx = right - r->line->width;
	if (cx < left)
		cx = left;
	if (r->line != NULL) {
		for (size_t k = 0; k < r->line->nruns; k++)
			cx += grid_put(g, cx, y, r->line->runs[k].text, right - cx,
				       kiosk_run_style(r->line->runs[k].attr));
	} else if (r->text != NULL) {
		grid_put(g, cx, y, r->text, right - cx, (enum grid_style)r->style);
	}
}

void
kiosk_draw_page(const struct kiosk_app *app, struct grid *g,
		const struct kiosk_page *p, size_t top)
{
	struct kiosk_frame f;
	size_t rows;

	kiosk_frame(app, &f);
	if (p == NULL)
		return;
	rows = kiosk_page_view(&f);
	for (size_t r = 0; r < rows && top + r < p->n; r++) {
		const struct kiosk_row *row = &p->rows[top + r];
		int y = f.body_y + (int)r;

		if (row->button >= 0) {
			const struct kiosk_page_button *b = &p->buttons[row->button];

			grid_fill(g, f.text_x + b->x, y, b->w, 1,
				  (enum grid_style)b->style);
		}
		kiosk_draw_row(g, row, f.text_x, y, f.wide_x,
			       row->line != NULL && row->x < 0
			       ? f.wide_x + f.wide_w : f.text_x + f.text_w);
	}
	if (kiosk_page_scrolls(app, p))
		kiosk_draw_scroll(app, g, &f, p->n, top);
}

/* Keys and the scroll column move a page: returns the new top. */
size_t
kiosk_page_scroll(const struct kiosk_app *app, const struct kiosk_page *p,
		  size_t top, enum keys_action a, int arg)
{
	struct kiosk_frame f;
	long page, t = (long)top;

	kiosk_frame(app, &f);
	page = f.body_h > 2 ? f.body_h - 1 : 1;
	switch (a) {
	case KEYS_A_UP: t -= arg > 0 ? arg : 1; break;
	case KEYS_A_DOWN: t += arg > 0 ? arg : 1; break;
	case KEYS_A_PAGE_UP: t -= page; break;
	case KEYS_A_PAGE_DOWN: case KEYS_A_FORWARD: t += page; break;
	case KEYS_A_HOME: t = 0; break;
	case KEYS_A_END: t = p != NULL ? (long)p->n : 0; break;
	default: break;
	}
	if (t < 0)
		t = 0;
	return kiosk_page_clamp(app, p, (size_t)t);
}

bool
kiosk_is_scroll(enum keys_action a)
{
	switch (a) {
	case KEYS_A_UP:
	case KEYS_A_DOWN:
	case KEYS_A_PAGE_UP:
	case KEYS_A_PAGE_DOWN:
	case KEYS_A_HOME:
	case KEYS_A_END:
		return true;
	default:
		return false;
	}
}
