/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kernel message queues behind <mqueue.h>: named, reference-counted
 * queues of bounded messages ordered by priority (highest first, FIFO
 * among equals), with memory for every message reserved at creation.
 * Thread context only.  Descriptors (and their O_NONBLOCK flag) belong
 * to kernel/mqueue_calls.c, the system calls below.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define KMQ_NAME_MAX 64
#define KMQ_DEFAULT_MAXMSG 10
#define KMQ_DEFAULT_MSGSIZE 128
#define KMQ_MAXMSG_LIMIT 256
#define KMQ_MSGSIZE_LIMIT 8192
#define KMQ_PRIO_MAX 32

struct kmq;

/*
 * Opens (with create: creates unless it exists; with excl: fails if it
 * exists) the queue called name.  maxmsg/msgsize 0 take the defaults.
 * 0 and *out with a reference, or -EINVAL (name or sizes), -ENAMETOOLONG,
 * -EEXIST, -ENOENT, -ENOSPC (no memory for the messages).
 */
int kmq_open(const char *name, bool create, bool excl, long maxmsg,
	     long msgsize, struct kmq **out);
/* Drops a reference; also removes a notification the caller's task
 * registered.  The queue goes with its last reference once unlinked. */
void kmq_close(struct kmq *q);
/* A reference to q that is not a descriptor's (closing one still ends
 * the caller's registration), and its end. */
void kmq_hold(struct kmq *q);
void kmq_put(struct kmq *q);
/* Removes the name; 0, -ENOENT, -EINVAL, -ENAMETOOLONG. */
int kmq_unlink(const char *name);

/*
 * Send and receive, waiting (unless nonblock) until the monotonic
 * deadline_ns.  Cancellation points: -ECANCELED and -EINTR come from
 * wait_block_intr_locked() and are the caller's to act on.
 * send: 0, -EMSGSIZE, -EINVAL (prio), -EAGAIN, -ETIMEDOUT, -EINTR,
 * -ECANCELED.  receive: the message length, or -EMSGSIZE (buffer smaller
 * than the queue's msgsize), -EAGAIN, -ETIMEDOUT, -EINTR, -ECANCELED.
 */
int kmq_send(struct kmq *q, const char *msg, size_t len, unsigned int prio,
	     uint64_t deadline_ns, bool nonblock);
ssize_t kmq_receive(struct kmq *q, char *buf, size_t len, unsigned int *prio,
		    uint64_t deadline_ns, bool nonblock);

void kmq_getattr(struct kmq *q, long *maxmsg, long *msgsize, long *curmsgs);

/*
 * Registers the calling task for notification (ev: SIGEV_NONE,
 * SIGEV_SIGNAL or SIGEV_THREAD) when a message arrives at an empty queue
 * with no receiver waiting; the registration is then removed.  NULL ev
 * removes the caller's registration.  0, -EBUSY (another task is
 * registered), -EINVAL; for SIGEV_THREAD the registration's number
 * (> 0), for the thread libc starts to run the function (the kernel
 * never calls it: in a process it is an EL0 address).
 */
int kmq_notify(struct kmq *q, const struct sigevent *ev);
/* That thread's wait: 0 once registration seq fired, -ECANCELED when it
 * went without (mq_notify(NULL), close, a later registration), -EINTR
 * (a signal or kill). */
int kmq_notify_wait(struct kmq *q, unsigned int seq);

/* The mq_* system calls (kernel/mqueue_calls.c, kernel/syscalls.tbl):
 * POSIX's calls with -errno; an absent abstime waits for ever, an
 * absent attribute is not set or read.  mq_close() is close(). */
struct mq_attr;
struct timespec;
long mq_open_call(const char *name, int oflag, const struct mq_attr *attr);
long mq_unlink_call(const char *name);
long mq_send_call(int mqd, const char *msg, size_t len, unsigned int prio,
		  const struct timespec *abstime);
long mq_receive_call(int mqd, char *buf, size_t len, unsigned int *prio,
		     const struct timespec *abstime);
long mq_getsetattr_call(int mqd, const struct mq_attr *attr,
			struct mq_attr *old);
long mq_notify_call(int mqd, const struct sigevent *ev);
long mq_notify_wait_call(int mqd, unsigned int seq);
