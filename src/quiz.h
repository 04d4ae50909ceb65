/*
 * quiz: the teach-back quiz as pure logic, no terminal, no clock, no store.
 *
 * Given the questions of a quiz document (CONTENT_QUESTION nodes) and the
 * session's profile, it decides the question order (the file's order, only
 * the questions the profile sees), the order of the choices (a fresh random
 * order on every attempt, never the same as the attempt before when there
 * are two or more choices), whether an answer is right, and the teach-back
 * cycle: a wrong answer shows the explanation and offers the screen to
 * re-read (question->reread), then the same question is asked again; the
 * third wrong answer to one question stops the quiz ("please call staff").
 * The quiz is passed when every question was answered right.
 *
 * Use:
 *     quiz_init(&q, doc->nodes, doc->n, "pregnancy", &rng);
 *     while (quiz_state(&q) == QUIZ_ASK) {
 *         show quiz_question(&q) with choice quiz_choice(&q, pos) at pos;
 *         switch (quiz_answer(&q, pos, &ans)) {   // record ans in the store
 *         case QUIZ_RIGHT: quiz_next(&q); break;
 *         case QUIZ_WRONG: show explain, offer reread; quiz_retry(&q); break;
 *         case QUIZ_STOP:  "please call staff"; end the session "stopped";
 *         }
 *     }
 *     quiz_state(&q) == QUIZ_PASSED
 *
 * A quiz points into the nodes it was given: they must outlive it.
 */
#ifndef ISOKIOSK_QUIZ_H
#define ISOKIOSK_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content.h"

/* Wrong answers to one question that stop the quiz. */
#define QUIZ_MAX_WRONG 3

/* The random source: a uniform integer in [0, upper). The kiosk passes
 * quiz_rng_sodium (randombytes_uniform); tests pass a seeded one. */
struct quiz_rng {
	uint32_t (*uniform)(uint32_t upper, void *ctx);
	void *ctx;
};
uint32_t quiz_rng_sodium(uint32_t upper, void *ctx);

enum quiz_state {
	QUIZ_ASK,      /* a question is waiting for an answer */
	QUIZ_EXPLAIN,  /* the last answer was wrong: explain, then quiz_retry */
	QUIZ_CORRECT,  /* the last answer was right: quiz_next */
	QUIZ_PASSED,   /* every question answered right */
	QUIZ_STOPPED,  /* QUIZ_MAX_WRONG wrong answers to one question */
};

enum quiz_verdict {
	QUIZ_RIGHT,
	QUIZ_WRONG,
	QUIZ_STOP,     /* wrong, and the last allowed: the quiz stops */
};

/* What one answer was: what the store records (store_answer). */
struct quiz_attempt {
	const char *question_id;
	int attempt;         /* 1-based, per question */
	size_t choice;       /* content index of the chosen choice */
	bool correct;
	char order[64];      /* content indices as shown, "2,0,1" */
};

struct quiz {
	const struct content_node **questions; /* the profile's, file order */
	size_t n;
	size_t cur;          /* index into questions */
	int attempt;         /* 1-based attempt at the current question */
	int wrong;           /* wrong answers to the current question */
	size_t *order;       /* order[pos] = content index of choice at pos */
	size_t norder;
	enum quiz_state state;
	struct quiz_rng rng;
};

/*
 * Does a node with this profile ("all", "pregnancy") show in a session with
 * this profile ("pregnancy", "no-pregnancy")? Used for statements too.
 */
bool quiz_profile_sees(const char *session_profile, const char *node_profile);
/* Is this a session profile ("pregnancy" or "no-pregnancy")? */
bool quiz_profile_valid(const char *session_profile);

/*
 * Set up a quiz over the CONTENT_QUESTION nodes among nodes[0..n). Returns 0,
 * or -1 (nothing to free) if the profile is not valid or a question it sees
 * has fewer than two choices or not exactly one right one. A profile that
 * sees no question yields a quiz already QUIZ_PASSED.
 */
int quiz_init(struct quiz *q, const struct content_node *nodes, size_t n,
	      const char *session_profile, const struct quiz_rng *rng);
void quiz_done(struct quiz *q);

enum quiz_state quiz_state(const struct quiz *q);
/* The current question (QUIZ_ASK, QUIZ_EXPLAIN, QUIZ_CORRECT), else NULL. */
const struct content_node *quiz_question(const struct quiz *q);
/* Number of choices of the current question, and the one shown at pos. */
size_t quiz_nchoices(const struct quiz *q);
const struct content_item *quiz_choice(const struct quiz *q, size_t pos);
/* 1-based number of the current question, of quiz_count() questions. */
size_t quiz_number(const struct quiz *q);
size_t quiz_count(const struct quiz *q);

/* Answer the current question with the choice shown at pos (QUIZ_ASK only;
 * pos < quiz_nchoices). out, if not NULL, gets the attempt to record. */
enum quiz_verdict quiz_answer(struct quiz *q, size_t pos,
			      struct quiz_attempt *out);
/* After QUIZ_WRONG: ask the same question again, choices reshuffled. */
void quiz_retry(struct quiz *q);
/* After QUIZ_RIGHT: go on to the next question (or QUIZ_PASSED). */
void quiz_next(struct quiz *q);

#endif
