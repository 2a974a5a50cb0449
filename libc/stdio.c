// SPDX-License-Identifier: BSD-2-Clause
/*
 * stdin, stdout and stderr over descriptors 0, 1 and 2.  The FILE objects
 * are shared by every task of the flat build, so their buffers are per
 * thread: one shared buffer would hand bytes that one task wrote to
 * whichever task flushes next, onto that task's descriptor 1 (two shells
 * on two terminals mixed their echo and output), and a read blocked on
 * one terminal would hold the buffer's lock against a reader of another.
 * Per thread, no lock is needed, and the buffers are small (TLS: the
 * boot block in arch/arm64/boot.c holds 256 bytes).  stdout is line
 * buffered and stderr unbuffered, as on a terminal; a thread's partial
 * line goes out with fflush(stdout), at _exit and when the thread ends
 * (libc/pthread.c).
 */
#include <stdio.h>
#include <unistd.h>

static _Thread_local struct {
	size_t len;
	char buf[128];
} out;

static _Thread_local struct {
	size_t pos, len;
	char buf[64];
} in;

/* Writes the calling thread's stdout buffer; on an error (a signal
 * without SA_RESTART, a closed descriptor) what is left is dropped. */
static int stdout_flush(FILE *f)
{
	size_t done = 0;

	while (done < out.len) {
		ssize_t n = write(1, out.buf + done, out.len - done);
		if (n <= 0) {
			out.len = 0;
			return EOF;
		}
		done += (size_t)n;
	}
	out.len = 0;
	return 0;
}

static int stdout_put(char c, FILE *f)
{
	out.buf[out.len++] = c;
	if ((c == '\n' || out.len == sizeof(out.buf)) && stdout_flush(f))
		return EOF;
	return (unsigned char)c;
}

static int stdin_get(FILE *f)
{
	if (in.pos == in.len) {
		ssize_t n = read(0, in.buf, sizeof(in.buf));
		if (n <= 0)
			return n == 0 ? _FDEV_EOF : _FDEV_ERR;
		in.pos = 0;
		in.len = (size_t)n;
	}
	return (unsigned char)in.buf[in.pos++];
}

static int stderr_put(char c, FILE *f)
{
	return write(2, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static FILE stdin_file = FDEV_SETUP_STREAM(NULL, stdin_get, NULL, __SRD);
static FILE stdout_file = FDEV_SETUP_STREAM(stdout_put, NULL, stdout_flush, __SWR);
static FILE stderr_file = FDEV_SETUP_STREAM(stderr_put, NULL, NULL, __SWR);

FILE *const stdin = &stdin_file;
FILE *const stdout = &stdout_file;
FILE *const stderr = &stderr_file;
