/*
 * Unit tests for phrase: BudouX's own examples (src/phrase/budoux-ja-examples.tsv,
 * every sentence split exactly as BudouX splits it), phrase_boundary and
 * phrase_split agreeing at every place, the edges of a text, and the places
 * our content needs (受診の|目安, 使う|タイミング).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "phrase.h"
#include "strbuf.h"
#include "tap.h"
#include "xmalloc.h"

/* s decoded into code points (caller frees), *n of them. */
static uint32_t *
decode(const char *s, size_t *n)
{
	size_t len = strlen(s);
	uint32_t *c = xreallocarray(NULL, len + 1, sizeof *c);

	*n = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t uc;
		int k = u8_mbtouc(&uc, (const uint8_t *)s + i, len - i);

		c[(*n)++] = uc;
		i += k > 0 ? (size_t)k : 1;
	}
	return c;
}

/* s split into phrases, joined by '▁' (BudouX's notation); caller frees. */
static char *
split(const char *s)
{
	size_t n;
	uint32_t *c = decode(s, &n);
	bool *brk = xcalloc(n + 1, sizeof *brk);
	struct strbuf sb;

	phrase_split(c, n, brk);
	strbuf_init(&sb);
	for (size_t i = 0; i < n; i++) {
		uint8_t buf[6];
		int k;

		if (brk[i])
			strbuf_add(&sb, "\xe2\x96\x81", 3);
		k = u8_uctomb(buf, c[i], sizeof buf);
		strbuf_add(&sb, (const char *)buf, (size_t)k);
	}
	free(brk);
	free(c);
	return strbuf_detach(&sb, NULL);
}

static void
check_split(const char *s, const char *want)
{
	char *got = split(s);

	ck_assert_msg(strcmp(got, want) == 0, "%s: got %s, want %s", s, got,
		      want);
	free(got);
}

/* Every sentence of BudouX's quality examples, split as BudouX does. */
START_TEST(test_budoux_examples)
{
	char *path = tap_source_path("src/phrase/budoux-ja-examples.tsv");
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof line, f) != NULL) {
		char *tab, *want, *plain, *w, *p;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		tab = strrchr(line, '\t');
		want = tab != NULL ? tab + 1 : line;
		/* the sentence without the ▁ marks */
		plain = xstrdup(want);
		for (w = plain, p = want; *p;) {
			if (strncmp(p, "\xe2\x96\x81", 3) == 0) {
				p += 3;
				continue;
			}
			*w++ = *p++;
		}
		*w = '\0';
		check_split(plain, want);
		free(plain);
		n++;
	}
	fclose(f);
	free(path);
	ck_assert_int_eq(n, 38); /* every example was read */
}
END_TEST

/* phrase_boundary over the six characters around a place says what
 * phrase_split says there, 0 standing for the text's edges. */
START_TEST(test_boundary_agrees)
{
	static const char *const texts[] = {
		"この薬は、皮脂を出す皮脂腺を小さくします。",
		"リップクリームを、1日に何回も塗ります。",
		"ビタミンAのサプリメントは、治療中は飲まないでください。",
		"日焼け止めはSPF30、PA+++以上のものを選びましょう。",
		"ア", "あい", "今日は", "",
	};

	for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
		size_t n;
		uint32_t *c = decode(texts[t], &n);
		bool *brk = xcalloc(n + 1, sizeof *brk);

		phrase_split(c, n, brk);
		for (size_t i = 1; i < n; i++) {
			uint32_t ctx[6];

			for (size_t k = 0; k < 6; k++)
				ctx[k] = i + k >= 3 && i + k - 3 < n ? c[i + k - 3]
								  : 0;
			ck_assert_msg(phrase_boundary(ctx) == brk[i],
				      "%s at %zu", texts[t], i);
		}
		if (n > 0)
			ck_assert(!brk[0]);
		free(brk);
		free(c);
	}
}
END_TEST

/* Places in our own content that the line breaker relies on. */
START_TEST(test_content_phrases)
{
	check_split("受診の目安を確かめます。",
		    "受診の▁目安を▁確かめます。");
	check_split("使うタイミング", "使う▁タイミング");
	check_split("ニキビの原因", "ニキビの▁原因");
	check_split("唇の乾燥、ひび割れ、痛み",
		    "唇の▁乾燥、▁ひび割れ、▁痛み");
	check_split("スタッフに伝えてください。",
		    "スタッフに▁伝えてください。");
	check_split("リップクリームを、1日に何回も塗ります。",
		    "リップクリームを、▁1日に▁何回も▁塗ります。");
}
END_TEST

/* Characters the model does not know (outside the BMP too) weigh nothing
 * and break nothing. */
START_TEST(test_unknown_characters)
{
	uint32_t ctx[6] = { 0x1F600, 0x1F601, 0x1F602, 0x1F603, 0x1F604,
			    0x1F605 };
	uint32_t edge[6] = { 0, 0, 0, 0, 0, 0 };

	ck_assert(!phrase_boundary(ctx));
	ck_assert(!phrase_boundary(edge));
	check_split("\xf0\x9f\x98\x80\xf0\x9f\x98\x81", "\xf0\x9f\x98\x80\xf0\x9f\x98\x81");
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("phrase");
	TCase *tc = tcase_create("phrase");

	tcase_add_test(tc, test_budoux_examples);
	tcase_add_test(tc, test_boundary_agrees);
	tcase_add_test(tc, test_content_phrases);
	tcase_add_test(tc, test_unknown_characters);
	suite_add_tcase(s, tc);
	return s;
}
