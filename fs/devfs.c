// SPDX-License-Identifier: BSD-2-Clause
/*
 * /dev: a registry of character devices by name, shown as a file system
 * (devfs_type, mounted on /dev by vfs_init).  Entries are added at driver
 * probe and never removed, so each entry's vnode lives as long as the
 * system and lookups need devfs_lock only to walk a list that may grow.
 *
 * Also the memory devices every system has: null, zero, and random /
 * urandom.  The random devices are a ChaCha20 keystream generator keyed
 * from the jitter of the architecture counter at boot and re-keyed after
 * every request (fast key erasure).  Counter jitter under QEMU is a weak
 * entropy source: the output is NOT cryptographically strong until a
 * hardware source (virtio-rng) feeds devfs_random_mix().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <vireo/arch.h>
#include <vireo/clock.h>
#include <vireo/devfs.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/spinlock.h>
#include <vireo/vfs.h>

struct devfs_node {
	struct list_node link;
	struct vnode vn;
	const struct file_ops *ops;
	void *priv;
	char name[24];
};

static struct list_node devices = LIST_INIT(devices);
static spinlock_t devfs_lock = SPINLOCK_INIT;	/* the devices list */
static uint64_t next_ino = 2;			/* devfs_lock */

static int dev_open_file(struct vnode *vn, int flags, struct file **out);

static int dev_getattr(struct vnode *vn, struct stat *st);

static const struct vnode_ops dev_vops = {
	.open_file = dev_open_file,
	.getattr = dev_getattr,
};

static struct devfs_node *find_locked(const char *name)
{
	struct list_node *n;

	list_for_each(n, &devices) {
		struct devfs_node *d = list_entry(n, struct devfs_node, link);
		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

int devfs_register(const char *name, const struct file_ops *ops, void *priv)
{
	return devfs_register_node(name, S_IFCHR | 0666, ops, priv);
}

int devfs_register_node(const char *name, mode_t mode,
			const struct file_ops *ops, void *priv)
{
	struct devfs_node *d;
	irqflags_t f;
	int r = 0;

	if (!name || !*name || strlen(name) >= sizeof(d->name) || strchr(name, '/'))
		return -EINVAL;
	d = kcalloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	strcpy(d->name, name);
	d->ops = ops;
	d->priv = priv;
	d->vn.ops = &dev_vops;
	d->vn.mode = mode;
	d->vn.refs = 1;		/* never freed */
	d->vn.priv = d;
	f = spin_lock_irqsave(&devfs_lock);
	if (find_locked(name)) {
		r = -EEXIST;
	} else {
		d->vn.ino = next_ino++;
		list_add_tail(&devices, &d->link);
	}
	spin_unlock_irqrestore(&devfs_lock, f);
	if (r)
		free(d);
	return r;
}

int devfs_open(const char *name, int flags, struct file **out)
{
	struct devfs_node *d;
	irqflags_t f = spin_lock_irqsave(&devfs_lock);

	d = find_locked(name);
	spin_unlock_irqrestore(&devfs_lock, f);
	if (!d)
		return -ENOENT;
	*out = file_new(d->ops, d->priv, flags);
	return *out ? 0 : -ENOMEM;
}

/* ---- the file system ---- */

static int dev_open_file(struct vnode *vn, int flags, struct file **out)
{
	struct devfs_node *d = vn->priv;

	*out = file_new(d->ops, d->priv, flags);
	return *out ? 0 : -ENOMEM;
}

/* stat by path: the device's own stat op on a file that is not open
 * (see struct file_ops). */
static int dev_getattr(struct vnode *vn, struct stat *st)
{
	struct devfs_node *d = vn->priv;
	struct file f = { .ops = d->ops, .priv = d->priv };

	return d->ops->stat ? d->ops->stat(&f, st) : 0;
}

static int root_lookup(struct vnode *dir, const char *name,
		       struct vnode **out)
{
	struct devfs_node *d;
	irqflags_t f;

	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		dir->refs++;
		*out = dir;
		return 0;
	}
	f = spin_lock_irqsave(&devfs_lock);
	d = find_locked(name);
	spin_unlock_irqrestore(&devfs_lock, f);
	if (!d)
		return -ENOENT;
	d->vn.mnt = dir->mnt;
	d->vn.refs++;
	*out = &d->vn;
	return 0;
}

static int root_readdir(struct vnode *dir, uint64_t pos,
			struct vfs_dirent *e)
{
	struct list_node *n;
	irqflags_t f;
	uint64_t i = 2;
	int r = 0;

	if (pos < 2) {
		e->ino = dir->ino;
		e->type = 4;
		strcpy(e->name, pos ? ".." : ".");
		return 1;
	}
	f = spin_lock_irqsave(&devfs_lock);
	list_for_each(n, &devices) {
		struct devfs_node *d = list_entry(n, struct devfs_node, link);
		if (i++ == pos) {
			e->ino = d->vn.ino;
			e->type = (unsigned char)(d->vn.mode >> 12);
			strcpy(e->name, d->name);
			r = 1;
			break;
		}
	}
	spin_unlock_irqrestore(&devfs_lock, f);
	return r;
}

static const struct vnode_ops root_vops = {
	.lookup = root_lookup,
	.readdir = root_readdir,
};

static struct vnode devfs_root = {
	.ops = &root_vops,
	.mode = S_IFDIR | 0755,
	.ino = 1,
};

static int devfs_mount(struct mount *m, const char *source,
		       unsigned long flags, const void *data)
{
	(void)source;
	(void)flags;
	(void)data;
	if (devfs_root.mnt)
		return -EBUSY;	/* one instance: the registry is global */
	devfs_root.refs++;
	m->root = &devfs_root;
	return 0;
}

static void devfs_umount(struct mount *m)
{
	(void)m;
	devfs_root.refs--;
	devfs_root.mnt = NULL;
}

static int devfs_statfs(struct mount *m, struct statfs *st)
{
	(void)m;
	st->f_type = DEVFS_SUPER_MAGIC;
	st->f_bsize = 512;
	st->f_namelen = 23;
	return 0;
}

struct fs_type devfs_type = {
	.name = "devfs",
	.mount = devfs_mount,
	.umount = devfs_umount,
	.statfs = devfs_statfs,
};

/* ---- null, zero ---- */

static ssize_t null_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t sink_write(struct file *f, const void *buf, size_t len)
{
	(void)f;
	(void)buf;
	return (ssize_t)len;
}

static ssize_t zero_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	memset(buf, 0, len);
	return (ssize_t)len;
}

/* /dev/null and /dev/zero hold nothing and everything: any position is
 * as good as another (their end is 0), but whence and overflow are
 * checked as for any file. */
static off_t mem_lseek(struct file *f, off_t off, int whence)
{
	return file_seek_in_size(f, off, whence, 0);
}

static const struct file_ops null_ops = {
	.read = null_read, .write = sink_write, .lseek = mem_lseek,
};
static const struct file_ops zero_ops = {
	.read = zero_read, .write = sink_write, .lseek = mem_lseek,
};

/* ---- random: ChaCha20 (RFC 8439 section 2.3) in counter mode ---- */

static uint32_t rng_key[8];	/* rng_lock */
static uint64_t rng_counter;	/* rng_lock */
static spinlock_t rng_lock = SPINLOCK_INIT;

static inline uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

#define QR(a, b, c, d) do {                                  \
	a += b; d ^= a; d = rotl(d, 16);                     \
	c += d; b ^= c; b = rotl(b, 12);                     \
	a += b; d ^= a; d = rotl(d, 8);                      \
	c += d; b ^= c; b = rotl(b, 7);                      \
} while (0)

static void chacha_block(const uint32_t key[8], uint64_t ctr,
			 uint32_t out[16])
{
	/* "expand 32-byte k" */
	uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t x[16];
	int i;

	memcpy(s + 4, key, 32);
	s[12] = (uint32_t)ctr;
	s[13] = (uint32_t)(ctr >> 32);
	s[14] = s[15] = 0;
	memcpy(x, s, sizeof(x));
	for (i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++)
		out[i] = x[i] + s[i];
}

/* Folds bytes into the key and re-keys (<vireo/devfs.h>). */
void devfs_random_mix(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t blk[16];
	irqflags_t f = spin_lock_irqsave(&rng_lock);
	size_t i;

	for (i = 0; i < len; i++)
		((uint8_t *)rng_key)[i % 32] ^= p[i];
	chacha_block(rng_key, rng_counter++, blk);
	memcpy(rng_key, blk, 32);
	spin_unlock_irqrestore(&rng_lock, f);
}

static void rng_seed(void)
{
	uint64_t samples[32];
	int i;

	/* The low bits of the counter between clock reads vary with cache,
	 * TLB and host scheduling: weak but non-constant. */
	for (i = 0; i < 32; i++) {
		uint64_t t0 = arch_counter_read();
		samples[i] = clock_realtime_ns() ^ (arch_counter_read() - t0) ^
			     ((uint64_t)i << 56);
	}
	devfs_random_mix(samples, sizeof(samples));
}

/* Fills buf from the generator (<vireo/devfs.h>). */
void devfs_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		uint32_t blk[16], key[8];
		uint64_t ctr;
		size_t n = len - done > 64 ? 64 : len - done;
		irqflags_t fl = spin_lock_irqsave(&rng_lock);

		/* Fast key erasure: each block's key is never used again. */
		memcpy(key, rng_key, sizeof(key));
		ctr = rng_counter;
		rng_counter += 2;
		chacha_block(key, ctr + 1, blk);
		memcpy(rng_key, blk, 32);
		spin_unlock_irqrestore(&rng_lock, fl);
		chacha_block(key, ctr, blk);
		memcpy(p + done, blk, n);
		done += n;
	}
}

static ssize_t random_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	devfs_random_bytes(buf, len);
	return (ssize_t)len;
}

static ssize_t random_write(struct file *f, const void *buf, size_t len)
{
	(void)f;
	devfs_random_mix(buf, len);
	return (ssize_t)len;
}

static const struct file_ops random_ops = {
	.read = random_read, .write = random_write,
};

int devfs_init(void)
{
	int r;

	rng_seed();
	r = devfs_register("null", &null_ops, NULL);
	if (!r)
		r = devfs_register("zero", &zero_ops, NULL);
	if (!r)
		r = devfs_register("random", &random_ops, NULL);
	if (!r)
		r = devfs_register("urandom", &random_ops, NULL);
	return r;
}
