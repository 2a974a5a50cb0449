// SPDX-License-Identifier: BSD-2-Clause
/* Host tests of fs/path.c: components, joining, normalising, splitting. */
#include <errno.h>
#include <vireo/vfs.h>
#include "unit.h"

TEST(next_components)
{
	const char *p = "//a/bc///d/";
	char n[VFS_NAME_MAX + 1];

	EXPECT_EQ(path_next(&p, n, sizeof(n)), 1);
	EXPECT_STR(n, "a");
	EXPECT_EQ(path_next(&p, n, sizeof(n)), 2);
	EXPECT_STR(n, "bc");
	EXPECT(!path_at_end(p));
	EXPECT_EQ(path_next(&p, n, sizeof(n)), 1);
	EXPECT_STR(n, "d");
	EXPECT(path_at_end(p));
	EXPECT_EQ(path_next(&p, n, sizeof(n)), 0);
}

TEST(next_too_long)
{
	char big[VFS_NAME_MAX + 10], n[VFS_NAME_MAX + 1];
	const char *p = big;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	EXPECT_EQ(path_next(&p, n, sizeof(n)), -ENAMETOOLONG);
}

TEST(trailing_slash)
{
	EXPECT(path_trailing_slash("a/"));
	EXPECT(path_trailing_slash("/a//"));
	EXPECT(!path_trailing_slash("/"));
	EXPECT(!path_trailing_slash("a"));
	EXPECT(!path_trailing_slash(""));
}

TEST(absolute)
{
	char out[32];

	EXPECT_EQ(path_absolute("/tmp", "x/y", out, sizeof(out)), 0);
	EXPECT_STR(out, "/tmp/x/y");
	EXPECT_EQ(path_absolute("/tmp", "/etc", out, sizeof(out)), 0);
	EXPECT_STR(out, "/etc");
	EXPECT_EQ(path_absolute("/tmp", "", out, sizeof(out)), -ENOENT);
	EXPECT_EQ(path_absolute("/tmp", "0123456789012345678901234567890",
				out, sizeof(out)), -ENAMETOOLONG);
}

static const char *norm(const char *in)
{
	static char buf[64];

	strcpy(buf, in);
	return path_normalize(buf) ? "ERR" : buf;
}

TEST(normalize)
{
	EXPECT_STR(norm("/"), "/");
	EXPECT_STR(norm("//"), "/");
	EXPECT_STR(norm("/a/./b//c/"), "/a/b/c");
	EXPECT_STR(norm("/a/b/../c"), "/a/c");
	EXPECT_STR(norm("/.."), "/");
	EXPECT_STR(norm("/a/../.."), "/");
	EXPECT_STR(norm("/a/..b/.c"), "/a/..b/.c");
	EXPECT_STR(norm("rel"), "ERR");
}

static int split(const char *p, char *d, char *l)
{
	return path_split(p, d, 32, l, VFS_NAME_MAX + 1);
}

TEST(split_cases)
{
	char d[32], l[VFS_NAME_MAX + 1];

	EXPECT_EQ(split("/a/b", d, l), 0);
	EXPECT_STR(d, "/a");
	EXPECT_STR(l, "b");
	EXPECT_EQ(split("a/b/", d, l), 0);
	EXPECT_STR(d, "a");
	EXPECT_STR(l, "b");
	EXPECT_EQ(split("b", d, l), 0);
	EXPECT_STR(d, ".");
	EXPECT_STR(l, "b");
	EXPECT_EQ(split("/b", d, l), 0);
	EXPECT_STR(d, "/");
	EXPECT_STR(l, "b");
	EXPECT_EQ(split("//x//y//", d, l), 0);
	EXPECT_STR(d, "//x");
	EXPECT_STR(l, "y");
	EXPECT_EQ(split("/", d, l), -ENOENT);
	EXPECT_EQ(split("", d, l), -ENOENT);
}

UNIT_MAIN(UNIT_CASE(next_components), UNIT_CASE(next_too_long),
	  UNIT_CASE(trailing_slash), UNIT_CASE(absolute), UNIT_CASE(normalize),
	  UNIT_CASE(split_cases))
