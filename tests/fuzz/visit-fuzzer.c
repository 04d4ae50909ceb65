/*
 * visit-fuzzer: libFuzzer target over the follow-up's small parsers and
 * rules: a date as staff type it (store_date_valid, visit_date_days: the
 * same dates accepted, each one's day number written back is the same
 * date), a clinic.conf number of days (visit_days: in range or refused
 * with a message naming the key), and the prescription rule over tests
 * read from the input's lines ("YYYY-MM-DD result"): a profile that cannot
 * become pregnant may always be prescribed; for one that can, "may" only
 * with a negative test inside the window and no positive one there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "store-visit.h"
#include "visit.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VISIT_FUZZ_CHECK(cond)                                                \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "visit-fuzzer: %s fails\n", #cond);  \
			abort();                                              \
		}                                                             \
	} while (0)

/* days since 1970-01-01 back to "YYYY-MM-DD" (H. Hinnant's civil_from_days) */
static void
visit_fuzz_date(int64_t z, char out[16])
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(out, 16, "%04lld-%02lld-%02lld", (long long)(y + (m <= 2)),
		 (long long)m, (long long)d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1), *line, *save = NULL, back[16];
	struct visit_test tests[16];
	struct content_values *cv;
	size_t n = 0;
	int64_t days, today;
	char *err = NULL;
	int v;

	memcpy(s, data, size);
	s[size] = '\0';
	/* the whole input as a date */
	if (visit_date_days(s, &days)) {
		VISIT_FUZZ_CHECK(store_date_valid(s) || days < -25567);
		visit_fuzz_date(days, back);
		VISIT_FUZZ_CHECK(strcmp(back, s) == 0);
	} else {
		VISIT_FUZZ_CHECK(!store_date_valid(s));
	}
	/* as a number of days */
	cv = clinic_new();
	clinic_set(cv, "pregnancy_test_window_days", NULL, s);
	if (visit_days(cv, "pregnancy_test_window_days", 7, 1, 30, &v,
		       &err) == 0) {
		VISIT_FUZZ_CHECK(v >= 1 && v <= 30);
	} else {
		VISIT_FUZZ_CHECK(err != NULL &&
				 strstr(err, "pregnancy_test_window_days") != NULL);
		free(err);
	}
	clinic_free(cv);
	/* lines of tests; the first valid date is today */
	for (line = strtok_r(s, "\n", &save); line != NULL && n < 16;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp == NULL)
			continue;
		*sp = '\0';
		tests[n].date = line;
		tests[n].result = sp + 1;
		n++;
	}
	if (n > 0 && visit_date_days(tests[0].date, &today)) {
		enum visit_prescribe p = visit_may_prescribe("pregnancy", tests,
							     n, tests[0].date,
							     3);
		bool neg = false, pos = false;

		VISIT_FUZZ_CHECK(visit_may_prescribe("no-pregnancy", tests, n,
						     tests[0].date, 3) ==
				 VISIT_MAY_PRESCRIBE);
		for (size_t i = 0; i < n; i++) {
			int64_t d;

			if (!visit_date_days(tests[i].date, &d) || d > today ||
			    d <= today - 3)
				continue;
			neg |= strcmp(tests[i].result, "negative") == 0;
			pos |= strcmp(tests[i].result, "positive") == 0;
		}
		if (p == VISIT_MAY_PRESCRIBE)
			VISIT_FUZZ_CHECK(neg && !pos);
		if (pos)
			VISIT_FUZZ_CHECK(p == VISIT_TEST_POSITIVE);
	}
	free(s);
	return 0;
}
