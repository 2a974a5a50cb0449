/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * picolibc's <sys/stat.h> plus what it leaves out on this target: it
 * declares lstat() only for a few other systems, and Vireo implements it
 * (libc/fs.c).
 */
#pragma once

#include_next <sys/stat.h>

#ifdef __cplusplus
extern "C" {
#endif
int lstat(const char *__restrict path, struct stat *__restrict st);
#ifdef __cplusplus
}
#endif
