// SPDX-License-Identifier: BSD-2-Clause
/*
 * Linux's errno numbers (asm-generic/errno-base.h and errno.h) as this C
 * library's, for the errors a host file server or QEMU can report.  One
 * table indexed by Linux's number; 0 marks a number not listed.
 */
#include <errno.h>
#include <stdint.h>
#include <vireo/linux_errno.h>

static const uint16_t from_linux[] = {
	[1] = EPERM,	[2] = ENOENT,	[3] = ESRCH,	[4] = EINTR,
	[5] = EIO,	[6] = ENXIO,	[7] = E2BIG,	[8] = ENOEXEC,
	[9] = EBADF,	[10] = ECHILD,	[11] = EAGAIN,	[12] = ENOMEM,
	[13] = EACCES,	[14] = EFAULT,	[16] = EBUSY,	[17] = EEXIST,
	[18] = EXDEV,	[19] = ENODEV,	[20] = ENOTDIR,	[21] = EISDIR,
	[22] = EINVAL,	[23] = ENFILE,	[24] = EMFILE,	[25] = ENOTTY,
	[26] = ETXTBSY,	[27] = EFBIG,	[28] = ENOSPC,	[29] = ESPIPE,
	[30] = EROFS,	[31] = EMLINK,	[32] = EPIPE,	[33] = EDOM,
	[34] = ERANGE,	[35] = EDEADLK,	[36] = ENAMETOOLONG,
	[37] = ENOLCK,	[38] = ENOSYS,	[39] = ENOTEMPTY, [40] = ELOOP,
	[61] = ENODATA,	[71] = EPROTO,	[75] = EOVERFLOW, [84] = EILSEQ,
	[95] = EOPNOTSUPP, [110] = ETIMEDOUT, [116] = ESTALE,
	[122] = EDQUOT,
};

int errno_from_linux(long e)
{
	if (e > 0 && (unsigned long)e < sizeof(from_linux) / sizeof(from_linux[0]) &&
	    from_linux[e])
		return from_linux[e];
	return EIO;
}
