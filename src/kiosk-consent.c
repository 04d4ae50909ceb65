/*
 * kiosk-consent: the consent session. Owns struct kiosk_consent (kiosk.h):
 * the queue of records, the session on screen (start, end, wipe), the
 * layout of its text, and the states of the quiz (teach-back) and of the
 * acknowledgements (one statement at a time). Review, signature, done and
 * call-staff are in kiosk-sign.c; the staff forms in kiosk-staff.c.
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

#include <sodium.h>

#include "clinic.h"
#include "i18n.h"
#include "ingate.h"
#include "kiosk-int.h"
#include "quiz.h"
#include "store.h"
#include "store-visit.h"
#include "xmalloc.h"

/* Seconds between retries of a record that could not be written. */
#define KIOSK_RETRY_S 2.0

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

struct kiosk_op *
kiosk_consent_op(struct kiosk_app *app, enum kiosk_op_kind kind)
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
			.minor = op->flag,
			.visit = op->n[1] ? "follow-up" : NULL };

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
		if (cs->follow)
			cs->last_follow = cs->qid;
		cs->qid = 0;
		return 0;
	case KIOSK_OP_VERIFY:
		return store_staff_verify(cs->store, op->n[0], op->s[0], err);
	case KIOSK_OP_VANSWER: {
		struct store_visit_answer a = { .kind = op->s[0],
			.entry = op->s[1], .choice = (int)op->n[0],
			.score = (int)op->n[1] };

		return store_visit_answer(cs->store, cs->qid, &a, err);
	}
	case KIOSK_OP_FLAG:
		return store_flag_raise(cs->store, cs->qid, op->s[0], op->s[1],
					op->s[2], NULL, err);
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
	if (done > 0) { /* ops is NULL while nothing was ever queued */
		memmove(cs->ops, cs->ops + done,
			(cs->nops - done) * sizeof *cs->ops);
		cs->nops -= done;
	}
	if (rc == 0) {
		free(cs->error);
		cs->error = NULL;
	}
	return rc;
}

/* ---- the session ---- */

const struct content_doc *
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
		struct kiosk_op *op = kiosk_consent_op(app, KIOSK_OP_SCREEN);
		double ms = (app->now - cs->shown_since) * 1000.0;

		op->s[0] = xstrdup(d->id);
		op->n[0] = ms > 0 ? (int64_t)(ms + 0.5) : 0;
		kiosk_consent_flush(app);
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
	op = kiosk_consent_op(app, KIOSK_OP_END);
	op->n[0] = outcome;
	op->s[0] = kiosk_dup(reason);
	app->cs.on = false;
	kiosk_consent_flush(app);
}

int
kiosk_consent_finish(struct kiosk_app *app, const char *reason)
{
	kiosk_consent_end(app, STORE_ABANDONED, reason);
	return kiosk_consent_flush(app);
}

void
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
	free(cs->vchanged);
	cs->vchanged = NULL;
	kiosk_visit_reset(cs);
	cs->stmts = NULL;
	cs->acked = NULL;
	cs->chosen = NULL;
	cs->nstmts = 0;
	cs->ack_cur = 0;
	kiosk_page_free(&cs->page);
	cs->page_kind = KIOSK_LAY_NONE;
	kiosk_consent_free_review(cs);
	sodium_memzero(cs->ref, sizeof cs->ref);
	sodium_memzero(cs->staff, sizeof cs->staff);
	for (int i = 0; i < 2; i++) {
		osk_edit_init(&cs->name[i], KIOSK_NAME_MAX);
		osk_edit_init(&cs->kanji[i], KIOSK_NAME_MAX);
	}
	sodium_memzero(cs->staff_id, sizeof cs->staff_id);
	free(cs->form_why);
	cs->form_why = NULL;
	/* cs->receipt stays: a part of the seal, nothing of the patient; the
	   staff verification shows it. */
	cs->role = 0;
	cs->sign_field = 0;
	cs->asking_leave = cs->leave_sel = false;
	free(cs->sign_why);
	cs->sign_why = NULL;
	cs->minor = cs->pregnancy = false;
	cs->rereading = cs->stopped = false;
	/* A record still waiting is saved from the welcome screen: the
	   session's own states have nothing left to show. */
	cs->after = KIOSK_WELCOME;
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
	free(cs->print_error);
	free(cs->default_staff);
	free(cs->flags_text);
	free(cs->visit_info);
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
	char *cref = NULL, *cstaff = NULL, *refused = NULL;

	if (cs->store == NULL)
		why = "no records database is open";
	else if (cs->nops > 0)
		why = "records of the last session are not saved yet";
	else if ((cref = ingate_clean(INGATE_REF, ref != NULL ? ref : "",
				      ref != NULL ? strlen(ref) : 0, 0,
				      &refused)) == NULL ||
		 strlen(cref) >= sizeof cs->ref)
		why = refused != NULL ? refused : "the patient reference is too long";
	else if (staff != NULL && staff[0] != '\0' &&
		 ((cstaff = ingate_clean(INGATE_STAFF, staff, strlen(staff), 0,
					 &refused)) == NULL ||
		  strlen(cstaff) >= sizeof cs->staff))
		why = refused != NULL ? refused : "the staff ID is too long";
	else if (!quiz_profile_valid(profile))
		why = "the profile is not pregnancy or no-pregnancy";
	else if (l == NULL || l->quiz == NULL || l->consent == NULL)
		why = "the content has no quiz or no consent statements";
	else if (!app->demo && clinic_samples(app->bundle->values) > 0)
		/* a sample phone number must never reach a signed record */
		why = "clinic.conf still has sample values: edit them "
		      "(isokiosk check --deploy)";
	if (why != NULL) {
		free(cs->error);
		cs->error = xstrdup(why);
		free(refused);
		free(cref);
		free(cstaff);
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
		free(cref);
		free(cstaff);
		return -1;
	}
	cs->quiz_on = true;
	cs->chosen = xcalloc(quiz_count(&cs->quiz) + 1, sizeof *cs->chosen);
	cd = l->consent;
	cs->stmts = xcalloc(cd->n + 1, sizeof *cs->stmts);
	for (size_t i = 0; i < cd->n; i++)
		if (cd->nodes[i].kind == CONTENT_STATEMENT &&
		    quiz_profile_sees(profile, cd->nodes[i].profile) &&
		    (cd->nodes[i].signer == NULL || minor)) /* a guardian's */
			cs->stmts[cs->nstmts++] = i;
	cs->acked = xcalloc(cs->nstmts + 1, sizeof *cs->acked);
	cs->pregnancy = strcmp(profile, "pregnancy") == 0;
	cs->minor = minor;
	/* what the gate let through, not what was given */
	snprintf(cs->ref, sizeof cs->ref, "%s", cref);
	snprintf(cs->staff, sizeof cs->staff, "%s", cstaff != NULL ? cstaff : "-");
	sodium_memzero(cref, strlen(cref));
	free(cref);
	free(cstaff);
	cs->on = true;
	op = kiosk_consent_op(app, KIOSK_OP_BEGIN);
	op->s[0] = xstrdup(app->cfg->kiosk_id != NULL ? app->cfg->kiosk_id : "kiosk");
	op->s[1] = xstrdup(cs->staff);
	op->s[2] = xstrdup(cs->ref);
	op->s[3] = xstrdup(profile);
	op->s[4] = xstrdup(l->code);
	op->s[5] = xstrdup(l->version);
	op->flag = minor;
	kiosk_consent_flush(app);
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

/* What the page shows beyond its kind and item: the quiz's state and the
 * answer picked, whether the statement is ticked. */
static unsigned
kiosk_consent_stamp(const struct kiosk_app *app, int kind)
{
	const struct kiosk_consent *cs = &app->cs;

	if (kind == KIOSK_LAY_QUIZ)
		return (unsigned)quiz_state(&cs->quiz) * 1000u +
		       (unsigned)cs->picked * 10u +
		       (unsigned)(quiz_state(&cs->quiz) == QUIZ_ASK
				  ? cs->quiz.attempt % 10 : 0);
	if (kind == KIOSK_LAY_ACK)
		return cs->ack_cur < cs->nstmts && cs->acked[cs->ack_cur];
	return 0;
}

/* The text of the choice at pos; caller frees. */
static char *
kiosk_quiz_choice_text(const struct kiosk_app *app, size_t pos)
{
	const struct content_item *it = quiz_choice(&app->cs.quiz, pos);

	return it != NULL ? content_inline_text(&it->text) : xstrdup("");
}

/* The question, then each choice as a button in the text: big (a row of
 * padding above and below) when the whole question fits the body, else
 * compact, and the page scrolls: a choice is never hidden. */
static void
kiosk_quiz_page(struct kiosk_app *app, struct kiosk_page *p,
		const struct layout_opts *o, int body_h)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_node *q = quiz_question(&cs->quiz);
	enum quiz_state qs = quiz_state(&cs->quiz);

	kiosk_page_add_nodes(p, q->children, q->nchildren, 0, o);
	kiosk_page_blank(p);
	if (qs == QUIZ_ASK) {
		size_t nc = quiz_nchoices(&cs->quiz), need = p->n;
		int pad;

		char num[32];

		for (size_t i = 0; i < nc; i++) {
			char *l = kiosk_quiz_choice_text(app, i);

			snprintf(num, sizeof num, "%zu  ", i + 1);
			need += kiosk_page_rows_of(p, num, l, app->ambiguous) + 3;
			free(l);
		}
		pad = need <= (size_t)body_h ? 1 : 0;
		for (size_t i = 0; i < nc; i++) {
			char *l = kiosk_quiz_choice_text(app, i);

			if (i > 0)
				kiosk_page_blank(p);
			snprintf(num, sizeof num, "%zu  ", i + 1);
			kiosk_page_add_button(p, num, l, KEYS_A_PICK, (int)i,
					      GRID_BUTTON, pad, app->ambiguous);
			free(l);
		}
		return;
	}
	{
		bool right = qs == QUIZ_CORRECT;
		const struct content_item *it = quiz_choice(&cs->quiz, cs->picked);
		char *c = it != NULL ? content_inline_text(&it->text) : xstrdup("");
		char *line = xasprintf(_("Your answer: %s"), c);

		p->focus = p->n;
		kiosk_page_add_text(p, right ? _("Correct.") : _("Not quite."),
				    right ? GRID_HEADING : GRID_ALERT, app->ambiguous);
		kiosk_page_add_text(p, line, GRID_BOLD, app->ambiguous);
		free(c);
		free(line);
	}
	if (q->nexplain > 0) /* after a blank row, as every node group */
		kiosk_page_add_nodes(p, q->explain, q->nexplain, 0, o);
}

static const char *
kiosk_ack_label(const struct kiosk_app *app)
{
	const struct kiosk_consent *cs = &app->cs;

	return cs->ack_cur < cs->nstmts && cs->acked[cs->ack_cur]
	       ? _("[x] Confirmed (touch again to take it back)")
	       : _("[ ] 1  I confirm the above");
}

/* The statement, then its box. */
static void
kiosk_ack_page(struct kiosk_app *app, struct kiosk_page *p,
	       const struct layout_opts *o, int body_h)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_node *s = &kiosk_consent_doc(app)->nodes[cs->stmts[cs->ack_cur]];
	bool done = cs->acked[cs->ack_cur];
	const char *label = kiosk_ack_label(app);
	size_t need;

	/* A follow-up shows again a statement whose wording changed. */
	if (cs->follow && cs->vchanged != NULL && cs->vchanged[cs->ack_cur]) {
		kiosk_page_add_text(p, _("New or changed wording since you last confirmed it: please read it again."),
				    GRID_ALERT, app->ambiguous);
		kiosk_page_blank(p);
	}
	kiosk_page_add_nodes(p, s->children, s->nchildren, 0, o);
	kiosk_page_blank(p);
	need = p->n + kiosk_page_rows_of(p, NULL, label, app->ambiguous) + 2;
	kiosk_page_add_button(p, NULL, label, KEYS_A_PICK, 0,
			      done ? GRID_SELECTED : GRID_BUTTON_HOT,
			      need <= (size_t)body_h ? 1 : 0, app->ambiguous);
}

void
kiosk_consent_relayout(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	int kind = KIOSK_LAY_NONE;
	size_t item = 0;
	unsigned stamp;
	struct layout_opts o;
	struct kiosk_frame f;
	bool same;

	switch (app->state) {
	case KIOSK_QUIZ:
		if (cs->quiz_on && quiz_question(&cs->quiz) != NULL) {
			kind = KIOSK_LAY_QUIZ;
			item = cs->quiz.cur;
		}
		break;
	case KIOSK_ACKNOWLEDGE:
		if (cs->ack_cur < cs->nstmts && kiosk_consent_doc(app) != NULL) {
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
	kiosk_frame(app, &f);
	stamp = kiosk_consent_stamp(app, kind);
	same = kind == cs->page_kind && item == cs->page_item;
	if (same && stamp == cs->page_stamp && f.text_w == cs->page_w &&
	    f.body_h == cs->page_h && cs->page != NULL && cs->page->wide == f.wide_w)
		return;
	kiosk_page_free(&cs->page);
	cs->page_kind = kind;
	cs->page_item = item;
	cs->page_w = f.text_w;
	cs->page_h = f.body_h;
	if (kind == KIOSK_LAY_NONE)
		return;
	kiosk_consent_lay_opts(app, &o, f.text_w);
	cs->page = kiosk_page_new(f.text_w, f.wide_w);
	if (kind == KIOSK_LAY_QUIZ) {
		kiosk_quiz_page(app, cs->page, &o, f.body_h);
	} else if (kind == KIOSK_LAY_ACK) {
		kiosk_ack_page(app, cs->page, &o, f.body_h);
	} else {
		if (cs->review_nodes == NULL)
			kiosk_review_build(app);
		kiosk_page_add_nodes(cs->page, cs->review_nodes,
				     cs->nreview_nodes, 0, &o);
	}
	/* Something new to read starts at its top (an answer's verdict: at
	 * the verdict); the same thing at another size stays where it was.
	 * A statement's box ticked or taken back stays where the finger is
	 * (on a small screen the box is below the statement's start), whole
	 * on screen though its label may now take another row. */
	if (same && kind == KIOSK_LAY_ACK && stamp != cs->page_stamp &&
	    cs->page->nbuttons > 0) {
		const struct kiosk_page_button *box =
			&cs->page->buttons[cs->page->nbuttons - 1];

		if (f.body_h > 0 && box->row + box->nrows > cs->top + (size_t)f.body_h)
			cs->top = box->row + box->nrows - (size_t)f.body_h;
	} else if (!same || stamp != cs->page_stamp) {
		cs->top = cs->page->focus;
	}
	cs->page_stamp = stamp;
	cs->top = kiosk_page_clamp(app, cs->page, cs->top);
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
	case KIOSK_STAFF_FLAGS:
	case KIOSK_STAFF_TEST:
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
	kiosk_visit_relayout(app);
	if (cs->nops > 0 && kiosk_consent_patient_state(app->state)) {
		/* Nothing unsaved is ever shown as done. */
		cs->after = app->state;
		cs->stopped = false;
		kiosk_set_state(app, KIOSK_CALL_STAFF);
		return true;
	}
	return false;
}

/* ---- quiz ---- */

static size_t
kiosk_quiz_bar(const struct kiosk_app *app, struct kiosk_button *b)
{
	enum quiz_state qs = quiz_state(&app->cs.quiz);

	if (!app->cs.quiz_on || qs == QUIZ_ASK)
		return 0; /* the choices are the buttons */
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

static size_t
kiosk_quiz_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	size_t n = kiosk_quiz_bar(app, b);

	return n + kiosk_page_clicks(app, app->cs.page, app->cs.top, b + n,
				     KIOSK_MAX_BUTTONS - n);
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
	cs->picked = pos;
	op = kiosk_consent_op(app, KIOSK_OP_ANSWER);
	op->s[0] = xstrdup(at.question_id);
	op->s[1] = at.choice < q->nitems ? content_inline_text(&q->items[at.choice].text)
					 : xstrdup("");
	op->s[2] = xstrdup(at.order);
	op->n[0] = at.attempt;
	op->n[1] = (int64_t)at.choice;
	op->flag = at.correct;
	if (at.correct)
		cs->chosen[cs->quiz.cur] = at.choice;
	kiosk_consent_flush(app);
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
	if (kiosk_is_scroll(in->action)) {
		cs->top = kiosk_page_scroll(app, cs->page, cs->top, in->action,
					    in->arg);
		return KIOSK_REDRAW;
	}
	switch (qs) {
	case QUIZ_ASK:
		if (in->action == KEYS_A_DIGIT && in->arg >= 1)
			return kiosk_quiz_pick(app, (size_t)in->arg - 1);
		if (in->action == KEYS_A_PICK)
			return kiosk_quiz_pick(app, (size_t)in->arg);
		if ((in->action == KEYS_A_FORWARD || in->action == KEYS_A_NEXT) &&
		    !kiosk_page_at_end(app, cs->page, cs->top)) {
			cs->top = kiosk_page_scroll(app, cs->page, cs->top,
						    KEYS_A_PAGE_DOWN, 0);
			return KIOSK_REDRAW;
		}
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
	struct kiosk_button b[2];
	struct kiosk_frame f;
	enum quiz_state qs;
	char where[96];
	const char *hint;
	size_t n;

	kiosk_frame(app, &f);
	if (!cs->quiz_on)
		return;
	qs = quiz_state(&cs->quiz);
	kiosk_draw_header(app, g, l != NULL && l->quiz != NULL ? l->quiz->title
				  : _("Questions"), kiosk_where(app, where, sizeof where));
	kiosk_draw_progress(app, g);
	kiosk_draw_page(app, g, cs->page, cs->top);
	if (qs == QUIZ_ASK)
		hint = kiosk_page_at_end(app, cs->page, cs->top)
		       ? _("Touch your answer or press its number.")
		       : _("More choices below: touch ▼ to see them all.");
	else if (!kiosk_page_at_end(app, cs->page, cs->top))
		hint = _("More below: touch ▼ or scroll down.");
	else
		hint = qs == QUIZ_CORRECT ? _("Touch Next to continue.")
			: _("Read the explanation, then answer again.");
	kiosk_draw_hint(g, &f, hint, GRID_DIM);
	n = kiosk_quiz_bar(app, b);
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

static size_t
kiosk_ack_bar(const struct kiosk_app *app, struct kiosk_button *b)
{
	const struct kiosk_consent *cs = &app->cs;
	bool done = cs->ack_cur < cs->nstmts && cs->acked[cs->ack_cur];

	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_NEXT, .label = _("Next"),
				      .hot = done };
	kiosk_bar(app, b, 2);
	return 2;
}

/* The bar, the box in the text and the scroll column. */
static size_t
kiosk_ack_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	size_t n = kiosk_ack_bar(app, b);

	return n + kiosk_page_clicks(app, app->cs.page, app->cs.top, b + n,
				     KIOSK_MAX_BUTTONS - n);
}

static struct kiosk_step
kiosk_ack_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *cd = kiosk_consent_doc(app);
	size_t i = cs->ack_cur;

	if (i >= cs->nstmts || cd == NULL)
		return KIOSK_GO(KIOSK_REVIEW);
	if (kiosk_is_scroll(in->action)) {
		cs->top = kiosk_page_scroll(app, cs->page, cs->top, in->action,
					    in->arg);
		return KIOSK_REDRAW;
	}
	switch (in->action) {
	case KEYS_A_PICK:
	case KEYS_A_DIGIT:
		if (in->action == KEYS_A_DIGIT && in->arg != 1)
			return KIOSK_STAY;
		if (cs->acked[i]) {
			/* Taken back: the session cannot go on past it until it
			 * is confirmed again (the store keeps the first
			 * confirmation; one statement is confirmed once). */
			cs->acked[i] = false;
			return KIOSK_REDRAW;
		}
		{
			const struct content_node *s = &cd->nodes[cs->stmts[i]];
			struct kiosk_op *op = kiosk_consent_op(app, KIOSK_OP_ACK);

			op->s[0] = xstrdup(s->id);
			op->s[1] = content_nodes_text(s->children, s->nchildren);
		}
		cs->acked[i] = true;
		kiosk_consent_flush(app);
		return KIOSK_REDRAW;
	case KEYS_A_NEXT:
	case KEYS_A_ACTIVATE:
	case KEYS_A_FORWARD:
		if (!cs->acked[i]) {
			if (!kiosk_page_at_end(app, cs->page, cs->top))
				cs->top = kiosk_page_scroll(app, cs->page, cs->top,
							    KEYS_A_PAGE_DOWN, 0);
			app->notice = N_("Please confirm the statement first: touch the box.");
			return KIOSK_REDRAW;
		}
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
	struct kiosk_button b[2];
	struct kiosk_frame f;
	char where[96];
	bool done = cs->ack_cur < cs->nstmts && cs->acked[cs->ack_cur];
	const char *hint;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, cd != NULL ? cd->title : "",
			  kiosk_where(app, where, sizeof where));
	kiosk_draw_progress(app, g);
	kiosk_draw_page(app, g, cs->page, cs->top);
	if (app->notice != NULL)
		hint = _(app->notice);
	else if (done)
		hint = _("Touch Next to continue.");
	else if (!kiosk_page_at_end(app, cs->page, cs->top))
		hint = _("More below: touch ▼ or scroll down.");
	else
		hint = _("Read the statement, then confirm it (touch the box or press 1).");
	kiosk_draw_hint(g, &f, hint, app->notice != NULL ? GRID_ALERT : GRID_DIM);
	kiosk_ack_bar(app, b);
	kiosk_draw_buttons(g, b, 2);
}

const struct kiosk_state_ops kiosk_ack_ops = {
	.name = "acknowledge",
	.handle = kiosk_ack_handle,
	.draw = kiosk_ack_draw,
	.buttons = kiosk_ack_buttons,
	.idle = true,
};
