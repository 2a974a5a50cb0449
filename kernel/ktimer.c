// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel timers, tickless: a deadline-ordered list whose head programs
 * the clock-event device.  No periodic interrupt exists; an idle system
 * takes no timer interrupts at all.
 *
 * SMP: one global list, and every CPU has its own timer (banked).  The
 * CPU that changes the head of the list programs its own timer for the
 * new head; the timer interrupt of any CPU runs every expired timer and
 * programs that CPU for the next head.  So the CPU that last reprogrammed
 * always has its timer at or before the head's deadline (or stopped when
 * the list is empty); other CPUs' timers may hold stale, earlier
 * deadlines and fire once for nothing (at most once per reprogramming).
 * Callbacks that concern another CPU (its SCHED_RR slice) kick it with an
 * IPI.
 *
 * Reprogramming is lazy, since it costs more than the list work (a
 * conversion and a device write) and timers are mostly cancelled before
 * they are due (time-outs, slices): a cancel leaves the device as it is,
 * and a new head due no earlier than this CPU's device is set for leaves
 * it too.  The early interrupt finds nothing due and programs the head.
 *
 * Realtime timers (absolute CLOCK_REALTIME deadlines) sit on the same
 * list at their monotonic equivalent and also on rt_timers, so that
 * setting the clock can move them.  The scheduler lock protects both
 * lists and every armed timer's fields.
 */
#include <vireo/clock.h>
#include <vireo/clock_event.h>
#include <vireo/ktimer.h>
#include <vireo/panic.h>
#include <vireo/thread.h>

static struct list_node timers = LIST_INIT(timers);
static struct list_node rt_timers = LIST_INIT(rt_timers);
static const struct clock_event *clock_event_dev;

/* Sets this CPU's device to the head's deadline, or stops it. */
static void reprogram_locked(void)
{
	struct list_node *n = list_first(&timers);
	struct cpu *c = this_cpu();

	if (!clock_event_dev)
		return;
	if (n) {
		c->timer_ns = list_entry(n, struct ktimer, node)->deadline_ns;
		clock_event_dev->set_deadline(clock_ns_to_ticks(c->timer_ns));
	} else {
		c->timer_ns = 0;
		clock_event_dev->stop();
	}
}

/* Timers armed before the device existed are programmed now. */
void clock_event_register(const struct clock_event *ce)
{
	irqflags_t f = sched_lock_acquire();

	clock_event_dev = ce;
	reprogram_locked();
	sched_lock_release(f);
}

void clock_event_init_cpu(void)
{
	irqflags_t f = sched_lock_acquire();

	if (clock_event_dev && clock_event_dev->init_cpu) {
		clock_event_dev->init_cpu();
		reprogram_locked();
	}
	sched_lock_release(f);
}

/* Unlinks t from both lists. */
static void unlink_locked(struct ktimer *t)
{
	list_del(&t->node);
	if (t->rt)
		list_del(&t->rt_node);
	t->armed = false;
	t->rt = false;
}

/* The device is left as it is: set for t or earlier (see the top). */
void ktimer_cancel_locked(struct ktimer *t)
{
	kassert(sched_lock_held());
	if (t->armed)
		unlink_locked(t);
}

/* Inserts t at deadline_ns behind every timer due no later. */
static void insert_locked(struct ktimer *t, uint64_t deadline_ns)
{
	struct list_node *n;

	t->deadline_ns = deadline_ns;
	list_for_each(n, &timers)
		if (list_entry(n, struct ktimer, node)->deadline_ns > deadline_ns)
			break;
	list_insert(&t->node, n->prev, n);
	t->armed = true;
}

void ktimer_arm_locked(struct ktimer *t, uint64_t deadline_ns, ktimer_fn fn)
{
	kassert(sched_lock_held());
	if (t->armed)
		unlink_locked(t);
	t->fn = fn;
	insert_locked(t, deadline_ns);
	if (list_first(&timers) == &t->node &&
	    (!this_cpu()->timer_ns || deadline_ns < this_cpu()->timer_ns))
		reprogram_locked();
}

/* Monotonic time at which the real-time clock reads rt_ns (0 if past). */
static uint64_t rt_to_monotonic(uint64_t rt_ns)
{
	int64_t mono = (int64_t)rt_ns - clock_realtime_offset_ns();

	return mono > 0 ? (uint64_t)mono : 0;
}

void ktimer_arm_realtime_locked(struct ktimer *t, uint64_t rt_deadline_ns,
				ktimer_fn fn)
{
	ktimer_arm_locked(t, rt_to_monotonic(rt_deadline_ns), fn);
	t->rt = true;
	t->rt_deadline_ns = rt_deadline_ns;
	list_add_tail(&rt_timers, &t->rt_node);
}

void ktimer_realtime_changed_locked(void)
{
	struct list_node *n, *tmp;
	struct list_node moved = LIST_INIT(moved);

	kassert(sched_lock_held());
	/* Re-arming re-links rt_node, so move them aside first. */
	list_for_each_safe(n, tmp, &rt_timers) {
		list_del(n);
		list_add_tail(&moved, n);
	}
	list_for_each_safe(n, tmp, &moved) {
		struct ktimer *t = list_entry(n, struct ktimer, rt_node);
		list_del(n);
		t->rt = false;
		ktimer_arm_realtime_locked(t, t->rt_deadline_ns, t->fn);
	}
}

uint64_t ktimer_remaining_ns_locked(const struct ktimer *t)
{
	uint64_t now = clock_monotonic_ns();

	if (!t->armed || t->deadline_ns <= now)
		return 0;
	return t->deadline_ns - now;
}

void ktimer_start(struct ktimer *t, uint64_t delay_ns, ktimer_fn fn, void *arg)
{
	irqflags_t f = sched_lock_acquire();
	uint64_t now = clock_monotonic_ns();

	t->arg = arg;
	/* Saturate rather than wrap: a huge delay means "practically never". */
	ktimer_arm_locked(t, add_sat_u64(now, delay_ns), fn);
	sched_lock_release(f);
}

bool ktimer_cancel(struct ktimer *t)
{
	irqflags_t f = sched_lock_acquire();
	bool was_armed = t->armed;

	ktimer_cancel_locked(t);
	sched_lock_release(f);
	return was_armed;
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
		unlink_locked(t);
		t->fn(t);
	}
	reprogram_locked();
	sched_lock_release(f);
}

void clock_event_handle_from_irq(void)
{
	ktimer_expire_from_irq();
}
