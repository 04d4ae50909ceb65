/*
 * Unit tests for bundle (a content folder as a whole) and `isokiosk check`:
 * the cross-language fixture trees in tests/content/xlang/ (made by its
 * make-fixtures.sh), manifest problems in trees written to a temporary
 * folder, the content version, and the exit status of the command.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "cmd.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

static char *
diags_text(struct diag_list *dl)
{
	struct strbuf sb;
	char *s;

	strbuf_init(&sb);
	diag_sort(dl);
	for (size_t i = 0; i < dl->n; i++) {
		char *d = diag_format(&dl->v[i]);
		strbuf_addstr(&sb, d);
		strbuf_addch(&sb, '\n');
		free(d);
	}
	s = strbuf_detach(&sb, NULL);
	strbuf_done(&sb);
	return s;
}

static void
to_xlang(void)
{
	char *dir = tap_source_path("tests/content/xlang");

	ck_assert_int_eq(chdir(dir), 0);
	free(dir);
}

/* Load root (relative to the xlang folder) and compare its diagnostics. */
static void
check_tree(const char *root, const char *want)
{
	struct diag_list dl;
	struct bundle *b;
	char *got;

	to_xlang();
	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	got = diags_text(&dl);
	ck_assert_str_eq(got, want);
	free(got);
	bundle_free(b);
	diag_list_done(&dl);
}

static void
file_hex(const char *path, char hex[65])
{
	FILE *fp = fopen(path, "rb");
	unsigned char buf[4096], h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	size_t n;

	ck_assert_ptr_nonnull(fp);
	crypto_hash_sha256_init(&st);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		crypto_hash_sha256_update(&st, buf, n);
	fclose(fp);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

START_TEST(test_complete)
{
	struct diag_list dl;
	struct bundle *b;
	const struct bundle_lang *ja, *en;
	static const char *const rels[] = {
		"manifest", "welcome.md", "care.md", "quiz.md", "consent.md",
		"../clinic.conf",
	};
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char want[65];

	to_xlang();
	diag_list_init(&dl);
	b = bundle_load("complete", &dl);
	ck_assert_uint_eq(dl.n, 0);
	ck_assert_uint_eq(b->nlangs, 2);
	ja = &b->langs[0];
	ck_assert_str_eq(ja->code, "ja");
	ck_assert_str_eq(ja->name, "日本語");
	ck_assert_str_eq(ja->dir, "complete/ja");
	ck_assert_uint_eq(ja->nscreens, 2);
	ck_assert_str_eq(ja->screens[0]->id, "welcome");
	ck_assert_str_eq(ja->screens[1]->id, "care");
	ck_assert_ptr_nonnull(ja->quiz);
	ck_assert_ptr_nonnull(ja->consent);
	/* {{clinic_name}} took the language's value */
	ck_assert_str_eq(ja->screens[0]->nodes[0].text.spans[0].text,
			 "テスト皮膚科へようこそ");
	en = bundle_lang(b, "en");
	ck_assert_ptr_eq(en, &b->langs[1]);
	ck_assert_str_eq(en->name, "English");
	ck_assert_str_eq(en->screens[0]->nodes[0].text.spans[0].text,
			 "Welcome to Test Dermatology");
	ck_assert_ptr_null(bundle_lang(b, "fr"));
	ck_assert_int_eq(bundle_screen_index(en, "care"), 1);
	ck_assert_int_eq(bundle_screen_index(en, "quiz"), -1);
	ck_assert_ptr_eq(bundle_screen(en, "welcome"), en->screens[0]);
	ck_assert_ptr_null(bundle_screen(en, "nope"));

	/* the files and the version, recomputed independently */
	ck_assert_uint_eq(ja->nfiles, 6);
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < 6; i++) {
		char *path = xasprintf("complete/ja/%s", rels[i]);
		char hex[65];

		file_hex(path, hex);
		ck_assert_str_eq(ja->files[i].rel, rels[i]);
		ck_assert_str_eq(ja->files[i].sha256, hex);
		crypto_hash_sha256_update(&st, (const unsigned char *)rels[i],
					  strlen(rels[i]) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)hex, 64);
		crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
		free(path);
	}
	ck_assert_str_eq(ja->files[5].path, "complete/clinic.conf");
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(want, sizeof want, h, sizeof h);
	ck_assert_str_eq(ja->version, want);
	ck_assert_str_ne(en->version, ja->version);
	bundle_free(b);
	diag_list_done(&dl);
}
END_TEST

/* The follow-up files: loaded by their manifest keys, and a translation
 * keeps their keys, choices and scores. */
START_TEST(test_followup)
{
	struct diag_list dl;
	struct bundle *b;
	char *got;

	to_xlang();
	diag_list_init(&dl);
	b = bundle_load("followup", &dl);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(b->langs[0].methods);
	ck_assert_ptr_nonnull(b->langs[0].mood);
	ck_assert_ptr_nonnull(b->langs[0].effects);
	ck_assert_ptr_nonnull(b->langs[0].urgent);
	ck_assert_int_eq(b->langs[0].recheck, 1);
	ck_assert_int_eq(b->langs[1].recheck, 2);
	ck_assert_ptr_null(b->langs[1].effects);
	/* the version covers the follow-up files, after the consent file */
	ck_assert_str_eq(b->langs[0].files[5].rel, "methods.md");
	ck_assert_str_eq(b->langs[0].files[8].rel, "urgent.md");
	got = diags_text(&dl);
	ck_assert_str_eq(got,
		"followup/en/manifest:7:1: error: 'recheck:' is 2 here but 1 in "
		"followup/ja/manifest\n"
		"followup/en/methods.md: error: the methods file needs exactly "
		"one 'message: not-met' section (what the patient reads when the "
		"methods chosen do not meet the rule); it has 0\n"
		"followup/en/methods.md:12:1: error: 'condom' must have the same "
		"keys, choices and scores as in followup/ja/methods.md:11 (only "
		"the words are translated)\n"
		"followup/en/mood.md:1:1: error: the front matter's validated: "
		"and code: must be as in followup/ja/mood.md\n"
		"followup/en/mood.md:18:1: error: 'b' must have the same keys, "
		"choices and scores as in followup/ja/mood.md:16 (only the words "
		"are translated)\n"
		"followup/ja/manifest:7:10: error: the en translation has no "
		"effects (followup/en/manifest has no 'effects:' line)\n"
		"followup/ja/methods.md:16:1: error: 'not-met' is missing from "
		"the en translation (followup/en/methods.md)\n");
	free(got);
	bundle_free(b);
	diag_list_done(&dl);
}
END_TEST

START_TEST(test_missing_screen)
{
	check_tree("missing-screen",
		   "missing-screen/en/manifest:7:1: error: screen 'extra' is not "
		   "in the source language ja (missing-screen/ja/manifest)\n"
		   "missing-screen/ja/manifest:7:1: error: screen 'tests' is "
		   "missing from the en translation (missing-screen/en/manifest)\n");
}
END_TEST

START_TEST(test_missing_question)
{
	check_tree("missing-question",
		   "missing-question/en/quiz.md:20:1: error: question 'q-extra' "
		   "is not in the source language ja (missing-question/ja/quiz.md)\n"
		   "missing-question/ja/consent.md:12:1: error: statement "
		   "'ack-preg' is missing from the en translation "
		   "(missing-question/en/consent.md)\n"
		   "missing-question/ja/quiz.md:18:1: error: question 'q-care' is "
		   "missing from the en translation (missing-question/en/quiz.md)\n");
}
END_TEST

START_TEST(test_mismatch)
{
	check_tree("mismatch",
		   "mismatch/en/quiz.md:14:1: error: question 'q-welcome' has 3 "
		   "choices here but 2 in mismatch/ja/quiz.md:7\n"
		   "mismatch/en/quiz.md:20:1: error: question 'q-care' has profile "
		   "'all' here but 'pregnancy' in mismatch/ja/quiz.md:18\n"
		   "mismatch/en/quiz.md:22:9: error: question 'q-care' re-reads "
		   "'welcome' here but 'care' in mismatch/ja/quiz.md:18\n"
		   "mismatch/en/quiz.md:26:1: error: question 'q-care': the right "
		   "answer is choice 1 here but choice 2 in mismatch/ja/quiz.md:18\n");
}
END_TEST

START_TEST(test_stale)
{
	char hex[65];
	char *want;

	to_xlang();
	file_hex("stale/ja/care.md", hex);
	want = xasprintf("stale/en/care.md:5:9: warning: out of date: "
			 "stale/ja/care.md has changed since this translation "
			 "(recorded source 7b45ae19b92b…); update the "
			 "translation, then set source: %s\n", hex);
	check_tree("stale", want);
	free(want);
}
END_TEST

/* ---- manifest problems, in a temporary tree ---------------------------- */

static char tmp_root[64];

static void
put(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", tmp_root, rel);
	FILE *fp;

	/* mkdir -p of the folders under tmp_root */
	for (char *p = path + strlen(tmp_root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0700);
		*p = '/';
	}
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

static void
tmp_setup(void)
{
	strcpy(tmp_root, "/tmp/isokiosk-bundle-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp_root));
	ck_assert_int_eq(chdir(tmp_root), 0);
}

static void
tmp_teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmp_root);

	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}

START_TEST(test_manifest_errors)
{
	struct diag_list dl;
	struct bundle *b;
	char *got;
	const char *want;

	tmp_setup();
	put("c/ja/manifest", "# m\nlanguage: 日本語\nlanguage: again\nwelcome\n"
	    "Bad_Id\nwelcome\ncolour: red\ngone\nquiz: quiz\nconsent: Bad!\n"
	    "qa\n");
	put("c/ja/welcome.md", "---\nid: welcome\ntitle: T\nkind: screen\n---\n本文\n");
	put("c/ja/qa.md", "---\nid: qa\ntitle: T\nkind: quiz\n---\n## q\n"
	    "profile: all\nreread: nowhere\n\n問い\n\n- [x] a\n- [ ] b\n\n説明\n");
	put("c/ja/quiz.md", "---\nid: quiz\ntitle: T\nkind: screen\n---\n本文\n");
	put("c/ja/stray.md", "---\nid: stray\ntitle: T\nkind: screen\n---\n本文\n");
	put("c/ja/README.md", "notes for translators\n");
	put("c/en/manifest", "welcome\n");
	put("c/en/welcome.md", "---\nid: welcome\ntitle: T\nkind: screen\n---\n本文\n");
	diag_list_init(&dl);
	b = bundle_load("c", &dl);
	got = diags_text(&dl);
	want =
		"c/en/manifest: error: no 'language:' line (the name shown in "
		"the language picker)\n"
		"c/en/welcome.md:1:1: error: front matter has no 'source:': a "
		"translation records the SHA-256 of the ja file it was translated "
		"from\n"
		"c/ja/manifest:3:1: error: 'language:' is given twice\n"
		"c/ja/manifest:5:1: error: 'Bad_Id' is not a screen id (lowercase "
		"letters, digits and '-') or a 'key: value' setting\n"
		"c/ja/manifest:6:1: error: screen 'welcome' is listed twice "
		"(first at line 4)\n"
		"c/ja/manifest:7:1: error: unknown setting 'colour' (expected "
		"language, quiz, consent, methods, mood, effects, urgent or "
		"recheck)\n"
		"c/ja/manifest:8:1: error: screen 'gone' has no file c/ja/gone.md\n"
		"c/ja/manifest:8:1: error: screen 'gone' is missing from the en "
		"translation (c/en/manifest)\n"
		"c/ja/manifest:9:7: error: the en translation has no quiz "
		"(c/en/manifest has no 'quiz:' line)\n"
		"c/ja/manifest:10:10: error: 'consent:' needs a file id "
		"(lowercase letters, digits and '-')\n"
		"c/ja/manifest:11:1: error: screen 'qa' is missing from the en "
		"translation (c/en/manifest)\n"
		"c/ja/qa.md:4:7: error: the manifest names this file as a screen, "
		"but its kind is 'quiz' (expected screen or qa)\n"
		"c/ja/quiz.md:4:7: error: the manifest names this file as the "
		"quiz, but its kind is 'screen' (expected quiz)\n"
		"c/ja/stray.md: error: this file is not in the manifest: add "
		"'stray' to c/ja/manifest, or remove the file\n";
	if (strcmp(got, want) != 0) /* Check cannot show long strings */
		fprintf(stderr, "got:\n%s\nwant:\n%s", got, want);
	ck_assert_str_eq(got, want);
	free(got);
	bundle_free(b);
	diag_list_done(&dl);
	tmp_teardown();
}
END_TEST

START_TEST(test_reread_and_no_source_lang)
{
	struct diag_list dl;
	struct bundle *b;
	char *got;

	tmp_setup();
	put("c/ja/manifest", "language: 日本語\nwelcome\nquiz: quiz\n");
	put("c/ja/welcome.md", "---\nid: welcome\ntitle: T\nkind: screen\n---\n本文\n");
	put("c/ja/quiz.md", "---\nid: quiz\ntitle: T\nkind: quiz\n---\n## q\n"
	    "profile: all\nreread: nowhere\n\n問い\n\n- [x] a\n- [ ] b\n\n説明\n");
	diag_list_init(&dl);
	b = bundle_load("c", &dl);
	got = diags_text(&dl);
	ck_assert_str_eq(got, "c/ja/quiz.md:8:9: error: reread: 'nowhere' is "
			 "not a screen in c/ja/manifest\n");
	free(got);
	bundle_free(b);
	diag_list_done(&dl);

	/* the same screens in another order */
	put("o/ja/manifest", "language: 日本語\na\nb\n");
	put("o/ja/a.md", "---\nid: a\ntitle: T\nkind: screen\n---\n本文\n");
	put("o/ja/b.md", "---\nid: b\ntitle: T\nkind: screen\n---\n本文\n");
	put("o/en/manifest", "language: English\nb\na\n");
	put("o/en/a.md", "---\nid: a\ntitle: T\nkind: screen\nsource: "
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "---\ntext\n");
	put("o/en/b.md", "---\nid: b\ntitle: T\nkind: screen\nsource: "
	    "f00716adf7d7b1c5b8e8bb2e4e1d1b7e4a3e1ab74c8d6a03e1ee3bd1c5a6cc77\n"
	    "---\ntext\n");
	diag_list_init(&dl);
	b = bundle_load("o", &dl);
	got = diags_text(&dl);
	ck_assert_uint_eq(diag_count(&dl, DIAG_WARNING), 2); /* both out of date */
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 1);
	ck_assert_str_eq(dl.v[2].message, "screen 'b' is in a different place "
			 "than in o/ja/manifest (keep the same order)");
	ck_assert_int_eq(dl.v[2].line, 2);
	free(got);
	bundle_free(b);
	diag_list_done(&dl);

	/* settings twice, an empty language, quiz only in the translation,
	   a statement that differs, a file too large */
	put("s/ja/manifest", "language: 日本語\nconsent: consent\nconsent: again\n");
	put("s/ja/consent.md", "---\nid: consent\ntitle: T\nkind: consent\n---\n"
	    "## ack-a\nprofile: all\n\n文\n");
	put("s/en/manifest", "language:\nconsent: consent\nquiz: quiz\n");
	put("s/en/quiz.md", "---\nid: quiz\ntitle: T\nkind: quiz\nsource: "
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "---\n## q\nprofile: all\nreread: x\n\nQ\n\n- [x] a\n- [ ] b\n\nE\n");
	{
		char *big = xcalloc(17 * 1024 * 1024, 1);
		memset(big, 'a', 17 * 1024 * 1024 - 1);
		put("s/en/consent.md", big);
		free(big);
	}
	diag_list_init(&dl);
	b = bundle_load("s", &dl);
	got = diags_text(&dl);
	ck_assert_str_eq(got,
		"s/en/consent.md: error: file is too large (more than 16777216 bytes)\n"
		"s/en/manifest:1:10: error: 'language:' needs the name shown in "
		"the language picker\n"
		"s/en/manifest:3:7: error: the source language ja has no quiz "
		"(s/ja/manifest has no 'quiz:' line)\n"
		"s/en/quiz.md:9:9: error: reread: 'x' is not a screen in "
		"s/en/manifest\n"
		"s/ja/manifest:3:1: error: 'consent:' is given twice\n");
	free(got);
	bundle_free(b);
	diag_list_done(&dl);
	put("s/en/manifest", "language: English\nconsent: consent\n");
	put("s/en/consent.md", "---\nid: consent\ntitle: T\nkind: consent\nsource: "
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "---\n## ack-a\nprofile: pregnancy\n\nS\n\n## ack-b\nprofile: all\n\nS\n");
	diag_list_init(&dl);
	b = bundle_load("s", &dl);
	got = diags_text(&dl);
	ck_assert_uint_eq(diag_count(&dl, DIAG_WARNING), 1);
	ck_assert_str_eq(dl.v[1].message, "statement 'ack-a' has profile "
			 "'pregnancy' here but 'all' in s/ja/consent.md:6");
	ck_assert_str_eq(dl.v[2].message, "statement 'ack-b' is not in the "
			 "source language ja (s/ja/consent.md)");
	free(got);
	bundle_free(b);
	diag_list_done(&dl);
	/* a statement for the guardian in one language only */
	put("s/en/consent.md", "---\nid: consent\ntitle: T\nkind: consent\nsource: "
	    "0000000000000000000000000000000000000000000000000000000000000000\n"
	    "---\n## ack-a\nprofile: all\nsigner: guardian\n\nS\n");
	diag_list_init(&dl);
	b = bundle_load("s", &dl);
	got = diags_text(&dl);
	/* with what the earlier trees left: the manifest and a stray quiz */
	ck_assert_ptr_nonnull(strstr(got,
		"s/en/consent.md:7:1: error: statement 'ack-a' is for the "
		"guardian here but for the patient in s/ja/consent.md:6\n"));
	free(got);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 3);
	bundle_free(b);
	diag_list_done(&dl);

	put("d/en/manifest", "language: English\n");
	diag_list_init(&dl);
	b = bundle_load("d", &dl);
	got = diags_text(&dl);
	ck_assert_str_eq(got, "d: error: no source language: expected "
			 "d/ja/manifest\n");
	free(got);
	bundle_free(b);
	diag_list_done(&dl);

	diag_list_init(&dl);
	ck_assert_ptr_null(bundle_load("nonexistent", &dl));
	got = diags_text(&dl);
	ck_assert_str_eq(got, "nonexistent: error: cannot read the content "
			 "folder: No such file or directory\n");
	free(got);
	diag_list_done(&dl);
	tmp_teardown();
}
END_TEST

/* ---- the command ------------------------------------------------------- */

static int
run_check(const char *a1, const char *a2)
{
	char *argv[4] = { (char *)"check", (char *)a1, (char *)a2, NULL };
	int argc = a1 == NULL ? 1 : a2 == NULL ? 2 : 3;
	int saved_err = dup(2), saved_out = dup(1);
	int null = open("/dev/null", O_WRONLY);
	int status;

	fflush(stdout);
	fflush(stderr);
	dup2(null, 2);
	dup2(null, 1);
	status = cmd_check(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_err, 2);
	dup2(saved_out, 1);
	close(null);
	close(saved_err);
	close(saved_out);
	return status;
}

START_TEST(test_cmd_check)
{
	to_xlang();
	ck_assert_int_eq(run_check("complete", NULL), 0);
	ck_assert_int_eq(run_check("complete/en", NULL), 0); /* a language folder */
	ck_assert_int_eq(run_check("stale", NULL), 0);       /* warnings only */
	ck_assert_int_eq(run_check("missing-screen", NULL), 1);
	ck_assert_int_eq(run_check("complete", "mismatch"), 1);
	ck_assert_int_eq(run_check("complete/en/care.md", NULL), 0);
	ck_assert_int_eq(run_check("missing-screen/en/extra.md", NULL), 0);
	ck_assert_int_eq(run_check("no-such-file.md", NULL), 1);
	ck_assert_int_eq(run_check("--bogus", NULL), 2);
	ck_assert_int_eq(run_check("--help", NULL), 0);
	ck_assert_int_eq(run_check("--", "complete"), 0);
	/* a manifest or clinic.conf checks the content folder it belongs to */
	ck_assert_int_eq(run_check("complete/en/manifest", NULL), 0);
	ck_assert_int_eq(run_check("missing-screen/clinic.conf", NULL), 1);
	ck_assert_int_eq(run_check("missing-screen/ja/manifest", NULL), 1);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("bundle");

	tcase_add_test(tc, test_complete);
	tcase_add_test(tc, test_followup);
	tcase_add_test(tc, test_missing_screen);
	tcase_add_test(tc, test_missing_question);
	tcase_add_test(tc, test_mismatch);
	tcase_add_test(tc, test_stale);
	tcase_add_test(tc, test_manifest_errors);
	tcase_add_test(tc, test_reread_and_no_source_lang);
	tcase_add_test(tc, test_cmd_check);
	suite_add_tcase(s, tc);
	return s;
}
