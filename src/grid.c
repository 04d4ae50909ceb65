/*
 * grid: the cell grid states draw into. See grid.h. Owns the cell array;
 * knows nothing of terminals (the terminal module reads it).
 */
#include "grid.h"

#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uniwidth.h>

#include "strbuf.h"
#include "xmalloc.h"

/* libunistring counts Ambiguous as wide in CJK encodings. */
static const char *
grid_encoding(int ambiguous)
{
	return ambiguous == 2 ? "EUC-JP" : "UTF-8";
}

static void
grid_blank(struct grid_cell *c, enum grid_style st)
{
	c->text[0] = ' ';
	c->text[1] = '\0';
	c->width = 1;
	c->style = (unsigned char)st;
}

struct grid *
grid_new(int w, int h, int ambiguous)
{
	struct grid *g = xcalloc(1, sizeof *g);

	g->ambiguous = ambiguous == 2 ? 2 : 1;
	grid_resize(g, w, h);
	return g;
}

void
grid_free(struct grid *g)
{
	if (g == NULL)
		return;
	free(g->cells);
	free(g);
}

void
grid_resize(struct grid *g, int w, int h)
{
	g->w = w > 0 ? w : 0;
	g->h = h > 0 ? h : 0;
	free(g->cells);
	g->cells = xcalloc((size_t)g->w * (size_t)g->h + 1, sizeof *g->cells);
	grid_clear(g);
}

void
grid_clear(struct grid *g)
{
	for (size_t i = 0; i < (size_t)g->w * (size_t)g->h; i++)
		grid_blank(&g->cells[i], GRID_NORMAL);
	g->cursor_x = g->cursor_y = -1;
}

static struct grid_cell *
grid_cell(struct grid *g, int x, int y)
{
	return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

const struct grid_cell *
grid_at(const struct grid *g, int x, int y)
{
	if (x < 0 || y < 0 || x >= g->w || y >= g->h)
		return NULL;
	return &g->cells[(size_t)y * (size_t)g->w + (size_t)x];
}

bool
grid_cell_eq(const struct grid_cell *a, const struct grid_cell *b)
{
	return a->width == b->width && a->style == b->style &&
	       strcmp(a->text, b->text) == 0;
}

/*
 * Overwriting half of a wide character would leave the other half dangling
 * on the terminal: blank the partner too.
 */
static void
grid_unpair(struct grid *g, int x, int y)
{
	struct grid_cell *c = grid_cell(g, x, y);

	if (c->width == 0 && x > 0)
		grid_blank(grid_cell(g, x - 1, y), c->style);
	else if (c->width == 2 && x + 1 < g->w)
		grid_blank(grid_cell(g, x + 1, y), c->style);
}

void
grid_fill(struct grid *g, int x, int y, int w, int h, enum grid_style st)
{
	for (int r = y; r < y + h; r++) {
		if (r < 0 || r >= g->h)
			continue;
		for (int c = x; c < x + w; c++) {
			if (c < 0 || c >= g->w)
				continue;
			grid_unpair(g, c, r);
			grid_blank(grid_cell(g, c, r), st);
		}
	}
}

int
grid_put(struct grid *g, int x, int y, const char *s, int maxw,
	 enum grid_style st)
{
	const uint8_t *p = (const uint8_t *)s;
	const char *enc = grid_encoding(g->ambiguous);
	int col = x;
	int limit;

	if (y < 0 || y >= g->h || s == NULL)
		return 0;
	limit = g->w;
	if (maxw >= 0 && x + maxw < limit)
		limit = x + maxw;
	while (*p != '\0') {
		ucs4_t uc;
		int n = u8_strmbtouc(&uc, p);
		int w;

		if (n <= 0) { /* invalid byte: skip it */
			p++;
			continue;
		}
		w = uc_width(uc, enc);
		if (w < 0) { /* control character */
			p += n;
			continue;
		}
		if (w == 0) { /* combining: joins the previous cell */
			if (col > x && col - 1 < g->w) {
				int px = col - 1;
				struct grid_cell *c;

				if (grid_cell(g, px, y)->width == 0 && px > 0)
					px--;
				c = grid_cell(g, px, y);
				if (strlen(c->text) + (size_t)n < sizeof c->text)
					strncat(c->text, (const char *)p, (size_t)n);
			}
			p += n;
			continue;
		}
		if (col + w > limit)
			break;
		if (col < 0) {
			col += w;
			p += n;
			continue;
		}
		grid_unpair(g, col, y);
		if (w == 2)
			grid_unpair(g, col + 1, y);
		{
			struct grid_cell *c = grid_cell(g, col, y);

			memcpy(c->text, p, (size_t)n);
			c->text[n] = '\0';
			c->width = (unsigned char)w;
			c->style = (unsigned char)st;
			if (w == 2) {
				c = grid_cell(g, col + 1, y);
				c->text[0] = '\0';
				c->width = 0;
				c->style = (unsigned char)st;
			}
		}
		col += w;
		p += n;
	}
	return col - x;
}

int
grid_strwidth(const char *s, int ambiguous)
{
	int w = u8_strwidth((const uint8_t *)s, grid_encoding(ambiguous));

	return w < 0 ? 0 : w;
}

int
grid_put_center(struct grid *g, int x, int y, int w, const char *s,
		enum grid_style st)
{
	int sw = grid_strwidth(s, g->ambiguous);
	int off = sw < w ? (w - sw) / 2 : 0;

	return grid_put(g, x + off, y, s, w - off, st);
}

char *
grid_row_text(const struct grid *g, int y)
{
	char *r;
	struct strbuf sb;
	size_t keep = 0;

	strbuf_init(&sb);
	for (int x = 0; x < g->w; x++) {
		const struct grid_cell *c = grid_at(g, x, y);

		strbuf_addstr(&sb, c->text);
		if (strcmp(c->text, " ") != 0 && c->width != 0)
			keep = sb.len;
	}
	sb.s[keep] = '\0';
	sb.len = keep;
	r = strbuf_detach(&sb, NULL);
	strbuf_done(&sb); /* detach leaves a fresh, empty buffer */
	return r;
}

char *
grid_text(const struct grid *g)
{
	char *r;
	struct strbuf sb;

	strbuf_init(&sb);
	for (int y = 0; y < g->h; y++) {
		char *row = grid_row_text(g, y);

		strbuf_addstr(&sb, row);
		strbuf_addch(&sb, '\n');
		free(row);
	}
	r = strbuf_detach(&sb, NULL);
	strbuf_done(&sb); /* detach leaves a fresh, empty buffer */
	return r;
}
