/*
 * content-int: what the content parser's files share and nobody else sees:
 * the parser's state (where diagnostics go, the clinic values, the buffers
 * every inline reuses), a source line, the joined text of a block with its
 * map back to the lines, a growable node list, and the small line and
 * character helpers every stage uses. The public API is content.h.
 */
#ifndef ISOKIOSK_CONTENT_INT_H
#define ISOKIOSK_CONTENT_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "diag.h"
#include "strbuf.h"

/* One source line (or the part after a callout's '>'). */
struct content_line {
	const char *src; /* start of the source line, for columns */
	const char *p;   /* start of this line's text */
	size_t len;      /* bytes at p, without the newline */
	int lineno;
};

struct content_il_span;
struct content_seg;

struct content_parser {
	const char *path;
	struct diag_list *dl;
	const struct content_values *values;
	const char *lang;
	enum content_kind kind;
	size_t nerrors;
	/* incremental column cache (see content_col) */
	const char *cc_src;
	size_t cc_off;
	int cc_col;
	/* buffers every inline reuses (content_il_run, content_join), so
	   that parsing allocates once per inline, not per span */
	struct strbuf pool, reading, base, join;
	struct content_il_span *spans;
	size_t nspans, spancap;
	struct content_seg *segs;
	size_t segcap;
	/* Q/A grouping problems held back (content_qa_emit) */
	struct content_qa_err *qa_errs;
	size_t nqa_errs, qa_errcap;
};

struct content_qa_err {
	int line, col;
	char what; /* 'Q': no answer; 'A': no question */
};

/* A growable node list, with the Q/A mark of each paragraph. */
struct content_nodes {
	struct content_node *v;
	char *qa; /* 'Q', 'A' or 0 per node */
	size_t n, cap, qacap;
};

/*
 * The text of one block, joined from its source lines, with a map back to
 * them: segs[i] covers t[joff, joff + len) = src line bytes [srcoff, ...).
 */
struct content_seg {
	size_t joff;
	size_t len;
	const struct content_line *line;
	size_t srcoff; /* offset of the segment's first byte in line->src */
	int bias;      /* added to columns (content_parse_inline's col) */
};

/* A trimmed part [from, to) of one line of a block (content_join). */
struct content_part {
	const struct content_line *line;
	const char *from, *to;
};

/* ---- positions and helpers --------------------------------------------- */

/*
 * The 1-based display column of byte off in the line starting at src: the
 * same counting as diag_column(), but continuing from the previous call when
 * it was on the same line at an earlier offset, so that many positions on one
 * long line cost linear time in all.
 */
static inline int
content_col(struct content_parser *cp, const char *src, size_t off)
{
	int col;

	if (cp->cc_src != src || cp->cc_off > off) {
		cp->cc_src = src;
		cp->cc_off = 0;
		cp->cc_col = 0;
	}
	col = diag_column_from(src, cp->cc_off, cp->cc_col, off);
	cp->cc_off = off;
	cp->cc_col = col - 1;
	return col;
}

static inline bool
content_has(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static inline bool
content_is_id(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* An item or instrument code: letters, digits and '-' (LOINC: 44249-1). */
static inline bool
content_is_code(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		      s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return false;
	return true;
}

static inline const char *
content_skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static inline const char *
content_trim_end(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return end;
}

static inline bool
content_line_blank(const struct content_line *l)
{
	return content_skip_space(l->p, l->p + l->len) == l->p + l->len;
}

/* A line "---": the front matter's fences (an error anywhere else). */
static inline bool
content_is_dashes(const struct content_line *l)
{
	const char *end = content_trim_end(l->p, l->p + l->len);

	return end - l->p == 3 && memcmp(l->p, "---", 3) == 0;
}

/* ---- content.c: the parser's state and diagnostics --------------------- */

/* Set up the parser's reused buffers (cp's other fields are the caller's
   to fill); content_parser_done frees them. */
void content_parser_init(struct content_parser *cp);
void content_parser_done(struct content_parser *cp);

/*
 * A diagnostic at line:col (1-based; 0 for the whole file), counted against
 * CONTENT_MAX_ERRORS: past it, errors are counted but no longer reported.
 * Returns -1, for "return content_err(...)".
 */
int content_vdiag(struct content_parser *cp, int line, int col,
		  enum diag_severity sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* An error at byte p of line l (l NULL: the whole file). */
int content_err(struct content_parser *cp, const struct content_line *l,
		const char *p, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An error at a known line and column. */
int content_err_at(struct content_parser *cp, int line, int col,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- content-node.c ---------------------------------------------------- */

/* A new node (zeroed, with no Q/A mark) at the end of ns, starting at byte
   p of line l. The pointer is good until the next node is added. */
struct content_node *content_nodes_add(struct content_nodes *ns,
				       enum content_node_kind kind,
				       struct content_parser *cp,
				       const struct content_line *l,
				       const char *p);
/* Append a copy of *n to the list ctx (a struct content_nodes; its Q/A
   marks are not kept): the list takes over what the node holds. */
void content_nodes_take(void *ctx, struct content_node *n);
/* Give back the slack of a list that is done growing. */
void content_nodes_fit(struct content_nodes *ns);
/* content_node_done on each of n nodes, then free v (inline: it stays
   folded into content_node_done's recursion, as when it was static). */
static inline void
content_nodes_free_array(struct content_node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		content_node_done(&v[i]);
	free(v);
}

/* ---- content-block.c --------------------------------------------------- */

/* What a line starts (a blank line, a heading, ...). */
enum content_lt {
	CONTENT_LT_BLANK,
	CONTENT_LT_HEADING,
	CONTENT_LT_ITEM,
	CONTENT_LT_TABLE,
	CONTENT_LT_QUOTE,
	CONTENT_LT_TEXT,
};

enum content_lt content_block_line_type(const struct content_line *l);
/* The n lines as nodes added to flat, with their Q/A marks (not grouped
   yet); depth 1 inside a callout. */
void content_blocks_flat(struct content_parser *cp,
			 const struct content_line *lines, size_t n, int depth,
			 struct content_nodes *flat);
/* The same, Q&A grouped (content_qa_group) into out. */
void content_blocks(struct content_parser *cp, const struct content_line *lines,
		    size_t n, int depth, struct content_nodes *out);

/* ---- content-table.c --------------------------------------------------- */

/* The table starting at lines[0] (of n lines left), added to out; returns
   the lines it took. */
size_t content_table(struct content_parser *cp,
		     const struct content_line *lines, size_t n,
		     struct content_nodes *out);

/* ---- content-qa.c ------------------------------------------------------ */

/*
 * Group Q: paragraphs of pend with their answers and hand its nodes over to
 * to->node in order. Unless final, a question at the end of pend (with its
 * answer so far) stays there for the lines not parsed yet. Grouping errors
 * are reported at once or, with defer, kept in cp->qa_errs for the caller
 * to report (content_qa_error) after every block's own.
 */
void content_qa_emit(struct content_parser *cp, struct content_nodes *pend,
		     bool final, bool defer, const struct content_each *to);
void content_qa_error(struct content_parser *cp, int line, int col, char what);
/* content_qa_emit of all of in into out (no Q/A marks, no slack); in is
   emptied. */
void content_qa_group(struct content_parser *cp, struct content_nodes *in,
		      struct content_nodes *out);

/* ---- content-section.c ------------------------------------------------- */

/* The ids seen so far in a quiz or consent file (copies: the sections
   themselves may be handed over and freed before the next is parsed).
   Zero it to start; content_sections_done after the last section. */
struct content_sections {
	struct content_section_seen *seen;
	size_t nseen, seencap;
	/* follow-up files: what the whole file must have (content-entry.c) */
	size_t nentries[5];       /* by enum content_entry */
	size_t nhighly;           /* methods of the highly effective class */
	int band_totals[64];      /* bands' min-total, to find duplicates */
	size_t nbands;
};

/* Whether line l starts a section ("##", but not "###"). */
bool content_section_starts(const struct content_line *l);
/* One section: lines[0] is its "## id" line, the rest (n - 1) its body;
   the question or statement node is put in *out (the caller's). */
void content_section(struct content_parser *cp, struct content_sections *ss,
		     const struct content_line *lines, size_t n,
		     struct content_node *out);
/* content-entry.c: a follow-up file's section, after its keys were read
 * (content_section) and its body parsed. Takes body. */
void content_entry(struct content_parser *cp, struct content_sections *ss,
		   struct content_node *q, const struct content_line *hl,
		   struct content_nodes *body);
/* content-entry.c: what a whole follow-up file must have. */
void content_entries_done(struct content_parser *cp,
			  struct content_sections *ss);
/* content-entry.c: one key of a follow-up file's section; false when the
 * key is not one of its kind. */
bool content_entry_key(struct content_parser *cp, struct content_node *q,
		       const struct content_line *l, const char *key,
		       size_t kl, const char *v, const char *end);

/* After the last section: a file without one is an error. */
void content_sections_done(struct content_parser *cp,
			   struct content_sections *ss);

/* ---- content-join.c ---------------------------------------------------- */

/*
 * Join the parts of a block's lines (n of them) into cp->join, with the
 * map back to the lines in cp->segs (at least one entry, even for n 0).
 * Both are the parser's and are overwritten by the next join.
 */
void content_join(struct content_parser *cp, const struct content_part *parts,
		  size_t n);

/* ---- content-inline.c -------------------------------------------------- */

/*
 * Parse t (a joined block's text: n bytes, then a NUL; segs its map back to
 * the lines, at least one) into out, all in one allocation (packed).
 */
void content_inline_run(struct content_parser *cp, const char *t, size_t n,
			const struct content_seg *segs, size_t nsegs,
			struct content_inline *out);

/* The parts of a block's lines (n of them), joined, as inline content.
   (Inline, as in one file they were folded into each block's parser.) */
static inline void
content_inline_parts(struct content_parser *cp, const struct content_part *parts,
		     size_t n, struct content_inline *out)
{
	content_join(cp, parts, n);
	content_inline_run(cp, cp->join.s, cp->join.len, cp->segs, n ? n : 1,
			   out);
}

/* Inline content of one piece [from, to) of one line. */
static inline void
content_inline_piece(struct content_parser *cp, const struct content_line *l,
		     const char *from, const char *to, struct content_inline *out)
{
	struct content_part pt = { l, from, to };

	content_inline_parts(cp, &pt, 1, out);
}

#endif
