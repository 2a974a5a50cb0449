/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mounting file systems (picolibc has no <sys/mount.h>).  The calls take
 * Linux's shape: mount(source, target, type, flags, data), where type is
 * a registered file-system name ("tmpfs", "procfs", "v9fs"...) and data
 * its option string ("size=1M").
 */
#pragma once

#define MS_RDONLY 1UL	/* mount read-only */

int mount(const char *source, const char *target, const char *type,
	  unsigned long flags, const void *data);
int umount(const char *target);
