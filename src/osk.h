/*
 * osk: the on-screen keyboard, for a kiosk used by touch alone. Owns three
 * things, none of which touches a terminal: the layout of keys into a
 * rectangle of the grid (big cells, sized to the room given), hit-testing
 * a touch or click against them, and the edit buffer they type into (a
 * text field: a cursor that moves by whole characters, insert and delete
 * at the cursor, a fixed capacity that is wiped, never freed, because it
 * holds what a patient typed).
 *
 * Layouts (a keyboard may switch between the ones it is given):
 *   OSK_KANA   the 50音 table in katakana (ア..ワ, ヲ, ン, ー, ・) with
 *              ゛ ゜ and 小 acting on the character before the cursor
 *              (カ→ガ, ハ→パ, ツ→ッ; again: back), and a space
 *   OSK_LATIN  digits, A-Z (capitals or small), - ' . and a space
 *   OSK_PIN    a digits-only PIN pad, 3 by 4 (what staff PIN entry uses)
 * Every layout has backspace and clear; kana and Latin also move the
 * cursor and switch to each other. Confirming is the caller's button, or
 * with OSK_WITH_ENTER a key of the keyboard (osk_press: OSK_ENTER):
 *
 *     osk_init(&pad, OSK_PIN, OSK_WITH_ENTER);     // a PIN pad with OK
 *
 *     struct osk k;
 *     struct osk_edit e;
 *     osk_init(&k, OSK_KANA, OSK_PAGE(OSK_KANA) | OSK_PAGE(OSK_LATIN));
 *     osk_edit_init(&e, 120);
 *     osk_place(&k, x, y, w, h, ambiguous);      // on every resize
 *     i = osk_hit(&k, click_x, click_y);          // -1: not a key
 *     if (i >= 0) osk_press(&k, i, &e);           // types, edits, switches
 *     osk_draw(&k, &e, grid);                      // keys that would do
 *                                                  // nothing are drawn off
 *     osk_edit_draw(&e, grid, x, y, w, GRID_FIELD, GRID_CURSOR, 0);
 *     osk_edit_wipe(&e);                           // when the patient goes
 */
#ifndef ISOKIOSK_OSK_H
#define ISOKIOSK_OSK_H

#include <stdbool.h>
#include <stddef.h>

#include "grid.h"
#include "keys.h"

enum osk_layout {
	OSK_KANA,
	OSK_LATIN,
	OSK_PIN,
	OSK_NLAYOUTS
};

#define OSK_PAGE(layout) (1u << (layout))
/* With the layouts: a confirm key (OK) on the keyboard itself, for a
 * screen whose confirming button is not close by (a PIN pad). */
#define OSK_WITH_ENTER (1u << 8)

enum osk_op {
	OSK_OP_TEXT,       /* type the key's text */
	OSK_OP_DAKUTEN,    /* ゛ on the character before the cursor */
	OSK_OP_HANDAKUTEN, /* ゜ */
	OSK_OP_SMALL,      /* 小: ア⇄ァ, ツ⇄ッ, ヤ⇄ャ ... */
	OSK_OP_SHIFT,      /* Latin: capitals or small letters */
	OSK_OP_LAYOUT,     /* switch to layout arg */
	OSK_OP_LEFT,       /* move the cursor */
	OSK_OP_RIGHT,
	OSK_OP_BACKSPACE,  /* erase the character before the cursor */
	OSK_OP_CLEAR,      /* erase everything */
	OSK_OP_ENTER,      /* confirm (OSK_WITH_ENTER) */
};

#define OSK_MAX_KEYS 80

struct osk_key {
	int x, y, w, h;    /* cells, set by osk_place */
	enum osk_op op;
	const char *text;  /* OSK_OP_TEXT: what it types (UTF-8) */
	const char *label; /* what it shows (a msgid for control keys) */
	const char *wide_label; /* a longer label, shown where there is room */
	bool wide;         /* osk_place chose the longer label */
	int slot;          /* row * columns + column; -1: the control row */
	int arg;           /* OSK_OP_LAYOUT: the layout */
};

struct osk {
	enum osk_layout layout;
	unsigned layouts;  /* OSK_PAGE() bits: the layouts it switches between */
	bool small;        /* Latin: small letters */
	struct osk_key keys[OSK_MAX_KEYS];
	size_t n;
	int x, y, w, h;    /* where osk_place put it (w, h: what it used) */
	int ambiguous;
};

/* The capacity of an edit buffer, in bytes (with its NUL). */
#define OSK_EDIT_MAX 256

struct osk_edit {
	char s[OSK_EDIT_MAX]; /* NUL-terminated UTF-8 */
	size_t len;           /* bytes */
	size_t cur;           /* the cursor: a byte offset on a character
				 (grapheme cluster) boundary */
	size_t max;           /* bytes it may hold, < OSK_EDIT_MAX */
};

/* What pressing a key did. */
enum osk_result {
	OSK_NOTHING,  /* not a key, or nothing to do (drawn off) */
	OSK_EDITED,   /* the text changed */
	OSK_MOVED,    /* only the cursor moved */
	OSK_SWITCHED, /* another layout, or capitals/small letters */
	OSK_FULL,     /* the text is as long as it may be */
	OSK_ENTER,    /* the confirm key: the caller acts on the text */
};

/*
 * Start on layout, able to switch to the layouts in `layouts` (OSK_PAGE
 * bits; layout is added). Keys get their places from osk_place.
 */
void osk_init(struct osk *k, enum osk_layout layout, unsigned layouts);
/* Change the layout shown (keeps the place: call osk_place again). */
void osk_set_layout(struct osk *k, enum osk_layout layout);

/*
 * Lay the keys out in the rectangle (x, y, w, h), as big as it allows (up
 * to 3 rows tall, with a row between rows of keys when there is room),
 * centred. Returns the rows used, or -1 when even the smallest keys do not
 * fit (the caller shows a smaller screen's layout, or "please enlarge").
 */
int osk_place(struct osk *k, int x, int y, int w, int h, int ambiguous);
/* The rows osk_place needs at least / would like for a layout. */
int osk_min_rows(enum osk_layout layout);

/* The key at cell (x, y), or -1. */
int osk_hit(const struct osk *k, int x, int y);
/* Would key i do something now (to e)? Keys that would not are drawn off. */
bool osk_key_active(const struct osk *k, size_t i, const struct osk_edit *e);
/* Press key i: type into e, move its cursor, switch layout. */
enum osk_result osk_press(struct osk *k, size_t i, struct osk_edit *e);
/* Draw the keys (placed) into g. */
void osk_draw(const struct osk *k, const struct osk_edit *e, struct grid *g);

/* ---- the edit buffer ---- */

void osk_edit_init(struct osk_edit *e, size_t max);
/* Forget the text: every byte zeroed (sodium_memzero). */
void osk_edit_wipe(struct osk_edit *e);
/* Insert UTF-8 text at the cursor (whole, or OSK_FULL and nothing). */
enum osk_result osk_edit_insert(struct osk_edit *e, const char *text);
/*
 * Insert pasted text (len bytes of UTF-8, not NUL-terminated) at the
 * cursor: line ends and tabs become spaces, invalid bytes and what keep()
 * refuses (may be NULL: keep everything printable) are dropped, and the
 * rest goes in whole, or nothing when it does not fit (OSK_FULL).
 */
enum osk_result osk_edit_paste(struct osk_edit *e, const char *s, size_t len,
			       bool (*keep)(unsigned c));
/* Erase the character (grapheme cluster) before / after the cursor. */
enum osk_result osk_edit_backspace(struct osk_edit *e);
enum osk_result osk_edit_delete(struct osk_edit *e);
enum osk_result osk_edit_left(struct osk_edit *e);
enum osk_result osk_edit_right(struct osk_edit *e);
enum osk_result osk_edit_home(struct osk_edit *e);
enum osk_result osk_edit_end(struct osk_edit *e);
enum osk_result osk_edit_clear(struct osk_edit *e);
/* ゛ ゜ 小 on the character before the cursor (katakana or hiragana):
 * OSK_EDITED, or OSK_NOTHING when it cannot take the mark. */
enum osk_result osk_edit_mark(struct osk_edit *e, enum osk_op op);
bool osk_edit_can_mark(const struct osk_edit *e, enum osk_op op);

/*
 * A key from a physical keyboard, as a text field takes it: a printable
 * character is typed, ←/→ Home/End move, Backspace/Delete erase.
 * Returns OSK_NOTHING for every other key (the caller's: Enter, Esc, Tab).
 */
enum osk_result osk_edit_key(struct osk_edit *e, const struct keys_event *ev);

/*
 * Draw the field's text in (x, y, w) in style st, the cursor as a cell in
 * style cursor (mask: draw each character as this one, e.g. '*' for a
 * PIN; 0 for the text itself). The text scrolls sideways to keep the
 * cursor in view.
 */
void osk_edit_draw(const struct osk_edit *e, struct grid *g, int x, int y,
		   int w, enum grid_style st, enum grid_style cursor, char mask);
/* A click at column col of a field drawn at width w: the cursor goes to
 * the nearest character boundary. */
void osk_edit_click(struct osk_edit *e, int col, int w, int ambiguous);

#endif
