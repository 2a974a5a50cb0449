// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the system-call boundary: kernel/kmode/syscall.c and the
 * wrappers tools/gensyscalls.py generates from fixtures/syscalls_test.tbl.
 * The fake process's memory is umem[]: the fake user-access calls fail
 * with -EFAULT for any byte outside it, as the real ones do for a byte
 * outside the process's mappings.  Checked: unknown numbers, values,
 * strings, counted and fixed buffers in and out, NULL, limits, overflow,
 * and that a rejected call never reaches its implementation.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/fb.h>
#include <sys/ioctl.h>
#include <generated/syscall_nr.h>
#include <vireo/syscall.h>
#include <vireo/vfs.h>
#include "syscall_fakes.h"
#include "unit.h"

static char umem[2 * SYSCALL_BOUNCE_MAX];

static bool in_umem(uintptr_t va, size_t n)
{
	uintptr_t lo = (uintptr_t)umem, hi = lo + sizeof(umem);

	return va >= lo && va <= hi && n <= hi - va;
}

bool user_range_ok(uaddr_t a, size_t n)
{
	return in_umem(a.va, n);
}

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	if (!in_umem(src.va, n))
		return -EFAULT;
	memcpy(dst, (const void *)src.va, n);
	return 0;
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	if (!in_umem(dst.va, n))
		return -EFAULT;
	memcpy((void *)dst.va, src, n);
	return 0;
}

long strncpy_from_user(char *dst, uaddr_t src, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (!in_umem(src.va + i, 1))
			return -EFAULT;
		dst[i] = ((const char *)src.va)[i];
		if (!dst[i])
			return (long)i;
	}
	return (long)size;
}

/* What the last implementation called saw. */
static int calls;
static const void *seen_ptr;
static size_t seen_len;
static char seen_str[VFS_PATH_MAX];
static long read_result;	/* fake_read's return; < 0: len */
static char seen_joined[SC_STRV_MAX];	/* fake_strv: "a|b|" */

/* The number of strings; their kernel copies joined into seen_joined,
 * and whether each lies in the wrapper's block (seen_ptr). */
long fake_strv(char *const *v)
{
	long n = 0;

	calls++;
	seen_ptr = v;
	seen_joined[0] = '\0';
	if (!v)
		return -1;
	for (; v[n]; n++) {
		if (in_umem((uintptr_t)v[n], 1) ||
		    (const char *)v[n] < (const char *)v ||
		    (const char *)v[n] >= (const char *)v + SC_STRV_MAX)
			return -100;	/* not the kernel's copy */
		strcat(seen_joined, v[n]);
		strcat(seen_joined, "|");
	}
	return n;
}

/* Fails, having filled *o: an "always" buffer still goes back. */
int fake_partial(struct fake_obj *o)
{
	calls++;
	if (o)
		o->a = 9;
	return -EINTR;
}

/* An ioctl as a driver sees it: FIONREAD answers 42 through its
 * argument, FIONBIO's is read into seen_len, the rest recorded. */
static unsigned long seen_arg;

int fake_ioctl(int fd, unsigned long req, unsigned long arg)
{
	calls++;
	seen_arg = arg;
	if ((req == FIONREAD || req == FIONBIO) && in_umem(arg, 1))
		return -100;	/* a user pointer reached the driver */
	if (req == FIONREAD)
		*(int *)arg = 42;
	if (req == FIONBIO)
		seen_len = (size_t)*(const int *)arg;
	return fd;
}

long fake_getval(void)
{
	calls++;
	return 7;
}

long fake_add(long a, unsigned int b)
{
	calls++;
	return a + b;
}

int fake_putstr(const char *s)
{
	calls++;
	seen_ptr = s;
	strcpy(seen_str, s);
	return (int)strlen(s);
}

int fake_optstr(const char *s)
{
	calls++;
	seen_ptr = s;
	return s ? 1 : 0;
}

long fake_read(void *buf, size_t len)
{
	long n = read_result < 0 ? (long)len : read_result;

	calls++;
	seen_ptr = buf;
	seen_len = len;
	if (buf)
		memset(buf, 'r', len);
	return n;
}

long fake_write(const void *buf, size_t len)
{
	calls++;
	seen_ptr = buf;
	seen_len = len;
	return buf ? ((const char *)buf)[0] : 0;
}

int fake_getobj(struct fake_obj *o)
{
	calls++;
	o->a = 11;		/* b and pad stay as the wrapper gave them */
	return 0;
}

int fake_update(struct fake_obj *o, unsigned long n)
{
	unsigned long i;

	calls++;
	for (i = 0; i < n; i++)
		o[i].b = o[i].a * 2;
	return (int)n;
}

int fake_pair(int *fds)
{
	calls++;
	fds[0] = 3;
	fds[1] = 4;
	return 0;
}

int fake_optobj(const struct fake_obj *o)
{
	calls++;
	return o ? o->a : -ENOENT;
}

static long sc(uint64_t nr, uint64_t a0, uint64_t a1)
{
	uint64_t args[6] = { a0, a1, 0xbad, 0xbad, 0xbad, 0xbad };

	return syscall_dispatch(nr, args);
}

static uint64_t ua(size_t off)
{
	return (uint64_t)(uintptr_t)&umem[off];
}

static void reset(void)
{
	memset(umem, 0, sizeof(umem));
	calls = 0;
	seen_ptr = NULL;
	seen_len = 0;
	read_result = -1;
}

TEST(unknown_numbers_are_enosys)
{
	reset();
	EXPECT_EQ(sc(0, 0, 0), -ENOSYS);
	EXPECT_EQ(sc(9, 0, 0), -ENOSYS);		/* a hole */
	EXPECT_EQ(sc(SYS_COUNT, 0, 0), -ENOSYS);
	EXPECT_EQ(sc(UINT64_MAX, 0, 0), -ENOSYS);
	EXPECT_EQ(sc((uint64_t)1 << 32 | SYS_getval, 0, 0), -ENOSYS);
	EXPECT_EQ(calls, 0);
	EXPECT_EQ(sc(SYS_getval, 0, 0), 7);
}

TEST(values_are_converted_to_the_listed_types)
{
	reset();
	EXPECT_EQ(sc(SYS_add, 40, 2), 42);
	/* b is unsigned int: the register's upper half is not part of it */
	EXPECT_EQ(sc(SYS_add, 1, 0xffffffff00000005ULL), 6);
}

TEST(strings_are_copied_into_the_kernel)
{
	reset();
	strcpy(&umem[100], "/tmp/file");
	EXPECT_EQ(sc(SYS_putstr, ua(100), 0), 9);
	EXPECT_STR(seen_str, "/tmp/file");
	EXPECT(seen_ptr != &umem[100]);
	memset(&umem[0], 'a', VFS_PATH_MAX - 1);	/* the longest path */
	EXPECT_EQ(sc(SYS_putstr, ua(0), 0), VFS_PATH_MAX - 1);
	memset(&umem[0], 'a', VFS_PATH_MAX);		/* one too long */
	calls = 0;
	EXPECT_EQ(sc(SYS_putstr, ua(0), 0), -ENAMETOOLONG);
	EXPECT_EQ(sc(SYS_putstr, 0, 0), -EFAULT);
	EXPECT_EQ(sc(SYS_putstr, 0x1000, 0), -EFAULT);
	/* a string running off the end of the process's memory */
	memset(&umem[sizeof(umem) - 4], 'z', 4);
	EXPECT_EQ(sc(SYS_putstr, ua(sizeof(umem) - 4), 0), -EFAULT);
	EXPECT_EQ(calls, 0);
}

TEST(optional_pointers_pass_null)
{
	reset();
	EXPECT_EQ(sc(SYS_optstr, 0, 0), 0);
	EXPECT(seen_ptr == NULL);
	EXPECT_EQ(sc(SYS_optstr, ua(0), 0), 1);
	EXPECT_EQ(sc(SYS_optobj, 0, 0), -ENOENT);
	((struct fake_obj *)umem)->a = 5;
	EXPECT_EQ(sc(SYS_optobj, ua(0), 0), 5);
	EXPECT_EQ(sc(SYS_optobj, 0x10, 0), -EFAULT);
}

TEST(out_buffers_copy_back_only_what_was_filled)
{
	reset();
	read_result = 3;
	EXPECT_EQ(sc(SYS_read, ua(10), 8), 3);
	EXPECT_EQ(seen_len, 8);
	EXPECT(memcmp(&umem[10], "rrr\0\0", 5) == 0);
	read_result = -1;
	EXPECT_EQ(sc(SYS_read, ua(0), 1000), 1000);	/* from the heap */
	EXPECT_EQ(umem[999], 'r');
	EXPECT_EQ(umem[1000], 0);
}

TEST(short_buffers_are_lowered_to_the_bounce_limit)
{
	reset();
	EXPECT_EQ(sc(SYS_read, ua(0), UINT64_MAX), SYSCALL_BOUNCE_MAX);
	EXPECT_EQ(seen_len, SYSCALL_BOUNCE_MAX);
	umem[0] = 'w';
	EXPECT_EQ(sc(SYS_write, ua(0), (uint64_t)1 << 40), 'w');
	EXPECT_EQ(seen_len, SYSCALL_BOUNCE_MAX);
}

TEST(bad_buffers_fail_before_the_call)
{
	reset();
	EXPECT_EQ(sc(SYS_read, 0, 10), -EFAULT);
	EXPECT_EQ(sc(SYS_read, ua(sizeof(umem) - 4), 8), -EFAULT);
	EXPECT_EQ(sc(SYS_write, ua(sizeof(umem) - 4), 8), -EFAULT);
	EXPECT_EQ(sc(SYS_write, 0xffff000000000000ULL, 1), -EFAULT);
	EXPECT_EQ(sc(SYS_getobj, 0x40, 0), -EFAULT);
	EXPECT_EQ(calls, 0);
	/* nothing to transfer: NULL is fine and passed on as NULL */
	EXPECT_EQ(sc(SYS_read, 0, 0), 0);
	EXPECT(seen_ptr == NULL);
}

/* umem[off...] as a vector of n pointers to strings placed after it
 * ("s0", "s1", ... unless strs gives them), NULL-terminated. */
static void put_strv(size_t off, int n, const char *const *strs)
{
	uint64_t *v = (uint64_t *)&umem[off];
	size_t at = off + (size_t)(n + 1) * 8;

	for (int i = 0; i < n; i++) {
		char name[16];
		const char *s = strs ? strs[i] : name;

		snprintf(name, sizeof(name), "s%d", i);
		strcpy(&umem[at], s);
		v[i] = ua(at);
		at += strlen(s) + 1;
	}
	v[n] = 0;
}

TEST(string_vectors_are_copied_whole)
{
	static const char *const words[] = { "ls", "-l", "", "/tmp" };

	reset();
	put_strv(0, 4, words);
	EXPECT_EQ(sc(SYS_strv, ua(0), 0), 4);
	EXPECT_STR(seen_joined, "ls|-l||/tmp|");
	EXPECT(seen_ptr != umem);
	put_strv(0, 0, NULL);				/* empty */
	EXPECT_EQ(sc(SYS_strv, ua(0), 0), 0);
	EXPECT_EQ(sc(SYS_strv, 0, 0), -1);		/* optional: NULL */
	/* The longest: one string filling the block after its 2 pointers. */
	uint64_t *v = (uint64_t *)umem;
	put_strv(0, 1, NULL);
	memset(&umem[4096], 'x', SC_STRV_MAX - 17);
	v[0] = ua(4096);
	EXPECT_EQ(sc(SYS_strv, ua(0), 0), 1);
	EXPECT_EQ(strlen(seen_joined), SC_STRV_MAX - 16);	/* and the '|' */
}

TEST(bad_string_vectors_fail_before_the_call)
{
	uint64_t *v = (uint64_t *)umem;

	reset();
	put_strv(0, 2, NULL);
	v[1] = 0x1000;					/* a bad string */
	EXPECT_EQ(sc(SYS_strv, ua(0), 0), -EFAULT);
	/* A vector running off the end of the process's memory. */
	put_strv(0, 2, NULL);
	memcpy(&umem[sizeof(umem) - 8], &v[0], 8);
	EXPECT_EQ(sc(SYS_strv, ua(sizeof(umem) - 8), 0), -EFAULT);
	EXPECT_EQ(sc(SYS_strv, 0x1000, 0), -EFAULT);	/* a bad vector */
	/* More pointers than the block holds. */
	memset(umem, 0, sizeof(umem));
	for (size_t i = 0; i < SC_STRV_MAX / 8; i++)
		v[i] = ua(SC_STRV_MAX + 64);		/* "" each */
	EXPECT_EQ(sc(SYS_strv, ua(0), 0), -E2BIG);
	/* One string longer than the block. */
	put_strv(0, 1, NULL);
	memset(&umem[4096], 'x', SC_STRV_MAX);
	v[0] = ua(4096);
	EXPECT_EQ(sc(SYS_strv, ua(0), 0), -E2BIG);
	EXPECT_EQ(calls, 0);
}

TEST(always_buffers_go_back_on_failure)
{
	struct fake_obj *o = (struct fake_obj *)umem;

	reset();
	o->a = 1;
	EXPECT_EQ(sc(SYS_partial, ua(0), 0), -EINTR);
	EXPECT_EQ(o->a, 9);
	EXPECT_EQ(sc(SYS_partial, 0, 0), -EINTR);		/* optional */
	EXPECT_EQ(sc(SYS_partial, 0x1000, 0), -EFAULT);	/* checked ahead */
	EXPECT_EQ(calls, 2);
}

static long sc3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	uint64_t args[6] = { a0, a1, a2, 0xbad, 0xbad, 0xbad };

	return syscall_dispatch(nr, args);
}

TEST(ioctl_arguments_take_their_request_shape)
{
	int *v = (int *)umem;

	reset();
	EXPECT_EQ(sc3(SYS_ioctl, 3, FIONREAD, ua(0)), 3);	/* out: bounced */
	EXPECT_EQ(*v, 42);
	EXPECT_EQ(sc3(SYS_ioctl, 3, TTY_IOC_SET_FOREGROUND, 77), 3);	/* value */
	EXPECT_EQ(seen_arg, 77);
	*v = 5;
	EXPECT_EQ(sc3(SYS_ioctl, 3, FIONBIO, ua(0)), 3);	/* in: a copy */
	EXPECT_EQ(seen_len, 5);
	calls = 0;
	EXPECT_EQ(sc3(SYS_ioctl, 3, FIONREAD, 0x1000), -EFAULT);
	EXPECT_EQ(sc3(SYS_ioctl, 3, FIONREAD, 0), -EFAULT);
	EXPECT_EQ(sc3(SYS_ioctl, 3, 0xdead, ua(0)), -ENOTTY);	/* not listed */
	/* Its answer holds a kernel address: never for a process. */
	EXPECT_EQ(sc3(SYS_ioctl, 3, FBIOGET_PLANEINFO, ua(0)), -ENOTTY);
	EXPECT_EQ(calls, 0);
}

TEST(counted_objects_check_their_size)
{
	struct fake_obj *o = (struct fake_obj *)umem;

	reset();
	o[0].a = 1;
	o[1].a = 5;
	EXPECT_EQ(sc(SYS_update, ua(0), 2), 2);
	EXPECT_EQ(o[0].b, 2);
	EXPECT_EQ(o[1].b, 10);
	calls = 0;
	EXPECT_EQ(sc(SYS_update, ua(0), UINT64_MAX / 8), -EINVAL); /* wraps */
	EXPECT_EQ(sc(SYS_update, ua(0),
		     SYSCALL_BOUNCE_MAX / sizeof(*o) + 1), -EINVAL);
	EXPECT_EQ(calls, 0);
}

TEST(fixed_out_objects_are_zeroed_and_kept_on_error)
{
	struct fake_obj *o = (struct fake_obj *)umem;
	int *fds = (int *)&umem[512];

	reset();
	memset(o, 0x5a, sizeof(*o));
	EXPECT_EQ(sc(SYS_getobj, ua(0), 0), 0);
	EXPECT_EQ(o->a, 11);
	EXPECT_EQ(o->b, 0);	/* the kernel's buffer was zeroed */
	EXPECT_EQ(o->pad[39], 0);
	EXPECT_EQ(sc(SYS_pair, ua(512), 0), 0);
	EXPECT_EQ(fds[0], 3);
	EXPECT_EQ(fds[1], 4);
	/* an out buffer outside the process fails before any side effect */
	calls = 0;
	EXPECT_EQ(sc(SYS_pair, ua(sizeof(umem) - 4), 0), -EFAULT);
	EXPECT_EQ(calls, 0);
}

UNIT_MAIN(UNIT_CASE(string_vectors_are_copied_whole),
	  UNIT_CASE(bad_string_vectors_fail_before_the_call),
	  UNIT_CASE(always_buffers_go_back_on_failure),
	  UNIT_CASE(ioctl_arguments_take_their_request_shape),
	  UNIT_CASE(unknown_numbers_are_enosys),
	  UNIT_CASE(values_are_converted_to_the_listed_types),
	  UNIT_CASE(strings_are_copied_into_the_kernel),
	  UNIT_CASE(optional_pointers_pass_null),
	  UNIT_CASE(out_buffers_copy_back_only_what_was_filled),
	  UNIT_CASE(short_buffers_are_lowered_to_the_bounce_limit),
	  UNIT_CASE(bad_buffers_fail_before_the_call),
	  UNIT_CASE(counted_objects_check_their_size),
	  UNIT_CASE(fixed_out_objects_are_zeroed_and_kept_on_error))
