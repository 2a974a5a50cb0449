// SPDX-License-Identifier: BSD-2-Clause
/*
 * System-call dispatch and the buffer helpers of the generated wrappers
 * (include/vireo/syscall.h).  Every user pointer goes through
 * sc_buf_get()/sc_buf_put(): the checks live here, once, and an
 * implementation only ever sees kernel memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/mm.h>
#include <vireo/syscall.h>
#include <vireo/vfs.h>

_Static_assert(SC_INLINE >= VFS_PATH_MAX, "a path fits a wrapper's frame");

static int get_str(struct sc_buf *b)
{
	long n;

	if (!b->u.va)
		return (b->flags & SC_OPTIONAL) ? 0 : -EFAULT;
	n = strncpy_from_user((char *)b->space, b->u, VFS_PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	b->k = b->space;
	return 0;
}

/*
 * A vector of strings, into one block of SC_STRV_MAX: the user's pointers
 * are read up to the NULL (they fill the block from the front), then
 * each string is copied behind them and its pointer replaced by the
 * kernel's.  Bytes left over stay zero.
 */
static int get_strv(struct sc_buf *b)
{
	char **v;
	size_t n = 0, used;

	if (!b->u.va)
		return (b->flags & SC_OPTIONAL) ? 0 : -EFAULT;
	v = kcalloc(1, SC_STRV_MAX);
	if (!v)
		return -ENOMEM;
	b->k = v;
	b->heap = true;
	for (;; n++) {
		uaddr_t at = { b->u.va + n * sizeof(char *) };

		if ((n + 1) * sizeof(char *) > SC_STRV_MAX)
			return -E2BIG;
		if (copy_from_user(&v[n], at, sizeof(char *)))
			return -EFAULT;
		if (!v[n])
			break;
	}
	used = (n + 1) * sizeof(char *);
	for (size_t i = 0; i < n; i++) {
		char *dst = (char *)v + used;
		long len = strncpy_from_user(dst, (uaddr_t){ (uintptr_t)v[i] },
					     SC_STRV_MAX - used);

		if (len < 0)
			return (int)len;
		if ((size_t)len >= SC_STRV_MAX - used)
			return -E2BIG;
		v[i] = dst;
		used += (size_t)len + 1;
	}
	return 0;
}

/* A zeroed kernel buffer of b->bytes. */
static int alloc_copy(struct sc_buf *b)
{
	if (b->bytes <= sizeof(b->space)) {
		memset(b->space, 0, b->bytes);
		b->k = b->space;
		return 0;
	}
	b->k = kcalloc(1, b->bytes);
	if (!b->k)
		return -ENOMEM;
	b->heap = true;
	return 0;
}

int sc_buf_get(struct sc_buf *b)
{
	int r;

	if (b->flags & SC_STR)
		return get_str(b);
	if (b->flags & SC_STRV) {
		r = get_strv(b);
		if (r)
			sc_buf_put(b, r);	/* frees the block */
		return r;
	}
	if (b->flags & SC_SHORT)
		b->count = MIN(b->count, SYSCALL_BOUNCE_MAX / b->size);
	if (__builtin_mul_overflow(b->count, b->size, &b->bytes) ||
	    b->bytes > SYSCALL_BOUNCE_MAX)
		return -EINVAL;
	if (!b->u.va)	/* NULL for nothing is fine (read(fd, NULL, 0)) */
		return (b->bytes && !(b->flags & SC_OPTIONAL)) ? -EFAULT : 0;
	if (!user_range_ok(b->u, b->bytes))
		return -EFAULT;
	r = alloc_copy(b);
	if (!r && (b->flags & SC_IN) && copy_from_user(b->k, b->u, b->bytes)) {
		sc_buf_put(b, 0);
		r = -EFAULT;
	}
	return r;
}

int sc_ioctl_get(struct sc_buf *b, unsigned long req)
{
	unsigned int flags;
	size_t size;
	int r = ioctl_arg_shape(req, &size, &flags);

	if (r)
		return r;
	if (!size) {
		b->flags = SC_VALUE;
		return 0;
	}
	b->count = 1;
	b->size = size;
	b->flags = flags;
	return sc_buf_get(b);
}

unsigned long sc_ioctl_arg(const struct sc_buf *b)
{
	return (b->flags & SC_VALUE) ? b->u.va : (uintptr_t)b->k;
}

long sc_buf_put(struct sc_buf *b, long r)
{
	size_t n = b->bytes;

	if ((r >= 0 || (b->flags & SC_ALWAYS)) && b->k && (b->flags & SC_OUT)) {
		if (b->flags & SC_FILLED)
			n = MIN((size_t)r, n);
		if (copy_to_user(b->u, b->k, n))
			r = -EFAULT;
	}
	if (b->heap)
		free(b->k);
	b->k = NULL;
	b->heap = false;
	return r;
}

long syscall_dispatch(uint64_t nr, const uint64_t *args)
{
	if (nr >= SYS_COUNT || !syscall_table[nr])
		return -ENOSYS;
	return syscall_table[nr](args);
}
