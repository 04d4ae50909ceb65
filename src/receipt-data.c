/*
 * receipt-data: the record as the patient's copy shows it, gathered from
 * the store (read only) and from the content frozen with the record: the
 * session checked against its seal first (store_session_check), the
 * frozen files checked against their hashes and, in manifest order,
 * against the session's content version, the labels in the copy's
 * language (gettext), every time in the kiosk's zone with its offset
 * (clock). A follow-up's own answers (the methods chosen, the mood check,
 * the side effects ticked, the flags raised and who saw them, may
 * prescribe) are shown with their words from the frozen follow-up files
 * too, an id not found there as stored. receipt_make is here: it gathers,
 * then has receipt.c draw.
 *
 * Owns the model's strings (an arena) and the frozen documents it parsed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clinic.h"
#include "clock.h"
#include "decode.h"
#include "receipt-int.h"
#include "store.h"
#include "visit.h"
#include "xmalloc.h"

/* ---- small helpers ------------------------------------------------------ */

static const char *
rx_dup(struct receipt_model *m, const char *s)
{
	return arena_strndup(&m->arena, s, strlen(s));
}

static const char *
rx_printf(struct receipt_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *
rx_printf(struct receipt_model *m, const char *fmt, ...)
{
	va_list ap;
	char *s;
	const char *r;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	r = rx_dup(m, s);
	free(s);
	return r;
}

/*
 * A recorded value as the copy shows it: UTF-8 as is, control characters
 * written out as `records show` writes them (\t, \x1b, \u0085), so that a
 * value is shown exactly and nothing in it can act on the page. With
 * lines, '\n' stays a line break (a statement's lines). NULL becomes "-".
 */
static const char *
rx_value(struct receipt_model *m, const char *v, bool lines)
{
	struct strbuf sb;
	const char *r;

	if (v == NULL)
		return "-";
	strbuf_init(&sb);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\n' && lines)
			strbuf_addch(&sb, '\n');
		else if (*p == '\n')
			strbuf_addstr(&sb, "\\n");
		else if (*p == '\t')
			strbuf_addstr(&sb, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(&sb, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			strbuf_addf(&sb, "\\u%04x", *++p);
		else
			strbuf_addch(&sb, (char)*p);
	}
	r = rx_dup(m, sb.s);
	strbuf_done(&sb);
	return r;
}

/* A stored UTC time in the kiosk's zone with its offset, to the second. */
static const char *
rx_time(struct receipt_model *m, const char *utc)
{
	char buf[CLOCK_MAX];

	if (utc != NULL && clock_format_utc(utc, CLOCK_SECOND, buf) != NULL)
		return rx_dup(m, buf);
	return rx_value(m, utc, false);
}

static const char *
rx_duration(struct receipt_model *m, int64_t ms)
{
	int64_t s = (ms + 500) / 1000;

	if (s >= 60)
		return rx_printf(m, m->L[RX_MIN_SEC], (int)(s / 60),
				 (int)(s % 60));
	return rx_printf(m, m->L[RX_SECONDS], (int)s);
}

/* The kind of visit a session was: "first" (also when not named) or
 * "follow-up". */
static const char *
rx_visit_kind(const struct store_session *s)
{
	return s->visit != NULL && strcmp(s->visit, "follow-up") == 0
	       ? "follow-up" : "first";
}

/* ---- labels ------------------------------------------------------------- */

#define RX_LABEL_MSGID(id, msgid) msgid,
static const char *const rx_msgids[RX_NLABELS] = {
	RECEIPT_LABELS(RX_LABEL_MSGID)
};
#undef RX_LABEL_MSGID

static bool
rx_lang_ok(const char *lang)
{
	size_t n = strlen(lang);

	if (n < 2 || n > 3)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lang[i] < 'a' || lang[i] > 'z')
			return false;
	return true;
}

/* The labels in lang; -1 when lang has no translation (English is the
 * msgids themselves). */
static int
rx_labels(struct receipt_model *m, const char *lang, char **err)
{
	char *saved = xstrdup(i18n_language());

	i18n_set_language(lang);
	for (int i = 0; i < RX_NLABELS; i++)
		m->L[i] = rx_dup(m, gettext(rx_msgids[i]));
	i18n_set_language(saved);
	free(saved);
	if (strcmp(lang, "en") != 0 &&
	    strcmp(m->L[RX_TITLE], rx_msgids[RX_TITLE]) == 0)
		return xfailf(err, "no translation of the copy's words into"
			       " '%s' (looked in %s); --lang en makes an"
			       " English one", lang, i18n_localedir());
	return 0;
}

/* ---- the frozen content --------------------------------------------------- */

void
receipt_manifest_read(struct arena *a, const char *text, size_t len,
		      struct receipt_manifest *out)
{
	const char *p = text, *end = text + len;
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end, *s = p, *colon;
		bool id = true;

		p = nl != NULL ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e || *s == '#')
			continue;
		if ((colon = memchr(s, ':', (size_t)(e - s))) != NULL) {
			const char *v = colon + 1, *key = s;
			size_t kl = (size_t)(colon - s);
			const char **slot = NULL;

			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (kl == 8 && memcmp(key, "language", 8) == 0)
				slot = &out->language;
			else if (kl == 4 && memcmp(key, "quiz", 4) == 0)
				slot = &out->quiz;
			else if (kl == 7 && memcmp(key, "consent", 7) == 0)
				slot = &out->consent;
			else if (kl == 7 && memcmp(key, "methods", 7) == 0)
				slot = &out->followup[0];
			else if (kl == 4 && memcmp(key, "mood", 4) == 0)
				slot = &out->followup[1];
			else if (kl == 7 && memcmp(key, "effects", 7) == 0)
				slot = &out->followup[2];
			else if (kl == 6 && memcmp(key, "urgent", 6) == 0)
				slot = &out->followup[3];
			if (slot != NULL && *slot == NULL && v < e)
				*slot = arena_strndup(a, v, (size_t)(e - v));
			continue;
		}
		for (const char *q = s; q < e; q++)
			if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
			      *q == '-'))
				id = false;
		if (!id)
			continue;
		if (out->nscreens == cap) {
			const char **grown;

			cap = cap ? cap * 2 : 16;
			grown = arena_alloc(a, cap * sizeof *grown,
					    _Alignof(const char *));
			if (out->nscreens > 0)
				memcpy(grown, out->screens,
				       out->nscreens * sizeof *grown);
			out->screens = grown;
		}
		out->screens[out->nscreens++] = arena_strndup(a, s,
							      (size_t)(e - s));
	}
}

struct rx_frozen {
	struct store_content_file *files;
	size_t n;
	struct receipt_manifest man;
	struct content_values *values;
};

static const struct store_content_file *
rx_file(const struct rx_frozen *fz, const char *lang, const char *rel)
{
	size_t ll = strlen(lang);

	for (size_t i = 0; i < fz->n; i++)
		if (strncmp(fz->files[i].name, lang, ll) == 0 &&
		    fz->files[i].name[ll] == '/' &&
		    strcmp(fz->files[i].name + ll + 1, rel) == 0)
			return &fz->files[i];
	return NULL;
}

/* The content version of the frozen files, hashed as bundle.h says, in the
 * manifest's order; false when a file it names is not kept. */
static bool
rx_version(const struct rx_frozen *fz, const char *lang, char out[65])
{
	crypto_hash_sha256_state h;
	unsigned char bin[crypto_hash_sha256_BYTES];
	size_t nrel = 0;
	const char **rels;
	char *name;
	bool ok = true;

	rels = xcalloc(fz->man.nscreens + 8, sizeof *rels);
	rels[nrel++] = xstrdup("manifest");
	for (size_t i = 0; i < fz->man.nscreens; i++)
		rels[nrel++] = xasprintf("%s.md", fz->man.screens[i]);
	if (fz->man.quiz != NULL)
		rels[nrel++] = xasprintf("%s.md", fz->man.quiz);
	if (fz->man.consent != NULL)
		rels[nrel++] = xasprintf("%s.md", fz->man.consent);
	for (int i = 0; i < 4; i++)
		if (fz->man.followup[i] != NULL)
			rels[nrel++] = xasprintf("%s.md", fz->man.followup[i]);
	name = xstrdup("../clinic.conf");
	if (rx_file(fz, lang, name) != NULL)
		rels[nrel++] = name;
	else
		free(name);
	crypto_hash_sha256_init(&h);
	for (size_t i = 0; i < nrel; i++) {
		const struct store_content_file *f = rx_file(fz, lang, rels[i]);

		if (f == NULL) {
			ok = false;
			continue;
		}
		crypto_hash_sha256_update(&h, (const unsigned char *)rels[i],
					  strlen(rels[i]) + 1);
		crypto_hash_sha256_update(&h, (const unsigned char *)f->sha256,
					  64);
		crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
	}
	crypto_hash_sha256_final(&h, bin);
	sodium_bin2hex(out, 65, bin, sizeof bin);
	for (size_t i = 0; i < nrel; i++)
		free((char *)rels[i]);
	free(rels);
	return ok;
}

/* A frozen file decoded and parsed as the kiosk parsed it (its clinic
 * values, the session's language); the document is kept in m. NULL when
 * the file is not kept or cannot be parsed at all. */
static const struct content_doc *
rx_doc(struct receipt_model *m, const struct rx_frozen *fz, const char *lang,
       const char *id)
{
	char *rel = xasprintf("%s.md", id);
	const struct store_content_file *f = rx_file(fz, lang, rel);
	struct content_doc *doc = NULL;
	struct decode_text t;
	struct diag_list dl;

	free(rel);
	if (f == NULL || f->bytes == NULL)
		return NULL;
	diag_list_init(&dl);
	if (decode_bytes(f->name, f->bytes, f->len, &t, &dl) == 0) {
		doc = content_parse(f->name, t.text, t.len, fz->values, lang,
				    &dl);
		decode_text_done(&t);
	}
	diag_list_done(&dl);
	if (doc != NULL) {
		XGROW(m->docs_, m->ndocs_, m->capdocs_);
		m->docs_[m->ndocs_++] = doc;
	}
	return doc;
}

/* Read, check and parse what the content version covers. 0: fz filled (n
 * is 0 when the version was never frozen), -1 with *err. */
static int
rx_frozen_load(struct store *st, const struct store_session *s,
	       struct rx_frozen *fz, struct arena *a, char **err)
{
	const struct store_content_file *f;
	struct decode_text t;
	struct diag_list dl;
	char version[65];

	memset(fz, 0, sizeof *fz);
	if (store_content_copy(st, s->content_version, &fz->files, &fz->n,
			       err) != 0)
		return -1;
	if (fz->n == 0)
		return 0;
	for (size_t i = 0; i < fz->n; i++)
		if (!fz->files[i].intact)
			return xfailf(err, "session %lld: the kept copy of %s"
				       " %s: no copy made", (long long)s->id,
				       fz->files[i].name,
				       fz->files[i].bytes == NULL ? "is missing"
				       : "does not match its hash");
	if ((f = rx_file(fz, s->lang, "manifest")) == NULL)
		return xfailf(err, "session %lld: the kept copy of its content"
			       " has no %s/manifest: no copy made",
			       (long long)s->id, s->lang);
	diag_list_init(&dl);
	if (decode_bytes(f->name, f->bytes, f->len, &t, &dl) == 0) {
		receipt_manifest_read(a, t.text, t.len, &fz->man);
		decode_text_done(&t);
	}
	if (!rx_version(fz, s->lang, version) ||
	    strcmp(version, s->content_version) != 0) {
		diag_list_done(&dl);
		return xfailf(err, "session %lld: the kept copy of its content"
			       " is not content version %.12s...: no copy made",
			       (long long)s->id, s->content_version);
	}
	if ((f = rx_file(fz, s->lang, "../clinic.conf")) != NULL &&
	    decode_bytes(f->name, f->bytes, f->len, &t, &dl) == 0) {
		fz->values = clinic_parse(f->name, t.text, t.len, &dl);
		decode_text_done(&t);
	}
	diag_list_done(&dl);
	return 0;
}

static void
rx_frozen_done(struct rx_frozen *fz)
{
	store_content_copy_free(fz->files, fz->n);
	clinic_free(fz->values);
}

/* ---- the model ------------------------------------------------------------ */

static void
rx_field(struct receipt_model *m, enum receipt_label label, const char *v)
{
	if (m->nfields < sizeof m->fields / sizeof m->fields[0])
		m->fields[m->nfields++] = (struct receipt_field){ m->L[label], v };
}

static const struct content_node *
rx_question(const struct content_doc *quiz, const char *id)
{
	if (quiz == NULL)
		return NULL;
	for (size_t i = 0; i < quiz->n; i++)
		if (quiz->nodes[i].kind == CONTENT_QUESTION &&
		    quiz->nodes[i].id != NULL && strcmp(quiz->nodes[i].id, id) == 0)
			return &quiz->nodes[i];
	return NULL;
}

static void
rx_questions(struct receipt_model *m, const struct store_session *s,
	     const struct content_doc *quiz)
{
	m->questions = arena_alloc(&m->arena, (s->nanswers + 1) *
				   sizeof *m->questions,
				   _Alignof(struct receipt_question));
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];
		const char *qid = r->question_id != NULL ? r->question_id : "";
		struct receipt_question *q = NULL;

		for (size_t k = 0; k < m->nquestions; k++)
			if (strcmp(m->questions[k].id, qid) == 0)
				q = &m->questions[k];
		if (q == NULL) {
			const struct content_node *node = rx_question(quiz, qid);
			size_t count = 0;

			for (size_t k = i; k < s->nanswers; k++)
				count += s->answers[k].question_id != NULL &&
					 strcmp(s->answers[k].question_id, qid) == 0;
			q = &m->questions[m->nquestions++];
			memset(q, 0, sizeof *q);
			q->id = rx_value(m, qid, false);
			if (node != NULL) {
				q->prompt = node->children;
				q->nprompt = node->nchildren;
			}
			q->v = arena_alloc(&m->arena, (count + 1) * sizeof *q->v,
					   _Alignof(struct receipt_attempt));
		}
		q->v[q->n++] = (struct receipt_attempt){
			.attempt = r->attempt,
			.choice = rx_value(m, r->choice_text, false),
			.correct = r->correct,
			.at = rx_time(m, r->at),
		};
	}
}

static const char *
rx_outcome(const struct receipt_model *m, enum store_outcome o)
{
	switch (o) {
	case STORE_COMPLETED: return m->L[RX_OUT_COMPLETED];
	case STORE_STOPPED: return m->L[RX_OUT_STOPPED];
	case STORE_TIMED_OUT: return m->L[RX_OUT_TIMED_OUT];
	default: return m->L[RX_OUT_ABANDONED];
	}
}

/* Whether statement id is addressed to a minor's guardian in the frozen
 * consent (signer: guardian). Without a kept consent nothing says so: the
 * statement is shown as confirmed, without a signer. */
static bool
rx_guardian_stmt(const struct content_doc *consent, const char *id)
{
	if (consent == NULL || id == NULL)
		return false;
	for (size_t i = 0; i < consent->n; i++) {
		const struct content_node *nd = &consent->nodes[i];

		if (nd->kind == CONTENT_STATEMENT && nd->id != NULL &&
		    strcmp(nd->id, id) == 0)
			return nd->signer != NULL &&
			       strcmp(nd->signer, "guardian") == 0;
	}
	return false;
}

/* Whether a follow-up showed statement id again because its wording
 * changed (a visit answer of kind "reconsent"). */
static bool
rx_reshown(const struct store_session *s, const char *id)
{
	for (size_t i = 0; id != NULL && i < s->nvanswers; i++)
		if (s->vanswers[i].kind != NULL &&
		    s->vanswers[i].entry != NULL &&
		    strcmp(s->vanswers[i].kind, "reconsent") == 0 &&
		    strcmp(s->vanswers[i].entry, id) == 0)
			return true;
	return false;
}

/* ---- a follow-up's answers ---------------------------------------------- */

/* An entry's text from the frozen file doc, or the id as stored. */
static struct receipt_text
rx_entry_text(struct receipt_model *m, const struct content_node *e,
	      const char *id)
{
	if (e != NULL && e->nchildren > 0)
		return (struct receipt_text){ .nodes = e->children,
					      .n = e->nchildren };
	return (struct receipt_text){ .s = rx_value(m, id, false) };
}

/* The frozen entry of that kind with the stored id, or NULL. */
static const struct content_node *
rx_entry(const struct content_doc *doc, enum content_entry kind,
	 const char *id)
{
	const struct content_node *e = doc != NULL && id != NULL
		? visit_entry(doc, id) : NULL;

	return e != NULL && e->kind == CONTENT_ENTRY && e->entry == kind
	       ? e : NULL;
}

/* The answers of one kind, in the order recorded. */
static struct receipt_answer *
rx_answers(struct receipt_model *m, const struct store_session *s,
	   const char *kind, const struct content_doc *doc,
	   enum content_entry ekind, size_t *n)
{
	struct receipt_answer *v = arena_alloc(&m->arena, (s->nvanswers + 1) *
					       sizeof *v,
					       _Alignof(struct receipt_answer));

	*n = 0;
	for (size_t i = 0; i < s->nvanswers; i++) {
		const struct store_vanswer_row *a = &s->vanswers[i];
		const struct content_node *e;
		struct receipt_answer *r;

		if (a->kind == NULL || strcmp(a->kind, kind) != 0)
			continue;
		e = rx_entry(doc, ekind, a->entry);
		r = &v[(*n)++];
		memset(r, 0, sizeof *r);
		r->id = rx_value(m, a->entry, false);
		r->text = rx_entry_text(m, e, a->entry);
		r->score = a->score;
		r->urgent = e != NULL && ekind == CONTENT_ENTRY_CHECK &&
			    e->urgent_from > 0;
		if (ekind != CONTENT_ENTRY_ITEM)
			continue;
		if (e != NULL && a->choice >= 0 &&
		    (size_t)a->choice < e->nitems)
			r->choice.in = &e->items[a->choice].text;
		else
			r->choice.s = rx_printf(m, m->L[RX_CHOICE_N],
						a->choice + 1);
	}
	return v;
}

/* The highest total the frozen questionnaire allows (0 when not kept). */
static int
rx_mood_max(const struct content_doc *doc)
{
	const struct content_node *items[64];
	size_t n = doc != NULL ? visit_entries(doc, CONTENT_ENTRY_ITEM, items,
					       64) : 0;
	int max = 0;

	for (size_t i = 0; i < n && i < 64; i++) {
		int best = 0;

		for (size_t k = 0; k < items[i]->nitems; k++)
			if (items[i]->items[k].score > best)
				best = items[i]->items[k].score;
		max += best;
	}
	return max;
}

/* What a flag is about, in the patient's words where the frozen files
 * have them. */
static struct receipt_text
rx_flag_what(struct receipt_model *m, const struct store_flag_row *f,
	     const struct content_doc *mood, const struct content_doc *effects)
{
	const char *src = f->source != NULL ? f->source : "";
	const char *entry = f->entry;
	const struct content_node *e;

	if (strcmp(src, "methods") == 0 && entry != NULL) {
		if (strcmp(entry, "none-chosen") == 0)
			return (struct receipt_text){
				.s = m->L[RX_METHODS_NONE] };
		if (strcmp(entry, "not-enough") == 0)
			return (struct receipt_text){
				.s = m->L[RX_METHODS_NOT_MET] };
	}
	if (strcmp(src, "mood") == 0) {
		if ((e = rx_entry(mood, CONTENT_ENTRY_ITEM, entry)) != NULL)
			return rx_entry_text(m, e, entry);
		if (entry != NULL && (strcmp(entry, "total") == 0 ||
				      rx_entry(mood, CONTENT_ENTRY_BAND,
					       entry) != NULL))
			return (struct receipt_text){ .s = m->mood_total != NULL
				? rx_printf(m, "%s%s%s", m->L[RX_FLAG_TOTAL],
					    strcmp(m->lang, "ja") == 0 ? "："
					    : ": ", m->mood_total)
				: m->L[RX_FLAG_TOTAL] };
	}
	if (strcmp(src, "effects") == 0 &&
	    (e = rx_entry(effects, CONTENT_ENTRY_CHECK, entry)) != NULL)
		return rx_entry_text(m, e, entry);
	return (struct receipt_text){ .s = rx_value(m, entry, false) };
}

/*
 * A follow-up's own answers, each with its text from the content frozen
 * with the record (the files the frozen manifest names as methods, mood
 * and effects), never today's files: an id not found there is shown as
 * stored.
 */
static void
rx_followup(struct receipt_model *m, const struct store_session *s,
	    const struct rx_frozen *fz)
{
	const struct content_doc *methods = NULL, *mood = NULL, *effects = NULL;
	bool methods_flag = false;
	int total = 0, max;

	m->followup = true;
	if (fz->man.followup[0] != NULL)
		methods = rx_doc(m, fz, s->lang, fz->man.followup[0]);
	if (fz->man.followup[1] != NULL)
		mood = rx_doc(m, fz, s->lang, fz->man.followup[1]);
	if (fz->man.followup[2] != NULL)
		effects = rx_doc(m, fz, s->lang, fz->man.followup[2]);
	m->methods = rx_answers(m, s, "method", methods, CONTENT_ENTRY_METHOD,
				&m->nmethods);
	m->mood = rx_answers(m, s, "mood", mood, CONTENT_ENTRY_ITEM, &m->nmood);
	m->effects = rx_answers(m, s, "effect", effects, CONTENT_ENTRY_CHECK,
				&m->neffects);
	for (size_t i = 0; i < m->nmood; i++)
		total += m->mood[i].score;
	max = rx_mood_max(mood);
	if (m->nmood > 0 && max > 0)
		m->mood_total = rx_printf(m, m->L[RX_MOOD_TOTAL_OF], total,
					  max);
	else if (m->nmood > 0)
		m->mood_total = rx_printf(m, "%d", total);

	m->flags = arena_alloc(&m->arena, (s->nflags + 1) * sizeof *m->flags,
			       _Alignof(struct receipt_flag));
	for (size_t i = 0; i < s->nflags; i++) {
		const struct store_flag_row *f = &s->flags[i];
		const char *src = f->source != NULL ? f->source : "";

		methods_flag |= strcmp(src, "methods") == 0;
		m->flags[m->nflags++] = (struct receipt_flag){
			.urgent = f->level != NULL &&
				  strcmp(f->level, "urgent") == 0,
			.source = strcmp(src, "methods") == 0
				  ? m->L[RX_SEC_METHODS]
				  : strcmp(src, "mood") == 0 ? m->L[RX_SEC_MOOD]
				  : strcmp(src, "effects") == 0
				  ? m->L[RX_SEC_EFFECTS]
				  : strcmp(src, "staff") == 0 ? m->L[RX_STAFF]
				  : rx_value(m, f->source, false),
			.what = rx_flag_what(m, f, mood, effects),
			.at = rx_time(m, f->at),
			.seen_by = f->ack_staff != NULL
				? rx_value(m, f->ack_staff, false)
				: m->L[RX_FLAG_NOT_SEEN],
			.seen_at = f->ack_staff != NULL ? rx_time(m, f->ack_at)
				: NULL,
		};
	}
	/* The contraception part is asked of the pregnancy profile only;
	 * the kiosk records the methods and, when they do not meet the rule,
	 * a flag, at the same moment: methods without a flag met it. */
	m->methods_asked = m->nmethods > 0 || methods_flag ||
			   (s->profile != NULL &&
			    strcmp(s->profile, "pregnancy") == 0);
	if (methods_flag)
		m->methods_verdict = m->L[RX_METHODS_NOT_MET];
	else if (m->nmethods > 0)
		m->methods_verdict = m->L[RX_METHODS_MET];
}

static void
rx_fill(struct receipt_model *m, const struct store_session *s,
	const struct rx_frozen *fz, const struct receipt_opts *o)
{
	const char *visit = rx_visit_kind(s);
	const struct content_doc *consent = fz->man.consent != NULL
		? rx_doc(m, fz, s->lang, fz->man.consent) : NULL;
	char now[CLOCK_MAX];

	if (fz->values != NULL) {
		const char *c = clinic_get(fz->values, "clinic_name", 11, m->lang);

		if (c != NULL)
			m->clinic = rx_value(m, c, false);
	}
	snprintf(m->code, sizeof m->code, "%.4s-%.4s", s->seal_hash,
		 s->seal_hash + 4);
	m->seal = rx_dup(m, s->seal_hash);
	m->version = rx_dup(m, s->content_version);
	m->seq = s->seal_seq;
	m->qr = rx_printf(m, "isokiosk:%s:%s", m->code, s->seal_hash);
	m->completed = s->outcome == STORE_COMPLETED;
	clock_format(o->now_ms != 0 ? o->now_ms : clock_now_ms(), CLOCK_MINUTE,
		     now);
	m->made = rx_printf(m, m->L[RX_CHECKED], now);

	rx_field(m, RX_PATIENT, rx_value(m, s->patient_ref, false));
	rx_field(m, RX_PROFILE, s->profile != NULL &&
		 strcmp(s->profile, "pregnancy") == 0 ? m->L[RX_PROFILE_PREG]
		 : s->profile != NULL && strcmp(s->profile, "no-pregnancy") == 0
		 ? m->L[RX_PROFILE_NOPREG] : rx_value(m, s->profile, false));
	rx_field(m, RX_VISIT, strcmp(visit, "first") == 0
		 ? m->L[RX_VISIT_FIRST] : m->L[RX_VISIT_FOLLOW]);
	rx_field(m, RX_MINOR, s->minor ? m->L[RX_MINOR_YES] : m->L[RX_NO]);
	rx_field(m, RX_LANGUAGE, fz->man.language != NULL
		 ? rx_value(m, fz->man.language, false)
		 : rx_value(m, s->lang, false));
	rx_field(m, RX_STARTED, rx_time(m, s->started_at));
	rx_field(m, RX_ENDED, rx_time(m, s->ended_at));
	rx_field(m, RX_OUTCOME, rx_outcome(m, s->outcome));
	if (s->reason != NULL)
		rx_field(m, RX_REASON, rx_value(m, s->reason, false));
	rx_field(m, RX_KIOSK, rx_value(m, s->kiosk_id, false));
	rx_field(m, RX_STAFF, rx_value(m, s->staff_id, false));
	if (s->presc_staff != NULL) {
		rx_field(m, RX_PRESCRIBE, m->L[RX_PRESCRIBE_YES]);
		rx_field(m, RX_PRESCRIBE_BY, rx_value(m, s->presc_staff, false));
		rx_field(m, RX_PRESCRIBE_AT, rx_time(m, s->presc_at));
		if (s->presc_test > 0)
			rx_field(m, RX_PRESCRIBE_TEST,
				 rx_printf(m, "#%lld", (long long)s->presc_test));
	}

	m->stmts = arena_alloc(&m->arena, (s->nacks + 1) * sizeof *m->stmts,
			       _Alignof(struct receipt_stmt));
	for (size_t i = 0; i < s->nacks; i++)
		m->stmts[m->nstmts++] = (struct receipt_stmt){
			rx_value(m, s->acks[i].text, true),
			rx_time(m, s->acks[i].at),
			rx_guardian_stmt(consent, s->acks[i].statement_id),
			rx_reshown(s, s->acks[i].statement_id) };
	m->signs = arena_alloc(&m->arena, (s->nsigns + 1) * sizeof *m->signs,
			       _Alignof(struct receipt_sign));
	m->by_patient = m->L[RX_BY_PATIENT];
	m->by_guardian = m->L[RX_BY_GUARDIAN];
	for (size_t i = 0; i < s->nsigns; i++) {
		const struct store_sign_row *r = &s->signs[i];

		if (r->role != NULL && strcmp(r->role, "guardian") == 0 &&
		    r->name != NULL)
			m->by_guardian = rx_printf(m, m->L[RX_BY_GUARDIAN_NAMED],
						   rx_value(m, r->name, false));
		const char *role = r->role == NULL ? "-"
			: strcmp(r->role, "patient") == 0 ? m->L[RX_ROLE_PATIENT]
			: strcmp(r->role, "guardian") == 0 ? m->L[RX_ROLE_GUARDIAN]
			: rx_value(m, r->role, false);

		m->signs[m->nsigns++] = (struct receipt_sign){ role,
			rx_value(m, r->name, false), rx_value(m, r->meaning, false),
			rx_time(m, r->at) };
	}
	m->staff = arena_alloc(&m->arena, (s->nverifications + 1) *
			       sizeof *m->staff, _Alignof(struct receipt_staff));
	for (size_t i = 0; i < s->nverifications; i++)
		m->staff[m->nstaff++] = (struct receipt_staff){
			rx_value(m, s->verifications[i].staff_id, false),
			rx_time(m, s->verifications[i].at) };
}

/* The appendix: each screen of the manifest the record says was shown, in
 * the manifest's order, with how long it was shown in all. */
static void
rx_screens(struct receipt_model *m, const struct store_session *s,
	   const struct rx_frozen *fz)
{
	m->screens = arena_alloc(&m->arena, (fz->man.nscreens + 1) *
				 sizeof *m->screens,
				 _Alignof(struct receipt_screen));
	for (size_t i = 0; i < fz->man.nscreens; i++) {
		const char *id = fz->man.screens[i];
		const struct content_doc *doc;
		int64_t ms = 0;
		bool shown = false;

		for (size_t k = 0; k < s->nscreens; k++)
			if (s->screens[k].screen_id != NULL &&
			    strcmp(s->screens[k].screen_id, id) == 0) {
				shown = true;
				ms += s->screens[k].shown_ms;
			}
		if (!shown || (doc = rx_doc(m, fz, s->lang, id)) == NULL)
			continue;
		m->screens[m->nscreens++] = (struct receipt_screen){ doc,
			rx_printf(m, m->L[RX_SHOWN], rx_duration(m, ms)) };
	}
	m->appendix_note = rx_printf(m, m->L[RX_APPENDIX_NOTE],
				     rx_printf(m, "%.12s...", m->version));
}

int
receipt_model_load(struct store *st, int64_t id, const struct receipt_opts *o,
		   struct receipt_model *m, char **err)
{
	struct store_session s;
	struct rx_frozen fz;
	const char *lang;
	int rc;

	memset(m, 0, sizeof *m);
	memset(&fz, 0, sizeof fz);
	store_session_init(&s);
	rc = store_session_get(st, id, &s, err);
	if (rc != 0) {
		if (rc == 1)
			xfailf(err, "no session %lld", (long long)id);
		goto fail;
	}
	if ((rc = store_session_check(st, &s, err)) != 0) {
		if (rc == 1) {
			char *why = *err;

			*err = NULL;
			xfailf(err, "%s: no copy made%s", why,
				s.seal_hash != NULL ? " (records verify checks"
				" the whole chain)" : "");
			free(why);
		}
		goto fail;
	}
	lang = o->lang != NULL ? o->lang : s.lang;
	if (lang == NULL || !rx_lang_ok(lang)) {
		xfailf(err, "session %lld: '%s' is not a language code",
			(long long)id, lang != NULL ? lang : "");
		goto fail;
	}
	m->lang = rx_dup(m, lang);
	m->content_lang = rx_dup(m, s.lang);
	if (rx_labels(m, lang, err) != 0)
		goto fail;
	if (rx_frozen_load(st, &s, &fz, &m->arena, err) != 0)
		goto fail;
	if (o->with_content && fz.n == 0) {
		xfailf(err, "session %lld: the content it showed was not kept"
			" with the record (content version %.12s...): no"
			" appendix can be made", (long long)id,
			s.content_version);
		goto fail;
	}
	rx_fill(m, &s, &fz, o);
	if (strcmp(rx_visit_kind(&s), "follow-up") == 0)
		rx_followup(m, &s, &fz);
	rx_questions(m, &s, fz.man.quiz != NULL
		     ? rx_doc(m, &fz, s.lang, fz.man.quiz) : NULL);
	if (o->with_content)
		rx_screens(m, &s, &fz);
	rx_frozen_done(&fz);
	store_session_done(&s);
	return 0;
fail:
	rx_frozen_done(&fz);
	store_session_done(&s);
	receipt_model_done(m);
	return -1;
}

void
receipt_model_done(struct receipt_model *m)
{
	for (size_t i = 0; i < m->ndocs_; i++)
		content_doc_free(m->docs_[i]);
	free(m->docs_);
	arena_done(&m->arena);
	memset(m, 0, sizeof *m);
}

int
receipt_paper_parse(const char *name)
{
	if (strcmp(name, "a4") == 0 || strcmp(name, "A4") == 0)
		return RECEIPT_A4;
	if (strcmp(name, "receipt") == 0)
		return RECEIPT_ROLL;
	return -1;
}

int
receipt_make(struct store *st, int64_t id, const struct receipt_opts *o,
	     struct strbuf *out, char **err)
{
	struct receipt_model m;
	int rc;

	if (receipt_model_load(st, id, o, &m, err) != 0)
		return -1;
	rc = receipt_pdf(&m, o, out, err);
	receipt_model_done(&m);
	return rc;
}
