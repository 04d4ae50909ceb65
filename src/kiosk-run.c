/*
 * kiosk-run: the event loop that joins the state machine (kiosk.c) to the
 * terminal (term.c): draw, wait for input or the next tick, feed the event,
 * wipe the terminal when the session was reset. Owns nothing but the grid it
 * draws into.
 */
#include <time.h>

#include "kiosk.h"
#include "term.h"

/* A tick every half second: countdowns show whole seconds on time. */
#define KIOSK_TICK_MS 500

static double
kiosk_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
kiosk_run(struct kiosk_app *app)
{
	struct grid *g = grid_new(app->w, app->h, app->ambiguous);
	double next_tick = kiosk_clock() + KIOSK_TICK_MS / 1000.0;

	app->now = kiosk_clock();
	app->clock = kiosk_clock;
	{
		/* the PIN wait is wall-clock time: it survives a restart */
		struct timespec rt;

		clock_gettime(CLOCK_REALTIME, &rt);
		app->wall_offset = (double)rt.tv_sec + (double)rt.tv_nsec / 1e9 -
				   app->now;
	}
	app->last_input = app->now;
	app->cs.shown_since = app->now; /* a session started before the loop */
	while (!app->quit && !term_stop_requested()) {
		struct keys_event ev;
		int wait_ms;

		if (app->wipe) {
			term_wipe();
			app->wipe = false;
		}
		kiosk_draw(app, g);
		term_draw(g);
		wait_ms = (int)((next_tick - kiosk_clock()) * 1000.0);
		if (wait_ms < 0)
			wait_ms = 0;
		if (term_read(&ev, wait_ms) == 0) {
			if (term_stop_requested())
				break;
			if (kiosk_clock() < next_tick)
				continue; /* a signal or a meaningless input */
			ev.kind = KEYS_EV_TICK;
			next_tick = kiosk_clock() + KIOSK_TICK_MS / 1000.0;
		}
		app->now = kiosk_clock();
		kiosk_event(app, &ev);
	}
	grid_free(g);
	return 0;
}
