/*
 * syncstate-fuzzer: libFuzzer target over the sync state file's parser
 * (syncstate_parse), which the kiosk runs on a file another process
 * writes. Beyond the sanitizers it checks what the parser promises: what
 * it accepts is byte for byte what syncstate_format writes for it, its
 * error text holds no control character; what it refuses leaves nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "syncstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct syncstate s, back;
	char buf[512];
	size_t n;

	if (syncstate_parse((const char *)data, size, &s) != 0) {
		if (s.attempt != 0 || s.synced != 0 || s.central != 0 ||
		    s.failed || s.error[0] != '\0')
			abort();
		return 0;
	}
	if (s.synced > s.attempt || s.attempt < 0 || s.central < 0 ||
	    s.failed != (s.error[0] != '\0'))
		abort();
	for (const unsigned char *p = (const unsigned char *)s.error; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
	n = syncstate_format(&s, buf, sizeof buf);
	if (n != size || memcmp(buf, data, n) != 0 ||
	    syncstate_parse(buf, n, &back) != 0 ||
	    memcmp(&back, &s, sizeof s) != 0)
		abort();
	return 0;
}
