/*
 * store-export: the consent records as CSV (for spreadsheets) and as an HL7
 * FHIR R4 Bundle (for a clinic's records system). Both stream: one session
 * at a time from store_each, written as it comes.
 *
 * FHIR mapping, per session:
 *   QuestionnaireResponse
 *     identifier   urn:isokiosk:session  "<kiosk>/<session id>"
 *     questionnaire  urn:isokiosk:content:<lang>|<content version>
 *     status       open → in-progress; completed → completed;
 *                  stopped, abandoned, timed-out → stopped
 *     subject      by identifier (urn:isokiosk:patient-ref, as typed)
 *     authored     end time (start time while open)
 *     item         "screens" (a visit each: seconds shown), one item per
 *                  question (an item per attempt: the choice text, with
 *                  nested answers "correct", "choice", "time"),
 *                  "acknowledgements" (per statement: true, with "sha256"
 *                  and "time"), "signatures", "staff-verifications",
 *                  "outcome"
 *   Consent
 *     status       completed → active; open → draft; stopped → rejected
 *                  (understanding not shown: consent not obtained);
 *                  abandoned, timed-out → inactive
 *     scope        consentscope#treatment; category LOINC 59284-0
 *     patient      by identifier; dateTime: the end time
 *     policy       authority urn:isokiosk, uri urn:isokiosk:content:<version>
 *     verification one per staff verification (verified, date)
 *     sourceReference  the QuestionnaireResponse's urn:uuid fullUrl
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "store-int.h"
#include "xmalloc.h"

/* ---- CSV ----------------------------------------------------------------- */

static void
store_csv_cell(struct strbuf *sb, const char *v, bool first)
{
	bool quote;

	if (!first)
		strbuf_addch(sb, ',');
	if (v == NULL)
		return;
	quote = strpbrk(v, ",\"\r\n") != NULL;
	if (quote)
		strbuf_addch(sb, '"');
	if (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')
		strbuf_addch(sb, '\'');
	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *p);
	}
	if (quote)
		strbuf_addch(sb, '"');
}

static void
store_csv_int(struct strbuf *sb, long long v)
{
	strbuf_addf(sb, ",%lld", v);
}

static void
store_csv_end(struct strbuf *sb)
{
	strbuf_addstr(sb, "\r\n");
}

struct store_csv_ctx {
	FILE *fp;
	bool detail;
	struct strbuf sb;
};

static const struct store_sign_row *
store_find_sign(const struct store_session *s, const char *role)
{
	for (size_t i = 0; i < s->nsigns; i++)
		if (strcmp(s->signs[i].role, role) == 0)
			return &s->signs[i];
	return NULL;
}

static void
store_csv_session(struct strbuf *sb, const struct store_session *s)
{
	const struct store_sign_row *pat = store_find_sign(s, "patient");
	const struct store_sign_row *gua = store_find_sign(s, "guardian");
	const struct store_verify_row *ver =
		s->nverifications ? &s->verifications[s->nverifications - 1]
				  : NULL;
	int64_t ms = 0;
	size_t wrong = 0, questions = 0;

	for (size_t i = 0; i < s->nscreens; i++)
		ms += s->screens[i].shown_ms;
	for (size_t i = 0; i < s->nanswers; i++) {
		if (!s->answers[i].correct)
			wrong++;
		else
			questions++;
	}
	strbuf_addf(sb, "%lld", (long long)s->id);
	store_csv_cell(sb, s->kiosk_id, false);
	store_csv_cell(sb, s->staff_id, false);
	store_csv_cell(sb, s->patient_ref, false);
	store_csv_cell(sb, s->profile, false);
	store_csv_int(sb, s->minor ? 1 : 0);
	store_csv_cell(sb, s->lang, false);
	store_csv_cell(sb, s->content_version, false);
	store_csv_cell(sb, s->started_at, false);
	store_csv_cell(sb, s->ended_at, false);
	store_csv_cell(sb, s->outcome_name, false);
	store_csv_cell(sb, s->reason, false);
	store_csv_int(sb, (long long)s->nscreens);
	strbuf_addf(sb, ",%lld.%03lld", (long long)(ms / 1000),
		    (long long)(ms % 1000));
	store_csv_int(sb, (long long)questions);
	store_csv_int(sb, (long long)s->nanswers);
	store_csv_int(sb, (long long)wrong);
	store_csv_int(sb, (long long)s->nacks);
	store_csv_cell(sb, pat ? pat->name : NULL, false);
	store_csv_cell(sb, pat ? pat->meaning : NULL, false);
	store_csv_cell(sb, pat ? pat->at : NULL, false);
	store_csv_cell(sb, gua ? gua->name : NULL, false);
	store_csv_cell(sb, ver ? ver->staff_id : NULL, false);
	store_csv_cell(sb, ver ? ver->at : NULL, false);
	if (s->seal_seq > 0)
		store_csv_int(sb, (long long)s->seal_seq);
	else
		strbuf_addch(sb, ',');
	store_csv_cell(sb, s->seal_prev, false);
	store_csv_cell(sb, s->seal_hash, false);
	store_csv_end(sb);
}

/* session_id,kind,seq,item,attempt,value,correct,seconds,at */
static void
store_csv_event(struct strbuf *sb, const struct store_session *s,
		const char *kind, int64_t seq, const char *item, int attempt,
		const char *value, int correct, int64_t ms, const char *at)
{
	strbuf_addf(sb, "%lld", (long long)s->id);
	store_csv_cell(sb, kind, false);
	store_csv_int(sb, (long long)seq);
	store_csv_cell(sb, item, false);
	if (attempt > 0)
		store_csv_int(sb, attempt);
	else
		strbuf_addch(sb, ',');
	store_csv_cell(sb, value, false);
	if (correct >= 0)
		store_csv_int(sb, correct);
	else
		strbuf_addch(sb, ',');
	if (ms >= 0)
		strbuf_addf(sb, ",%lld.%03lld", (long long)(ms / 1000),
			    (long long)(ms % 1000));
	else
		strbuf_addch(sb, ',');
	store_csv_cell(sb, at, false);
	store_csv_end(sb);
}

static void
store_csv_detail(struct strbuf *sb, const struct store_session *s)
{
	for (size_t i = 0; i < s->nscreens; i++) {
		const struct store_screen_row *r = &s->screens[i];

		store_csv_event(sb, s, "screen", r->seq, r->screen_id, 0, NULL,
				-1, r->shown_ms, r->at);
	}
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];

		store_csv_event(sb, s, "answer", r->seq, r->question_id,
				r->attempt, r->choice_text, r->correct ? 1 : 0,
				-1, r->at);
	}
	for (size_t i = 0; i < s->nacks; i++) {
		const struct store_ack_row *r = &s->acks[i];

		store_csv_event(sb, s, "ack", r->seq, r->statement_id, 0,
				r->text_sha256, -1, -1, r->at);
	}
	for (size_t i = 0; i < s->nsigns; i++) {
		const struct store_sign_row *r = &s->signs[i];

		store_csv_event(sb, s, "signature", r->seq, r->role, 0, r->name,
				-1, -1, r->at);
	}
	for (size_t i = 0; i < s->nverifications; i++) {
		const struct store_verify_row *r = &s->verifications[i];

		store_csv_event(sb, s, "verification", r->seq, "staff", 0,
				r->staff_id, -1, -1, r->at);
	}
}

static int
store_csv_row(const struct store_session *s, void *vctx)
{
	struct store_csv_ctx *c = vctx;

	strbuf_reset(&c->sb);
	if (c->detail)
		store_csv_detail(&c->sb, s);
	else
		store_csv_session(&c->sb, s);
	if (fwrite(c->sb.s, 1, c->sb.len, c->fp) != c->sb.len)
		return 1;
	return 0;
}

static int
store_export_finish(FILE *fp, int rc, char **err)
{
	if (rc == -1)
		return -1;
	if (rc != 0 || fflush(fp) != 0 || ferror(fp))
		return store_failf(err, "writing the export: %s",
				   strerror(errno ? errno : EIO));
	return 0;
}

int
store_export_csv(struct store *st, const char *since, bool detail, FILE *fp,
		 char **err)
{
	struct store_csv_ctx c = { fp, detail, { 0 } };
	int rc;

	fputs("\xef\xbb\xbf", fp);
	if (detail)
		fputs("session_id,kind,seq,item,attempt,value,correct,seconds,"
		      "at\r\n", fp);
	else
		fputs("session_id,kiosk_id,staff_id,patient_ref,profile,minor,"
		      "lang,content_version,started_at,ended_at,outcome,reason,"
		      "screens,screen_seconds,questions,attempts,wrong_attempts,"
		      "acknowledgements,signed_by,signature_meaning,signed_at,"
		      "guardian,verified_by,verified_at,seal_seq,seal_prev,"
		      "seal_hash\r\n", fp);
	strbuf_init(&c.sb);
	errno = 0;
	rc = store_each(st, since, store_csv_row, &c, err);
	strbuf_done(&c.sb);
	return store_export_finish(fp, rc, err);
}

/* ---- FHIR R4 ------------------------------------------------------------- */

#define FHIR_SESSION_SYSTEM "urn:isokiosk:session"
#define FHIR_PATIENT_SYSTEM "urn:isokiosk:patient-ref"

/* A name-based UUID (SHA-256, version 5 layout) from a label and a seal. */
static void
store_fhir_uuid(const struct store_session *s, const char *label,
		char out[46])
{
	unsigned char h[32];
	char hex[33];
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "isokiosk-fhir:%s:", label);
	if (s->seal_hash != NULL)
		strbuf_addstr(&sb, s->seal_hash);
	else
		strbuf_addf(&sb, "open:%lld:%s:%s", (long long)s->id,
			    s->kiosk_id ? s->kiosk_id : "",
			    s->started_at ? s->started_at : "");
	crypto_hash_sha256(h, (const unsigned char *)sb.s, sb.len);
	strbuf_done(&sb);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	sodium_bin2hex(hex, sizeof hex, h, 16);
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
		 hex + 12, hex + 16, hex + 20);
}

static json_t *
store_fhir_str(const char *v)
{
	/* FHIR strings are never empty: an empty value is left out. */
	return v != NULL && v[0] != '\0' ? json_string(v) : NULL;
}

static void
store_fhir_set(json_t *o, const char *key, json_t *v)
{
	if (v != NULL)
		json_object_set_new(o, key, v);
}

static json_t *
store_fhir_identifier(const char *system, const char *value)
{
	json_t *id = json_object();

	json_object_set_new(id, "system", json_string(system));
	store_fhir_set(id, "value", store_fhir_str(value));
	return id;
}

static json_t *
store_fhir_patient(const struct store_session *s)
{
	json_t *ref = json_object();

	json_object_set_new(ref, "type", json_string("Patient"));
	json_object_set_new(ref, "identifier",
			    store_fhir_identifier(FHIR_PATIENT_SYSTEM,
						  s->patient_ref));
	return ref;
}

/* { linkId, text?, answer: [ { <type>: v } ] } */
static json_t *
store_fhir_answer_item(const char *link, const char *text, const char *type,
		       json_t *v)
{
	json_t *item = json_object(), *ans = json_object();

	json_object_set_new(item, "linkId", json_string(link));
	store_fhir_set(item, "text", store_fhir_str(text));
	json_object_set_new(ans, type, v);
	json_object_set_new(item, "answer", json_pack("[o]", ans));
	return item;
}

static json_t *
store_fhir_group(const char *link, const char *text)
{
	json_t *item = json_object();

	json_object_set_new(item, "linkId", json_string(link));
	store_fhir_set(item, "text", store_fhir_str(text));
	json_object_set_new(item, "item", json_array());
	return item;
}

static json_t *
store_fhir_seconds(int64_t ms)
{
	/* A decimal, exact to the millisecond. */
	char buf[32];

	snprintf(buf, sizeof buf, "%lld.%03lld", (long long)(ms / 1000),
		 (long long)(ms % 1000));
	return json_real(strtod(buf, NULL));
}

static json_t *
store_fhir_qr_items(const struct store_session *s)
{
	json_t *items = json_array(), *g;
	char link[256];

	if (s->nscreens > 0) {
		g = store_fhir_group("screens", "Screens shown (seconds)");
		for (size_t i = 0; i < s->nscreens; i++) {
			const struct store_screen_row *r = &s->screens[i];

			snprintf(link, sizeof link, "screens.%lld",
				 (long long)r->seq);
			json_array_append_new(json_object_get(g, "item"),
				store_fhir_answer_item(link, r->screen_id,
					"valueDecimal",
					store_fhir_seconds(r->shown_ms)));
		}
		json_array_append_new(items, g);
	}
	/* One item per question, in the order first asked. */
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(s->answers[j].question_id,
				      r->question_id) == 0;
		if (seen)
			continue;
		snprintf(link, sizeof link, "quiz.%s", r->question_id);
		g = store_fhir_group(link, r->question_id);
		for (size_t j = i; j < s->nanswers; j++) {
			const struct store_answer_row *a = &s->answers[j];
			json_t *item, *ans, *sub;
			char alink[300];

			if (strcmp(a->question_id, r->question_id) != 0)
				continue;
			snprintf(alink, sizeof alink, "%s.attempt-%d", link,
				 a->attempt);
			item = json_object();
			json_object_set_new(item, "linkId", json_string(alink));
			ans = json_object();
			json_object_set_new(ans, "valueString",
					    json_string(a->choice_text[0]
							? a->choice_text : "-"));
			sub = json_array();
			{
				char l2[340];

				snprintf(l2, sizeof l2, "%s.correct", alink);
				json_array_append_new(sub,
					store_fhir_answer_item(l2, NULL,
						"valueBoolean",
						json_boolean(a->correct)));
				snprintf(l2, sizeof l2, "%s.choice", alink);
				json_array_append_new(sub,
					store_fhir_answer_item(l2, NULL,
						"valueInteger",
						json_integer(a->choice)));
				if (a->order != NULL && a->order[0]) {
					snprintf(l2, sizeof l2, "%s.order",
						 alink);
					json_array_append_new(sub,
						store_fhir_answer_item(l2, NULL,
							"valueString",
							json_string(a->order)));
				}
				snprintf(l2, sizeof l2, "%s.time", alink);
				json_array_append_new(sub,
					store_fhir_answer_item(l2, NULL,
						"valueDateTime",
						json_string(a->at)));
			}
			json_object_set_new(ans, "item", sub);
			json_object_set_new(item, "answer", json_pack("[o]", ans));
			json_array_append_new(json_object_get(g, "item"), item);
		}
		json_array_append_new(items, g);
	}
	if (s->nacks > 0) {
		g = store_fhir_group("acknowledgements",
				     "Statements acknowledged");
		for (size_t i = 0; i < s->nacks; i++) {
			const struct store_ack_row *r = &s->acks[i];
			json_t *item = json_object(), *ans = json_object(), *sub;
			char l2[300];

			snprintf(link, sizeof link, "ack.%s", r->statement_id);
			json_object_set_new(item, "linkId", json_string(link));
			json_object_set_new(ans, "valueBoolean", json_true());
			sub = json_array();
			snprintf(l2, sizeof l2, "%s.sha256", link);
			json_array_append_new(sub, store_fhir_answer_item(l2,
				NULL, "valueString", json_string(r->text_sha256)));
			snprintf(l2, sizeof l2, "%s.time", link);
			json_array_append_new(sub, store_fhir_answer_item(l2,
				NULL, "valueDateTime", json_string(r->at)));
			json_object_set_new(ans, "item", sub);
			json_object_set_new(item, "answer", json_pack("[o]", ans));
			json_array_append_new(json_object_get(g, "item"), item);
		}
		json_array_append_new(items, g);
	}
	if (s->nsigns > 0) {
		g = store_fhir_group("signatures", "Signatures");
		for (size_t i = 0; i < s->nsigns; i++) {
			const struct store_sign_row *r = &s->signs[i];
			json_t *item = json_object(), *ans = json_object(), *sub;
			char l2[300];

			snprintf(link, sizeof link, "signature.%s", r->role);
			json_object_set_new(item, "linkId", json_string(link));
			json_object_set_new(ans, "valueString",
					    json_string(r->name));
			sub = json_array();
			snprintf(l2, sizeof l2, "%s.meaning", link);
			json_array_append_new(sub, store_fhir_answer_item(l2,
				NULL, "valueString", json_string(r->meaning)));
			snprintf(l2, sizeof l2, "%s.time", link);
			json_array_append_new(sub, store_fhir_answer_item(l2,
				NULL, "valueDateTime", json_string(r->at)));
			json_object_set_new(ans, "item", sub);
			json_object_set_new(item, "answer", json_pack("[o]", ans));
			json_array_append_new(json_object_get(g, "item"), item);
		}
		json_array_append_new(items, g);
	}
	if (s->nverifications > 0) {
		g = store_fhir_group("staff-verifications", "Staff verification");
		for (size_t i = 0; i < s->nverifications; i++) {
			const struct store_verify_row *r = &s->verifications[i];
			json_t *item = json_object(), *ans = json_object();
			char l2[300];

			snprintf(link, sizeof link, "staff-verification.%lld",
				 (long long)r->seq);
			json_object_set_new(item, "linkId", json_string(link));
			json_object_set_new(ans, "valueString",
					    json_string(r->staff_id));
			snprintf(l2, sizeof l2, "%s.time", link);
			json_object_set_new(ans, "item", json_pack("[o]",
				store_fhir_answer_item(l2, NULL, "valueDateTime",
					json_string(r->at))));
			json_object_set_new(item, "answer", json_pack("[o]", ans));
			json_array_append_new(json_object_get(g, "item"), item);
		}
		json_array_append_new(items, g);
	}
	json_array_append_new(items, store_fhir_answer_item("outcome", "Outcome",
		"valueString", json_string(s->outcome_name ? s->outcome_name
							   : "open")));
	return items;
}

static const char *
store_fhir_qr_status(const struct store_session *s)
{
	switch (s->outcome) {
	case STORE_COMPLETED:
		return s->seal_hash ? "completed" : "in-progress";
	case STORE_OPEN:
		return "in-progress";
	default:
		return "stopped";
	}
}

static const char *
store_fhir_consent_status(const struct store_session *s)
{
	switch (s->outcome) {
	case STORE_COMPLETED:
		return "active";
	case STORE_STOPPED:
		return "rejected";
	case STORE_ABANDONED:
	case STORE_TIMED_OUT:
		return "inactive";
	case STORE_OPEN:
		break;
	}
	return "draft";
}

static json_t *
store_fhir_entry(const char *full_url, json_t *resource)
{
	json_t *e = json_object();

	json_object_set_new(e, "fullUrl", json_string(full_url));
	json_object_set_new(e, "resource", resource);
	return e;
}

struct store_fhir_ctx {
	FILE *fp;
	size_t n;
	struct strbuf sb;
};

static int
store_fhir_dump(const char *buf, size_t len, void *data)
{
	strbuf_add(data, buf, len);
	return 0;
}

static int
store_fhir_session(const struct store_session *s, void *vctx)
{
	struct store_fhir_ctx *c = vctx;
	char qr_url[46], consent_url[46], ident[256], canon[300];
	const char *when = s->ended_at ? s->ended_at : s->started_at;
	json_t *qr, *consent, *e1, *e2, *policy, *coding;

	store_fhir_uuid(s, "QuestionnaireResponse", qr_url);
	store_fhir_uuid(s, "Consent", consent_url);
	snprintf(ident, sizeof ident, "%s/%lld", s->kiosk_id ? s->kiosk_id : "",
		 (long long)s->id);
	snprintf(canon, sizeof canon, "urn:isokiosk:content:%s|%s",
		 s->lang ? s->lang : "", s->content_version ? s->content_version
							    : "");

	qr = json_object();
	json_object_set_new(qr, "resourceType",
			    json_string("QuestionnaireResponse"));
	json_object_set_new(qr, "id", json_string(qr_url + 9));
	json_object_set_new(qr, "identifier",
			    store_fhir_identifier(FHIR_SESSION_SYSTEM, ident));
	json_object_set_new(qr, "questionnaire", json_string(canon));
	json_object_set_new(qr, "status", json_string(store_fhir_qr_status(s)));
	json_object_set_new(qr, "subject", store_fhir_patient(s));
	store_fhir_set(qr, "authored", store_fhir_str(when));
	json_object_set_new(qr, "source", store_fhir_patient(s));
	json_object_set_new(qr, "item", store_fhir_qr_items(s));

	consent = json_object();
	json_object_set_new(consent, "resourceType", json_string("Consent"));
	json_object_set_new(consent, "id", json_string(consent_url + 9));
	json_object_set_new(consent, "identifier", json_pack("[o]",
		store_fhir_identifier(FHIR_SESSION_SYSTEM, ident)));
	json_object_set_new(consent, "status",
			    json_string(store_fhir_consent_status(s)));
	coding = json_pack("{s:s,s:s,s:s}", "system",
			   "http://terminology.hl7.org/CodeSystem/consentscope",
			   "code", "treatment", "display", "Treatment");
	json_object_set_new(consent, "scope",
			    json_pack("{s:[o]}", "coding", coding));
	coding = json_pack("{s:s,s:s,s:s}", "system", "http://loinc.org",
			   "code", "59284-0", "display", "Patient Consent");
	json_object_set_new(consent, "category",
			    json_pack("[{s:[o]}]", "coding", coding));
	json_object_set_new(consent, "patient", store_fhir_patient(s));
	store_fhir_set(consent, "dateTime", store_fhir_str(when));
	policy = json_object();
	json_object_set_new(policy, "authority", json_string("urn:isokiosk"));
	snprintf(canon, sizeof canon, "urn:isokiosk:content:%s",
		 s->content_version ? s->content_version : "");
	json_object_set_new(policy, "uri", json_string(canon));
	json_object_set_new(consent, "policy", json_pack("[o]", policy));
	if (s->nverifications > 0) {
		json_t *vs = json_array();

		for (size_t i = 0; i < s->nverifications; i++)
			json_array_append_new(vs, json_pack("{s:b,s:s}",
				"verified", 1, "verificationDate",
				s->verifications[i].at));
		json_object_set_new(consent, "verification", vs);
	}
	json_object_set_new(consent, "sourceReference",
			    json_pack("{s:s}", "reference", qr_url));

	e1 = store_fhir_entry(qr_url, qr);
	e2 = store_fhir_entry(consent_url, consent);
	strbuf_reset(&c->sb);
	/* FHIR JSON has no empty arrays: "entry" only with an entry. */
	strbuf_addstr(&c->sb, c->n > 0 ? ",\n" : ",\"entry\":[\n");
	json_dump_callback(e1, store_fhir_dump, &c->sb, JSON_COMPACT);
	strbuf_addstr(&c->sb, ",\n");
	json_dump_callback(e2, store_fhir_dump, &c->sb, JSON_COMPACT);
	json_decref(e1);
	json_decref(e2);
	c->n++;
	if (fwrite(c->sb.s, 1, c->sb.len, c->fp) != c->sb.len)
		return 1;
	return 0;
}

int
store_export_fhir(struct store *st, const char *since, FILE *fp, char **err)
{
	struct store_fhir_ctx c = { fp, 0, { 0 } };
	int rc;

	/* The Bundle is written around the streamed entries; jansson makes
	 * each entry (a whole Bundle object would hold every session). */
	fputs("{\"resourceType\":\"Bundle\",\"type\":\"collection\"", fp);
	strbuf_init(&c.sb);
	errno = 0;
	rc = store_each(st, since, store_fhir_session, &c, err);
	strbuf_done(&c.sb);
	if (rc == 0)
		fputs(c.n > 0 ? "\n]}\n" : "}\n", fp);
	return store_export_finish(fp, rc, err);
}
