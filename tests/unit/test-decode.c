/*
 * Unit tests for decode: encodings (UTF-8, BOM, CP932, EUC-JP), invalid
 * bytes with their exact line:col, control characters, CRLF, NFC, size.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decode.h"
#include "diag.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

/* Japanese sentence "イソトレチノインは、皮脂を減らす薬です。" */
#define SENTENCE "イソトレチノインは、皮脂を減らす薬です。"
#define SENTENCE_CP932                                                       \
	"\x83\x43\x83\x5c\x83\x67\x83\x8c\x83\x60\x83\x6d\x83\x43\x83\x93"   \
	"\x82\xcd\x81\x41\x94\xe7\x8e\x89\x82\xf0\x8c\xb8\x82\xe7\x82\xb7"   \
	"\x96\xf2\x82\xc5\x82\xb7\x81\x42"
#define SENTENCE_EUCJP                                                       \
	"\xa5\xa4\xa5\xbd\xa5\xc8\xa5\xec\xa5\xc1\xa5\xce\xa5\xa4\xa5\xf3"   \
	"\xa4\xcf\xa1\xa2\xc8\xe9\xbb\xe9\xa4\xf2\xb8\xba\xa4\xe9\xa4\xb9"   \
	"\xcc\xf4\xa4\xc7\xa4\xb9\xa1\xa3"

/* Decode n bytes as "t.md"; the diagnostics, sorted, one per line. */
struct run {
	int rc;
	struct decode_text t;
	char *diags;
};

static struct run
run_n(const char *bytes, size_t n)
{
	struct run r;
	struct diag_list dl;
	struct strbuf sb;

	diag_list_init(&dl);
	r.rc = decode_bytes("t.md", bytes, n, &r.t, &dl);
	diag_sort(&dl);
	strbuf_init(&sb);
	for (size_t i = 0; i < dl.n; i++) {
		char *s = diag_format(&dl.v[i]);
		strbuf_addf(&sb, "%s\n", s);
		free(s);
	}
	r.diags = strbuf_detach(&sb, NULL);
	strbuf_done(&sb); /* detach leaves sb usable, so holding memory */
	diag_list_done(&dl);
	return r;
}

static struct run
run_s(const char *s)
{
	return run_n(s, strlen(s));
}

static void
run_done(struct run *r)
{
	decode_text_done(&r->t);
	free(r->diags);
}

/* Expect success with exactly this text and these diagnostics. */
static void
expect_ok(const char *in, size_t n, const char *text, const char *diags,
	  enum decode_encoding enc)
{
	struct run r = run_n(in, n);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.diags, diags);
	ck_assert_ptr_nonnull(r.t.text);
	ck_assert_str_eq(r.t.text, text);
	ck_assert_uint_eq(r.t.len, strlen(text));
	ck_assert_int_eq(r.t.encoding, enc);
	run_done(&r);
}

/* Expect failure with exactly these diagnostics. */
static void
expect_fail(const char *in, size_t n, const char *diags)
{
	struct run r = run_n(in, n);

	ck_assert_int_eq(r.rc, -1);
	ck_assert_str_eq(r.diags, diags);
	ck_assert_ptr_null(r.t.text);
	run_done(&r);
}

#define OK(in, text) expect_ok(in, sizeof in - 1, text, "", DECODE_UTF8)
#define FAIL(in, diags) expect_fail(in, sizeof in - 1, diags)

static const char warn_cp932[] =
	"t.md: warning: not UTF-8: read as CP932 (Windows Shift_JIS) and "
	"converted; save the file as UTF-8\n";
static const char warn_eucjp[] =
	"t.md: warning: not UTF-8: read as EUC-JP and converted; save the "
	"file as UTF-8\n";

START_TEST(test_utf8_plain)
{
	struct run r = run_s("---\nid: a\n---\n本文\tです\n");

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.t.text, "---\nid: a\n---\n本文\tです\n");
	ck_assert_int_eq(r.t.encoding, DECODE_UTF8);
	ck_assert(!r.t.had_bom);
	ck_assert_str_eq(r.diags, "");
	run_done(&r);
}
END_TEST

START_TEST(test_bom)
{
	struct run r = run_s("\xef\xbb\xbf# 見出し\n");

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.t.text, "# 見出し\n");
	ck_assert(r.t.had_bom);
	ck_assert_str_eq(r.diags, "");
	run_done(&r);
	/* Only a leading BOM is dropped; a bad byte after one is never CP932. */
	FAIL("\xef\xbb\xbf" "ab\n\x82\xa0\x82\xa2\n",
	     "t.md:2:1: error: invalid UTF-8 byte 0x82\n"
	     "t.md:2:2: error: invalid UTF-8 byte 0xa0\n"
	     "t.md:2:3: error: invalid UTF-8 byte 0x82\n"
	     "t.md:2:4: error: invalid UTF-8 byte 0xa2\n");
}
END_TEST

START_TEST(test_crlf)
{
	OK("a\r\nb\r\n\r\nc", "a\nb\n\nc");
	OK("漢\r\n", "漢\n");
}
END_TEST

START_TEST(test_cp932)
{
	/* あ 0x82a0, 〜 0x8160, − 0x817c, ￥ 0x818f, and 0x5c: glibc's CP932
	 * gives U+FF5E, U+FF0D, U+FFE5 and U+005C (not U+301C, U+2212, U+00A5
	 * as SHIFT_JIS would). */
	static const char in[] = "\x82\xa0\x81\x60\x81\x7c\x81\x8f\x5c\n";
	struct run r = run_n(in, sizeof in - 1);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.diags, warn_cp932);
	ck_assert_str_eq(r.t.text,
			 "\xe3\x81\x82"   /* U+3042 あ */
			 "\xef\xbd\x9e"   /* U+FF5E ～ */
			 "\xef\xbc\x8d"   /* U+FF0D － */
			 "\xef\xbf\xa5"   /* U+FFE5 ￥ */
			 "\\\n");
	ck_assert_int_eq(r.t.encoding, DECODE_CP932);
	run_done(&r);

	expect_ok("---\ntitle: " SENTENCE_CP932 "\n---\n",
		  sizeof "---\ntitle: " SENTENCE_CP932 "\n---\n" - 1,
		  "---\ntitle: " SENTENCE "\n---\n", warn_cp932, DECODE_CP932);
	/* CRLF in a converted file */
	expect_ok(SENTENCE_CP932 "\r\n", sizeof SENTENCE_CP932 "\r\n" - 1,
		  SENTENCE "\n", warn_cp932, DECODE_CP932);
}
END_TEST

START_TEST(test_eucjp)
{
	/* 〜 in EUC-JP (0xa1c1) is U+301C WAVE DASH, − (0xa1dd) U+2212 */
	static const char in[] = SENTENCE_EUCJP "\xa1\xc1\xa1\xdd\n";

	expect_ok(in, sizeof in - 1, SENTENCE "\xe3\x80\x9c\xe2\x88\x92\n",
		  warn_eucjp, DECODE_EUCJP);
	expect_ok("# " SENTENCE_EUCJP "\n\n" SENTENCE_EUCJP,
		  sizeof "# " SENTENCE_EUCJP "\n\n" SENTENCE_EUCJP - 1,
		  "# " SENTENCE "\n\n" SENTENCE, warn_eucjp, DECODE_EUCJP);
}
END_TEST

START_TEST(test_short_legacy)
{
	/* Short legacy text whose bytes happen to form valid 2-byte UTF-8
	 * (U+0134, U+0282, ...): the kana in the legacy reading win. */
	expect_ok("## \xc4\xb4\xa4\xd9\xa4\xeb\xa4\xb3\xa4\xc8\n",
		  sizeof "## \xc4\xb4\xa4\xd9\xa4\xeb\xa4\xb3\xa4\xc8\n" - 1,
		  "## 調べること\n", warn_eucjp, DECODE_EUCJP);
	expect_ok("## \x97\xca\x82\xc6\x8a\xfa\x8a\xd4\x82\xcc\x96\xda"
		  "\x88\xc0\n",
		  sizeof "## \x97\xca\x82\xc6\x8a\xfa\x8a\xd4\x82\xcc\x96\xda"
		  "\x88\xc0\n" - 1,
		  "## 量と期間の目安\n", warn_cp932, DECODE_CP932);
}
END_TEST

START_TEST(test_converted_control)
{
	/* Columns of a converted file are on the converted text: あい is 4. */
	FAIL("\x82\xa0\x82\xa2\x1b[0m\n",
	     "t.md: warning: not UTF-8: read as CP932 (Windows Shift_JIS) and "
	     "converted; save the file as UTF-8\n"
	     "t.md:1:5: error: control character U+001B (ESC) is not allowed: "
	     "content must not send escape sequences to the terminal\n");
}
END_TEST

START_TEST(test_invalid_after_cjk)
{
	FAIL("# 見出し\n漢字かな\xff" "です\n",
	     "t.md:2:9: error: invalid UTF-8 byte 0xff\n");
	/* a tab before it: tab stops every 8 columns */
	FAIL("あ\t\xfe\n", "t.md:1:9: error: invalid UTF-8 byte 0xfe\n");
	/* an ASCII file with one bad byte is not CP932, even when the byte
	 * and the letter after it would make ア (0x8341) */
	FAIL("title: x\nab\x83" "Acd\n",
	     "t.md:2:3: error: invalid UTF-8 byte 0x83 "
	     "(and not CP932 or EUC-JP)\n");
	/* not text at all: one error, with the count */
	FAIL("ab\x89\x90\n\x91",
	     "t.md:1:3: error: invalid UTF-8 byte 0x89 (and not CP932 or "
	     "EUC-JP; 3 invalid sequences in all)\n");
	/* ...nor a UTF-8 character cut short (縺 in CP932) */
	FAIL("ab\xe3\x81\n", "t.md:1:3: error: invalid UTF-8: incomplete "
			     "sequence 0xe3 0x81 (and not CP932 or EUC-JP)\n");
}
END_TEST

START_TEST(test_invalid_kinds)
{
	FAIL("日本\xc0\xaf\n",
	     "t.md:1:5: error: invalid UTF-8: overlong encoding 0xc0 0xaf\n");
	FAIL("日本\xe0\x80\xaf\n",
	     "t.md:1:5: error: invalid UTF-8: overlong encoding 0xe0 0x80 "
	     "0xaf\n");
	FAIL("日本\xed\xa0\x80\n",
	     "t.md:1:5: error: invalid UTF-8: encoded surrogate 0xed 0xa0 "
	     "0x80\n");
	FAIL("日本\xf4\x90\x80\x80\n",
	     "t.md:1:5: error: invalid UTF-8: beyond U+10FFFF: 0xf4 0x90 0x80 "
	     "0x80\n");
	FAIL("日本\x80" "a\n", "t.md:1:5: error: invalid UTF-8 byte 0x80\n");
	FAIL("日本\xe6\x97" "a\n",
	     "t.md:1:5: error: invalid UTF-8: incomplete sequence 0xe6 0x97\n");
	/* truncated at the end of the file */
	FAIL("日本\xe6\x97",
	     "t.md:1:5: error: invalid UTF-8: incomplete sequence 0xe6 0x97 "
	     "at end of file\n");
	/* several, each reported */
	FAIL("日本語\n\xff\nです\xfe\n",
	     "t.md:2:1: error: invalid UTF-8 byte 0xff\n"
	     "t.md:3:5: error: invalid UTF-8 byte 0xfe\n");
}
END_TEST

START_TEST(test_wide)
{
	FAIL("\xff\xfe-\0-\0", "t.md: error: the file is UTF-16LE (it starts "
			       "with the byte order mark 0xff 0xfe), not UTF-8: "
			       "save it as UTF-8\n");
	FAIL("\xfe\xff\0-\0-", "t.md: error: the file is UTF-16BE (it starts "
			       "with the byte order mark 0xfe 0xff), not UTF-8: "
			       "save it as UTF-8\n");
	FAIL("-\0-\0-\0\n\0", "t.md: error: the file seems to be UTF-16LE "
			      "(without a byte order mark), not UTF-8: save "
			      "it as UTF-8\n");
	FAIL("\0-\0-\0\xe3\0\n", "t.md: error: the file seems to be "
				"UTF-16BE (without a byte order mark), not "
				"UTF-8: save it as UTF-8\n");
	/* one NUL in UTF-8 text is a NUL, not UTF-16 */
	FAIL("ab\0cd\n", "t.md:1:3: error: control character U+0000 (NUL) "
			 "is not allowed: only tab and line breaks may appear "
			 "in content\n");
}
END_TEST

START_TEST(test_controls)
{
	FAIL("a\x1b[31mred\n",
	     "t.md:1:2: error: control character U+001B (ESC) is not allowed: "
	     "content must not send escape sequences to the terminal\n");
	FAIL("x\n漢\x07\n",
	     "t.md:2:3: error: control character U+0007 (BEL) is not allowed: "
	     "only tab and line breaks may appear in content\n");
	FAIL("ab\x7f\n",
	     "t.md:1:3: error: control character U+007F (DEL) is not allowed: "
	     "only tab and line breaks may appear in content\n");
	FAIL("a\xc2\x9b" "31m\n",
	     "t.md:1:2: error: control character U+009B (CSI) is not allowed: "
	     "content must not send escape sequences to the terminal\n");
	FAIL("a\xc2\x85\n",
	     "t.md:1:2: error: control character U+0085 (NEL) is not allowed: "
	     "content must not send escape sequences to the terminal\n");
	FAIL("ab\0cd\n",
	     "t.md:1:3: error: control character U+0000 (NUL) is not allowed: "
	     "only tab and line breaks may appear in content\n");
	FAIL("ab\rcd\n",
	     "t.md:1:3: error: carriage return (U+000D) without a line feed: "
	     "lines must end in LF or CRLF\n");
	FAIL("ab\r", "t.md:1:3: error: carriage return (U+000D) without a "
		     "line feed: lines must end in LF or CRLF\n");
	/* U+00A0..U+00FF (C2 A0 and up) are fine */
	OK("\xc2\xa0\xc2\xa9\n", "\xc2\xa0\xc2\xa9\n");
}
END_TEST

START_TEST(test_control_cap)
{
	struct strbuf in, want;

	strbuf_init(&in);
	strbuf_init(&want);
	strbuf_addstr(&in, "x\n");
	for (int i = 0; i < 25; i++)
		strbuf_addch(&in, '\x07');
	for (int i = 0; i < 20; i++)
		strbuf_addf(&want, "t.md:2:%d: error: control character U+0007 "
			    "(BEL) is not allowed: only tab and line breaks "
			    "may appear in content\n", i + 1);
	strbuf_addstr(&want, "t.md:2:21: error: 5 more problems like the "
		      "above are not shown (25 in all)\n");
	expect_fail(in.s, in.len, want.s);
	strbuf_done(&in);
	strbuf_done(&want);
}
END_TEST

START_TEST(test_nfc)
{
	/* か + U+3099 (combining voiced mark) → が; e + U+0301 → é */
	OK("\xe3\x81\x8b\xe3\x82\x99\n", "\xe3\x81\x8c\n");
	OK("caf\x65\xcc\x81", "caf\xc3\xa9");
	/* already NFC stays as it is */
	OK("が\n", "が\n");
}
END_TEST

START_TEST(test_empty)
{
	struct run r = run_n("", 0);

	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(r.t.text);
	ck_assert_str_eq(r.t.text, "");
	ck_assert_uint_eq(r.t.len, 0);
	ck_assert_str_eq(r.diags, "");
	run_done(&r);
}
END_TEST

START_TEST(test_long_line)
{
	size_t n = 1 << 20, k = n / 3; /* k × あ ≈ 1 MB on one line */
	char *in = xmalloc(n + 8);
	struct run r;
	char *want;

	for (size_t i = 0; i < k; i++)
		memcpy(in + 3 * i, "あ", 3);
	in[3 * k] = '\n';
	r = run_n(in, 3 * k + 1);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_uint_eq(r.t.len, 3 * k + 1);
	ck_assert_int_eq(memcmp(r.t.text, in, 3 * k + 1), 0);
	run_done(&r);

	/* a bad byte near the end: column 2k + 1 */
	in[3 * k] = '\xff';
	in[3 * k + 1] = '\n';
	r = run_n(in, 3 * k + 2);
	ck_assert_int_eq(r.rc, -1);
	want = xasprintf("t.md:1:%zu: error: invalid UTF-8 byte 0xff\n",
			 2 * k + 1);
	ck_assert_str_eq(r.diags, want);
	free(want);
	run_done(&r);
	free(in);
}
END_TEST

START_TEST(test_file)
{
	struct diag_list dl;
	struct decode_text t;
	char *path = tap_source_path("tests/content/bad/enc-cp932.md");
	char *s;

	diag_list_init(&dl);
	ck_assert_int_eq(decode_file("/nonexistent/x.md", &t, &dl), -1);
	ck_assert_ptr_null(t.text);
	s = diag_format(&dl.v[0]);
	ck_assert_str_eq(s, "/nonexistent/x.md: error: cannot read: No such "
			    "file or directory");
	free(s);
	ck_assert_int_eq(decode_file("/", &t, &dl), -1);
	s = diag_format(&dl.v[1]);
	ck_assert_str_eq(s, "/: error: cannot read: Is a directory");
	free(s);
	ck_assert_uint_eq(dl.n, 2);

	ck_assert_int_eq(decode_file(path, &t, &dl), 0);
	ck_assert_int_eq(t.encoding, DECODE_CP932);
	ck_assert_uint_eq(dl.n, 3);
	ck_assert_int_eq(dl.v[2].severity, DIAG_WARNING);
	ck_assert_ptr_nonnull(strstr(t.text, "id: enc-cp932\n"));
	ck_assert_ptr_nonnull(strstr(t.text, "皮脂"));
	decode_text_done(&t);
	diag_list_done(&dl);
	free(path);
}
END_TEST

/* decode_buffer works in the buffer it is given when the text is UTF-8. */
START_TEST(test_buffer_in_place)
{
	static const char in[] = "\xef\xbb\xbf" "a\r\nb\r\n\xe7\x9a\xae\xe8\x84\x82\r\nc";
	struct diag_list dl;
	struct decode_text t;
	char *buf;

	diag_list_init(&dl);
	/* plain UTF-8: the very same block, NUL-terminated */
	buf = xmalloc(6);
	memcpy(buf, "ab\ncd", 5);
	ck_assert_int_eq(decode_buffer("t.md", buf, 5, &t, &dl), 0);
	ck_assert_ptr_eq(t.text, buf);
	ck_assert_str_eq(t.text, "ab\ncd");
	ck_assert_uint_eq(t.len, 5);
	decode_text_done(&t);
	/* BOM and CRLF dropped in place */
	buf = xmalloc(sizeof in);
	memcpy(buf, in, sizeof in - 1);
	ck_assert_int_eq(decode_buffer("t.md", buf, sizeof in - 1, &t, &dl), 0);
	ck_assert_ptr_eq(t.text, buf);
	ck_assert_str_eq(t.text, "a\nb\n皮脂\nc");
	ck_assert_uint_eq(t.len, strlen("a\nb\n皮脂\nc"));
	ck_assert(t.had_bom);
	decode_text_done(&t);
	/* NFC that changes the text: a new block (the old one freed) */
	buf = xmalloc(4);
	memcpy(buf, "e\xcc\x81", 3);
	ck_assert_int_eq(decode_buffer("t.md", buf, 3, &t, &dl), 0);
	ck_assert_str_eq(t.text, "\xc3\xa9");
	ck_assert_uint_eq(t.len, 2);
	decode_text_done(&t);
	/* an error frees the buffer (the sanitizer build checks) */
	buf = xmalloc(4);
	memcpy(buf, "a\x01" "b", 3);
	ck_assert_int_eq(decode_buffer("t.md", buf, 3, &t, &dl), -1);
	ck_assert_ptr_null(t.text);
	ck_assert_uint_eq(dl.n, 1);
	/* empty */
	buf = xmalloc(1);
	ck_assert_int_eq(decode_buffer("t.md", buf, 0, &t, &dl), 0);
	ck_assert_str_eq(t.text, "");
	ck_assert_uint_eq(t.len, 0);
	decode_text_done(&t);
	diag_list_done(&dl);
}
END_TEST

/* A file with no size (a pipe) is read whole too. */
START_TEST(test_file_pipe)
{
	struct diag_list dl;
	struct decode_text t;
	char *cmd;
	int fds[2];
	pid_t pid;
	static char big[200000];

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t off = 0;

		close(fds[0]);
		while (off < sizeof big) {
			ssize_t k = write(fds[1], big + off, sizeof big - off);
			if (k <= 0)
				_exit(1);
			off += (size_t)k;
		}
		_exit(0);
	}
	close(fds[1]);
	cmd = xasprintf("/dev/fd/%d", fds[0]);
	diag_list_init(&dl);
	ck_assert_int_eq(decode_file(cmd, &t, &dl), 0);
	ck_assert_uint_eq(t.len, sizeof big);
	ck_assert(memcmp(t.text, big, sizeof big) == 0);
	ck_assert_int_eq(t.text[t.len], '\0');
	ck_assert_uint_eq(dl.n, 0);
	decode_text_done(&t);
	diag_list_done(&dl);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	free(cmd);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_utf8_plain);
	tcase_add_test(tc, test_bom);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_cp932);
	tcase_add_test(tc, test_eucjp);
	tcase_add_test(tc, test_short_legacy);
	tcase_add_test(tc, test_converted_control);
	tcase_add_test(tc, test_invalid_after_cjk);
	tcase_add_test(tc, test_invalid_kinds);
	tcase_add_test(tc, test_wide);
	tcase_add_test(tc, test_controls);
	tcase_add_test(tc, test_control_cap);
	tcase_add_test(tc, test_nfc);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_buffer_in_place);
	tcase_add_test(tc, test_file_pipe);
	suite_add_tcase(s, tc);
	return s;
}
