/*
 * keys: input events as the kiosk sees them (terminal-free), the list of
 * actions, and the table that maps keys to actions. The action list is an
 * X-macro so that each action has one name (for test scripts and the man
 * page) and one help text, and they never drift apart.
 */
#ifndef ISOKIOSK_KEYS_H
#define ISOKIOSK_KEYS_H

#include <stddef.h>

/* Keys that are not characters; characters are their Unicode code point. */
enum keys_code {
	KEYS_ESC = 27,
	KEYS_UP = 0x110000,
	KEYS_DOWN,
	KEYS_LEFT,
	KEYS_RIGHT,
	KEYS_PGUP,
	KEYS_PGDN,
	KEYS_HOME,
	KEYS_END,
	KEYS_ENTER,
	KEYS_BACKSPACE,
	KEYS_DELETE,
	KEYS_F1,
	KEYS_F12 = KEYS_F1 + 11,
	KEYS_UNKNOWN,
};

enum keys_event_kind {
	KEYS_EV_KEY,
	KEYS_EV_MOUSE,  /* a press (button 1-3) or wheel (4 up, 5 down) */
	KEYS_EV_TICK,   /* time passed (idle timer, countdowns) */
	KEYS_EV_RESIZE, /* w, h: the new size */
	KEYS_EV_PASTE,  /* text pasted (bracketed paste): only a text field
			   takes it; it is never a key or an action */
};

struct keys_event {
	enum keys_event_kind kind;
	int key;      /* KEY: a code point or enum keys_code */
	int button;   /* MOUSE */
	int x, y;     /* MOUSE: 0-based cell; RESIZE: x = columns, y = rows */
	const char *text; /* PASTE: valid UTF-8, NUL-terminated, len bytes;
			     owned by the reader, valid until its next read */
	size_t len;
};

/* X(ID, "name", "help") — help is marked for gettext by the caller. */
#define KEYS_ACTIONS(X)                                                     \
	X(NONE, "none", "do nothing")                                        \
	X(NEXT, "next", "go to the next screen")                             \
	X(BACK, "back", "go back")                                           \
	X(UP, "up", "scroll up a line / previous item")                      \
	X(DOWN, "down", "scroll down a line / next item")                    \
	X(PAGE_UP, "page-up", "scroll up a page")                           \
	X(PAGE_DOWN, "page-down", "scroll down a page")                     \
	X(HOME, "home", "go to the top")                                     \
	X(END, "end", "go to the bottom")                                    \
	X(FORWARD, "forward", "scroll on; at the end, the next screen")     \
	X(ACTIVATE, "activate", "press the highlighted button")              \
	X(MENU, "menu", "show the list of topics")                          \
	X(RESTART, "restart", "back to the start")                           \
	X(LANGUAGE, "language", "choose the language")                      \
	X(DIGIT, "digit", "choose a numbered item")                          \
	X(PICK, "pick", "a clicked item (menu line, language)")              \
	X(ERASE, "erase", "erase the last character typed")                  \
	X(STAFF, "staff", "staff: ask for the PIN and open the staff menu")  \
	X(QUIT, "quit", "leave (preview and staff menu only)")

enum keys_action {
#define KEYS_ENUM(id, name, help) KEYS_A_##id,
	KEYS_ACTIONS(KEYS_ENUM)
#undef KEYS_ENUM
	KEYS_A_COUNT
};

const char *keys_action_name(enum keys_action a);
const char *keys_action_help(enum keys_action a);
/* The action with this name, or KEYS_A_NONE. */
enum keys_action keys_action_from_name(const char *name);

/*
 * The action a key event means (KEYS_A_NONE for most keys); *arg gets the
 * digit for KEYS_A_DIGIT. Mouse events are resolved by the kiosk, which
 * knows where its buttons are.
 */
enum keys_action keys_action_of(const struct keys_event *ev, int *arg);

/* The key's name for help ("Right", "Space", "F12"); static storage. */
const char *keys_name(int key);

/* The key that opens the staff menu. */
#define KEYS_STAFF_KEY KEYS_F12

#endif
