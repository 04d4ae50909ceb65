/*
 * Unit tests for the store: schema and mode, every write path, the canonical
 * form and seal (recomputed here independently), the triggers, verification
 * of each kind of tampering, recovery of open sessions, migration from
 * schema 1, and I/O failure injected at every Nth write (reported, nothing
 * torn, and the session still saved once the I/O works again).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "bundle.h"
#include "store.h"
#include "tap.h"
#include "xmalloc.h"

#define VERSION "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *test_dir;
static char *test_db;

static int64_t
test_clock(void *ctx)
{
	int64_t *t = ctx;

	*t += 1000;
	return *t;
}

static int64_t test_time;

static void
setup(void)
{
	char tmpl[] = "/tmp/test-store-XXXXXX";

	test_dir = xstrdup(mkdtemp(tmpl));
	test_db = xasprintf("%s/records.db", test_dir);
	/* 2026-11-21T07:00:00.000Z */
	test_time = 1795244400000LL;
	store_test_fail_io(-1, false);
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
test_open(unsigned flags)
{
	struct store_opts o = { .flags = flags, .clock = test_clock,
				.clock_ctx = &test_time };
	char *err = NULL;
	struct store *st = store_open(test_db, &o, &err);

	ck_assert_msg(st != NULL, "store_open: %s", err ? err : "?");
	return st;
}

/* What schema 7 added (signatures, checkpoints), then what schema 6
 * added (follow-up visits), undone: an older database made from a new
 * one. */
#define TEST_UNDO_7 " DROP TABLE link_signatures; DROP TABLE checkpoints;"
#define TEST_UNDO_6 TEST_UNDO_7 " DROP TABLE visit_answers; DROP TABLE flags; DROP TABLE flag_acks;" \
	" DROP TABLE pregnancy_tests; DROP TABLE prescriptions;" \
	" DROP INDEX sessions_patient;" \
	" ALTER TABLE sessions DROP COLUMN visit;"

static const struct store_start test_start = {
	.kiosk_id = "kiosk-1", .staff_id = "nurse-a",
	.patient_ref = "山田 太郎", .profile = "pregnancy", .lang = "ja",
	.content_version = VERSION, .minor = false,
};

/* A whole session: 2 screens, 3 answers, 2 acks, a signature. */
static int64_t
test_session(struct store *st, enum store_outcome outcome)
{
	struct store_answer a1 = { "q-sebum", 1, 0, "増える", "0,1,2", false };
	struct store_answer a2 = { "q-sebum", 2, 1, "減る", "1,2,0", true };
	struct store_answer a3 = { "q-preg", 1, 2, "毎月", NULL, true };
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
	ck_assert_int_eq(store_screen(st, id, "what-is", 12500, &err), 0);
	ck_assert_int_eq(store_screen(st, id, "pregnancy", 30250, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a1, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a2, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a3, &err), 0);
	ck_assert_int_eq(store_ack(st, id, "ack-unapproved", "未承認です。", &err), 0);
	ck_assert_int_eq(store_ack(st, id, "ack-preg", "妊娠しないこと。\n二行目", &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "山田太郎",
				    "patient acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, outcome, NULL, &err), 0);
	ck_assert_ptr_null(err);
	return id;
}

static char *
test_sql_text(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *out = NULL;

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		out = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

/* Set a value of an open session behind the store's back (as an older
 * isokiosk, or the sqlite3 shell, could have): sql has one parameter. */
static void
test_sql_set(const char *sql, const char *v)
{
	sqlite3 *db;
	sqlite3_stmt *q;

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, v, -1, SQLITE_TRANSIENT);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* Run SQL on the database as it is. */
static void
test_sql_raw(const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* SQL that turns a schema 7 database back into schema 4 as an older
 * isokiosk left it: no content_files.ord, no application_id, no visits. */
#define TEST_TO_SCHEMA_4                                                     \
	"DROP TRIGGER content_files_no_update;"                               \
	"ALTER TABLE content_files DROP COLUMN ord;"                          \
	"CREATE TRIGGER content_files_no_update BEFORE UPDATE ON"             \
	" content_files BEGIN SELECT RAISE(ABORT, 'stored content never"      \
	" changes'); END;"                                                    \
	"PRAGMA application_id = 0; PRAGMA user_version = 4;" TEST_UNDO_6

/* ... and a schema 7 database back into schema 5 (no follow-up visits). */
#define TEST_TO_SCHEMA_5 TEST_UNDO_6 " PRAGMA user_version = 5;"
/* ... and back into schema 6, as the follow-up build left it (no
 * signatures, no checkpoints). */
#define TEST_TO_SCHEMA_6 TEST_UNDO_7 " PRAGMA user_version = 6;"

/* Run SQL as the sqlite3 shell would: no triggers in the way. */
static void
test_sql_tamper(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db,
		"DROP TRIGGER sessions_sealed; DROP TRIGGER sessions_no_delete;"
		"DROP TRIGGER answers_no_update; DROP TRIGGER answers_no_delete;"
		"DROP TRIGGER acks_no_update; DROP TRIGGER screens_no_delete;"
		"DROP TRIGGER screens_no_update;"
		"DROP TRIGGER signatures_no_delete; DROP TRIGGER acks_no_delete;"
		"DROP TRIGGER verifications_no_update;", NULL, NULL, &msg)
		== SQLITE_OK, "%s", msg);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
		      "%s", msg);
	sqlite3_close(db);
}

START_TEST(test_open_mode_schema)
{
	struct store *st = test_open(0);
	struct stat sb;
	char *wal = xasprintf("%s-wal", test_db), *shm = xasprintf("%s-shm", test_db);
	char *v;

	test_session(st, STORE_COMPLETED);
	ck_assert_int_eq(stat(test_db, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(wal, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(stat(shm, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	v = test_sql_text("PRAGMA user_version");
	ck_assert_str_eq(v, "7");
	free(v);
	v = test_sql_text("PRAGMA application_id");
	ck_assert_str_eq(v, "1232292713"); /* 0x49734b69, "IsKi" */
	free(v);
	v = test_sql_text("PRAGMA journal_mode");
	ck_assert_str_eq(v, "wal");
	free(v);
	store_close(st);
	free(wal);
	free(shm);
}
END_TEST

/* A file someone else made, readable by others: refused, never chmod'ed
 * (the store only sets the mode of a file it creates). */
START_TEST(test_open_loose_mode_refused)
{
	FILE *fp = fopen(test_db, "w");
	struct store_opts o = { 0 };
	struct store *st;
	struct stat sb;
	char *err = NULL;

	fclose(fp);
	chmod(test_db, 0644);
	ck_assert_ptr_null(store_open(test_db, &o, &err));
	ck_assert_msg(strstr(err, "records.db: mode 644 lets others read or"
			     " change the records: make it 0600") != NULL,
		      "%s", err);
	free(err);
	ck_assert_int_eq(stat(test_db, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0644);
	ck_assert_int_eq(sb.st_size, 0);
	chmod(test_db, 0600);
	st = test_open(0);
	store_close(st);
}
END_TEST

START_TEST(test_one_writer)
{
	struct store *st = test_open(0), *r;
	struct store_opts o = { 0 }, ro = { .flags = STORE_READONLY };
	char *err = NULL;

	ck_assert_ptr_null(store_open(test_db, &o, &err));
	ck_assert_ptr_nonnull(strstr(err, "another isokiosk is writing this"
				     " database"));
	free(err);
	err = NULL;
	r = store_open(test_db, &ro, &err); /* readers are welcome */
	ck_assert_msg(r != NULL, "%s", err);
	store_close(r);
	store_close(st);
	st = store_open(test_db, &o, &err); /* free again */
	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
}
END_TEST

START_TEST(test_readonly_missing)
{
	struct store_opts o = { .flags = STORE_READONLY };
	char *err = NULL;

	ck_assert_ptr_null(store_open(test_db, &o, &err));
	ck_assert_ptr_nonnull(strstr(err, ": no such records database"));
	ck_assert_ptr_null(strstr(err, "--db"));
	free(err);
	/* A shell command adding a link never makes one, and says where
	 * a link goes. */
	o.flags = STORE_APPEND;
	err = NULL;
	ck_assert_ptr_null(store_open(test_db, &o, &err));
	ck_assert_ptr_nonnull(strstr(err, ": no such records database (a test"
				     " or a prescription is added to the"
				     " kiosk's own database"));
	ck_assert_int_eq(access(test_db, F_OK), -1);
	free(err);
	/* the kiosk makes its database, but not the folder it goes in */
	o.flags = 0;
	err = NULL;
	{
		char *in = xasprintf("%s/no-folder/records.db", test_dir);

		ck_assert_ptr_null(store_open(in, &o, &err));
		ck_assert_ptr_nonnull(strstr(err, "no-folder/records.db: cannot"
					     " be made: its folder does not"
					     " exist"));
		free(in);
	}
	free(err);
}
END_TEST


/* A path that is a symbolic link: refused, its target untouched (the mode
 * of a file the store did not make is never changed). */
START_TEST(test_open_symlink_refused)
{
	char *target = xasprintf("%s/passwd", test_dir);
	FILE *fp = fopen(target, "w");
	struct store_opts w = { 0 }, ro = { .flags = STORE_READONLY };
	struct stat sb;
	char *err = NULL;

	fputs("root:x:0:0:root:/root:/bin/sh\n", fp);
	fclose(fp);
	chmod(target, 0644);
	ck_assert_int_eq(symlink(target, test_db), 0);
	ck_assert_ptr_null(store_open(test_db, &w, &err));
	ck_assert_msg(strstr(err, "records.db: is a symbolic link: refusing to"
			     " follow it") != NULL, "%s", err);
	free(err);
	err = NULL;
	ck_assert_ptr_null(store_open(test_db, &ro, &err));
	ck_assert_ptr_nonnull(strstr(err, "is a symbolic link"));
	free(err);
	ck_assert_int_eq(stat(target, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0644);
	ck_assert_int_eq(sb.st_size, 30);
	free(target);
}
END_TEST

/* Files that are not a records database are refused and left exactly as
 * they were: text, a directory, another program's SQLite file (with an
 * application_id of its own, or with none and tables of its own). */
START_TEST(test_open_foreign_refused)
{
	struct store_opts w = { 0 }, ro = { .flags = STORE_READONLY };
	static const struct {
		const char *sql;   /* NULL: a text file */
		const char *want;
	} cases[] = {
		{ NULL, "not a records database (not an SQLite file)" },
		{ "PRAGMA application_id = 1234; CREATE TABLE t(x);",
		  "the SQLite file of another program (application_id"
		  " 0x000004d2)" },
		{ "CREATE TABLE notes(x); INSERT INTO notes VALUES(1);",
		  "an SQLite file with tables of another program" },
		{ "CREATE TABLE sessions(x); PRAGMA user_version = 3;",
		  "an SQLite file with tables of another program" },
	};
	char *err = NULL;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct stat before, after;
		char *wal = xasprintf("%s-wal", test_db);

		unlink(test_db);
		if (cases[i].sql == NULL) {
			FILE *fp = fopen(test_db, "w");

			fputs("just text, not a database\n", fp);
			fclose(fp);
		} else {
			sqlite3 *db;

			ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
			ck_assert_int_eq(sqlite3_exec(db, cases[i].sql, NULL,
						      NULL, NULL), SQLITE_OK);
			sqlite3_close(db);
		}
		chmod(test_db, 0600);
		ck_assert_int_eq(stat(test_db, &before), 0);
		for (int r = 0; r < 2; r++) {
			ck_assert_ptr_null(store_open(test_db, r ? &ro : &w,
						      &err));
			ck_assert_msg(strstr(err, cases[i].want) != NULL,
				      "case %zu: %s", i, err);
			ck_assert_ptr_nonnull(strstr(err, "records.db: "));
			free(err);
			err = NULL;
		}
		ck_assert_int_eq(stat(test_db, &after), 0);
		ck_assert_int_eq(before.st_size, after.st_size);
		ck_assert_int_eq(before.st_mtime, after.st_mtime);
		ck_assert_int_eq(after.st_mode & 0777, 0600);
		/* not switched to WAL: no -wal file appeared */
		ck_assert_int_ne(access(wal, F_OK), 0);
		free(wal);
	}
	unlink(test_db);
	ck_assert_int_eq(mkdir(test_db, 0700), 0);
	ck_assert_ptr_null(store_open(test_db, &w, &err));
	ck_assert_ptr_nonnull(strstr(err, "is a directory"));
	free(err);
	rmdir(test_db);
}
END_TEST


static const char test_canon_1[] =
	"isokiosk-session\t1\n"
	"id\t1\n"
	"kiosk\tkiosk-1\n"
	"staff\tnurse-a\n"
	"patient\t山田\\t太郎\n"
	"profile\tpregnancy\n"
	"lang\tja\n"
	"content\t" VERSION "\n"
	"minor\t0\n"
	"started\t2026-11-21T07:00:01.000Z\n"
	"ended\t2026-11-21T07:00:10.000Z\n"
	"outcome\tcompleted\n"
	"reason\t\\N\n"
	"screen\t1\twhat-is\t12500\t2026-11-21T07:00:02.000Z\n"
	"screen\t2\tpregnancy\t30250\t2026-11-21T07:00:03.000Z\n"
	"answer\t1\tq-sebum\t1\t0\t増える\t0,1,2\t0\t2026-11-21T07:00:04.000Z\n"
	"answer\t2\tq-sebum\t2\t1\t減る\t1,2,0\t1\t2026-11-21T07:00:05.000Z\n"
	"answer\t3\tq-preg\t1\t2\t毎月\t\\N\t1\t2026-11-21T07:00:06.000Z\n"
	"ack\t1\tack-unapproved\t%s\t2026-11-21T07:00:07.000Z\n"
	"ack\t2\tack-preg\t%s\t2026-11-21T07:00:08.000Z\n"
	"sign\t1\tpatient\t山田太郎\tpatient acknowledgement\t2026-11-21T07:00:09.000Z\n";

/* The same session in form 2: times as ms after the start. */
/* The same session in form 2: times as ms after the start, rows' kinds in
 * one letter. */
static const char test_canon_2[] =
	"isokiosk-session\t2\n"
	"id\t1\n"
	"kiosk\tkiosk-1\n"
	"staff\tnurse-a\n"
	"patient\t山田\\t太郎\n"
	"profile\tpregnancy\n"
	"lang\tja\n"
	"content\t" VERSION "\n"
	"minor\t0\n"
	"started\t2026-11-21T07:00:01.000Z\n"
	"ended\t\\d9000\n"
	"outcome\tcompleted\n"
	"reason\t\\N\n"
	"s\t1\twhat-is\t12500\t\\d1000\n"
	"s\t2\tpregnancy\t30250\t\\d2000\n"
	"a\t1\tq-sebum\t1\t0\t増える\t0,1,2\t0\t\\d3000\n"
	"a\t2\tq-sebum\t2\t1\t減る\t1,2,0\t1\t\\d4000\n"
	"a\t3\tq-preg\t1\t2\t毎月\t\\N\t1\t\\d5000\n"
	"k\t1\tack-unapproved\t%s\t\\d6000\n"
	"k\t2\tack-preg\t%s\t\\d7000\n"
	"g\t1\tpatient\t山田太郎\tpatient acknowledgement\t\\d8000\n";

/* The same session in form 3: what sessions share (content, statements
 * and their texts' hashes) first, then the session's own part. */
static const char test_canon_3[] =
	"isokiosk-session\t3\n"
	"content\t" VERSION "\n"
	"lang\tja\n"
	"profile\tpregnancy\n"
	"minor\t0\n"
	"kiosk\tkiosk-1\n"
	"t\tack-unapproved\t%s\n"
	"t\tack-preg\t%s\n"
	"id\t1\n"
	"staff\tnurse-a\n"
	"patient\t山田\\t太郎\n"
	"started\t2026-11-21T07:00:01.000Z\n"
	"ended\t\\d9000\n"
	"outcome\tcompleted\n"
	"reason\t\\N\n"
	"s\t1\twhat-is\t12500\t\\d1000\n"
	"s\t2\tpregnancy\t30250\t\\d2000\n"
	"a\t1\tq-sebum\t1\t0\t増える\t0,1,2\t0\t\\d3000\n"
	"a\t2\tq-sebum\t2\t1\t減る\t1,2,0\t1\t\\d4000\n"
	"a\t3\tq-preg\t1\t2\t毎月\t\\N\t1\t\\d5000\n"
	"k\t1\t\\d6000\n"
	"k\t2\t\\d7000\n"
	"g\t1\tpatient\t山田太郎\tpatient acknowledgement\t\\d8000\n";

/* Form 4: form 3 with the content version's files (by name) after the
 * content line. */
static const char test_canon_4[] =
	"isokiosk-session\t4\n"
	"content\t" VERSION "\n"
	"files\t2\n"
	"f\tja/a.md\t%s\n"
	"f\tja/b.md\t%s\n"
	"lang\tja\n"
	"profile\tpregnancy\n"
	"minor\t0\n"
	"kiosk\tkiosk-1\n"
	"t\tack-unapproved\t%s\n"
	"t\tack-preg\t%s\n"
	"id\t1\n"
	"staff\tnurse-a\n"
	"patient\t山田 太郎\n"
	"started\t2026-11-21T07:00:01.000Z\n"
	"ended\t\\d9000\n"
	"outcome\tcompleted\n"
	"reason\t\\N\n"
	"s\t1\twhat-is\t12500\t\\d1000\n"
	"s\t2\tpregnancy\t30250\t\\d2000\n"
	"a\t1\tq-sebum\t1\t0\t増える\t0,1,2\t0\t\\d3000\n"
	"a\t2\tq-sebum\t2\t1\t減る\t1,2,0\t1\t\\d4000\n"
	"a\t3\tq-preg\t1\t2\t毎月\t\\N\t1\t\\d5000\n"
	"k\t1\t\\d6000\n"
	"k\t2\t\\d7000\n"
	"g\t1\tpatient\t山田太郎\tpatient acknowledgement\t\\d8000\n";

static void
test_hex(const unsigned char *h, char out[65])
{
	sodium_bin2hex(out, 65, h, 32);
}

/* The seal of a chain's first link, as the store computes it:
 * SHA-256(32 zero bytes || SHA-256(canonical) || seq 1), in hex. */
static void
test_first_seal(const char *canon, size_t len, char out[65])
{
	unsigned char digest[32], buf[72], sealbin[32];

	crypto_hash_sha256(digest, (const unsigned char *)canon, len);
	memset(buf, 0, sizeof buf);
	memcpy(buf + 32, digest, 32);
	buf[71] = 1;
	crypto_hash_sha256(sealbin, buf, sizeof buf);
	test_hex(sealbin, out);
}

START_TEST(test_canonical_and_seal)
{
	struct store *st = test_open(0);
	struct store_session s;
	char h1[65], h2[65], fa[65], fb[65], seal[65], *expect, *canon;
	char *err = NULL;
	size_t len;

	/* the content version's files, frozen before the session */
	ck_assert_int_eq(store_content_file(st, VERSION, "ja/b.md", "B", 1,
					    &err), 0);
	ck_assert_int_eq(store_content_file(st, VERSION, "ja/a.md", "A", 1,
					    &err), 0);
	test_session(st, STORE_COMPLETED);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	store_sha256_hex("未承認です。", strlen("未承認です。"), h1);
	store_sha256_hex("妊娠しないこと。\n二行目", strlen("妊娠しないこと。\n二行目"), h2);
	store_sha256_hex("A", 1, fa);
	store_sha256_hex("B", 1, fb);
	ck_assert_int_eq(s.seal_form, 5);
	ck_assert_str_eq(s.visit, "first");
	/* Form 5: form 4 with its header and the visit block. */
	{
		char *f4 = xasprintf(test_canon_4, fa, fb, h1, h2);

		expect = xasprintf("isokiosk-session\t5\n%svisit\tfirst\n",
				   f4 + strlen("isokiosk-session\t4\n"));
		free(f4);
	}
	canon = store_canonical(&s, &len);
	ck_assert_str_eq(canon, expect);
	ck_assert_uint_eq(len, strlen(expect));
	ck_assert_str_eq(s.acks[1].text, "妊娠しないこと。\n二行目");
	ck_assert_str_eq(s.acks[1].text_sha256, h2);

	/* seal = SHA-256(32 zero bytes || SHA-256(canonical) || seq 1) */
	test_first_seal(expect, strlen(expect), seal);
	ck_assert_int_eq(s.seal_seq, 1);
	ck_assert_str_eq(s.seal_prev, "");
	ck_assert_str_eq(s.seal_hash, seal);
	ck_assert_int_eq(s.outcome, STORE_COMPLETED);
	ck_assert_str_eq(s.ended_at, "2026-11-21T07:00:10.000Z");
	free(canon);
	free(expect);
	/* Form 4, for seals made under schema 5: no visit block. */
	s.seal_form = 4;
	expect = xasprintf(test_canon_4, fa, fb, h1, h2);
	canon = store_canonical(&s, &len);
	ck_assert_str_eq(canon, expect);
	ck_assert_uint_eq(len, strlen(expect));
	free(canon);
	free(expect);
	/* The older forms, byte for byte; with a value to escape (no such
	 * value is recorded any more: the input gate turns a TAB into a
	 * space, but older records may hold one). */
	s.patient_ref = "山田\t太郎";
	/* Form 3, for seals made under schema 4. */
	s.seal_form = 3;
	expect = xasprintf(test_canon_3, h1, h2);
	canon = store_canonical(&s, &len);
	ck_assert_str_eq(canon, expect);
	ck_assert_uint_eq(len, strlen(expect));
	free(canon);
	free(expect);
	/* Form 2, for seals made under schema 3. */
	s.seal_form = 2;
	expect = xasprintf(test_canon_2, h1, h2);
	canon = store_canonical(&s, &len);
	ck_assert_str_eq(canon, expect);
	ck_assert_uint_eq(len, strlen(expect));
	free(canon);
	free(expect);
	/* Form 1, for seals made before schema 3. */
	s.seal_form = 1;
	expect = xasprintf(test_canon_1, h1, h2);
	canon = store_canonical(&s, &len);
	ck_assert_str_eq(canon, expect);
	ck_assert_uint_eq(len, strlen(expect));
	free(canon);
	free(expect);
	/* A time not as the store writes it stays as it is in form 2; one
	 * that looks like a distance is escaped. */
	s.seal_form = 2;
	s.screens[0].at = "2026-11-21T07:00:02.000+00:00";
	s.screens[1].at = "\\d2000";
	s.answers[0].at = "2026-02-29T07:00:04.000Z";
	s.answers[1].at = "2028-02-29T07:00:01.000Z";
	s.answers[2].at = "2026-11-21T06:59:59.999Z";
	s.acks[0].at = "2026";
	s.acks[1].at = "2026-11-21T24:00:00.000Z";
	s.signs[0].at = "2026-11-21T07";
	canon = store_canonical(&s, &len);
	ck_assert_ptr_nonnull(strstr(canon, "\t2026\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t2026-11-21T24:00:00.000Z\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t2026-11-21T07\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t2026-11-21T07:00:02.000+00:00\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\tpregnancy\t30250\t\\\\d2000\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t0\t2026-02-29T07:00:04.000Z\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t1\t\\d40176000000\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t1\t\\d-1001\n"));
	free(canon);
	/* The same in form 3. */
	s.seal_form = 3;
	canon = store_canonical(&s, &len);
	ck_assert_ptr_nonnull(strstr(canon, "\nk\t1\t2026\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\nk\t2\t2026-11-21T24:00:00.000Z\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t2026-11-21T07\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t2026-11-21T07:00:02.000+00:00\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\tpregnancy\t30250\t\\\\d2000\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t0\t2026-02-29T07:00:04.000Z\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t1\t\\d40176000000\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\t1\t\\d-1001\n"));
	free(canon);
	for (int64_t form = 2; form <= 5; form++) {
		s.seal_form = form;
		s.started_at = "2026-11-21 07:00:01";
		canon = store_canonical(&s, &len);
		ck_assert_ptr_nonnull(strstr(canon, "\nended\t2026-11-21T07:00:10.000Z\n"));
		free(canon);
	}
	store_session_done(&s);

	/* The second link chains on the first. */
	test_session(st, STORE_STOPPED);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 2, &s, &err), 0);
	ck_assert_int_eq(s.seal_seq, 2);
	ck_assert_str_eq(s.seal_prev, seal);
	ck_assert_str_eq(s.outcome_name, "stopped");
	store_session_done(&s);
	store_close(st);
}
END_TEST

START_TEST(test_idempotent_and_conflicts)
{
	struct store *st = test_open(0);
	struct store_answer a = { "q-x", 1, 0, "A", "0,1", false };
	struct store_answer b = { "q-x", 1, 1, "B", "0,1", true };
	struct store_session s;
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
	ck_assert_int_eq(store_answer(st, id, &b, &err), -1);
	ck_assert_str_eq(err, "session 1: attempt 1 at q-x is already recorded"
			 " with another answer");
	free(err);
	err = NULL;
	ck_assert_int_eq(store_ack(st, id, "ack-a", "text", &err), 0);
	ck_assert_int_eq(store_ack(st, id, "ack-a", "text", &err), 0);
	ck_assert_int_eq(store_ack(st, id, "ack-a", "other", &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_sign(st, id, "patient", "A", "m", &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "A", "m", &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "B", "m", &err), -1);
	free(err);
	err = NULL;
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	ck_assert_uint_eq(s.nanswers, 1);
	ck_assert_uint_eq(s.nacks, 1);
	ck_assert_uint_eq(s.nsigns, 1);
	ck_assert_int_eq(s.outcome, STORE_OPEN);
	ck_assert_ptr_null(s.seal_hash);
	store_session_done(&s);
	ck_assert_int_eq(store_session_get(st, 99, &s, &err), 1);
	store_session_done(&s);
	store_close(st);
}
END_TEST

START_TEST(test_bad_input)
{
	struct store *st = test_open(0);
	struct store_start s = test_start;
	char *err = NULL;
	int64_t id;

	s.profile = "male";
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), -1);
	ck_assert_str_eq(err, "unknown profile 'male' (pregnancy or no-pregnancy)");
	free(err);
	err = NULL;
	s = test_start;
	s.content_version = "abc";
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_screen(st, 42, "x", 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "no open session with that id"));
	free(err);
	err = NULL;
	ck_assert_int_eq(store_session_end(st, 42, STORE_COMPLETED, NULL, &err), -1);
	ck_assert_str_eq(err, "no session 42");
	free(err);
	store_close(st);
}
END_TEST

START_TEST(test_completed_needs_signature)
{
	struct store *st = test_open(0);
	struct store_start minor = test_start;
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err), -1);
	ck_assert_str_eq(err, "session 1 cannot be completed without the"
			 " patient's signature");
	free(err);
	err = NULL;
	ck_assert_int_eq(store_session_end(st, id, STORE_STOPPED, "q-x: 3 wrong"
					   " answers, please call staff", &err), 0);
	minor.minor = true;
	ck_assert_int_eq(store_session_begin(st, &minor, &id, &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "山田花子",
				    "patient acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err), -1);
	ck_assert_str_eq(err, "session 2 cannot be completed without the"
			 " guardian's signature");
	free(err);
	err = NULL;
	ck_assert_int_eq(store_sign(st, id, "guardian", "山田一郎",
				    "guardian acknowledgement", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err), 0);
	store_close(st);
}
END_TEST

START_TEST(test_triggers)
{
	struct store *st = test_open(0);
	char *err = NULL;
	int64_t id = test_session(st, STORE_COMPLETED);
	static const char *const refused[] = {
		"UPDATE sessions SET patient_ref = 'x' WHERE id = 1",
		"DELETE FROM sessions WHERE id = 1",
		"UPDATE answers SET correct = 1",
		"DELETE FROM answers",
		"UPDATE acks SET at = 'x'",
		"DELETE FROM acks",
		"UPDATE screens SET shown_ms = 0",
		"DELETE FROM signatures",
		"INSERT INTO answers VALUES(1, 9, 'q', 9, 0, 'x', NULL, 1, 't')",
		"DELETE FROM texts",
	};

	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		ck_assert_msg(store_test_exec(st, refused[i], &err) == -1,
			      "not refused: %s", refused[i]);
		free(err);
		err = NULL;
	}
	ck_assert_int_eq(store_screen(st, id, "x", 1, &err), -1);
	free(err);
	err = NULL;
	ck_assert_int_eq(store_session_end(st, id, STORE_ABANDONED, NULL, &err), -1);
	ck_assert_str_eq(err, "session 1 is already sealed");
	free(err);
	store_close(st);
}
END_TEST

static int
test_verify(struct store_report *r)
{
	struct store_opts o = { .flags = STORE_READONLY };
	char *err = NULL;
	struct store *st = store_open(test_db, &o, &err);
	int rc;

	ck_assert_msg(st != NULL, "%s", err);
	store_report_init(r);
	rc = store_verify(st, r, &err);
	ck_assert_msg(rc >= 0, "%s", err);
	store_close(st);
	return rc;
}

static bool
test_report_has(const struct store_report *r, enum store_problem_kind k,
		int64_t session)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].kind == k && r->v[i].session == session)
			return true;
	return false;
}

static void
test_report_print(const struct store_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "# %s\n", r->v[i].message);
}

static void
test_make_chain(int n)
{
	struct store *st = test_open(0);
	char *err = NULL;

	for (int i = 0; i < n; i++)
		test_session(st, i % 3 == 2 ? STORE_STOPPED : STORE_COMPLETED);
	ck_assert_int_eq(store_staff_verify(st, 2, "nurse-b", &err), 0);
	store_close(st);
}

START_TEST(test_verify_clean)
{
	struct store_report r;
	struct store *st;
	char *err = NULL;
	int64_t id;

	test_make_chain(5);
	st = test_open(0);
	ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
	store_close(st); /* left open: sealed as abandoned on the next open */
	st = test_open(STORE_NO_RECOVER);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sessions, 6);
	ck_assert_uint_eq(r.sealed, 6);
	ck_assert_uint_eq(r.nopen, 1);
	ck_assert_int_eq(r.open[0], 6);
	ck_assert_int_eq(r.head_seq, 6);
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_changed)
{
	struct store_report r;

	test_make_chain(5);
	test_sql_tamper("UPDATE sessions SET patient_ref = '佐藤' WHERE id = 2;"
			"UPDATE answers SET correct = 1 WHERE session_id = 4"
			" AND seq = 1;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert(test_report_has(&r, STORE_CHANGED, 4));
	ck_assert_uint_eq(r.n, 2);
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_removed)
{
	struct store_report r;

	test_make_chain(5);
	test_sql_tamper("DELETE FROM answers WHERE session_id = 3;"
			"DELETE FROM acks WHERE session_id = 3;"
			"DELETE FROM sessions WHERE id = 3;"
			"DELETE FROM sessions WHERE id = 5;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_REMOVED, 3));
	ck_assert(test_report_has(&r, STORE_REMOVED, 5));
	ck_assert(!test_report_has(&r, STORE_CHANGED, 4));
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_removed_child)
{
	struct store_report r;

	test_make_chain(3);
	test_sql_tamper("DELETE FROM acks WHERE session_id = 1 AND seq = 2;");
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1));
	ck_assert_uint_eq(r.n, 1);
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_swapped)
{
	struct store_report r;

	test_make_chain(5);
	/* Swap the places of sessions 3 and 4 in the chain. */
	test_sql_tamper("UPDATE sessions SET seal_seq = -1 WHERE id = 3;"
			"UPDATE sessions SET seal_seq = 3 WHERE id = 4;"
			"UPDATE sessions SET seal_seq = 4 WHERE id = 3;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_REORDERED, 3));
	ck_assert(test_report_has(&r, STORE_REORDERED, 4));
	ck_assert_uint_eq(r.n, 2);
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_swapped_rows)
{
	struct store_report r;

	test_make_chain(4);
	/* Swap the answers of sessions 1 and 2 (same shape, other ids). */
	test_sql_tamper("UPDATE answers SET session_id = 100 WHERE session_id = 1;"
			"UPDATE answers SET session_id = 1 WHERE session_id = 2;"
			"UPDATE answers SET session_id = 2 WHERE session_id = 100;"
			"UPDATE answers SET at = '2000-01-01T00:00:00.000Z'"
			" WHERE session_id = 2 AND seq = 1;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1));
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_wrong_types)
{
	struct store_report r;

	test_make_chain(4);
	/* Values that read back as the same number, stored differently. */
	test_sql_tamper("UPDATE answers SET correct = 2 WHERE session_id = 1"
			" AND seq = 2;"
			"UPDATE answers SET attempt = '1' || '' WHERE session_id = 3"
			" AND seq = 1;"
			"UPDATE screens SET shown_ms = 12500.25 WHERE session_id = 4"
			" AND seq = 1;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1));
	ck_assert(test_report_has(&r, STORE_CHANGED, 4));
	ck_assert_uint_eq(r.n, 2 + test_report_has(&r, STORE_CHANGED, 3));
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_unsealed)
{
	struct store_report r;

	test_make_chain(3);
	test_sql_tamper("UPDATE sessions SET seal_hash = NULL, seal_seq = NULL"
			" WHERE id = 3;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_UNSEALED, 3));
	store_report_done(&r);
}
END_TEST

START_TEST(test_verify_verification_changed)
{
	struct store_report r;

	test_make_chain(3);
	test_sql_tamper("UPDATE verifications SET staff_id = 'nurse-z';");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 1);
	ck_assert_ptr_nonnull(strstr(r.v[0].message, "staff verification"));
	store_report_done(&r);
}
END_TEST

START_TEST(test_recover_open)
{
	struct store *st = test_open(0);
	struct store_session s;
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
	ck_assert_int_eq(store_screen(st, id, "what-is", 5000, &err), 0);
	store_close(st); /* as if the power went */
	test_time += 3600 * 1000;
	st = test_open(0);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	ck_assert_int_eq(s.outcome, STORE_ABANDONED);
	ck_assert_str_eq(s.reason, "found open at start-up");
	/* ended at its last recorded event, not at the restart */
	ck_assert_str_eq(s.ended_at, "2026-11-21T07:00:02.000Z");
	ck_assert_int_eq(s.seal_seq, 1);
	store_session_done(&s);
	store_close(st);
}
END_TEST

/* Seals made with form 1 (before schema 3) keep verifying after the
 * migration; the form each link names is part of what its seal proves. */
START_TEST(test_verify_form_1)
{
	struct store *st = test_open(0);
	struct store_session s;
	struct store_report r;
	char sql[1024], seal[65], *err = NULL;
	size_t len;
	char *canon;
	sqlite3 *db;

	test_session(st, STORE_COMPLETED);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	store_close(st);
	/* Session 1 as an older isokiosk sealed it. */
	s.seal_form = 1;
	canon = store_canonical(&s, &len);
	test_first_seal(canon, len, seal);
	free(canon);
	store_session_done(&s);
	snprintf(sql, sizeof sql, "UPDATE sessions SET seal_hash = '%s'"
		 " WHERE id = 1; ALTER TABLE sessions DROP COLUMN seal_form;"
		 TEST_TO_SCHEMA_4 " PRAGMA user_version = 2;", seal);
	test_sql_tamper(sql);
	st = test_open(0); /* migrates */
	test_session(st, STORE_STOPPED);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 2);
	store_report_done(&r);

	/* Either link read in the other form, or a form never written. */
	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE sessions SET seal_form = 2"
				      " WHERE id = 1; UPDATE sessions SET"
				      " seal_form = NULL WHERE id = 2", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1));
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 2);
	store_report_done(&r);
	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE sessions SET seal_form = NULL"
				      " WHERE id = 1; UPDATE sessions SET"
				      " seal_form = 'two' WHERE id = 2", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 1);
	store_report_done(&r);
	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE sessions SET seal_form = 3"
				      " WHERE id = 2", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 1);
	store_report_done(&r);
	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE sessions SET seal_form = 7"
				      " WHERE id = 2", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 1);
	store_report_done(&r);
	/* The same instant written another way is a changed record. */
	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE sessions SET seal_form = 5"
				      " WHERE id = 2; UPDATE acks SET at ="
				      " replace(at, 'Z', '+00:00')"
				      " WHERE session_id = 2 AND seq = 1", NULL,
				      NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(test_verify(&r), 1);
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 1);
	store_report_done(&r);
}
END_TEST

/* Seals made with form 2 (under schema 3) keep verifying: before the
 * database is migrated (a reader opens schema 3 as it is) and after. */
START_TEST(test_verify_form_2)
{
	struct store *st = test_open(0);
	struct store_session s;
	struct store_report r;
	char sql[1024], seal[65], *err = NULL;
	size_t len;
	char *canon, *v;
	sqlite3 *db;

	test_session(st, STORE_COMPLETED);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	store_close(st);
	/* Session 1 as isokiosk sealed it under schema 3. */
	s.seal_form = 2;
	canon = store_canonical(&s, &len);
	ck_assert_ptr_nonnull(strstr(canon, "isokiosk-session\t2\nid\t1\n"));
	test_first_seal(canon, len, seal);
	ck_assert_str_ne(seal, s.seal_hash);
	free(canon);
	store_session_done(&s);
	snprintf(sql, sizeof sql, "UPDATE sessions SET seal_hash = '%s',"
		 " seal_form = 2 WHERE id = 1;" TEST_TO_SCHEMA_4
		 " PRAGMA user_version = 3;", seal);
	test_sql_tamper(sql);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 1);
	store_report_done(&r);
	st = test_open(0); /* migrates */
	v = test_sql_text("PRAGMA user_version");
	ck_assert_str_eq(v, "7");
	free(v);
	test_session(st, STORE_STOPPED);
	store_close(st);
	v = test_sql_text("SELECT group_concat(seal_form) FROM sessions");
	ck_assert_str_eq(v, "2,5");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 2);
	store_report_done(&r);

	/* Each link read in the other form. */
	ck_assert_int_eq(sqlite3_open(test_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE sessions SET seal_form ="
				      " 7 - seal_form", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1));
	ck_assert(test_report_has(&r, STORE_CHANGED, 2));
	ck_assert_uint_eq(r.n, 2);
	store_report_done(&r);
}
END_TEST

/*
 * Verification carries the hash state over the part of form 3 that sessions
 * share (store_memo_digest): a change there in one session of many that
 * share it, or in the part itself, is still that session's change.
 */
START_TEST(test_verify_shared_part)
{
	struct store *st = test_open(0);
	struct store_report r;
	char *v;

	for (int i = 0; i < 12; i++)
		test_session(st, STORE_COMPLETED);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 12);
	store_report_done(&r);
	v = test_sql_text("SELECT text_sha256 FROM acks WHERE session_id = 1"
			  " AND seq = 2");
	ck_assert_ptr_nonnull(v);
	free(v);
	/* Session 4 names session 1's first text hash for its second
	 * statement; session 7 another content version; session 9 a
	 * statement id changed; session 11 the kiosk. */
	test_sql_tamper("UPDATE acks SET text_sha256 = (SELECT text_sha256"
			" FROM acks WHERE session_id = 1 AND seq = 1)"
			" WHERE session_id = 4 AND seq = 2;"
			"UPDATE sessions SET content_version = 'x' || substr("
			"content_version, 2) WHERE id = 7;"
			"UPDATE acks SET statement_id = 'ack-preg2'"
			" WHERE session_id = 9 AND seq = 2;"
			"UPDATE sessions SET kiosk_id = 'kiosk-2' WHERE id = 11;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 4));
	ck_assert(test_report_has(&r, STORE_CHANGED, 7));
	ck_assert(test_report_has(&r, STORE_CHANGED, 9));
	ck_assert(test_report_has(&r, STORE_CHANGED, 11));
	ck_assert_uint_eq(r.n, 4);
	store_report_done(&r);
}
END_TEST

/* More shared parts than verification keeps (16), in turn: each session
 * still checked against its own. */
START_TEST(test_verify_shared_parts_many)
{
	struct store *st = test_open(0);
	struct store_report r;
	char *err = NULL, kiosk[32];
	int64_t id;

	for (int i = 0; i < 60; i++) {
		struct store_start s = test_start;

		snprintf(kiosk, sizeof kiosk, "kiosk-%d", i % 20);
		s.kiosk_id = kiosk;
		ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
		ck_assert_int_eq(store_ack(st, id, "ack-a", "一", &err), 0);
		if (i % 3 != 0)
			ck_assert_int_eq(store_ack(st, id, "ack-b", "二",
						   &err), 0);
		ck_assert_int_eq(store_session_end(st, id, STORE_ABANDONED,
						   NULL, &err), 0);
	}
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 60);
	store_report_done(&r);
	test_sql_tamper("UPDATE acks SET text_sha256 = (SELECT text_sha256"
			" FROM acks WHERE session_id = 2 AND seq = 2)"
			" WHERE session_id = 42 AND seq = 1;"
			"UPDATE sessions SET kiosk_id = 'kiosk-3' WHERE id = 45;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 42));
	ck_assert(test_report_has(&r, STORE_CHANGED, 45));
	ck_assert_uint_eq(r.n, 2);
	store_report_done(&r);
}
END_TEST

/* The number of problems of kind k naming session. */
static size_t
test_report_count(const struct store_report *r, enum store_problem_kind k,
		  int64_t session)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].kind == k && r->v[i].session == session;
	return n;
}

/*
 * Many sessions: two threads take ranges of ids in turn (4 of 751 ids
 * for 3,000 sessions, the first from 1 to 751). Sessions removed on both
 * sides of a range's end and at the very end are each named once, and
 * changes anywhere are found, whichever thread reads them.
 */
START_TEST(test_verify_ranges)
{
	struct store *st = test_open(0);
	struct store_report r;
	char *err = NULL;
	int64_t id;

	ck_assert_int_eq(store_test_bulk(st, true, &err), 0);
	for (int i = 0; i < 3000; i++) {
		ck_assert_int_eq(store_session_begin(st, &test_start, &id,
						     &err), 0);
		ck_assert_int_eq(store_screen(st, id, "what-is", i, &err), 0);
		ck_assert_int_eq(store_session_end(st, id, STORE_ABANDONED,
						   NULL, &err), 0);
	}
	ck_assert_int_eq(store_test_bulk(st, false, &err), 0);
	ck_assert_int_eq(store_staff_verify(st, 1500, "nurse-b", &err), 0);
	store_close(st);
	setenv("ISOKIOSK_VERIFY_WORKERS", "2", 1);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sessions, 3000);
	ck_assert_uint_eq(r.sealed, 3001);
	store_report_done(&r);

	test_sql_tamper("DELETE FROM screens WHERE session_id IN"
			" (750, 751, 752, 2999, 3000);"
			"DELETE FROM sessions WHERE id IN"
			" (750, 751, 752, 2999, 3000);"
			"UPDATE screens SET shown_ms = 7 WHERE session_id = 1000;"
			"UPDATE sessions SET patient_ref = 'x' WHERE id = 2000;");
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	unsetenv("ISOKIOSK_VERIFY_WORKERS");
	ck_assert_uint_eq(r.sessions, 2995);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 750), 1);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 751), 1);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 752), 1);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 2999), 1);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 3000), 1);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 749), 0);
	ck_assert_uint_eq(test_report_count(&r, STORE_REMOVED, 753), 0);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1000));
	ck_assert(test_report_has(&r, STORE_CHANGED, 2000));
	ck_assert(!test_report_has(&r, STORE_CHANGED, 1500));
	store_report_done(&r);
}
END_TEST

/* Bytes of a content version's file list made as bundle.c makes them. */
static void
test_version_add(crypto_hash_sha256_state *h, const char *rel,
		 const char *sha)
{
	crypto_hash_sha256_update(h, (const unsigned char *)rel, strlen(rel) + 1);
	crypto_hash_sha256_update(h, (const unsigned char *)sha, 64);
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

/*
 * The content a patient saw cannot be swapped, even for a file stored
 * under its own correct SHA-256 with content_files updated to match: the
 * session's seal covers the file list (form 4), and the list no longer
 * makes the content version.
 */
START_TEST(test_verify_content_swap)
{
	struct store *st = test_open(0);
	struct bundle_lang l;
	struct bundle_file f[2];
	struct store_start ss = test_start;
	struct store_report r;
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char *err = NULL, sql[512], forged[65];
	int64_t id;
	const char *text[2] = { "manifest text\n", "---\nid: what-is\n" };

	memset(&l, 0, sizeof l);
	l.code = "ja";
	l.files = f;
	l.nfiles = 2;
	crypto_hash_sha256_init(&h);
	for (int i = 0; i < 2; i++) {
		FILE *fp;

		f[i].path = xasprintf("%s/f%d", test_dir, i);
		f[i].rel = i == 0 ? "manifest" : "what-is.md";
		fp = fopen(f[i].path, "w");
		fputs(text[i], fp);
		fclose(fp);
		store_sha256_hex(text[i], strlen(text[i]), f[i].sha256);
		test_version_add(&h, f[i].rel, f[i].sha256);
	}
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(l.version, sizeof l.version, d, sizeof d);
	ck_assert_int_eq(store_content_freeze(st, &l, &err), 0);
	ss.content_version = l.version;
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_ABANDONED, NULL, &err),
			 0);
	test_session(st, STORE_COMPLETED); /* a version with no files */
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.versions, 1);
	ck_assert_uint_eq(r.unordered, 0);
	store_report_done(&r);

	/* the forgery: a text of its own, stored under its own hash */
	store_sha256_hex("forged", 6, forged);
	snprintf(sql, sizeof sql, "DROP TRIGGER content_files_no_update;"
		 "INSERT INTO texts VALUES('%s', 'forged');"
		 "UPDATE content_files SET sha256 = '%s'"
		 " WHERE name = 'ja/what-is.md';", forged, forged);
	test_sql_tamper(sql);
	ck_assert_int_eq(test_verify(&r), 1);
	test_report_print(&r);
	ck_assert(test_report_has(&r, STORE_CHANGED, 1)); /* its seal */
	ck_assert(!test_report_has(&r, STORE_CHANGED, 2));
	{
		bool version = false;

		for (size_t i = 0; i < r.n; i++)
			version |= strstr(r.v[i].message, "its stored files"
					  " are not the files it was made of")
				   != NULL;
		ck_assert(version);
	}
	store_report_done(&r);
	/* a stored copy removed */
	test_sql_raw("DROP TRIGGER texts_no_delete;"
		     "DELETE FROM texts WHERE text = 'forged';");
	ck_assert_int_eq(test_verify(&r), 1);
	{
		bool missing = false;

		for (size_t i = 0; i < r.n; i++)
			missing |= strstr(r.v[i].message, "content file"
					  " ja/what-is.md of version") != NULL &&
				   strstr(r.v[i].message, "its stored copy is"
					  " missing") != NULL;
		ck_assert(missing);
	}
	store_report_done(&r);
	for (int i = 0; i < 2; i++)
		free(f[i].path);
}
END_TEST

/* Files frozen before schema 5 get their place when the kiosk freezes the
 * same content again; their sessions' seals are not affected. */
START_TEST(test_content_order_later)
{
	struct store *st = test_open(0);
	struct bundle_lang l;
	struct bundle_file f;
	struct store_report r;
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char *err = NULL, *v;
	FILE *fp;

	memset(&l, 0, sizeof l);
	l.code = "ja";
	l.files = &f;
	l.nfiles = 1;
	f.path = xasprintf("%s/manifest", test_dir);
	f.rel = "manifest";
	fp = fopen(f.path, "w");
	fputs("m\n", fp);
	fclose(fp);
	store_sha256_hex("m\n", 2, f.sha256);
	crypto_hash_sha256_init(&h);
	test_version_add(&h, f.rel, f.sha256);
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(l.version, sizeof l.version, d, sizeof d);
	/* as an older isokiosk froze it: no place */
	ck_assert_int_eq(store_content_file(st, l.version, "ja/manifest", "m\n",
					    2, &err), 0);
	store_close(st);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.unordered, 1);
	ck_assert_uint_eq(r.versions, 0);
	store_report_done(&r);
	st = test_open(0);
	ck_assert_int_eq(store_content_freeze(st, &l, &err), 0);
	store_close(st);
	v = test_sql_text("SELECT ord FROM content_files");
	ck_assert_str_eq(v, "1");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.unordered, 0);
	ck_assert_uint_eq(r.versions, 1);
	store_report_done(&r);
	free(f.path);
}
END_TEST

/* Schema 4 (form 3 seals, content frozen without order, no
 * application_id): a reader reads it as it is; the kiosk migrates it to 5
 * (application_id, content_files.ord), old seals keep verifying, new ones
 * are form 4, and the old content gets its order when frozen again. */
START_TEST(test_migrate_from_4)
{
	struct store *st = test_open(0);
	struct store_session s;
	struct store_report r;
	char sql[1024], seal[65], *err = NULL, *v;
	size_t len;
	char *canon;

	ck_assert_int_eq(store_content_file(st, VERSION, "ja/manifest", "m", 1,
					    &err), 0);
	test_session(st, STORE_COMPLETED);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	store_close(st);
	/* session 1 as isokiosk sealed it under schema 4 */
	s.seal_form = 3;
	canon = store_canonical(&s, &len);
	ck_assert_ptr_null(strstr(canon, "\nfiles\t"));
	test_first_seal(canon, len, seal);
	free(canon);
	store_session_done(&s);
	snprintf(sql, sizeof sql, "UPDATE sessions SET seal_hash = '%s',"
		 " seal_form = 3 WHERE id = 1;" TEST_TO_SCHEMA_4, seal);
	test_sql_tamper(sql);
	v = test_sql_text("PRAGMA application_id");
	ck_assert_str_eq(v, "0");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 1);
	ck_assert_uint_eq(r.unordered, 1);
	store_report_done(&r);
	st = test_open(0); /* migrates */
	test_session(st, STORE_STOPPED);
	store_close(st);
	v = test_sql_text("SELECT (SELECT user_version FROM pragma_user_version)"
			  " || ',' || (SELECT application_id FROM"
			  " pragma_application_id)");
	ck_assert_str_eq(v, "7,1232292713");
	free(v);
	v = test_sql_text("SELECT group_concat(seal_form) FROM sessions");
	ck_assert_str_eq(v, "3,5");
	free(v);
	v = test_sql_text("SELECT quote(ord) FROM content_files");
	ck_assert_str_eq(v, "NULL");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 2);
	store_report_done(&r);
}
END_TEST

/* Schema 5 (form 4 seals, no follow-up visits): a reader reads it as it
 * is; the kiosk migrates it to 6, the form 4 seal keeps verifying, new
 * seals are form 5 (with the visit block). */
START_TEST(test_migrate_from_5)
{
	struct store *st = test_open(0);
	struct store_session s;
	struct store_report r;
	char sql[1024], seal[65], *err = NULL, *v;
	size_t len;
	char *canon;

	ck_assert_int_eq(store_content_file(st, VERSION, "ja/manifest", "m", 1,
					    &err), 0);
	test_session(st, STORE_COMPLETED);
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, 1, &s, &err), 0);
	store_close(st);
	/* session 1 as isokiosk sealed it under schema 5 */
	s.seal_form = 4;
	canon = store_canonical(&s, &len);
	ck_assert_ptr_nonnull(strstr(canon, "isokiosk-session\t4\n"));
	ck_assert_ptr_nonnull(strstr(canon, "\nfiles\t1\n"));
	ck_assert_ptr_null(strstr(canon, "\nvisit\t"));
	test_first_seal(canon, len, seal);
	ck_assert_str_ne(seal, s.seal_hash);
	free(canon);
	store_session_done(&s);
	snprintf(sql, sizeof sql, "UPDATE sessions SET seal_hash = '%s',"
		 " seal_form = 4 WHERE id = 1;" TEST_TO_SCHEMA_5, seal);
	test_sql_tamper(sql);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 1);
	store_report_done(&r);
	st = test_open(0); /* migrates */
	test_session(st, STORE_STOPPED);
	store_close(st);
	v = test_sql_text("PRAGMA user_version");
	ck_assert_str_eq(v, "7");
	free(v);
	v = test_sql_text("SELECT group_concat(seal_form) FROM sessions");
	ck_assert_str_eq(v, "4,5");
	free(v);
	v = test_sql_text("SELECT group_concat(visit) FROM sessions");
	ck_assert_str_eq(v, "first,first");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 2);
	store_report_done(&r);
}
END_TEST

/* A follow-up build's database (schema 6): read as it is, then migrated
 * to 7 (the signature and checkpoint tables) keeping its seals. */
START_TEST(test_migrate_from_6)
{
	struct store *st = test_open(0);
	struct store_report r;
	char *v;

	test_session(st, STORE_COMPLETED);
	store_close(st);
	test_sql_raw(TEST_TO_SCHEMA_6);
	v = test_sql_text("SELECT count(*) FROM sqlite_master WHERE name IN"
			  " ('link_signatures', 'checkpoints')");
	ck_assert_str_eq(v, "0");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 1);
	store_report_done(&r);
	st = test_open(0); /* migrates */
	test_session(st, STORE_STOPPED);
	store_close(st);
	v = test_sql_text("SELECT (SELECT user_version FROM"
			  " pragma_user_version) || ' ' || (SELECT count(*)"
			  " FROM sqlite_master WHERE name IN"
			  " ('link_signatures', 'checkpoints'))");
	ck_assert_str_eq(v, "7 2");
	free(v);
	ck_assert_int_eq(test_verify(&r), 0);
	ck_assert_uint_eq(r.sealed, 2);
	store_report_done(&r);
}
END_TEST

START_TEST(test_migrate_from_1)
{
	struct store *st = test_open(0);
	char *v;

	test_session(st, STORE_COMPLETED);
	store_close(st);
	test_sql_tamper("DROP TABLE texts; DROP TABLE content_files;"
			"ALTER TABLE sessions DROP COLUMN seal_form;"
			"PRAGMA application_id = 0; PRAGMA user_version = 1;"
			TEST_UNDO_6);
	st = test_open(0);
	v = test_sql_text("PRAGMA user_version");
	ck_assert_str_eq(v, "7");
	free(v);
	v = test_sql_text("SELECT count(*) FROM texts");
	ck_assert_str_eq(v, "0");
	free(v);
	test_session(st, STORE_COMPLETED);
	store_close(st);
	v = test_sql_text("SELECT count(*) FROM texts");
	ck_assert_str_eq(v, "2");
	free(v);
}
END_TEST

START_TEST(test_newer_schema_refused)
{
	struct store *st = test_open(0);
	struct store_opts o = { 0 };
	char *err = NULL;

	store_close(st);
	test_sql_tamper("PRAGMA user_version = 9;");
	ck_assert_ptr_null(store_open(test_db, &o, &err));
	ck_assert_ptr_nonnull(strstr(err, "written by a newer isokiosk"));
	free(err);
}
END_TEST

START_TEST(test_content_file)
{
	struct store *st = test_open(0);
	char *err = NULL, *v;

	ck_assert_int_eq(store_content_file(st, VERSION, "ja/what-is.md",
					    "---\nid: what-is\n", 16, &err), 0);
	ck_assert_int_eq(store_content_file(st, VERSION, "ja/what-is.md",
					    "---\nid: what-is\n", 16, &err), 0);
	store_close(st);
	v = test_sql_text("SELECT t.text FROM content_files c JOIN texts t"
			  " ON t.sha256 = c.sha256");
	ck_assert_str_eq(v, "---\nid: what-is\n");
	free(v);
}
END_TEST

START_TEST(test_content_freeze)
{
	struct store *st = test_open(0);
	struct bundle_file files[2];
	struct bundle_lang l;
	char *p1 = xasprintf("%s/manifest", test_dir);
	char *p2 = xasprintf("%s/what-is.md", test_dir);
	char *err = NULL, *v;
	FILE *fp;

	fp = fopen(p1, "w");
	fputs("language: 日本語\nwhat-is\n", fp);
	fclose(fp);
	fp = fopen(p2, "w");
	fputs("---\nid: what-is\n---\n本文\n", fp);
	fclose(fp);
	memset(&l, 0, sizeof l);
	memset(files, 0, sizeof files);
	l.code = (char *)"ja";
	memcpy(l.version, VERSION, 65);
	files[0].path = p1;
	files[0].rel = (char *)"manifest";
	store_sha256_hex("language: 日本語\nwhat-is\n",
			 strlen("language: 日本語\nwhat-is\n"), files[0].sha256);
	files[1].path = p2;
	files[1].rel = (char *)"what-is.md";
	store_sha256_hex("x", 1, files[1].sha256); /* not what is on disk */
	l.files = files;
	l.nfiles = 2;
	ck_assert_int_eq(store_content_freeze(st, &l, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "what-is.md: changed since the"
				     " content was loaded"));
	free(err);
	err = NULL;
	v = test_sql_text("SELECT count(*) FROM content_files");
	ck_assert_str_eq(v, "0"); /* all or nothing */
	free(v);
	store_sha256_hex("---\nid: what-is\n---\n本文\n",
			 strlen("---\nid: what-is\n---\n本文\n"), files[1].sha256);
	ck_assert_int_eq(store_content_freeze(st, &l, &err), 0);
	ck_assert_int_eq(store_content_freeze(st, &l, &err), 0);
	store_close(st);
	v = test_sql_text("SELECT group_concat(c.name || '=' || t.text, '|')"
			  " FROM content_files c JOIN texts t ON t.sha256 ="
			  " c.sha256 ORDER BY c.name");
	ck_assert_str_eq(v, "ja/manifest=language: 日本語\nwhat-is\n|"
			 "ja/what-is.md=---\nid: what-is\n---\n本文\n");
	free(v);
	free(p1);
	free(p2);
}
END_TEST

#define TEST_TRICKY "引用\"と\\と/と\x7fと\xe2\x80\xa8と\tと\x1bと\r\nと\x01"

/* Characters that JSON escapes at every place in and around the 8-byte
 * words the FHIR writer looks at a time, and long values with none. */
START_TEST(test_export_escapes_anywhere)
{
	static const char *const refs[] = {
		"abcdefg\"", "abcdefgh\"ijk", "abcdefghijklmno\x1f",
		"abcdefghijklmnopq\\", "\nabcdefghijklmnop",
		"0123456789abcdef", "日本語の名前です日本語", "abcdefgh\x7f\t",
		"ab\"cdefghijklmnopqrstuvwxyz0123456789",
	};
	enum { N = sizeof refs / sizeof refs[0] };
	struct store *st = test_open(0);
	json_error_t je;
	json_t *doc, *entries;
	char *buf = NULL, *err = NULL;
	size_t len = 0, found = 0;
	FILE *fp;
	int64_t id;

	for (size_t i = 0; i < N; i++) {
		/* stored as an older isokiosk could have (the input gate now
		 * refuses most of them) */
		ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err),
				 0);
		test_sql_set("UPDATE sessions SET patient_ref = ?1 WHERE"
			     " seal_hash IS NULL", refs[i]);
		ck_assert_int_eq(store_session_end(st, id, STORE_ABANDONED,
						   NULL, &err), 0);
	}
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(store_export_fhir(st, NULL, fp, &err), 0);
	fclose(fp);
	doc = json_loads(buf, 0, &je);
	ck_assert_msg(doc != NULL, "not JSON: %s", je.text);
	entries = json_object_get(doc, "entry");
	for (size_t i = 0; i < json_array_size(entries); i++) {
		json_t *res = json_object_get(json_array_get(entries, i),
					      "resource");
		const char *v = json_string_value(json_object_get(
			json_object_get(json_object_get(res, "subject"),
					"identifier"), "value"));

		if (v == NULL)
			continue;
		ck_assert_uint_lt(found, N);
		ck_assert_str_eq(v, refs[found]);
		found++;
	}
	ck_assert_uint_eq(found, N);
	json_decref(doc);
	free(buf);
	store_close(st);
}
END_TEST

START_TEST(test_export_tricky_values)
{
	struct store *st = test_open(0);
	json_error_t je;
	json_t *doc, *qr;
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	FILE *fp;
	int64_t id;

	ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
	/* what an older isokiosk took from the command line */
	test_sql_set("UPDATE sessions SET patient_ref = ?1 WHERE id = 1",
		     "a\"b\\c\nd\x01\x1b[8m\xc2\x9b\xe2\x80\xae" "e");
	ck_assert_int_eq(store_sign(st, id, "patient", "=SUM(A1)",
				    "patient acknowledgement", &err), 0);
	{
		struct store_answer a = { "q-x", 1, 2, TEST_TRICKY, NULL, true };

		ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
	}
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err), 0);

	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(store_export_fhir(st, NULL, fp, &err), 0);
	fclose(fp);
	/* no raw ESC or C1 (U+0080..U+009F) or bidi override in the file */
	ck_assert_ptr_null(strchr(buf, '\x1b'));
	ck_assert_ptr_null(strstr(buf, "\xc2\x9b"));
	ck_assert_ptr_null(strstr(buf, "\xe2\x80\xae"));
	doc = json_loads(buf, 0, &je);
	ck_assert_msg(doc != NULL, "not JSON: %s", je.text);
	qr = json_object_get(json_array_get(json_object_get(doc, "entry"), 0),
			     "resource");
	/* exactly what is stored: JSON escapes are lossless */
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
		json_object_get(qr, "subject"), "identifier"), "value")),
		"a\"b\\c\nd\x01\x1b[8m\xc2\x9b\xe2\x80\xae" "e");
	ck_assert_str_eq(json_string_value(json_object_get(qr, "status")),
			 "completed");
	/* every character that needs escaping, and some that do not, comes
	 * back as it went in */
	{
		json_t *attempt = json_array_get(json_object_get(json_array_get(
			json_object_get(qr, "item"), 0), "item"), 0);
		json_t *coding = json_object_get(json_array_get(json_object_get(
			attempt, "answer"), 0), "valueCoding");

		ck_assert_str_eq(json_string_value(json_object_get(coding,
			"display")), TEST_TRICKY);
		ck_assert_str_eq(json_string_value(json_object_get(coding,
			"code")), "2");
	}
	json_decref(doc);
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(store_export_csv(st, NULL, false, fp, &err), 0);
	fclose(fp);
	ck_assert_mem_eq(buf, "\xef\xbb\xbfsession_id,", 14);
	/* made visible, never raw; the formula guard */
	ck_assert_msg(strstr(buf, "\r\n1,kiosk-1,nurse-a,\"a\"\"b\\\\c\nd"
			     "\\x01\\x1b[8m<U+009B><U+202E>e\",pregnancy,0,ja,")
		      != NULL, "%s", buf);
	ck_assert_ptr_nonnull(strstr(buf, ",'=SUM(A1),patient acknowledgement,"));
	ck_assert_ptr_null(strchr(buf, '\x1b'));
	ck_assert_ptr_null(strstr(buf, "\xc2\x9b"));
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(store_export_fhir(st, "2030-01-01", fp, &err), 0);
	fclose(fp);
	/* nothing since then: a Bundle without entries (no empty array) */
	ck_assert_str_eq(buf, "{\"resourceType\":\"Bundle\",\"type\":"
			 "\"collection\"}\n");
	free(buf);
	store_close(st);
}
END_TEST

/* Text that is not UTF-8 (only an edited database has it) is never
 * replaced in the FHIR export: the export stops, naming the session and
 * the field; the CSV export shows the bytes escaped. */
START_TEST(test_export_invalid_utf8)
{
	struct store *st = test_open(0);
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	FILE *fp;

	test_session(st, STORE_COMPLETED);
	test_sql_tamper("DROP TRIGGER signatures_no_update;"
			"UPDATE signatures SET name = 'P' || X'ff' || 'Q'"
			" WHERE session_id = 1;");
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(store_export_fhir(st, NULL, fp, &err), -1);
	fclose(fp);
	ck_assert_str_eq(err, "session 1, signature name #1: not valid UTF-8"
			 " (byte 2): the export stops here (run 'isokiosk"
			 " records verify')");
	ck_assert_ptr_null(strstr(buf, "\xef\xbf\xbd"));
	free(err);
	free(buf);
	err = NULL;
	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_int_eq(store_export_csv(st, NULL, false, fp, &err), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, ",P\\xffQ,"));
	free(buf);
	store_close(st);
}
END_TEST

/* The store records only what the input gate lets through. */
START_TEST(test_input_gate)
{
	struct store *st = test_open(0);
	struct store_start ss = test_start;
	char *err = NULL;
	int64_t id;

	ss.patient_ref = "P\x1b[31m";
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not recorded: "));
	ck_assert_ptr_nonnull(strstr(err, "U+001B"));
	free(err);
	err = NULL;
	ss.patient_ref = "P\xff";
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), -1);
	free(err);
	err = NULL;
	ss.patient_ref = "P-1";
	ss.staff_id = "nurse\xe2\x80\xae";
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), -1);
	free(err);
	err = NULL;
	ss.staff_id = "nurse-a";
	ss.kiosk_id = " kiosk";
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), -1);
	free(err);
	err = NULL;
	ss.kiosk_id = "kiosk-1";
	ck_assert_int_eq(store_session_begin(st, &ss, &id, &err), 0);
	ck_assert_int_eq(store_sign(st, id, "patient", "\xe2\x80\x8b", "m",
				    &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not recorded: "));
	free(err);
	err = NULL;
	ck_assert_int_eq(store_sign(st, id, "patient", "山田　花子", "m", &err),
			 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err),
			 0);
	ck_assert_int_eq(store_staff_verify(st, id, "n\x07", &err), -1);
	free(err);
	store_close(st);
}
END_TEST

static int
test_count_each(const struct store_session *s, void *ctx)
{
	int *n = ctx;

	(void)s;
	(*n)++;
	return 0;
}

START_TEST(test_each_since)
{
	struct store *st = test_open(0);
	char *err = NULL;
	int n = 0;

	test_session(st, STORE_COMPLETED);
	test_time += 86400 * 1000LL;
	test_session(st, STORE_COMPLETED);
	test_session(st, STORE_COMPLETED);
	ck_assert_int_eq(store_each(st, NULL, test_count_each, &n, &err), 0);
	ck_assert_int_eq(n, 3);
	n = 0;
	ck_assert_int_eq(store_each(st, "2026-11-22", test_count_each, &n, &err), 0);
	ck_assert_int_eq(n, 2);
	store_close(st);
}
END_TEST

/*
 * Fail the Nth write or sync of an answer and of a seal, for every N the
 * operation makes: the caller is told (-1, a message), and a fresh look at
 * the database finds the record whole or absent, never torn; once the I/O
 * works again the same calls save the session and the chain verifies.
 */
static void
test_fail_every(bool full)
{
	struct store_answer a = { "q-x", 1, 0, "A", "0,1", false };
	long calls, seal_calls;

	{
		struct store *st = test_open(0);
		char *err = NULL;
		int64_t id;

		ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
		calls = store_test_io_calls();
		ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
		calls = store_test_io_calls() - calls;
		ck_assert_int_eq(store_sign(st, id, "patient", "P", "patient"
					    " acknowledgement", &err), 0);
		seal_calls = store_test_io_calls();
		ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL,
						   &err), 0);
		seal_calls = store_test_io_calls() - seal_calls;
		store_close(st);
	}
	ck_assert_int_ge(calls, 2); /* at least a WAL write and a sync */
	ck_assert_int_ge(seal_calls, 2);
	for (long n = 0; n < (calls > seal_calls ? calls : seal_calls); n++) {
		struct store *st;
		struct store_report r;
		struct store_session s;
		struct store_answer b = a;
		char *err = NULL, *v;
		int64_t id;
		int rc;

		unlink(test_db);
		teardown();
		setup();
		st = test_open(0);
		ck_assert_int_eq(store_session_begin(st, &test_start, &id, &err), 0);
		b.question_id = "q-y";
		store_test_fail_io(n, full);
		rc = store_answer(st, id, &b, &err);
		store_test_fail_io(-1, false);
		if (n < calls) {
			ck_assert_msg(rc == -1, "write %ld of %ld failed unnoticed",
				      n, calls);
			ck_assert_ptr_nonnull(err);
			if (full)
				ck_assert_msg(strstr(err, "disk is full") != NULL,
					      "%s", err);
			free(err);
			err = NULL;
			/* A second connection sees no answer. */
			v = test_sql_text("SELECT count(*) FROM answers");
			ck_assert_str_eq(v, "0");
			free(v);
			/* Space is back: the same call saves it. */
			ck_assert_int_eq(store_answer(st, id, &b, &err), 0);
		}
		ck_assert_int_eq(rc == 0, n >= calls);
		ck_assert_int_eq(store_sign(st, id, "patient", "P", "patient"
					    " acknowledgement", &err), 0);
		/* The seal fails at the same point, then succeeds. */
		store_test_fail_io(n, full);
		rc = store_session_end(st, id, STORE_COMPLETED, NULL, &err);
		store_test_fail_io(-1, false);
		if (n < seal_calls) {
			ck_assert_msg(rc == -1, "seal: write %ld of %ld failed"
				      " unnoticed", n, seal_calls);
			free(err);
			err = NULL;
			v = test_sql_text("SELECT count(*) FROM sessions WHERE"
					  " seal_hash IS NOT NULL");
			ck_assert_str_eq(v, "0");
			free(v);
			ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED,
							   NULL, &err), 0);
		}
		ck_assert_int_eq(rc == 0, n >= seal_calls);
		store_close(st);
		ck_assert_int_eq(test_verify(&r), 0);
		store_report_done(&r);
		st = test_open(0);
		store_session_init(&s);
		ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
		ck_assert_uint_eq(s.nanswers, 1);
		ck_assert_int_eq(s.outcome, STORE_COMPLETED);
		store_session_done(&s);
		store_close(st);
	}
}

START_TEST(test_fail_io)
{
	test_fail_every(false);
}
END_TEST

START_TEST(test_fail_full)
{
	test_fail_every(true);
}
END_TEST

START_TEST(test_default_path)
{
	char *p, *want, *dir;
	struct stat sb;

	setenv("ISOKIOSK_DB", "/x/y.db", 1);
	p = store_default_path(false);
	ck_assert_str_eq(p, "/x/y.db");
	free(p);
	unsetenv("ISOKIOSK_DB");
	setenv("XDG_DATA_HOME", test_dir, 1);
	p = store_default_path(true);
	want = xasprintf("%s/isokiosk/records.db", test_dir);
	ck_assert_str_eq(p, want);
	dir = xasprintf("%s/isokiosk", test_dir);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	free(dir);
	free(want);
	free(p);
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/kiosk", 1);
	p = store_default_path(false);
	ck_assert_str_eq(p, "/home/kiosk/.local/share/isokiosk/records.db");
	free(p);
}
END_TEST

START_TEST(test_outcome_names)
{
	ck_assert_str_eq(store_outcome_name(STORE_TIMED_OUT), "timed-out");
	ck_assert_int_eq(store_outcome_parse("stopped"), STORE_STOPPED);
	ck_assert_int_eq(store_outcome_parse("nope"), -1);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_open_mode_schema);
	tcase_add_test(tc, test_open_loose_mode_refused);
	tcase_add_test(tc, test_open_symlink_refused);
	tcase_add_test(tc, test_open_foreign_refused);
	tcase_add_test(tc, test_verify_content_swap);
	tcase_add_test(tc, test_migrate_from_4);
	tcase_add_test(tc, test_content_order_later);
	tcase_add_test(tc, test_one_writer);
	tcase_add_test(tc, test_readonly_missing);
	tcase_add_test(tc, test_canonical_and_seal);
	tcase_add_test(tc, test_idempotent_and_conflicts);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_completed_needs_signature);
	tcase_add_test(tc, test_triggers);
	tcase_add_test(tc, test_verify_clean);
	tcase_add_test(tc, test_verify_changed);
	tcase_add_test(tc, test_verify_removed);
	tcase_add_test(tc, test_verify_removed_child);
	tcase_add_test(tc, test_verify_swapped);
	tcase_add_test(tc, test_verify_swapped_rows);
	tcase_add_test(tc, test_verify_wrong_types);
	tcase_add_test(tc, test_verify_unsealed);
	tcase_add_test(tc, test_verify_verification_changed);
	tcase_add_test(tc, test_recover_open);
	tcase_add_test(tc, test_migrate_from_1);
	tcase_add_test(tc, test_verify_form_1);
	tcase_add_test(tc, test_verify_form_2);
	tcase_add_test(tc, test_migrate_from_5);
	tcase_add_test(tc, test_migrate_from_6);
	tcase_add_test(tc, test_verify_shared_part);
	tcase_add_test(tc, test_verify_shared_parts_many);
	tcase_add_test(tc, test_verify_ranges);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_content_file);
	tcase_add_test(tc, test_content_freeze);
	tcase_add_test(tc, test_each_since);
	tcase_add_test(tc, test_export_tricky_values);
	tcase_add_test(tc, test_export_invalid_utf8);
	tcase_add_test(tc, test_input_gate);
	tcase_add_test(tc, test_export_escapes_anywhere);
	tcase_add_test(tc, test_fail_io);
	tcase_add_test(tc, test_fail_full);
	tcase_add_test(tc, test_default_path);
	tcase_add_test(tc, test_outcome_names);
	suite_add_tcase(s, tc);
	return s;
}
