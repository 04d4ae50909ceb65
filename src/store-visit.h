/*
 * store-visit: what a monthly follow-up adds to the consent records (the
 * store's other files hold the rest; see store.h).
 *
 * A session is a visit: "first" (the first-visit consent) or "follow-up"
 * (store_start.visit). A follow-up records, with the session and sealed
 * with it (canonical form 4, store-seal.c, whose visit block this module
 * writes):
 *   - visit answers: which contraception methods were chosen, each answer
 *     of the mood check with its score, each side effect ticked;
 *   - flags raised for staff: where from (methods, mood, effects), which
 *     entry, and the level (staff or urgent).
 * And outside any session, each its own link of the chain (like a staff
 * verification):
 *   - a pregnancy test entered by staff (patient, date, result, setting);
 *   - a flag's acknowledgement by staff (who, when), bound to the seal of
 *     the session that raised it.
 *
 * Writing follows store.h: each call is one durable transaction, 0 or -1
 * with *err (caller frees).
 */
#ifndef ISOKIOSK_STORE_VISIT_H
#define ISOKIOSK_STORE_VISIT_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

/* The visits a session can be ("first" when not named). */
bool store_visit_valid(const char *visit);

/* ---- during a follow-up (the session open) ------------------------------- */

struct store_visit_answer {
	const char *kind;  /* "method", "mood", "effect", "reconsent" (a
			      statement shown again: its wording changed) */
	const char *entry; /* the content entry id */
	int choice;        /* mood: the choice's index (0-based); method and
			      effect: 1 (chosen / ticked) */
	int score;         /* mood: the choice's score; else 0 */
};

/* Idempotent per (kind, entry): the same values again store nothing;
 * different values are an error (an answer is never changed). */
int store_visit_answer(struct store *st, int64_t id,
		       const struct store_visit_answer *a, char **err);

/* A flag for staff. source "methods", "mood", "effects" or "staff";
 * level "staff" or "urgent". Idempotent per (source, entry). *seq (may be
 * NULL) gets the flag's number in its session. */
int store_flag_raise(struct store *st, int64_t id, const char *source,
		     const char *entry, const char *level, int64_t *seq,
		     char **err);

/* ---- staff, after the session is sealed ---------------------------------- */

/* Staff acknowledged flag seq of session id: its own link of the chain.
 * Acknowledging an acknowledged flag is an error naming who did. */
int store_flag_ack(struct store *st, int64_t id, int64_t seq,
		   const char *staff_id, char **err);

struct store_test {
	const char *patient_ref;
	const char *date;     /* "YYYY-MM-DD", the day the test was done */
	const char *result;   /* "negative", "positive", "invalid" */
	const char *setting;  /* "clinic", "laboratory", "home-supervised" */
	const char *staff_id;
};

/* Record a pregnancy test (its own link of the chain); *id (may be NULL)
 * gets its number. Values are checked: a wrong one is refused, saying
 * which and what is allowed. */
int store_test_add(struct store *st, const struct store_test *t, int64_t *id,
		   char **err);

/*
 * Staff record that the prescription may be issued after visit id (a
 * completed session): its own link of the chain, naming the pregnancy test
 * it relied on. Refused (-1, *err saying why, nothing stored) when the
 * rule of visit_may_prescribe is not met for the session's profile on
 * today ("YYYY-MM-DD", the clinic's date) with window_days, when the
 * session is open or did not complete, or when it was already given.
 * *verdict (may be NULL) gets the rule's verdict.
 */
int store_prescribe(struct store *st, int64_t id, const char *staff_id,
		    const char *today, int window_days, int *verdict,
		    char **err);

/* Is value one of the allowed results / settings? */
bool store_test_result_valid(const char *v);
bool store_test_setting_valid(const char *v);
/* "YYYY-MM-DD", a real date. */
bool store_date_valid(const char *v);

/* ---- reading -------------------------------------------------------------- */

struct store_test_row {
	int64_t id;
	const char *patient_ref, *date, *result, *setting, *staff_id, *at;
	int64_t seal_seq;
	const char *seal_prev, *seal_hash;
	bool holds;           /* its seal matches its fields */
};

/* Every pregnancy test of patient_ref (NULL: everyone's), oldest first
 * (by date, then by when entered). Strings valid during the call. */
int store_tests_each(struct store *st, const char *patient_ref,
		     int (*fn)(const struct store_test_row *t, void *ctx),
		     void *ctx, char **err);

/* The ids of patient_ref's sessions, oldest first: *ids (caller frees),
 * *n. */
int store_patient_sessions(struct store *st, const char *patient_ref,
			   int64_t **ids, size_t *n, char **err);

/* Patients whose last completed visit started before cutoff (an ISO
 * 8601 time, UTC), oldest first, with that visit's start and kind. */
int store_due_each(struct store *st, const char *cutoff,
		   int (*fn)(const char *patient_ref, const char *last,
			     const char *visit, void *ctx),
		   void *ctx, char **err);

/* The text hash of each statement as this patient last acknowledged it
 * (in a completed or stopped session): fn once per statement id. */
int store_last_acks(struct store *st, const char *patient_ref,
		    void (*fn)(const char *statement_id, const char *sha256,
			       void *ctx),
		    void *ctx, char **err);

/* Flags not yet acknowledged (every session), oldest first. */
int store_open_flags(struct store *st,
		     int (*fn)(int64_t session, const char *patient_ref,
			       const struct store_flag_row *f, void *ctx),
		     void *ctx, char **err);

#endif
