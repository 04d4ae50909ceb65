/*
 * osk: the on-screen keyboard: its layouts as data, their placement into
 * the grid, hit-testing, and the edit buffer they type into (see osk.h).
 * Owns the keys of a struct osk and the bytes of a struct osk_edit.
 */
#include "osk.h"

#include <string.h>

#include <sodium.h>
#include <unigbrk.h>
#include <unistr.h>
#include <uniwidth.h>

#include "i18n.h"

/* ---- layouts ---- */

#define OSK_COLS 10

/* The 50音 table, read down each column (ア段 to オ段), columns left to
 * right as on Japanese reception forms and machines. */
static const char *const osk_kana[5][OSK_COLS] = {
	{ "ア", "カ", "サ", "タ", "ナ", "ハ", "マ", "ヤ", "ラ", "ワ" },
	{ "イ", "キ", "シ", "チ", "ニ", "ヒ", "ミ", NULL, "リ", "ヲ" },
	{ "ウ", "ク", "ス", "ツ", "ヌ", "フ", "ム", "ユ", "ル", "ン" },
	{ "エ", "ケ", "セ", "テ", "ネ", "ヘ", "メ", NULL, "レ", "ー" },
	{ "オ", "コ", "ソ", "ト", "ノ", "ホ", "モ", "ヨ", "ロ", "・" },
};

static const char *const osk_latin[4][OSK_COLS] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9", "0" },
	{ "Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P" },
	{ "A", "S", "D", "F", "G", "H", "J", "K", "L", "-" },
	{ "Z", "X", "C", "V", "B", "N", "M", "'", ".", NULL },
};

static const char *const osk_latin_small[4][OSK_COLS] = {
	{ "1", "2", "3", "4", "5", "6", "7", "8", "9", "0" },
	{ "q", "w", "e", "r", "t", "y", "u", "i", "o", "p" },
	{ "a", "s", "d", "f", "g", "h", "j", "k", "l", "-" },
	{ "z", "x", "c", "v", "b", "n", "m", "'", ".", NULL },
};

static const char *const osk_pin[4][3] = {
	{ "1", "2", "3" },
	{ "4", "5", "6" },
	{ "7", "8", "9" },
	{ NULL, "0", NULL }, /* clear and backspace either side */
};

/* Rows of character keys, columns, and whether a row of control keys
 * follows. */
static void
osk_shape(enum osk_layout l, int *rows, int *cols, bool *controls)
{
	*rows = l == OSK_KANA ? 5 : 4;
	*cols = l == OSK_PIN ? 3 : OSK_COLS;
	*controls = l != OSK_PIN;
}

int
osk_min_rows(enum osk_layout layout)
{
	int r, c;
	bool ctl;

	osk_shape(layout, &r, &c, &ctl);
	return r + (ctl ? 1 : 0);
}

/* A PIN pad with OK has it as a row under the digits. */
static void
osk_shape_of(const struct osk *k, int *rows, int *cols, bool *controls)
{
	osk_shape(k->layout, rows, cols, controls);
	if (k->layout == OSK_PIN && (k->layouts & OSK_WITH_ENTER))
		*controls = true;
}

/* slot: row * columns + column among the character keys; -1: the row of
 * control keys under them. */
static void
osk_add(struct osk *k, enum osk_op op, const char *text, const char *label,
	int slot, int arg)
{
	struct osk_key *key = &k->keys[k->n++];

	memset(key, 0, sizeof *key);
	key->op = op;
	key->text = text;
	key->label = label;
	key->slot = slot;
	key->arg = arg;
}

/* The keys of the current layout, in rows; places come from osk_place. */
static void
osk_build(struct osk *k)
{
	k->n = 0;
	switch (k->layout) {
	case OSK_KANA:
		for (int r = 0; r < 5; r++)
			for (int c = 0; c < OSK_COLS; c++)
				if (osk_kana[r][c] != NULL)
					osk_add(k, OSK_OP_TEXT, osk_kana[r][c],
						osk_kana[r][c], r * OSK_COLS + c, 0);
		osk_add(k, OSK_OP_DAKUTEN, NULL, "゛", -1, 0);
		k->keys[k->n - 1].wide_label = N_("゛ voiced");
		osk_add(k, OSK_OP_HANDAKUTEN, NULL, "゜", -1, 0);
		k->keys[k->n - 1].wide_label = N_("゜ semi-voiced");
		osk_add(k, OSK_OP_SMALL, NULL, N_("small"), -1, 0);
		k->keys[k->n - 1].wide_label = N_("small kana");
		osk_add(k, OSK_OP_TEXT, "\u3000", N_("Space"), -1, 0);
		break;
	case OSK_LATIN:
		for (int r = 0; r < 4; r++)
			for (int c = 0; c < OSK_COLS; c++) {
				const char *t = k->small ? osk_latin_small[r][c]
							 : osk_latin[r][c];

				if (t != NULL)
					osk_add(k, OSK_OP_TEXT, t, t, r * OSK_COLS + c, 0);
			}
		osk_add(k, OSK_OP_SHIFT, NULL, k->small ? "ABC" : "abc", -1, 0);
		osk_add(k, OSK_OP_TEXT, " ", N_("Space"), -1, 0);
		break;
	case OSK_PIN:
	default:
		for (int r = 0; r < 4; r++)
			for (int c = 0; c < 3; c++)
				if (osk_pin[r][c] != NULL)
					osk_add(k, OSK_OP_TEXT, osk_pin[r][c],
						osk_pin[r][c], r * 3 + c, 0);
		osk_add(k, OSK_OP_CLEAR, NULL, N_("Clear"), 3 * 3 + 0, 0);
		osk_add(k, OSK_OP_BACKSPACE, NULL, N_("Erase"), 3 * 3 + 2, 0);
		if (k->layouts & OSK_WITH_ENTER) /* a row of its own */
			osk_add(k, OSK_OP_ENTER, NULL, N_("OK"), -1, 0);
		return;
	}
	osk_add(k, OSK_OP_LEFT, NULL, "◀", -1, 0);
	osk_add(k, OSK_OP_RIGHT, NULL, "▶", -1, 0);
	osk_add(k, OSK_OP_BACKSPACE, NULL, N_("Erase"), -1, 0);
	osk_add(k, OSK_OP_CLEAR, NULL, N_("Clear"), -1, 0);
	for (int l = 0; l < OSK_NLAYOUTS; l++)
		if (l != (int)k->layout && l != OSK_PIN && (k->layouts & OSK_PAGE(l)))
			osk_add(k, OSK_OP_LAYOUT, NULL, l == OSK_KANA ? "カナ" : "ABC", -1, l);
	if (k->layouts & OSK_WITH_ENTER)
		osk_add(k, OSK_OP_ENTER, NULL, N_("OK"), -1, 0);
}

void
osk_init(struct osk *k, enum osk_layout layout, unsigned layouts)
{
	memset(k, 0, sizeof *k);
	k->layout = layout;
	k->layouts = layouts | OSK_PAGE(layout);
	k->ambiguous = 1;
	osk_build(k);
}

void
osk_set_layout(struct osk *k, enum osk_layout layout)
{
	k->layout = layout;
	k->layouts |= OSK_PAGE(layout);
	osk_build(k);
}

static const char *
osk_label(const struct osk_key *key)
{
	/* Character keys show themselves; the rest are UI words, the longer
	 * ones where the row has room. */
	if (key->op == OSK_OP_TEXT && key->slot >= 0)
		return key->label;
	return _(key->wide && key->wide_label != NULL ? key->wide_label : key->label);
}

/* Key heights and the gap between rows, biggest first. */
static const struct { int kh, gap; } osk_heights[] = {
	{ 3, 1 }, { 2, 1 }, { 1, 1 }, { 1, 0 },
};

int
osk_place(struct osk *k, int x, int y, int w, int h, int ambiguous)
{
	int rows, cols, kh = 0, gap = 0, rt, kw, gapx = 1, maxkw, tw, x0;
	int used, cy, lw[OSK_MAX_KEYS], need = 0, nctl = 0, pad = 2, cw, cx;
	size_t first_ctl = k->n;
	bool ctl, found = false;

	k->ambiguous = ambiguous;
	osk_shape_of(k, &rows, &cols, &ctl);
	rt = rows + (ctl ? 1 : 0);
	for (size_t i = 0; i < sizeof osk_heights / sizeof osk_heights[0]; i++) {
		kh = osk_heights[i].kh;
		gap = osk_heights[i].gap;
		if (rt * kh + (rt - 1) * gap <= h) {
			found = true;
			break;
		}
	}
	if (!found)
		return -1;
	maxkw = k->layout == OSK_PIN ? 14 : 8;
	kw = (w - (cols - 1) * gapx) / cols;
	if (kw < 3) { /* no gaps: keys still two columns, for a wide glyph */
		gapx = 0;
		kw = w / cols;
	}
	if (kw < 2)
		return -1;
	if (kw > maxkw)
		kw = maxkw;
	tw = cols * kw + (cols - 1) * gapx;
	x0 = x + (w - tw) / 2;
	for (size_t i = 0; i < k->n; i++) {
		struct osk_key *key = &k->keys[i];

		if (key->slot < 0) { /* the control row */
			if (first_ctl == k->n)
				first_ctl = i;
			continue;
		}
		key->x = x0 + key->slot % cols * (kw + gapx);
		key->y = y + key->slot / cols * (kh + gap);
		key->w = kw;
		key->h = kh;
	}
	used = rows * kh + (rows - 1) * gap;
	if (!ctl) {
		k->x = x0;
		k->y = y;
		k->w = tw;
		k->h = used;
		return used;
	}
	/* The control row: each key its label and some, the rest shared;
	 * the longer labels (゛ 濁点) when they all fit with room to spare. */
	cy = y + rows * (kh + gap);
	for (int wide = 1; wide >= 0; wide--) {
		need = nctl = 0;
		for (size_t i = first_ctl; i < k->n; i++) {
			k->keys[i].wide = wide;
			lw[nctl] = grid_strwidth(osk_label(&k->keys[i]), ambiguous);
			if (lw[nctl] < 2) /* ◀ ▶: still a key a finger can find */
				lw[nctl] = 2;
			need += lw[nctl++];
		}
		if (need + nctl * pad + (nctl - 1) * gapx <= tw)
			break;
	}
	cw = tw;
	if (need + nctl * pad + (nctl - 1) * gapx > cw)
		pad = 0;
	if (need + (nctl - 1) * gapx > cw) {
		cw = w; /* wider than the character keys, as wide as allowed */
		x0 = x;
	}
	if (need + (nctl - 1) * gapx > cw) {
		gapx = 0;
		if (need > cw)
			return -1;
	}
	cx = x0;
	{
		int extra = cw - need - nctl * pad - (nctl - 1) * gapx;
		int each = extra > 0 ? extra / nctl : 0;
		int rest = extra > 0 ? extra % nctl : 0;

		if (extra < 0)
			pad = 0, each = 0, rest = 0;
		for (int j = 0; j < nctl; j++) {
			struct osk_key *key = &k->keys[first_ctl + (size_t)j];

			key->x = cx;
			key->y = cy;
			key->w = lw[j] + pad + each + (j < rest ? 1 : 0);
			key->h = kh;
			cx += key->w + gapx;
		}
	}
	used = rt * kh + (rt - 1) * gap;
	k->x = x0 < x + (w - tw) / 2 ? x0 : x + (w - tw) / 2;
	k->y = y;
	k->w = cw > tw ? cw : tw;
	k->h = used;
	return used;
}

int
osk_hit(const struct osk *k, int x, int y)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct osk_key *key = &k->keys[i];

		if (key->w > 0 && x >= key->x && x < key->x + key->w &&
		    y >= key->y && y < key->y + key->h)
			return (int)i;
	}
	return -1;
}

bool
osk_key_active(const struct osk *k, size_t i, const struct osk_edit *e)
{
	const struct osk_key *key;

	if (i >= k->n)
		return false;
	key = &k->keys[i];
	switch (key->op) {
	case OSK_OP_TEXT:
		return e->len + strlen(key->text) <= e->max;
	case OSK_OP_DAKUTEN:
	case OSK_OP_HANDAKUTEN:
	case OSK_OP_SMALL:
		return osk_edit_can_mark(e, key->op);
	case OSK_OP_LEFT:
	case OSK_OP_BACKSPACE:
		return e->cur > 0;
	case OSK_OP_RIGHT:
		return e->cur < e->len;
	case OSK_OP_CLEAR:
		return e->len > 0;
	case OSK_OP_SHIFT:
	case OSK_OP_LAYOUT:
	case OSK_OP_ENTER:
	default:
		return true;
	}
}

enum osk_result
osk_press(struct osk *k, size_t i, struct osk_edit *e)
{
	const struct osk_key *key;

	if (i >= k->n)
		return OSK_NOTHING;
	key = &k->keys[i];
	switch (key->op) {
	case OSK_OP_TEXT:
		return osk_edit_insert(e, key->text);
	case OSK_OP_DAKUTEN:
	case OSK_OP_HANDAKUTEN:
	case OSK_OP_SMALL:
		return osk_edit_mark(e, key->op);
	case OSK_OP_SHIFT:
		k->small = !k->small;
		osk_build(k);
		return OSK_SWITCHED;
	case OSK_OP_LAYOUT:
		osk_set_layout(k, (enum osk_layout)key->arg);
		return OSK_SWITCHED;
	case OSK_OP_LEFT:
		return osk_edit_left(e);
	case OSK_OP_RIGHT:
		return osk_edit_right(e);
	case OSK_OP_BACKSPACE:
		return osk_edit_backspace(e);
	case OSK_OP_CLEAR:
		return osk_edit_clear(e);
	case OSK_OP_ENTER:
		return OSK_ENTER;
	}
	return OSK_NOTHING;
}

void
osk_draw(const struct osk *k, const struct osk_edit *e, struct grid *g)
{
	for (size_t i = 0; i < k->n; i++) {
		const struct osk_key *key = &k->keys[i];
		enum grid_style st;

		if (key->w <= 0)
			continue;
		st = !osk_key_active(k, i, e) ? GRID_BUTTON_OFF
		     : key->op == OSK_OP_ENTER ? GRID_BUTTON_HOT
		     : key->op == OSK_OP_LAYOUT || key->op == OSK_OP_SHIFT
		     ? GRID_SELECTED : GRID_BUTTON;
		grid_fill(g, key->x, key->y, key->w, key->h, st);
		grid_put_center(g, key->x, key->y + key->h / 2, key->w,
				osk_label(key), st);
	}
}

/* ---- the edit buffer ---- */

void
osk_edit_init(struct osk_edit *e, size_t max)
{
	sodium_memzero(e, sizeof *e);
	e->max = max > 0 && max < OSK_EDIT_MAX ? max : OSK_EDIT_MAX - 1;
}

void
osk_edit_wipe(struct osk_edit *e)
{
	size_t max = e->max;

	sodium_memzero(e, sizeof *e);
	e->max = max;
}

enum osk_result
osk_edit_insert(struct osk_edit *e, const char *text)
{
	size_t n = strlen(text);

	if (n == 0)
		return OSK_NOTHING;
	if (e->len + n > e->max || u8_check((const uint8_t *)text, n) != NULL)
		return OSK_FULL;
	memmove(e->s + e->cur + n, e->s + e->cur, e->len - e->cur + 1);
	memcpy(e->s + e->cur, text, n);
	e->len += n;
	e->cur += n;
	return OSK_EDITED;
}

enum osk_result
osk_edit_paste(struct osk_edit *e, const char *s, size_t len,
	       bool (*keep)(unsigned c))
{
	const uint8_t *p = (const uint8_t *)s, *end = p + len;
	char buf[OSK_EDIT_MAX];
	size_t n = 0;
	enum osk_result r;

	while (p < end) {
		ucs4_t c;
		int k = u8_mbtouc(&c, p, (size_t)(end - p));

		if (k <= 0 || c == 0xfffd) { /* an invalid byte: dropped */
			p += k > 0 ? k : 1;
			continue;
		}
		p += k;
		if (c == '\r' || c == '\n' || c == '\t' || c == 0x2028 || c == 0x2029)
			c = ' ';
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ||
		    (keep != NULL && !keep(c)))
			continue;
		k = u8_uctomb((uint8_t *)buf + n, c, (int)(sizeof buf - 1 - n));
		if (k <= 0) {
			sodium_memzero(buf, sizeof buf);
			return OSK_FULL;
		}
		n += (size_t)k;
	}
	buf[n] = '\0';
	r = n > 0 ? osk_edit_insert(e, buf) : OSK_NOTHING;
	sodium_memzero(buf, sizeof buf);
	return r;
}

/* The grapheme boundary before / after the cursor. */
static size_t
osk_prev(const struct osk_edit *e, size_t at)
{
	const uint8_t *s = (const uint8_t *)e->s;
	const uint8_t *p;

	if (at == 0)
		return 0;
	p = u8_grapheme_prev(s + at, s);
	return p != NULL ? (size_t)(p - s) : 0;
}

static size_t
osk_next(const struct osk_edit *e, size_t at)
{
	const uint8_t *s = (const uint8_t *)e->s;
	const uint8_t *p;

	if (at >= e->len)
		return e->len;
	p = u8_grapheme_next(s + at, s + e->len);
	return p != NULL ? (size_t)(p - s) : e->len;
}

static void
osk_cut(struct osk_edit *e, size_t from, size_t to)
{
	memmove(e->s + from, e->s + to, e->len - to + 1);
	e->len -= to - from;
	sodium_memzero(e->s + e->len + 1, to - from);
}

enum osk_result
osk_edit_backspace(struct osk_edit *e)
{
	size_t p = osk_prev(e, e->cur);

	if (e->cur == 0)
		return OSK_NOTHING;
	osk_cut(e, p, e->cur);
	e->cur = p;
	return OSK_EDITED;
}

enum osk_result
osk_edit_delete(struct osk_edit *e)
{
	if (e->cur >= e->len)
		return OSK_NOTHING;
	osk_cut(e, e->cur, osk_next(e, e->cur));
	return OSK_EDITED;
}

enum osk_result
osk_edit_left(struct osk_edit *e)
{
	if (e->cur == 0)
		return OSK_NOTHING;
	e->cur = osk_prev(e, e->cur);
	return OSK_MOVED;
}

enum osk_result
osk_edit_right(struct osk_edit *e)
{
	if (e->cur >= e->len)
		return OSK_NOTHING;
	e->cur = osk_next(e, e->cur);
	return OSK_MOVED;
}

enum osk_result
osk_edit_home(struct osk_edit *e)
{
	if (e->cur == 0)
		return OSK_NOTHING;
	e->cur = 0;
	return OSK_MOVED;
}

enum osk_result
osk_edit_end(struct osk_edit *e)
{
	if (e->cur == e->len)
		return OSK_NOTHING;
	e->cur = e->len;
	return OSK_MOVED;
}

enum osk_result
osk_edit_clear(struct osk_edit *e)
{
	if (e->len == 0)
		return OSK_NOTHING;
	osk_edit_wipe(e);
	return OSK_EDITED;
}

/* ---- ゛ ゜ 小 ---- */

/* Katakana pairs: the plain character and the marked one. */
static const struct { ucs4_t plain, marked; } osk_voiced[] = {
	{ 0x30AB, 0x30AC }, { 0x30AD, 0x30AE }, { 0x30AF, 0x30B0 }, /* カキク */
	{ 0x30B1, 0x30B2 }, { 0x30B3, 0x30B4 }, { 0x30B5, 0x30B6 }, /* ケコサ */
	{ 0x30B7, 0x30B8 }, { 0x30B9, 0x30BA }, { 0x30BB, 0x30BC }, /* シスセ */
	{ 0x30BD, 0x30BE }, { 0x30BF, 0x30C0 }, { 0x30C1, 0x30C2 }, /* ソタチ */
	{ 0x30C4, 0x30C5 }, { 0x30C6, 0x30C7 }, { 0x30C8, 0x30C9 }, /* ツテト */
	{ 0x30CF, 0x30D0 }, { 0x30D2, 0x30D3 }, { 0x30D5, 0x30D6 }, /* ハヒフ */
	{ 0x30D8, 0x30D9 }, { 0x30DB, 0x30DC }, { 0x30A6, 0x30F4 }, /* ヘホウ */
}, osk_semi[] = {
	{ 0x30CF, 0x30D1 }, { 0x30D2, 0x30D4 }, { 0x30D5, 0x30D7 }, /* ハヒフ */
	{ 0x30D8, 0x30DA }, { 0x30DB, 0x30DD },                     /* ヘホ */
}, osk_small[] = {
	{ 0x30A2, 0x30A1 }, { 0x30A4, 0x30A3 }, { 0x30A6, 0x30A5 }, /* アイウ */
	{ 0x30A8, 0x30A7 }, { 0x30AA, 0x30A9 }, { 0x30C4, 0x30C3 }, /* エオツ */
	{ 0x30E4, 0x30E3 }, { 0x30E6, 0x30E5 }, { 0x30E8, 0x30E7 }, /* ヤユヨ */
	{ 0x30EF, 0x30EE }, { 0x30AB, 0x30F5 }, { 0x30B1, 0x30F6 }, /* ワカケ */
};

#define OSK_NPAIRS(a) (sizeof (a) / sizeof (a)[0])

/* Hiragana to katakana and back: the same table, 0x60 apart. */
static ucs4_t
osk_kata(ucs4_t c, bool *hira)
{
	*hira = c >= 0x3041 && c <= 0x3096;
	return *hira ? c + 0x60 : c;
}

/*
 * What a mark does to c: 0 when c cannot take it. A second press takes
 * the mark back; ゛ on パ gives バ and ゜ on バ gives パ.
 */
static ucs4_t
osk_marked(ucs4_t c, enum osk_op op)
{
	bool hira;
	ucs4_t k = osk_kata(c, &hira), r = 0;

	if (op == OSK_OP_DAKUTEN || op == OSK_OP_HANDAKUTEN) {
		const bool voiced = op == OSK_OP_DAKUTEN;
		size_t n = voiced ? OSK_NPAIRS(osk_voiced) : OSK_NPAIRS(osk_semi);
		size_t m = voiced ? OSK_NPAIRS(osk_semi) : OSK_NPAIRS(osk_voiced);

		for (size_t i = 0; i < n && r == 0; i++) {
			ucs4_t p = voiced ? osk_voiced[i].plain : osk_semi[i].plain;
			ucs4_t q = voiced ? osk_voiced[i].marked : osk_semi[i].marked;

			r = k == p ? q : k == q ? p : 0;
		}
		/* the other mark on the same row: バ ⇄ パ */
		for (size_t i = 0; i < m && r == 0; i++) {
			ucs4_t other = voiced ? osk_semi[i].marked : osk_voiced[i].marked;
			ucs4_t plain = voiced ? osk_semi[i].plain : osk_voiced[i].plain;

			if (k != other)
				continue;
			for (size_t j = 0; j < n; j++)
				if ((voiced ? osk_voiced[j].plain : osk_semi[j].plain) == plain)
					r = voiced ? osk_voiced[j].marked : osk_semi[j].marked;
		}
	} else if (op == OSK_OP_SMALL) {
		for (size_t i = 0; i < OSK_NPAIRS(osk_small) && r == 0; i++)
			r = k == osk_small[i].plain ? osk_small[i].marked
			    : k == osk_small[i].marked ? osk_small[i].plain : 0;
	}
	if (r == 0)
		return 0;
	if (hira) {
		/* ヵ ヶ ヷ have no hiragana twin in common use */
		if (r - 0x60 < 0x3041 || r - 0x60 > 0x3096)
			return 0;
		r -= 0x60;
	}
	return r;
}

/* The code point before the cursor, and where it starts. */
static bool
osk_before(const struct osk_edit *e, ucs4_t *c, size_t *at)
{
	const uint8_t *s = (const uint8_t *)e->s;
	const uint8_t *p;

	if (e->cur == 0)
		return false;
	p = u8_prev(c, s + e->cur, s);
	if (p == NULL)
		return false;
	*at = (size_t)(p - s);
	return true;
}

bool
osk_edit_can_mark(const struct osk_edit *e, enum osk_op op)
{
	ucs4_t c;
	size_t at;

	return osk_before(e, &c, &at) && osk_marked(c, op) != 0;
}

enum osk_result
osk_edit_mark(struct osk_edit *e, enum osk_op op)
{
	ucs4_t c, r;
	size_t at, old;
	uint8_t u[8];
	int n;

	if (!osk_before(e, &c, &at) || (r = osk_marked(c, op)) == 0)
		return OSK_NOTHING;
	n = u8_uctomb(u, r, (int)sizeof u);
	old = e->cur - at;
	if (n <= 0 || e->len - old + (size_t)n > e->max)
		return OSK_FULL;
	/* every kana here is 3 bytes: same length, replaced in place */
	memmove(e->s + at + n, e->s + e->cur, e->len - e->cur + 1);
	memcpy(e->s + at, u, (size_t)n);
	e->len = e->len - old + (size_t)n;
	e->cur = at + (size_t)n;
	return OSK_EDITED;
}

/* ---- keys from a physical keyboard ---- */

enum osk_result
osk_edit_key(struct osk_edit *e, const struct keys_event *ev)
{
	int k = ev->key;
	uint8_t u[8];
	int n;

	if (ev->kind != KEYS_EV_KEY)
		return OSK_NOTHING;
	switch (k) {
	case KEYS_LEFT: return osk_edit_left(e);
	case KEYS_RIGHT: return osk_edit_right(e);
	case KEYS_HOME: return osk_edit_home(e);
	case KEYS_END: return osk_edit_end(e);
	case KEYS_BACKSPACE: case 127: case 8: return osk_edit_backspace(e);
	case KEYS_DELETE: return osk_edit_delete(e);
	default: break;
	}
	/* printable characters; control characters and surrogates never */
	if (k < 0x20 || k == 0x7f || (k >= 0x80 && k < 0xa0) || k >= 0x110000 ||
	    (k >= 0xd800 && k < 0xe000))
		return OSK_NOTHING;
	n = u8_uctomb(u, (ucs4_t)k, (int)sizeof u - 1);
	if (n <= 0)
		return OSK_NOTHING;
	u[n] = '\0';
	return osk_edit_insert(e, (const char *)u);
}

/* ---- drawing the field ---- */

/* Columns of s[0, n). */
static int
osk_cols(const char *s, size_t n, int ambiguous)
{
	int w = u8_width((const uint8_t *)s, n, ambiguous == 2 ? "EUC-JP" : "UTF-8");

	return w < 0 ? 0 : w;
}

/* The first column shown in a field w wide: the cursor always in view,
 * with its cell. */
static int
osk_edit_start(const struct osk_edit *e, int w, int ambiguous)
{
	int cc = osk_cols(e->s, e->cur, ambiguous);

	return cc + 1 > w ? cc + 1 - w : 0;
}

void
osk_edit_draw(const struct osk_edit *e, struct grid *g, int x, int y, int w,
	      enum grid_style st, enum grid_style cursor, char mask)
{
	int start, col = 0;
	size_t i = 0;

	if (w <= 0)
		return;
	grid_fill(g, x, y, w, 1, st);
	start = mask ? 0 : osk_edit_start(e, w, g->ambiguous);
	if (cursor != st) { /* focused: an input method opens at the cursor */
		g->cursor_x = x + (mask ? (int)u8_mbsnlen((const uint8_t *)e->s, e->len)
				   : osk_cols(e->s, e->cur, g->ambiguous) - start);
		if (g->cursor_x > x + w - 1)
			g->cursor_x = x + w - 1;
		g->cursor_y = y;
	}
	if (mask) { /* every character one mask cell; the cursor at the end */
		size_t chars = u8_mbsnlen((const uint8_t *)e->s, e->len);

		for (size_t c = 0; c < chars && (int)c < w - 1; c++)
			grid_put(g, x + (int)c, y, (char[]){ mask, '\0' }, 1, st);
		grid_fill(g, x + ((int)chars < w - 1 ? (int)chars : w - 1), y, 1, 1,
			  cursor);
		return;
	}
	while (i <= e->len) {
		size_t next = i < e->len ? osk_next(e, i) : e->len + 1;
		char cell[OSK_EDIT_MAX];
		int cw;

		if (i == e->len) { /* the cursor after the last character */
			if (i == e->cur && col - start >= 0 && col - start < w)
				grid_fill(g, x + col - start, y, 1, 1, cursor);
			break;
		}

		memcpy(cell, e->s + i, next - i);
		cell[next - i] = '\0';
		cw = osk_cols(cell, next - i, g->ambiguous);
		if (col >= start && col - start + cw <= w)
			grid_put(g, x + col - start, y, cell, cw,
				 i == e->cur ? cursor : st);
		col += cw;
		i = next;
	}
}

void
osk_edit_click(struct osk_edit *e, int col, int w, int ambiguous)
{
	int start = osk_edit_start(e, w, ambiguous), at = 0;
	size_t i = 0;

	col += start;
	while (i < e->len) {
		size_t next = osk_next(e, i);
		int cw = osk_cols(e->s + i, next - i, ambiguous);

		if (col < at + (cw + 1) / 2)
			break; /* the left half of a character: before it */
		at += cw;
		i = next;
	}
	e->cur = i;
}
