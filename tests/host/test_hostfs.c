// SPDX-License-Identifier: BSD-2-Clause
/* Host tests of fs/hostfs_name.c: the fs= option, host paths, the checks
 * that keep them under the root, renames of live names, open modes. */
#include <errno.h>
#include <fcntl.h>
#include "../../fs/hostfs_priv.h"
#include "unit.h"

static const char *why;

static const char *root_of(const char *data)
{
	static char root[32];
	int r = hostfs_parse_options(data, root, sizeof(root), &why);

	return r == -EINVAL ? "EINVAL" : r == -ENAMETOOLONG ? "TOOLONG" : root;
}

TEST(options)
{
	EXPECT_STR(root_of("fs=/srv/share"), "/srv/share");
	EXPECT_STR(root_of("fs=/srv/share///"), "/srv/share");
	EXPECT_STR(root_of("fs=/"), "/");
	EXPECT_STR(root_of("fs=//"), "/");
	EXPECT_STR(root_of("fs=rel/dir"), "rel/dir");
	EXPECT_STR(root_of(NULL), "EINVAL");
	EXPECT_STR(why, "no fs=PATH option (mount -t hostfs -o fs=PATH DIR)");
	EXPECT_STR(root_of(""), "EINVAL");
	EXPECT_STR(root_of("path=/x"), "EINVAL");
	EXPECT_STR(root_of("fs="), "EINVAL");
	EXPECT_STR(why, "empty fs= path");
	EXPECT_STR(root_of("fs=/a,ro"), "EINVAL");
	EXPECT_STR(root_of("fs=:tt"), "EINVAL");
	EXPECT_STR(why, "fs=PATH starting with ':' names a special host file");
	EXPECT_STR(root_of("fs=/0123456789012345678901234567890"), "TOOLONG");
	/* 31 bytes and the NUL fit exactly. */
	EXPECT_STR(root_of("fs=/012345678901234567890123456789"),
		   "/012345678901234567890123456789");
}

TEST(children)
{
	char out[8];

	EXPECT_EQ(hostfs_child("", "b", out, sizeof(out)), 0);
	EXPECT_STR(out, "b");
	EXPECT_EQ(hostfs_child("a", "b", out, sizeof(out)), 0);
	EXPECT_STR(out, "a/b");
	EXPECT_EQ(hostfs_child("a/b", "cde", out, sizeof(out)), 0);
	EXPECT_STR(out, "a/b/cde");
	EXPECT_EQ(hostfs_child("a/b", "cdef", out, sizeof(out)), -ENAMETOOLONG);
	EXPECT_EQ(hostfs_child("", "abcdefgh", out, sizeof(out)), -ENAMETOOLONG);
	/* What would step out of the directory, or name none. */
	EXPECT_EQ(hostfs_child("a", "..", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(hostfs_child("", "..", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(hostfs_child("a", ".", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(hostfs_child("a", "", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(hostfs_child("a", "../x", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(hostfs_child("a", "x/y", out, sizeof(out)), -EINVAL);
	EXPECT_EQ(hostfs_child("a", "...", out, sizeof(out)), 0);	/* a name */
	EXPECT_STR(out, "a/...");
}

TEST(parents)
{
	EXPECT_EQ(hostfs_parent_len("a/b/c"), 3);
	EXPECT_EQ(hostfs_parent_len("a/b"), 1);
	EXPECT_EQ(hostfs_parent_len("b"), 0);
	EXPECT_EQ(hostfs_parent_len(""), 0);
}

TEST(host_paths)
{
	char out[12];

	EXPECT_EQ(hostfs_host_path("/srv", "", out, sizeof(out)), 0);
	EXPECT_STR(out, "/srv");
	EXPECT_EQ(hostfs_host_path("/srv", "a/b", out, sizeof(out)), 0);
	EXPECT_STR(out, "/srv/a/b");
	EXPECT_EQ(hostfs_host_path("/", "a", out, sizeof(out)), 0);
	EXPECT_STR(out, "/a");
	EXPECT_EQ(hostfs_host_path("rel", "x", out, sizeof(out)), 0);
	EXPECT_STR(out, "rel/x");
	EXPECT_EQ(hostfs_host_path("/srv", "abcdef", out, sizeof(out)), 0);
	EXPECT_STR(out, "/srv/abcdef");	/* 11 bytes and the NUL */
	EXPECT_EQ(hostfs_host_path("/srv", "abcdefg", out, sizeof(out)),
		  -ENAMETOOLONG);
	/* The longest root and rel always fit a HOSTFS_PATH_MAX buffer. */
	{
		char root[HOSTFS_ROOT_MAX], rel[HOSTFS_REL_MAX];
		char path[HOSTFS_PATH_MAX];

		memset(root, 'r', sizeof(root) - 1);
		root[sizeof(root) - 1] = '\0';
		memset(rel, 'n', sizeof(rel) - 1);
		rel[sizeof(rel) - 1] = '\0';
		EXPECT_EQ(hostfs_host_path(root, rel, path, sizeof(path)), 0);
		EXPECT_EQ(strlen(path), HOSTFS_PATH_MAX - 1);
	}
}

TEST(renames)
{
	char out[16];
	char rel[16] = "a/b/c";

	EXPECT_EQ(hostfs_renamed("a/b", "a/b", "z", out, sizeof(out)), 1);
	EXPECT_STR(out, "z");
	EXPECT_EQ(hostfs_renamed("a/b/c", "a", "dir", out, sizeof(out)), 1);
	EXPECT_STR(out, "dir/b/c");
	/* A name that only starts like the old one is someone else. */
	EXPECT_EQ(hostfs_renamed("ab", "a", "z", out, sizeof(out)), 0);
	EXPECT_EQ(hostfs_renamed("b/a", "a", "z", out, sizeof(out)), 0);
	EXPECT_EQ(hostfs_renamed("a/b", "a", "0123456789abcd", out, sizeof(out)),
		  -ENAMETOOLONG);
	/* In place, longer and shorter. */
	EXPECT_EQ(hostfs_renamed(rel, "a/b", "long/er", rel, sizeof(rel)), 1);
	EXPECT_STR(rel, "long/er/c");
	EXPECT_EQ(hostfs_renamed(rel, "long/er", "s", rel, sizeof(rel)), 1);
	EXPECT_STR(rel, "s/c");
}

TEST(inode_numbers)
{
	EXPECT_EQ(hostfs_ino(""), 1);
	EXPECT(hostfs_ino("a") > 1);
	EXPECT(hostfs_ino("a") != hostfs_ino("b"));
	EXPECT_EQ(hostfs_ino("a/b"), hostfs_ino("a/b"));
}

TEST(open_modes)
{
	EXPECT_EQ(hostfs_open_mode(O_RDONLY), SEMIHOST_RB);
	EXPECT_EQ(hostfs_open_mode(O_RDONLY | O_TRUNC), SEMIHOST_RB);
	EXPECT_EQ(hostfs_open_mode(O_RDONLY | O_APPEND), SEMIHOST_RB);
	EXPECT_EQ(hostfs_open_mode(O_WRONLY), SEMIHOST_RPLUSB);
	EXPECT_EQ(hostfs_open_mode(O_WRONLY | O_CREAT), SEMIHOST_RPLUSB);
	EXPECT_EQ(hostfs_open_mode(O_RDWR), SEMIHOST_RPLUSB);
	EXPECT_EQ(hostfs_open_mode(O_WRONLY | O_CREAT | O_TRUNC), SEMIHOST_WB);
	EXPECT_EQ(hostfs_open_mode(O_RDWR | O_TRUNC), SEMIHOST_WPLUSB);
	EXPECT_EQ(hostfs_open_mode(O_WRONLY | O_CREAT | O_APPEND), SEMIHOST_AB);
	EXPECT_EQ(hostfs_open_mode(O_RDWR | O_APPEND), SEMIHOST_APLUSB);
	/* O_APPEND wins over O_TRUNC: the VFS has truncated already. */
	EXPECT_EQ(hostfs_open_mode(O_WRONLY | O_TRUNC | O_APPEND), SEMIHOST_AB);
	EXPECT_EQ(hostfs_open_mode(O_ACCMODE), -EINVAL);
}

UNIT_MAIN(UNIT_CASE(options), UNIT_CASE(children), UNIT_CASE(parents),
	  UNIT_CASE(host_paths), UNIT_CASE(renames), UNIT_CASE(inode_numbers),
	  UNIT_CASE(open_modes))
