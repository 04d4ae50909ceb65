/*
 * quiz: the teach-back quiz as pure logic (see quiz.h). Owns only its list of
 * question pointers and the current choice order; the content nodes belong
 * to the caller. The random source is injected so tests are exact.
 */
#include "quiz.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xmalloc.h"

uint32_t
quiz_rng_sodium(uint32_t upper, void *ctx)
{
	(void)ctx;
	return randombytes_uniform(upper);
}

bool
quiz_profile_valid(const char *session_profile)
{
	return session_profile != NULL &&
	       (strcmp(session_profile, "pregnancy") == 0 ||
		strcmp(session_profile, "no-pregnancy") == 0);
}

bool
quiz_profile_sees(const char *session_profile, const char *node_profile)
{
	if (node_profile == NULL || strcmp(node_profile, "all") == 0)
		return true;
	return strcmp(node_profile, "pregnancy") == 0 &&
	       session_profile != NULL &&
	       strcmp(session_profile, "pregnancy") == 0;
}

static size_t
quiz_right_choice(const struct content_node *qn, size_t *nright)
{
	size_t right = 0;

	*nright = 0;
	for (size_t i = 0; i < qn->nitems; i++) {
		if (qn->items[i].checked == 1) {
			right = i;
			(*nright)++;
		}
	}
	return right;
}

/* A uniform permutation (Fisher-Yates) of the current question's choices,
 * different from the previous one when there was one and n >= 2. */
static void
quiz_shuffle(struct quiz *q, bool fresh)
{
	const struct content_node *qn = q->questions[q->cur];
	size_t n = qn->nitems;
	size_t *prev = NULL;

	if (!fresh && q->norder == n && n >= 2) {
		prev = xreallocarray(NULL, n, sizeof *prev);
		memcpy(prev, q->order, n * sizeof *prev);
	}
	q->order = xreallocarray(q->order, n, sizeof *q->order);
	q->norder = n;
	for (int tries = 0;; tries++) {
		for (size_t i = 0; i < n; i++)
			q->order[i] = i;
		for (size_t i = n; i > 1; i--) {
			size_t j = q->rng.uniform((uint32_t)i, q->rng.ctx);

			assert(j < i);
			size_t t = q->order[i - 1];
			q->order[i - 1] = q->order[j];
			q->order[j] = t;
		}
		if (prev == NULL || memcmp(prev, q->order, n * sizeof *prev) != 0)
			break;
		if (tries >= 32) {
			/* A source that keeps repeating itself: rotate by one. */
			for (size_t i = 0; i < n; i++)
				q->order[i] = prev[(i + 1) % n];
			break;
		}
	}
	free(prev);
}

static void
quiz_start_question(struct quiz *q)
{
	if (q->cur >= q->n) {
		q->state = QUIZ_PASSED;
		return;
	}
	q->attempt = 1;
	q->wrong = 0;
	q->state = QUIZ_ASK;
	quiz_shuffle(q, true);
}

int
quiz_init(struct quiz *q, const struct content_node *nodes, size_t n,
	  const char *session_profile, const struct quiz_rng *rng)
{
	memset(q, 0, sizeof *q);
	if (!quiz_profile_valid(session_profile) || rng == NULL ||
	    rng->uniform == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct content_node *qn = &nodes[i];
		size_t nright;

		if (qn->kind != CONTENT_QUESTION ||
		    !quiz_profile_sees(session_profile, qn->profile))
			continue;
		quiz_right_choice(qn, &nright);
		if (qn->nitems < 2 || nright != 1) {
			free(q->questions);
			memset(q, 0, sizeof *q);
			return -1;
		}
		q->questions = xreallocarray(q->questions, q->n + 1,
					     sizeof *q->questions);
		q->questions[q->n++] = qn;
	}
	q->rng = *rng;
	q->cur = 0;
	quiz_start_question(q);
	return 0;
}

void
quiz_done(struct quiz *q)
{
	free(q->questions);
	free(q->order);
	memset(q, 0, sizeof *q);
}

enum quiz_state
quiz_state(const struct quiz *q)
{
	return q->state;
}

const struct content_node *
quiz_question(const struct quiz *q)
{
	if (q->state == QUIZ_PASSED || q->state == QUIZ_STOPPED) {
		/* A stopped quiz still names the question it stopped on. */
		return q->state == QUIZ_STOPPED ? q->questions[q->cur] : NULL;
	}
	return q->questions[q->cur];
}

size_t
quiz_nchoices(const struct quiz *q)
{
	return q->state == QUIZ_PASSED ? 0 : q->norder;
}

const struct content_item *
quiz_choice(const struct quiz *q, size_t pos)
{
	if (q->state == QUIZ_PASSED || pos >= q->norder)
		return NULL;
	return &q->questions[q->cur]->items[q->order[pos]];
}

size_t
quiz_number(const struct quiz *q)
{
	return q->cur < q->n ? q->cur + 1 : q->n;
}

size_t
quiz_count(const struct quiz *q)
{
	return q->n;
}

enum quiz_verdict
quiz_answer(struct quiz *q, size_t pos, struct quiz_attempt *out)
{
	const struct content_node *qn;
	size_t nright, right, choice;
	bool correct;

	assert(q->state == QUIZ_ASK && pos < q->norder);
	qn = q->questions[q->cur];
	right = quiz_right_choice(qn, &nright);
	choice = q->order[pos];
	correct = choice == right;
	if (out != NULL) {
		size_t off = 0;

		out->question_id = qn->id;
		out->attempt = q->attempt;
		out->choice = choice;
		out->correct = correct;
		out->order[0] = '\0';
		for (size_t i = 0; i < q->norder; i++) {
			int w = snprintf(out->order + off, sizeof out->order - off,
					 "%s%zu", i ? "," : "", q->order[i]);

			if (w < 0 || (size_t)w >= sizeof out->order - off)
				break; /* absurdly many choices: truncated */
			off += (size_t)w;
		}
	}
	if (correct) {
		q->state = QUIZ_CORRECT;
		return QUIZ_RIGHT;
	}
	q->wrong++;
	if (q->wrong >= QUIZ_MAX_WRONG) {
		q->state = QUIZ_STOPPED;
		return QUIZ_STOP;
	}
	q->state = QUIZ_EXPLAIN;
	return QUIZ_WRONG;
}

void
quiz_retry(struct quiz *q)
{
	assert(q->state == QUIZ_EXPLAIN);
	q->attempt++;
	q->state = QUIZ_ASK;
	quiz_shuffle(q, false);
}

void
quiz_next(struct quiz *q)
{
	assert(q->state == QUIZ_CORRECT);
	q->cur++;
	quiz_start_question(q);
}
