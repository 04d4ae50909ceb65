/*
 * phrase: where Japanese text divides into phrases (文節, bunsetsu), so that
 * the line breaker can prefer those places: 受診の|目安, not 受診の目|安.
 *
 * The boundaries come from BudouX (Google's phrase segmenter, the one behind
 * Chrome's `word-break: auto-phrase`): a model of about 1,700 integer weights
 * over the one, two and three characters on each side of a place, summed; a
 * phrase starts where the sum is above half the total. The weights are data
 * (src/phrase/budoux-ja.json, Apache License 2.0, src/phrase/LICENSE),
 * converted to C tables at build time by src/phrase/convert.py; this file is
 * our own reading of the published model, tested against BudouX's own
 * examples (src/phrase/budoux-ja-examples.tsv).
 *
 * Why the model and not rules of our own over character classes and
 * particles: rules of that kind (break after a particle, before a kanji after
 * kana, never inside a kanji or katakana run) get the easy cases right and
 * the common ones wrong: they split verb endings and auxiliaries (飲んで|
 * ください, してい|ない), cannot tell a particle from the same kana inside a
 * word (はじめて, もの, でも), and keep 受診の目安 or 1日に何回 whole or not
 * at random. BudouX learned those from a corpus, is what browsers use (so
 * the kiosk breaks where a Japanese reader's browser would), costs a dozen
 * table look-ups per place asked, and is asked only near the end of a line
 * (text_wrap asks about the places that could end one). Its weights take
 * 40 KB; the look-up tables are built once.
 *
 * Pure and thread-safe (the tables are built under pthread_once).
 */
#ifndef ISOKIOSK_PHRASE_H
#define ISOKIOSK_PHRASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether a phrase starts at c[3], given the six characters around the
 * place: c[0..2] before it (c[2] just before), c[3..5] after it. A 0 stands
 * for "no character" (the edge of the text), as BudouX leaves out the
 * features that reach past the sentence.
 */
bool phrase_boundary(const uint32_t c[6]);

/*
 * BudouX's parse of the n characters c: brk[i] (0 < i < n) says whether a
 * phrase starts at c[i]; brk[0] is false.
 */
void phrase_split(const uint32_t *c, size_t n, bool *brk);

/* The generated tables (phrase-model.c, from src/phrase/convert.py). */
struct phrase_gram {
	uint64_t key;  /* feature (0 BW1 .. 6 TW4) << 48 | 16-bit character
			  indices, the first highest, a bigram's last 0 */
	int16_t weight;
};
extern const uint32_t phrase_vocab[];
extern const unsigned phrase_nvocab;
/* six rows (UW1..UW6) of phrase_nvocab + 1 weights */
extern const int16_t phrase_uw[];
extern const struct phrase_gram phrase_ngram[];
extern const unsigned phrase_nngram;
extern const int32_t phrase_total;

#endif
