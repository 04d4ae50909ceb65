/*
 * content-fuzzer: libFuzzer target over decode → parse → layout, and the
 * content lints over the parsed document (with the ja word lists).
 *
 * The first byte of the input picks the layout settings (width, ambiguous
 * width, ruby mode); the rest is a content file. Beyond the sanitizers it
 * checks the layout's own promises: run widths add up to the line width and
 * match the text, no control characters, no trailing spaces, and no line
 * wider than the width once the width leaves room for the widest character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "decode.h"
#include "diag.h"
#include "layout.h"
#include "lint.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct layout *l, const struct layout_opts *o)
{
	char *s;

	for (size_t i = 0; i < l->n; i++) {
		const struct layout_line *ln = &l->lines[i];
		int sum = 0;

		for (size_t r = 0; r < ln->nruns; r++) {
			const char *t = ln->runs[r].text;

			if (ln->runs[r].width != text_strwidth(t, o->ambiguous))
				abort();
			for (; *t; t++)
				if ((unsigned char)*t < 0x20 || *t == 0x7f)
					abort();
			sum += ln->runs[r].width;
		}
		if (sum != ln->width)
			abort();
		if (o->width >= 8 && ln->width > o->width)
			abort();
	}
	s = layout_to_text(l);
	for (size_t i = 1; s[i - 1] != '\0' && s[i] != '\0'; i++)
		if (s[i] == '\n' && s[i - 1] == ' ')
			abort();
	free(s);
}

static void
fuzz_lint(const struct content_doc *doc, struct diag_list *dl)
{
	static const char conf[] =
		"duty-end = ます\nduty-end = ません\nnot-duty-end = あります\n"
		"duty-word = I will\nunderstanding = 理解\n"
		"outcome = 妊娠しません\noutcome = will cure\n";
	struct lint_rules r;

	lint_rules_init(&r);
	lint_rules_parse(&r, "lint.conf", conf, sizeof conf - 1, dl);
	lint_doc(doc, &r, dl);
	lint_rules_done(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = { 1, 2, 3, 7, 8, 20, 40, 80 };
	struct layout_opts o;
	struct decode_text dt;
	struct diag_list dl;

	if (size < 1)
		return 0;
	o.width = widths[data[0] & 7];
	o.ambiguous = (data[0] & 8) ? 2 : 1;
	o.ruby = (enum layout_ruby)((data[0] >> 4) % 3);
	diag_list_init(&dl);
	if (decode_bytes("fuzz.md", data + 1, size - 1, &dt, &dl) == 0) {
		struct content_doc *doc =
			content_parse("fuzz.md", dt.text, dt.len, NULL, "ja", &dl);

		if (doc != NULL) {
			struct layout *l = layout_doc(doc, &o);

			fuzz_check(l, &o);
			layout_free(l);
			o.width = 40;
			l = layout_doc(doc, &o);
			fuzz_check(l, &o);
			layout_free(l);
			fuzz_lint(doc, &dl);
			content_doc_free(doc);
		}
		decode_text_done(&dt);
	}
	diag_list_done(&dl);
	return 0;
}
