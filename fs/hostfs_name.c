// SPDX-License-Identifier: BSD-2-Clause
/*
 * hostfs's option, paths and open modes (fs/hostfs_priv.h): pure string
 * work, built unchanged into the host tests (tests/host/test_hostfs.c).
 *
 * Open modes.  Semihosting opens a host file with one of the ISO C fopen()
 * modes, a coarser choice than open()'s flags.  The VFS has done O_CREAT
 * (hostfs's create opens "ab", which makes the file without truncating
 * one the host made meanwhile) and O_TRUNC (a "wb" open) before the file
 * is opened for its I/O, so the mode only has to give the access:
 *   O_RDONLY                 "rb"
 *   O_WRONLY | O_APPEND      "ab"     O_RDWR | O_APPEND   "a+b"
 *   O_WRONLY | O_TRUNC       "wb"     O_RDWR | O_TRUNC    "w+b"
 *   O_WRONLY, O_RDWR         "r+b"
 * What cannot be said: a write-only open that neither truncates nor
 * appends ("r+b" also asks the host for read permission); O_EXCL (the VFS
 * looks the name up first, which a host-side creation can race); the
 * permission bits of a new file (the host picks them: 0644 under QEMU);
 * O_NONBLOCK, O_SYNC and friends (host files never block; writes reach
 * the host's write() at once).
 *
 * O_APPEND: QEMU until mid-2023 (Debian 12's 7.2 among them) opens "a" modes
 * without the host's O_APPEND, writing where the handle stands.  So hostfs
 * writes an O_APPEND file at its end itself (length, seek, write) with
 * either kind of host: not atomic against a writer on the host side.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include "hostfs_priv.h"

/* n bytes of a, a '/' when sep, then the string b, into out (size
 * bytes): 0 or -ENAMETOOLONG. */
static int join(const char *a, size_t n, bool sep, const char *b, char *out,
		size_t size)
{
	size_t k = strlen(b);

	if (n + sep + k >= size)
		return -ENAMETOOLONG;
	memmove(out, a, n);
	if (sep)
		out[n] = '/';
	memcpy(out + n + sep, b, k + 1);
	return 0;
}

int hostfs_parse_options(const char *data, char *root, size_t size,
			 const char **why)
{
	size_t n;

	*why = "no fs=PATH option (mount -t hostfs -o fs=PATH DIR)";
	if (!data || strncmp(data, "fs=", 3))
		return -EINVAL;
	data += 3;
	n = strlen(data);
	if (memchr(data, ',', n)) {
		*why = "one option only: fs=PATH";
		return -EINVAL;
	}
	if (!n || data[0] == ':') {
		*why = n ? "fs=PATH starting with ':' names a special host file"
			 : "empty fs= path";
		return -EINVAL;
	}
	while (n > 1 && data[n - 1] == '/')
		n--;
	*why = "fs= path too long";
	return join(data, n, false, "", root, size);
}

int hostfs_child(const char *dir, const char *name, char *out, size_t size)
{
	size_t d = strlen(dir);

	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strchr(name, '/'))
		return -EINVAL;
	return join(dir, d, d > 0, name, out, size);
}

size_t hostfs_parent_len(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return slash ? (size_t)(slash - rel) : 0;
}

int hostfs_host_path(const char *root, const char *rel, char *out,
		     size_t size)
{
	size_t r = strlen(root);

	/* "/" + "a" is "/a", not "//a". */
	return join(root, r, *rel && root[r - 1] != '/', rel, out, size);
}

int hostfs_renamed(const char *rel, const char *from, const char *to,
		   char *out, size_t size)
{
	size_t f = strlen(from), t = strlen(to), tail;

	if (strncmp(rel, from, f) || (rel[f] && rel[f] != '/'))
		return 0;
	tail = strlen(rel + f);
	if (t + tail >= size)
		return -ENAMETOOLONG;
	memmove(out + t, rel + f, tail + 1);	/* out may be rel */
	memcpy(out, to, t);
	return 1;
}

uint64_t hostfs_ino(const char *rel)
{
	/* FNV-1a, 64 bits; 1 is kept for the root. */
	uint64_t h = 0xcbf29ce484222325ull;

	if (!*rel)
		return 1;
	for (; *rel; rel++)
		h = (h ^ (unsigned char)*rel) * 0x100000001b3ull;
	return h <= 1 ? h + 2 : h;
}

int hostfs_open_mode(int flags)
{
	int acc = flags & O_ACCMODE;

	if (acc == O_RDONLY)
		return SEMIHOST_RB;
	if (acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	if (flags & O_APPEND)
		return acc == O_RDWR ? SEMIHOST_APLUSB : SEMIHOST_AB;
	if (flags & O_TRUNC)
		return acc == O_RDWR ? SEMIHOST_WPLUSB : SEMIHOST_WB;
	return SEMIHOST_RPLUSB;
}
