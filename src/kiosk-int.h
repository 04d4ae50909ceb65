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

/* Steps, for brevity in handlers. */
#define KIOSK_STAY ((struct kiosk_step){ KIOSK_SAME, false })
#define KIOSK_REDRAW ((struct kiosk_step){ KIOSK_SAME, true })
#define KIOSK_GO(s) ((struct kiosk_step){ (s), true })

/*
 * The screen's rows: a header (title, then progress), the body, a hint line
 * saying what to do next, and the button bar (3 rows tall when there is
 * room, for fingers).
 */
struct kiosk_frame {
	int body_y, body_h;
	int hint_y;
	int bar_y, bar_h;
	int text_x, text_w; /* the laid-out text; the scroll bar is at w - 1 */
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

/* Lay n buttons (label, action, arg, hot set) across the bar. */
void kiosk_bar(const struct kiosk_app *app, struct kiosk_button *b, size_t n);
/* Stack n buttons vertically, centred, from row y; returns rows used. */
int kiosk_stack(const struct kiosk_app *app, struct kiosk_button *b, size_t n,
		int y, int maxrows);

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
/* Lines in a layout (0 for none); draw lines [top, ...) of one into at
 * most maxrows rows at x, y, w; returns the rows drawn. */
size_t kiosk_consent_lines(const struct layout *l);
int kiosk_consent_draw_lay(struct grid *g, const struct layout *l, size_t top,
			   int x, int y, int w, int maxrows);
/* The review page's nodes (kiosk-sign.c), and freeing them. */
void kiosk_review_build(struct kiosk_app *app);
void kiosk_consent_free_review(struct kiosk_consent *cs);

/* Typed text (names, references, staff IDs): append the typed character
 * to buf (NUL-terminated UTF-8, cap bytes); true when the event was a
 * character (even one that did not fit). kiosk_erase takes back the last
 * character, a whole UTF-8 sequence. */
bool kiosk_type(char *buf, size_t cap, const struct kiosk_input *in);
void kiosk_erase(char *buf);

#endif
