/*
 * Unit tests for identity: the key file made, read again, and refused when
 * it is not safe (mode, symbolic link, damaged); link signatures; checkpoint
 * lines written, parsed back strictly and verified; a chain's signatures and
 * checkpoints checked against a store (edited behind its back).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "identity.h"
#include "store.h"
#include "tap.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/test-identity-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static char *
path(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
	return buf[i];
}

START_TEST(test_key_file)
{
	struct identity a, b;
	char *err = NULL;
	struct stat sb;
	char *k = path("sub/kiosk.key");

	/* no file, not asked to make one: an error naming it */
	ck_assert_int_eq(identity_load(k, false, &a, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, k));
	free(err);
	/* made (folder too), mode 0600; read back the same */
	ck_assert_int_eq(identity_load(k, true, &a, &err), 1);
	ck_assert_int_eq(stat(k, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(identity_load(k, true, &b, &err), 0);
	ck_assert_mem_eq(a.pk, b.pk, 32);
	ck_assert_mem_eq(a.sk, b.sk, 64);
	ck_assert_str_eq(a.pk_hex, b.pk_hex);
	ck_assert_int_eq(strlen(a.pk_hex), 64);
	identity_done(&b);

	/* group or others may read it: refused, not repaired */
	ck_assert_int_eq(chmod(k, 0640), 0);
	ck_assert_int_eq(identity_load(k, true, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "0640"));
	free(err);
	ck_assert_int_eq(stat(k, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	ck_assert_int_eq(chmod(k, 0600), 0);

	/* a symbolic link to it: refused */
	ck_assert_int_eq(symlink(k, path("link.key")), 0);
	ck_assert_int_eq(identity_load(path("link.key"), true, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	free(err);

	/* damaged: refused, never replaced by a new key */
	{
		int fd = open(path("bad.key"), O_WRONLY | O_CREAT, 0600);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "isokiosk-key 1\nzz\n", 18), 18);
		close(fd);
	}
	ck_assert_int_eq(identity_load(path("bad.key"), true, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not an isokiosk key file"));
	free(err);
	/* a directory */
	ck_assert_int_eq(identity_load(dir, true, &b, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	free(err);
	identity_done(&a);
}
END_TEST

START_TEST(test_sign_link)
{
	struct identity a, b;
	char *err = NULL, sig[IDENTITY_SIG_HEX], fp[IDENTITY_FP];
	const char *seal = "00112233445566778899aabbccddeeff"
			   "00112233445566778899aabbccddeeff";
	const char *other = "10112233445566778899aabbccddeeff"
			    "00112233445566778899aabbccddeeff";

	ck_assert_int_eq(identity_load(path("a.key"), true, &a, &err), 1);
	ck_assert_int_eq(identity_load(path("b.key"), true, &b, &err), 1);
	identity_sign_link(&a, 7, seal, sig);
	ck_assert_int_eq(strlen(sig), 128);
	ck_assert(identity_verify_link(a.pk, 7, seal, sig));
	ck_assert(!identity_verify_link(b.pk, 7, seal, sig));   /* other key */
	ck_assert(!identity_verify_link(a.pk, 8, seal, sig));   /* moved */
	ck_assert(!identity_verify_link(a.pk, 7, other, sig));  /* changed */
	ck_assert(!identity_verify_link(a.pk, 7, seal, "00"));  /* damaged */
	sig[0] = sig[0] == 'a' ? 'b' : 'a';
	ck_assert(!identity_verify_link(a.pk, 7, seal, sig));
	identity_fingerprint(a.pk, fp);
	ck_assert_int_eq(strlen(fp), 46);
	ck_assert(strncmp(fp, "SHA256:", 7) == 0);
	identity_done(&a);
	identity_done(&b);
}
END_TEST

START_TEST(test_checkpoint_line)
{
	struct identity a;
	struct identity_checkpoint cp;
	char *err = NULL, *line;
	const char *head = "00112233445566778899aabbccddeeff"
			   "00112233445566778899aabbccddeeff";

	ck_assert_int_eq(identity_load(path("a.key"), true, &a, &err), 1);
	line = identity_checkpoint_line(&a, "待合室 1", 42, head,
					"2026-11-21T07:05:03.123Z");
	ck_assert(strncmp(line, "isokiosk-checkpoint 1 %E5%BE%85", 31) == 0);
	ck_assert_int_eq(identity_checkpoint_parse(line, strlen(line), &cp,
						   &err), 0);
	ck_assert_str_eq(cp.kiosk, "待合室 1");
	ck_assert_int_eq(cp.seq, 42);
	ck_assert_str_eq(cp.head, head);
	ck_assert_str_eq(cp.at, "2026-11-21T07:05:03.123Z");
	ck_assert_mem_eq(cp.pk, a.pk, 32);
	ck_assert(identity_checkpoint_verify(&cp));
	identity_checkpoint_done(&cp);

	/* any changed character: refused by the parser or the signature */
	for (size_t i = 0; line[i] != '\0'; i++) {
		char keep = line[i];

		line[i] = keep == '1' ? '2' : '1';
		if (identity_checkpoint_parse(line, strlen(line), &cp,
					      &err) == 0) {
			ck_assert_msg(!identity_checkpoint_verify(&cp),
				      "changed at %zu and still verifies", i);
			identity_checkpoint_done(&cp);
		} else {
			free(err);
		}
		line[i] = keep;
	}
	free(line);

	/* an empty chain */
	line = identity_checkpoint_line(&a, "k", 0, NULL,
					"2026-11-21T07:05:03.123Z");
	ck_assert_int_eq(identity_checkpoint_parse(line, strlen(line), &cp,
						   &err), 0);
	ck_assert_int_eq(cp.seq, 0);
	ck_assert(identity_checkpoint_verify(&cp));
	identity_checkpoint_done(&cp);
	free(line);
	identity_done(&a);
}
END_TEST

START_TEST(test_checkpoint_bad)
{
	static const char *const good_tail =
		" 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		" 2026-11-21T07:05:03.123Z"
		" 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		" 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const struct { const char *line, *col; } bad[] = {
		{ "", "column 1:" },
		{ "isokiosk-checkpoint 2 k 1", "column 1:" },
		{ "isokiosk-checkpoint 1 k 1", "fewer than six" },
		{ "isokiosk-checkpoint 1 k%2 1", "column 24:" },
		{ "isokiosk-checkpoint 1 k%41 1", "column 24:" },
		{ "isokiosk-checkpoint 1 k%e5 1", "column 24:" },
		{ "isokiosk-checkpoint 1 k/x 1", "column 24:" },
		{ "isokiosk-checkpoint 1 k 01", "column 25:" },
		{ "isokiosk-checkpoint 1 k -1", "column 25:" },
		{ "isokiosk-checkpoint 1 k 0", "column 27:" },
		{ "isokiosk-checkpoint 1 k  1", "column 25:" },
		{ "isokiosk-checkpoint 1 k\t1", "column 24:" },
		{ "isokiosk-checkpoint 1 k 99999999999999999999", "column 25:" },
	};
	struct identity_checkpoint cp;
	char *err = NULL, buf[600];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", bad[i].line,
			 strncmp(bad[i].line, "isokiosk-checkpoint 1 k", 23) == 0 &&
			 strstr(bad[i].line, "fewer") == NULL ? good_tail : "");
		if (strcmp(bad[i].col, "fewer than six") == 0)
			snprintf(buf, sizeof buf, "%s", bad[i].line);
		ck_assert_msg(identity_checkpoint_parse(buf, strlen(buf), &cp,
							&err) == -1,
			      "accepted: %s", buf);
		ck_assert_msg(strstr(err, bad[i].col) != NULL, "%s: %s",
			      bad[i].line, err);
		free(err);
	}
	/* the good form parses (its signature is not checked here) */
	snprintf(buf, sizeof buf, "isokiosk-checkpoint 1 k 1%s", good_tail);
	ck_assert_int_eq(identity_checkpoint_parse(buf, strlen(buf), &cp,
						   &err), 0);
	ck_assert(!identity_checkpoint_verify(&cp));
	identity_checkpoint_done(&cp);
	/* one field more */
	snprintf(buf, sizeof buf, "isokiosk-checkpoint 1 k 1%s x", good_tail);
	ck_assert_int_eq(identity_checkpoint_parse(buf, strlen(buf), &cp,
						   &err), -1);
	free(err);
}
END_TEST

static int64_t test_ms = INT64_C(1795244400000);

static int64_t
test_clock(void *ctx)
{
	(void)ctx;
	return test_ms += 1000;
}

/* n sessions, each begun, signed and completed. */
static void
add_sessions(struct store *st, int n)
{
	for (int i = 0; i < n; i++) {
		struct store_start s = { "kiosk-1", "nurse", "P-1", "pregnancy",
			"ja", "5f2b9c1d0e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f"
			"9a8b7c6d5e4f3a2b", false };
		int64_t id;
		char *err = NULL;

		ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
		ck_assert_int_eq(store_sign(st, id, "patient", "やまだ",
					    "patient acknowledgement", &err), 0);
		ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED,
						   NULL, &err), 0);
	}
}

static int
count_cp(int64_t id, int64_t seq, const char *line, void *ctx)
{
	(void)id;
	(void)seq;
	(void)line;
	++*(int *)ctx;
	return 0;
}

START_TEST(test_check_chain)
{
	struct store_opts o = { .clock = test_clock };
	struct identity a, b;
	struct store_signer sg;
	struct identity_chain_report r;
	struct identity_checkpoint cp;
	struct store *st;
	char *err = NULL, *line, head[65];
	size_t lineno = 1;
	int64_t seq;
	int ncp = 0;

	ck_assert_int_eq(identity_load(path("a.key"), true, &a, &err), 1);
	ck_assert_int_eq(identity_load(path("b.key"), true, &b, &err), 1);
	st = store_open(path("r.db"), &o, &err);
	ck_assert_ptr_nonnull(st);
	/* two links before the key: seals only */
	add_sessions(st, 2);
	identity_store_signer(&a, "kiosk-1", 3, &sg);
	store_set_signer(st, &sg);
	add_sessions(st, 4);
	ck_assert_int_eq(store_staff_verify(st, 3, "nurse-b", &err), 0);
	ck_assert_int_eq(store_each_checkpoint(st, 0, count_cp, &ncp, &err), 0);
	ck_assert_int_eq(ncp, 2); /* at links 3 and 6 */

	ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0, "", &r,
					      &err), 0);
	ck_assert_int_eq(r.links, 7);
	ck_assert_int_eq(r.signed_links, 5);
	ck_assert_int_eq(r.unsigned_before, 2);
	identity_chain_report_done(&r);
	/* checked against another key: every signed link named */
	ck_assert_int_eq(identity_check_chain(st, b.pk, NULL, NULL, 0, "", &r,
					      &err), 1);
	ck_assert_int_eq(r.n, 5);
	ck_assert_ptr_nonnull(strstr(r.v[0], "another key"));
	identity_chain_report_done(&r);

	/* a checkpoint of the chain as it is holds */
	ck_assert_int_eq(store_head(st, &seq, head, &err), 0);
	ck_assert_int_eq(seq, 7);
	line = identity_checkpoint_line(&a, "kiosk-1", seq, head,
					"2026-11-21T07:05:03.123Z");
	ck_assert_int_eq(identity_checkpoint_parse(line, strlen(line), &cp,
						   &err), 0);
	free(line);
	ck_assert_int_eq(identity_check_chain(st, NULL, &cp, &lineno, 1, "cp",
					      &r, &err), 0);
	ck_assert_int_eq(r.checkpoints_ok, 1);
	identity_chain_report_done(&r);

	/* edited behind the store's back: the last link's seal and its
	 * signature row replaced by one of another key */
	ck_assert_int_eq(store_test_exec(st, "DROP TRIGGER sessions_sealed;"
		"DROP TRIGGER link_signatures_no_delete;"
		"DROP TRIGGER verifications_no_delete;"
		"DELETE FROM verifications; DELETE FROM link_signatures"
		" WHERE seq = 7", &err), 0);
	/* the tail cut off: the checkpoint names the missing links */
	ck_assert_int_eq(identity_check_chain(st, a.pk, &cp, &lineno, 1, "cp",
					      &r, &err), 1);
	ck_assert_int_eq(r.n, 1);
	ck_assert_ptr_nonnull(strstr(r.v[0], "cut off or rolled back"));
	ck_assert_ptr_nonnull(strstr(r.v[0], "#7 to #7"));
	identity_chain_report_done(&r);
	/* a signature removed from the middle */
	ck_assert_int_eq(store_test_exec(st, "DELETE FROM link_signatures"
					 " WHERE seq = 4", &err), 0);
	ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0, "", &r,
					      &err), 1);
	ck_assert_ptr_nonnull(strstr(r.v[0], "link #4"));
	ck_assert_ptr_nonnull(strstr(r.v[0], "not signed"));
	identity_chain_report_done(&r);
	/* a seal changed after signing */
	ck_assert_int_eq(store_test_exec(st, "UPDATE sessions SET seal_hash ="
		" '00112233445566778899aabbccddeeff00112233445566778899aabb"
		"ccddeeff' WHERE seal_seq = 5", &err), 0);
	ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0, "", &r,
					      &err), 1);
	ck_assert_int_eq(r.n, 2);
	ck_assert_ptr_nonnull(strstr(r.v[1], "link #5"));
	ck_assert_ptr_nonnull(strstr(r.v[1], "not the one signed"));
	identity_chain_report_done(&r);

	identity_checkpoint_done(&cp);
	store_close(st);
	identity_done(&a);
	identity_done(&b);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("identity");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_key_file);
	tcase_add_test(tc, test_sign_link);
	tcase_add_test(tc, test_checkpoint_line);
	tcase_add_test(tc, test_checkpoint_bad);
	tcase_add_test(tc, test_check_chain);
	suite_add_tcase(s, tc);
	return s;
}
