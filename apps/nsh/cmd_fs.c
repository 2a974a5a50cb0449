// SPDX-License-Identifier: BSD-2-Clause
/*
 * File-system commands: ls, cat, pwd, cd, mkdir, rmdir, rm, cp, mv, ln,
 * touch, truncate, mkfifo, mount, umount, df, sync and blkdiscard.  POSIX
 * calls only (and the block-device ioctls); every failure prints
 * "cmd: path: reason" from strerror(errno).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include "nsh.h"

#define PATH_BYTES 256

/* Options as "-ab" words before the operands; returns the first operand
 * index or -1 for an unknown option.  flags gets one bit per letter. */
static int options(int argc, char **argv, const char *known, unsigned *flags)
{
	int i = 1;

	*flags = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		for (const char *o = argv[i] + 1; *o; o++) {
			const char *k = strchr(known, *o);

			if (!k)
				return -1;
			*flags |= 1u << (k - known);
		}
	}
	return i;
}

/* dir/name into out (PATH_BYTES): 0, or -1 with ENAMETOOLONG when it
 * does not fit (a cut path would name another file). */
static int join(char *out, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (snprintf(out, PATH_BYTES, "%s%s%s", dir,
		     n && dir[n - 1] == '/' ? "" : "/", name) < PATH_BYTES)
		return 0;
	errno = ENAMETOOLONG;
	return -1;
}

/* ---- ls ---- */

#define LS_L 1
#define LS_A 2
#define LS_R 4

/* One line for path; an entry that cannot be looked at (removed
 * meanwhile, a broken mount) is an error, not a line of garbage. */
static int ls_entry(const char *path, const char *name, unsigned flags)
{
	struct stat st;
	bool dir;

	if (lstat(path, &st) != 0)
		return nsh_fail("ls", path);
	dir = S_ISDIR(st.st_mode);
	if (flags & LS_L) {
		char mode[11] = "----------";
		const char *rwx = "rwxrwxrwx";

		mode[0] = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' :
			  S_ISFIFO(st.st_mode) ? 'p' : S_ISCHR(st.st_mode) ? 'c' :
			  S_ISBLK(st.st_mode) ? 'b' : '-';
		for (int b = 0; b < 9; b++)
			if (st.st_mode & (0400 >> b))
				mode[b + 1] = rwx[b];
		printf(" %s %8lld %s%s\n", mode, (long long)st.st_size, name,
		       dir ? "/" : "");
	} else {
		printf(" %s%s\n", name, dir ? "/" : "");
	}
	return 0;
}

/* ls -R recurses (each level holds an open directory; the path is on
 * the heap to keep the frame small) until the stack runs short. */
static int ls_dir(const char *path, unsigned flags)
{
	DIR *d;
	struct dirent *e;
	char *sub;
	int status = 0;

	if (nsh_too_deep("ls"))
		return 1;
	if (!(sub = malloc(PATH_BYTES)))
		return nsh_fail("ls", path);
	if (!(d = opendir(path))) {
		free(sub);
		return nsh_fail("ls", path);
	}
	printf("%s:\n", path);
	while (!nsh_interrupted() && (e = readdir(d))) {
		if (e->d_name[0] == '.' && !(flags & LS_A))
			continue;
		if (join(sub, path, e->d_name))
			status |= nsh_fail("ls", e->d_name);
		else
			status |= ls_entry(sub, e->d_name, flags);
	}
	if (flags & LS_R) {
		rewinddir(d);
		while (!nsh_interrupted() && (e = readdir(d))) {
			struct stat st;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (join(sub, path, e->d_name) == 0 &&
			    lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				status |= ls_dir(sub, flags);
		}
	}
	closedir(d);
	free(sub);
	return status;
}

static int ls_path(const char *path, unsigned flags)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return nsh_fail("ls", path);
	if (S_ISDIR(st.st_mode))
		return ls_dir(path, flags);
	return ls_entry(path, path, flags);
}

static int cmd_ls(struct nsh *sh, int argc, char **argv)
{
	unsigned flags;
	int i = options(argc, argv, "laR", &flags), status = 0;
	char cwd[PATH_BYTES];

	if (i < 0)
		return nsh_usage("ls");
	if (i == argc)
		return ls_path(getcwd(cwd, sizeof(cwd)) ? cwd : ".", flags);
	for (; i < argc; i++)
		status |= ls_path(argv[i], flags);
	return status;
}
NSH_COMMAND(ls, cmd_ls, "ls [-l] [-a] [-R] [PATH...]",
	    "List directory contents (-l long, -a all, -R recursive)");

/* ---- cat, pwd, cd ---- */

/* Copies fd in to fd out; returns 0 or -1 with errno. */
static int copy_fd(int in, int out)
{
	char buf[512];
	ssize_t n;

	while ((n = nsh_read(in, buf, sizeof(buf))) > 0)
		for (ssize_t w = 0, r; w < n; w += r)
			if ((r = write(out, buf + w, (size_t)(n - w))) < 0)
				return -1;
	return n < 0 ? -1 : 0;
}

int nsh_print_file(const char *cmd, const char *path)
{
	int fd = open(path, O_RDONLY), status = 0;

	fflush(stdout);
	if (fd < 0 || copy_fd(fd, 1) < 0)
		status = nsh_fail(cmd, path);
	if (fd >= 0)
		close(fd);
	return status;
}

static int cmd_cat(struct nsh *sh, int argc, char **argv)
{
	int status = 0;

	fflush(stdout);
	if (argc == 1)
		return copy_fd(0, 1) ? nsh_fail("cat", "stdin") : 0;
	for (int i = 1; i < argc; i++)
		if (nsh_print_file("cat", argv[i]))
			status = 1;
	return status;
}
NSH_COMMAND(cat, cmd_cat, "cat [FILE...]",
	    "Write files (or standard input) to standard output");

static int cmd_pwd(struct nsh *sh, int argc, char **argv)
{
	char cwd[PATH_BYTES];

	if (argc != 1)
		return nsh_usage("pwd");
	if (!getcwd(cwd, sizeof(cwd)))
		return nsh_fail("pwd", ".");
	printf("%s\n", cwd);
	return 0;
}
NSH_COMMAND(pwd, cmd_pwd, "pwd", "Print the working directory");

static int cmd_cd(struct nsh *sh, int argc, char **argv)
{
	const char *to = argc > 1 ? argv[1] : getenv("HOME");

	if (argc > 2)
		return nsh_usage("cd");
	if (!to)
		to = "/";
	if (chdir(to) != 0)
		return nsh_fail("cd", to);
	return 0;
}
NSH_COMMAND(cd, cmd_cd, "cd [DIR]", "Change the working directory");

/* ---- mkdir, rmdir, rm ---- */

static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int cmd_mkdir(struct nsh *sh, int argc, char **argv)
{
	unsigned p;
	int i = options(argc, argv, "p", &p), status = 0;

	if (i < 0 || i == argc)
		return nsh_usage("mkdir");
	for (; i < argc; i++)
		if (p ? mkdir_parents(argv[i]) : mkdir(argv[i], 0777))
			status = nsh_fail("mkdir", argv[i]);
	return status;
}
NSH_COMMAND(mkdir, cmd_mkdir, "mkdir [-p] DIR...",
	    "Create directories (-p: with their parents, no error if present)");

static int cmd_rmdir(struct nsh *sh, int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return nsh_usage("rmdir");
	for (int i = 1; i < argc; i++)
		if (rmdir(argv[i]) != 0)
			status = nsh_fail("rmdir", argv[i]);
	return status;
}
NSH_COMMAND(rmdir, cmd_rmdir, "rmdir DIR...", "Remove empty directories");

/* Appends dir's first entry other than . and .. to path (a directory);
 * 1 when there was one, 0 when dir is empty, -1 with errno. */
static int descend(char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int r = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")))
		;
	if (e) {
		size_t n = strlen(path);

		if (n + 1 + strlen(e->d_name) >= PATH_BYTES) {
			errno = ENAMETOOLONG;
			r = -1;
		} else {
			snprintf(path + n, PATH_BYTES - n, "/%s", e->d_name);
			r = 1;
		}
	}
	closedir(d);
	return r;
}

/*
 * rm -r without recursion, so that no depth of tree can overflow the
 * shell's stack: go down to the first entry until a file or an empty
 * directory, remove it, climb one level, repeat until top is gone.
 */
static int remove_tree(const char *top)
{
	char path[PATH_BYTES];
	size_t top_len = strlen(top);
	struct stat st;
	int r;

	while (top_len > 1 && top[top_len - 1] == '/')
		top_len--;
	if (top_len >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, top, top_len);
	path[top_len] = '\0';
	for (;;) {
		if (nsh_interrupted()) {
			errno = EINTR;
			return -1;
		}
		if (lstat(path, &st) != 0)
			return -1;
		r = S_ISDIR(st.st_mode) ? descend(path) : unlink(path);
		if (r < 0)
			return -1;
		if (r == 1)
			continue;
		if (S_ISDIR(st.st_mode) && rmdir(path) != 0)
			return -1;
		if (strlen(path) == top_len)
			return 0;
		*strrchr(path, '/') = '\0';
	}
}

static int cmd_rm(struct nsh *sh, int argc, char **argv)
{
	unsigned r;
	int i = options(argc, argv, "rf", &r), status = 0;

	if (i < 0 || i == argc)
		return nsh_usage("rm");
	for (; i < argc; i++)
		if ((r & 1) ? remove_tree(argv[i]) : unlink(argv[i]))
			status = nsh_fail("rm", argv[i]);
	return status;
}
NSH_COMMAND(rm, cmd_rm, "rm [-r] FILE...",
	    "Remove files (-r: directories and their contents)");

/* ---- cp, mv, ln, touch, truncate, mkfifo ---- */

/* The destination path: into dst when it is a directory; NULL (errno
 * ENAMETOOLONG) when that path is too long. */
static const char *target_path(const char *src, const char *dst, char *buf)
{
	struct stat st;
	const char *base = strrchr(src, '/');

	if (stat(dst, &st) != 0 || !S_ISDIR(st.st_mode))
		return dst;
	return join(buf, dst, base ? base + 1 : src) ? NULL : buf;
}

static int cmd_cp(struct nsh *sh, int argc, char **argv)
{
	char buf[PATH_BYTES];
	const char *to;
	int in, out, r;

	if (argc != 3)
		return nsh_usage("cp");
	if (!(to = target_path(argv[1], argv[2], buf)))
		return nsh_fail("cp", argv[2]);
	if ((in = open(argv[1], O_RDONLY)) < 0)
		return nsh_fail("cp", argv[1]);
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666)) < 0) {
		close(in);
		return nsh_fail("cp", to);
	}
	r = copy_fd(in, out);
	if (r)
		nsh_fail("cp", to);
	close(in);
	close(out);
	return r ? 1 : 0;
}
NSH_COMMAND(cp, cmd_cp, "cp SOURCE DEST", "Copy a file");

static int cmd_mv(struct nsh *sh, int argc, char **argv)
{
	char buf[PATH_BYTES];
	const char *to;

	if (argc != 3)
		return nsh_usage("mv");
	if (!(to = target_path(argv[1], argv[2], buf)))
		return nsh_fail("mv", argv[2]);
	if (rename(argv[1], to) != 0)
		return nsh_fail("mv", argv[1]);
	return 0;
}
NSH_COMMAND(mv, cmd_mv, "mv SOURCE DEST", "Rename or move a file");

static int cmd_ln(struct nsh *sh, int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[1], "-s") != 0)
		return nsh_usage("ln");
	if (symlink(argv[2], argv[3]) != 0)
		return nsh_fail("ln", argv[3]);
	return 0;
}
NSH_COMMAND(ln, cmd_ln, "ln -s TARGET LINK", "Make a symbolic link");

static int cmd_touch(struct nsh *sh, int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return nsh_usage("touch");
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);

		if (fd < 0)
			status = nsh_fail("touch", argv[i]);
		else
			close(fd);
	}
	return status;
}
NSH_COMMAND(touch, cmd_touch, "touch FILE...", "Create empty files");

static int cmd_truncate(struct nsh *sh, int argc, char **argv)
{
	long len;

	if (argc != 4 || strcmp(argv[1], "-s") != 0)
		return nsh_usage("truncate");
	if (!nsh_parse_size("truncate", argv[2], &len) || len < 0)
		return NSH_STATUS_USAGE;
	if (truncate(argv[3], len) != 0)
		return nsh_fail("truncate", argv[3]);
	return 0;
}
NSH_COMMAND(truncate, cmd_truncate, "truncate -s SIZE FILE",
	    "Set the size of a file");

static int cmd_mkfifo(struct nsh *sh, int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return nsh_usage("mkfifo");
	for (int i = 1; i < argc; i++)
		if (mkfifo(argv[i], 0666) != 0)
			status = nsh_fail("mkfifo", argv[i]);
	return status;
}
NSH_COMMAND(mkfifo, cmd_mkfifo, "mkfifo PATH...", "Make named pipes");

/* ---- mount, umount, df ---- */

static int cmd_mount(struct nsh *sh, int argc, char **argv)
{
	const char *type = NULL, *opts = NULL, *source, *target;
	int i = 1;

	if (argc == 1)
		return nsh_print_file("mount", "/proc/mounts");
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "-t"))
			type = argv[i + 1];
		else if (!strcmp(argv[i], "-o"))
			opts = argv[i + 1];
		else
			return nsh_usage("mount");
	}
	if (!type || argc - i < 1 || argc - i > 2)
		return nsh_usage("mount");
	target = argv[argc - 1];
	source = argc - i == 2 ? argv[i] : type;
	if (mount(source, target, type, 0, opts) != 0)
		return nsh_fail("mount", target);
	return 0;
}
NSH_COMMAND(mount, cmd_mount, "mount [-t TYPE [-o OPTIONS] [SOURCE] TARGET]",
	    "Mount a file system, or list the mounts");

static int cmd_umount(struct nsh *sh, int argc, char **argv)
{
	if (argc != 2)
		return nsh_usage("umount");
	if (umount(argv[1]) != 0)
		return nsh_fail("umount", argv[1]);
	return 0;
}
NSH_COMMAND(umount, cmd_umount, "umount TARGET", "Unmount a file system");

static void human(char *buf, size_t size, unsigned long long bytes)
{
	const char *units = "BKMGT";
	int u = 0;

	while (bytes >= 10240 && units[u + 1]) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, size, "%llu%c", bytes, units[u]);
}

static void df_line(const char *mnt, bool h)
{
	struct statfs st;
	unsigned long long total, freeb;
	char a[16], b[16], c[16];

	if (statfs(mnt, &st) != 0)
		return;
	total = st.f_blocks * st.f_bsize;
	freeb = st.f_bfree * st.f_bsize;
	if (h) {
		human(a, sizeof(a), total);
		human(b, sizeof(b), total - freeb);
		human(c, sizeof(c), freeb);
		printf("%8s %8s %8s %s\n", a, b, c, mnt);
	} else {
		printf("%10llu %10llu %10llu %s\n", total / 1024,
		       (total - freeb) / 1024, freeb / 1024, mnt);
	}
}

static int cmd_df(struct nsh *sh, int argc, char **argv)
{
	bool h = argc == 2 && !strcmp(argv[1], "-h");
	char line[160], mnt[128];
	FILE *f;

	if (argc > 2 || (argc == 2 && !h))
		return nsh_usage("df");
	if (!(f = fopen("/proc/mounts", "r")))
		return nsh_fail("df", "/proc/mounts");
	printf(h ? "%8s %8s %8s %s\n" : "%10s %10s %10s %s\n",
	       h ? "Size" : "1K-blocks", "Used", "Avail", "Mounted on");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %127s", mnt) == 1)
			df_line(mnt, h);
	fclose(f);
	return 0;
}
NSH_COMMAND(df, cmd_df, "df [-h]", "Show file-system space (-h: human units)");

/* A failed write-back is logged by the block layer (sync() has no
 * result to give). */
static int cmd_sync(struct nsh *sh, int argc, char **argv)
{
	if (argc != 1)
		return nsh_usage("sync");
	sync();
	return 0;
}
NSH_COMMAND(sync, cmd_sync, "sync", "Write cached data to the disks");

/* blkdiscard [-z] [-o OFFSET] [-l LENGTH] DEVICE: whole blocks; the
 * length defaults to the rest of the device. */
static int cmd_blkdiscard(struct nsh *sh, int argc, char **argv)
{
	long off = 0, len = -1;
	uint64_t range[2], size;
	bool zero = false;
	int i, fd, r;

	for (i = 1; i < argc - 1; i++) {
		long *val = !strcmp(argv[i], "-o") ? &off :
			    !strcmp(argv[i], "-l") ? &len : NULL;

		if (!strcmp(argv[i], "-z")) {
			zero = true;
			continue;
		}
		if (!val || i + 1 >= argc - 1)
			return nsh_usage("blkdiscard");
		if (!nsh_parse_size("blkdiscard", argv[++i], val))
			return 1;
	}
	if (argc < 2 || off < 0 || len < -1)
		return nsh_usage("blkdiscard");
	if ((fd = open(argv[argc - 1], O_WRONLY)) < 0)
		return nsh_fail("blkdiscard", argv[argc - 1]);
	r = ioctl(fd, BLKGETSIZE64, &size);
	if (!r) {
		range[0] = (uint64_t)off;
		range[1] = len < 0 ? size - MIN(size, range[0]) : (uint64_t)len;
		r = ioctl(fd, zero ? BLKZEROOUT : BLKDISCARD, range);
	}
	if (r)
		nsh_fail("blkdiscard", argv[argc - 1]);
	close(fd);
	return r ? 1 : 0;
}
NSH_COMMAND(blkdiscard, cmd_blkdiscard, "blkdiscard [-z] [-o OFFSET] [-l LENGTH] DEVICE",
	    "Discard (-z: zero) a range of a block device");
