/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Directory streams.  picolibc's <dirent.h> includes a <sys/dirent.h>
 * that is an #error on this target, so Vireo supplies the whole header;
 * libc/dirent.c implements it over the VFS.
 */
#pragma once

#include <sys/types.h>

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

#define NAME_MAX_DIRENT 255

struct dirent {
	ino_t d_ino;
	unsigned char d_type;
	char d_name[NAME_MAX_DIRENT + 1];
};

typedef struct vireo_dir DIR;

#ifdef __cplusplus
extern "C" {
#endif
DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);
int readdir_r(DIR *d, struct dirent *entry, struct dirent **result);
void rewinddir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);
#ifdef __cplusplus
}
#endif
