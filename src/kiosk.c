/*
 * kiosk: the state table, the one function that changes state, event
 * dispatch, and the geometry (the frame, the reading measure) and drawing
 * helpers the states share, with the progress row. Owns the patient's
 * session in struct kiosk_app (see kiosk.h); the states themselves live in
 * kiosk-browse.c (welcome, language, menu, screen), kiosk-overlay.c (idle
 * warning, too small), kiosk-staff.c (PIN, staff menu, the staff forms),
 * kiosk-records.c (the staff's records: today's sessions, one session),
 * kiosk-consent.c (the consent session, its records, quiz and
 * acknowledgements) and kiosk-sign.c (review, signature, done, call
 * staff); kiosk-page.c is the scrolling body they draw.
 */
#include "kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <unistr.h>

#include "i18n.h"
#include "ingate.h"
#include "kiosk-int.h"
#include "text.h"
#include "xmalloc.h"

static const struct kiosk_state_ops *const kiosk_states[KIOSK_NSTATES] = {
	[KIOSK_WELCOME] = &kiosk_welcome_ops,
	[KIOSK_LANGUAGE] = &kiosk_language_ops,
	[KIOSK_MENU] = &kiosk_menu_ops,
	[KIOSK_SCREEN] = &kiosk_screen_ops,
	[KIOSK_IDLE_WARNING] = &kiosk_idle_ops,
	[KIOSK_TOO_SMALL] = &kiosk_small_ops,
	[KIOSK_STAFF_PIN] = &kiosk_pin_ops,
	[KIOSK_STAFF_MENU] = &kiosk_staff_ops,
	[KIOSK_QUIZ] = &kiosk_quiz_ops,
	[KIOSK_ACKNOWLEDGE] = &kiosk_ack_ops,
	[KIOSK_REVIEW] = &kiosk_review_ops,
	[KIOSK_SIGN] = &kiosk_sign_ops,
	[KIOSK_DONE] = &kiosk_done_ops,
	[KIOSK_CALL_STAFF] = &kiosk_call_staff_ops,
	[KIOSK_STAFF_NEW] = &kiosk_staff_new_ops,
	[KIOSK_STAFF_VERIFY] = &kiosk_staff_verify_ops,
	[KIOSK_STAFF_RECORDS] = &kiosk_staff_records_ops,
	[KIOSK_STAFF_RECORD] = &kiosk_staff_record_ops,
	[KIOSK_VISIT_METHODS] = &kiosk_visit_methods_ops,
	[KIOSK_VISIT_MOOD] = &kiosk_visit_mood_ops,
	[KIOSK_VISIT_EFFECTS] = &kiosk_visit_effects_ops,
	[KIOSK_VISIT_END] = &kiosk_visit_end_ops,
	[KIOSK_STAFF_FLAGS] = &kiosk_staff_flags_ops,
	[KIOSK_STAFF_TEST] = &kiosk_staff_test_ops,
};

const char *
kiosk_state_name(int id)
{
	if (id < 0 || id >= KIOSK_NSTATES)
		return "?";
	return kiosk_states[id]->name;
}

int
kiosk_state_from_name(const char *name)
{
	for (int i = 0; i < KIOSK_NSTATES; i++)
		if (strcmp(kiosk_states[i]->name, name) == 0)
			return i;
	return -1;
}

/* ---- content in use ---- */

const struct bundle_lang *
kiosk_lang(const struct kiosk_app *app)
{
	if (app->bundle == NULL || app->bundle->nlangs == 0)
		return NULL;
	return &app->bundle->langs[app->lang < app->bundle->nlangs ? app->lang : 0];
}

size_t
kiosk_nscreens(const struct kiosk_app *app)
{
	const struct bundle_lang *l;

	if (app->preview != NULL || app->preview_path != NULL)
		return 1;
	l = kiosk_lang(app);
	return l != NULL ? l->nscreens : 0;
}

const struct content_doc *
kiosk_doc(const struct kiosk_app *app, size_t i)
{
	const struct bundle_lang *l;

	if (app->preview_path != NULL)
		return app->preview;
	l = kiosk_lang(app);
	if (l == NULL || i >= l->nscreens)
		return NULL;
	return l->screens[i];
}

void
kiosk_use_lang(struct kiosk_app *app, size_t lang)
{
	const struct bundle_lang *l;

	app->lang = lang;
	l = kiosk_lang(app);
	i18n_set_language(l != NULL ? l->code : "ja");
}

/* ---- geometry ---- */

void
kiosk_frame(const struct kiosk_app *app, struct kiosk_frame *f)
{
	int measure = 2 * (app->cfg != NULL && app->cfg->measure > 0
			   ? app->cfg->measure : 40);

	f->bar_h = app->h >= 20 ? 3 : 1;
	f->bar_y = app->h - f->bar_h;
	f->hint_y = f->bar_y - 1;
	f->body_y = app->h >= 30 ? 3 : 2; /* a blank row under the progress */
	f->body_h = f->hint_y - f->body_y;
	if (f->body_h < 0)
		f->body_h = 0;
	f->scroll_w = app->w >= 60 ? 3 : 2;
	f->scroll_x = app->w - f->scroll_w;
	f->wide_x = 1;
	f->wide_w = f->scroll_x - 1 - f->wide_x; /* a column's gap */
	if (f->wide_w < 1)
		f->wide_w = 1;
	f->text_w = f->wide_w < measure ? f->wide_w : measure;
	/* centred on the screen, but clear of the scroll column */
	f->text_x = (app->w - f->text_w) / 2;
	if (f->text_x + f->text_w > f->wide_x + f->wide_w)
		f->text_x = f->wide_x + f->wide_w - f->text_w;
	if (f->text_x < f->wide_x)
		f->text_x = f->wide_x;
}

void
kiosk_bar(const struct kiosk_app *app, struct kiosk_button *b, size_t n)
{
	struct kiosk_frame f;
	int gap = 1, x = gap, avail, need = 0, extra = 0, rest = 0;
	int lw[KIOSK_MAX_BUTTONS];

	kiosk_frame(app, &f);
	if (n == 0)
		return;
	/* On a wide screen the bar keeps near the text: the column and some,
	 * centred, not the screen's far edges. */
	avail = f.text_w + 40 > 80 ? f.text_w + 40 : 80;
	if (avail > app->w)
		avail = app->w;
	x = (app->w - avail) / 2 + gap;
	avail -= gap * ((int)n + 1);
	/* Each button as wide as its label and some, the space left shared
	 * evenly; only a window too narrow for the labels cuts them. */
	for (size_t i = 0; i < n; i++) {
		lw[i] = grid_strwidth(b[i].label, app->ambiguous) + 2;
		need += lw[i];
	}
	if (need <= avail) {
		extra = (avail - need) / (int)n;
		rest = (avail - need) % (int)n;
	} else {
		for (size_t i = 0; i < n; i++)
			lw[i] = avail / (int)n;
	}
	for (size_t i = 0; i < n; i++) {
		b[i].x = x;
		b[i].y = f.bar_y;
		b[i].w = lw[i] + extra + ((int)i < rest ? 1 : 0);
		b[i].h = f.bar_h;
		x += b[i].w + gap;
	}
}

int
kiosk_stack(const struct kiosk_app *app, struct kiosk_button *b, size_t n,
	    int y, int maxrows)
{
	int bh = maxrows >= (int)n * 4 ? 3 : 1;
	int step = bh + (maxrows >= (int)n * (bh + 1) ? 1 : 0);
	int bw = app->w - 4 < 30 ? app->w - 4 : 30;

	for (size_t i = 0; i < n; i++) {
		b[i].x = (app->w - bw) / 2;
		b[i].y = y + (int)i * step;
		b[i].w = bw;
		b[i].h = bh;
	}
	return (int)n * step;
}

/* ---- layout of the current screen ---- */

void
kiosk_clamp(struct kiosk_app *app)
{
	app->top = kiosk_page_clamp(app, app->page, app->top);
	if (app->screen < app->nseen && app->state == KIOSK_SCREEN &&
	    kiosk_page_at_end(app, app->page, app->top))
		app->seen_end[app->screen] = true;
}

void
kiosk_note_place(struct kiosk_app *app)
{
	kiosk_clamp(app);
	app->anchor = app->page != NULL && app->top < app->page->n
		      ? app->page->rows[app->top].node : 0;
}

bool
kiosk_at_end(const struct kiosk_app *app)
{
	return kiosk_page_at_end(app, app->page, app->top);
}

void
kiosk_relayout(struct kiosk_app *app)
{
	const struct content_doc *doc;
	struct layout_opts o;
	struct kiosk_frame f;
	bool same_doc;

	if (app->nseen != kiosk_nscreens(app)) {
		free(app->seen_end);
		app->nseen = kiosk_nscreens(app);
		app->seen_end = xcalloc(app->nseen + 1, sizeof *app->seen_end);
	}
	if (app->screen >= kiosk_nscreens(app))
		app->screen = 0;
	if (app->state == KIOSK_WELCOME) {
		/* nobody is reading: hold nothing of the last session */
		kiosk_page_free(&app->page);
		return;
	}
	doc = kiosk_doc(app, app->screen);
	kiosk_frame(app, &f);
	if (app->page != NULL && app->page_lang == app->lang &&
	    app->page_screen == app->screen && app->page_w == f.text_w &&
	    app->page->wide == f.wide_w)
		goto clamp;
	same_doc = app->page != NULL && app->page_screen == app->screen;
	kiosk_page_free(&app->page);
	if (doc == NULL)
		return;
	o.width = f.text_w;
	o.ambiguous = app->ambiguous;
	o.ruby = (enum layout_ruby)app->cfg->ruby;
	/* The title is in the header: the body starts with the first node. */
	app->page = kiosk_page_new(f.text_w, f.wide_w);
	kiosk_page_add_nodes(app->page, doc->nodes, doc->n, 0, &o);
	app->page_lang = app->lang;
	app->page_screen = app->screen;
	app->page_w = f.text_w;
	/* The same screen at another width or in the other language: keep
	 * the paragraph the reader was at on top. */
	app->top = same_doc && app->anchor > 0
		   ? kiosk_page_line_of_node(app->page, app->anchor) : 0;
clamp:
	kiosk_clamp(app);
}

/* ---- the session ---- */

void
kiosk_reset(struct kiosk_app *app)
{
	kiosk_consent_reset(app);
	kiosk_records_done(app); /* patient references staff read */
	kiosk_page_free(&app->page);
	app->page_w = 0;
	if (app->seen_end != NULL)
		memset(app->seen_end, 0, app->nseen * sizeof *app->seen_end);
	app->screen = 0;
	app->top = 0;
	app->anchor = 0;
	app->menu_sel = 0;
	app->menu_top = 0;
	app->digits = 0;
	app->lang_sel = (int)app->staff_lang;
	pin_wipe(app->pin, sizeof app->pin);
	app->pinlen = 0;
	app->message = NULL;
	kiosk_use_lang(app, app->staff_lang);
	app->wipe = true;
}

void
kiosk_init(struct kiosk_app *app, const struct config *cfg,
	   struct bundle *bundle, const char *content_dir, int w, int h,
	   int ambiguous, double now)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	app->bundle = bundle;
	app->content_dir = content_dir != NULL ? xstrdup(content_dir) : NULL;
	app->w = w;
	app->h = h;
	app->ambiguous = ambiguous == 2 ? 2 : 1;
	app->now = now;
	app->last_input = now;
	app->demo = cfg->pin_hash == NULL;
	app->state = KIOSK_SAME; /* none yet: kiosk_set_state enters the first */
	app->resume = KIOSK_WELCOME;
	app->cs.shown_screen = -1;
	if (bundle != NULL)
		for (size_t i = 0; i < bundle->nlangs; i++)
			if (strcmp(bundle->langs[i].code, cfg->language) == 0)
				app->staff_lang = i;
	kiosk_reset(app);
	app->wipe = false;
	kiosk_set_state(app, KIOSK_WELCOME);
	if (w < KIOSK_MIN_W || h < KIOSK_MIN_H)
		kiosk_set_state(app, KIOSK_TOO_SMALL);
}

void
kiosk_set_preview(struct kiosk_app *app, struct content_doc *doc,
		  const char *path)
{
	if (app->preview != NULL && app->preview != doc)
		content_doc_free(app->preview);
	app->preview = doc;
	if (app->preview_path == NULL)
		app->preview_path = xstrdup(path);
	kiosk_page_free(&app->page);
	kiosk_relayout(app);
}

void
kiosk_done(struct kiosk_app *app)
{
	kiosk_consent_done(app);
	kiosk_records_done(app);
	kiosk_page_free(&app->page);
	free(app->seen_end);
	if (app->bundle != NULL)
		bundle_free(app->bundle);
	if (app->preview != NULL)
		content_doc_free(app->preview);
	free(app->preview_path);
	free(app->preview_error);
	free(app->content_dir);
	free(app->pin_error);
	free(app->sync_state);
	free(app->sync_line);
	free(app->sync_error);
	pin_wipe(app->pin, sizeof app->pin);
	memset(app, 0, sizeof *app);
}

/* ---- the machine ---- */

void
kiosk_set_state(struct kiosk_app *app, int next)
{
	int cur = app->state;

	if (next == KIOSK_SAME)
		return;
	if (next == KIOSK_QUIT) {
		app->quit = true;
		return;
	}
	if (next == KIOSK_RESUME)
		next = app->resume;
	if (next < 0 || next >= KIOSK_NSTATES || next == cur)
		return;
	if (cur >= 0) { /* cur < 0: the first state, nothing to leave */
		if (kiosk_states[next]->overlay && !kiosk_states[cur]->overlay)
			app->resume = (enum kiosk_state_id)cur;
		if (kiosk_states[cur]->leave != NULL)
			kiosk_states[cur]->leave(app);
	}
	app->state = (enum kiosk_state_id)next;
	app->notice = NULL;
	if (kiosk_states[next]->enter != NULL)
		kiosk_states[next]->enter(app);
}

static bool
kiosk_in(const struct kiosk_button *b, int x, int y)
{
	return x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h;
}

/* What an event means in the current state. */
static void
kiosk_resolve(const struct kiosk_app *app, const struct keys_event *ev,
	      struct kiosk_input *in)
{
	const struct kiosk_state_ops *ops = kiosk_states[app->state];

	in->ev = ev;
	in->action = KEYS_A_NONE;
	in->arg = 0;
	if (ev->kind == KEYS_EV_KEY) {
		in->action = keys_action_of(ev, &in->arg);
	} else if (ev->kind == KEYS_EV_MOUSE) {
		struct kiosk_button b[KIOSK_MAX_BUTTONS];
		size_t n;

		if (ev->button == 4 || ev->button == 5) {
			in->action = ev->button == 4 ? KEYS_A_UP : KEYS_A_DOWN;
			in->arg = 3;
			return;
		}
		if (ev->button != 1 || ops->buttons == NULL)
			return;
		n = ops->buttons(app, b);
		for (size_t i = 0; i < n; i++) {
			if (kiosk_in(&b[i], ev->x, ev->y)) {
				in->action = b[i].action;
				in->arg = b[i].arg;
				return;
			}
		}
	}
}

/*
 * The touch way into the staff menu, for a terminal with no keyboard (F12
 * needs one): five taps on the top-left corner (the first KIOSK_TAP_W
 * cells of the header row) within KIOSK_TAP_SECONDS. Nothing there is a
 * button, and a patient is unlikely to tap an empty corner five times in
 * three seconds; even then the PIN stands in the way. Returns true on the
 * fifth tap.
 */
#define KIOSK_TAP_W 6
#define KIOSK_TAP_SECONDS 3.0
#define KIOSK_TAPS (sizeof ((struct kiosk_app *)0)->taps / sizeof (double))

static bool
kiosk_staff_taps(struct kiosk_app *app, const struct keys_event *ev)
{
	if (ev->kind != KEYS_EV_MOUSE || ev->button != 1)
		return false;
	if (ev->y != 0 || ev->x >= KIOSK_TAP_W) {
		memset(app->taps, 0, sizeof app->taps); /* taps elsewhere */
		return false;
	}
	memmove(app->taps, app->taps + 1, sizeof app->taps - sizeof app->taps[0]);
	app->taps[KIOSK_TAPS - 1] = app->now > 0 ? app->now : 1e-9;
	if (app->taps[0] > 0 &&
	    app->taps[KIOSK_TAPS - 1] - app->taps[0] <= KIOSK_TAP_SECONDS) {
		memset(app->taps, 0, sizeof app->taps);
		return true;
	}
	return false;
}

static bool
kiosk_event_state(struct kiosk_app *app, const struct keys_event *ev)
{
	const struct kiosk_state_ops *ops;
	struct kiosk_input in;
	struct kiosk_step step;
	bool redraw = false;

	if (ev->kind == KEYS_EV_RESIZE) {
		app->w = ev->x;
		app->h = ev->y;
		kiosk_relayout(app);
		redraw = true;
	}
	if (ev->kind == KEYS_EV_KEY || ev->kind == KEYS_EV_MOUSE ||
	    ev->kind == KEYS_EV_PASTE) {
		app->last_input = app->now;
		if (app->notice != NULL)
			redraw = true;
		app->notice = NULL;
	}
	ops = kiosk_states[app->state];
	kiosk_resolve(app, ev, &in);

	if (kiosk_staff_taps(app, ev) && !ops->staff && app->preview_path == NULL)
		in.action = KEYS_A_STAFF;
	if (in.action == KEYS_A_STAFF && !ops->staff && app->preview_path == NULL) {
		kiosk_set_state(app, app->demo ? KIOSK_STAFF_MENU : KIOSK_STAFF_PIN);
		return true;
	}
	if (ev->kind == KEYS_EV_TICK) {
		if (ops->idle && app->preview_path == NULL &&
		    app->now - app->last_input >= app->cfg->idle_timeout) {
			kiosk_set_state(app, KIOSK_IDLE_WARNING);
			return true;
		}
		if (app->tick_hook != NULL && app->tick_hook(app))
			redraw = true;
	}
	/* The transitions that are data; not in preview, which has one
	 * screen and nowhere to go. */
	for (const struct kiosk_move *m = ops->moves;
	     m != NULL && m->action != KEYS_A_NONE && app->preview_path == NULL; m++) {
		if (m->browse_only && app->cs.on)
			continue;
		if (m->action == in.action) {
			if (m->reset)
				kiosk_reset(app);
			kiosk_set_state(app, m->next);
			kiosk_relayout(app);
			return true;
		}
	}
	step = ops->handle(app, &in);
	redraw = redraw || step.redraw;
	if (step.next != KIOSK_SAME) {
		kiosk_set_state(app, step.next);
		redraw = true;
	}
	kiosk_relayout(app);
	if ((app->w < KIOSK_MIN_W || app->h < KIOSK_MIN_H) &&
	    app->state != KIOSK_TOO_SMALL && !app->quit) {
		kiosk_set_state(app, KIOSK_TOO_SMALL);
		redraw = true;
	}
	return redraw;
}

bool
kiosk_event(struct kiosk_app *app, const struct keys_event *ev)
{
	bool redraw = kiosk_event_state(app, ev);

	/* Records first: the screen never shows what is not saved. */
	if (kiosk_consent_after_event(app, ev->kind == KEYS_EV_TICK))
		redraw = true;
	return redraw;
}

void
kiosk_draw(const struct kiosk_app *app, struct grid *g)
{
	if (g->w != app->w || g->h != app->h)
		grid_resize(g, app->w, app->h);
	else
		grid_clear(g);
	g->ambiguous = app->ambiguous;
	kiosk_states[app->state]->draw(app, g);
}

/* ---- drawing helpers ---- */

void
kiosk_draw_header(const struct kiosk_app *app, struct grid *g,
		  const char *title, const char *right)
{
	int rw = right != NULL ? grid_strwidth(right, g->ambiguous) : 0;
	const char *demo = app->demo && app->preview_path == NULL ? _("DEMO") : NULL;
	int dw = demo != NULL ? grid_strwidth(demo, g->ambiguous) + 2 : 0;
	int x;

	grid_fill(g, 0, 0, g->w, 1, GRID_TITLE);
	grid_put(g, 1, 0, title, g->w - rw - dw - 3, GRID_TITLE);
	x = g->w - rw - 1;
	if (right != NULL)
		grid_put(g, x, 0, right, rw, GRID_TITLE);
	if (demo != NULL)
		grid_put(g, x - dw, 0, demo, dw - 1, GRID_ALERT);
}

void
kiosk_progress(const struct kiosk_app *app, struct kiosk_progress *p)
{
	const struct kiosk_consent *cs = &app->cs;
	size_t ns = kiosk_nscreens(app);
	size_t nq = cs->quiz_on ? quiz_count(&cs->quiz) : 0;
	size_t na = cs->nstmts, nsig = cs->minor ? 2 : 1;
	size_t qi = cs->quiz_on ? quiz_number(&cs->quiz) : 0;

	memset(p, 0, sizeof *p);
	if (app->preview_path != NULL)
		return;
	if (kiosk_visit_progress(app, p))
		return;
	if (qi > nq)
		qi = nq;
	switch (app->state) {
	case KIOSK_SCREEN:
		if (cs->rereading) {
			p->section = _("Questions");
			p->i = qi;
			p->n = nq;
			p->step = ns + qi;
		} else {
			p->section = _("Reading");
			p->i = app->screen + 1;
			p->n = ns;
			p->step = p->i;
		}
		break;
	case KIOSK_QUIZ:
		p->section = _("Questions");
		p->i = qi;
		p->n = nq;
		p->step = ns + qi;
		break;
	case KIOSK_ACKNOWLEDGE:
		p->section = _("Confirmations");
		p->i = cs->ack_cur + 1;
		p->n = na;
		p->step = ns + nq + p->i;
		break;
	case KIOSK_REVIEW:
	case KIOSK_SIGN:
		p->section = _("Signature");
		p->i = app->state == KIOSK_REVIEW ? 1 : 2 + (size_t)cs->role;
		p->n = 1 + nsig;
		p->step = ns + nq + na + p->i;
		break;
	case KIOSK_DONE:
		p->section = _("Signature");
		p->i = p->n = 1 + nsig;
		p->step = ns + nq + na + p->i;
		break;
	default:
		return;
	}
	if (cs->on || app->state == KIOSK_DONE)
		p->total = ns + nq + na + 1 + nsig;
	else
		p->step = 0;
}

const char *
kiosk_where(const struct kiosk_app *app, char *buf, size_t n)
{
	struct kiosk_progress p;

	kiosk_progress(app, &p);
	if (p.n == 0)
		return NULL;
	snprintf(buf, n, "%s %zu / %zu", p.section, p.i, p.n);
	return buf;
}

/*
 * The progress row under the title: in a session "Step 12 of 53" and a bar
 * over every step (screens, questions, statements, review, signatures);
 * browsing, the section and a bar over its screens.
 */
void
kiosk_draw_progress(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_progress p;
	char label[64];
	long done, all;
	int x, bw, fill;

	kiosk_progress(app, &p);
	if (p.n == 0)
		return;
	if (p.total > 0) {
		snprintf(label, sizeof label, _("Step %zu of %zu"), p.step, p.total);
		done = (long)p.step;
		all = (long)p.total;
	} else {
		snprintf(label, sizeof label, "%s", p.section);
		done = (long)p.i;
		all = (long)p.n;
	}
	x = 1 + grid_put(g, 1, 1, label, g->w - 2, GRID_NORMAL) + 2;
	bw = g->w - 1 - x;
	if (bw < 4 || all <= 0)
		return;
	fill = (int)((long)bw * done / all);
	grid_fill(g, x, 1, fill, 1, GRID_BAR_FILL);
	grid_fill(g, x + fill, 1, bw - fill, 1, GRID_BAR);
}

void
kiosk_draw_buttons(struct grid *g, const struct kiosk_button *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum grid_style st = b[i].hot ? GRID_BUTTON_HOT
				   : b[i].selected ? GRID_SELECTED : GRID_BUTTON;

		grid_fill(g, b[i].x, b[i].y, b[i].w, b[i].h, st);
		grid_put_center(g, b[i].x, b[i].y + b[i].h / 2, b[i].w,
				b[i].label, st);
	}
}

/* Whether row y holds nothing drawn (blanks in the normal style). */
static bool
kiosk_row_blank(const struct grid *g, int y)
{
	for (int x = 0; x < g->w; x++) {
		const struct grid_cell *c = grid_at(g, x, y);

		if (c == NULL || c->style != GRID_NORMAL ||
		    strcmp(c->text, " ") != 0)
			return false;
	}
	return true;
}

/* The hint is one line. On a narrow screen, when the whole does not fit:
 * two rows if the row above is empty, else its first sentence (the rest is
 * the less needed part). */
void
kiosk_draw_hint(struct grid *g, const struct kiosk_frame *f, const char *text,
		enum grid_style st)
{
	const char *end;
	bool wide;

	if (f->hint_y < 2)
		return;
	wide = grid_strwidth(text, g->ambiguous) > g->w;
	if (wide && kiosk_row_blank(g, f->hint_y - 1) &&
	    kiosk_text_rows(g, g->w - 2, text) == 2) {
		kiosk_draw_text(g, 1, f->hint_y - 1, g->w - 2, 2, text, st, true);
		return;
	}
	if (wide &&
	    ((end = strstr(text, "。")) != NULL || (end = strstr(text, ". ")) != NULL ||
	     (end = strstr(text, ": ")) != NULL) && end[1] != '\0') {
		size_t n = (size_t)(end - text) + (strncmp(end, "。", 3) == 0 ? 3 : 1);
		char *first = xstrndup(text, n);

		grid_put_center(g, 0, f->hint_y, g->w, first, st);
		free(first);
		return;
	}
	grid_put_center(g, 0, f->hint_y, g->w, text, st);
}

static size_t
kiosk_wrap_amb(int ambiguous, int w, const char *text,
	       struct text_line **lines)
{
	size_t n = strlen(text);
	unsigned char *keep = xcalloc(n + 1, 1);
	size_t nl;

	text_keep_rules(text, n, keep);
	nl = text_wrap(text, n, keep, w > 0 ? w : 1, ambiguous, lines);
	free(keep);
	return nl;
}

static size_t
kiosk_wrap(const struct grid *g, int w, const char *text,
	   struct text_line **lines)
{
	return kiosk_wrap_amb(g->ambiguous, w, text, lines);
}

static int
kiosk_rows_amb(int ambiguous, int w, const char *text)
{
	struct text_line *lines;
	size_t n = kiosk_wrap_amb(ambiguous, w, text, &lines);

	free(lines);
	return (int)n;
}

int
kiosk_app_text_rows(const struct kiosk_app *app, int w, const char *text)
{
	return kiosk_rows_amb(app->ambiguous, w, text);
}

int
kiosk_text_rows(const struct grid *g, int w, const char *text)
{
	return kiosk_rows_amb(g->ambiguous, w, text);
}

int
kiosk_draw_text(struct grid *g, int x, int y, int w, int maxrows,
		const char *text, enum grid_style st, bool center)
{
	struct text_line *lines;
	size_t n = kiosk_wrap(g, w, text, &lines);
	int rows = 0;

	for (size_t i = 0; i < n && rows < maxrows; i++, rows++) {
		char *s = xstrndup(text + lines[i].start,
				   lines[i].end - lines[i].start);

		if (center)
			grid_put_center(g, x, y + rows, w, s, st);
		else
			grid_put(g, x, y + rows, s, w, st);
		free(s);
	}
	free(lines);
	return rows;
}

/* ---- typed text ---- */

/* A character key (not a control: those are keys with actions). */
static bool
kiosk_printable(const struct kiosk_input *in)
{
	int k = in->ev->key;

	return in->ev->kind == KEYS_EV_KEY && k >= 0x20 && k != 0x7f &&
	       !(k >= 0x80 && k < 0xa0) && k < 0x110000 &&
	       !(k >= 0xd800 && k < 0xe000);
}

/* Append c if it fits whole; what the input gate would remove or refuse
 * is dropped here already, so the field shows what will be stored. */
static void
kiosk_type_char(char *buf, size_t cap, ucs4_t c)
{
	size_t len = strlen(buf);
	uint8_t u[8];
	int n;

	if (!ingate_typable(c))
		return;
	n = u8_uctomb(u, c, (int)sizeof u);
	if (n <= 0 || len + (size_t)n + 1 > cap)
		return;
	memcpy(buf + len, u, (size_t)n);
	buf[len + (size_t)n] = '\0';
}

/* Append the typed character, or a paste (its line ends and tabs become
 * spaces), to buf (NUL-terminated, cap bytes). */
bool
kiosk_type(char *buf, size_t cap, const struct kiosk_input *in)
{
	if (in->ev->kind == KEYS_EV_PASTE) {
		const uint8_t *p = (const uint8_t *)in->ev->text;
		const uint8_t *end = p + in->ev->len;

		while (p < end) {
			ucs4_t c;
			int k = u8_mbtouc(&c, p, (size_t)(end - p));

			p += k > 0 ? k : 1;
			if (c == '\t' || c == '\n' || c == '\r')
				c = ' ';
			if (c >= 0x20)
				kiosk_type_char(buf, cap, c);
		}
		return true;
	}
	if (!kiosk_printable(in))
		return false;
	kiosk_type_char(buf, cap, (ucs4_t)in->ev->key);
	return true;
}

/* Erase the last character (a whole UTF-8 sequence). */
void
kiosk_erase(char *buf)
{
	size_t len = strlen(buf);

	while (len > 0 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
		buf[--len] = '\0';
	if (len > 0)
		buf[--len] = '\0';
	sodium_memzero(buf + len, strlen(buf + len));
}
