/*
 * Unit tests for config (parsing, diagnostics with line:col, writing a key
 * atomically; the printer keys) and pin (hash/verify, the delay schedule, validity).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	ck_assert_str_eq(s, "k.conf:1:13: error: time_zone: not a time zone this"
			 " machine knows: expected an IANA name such as"
			 " Asia/Tokyo or UTC (/usr/share/zoneinfo, package"
			 " tzdata)");
	free(s);
	ck_assert_str_eq(c.time_zone, "Asia/Tokyo"); /* kept */
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

	ck_assert(pin_valid("1234"));
	ck_assert(!pin_valid("123"));
	ck_assert(!pin_valid("12a4"));
	ck_assert(!pin_valid("12345678901234567"));
	h = pin_hash("2468");
	ck_assert_ptr_nonnull(h);
	ck_assert(strncmp(h, "$argon2id$", 10) == 0);
	ck_assert(pin_verify(h, "2468", 4));
	ck_assert(!pin_verify(h, "2469", 4));
	ck_assert(!pin_verify(NULL, "2468", 4));
	free(h);
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
	suite_add_tcase(s, tc);
	return s;
}
