/*
 * Unit tests for clinic: clinic.conf parsing (plain and language values,
 * errors at line:col), samples marked "?=" and the deploy check that
 * reports each at its line:col, and the bundled clinic.conf, every value of
 * which is a sample.
 */
#include <stdlib.h>
#include <string.h>

#include "clinic.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

static char *
diags_text(struct diag_list *dl)
{
	struct strbuf sb;

	strbuf_init(&sb);
	diag_sort(dl);
	for (size_t i = 0; i < dl->n; i++) {
		char *d = diag_format(&dl->v[i]);

		strbuf_addstr(&sb, d);
		strbuf_addch(&sb, '\n');
		free(d);
	}
	return strbuf_detach(&sb, NULL);
}

START_TEST(test_parse)
{
	static const char text[] =
		"# comment\n"
		"clinic_name = さくら皮膚科\n"
		"clinic_name.en = Sakura Dermatology\n"
		"phone ?= 03-0000-0000\n"
		"  dose_usual   ?=   20mg  \n"
		"bad key = x\n"
		"phone = 2\n"
		"after_hours ?\n";
	struct diag_list dl;
	struct content_values *cv;
	char *got;

	diag_list_init(&dl);
	cv = clinic_parse("c.conf", text, strlen(text), &dl);
	got = diags_text(&dl);
	ck_assert_str_eq(got,
		"c.conf:6:5: error: expected 'key = value' (keys are lowercase "
		"letters, digits and '_')\n"
		"c.conf:7:1: error: 'phone' is given twice (first at line 4)\n"
		"c.conf:8:13: error: expected 'key = value' (keys are lowercase "
		"letters, digits and '_')\n");
	free(got);
	ck_assert_str_eq(clinic_get(cv, "clinic_name", 11, "en"), "Sakura Dermatology");
	ck_assert_str_eq(clinic_get(cv, "clinic_name", 11, "ja"), "さくら皮膚科");
	ck_assert_str_eq(clinic_get(cv, "phone", 5, NULL), "03-0000-0000");
	ck_assert_str_eq(clinic_get(cv, "dose_usual", 10, "ja"), "20mg");
	ck_assert_uint_eq(clinic_samples(cv), 2);
	clinic_free(cv);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_deploy)
{
	static const char text[] =
		"clinic_name = さくら皮膚科\n"
		"phone ?= 03-0000-0000\n"
		"phone_hours.en\t?=  Mon–Sat\n"
		"note ?=\n";
	struct diag_list dl;
	struct content_values *cv;
	char *got;

	diag_list_init(&dl);
	cv = clinic_parse("clinic.conf", text, strlen(text), &dl);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 0);
	diag_list_done(&dl);
	diag_list_init(&dl);
	ck_assert_uint_eq(clinic_check_deploy(cv, "x/clinic.conf", &dl), 3);
	got = diags_text(&dl);
	ck_assert_str_eq(got,
		"x/clinic.conf:2:10: error: 'phone' still holds the bundled "
		"sample '03-0000-0000': put in the clinic's own value, then "
		"change '?=' to '=' on this line\n"
		"x/clinic.conf:3:21: error: 'phone_hours.en' still holds the "
		"bundled sample 'Mon–Sat': put in the clinic's own value, then "
		"change '?=' to '=' on this line\n"
		"x/clinic.conf:4:8: error: 'note' still holds the bundled sample "
		"'': put in the clinic's own value, then change '?=' to '=' on "
		"this line\n");
	free(got);
	clinic_free(cv);
	diag_list_done(&dl);
	/* nothing to report: 0, and an empty set too */
	diag_list_init(&dl);
	cv = clinic_new();
	clinic_set(cv, "phone", NULL, "1");
	ck_assert_uint_eq(clinic_check_deploy(cv, "c", &dl), 0);
	ck_assert_uint_eq(clinic_samples(cv), 0);
	ck_assert_uint_eq(clinic_samples(NULL), 0);
	ck_assert_uint_eq(dl.n, 0);
	clinic_free(cv);
	diag_list_done(&dl);
}
END_TEST

/* The bundled clinic.conf: every value is a sample, so that no clinic goes
 * live with one by accident; and it parses clean. */
START_TEST(test_bundled)
{
	char *path = tap_source_path("content/clinic.conf");
	struct diag_list dl;
	struct content_values *cv;

	diag_list_init(&dl);
	cv = clinic_load(path, &dl);
	ck_assert_ptr_nonnull(cv);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_uint_gt(cv->n, 10);
	ck_assert_uint_eq(clinic_samples(cv), cv->n);
	for (const char *const *k = (const char *const[]){ "after_hours",
		"crisis_line", "procedure_wait", "max_supply_days", NULL };
	     *k != NULL; k++)
		ck_assert_msg(clinic_get(cv, *k, strlen(*k), "ja") != NULL,
			      "no %s", *k);
	/* a dose carries its unit */
	ck_assert_ptr_nonnull(strstr(clinic_get(cv, "dose_usual", 10, "en"), "mg"));
	ck_assert_ptr_nonnull(strstr(clinic_get(cv, "dose_max", 8, "ja"), "mg"));
	clinic_free(cv);
	diag_list_done(&dl);
	free(path);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("clinic");
	TCase *tc = tcase_create("clinic");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_deploy);
	tcase_add_test(tc, test_bundled);
	suite_add_tcase(s, tc);
	return s;
}
