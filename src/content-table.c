/*
 * content-table: GFM pipe tables. A header row, an alignment row
 * (|---|:-:|--:|), then body rows, each split into cells at unescaped
 * '|' and each cell parsed as inline content; a row with the wrong number
 * of cells is an error (its extra cells dropped, missing ones empty). A
 * line right under a table that holds a '|' but does not start with one
 * is a warning: it was meant as a row, and would show as a paragraph with
 * stray pipes.
 *
 * Owns nothing beyond the table node it adds (the caller's list).
 */
#include <stdarg.h>
#include <stdlib.h>

#include "content-int.h"
#include "xmalloc.h"

/* Split a table row into cells: [from[i], to[i]) trimmed. */
struct content_cell {
	const char *from, *to;
};

static size_t
content_table_cells(const struct content_line *l, struct content_cell **cells)
{
	const char *end = content_trim_end(l->p, l->p + l->len);
	const char *p = content_skip_space(l->p, end);
	struct content_cell *v = NULL;
	size_t n = 0, cap = 0;
	const char *start;

	p++; /* the leading '|' */
	start = p;
	for (;;) {
		if (p < end && *p == '\\' && p + 1 < end) {
			p += 2;
			continue;
		}
		if (p == end || *p == '|') {
			const char *a = content_skip_space(start, p);
			const char *b = content_trim_end(a, p);

			if (p == end && start == end)
				break; /* after the trailing pipe */
			XGROW(v, n, cap);
			v[n].from = a;
			v[n].to = b;
			n++;
			if (p == end)
				break;
			start = p + 1;
		}
		p++;
	}
	*cells = v;
	return n;
}

/* The first unescaped '|' of line l, or NULL. */
static const char *
content_table_pipe(const struct content_line *l)
{
	for (const char *p = l->p; p < l->p + l->len; p++) {
		if (*p == '\\' && p + 1 < l->p + l->len)
			p++;
		else if (*p == '|')
			return p;
	}
	return NULL;
}

static void
content_table_warn(struct content_parser *cp, const struct content_line *l,
		   const char *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	content_vdiag(cp, l->lineno, content_col(cp, l->src,
						 (size_t)(p - l->src)),
		      DIAG_WARNING, fmt, ap);
	va_end(ap);
}

static bool
content_table_align(const struct content_cell *c, enum content_align *a)
{
	const char *p = c->from, *e = c->to;
	bool left = false, right = false;

	if (p < e && *p == ':')
		left = true, p++;
	if (e > p && e[-1] == ':')
		right = true, e--;
	if (p == e)
		return false;
	for (; p < e; p++)
		if (*p != '-')
			return false;
	*a = left && right ? CONTENT_ALIGN_CENTER :
	     left ? CONTENT_ALIGN_LEFT :
	     right ? CONTENT_ALIGN_RIGHT : CONTENT_ALIGN_NONE;
	return true;
}

size_t
content_table(struct content_parser *cp, const struct content_line *lines,
	      size_t n, struct content_nodes *out)
{
	size_t k = 0, ncols, nrows = 0, r;
	struct content_cell *cells;
	struct content_node *node;
	struct content_table *tb;
	bool has_align = true;

	while (k < n && content_block_line_type(&lines[k]) == CONTENT_LT_TABLE)
		k++;
	if (k < n && content_block_line_type(&lines[k]) == CONTENT_LT_TEXT &&
	    content_table_pipe(&lines[k]) != NULL)
		content_table_warn(cp, &lines[k], content_skip_space(lines[k].p,
				   lines[k].p + lines[k].len), "this line right "
				   "under a table has '|' but does not start "
				   "with one: a table row starts with '|' (as "
				   "written, it ends the table and shows as a "
				   "paragraph with the pipes in it)");
	node = content_nodes_add(out, CONTENT_TABLE, cp, &lines[0],
				 content_skip_space(lines[0].p,
						    lines[0].p + lines[0].len));
	tb = &node->table;
	ncols = content_table_cells(&lines[0], &cells);
	free(cells);
	if (ncols == 0) {
		content_err(cp, &lines[0], lines[0].p, "table header has no cells");
		ncols = 1;
	}
	tb->ncols = ncols;
	tb->align = xcalloc(ncols, sizeof *tb->align);
	if (k < 2) {
		has_align = false;
		content_err(cp, &lines[0], lines[0].p, "a table needs an "
			    "alignment row (like |---|---|) under its header");
	} else {
		size_t na = content_table_cells(&lines[1], &cells);
		for (size_t c = 0; c < na && has_align; c++) {
			enum content_align a;
			if (!content_table_align(&cells[c], &a))
				has_align = false;
			else if (c < ncols)
				tb->align[c] = a;
		}
		if (!has_align) {
			content_err(cp, &lines[1], lines[1].p, "expected the "
				    "table's alignment row (like |---|:-:|--:|) "
				    "under its header");
		} else if (na != ncols) {
			content_err(cp, &lines[1], lines[1].p, "the alignment "
				    "row has %zu cells; the header has %zu",
				    na, ncols);
		}
		free(cells);
	}
	tb->cells = xcalloc((k + 1) * ncols, sizeof *tb->cells);
	for (r = 0; r < k; r++) {
		const struct content_line *l = &lines[r];
		size_t nc;

		if (r == 1 && has_align)
			continue;
		nc = content_table_cells(l, &cells);
		if (r > 0 && nc != ncols) {
			const char *at = nc > 0 ? cells[0].from : l->p;
			content_err(cp, l, at, "table row has %zu cell%s; the "
				    "header has %zu", nc, nc == 1 ? "" : "s",
				    ncols);
		}
		for (size_t c = 0; c < ncols && c < nc; c++)
			content_inline_piece(cp, l, cells[c].from, cells[c].to,
					     &tb->cells[nrows * ncols + c]);
		nrows++;
		free(cells);
	}
	tb->nrows = nrows;
	if (nrows < 2)
		content_err(cp, &lines[0], lines[0].p, "table has no rows "
			    "under its header");
	return k;
}
