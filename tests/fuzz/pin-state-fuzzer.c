/*
 * pin-state-fuzzer: libFuzzer target over the PIN state file's parser
 * (pin_state_parse). Beyond the sanitizers it checks what the parser
 * promises: what it accepts has its numbers in range, is locked at
 * PIN_LOCK_AFTER wrong PINs, and is byte for byte what pin_state_format
 * writes for it (the lock flag aside, which ten wrong PINs set); what it
 * refuses leaves no state behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pin_state ps, back;
	char buf[160];
	size_t n;

	if (pin_state_parse((const char *)data, size, &ps) != 0) {
		if (ps.fails != 0 || ps.wait_until != 0 || ps.locked)
			abort();
		return 0;
	}
	if (ps.fails < 0 || ps.fails > 1000000 || ps.wait_until < 0 ||
	    (ps.fails >= PIN_LOCK_AFTER && !ps.locked))
		abort();
	n = pin_state_format(&ps, buf, sizeof buf);
	if (n == 0 || n >= sizeof buf || pin_state_parse(buf, n, &back) != 0 ||
	    back.fails != ps.fails || back.wait_until != ps.wait_until ||
	    back.locked != ps.locked)
		abort();
	/* the same text, but for a lock flag of 0 that ten wrong PINs set */
	if (n != size || (memcmp(buf, data, n - 2) != 0 ||
			  (buf[n - 2] != (char)data[n - 2] &&
			   !(data[n - 2] == '0' && ps.fails >= PIN_LOCK_AFTER))))
		abort();
	return 0;
}
