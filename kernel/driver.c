// SPDX-License-Identifier: BSD-2-Clause
/*
 * Binds drivers to device-tree nodes: for each level in order, every
 * enabled node matching a driver's compatible list is probed once.
 */
#include <errno.h>
#include <string.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/klog.h>

extern const struct driver __drivers_start[], __drivers_end[];

static void probe_driver(const struct fdt *fdt, const struct driver *d)
{
	for (const char *const *c = d->compatible; *c; c++) {
		int node = -1;
		while ((node = fdt_next_compatible(fdt, node, *c)) >= 0) {
			if (!fdt_node_enabled(fdt, node))
				continue;
			int r = d->probe(fdt, node);
			if (r && r != -ENODEV)
				pr_err("%s: probe of %s failed: %d\n", d->name,
				       fdt_node_name(fdt, node), r);
		}
	}
}

void driver_probe_all(const struct fdt *fdt)
{
	for (int level = 0; level < DRIVER_LEVELS; level++)
		for (const struct driver *d = __drivers_start; d < __drivers_end; d++)
			if (d->level == (enum driver_level)level)
				probe_driver(fdt, d);
}

/* The node /chosen stdout-path names ("/pl011@9000000" or an alias,
 * optionally followed by ":options"), or -ENOENT. */
static int stdout_node(const struct fdt *fdt)
{
	const char *path = fdt_chosen_stdout(fdt);
	char buf[64];
	size_t n = 0;

	if (!path)
		return -ENOENT;
	while (path[n] && path[n] != ':' && n < sizeof(buf) - 1) {
		buf[n] = path[n];
		n++;
	}
	buf[n] = 0;
	if (buf[0] != '/') {	/* an alias */
		int aliases = fdt_path_offset(fdt, "/aliases");
		const char *p = aliases >= 0 ?
				fdt_getprop_string(fdt, aliases, buf) : NULL;
		return p ? fdt_path_offset(fdt, p) : -ENOENT;
	}
	return fdt_path_offset(fdt, buf);
}

void driver_early_console(const struct fdt *fdt)
{
	int chosen = stdout_node(fdt);

	for (const struct driver *d = __drivers_start; d < __drivers_end; d++) {
		if (!d->early_console)
			continue;
		for (const char *const *c = d->compatible; *c; c++) {
			int node = chosen >= 0 && fdt_is_compatible(fdt, chosen, *c) ?
				   chosen : fdt_next_compatible(fdt, -1, *c);
			if (node >= 0 && d->early_console(fdt, node) == 0)
				return;
		}
	}
}
