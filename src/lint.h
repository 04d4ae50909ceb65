/*
 * lint: content-quality checks over parsed documents, for content editors
 * (`isokiosk check`). They find what the parser cannot: what a test-wise
 * patient or an ethics reviewer would find. Each finding is a warning at
 * path:line:col; none of them stops the kiosk.
 *
 *  - quiz: the right choice is the longest one (no other choice is longer)
 *    in more than a third of a language's questions, so a patient who
 *    picks the longest passes; two questions share the same right wording,
 *    so a patient learns an answer instead of a point.
 *  - consent: a statement with more than one sentence of duty (one point
 *    per statement), or with words that promise an outcome ("I will not
 *    get pregnant"), from lists a language keeps in <lang>/lint.conf.
 *  - ruby: a word that has its reading on a later use on a screen but not
 *    on its first use there. A screen is a screen file (its title is drawn
 *    apart, in the header, and is not counted), one quiz question, or one
 *    consent statement: each is shown on its own.
 *
 * <lang>/lint.conf (optional; without it the consent word lint is off):
 *
 *     # a sentence of duty (a commitment) ends with one of these ...
 *     duty-end = ます
 *     # ... unless it ends with one of these (a state, not a duty)
 *     not-duty-end = あります
 *     # ... or contains one of these
 *     duty-word = I will
 *     # a sentence that contains one of these states understanding instead
 *     understanding = 理解
 *     # words that promise an outcome
 *     outcome = 妊娠しません
 *
 * Keys may repeat; values are plain text, surrounding spaces dropped, and
 * compared after NFC, as content is. Matching is exact (case-sensitive).
 *
 * Owns the lists it loads: lint_rules_load / lint_rules_done.
 */
#ifndef ISOKIOSK_LINT_H
#define ISOKIOSK_LINT_H

#include <stddef.h>

#include "diag.h"

struct bundle;
struct bundle_lang;
struct content_doc;

struct lint_list {
	char **v;
	size_t n, cap;
};

struct lint_rules {
	struct lint_list duty_end, not_duty_end, duty_word, understanding,
			 outcome;
	int loaded;    /* a lint.conf was read */
};

void lint_rules_init(struct lint_rules *r);
/*
 * Read path (a lint.conf) into r, adding to what r holds. A file that does
 * not exist is not an error (returns 0, r->loaded stays as it was); a file
 * that cannot be read or decoded, and each bad line, is an error in dl
 * (returns -1 when the file could not be read at all).
 */
int lint_rules_load(struct lint_rules *r, const char *path,
		    struct diag_list *dl);
/* The same over decoded text (path is for diagnostics). */
void lint_rules_parse(struct lint_rules *r, const char *path, const char *text,
		      size_t len, struct diag_list *dl);
void lint_rules_done(struct lint_rules *r);

/* The ruby lint over one document of any kind. */
void lint_ruby(const struct content_doc *doc, struct diag_list *dl);
/* The two quiz lints over one quiz document (kind quiz). */
void lint_quiz(const struct content_doc *doc, struct diag_list *dl);
/* The consent lints over one consent document (kind consent). */
void lint_consent(const struct content_doc *doc, const struct lint_rules *r,
		  struct diag_list *dl);
/* Every lint that applies to doc (rules may be NULL: no word lists). */
void lint_doc(const struct content_doc *doc, const struct lint_rules *r,
	      struct diag_list *dl);
/*
 * Every lint over every document of every language of a loaded bundle,
 * each language with its own <dir>/lint.conf.
 */
void lint_bundle(const struct bundle *b, struct diag_list *dl);

/*
 * Helpers, exposed for the unit tests: the number of sentences of duty in
 * text (sentences end at 。！？, at . ! ? before a space or the end, and at
 * a line break), and whether text contains one of r's outcome words
 * (returns the word, or NULL).
 */
size_t lint_duty_sentences(const char *text, const struct lint_rules *r);
const char *lint_outcome_word(const char *text, const struct lint_rules *r);

#endif
