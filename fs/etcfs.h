/* SPDX-License-Identifier: BSD-2-Clause */
/* The built-in /etc: the table fs/CMakeLists.txt generates from etc/. */
#pragma once

#include <stddef.h>

struct etcfs_entry {
	const char *path;		/* relative: "init.d/rcS" */
	const unsigned char *data;
	size_t size;
};

/* Ends with an entry whose path is NULL. */
extern const struct etcfs_entry etcfs_entries[];
