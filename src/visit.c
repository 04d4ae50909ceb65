/*
 * visit: the rules of a follow-up visit (visit.h): the contraception rule,
 * questionnaire scoring and urgent flags, stop-and-call checklist items,
 * the rotation of re-check questions. Pure: owns nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "visit.h"
#include "xmalloc.h"

size_t
visit_entries(const struct content_doc *doc, enum content_entry kind,
	      const struct content_node **out, size_t max)
{
	size_t n = 0;

	if (doc == NULL)
		return 0;
	for (size_t i = 0; i < doc->n; i++) {
		const struct content_node *nd = &doc->nodes[i];

		if (nd->kind != CONTENT_ENTRY || nd->entry != kind)
			continue;
		if (out != NULL && n < max)
			out[n] = nd;
		n++;
	}
	return n;
}

const struct content_node *
visit_entry(const struct content_doc *doc, const char *id)
{
	if (doc == NULL || id == NULL)
		return NULL;
	for (size_t i = 0; i < doc->n; i++)
		if (doc->nodes[i].kind == CONTENT_ENTRY &&
		    doc->nodes[i].id != NULL &&
		    strcmp(doc->nodes[i].id, id) == 0)
			return &doc->nodes[i];
	return NULL;
}

const char *
visit_methods_name(enum visit_methods v)
{
	switch (v) {
	case VISIT_METHODS_HIGHLY:
		return "highly-effective";
	case VISIT_METHODS_PAIR:
		return "effective-with-barrier";
	case VISIT_METHODS_NONE:
		return "none-chosen";
	case VISIT_METHODS_NOT_ENOUGH:
		return "not-enough";
	}
	return "?";
}

enum visit_methods
visit_methods_check(const struct content_doc *methods, const bool *chosen,
		    size_t n)
{
	size_t k = 0, any = 0;
	bool highly = false, effective = false, barrier = false;

	for (size_t i = 0; methods != NULL && i < methods->n; i++) {
		const struct content_node *nd = &methods->nodes[i];

		if (nd->kind != CONTENT_ENTRY || nd->entry != CONTENT_ENTRY_METHOD)
			continue;
		if (k < n && chosen[k]) {
			any++;
			switch (nd->method_class) {
			case CONTENT_METHOD_HIGHLY_EFFECTIVE:
				highly = true;
				break;
			case CONTENT_METHOD_EFFECTIVE:
				effective = true;
				break;
			case CONTENT_METHOD_BARRIER:
				barrier = true;
				break;
			case CONTENT_METHOD_DOES_NOT_COUNT:
				break;
			}
		}
		k++;
	}
	if (highly)
		return VISIT_METHODS_HIGHLY;
	if (effective && barrier)
		return VISIT_METHODS_PAIR;
	return any == 0 ? VISIT_METHODS_NONE : VISIT_METHODS_NOT_ENOUGH;
}

int
visit_score(const struct content_doc *q, const int *choice, size_t n,
	    struct visit_score *out)
{
	size_t k = 0;
	struct visit_score s = { 0 };

	for (size_t i = 0; q != NULL && i < q->n; i++) {
		const struct content_node *nd = &q->nodes[i];
		int top = 0;

		if (nd->kind != CONTENT_ENTRY || nd->entry != CONTENT_ENTRY_ITEM)
			continue;
		for (size_t c = 0; c < nd->nitems; c++)
			if (nd->items[c].score > top)
				top = nd->items[c].score;
		s.max += top;
		if (k < n && choice[k] >= 0) {
			int sc;

			if ((size_t)choice[k] >= nd->nitems)
				return -1;
			sc = nd->items[choice[k]].score;
			if (sc < 0)
				sc = 0;
			s.total += sc;
			s.answered++;
			if (nd->urgent_from > 0 && sc >= nd->urgent_from &&
			    !s.urgent_item) {
				s.urgent_item = true;
				s.first_urgent = nd;
			}
		}
		k++;
	}
	for (size_t i = 0; q != NULL && i < q->n; i++) {
		const struct content_node *nd = &q->nodes[i];

		if (nd->kind != CONTENT_ENTRY || nd->entry != CONTENT_ENTRY_BAND ||
		    nd->min_total < 0 || nd->min_total > s.total)
			continue;
		if (s.band == NULL || nd->min_total > s.band->min_total)
			s.band = nd;
	}
	s.flag = s.band != NULL ? s.band->flag : CONTENT_FLAG_NONE;
	if (s.urgent_item)
		s.flag = CONTENT_FLAG_URGENT;
	*out = s;
	return 0;
}

size_t
visit_checklist_urgent(const struct content_doc *checklist, const bool *ticked,
		       size_t n, const struct content_node **first)
{
	size_t k = 0, urgent = 0;

	if (first != NULL)
		*first = NULL;
	for (size_t i = 0; checklist != NULL && i < checklist->n; i++) {
		const struct content_node *nd = &checklist->nodes[i];

		if (nd->kind != CONTENT_ENTRY || nd->entry != CONTENT_ENTRY_CHECK)
			continue;
		if (k < n && ticked[k] && nd->urgent_from > 0) {
			if (urgent == 0 && first != NULL)
				*first = nd;
			urgent++;
		}
		k++;
	}
	return urgent;
}

/* A 32-bit mix (the finaliser of MurmurHash3): spreads seed ^ index. */
static uint32_t
visit_mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x85ebca6bU;
	x ^= x >> 13;
	x *= 0xc2b2ae35U;
	x ^= x >> 16;
	return x;
}

struct visit_cand {
	size_t index;
	int64_t last;
	uint32_t tie;
};

static int
visit_cand_cmp(const void *a, const void *b)
{
	const struct visit_cand *x = a, *y = b;

	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	if (x->tie != y->tie)
		return x->tie < y->tie ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int
visit_size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

size_t
visit_recheck_pick(const struct content_doc *quiz, const char *profile,
		   const int64_t *last, uint32_t seed, size_t k, size_t *out)
{
	struct visit_cand *c;
	size_t n = 0;
	bool pregnancy = profile != NULL && strcmp(profile, "pregnancy") == 0;

	if (quiz == NULL || k == 0)
		return 0;
	c = xcalloc(quiz->n ? quiz->n : 1, sizeof *c);
	for (size_t i = 0; i < quiz->n; i++) {
		const struct content_node *nd = &quiz->nodes[i];

		if (nd->kind != CONTENT_QUESTION || nd->no_recheck)
			continue;
		if (!pregnancy && (nd->profile == NULL ||
				   strcmp(nd->profile, "all") != 0))
			continue;
		c[n].index = i;
		c[n].last = last != NULL ? last[i] : 0;
		c[n].tie = visit_mix(seed ^ visit_mix((uint32_t)i + 1));
		n++;
	}
	qsort(c, n, sizeof *c, visit_cand_cmp);
	if (k > n)
		k = n;
	for (size_t i = 0; i < k; i++)
		out[i] = c[i].index;
	free(c);
	qsort(out, k, sizeof *out, visit_size_cmp);
	return k;
}

/* ---- the clinic's numbers and the prescription ---------------------------- */

int
visit_days(const struct content_values *cv, const char *key, int def,
	   int min, int max, int *out, char **err)
{
	const char *v = cv != NULL ? clinic_get(cv, key, strlen(key), NULL)
				   : NULL;
	long n = 0;
	size_t i;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 6; i++)
		n = n * 10 + (v[i] - '0');
	if (i == 0 || v[i] != '\0' || n < min || n > max) {
		if (err != NULL)
			*err = xasprintf("clinic.conf: %s: '%s' is not a number"
					 " of days from %d to %d", key, v, min,
					 max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

bool
visit_date_days(const char *date, int64_t *days)
{
	static const unsigned char mdays[12] = { 31, 29, 31, 30, 31, 30, 31,
						 31, 30, 31, 30, 31 };
	int64_t y, m, d, era, yoe, doy, doe;

	if (date == NULL || strlen(date) != 10 || date[4] != '-' ||
	    date[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return false;
	y = atoi(date);
	m = atoi(date + 5);
	d = atoi(date + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
						   y % 400 == 0))))
		return false;
	/* days from civil (H. Hinnant) */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 719468;
	return true;
}

const char *
visit_prescribe_name(enum visit_prescribe v)
{
	switch (v) {
	case VISIT_MAY_PRESCRIBE: return "may-prescribe";
	case VISIT_NO_TEST: return "no-test";
	case VISIT_TEST_TOO_OLD: return "test-too-old";
	case VISIT_TEST_POSITIVE: return "test-positive";
	case VISIT_TEST_INVALID: return "test-invalid";
	}
	return "?";
}

enum visit_prescribe
visit_may_prescribe(const char *profile, const struct visit_test *tests,
		    size_t n, const char *today, int window_days)
{
	const struct visit_test *last = NULL;
	int64_t t, d, lastd = 0;
	bool any = false, positive = false;

	if (profile == NULL || strcmp(profile, "pregnancy") != 0)
		return VISIT_MAY_PRESCRIBE;
	if (!visit_date_days(today, &t) || window_days < 1)
		return VISIT_NO_TEST;
	for (size_t i = 0; i < n; i++) {
		if (!visit_date_days(tests[i].date, &d) || d > t)
			continue;
		any = true;
		if (d <= t - window_days)
			continue;
		positive |= strcmp(tests[i].result, "positive") == 0;
		/* the latest day; the last entered of that day */
		if (last == NULL || d >= lastd) {
			last = &tests[i];
			lastd = d;
		}
	}
	if (last == NULL)
		return any ? VISIT_TEST_TOO_OLD : VISIT_NO_TEST;
	/* A positive test in the window is for a doctor to resolve, whatever
	 * follows it: fail closed. */
	if (positive)
		return VISIT_TEST_POSITIVE;
	if (strcmp(last->result, "negative") == 0)
		return VISIT_MAY_PRESCRIBE;
	if (strcmp(last->result, "positive") == 0)
		return VISIT_TEST_POSITIVE;
	return VISIT_TEST_INVALID;
}
