/*
 * input: the bytes a terminal sends → keys.h events. Pure (no curses, no
 * I/O): the terminal module feeds it bytes as they arrive and tells it when
 * time passed without one; fuzzable.
 *
 * Escape sequences are parsed whole, by the grammar of ECMA-48 and xterm
 * ("ctlseqs"), never split into keys:
 *   - CSI (ESC [ or C1 U+009B): the cursor, editing and function keys in
 *     every form xterm, VTE, foot, tmux and the Linux console send
 *     (CSI A, CSI 1;5A, CSI 5~, CSI [A, ...); a modifier on such a key is
 *     ignored (Ctrl-Right is Right). SGR 1006 mouse reports (CSI < b;x;y M)
 *     and X10 ones (CSI M and three bytes) become mouse presses and wheel
 *     turns; releases and motion are dropped.
 *   - SS3 (ESC O): the cursor and F1-F4 keys of keypad-transmit mode.
 *   - modifyOtherKeys (CSI 27;m;c ~) and CSI u (CSI c;m u): the character c
 *     when the modifier is none or Shift; with Ctrl, Alt or Meta, dropped.
 *   - bracketed paste (CSI 200~ ... CSI 201~): one KEYS_EV_PASTE event
 *     with the text, which is valid UTF-8 (a paste that is not, or is longer
 *     than INPUT_PASTE_MAX bytes, is dropped whole).
 *   - OSC, DCS, SOS, PM, APC strings (to BEL or ST), ESC with intermediates,
 *     Alt+key (ESC and a character), focus reports, cursor position reports
 *     and every CSI not listed above: dropped.
 * A sequence broken by a control its grammar does not allow is dropped
 * with that control; ESC, or a C1 introducer, starts a new one; CAN and SUB
 * cancel one; a non-ASCII byte ends it and is read afresh. A string ends
 * only at BEL or ESC \ (a raw 0x9C may be part of a UTF-8 character). A
 * sequence longer than INPUT_SEQ_MAX bytes is dropped (read to its end, not
 * held). A C1 control, as UTF-8 (U+0080..U+009F) or as a stray byte
 * 0x80..0x9F, is the 8-bit form of its ESC sequence; no C1 control is ever a
 * key. The continuation bytes after an invalid lead byte (0xC0, 0xC1,
 * 0xF5..0xFF) are dropped with it.
 *
 * Single bytes: UTF-8 characters are keys (their code point); an invalid or
 * cut-short sequence is dropped; DEL and BS are KEYS_BACKSPACE; CR and LF
 * stay '\r' and '\n'; other C0 controls (Ctrl-C, Ctrl-Z, ...) are keys that
 * mean nothing (keys.c maps none of them); NUL is dropped.
 *
 * Time: a lone ESC is the Esc key once INPUT_ESC_MS pass without another
 * byte; an unfinished sequence is dropped then (a paste after
 * INPUT_PASTE_MS without a byte). input_wait_ms says how long to wait.
 */
#ifndef ISOKIOSK_INPUT_H
#define ISOKIOSK_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

#define INPUT_ESC_MS 50       /* a lone ESC becomes the Esc key */
#define INPUT_PASTE_MS 1000   /* a paste that stops arriving is dropped */
#define INPUT_SEQ_MAX 256     /* bytes of one escape sequence kept */
#define INPUT_PASTE_MAX 4096  /* bytes of one paste */

enum input_state {
	INPUT_GROUND,
	INPUT_UTF8,      /* inside a multi-byte character */
	INPUT_SKIP,      /* after an invalid byte: its continuation bytes */
	INPUT_ESC,       /* after ESC */
	INPUT_ESC_INTER, /* ESC and intermediates: until a final byte */
	INPUT_CSI,       /* parameters and intermediates: until a final byte */
	INPUT_SS3,
	INPUT_X10,       /* the three bytes of an X10 mouse report */
	INPUT_STRING,    /* OSC, DCS, SOS, PM, APC: until BEL or ST */
	INPUT_STRING_ESC,/* ESC inside a string: ST if '\\' follows */
	INPUT_PASTE,     /* inside a bracketed paste */
};

struct input {
	enum input_state state;
	unsigned char seq[INPUT_SEQ_MAX]; /* the sequence so far (after the
					     introducer) */
	size_t nseq;
	bool overlong;      /* the sequence outgrew seq: dropped at its end */
	unsigned utf8_need; /* continuation bytes still to come */
	unsigned cp;        /* the code point being decoded */
	unsigned cp_min;    /* smallest code point for this length (overlong) */
	bool alt;           /* the character follows ESC (Alt): dropped */
	char *paste;        /* the paste being read (INPUT_PASTE_MAX + 1) */
	size_t npaste;
	size_t paste_end;   /* bytes of "\033[201~" matched so far */
	bool paste_bad;     /* too long: dropped at its end */
	char *out;          /* the text of the last paste event delivered */
};

void input_init(struct input *in);
void input_done(struct input *in);

/*
 * Feed one byte. Returns 1 with *ev filled when it completes an event
 * (KEY, MOUSE or PASTE), else 0. A PASTE event's text (ev->text, ev->len)
 * belongs to in and stays valid until the next call.
 */
int input_feed(struct input *in, unsigned char byte, struct keys_event *ev);

/*
 * Time passed without a byte (at least input_wait_ms). Returns 1 with the
 * Esc key when a lone ESC was pending, else 0 (an unfinished sequence or
 * paste is dropped).
 */
int input_timeout(struct input *in, struct keys_event *ev);

/* -1: nothing pending (wait as long as you like); else how many
 * milliseconds to wait for the next byte before calling input_timeout. */
int input_wait_ms(const struct input *in);

#endif
