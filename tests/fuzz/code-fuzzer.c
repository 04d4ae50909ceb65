/*
 * code-fuzzer: libFuzzer target over what staff type or scan to name a
 * session (store_code_digits, store_find_session) against a small store of
 * sealed sessions. Checks what store.h promises: a code is refused with a
 * message or read as 8 to 64 lower-case hex digits; a look-up returns 0 with
 * the id of a session whose seal starts with those digits (or the id typed),
 * 1 or -1 with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CODE_FUZZ_CHECK(cond)                                                 \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "code-fuzzer: %s fails\n", #cond);   \
			abort();                                              \
		}                                                             \
	} while (0)

#define CODE_FUZZ_SESSIONS 12

static struct store *code_fuzz_store;
static char code_fuzz_seals[CODE_FUZZ_SESSIONS + 1][65];

/* A store of a few sealed sessions, made once in a temporary folder. */
static void
code_fuzz_init(void)
{
	char tmpl[] = "/tmp/code-fuzzer-XXXXXX";
	char *dir = mkdtemp(tmpl), *path, *err = NULL;
	struct store_start s = { .kiosk_id = "k", .staff_id = "nurse",
		.patient_ref = "P", .profile = "no-pregnancy", .lang = "ja",
		.content_version = "0123456789abcdef0123456789abcdef"
				   "0123456789abcdef0123456789abcdef" };

	CODE_FUZZ_CHECK(dir != NULL);
	path = xasprintf("%s/records.db", dir);
	code_fuzz_store = store_open(path, NULL, &err);
	CODE_FUZZ_CHECK(code_fuzz_store != NULL);
	for (int i = 1; i <= CODE_FUZZ_SESSIONS; i++) {
		struct store_session ss;
		int64_t id;

		CODE_FUZZ_CHECK(store_session_begin(code_fuzz_store, &s, &id,
						    &err) == 0);
		CODE_FUZZ_CHECK(id == i);
		CODE_FUZZ_CHECK(store_session_end(code_fuzz_store, id,
						  STORE_ABANDONED, NULL,
						  &err) == 0);
		store_session_init(&ss);
		CODE_FUZZ_CHECK(store_session_get(code_fuzz_store, id, &ss,
						  &err) == 0);
		memcpy(code_fuzz_seals[i], ss.seal_hash, 65);
		store_session_done(&ss);
	}
	/* The store stays open for the process; its files go now. */
	unlink(path);
	free(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in, digits[65], *err = NULL;
	int64_t id = -1;
	int n, rc;

	if (code_fuzz_store == NULL)
		code_fuzz_init();
	in = xmalloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0'; /* what a command line or a form can hold */

	n = store_code_digits(in, digits, &err);
	if (n < 0) {
		CODE_FUZZ_CHECK(err != NULL && strchr(err, '\n') == NULL);
		free(err);
		err = NULL;
	} else {
		CODE_FUZZ_CHECK(err == NULL);
		CODE_FUZZ_CHECK(n >= STORE_CODE_MIN && n <= 64);
		CODE_FUZZ_CHECK(strlen(digits) == (size_t)n);
		CODE_FUZZ_CHECK(strspn(digits, "0123456789abcdef") ==
				(size_t)n);
	}

	rc = store_find_session(code_fuzz_store, in, &id, &err);
	CODE_FUZZ_CHECK(rc >= -1 && rc <= 1);
	if (rc == 0) {
		bool ok;

		CODE_FUZZ_CHECK(id >= 1 && id <= CODE_FUZZ_SESSIONS);
		/* the id typed, a code that starts its seal, or its QR */
		ok = strtoll(in, NULL, 10) == id ||
		     (n > 0 && strncmp(code_fuzz_seals[id], digits,
				       (size_t)n) == 0) ||
		     strstr(in, code_fuzz_seals[id]) != NULL;
		CODE_FUZZ_CHECK(ok);
	} else {
		CODE_FUZZ_CHECK(err != NULL && strchr(err, '\n') == NULL);
	}
	free(err);
	free(in);
	return 0;
}
