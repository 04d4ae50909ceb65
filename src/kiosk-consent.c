/*
 * kiosk-consent: the consent session. Owns struct kiosk_consent (kiosk.h):
 * the queue of records, the session on screen, and the states that exist
 * only in a session: quiz (teach-back), acknowledge (one statement at a
 * time), review (everything before signing), sign (name as typed, with
 * the date and the meaning), done (receipt code), call-staff, and the
 * staff forms (new session, verification).
 *
 * Record-keeping order is the crash-safety guarantee: a handler queues the
 * record and the queue is written at once (store.h: durable on return 0);
 * the state shows the answer as right or wrong, or the statement as
 * confirmed, only after that. While the queue holds a record that could not
 * be written, kiosk_consent_after_event() puts the patient on "please call
 * staff" (nothing is drawn in between), the queue is retried every few
 * seconds and from the staff menu, and the patient goes on where they were
 * once it is saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <unistr.h>

#include "i18n.h"
#include "kiosk-int.h"
#include "quiz.h"
#include "store.h"
#include "xmalloc.h"

/* Seconds between retries of a record that could not be written. */
#define KIOSK_RETRY_S 2.0

enum kiosk_lay_kind { KIOSK_LAY_NONE, KIOSK_LAY_QUIZ, KIOSK_LAY_ACK,
		      KIOSK_LAY_REVIEW };

/* ---- the queue ---- */

static void
kiosk_op_free(struct kiosk_op *op)
{
	for (size_t i = 0; i < sizeof op->s / sizeof op->s[0]; i++) {
		if (op->s[i] != NULL) {
			sodium_memzero(op->s[i], strlen(op->s[i]));
			free(op->s[i]);
		}
	}
	memset(op, 0, sizeof *op);
}

static struct kiosk_op *
kiosk_op_push(struct kiosk_app *app, enum kiosk_op_kind kind)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_op *op;

	if (cs->nops == cs->capops) {
		cs->capops = cs->capops ? cs->capops * 2 : 8;
		cs->ops = xreallocarray(cs->ops, cs->capops, sizeof *cs->ops);
	}
	op = &cs->ops[cs->nops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	return op;
}

static char *
kiosk_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* The receipt: the first 8 hex digits of the seal, in two groups. */
static void
kiosk_consent_receipt(struct kiosk_app *app, int64_t id)
{
	struct store_session s;
	char *err = NULL;

	app->cs.receipt[0] = '\0';
	store_session_init(&s);
	if (store_session_get(app->cs.store, id, &s, &err) == 0 &&
	    s.seal_hash != NULL && strlen(s.seal_hash) >= 8)
		snprintf(app->cs.receipt, sizeof app->cs.receipt, "%.4s-%.4s",
			 s.seal_hash, s.seal_hash + 4);
	free(err);
	store_session_done(&s);
}

static int
kiosk_op_write(struct kiosk_app *app, struct kiosk_op *op, char **err)
{
	struct kiosk_consent *cs = &app->cs;

	if (op->kind != KIOSK_OP_BEGIN && op->kind != KIOSK_OP_VERIFY &&
	    cs->qid == 0)
		return 0; /* no session was begun: nothing to attach it to */
	switch (op->kind) {
	case KIOSK_OP_BEGIN: {
		struct store_start st = { .kiosk_id = op->s[0], .staff_id = op->s[1],
			.patient_ref = op->s[2], .profile = op->s[3],
			.lang = op->s[4], .content_version = op->s[5],
			.minor = op->flag };

		return store_session_begin(cs->store, &st, &cs->qid, err);
	}
	case KIOSK_OP_SCREEN:
		return store_screen(cs->store, cs->qid, op->s[0], op->n[0], err);
	case KIOSK_OP_ANSWER: {
		struct store_answer a = { .question_id = op->s[0],
			.attempt = (int)op->n[0], .choice = (int)op->n[1],
			.choice_text = op->s[1], .order = op->s[2],
			.correct = op->flag };

		return store_answer(cs->store, cs->qid, &a, err);
	}
	case KIOSK_OP_ACK:
		return store_ack(cs->store, cs->qid, op->s[0], op->s[1], err);
	case KIOSK_OP_SIGN:
		return store_sign(cs->store, cs->qid, op->s[0], op->s[1],
				  op->s[2], err);
	case KIOSK_OP_END:
		if (store_session_end(cs->store, cs->qid,
				      (enum store_outcome)op->n[0], op->s[0], err) < 0)
			return -1;
		if (op->n[0] == STORE_COMPLETED) {
			cs->last_done = cs->qid;
			kiosk_consent_receipt(app, cs->qid);
		}
		cs->qid = 0;
		return 0;
	case KIOSK_OP_VERIFY:
		return store_staff_verify(cs->store, op->n[0], op->s[0], err);
	}
	return 0;
}

int
kiosk_consent_flush(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	size_t done = 0;
	int rc = 0;

	if (cs->store == NULL) {
		for (size_t i = 0; i < cs->nops; i++)
			kiosk_op_free(&cs->ops[i]);
		cs->nops = 0;
		return 0;
	}
	while (done < cs->nops) {
		char *err = NULL;

		if (kiosk_op_write(app, &cs->ops[done], &err) < 0) {
			free(cs->error);
			cs->error = err != NULL ? err : xstrdup("unknown error");
			cs->retry_at = app->now + KIOSK_RETRY_S;
			rc = -1;
			break;
		}
		kiosk_op_free(&cs->ops[done]);
		done++;
	}
	memmove(cs->ops, cs->ops + done, (cs->nops - done) * sizeof *cs->ops);
	cs->nops -= done;
	if (rc == 0) {
		free(cs->error);
		cs->error = NULL;
	}
	return rc;
}

/* Queue a record and try to write the queue. */
static void
kiosk_consent_save(struct kiosk_app *app)
{
	kiosk_consent_flush(app);
}

/* ---- the session ---- */

static const struct content_doc *
kiosk_consent_doc(const struct kiosk_app *app)
{
	const struct bundle_lang *l = kiosk_lang(app);

	return l != NULL ? l->consent : NULL;
}

void
kiosk_consent_use_store(struct kiosk_app *app, struct store *st)
{
	app->cs.store = st;
	app->cs.shown_screen = -1;
}

/* Close the screen visit being timed, if any. */
static void
kiosk_consent_close_visit(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *d;

	if (cs->shown_screen < 0)
		return;
	d = kiosk_doc(app, (size_t)cs->shown_screen);
	if (cs->on && d != NULL && d->id != NULL) {
		struct kiosk_op *op = kiosk_op_push(app, KIOSK_OP_SCREEN);
		double ms = (app->now - cs->shown_since) * 1000.0;

		op->s[0] = xstrdup(d->id);
		op->n[0] = ms > 0 ? (int64_t)(ms + 0.5) : 0;
		kiosk_consent_save(app);
	}
	cs->shown_screen = -1;
}

void
kiosk_consent_end(struct kiosk_app *app, int outcome, const char *reason)
{
	struct kiosk_op *op;

	if (!app->cs.on)
		return;
	kiosk_consent_close_visit(app);
	op = kiosk_op_push(app, KIOSK_OP_END);
	op->n[0] = outcome;
	op->s[0] = kiosk_dup(reason);
	app->cs.on = false;
	kiosk_consent_save(app);
}

int
kiosk_consent_finish(struct kiosk_app *app, const char *reason)
{
	kiosk_consent_end(app, STORE_ABANDONED, reason);
	return kiosk_consent_flush(app);
}

static void
kiosk_consent_wipe_text(char *s, size_t n)
{
	sodium_memzero(s, n);
}

static void
kiosk_consent_free_review(struct kiosk_consent *cs)
{
	for (size_t i = 0; i < cs->nreview_nodes; i++)
		content_inline_done(&cs->review_nodes[i].text);
	free(cs->review_nodes);
	cs->review_nodes = NULL;
	cs->nreview_nodes = 0;
}

void
kiosk_consent_reset(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	/* A session must never vanish unrecorded. */
	kiosk_consent_end(app, STORE_ABANDONED, "left before the end");
	cs->shown_screen = -1;
	if (cs->quiz_on)
		quiz_done(&cs->quiz);
	cs->quiz_on = false;
	free(cs->stmts);
	free(cs->acked);
	free(cs->chosen);
	cs->stmts = NULL;
	cs->acked = NULL;
	cs->chosen = NULL;
	cs->nstmts = 0;
	cs->ack_cur = 0;
	layout_free(cs->lay);
	layout_free(cs->lay2);
	cs->lay = cs->lay2 = NULL;
	cs->lay_kind = KIOSK_LAY_NONE;
	kiosk_consent_free_review(cs);
	kiosk_consent_wipe_text(cs->ref, sizeof cs->ref);
	kiosk_consent_wipe_text(cs->staff, sizeof cs->staff);
	kiosk_consent_wipe_text(cs->name, sizeof cs->name);
	kiosk_consent_wipe_text(cs->staff_id, sizeof cs->staff_id);
	/* cs->receipt stays: a part of the seal, nothing of the patient; the
	   staff verification shows it. */
	cs->namelen = 0;
	cs->role = 0;
	cs->minor = cs->pregnancy = false;
	cs->rereading = cs->stopped = false;
	cs->top = 0;
	cs->review_end = false;
	cs->field = 0;
}

void
kiosk_consent_done(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	kiosk_consent_reset(app);
	for (size_t i = 0; i < cs->nops; i++)
		kiosk_op_free(&cs->ops[i]);
	free(cs->ops);
	free(cs->error);
	free(cs->default_staff);
	memset(cs, 0, sizeof *cs);
}

int
kiosk_consent_start(struct kiosk_app *app, const char *ref, const char *profile,
		    bool minor, const char *staff)
{
	struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l = kiosk_lang(app);
	const struct content_doc *cd;
	struct quiz_rng rng = { quiz_rng_sodium, NULL };
	struct kiosk_op *op;
	const char *why = NULL;

	if (cs->store == NULL)
		why = "no records database is open";
	else if (cs->nops > 0)
		why = "records of the last session are not saved yet";
	else if (ref == NULL || ref[0] == '\0' || strlen(ref) >= sizeof cs->ref)
		why = "the patient reference is empty or too long";
	else if (!quiz_profile_valid(profile))
		why = "the profile is not pregnancy or no-pregnancy";
	else if (l == NULL || l->quiz == NULL || l->consent == NULL)
		why = "the content has no quiz or no consent statements";
	if (why != NULL) {
		free(cs->error);
		cs->error = xstrdup(why);
		return -1;
	}
	{
		size_t lang = app->lang;

		kiosk_reset(app);
		kiosk_use_lang(app, lang);
	}
	if (quiz_init(&cs->quiz, l->quiz->nodes, l->quiz->n, profile, &rng) < 0) {
		free(cs->error);
		cs->error = xstrdup("the quiz cannot be used with this profile");
		return -1;
	}
	cs->quiz_on = true;
	cs->chosen = xcalloc(quiz_count(&cs->quiz) + 1, sizeof *cs->chosen);
	cd = l->consent;
	cs->stmts = xcalloc(cd->n + 1, sizeof *cs->stmts);
	for (size_t i = 0; i < cd->n; i++)
		if (cd->nodes[i].kind == CONTENT_STATEMENT &&
		    quiz_profile_sees(profile, cd->nodes[i].profile))
			cs->stmts[cs->nstmts++] = i;
	cs->acked = xcalloc(cs->nstmts + 1, sizeof *cs->acked);
	cs->pregnancy = strcmp(profile, "pregnancy") == 0;
	cs->minor = minor;
	snprintf(cs->ref, sizeof cs->ref, "%s", ref);
	snprintf(cs->staff, sizeof cs->staff, "%s",
		 staff != NULL && staff[0] != '\0' ? staff : "-");
	cs->on = true;
	op = kiosk_op_push(app, KIOSK_OP_BEGIN);
	op->s[0] = xstrdup(app->cfg->kiosk_id != NULL ? app->cfg->kiosk_id : "kiosk");
	op->s[1] = xstrdup(cs->staff);
	op->s[2] = xstrdup(cs->ref);
	op->s[3] = xstrdup(profile);
	op->s[4] = xstrdup(l->code);
	op->s[5] = xstrdup(l->version);
	op->flag = minor;
	kiosk_consent_save(app);
	app->screen = 0;
	app->top = 0;
	app->anchor = 0;
	app->wipe = true;
	kiosk_set_state(app, KIOSK_SCREEN);
	kiosk_relayout(app);
	kiosk_consent_after_event(app, false);
	return 0;
}

struct kiosk_step
kiosk_consent_after_screens(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	if (cs->quiz_on && quiz_state(&cs->quiz) != QUIZ_PASSED)
		return KIOSK_GO(KIOSK_QUIZ);
	return KIOSK_GO(cs->nstmts > 0 ? KIOSK_ACKNOWLEDGE : KIOSK_REVIEW);
}

struct kiosk_step
kiosk_consent_reread_done(struct kiosk_app *app)
{
	app->cs.rereading = false;
	if (app->cs.quiz_on && quiz_state(&app->cs.quiz) == QUIZ_EXPLAIN)
		quiz_retry(&app->cs.quiz);
	return KIOSK_GO(KIOSK_QUIZ);
}

/* ---- layout of the consent text ---- */

static void
kiosk_consent_lay_opts(const struct kiosk_app *app, struct layout_opts *o,
		       int width)
{
	o->width = width > 0 ? width : 1;
	o->ambiguous = app->ambiguous;
	o->ruby = (enum layout_ruby)app->cfg->ruby;
}

static int
kiosk_consent_text_w(const struct kiosk_app *app)
{
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	return f.text_w;
}

static void
kiosk_review_node(struct kiosk_consent *cs, size_t *cap,
		  enum content_node_kind kind, const char *text, unsigned style)
{
	struct content_node *n;

	if (cs->nreview_nodes == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		cs->review_nodes = xreallocarray(cs->review_nodes, *cap,
						 sizeof *cs->review_nodes);
	}
	n = &cs->review_nodes[cs->nreview_nodes++];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->level = 2;
	n->text.spans = xcalloc(1, sizeof *n->text.spans);
	n->text.n = 1;
	n->text.spans[0].text = xstrdup(text);
	n->text.spans[0].style = style;
}

/* Every answer and every statement, as the patient will sign them. */
static void
kiosk_review_build(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *cd = kiosk_consent_doc(app);
	size_t cap = 0;

	kiosk_consent_free_review(cs);
	if (cs->quiz_on && cs->quiz.n > 0) {
		kiosk_review_node(cs, &cap, CONTENT_HEADING,
				  _("Your answers to the questions"), 0);
		for (size_t i = 0; i < cs->quiz.n; i++) {
			const struct content_node *q = cs->quiz.questions[i];
			char *p = content_nodes_text(q->children, q->nchildren);
			char *c = cs->chosen[i] < q->nitems
				  ? content_inline_text(&q->items[cs->chosen[i]].text)
				  : xstrdup("-");
			char *t = xasprintf(_("Q%zu. %s"), i + 1, p);
			char *a = xasprintf(_("Answer: %s"), c);

			kiosk_review_node(cs, &cap, CONTENT_PARAGRAPH, t, 0);
			kiosk_review_node(cs, &cap, CONTENT_PARAGRAPH, a, CONTENT_BOLD);
			free(p);
			free(c);
			free(t);
			free(a);
		}
	}
	kiosk_review_node(cs, &cap, CONTENT_HEADING,
			  _("What you confirmed"), 0);
	for (size_t i = 0; cd != NULL && i < cs->nstmts; i++) {
		const struct content_node *s = &cd->nodes[cs->stmts[i]];
		char *x = content_nodes_text(s->children, s->nchildren);
		char *t = xasprintf("[%s] %s", cs->acked[i] ? "x" : " ", x);

		kiosk_review_node(cs, &cap, CONTENT_PARAGRAPH, t, 0);
		free(x);
		free(t);
	}
}

static void
kiosk_consent_relayout(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	int kind = KIOSK_LAY_NONE, w = kiosk_consent_text_w(app);
	size_t item = 0;
	struct layout_opts o;

	switch (app->state) {
	case KIOSK_QUIZ:
		if (cs->quiz_on && quiz_question(&cs->quiz) != NULL) {
			kind = KIOSK_LAY_QUIZ;
			item = cs->quiz.cur;
		}
		break;
	case KIOSK_ACKNOWLEDGE:
		if (cs->ack_cur < cs->nstmts) {
			kind = KIOSK_LAY_ACK;
			item = cs->ack_cur;
		}
		break;
	case KIOSK_REVIEW:
		kind = KIOSK_LAY_REVIEW;
		break;
	default:
		return; /* keep it: overlays come back to it */
	}
	if (kind == cs->lay_kind && item == cs->lay_item && w == cs->lay_width)
		return;
	layout_free(cs->lay);
	layout_free(cs->lay2);
	cs->lay = cs->lay2 = NULL;
	cs->lay_kind = kind;
	cs->lay_item = item;
	cs->lay_width = w;
	kiosk_consent_lay_opts(app, &o, w);
	if (kind == KIOSK_LAY_QUIZ) {
		const struct content_node *q = quiz_question(&cs->quiz);

		cs->lay = layout_nodes(q->children, q->nchildren, &o);
		cs->lay2 = layout_nodes(q->explain, q->nexplain, &o);
	} else if (kind == KIOSK_LAY_ACK) {
		const struct content_node *s =
			&kiosk_consent_doc(app)->nodes[cs->stmts[item]];

		cs->lay = layout_nodes(s->children, s->nchildren, &o);
	} else if (kind == KIOSK_LAY_REVIEW) {
		if (cs->review_nodes == NULL)
			kiosk_review_build(app);
		cs->lay = layout_nodes(cs->review_nodes, cs->nreview_nodes, &o);
	}
}

/* ---- after every event ---- */

static bool
kiosk_consent_patient_state(int s)
{
	switch (s) {
	case KIOSK_CALL_STAFF:
	case KIOSK_STAFF_PIN:
	case KIOSK_STAFF_MENU:
	case KIOSK_STAFF_NEW:
	case KIOSK_STAFF_VERIFY:
	case KIOSK_TOO_SMALL:
		return false;
	default:
		return true;
	}
}

bool
kiosk_consent_after_event(struct kiosk_app *app, bool tick)
{
	struct kiosk_consent *cs = &app->cs;
	int cur = cs->on && app->state == KIOSK_SCREEN && app->preview_path == NULL
		  ? (int)app->screen : -1;

	if (cur != cs->shown_screen) {
		kiosk_consent_close_visit(app);
		cs->shown_screen = cur;
		cs->shown_since = app->now;
	}
	if (tick && cs->nops > 0 && app->now >= cs->retry_at)
		kiosk_consent_flush(app);
	kiosk_consent_relayout(app);
	if (cs->nops > 0 && kiosk_consent_patient_state(app->state)) {
		/* Nothing unsaved is ever shown as done. */
		cs->after = app->state;
		cs->stopped = false;
		kiosk_set_state(app, KIOSK_CALL_STAFF);
		return true;
	}
	return false;
}

/* ---- shared drawing ---- */

static int
kiosk_consent_draw_lay(struct grid *g, const struct layout *l, size_t top,
		       int x, int y, int w, int maxrows)
{
	int r = 0;

	for (size_t i = top; l != NULL && i < l->n && r < maxrows; i++, r++) {
		const struct layout_line *ln = &l->lines[i];
		int cx = x;

		for (size_t k = 0; k < ln->nruns; k++) {
			unsigned a = ln->runs[k].attr;
			enum grid_style st = a & LAYOUT_HEADING ? GRID_HEADING
					     : a & LAYOUT_BOLD ? GRID_BOLD
					     : a & LAYOUT_WARNING ? GRID_WARNING
					     : a & LAYOUT_RUBY ? GRID_RUBY
					     : a & LAYOUT_BORDER ? GRID_BORDER
					     : GRID_NORMAL;

			cx += grid_put(g, cx, y + r, ln->runs[k].text,
				       x + w - cx, st);
		}
	}
	return r;
}

static size_t
kiosk_lay_rows(const struct layout *l)
{
	return l != NULL ? l->n : 0;
}

/* Wrapped UI text rows at width w, without a grid. */
static int
kiosk_consent_rows(const struct kiosk_app *app, int w, const char *text)
{
	struct grid g = { .ambiguous = app->ambiguous };

	return kiosk_text_rows(&g, w, text);
}

/* ---- quiz ---- */

static const char *
kiosk_quiz_label(const struct kiosk_app *app, size_t pos, char *buf, size_t n)
{
	const struct content_item *it = quiz_choice(&app->cs.quiz, pos);
	char *t = it != NULL ? content_inline_text(&it->text) : xstrdup("");

	snprintf(buf, n, "%zu  %s", pos + 1, t);
	free(t);
	return buf;
}

static size_t
kiosk_quiz_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	static char labels[KIOSK_MAX_BUTTONS][512];
	const struct kiosk_consent *cs = &app->cs;
	struct kiosk_frame f;
	enum quiz_state qs = quiz_state(&cs->quiz);
	size_t n = 0;

	kiosk_frame(app, &f);
	if (!cs->quiz_on)
		return 0;
	if (qs == QUIZ_ASK) {
		size_t nc = quiz_nchoices(&cs->quiz);
		int y = f.body_y + (int)kiosk_lay_rows(cs->lay) + 1;
		int bw = app->w - 4, need = 0, tall;
		int rows[KIOSK_MAX_BUTTONS];

		if (nc > KIOSK_MAX_BUTTONS - 1)
			nc = KIOSK_MAX_BUTTONS - 1;
		for (size_t i = 0; i < nc; i++) {
			kiosk_quiz_label(app, i, labels[i], sizeof labels[i]);
			rows[i] = kiosk_consent_rows(app, bw - 2, labels[i]);
			need += rows[i] + 1;
		}
		/* Big buttons for fingers when there is room. */
		tall = need + 2 * (int)nc <= f.body_y + f.body_h - y;
		for (size_t i = 0; i < nc; i++) {
			int h = rows[i] + (tall ? 2 : 0);

			b[n++] = (struct kiosk_button){ .x = 2, .y = y, .w = bw,
				.h = h, .action = KEYS_A_PICK, .arg = (int)i,
				.label = labels[i] };
			y += h + 1;
		}
		return n;
	}
	if (qs == QUIZ_EXPLAIN) {
		b[0] = (struct kiosk_button){ .action = KEYS_A_MENU,
			.label = _("Read the screen again") };
		b[1] = (struct kiosk_button){ .action = KEYS_A_NEXT,
			.label = _("Answer again"), .hot = true };
		kiosk_bar(app, b, 2);
		return 2;
	}
	b[0] = (struct kiosk_button){ .action = KEYS_A_NEXT, .label = _("Next"),
				      .hot = true };
	kiosk_bar(app, b, 1);
	return 1;
}

static struct kiosk_step
kiosk_quiz_pick(struct kiosk_app *app, size_t pos)
{
	struct kiosk_consent *cs = &app->cs;
	struct quiz_attempt at;
	enum quiz_verdict v;
	const struct content_node *q = quiz_question(&cs->quiz);
	struct kiosk_op *op;

	if (quiz_state(&cs->quiz) != QUIZ_ASK || pos >= quiz_nchoices(&cs->quiz))
		return KIOSK_STAY;
	v = quiz_answer(&cs->quiz, pos, &at);
	op = kiosk_op_push(app, KIOSK_OP_ANSWER);
	op->s[0] = xstrdup(at.question_id);
	op->s[1] = at.choice < q->nitems ? content_inline_text(&q->items[at.choice].text)
					 : xstrdup("");
	op->s[2] = xstrdup(at.order);
	op->n[0] = at.attempt;
	op->n[1] = (int64_t)at.choice;
	op->flag = at.correct;
	if (at.correct)
		cs->chosen[cs->quiz.cur] = at.choice;
	kiosk_consent_save(app);
	if (v == QUIZ_STOP) {
		char *why = xasprintf("%s: %d wrong answers, please call staff",
				      at.question_id, QUIZ_MAX_WRONG);

		kiosk_consent_end(app, STORE_STOPPED, why);
		free(why);
		cs->stopped = true;
		cs->after = KIOSK_SAME;
		return KIOSK_GO(KIOSK_CALL_STAFF);
	}
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_quiz_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	enum quiz_state qs;

	if (!cs->quiz_on)
		return KIOSK_STAY;
	qs = quiz_state(&cs->quiz);
	if (qs == QUIZ_PASSED)
		return kiosk_consent_after_screens(app);
	switch (qs) {
	case QUIZ_ASK:
		if (in->action == KEYS_A_DIGIT && in->arg >= 1)
			return kiosk_quiz_pick(app, (size_t)in->arg - 1);
		if (in->action == KEYS_A_PICK)
			return kiosk_quiz_pick(app, (size_t)in->arg);
		return KIOSK_STAY;
	case QUIZ_EXPLAIN:
		if (in->action == KEYS_A_MENU || (in->action == KEYS_A_DIGIT &&
						  in->arg == 1)) {
			const struct content_node *q = quiz_question(&cs->quiz);
			int i = q != NULL && q->reread != NULL
				? bundle_screen_index(kiosk_lang(app), q->reread) : -1;

			if (i < 0)
				return KIOSK_STAY;
			cs->rereading = true;
			app->screen = (size_t)i;
			app->top = 0;
			app->anchor = 0;
			return KIOSK_GO(KIOSK_SCREEN);
		}
		if (in->action == KEYS_A_NEXT || in->action == KEYS_A_ACTIVATE ||
		    in->action == KEYS_A_FORWARD ||
		    (in->action == KEYS_A_DIGIT && in->arg == 2)) {
			quiz_retry(&cs->quiz);
			return KIOSK_REDRAW;
		}
		return KIOSK_STAY;
	case QUIZ_CORRECT:
		if (in->action == KEYS_A_NEXT || in->action == KEYS_A_ACTIVATE ||
		    in->action == KEYS_A_FORWARD) {
			quiz_next(&cs->quiz);
			if (quiz_state(&cs->quiz) == QUIZ_PASSED)
				return kiosk_consent_after_screens(app);
			return KIOSK_REDRAW;
		}
		return KIOSK_STAY;
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_quiz_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l = kiosk_lang(app);
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	struct kiosk_frame f;
	enum quiz_state qs;
	char prog[32];
	size_t n;
	int y;

	kiosk_frame(app, &f);
	if (!cs->quiz_on)
		return;
	qs = quiz_state(&cs->quiz);
	snprintf(prog, sizeof prog, "%zu / %zu", quiz_number(&cs->quiz),
		 quiz_count(&cs->quiz));
	kiosk_draw_header(app, g, l != NULL && l->quiz != NULL ? l->quiz->title
							       : _("Questions"), prog);
	y = f.body_y + kiosk_consent_draw_lay(g, cs->lay, 0, f.text_x, f.body_y,
					      f.text_w, f.body_h);
	n = kiosk_quiz_buttons(app, b);
	if (qs == QUIZ_ASK) {
		for (size_t i = 0; i < n; i++) {
			grid_fill(g, b[i].x, b[i].y, b[i].w, b[i].h, GRID_BUTTON);
			kiosk_draw_text(g, b[i].x + 1, b[i].y + (b[i].h > 1 ? 1 : 0),
					b[i].w - 2, b[i].h, b[i].label, GRID_BUTTON,
					false);
		}
		kiosk_draw_hint(g, &f, _("Touch your answer or press its number."),
				GRID_DIM);
		return;
	}
	y++;
	if (y < f.body_y + f.body_h) {
		bool right = qs == QUIZ_CORRECT;

		grid_put(g, f.text_x, y, right ? _("Correct.") : _("Not quite."),
			 f.text_w, right ? GRID_HEADING : GRID_ALERT);
		y += 2;
	}
	if (cs->lay2 != NULL && y < f.body_y + f.body_h)
		kiosk_consent_draw_lay(g, cs->lay2, 0, f.text_x, y, f.text_w,
				       f.body_y + f.body_h - y);
	kiosk_draw_hint(g, &f, qs == QUIZ_CORRECT
			? _("Touch Next to continue.")
			: _("Read the explanation, then answer again."), GRID_DIM);
	kiosk_draw_buttons(g, b, n);
}

const struct kiosk_state_ops kiosk_quiz_ops = {
	.name = "quiz",
	.handle = kiosk_quiz_handle,
	.draw = kiosk_quiz_draw,
	.buttons = kiosk_quiz_buttons,
	.idle = true,
};

/* ---- acknowledge ---- */

/* The check box under the statement, and the bar. */
static size_t
kiosk_ack_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	const struct kiosk_consent *cs = &app->cs;
	bool done = cs->ack_cur < cs->nstmts && cs->acked[cs->ack_cur];
	struct kiosk_frame f;
	int y;

	kiosk_frame(app, &f);
	y = f.body_y + (int)kiosk_lay_rows(cs->lay) + 1;
	if (y > f.hint_y - 3)
		y = f.hint_y - 3;
	b[0] = (struct kiosk_button){ .x = 2, .y = y, .w = app->w - 4, .h = 3,
		.action = KEYS_A_PICK, .arg = 0,
		.label = done ? _("[x] Confirmed") : _("[ ] 1  I confirm the above"),
		.hot = !done };
	b[1] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[2] = (struct kiosk_button){ .action = KEYS_A_NEXT, .label = _("Next"),
				      .hot = done };
	kiosk_bar(app, b + 1, 2);
	return 3;
}

static struct kiosk_step
kiosk_ack_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *cd = kiosk_consent_doc(app);
	size_t i = cs->ack_cur;

	if (i >= cs->nstmts || cd == NULL)
		return KIOSK_GO(KIOSK_REVIEW);
	switch (in->action) {
	case KEYS_A_PICK:
	case KEYS_A_DIGIT:
		if ((in->action == KEYS_A_DIGIT && in->arg != 1) || cs->acked[i])
			return KIOSK_STAY;
		{
			const struct content_node *s = &cd->nodes[cs->stmts[i]];
			struct kiosk_op *op = kiosk_op_push(app, KIOSK_OP_ACK);

			op->s[0] = xstrdup(s->id);
			op->s[1] = content_nodes_text(s->children, s->nchildren);
		}
		cs->acked[i] = true;
		kiosk_consent_save(app);
		return KIOSK_REDRAW;
	case KEYS_A_NEXT:
	case KEYS_A_ACTIVATE:
	case KEYS_A_FORWARD:
		if (!cs->acked[i])
			return KIOSK_STAY;
		if (i + 1 < cs->nstmts) {
			cs->ack_cur++;
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(KIOSK_REVIEW);
	case KEYS_A_BACK:
		if (i > 0)
			cs->ack_cur--;
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_ack_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct content_doc *cd = kiosk_consent_doc(app);
	struct kiosk_button b[3];
	struct kiosk_frame f;
	char prog[32];
	bool done = cs->ack_cur < cs->nstmts && cs->acked[cs->ack_cur];

	kiosk_frame(app, &f);
	snprintf(prog, sizeof prog, "%zu / %zu", cs->ack_cur + 1, cs->nstmts);
	kiosk_draw_header(app, g, cd != NULL ? cd->title : "", prog);
	kiosk_ack_buttons(app, b);
	kiosk_consent_draw_lay(g, cs->lay, 0, f.text_x, f.body_y, f.text_w,
			       b[0].y - f.body_y);
	grid_fill(g, b[0].x, b[0].y, b[0].w, b[0].h,
		  done ? GRID_SELECTED : GRID_BUTTON_HOT);
	grid_put(g, b[0].x + 2, b[0].y + 1, b[0].label, b[0].w - 4,
		 done ? GRID_SELECTED : GRID_BUTTON_HOT);
	kiosk_draw_hint(g, &f, done ? _("Touch Next to continue.")
			: _("Read the statement, then confirm it (touch the box or press 1)."),
			GRID_DIM);
	kiosk_draw_buttons(g, b + 1, 2);
}

const struct kiosk_state_ops kiosk_ack_ops = {
	.name = "acknowledge",
	.handle = kiosk_ack_handle,
	.draw = kiosk_ack_draw,
	.buttons = kiosk_ack_buttons,
	.idle = true,
};

/* ---- review ---- */

static size_t
kiosk_review_rows(const struct kiosk_app *app)
{
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	return (size_t)(f.body_h > 1 ? f.body_h : 1);
}

static bool
kiosk_review_at_end(const struct kiosk_app *app)
{
	return app->cs.top + kiosk_review_rows(app) >= kiosk_lay_rows(app->cs.lay);
}

static size_t
kiosk_review_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_NEXT,
		.label = _("Go to signing"), .hot = app->cs.review_end };
	kiosk_bar(app, b, 2);
	return 2;
}

static void
kiosk_review_enter(struct kiosk_app *app)
{
	app->cs.top = 0;
	app->cs.review_end = false;
	kiosk_consent_free_review(&app->cs);
	app->cs.lay_kind = KIOSK_LAY_NONE;
	kiosk_consent_relayout(app);
	app->cs.review_end = kiosk_review_at_end(app);
}

static void
kiosk_review_scroll(struct kiosk_app *app, long by)
{
	struct kiosk_consent *cs = &app->cs;
	size_t n = kiosk_lay_rows(cs->lay), rows = kiosk_review_rows(app);

	if (by < 0 && (size_t)-by > cs->top)
		cs->top = 0;
	else
		cs->top = (size_t)((long)cs->top + by);
	if (n <= rows)
		cs->top = 0;
	else if (cs->top > n - rows)
		cs->top = n - rows;
	if (kiosk_review_at_end(app))
		cs->review_end = true;
}

static struct kiosk_step
kiosk_review_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	long page = (long)kiosk_review_rows(app) - 1;

	if (page < 1)
		page = 1;
	kiosk_review_scroll(app, 0); /* after a resize */
	switch (in->action) {
	case KEYS_A_UP:
		kiosk_review_scroll(app, -(in->arg > 0 ? in->arg : 1));
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		kiosk_review_scroll(app, in->arg > 0 ? in->arg : 1);
		return KIOSK_REDRAW;
	case KEYS_A_PAGE_UP:
		kiosk_review_scroll(app, -page);
		return KIOSK_REDRAW;
	case KEYS_A_PAGE_DOWN:
		kiosk_review_scroll(app, page);
		return KIOSK_REDRAW;
	case KEYS_A_HOME:
		kiosk_review_scroll(app, -(long)app->cs.top);
		return KIOSK_REDRAW;
	case KEYS_A_END:
		kiosk_review_scroll(app, (long)kiosk_lay_rows(app->cs.lay));
		return KIOSK_REDRAW;
	case KEYS_A_NEXT:
	case KEYS_A_FORWARD:
	case KEYS_A_ACTIVATE:
		/* Nothing is signed unseen: the end must have been shown. */
		if (app->cs.review_end)
			return KIOSK_GO(KIOSK_SIGN);
		kiosk_review_scroll(app, page);
		return KIOSK_REDRAW;
	case KEYS_A_BACK:
		if (app->cs.nstmts > 0) {
			app->cs.ack_cur = app->cs.nstmts - 1;
			return KIOSK_GO(KIOSK_ACKNOWLEDGE);
		}
		return KIOSK_STAY;
	default:
		return in->ev->kind == KEYS_EV_RESIZE ? KIOSK_REDRAW : KIOSK_STAY;
	}
}

static void
kiosk_review_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_consent *cs = &app->cs;
	struct kiosk_button b[2];
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Before you sign"), NULL);
	kiosk_consent_draw_lay(g, cs->lay, cs->top, f.text_x, f.body_y, f.text_w,
			       f.body_h);
	kiosk_draw_hint(g, &f, kiosk_review_at_end(app)
			? _("If all is right, touch Go to signing.")
			: _("Please read to the end: scroll down or press Space."),
			GRID_DIM);
	kiosk_review_buttons(app, b);
	kiosk_draw_buttons(g, b, 2);
}

const struct kiosk_state_ops kiosk_review_ops = {
	.name = "review",
	.enter = kiosk_review_enter,
	.handle = kiosk_review_handle,
	.draw = kiosk_review_draw,
	.buttons = kiosk_review_buttons,
	.idle = true,
};

/* ---- typed text ---- */

static bool
kiosk_printable(const struct kiosk_input *in)
{
	int k = in->ev->key;

	return in->ev->kind == KEYS_EV_KEY && k >= 0x20 && k != 0x7f &&
	       !(k >= 0x80 && k < 0xa0) && k < 0x110000 &&
	       !(k >= 0xd800 && k < 0xe000);
}

/* Append the typed character to buf (NUL-terminated, cap bytes). */
static bool
kiosk_type(char *buf, size_t cap, const struct kiosk_input *in)
{
	size_t len = strlen(buf);
	uint8_t u[8];
	int n;

	if (!kiosk_printable(in))
		return false;
	n = u8_uctomb(u, (ucs4_t)in->ev->key, (int)sizeof u);
	if (n <= 0 || len + (size_t)n + 1 > cap)
		return true;
	memcpy(buf + len, u, (size_t)n);
	buf[len + (size_t)n] = '\0';
	return true;
}

/* Erase the last character (a whole UTF-8 sequence). */
static void
kiosk_erase(char *buf)
{
	size_t len = strlen(buf);

	while (len > 0 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
		buf[--len] = '\0';
	if (len > 0)
		buf[--len] = '\0';
	sodium_memzero(buf + len, strlen(buf + len));
}

/* ---- sign ---- */

static const char *
kiosk_sign_meaning(const struct kiosk_app *app)
{
	return app->cs.role == 0 ? _("acknowledged by patient")
				 : _("acknowledged by guardian");
}

static size_t
kiosk_sign_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
		.label = _("Sign"), .hot = app->cs.name[0] != '\0' };
	kiosk_bar(app, b, 2);
	return 2;
}

static void
kiosk_sign_enter(struct kiosk_app *app)
{
	kiosk_consent_wipe_text(app->cs.name, sizeof app->cs.name);
}

static struct kiosk_step
kiosk_sign_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_op *op;

	if (kiosk_type(cs->name, sizeof cs->name, in))
		return KIOSK_REDRAW;
	switch (in->action) {
	case KEYS_A_ERASE:
		kiosk_erase(cs->name);
		return KIOSK_REDRAW;
	case KEYS_A_BACK:
		kiosk_consent_wipe_text(cs->name, sizeof cs->name);
		if (cs->role == 1)
			return KIOSK_STAY; /* the patient has signed */
		return KIOSK_GO(KIOSK_REVIEW);
	case KEYS_A_ACTIVATE:
		if (cs->name[0] == '\0' || !cs->on)
			return KIOSK_STAY;
		op = kiosk_op_push(app, KIOSK_OP_SIGN);
		op->s[0] = xstrdup(cs->role == 0 ? "patient" : "guardian");
		op->s[1] = xstrdup(cs->name);
		op->s[2] = xstrdup(kiosk_sign_meaning(app));
		kiosk_consent_wipe_text(cs->name, sizeof cs->name);
		kiosk_consent_save(app);
		if (cs->role == 0 && cs->minor) {
			cs->role = 1;
			return KIOSK_REDRAW;
		}
		kiosk_consent_end(app, STORE_COMPLETED, NULL);
		return KIOSK_GO(KIOSK_DONE);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_sign_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_consent *cs = &app->cs;
	struct kiosk_button b[2];
	struct kiosk_frame f;
	char when[64], *line;
	time_t t = time(NULL);
	struct tm tm;
	int y, x;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, cs->role == 0 ? _("Signature")
				  : _("Signature of the guardian"), NULL);
	y = f.body_y + 1;
	y += kiosk_draw_text(g, 2, y, g->w - 4, 3, cs->role == 0
		? _("Please type your name, then press Enter.")
		: _("The guardian: please type your name, then press Enter."),
		GRID_HEADING, false) + 1;
	grid_fill(g, 2, y, g->w - 4, 1, GRID_SELECTED);
	x = 3 + grid_put(g, 3, y, _("Name:"), g->w - 6, GRID_SELECTED) + 1;
	x += grid_put(g, x, y, cs->name, g->w - 3 - x, GRID_SELECTED);
	grid_put(g, x, y, "_", 1, GRID_SELECTED);
	y += 2;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	line = xasprintf(_("Date and time: %s"), when);
	grid_put(g, 3, y++, line, g->w - 6, GRID_NORMAL);
	free(line);
	line = xasprintf(_("Meaning: %s"), kiosk_sign_meaning(app));
	grid_put(g, 3, y++, line, g->w - 6, GRID_NORMAL);
	free(line);
	kiosk_draw_hint(g, &f, _("Backspace erases. Your name is your signature."),
			GRID_DIM);
	kiosk_sign_buttons(app, b);
	kiosk_draw_buttons(g, b, 2);
}

const struct kiosk_state_ops kiosk_sign_ops = {
	.name = "sign",
	.enter = kiosk_sign_enter,
	.handle = kiosk_sign_handle,
	.draw = kiosk_sign_draw,
	.buttons = kiosk_sign_buttons,
	.idle = true,
};

/* ---- done ---- */

static size_t
kiosk_done_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE, .label = _("OK"),
				      .hot = true };
	kiosk_bar(app, b, 1);
	return 1;
}

static struct kiosk_step
kiosk_done_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	if (in->action == KEYS_A_ACTIVATE) {
		kiosk_reset(app);
		return KIOSK_GO(KIOSK_WELCOME);
	}
	return KIOSK_STAY;
}

static void
kiosk_done_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[1];
	struct kiosk_frame f;
	char *code;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Thank you"), NULL);
	y = f.body_y + 1;
	y += kiosk_draw_text(g, 2, y, g->w - 4, 2, _("Your confirmation is saved."),
			     GRID_HEADING, true) + 1;
	code = xasprintf(_("Receipt code: %s"), app->cs.receipt);
	y += kiosk_draw_text(g, 2, y, g->w - 4, 1, code, GRID_BOLD, true) + 1;
	free(code);
	kiosk_draw_text(g, 2, y, g->w - 4, 3,
			_("Please return the terminal to the staff."),
			GRID_HEADING, true);
	kiosk_done_buttons(app, b);
	kiosk_draw_buttons(g, b, 1);
}

const struct kiosk_state_ops kiosk_done_ops = {
	.name = "done",
	.handle = kiosk_done_handle,
	.draw = kiosk_done_draw,
	.buttons = kiosk_done_buttons,
	.idle = true,
};

/* ---- call staff ---- */

static struct kiosk_step
kiosk_call_staff_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;

	if (in->ev->kind != KEYS_EV_TICK)
		return KIOSK_STAY;
	if (cs->nops > 0 && app->now >= cs->retry_at)
		kiosk_consent_flush(app);
	if (cs->nops == 0 && !cs->stopped && cs->after != KIOSK_SAME)
		return KIOSK_GO(cs->after);
	return KIOSK_STAY;
}

static void
kiosk_call_staff_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_frame f;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Please call the staff"), NULL);
	y = f.body_y + 2;
	y += kiosk_draw_text(g, 2, y, g->w - 4, 3, _("Please call the staff."),
			     GRID_HEADING, true) + 1;
	kiosk_draw_text(g, 2, y, g->w - 4, f.body_y + f.body_h - y,
			app->cs.stopped
			? _("Some questions need a little more explanation. A staff member will help you.")
			: _("Please wait a moment. Nothing you did is lost."),
			GRID_NORMAL, true);
}

const struct kiosk_state_ops kiosk_call_staff_ops = {
	.name = "call-staff",
	.handle = kiosk_call_staff_handle,
	.draw = kiosk_call_staff_draw,
	.idle = false,
};

/* ---- staff: new session ---- */

enum kiosk_form_field {
	KIOSK_FORM_REF,
	KIOSK_FORM_STAFF,
	KIOSK_FORM_PROFILE,
	KIOSK_FORM_MINOR,
	KIOSK_FORM_LANG,
	KIOSK_FORM_START,
	KIOSK_FORM_N
};

static void
kiosk_staff_new_enter(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	kiosk_consent_wipe_text(cs->ref, sizeof cs->ref);
	cs->field = KIOSK_FORM_REF;
	cs->form_lang = app->lang;
	cs->pregnancy = false;
	cs->minor = false;
	app->message = NULL;
	if (cs->staff[0] == '\0' && cs->default_staff != NULL)
		snprintf(cs->staff, sizeof cs->staff, "%s", cs->default_staff);
}

static const char *
kiosk_form_label(const struct kiosk_app *app, int i, char *buf, size_t n)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l;

	switch (i) {
	case KIOSK_FORM_REF:
		snprintf(buf, n, _("Patient reference: %s"), cs->ref);
		break;
	case KIOSK_FORM_STAFF:
		snprintf(buf, n, _("Staff ID: %s"), cs->staff);
		break;
	case KIOSK_FORM_PROFILE:
		snprintf(buf, n, _("Profile: %s"), cs->pregnancy
			 ? _("can become pregnant") : _("cannot become pregnant"));
		break;
	case KIOSK_FORM_MINOR:
		snprintf(buf, n, _("Minor (a guardian signs too): %s"),
			 cs->minor ? _("yes") : _("no"));
		break;
	case KIOSK_FORM_LANG:
		l = app->bundle != NULL && cs->form_lang < app->bundle->nlangs
		    ? &app->bundle->langs[cs->form_lang] : NULL;
		snprintf(buf, n, _("Language: %s"), l != NULL ? l->name : "-");
		break;
	default:
		snprintf(buf, n, "%s", _("Start and hand the terminal to the patient"));
		break;
	}
	return buf;
}

static size_t
kiosk_staff_new_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	static char labels[KIOSK_FORM_N][KIOSK_FIELD_MAX + 64];
	struct kiosk_frame f;
	int step;

	kiosk_frame(app, &f);
	step = f.body_h >= 2 * KIOSK_FORM_N + 2 ? 2 : 1;
	for (int i = 0; i < KIOSK_FORM_N; i++)
		b[i] = (struct kiosk_button){ .x = 2, .y = f.body_y + 2 + i * step,
			.w = app->w - 4, .h = 1, .action = KEYS_A_PICK, .arg = i,
			.label = kiosk_form_label(app, i, labels[i], sizeof labels[i]),
			.selected = i == app->cs.field,
			.hot = i == KIOSK_FORM_START && app->cs.field == i };
	b[KIOSK_FORM_N] = (struct kiosk_button){ .action = KEYS_A_BACK,
						 .label = _("Cancel") };
	kiosk_bar(app, &b[KIOSK_FORM_N], 1);
	return KIOSK_FORM_N + 1;
}

static struct kiosk_step
kiosk_form_toggle(struct kiosk_app *app, int field)
{
	struct kiosk_consent *cs = &app->cs;

	cs->field = field;
	switch (field) {
	case KIOSK_FORM_PROFILE:
		cs->pregnancy = !cs->pregnancy;
		break;
	case KIOSK_FORM_MINOR:
		cs->minor = !cs->minor;
		break;
	case KIOSK_FORM_LANG:
		if (app->bundle != NULL && app->bundle->nlangs > 0)
			cs->form_lang = (cs->form_lang + 1) % app->bundle->nlangs;
		break;
	case KIOSK_FORM_START: {
		char ref[KIOSK_FIELD_MAX], staff[KIOSK_FIELD_MAX];
		bool minor = cs->minor;
		const char *profile = cs->pregnancy ? "pregnancy" : "no-pregnancy";
		int rc;

		if (cs->ref[0] == '\0') {
			app->message = N_("Type the patient reference first.");
			cs->field = KIOSK_FORM_REF;
			return KIOSK_REDRAW;
		}
		kiosk_use_lang(app, cs->form_lang);
		memcpy(ref, cs->ref, sizeof ref);
		memcpy(staff, cs->staff, sizeof staff);
		rc = kiosk_consent_start(app, ref, profile, minor, staff);
		sodium_memzero(ref, sizeof ref);
		sodium_memzero(staff, sizeof staff);
		if (rc < 0) {
			app->message = N_("The session could not be started (see below).");
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(app->state);
	}
	default:
		break;
	}
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_staff_new_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	char *text = cs->field == KIOSK_FORM_REF ? cs->ref
		     : cs->field == KIOSK_FORM_STAFF ? cs->staff : NULL;

	if (in->ev->kind == KEYS_EV_KEY && in->ev->key == '\t') {
		cs->field = (cs->field + 1) % KIOSK_FORM_N;
		return KIOSK_REDRAW;
	}
	if (text != NULL && kiosk_type(text, KIOSK_FIELD_MAX, in))
		return KIOSK_REDRAW;
	if (text == NULL && in->action == KEYS_A_DIGIT && in->arg >= 1 &&
	    in->arg <= KIOSK_FORM_N)
		return kiosk_form_toggle(app, in->arg - 1);
	switch (in->action) {
	case KEYS_A_ERASE:
		if (text != NULL)
			kiosk_erase(text);
		return KIOSK_REDRAW;
	case KEYS_A_UP:
		cs->field = (cs->field + KIOSK_FORM_N - 1) % KIOSK_FORM_N;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		cs->field = (cs->field + 1) % KIOSK_FORM_N;
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (text != NULL) {
			cs->field++;
			return KIOSK_REDRAW;
		}
		return kiosk_form_toggle(app, cs->field);
	case KEYS_A_PICK:
		if (in->arg <= KIOSK_FORM_STAFF) {
			cs->field = in->arg;
			return KIOSK_REDRAW;
		}
		return kiosk_form_toggle(app, in->arg);
	case KEYS_A_BACK:
		return KIOSK_GO(KIOSK_STAFF_MENU);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_new_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_FORM_N + 1];
	struct kiosk_frame f;
	size_t n;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("New consent session"), NULL);
	kiosk_draw_text(g, 2, f.body_y, g->w - 4, 1,
			_("Tab or arrows move; Enter or a number changes a choice."),
			GRID_DIM, false);
	n = kiosk_staff_new_buttons(app, b);
	for (size_t i = 0; i + 1 < n; i++) {
		enum grid_style st = b[i].hot ? GRID_BUTTON_HOT
				     : b[i].selected ? GRID_SELECTED : GRID_NORMAL;
		char num[32];
		int x;

		grid_fill(g, b[i].x, b[i].y, b[i].w, 1, st);
		snprintf(num, sizeof num, "%zu  ", i + 1);
		x = b[i].x + grid_put(g, b[i].x, b[i].y, num, 4, st);
		x += grid_put(g, x, b[i].y, b[i].label, b[i].w - (x - b[i].x), st);
		if (b[i].selected && i <= KIOSK_FORM_STAFF)
			grid_put(g, x, b[i].y, "_", 1, st);
	}
	if (app->message != NULL)
		kiosk_draw_text(g, 2, f.hint_y - 2, g->w - 4, 1, _(app->message),
				GRID_ALERT, false);
	if (app->cs.error != NULL && app->message != NULL)
		kiosk_draw_text(g, 2, f.hint_y - 1, g->w - 4, 1, app->cs.error,
				GRID_ALERT, false);
	kiosk_draw_buttons(g, b + n - 1, 1);
}

const struct kiosk_state_ops kiosk_staff_new_ops = {
	.name = "staff-new",
	.enter = kiosk_staff_new_enter,
	.handle = kiosk_staff_new_handle,
	.draw = kiosk_staff_new_draw,
	.buttons = kiosk_staff_new_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- staff: verification of the last session ---- */

static void
kiosk_staff_verify_enter(struct kiosk_app *app)
{
	kiosk_consent_wipe_text(app->cs.staff_id, sizeof app->cs.staff_id);
	app->message = NULL;
}

static size_t
kiosk_staff_verify_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Cancel") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
		.label = _("Verify"), .hot = app->cs.staff_id[0] != '\0' };
	kiosk_bar(app, b, 2);
	return 2;
}

static struct kiosk_step
kiosk_staff_verify_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_op *op;

	if (kiosk_type(cs->staff_id, sizeof cs->staff_id, in))
		return KIOSK_REDRAW;
	switch (in->action) {
	case KEYS_A_ERASE:
		kiosk_erase(cs->staff_id);
		return KIOSK_REDRAW;
	case KEYS_A_BACK:
		return KIOSK_GO(KIOSK_STAFF_MENU);
	case KEYS_A_ACTIVATE:
		if (cs->staff_id[0] == '\0' || cs->last_done == 0)
			return KIOSK_STAY;
		op = kiosk_op_push(app, KIOSK_OP_VERIFY);
		op->n[0] = cs->last_done;
		op->s[0] = xstrdup(cs->staff_id);
		kiosk_consent_wipe_text(cs->staff_id, sizeof cs->staff_id);
		kiosk_set_state(app, KIOSK_STAFF_MENU);
		app->message = kiosk_consent_flush(app) == 0
			? N_("Verification recorded.")
			: N_("Not saved yet: the records could not be written.");
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_verify_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[2];
	struct kiosk_frame f;
	char *s;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Staff verification"), NULL);
	y = f.body_y + 1;
	if (app->cs.last_done == 0) {
		kiosk_draw_text(g, 2, y, g->w - 4, 2,
				_("No session was completed since the kiosk started."),
				GRID_ALERT, false);
	} else {
		s = xasprintf(_("Session %lld (receipt %s): type your staff ID, then press Enter."),
			      (long long)app->cs.last_done, app->cs.receipt);
		y += kiosk_draw_text(g, 2, y, g->w - 4, 3, s, GRID_NORMAL, false) + 1;
		free(s);
		s = xasprintf(_("Staff ID: %s"), app->cs.staff_id);
		grid_put(g, 4, y, s, g->w - 6, GRID_SELECTED);
		free(s);
	}
	kiosk_staff_verify_buttons(app, b);
	kiosk_draw_buttons(g, b, 2);
}

const struct kiosk_state_ops kiosk_staff_verify_ops = {
	.name = "staff-verify",
	.enter = kiosk_staff_verify_enter,
	.handle = kiosk_staff_verify_handle,
	.draw = kiosk_staff_verify_draw,
	.buttons = kiosk_staff_verify_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};
