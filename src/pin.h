/*
 * pin: the staff PIN. Only its hash is stored (libsodium crypto_pwhash_str,
 * Argon2id, "interactive" limits), and wrong guesses slow down: the delay
 * doubles with each failure so that guessing at the kiosk is hopeless.
 */
#ifndef ISOKIOSK_PIN_H
#define ISOKIOSK_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define PIN_MIN_LEN 4
#define PIN_MAX_LEN 16

/* A PIN is PIN_MIN_LEN..PIN_MAX_LEN digits. */
bool pin_valid(const char *pin);
/* The hash to store (crypto_pwhash_str); caller frees. NULL if libsodium
 * cannot start or runs out of memory. */
char *pin_hash(const char *pin);
/* The PIN matches the stored hash. */
bool pin_verify(const char *hash, const char *pin, size_t len);
/* Seconds to wait after the nth wrong PIN in a row (n >= 1): 1, 2, 4, 8, ...
 * up to 300. */
int pin_delay(int failures);
/* Wipe memory that held a PIN (never optimised away). */
void pin_wipe(void *p, size_t n);

#endif
