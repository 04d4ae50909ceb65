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
 * A consent session (kiosk-consent.c) adds the quiz, acknowledgements,
 * review, signature and done states and the staff's new-session and
 * verification forms as rows of the same table. Every record is written
 * through one queue (struct kiosk_consent): a state shows what was recorded
 * only once the queue is empty, i.e. the store said it is durable.
 */
#ifndef ISOKIOSK_KIOSK_H
#define ISOKIOSK_KIOSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "config.h"
#include "grid.h"
#include "keys.h"
#include "layout.h"
#include "osk.h"
#include "pin.h"
#include "quiz.h"

enum kiosk_state_id {
	KIOSK_WELCOME,      /* attract screen; picks the language */
	KIOSK_LANGUAGE,     /* switch language mid-session */
	KIOSK_MENU,         /* topic menu: browse freely */
	KIOSK_SCREEN,       /* one content screen, guided in manifest order */
	KIOSK_IDLE_WARNING, /* countdown before the wipe */
	KIOSK_TOO_SMALL,    /* please enlarge */
	KIOSK_STAFF_PIN,    /* staff key pressed: PIN entry */
	KIOSK_STAFF_MENU,   /* exit, reload content, language */
	KIOSK_QUIZ,         /* teach-back: one question at a time */
	KIOSK_ACKNOWLEDGE,  /* one statement at a time, each confirmed */
	KIOSK_REVIEW,       /* every answer and statement, before signing */
	KIOSK_SIGN,         /* the patient (then the guardian) types a name */
	KIOSK_DONE,         /* receipt code; return the terminal */
	KIOSK_CALL_STAFF,   /* quiz stopped, or a record could not be saved */
	KIOSK_STAFF_NEW,    /* staff: patient ref, profile, minor, language */
	KIOSK_STAFF_VERIFY, /* staff: countersign a session (staff ID) */
	KIOSK_STAFF_RECORDS,/* staff: today's sessions, search by reference
			       or receipt code */
	KIOSK_STAFF_RECORD, /* staff: one session as `records show` prints it */
	/* A follow-up visit (kiosk-visit.c, kiosk-staff-visit.c). */
	KIOSK_VISIT_METHODS, /* contraception: the methods used now */
	KIOSK_VISIT_MOOD,    /* the mood check, one item at a time */
	KIOSK_VISIT_EFFECTS, /* side effects since the last visit */
	KIOSK_VISIT_END,     /* urgent, or not met: wait for staff */
	KIOSK_STAFF_FLAGS,   /* staff: follow-ups: a new one, a test, the
				open flags (acknowledged by staff ID) */
	KIOSK_STAFF_TEST,    /* staff: a pregnancy test, may prescribe */
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
	bool browse_only; /* not during a consent session */
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

struct store;

/* One record waiting to be written (kiosk-consent.c); strings owned. */
enum kiosk_op_kind {
	KIOSK_OP_BEGIN,  /* s: kiosk, staff, patient, profile, lang, version;
			    flag: minor */
	KIOSK_OP_SCREEN, /* s0 screen id; n0 ms */
	KIOSK_OP_ANSWER, /* s0 question, s1 choice text, s2 order; n0 attempt,
			    n1 choice; flag: correct */
	KIOSK_OP_ACK,    /* s0 statement id, s1 exact text */
	KIOSK_OP_SIGN,   /* s0 role, s1 name, s2 meaning */
	KIOSK_OP_END,    /* n0 outcome; s0 reason */
	KIOSK_OP_VERIFY, /* n0 session; s0 staff id */
	KIOSK_OP_VANSWER, /* s0 kind, s1 entry; n0 choice, n1 score */
	KIOSK_OP_FLAG,   /* s0 source, s1 entry, s2 level */
};

struct kiosk_op {
	enum kiosk_op_kind kind;
	char *s[6];
	int64_t n[2];
	bool flag;
};

#define KIOSK_FIELD_MAX 256 /* bytes of a typed field (ref, staff id) */
#define KIOSK_NAME_MAX 150  /* bytes of a signer's name (50 kana) */

/*
 * The consent session. Everything of the patient in it is wiped by
 * kiosk_reset() (typed text with sodium_memzero); only the queue of records
 * not yet written survives a reset, because a record must never be lost:
 * it is written as soon as the store can (retried on ticks and by staff).
 */
struct kiosk_consent {
	struct store *store;         /* NULL: browsing only (not owned) */
	bool start_consent;          /* welcome hands over to staff */
	char *default_staff;         /* staff id for sessions from the shell */

	/* The queue: written in order, the first failure stops it. */
	struct kiosk_op *ops;
	size_t nops, capops;
	int64_t qid;                 /* the store's id of the queued session */
	char *error;                 /* the store's last error, for staff */
	char *print_error;           /* why the last copy was not printed */
	double retry_at;
	int after;                   /* call-staff: where to go once saved;
					KIOSK_SAME: stay (quiz stopped) */
	bool after_wipe;
	int64_t last_done;           /* last completed session (staff verify) */

	/* The session on screen (on: started, not ended). */
	bool on;
	bool minor;
	bool pregnancy;
	char ref[KIOSK_FIELD_MAX];
	char staff[KIOSK_FIELD_MAX];
	struct quiz quiz;
	bool quiz_on;
	size_t *stmts;               /* consent nodes the profile sees */
	size_t nstmts;
	bool *acked;
	size_t ack_cur;
	size_t picked;               /* quiz: the position just answered */
	size_t *chosen;              /* per quiz question: the right choice */
	bool rereading;              /* the screen state is a re-read */
	bool stopped;                /* call-staff: the quiz stopped */
	int shown_screen;            /* the screen visit being timed, -1 none */
	double shown_since;
	struct kiosk_page *page;     /* quiz, statement or review */
	int page_w, page_h;          /* the frame it was built for */
	int page_kind;               /* what it holds (kiosk-consent.c) */
	size_t page_item;
	unsigned page_stamp;         /* and in what state */
	size_t top;                  /* first row of the page shown */
	bool review_end;             /* review: its end was reached */
	struct content_node *review_nodes; /* review: what is laid out (owned) */
	size_t nreview_nodes;
	int role;                    /* signing: 0 patient, 1 guardian */
	struct osk_edit name[2];     /* per role: the name (katakana in
					Japanese), kept when the signer goes
					back to the review */
	struct osk_edit kanji[2];    /* per role: a kanji name (kanji_name) */
	struct osk osk;              /* the on-screen keyboard */
	int sign_field;              /* 0 the name, 1 the kanji name */
	bool asking_leave;           /* Esc asked: leave the signature? */
	bool leave_sel;              /* its answer chosen by keys: leave */
	char *sign_why;              /* why the name was refused (ingate) */
	char receipt[16];            /* "1a2b-3c4d" */

	/* Staff forms. */
	int field;                   /* focused field */
	size_t form_lang;
	int form_profile;            /* -1 not chosen, 0 no-pregnancy,
					1 pregnancy: never a default */
	char *form_why;              /* why the input gate refused a typed
					field (shown under the form), or NULL */
	char staff_id[KIOSK_FIELD_MAX];
	bool id_typing;              /* staff follow-up screen: the staff ID
					is being typed, so digits type (else
					they choose) */
	/* A follow-up visit (kiosk-visit.c). */
	bool follow;                 /* the session is a follow-up */
	bool form_visit;             /* the staff form starts a follow-up */
	bool *vmethods;              /* per method: chosen */
	int *vmood;                  /* per mood item: the choice, -1 none */
	size_t nmood, mood_cur;
	bool *veffects;              /* per checklist item: ticked */
	bool *vchanged;              /* per statement shown: its wording
					changed since last confirmed */
	struct content_node *recheck;/* the re-check's questions (shallow
					copies; the bundle owns their text) */
	size_t nrecheck;
	const struct content_doc *vend;       /* the end screen's file */
	const struct content_node *vend_node; /* or one message of it */
	struct kiosk_page *vpage;    /* the follow-up state's page */
	int vpage_state, vpage_w, vpage_h;
	size_t vpage_item, vtop;
	int vfocus;                  /* a toggle pressed by its number: 1 +
					its index, shown whole after the
					relayout; 0 none */
	unsigned vstamp;
	char *flags_text;            /* staff: open flags (banner), or NULL */
	char *visit_info;            /* staff form of a follow-up: the
					patient's last visit and open flags */
	size_t nflags_open;
	int64_t flag_session[8], flag_seq[8]; /* the first open flags */
	char flag_label[8][200];
	char test_ref[KIOSK_FIELD_MAX]; /* staff: the test form */
	char test_date[40];
	int test_result, test_setting;
	int64_t last_follow;         /* the last follow-up ended here */
	int64_t verify_id;           /* the session being countersigned */
	char verify_code[16];        /* its receipt code */
	int verify_back;             /* where the verification form returns */
};

struct rectext_row;

/*
 * The staff's records screens (kiosk-records.c): today's sessions (or what
 * a search found), one session's readable record, and where each was.
 * Everything here is read from the store when the screen opens; it is
 * staff's, not the patient's, and is dropped when staff leave.
 */
struct kiosk_records {
	struct rectext_row *rows;    /* owned */
	size_t n;
	size_t sel, top;             /* the selected row, the first shown */
	char search[KIOSK_FIELD_MAX];/* typed: a reference or a receipt code */
	bool searching;              /* the list is what the search found */
	char *note;                  /* what the search or the store said
					(owned), or NULL */
	int64_t open;                /* the session shown */
	char code[16];               /* its receipt code ("-" while open) */
	bool sealed;                 /* it can be countersigned */
	char *text;                  /* its record (rectext_show; owned) */
	struct kiosk_page *page;     /* text laid out */
	int page_w, page_h;
	size_t ptop;                 /* first row shown */
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
	struct kiosk_page *page;     /* the current screen laid out */
	int page_w, page_h;          /* the frame it was laid out for */
	size_t page_lang, page_screen;
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
	const char *notice;          /* a msgid the hint line shows until the
					next key or touch (why nothing
					happened) */

	/* Staff. */
	char pin[PIN_MAX_LEN + 1];
	size_t pinlen;
	struct pin_state pin_st;     /* wrong PINs, wait, lock (pin.h): read
					from cfg->pin_state on each PIN entry */
	char *pin_error;             /* it cannot be read or saved: no PIN is
					checked (owned) */
	double wall_offset;          /* wall clock minus now, in seconds (the
					PIN wait outlives the process) */
	double (*clock)(void);       /* the loop's clock (monotonic seconds),
					read again after slow work (a PIN
					check); NULL: now stands (tests) */
	const char *message;         /* a msgid shown in the staff states */
	int staff_sel;
	int staff_last;              /* the staff menu item used last + 1,
					opened selected (0: none) */
	bool staff_confirm;          /* the menu asks: exit the kiosk? */
	char staff_keep[KIOSK_FIELD_MAX]; /* the staff ID typed last: the next
					patient's form has it (staff's, not
					the patient's: kept across resets) */
	double taps[5];              /* the touch way in: when the top-left
					corner was last tapped */
	char *sync_state;            /* the sync state file (syncstate.h),
					NULL: no records (owned) */
	char *sync_line;             /* how far behind, read on entering the
					staff menu; NULL: no sync (owned) */
	char *sync_error;            /* why the last sync failed, as the sync
					process wrote it; NULL: it did not
					(owned) */
	size_t staff_lang;           /* default language chosen by staff */
	struct kiosk_records rec;

	struct kiosk_consent cs;

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

/*
 * Consent sessions (kiosk-consent.c). kiosk_consent_use_store: record into
 * st (not taken over; NULL: browse only). kiosk_consent_start: begin a
 * session now (from the shell or the staff form) in the current language
 * with profile "pregnancy" or "no-pregnancy"; 0, or -1 when the session
 * could not be started (no store, no such profile, content without a
 * quiz): app->cs.error says why. kiosk_consent_finish: before the program
 * ends: a session still running is recorded as abandoned (reason), and
 * the queue is written if it can be; -1 if records remain unsaved.
 */
void kiosk_consent_use_store(struct kiosk_app *app, struct store *st);
int kiosk_consent_start(struct kiosk_app *app, const char *ref,
			const char *profile, bool minor, const char *staff);
int kiosk_consent_finish(struct kiosk_app *app, const char *reason);
/* A follow-up visit (kiosk-visit.c), as kiosk_consent_start. */
int kiosk_visit_start(struct kiosk_app *app, const char *ref,
		      const char *profile, bool minor, const char *staff);

/* The smallest usable terminal. */
#define KIOSK_MIN_W 40
#define KIOSK_MIN_H 12

/*
 * Run the kiosk on the terminal until staff exit, SIGTERM or SIGHUP.
 * Returns the exit status.
 */
int kiosk_run(struct kiosk_app *app);

#endif
