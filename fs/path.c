// SPDX-License-Identifier: BSD-2-Clause
/*
 * Path strings: splitting into components, joining with the working
 * directory and lexical normalisation.  No file system is consulted here
 * (symlinks and mount points are the resolver's business in vfs.c), so
 * this builds unchanged on the host and is unit-tested there.
 */
#include <errno.h>
#include <string.h>
#include <vireo/vfs.h>

int path_next(const char **p, char *name, size_t size)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == '/')
		s++;
	while (s[n] && s[n] != '/')
		n++;
	if (n == 0) {
		*p = s;
		return 0;
	}
	if (n >= size || n > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, s, n);
	name[n] = '\0';
	s += n;
	while (*s == '/')
		s++;
	*p = s;
	return (int)n;
}

bool path_at_end(const char *p)
{
	while (*p == '/')
		p++;
	return *p == '\0';
}

bool path_trailing_slash(const char *path)
{
	size_t n = strlen(path);
	size_t i = n;

	if (n == 0 || path[n - 1] != '/')
		return false;
	while (i > 0 && path[i - 1] == '/')
		i--;
	return i > 0;
}

int path_absolute(const char *cwd, const char *path, char *out, size_t size)
{
	size_t cl, pl;

	if (!*path)
		return -ENOENT;
	pl = strlen(path);
	if (path[0] == '/') {
		if (pl >= size)
			return -ENAMETOOLONG;
		memcpy(out, path, pl + 1);
		return 0;
	}
	cl = strlen(cwd);
	if (cl + 1 + pl >= size)
		return -ENAMETOOLONG;
	memcpy(out, cwd, cl);
	out[cl] = '/';
	memcpy(out + cl + 1, path, pl + 1);
	return 0;
}

/* Appends "/name" to out of length *len; removes the last component for
 * "..".  out has room: the result is never longer than the input. */
static void push_component(char *out, size_t *len, const char *name,
			   size_t n)
{
	if (n == 1 && name[0] == '.')
		return;
	if (n == 2 && name[0] == '.' && name[1] == '.') {
		while (*len > 0 && out[*len - 1] != '/')
			(*len)--;
		if (*len > 0)
			(*len)--;	/* the slash before it */
		return;
	}
	out[(*len)++] = '/';
	memcpy(out + *len, name, n);
	*len += n;
}

int path_normalize(char *path)
{
	const char *s = path;
	size_t len = 0;

	if (path[0] != '/')
		return -EINVAL;
	/* Writing never overtakes reading: each output component is at most
	 * as long as the input that produced it. */
	while (*s) {
		size_t n = 0;
		while (*s == '/')
			s++;
		while (s[n] && s[n] != '/')
			n++;
		if (n) {
			char tmp[VFS_NAME_MAX + 1];
			size_t c = n > VFS_NAME_MAX ? VFS_NAME_MAX : n;
			memcpy(tmp, s, c);
			push_component(path, &len, tmp, c);
		}
		s += n;
	}
	if (len == 0)
		path[len++] = '/';
	path[len] = '\0';
	return 0;
}

int path_split(const char *path, char *dir, size_t dsize, char *last,
	       size_t lsize)
{
	size_t end = strlen(path), start, dend;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return -ENOENT;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (end - start >= lsize || end - start > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(last, path + start, end - start);
	last[end - start] = '\0';
	dend = start;
	while (dend > 0 && path[dend - 1] == '/')
		dend--;
	if (start == 0) {
		dend = 1;
		path = ".";
	} else if (dend == 0) {
		dend = 1;	/* "/b": the root */
	}
	if (dend >= dsize)
		return -ENAMETOOLONG;
	memcpy(dir, path, dend);
	dir[dend] = '\0';
	return 0;
}
