/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <stdio.h> on top of picolibc's: stdin, stdout and stderr are the
 * calling task's streams (libc/stdio.c), since the tasks of the flat
 * build share one address space and a buffered stream holds state.
 */
#ifndef _VIREO_STDIO_H
#define _VIREO_STDIO_H
#pragma once

#include_next <stdio.h>

/* Host unit tests (tests/host) keep the host C library's streams. */
#ifndef VIREO_HOST_TEST
#ifdef __cplusplus
extern "C" {
#endif

/* The calling task's stream on descriptor fd (0, 1 or 2). */
FILE *libc_stream(int fd);

#undef stdin
#undef stdout
#undef stderr
#define stdin (libc_stream(0))
#define stdout (libc_stream(1))
#define stderr (libc_stream(2))

#ifdef __cplusplus
}
#endif
#endif /* VIREO_HOST_TEST */

#endif /* _VIREO_STDIO_H */
