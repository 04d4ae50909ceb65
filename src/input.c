/*
 * input: a byte-at-a-time parser of what a terminal sends (see input.h).
 * Owns the partial sequence, the paste being read and the text of the last
 * paste event. The grammar is ECMA-48's (as in Paul Williams' DEC parser):
 * CSI parameters 0x30-0x3F, intermediates 0x20-0x2F, a final byte
 * 0x40-0x7E; a string runs to BEL or ST.
 */
#include "input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "xmalloc.h"

#define INPUT_ESCB 0x1b
#define INPUT_CAN 0x18
#define INPUT_SUB 0x1a

static const char input_paste_end[] = "\033[201~";

void
input_init(struct input *in)
{
	memset(in, 0, sizeof *in);
	in->state = INPUT_GROUND;
}

void
input_done(struct input *in)
{
	free(in->paste);
	free(in->out);
	memset(in, 0, sizeof *in);
}

static int
input_key(struct keys_event *ev, int key)
{
	ev->kind = KEYS_EV_KEY;
	ev->key = key;
	return 1;
}

/* A decoded code point (never a C1 control here) or a C0 byte as a key. */
static int
input_char(struct keys_event *ev, unsigned c)
{
	if (c == 0)
		return 0;
	if (c == 0x7f || c == 0x08)
		return input_key(ev, KEYS_BACKSPACE);
	if (c == INPUT_ESCB)
		return input_key(ev, KEYS_ESC);
	return input_key(ev, (int)c);
}

static int
input_drop(struct input *in)
{
	in->state = INPUT_GROUND;
	in->nseq = 0;
	in->overlong = false;
	return 0;
}

static void
input_begin(struct input *in, enum input_state st)
{
	in->state = st;
	in->nseq = 0;
	in->overlong = false;
}

/* A C1 control (8-bit form): the start of its sequence, or nothing. */
static int
input_c1(struct input *in, unsigned c)
{
	switch (c) {
	case 0x9b: input_begin(in, INPUT_CSI); break;
	case 0x8f: input_begin(in, INPUT_SS3); break;
	case 0x90: case 0x98: case 0x9d: case 0x9e: case 0x9f:
		input_begin(in, INPUT_STRING);
		break;
	default: input_drop(in); break;
	}
	return 0;
}

/*
 * A byte in the ground state. A byte 0x80..0xBF out of place is a C1
 * control (0x80..0x9F) or dropped; a lead byte starts a character.
 */
static int
input_ground(struct input *in, unsigned char b, struct keys_event *ev)
{
	in->state = INPUT_GROUND;
	if (b == INPUT_ESCB) {
		input_begin(in, INPUT_ESC);
		return 0;
	}
	if (b < 0x80)
		return input_char(ev, b);
	if (b < 0xa0)
		return input_c1(in, b);
	if (b >= 0xc2 && b <= 0xf4) {
		in->utf8_need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
		in->cp = b & (b < 0xe0 ? 0x1f : b < 0xf0 ? 0x0f : 0x07);
		in->cp_min = b < 0xe0 ? 0x80 : b < 0xf0 ? 0x800 : 0x10000;
		in->state = INPUT_UTF8;
		in->alt = false;
		return 0;
	}
	if (b >= 0xc0)
		in->state = INPUT_SKIP; /* C0, C1, F5..FF: never in UTF-8 */
	return 0; /* a stray continuation byte */
}

static int
input_utf8(struct input *in, unsigned char b, struct keys_event *ev)
{
	unsigned c;

	if ((b & 0xc0) != 0x80) {
		/* cut short: the partial character is dropped */
		in->state = INPUT_GROUND;
		return input_ground(in, b, ev);
	}
	in->cp = (in->cp << 6) | (b & 0x3f);
	if (--in->utf8_need > 0)
		return 0;
	in->state = INPUT_GROUND;
	c = in->cp;
	if (c < in->cp_min || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0; /* overlong, beyond Unicode, a surrogate */
	if (in->alt)
		return 0; /* Alt and a character: dropped */
	if (c >= 0x80 && c < 0xa0)
		return input_c1(in, c);
	return input_char(ev, c);
}

static int
input_esc(struct input *in, unsigned char b, struct keys_event *ev)
{
	switch (b) {
	case '[': input_begin(in, INPUT_CSI); return 0;
	case 'O': input_begin(in, INPUT_SS3); return 0;
	case 'P': case ']': case 'X': case '^': case '_':
		input_begin(in, INPUT_STRING);
		return 0;
	case INPUT_ESCB:
		/* the first was the Esc key; the second starts anew */
		input_begin(in, INPUT_ESC);
		return input_key(ev, KEYS_ESC);
	default:
		break;
	}
	if (b >= 0x20 && b <= 0x2f) {
		input_begin(in, INPUT_ESC_INTER);
		return 0;
	}
	if (b >= 0xc2 && b <= 0xf4) {
		/* Alt and a character: read the character whole, drop it */
		input_ground(in, b, ev);
		in->alt = true;
		return 0;
	}
	if (b >= 0x80) {
		/* a C1 introducer starts anew; an invalid byte is dropped */
		input_drop(in);
		return input_ground(in, b, ev);
	}
	/* Alt and an ASCII key, CAN, SUB, a control: dropped */
	return input_drop(in);
}

/* Append a sequence byte; past INPUT_SEQ_MAX the sequence is only read. */
static void
input_seq_add(struct input *in, unsigned char b)
{
	if (in->nseq < sizeof in->seq - 1)
		in->seq[in->nseq++] = b;
	else
		in->overlong = true;
}

/*
 * Parse "n;n;n" (the parameters after an optional private marker) into at
 * most max numbers. Empty parameters are 0. -1 on anything else: ':'
 * sub-parameters, intermediates, too many, a number beyond 65535.
 */
static int
input_params(const unsigned char *p, size_t n, int *v, int max)
{
	int count = 0;
	long cur = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || p[i] == ';') {
			if (count == max)
				return -1;
			v[count++] = (int)cur;
			cur = 0;
			continue;
		}
		if (p[i] < '0' || p[i] > '9')
			return -1;
		cur = cur * 10 + (p[i] - '0');
		if (cur > 65535)
			return -1;
	}
	return count;
}

/* A key reported with modifiers (modifyOtherKeys, CSI u): the character
 * itself when unmodified or only shifted; else nothing. */
static int
input_modified(struct keys_event *ev, int mod, int c)
{
	if (mod > 2 || c <= 0 || c > 0x10ffff || (c >= 0xd800 && c < 0xe000) ||
	    (c >= 0x80 && c < 0xa0))
		return 0;
	return input_char(ev, (unsigned)c);
}

/* SGR 1006: "<b;x;y" and M (press) or m (release). */
static int
input_sgr_mouse(const unsigned char *p, size_t n, unsigned char fin,
		struct keys_event *ev)
{
	int v[3];

	if (input_params(p, n, v, 3) != 3 || fin != 'M' || v[1] < 1 || v[2] < 1)
		return 0;
	if (v[0] & 32)
		return 0; /* motion */
	if (v[0] & 64) {
		if ((v[0] & 3) > 1)
			return 0; /* horizontal wheel */
		ev->button = (v[0] & 1) ? 5 : 4;
	} else {
		if ((v[0] & 3) == 3)
			return 0;
		ev->button = (v[0] & 3) + 1;
	}
	ev->kind = KEYS_EV_MOUSE;
	ev->x = v[1] - 1;
	ev->y = v[2] - 1;
	return 1;
}

/* The three bytes after CSI M: button, column, row, each + 32. */
static int
input_x10_mouse(const unsigned char *p, struct keys_event *ev)
{
	int b = p[0] - 32, x = p[1] - 33, y = p[2] - 33;

	if (b < 0 || x < 0 || y < 0 || (b & 32))
		return 0;
	if (b & 64) {
		if ((b & 3) > 1)
			return 0;
		ev->button = (b & 1) ? 5 : 4;
	} else {
		if ((b & 3) == 3)
			return 0; /* a release */
		ev->button = (b & 3) + 1;
	}
	ev->kind = KEYS_EV_MOUSE;
	ev->x = x;
	ev->y = y;
	return 1;
}

static int
input_tilde(struct input *in, const int *v, int nv, struct keys_event *ev)
{
	int n = nv > 0 ? v[0] : 0;

	if (n == 27) /* modifyOtherKeys: 27;mod;char */
		return nv == 3 ? input_modified(ev, v[1], v[2]) : 0;
	if (nv > 2)
		return 0;
	switch (n) {
	case 1: case 7: return input_key(ev, KEYS_HOME);
	case 3: return input_key(ev, KEYS_DELETE);
	case 4: case 8: return input_key(ev, KEYS_END);
	case 5: return input_key(ev, KEYS_PGUP);
	case 6: return input_key(ev, KEYS_PGDN);
	case 11: case 12: case 13: case 14: case 15:
		return input_key(ev, KEYS_F1 + (n - 11));
	case 17: case 18: case 19: case 20: case 21:
		return input_key(ev, KEYS_F1 + 5 + (n - 17));
	case 23: case 24:
		return input_key(ev, KEYS_F1 + 10 + (n - 23));
	case 200:
		if (nv != 1)
			return 0;
		in->state = INPUT_PASTE;
		in->npaste = 0;
		in->paste_end = 0;
		in->paste_bad = false;
		if (in->paste == NULL)
			in->paste = xmalloc(INPUT_PASTE_MAX + 1);
		return 0;
	default:
		return 0; /* Insert, 201 out of a paste, unknown */
	}
}

/* The key of a cursor or F1-F4 final byte (CSI or SS3), or 0. */
static int
input_final_key(unsigned char f)
{
	switch (f) {
	case 'A': return KEYS_UP;
	case 'B': return KEYS_DOWN;
	case 'C': return KEYS_RIGHT;
	case 'D': return KEYS_LEFT;
	case 'H': return KEYS_HOME;
	case 'F': return KEYS_END;
	case 'P': return KEYS_F1;
	case 'Q': return KEYS_F1 + 1;
	case 'R': return KEYS_F1 + 2;
	case 'S': return KEYS_F1 + 3;
	default: return 0;
	}
}

/* A whole CSI: seq holds its parameters and intermediates, fin the final. */
static int
input_csi(struct input *in, unsigned char fin, struct keys_event *ev)
{
	const unsigned char *p = in->seq;
	size_t n = in->nseq;
	int v[4], nv, k;

	in->state = INPUT_GROUND;
	if (in->overlong)
		return input_drop(in);
	if (n == 1 && p[0] == '[') /* the Linux console's F1-F5: CSI [ A */
		return fin >= 'A' && fin <= 'E' ? input_key(ev, KEYS_F1 + (fin - 'A'))
						 : 0;
	if (n > 0 && p[0] == '<')
		return (fin == 'M' || fin == 'm') ? input_sgr_mouse(p + 1, n - 1, fin, ev)
						  : 0;
	if (n > 0 && p[0] >= 0x3c && p[0] <= 0x3f)
		return 0; /* another private marker: reports, not keys */
	if (n == 0 && fin == 'M') {
		input_begin(in, INPUT_X10);
		return 0;
	}
	if ((nv = input_params(p, n, v, 4)) < 0)
		return 0;
	if (fin == '~')
		return input_tilde(in, v, nv, ev);
	if (fin == 'u') /* CSI u: char;mod */
		return nv >= 1 && nv <= 2 ? input_modified(ev, nv == 2 ? v[1] : 1, v[0])
					  : 0;
	k = input_final_key(fin);
	/* none, or 1;mod (the modifier is ignored) */
	if (k != 0 && (nv == 0 || (nv == 2 && v[0] <= 1)))
		return input_key(ev, k);
	return 0;
}

static int
input_ss3(struct input *in, unsigned char fin, struct keys_event *ev)
{
	int k = input_final_key(fin);

	in->state = INPUT_GROUND;
	if (in->overlong)
		return input_drop(in);
	for (size_t i = 0; i < in->nseq; i++)
		if (in->seq[i] < '0' || in->seq[i] > '9')
			return 0;
	if (k != 0)
		return input_key(ev, k);
	if (fin == 'M')
		return input_key(ev, KEYS_ENTER);
	if (fin >= 'p' && fin <= 'y') /* the keypad's digits */
		return input_key(ev, '0' + (fin - 'p'));
	return 0;
}

/* A byte inside CSI or SS3. */
static int
input_seq(struct input *in, unsigned char b, struct keys_event *ev)
{
	bool csi = in->state == INPUT_CSI;

	if (b == INPUT_ESCB) {
		input_begin(in, INPUT_ESC);
		return 0;
	}
	if (b == 0x7f)
		return 0; /* ignored inside a sequence */
	if (b >= 0x80) {
		/* a C1 introducer starts anew, a character is read afresh */
		input_drop(in);
		return input_ground(in, b, ev);
	}
	if (csi && in->nseq == 0 && b == '[') {
		input_seq_add(in, b);
		return 0;
	}
	if (csi && in->nseq == 1 && in->seq[0] == '[')
		return b >= 0x40 && b <= 0x7e ? input_csi(in, b, ev) : input_drop(in);
	if (b >= 0x20 && b <= 0x3f) {
		input_seq_add(in, b);
		return 0;
	}
	if (b >= 0x40 && b <= 0x7e)
		return csi ? input_csi(in, b, ev) : input_ss3(in, b, ev);
	/* a control, CAN or SUB: the sequence is broken */
	return input_drop(in);
}

static int
input_string(struct input *in, unsigned char b, struct keys_event *ev)
{
	if (in->state == INPUT_STRING_ESC) {
		if (b == '\\')
			return input_drop(in); /* ST */
		/* ESC and another byte ends the string and starts anew */
		input_begin(in, INPUT_ESC);
		return input_esc(in, b, ev);
	}
	if (b == 0x07 || b == INPUT_CAN || b == INPUT_SUB)
		return input_drop(in);
	if (b == INPUT_ESCB)
		in->state = INPUT_STRING_ESC;
	return 0;
}

static int
input_paste_byte(struct input *in, unsigned char b)
{
	if (in->npaste < INPUT_PASTE_MAX)
		in->paste[in->npaste++] = (char)b;
	else
		in->paste_bad = true;
	return 0;
}

static int
input_paste(struct input *in, unsigned char b, struct keys_event *ev)
{
	if ((char)b == input_paste_end[in->paste_end]) {
		if (++in->paste_end < sizeof input_paste_end - 1)
			return 0;
		/* the end: one event, or nothing */
		in->state = INPUT_GROUND;
		in->paste_end = 0;
		if (in->paste_bad || in->npaste == 0 ||
		    u8_check((const uint8_t *)in->paste, in->npaste) != NULL)
			return 0;
		in->out = xmalloc(in->npaste + 1);
		memcpy(in->out, in->paste, in->npaste);
		in->out[in->npaste] = '\0';
		ev->kind = KEYS_EV_PASTE;
		ev->text = in->out;
		ev->len = in->npaste;
		in->npaste = 0;
		return 1;
	}
	/* what looked like the end was text */
	for (size_t i = 0; i < in->paste_end; i++)
		input_paste_byte(in, (unsigned char)input_paste_end[i]);
	in->paste_end = 0;
	if ((char)b == input_paste_end[0]) {
		in->paste_end = 1;
		return 0;
	}
	return input_paste_byte(in, b);
}

int
input_feed(struct input *in, unsigned char b, struct keys_event *ev)
{
	memset(ev, 0, sizeof *ev);
	free(in->out);
	in->out = NULL;
	switch (in->state) {
	case INPUT_GROUND:
		return input_ground(in, b, ev);
	case INPUT_UTF8:
		return input_utf8(in, b, ev);
	case INPUT_SKIP:
		if ((b & 0xc0) == 0x80)
			return 0;
		return input_ground(in, b, ev);
	case INPUT_ESC:
		return input_esc(in, b, ev);
	case INPUT_ESC_INTER:
		if (b >= 0x20 && b <= 0x2f)
			return 0;
		if (b == INPUT_ESCB) {
			input_begin(in, INPUT_ESC);
			return 0;
		}
		return input_drop(in); /* the final byte, or a broken one */
	case INPUT_CSI:
	case INPUT_SS3:
		return input_seq(in, b, ev);
	case INPUT_X10:
		in->seq[in->nseq++] = b;
		if (in->nseq < 3)
			return 0;
		in->state = INPUT_GROUND;
		in->nseq = 0;
		return input_x10_mouse(in->seq, ev);
	case INPUT_STRING:
	case INPUT_STRING_ESC:
		return input_string(in, b, ev);
	case INPUT_PASTE:
		return input_paste(in, b, ev);
	}
	return 0;
}

int
input_timeout(struct input *in, struct keys_event *ev)
{
	enum input_state st = in->state;

	memset(ev, 0, sizeof *ev);
	free(in->out);
	in->out = NULL;
	input_drop(in);
	in->npaste = 0;
	in->paste_end = 0;
	if (st == INPUT_ESC)
		return input_key(ev, KEYS_ESC);
	return 0;
}

int
input_wait_ms(const struct input *in)
{
	switch (in->state) {
	case INPUT_GROUND:
	case INPUT_SKIP:
		return -1;
	case INPUT_PASTE:
		return INPUT_PASTE_MS;
	default:
		return INPUT_ESC_MS;
	}
}
