/*
 * afile: write-temp + fsync + fchown/fchmod + rename + fsync(folder) (see
 * afile.h). Owns nothing.
 */
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmalloc.h"

static char *
afile_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash == dir)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	return dir;
}

int
afile_replace(const char *path, const void *data, size_t len, mode_t mode_new)
{
	struct stat old;
	bool exists;
	char *tmp, *dir;
	const char *p = data;
	int fd, saved;

	if (lstat(path, &old) == 0) {
		if (S_ISLNK(old.st_mode)) {
			errno = ELOOP;
			return -1;
		}
		if (!S_ISREG(old.st_mode)) {
			errno = EINVAL;
			return -1;
		}
		exists = true;
	} else if (errno == ENOENT) {
		exists = false;
	} else {
		return -1;
	}
	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 && errno == EEXIST) {
		/* left by a crash of this very pid number: ours to replace */
		unlink(tmp);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			  O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	/* owner first: fchown may clear the set-id bits fchmod sets */
	if ((exists && fchown(fd, old.st_uid, old.st_gid) != 0) ||
	    fchmod(fd, exists ? old.st_mode & 07777 : mode_new) != 0)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	free(tmp);
	dir = afile_dir(path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}
