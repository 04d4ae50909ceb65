/*
 * kiosk-staff-visit: the staff's side of follow-up visits, after the PIN:
 *
 *   flags: every flag not yet acknowledged (urgent first in the banner),
 *     each a button; touching one records its acknowledgement under the
 *     staff ID typed (store_flag_ack: who and when, its own chain link).
 *     Until then a banner on the staff screens names it.
 *   pregnancy test and may prescribe: the patient, the test's date (today
 *     by default), result and setting (touch cycles them), the staff ID;
 *     "record the test" (store_test_add) and "may prescribe" for the
 *     patient's last completed visit (store_prescribe: refused, saying
 *     why, for a patient who can become pregnant without a negative test
 *     inside clinic.conf's pregnancy_test_window_days).
 *
 * Reads and writes go straight to the store (staff wait for the answer);
 * nothing here is the patient's, and it is dropped when staff leave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "i18n.h"
#include "ingate.h"
#include "kiosk-int.h"
#include "outgate.h"
#include "store-visit.h"
#include "strbuf.h"
#include "visit.h"
#include "xmalloc.h"

/* ---- open flags and the banner ---- */

#define KIOSK_FLAGS_MAX 8

struct kiosk_flags_read {
	struct strbuf text;
	size_t n, urgent;
	struct kiosk_app *app;
};

/* A stored value as staff may see it on the terminal: through the output
 * gate's terminal sink (outgate.h), "-" when NULL. A new string. */
static char *
kiosk_visit_shown(const char *v)
{
	struct strbuf sb;

	strbuf_init(&sb);
	outgate_term(&sb, v != NULL ? v : "-");
	return strbuf_detach(&sb, NULL);
}

static int
kiosk_flags_one(int64_t session, const char *ref,
		const struct store_flag_row *f, void *ctx)
{
	struct kiosk_flags_read *r = ctx;
	struct kiosk_consent *cs = &r->app->cs;
	bool urgent = f->level != NULL && strcmp(f->level, "urgent") == 0;
	char *vref = kiosk_visit_shown(ref);
	char *vsrc = kiosk_visit_shown(f->source);
	char *vent = kiosk_visit_shown(f->entry);

	if (r->n < KIOSK_FLAGS_MAX) {
		cs->flag_session[r->n] = session;
		cs->flag_seq[r->n] = f->seq;
		snprintf(cs->flag_label[r->n], sizeof cs->flag_label[r->n],
			 "%s  %s  #%lld  %s %s", urgent ? _("URGENT")
						 : _("staff"),
			 vref, (long long)session, vsrc, vent);
	}
	if (urgent && r->urgent++ == 0)
		strbuf_addf(&r->text, _("URGENT: patient %s (session %lld):"
					" %s %s. Acknowledge it under Follow-up visits in the staff menu."),
			    vref, (long long)session, vsrc, vent);
	free(vref);
	free(vsrc);
	free(vent);
	r->n++;
	return 0;
}

void
kiosk_staff_flags_load(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	struct kiosk_flags_read r = { .app = app };
	char *err = NULL;

	free(cs->flags_text);
	cs->flags_text = NULL;
	cs->nflags_open = 0;
	if (cs->store == NULL)
		return;
	strbuf_init(&r.text);
	if (store_open_flags(cs->store, kiosk_flags_one, &r, &err) != 0) {
		char *v = kiosk_visit_shown(err);

		strbuf_addf(&r.text, _("The flags cannot be read: %s"), v);
		free(v);
		free(err);
	} else if (r.urgent == 0 && r.n > 0) {
		strbuf_addf(&r.text, _("%zu flag(s) for staff: see Follow-up visits in the staff menu."),
			    r.n);
	}
	cs->nflags_open = r.n;
	if (r.text.len > 0)
		cs->flags_text = strbuf_detach(&r.text, NULL);
	else
		strbuf_done(&r.text);
}

void
kiosk_staff_banner(const struct kiosk_app *app, struct grid *g)
{
	if (app->cs.flags_text == NULL)
		return;
	grid_fill(g, 0, 1, g->w, 1, GRID_ALERT);
	grid_put(g, 1, 1, app->cs.flags_text, g->w - 2, GRID_ALERT);
}

/* ---- the patient of a new follow-up ---- */

void
kiosk_staff_visit_info(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	int64_t *ids = NULL;
	size_t n = 0, open = 0;
	char *err = NULL, t[CLOCK_MAX];
	struct store_session s;

	free(cs->visit_info);
	cs->visit_info = NULL;
	if (cs->store == NULL || !cs->form_visit || cs->ref[0] == '\0')
		return;
	if (store_patient_sessions(cs->store, cs->ref, &ids, &n, &err) != 0) {
		free(err);
		return;
	}
	if (n == 0) {
		cs->visit_info = xstrdup(_("No earlier visit of this patient on this kiosk."));
		free(ids);
		return;
	}
	store_session_init(&s);
	for (size_t i = 0; i < n; i++) {
		if (store_session_get(cs->store, ids[i], &s, &err) != 0)
			break;
		for (size_t k = 0; k < s.nflags; k++)
			open += s.flags[k].ack_staff == NULL;
	}
	free(err);
	if (s.started_at != NULL)
		cs->visit_info = xasprintf(_("Last visit: %s (%s, %s); %zu visit(s); open flags: %zu"),
			clock_format_utc(s.started_at, CLOCK_DATE, t) ? t : "-",
			s.visit != NULL && strcmp(s.visit, "follow-up") == 0
			? _("follow-up") : _("first visit"),
			s.outcome_name != NULL ? s.outcome_name : "-", n, open);
	store_session_done(&s);
	free(ids);
}

/* ---- flags ---- */

static void
kiosk_staff_flags_enter(struct kiosk_app *app)
{
	sodium_memzero(app->cs.staff_id, sizeof app->cs.staff_id);
	snprintf(app->cs.staff_id, sizeof app->cs.staff_id, "%s",
		 app->staff_keep);
	app->cs.id_typing = false;
	free(app->cs.form_why);
	app->cs.form_why = NULL;
	app->message = NULL;
	kiosk_staff_flags_load(app);
}

/* Place i of the list: 0 a new follow-up, 1 the test form, 2.. the open
 * flags; the staff ID line above them. */
#define KIOSK_FOLLOW_NEW 100
#define KIOSK_FOLLOW_TEST 101
#define KIOSK_FOLLOW_STAFF 102

static size_t
kiosk_staff_flags_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	static char labels[3 + KIOSK_FLAGS_MAX][240];
	struct kiosk_frame f;
	size_t nf = app->cs.nflags_open < KIOSK_FLAGS_MAX ? app->cs.nflags_open
							  : KIOSK_FLAGS_MAX;
	size_t n = 1;
	int y, step;

	kiosk_frame(app, &f);
	b[0] = (struct kiosk_button){ .action = KEYS_A_BACK, .label = _("Back") };
	kiosk_bar(app, b, 1);
	/* The staff ID line: touched, it takes digits too. */
	snprintf(labels[0], sizeof labels[0], app->cs.id_typing
		 ? _("Staff ID: %s") : _("Staff ID: %s (touch to type digits too)"),
		 app->cs.staff_id);
	b[n++] = (struct kiosk_button){ .x = 2, .y = f.body_y,
		.w = app->w - 4, .h = 1, .action = KEYS_A_PICK,
		.arg = KIOSK_FOLLOW_STAFF, .label = labels[0],
		.selected = app->cs.id_typing };
	y = f.body_y + 3;
	step = f.hint_y - 3 - y >= (int)(nf + 2) * 2 ? 2 : 1;
	for (size_t i = 0; i < nf + 2; i++) {
		int row = y + (int)i * step;
		char *l = labels[i + 1];

		if (row >= f.hint_y - 2)
			break;
		if (i == 0)
			snprintf(l, sizeof labels[0], "1  %s",
				 _("New follow-up visit"));
		else if (i == 1)
			snprintf(l, sizeof labels[0], "2  %s",
				 _("Pregnancy test and may prescribe"));
		else
			snprintf(l, sizeof labels[0], "%zu  %s: %s",
				 i + 1, _("Acknowledge"),
				 app->cs.flag_label[i - 2]);
		b[n++] = (struct kiosk_button){ .x = 2, .y = row,
			.w = app->w - 4, .h = 1, .action = KEYS_A_PICK,
			.arg = i == 0 ? KIOSK_FOLLOW_NEW : i == 1
			       ? KIOSK_FOLLOW_TEST : (int)i - 2,
			.label = l, .hot = i == 2 };
	}
	return n;
}

static struct kiosk_step
kiosk_staff_flags_ack(struct kiosk_app *app, size_t i)
{
	struct kiosk_consent *cs = &app->cs;
	char *err = NULL, *why = NULL, *clean;

	if (i >= cs->nflags_open || i >= KIOSK_FLAGS_MAX)
		return KIOSK_STAY;
	if (cs->staff_id[0] == '\0') {
		app->message = N_("Type your staff ID first.");
		return KIOSK_REDRAW;
	}
	clean = ingate_clean(INGATE_STAFF, cs->staff_id, strlen(cs->staff_id),
			     0, &why);
	if (clean == NULL) {
		free(cs->form_why);
		cs->form_why = why;
		return KIOSK_REDRAW;
	}
	snprintf(app->staff_keep, sizeof app->staff_keep, "%s", clean);
	if (store_flag_ack(cs->store, cs->flag_session[i], cs->flag_seq[i],
			   clean, &err) != 0) {
		free(cs->form_why);
		cs->form_why = err;
		app->message = N_("Not acknowledged (see below).");
	} else {
		free(cs->form_why);
		cs->form_why = NULL;
		app->message = N_("Acknowledged: recorded with your staff ID and the time.");
	}
	free(clean);
	kiosk_staff_flags_load(app);
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_staff_follow_pick(struct kiosk_app *app, int arg)
{
	if (arg == KIOSK_FOLLOW_STAFF) {
		app->cs.id_typing = !app->cs.id_typing;
		return KIOSK_REDRAW;
	}
	app->cs.id_typing = false;
	if (arg == KIOSK_FOLLOW_TEST) {
		/* The staff ID typed here goes along to the test form. */
		char *clean = ingate_clean(INGATE_STAFF, app->cs.staff_id,
					   strlen(app->cs.staff_id), 0, NULL);

		if (clean != NULL && clean[0] != '\0')
			snprintf(app->staff_keep, sizeof app->staff_keep,
				 "%s", clean);
		free(clean);
		return KIOSK_GO(KIOSK_STAFF_TEST);
	}
	if (arg != KIOSK_FOLLOW_NEW)
		return kiosk_staff_flags_ack(app, (size_t)arg);
	if (app->cs.on) {
		app->message = N_("End the running session first.");
		return KIOSK_REDRAW;
	}
	if (app->cs.nops > 0) {
		app->message = N_("Save the records first.");
		return KIOSK_REDRAW;
	}
	app->cs.form_visit = true;
	return KIOSK_GO(KIOSK_STAFF_NEW);
}

static struct kiosk_step
kiosk_staff_flags_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;

	if (in->ev->kind == KEYS_EV_KEY && in->ev->key == '\t') {
		cs->id_typing = !cs->id_typing;
		return KIOSK_REDRAW;
	}
	/* Digits choose from the list, unless the staff ID is being typed
	 * (its line touched, or Tab): a staff ID may hold digits. */
	if ((cs->id_typing || in->action != KEYS_A_DIGIT) &&
	    kiosk_type(cs->staff_id, sizeof cs->staff_id, in)) {
		free(cs->form_why);
		cs->form_why = NULL;
		return KIOSK_REDRAW;
	}
	switch (in->action) {
	case KEYS_A_ERASE:
		kiosk_erase(cs->staff_id);
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (!cs->id_typing)
			return KIOSK_STAY;
		cs->id_typing = false;
		return KIOSK_REDRAW;
	case KEYS_A_DIGIT:
		if (in->arg == 1)
			return kiosk_staff_follow_pick(app, KIOSK_FOLLOW_NEW);
		if (in->arg == 2)
			return kiosk_staff_follow_pick(app, KIOSK_FOLLOW_TEST);
		if (in->arg >= 3)
			return kiosk_staff_flags_ack(app, (size_t)in->arg - 3);
		return KIOSK_STAY;
	case KEYS_A_PICK:
		return kiosk_staff_follow_pick(app, in->arg);
	case KEYS_A_BACK:
		if (cs->id_typing) {
			cs->id_typing = false;
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(KIOSK_STAFF_MENU);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_flags_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[4 + KIOSK_FLAGS_MAX];
	struct kiosk_frame f;
	size_t n;
	int x, y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Follow-up visits"), NULL);
	kiosk_staff_banner(app, g);
	y = f.body_y;
	n = kiosk_staff_flags_buttons(app, b);
	/* b[1], the staff ID: a button to touch, a field with a cursor while
	 * it is typed */
	if (app->cs.id_typing) {
		x = 2 + grid_put(g, 2, y, b[1].label, g->w - 4, GRID_SELECTED);
		grid_put(g, x, y, "_", 1, GRID_SELECTED);
	} else {
		grid_fill(g, 2, y, g->w - 4, 1, GRID_BUTTON);
		grid_put(g, 3, y, b[1].label, g->w - 6, GRID_BUTTON);
	}
	kiosk_draw_text(g, 2, y + 1, g->w - 4, 2, app->cs.id_typing
			? _("Type the staff ID (digits too), then press Enter.")
			: app->cs.nflags_open > 0
			? _("Talk with the patient, then touch a flag to acknowledge it under your staff ID.")
			: _("No flag is open."),
			GRID_DIM, false);
	for (size_t i = 2; i < n; i++) {
		enum grid_style st = b[i].hot ? GRID_BUTTON_HOT : GRID_BUTTON;

		grid_fill(g, b[i].x, b[i].y, b[i].w, 1, st);
		grid_put(g, b[i].x + 1, b[i].y, b[i].label, b[i].w - 2, st);
	}
	y = f.hint_y - 2;
	if (app->cs.form_why != NULL)
		kiosk_draw_text(g, 2, y - 1, g->w - 4, 2, app->cs.form_why,
				GRID_ALERT, false);
	if (app->message != NULL)
		kiosk_draw_text(g, 2, y + 1, g->w - 4, 1, _(app->message),
				GRID_ALERT, false);
	kiosk_draw_buttons(g, b, 1);
}

const struct kiosk_state_ops kiosk_staff_flags_ops = {
	.name = "staff-followup",
	.enter = kiosk_staff_flags_enter,
	.handle = kiosk_staff_flags_handle,
	.draw = kiosk_staff_flags_draw,
	.buttons = kiosk_staff_flags_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- pregnancy test and may prescribe ---- */

enum kiosk_test_field {
	KIOSK_TEST_REF,
	KIOSK_TEST_DATE,
	KIOSK_TEST_RESULT,
	KIOSK_TEST_SETTING,
	KIOSK_TEST_STAFF,
	KIOSK_TEST_RECORD,
	KIOSK_TEST_PRESCRIBE,
	KIOSK_TEST_N
};

/* Stored as they are; shown translated. */
static const char *const kiosk_test_results[] = { N_("negative"),
						  N_("positive"),
						  N_("invalid") };
static const char *const kiosk_test_settings[] = { N_("clinic"),
						   N_("laboratory"),
						   N_("home-supervised") };

static void
kiosk_staff_test_enter(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	struct store_session s;
	char *err = NULL;

	cs->field = KIOSK_TEST_REF;
	cs->test_result = 0;
	cs->test_setting = 0;
	clock_format(clock_now_ms(), CLOCK_DATE, cs->test_date);
	sodium_memzero(cs->staff_id, sizeof cs->staff_id);
	snprintf(cs->staff_id, sizeof cs->staff_id, "%s", app->staff_keep);
	free(cs->form_why);
	cs->form_why = NULL;
	app->message = NULL;
	/* The patient of the last follow-up here, ready. */
	sodium_memzero(cs->test_ref, sizeof cs->test_ref);
	store_session_init(&s);
	if (cs->store != NULL && cs->last_follow > 0 &&
	    store_session_get(cs->store, cs->last_follow, &s, &err) == 0)
		snprintf(cs->test_ref, sizeof cs->test_ref, "%s",
			 s.patient_ref);
	free(err);
	store_session_done(&s);
	/* With the patient known, the numbers choose (1-7), not type. */
	if (cs->test_ref[0] != '\0')
		cs->field = KIOSK_TEST_RECORD;
	kiosk_staff_flags_load(app);
}

static void
kiosk_staff_test_leave(struct kiosk_app *app)
{
	sodium_memzero(app->cs.test_ref, sizeof app->cs.test_ref);
}

static const char *
kiosk_test_label(const struct kiosk_app *app, int i, char *buf, size_t n)
{
	const struct kiosk_consent *cs = &app->cs;

	switch (i) {
	case KIOSK_TEST_REF:
		snprintf(buf, n, _("Patient reference: %s"), cs->test_ref);
		break;
	case KIOSK_TEST_DATE:
		snprintf(buf, n, _("Date of the test: %s"), cs->test_date);
		break;
	case KIOSK_TEST_RESULT:
		snprintf(buf, n, _("Result: %s (touch to change)"),
			 _(kiosk_test_results[cs->test_result]));
		break;
	case KIOSK_TEST_SETTING:
		snprintf(buf, n, _("Where: %s (touch to change)"),
			 _(kiosk_test_settings[cs->test_setting]));
		break;
	case KIOSK_TEST_STAFF:
		snprintf(buf, n, _("Staff ID: %s"), cs->staff_id);
		break;
	case KIOSK_TEST_RECORD:
		snprintf(buf, n, "%s", _("Record the pregnancy test"));
		break;
	default:
		snprintf(buf, n, "%s", _("May prescribe (the patient's last completed visit)"));
		break;
	}
	return buf;
}

static size_t
kiosk_staff_test_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	static char labels[KIOSK_TEST_N][KIOSK_FIELD_MAX + 128];
	struct kiosk_frame f;
	int step;

	kiosk_frame(app, &f);
	step = f.body_h >= 2 * KIOSK_TEST_N + 6 ? 2 : 1;
	for (int i = 0; i < KIOSK_TEST_N; i++)
		b[i] = (struct kiosk_button){ .x = 2,
			.y = f.body_y + 1 + i * step, .w = app->w - 4, .h = 1,
			.action = KEYS_A_PICK, .arg = i,
			.label = kiosk_test_label(app, i, labels[i],
						  sizeof labels[i]),
			.selected = i == app->cs.field,
			.hot = i >= KIOSK_TEST_RECORD && app->cs.field == i };
	b[KIOSK_TEST_N] = (struct kiosk_button){ .action = KEYS_A_BACK,
						 .label = _("Back") };
	kiosk_bar(app, &b[KIOSK_TEST_N], 1);
	return KIOSK_TEST_N + 1;
}

/* A typed field through the input gate, into out (cap bytes); false with
 * the refusal shown. */
static bool
kiosk_test_gate(struct kiosk_app *app, enum ingate_kind k, const char *in,
		char *out, size_t cap, int field)
{
	char *why = NULL, *clean = ingate_clean(k, in, strlen(in), 0, &why);

	if (clean == NULL) {
		free(app->cs.form_why);
		app->cs.form_why = why;
		app->cs.field = field;
		return false;
	}
	snprintf(out, cap, "%s", clean);
	free(clean);
	return true;
}

static void
kiosk_test_say(struct kiosk_app *app, const char *msgid, char *detail)
{
	app->message = msgid;
	free(app->cs.form_why);
	app->cs.form_why = detail;
}

static struct kiosk_step
kiosk_test_record(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	char ref[KIOSK_FIELD_MAX], staff[KIOSK_FIELD_MAX], *err = NULL;
	char today[CLOCK_MAX];
	struct store_test t;
	int64_t d;

	if (!kiosk_test_gate(app, INGATE_REF, cs->test_ref, ref, sizeof ref,
			     KIOSK_TEST_REF) ||
	    !kiosk_test_gate(app, INGATE_STAFF, cs->staff_id, staff,
			     sizeof staff, KIOSK_TEST_STAFF))
		return KIOSK_REDRAW;
	clock_format(clock_now_ms(), CLOCK_DATE, today);
	if (!visit_date_days(cs->test_date, &d) ||
	    strcmp(cs->test_date, today) > 0) {
		kiosk_test_say(app, N_("The test was not recorded (see below)."),
			       xstrdup(visit_date_days(cs->test_date, &d)
				       ? _("The date of the test is after today.")
				       : _("The date of the test is not a date: write it as YYYY-MM-DD, e.g. 2026-12-07.")));
		cs->field = KIOSK_TEST_DATE;
		sodium_memzero(ref, sizeof ref);
		return KIOSK_REDRAW;
	}
	snprintf(app->staff_keep, sizeof app->staff_keep, "%s", staff);
	t.patient_ref = ref;
	t.date = cs->test_date;
	t.result = kiosk_test_results[cs->test_result];
	t.setting = kiosk_test_settings[cs->test_setting];
	t.staff_id = staff;
	if (store_test_add(cs->store, &t, NULL, &err) != 0)
		kiosk_test_say(app, N_("The test was not recorded (see below)."),
			       err);
	else
		kiosk_test_say(app, N_("Pregnancy test recorded."), NULL);
	sodium_memzero(ref, sizeof ref);
	return KIOSK_REDRAW;
}

/* Why the prescription may not be issued, from the store's verdict, in
 * the staff's language (caller frees); NULL for another refusal. */
static char *
kiosk_test_verdict(int verdict, int window)
{
	switch (verdict) {
	case VISIT_NO_TEST:
		return xstrdup(_("No pregnancy test is on record for this patient. Record a negative test first."));
	case VISIT_TEST_TOO_OLD:
		return xasprintf(_("No pregnancy test inside the clinic's window (%d days, today included). Test again and record it."),
				 window);
	case VISIT_TEST_POSITIVE:
		return xstrdup(_("A pregnancy test in the window is positive. A doctor decides what happens next."));
	case VISIT_TEST_INVALID:
		return xstrdup(_("The last pregnancy test is invalid. Test again and record it."));
	default:
		return NULL;
	}
}

static struct kiosk_step
kiosk_test_prescribe(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	char ref[KIOSK_FIELD_MAX], staff[KIOSK_FIELD_MAX], today[CLOCK_MAX];
	char *err = NULL;
	int64_t *ids = NULL, id = 0;
	size_t n = 0, open = 0;
	int window, verdict = -1;
	bool done = false;

	if (!kiosk_test_gate(app, INGATE_REF, cs->test_ref, ref, sizeof ref,
			     KIOSK_TEST_REF) ||
	    !kiosk_test_gate(app, INGATE_STAFF, cs->staff_id, staff,
			     sizeof staff, KIOSK_TEST_STAFF))
		return KIOSK_REDRAW;
	if (visit_days(app->bundle != NULL ? app->bundle->values : NULL,
		       "pregnancy_test_window_days", VISIT_TEST_WINDOW_DAYS,
		       1, 30, &window, &err) != 0) {
		kiosk_test_say(app, N_("Not recorded (see below)."), err);
		return KIOSK_REDRAW;
	}
	if (store_patient_sessions(cs->store, ref, &ids, &n, &err) != 0) {
		kiosk_test_say(app, N_("Not recorded (see below)."), err);
		return KIOSK_REDRAW;
	}
	for (size_t i = n; i-- > 0 && id == 0;) {
		struct store_session s;

		store_session_init(&s);
		if (store_session_get(cs->store, ids[i], &s, &err) == 0 &&
		    s.outcome == STORE_COMPLETED) {
			id = s.id;
			done = s.presc_staff != NULL;
			for (size_t k = 0; k < s.nflags; k++)
				open += s.flags[k].ack_staff == NULL;
		}
		free(err);
		err = NULL;
		store_session_done(&s);
	}
	free(ids);
	if (id == 0) {
		kiosk_test_say(app, N_("This patient has no completed visit."),
			       NULL);
		return KIOSK_REDRAW;
	}
	/* What staff can act on, in their language; the store checks all
	 * of it again and has the last word. */
	if (done) {
		kiosk_test_say(app, N_("May prescribe is already recorded for this patient's last visit."),
			       NULL);
		return KIOSK_REDRAW;
	}
	if (open > 0) {
		kiosk_test_say(app, N_("May prescribe is refused: acknowledge this patient's open flags first (Back, then touch each flag)."),
			       NULL);
		return KIOSK_REDRAW;
	}
	snprintf(app->staff_keep, sizeof app->staff_keep, "%s", staff);
	clock_format(clock_now_ms(), CLOCK_DATE, today);
	if (store_prescribe(cs->store, id, staff, today, window, &verdict,
			    &err) != 0) {
		char *why = kiosk_test_verdict(verdict, window);

		if (why != NULL) {
			free(err);
			err = why;
		}
		kiosk_test_say(app, N_("May prescribe is refused (see below)."),
			       err);
	} else {
		kiosk_test_say(app, N_("May prescribe: recorded."), NULL);
	}
	sodium_memzero(ref, sizeof ref);
	return KIOSK_REDRAW;
}

static char *
kiosk_test_text(struct kiosk_consent *cs, int field)
{
	switch (field) {
	case KIOSK_TEST_REF: return cs->test_ref;
	case KIOSK_TEST_DATE: return cs->test_date;
	case KIOSK_TEST_STAFF: return cs->staff_id;
	default: return NULL;
	}
}

static struct kiosk_step
kiosk_test_choose(struct kiosk_app *app, int field)
{
	struct kiosk_consent *cs = &app->cs;

	cs->field = field;
	switch (field) {
	case KIOSK_TEST_RESULT:
		cs->test_result = (cs->test_result + 1) % 3;
		return KIOSK_REDRAW;
	case KIOSK_TEST_SETTING:
		cs->test_setting = (cs->test_setting + 1) % 3;
		return KIOSK_REDRAW;
	case KIOSK_TEST_RECORD:
		return kiosk_test_record(app);
	case KIOSK_TEST_PRESCRIBE:
		return kiosk_test_prescribe(app);
	default:
		return KIOSK_REDRAW;
	}
}

static struct kiosk_step
kiosk_staff_test_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	char *text = kiosk_test_text(cs, cs->field);
	size_t cap = cs->field == KIOSK_TEST_DATE ? 11 : KIOSK_FIELD_MAX;

	if (in->ev->kind == KEYS_EV_KEY && in->ev->key == '\t') {
		cs->field = (cs->field + 1) % KIOSK_TEST_N;
		return KIOSK_REDRAW;
	}
	if (text != NULL && kiosk_type(text, cap, in)) {
		free(cs->form_why);
		cs->form_why = NULL;
		return KIOSK_REDRAW;
	}
	if (text == NULL && in->action == KEYS_A_DIGIT && in->arg >= 1 &&
	    in->arg <= KIOSK_TEST_N)
		return kiosk_test_choose(app, in->arg - 1);
	switch (in->action) {
	case KEYS_A_ERASE:
		if (text != NULL)
			kiosk_erase(text);
		return KIOSK_REDRAW;
	case KEYS_A_UP:
		cs->field = (cs->field + KIOSK_TEST_N - 1) % KIOSK_TEST_N;
		return KIOSK_REDRAW;
	case KEYS_A_DOWN:
		cs->field = (cs->field + 1) % KIOSK_TEST_N;
		return KIOSK_REDRAW;
	case KEYS_A_ACTIVATE:
		if (text != NULL) {
			cs->field++;
			return KIOSK_REDRAW;
		}
		return kiosk_test_choose(app, cs->field);
	case KEYS_A_PICK:
		return kiosk_test_choose(app, in->arg);
	case KEYS_A_BACK:
		return KIOSK_GO(KIOSK_STAFF_FLAGS);
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_staff_test_draw(const struct kiosk_app *app, struct grid *g)
{
	struct kiosk_button b[KIOSK_TEST_N + 1];
	struct kiosk_frame f;
	size_t n;
	int y;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, _("Pregnancy test and may prescribe"), NULL);
	kiosk_staff_banner(app, g);
	n = kiosk_staff_test_buttons(app, b);
	for (size_t i = 0; i + 1 < n; i++) {
		enum grid_style st = b[i].hot ? GRID_BUTTON_HOT
				     : b[i].selected ? GRID_SELECTED
				     : i >= KIOSK_TEST_RECORD ? GRID_BUTTON
				     : GRID_NORMAL;
		char num[32];
		int x;

		grid_fill(g, b[i].x, b[i].y, b[i].w, 1, st);
		snprintf(num, sizeof num, "%zu  ", i + 1);
		x = b[i].x + grid_put(g, b[i].x, b[i].y, num, 4, st);
		x += grid_put(g, x, b[i].y, b[i].label, b[i].w - (x - b[i].x),
			      st);
		if (b[i].selected && kiosk_test_text((struct kiosk_consent *)
						     &app->cs, (int)i) != NULL)
			grid_put(g, x, b[i].y, "_", 1, st);
	}
	y = b[n - 2].y + 2;
	if (app->message != NULL)
		y += kiosk_draw_text(g, 2, y, g->w - 4, 2, _(app->message),
				     GRID_ALERT, false);
	if (app->cs.form_why != NULL)
		kiosk_draw_text(g, 2, y, g->w - 4, f.hint_y - y,
				app->cs.form_why, GRID_ALERT, false);
	kiosk_draw_buttons(g, b + n - 1, 1);
}

const struct kiosk_state_ops kiosk_staff_test_ops = {
	.name = "staff-test",
	.enter = kiosk_staff_test_enter,
	.leave = kiosk_staff_test_leave,
	.handle = kiosk_staff_test_handle,
	.draw = kiosk_staff_test_draw,
	.buttons = kiosk_staff_test_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};
