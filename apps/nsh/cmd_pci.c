// SPDX-License-Identifier: BSD-2-Clause
/*
 * lspci: the PCI functions the host bridges found, one line each with
 * its BARs below it, in the format /proc/pci shares.
 */
#include <stdio.h>
#include <vireo/pci.h>
#include "nsh.h"

static int cmd_lspci(struct nsh *sh, int argc, char **argv)
{
	char line[512];
	int n = 0;

	if (argc != 1)
		return nsh_usage("lspci");
	for (const struct pci_dev *d = pci_dev_first(); d; d = d->next, n++) {
		pci_format_dev(d, line, sizeof(line));
		printf("%s\n", line);
	}
	if (n == 0)
		printf("no PCI devices\n");
	return 0;
}
NSH_COMMAND(lspci, cmd_lspci, "lspci",
	    "List PCI devices: bus:device.function, vendor:device, class, BARs");
