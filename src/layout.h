/*
 * layout: a document (or some of its nodes) and a width → lines of styled
 * runs. Pure and deterministic: no terminal, no locale dependence (widths come
 * from libunistring with the ambiguous width given). `isokiosk render` prints
 * it as plain text; the kiosk draws it.
 *
 * Every line is at most opts->width display columns wide.
 */
#ifndef ISOKIOSK_LAYOUT_H
#define ISOKIOSK_LAYOUT_H

#include <stddef.h>

#include "arena.h"
#include "content.h"
#include "strbuf.h"

enum layout_ruby {
	LAYOUT_RUBY_PAREN, /* 催奇形性（さいきけいせい） */
	LAYOUT_RUBY_OVER,  /* the reading on its own line above the base */
	LAYOUT_RUBY_OFF,   /* the base only */
};

struct layout_opts {
	int width;            /* columns, >= 1 */
	int ambiguous;        /* width of East Asian Ambiguous characters: 1 or 2 */
	enum layout_ruby ruby;
};

/* What a run is, for the drawing code to pick colours; a run has one. */
enum layout_attr {
	LAYOUT_TEXT = 0,
	LAYOUT_BOLD = 1 << 0,
	LAYOUT_HEADING = 1 << 1,
	LAYOUT_WARNING = 1 << 2, /* inside a warning callout */
	LAYOUT_NOTE = 1 << 3,    /* inside a note callout */
	LAYOUT_BORDER = 1 << 4,  /* box drawing, callout frames, bullets */
	LAYOUT_RUBY = 1 << 5,    /* a reading */
	LAYOUT_QUESTION = 1 << 6,/* the Q of a Q&A */
};

struct layout_run {
	char *text;   /* UTF-8, NUL-terminated, no control characters; owned
			 by the layout (freed with it, not on its own) */
	size_t len;   /* bytes of text */
	int width;    /* display columns */
	unsigned attr;/* enum layout_attr bits */
};

struct layout_line {
	struct layout_run *runs;
	size_t nruns;
	int width;    /* sum of run widths */
	size_t node;  /* index of the top-level node the line belongs to, so a
			 reader's place survives a re-layout at another width */
	size_t cap;   /* runs allocated (the module's own) */
};

struct layout {
	struct layout_line *lines;
	size_t n;
	size_t cap;         /* lines allocated (the module's own) */
	struct arena arena; /* where runs and their texts live (the module's) */
};

/* Lay out a whole document. Caller frees with layout_free. */
struct layout *layout_doc(const struct content_doc *doc,
			  const struct layout_opts *opts);
/* Lay out some nodes (a question's prompt, a statement ...). */
struct layout *layout_nodes(const struct content_node *nodes, size_t n,
			    const struct layout_opts *opts);
/* Lay out inline text as one paragraph. */
struct layout *layout_inline(const struct content_inline *in,
			     const struct layout_opts *opts);
void layout_free(struct layout *l);

/* First line that belongs to node index `node` (or the nearest after). */
size_t layout_line_of_node(const struct layout *l, size_t node);

/* Plain text, lines joined by '\n' (each line ends with one), no trailing
 * spaces; caller frees. */
char *layout_to_text(const struct layout *l);
/* The same text added to the end of sb. */
void layout_text_into(const struct layout *l, struct strbuf *sb);

#endif
