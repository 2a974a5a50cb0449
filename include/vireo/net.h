/* SPDX-License-Identifier: BSD-2-Clause */
/* The network stack's start (net/netif.c). */
#pragma once

/* Brings up the stack: the tcpip thread, loopback 127.0.0.1, every
 * registered netdev (DHCP, falling back to 10.0.2.15/24 gw 10.0.2.2), the
 * network thread.  Thread context, once, at boot after the drivers. */
void net_init(void);
