/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lwIP configuration for Vireo (the options are lwIP's, src/include/lwip/opt.h).
 *
 * Core locking (LWIP_TCPIP_CORE_LOCKING): a thread calling into the stack
 * takes the core lock and runs the call itself instead of posting a
 * message to the tcpip thread and sleeping until it answers.  That saves
 * two context switches per socket call and per received frame (the
 * network thread also feeds frames under the lock), which is where a
 * message-passing port spends its time.  The tcpip thread remains for
 * the stack's timers and deferred callbacks.  See net/net_priv.h.
 */
#pragma once

#define NO_SYS				0
#define LWIP_TCPIP_CORE_LOCKING		1
#define LWIP_TCPIP_CORE_LOCKING_INPUT	1
#define SYS_LIGHTWEIGHT_PROT		1
#define LWIP_NETCONN			1
#define LWIP_SOCKET			0	/* net/socket.c is Vireo's own */
#define LWIP_NETCONN_FULLDUPLEX		0
#define LWIP_NETIF_API			0
#define LWIP_COMPAT_MUTEX		0

/* Memory: lwIP's fixed pools (static, sized here and by the Networking
 * menu's NET_SOCKETS, NET_TCP_PCBS, NET_TCP_SEGMENTS) for its objects, so
 * the heap does not drift with connections in TIME_WAIT and a flood
 * finds a bound (the oldest TIME_WAIT pcb is recycled, lwIP's rule);
 * variable-size buffers (PBUF_RAM) come from the kernel heap. */
#define MEM_LIBC_MALLOC			1
/* ...the KERNEL heap: a pbuf allocated in an application's send() is
 * often freed by the tcpip thread after that task has ended, so it must
 * not be charged to the task (<vireo/mm.h>, the per-task heap). */
#include <vireo/mm.h>
#define mem_clib_malloc			kmalloc
#define mem_clib_calloc			kcalloc
#define mem_clib_free			free
#define MEMP_MEM_MALLOC			0
#define MEM_ALIGNMENT			8
/* Received frames are heap pbufs (net/netif.c), up to 256 full frames
 * in the stack, far above TCP_WND; lwIP itself takes none from the pool.
 * The sanity check that compares TCP_WND with the pool cannot see that
 * (the others passed with the pool at 256 before it was turned off). */
#define PBUF_POOL_SIZE			2
#define LWIP_DISABLE_TCP_SANITY_CHECKS	1
#define PBUF_POOL_BUFSIZE		1536
#define MEMP_NUM_PBUF			64
#define MEMP_NUM_TCPIP_MSG_INPUT	256
#define MEMP_NUM_TCPIP_MSG_API		64
#define MEMP_NUM_NETCONN		CONFIG_NET_SOCKETS
#define MEMP_NUM_NETBUF			128
#define MEMP_NUM_TCP_PCB		CONFIG_NET_TCP_PCBS
#define MEMP_NUM_TCP_PCB_LISTEN		16
#define MEMP_NUM_TCP_SEG		CONFIG_NET_TCP_SEGMENTS
#define MEMP_NUM_UDP_PCB		16
#define MEMP_NUM_RAW_PCB		8
#define MEMP_NUM_REASSDATA		16
#define MEMP_NUM_FRAG_PBUF		64
#define MEMP_NUM_ARP_QUEUE		64
#define MEMP_NUM_SYS_TIMEOUT		(LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

#define TCPIP_THREAD_NAME		"tcpip"
#define TCPIP_THREAD_STACKSIZE		16384
#define TCPIP_THREAD_PRIO		150
#define TCPIP_MBOX_SIZE			256
#define DEFAULT_RAW_RECVMBOX_SIZE	64
#define DEFAULT_UDP_RECVMBOX_SIZE	64
#define DEFAULT_TCP_RECVMBOX_SIZE	128
#define DEFAULT_ACCEPTMBOX_SIZE		32
#define DEFAULT_THREAD_STACKSIZE	16384

#define LWIP_IPV4			1
#define LWIP_IPV6			1
#define LWIP_ARP			1
#define LWIP_ICMP			1
#define LWIP_RAW			1
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_DHCP			1
#define LWIP_DHCP_DOES_ACD_CHECK	0
#define DHCP_DOES_ARP_CHECK		0
#define LWIP_DNS			1
#define DNS_MAX_SERVERS			2
/* Three tries (1 + 1 + 2 s) before an unanswered name fails. */
#define DNS_MAX_RETRIES			3
/* "localhost" resolves without a server. */
#define DNS_LOCAL_HOSTLIST		1
#define DNS_LOCAL_HOSTLIST_INIT \
	{ DNS_LOCAL_HOSTLIST_ELEM("localhost", IPADDR4_INIT_BYTES(127, 0, 0, 1)) }
#define LWIP_IGMP			0
#define LWIP_IPV6_AUTOCONFIG		1
#define LWIP_IPV6_DHCP6			0
#define LWIP_NETIF_LOOPBACK		1
#define LWIP_HAVE_LOOPIF		1
#define LWIP_LOOPBACK_MAX_PBUFS		0
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define IP_REASSEMBLY			1
#define IP_FRAG				1
#define IP_REASS_MAX_PBUFS		64
#define IPV6_FRAG_COPYHEADER		1	/* 64-bit pointers do not fit the header */

#define TCP_MSS				1460
#define TCP_WND				(44 * TCP_MSS)
#define TCP_SND_BUF			(44 * TCP_MSS)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ			1
#define LWIP_TCP_SACK_OUT		0
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			2
#define TCP_LISTEN_BACKLOG		1
#define LWIP_TCP_KEEPALIVE		1
#define SO_REUSE			1
#define LWIP_SO_RCVBUF			1
#define LWIP_SO_SNDTIMEO		0	/* the socket layer times out */
#define LWIP_SO_RCVTIMEO		0

/* Per-interface checksums: the virtio-net glue turns generation or
 * checking off where the device does it (net/netif.c). */
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1

#define LWIP_STATS			1
#define LWIP_STATS_DISPLAY		0
#define MIB2_STATS			0
#define LWIP_NETIF_HOSTNAME		1
#define LWIP_NETCONN_SEM_PER_THREAD	0
