/*
 * pin: the staff PIN. Only its hash is stored (libsodium crypto_pwhash_str,
 * Argon2id, "interactive" limits), and wrong guesses slow down: the delay
 * doubles with each failure so that guessing at the kiosk is hopeless, and
 * after PIN_LOCK_AFTER wrong PINs in a row the PIN is locked until
 * `isokiosk staff unlock` (root, from a shell).
 *
 * The wrong PINs, the wait and the lock live in a state file (mode 0600,
 * replaced atomically, owner and mode kept: afile.h), so that no restart
 * (a crash, systemd, pulling the plug) forgets them. Each PIN is counted
 * as wrong, and that saved, before it is checked; a right one then sets
 * the count back to 0. A PIN is never checked when the count cannot be
 * saved, nor when the state file cannot be read: both fail closed.
 *
 *     isokiosk-pin-state 1
 *     fails 3
 *     wait_until 1795244403000      ms since 1970 (wall clock)
 *     locked 0
 */
#ifndef ISOKIOSK_PIN_H
#define ISOKIOSK_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PIN_MIN_LEN 6
#define PIN_MAX_LEN 16
#define PIN_LOCK_AFTER 10 /* wrong PINs in a row */

/* A PIN is PIN_MIN_LEN..PIN_MAX_LEN digits. */
bool pin_valid(const char *pin);
/* The hash to store (crypto_pwhash_str); caller frees. NULL if libsodium
 * cannot start or runs out of memory. */
char *pin_hash(const char *pin);
/* A hash pin_verify can check (libsodium's own parser says so). */
bool pin_hash_valid(const char *hash);
/* The PIN matches the stored hash. */
bool pin_verify(const char *hash, const char *pin, size_t len);
/* Seconds to wait after the nth wrong PIN in a row (n >= 1): 1, 2, 4, 8, ...
 * up to 300. */
int pin_delay(int failures);
/* Wipe memory that held a PIN (never optimised away). */
void pin_wipe(void *p, size_t n);

struct pin_state {
	int fails;           /* wrong PINs in a row */
	int64_t wait_until;  /* ms since 1970: no PIN is checked before */
	bool locked;         /* PIN_LOCK_AFTER wrong: only staff unlock */
};

/*
 * The state file: configured (pin_state = ...), else "pin-state" in the
 * folder of the records database db_path (the kiosk and `staff unlock`
 * share this rule). Caller frees.
 */
char *pin_state_path(const char *configured, const char *db_path);

/* Parse a state file's n bytes exactly as pin_state_format writes them
 * (no other spacing, no sign, numbers in range): 0, or -1 (ps zeroed). */
int pin_state_parse(const char *buf, size_t n, struct pin_state *ps);
/* Write ps as the file holds it into buf (NUL-terminated); its length. */
size_t pin_state_format(const struct pin_state *ps, char *buf, size_t size);

/* Read the state: 0 (a missing file is no wrong PIN yet), or -1 with *err
 * (caller frees) for a file that cannot be read or is damaged. */
int pin_state_load(const char *path, struct pin_state *ps, char **err);
/* Write it (0600 when new). 0, or -1 with *err. */
int pin_state_save(const char *path, const struct pin_state *ps, char **err);

/* Milliseconds left to wait at now_ms (0: a PIN may be entered). */
int64_t pin_wait_left(const struct pin_state *ps, int64_t now_ms);

/*
 * Before a PIN is checked: count it as wrong, with its wait and, at
 * PIN_LOCK_AFTER, the lock, and save that (path NULL: kept in ps only,
 * for tests). -1 with *err when it cannot be saved: then the PIN must not
 * be checked.
 */
int pin_attempt(const char *path, struct pin_state *ps, int64_t now_ms,
		char **err);
/* The PIN was wrong: its wait counts from now_ms (checking it took time),
 * saved. -1 with *err when it cannot be (the wait from pin_attempt stays). */
int pin_attempt_wrong(const char *path, struct pin_state *ps, int64_t now_ms,
		      char **err);
/* The PIN was right: no wrong PINs, saved. */
int pin_attempt_ok(const char *path, struct pin_state *ps, char **err);

#endif
