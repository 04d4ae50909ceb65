/*
 * clock: one clock for people. The records keep UTC (store.h:
 * "2026-12-06T18:06:03.123Z"); everything shown to a person (the kiosk's
 * screens, `records list|show`, CSV, the patient's copy) is in the kiosk's
 * time zone with its offset, "2026-12-07 03:06 +09:00", so that a time on
 * paper, on the screen and in a shell always agree and can never be read in
 * the wrong zone. FHIR keeps full ISO 8601 with the offset.
 *
 * The zone is chosen once, at start-up, before any thread: clock_set_zone()
 * with the configured name (an IANA name such as "Asia/Tokyo"), else the
 * process's own ($TZ, else the system's /etc/localtime, else UTC).
 */
#ifndef ISOKIOSK_CLOCK_H
#define ISOKIOSK_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

enum clock_form {
	CLOCK_MINUTE, /* 2026-12-07 03:06 +09:00 (screens, lists) */
	CLOCK_SECOND, /* 2026-12-07 03:06:03 +09:00 (records show) */
	CLOCK_DATE,   /* 2026-12-07 (the local calendar day) */
	CLOCK_ISO,    /* 2026-12-07T03:06:03.123+09:00 (FHIR, CSV) */
};

/* Enough for every form, with its NUL. */
#define CLOCK_MAX 40

/*
 * Use the IANA zone name (e.g. "Asia/Tokyo", "UTC") for everything shown
 * from now on. The name must be a zone this machine knows (a TZif file
 * under $TZDIR or /usr/share/zoneinfo; "UTC" always): glibc would otherwise
 * fall back to UTC in silence and every time shown would be off by hours.
 * Returns 0, or -1 with *err saying why (caller frees). Not thread-safe:
 * call it at start-up.
 */
int clock_set_zone(const char *name, char **err);

/* Is name a zone clock_set_zone accepts? */
bool clock_zone_known(const char *name);

/* The first millisecond of the local calendar day (in the zone) that
 * holds ms: "today" for a list of today's sessions. */
int64_t clock_day_start(int64_t ms);

/* Milliseconds since the Unix epoch, now (UTC). */
int64_t clock_now_ms(void);

/*
 * Read a stored UTC time ("2026-12-06T18:06:03.123Z", or without the
 * milliseconds) into *ms. Returns 0, or -1 if s is not in that form (a
 * value of a damaged or tampered database: callers show it escaped, never
 * guess).
 */
int clock_parse_utc(const char *s, int64_t *ms);

/* ms in the zone, in form f, into out (CLOCK_MAX bytes); returns out. */
char *clock_format(int64_t ms, enum clock_form f, char *out);

/* A stored UTC time in form f into out (CLOCK_MAX bytes). Returns out, or
 * NULL (out untouched) if s is not a stored UTC time. */
char *clock_format_utc(const char *s, enum clock_form f, char *out);

#endif
