// SPDX-License-Identifier: BSD-2-Clause
/*
 * stdin, stdout and stderr: picolibc buffered streams over descriptors 0,
 * 1 and 2.  stdout is line buffered and stderr unbuffered, as on a
 * terminal.  The buffered streams' locks are created by libc_stdio_init()
 * before any application thread runs.
 */
#include <stdio.h>
#include <stdio-bufio.h>
#include <unistd.h>
#include <vireo/libc.h>

static char stdin_buf[128], stdout_buf[256];

static struct __file_bufio stdin_bufio =
	FDEV_SETUP_BUFIO(0, stdin_buf, sizeof(stdin_buf), read, write, lseek,
			 close, __SRD, 0);
static struct __file_bufio stdout_bufio =
	FDEV_SETUP_BUFIO(1, stdout_buf, sizeof(stdout_buf), read, write, lseek,
			 close, __SWR, __BLBF);

static int stderr_put(char c, FILE *f)
{
	return write(2, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static FILE stderr_file = FDEV_SETUP_STREAM(stderr_put, NULL, NULL, __SWR);

FILE *const stdin = &stdin_bufio.xfile.cfile.file;
FILE *const stdout = &stdout_bufio.xfile.cfile.file;
FILE *const stderr = &stderr_file;

void libc_stdio_init(void)
{
	__bufio_lock_init(stdin);
	__bufio_lock_init(stdout);
}
