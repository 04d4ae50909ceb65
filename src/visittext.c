/*
 * visittext: a patient's visits as people read them (visittext.h).
 */
#include "visittext.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "rectext.h"
#include "store-visit.h"
#include "xmalloc.h"

static const char *
visittext_v(const char *v)
{
	return v != NULL ? v : "-";
}

/* The entries of one kind of visit answer, ", "-joined; with scores for
 * the mood check. Returns how many. */
static size_t
visittext_answers(struct strbuf *out, const struct store_session *s,
		  const char *kind, bool scores, int *total)
{
	size_t n = 0;

	if (total != NULL)
		*total = 0;
	for (size_t i = 0; i < s->nvanswers; i++) {
		const struct store_vanswer_row *a = &s->vanswers[i];

		if (a->kind == NULL || strcmp(a->kind, kind) != 0)
			continue;
		if (n++ > 0)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, visittext_v(a->entry));
		if (scores)
			strbuf_addf(out, " %d", a->score);
		if (total != NULL)
			*total += a->score;
	}
	return n;
}

static bool
visittext_flagged(const struct store_session *s, const char *source)
{
	for (size_t i = 0; i < s->nflags; i++)
		if (s->flags[i].source != NULL &&
		    strcmp(s->flags[i].source, source) == 0)
			return true;
	return false;
}

/* The re-check: each question once, its attempts as right/wrong. */
static void
visittext_recheck(struct strbuf *out, const struct store_session *s)
{
	size_t shown = 0;

	for (size_t i = 0; i < s->nanswers; i++) {
		const struct store_answer_row *a = &s->answers[i];
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen |= s->answers[j].question_id != NULL &&
				a->question_id != NULL &&
				strcmp(s->answers[j].question_id,
				       a->question_id) == 0;
		if (seen)
			continue;
		strbuf_addstr(out, shown++ ? "; " : "");
		strbuf_addf(out, "%s ", visittext_v(a->question_id));
		for (size_t j = i, k = 0; j < s->nanswers; j++) {
			const struct store_answer_row *b = &s->answers[j];

			if (b->question_id == NULL || a->question_id == NULL ||
			    strcmp(b->question_id, a->question_id) != 0)
				continue;
			strbuf_addstr(out, k++ ? " then " : "");
			strbuf_addstr(out, b->correct ? "right" : "wrong");
		}
	}
	if (shown == 0)
		strbuf_addstr(out, "-");
}

void
visittext_session(struct strbuf *out, const struct store_session *s)
{
	char t[CLOCK_MAX];
	bool follow = s->visit != NULL && strcmp(s->visit, "follow-up") == 0;
	size_t reconsent = 0, every = 0;
	int total;

	if (follow) {
		strbuf_addstr(out, "  contraception: ");
		if (visittext_answers(out, s, "method", false, NULL) == 0)
			strbuf_addstr(out, strcmp(visittext_v(s->profile),
						  "pregnancy") == 0
					   ? "none chosen" : "not asked");
		if (visittext_flagged(s, "methods"))
			strbuf_addstr(out, " (does not meet the rule)");
		strbuf_addstr(out, "\n  mood check: ");
		{
			struct strbuf items;

			strbuf_init(&items);
			if (visittext_answers(&items, s, "mood", true,
					      &total) == 0)
				strbuf_addstr(out, "not answered");
			else
				strbuf_addf(out, "total %d (%s)", total,
					    items.s);
			strbuf_done(&items);
		}
		strbuf_addstr(out, "\n  side effects: ");
		if (visittext_answers(out, s, "effect", false, NULL) == 0)
			strbuf_addstr(out, "none ticked");
		strbuf_addstr(out, "\n  re-check: ");
		visittext_recheck(out, s);
		strbuf_addstr(out, "\n");
	} else {
		strbuf_addf(out, "  quiz: %zu answers\n", s->nanswers);
	}
	for (size_t i = 0; i < s->nvanswers; i++)
		if (s->vanswers[i].kind != NULL &&
		    strcmp(s->vanswers[i].kind, "reconsent") == 0)
			reconsent++;
	every = s->nacks;
	strbuf_addf(out, "  statements: %zu confirmed", every);
	if (reconsent > 0) {
		strbuf_addstr(out, "; shown again (new or changed"
			      " wording): ");
		visittext_answers(out, s, "reconsent", false, NULL);
	}
	strbuf_addstr(out, "\n");
	for (size_t i = 0; i < s->nflags; i++) {
		const struct store_flag_row *f = &s->flags[i];

		strbuf_addf(out, "  flag: %s %s %s, ",
			    strcmp(visittext_v(f->level), "urgent") == 0
			    ? "URGENT" : "staff", visittext_v(f->source),
			    visittext_v(f->entry));
		if (f->ack_staff != NULL)
			strbuf_addf(out, "acknowledged by %s at %s\n",
				    f->ack_staff,
				    rectext_time(f->ack_at, CLOCK_MINUTE, t));
		else
			strbuf_addstr(out, "NOT ACKNOWLEDGED\n");
	}
	if (s->presc_staff != NULL) {
		strbuf_addf(out, "  may prescribe: %s at %s", s->presc_staff,
			    rectext_time(s->presc_at, CLOCK_MINUTE, t));
		if (s->presc_test > 0)
			strbuf_addf(out, " (pregnancy test #%lld)",
				    (long long)s->presc_test);
		strbuf_addstr(out, "\n");
	} else if (s->outcome == STORE_COMPLETED) {
		strbuf_addstr(out, "  may prescribe: not recorded\n");
	}
}

void
visittext_test(struct strbuf *out, const struct store_test_row *t)
{
	char at[CLOCK_MAX];

	strbuf_addf(out, "#%lld  %s  %s  %s  staff %s  entered %s%s",
		    (long long)t->id, visittext_v(t->date),
		    visittext_v(t->result), visittext_v(t->setting),
		    visittext_v(t->staff_id),
		    rectext_time(t->at, CLOCK_MINUTE, at),
		    t->holds ? "" : "  (DOES NOT MATCH ITS SEAL)");
}

static int
visittext_test_line(const struct store_test_row *t, void *ctx)
{
	struct strbuf *sb = ctx;

	strbuf_addstr(sb, "  ");
	visittext_test(sb, t);
	strbuf_addstr(sb, "\n");
	return 0;
}

int
visittext_patient(struct strbuf *out, struct store *st,
		  const char *patient_ref, char **err)
{
	struct strbuf tests, body;
	int64_t *ids = NULL;
	size_t n = 0, nfollow = 0;
	char t[CLOCK_MAX], code[RECTEXT_CODE_MAX];
	int rc = -1;

	strbuf_init(&tests);
	strbuf_init(&body);
	if (store_patient_sessions(st, patient_ref, &ids, &n, err) != 0 ||
	    store_tests_each(st, patient_ref, visittext_test_line, &tests,
			     err) != 0)
		goto out;
	if (n == 0 && tests.len == 0) {
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct store_session s;

		store_session_init(&s);
		if (store_session_get(st, ids[i], &s, err) != 0) {
			store_session_done(&s);
			goto out;
		}
		nfollow += strcmp(visittext_v(s.visit), "follow-up") == 0;
		strbuf_addf(&body, "#%lld  %s  %s  %s  %s  %s  staff %s%s%s\n",
			    (long long)s.id,
			    strcmp(visittext_v(s.visit), "follow-up") == 0
			    ? "follow-up" : "first visit",
			    rectext_time(s.started_at, CLOCK_MINUTE, t),
			    visittext_v(s.outcome_name),
			    rectext_code(s.seal_hash, code),
			    visittext_v(s.profile), visittext_v(s.staff_id),
			    s.reason != NULL ? "  " : "",
			    s.reason != NULL ? s.reason : "");
		visittext_session(&body, &s);
		store_session_done(&s);
	}
	strbuf_addf(out, "Patient %s: %zu visits (%zu follow-ups)\n",
		    patient_ref, n, nfollow);
	strbuf_addstr(out, body.s);
	strbuf_addstr(out, "Pregnancy tests:\n");
	strbuf_addstr(out, tests.len > 0 ? tests.s : "  none recorded\n");
	rc = 0;
out:
	free(ids);
	strbuf_done(&tests);
	strbuf_done(&body);
	return rc;
}
