/*
 * store-export-visit: what follow-up visits add to the exports
 * (store-export.c calls it; store-visit.h holds the records):
 *
 *   FHIR R4, per follow-up session: a QuestionnaireResponse of the visit's
 *   answers (contraception methods chosen, each mood-check item's score
 *   and the total, the side effects ticked; linkIds are the content's
 *   entry ids), and a Flag per urgent flag (status active until staff
 *   acknowledged it, then inactive with the period's end); per pregnancy
 *   test an Observation (LOINC 2106-3 hCG in urine, or 2118-8 in serum or
 *   plasma for a test done by a laboratory; the result as a SNOMED CT coded
 *   value, an invalid test as dataAbsentReason "error";
 *   effectiveDateTime the day of the test, issued when it was entered).
 *
 *   CSV: each session row is a visit; store_csv_visit adds its columns
 *   (visit, methods, mood total, effects, flags, may prescribe).
 *
 * Every value goes through jansson (json_string checks UTF-8; a value it
 * refuses is left out). The uuids are name-based, from the seals, so the
 * same records always export the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "outgate.h"
#include "store-int.h"
#include "store-visit.h"
#include "xmalloc.h"

#define FHIR_PATIENT_SYSTEM "urn:isokiosk:patient-ref"

static void
store_xv_uuid(const char *label, const char *seal, long long n, char out[46])
{
	unsigned char h[32];
	char hex[33];
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "isokiosk-fhir:%s:%s:%lld", label, seal ? seal : "",
		    n);
	crypto_hash_sha256(h, (const unsigned char *)sb.s, sb.len);
	strbuf_done(&sb);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	sodium_bin2hex(hex, sizeof hex, h, 16);
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
		 hex + 12, hex + 16, hex + 20);
}

/* A string member, left out when NULL, empty or not UTF-8. */
static void
store_xv_set(json_t *o, const char *key, const char *v)
{
	json_t *s;

	if (v == NULL || v[0] == '\0' || (s = json_string(v)) == NULL)
		return;
	json_object_set_new(o, key, s);
}

static json_t *
store_xv_patient(const char *ref)
{
	json_t *id = json_object(), *p = json_object();

	json_object_set_new(id, "system", json_string(FHIR_PATIENT_SYSTEM));
	store_xv_set(id, "value", ref);
	json_object_set_new(p, "type", json_string("Patient"));
	json_object_set_new(p, "identifier", id);
	return p;
}

static json_t *
store_xv_coding(const char *system, const char *code, const char *display)
{
	json_t *c = json_object(), *cc = json_object();

	json_object_set_new(c, "system", json_string(system));
	store_xv_set(c, "code", code);
	if (display != NULL)
		json_object_set_new(c, "display", json_string(display));
	json_object_set_new(cc, "coding", json_pack("[o]", c));
	return cc;
}

static const char *
store_xv_time(const char *at, char out[CLOCK_MAX])
{
	if (at == NULL)
		return NULL;
	return clock_format_utc(at, CLOCK_ISO, out) != NULL ? out : at;
}

/* ",\n{"fullUrl":url,"resource":res}" (res taken). */
static void
store_xv_entry(struct strbuf *sb, const char *url, json_t *res)
{
	json_t *e = json_object();
	json_malloc_t m;
	json_free_t f;
	char *txt;

	json_object_set_new(e, "fullUrl", json_string(url));
	json_object_set_new(e, "resource", res);
	txt = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
	/* A C1 control or an invisible (bidi, zero-width) character is
	 * written as a \u escape, as store-export.c writes the session's
	 * (outgate.h): exact, and inert on a terminal that shows the file. */
	if (txt != NULL && outgate_json_unsafe(txt, strlen(txt))) {
		json_get_alloc_funcs(&m, &f);
		f(txt);
		txt = json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER |
				 JSON_ENSURE_ASCII);
	}
	json_decref(e);
	if (txt == NULL)
		return;
	strbuf_addstr(sb, ",\n");
	strbuf_addstr(sb, txt);
	json_get_alloc_funcs(&m, &f);
	f(txt);
}

/* A group item of the visit's answers of one kind; NULL when none. */
static json_t *
store_xv_group(const struct store_session *s, const char *kind,
	       const char *link, const char *text, bool scores)
{
	json_t *items = json_array(), *g;
	int total = 0;
	char l[300];

	for (size_t i = 0; i < s->nvanswers; i++) {
		const struct store_vanswer_row *a = &s->vanswers[i];
		json_t *it, *ans = json_object();

		if (a->kind == NULL || strcmp(a->kind, kind) != 0 ||
		    a->entry == NULL)
			continue;
		it = json_object();
		snprintf(l, sizeof l, "%s.%s", link, a->entry);
		store_xv_set(it, "linkId", l);
		if (scores) {
			json_object_set_new(ans, "valueInteger",
					    json_integer(a->score));
			total += a->score;
		} else {
			json_object_set_new(ans, "valueBoolean", json_true());
		}
		json_object_set_new(it, "answer", json_pack("[o]", ans));
		json_array_append_new(items, it);
	}
	if (json_array_size(items) == 0) {
		json_decref(items);
		return NULL;
	}
	if (scores) {
		json_t *it = json_object(), *ans = json_object();

		snprintf(l, sizeof l, "%s.total", link);
		json_object_set_new(it, "linkId", json_string(l));
		json_object_set_new(ans, "valueInteger", json_integer(total));
		json_object_set_new(it, "answer", json_pack("[o]", ans));
		json_array_append_new(items, it);
	}
	g = json_object();
	json_object_set_new(g, "linkId", json_string(link));
	json_object_set_new(g, "text", json_string(text));
	json_object_set_new(g, "item", items);
	return g;
}

void
store_fhir_visit(struct strbuf *sb, const struct store_session *s)
{
	char url[46], t[CLOCK_MAX], ident[300];
	json_t *qr, *items, *g;

	if (s->visit == NULL || strcmp(s->visit, "follow-up") != 0)
		return;
	snprintf(ident, sizeof ident, "%s/%lld#visit",
		 s->kiosk_id ? s->kiosk_id : "", (long long)s->id);
	items = json_array();
	if ((g = store_xv_group(s, "method", "contraception",
				"Contraception used now", false)) != NULL)
		json_array_append_new(items, g);
	if ((g = store_xv_group(s, "mood", "mood", "Mood check (scores)",
				true)) != NULL)
		json_array_append_new(items, g);
	if ((g = store_xv_group(s, "effect", "effects",
				"Side effects since the last visit",
				false)) != NULL)
		json_array_append_new(items, g);
	qr = json_object();
	json_object_set_new(qr, "resourceType",
			    json_string("QuestionnaireResponse"));
	store_xv_uuid("VisitResponse", s->seal_hash, s->id, url);
	json_object_set_new(qr, "id", json_string(url + 9));
	{
		json_t *id = json_object();

		json_object_set_new(id, "system",
				    json_string("urn:isokiosk:visit"));
		store_xv_set(id, "value", ident);
		json_object_set_new(qr, "identifier", id);
	}
	snprintf(ident, sizeof ident, "urn:isokiosk:follow-up:%s|%s",
		 s->lang ? s->lang : "", s->content_version ?
		 s->content_version : "");
	store_xv_set(qr, "questionnaire", ident);
	json_object_set_new(qr, "status", json_string(
		s->outcome == STORE_COMPLETED ? "completed"
		: s->outcome == STORE_OPEN ? "in-progress" : "stopped"));
	json_object_set_new(qr, "subject", store_xv_patient(s->patient_ref));
	store_xv_set(qr, "authored", store_xv_time(s->ended_at ? s->ended_at
						   : s->started_at, t));
	if (json_array_size(items) > 0)
		json_object_set_new(qr, "item", items);
	else
		json_decref(items);
	store_xv_entry(sb, url, qr);

	for (size_t i = 0; i < s->nflags; i++) {
		const struct store_flag_row *f = &s->flags[i];
		json_t *fl, *period;
		char code[300], text[400];

		if (f->level == NULL || strcmp(f->level, "urgent") != 0)
			continue;
		fl = json_object();
		json_object_set_new(fl, "resourceType", json_string("Flag"));
		store_xv_uuid("Flag", s->seal_hash, s->id * 1000 + f->seq, url);
		json_object_set_new(fl, "id", json_string(url + 9));
		{
			json_t *id = json_object();

			snprintf(ident, sizeof ident, "%s/%lld/%lld",
				 s->kiosk_id ? s->kiosk_id : "",
				 (long long)s->id, (long long)f->seq);
			json_object_set_new(id, "system",
					    json_string("urn:isokiosk:flag"));
			store_xv_set(id, "value", ident);
			json_object_set_new(fl, "identifier",
					    json_pack("[o]", id));
		}
		json_object_set_new(fl, "status", json_string(
			f->ack_staff != NULL ? "inactive" : "active"));
		json_object_set_new(fl, "category", json_pack("[o]",
			store_xv_coding("http://terminology.hl7.org/CodeSystem/flag-category",
					"clinical", "Clinical")));
		snprintf(code, sizeof code, "%s.%s",
			 f->source ? f->source : "-", f->entry ? f->entry : "-");
		snprintf(text, sizeof text, "Urgent: %s %s; talk with the"
			 " patient now", f->source ? f->source : "-",
			 f->entry ? f->entry : "-");
		{
			json_t *cc = store_xv_coding("urn:isokiosk:flag-code",
						     code, NULL);

			store_xv_set(cc, "text", text);
			json_object_set_new(fl, "code", cc);
		}
		json_object_set_new(fl, "subject",
				    store_xv_patient(s->patient_ref));
		period = json_object();
		store_xv_set(period, "start", store_xv_time(f->at, t));
		if (f->ack_at != NULL)
			store_xv_set(period, "end", store_xv_time(f->ack_at, t));
		json_object_set_new(fl, "period", period);
		store_xv_entry(sb, url, fl);
	}
}

/* ---- pregnancy tests ---- */

struct store_xv_tests {
	struct strbuf *sb;
	const char *since;
	size_t n;
	char **err;
};

/* Every text of a pregnancy test is UTF-8, or the export stops naming the
 * test and the field (as store_fhir_check does for a session): JSON
 * cannot hold other bytes, and dropping them would export something the
 * database does not hold. 0, or -1 with *err. */
static int
store_xv_test_check(const struct store_test_row *r, char **err)
{
	const struct { const char *what; const char *v; } f[] = {
		{ "patient_ref", r->patient_ref }, { "date", r->date },
		{ "result", r->result }, { "setting", r->setting },
		{ "staff_id", r->staff_id }, { "at", r->at },
		{ "seal_hash", r->seal_hash },
	};
	char *bad = NULL;

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (f[i].v == NULL ||
		    outgate_json_check(f[i].v, strlen(f[i].v), &bad) == 0)
			continue;
		if (err != NULL) {
			free(*err);
			*err = xasprintf("pregnancy test #%lld, %s: %s: the"
					 " export stops here (run 'isokiosk"
					 " records verify')", (long long)r->id,
					 f[i].what, bad);
		}
		free(bad);
		return -1;
	}
	return 0;
}

static int
store_xv_test(const struct store_test_row *r, void *vctx)
{
	struct store_xv_tests *x = vctx;
	bool serum = r->setting != NULL && strcmp(r->setting, "laboratory") == 0;
	json_t *o;
	char url[46], t[CLOCK_MAX], id[32], note[200];

	if (x->since != NULL && r->date != NULL &&
	    strncmp(r->date, x->since, 10) < 0)
		return 0;
	if (store_xv_test_check(r, x->err) != 0)
		return -1;
	o = json_object();
	json_object_set_new(o, "resourceType", json_string("Observation"));
	store_xv_uuid("Observation", r->seal_hash, r->id, url);
	json_object_set_new(o, "id", json_string(url + 9));
	{
		json_t *ident = json_object();

		snprintf(id, sizeof id, "%lld", (long long)r->id);
		json_object_set_new(ident, "system",
				    json_string("urn:isokiosk:pregnancy-test"));
		json_object_set_new(ident, "value", json_string(id));
		json_object_set_new(o, "identifier", json_pack("[o]", ident));
	}
	json_object_set_new(o, "status", json_string("final"));
	json_object_set_new(o, "category", json_pack("[o]",
		store_xv_coding("http://terminology.hl7.org/CodeSystem/observation-category",
				"laboratory", "Laboratory")));
	json_object_set_new(o, "code", serum
		? store_xv_coding("http://loinc.org", "2118-8",
				  "Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma")
		: store_xv_coding("http://loinc.org", "2106-3",
				  "Choriogonadotropin (pregnancy test) [Presence] in Urine"));
	json_object_set_new(o, "subject", store_xv_patient(r->patient_ref));
	store_xv_set(o, "effectiveDateTime", r->date);
	store_xv_set(o, "issued", store_xv_time(r->at, t));
	if (r->result != NULL && strcmp(r->result, "negative") == 0)
		json_object_set_new(o, "valueCodeableConcept",
			store_xv_coding("http://snomed.info/sct", "260385009",
					"Negative"));
	else if (r->result != NULL && strcmp(r->result, "positive") == 0)
		json_object_set_new(o, "valueCodeableConcept",
			store_xv_coding("http://snomed.info/sct", "10828004",
					"Positive"));
	else
		json_object_set_new(o, "dataAbsentReason",
			store_xv_coding("http://terminology.hl7.org/CodeSystem/data-absent-reason",
					"error", "Error"));
	snprintf(note, sizeof note, "setting: %s; entered by staff %s",
		 r->setting ? r->setting : "-", r->staff_id ? r->staff_id : "-");
	{
		json_t *n = json_object();

		store_xv_set(n, "text", note);
		json_object_set_new(o, "note", json_pack("[o]", n));
	}
	store_xv_entry(x->sb, url, o);
	x->n++;
	return 0;
}

int
store_fhir_tests(struct store *st, const char *since, struct strbuf *sb,
		 char **err)
{
	struct store_xv_tests x = { sb, since, 0, err };

	return store_tests_each(st, NULL, store_xv_test, &x, err);
}

/* ---- CSV ---- */

void
store_csv_visit(struct strbuf *sb, const struct store_session *s,
		void (*cell)(struct strbuf *, const char *, bool))
{
	struct strbuf m, e, f;
	int total = 0;
	bool mood = false;

	strbuf_init(&m);
	strbuf_init(&e);
	strbuf_init(&f);
	for (size_t i = 0; i < s->nvanswers; i++) {
		const struct store_vanswer_row *a = &s->vanswers[i];
		struct strbuf *to = NULL;

		if (a->kind == NULL || a->entry == NULL)
			continue;
		if (strcmp(a->kind, "method") == 0)
			to = &m;
		else if (strcmp(a->kind, "effect") == 0)
			to = &e;
		else if (strcmp(a->kind, "mood") == 0) {
			total += a->score;
			mood = true;
		}
		if (to != NULL) {
			if (to->len > 0)
				strbuf_addch(to, ' ');
			strbuf_addstr(to, a->entry);
		}
	}
	for (size_t i = 0; i < s->nflags; i++) {
		const struct store_flag_row *fl = &s->flags[i];

		if (f.len > 0)
			strbuf_addch(&f, ' ');
		strbuf_addf(&f, "%s:%s.%s:%s", fl->level ? fl->level : "-",
			    fl->source ? fl->source : "-",
			    fl->entry ? fl->entry : "-",
			    fl->ack_staff ? fl->ack_staff : "open");
	}
	cell(sb, s->visit != NULL ? s->visit : "first", false);
	cell(sb, m.len ? m.s : NULL, false);
	if (mood)
		strbuf_addf(sb, ",%d", total);
	else
		strbuf_addch(sb, ',');
	cell(sb, e.len ? e.s : NULL, false);
	cell(sb, f.len ? f.s : NULL, false);
	cell(sb, s->presc_staff, false);
	strbuf_done(&m);
	strbuf_done(&e);
	strbuf_done(&f);
}
