// SPDX-License-Identifier: BSD-2-Clause
/*
 * mkfatfs (also mkfs.vfat): formats a block device as FAT12, FAT16 or
 * FAT32 with fs/fat's formatter (include/vireo/fat.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vireo/fat.h>
#include "nsh.h"

static int cmd_mkfatfs(struct nsh *sh, int argc, char **argv)
{
	struct fat_format_opts o = { .volume_id = (uint32_t)time(NULL) };
	int i, type = 0, r;

	(void)sh;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-F"))
			o.type = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-n"))
			o.label = argv[i + 1];
		else
			return nsh_usage(argv[0]);
	}
	if (i != argc - 1 || (o.type && o.type != 12 && o.type != 16 &&
			      o.type != 32))
		return nsh_usage(argv[0]);
	r = fat_mkfs(argv[i], &o, &type);
	if (r == -EINVAL) {
		fprintf(stderr, "%s: %s: no FAT%s for this size, or a label "
			"FAT cannot hold\n", argv[0], argv[i],
			o.type == 12 ? "12" : o.type == 16 ? "16" :
			o.type == 32 ? "32" : " type");
		return 1;
	}
	if (r) {
		errno = -r;
		return nsh_fail(argv[0], argv[i]);
	}
	printf("%s: FAT%d\n", argv[i], type);
	return 0;
}
NSH_COMMAND(mkfatfs, cmd_mkfatfs, "mkfatfs [-F 12|16|32] [-n LABEL] DEVICE",
	    "Make a FAT file system on a block device");
NSH_COMMAND_NAMED(mkfs_vfat, "mkfs.vfat", cmd_mkfatfs,
		  "mkfs.vfat [-F 12|16|32] [-n LABEL] DEVICE",
		  "Same as mkfatfs");
