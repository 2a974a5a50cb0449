// SPDX-License-Identifier: BSD-2-Clause
/*
 * The high- and low-priority kernel work queues (<vireo/workqueue.h>).
 * Each queue is a FIFO list of due items and one thread that runs them;
 * delayed items wait on their own ktimer and join the list when it fires.
 * The scheduler lock protects every list and every item's state, which
 * is what lets interrupt handlers and ktimer callbacks queue work.
 */
#include <errno.h>
#include <vireo/clock.h>
#include <vireo/panic.h>
#include <vireo/thread.h>
#include <vireo/wait.h>
#include <vireo/workqueue.h>

enum { WORK_IDLE, WORK_DELAYED, WORK_QUEUED };

struct work_queue {
	struct list_node due;		/* items to run, oldest first */
	struct wait_queue idle;		/* its thread, when due is empty */
	const char *name;
	int prio;
};

static struct work_queue queues[2] = {
	[HPWORK] = { LIST_INIT(queues[HPWORK].due),
		     WAIT_QUEUE_INIT(queues[HPWORK].idle), "hpwork",
		     CONFIG_WORKQUEUE_HP_PRIO },
	[LPWORK] = { LIST_INIT(queues[LPWORK].due),
		     WAIT_QUEUE_INIT(queues[LPWORK].idle), "lpwork",
		     CONFIG_WORKQUEUE_LP_PRIO },
};

void work_init(struct work *w)
{
	*w = (struct work){ 0 };
	list_init(&w->node);
}

static void make_due_locked(struct work *w)
{
	struct work_queue *q = &queues[w->queue];

	w->state = WORK_QUEUED;
	list_add_tail(&q->due, &w->node);
	wait_wake_one_locked(&q->idle, 0);
}

static void delay_expired(struct ktimer *kt)
{
	make_due_locked(container_of(kt, struct work, timer));
}

/* Takes w off its list or timer; returns whether it was pending. */
static bool unqueue_locked(struct work *w)
{
	switch (w->state) {
	case WORK_DELAYED:
		ktimer_cancel_locked(&w->timer);
		break;
	case WORK_QUEUED:
		list_del(&w->node);
		break;
	default:
		return false;
	}
	w->state = WORK_IDLE;
	return true;
}

int work_queue_locked(int queue, struct work *w, work_fn fn, void *arg,
		      uint64_t delay_ns)
{
	kassert(sched_lock_held());
	if ((queue != HPWORK && queue != LPWORK) || !fn)
		return -EINVAL;
	unqueue_locked(w);
	w->fn = fn;
	w->arg = arg;
	w->queue = queue;
	if (delay_ns) {
		uint64_t now = clock_monotonic_ns();
		w->state = WORK_DELAYED;
		ktimer_arm_locked(&w->timer, add_sat_u64(now, delay_ns),
				  delay_expired);
	} else {
		make_due_locked(w);
	}
	return 0;
}

int work_queue(int queue, struct work *w, work_fn fn, void *arg,
	       uint64_t delay_ns)
{
	irqflags_t f = sched_lock_acquire();
	int err = work_queue_locked(queue, w, fn, arg, delay_ns);

	sched_lock_release(f);
	return err;
}

int work_cancel(struct work *w)
{
	irqflags_t f = sched_lock_acquire();
	bool was_pending = unqueue_locked(w);

	sched_lock_release(f);
	return was_pending ? 0 : -ENOENT;
}

bool work_pending(const struct work *w)
{
	return READ_ONCE(w->state) != WORK_IDLE;
}

/* The item is idle again before its function runs, so that the function
 * may queue it anew or free it. */
static void worker(void *arg)
{
	struct work_queue *q = arg;

	for (;;) {
		irqflags_t f = sched_lock_acquire();
		struct list_node *n;

		while (!(n = list_first(&q->due)))
			wait_block_locked(&q->idle, WAIT_FOREVER);
		struct work *w = list_entry(n, struct work, node);
		list_del(n);
		w->state = WORK_IDLE;
		work_fn fn = w->fn;
		void *warg = w->arg;
		sched_lock_release(f);
		fn(warg);
		/* A borrowed descriptor (fd_get) outlives its item. */
		kassert(!thread_current()->files_borrowed);
	}
}

void workqueue_init(void)
{
	for (int i = 0; i < 2; i++) {
		int err = thread_create(NULL, queues[i].name, queues[i].prio,
					POLICY_FIFO, CONFIG_WORKQUEUE_STACKSIZE,
					worker, &queues[i]);
		if (err)
			panic("workqueue: cannot start %s (%d)", queues[i].name, err);
	}
}
