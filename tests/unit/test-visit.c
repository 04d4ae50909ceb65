/*
 * Unit tests for visit: the contraception rule over every pair of classes,
 * questionnaire totals, bands and urgent items, stop-and-call checklist
 * items, and the rotation of re-check questions over a year of visits;
 * then the same rules over the bundled ja and en follow-up content.
 */
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "tap.h"
#include "clinic.h"
#include "visit.h"
#include "xmalloc.h"

static struct content_doc *
parse(const char *kind, const char *body)
{
	struct diag_list dl;
	char *text = xasprintf("---\nid: x\ntitle: T\nkind: %s\n---\n%s", kind,
			       body);
	struct content_doc *doc;

	diag_list_init(&dl);
	doc = content_parse("x.md", text, strlen(text), NULL, "ja", &dl);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(dl.n, 0);
	diag_list_done(&dl);
	free(text);
	return doc;
}

static const char methods_body[] =
	"## iud\nclass: highly-effective\n\nIUD\n\n"
	"## pill\nclass: effective\n\nPill\n\n"
	"## ring\nclass: effective\n\nRing\n\n"
	"## condom\nclass: barrier\n\nCondom\n\n"
	"## withdrawal\nclass: does-not-count\n\nWithdrawal\n\n"
	"## days\nclass: does-not-count\n\nDays\n\n"
	"## not-met\nmessage: not-met\n\nNot enough.\n";

START_TEST(test_methods_rule)
{
	struct content_doc *d = parse("methods", methods_body);
	bool c[6];

	ck_assert_uint_eq(visit_entries(d, CONTENT_ENTRY_METHOD, NULL, 0), 6);
	ck_assert_uint_eq(visit_entries(d, CONTENT_ENTRY_MESSAGE, NULL, 0), 1);
	memset(c, 0, sizeof c);
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_NONE);
	c[0] = true; /* IUD alone */
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_HIGHLY);
	c[4] = true; /* with withdrawal: still met */
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_HIGHLY);
	memset(c, 0, sizeof c);
	c[1] = true; /* the pill alone */
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_NOT_ENOUGH);
	c[2] = true; /* pill and ring: two, but no barrier */
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_NOT_ENOUGH);
	c[3] = true; /* and a condom */
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_PAIR);
	memset(c, 0, sizeof c);
	c[3] = c[4] = c[5] = true; /* condom + withdrawal + days */
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_NOT_ENOUGH);
	c[4] = c[5] = false;
	ck_assert_int_eq(visit_methods_check(d, c, 6), VISIT_METHODS_NOT_ENOUGH);
	/* fewer flags than methods: the rest are not chosen */
	c[0] = true;
	ck_assert_int_eq(visit_methods_check(d, c, 1), VISIT_METHODS_HIGHLY);
	ck_assert_int_eq(visit_methods_check(d, c, 0), VISIT_METHODS_NONE);
	ck_assert(VISIT_METHODS_MET(VISIT_METHODS_PAIR));
	ck_assert(!VISIT_METHODS_MET(VISIT_METHODS_NOT_ENOUGH));
	ck_assert_str_eq(visit_methods_name(VISIT_METHODS_PAIR),
			 "effective-with-barrier");
	ck_assert_ptr_eq(visit_entry(d, "condom"), &d->nodes[3]);
	ck_assert_ptr_null(visit_entry(d, "nope"));
	content_doc_free(d);
}
END_TEST

static const char mood_body[] =
	"## a\ncode: 44250-9\n\nA?\n\n- [0] no\n- [1] some\n- [3] often\n\n"
	"## b\n\nB?\n\n- [0] no\n- [2] yes\n\n"
	"## harm\nurgent-from: 1\n\nH?\n\n- [0] no\n- [1] some\n- [2] often\n\n"
	"## calm\nmin-total: 0\nflag: none\n\nCalm\n\n"
	"## talk\nmin-total: 3\nflag: staff\n\nTalk\n\n"
	"## now\nmin-total: 6\nflag: urgent\n\nNow\n";

START_TEST(test_score)
{
	struct content_doc *d = parse("questionnaire\nvalidated: no", mood_body);
	struct visit_score s;
	int c[3];

	c[0] = 0, c[1] = 0, c[2] = 0;
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.total, 0);
	ck_assert_int_eq(s.max, 7);
	ck_assert_str_eq(s.band->id, "calm");
	ck_assert_int_eq(s.flag, CONTENT_FLAG_NONE);
	ck_assert(!s.urgent_item);
	ck_assert_uint_eq(s.answered, 3);
	c[0] = 2, c[1] = 0; /* 3: the staff band starts here */
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.total, 3);
	ck_assert_str_eq(s.band->id, "talk");
	ck_assert_int_eq(s.flag, CONTENT_FLAG_STAFF);
	c[0] = 1, c[1] = 1; /* 3 less one: calm again */
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.total, 3);
	c[0] = 1, c[1] = 0;
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.total, 1);
	ck_assert_int_eq(s.flag, CONTENT_FLAG_NONE);
	c[2] = 1; /* any positive answer to the urgent item: urgent, whatever
		     the total */
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.total, 2);
	ck_assert_str_eq(s.band->id, "calm");
	ck_assert(s.urgent_item);
	ck_assert_str_eq(s.first_urgent->id, "harm");
	ck_assert_int_eq(s.flag, CONTENT_FLAG_URGENT);
	c[0] = 2, c[1] = 1, c[2] = 0; /* 5 */
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.flag, CONTENT_FLAG_STAFF);
	c[2] = -1; /* unanswered adds nothing */
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_int_eq(s.total, 5);
	ck_assert_uint_eq(s.answered, 2);
	c[0] = 2, c[1] = 1, c[2] = 2; /* 7: the urgent band and item */
	ck_assert_int_eq(visit_score(d, c, 3, &s), 0);
	ck_assert_str_eq(s.band->id, "now");
	ck_assert_int_eq(s.flag, CONTENT_FLAG_URGENT);
	c[1] = 2; /* out of range: refused, nothing scored */
	ck_assert_int_eq(visit_score(d, c, 3, &s), -1);
	content_doc_free(d);
}
END_TEST

START_TEST(test_checklist)
{
	struct content_doc *d = parse("checklist",
		"## dry\n\nDry\n\n## head\nurgent: yes\n\nHead\n\n"
		"## sexual\n\nSexual\n\n## belly\nurgent: yes\n\nBelly\n");
	bool t[4] = { true, false, true, false };
	const struct content_node *first;

	ck_assert_uint_eq(visit_checklist_urgent(d, t, 4, &first), 0);
	ck_assert_ptr_null(first);
	t[3] = true;
	ck_assert_uint_eq(visit_checklist_urgent(d, t, 4, &first), 1);
	ck_assert_str_eq(first->id, "belly");
	t[1] = true;
	ck_assert_uint_eq(visit_checklist_urgent(d, t, 4, &first), 2);
	ck_assert_str_eq(first->id, "head");
	ck_assert_uint_eq(visit_checklist_urgent(d, t, 2, NULL), 1);
	content_doc_free(d);
}
END_TEST

static const char quiz_body[] =
	"## q1\nprofile: all\nreread: s\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n\n"
	"## q2\nprofile: pregnancy\nreread: s\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n\n"
	"## q3\nprofile: all\nreread: s\nrecheck: no\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n\n"
	"## q4\nprofile: all\nreread: s\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n\n"
	"## q5\nprofile: all\nreread: s\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n\n"
	"## q6\nprofile: pregnancy\nreread: s\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n\n"
	"## q7\nprofile: all\nreread: s\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n";

START_TEST(test_recheck_rotation)
{
	struct content_doc *d = parse("quiz", quiz_body);
	int64_t last[7] = { 0 };
	size_t out[7], n;
	int seen[7] = { 0 };

	/* no-pregnancy: q1 q4 q5 q7 are eligible (q3 never, q2 q6 not) */
	n = visit_recheck_pick(d, "no-pregnancy", last, 1, 10, out);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 3);
	ck_assert_uint_eq(out[2], 4);
	ck_assert_uint_eq(out[3], 6);
	/* twelve monthly visits, three questions each, pregnancy (6
	   eligible): every question is asked every second visit, never
	   twice in a row, and none is left out */
	for (int visit = 1; visit <= 12; visit++) {
		n = visit_recheck_pick(d, "pregnancy", last, 42, 3, out);
		ck_assert_uint_eq(n, 3);
		for (size_t i = 0; i < n; i++) {
			ck_assert_uint_ne(out[i], 2); /* q3: recheck: no */
			if (last[out[i]] != 0)
				ck_assert_int_eq(last[out[i]], visit - 2);
			if (i > 0)
				ck_assert_uint_lt(out[i - 1], out[i]);
		}
		for (size_t i = 0; i < n; i++) {
			last[out[i]] = visit;
			seen[out[i]]++;
		}
	}
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(seen[i], i == 2 ? 0 : 6);
	/* the seed breaks ties: two patients' first visits differ for some
	   pair of seeds, and one seed always gives the same */
	{
		int64_t none[7] = { 0 };
		size_t a[3], b[3];
		bool differ = false;

		for (uint32_t s = 0; s < 16 && !differ; s++) {
			visit_recheck_pick(d, "pregnancy", none, s, 3, a);
			visit_recheck_pick(d, "pregnancy", none, s + 100, 3, b);
			differ = memcmp(a, b, sizeof a) != 0;
		}
		ck_assert(differ);
		visit_recheck_pick(d, "pregnancy", none, 7, 3, a);
		visit_recheck_pick(d, "pregnancy", none, 7, 3, b);
		ck_assert_mem_eq(a, b, sizeof a);
	}
	ck_assert_uint_eq(visit_recheck_pick(d, "pregnancy", NULL, 0, 0, out), 0);
	ck_assert_uint_eq(visit_recheck_pick(NULL, "pregnancy", NULL, 0, 3, out),
			  0);
	content_doc_free(d);
}
END_TEST

/* The bundled content: both languages score alike, the rule holds, and
 * the mood check says it is not validated and has an urgent item. */
START_TEST(test_bundled)
{
	char *root = tap_source_path("content");
	struct diag_list dl;
	struct bundle *b;

	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 0);
	for (size_t i = 0; i < b->nlangs; i++) {
		const struct bundle_lang *l = &b->langs[i];
		size_t nm = visit_entries(l->methods, CONTENT_ENTRY_METHOD, NULL, 0);
		size_t ni = visit_entries(l->mood, CONTENT_ENTRY_ITEM, NULL, 0);
		size_t nc = visit_entries(l->effects, CONTENT_ENTRY_CHECK, NULL, 0);
		bool *chosen = xcalloc(nm, sizeof *chosen);
		int *choice = xcalloc(ni, sizeof *choice);
		bool *ticked = xcalloc(nc, sizeof *ticked);
		const struct content_node *n;
		struct visit_score s;
		size_t urgent_items = 0;

		ck_assert_ptr_nonnull(l->urgent);
		ck_assert_int_eq(l->mood->validated, 0);
		ck_assert_int_gt(l->recheck, 0);
		/* condom with withdrawal is not two methods */
		n = visit_entry(l->methods, "condom");
		ck_assert_ptr_nonnull(n);
		chosen[0] = false;
		for (size_t k = 0; k < nm; k++) {
			const struct content_node *m[32];
			visit_entries(l->methods, CONTENT_ENTRY_METHOD, m, 32);
			chosen[k] = strcmp(m[k]->id, "condom") == 0 ||
				    strcmp(m[k]->id, "withdrawal") == 0;
		}
		ck_assert_int_eq(visit_methods_check(l->methods, chosen, nm),
				 VISIT_METHODS_NOT_ENOUGH);
		/* all answered 0: calm; the self-harm item at 1: urgent */
		ck_assert_int_eq(visit_score(l->mood, choice, ni, &s), 0);
		ck_assert_int_eq(s.flag, CONTENT_FLAG_NONE);
		for (size_t k = 0; k < ni; k++) {
			const struct content_node *it[32];
			visit_entries(l->mood, CONTENT_ENTRY_ITEM, it, 32);
			if (it[k]->urgent_from > 0) {
				urgent_items++;
				choice[k] = 1;
			}
		}
		ck_assert_uint_eq(urgent_items, 1);
		ck_assert_int_eq(visit_score(l->mood, choice, ni, &s), 0);
		ck_assert_int_eq(s.flag, CONTENT_FLAG_URGENT);
		/* the checklist asks about sexual function, not urgent */
		n = visit_entry(l->effects, "sexual");
		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(n->urgent_from, 0);
		for (size_t k = 0; k < nc; k++)
			ticked[k] = true;
		ck_assert_uint_gt(visit_checklist_urgent(l->effects, ticked, nc,
							 NULL), 0);
		free(chosen);
		free(choice);
		free(ticked);
	}
	bundle_free(b);
	diag_list_done(&dl);
	free(root);
}
END_TEST

START_TEST(test_prescribe)
{
	const struct visit_test neg[] = { { "2026-11-20", "negative" } };
	const struct visit_test seq[] = {
		{ "2026-11-10", "negative" }, { "2026-11-18", "invalid" },
		{ "2026-11-19", "negative" },
	};
	const struct visit_test pos[] = {
		{ "2026-11-18", "positive" }, { "2026-11-20", "negative" },
	};
	const struct visit_test day[] = {
		{ "2026-11-20", "negative" }, { "2026-11-20", "invalid" },
	};
	const struct visit_test future[] = { { "2026-11-22", "negative" } };
	struct content_values *cv = clinic_new();
	char *err = NULL;
	int64_t d;
	int v;

	/* no test needed */
	ck_assert_int_eq(visit_may_prescribe("no-pregnancy", NULL, 0,
					     "2026-11-21", 7), VISIT_MAY_PRESCRIBE);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", NULL, 0,
					     "2026-11-21", 7), VISIT_NO_TEST);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", neg, 1,
					     "2026-11-21", 7), VISIT_MAY_PRESCRIBE);
	/* the window: today and the 6 days before it */
	ck_assert_int_eq(visit_may_prescribe("pregnancy", neg, 1,
					     "2026-11-26", 7), VISIT_MAY_PRESCRIBE);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", neg, 1,
					     "2026-11-27", 7), VISIT_TEST_TOO_OLD);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", neg, 1,
					     "2026-11-23", 3), VISIT_TEST_TOO_OLD);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", seq, 3,
					     "2026-11-21", 7), VISIT_MAY_PRESCRIBE);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", seq, 2,
					     "2026-11-21", 7), VISIT_TEST_INVALID);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", pos, 2,
					     "2026-11-21", 7), VISIT_TEST_POSITIVE);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", day, 2,
					     "2026-11-21", 7), VISIT_TEST_INVALID);
	ck_assert_int_eq(visit_may_prescribe("pregnancy", future, 1,
					     "2026-11-21", 7), VISIT_NO_TEST);
	ck_assert_str_eq(visit_prescribe_name(VISIT_TEST_TOO_OLD),
			 "test-too-old");
	/* across a month and a leap day */
	ck_assert(visit_date_days("1970-01-01", &d) && d == 0);
	ck_assert(visit_date_days("2024-03-01", &d) && d == 19783);
	ck_assert(!visit_date_days("2023-02-29", &d));
	{
		const struct visit_test leap[] = { { "2024-02-25", "negative" } };

		ck_assert_int_eq(visit_may_prescribe("pregnancy", leap, 1,
						     "2024-03-02", 7),
				 VISIT_MAY_PRESCRIBE);
		ck_assert_int_eq(visit_may_prescribe("pregnancy", leap, 1,
						     "2024-03-03", 7),
				 VISIT_TEST_TOO_OLD);
	}
	/* clinic.conf values */
	ck_assert_int_eq(visit_days(cv, "pregnancy_test_window_days", 7, 1, 30,
				    &v, &err), 0);
	ck_assert_int_eq(v, 7);
	clinic_set(cv, "pregnancy_test_window_days", NULL, "3");
	ck_assert_int_eq(visit_days(cv, "pregnancy_test_window_days", 7, 1, 30,
				    &v, &err), 0);
	ck_assert_int_eq(v, 3);
	clinic_set(cv, "pregnancy_test_window_days", NULL, "three");
	ck_assert_int_eq(visit_days(cv, "pregnancy_test_window_days", 7, 1, 30,
				    &v, &err), -1);
	ck_assert_str_eq(err, "clinic.conf: pregnancy_test_window_days:"
			 " 'three' is not a number of days from 1 to 30");
	free(err);
	err = NULL;
	clinic_set(cv, "visit_interval_days", NULL, "0");
	ck_assert_int_eq(visit_days(cv, "visit_interval_days", 30, 1, 365, &v,
				    &err), -1);
	free(err);
	clinic_free(cv);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("visit");
	TCase *tc = tcase_create("visit");

	tcase_add_test(tc, test_methods_rule);
	tcase_add_test(tc, test_score);
	tcase_add_test(tc, test_checklist);
	tcase_add_test(tc, test_recheck_rotation);
	tcase_add_test(tc, test_bundled);
	tcase_add_test(tc, test_prescribe);
	suite_add_tcase(s, tc);
	return s;
}
