// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel timers, tickless: a deadline-ordered list whose head programs
 * the clock-event device.  No periodic interrupt exists; an idle system
 * takes no timer interrupts at all.  The scheduler lock protects the list.
 */
#include <vireo/clock.h>
#include <vireo/clock_event.h>
#include <vireo/ktimer.h>
#include <vireo/panic.h>
#include <vireo/thread.h>

static struct list_node timers = LIST_INIT(timers);
static const struct clock_event *clock_event_dev;

static void reprogram_locked(void)
{
	struct list_node *n = list_first(&timers);

	if (!clock_event_dev)
		return;
	if (n)
		clock_event_dev->set_deadline(clock_ns_to_ticks(
			list_entry(n, struct ktimer, node)->deadline_ns));
	else
		clock_event_dev->stop();
}

/* Timers armed before the device existed are programmed now. */
void clock_event_register(const struct clock_event *ce)
{
	irqflags_t f = sched_lock_acquire();

	clock_event_dev = ce;
	reprogram_locked();
	sched_lock_release(f);
}

void ktimer_cancel_locked(struct ktimer *t)
{
	if (!t->armed)
		return;
	bool was_first = list_first(&timers) == &t->node;
	list_del(&t->node);
	t->armed = false;
	if (was_first)
		reprogram_locked();
}

void ktimer_arm_locked(struct ktimer *t, uint64_t deadline_ns, ktimer_fn fn)
{
	struct list_node *n;

	kassert(sched_lock_held());
	if (t->armed) {
		list_del(&t->node);
		t->armed = false;
	}
	t->deadline_ns = deadline_ns;
	t->fn = fn;
	list_for_each(n, &timers)
		if (list_entry(n, struct ktimer, node)->deadline_ns > deadline_ns)
			break;
	list_insert(&t->node, n->prev, n);
	t->armed = true;
	if (list_first(&timers) == &t->node)
		reprogram_locked();
}

void ktimer_expire_from_irq(void)
{
	irqflags_t f = sched_lock_acquire();
	uint64_t now = clock_monotonic_ns();
	struct list_node *n;

	while ((n = list_first(&timers))) {
		struct ktimer *t = list_entry(n, struct ktimer, node);
		if (t->deadline_ns > now)
			break;
		list_del(n);
		t->armed = false;
		t->fn(t);
	}
	reprogram_locked();
	sched_lock_release(f);
}

void clock_event_handle_from_irq(void)
{
	ktimer_expire_from_irq();
}
