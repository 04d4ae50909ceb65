/*
 * Unit tests for syncstate: the file written and read back, every damaged
 * form refused (never half-read), error texts made safe to show, and what
 * staff see for each state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "syncstate.h"
#include "tap.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-syncstate-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("TZ", "UTC", 1);
	tzset();
	setenv("LANGUAGE", "en", 1);
	i18n_init();
	i18n_set_language("en");
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
parse(const char *text, struct syncstate *s)
{
	return syncstate_parse(text, strlen(text), s);
}

START_TEST(test_round_trip)
{
	struct syncstate s = { .attempt = 1765075260, .synced = 1765075200,
			       .central = 5100 }, back;
	char buf[512], path[128], *err = NULL, *p;
	size_t n;

	n = syncstate_format(&s, buf, sizeof buf);
	ck_assert_str_eq(buf, "isokiosk-sync 1\nattempt 1765075260\nsynced"
			 " 1765075200\ncentral 5100\n");
	ck_assert_int_eq(syncstate_parse(buf, n, &back), 0);
	ck_assert(!back.failed);
	ck_assert_int_eq(back.central, 5100);
	syncstate_set_error(&s, "cannot connect to the central store");
	n = syncstate_format(&s, buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "\nerror cannot connect to the"
				     " central store\n"));
	ck_assert_int_eq(syncstate_parse(buf, n, &back), 0);
	ck_assert(back.failed);
	ck_assert_str_eq(back.error, s.error);

	/* saved, loaded; no file is "not set up"; the path is DB.sync */
	p = syncstate_path("/var/lib/isokiosk/records.db");
	ck_assert_str_eq(p, "/var/lib/isokiosk/records.db.sync");
	free(p);
	snprintf(path, sizeof path, "%s/r.db.sync", dir);
	ck_assert_int_eq(syncstate_load(path, &back, &err), 1);
	ck_assert_int_eq(syncstate_save(path, &s, &err), 0);
	/* the kiosk user's, as the database is: its errors name the
	 * central store */
	{
		struct stat sb;

		ck_assert_int_eq(stat(path, &sb), 0);
		ck_assert_int_eq(sb.st_mode & 0777, 0600);
	}
	ck_assert_int_eq(syncstate_load(path, &back, &err), 0);
	ck_assert_int_eq(back.attempt, s.attempt);
	ck_assert_str_eq(back.error, s.error);
}
END_TEST

START_TEST(test_refused)
{
	static const char *const bad[] = {
		"",
		"isokiosk-sync 2\nattempt 1\nsynced 1\ncentral 1\n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1",  /* no \n */
		"isokiosk-sync 1\nattempt 01\nsynced 1\ncentral 1\n",
		"isokiosk-sync 1\nattempt -1\nsynced 0\ncentral 1\n",
		"isokiosk-sync 1\nattempt 1\nsynced 2\ncentral 1\n", /* later */
		"isokiosk-sync 1\nattempt 99999999999999999999\nsynced 0\ncentral 0\n",
		"isokiosk-sync 1\nsynced 1\nattempt 1\ncentral 1\n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1\nerror \n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1\nerror a\x1b[2Jb\n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1\nerror \xc2\x9b\n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1\nerror \xff\n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1\nerror a\nb\n",
		"isokiosk-sync 1\nattempt 1\nsynced 1\ncentral 1\nextra 1\n",
		"isokiosk-sync 1\nattempt  1\nsynced 1\ncentral 1\n",
	};
	struct syncstate s;
	char path[128], *err = NULL;
	FILE *fp;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(parse(bad[i], &s) == -1, "accepted #%zu", i);
		ck_assert_int_eq(s.attempt, 0);
		ck_assert(!s.failed);
	}
	/* a damaged file is said so, with its path */
	snprintf(path, sizeof path, "%s/bad.sync", dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(bad[3], fp);
	fclose(fp);
	ck_assert_int_eq(syncstate_load(path, &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad.sync: damaged"));
	free(err);
	err = NULL;
	/* a symbolic link is not followed */
	unlink(path);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	ck_assert_int_eq(syncstate_load(path, &s, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	free(err);
}
END_TEST

START_TEST(test_error_text)
{
	struct syncstate s = { 0 }, back;
	char buf[512], big[1000];
	size_t n;

	/* escapes, C1 controls, bytes that are not UTF-8: '?' each; a line
	 * break or tab (libpq's "...directory\n\tIs the server running"):
	 * one space between words, none at the end */
	syncstate_set_error(&s, "a\x1b[2Jb\xc2\x9b\xff\n接続できません");
	ck_assert_str_eq(s.error, "a?[2Jb?? 接続できません");
	syncstate_set_error(&s, "failed: No such file\n\tIs the server up?\n");
	ck_assert_str_eq(s.error, "failed: No such file Is the server up?");
	syncstate_set_error(&s, "\n\t");
	ck_assert_str_eq(s.error, "?");
	n = syncstate_format(&s, buf, sizeof buf);
	ck_assert_int_eq(syncstate_parse(buf, n, &back), 0);
	/* cut to the maximum on a character boundary */
	memset(big, 0, sizeof big);
	for (size_t i = 0; i + 3 < sizeof big - 1; i += 3)
		memcpy(big + i, "あ", 3);
	syncstate_set_error(&s, big);
	ck_assert_uint_le(strlen(s.error), SYNCSTATE_ERROR_MAX);
	ck_assert_uint_eq(strlen(s.error) % 3, 0);
	n = syncstate_format(&s, buf, sizeof buf);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(syncstate_parse(buf, n, &back), 0);
	syncstate_set_error(&s, "");
	ck_assert_str_eq(s.error, "?");
}
END_TEST

START_TEST(test_summary)
{
	time_t now = time(NULL);
	struct tm tm;
	struct syncstate s = { 0 };
	char *t;

	/* today, 00:10 UTC (if it is later than that) */
	gmtime_r(&now, &tm);
	tm.tm_hour = 0;
	tm.tm_min = 10;
	tm.tm_sec = 0;
	s.attempt = s.synced = (int64_t)timegm(&tm);
	s.central = 500;
	t = syncstate_summary(&s, 500);
	ck_assert_str_eq(t, "Synced 00:10");
	free(t);
	t = syncstate_summary(&s, 512);
	ck_assert_str_eq(t, "Synced 00:10, 12 behind");
	free(t);
	syncstate_set_error(&s, "cannot connect");
	s.attempt += 300;
	t = syncstate_summary(&s, 512);
	ck_assert_str_eq(t, "Sync failed 00:15, 12 behind");
	free(t);
	/* another day: its date too */
	s.failed = false;
	s.attempt = s.synced = 86400 * 365;
	t = syncstate_summary(&s, 500);
	ck_assert_str_eq(t, "Synced 1971-01-01 00:00");
	free(t);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("syncstate");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_error_text);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	return s;
}
