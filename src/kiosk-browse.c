/*
 * kiosk-browse: the states a patient reads in: welcome (attract screen and
 * language choice), language (switch mid-session), menu (topics, browse
 * freely) and screen (one content screen, guided in manifest order).
 * Handlers only change app and return a step; draw only paints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "kiosk-int.h"
#include "xmalloc.h"

/* Open screen i of the current language, at its top. */
static struct kiosk_step
kiosk_open_screen(struct kiosk_app *app, size_t i)
{
	if (i >= kiosk_nscreens(app))
		return KIOSK_STAY;
	app->screen = i;
	app->top = 0;
	app->anchor = 0;
	return KIOSK_GO(KIOSK_SCREEN);
}

static size_t
kiosk_nlangs(const struct kiosk_app *app)
{
	return app->bundle != NULL ? app->bundle->nlangs : 0;
}

/* The language buttons (welcome and language states). */
static size_t
kiosk_lang_buttons(const struct kiosk_app *app, struct kiosk_button *b, int y,
		   int maxrows)
{
	size_t n = kiosk_nlangs(app);
	static char labels[8][64];

	if (n > 8)
		n = 8;
	for (size_t i = 0; i < n; i++) {
		snprintf(labels[i], sizeof labels[i], "%zu  %s", i + 1,
			 app->bundle->langs[i].name);
		b[i] = (struct kiosk_button){ .action = KEYS_A_PICK,
			.arg = (int)i, .label = labels[i],
			.hot = (int)i == app->lang_sel };
	}
	kiosk_stack(app, b, n, y, maxrows);
	return n;
}

/* ---- welcome ---- */

/* Rows of the welcome screen: greeting lines per language, then buttons. */
static int
kiosk_welcome_button_y(const struct kiosk_app *app)
{
	int n = (int)kiosk_nlangs(app);

	return app->h >= 20 ? 2 + 2 * n + 1 : 1 + n + 1;
}

static size_t
kiosk_welcome_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	int y = kiosk_welcome_button_y(app);

	return kiosk_lang_buttons(app, b, y, app->h - y - 3);
}

static void
kiosk_welcome_enter(struct kiosk_app *app)
{
	app->lang_sel = (int)app->staff_lang;
}

static struct kiosk_step
kiosk_pick_lang(struct kiosk_app *app, size_t i)
{
	if (i >= kiosk_nlangs(app))
		return KIOSK_STAY;
	kiosk_use_lang(app, i);
	/* A consent kiosk with no session yet: the patient may read freely
	 * while staff start theirs (the welcome screen says so). */
	return kiosk_open_screen(app, 0);
}

static struct kiosk_step
kiosk_welcome_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	int n = (int)kiosk_nlangs(app);

	switch (in->action) {
	case KEYS_A_DIGIT:
		return in->arg >= 1 ? kiosk_pick_lang(app, (size_t)in->arg - 1)
				    : KIOSK_STAY;
	case KEYS_A_PICK:
		return kiosk_pick_lang(app, (size_t)in->arg);
	case KEYS_A_ACTIVATE:
	case KEYS_A_FORWARD:
		return kiosk_pick_lang(app, (size_t)app->lang_sel);
	case KEYS_A_UP:
	case KEYS_A_BACK:
		if (n > 0)
			app->lang_sel = (app->lang_sel + n - 1) % n;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
	case KEYS_A_NEXT:
		if (n > 0)
			app->lang_sel = (app->lang_sel + 1) % n;
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_welcome_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	size_t n = kiosk_nlangs(app), nb;
	bool tall = app->h >= 20;
	int y = tall ? 2 : 1;

	/* Every language greets: the patient has not chosen yet. */
	for (size_t i = 0; i < n; i++)
		y += kiosk_draw_text(g, 1, y, g->w - 2, 1,
			i18n_gettext_in(app->bundle->langs[i].code,
					N_("Welcome. Please choose your language.")),
			i == 0 ? GRID_HEADING : GRID_NORMAL, true) + (tall ? 1 : 0);
	nb = kiosk_welcome_buttons(app, b);
	kiosk_draw_buttons(g, b, nb);
	y = nb > 0 ? b[nb - 1].y + b[nb - 1].h + (tall ? 1 : 0) : y;
	/* Each hint whole, wrapped if it must be (at 40 columns the
	 * Japanese one takes two rows), above the last row. */
	for (size_t i = 0; i < n && y < g->h - 1; i++)
		y += kiosk_draw_text(g, 1, y, g->w - 2, g->h - 1 - y,
			i18n_gettext_in(app->bundle->langs[i].code,
					N_("Touch a language or press its number.")),
			GRID_DIM, true);
	/* A consent kiosk waiting for staff: what the patient may do now. */
	if (app->cs.start_consent && !app->cs.on)
		for (size_t i = 0, first = tall; i < n && y + (int)first < g->h - 1;
		     i++, y++, first = 0)
			kiosk_draw_text(g, 1, y += (int)first, g->w - 2, 1,
				i18n_gettext_in(app->bundle->langs[i].code,
						N_("Staff will start your session; until then, read freely.")),
				GRID_NORMAL, true);
	if (app->demo)
		kiosk_draw_text(g, 1, g->h - 1, g->w - 2, 1,
				_("Demo mode (no staff PIN set)"), GRID_ALERT, true);
}

const struct kiosk_state_ops kiosk_welcome_ops = {
	.name = "welcome",
	.enter = kiosk_welcome_enter,
	.handle = kiosk_welcome_handle,
	.draw = kiosk_welcome_draw,
	.buttons = kiosk_welcome_buttons,
	.idle = false,
};

/* ---- language (mid-session) ---- */

static size_t
kiosk_language_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	struct kiosk_frame f;
	size_t n;

	kiosk_frame(app, &f);
	n = kiosk_lang_buttons(app, b, f.body_y + 1, f.body_h - 1);
	b[n] = (struct kiosk_button){ .action = KEYS_A_BACK, .arg = 0,
				      .label = _("Back") };
	kiosk_bar(app, &b[n], 1);
	return n + 1;
}

static void
kiosk_language_enter(struct kiosk_app *app)
{
	app->lang_sel = (int)app->lang;
}

static struct kiosk_step
kiosk_language_pick(struct kiosk_app *app, size_t i)
{
	if (i >= kiosk_nlangs(app))
		return KIOSK_STAY;
	kiosk_use_lang(app, i);
	return KIOSK_GO(KIOSK_SCREEN);
}

static struct kiosk_step
kiosk_language_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	int n = (int)kiosk_nlangs(app);

	switch (in->action) {
	case KEYS_A_DIGIT:
		return in->arg >= 1 ? kiosk_language_pick(app, (size_t)in->arg - 1)
				    : KIOSK_STAY;
	case KEYS_A_PICK:
		return kiosk_language_pick(app, (size_t)in->arg);
	case KEYS_A_ACTIVATE:
	case KEYS_A_FORWARD:
		return kiosk_language_pick(app, (size_t)app->lang_sel);
	case KEYS_A_UP:
		if (n > 0)
			app->lang_sel = (app->lang_sel + n - 1) % n;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		if (n > 0)
			app->lang_sel = (app->lang_sel + 1) % n;
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static const struct kiosk_move kiosk_language_moves[] = {
	{ KEYS_A_BACK, KIOSK_MENU, false, false },
	{ KEYS_A_NONE, 0, false, false },
};

static void
kiosk_language_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	size_t n = kiosk_language_buttons(app, b);

	kiosk_draw_header(app, g, _("Language"), NULL);
	kiosk_draw_buttons(g, b, n);
}

const struct kiosk_state_ops kiosk_language_ops = {
	.name = "language",
	.enter = kiosk_language_enter,
	.handle = kiosk_language_handle,
	.moves = kiosk_language_moves,
	.draw = kiosk_language_draw,
	.buttons = kiosk_language_buttons,
	.idle = true,
};

/* ---- menu ---- */

enum { KIOSK_MENU_FIXED = 3 }; /* bar buttons after the items */

static void
kiosk_menu_enter(struct kiosk_app *app)
{
	app->menu_sel = (int)app->screen;
	app->digits = 0;
}

/* Item rows: the body; the list scrolls to keep the selection in view. */
static int
kiosk_menu_first(const struct kiosk_app *app, int rows)
{
	int top = 0;

	if (rows < 1)
		rows = 1;
	if (app->menu_sel >= rows)
		top = app->menu_sel - rows + 1;
	return top;
}

static size_t
kiosk_menu_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	struct kiosk_frame f;
	size_t n = kiosk_nscreens(app), k = 0;
	int rows, top;

	kiosk_frame(app, &f);
	rows = f.body_h;
	top = kiosk_menu_first(app, rows);
	for (int i = top; i < (int)n && i - top < rows &&
	     k < KIOSK_MAX_BUTTONS - KIOSK_MENU_FIXED; i++, k++) {
		const struct content_doc *d = kiosk_doc(app, (size_t)i);

		b[k] = (struct kiosk_button){ .x = 1, .y = f.body_y + i - top,
			.w = app->w - 2, .h = 1, .action = KEYS_A_PICK, .arg = i,
			.label = d != NULL ? d->title : "",
			.selected = i == app->menu_sel };
	}
	b[k] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[k + 1] = (struct kiosk_button){ .action = KEYS_A_LANGUAGE,
					  .label = _("Language") };
	b[k + 2] = (struct kiosk_button){ .action = KEYS_A_RESTART,
					  .label = _("From the start") };
	kiosk_bar(app, &b[k], KIOSK_MENU_FIXED);
	return k + KIOSK_MENU_FIXED;
}

static struct kiosk_step
kiosk_menu_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	int n = (int)kiosk_nscreens(app);

	switch (in->action) {
	case KEYS_A_DIGIT: {
		int v = app->digits * 10 + in->arg;

		if (v == 0 || v > n) { /* not an item: start again */
			app->digits = 0;
			return KIOSK_REDRAW;
		}
		app->menu_sel = v - 1;
		if (v * 10 > n) { /* no longer number starts with v */
			app->digits = 0;
			return kiosk_open_screen(app, (size_t)v - 1);
		}
		app->digits = v;
		app->digits_at = app->now;
		return KIOSK_REDRAW;
	}
	case KEYS_A_NONE:
		/* A number that could go on (1 of 1..14) opens on its own
		 * after a moment. */
		if (in->ev->kind == KEYS_EV_TICK && app->digits > 0 &&
		    app->now - app->digits_at >= 1.5) {
			int v = app->digits;

			app->digits = 0;
			return kiosk_open_screen(app, (size_t)v - 1);
		}
		return KIOSK_STAY;
	case KEYS_A_PICK:
		return kiosk_open_screen(app, (size_t)in->arg);
	case KEYS_A_RESTART: /* the first screen, in the same language */
		app->digits = 0;
		return kiosk_open_screen(app, 0);
	case KEYS_A_ACTIVATE:
	case KEYS_A_FORWARD:
	case KEYS_A_NEXT:
		app->digits = 0;
		return kiosk_open_screen(app, (size_t)app->menu_sel);
	case KEYS_A_UP:
		app->digits = 0;
		if (app->menu_sel > 0)
			app->menu_sel--;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		app->digits = 0;
		if (app->menu_sel + 1 < n)
			app->menu_sel++;
		return KIOSK_REDRAW;
	case KEYS_A_HOME:
		app->menu_sel = 0;
		return KIOSK_REDRAW;
	case KEYS_A_END:
		app->menu_sel = n > 0 ? n - 1 : 0;
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static const struct kiosk_move kiosk_menu_moves[] = {
	{ KEYS_A_BACK, KIOSK_SCREEN, false, false },     /* to the screen being read */
	{ KEYS_A_LANGUAGE, KIOSK_LANGUAGE, false, false },
	{ KEYS_A_NONE, 0, false, false },
};

static void
kiosk_menu_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	size_t n = kiosk_menu_buttons(app, b);
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Topics"), NULL);
	for (size_t i = 0; i + KIOSK_MENU_FIXED < n; i++) {
		enum grid_style st = b[i].selected ? GRID_SELECTED : GRID_NORMAL;
		char num[16];
		int x;

		grid_fill(g, b[i].x, b[i].y, b[i].w, 1, st);
		snprintf(num, sizeof num, "%2d. ", b[i].arg + 1);
		x = b[i].x + grid_put(g, b[i].x, b[i].y, num, b[i].w, st);
		grid_put(g, x, b[i].y, b[i].label, b[i].w - (x - b[i].x), st);
	}
	kiosk_draw_hint(g, &f, _("Touch a topic, or type its number."), GRID_DIM);
	kiosk_draw_buttons(g, b + n - KIOSK_MENU_FIXED, KIOSK_MENU_FIXED);
}

const struct kiosk_state_ops kiosk_menu_ops = {
	.name = "menu",
	.enter = kiosk_menu_enter,
	.handle = kiosk_menu_handle,
	.moves = kiosk_menu_moves,
	.draw = kiosk_menu_draw,
	.buttons = kiosk_menu_buttons,
	.idle = true,
};

/* ---- screen ---- */

enum { KIOSK_SCREEN_NBAR = 4 };

static bool
kiosk_seen_end(const struct kiosk_app *app)
{
	return app->screen < app->nseen && app->seen_end[app->screen];
}

/* A consent session reads every screen to its end before going on;
 * browsing is free. */
static bool
kiosk_screen_gated(const struct kiosk_app *app)
{
	return app->cs.on && !app->cs.rereading && app->preview_path == NULL &&
	       !kiosk_seen_end(app);
}

static size_t
kiosk_screen_bar(const struct kiosk_app *app, struct kiosk_button *b)
{
	bool last = app->screen + 1 >= kiosk_nscreens(app);
	bool end = kiosk_seen_end(app);

	if (app->preview_path != NULL) {
		b[0] = (struct kiosk_button){ .action = KEYS_A_QUIT,
					      .label = _("Close the preview") };
		kiosk_bar(app, b, 1);
		return 1;
	}
	if (app->cs.rereading) {
		b[0] = (struct kiosk_button){ .action = KEYS_A_NEXT,
			.label = _("Back to the question"), .hot = end };
		kiosk_bar(app, b, 1);
		return 1;
	}
	if (app->cs.on) { /* guided: no topics, no starting over */
		b[0] = (struct kiosk_button){ .action = KEYS_A_BACK,
					      .label = _("Back") };
		/* Until the end has been shown, the button reads on. */
		b[1] = (struct kiosk_button){ .action = KEYS_A_NEXT,
			.label = !end ? _("Read on") : last ? _("To the questions")
							    : _("Next"),
			.hot = end };
		kiosk_bar(app, b, 2);
		return 2;
	}
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_MENU, .label = _("Topics") };
	b[2] = (struct kiosk_button){ .action = KEYS_A_RESTART,
				      .label = _("From the start") };
	b[3] = (struct kiosk_button){ .action = KEYS_A_NEXT,
		.label = last ? _("Finish") : _("Next"), .hot = end };
	kiosk_bar(app, b, KIOSK_SCREEN_NBAR);
	return KIOSK_SCREEN_NBAR;
}

static size_t
kiosk_screen_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	size_t n = kiosk_screen_bar(app, b);

	return n + kiosk_page_clicks(app, app->page, app->top, b + n,
				     KIOSK_MAX_BUTTONS - n);
}

static struct kiosk_step
kiosk_screen_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	bool preview = app->preview_path != NULL;

	if (kiosk_is_scroll(in->action)) {
		app->top = kiosk_page_scroll(app, app->page, app->top, in->action,
					     in->arg);
		kiosk_note_place(app);
		return KIOSK_REDRAW;
	}
	switch (in->action) {
	case KEYS_A_QUIT:
		return preview ? KIOSK_GO(KIOSK_QUIT) : KIOSK_STAY;
	case KEYS_A_NEXT:
		if (preview)
			return KIOSK_STAY;
		if (kiosk_screen_gated(app)) {
			/* Not yet: read on, and say why. */
			app->top = kiosk_page_scroll(app, app->page, app->top,
						     KEYS_A_PAGE_DOWN, 0);
			kiosk_note_place(app);
			if (!kiosk_seen_end(app))
				app->notice = N_("Please read to the end of the screen first.");
			return KIOSK_REDRAW;
		}
		if (app->cs.rereading)
			return kiosk_consent_reread_done(app);
		if (app->screen + 1 < kiosk_nscreens(app))
			return kiosk_open_screen(app, app->screen + 1);
		if (app->cs.on) /* the quiz comes next */
			return kiosk_consent_after_screens(app);
		/* The last screen read: the session is over. */
		kiosk_reset(app);
		return KIOSK_GO(KIOSK_WELCOME);
	case KEYS_A_BACK:
		if (preview)
			return KIOSK_STAY;
		if (app->cs.rereading)
			return kiosk_consent_reread_done(app);
		if (app->screen > 0)
			return kiosk_open_screen(app, app->screen - 1);
		if (app->cs.on)
			return KIOSK_STAY;
		kiosk_reset(app);
		return KIOSK_GO(KIOSK_WELCOME);
	case KEYS_A_RESTART:
		/* browsing: the first screen again, in the same language */
		if (preview || app->cs.on)
			return KIOSK_STAY;
		return kiosk_open_screen(app, 0);
	case KEYS_A_FORWARD:
	case KEYS_A_ACTIVATE:
		if (kiosk_at_end(app)) {
			struct kiosk_input next = *in;

			next.action = KEYS_A_NEXT;
			return kiosk_screen_handle(app, &next);
		}
		app->top = kiosk_page_scroll(app, app->page, app->top,
					     KEYS_A_PAGE_DOWN, 0);
		kiosk_note_place(app);
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static const struct kiosk_move kiosk_screen_moves[] = {
	{ KEYS_A_MENU, KIOSK_MENU, false, true },
	{ KEYS_A_NONE, 0, false, false },
};

static void
kiosk_screen_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct content_doc *doc = kiosk_doc(app, app->screen);
	struct kiosk_button b[KIOSK_SCREEN_NBAR];
	struct kiosk_frame f;
	char where[96];
	const char *hint;
	size_t nb;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, doc != NULL ? doc->title : "",
			  kiosk_where(app, where, sizeof where));
	kiosk_draw_progress(app, g);
	if (app->preview_error != NULL)
		kiosk_draw_text(g, f.wide_x, f.body_y, f.wide_w, f.body_h,
				app->preview_error, GRID_ALERT, false);
	else
		kiosk_draw_page(app, g, app->page, app->top);
	if (app->notice != NULL)
		hint = _(app->notice);
	else if (app->preview_path != NULL)
		hint = _("Preview: the screen follows the file; q quits.");
	else if (!kiosk_at_end(app))
		hint = _("More below: touch ▼ or scroll down.");
	else if (app->cs.rereading)
		hint = _("Touch Back to the question when you are ready.");
	else if (app->screen + 1 < kiosk_nscreens(app))
		hint = _("Touch Next to continue.");
	else if (app->cs.on)
		hint = _("Last screen. Touch To the questions.");
	else
		hint = _("Last screen. Touch Finish when done.");
	kiosk_draw_hint(g, &f, hint, app->notice != NULL ? GRID_ALERT : GRID_DIM);
	nb = kiosk_screen_bar(app, b);
	kiosk_draw_buttons(g, b, nb);
}

const struct kiosk_state_ops kiosk_screen_ops = {
	.name = "screen",
	.handle = kiosk_screen_handle,
	.moves = kiosk_screen_moves,
	.draw = kiosk_screen_draw,
	.buttons = kiosk_screen_buttons,
	.idle = true,
};
