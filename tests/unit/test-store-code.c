/*
 * Unit tests for what a receipt needs of the store: finding a session by
 * what staff type or scan (store_code_digits, store_find_code,
 * store_find_session: the forms a receipt code is typed in, codes that are
 * not codes, a code that starts two seals, digits that are both an id and a
 * code, the QR form), and checking one session before it is printed
 * (store_session_check: each kind of change, including a forger who seals
 * the changed record again), and the frozen content it shows
 * (store_content_copy).
 */
#include <sqlite3.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"
#include "xmalloc.h"

#define VERSION "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *test_dir;
static char *test_db;

static void
setup(void)
{
	char tmpl[] = "/tmp/test-store-code-XXXXXX";

	test_dir = xstrdup(mkdtemp(tmpl));
	test_db = xasprintf("%s/records.db", test_dir);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", test_dir);

	if (system(cmd) != 0)
		perror("rm");
	free(cmd);
	free(test_db);
	free(test_dir);
}

static struct store *
test_open(void)
{
	char *err = NULL;
	struct store *st = store_open(test_db, NULL, &err);

	ck_assert_msg(st != NULL, "store_open: %s", err ? err : "?");
	return st;
}

/* A sealed session (abandoned: no signature needed); returns its id. */
static int64_t
test_session(struct store *st)
{
	struct store_start s = { .kiosk_id = "k", .staff_id = "nurse",
		.patient_ref = "P-1", .profile = "no-pregnancy", .lang = "ja",
		.content_version = VERSION };
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_ABANDONED, NULL, &err),
			 0);
	return id;
}

static char *
test_seal(struct store *st, int64_t id)
{
	struct store_session s;
	char *err = NULL, *seal;

	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	seal = xstrdup(s.seal_hash);
	store_session_done(&s);
	return seal;
}

/* Give session id the seal `seal`, as an edit behind the triggers would. */
static void
test_set_seal(int64_t id, const char *seal)
{
	sqlite3 *db;
	char *sql = sqlite3_mprintf("DROP TRIGGER IF EXISTS sessions_sealed;"
				    "UPDATE sessions SET seal_hash = %Q WHERE"
				    " id = %lld", seal, (long long)id);

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	sqlite3_free(sql);
}

static int
test_digits(const char *code, char out[65])
{
	char *err = NULL;
	int n = store_code_digits(code, out, &err);

	ck_assert_msg((n < 0) == (err != NULL), "%s: %d, %s", code, n,
		      err ? err : "-");
	free(err);
	return n;
}

START_TEST(test_code_forms)
{
	char d[65];

	ck_assert_int_eq(test_digits("1a2b-3c4d", d), 8);
	ck_assert_str_eq(d, "1a2b3c4d");
	ck_assert_int_eq(test_digits("  1A2B 3C4D\t", d), 8);
	ck_assert_str_eq(d, "1a2b3c4d");
	/* full-width, as a Japanese input method types them */
	ck_assert_int_eq(test_digits("１ａ２ｂ－３Ｃ４Ｄ", d), 8);
	ck_assert_str_eq(d, "1a2b3c4d");
	ck_assert_int_eq(test_digits("1a2bー3c4d", d), 8);
	ck_assert_int_eq(test_digits("1a2b\xe3\x80\x80" "3c4d", d), 8);
	ck_assert_int_eq(test_digits("1a2b\xe2\x80\x93" "3c4d", d), 8);
	ck_assert_int_eq(test_digits("1a2b-3c4d-5e6f", d), 12);
	ck_assert_str_eq(d, "1a2b3c4d5e6f");
	ck_assert_int_eq(test_digits(VERSION, d), 64);
	ck_assert_str_eq(d, VERSION);
}
END_TEST

START_TEST(test_code_refused)
{
	char d[65], *err = NULL;

	ck_assert_int_eq(store_code_digits("1a2b-3c4", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: 7 digits; a receipt code"
			 " has 8 (as 1a2b-3c4d)");
	ck_assert_int_eq(store_code_digits("", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: 0 digits; a receipt code"
			 " has 8 (as 1a2b-3c4d)");
	ck_assert_int_eq(store_code_digits("1a2g-3c4d", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: character 4 ('g') is not"
			 " a digit 0-9 or a letter a-f");
	ck_assert_int_eq(store_code_digits("1a2b\x1b[31m3c4d", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: character 5 (U+001B) is"
			 " not a digit 0-9 or a letter a-f");
	ck_assert_int_eq(store_code_digits("受付1a2b3c4d", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: character 1 (U+53D7) is"
			 " not a digit 0-9 or a letter a-f");
	ck_assert_int_eq(store_code_digits("1a2b\xff" "3c4d", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: character 5 is not valid"
			 " UTF-8");
	ck_assert_int_eq(store_code_digits(VERSION "0", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: more than 64 digits (a"
			 " seal has 64)");
	/* a literal U+FFFD is a character, not bad UTF-8 */
	ck_assert_int_eq(store_code_digits("1a2b\xef\xbf\xbd", d, &err), -1);
	ck_assert_str_eq(err, "not a receipt code: character 5 (U+FFFD) is"
			 " not a digit 0-9 or a letter a-f");
	free(err);
}
END_TEST

START_TEST(test_find_code)
{
	struct store *st = test_open();
	int64_t a = test_session(st), b = test_session(st), id = 0;
	char *sa = test_seal(st, a), *sb = test_seal(st, b), *err = NULL;
	char code[16], upper[80];

	snprintf(code, sizeof code, "%.4s-%.4s", sa, sa + 4);
	ck_assert_int_eq(store_find_code(st, code, &id, &err), 0);
	ck_assert_int_eq(id, a);
	ck_assert_ptr_null(err);
	snprintf(upper, sizeof upper, "%.12s", sb);
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	ck_assert_int_eq(store_find_code(st, upper, &id, &err), 0);
	ck_assert_int_eq(id, b);
	ck_assert_int_eq(store_find_code(st, sb, &id, &err), 0);
	ck_assert_int_eq(id, b);

	/* not found: 1, and a message */
	ck_assert_int_eq(store_find_code(st, sa[0] == '0' ? "1111-1111"
					 : "0000-0000", &id, &err), 1);
	ck_assert_msg(strstr(err, "no sealed session has receipt code") != NULL,
		      "%s", err);
	ck_assert_int_eq(store_find_code(st, "1a2b", &id, &err), -1);
	ck_assert_msg(strstr(err, "4 digits") != NULL, "%s", err);
	/* an open session has no code yet, but is found by its id */
	{
		struct store_start s = { .kiosk_id = "k", .staff_id = "n",
			.patient_ref = "P", .profile = "no-pregnancy",
			.lang = "ja", .content_version = VERSION };
		int64_t open;

		ck_assert_int_eq(store_session_begin(st, &s, &open, &err), 0);
		ck_assert_int_eq(store_find_session(st, "3", &id, &err), 0);
		ck_assert_int_eq(id, open);
	}
	free(err);
	free(sa);
	free(sb);
	store_close(st);
}
END_TEST

START_TEST(test_find_ambiguous)
{
	struct store *st = test_open();
	int64_t a = test_session(st), b = test_session(st), c, id = 0;
	char *err = NULL;

	c = test_session(st);
	store_close(st);
	/* Three seals with the same first 8 digits, two with the same 12. */
	test_set_seal(a, "1a2b3c4d0000" "0000000000000000000000000000000000000"
		      "000000000000000");
	test_set_seal(b, "1a2b3c4d5e6f" "0000000000000000000000000000000000000"
		      "000000000000000");
	test_set_seal(c, "1a2b3c4d5e6f" "1000000000000000000000000000000000000"
		      "000000000000000");
	st = test_open();
	ck_assert_int_eq(store_find_code(st, "1a2b-3c4d", &id, &err), -1);
	ck_assert_str_eq(err, "receipt code 1a2b-3c4d is ambiguous: it names"
			 " sessions 1, 2 and 3; give more digits of the seal,"
			 " or the session id");
	ck_assert_int_eq(store_find_code(st, "1a2b-3c4d-5e6f", &id, &err), -1);
	ck_assert_str_eq(err, "receipt code 1a2b-3c4d-5e6f is ambiguous: it"
			 " names sessions 2 and 3; give more digits of the"
			 " seal, or the session id");
	ck_assert_int_eq(store_find_code(st, "1a2b-3c4d-0", &id, &err), 0);
	ck_assert_int_eq(id, a);
	ck_assert_int_eq(store_find_code(st, "1a2b3c4d5e6f1", &id, &err), 0);
	ck_assert_int_eq(id, c);
	free(err);
	store_close(st);
}
END_TEST

START_TEST(test_find_session)
{
	struct store *st = test_open();
	int64_t a = test_session(st), b = test_session(st), id = 0;
	char *sb = test_seal(st, b), *err = NULL, *qr, code[16];

	ck_assert_int_eq(store_find_session(st, "1", &id, &err), 0);
	ck_assert_int_eq(id, a);
	ck_assert_int_eq(store_find_session(st, "2", &id, &err), 0);
	ck_assert_int_eq(id, b);
	ck_assert_int_eq(store_find_session(st, "3", &id, &err), 1);
	ck_assert_str_eq(err, "no session 3");
	snprintf(code, sizeof code, "%.4s-%.4s", sb, sb + 4);
	ck_assert_int_eq(store_find_session(st, code, &id, &err), 0);
	ck_assert_int_eq(id, b);

	/* the QR code of the printed copy */
	qr = xasprintf("isokiosk:%s:%s", code, sb);
	ck_assert_int_eq(store_find_session(st, qr, &id, &err), 0);
	ck_assert_int_eq(id, b);
	free(qr);
	qr = xasprintf("isokiosk:0000-0000:%s", sb);
	ck_assert_int_eq(store_find_session(st, qr, &id, &err), -1);
	ck_assert_str_eq(err, "not a receipt QR code: the code is not the start"
			 " of the seal");
	free(qr);
	qr = xasprintf("isokiosk:%s:%.63s", code, sb);
	ck_assert_int_eq(store_find_session(st, qr, &id, &err), -1);
	ck_assert_str_eq(err, "not a receipt QR code: the seal after the code"
			 " must have 64 digits");
	free(qr);
	ck_assert_int_eq(store_find_session(st, "isokiosk:", &id, &err), -1);
	ck_assert_str_eq(err, "not a receipt QR code: expected"
			 " isokiosk:CODE:SEAL");
	free(sb);
	store_close(st);

	/* digits that are an id and the start of a seal */
	test_set_seal(b, "0000000100000000000000000000000000000000000000000"
		      "000000000000000");
	st = test_open();
	ck_assert_int_eq(store_find_session(st, "00000001", &id, &err), -1);
	ck_assert_str_eq(err, "00000001 is ambiguous: session 1, and the receipt"
			 " code 0000-0001 of session 2; write a receipt code"
			 " with its hyphen (0000-0001)");
	ck_assert_int_eq(store_find_session(st, "0000-0001", &id, &err), 0);
	ck_assert_int_eq(id, b);
	/* digits that are no id but a code */
	ck_assert_int_eq(store_find_session(st, "000000010", &id, &err), 0);
	ck_assert_int_eq(id, b);
	ck_assert_int_eq(store_find_session(st, "12345678", &id, &err), 1);
	ck_assert_str_eq(err, "no session 12345678 and no sealed session with"
			 " that receipt code");
	ck_assert_int_eq(store_find_session(st, "", &id, &err), -1);
	free(err);
	store_close(st);
}
END_TEST

/* Run SQL with the triggers that would refuse it dropped. */
static void
test_tamper(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	sqlite3_exec(db, "DROP TRIGGER IF EXISTS sessions_sealed;"
		     "DROP TRIGGER IF EXISTS texts_no_update;"
		     "DROP TRIGGER IF EXISTS texts_no_delete;"
		     "DROP TRIGGER IF EXISTS verifications_no_update;",
		     NULL, NULL, NULL);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
		      "%s", msg);
	sqlite3_close(db);
}

/* A completed session with two statements and a staff verification. */
static int64_t
test_full_session(struct store *st, const char *ref)
{
	struct store_start s = { .kiosk_id = "k", .staff_id = "nurse",
		.patient_ref = ref, .profile = "pregnancy", .lang = "ja",
		.content_version = VERSION };
	struct store_answer a = { "q-preg", 1, 0, "毎月", "0,1", true };
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
	ck_assert_int_eq(store_ack(st, id, "ack-a", "一つ目です。", &err), 0);
	ck_assert_int_eq(store_ack(st, id, "ack-b", "二つ目です。\n二行目", &err),
			 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "山田花子",
				    "本人による確認", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err),
			 0);
	ck_assert_int_eq(store_staff_verify(st, id, "nurse-b", &err), 0);
	ck_assert_ptr_null(err);
	return id;
}

/* store_session_check of session id, on a fresh connection: its result,
 * and its message in *why (caller frees). */
static int
test_check(int64_t id, char **why)
{
	struct store_opts o = { .flags = STORE_READONLY };
	struct store *st = store_open(test_db, &o, why);
	struct store_session s;
	int rc;

	ck_assert_ptr_nonnull(st);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, why), 0);
	rc = store_session_check(st, &s, why);
	store_session_done(&s);
	store_close(st);
	return rc;
}

static void
test_check_fails(int64_t id, const char *want)
{
	char *why = NULL;

	ck_assert_int_eq(test_check(id, &why), 1);
	ck_assert_str_eq(why, want);
	free(why);
}

START_TEST(test_check_clean)
{
	struct store *st = test_open();
	int64_t a = test_full_session(st, "P-1"), b = test_full_session(st, "P-2");
	struct store_start s = { .kiosk_id = "k", .staff_id = "n",
		.patient_ref = "P-3", .profile = "no-pregnancy", .lang = "ja",
		.content_version = VERSION };
	char *why = NULL;
	int64_t open;

	ck_assert_int_eq(store_session_begin(st, &s, &open, &why), 0);
	store_close(st);
	ck_assert_int_eq(test_check(a, &why), 0);
	ck_assert_int_eq(test_check(b, &why), 0);
	ck_assert_ptr_null(why);
	test_check_fails(open, "session 3 is open: not sealed yet");
}
END_TEST

START_TEST(test_check_changed_row)
{
	struct store *st = test_open();
	int64_t a = test_full_session(st, "P-1");

	test_full_session(st, "P-2");
	store_close(st);
	test_tamper("UPDATE sessions SET patient_ref = 'P-9' WHERE id = 1");
	test_check_fails(a, "session 1 does not match its seal: its record was"
			 " changed after it was sealed");
}
END_TEST

START_TEST(test_check_changed_text)
{
	struct store *st = test_open();
	int64_t a = test_full_session(st, "P-1");

	store_close(st);
	test_tamper("UPDATE texts SET text = '一つ目ではありません。'"
		    " WHERE text = '一つ目です。'");
	test_check_fails(a, "session 1 does not match its seal: the stored text"
			 " of statement 1 is not the one acknowledged");
	test_tamper("DELETE FROM texts WHERE text LIKE '二つ目%'");
	test_check_fails(a, "session 1 does not match its seal: the stored text"
			 " of statement 1 is not the one acknowledged");
	test_tamper("UPDATE texts SET text = '一つ目です。'"
		    " WHERE text = '一つ目ではありません。'");
	test_check_fails(a, "session 1 does not match its seal: the stored text"
			 " of statement 2 is missing");
}
END_TEST

START_TEST(test_check_changed_verification)
{
	struct store *st = test_open();
	int64_t a = test_full_session(st, "P-1");

	store_close(st);
	test_tamper("UPDATE verifications SET staff_id = 'someone'");
	test_check_fails(a, "session 1 does not match its seal: its staff"
			 " verification (link #2) does not match");
}
END_TEST

/* A forger changes a sealed record and seals it again: its own seal then
 * holds, but the chain after it no longer follows it. */
START_TEST(test_check_resealed)
{
	struct store *st = test_open();
	int64_t a = test_full_session(st, "P-1"), b = test_session(st);
	struct store_session s;
	unsigned char buf[72], digest[32], h[32];
	char seal[65], *canon, *sql, *err = NULL;
	size_t len;

	test_session(st);
	store_close(st);
	test_tamper("UPDATE sessions SET patient_ref = 'P-9' WHERE id = 2");
	st = test_open();
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, b, &s, &err), 0);
	canon = store_canonical(&s, &len);
	crypto_hash_sha256(digest, (unsigned char *)canon, len);
	free(canon);
	ck_assert_int_eq(sodium_hex2bin(buf, 32, s.seal_prev, 64, NULL, NULL,
					NULL), 0);
	memcpy(buf + 32, digest, 32);
	for (int i = 0; i < 8; i++)
		buf[64 + i] = (unsigned char)((uint64_t)s.seal_seq >> (56 - 8 * i));
	crypto_hash_sha256(h, buf, sizeof buf);
	sodium_bin2hex(seal, sizeof seal, h, sizeof h);
	store_session_done(&s);
	store_close(st);
	sql = xasprintf("UPDATE sessions SET seal_hash = '%s' WHERE id = 2",
			seal);
	test_tamper(sql);
	free(sql);
	/* its seal holds again; the next session's link no longer follows
	 * it */
	test_check_fails(b, "session 2 does not match its seal: link #4 after"
			 " it does not follow it");
	/* and session 1 is still whole */
	ck_assert_int_eq(test_check(a, &err), 0);
}
END_TEST

START_TEST(test_check_removed_before)
{
	struct store *st = test_open();
	int64_t b;

	test_full_session(st, "P-1");
	b = test_full_session(st, "P-2");
	store_close(st);
	test_tamper("DROP TRIGGER IF EXISTS verifications_no_delete;"
		    "DELETE FROM verifications WHERE seal_seq = 2");
	test_check_fails(b, "session 2 does not match its seal: link #2 before"
			 " it is missing");
}
END_TEST

START_TEST(test_content_copy)
{
	struct store *st = test_open();
	struct store_content_file *f;
	char *err = NULL;
	size_t n;

	ck_assert_int_eq(store_content_file(st, VERSION, "ja/b.md", "びー\n", 7,
					    &err), 0);
	ck_assert_int_eq(store_content_file(st, VERSION, "ja/a.md", "a", 1,
					    &err), 0);
	ck_assert_int_eq(store_content_copy(st, VERSION, &f, &n, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(f[0].name, "ja/a.md");
	ck_assert_str_eq(f[0].bytes, "a");
	ck_assert(f[0].intact);
	ck_assert_str_eq(f[1].name, "ja/b.md");
	ck_assert_uint_eq(f[1].len, 7);
	ck_assert(f[1].intact);
	store_content_copy_free(f, n);
	/* a version never frozen: no files */
	ck_assert_int_eq(store_content_copy(st, "ff", &f, &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	store_content_copy_free(f, n);
	store_close(st);

	test_tamper("UPDATE texts SET text = 'b' WHERE text = 'a'");
	st = test_open();
	ck_assert_int_eq(store_content_copy(st, VERSION, &f, &n, &err), 0);
	ck_assert(!f[0].intact);
	ck_assert(f[1].intact);
	store_content_copy_free(f, n);
	store_close(st);
	test_tamper("DELETE FROM texts WHERE text = 'b'");
	st = test_open();
	ck_assert_int_eq(store_content_copy(st, VERSION, &f, &n, &err), 0);
	ck_assert_ptr_null(f[0].bytes);
	ck_assert(!f[0].intact);
	store_content_copy_free(f, n);
	store_close(st);
	ck_assert_ptr_null(err);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("store-code");
	TCase *tc = tcase_create("store-code");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_code_forms);
	tcase_add_test(tc, test_code_refused);
	tcase_add_test(tc, test_find_code);
	tcase_add_test(tc, test_find_ambiguous);
	tcase_add_test(tc, test_find_session);
	tcase_add_test(tc, test_check_clean);
	tcase_add_test(tc, test_check_changed_row);
	tcase_add_test(tc, test_check_changed_text);
	tcase_add_test(tc, test_check_changed_verification);
	tcase_add_test(tc, test_check_resealed);
	tcase_add_test(tc, test_check_removed_before);
	tcase_add_test(tc, test_content_copy);
	suite_add_tcase(s, tc);
	return s;
}
