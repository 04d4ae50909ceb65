/*
 * term: ncursesw set-up and restore, input, and drawing a grid by its
 * changes (see term.h). Owns the curses SCREEN, the copy of the grid last
 * drawn, and the signal dispositions while the kiosk runs.
 *
 * Input: curses only reads bytes (keypad off) and reports resizes; the
 * input module (input.h) turns the bytes into keys, mouse reports and
 * pastes, parsing every escape sequence whole, so no unknown sequence is
 * ever split into keys. The kiosk turns on SGR 1006 mouse reports and
 * bracketed paste itself (terminfo entries differ: tmux-256color names the
 * old X10 mouse format, whose coordinates stop at 223).
 */
#include "term.h"

#include <curses.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
/* terminfo queries (setupterm); by its directory, since our own term.h
 * comes first on the include path */
#include <ncursesw/term.h>

#include "input.h"
#include "outgate.h"
#include "theme.h"
#include "xmalloc.h"

static SCREEN *term_screen;
static struct grid *term_prev; /* what the terminal shows, NULL: unknown */
static bool term_mouse;
static struct input term_input;   /* the escape sequence being read */
static double term_last_byte;     /* when its last byte came (ms) */
static volatile sig_atomic_t term_stop;
static attr_t term_attr[GRID_STYLE_COUNT];
static short term_pair[GRID_STYLE_COUNT];

static void
term_on_signal(int sig)
{
	(void)sig;
	term_stop = 1;
}

bool
term_stop_requested(void)
{
	return term_stop != 0;
}

int
term_probe_ambiguous(void)
{
	struct termios old, raw;
	char buf[64];
	size_t n = 0;
	int row, col, w = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return 0;
	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return 0;
	raw = old;
	cfmakeraw(&raw);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0)
		return 0;
	/* Draw ※ at column 1 and ask where the cursor went. */
	if (write(STDOUT_FILENO, "\r\xe2\x80\xbb\033[6n", 8) == 8) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

		while (n < sizeof buf - 1 && poll(&pfd, 1, 500) > 0) {
			ssize_t r = read(STDIN_FILENO, buf + n, 1);

			if (r <= 0)
				break;
			n++;
			if (buf[n - 1] == 'R')
				break;
		}
		buf[n] = '\0';
		{
			char *esc = strstr(buf, "\033[");

			if (esc != NULL && sscanf(esc, "\033[%d;%dR", &row, &col) == 2 &&
			    (col == 2 || col == 3))
				w = col - 1;
		}
		if (write(STDOUT_FILENO, "\r   \r", 5) < 0)
			w = w + 0;
	}
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
	return w;
}

static attr_t
term_theme_attrs(unsigned a)
{
	return (a & THEME_BOLD ? A_BOLD : A_NORMAL) |
	       (a & THEME_UNDERLINE ? A_UNDERLINE : A_NORMAL) |
	       (a & THEME_REVERSE ? A_REVERSE : A_NORMAL);
}

/*
 * Colour pairs per style from the theme table (theme.c). Colour needs 256
 * colours: themes use the cube and grey ramp only (see theme.h); on fewer,
 * or with NO_COLOR, the mono theme.
 */
static void
term_theme(int theme)
{
	const char *nc = getenv("NO_COLOR");
	bool colour = has_colors() && theme_has_colour(theme) &&
		      (nc == NULL || *nc == '\0');

	if (colour && (start_color() != OK || COLORS < 256 ||
		       COLOR_PAIRS < GRID_STYLE_COUNT + 1))
		colour = false;
	if (!colour)
		theme = THEME_MONO;
	for (int i = 0; i < GRID_STYLE_COUNT; i++) {
		const struct theme_style *ts = theme_style(theme, (enum grid_style)i);

		term_attr[i] = term_theme_attrs(ts->attr);
		term_pair[i] = 0;
		if (colour) {
			init_pair((short)(i + 1), ts->fg, ts->bg);
			term_pair[i] = (short)(i + 1);
		}
	}
	/* What curses itself clears (erase, a resize) takes the page's
	 * colours too, never the terminal's. */
	bkgdset(term_attr[GRID_NORMAL] | COLOR_PAIR(term_pair[GRID_NORMAL]) | ' ');
}

/*
 * The kiosk draws whole screens: it needs a terminal type whose terminfo
 * entry can move the cursor and clear the screen. TERM unset, unknown,
 * "dumb" or a printing terminal gets a message saying so, before ncurses
 * would draw garbage (dumb) or stop with a terse error (unset).
 */
int
term_check(void)
{
	static const char need[] = "the kiosk needs a screen terminal that can"
		" move the cursor, such as TERM=xterm-256color or foot";
	const char *t = getenv("TERM");
	const char *cup, *cls;
	int err = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("isokiosk: the kiosk needs a terminal: standard input and"
		      " output are not one\n", stderr);
		return -1;
	}
	if (t == NULL || *t == '\0') {
		outgate_printf(stderr, "isokiosk: TERM is not set: %s\n", need);
		return -1;
	}
	if (setupterm(t, STDOUT_FILENO, &err) != OK) {
		if (err == 0)
			outgate_printf(stderr, "isokiosk: TERM=%s: no terminfo entry"
				       " for this terminal type here (is ncurses-term"
				       " installed?): %s\n", t, need);
		else
			outgate_printf(stderr, "isokiosk: TERM=%s: cannot use this"
				       " terminal type: %s\n", t, need);
		return -1;
	}
	cup = tigetstr("cup");
	cls = tigetstr("clear");
	if (cup == NULL || cup == (char *)-1 || cls == NULL ||
	    cls == (char *)-1 || tigetflag("hc") > 0 || tigetflag("gn") > 0) {
		outgate_printf(stderr, "isokiosk: TERM=%s cannot move the cursor"
			       " (its terminfo has no 'cup' or 'clear'): %s\n",
			       t, need);
		del_curterm(cur_term);
		return -1;
	}
	del_curterm(cur_term);
	return 0;
}

static void
term_fatal_hook(void)
{
	term_done();
}

int
term_init(const struct term_opts *opts, int *w, int *h)
{
	struct sigaction sa;

	if (term_check() < 0)
		return -2;
	/* Before newterm: ncurses only installs its own handlers where the
	 * disposition is still the default. */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = term_on_signal; /* no SA_RESTART: the read returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (opts->kiosk) {
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTSTP, SIG_IGN);
	}
	term_screen = newterm(NULL, stdout, stdin);
	if (term_screen == NULL) {
		outgate_printf(stderr, "isokiosk: TERM=%s: ncurses cannot drive"
			       " this terminal\n", getenv("TERM"));
		return -2;
	}
	xmalloc_set_fatal_hook(term_fatal_hook);
	raw();          /* Ctrl-C, Ctrl-\, Ctrl-Z are keys */
	noecho();
	nonl();
	/* keypad off: the input module parses every escape sequence whole
	 * (curses would split the ones it does not know into keys) */
	keypad(stdscr, FALSE);
	meta(stdscr, TRUE);
	input_init(&term_input);
	curs_set(0);
	leaveok(stdscr, TRUE);
	term_theme(opts->theme);
	if (opts->ambiguous == 2) {
		/* see term_draw_amb: never shift lines or characters */
		idlok(stdscr, FALSE);
		idcok(stdscr, FALSE);
	}
	term_mouse = opts->mouse;
	/* bracketed paste: a paste is one event, never keys */
	putp("\033[?2004h");
	if (term_mouse)
		putp("\033[?1000h\033[?1006h");
	fflush(stdout);
	getmaxyx(stdscr, *h, *w);
	grid_free(term_prev);
	term_prev = NULL;
	return 0;
}

void
term_size(int *w, int *h)
{
	if (term_screen == NULL) {
		*w = *h = 0;
		return;
	}
	getmaxyx(stdscr, *h, *w);
}

void
term_done(void)
{
	if (term_screen == NULL)
		return;
	if (term_mouse)
		putp("\033[?1006l\033[?1000l");
	putp("\033[?2004l");
	fflush(stdout);
	input_done(&term_input);
	curs_set(1);
	endwin();
	delscreen(term_screen);
	term_screen = NULL;
	grid_free(term_prev);
	term_prev = NULL;
	xmalloc_set_fatal_hook(NULL);
}

static double
term_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/*
 * Bytes from curses (keypad off: curses decodes nothing but the resize)
 * through the input parser, which sees escape sequences whole. The parser's
 * own waits (a lone ESC, an unfinished sequence or paste) are measured from
 * the last byte, across calls.
 */
int
term_read(struct keys_event *ev, int timeout_ms)
{
	double start = term_now_ms();

	memset(ev, 0, sizeof *ev);
	if (term_screen == NULL)
		return 0;
	{
		/* The terminal went away without a SIGHUP: reads would fail at
		 * once, for ever. End like SIGHUP. */
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

		if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLNVAL)) &&
		    !(pfd.revents & POLLIN)) {
			term_stop = 1;
			return 0;
		}
	}
	for (;;) {
		double now = term_now_ms();
		int pend = input_wait_ms(&term_input);
		int left = timeout_ms - (int)(now - start);
		int wait, c;

		if (pend >= 0) {
			int due = (int)(term_last_byte + pend - now);

			if (due <= 0) {
				if (input_timeout(&term_input, ev))
					return 1;
				continue;
			}
			wait = due < left ? due : left;
		} else {
			wait = left;
		}
		if (wait < 0)
			wait = 0;
		wtimeout(stdscr, wait);
		c = wgetch(stdscr);
		if (c == ERR) {
			if (term_stop)
				return 0;
			if (input_wait_ms(&term_input) >= 0 &&
			    term_now_ms() - term_last_byte >= input_wait_ms(&term_input))
				continue; /* the parser's wait is over */
			if (term_now_ms() - start >= timeout_ms)
				return 0;
			continue;
		}
		if (c == KEY_RESIZE) {
			ev->kind = KEYS_EV_RESIZE;
			getmaxyx(stdscr, ev->y, ev->x);
			grid_free(term_prev); /* the terminal may have reflowed */
			term_prev = NULL;
			clearok(curscr, TRUE);
			return 1;
		}
		if (c < 0 || c > 255)
			continue; /* no other curses key codes with keypad off */
		term_last_byte = term_now_ms();
		if (input_feed(&term_input, (unsigned char)c, ev))
			return 1;
	}
}

static void
term_cell(int x, int y, const struct grid_cell *c)
{
	wchar_t wcs[CCHARW_MAX + 1];
	size_t n;
	cchar_t cc;

	n = mbstowcs(wcs, c->text, CCHARW_MAX);
	if (n == (size_t)-1 || n == 0) {
		wcs[0] = L' ';
		n = 1;
	}
	wcs[n < CCHARW_MAX ? n : CCHARW_MAX] = L'\0';
	setcchar(&cc, wcs, term_attr[c->style], term_pair[c->style], NULL);
	mvadd_wch(y, x, &cc);
}

/*
 * A character the terminal draws 2 columns wide (the grid says so, from the
 * ambiguous-width setting) that ncurses, going by wcwidth, thinks is 1.
 */
static bool
term_amb_wide(const struct grid_cell *c)
{
	wchar_t wc;

	if (c->width != 2 || mbtowc(&wc, c->text, strlen(c->text)) <= 0)
		return false;
	return wcwidth(wc) == 1;
}

/*
 * ncurses cannot know that the terminal draws ※ or ─ two columns wide, and
 * would lose track of the cursor after one. So with ambiguous width 2 such a
 * character is two blanks to ncurses, and is written over them afterwards
 * with explicit cursor moves. A line where one changes is repainted whole
 * (wredrawln) so that no stale half stays; line scrolling is off so that
 * ncurses never moves these characters where it believes blanks are.
 */
static void
term_draw_amb(const struct grid *g, const bool *dirty)
{
	int oy, ox, cy, cx;

	getyx(curscr, oy, ox);
	cy = oy;
	cx = ox;
	for (int y = 0; y < g->h; y++) {
		if (!dirty[y])
			continue;
		for (int x = 0; x + 1 < g->w; x++) {
			const struct grid_cell *c = grid_at(g, x, y);

			if (!term_amb_wide(c))
				continue;
			mvcur(cy, cx, y, x);
			vid_attr(term_attr[c->style], term_pair[c->style], NULL);
			putp(c->text);
			cy = y;
			cx = x + 2;
		}
	}
	vid_attr(A_NORMAL, 0, NULL);
	mvcur(cy, cx, oy, ox);
	fflush(stdout);
}

void
term_draw(const struct grid *g)
{
	bool *dirty, any = false;

	if (term_screen == NULL)
		return;
	if (term_prev == NULL || term_prev->w != g->w || term_prev->h != g->h) {
		grid_free(term_prev);
		term_prev = grid_new(g->w, g->h, g->ambiguous);
		/* an impossible cell: everything differs */
		for (size_t i = 0; i < (size_t)g->w * (size_t)g->h; i++)
			term_prev->cells[i].style = GRID_STYLE_COUNT;
	}
	dirty = xcalloc((size_t)g->h + 1, sizeof *dirty);
	for (int y = 0; y < g->h; y++) {
		bool changed = false, has_amb = false;

		for (int x = 0; x < g->w; x++) {
			const struct grid_cell *c = grid_at(g, x, y);
			const struct grid_cell *p = grid_at(term_prev, x, y);
			bool amb = g->ambiguous == 2 && term_amb_wide(c);

			/* ncurses may rewrite unchanged cells between changed ones
			 * (one run is cheaper than a cursor move), over a wide ※
			 * it believes is blank: a row where anything changes gets
			 * its ambiguous characters drawn again. */
			if (g->ambiguous == 2) {
				has_amb = has_amb || amb || term_amb_wide(p);
				changed = changed || !grid_cell_eq(c, p);
				if (changed && has_amb)
					dirty[y] = any = true;
			}
			if (c->width == 0)
				continue; /* drawn with its left half */
			if (grid_cell_eq(c, p) &&
			    (c->width == 1 || grid_cell_eq(c + 1, p + 1)))
				continue;
			if (amb) {
				struct grid_cell blank = *c;

				strcpy(blank.text, " ");
				term_cell(x, y, &blank);
				term_cell(x + 1, y, &blank);
			} else {
				term_cell(x, y, c);
			}
		}
		if (dirty[y])
			wredrawln(stdscr, y, 1);
	}
	memcpy(term_prev->cells, g->cells,
	       (size_t)g->w * (size_t)g->h * sizeof *g->cells);
	/* The cursor stays hidden, but on a text field's cursor an input
	 * method (and a screen magnifier) knows where the typing is. */
	if (g->cursor_x >= 0 && g->cursor_x < g->w && g->cursor_y >= 0 &&
	    g->cursor_y < g->h) {
		leaveok(stdscr, FALSE);
		wmove(stdscr, g->cursor_y, g->cursor_x);
	} else {
		leaveok(stdscr, TRUE);
	}
	refresh();
	if (any)
		term_draw_amb(g, dirty);
	free(dirty);
}

void
term_wipe(void)
{
	if (term_screen == NULL)
		return;
	erase();
	clearok(curscr, TRUE);
	refresh();
	putp("\033[H\033[2J\033[3J");
	fflush(stdout);
	/* The terminal cleared to whatever colours it had: ncurses must not
	 * believe the page's blanks are still there, so the next draw paints
	 * every cell. */
	clearok(curscr, TRUE);
	grid_free(term_prev);
	term_prev = NULL;
}
