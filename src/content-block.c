/*
 * content-block: the line-oriented block parser. Lines → nodes: headings,
 * paragraphs (with their Q:/A: marks), - and 1. lists (task items too),
 * tables (content-table.c), > [!WARNING] / > [!NOTE] callouts (their body
 * parsed as blocks again, one level deep), then Q&A grouped
 * (content-qa.c). Each block's text goes to the inline parser
 * (content-inline.c).
 *
 * Owns nothing beyond the nodes it adds to the caller's list.
 */
#include <stdlib.h>
#include <string.h>

#include "content-int.h"
#include "xmalloc.h"

struct content_item_mark {
	bool ordered;
	int number;
	int checked;       /* -1 none, 0, 1 */
	const char *mark;  /* the marker */
	const char *text;  /* the text after the marker (and [ ] ) */
};
static bool
content_block_item_mark(const struct content_line *l,
			struct content_item_mark *m)
{
	const char *p = l->p, *end = l->p + l->len;

	if (p < end && *p == ' ')
		p++; /* one space of indentation is still an item */
	m->mark = p;
	m->checked = -1;
	if (p < end && (*p == '-' || *p == '*') &&
	    (p + 1 == end || p[1] == ' ' || p[1] == '\t')) {
		m->ordered = false;
		m->number = 0;
		p = content_skip_space(p + 1, end);
		if (content_has(p, end, "[ ]") || content_has(p, end, "[x]") ||
		    content_has(p, end, "[X]")) {
			if (p + 3 == end || p[3] == ' ' || p[3] == '\t') {
				m->checked = p[1] != ' ';
				p = content_skip_space(p + 3, end);
			}
		}
		m->text = p;
		return true;
	}
	if (p < end && *p >= '0' && *p <= '9') {
		const char *d = p;
		long v = 0;

		while (d < end && *d >= '0' && *d <= '9' && d - p < 9)
			v = v * 10 + (*d++ - '0');
		if (d < end && *d == '.' &&
		    (d + 1 == end || d[1] == ' ' || d[1] == '\t')) {
			m->ordered = true;
			m->number = (int)v;
			m->text = content_skip_space(d + 1, end);
			return true;
		}
	}
	return false;
}

static bool
content_block_is_qa(const struct content_line *l, char which)
{
	const char *p = content_skip_space(l->p, l->p + l->len);
	const char *end = l->p + l->len;

	if (p < end && *p == which &&
	    (content_has(p + 1, end, ":") || content_has(p + 1, end, "：")))
		return true;
	return false;
}

static enum content_lt
content_block_type(const struct content_line *l)
{
	const char *end = l->p + l->len;
	const char *p = content_skip_space(l->p, end);
	struct content_item_mark m;

	if (p == end)
		return CONTENT_LT_BLANK;
	if (*p == '#' && p == l->p)
		return CONTENT_LT_HEADING;
	if (*p == '|')
		return CONTENT_LT_TABLE;
	if (*p == '>')
		return CONTENT_LT_QUOTE;
	if (content_block_item_mark(l, &m))
		return CONTENT_LT_ITEM;
	return CONTENT_LT_TEXT;
}

/* content_block_type for the parser's other files; within this one the
   static function stays open to inlining and specialisation. */
enum content_lt
content_block_line_type(const struct content_line *l)
{
	return content_block_type(l);
}

static size_t
content_block_heading(struct content_parser *cp, const struct content_line *l,
		      struct content_nodes *out)
{
	const char *p = l->p, *end = l->p + l->len;
	int level = 0;
	struct content_node *n;

	while (p < end && *p == '#')
		p++, level++;
	if (p < end && *p != ' ' && *p != '\t')
		content_err(cp, l, p, "a heading needs a space after '%.*s'",
			    level, l->p);
	if (level > 3) {
		content_err(cp, l, l->p, "heading level %d is not supported "
			    "(use #, ## or ###)", level);
		level = 3;
	}
	p = content_skip_space(p, end);
	end = content_trim_end(p, end);
	if (p == end)
		content_err(cp, l, l->p, "empty heading: expected text after '%.*s '",
			    level, l->p);
	n = content_nodes_add(out, CONTENT_HEADING, cp, l, l->p);
	n->level = level;
	content_inline_piece(cp, l, p, end, &n->text);
	return 1;
}

static size_t
content_block_paragraph(struct content_parser *cp,
			const struct content_line *lines, size_t n,
			struct content_nodes *out)
{
	struct content_part *parts;
	size_t k = 0, np;
	struct content_node *node;
	char qa = 0;

	/*
	 * Count the paragraph's lines first: n is every line left in the
	 * document, and an array that size per paragraph made parsing
	 * quadratic (zeroing megabytes per paragraph).
	 */
	while (k < n) {
		const struct content_line *l = &lines[k];

		if (content_block_type(l) != CONTENT_LT_TEXT)
			break;
		if (k > 0 && (content_block_is_qa(l, 'Q') ||
			      content_block_is_qa(l, 'A')))
			break; /* a Q: or A: line starts a new paragraph */
		k++;
	}
	np = k;
	parts = xcalloc(np ? np : 1, sizeof *parts);
	for (k = 0; k < np; k++) {
		const struct content_line *l = &lines[k];
		const char *end = l->p + l->len;

		parts[k].line = l;
		parts[k].from = content_skip_space(l->p, end);
		parts[k].to = content_trim_end(parts[k].from, end);
	}
	if (content_block_is_qa(&lines[0], 'Q') ||
	    content_block_is_qa(&lines[0], 'A')) {
		const char *p = parts[0].from;

		qa = *p;
		p += p[1] == ':' ? 2 : 1 + strlen("：");
		parts[0].from = content_skip_space(p, parts[0].to);
	}
	node = content_nodes_add(out, CONTENT_PARAGRAPH, cp, &lines[0],
				 content_skip_space(lines[0].p,
						    lines[0].p + lines[0].len));
	out->qa[out->n - 1] = qa;
	content_inline_parts(cp, parts, k, &node->text);
	if (qa != 0 && node->text.n == 0)
		content_err(cp, &lines[0], parts[0].from,
			    "'%c:' has no text after it", qa);
	free(parts);
	return k;
}

static size_t
content_block_list(struct content_parser *cp, const struct content_line *lines,
		   size_t n, struct content_nodes *out)
{
	struct content_item_mark m;
	struct content_node *node;
	struct content_item *items = NULL;
	size_t nitems = 0, cap = 0, k = 0, pcap = 0;
	/* grown per item: n is every line left in the document */
	struct content_part *parts = NULL;
	bool ordered, task;

	content_block_item_mark(&lines[0], &m);
	ordered = m.ordered;
	task = m.checked >= 0;
	node = content_nodes_add(out, CONTENT_LIST, cp, &lines[0], m.mark);
	node->ordered = ordered;
	node->start = ordered ? m.number : 0;
	while (k < n) {
		const struct content_line *l = &lines[k];
		struct content_item *it;
		size_t np = 0;

		if (content_block_type(l) == CONTENT_LT_BLANK) {
			size_t j = k;
			while (j < n && content_block_type(&lines[j]) ==
					 CONTENT_LT_BLANK)
				j++;
			/* a blank line ends the list unless an item of the
			   same kind (ordered or not, task or not) follows */
			if (j < n &&
			    content_block_type(&lines[j]) == CONTENT_LT_ITEM &&
			    content_block_item_mark(&lines[j], &m) &&
			    m.ordered == ordered &&
			    (m.checked >= 0) == task && (lines[j].p[0] != ' '))
				k = j;
			else
				break;
			continue;
		}
		if (content_block_type(l) != CONTENT_LT_ITEM ||
		    !content_block_item_mark(l, &m) || m.ordered != ordered)
			break;
		XGROW(items, nitems, cap);
		it = &items[nitems++];
		it->checked = m.checked;
		it->score = -1;
		it->line = l->lineno;
		it->col = content_col(cp, l->src, (size_t)(m.mark - l->src));
		XGROW(parts, np, pcap);
		parts[np].line = l;
		parts[np].from = m.text;
		parts[np].to = content_trim_end(m.text, l->p + l->len);
		np++;
		k++;
		/* continuation lines: indented by at least two spaces */
		while (k < n) {
			const struct content_line *c = &lines[k];
			const char *end = c->p + c->len;
			const char *p = content_skip_space(c->p, end);
			struct content_item_mark m2;

			if (p == end || !(c->p[0] == '\t' ||
					   (c->p[0] == ' ' && c->p[1] == ' ') ||
					   (c->p[0] == ' ' && c->p[1] == '\t')))
				break; /* indented by two spaces (or a tab) */
			{
				struct content_line sub = *c;
				sub.p = p;
				sub.len = (size_t)(end - p);
				if (content_block_item_mark(&sub, &m2))
					content_err(cp, c, p, "nested lists are "
						    "not supported: a list has "
						    "one level");
			}
			XGROW(parts, np, pcap);
			parts[np].line = c;
			parts[np].from = p;
			parts[np].to = content_trim_end(p, end);
			np++;
			k++;
		}
		content_inline_parts(cp, parts, np, &it->text);
		if (it->text.n == 0)
			content_err(cp, l, m.mark, "empty list item");
	}
	node->items = items;
	node->nitems = nitems;
	free(parts);
	return k;
}

static size_t
content_block_callout(struct content_parser *cp,
		      const struct content_line *lines, size_t n, int depth,
		      struct content_nodes *out)
{
	size_t k = 0;
	const struct content_line *l0 = &lines[0];
	const char *end = l0->p + l0->len;
	const char *p = content_skip_space(l0->p, end);
	const char *q;
	struct content_node *node;
	struct content_line *inner;
	struct content_nodes body = { 0 };
	size_t plain = 1; /* the first line inside the callout */

	while (k < n && content_block_type(&lines[k]) == CONTENT_LT_QUOTE)
		k++;
	node = content_nodes_add(out, CONTENT_CALLOUT, cp, l0, p);
	node->callout = CONTENT_CALLOUT_NOTE;
	if (depth > 0) {
		content_err(cp, l0, p, "callouts cannot be nested");
		return k;
	}
	q = content_skip_space(p + 1, end);
	end = content_trim_end(q, end);
	if (content_has(q, end, "[!WARNING]") || content_has(q, end, "[!NOTE]")) {
		const char *r;

		node->callout = q[2] == 'W' ? CONTENT_CALLOUT_WARNING :
					      CONTENT_CALLOUT_NOTE;
		r = content_skip_space(q + (q[2] == 'W' ? 10 : 7), end);
		if (r < end)
			content_err(cp, l0, r, "put the callout's text on the "
				    "next line, after '> '");
	} else if (content_has(q, end, "[!")) {
		const char *c = memchr(q, ']', (size_t)(end - q));
		int ml = c != NULL ? (int)(c + 1 - q) : (int)(end - q);

		content_err(cp, l0, q, "unknown callout '%.*s' (expected "
			    "> [!WARNING] or > [!NOTE])", ml, q);
	} else {
		content_err(cp, l0, p, "a '>' quote must start with a line "
			    "'> [!WARNING]' or '> [!NOTE]' (a callout)");
		plain = 0; /* the first line is text too */
	}
	if (k == 1 && plain == 1) {
		content_err(cp, l0, p, "empty callout: expected lines "
			    "starting with '>' under the marker");
		return k;
	}
	inner = xcalloc(k, sizeof *inner);
	for (size_t i = plain; i < k; i++) {
		const struct content_line *l = &lines[i];
		const char *e = l->p + l->len;
		const char *s = content_skip_space(l->p, e) + 1; /* after '>' */

		if (s < e && *s == ' ')
			s++;
		inner[i - plain] = *l;
		inner[i - plain].p = s;
		inner[i - plain].len = (size_t)(e - s);
	}
	content_blocks(cp, inner, k - plain, depth + 1, &body);
	node->children = body.v;
	node->nchildren = body.n;
	free(body.qa);
	free(inner);
	return k;
}

/* The blocks of lines as nodes, appended to flat (Q/A not grouped yet). */
void
content_blocks_flat(struct content_parser *cp, const struct content_line *lines,
		    size_t n, int depth, struct content_nodes *flat)
{
	size_t i = 0, blocks = 0;

	/* most blocks (lines after a blank one) are one node each: make
	   room for that many rather than doubling past it */
	for (size_t k = 0; k < n; k++)
		blocks += !content_line_blank(&lines[k]) &&
			  (k == 0 || content_line_blank(&lines[k - 1]));
	if (blocks > 8 && flat->n + blocks > flat->cap) {
		flat->cap = flat->qacap = flat->n + blocks;
		flat->v = xreallocarray(flat->v, flat->cap, sizeof *flat->v);
		flat->qa = xreallocarray(flat->qa, flat->cap, 1);
	}

	while (i < n) {
		const struct content_line *l = &lines[i];

		switch (content_block_type(l)) {
		case CONTENT_LT_BLANK:
			i++;
			break;
		case CONTENT_LT_HEADING:
			i += content_block_heading(cp, l, flat);
			break;
		case CONTENT_LT_ITEM:
			i += content_block_list(cp, l, n - i, flat);
			break;
		case CONTENT_LT_TABLE:
			i += content_table(cp, l, n - i, flat);
			break;
		case CONTENT_LT_QUOTE:
			i += content_block_callout(cp, l, n - i, depth, flat);
			break;
		case CONTENT_LT_TEXT:
			if (content_is_dashes(l)) {
				content_err(cp, l, l->p, "a line '---' is not "
					    "part of the format here (the front "
					    "matter has ended; there are no "
					    "horizontal rules)");
				i++;
				break;
			}
			i += content_block_paragraph(cp, l, n - i, flat);
			break;
		}
	}
}

void
content_blocks(struct content_parser *cp, const struct content_line *lines,
	       size_t n, int depth, struct content_nodes *out)
{
	struct content_nodes flat = { 0 };

	content_blocks_flat(cp, lines, n, depth, &flat);
	content_qa_group(cp, &flat, out);
}
