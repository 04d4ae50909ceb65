/*
 * Unit tests for config (parsing, diagnostics with line:col, writing a key
 * atomically; the printer keys) and pin (hash/verify, the delay schedule, validity).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "layout.h"
#include "pin.h"
#include "receipt.h"
#include "tap.h"
#include "theme.h"
#include "xmalloc.h"

START_TEST(test_defaults_and_values)
{
	struct config c;
	struct diag_list dl;

	config_init(&c);
	diag_list_init(&dl);
	ck_assert_int_eq(c.idle_timeout, 120);
	ck_assert_ptr_null(c.pin_hash);
	ck_assert_int_eq(config_parse(&c, "k.conf",
		"# a comment\n"
		"content = /srv/content\n"
		"  idle_timeout=30\n"
		"idle_warning = 5\n"
		"ambiguous_width = 2\n"
		"ruby = off\n"
		"theme = high-contrast\n"
		"measure = 35\n"
		"kanji_name = yes\n"
		"language = en\n"
		"start_mode = consent\n"
		"kiosk_id = room 1\n", &dl), 0);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_str_eq(c.content_dir, "/srv/content");
	ck_assert_int_eq(c.idle_timeout, 30);
	ck_assert_int_eq(c.idle_warning, 5);
	ck_assert_int_eq(c.ambiguous, 2);
	ck_assert_int_eq(c.ruby, LAYOUT_RUBY_OFF);
	ck_assert_int_eq(c.theme, THEME_HIGH_CONTRAST);
	ck_assert_int_eq(c.measure, 35);
	ck_assert(c.kanji_name);
	ck_assert_str_eq(c.language, "en");
	ck_assert_int_eq(c.start_mode, CONFIG_START_CONSENT);
	ck_assert_str_eq(c.kiosk_id, "room 1");
	diag_list_done(&dl);
	config_done(&c);
}
END_TEST

START_TEST(test_diagnostics)
{
	struct config c;
	struct diag_list dl;
	char *s;

	config_init(&c);
	diag_list_init(&dl);
	ck_assert_int_eq(config_parse(&c, "k.conf",
		"idle_timeout = soon\n"
		"\n"
		"  colour = red\n"
		"theme = pink\n"
		"just words\n"
		"ambiguous_width = auto\n", &dl), -1);
	ck_assert_uint_eq(dl.n, 4);
	s = diag_format(&dl.v[0]);
	ck_assert_str_eq(s, "k.conf:1:16: error: idle_timeout: expected seconds from 5 to 86400, not 'soon'");
	free(s);
	s = diag_format(&dl.v[1]);
	ck_assert_str_eq(s, "k.conf:3:3: error: unknown key 'colour'");
	free(s);
	s = diag_format(&dl.v[2]);
	ck_assert_str_eq(s, "k.conf:4:9: error: theme: expected default, light, dark, high-contrast or mono, not 'pink'");
	free(s);
	s = diag_format(&dl.v[3]);
	ck_assert_str_eq(s, "k.conf:5:1: error: expected 'key = value'");
	free(s);
	/* the defaults stay where a value was bad */
	ck_assert_int_eq(c.idle_timeout, 120);
	ck_assert_int_eq(c.theme, THEME_DEFAULT);
	ck_assert_int_eq(c.measure, 40);
	ck_assert(!c.kanji_name);
	ck_assert_int_eq(c.ambiguous, 0);
	diag_list_done(&dl);
	config_done(&c);
}
END_TEST

/* time_zone: a zone this machine knows, else an error that does not
 * quote the value (it may hold anything). */
START_TEST(test_time_zone)
{
	struct config c;
	struct diag_list dl;
	char *s;

	config_init(&c);
	diag_list_init(&dl);
	ck_assert_ptr_null(c.time_zone);
	ck_assert_int_eq(config_parse(&c, "k.conf", "time_zone = Asia/Tokyo\n",
				      &dl), 0);
	ck_assert_str_eq(c.time_zone, "Asia/Tokyo");
	ck_assert_int_eq(config_parse(&c, "k.conf",
		"time_zone = Asia/Atlantis\ntime_zone = ../../etc/passwd\n",
		&dl), -1);
	ck_assert_uint_eq(dl.n, 2);
	s = diag_format(&dl.v[0]);
	ck_assert_str_eq(s, "k.conf:1:13: error: time_zone: 'Asia/Atlantis' is"
			 " not a time zone this machine knows: expected an"
			 " IANA name such as Asia/Tokyo or UTC"
			 " (/usr/share/zoneinfo, package tzdata)");
	free(s);
	ck_assert_str_eq(c.time_zone, "Asia/Tokyo"); /* kept */
	/* the value is quoted through the output gate */
	diag_list_done(&dl);
	diag_list_init(&dl);
	ck_assert_int_eq(config_parse(&c, "k.conf",
		"time_zone = Asia/\xe2\x80\xaeTokyo\n", &dl), -1);
	ck_assert_uint_eq(dl.n, 1);
	s = diag_format(&dl.v[0]);
	ck_assert_msg(strstr(s, "'Asia/<U+202E>Tokyo' is not") != NULL, "%s", s);
	free(s);
	diag_list_done(&dl);
	config_done(&c);
}
END_TEST

START_TEST(test_write_key)
{
	char path[] = "/tmp/isokiosk-test-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp;
	char buf[256];
	size_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "# mine\ntheme = mono\nstaff_pin_hash = $argon2id$old\n", 51), 51);
	close(fd);
	ck_assert_int_eq(config_write_key(path, "staff_pin_hash", "$argon2id$new"), 0);
	ck_assert_int_eq(config_write_key(path, "idle_timeout", "60"), 0);
	fp = fopen(path, "r");
	n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	ck_assert_str_eq(buf, "# mine\ntheme = mono\nstaff_pin_hash = $argon2id$new\n"
			      "idle_timeout = 60\n");
	unlink(path);
}
END_TEST

START_TEST(test_pin)
{
	char *h;

	ck_assert(pin_valid("123456"));
	ck_assert(!pin_valid("1234"));
	ck_assert(!pin_valid("12345"));
	ck_assert(!pin_valid("12a456"));
	ck_assert(!pin_valid("12345678901234567"));
	h = pin_hash("246813");
	ck_assert_ptr_nonnull(h);
	ck_assert(strncmp(h, "$argon2id$", 10) == 0);
	ck_assert(pin_hash_valid(h));
	ck_assert(pin_verify(h, "246813", 6));
	ck_assert(!pin_verify(h, "246812", 6));
	ck_assert(!pin_verify(NULL, "246813", 6));
	free(h);
	ck_assert(!pin_hash_valid("$argon2id$garbage"));
	ck_assert(!pin_hash_valid("$argon2id$v=19$m=65536,t=2,p=1$"));
	ck_assert(!pin_hash_valid(""));
	ck_assert(!pin_hash_valid(NULL));
	ck_assert_int_eq(pin_delay(0), 0);
	ck_assert_int_eq(pin_delay(1), 1);
	ck_assert_int_eq(pin_delay(2), 2);
	ck_assert_int_eq(pin_delay(3), 4);
	ck_assert_int_eq(pin_delay(9), 256);
	ck_assert_int_eq(pin_delay(10), 300);
	ck_assert_int_eq(pin_delay(1000), 300);
}
END_TEST

START_TEST(test_print_keys)
{
	struct config c;
	struct diag_list dl;
	char *s;

	config_init(&c);
	diag_list_init(&dl);
	ck_assert_ptr_null(c.print_command);
	ck_assert_int_eq(c.print_paper, RECEIPT_A4);
	ck_assert_int_eq(config_parse(&c, "k.conf",
		"print_command = lp -d 'clinic printer' -o media=A4\n"
		"print_paper = receipt\n", &dl), 0);
	ck_assert_str_eq(c.print_command, "lp -d 'clinic printer' -o media=A4");
	ck_assert_int_eq(c.print_paper, RECEIPT_ROLL);
	ck_assert_int_eq(config_parse(&c, "k.conf",
		"print_command = lp | tee /tmp/x\n"
		"print_paper = letter\n"
		"print_command = \n", &dl), -1);
	ck_assert_uint_eq(dl.n, 3);
	s = diag_format(&dl.v[0]);
	ck_assert_str_eq(s, "k.conf:1:17: error: print_command: '|' at byte 4:"
			 " it is run without a shell; quote the character, or"
			 " put a pipeline or redirection in a script and name"
			 " the script");
	free(s);
	s = diag_format(&dl.v[1]);
	ck_assert_str_eq(s, "k.conf:2:15: error: print_paper: expected a4 or"
			 " receipt, not 'letter'");
	free(s);
	s = diag_format(&dl.v[2]);
	ck_assert_str_eq(s, "k.conf:3:17: error: print_command is empty: name"
			 " the program that prints (e.g. lp -d clinic-printer)");
	free(s);
	/* the good values stay */
	ck_assert_str_eq(c.print_command, "lp -d 'clinic printer' -o media=A4");
	ck_assert_int_eq(c.print_paper, RECEIPT_ROLL);
	diag_list_done(&dl);
	config_done(&c);
}
END_TEST

static char *
test_tmpdir(void)
{
	char tmpl[] = "/tmp/isokiosk-test-config-XXXXXX";

	return xstrdup(mkdtemp(tmpl));
}

static void
test_rmdir(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	free(dir);
}

static void
test_write(const char *path, const char *bytes, size_t n)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(bytes, 1, n, fp), n);
	fclose(fp);
}

/* The one diagnostic config_load gave, formatted. */
static char *
test_load_error(const char *path, struct config *c)
{
	struct diag_list dl;
	char *s;

	diag_list_init(&dl);
	ck_assert_int_eq(config_load(c, path, &dl), -1);
	ck_assert_uint_eq(dl.n, 1);
	s = diag_format(&dl.v[0]);
	diag_list_done(&dl);
	return s;
}

/* Fail closed: what cannot be read as a configuration stops the kiosk,
 * and never reaches a terminal raw. */
START_TEST(test_fail_closed)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/k.conf", dir), *s;
	struct config c;

	config_init(&c);
	/* a directory: once read as an empty file, so demo mode */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "k.conf: error: cannot read: is a"
				     " directory, not a configuration file"));
	free(s);
	rmdir(path);
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "cannot read: No such file"));
	free(s);
	/* not text */
	test_write(path, "theme = mono\nab\0cd\n", 19);
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "k.conf:2:3: error: a NUL byte"));
	free(s);
	test_write(path, "kiosk_id = a\xff\n", strlen("kiosk_id = a\xff\n"));
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "k.conf:1:13: error: invalid UTF-8 byte"
				     " 0xff"));
	free(s);
	test_write(path, "theme = \x1b[8mmono\n", strlen("theme = \x1b[8mmono\n"));
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "k.conf:1:9: error: control character"
				     " U+001B is not allowed"));
	free(s);
	/* a value or key quoted in a message goes through the output gate */
	test_write(path, "theme = p\xe2\x80\xaeink\n", strlen("theme = p\xe2\x80\xaeink\n"));
	s = test_load_error(path, &c);
	ck_assert_msg(strstr(s, "not 'p<U+202E>ink'") != NULL, "%s", s);
	free(s);
	test_write(path, "co\xe2\x80\x8blour = red\n", strlen("co\xe2\x80\x8blour = red\n"));
	s = test_load_error(path, &c);
	ck_assert_msg(strstr(s, "unknown key 'co<U+200B>lour'") != NULL, "%s", s);
	free(s);
	/* a PIN hash libsodium cannot use */
	test_write(path, "staff_pin_hash = $argon2id$garbage\n", strlen("staff_pin_hash = $argon2id$garbage\n"));
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "staff_pin_hash: not a usable hash"));
	free(s);
	ck_assert_ptr_null(c.pin_hash);
	/* the kiosk id is recorded: the input gate */
	test_write(path, "kiosk_id = \xe2\x80\x8b\n", strlen("kiosk_id = \xe2\x80\x8b\n"));
	s = test_load_error(path, &c);
	ck_assert_ptr_nonnull(strstr(s, "kiosk_id: "));
	free(s);
	{
		struct diag_list dl;

		diag_list_init(&dl);
		test_write(path, "kiosk_id =  room\xe3\x80\x80\xe3\x80\x80 2\n", strlen("kiosk_id =  room\xe3\x80\x80\xe3\x80\x80 2\n"));
		ck_assert_int_eq(config_load(&c, path, &dl), 0);
		ck_assert_str_eq(c.kiosk_id, "room\xe3\x80\x80" "2");
		diag_list_done(&dl);
	}
	config_done(&c);
	free(path);
	test_rmdir(dir);
}
END_TEST

/* set-pin as root keeps the file the kiosk reads as it was: owner, group,
 * mode; a new file is 0600. */
START_TEST(test_write_key_keeps_owner)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/k.conf", dir);
	struct stat st;

	ck_assert_int_eq(config_write_key(path, "theme", "mono"), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(chmod(path, 0640), 0);
	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, 4321, 4322), 0);
	ck_assert_int_eq(config_write_key(path, "staff_pin_hash", "$argon2id$x"),
			 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	if (geteuid() == 0) {
		ck_assert_int_eq(st.st_uid, 4321);
		ck_assert_int_eq(st.st_gid, 4322);
	}
	/* a symbolic link is refused, its target untouched */
	{
		char *link = xasprintf("%s/link.conf", dir);

		ck_assert_int_eq(symlink(path, link), 0);
		ck_assert_int_eq(config_write_key(link, "theme", "default"), -1);
		ck_assert_int_eq(errno, ELOOP);
		free(link);
	}
	free(path);
	test_rmdir(dir);
}
END_TEST

/* The state file's text: exactly what pin_state_format writes, nothing
 * near it (a sign, a space, a number out of range, a line more, a file
 * longer than any state). */
START_TEST(test_pin_state_parse)
{
	static const char *const bad[] = {
		"",
		"isokiosk-pin-state 2\nfails 1\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nfails 1\nwait_until 5\nlocked 0",
		"isokiosk-pin-state 1\nfails -1\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nfails +1\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nfails  1\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nfails 01\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nfails 1000001\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nfails 1\nwait_until 9223372036854775808\nlocked 0\n",
		"isokiosk-pin-state 1\nfails 1\nwait_until 5\nlocked 2\n",
		"isokiosk-pin-state 1\nfails 1\nwait_until 5\nlocked 0\nlocked 0\n",
		"isokiosk-pin-state 1\r\nfails 1\nwait_until 5\nlocked 0\n",
		"isokiosk-pin-state 1\nwait_until 5\nfails 1\nlocked 0\n",
	};
	struct pin_state ps = { 7, 1795244403000, false }, back;
	char buf[160], *dir = test_tmpdir(), *path = xasprintf("%s/pin-state", dir);
	char *err = NULL;
	const char *s;
	char big[300];
	size_t n;

	n = pin_state_format(&ps, buf, sizeof buf);
	ck_assert_str_eq(buf, "isokiosk-pin-state 1\nfails 7\n"
			 "wait_until 1795244403000\nlocked 0\n");
	ck_assert_int_eq(pin_state_parse(buf, n, &back), 0);
	ck_assert_int_eq(back.fails, 7);
	ck_assert(back.wait_until == 1795244403000);
	ck_assert(!back.locked);
	/* ten in a row is locked, whatever the flag says */
	s = "isokiosk-pin-state 1\nfails 10\nwait_until 0\nlocked 0\n";
	ck_assert_int_eq(pin_state_parse(s, strlen(s), &back), 0);
	ck_assert(back.locked);
	s = "isokiosk-pin-state 1\nfails 0\nwait_until 9223372036854775807\n"
	    "locked 1\n";
	ck_assert_int_eq(pin_state_parse(s, strlen(s), &back), 0);
	ck_assert(back.locked);
	ck_assert(back.wait_until == INT64_MAX);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_msg(pin_state_parse(bad[i], strlen(bad[i]), &back) == -1,
			      "accepted: %s", bad[i]);
	/* a state followed by a NUL and more is not a state */
	memcpy(big, buf, n + 1);
	ck_assert_int_eq(pin_state_parse(big, n + 1, &back), -1);
	/* a file longer than any state: damaged, even when it starts with
	 * one */
	memset(big, 'x', sizeof big);
	memcpy(big, buf, n);
	test_write(path, big, sizeof big);
	ck_assert_int_eq(pin_state_load(path, &back, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "damaged"));
	free(err);
	free(path);
	test_rmdir(dir);
}
END_TEST

/* The PIN state file: a missing file is no wrong PIN; written atomically;
 * a damaged one is an error; the count is saved before a PIN is
 * checked. */
START_TEST(test_pin_state)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/pin-state", dir);
	struct pin_state ps;
	char *err = NULL, *p;
	struct stat st;

	ck_assert_int_eq(pin_state_load(path, &ps, &err), 0);
	ck_assert_int_eq(ps.fails, 0);
	ck_assert(!ps.locked);
	ck_assert_int_eq(pin_attempt(path, &ps, 1000000, &err), 0);
	ck_assert_int_eq(ps.fails, 1);
	ck_assert_int_eq(ps.wait_until, 1001000);
	ck_assert_int_eq(pin_wait_left(&ps, 1000500), 500);
	ck_assert_int_eq(pin_wait_left(&ps, 1001000), 0);
	/* checking the PIN took 0.5 s: the wait counts from the verdict */
	ck_assert_int_eq(pin_attempt_wrong(path, &ps, 1000500, &err), 0);
	ck_assert_int_eq(ps.wait_until, 1001500);
	ck_assert_int_eq(ps.fails, 1);
	/* a clock set back waits no longer than the delay */
	ck_assert_int_eq(pin_wait_left(&ps, 5), 1000);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	memset(&ps, 0, sizeof ps);
	ck_assert_int_eq(pin_state_load(path, &ps, &err), 0);
	ck_assert_int_eq(ps.fails, 1);
	for (int i = 2; i <= PIN_LOCK_AFTER; i++)
		ck_assert_int_eq(pin_attempt(path, &ps, 2000000, &err), 0);
	ck_assert(ps.locked);
	ck_assert_int_eq(pin_state_load(path, &ps, &err), 0);
	ck_assert(ps.locked);
	ck_assert_int_eq(ps.fails, PIN_LOCK_AFTER);
	ck_assert_int_eq(pin_attempt_ok(path, &ps, &err), 0);
	ck_assert_int_eq(ps.fails, 0);
	/* damaged */
	test_write(path, "isokiosk-pin-state 1\nfails x\n", strlen("isokiosk-pin-state 1\nfails x\n"));
	ck_assert_int_eq(pin_state_load(path, &ps, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "pin-state: damaged"));
	free(err);
	err = NULL;
	/* cannot be saved: nothing counted */
	ps.fails = 3;
	p = xasprintf("%s/gone/pin-state", dir);
	ck_assert_int_eq(pin_attempt(p, &ps, 0, &err), -1);
	ck_assert_int_eq(ps.fails, 3);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	free(err);
	free(p);
	/* where it lives */
	p = pin_state_path(NULL, "/var/lib/isokiosk/records.db");
	ck_assert_str_eq(p, "/var/lib/isokiosk/pin-state");
	free(p);
	p = pin_state_path("/run/x", "/var/lib/isokiosk/records.db");
	ck_assert_str_eq(p, "/run/x");
	free(p);
	free(path);
	test_rmdir(dir);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_defaults_and_values);
	tcase_add_test(tc, test_diagnostics);
	tcase_add_test(tc, test_write_key);
	tcase_add_test(tc, test_time_zone);
	tcase_add_test(tc, test_pin);
	tcase_add_test(tc, test_print_keys);
	tcase_add_test(tc, test_fail_closed);
	tcase_add_test(tc, test_write_key_keeps_owner);
	tcase_add_test(tc, test_pin_state);
	tcase_add_test(tc, test_pin_state_parse);
	suite_add_tcase(s, tc);
	return s;
}
