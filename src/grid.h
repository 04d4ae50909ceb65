/*
 * grid: a terminal-free grid of cells that the kiosk states draw into
 * (draw(const app *, grid *)). The terminal module compares the grid with the
 * one it drew last and sends only the cells that changed; tests read a grid as
 * plain text. Owns its cells.
 *
 * A cell holds one character (UTF-8, with any combining marks) and a style.
 * A wide character takes two cells: the second has width 0 and no text.
 * Widths come from libunistring; East Asian Ambiguous characters are as wide
 * as the grid's `ambiguous` setting (1 or 2), so the grid matches the terminal.
 */
#ifndef ISOKIOSK_GRID_H
#define ISOKIOSK_GRID_H

#include <stdbool.h>
#include <stddef.h>

/* What a cell is; theme.c gives each its colours per theme. */
enum grid_style {
	GRID_NORMAL,
	GRID_BOLD,
	GRID_HEADING,
	GRID_WARNING,
	GRID_NOTE,
	GRID_BORDER,
	GRID_RUBY,
	GRID_QUESTION,
	GRID_TITLE,       /* the header line */
	GRID_BAR,         /* progress / scroll track */
	GRID_BAR_FILL,    /* progress done / scroll thumb */
	GRID_BUTTON,
	GRID_BUTTON_HOT,  /* the button to press now (次へ at the end) */
	GRID_SELECTED,    /* a selected menu item */
	GRID_DIM,
	GRID_ALERT,       /* demo mode, wrong PIN, countdown */
	GRID_BUTTON_OFF,  /* a button or key that does nothing now */
	GRID_FIELD,       /* a text field being typed in */
	GRID_CURSOR,      /* the cursor in a text field */
	GRID_STYLE_COUNT
};

struct grid_cell {
	char text[16];        /* UTF-8, NUL-terminated; "" for a wide char's
				 right half */
	unsigned char width;  /* 1 or 2; 0 for a right half */
	unsigned char style;  /* enum grid_style */
};

struct grid {
	int w, h;
	int ambiguous;        /* 1 or 2 */
	struct grid_cell *cells; /* h rows of w */
	int cursor_x, cursor_y; /* a text field's cursor, where the terminal's
				   (hidden) cursor goes so that an input
				   method opens its window there; -1: none */
};

struct grid *grid_new(int w, int h, int ambiguous);
void grid_free(struct grid *g);
/* New size; every cell becomes a blank. */
void grid_resize(struct grid *g, int w, int h);
/* Every cell blank (a space in GRID_NORMAL); no cursor. */
void grid_clear(struct grid *g);
/* Blank a rectangle (clipped) in a style. */
void grid_fill(struct grid *g, int x, int y, int w, int h, enum grid_style st);

/*
 * Write UTF-8 text at (x, y), at most maxw columns (and never past the right
 * edge); a wide character that does not fit is left out, so the text is cut,
 * never garbled. Control characters are skipped. Returns the columns written.
 */
int grid_put(struct grid *g, int x, int y, const char *s, int maxw,
	     enum grid_style st);
/* Same, centred in [x, x + w). */
int grid_put_center(struct grid *g, int x, int y, int w, const char *s,
		    enum grid_style st);

const struct grid_cell *grid_at(const struct grid *g, int x, int y);
/* Two cells are drawn alike. */
bool grid_cell_eq(const struct grid_cell *a, const struct grid_cell *b);

/* Display width of UTF-8 text with this ambiguous width. */
int grid_strwidth(const char *s, int ambiguous);

/* Row y as text, trailing spaces removed; caller frees. */
char *grid_row_text(const struct grid *g, int y);
/* The whole grid, one '\n'-terminated line per row; caller frees. */
char *grid_text(const struct grid *g);

#endif
