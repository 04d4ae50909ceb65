/*
 * content-node: lists of parsed nodes (struct content_nodes): a node added
 * where its block starts, a finished node taken over from another list,
 * freeing them, and the plain text of a node list (what a consent record
 * hashes).
 *
 * Owns: the nodes in a list and everything they hold, until handed over.
 */
#include <stdlib.h>
#include <string.h>

#include "content-int.h"
#include "strbuf.h"
#include "xmalloc.h"

void
content_node_done(struct content_node *n)
{
	content_inline_done(&n->text);
	for (size_t i = 0; i < n->nitems; i++)
		content_inline_done(&n->items[i].text);
	free(n->items);
	for (size_t i = 0; i < n->table.nrows * n->table.ncols; i++)
		content_inline_done(&n->table.cells[i]);
	free(n->table.cells);
	free(n->table.align);
	content_nodes_free_array(n->children, n->nchildren);
	content_nodes_free_array(n->explain, n->nexplain);
	free(n->id);
	free(n->profile);
	free(n->signer);
	free(n->reread);
	free(n->code);
	free(n->message);
}

struct content_node *
content_nodes_add(struct content_nodes *ns, enum content_node_kind kind,
		  struct content_parser *cp, const struct content_line *l,
		  const char *p)
{
	struct content_node *n;

	/* grown by half, not doubled (content_blocks_flat makes room for
	   its count of blocks first) */
	if (ns->n >= ns->cap) {
		ns->cap = ns->cap < 8 ? 8 : ns->cap + ns->cap / 2;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v);
	}
	if (ns->n >= ns->qacap) {
		ns->qacap = ns->cap;
		ns->qa = xreallocarray(ns->qa, ns->qacap, 1);
	}
	n = &ns->v[ns->n];
	ns->qa[ns->n] = 0;
	ns->n++;
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->line = l->lineno;
	n->col = content_col(cp, l->src, (size_t)(p - l->src));
	return n;
}

/* content_qa_emit's receiver that appends to a node list (exact size when
   the list is done: content_nodes_fit). */
void
content_nodes_take(void *ctx, struct content_node *n)
{
	struct content_nodes *ns = ctx;

	if (ns->n >= ns->cap) {
		ns->cap = ns->cap < 8 ? 8 : ns->cap + ns->cap / 2;
		ns->v = xreallocarray(ns->v, ns->cap, sizeof *ns->v);
	}
	ns->v[ns->n++] = *n;
}

/* No slack kept for a document's life. */
void
content_nodes_fit(struct content_nodes *ns)
{
	if (ns->n > 0 && ns->n < ns->cap) {
		ns->v = xreallocarray(ns->v, ns->n, sizeof *ns->v);
		ns->cap = ns->n;
	}
}

static void
content_nodes_text_add(struct strbuf *sb, const struct content_node *nodes,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct content_node *nd = &nodes[i];
		char *s;

		switch (nd->kind) {
		case CONTENT_HEADING:
		case CONTENT_PARAGRAPH:
		case CONTENT_QA:
			if (sb->len > 0)
				strbuf_addch(sb, '\n');
			s = content_inline_text(&nd->text);
			strbuf_addstr(sb, s);
			free(s);
			break;
		case CONTENT_LIST:
			for (size_t k = 0; k < nd->nitems; k++) {
				if (sb->len > 0)
					strbuf_addch(sb, '\n');
				s = content_inline_text(&nd->items[k].text);
				strbuf_addstr(sb, s);
				free(s);
			}
			break;
		case CONTENT_TABLE:
			for (size_t r = 0; r < nd->table.nrows; r++) {
				if (sb->len > 0)
					strbuf_addch(sb, '\n');
				for (size_t c = 0; c < nd->table.ncols; c++) {
					if (c > 0)
						strbuf_addch(sb, '\t');
					s = content_inline_text(
						&nd->table.cells[r * nd->table.ncols + c]);
					strbuf_addstr(sb, s);
					free(s);
				}
			}
			break;
		case CONTENT_CALLOUT:
		case CONTENT_QUESTION:
		case CONTENT_STATEMENT:
		case CONTENT_ENTRY:
			break;
		}
		if (nd->kind == CONTENT_CALLOUT || nd->kind == CONTENT_QA ||
		    nd->kind == CONTENT_STATEMENT || nd->kind == CONTENT_QUESTION ||
		    nd->kind == CONTENT_ENTRY)
			content_nodes_text_add(sb, nd->children, nd->nchildren);
	}
}

char *
content_nodes_text(const struct content_node *nodes, size_t n)
{
	struct strbuf sb;
	char *s;

	strbuf_init(&sb);
	content_nodes_text_add(&sb, nodes, n);
	s = strbuf_detach(&sb, NULL);
	strbuf_done(&sb);
	return s;
}
