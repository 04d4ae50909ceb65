/*
 * rectext: a consent record as people read it, made in one place for every
 * place that shows it: `records show` and the kiosk's staff records screen
 * print the same text (rectext_show); `records list` and the kiosk's list of
 * today's sessions use the same row (rectext_row: the time, the receipt
 * code, the outcome and its reason).
 *
 * What people see, never what the database keeps: times in the kiosk's time
 * zone with the offset written out (clock.h), the receipt code as the
 * patient saw it ("5c10-e2ed"), a quiz choice as the number the patient
 * pressed (its place in the order shown, from 1) and the order shown as the
 * choices' numbers in the content (from 1), and the question's text beside
 * its id when the content the patient saw is known (rectext_questions: read
 * from the frozen copy of that content version in the database).
 *
 * Values are as stored: the caller writes the text through the output gate
 * of its sink (a terminal, the kiosk's grid), which makes any control or
 * invisible character visible.
 */
#ifndef ISOKIOSK_RECTEXT_H
#define ISOKIOSK_RECTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "store.h"
#include "strbuf.h"

/* The receipt code of a seal ("5c10-e2ed") into out; "-" for an open
 * session or a seal that is not hex. Returns out. */
#define RECTEXT_CODE_MAX 12
char *rectext_code(const char *seal_hash, char out[RECTEXT_CODE_MAX]);

/* A stored UTC time in form f (clock.h); a value that is not a stored time
 * (a damaged database) as it is, NULL as "-". Returns out or s. */
const char *rectext_time(const char *stored, enum clock_form f,
			 char out[CLOCK_MAX]);

/* ---- one row per session (records list, the kiosk's list) ---- */

enum rectext_col {
	RECTEXT_ID,
	RECTEXT_STARTED,  /* CLOCK_MINUTE, in the zone */
	RECTEXT_OUTCOME,
	RECTEXT_CODE,
	RECTEXT_PROFILE,
	RECTEXT_STAFF,
	RECTEXT_PATIENT,
	RECTEXT_REASON,   /* "-" when none */
	RECTEXT_NCOLS
};

/* The header of each column ("SESSION", "STARTED (+09:00)" ...). */
const char *rectext_col_name(enum rectext_col c);

struct rectext_row {
	int64_t id;
	int64_t started_ms;     /* 0 when the stored time cannot be read */
	char *col[RECTEXT_NCOLS]; /* owned */
};

void rectext_row_init(struct rectext_row *r, const struct store_session *s);
void rectext_row_done(struct rectext_row *r);

/*
 * A header line and one line per row, each column as wide as its widest
 * value (display columns, East Asian wide characters as 2), two spaces
 * between columns, the reason last and not padded. The header names the
 * zone's offset of the first row (or of now).
 */
void rectext_list(struct strbuf *out, const struct rectext_row *rows,
		  size_t n);

/* ---- question texts of the content a session showed ---- */

/*
 * Question id → its text as the quiz showed it (plain text, bases only),
 * per content version, read from the frozen content in the database. Empty
 * when that copy is missing: the record then shows ids alone.
 */
struct rectext_questions {
	char **version, **qid, **text; /* owned, n entries */
	size_t n, cap;
};

void rectext_questions_init(struct rectext_questions *q);
/* Read every frozen quiz file (every version) of st: 0, or -1 with *err
 * (caller frees). A quiz that does not parse adds nothing. */
int rectext_questions_load(struct rectext_questions *q, struct store *st,
			   char **err);
/* The text, or NULL. Thread-safe once loaded (read only). */
const char *rectext_question(const struct rectext_questions *q,
			     const char *version, const char *qid);
void rectext_questions_done(struct rectext_questions *q);

/* ---- one session, whole ---- */

/*
 * The readable record of s: who, when (in the zone), the content version
 * and its frozen files (when st is not NULL), every screen, every quiz
 * attempt (with the question's text when q knows it; q may be NULL), every
 * statement with the text acknowledged, the signatures, staff
 * verifications and the seal. Lines end in '\n'.
 */
void rectext_show(struct strbuf *out, struct store *st,
		  const struct store_session *s,
		  const struct rectext_questions *q);

#endif
