/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the network commands (apps/netutils/). */
#pragma once

#include <stdint.h>

/* Parses dotted IPv4 text into *out (network byte order): 0, or -1 after
 * printing "CMD: TEXT: not an IPv4 address". */
int netutils_ipv4(const char *cmd, const char *text, uint32_t *out);
