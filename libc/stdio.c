// SPDX-License-Identifier: BSD-2-Clause
/*
 * stdin, stdout and stderr, per task.  Every task of the flat build
 * shares one address space, so one buffered stdout would carry what a
 * background task wrote out through the shell's descriptor 1 (and the
 * other way round).  <stdio.h> therefore names the calling task's
 * streams through libc_stream(): picolibc buffered streams over the
 * task's descriptors 0 and 1 (stdout line buffered, as on a terminal),
 * allocated at the task's first use and freed with the task
 * (libc_task_end(), libc_stdio_end()).  stderr is unbuffered: it keeps no state, so one
 * stream writing to the caller's descriptor 2 serves every task.
 *
 * The global stdin/stdout/stderr symbols remain for picolibc's own
 * objects (assert, psignal): unbuffered streams over descriptors 0..2,
 * right for any task; a task whose buffered streams cannot be allocated
 * falls back to them as well.  picolibc's printf, vprintf, puts,
 * putchar, getchar, scanf and vscanf use those globals, so they are
 * defined here on the task's streams: mixing them with fputs(stdout)
 * would otherwise reorder the output.  printf and scanf themselves are in
 * libc/stdio_args.c, built with floating point: a variadic function
 * built with -mgeneral-regs-only does not save the FP argument
 * registers, so a double passed to it would be read as garbage.
 *
 * One call, one lock, one write: picolibc's vfprintf, fputs and fwrite
 * store a character at a time, each taking the stream's lock; they are
 * wrapped (the linker's --wrap, libc/CMakeLists.txt) to hold a buffered
 * stream's lock for the whole call, and on the unbuffered streams over
 * descriptors 1 and 2 (stderr) to format into a buffer and write() it
 * once, so that the line of one task or CPU is not cut by another's
 * (the console writes one write() whole while its buffer has room).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdio-bufio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vireo/libc.h>
#include <vireo/task.h>
#include "libc_task.h"

#undef stdin
#undef stdout
#undef stderr

struct task_stdio {
	struct __file_bufio in, out;
	char in_buf[128], out_buf[256];
};

static int fd_put(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static int out_put(char c, FILE *f)
{
	return fd_put(1, c);
}

static int err_put(char c, FILE *f)
{
	return fd_put(2, c);
}

static int in_get(FILE *f)
{
	unsigned char c;
	ssize_t n = read(0, &c, 1);

	return n == 1 ? c : n == 0 ? _FDEV_EOF : _FDEV_ERR;
}

static FILE in_file = FDEV_SETUP_STREAM(NULL, in_get, NULL, __SRD);
static FILE out_file = FDEV_SETUP_STREAM(out_put, NULL, NULL, __SWR);
static FILE err_file = FDEV_SETUP_STREAM(err_put, NULL, NULL, __SWR);

FILE *const stdin = &in_file;
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;

static struct task_stdio *streams_new(void)
{
	struct task_stdio *s = malloc(sizeof(*s));

	if (!s)
		return NULL;
	*s = (struct task_stdio){
		.in = FDEV_SETUP_BUFIO(0, s->in_buf, sizeof(s->in_buf), read,
				       write, lseek, close, __SRD, 0),
		.out = FDEV_SETUP_BUFIO(1, s->out_buf, sizeof(s->out_buf), read,
					write, lseek, close, __SWR, __BLBF),
	};
	__bufio_lock_init(&s->in.xfile.cfile.file);
	__bufio_lock_init(&s->out.xfile.cfile.file);
	return s;
}

/* Not __bufio_lock_close(), which releases the lock first as fclose()
 * holds it: here no thread of the task is left to hold it. */
static void streams_free(struct task_stdio *s)
{
	__lock_close(s->in.lock);
	__lock_close(s->out.lock);
	free(s);
}

FILE *libc_stream(int fd)
{
	struct libc_task *t = fd == 2 ? NULL : libc_task();
	struct task_stdio *s = t ? __atomic_load_n(&t->stdio, __ATOMIC_ACQUIRE) : NULL;
	struct task_stdio *none = NULL;

	if (fd == 2)
		return stderr;
	if (t && !s && (s = streams_new()) &&
	    !__atomic_compare_exchange_n(&t->stdio, &none, s, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		streams_free(s);	/* another thread of the task won */
		s = none;
	}
	if (!s)
		return fd == 0 ? stdin : stdout;
	return fd == 0 ? &s->in.xfile.cfile.file : &s->out.xfile.cfile.file;
}

void libc_stdio_end(struct task_stdio *s)
{
	if (s)
		streams_free(s);
}

int __real_vfprintf(FILE *f, const char *fmt, va_list ap);
int __real_fputs(const char *s, FILE *f);
size_t __real_fwrite(const void *p, size_t size, size_t n, FILE *f);

/* The descriptor of an unbuffered stream of ours, else -1. */
static int unbuffered_fd(FILE *f)
{
	return f == &out_file ? 1 : f == &err_file ? 2 : -1;
}

static void stream_lock(FILE *f)
{
	if (f->flags & __SBUF)
		__bufio_lock(f);
}

static void stream_unlock(FILE *f)
{
	if (f->flags & __SBUF)
		__bufio_unlock(f);
}

#define ONE_WRITE_MAX 256	/* longer output goes a character at a time */

int __wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	int fd = unbuffered_fd(f), r;

	if (fd >= 0) {
		char buf[ONE_WRITE_MAX];
		va_list copy;
		va_copy(copy, ap);
		r = vsnprintf(buf, sizeof(buf), fmt, copy);
		va_end(copy);
		if (r >= 0 && r < (int)sizeof(buf))
			return write(fd, buf, (size_t)r) == r ? r : EOF;
	}
	stream_lock(f);
	r = __real_vfprintf(f, fmt, ap);
	stream_unlock(f);
	return r;
}

int __wrap_fputs(const char *s, FILE *f)
{
	int fd = unbuffered_fd(f), r;
	size_t len = strlen(s);

	if (fd >= 0)
		return write(fd, s, len) == (ssize_t)len ? 0 : EOF;
	stream_lock(f);
	r = __real_fputs(s, f);
	stream_unlock(f);
	return r;
}

size_t __wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	int fd = unbuffered_fd(f);
	size_t r;

	if (fd >= 0 && size && n <= SIZE_MAX / size) {
		ssize_t w = write(fd, p, size * n);
		return w < 0 ? 0 : (size_t)w / size;
	}
	stream_lock(f);
	r = __real_fwrite(p, size, n, f);
	stream_unlock(f);
	return r;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(libc_stream(1), fmt, ap);
}

int puts(const char *s)
{
	FILE *out = libc_stream(1);
	int r;

	stream_lock(out);
	r = fputs(s, out) < 0 || fputc('\n', out) == EOF ? EOF : 0;
	stream_unlock(out);
	return r;
}

int (putchar)(int c)
{
	return fputc(c, libc_stream(1));
}

int (getchar)(void)
{
	return fgetc(libc_stream(0));
}

int vscanf(const char *fmt, va_list ap)
{
	return vfscanf(libc_stream(0), fmt, ap);
}
