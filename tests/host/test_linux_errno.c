// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of fs/linux_errno.c.  The host's C library numbers errors as
 * Linux does, so every number the table names must come back unchanged:
 * that checks each entry sits at the right index (the target's picolibc
 * numbers differ, so the same table translates there).
 */
#include <errno.h>
#include <vireo/linux_errno.h>
#include "unit.h"

TEST(listed_numbers_map_to_the_same_error)
{
	static const int listed[] = {
		EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF,
		ECHILD, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, EXDEV,
		ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY,
		ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK, EPIPE, EDOM,
		ERANGE, EDEADLK, ENAMETOOLONG, ENOLCK, ENOSYS, ENOTEMPTY,
		ELOOP, ENODATA, EPROTO, EOVERFLOW, EILSEQ, EOPNOTSUPP,
		ETIMEDOUT, ESTALE, EDQUOT,
	};

	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
		EXPECT_EQ(errno_from_linux(listed[i]), listed[i]);
}

TEST(unknown_numbers_are_eio)
{
	EXPECT_EQ(errno_from_linux(0), EIO);
	EXPECT_EQ(errno_from_linux(-2), EIO);
	EXPECT_EQ(errno_from_linux(15), EIO);	/* ENOTBLK: not listed */
	EXPECT_EQ(errno_from_linux(123), EIO);	/* one past the table */
	EXPECT_EQ(errno_from_linux(9999), EIO);
	EXPECT_EQ(errno_from_linux(-9223372036854775807L - 1), EIO);
}

UNIT_MAIN(UNIT_CASE(listed_numbers_map_to_the_same_error),
	  UNIT_CASE(unknown_numbers_are_eio))
