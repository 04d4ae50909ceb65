/*
 * checkpoint-fuzzer: libFuzzer target over the checkpoint line parser
 * (identity_checkpoint_parse). Beyond the sanitizers it checks what the
 * parser promises: what it accepts is exactly the line the writer makes
 * for its fields (one form per checkpoint: the kiosk id re-encoded, the
 * numbers and hex written back give the input byte for byte, a trailing
 * CR aside), and the signed part is the line up to its signature; what it
 * refuses leaves nothing allocated and says where.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct identity_checkpoint cp;
	char *err = NULL, sig[IDENTITY_SIG_HEX], buf[1024];
	size_t n = 0, len = size;

	if (identity_checkpoint_parse((const char *)data, size, &cp,
				      &err) != 0) {
		if (err == NULL || strncmp(err, "column ", 7) != 0 ||
		    cp.kiosk != NULL || cp.signed_part != NULL)
			abort();
		free(err);
		return 0;
	}
	if (len > 0 && data[len - 1] == '\r')
		len--;
	n += (size_t)snprintf(buf, sizeof buf, "isokiosk-checkpoint 1 ");
	for (const unsigned char *p = (const unsigned char *)cp.kiosk; *p;
	     p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~')
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n, "%%%02X",
					      *p);
		if (n > 600)
			abort();
	}
	identity_hex(cp.sig, 64, sig);
	n += (size_t)snprintf(buf + n, sizeof buf - n, " %lld %s %s %s",
			      (long long)cp.seq, cp.head, cp.at, cp.pk_hex);
	if (strcmp(buf, cp.signed_part) != 0)
		abort();
	n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", sig);
	if (n != len || memcmp(buf, data, n) != 0)
		abort();
	identity_checkpoint_done(&cp);
	return 0;
}
