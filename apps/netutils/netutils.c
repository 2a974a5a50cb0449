// SPDX-License-Identifier: BSD-2-Clause
/* Helpers shared by the network commands (see netutils.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include "netutils.h"

int netutils_ipv4(const char *cmd, const char *text, uint32_t *out)
{
	if (inet_pton(AF_INET, text, out) == 1)
		return 0;
	fprintf(stderr, "%s: %s: not an IPv4 address\n", cmd, text);
	return -1;
}
