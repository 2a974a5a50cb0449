// SPDX-License-Identifier: BSD-2-Clause
/*
 * Waiting for readiness of several files.  A thread can block on one wait
 * queue only, so pollers share one queue and a sequence number: anything
 * that may make a file ready bumps the sequence and wakes every poller
 * (poll_notify_locked), and a poller blocks only if the sequence has not
 * moved since it started its scan, so no wake-up falls between the scan
 * and the sleep.  Spurious rescans are the price; poll sets are small.
 * The sequence and the queue are protected by the scheduler lock.
 */
#include <errno.h>
#include <vireo/clock.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include <vireo/vfs.h>

static struct wait_queue poll_wq = WAIT_QUEUE_INIT_KIND(poll_wq, WAIT_IO);
static unsigned long poll_seq;

void poll_notify_locked(void)
{
	poll_seq++;
	wait_wake_all_locked(&poll_wq, 0);
}

void poll_notify(void)
{
	irqflags_t f = sched_lock_acquire();

	poll_notify_locked();
	sched_lock_release(f);
}

static int scan(struct vfs_pollfd *p, int n)
{
	int i, ready = 0;

	for (i = 0; i < n; i++) {
		p[i].revents = 0;
		if (!p[i].f)
			continue;
		p[i].revents = vfs_file_poll(p[i].f, p[i].events) &
			       (p[i].events | VFS_POLLERR | VFS_POLLHUP |
				VFS_POLLNVAL);
		ready += p[i].revents != 0;
	}
	return ready;
}

int vfs_poll(struct vfs_pollfd *p, int n, int64_t timeout_ns)
{
	uint64_t deadline = timeout_ns < 0 ? WAIT_FOREVER :
			    clock_monotonic_ns() + (uint64_t)timeout_ns;

	for (;;) {
		irqflags_t f = sched_lock_acquire();
		unsigned long seq = poll_seq;
		int ready, r;

		sched_lock_release(f);
		ready = scan(p, n);
		if (ready || timeout_ns == 0)
			return ready;
		f = sched_lock_acquire();
		r = seq == poll_seq ? wait_block_intr_locked(&poll_wq, deadline)
				    : 0;
		sched_lock_release(f);
		if (r == -ETIMEDOUT)
			return scan(p, n);
		if (r == -EINTR || r == -ECANCELED)
			return r;	/* -ECANCELED: the wrapper ends the thread */
	}
}
