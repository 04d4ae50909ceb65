/*
 * kiosk-visit: the follow-up visit. Owns the follow-up part of struct
 * kiosk_consent (kiosk.h, "follow-up") and its states:
 *
 *   contraception (profile pregnancy only): which methods the patient uses
 *     now, every one a touch toggle; the rule is visit_methods_check; not
 *     met: the methods file's kind "not-met" message, a staff flag, and the
 *     session ends (stopped) for staff to take over;
 *   mood check: one item at a time, its choices as buttons; an answer at or
 *     above an item's urgent-from ends the patient's part at once (the
 *     urgent screen, an urgent flag); a band with flag: staff raises a staff
 *     flag and goes on;
 *   side effects: a checklist of toggles; a stop-and-call item ticked is
 *     urgent like the mood check's;
 *   then the consent session's own states: the re-check questions (a few
 *     of the quiz, visit_recheck_pick: asked longest ago first, same
 *     teach-back), the statements marked every-visit and every statement
 *     whose wording changed since this patient last confirmed it (its text
 *     hash differs, or it is new), review, signature, done.
 *
 * The end screen (urgent, or contraception not met) stays until staff
 * come (no idle reset): it tells the patient what to do.
 *
 * Answers of a part are recorded when the part is done (so Back inside a
 * part changes nothing on record); each goes through the consent queue,
 * durable before the next screen shows (kiosk-consent.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clinic.h"
#include "i18n.h"
#include "kiosk-int.h"
#include "quiz.h"
#include "store-visit.h"
#include "visit.h"
#include "xmalloc.h"

/* ---- starting ---- */

struct kiosk_visit_acks {
	char **id, **sha;
	size_t n, cap;
};

static void
kiosk_visit_ack_one(const char *id, const char *sha, void *ctx)
{
	struct kiosk_visit_acks *a = ctx;

	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->id[i], id) == 0) {
			free(a->sha[i]);
			a->sha[i] = xstrdup(sha);
			return;
		}
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->id = xreallocarray(a->id, a->cap, sizeof *a->id);
		a->sha = xreallocarray(a->sha, a->cap, sizeof *a->sha);
	}
	a->id[a->n] = xstrdup(id);
	a->sha[a->n++] = xstrdup(sha);
}

static const char *
kiosk_visit_ack_sha(const struct kiosk_visit_acks *a, const char *id)
{
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->id[i], id) == 0)
			return a->sha[i];
	return NULL;
}

static void
kiosk_visit_acks_done(struct kiosk_visit_acks *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->id[i]);
		free(a->sha[i]);
	}
	free(a->id);
	free(a->sha);
}

/* When each quiz question was last asked of this patient (its session's
 * id; 0: never), for the rotation. */
static void
kiosk_visit_last_asked(struct kiosk_app *app, const char *ref,
		       const struct content_doc *quiz, int64_t *last)
{
	int64_t *ids = NULL;
	size_t n = 0;
	char *err = NULL;

	if (store_patient_sessions(app->cs.store, ref, &ids, &n, &err) != 0) {
		free(err);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		struct store_session s;

		store_session_init(&s);
		if (store_session_get(app->cs.store, ids[k], &s, &err) == 0) {
			for (size_t a = 0; a < s.nanswers; a++)
				for (size_t i = 0; i < quiz->n; i++)
					if (quiz->nodes[i].id != NULL &&
					    s.answers[a].question_id != NULL &&
					    strcmp(quiz->nodes[i].id,
						   s.answers[a].question_id) == 0)
						last[i] = ids[k];
		}
		free(err);
		err = NULL;
		store_session_done(&s);
	}
	free(ids);
}

static uint32_t
kiosk_visit_seed(const char *ref)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)ref; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

void
kiosk_visit_reset(struct kiosk_consent *cs)
{
	free(cs->vmethods);
	free(cs->vmood);
	free(cs->veffects);
	free(cs->recheck);
	cs->vmethods = NULL;
	cs->vmood = NULL;
	cs->veffects = NULL;
	cs->recheck = NULL;
	cs->nrecheck = 0;
	cs->mood_cur = 0;
	cs->vend = NULL;
	cs->follow = false;
	cs->vtop = 0;
	cs->vfocus = 0;
	kiosk_page_free(&cs->vpage);
	cs->vpage_state = -1;
}

int
kiosk_visit_start(struct kiosk_app *app, const char *ref, const char *profile,
		  bool minor, const char *staff)
{
	struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l = kiosk_lang(app);
	struct quiz_rng rng = { quiz_rng_sodium, NULL };
	struct kiosk_visit_acks acks = { 0 };
	const struct content_doc *cd;
	struct kiosk_op *op;
	const char *why = NULL;
	char *err = NULL;
	int64_t *last;
	size_t *pick, npick = 0;

	if (cs->store == NULL)
		why = "no records database is open";
	else if (cs->nops > 0)
		why = "records of the last session are not saved yet";
	else if (ref == NULL || ref[0] == '\0' || strlen(ref) >= sizeof cs->ref)
		why = "the patient reference is empty or too long";
	else if (!quiz_profile_valid(profile))
		why = "the profile is not pregnancy or no-pregnancy";
	else if (l == NULL || l->quiz == NULL || l->consent == NULL ||
		 l->methods == NULL || l->mood == NULL || l->effects == NULL ||
		 l->urgent == NULL)
		why = "the content has no follow-up files (methods, mood,"
		      " effects, urgent)";
	else if (!app->demo && clinic_samples(app->bundle->values) > 0)
		why = "clinic.conf still has sample values: edit them "
		      "(isokiosk check --deploy)";
	if (why != NULL) {
		free(cs->error);
		cs->error = xstrdup(why);
		return -1;
	}
	if (store_last_acks(cs->store, ref, kiosk_visit_ack_one, &acks,
			    &err) != 0) {
		free(cs->error);
		cs->error = err;
		kiosk_visit_acks_done(&acks);
		return -1;
	}
	{
		size_t lang = app->lang;

		kiosk_reset(app);
		kiosk_use_lang(app, lang);
	}
	cs->follow = true;
	/* The re-check: a few questions, asked longest ago first. */
	last = xcalloc(l->quiz->n + 1, sizeof *last);
	pick = xcalloc(l->quiz->n + 1, sizeof *pick);
	kiosk_visit_last_asked(app, ref, l->quiz, last);
	if (l->recheck > 0)
		npick = visit_recheck_pick(l->quiz, profile, last,
					   kiosk_visit_seed(ref),
					   (size_t)l->recheck, pick);
	cs->recheck = xcalloc(npick + 1, sizeof *cs->recheck);
	for (size_t i = 0; i < npick; i++)
		cs->recheck[i] = l->quiz->nodes[pick[i]]; /* shallow: the
							     bundle owns */
	cs->nrecheck = npick;
	free(last);
	free(pick);
	if (npick > 0 && quiz_init(&cs->quiz, cs->recheck, npick, profile,
				   &rng) == 0)
		cs->quiz_on = true;
	cs->chosen = xcalloc((cs->quiz_on ? quiz_count(&cs->quiz) : 0) + 1,
			     sizeof *cs->chosen);
	/* Every-visit statements, and those whose wording changed (or that
	 * this patient never confirmed). */
	cd = l->consent;
	cs->stmts = xcalloc(cd->n + 1, sizeof *cs->stmts);
	cs->vchanged = xcalloc(cd->n + 1, sizeof *cs->vchanged);
	for (size_t i = 0; i < cd->n; i++) {
		const struct content_node *s = &cd->nodes[i];
		char *text, hash[65];
		const char *was;

		if (s->kind != CONTENT_STATEMENT ||
		    !quiz_profile_sees(profile, s->profile) ||
		    (s->signer != NULL && !minor) || s->id == NULL)
			continue;
		text = content_nodes_text(s->children, s->nchildren);
		store_sha256_hex(text, strlen(text), hash);
		free(text);
		was = kiosk_visit_ack_sha(&acks, s->id);
		if (was == NULL || strcmp(was, hash) != 0)
			cs->vchanged[cs->nstmts] = true;
		else if (!s->every_visit)
			continue;
		cs->stmts[cs->nstmts++] = i;
	}
	kiosk_visit_acks_done(&acks);
	cs->acked = xcalloc(cs->nstmts + 1, sizeof *cs->acked);
	cs->pregnancy = strcmp(profile, "pregnancy") == 0;
	cs->minor = minor;
	cs->vmethods = xcalloc(visit_entries(l->methods, CONTENT_ENTRY_METHOD,
					     NULL, 0) + 1, sizeof *cs->vmethods);
	cs->nmood = visit_entries(l->mood, CONTENT_ENTRY_ITEM, NULL, 0);
	cs->vmood = xcalloc(cs->nmood + 1, sizeof *cs->vmood);
	for (size_t i = 0; i < cs->nmood; i++)
		cs->vmood[i] = -1;
	cs->veffects = xcalloc(visit_entries(l->effects, CONTENT_ENTRY_CHECK,
					     NULL, 0) + 1, sizeof *cs->veffects);
	snprintf(cs->ref, sizeof cs->ref, "%s", ref);
	snprintf(cs->staff, sizeof cs->staff, "%s",
		 staff != NULL && staff[0] != '\0' ? staff : "-");
	cs->on = true;
	op = kiosk_consent_op(app, KIOSK_OP_BEGIN);
	op->s[0] = xstrdup(app->cfg->kiosk_id != NULL ? app->cfg->kiosk_id
						      : "kiosk");
	op->s[1] = xstrdup(cs->staff);
	op->s[2] = xstrdup(cs->ref);
	op->s[3] = xstrdup(profile);
	op->s[4] = xstrdup(l->code);
	op->s[5] = xstrdup(l->version);
	op->flag = minor;
	op->n[1] = 1; /* a follow-up */
	/* The statements shown again because their wording changed: on
	 * record from the start, so staff see which. */
	for (size_t i = 0; i < cs->nstmts; i++) {
		if (!cs->vchanged[i])
			continue;
		op = kiosk_consent_op(app, KIOSK_OP_VANSWER);
		op->s[0] = xstrdup("reconsent");
		op->s[1] = xstrdup(cd->nodes[cs->stmts[i]].id);
		op->n[0] = 1;
	}
	kiosk_consent_flush(app);
	app->wipe = true;
	kiosk_set_state(app, cs->pregnancy ? KIOSK_VISIT_METHODS
					   : KIOSK_VISIT_MOOD);
	kiosk_consent_after_event(app, false);
	return 0;
}

/* ---- recording ---- */

static void
kiosk_visit_answer(struct kiosk_app *app, const char *kind, const char *entry,
		   int choice, int score)
{
	struct kiosk_op *op = kiosk_consent_op(app, KIOSK_OP_VANSWER);

	op->s[0] = xstrdup(kind);
	op->s[1] = xstrdup(entry != NULL ? entry : "-");
	op->n[0] = choice;
	op->n[1] = score;
}

static void
kiosk_visit_flag(struct kiosk_app *app, const char *source, const char *entry,
		 const char *level)
{
	struct kiosk_op *op = kiosk_consent_op(app, KIOSK_OP_FLAG);

	op->s[0] = xstrdup(source);
	op->s[1] = xstrdup(entry != NULL ? entry : "-");
	op->s[2] = xstrdup(level);
}

/* The patient's part ends here: the session is stopped (reason), and the
 * end screen shows doc (urgent, or the not-met message). */
static struct kiosk_step
kiosk_visit_stop(struct kiosk_app *app, const char *reason,
		 const struct content_doc *doc, const struct content_node *msg)
{
	app->cs.vend = doc;
	app->cs.vend_node = msg;
	kiosk_consent_end(app, STORE_STOPPED, reason);
	return KIOSK_GO(KIOSK_VISIT_END);
}

/* ---- pages ---- */

static void
kiosk_visit_opts(const struct kiosk_app *app, struct layout_opts *o, int w)
{
	memset(o, 0, sizeof *o);
	o->width = w > 0 ? w : 1;
	o->ambiguous = app->ambiguous;
	o->ruby = (enum layout_ruby)app->cfg->ruby;
}

/* The doc's nodes before its first entry (its introduction). */
static size_t
kiosk_visit_intro(const struct content_doc *d)
{
	size_t n = 0;

	while (n < d->n && d->nodes[n].kind != CONTENT_ENTRY)
		n++;
	return n;
}

/* A toggle list: every entry of kind as "[x] N  text". */
static void
kiosk_visit_toggles(struct kiosk_app *app, struct kiosk_page *p,
		    const struct content_doc *d, enum content_entry kind,
		    const bool *on)
{
	const struct content_node *e[64];
	size_t n = visit_entries(d, kind, e, 64);
	char num[32];

	for (size_t i = 0; i < n; i++) {
		char *t = content_nodes_text(e[i]->children, e[i]->nchildren);

		snprintf(num, sizeof num, "[%s] %zu  ", on[i] ? "x" : " ", i + 1);
		if (i > 0)
			kiosk_page_blank(p);
		kiosk_page_add_button(p, num, t, KEYS_A_PICK, (int)i,
				      on[i] ? GRID_SELECTED : GRID_BUTTON, 0,
				      app->ambiguous);
		free(t);
	}
}

static unsigned
kiosk_visit_stamp(const struct kiosk_app *app)
{
	const struct kiosk_consent *cs = &app->cs;
	unsigned h = (unsigned)app->state * 131u + (unsigned)cs->mood_cur;
	const bool *v = app->state == KIOSK_VISIT_METHODS ? cs->vmethods
			: app->state == KIOSK_VISIT_EFFECTS ? cs->veffects : NULL;

	for (size_t i = 0; v != NULL && i < 64; i++) {
		if (app->state == KIOSK_VISIT_METHODS &&
		    i >= visit_entries(kiosk_lang(app)->methods,
				       CONTENT_ENTRY_METHOD, NULL, 0))
			break;
		if (app->state == KIOSK_VISIT_EFFECTS &&
		    i >= visit_entries(kiosk_lang(app)->effects,
				       CONTENT_ENTRY_CHECK, NULL, 0))
			break;
		h = h * 3u + (v[i] ? 1u : 0u);
	}
	if (app->state == KIOSK_VISIT_MOOD && cs->mood_cur < cs->nmood)
		h = h * 7u + (unsigned)(cs->vmood[cs->mood_cur] + 1);
	return h;
}

void
kiosk_visit_relayout(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l = kiosk_lang(app);
	struct layout_opts o;
	struct kiosk_frame f;
	unsigned stamp;
	bool same;

	if (app->state != KIOSK_VISIT_METHODS && app->state != KIOSK_VISIT_MOOD &&
	    app->state != KIOSK_VISIT_EFFECTS && app->state != KIOSK_VISIT_END)
		return;
	if (l == NULL)
		return;
	kiosk_frame(app, &f);
	stamp = kiosk_visit_stamp(app);
	same = cs->vpage != NULL && cs->vpage_state == (int)app->state &&
	       cs->vpage_item == cs->mood_cur;
	if (same && stamp == cs->vstamp && cs->vpage_w == f.text_w &&
	    cs->vpage_h == f.body_h && cs->vpage->wide == f.wide_w)
		return;
	kiosk_page_free(&cs->vpage);
	cs->vpage = kiosk_page_new(f.text_w, f.wide_w);
	cs->vpage_w = f.text_w;
	cs->vpage_h = f.body_h;
	kiosk_visit_opts(app, &o, f.text_w);
	switch (app->state) {
	case KIOSK_VISIT_METHODS:
		kiosk_page_add_nodes(cs->vpage, l->methods->nodes,
				     kiosk_visit_intro(l->methods), 0, &o);
		kiosk_page_blank(cs->vpage);
		kiosk_visit_toggles(app, cs->vpage, l->methods,
				    CONTENT_ENTRY_METHOD, cs->vmethods);
		break;
	case KIOSK_VISIT_EFFECTS:
		kiosk_page_add_nodes(cs->vpage, l->effects->nodes,
				     kiosk_visit_intro(l->effects), 0, &o);
		kiosk_page_blank(cs->vpage);
		kiosk_visit_toggles(app, cs->vpage, l->effects,
				    CONTENT_ENTRY_CHECK, cs->veffects);
		break;
	case KIOSK_VISIT_MOOD: {
		const struct content_node *items[64];
		size_t n = visit_entries(l->mood, CONTENT_ENTRY_ITEM, items, 64);
		const struct content_node *it;
		char num[32];

		if (cs->mood_cur >= n)
			break;
		it = items[cs->mood_cur];
		if (cs->mood_cur == 0) {
			kiosk_page_add_nodes(cs->vpage, l->mood->nodes,
					     kiosk_visit_intro(l->mood), 0, &o);
			kiosk_page_blank(cs->vpage);
		}
		kiosk_page_add_nodes(cs->vpage, it->children, it->nchildren,
				     100, &o);
		kiosk_page_blank(cs->vpage);
		for (size_t i = 0; i < it->nitems; i++) {
			char *t = content_inline_text(&it->items[i].text);

			snprintf(num, sizeof num, "%zu  ", i + 1);
			if (i > 0)
				kiosk_page_blank(cs->vpage);
			kiosk_page_add_button(cs->vpage, num, t, KEYS_A_PICK,
					      (int)i, cs->vmood[cs->mood_cur] ==
					      (int)i ? GRID_SELECTED
						     : GRID_BUTTON, 0,
					      app->ambiguous);
			free(t);
		}
		break;
	}
	default: /* the end screen */
		if (cs->vend_node != NULL)
			kiosk_page_add_nodes(cs->vpage, cs->vend_node->children,
					     cs->vend_node->nchildren, 0, &o);
		else if (cs->vend != NULL)
			kiosk_page_add_nodes(cs->vpage, cs->vend->nodes,
					     cs->vend->n, 0, &o);
		break;
	}
	if (!same)
		cs->vtop = 0;
	/* A toggle pressed by its number is brought into view. */
	for (size_t i = 0; cs->vfocus > 0 && i < cs->vpage->nbuttons; i++) {
		const struct kiosk_page_button *pb = &cs->vpage->buttons[i];

		if (pb->arg != cs->vfocus - 1 || f.body_h <= 0)
			continue;
		if (pb->row < cs->vtop)
			cs->vtop = pb->row;
		else if (pb->row + pb->nrows > cs->vtop + (size_t)f.body_h)
			cs->vtop = pb->row + pb->nrows - (size_t)f.body_h;
	}
	cs->vfocus = 0;
	cs->vpage_state = (int)app->state;
	cs->vpage_item = cs->mood_cur;
	cs->vstamp = stamp;
	cs->vtop = kiosk_page_clamp(app, cs->vpage, cs->vtop);
}

/* ---- the states ---- */

static size_t
kiosk_visit_bar(const struct kiosk_app *app, struct kiosk_button *b)
{
	const struct kiosk_consent *cs = &app->cs;
	size_t n = 0;

	if (app->state == KIOSK_VISIT_END)
		return 0;
	if (app->state == KIOSK_VISIT_MOOD) {
		if (cs->mood_cur > 0)
			b[n++] = (struct kiosk_button){ .action = KEYS_A_BACK,
							.label = _("Back") };
		else
			return 0; /* the choices are the buttons */
		kiosk_bar(app, b, n);
		return n;
	}
	b[n++] = (struct kiosk_button){ .action = KEYS_A_NEXT,
					.label = _("Next"), .hot = true };
	kiosk_bar(app, b, n);
	return n;
}

static size_t
kiosk_visit_buttons(const struct kiosk_app *app, struct kiosk_button *b)
{
	size_t n = kiosk_visit_bar(app, b);

	if (app->cs.vpage == NULL)
		return n;
	return n + kiosk_page_clicks(app, app->cs.vpage, app->cs.vtop, b + n,
				     KIOSK_MAX_BUTTONS - n);
}

static struct kiosk_step
kiosk_visit_methods_done(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *d = kiosk_lang(app)->methods;
	const struct content_node *e[64], *msg = NULL;
	size_t n = visit_entries(d, CONTENT_ENTRY_METHOD, e, 64);
	enum visit_methods v;

	for (size_t i = 0; i < n; i++)
		if (cs->vmethods[i])
			kiosk_visit_answer(app, "method", e[i]->id, 1, 0);
	v = visit_methods_check(d, cs->vmethods, n);
	if (VISIT_METHODS_MET(v)) {
		kiosk_consent_flush(app);
		return KIOSK_GO(KIOSK_VISIT_MOOD);
	}
	kiosk_visit_flag(app, "methods", visit_methods_name(v), "staff");
	for (size_t i = 0; i < d->n; i++)
		if (d->nodes[i].kind == CONTENT_ENTRY &&
		    d->nodes[i].entry == CONTENT_ENTRY_MESSAGE)
			msg = &d->nodes[i];
	{
		char *why = xasprintf("contraception does not meet the rule"
				      " (%s)", visit_methods_name(v));
		struct kiosk_step st = kiosk_visit_stop(app, why, d, msg);

		free(why);
		return st;
	}
}

static struct kiosk_step
kiosk_visit_mood_pick(struct kiosk_app *app, size_t pos)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *d = kiosk_lang(app)->mood;
	const struct content_node *items[64];
	size_t n = visit_entries(d, CONTENT_ENTRY_ITEM, items, 64);
	const struct content_node *it;
	struct visit_score sc;

	if (cs->mood_cur >= n)
		return KIOSK_STAY;
	it = items[cs->mood_cur];
	if (pos >= it->nitems)
		return KIOSK_STAY;
	cs->vmood[cs->mood_cur] = (int)pos;
	/* An urgent answer ends the part now: nothing more is asked. */
	if ((it->urgent_from > 0 && it->items[pos].score >= it->urgent_from) ||
	    cs->mood_cur + 1 == n) {
		if (visit_score(d, cs->vmood, n, &sc) != 0)
			return KIOSK_STAY;
		for (size_t i = 0; i < n; i++)
			if (cs->vmood[i] >= 0)
				kiosk_visit_answer(app, "mood", items[i]->id,
						   cs->vmood[i],
						   items[i]->items[cs->vmood[i]].score);
		if (sc.flag == CONTENT_FLAG_URGENT) {
			const char *entry = sc.first_urgent != NULL
				? sc.first_urgent->id
				: sc.band != NULL ? sc.band->id : "total";
			char *why = xasprintf("urgent: mood check %s (total %d)",
					      entry, sc.total);
			struct kiosk_step st;

			kiosk_visit_flag(app, "mood", entry, "urgent");
			st = kiosk_visit_stop(app, why, kiosk_lang(app)->urgent,
					      NULL);
			free(why);
			return st;
		}
		if (sc.flag == CONTENT_FLAG_STAFF)
			kiosk_visit_flag(app, "mood", sc.band != NULL
					 ? sc.band->id : "total", "staff");
		kiosk_consent_flush(app);
		return KIOSK_GO(KIOSK_VISIT_EFFECTS);
	}
	cs->mood_cur++;
	return KIOSK_REDRAW;
}

static struct kiosk_step
kiosk_visit_effects_done(struct kiosk_app *app)
{
	struct kiosk_consent *cs = &app->cs;
	const struct content_doc *d = kiosk_lang(app)->effects;
	const struct content_node *e[64], *first = NULL;
	size_t n = visit_entries(d, CONTENT_ENTRY_CHECK, e, 64);

	for (size_t i = 0; i < n; i++)
		if (cs->veffects[i])
			kiosk_visit_answer(app, "effect", e[i]->id, 1, 0);
	if (visit_checklist_urgent(d, cs->veffects, n, &first) > 0) {
		char *why = xasprintf("urgent: side effect %s",
				      first != NULL ? first->id : "?");
		struct kiosk_step st;

		kiosk_visit_flag(app, "effects", first != NULL ? first->id
							      : "-", "urgent");
		st = kiosk_visit_stop(app, why, kiosk_lang(app)->urgent, NULL);
		free(why);
		return st;
	}
	kiosk_consent_flush(app);
	return kiosk_consent_after_screens(app);
}

static struct kiosk_step
kiosk_visit_handle(struct kiosk_app *app, const struct kiosk_input *in)
{
	struct kiosk_consent *cs = &app->cs;
	bool *toggles = app->state == KIOSK_VISIT_METHODS ? cs->vmethods
			: app->state == KIOSK_VISIT_EFFECTS ? cs->veffects
			: NULL;
	size_t ntoggles = 0;

	if (!cs->follow || kiosk_lang(app) == NULL)
		return KIOSK_STAY;
	if (kiosk_is_scroll(in->action)) {
		cs->vtop = kiosk_page_scroll(app, cs->vpage, cs->vtop,
					     in->action, in->arg);
		return KIOSK_REDRAW;
	}
	if (app->state == KIOSK_VISIT_END)
		return KIOSK_STAY;
	if (toggles != NULL)
		ntoggles = app->state == KIOSK_VISIT_METHODS
			? visit_entries(kiosk_lang(app)->methods,
					CONTENT_ENTRY_METHOD, NULL, 0)
			: visit_entries(kiosk_lang(app)->effects,
					CONTENT_ENTRY_CHECK, NULL, 0);
	switch (in->action) {
	case KEYS_A_PICK:
	case KEYS_A_DIGIT: {
		size_t i = in->action == KEYS_A_DIGIT ? (size_t)in->arg - 1
						      : (size_t)in->arg;

		if (in->action == KEYS_A_DIGIT && in->arg < 1)
			return KIOSK_STAY;
		if (app->state == KIOSK_VISIT_MOOD)
			return kiosk_visit_mood_pick(app, i);
		if (i >= ntoggles)
			return KIOSK_STAY;
		toggles[i] = !toggles[i];
		cs->vfocus = (int)i + 1;
		return KIOSK_REDRAW;
	}
	case KEYS_A_NEXT:
	case KEYS_A_ACTIVATE:
	case KEYS_A_FORWARD:
		if (app->state == KIOSK_VISIT_MOOD)
			return KIOSK_STAY;
		if (!kiosk_page_at_end(app, cs->vpage, cs->vtop)) {
			/* every choice seen before going on */
			cs->vtop = kiosk_page_scroll(app, cs->vpage, cs->vtop,
						     KEYS_A_PAGE_DOWN, 0);
			return KIOSK_REDRAW;
		}
		return app->state == KIOSK_VISIT_METHODS
		       ? kiosk_visit_methods_done(app)
		       : kiosk_visit_effects_done(app);
	case KEYS_A_BACK:
		if (app->state == KIOSK_VISIT_MOOD && cs->mood_cur > 0) {
			cs->mood_cur--;
			return KIOSK_REDRAW;
		}
		return KIOSK_STAY;
	default:
		return KIOSK_STAY;
	}
}

static void
kiosk_visit_draw(const struct kiosk_app *app, struct grid *g)
{
	const struct kiosk_consent *cs = &app->cs;
	const struct bundle_lang *l = kiosk_lang(app);
	const struct content_doc *d = NULL;
	struct kiosk_button b[2];
	struct kiosk_frame f;
	char where[96];
	const char *hint;
	size_t n;

	kiosk_frame(app, &f);
	if (l == NULL)
		return;
	switch (app->state) {
	case KIOSK_VISIT_METHODS: d = l->methods; break;
	case KIOSK_VISIT_MOOD: d = l->mood; break;
	case KIOSK_VISIT_EFFECTS: d = l->effects; break;
	default: d = cs->vend; break;
	}
	kiosk_draw_header(app, g, d != NULL ? d->title : "",
			  kiosk_where(app, where, sizeof where));
	kiosk_draw_progress(app, g);
	kiosk_draw_page(app, g, cs->vpage, cs->vtop);
	if (!kiosk_page_at_end(app, cs->vpage, cs->vtop))
		/* the end screen too: 119 may be below the fold */
		hint = _("More below: touch ▼ or scroll down.");
	else if (app->state == KIOSK_VISIT_END)
		hint = _("Please wait here: a member of staff is coming.");
	else if (app->state == KIOSK_VISIT_MOOD)
		hint = _("Touch your answer or press its number.");
	else
		hint = _("Touch each one that applies, then Next.");
	kiosk_draw_hint(g, &f, hint, app->state == KIOSK_VISIT_END
				     ? GRID_ALERT : GRID_DIM);
	n = kiosk_visit_bar(app, b);
	kiosk_draw_buttons(g, b, n);
}

const struct kiosk_state_ops kiosk_visit_methods_ops = {
	.name = "visit-methods",
	.handle = kiosk_visit_handle,
	.draw = kiosk_visit_draw,
	.buttons = kiosk_visit_buttons,
	.idle = true,
};

const struct kiosk_state_ops kiosk_visit_mood_ops = {
	.name = "visit-mood",
	.handle = kiosk_visit_handle,
	.draw = kiosk_visit_draw,
	.buttons = kiosk_visit_buttons,
	.idle = true,
};

const struct kiosk_state_ops kiosk_visit_effects_ops = {
	.name = "visit-effects",
	.handle = kiosk_visit_handle,
	.draw = kiosk_visit_draw,
	.buttons = kiosk_visit_buttons,
	.idle = true,
};

/* No idle reset: the screen says to wait for staff, and staff were told
 * (the banner on their screens). */
const struct kiosk_state_ops kiosk_visit_end_ops = {
	.name = "visit-end",
	.handle = kiosk_visit_handle,
	.draw = kiosk_visit_draw,
	.buttons = kiosk_visit_buttons,
	.idle = false,
};

/* ---- progress ---- */

bool
kiosk_visit_progress(const struct kiosk_app *app, struct kiosk_progress *p)
{
	const struct kiosk_consent *cs = &app->cs;
	size_t nm = cs->pregnancy ? 1 : 0, nmood = cs->nmood;
	size_t nv = nm + nmood + 1;
	size_t nq = cs->quiz_on ? quiz_count(&cs->quiz) : 0;
	size_t qi = cs->quiz_on ? quiz_number(&cs->quiz) : 0;
	size_t na = cs->nstmts, nsig = cs->minor ? 2 : 1;

	if (!cs->follow)
		return false;
	memset(p, 0, sizeof *p);
	if (qi > nq)
		qi = nq;
	switch (app->state) {
	case KIOSK_VISIT_METHODS:
	case KIOSK_VISIT_MOOD:
	case KIOSK_VISIT_EFFECTS:
		p->section = _("Check-up");
		p->i = app->state == KIOSK_VISIT_METHODS ? 1
		       : app->state == KIOSK_VISIT_MOOD ? nm + cs->mood_cur + 1
		       : nv;
		p->n = nv;
		p->step = p->i;
		break;
	case KIOSK_QUIZ:
	case KIOSK_SCREEN:
		p->section = _("Questions");
		p->i = qi;
		p->n = nq;
		p->step = nv + qi;
		break;
	case KIOSK_ACKNOWLEDGE:
		p->section = _("Confirmations");
		p->i = cs->ack_cur + 1;
		p->n = na;
		p->step = nv + nq + p->i;
		break;
	case KIOSK_REVIEW:
	case KIOSK_SIGN:
	case KIOSK_DONE:
		p->section = _("Signature");
		p->i = app->state == KIOSK_REVIEW ? 1
		       : app->state == KIOSK_DONE ? 1 + nsig
		       : 2 + (size_t)cs->role;
		p->n = 1 + nsig;
		p->step = nv + nq + na + p->i;
		break;
	default:
		return true;
	}
	if (cs->on || app->state == KIOSK_DONE)
		p->total = nv + nq + na + 1 + nsig;
	else
		p->step = 0;
	return true;
}
