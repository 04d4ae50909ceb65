/*
 * Unit tests for text: widths with ambiguous 1 and 2, kinsoku, unit and Latin
 * tokens, numeral + counter, forced breaks, trailing spaces, measuring.
 */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tap.h"
#include "text.h"
#include "xmalloc.h"

/* Wrap s at width with the Japanese rules; lines joined by '|'; caller frees. */
static char *
wrap(const char *s, int width, int ambiguous)
{
	size_t n = strlen(s), nl;
	unsigned char *keep = xcalloc(n + 1, 1);
	struct text_line *lines;
	struct strbuf sb;

	text_keep_rules(s, n, keep);
	nl = text_wrap(s, n, keep, width, ambiguous, &lines);
	strbuf_init(&sb);
	for (size_t i = 0; i < nl; i++) {
		if (i)
			strbuf_addch(&sb, '|');
		strbuf_add(&sb, s + lines[i].start, lines[i].end - lines[i].start);
		ck_assert_int_eq(lines[i].width,
				 text_width(s + lines[i].start,
					    lines[i].end - lines[i].start,
					    ambiguous));
	}
	free(lines);
	free(keep);
	{
		char *s2 = strbuf_detach(&sb, NULL);

		strbuf_done(&sb);
		return s2;
	}
}

#define WRAP_EQ(s, w, a, expect)                                              \
	do {                                                                  \
		char *got_ = wrap((s), (w), (a));                             \
		ck_assert_str_eq(got_, (expect));                             \
		free(got_);                                                   \
	} while (0)

START_TEST(test_width)
{
	ck_assert_int_eq(text_strwidth("abc", 1), 3);
	ck_assert_int_eq(text_strwidth("日本語", 1), 6);
	ck_assert_int_eq(text_strwidth("２０ｍｇ", 1), 8);
	/* ambiguous: ─ ※ ℃ ○ */
	ck_assert_int_eq(text_strwidth("─※℃○", 1), 4);
	ck_assert_int_eq(text_strwidth("─※℃○", 2), 8);
	ck_assert_int_eq(text_strwidth("a\tb", 1), 2);
	ck_assert_int_eq(text_char_width(0x3000, 1), 2);
	ck_assert_int_eq(text_char_width(0x0301, 1), 0);
	ck_assert_str_eq(text_encoding(2), "EUC-JP");
}
END_TEST

START_TEST(test_classes)
{
	ck_assert(text_no_start(0x3002)); /* 。 */
	ck_assert(text_no_start(0xFF09)); /* ） */
	ck_assert(text_no_start(0x30FC)); /* ー */
	ck_assert(text_no_start(0x3063)); /* っ */
	ck_assert(text_no_start(0x30E3)); /* ャ */
	ck_assert(!text_no_start(0x3042)); /* あ */
	ck_assert(text_no_end(0x300C)); /* 「 */
	ck_assert(text_no_end(0xFF08)); /* （ */
	ck_assert(!text_no_end(0x300D));
}
END_TEST

START_TEST(test_kinsoku)
{
	/* 。 would start line 2: お goes down with it. */
	WRAP_EQ("あいうお。かき", 8, 1, "あいう|お。かき");
	WRAP_EQ("あいうえお。かき", 10, 1, "あいうえ|お。かき");
	WRAP_EQ("これは薬です。あと", 12, 1, "これは|薬です。あと");
	/* 「 never ends a line */
	WRAP_EQ("あいうえ「かき」", 10, 1, "あいうえ|「かき」");
	/* small kana and ー never start one */
	WRAP_EQ("あいうえっか", 8, 1, "あいう|えっか");
	WRAP_EQ("あいうえーか", 8, 1, "あいう|えーか");
	/* closing paren */
	WRAP_EQ("あいう（え）お", 8, 1, "あいう|（え）お");
}
END_TEST

START_TEST(test_units)
{
	/* 1日20mg never splits; at 10 columns it all fits on line 2 */
	WRAP_EQ("あいうえ1日20mg", 10, 1, "あいうえ|1日20mg");
	WRAP_EQ("あいうえお32〜34℃です", 12, 1, "あいうえお|32〜34℃です");
	WRAP_EQ("あいう0.5〜2mg/kgを", 12, 1, "あいう|0.5〜2mg/kg|を");
	WRAP_EQ("あいう0.5〜2mg/kgを", 13, 1, "あいう|0.5〜2mg/kgを");
	WRAP_EQ("日焼け止めSPF30、PA+++を", 12, 1,
		"日焼け止め|SPF30、|PA+++を");
	/* PA+++ alone */
	WRAP_EQ("あいうえおPA+++", 12, 1, "あいうえお|PA+++");
	WRAP_EQ("あいうえUV-Bを", 10, 1, "あいうえ|UV-Bを");
	WRAP_EQ("あいうえ２０ｍｇを", 10, 1, "あいうえ|２０ｍｇを");
	WRAP_EQ("dose 20 mg daily", 8, 1, "dose|20 mg|daily");
	/* ℃ is ambiguous: at 2 columns the token is wider */
	WRAP_EQ("あ32〜34℃", 9, 1, "あ32〜34℃");
	WRAP_EQ("あ32〜34℃", 9, 2, "あ|32〜34℃");
}
END_TEST

START_TEST(test_counter)
{
	/* 1か月 and 1日2回 go down whole while the line has room */
	WRAP_EQ("治療は、ふつう1か月です", 12, 1, "治療は、|ふつう|1か月です");
	WRAP_EQ("今日から1日2回です", 12, 1, "今日から|1日2回です");
	/* no room: the counter is the first place to break */
	WRAP_EQ("1日20mg", 4, 1, "1日|20mg");
}
END_TEST

START_TEST(test_force)
{
	/* a Latin token longer than the line is cut at the width */
	WRAP_EQ("abcdefghij", 4, 1, "abcd|efgh|ij");
	/* never leaves 。 at a line start */
	WRAP_EQ("あいうえお。", 4, 1, "あい|うえ|お。");
	/* inside a token, UAX #14's own places first: after a hyphen */
	WRAP_EQ("ack-stop-with-doctor", 16, 1, "ack-stop-with-|doctor");
	/* width smaller than one character: one per line */
	WRAP_EQ("日本", 1, 1, "日|本");
}
END_TEST

START_TEST(test_spaces_and_breaks)
{
	/* the spaces after a word hang: "aaa bbb" fits in 7 */
	WRAP_EQ("aaa bbb    ccc", 7, 1, "aaa bbb|ccc");
	WRAP_EQ("aaa bbb ccc", 7, 1, "aaa bbb|ccc");
	WRAP_EQ("aaa bbb ccc", 6, 1, "aaa|bbb|ccc");
	WRAP_EQ("one\ntwo", 20, 1, "one|two");
	WRAP_EQ("one\n\ntwo", 20, 1, "one||two");
	/* U+2028 and U+2029 are hard breaks too, wholly consumed */
	WRAP_EQ("one\xe2\x80\xa8two\xe2\x80\xa9three", 20, 1, "one|two|three");
	WRAP_EQ("", 20, 1, "");
	WRAP_EQ("ab ", 20, 1, "ab");
	/* text that fits takes a short cut, its trailing space hangs too */
	WRAP_EQ("aaa bbb", 7, 1, "aaa bbb");
	WRAP_EQ("aaa bbb ", 7, 1, "aaa bbb");
	WRAP_EQ("aaa\nbbb ccc ", 8, 1, "aaa|bbb ccc");
	WRAP_EQ("ab\tcd", 4, 1, "ab\tcd"); /* a tab has no width */
	WRAP_EQ("ab\tcd", 3, 1, "ab|cd");
	WRAP_EQ("ab\xe2\x80\xa8", 20, 1, "ab|");
}
END_TEST

/* The lines of s at width with what ended each: "line[k]|..." with k the
 * enum text_brk; caller frees. */
static char *
wrap_brk(const char *s, int width)
{
	size_t n = strlen(s), nl;
	unsigned char *keep = xcalloc(n + 1, 1);
	struct text_line *lines;
	struct strbuf sb;

	text_keep_rules(s, n, keep);
	nl = text_wrap(s, n, keep, width, 1, &lines);
	strbuf_init(&sb);
	for (size_t i = 0; i < nl; i++) {
		if (i)
			strbuf_addch(&sb, '|');
		strbuf_add(&sb, s + lines[i].start, lines[i].end - lines[i].start);
		strbuf_addf(&sb, "[%d]", lines[i].brk);
	}
	free(lines);
	free(keep);
	return strbuf_detach(&sb, NULL);
}

#define BRK_EQ(s, w, expect)                                                  \
	do {                                                                  \
		char *got_ = wrap_brk((s), (w));                              \
		ck_assert_str_eq(got_, (expect));                             \
		free(got_);                                                   \
	} while (0)

/* The rule of text.h: phrase boundaries first, words kept whole. */
START_TEST(test_phrases)
{
	/* rule 1: 受診の|目安を|確かめます。 (the line at least half full) */
	WRAP_EQ("受診の目安を確かめます。", 20, 1, "受診の目安を|確かめます。");
	WRAP_EQ("受診の目安を確かめます。", 10, 1, "受診の|目安を|確かめ|ます。");
	/* rule 2: no boundary leaves the line half full: inside the phrase,
	   where the model finds it most like a boundary */
	WRAP_EQ("飲み終えてから1か月は、献血をしないでください。", 12, 1,
		"飲み終えてか|ら1か月は、|献血を|しないでくだ|さい。");
	/* rule 3: a short line rather than ス|タッフ or リップク|リーム */
	WRAP_EQ("いつもリップクリームを塗ります。", 18, 1,
		"いつも|リップクリームを|塗ります。");
	WRAP_EQ("リップクリームを塗る", 14, 1, "リップクリーム|を塗る");
	/* rule 4: a katakana word longer than the line is cut */
	WRAP_EQ("アセトアミノフェンアセトアミノフェン", 10, 1,
		"アセトアミ|ノフェンア|セトアミノ|フェン");
	/* no lone word of one or two characters on a last line when an
	   earlier phrase boundary keeps the lines as many and full */
	WRAP_EQ("Yes, because a doctor prescribed it", 32, 1,
		"Yes, because a doctor|prescribed it");
	WRAP_EQ("Yes, because a doctor prescribed it", 35, 1,
		"Yes, because a doctor prescribed it");
	/* 〜にくい is one phrase with its verb (BudouX reads に|くい) */
	WRAP_EQ("このような変化は、自分では気づきにくいです。", 40, 1,
		"このような変化は、自分では|気づきにくいです。");
	WRAP_EQ("暗いところが見えにくくなります。", 24, 1,
		"暗いところが|見えにくくなります。");
	/* ...but the particle に before 来る-less く stays a boundary */
	WRAP_EQ("病院にくる日を決めます。", 14, 1, "病院にくる日を|決めます。");
	/* what ended each line */
	BRK_EQ("受診の目安を確かめます。", 20, "受診の目安を[1]|確かめます。[0]");
	BRK_EQ("アセトアミノフェン", 10, "アセトアミ[3]|ノフェン[0]");
	BRK_EQ("abcdefghij", 4, "abcd[4]|efgh[4]|ij[0]");
	BRK_EQ("one\ntwo three", 5, "one[0]|two[1]|three[0]");
	/* readings in parentheses are not running text: the model reads
	   承認されていない, one phrase, only when keep marks the reading
	   TEXT_ASIDE; else it sees a boundary after "）" */
	for (int aside = 0; aside < 2; aside++) {
		const char *s = "これは、日本という国の承認（しょうにん）されていないため";
		size_t n = strlen(s), nl;
		unsigned char *keep = xcalloc(n + 1, 1);
		size_t r = (size_t)(strstr(s, "\xef\xbc\x88") - s);
		size_t e = (size_t)(strstr(s, "\xef\xbc\x89") - s) + 3;
		struct text_line *lines;

		text_keep_rules(s, n, keep);
		for (size_t i = r; i < e; i++)
			keep[i] |= (i > r ? TEXT_KEEP_HARD : 0) |
				   (aside ? TEXT_ASIDE : 0);
		nl = text_wrap(s, n, keep, 44, 1, &lines);
		ck_assert_uint_eq(nl, 2);
		ck_assert_uint_eq(lines[0].end, aside ? strlen("これは、日本という国の") : e);
		ck_assert_int_eq(lines[0].brk, TEXT_BRK_PHRASE);
		free(lines);
		free(keep);
	}
}
END_TEST

/* text_keep_phrases: SOFT inside phrases and katakana words, not between
 * phrases, after a space or inside a reading marked aside. */
START_TEST(test_keep_phrases)
{
	const char *s = "たとえば、アダパレンの塗り薬です。 承認（しょうにん）されて";
	size_t n = strlen(s);
	unsigned char *keep = xcalloc(n + 1, 1);
	size_t kata = (size_t)(strstr(s, "ダ") - s);
	size_t after = (size_t)(strstr(s, "アダ") - s);
	size_t noun = (size_t)(strstr(s, "塗り") - s);
	size_t inph = (size_t)(strstr(s, "り薬") - s);
	size_t r = (size_t)(strstr(s, "（") - s), e = (size_t)(strstr(s, "）") - s) + 3;
	size_t sare = e;

	text_keep_rules(s, n, keep);
	for (size_t i = r; i < e; i++)
		keep[i] |= TEXT_ASIDE;
	text_keep_phrases(s, n, keep);
	ck_assert_int_eq(keep[kata] & TEXT_KEEP_MASK, TEXT_KEEP_SOFT);
	ck_assert_int_eq(keep[after] & TEXT_KEEP_MASK, TEXT_KEEP_NONE);
	ck_assert_int_eq(keep[noun] & TEXT_KEEP_MASK, TEXT_KEEP_NONE);
	ck_assert_int_eq(keep[inph] & TEXT_KEEP_MASK, TEXT_KEEP_SOFT);
	/* 承認されて is one phrase: no boundary after the reading */
	ck_assert_int_eq(keep[sare] & TEXT_KEEP_MASK, TEXT_KEEP_SOFT);
	ck_assert(keep[r + 3] & TEXT_ASIDE);
	/* only raised: a HARD keep (no-start 。) stays HARD */
	ck_assert_int_eq(keep[(size_t)(strstr(s, "。") - s)] & TEXT_KEEP_MASK,
			 TEXT_KEEP_HARD);
	free(keep);
}
END_TEST

/* English: a word keeps the lone capital or number after it. */
START_TEST(test_word_token)
{
	WRAP_EQ("use vitamin A or SPF 30 daily", 12, 1,
		"use|vitamin A or|SPF 30 daily");
	WRAP_EQ("a relative of vitamin A. Taking", 12, 1,
		"a relative|of|vitamin A.|Taking");
	/* a number after a word without a capital parts freely ("or 0.5",
	   "up to 40"), but 40 mg stays whole */
	WRAP_EQ("a day, or 0.5 mg/kg", 10, 1, "a day, or|0.5 mg/kg");
	WRAP_EQ("up to 40 mg a day", 10, 1, "up to|40 mg|a day");
	/* not after punctuation (a new clause), not a lower-case "a", not I */
	WRAP_EQ("myself, I will", 8, 1, "myself,|I will");
	WRAP_EQ("take a pill", 5, 1, "take|a|pill");
	WRAP_EQ("what should I do", 12, 1, "what should|I do");
	/* longer than the line: the keep gives way first (SOFT) */
	WRAP_EQ("dose SPF 30 now", 6, 1, "dose|SPF 30|now");
	BRK_EQ("dose SPF 30 now", 5, "dose[1]|SPF[4]|30[1]|now[0]");
}
END_TEST

/* text_para: wrapping at many widths is text_wrap at each; measures. */
START_TEST(test_para)
{
	const char *s = "皮膚の乾燥、かゆみには、保湿剤（ワセリンなど）を1日に何回も塗ります。";
	size_t n = strlen(s);
	unsigned char *keep = xcalloc(n + 1, 1);
	int *cols = xcalloc(n + 1, sizeof *cols);
	struct text_para *tp;
	int mn, word, phrase;

	text_scan(s, n, 1, keep, cols);
	tp = text_para_new(s, n, keep, cols, 1);
	for (int w = 1; w <= 80; w++) {
		struct text_line *a, *b;
		size_t na = text_para_wrap(tp, w, &a);
		size_t nb = text_wrap(s, n, keep, w, 1, &b);

		ck_assert_uint_eq(na, nb);
		for (size_t i = 0; i < na; i++) {
			ck_assert_uint_eq(a[i].start, b[i].start);
			ck_assert_uint_eq(a[i].end, b[i].end);
			ck_assert_int_eq(a[i].brk, b[i].brk);
		}
		free(a);
		free(b);
	}
	text_para_measure(tp, &mn, &word, &phrase);
	ck_assert_int_eq(mn, 4);      /* ワセ, 1日 ... (no-start ー aside) */
	ck_assert_int_eq(word, 10);   /* （ワセリン */
	ck_assert_int_eq(phrase, 18); /* （ワセリンなど）を */
	ck_assert_int_ge(phrase, word);
	text_para_free(tp);
	free(cols);
	free(keep);
}
END_TEST

/* Jukugo ruby: the reading divided over the kanji. */
static void
check_ruby(const char *base, const char *reading, const char *want)
{
	size_t bc[TEXT_RUBY_MAX], rc[TEXT_RUBY_MAX];
	size_t n = text_ruby_split(base, strlen(base), reading, strlen(reading),
				   bc, rc);
	struct strbuf sb;
	size_t pb = 0, pr = 0;

	strbuf_init(&sb);
	for (size_t k = 0; k < n; k++) {
		size_t eb = k + 1 < n ? bc[k] : strlen(base);
		size_t er = k + 1 < n ? rc[k] : strlen(reading);

		strbuf_addf(&sb, "%s%.*s(%.*s)", k ? "|" : "", (int)(eb - pb),
			    base + pb, (int)(er - pr), reading + pr);
		pb = eb;
		pr = er;
	}
	ck_assert_msg(strcmp(sb.s, want) == 0, "%s %s: got %s, want %s", base,
		      reading, sb.s, want);
	strbuf_done(&sb);
}

START_TEST(test_ruby_split)
{
	check_ruby("承認", "しょうにん", "承(しょう)|認(にん)");
	check_ruby("催奇形性", "さいきけいせい", "催(さい)|奇(き)|形(けい)|性(せい)");
	check_ruby("皮脂腺", "ひしせん", "皮(ひ)|脂(し)|腺(せん)");
	check_ruby("授乳", "じゅにゅう", "授(じゅ)|乳(にゅう)");
	check_ruby("自費診療", "じひしんりょう", "自(じ)|費(ひ)|診(しん)|療(りょう)");
	check_ruby("発疹", "ほっしん", "発(ほっ)|疹(しん)");
	check_ruby("医院", "いいん", "医(い)|院(いん)");
	check_ruby("緊急避妊", "きんきゅうひにん", "緊(きん)|急(きゅう)|避(ひ)|妊(にん)");
	check_ruby("人々", "ひとびと", ""); /* kun: no division of 1-2 morae */
	/* group ruby: one kanji, kana in the base, a reading that will not
	   divide, a reading read as a whole */
	check_ruby("傷", "きず", "");
	check_ruby("受け付け", "うけつけ", "");
	check_ruby("今日", "きょう", "");
	check_ruby("承認", "Shounin", "");
	check_ruby("承認", "ん", "");
}
END_TEST

/*
 * text_scan's columns are text_width's prefix sums, with its short cut for
 * the CJK Unified Ideographs agreeing with libunistring and the classes.
 */
START_TEST(test_scan)
{
	static const char *const parts[] = {
		"a", " ", "\t", "日", "あ", "ッ", "。", "「", "─", "※", "℃",
		"\xcc\x81", /* a combining acute */ "\xf0\x9f\x98\x80", "２",
		"\xe4\xb8\x80", "\xe9\xbf\xbf", "\xe4\xb7\x80", /* U+4DC0 */
		"\n",
	};
	size_t np = sizeof parts / sizeof parts[0];
	unsigned seed = 12345;

	for (uint32_t c = 0x4E00; c <= 0x9FFF; c++) {
		ck_assert_int_eq(text_char_width(c, 1), 2);
		ck_assert_int_eq(text_char_width(c, 2), 2);
		ck_assert(!text_no_start(c) && !text_no_end(c));
	}
	for (int round = 0; round < 200; round++) {
		struct strbuf sb;
		int *cols;
		unsigned char *k1, *k2;

		strbuf_init(&sb);
		for (int i = 0; i < 40; i++) {
			seed = seed * 1103515245u + 12345u;
			strbuf_addstr(&sb, parts[(seed >> 16) % np]);
		}
		cols = xcalloc(sb.len + 1, sizeof *cols);
		k1 = xcalloc(sb.len + 1, 1);
		k2 = xcalloc(sb.len + 1, 1);
		for (int amb = 1; amb <= 2; amb++) {
			text_scan(sb.s, sb.len, amb, k1, cols);
			for (size_t i = 0; i <= sb.len; i++)
				if (i == sb.len || (sb.s[i] & 0xC0) != 0x80)
					ck_assert_int_eq(cols[i],
							 text_width(sb.s, i, amb));
		}
		text_keep_rules(sb.s, sb.len, k2);
		ck_assert_mem_eq(k1, k2, sb.len);
		free(cols);
		free(k1);
		free(k2);
		strbuf_done(&sb);
	}
}
END_TEST

/* Texts longer than the window text_wrap computes breaks over at a time. */
START_TEST(test_long)
{
	size_t n = 3 * 10000, nl;
	char *s = malloc(n + 1);
	unsigned char *keep = calloc(n + 1, 1);
	struct text_line *lines;

	for (size_t i = 0; i < n; i += 3)
		memcpy(s + i, "\xe3\x81\x82", 3); /* あ */
	s[n] = '\0';
	text_keep_rules(s, n, keep);
	nl = text_wrap(s, n, keep, 10, 1, &lines);
	ck_assert_uint_eq(nl, 2000);
	for (size_t i = 0; i < nl; i++) {
		ck_assert_int_eq(lines[i].width, 10);
		ck_assert_uint_eq(lines[i].start, i * 15);
		ck_assert_uint_eq(lines[i].end, i * 15 + 15);
	}
	free(lines);
	/* one Latin token of 20000 letters: forced every 7 columns */
	memset(s, 'a', 20000);
	memset(keep, 0, n);
	text_keep_rules(s, 20000, keep);
	nl = text_wrap(s, 20000, keep, 7, 1, &lines);
	ck_assert_uint_eq(nl, 2858);
	for (size_t i = 0; i + 1 < nl; i++)
		ck_assert_uint_eq(lines[i].end - lines[i].start, 7);
	ck_assert_uint_eq(lines[nl - 1].end - lines[nl - 1].start, 20000 - 2857 * 7);
	free(lines);
	free(keep);
	free(s);
}
END_TEST

START_TEST(test_measure)
{
	const char *s = "あいう 20mg/kg\nabc";
	size_t n = strlen(s);
	unsigned char *keep = xcalloc(n, 1);
	int mn, mx;

	text_keep_rules(s, n, keep);
	text_measure(s, n, keep, 1, &mn, &mx);
	ck_assert_int_eq(mn, 7);  /* 20mg/kg */
	ck_assert_int_eq(mx, 14); /* あいう 20mg/kg */
	text_measure(s, n, NULL, 1, &mn, &mx);
	ck_assert_int_eq(mn, 5);  /* UAX #14 alone: "20mg/" */
	free(keep);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_classes);
	tcase_add_test(tc, test_kinsoku);
	tcase_add_test(tc, test_units);
	tcase_add_test(tc, test_counter);
	tcase_add_test(tc, test_force);
	tcase_add_test(tc, test_spaces_and_breaks);
	tcase_add_test(tc, test_scan);
	tcase_add_test(tc, test_long);
	tcase_add_test(tc, test_measure);
	tcase_add_test(tc, test_phrases);
	tcase_add_test(tc, test_keep_phrases);
	tcase_add_test(tc, test_word_token);
	tcase_add_test(tc, test_para);
	tcase_add_test(tc, test_ruby_split);
	suite_add_tcase(s, tc);
	return s;
}
