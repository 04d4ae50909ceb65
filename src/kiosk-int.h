/*
 * kiosk-int: what the kiosk's state files (kiosk-*.c) share and nobody else
 * uses: the state rows, the screen geometry, and the drawing helpers that
 * every state builds its screen from (header, wrapped text, button bar).
 */
#ifndef ISOKIOSK_KIOSK_INT_H
#define ISOKIOSK_KIOSK_INT_H

#include "kiosk.h"

extern const struct kiosk_state_ops kiosk_welcome_ops;
extern const struct kiosk_state_ops kiosk_language_ops;
extern const struct kiosk_state_ops kiosk_menu_ops;
extern const struct kiosk_state_ops kiosk_screen_ops;
extern const struct kiosk_state_ops kiosk_idle_ops;
extern const struct kiosk_state_ops kiosk_small_ops;
extern const struct kiosk_state_ops kiosk_pin_ops;
extern const struct kiosk_state_ops kiosk_staff_ops;
extern const struct kiosk_state_ops kiosk_quiz_ops;
extern const struct kiosk_state_ops kiosk_ack_ops;
extern const struct kiosk_state_ops kiosk_review_ops;
extern const struct kiosk_state_ops kiosk_sign_ops;
extern const struct kiosk_state_ops kiosk_done_ops;
extern const struct kiosk_state_ops kiosk_call_staff_ops;
extern const struct kiosk_state_ops kiosk_staff_new_ops;
extern const struct kiosk_state_ops kiosk_staff_verify_ops;
extern const struct kiosk_state_ops kiosk_staff_records_ops;
extern const struct kiosk_state_ops kiosk_staff_record_ops;
extern const struct kiosk_state_ops kiosk_visit_methods_ops;
extern const struct kiosk_state_ops kiosk_visit_mood_ops;
extern const struct kiosk_state_ops kiosk_visit_effects_ops;
extern const struct kiosk_state_ops kiosk_visit_end_ops;
extern const struct kiosk_state_ops kiosk_staff_flags_ops;
extern const struct kiosk_state_ops kiosk_staff_test_ops;

/* The follow-up (kiosk-visit.c): lay out its state's page; forget the
 * visit (kiosk_consent_reset's part); its progress (false: not a
 * follow-up). */
void kiosk_visit_relayout(struct kiosk_app *app);
void kiosk_visit_reset(struct kiosk_consent *cs);
struct kiosk_progress;
bool kiosk_visit_progress(const struct kiosk_app *app,
			  struct kiosk_progress *p);
/* Staff (kiosk-staff-visit.c): read the open flags for the banner; draw
 * the banner on a staff screen (nothing when none is open). */
void kiosk_staff_flags_load(struct kiosk_app *app);
/* The follow-up form: what the store knows of the patient typed (last
 * visit, its outcome, open flags) into cs.visit_info. */
void kiosk_staff_visit_info(struct kiosk_app *app);
void kiosk_staff_banner(const struct kiosk_app *app, struct grid *g);

/* The staff's records screens (kiosk-records.c): forget what they read
 * (staff left them, or the kiosk resets). */
void kiosk_records_done(struct kiosk_app *app);

/* Steps, for brevity in handlers. */
#define KIOSK_STAY ((struct kiosk_step){ KIOSK_SAME, false })
#define KIOSK_REDRAW ((struct kiosk_step){ KIOSK_SAME, true })
#define KIOSK_GO(s) ((struct kiosk_step){ (s), true })

/*
 * The screen's rows: a header (title, then progress), the body, a hint line
 * saying what to do next, and the button bar (3 rows tall when there is
 * room, for fingers). Body text is set in a column no wider than the
 * reading measure (cfg->measure full-width characters), centred; a table
 * that needs more may take the whole width; the scroll column (arrows and
 * track, all touchable) is at the right edge.
 */
struct kiosk_frame {
	int body_y, body_h;
	int hint_y;
	int bar_y, bar_h;
	int text_x, text_w;     /* the reading column */
	int wide_x, wide_w;     /* what a wide table may take */
	int scroll_x, scroll_w; /* the scroll column */
};

void kiosk_frame(const struct kiosk_app *app, struct kiosk_frame *f);

/* The content in use. */
const struct bundle_lang *kiosk_lang(const struct kiosk_app *app);
size_t kiosk_nscreens(const struct kiosk_app *app);
const struct content_doc *kiosk_doc(const struct kiosk_app *app, size_t i);
/* Lay out the current screen if it, the language or the width changed,
 * keeping the reader's paragraph at the top. */
void kiosk_relayout(struct kiosk_app *app);
/* Clamp app->top and note whether the end of the screen is in view. */
void kiosk_clamp(struct kiosk_app *app);
bool kiosk_at_end(const struct kiosk_app *app);
/* After the reader scrolled: clamp, and remember their paragraph. */
void kiosk_note_place(struct kiosk_app *app);
/* Switch the patient's language (content and UI). */
void kiosk_use_lang(struct kiosk_app *app, size_t lang);

/*
 * A page (kiosk-page.c): the rows a state's body shows, scrolled as one:
 * laid-out content, wrapped UI text, and buttons among them (quiz choices,
 * the confirmation box), clickable only where they are in view.
 */
struct kiosk_row {
	const struct layout_line *line; /* laid-out content, or NULL */
	const char *text;               /* UI text (the page's), or NULL */
	int x;                          /* from the column's left; < 0: a
					   table wider than the column */
	unsigned char style;            /* of text; of a button's fill */
	int button;                     /* the button it is part of, or -1 */
	size_t node;                    /* content node: the reader's place */
};

struct kiosk_page_button {
	size_t row, nrows;
	int x, w;
	enum keys_action action;
	int arg;
	unsigned char style;
};

struct kiosk_page {
	int w, wide;                    /* the column, and for wide tables */
	struct layout **lays;           /* owned */
	size_t nlays, caplays;
	char **texts;                   /* owned */
	size_t ntexts, captexts;
	struct kiosk_row *rows;
	size_t n, cap;
	struct kiosk_page_button *buttons;
	size_t nbuttons, capbuttons;
	size_t focus;                   /* the row to show first (0: the top) */
};

void kiosk_page_init(struct kiosk_page *p, int w, int wide);
void kiosk_page_done(struct kiosk_page *p);
/* A page on the heap; kiosk_page_free frees it and sets *p to NULL. */
struct kiosk_page *kiosk_page_new(int w, int wide);
void kiosk_page_free(struct kiosk_page **p);
void kiosk_page_blank(struct kiosk_page *p);
/* Append l's lines (taken over), their nodes offset by node0, at x. */
void kiosk_page_add_layout(struct kiosk_page *p, struct layout *l,
			   size_t node0, int x);
/* Lay out content nodes at the column's width (node indices node0 + i);
 * a table that needs more gets up to the wide width, centred. */
void kiosk_page_add_nodes(struct kiosk_page *p, const struct content_node *nodes,
			  size_t n, size_t node0, const struct layout_opts *opts);
/* UI text, wrapped with Japanese line breaking. */
void kiosk_page_add_text(struct kiosk_page *p, const char *text,
			 enum grid_style st, int ambiguous);
/* A button the column's width: pad blank rows above and below the wrapped
 * label, whose lines hang under the text after prefix (may be NULL).
 * Returns its index. */
int kiosk_page_add_button(struct kiosk_page *p, const char *prefix,
			  const char *label, enum keys_action action, int arg,
			  enum grid_style st, int pad, int ambiguous);
/* Rows a button's label takes. */
size_t kiosk_page_rows_of(const struct kiosk_page *p, const char *prefix,
			  const char *text, int ambiguous);
/* First row of node (or the nearest after). */
size_t kiosk_page_line_of_node(const struct kiosk_page *p, size_t node);
/* The top row clamped to the page and the body; at the end; too tall. */
size_t kiosk_page_clamp(const struct kiosk_app *app, const struct kiosk_page *p,
			size_t top);
bool kiosk_page_at_end(const struct kiosk_app *app, const struct kiosk_page *p,
		       size_t top);
bool kiosk_page_scrolls(const struct kiosk_app *app, const struct kiosk_page *p);
/* A scrolling action (up, down, page up/down, home, end; forward = page
 * down) applied to top; returns the new top. */
size_t kiosk_page_scroll(const struct kiosk_app *app, const struct kiosk_page *p,
			 size_t top, enum keys_action a, int arg);
bool kiosk_is_scroll(enum keys_action a);
/* The page's buttons in view and the scroll column's, into b (at most
 * max); returns how many. */
size_t kiosk_page_clicks(const struct kiosk_app *app, const struct kiosk_page *p,
			 size_t top, struct kiosk_button *b, size_t max);
/* Draw rows [top, top + body) and the scroll column if it scrolls. */
void kiosk_draw_page(const struct kiosk_app *app, struct grid *g,
		     const struct kiosk_page *p, size_t top);
enum grid_style kiosk_run_style(unsigned attr);

/* Lay n buttons (label, action, arg, hot set) across the bar. */
void kiosk_bar(const struct kiosk_app *app, struct kiosk_button *b, size_t n);
/* Stack n buttons vertically, centred, from row y; returns rows used. */
int kiosk_stack(const struct kiosk_app *app, struct kiosk_button *b, size_t n,
		int y, int maxrows);

/* Where the patient is: the section (its name, i of n: n 0 outside the
 * reading and the session's states) and, in a consent session, the step
 * of all of them (screens, questions, statements, review, signatures). */
struct kiosk_progress {
	const char *section; /* translated */
	size_t i, n;
	size_t step, total;  /* total 0: not in a session */
};
void kiosk_progress(const struct kiosk_app *app, struct kiosk_progress *p);
/* "Reading 3 / 14" into buf, or NULL when there is no section. */
const char *kiosk_where(const struct kiosk_app *app, char *buf, size_t n);
/* The labelled progress bar on row 1. */
void kiosk_draw_progress(const struct kiosk_app *app, struct grid *g);

void kiosk_draw_header(const struct kiosk_app *app, struct grid *g,
		       const char *title, const char *right);
void kiosk_draw_buttons(struct grid *g, const struct kiosk_button *b, size_t n);
void kiosk_draw_hint(struct grid *g, const struct kiosk_frame *f,
		     const char *text, enum grid_style st);
/* Wrap UI text (Japanese line breaking) into rows [y, y + maxrows) of width
 * w at x, centred if asked; returns the rows used. */
int kiosk_draw_text(struct grid *g, int x, int y, int w, int maxrows,
		    const char *text, enum grid_style st, bool center);
/* The rows text would take at width w. */
int kiosk_text_rows(const struct grid *g, int w, const char *text);
/* The same before there is a grid (the screen's size and widths are the
 * app's): for placing what comes under a text. */
int kiosk_app_text_rows(const struct kiosk_app *app, int w, const char *text);

/* ---- consent sessions (kiosk-consent.c) ---- */

/* After every event: time the screen visit, retry the queue on ticks, lay
 * out the consent text, and send the patient to "please call staff" while
 * a record is not saved. Returns true when the state changed. */
bool kiosk_consent_after_event(struct kiosk_app *app, bool tick);
/* kiosk_reset's part: a running session is recorded as abandoned, then
 * everything of the patient is wiped (the queue stays). */
void kiosk_consent_reset(struct kiosk_app *app);
void kiosk_consent_done(struct kiosk_app *app);
/* End the running session (if any) with this outcome; recorded through
 * the queue. */
void kiosk_consent_end(struct kiosk_app *app, int outcome, const char *reason);
/* The guided screens are read: the quiz (or what follows it). */
struct kiosk_step kiosk_consent_after_screens(struct kiosk_app *app);
/* A re-read screen is left: back to the question. */
struct kiosk_step kiosk_consent_reread_done(struct kiosk_app *app);
/* Write the queue now: 0 when it is empty after, -1 (cs.error set). */
int kiosk_consent_flush(struct kiosk_app *app);
/* Queue a record (the caller fills it in, then flushes). */
struct kiosk_op *kiosk_consent_op(struct kiosk_app *app, enum kiosk_op_kind kind);
/* The session's consent document (statements). */
const struct content_doc *kiosk_consent_doc(const struct kiosk_app *app);

/* What cs.lay holds. */
enum kiosk_lay_kind { KIOSK_LAY_NONE, KIOSK_LAY_QUIZ, KIOSK_LAY_ACK,
		      KIOSK_LAY_REVIEW };
/* Lay out the current consent state's text (quiz, statement, review) if
 * the state, item or width changed. */
void kiosk_consent_relayout(struct kiosk_app *app);
/* The review page's nodes (kiosk-sign.c), and freeing them. */
void kiosk_review_build(struct kiosk_app *app);
void kiosk_consent_free_review(struct kiosk_consent *cs);

/* Typed text in the staff forms (references, staff IDs; a patient's name
 * is a text field with the on-screen keyboard, osk.h): append the typed
 * character or the pasted text to buf (NUL-terminated UTF-8, cap bytes;
 * what the input gate would not store is dropped as it comes); true when
 * the event was a character or a paste (even one that did not fit). Only
 * text fields call it: a paste is nothing anywhere else. kiosk_erase
 * takes back the last character, a whole UTF-8 sequence. */
bool kiosk_type(char *buf, size_t cap, const struct kiosk_input *in);
void kiosk_erase(char *buf);

#endif
