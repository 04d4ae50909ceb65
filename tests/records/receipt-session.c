/*
 * receipt-session: records one whole consent session from a content folder
 * the way the kiosk does (the content frozen, each screen shown, the quiz
 * answered with one wrong answer first, each statement of the profile
 * acknowledged with its exact text, the patient's and for a minor the
 * guardian's signature, sealed, a staff verification), for the receipt
 * tests and the benchmark. Prints the session id and its receipt code.
 *
 * With follow-up, a monthly follow-up as the kiosk records it instead
 * (store-visit.h): for the pregnancy profile the methods pill and condom
 * (the rule met), the mood check answered 1, 1, 1, 0, 0 (a total of 3: the
 * staff band's flag), the side effects dry and nosebleed, the re-check
 * (three questions, the first wrong once), the every-visit statements,
 * signed and sealed; then staff acknowledge the flag, and for the pregnancy
 * profile a negative pregnancy test is entered and "may prescribe" given.
 * With urgent too, the mood check's self-harm item is answered 2: an
 * urgent flag, the session stopped there (as the kiosk stops it), the flag
 * acknowledged by staff.
 *
 * Usage: receipt-session DB CONTENT LANG PROFILE NAME [minor] [guardian NAME]
 *        [outcome abandoned|stopped] [no-verify] [clock MS]
 *        [follow-up [urgent]]
 * PROFILE: pregnancy | no-pregnancy. The clock starts at 2026-12-06T18:06Z
 * (03:06 in Tokyo) unless given and steps 7 s per reading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "store-visit.h"
#include "store.h"
#include "visit.h"
#include "xmalloc.h"

static int64_t rs_time = 1796580360000LL; /* 2026-12-06T18:06:00Z */

static int64_t
rs_clock(void *ctx)
{
	(void)ctx;
	rs_time += 7000;
	return rs_time;
}

static void
rs_check(int rc, const char *what, char *err)
{
	if (rc != 0) {
		fprintf(stderr, "receipt-session: %s: %s\n", what,
			err ? err : "?");
		exit(1);
	}
}

static void
rs_vanswer(struct store *st, int64_t id, const char *kind, const char *entry,
	   int choice, int score)
{
	struct store_visit_answer a = { kind, entry, choice, score };
	char *err = NULL;

	rs_check(store_visit_answer(st, id, &a, &err), "visit answer", err);
}

/* The follow-up's own parts, as kiosk-visit.c records them; false when
 * the mood check's urgent answer stopped the visit. */
static bool
rs_followup(struct store *st, int64_t id, const struct bundle_lang *l,
	    const char *profile, bool urgent)
{
	const struct content_node *items[64];
	size_t n = visit_entries(l->mood, CONTENT_ENTRY_ITEM, items, 64);
	int mood[] = { 1, 1, 1, 0, urgent ? 2 : 0 };
	char *err = NULL;

	if (strcmp(profile, "pregnancy") == 0) {
		rs_vanswer(st, id, "method", "pill", 1, 0);
		rs_vanswer(st, id, "method", "condom", 1, 0);
	}
	for (size_t i = 0; i < n && i < 5; i++)
		rs_vanswer(st, id, "mood", items[i]->id, mood[i],
			   items[i]->items[mood[i]].score);
	if (urgent) {
		rs_check(store_flag_raise(st, id, "mood", items[n - 1]->id,
					  "urgent", NULL, &err), "flag", err);
		rs_check(store_session_end(st, id, STORE_STOPPED,
					   "urgent: mood check self-harm",
					   &err), "end", err);
		return false;
	}
	rs_check(store_flag_raise(st, id, "mood", "band-talk", "staff", NULL,
				  &err), "flag", err);
	rs_vanswer(st, id, "effect", "dry", 1, 0);
	rs_vanswer(st, id, "effect", "nosebleed", 1, 0);
	return true;
}

static bool
rs_profile_ok(const char *node_profile, const char *profile)
{
	return node_profile == NULL || strcmp(node_profile, "all") == 0 ||
	       strcmp(node_profile, profile) == 0;
}

int
main(int argc, char **argv)
{
	const char *dbpath, *root, *lang, *profile, *name, *guardian = NULL;
	const char *outcome = "completed";
	bool minor = false, verify = true, follow = false, urgent = false;
	struct diag_list dl;
	struct bundle *b;
	const struct bundle_lang *l;
	struct store *st;
	struct store_opts o = { .clock = rs_clock };
	struct store_start s;
	struct store_session ss;
	char *err = NULL;
	int64_t id;
	int answered = 0;

	if (argc < 6) {
		fputs("usage: receipt-session DB CONTENT LANG PROFILE NAME"
		      " [minor] [guardian NAME] [outcome O] [no-verify]"
		      " [clock MS]\n", stderr);
		return 2;
	}
	dbpath = argv[1];
	root = argv[2];
	lang = argv[3];
	profile = argv[4];
	name = argv[5];
	for (int i = 6; i < argc; i++) {
		if (strcmp(argv[i], "minor") == 0)
			minor = true;
		else if (strcmp(argv[i], "guardian") == 0 && i + 1 < argc)
			guardian = argv[++i];
		else if (strcmp(argv[i], "outcome") == 0 && i + 1 < argc)
			outcome = argv[++i];
		else if (strcmp(argv[i], "no-verify") == 0)
			verify = false;
		else if (strcmp(argv[i], "clock") == 0 && i + 1 < argc)
			rs_time = strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "follow-up") == 0)
			follow = true;
		else if (strcmp(argv[i], "urgent") == 0)
			urgent = true;
	}
	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	if (b == NULL || diag_count(&dl, DIAG_ERROR) > 0) {
		diag_print(&dl, stderr);
		return 1;
	}
	diag_list_done(&dl);
	l = bundle_lang(b, lang);
	if (l == NULL || l->quiz == NULL || l->consent == NULL) {
		fprintf(stderr, "receipt-session: no language %s with a quiz"
			" and a consent\n", lang);
		return 1;
	}
	st = store_open(dbpath, &o, &err);
	rs_check(st == NULL, "open", err);
	rs_check(store_content_freeze(st, l, &err), "freeze", err);
	s = (struct store_start){ .kiosk_id = "waiting-room-1",
		.staff_id = "nurse-sato", .patient_ref = "P-2026-0042",
		.profile = profile, .lang = lang, .content_version = l->version,
		.minor = minor, .visit = follow ? "follow-up" : NULL };
	rs_check(store_session_begin(st, &s, &id, &err), "begin", err);
	if (follow && (l->mood == NULL || l->methods == NULL)) {
		fprintf(stderr, "receipt-session: no follow-up content in %s\n",
			lang);
		return 1;
	}
	if (follow && !rs_followup(st, id, l, profile, urgent)) {
		rs_check(store_flag_ack(st, id, 1, "dr-kato", &err), "ack",
			 err);
		goto done;
	}
	for (size_t i = 0; i < (follow ? 0 : l->nscreens); i++)
		rs_check(store_screen(st, id, l->screens[i]->id,
				      12000 + 3517 * (int64_t)i, &err),
			 "screen", err);
	if (strcmp(outcome, "abandoned") == 0) {
		rs_check(store_session_end(st, id, STORE_ABANDONED,
					   "left the terminal", &err), "end", err);
		goto done;
	}
	for (size_t i = 0; i < l->quiz->n; i++) {
		const struct content_node *q = &l->quiz->nodes[i];
		int right = -1, wrong = -1;

		if (q->kind != CONTENT_QUESTION ||
		    !rs_profile_ok(q->profile, profile))
			continue;
		for (size_t k = 0; k < q->nitems; k++) {
			if (q->items[k].checked == 1 && right < 0)
				right = (int)k;
			else if (wrong < 0)
				wrong = (int)k;
		}
		/* the first question is answered wrong once (a teach-back) */
		for (int attempt = 1; attempt <= (answered == 0 ? 2 : 1);
		     attempt++) {
			int pick = answered == 0 && attempt == 1 ? wrong : right;
			char *text = content_inline_text(&q->items[pick].text);
			struct store_answer a = { .question_id = q->id,
				.attempt = attempt, .choice = pick,
				.choice_text = text, .order = "0,1,2",
				.correct = pick == right };

			rs_check(store_answer(st, id, &a, &err), "answer", err);
			free(text);
		}
		answered++;
		if (strcmp(outcome, "stopped") == 0 ||
		    (follow && answered == 3))
			break;
	}
	if (strcmp(outcome, "stopped") == 0) {
		rs_check(store_session_end(st, id, STORE_STOPPED,
					   "3 wrong answers, please call staff",
					   &err), "end", err);
		goto done;
	}
	for (size_t i = 0; i < l->consent->n; i++) {
		const struct content_node *n = &l->consent->nodes[i];
		char *text;

		/* a guardian's statement only in a minor's session, as the
		 * kiosk's statement filter does */
		if (n->kind != CONTENT_STATEMENT ||
		    !rs_profile_ok(n->profile, profile) ||
		    (n->signer != NULL && !minor) ||
		    (follow && !n->every_visit))
			continue;
		text = content_nodes_text(n->children, n->nchildren);
		rs_check(store_ack(st, id, n->id, text, &err), "ack", err);
		free(text);
	}
	rs_check(store_sign(st, id, "patient", name,
			    strcmp(lang, "ja") == 0 ? "本人による確認"
			    : "acknowledged by patient", &err), "sign", err);
	if (minor)
		rs_check(store_sign(st, id, "guardian",
				    guardian != NULL ? guardian : "-",
				    strcmp(lang, "ja") == 0 ? "保護者による確認"
				    : "acknowledged by guardian", &err),
			 "sign", err);
	rs_check(store_session_end(st, id, STORE_COMPLETED, NULL, &err), "end",
		 err);
	if (verify)
		rs_check(store_staff_verify(st, id, "nurse-tanaka", &err),
			 "verify", err);
	if (follow) {
		rs_check(store_flag_ack(st, id, 1, "dr-kato", &err), "ack",
			 err);
		if (strcmp(profile, "pregnancy") == 0) {
			struct store_test t = { "P-2026-0042", "2026-12-07",
				"negative", "clinic", "nurse-tanaka" };

			rs_check(store_test_add(st, &t, NULL, &err), "test",
				 err);
		}
		rs_check(store_prescribe(st, id, "dr-kato", "2026-12-07",
					 VISIT_TEST_WINDOW_DAYS, NULL, &err),
			 "prescribe", err);
	}
done:
	store_session_init(&ss);
	rs_check(store_session_get(st, id, &ss, &err) < 0, "get", err);
	printf("%lld %.4s-%.4s %s\n", (long long)id, ss.seal_hash,
	       ss.seal_hash + 4, ss.seal_hash);
	store_session_done(&ss);
	store_close(st);
	bundle_free(b);
	return 0;
}
