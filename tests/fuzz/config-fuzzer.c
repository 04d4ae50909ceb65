/*
 * config-fuzzer: libFuzzer target over the files an admin or a clinic edits:
 * the kiosk's configuration (config_parse) and content/clinic.conf
 * (decode_bytes, then clinic_parse).
 *
 * The first byte picks the file (even: configuration, odd: clinic.conf);
 * the rest is the file. Beyond the sanitizers it checks what each promises:
 * a configuration's values are in range, its kiosk_id is what the input gate
 * lets through, its staff_pin_hash one libsodium can check, and no
 * diagnostic holds a control character (values are quoted through the
 * output gate); a clinic.conf's keys are [a-z0-9_]+, its languages 2 or 3
 * letters, and its values hold no control character (decode refuses them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "clinic.h"
#include "config.h"
#include "decode.h"
#include "diag.h"
#include "ingate.h"
#include "pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No control character, no C1, valid UTF-8. */
static void
fuzz_clean_text(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s);

	if (u8_check(p, n) != NULL)
		abort();
	while (*p != '\0') {
		ucs4_t c;

		p += u8_mbtouc_unsafe(&c, p, n);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			abort();
	}
}

static void
fuzz_config(const char *text)
{
	struct config c;
	struct diag_list dl;

	config_init(&c);
	diag_list_init(&dl);
	config_parse(&c, "fuzz.conf", text, &dl);
	if (c.idle_timeout < 5 || c.idle_timeout > 86400 ||
	    c.idle_warning < 1 || c.idle_warning > 600 ||
	    c.ambiguous < 0 || c.ambiguous > 2)
		abort();
	if (!ingate_is_clean(INGATE_KIOSK, c.kiosk_id, 0, NULL))
		abort();
	if (c.pin_hash != NULL && !pin_hash_valid(c.pin_hash))
		abort();
	if (c.pin_state != NULL && c.pin_state[0] != '/')
		abort();
	if (c.language == NULL || c.language[0] == '\0' ||
	    strspn(c.language, "abcdefghijklmnopqrstuvwxyz-") != strlen(c.language))
		abort();
	for (size_t i = 0; i < dl.n; i++)
		fuzz_clean_text(dl.v[i].message);
	diag_list_done(&dl);
	config_done(&c);
}

static void
fuzz_clinic(const uint8_t *data, size_t size)
{
	struct decode_text t;
	struct diag_list dl;

	diag_list_init(&dl);
	if (decode_bytes("clinic.conf", data, size, &t, &dl) == 0) {
		struct content_values *cv =
			clinic_parse("clinic.conf", t.text, t.len, &dl);

		for (size_t i = 0; i < cv->n; i++) {
			const struct content_values_entry *e = &cv->v[i];
			size_t kl = strlen(e->key);

			if (kl == 0 || strspn(e->key, "abcdefghijklmnopqrstuvwxyz"
					      "0123456789_") != kl)
				abort();
			if (e->lang != NULL && (strlen(e->lang) < 2 ||
						strlen(e->lang) > 3))
				abort();
			/* tabs are allowed in a value; other controls never */
			for (const char *p = e->value; *p; p++)
				if ((unsigned char)*p < 0x20 && *p != '\t')
					abort();
			if (clinic_get(cv, e->key, kl, e->lang) == NULL)
				abort();
		}
		clinic_free(cv);
		decode_text_done(&t);
	}
	diag_list_done(&dl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		fuzz_clinic(data + 1, size - 1);
		return 0;
	}
	/* config_load refuses a NUL (it would end the text); parse up to it */
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	fuzz_config(text);
	free(text);
	return 0;
}
