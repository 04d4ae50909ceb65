/*
 * syncstate: how far the central copy is behind this kiosk, as the sync
 * process last saw it, for the kiosk's staff screens (the kiosk never
 * talks to the central store itself: `isokiosk sync` writes this small
 * file beside the database after every attempt, the kiosk reads it).
 *
 * The file, DB.sync (the database's path with ".sync" added), written
 * whole and atomically (afile.h), exactly:
 *
 *     isokiosk-sync 1
 *     attempt T       the last attempt (Unix seconds)
 *     synced T        the last attempt that succeeded (0: none yet)
 *     central N       the central copy's last link of this kiosk, as last
 *                     known (0: none)
 *     error TEXT      only when the last attempt failed: why (one line,
 *                     printable UTF-8, at most SYNCSTATE_ERROR_MAX bytes)
 *
 * Numbers in decimal without sign or leading zero. How far behind: the
 * local chain's head now minus `central`.
 */
#ifndef ISOKIOSK_SYNCSTATE_H
#define ISOKIOSK_SYNCSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNCSTATE_ERROR_MAX 240

struct syncstate {
	int64_t attempt, synced, central;
	bool failed;
	char error[SYNCSTATE_ERROR_MAX + 1]; /* "" unless failed */
};

/* DB + ".sync"; caller frees. */
char *syncstate_path(const char *db);

/* Parse exactly what syncstate_format writes: 0, or -1 (s zeroed). */
int syncstate_parse(const char *buf, size_t n, struct syncstate *s);

/* The file's text into buf; its length (0 if it does not fit). */
size_t syncstate_format(const struct syncstate *s, char *buf, size_t size);

/* Set s's error from any text: a line break or tab becomes one space
 * between words, other control characters and bytes that are not UTF-8
 * become '?', cut (on a character boundary) to the maximum. */
void syncstate_set_error(struct syncstate *s, const char *text);

/* Read path: 0 read, 1 no such file (sync not set up), -1 damaged or
 * unreadable (*err says which; caller frees). */
int syncstate_load(const char *path, struct syncstate *s, char **err);

/* Replace path with s, atomically: 0, or -1 with *err. */
int syncstate_save(const char *path, const struct syncstate *s, char **err);

/*
 * A few words for the staff screens' header (translated; caller frees):
 * "Synced 14:02", "Synced 14:02, 12 behind", "Sync failed 14:05, 12
 * behind" (links of the local chain the central copy does not have yet;
 * local_head is the chain's length now). Times in local time, with the
 * date when not today. Why it failed: s->error.
 */
char *syncstate_summary(const struct syncstate *s, int64_t local_head);

#endif
