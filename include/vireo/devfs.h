/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Device files under /dev.  Drivers register a character device by name
 * with the file operations every open instance gets.  Thread context.
 */
#pragma once

#include <sys/types.h>
#include <vireo/file.h>

/* 0, -EEXIST, -ENOMEM.  name has no "/dev/" prefix ("ttyS0").  Drivers
 * may register at probe, before /dev is mounted. */
int devfs_register(const char *name, const struct file_ops *ops, void *priv);
/* As devfs_register() with the node's type and permissions (S_IFBLK for
 * a block device). */
int devfs_register_node(const char *name, mode_t mode,
			const struct file_ops *ops, void *priv);
/* Opens /dev/<name>: 0 and *out, or -ENOENT. */
int devfs_open(const char *name, int flags, struct file **out);

/* Mixes len bytes into the key of the /dev/random generator and re-keys it
 * (a reseed): entropy from a hardware source such as virtio-rng.  Any
 * context; may run before devfs_init(), whose boot seed adds to it. */
void devfs_random_mix(const void *data, size_t len);
/* Fills buf with len bytes of the /dev/random generator.  Any context. */
void devfs_random_bytes(void *buf, size_t len);
