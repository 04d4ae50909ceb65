/*
 * lint: content-quality warnings over parsed documents (see lint.h): the
 * quiz a guesser could pass, consent statements that bundle several duties
 * or promise an outcome, readings given on a later use of a word instead
 * of its first. Owns the word lists of a lint.conf.
 */
#include "lint.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistr.h>

#include "bundle.h"
#include "content.h"
#include "decode.h"
#include "strbuf.h"
#include "xmalloc.h"

/* ---- lint.conf ----------------------------------------------------------- */

void
lint_rules_init(struct lint_rules *r)
{
	memset(r, 0, sizeof *r);
}

static void
lint_list_add(struct lint_list *l, const char *s, size_t n)
{
	XGROW(l->v, l->n, l->cap);
	l->v[l->n++] = xstrndup(s, n);
}

static void
lint_list_done(struct lint_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void
lint_rules_done(struct lint_rules *r)
{
	lint_list_done(&r->duty_end);
	lint_list_done(&r->not_duty_end);
	lint_list_done(&r->duty_word);
	lint_list_done(&r->understanding);
	lint_list_done(&r->outcome);
	r->loaded = 0;
}

static bool
lint_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void
lint_rules_parse(struct lint_rules *r, const char *path, const char *text,
		 size_t len, struct diag_list *dl)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "duty-end", offsetof(struct lint_rules, duty_end) },
		{ "not-duty-end", offsetof(struct lint_rules, not_duty_end) },
		{ "duty-word", offsetof(struct lint_rules, duty_word) },
		{ "understanding", offsetof(struct lint_rules, understanding) },
		{ "outcome", offsetof(struct lint_rules, outcome) },
	};
	const char *p = text, *end = text + len;
	int lineno = 0;

	r->loaded = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end, *k = p, *ke, *v;
		size_t i;

		lineno++;
		while (k < e && lint_space(*k))
			k++;
		while (e > k && lint_space(e[-1]))
			e--;
		if (k == e || *k == '#')
			goto next;
		ke = k;
		while (ke < e && ((*ke >= 'a' && *ke <= 'z') || *ke == '-'))
			ke++;
		v = ke;
		while (v < e && lint_space(*v))
			v++;
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if ((size_t)(ke - k) == strlen(keys[i].key) &&
			    memcmp(k, keys[i].key, (size_t)(ke - k)) == 0)
				break;
		if (i == sizeof keys / sizeof keys[0]) {
			diag_error(dl, path, lineno, diag_column(p, (size_t)(k - p)),
				   "unknown key '%.*s' (expected duty-end, "
				   "not-duty-end, duty-word, understanding or "
				   "outcome)", (int)(ke - k), k);
			goto next;
		}
		if (v == e || *v != '=') {
			diag_error(dl, path, lineno, diag_column(p, (size_t)(v - p)),
				   "expected '=' after '%.*s'", (int)(ke - k), k);
			goto next;
		}
		v++;
		while (v < e && lint_space(*v))
			v++;
		if (v == e) {
			diag_error(dl, path, lineno, diag_column(p, (size_t)(v - p)),
				   "'%.*s' has an empty value", (int)(ke - k), k);
			goto next;
		}
		lint_list_add((struct lint_list *)((char *)r + keys[i].off), v,
			      (size_t)(e - v));
next:
		p = nl != NULL ? nl + 1 : end;
	}
}

int
lint_rules_load(struct lint_rules *r, const char *path, struct diag_list *dl)
{
	struct decode_text t;
	struct stat st;

	if (stat(path, &st) != 0)
		return 0;
	if (decode_file(path, &t, dl) != 0)
		return -1;
	lint_rules_parse(r, path, t.text, t.len, dl);
	decode_text_done(&t);
	return 0;
}

/* ---- sentences ------------------------------------------------------------ */

static bool
lint_has(const char *s, size_t n, const struct lint_list *l, const char **which)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = strlen(l->v[i]);

		for (size_t j = 0; k <= n && j + k <= n; j++)
			if (memcmp(s + j, l->v[i], k) == 0) {
				if (which != NULL)
					*which = l->v[i];
				return true;
			}
	}
	return false;
}

/* The length of s without what may follow a duty ending: punctuation,
 * spaces, and a closing remark in brackets ("…します（夜は#7119）。"). */
static size_t
lint_trim_end(const char *s, size_t n)
{
	static const char *const tail[] = {
		"。", "．", "！", "？", "」", "』", "、",
		".", "!", "?", "\"", " ", "\t",
	};
	static const char *const close[] = { "）", ")" };
	static const char *const open[] = { "（", "(" };
	bool more = true;

	while (more && n > 0) {
		more = false;
		for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++) {
			size_t k = strlen(tail[i]);

			if (n >= k && memcmp(s + n - k, tail[i], k) == 0) {
				n -= k;
				more = true;
				break;
			}
		}
		for (size_t i = 0; !more && i < 2; i++) {
			size_t k = strlen(close[i]), o = strlen(open[i]);

			if (n < k || memcmp(s + n - k, close[i], k) != 0)
				continue;
			/* back to the bracket that opens it */
			for (size_t j = n - k; j >= o; j--)
				if (memcmp(s + j - o, open[i], o) == 0) {
					n = j - o;
					more = true;
					break;
				}
			if (!more)
				n -= k; /* unmatched: drop the bracket only */
			more = true;
		}
	}
	return n;
}

static bool
lint_ends(const char *s, size_t m, const struct lint_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = strlen(l->v[i]);

		if (m >= k && memcmp(s + m - k, l->v[i], k) == 0)
			return true;
	}
	return false;
}

static bool
lint_is_duty(const char *s, size_t n, const struct lint_rules *r)
{
	size_t m = lint_trim_end(s, n);

	if (m == 0 || lint_has(s, n, &r->understanding, NULL))
		return false;
	if (lint_has(s, n, &r->duty_word, NULL))
		return true;
	return lint_ends(s, m, &r->duty_end) &&
	       !lint_ends(s, m, &r->not_duty_end);
}

/*
 * Calls fn for each sentence of text: one ends after 。！？ (and their
 * fullwidth forms), after . ! ? followed by a space, a line break or the
 * end, and at a line break.
 */
static void
lint_sentences(const char *text, void (*fn)(void *, const char *, size_t),
	       void *ctx)
{
	const char *p = text, *start = text;

	while (*p != '\0') {
		size_t k = 0;

		if (strncmp(p, "。", 3) == 0 || strncmp(p, "！", 3) == 0 ||
		    strncmp(p, "？", 3) == 0 || strncmp(p, "．", 3) == 0)
			k = 3;
		else if ((*p == '.' || *p == '!' || *p == '?') &&
			 (p[1] == ' ' || p[1] == '\n' || p[1] == '\0'))
			k = 1;
		else if (*p == '\n')
			k = 1;
		if (k > 0) {
			const char *e = *p == '\n' ? p : p + k;

			while (start < e && (*start == ' ' || *start == '\n'))
				start++;
			if (e > start)
				fn(ctx, start, (size_t)(e - start));
			p += k;
			start = p;
		} else {
			p++;
		}
	}
	while (*start == ' ' || *start == '\n')
		start++;
	if (p > start)
		fn(ctx, start, (size_t)(p - start));
}

struct lint_duty_ctx {
	const struct lint_rules *r;
	size_t n;
	struct strbuf quoted; /* the duty sentences, quoted, for a message */
};

static void
lint_duty_one(void *ctx, const char *s, size_t n)
{
	struct lint_duty_ctx *c = ctx;

	if (!lint_is_duty(s, n, c->r))
		return;
	if (c->n++ > 0)
		strbuf_addstr(&c->quoted, ", ");
	strbuf_addch(&c->quoted, '\'');
	strbuf_add(&c->quoted, s, n);
	strbuf_addch(&c->quoted, '\'');
}

size_t
lint_duty_sentences(const char *text, const struct lint_rules *r)
{
	struct lint_duty_ctx c = { .r = r };

	strbuf_init(&c.quoted);
	lint_sentences(text, lint_duty_one, &c);
	strbuf_done(&c.quoted);
	return c.n;
}

const char *
lint_outcome_word(const char *text, const struct lint_rules *r)
{
	const char *w = NULL;

	return lint_has(text, strlen(text), &r->outcome, &w) ? w : NULL;
}

/* ---- consent ------------------------------------------------------------- */

void
lint_consent(const struct content_doc *doc, const struct lint_rules *r,
	     struct diag_list *dl)
{
	if (doc == NULL || doc->kind != CONTENT_KIND_CONSENT || r == NULL)
		return;
	for (size_t i = 0; i < doc->n; i++) {
		const struct content_node *st = &doc->nodes[i];
		struct lint_duty_ctx c = { .r = r };
		const char *w;
		char *text;
		int line, col;

		if (st->kind != CONTENT_STATEMENT)
			continue;
		/* where the statement's text starts */
		line = st->nchildren > 0 ? st->children[0].line : st->line;
		col = st->nchildren > 0 ? st->children[0].col : st->col;
		text = content_nodes_text(st->children, st->nchildren);
		strbuf_init(&c.quoted);
		lint_sentences(text, lint_duty_one, &c);
		if (c.n > 1)
			diag_warning(dl, doc->path, line, col,
				     "statement '%s' has %zu sentences of duty "
				     "(%s): one point per statement, so that "
				     "each is confirmed on its own; split it",
				     st->id != NULL ? st->id : "?", c.n,
				     c.quoted.s);
		strbuf_done(&c.quoted);
		w = lint_outcome_word(text, r);
		if (w != NULL)
			diag_warning(dl, doc->path, line, col,
				     "statement '%s' promises an outcome ('%s'): "
				     "a statement says what the patient "
				     "understood or will do, never what will "
				     "happen", st->id != NULL ? st->id : "?", w);
		free(text);
	}
}

/* ---- quiz ----------------------------------------------------------------- */

static size_t
lint_chars(const char *s)
{
	return u8_mbsnlen((const uint8_t *)s, strlen(s));
}

void
lint_quiz(const struct content_doc *doc, struct diag_list *dl)
{
	size_t nq = 0, nlong = 0;
	struct strbuf which;
	char **right;
	const struct content_node *first = NULL;

	if (doc == NULL || doc->kind != CONTENT_KIND_QUIZ)
		return;
	right = xcalloc(doc->n + 1, sizeof *right);
	strbuf_init(&which);
	for (size_t i = 0; i < doc->n; i++) {
		const struct content_node *q = &doc->nodes[i];
		size_t longest = 0, rlen = 0;
		int r = -1;

		if (q->kind != CONTENT_QUESTION || q->nitems < 2)
			continue;
		for (size_t k = 0; k < q->nitems; k++) {
			char *t = content_inline_text(&q->items[k].text);
			size_t n = lint_chars(t);

			if (q->items[k].checked == 1 && r < 0) {
				r = (int)k;
				rlen = n;
				right[i] = t;
			} else {
				if (n > longest)
					longest = n;
				free(t);
			}
		}
		if (r < 0)
			continue;
		nq++;
		if (rlen >= longest) {
			if (nlong++ > 0)
				strbuf_addstr(&which, ", ");
			strbuf_addf(&which, "%s (line %d)", q->id != NULL ? q->id : "?",
				    q->items[r].line);
			if (first == NULL)
				first = q;
		}
		/* the same right wording as an earlier question */
		for (size_t j = 0; j < i; j++)
			if (right[j] != NULL && strcmp(right[j], right[i]) == 0) {
				diag_warning(dl, doc->path, q->items[r].line,
					     q->items[r].col,
					     "question '%s' has the same right "
					     "answer as question '%s' (line %d), "
					     "'%s': a patient learns the answer, "
					     "not the point; word them apart",
					     q->id != NULL ? q->id : "?",
					     doc->nodes[j].id != NULL ?
					     doc->nodes[j].id : "?",
					     doc->nodes[j].line, right[i]);
				break;
			}
	}
	if (nq > 0 && nlong * 3 > nq)
		diag_warning(dl, doc->path, first->line, first->col,
			     "the right choice is the longest in %zu of %zu "
			     "questions (more than a third: a patient who picks "
			     "the longest passes): %s; shorten the right "
			     "choice or lengthen a wrong one in some of them",
			     nlong, nq, which.s);
	strbuf_done(&which);
	for (size_t i = 0; i < doc->n; i++)
		free(right[i]);
	free(right);
}

/* ---- ruby ------------------------------------------------------------------ */

/* The spans of one screen, in reading order. */
struct lint_spans {
	const struct content_span **v;
	size_t n, cap;
};

static void
lint_spans_inline(struct lint_spans *s, const struct content_inline *in)
{
	for (size_t i = 0; i < in->n; i++) {
		XGROW(s->v, s->n, s->cap);
		s->v[s->n++] = &in->spans[i];
	}
}

static void lint_spans_nodes(struct lint_spans *s, const struct content_node *n,
			     size_t count);

static void
lint_spans_node(struct lint_spans *s, const struct content_node *n)
{
	lint_spans_inline(s, &n->text);
	for (size_t r = 0; n->kind == CONTENT_TABLE && r < n->table.nrows; r++)
		for (size_t c = 0; c < n->table.ncols; c++)
			lint_spans_inline(s, &n->table.cells[r * n->table.ncols + c]);
	if (n->kind == CONTENT_QUESTION) {
		/* the prompt, the choices, then the explanation */
		lint_spans_nodes(s, n->children, n->nchildren);
		for (size_t i = 0; i < n->nitems; i++)
			lint_spans_inline(s, &n->items[i].text);
		lint_spans_nodes(s, n->explain, n->nexplain);
		return;
	}
	for (size_t i = 0; i < n->nitems; i++)
		lint_spans_inline(s, &n->items[i].text);
	lint_spans_nodes(s, n->children, n->nchildren);
	lint_spans_nodes(s, n->explain, n->nexplain);
}

static void
lint_spans_nodes(struct lint_spans *s, const struct content_node *n,
		 size_t count)
{
	for (size_t i = 0; i < count; i++)
		lint_spans_node(s, &n[i]);
}

/* The first ruby of each base that follows a use of the base without one. */
static void
lint_ruby_scope(const char *path, const struct lint_spans *s,
		struct diag_list *dl)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct content_span *r = s->v[i];
		bool seen = false;

		if (r->ruby == NULL || r->text[0] == '\0')
			continue;
		/* only the first ruby of this base on the screen */
		for (size_t j = 0; j < i && !seen; j++)
			seen = s->v[j]->ruby != NULL &&
			       strcmp(s->v[j]->text, r->text) == 0;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct content_span *p = s->v[j];

			if (p->ruby != NULL || strstr(p->text, r->text) == NULL)
				continue;
			diag_warning(dl, path, r->line, r->col,
				     "'%s' has its reading here, but it is "
				     "used earlier on this screen without one "
				     "(in the text from line %d): give the "
				     "reading at its first use", r->text,
				     p->line);
			seen = true;
		}
	}
}

void
lint_ruby(const struct content_doc *doc, struct diag_list *dl)
{
	struct lint_spans s = { 0 };

	if (doc == NULL)
		return;
	if (content_kind_sections(doc->kind)) {
		/* each question, statement and follow-up item is a screen of
		   its own */
		for (size_t i = 0; i < doc->n; i++) {
			s.n = 0;
			lint_spans_node(&s, &doc->nodes[i]);
			lint_ruby_scope(doc->path, &s, dl);
		}
	} else {
		lint_spans_nodes(&s, doc->nodes, doc->n);
		lint_ruby_scope(doc->path, &s, dl);
	}
	free(s.v);
}

/* ---- everything ------------------------------------------------------------- */

void
lint_doc(const struct content_doc *doc, const struct lint_rules *r,
	 struct diag_list *dl)
{
	if (doc == NULL)
		return;
	lint_ruby(doc, dl);
	lint_quiz(doc, dl);
	if (r != NULL && r->loaded)
		lint_consent(doc, r, dl);
}

void
lint_bundle(const struct bundle *b, struct diag_list *dl)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nlangs; i++) {
		const struct bundle_lang *l = &b->langs[i];
		struct lint_rules r;
		char *path = xasprintf("%s/lint.conf", l->dir);

		lint_rules_init(&r);
		lint_rules_load(&r, path, dl);
		for (size_t k = 0; k < l->nscreens; k++)
			lint_doc(l->screens[k], &r, dl);
		lint_doc(l->quiz, &r, dl);
		lint_doc(l->consent, &r, dl);
		lint_rules_done(&r);
		free(path);
	}
}
