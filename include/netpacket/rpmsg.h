/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AF_RPMSG socket addresses: a service name on a remote CPU reached
 * through rpmsg (memory shared with another machine).  A server binds a
 * name (rp_cpu empty: the first link) and listens; a client connects to
 * the name on the CPU rp_cpu ("server", "proxy").  SOCK_STREAM is a byte
 * stream, SOCK_DGRAM keeps message boundaries; both are connected (a
 * datagram server also listens and accepts).  Every byte is flow
 * controlled: nothing is dropped while the link stays up.
 */
#pragma once

#include <sys/socket.h>

#define RPMSG_SOCKET_CPU_SIZE	16
#define RPMSG_SOCKET_NAME_SIZE	24

struct sockaddr_rpmsg {
	sa_family_t rp_family;		/* AF_RPMSG */
	char rp_cpu[RPMSG_SOCKET_CPU_SIZE];
	char rp_name[RPMSG_SOCKET_NAME_SIZE];
};
