/*
 * store-seal: the hash chain over consent records: the canonical form of a
 * session, sealing a session when it ends, and verifying the whole chain.
 *
 * The canonical form (version 5; versions 4, 3, 2 and 1 below) of a
 * session is UTF-8 text, one field per line, fields "name<TAB>value", lines
 * ending in LF, in exactly this order:
 *
 *     isokiosk-session<TAB>5
 *     content
 *     files<TAB>n                                the content version's files
 *     f<TAB>name<TAB>sha256                      per file, by name
 *     lang, profile, minor (0|1), kiosk
 *     t<TAB>statement<TAB>text_sha256                         per statement
 *     id, staff, patient, started, ended, outcome, reason
 *     s<TAB>seq<TAB>screen_id<TAB>shown_ms<TAB>at             per visit
 *     a<TAB>seq<TAB>question<TAB>attempt<TAB>choice<TAB>choice_text
 *           <TAB>order<TAB>correct (0|1)<TAB>at               per attempt
 *     k<TAB>seq<TAB>at                                        per statement
 *     g<TAB>seq<TAB>role<TAB>name<TAB>meaning<TAB>at          per signature
 *     visit<TAB>first|follow-up, then v and x lines  (store-visit.c)
 *     malformed<TAB>1     only when a stored value has the wrong type
 *                         (text where a number belongs, a flag not 0/1)
 *
 * The f lines are the frozen copies of the files the content version was
 * made of (content_files: name "<lang>/<file>", the SHA-256 of its bytes;
 * by name, as bytes): the seal vouches for exactly which files the patient
 * was shown, and verification checks each stored file against its hash
 * and, in the order the version hashes them (content_files.ord, bundle.h),
 * the list against the version. The kiosk freezes its content before it
 * seals anything (even sessions found open at start-up), so a session's
 * list is whole when it is sealed.
 *
 * rows of each kind in seq order; the n-th t line and the n-th k line are
 * the same acknowledgement (its statement id and the SHA-256 of its exact
 * text, then its seq and time); numbers in decimal; content is the content
 * version (SHA-256 over the content files shown). In values, '\' is
 * written "\\", TAB "\t", LF "\n", CR "\r"; a NULL value is "\N".
 *
 * Times (ended, and at of every row) are written "\d" and their distance in
 * milliseconds (decimal, may be negative) from started, when both they and
 * started are exactly as the store writes times: "YYYY-MM-DDTHH:MM:SS.mmmZ",
 * a real date, hours < 24, minutes and seconds < 60 (each such string is the
 * only one for its instant, and no escaped value starts with "\d"); any
 * other time is written as a value.
 *
 * The lines before id (the header to the last t line) depend only on the
 * content shown, the profile and the kiosk: most sessions share them byte
 * for byte with another, and verification keeps the SHA-256 state after
 * them for the last few such parts seen and carries on from it rather than
 * hashing them again (store_memo_digest). The digest is still the SHA-256 of
 * the whole form; that part (some 720 of 1,550 bytes of a session with eight
 * statements, most of it their hashes) just costs nothing to hash again.
 *
 * The visit block (store-visit.c) is the visit, a follow-up's answers and
 * its flags.
 *
 * Version 4 (header isokiosk-session<TAB>4, schema 5) is version 5 without
 * the visit block. Version 3 (header isokiosk-session<TAB>3) is version 4
 * without the files and f lines. Version 2 (header isokiosk-session<TAB>2)
 * writes, after the header, id, kiosk, staff, patient, profile, lang,
 * content, minor, started, ended, outcome, reason; then the s and a rows as above; then per statement
 * k<TAB>seq<TAB>statement<TAB>text_sha256<TAB>at (no t lines); then the g
 * rows and malformed as above. Version 1 (header isokiosk-session<TAB>1) is
 * version 2 with every time written as a value and the rows named screen,
 * answer, ack and sign rather than s, a, k and g.
 *
 * Sessions keep the form they were sealed with: the sessions table records
 * each seal's form (seal_form: 5 from schema 6 on, 4 for seals made under
 * schema 5, 3 under schema 4, 2 under schema 3, NULL for form 1, made
 * before), which verification follows. The
 * header names the form, so a link read in another form does not match its
 * seal.
 *
 * A staff verification added later is its own link:
 *
 *     isokiosk-verification<TAB>1
 *     session, session-seal (the session's seal), staff, at
 *
 * Each link of the chain (a sealed session or a verification) has a sequence
 * number seq (1, 2, ...) and
 *
 *     digest = SHA-256(canonical form)
 *     seal   = SHA-256(prev || digest || seq)
 *
 * where prev is the previous link's seal (32 zero bytes for the first), all
 * hashes as their 32 raw bytes, seq as 8 bytes big-endian; stored as 64
 * lowercase hex digits. Hashing the digest rather than the canonical form
 * itself lets verification compute every digest in one pass in session order
 * and walk the chain afterwards in seal order; seq in the seal lets it tell
 * a moved link (its seal holds with another seq) from a changed one.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store-int.h"
#include "xmalloc.h"

/* ---- canonical form ------------------------------------------------------ */

/* Append to the canonical form: the common case (room left) inline, as
 * verification appends some 80 pieces per session. */
static inline void
store_canon_add(struct strbuf *sb, const char *p, size_t n)
{
	if (sb->len + n < sb->cap) {
		memcpy(sb->s + sb->len, p, n);
		sb->len += n;
		sb->s[sb->len] = '\0';
	} else {
		strbuf_add(sb, p, n);
	}
}

#define store_canon_lit(sb, lit) store_canon_add((sb), "" lit, sizeof(lit) - 1)

/* Verification builds 100,000s of these: no printf, no byte-by-byte copy
 * where a run has nothing to escape. */
static void
store_canon_value(struct strbuf *sb, const char *v)
{
	store_canon_lit(sb, "\t");
	if (v == NULL) {
		store_canon_lit(sb, "\\N");
		return;
	}
	for (;;) {
		size_t run = strcspn(v, "\\\t\n\r");

		store_canon_add(sb, v, run);
		v += run;
		switch (*v) {
		case '\0': return;
		case '\\': store_canon_lit(sb, "\\\\"); break;
		case '\t': store_canon_lit(sb, "\\t"); break;
		case '\n': store_canon_lit(sb, "\\n"); break;
		default: store_canon_lit(sb, "\\r"); break;
		}
		v++;
	}
}

/* pre (TAB, or TAB and "\\d") and a decimal integer. */
static inline void
store_canon_num(struct strbuf *sb, const char *pre, long long v)
{
	char buf[24];
	const char *d = store_itoa(v, buf);

	store_canon_add(sb, pre, strlen(pre));
	store_canon_add(sb, d, (size_t)(buf + 23 - d));
}

/* TAB and a decimal integer. */
static inline void
store_canon_int(struct strbuf *sb, long long v)
{
	store_canon_num(sb, "\t", v);
}

/* "HH:MM:SS.mmmZ" (hours < 24, minutes and seconds < 60) as milliseconds
 * into the day. */
static inline bool
store_canon_tod_ms(const char *v, int64_t *ms)
{
	const unsigned char *u = (const unsigned char *)v;

#define STORE_D(i) ((unsigned)u[i] - '0')
	/* In order, so as not to read past a short string's end. */
	if (STORE_D(0) > 2 || STORE_D(1) > 9 || u[2] != ':' ||
	    STORE_D(3) > 5 || STORE_D(4) > 9 || u[5] != ':' ||
	    STORE_D(6) > 5 || STORE_D(7) > 9 || u[8] != '.' ||
	    STORE_D(9) > 9 || STORE_D(10) > 9 || STORE_D(11) > 9 ||
	    u[12] != 'Z' || u[13] != '\0' || STORE_D(0) * 10 + STORE_D(1) > 23)
		return false;
	*ms = ((((int64_t)(STORE_D(0) * 10 + STORE_D(1)) * 60 +
		 STORE_D(3) * 10 + STORE_D(4)) * 60 +
		STORE_D(6) * 10 + STORE_D(7)) * 1000) +
	      STORE_D(9) * 100 + STORE_D(10) * 10 + STORE_D(11);
#undef STORE_D
	return true;
}

/*
 * A time exactly as the store writes it, "YYYY-MM-DDTHH:MM:SS.mmmZ" (a real
 * date, hours < 24, minutes and seconds < 60), as milliseconds since
 * 1970-01-01: such a string is the only one that writes that number, so
 * form 2 may write a time as its distance from the session's start. Anything
 * else: false.
 */
static bool
store_canon_time_ms(const char *v, int64_t *ms)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31,
						 30, 31, 30, 31 };
	static const char pat[] = "dddd-dd-ddT";
	int64_t y, mo, day, era, yoe, doy, doe, days, tod;
	unsigned d[11];

	if (v == NULL)
		return false;
	for (int i = 0; i < 11; i++) {
		d[i] = (unsigned)(unsigned char)v[i] - '0';
		if (pat[i] == 'd' ? d[i] > 9 : v[i] != pat[i])
			return false;
	}
	if (!store_canon_tod_ms(v + 11, &tod))
		return false;
	y = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3];
	mo = d[5] * 10 + d[6];
	day = d[8] * 10 + d[9];
	if (mo < 1 || mo > 12 || day < 1 || day > mdays[mo - 1] ||
	    (mo == 2 && day == 29 &&
	     !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return false;
	/* days from civil (H. Hinnant) */
	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	days = era * 146097 + doe - 719468;
	*ms = days * 86400000 + tod;
	return true;
}

/* Form 2's times: relative to the session's start (see the top). */
struct store_canon_clock {
	bool rel;               /* started is a time as the store writes it */
	const char *started;
	int64_t t0, day0;       /* started, and the start of its day, in ms */
};

/* A time in form 2: \d and its distance in ms from the session's start
 * when both are times as the store writes them, else the value. A value
 * never starts with \d (its backslash would be written \\). */
static void
store_canon_time(struct strbuf *sb, const char *v,
		 const struct store_canon_clock *c)
{
	int64_t t;

	/* Most times fall on the day the session started. */
	if (c->rel && v != NULL && strncmp(v, c->started, 11) == 0 &&
	    store_canon_tod_ms(v + 11, &t))
		store_canon_num(sb, "\t\\d", (long long)(c->day0 + t - c->t0));
	else if (c->rel && store_canon_time_ms(v, &t))
		store_canon_num(sb, "\t\\d", (long long)(t - c->t0));
	else
		store_canon_value(sb, v);
}

static void
store_canon_field(struct strbuf *sb, const char *name, const char *v)
{
	store_canon_add(sb, name, strlen(name));
	store_canon_value(sb, v);
	store_canon_lit(sb, "\n");
}

/* A canonical form being written, a row at a time. */
struct store_canon {
	struct strbuf *shared;  /* form 3's shared part */
	struct strbuf *own;     /* the rest (all of forms 1 and 2) */
	int64_t form;
	struct store_canon_clock ck;
};

/* Start s's canonical form: its session fields. For form 3 the shared part
 * goes into shared (its t lines follow, one per acknowledgement) and the
 * session's own part into own; forms 1 and 2 go all into own. */
static void
store_canon_begin(struct store_canon *k, struct strbuf *shared,
		  struct strbuf *own, const struct store_session *s)
{
	k->shared = shared;
	k->own = own;
	k->form = s->seal_form >= 1 && s->seal_form <= 4 ? s->seal_form : 5;
	/* Forms 2 and 3 write times as distances from the start. */
	k->ck.rel = false;
	k->ck.started = s->started_at;
	k->ck.t0 = k->ck.day0 = 0;
	if (k->form != 1 && store_canon_time_ms(s->started_at, &k->ck.t0)) {
		k->ck.rel = true;
		k->ck.day0 = k->ck.t0 -
			     (k->ck.t0 % 86400000 + 86400000) % 86400000;
	}
	if (k->form >= 3) {
		if (k->form == 3) {
			store_canon_lit(shared, "isokiosk-session\t3\n");
			store_canon_field(shared, "content", s->content_version);
		} else {
			if (k->form == 4)
				store_canon_lit(shared, "isokiosk-session\t4\n");
			else
				store_canon_lit(shared, "isokiosk-session\t5\n");
			store_canon_field(shared, "content", s->content_version);
			if (s->content_files != NULL)
				store_canon_add(shared, s->content_files,
						strlen(s->content_files));
			else /* not read: matches no seal */
				store_canon_lit(shared, "files\t\\N\n");
		}
		store_canon_field(shared, "lang", s->lang);
		store_canon_field(shared, "profile", s->profile);
		store_canon_add(shared, s->minor ? "minor\t1\n" : "minor\t0\n",
				8);
		store_canon_field(shared, "kiosk", s->kiosk_id);
		store_canon_lit(own, "id");
		store_canon_int(own, s->id);
		store_canon_lit(own, "\n");
		store_canon_field(own, "staff", s->staff_id);
		store_canon_field(own, "patient", s->patient_ref);
		store_canon_field(own, "started", s->started_at);
		store_canon_lit(own, "ended");
		store_canon_time(own, s->ended_at, &k->ck);
		store_canon_lit(own, "\n");
		store_canon_field(own, "outcome", s->outcome_name);
		store_canon_field(own, "reason", s->reason);
		return;
	}
	if (k->form == 1)
		store_canon_lit(own, "isokiosk-session\t1\nid");
	else
		store_canon_lit(own, "isokiosk-session\t2\nid");
	store_canon_int(own, s->id);
	store_canon_lit(own, "\n");
	store_canon_field(own, "kiosk", s->kiosk_id);
	store_canon_field(own, "staff", s->staff_id);
	store_canon_field(own, "patient", s->patient_ref);
	store_canon_field(own, "profile", s->profile);
	store_canon_field(own, "lang", s->lang);
	store_canon_field(own, "content", s->content_version);
	store_canon_add(own, s->minor ? "minor\t1\n" : "minor\t0\n", 8);
	store_canon_field(own, "started", s->started_at);
	store_canon_lit(own, "ended");
	store_canon_time(own, s->ended_at, &k->ck);
	store_canon_lit(own, "\n");
	store_canon_field(own, "outcome", s->outcome_name);
	store_canon_field(own, "reason", s->reason);
}

/* One row of the session (not a verification: those are links of their
 * own), in the order of the form: screens, answers, acks, signatures, each
 * in seq order. */
static void
store_canon_row(struct store_canon *k, enum store_child c,
		const union store_child_row *row)
{
	struct strbuf *sb = k->own;
	bool f2 = k->form != 1;

	switch (c) {
	case CHILD_SCREENS: {
		const struct store_screen_row *r = &row->screen;

		store_canon_add(sb, f2 ? "s" : "screen", f2 ? 1 : 6);
		store_canon_int(sb, r->seq);
		store_canon_value(sb, r->screen_id);
		store_canon_int(sb, r->shown_ms);
		store_canon_time(sb, r->at, &k->ck);
		store_canon_lit(sb, "\n");
		break;
	}
	case CHILD_ANSWERS: {
		const struct store_answer_row *r = &row->answer;

		store_canon_add(sb, f2 ? "a" : "answer", f2 ? 1 : 6);
		store_canon_int(sb, r->seq);
		store_canon_value(sb, r->question_id);
		store_canon_int(sb, r->attempt);
		store_canon_int(sb, r->choice);
		store_canon_value(sb, r->choice_text);
		store_canon_value(sb, r->order);
		store_canon_int(sb, r->correct ? 1 : 0);
		store_canon_time(sb, r->at, &k->ck);
		store_canon_lit(sb, "\n");
		break;
	}
	case CHILD_ACKS: {
		const struct store_ack_row *r = &row->ack;

		if (k->form >= 3) {
			/* statement and text hash in the shared part */
			store_canon_lit(k->shared, "t");
			store_canon_value(k->shared, r->statement_id);
			store_canon_value(k->shared, r->text_sha256);
			store_canon_lit(k->shared, "\n");
			store_canon_lit(sb, "k");
			store_canon_int(sb, r->seq);
		} else {
			store_canon_add(sb, f2 ? "k" : "ack", f2 ? 1 : 3);
			store_canon_int(sb, r->seq);
			store_canon_value(sb, r->statement_id);
			store_canon_value(sb, r->text_sha256);
		}
		store_canon_time(sb, r->at, &k->ck);
		store_canon_lit(sb, "\n");
		break;
	}
	case CHILD_SIGNS: {
		const struct store_sign_row *r = &row->sign;

		store_canon_add(sb, f2 ? "g" : "sign", f2 ? 1 : 4);
		store_canon_int(sb, r->seq);
		store_canon_value(sb, r->role);
		store_canon_value(sb, r->name);
		store_canon_value(sb, r->meaning);
		store_canon_time(sb, r->at, &k->ck);
		store_canon_lit(sb, "\n");
		break;
	}
	case CHILD_VERIFICATIONS:
	case CHILD_N:
		break;
	}
}

void
store_canon_put(struct strbuf *sb, const char *v)
{
	store_canon_value(sb, v);
}

/* The form's end: form 5's visit block (from s's loaded rows, or read
 * from visits, verification's pass over them, when not NULL), then
 * malformed. */
static int
store_canon_end(struct store_canon *k, const struct store_session *s,
		struct store_visit_walk *visits, char **err)
{
	if (k->form >= 5) {
		if (visits != NULL) {
			if (store_visit_walk_canon(visits, s->id, k->own,
						   err) != 0)
				return -1;
		} else {
			store_visit_canon(s, k->own);
		}
	}
	if (s->malformed)
		store_canon_lit(k->own, "malformed\t1\n");
	return 0;
}

/* The whole canonical form of s into sb. */
static void
store_canonical_into(struct strbuf *sb, const struct store_session *s)
{
	bool f3 = s->seal_form != 1 && s->seal_form != 2; /* forms 3 to 5 */
	struct store_canon k;
	struct strbuf own;
	union store_child_row r;

	/* Form 3's own part follows its shared part, which grows with each
	 * acknowledgement: written apart, then appended. */
	strbuf_init(&own);
	store_canon_begin(&k, sb, f3 ? &own : sb, s);
	for (size_t i = 0; i < s->nscreens; i++) {
		r.screen = s->screens[i];
		store_canon_row(&k, CHILD_SCREENS, &r);
	}
	for (size_t i = 0; i < s->nanswers; i++) {
		r.answer = s->answers[i];
		store_canon_row(&k, CHILD_ANSWERS, &r);
	}
	for (size_t i = 0; i < s->nacks; i++) {
		r.ack = s->acks[i];
		store_canon_row(&k, CHILD_ACKS, &r);
	}
	for (size_t i = 0; i < s->nsigns; i++) {
		r.sign = s->signs[i];
		store_canon_row(&k, CHILD_SIGNS, &r);
	}
	store_canon_end(&k, s, NULL, NULL);
	if (f3)
		strbuf_add(sb, own.s, own.len);
	strbuf_done(&own);
}

char *
store_canonical(const struct store_session *s, size_t *len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	store_canonical_into(&sb, s);
	return strbuf_detach(&sb, len);
}

static void
store_canonical_verification_into(struct strbuf *sb,
				  const struct store_session *s,
				  const struct store_verify_row *v)
{
	store_canon_lit(sb, "isokiosk-verification\t1\n");
	strbuf_addf(sb, "session\t%lld\n", (long long)s->id);
	store_canon_field(sb, "session-seal", s->seal_hash);
	store_canon_field(sb, "staff", v->staff_id);
	store_canon_field(sb, "at", v->at);
}

char *
store_canonical_verification(const struct store_session *s,
			     const struct store_verify_row *v, size_t *len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	store_canonical_verification_into(&sb, s, v);
	return strbuf_detach(&sb, len);
}

/* ---- seals -------------------------------------------------------------- */

void
store_seal_compute(const char *prev_hex, const unsigned char digest[32],
		   int64_t seq, char out[65])
{
	unsigned char buf[32 + 32 + 8], h[32];
	size_t binlen = 0;
	uint64_t u = (uint64_t)seq;

	memset(buf, 0, 32);
	if (prev_hex != NULL && prev_hex[0] != '\0' &&
	    (sodium_hex2bin(buf, 32, prev_hex, strlen(prev_hex), NULL, &binlen,
			    NULL) != 0 || binlen != 32)) {
		/* Not a seal (tampered): hash its bytes so it cannot match. */
		crypto_hash_sha256(buf, (const unsigned char *)prev_hex,
				   strlen(prev_hex));
		buf[0] ^= 0xff;
	}
	memcpy(buf + 32, digest, 32);
	for (int i = 0; i < 8; i++)
		buf[64 + i] = (unsigned char)(u >> (56 - 8 * i));
	crypto_hash_sha256(h, buf, sizeof buf);
	sodium_bin2hex(out, 65, h, sizeof h);
}

void
store_seal_canonical(const char *prev_hex, char *canon, size_t len,
		     int64_t seq, char out[65])
{
	unsigned char digest[32];

	crypto_hash_sha256(digest, (const unsigned char *)canon, len);
	free(canon);
	store_seal_compute(prev_hex, digest, seq, out);
}

int
store_chain_head(struct store *st, int64_t *seq, char hash[65], char **err)
{
	enum store_stmt which[2] = { STMT_HEAD_SESSIONS, STMT_HEAD_VERIFICATIONS };

	*seq = 0;
	hash[0] = '\0';
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *s = store_stmt(st, which[i], err);
		int rc;

		if (s == NULL)
			return -1;
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && sqlite3_column_int64(s, 0) > *seq) {
			const unsigned char *h = sqlite3_column_text(s, 1);

			*seq = sqlite3_column_int64(s, 0);
			snprintf(hash, 65, "%s", h != NULL ? (const char *)h : "");
		} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			sqlite3_reset(s);
			return store_fail(st, err, "reading the chain");
		}
		sqlite3_reset(s);
	}
	return store_visit_head(st, seq, hash, err);
}

int
store_seal_session(struct store *st, int64_t id, enum store_outcome outcome,
		   const char *reason, const char *ended_at, char **err)
{
	struct store_session ss;
	char now[32], head[65], seal[65];
	int64_t seq;
	char *canon;
	size_t len;
	sqlite3_stmt *s;
	int rc;

	store_session_init(&ss);
	rc = store_session_get(st, id, &ss, err);
	if (rc != 0) {
		if (rc == 1)
			store_failf(err, "no session %lld", (long long)id);
		goto fail;
	}
	if (ss.seal_hash != NULL) {
		store_failf(err, "session %lld is already sealed", (long long)id);
		goto fail;
	}
	/* Completed means signed: by the patient, and for a minor also by a
	 * guardian (a signature shows name, time and meaning). */
	if (outcome == STORE_COMPLETED) {
		bool patient = false, guardian = false;

		for (size_t i = 0; i < ss.nsigns; i++) {
			patient |= strcmp(ss.signs[i].role, "patient") == 0;
			guardian |= strcmp(ss.signs[i].role, "guardian") == 0;
		}
		if (!patient || (ss.minor && !guardian)) {
			store_failf(err, "session %lld cannot be completed"
				    " without the %s's signature",
				    (long long)id, patient ? "guardian"
							   : "patient");
			goto fail;
		}
	}
	if (ended_at == NULL) {
		store_now(st, now);
		ended_at = now;
	}
	ss.ended_at = ended_at;
	ss.outcome = outcome;
	ss.outcome_name = store_outcome_name(outcome);
	ss.reason = reason;
	ss.seal_form = 5;
	if (store_chain_head(st, &seq, head, err) != 0)
		goto fail;
	canon = store_canonical(&ss, &len);
	store_seal_canonical(head, canon, len, seq + 1, seal);
	if ((s = store_stmt(st, STMT_SESSION_SEAL, err)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, ended_at);
	store_bind_text(s, 3, ss.outcome_name);
	store_bind_text(s, 4, reason);
	sqlite3_bind_int64(s, 5, seq + 1);
	store_bind_text(s, 6, seq == 0 ? "" : head);
	store_bind_text(s, 7, seal);
	sqlite3_bind_int64(s, 8, ss.seal_form);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_fail(st, err, "sealing the session");
		goto fail;
	}
	if (sqlite3_changes(st->db) != 1) {
		store_failf(err, "session %lld could not be sealed",
			    (long long)id);
		goto fail;
	}
	if (store_sign_link(st, seq + 1, seal, err) != 0)
		goto fail;
	store_session_done(&ss);
	return 0;
fail:
	store_session_done(&ss);
	return -1;
}

bool
store_seal_holds(const struct store_session *s)
{
	char seal[65], *canon;
	size_t len;

	if (s->seal_hash == NULL || s->seal_seq <= 0)
		return false;
	canon = store_canonical(s, &len);
	store_seal_canonical(s->seal_prev, canon, len, s->seal_seq, seal);
	return strcmp(seal, s->seal_hash) == 0;
}

/*
 * SHA-256 of a form-3 canonical form, shared part then own part. Sessions
 * mostly share their shared part with a recent one (a kiosk, a content
 * version, two profiles, minor or not, and the statements acknowledged: all
 * of them, or the first few for a session cut short): the hash state after
 * it is kept, for the 16 shared parts last used, by their exact bytes, and
 * carried on from rather than hashing those bytes again. The digest is the
 * same SHA-256 of the whole form.
 */
#define STORE_MEMO_N 16

struct store_digest_memo {
	struct {
		char *key;
		size_t len;
		uint64_t used;
		crypto_hash_sha256_state st;
	} e[STORE_MEMO_N];
	uint64_t tick;
};

static void
store_memo_done(struct store_digest_memo *m)
{
	for (int i = 0; i < STORE_MEMO_N; i++)
		free(m->e[i].key);
	memset(m, 0, sizeof *m);
}

static void
store_memo_digest(struct store_digest_memo *m, const struct strbuf *shared,
		  const struct strbuf *own, unsigned char out[32])
{
	crypto_hash_sha256_state st;
	int i, lru = 0;

	for (i = 0; i < STORE_MEMO_N; i++) {
		if (m->e[i].key != NULL && m->e[i].len == shared->len &&
		    memcmp(m->e[i].key, shared->s, shared->len) == 0)
			break;
		if (m->e[i].used < m->e[lru].used)
			lru = i;
	}
	if (i < STORE_MEMO_N) {
		st = m->e[i].st;
	} else {
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, (const unsigned char *)shared->s,
					  shared->len);
		i = lru;
		free(m->e[i].key);
		m->e[i].key = xmalloc(shared->len + 1);
		memcpy(m->e[i].key, shared->s, shared->len);
		m->e[i].len = shared->len;
		m->e[i].st = st;
	}
	m->e[i].used = ++m->tick;
	crypto_hash_sha256_update(&st, (const unsigned char *)own->s, own->len);
	crypto_hash_sha256_final(&st, out);
}

/* ---- verification ------------------------------------------------------- */

void
store_report_init(struct store_report *r)
{
	memset(r, 0, sizeof *r);
}

void
store_report_done(struct store_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].message);
	free(r->v);
	free(r->open);
	memset(r, 0, sizeof *r);
}

static void store_report_add(struct store_report *r, enum store_problem_kind k,
			     int64_t session, int64_t seq, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
store_report_add(struct store_report *r, enum store_problem_kind k,
		 int64_t session, int64_t seq, const char *fmt, ...)
{
	va_list ap;
	struct store_problem *p;

	XGROW(r->v, r->n, r->cap);
	p = &r->v[r->n++];
	p->kind = k;
	p->session = session;
	p->seq = seq;
	va_start(ap, fmt);
	p->message = xvasprintf(fmt, ap);
	va_end(ap);
}

/* One link of the chain as found. */
struct store_link {
	int64_t seq;            /* as stored */
	int64_t orig;           /* the seq its seal holds with; 0: none */
	int64_t session;
	int64_t verification;   /* 0 for a session's own seal */
	const char *what;       /* a store_visit_links link: its kind */
	char prev[65];
	char hash[65];
	unsigned char digest[32];
	bool flagged;
};

/* One verification worker: a range of session ids on its own connection. */
struct store_verify_ctx {
	struct store *st;
	int64_t lo, hi;
	int64_t bound;          /* links sealed after the walk began: ignored */
	struct store_report r;  /* its problems and open sessions */
	struct store_link *links;
	size_t nlinks, caplinks;
	int64_t last_id;
	int64_t *orphans;
	size_t norphans, caporphans;
	/* the session being read */
	enum { STORE_VERIFY_SKIP, STORE_VERIFY_UNSEALED,
	       STORE_VERIFY_SEALED } mode;
	size_t cur;             /* its link */
	bool done;              /* walked (by whichever thread) */
	struct store_canon canon;
	struct strbuf sb, shared, vsb;
	struct store_digest_memo memo;
	struct store_visit_walk *visits; /* the chunk's visit blocks */
	int rc;
	char *err;
};

static void
store_verify_orphan(int64_t session, const char *table, void *vctx)
{
	struct store_verify_ctx *c = vctx;

	(void)table;
	if (c->norphans > 0 && c->orphans[c->norphans - 1] == session)
		return;
	XGROW(c->orphans, c->norphans, c->caporphans);
	c->orphans[c->norphans++] = session;
}

static bool store_link_holds(const struct store_link *l, int64_t seq);

/* v (NULL: "") cut to 64 bytes. */
static void
store_verify_copy_hex(char out[65], const char *v)
{
	size_t n = v != NULL ? strnlen(v, 64) : 0;

	if (n > 0)
		memcpy(out, v, n);
	out[n] = '\0';
}

static int
store_verify_session(struct store_session *s, void *vctx)
{
	struct store_verify_ctx *c = vctx;
	struct store_report *r = &c->r;
	struct store_link *l;

	r->sessions++;
	for (int64_t m = c->last_id + 1; m < s->id; m++)
		store_report_add(r, STORE_REMOVED, m, 0, "session %lld: removed"
				 " (its id is missing)", (long long)m);
	c->last_id = s->id;
	c->mode = STORE_VERIFY_SKIP;
	if (s->seal_seq > c->bound && s->seal_hash != NULL) {
		/* Sealed while we were reading: open as far as we know. */
		XGROW(r->open, r->nopen, r->capopen_);
		r->open[r->nopen++] = s->id;
		return 0;
	}
	if (s->seal_hash == NULL || s->seal_seq <= 0 || s->seal_prev == NULL) {
		if (s->seal_hash != NULL || s->seal_seq > 0 ||
		    s->seal_prev != NULL || s->seal_form != 0 ||
		    s->ended_at != NULL ||
		    s->outcome != STORE_OPEN ||
		    strcmp(s->outcome_name ? s->outcome_name : "", "open") != 0) {
			store_report_add(r, STORE_UNSEALED, s->id, s->seal_seq,
					 "session %lld: ended (%s) but its seal"
					 " is missing or incomplete: changed",
					 (long long)s->id,
					 s->outcome_name ? s->outcome_name : "?");
		} else {
			XGROW(r->open, r->nopen, r->capopen_);
			r->open[r->nopen++] = s->id;
		}
		c->mode = STORE_VERIFY_UNSEALED;
		return 0;
	}
	/* Its link, whose digest the rows that follow make. */
	XGROW(c->links, c->nlinks, c->caplinks);
	c->cur = c->nlinks;
	l = &c->links[c->nlinks++];
	memset(l, 0, sizeof *l);
	l->seq = s->seal_seq;
	l->session = s->id;
	store_verify_copy_hex(l->prev, s->seal_prev);
	store_verify_copy_hex(l->hash, s->seal_hash);
	strbuf_reset(&c->shared);
	strbuf_reset(&c->sb);
	store_canon_begin(&c->canon, &c->shared, &c->sb, s);
	c->mode = STORE_VERIFY_SEALED;
	return 0;
}

static void
store_verify_row(struct store_session *s, enum store_child kind,
		 const union store_child_row *row, void *vctx)
{
	struct store_verify_ctx *c = vctx;
	const struct store_verify_row *v = &row->verify;
	struct store_link *l;

	if (c->mode == STORE_VERIFY_SKIP)
		return;
	if (kind != CHILD_VERIFICATIONS) {
		if (c->mode == STORE_VERIFY_SEALED)
			store_canon_row(&c->canon, kind, row);
		return;
	}
	if (c->mode == STORE_VERIFY_UNSEALED) {
		/* A verification of an open session is a tampered one. */
		store_report_add(&c->r, STORE_CHANGED, s->id, v->seq,
				 "session %lld: staff verification #%lld"
				 " of an unsealed session: changed",
				 (long long)s->id, (long long)v->seq);
		return;
	}
	if (v->seq > c->bound)
		return;
	XGROW(c->links, c->nlinks, c->caplinks);
	l = &c->links[c->nlinks++];
	memset(l, 0, sizeof *l);
	l->seq = v->seq;
	l->session = s->id;
	l->verification = v->seq;
	store_verify_copy_hex(l->prev, v->seal_prev);
	store_verify_copy_hex(l->hash, v->seal_hash);
	strbuf_reset(&c->vsb);
	store_canonical_verification_into(&c->vsb, s, v);
	crypto_hash_sha256(l->digest, (const unsigned char *)c->vsb.s,
			   c->vsb.len);
	l->flagged = !store_link_holds(l, l->seq);
}

static int
store_verify_end(struct store_session *s, void *vctx)
{
	struct store_verify_ctx *c = vctx;
	struct store_link *l;

	if (c->mode != STORE_VERIFY_SEALED)
		return 0;
	l = &c->links[c->cur];
	if (store_canon_end(&c->canon, s, c->visits, &c->err) != 0)
		return -1;
	if (c->canon.form >= 3)
		store_memo_digest(&c->memo, &c->shared, &c->sb, l->digest);
	else
		crypto_hash_sha256(l->digest, (const unsigned char *)c->sb.s,
				   c->sb.len);
	/* Whether the seal holds where the link is: here, in the workers, as
	 * it costs a hash a link. */
	l->flagged = !store_link_holds(l, l->seq);
	return 0;
}

int
store_verify_threads(void)
{
	const char *e = getenv("ISOKIOSK_VERIFY_WORKERS");
	long n = e != NULL ? atol(e) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

static int
store_link_cmp_seq(const void *a, const void *b)
{
	const struct store_link *x = *(struct store_link *const *)a;
	const struct store_link *y = *(struct store_link *const *)b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Every link found (each chunk's, and m's own), in seq order: an array of
 * n pointers to them where they are (caller frees it), rather than 100,000s
 * of links copied into order. Each is put in its place when the seqs are
 * 1 to n, once each (an intact chain), else all of them are taken in turn
 * and sorted.
 */
static struct store_link **
store_links_order(struct store_verify_ctx *m, struct store_verify_ctx *w,
		  size_t nw, size_t *np)
{
	struct store_link **out;
	unsigned char *seen;
	size_t n = m->nlinks, at = 0;
	bool placed = true;

	for (size_t k = 0; k < nw; k++)
		n += w[k].nlinks;
	*np = n;
	out = xreallocarray(NULL, n + 1, sizeof *out);
	seen = xcalloc(n + 1, 1);
	for (size_t k = 0; k <= nw && placed; k++) {
		struct store_link *in = k < nw ? w[k].links : m->links;
		size_t nin = k < nw ? w[k].nlinks : m->nlinks;

		for (size_t i = 0; i < nin; i++) {
			int64_t q = in[i].seq;

			if (q < 1 || (uint64_t)q > n || seen[q - 1]) {
				placed = false;
				break;
			}
			seen[q - 1] = 1;
			out[q - 1] = &in[i];
		}
	}
	for (size_t k = 0; k <= nw && !placed; k++) {
		struct store_link *in = k < nw ? w[k].links : m->links;
		size_t nin = k < nw ? w[k].nlinks : m->nlinks;

		for (size_t i = 0; i < nin; i++)
			out[at++] = &in[i];
	}
	if (!placed)
		qsort(out, n, sizeof *out, store_link_cmp_seq);
	free(seen);
	return out;
}

static bool
store_link_holds(const struct store_link *l, int64_t seq)
{
	char h[65];

	store_seal_compute(l->prev, l->digest, seq, h);
	return strcmp(h, l->hash) == 0;
}

static const char *
store_link_what(const struct store_link *l, char buf[64])
{
	if (l->what != NULL && strcmp(l->what, "pregnancy test") == 0)
		snprintf(buf, 64, "pregnancy test %lld", (long long)l->session);
	else if (l->what != NULL)
		snprintf(buf, 64, "session %lld (%s)", (long long)l->session,
			 l->what);
	else if (l->verification == 0)
		snprintf(buf, 64, "session %lld", (long long)l->session);
	else
		snprintf(buf, 64, "session %lld (staff verification)",
			 (long long)l->session);
	return buf;
}

static int64_t
store_verify_max_id(struct store *st)
{
	sqlite3_stmt *q;
	int64_t max = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT seq FROM sqlite_sequence"
			       " WHERE name = 'sessions'", -1, &q,
			       NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		max = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return max;
}

/* Find the link whose seal is hash, by binary search over idx (sorted by
 * hash). */
static struct store_link *
store_link_by_hash(struct store_link **links, size_t *idx, size_t n,
		   const char *hash)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(links[idx[mid]]->hash, hash);

		if (c == 0)
			return links[idx[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The link whose prev is hash, by binary search over pidx (sorted by prev). */
static struct store_link *
store_link_by_prev(struct store_link **links, size_t *pidx, size_t n,
		   const char *hash)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(links[pidx[mid]]->prev, hash);

		if (c == 0)
			return links[pidx[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct store_link **store_sort_links;

static int
store_idx_cmp_prev(const void *a, const void *b)
{
	return strcmp(store_sort_links[*(const size_t *)a]->prev,
		      store_sort_links[*(const size_t *)b]->prev);
}

static int
store_idx_cmp_hash(const void *a, const void *b)
{
	return strcmp(store_sort_links[*(const size_t *)a]->hash,
		      store_sort_links[*(const size_t *)b]->hash);
}

/*
 * The stored copies (statement texts, content files) are kept by their
 * SHA-256: each must still hash to its key, or a receipt would show a text
 * other than the one acknowledged (the acknowledgement itself holds the hash
 * and is sealed). A few hundred rows, however many sessions.
 */
static int
store_verify_texts(struct store *st, struct store_report *r, char **err)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT sha256, text FROM texts", -1,
			       &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the stored texts");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(q, 0);
		const void *text = sqlite3_column_blob(q, 1);
		char hash[65];

		store_sha256_hex(text != NULL ? text : "",
				 (size_t)sqlite3_column_bytes(q, 1), hash);
		if (key == NULL || strcmp(key, hash) != 0)
			store_report_add(r, STORE_CHANGED, 0, 0, "stored text"
					 " %.16s...: does not match its hash:"
					 " changed", key ? key : "(none)");
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the stored texts");
	return 0;
}

/* One content version's list, as read (store_verify_content). */
struct store_version_check {
	char *version;
	crypto_hash_sha256_state h;
	int64_t n;
	bool unordered, bad;
};

static void
store_version_done(struct store_version_check *v, struct store_report *r)
{
	unsigned char d[32];
	char hex[65];

	if (v->version == NULL)
		return;
	if (v->unordered) {
		r->unordered++;
	} else {
		crypto_hash_sha256_final(&v->h, d);
		sodium_bin2hex(hex, sizeof hex, d, sizeof d);
		r->versions++;
		if (v->bad || strcmp(hex, v->version) != 0)
			store_report_add(r, STORE_CHANGED, 0, 0, "content version"
					 " %.16s...: its stored files are not the"
					 " files it was made of: changed",
					 v->version);
	}
	free(v->version);
	v->version = NULL;
}

/*
 * The frozen content files: each one's copy is there (its hash a key of
 * texts, which store_verify_texts checks), and each version's list, in its
 * order, hashes to the version (bundle.h: SHA-256 over "<file>\0<sha256>\n"
 * a file), so that no file of what a patient was shown can be swapped for
 * another, even under its own correct hash. Lists frozen before schema 5
 * have no order: counted in r->unordered, their files checked one by one.
 */
static int
store_verify_content(struct store *st, struct store_report *r, char **err)
{
	struct store_version_check v = { 0 };
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT c.name, c.sha256, c.version,"
			       " t.sha256 IS NOT NULL FROM content_files c"
			       " LEFT JOIN texts t ON t.sha256 = c.sha256"
			       " ORDER BY c.name", -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the content files");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		const char *version = (const char *)sqlite3_column_text(q, 2);

		if (sqlite3_column_int(q, 3) == 0)
			store_report_add(r, STORE_CHANGED, 0, 0, "content file"
					 " %s of version %.16s...: its stored"
					 " copy is missing: changed",
					 name ? name : "(none)",
					 version ? version : "(none)");
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the content files");
	if (st->schema < 5) {
		/* no order recorded: every version as before schema 5 */
		if (sqlite3_prepare_v2(st->db, "SELECT count(DISTINCT version)"
				       " FROM content_files", -1, &q,
				       NULL) != SQLITE_OK)
			return store_fail(st, err, "reading the content files");
		if (sqlite3_step(q) == SQLITE_ROW)
			r->unordered += (size_t)sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		return 0;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT version, name, sha256, ord FROM"
			       " content_files ORDER BY version, ord IS NULL,"
			       " ord, name", -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the content files");
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *version = (const char *)sqlite3_column_text(q, 0);
		const char *name = (const char *)sqlite3_column_text(q, 1);
		const char *sha = (const char *)sqlite3_column_text(q, 2);
		const char *rel;

		if (version == NULL)
			version = "";
		if (v.version == NULL || strcmp(v.version, version) != 0) {
			store_version_done(&v, r);
			memset(&v, 0, sizeof v);
			v.version = xstrdup(version);
			crypto_hash_sha256_init(&v.h);
		}
		if (sqlite3_column_type(q, 3) == SQLITE_NULL) {
			v.unordered = true;
			continue;
		}
		if (sqlite3_column_type(q, 3) != SQLITE_INTEGER ||
		    sqlite3_column_int64(q, 3) != ++v.n || name == NULL ||
		    sha == NULL || strlen(sha) != 64) {
			v.bad = true;
			continue;
		}
		rel = strchr(name, '/');
		rel = rel != NULL ? rel + 1 : name;
		crypto_hash_sha256_update(&v.h, (const unsigned char *)rel,
					  strlen(rel) + 1);
		crypto_hash_sha256_update(&v.h, (const unsigned char *)sha, 64);
		crypto_hash_sha256_update(&v.h, (const unsigned char *)"\n", 1);
	}
	sqlite3_finalize(q);
	store_version_done(&v, r);
	if (rc != SQLITE_DONE)
		return store_fail(st, err, "reading the content files");
	return 0;
}

/*
 * The threads of a verification take the ranges of ids (chunks) one after
 * another until none is left: a thread that gets more processor time (the
 * machine busy with something else) does more of them, rather than the
 * others waiting for it.
 */
struct store_verify_pool {
	struct store_verify_ctx *chunks;
	size_t nchunks;
	atomic_size_t next;
};

struct store_verify_thread {
	struct store_verify_pool *pool;
	struct store *st;
};

static void *
store_verify_worker(void *arg)
{
	static const struct store_walk_ops ops = {
		store_verify_session, store_verify_row, store_verify_end,
		store_verify_orphan,
	};
	struct store_verify_thread *t = arg;
	struct store_verify_pool *p = t->pool;
	bool txn = false;
	size_t i;

	/* One read transaction, one snapshot, for all its chunks. */
	if (sqlite3_get_autocommit(t->st->db))
		txn = sqlite3_exec(t->st->db, "BEGIN", NULL, NULL,
				   NULL) == SQLITE_OK;
	while ((i = atomic_fetch_add(&p->next, 1)) < p->nchunks) {
		struct store_verify_ctx *c = &p->chunks[i];

		c->st = t->st;
		c->visits = store_visit_walk_new(c->st, c->lo, c->hi, &c->err);
		c->rc = c->visits == NULL ? -1
			: store_walk_rows(c->st, NULL, c->lo, c->hi, &ops, c,
					  &c->err);
		store_visit_walk_free(c->visits);
		c->visits = NULL;
		/* Ids missing at the chunk's end (the last chunk's end is
		 * max_id). */
		for (int64_t m = c->last_id + 1; c->rc == 0 && m < c->hi; m++)
			store_report_add(&c->r, STORE_REMOVED, m, 0, "session"
					 " %lld: removed (its id is missing)",
					 (long long)m);
		if (c->rc == 0 && c->hi - 1 > c->last_id)
			c->last_id = c->hi - 1;
		c->done = true;
	}
	if (txn)
		sqlite3_exec(t->st->db, "COMMIT", NULL, NULL, NULL);
	return NULL;
}

/* A link that is neither a session nor a verification, added to the
 * merged links. */
static void
store_verify_xlink(void *vctx, const struct store_xlink *x)
{
	struct store_verify_ctx *c = vctx;
	struct store_link *l;

	XGROW(c->links, c->nlinks, c->caplinks);
	l = &c->links[c->nlinks++];
	memset(l, 0, sizeof *l);
	l->seq = x->seq;
	l->session = x->id;
	l->what = x->what;
	l->verification = -1;
	store_verify_copy_hex(l->prev, x->prev);
	store_verify_copy_hex(l->hash, x->hash);
	memcpy(l->digest, x->digest, 32);
	l->flagged = !store_link_holds(l, l->seq);
}

/* The range of session ids and the chain's head as the walk begins. */
static int
store_verify_bounds(struct store *st, int64_t *min_id, int64_t *max_id,
		    int64_t *bound, char **err)
{
	sqlite3_stmt *q;
	char head[65];

	/* Two subqueries: min() and max() side by side would scan. */
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce((SELECT min(id) FROM"
			       " sessions), 1), coalesce((SELECT max(id) FROM"
			       " sessions), 0)", -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the records");
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return store_fail(st, err, "reading the records");
	}
	*min_id = sqlite3_column_int64(q, 0);
	*max_id = sqlite3_column_int64(q, 1);
	sqlite3_finalize(q);
	if (store_verify_max_id(st) > *max_id)
		*max_id = store_verify_max_id(st);
	return store_chain_head(st, bound, head, err);
}

/* Move worker c's findings but its links (store_links_gather) into the
 * merged ctx m and report r. */
static void
store_verify_merge(struct store_verify_ctx *m, struct store_report *r,
		   struct store_verify_ctx *c)
{
	for (size_t i = 0; i < c->r.n; i++) {
		XGROW(r->v, r->n, r->cap);
		r->v[r->n++] = c->r.v[i];
	}
	c->r.n = 0;
	for (size_t i = 0; i < c->r.nopen; i++) {
		XGROW(r->open, r->nopen, r->capopen_);
		r->open[r->nopen++] = c->r.open[i];
	}
	r->sessions += c->r.sessions;
	for (size_t i = 0; i < c->norphans; i++) {
		XGROW(m->orphans, m->norphans, m->caporphans);
		m->orphans[m->norphans++] = c->orphans[i];
	}
	m->last_id = c->last_id;
}

int
store_verify(struct store *st, struct store_report *r, char **err)
{
	struct store_verify_ctx c, *w = NULL;
	struct store_verify_pool pool;
	struct store_verify_thread *th = NULL;
	pthread_t *tid = NULL;
	bool *started = NULL;
	size_t nchunks = 0;
	size_t *idx = NULL, *pidx = NULL;
	struct store_link **link = NULL; /* every link, in seq order */
	size_t nlinks = 0;
	int64_t min_id = 0, max_id = 0, bound = 0;
	bool *orig_used = NULL;
	int64_t max_seq = 0;
	size_t nearby;
	long nw;
	char what[64];
	int rc = -1;

	memset(&c, 0, sizeof c);
	strbuf_init(&c.sb);
	/* Sessions and links that appear while we read (a kiosk writing) are
	 * left for the next run: ids above max_id, links above bound. */
	if (store_verify_bounds(st, &min_id, &max_id, &bound, err) != 0)
		goto out;
	/* Verifying means hashing every record: one thread per processor,
	 * each on its own connection, taking ranges of ids in turn. */
	nw = max_id - min_id < 2000 ? 1 : store_verify_threads();
	nchunks = nw == 1 ? 1 : (size_t)nw * 8;
	if (nchunks > 1 && (max_id - min_id + 1) / (int64_t)nchunks < 1000)
		nchunks = (size_t)((max_id - min_id + 1) / 1000) + 1;
	w = xcalloc(nchunks, sizeof *w);
	for (size_t k = 0; k < nchunks; k++) {
		int64_t span = (max_id - min_id + 1) / (int64_t)nchunks + 1;

		w[k].lo = k == 0 ? INT64_MIN : min_id + span * (int64_t)k;
		w[k].hi = k == nchunks - 1 ? max_id + 1
					   : min_id + span * (int64_t)(k + 1);
		w[k].last_id = k == 0 ? 0 : w[k].lo - 1;
		w[k].bound = bound;
		strbuf_init(&w[k].sb);
		strbuf_init(&w[k].shared);
		strbuf_init(&w[k].vsb);
	}
	pool.chunks = w;
	pool.nchunks = nchunks;
	atomic_init(&pool.next, 0);
	th = xcalloc((size_t)nw, sizeof *th);
	tid = xcalloc((size_t)nw, sizeof *tid);
	started = xcalloc((size_t)nw, sizeof *started);
	th[0].pool = &pool;
	th[0].st = st;
	for (long k = 1; k < nw; k++) {
		char *rerr = NULL;

		/* No second connection or thread: fewer threads. */
		th[k].pool = &pool;
		th[k].st = store_reader(st, &rerr);
		free(rerr);
		if (th[k].st != NULL && pthread_create(&tid[k], NULL,
						       store_verify_worker,
						       &th[k]) == 0)
			started[k] = true;
	}
	store_verify_worker(&th[0]);
	for (long k = 1; k < nw; k++)
		if (started[k])
			pthread_join(tid[k], NULL);
	for (size_t k = 0; k < nchunks; k++) {
		if (w[k].rc != 0 || !w[k].done) {
			store_failf(err, "%s", w[k].err ? w[k].err
					       : "verification failed");
			goto out;
		}
		store_verify_merge(&c, r, &w[k]);
	}

	/* Sessions removed at the end (up to max_id: AUTOINCREMENT remembers
	 * the highest id ever used, unless sqlite_sequence is edited too; see
	 * store.h) are named by the last chunk. */
	for (size_t i = 0; i < c.norphans; i++) {
		/* Rows whose session row is gone; named above if the id is in
		 * range, else here. */
		if (c.orphans[i] > max_id && c.orphans[i] > c.last_id)
			store_report_add(r, STORE_REMOVED, c.orphans[i], 0,
					 "session %lld: removed (rows of it"
					 " remain)", (long long)c.orphans[i]);
	}

	/* Pregnancy tests and flag acknowledgements (store-visit.c), then
	 * every link in seq order. */
	if (store_visit_links(st, bound, store_verify_xlink, &c, err) != 0)
		goto out;
	link = store_links_order(&c, w, nchunks, &nlinks);
	r->sealed = nlinks;
	if (nlinks > 0) {
		r->head_seq = link[nlinks - 1]->seq;
		memcpy(r->head, link[nlinks - 1]->hash, 65);
		max_seq = r->head_seq;
	}
	nearby = 0;
	for (size_t i = 0; i < nlinks; i++) {
		struct store_link *l = link[i];

		if (!l->flagged)
			l->orig = l->seq;
		nearby += l->flagged;
	}
	/* Indexes by seal and by prev: only to explain links whose seals do
	 * not hold where they are (none in an intact chain). */
	if (nearby > 0) {
		idx = xreallocarray(NULL, nlinks + 1, sizeof *idx);
		for (size_t i = 0; i < nlinks; i++)
			idx[i] = i;
		store_sort_links = link;
		qsort(idx, nlinks, sizeof *idx, store_idx_cmp_hash);
		pidx = xreallocarray(NULL, nlinks + 1, sizeof *pidx);
		for (size_t i = 0; i < nlinks; i++)
			pidx[i] = i;
		qsort(pidx, nlinks, sizeof *pidx, store_idx_cmp_prev);
	}

	/* Each link's seal: does it hold where it is, or somewhere else? A
	 * moved link's seal holds with its original seq: one more than its
	 * predecessor's (the link whose seal is its prev), one less than its
	 * successor's (the link whose prev is its seal), or nearby. */
	for (bool progress = nearby > 0; progress;) {
		progress = false;
		for (size_t i = 0; i < nlinks; i++) {
			struct store_link *l = link[i], *p, *q;

			if (l->orig != 0)
				continue;
			p = l->prev[0] ? store_link_by_hash(link, idx, nlinks,
							    l->prev)
				       : NULL;
			q = store_link_by_prev(link, pidx, nlinks, l->hash);
			if (l->prev[0] == '\0' && store_link_holds(l, 1))
				l->orig = 1;
			else if (p != NULL && p->orig > 0 &&
				 store_link_holds(l, p->orig + 1))
				l->orig = p->orig + 1;
			else if (q != NULL && q->orig > 1 &&
				 store_link_holds(l, q->orig - 1))
				l->orig = q->orig - 1;
			progress |= l->orig != 0;
		}
	}
	/* The last resort, trying seqs nearby, costs 128 hashes a link: only
	 * for a few unexplained links (a database edited wholesale is
	 * reported as changed, link by link, without it). */
	nearby = 0;
	for (size_t i = 0; i < nlinks; i++)
		nearby += link[i]->orig == 0;
	for (size_t i = 0; i < nlinks; i++) {
		struct store_link *l = link[i];

		for (int64_t d = 1; d <= 64 && l->orig == 0 && nearby <= 1000;
		     d++) {
			if (store_link_holds(l, l->seq + d))
				l->orig = l->seq + d;
			else if (l->seq - d >= 1 && store_link_holds(l, l->seq - d))
				l->orig = l->seq - d;
		}
		if (!l->flagged)
			continue;
		if (l->orig == 0)
			store_report_add(r, STORE_CHANGED, l->session, l->seq,
					 "%s: does not match its seal (link"
					 " #%lld): changed",
					 store_link_what(l, what),
					 (long long)l->seq);
		else
			store_report_add(r, STORE_REORDERED, l->session, l->seq,
					 "%s: sealed as link #%lld but found"
					 " at #%lld: reordered",
					 store_link_what(l, what),
					 (long long)l->orig, (long long)l->seq);
	}
	/* The chain's length: its last link that is where it was sealed, or
	 * moved (a changed link's stored seq may be anything). */
	max_seq = 0;
	for (size_t i = 0; i < nlinks; i++)
		if (link[i]->orig > max_seq)
			max_seq = link[i]->orig;

	/* Links missing from the chain, and links that do not follow the one
	 * before them. */
	if (max_seq > 0 && max_seq < (int64_t)(nlinks * 4 + 1024)) {
		orig_used = xcalloc((size_t)max_seq + 1, sizeof *orig_used);
		for (size_t i = 0; i < nlinks; i++) {
			int64_t o = link[i]->orig;

			/* A changed link still holds its place. */
			if (o == 0)
				o = link[i]->seq;
			if (o >= 1 && o <= max_seq)
				orig_used[o] = true;
		}
		for (int64_t m = 1; m <= max_seq; m++) {
			if (!orig_used[m])
				store_report_add(r, STORE_REMOVED, 0, m,
						 "link #%lld of the chain is"
						 " missing: a session or"
						 " verification was removed",
						 (long long)m);
		}
	}
	for (size_t i = 0; i < nlinks; i++) {
		struct store_link *l = link[i];
		const struct store_link *before = i > 0 ? link[i - 1] : NULL;

		if (i > 0 && before->seq == l->seq) {
			store_report_add(r, STORE_REORDERED, l->session, l->seq,
					 "%s: link #%lld is used twice:"
					 " reordered", store_link_what(l, what),
					 (long long)l->seq);
			continue;
		}
		if (l->flagged || (before != NULL && before->flagged))
			continue;
		if (before == NULL || before->seq != l->seq - 1) {
			if (l->seq == 1 && l->prev[0] != '\0')
				store_report_add(r, STORE_CHANGED, l->session,
						 l->seq, "%s: the first link"
						 " names a previous one:"
						 " changed",
						 store_link_what(l, what));
			continue; /* a missing link, reported above */
		}
		if (strcmp(before->hash, l->prev) != 0)
			store_report_add(r, STORE_REORDERED, l->session, l->seq,
					 "%s: link #%lld does not follow link"
					 " #%lld: reordered",
					 store_link_what(l, what),
					 (long long)l->seq,
					 (long long)before->seq);
	}
	if (store_verify_texts(st, r, err) != 0 ||
	    store_verify_content(st, r, err) != 0)
		goto out;
	rc = r->n > 0 ? 1 : 0;
out:
	for (long k = 1; th != NULL && k < nw; k++)
		store_close(th[k].st);
	for (size_t k = 0; w != NULL && k < nchunks; k++) {
		store_report_done(&w[k].r);
		free(w[k].links);
		free(w[k].orphans);
		free(w[k].err);
		strbuf_done(&w[k].sb);
		strbuf_done(&w[k].shared);
		strbuf_done(&w[k].vsb);
		store_memo_done(&w[k].memo);
	}
	free(w);
	free(th);
	free(tid);
	free(started);
	free(idx);
	free(pidx);
	free(orig_used);
	free(link);
	free(c.links);
	free(c.orphans);
	strbuf_done(&c.sb);
	return rc;
}

/* ---- one session, for its printed copy ----------------------------------- */

/* The seal (which 0) or previous seal (which 1) of chain link seq, sessions
 * and verifications alike, into out; 0 found, 1 no such link, -1 error. */
static int
store_link_field(struct store *st, int64_t seq, int which, char out[80],
		 char **err)
{
	static const char *const sql[4] = {
		"SELECT seal_hash FROM sessions WHERE seal_seq = ?1 UNION ALL"
		" SELECT seal_hash FROM verifications WHERE seal_seq = ?1",
		"SELECT seal_prev FROM sessions WHERE seal_seq = ?1 UNION ALL"
		" SELECT seal_prev FROM verifications WHERE seal_seq = ?1",
		/* schema 6: the links of store-visit.c too */
		"SELECT seal_hash FROM sessions WHERE seal_seq = ?1 UNION ALL"
		" SELECT seal_hash FROM verifications WHERE seal_seq = ?1"
		" UNION ALL SELECT seal_hash FROM pregnancy_tests WHERE"
		" seal_seq = ?1 UNION ALL SELECT seal_hash FROM flag_acks"
		" WHERE seal_seq = ?1 UNION ALL SELECT seal_hash FROM"
		" prescriptions WHERE seal_seq = ?1",
		"SELECT seal_prev FROM sessions WHERE seal_seq = ?1 UNION ALL"
		" SELECT seal_prev FROM verifications WHERE seal_seq = ?1"
		" UNION ALL SELECT seal_prev FROM pregnancy_tests WHERE"
		" seal_seq = ?1 UNION ALL SELECT seal_prev FROM flag_acks"
		" WHERE seal_seq = ?1 UNION ALL SELECT seal_prev FROM"
		" prescriptions WHERE seal_seq = ?1",
	};
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql[which + (st->schema >= 6 ? 2 : 0)],
			       -1, &q, NULL) != SQLITE_OK)
		return store_fail(st, err, "reading the chain");
	sqlite3_bind_int64(q, 1, seq);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(q, 0);

		snprintf(out, 80, "%s", v != NULL ? (const char *)v : "");
	}
	sqlite3_finalize(q);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return store_fail(st, err, "reading the chain");
}

/* Session id does not hold: *why = "session ID does not match its seal: "
 * and the reason; returns 1. */
static int
store_check_fails(char **why, int64_t id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
store_check_fails(char **why, int64_t id, const char *fmt, ...)
{
	va_list ap;
	char *reason;

	va_start(ap, fmt);
	reason = xvasprintf(fmt, ap);
	va_end(ap);
	store_failf(why, "session %lld does not match its seal: %s",
		    (long long)id, reason);
	free(reason);
	return 1;
}

/* Link seq of kind (store-visit.c's: an acknowledgement, may prescribe)
 * of session s matches its seal: 0, 1 with *why, -1. */
static int
store_check_visit_link(struct store *st, const struct store_session *s,
		       enum store_link_kind kind, int64_t seq, const char *what,
		       char **why)
{
	char prev[80], seal[80], hash[65];
	char *canon, *err = NULL;
	size_t len;
	int rc;

	if ((rc = store_link_field(st, seq, 1, prev, why)) < 0 ||
	    (rc == 0 && (rc = store_link_field(st, seq, 0, seal, why)) < 0))
		return -1;
	if (rc == 1)
		return store_check_fails(why, s->id, "its %s (link #%lld) is"
					 " missing", what, (long long)seq);
	if ((canon = store_visit_canonical(st, kind, seq, &len, &err)) == NULL) {
		rc = store_check_fails(why, s->id, "its %s (link #%lld): %s",
				       what, (long long)seq, err);
		free(err);
		return rc;
	}
	store_seal_canonical(prev, canon, len, seq, hash);
	if (strcmp(hash, seal) != 0)
		return store_check_fails(why, s->id, "its %s (link #%lld) does"
					 " not match", what, (long long)seq);
	return 0;
}

static int
store_check_visit_links(struct store *st, const struct store_session *s,
			char **why)
{
	int rc;

	for (size_t i = 0; i < s->nflags; i++)
		if (s->flags[i].ack_seq > 0 &&
		    (rc = store_check_visit_link(st, s, STORE_LINK_FLAG_ACK,
						 s->flags[i].ack_seq,
						 "flag acknowledgement",
						 why)) != 0)
			return rc;
	if (s->presc_seq > 0 &&
	    (rc = store_check_visit_link(st, s, STORE_LINK_PRESCRIPTION,
					 s->presc_seq, "may prescribe",
					 why)) != 0)
		return rc;
	return 0;
}

int
store_session_check(struct store *st, const struct store_session *s,
		    char **why)
{
	char link[80], hash[65];
	int rc;

	if (s->seal_hash == NULL) {
		store_failf(why, "session %lld is open: not sealed yet",
			    (long long)s->id);
		return 1;
	}
	if (s->malformed || !store_seal_holds(s))
		return store_check_fails(why, s->id, "its record was changed"
					 " after it was sealed");
	for (size_t i = 0; i < s->nverifications; i++) {
		const struct store_verify_row *v = &s->verifications[i];
		size_t len;
		char *canon = store_canonical_verification(s, v, &len);

		store_seal_canonical(v->seal_prev, canon, len, v->seq, hash);
		if (v->seal_hash == NULL || strcmp(hash, v->seal_hash) != 0)
			return store_check_fails(why, s->id, "its staff"
						 " verification (link #%lld)"
						 " does not match",
						 (long long)v->seq);
	}
	for (size_t i = 0; i < s->nacks; i++) {
		const struct store_ack_row *a = &s->acks[i];

		if (a->text != NULL)
			store_sha256_hex(a->text, strlen(a->text), hash);
		if (a->text == NULL || a->text_sha256 == NULL ||
		    strcmp(hash, a->text_sha256) != 0)
			return store_check_fails(why, s->id, "the stored text"
						 " of statement %lld is %s",
						 (long long)a->seq,
						 a->text == NULL ? "missing"
						 : "not the one acknowledged");
	}
	/* A follow-up's links a copy shows (a flag's acknowledgement, may
	 * prescribe): each matches its own seal too. */
	if ((rc = store_check_visit_links(st, s, why)) != 0)
		return rc;
	/* Its place in the chain: the links before and after each of its
	 * own (the session's, then its verifications'). */
	for (size_t i = 0; i <= s->nverifications; i++) {
		const struct store_verify_row *v =
			i > 0 ? &s->verifications[i - 1] : NULL;
		int64_t seq = v ? v->seq : s->seal_seq;
		const char *prev = v ? v->seal_prev : s->seal_prev;
		const char *seal = v ? v->seal_hash : s->seal_hash;

		if (seq > 1) {
			if ((rc = store_link_field(st, seq - 1, 0, link, why)) < 0)
				return -1;
			if (rc == 1 || prev == NULL || strcmp(link, prev) != 0)
				return store_check_fails(why, s->id, "link"
							 " #%lld before it is"
							 " %s", (long long)(seq - 1),
							 rc == 1 ? "missing"
							 : "not the one it follows");
		} else if (prev == NULL || prev[0] != '\0') {
			return store_check_fails(why, s->id, "the first link"
						 " names a link before it");
		}
		if ((rc = store_link_field(st, seq + 1, 1, link, why)) < 0)
			return -1;
		if (rc == 0 && (seal == NULL || strcmp(link, seal) != 0))
			return store_check_fails(why, s->id, "link #%lld after"
						 " it does not follow it",
						 (long long)(seq + 1));
	}
	return 0;
}
