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

#include <sodium.h>

#include "clock.h"
#include "i18n.h"
#include "ingate.h"
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

/*
 * The signature: the name typed on the on-screen keyboard (katakana in
 * Japanese, as reception forms take a フリガナ; Latin letters in English;
 * either way a physical keyboard types too), and with kanji_name a kanji
 * name typed with a keyboard and an input method. The fields are text
 * fields: the cursor moves with ←/→ and a touch, Backspace and Delete
 * edit at it. Esc asks before leaving; what was typed stays when the
 * signer goes back to the review and returns.
 */

/* Where the parts of the signature screen go; -1: not shown. */
struct kiosk_sign_geom {
	int prompt_y;
	int field_y[2];  /* the name, the kanji name */
	int field_h;     /* 1, or 3 for fingers */
	int label_x, field_x, field_w;
	int meaning_y;
	int kb_y, kb_h;
};

static bool
kiosk_sign_kanji(const struct kiosk_app *app)
{
	return app->cfg->kanji_name && strcmp(i18n_language(), "ja") == 0;
}

static struct osk_edit *
kiosk_sign_edit(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	return cs->sign_field == 1 ? &cs->kanji[cs->role] : &cs->name[cs->role];
}

static const struct osk_edit *
kiosk_sign_cedit(const struct kiosk_app *app, int field)
{
	const struct kiosk_consent *cs = &app->cs;

	return field == 1 ? &cs->kanji[cs->role] : &cs->name[cs->role];
}

static const char *
kiosk_sign_label(int field)
{
	return field == 1 ? _("Name (kanji, with a keyboard):") : _("Name:");
}

/* Rows from the top: the fields and the keyboard first; the meaning, a
 * prompt, room between keys, taller fields and blank rows as the screen
 * allows. */
static void
kiosk_sign_geom(const struct kiosk_app *app, struct kiosk_sign_geom *sg)
{
	struct kiosk_frame f;
	int nf = kiosk_sign_kanji(app) ? 2 : 1;
	int kbmin = osk_min_rows(app->cs.osk.layout), kbnice = 2 * kbmin - 1;
	int extra, y, lw = 0;
	bool meaning, prompt, tall, gaps, blank;

	kiosk_frame(app, &f);
	extra = f.body_h - nf - kbmin;
	meaning = extra >= 1;
	extra -= meaning;
	prompt = extra >= 1;
	extra -= prompt;
	gaps = extra >= kbnice - kbmin;
	extra -= gaps ? kbnice - kbmin : 0;
	tall = extra >= 2 * nf;
	extra -= tall ? 2 * nf : 0;
	blank = extra >= 2 + nf;
	extra -= blank ? 2 + nf : 0;
	y = f.body_y;
	sg->prompt_y = prompt ? y : -1;
	y += prompt + blank;
	sg->field_h = tall ? 3 : 1;
	for (int i = 0; i < 2; i++) {
		if (i < nf) {
			sg->field_y[i] = y;
			y += sg->field_h + blank;
			if (grid_strwidth(kiosk_sign_label(i), app->ambiguous) > lw)
				lw = grid_strwidth(kiosk_sign_label(i), app->ambiguous);
		} else {
			sg->field_y[i] = -1;
		}
	}
	sg->meaning_y = meaning ? y : -1;
	y += meaning + (meaning && blank);
	sg->label_x = f.text_x;
	sg->field_x = f.text_x + lw + 1;
	sg->field_w = f.text_x + f.text_w - sg->field_x;
	if (sg->field_w < 8) { /* a narrow screen: the label above is not
				  possible, so a shorter field beside it */
		sg->field_x = f.text_x + (lw < f.text_w / 2 ? lw + 1 : f.text_w / 2);
		sg->field_w = f.text_x + f.text_w - sg->field_x;
	}
	sg->kb_y = y;
	sg->kb_h = f.body_y + f.body_h - y;
}

/* The keyboard, placed (a copy: drawing never changes the app). */
static bool
kiosk_sign_keys(const struct kiosk_app *app, struct osk *k,
		struct kiosk_sign_geom *sg)
{
	kiosk_sign_geom(app, sg);
	*k = app->cs.osk;
	return osk_place(k, 0, sg->kb_y, app->w, sg->kb_h, app->ambiguous) >= 0;
}

static const char *
kiosk_sign_meaning(const struct kiosk_app *app)
{
	return app->cs.role == 0 ? _("acknowledged by patient")
				 : _("acknowledged by guardian");
}

/*
 * The name to record: the typed name as ingate cleans it (invisible and
 * bidi characters removed, spaces trimmed, NFC; refused when nothing
 * visible is left); with a kanji name, "山田 花子（ヤマダ ハナコ）". NULL,
 * with *why (caller frees; why may be NULL), when it cannot be a
 * signature. Caller frees.
 */
static char *
kiosk_sign_name(const struct kiosk_app *app, char **why)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct osk_edit *kana = &cs->name[cs->role], *kanji = &cs->kanji[cs->role];
	char *n, *k, *both, *r;

	if (why != NULL)
		*why = NULL;
	n = ingate_clean(INGATE_NAME, kana->s, kana->len, 0, why);
	if (n == NULL || !kiosk_sign_kanji(app) || kanji->len == 0)
		return n;
	if ((k = ingate_clean(INGATE_NAME, kanji->s, kanji->len, 0, why)) == NULL) {
		sodium_memzero(n, strlen(n));
		free(n);
		return NULL;
	}
	both = xasprintf("%s（%s）", k, n);
	r = ingate_clean(INGATE_NAME, both, strlen(both), 0, why);
	sodium_memzero(n, strlen(n));
	sodium_memzero(k, strlen(k));
	sodium_memzero(both, strlen(both));
	free(n);
	free(k);
	free(both);
	return r;
}

static void
kiosk_sign_free(char *name)
{
	if (name != NULL) {
		sodium_memzero(name, strlen(name));
		free(name);
	}
}

enum { KIOSK_SIGN_FIELD = 1000 }; /* button arg of the fields */

static size_t
kiosk_sign_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	const struct kiosk_consent *cs = &app->cs;
	struct kiosk_sign_geom sg;
	size_t n = 0;
	char *name;

	if (cs->asking_leave) {
		/* the answer Enter gives is the bright one (← → choose) */
		b[0] = (struct kiosk_button){ .action = KEYS_A_BACK,
			.label = _("Back to the review"), .hot = cs->leave_sel };
		b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
			.label = _("Stay and sign"), .hot = !cs->leave_sel };
		kiosk_bar(app, b, 2);
		return 2;
	}
	name = kiosk_sign_name(app, NULL);
	b[n++] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[n++] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
		.label = _("Sign"), .hot = name != NULL };
	kiosk_sign_free(name);
	kiosk_bar(app, b, n);
	kiosk_sign_geom(app, &sg);
	for (int i = 0; i < 2; i++)
		if (sg.field_y[i] >= 0)
			b[n++] = (struct kiosk_button){ .x = sg.field_x,
				.y = sg.field_y[i], .w = sg.field_w, .h = sg.field_h,
				.action = KEYS_A_PICK, .arg = KIOSK_SIGN_FIELD + i };
	return n;
}

static void
kiosk_sign_keyboard(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	bool ja = strcmp(i18n_language(), "ja") == 0;

	osk_init(&cs->osk, ja ? OSK_KANA : OSK_LATIN,
		 OSK_PAGE(OSK_KANA) | OSK_PAGE(OSK_LATIN));
}

static void
kiosk_sign_enter(struct kiosk_app *app)
{
	/* What was typed stays: the signer may have gone back to read. */
	app->cs.sign_field = 0;
	app->cs.asking_leave = app->cs.leave_sel = false;
	kiosk_sign_keyboard(app);
}

static struct kiosk_step
kiosk_sign_do(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_op *op;
	char *name, *why = NULL;

	if (!cs->on)
		return KIOSK_STAY;
	name = kiosk_sign_name(app, &why);
	free(cs->sign_why);
	cs->sign_why = NULL;
	if (name == NULL) {
		/* ingate's reason: blank, only invisible characters, too long */
		cs->sign_why = why != NULL ? why : xstrdup(_("Please type your name first."));
		cs->sign_field = 0;
		return KIOSK_REDRAW;
	}
	op = kiosk_consent_op(app, KIOSK_OP_SIGN);
	op->s[0] = xstrdup(cs->role == 0 ? "patient" : "guardian");
	op->s[1] = name;
	op->s[2] = xstrdup(kiosk_sign_meaning(app));
	osk_edit_wipe(&cs->name[cs->role]);
	osk_edit_wipe(&cs->kanji[cs->role]);
	kiosk_consent_flush(app);
	if (cs->role == 0 && cs->minor) {
		cs->role = 1;
		kiosk_sign_enter(app);
		return KIOSK_REDRAW;
	}
	kiosk_consent_end(app, STORE_COMPLETED, NULL);
	return KIOSK_GO(KIOSK_DONE);
}

/* A key typed into the field: what ingate would drop (controls, invisible
 * and bidi characters) is never typed, so the field shows what will be
 * stored. */
static enum osk_result
kiosk_sign_type(struct kiosk_app *app, const struct keys_event *ev)
{
	if (ev->key >= 0x20 && ev->key < 0x110000 && ev->key != 0x7f &&
	    !ingate_typable((unsigned)ev->key))
		return OSK_MOVED; /* swallowed: nothing to type */
	return osk_edit_key(kiosk_sign_edit(app), ev);
}

static struct kiosk_step
kiosk_sign_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	const struct keys_event *ev = in->ev;

	if (ev->kind == KEYS_EV_KEY || ev->kind == KEYS_EV_MOUSE ||
	    ev->kind == KEYS_EV_PASTE) {
		free(cs->sign_why); /* said once */
		cs->sign_why = NULL;
	}
	if (cs->asking_leave) {
		bool leave = in->action == KEYS_A_BACK && ev->kind == KEYS_EV_MOUSE;

		if (ev->kind == KEYS_EV_KEY) {
			switch (ev->key) {
			case KEYS_LEFT:
			case KEYS_RIGHT:
			case '\t':
				cs->leave_sel = !cs->leave_sel;
				return KIOSK_REDRAW;
			case KEYS_ESC: /* Esc again: stay */
				cs->leave_sel = false;
				break;
			default:
				break;
			}
			leave = in->action == KEYS_A_ACTIVATE && cs->leave_sel;
		}
		if (leave) {
			cs->asking_leave = cs->leave_sel = false;
			return KIOSK_GO(KIOSK_REVIEW);
		}
		if (in->action == KEYS_A_ACTIVATE ||
		    (ev->kind == KEYS_EV_KEY && ev->key == KEYS_ESC)) {
			cs->asking_leave = cs->leave_sel = false;
			return KIOSK_REDRAW;
		}
		return KIOSK_STAY;
	}
	if (ev->kind == KEYS_EV_PASTE) {
		/* a paste is typed at the cursor, whole or not at all, without
		 * what the input gate would drop */
		switch (osk_edit_paste(kiosk_sign_edit(app), ev->text, ev->len,
				       ingate_typable)) {
		case OSK_FULL:
			app->notice = N_("The name cannot be longer.");
			return KIOSK_REDRAW;
		case OSK_NOTHING:
			return KIOSK_STAY;
		default:
			return KIOSK_REDRAW;
		}
	}
	if (ev->kind == KEYS_EV_MOUSE && ev->button == 1 && in->action == KEYS_A_NONE) {
		struct kiosk_sign_geom sg;
		struct osk k;
		int i;

		if (kiosk_sign_keys(app, &k, &sg) && (i = osk_hit(&k, ev->x, ev->y)) >= 0) {
			enum osk_result r = osk_press(&k, (size_t)i, kiosk_sign_edit(app));

			if (r == OSK_SWITCHED) { /* another layout stays */
				cs->osk.small = k.small;
				osk_set_layout(&cs->osk, k.layout);
			}
			if (r == OSK_FULL)
				app->notice = N_("The name cannot be longer.");
			return KIOSK_REDRAW;
		}
		return KIOSK_STAY;
	}
	if (in->action == KEYS_A_PICK && in->arg >= KIOSK_SIGN_FIELD) {
		struct kiosk_sign_geom sg;

		kiosk_sign_geom(app, &sg);
		cs->sign_field = in->arg - KIOSK_SIGN_FIELD;
		osk_edit_click(kiosk_sign_edit(app), ev->x - sg.field_x - 1,
			       sg.field_w - 2, app->ambiguous);
		return KIOSK_REDRAW;
	}
	if (ev->kind == KEYS_EV_KEY) {
		/* A text field owns its keys: ← and → move the cursor, never
		 * leave the page; Esc asks first. */
		switch (ev->key) {
		case KEYS_ESC:
			cs->asking_leave = true;
			cs->leave_sel = false;
			return KIOSK_REDRAW;
		case '\t':
			if (!kiosk_sign_kanji(app))
				return KIOSK_STAY;
			cs->sign_field = !cs->sign_field;
			return KIOSK_REDRAW;
		case '\r':
		case '\n':
		case KEYS_ENTER:
			return kiosk_sign_do(app);
		default:
			break;
		}
		switch (kiosk_sign_type(app, ev)) {
		case OSK_FULL:
			app->notice = N_("The name cannot be longer.");
			return KIOSK_REDRAW;
		case OSK_NOTHING:
			return KIOSK_STAY;
		default:
			return KIOSK_REDRAW;
		}
	}
	switch (in->action) {
	case KEYS_A_BACK: /* the Back button: what was typed stays */
		return KIOSK_GO(KIOSK_REVIEW);
	case KEYS_A_ACTIVATE:
		return kiosk_sign_do(app);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_sign_field(const struct kiosk_app *app, struct grid *g,
		 const struct kiosk_sign_geom *sg, int i)
{
	bool focus = app->cs.sign_field == i;
	int y = sg->field_y[i], mid = y + sg->field_h / 2;

	grid_put(g, sg->label_x, mid, kiosk_sign_label(i),
		 sg->field_x - sg->label_x - 1, GRID_BOLD);
	grid_fill(g, sg->field_x, y, sg->field_w, sg->field_h, GRID_FIELD);
	osk_edit_draw(kiosk_sign_cedit(app, i), g, sg->field_x + 1, mid,
		      sg->field_w - 2, GRID_FIELD,
		      focus ? GRID_CURSOR : GRID_FIELD, 0);
}

static void
kiosk_sign_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_consent *cs = &app->cs;
	struct kiosk_button b[8];
	struct kiosk_sign_geom sg;
	struct kiosk_frame f;
	struct osk k;
	char when[CLOCK_MAX], where[96], *line;
	const char *hint;
	bool ja = cs->osk.layout == OSK_KANA;
	size_t nb;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, cs->role == 0 ? _("Signature")
				  : _("Signature of the guardian"),
			  kiosk_where(app, where, sizeof where));
	kiosk_draw_progress(app, g);
	if (!kiosk_sign_keys(app, &k, &sg)) {
		kiosk_draw_text(g, 1, f.body_y, g->w - 2, f.body_h,
				_("Please make this window larger to type your name."),
				GRID_ALERT, true);
	} else {
		if (sg.prompt_y >= 0)
			kiosk_draw_text(g, f.text_x, sg.prompt_y, f.text_w, 1,
				cs->role == 0
				? (ja ? _("Please enter your name in katakana.")
				      : _("Please enter your name."))
				: (ja ? _("The guardian: please enter your name in katakana.")
				      : _("The guardian: please enter your name.")),
				GRID_HEADING, false);
		for (int i = 0; i < 2; i++)
			if (sg.field_y[i] >= 0)
				kiosk_sign_field(app, g, &sg, i);
		if (sg.meaning_y >= 0) {
			/* the kiosk's time zone, its offset written out */
			clock_format(clock_now_ms(), CLOCK_MINUTE, when);
			line = xasprintf(_("Meaning: %s    Date and time: %s"),
					 kiosk_sign_meaning(app), when);
			if (grid_strwidth(line, g->ambiguous) > f.text_w) {
				/* narrow: the meaning and the time alone */
				free(line);
				line = xasprintf("%s　%s", kiosk_sign_meaning(app), when);
			}
			if (grid_strwidth(line, g->ambiguous) > f.text_w &&
			    strrchr(when, ' ') != NULL) {
				/* narrower: without the offset */
				*strrchr(when, ' ') = '\0';
				free(line);
				line = xasprintf("%s　%s", kiosk_sign_meaning(app), when);
			}
			kiosk_draw_text(g, f.text_x, sg.meaning_y, f.text_w, 1, line,
					GRID_NORMAL, false);
			free(line);
		}
		if (cs->asking_leave) /* the question instead of the keys */
			kiosk_draw_text(g, f.text_x, sg.kb_y + (sg.kb_h > 4 ? 2 : 0),
					f.text_w, sg.kb_h,
					_("Go back to the review? Your name stays as typed."),
					GRID_HEADING, true);
		else
			osk_draw(&k, kiosk_sign_cedit(app, cs->sign_field), g);
	}
	if (cs->asking_leave)
		hint = ""; /* the question is in the body, the answers below */
	else if (cs->sign_why != NULL)
		hint = cs->sign_why;
	else if (app->notice != NULL)
		hint = _(app->notice);
	else
		hint = _("Your name is your signature. Then touch Sign.");
	kiosk_draw_hint(g, &f, hint, cs->asking_leave || app->notice != NULL ||
			cs->sign_why != NULL ? GRID_ALERT : GRID_DIM);
	nb = kiosk_sign_buttons(app, b);
	kiosk_draw_buttons(g, b, nb < 2 ? nb : 2);
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

