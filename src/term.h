/*
 * term: the terminal, and the only module that includes <curses.h>.
 * Sets the terminal up for a kiosk (raw mode: Ctrl-C, Ctrl-Z, Ctrl-\ are
 * keys, not signals; SIGINT, SIGQUIT, SIGTSTP ignored; SIGTERM and SIGHUP end
 * the loop cleanly), reads input as keys.h events (bytes through input.h:
 * keys, SGR 1006 mouse reports, bracketed pastes; and resizes), and draws a
 * grid (grid.h) by sending only
 * the cells that changed since the last draw. Restores the terminal on
 * term_done and from fatal() (xmalloc's hook).
 */
#ifndef ISOKIOSK_TERM_H
#define ISOKIOSK_TERM_H

#include <stdbool.h>

#include "grid.h"
#include "keys.h"

struct term_opts {
	int theme;   /* enum config_theme */
	bool mouse;
	bool kiosk;  /* ignore SIGINT, SIGQUIT, SIGTSTP */
	int ambiguous; /* 1 or 2: how wide the terminal draws ※ */
};

/*
 * Ask the terminal how wide it draws an East Asian Ambiguous character (※)
 * with a cursor-position report, as vim does for 'ambiwidth'. Call before
 * term_init. Returns 1 or 2, or 0 when the terminal does not answer in time
 * (or is not a terminal).
 */
int term_probe_ambiguous(void);

/*
 * Can the kiosk run here? 0, or -1 with a message on stderr naming what is
 * needed: stdin and stdout must be a terminal, TERM set, and its terminfo
 * able to move the cursor and clear the screen (not dumb, not a printing
 * terminal). Call before writing anything to the terminal.
 */
int term_check(void);

/* Start (term_check first); *w, *h get the size. Returns -2 (with a message on stderr, naming
 * what is needed) when stdin/stdout is not a terminal, or TERM is unset or
 * names a terminal that cannot move the cursor (dumb); callers exit 2. */
int term_init(const struct term_opts *opts, int *w, int *h);
/* The terminal's size now. */
void term_size(int *w, int *h);
/* Restore the terminal (idempotent; also safe from the fatal hook). */
void term_done(void);

/*
 * Wait up to timeout_ms for input. Returns 1 with *ev filled (KEY, MOUSE,
 * PASTE or RESIZE; a paste's text is valid until the next call), or 0 on
 * time-out or when a signal (SIGTERM, SIGHUP) interrupted the wait. Input
 * that means nothing (a mouse release, an unknown escape sequence) is
 * dropped without returning early.
 */
int term_read(struct keys_event *ev, int timeout_ms);

/* Draw g: only the cells that differ from what was drawn last. */
void term_draw(const struct grid *g);
/* Clear the screen and the terminal's scrollback (\E[3J) and forget what was
 * drawn, so nothing of the last patient stays on the terminal. */
void term_wipe(void);

/* SIGTERM or SIGHUP arrived: end the loop and restore the terminal. */
bool term_stop_requested(void);

#endif
