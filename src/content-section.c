/*
 * content-section: the body of a quiz or consent file, a "## id" section at
 * a time. A section starts with its keys (profile:, in a quiz reread:, in a
 * consent file signer: and every-visit:, in a quiz recheck:; a follow-up
 * file's keys are content-entry.c's),
 * then blocks: in a quiz, a question (the prompt, one task list of choices
 * with exactly one "- [x]", an explanation), in a consent file, one
 * statement. Ids are checked for their form and for duplicates across the
 * file.
 *
 * Owns: the ids seen so far (struct content_sections), copied, since the
 * sections themselves are handed over before the next is parsed.
 */
#include <stdlib.h>
#include <string.h>

#include "content-int.h"
#include "xmalloc.h"

struct content_section_seen {
	char *id;
	int line;
};

/* "yes" or "no" into *b; an error otherwise. */
static void
content_section_yesno(struct content_parser *cp, const struct content_line *l,
		      const char *key, const char *v, const char *end, bool *b)
{
	if (end - v == 3 && memcmp(v, "yes", 3) == 0)
		*b = true;
	else if (end - v == 2 && memcmp(v, "no", 2) == 0)
		*b = false;
	else
		content_err(cp, l, v < end ? v : l->p, "%s must be yes or no, "
			    "not '%.*s'", key, (int)(end - v), v);
}

static void
content_section_keys(struct content_parser *cp, struct content_node *node,
		     const struct content_line *lines, size_t n, size_t *k)
{
	bool quiz = cp->kind == CONTENT_KIND_QUIZ;
	bool consent = cp->kind == CONTENT_KIND_CONSENT;
	unsigned seen = 0; /* bool keys given: 1 recheck, 2 every-visit */

	while (*k < n) {
		const struct content_line *l = &lines[*k];
		const char *end = content_trim_end(l->p, l->p + l->len);
		const char *p = l->p, *v;
		char **slot;

		while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '-'))
			p++;
		if (p == l->p || p >= end || *p != ':')
			break;
		v = content_skip_space(p + 1, end);
		if (!quiz && !consent) {
			if (!content_entry_key(cp, node, l, l->p,
					       (size_t)(p - l->p), v, end))
				content_err(cp, l, l->p, "unknown key '%.*s' "
					    "(expected %s)", (int)(p - l->p),
					    l->p, cp->kind == CONTENT_KIND_METHODS ?
					    "class or message" : cp->kind ==
					    CONTENT_KIND_CHECKLIST ? "urgent, "
					    "code or message" : "code, "
					    "urgent-from, min-total, flag or "
					    "message");
			(*k)++;
			continue;
		}
		if ((quiz && p - l->p == 7 && memcmp(l->p, "recheck", 7) == 0) ||
		    (consent && p - l->p == 11 &&
		     memcmp(l->p, "every-visit", 11) == 0)) {
			unsigned bit = quiz ? 1 : 2;
			bool yes = false;

			if (seen & bit)
				content_err(cp, l, l->p, "'%.*s:' is given twice",
					    (int)(p - l->p), l->p);
			seen |= bit;
			content_section_yesno(cp, l, quiz ? "recheck" :
					      "every-visit", v, end, &yes);
			if (quiz)
				node->no_recheck = !yes;
			else
				node->every_visit = yes;
			(*k)++;
			continue;
		}
		if (p - l->p == 7 && memcmp(l->p, "profile", 7) == 0) {
			slot = &node->profile;
			if (!((end - v == 3 && memcmp(v, "all", 3) == 0) ||
			      (end - v == 9 && memcmp(v, "pregnancy", 9) == 0)))
				content_err(cp, l, v, "unknown profile '%.*s' "
					    "(expected all or pregnancy)",
					    (int)(end - v), v);
		} else if (!quiz && p - l->p == 6 &&
			   memcmp(l->p, "signer", 6) == 0) {
			slot = &node->signer;
			if (!((end - v == 7 && memcmp(v, "patient", 7) == 0) ||
			      (end - v == 8 && memcmp(v, "guardian", 8) == 0)))
				content_err(cp, l, v, "unknown signer '%.*s' "
					    "(expected patient or guardian)",
					    (int)(end - v), v);
		} else if (quiz && p - l->p == 6 && memcmp(l->p, "reread", 6) == 0) {
			slot = &node->reread;
			node->reread_line = l->lineno;
			node->reread_col = content_col(cp, l->src,
						       (size_t)(v - l->src));
			if (!content_is_id(v, (size_t)(end - v)))
				content_err(cp, l, v, "reread must name a screen "
					    "id (lowercase letters, digits "
					    "and '-'), not '%.*s'",
					    (int)(end - v), v);
		} else {
			content_err(cp, l, l->p, "unknown key '%.*s' (expected %s)",
				    (int)(p - l->p), l->p,
				    quiz ? "profile, reread or recheck" :
				    "profile, signer or every-visit");
			(*k)++;
			continue;
		}
		if (*slot != NULL)
			content_err(cp, l, l->p, "'%.*s:' is given twice",
				    (int)(p - l->p), l->p);
		free(*slot);
		*slot = xstrndup(v, (size_t)(end - v));
		(*k)++;
	}
}

/* A question: prompt blocks, one task list (choices), explanation blocks. */
static void
content_section_question(struct content_parser *cp, struct content_node *q,
			 const struct content_line *hl,
			 struct content_nodes *body)
{
	size_t c = body->n, right = 0;

	for (size_t i = 0; i < body->n; i++) {
		const struct content_node *b = &body->v[i];
		if (b->kind == CONTENT_LIST && b->nitems > 0 &&
		    b->items[0].checked >= 0) {
			c = i;
			break;
		}
	}
	if (c == 0 && c < body->n)
		content_err(cp, hl, hl->p, "question '%s' has no prompt: expected "
			    "a paragraph before the choices", q->id);
	if (c == body->n) {
		content_err(cp, hl, hl->p, "question '%s' has no choices: expected "
			    "a list of '- [ ]' items with one '- [x]'", q->id);
		q->children = body->v;
		q->nchildren = body->n;
		free(body->qa);
		memset(body, 0, sizeof *body);
		return;
	}
	{
		struct content_node *ch = &body->v[c];

		for (size_t i = 0; i < ch->nitems; i++) {
			const struct content_item *it = &ch->items[i];
			if (it->checked < 0)
				content_err_at(cp, it->line, it->col, "every "
					       "choice must start with '- [ ]' "
					       "or '- [x]'");
			else if (it->checked == 1 && right++ > 0)
				content_err_at(cp, it->line, it->col, "question "
					       "'%s' has more than one right "
					       "answer: only one choice may be "
					       "'- [x]'", q->id);
		}
		if (ch->nitems < 2)
			content_err_at(cp, ch->line, ch->col, "question '%s' has "
				       "only %zu choice; it needs at least 2",
				       q->id, ch->nitems);
		if (right == 0)
			content_err_at(cp, ch->line, ch->col, "question '%s' has "
				       "no right answer: mark one choice '- [x]'",
				       q->id);
		if (c + 1 == body->n)
			content_err(cp, hl, hl->p, "question '%s' has no "
				    "explanation: expected a paragraph after the "
				    "choices", q->id);
		for (size_t i = c + 1; i < body->n; i++) {
			const struct content_node *b = &body->v[i];
			if (b->kind == CONTENT_LIST && b->nitems > 0 &&
			    b->items[0].checked >= 0)
				content_err_at(cp, b->line, b->col, "question "
					       "'%s' has a second list of "
					       "choices", q->id);
		}
		q->items = ch->items;
		q->nitems = ch->nitems;
		ch->items = NULL;
		ch->nitems = 0;
		content_node_done(ch);
	}
	q->nchildren = c;
	q->children = c ? xcalloc(c, sizeof *q->children) : NULL;
	if (c)
		memcpy(q->children, body->v, c * sizeof *q->children);
	q->nexplain = body->n - c - 1;
	q->explain = q->nexplain ? xcalloc(q->nexplain, sizeof *q->explain) : NULL;
	if (q->nexplain)
		memcpy(q->explain, &body->v[c + 1],
		       q->nexplain * sizeof *q->explain);
	free(body->v);
	free(body->qa);
	memset(body, 0, sizeof *body);
}

bool
content_section_starts(const struct content_line *l)
{
	return l->len >= 2 && l->p[0] == '#' && l->p[1] == '#' &&
	       (l->len == 2 || l->p[2] != '#');
}

/* One section: lines[0] is its "## id" line, the rest (n - 1) its body. */
void
content_section(struct content_parser *cp, struct content_sections *ss,
		const struct content_line *lines, size_t n,
		struct content_node *out)
{
	bool quiz = cp->kind == CONTENT_KIND_QUIZ;
	bool followup = cp->kind != CONTENT_KIND_QUIZ &&
			cp->kind != CONTENT_KIND_CONSENT;
	const char *what = quiz ? "question" : followup ? "section" :
			   "statement";
	const struct content_line *hl = &lines[0];
	const char *end = content_trim_end(hl->p, hl->p + hl->len);
	const char *id = content_skip_space(hl->p + 2, end);
	struct content_nodes body = { 0 };
	struct content_node q = { 0 };
	size_t s = 1, k = n;

	q.kind = quiz ? CONTENT_QUESTION : followup ? CONTENT_ENTRY :
		 CONTENT_STATEMENT;
	q.min_total = -1;
	q.line = hl->lineno;
	q.col = 1;
	if (id == hl->p + 2 && id < end)
		content_err(cp, hl, id, "a %s needs a space after '##'",
			    what);
	if (id == end)
		content_err(cp, hl, hl->p, "a %s needs an id after "
			    "'## '", what);
	else if (!content_is_id(id, (size_t)(end - id)))
		content_err(cp, hl, id < end ? id : hl->p, "%s id '%.*s' "
			    "must be lowercase letters, digits and '-'",
			    what, (int)(end - id), id);
	q.id = xstrndup(id, (size_t)(end - id));
	for (size_t j = 0; j < ss->nseen; j++) {
		if (strcmp(ss->seen[j].id, q.id) == 0) {
			content_err(cp, hl, id, "duplicate %s id '%s' "
				    "(first at line %d)", what, q.id,
				    ss->seen[j].line);
			break;
		}
	}
	XGROW(ss->seen, ss->nseen, ss->seencap);
	ss->seen[ss->nseen].id = xstrdup(q.id);
	ss->seen[ss->nseen++].line = hl->lineno;
	content_section_keys(cp, &q, lines, k, &s);
	if (q.signer != NULL && strcmp(q.signer, "patient") == 0) {
		free(q.signer); /* the default, said out loud */
		q.signer = NULL;
	}
	if (q.profile == NULL && !followup)
		content_err(cp, hl, hl->p, "%s '%s' has no 'profile:' "
			    "line (all or pregnancy)", what, q.id);
	if (quiz && q.reread == NULL)
		content_err(cp, hl, hl->p, "question '%s' has no "
			    "'reread:' line (the screen to re-read after "
			    "a wrong answer)", q.id);
	content_blocks(cp, lines + s, k - s, 0, &body);
	if (quiz) {
		content_section_question(cp, &q, hl, &body);
	} else if (followup) {
		content_entry(cp, ss, &q, hl, &body);
	} else {
		if (body.n == 0)
			content_err(cp, hl, hl->p, "statement '%s' has "
				    "no text", q.id);
		q.children = body.v;
		q.nchildren = body.n;
		free(body.qa);
	}
	*out = q;
}

/* After the last section. */
void
content_sections_done(struct content_parser *cp, struct content_sections *ss)
{
	bool quiz = cp->kind == CONTENT_KIND_QUIZ;

	if (cp->kind != CONTENT_KIND_QUIZ && cp->kind != CONTENT_KIND_CONSENT)
		content_entries_done(cp, ss);
	else if (ss->nseen == 0)
		content_err_at(cp, 0, 0, "the %s file has no %ss: expected "
			       "'## id' sections", quiz ? "quiz" : "consent",
			       quiz ? "question" : "statement");
	for (size_t i = 0; i < ss->nseen; i++)
		free(ss->seen[i].id);
	free(ss->seen);
}
