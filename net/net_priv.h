/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to net/: the pieces of Vireo's lwIP port.
 *
 * The locking rule of the whole directory: lwIP's state (every pcb,
 * netif, pbuf queue and timer) belongs to whoever holds the core lock
 * (LOCK_TCPIP_CORE, a kernel mutex).  Socket calls take it around each
 * netconn call; the network thread takes it around a device's poll (so
 * received frames are processed in that thread, without a hand-over);
 * the tcpip thread takes it for timers and callbacks.  Nothing in net/
 * ever blocks while holding it, except inside lwIP's own netconn calls,
 * which release it while they wait.  Waiting for readiness (recv,
 * accept, connect, send) happens outside it, in net/socket.c, through
 * the poll machinery of fs/poll.c: every netconn event calls
 * poll_notify(), so sockets, pipes and the console are waited on in one
 * place, interruptibly.
 */
#pragma once

struct netdev;

/* Creates the lwIP interface of nd (core lock held). */
int netif_attach_locked(struct netdev *nd);
