/*
 * visittext: a patient's visits as people read them, made in one place for
 * `records patient REF` and the kiosk's staff screens (the follow-up's
 * summary): the first visit and each follow-up with its answers
 * (contraception, mood score, side effects, re-check results, statements
 * confirmed again or shown again because their wording changed), its flags
 * and who acknowledged them, "may prescribe", and the pregnancy tests.
 *
 * Like rectext: values as stored, times in the kiosk's zone with the
 * offset; the caller writes the text through the escaping of its sink.
 */
#ifndef ISOKIOSK_VISITTEXT_H
#define ISOKIOSK_VISITTEXT_H

#include "store.h"
#include "strbuf.h"

/* One session's visit lines (indented by two spaces), no header. */
void visittext_session(struct strbuf *out, const struct store_session *s);

/*
 * The whole timeline of patient_ref into out: a header line, each session
 * oldest first (its header line, then visittext_session), then the
 * pregnancy tests. Returns 0, 1 when the patient has no session and no
 * test (out holds nothing), -1 with *err on a database error.
 */
int visittext_patient(struct strbuf *out, struct store *st,
		      const char *patient_ref, char **err);

/* The line for one pregnancy test ("2026-11-20  negative  clinic  staff
 * nurse-b  entered 2026-11-21 16:01 +09:00"), without a newline. */
struct store_test_row;
void visittext_test(struct strbuf *out, const struct store_test_row *t);

#endif
