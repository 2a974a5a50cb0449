// SPDX-License-Identifier: BSD-2-Clause
/*
 * The shape of each ioctl() request's argument, for calls from EL0
 * (kernel/kmode/syscall.c's sc_ioctl_get(), the [ioctl:req] argument of
 * kernel/syscalls.tbl): by value, or a pointer to an object of a size
 * that is copied in, out or both, so that a driver's ioctl only ever sees
 * a kernel pointer.  A request not listed here is ENOTTY from EL0 (the
 * flat build passes every request straight through): a new request is
 * usable by processes once it is added.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/fb.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <vireo/compiler.h>
#include <vireo/syscall.h>

static const struct ioctl_shape {
	unsigned long req;
	uint16_t size;		/* 0: the argument is a value */
	uint16_t flags;		/* SC_IN, SC_OUT */
} shapes[] = {
	{ BLKROGET, sizeof(int), SC_OUT },
	{ BLKGETSIZE, sizeof(unsigned long), SC_OUT },
	{ BLKFLSBUF, 0, 0 },
	{ BLKSSZGET, sizeof(int), SC_OUT },
	{ BLKDISCARD, 2 * sizeof(uint64_t), SC_IN },
	{ BLKZEROOUT, 2 * sizeof(uint64_t), SC_IN },
	{ BLKGETSIZE64, sizeof(uint64_t), SC_OUT },
	{ FIONREAD, sizeof(int), SC_OUT },
	{ FIONBIO, sizeof(int), SC_IN },
	{ TTY_IOC_SET_FOREGROUND, 0, 0 },
	{ TTY_IOC_GET_FOREGROUND, sizeof(pid_t), SC_OUT },
	{ FBIOGET_VIDEOINFO, sizeof(struct fb_videoinfo), SC_OUT },
	{ FBIO_UPDATE, sizeof(struct fb_area), SC_IN },
	/* FBIOGET_PLANEINFO is not: it hands out a kernel address. */
};

int ioctl_arg_shape(unsigned long req, size_t *size, unsigned int *flags)
{
	for (size_t i = 0; i < ARRAY_SIZE(shapes); i++)
		if (shapes[i].req == req) {
			*size = shapes[i].size;
			*flags = shapes[i].flags;
			return 0;
		}
	return -ENOTTY;
}
