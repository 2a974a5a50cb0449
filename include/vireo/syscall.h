/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel side of the system-call boundary (docs/kernel-mode.md).
 * kernel/syscalls.tbl lists every service once; tools/gensyscalls.py
 * writes from it one wrapper per service (syscall_table.c) that turns
 * each user pointer argument into a kernel copy with struct sc_buf,
 * calls the implementation and copies results back.  The helpers and
 * the dispatcher are kernel/kmode/syscall.c.  Thread context.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <generated/syscall_nr.h>
#include <vireo/uaccess.h>

/* The most bytes one counted buffer is copied through the kernel in one
 * call: a "short" buffer (read, write) is lowered to it, any other
 * larger one is -EINVAL. */
#define SYSCALL_BOUNCE_MAX (64 * 1024)
/* Buffers up to this size (every path, struct stat) live in the
 * wrapper's frame; larger ones come from kmalloc. */
#define SC_INLINE 256

/* How an argument crosses (the annotations of syscalls.tbl). */
#define SC_IN		0x01u	/* copied in before the call */
#define SC_OUT		0x02u	/* copied out after a call that succeeded */
#define SC_INOUT	(SC_IN | SC_OUT)
#define SC_STR		0x04u	/* NUL-terminated, at most VFS_PATH_MAX */
#define SC_OPTIONAL	0x08u	/* NULL is passed on as NULL */
#define SC_SHORT	0x10u	/* count lowered to the bounce limit */
#define SC_FILLED	0x20u	/* out: the result counts bytes filled */
#define SC_ALWAYS	0x80u	/* out: copied back whatever the result
				 * (nanosleep's time left after EINTR; as
				 * inout, what the call left alone is
				 * written back unchanged) */
#define SC_VALUE	0x100u	/* ioctl: the argument is a value */
#define SC_STRV		0x40u	/* NULL-terminated vector of strings in
				 * (argv, envp), at most SC_STRV_MAX */

/* The most bytes a string vector takes in the kernel, its pointers and
 * strings together: more is -E2BIG (as POSIX names too many arguments). */
#define SC_STRV_MAX (16 * 1024)

/* One pointer argument on its way through a wrapper. */
struct sc_buf {
	uaddr_t u;		/* the caller's address */
	uint64_t count;		/* elements, after SC_SHORT lowered it */
	size_t size;		/* bytes per element */
	unsigned int flags;	/* SC_* */
	size_t bytes;		/* count * size */
	void *k;		/* the kernel copy, or NULL */
	bool heap;		/* k came from kmalloc */
	uint64_t space[SC_INLINE / sizeof(uint64_t)];
};

#define SC_BUF(addr, n, sz, fl) \
	{ .u = { (uintptr_t)(addr) }, .count = (n), .size = (sz), .flags = (fl) }

/* Checks b's size and makes b->k: copied in for SC_IN/SC_STR/SC_STRV
 * (a vector becomes one kernel block, its pointers then its strings), zeroed for
 * SC_OUT (so nothing of the kernel's reaches the caller).  0, or
 * -EFAULT, -EINVAL (size), -ENAMETOOLONG (string), -E2BIG (vector),
 * -ENOMEM; b then holds
 * nothing to free. */
int sc_buf_get(struct sc_buf *b);
/* After the call returned r: copies an SC_OUT buffer back when r >= 0
 * (SC_ALWAYS: also when r < 0) and frees b's copy.  Returns r, or -EFAULT when the copy-out failed.
 * Also for a b whose sc_buf_get() failed or never ran. */
long sc_buf_put(struct sc_buf *b, long r);

/* An ioctl argument (syscalls.tbl's [ioctl:req]): b as sc_buf_get()
 * makes it for the shape ioctl_arg_shape() gives req, or -ENOTTY for a
 * request not listed.  sc_ioctl_arg() is what the implementation gets:
 * the value, or the kernel copy's address. */
int sc_ioctl_get(struct sc_buf *b, unsigned long req);
unsigned long sc_ioctl_arg(const struct sc_buf *b);
/* The argument of ioctl request req (kernel/kmode/ioctl_args.c): size 0
 * for a value, else the bytes behind the pointer and SC_IN/SC_OUT.
 * 0 or -ENOTTY. */
int ioctl_arg_shape(unsigned long req, size_t *size, unsigned int *flags);

/* A generated wrapper: the six argument registers in, the result out. */
typedef long (*syscall_fn)(const uint64_t *args);
extern const syscall_fn syscall_table[SYS_COUNT];

/* System call nr with args[0..5] from the caller's x0-x5: its result, or
 * -ENOSYS for a number that names no service. */
long syscall_dispatch(uint64_t nr, const uint64_t *args);
