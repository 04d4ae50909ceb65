/*
 * kiosk-records: the staff's records inside the kiosk, so that a day runs
 * without a shell. Two states:
 *
 *   staff-records  today's sessions, newest first (time, patient
 *                  reference, profile, outcome, receipt code, and the
 *                  reason when one stopped), a page at a time; a search
 *                  field takes a receipt code as the patient saw it (the
 *                  session opens) or a patient reference (every session
 *                  of that reference is listed, not only today's)
 *   staff-record   one session as `records show` prints it (rectext.h:
 *                  every attempt, every statement, the signatures, the
 *                  seal), scrolled as a page, with Countersign (the staff
 *                  verification form, for this session) and Print the
 *                  patient's copy (receipt.h, through print_command: a
 *                  failure is shown with the printer program's own words,
 *                  and the record is never touched, so printing again is
 *                  always possible)
 *
 * Everything is read from the store when a screen opens and dropped when
 * staff leave (struct kiosk_records). Every row, the page, its scroll
 * column and the bar are touchable; keys work too (↑/↓, PgUp/PgDn, Enter,
 * Esc). What is shown of a record is made visible first: a damaged or
 * edited database cannot send a control character to the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "i18n.h"
#include "kiosk-int.h"
#include "outgate.h"
#include "receipt.h"
#include "rectext.h"
#include "store.h"
#include "strbuf.h"
#include "xmalloc.h"

/* ---- the data ---- */

static void
kiosk_records_free_rows(struct kiosk_records *r)
{
	for (size_t i = 0; i < r->n; i++)
		rectext_row_done(&r->rows[i]);
	free(r->rows);
	r->rows = NULL;
	r->n = r->sel = r->top = 0;
}

static void
kiosk_records_note(struct kiosk_records *r, char *note)
{
	free(r->note);
	r->note = note;
}

/* Forget everything read (leaving the records screens). */
static void
kiosk_records_forget(struct kiosk_app *app)
{
	struct kiosk_records *r = &app->rec;

	kiosk_records_free_rows(r);
	kiosk_records_note(r, NULL);
	free(r->text);
	kiosk_page_free(&r->page);
	memset(r, 0, sizeof *r);
}

struct kiosk_records_walk {
	struct kiosk_records *r;
	size_t cap;
	const char *ref; /* keep only this reference (a search), or NULL */
};

static int
kiosk_records_one(const struct store_session *s, void *ctx)
{
	struct kiosk_records_walk *w = ctx;
	struct kiosk_records *r = w->r;

	if (w->ref != NULL && (s->patient_ref == NULL ||
			       strstr(s->patient_ref, w->ref) == NULL))
		return 0;
	if (r->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		r->rows = xreallocarray(r->rows, w->cap, sizeof *r->rows);
	}
	rectext_row_init(&r->rows[r->n++], s);
	return 0;
}

/* Newest first: the session staff look for is usually the last one. */
static void
kiosk_records_reverse(struct kiosk_records *r)
{
	for (size_t i = 0; i < r->n / 2; i++) {
		struct rectext_row t = r->rows[i];

		r->rows[i] = r->rows[r->n - 1 - i];
		r->rows[r->n - 1 - i] = t;
	}
}

/* Read sessions: today's (ref NULL), or every one whose reference holds
 * ref. */
static void
kiosk_records_load(struct kiosk_app *app, const char *ref)
{
	struct kiosk_records *r = &app->rec;
	struct kiosk_records_walk w = { r, 0, ref };
	char since[CLOCK_MAX], *err = NULL;
	int64_t start = clock_day_start(clock_now_ms());
	time_t t = (time_t)(start / 1000);
	struct tm tm;

	kiosk_records_free_rows(r);
	kiosk_records_note(r, NULL);
	if (app->cs.store == NULL)
		return;
	gmtime_r(&t, &tm);
	strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	if (store_each(app->cs.store, ref != NULL ? NULL : since,
		       kiosk_records_one, &w, &err) != 0) {
		kiosk_records_note(r, err);
		return;
	}
	kiosk_records_reverse(r);
}

/*
 * The text of a record made visible through the output gate's terminal
 * sink (outgate.h), line by line: control characters, invalid bytes, C1,
 * bidi and invisible characters are shown as \x1b, <U+202E> and so on, as
 * `records show` prints them, so nothing stored can act on the terminal or
 * reorder what staff read. A new string; caller frees.
 */
static char *
kiosk_records_visible(const char *s)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (;;) {
		size_t n = strcspn(s, "\n");

		outgate_term_n(&sb, s, n);
		if (s[n] == '\0')
			break;
		strbuf_addch(&sb, '\n');
		s += n + 1;
	}
	return strbuf_detach(&sb, NULL);
}

/* The same, in place of *sp. */
static void
kiosk_records_make_visible(char **sp)
{
	char *v = kiosk_records_visible(*sp);

	free(*sp);
	*sp = v;
}

/* Lay the open record out at the current width. */
static void
kiosk_records_layout(struct kiosk_app *app)
{
	struct kiosk_records *r = &app->rec;
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	if (r->page != NULL && r->page_w == app->w && r->page_h == app->h)
		return;
	kiosk_page_free(&r->page);
	r->page_w = app->w;
	r->page_h = app->h;
	if (r->text == NULL)
		return;
	r->page = kiosk_page_new(f.text_w, f.wide_w);
	for (const char *p = r->text; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);

		/* the labels of `records show` start a line; what belongs to
		 * them is indented */
		kiosk_page_add_text(r->page, *line != '\0' ? line : " ",
				    *line != ' ' && *line != '\0' ? GRID_BOLD
								  : GRID_NORMAL,
				    app->ambiguous);
		free(line);
		p += n;
		if (*p == '\n')
			p++;
	}
	r->ptop = kiosk_page_clamp(app, r->page, r->ptop);
}

/* Read session id whole, as `records show` prints it. */
static void
kiosk_records_read(struct kiosk_app *app, int64_t id)
{
	struct kiosk_records *r = &app->rec;
	struct store_session s;
	struct rectext_questions q;
	struct strbuf out;
	char *err = NULL;
	int rc;

	free(r->text);
	r->text = NULL;
	kiosk_page_free(&r->page);
	r->open = id;
	r->sealed = false;
	snprintf(r->code, sizeof r->code, "-");
	store_session_init(&s);
	rc = store_session_get(app->cs.store, id, &s, &err);
	if (rc != 0) {
		r->text = rc == 1 ? xasprintf("no session %lld", (long long)id)
				  : err;
		if (rc == 1)
			free(err);
		kiosk_records_make_visible(&r->text);
		store_session_done(&s);
		return;
	}
	rectext_questions_init(&q);
	if (rectext_questions_load(&q, app->cs.store, &err) != 0) {
		free(err);
		err = NULL;
	}
	strbuf_init(&out);
	rectext_show(&out, app->cs.store, &s, &q);
	r->text = strbuf_detach(&out, NULL);
	strbuf_done(&out);
	kiosk_records_make_visible(&r->text);
	rectext_code(s.seal_hash, r->code);
	r->sealed = s.seal_hash != NULL;
	rectext_questions_done(&q);
	store_session_done(&s);
}

/* ---- the list ---- */

/* Rows a session takes in the list (for fingers): its line, then the
 * reason (or nothing). */
#define KIOSK_REC_ROWS 2

static int
kiosk_records_list_y(const struct kiosk_app *app)
{
	struct kiosk_frame f;

	kiosk_frame(app, &f);
	return f.body_y + 3;
}

/* Sessions per page. */
static size_t
kiosk_records_per_page(const struct kiosk_app *app)
{
	struct kiosk_frame f;
	int rows;

	kiosk_frame(app, &f);
	rows = f.hint_y - kiosk_records_list_y(app) - 1;
	return rows >= KIOSK_REC_ROWS ? (size_t)(rows / KIOSK_REC_ROWS) : 1;
}

static void
kiosk_records_enter(struct kiosk_app *app)
{
	/* Back from a record: the list as it was. */
	if (app->rec.rows != NULL || app->rec.searching)
		return;
	kiosk_records_load(app, NULL);
	app->message = NULL;
}

static const char *
kiosk_records_outcome(const char *o)
{
	if (strcmp(o, "completed") == 0)
		return _("completed");
	if (strcmp(o, "stopped") == 0)
		return _("stopped (staff called)");
	if (strcmp(o, "abandoned") == 0)
		return _("abandoned");
	if (strcmp(o, "timed-out") == 0)
		return _("timed out");
	if (strcmp(o, "open") == 0)
		return _("in progress");
	return o;
}

static const char *
kiosk_records_profile(const char *p)
{
	if (strcmp(p, "pregnancy") == 0)
		return _("can become pregnant");
	if (strcmp(p, "no-pregnancy") == 0)
		return _("cannot become pregnant");
	return p;
}

enum {
	KIOSK_REC_BACK = -1,
	KIOSK_REC_PREV = -2,
	KIOSK_REC_NEXT = -3,
	KIOSK_REC_SEARCH = -4,
	KIOSK_REC_FIELD = -5,
	KIOSK_REC_TODAY = -6,
};

static size_t
kiosk_records_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	const struct kiosk_records *r = &app->rec;
	struct kiosk_frame f;
	size_t n = 0, per = kiosk_records_per_page(app);
	int y = kiosk_records_list_y(app);

	kiosk_frame(app, &f);
	b[n++] = (struct kiosk_button){ .x = 2, .y = f.body_y, .w = app->w - 4,
		.h = 2, .action = KEYS_A_PICK, .arg = KIOSK_REC_FIELD };
	for (size_t i = r->top; i < r->n && i < r->top + per; i++) {
		b[n++] = (struct kiosk_button){ .x = 1, .y = y, .w = app->w - 2,
			.h = KIOSK_REC_ROWS, .action = KEYS_A_PICK, .arg = (int)i,
			.selected = i == r->sel };
		y += KIOSK_REC_ROWS;
	}
	{
		struct kiosk_button *bar = &b[n];
		size_t k = 0;

		bar[k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
			.arg = KIOSK_REC_BACK, .label = _("Back") };
		bar[k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
			.arg = KIOSK_REC_PREV, .label = _("Previous page") };
		bar[k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
			.arg = KIOSK_REC_NEXT, .label = _("Next page") };
		if (r->searching)
			bar[k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
				.arg = KIOSK_REC_TODAY, .label = _("Today") };
		else
			bar[k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
				.arg = KIOSK_REC_SEARCH, .label = _("Search"),
				.hot = r->search[0] != '\0' };
		kiosk_bar(app, bar, k);
		n += k;
	}
	return n;
}

static struct kiosk_step
kiosk_records_open(struct kiosk_app *app, int64_t id)
{
	app->rec.open = id;
	app->rec.ptop = 0;
	return KIOSK_GO(KIOSK_STAFF_RECORD);
}

/* The search: a receipt code opens its session; else the sessions of
 * that patient reference are listed. */
static struct kiosk_step
kiosk_records_search(struct kiosk_app *app)
{
	struct kiosk_records *r = &app->rec;
	char digits[65], *err = NULL;
	int64_t id;

	if (r->search[0] == '\0') {
		kiosk_records_note(r, xstrdup(_("Type a receipt code or a patient reference first.")));
		return KIOSK_REDRAW;
	}
	if (store_code_digits(r->search, digits, &err) >= 0) {
		int rc = store_find_code(app->cs.store, r->search, &id, &err);

		if (rc == 0)
			return kiosk_records_open(app, id);
		if (rc < 0) { /* two sessions share those digits, or an error */
			kiosk_records_note(r, err);
			return KIOSK_REDRAW;
		}
	}
	free(err);
	kiosk_records_load(app, r->search);
	r->searching = true;
	if (r->note == NULL)
		kiosk_records_note(r, r->n == 0
			? xasprintf(_("No session has the receipt code or patient reference \"%s\"."), r->search)
			: xasprintf(_("Sessions of patient reference \"%s\": %zu."), r->search, r->n));
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_records_page(struct kiosk_app *app, bool next)
{
	struct kiosk_records *r = &app->rec;
	size_t per = kiosk_records_per_page(app);

	if (next && r->top + per < r->n)
		r->top += per;
	else if (!next)
		r->top = r->top >= per ? r->top - per : 0;
	if (r->sel < r->top || r->sel >= r->top + per)
		r->sel = r->top;
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_records_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_records *r = &app->rec;
	size_t per = kiosk_records_per_page(app);

	if (kiosk_type(r->search, sizeof r->search, in)) {
		kiosk_records_note(r, NULL);
		return KIOSK_REDRAW;
	}
	switch (in->action) {
	case KEYS_A_ERASE:
		kiosk_erase(r->search);
		return KIOSK_REDRAW;
	case KEYS_A_UP:
	case KEYS_A_DOWN:
		if (r->n == 0)
			return KIOSK_STAY;
		if (in->action == KEYS_A_UP && r->sel > 0)
			r->sel--;
		else if (in->action == KEYS_A_DOWN && r->sel + 1 < r->n)
			r->sel++;
		if (r->sel < r->top)
			r->top = r->sel;
		else if (r->sel >= r->top + per)
			r->top = r->sel + 1 - per;
		return KIOSK_REDRAW;
	case KEYS_A_PAGE_UP:
		return kiosk_records_page(app, false);
	case KEYS_A_PAGE_DOWN:
		return kiosk_records_page(app, true);
	case KEYS_A_ACTIVATE:
		if (r->search[0] != '\0')
			return kiosk_records_search(app);
		return r->n > 0 ? kiosk_records_open(app, r->rows[r->sel].id)
				: KIOSK_STAY;
	case KEYS_A_BACK:
		if (r->searching || r->search[0] != '\0') {
			r->search[0] = '\0';
			r->searching = false;
			kiosk_records_load(app, NULL);
			return KIOSK_REDRAW;
		}
		return KIOSK_GO(KIOSK_STAFF_MENU);
	case KEYS_A_PICK:
		switch (in->arg) {
		case KIOSK_REC_BACK:
			return KIOSK_GO(KIOSK_STAFF_MENU);
		case KIOSK_REC_PREV:
			return kiosk_records_page(app, false);
		case KIOSK_REC_NEXT:
			return kiosk_records_page(app, true);
		case KIOSK_REC_SEARCH:
			return kiosk_records_search(app);
		case KIOSK_REC_TODAY:
			r->search[0] = '\0';
			r->searching = false;
			kiosk_records_load(app, NULL);
			return KIOSK_REDRAW;
		case KIOSK_REC_FIELD:
			return KIOSK_STAY;
		default:
			if (in->arg >= 0 && (size_t)in->arg < r->n) {
				r->sel = (size_t)in->arg;
				return kiosk_records_open(app, r->rows[r->sel].id);
			}
			return KIOSK_STAY;
		}
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_records_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_records *r = &app->rec;
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	struct kiosk_frame f;
	size_t n = kiosk_records_buttons(app, b), per = kiosk_records_per_page(app);
	char today[CLOCK_MAX], *s, where[64];
	int y = kiosk_records_list_y(app), x;

	kiosk_frame(app, &f);
	clock_format(clock_now_ms(), CLOCK_DATE, today);
	s = r->searching ? xstrdup(_("Sessions found"))
			 : xasprintf(_("Today's sessions (%s)"), today);
	snprintf(where, sizeof where, "%zu-%zu / %zu", r->n ? r->top + 1 : 0,
		 r->top + per < r->n ? r->top + per : r->n, r->n);
	kiosk_draw_header(app, g, s, where);
	free(s);
	/* the search field */
	x = 2 + grid_put(g, 2, f.body_y, _("Receipt code or patient reference:"),
			 g->w - 4, GRID_BOLD);
	grid_fill(g, x + 1, f.body_y, g->w - x - 3, 1, GRID_FIELD);
	x += 1 + grid_put(g, x + 1, f.body_y, r->search, g->w - x - 4, GRID_FIELD);
	grid_put(g, x, f.body_y, " ", 1, GRID_CURSOR);
	if (r->note != NULL)
		kiosk_draw_text(g, 2, f.body_y + 1, g->w - 4, 1, r->note,
				GRID_ALERT, false);
	else
		kiosk_draw_text(g, 2, f.body_y + 1, g->w - 4, 1,
			_("Type it and press Enter (Search); touch a session to read it."),
			GRID_DIM, false);
	if (r->n == 0)
		kiosk_draw_text(g, 2, y, g->w - 4, 2, r->searching
				? _("Nothing found.") : _("No session today yet."),
				GRID_NORMAL, false);
	for (size_t i = r->top; i < r->n && i < r->top + per; i++) {
		const struct rectext_row *row = &r->rows[i];
		enum grid_style st = i == r->sel ? GRID_SELECTED : GRID_NORMAL;
		const char *t = row->col[RECTEXT_STARTED];
		char *line;

		/* "2026-12-07 03:06 +09:00": the time alone when today's */
		if (!r->searching && strlen(t) > 16)
			line = xasprintf("%.5s  %s  %s  %s  %s", t + 11,
					 row->col[RECTEXT_PATIENT],
					 kiosk_records_profile(row->col[RECTEXT_PROFILE]),
					 kiosk_records_outcome(row->col[RECTEXT_OUTCOME]),
					 row->col[RECTEXT_CODE]);
		else
			line = xasprintf("%.16s  %s  %s  %s  %s", t,
					 row->col[RECTEXT_PATIENT],
					 kiosk_records_profile(row->col[RECTEXT_PROFILE]),
					 kiosk_records_outcome(row->col[RECTEXT_OUTCOME]),
					 row->col[RECTEXT_CODE]);
		kiosk_records_make_visible(&line);
		grid_fill(g, 1, y, g->w - 2, KIOSK_REC_ROWS, st);
		grid_put(g, 2, y, line, g->w - 4, st);
		free(line);
		if (strcmp(row->col[RECTEXT_REASON], "-") != 0) {
			line = xasprintf("    %s", row->col[RECTEXT_REASON]);
			kiosk_records_make_visible(&line);
			grid_put(g, 2, y + 1, line, g->w - 4,
				 i == r->sel ? st : GRID_DIM);
			free(line);
		}
		y += KIOSK_REC_ROWS;
	}
	if (app->message != NULL)
		kiosk_draw_hint(g, &f, _(app->message), GRID_ALERT);
	kiosk_draw_buttons(g, b + n - 4, 4); /* the bar */
}

const struct kiosk_state_ops kiosk_staff_records_ops = {
	.name = "staff-records",
	.enter = kiosk_records_enter,
	.handle = kiosk_records_handle,
	.draw = kiosk_records_draw,
	.buttons = kiosk_records_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* ---- one record ---- */

static void
kiosk_record_enter(struct kiosk_app *app)
{
	kiosk_records_read(app, app->rec.open);
	kiosk_records_layout(app);
	app->message = NULL;
}

enum { KIOSK_REC_LIST = -10, KIOSK_REC_SIGN = -11, KIOSK_REC_PRINT = -12 };

static const char *const kiosk_record_not_printed =
	N_("Not printed (the record is safe; try again):");

/*
 * The patient's copy of the session shown, made from the record (checked
 * against its seal first) on the configured paper and given to
 * print_command. Why it failed (no printer, a record that does not match
 * its seal, the printer program's error) is kept for the hint.
 */
static struct kiosk_step
kiosk_record_print(struct kiosk_app *app)
{
	struct kiosk_records *r = &app->rec;
	struct receipt_opts o = { .paper = app->cfg->print_paper };
	struct strbuf pdf;
	char *err = NULL;

	if (!r->sealed)
		return KIOSK_STAY;
	if (app->cfg->print_command == NULL) {
		app->message = N_("No printer: set print_command in the configuration.");
		return KIOSK_REDRAW;
	}
	strbuf_init(&pdf);
	if (receipt_make(app->cs.store, r->open, &o, &pdf, &err) == 0 &&
	    receipt_print(app->cfg->print_command, pdf.s, pdf.len, 30,
			  &err) == 0) {
		app->message = N_("The patient's copy was sent to the printer.");
	} else {
		free(app->cs.print_error);
		app->cs.print_error = err != NULL ? err : xstrdup("?");
		err = NULL;
		kiosk_records_make_visible(&app->cs.print_error);
		app->message = kiosk_record_not_printed;
	}
	free(err);
	strbuf_done(&pdf);
	return KIOSK_REDRAW;
}

static size_t
kiosk_record_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	const struct kiosk_records *r = &app->rec;
	size_t n = 0, k = 0;

	if (r->page != NULL)
		n = kiosk_page_clicks(app, r->page, r->ptop, b,
				      KIOSK_MAX_BUTTONS - 2);
	b[n + k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
		.arg = KIOSK_REC_LIST, .label = _("Back to the list") };
	if (r->sealed) {
		b[n + k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
			.arg = KIOSK_REC_PRINT,
			.label = _("Print the patient's copy (P)") };
		b[n + k++] = (struct kiosk_button){ .action = KEYS_A_PICK,
			.arg = KIOSK_REC_SIGN, .label = _("Countersign"),
			.hot = true };
	}
	kiosk_bar(app, b + n, k);
	return n + k;
}

static struct kiosk_step
kiosk_record_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_records *r = &app->rec;

	if (in->ev->kind == KEYS_EV_RESIZE) {
		kiosk_records_layout(app);
		return KIOSK_REDRAW;
	}
	if (r->page != NULL && kiosk_is_scroll(in->action)) {
		size_t top = kiosk_page_scroll(app, r->page, r->ptop, in->action,
					       in->arg);

		if (top == r->ptop)
			return KIOSK_STAY;
		r->ptop = top;
		return KIOSK_REDRAW;
	}
	if (in->ev->kind == KEYS_EV_KEY &&
	    (in->ev->key == 'p' || in->ev->key == 'P'))
		return kiosk_record_print(app);
	switch (in->action) {
	case KEYS_A_BACK:
		return KIOSK_GO(KIOSK_STAFF_RECORDS);
	case KEYS_A_ACTIVATE: /* Enter countersigns */
		if (!r->sealed)
			return KIOSK_STAY;
		app->cs.verify_id = r->open;
		snprintf(app->cs.verify_code, sizeof app->cs.verify_code, "%s",
			 r->code);
		app->cs.verify_back = KIOSK_STAFF_RECORD;
		return KIOSK_GO(KIOSK_STAFF_VERIFY);
	case KEYS_A_PICK:
		if (in->arg == KIOSK_REC_LIST)
			return KIOSK_GO(KIOSK_STAFF_RECORDS);
		if (in->arg == KIOSK_REC_PRINT)
			return kiosk_record_print(app);
		if (in->arg == KIOSK_REC_SIGN && r->sealed) {
			app->cs.verify_id = r->open;
			snprintf(app->cs.verify_code, sizeof app->cs.verify_code,
				 "%s", r->code);
			app->cs.verify_back = KIOSK_STAFF_RECORD;
			return KIOSK_GO(KIOSK_STAFF_VERIFY);
		}
		return KIOSK_STAY;
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_record_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_records *r = &app->rec;
	struct kiosk_button b[KIOSK_MAX_BUTTONS];
	struct kiosk_frame f;
	size_t n = kiosk_record_buttons(app, b), k = r->sealed ? 3 : 1;
	char *title = xasprintf(_("Session %lld (receipt %s)"),
				(long long)r->open, r->code);
	char *why = NULL;

	kiosk_frame(app, &f);
	kiosk_draw_header(app, g, title, NULL);
	free(title);
	if (r->page != NULL)
		kiosk_draw_page(app, g, r->page, r->ptop);
	/* a copy not printed: why, in the printer program's own words */
	if (app->message == kiosk_record_not_printed &&
	    app->cs.print_error != NULL)
		why = xasprintf("%s %s", _(app->message), app->cs.print_error);
	if (why != NULL) {
		/* over the page's last rows: the hint line is too short */
		grid_fill(g, 0, f.hint_y - 2, g->w, 3, GRID_NORMAL);
		kiosk_draw_text(g, 2, f.hint_y - 2, g->w - 4, 3, why, GRID_ALERT,
				false);
	} else {
		kiosk_draw_hint(g, &f, app->message != NULL ? _(app->message)
			: r->sealed ? _("Scroll to read every answer and statement; Countersign records your check.")
				    : _("This session is still open: it can be countersigned once it ends."),
			app->message != NULL ? GRID_ALERT : GRID_DIM);
	}
	free(why);
	kiosk_draw_buttons(g, b + n - k, k);
}

const struct kiosk_state_ops kiosk_staff_record_ops = {
	.name = "staff-record",
	.enter = kiosk_record_enter,
	.handle = kiosk_record_handle,
	.draw = kiosk_record_draw,
	.buttons = kiosk_record_buttons,
	.idle = true,
	.overlay = true,
	.staff = true,
};

/* Leaving the staff's screens (back to the menu or the patient): forget
 * what was read. Called by the staff menu's enter. */
void
kiosk_records_done(struct kiosk_app *app)
{
	kiosk_records_forget(app);
}
