// SPDX-License-Identifier: BSD-2-Clause
/*
 * procfs at /proc: system state as text files.  A file's text is
 * generated whole when it is opened, so a reader sees one consistent
 * snapshot however small its reads.  Vnodes are made on lookup and freed
 * when the last reference goes; per-task directories are named by pid,
 * taken from the thread snapshot (a thread's pid is its task's).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/clock.h>
#include <vireo/cpu.h>
#include <vireo/file.h>
#include <vireo/irq.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/pci.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/vmspace.h>
#include "fs_priv.h"

#define MAX_THREADS 128

enum pkind { P_ROOT, P_FILE, P_SELF, P_PIDDIR, P_PIDFILE, P_FDDIR, P_FDLINK };

struct pnode {
	struct vnode vn;
	enum pkind kind;
	int gen;	/* P_FILE, P_PIDFILE: index in its table */
	int pid;
	int fd;
};

struct pbuf {
	char *b;
	size_t len, cap;
};

static void pb_printf(struct pbuf *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(p->b ? p->b + p->len : NULL,
			      p->b ? p->cap - p->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (p->b && p->len + (size_t)n < p->cap) {
			p->len += (size_t)n;
			return;
		}
		size_t cap = p->cap ? p->cap * 2 : 512;
		while (cap < p->len + (size_t)n + 1)
			cap *= 2;
		char *nb = krealloc(p->b, cap);
		if (!nb)
			return;
		p->b = nb;
		p->cap = cap;
	}
}

/* ---- generators ---- */

static void gen_meminfo(struct pbuf *p, int pid)
{
	struct mm_stats st;

	(void)pid;
	unsigned int pt_pool, pt_heap;

	mm_get_stats(&st);
	mmu_get_table_stats(&pt_pool, &pt_heap);
	pb_printf(p, "MemTotal: %8zu kB\nMemUsed:  %8zu kB\nMemFree:  %8zu kB\n"
		  "Largest:  %8zu kB\nBlocks:   %8zu\n", st.total / 1024,
		  st.used / 1024, st.free / 1024, st.largest_free / 1024,
		  st.nr_used);
	/* Translation tables: all of them, and those the heap gave (counted
	 * in MemUsed, never freed). */
	pb_printf(p, "PageTables: %6lu kB\nPageTablesHeap: %u\n",
		  (unsigned long)(pt_pool + pt_heap) * (PAGE_SIZE / 1024), pt_heap);
}

/* CPU i's idle time up to now, the idle period it is in included. */
static uint64_t cpu_idle_ns(int i, uint64_t now)
{
	uint64_t since = READ_ONCE(cpus[i].idle_since_ns);
	uint64_t idle = cpus[i].idle_ns + (since && since < now ? now - since : 0);

	return MIN(idle, now);
}

static void gen_uptime(struct pbuf *p, int pid)
{
	uint64_t up = clock_monotonic_ns(), idle = 0;
	int i;

	(void)pid;
	for (i = 0; i < CONFIG_SMP_NCPUS; i++)
		if (cpus[i].online)
			idle += cpu_idle_ns(i, up);
	pb_printf(p, "%llu.%02llu %llu.%02llu\n",
		  (unsigned long long)(up / NSEC_PER_SEC),
		  (unsigned long long)(up % NSEC_PER_SEC / 10000000),
		  (unsigned long long)(idle / NSEC_PER_SEC),
		  (unsigned long long)(idle % NSEC_PER_SEC / 10000000));
}

static void gen_version(struct pbuf *p, int pid)
{
	(void)pid;
	pb_printf(p, "Vireo version %s %s %s\n", CONFIG_VERSION_STRING,
		  VIREO_BUILD_DATE, VIREO_BOARD_CONFIG);
}

static void gen_cpuinfo(struct pbuf *p, int pid)
{
	int i;

	(void)pid;
	/* Load: the share of the time since boot this CPU was not idle
	 * (secondaries start a few milliseconds after boot). */
	uint64_t up = clock_monotonic_ns();
	for (i = 0; i < CONFIG_SMP_NCPUS; i++) {
		if (!cpus[i].online)
			continue;
		uint64_t idle = cpu_idle_ns(i, up);
		pb_printf(p, "processor\t: %d\nmodel name\t: ARMv8-A (AArch64)\n"
			  "mpidr\t\t: 0x%llx\nonline\t\t: yes\n"
			  "switches\t: %llu\nidle ms\t\t: %llu\nload\t\t: %llu%%\n\n",
			  cpus[i].id, (unsigned long long)cpus[i].mpidr,
			  (unsigned long long)cpus[i].switches,
			  (unsigned long long)(idle / NSEC_PER_MSEC),
			  (unsigned long long)(up ? (up - idle) * 100 / up : 0));
	}
}

/* The 1-, 5- and 15-minute load averages (kernel/loadavg.c), then the
 * runnable and total thread counts and the last thread id. */
static void gen_loadavg(struct pbuf *p, int pid)
{
	struct thread_info *ti = kcalloc(MAX_THREADS, sizeof(*ti));
	int n, i, running = 0, last = 0;

	(void)pid;
	if (!ti)
		return;
	n = thread_snapshot(ti, MAX_THREADS);
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	for (i = 0; i < n; i++) {
		if ((ti[i].state == THREAD_READY || ti[i].state == THREAD_RUNNING)
		    && ti[i].prio != SCHED_PRIO_IDLE)
			running++;
		if (ti[i].tid > last)
			last = ti[i].tid;
	}
	unsigned int la[3];

	loadavg_get(la);
	pb_printf(p, "%u.%02u %u.%02u %u.%02u %d/%d %d\n", la[0] / 100, la[0] % 100,
		  la[1] / 100, la[1] % 100, la[2] / 100, la[2] % 100, running, n, last);
	free(ti);
}

static void gen_interrupts(struct pbuf *p, int pid)
{
	struct irq_info info[64];
	int n = irq_get_info(info, 64), i;

	(void)pid;
	if (n > 64)
		n = 64;
	pb_printf(p, "%6s %12s  %s\n", "INTID", "COUNT", "NAME");
	for (i = 0; i < n; i++)
		pb_printf(p, "%6u %12llu  %s %s\n", info[i].intid,
			  (unsigned long long)info[i].count, irq_chip_name(),
			  info[i].name ? info[i].name : "");
}

/* Every PCI function, as lspci prints it. */
static void gen_pci(struct pbuf *p, int pid)
{
	char line[512];

	(void)pid;
	if (!IS_ENABLED(CONFIG_PCI))
		return;		/* no bus code built: no devices */
	for (struct pci_dev *d = pci_dev_first(); d; d = d->next) {
		pci_format_dev(d, line, sizeof(line));
		pb_printf(p, "%s\n", line);
	}
}

static void mount_line(struct mount *m, void *ctx)
{
	pb_printf(ctx, "%s %s %s %s 0 0\n", m->source, m->path, m->type->name,
		  m->flags & MS_RDONLY ? "ro" : "rw");
}

static void gen_mounts(struct pbuf *p, int pid)
{
	(void)pid;
	vfs_for_each_mount(mount_line, p);
}

static void gen_arm64fpu(struct pbuf *p, int pid)
{
	int i;

	(void)pid;
	for (i = 0; i < CONFIG_SMP_NCPUS; i++)
		if (cpus[i].online)
			pb_printf(p, "CPU%d: save: %llu restore: %llu switch: %llu "
			  "exedepth: %u\n", i,
			  (unsigned long long)cpus[i].fpu_saves,
			  (unsigned long long)cpus[i].fpu_restores,
			  (unsigned long long)cpus[i].switches,
			  cpus[i].exception_depth);
}

/* The threads of task pid: returns how many, in *out (free it). */
static int task_threads(int pid, struct thread_info **out)
{
	struct thread_info *ti = kcalloc(MAX_THREADS, sizeof(*ti));
	int n, i, k = 0;

	*out = ti;
	if (!ti)
		return 0;
	n = thread_snapshot(ti, MAX_THREADS);
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	for (i = 0; i < n; i++)
		if (ti[i].pid == pid)
			ti[k++] = ti[i];
	return k;
}

static void gen_status(struct pbuf *p, int pid)
{
	struct thread_info *ti;
	int n = task_threads(pid, &ti), i;

	if (n == 0) {
		free(ti);
		return;
	}
	pb_printf(p, "Name:\t%s\nPid:\t%d\nState:\t%s\nThreads:\t%d\n",
		  ti[0].name, pid, thread_state_name(ti[0].state), n);
	for (i = 0; i < n; i++)
		pb_printf(p, "Thread:\t%d %s prio %d %s cpu %d time %llu us\n",
			  ti[i].tid, ti[i].name, ti[i].prio,
			  ti[i].policy == POLICY_RR ? "RR" : "FIFO", ti[i].cpu,
			  (unsigned long long)(ti[i].cpu_ns / 1000));
	free(ti);
}

static void gen_cmdline(struct pbuf *p, int pid)
{
	char line[256];

	if (task_cmdline(pid, line, sizeof(line)) >= 0)
		pb_printf(p, "%s\n", line);
}

static void gen_stack(struct pbuf *p, int pid)
{
	struct thread_info *ti;
	int n = task_threads(pid, &ti), i;

	for (i = 0; i < n; i++)
		pb_printf(p, "%d %s: size %zu used %zu\n", ti[i].tid, ti[i].name,
			  ti[i].stack_size, ti[i].stack_used);
	free(ti);
}

static void map_line(uintptr_t start, uintptr_t end, int prot,
		     enum vm_kind kind, void *ctx)
{
	char line[64];

	vm_region_format(line, sizeof(line), start, end, prot, kind);
	pb_printf(ctx, "%s\n", line);
}

/* One line per region of the task's user space (none without one). */
static void gen_maps(struct pbuf *p, int pid)
{
	struct vmspace *vs = task_vmspace_get(pid);

	if (!vs)
		return;
	vmspace_for_each_region(vs, map_line, p);
	vmspace_destroy(vs);	/* our reference */
}

struct pfile {
	const char *name;
	void (*gen)(struct pbuf *p, int pid);
};

static const struct pfile root_files[] = {
	{ "arm64fpu", gen_arm64fpu }, { "cpuinfo", gen_cpuinfo },
	{ "interrupts", gen_interrupts }, { "loadavg", gen_loadavg },
	{ "meminfo", gen_meminfo }, { "mounts", gen_mounts },
	{ "pci", gen_pci },
	{ "uptime", gen_uptime }, { "version", gen_version },
};
#define NROOT ((int)(sizeof(root_files) / sizeof(root_files[0])))

static const struct pfile pid_files[] = {
	{ "cmdline", gen_cmdline }, { "maps", gen_maps }, { "stack", gen_stack },
	{ "status", gen_status },
};
#define NPID ((int)(sizeof(pid_files) / sizeof(pid_files[0])))

/* ---- vnodes ---- */

static const struct vnode_ops proc_vops;

static struct vnode *pnode_new(struct mount *m, enum pkind kind, int pid,
			       int gen, int fd)
{
	struct pnode *n = kcalloc(1, sizeof(*n));
	static const mode_t modes[] = {
		[P_ROOT] = S_IFDIR | 0555, [P_FILE] = S_IFREG | 0444,
		[P_SELF] = S_IFLNK | 0777, [P_PIDDIR] = S_IFDIR | 0555,
		[P_PIDFILE] = S_IFREG | 0444, [P_FDDIR] = S_IFDIR | 0500,
		[P_FDLINK] = S_IFLNK | 0700,
	};

	if (!n)
		return NULL;
	n->vn.ops = &proc_vops;
	n->vn.mnt = m;
	n->vn.mode = modes[kind];
	n->vn.refs = 1;
	n->vn.priv = n;
	n->vn.ino = ((uint64_t)pid << 16) | ((uint64_t)kind << 12) |
		    (uint64_t)((gen + 1) * 64 + fd + 1);
	n->kind = kind;
	n->pid = pid;
	n->gen = gen;
	n->fd = fd;
	return &n->vn;
}

static int self_pid(void)
{
	return task_pid(task_current());
}

static bool pid_exists(int pid)
{
	struct thread_info *ti;
	int n = task_threads(pid, &ti);

	free(ti);
	return n > 0;
}

/* The distinct pids, ascending, into pids[max]; returns the count. */
static int list_pids(int *pids, int max)
{
	struct thread_info *ti = kcalloc(MAX_THREADS, sizeof(*ti));
	int n, i, j, k = 0;

	if (!ti)
		return 0;
	n = thread_snapshot(ti, MAX_THREADS);
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	for (i = 0; i < n; i++) {
		int pid = ti[i].pid;
		for (j = 0; j < k && pids[j] != pid; j++)
			;
		if (j < k || k == max)
			continue;
		for (j = k++; j > 0 && pids[j - 1] > pid; j--)
			pids[j] = pids[j - 1];
		pids[j] = pid;
	}
	free(ti);
	return k;
}

static int parse_num(const char *s)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static int lookup_in(struct pnode *d, const char *name, struct vnode **out)
{
	int i, v;

	if (d->kind == P_ROOT) {
		for (i = 0; i < NROOT; i++)
			if (!strcmp(name, root_files[i].name))
				return (*out = pnode_new(d->vn.mnt, P_FILE, 0, i,
							 0)) ? 0 : -ENOMEM;
		if (!strcmp(name, "self"))
			return (*out = pnode_new(d->vn.mnt, P_SELF, 0, 0, 0))
				       ? 0 : -ENOMEM;
		v = parse_num(name);
		if (v < 0 || !pid_exists(v))
			return -ENOENT;
		return (*out = pnode_new(d->vn.mnt, P_PIDDIR, v, 0, 0)) ? 0
									: -ENOMEM;
	}
	if (d->kind == P_PIDDIR) {
		for (i = 0; i < NPID; i++)
			if (!strcmp(name, pid_files[i].name))
				return (*out = pnode_new(d->vn.mnt, P_PIDFILE,
							 d->pid, i, 0)) ? 0
									: -ENOMEM;
		if (!strcmp(name, "fd"))
			return (*out = pnode_new(d->vn.mnt, P_FDDIR, d->pid, 0,
						 0)) ? 0 : -ENOMEM;
		return -ENOENT;
	}
	v = parse_num(name);
	if (v < 0 || v >= FD_MAX)
		return -ENOENT;
	struct file *f = task_fd_get(d->pid, v);
	if (!f)
		return -ENOENT;
	fd_put(f);
	return (*out = pnode_new(d->vn.mnt, P_FDLINK, d->pid, 0, v)) ? 0
								   : -ENOMEM;
}

static int proc_lookup(struct vnode *dir, const char *name,
		       struct vnode **out)
{
	struct pnode *d = dir->priv;

	if (!strcmp(name, ".") || (!strcmp(name, "..") && d->kind == P_ROOT)) {
		dir->refs++;
		*out = dir;
		return 0;
	}
	if (!strcmp(name, "..")) {
		if (d->kind == P_PIDDIR) {
			*out = dir->mnt->root;
			dir->mnt->root->refs++;
			return 0;
		}
		return (*out = pnode_new(dir->mnt, P_PIDDIR, d->pid, 0, 0))
			       ? 0 : -ENOMEM;
	}
	return lookup_in(d, name, out);
}

static void dirent_set(struct vfs_dirent *e, const char *name, int type,
		       uint64_t ino)
{
	strncpy(e->name, name, VFS_NAME_MAX);
	e->name[VFS_NAME_MAX] = '\0';
	e->type = (unsigned char)type;
	e->ino = ino;
}

static int readdir_root(uint64_t pos, struct vfs_dirent *e)
{
	int pids[MAX_THREADS], n;
	char num[16];

	if (pos < (uint64_t)NROOT) {
		dirent_set(e, root_files[pos].name, 8, pos + 2);
		return 1;
	}
	pos -= NROOT;
	if (pos == 0) {
		dirent_set(e, "self", 10, 1000);
		return 1;
	}
	n = list_pids(pids, MAX_THREADS);
	if (pos - 1 >= (uint64_t)n)
		return 0;
	snprintf(num, sizeof(num), "%d", pids[pos - 1]);
	dirent_set(e, num, 4, (uint64_t)pids[pos - 1] << 16);
	return 1;
}

static int readdir_fd(struct pnode *d, uint64_t pos, struct vfs_dirent *e)
{
	uint64_t i, seen = 0;
	char num[16];

	for (i = 0; i < FD_MAX; i++) {
		struct file *f = task_fd_get(d->pid, (int)i);
		if (!f)
			continue;
		fd_put(f);
		if (seen++ == pos) {
			snprintf(num, sizeof(num), "%d", (int)i);
			dirent_set(e, num, 10, i + 1);
			return 1;
		}
	}
	return 0;
}

static int proc_readdir(struct vnode *dir, uint64_t pos,
			struct vfs_dirent *e)
{
	struct pnode *d = dir->priv;

	if (pos < 2) {
		dirent_set(e, pos ? ".." : ".", 4, dir->ino);
		return 1;
	}
	pos -= 2;
	if (d->kind == P_ROOT)
		return readdir_root(pos, e);
	if (d->kind == P_FDDIR)
		return readdir_fd(d, pos, e);
	if (pos < (uint64_t)NPID) {
		dirent_set(e, pid_files[pos].name, 8, dir->ino + pos + 1);
		return 1;
	}
	if (pos == (uint64_t)NPID) {
		dirent_set(e, "fd", 4, dir->ino + 64);
		return 1;
	}
	return 0;
}

static ssize_t proc_readlink(struct vnode *vn, char *buf, size_t len)
{
	struct pnode *n = vn->priv;
	char tmp[48];
	size_t l;

	if (n->kind == P_SELF) {
		snprintf(tmp, sizeof(tmp), "%d", self_pid());
	} else {
		struct file *f = task_fd_get(n->pid, n->fd);
		struct stat st = { 0 };
		if (f && f->ops->stat)
			f->ops->stat(f, &st);
		snprintf(tmp, sizeof(tmp), "%s:[%llu]",
			 S_ISFIFO(st.st_mode) ? "pipe" : S_ISREG(st.st_mode) ?
			 "file" : S_ISDIR(st.st_mode) ? "dir" : "dev",
			 (unsigned long long)st.st_ino);
		if (f)
			fd_put(f);
	}
	l = strlen(tmp);
	if (l > len)
		l = len;
	memcpy(buf, tmp, l);
	return (ssize_t)l;
}

/* ---- open text files ---- */

static ssize_t text_read(struct file *f, void *buf, size_t len)
{
	struct pbuf *p = f->priv;

	if (f->pos >= (off_t)p->len)
		return 0;
	if (len > p->len - (size_t)f->pos)
		len = p->len - (size_t)f->pos;
	memcpy(buf, p->b + f->pos, len);
	f->pos += (off_t)len;
	return (ssize_t)len;
}

static int text_poll(struct file *f, int events)
{
	(void)f;
	return events & VFS_POLLIN;
}

static int text_stat(struct file *f, struct stat *st)
{
	struct pbuf *p = f->priv;

	st->st_mode = f->vn->mode;
	st->st_ino = (ino_t)f->vn->ino;
	st->st_size = (off_t)p->len;
	st->st_nlink = 1;
	return 0;
}

static void text_release(struct file *f)
{
	struct pbuf *p = f->priv;

	free(p->b);
	free(p);
}

static const struct file_ops text_fops = {
	.read = text_read,
	.poll = text_poll,
	.stat = text_stat,
	.release = text_release,
};

static int proc_open_file(struct vnode *vn, int flags, struct file **out)
{
	struct pnode *n = vn->priv;
	struct pbuf *p;

	if (n->kind != P_FILE && n->kind != P_PIDFILE)
		return 1;
	if ((flags & O_ACCMODE) != O_RDONLY)
		return -EACCES;
	p = kcalloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (n->kind == P_FILE)
		root_files[n->gen].gen(p, 0);
	else
		pid_files[n->gen].gen(p, n->pid);
	vnode_get(vn);
	*out = vfs_file_new(&text_fops, vn, p, flags);
	if (*out)
		return 0;
	vnode_put(vn);
	free(p->b);
	free(p);
	return -ENOMEM;
}

static void proc_inactive(struct vnode *vn)
{
	struct pnode *n = vn->priv;

	if (n->kind != P_ROOT)
		free(n);
}

static int proc_getattr(struct vnode *vn, struct stat *st)
{
	st->st_mode = vn->mode;
	st->st_nlink = S_ISDIR(vn->mode) ? 2 : 1;
	return 0;
}

static const struct vnode_ops proc_vops = {
	.lookup = proc_lookup,
	.readdir = proc_readdir,
	.readlink = proc_readlink,
	.getattr = proc_getattr,
	.open_file = proc_open_file,
	.inactive = proc_inactive,
};

static int procfs_mount(struct mount *m, const char *source,
			unsigned long flags, const void *data)
{
	(void)source;
	(void)data;
	m->root = pnode_new(m, P_ROOT, 0, 0, 0);
	m->flags = flags | MS_RDONLY;
	return m->root ? 0 : -ENOMEM;
}

static void procfs_umount(struct mount *m)
{
	free(m->root->priv);
	m->root = NULL;
}

static int procfs_statfs(struct mount *m, struct statfs *st)
{
	(void)m;
	st->f_type = PROC_SUPER_MAGIC;
	st->f_bsize = 4096;
	st->f_namelen = VFS_NAME_MAX;
	return 0;
}

struct fs_type procfs_type = {
	.name = "procfs",
	.mount = procfs_mount,
	.umount = procfs_umount,
	.statfs = procfs_statfs,
	.ephemeral_nodes = true,
};
