// SPDX-License-Identifier: BSD-2-Clause
/*
 * Directory streams over a descriptor opened with O_DIRECTORY: readdir
 * asks the kernel for one entry at a time (sys_readdir) (the file position counts
 * entries), rewinddir seeks back to entry 0.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <generated/syscalls.h>

struct vireo_dir {
	int fd;
	struct dirent ent;
};

DIR *fdopendir(int fd)
{
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return d;
}

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
	int r;

	*result = NULL;
	if (!d)
		return EBADF;
	r = (int)sys_readdir(d->fd, entry);
	if (r < 0)
		return -r;
	if (r == 0)
		return 0;
	*result = entry;
	return 0;
}

struct dirent *readdir(DIR *d)
{
	struct dirent *res;
	int r = readdir_r(d, d ? &d->ent : NULL, &res);

	if (r)
		errno = r;
	return res;
}

void rewinddir(DIR *d)
{
	if (d)
		lseek(d->fd, 0, SEEK_SET);
}

int closedir(DIR *d)
{
	int r;

	if (!d) {
		errno = EBADF;
		return -1;
	}
	r = close(d->fd);
	free(d);
	return r;
}

int dirfd(DIR *d)
{
	return d->fd;
}
