// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX per-process timers (<vireo/posix_timer.h>).  Each timer is a
 * ktimer plus its notification; expiry runs in the timer interrupt with
 * the scheduler lock held and does a bounded amount of work: re-arm a
 * periodic timer (skipping whole periods it missed and counting them as
 * overruns), then queue one signal, count an overrun, or wake the
 * thread that runs the timer's function (SIGEV_THREAD).
 *
 * Locking: the scheduler lock protects the timer list and every field of
 * every timer (the ktimer callback and signal delivery run under it).
 * Memory is allocated and freed outside it.
 *
 * SIGEV_THREAD: the C library starts the thread that runs the function
 * (a thread of the owner, made by pthread_create() with the event's
 * attributes, in the flat build and in a process alike) and it waits
 * for expirations in posix_timer_notify_wait().  The kernel never calls
 * the function: in a process it is an EL0 address.  A timer holds a
 * reference for the list and one for a thread waiting on it, so that
 * timer_delete() may run while it waits, or in the function itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <vireo/clock.h>
#include <vireo/compiler.h>
#include <vireo/ktimer.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/posix_timer.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/wait.h>

/* The timer interrupt load all periodic timers together may cause: at
 * most one expiration interrupt per MIN_PERIOD_NS on average.  Each of
 * n armed periodic timers takes its interrupt at least n * MIN_PERIOD_NS
 * after the last, so a hundred timers at the shortest period share the
 * budget of one instead of keeping the CPU in the timer interrupt.  Only
 * the interrupts are spaced: expirations stay on the timer's own grid
 * (value + k * interval, at the clock's resolution, as clock_getres()
 * says), and those that fell between two interrupts count as overruns. */
#define MIN_PERIOD_NS (20 * NSEC_PER_USEC)

struct posix_timer {
	struct ktimer kt;
	struct list_node node;		/* all_timers */
	timer_t id;
	struct task *owner;
	clockid_t clock;
	struct sigevent ev;
	uint64_t interval_ns;
	int overrun;			/* counted since the signal was queued */
	int overrun_last;		/* for timer_getoverrun() */
	bool sig_queued;		/* SIGEV_SIGNAL: not yet taken */
	bool periodic;			/* armed with an interval: nr_periodic */
	bool spaced;			/* its interrupt is later than its
					 * next expiration (MIN_PERIOD_NS) */
	uint64_t due_ns;		/* spaced: that next expiration */
	bool deleted;
	int refs;
	uint64_t fires;			/* SIGEV_THREAD: expirations not taken */
	struct wait_queue notify_wq;	/* posix_timer_notify_wait() */
};

static struct list_node all_timers = LIST_INIT(all_timers);
static timer_t next_id = 1;
static unsigned int nr_periodic;	/* armed with an interval */

/* The least time between two interrupts of pt: its share of the budget. */
static uint64_t spacing_locked(void)
{
	return (uint64_t)MIN_PERIOD_NS * nr_periodic;
}

/* Sets pt's interval (0: one-shot) and whether it is armed, keeping
 * nr_periodic: the armed ones with an interval. */
static void set_interval_locked(struct posix_timer *pt, uint64_t interval_ns,
				bool armed)
{
	nr_periodic -= pt->periodic;
	pt->spaced = false;
	pt->interval_ns = interval_ns;
	pt->periodic = armed && interval_ns;
	nr_periodic += pt->periodic;
}

static struct posix_timer *find_locked(timer_t id)
{
	struct task *self = task_current();
	struct list_node *n;

	list_for_each(n, &all_timers) {
		struct posix_timer *pt = list_entry(n, struct posix_timer, node);
		if (pt->id == id)
			return pt->owner == self ? pt : NULL;
	}
	return NULL;
}

static void add_overrun(int *count, uint64_t n)
{
	*count = n >= (uint64_t)(DELAYTIMER_MAX - *count) ? DELAYTIMER_MAX
							   : *count + (int)n;
}

/* n expirations happened at once (more than one: missed periods). */
static void notify_locked(struct posix_timer *pt, uint64_t n)
{
	switch (pt->ev.sigev_notify) {
	case SIGEV_SIGNAL:
		if (pt->sig_queued) {
			add_overrun(&pt->overrun, n);
			break;
		}
		pt->overrun = 0;
		add_overrun(&pt->overrun, n - 1);
		siginfo_t info = {
			.si_signo = pt->ev.sigev_signo,
			.si_code = SI_TIMER,
			.si_pid = task_pid(pt->owner),
			.si_value = pt->ev.sigev_value,
		};
		/* Under the scheduler lock already (ktimer callback). */
		pt->sig_queued = signal_send_timer_locked(pt->owner, &info,
							  pt->id) == 0;
		if (!pt->sig_queued)
			pt->overrun_last = pt->overrun;
		break;
	case SIGEV_THREAD:
		pt->fires = add_sat_u64(pt->fires, n);
		wait_wake_one_locked(&pt->notify_wq, 0);
		break;
	default:	/* SIGEV_NONE: timer_gettime() is all there is */
		break;
	}
}

static void timer_expired(struct ktimer *kt)
{
	struct posix_timer *pt = container_of(kt, struct posix_timer, kt);
	uint64_t n = 1;

	if (pt->interval_ns) {
		uint64_t now = clock_monotonic_ns(), iv = pt->interval_ns;
		uint64_t due = pt->spaced ? pt->due_ns : kt->deadline_ns;
		uint64_t soonest = add_sat_u64(now, spacing_locked());

		n = (now - due) / iv + 1;	/* this and the missed ones */
		pt->due_ns = add_sat_u64(due, n * iv);
		pt->spaced = pt->due_ns < soonest;
		ktimer_arm_locked(kt, pt->spaced ? add_sat_u64(pt->due_ns,
				  (soonest - pt->due_ns + iv - 1) / iv * iv) :
				  pt->due_ns, timer_expired);
	}
	notify_locked(pt, n);
}

void posix_timer_signal_taken_locked(struct task *t, timer_t id)
{
	struct list_node *n;

	list_for_each(n, &all_timers) {
		struct posix_timer *pt = list_entry(n, struct posix_timer, node);
		if (pt->id == id && pt->owner == t) {
			pt->overrun_last = pt->overrun;
			pt->overrun = 0;
			pt->sig_queued = false;
			return;
		}
	}
}

int posix_timer_notify_wait(timer_t id)
{
	irqflags_t f = sched_lock_acquire();
	struct posix_timer *pt = find_locked(id);
	bool last;
	int r = 0;

	if (!pt || pt->ev.sigev_notify != SIGEV_THREAD) {
		sched_lock_release(f);
		return -EINVAL;
	}
	pt->refs++;
	while (!pt->fires && !pt->deleted && !r)
		r = wait_block_sig_locked(&pt->notify_wq, WAIT_FOREVER);
	if (pt->deleted) {
		r = -EINVAL;
	} else if (pt->fires) {
		r = pt->fires - 1 >= DELAYTIMER_MAX ? DELAYTIMER_MAX
						    : (int)(pt->fires - 1);
		pt->overrun_last = r;
		pt->fires = 0;
	}
	last = --pt->refs == 0;
	sched_lock_release(f);
	if (last)
		free(pt);
	return r;
}

static int check_event(const struct sigevent *ev)
{
	switch (ev->sigev_notify) {
	case SIGEV_NONE:
		return 0;
	case SIGEV_SIGNAL:
		return ev->sigev_signo > 0 && ev->sigev_signo < NSIG ? 0 : -EINVAL;
	case SIGEV_THREAD:
		return ev->sigev_notify_function ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

int posix_timer_create(clockid_t clock, const struct sigevent *ev, timer_t *id)
{
	struct posix_timer *pt;
	irqflags_t f;
	int err;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return clock == CLOCK_THREAD_CPUTIME_ID ||
		       clock == CLOCK_PROCESS_CPUTIME_ID ? -ENOTSUP : -EINVAL;
	if (ev && (err = check_event(ev)))
		return err;
	pt = kcalloc(1, sizeof(*pt));
	if (!pt)
		return -EAGAIN;
	pt->owner = task_current();
	pt->clock = clock;
	pt->refs = 1;
	wait_queue_init(&pt->notify_wq);
	f = sched_lock_acquire();
	pt->id = next_id++;
	sched_lock_release(f);
	if (ev) {
		pt->ev = *ev;
	} else {
		pt->ev.sigev_notify = SIGEV_SIGNAL;
		pt->ev.sigev_signo = SIGALRM;
		pt->ev.sigev_value.sival_int = (int)pt->id;
	}
	f = sched_lock_acquire();
	list_add_tail(&all_timers, &pt->node);
	sched_lock_release(f);
	*id = pt->id;
	return 0;
}

/* Unlinks and disarms pt; returns whether the caller must free it. */
static bool delete_locked(struct posix_timer *pt)
{
	ktimer_cancel_locked(&pt->kt);
	set_interval_locked(pt, 0, false);
	list_del(&pt->node);
	pt->deleted = true;
	wait_wake_all_locked(&pt->notify_wq, 0);
	return --pt->refs == 0;
}

int posix_timer_delete(timer_t id)
{
	irqflags_t f = sched_lock_acquire();
	struct posix_timer *pt = find_locked(id);
	bool do_free;

	if (!pt) {
		sched_lock_release(f);
		return -EINVAL;
	}
	if (pt->sig_queued)
		signal_drop_timer_locked(pt->owner, pt->id);
	do_free = delete_locked(pt);
	sched_lock_release(f);
	if (do_free)
		free(pt);
	return 0;
}

void posix_timer_task_exit(struct task *t)
{
	for (;;) {
		irqflags_t f = sched_lock_acquire();
		struct posix_timer *pt = NULL;
		struct list_node *n;

		list_for_each(n, &all_timers) {
			struct posix_timer *p = list_entry(n, struct posix_timer, node);
			if (p->owner == t) {
				pt = p;
				break;
			}
		}
		/* The last reference: no thread of t waits any more. */
		bool last = pt && delete_locked(pt);

		sched_lock_release(f);
		if (!pt)
			return;
		if (last)
			free(pt);
	}
}

static void get_locked(struct posix_timer *pt, uint64_t *value, uint64_t *interval)
{
	if (value) {
		*value = ktimer_remaining_ns_locked(&pt->kt);
		if (pt->spaced) {	/* the expiration before its interrupt */
			uint64_t now = clock_monotonic_ns();
			*value = pt->due_ns > now ? pt->due_ns - now : 0;
		}
		if (!*value && pt->kt.armed)
			*value = 1;	/* due, interrupt pending: still armed */
	}
	if (interval)
		*interval = pt->interval_ns;
}

static void arm_locked(struct posix_timer *pt, bool abs, uint64_t value_ns)
{
	uint64_t now = clock_monotonic_ns();

	if (abs && pt->clock == CLOCK_REALTIME)
		ktimer_arm_realtime_locked(&pt->kt, value_ns, timer_expired);
	else if (abs)
		ktimer_arm_locked(&pt->kt, value_ns, timer_expired);
	else
		ktimer_arm_locked(&pt->kt, add_sat_u64(now, value_ns),
				  timer_expired);
}

int posix_timer_settime(timer_t id, bool abs, uint64_t value_ns,
			uint64_t interval_ns, uint64_t *old_value,
			uint64_t *old_interval)
{
	irqflags_t f = sched_lock_acquire();
	struct posix_timer *pt = find_locked(id);

	if (!pt) {
		sched_lock_release(f);
		return -EINVAL;
	}
	get_locked(pt, old_value, old_interval);
	ktimer_cancel_locked(&pt->kt);
	set_interval_locked(pt, interval_ns, value_ns != 0);
	if (value_ns)
		arm_locked(pt, abs, value_ns);
	sched_lock_release(f);
	return 0;
}

int posix_timer_gettime(timer_t id, uint64_t *value, uint64_t *interval)
{
	irqflags_t f = sched_lock_acquire();
	struct posix_timer *pt = find_locked(id);

	if (pt)
		get_locked(pt, value, interval);
	sched_lock_release(f);
	return pt ? 0 : -EINVAL;
}

int posix_timer_getoverrun(timer_t id)
{
	irqflags_t f = sched_lock_acquire();
	struct posix_timer *pt = find_locked(id);
	int ret = pt ? pt->overrun_last : -EINVAL;

	sched_lock_release(f);
	return ret;
}
