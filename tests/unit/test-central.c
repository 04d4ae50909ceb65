/*
 * Unit tests for central, the parts that need no PostgreSQL server (the
 * rest runs against a private one: tests/central/central.sh): what is a
 * connection string; libpq loaded when first needed and its table used
 * again (every call below goes through it); each entry point failing
 * closed, with libpq's reason, when nothing listens, writing nothing; a
 * kiosk's key refused before anything is loaded or connected. Without
 * libpq (tests/central/no-libpq.sh) the same calls fail naming libpq5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "central.h"
#include "tap.h"

static char dir[64], url[160];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-central-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* a socket folder where no server listens */
	snprintf(url, sizeof url, "postgresql:///isokiosk?host=%s&user=k",
		 dir);
}

static void
teardown(void)
{
	ck_assert_int_eq(rmdir(dir), 0);
}

START_TEST(test_is_url)
{
	ck_assert(central_is_url("postgresql://central.clinic.lan/isokiosk"));
	ck_assert(central_is_url("postgres://u@h/db"));
	ck_assert(central_is_url("postgresql:///isokiosk?host=/run/pg"));
	ck_assert(!central_is_url(NULL));
	ck_assert(!central_is_url(""));
	ck_assert(!central_is_url("records.db"));
	ck_assert(!central_is_url("/var/lib/isokiosk/postgresql://x"));
	ck_assert(!central_is_url("postgresql:/x"));
	ck_assert(!central_is_url("PostgreSQL://x"));
	ck_assert(!central_is_url("host=central dbname=isokiosk"));
}
END_TEST

/* The call failed as an unreachable server fails: -1, libpq's reason,
 * nothing written. */
static void
unreachable(int rc, char **err, FILE *fp)
{
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(*err);
	ck_assert_msg(strncmp(*err, "cannot connect to the central store: ",
			      37) == 0, "%s", *err);
	ck_assert_ptr_nonnull(strstr(*err, dir));
	free(*err);
	*err = NULL;
	if (fp != NULL) {
		ck_assert_int_eq(fflush(fp), 0);
		ck_assert_int_eq(ftell(fp), 0);
	}
}

START_TEST(test_unreachable)
{
	FILE *fp = tmpfile();
	char *err = NULL;
	int v = -1, rc;

	ck_assert_ptr_nonnull(fp);
	/* the first loads libpq, the others use what it loaded */
	rc = central_list(url, NULL, fp, &err);
	unreachable(rc, &err, fp);
	rc = central_list(url, "kiosk-a", fp, &err);
	unreachable(rc, &err, fp);
	rc = central_verify(url, NULL, fp, &err);
	unreachable(rc, &err, fp);
	rc = central_export_csv(url, NULL, "2026-01", fp, &err);
	unreachable(rc, &err, fp);
	rc = central_show(url, "kiosk-a", 1, fp, &err);
	unreachable(rc, &err, fp);
	rc = central_init(url, &v, &err);
	unreachable(rc, &err, NULL);
	ck_assert_int_eq(v, 0);
	rc = central_add_kiosk(url, "kiosk-a", "0123456789abcdef0123456789abcdef"
			       "0123456789abcdef0123456789abcdef", &err);
	unreachable(rc, &err, NULL);
	fclose(fp);
}
END_TEST

START_TEST(test_bad_key_first)
{
	char *err = NULL;

	/* refused for what it is, before connecting anywhere */
	ck_assert_int_eq(central_add_kiosk(url, "kiosk-a", "00ff", &err), -1);
	ck_assert_str_eq(err, "'00ff' is not a public key (64 lowercase hex"
			 " digits, as 'isokiosk keys show' prints it)");
	free(err);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("central");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_is_url);
	tcase_add_test(tc, test_unreachable);
	tcase_add_test(tc, test_bad_key_first);
	suite_add_tcase(s, tc);
	return s;
}
