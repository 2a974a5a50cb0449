/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to drivers/rpmsg: the link object of rpmsg.c and the hooks the
 * remote syslog (rpmsg_syslog.c) plugs into its thread.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/ktimer.h>
#include <vireo/list.h>
#include <vireo/mutex.h>
#include <vireo/rpmsg.h>
#include <vireo/sem.h>
#include "rpmsg_shm.h"

#define RPMSG_NS_MAX	32	/* remote names kept */

/* The header of every message (the rpmsg wire format). */
struct rpmsg_hdr {
	uint32_t src, dst, reserved;
	uint16_t len, flags;
};

struct rpmsg_ns_entry {
	char name[RPMSG_NAME_SIZE];
	uint32_t addr;
};

struct rpmsg_device {
	uint8_t *shm;
	size_t size;
	const struct rpmsg_shm_ops *ops;
	void *ctx;
	bool master;
	uint32_t doorbell;		/* ours, published */
	uint32_t peer_doorbell;
	struct rpmsg_shm_server *srv;	/* the halves of the header */
	struct rpmsg_shm_proxy *prx;

	struct kmutex lock;	/* everything below */
	struct kcond tx_cond;	/* with lock: senders waiting for a buffer */
	struct kcond ns_cond;	/* with lock: lookups waiting for a name */
	volatile bool up;	/* also read by the poll timer */
	struct rpmsg_layout lay;
	struct rpmsg_vring ring[2];
	uint8_t *held[2];	/* master: per ring, buffer is the proxy's */
	uint32_t *free_ids;	/* master: ring 0 buffers we may fill */
	uint32_t nfree;
	uint32_t gen;		/* master: current layout; proxy: attached */
	uint32_t bad_gen;	/* proxy: a layout it dropped for errors */
	uint32_t my_beat;
	uint32_t my_boot;	/* proxy: our boot number */
	uint32_t peer_boot;	/* master: the proxy's boot it linked with */
	uint32_t peer_beat;
	uint64_t peer_beat_ns;	/* when peer_beat last changed */
	uint64_t next_beat_ns;
	const char *fault;	/* a ring error a sender met, for the thread */
	unsigned int epoch;
	char peer[RPMSG_NAME_LEN];
	struct list_node epts;
	uint32_t next_addr;
	struct rpmsg_ns_entry ns[RPMSG_NS_MAX];

	uint16_t seen[2];	/* the watched indices at the last pass */
	struct ksem wake;	/* the thread's: doorbell, timer, fault */
	struct ktimer timer;
	uint64_t period_ns;
	struct rpmsg_device *next;
};

/* Sends with the lock held (the thread's own messages). */
int rpmsg_send_locked(struct rpmsg_device *rdev, uint32_t src, uint32_t dst,
		      const void *data, size_t len);

int rpmsg_ns_lookup_locked(struct rpmsg_device *rdev, const char *name,
			   uint32_t *addr);
size_t rpmsg_max_payload_locked(const struct rpmsg_device *rdev);

/* Remote syslog: set up when a link starts; each pass of the link's
 * thread while the link is up forwards new kernel log lines (with
 * CONFIG_RPMSG_SYSLOG).  Lock held. */
void rpmsg_syslog_init(struct rpmsg_device *rdev);
void rpmsg_syslog_pass_locked(struct rpmsg_device *rdev);
