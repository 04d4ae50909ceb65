/*
 * content: the content-file parser (doc/content-format.md is the exact
 * reference) and the document it makes. Decoded text → struct content_doc,
 * in two passes: a line-oriented block parser (front matter, headings,
 * paragraphs, lists, tables, callouts, Q&A, quiz and consent sections), then
 * an inline parser over each block's text (**bold**, ruby, <br>, {{key}},
 * backslash escapes). The text is read a stretch of lines at a time and each
 * top-level node is handed over once finished (content_parse_each;
 * content_parse collects them into a document), so neither the parser nor a
 * streaming caller holds the whole document or a structure per line of it.
 * An inline's spans and texts are one allocation, gathered in buffers the
 * parser reuses.
 *
 * Every problem is a diagnostic at file:line:col (1-based display column of
 * the source line); the parser never stops at the first and always recovers
 * at the next line or block. Everything is linear in the input: no scan ever
 * restarts from an earlier place, columns are computed incrementally, lines
 * longer than CONTENT_MAX_LINE are refused, and the number of diagnostics per
 * file is capped.
 *
 * The parser is split by what it parses (content-int.h is what the files
 * share):
 *   content.c          the parser's state and diagnostics, front matter,
 *                      reading the text a stretch at a time, the streaming
 *                      and whole-document entry points;
 *   content-block.c    blocks: headings, paragraphs, lists, callouts;
 *   content-table.c    pipe tables;
 *   content-qa.c       Q: and A: paragraphs grouped into pairs;
 *   content-section.c  the "## id" sections of quiz and consent files;
 *   content-join.c     a block's lines joined into one text;
 *   content-inline.c   inline markup;
 *   content-node.c     node lists, freeing nodes, their plain text.
 *
 * Beyond doc/content-format.md (small choices the format left open):
 * - a line starting with Q: or A: (or Q： A：) starts a new paragraph, so a
 *   pair may be written on two adjacent lines;
 * - a {{key}} at a line join counts as its value for the CJK rule (a join
 *   with CJK on either side takes no space; see doc/content-format.md);
 * - a list item continues on lines indented by two spaces or a tab; a blank
 *   line keeps a list going only for an item of the same kind (ordered or
 *   not, task or not);
 * - errors: a '---' line in the body, HTML tags other than <br> (<br/> and
 *   <br /> are accepted), nested lists, nested callouts, text after a
 *   callout marker, '#' not followed by a space, heading level 4+;
 * - more escapes: \} \》 \< \> \# \- (a literal character, so that e.g.
 *   "\- " at a line start is text, not a list item).
 *
 * Owns: the documents it hands out (every string in them; the nodes are
 * content-node.c's to free), and the parser's state while it runs.
 */
#include "content.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "content-int.h"
#include "strbuf.h"
#include "xmalloc.h"

/* ---- the parser's state and diagnostics -------------------------------- */

void
content_parser_init(struct content_parser *cp)
{
	strbuf_init(&cp->pool);
	strbuf_init(&cp->reading);
	strbuf_init(&cp->base);
	strbuf_init(&cp->join);
}

void
content_parser_done(struct content_parser *cp)
{
	strbuf_done(&cp->pool);
	strbuf_done(&cp->reading);
	strbuf_done(&cp->base);
	strbuf_done(&cp->join);
	free(cp->spans);
	free(cp->segs);
	free(cp->qa_errs);
}

int
content_vdiag(struct content_parser *cp, int line, int col,
	      enum diag_severity sev, const char *fmt, va_list ap)
{
	char *msg;

	if (sev == DIAG_ERROR) {
		cp->nerrors++;
		if (cp->nerrors > CONTENT_MAX_ERRORS)
			return -1;
		if (cp->nerrors == CONTENT_MAX_ERRORS) {
			diag_error(cp->dl, cp->path, line, col,
				   "too many errors (%d); the rest of this file "
				   "is not checked", CONTENT_MAX_ERRORS);
			return -1;
		}
	}
	msg = xvasprintf(fmt, ap);
	diag_add(cp->dl, cp->path, line, col, sev, "%s", msg);
	free(msg);
	return -1;
}

int
content_err(struct content_parser *cp, const struct content_line *l,
	    const char *p, const char *fmt, ...)
{
	va_list ap;
	int col = 0;

	if (cp->nerrors + 1 > CONTENT_MAX_ERRORS)
		return cp->nerrors++, -1;
	if (l != NULL)
		col = content_col(cp, l->src, (size_t)(p - l->src));
	va_start(ap, fmt);
	content_vdiag(cp, l != NULL ? l->lineno : 0, col, DIAG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

int
content_err_at(struct content_parser *cp, int line, int col,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	content_vdiag(cp, line, col, DIAG_ERROR, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- front matter ------------------------------------------------------ */

const char *
content_kind_name(enum content_kind kind)
{
	switch (kind) {
	case CONTENT_KIND_SCREEN:
		return "screen";
	case CONTENT_KIND_QA:
		return "qa";
	case CONTENT_KIND_QUIZ:
		return "quiz";
	case CONTENT_KIND_CONSENT:
		return "consent";
	case CONTENT_KIND_METHODS:
		return "methods";
	case CONTENT_KIND_QUESTIONNAIRE:
		return "questionnaire";
	case CONTENT_KIND_CHECKLIST:
		return "checklist";
	}
	return "?";
}

bool
content_kind_sections(enum content_kind kind)
{
	return kind != CONTENT_KIND_SCREEN && kind != CONTENT_KIND_QA;
}

const char *
content_method_class_name(enum content_method_class c)
{
	switch (c) {
	case CONTENT_METHOD_HIGHLY_EFFECTIVE:
		return "highly-effective";
	case CONTENT_METHOD_EFFECTIVE:
		return "effective";
	case CONTENT_METHOD_BARRIER:
		return "barrier";
	case CONTENT_METHOD_DOES_NOT_COUNT:
		return "does-not-count";
	}
	return "?";
}

const char *
content_flag_name(enum content_flag f)
{
	switch (f) {
	case CONTENT_FLAG_NONE:
		return "none";
	case CONTENT_FLAG_STAFF:
		return "staff";
	case CONTENT_FLAG_URGENT:
		return "urgent";
	}
	return "?";
}

/* The file name of path without its directory and ".md", or NULL. */
static char *
content_file_id(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b != NULL ? b + 1 : path;
	n = strlen(b);
	if (n < 4 || strcmp(b + n - 3, ".md") != 0)
		return NULL;
	return xstrndup(b, n - 3);
}

static bool
content_front_matter(struct content_parser *cp, struct content_doc *doc,
		     const struct content_line *lines, size_t close)
{
	bool have_kind = false;
	int q_line[3] = { 0 }; /* validated, code, licence: where given */

	doc->validated = -1;
	for (size_t i = 1; i < close; i++) {
		const struct content_line *l = &lines[i];
		const char *end = content_trim_end(l->p, l->p + l->len);
		const char *p = l->p, *v;
		size_t kl;

		if (content_line_blank(l))
			continue;
		while (p < end && *p >= 'a' && *p <= 'z')
			p++;
		if (p == l->p || p >= end || *p != ':') {
			content_err(cp, l, l->p, "expected 'key: value' in the "
				    "front matter (keys: id, title, kind, source)");
			continue;
		}
		kl = (size_t)(p - l->p);
		v = content_skip_space(p + 1, end);
#define KEY(s) (kl == strlen(s) && memcmp(l->p, s, kl) == 0)
		if (KEY("id")) {
			if (doc->id != NULL) {
				content_err(cp, l, l->p, "'id:' is given twice");
				continue;
			}
			doc->id = xstrndup(v, (size_t)(end - v));
			doc->id_line = l->lineno;
			doc->id_col = content_col(cp, l->src, (size_t)(v - l->src));
			if (!content_is_id(v, (size_t)(end - v)))
				content_err(cp, l, v < end ? v : l->p, "id '%s' "
					    "must be lowercase letters, digits "
					    "and '-'", doc->id);
		} else if (KEY("title")) {
			if (doc->title != NULL) {
				content_err(cp, l, l->p, "'title:' is given twice");
				continue;
			}
			if (v == end)
				content_err(cp, l, l->p, "empty title");
			content_inline_piece(cp, l, v, end, &doc->title_inline);
			doc->title = content_inline_text(&doc->title_inline);
		} else if (KEY("kind")) {
			static const char *const kinds[CONTENT_KIND_N] = {
				"screen", "qa", "quiz", "consent", "methods",
				"questionnaire", "checklist",
			};
			bool found = false;

			if (have_kind) {
				content_err(cp, l, l->p, "'kind:' is given twice");
				continue;
			}
			have_kind = true;
			doc->kind_line = l->lineno;
			doc->kind_col = content_col(cp, l->src, (size_t)(v - l->src));
			for (size_t k = 0; k < CONTENT_KIND_N; k++) {
				if ((size_t)(end - v) == strlen(kinds[k]) &&
				    memcmp(v, kinds[k], strlen(kinds[k])) == 0) {
					doc->kind = (enum content_kind)k;
					found = true;
				}
			}
			if (!found)
				content_err(cp, l, v < end ? v : l->p, "unknown kind "
					    "'%.*s' (expected screen, qa, quiz, "
					    "consent, methods, questionnaire or "
					    "checklist)", (int)(end - v), v);
		} else if (KEY("source")) {
			bool hex = end - v == 64;

			if (doc->source != NULL) {
				content_err(cp, l, l->p, "'source:' is given twice");
				continue;
			}
			for (const char *q = v; hex && q < end; q++)
				hex = (*q >= '0' && *q <= '9') ||
				      (*q >= 'a' && *q <= 'f') ||
				      (*q >= 'A' && *q <= 'F');
			doc->source_line = l->lineno;
			doc->source_col = content_col(cp, l->src, (size_t)(v - l->src));
			if (cp->lang != NULL && strcmp(cp->lang, "ja") == 0)
				content_err(cp, l, l->p, "'source:' belongs in "
					    "translations only, not in the source "
					    "language ja");
			if (!hex) {
				content_err(cp, l, v < end ? v : l->p, "source "
					    "must be 64 hexadecimal digits (the "
					    "SHA-256 of the ja file)");
			} else {
				doc->source = xstrndup(v, 64);
				for (char *q = doc->source; *q; q++)
					if (*q >= 'A' && *q <= 'F')
						*q = (char)(*q - 'A' + 'a');
			}
		} else if (KEY("validated") || KEY("code") || KEY("licence")) {
			/* a questionnaire's: checked against the kind below */
			int w = KEY("validated") ? 0 : KEY("code") ? 1 : 2;

			if (q_line[w] != 0) {
				content_err(cp, l, l->p, "'%.*s:' is given twice",
					    (int)kl, l->p);
				continue;
			}
			q_line[w] = l->lineno;
			if (w == 0) {
				if (end - v == 3 && memcmp(v, "yes", 3) == 0)
					doc->validated = 1;
				else if (end - v == 2 && memcmp(v, "no", 2) == 0)
					doc->validated = 0;
				else
					content_err(cp, l, v < end ? v : l->p,
						    "validated must be yes or no,"
						    " not '%.*s'", (int)(end - v),
						    v);
			} else if (v == end) {
				content_err(cp, l, l->p, "'%.*s:' needs a value",
					    (int)kl, l->p);
			} else if (w == 1) {
				doc->code = xstrndup(v, (size_t)(end - v));
				if (!content_is_code(v, (size_t)(end - v)))
					content_err(cp, l, v, "code '%s' must be "
						    "letters, digits and '-' "
						    "(a LOINC code: 44249-1)",
						    doc->code);
			} else {
				doc->licence = xstrndup(v, (size_t)(end - v));
			}
		} else {
			content_err(cp, l, l->p, "unknown front matter key "
				    "'%.*s' (expected id, title, kind or source)",
				    (int)kl, l->p);
		}
#undef KEY
	}
	if (have_kind && doc->kind != CONTENT_KIND_QUESTIONNAIRE) {
		static const char *const qkeys[] = {
			"validated", "code", "licence",
		};
		for (int w = 0; w < 3; w++)
			if (q_line[w] != 0)
				content_err_at(cp, q_line[w], 1, "'%s:' belongs "
					       "in a questionnaire only, not in a "
					       "%s file", qkeys[w],
					       content_kind_name(doc->kind));
	} else if (have_kind) {
		if (q_line[0] == 0)
			content_err_at(cp, 1, 1, "a questionnaire needs "
				       "'validated: yes' (an instrument a clinic "
				       "supplies, e.g. PHQ-9) or 'validated: no' "
				       "(our own words, not validated)");
		else if (doc->validated == 1 && doc->licence == NULL)
			content_err_at(cp, q_line[0], 1, "a validated instrument "
				       "needs a 'licence:' line (the terms it is "
				       "used under)");
		else if (doc->validated == 1 && doc->code == NULL)
			content_err_at(cp, q_line[0], 1, "a validated instrument "
				       "needs a 'code:' line (its LOINC panel "
				       "code, e.g. 44249-1 for PHQ-9)");
	}
	if (doc->id == NULL)
		content_err_at(cp, 1, 1, "front matter has no 'id:'");
	if (doc->title == NULL) {
		content_err_at(cp, 1, 1, "front matter has no 'title:'");
		doc->title = xstrdup("");
	}
	if (!have_kind)
		content_err_at(cp, 1, 1, "front matter has no 'kind:' (screen, "
			       "qa, quiz or consent)");
	if (doc->source_line == 0 && cp->lang != NULL &&
	    strcmp(cp->lang, "ja") != 0)
		content_err_at(cp, 1, 1, "front matter has no 'source:': a "
			       "translation records the SHA-256 of the ja file "
			       "it was translated from");
	if (doc->id != NULL) {
		char *fid = content_file_id(cp->path);
		if (fid != NULL && strcmp(fid, doc->id) != 0)
			content_err_at(cp, doc->id_line, doc->id_col, "id '%s' "
				       "does not match the file name %s.md "
				       "(expected id: %s)", doc->id, fid, fid);
		free(fid);
	}
	return true;
}

/* ---- the document ------------------------------------------------------ */

/*
 * Lines are read one at a time into a window that holds one stretch of
 * the file: a top-level stretch ends before a non-blank line that follows
 * a blank one and is not a list item (no block reaches past that: a list
 * goes on over blank lines only to an item), a quiz or consent stretch
 * before the next "## " section. So no array of every line of the file is
 * ever held.
 */
struct content_reader {
	const char *p, *end; /* what is not read yet */
	int lineno;          /* of the last line read */
	struct content_line *win;
	size_t nwin, wincap;
};

/* The next line (as content_parse always split them), or false at the end. */
static bool
content_read(struct content_reader *rd, struct content_line *l)
{
	const char *p = rd->p, *nl, *e;

	if (p >= rd->end)
		return false;
	nl = memchr(p, '\n', (size_t)(rd->end - p));
	e = nl != NULL ? nl : rd->end;
	l->src = l->p = p;
	l->len = (size_t)(e - p);
	if (l->len > 0 && p[l->len - 1] == '\r')
		l->len--;
	l->lineno = ++rd->lineno;
	if (l->len > CONTENT_MAX_LINE)
		l->len = 0; /* reported by content_check_lines; a blank line */
	rd->p = nl != NULL ? nl + 1 : rd->end;
	return true;
}

static void
content_win_add(struct content_reader *rd, const struct content_line *l)
{
	if (rd->nwin >= rd->wincap) {
		rd->wincap = rd->wincap < 16 ? 16 : rd->wincap * 2;
		rd->win = xreallocarray(rd->win, rd->wincap, sizeof *rd->win);
	}
	rd->win[rd->nwin++] = *l;
}

/*
 * Report every line that is too long, first (as splitting the whole file
 * into lines used to); false when every line is blank (an empty file).
 */
static bool
content_check_lines(struct content_parser *cp, const char *text, size_t len)
{
	struct content_reader rd = { .p = text, .end = text + len };
	struct content_line l;
	bool any = false;

	while (rd.p < rd.end) {
		const char *start = rd.p;
		size_t n;

		content_read(&rd, &l);
		n = (size_t)(rd.p - start);
		if (n > 0 && start[n - 1] == '\n')
			n--;
		if (n > 0 && start[n - 1] == '\r')
			n--;
		if (n > CONTENT_MAX_LINE)
			content_err_at(cp, l.lineno, 1, "line is too long "
				       "(%zu bytes; at most %d)", n,
				       CONTENT_MAX_LINE);
		else if (!any)
			any = !content_line_blank(&l);
	}
	return any;
}

/* The body of a screen or qa file, a stretch at a time. */
static void
content_each_blocks(struct content_parser *cp, struct content_reader *rd,
		    const struct content_each *each)
{
	struct content_nodes pend = { 0 };
	struct content_line l;

	rd->nwin = 0;
	while (content_read(rd, &l)) {
		if (rd->nwin > 0 && content_line_blank(&rd->win[rd->nwin - 1]) &&
		    !content_line_blank(&l) &&
		    content_block_line_type(&l) != CONTENT_LT_ITEM) {
			content_blocks_flat(cp, rd->win, rd->nwin, 0, &pend);
			content_qa_emit(cp, &pend, false, true, each);
			rd->nwin = 0;
			/* a question held back holds copies, not the text */
			if (each->consumed != NULL)
				each->consumed(each->ctx, l.src);
		}
		content_win_add(rd, &l);
	}
	content_blocks_flat(cp, rd->win, rd->nwin, 0, &pend);
	content_qa_emit(cp, &pend, true, true, each);
	free(pend.v);
	free(pend.qa);
	for (size_t i = 0; i < cp->nqa_errs; i++)
		content_qa_error(cp, cp->qa_errs[i].line, cp->qa_errs[i].col,
				 cp->qa_errs[i].what);
}

/* The body of a quiz or consent file: blocks before the first section,
   then a section at a time. */
static void
content_each_sections(struct content_parser *cp, struct content_reader *rd,
		      const struct content_each *each)
{
	struct content_sections ss = { 0 };
	struct content_nodes pre = { 0 };
	struct content_line l;
	bool more;

	rd->nwin = 0;
	while ((more = content_read(rd, &l)) && !content_section_starts(&l))
		content_win_add(rd, &l);
	content_blocks(cp, rd->win, rd->nwin, 0, &pre);
	for (size_t i = 0; i < pre.n; i++)
		each->node(each->ctx, &pre.v[i]);
	free(pre.v);
	while (more) {
		struct content_node q;

		rd->nwin = 0;
		content_win_add(rd, &l); /* the "## id" line */
		while ((more = content_read(rd, &l)) && !content_section_starts(&l))
			content_win_add(rd, &l);
		content_section(cp, &ss, rd->win, rd->nwin, &q);
		each->node(each->ctx, &q);
		if (more && each->consumed != NULL)
			each->consumed(each->ctx, l.src);
	}
	content_sections_done(cp, &ss);
}

int
content_parse_each(const char *path, const char *text, size_t len,
		   const struct content_values *values, const char *lang,
		   struct diag_list *dl, const struct content_each *each)
{
	struct content_parser cp = {
		.path = path, .dl = dl, .values = values, .lang = lang,
	};
	struct content_reader rd = { .p = text, .end = text + len };
	struct content_doc *doc = NULL;
	struct content_line l;
	size_t close;

	content_parser_init(&cp);
	if (!content_check_lines(&cp, text, len)) {
		diag_error(dl, path, 0, 0, "empty file: expected front "
			   "matter starting with '---'");
		goto out;
	}
	content_read(&rd, &l);
	if (!content_is_dashes(&l)) {
		content_err_at(&cp, 1, 1, "expected front matter: the first line "
			       "must be '---'");
		goto out;
	}
	content_win_add(&rd, &l);
	while (content_read(&rd, &l)) {
		content_win_add(&rd, &l);
		if (content_is_dashes(&l))
			break;
	}
	close = rd.nwin - 1;
	if (close == 0 || !content_is_dashes(&rd.win[close])) {
		content_err_at(&cp, 1, 1, "front matter is not closed: expected "
			       "a line '---'");
		goto out;
	}
	doc = xcalloc(1, sizeof *doc);
	doc->path = xstrdup(path);
	content_front_matter(&cp, doc, rd.win, close);
	cp.kind = doc->kind;
	each->head(each->ctx, doc);
	if (content_kind_sections(cp.kind))
		content_each_sections(&cp, &rd, each);
	else
		content_each_blocks(&cp, &rd, each);
out:
	free(rd.win);
	content_parser_done(&cp);
	return doc != NULL ? 0 : -1;
}

/* content_parse's receivers: the head is the document, the nodes go in it. */
struct content_whole {
	struct content_doc *doc;
	struct content_nodes nodes;
};

static void
content_whole_head(void *ctx, struct content_doc *doc)
{
	((struct content_whole *)ctx)->doc = doc;
}

static void
content_whole_node(void *ctx, struct content_node *n)
{
	content_nodes_take(&((struct content_whole *)ctx)->nodes, n);
}

struct content_doc *
content_parse(const char *path, const char *text, size_t len,
	      const struct content_values *values, const char *lang,
	      struct diag_list *dl)
{
	struct content_whole w = { 0 };
	struct content_each each = {
		.head = content_whole_head, .node = content_whole_node,
		.ctx = &w,
	};

	if (content_parse_each(path, text, len, values, lang, dl, &each) != 0)
		return NULL;
	content_nodes_fit(&w.nodes);
	w.doc->nodes = w.nodes.v;
	w.doc->n = w.nodes.n;
	return w.doc;
}

void
content_doc_free(struct content_doc *doc)
{
	if (doc == NULL)
		return;
	content_nodes_free_array(doc->nodes, doc->n);
	content_inline_done(&doc->title_inline);
	free(doc->path);
	free(doc->id);
	free(doc->title);
	free(doc->source);
	free(doc->code);
	free(doc->licence);
	free(doc);
}
