/*
 * content-qa: Q&A pairs. A paragraph starting with "Q:" takes as its answer
 * the "A:" paragraph right after it and the plain paragraphs and lists
 * that follow that one; an answer without a question, or a question
 * without an answer, is an error. The grouping works on a list of parsed
 * nodes and hands finished ones over (content_qa_emit), so that a stream
 * can keep back only a question whose answer may still go on.
 *
 * Owns nothing: nodes pass through it to the caller's receiver; the
 * problems held back are in the parser (content_parser.qa_errs).
 */
#include <stdlib.h>
#include <string.h>

#include "content-int.h"
#include "xmalloc.h"

/* The errors of Q/A grouping (content_qa_emit). */
void
content_qa_error(struct content_parser *cp, int line, int col, char what)
{
	if (what == 'Q')
		content_err_at(cp, line, col, "question 'Q:' has no answer: "
			       "expected a paragraph starting with 'A:' right "
			       "after it");
	else
		content_err_at(cp, line, col, "answer 'A:' without a question: "
			       "'A:' must follow a 'Q:' paragraph");
}

static void
content_qa_problem(struct content_parser *cp, bool defer,
		   const struct content_node *n, char what)
{
	struct content_qa_err *e;

	if (!defer) {
		content_qa_error(cp, n->line, n->col, what);
		return;
	}
	XGROW(cp->qa_errs, cp->nqa_errs, cp->qa_errcap);
	e = &cp->qa_errs[cp->nqa_errs++];
	e->line = n->line;
	e->col = n->col;
	e->what = what;
}

/*
 * Group Q: paragraphs with their answers (the A: paragraph and the plain
 * paragraphs and lists right after it) and hand the nodes of pend over to
 * `to`, in order: each callback takes the node's contents. Unless final,
 * a question at the end of pend stays there, with its answer so far: lines
 * not parsed yet may still join it. Grouping problems are reported at once,
 * or with defer kept in cp->qa_errs, for content_parse_each to report after
 * every block's own (the order a whole-document parse reports them in).
 */
void
content_qa_emit(struct content_parser *cp, struct content_nodes *pend,
		bool final, bool defer, const struct content_each *to)
{
	size_t i = 0, total = pend->n;
	struct content_node *v = pend->v;
	const char *qas = pend->qa;

	while (i < total) {
		struct content_node *n = &v[i];
		char qa = qas[i];

		if (qa == 'Q') {
			struct content_node q;
			size_t j = i + 1, a = j;

			if (j < total && qas[j] == 'A') {
				j++;
				while (j < total && qas[j] == 0 &&
				       (v[j].kind == CONTENT_PARAGRAPH ||
					v[j].kind == CONTENT_LIST))
					j++;
			}
			if (j == total && !final)
				break; /* the answer may go on */
			q = *n;
			q.kind = CONTENT_QA;
			if (j > a) {
				q.nchildren = j - a;
				q.children = xreallocarray(NULL, j - a,
							   sizeof *q.children);
				memcpy(q.children, &v[a],
				       (j - a) * sizeof *q.children);
			} else {
				content_qa_problem(cp, defer, n, 'Q');
			}
			to->node(to->ctx, &q);
			i = j;
			continue;
		}
		if (qa == 'A')
			content_qa_problem(cp, defer, n, 'A');
		to->node(to->ctx, n);
		i++;
	}
	if (i > 0 && i < total) {
		memmove(v, v + i, (total - i) * sizeof *v);
		memmove(pend->qa, pend->qa + i, total - i);
	}
	pend->n = total - i;
}

/* Group Q: paragraphs with their answers; move the nodes of in to out
   (which holds no Q/A marks afterwards, and no slack). */
void
content_qa_group(struct content_parser *cp, struct content_nodes *in,
		 struct content_nodes *out)
{
	struct content_each to = { .node = content_nodes_take, .ctx = out };

	content_qa_emit(cp, in, true, false, &to);
	content_nodes_fit(out);
	free(in->v);
	free(in->qa);
	memset(in, 0, sizeof *in);
}
