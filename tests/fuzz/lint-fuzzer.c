/*
 * lint-fuzzer: libFuzzer target over a lint.conf (decode → lint_rules_parse)
 * and the sentence rules that use it: the input's own text is split into
 * sentences, its duties counted and its outcome words looked up with the
 * lists it declared. Beyond the sanitizers: a count of duties never exceeds
 * the number of bytes, and a word found is one of the lists' words.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "diag.h"
#include "lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_text dt;
	struct diag_list dl;

	diag_list_init(&dl);
	if (decode_bytes("lint.conf", data, size, &dt, &dl) == 0) {
		struct lint_rules r;
		const char *w;
		bool found = false;

		lint_rules_init(&r);
		lint_rules_parse(&r, "lint.conf", dt.text, dt.len, &dl);
		if (lint_duty_sentences(dt.text, &r) > dt.len)
			abort();
		w = lint_outcome_word(dt.text, &r);
		for (size_t i = 0; w != NULL && i < r.outcome.n; i++)
			found |= r.outcome.v[i] == w;
		if (w != NULL && (!found || strstr(dt.text, w) == NULL))
			abort();
		lint_rules_done(&r);
		decode_text_done(&dt);
	}
	diag_list_done(&dl);
	return 0;
}
