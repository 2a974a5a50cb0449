/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Drivers bind to device-tree compatible strings.  DRIVER_DECLARE places
 * a descriptor in the .drivers section; at boot the kernel probes each
 * level in order (interrupt controller, then timer, then the rest) for
 * every enabled node that matches.
 */
#pragma once

#include <vireo/compiler.h>

struct fdt;

enum driver_level {
	DRIVER_LEVEL_IRQCHIP,
	DRIVER_LEVEL_TIMER,
	DRIVER_LEVEL_CONSOLE,
	DRIVER_LEVEL_DEVICE,
	DRIVER_LEVELS,
};

struct driver {
	const char *name;
	const char *const *compatible;	/* NULL-terminated */
	enum driver_level level;
	/* 0 when bound; -ENODEV to decline; other -errno is logged. */
	int (*probe)(const struct fdt *fdt, int node);
	/* Optional: polled output on this node before interrupts exist. */
	int (*early_console)(const struct fdt *fdt, int node);
};

#define DRIVER_DECLARE(ident, ...) \
	static const struct driver driver_##ident \
	__used __section(".drivers") __aligned(8) = { __VA_ARGS__ }

/* Probes every driver against the device tree, level by level. */
void driver_probe_all(const struct fdt *fdt);
/* Sets up polled output on the /chosen stdout-path node (or the first node
 * a driver with early_console matches). */
void driver_early_console(const struct fdt *fdt);
