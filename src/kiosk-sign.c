/*
 * kiosk-sign: the end of a consent session: review (every answer and
 * statement, read to the end before signing: nothing is signed unseen),
 * sign (the name as typed, shown with the date and time and its meaning; a
 * minor's guardian signs next), done (the receipt code: the start of the
 * record's seal) and call-staff (the quiz stopped, or a record waits to be
 * saved). The session and its records belong to kiosk-consent.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "i18n.h"
#include "kiosk-int.h"
#include "store.h"
#include "xmalloc.h"

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
void
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

/* ---- review ---- */

static bool
kiosk_review_at_end(const struct kiosk_app *app)
{
	return kiosk_page_at_end(app, app->cs.page, app->cs.top);
}

static size_t
kiosk_review_bar(const struct kiosk_app *app, struct kiosk_button *b)
{
	size_t n = 0;

	/* The guardian reads it after the patient signed: no way back. */
	if (app->cs.role == 0)
		b[n++] = (struct kiosk_button){ .action = KEYS_A_BACK,
						.label = _("Back") };
	/* Until the end has been shown, the button reads on. */
	b[n++] = (struct kiosk_button){ .action = KEYS_A_NEXT,
		.label = app->cs.review_end ? _("Go to signing") : _("Read on"),
		.hot = app->cs.review_end };
	kiosk_bar(app, b, n);
	return n;
}

static size_t
kiosk_review_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	size_t n = kiosk_review_bar(app, b);

	return n + kiosk_page_clicks(app, app->cs.page, app->cs.top, b + n,
				     KIOSK_MAX_BUTTONS - n);
}

static void
kiosk_review_enter(struct kiosk_app *app)
{
	app->cs.top = 0;
	app->cs.review_end = false;
	kiosk_consent_free_review(&app->cs);
	app->cs.page_kind = KIOSK_LAY_NONE;
	kiosk_consent_relayout(app);
	app->cs.review_end = kiosk_review_at_end(app);
}

static void
kiosk_review_scroll(struct kiosk_app *app, enum keys_action a, int arg)
{
	app->cs.top = kiosk_page_scroll(app, app->cs.page, app->cs.top, a, arg);
	if (kiosk_review_at_end(app))
		app->cs.review_end = true;
}

static struct kiosk_step
kiosk_review_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	kiosk_review_scroll(app, KEYS_A_NONE, 0); /* after a resize */
	if (kiosk_is_scroll(in->action)) {
		kiosk_review_scroll(app, in->action, in->arg);
		return KIOSK_REDRAW;
	}
	switch (in->action) {
	case KEYS_A_NEXT:
	case KEYS_A_FORWARD:
	case KEYS_A_ACTIVATE:
		/* Nothing is signed unseen: the end must have been shown. */
		if (app->cs.review_end)
			return KIOSK_GO(KIOSK_SIGN);
		kiosk_review_scroll(app, KEYS_A_PAGE_DOWN, 0);
		return KIOSK_REDRAW;
	case KEYS_A_BACK:
		if (app->cs.role == 1)
			return KIOSK_STAY; /* the guardian: the patient has signed */
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
	char where[96];

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Before you sign"),
			  kiosk_where(app, where, sizeof where));
	kiosk_draw_progress(app, g);
	kiosk_draw_page(app, g, cs->page, cs->top);
	kiosk_draw_hint(g, &f, kiosk_review_at_end(app)
			? _("If all is right, touch Go to signing.")
			: _("Please read to the end: touch ▼ or scroll down."),
			GRID_DIM);
	kiosk_draw_buttons(g, b, kiosk_review_bar(app, b));
}

const struct kiosk_state_ops kiosk_review_ops = {
	.name = "review",
	.enter = kiosk_review_enter,
	.handle = kiosk_review_handle,
	.draw = kiosk_review_draw,
	.buttons = kiosk_review_buttons,
	.idle = true,
};

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
	sodium_memzero(app->cs.name, sizeof app->cs.name);
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
		sodium_memzero(cs->name, sizeof cs->name);
		if (cs->role == 1)
			return KIOSK_STAY; /* the patient has signed */
		return KIOSK_GO(KIOSK_REVIEW);
	case KEYS_A_ACTIVATE:
		if (cs->name[0] == '\0' || !cs->on)
			return KIOSK_STAY;
		op = kiosk_consent_op(app, KIOSK_OP_SIGN);
		op->s[0] = xstrdup(cs->role == 0 ? "patient" : "guardian");
		op->s[1] = xstrdup(cs->name);
		op->s[2] = xstrdup(kiosk_sign_meaning(app));
		sodium_memzero(cs->name, sizeof cs->name);
		kiosk_consent_flush(app);
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

