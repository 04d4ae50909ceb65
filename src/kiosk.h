/*
 * kiosk: the patient-facing state machine (DESIGN.md "Layers", 6).
 *
 * One table of states (kiosk_states[], each a const struct kiosk_state_ops);
 * kiosk_set_state() is the only function that changes state and the only
 * caller of leave/enter. Events (key, mouse, tick, resize; keys.h) become
 * actions; a state's plain transitions are data (its moves: action → state),
 * and the rest goes to its handle(), which never draws: it returns a step
 * {next state, redraw}. draw(const app *, grid *) paints the whole screen into a grid
 * (grid.h); the terminal module sends only the cells that changed. Nothing
 * here touches the terminal, so every state is tested without one
 * (tests/unit/test-kiosk.c).
 *
 * The consent issue adds KIOSK_QUIZ, KIOSK_ACKNOWLEDGE, KIOSK_SIGN and
 * KIOSK_DONE as rows of the same table (see the enum).
 */
#ifndef ISOKIOSK_KIOSK_H
#define ISOKIOSK_KIOSK_H

#include <stdbool.h>
#include <stddef.h>

#include "bundle.h"
#include "config.h"
#include "grid.h"
#include "keys.h"
#include "layout.h"
#include "pin.h"

enum kiosk_state_id {
	KIOSK_WELCOME,      /* attract screen; picks the language */
	KIOSK_LANGUAGE,     /* switch language mid-session */
	KIOSK_MENU,         /* topic menu: browse freely */
	KIOSK_SCREEN,       /* one content screen, guided in manifest order */
	KIOSK_IDLE_WARNING, /* countdown before the wipe */
	KIOSK_TOO_SMALL,    /* please enlarge */
	KIOSK_STAFF_PIN,    /* staff key pressed: PIN entry */
	KIOSK_STAFF_MENU,   /* exit, reload content, language */
	/* consent issue: KIOSK_QUIZ, KIOSK_ACKNOWLEDGE, KIOSK_SIGN, KIOSK_DONE */
	KIOSK_NSTATES,

	/* Pseudo states a step may name. */
	KIOSK_SAME = -1,    /* stay */
	KIOSK_RESUME = -2,  /* back to the state an overlay interrupted */
	KIOSK_QUIT = -3,    /* end the program (staff menu, preview) */
};

struct kiosk_step {
	int next;    /* enum kiosk_state_id or a pseudo state */
	bool redraw;
};

/* A clickable area; states list theirs so drawing and clicking agree. */
struct kiosk_button {
	int x, y, w, h;
	enum keys_action action;
	int arg;
	const char *label;
	bool hot;      /* the one to press now */
	bool selected; /* keyboard focus in lists */
};

#define KIOSK_MAX_BUTTONS 64

/* What a state's handler gets: the event and what it means. */
struct kiosk_input {
	const struct keys_event *ev;
	enum keys_action action;
	int arg; /* digit, or the clicked button's arg */
};

struct kiosk_app;

/* A transition that needs no code: this action goes to that state (after
 * forgetting the session, if reset). Lists end with KEYS_A_NONE. */
struct kiosk_move {
	enum keys_action action;
	int next;
	bool reset;
};

struct kiosk_state_ops {
	const char *name;
	void (*enter)(struct kiosk_app *app);
	void (*leave)(struct kiosk_app *app);
	struct kiosk_step (*handle)(struct kiosk_app *app,
				    const struct kiosk_input *in);
	void (*draw)(const struct kiosk_app *app, struct grid *g);
	/* Plain transitions, tried before handle (may be NULL). */
	const struct kiosk_move *moves;
	/* The clickable areas at the app's current size (may be NULL). */
	size_t (*buttons)(const struct kiosk_app *app, struct kiosk_button *out);
	bool idle;    /* the idle timer runs (a patient may have walked away) */
	bool overlay; /* remembers the state it interrupted (KIOSK_RESUME) */
	bool staff;   /* the staff key does not apply */
};

/* Where the app gets content, or a single file in preview. */
struct kiosk_app {
	const struct config *cfg;
	struct bundle *bundle;       /* owned */
	char *content_dir;           /* owned */
	struct content_doc *preview; /* preview mode: the one document (owned) */
	char *preview_path;
	char *preview_error;         /* diagnostics to show instead (owned) */

	int w, h;                    /* terminal size */
	int ambiguous;               /* 1 or 2, resolved */
	double now;                  /* monotonic seconds, set by the loop */
	double last_input;

	enum kiosk_state_id state;
	enum kiosk_state_id resume;  /* under an overlay */
	bool quit;
	bool wipe;                   /* the terminal must forget the screen and
					its scrollback (set on the idle reset) */
	bool demo;                   /* no staff PIN configured */

	/* The patient's session: all of it is wiped by kiosk_reset(). */
	size_t lang;                 /* index into bundle->langs */
	size_t screen;               /* index into the language's screens */
	struct layout *lay;          /* the current screen laid out */
	int lay_width;
	size_t lay_lang, lay_screen;
	size_t top;                  /* first content line shown */
	size_t anchor;               /* the node the reader scrolled to: kept
					across re-layouts, even where a taller
					window clamps top to 0 */
	bool *seen_end;              /* per screen: its end was reached */
	size_t nseen;
	int menu_sel;
	int menu_top;
	int digits;                  /* number being typed in a menu, 0 none */
	double digits_at;
	int lang_sel;

	/* Staff. */
	char pin[PIN_MAX_LEN + 1];
	size_t pinlen;
	int pin_fails;
	double pin_wait_until;
	const char *message;         /* a msgid shown in the staff states */
	int staff_sel;
	size_t staff_lang;           /* default language chosen by staff */

	/* Preview: called on every tick; returns true when it changed the
	   document (e.g. the file was saved). */
	bool (*tick_hook)(struct kiosk_app *app);
};

/*
 * Set up app over a loaded bundle (taken over; may be NULL in preview, with
 * app->preview set after). cfg must outlive app. Starts in KIOSK_WELCOME (or
 * KIOSK_TOO_SMALL) at size w x h.
 */
void kiosk_init(struct kiosk_app *app, const struct config *cfg,
		struct bundle *bundle, const char *content_dir, int w, int h,
		int ambiguous, double now);
/* Preview: show doc (taken over) as the only screen, from path. */
void kiosk_set_preview(struct kiosk_app *app, struct content_doc *doc,
		       const char *path);
void kiosk_done(struct kiosk_app *app);

/* Feed one event. Returns true when the screen should be redrawn. */
bool kiosk_event(struct kiosk_app *app, const struct keys_event *ev);
/* Paint the current state into g (resized to the app's size first). */
void kiosk_draw(const struct kiosk_app *app, struct grid *g);
/* The only way to change state; runs leave and enter. */
void kiosk_set_state(struct kiosk_app *app, int next);
/* Forget the patient's session: language, place, layout, what was seen. */
void kiosk_reset(struct kiosk_app *app);

const char *kiosk_state_name(int id);
/* The state with this name, or -1 (for test scripts). */
int kiosk_state_from_name(const char *name);

/* The smallest usable terminal. */
#define KIOSK_MIN_W 40
#define KIOSK_MIN_H 12

/*
 * Run the kiosk on the terminal until staff exit, SIGTERM or SIGHUP.
 * Returns the exit status.
 */
int kiosk_run(struct kiosk_app *app);

#endif
