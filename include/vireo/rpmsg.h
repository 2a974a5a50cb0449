/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rpmsg: messages between this machine and another CPU (machine) that
 * share memory, addressed to endpoints; the contract between the
 * transport (drivers/rpmsg/), its users (remote syslog, AF_RPMSG
 * sockets in net/rpmsg_sock.c) and the shared-memory devices under it
 * (drivers/pci/ivshmem.c).
 *
 * A struct rpmsg_device is the link to one remote CPU, known by the name
 * that CPU gives itself ("server", "proxy").  The link goes up when both
 * sides have attached to the same shared layout, and down when the other
 * side stops, restarts or writes something inconsistent; it comes back
 * by itself.  While it is down, sends fail with -ENOTCONN.
 *
 * Endpoints have a 32-bit address on their CPU; a named endpoint is
 * announced to the other side by the name service (address 53) each
 * time the link comes up, and rpmsg_ns_lookup() finds the remote ones.
 * A message carries up to rpmsg_max_payload() bytes.
 *
 * Locking and context: every call is from thread context and takes the
 * device's mutex.  Endpoint callbacks run in the device's rpmsg thread
 * with that mutex held: they must be short and must not call back into
 * rpmsg (they queue what they got and wake the reader).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vireo/list.h>

#define RPMSG_ADDR_ANY		0xffffffffu
#define RPMSG_NS_ADDR		53u
#define RPMSG_NAME_SIZE		32

struct rpmsg_device;
struct rpmsg_endpoint;

struct rpmsg_endpoint_ops {
	/* A message for this endpoint from remote address src. */
	void (*rx)(struct rpmsg_endpoint *ept, const void *data, size_t len,
		   uint32_t src);
	/* Optional: the link went down (what the other side had is gone). */
	void (*link_down)(struct rpmsg_endpoint *ept);
};

struct rpmsg_endpoint {
	struct rpmsg_device *rdev;
	const struct rpmsg_endpoint_ops *ops;
	void *priv;
	char name[RPMSG_NAME_SIZE];	/* "": not announced */
	uint32_t addr;
	struct list_node node;		/* the device's endpoints (its mutex) */
};

/* The link to the CPU named cpu, or the first link when cpu is NULL or
 * "": NULL when there is none.  Links are never removed. */
struct rpmsg_device *rpmsg_device_find(const char *cpu);
/* The remote CPU's name ("" until the link first came up). */
const char *rpmsg_device_cpu(const struct rpmsg_device *rdev);
bool rpmsg_link_up(const struct rpmsg_device *rdev);
/* Counts the link's comings up: a connection made under one epoch is
 * gone when the epoch changed. */
unsigned int rpmsg_link_epoch(struct rpmsg_device *rdev);
/* Largest payload of one message (0 while the link was never up). */
size_t rpmsg_max_payload(struct rpmsg_device *rdev);

/* Registers ept on rdev at addr (RPMSG_ADDR_ANY: a free one), announced
 * as name when name is not empty: 0, -EADDRINUSE, -EINVAL. */
int rpmsg_ept_create(struct rpmsg_device *rdev, struct rpmsg_endpoint *ept,
		     const char *name, uint32_t addr,
		     const struct rpmsg_endpoint_ops *ops, void *priv);
/* Unregisters ept (and withdraws its name); no callback runs after. */
void rpmsg_ept_destroy(struct rpmsg_endpoint *ept);
/* Sends len bytes from ept to remote address dst without waiting:
 * 0, -EAGAIN (no free buffer now; rpmsg_tx_ready() tells when, and
 * poll_notify() announces it), -ENOTCONN (link down), -EMSGSIZE. */
int rpmsg_send(struct rpmsg_endpoint *ept, uint32_t dst, const void *data,
	       size_t len);
/* One message of a (alen bytes) followed by b (blen; b may be NULL when
 * 0), waiting up to timeout_ns for a buffer (0: no wait; a signal ends
 * the wait): 0 or the errors above, -ETIMEDOUT, -EINTR. */
int rpmsg_sendv(struct rpmsg_endpoint *ept, uint32_t dst, const void *a,
		size_t alen, const void *b, size_t blen, uint64_t timeout_ns);
/* A send would find a buffer now (or fail at once: link down). */
bool rpmsg_tx_ready(struct rpmsg_device *rdev);
/* Address of the remote endpoint announced as name, waiting up to
 * timeout_ns for the announcement (0: no wait; names travel through the
 * polled rings, so one just announced may still be on its way; a signal
 * ends the wait): 0, -ENOENT or -EINTR. */
int rpmsg_ns_lookup(struct rpmsg_device *rdev, const char *name,
		    uint32_t *addr, uint64_t timeout_ns);

/* ---- the shared-memory device under the transport ---- */

struct rpmsg_shm_ops {
	/* Rings the other side's doorbell (any context); NULL when the
	 * device has none and both sides poll. */
	void (*notify)(void *ctx);
};

/*
 * Starts rpmsg over size bytes of shared memory at shm, as this
 * configuration's role (CONFIG_RPMSG_MASTER: lays out the memory) and
 * name (CONFIG_RPMSG_CPUNAME).  doorbell: this side's doorbell id + 1
 * for the other side to ring (0: none; then both poll).  Thread
 * context, at probe: 0 or -errno.
 */
int rpmsg_shm_start(void *shm, size_t size, const struct rpmsg_shm_ops *ops,
		    void *ctx, uint32_t doorbell, struct rpmsg_device **out);
/* Our doorbell rang: look at the rings now.  Any context. */
void rpmsg_shm_kick(struct rpmsg_device *rdev);
/* The other side's doorbell id + 1 (0: none or unknown).  Any context. */
uint32_t rpmsg_peer_doorbell(const struct rpmsg_device *rdev);
