/*
 * Unit tests for osk: the layouts, their placement into a rectangle (no
 * overlap, inside it, as big as it allows, refused when too small),
 * hit-testing, presses (typing, ゛ ゜ 小 on the character before the
 * cursor, layout switches), and the edit buffer (cursor moves and edits by
 * whole characters, capacity, wipe, physical keys, drawing with the cursor,
 * clicking into the text).
 */
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "i18n.h"
#include "osk.h"
#include "tap.h"

static int
find(const struct osk *k, const char *label)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->keys[i].label, label) == 0)
			return (int)i;
	ck_abort_msg("no key %s", label);
	return -1;
}

static int
find_op(const struct osk *k, enum osk_op op)
{
	for (size_t i = 0; i < k->n; i++)
		if (k->keys[i].op == op)
			return (int)i;
	ck_abort_msg("no key for op %d", op);
	return -1;
}

/* Type labels by pressing their keys. */
static void
press(struct osk *k, struct osk_edit *e, const char *labels[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(osk_press(k, (size_t)find(k, labels[i]), e), OSK_EDITED);
}

static void
check_placed(const struct osk *k, int x, int y, int w, int h)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct osk_key *a = &k->keys[i];

		ck_assert_msg(a->w >= 2 && a->h >= 1, "key %zu has a size", i);
		ck_assert_msg(a->x >= x && a->y >= y && a->x + a->w <= x + w &&
			      a->y + a->h <= y + h, "key %s inside (%d,%d %dx%d)",
			      a->label, a->x, a->y, a->w, a->h);
		for (size_t j = i + 1; j < k->n; j++) {
			const struct osk_key *b = &k->keys[j];

			ck_assert_msg(a->x + a->w <= b->x || b->x + b->w <= a->x ||
				      a->y + a->h <= b->y || b->y + b->h <= a->y,
				      "keys %s and %s overlap", a->label, b->label);
		}
		/* its middle is itself */
		ck_assert_int_eq(osk_hit(k, a->x + a->w / 2, a->y + a->h / 2), (int)i);
	}
}

START_TEST(test_kana_layout)
{
	struct osk k;
	int rows;

	osk_init(&k, OSK_KANA, OSK_PAGE(OSK_LATIN));
	/* 48 kana, ゛ ゜ 小 space, ◀ ▶ erase clear, and ABC */
	ck_assert_uint_eq(k.n, 48 + 4 + 4 + 1);
	ck_assert_str_eq(k.keys[0].text, "ア");
	ck_assert_str_eq(k.keys[1].text, "カ");
	/* 40 x 12: the smallest screen leaves it 6 rows */
	rows = osk_place(&k, 0, 2, 40, 6, 1);
	ck_assert_int_eq(rows, 6);
	check_placed(&k, 0, 2, 40, 6);
	/* 80 columns, 11 rows: keys with a row between */
	rows = osk_place(&k, 0, 5, 80, 11, 1);
	ck_assert_int_eq(rows, 11);
	check_placed(&k, 0, 5, 80, 11);
	ck_assert_int_eq(k.keys[0].h, 1);
	ck_assert_int_eq(osk_hit(&k, k.keys[0].x, k.keys[0].y + 1), -1); /* the gap */
	/* a big screen: keys 3 rows tall, at most 8 columns wide, centred */
	rows = osk_place(&k, 0, 0, 200, 40, 1);
	ck_assert_int_eq(rows, 6 * 3 + 5);
	ck_assert_int_eq(k.keys[0].h, 3);
	ck_assert_int_eq(k.keys[0].w, 8);
	ck_assert_int_gt(k.keys[0].x, 50);
	check_placed(&k, 0, 0, 200, 40);
	/* ambiguous width 2 (◀ ▶ are two columns): still fits 40 */
	ck_assert_int_eq(osk_place(&k, 0, 0, 40, 6, 2), 6);
	check_placed(&k, 0, 0, 40, 6);
	/* too small */
	ck_assert_int_eq(osk_place(&k, 0, 0, 40, 5, 1), -1);
	ck_assert_int_eq(osk_place(&k, 0, 0, 15, 6, 1), -1);
	ck_assert_int_eq(osk_min_rows(OSK_KANA), 6);
}
END_TEST

START_TEST(test_type_and_marks)
{
	struct osk k;
	struct osk_edit e;
	const char *yamada[] = { "ヤ", "マ", "タ" };
	int dak, han, sml, sp;

	osk_init(&k, OSK_KANA, 0);
	osk_edit_init(&e, 60);
	osk_place(&k, 0, 0, 80, 11, 1);
	dak = find_op(&k, OSK_OP_DAKUTEN);
	han = find_op(&k, OSK_OP_HANDAKUTEN);
	sml = find_op(&k, OSK_OP_SMALL);
	/* nothing before the cursor: the marks are off */
	ck_assert(!osk_key_active(&k, (size_t)dak, &e));
	ck_assert_int_eq(osk_press(&k, (size_t)dak, &e), OSK_NOTHING);
	press(&k, &e, yamada, 3);
	ck_assert(osk_key_active(&k, (size_t)dak, &e));
	ck_assert(!osk_key_active(&k, (size_t)han, &e)); /* タ takes no ゜ */
	ck_assert_int_eq(osk_press(&k, (size_t)dak, &e), OSK_EDITED);
	ck_assert_str_eq(e.s, "ヤマダ");
	/* again: back */
	osk_press(&k, (size_t)dak, &e);
	ck_assert_str_eq(e.s, "ヤマタ");
	osk_press(&k, (size_t)dak, &e);
	sp = -1;
	for (size_t i = 0; i < k.n; i++)
		if (k.keys[i].op == OSK_OP_TEXT && k.keys[i].slot < 0)
			sp = (int)i;
	ck_assert_int_eq(osk_press(&k, (size_t)sp, &e), OSK_EDITED);
	{
		const char *h[] = { "ハ" };

		press(&k, &e, h, 1);
	}
	ck_assert_int_eq(osk_press(&k, (size_t)han, &e), OSK_EDITED);
	ck_assert_str_eq(e.s, "ヤマダ\u3000パ");
	ck_assert_int_eq(osk_press(&k, (size_t)dak, &e), OSK_EDITED); /* パ → バ */
	ck_assert_str_eq(e.s, "ヤマダ\u3000バ");
	ck_assert_int_eq(osk_press(&k, (size_t)han, &e), OSK_EDITED); /* バ → パ */
	ck_assert_int_eq(osk_press(&k, (size_t)han, &e), OSK_EDITED); /* パ → ハ */
	ck_assert_str_eq(e.s, "ヤマダ\u3000ハ");
	{
		const char *t[] = { "ツ" };

		press(&k, &e, t, 1);
	}
	ck_assert_int_eq(osk_press(&k, (size_t)sml, &e), OSK_EDITED);
	ck_assert_str_eq(e.s, "ヤマダ\u3000ハッ");
	/* ウ + ゛ = ヴ; hiragana typed on a keyboard takes marks too */
	osk_edit_wipe(&e);
	osk_edit_insert(&e, "ウ");
	osk_edit_mark(&e, OSK_OP_DAKUTEN);
	ck_assert_str_eq(e.s, "ヴ");
	osk_edit_insert(&e, "は");
	ck_assert_int_eq(osk_edit_mark(&e, OSK_OP_HANDAKUTEN), OSK_EDITED);
	ck_assert_str_eq(e.s, "ヴぱ");
	osk_edit_insert(&e, "よ");
	ck_assert_int_eq(osk_edit_mark(&e, OSK_OP_SMALL), OSK_EDITED);
	ck_assert_str_eq(e.s, "ヴぱょ");
	/* Latin takes none */
	osk_edit_insert(&e, "A");
	ck_assert(!osk_edit_can_mark(&e, OSK_OP_DAKUTEN));
	ck_assert_int_eq(osk_edit_mark(&e, OSK_OP_SMALL), OSK_NOTHING);
	/* a mark acts before the cursor, wherever it is */
	osk_edit_wipe(&e);
	osk_edit_insert(&e, "カキ");
	osk_edit_left(&e);
	osk_edit_mark(&e, OSK_OP_DAKUTEN);
	ck_assert_str_eq(e.s, "ガキ");
	ck_assert_uint_eq(e.cur, strlen("ガ"));
}
END_TEST

START_TEST(test_layout_switch)
{
	struct osk k;
	struct osk_edit e;
	int abc, shift;

	osk_init(&k, OSK_KANA, OSK_PAGE(OSK_LATIN));
	osk_edit_init(&e, 60);
	osk_place(&k, 0, 0, 80, 11, 1);
	abc = find(&k, "ABC");
	ck_assert_int_eq(osk_press(&k, (size_t)abc, &e), OSK_SWITCHED);
	ck_assert_int_eq(k.layout, OSK_LATIN);
	osk_place(&k, 0, 0, 80, 11, 1);
	check_placed(&k, 0, 0, 80, 11);
	{
		const char *l[] = { "S", "M", "I", "T", "H", "-", "O", "'" };

		press(&k, &e, l, 8);
	}
	ck_assert_str_eq(e.s, "SMITH-O'");
	shift = find_op(&k, OSK_OP_SHIFT);
	ck_assert_int_eq(osk_press(&k, (size_t)shift, &e), OSK_SWITCHED);
	ck_assert(k.small);
	osk_place(&k, 0, 0, 80, 11, 1);
	osk_press(&k, (size_t)find(&k, "j"), &e);
	ck_assert_str_eq(e.s, "SMITH-O'j");
	/* back to kana */
	osk_press(&k, (size_t)find(&k, "カナ"), &e);
	ck_assert_int_eq(k.layout, OSK_KANA);
	/* a keyboard given no other layout offers no switch */
	osk_init(&k, OSK_LATIN, 0);
	for (size_t i = 0; i < k.n; i++)
		ck_assert_int_ne(k.keys[i].op, OSK_OP_LAYOUT);
}
END_TEST

START_TEST(test_pin_pad)
{
	struct osk k;
	struct osk_edit e;
	struct grid *g = grid_new(40, 12, 1);
	char *row;

	osk_init(&k, OSK_PIN, 0);
	osk_edit_init(&e, 12);
	ck_assert_uint_eq(k.n, 12);
	ck_assert_int_eq(osk_place(&k, 0, 2, 40, 8, 1), 7); /* 4 rows, gaps */
	check_placed(&k, 0, 2, 40, 8);
	for (size_t i = 0; i < k.n; i++) {
		ck_assert_int_ne(k.keys[i].op, OSK_OP_LAYOUT);
		ck_assert_int_ne(k.keys[i].op, OSK_OP_DAKUTEN);
	}
	osk_press(&k, (size_t)find(&k, "1"), &e);
	osk_press(&k, (size_t)find(&k, "9"), &e);
	osk_press(&k, (size_t)find(&k, "0"), &e);
	ck_assert_str_eq(e.s, "190");
	osk_press(&k, (size_t)find_op(&k, OSK_OP_BACKSPACE), &e);
	ck_assert_str_eq(e.s, "19");
	/* masked: never the digits */
	osk_edit_draw(&e, g, 2, 0, 10, GRID_FIELD, GRID_CURSOR, '*');
	row = grid_row_text(g, 0);
	ck_assert_str_eq(row, "  **");
	free(row);
	ck_assert_int_eq(grid_at(g, 4, 0)->style, GRID_CURSOR);
	ck_assert_int_eq(g->cursor_x, 4);
	/* not focused: no cursor for the terminal */
	grid_clear(g);
	osk_edit_draw(&e, g, 2, 0, 10, GRID_FIELD, GRID_FIELD, '*');
	ck_assert_int_eq(g->cursor_x, -1);
	osk_press(&k, (size_t)find_op(&k, OSK_OP_CLEAR), &e);
	ck_assert_uint_eq(e.len, 0);
	ck_assert(!osk_key_active(&k, (size_t)find_op(&k, OSK_OP_CLEAR), &e));
	/* with a confirm key: a row of its own under the digits */
	osk_init(&k, OSK_PIN, OSK_WITH_ENTER);
	ck_assert_uint_eq(k.n, 13);
	ck_assert_int_eq(osk_place(&k, 0, 2, 40, 10, 1), 9);
	check_placed(&k, 0, 2, 40, 10);
	ck_assert_int_eq(osk_press(&k, (size_t)find_op(&k, OSK_OP_ENTER), &e), OSK_ENTER);
	ck_assert_int_eq(osk_place(&k, 0, 0, 40, 4, 1), -1);
	grid_free(g);
}
END_TEST

static bool
no_zwsp(unsigned c)
{
	return c != 0x200b;
}

START_TEST(test_edit_cursor)
{
	struct osk_edit e;
	struct keys_event ev = { .kind = KEYS_EV_KEY };

	osk_edit_init(&e, 20);
	ck_assert_int_eq(osk_edit_insert(&e, "ヤマダ"), OSK_EDITED);
	ck_assert_uint_eq(e.cur, 9);
	ev.key = KEYS_LEFT;
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_MOVED);
	ck_assert_uint_eq(e.cur, 6);
	osk_edit_insert(&e, "ノ");
	ck_assert_str_eq(e.s, "ヤマノダ");
	ev.key = KEYS_HOME;
	osk_edit_key(&e, &ev);
	ck_assert_int_eq(osk_edit_left(&e), OSK_NOTHING);
	ev.key = KEYS_DELETE;
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_EDITED);
	ck_assert_str_eq(e.s, "マノダ");
	ev.key = KEYS_END;
	osk_edit_key(&e, &ev);
	ck_assert_int_eq(osk_edit_right(&e), OSK_NOTHING);
	ev.key = KEYS_BACKSPACE;
	osk_edit_key(&e, &ev);
	ck_assert_str_eq(e.s, "マノ");
	/* capacity: 20 bytes, nothing half inserted */
	ck_assert_int_eq(osk_edit_insert(&e, "ABCDEFGHIJKLMN"), OSK_EDITED);
	ck_assert_uint_eq(e.len, 20);
	ck_assert_int_eq(osk_edit_insert(&e, "Z"), OSK_FULL);
	ck_assert_uint_eq(e.len, 20);
	/* a grapheme cluster is one character: e + combining acute */
	osk_edit_wipe(&e);
	osk_edit_insert(&e, "Re\xcc\x81");
	osk_edit_left(&e);
	ck_assert_uint_eq(e.cur, 1);
	osk_edit_end(&e);
	osk_edit_backspace(&e);
	ck_assert_str_eq(e.s, "R");
	/* physical keys: printable characters type, controls never */
	ev.key = 'x';
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_EDITED);
	ev.key = 0x1b;
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_NOTHING);
	ev.key = 0x85;
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_NOTHING);
	ev.key = '\r';
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_NOTHING);
	ev.key = 0x3042; /* あ */
	ck_assert_int_eq(osk_edit_key(&e, &ev), OSK_EDITED);
	ck_assert_str_eq(e.s, "Rxあ");
	/* a paste: line ends and tabs as spaces, controls dropped, whole or
	 * nothing */
	osk_edit_wipe(&e);
	ck_assert_int_eq(osk_edit_paste(&e, "ヤマ\nダ\tX\x1b[31m\xff", 18, NULL),
			 OSK_EDITED);
	ck_assert_str_eq(e.s, "ヤマ ダ X[31m");
	ck_assert_int_eq(osk_edit_paste(&e, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26, NULL),
			 OSK_FULL);
	ck_assert_str_eq(e.s, "ヤマ ダ X[31m");
	osk_edit_wipe(&e);
	ck_assert_int_eq(osk_edit_paste(&e, "a\u200bb", 5, no_zwsp), OSK_EDITED);
	ck_assert_str_eq(e.s, "ab");
	/* wipe: every byte */
	osk_edit_wipe(&e);
	for (size_t i = 0; i < sizeof e.s; i++)
		ck_assert_int_eq(e.s[i], 0);
	ck_assert_uint_eq(e.max, 20);
}
END_TEST

START_TEST(test_edit_draw_and_click)
{
	struct osk_edit e;
	struct grid *g = grid_new(20, 2, 1);
	char *row;

	osk_edit_init(&e, 100);
	osk_edit_insert(&e, "ヤマダ");
	osk_edit_left(&e);
	osk_edit_draw(&e, g, 1, 0, 10, GRID_FIELD, GRID_CURSOR, 0);
	row = grid_row_text(g, 0);
	ck_assert_str_eq(row, " ヤマダ");
	free(row);
	/* the cursor is the cell of ダ, and the terminal's cursor goes there
	 * (an input method opens its window at it) */
	ck_assert_int_eq(grid_at(g, 5, 0)->style, GRID_CURSOR);
	ck_assert_int_eq(g->cursor_x, 5);
	ck_assert_int_eq(g->cursor_y, 0);
	ck_assert_int_eq(grid_at(g, 3, 0)->style, GRID_FIELD);
	/* a click on the right half of ヤ puts the cursor after it */
	osk_edit_click(&e, 1, 10, 1);
	ck_assert_uint_eq(e.cur, 3);
	osk_edit_click(&e, 0, 10, 1);
	ck_assert_uint_eq(e.cur, 0);
	osk_edit_click(&e, 9, 10, 1);
	ck_assert_uint_eq(e.cur, e.len);
	/* longer than the field: it scrolls to keep the cursor in view */
	osk_edit_insert(&e, "ABCDEFGHIJ");
	grid_clear(g);
	osk_edit_draw(&e, g, 0, 1, 10, GRID_FIELD, GRID_CURSOR, 0);
	row = grid_row_text(g, 1);
	ck_assert_str_eq(row, "BCDEFGHIJ");
	free(row);
	ck_assert_int_eq(grid_at(g, 9, 1)->style, GRID_CURSOR);
	grid_free(g);
}
END_TEST

Suite *
tap_suite(void)
{
	Suite *s = suite_create("osk");
	TCase *tc = tcase_create("osk");

	i18n_init();
	tcase_add_test(tc, test_kana_layout);
	tcase_add_test(tc, test_type_and_marks);
	tcase_add_test(tc, test_layout_switch);
	tcase_add_test(tc, test_pin_pad);
	tcase_add_test(tc, test_edit_cursor);
	tcase_add_test(tc, test_edit_draw_and_click);
	suite_add_tcase(s, tc);
	return s;
}
