/*
 * Unit tests for input: terminal bytes → events. Escape sequences are
 * parsed whole and unknown ones dropped, never split into keys; a
 * bracketed paste is one event.
 */
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "tap.h"

#define MAXEV 64

struct got {
	struct keys_event ev[MAXEV];
	char *text[MAXEV]; /* copies of paste texts */
	size_t n;
};

static void
got_add(struct got *g, const struct keys_event *ev)
{
	ck_assert_uint_lt(g->n, MAXEV);
	g->ev[g->n] = *ev;
	g->text[g->n] = NULL;
	if (ev->kind == KEYS_EV_PASTE) {
		g->text[g->n] = malloc(ev->len + 1);
		memcpy(g->text[g->n], ev->text, ev->len + 1);
		g->ev[g->n].text = g->text[g->n];
	}
	g->n++;
}

static void
got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		free(g->text[i]);
	g->n = 0;
}

/* Feed n bytes; with timeout, time passes at the end. */
static void
feedn(struct input *in, struct got *g, const char *s, size_t n, bool timeout)
{
	struct keys_event ev;

	for (size_t i = 0; i < n; i++)
		if (input_feed(in, (unsigned char)s[i], &ev))
			got_add(g, &ev);
	if (timeout && input_timeout(in, &ev))
		got_add(g, &ev);
}

/* The events of s fed to a fresh parser, followed by a time-out. */
static struct got
run(const char *s, size_t n)
{
	struct input in;
	struct got g = { .n = 0 };

	input_init(&in);
	feedn(&in, &g, s, n, true);
	input_done(&in);
	return g;
}

#define RUN(lit) run(lit, sizeof lit - 1)

static void
assert_keys(const char *s, size_t n, const int *keys, size_t nkeys)
{
	struct got g = run(s, n);

	ck_assert_msg(g.n == nkeys, "%zu events, want %zu", g.n, nkeys);
	for (size_t i = 0; i < nkeys; i++) {
		ck_assert_int_eq(g.ev[i].kind, KEYS_EV_KEY);
		ck_assert_int_eq(g.ev[i].key, keys[i]);
	}
	got_free(&g);
}

#define KEYS(lit, ...) do {                                                 \
		const int want_[] = { __VA_ARGS__ };                           \
		assert_keys(lit, sizeof lit - 1, want_,                        \
			    sizeof want_ / sizeof want_[0]);                   \
	} while (0)
#define NOTHING(lit) assert_keys(lit, sizeof lit - 1, NULL, 0)

START_TEST(test_characters)
{
	KEYS("a", 'a');
	KEYS("a\xe3\x81\x82z", 'a', 0x3042, 'z');
	KEYS("\xf0\x9f\x98\x80", 0x1f600);
	/* invalid UTF-8 is dropped, what follows is read */
	KEYS("\xff" "a", 'a');
	KEYS("\xe3\x81" "a", 'a');
	NOTHING("\xc0\xaf");             /* overlong '/' */
	NOTHING("\xe0\x80\xaf");
	NOTHING("\xed\xa0\x80");         /* a surrogate */
	NOTHING("\xf4\x90\x80\x80");     /* beyond U+10FFFF */
	KEYS("\xa0" "b", 'b');           /* a stray continuation byte */
	/* an invalid lead byte takes its continuation bytes with it: the
	 * 0x9B here is not a CSI */
	KEYS("\xc0\x9b" "A", 'A');
	/* controls */
	KEYS("\x7f\x08", KEYS_BACKSPACE, KEYS_BACKSPACE);
	KEYS("\r\n\t", '\r', '\n', '\t');
	KEYS("\x03\x1a\x1c", 3, 0x1a, 0x1c);
	NOTHING("\0");
	/* a C1 control is never a key */
	NOTHING("\xc2\x85");
	NOTHING("\xc2\x9c");
}
END_TEST

START_TEST(test_cursor_keys)
{
	KEYS("\033[A\033[B\033[C\033[D", KEYS_UP, KEYS_DOWN, KEYS_RIGHT, KEYS_LEFT);
	KEYS("\033OA\033OD", KEYS_UP, KEYS_LEFT);
	KEYS("\033[1;5C\033[1;2A", KEYS_RIGHT, KEYS_UP); /* modifiers ignored */
	KEYS("\033[H\033[F\033OH\033OF", KEYS_HOME, KEYS_END, KEYS_HOME, KEYS_END);
	KEYS("\033[1~\033[7~\033[4~\033[8~", KEYS_HOME, KEYS_HOME, KEYS_END,
	     KEYS_END);
	KEYS("\033[5~\033[6~\033[3~", KEYS_PGUP, KEYS_PGDN, KEYS_DELETE);
	KEYS("\033[5;5~", KEYS_PGUP);
	KEYS("\033OM", KEYS_ENTER);
	KEYS("\033Op\033Oy", '0', '9');
	NOTHING("\033[2~");              /* Insert */
	NOTHING("\033[Z");               /* Shift-Tab */
	NOTHING("\033[E");
	NOTHING("\033[2A");              /* not a key's form */
	/* the 8-bit forms */
	KEYS("\xc2\x9b" "A", KEYS_UP);
	KEYS("\x9b" "B", KEYS_DOWN);
	KEYS("\xc2\x8f" "C", KEYS_RIGHT);
}
END_TEST

START_TEST(test_function_keys)
{
	KEYS("\033OP\033OQ\033OR\033OS", KEYS_F1, KEYS_F1 + 1, KEYS_F1 + 2,
	     KEYS_F1 + 3);
	KEYS("\033[11~\033[15~\033[17~\033[21~\033[23~\033[24~", KEYS_F1,
	     KEYS_F1 + 4, KEYS_F1 + 5, KEYS_F1 + 9, KEYS_F1 + 10, KEYS_F12);
	KEYS("\033[1;2P", KEYS_F1);
	KEYS("\033[[A\033[[E", KEYS_F1, KEYS_F1 + 4); /* Linux console */
	NOTHING("\033[[F");
	NOTHING("\033[16~\033[22~\033[25~\033[99~");
}
END_TEST

START_TEST(test_escape_key)
{
	struct input in;
	struct got g = { .n = 0 };
	struct keys_event ev;

	KEYS("\033", KEYS_ESC);
	KEYS("\033\033", KEYS_ESC, KEYS_ESC);
	KEYS("\033\033[A", KEYS_ESC, KEYS_UP);
	/* Alt and a key: dropped whole */
	NOTHING("\033x");
	NOTHING("\0331");
	NOTHING("\033\xe3\x81\x82");
	KEYS("\033\xe3\x81\x82" "b", 'b');
	/* the wait */
	input_init(&in);
	ck_assert_int_eq(input_wait_ms(&in), -1);
	feedn(&in, &g, "\033", 1, false);
	ck_assert_uint_eq(g.n, 0);
	ck_assert_int_eq(input_wait_ms(&in), INPUT_ESC_MS);
	ck_assert_int_eq(input_timeout(&in, &ev), 1);
	ck_assert_int_eq(ev.key, KEYS_ESC);
	ck_assert_int_eq(input_wait_ms(&in), -1);
	ck_assert_int_eq(input_timeout(&in, &ev), 0);
	/* an unfinished sequence is dropped after the wait */
	feedn(&in, &g, "\033[1;", 4, true);
	feedn(&in, &g, "A", 1, false);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].key, 'A');
	input_done(&in);
	got_free(&g);
}
END_TEST

START_TEST(test_paste)
{
	struct got g;
	struct input in;
	char big[INPUT_PASTE_MAX + 64];

	g = RUN("\033[200~hello\033[201~");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].kind, KEYS_EV_PASTE);
	ck_assert_str_eq(g.ev[0].text, "hello");
	ck_assert_uint_eq(g.ev[0].len, 5);
	got_free(&g);
	/* digits, Enter, escape sequences inside: all text, none a key */
	g = RUN("\033[200~1\r\033[A\033[20\033[200~x\033[201~z");
	ck_assert_uint_eq(g.n, 2);
	ck_assert_int_eq(g.ev[0].kind, KEYS_EV_PASTE);
	ck_assert_str_eq(g.ev[0].text, "1\r\033[A\033[20\033[200~x");
	ck_assert_int_eq(g.ev[1].kind, KEYS_EV_KEY);
	ck_assert_int_eq(g.ev[1].key, 'z');
	got_free(&g);
	g = RUN("\033[200~\xe5\xb1\xb1\xe7\x94\xb0\033[201~");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_str_eq(g.ev[0].text, "山田");
	got_free(&g);
	/* not UTF-8, empty: dropped whole */
	NOTHING("\033[200~ab\xff" "c\033[201~");
	NOTHING("\033[200~\033[201~");
	/* the end alone */
	NOTHING("\033[201~");
	/* never ended: dropped when time passes */
	NOTHING("\033[200~123");
	/* too long: dropped whole, and what follows is read */
	memcpy(big, "\033[200~", 6);
	memset(big + 6, '1', INPUT_PASTE_MAX + 1);
	memcpy(big + 6 + INPUT_PASTE_MAX + 1, "\033[201~2", 7);
	assert_keys(big, 6 + INPUT_PASTE_MAX + 1 + 7, (const int[]){ '2' }, 1);
	/* exactly the most */
	g = run(big, 6 + INPUT_PASTE_MAX);
	ck_assert_uint_eq(g.n, 0);
	got_free(&g);
	memcpy(big + 6 + INPUT_PASTE_MAX, "\033[201~", 6);
	g = run(big, 6 + INPUT_PASTE_MAX + 6);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_uint_eq(g.ev[0].len, INPUT_PASTE_MAX);
	got_free(&g);
	/* a paste waits longer than a key sequence */
	input_init(&in);
	g.n = 0;
	feedn(&in, &g, "\033[200~ab", 8, false);
	ck_assert_int_eq(input_wait_ms(&in), INPUT_PASTE_MS);
	input_done(&in);
}
END_TEST

START_TEST(test_modified_keys)
{
	/* modifyOtherKeys: Ctrl-2 is nothing; plain and shifted characters */
	NOTHING("\033[27;5;50~");
	NOTHING("\033[27;3;97~\033[27;9;13~");
	KEYS("\033[27;1;50~\033[27;2;65~", '2', 'A');
	KEYS("\033[27;2;13~", '\r');
	NOTHING("\033[27;5~");
	NOTHING("\033[27;1;55296~");     /* a surrogate */
	NOTHING("\033[27;1;155~");       /* a C1 control */
	/* CSI u */
	KEYS("\033[97u\033[97;2u", 'a', 'a');
	NOTHING("\033[97;5u\033[u\033[?1u");
	NOTHING("\033[99999999~");       /* a number too big */
	NOTHING("\033[1:2A");            /* sub-parameters */
}
END_TEST

START_TEST(test_mouse)
{
	struct got g;

	g = RUN("\033[<0;10;5M");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].kind, KEYS_EV_MOUSE);
	ck_assert_int_eq(g.ev[0].button, 1);
	ck_assert_int_eq(g.ev[0].x, 9);
	ck_assert_int_eq(g.ev[0].y, 4);
	got_free(&g);
	g = RUN("\033[<64;1;1M\033[<65;1;1M\033[<2;3;3M");
	ck_assert_uint_eq(g.n, 3);
	ck_assert_int_eq(g.ev[0].button, 4);
	ck_assert_int_eq(g.ev[1].button, 5);
	ck_assert_int_eq(g.ev[2].button, 3);
	got_free(&g);
	/* releases, motion, horizontal wheel, zero or missing coordinates */
	NOTHING("\033[<0;10;5m\033[<32;1;1M\033[<66;1;1M\033[<0;0;5M\033[<0;5M");
	/* X10: three bytes, whatever they are */
	g = RUN("\033[M !!\033[M\x60\x22\x23");
	ck_assert_uint_eq(g.n, 2);
	ck_assert_int_eq(g.ev[0].kind, KEYS_EV_MOUSE);
	ck_assert_int_eq(g.ev[0].button, 1);
	ck_assert_int_eq(g.ev[0].x, 0);
	ck_assert_int_eq(g.ev[0].y, 0);
	ck_assert_int_eq(g.ev[1].button, 4);
	ck_assert_int_eq(g.ev[1].x, 1);
	ck_assert_int_eq(g.ev[1].y, 2);
	got_free(&g);
	NOTHING("\033[M#!!");            /* a release */
	NOTHING("\033[M\0331\033");      /* ESC inside is a coordinate */
}
END_TEST

START_TEST(test_strings)
{
	/* OSC, DCS, APC, PM, SOS: dropped to BEL or ST, with what is inside */
	KEYS("\033]0;title 1\007a", 'a');
	KEYS("\033]52;c;MQ==\033\\a", 'a');
	KEYS("\033P1$r0m\033\\b", 'b');
	KEYS("\033_x\033\\\033^y\033\\\033Xz\033\\c", 'c');
	KEYS("\xc2\x9d" "0;t\007d", 'd');
	/* a raw 0x9C inside a UTF-8 character does not end it (ぜ) */
	KEYS("\033]\xe3\x81\x9c" "1\007e", 'e');
	/* ESC and another byte ends it and starts anew */
	KEYS("\033]x\033[A", KEYS_UP);
	/* CAN ends it */
	KEYS("\033]x\030f", 'f');
	/* never ended: dropped when time passes */
	NOTHING("\033]0;12345");
	/* ESC with intermediates */
	KEYS("\033(B\033#8g", 'g');
}
END_TEST

START_TEST(test_broken)
{
	struct got g;

	NOTHING("\033[1;5;99X");          /* unknown final */
	NOTHING("\033[?1;2c\033[>0;1c\033[12;40R\033[I\033[O");
	NOTHING("\033[1;2;3;4;5A");
	NOTHING("\033[1 A");             /* an intermediate */
	/* a control breaks a sequence and goes with it */
	KEYS("\033[1\001a", 'a');
	KEYS("\033[1\030a\033[1\032b", 'a', 'b');
	/* ESC or a C1 introducer starts anew */
	KEYS("\033[1\033[A", KEYS_UP);
	KEYS("\033[1\xc2\x9b" "B", KEYS_DOWN);
	KEYS("\033[1\x9b" "C", KEYS_RIGHT);
	/* a character after a broken sequence is read */
	KEYS("\033[1\xe3\x81\x82", 0x3042);
	/* DEL inside a sequence is ignored */
	KEYS("\033[\1775~", KEYS_PGUP);
	/* the C1 CSI is a CSI: no digit of it becomes a key */
	NOTHING("\x9b" "27;5;50~");
	g = RUN("\xc2\x9b" "200~1\033[201~");
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.ev[0].kind, KEYS_EV_PASTE);
	got_free(&g);
}
END_TEST

START_TEST(test_overlong_sequence)
{
	char s[2 * INPUT_SEQ_MAX + 8];
	size_t n = 0;

	s[n++] = '\033';
	s[n++] = '[';
	for (int i = 0; i < 2 * INPUT_SEQ_MAX; i++)
		s[n++] = i % 2 ? ';' : '1';
	s[n++] = 'A';
	s[n++] = 'z';
	assert_keys(s, n, (const int[]){ 'z' }, 1);
}
END_TEST

/* After any one or two bytes and a wait, the parser reads a key again. */
START_TEST(test_recovers)
{
	for (int a = 0; a < 256; a++) {
		for (int b = -1; b < 256; b++) {
			struct input in;
			struct got g = { .n = 0 };
			char s[2] = { (char)a, (char)b };

			input_init(&in);
			feedn(&in, &g, s, b < 0 ? 1 : 2, true);
			got_free(&g);
			feedn(&in, &g, "z", 1, false);
			if (g.n != 1 || g.ev[0].kind != KEYS_EV_KEY ||
			    g.ev[0].key != 'z')
				ck_abort_msg("after %02x %02x: no z", a, b);
			for (size_t i = 0; i < g.n; i++)
				if (g.ev[i].kind == KEYS_EV_KEY &&
				    g.ev[i].key >= 0x80 && g.ev[i].key < 0xa0)
					ck_abort_msg("a C1 key");
			got_free(&g);
			input_done(&in);
		}
	}
}
END_TEST

START_TEST(test_keys_ignore_paste)
{
	struct keys_event ev = { .kind = KEYS_EV_PASTE, .text = "1", .len = 1 };
	int arg;

	ck_assert_int_eq(keys_action_of(&ev, &arg), KEYS_A_NONE);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_characters);
	tcase_add_test(tc, test_cursor_keys);
	tcase_add_test(tc, test_function_keys);
	tcase_add_test(tc, test_escape_key);
	tcase_add_test(tc, test_paste);
	tcase_add_test(tc, test_modified_keys);
	tcase_add_test(tc, test_mouse);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_broken);
	tcase_add_test(tc, test_overlong_sequence);
	tcase_add_test(tc, test_recovers);
	tcase_add_test(tc, test_keys_ignore_paste);
	suite_add_tcase(s, tc);
	return s;
}
