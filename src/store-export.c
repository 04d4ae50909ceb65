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
 *                  (every time: ISO 8601 in the kiosk's zone, its offset)
 *     item         one item per question, its text the question as the
 *                  quiz asked it (store_export_fhir_with; else its id) (an
 *                  item per attempt: the choice as a Coding, its content
 *                  index and text, with nested answers "correct" and
 *                  "time"), "acknowledgements" (per statement: true,
 *                  with "sha256" and "time"; its wording is in the
 *                  Consent's provisions),
 *                  "signatures" (name, with "meaning" and "time"),
 *                  "staff-verifications", "reason", "outcome". Screen
 *                  times are in the CSV detail export and the receipt.
 *   Consent
 *     status       completed → active; open → draft; stopped → rejected
 *                  (understanding not shown: consent not obtained);
 *                  abandoned, timed-out → inactive
 *     scope        consentscope#treatment; category LOINC 59284-0
 *     patient      by identifier; dateTime: the end time
 *     policy       authority urn:isokiosk, uri urn:isokiosk:content:<version>
 *     provision    permit, with one nested provision per statement
 *                  acknowledged: its id as a code (urn:isokiosk:statement),
 *                  its wording as the code's text
 *     verification one per staff verification (verified, date)
 *     sourceReference  the QuestionnaireResponse's urn:uuid fullUrl
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>
#include <unistr.h>

#include "clock.h"
#include "outgate.h"
#include "store-int.h"
#include "xmalloc.h"

/*
 * A stored UTC time as an export gives it to people and to FHIR: ISO 8601
 * in the kiosk's time zone with its offset (clock.h), so that a CSV opened
 * in a spreadsheet shows the time on the patient's screen. A value that is
 * not a stored time (a damaged database) is given as it is.
 */
static const char *
store_export_time(const char *at, char out[CLOCK_MAX])
{
	if (at == NULL)
		return NULL;
	return clock_format_utc(at, CLOCK_ISO, out) != NULL ? out : at;
}

/* ---- CSV ----------------------------------------------------------------- */

/* A cell through the output gate: RFC 4180, the formula guard, and
 * nothing a terminal would act on (outgate.h). */
static void
store_csv_cell(struct strbuf *sb, const char *v, bool first)
{
	if (!first)
		strbuf_addch(sb, ',');
	if (v == NULL)
		return;
	/* A value of dashes alone (a staff ID "-") is no formula: as it is,
	 * never "'-". */
	if (v[0] == '-' && v[strspn(v, "-")] == '\0') {
		strbuf_addstr(sb, v);
		return;
	}
	outgate_csv(sb, v);
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
	char t1[CLOCK_MAX], t2[CLOCK_MAX];

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
	store_csv_cell(sb, store_export_time(s->started_at, t1), false);
	store_csv_cell(sb, store_export_time(s->ended_at, t2), false);
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
	store_csv_cell(sb, pat ? store_export_time(pat->at, t1) : NULL, false);
	store_csv_cell(sb, gua ? gua->name : NULL, false);
	store_csv_cell(sb, ver ? ver->staff_id : NULL, false);
	store_csv_cell(sb, ver ? store_export_time(ver->at, t1) : NULL, false);
	if (s->seal_seq > 0)
		store_csv_int(sb, (long long)s->seal_seq);
	else
		strbuf_addch(sb, ',');
	store_csv_cell(sb, s->seal_prev, false);
	store_csv_cell(sb, s->seal_hash, false);
	store_csv_visit(sb, s, store_csv_cell); /* store-export-visit.c */
	store_csv_end(sb);
}

/* session_id,kind,seq,item,attempt,value,correct,seconds,at */
static void
store_csv_event(struct strbuf *sb, const struct store_session *s,
		const char *kind, int64_t seq, const char *item, int attempt,
		const char *value, int correct, int64_t ms, const char *at)
{
	char t[CLOCK_MAX];

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
	store_csv_cell(sb, store_export_time(at, t), false);
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
		      "seal_hash,visit,methods,mood_total,effects,flags,"
		      "may_prescribe_by\r\n", fp);
	strbuf_init(&c.sb);
	errno = 0;
	rc = store_each(st, since, store_csv_row, &c, err);
	strbuf_done(&c.sb);
	return store_export_finish(fp, rc, err);
}

/* ---- FHIR R4 ------------------------------------------------------------- */

#define FHIR_SESSION_SYSTEM "urn:isokiosk:session"
#define FHIR_PATIENT_SYSTEM "urn:isokiosk:patient-ref"
#define FHIR_CHOICE_SYSTEM "urn:isokiosk:choice-index"

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

/*
 * The FHIR JSON is written as a fixed skeleton (the element names and
 * punctuation of a QuestionnaireResponse and a Consent, literal text here)
 * with every value from the records encoded by jansson: json_string (UTF-8
 * checked: what people typed, content text) or json_string_nocheck (what
 * this module makes: ids, hashes, times), dumped in place. Building a
 * jansson tree per session and dumping it was 5 times slower: jansson's
 * dumper checks every object and array for cycles (a printf'ed pointer in a
 * hash table each), some 200 containers per session.
 *
 * A member whose value is NULL (a string jansson refuses: not UTF-8) or
 * empty (FHIR has no empty strings) is left out, as a tree would leave it.
 */
/* out = a b c, cut to cap - 1 bytes (link ids: thousands per second, so
 * not snprintf). */
static void
store_cat3(char *out, size_t cap, const char *a, const char *b, const char *c)
{
	const char *parts[3] = { a, b, c };
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		size_t l = strlen(parts[i]);

		if (l > cap - 1 - n)
			l = cap - 1 - n;
		memcpy(out + n, parts[i], l);
		n += l;
	}
	out[n] = '\0';
}

/* Append n bytes: the common case (room left) without a call. */
static inline void
store_fj_add(struct strbuf *sb, const char *p, size_t n)
{
	if (sb->len + n < sb->cap) {
		memcpy(sb->s + sb->len, p, n);
		sb->len += n;
		sb->s[sb->len] = '\0';
	} else {
		strbuf_add(sb, p, n);
	}
}

static void
store_fj_lit_n(struct strbuf *sb, const char *lit, size_t n)
{
	store_fj_add(sb, lit, n);
}

/* A string literal, its length known when compiled. */
#define store_fj_lit(sb, lit) store_fj_lit_n((sb), "" lit, sizeof(lit) - 1)

static int
store_fhir_dump(const char *buf, size_t len, void *data)
{
	/* jansson hands over a few bytes at a time. */
	store_fj_add(data, buf, len);
	return 0;
}

/* A JSON object or array being written: whether a comma is due. */
struct store_fj {
	struct strbuf *sb;
	bool first;
};


/* Whether one of the 8 bytes in x is a control character, '"' or '\\'
 * (what jansson escapes): the bit tricks for "a byte less than n" and "a
 * byte equal to c", whole words at a time. */
static inline bool
store_fj_special8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');

	return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
		((b - ones) & ~b)) & highs;
}

/* Whether the n bytes at p are all ASCII, eight at a time. */
static bool
store_fj_is_ascii(const char *p, size_t n)
{
	uint64_t any = 0, x;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, p + i, 8);
		any |= x;
	}
	for (; i < n; i++)
		any |= (unsigned char)p[i];
	return (any & 0x8080808080808080ULL) == 0;
}

/* The value v (a jansson string, taken; NULL: nothing), encoded by jansson. */
static void
store_fj_value(struct strbuf *sb, json_t *v)
{
	size_t flags = JSON_ENCODE_ANY | JSON_COMPACT;

	/*
	 * Most values (ids, times, hashes, plain text) are written by jansson
	 * as they are, between quotes: it escapes only '"', '\\' and control
	 * characters (no ASCII-only or slash flags here). Such a string is
	 * copied as jansson would write it; any other goes to jansson. Its
	 * per-call set-up was most of an export's time.
	 */
	if (json_is_string(v)) {
		const char *p = json_string_value(v);
		size_t n = json_string_length(v), i = 0;

		/* Eight bytes at a time up to the word that holds one. */
		for (; i + 8 <= n; i += 8) {
			uint64_t x;

			memcpy(&x, p + i, 8);
			if (store_fj_special8(x))
				break;
		}
		for (; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if (c < 0x20 || c == '"' || c == '\\')
				break;
		}
		/* A C1 control or an invisible (bidi, zero-width) character
		 * is written as a \u escape: exact, and inert on a terminal
		 * that shows the file (outgate.h). */
		if (!store_fj_is_ascii(p, n) && outgate_json_unsafe(p, n))
			flags |= JSON_ENSURE_ASCII;
		else if (i == n) {
			store_fj_add(sb, "\"", 1);
			store_fj_add(sb, p, n);
			store_fj_add(sb, "\"", 1);
			json_decref(v);
			return;
		}
	} else if (json_is_boolean(v)) {
		if (json_is_true(v))
			store_fj_add(sb, "true", 4);
		else
			store_fj_add(sb, "false", 5);
		return;
	}
	json_dump_callback(v, store_fhir_dump, sb, flags);
	json_decref(v);
}

/*
 * A string from the records as a JSON value: NULL for NULL or "" (FHIR has
 * no empty strings). Text that is not UTF-8 never gets here: the session is
 * checked whole before it is written (store_fhir_check), and the export
 * stops there, rather than write something the database does not hold.
 */
static json_t *
store_fj_str(const char *v)
{
	if (v == NULL || v[0] == '\0')
		return NULL;
	return json_stringn_nocheck(v, strlen(v));
}

static json_t *
store_fj_ascii(const char *v)
{
	return store_fj_str(v);
}

/* "key":v in an object, after a comma when one is due; nothing if v is
 * NULL. */
static void
store_fj_member(struct store_fj *o, const char *key, json_t *v)
{
	if (v == NULL)
		return;
	if (!o->first)
		strbuf_addch(o->sb, ',');
	o->first = false;
	strbuf_addch(o->sb, '"');
	store_fj_add(o->sb, key, strlen(key));
	store_fj_lit(o->sb, "\":");
	store_fj_value(o->sb, v);
}

/* "key": then raw JSON the caller writes next. */
static void
store_fj_open(struct store_fj *o, const char *key)
{
	if (!o->first)
		strbuf_addch(o->sb, ',');
	o->first = false;
	strbuf_addch(o->sb, '"');
	store_fj_add(o->sb, key, strlen(key));
	store_fj_lit(o->sb, "\":");
}

/* An element of an array: a comma when one is due. */
static void
store_fj_next(struct store_fj *a)
{
	if (!a->first)
		strbuf_addch(a->sb, ',');
	a->first = false;
}

static void
store_fhir_identifier(struct strbuf *sb, const char *system, const char *value)
{
	struct store_fj o = { sb, true };

	store_fj_lit(sb, "{");
	store_fj_member(&o, "system", json_string_nocheck(system));
	store_fj_member(&o, "value", store_fj_str(value));
	store_fj_lit(sb, "}");
}

static void
store_fhir_patient(struct strbuf *sb, const struct store_session *s)
{
	store_fj_lit(sb, "{\"type\":\"Patient\",\"identifier\":");
	store_fhir_identifier(sb, FHIR_PATIENT_SYSTEM, s->patient_ref);
	store_fj_lit(sb, "}");
}

/* {"linkId":link,"answer":[{"<type>":v}]} */
static void
store_fhir_answer_item(struct strbuf *sb, const char *link, const char *type,
		       json_t *v)
{
	struct store_fj o = { sb, true };

	store_fj_lit(sb, "{");
	store_fj_member(&o, "linkId", store_fj_str(link));
	store_fj_open(&o, "answer");
	store_fj_lit(sb, "[{");
	o.first = true;
	store_fj_member(&o, type, v);
	store_fj_lit(sb, "}]}");
}

/* {"linkId":link,"text":text,"answer":[{"<type>":v,"item":[ sub items:
 * "<link>.<name>" with v2 (if name) and "<link>.time" ]}]}; text may be
 * NULL; raw, if not NULL, is JSON already written that stands for v. */
static void
store_fhir_answer_with(struct strbuf *sb, const char *link, const char *text,
		       const char *type, json_t *v, const char *raw,
		       const char *name, const char *type2, json_t *v2,
		       const char *at)
{
	struct store_fj o = { sb, true };
	char l2[300], t[CLOCK_MAX];

	store_fj_lit(sb, "{");
	store_fj_member(&o, "linkId", store_fj_str(link));
	if (text != NULL)
		store_fj_member(&o, "text", store_fj_str(text));
	store_fj_open(&o, "answer");
	store_fj_lit(sb, "[{");
	o.first = true;
	if (raw != NULL) {
		store_fj_open(&o, type);
		strbuf_addstr(sb, raw);
	} else {
		store_fj_member(&o, type, v);
	}
	store_fj_open(&o, "item");
	store_fj_lit(sb, "[");
	if (name != NULL) {
		store_cat3(l2, sizeof l2, link, ".", name);
		store_fhir_answer_item(sb, l2, type2, v2);
		store_fj_lit(sb, ",");
	}
	store_cat3(l2, sizeof l2, link, ".time", "");
	store_fhir_answer_item(sb, l2, "valueDateTime",
			       store_fj_str(store_export_time(at, t)));
	store_fj_lit(sb, "]}]}");
}

/* {"linkId":link,"text":text,"item":[  (the caller closes with "]}") */
static void
store_fhir_group(struct strbuf *sb, const char *link, const char *text)
{
	struct store_fj o = { sb, true };

	store_fj_lit(sb, "{");
	store_fj_member(&o, "linkId", store_fj_str(link));
	store_fj_member(&o, "text", store_fj_str(text));
	store_fj_open(&o, "item");
	store_fj_lit(sb, "[");
}

static void
store_fhir_qr_items(struct strbuf *sb, const struct store_session *s,
		    const struct store_fhir_text *texts)
{
	struct store_fj items = { sb, true };
	char link[256], code[24];

	store_fj_lit(sb, "[");
	/* One item per question, in the order first asked, and in it one
	 * per attempt: the choice (its content index and text), whether it
	 * was right, when. Screen times are in the CSV detail export. */
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];
		struct store_fj g = { sb, true };
		const char *qtext;
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(s->answers[j].question_id,
				      r->question_id) == 0;
		if (seen)
			continue;
		store_fj_next(&items);
		store_cat3(link, sizeof link, "quiz.", r->question_id, "");
		/* The question as the quiz asked it; its id when the content
		 * it came from is not known. */
		qtext = texts != NULL && texts->question != NULL
			? texts->question(texts->ctx, s->content_version,
					  r->question_id) : NULL;
		store_fhir_group(sb, link, qtext != NULL ? qtext
							 : r->question_id);
		for (size_t j = i; j < s->nanswers; j++) {
			const struct store_answer_row *a = &s->answers[j];
			struct store_fj c = { sb, true };
			struct strbuf cs;
			char alink[280];

			if (strcmp(a->question_id, r->question_id) != 0)
				continue;
			store_fj_next(&g);
			store_cat3(alink, sizeof alink, link, ".attempt-",
				   store_itoa(a->attempt, code));
			/* The Coding (the answer's value) is written aside
			 * first. */
			strbuf_init(&cs);
			c.sb = &cs;
			strbuf_addch(&cs, '{');
			store_fj_member(&c, "system", json_string_nocheck(
				FHIR_CHOICE_SYSTEM));
			store_fj_member(&c, "code", json_string_nocheck(
				store_itoa(a->choice, code)));
			store_fj_member(&c, "display",
					store_fj_str(a->choice_text));
			strbuf_addch(&cs, '}');
			store_fhir_answer_with(sb, alink, NULL, "valueCoding", NULL,
					       cs.s, "correct", "valueBoolean",
					       json_boolean(a->correct), a->at);
			strbuf_done(&cs);
		}
		store_fj_lit(sb, "]}");
	}
	if (s->nacks > 0) {
		struct store_fj g = { sb, true };

		store_fj_next(&items);
		store_fhir_group(sb, "acknowledgements",
				 "Statements acknowledged");
		for (size_t i = 0; i < s->nacks; i++) {
			const struct store_ack_row *r = &s->acks[i];

			store_fj_next(&g);
			store_cat3(link, sizeof link, "ack.", r->statement_id, "");
			/* the wording is in the Consent's provisions, once */
			store_fhir_answer_with(sb, link, NULL, "valueBoolean",
					       json_true(), NULL, "sha256",
					       "valueString",
					       store_fj_str(r->text_sha256),
					       r->at);
		}
		store_fj_lit(sb, "]}");
	}
	if (s->nsigns > 0) {
		struct store_fj g = { sb, true };

		store_fj_next(&items);
		store_fhir_group(sb, "signatures", "Signatures");
		for (size_t i = 0; i < s->nsigns; i++) {
			const struct store_sign_row *r = &s->signs[i];

			store_fj_next(&g);
			store_cat3(link, sizeof link, "signature.", r->role, "");
			store_fhir_answer_with(sb, link, NULL, "valueString",
					       store_fj_str(r->name), NULL, "meaning",
					       "valueString",
					       store_fj_str(r->meaning), r->at);
		}
		store_fj_lit(sb, "]}");
	}
	if (s->nverifications > 0) {
		struct store_fj g = { sb, true };

		store_fj_next(&items);
		store_fhir_group(sb, "staff-verifications", "Staff verification");
		for (size_t i = 0; i < s->nverifications; i++) {
			const struct store_verify_row *r = &s->verifications[i];
			char num[24];

			store_fj_next(&g);
			store_cat3(link, sizeof link, "staff-verification.",
				   store_itoa(r->seq, num), "");
			store_fhir_answer_with(sb, link, NULL, "valueString",
					       store_fj_str(r->staff_id), NULL,
					       NULL, NULL, NULL, r->at);
		}
		store_fj_lit(sb, "]}");
	}
	if (s->reason != NULL && s->reason[0] != '\0') {
		store_fj_next(&items);
		store_fhir_answer_item(sb, "reason", "valueString",
				       store_fj_str(s->reason));
	}
	store_fj_next(&items);
	store_fhir_answer_item(sb, "outcome", "valueString",
			       store_fj_str(s->outcome_name ? s->outcome_name
							   : "open"));
	store_fj_lit(sb, "]");
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

/* Append ",\n<QuestionnaireResponse entry>,\n<Consent entry>" to out. */
static void
store_fhir_session(struct strbuf *sb, const struct store_session *s,
		   const struct store_fhir_text *texts,
		   const char *const *ack_texts)
{
	char qr_url[46], consent_url[46], ident[256], canon[300], t[CLOCK_MAX];
	const char *when = store_export_time(s->ended_at ? s->ended_at
							 : s->started_at, t);
	struct store_fj o = { sb, true };

	store_fhir_uuid(s, "QuestionnaireResponse", qr_url);
	store_fhir_uuid(s, "Consent", consent_url);
	snprintf(ident, sizeof ident, "%s/%lld", s->kiosk_id ? s->kiosk_id : "",
		 (long long)s->id);
	snprintf(canon, sizeof canon, "urn:isokiosk:content:%s|%s",
		 s->lang ? s->lang : "", s->content_version ? s->content_version
							    : "");

	store_fj_lit(sb, ",\n{\"fullUrl\":");
	store_fj_value(sb, json_string_nocheck(qr_url));
	store_fj_lit(sb, ",\"resource\":{\"resourceType\":"
		     "\"QuestionnaireResponse\",\"id\":");
	store_fj_value(sb, json_string_nocheck(qr_url + 9));
	o.first = false;
	store_fj_open(&o, "identifier");
	store_fhir_identifier(sb, FHIR_SESSION_SYSTEM, ident);
	store_fj_member(&o, "questionnaire", store_fj_str(canon));
	store_fj_member(&o, "status", json_string_nocheck(store_fhir_qr_status(s)));
	store_fj_open(&o, "subject");
	store_fhir_patient(sb, s);
	store_fj_member(&o, "authored", store_fj_ascii(when));
	store_fj_open(&o, "source");
	store_fhir_patient(sb, s);
	store_fj_open(&o, "item");
	store_fhir_qr_items(sb, s, texts);
	store_fj_lit(sb, "}}");

	store_fj_lit(sb, ",\n{\"fullUrl\":");
	store_fj_value(sb, json_string_nocheck(consent_url));
	store_fj_lit(sb, ",\"resource\":{\"resourceType\":\"Consent\",\"id\":");
	store_fj_value(sb, json_string_nocheck(consent_url + 9));
	store_fj_lit(sb, ",\"identifier\":[");
	store_fhir_identifier(sb, FHIR_SESSION_SYSTEM, ident);
	store_fj_lit(sb, "]");
	o.first = false;
	store_fj_member(&o, "status",
			json_string_nocheck(store_fhir_consent_status(s)));
	store_fj_lit(sb, ",\"scope\":{\"coding\":[{\"system\":"
		     "\"http://terminology.hl7.org/CodeSystem/consentscope\","
		     "\"code\":\"treatment\",\"display\":\"Treatment\"}]},"
		     "\"category\":[{\"coding\":[{\"system\":"
		     "\"http://loinc.org\",\"code\":\"59284-0\","
		     "\"display\":\"Patient Consent\"}]}],\"patient\":");
	store_fhir_patient(sb, s);
	store_fj_member(&o, "dateTime", store_fj_ascii(when));
	snprintf(canon, sizeof canon, "urn:isokiosk:content:%s",
		 s->content_version ? s->content_version : "");
	{
		struct store_fj p = { sb, false };

		store_fj_lit(sb, ",\"policy\":[{\"authority\":\"urn:isokiosk\"");
		store_fj_member(&p, "uri", store_fj_str(canon));
		store_fj_lit(sb, "}]");
	}
	if (s->nacks > 0) {
		/* What was consented to, in the words the patient confirmed:
		 * one nested provision per statement, its id as a code and
		 * its wording as the code's text. */
		struct store_fj a = { sb, true };

		store_fj_lit(sb, ",\"provision\":{\"type\":\"permit\","
			     "\"provision\":[");
		for (size_t i = 0; i < s->nacks; i++) {
			const struct store_ack_row *r = &s->acks[i];
			struct store_fj c = { sb, true };

			store_fj_next(&a);
			store_fj_lit(sb, "{\"type\":\"permit\",\"code\":[{"
				     "\"coding\":[{\"system\":"
				     "\"urn:isokiosk:statement\"");
			c.first = false;
			store_fj_member(&c, "code", store_fj_str(r->statement_id));
			store_fj_lit(sb, "}]");
			store_fj_member(&c, "text", store_fj_str(ack_texts[i]));
			store_fj_lit(sb, "}]}");
		}
		store_fj_lit(sb, "]}");
	}
	if (s->nverifications > 0) {
		struct store_fj a = { sb, true };

		store_fj_lit(sb, ",\"verification\":[");
		for (size_t i = 0; i < s->nverifications; i++) {
			struct store_fj v = { sb, true };

			store_fj_next(&a);
			store_fj_lit(sb, "{\"verified\":true");
			v.first = false;
			store_fj_member(&v, "verificationDate",
					store_fj_str(store_export_time(
						s->verifications[i].at, t)));
			store_fj_lit(sb, "}");
		}
		store_fj_lit(sb, "]");
	}
	store_fj_lit(sb, ",\"sourceReference\":{\"reference\":");
	store_fj_value(sb, json_string_nocheck(qr_url));
	store_fj_lit(sb, "}}}");
	store_fhir_visit(sb, s); /* a follow-up's (store-export-visit.c) */
}

/* ---- the export, in parallel chunks -------------------------------------- */

/*
 * Building JSON is most of an export's time, so workers (one per processor,
 * each on its own read-only connection) render chunks of session ids while
 * this thread writes the finished chunks in order. At most a few chunks are
 * held at once.
 */
#define STORE_EXPORT_CHUNK 1000

struct store_chunk {
	struct strbuf out;
	bool done;
};

struct store_export {
	struct store *st;
	const char *since;
	const struct store_fhir_text *texts;
	int64_t min_id;
	size_t nchunks, next, written, window;
	struct store_chunk *chunks;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool failed;
	char *err;
	size_t err_chunk;
};

/* The statements' texts a worker has read: sessions share their
 * statements, so each text is read from the database once per worker. */
#define STORE_EXPORT_TEXTS 1024

struct store_export_worker {
	struct store_export *x;
	struct store *st;
	struct strbuf *out;
	struct arena arena;
	sqlite3_stmt *text_q;
	char *sha[STORE_EXPORT_TEXTS], *text[STORE_EXPORT_TEXTS];
	size_t ntexts, evict;
	const char **ack_texts;
	size_t cap_ack_texts;
	char *refused;  /* why a session cannot be exported */
};

/* The text with this SHA-256 (NULL when not stored, or when it is not
 * UTF-8: then *bad says where, caller frees). */
static const char *
store_export_text(struct store_export_worker *w, const char *sha, char **bad)
{
	const char *t = NULL;

	if (sha == NULL)
		return NULL;
	for (size_t i = 0; i < w->ntexts; i++)
		if (strcmp(w->sha[i], sha) == 0)
			return w->text[i];
	if (w->text_q == NULL &&
	    sqlite3_prepare_v2(w->st->db, "SELECT text FROM texts WHERE"
			       " sha256 = ?1", -1, &w->text_q, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_reset(w->text_q);
	sqlite3_bind_text(w->text_q, 1, sha, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(w->text_q) == SQLITE_ROW)
		t = (const char *)sqlite3_column_text(w->text_q, 0);
	if (t == NULL)
		return NULL;
	/* Checked once, as read: JSON holds UTF-8 only (outgate.h). */
	if (outgate_json_check(t, strlen(t), bad) != 0)
		return NULL;
	if (w->ntexts == STORE_EXPORT_TEXTS) { /* full: the oldest goes */
		size_t k = w->evict++ % STORE_EXPORT_TEXTS;

		free(w->sha[k]);
		free(w->text[k]);
		w->sha[k] = xstrdup(sha);
		w->text[k] = xstrdup(t);
		return w->text[k];
	}
	w->sha[w->ntexts] = xstrdup(sha);
	w->text[w->ntexts] = xstrdup(t);
	return w->text[w->ntexts++];
}

/*
 * jansson allocates every value it holds, which is most of an export's
 * time: while a worker renders a session, jansson allocates from the
 * worker's arena, emptied once the session's JSON is written out. Outside
 * that (no arena on the thread), the usual malloc and free.
 */
static _Thread_local struct arena *store_json_arena;

static void *
store_json_malloc(size_t n)
{
	if (store_json_arena != NULL)
		return arena_alloc(store_json_arena, n, 16);
	return malloc(n);
}

static void
store_json_free(void *p)
{
	if (store_json_arena == NULL)
		free(p);
}

/*
 * Every text of the session is UTF-8, or the export stops here, naming the
 * session and the field: JSON cannot hold other bytes, and replacing them
 * would export something the database does not hold (verify will name the
 * record as changed). 0, or 1 with *why.
 */
static int
store_fhir_check_one(const struct store_session *s, const char *what,
		     int64_t seq, const char *v, char **why)
{
	char *bad = NULL;

	if (v == NULL || outgate_json_check(v, strlen(v), &bad) == 0)
		return 0;
	if (seq > 0)
		*why = xasprintf("session %lld, %s #%lld: %s: the export"
				 " stops here (run 'isokiosk records verify')",
				 (long long)s->id, what, (long long)seq, bad);
	else
		*why = xasprintf("session %lld, %s: %s: the export stops here"
				 " (run 'isokiosk records verify')",
				 (long long)s->id, what, bad);
	free(bad);
	return 1;
}

static int
store_fhir_check(const struct store_session *s, char **why)
{
	const struct { const char *what; const char *v; } f[] = {
		{ "kiosk_id", s->kiosk_id }, { "staff_id", s->staff_id },
		{ "patient_ref", s->patient_ref }, { "profile", s->profile },
		{ "lang", s->lang }, { "content_version", s->content_version },
		{ "started_at", s->started_at }, { "ended_at", s->ended_at },
		{ "outcome", s->outcome_name }, { "reason", s->reason },
		{ "seal_hash", s->seal_hash },
	};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (store_fhir_check_one(s, f[i].what, 0, f[i].v, why))
			return 1;
	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *r = &s->answers[i];

		if (store_fhir_check_one(s, "answer question_id", r->seq,
					 r->question_id, why) ||
		    store_fhir_check_one(s, "answer choice_text", r->seq,
					 r->choice_text, why) ||
		    store_fhir_check_one(s, "answer at", r->seq, r->at, why))
			return 1;
	}
	for (size_t i = 0; i < s->nacks; i++) {
		const struct store_ack_row *r = &s->acks[i];

		if (store_fhir_check_one(s, "ack statement_id", r->seq,
					 r->statement_id, why) ||
		    store_fhir_check_one(s, "ack text_sha256", r->seq,
					 r->text_sha256, why) ||
		    store_fhir_check_one(s, "ack at", r->seq, r->at, why))
			return 1;
	}
	for (size_t i = 0; i < s->nsigns; i++) {
		const struct store_sign_row *r = &s->signs[i];

		if (store_fhir_check_one(s, "signature role", r->seq, r->role,
					 why) ||
		    store_fhir_check_one(s, "signature name", r->seq, r->name,
					 why) ||
		    store_fhir_check_one(s, "signature meaning", r->seq,
					 r->meaning, why) ||
		    store_fhir_check_one(s, "signature at", r->seq, r->at, why))
			return 1;
	}
	for (size_t i = 0; i < s->nverifications; i++) {
		const struct store_verify_row *r = &s->verifications[i];

		if (store_fhir_check_one(s, "verification staff_id", r->seq,
					 r->staff_id, why) ||
		    store_fhir_check_one(s, "verification at", r->seq, r->at,
					 why))
			return 1;
	}
	/* A follow-up's (store-export-visit.c). */
	if (store_fhir_check_one(s, "visit", 0, s->visit, why) ||
	    store_fhir_check_one(s, "prescription staff_id", 0, s->presc_staff,
				 why) ||
	    store_fhir_check_one(s, "prescription at", 0, s->presc_at, why))
		return 1;
	for (size_t i = 0; i < s->nvanswers; i++) {
		const struct store_vanswer_row *r = &s->vanswers[i];

		if (store_fhir_check_one(s, "visit answer kind", r->seq,
					 r->kind, why) ||
		    store_fhir_check_one(s, "visit answer entry_id", r->seq,
					 r->entry, why) ||
		    store_fhir_check_one(s, "visit answer at", r->seq, r->at,
					 why))
			return 1;
	}
	for (size_t i = 0; i < s->nflags; i++) {
		const struct store_flag_row *r = &s->flags[i];

		if (store_fhir_check_one(s, "flag source", r->seq, r->source,
					 why) ||
		    store_fhir_check_one(s, "flag entry_id", r->seq, r->entry,
					 why) ||
		    store_fhir_check_one(s, "flag level", r->seq, r->level,
					 why) ||
		    store_fhir_check_one(s, "flag at", r->seq, r->at, why) ||
		    store_fhir_check_one(s, "flag ack staff_id", r->seq,
					 r->ack_staff, why) ||
		    store_fhir_check_one(s, "flag ack at", r->seq, r->ack_at,
					 why))
			return 1;
	}
	return 0;
}

static int
store_export_render(const struct store_session *s, void *ctx)
{
	struct store_export_worker *w = ctx;

	if (store_fhir_check(s, &w->refused))
		return 1;
	if (s->nacks > w->cap_ack_texts) {
		w->cap_ack_texts = s->nacks * 2;
		w->ack_texts = xreallocarray(w->ack_texts, w->cap_ack_texts,
					     sizeof *w->ack_texts);
	}
	for (size_t i = 0; i < s->nacks; i++) {
		char *bad = NULL;

		w->ack_texts[i] = store_export_text(w, s->acks[i].text_sha256,
						    &bad);
		if (bad != NULL) {
			/* the statement's wording: never replaced */
			w->refused = xasprintf("session %lld, ack text #%lld:"
					       " %s: the export stops here (run"
					       " 'isokiosk records verify')",
					       (long long)s->id,
					       (long long)s->acks[i].seq, bad);
			free(bad);
			return 1;
		}
	}
	store_json_arena = &w->arena;
	store_fhir_session(w->out, s, w->x->texts, w->ack_texts);
	store_json_arena = NULL;
	arena_reset(&w->arena);
	return 0;
}

static void *
store_export_work(void *arg)
{
	struct store_export_worker *w = arg;
	struct store_export *x = w->x;

	for (;;) {
		size_t k;
		char *err = NULL;
		int rc;

		pthread_mutex_lock(&x->lock);
		while (!x->failed && x->next < x->nchunks &&
		       x->next >= x->written + x->window)
			pthread_cond_wait(&x->cond, &x->lock);
		if (x->failed || x->next >= x->nchunks) {
			pthread_mutex_unlock(&x->lock);
			return NULL;
		}
		k = x->next++;
		pthread_mutex_unlock(&x->lock);

		w->out = &x->chunks[k].out;
		rc = store_walk(w->st, x->since,
				k == 0 ? INT64_MIN
				       : x->min_id + (int64_t)k * STORE_EXPORT_CHUNK,
				k == x->nchunks - 1
					? INT64_MAX
					: x->min_id + (int64_t)(k + 1) *
							  STORE_EXPORT_CHUNK,
				false, store_export_render, w, NULL, &err);
		pthread_mutex_lock(&x->lock);
		if (rc != 0) {
			x->failed = true;
			if (w->refused != NULL) {
				free(err);
				err = w->refused;
				w->refused = NULL;
			}
			/* the first chunk's refusal is the one named */
			if (x->err == NULL || k < x->err_chunk) {
				free(x->err);
				x->err = err;
				x->err_chunk = k;
			} else {
				free(err);
			}
		}
		x->chunks[k].done = true;
		pthread_cond_broadcast(&x->cond);
		pthread_mutex_unlock(&x->lock);
	}
}

static int
store_export_fhir_chunks(struct store *st, const char *since,
			 const struct store_fhir_text *texts, FILE *fp,
			 size_t *bytes, char **err)
{
	struct store_export x = { 0 };
	struct store_export_worker *w;
	pthread_t *tid;
	int64_t max_id = 0;
	long nw = sysconf(_SC_NPROCESSORS_ONLN);
	bool first = true;
	sqlite3_stmt *q;
	int rc = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(min(id), 1),"
			       " coalesce(max(id), 0) FROM sessions", -1, &q,
			       NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the records");
	if (sqlite3_step(q) == SQLITE_ROW) {
		x.min_id = sqlite3_column_int64(q, 0);
		max_id = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	if (getenv("ISOKIOSK_EXPORT_WORKERS") != NULL) /* benchmarks */
		nw = atol(getenv("ISOKIOSK_EXPORT_WORKERS"));
	if (nw < 1)
		nw = 1;
	if (nw > 8)
		nw = 8;
	x.st = st;
	x.since = since;
	x.texts = texts;
	x.nchunks = (size_t)((max_id - x.min_id) / STORE_EXPORT_CHUNK + 1);
	x.window = (size_t)nw * 2;
	x.chunks = xcalloc(x.nchunks, sizeof *x.chunks);
	for (size_t k = 0; k < x.nchunks; k++)
		strbuf_init(&x.chunks[k].out);
	pthread_mutex_init(&x.lock, NULL);
	pthread_cond_init(&x.cond, NULL);
	w = xcalloc((size_t)nw, sizeof *w);
	tid = xcalloc((size_t)nw, sizeof *tid);
	for (long k = 0; k < nw; k++) {
		w[k].x = &x;
		w[k].st = store_reader(st, err);
		if (w[k].st == NULL || pthread_create(&tid[k], NULL,
						      store_export_work,
						      &w[k]) != 0) {
			pthread_mutex_lock(&x.lock);
			x.failed = true;
			pthread_cond_broadcast(&x.cond);
			pthread_mutex_unlock(&x.lock);
			if (w[k].st == NULL && x.err == NULL && err && *err)
				x.err = xstrdup(*err);
			break;
		}
	}
	for (size_t k = 0; k < x.nchunks; k++) {
		struct strbuf *o = &x.chunks[k].out;
		const char *p;
		size_t n;

		pthread_mutex_lock(&x.lock);
		while (!x.chunks[k].done && !x.failed)
			pthread_cond_wait(&x.cond, &x.lock);
		pthread_mutex_unlock(&x.lock);
		if (x.failed)
			break;
		p = o->s;
		n = o->len;
		if (first && n > 0) {
			/* The first entry opens the array (FHIR JSON has no
			 * empty arrays: no entry, no "entry"). */
			fputs(",\"entry\":[\n", fp);
			p += 2;
			n -= 2;
			first = false;
		}
		if (n > 0 && fwrite(p, 1, n, fp) != n) {
			rc = 1;
			pthread_mutex_lock(&x.lock);
			x.failed = true;
			pthread_mutex_unlock(&x.lock);
		}
		*bytes += o->len;
		strbuf_done(o);
		pthread_mutex_lock(&x.lock);
		x.written++;
		pthread_cond_broadcast(&x.cond);
		pthread_mutex_unlock(&x.lock);
		if (rc != 0)
			break;
	}
	pthread_mutex_lock(&x.lock);
	if (rc != 0 || x.failed)
		x.failed = true;
	pthread_cond_broadcast(&x.cond);
	pthread_mutex_unlock(&x.lock);
	for (long k = 0; k < nw; k++) {
		if (tid[k] != 0)
			pthread_join(tid[k], NULL);
		sqlite3_finalize(w[k].text_q);
		for (size_t i = 0; i < w[k].ntexts; i++) {
			free(w[k].sha[i]);
			free(w[k].text[i]);
		}
		free(w[k].ack_texts);
		if (w[k].st != NULL)
			store_close(w[k].st);
		arena_done(&w[k].arena);
	}
	if (rc == 0 && x.failed) {
		rc = -1;
		store_failf(err, "%s", x.err ? x.err : "exporting failed");
	}
	if (rc == 0) {
		/* The pregnancy tests (store-export-visit.c). */
		struct strbuf tb;

		strbuf_init(&tb);
		if (store_fhir_tests(st, since, &tb, err) != 0) {
			rc = -1;
		} else if (tb.len > 2) {
			fputs(first ? ",\"entry\":[\n" : ",\n", fp);
			fwrite(tb.s + 2, 1, tb.len - 2, fp);
			first = false;
		}
		strbuf_done(&tb);
	}
	if (rc == 0)
		fputs(first ? "}\n" : "\n]}\n", fp);
	for (size_t k = 0; k < x.nchunks; k++)
		strbuf_done(&x.chunks[k].out);
	free(x.chunks);
	free(x.err);
	free(w);
	free(tid);
	pthread_mutex_destroy(&x.lock);
	pthread_cond_destroy(&x.cond);
	return rc;
}

int
store_export_fhir(struct store *st, const char *since, FILE *fp, char **err)
{
	return store_export_fhir_with(st, since, NULL, fp, err);
}

int
store_export_fhir_with(struct store *st, const char *since,
		       const struct store_fhir_text *texts, FILE *fp,
		       char **err)
{
	json_malloc_t old_malloc;
	json_free_t old_free;
	size_t bytes = 0;
	int rc;

	/* The Bundle is written around the streamed entries; jansson makes
	 * each entry (a whole Bundle object would hold every session). */
	fputs("{\"resourceType\":\"Bundle\",\"type\":\"collection\"", fp);
	errno = 0;
	json_get_alloc_funcs(&old_malloc, &old_free);
	json_set_alloc_funcs(store_json_malloc, store_json_free);
	rc = store_export_fhir_chunks(st, since, texts, fp, &bytes, err);
	json_set_alloc_funcs(old_malloc, old_free);
	return store_export_finish(fp, rc, err);
}
