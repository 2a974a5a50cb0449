// SPDX-License-Identifier: BSD-2-Clause
/*
 * /dev: a registry of character devices by name.  Entries are added at
 * driver probe and never removed, so lookups need devfs_lock only to walk
 * a list that may be growing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/devfs.h>
#include <vireo/list.h>
#include <vireo/spinlock.h>

struct devfs_node {
	struct list_node link;
	const struct file_ops *ops;
	void *priv;
	char name[24];
};

static struct list_node devices = LIST_INIT(devices);
static spinlock_t devfs_lock = SPINLOCK_INIT;	/* the devices list */

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
	struct devfs_node *d;
	irqflags_t f;
	int r = 0;

	if (!name || !*name || strlen(name) >= sizeof(d->name) || strchr(name, '/'))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	strcpy(d->name, name);
	d->ops = ops;
	d->priv = priv;
	f = spin_lock_irqsave(&devfs_lock);
	if (find_locked(name))
		r = -EEXIST;
	else
		list_add_tail(&devices, &d->link);
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

void devfs_for_each(void (*fn)(const char *name, void *ctx), void *ctx)
{
	struct list_node *n;
	irqflags_t f = spin_lock_irqsave(&devfs_lock);

	list_for_each(n, &devices)
		fn(list_entry(n, struct devfs_node, link)->name, ctx);
	spin_unlock_irqrestore(&devfs_lock, f);
}
