/*
 * phrase: BudouX's Japanese phrase boundaries (see phrase.h).
 *
 * The generated tables (phrase-model.c) hold the model as converted; this
 * file builds, once, what makes a look-up cheap: a character → index table
 * over the BMP, and an open-addressing hash of the two- and three-character
 * features keyed by their indices. A feature that names a character the
 * model does not know cannot match, so it is not looked up.
 */
#include <pthread.h>
#include <stdlib.h>

#include "phrase.h"
#include "xmalloc.h"

/* Slots of the n-gram hash: a power of two, at least twice the n-grams. */
#define PHRASE_SLOTS 4096u

static uint16_t phrase_bmp[0x10000];
static struct phrase_gram phrase_hash[PHRASE_SLOTS];
static pthread_once_t phrase_once = PTHREAD_ONCE_INIT;

static unsigned
phrase_slot(uint64_t key)
{
	return (unsigned)((key * 0x9E3779B97F4A7C15u) >> 52) & (PHRASE_SLOTS - 1);
}

static void
phrase_init(void)
{
	if (phrase_nngram * 2 > PHRASE_SLOTS || phrase_nvocab >= 0xFFFF)
		fatal("phrase: the model is larger than its tables (%u n-grams, "
		      "%u characters)", phrase_nngram, phrase_nvocab);
	for (unsigned k = 0; k < phrase_nvocab; k++)
		if (phrase_vocab[k] < 0x10000)
			phrase_bmp[phrase_vocab[k]] = (uint16_t)(k + 1);
	for (unsigned k = 0; k < phrase_nngram; k++) {
		unsigned s = phrase_slot(phrase_ngram[k].key);

		while (phrase_hash[s].key != 0)
			s = (s + 1) & (PHRASE_SLOTS - 1);
		phrase_hash[s] = phrase_ngram[k];
	}
}

static int
phrase_vocab_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The model's index of c, 0 when it does not know c (or c is 0). */
static inline unsigned
phrase_index(uint32_t c)
{
	const uint32_t *at;

	if (c < 0x10000)
		return phrase_bmp[c];
	at = bsearch(&c, phrase_vocab, phrase_nvocab, sizeof *phrase_vocab,
		     phrase_vocab_cmp);
	return at != NULL ? (unsigned)(at - phrase_vocab) + 1 : 0;
}

static inline int
phrase_gram(unsigned feature, unsigned a, unsigned b, unsigned c)
{
	uint64_t key = (uint64_t)feature << 48 | (uint64_t)a << 32 |
		       (uint64_t)b << 16 | c;

	for (unsigned s = phrase_slot(key); phrase_hash[s].key != 0;
	     s = (s + 1) & (PHRASE_SLOTS - 1))
		if (phrase_hash[s].key == key)
			return phrase_hash[s].weight;
	return 0;
}

/* The features in convert.py's order. */
enum { BW1, BW2, BW3, TW1, TW2, TW3, TW4 };

static long
phrase_sum(const unsigned x[6])
{
	const int16_t *uw = phrase_uw;
	unsigned stride = phrase_nvocab + 1;
	long sum = 0;

	for (unsigned k = 0; k < 6; k++)
		sum += uw[k * stride + x[k]];
	if (x[1] && x[2])
		sum += phrase_gram(BW1, x[1], x[2], 0);
	if (x[2] && x[3])
		sum += phrase_gram(BW2, x[2], x[3], 0);
	if (x[3] && x[4])
		sum += phrase_gram(BW3, x[3], x[4], 0);
	if (x[0] && x[1] && x[2])
		sum += phrase_gram(TW1, x[0], x[1], x[2]);
	if (x[1] && x[2] && x[3])
		sum += phrase_gram(TW2, x[1], x[2], x[3]);
	if (x[2] && x[3] && x[4])
		sum += phrase_gram(TW3, x[2], x[3], x[4]);
	if (x[3] && x[4] && x[5])
		sum += phrase_gram(TW4, x[3], x[4], x[5]);
	/* BudouX: base score -total/2, a boundary where the score is > 0 */
	return 2 * sum - (long)phrase_total;
}

bool
phrase_boundary(const uint32_t c[6])
{
	unsigned x[6];

	pthread_once(&phrase_once, phrase_init);
	for (unsigned k = 0; k < 6; k++)
		x[k] = phrase_index(c[k]);
	return phrase_sum(x) > 0;
}

void
phrase_split(const uint32_t *c, size_t n, bool *brk)
{
	pthread_once(&phrase_once, phrase_init);
	if (n == 0)
		return;
	brk[0] = false;
	for (size_t i = 1; i < n; i++) {
		unsigned x[6];

		for (unsigned k = 0; k < 6; k++) {
			size_t j = i + k; /* c[i - 3 + k], kept unsigned */

			x[k] = j >= 3 && j - 3 < n ? phrase_index(c[j - 3]) : 0;
		}
		brk[i] = phrase_sum(x) > 0;
	}
}
