/*
 * theme: the kiosk's colour themes as data, without a terminal: for each
 * theme and each grid style (grid.h) a foreground and a background from the
 * xterm 256-colour palette and the attributes that go with them; and the
 * palette itself with WCAG 2 contrast, so that a unit test can check every
 * text/background pair of every theme (tests/unit/test-theme.c). The
 * terminal module (term.c) turns a theme into colour pairs.
 *
 * Every colour theme sets foreground and background together, never the
 * terminal's defaults, and only from indices 16-255: the cube and the grey
 * ramp, which terminals draw alike, unlike the 16 "ANSI" colours that every
 * terminal (and every user) sets differently, and that xterm brightens when
 * bold (bold black becomes grey). Bold is emphasis here, never a colour.
 * On a terminal with fewer than 256 colours the kiosk falls back to the
 * mono theme (attributes on the terminal's own foreground and background),
 * since it cannot know what such a palette looks like.
 */
#ifndef ISOKIOSK_THEME_H
#define ISOKIOSK_THEME_H

#include <stdbool.h>

#include "grid.h"

enum theme_id {
	THEME_LIGHT,         /* dark text on white paper (the default) */
	THEME_DARK,          /* light text on a dark grey */
	THEME_HIGH_CONTRAST, /* white and yellow on black, every pair >= 7:1 */
	THEME_MONO,          /* no colours: bold, underline, reverse video */
	THEME_COUNT,
	THEME_DEFAULT = THEME_LIGHT
};

enum theme_attr {
	THEME_BOLD = 1 << 0,
	THEME_UNDERLINE = 1 << 1,
	THEME_REVERSE = 1 << 2,
};

struct theme_style {
	short fg, bg;  /* xterm 256-colour indices; -1 in the mono theme */
	unsigned attr; /* enum theme_attr bits */
};

/* The theme's name in the configuration ("light" ...), or NULL. */
const char *theme_name(int theme);
/* The theme named (also "default"), or -1. */
int theme_from_name(const char *name);
/* The names accepted, for messages: "default, light, dark, ...". */
const char *theme_names(void);

const struct theme_style *theme_style(int theme, enum grid_style st);
/* The theme has colours (every theme but mono). */
bool theme_has_colour(int theme);
/* The smallest contrast the theme promises for every pair: 7 for
 * high-contrast (WCAG AAA), 4.5 otherwise (AA); 0 for mono. */
double theme_min_contrast(int theme);

/* Colour index (0-255) as xterm draws it by default: r, g, b 0-255. */
void theme_rgb(int index, unsigned char rgb[3]);
/* WCAG 2 relative luminance of a palette colour (0 black .. 1 white). */
double theme_luminance(int index);
/* WCAG 2 contrast ratio of two palette colours (1 .. 21). */
double theme_contrast(int a, int b);

#endif
