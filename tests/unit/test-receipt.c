/*
 * Unit tests for the receipt module: print_command split without a shell
 * (quotes, escapes, what a shell would do refused with where), running it
 * (the bytes arrive; failure, a missing program, a program that stops
 * reading, one that hangs, one that writes escape sequences), a frozen
 * manifest read, the record gathered for the copy from a session recorded
 * from the bundled content (labels in both languages, every statement as
 * acknowledged (a guardian's statements marked as the guardian's),
 * attempts grouped per question with their prompts, the
 * signatures and the staff countersignature, the screens shown), the
 * refusals, and a PDF made on both papers; an A4 copy's appendix laid out
 * beside the record, with either half drawing the copy, the same PDF as in
 * one go, and either half failing (or both: no font) said without a hang
 * or a leak; a follow-up's own answers
 * (methods, mood check, side effects, flags and who saw them, may
 * prescribe) with their texts from the frozen content, an id not found
 * there kept as stored.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pango/pangocairo.h>

#include "bundle.h"
#include "i18n.h"
#include "receipt-int.h"
#include "store-visit.h"
#include "store.h"
#include "tap.h"
#include "xmalloc.h"

static char *test_dir;
static char *test_db;

static void
setup(void)
{
	char tmpl[] = "/tmp/test-receipt-XXXXXX";

	test_dir = xstrdup(mkdtemp(tmpl));
	test_db = xasprintf("%s/records.db", test_dir);
	setenv("TZ", "Asia/Tokyo", 1);
	ck_assert_int_eq(i18n_init(), 0);
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

/* ---- print_command ------------------------------------------------------ */

static void
test_split_ok(const char *cmd, const char *const *want)
{
	char *err = NULL;
	char **argv = receipt_command_split(cmd, &err);
	size_t i;

	ck_assert_msg(argv != NULL, "%s: %s", cmd, err ? err : "?");
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_ptr_nonnull(argv[i]);
		ck_assert_str_eq(argv[i], want[i]);
	}
	ck_assert_ptr_null(argv[i]);
	receipt_argv_free(argv);
}

static void
test_split_bad(const char *cmd, const char *want)
{
	char *err = NULL;

	ck_assert_ptr_null(receipt_command_split(cmd, &err));
	ck_assert_str_eq(err, want);
	free(err);
}

START_TEST(test_split)
{
	test_split_ok("lp -d clinic-printer",
		      (const char *const[]){ "lp", "-d", "clinic-printer", NULL });
	test_split_ok("  lp\t-d  'Clinic Printer'   ",
		      (const char *const[]){ "lp", "-d", "Clinic Printer", NULL });
	test_split_ok("lp -t \"控え \\\"1\\\" \\\\ x\" -o media=A4",
		      (const char *const[]){ "lp", "-t", "控え \"1\" \\ x",
					     "-o", "media=A4", NULL });
	test_split_ok("a'b'\"c\"\\ d e# f~",
		      (const char *const[]){ "abc d", "e#", "f~", NULL });
	test_split_ok("sh -c 'exec lp >/dev/null | x'",
		      (const char *const[]){ "sh", "-c",
					     "exec lp >/dev/null | x", NULL });
	test_split_ok("''", (const char *const[]){ "", NULL });

	test_split_bad("lp | tee x", "print_command: '|' at byte 4: it is run"
		       " without a shell; quote the character, or put a pipeline"
		       " or redirection in a script and name the script");
	test_split_bad("lp > out", "print_command: '>' at byte 4: it is run"
		       " without a shell; quote the character, or put a pipeline"
		       " or redirection in a script and name the script");
	test_split_bad("lp $PRINTER", "print_command: '$' at byte 4: it is run"
		       " without a shell; quote the character, or put a pipeline"
		       " or redirection in a script and name the script");
	test_split_bad("lp; rm x", "print_command: ';' at byte 3: it is run"
		       " without a shell; quote the character, or put a pipeline"
		       " or redirection in a script and name the script");
	test_split_bad("~/print", "print_command: '~' at byte 1: it is run"
		       " without a shell; quote the character, or put a pipeline"
		       " or redirection in a script and name the script");
	test_split_bad("lp\nrm", "print_command: '\\n' at byte 3: it is run"
		       " without a shell; quote the character, or put a pipeline"
		       " or redirection in a script and name the script");
	test_split_bad("lp 'x", "print_command: the quote at byte 4 is not"
		       " closed");
	test_split_bad("lp \"x", "print_command: the quote at byte 4 is not"
		       " closed");
	test_split_bad("lp x\\", "print_command: a backslash ends it");
	test_split_bad("lp \x1b[2J", "print_command: control character 0x1b"
		       " at byte 4");
	test_split_bad("   ", "print_command is empty: name the program that"
		       " prints (e.g. lp -d clinic-printer)");
	test_split_bad("", "print_command is empty: name the program that"
		       " prints (e.g. lp -d clinic-printer)");
}
END_TEST

static char *
test_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	ck_assert_ptr_nonnull(fp);
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb, len);
}

START_TEST(test_print)
{
	size_t big = 3 << 20, got_len; /* more than a pipe holds */
	char *data = xmalloc(big), *cmd, *got, *err = NULL, *out;

	for (size_t i = 0; i < big; i++)
		data[i] = (char)(i * 7 + 3);
	unsetenv("LANGUAGE"); /* strerror in English in the messages */
	out = xasprintf("%s/printed", test_dir);
	/* tee: the bytes to a file, and a copy to standard output, which
	 * goes nowhere */
	cmd = xasprintf("tee '%s'", out);
	ck_assert_int_eq(receipt_print(cmd, data, big, 30, &err), 0);
	ck_assert_ptr_null(err);
	got = test_slurp(out, &got_len);
	ck_assert_uint_eq(got_len, big);
	ck_assert(memcmp(got, data, big) == 0);
	free(got);
	free(cmd);

	ck_assert_int_eq(receipt_print("false", data, 10, 30, &err), -1);
	ck_assert_str_eq(err, "false failed (exit status 1)");
	ck_assert_int_eq(receipt_print("sh -c 'cat >/dev/null; echo first"
				       " >&2; printf \"paper \\033[31mjam\\n\\n\""
				       " >&2; exit 3'", data, big, 30, &err), -1);
	ck_assert_str_eq(err, "sh failed (exit status 3): paper [31mjam");
	ck_assert_int_eq(receipt_print("/no/such/printer -x", data, 10, 30,
				       &err), -1);
	ck_assert_str_eq(err, "/no/such/printer failed (exit status 127):"
			 " cannot run /no/such/printer: No such file or"
			 " directory");
	/* exits 0 without reading: the copy did not reach the printer */
	ck_assert_int_eq(receipt_print("true", data, big, 30, &err), -1);
	ck_assert_msg(strncmp(err, "true ended without reading the whole copy",
			      41) == 0, "%s", err);
	/* hangs: stopped at the time limit */
	ck_assert_int_eq(receipt_print("sleep 30", data, 10, 1, &err), -1);
	ck_assert_str_eq(err, "sleep did not finish within 1 s and was"
			 " stopped");
	ck_assert_int_eq(receipt_print("sh -c 'kill -9 $$'", data, 10, 30,
				       &err), -1);
	ck_assert_str_eq(err, "sh was killed by signal 9");
	ck_assert_int_eq(receipt_print("lp | x", data, 10, 30, &err), -1);
	ck_assert_msg(strstr(err, "without a shell") != NULL, "%s", err);
	free(err);
	free(out);
	free(data);
}
END_TEST

START_TEST(test_manifest)
{
	static const char text[] =
		"# a comment\n"
		"language: 日本語\n"
		"  welcome  \r\n"
		"\n"
		"what-is\n"
		"Not An Id\n"
		"quiz: quiz\n"
		"consent: consent\n"
		"quiz: other\n"
		"pores";
	struct arena a = { 0 };
	struct receipt_manifest m;

	receipt_manifest_read(&a, text, sizeof text - 1, &m);
	ck_assert_str_eq(m.language, "日本語");
	ck_assert_str_eq(m.quiz, "quiz");
	ck_assert_str_eq(m.consent, "consent");
	ck_assert_uint_eq(m.nscreens, 3);
	ck_assert_str_eq(m.screens[0], "welcome");
	ck_assert_str_eq(m.screens[1], "what-is");
	ck_assert_str_eq(m.screens[2], "pores");
	receipt_manifest_read(&a, "", 0, &m);
	ck_assert_uint_eq(m.nscreens, 0);
	ck_assert_ptr_null(m.language);
	arena_done(&a);
	ck_assert_int_eq(receipt_paper_parse("a4"), RECEIPT_A4);
	ck_assert_int_eq(receipt_paper_parse("receipt"), RECEIPT_ROLL);
	ck_assert_int_eq(receipt_paper_parse("letter"), -1);
}
END_TEST

/* ---- a session recorded from the bundled content ------------------------ */

static int64_t test_time = 1796580360000LL; /* 2026-12-06T18:06:00Z */

static int64_t
test_clock(void *ctx)
{
	(void)ctx;
	test_time += 7000;
	return test_time;
}

static struct store *
test_open(void)
{
	struct store_opts o = { .clock = test_clock };
	char *err = NULL;
	struct store *st = store_open(test_db, &o, &err);

	ck_assert_msg(st != NULL, "%s", err ? err : "?");
	return st;
}

static struct bundle *
test_bundle(void)
{
	char *root = tap_source_path("content");
	struct diag_list dl;
	struct bundle *b;

	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(diag_count(&dl, DIAG_ERROR), 0);
	diag_list_done(&dl);
	free(root);
	return b;
}

static bool
test_sees(const char *node_profile, const char *profile)
{
	return node_profile == NULL || strcmp(node_profile, "all") == 0 ||
	       strcmp(node_profile, profile) == 0;
}

/* A completed session as the kiosk records it; the first question answered
 * wrong once. Returns its id. */
static int64_t
test_session(struct store *st, const struct bundle_lang *l, const char *profile,
	     bool minor)
{
	struct store_start s = { .kiosk_id = "k1", .staff_id = "nurse",
		.patient_ref = "P-1", .profile = profile, .lang = l->code,
		.content_version = l->version, .minor = minor };
	char *err = NULL;
	int64_t id;
	int n = 0;

	ck_assert_int_eq(store_content_freeze(st, l, &err), 0);
	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(store_screen(st, id, l->screens[i]->id,
					      65000, &err), 0);
	ck_assert_int_eq(store_screen(st, id, l->screens[0]->id, 1000, &err),
			 0);
	for (size_t i = 0; i < l->quiz->n; i++) {
		const struct content_node *q = &l->quiz->nodes[i];
		int right = 0;

		if (q->kind != CONTENT_QUESTION || !test_sees(q->profile, profile))
			continue;
		for (size_t k = 0; k < q->nitems; k++)
			if (q->items[k].checked == 1)
				right = (int)k;
		for (int at = 1; at <= (n == 0 ? 2 : 1); at++) {
			int pick = n == 0 && at == 1 ? (right + 1) % (int)q->nitems
						     : right;
			char *text = content_inline_text(&q->items[pick].text);
			struct store_answer a = { q->id, at, pick, text, NULL,
						  pick == right };

			ck_assert_int_eq(store_answer(st, id, &a, &err), 0);
			free(text);
		}
		n++;
	}
	for (size_t i = 0; i < l->consent->n; i++) {
		const struct content_node *c = &l->consent->nodes[i];
		char *text;

		if (c->kind != CONTENT_STATEMENT || !test_sees(c->profile, profile) ||
		    (c->signer != NULL && !minor))
			continue;
		text = content_nodes_text(c->children, c->nchildren);
		ck_assert_int_eq(store_ack(st, id, c->id, text, &err), 0);
		free(text);
	}
	ck_assert_int_eq(store_sign(st, id, "patient", "山田 花子", "本人による確認",
				    &err), 0);
	if (minor)
		ck_assert_int_eq(store_sign(st, id, "guardian", "山田 一郎",
					    "保護者による確認", &err), 0);
	ck_assert_int_eq(store_session_end(st, id, STORE_COMPLETED, NULL, &err),
			 0);
	ck_assert_int_eq(store_staff_verify(st, id, "nurse-b", &err), 0);
	ck_assert_ptr_null(err);
	return id;
}

static const char *
test_field(const struct receipt_model *m, enum receipt_label label)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (m->fields[i].label == m->L[label])
			return m->fields[i].value;
	return NULL;
}

START_TEST(test_model_ja)
{
	struct bundle *b = test_bundle();
	const struct bundle_lang *l = bundle_lang(b, "ja");
	struct store *st = test_open();
	int64_t id = test_session(st, l, "pregnancy", true);
	struct receipt_opts o = { .paper = RECEIPT_A4, .with_content = true,
				  .now_ms = 1796583960000LL };
	struct receipt_model m;
	struct store_session s;
	char *err = NULL;
	size_t k = 0;

	ck_assert_msg(receipt_model_load(st, id, &o, &m, &err) == 0, "%s", err);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(m.L[RX_TITLE], "同意書の控え");
	ck_assert_str_eq(m.clinic, "みほん皮膚科クリニック");
	ck_assert_str_eq(test_field(&m, RX_PATIENT), "P-1");
	ck_assert_str_eq(test_field(&m, RX_PROFILE), "妊娠の可能性がある");
	ck_assert_str_eq(test_field(&m, RX_VISIT), "初回（説明と同意）");
	ck_assert_str_eq(test_field(&m, RX_MINOR), "はい（保護者も署名）");
	ck_assert_str_eq(test_field(&m, RX_LANGUAGE), "日本語");
	ck_assert_str_eq(test_field(&m, RX_STARTED), "2026-12-07 03:06:07 +09:00");
	ck_assert_str_eq(test_field(&m, RX_OUTCOME), "完了");
	ck_assert_str_eq(m.made, "この控えは 2026-12-07 04:06 +09:00 に、記録が"
			 "封印と一致することを確かめてから作りました。");
	store_session_init(&s);
	ck_assert_int_eq(store_session_get(st, id, &s, &err), 0);
	/* every statement exactly as acknowledged */
	ck_assert_uint_eq(m.nstmts, s.nacks);
	for (size_t i = 0; i < s.nacks; i++)
		ck_assert_str_eq(m.stmts[i].text, s.acks[i].text);
	ck_assert(strstr(m.stmts[0].at, "+09:00") != NULL);
	/* the guardian's statements (signer: guardian) are the guardian's,
	 * the others the patient's */
	{
		size_t nguardian = 0;

		for (size_t i = 0; i < s.nacks; i++) {
			const struct content_node *c = NULL;

			for (size_t j = 0; j < l->consent->n; j++)
				if (l->consent->nodes[j].id != NULL &&
				    strcmp(l->consent->nodes[j].id,
					   s.acks[i].statement_id) == 0)
					c = &l->consent->nodes[j];
			ck_assert_ptr_nonnull(c);
			ck_assert_msg(m.stmts[i].guardian == (c->signer != NULL),
				      "statement %zu (%s)", i + 1, c->id);
			nguardian += m.stmts[i].guardian;
		}
		ck_assert_uint_ge(nguardian, 3);
		ck_assert(m.stmts[s.nacks - 1].guardian);
		ck_assert(!m.stmts[0].guardian);
	}
	ck_assert_str_eq(m.by_patient, "本人が確認したこと");
	ck_assert_str_eq(m.by_guardian, "保護者（山田 一郎）が確認したこと");
	/* attempts grouped per question, with the prompt kept */
	for (size_t i = 0; i < m.nquestions; i++) {
		ck_assert_ptr_nonnull(m.questions[i].prompt);
		k += m.questions[i].n;
	}
	ck_assert_uint_eq(k, s.nanswers);
	ck_assert_uint_eq(m.nquestions, s.nanswers - 1);
	ck_assert_uint_eq(m.questions[0].n, 2);
	ck_assert(!m.questions[0].v[0].correct);
	ck_assert_int_eq(m.questions[0].v[1].attempt, 2);
	ck_assert(m.questions[0].v[1].correct);
	/* the signatures, the countersignature, the seal */
	ck_assert_uint_eq(m.nsigns, 2);
	ck_assert_str_eq(m.signs[0].role, "本人");
	ck_assert_str_eq(m.signs[0].name, "山田 花子");
	ck_assert_str_eq(m.signs[1].role, "保護者");
	ck_assert_str_eq(m.signs[1].meaning, "保護者による確認");
	ck_assert_uint_eq(m.nstaff, 1);
	ck_assert_str_eq(m.staff[0].staff_id, "nurse-b");
	ck_assert_str_eq(m.seal, s.seal_hash);
	ck_assert(strncmp(m.code, s.seal_hash, 4) == 0 && m.code[4] == '-' &&
		  strncmp(m.code + 5, s.seal_hash + 4, 4) == 0);
	{
		char *qr = xasprintf("isokiosk:%s:%s", m.code, s.seal_hash);

		ck_assert_str_eq(m.qr, qr);
		free(qr);
	}
	/* the screens shown, once each, in the manifest's order */
	ck_assert_uint_eq(m.nscreens, 3);
	ck_assert_str_eq(m.screens[0].doc->id, l->screens[0]->id);
	ck_assert_str_eq(m.screens[0].shown, "表示時間：1分06秒");
	ck_assert_str_eq(m.screens[1].shown, "表示時間：1分05秒");
	store_session_done(&s);
	receipt_model_done(&m);

	/* English labels on the same record; its texts stay as recorded */
	o.lang = "en";
	ck_assert_int_eq(receipt_model_load(st, id, &o, &m, &err), 0);
	ck_assert_str_eq(m.L[RX_TITLE], "Consent record: the patient's copy");
	ck_assert_str_eq(m.clinic, "Mihon Dermatology Clinic (sample)");
	ck_assert_str_eq(test_field(&m, RX_PROFILE), "can become pregnant");
	ck_assert_str_eq(m.signs[0].meaning, "本人による確認");
	ck_assert_str_eq(m.screens[0].shown, "Shown for 1 min 06 s");
	ck_assert_str_eq(m.by_guardian, "Confirmed by the guardian, 山田 一郎");
	receipt_model_done(&m);
	o.lang = "fr";
	ck_assert_int_eq(receipt_model_load(st, id, &o, &m, &err), -1);
	ck_assert_msg(strstr(err, "no translation of the copy's words into"
			     " 'fr'") != NULL, "%s", err);
	o.lang = "../x";
	ck_assert_int_eq(receipt_model_load(st, id, &o, &m, &err), -1);
	ck_assert_msg(strstr(err, "is not a language code") != NULL, "%s", err);
	free(err);
	store_close(st);
	bundle_free(b);
}
END_TEST

/* The plain text of a follow-up answer's text, for comparing. */
static char *
test_text(const struct receipt_text *t)
{
	if (t->nodes != NULL)
		return content_nodes_text(t->nodes, t->n);
	if (t->in != NULL)
		return content_inline_text(t->in);
	return xstrdup(t->s);
}

#define test_text_eq(t, want)                                              \
	do {                                                               \
		char *got_ = test_text(t);                                 \
		ck_assert_str_eq(got_, want);                              \
		free(got_);                                                \
	} while (0)

static void
test_vanswer(struct store *st, int64_t id, const char *kind,
	     const char *entry, int choice, int score)
{
	struct store_visit_answer a = { kind, entry, choice, score };
	char *err = NULL;

	ck_assert_msg(store_visit_answer(st, id, &a, &err) == 0, "%s", err);
}

START_TEST(test_model_followup)
{
	struct bundle *b = test_bundle();
	const struct bundle_lang *l = bundle_lang(b, "ja");
	struct store *st = test_open();
	int64_t first = test_session(st, l, "pregnancy", false), id;
	struct store_start s = { .kiosk_id = "k1", .staff_id = "nurse",
		.patient_ref = "P-1", .profile = "pregnancy", .lang = "ja",
		.content_version = l->version, .visit = "follow-up" };
	struct receipt_opts o = { .paper = RECEIPT_A4 };
	struct receipt_model m;
	struct strbuf pdf;
	char *err = NULL;

	ck_assert_int_eq(store_session_begin(st, &s, &id, &err), 0);
	test_vanswer(st, id, "method", "pill", 1, 0);
	test_vanswer(st, id, "method", "condom", 1, 0);
	test_vanswer(st, id, "method", "foam", 1, 0); /* not in the file */
	test_vanswer(st, id, "mood", "low-mood", 1, 1);
	test_vanswer(st, id, "mood", "sleep", 2, 2);  /* not in the file */
	test_vanswer(st, id, "mood", "worry", 9, 0);  /* no such choice */
	test_vanswer(st, id, "effect", "dry", 1, 0);
	test_vanswer(st, id, "effect", "head-vision", 1, 0);
	test_vanswer(st, id, "effect", "x-ray", 1, 0); /* not in the file */
	ck_assert_int_eq(store_flag_raise(st, id, "mood", "band-talk", "staff",
					  NULL, &err), 0);
	ck_assert_int_eq(store_flag_raise(st, id, "effects", "head-vision",
					  "urgent", NULL, &err), 0);
	/* two statements confirmed again, the second one because its
	 * wording changed (as the kiosk records it) */
	{
		size_t k = 0;

		for (size_t i = 0; i < l->consent->n && k < 2; i++) {
			const struct content_node *c = &l->consent->nodes[i];
			char *text;

			if (c->kind != CONTENT_STATEMENT || c->signer != NULL)
				continue;
			if (k++ == 1)
				test_vanswer(st, id, "reconsent", c->id, 1, 0);
			text = content_nodes_text(c->children, c->nchildren);
			ck_assert_int_eq(store_ack(st, id, c->id, text, &err), 0);
			free(text);
		}
	}
	ck_assert_int_eq(store_session_end(st, id, STORE_STOPPED,
					   "urgent: side effect head-vision",
					   &err), 0);
	ck_assert_int_eq(store_flag_ack(st, id, 2, "dr-kato", &err), 0);

	ck_assert_msg(receipt_model_load(st, id, &o, &m, &err) == 0, "%s", err);
	ck_assert_str_eq(test_field(&m, RX_VISIT), "再診（経過の確認）");
	ck_assert(m.followup);
	/* the methods: the frozen file's labels, an unknown id as stored */
	ck_assert(m.methods_asked);
	ck_assert_uint_eq(m.nmethods, 3);
	test_text_eq(&m.methods[0].text, "毎日飲む避妊薬（ピル）");
	test_text_eq(&m.methods[1].text, "コンドーム");
	ck_assert_ptr_null(m.methods[2].text.nodes);
	ck_assert_str_eq(m.methods[2].text.s, "foam");
	ck_assert_ptr_eq(m.methods_verdict, m.L[RX_METHODS_MET]);
	/* the mood check: each prompt and the answer chosen, the total */
	ck_assert_uint_eq(m.nmood, 3);
	test_text_eq(&m.mood[0].text, "気分が沈んだり、先が暗く感じたりしましたか。");
	test_text_eq(&m.mood[0].choice, "何日かあった");
	ck_assert_int_eq(m.mood[0].score, 1);
	test_text_eq(&m.mood[1].text, "sleep");
	test_text_eq(&m.mood[1].choice, "3 番目の答え");
	test_text_eq(&m.mood[2].text, "不安や心配で、落ち着かないことがありましたか。");
	test_text_eq(&m.mood[2].choice, "10 番目の答え");
	ck_assert_str_eq(m.mood_total, "3 点（最高 15 点）");
	/* the side effects, a stop-and-call one marked */
	ck_assert_uint_eq(m.neffects, 3);
	test_text_eq(&m.effects[0].text, "唇・肌・目・鼻の乾燥がつらい");
	ck_assert(!m.effects[0].urgent);
	test_text_eq(&m.effects[1].text, "ひどい頭痛や吐き気、見え方の変化（かすむ・二重に見える）");
	ck_assert(m.effects[1].urgent);
	test_text_eq(&m.effects[2].text, "x-ray");
	ck_assert(!m.effects[2].urgent);
	/* the flags and who saw them */
	ck_assert_uint_eq(m.nflags, 2);
	ck_assert(!m.flags[0].urgent);
	ck_assert_str_eq(m.flags[0].source, "気分のチェック");
	test_text_eq(&m.flags[0].what, "気分のチェックの合計点：3 点（最高 15 点）");
	ck_assert_str_eq(m.flags[0].seen_by, "まだです");
	ck_assert_ptr_null(m.flags[0].seen_at);
	ck_assert(m.flags[1].urgent);
	ck_assert_str_eq(m.flags[1].source, "体の変化（副作用）");
	test_text_eq(&m.flags[1].what, "ひどい頭痛や吐き気、見え方の変化（かすむ・二重に見える）");
	ck_assert_str_eq(m.flags[1].seen_by, "dr-kato");
	ck_assert(strstr(m.flags[1].seen_at, "+09:00") != NULL);
	ck_assert_ptr_null(test_field(&m, RX_PRESCRIBE));
	ck_assert_uint_eq(m.nstmts, 2);
	ck_assert(!m.stmts[0].reshown);
	ck_assert(m.stmts[1].reshown);
	receipt_model_done(&m);

	/* English labels; the answers' texts stay the session's */
	o.lang = "en";
	ck_assert_int_eq(receipt_model_load(st, id, &o, &m, &err), 0);
	ck_assert_str_eq(test_field(&m, RX_VISIT), "Follow-up visit");
	ck_assert_str_eq(m.flags[0].source, "Mood check");
	ck_assert_str_eq(m.flags[0].seen_by, "not yet");
	test_text_eq(&m.mood[1].choice, "choice 3");
	ck_assert_str_eq(m.mood_total, "3 (of 15)");
	test_text_eq(&m.methods[1].text, "コンドーム");
	receipt_model_done(&m);

	/* a first visit has none of it */
	o.lang = NULL;
	ck_assert_int_eq(receipt_model_load(st, first, &o, &m, &err), 0);
	ck_assert(!m.followup);
	ck_assert_uint_eq(m.nmethods + m.nmood + m.neffects + m.nflags, 0);
	for (size_t i = 0; i < m.nstmts; i++)
		ck_assert(!m.stmts[i].reshown);
	ck_assert_str_eq(test_field(&m, RX_VISIT), "初回（説明と同意）");
	receipt_model_done(&m);

	strbuf_init(&pdf);
	for (int paper = 0; paper < 2; paper++) {
		o.paper = (enum receipt_paper)paper;
		strbuf_reset(&pdf);
		ck_assert_msg(receipt_make(st, id, &o, &pdf, &err) == 0, "%s",
			      err);
		ck_assert(memcmp(pdf.s, "%PDF-1.", 7) == 0);
	}
	strbuf_done(&pdf);
	ck_assert_ptr_null(err);
	store_close(st);
	bundle_free(b);
}
END_TEST

START_TEST(test_pdf)
{
	struct bundle *b = test_bundle();
	struct store *st = test_open();
	int64_t ja = test_session(st, bundle_lang(b, "ja"), "no-pregnancy", false);
	int64_t en = test_session(st, bundle_lang(b, "en"), "pregnancy", true);
	struct receipt_opts o = { .paper = RECEIPT_A4 };
	struct strbuf pdf;
	char *err = NULL;

	{
		struct receipt_model m;

		/* not a minor: no statement of a guardian's */
		ck_assert_int_eq(receipt_model_load(st, ja, &o, &m, &err), 0);
		ck_assert_uint_gt(m.nstmts, 20);
		for (size_t i = 0; i < m.nstmts; i++)
			ck_assert(!m.stmts[i].guardian);
		receipt_model_done(&m);
	}
	strbuf_init(&pdf);
	for (int paper = 0; paper < 2; paper++) {
		for (int content = 0; content < 2; content++) {
			for (int i = 0; i < 2; i++) {
				o.paper = (enum receipt_paper)paper;
				o.with_content = content;
				strbuf_reset(&pdf);
				ck_assert_msg(receipt_make(st, i ? en : ja, &o, &pdf,
							   &err) == 0, "%s", err);
				ck_assert(pdf.len > 1000);
				ck_assert(memcmp(pdf.s, "%PDF-1.", 7) == 0);
				ck_assert(strstr(pdf.s + pdf.len - 32, "%%EOF") !=
					  NULL);
			}
		}
	}
	strbuf_done(&pdf);
	ck_assert_ptr_null(err);
	store_close(st);
	bundle_free(b);
}
END_TEST

/* The PDF's creation time blanked: two makings of one copy compared. */
static void
test_undate(struct strbuf *pdf)
{
	static const char key[] = "/CreationDate (";
	char *d = NULL;

	for (size_t i = 0; d == NULL && i + sizeof key < pdf->len; i++)
		if (memcmp(pdf->s + i, key, sizeof key - 1) == 0)
			d = pdf->s + i + sizeof key - 1;
	ck_assert_ptr_nonnull(d);
	for (; *d != ')'; d++)
		*d = '-';
}

/* An A4 copy's appendix, laid out on a thread of its own beside the record,
 * gives the very PDF it gives laid out after the record on one thread,
 * whichever half is laid out first and draws the copy. */
START_TEST(test_appendix_beside)
{
	struct bundle *b = test_bundle();
	struct store *st = test_open();
	int64_t ids[] = {
		test_session(st, bundle_lang(b, "ja"), "pregnancy", true),
		test_session(st, bundle_lang(b, "en"), "no-pregnancy", false),
	};
	struct receipt_opts o = { .paper = RECEIPT_A4, .with_content = true,
				  .now_ms = 1796583960000LL };
	const enum receipt_lay lays[] = { RECEIPT_LAY_BESIDE,
					  RECEIPT_LAY_RECORD_FIRST,
					  RECEIPT_LAY_APPENDIX_FIRST };
	struct strbuf one, two;
	char *err = NULL;

	strbuf_init(&one);
	strbuf_init(&two);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct receipt_model m;

		ck_assert_int_eq(receipt_model_load(st, ids[i], &o, &m, &err),
				 0);
		strbuf_reset(&one);
		ck_assert_msg(receipt_pdf_laid(&m, &o, RECEIPT_LAY_ONE, &one,
					       &err) == 0, "%s", err);
		test_undate(&one);
		ck_assert_uint_gt(one.len, 10000);
		for (size_t k = 0; k < sizeof lays / sizeof lays[0]; k++) {
			strbuf_reset(&two);
			/* malloc set for a process that ends with the copy */
			o.one_shot = true;
			ck_assert_msg(receipt_pdf_laid(&m, &o, lays[k], &two,
						       &err) == 0, "%s", err);
			o.one_shot = false;
			test_undate(&two);
			ck_assert_uint_eq(one.len, two.len);
			ck_assert_msg(memcmp(one.s, two.s, one.len) == 0,
				      "laid out as %d: not the same PDF",
				      (int)lays[k]);
		}
		receipt_model_done(&m);
	}
	strbuf_done(&one);
	strbuf_done(&two);
	ck_assert_ptr_null(err);
	store_close(st);
	bundle_free(b);
}
END_TEST

/* With no font to be had, every way of laying a copy out fails with what
 * to install, and the two halves' threads neither hang nor leak: in a
 * child, whose fontconfig reads a configuration with no fonts. */
START_TEST(test_no_font)
{
	struct bundle *b = test_bundle();
	struct store *st = test_open();
	int64_t id = test_session(st, bundle_lang(b, "ja"), "pregnancy", true);
	struct receipt_opts o = { .paper = RECEIPT_A4, .with_content = true,
				  .now_ms = 1796583960000LL };
	const enum receipt_lay lays[] = { RECEIPT_LAY_ONE, RECEIPT_LAY_BESIDE,
					  RECEIPT_LAY_RECORD_FIRST,
					  RECEIPT_LAY_APPENDIX_FIRST };
	char *conf = xasprintf("%s/fonts.conf", test_dir);
	FILE *f = fopen(conf, "w");
	struct receipt_model m;
	char *err = NULL;
	pid_t pid;
	int status;

	ck_assert_ptr_nonnull(f);
	fputs("<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(receipt_model_load(st, id, &o, &m, &err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int bad = 0;

		setenv("FONTCONFIG_FILE", conf, 1);
		for (size_t k = 0; k < sizeof lays / sizeof lays[0]; k++) {
			struct strbuf pdf;

			strbuf_init(&pdf);
			o.one_shot = k % 2 == 1;
			if (receipt_pdf_laid(&m, &o, lays[k], &pdf, &err) != -1 ||
			    err == NULL || pdf.len != 0 ||
			    strstr(err, "is not installed") == NULL) {
				fprintf(stderr, "laid out as %d: %s\n",
					(int)lays[k], err ? err : "no error");
				bad = 1;
			}
			free(err);
			err = NULL;
			strbuf_done(&pdf);
		}
		receipt_model_done(&m);
		store_close(st);
		bundle_free(b);
		free(conf);
		exit(bad);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child: status %d", status);
	receipt_model_done(&m);
	free(conf);
	store_close(st);
	bundle_free(b);
}
END_TEST

/*
 * One half failing: receipt.c's font map, made here for the record's
 * thread (this one) or the appendix's. The test program's own definition
 * is the one receipt.c calls; it hands on to pango's.
 */
enum { TEST_FAIL_NONE, TEST_FAIL_RECORD, TEST_FAIL_APPENDIX };
static int test_fail;
static pthread_t test_thread;

PangoFontMap *
pango_cairo_font_map_new_for_font_type(cairo_font_type_t type)
{
	PangoFontMap *(*real)(cairo_font_type_t);
	bool here = pthread_equal(pthread_self(), test_thread);

	if ((test_fail == TEST_FAIL_RECORD && here) ||
	    (test_fail == TEST_FAIL_APPENDIX && !here))
		return NULL;
	*(void **)&real = dlsym(RTLD_NEXT,
				"pango_cairo_font_map_new_for_font_type");
	return real(type);
}

/* Either half failing fails the copy with its reason, whichever half is
 * laid out first; the other half's thread neither hangs (it may be
 * waiting to draw) nor leaks. */
START_TEST(test_half_fails)
{
	struct bundle *b = test_bundle();
	struct store *st = test_open();
	int64_t id = test_session(st, bundle_lang(b, "ja"), "pregnancy", true);
	struct receipt_opts o = { .paper = RECEIPT_A4, .with_content = true,
				  .now_ms = 1796583960000LL };
	const enum receipt_lay lays[] = { RECEIPT_LAY_BESIDE,
					  RECEIPT_LAY_RECORD_FIRST,
					  RECEIPT_LAY_APPENDIX_FIRST };
	struct receipt_model m;
	struct strbuf pdf;
	char *err = NULL;

	ck_assert_int_eq(receipt_model_load(st, id, &o, &m, &err), 0);
	strbuf_init(&pdf);
	test_thread = pthread_self();
	for (int fail = TEST_FAIL_RECORD; fail <= TEST_FAIL_APPENDIX; fail++)
		for (size_t k = 0; k < sizeof lays / sizeof lays[0]; k++) {
			test_fail = fail;
			o.one_shot = k % 2 == 0;
			ck_assert_int_eq(receipt_pdf_laid(&m, &o, lays[k], &pdf,
							  &err), -1);
			ck_assert_msg(err != NULL &&
				      strcmp(err, "no FreeType font map (pango,"
					     " cairo): no copy made") == 0,
				      "half %d failing, laid out as %d: %s",
				      fail, (int)lays[k], err ? err : "none");
			ck_assert_uint_eq(pdf.len, 0);
			free(err);
			err = NULL;
		}
	test_fail = TEST_FAIL_NONE;
	/* and with both halves there again, a copy */
	ck_assert_int_eq(receipt_pdf_laid(&m, &o, RECEIPT_LAY_BESIDE, &pdf,
					  &err), 0);
	ck_assert_uint_gt(pdf.len, 10000);
	strbuf_done(&pdf);
	receipt_model_done(&m);
	store_close(st);
	bundle_free(b);
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
		     "DROP TRIGGER IF EXISTS texts_no_update;", NULL, NULL, NULL);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK,
		      "%s", msg);
	sqlite3_close(db);
}

START_TEST(test_refused)
{
	struct bundle *b = test_bundle();
	const struct bundle_lang *l = bundle_lang(b, "ja");
	struct store *st = test_open();
	int64_t a = test_session(st, l, "pregnancy", false), open, bare;
	struct store_start s = { .kiosk_id = "k1", .staff_id = "nurse",
		.patient_ref = "P-2", .profile = "pregnancy", .lang = "ja",
		.content_version = "0123456789abcdef0123456789abcdef0123456789"
				   "abcdef0123456789abcdef" };
	struct receipt_opts o = { .paper = RECEIPT_A4 };
	struct strbuf pdf;
	char *err = NULL, *sql;

	strbuf_init(&pdf);
	ck_assert_int_eq(store_session_begin(st, &s, &bare, &err), 0);
	ck_assert_int_eq(store_session_end(st, bare, STORE_ABANDONED, NULL,
					   &err), 0);
	ck_assert_int_eq(store_session_begin(st, &s, &open, &err), 0);
	ck_assert_int_eq(receipt_make(st, 99, &o, &pdf, &err), -1);
	ck_assert_str_eq(err, "no session 99");
	ck_assert_int_eq(receipt_make(st, open, &o, &pdf, &err), -1);
	ck_assert_str_eq(err, "session 3 is open: not sealed yet: no copy made");
	/* its content never frozen: a copy, but no appendix */
	ck_assert_int_eq(receipt_make(st, bare, &o, &pdf, &err), 0);
	o.with_content = true;
	strbuf_reset(&pdf);
	ck_assert_int_eq(receipt_make(st, bare, &o, &pdf, &err), -1);
	ck_assert_str_eq(err, "session 2: the content it showed was not kept"
			 " with the record (content version 0123456789ab...):"
			 " no appendix can be made");
	ck_assert_uint_eq(pdf.len, 0);
	store_close(st);

	/* a frozen file changed behind the triggers */
	sql = xasprintf("UPDATE texts SET text = text || 'x' WHERE sha256 ="
			" (SELECT sha256 FROM content_files WHERE version = '%s'"
			" AND name = 'ja/pores.md')", l->version);
	test_tamper(sql);
	free(sql);
	st = test_open();
	ck_assert_int_eq(receipt_make(st, a, &o, &pdf, &err), -1);
	ck_assert_str_eq(err, "session 1: the kept copy of ja/pores.md does not"
			 " match its hash: no copy made");
	store_close(st);

	/* the session's row changed */
	test_tamper("UPDATE sessions SET profile = 'no-pregnancy' WHERE id = 1");
	st = test_open();
	ck_assert_int_eq(receipt_make(st, a, &o, &pdf, &err), -1);
	ck_assert_str_eq(err, "session 1 does not match its seal: its record was"
			 " changed after it was sealed: no copy made (records"
			 " verify checks the whole chain)");
	ck_assert_uint_eq(pdf.len, 0);
	free(err);
	strbuf_done(&pdf);
	store_close(st);
	bundle_free(b);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("receipt");
	TCase *tc = tcase_create("receipt");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_manifest);
	tcase_add_test(tc, test_model_ja);
	tcase_add_test(tc, test_model_followup);
	tcase_add_test(tc, test_pdf);
	tcase_add_test(tc, test_appendix_beside);
	tcase_add_test(tc, test_no_font);
	tcase_add_test(tc, test_half_fails);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
