/*
 * rectext: a consent record as people read it (rectext.h says what and
 * why). Owns the wording and layout of `records show` and `records list`,
 * which the kiosk's staff records screen shows as they are; nothing here
 * writes to a terminal or changes a record.
 */
#include "rectext.h"
#include "visittext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "decode.h"
#include "diag.h"
#include "text.h"
#include "xmalloc.h"

char *
rectext_code(const char *seal_hash, char out[RECTEXT_CODE_MAX])
{
	if (seal_hash == NULL || strlen(seal_hash) < 8 ||
	    strspn(seal_hash, "0123456789abcdef") < 8) {
		snprintf(out, RECTEXT_CODE_MAX, "-");
		return out;
	}
	snprintf(out, RECTEXT_CODE_MAX, "%.4s-%.4s", seal_hash, seal_hash + 4);
	return out;
}

const char *
rectext_time(const char *stored, enum clock_form f, char out[CLOCK_MAX])
{
	if (stored == NULL)
		return "-";
	if (clock_format_utc(stored, f, out) == NULL)
		return stored;
	return out;
}

/* ---- rows ---- */

static const char *const rectext_names[RECTEXT_NCOLS] = {
	[RECTEXT_ID] = "SESSION",
	[RECTEXT_STARTED] = "STARTED",
	[RECTEXT_OUTCOME] = "OUTCOME",
	[RECTEXT_CODE] = "CODE",
	[RECTEXT_PROFILE] = "PROFILE",
	[RECTEXT_STAFF] = "STAFF",
	[RECTEXT_PATIENT] = "PATIENT",
	[RECTEXT_REASON] = "REASON",
};

const char *
rectext_col_name(enum rectext_col c)
{
	return c < RECTEXT_NCOLS ? rectext_names[c] : "";
}

static char *
rectext_dup(const char *v)
{
	return xstrdup(v != NULL && *v != '\0' ? v : "-");
}

void
rectext_row_init(struct rectext_row *r, const struct store_session *s)
{
	char t[CLOCK_MAX], code[RECTEXT_CODE_MAX];

	memset(r, 0, sizeof *r);
	r->id = s->id;
	if (s->started_at == NULL ||
	    clock_parse_utc(s->started_at, &r->started_ms) != 0)
		r->started_ms = 0;
	r->col[RECTEXT_ID] = xasprintf("%lld", (long long)s->id);
	r->col[RECTEXT_STARTED] = xstrdup(rectext_time(s->started_at,
						       CLOCK_MINUTE, t));
	r->col[RECTEXT_OUTCOME] = rectext_dup(s->outcome_name);
	r->col[RECTEXT_CODE] = xstrdup(rectext_code(s->seal_hash, code));
	r->col[RECTEXT_PROFILE] = rectext_dup(s->profile);
	r->col[RECTEXT_STAFF] = rectext_dup(s->staff_id);
	r->col[RECTEXT_PATIENT] = rectext_dup(s->patient_ref);
	r->col[RECTEXT_REASON] = rectext_dup(s->reason);
}

void
rectext_row_done(struct rectext_row *r)
{
	for (int i = 0; i < RECTEXT_NCOLS; i++)
		free(r->col[i]);
	memset(r, 0, sizeof *r);
}

static void
rectext_pad(struct strbuf *out, const char *v, int width)
{
	int w = text_strwidth(v, 1);

	strbuf_addstr(out, v);
	for (; w < width; w++)
		strbuf_addch(out, ' ');
}

void
rectext_list(struct strbuf *out, const struct rectext_row *rows, size_t n)
{
	int width[RECTEXT_NCOLS];
	char started[64], t[CLOCK_MAX];
	const char *head[RECTEXT_NCOLS];
	const char *off;

	/* The header names the offset: "STARTED (+09:00)". */
	clock_format(n > 0 && rows[0].started_ms > 0 ? rows[0].started_ms
						     : clock_now_ms(),
		     CLOCK_MINUTE, t);
	off = strrchr(t, ' ');
	snprintf(started, sizeof started, "STARTED (%s)", off ? off + 1 : "UTC");
	for (int c = 0; c < RECTEXT_NCOLS; c++) {
		head[c] = c == RECTEXT_STARTED ? started : rectext_names[c];
		width[c] = text_strwidth(head[c], 1);
		for (size_t i = 0; i < n; i++) {
			int w = text_strwidth(rows[i].col[c], 1);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t i = 0; i <= n; i++) {
		for (int c = 0; c < RECTEXT_NCOLS; c++) {
			const char *v = i == 0 ? head[c] : rows[i - 1].col[c];

			if (c == RECTEXT_NCOLS - 1) {
				strbuf_addstr(out, v);
			} else {
				rectext_pad(out, v, width[c]);
				strbuf_addstr(out, "  ");
			}
		}
		strbuf_addch(out, '\n');
	}
}

/* ---- question texts ---- */

void
rectext_questions_init(struct rectext_questions *q)
{
	memset(q, 0, sizeof *q);
}

void
rectext_questions_done(struct rectext_questions *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->version[i]);
		free(q->qid[i]);
		free(q->text[i]);
	}
	free(q->version);
	free(q->qid);
	free(q->text);
	memset(q, 0, sizeof *q);
}

static void
rectext_questions_add(struct rectext_questions *q, const char *version,
		      const char *qid, char *text)
{
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 32;
		q->version = xreallocarray(q->version, q->cap, sizeof *q->version);
		q->qid = xreallocarray(q->qid, q->cap, sizeof *q->qid);
		q->text = xreallocarray(q->text, q->cap, sizeof *q->text);
	}
	q->version[q->n] = xstrdup(version);
	q->qid[q->n] = xstrdup(qid);
	q->text[q->n++] = text;
}

/* One frozen file: if it is a quiz, its questions' texts. */
static void
rectext_questions_file(const char *version, const char *name,
		       const char *bytes, size_t len, void *ctx)
{
	struct rectext_questions *q = ctx;
	struct decode_text dt;
	struct diag_list dl;
	struct content_doc *doc;
	const char *slash = strchr(name, '/');
	char *lang = slash != NULL ? xstrndup(name, (size_t)(slash - name))
				   : xstrdup("ja");

	diag_list_init(&dl);
	if (decode_bytes(name, bytes, len, &dt, &dl) == 0) {
		doc = content_parse(name, dt.text, dt.len, NULL, lang, &dl);
		if (doc != NULL && doc->kind == CONTENT_KIND_QUIZ) {
			for (size_t i = 0; i < doc->n; i++) {
				const struct content_node *n = &doc->nodes[i];

				if (n->kind == CONTENT_QUESTION && n->id != NULL)
					rectext_questions_add(q, version, n->id,
						content_nodes_text(n->children,
								   n->nchildren));
			}
		}
		if (doc != NULL)
			content_doc_free(doc);
		decode_text_done(&dt);
	}
	diag_list_done(&dl);
	free(lang);
}

int
rectext_questions_load(struct rectext_questions *q, struct store *st,
		       char **err)
{
	/* Every Markdown file: the manifest names the quiz, and any file
	 * may be it; the parse keeps only quizzes. */
	return store_content_each(st, ".md", rectext_questions_file, q, err);
}

const char *
rectext_question(const struct rectext_questions *q, const char *version,
		 const char *qid)
{
	if (q == NULL || version == NULL || qid == NULL)
		return NULL;
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->qid[i], qid) == 0 &&
		    strcmp(q->version[i], version) == 0)
			return q->text[i];
	return NULL;
}

/* ---- one session ---- */

static void
rectext_field(struct strbuf *out, const char *label, const char *v)
{
	strbuf_addf(out, "%-20s%s\n", label, v != NULL ? v : "-");
}

struct rectext_files {
	struct strbuf *out;
	size_t n;
	struct strbuf lines;
};

static void
rectext_file(const char *name, const char *sha256, void *ctx)
{
	struct rectext_files *f = ctx;

	f->n++;
	strbuf_addf(&f->lines, "  %s  sha256 %s\n", name ? name : "",
		    sha256 ? sha256 : "");
}

/* The order shown ("2,0,1": content indices) as the choices' numbers in
 * the content, from 1 ("3,1,2"); the number pressed, its place in it. */
static void
rectext_order(const char *order, int choice, struct strbuf *shown,
	      int *pressed)
{
	const char *p = order;
	int pos = 1;

	*pressed = 0;
	while (p != NULL && *p != '\0') {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 0 || v > 999) { /* not what the kiosk wrote */
			strbuf_addstr(shown, p);
			*pressed = 0;
			return;
		}
		strbuf_addf(shown, "%s%ld", pos > 1 ? "," : "", v + 1);
		if (v == choice && *pressed == 0)
			*pressed = pos;
		pos++;
		p = *end == ',' ? end + 1 : end;
		if (*end != ',' && *end != '\0') {
			strbuf_addstr(shown, end);
			*pressed = 0;
			return;
		}
	}
}

static void
rectext_attempts(struct strbuf *out, const struct store_session *s,
		 const struct rectext_questions *q)
{
	char t[CLOCK_MAX];

	strbuf_addf(out, "%-20s%zu\n", "Quiz attempts:", s->nanswers);
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];
		struct strbuf order;
		bool first = true;
		int pressed;

		for (size_t j = 0; j < i && first; j++)
			first = strcmp(s->answers[j].question_id,
				       r->question_id) != 0;
		if (first) {
			const char *qt = rectext_question(q, s->content_version,
							  r->question_id);

			if (qt != NULL) {
				/* the question, one line per line */
				strbuf_addf(out, "  %s:", r->question_id);
				for (const char *p = qt; *p;) {
					size_t k = strcspn(p, "\n");

					strbuf_addf(out, " %.*s", (int)k, p);
					p += k;
					if (*p == '\n')
						p++;
				}
				strbuf_addch(out, '\n');
			}
		}
		strbuf_init(&order);
		if (r->order != NULL)
			rectext_order(r->order, r->choice, &order, &pressed);
		else
			pressed = 0;
		/* The number pressed; without the order shown, the choice's
		 * number in the content. */
		strbuf_addf(out, "  %s  attempt %d  %s  choice %d \"%s\"  order %s"
			    "  at %s\n", r->question_id, r->attempt,
			    r->correct ? "right" : "wrong",
			    pressed > 0 ? pressed : r->choice + 1,
			    r->choice_text ? r->choice_text : "",
			    r->order != NULL ? order.s : "-",
			    rectext_time(r->at, CLOCK_SECOND, t));
		strbuf_done(&order);
	}
}

void
rectext_show(struct strbuf *out, struct store *st,
	     const struct store_session *s, const struct rectext_questions *q)
{
	char buf[128], t[CLOCK_MAX], code[RECTEXT_CODE_MAX];

	snprintf(buf, sizeof buf, "%lld", (long long)s->id);
	rectext_field(out, "Session:", buf);
	rectext_field(out, "Receipt code:", rectext_code(s->seal_hash, code));
	rectext_field(out, "Kiosk:", s->kiosk_id);
	rectext_field(out, "Staff:", s->staff_id);
	rectext_field(out, "Patient:", s->patient_ref);
	rectext_field(out, "Profile:", s->profile);
	rectext_field(out, "Minor:", s->minor ? "yes" : "no");
	rectext_field(out, "Language:", s->lang);
	rectext_field(out, "Content version:", s->content_version);
	if (st != NULL) {
		struct rectext_files f = { out, 0, { 0 } };
		char *err = NULL;

		/* The frozen copy of what that version covers, if kept. */
		strbuf_init(&f.lines);
		if (store_content_files(st, s->content_version, rectext_file,
					&f, &err) != 0) {
			strbuf_addf(out, "%-20s(%s)\n", "Content files:", err);
			free(err);
		} else {
			strbuf_addf(out, "%-20s%zu\n", "Content files:", f.n);
			strbuf_add(out, f.lines.s, f.lines.len);
		}
		strbuf_done(&f.lines);
	}
	rectext_field(out, "Started:", rectext_time(s->started_at, CLOCK_SECOND, t));
	rectext_field(out, "Ended:", rectext_time(s->ended_at, CLOCK_SECOND, t));
	rectext_field(out, "Outcome:", s->outcome_name);
	if (s->reason != NULL)
		rectext_field(out, "Reason:", s->reason);
	/* A follow-up's answers, flags and may prescribe (visittext.h). */
	if (s->visit != NULL && strcmp(s->visit, "follow-up") == 0) {
		rectext_field(out, "Visit:", "follow-up");
		visittext_session(out, s);
	}

	strbuf_addf(out, "%-20s%zu\n", "Screens shown:", s->nscreens);
	for (size_t i = 0; i < s->nscreens; i++) {
		const struct store_screen_row *r = &s->screens[i];

		strbuf_addf(out, "  %lld. %s  %lld.%03lld s  at %s\n",
			    (long long)r->seq, r->screen_id,
			    (long long)(r->shown_ms / 1000),
			    (long long)(r->shown_ms % 1000),
			    rectext_time(r->at, CLOCK_SECOND, t));
	}
	rectext_attempts(out, s, q);
	strbuf_addf(out, "%-20s%zu\n", "Acknowledgements:", s->nacks);
	for (size_t i = 0; i < s->nacks; i++) {
		const struct store_ack_row *r = &s->acks[i];

		strbuf_addf(out, "  %s  confirmed at %s  sha256 %s\n",
			    r->statement_id, rectext_time(r->at, CLOCK_SECOND, t),
			    r->text_sha256);
		if (r->text == NULL) {
			strbuf_addstr(out, "    (text not stored)\n");
			continue;
		}
		/* The text as acknowledged, one line per line. */
		for (const char *p = r->text; *p;) {
			size_t n = strcspn(p, "\n");

			strbuf_addf(out, "    | %.*s\n", (int)n, p);
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	strbuf_addf(out, "%-20s%zu\n", "Signatures:", s->nsigns);
	for (size_t i = 0; i < s->nsigns; i++) {
		const struct store_sign_row *r = &s->signs[i];

		strbuf_addf(out, "  %s  %s  \"%s\"  at %s\n", r->role, r->name,
			    r->meaning, rectext_time(r->at, CLOCK_SECOND, t));
	}
	strbuf_addf(out, "%-20s%zu\n", "Staff verification:", s->nverifications);
	for (size_t i = 0; i < s->nverifications; i++) {
		const struct store_verify_row *r = &s->verifications[i];

		strbuf_addf(out, "  %s  at %s  link #%lld  %s\n", r->staff_id,
			    rectext_time(r->at, CLOCK_SECOND, t),
			    (long long)r->seq, r->seal_hash);
	}
	if (s->seal_hash == NULL) {
		rectext_field(out, "Seal:", "none (the session is open)");
		return;
	}
	snprintf(buf, sizeof buf, "link #%lld, %s", (long long)s->seal_seq,
		 store_seal_holds(s) ? "matches this record"
				     : "DOES NOT MATCH this record");
	rectext_field(out, "Seal:", buf);
	rectext_field(out, "  previous:", s->seal_prev && s->seal_prev[0]
					  ? s->seal_prev : "(first link)");
	rectext_field(out, "  this:", s->seal_hash);
}
