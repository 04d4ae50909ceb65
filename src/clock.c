/*
 * clock: stored UTC times shown to people in the kiosk's time zone, with the
 * offset always written out (clock.h says why). glibc does the zone rules
 * (tzset, localtime_r, tm_gmtoff); this file only chooses the zone, refuses
 * names glibc would silently read as UTC, and reads and writes the forms.
 */
#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

static bool
clock_is_utc(const char *name)
{
	return strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
}

/* An IANA name: letters, digits, _ + - in parts joined by '/', none of them
 * "." or "..", not absolute: a path into the zone folder, never out of it. */
static bool
clock_name_ok(const char *name)
{
	const char *p = name;

	if (*p == '\0' || *p == '/' || strlen(name) > 255)
		return false;
	while (*p) {
		const char *part = p;

		while (*p && *p != '/') {
			char c = *p++;

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '+' ||
			      c == '-' || c == '.'))
				return false;
		}
		if (p == part || (p - part == 1 && part[0] == '.') ||
		    (p - part == 2 && part[0] == '.' && part[1] == '.'))
			return false;
		if (*p == '/' && *++p == '\0')
			return false;
	}
	return true;
}

bool
clock_zone_known(const char *name)
{
	const char *dir = getenv("TZDIR");
	char magic[4];
	struct stat sb;
	bool ok;
	char *path;
	int fd;

	if (name == NULL || !clock_name_ok(name))
		return false;
	if (clock_is_utc(name))
		return true;
	if (dir == NULL || *dir == '\0')
		dir = "/usr/share/zoneinfo";
	path = xasprintf("%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return false;
	ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	     read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	     memcmp(magic, "TZif", 4) == 0;
	close(fd);
	return ok;
}

int
clock_set_zone(const char *name, char **err)
{
	if (!clock_zone_known(name)) {
		if (err != NULL)
			*err = xstrdup("unknown time zone: give an IANA name such as "
				       "Asia/Tokyo or UTC (the zones are in "
				       "/usr/share/zoneinfo, Debian package tzdata)");
		return -1;
	}
	if (setenv("TZ", name, 1) != 0) {
		if (err != NULL)
			*err = xasprintf("cannot set the time zone: %s",
					 strerror(errno));
		return -1;
	}
	tzset();
	return 0;
}

int64_t
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_day_start(int64_t ms)
{
	time_t t = (time_t)(ms / 1000), start;
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return ms - ms % 86400000;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1; /* the zone's rule for that midnight */
	start = mktime(&tm);
	if (start == (time_t)-1 || start > t)
		return ms - ms % 86400000;
	return (int64_t)start * 1000;
}

/* n decimal digits at s into *v; false if any is not a digit. */
static bool
clock_digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

int
clock_parse_utc(const char *s, int64_t *ms)
{
	struct tm tm = { 0 }, back;
	int y, mo, d, h, mi, sec, milli = 0;
	size_t n = strlen(s);
	time_t t;

	/* 2026-12-06T18:06:03Z (20) or 2026-12-06T18:06:03.123Z (24) */
	if ((n != 20 && n != 24) || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n - 1] != 'Z' ||
	    (n == 24 && s[19] != '.'))
		return -1;
	if (!clock_digits(s, 4, &y) || !clock_digits(s + 5, 2, &mo) ||
	    !clock_digits(s + 8, 2, &d) || !clock_digits(s + 11, 2, &h) ||
	    !clock_digits(s + 14, 2, &mi) || !clock_digits(s + 17, 2, &sec) ||
	    (n == 24 && !clock_digits(s + 20, 3, &milli)))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	/* timegm normalises 2026-02-30 to March: such a date is not a time. */
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL ||
	    back.tm_mday != d || back.tm_mon != mo - 1)
		return -1;
	*ms = (int64_t)t * 1000 + milli;
	return 0;
}

char *
clock_format(int64_t ms, enum clock_form f, char *out)
{
	static const char *const fmt[] = {
		[CLOCK_MINUTE] = "%Y-%m-%d %H:%M ",
		[CLOCK_SECOND] = "%Y-%m-%d %H:%M:%S ",
		[CLOCK_DATE] = "%Y-%m-%d",
		[CLOCK_ISO] = "%Y-%m-%dT%H:%M:%S.",
	};
	int64_t secs = ms / 1000, milli = ms % 1000;
	time_t t;
	struct tm tm;
	long off;
	size_t n;
	char *p;

	if (milli < 0) {
		milli += 1000;
		secs--;
	}
	t = (time_t)secs;
	if (localtime_r(&t, &tm) == NULL ||
	    (n = strftime(out, CLOCK_MAX - 10, fmt[f], &tm)) == 0) {
		snprintf(out, CLOCK_MAX, "(time out of range)");
		return out;
	}
	if (f == CLOCK_DATE)
		return out;
	p = out + n;
	if (f == CLOCK_ISO) {
		*p++ = (char)('0' + milli / 100);
		*p++ = (char)('0' + milli / 10 % 10);
		*p++ = (char)('0' + milli % 10);
	}
	/* The offset as +hh:mm, always: "Z" or a bare time can be misread. */
	off = tm.tm_gmtoff;
	*p++ = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	off /= 60;
	*p++ = (char)('0' + off / 600 % 10);
	*p++ = (char)('0' + off / 60 % 10);
	*p++ = ':';
	*p++ = (char)('0' + off % 60 / 10);
	*p++ = (char)('0' + off % 10);
	*p = '\0';
	return out;
}

char *
clock_format_utc(const char *s, enum clock_form f, char *out)
{
	int64_t ms;

	if (clock_parse_utc(s, &ms) != 0)
		return NULL;
	return clock_format(ms, f, out);
}
