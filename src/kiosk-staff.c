/*
 * kiosk-staff: the staff states: PIN entry (after the staff key; wrong PINs
 * wait longer each time, see pin.h) and the staff menu (exit, reload
 * content, start language; with a records database also: a new consent
 * session or ending the running one, staff verification of the last
 * session, saving records that could not be written, whose exact error is
 * shown here), and the staff forms: a new consent session (patient
 * reference, staff ID, profile, minor, language) and the verification of
 * the last completed session (staff ID). In demo mode (no PIN configured) the staff key opens the
 * menu directly, and the screens say so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "i18n.h"
#include "ingate.h"
#include "kiosk-int.h"
#include "pin.h"
#include "quiz.h"
#include "store.h"
#include "syncstate.h"
#include "text.h"
#include "xmalloc.h"

/* ---- PIN ---- */

static void
kiosk_pin_clear(struct kiosk_app *app)
{
	pin_wipe(app->pin, sizeof app->pin);
	app->pinlen = 0;
}

/* The wall clock in ms: the wait is kept across restarts. */
static int64_t
kiosk_pin_now(const struct kiosk_app *app)
{
	return (int64_t)((app->now + app->wall_offset) * 1000.0);
}

static void
kiosk_pin_error(struct kiosk_app *app, char *err)
{
	free(app->pin_error);
	app->pin_error = err;
}

static void
kiosk_pin_enter(struct kiosk_app *app)
{
	char *err = NULL;

	kiosk_pin_clear(app);
	app->message = NULL;
	/* Each time: `staff unlock` may have run since. Fail closed: a state
	 * that cannot be read locks the PIN entry. */
	if (pin_state_load(app->cfg->pin_state, &app->pin_st, &err) != 0) {
		app->pin_st.locked = true;
		kiosk_pin_error(app, err);
	} else {
		kiosk_pin_error(app, NULL);
	}
	if (app->pin_st.fails > 0)
		app->message = N_("Wrong PIN.");
}

static void
kiosk_pin_leave(struct kiosk_app *app)
{
	kiosk_pin_clear(app);
}

/*
 * The on-screen PIN pad (osk.h: digits, backspace, clear and OK), for a
 * terminal used by touch alone: placed below the PIN and its messages.
 * false when the screen has no room for it (keys still work), and while
 * the PIN entry is closed (locked, or its state cannot be read or saved):
 * no digit is taken then, and the rows are the message's, which says how
 * to lift it.
 */
#define KIOSK_PIN_INTRO N_("Enter the staff PIN on the pad or the keys, then OK (Enter). Cancel (Esc) goes back.")

/* The rows of the instructions: as many as the width needs, 2 to 4 (a
 * narrow screen took them cut at two: 「…OK（Enter）を」). */
static int
kiosk_pin_intro_rows(const struct kiosk_app *app)
{
	int rows = kiosk_app_text_rows(app, app->w - 4, _(KIOSK_PIN_INTRO));

	return rows < 2 ? 2 : rows > 4 ? 4 : rows;
}

/* A screen too short for the pad has no row to spare: no blank above the
 * instructions nor under the PIN. */
static bool
kiosk_pin_short(const struct kiosk_app *app)
{
	return app->h < 16;
}

/* Rows from the body's top to the PIN: a blank, the instructions, a
 * blank. Then the PIN, a blank, three rows of message (wrong PINs, the
 * wait) and the pad. */
static int
kiosk_pin_row(const struct kiosk_app *app)
{
	return !kiosk_pin_short(app) + kiosk_pin_intro_rows(app) + 1;
}

static bool
kiosk_pin_pad(const struct kiosk_app *app, struct osk *k)
{
	struct kiosk_frame f;
	int y, w;

	if (app->pin_st.locked || app->pin_error != NULL)
		return false;
	kiosk_frame(app, &f);
	y = f.body_y + kiosk_pin_row(app) + 5;
	w = app->w - 4 < 36 ? app->w - 4 : 36;
	osk_init(k, OSK_PIN, OSK_WITH_ENTER);
	return osk_place(k, (app->w - w) / 2, y, w, f.bar_y - y, app->ambiguous) > 0;
}

/* The bar, then the pad's keys as buttons: a digit, erase (arg 1: clear),
 * OK. OK is once on the screen: the pad's, under its digits, when the pad
 * fits; else in the bar. */
static size_t
kiosk_pin_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	struct osk k;
	bool pad = kiosk_pin_pad(app, &k);
	size_t n = pad ? 1 : 2;

	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Cancel") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE, .label = _("OK") };
	kiosk_bar(app, b, n);
	if (!pad)
		return n;
	for (size_t i = 0; i < k.n && n < KIOSK_MAX_BUTTONS; i++) {
		const struct osk_key *key = &k.keys[i];
		struct kiosk_button kb = { .x = key->x, .y = key->y, .w = key->w,
					   .h = key->h, .label = key->label };

		switch (key->op) {
		case OSK_OP_TEXT:
			kb.action = KEYS_A_DIGIT;
			kb.arg = key->text[0] - '0';
			break;
		case OSK_OP_BACKSPACE:
			kb.action = KEYS_A_ERASE;
			break;
		case OSK_OP_CLEAR:
			kb.action = KEYS_A_ERASE;
			kb.arg = 1;
			break;
		case OSK_OP_ENTER:
			kb.action = KEYS_A_ACTIVATE;
			break;
		default:
			continue;
		}
		b[n++] = kb;
	}
	return n;
}

static int
kiosk_pin_wait(const struct kiosk_app *app)
{
	int64_t left = pin_wait_left(&app->pin_st, kiosk_pin_now(app));

	return (int)((left + 999) / 1000);
}

static struct kiosk_step
kiosk_pin_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	bool closed = app->pin_st.locked || app->pin_error != NULL;
	bool waiting = closed || kiosk_pin_wait(app) > 0;
	char *err = NULL;

	switch (in->action) {
	case KEYS_A_DIGIT:
		if (waiting || app->pinlen >= PIN_MAX_LEN)
			return KIOSK_STAY;
		app->pin[app->pinlen++] = (char)('0' + in->arg);
		app->pin[app->pinlen] = '\0';
		return KIOSK_REDRAW;
	case KEYS_A_ERASE:
		if (in->arg == 1) /* the pad's clear key */
			kiosk_pin_clear(app);
		else if (app->pinlen > 0)
			app->pin[--app->pinlen] = '\0';
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (waiting || app->pinlen == 0)
			return KIOSK_STAY;
		/* Counted as wrong, and saved, before it is checked: no
		 * restart can forget a guess. Not saved: not checked. */
		if (pin_attempt(app->cfg->pin_state, &app->pin_st,
				kiosk_pin_now(app), &err) != 0) {
			kiosk_pin_error(app, err);
			kiosk_pin_clear(app);
			return KIOSK_REDRAW;
		}
		if (pin_verify(app->cfg->pin_hash, app->pin, app->pinlen)) {
			/* right: the count back to 0 (if that cannot be
			 * saved, the next entry starts one wrong PIN up) */
			pin_attempt_ok(app->cfg->pin_state, &app->pin_st, &err);
			free(err);
			kiosk_pin_clear(app);
			return KIOSK_GO(KIOSK_STAFF_MENU);
		}
		/* The wait counts from the verdict: saving the count and
		 * checking the PIN take time of their own. */
		if (app->clock != NULL)
			app->now = app->clock();
		pin_attempt_wrong(app->cfg->pin_state, &app->pin_st,
				  kiosk_pin_now(app), &err);
		free(err);
		app->message = N_("Wrong PIN.");
		kiosk_pin_clear(app);
		return KIOSK_REDRAW;
	default:
		/* Ticks redraw the wait countdown. */
		return in->ev->kind == KEYS_EV_TICK && app->message != NULL
		       ? KIOSK_REDRAW : KIOSK_STAY;
	}
}

static const struct kiosk_move kiosk_pin_moves[] = {
	{ KEYS_A_BACK, KIOSK_RESUME, false, false }, /* cancel: back where it was */
	{ KEYS_A_NONE, 0, false, false },
};

static void
kiosk_pin_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	struct kiosk_frame f;
	struct osk k;
	struct osk_edit e;
	char stars[PIN_MAX_LEN + 1];
	int y, wait = kiosk_pin_wait(app);
	bool pad;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Staff"), NULL);
	y = f.body_y + !kiosk_pin_short(app);
	kiosk_draw_text(g, 2, y, g->w - 4, kiosk_pin_intro_rows(app),
			_(KIOSK_PIN_INTRO), GRID_NORMAL, false);
	y = f.body_y + kiosk_pin_row(app);
	memset(stars, '*', app->pinlen);
	stars[app->pinlen] = '\0';
	grid_put(g, 4, y, _("PIN:"), 10, GRID_BOLD);
	grid_put(g, 4 + grid_strwidth(_("PIN:"), g->ambiguous) + 1, y, stars, -1,
		 GRID_BOLD);
	y += 1 + !kiosk_pin_short(app);
	if (app->pin_error != NULL) {
		/* fail closed, and say why: staff fix it from a shell */
		y += kiosk_draw_text(g, 2, y, g->w - 4, 2,
			_("The PIN cannot be checked: its record of wrong PINs cannot be read or saved. Unlock from a shell: isokiosk staff unlock"),
			GRID_ALERT, false);
		kiosk_draw_text(g, 2, y, g->w - 4, 2, app->pin_error, GRID_DIM,
				false);
	} else if (app->pin_st.locked) {
		char *msg = xasprintf(_("Locked after %d wrong PINs. Unlock from a shell: isokiosk staff unlock"),
				      app->pin_st.fails);

		kiosk_draw_text(g, 2, y, g->w - 4, 3, msg, GRID_ALERT, false);
		free(msg);
	} else if (app->message != NULL) {
		char *msg = wait > 0
			? xasprintf(_("%s Please wait %d seconds (wrong PINs: %d)."),
				    _(app->message), wait, app->pin_st.fails)
			: xasprintf(_("%s Try again (wrong PINs: %d)."),
				    _(app->message), app->pin_st.fails);

		kiosk_draw_text(g, 2, y, g->w - 4, 3, msg, GRID_ALERT, false);
		free(msg);
	}
	pad = kiosk_pin_pad(app, &k);
	if (pad) {
		/* the pad's backspace and clear are on while there is a PIN */
		osk_edit_init(&e, PIN_MAX_LEN);
		osk_edit_insert(&e, stars);
		osk_draw(&k, &e, g);
		osk_edit_wipe(&e);
	}
	/* the bar's buttons (the pad drew its keys) */
	kiosk_pin_buttons(app, b);
	kiosk_draw_buttons(g, b, pad ? 1 : 2);
}

const struct kiosk_state_ops kiosk_pin_ops = {
	.name = "staff-pin",
	.enter = kiosk_pin_enter,
	.leave = kiosk_pin_leave,
	.handle = kiosk_pin_handle,
	.moves = kiosk_pin_moves,
	.draw = kiosk_pin_draw,
	.buttons = kiosk_pin_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- staff menu ---- */

/*
 * The items, in the order shown; each one's number is its place. Exit is
 * last and never chosen by default: the menu opens on the action staff
 * used last (else a new session, or back to the kiosk), and exit asks
 * again before the kiosk stops (staff_confirm). Items that need a records
 * database are left out without one. A new item is a row here and a case
 * in kiosk_staff_label and kiosk_staff_do.
 */
enum kiosk_staff_item {
	KIOSK_ITEM_SESSION, /* new consent session, or end the running one */
	KIOSK_ITEM_RECORDS, /* today's sessions: find, read, countersign */
	KIOSK_ITEM_VERIFY_LAST,
	KIOSK_ITEM_SAVE,
	KIOSK_ITEM_LANG,
	KIOSK_ITEM_RELOAD,
	KIOSK_ITEM_FOLLOWUP, /* follow-up visits: a new one, the flags to
				acknowledge, a pregnancy test and may
				prescribe (kiosk-staff-visit.c) */
	KIOSK_ITEM_BACK,
	KIOSK_ITEM_EXIT,
	KIOSK_ITEM_NITEMS
};

static bool
kiosk_staff_needs_store(int item)
{
	return item <= KIOSK_ITEM_SAVE || item == KIOSK_ITEM_FOLLOWUP;
}

/* The items shown, into items; returns how many. */
static int
kiosk_staff_items(const struct kiosk_app *app, int items[KIOSK_ITEM_NITEMS])
{
	int n = 0;

	for (int i = 0; i < KIOSK_ITEM_NITEMS; i++)
		if (app->cs.store != NULL || !kiosk_staff_needs_store(i))
			items[n++] = i;
	return n;
}

static int
kiosk_staff_nitems(const struct kiosk_app *app)
{
	int items[KIOSK_ITEM_NITEMS];

	return kiosk_staff_items(app, items);
}

/* The item at place i (0-based) of the menu shown, or -1. */
static int
kiosk_staff_item_at(const struct kiosk_app *app, int i)
{
	int items[KIOSK_ITEM_NITEMS];
	int n = kiosk_staff_items(app, items);

	return i >= 0 && i < n ? items[i] : -1;
}

static int
kiosk_staff_place_of(const struct kiosk_app *app, int item)
{
	int items[KIOSK_ITEM_NITEMS];
	int n = kiosk_staff_items(app, items);

	for (int i = 0; i < n; i++)
		if (items[i] == item)
			return i;
	return -1;
}

/*
 * How far the central copy is behind, as `isokiosk sync` last wrote it
 * (syncstate.h), against the local chain now: for the staff menu's header.
 * No file: sync is not set up, nothing is shown. The kiosk never talks to
 * the central store itself.
 */
static void
kiosk_staff_sync_line(struct kiosk_app *app)
{
	struct syncstate ss;
	char *err = NULL, seal[65];
	int64_t head = 0;
	int rc;

	free(app->sync_line);
	app->sync_line = NULL;
	free(app->sync_error);
	app->sync_error = NULL;
	if (app->sync_state == NULL || app->cs.store == NULL)
		return;
	rc = syncstate_load(app->sync_state, &ss, &err);
	free(err);
	if (rc == 1)
		return;
	if (rc != 0) {
		app->sync_line = xstrdup(_("Sync state unreadable"));
		return;
	}
	err = NULL;
	if (store_head(app->cs.store, &head, seal, &err) != 0) {
		free(err);
		head = ss.central; /* unknown: say only when it last worked */
	}
	app->sync_line = syncstate_summary(&ss, head);
	if (ss.failed && ss.error[0] != '\0')
		app->sync_error = xstrdup(ss.error);
}

static void
kiosk_staff_enter(struct kiosk_app *app)
{
	int first = app->cs.store != NULL ? KIOSK_ITEM_SESSION : KIOSK_ITEM_BACK;
	int last = app->staff_last > 0 ? app->staff_last - 1 : -1;
	int at = kiosk_staff_place_of(app, last >= 0 ? last : first);

	app->staff_sel = at >= 0 ? at : kiosk_staff_place_of(app, first);
	app->staff_confirm = false;
	kiosk_records_done(app); /* what the records screens read */
	app->message = NULL;
	kiosk_staff_flags_load(app); /* the banner */
	kiosk_staff_sync_line(app);
}

/* Back goes where the patient was: a running session, or a record that
 * waited to be saved (the patient then sees what follows it, such as the
 * receipt, not a fresh kiosk; a stopped quiz is over, though). */
static bool
kiosk_staff_resumes(const struct kiosk_app *app)
{
	return app->cs.on || app->cs.nops > 0 ||
	       (app->resume == KIOSK_CALL_STAFF && !app->cs.stopped &&
		app->cs.after != KIOSK_SAME);
}

/* An item's label; brief: the short form a narrow screen shows whole
 * (the same as the long one for items that have none). */
static const char *
kiosk_staff_label(const struct kiosk_app *app, int item, bool brief)
{
	static char buf[128];
	const struct bundle_lang *l;

	switch (item) {
	case KIOSK_ITEM_EXIT:
		return _("Exit the kiosk...");
	case KIOSK_ITEM_RELOAD:
		return _("Reload the content");
	case KIOSK_ITEM_LANG:
		l = app->bundle != NULL && app->staff_lang < app->bundle->nlangs
		    ? &app->bundle->langs[app->staff_lang] : NULL;
		snprintf(buf, sizeof buf, _("Start language: %s"),
			 l != NULL ? l->name : "-");
		return buf;
	case KIOSK_ITEM_BACK:
		return kiosk_staff_resumes(app) ? _("Back to the session")
						: _("Back to the kiosk");
	case KIOSK_ITEM_SESSION:
		return app->cs.on ? _("End this session (recorded as abandoned)")
				  : _("New consent session");
	case KIOSK_ITEM_RECORDS:
		return brief ? _("Today's sessions")
			     : _("Today's sessions: find, read, countersign");
	case KIOSK_ITEM_VERIFY_LAST:
		return _("Staff verification of the last session");
	case KIOSK_ITEM_FOLLOWUP:
		/* the open flags' count, whatever the width */
		snprintf(buf, sizeof buf, brief
			 ? _("Follow-ups, tests, flags (%zu open)")
			 : _("Follow-up visits, pregnancy tests, flags (%zu open)"),
			 app->cs.nflags_open);
		return buf;
	default:
		snprintf(buf, sizeof buf, _("Save the records now (%zu waiting)"),
			 app->cs.nops);
		return buf;
	}
}

static size_t
kiosk_staff_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	static char labels[KIOSK_ITEM_NITEMS][200];
	struct kiosk_frame f;
	int items[KIOSK_ITEM_NITEMS];
	int n = kiosk_staff_items(app, items), w;

	kiosk_frame(app, &f);
	if (app->staff_confirm) {
		/* Exit asks again: staying is what Enter, Esc and 1 do. */
		b[0] = (struct kiosk_button){ .action = KEYS_A_PICK, .arg = 0,
			.label = _("1  No, back to the staff menu"),
			.selected = app->staff_sel == 0, .hot = true };
		b[1] = (struct kiosk_button){ .action = KEYS_A_PICK, .arg = 1,
			.label = _("2  Yes, exit the kiosk"),
			.selected = app->staff_sel == 1 };
		kiosk_stack(app, b, 2, f.body_y + 4, f.body_h - 5);
		return 2;
	}
	w = app->w - 4 < 56 ? app->w - 4 : 56; /* room for longer labels */
	for (int i = 0; i < n; i++) {
		snprintf(labels[i], sizeof labels[i], "%d  %s", i + 1,
			 kiosk_staff_label(app, items[i], false));
		if (text_strwidth(labels[i], app->ambiguous) > w)
			snprintf(labels[i], sizeof labels[i], "%d  %s", i + 1,
				 kiosk_staff_label(app, items[i], true));
		b[i] = (struct kiosk_button){ .action = KEYS_A_PICK, .arg = i,
			.label = labels[i], .selected = i == app->staff_sel,
			/* the last action, one tap (or Enter) away */
			.hot = app->staff_last > 0 &&
			       items[i] == app->staff_last - 1 };
	}
	/* The menu has no bar: the items may use the rows to the last but
	 * one (kiosk_staff_draw says what happened in the rows under them),
	 * and start a row higher when they would not fit otherwise. */
	kiosk_stack(app, b, (size_t)n, n + 2 > app->h - 1 - f.body_y
		    ? f.body_y : f.body_y + 1, f.body_h - 3);
	for (int i = 0; i < n; i++) {
		b[i].w = w;
		b[i].x = (app->w - w) / 2;
	}
	return (size_t)n;
}

static struct kiosk_step
kiosk_staff_reload(struct kiosk_app *app)
{
	struct diag_list dl;
	struct bundle *nb;

	if (app->content_dir == NULL)
		return KIOSK_STAY;
	/* The quiz points into the old content: a running session ends. */
	kiosk_consent_end(app, STORE_ABANDONED, "content reloaded by staff");
	diag_list_init(&dl);
	nb = bundle_load(app->content_dir, &dl);
	if (nb == NULL || diag_count(&dl, DIAG_ERROR) > 0 || nb->nlangs == 0) {
		if (nb != NULL)
			bundle_free(nb);
		diag_list_done(&dl);
		app->message = N_("The content has errors (see 'isokiosk check'); the old content stays.");
		return KIOSK_REDRAW;
	}
	diag_list_done(&dl);
	kiosk_reset(app); /* nothing may point into the old content */
	kiosk_page_free(&app->page);
	bundle_free(app->bundle);
	app->bundle = nb;
	if (app->cs.store != NULL) {
		for (size_t i = 0; i < nb->nlangs; i++) {
			char *err = NULL;

			if (store_content_freeze(app->cs.store, &nb->langs[i], &err) < 0) {
				free(app->cs.error);
				app->cs.error = err;
			}
		}
	}
	if (app->staff_lang >= nb->nlangs)
		app->staff_lang = 0;
	free(app->seen_end);
	app->seen_end = NULL;
	app->nseen = 0;
	kiosk_reset(app);
	app->message = N_("Content reloaded.");
	return KIOSK_REDRAW;
}

static const char *const kiosk_staff_unsaved =
	N_("Records are not saved yet. Choose exit again to leave anyway.");

static struct kiosk_step
kiosk_staff_exit(struct kiosk_app *app)
{
	app->staff_confirm = false;
	/* A running session is recorded as abandoned; what cannot be
	 * written now keeps the kiosk running (saved once space returns),
	 * unless staff insist (exit again). */
	if (kiosk_consent_finish(app, "kiosk exited by staff") < 0 &&
	    app->message != kiosk_staff_unsaved) {
		app->message = kiosk_staff_unsaved;
		return KIOSK_REDRAW;
	}
	return KIOSK_GO(KIOSK_QUIT);
}

static struct kiosk_step
kiosk_staff_do(struct kiosk_app *app, int item)
{
	if (item < 0)
		return KIOSK_STAY;
	app->staff_sel = kiosk_staff_place_of(app, item);
	if (item != KIOSK_ITEM_EXIT && item != KIOSK_ITEM_BACK)
		app->staff_last = item + 1;
	switch (item) {
	case KIOSK_ITEM_EXIT:
		/* Never at once: exit asks again, staying selected. */
		app->staff_confirm = true;
		app->staff_sel = 0;
		return KIOSK_REDRAW;
	case KIOSK_ITEM_RELOAD:
		return kiosk_staff_reload(app);
	case KIOSK_ITEM_LANG:
		if (app->bundle != NULL && app->bundle->nlangs > 0)
			app->staff_lang = (app->staff_lang + 1) % app->bundle->nlangs;
		return KIOSK_REDRAW;
	case KIOSK_ITEM_BACK:
		if (kiosk_staff_resumes(app))
			return KIOSK_GO(KIOSK_RESUME);
		kiosk_reset(app);
		return KIOSK_GO(KIOSK_WELCOME);
	case KIOSK_ITEM_SESSION:
		if (app->cs.store == NULL)
			return KIOSK_STAY;
		if (app->cs.on) {
			kiosk_consent_end(app, STORE_ABANDONED, "ended by staff");
			kiosk_reset(app);
			app->message = N_("The session was ended and recorded as abandoned.");
			return KIOSK_REDRAW;
		}
		if (app->cs.nops > 0) {
			app->message = N_("Save the records first.");
			return KIOSK_REDRAW;
		}
		app->cs.form_visit = false;
		return KIOSK_GO(KIOSK_STAFF_NEW);
	case KIOSK_ITEM_FOLLOWUP:
		return KIOSK_GO(KIOSK_STAFF_FLAGS);
	case KIOSK_ITEM_RECORDS:
		return app->cs.store != NULL ? KIOSK_GO(KIOSK_STAFF_RECORDS)
					     : KIOSK_STAY;
	case KIOSK_ITEM_VERIFY_LAST:
		if (app->cs.store == NULL)
			return KIOSK_STAY;
		app->cs.verify_id = app->cs.last_done;
		snprintf(app->cs.verify_code, sizeof app->cs.verify_code, "%s",
			 app->cs.receipt);
		app->cs.verify_back = KIOSK_STAFF_MENU;
		return KIOSK_GO(KIOSK_STAFF_VERIFY);
	case KIOSK_ITEM_SAVE:
		if (app->cs.store == NULL)
			return KIOSK_STAY;
		app->message = kiosk_consent_flush(app) == 0
			? N_("All records are saved.")
			: N_("Still not saved: the records could not be written.");
		return KIOSK_REDRAW;
	default:
		return KIOSK_STAY;
	}
}

static struct kiosk_step
kiosk_staff_confirm_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	switch (in->action) {
	case KEYS_A_DIGIT:
		if (in->arg == 2)
			return kiosk_staff_exit(app);
		if (in->arg != 1)
			return KIOSK_STAY;
		break;
	case KEYS_A_PICK:
		if (in->arg == 1)
			return kiosk_staff_exit(app);
		break;
	case KEYS_A_UP:
	case KEYS_A_DOWN:
		app->staff_sel = !app->staff_sel;
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (app->staff_sel == 1)
			return kiosk_staff_exit(app);
		break;
	case KEYS_A_BACK:
		break;
	default:
		return KIOSK_STAY;
	}
	/* stay */
	app->staff_confirm = false;
	app->staff_sel = kiosk_staff_place_of(app, KIOSK_ITEM_EXIT);
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_staff_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	int n = kiosk_staff_nitems(app);

	if (app->staff_confirm)
		return kiosk_staff_confirm_handle(app, in);
	switch (in->action) {
	case KEYS_A_DIGIT:
		return kiosk_staff_do(app, kiosk_staff_item_at(app, in->arg - 1));
	case KEYS_A_PICK:
		return kiosk_staff_do(app, kiosk_staff_item_at(app, in->arg));
	case KEYS_A_UP:
		app->staff_sel = (app->staff_sel + n - 1) % n;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		app->staff_sel = (app->staff_sel + 1) % n;
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		return kiosk_staff_do(app, kiosk_staff_item_at(app, app->staff_sel));
	case KEYS_A_BACK:
		return kiosk_staff_do(app, KIOSK_ITEM_BACK);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_draw(const struct kiosk_app *app, struct grid *g)
{
	const char *demo = _("Demo mode: no staff PIN is set (isokiosk staff set-pin).");
	struct kiosk_button b[KIOSK_ITEM_NITEMS];
	struct kiosk_frame f;
	size_t n;
	int y, end;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Staff menu"), app->sync_line);
	kiosk_staff_banner(app, g);
	n = kiosk_staff_buttons(app, b);
	if (app->staff_confirm)
		kiosk_draw_text(g, 2, f.body_y + 1, g->w - 4, 3,
			_("Exit the kiosk? It stays off until it is started again; a patient cannot use it meanwhile."),
			GRID_ALERT, true);
	kiosk_draw_buttons(g, b, n);
	/* What happened, under the items and never over them: from the row
	 * after the last item (at the foot when there is room) to the last
	 * row. When rows run short the error comes first, then what staff
	 * just did, then why the last sync failed (the header says that it
	 * did), and the demo line gives way (the header says デモ / demo
	 * too). */
	y = n > 0 ? b[n - 1].y + b[n - 1].h + 1 : f.body_y;
	if (y > app->h - 1)
		y = app->h - 1;
	end = app->h;
	if (app->cs.error != NULL && app->cs.nops > 0 && y < end) {
		/* The exact error, for staff only. */
		char *e = xasprintf(_("Not saved (%zu records waiting): %s"),
				    app->cs.nops, app->cs.error);

		if (y < f.hint_y - 4)
			y = f.hint_y - 4;
		y += kiosk_draw_text(g, 2, y, g->w - 4, end - y < 2
				     ? end - y : 2, e, GRID_ALERT, false);
		free(e);
	}
	if (app->sync_error != NULL && app->message == NULL && y < end) {
		/* The sync process's own words, for staff and clinic IT. */
		char *e = xasprintf(_("Why the last sync failed: %s"),
				    app->sync_error);

		int rows;

		/* libpq's reasons are long: four rows when there are */
		if (y < f.hint_y - 6)
			y = f.hint_y - 6;
		rows = f.hint_y - 2 - y;
		if (rows < 1)
			rows = end - y < 2 ? end - y : 2;
		y += kiosk_draw_text(g, 2, y, g->w - 4, rows, e, GRID_ALERT,
				     false);
		free(e);
	}
	if (y < f.hint_y - 2)
		y = f.hint_y - 2;
	if (app->message != NULL && y < end)
		kiosk_draw_text(g, 2, y, g->w - 4, end - y < 2 ? end - y : 2,
				_(app->message), GRID_ALERT, true);
	else if (app->demo && end - y >= kiosk_text_rows(g, g->w - 4, demo))
		kiosk_draw_text(g, 2, y, g->w - 4, end - y, demo, GRID_ALERT,
				true);
}

const struct kiosk_state_ops kiosk_staff_ops = {
	.name = "staff-menu",
	.enter = kiosk_staff_enter,
	.handle = kiosk_staff_handle,
	.draw = kiosk_staff_draw,
	.buttons = kiosk_staff_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- staff: new session ---- */

/*
 * The form: the patient reference, the staff ID (kept for the next
 * patient: app->staff_keep), the profile (no default: staff must choose
 * one of two, each saying how many questions and statements it brings),
 * minor, language, start. The reference and the staff ID go through the
 * input gate (ingate.h) before the session starts; a refusal is shown
 * under the form, saying what and where.
 */
enum kiosk_form_field {
	KIOSK_FORM_REF,
	KIOSK_FORM_STAFF,
	KIOSK_FORM_PREGNANCY,    /* profile: can become pregnant */
	KIOSK_FORM_NO_PREGNANCY, /* profile: cannot become pregnant */
	KIOSK_FORM_MINOR,
	KIOSK_FORM_LANG,
	KIOSK_FORM_START,
	KIOSK_FORM_N
};

static void
kiosk_form_why(struct kiosk_consent *cs, char *why)
{
	free(cs->form_why);
	cs->form_why = why;
}

static void
kiosk_staff_new_enter(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	sodium_memzero(cs->ref, sizeof cs->ref);
	cs->field = KIOSK_FORM_REF;
	cs->form_lang = app->lang;
	cs->form_profile = -1; /* none: staff choose */
	cs->pregnancy = false;
	cs->minor = false;
	kiosk_form_why(cs, NULL);
	app->message = NULL;
	/* The next patient: the staff ID stays as typed last. */
	if (app->staff_keep[0] != '\0')
		snprintf(cs->staff, sizeof cs->staff, "%s", app->staff_keep);
	else if (cs->staff[0] == '\0' && cs->default_staff != NULL)
		snprintf(cs->staff, sizeof cs->staff, "%s", cs->default_staff);
}

static void
kiosk_staff_new_leave(struct kiosk_app *app)
{
	kiosk_form_why(&app->cs, NULL);
	free(app->cs.visit_info);
	app->cs.visit_info = NULL;
}

/*
 * What a profile brings in the form's language: questions asked, and
 * statements to confirm (a minor's adds the guardian's).
 */
static void
kiosk_form_counts(const struct kiosk_app *app, const char *profile, bool minor,
		  size_t *questions, size_t *statements)
{
	const struct bundle_lang *l = app->bundle != NULL &&
		app->cs.form_lang < app->bundle->nlangs
		? &app->bundle->langs[app->cs.form_lang] : NULL;

	*questions = *statements = 0;
	if (l == NULL)
		return;
	for (size_t i = 0; l->quiz != NULL && i < l->quiz->n; i++) {
		const struct content_node *n = &l->quiz->nodes[i];

		if (n->kind == CONTENT_QUESTION &&
		    quiz_profile_sees(profile, n->profile))
			(*questions)++;
	}
	for (size_t i = 0; l->consent != NULL && i < l->consent->n; i++) {
		const struct content_node *n = &l->consent->nodes[i];

		if (n->kind == CONTENT_STATEMENT &&
		    quiz_profile_sees(profile, n->profile) &&
		    (n->signer == NULL || minor))
			(*statements)++;
	}
}

static const char *
kiosk_form_label(const struct kiosk_app *app, int i, char *buf, size_t n)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l;
	size_t q, st, q2, st2;

	switch (i) {
	case KIOSK_FORM_REF:
		snprintf(buf, n, _("Patient reference: %s"), cs->ref);
		break;
	case KIOSK_FORM_STAFF:
		snprintf(buf, n, _("Staff ID: %s"), cs->staff);
		break;
	case KIOSK_FORM_PREGNANCY:
	case KIOSK_FORM_NO_PREGNANCY: {
		bool preg = i == KIOSK_FORM_PREGNANCY;
		bool on = cs->form_profile == (preg ? 1 : 0);

		if (cs->form_visit) { /* a follow-up asks a few of them */
			snprintf(buf, n, "[%s] %s", on ? "x" : " ",
				 preg ? _("Can become pregnant")
				      : _("Cannot become pregnant"));
			break;
		}
		kiosk_form_counts(app, preg ? "pregnancy" : "no-pregnancy",
				  cs->minor, &q, &st);
		snprintf(buf, n, _("[%s] %s: %zu questions, %zu statements"),
			 on ? "x" : " ", preg ? _("Can become pregnant")
					      : _("Cannot become pregnant"), q, st);
		break;
	}
	case KIOSK_FORM_MINOR:
		kiosk_form_counts(app, cs->form_profile == 1 ? "pregnancy"
							      : "no-pregnancy",
				  false, &q, &st);
		kiosk_form_counts(app, cs->form_profile == 1 ? "pregnancy"
							      : "no-pregnancy",
				  true, &q2, &st2);
		snprintf(buf, n, _("Minor: %s (yes: a guardian signs too, %zu more statements)"),
			 cs->minor ? _("yes") : _("no"), st2 - st);
		break;
	case KIOSK_FORM_LANG:
		l = app->bundle != NULL && cs->form_lang < app->bundle->nlangs
		    ? &app->bundle->langs[cs->form_lang] : NULL;
		snprintf(buf, n, _("Language: %s"), l != NULL ? l->name : "-");
		break;
	default:
		snprintf(buf, n, "%s", _("Start and hand the terminal to the patient"));
		break;
	}
	return buf;
}

static size_t
kiosk_staff_new_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	static char labels[KIOSK_FORM_N][KIOSK_FIELD_MAX + 128];
	struct kiosk_frame f;
	int step;

	kiosk_frame(app, &f);
	step = f.body_h >= 2 * KIOSK_FORM_N + 4 ? 2 : 1;
	for (int i = 0; i < KIOSK_FORM_N; i++)
		b[i] = (struct kiosk_button){ .x = 2, .y = f.body_y + 2 + i * step,
			.w = app->w - 4, .h = 1, .action = KEYS_A_PICK, .arg = i,
			.label = kiosk_form_label(app, i, labels[i], sizeof labels[i]),
			.selected = i == app->cs.field,
			.hot = i == KIOSK_FORM_START && app->cs.field == i };
	b[KIOSK_FORM_N] = (struct kiosk_button){ .action = KEYS_A_BACK,
						 .label = _("Cancel") };
	kiosk_bar(app, &b[KIOSK_FORM_N], 1);
	return KIOSK_FORM_N + 1;
}

/* The typed field through the input gate: the clean text into buf, or
 * false with the refusal shown and the field focused. */
static bool
kiosk_form_gate(struct kiosk_app *app, enum ingate_kind kind, char *buf,
		size_t cap, int field)
{
	char *why = NULL;
	char *clean = ingate_clean(kind, buf, strlen(buf), 0, &why);

	if (clean == NULL) {
		kiosk_form_why(&app->cs, why);
		app->cs.field = field;
		return false;
	}
	free(why);
	snprintf(buf, cap, "%s", clean);
	sodium_memzero(clean, strlen(clean));
	free(clean);
	return true;
}

static struct kiosk_step
kiosk_form_start(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	char ref[KIOSK_FIELD_MAX], staff[KIOSK_FIELD_MAX];
	bool minor = cs->minor;
	const char *profile;
	int rc;

	kiosk_form_why(cs, NULL);
	app->message = NULL;
	if (cs->ref[0] == '\0') {
		app->message = N_("Type the patient reference first.");
		cs->field = KIOSK_FORM_REF;
		return KIOSK_REDRAW;
	}
	if (!kiosk_form_gate(app, INGATE_REF, cs->ref, sizeof cs->ref,
			     KIOSK_FORM_REF))
		return KIOSK_REDRAW;
	if (cs->staff[0] == '\0') { /* who handed it over, on record */
		app->message = N_("Type your staff ID first.");
		cs->field = KIOSK_FORM_STAFF;
		return KIOSK_REDRAW;
	}
	if (!kiosk_form_gate(app, INGATE_STAFF, cs->staff, sizeof cs->staff,
			     KIOSK_FORM_STAFF))
		return KIOSK_REDRAW;
	if (cs->form_profile < 0) { /* never a default: it decides the quiz */
		app->message = N_("Choose whether the patient can become pregnant (3 or 4).");
		cs->field = KIOSK_FORM_PREGNANCY;
		return KIOSK_REDRAW;
	}
	profile = cs->form_profile == 1 ? "pregnancy" : "no-pregnancy";
	snprintf(app->staff_keep, sizeof app->staff_keep, "%s", cs->staff);
	kiosk_use_lang(app, cs->form_lang);
	memcpy(ref, cs->ref, sizeof ref);
	memcpy(staff, cs->staff, sizeof staff);
	rc = cs->form_visit ? kiosk_visit_start(app, ref, profile, minor, staff)
			    : kiosk_consent_start(app, ref, profile, minor, staff);
	sodium_memzero(ref, sizeof ref);
	sodium_memzero(staff, sizeof staff);
	if (rc < 0) {
		app->message = N_("The session could not be started (see below).");
		return KIOSK_REDRAW;
	}
	return KIOSK_GO(app->state);
}

static struct kiosk_step
kiosk_form_toggle(struct kiosk_app *app, int field)
{
	struct kiosk_consent *cs = &app->cs;

	cs->field = field;
	switch (field) {
	case KIOSK_FORM_PREGNANCY:
		cs->form_profile = 1;
		break;
	case KIOSK_FORM_NO_PREGNANCY:
		cs->form_profile = 0;
		break;
	case KIOSK_FORM_MINOR:
		cs->minor = !cs->minor;
		break;
	case KIOSK_FORM_LANG:
		if (app->bundle != NULL && app->bundle->nlangs > 0)
			cs->form_lang = (cs->form_lang + 1) % app->bundle->nlangs;
		break;
	case KIOSK_FORM_START:
		return kiosk_form_start(app);
	default:
		break;
	}
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_staff_new_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	char *text = cs->field == KIOSK_FORM_REF ? cs->ref
		     : cs->field == KIOSK_FORM_STAFF ? cs->staff : NULL;

	if (in->ev->kind == KEYS_EV_KEY && in->ev->key == '\t') {
		cs->field = (cs->field + 1) % KIOSK_FORM_N;
		return KIOSK_REDRAW;
	}
	if (text != NULL && kiosk_type(text, KIOSK_FIELD_MAX, in)) {
		kiosk_form_why(cs, NULL);
		if (text == cs->ref)
			kiosk_staff_visit_info(app);
		return KIOSK_REDRAW;
	}
	if (text == NULL && in->action == KEYS_A_DIGIT && in->arg >= 1 &&
	    in->arg <= KIOSK_FORM_N)
		return kiosk_form_toggle(app, in->arg - 1);
	switch (in->action) {
	case KEYS_A_ERASE:
		if (text != NULL) {
			kiosk_erase(text);
			kiosk_form_why(cs, NULL);
			if (text == cs->ref)
				kiosk_staff_visit_info(app);
		}
		return KIOSK_REDRAW;
	case KEYS_A_UP:
		cs->field = (cs->field + KIOSK_FORM_N - 1) % KIOSK_FORM_N;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		cs->field = (cs->field + 1) % KIOSK_FORM_N;
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (text != NULL) {
			cs->field++;
			return KIOSK_REDRAW;
		}
		return kiosk_form_toggle(app, cs->field);
	case KEYS_A_PICK:
		if (in->arg <= KIOSK_FORM_STAFF) {
			cs->field = in->arg;
			return KIOSK_REDRAW;
		}
		return kiosk_form_toggle(app, in->arg);
	case KEYS_A_BACK:
		return KIOSK_GO(KIOSK_STAFF_MENU);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_new_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_FORM_N + 1];
	struct kiosk_frame f;
	size_t n;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, app->cs.form_visit ? _("New follow-up visit")
						    : _("New consent session"),
			  NULL);
	kiosk_draw_text(g, 2, f.body_y, g->w - 4, 1,
			_("Tab or arrows move; Enter or a number changes a choice."),
			GRID_DIM, false);
	n = kiosk_staff_new_buttons(app, b);
	for (size_t i = 0; i + 1 < n; i++) {
		enum grid_style st = b[i].hot ? GRID_BUTTON_HOT
				     : b[i].selected ? GRID_SELECTED : GRID_NORMAL;
		char num[32];
		int x;

		grid_fill(g, b[i].x, b[i].y, b[i].w, 1, st);
		snprintf(num, sizeof num, "%zu  ", i + 1);
		x = b[i].x + grid_put(g, b[i].x, b[i].y, num, 4, st);
		x += grid_put(g, x, b[i].y, b[i].label, b[i].w - (x - b[i].x), st);
		if (b[i].selected && i <= KIOSK_FORM_STAFF)
			grid_put(g, x, b[i].y, "_", 1, st);
	}
	/* Why the form cannot start yet, under it. */
	y = b[n - 2].y + 2;
	if (app->cs.form_visit && app->cs.visit_info != NULL)
		y += kiosk_draw_text(g, 2, y, g->w - 4, 2, app->cs.visit_info,
				     GRID_BOLD, false);
	if (app->cs.form_why != NULL)
		y += kiosk_draw_text(g, 2, y, g->w - 4, 2, app->cs.form_why,
				     GRID_ALERT, false);
	if (app->message != NULL)
		y += kiosk_draw_text(g, 2, y, g->w - 4, 2, _(app->message),
				     GRID_ALERT, false);
	if (app->cs.error != NULL && app->message != NULL)
		kiosk_draw_text(g, 2, y, g->w - 4, 2, app->cs.error,
				GRID_ALERT, false);
	kiosk_draw_buttons(g, b + n - 1, 1);
}

const struct kiosk_state_ops kiosk_staff_new_ops = {
	.name = "staff-new",
	.enter = kiosk_staff_new_enter,
	.leave = kiosk_staff_new_leave,
	.handle = kiosk_staff_new_handle,
	.draw = kiosk_staff_new_draw,
	.buttons = kiosk_staff_new_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- staff: verification (countersigning) of a session ---- */

/* cs.verify_id is the session (the last completed one, from the menu; the
 * one read, from the records screen); Cancel and the end go back to
 * cs.verify_back. The staff ID is the one typed last, ready to confirm. */
static void
kiosk_staff_verify_enter(struct kiosk_app *app)
{
	sodium_memzero(app->cs.staff_id, sizeof app->cs.staff_id);
	snprintf(app->cs.staff_id, sizeof app->cs.staff_id, "%s",
		 app->staff_keep);
	kiosk_form_why(&app->cs, NULL);
	app->message = NULL;
}

static struct kiosk_step
kiosk_staff_verify_back(struct kiosk_app *app)
{
	return KIOSK_GO(app->cs.verify_back == KIOSK_STAFF_RECORD
			? KIOSK_STAFF_RECORD : KIOSK_STAFF_MENU);
}

static size_t
kiosk_staff_verify_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Cancel") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
		.label = _("Verify"), .hot = app->cs.staff_id[0] != '\0' &&
					     app->cs.verify_id != 0 };
	kiosk_bar(app, b, 2);
	return 2;
}

static struct kiosk_step
kiosk_staff_verify_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_op *op;

	if (kiosk_type(cs->staff_id, sizeof cs->staff_id, in)) {
		kiosk_form_why(cs, NULL);
		return KIOSK_REDRAW;
	}
	switch (in->action) {
	case KEYS_A_ERASE:
		kiosk_erase(cs->staff_id);
		kiosk_form_why(cs, NULL);
		return KIOSK_REDRAW;
	case KEYS_A_BACK:
		return kiosk_staff_verify_back(app);
	case KEYS_A_ACTIVATE: {
		const char *done;

		if (cs->staff_id[0] == '\0' || cs->verify_id == 0)
			return KIOSK_STAY;
		if (!kiosk_form_gate(app, INGATE_STAFF, cs->staff_id,
				     sizeof cs->staff_id, 0))
			return KIOSK_REDRAW;
		snprintf(app->staff_keep, sizeof app->staff_keep, "%s",
			 cs->staff_id);
		op = kiosk_consent_op(app, KIOSK_OP_VERIFY);
		op->n[0] = cs->verify_id;
		op->s[0] = xstrdup(cs->staff_id);
		sodium_memzero(cs->staff_id, sizeof cs->staff_id);
		done = kiosk_consent_flush(app) == 0
			? N_("Verification recorded.")
			: N_("Not saved yet: the records could not be written.");
		kiosk_set_state(app, cs->verify_back == KIOSK_STAFF_RECORD
				? KIOSK_STAFF_RECORD : KIOSK_STAFF_MENU);
		app->message = done;
		return KIOSK_REDRAW;
	}
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_verify_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[2];
	struct kiosk_frame f;
	char *s;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Staff verification"), NULL);
	y = f.body_y + 1;
	if (app->cs.verify_id == 0) {
		kiosk_draw_text(g, 2, y, g->w - 4, 2,
				_("No session was completed since the kiosk started. Find one under today's sessions."),
				GRID_ALERT, false);
	} else {
		s = xasprintf(_("Session %lld (receipt %s): type your staff ID, then press Enter."),
			      (long long)app->cs.verify_id, app->cs.verify_code);
		y += kiosk_draw_text(g, 2, y, g->w - 4, 3, s, GRID_NORMAL, false) + 1;
		free(s);
		s = xasprintf(_("Staff ID: %s"), app->cs.staff_id);
		grid_put(g, 4, y, s, g->w - 6, GRID_SELECTED);
		free(s);
		if (app->cs.form_why != NULL)
			kiosk_draw_text(g, 4, y + 2, g->w - 8, 2,
					app->cs.form_why, GRID_ALERT, false);
	}
	kiosk_staff_verify_buttons(app, b);
	kiosk_draw_buttons(g, b, 2);
}

const struct kiosk_state_ops kiosk_staff_verify_ops = {
	.name = "staff-verify",
	.enter = kiosk_staff_verify_enter,
	.handle = kiosk_staff_verify_handle,
	.draw = kiosk_staff_verify_draw,
	.buttons = kiosk_staff_verify_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};
