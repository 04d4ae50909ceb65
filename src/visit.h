/*
 * visit: the rules of a follow-up visit, as pure functions over the
 * follow-up content (content.h: kinds methods, questionnaire, checklist)
 * and the patient's answers: no terminal, no clock, no store.
 *
 * - contraception: whether the methods a patient chose meet the rule (one
 *   highly effective method; or an effective method together with a
 *   barrier; withdrawal, counting days and breastfeeding never count);
 * - a scored questionnaire (the mood check, or a clinic's PHQ-9): the
 *   total, the band it falls in, and the urgent flag (a band with
 *   flag: urgent, or any item answered at or above its urgent-from);
 * - the side-effects checklist: which ticked items are stop-and-call;
 * - the comprehension re-check: which quiz questions a follow-up asks,
 *   rotating so that a patient sees first the ones asked longest ago.
 *
 * The words live in the content; these functions only count. Entries are
 * numbered in the file's order among entries of their kind (the n-th
 * method, the n-th item), which is what the kiosk shows and the store
 * records (with their ids).
 */
#ifndef ISOKIOSK_VISIT_H
#define ISOKIOSK_VISIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"

/*
 * The entries of one kind in doc, in the file's order: up to max pointers
 * into out (which may be NULL to count). Returns how many there are.
 */
size_t visit_entries(const struct content_doc *doc, enum content_entry kind,
		     const struct content_node **out, size_t max);

/* The entry with that id, or NULL. */
const struct content_node *visit_entry(const struct content_doc *doc,
				       const char *id);

enum visit_methods {
	VISIT_METHODS_HIGHLY,    /* met: a highly effective method */
	VISIT_METHODS_PAIR,      /* met: an effective method with a barrier */
	VISIT_METHODS_NONE,      /* not met: nothing chosen */
	VISIT_METHODS_NOT_ENOUGH, /* not met: what was chosen is not enough */
};
/* Whether a verdict meets the rule. */
#define VISIT_METHODS_MET(v) ((v) == VISIT_METHODS_HIGHLY || \
			      (v) == VISIT_METHODS_PAIR)
/* "highly-effective", "effective-with-barrier", "none-chosen",
 * "not-enough" */
const char *visit_methods_name(enum visit_methods v);

/* The rule over the methods chosen: chosen[i] for the i-th method of the
 * file (visit_entries(doc, CONTENT_ENTRY_METHOD)); n of them. */
enum visit_methods visit_methods_check(const struct content_doc *methods,
				       const bool *chosen, size_t n);

/* A questionnaire's result. */
struct visit_score {
	int total;                      /* sum of the chosen scores */
	int max;                        /* the highest total possible */
	const struct content_node *band; /* the band the total falls in
					    (the highest min-total not above
					    it), NULL when none does */
	bool urgent_item;               /* an item answered at or above its
					   urgent-from */
	const struct content_node *first_urgent; /* the first such item */
	enum content_flag flag;         /* the stronger of the band's flag and
					   URGENT for an urgent item */
	size_t answered;                /* items answered */
};

/*
 * Score a questionnaire: choice[i] is the chosen choice (0-based, in the
 * file's order) of the i-th item, or -1 when it was not answered (an
 * unanswered item adds nothing). n is how many choice[] holds; items past
 * n count as unanswered. Returns 0, or -1 when a choice is out of range
 * (nothing is scored then).
 */
int visit_score(const struct content_doc *q, const int *choice, size_t n,
		struct visit_score *out);

/* The checklist's ticked stop-and-call items: how many of ticked[i] (the
 * i-th check of the file) are urgent; the first into *first (may be NULL). */
size_t visit_checklist_urgent(const struct content_doc *checklist,
			      const bool *ticked, size_t n,
			      const struct content_node **first);

/*
 * The re-check: up to k questions of the quiz for this profile
 * ("pregnancy" sees every question, else only profile all), never a
 * question marked recheck: no. last[i] says when the question at
 * quiz->nodes[i] was last asked of this patient (any increasing number,
 * e.g. the visit's session id; 0: never). Those never asked come first,
 * then those asked longest ago; ties are broken by seed (e.g. a hash of
 * the patient reference and the visit), so that patients do not all get
 * the same questions. out receives node indices, in the file's order.
 * Returns how many were picked (min(k, eligible)).
 */
size_t visit_recheck_pick(const struct content_doc *quiz, const char *profile,
			  const int64_t *last, uint32_t seed, size_t k,
			  size_t *out);

/* ---- the clinic's numbers and the prescription ---------------------------- */

#define VISIT_INTERVAL_DAYS 30       /* clinic.conf visit_interval_days */
#define VISIT_TEST_WINDOW_DAYS 7     /* pregnancy_test_window_days */

/*
 * A whole number of days from the clinic's values (clinic.conf: key =
 * N), def when the key is absent. Returns 0 with *out set, or -1 with
 * *err (caller frees: "clinic.conf: key: 'x' is not a number of days
 * from min to max") when the value is not one.
 */
struct content_values;
int visit_days(const struct content_values *cv, const char *key, int def,
	       int min, int max, int *out, char **err);

/* "YYYY-MM-DD" as days since 1970-01-01; false if not a real date. */
bool visit_date_days(const char *date, int64_t *days);

struct visit_test {
	const char *date;    /* "YYYY-MM-DD" */
	const char *result;  /* "negative", "positive", "invalid" */
};

enum visit_prescribe {
	VISIT_MAY_PRESCRIBE,     /* not pregnancy profile, or a negative test
				    inside the window and nothing after it */
	VISIT_NO_TEST,           /* no test at all */
	VISIT_TEST_TOO_OLD,      /* tests, none inside the window */
	VISIT_TEST_POSITIVE,     /* any test inside the window */
	VISIT_TEST_INVALID,      /* the last test inside the window */
};
/* "may-prescribe", "no-test", "test-too-old", "test-positive",
 * "test-invalid" */
const char *visit_prescribe_name(enum visit_prescribe v);

/*
 * May the prescription be issued today ("YYYY-MM-DD", the clinic's local
 * date)? For profile "pregnancy" only with a negative pregnancy test
 * dated inside the window (today and the window_days - 1 days before it)
 * as the last test of that window and no positive test in it (a positive
 * is for a doctor to resolve, whatever follows it); other profiles
 * need none. tests in the order entered (by date, then as entered: the
 * last of a day wins). A test dated after today does not count.
 */
enum visit_prescribe visit_may_prescribe(const char *profile,
					 const struct visit_test *tests,
					 size_t n, const char *today,
					 int window_days);

#endif
