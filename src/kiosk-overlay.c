/*
 * kiosk-overlay: states that interrupt another and give it back
 * (KIOSK_RESUME): the idle warning with its countdown, which wipes the
 * session when it runs out, and the please-enlarge screen.
 */
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "kiosk-int.h"
#include "store.h"
#include "xmalloc.h"

/* ---- idle warning ---- */

static int
kiosk_idle_left(const struct kiosk_app *app)
{
	double left = app->cfg->idle_timeout + app->cfg->idle_warning -
		      (app->now - app->last_input);

	return left <= 0 ? 0 : (int)(left + 0.999);
}

static size_t
kiosk_idle_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
				      .label = _("Continue"), .hot = true };
	kiosk_bar(app, b, 1);
	return 1;
}

static struct kiosk_step
kiosk_idle_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	switch (in->ev->kind) {
	case KEYS_EV_KEY:
	case KEYS_EV_MOUSE:
	case KEYS_EV_PASTE:
		/* Any touch, key or paste means someone is there. */
		return KIOSK_GO(KIOSK_RESUME);
	case KEYS_EV_TICK:
		if (kiosk_idle_left(app) > 0)
			return KIOSK_REDRAW;
		/* Nobody came back: a session is recorded as timed out
		 * (sealed), then everything is forgotten. */
		kiosk_consent_end(app, STORE_TIMED_OUT, "idle timeout");
		kiosk_reset(app);
		return KIOSK_GO(KIOSK_WELCOME);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_idle_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[1];
	struct kiosk_frame f;
	char *msg;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Are you still there?"), NULL);
	y = f.body_y + 1;
	y += kiosk_draw_text(g, 2, y, g->w - 4, f.body_h - 1,
			     _("Touch the screen or press any key to continue."),
			     GRID_HEADING, true) + 1;
	msg = xasprintf(_("Returning to the start in %d seconds."),
			kiosk_idle_left(app));
	kiosk_draw_text(g, 2, y, g->w - 4, f.body_y + f.body_h - y, msg,
			GRID_ALERT, true);
	free(msg);
	kiosk_idle_buttons(app, b);
	kiosk_draw_buttons(g, b, 1);
}

const struct kiosk_state_ops kiosk_idle_ops = {
	.name = "idle-warning",
	.handle = kiosk_idle_handle,
	.draw = kiosk_idle_draw,
	.buttons = kiosk_idle_buttons,
	.overlay = true,
};

/* ---- too small ---- */

static struct kiosk_step
kiosk_small_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	if (in->ev->kind == KEYS_EV_RESIZE && app->w >= KIOSK_MIN_W &&
	    app->h >= KIOSK_MIN_H)
		return KIOSK_GO(KIOSK_RESUME);
	/* No countdown can be shown here, but a patient who walked away
	 * from a shrunken window is still forgotten on time. */
	if (in->ev->kind == KEYS_EV_TICK && app->resume != KIOSK_WELCOME &&
	    app->now - app->last_input >=
	    app->cfg->idle_timeout + app->cfg->idle_warning) {
		kiosk_consent_end(app, STORE_TIMED_OUT, "idle timeout");
		kiosk_reset(app);
		app->resume = KIOSK_WELCOME;
		return KIOSK_REDRAW;
	}
	return KIOSK_STAY;
}

/* Says so in a few words that fit even a tiny window, wrapped, never cut
 * mid-character. */
static void
kiosk_small_draw(const struct kiosk_app *app, struct grid *g)
{
	char *msg = xasprintf(_("Please make this window larger (at least %d x %d)."),
			      KIOSK_MIN_W, KIOSK_MIN_H);
	int rows = kiosk_text_rows(g, g->w, msg);
	int y = rows < g->h ? (g->h - rows) / 2 : 0;

	kiosk_draw_text(g, 0, y, g->w, g->h - y, msg, GRID_ALERT, true);
	(void)app;
	free(msg);
}

const struct kiosk_state_ops kiosk_small_ops = {
	.name = "too-small",
	.handle = kiosk_small_handle,
	.draw = kiosk_small_draw,
	.overlay = true,
	.idle = false, /* its own idle reset, above */
	.staff = true,
};
