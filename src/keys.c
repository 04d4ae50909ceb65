/*
 * keys: the action table (from the X-macro in keys.h) and the key → action
 * bindings. Owns nothing at run time; everything here is constant data.
 */
#include "keys.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *help;
} keys_actions[] = {
#define KEYS_ROW(id, name, help) [KEYS_A_##id] = { name, help },
	KEYS_ACTIONS(KEYS_ROW)
#undef KEYS_ROW
};

/* One key may serve several people: arrows and vi keys, Enter and keypad. */
static const struct {
	int key;
	enum keys_action action;
} keys_bindings[] = {
	{ KEYS_RIGHT, KEYS_A_NEXT },
	{ 'l', KEYS_A_NEXT },
	{ 'n', KEYS_A_NEXT },
	{ KEYS_LEFT, KEYS_A_BACK },
	{ 'h', KEYS_A_BACK },
	{ KEYS_ESC, KEYS_A_BACK },
	{ KEYS_UP, KEYS_A_UP },
	{ 'k', KEYS_A_UP },
	{ KEYS_DOWN, KEYS_A_DOWN },
	{ 'j', KEYS_A_DOWN },
	{ KEYS_PGUP, KEYS_A_PAGE_UP },
	{ 'b', KEYS_A_PAGE_UP },
	{ KEYS_PGDN, KEYS_A_PAGE_DOWN },
	{ KEYS_HOME, KEYS_A_HOME },
	{ 'g', KEYS_A_HOME },
	{ KEYS_END, KEYS_A_END },
	{ 'G', KEYS_A_END },
	{ ' ', KEYS_A_FORWARD },
	{ '\r', KEYS_A_ACTIVATE },
	{ '\n', KEYS_A_ACTIVATE },
	{ KEYS_ENTER, KEYS_A_ACTIVATE },
	{ 'm', KEYS_A_MENU },
	{ KEYS_BACKSPACE, KEYS_A_ERASE },
	{ 127, KEYS_A_ERASE },
	{ 8, KEYS_A_ERASE },
	{ KEYS_STAFF_KEY, KEYS_A_STAFF },
	{ 'q', KEYS_A_QUIT },
};

const char *
keys_action_name(enum keys_action a)
{
	if ((unsigned)a >= KEYS_A_COUNT)
		return "none";
	return keys_actions[a].name;
}

const char *
keys_action_help(enum keys_action a)
{
	if ((unsigned)a >= KEYS_A_COUNT)
		return "";
	return keys_actions[a].help;
}

enum keys_action
keys_action_from_name(const char *name)
{
	for (int a = 0; a < KEYS_A_COUNT; a++)
		if (strcmp(keys_actions[a].name, name) == 0)
			return (enum keys_action)a;
	return KEYS_A_NONE;
}

enum keys_action
keys_action_of(const struct keys_event *ev, int *arg)
{
	*arg = 0;
	if (ev->kind != KEYS_EV_KEY)
		return KEYS_A_NONE;
	if (ev->key >= '0' && ev->key <= '9') {
		*arg = ev->key - '0';
		return KEYS_A_DIGIT;
	}
	for (size_t i = 0; i < sizeof keys_bindings / sizeof keys_bindings[0]; i++)
		if (keys_bindings[i].key == ev->key)
			return keys_bindings[i].action;
	return KEYS_A_NONE;
}

const char *
keys_name(int key)
{
	static char buf[16];

	switch (key) {
	case KEYS_UP: return "Up";
	case KEYS_DOWN: return "Down";
	case KEYS_LEFT: return "Left";
	case KEYS_RIGHT: return "Right";
	case KEYS_PGUP: return "PageUp";
	case KEYS_PGDN: return "PageDown";
	case KEYS_HOME: return "Home";
	case KEYS_END: return "End";
	case KEYS_ENTER: case '\r': case '\n': return "Enter";
	case KEYS_ESC: return "Esc";
	case ' ': return "Space";
	default: break;
	}
	if (key >= KEYS_F1 && key <= KEYS_F12) {
		snprintf(buf, sizeof buf, "F%d", key - KEYS_F1 + 1);
		return buf;
	}
	if (key > ' ' && key < 127) {
		snprintf(buf, sizeof buf, "%c", key);
		return buf;
	}
	snprintf(buf, sizeof buf, "U+%04X", (unsigned)key);
	return buf;
}
