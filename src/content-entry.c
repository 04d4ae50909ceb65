/*
 * content-entry: the sections of the follow-up files (doc/content-format.md,
 * "Follow-up files"): a contraception methods list (kind methods), a scored
 * questionnaire (kind questionnaire: items with scored choices, bands of
 * the total, urgent items) and a checklist of side effects (kind
 * checklist, "urgent: yes" for stop-and-call items). Each "## id" section
 * is one CONTENT_ENTRY node; content-section.c reads its id and hands its
 * keys and body here.
 *
 * Owns: nothing beyond the nodes (the per-file counts live in struct
 * content_sections).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "content-int.h"
#include "xmalloc.h"

/* Which keys a section gave (content_node.entry_keys): q->min_total etc.
 * say the value, this says whether it was given. */
enum {
	ENTRY_K_CLASS = 1 << 0,
	ENTRY_K_CODE = 1 << 1,
	ENTRY_K_URGENT = 1 << 2,
	ENTRY_K_MIN = 1 << 3,
	ENTRY_K_FLAG = 1 << 4,
	ENTRY_K_MESSAGE = 1 << 5,
};

#define ENTRY_KEYS(q) ((q)->entry_keys)

/* A small non-negative number ("0" to "999"); -1 otherwise. */
static int
content_entry_number(const char *v, const char *end)
{
	int n = 0;

	if (v == end || end - v > 3)
		return -1;
	for (const char *p = v; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

bool
content_entry_key(struct content_parser *cp, struct content_node *q,
		  const struct content_line *l, const char *key, size_t kl,
		  const char *v, const char *end)
{
	enum content_kind kind = cp->kind;
	int bit;

#define IS(s) (kl == strlen(s) && memcmp(key, s, kl) == 0)
	if (IS("message"))
		bit = ENTRY_K_MESSAGE;
	else if (kind == CONTENT_KIND_METHODS && IS("class"))
		bit = ENTRY_K_CLASS;
	else if (kind != CONTENT_KIND_METHODS && IS("code"))
		bit = ENTRY_K_CODE;
	else if ((kind == CONTENT_KIND_CHECKLIST && IS("urgent")) ||
		 (kind == CONTENT_KIND_QUESTIONNAIRE && IS("urgent-from")))
		bit = ENTRY_K_URGENT;
	else if (kind == CONTENT_KIND_QUESTIONNAIRE && IS("min-total"))
		bit = ENTRY_K_MIN;
	else if (kind == CONTENT_KIND_QUESTIONNAIRE && IS("flag"))
		bit = ENTRY_K_FLAG;
	else
		return false;
#undef IS
	if (ENTRY_KEYS(q) & bit) {
		content_err(cp, l, key, "'%.*s:' is given twice", (int)kl, key);
		return true;
	}
	ENTRY_KEYS(q) |= bit;
	switch (bit) {
	case ENTRY_K_MESSAGE:
		if (!content_is_id(v, (size_t)(end - v)))
			content_err(cp, l, v < end ? v : key, "message needs a "
				    "name (lowercase letters, digits and '-'), "
				    "not '%.*s'", (int)(end - v), v);
		q->message = xstrndup(v, (size_t)(end - v));
		break;
	case ENTRY_K_CLASS:
		if (end - v == 16 && memcmp(v, "highly-effective", 16) == 0)
			q->method_class = CONTENT_METHOD_HIGHLY_EFFECTIVE;
		else if (end - v == 9 && memcmp(v, "effective", 9) == 0)
			q->method_class = CONTENT_METHOD_EFFECTIVE;
		else if (end - v == 7 && memcmp(v, "barrier", 7) == 0)
			q->method_class = CONTENT_METHOD_BARRIER;
		else if (end - v == 14 && memcmp(v, "does-not-count", 14) == 0)
			q->method_class = CONTENT_METHOD_DOES_NOT_COUNT;
		else
			q->method_class = CONTENT_METHOD_DOES_NOT_COUNT,
			content_err(cp, l, v < end ? v : key, "unknown class "
				    "'%.*s' (expected highly-effective, "
				    "effective, barrier or does-not-count)",
				    (int)(end - v), v);
		break;
	case ENTRY_K_CODE:
		if (!content_is_code(v, (size_t)(end - v)))
			content_err(cp, l, v < end ? v : key, "code must be "
				    "letters, digits and '-' (a LOINC code: "
				    "44250-9), not '%.*s'", (int)(end - v), v);
		else
			q->code = xstrndup(v, (size_t)(end - v));
		break;
	case ENTRY_K_URGENT:
		if (kind == CONTENT_KIND_CHECKLIST) {
			if (end - v == 3 && memcmp(v, "yes", 3) == 0)
				q->urgent_from = 1;
			else if (!(end - v == 2 && memcmp(v, "no", 2) == 0))
				content_err(cp, l, v < end ? v : key, "urgent "
					    "must be yes or no, not '%.*s'",
					    (int)(end - v), v);
		} else {
			q->urgent_from = content_entry_number(v, end);
			if (q->urgent_from < 1) {
				content_err(cp, l, v < end ? v : key,
					    "urgent-from must be a score from 1"
					    " to 999 (a choice scoring that or "
					    "more is urgent), not '%.*s'",
					    (int)(end - v), v);
				q->urgent_from = 0;
			}
		}
		break;
	case ENTRY_K_MIN:
		q->min_total = content_entry_number(v, end);
		if (q->min_total < 0)
			content_err(cp, l, v < end ? v : key, "min-total must "
				    "be a number from 0 to 999, not '%.*s'",
				    (int)(end - v), v);
		break;
	case ENTRY_K_FLAG:
		if (end - v == 4 && memcmp(v, "none", 4) == 0)
			q->flag = CONTENT_FLAG_NONE;
		else if (end - v == 5 && memcmp(v, "staff", 5) == 0)
			q->flag = CONTENT_FLAG_STAFF;
		else if (end - v == 6 && memcmp(v, "urgent", 6) == 0)
			q->flag = CONTENT_FLAG_URGENT;
		else
			content_err(cp, l, v < end ? v : key, "unknown flag "
				    "'%.*s' (expected none, staff or urgent)",
				    (int)(end - v), v);
		break;
	}
	return true;
}

/*
 * A questionnaire choice's score: "- [N] text" leaves "[N] text" in the
 * item's first span (the block parser knows only "[ ]" and "[x]"); the
 * score is taken out of it in place (shorter, so the packed text stays
 * where it is). -1 when the item does not start so.
 */
static int
content_entry_score(struct content_item *it)
{
	struct content_span *sp;
	char *t, *p;
	int n = 0;

	if (it->text.n == 0)
		return -1;
	sp = &it->text.spans[0];
	t = sp->text;
	if (sp->ruby != NULL || sp->style != CONTENT_PLAIN || t[0] != '[')
		return -1;
	for (p = t + 1; *p >= '0' && *p <= '9' && p - t < 4; p++)
		n = n * 10 + (*p - '0');
	if (p == t + 1 || *p != ']' || (p[1] != ' ' && p[1] != '\0'))
		return -1;
	p++;
	while (*p == ' ')
		p++;
	memmove(t, p, strlen(p) + 1);
	return n;
}

/* A questionnaire item: prompt blocks, then one list of scored choices. */
static void
content_entry_item(struct content_parser *cp, struct content_node *q,
		   const struct content_line *hl, struct content_nodes *body)
{
	size_t c = body->n;
	int max = -1;

	for (size_t i = 0; i < body->n; i++) {
		if (body->v[i].kind == CONTENT_LIST) {
			c = i;
			break;
		}
	}
	if (c == 0 && c < body->n)
		content_err(cp, hl, hl->p, "item '%s' has no question: expected "
			    "a paragraph before the choices", q->id);
	if (c == body->n) {
		content_err(cp, hl, hl->p, "item '%s' has no choices: expected "
			    "a list of '- [score] text' choices", q->id);
	} else {
		struct content_node *ch = &body->v[c];

		for (size_t i = 0; i < ch->nitems; i++) {
			struct content_item *it = &ch->items[i];

			it->score = it->checked < 0 ? content_entry_score(it) : -1;
			if (it->score < 0)
				content_err_at(cp, it->line, it->col, "every "
					       "choice of item '%s' starts with "
					       "its score: '- [0] text'", q->id);
			else if (it->score > max)
				max = it->score;
		}
		if (ch->nitems < 2)
			content_err_at(cp, ch->line, ch->col, "item '%s' has "
				       "only %zu choice; it needs at least 2",
				       q->id, ch->nitems);
		if (c + 1 < body->n)
			content_err_at(cp, body->v[c + 1].line,
				       body->v[c + 1].col, "item '%s': nothing "
				       "may follow its choices", q->id);
		if (q->urgent_from > 0 && max >= 0 && q->urgent_from > max)
			content_err(cp, hl, hl->p, "item '%s': urgent-from %d "
				    "is more than its highest score %d, so it "
				    "can never be urgent", q->id,
				    q->urgent_from, max);
		q->items = ch->items;
		q->nitems = ch->nitems;
		ch->items = NULL;
		ch->nitems = 0;
		content_node_done(ch);
		for (size_t i = c + 1; i < body->n; i++)
			content_node_done(&body->v[i]);
		body->n = c;
	}
	q->children = body->v;
	q->nchildren = body->n;
	free(body->qa);
	memset(body, 0, sizeof *body);
}

void
content_entry(struct content_parser *cp, struct content_sections *ss,
	      struct content_node *q, const struct content_line *hl,
	      struct content_nodes *body)
{
	int keys = ENTRY_KEYS(q);
	static const char *const what[] = {
		"method", "item", "band", "item", "message",
	};

	ENTRY_KEYS(q) = 0;
	if (keys & ENTRY_K_MESSAGE)
		q->entry = CONTENT_ENTRY_MESSAGE;
	else if (cp->kind == CONTENT_KIND_METHODS)
		q->entry = CONTENT_ENTRY_METHOD;
	else if (cp->kind == CONTENT_KIND_CHECKLIST)
		q->entry = CONTENT_ENTRY_CHECK;
	else if (keys & (ENTRY_K_MIN | ENTRY_K_FLAG))
		q->entry = CONTENT_ENTRY_BAND;
	else
		q->entry = CONTENT_ENTRY_ITEM;
	ss->nentries[q->entry]++;

	if (q->entry == CONTENT_ENTRY_MESSAGE) {
		if (keys & ~ENTRY_K_MESSAGE)
			content_err(cp, hl, hl->p, "message '%s' takes no "
				    "other keys", q->id);
		if (cp->kind != CONTENT_KIND_METHODS ||
		    strcmp(q->message, "not-met") != 0)
			content_err(cp, hl, hl->p, "unknown message '%s' "
				    "(a methods file has 'not-met'; a %s file "
				    "has none)", q->message,
				    content_kind_name(cp->kind));
	} else if (q->entry == CONTENT_ENTRY_METHOD) {
		if (!(keys & ENTRY_K_CLASS))
			content_err(cp, hl, hl->p, "method '%s' has no 'class:' "
				    "line (highly-effective, effective, "
				    "barrier or does-not-count)", q->id);
		else if (q->method_class == CONTENT_METHOD_HIGHLY_EFFECTIVE)
			ss->nhighly++;
	} else if (q->entry == CONTENT_ENTRY_BAND) {
		if (!(keys & ENTRY_K_MIN))
			content_err(cp, hl, hl->p, "band '%s' has no "
				    "'min-total:' line (the lowest total it "
				    "covers)", q->id);
		if (!(keys & ENTRY_K_FLAG))
			content_err(cp, hl, hl->p, "band '%s' has no 'flag:' "
				    "line (none, staff or urgent)", q->id);
		if (keys & (ENTRY_K_CODE | ENTRY_K_URGENT))
			content_err(cp, hl, hl->p, "band '%s' takes only "
				    "min-total and flag", q->id);
		if (q->min_total >= 0) {
			for (size_t i = 0; i < ss->nbands; i++)
				if (ss->band_totals[i] == q->min_total)
					content_err(cp, hl, hl->p, "band '%s': "
						    "another band starts at "
						    "total %d too", q->id,
						    q->min_total);
			if (ss->nbands < sizeof ss->band_totals /
					 sizeof ss->band_totals[0])
				ss->band_totals[ss->nbands++] = q->min_total;
		}
	}
	if (q->entry == CONTENT_ENTRY_ITEM) {
		content_entry_item(cp, q, hl, body);
		return;
	}
	if (body->n == 0)
		content_err(cp, hl, hl->p, "%s '%s' has no text", what[q->entry],
			    q->id);
	q->children = body->v;
	q->nchildren = body->n;
	free(body->qa);
	memset(body, 0, sizeof *body);
}

void
content_entries_done(struct content_parser *cp, struct content_sections *ss)
{
	switch (cp->kind) {
	case CONTENT_KIND_METHODS:
		if (ss->nentries[CONTENT_ENTRY_METHOD] == 0)
			content_err_at(cp, 0, 0, "the methods file has no "
				       "methods: expected '## id' sections with "
				       "'class:'");
		else if (ss->nhighly == 0)
			content_err_at(cp, 0, 0, "the methods file has no method "
				       "of class highly-effective: the rule (one "
				       "highly effective method, or two) could "
				       "only be met by two");
		if (ss->nentries[CONTENT_ENTRY_MESSAGE] != 1)
			content_err_at(cp, 0, 0, "the methods file needs exactly "
				       "one 'message: not-met' section (what the "
				       "patient reads when the methods chosen do "
				       "not meet the rule); it has %zu",
				       ss->nentries[CONTENT_ENTRY_MESSAGE]);
		break;
	case CONTENT_KIND_QUESTIONNAIRE:
		if (ss->nentries[CONTENT_ENTRY_ITEM] == 0)
			content_err_at(cp, 0, 0, "the questionnaire has no "
				       "items: expected '## id' sections with "
				       "scored choices");
		break;
	case CONTENT_KIND_CHECKLIST:
		if (ss->nentries[CONTENT_ENTRY_CHECK] == 0)
			content_err_at(cp, 0, 0, "the checklist has no items: "
				       "expected '## id' sections");
		break;
	default:
		break;
	}
}
