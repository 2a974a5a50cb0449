// SPDX-License-Identifier: BSD-2-Clause
/*
 * lspci: the PCI functions the host bridges found, one line each with
 * its BARs below it, as /proc/pci gives them.
 */
#include <stdio.h>
#include "nsh.h"

static int cmd_lspci(struct nsh *sh, int argc, char **argv)
{
	char line[512];
	int n = 0;
	FILE *f;

	if (argc != 1)
		return nsh_usage("lspci");
	if (!(f = fopen("/proc/pci", "r")))
		return nsh_fail("lspci", "/proc/pci");
	for (; fgets(line, sizeof(line), f); n++)
		fputs(line, stdout);
	fclose(f);
	if (n == 0)
		printf("no PCI devices\n");
	return 0;
}
NSH_COMMAND(lspci, cmd_lspci, "lspci",
	    "List PCI devices: bus:device.function, vendor:device, class, BARs");
