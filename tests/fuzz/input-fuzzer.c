/*
 * input-fuzzer: libFuzzer target over the terminal input parser (input.c).
 *
 * The input is the bytes a terminal (or anyone writing to it) sends; a byte
 * 0xFF stands for time passing without a byte (input_timeout) instead (it is
 * never valid UTF-8 and means nothing in any sequence, so nothing is lost:
 * 0xFE takes the same paths). Beyond the sanitizers it checks the parser's
 * promises: a key is a code point (never a C1 control, a surrogate, NUL, DEL
 * or BS) or a keys_code; a paste is non-empty valid UTF-8 of at most
 * INPUT_PASTE_MAX bytes; a mouse event a button 1-5 at a cell >= 0; and
 * after any input and a wait, the next key is read as itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct keys_event *ev)
{
	switch (ev->kind) {
	case KEYS_EV_KEY:
		if (ev->key >= KEYS_UP && ev->key < KEYS_UNKNOWN)
			break;
		if (ev->key <= 0 || ev->key > 0x10ffff || ev->key == 0x7f ||
		    ev->key == 0x08 || (ev->key >= 0x80 && ev->key < 0xa0) ||
		    (ev->key >= 0xd800 && ev->key < 0xe000))
			abort();
		break;
	case KEYS_EV_PASTE:
		if (ev->text == NULL || ev->len == 0 || ev->len > INPUT_PASTE_MAX ||
		    ev->text[ev->len] != '\0' ||
		    u8_check((const uint8_t *)ev->text, ev->len) != NULL)
			abort();
		break;
	case KEYS_EV_MOUSE:
		if (ev->button < 1 || ev->button > 5 || ev->x < 0 || ev->y < 0)
			abort();
		break;
	default:
		abort(); /* the parser makes no ticks or resizes */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	struct keys_event ev;

	input_init(&in);
	for (size_t i = 0; i < size; i++) {
		int r = data[i] == 0xff ? input_timeout(&in, &ev)
					: input_feed(&in, data[i], &ev);

		if (r)
			fuzz_check(&ev);
		if (input_wait_ms(&in) < -1)
			abort();
	}
	if (input_timeout(&in, &ev))
		fuzz_check(&ev);
	if (input_wait_ms(&in) != -1)
		abort();
	if (input_feed(&in, 'z', &ev) != 1 || ev.kind != KEYS_EV_KEY ||
	    ev.key != 'z')
		abort();
	input_done(&in);
	return 0;
}
