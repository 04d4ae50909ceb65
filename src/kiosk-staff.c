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
#include "kiosk-int.h"
#include "pin.h"
#include "store.h"
#include "xmalloc.h"

/* ---- PIN ---- */

static void
kiosk_pin_clear(struct kiosk_app *app)
{
	pin_wipe(app->pin, sizeof app->pin);
	app->pinlen = 0;
}

static void
kiosk_pin_enter(struct kiosk_app *app)
{
	kiosk_pin_clear(app);
	app->message = NULL;
}

static void
kiosk_pin_leave(struct kiosk_app *app)
{
	kiosk_pin_clear(app);
}

static size_t
kiosk_pin_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Cancel") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE, .label = _("OK") };
	kiosk_bar(app, b, 2);
	return 2;
}

static int
kiosk_pin_wait(const struct kiosk_app *app)
{
	double left = app->pin_wait_until - app->now;

	return left <= 0 ? 0 : (int)(left + 0.999);
}

static struct kiosk_step
kiosk_pin_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	bool waiting = kiosk_pin_wait(app) > 0;

	switch (in->action) {
	case KEYS_A_DIGIT:
		if (waiting || app->pinlen >= PIN_MAX_LEN)
			return KIOSK_STAY;
		app->pin[app->pinlen++] = (char)('0' + in->arg);
		app->pin[app->pinlen] = '\0';
		return KIOSK_REDRAW;
	case KEYS_A_ERASE:
		if (app->pinlen > 0)
			app->pin[--app->pinlen] = '\0';
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (waiting || app->pinlen == 0)
			return KIOSK_STAY;
		if (pin_verify(app->cfg->pin_hash, app->pin, app->pinlen)) {
			app->pin_fails = 0;
			kiosk_pin_clear(app);
			return KIOSK_GO(KIOSK_STAFF_MENU);
		}
		app->pin_fails++;
		app->pin_wait_until = app->now + pin_delay(app->pin_fails);
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
	struct kiosk_button b[2];
	struct kiosk_frame f;
	char stars[PIN_MAX_LEN + 1];
	int y, wait = kiosk_pin_wait(app);

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Staff"), NULL);
	y = f.body_y + 1;
	y += kiosk_draw_text(g, 2, y, g->w - 4, 3,
		_("Enter the staff PIN, then press Enter. Esc cancels."),
		GRID_NORMAL, false) + 1;
	memset(stars, '*', app->pinlen);
	stars[app->pinlen] = '\0';
	grid_put(g, 4, y, _("PIN:"), 10, GRID_BOLD);
	grid_put(g, 4 + grid_strwidth(_("PIN:"), g->ambiguous) + 1, y, stars, -1,
		 GRID_BOLD);
	y += 2;
	if (app->message != NULL) {
		char *msg = wait > 0
			? xasprintf(_("%s Please wait %d seconds (wrong PINs: %d)."),
				    _(app->message), wait, app->pin_fails)
			: xasprintf(_("%s Try again (wrong PINs: %d)."),
				    _(app->message), app->pin_fails);

		kiosk_draw_text(g, 2, y, g->w - 4, 3, msg, GRID_ALERT, false);
		free(msg);
	}
	kiosk_pin_buttons(app, b);
	kiosk_draw_buttons(g, b, 2);
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

enum kiosk_staff_item {
	KIOSK_STAFF_EXIT,
	KIOSK_STAFF_RELOAD,
	KIOSK_STAFF_LANG,
	KIOSK_STAFF_BACK,
	KIOSK_STAFF_SESSION, /* new consent session, or end the running one */
	KIOSK_STAFF_VERIFY_LAST,
	KIOSK_STAFF_SAVE,
	KIOSK_STAFF_NITEMS
};

/* The consent items only with a records database. */
static int
kiosk_staff_nitems(const struct kiosk_app *app)
{
	return app->cs.store != NULL ? KIOSK_STAFF_NITEMS : KIOSK_STAFF_SESSION;
}

static void
kiosk_staff_enter(struct kiosk_app *app)
{
	app->staff_sel = 0;
	app->message = NULL;
}

static const char *
kiosk_staff_label(const struct kiosk_app *app, int i)
{
	static char buf[128];
	const struct bundle_lang *l;

	switch (i) {
	case KIOSK_STAFF_EXIT:
		return _("1  Exit the kiosk");
	case KIOSK_STAFF_RELOAD:
		return _("2  Reload the content");
	case KIOSK_STAFF_LANG:
		l = app->bundle != NULL && app->staff_lang < app->bundle->nlangs
		    ? &app->bundle->langs[app->staff_lang] : NULL;
		snprintf(buf, sizeof buf, _("3  Start language: %s"),
			 l != NULL ? l->name : "-");
		return buf;
	case KIOSK_STAFF_BACK:
		return app->cs.on ? _("4  Back to the session")
				  : _("4  Back to the kiosk");
	case KIOSK_STAFF_SESSION:
		return app->cs.on ? _("5  End this session (recorded as abandoned)")
				  : _("5  New consent session");
	case KIOSK_STAFF_VERIFY_LAST:
		return _("6  Staff verification of the last session");
	default:
		snprintf(buf, sizeof buf, _("7  Save the records now (%zu waiting)"),
			 app->cs.nops);
		return buf;
	}
}

static size_t
kiosk_staff_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	struct kiosk_frame f;

	static char labels[KIOSK_STAFF_NITEMS][160];
	int n = kiosk_staff_nitems(app);

	kiosk_frame(app, &f);
	for (int i = 0; i < n; i++) {
		snprintf(labels[i], sizeof labels[i], "%s", kiosk_staff_label(app, i));
		b[i] = (struct kiosk_button){ .action = KEYS_A_PICK, .arg = i,
			.label = labels[i], .selected = i == app->staff_sel };
	}
	kiosk_stack(app, b, (size_t)n, f.body_y + 1, f.body_h - 3);
	if (n > KIOSK_STAFF_SESSION) /* room for the error, longer labels */
		for (int i = 0; i < n; i++) {
			b[i].w = app->w - 4 < 50 ? app->w - 4 : 50;
			b[i].x = (app->w - b[i].w) / 2;
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
kiosk_staff_do(struct kiosk_app *app, int item)
{
	switch (item) {
	case KIOSK_STAFF_EXIT:
		/* A running session is recorded as abandoned; what cannot be
		 * written now keeps the kiosk running (saved once space
		 * returns), unless staff insist (exit again). */
		if (kiosk_consent_finish(app, "kiosk exited by staff") < 0 &&
		    app->message != kiosk_staff_unsaved) {
			app->message = kiosk_staff_unsaved;
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(KIOSK_QUIT);
	case KIOSK_STAFF_RELOAD:
		return kiosk_staff_reload(app);
	case KIOSK_STAFF_LANG:
		if (app->bundle != NULL && app->bundle->nlangs > 0)
			app->staff_lang = (app->staff_lang + 1) % app->bundle->nlangs;
		return KIOSK_REDRAW;
	case KIOSK_STAFF_BACK:
		if (app->cs.on || app->cs.nops > 0)
			return KIOSK_GO(KIOSK_RESUME);
		kiosk_reset(app);
		return KIOSK_GO(KIOSK_WELCOME);
	case KIOSK_STAFF_SESSION:
		if (app->cs.store == NULL)
			return KIOSK_STAY;
		if (app->cs.on) {
			kiosk_consent_end(app, STORE_ABANDONED, "ended by staff");
			kiosk_reset(app);
			app->message = N_("The session was ended and recorded as abandoned.");
			return KIOSK_REDRAW;
		}
		if (app->cs.nops > 0) {
			app->message = N_("Save the records first (7).");
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(KIOSK_STAFF_NEW);
	case KIOSK_STAFF_VERIFY_LAST:
		return app->cs.store != NULL ? KIOSK_GO(KIOSK_STAFF_VERIFY) : KIOSK_STAY;
	case KIOSK_STAFF_SAVE:
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
kiosk_staff_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	switch (in->action) {
	case KEYS_A_DIGIT:
		return kiosk_staff_do(app, in->arg - 1);
	case KEYS_A_PICK:
		return kiosk_staff_do(app, in->arg);
	case KEYS_A_UP:
		app->staff_sel = (app->staff_sel + kiosk_staff_nitems(app) - 1) %
				 kiosk_staff_nitems(app);
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		app->staff_sel = (app->staff_sel + 1) % kiosk_staff_nitems(app);
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		return kiosk_staff_do(app, app->staff_sel);
	case KEYS_A_BACK:
		return kiosk_staff_do(app, KIOSK_STAFF_BACK);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_STAFF_NITEMS];
	struct kiosk_frame f;
	size_t n;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Staff menu"), NULL);
	n = kiosk_staff_buttons(app, b);
	kiosk_draw_buttons(g, b, n);
	if (app->cs.error != NULL && app->cs.nops > 0) {
		/* The exact error, for staff only. */
		char *e = xasprintf(_("Not saved (%zu records waiting): %s"),
				    app->cs.nops, app->cs.error);

		kiosk_draw_text(g, 2, f.hint_y - 4, g->w - 4, 2, e, GRID_ALERT, false);
		free(e);
	}
	if (app->message != NULL)
		kiosk_draw_text(g, 2, f.hint_y - 2, g->w - 4, 2, _(app->message),
				GRID_ALERT, true);
	else if (app->demo)
		kiosk_draw_text(g, 2, f.hint_y - 2, g->w - 4, 2,
			_("Demo mode: no staff PIN is set (isokiosk staff set-pin)."),
			GRID_ALERT, true);
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

enum kiosk_form_field {
	KIOSK_FORM_REF,
	KIOSK_FORM_STAFF,
	KIOSK_FORM_PROFILE,
	KIOSK_FORM_MINOR,
	KIOSK_FORM_LANG,
	KIOSK_FORM_START,
	KIOSK_FORM_N
};

static void
kiosk_staff_new_enter(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;

	sodium_memzero(cs->ref, sizeof cs->ref);
	cs->field = KIOSK_FORM_REF;
	cs->form_lang = app->lang;
	cs->pregnancy = false;
	cs->minor = false;
	app->message = NULL;
	if (cs->staff[0] == '\0' && cs->default_staff != NULL)
		snprintf(cs->staff, sizeof cs->staff, "%s", cs->default_staff);
}

static const char *
kiosk_form_label(const struct kiosk_app *app, int i, char *buf, size_t n)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l;

	switch (i) {
	case KIOSK_FORM_REF:
		snprintf(buf, n, _("Patient reference: %s"), cs->ref);
		break;
	case KIOSK_FORM_STAFF:
		snprintf(buf, n, _("Staff ID: %s"), cs->staff);
		break;
	case KIOSK_FORM_PROFILE:
		snprintf(buf, n, _("Profile: %s"), cs->pregnancy
			 ? _("can become pregnant") : _("cannot become pregnant"));
		break;
	case KIOSK_FORM_MINOR:
		snprintf(buf, n, _("Minor (a guardian signs too): %s"),
			 cs->minor ? _("yes") : _("no"));
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
	static char labels[KIOSK_FORM_N][KIOSK_FIELD_MAX + 64];
	struct kiosk_frame f;
	int step;

	kiosk_frame(app, &f);
	step = f.body_h >= 2 * KIOSK_FORM_N + 2 ? 2 : 1;
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

static struct kiosk_step
kiosk_form_toggle(struct kiosk_app *app, int field)
{
	struct kiosk_consent *cs = &app->cs;

	cs->field = field;
	switch (field) {
	case KIOSK_FORM_PROFILE:
		cs->pregnancy = !cs->pregnancy;
		break;
	case KIOSK_FORM_MINOR:
		cs->minor = !cs->minor;
		break;
	case KIOSK_FORM_LANG:
		if (app->bundle != NULL && app->bundle->nlangs > 0)
			cs->form_lang = (cs->form_lang + 1) % app->bundle->nlangs;
		break;
	case KIOSK_FORM_START: {
		char ref[KIOSK_FIELD_MAX], staff[KIOSK_FIELD_MAX];
		bool minor = cs->minor;
		const char *profile = cs->pregnancy ? "pregnancy" : "no-pregnancy";
		int rc;

		if (cs->ref[0] == '\0') {
			app->message = N_("Type the patient reference first.");
			cs->field = KIOSK_FORM_REF;
			return KIOSK_REDRAW;
		}
		if (cs->staff[0] == '\0') { /* who handed it over, on record */
			app->message = N_("Type your staff ID first.");
			cs->field = KIOSK_FORM_STAFF;
			return KIOSK_REDRAW;
		}
		kiosk_use_lang(app, cs->form_lang);
		memcpy(ref, cs->ref, sizeof ref);
		memcpy(staff, cs->staff, sizeof staff);
		rc = kiosk_consent_start(app, ref, profile, minor, staff);
		sodium_memzero(ref, sizeof ref);
		sodium_memzero(staff, sizeof staff);
		if (rc < 0) {
			app->message = N_("The session could not be started (see below).");
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(app->state);
	}
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
	if (text != NULL && kiosk_type(text, KIOSK_FIELD_MAX, in))
		return KIOSK_REDRAW;
	if (text == NULL && in->action == KEYS_A_DIGIT && in->arg >= 1 &&
	    in->arg <= KIOSK_FORM_N)
		return kiosk_form_toggle(app, in->arg - 1);
	switch (in->action) {
	case KEYS_A_ERASE:
		if (text != NULL)
			kiosk_erase(text);
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

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("New consent session"), NULL);
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
	if (app->message != NULL)
		kiosk_draw_text(g, 2, f.hint_y - 2, g->w - 4, 1, _(app->message),
				GRID_ALERT, false);
	if (app->cs.error != NULL && app->message != NULL)
		kiosk_draw_text(g, 2, f.hint_y - 1, g->w - 4, 1, app->cs.error,
				GRID_ALERT, false);
	kiosk_draw_buttons(g, b + n - 1, 1);
}

const struct kiosk_state_ops kiosk_staff_new_ops = {
	.name = "staff-new",
	.enter = kiosk_staff_new_enter,
	.handle = kiosk_staff_new_handle,
	.draw = kiosk_staff_new_draw,
	.buttons = kiosk_staff_new_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- staff: verification of the last session ---- */

static void
kiosk_staff_verify_enter(struct kiosk_app *app)
{
	sodium_memzero(app->cs.staff_id, sizeof app->cs.staff_id);
	app->message = NULL;
}

static size_t
kiosk_staff_verify_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Cancel") };
	b[1] = (struct kiosk_button){ .action = KEYS_A_ACTIVATE,
		.label = _("Verify"), .hot = app->cs.staff_id[0] != '\0' };
	kiosk_bar(app, b, 2);
	return 2;
}

static struct kiosk_step
kiosk_staff_verify_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_op *op;

	if (kiosk_type(cs->staff_id, sizeof cs->staff_id, in))
		return KIOSK_REDRAW;
	switch (in->action) {
	case KEYS_A_ERASE:
		kiosk_erase(cs->staff_id);
		return KIOSK_REDRAW;
	case KEYS_A_BACK:
		return KIOSK_GO(KIOSK_STAFF_MENU);
	case KEYS_A_ACTIVATE:
		if (cs->staff_id[0] == '\0' || cs->last_done == 0)
			return KIOSK_STAY;
		op = kiosk_consent_op(app, KIOSK_OP_VERIFY);
		op->n[0] = cs->last_done;
		op->s[0] = xstrdup(cs->staff_id);
		sodium_memzero(cs->staff_id, sizeof cs->staff_id);
		kiosk_set_state(app, KIOSK_STAFF_MENU);
		app->message = kiosk_consent_flush(app) == 0
			? N_("Verification recorded.")
			: N_("Not saved yet: the records could not be written.");
		return KIOSK_REDRAW;
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
	if (app->cs.last_done == 0) {
		kiosk_draw_text(g, 2, y, g->w - 4, 2,
				_("No session was completed since the kiosk started."),
				GRID_ALERT, false);
	} else {
		s = xasprintf(_("Session %lld (receipt %s): type your staff ID, then press Enter."),
			      (long long)app->cs.last_done, app->cs.receipt);
		y += kiosk_draw_text(g, 2, y, g->w - 4, 3, s, GRID_NORMAL, false) + 1;
		free(s);
		s = xasprintf(_("Staff ID: %s"), app->cs.staff_id);
		grid_put(g, 4, y, s, g->w - 6, GRID_SELECTED);
		free(s);
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
