/*
 * pin: hashing and checking the staff PIN with libsodium, the delay
 * schedule after wrong PINs, and the state file that keeps them across
 * restarts (see pin.h). Owns nothing but what it returns.
 */
#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
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
pin_hash_valid(const char *hash)
{
	if (hash == NULL || sodium_init() < 0 ||
	    strlen(hash) >= crypto_pwhash_STRBYTES)
		return false;
	/* -1: not a string libsodium can parse (0 or 1: it can) */
	return crypto_pwhash_str_needs_rehash(hash,
		crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) >= 0;
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

/* ---- the state file ---- */

char *
pin_state_path(const char *configured, const char *db_path)
{
	const char *slash;

	if (configured != NULL)
		return xstrdup(configured);
	slash = db_path != NULL ? strrchr(db_path, '/') : NULL;
	if (slash == NULL)
		return xstrdup("pin-state");
	return xasprintf("%.*s/pin-state", (int)(slash - db_path), db_path);
}

static int
pin_fail(char **err, const char *path, const char *what)
{
	if (err != NULL) {
		free(*err);
		*err = xasprintf("%s: %s", path, what);
	}
	return -1;
}

/* "KEY DIGITS\n" at *p: the number (at most max), *p past it; -1 if not. */
static int
pin_state_field(const char **p, const char *end, const char *key,
		long long max, long long *v)
{
	size_t kl = strlen(key);
	const char *q = *p;
	long long x = 0;
	int digits = 0;

	if ((size_t)(end - q) < kl + 1 || memcmp(q, key, kl) != 0 || q[kl] != ' ')
		return -1;
	q += kl + 1;
	while (q < end && *q >= '0' && *q <= '9') {
		if (*q - '0' > max || x > (max - (*q - '0')) / 10)
			return -1;
		x = x * 10 + (*q - '0');
		q++;
		digits++;
	}
	/* no leading zero: the text is exactly what pin_state_format wrote */
	if (digits == 0 || digits > 19 || (digits > 1 && q[-digits] == '0') ||
	    q == end || *q != '\n')
		return -1;
	*p = q + 1;
	*v = x;
	return 0;
}

int
pin_state_parse(const char *buf, size_t n, struct pin_state *ps)
{
	static const char magic[] = "isokiosk-pin-state 1\n";
	const char *p = buf, *end = buf + n;
	long long fails, wait, locked;

	memset(ps, 0, sizeof *ps);
	if (n < sizeof magic - 1 || memcmp(p, magic, sizeof magic - 1) != 0)
		return -1;
	p += sizeof magic - 1;
	if (pin_state_field(&p, end, "fails", 1000000, &fails) != 0 ||
	    pin_state_field(&p, end, "wait_until", INT64_MAX, &wait) != 0 ||
	    pin_state_field(&p, end, "locked", 1, &locked) != 0 || p != end)
		return -1;
	ps->fails = (int)fails;
	ps->wait_until = wait;
	ps->locked = locked == 1 || fails >= PIN_LOCK_AFTER;
	return 0;
}

size_t
pin_state_format(const struct pin_state *ps, char *buf, size_t size)
{
	int n = snprintf(buf, size, "isokiosk-pin-state 1\nfails %d\n"
			 "wait_until %" PRId64 "\nlocked %d\n", ps->fails,
			 ps->wait_until, ps->locked ? 1 : 0);

	return n < 0 ? 0 : (size_t)n;
}

int
pin_state_load(const char *path, struct pin_state *ps, char **err)
{
	char buf[256];
	ssize_t n;
	struct stat st;
	int fd;

	memset(ps, 0, sizeof *ps);
	if (path == NULL)
		return 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return pin_fail(err, path, errno == ELOOP
				? "is a symbolic link" : strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pin_fail(err, path, "is not a regular file");
	}
	/* The whole file: one more byte than a state can have tells a longer
	 * one (which the parse then refuses) from one cut at the buffer. */
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0)
		return pin_fail(err, path, strerror(errno));
	if (pin_state_parse(buf, (size_t)n, ps) != 0 || (size_t)n == sizeof buf)
		return pin_fail(err, path, "damaged (not a PIN state this"
				" isokiosk wrote)");
	return 0;
}

int
pin_state_save(const char *path, const struct pin_state *ps, char **err)
{
	char buf[160];
	size_t n;

	if (path == NULL)
		return 0;
	n = pin_state_format(ps, buf, sizeof buf);
	if (afile_replace(path, buf, n, 0600) != 0)
		return pin_fail(err, path, errno == ELOOP ? "is a symbolic link"
				: strerror(errno));
	return 0;
}

int64_t
pin_wait_left(const struct pin_state *ps, int64_t now_ms)
{
	int64_t left = ps->wait_until - now_ms;
	int64_t most = (int64_t)pin_delay(ps->fails) * 1000;

	if (left <= 0)
		return 0;
	/* the clock went back: never more than the delay itself */
	return left > most ? most : left;
}

int
pin_attempt(const char *path, struct pin_state *ps, int64_t now_ms,
	    char **err)
{
	struct pin_state next = *ps;

	next.fails++;
	next.wait_until = now_ms + (int64_t)pin_delay(next.fails) * 1000;
	next.locked = next.fails >= PIN_LOCK_AFTER;
	if (pin_state_save(path, &next, err) != 0)
		return -1;
	*ps = next;
	return 0;
}

int
pin_attempt_wrong(const char *path, struct pin_state *ps, int64_t now_ms,
		  char **err)
{
	struct pin_state next = *ps;

	next.wait_until = now_ms + (int64_t)pin_delay(next.fails) * 1000;
	if (pin_state_save(path, &next, err) != 0)
		return -1;
	*ps = next;
	return 0;
}

int
pin_attempt_ok(const char *path, struct pin_state *ps, char **err)
{
	struct pin_state next = { 0 };

	if (pin_state_save(path, &next, err) != 0)
		return -1;
	*ps = next;
	return 0;
}
