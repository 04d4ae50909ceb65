/*
 * syncstate: the sync state file between `isokiosk sync` and the kiosk's
 * staff screens (see syncstate.h). Owns its format, its strict parser and
 * the staff's one-line summary; no database, no network.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <unistr.h>

#include "afile.h"
#include "i18n.h"
#include "syncstate.h"
#include "xmalloc.h"

static const char syncstate_magic[] = "isokiosk-sync 1\n";

char *
syncstate_path(const char *db)
{
	return xasprintf("%s.sync", db);
}

/* "KEY DIGITS\n" at *p: the number, *p past it; -1 if not exactly that. */
static int
syncstate_field(const char **p, const char *end, const char *key,
		int64_t *v)
{
	size_t kl = strlen(key);
	const char *q = *p;
	int64_t x = 0;
	int digits = 0;

	if ((size_t)(end - q) < kl + 1 || memcmp(q, key, kl) != 0 ||
	    q[kl] != ' ')
		return -1;
	q += kl + 1;
	while (q < end && *q >= '0' && *q <= '9') {
		if (x > (INT64_MAX - (*q - '0')) / 10)
			return -1;
		x = x * 10 + (*q - '0');
		q++;
		digits++;
	}
	if (digits == 0 || (digits > 1 && q[-digits] == '0') || q == end ||
	    *q != '\n')
		return -1;
	*p = q + 1;
	*v = x;
	return 0;
}

/* Is the error text one the writer could have written? */
static bool
syncstate_error_ok(const char *s, size_t n)
{
	if (n == 0 || n > SYNCSTATE_ERROR_MAX ||
	    u8_check((const uint8_t *)s, n) != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		/* C1 controls (U+0080..U+009F: C2 80..C2 9F) */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0)
			return false;
	}
	return true;
}

int
syncstate_parse(const char *buf, size_t n, struct syncstate *s)
{
	const char *p = buf, *end = buf + n, *nl;
	size_t ml = sizeof syncstate_magic - 1;

	memset(s, 0, sizeof *s);
	if (n < ml || memcmp(p, syncstate_magic, ml) != 0)
		return -1;
	p += ml;
	if (syncstate_field(&p, end, "attempt", &s->attempt) != 0 ||
	    syncstate_field(&p, end, "synced", &s->synced) != 0 ||
	    syncstate_field(&p, end, "central", &s->central) != 0 ||
	    s->synced > s->attempt)
		goto bad;
	if (p == end)
		return 0;
	if ((size_t)(end - p) < 6 || memcmp(p, "error ", 6) != 0)
		goto bad;
	p += 6;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL || nl + 1 != end || !syncstate_error_ok(p, (size_t)(nl - p)))
		goto bad;
	memcpy(s->error, p, (size_t)(nl - p));
	s->error[nl - p] = '\0';
	s->failed = true;
	return 0;
bad:
	memset(s, 0, sizeof *s);
	return -1;
}

size_t
syncstate_format(const struct syncstate *s, char *buf, size_t size)
{
	int n;

	if (s->failed)
		n = snprintf(buf, size, "%sattempt %" PRId64 "\nsynced %" PRId64
			     "\ncentral %" PRId64 "\nerror %s\n",
			     syncstate_magic, s->attempt, s->synced,
			     s->central, s->error);
	else
		n = snprintf(buf, size, "%sattempt %" PRId64 "\nsynced %" PRId64
			     "\ncentral %" PRId64 "\n", syncstate_magic,
			     s->attempt, s->synced, s->central);
	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

void
syncstate_set_error(struct syncstate *s, const char *text)
{
	const uint8_t *p = (const uint8_t *)(text != NULL ? text : "");
	size_t o = 0;

	s->failed = true;
	while (*p != '\0') {
		ucs4_t uc;
		int l = u8_strmbtouc(&uc, p);

		if (l > 0 && (uc == '\n' || uc == '\t' || uc == '\r')) {
			/* a line break or tab (libpq's messages have
			 * them): one space between words */
			if (o > 0 && s->error[o - 1] != ' ' &&
			    o + 1 <= SYNCSTATE_ERROR_MAX)
				s->error[o++] = ' ';
			p += l;
			continue;
		}
		if (l <= 0 || uc < 0x20 || (uc >= 0x7f && uc < 0xa0)) {
			/* not UTF-8, or a control: one '?' */
			if (o + 1 > SYNCSTATE_ERROR_MAX)
				break;
			s->error[o++] = '?';
			p += l > 0 ? l : 1;
			continue;
		}
		if (o + (size_t)l > SYNCSTATE_ERROR_MAX)
			break;
		memcpy(s->error + o, p, (size_t)l);
		o += (size_t)l;
		p += l;
	}
	while (o > 0 && s->error[o - 1] == ' ')
		o--;
	if (o == 0)
		s->error[o++] = '?';
	s->error[o] = '\0';
}

int
syncstate_load(const char *path, struct syncstate *s, char **err)
{
	char buf[512];
	ssize_t n;
	struct stat st;
	int fd;

	memset(s, 0, sizeof *s);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		*err = xasprintf("%s: %s", path, errno == ELOOP ?
				 "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*err = xasprintf("%s: is not a regular file", path);
		return -1;
	}
	/* one byte more than any state: a longer file is damaged */
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((size_t)n == sizeof buf || syncstate_parse(buf, (size_t)n, s) != 0) {
		*err = xasprintf("%s: damaged (not a sync state isokiosk"
				 " wrote)", path);
		return -1;
	}
	return 0;
}

int
syncstate_save(const char *path, const struct syncstate *s, char **err)
{
	char buf[512];
	size_t n = syncstate_format(s, buf, sizeof buf);

	if (n == 0 || afile_replace(path, buf, n, 0600) != 0) {
		*err = xasprintf("%s: %s", path, n == 0 ? "too long" :
				 errno == ELOOP ? "is a symbolic link" :
				 strerror(errno));
		return -1;
	}
	return 0;
}

/* HH:MM of t, local time; the date too when it is not today. */
static void
syncstate_when(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t, now = time(NULL);
	struct tm tm, today;

	if (localtime_r(&tt, &tm) == NULL || localtime_r(&now, &today) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, size, "%H:%M", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

char *
syncstate_summary(const struct syncstate *s, int64_t local_head)
{
	long long behind = (long long)(local_head - s->central);
	char at[32], ok[32];

	if (behind < 0)
		behind = 0; /* the local chain cut off: sync itself says so */
	syncstate_when(s->attempt, at, sizeof at);
	syncstate_when(s->synced, ok, sizeof ok);
	if (s->failed)
		return xasprintf(_("Sync failed %s, %lld behind"), at, behind);
	if (behind == 0)
		return xasprintf(_("Synced %s"), at);
	return xasprintf(_("Synced %s, %lld behind"), ok, behind);
}
