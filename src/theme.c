/*
 * theme: the theme table and the xterm palette with WCAG contrast (see
 * theme.h). Constant data and arithmetic; owns nothing.
 */
#include "theme.h"

#include <math.h>
#include <string.h>

#define S(f, b, a) { (f), (b), (a) }

/*
 * Colours by xterm index: 16 black, 231 white, 232-255 greys from 8 to 238
 * in steps of 10, 16 + 36r + 6g + b the cube. The ratios in the comments are
 * WCAG 2 contrast (checked by tests/unit/test-theme.c).
 */
static const struct theme_style theme_table[THEME_COUNT][GRID_STYLE_COUNT] = {
	[THEME_LIGHT] = {
		[GRID_NORMAL] = S(235, 231, 0),             /* #262626 on white 15.1 */
		[GRID_BOLD] = S(16, 231, THEME_BOLD),       /* black 21 */
		[GRID_HEADING] = S(18, 231, THEME_BOLD),    /* navy 15.6 */
		[GRID_WARNING] = S(124, 231, 0),            /* dark red 7.4 */
		[GRID_NOTE] = S(24, 231, 0),                /* steel blue 7.0 */
		[GRID_BORDER] = S(240, 231, 0),             /* grey 7.1 */
		[GRID_RUBY] = S(239, 231, 0),               /* 8.3 */
		[GRID_QUESTION] = S(90, 231, THEME_BOLD),   /* purple 8.8 */
		[GRID_TITLE] = S(231, 18, THEME_BOLD),      /* white on navy 15.6 */
		[GRID_BAR] = S(235, 253, 0),                /* on light grey 10.8 */
		[GRID_BAR_FILL] = S(231, 25, 0),            /* white on blue 6.5 */
		[GRID_BUTTON] = S(16, 250, 0),              /* black on grey 11.1 */
		[GRID_BUTTON_HOT] = S(231, 22, THEME_BOLD), /* white on green 8.0 */
		[GRID_SELECTED] = S(16, 117, THEME_BOLD),   /* black on sky 13.2 */
		[GRID_DIM] = S(242, 231, 0),                /* 5.3 */
		[GRID_ALERT] = S(231, 124, THEME_BOLD),     /* white on red 7.4 */
		[GRID_BUTTON_OFF] = S(240, 255, 0),         /* paler: 6.1 */
		[GRID_FIELD] = S(16, 230, 0),               /* on cream 20.5 */
		[GRID_CURSOR] = S(231, 16, 0),              /* 21 */
	},
	[THEME_DARK] = {
		[GRID_NORMAL] = S(252, 234, 0),             /* 11.1 */
		[GRID_BOLD] = S(231, 234, THEME_BOLD),      /* 17.0 */
		[GRID_HEADING] = S(117, 234, THEME_BOLD),   /* 10.7 */
		[GRID_WARNING] = S(210, 234, 0),            /* 7.4 */
		[GRID_NOTE] = S(152, 234, 0),               /* 11.0 */
		[GRID_BORDER] = S(246, 234, 0),             /* 5.6 */
		[GRID_RUBY] = S(249, 234, 0),               /* 8.0 */
		[GRID_QUESTION] = S(219, 234, THEME_BOLD),  /* 10.4 */
		[GRID_TITLE] = S(231, 24, THEME_BOLD),      /* 7.0 */
		[GRID_BAR] = S(252, 237, 0),                /* 7.4 */
		[GRID_BAR_FILL] = S(16, 110, 0),            /* 9.1 */
		[GRID_BUTTON] = S(231, 240, 0),             /* 7.1 */
		[GRID_BUTTON_HOT] = S(16, 114, THEME_BOLD), /* 12.1 */
		[GRID_SELECTED] = S(16, 117, THEME_BOLD),   /* 13.2 */
		[GRID_DIM] = S(247, 234, 0),                /* 6.4 */
		[GRID_ALERT] = S(231, 124, THEME_BOLD),     /* 7.4 */
		[GRID_BUTTON_OFF] = S(246, 235, 0),         /* darker: 5.0 */
		[GRID_FIELD] = S(231, 236, 0),              /* 13.2 */
		[GRID_CURSOR] = S(16, 231, 0),              /* 21 */
	},
	[THEME_HIGH_CONTRAST] = {
		[GRID_NORMAL] = S(231, 16, 0),              /* 21 */
		[GRID_BOLD] = S(231, 16, THEME_BOLD),       /* 21 */
		[GRID_HEADING] = S(226, 16, THEME_BOLD),    /* yellow 19.6 */
		[GRID_WARNING] = S(226, 16, THEME_BOLD | THEME_UNDERLINE),
		[GRID_NOTE] = S(123, 16, 0),                /* cyan 17.8 */
		[GRID_BORDER] = S(231, 16, 0),
		[GRID_RUBY] = S(231, 16, 0),
		[GRID_QUESTION] = S(226, 16, THEME_BOLD),
		[GRID_TITLE] = S(16, 231, THEME_BOLD),      /* 21 */
		[GRID_BAR] = S(16, 250, 0),                 /* a grey track 11.1 */
		[GRID_BAR_FILL] = S(16, 231, 0),
		[GRID_BUTTON] = S(16, 231, THEME_BOLD),
		[GRID_BUTTON_HOT] = S(16, 226, THEME_BOLD), /* 19.6 */
		[GRID_SELECTED] = S(16, 123, THEME_BOLD),   /* 17.8 */
		[GRID_DIM] = S(252, 16, 0),                 /* 13.6 */
		[GRID_ALERT] = S(16, 226, THEME_BOLD),
		[GRID_BUTTON_OFF] = S(250, 235, 0),         /* 8.0 */
		[GRID_FIELD] = S(231, 236, 0),              /* 13.2 */
		[GRID_CURSOR] = S(16, 226, 0),              /* 19.6 */
	},
	[THEME_MONO] = {
		[GRID_NORMAL] = S(-1, -1, 0),
		[GRID_BOLD] = S(-1, -1, THEME_BOLD),
		[GRID_HEADING] = S(-1, -1, THEME_BOLD | THEME_UNDERLINE),
		[GRID_WARNING] = S(-1, -1, THEME_BOLD),
		[GRID_NOTE] = S(-1, -1, 0),
		[GRID_BORDER] = S(-1, -1, 0),
		[GRID_RUBY] = S(-1, -1, 0),
		[GRID_QUESTION] = S(-1, -1, THEME_BOLD),
		[GRID_TITLE] = S(-1, -1, THEME_REVERSE | THEME_BOLD),
		[GRID_BAR] = S(-1, -1, 0),
		[GRID_BAR_FILL] = S(-1, -1, THEME_REVERSE),
		[GRID_BUTTON] = S(-1, -1, THEME_REVERSE),
		[GRID_BUTTON_HOT] = S(-1, -1, THEME_REVERSE | THEME_BOLD),
		[GRID_SELECTED] = S(-1, -1, THEME_REVERSE | THEME_BOLD | THEME_UNDERLINE),
		[GRID_DIM] = S(-1, -1, 0),
		[GRID_ALERT] = S(-1, -1, THEME_REVERSE | THEME_BOLD),
		[GRID_BUTTON_OFF] = S(-1, -1, 0),           /* no block: the label only */
		[GRID_FIELD] = S(-1, -1, THEME_UNDERLINE),
		[GRID_CURSOR] = S(-1, -1, THEME_REVERSE),
	},
};

static const char *const theme_names_table[THEME_COUNT] = {
	[THEME_LIGHT] = "light",
	[THEME_DARK] = "dark",
	[THEME_HIGH_CONTRAST] = "high-contrast",
	[THEME_MONO] = "mono",
};

const char *
theme_name(int theme)
{
	return theme >= 0 && theme < THEME_COUNT ? theme_names_table[theme] : NULL;
}

int
theme_from_name(const char *name)
{
	if (strcmp(name, "default") == 0)
		return THEME_DEFAULT;
	for (int i = 0; i < THEME_COUNT; i++)
		if (strcmp(name, theme_names_table[i]) == 0)
			return i;
	return -1;
}

const char *
theme_names(void)
{
	return "default, light, dark, high-contrast or mono";
}

const struct theme_style *
theme_style(int theme, enum grid_style st)
{
	if (theme < 0 || theme >= THEME_COUNT)
		theme = THEME_DEFAULT;
	if ((unsigned)st >= GRID_STYLE_COUNT)
		st = GRID_NORMAL;
	return &theme_table[theme][st];
}

bool
theme_has_colour(int theme)
{
	return theme >= 0 && theme < THEME_COUNT && theme != THEME_MONO;
}

double
theme_min_contrast(int theme)
{
	if (!theme_has_colour(theme))
		return 0;
	return theme == THEME_HIGH_CONTRAST ? 7.0 : 4.5;
}

void
theme_rgb(int index, unsigned char rgb[3])
{
	/* xterm's defaults for the 16 (XTerm-col.ad). */
	static const unsigned char ansi[16][3] = {
		{ 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 }, { 205, 205, 0 },
		{ 0, 0, 238 }, { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
		{ 127, 127, 127 }, { 255, 0, 0 }, { 0, 255, 0 }, { 255, 255, 0 },
		{ 92, 92, 255 }, { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
	};
	static const unsigned char level[6] = { 0, 95, 135, 175, 215, 255 };

	if (index < 0 || index > 255)
		index = 0;
	if (index < 16) {
		memcpy(rgb, ansi[index], 3);
	} else if (index < 232) {
		int i = index - 16;

		rgb[0] = level[i / 36];
		rgb[1] = level[i / 6 % 6];
		rgb[2] = level[i % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = (unsigned char)(8 + 10 * (index - 232));
	}
}

static double
theme_linear(unsigned char c)
{
	double v = c / 255.0;

	return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double
theme_luminance(int index)
{
	unsigned char c[3];

	theme_rgb(index, c);
	return 0.2126 * theme_linear(c[0]) + 0.7152 * theme_linear(c[1]) +
	       0.0722 * theme_linear(c[2]);
}

double
theme_contrast(int a, int b)
{
	double la = theme_luminance(a), lb = theme_luminance(b);

	if (la < lb) {
		double t = la;

		la = lb;
		lb = t;
	}
	return (la + 0.05) / (lb + 0.05);
}
