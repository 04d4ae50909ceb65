/*
 * afile: replacing a small file atomically (the configuration, the PIN
 * state): the old contents or the new, never half, and the file the kiosk
 * runs with keeps the owner, group and mode it had: `staff set-pin` or
 * `staff unlock` run as root must not leave a file root:root 0600 that the
 * kiosk user can no longer read (a restart loop).
 */
#ifndef ISOKIOSK_AFILE_H
#define ISOKIOSK_AFILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Write len bytes of data as path: to a new file beside it, synced, then
 * renamed over it, and the folder synced. An existing path keeps its owner,
 * group and mode (changing the owner needs root: when that is refused, so
 * is the write); a new one gets mode_new and the writer's owner. A path that
 * is a symbolic link, or exists and is not a regular file, is refused
 * (ELOOP, EINVAL). 0, or -1 with errno (and nothing changed).
 */
int afile_replace(const char *path, const void *data, size_t len,
		  mode_t mode_new);

#endif
