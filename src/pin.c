/*
 * pin: hashing and checking the staff PIN with libsodium, and the delay
 * schedule after wrong PINs. Owns nothing.
 */
#include "pin.h"

#include <sodium.h>
#include <string.h>

#include "xmalloc.h"

bool
pin_valid(const char *pin)
{
	size_t n = strlen(pin);

	if (n < PIN_MIN_LEN || n > PIN_MAX_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

char *
pin_hash(const char *pin)
{
	char out[crypto_pwhash_STRBYTES];

	if (sodium_init() < 0)
		return NULL;
	if (crypto_pwhash_str(out, pin, strlen(pin),
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return NULL;
	return xstrdup(out);
}

bool
pin_verify(const char *hash, const char *pin, size_t len)
{
	if (hash == NULL || sodium_init() < 0)
		return false;
	return crypto_pwhash_str_verify(hash, pin, len) == 0;
}

int
pin_delay(int failures)
{
	int d = 1;

	if (failures < 1)
		return 0;
	for (int i = 1; i < failures && d < 300; i++)
		d *= 2;
	return d > 300 ? 300 : d;
}

void
pin_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
