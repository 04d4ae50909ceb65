/*
 * Unit tests for quiz: profiles, question order, choice order per attempt
 * (a fresh one each time), right/wrong, the teach-back cycle (three wrong
 * answers to one question stop the quiz), the pass rule, statement text.
 * The questions are made by hand, as content_parse would make them.
 */
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "quiz.h"
#include "tap.h"
#include "xmalloc.h"

static struct content_span test_spans[16];
static size_t test_nspans;

static struct content_inline
test_inline(const char *text)
{
	struct content_span *sp = &test_spans[test_nspans++];

	memset(sp, 0, sizeof *sp);
	sp->text = (char *)text;
	return (struct content_inline){ .spans = sp, .n = 1 };
}

/* A question with n choices, the right one at index right. */
static void
test_question(struct content_node *q, const char *id, const char *profile,
	      size_t n, size_t right)
{
	static struct content_item items[8][6];
	static size_t used;
	struct content_item *it = items[used++ % 8];

	memset(q, 0, sizeof *q);
	q->kind = CONTENT_QUESTION;
	q->id = (char *)id;
	q->profile = (char *)profile;
	q->reread = (char *)"what-is";
	for (size_t i = 0; i < n; i++) {
		memset(&it[i], 0, sizeof it[i]);
		it[i].checked = i == right ? 1 : 0;
	}
	q->items = it;
	q->nitems = n;
}

/* A deterministic source: a fixed list of values, cycled. */
struct test_src {
	const uint32_t *v;
	size_t n, i;
};

static uint32_t
test_uniform(uint32_t upper, void *ctx)
{
	struct test_src *s = ctx;
	uint32_t x = s->v[s->i++ % s->n];

	return x % upper;
}

static uint32_t
test_lcg(uint32_t upper, void *ctx)
{
	uint64_t *x = ctx;

	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)((*x >> 33) % upper);
}

static struct content_node test_nodes[4];

static void
test_make(void)
{
	memset(test_nodes, 0, sizeof test_nodes);
	test_nodes[0].kind = CONTENT_HEADING; /* not a question: skipped */
	test_question(&test_nodes[1], "q-sebum", "all", 3, 1);
	test_question(&test_nodes[2], "q-preg", "pregnancy", 2, 0);
	test_question(&test_nodes[3], "q-blood", "all", 4, 3);
}

START_TEST(test_profiles)
{
	ck_assert(quiz_profile_valid("pregnancy"));
	ck_assert(quiz_profile_valid("no-pregnancy"));
	ck_assert(!quiz_profile_valid("all"));
	ck_assert(!quiz_profile_valid(NULL));
	ck_assert(quiz_profile_sees("no-pregnancy", "all"));
	ck_assert(!quiz_profile_sees("no-pregnancy", "pregnancy"));
	ck_assert(quiz_profile_sees("pregnancy", "pregnancy"));
	ck_assert(quiz_profile_sees("pregnancy", "all"));
}
END_TEST

START_TEST(test_order_by_profile)
{
	uint64_t seed = 1;
	struct quiz_rng rng = { test_lcg, &seed };
	struct quiz q;

	test_make();
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "pregnancy", &rng), 0);
	ck_assert_uint_eq(quiz_count(&q), 3);
	ck_assert_str_eq(quiz_question(&q)->id, "q-sebum");
	ck_assert_uint_eq(quiz_number(&q), 1);
	quiz_done(&q);
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "no-pregnancy", &rng), 0);
	ck_assert_uint_eq(quiz_count(&q), 2);
	ck_assert_ptr_eq(q.questions[0], &test_nodes[1]);
	ck_assert_ptr_eq(q.questions[1], &test_nodes[3]);
	quiz_done(&q);
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "male", &rng), -1);
	/* only the pregnancy question: none for no-pregnancy → passed */
	ck_assert_int_eq(quiz_init(&q, &test_nodes[2], 1, "no-pregnancy", &rng), 0);
	ck_assert_int_eq(quiz_state(&q), QUIZ_PASSED);
	ck_assert_ptr_null(quiz_question(&q));
	quiz_done(&q);
}
END_TEST

START_TEST(test_bad_question)
{
	uint64_t seed = 1;
	struct quiz_rng rng = { test_lcg, &seed };
	struct quiz q;

	test_make();
	test_nodes[3].items[0].checked = 1; /* two right answers */
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "pregnancy", &rng), -1);
	test_make();
	test_nodes[1].nitems = 1;
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "pregnancy", &rng), -1);
}
END_TEST

/* Position at which the content choice idx is shown. */
static size_t
test_pos_of(const struct quiz *q, size_t idx)
{
	for (size_t p = 0; p < quiz_nchoices(q); p++)
		if (q->order[p] == idx)
			return p;
	ck_abort_msg("choice %zu not shown", idx);
	return 0;
}

START_TEST(test_shuffle_exact)
{
	/* Fisher-Yates with j = 0, then 0: [0,1,2] → swap(2,0) → [2,1,0]
	 * → swap(1,0) → [1,2,0]. */
	static const uint32_t zeros[] = { 0 };
	struct test_src src = { zeros, 1, 0 };
	struct quiz_rng rng = { test_uniform, &src };
	struct quiz_attempt at;
	struct quiz q;

	test_make();
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "no-pregnancy", &rng), 0);
	ck_assert_uint_eq(quiz_nchoices(&q), 3);
	ck_assert_uint_eq(q.order[0], 1);
	ck_assert_uint_eq(q.order[1], 2);
	ck_assert_uint_eq(q.order[2], 0);
	ck_assert_ptr_eq(quiz_choice(&q, 0), &test_nodes[1].items[1]);
	ck_assert_int_eq(quiz_answer(&q, 1, &at), QUIZ_WRONG);
	ck_assert_str_eq(at.question_id, "q-sebum");
	ck_assert_int_eq(at.attempt, 1);
	ck_assert_uint_eq(at.choice, 2);
	ck_assert(!at.correct);
	ck_assert_str_eq(at.order, "1,2,0");
	ck_assert_int_eq(quiz_state(&q), QUIZ_EXPLAIN);
	ck_assert_str_eq(quiz_question(&q)->reread, "what-is");
	/* The same source repeats itself: the order is still a fresh one. */
	quiz_retry(&q);
	ck_assert_int_eq(quiz_state(&q), QUIZ_ASK);
	ck_assert_int_ne(memcmp(q.order, (size_t[]){ 1, 2, 0 }, 3 * sizeof(size_t)), 0);
	ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, 1), &at), QUIZ_RIGHT);
	ck_assert_int_eq(at.attempt, 2);
	ck_assert(at.correct);
	ck_assert_uint_eq(at.choice, 1);
	quiz_done(&q);
}
END_TEST

START_TEST(test_fresh_order_each_attempt)
{
	uint64_t seed = 42;
	struct quiz_rng rng = { test_lcg, &seed };
	struct quiz q;

	test_make();
	for (int round = 0; round < 200; round++) {
		size_t prev[4];

		ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "no-pregnancy", &rng), 0);
		for (int a = 0; a < 2; a++) {
			memcpy(prev, q.order, q.norder * sizeof *prev);
			ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, 0), NULL),
					 QUIZ_WRONG);
			quiz_retry(&q);
			ck_assert_int_ne(memcmp(prev, q.order,
						q.norder * sizeof *prev), 0);
		}
		quiz_done(&q);
	}
}
END_TEST

START_TEST(test_three_wrong_stop)
{
	uint64_t seed = 7;
	struct quiz_rng rng = { test_lcg, &seed };
	struct quiz_attempt at;
	struct quiz q;

	test_make();
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "pregnancy", &rng), 0);
	/* right on the first */
	ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, 1), NULL), QUIZ_RIGHT);
	quiz_next(&q);
	ck_assert_str_eq(quiz_question(&q)->id, "q-preg");
	ck_assert_uint_eq(quiz_number(&q), 2);
	ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, 1), &at), QUIZ_WRONG);
	ck_assert_int_eq(at.attempt, 1);
	quiz_retry(&q);
	ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, 1), &at), QUIZ_WRONG);
	ck_assert_int_eq(at.attempt, 2);
	quiz_retry(&q);
	ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, 1), &at), QUIZ_STOP);
	ck_assert_int_eq(at.attempt, 3);
	ck_assert_int_eq(quiz_state(&q), QUIZ_STOPPED);
	ck_assert_str_eq(quiz_question(&q)->id, "q-preg");
	quiz_done(&q);
}
END_TEST

START_TEST(test_wrong_then_right_counts_per_question)
{
	uint64_t seed = 9;
	struct quiz_rng rng = { test_lcg, &seed };
	struct quiz q;
	static const size_t right[] = { 1, 0, 3 };

	test_make();
	ck_assert_int_eq(quiz_init(&q, test_nodes, 4, "pregnancy", &rng), 0);
	/* two wrong answers on every question is still a pass */
	for (size_t i = 0; i < 3; i++) {
		for (int w = 0; w < 2; w++) {
			size_t wrong = right[i] == 0 ? 1 : 0;

			ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, wrong), NULL),
					 QUIZ_WRONG);
			quiz_retry(&q);
		}
		ck_assert_int_eq(q.attempt, 3);
		ck_assert_int_eq(quiz_answer(&q, test_pos_of(&q, right[i]), NULL),
				 QUIZ_RIGHT);
		quiz_next(&q);
	}
	ck_assert_int_eq(quiz_state(&q), QUIZ_PASSED);
	ck_assert_uint_eq(quiz_nchoices(&q), 0);
	ck_assert_ptr_null(quiz_choice(&q, 0));
	quiz_done(&q);
}
END_TEST

START_TEST(test_nodes_text)
{
	struct content_node n[3];
	struct content_item items[2];
	char *s;

	test_nspans = 0;
	memset(n, 0, sizeof n);
	memset(items, 0, sizeof items);
	n[0].kind = CONTENT_PARAGRAPH;
	n[0].text = test_inline("妊娠してはいけません。");
	n[1].kind = CONTENT_LIST;
	items[0].text = test_inline("一つ目");
	items[1].text = test_inline("二つ目");
	n[1].items = items;
	n[1].nitems = 2;
	n[2].kind = CONTENT_PARAGRAPH;
	n[2].text = test_inline("最後");
	s = content_nodes_text(n, 3);
	ck_assert_str_eq(s, "妊娠してはいけません。\n一つ目\n二つ目\n最後");
	free(s);
}
END_TEST

/* The bundled Japanese quiz and consent, as the kiosk will use them. */
START_TEST(test_bundled_content)
{
	char *root = tap_source_path("content");
	struct diag_list dl;
	struct bundle *b;
	const struct bundle_lang *ja;
	uint64_t seed = 3;
	struct quiz_rng rng = { test_lcg, &seed };
	struct quiz q;
	size_t npreg, nnot;

	diag_list_init(&dl);
	b = bundle_load(root, &dl);
	ck_assert_ptr_nonnull(b);
	ja = bundle_lang(b, "ja");
	ck_assert_ptr_nonnull(ja);
	ck_assert_ptr_nonnull(ja->quiz);
	ck_assert_int_eq(quiz_init(&q, ja->quiz->nodes, ja->quiz->n,
				   "pregnancy", &rng), 0);
	npreg = quiz_count(&q);
	/* every question's re-read screen is a screen of the manifest */
	for (size_t i = 0; i < q.n; i++)
		ck_assert_msg(bundle_screen_index(ja, q.questions[i]->reread) >= 0,
			      "%s: reread %s", q.questions[i]->id,
			      q.questions[i]->reread);
	/* pass it: the right answer each time */
	while (quiz_state(&q) == QUIZ_ASK) {
		size_t pos = 0;

		while (quiz_choice(&q, pos)->checked != 1)
			pos++;
		ck_assert_int_eq(quiz_answer(&q, pos, NULL), QUIZ_RIGHT);
		quiz_next(&q);
	}
	ck_assert_int_eq(quiz_state(&q), QUIZ_PASSED);
	quiz_done(&q);
	ck_assert_int_eq(quiz_init(&q, ja->quiz->nodes, ja->quiz->n,
				   "no-pregnancy", &rng), 0);
	nnot = quiz_count(&q);
	quiz_done(&q);
	ck_assert_uint_gt(npreg, nnot);
	ck_assert_uint_gt(nnot, 0);
	/* every statement has a text to hash */
	ck_assert_ptr_nonnull(ja->consent);
	for (size_t i = 0; i < ja->consent->n; i++) {
		const struct content_node *st = &ja->consent->nodes[i];
		char *t;

		if (st->kind != CONTENT_STATEMENT)
			continue;
		t = content_nodes_text(st->children, st->nchildren);
		ck_assert_msg(strlen(t) > 10, "%s: %s", st->id, t);
		free(t);
	}
	bundle_free(b);
	diag_list_done(&dl);
	free(root);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("quiz");
	TCase *tc = tcase_create("quiz");

	tcase_add_test(tc, test_profiles);
	tcase_add_test(tc, test_order_by_profile);
	tcase_add_test(tc, test_bad_question);
	tcase_add_test(tc, test_shuffle_exact);
	tcase_add_test(tc, test_fresh_order_each_attempt);
	tcase_add_test(tc, test_three_wrong_stop);
	tcase_add_test(tc, test_wrong_then_right_counts_per_question);
	tcase_add_test(tc, test_nodes_text);
	tcase_add_test(tc, test_bundled_content);
	suite_add_tcase(s, tc);
	return s;
}
