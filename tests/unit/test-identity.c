/*
 * Unit tests for identity: the key file made, read again, and refused when
 * it is not safe (mode, symbolic link, damaged); link signatures; checkpoint
 * lines written, parsed back strictly and verified; a chain's signatures and
 * checkpoints checked against a store (edited behind its back); every kind
 * of link of a follow-up signed, walked in order with its canonical form;
 * a follow-up database (schema 6) migrated to schema 7.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "identity.h"
#include "store.h"
#include "store-visit.h"
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
			"9a8b7c6d5e4f3a2b", false, NULL };
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

/* A first visit (link 1) and a follow-up with an urgent flag (link 2),
 * both completed, patient P-9; returns the follow-up's id. */
static int64_t
add_visits(struct store *st)
{
	struct store_start s = { "kiosk-1", "nurse", "P-9", "pregnancy",
		"ja", "5f2b9c1d0e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f"
		"9a8b7c6d5e4f3a2b", false, NULL };
	int64_t id, fseq;
	char *err = NULL;

	add_sessions(st, 0);
	for (int i = 0; i < 2; i++) {
		s.visit = i == 0 ? "first" : "follow-up";
		ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
		if (i == 1)
			ck_assert_int_eq(store_flag_raise(st, id, "mood",
							  "mood-harm", "urgent",
							  &fseq, &err), 0);
		ck_assert_int_eq(store_sign(st, id, "patient", "やまだ",
					    "patient acknowledgement", &err), 0);
		ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED,
						   NULL, &err), 0);
	}
	return id;
}

/* A flag acknowledged (link 3), a negative test (4), may prescribe (5),
 * a staff verification of the first visit (6). */
static void
add_followup_links(struct store *st, int64_t id)
{
	struct store_test t = { "P-9", "2026-11-21", "negative", "clinic",
				"nurse-t" };
	char *err = NULL;
	int64_t tid;
	int v;

	ck_assert_int_eq(store_flag_ack(st, id, 1, "nurse-b", &err), 0);
	ck_assert_int_eq(store_test_add(st, &t, &tid, &err), 0);
	ck_assert_int_eq(tid, 1);
	ck_assert_int_eq(store_prescribe(st, id, "dr-a", "2026-11-21", 7, &v,
					 &err), 0);
	ck_assert_int_eq(store_staff_verify(st, 1, "nurse-c", &err), 0);
}

struct test_links {
	struct store_link_info l[8];
	char staff[8][32], outcome[8][32];
	int n;
};

static int
collect_link(const struct store_link_info *l, void *ctx)
{
	struct test_links *t = ctx;

	ck_assert_int_lt(t->n, 8);
	t->l[t->n] = *l;
	/* the strings live only during the call */
	snprintf(t->staff[t->n], 32, "%s", l->staff ? l->staff : "-");
	snprintf(t->outcome[t->n], 32, "%s", l->outcome ? l->outcome : "-");
	t->l[t->n].staff = t->l[t->n].patient = NULL;
	t->l[t->n].at = t->l[t->n].outcome = NULL;
	t->n++;
	return 0;
}

/* SHA-256(prev || SHA-256(canon) || seq), hex: the seal, computed here
 * from the documented algorithm rather than by the store. */
static void
test_seal(const char *prev, const char *canon, size_t len, int64_t seq,
	  char out[65])
{
	unsigned char buf[72], h[32];

	memset(buf, 0, 32);
	if (prev[0] != '\0')
		ck_assert_int_eq(identity_hex_decode(prev, buf, 32), 0);
	crypto_hash_sha256(buf + 32, (const unsigned char *)canon, len);
	for (int b = 0; b < 8; b++)
		buf[64 + b] = (unsigned char)((uint64_t)seq >> (56 - 8 * b));
	crypto_hash_sha256(h, buf, sizeof buf);
	identity_hex(h, 32, out);
}

START_TEST(test_followup_links_signed)
{
	static const struct {
		enum store_link_kind kind;
		int64_t session, id;
		const char *form, *staff, *outcome, *what;
	} want[] = {
		{ STORE_LINK_SESSION, 1, 1, "isokiosk-session\t5\n", "nurse",
		  "completed", "session 1" },
		{ STORE_LINK_SESSION, 2, 2, "isokiosk-session\t5\n", "nurse",
		  "completed", "session 2" },
		{ STORE_LINK_FLAG_ACK, 2, 1, "isokiosk-flag-ack\t1\n",
		  "nurse-b", "acknowledged",
		  "flag acknowledgement of session 2" },
		{ STORE_LINK_TEST, 0, 1, "isokiosk-pregnancy-test\t1\n",
		  "nurse-t", "negative", "pregnancy test 1" },
		{ STORE_LINK_PRESCRIPTION, 2, 1, "isokiosk-prescription\t1\n",
		  "dr-a", "may prescribe", "may prescribe of session 2" },
		{ STORE_LINK_VERIFICATION, 1, 1, "isokiosk-verification",
		  "nurse-c", "verified", "verification of session 1" },
	};
	struct store_opts o = { .clock = test_clock };
	struct identity a, b;
	struct store_signer sg;
	struct identity_chain_report r;
	struct test_links t = { .n = 0 };
	struct store *st;
	char *err = NULL, prev[65] = "", what[80];
	int ncp = 0;

	ck_assert_int_eq(identity_load(path("a.key"), true, &a, &err), 1);
	ck_assert_int_eq(identity_load(path("b.key"), true, &b, &err), 1);
	st = store_open(path("f.db"), &o, &err);
	ck_assert_ptr_nonnull(st);
	identity_store_signer(&a, "kiosk-1", 4, &sg);
	store_set_signer(st, &sg);
	add_followup_links(st, add_visits(st));

	/* every kind, in seq order, each signed for its own seal */
	ck_assert_int_eq(store_each_link(st, 0, collect_link, &t, &err), 0);
	ck_assert_int_eq(t.n, 6);
	for (int i = 0; i < t.n; i++) {
		struct store_link_info *l = &t.l[i];
		struct store_session s;
		char seal[65], *canon;
		size_t len;

		ck_assert_int_eq(l->seq, i + 1);
		ck_assert_int_eq(l->kind, want[i].kind);
		ck_assert_int_eq(l->session, want[i].session);
		ck_assert_int_eq(l->id, want[i].id);
		ck_assert_str_eq(t.staff[i], want[i].staff);
		ck_assert_str_eq(t.outcome[i], want[i].outcome);
		store_link_describe(l, what);
		ck_assert_str_eq(what, want[i].what);
		ck_assert(l->signed_);
		ck_assert_str_eq(l->signed_seal, l->seal);
		ck_assert_str_eq(l->pubkey, a.pk_hex);
		ck_assert(identity_verify_link(a.pk, l->seq, l->seal, l->sig));
		ck_assert_str_eq(l->prev, prev);
		/* the canonical form handed out is the one the seal covers */
		store_session_init(&s);
		canon = store_link_canonical(st, l, &s, &len, &err);
		ck_assert_msg(canon != NULL, "%s", err);
		ck_assert_msg(strncmp(canon, want[i].form,
				      strlen(want[i].form)) == 0,
			      "link %d: %.40s", i + 1, canon);
		test_seal(prev, canon, len, l->seq, seal);
		ck_assert_str_eq(seal, l->seal);
		free(canon);
		store_session_done(&s);
		snprintf(prev, sizeof prev, "%s", l->seal);
	}
	ck_assert_str_eq(store_link_kind_name(STORE_LINK_TEST),
			 "pregnancy-test");
	ck_assert_str_eq(store_link_kind_name(STORE_LINK_FLAG_ACK), "flag-ack");
	ck_assert_str_eq(store_link_kind_name(STORE_LINK_PRESCRIPTION),
			 "prescription");
	/* from the middle: the walk starts after the link asked for */
	t.n = 0;
	ck_assert_int_eq(store_each_link(st, 3, collect_link, &t, &err), 0);
	ck_assert_int_eq(t.n, 3);
	ck_assert_int_eq(t.l[0].kind, STORE_LINK_TEST);
	/* a checkpoint every 4 links counts them all: one, at the test */
	ck_assert_int_eq(store_each_checkpoint(st, 0, count_cp, &ncp, &err), 0);
	ck_assert_int_eq(ncp, 1);

	ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0, "", &r,
					      &err), 0);
	ck_assert_int_eq(r.links, 6);
	ck_assert_int_eq(r.signed_links, 6);
	ck_assert_int_eq(r.unsigned_before, 0);
	identity_chain_report_done(&r);
	ck_assert_int_eq(identity_check_chain(st, b.pk, NULL, NULL, 0, "", &r,
					      &err), 1);
	ck_assert_int_eq(r.n, 6);
	identity_chain_report_done(&r);
	/* the test's signature removed, the prescription's seal changed */
	ck_assert_int_eq(store_test_exec(st,
		"DROP TRIGGER link_signatures_no_delete;"
		"DROP TRIGGER prescriptions_no_update;"
		"DELETE FROM link_signatures WHERE seq = 4;"
		"UPDATE prescriptions SET seal_hash = '00112233445566778899"
		"aabbccddeeff00112233445566778899aabbccddeeff'", &err), 0);
	ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0, "", &r,
					      &err), 1);
	ck_assert_int_eq(r.n, 2);
	ck_assert_ptr_nonnull(strstr(r.v[0], "link #4 (pregnancy test 1):"
				     " not signed"));
	ck_assert_ptr_nonnull(strstr(r.v[1], "link #5 (may prescribe of"
				     " session 2): its seal is not the one"
				     " signed"));
	identity_chain_report_done(&r);
	store_close(st);
	identity_done(&a);
	identity_done(&b);
}
END_TEST

/* A database the follow-up build (schema 6: no signature tables) left:
 * read as it is, then migrated to 7 when opened to write; its links keep
 * verifying, unsigned, and the links sealed from then on are signed. */
START_TEST(test_followup_schema_6_migrates)
{
	struct store_opts o = { .clock = test_clock };
	struct store_opts ro = { .flags = STORE_READONLY };
	struct store_test t = { "P-9", "2026-11-21", "negative", "laboratory",
				"nurse-t" };
	struct identity a;
	struct store_signer sg;
	struct identity_chain_report r;
	struct store_report vr;
	struct test_links tl = { .n = 0 };
	struct store *st;
	char *err = NULL;

	ck_assert_int_eq(identity_load(path("a.key"), true, &a, &err), 1);
	st = store_open(path("six.db"), &o, &err);
	ck_assert_ptr_nonnull(st);
	add_followup_links(st, add_visits(st));
	ck_assert_int_eq(store_test_exec(st, "DROP TABLE link_signatures;"
					 " DROP TABLE checkpoints;"
					 " PRAGMA user_version = 6", &err), 0);
	store_close(st);

	/* read as schema 6 */
	st = store_open(path("six.db"), &ro, &err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert(!store_has_signatures(st));
	ck_assert_int_eq(store_each_link(st, 0, collect_link, &tl, &err), 0);
	ck_assert_int_eq(tl.n, 6);
	ck_assert_int_eq(tl.l[3].kind, STORE_LINK_TEST);
	ck_assert(!tl.l[3].signed_);
	ck_assert_int_eq(identity_check_chain(st, NULL, NULL, NULL, 0, "", &r,
					      &err), 0);
	ck_assert_int_eq(r.links, 6);
	ck_assert_int_eq(r.signed_links, 0);
	identity_chain_report_done(&r);
	store_close(st);

	/* opened to write: migrated to 7, then a test sealed and signed */
	st = store_open(path("six.db"), &o, &err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert(store_has_signatures(st));
	identity_store_signer(&a, "kiosk-1", 100, &sg);
	store_set_signer(st, &sg);
	ck_assert_int_eq(store_test_add(st, &t, NULL, &err), 0);
	store_report_init(&vr);
	ck_assert_int_eq(store_verify(st, &vr, &err), 0);
	ck_assert_uint_eq(vr.sealed, 7);
	store_report_done(&vr);
	ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0, "", &r,
					      &err), 0);
	ck_assert_int_eq(r.links, 7);
	ck_assert_int_eq(r.unsigned_before, 6);
	ck_assert_int_eq(r.signed_links, 1);
	identity_chain_report_done(&r);
	{
		sqlite3 *db;
		sqlite3_stmt *q;

		ck_assert_int_eq(sqlite3_open(path("six.db"), &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT (SELECT"
			" user_version FROM pragma_user_version), (SELECT"
			" count(*) FROM link_signatures)", -1, &q, NULL),
			SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(q, 0), 7);
		ck_assert_int_eq(sqlite3_column_int(q, 1), 1);
		sqlite3_finalize(q);
		sqlite3_close(db);
	}
	tl.n = 0;
	ck_assert_int_eq(store_each_link(st, 6, collect_link, &tl, &err), 0);
	ck_assert_int_eq(tl.n, 1);
	ck_assert_int_eq(tl.l[0].kind, STORE_LINK_TEST);
	ck_assert(tl.l[0].signed_);
	store_close(st);
	identity_done(&a);
}
END_TEST

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

/*
 * Signatures are checked a batch at a time (4,096 links) on every
 * processor: a forged signature in each of two batches and a removed one
 * between them are each named once, in the chain's order, with one thread
 * and with two.
 */
START_TEST(test_check_chain_batches)
{
	static const char *const workers[] = { "1", "2" };
	struct store_opts o = { .clock = test_clock };
	struct identity a;
	struct store_signer sg;
	struct identity_chain_report r;
	struct store *st;
	char *err = NULL;

	ck_assert_int_eq(identity_load(path("a.key"), true, &a, &err), 1);
	st = store_open(path("r.db"), &o, &err);
	ck_assert_ptr_nonnull(st);
	identity_store_signer(&a, "kiosk-1", 0, &sg);
	store_set_signer(st, &sg);
	ck_assert_int_eq(store_test_bulk(st, true, &err), 0);
	add_sessions(st, 4100);
	ck_assert_int_eq(store_test_bulk(st, false, &err), 0);
	for (int k = 0; k < 2; k++) {
		setenv("ISOKIOSK_VERIFY_WORKERS", workers[k], 1);
		ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0,
						      "", &r, &err), 0);
		ck_assert_int_eq(r.signed_links, 4100);
		identity_chain_report_done(&r);
	}
	/* One hex digit of two signatures changed (links 10 and 4098: the
	 * first batch and the second), and link 20's removed. */
	ck_assert_int_eq(store_test_exec(st,
		"DROP TRIGGER link_signatures_no_update;"
		"DROP TRIGGER link_signatures_no_delete;"
		"UPDATE link_signatures SET sig = (CASE substr(sig, 1, 1)"
		" WHEN '0' THEN '1' ELSE '0' END) || substr(sig, 2)"
		" WHERE seq IN (10, 4098);"
		"DELETE FROM link_signatures WHERE seq = 20", &err), 0);
	for (int k = 0; k < 2; k++) {
		setenv("ISOKIOSK_VERIFY_WORKERS", workers[k], 1);
		ck_assert_int_eq(identity_check_chain(st, a.pk, NULL, NULL, 0,
						      "", &r, &err), 1);
		ck_assert_int_eq(r.n, 3);
		ck_assert_str_eq(r.v[0], "link #10 (session 10): the signature"
				 " does not verify: forged or changed");
		ck_assert_ptr_nonnull(strstr(r.v[1], "link #20 (session 20):"
					     " not signed"));
		ck_assert_str_eq(r.v[2], "link #4098 (session 4098): the"
				 " signature does not verify: forged or"
				 " changed");
		ck_assert_int_eq(r.signed_links, 4099);
		identity_chain_report_done(&r);
	}
	unsetenv("ISOKIOSK_VERIFY_WORKERS");
	store_close(st);
	identity_done(&a);
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
	tcase_add_test(tc, test_check_chain_batches);
	tcase_add_test(tc, test_followup_links_signed);
	tcase_add_test(tc, test_followup_schema_6_migrates);
	suite_add_tcase(s, tc);
	return s;
}
