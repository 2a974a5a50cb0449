/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hostfs's pure parts (fs/hostfs_name.c, host-tested): its option, the
 * host paths it builds and checks, and the semihosting open mode of a set
 * of open() flags.  A file is named by its path under the mount's root
 * ("rel": "" for the root, "a/b" below it); the host path is root/rel.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <vireo/semihost.h>
#include <vireo/vfs.h>

#define HOSTFS_ROOT_MAX VFS_PATH_MAX	/* fs=PATH, NUL included */
#define HOSTFS_REL_MAX VFS_PATH_MAX	/* a rel, NUL included */
/* root, '/', rel: the longest host path, NUL included. */
#define HOSTFS_PATH_MAX (HOSTFS_ROOT_MAX + HOSTFS_REL_MAX)

/* The mount options: exactly "fs=PATH".  root gets PATH without trailing
 * slashes ("/" stays "/").  0, -EINVAL (no fs=, another option, an empty
 * PATH, or one starting with ':', which names the host's special files
 * such as ":tt"), -ENAMETOOLONG; *why then says which, for the log. */
int hostfs_parse_options(const char *data, char *root, size_t size,
			 const char **why);
/* The rel of name in the directory dir ("" + "b" = "b", "a" + "b" =
 * "a/b").  name is one component: "", ".", ".." and names holding a '/'
 * are -EINVAL, so no host path built here ever leaves the root through
 * "..".  -ENAMETOOLONG when out (size bytes) cannot hold it. */
int hostfs_child(const char *dir, const char *name, char *out, size_t size);
/* Bytes of rel's directory part: "a/b" -> 1 ("a"), "b" -> 0 (""). */
size_t hostfs_parent_len(const char *rel);
/* root/rel into out (root alone for rel ""): 0 or -ENAMETOOLONG. */
int hostfs_host_path(const char *root, const char *rel, char *out,
		     size_t size);
/* rel after a rename of from to to: 1 and out when rel is from or lies
 * under it, 0 when it is unaffected, -ENAMETOOLONG when out cannot hold
 * the new name. */
int hostfs_renamed(const char *rel, const char *from, const char *to,
		   char *out, size_t size);
/* A stable inode number for rel (the root's is 1). */
uint64_t hostfs_ino(const char *rel);
/* The semihosting open mode for open() flags (O_CREAT and O_TRUNC already
 * done by the VFS, see hostfs_name.c), or -EINVAL for a bad O_ACCMODE. */
int hostfs_open_mode(int flags);
