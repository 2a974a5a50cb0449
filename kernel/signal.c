// SPDX-License-Identifier: BSD-2-Clause
/*
 * POSIX signals.  A signal is pending either for one thread
 * (thread->sig_pending, thread->sig_queue) or for its task
 * (task_signals.pending, .queue); each pending signal has a queue entry
 * carrying its siginfo.  Standard signals are not queued: sending one
 * that is already pending at the same place changes nothing.  Real-time
 * signals queue (up to SIGQUEUE_MAX per task) and are taken in order:
 * lowest number first, FIFO per number.
 *
 * Everything here is under the scheduler lock, which also lets a sender
 * wake a thread blocked in wait_block_intr_locked() without a lost
 * wake-up.  A thread takes its signals itself, at delivery points
 * (signal_deliver_pending() from the POSIX wrappers after an
 * interrupted wait, and signal_irq_exit_deliver() from the interrupt
 * exit path); handlers run on its stack in thread context with the
 * scheduler lock released.  A thread of an EL0 program runs its handlers
 * at EL0: there the delivery point is the return to EL0, where the
 * architecture takes them (signal_take_handler()) and builds their
 * frames; the kernel's delivery points only end its call with EINTR.
 *
 * Dying inside the kernel.  A kill (the task is exiting), a signal whose
 * action ends the task, and an asynchronous cancellation end a thread
 * where it stands, so they take effect only where it holds nothing the
 * kernel would lose: no internal kernel mutex (vfs_mutex, picolibc's
 * stdio locks: thread->kmutex_held), no descriptor borrowed with
 * fd_get() (thread->files_borrowed), no kernel object that only it can
 * reach, being created or freed (thread->objs_in_hand), and not inside
 * sched_lock().  Until then the death stays pending: an interrupt exit
 * leaves it, a delivery point reports SIGNAL_RAN_INTR so that the call
 * gives up with EINTR and lets go, and the release of the last hold
 * (signal_hold_drop(), kmutex_unlock()) requests an interrupt whose exit
 * ends the thread.  A
 * thread ended by a fault or a stack overflow cannot wait: it gives its
 * internal mutexes to their next waiters (kmutex_thread_abandon()).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/clock.h>
#include <vireo/mm.h>
#include <vireo/panic.h>
#include <vireo/posix_timer.h>
#include <vireo/signal.h>
#include <vireo/thread.h>
#include <vireo/vmspace.h>
#include "kernel_priv.h"

#define SIGQUEUE_MAX 32

/* thread->sig_ran: what handlers ran since its interruptible wait began. */
#define SIG_RAN 1		/* at least one handler */
#define SIG_RAN_NORESTART 2	/* one without SA_RESTART */

struct sigq {
	struct list_node node;
	siginfo_t info;
	timer_t timer;			/* POSIX timer that queued it, or 0 */
};

struct task_signals {
	struct sigaction act[NSIG];
	uint64_t pending;
	struct list_node queue;
	int nqueued;			/* entries of the task and its threads */
	struct ktimer alarm;		/* alarm() and ITIMER_REAL */
	uint64_t alarm_interval_ns;	/* ITIMER_REAL's reload, or 0 */
	struct task *task;		/* owner, for the alarm */
};

static bool valid_sig(int sig)
{
	return sig > 0 && sig < NSIG;
}

/* Default action ignore: SIGCHLD, SIGURG, SIGWINCH; SIGCONT, SIGSTOP
 * and the terminal stop signals too (no job control: stop and continue
 * are treated as ignore). */
static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH ||
	       sig == SIGCONT || sig == SIGSTOP || sig == SIGTSTP ||
	       sig == SIGTTIN || sig == SIGTTOU;
}

struct task_signals *signal_task_new(struct task *owner)
{
	struct task_signals *ts = kcalloc(1, sizeof(*ts));

	if (ts) {
		list_init(&ts->queue);
		ts->task = owner;
	}
	return ts;
}

static void free_queue(struct list_node *q)
{
	struct list_node *n, *tmp;

	list_for_each_safe(n, tmp, q) {
		list_del(n);
		free(list_entry(n, struct sigq, node));
	}
}

void signal_task_free(struct task_signals *ts)
{
	irqflags_t f = sched_lock_acquire();

	ktimer_cancel_locked(&ts->alarm);
	sched_lock_release(f);
	free_queue(&ts->queue);
	free(ts);
}

void signal_thread_release_locked(struct thread *t)
{
	struct list_node *n, *tmp;

	list_for_each_safe(n, tmp, &t->sig_queue) {
		list_del(n);
		if (t->task && t->task->sig)
			t->task->sig->nqueued--;
		free(list_entry(n, struct sigq, node));
	}
	t->sig_pending = 0;
}

static uint64_t blocked(const struct thread *t)
{
	return t->sig_mask & ~SIG_UNBLOCKABLE;
}

static uint64_t pending_of(const struct thread *t)
{
	return t->sig_pending | t->task->sig->pending;
}

bool thread_has_work_locked(struct thread *t, bool for_irq_exit)
{
	if (t->exiting || !t->task || !t->task->sig)
		return false;
	if (t->kill_pending || t->stack_smashed)
		return true;
	if (t->cancel_pending && t->cancel_state == THREAD_CANCEL_ENABLE &&
	    t->cancel_type == THREAD_CANCEL_ASYNCHRONOUS)
		return true;
	uint64_t accept = ~blocked(t) | (for_irq_exit ? 0 : t->sig_waiting);
	return (pending_of(t) & accept) != 0;
}

/* Wakes t from an interruptible wait if sig is deliverable to it (or
 * awaited by its sigwait). */
static void notify_locked(struct thread *t, int sig)
{
	uint64_t bit = SIG_BIT(sig);

	if (t->state == THREAD_RUNNING)
		sched_kick_thread_locked(t);	/* delivered at its IRQ exit */
	if (t->state != THREAD_BLOCKED || !t->intr_wait)
		return;
	if ((bit & ~blocked(t)) || (bit & t->sig_waiting))
		sched_wake_locked(t, -EINTR);
}

/* Adds info to one pending set and queue, remembering the POSIX timer
 * that sent it (0: none).  0 when it got its own queue entry, 1 when it
 * merged into a pending one or was left without an entry (a standard
 * signal: its info is then synthesized), or -EAGAIN. */
static int enqueue_locked(struct task_signals *ts, uint64_t *pending,
			  struct list_node *queue, const siginfo_t *info,
			  timer_t timer)
{
	int sig = info->si_signo;
	struct sigq *q;

	if (sig < SIGRTMIN && (*pending & SIG_BIT(sig)))
		return 1;	/* standard signals do not queue */
	if (ts->nqueued >= SIGQUEUE_MAX) {
		if (sig >= SIGRTMIN)
			return -EAGAIN;
		*pending |= SIG_BIT(sig);	/* info is synthesized */
		return 1;
	}
	q = kmalloc(sizeof(*q));	/* the heap lock nests inside ours */
	if (!q) {
		if (sig >= SIGRTMIN)
			return -EAGAIN;
		*pending |= SIG_BIT(sig);
		return 1;
	}
	q->info = *info;
	q->timer = timer;
	list_add_tail(queue, &q->node);
	ts->nqueued++;
	*pending |= SIG_BIT(sig);
	return 0;
}

/* Whether sig's action in task is to ignore it. */
static bool ignored(struct task *task, int sig)
{
	const struct sigaction *a = &task->sig->act[sig];

	return sig != SIGKILL && (a->sa_handler == SIG_IGN ||
		(a->sa_handler == SIG_DFL && default_ignored(sig)));
}

/* Whether taking sig ends task (its default action, not ignored). */
static bool fatal(struct task *task, int sig)
{
	return sig == SIGKILL || (task->sig->act[sig].sa_handler == SIG_DFL &&
				  !default_ignored(sig));
}

/* Whether t blocks sig or waits for it in sigwait*. */
static bool held_by(const struct thread *t, int sig)
{
	return ((blocked(t) | t->sig_waiting) & SIG_BIT(sig)) != 0;
}

/*
 * Whether a signal sent to task (to thread t, or to the task when t is
 * NULL) is discarded at generation: the task is gone, or the action is
 * to ignore it (POSIX 2.4.1).  POSIX leaves open whether a blocked
 * ignored signal is discarded: one set to SIG_IGN is; one ignored by
 * default (SIGCHLD) stays pending while a thread blocks it or waits for
 * it, so that sigwait() can take it.  An ignored signal thus never
 * interrupts a wait.
 */
static bool discarded(struct task *task, struct thread *t, int sig)
{
	struct list_node *n;

	if (task->zombie)
		return true;
	/* The console shell (init, pid 1) must outlive whatever is typed
	 * at it: as on Linux, a signal it has no handler for never reaches
	 * it (POSIX leaves open which processes refuse a kill). */
	if (task->pid == 1 && task->sig->act[sig].sa_handler == SIG_DFL &&
	    !default_ignored(sig))
		return true;
	if (!ignored(task, sig))
		return false;
	if (task->sig->act[sig].sa_handler == SIG_IGN)
		return true;	/* explicitly ignored: even when blocked */
	if (t)
		return !held_by(t, sig);
	list_for_each(n, &task->threads) {
		if (held_by(list_entry(n, struct thread, task_node), sig))
			return false;
	}
	return true;
}

/* As signal_send_timer_locked(); timer 0 for other senders. */
static int send_task_locked(struct task *task, const siginfo_t *info,
			    timer_t timer)
{
	int sig = info->si_signo, r;
	struct list_node *n;
	struct thread *target = NULL;

	if (discarded(task, NULL, sig))
		return 1;
	r = enqueue_locked(task->sig, &task->sig->pending, &task->sig->queue,
			   info, timer);
	if (r < 0)
		return r;
	/* A sigwait caller takes precedence, then any thread not blocking it. */
	sched_walk_begin();
	list_for_each(n, &task->threads) {
		struct thread *t = list_entry(n, struct thread, task_node);
		if (t->sig_waiting & SIG_BIT(sig)) {
			target = t;
			break;
		}
		if (!target && !(blocked(t) & SIG_BIT(sig)))
			target = t;
	}
	if (target)
		notify_locked(target, sig);
	sched_walk_end();
	return r;
}

int signal_send_task_locked(struct task *task, const siginfo_t *info)
{
	int r = task->sig ? send_task_locked(task, info, 0) : -EINVAL;

	return r < 0 ? r : 0;
}

int signal_send_timer_locked(struct task *task, const siginfo_t *info,
			     timer_t timer)
{
	kassert(sched_lock_held());
	if (!valid_sig(info->si_signo) || !task->sig)
		return -EINVAL;
	return send_task_locked(task, info, timer);
}

static int send_thread_locked(struct thread *t, const siginfo_t *info)
{
	struct task *task = t->task;
	int r;

	if (!task->sig || t->exited)
		return -ESRCH;
	if (discarded(task, t, info->si_signo))
		return 0;
	r = enqueue_locked(task->sig, &t->sig_pending, &t->sig_queue, info, 0);
	if (r < 0)
		return r;
	notify_locked(t, info->si_signo);
	return 0;
}

int signal_send_thread(struct thread *t, const siginfo_t *info)
{
	irqflags_t f;
	int r;

	if (!valid_sig(info->si_signo))
		return -EINVAL;
	f = sched_lock_acquire();
	r = send_thread_locked(t, info);
	sched_lock_release(f);
	return r;
}

int signal_send_tid(int tid, const siginfo_t *info)
{
	irqflags_t f;
	struct thread *t;
	int r = 0;

	if (info->si_signo != 0 && !valid_sig(info->si_signo))
		return -EINVAL;
	f = sched_lock_acquire();
	t = thread_lookup_locked(tid);
	if (!t || t->exited || t->task != task_current())
		r = -ESRCH;
	else if (info->si_signo)
		r = send_thread_locked(t, info);
	sched_lock_release(f);
	return r;
}

/* kill(-1, sig): every task but the kernel's, init and the caller
 * (POSIX: "all processes ... excluding an unspecified set of system
 * processes"); -ESRCH when there was none. */
static int send_all_locked(const siginfo_t *info)
{
	struct task *me = task_current(), *t = NULL;
	int r = -ESRCH;

	while ((t = task_next_locked(t))) {
		if (t == me || t == task_kernel() || t->pid == 1 || t->zombie ||
		    !t->sig)
			continue;
		if (info->si_signo)
			send_task_locked(t, info, 0);
		r = 0;
	}
	return r;
}

int signal_send_pid(pid_t pid, const siginfo_t *info)
{
	irqflags_t f;
	struct task *task;
	int r = 0;

	if (info->si_signo != 0 && !valid_sig(info->si_signo))
		return -EINVAL;
	if (pid == INT_MIN)	/* has no group id to negate */
		return -ESRCH;
	f = sched_lock_acquire();
	/* No process groups: a group id names the task of that pid, and 0
	 * the caller's own. */
	if (pid == -1) {
		r = send_all_locked(info);
		sched_lock_release(f);
		return r;
	}
	if (pid == 0)
		task = task_current();
	else
		task = task_find_locked(pid < 0 ? -pid : pid);
	/* task_finish() clears task->sig before the task becomes a zombie:
	 * a task that far into its end takes no more signals. */
	if (!task || task == task_kernel() || task->zombie || !task->sig)
		r = -ESRCH;
	else if (info->si_signo)
		r = send_task_locked(task, info, 0);
	sched_lock_release(f);
	return r < 0 ? r : 0;
}

/* Removes the first queued sig of one place; clears its pending bit
 * when none is left.  True when found there.  Taking (delivering,
 * accepting or discarding) a POSIX timer's signal tells the timer, which
 * may then queue its next one (one queued signal per timer, POSIX
 * timer_getoverrun()). */
static bool take_from(struct task_signals *ts, uint64_t *pending,
		      struct list_node *queue, int sig, siginfo_t *info)
{
	struct list_node *n;
	struct sigq *found = NULL;
	bool more = false;

	if (!(*pending & SIG_BIT(sig)))
		return false;
	list_for_each(n, queue) {
		struct sigq *q = list_entry(n, struct sigq, node);
		if (q->info.si_signo != sig)
			continue;
		if (found) {
			more = true;
			break;
		}
		found = q;
	}
	if (found) {
		*info = found->info;
		if (found->timer)
			posix_timer_signal_taken_locked(ts->task, found->timer);
		list_del(&found->node);
		ts->nqueued--;
		free(found);
	} else {
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
	if (!more)
		*pending &= ~SIG_BIT(sig);
	return true;
}

void signal_drop_timer_locked(struct task *task, timer_t timer)
{
	struct task_signals *ts = task->sig;
	struct sigq *found = NULL;
	struct list_node *n;
	bool more = false;

	if (!ts)
		return;
	list_for_each(n, &ts->queue) {
		struct sigq *q = list_entry(n, struct sigq, node);
		if (q->timer == timer)
			found = q;
	}
	if (!found)
		return;
	list_for_each(n, &ts->queue) {
		struct sigq *q = list_entry(n, struct sigq, node);
		if (q != found && q->info.si_signo == found->info.si_signo)
			more = true;
	}
	if (!more)
		ts->pending &= ~SIG_BIT(found->info.si_signo);
	list_del(&found->node);
	ts->nqueued--;
	free(found);
}

static void dequeue_locked(struct thread *t, int sig, siginfo_t *info)
{
	struct task_signals *ts = t->task->sig;

	if (!take_from(ts, &t->sig_pending, &t->sig_queue, sig, info))
		take_from(ts, &ts->pending, &ts->queue, sig, info);
}

/* Whether t runs a program at EL0: its handlers run there, never in
 * the kernel (the arch's return to EL0 takes them).  Known from its
 * creation, not from its first entry to EL0: a new thread of a process
 * signalled before it got there must not run the program's handler at
 * EL1.  Not the task's address space: a flat task may hold one
 * (kmodetest's checks). */
static bool user_thread(const struct thread *t)
{
	return t->el0;
}

/* Whether the calling thread runs on its alternate signal stack (an EL0
 * thread: whether its program did, when it entered the kernel). */
static bool on_altstack(const struct thread *t)
{
	uintptr_t sp = user_thread(t) ? arch_user_sp(t) :
		       (uintptr_t)__builtin_frame_address(0);

	return sp >= t->sigalt_lo && sp < t->sigalt_hi;
}

int signal_altstack(const stack_t *ss, stack_t *oss)
{
	struct thread *t = thread_current();
	stack_t want = ss ? *ss : (stack_t){ 0 };
	bool on = on_altstack(t);

	if (oss) {
		oss->ss_sp = (void *)t->sigalt_lo;
		oss->ss_size = t->sigalt_hi - t->sigalt_lo;
		oss->ss_flags = on ? SS_ONSTACK : t->sigalt_hi ? 0 : SS_DISABLE;
	}
	if (!ss)
		return 0;
	if (on)
		return -EPERM;	/* cannot change the stack it runs on */
	if (want.ss_flags & ~SS_DISABLE)
		return -EINVAL;
	if (want.ss_flags & SS_DISABLE) {
		t->sigalt_lo = t->sigalt_hi = 0;
		return 0;
	}
	if (want.ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	if (!want.ss_sp || (uintptr_t)want.ss_sp + want.ss_size < (uintptr_t)want.ss_sp)
		return -EINVAL;
	/* A program's frames are written with copy_to_user(), which checks
	 * the range then; here only that it is the program's to give. */
	if (user_thread(t) &&
	    !user_window_has((uintptr_t)want.ss_sp, want.ss_size))
		return -EINVAL;
	t->sigalt_hi = 0;	/* never a half-set range */
	t->sigalt_lo = (uintptr_t)want.ss_sp;
	t->sigalt_hi = (uintptr_t)want.ss_sp + want.ss_size;
	return 0;
}

struct handler_call {
	int sig;
	const struct sigaction *act;
	siginfo_t *info;
};

static void call_handler(void *arg)
{
	struct handler_call *c = arg;

	if (c->act->sa_flags & SA_SIGINFO)
		c->act->sa_sigaction(c->sig, c->info, NULL);
	else
		c->act->sa_handler(c->sig);
}

/* Runs the handler with its own FP/SIMD context: the interrupted
 * thread's registers are saved aside and put back after.  With
 * SA_ONSTACK it runs on the thread's alternate stack when one is set
 * and the thread is not on it already (a nested signal stays there). */
static void run_handler(int sig, const struct sigaction *act, siginfo_t *info)
{
	struct thread *t = thread_current();
	struct arch_fpu_state saved;
	struct handler_call c = { sig, act, info };

	arch_fpu_flush(t);
	saved = t->fpu;
	if ((act->sa_flags & SA_ONSTACK) && t->sigalt_hi && !on_altstack(t))
		arch_call_on_stack(t->sigalt_hi & ~(uintptr_t)15, call_handler, &c);
	else
		call_handler(&c);
	arch_fpu_flush(t);
	t->fpu = saved;
}

bool thread_holds_kernel_state(const struct thread *t)
{
	return t->preempt_off || t->kmutex_held || t->files_borrowed ||
	       t->objs_in_hand;
}

void signal_hold_drop(unsigned int *count)
{
	struct thread *t = thread_current();
	irqflags_t f;

	kassert(*count > 0);
	(*count)--;
	if (thread_holds_kernel_state(t))
		return;
	f = sched_lock_acquire();
	if (thread_has_work_locked(t, true))
		sched_request_delivery_locked();
	sched_lock_release(f);
}

/* Whether t must die now: a kill, stack smash or asynchronous
 * cancellation. */
static bool death_pending(const struct thread *t)
{
	return t->kill_pending || t->stack_smashed ||
	       (t->cancel_pending && t->cancel_state == THREAD_CANCEL_ENABLE &&
		t->cancel_type == THREAD_CANCEL_ASYNCHRONOUS);
}

/* Acts on a kill, stack smash or asynchronous cancellation; returns
 * only when there is none.  Lock held on entry, released if acting. */
static void act_on_death_locked(struct thread *t, irqflags_t f)
{
	if (t->kill_pending) {
		t->exiting = true;	/* see signal_deliver() */
		sched_lock_release(f);
		thread_die(NULL);
	}
	if (t->stack_smashed) {
		t->exiting = true;
		sched_lock_release(f);
		thread_stack_overflow();
	}
	if (t->cancel_pending && t->cancel_state == THREAD_CANCEL_ENABLE &&
	    t->cancel_type == THREAD_CANCEL_ASYNCHRONOUS) {
		sched_lock_release(f);
		thread_exit_value(THREAD_CANCELED);
	}
}

/* What take_signal() found. */
enum take {
	TAKE_NONE,	/* nothing deliverable */
	TAKE_DEFERRED,	/* a death waits for the thread's holds to go */
	TAKE_HANDLER,	/* *sig taken for its handler, its mask set */
	TAKE_LEFT,	/* a handler's signal left pending for EL0 */
};

/*
 * Acts on what is deliverable to the calling thread t, lowest signal
 * first: a death, ignored signals and default actions (which end the
 * thread: no return) on the way, until a signal with a handler.  That
 * one is taken (*sig, *info, *act; the handler's mask installed, the
 * mask before in *old_mask), or, when leave_handlers, left pending and
 * only its action reported.
 */
static enum take take_signal(struct thread *t, bool leave_handlers, int *sig,
			     siginfo_t *info, struct sigaction *act,
			     uint64_t *old_mask)
{
	for (;;) {
		irqflags_t f = sched_lock_acquire();
		if (t->exiting || !t->task->sig) {
			sched_lock_release(f);
			return TAKE_NONE;
		}
		if (thread_holds_kernel_state(t) && death_pending(t)) {
			sched_lock_release(f);
			return TAKE_DEFERRED;
		}
		act_on_death_locked(t, f);
		uint64_t set = pending_of(t) & ~blocked(t);
		if (!set) {
			sched_lock_release(f);
			return TAKE_NONE;
		}
		int s = __builtin_ctzll(set) + 1;
		if (fatal(t->task, s) && thread_holds_kernel_state(t)) {
			sched_lock_release(f);	/* stays pending */
			return TAKE_DEFERRED;
		}
		struct sigaction *a = &t->task->sig->act[s];
		*act = *a;
		if (leave_handlers && !ignored(t->task, s) && !fatal(t->task, s)) {
			sched_lock_release(f);
			return TAKE_LEFT;
		}
		dequeue_locked(t, s, info);
		if (ignored(t->task, s)) {
			sched_lock_release(f);
			continue;
		}
		if (fatal(t->task, s)) {
			/* No delivery from here on: a signal coming in while
			 * it ends (an interrupt exit on its stack) would start
			 * the same death again, nested, until the stack ran
			 * out (a kill() storm did that). */
			t->exiting = true;
			sched_lock_release(f);
			task_exit_signaled(s);
		}
		*old_mask = t->sig_mask;
		t->sig_mask |= act->sa_mask |
			       ((act->sa_flags & SA_NODEFER) ? 0 : SIG_BIT(s));
		if (act->sa_flags & SA_RESETHAND) {
			a->sa_handler = SIG_DFL;
			a->sa_flags &= ~SA_SIGINFO;
		}
		sched_lock_release(f);
		*sig = s;
		return TAKE_HANDLER;
	}
}

/*
 * The delivery point of a kernel call (restartable: one SA_RESTART may
 * restart).  A thread of the flat build runs the handlers here.  An EL0
 * thread cannot: a handler's signal stays pending and the call ends
 * with EINTR (SIGNAL_RAN_INTR), so that the return to EL0 runs it; the
 * thread remembers that the call could be restarted, and the return
 * decides (signal_user_restart()), once for every call.
 */
static enum signal_delivery deliver(bool restartable)
{
	struct thread *t = thread_current();
	bool user = user_thread(t);
	struct sigaction act;
	uint64_t old_mask;
	siginfo_t info;
	int sig;

	for (;;) {
		enum take r = take_signal(t, user, &sig, &info, &act, &old_mask);

		if (r == TAKE_DEFERRED)
			return SIGNAL_RAN_INTR;	/* the caller lets go: then it dies */
		if (r == TAKE_LEFT) {
			/* An interrupt exit's look does not undo the call's. */
			t->sig_restart |= restartable;
			return SIGNAL_RAN_INTR;
		}
		if (r == TAKE_NONE)
			break;
		run_handler(sig, &act, &info);
		irqflags_t f = sched_lock_acquire();
		t->sig_mask = old_mask;
		sched_lock_release(f);
		t->sig_ran |= SIG_RAN |
			      (act.sa_flags & SA_RESTART ? 0 : SIG_RAN_NORESTART);
	}
	/* Also what ran before the call, from the interrupt exit path, since
	 * the wait began (wait_block_intr_locked() clears it). */
	if (!(t->sig_ran & SIG_RAN))
		return SIGNAL_NONE_RAN;
	return t->sig_ran & SIG_RAN_NORESTART ? SIGNAL_RAN_INTR
					      : SIGNAL_RAN_RESTART;
}

enum signal_delivery signal_deliver(void)
{
	return deliver(false);
}

bool signal_deliver_pending(void)
{
	return deliver(true) != SIGNAL_RAN_INTR;
}

int signal_take_handler(siginfo_t *info, struct sigaction *act,
			uint64_t *old_mask)
{
	struct thread *t = thread_current();
	int sig = 0;
	enum take r = take_signal(t, false, &sig, info, act, old_mask);

	/* After sigsuspend(): the handler returns to the mask before it,
	 * or, when none runs, the thread goes on with that mask. */
	if (t->sig_suspended) {
		irqflags_t f = sched_lock_acquire();
		if (r == TAKE_HANDLER)
			*old_mask = t->sig_suspend_old;
		else
			t->sig_mask = t->sig_suspend_old;
		t->sig_suspended = false;
		sched_lock_release(f);
	}
	return r == TAKE_HANDLER ? sig : 0;
}

bool signal_user_fault(int sig, uintptr_t addr)
{
	struct thread *t = thread_current();
	siginfo_t info = { .si_signo = sig, .si_code = SI_KERNEL,
			   .si_addr = (void *)addr };
	irqflags_t f = sched_lock_acquire();
	bool handled = t->task->sig && !(blocked(t) & SIG_BIT(sig)) &&
		       !ignored(t->task, sig) && !fatal(t->task, sig);

	if (handled)
		handled = send_thread_locked(t, &info) >= 0;
	sched_lock_release(f);
	return handled;
}

bool signal_user_restart(const struct sigaction *act)
{
	struct thread *t = thread_current();
	bool r = t->sig_restart && (act->sa_flags & SA_RESTART);

	t->sig_restart = false;
	return r;
}

/* Every interrupt exit asks, so no global lock here: a racy look at
 * the running thread's own state (IRQs masked: it stays current), its
 * task's alive while it runs.  A sender sets that state under the lock
 * and then kicks the thread's CPU with an SGI whose generation is
 * ordered after those stores (irq_send_sgi()), so the kick's own exit
 * sees them; a stale "yes" costs only signal_deliver()'s locked look. */
bool signal_pending(void)
{
	return thread_has_work_locked(this_cpu()->current, true);
}

/* Interrupt-exit deliveries that may be in progress on one thread. */
#define IRQ_DELIVERY_NEST_MAX 3

bool signal_irq_delivery_begin(void)
{
	struct thread *t = this_cpu()->current;	/* IRQs masked */

	if (t->irq_deliveries >= IRQ_DELIVERY_NEST_MAX)
		return false;
	t->irq_deliveries++;
	return true;
}

void signal_irq_delivery_end(void)
{
	this_cpu()->current->irq_deliveries--;
}

void signal_irq_exit_deliver(void)
{
	struct thread *t = thread_current();

	/* Not while it holds kernel state (see the top): the release of
	 * the last hold asks for another interrupt. */
	if (thread_holds_kernel_state(t))
		return;
	deliver(false);	/* interrupts no call: nothing to restart */
}

int signal_action(int sig, const struct sigaction *act, struct sigaction *old)
{
	struct task *task = task_current();
	struct task_signals *ts = task->sig;
	irqflags_t f;

	if (!valid_sig(sig) || !ts)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	/* A handler at EL0 returns through the program's trampoline. */
	if (act && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN &&
	    !act->sa_restorer && user_thread(thread_current()))
		return -EINVAL;
	f = sched_lock_acquire();
	if (old)
		*old = ts->act[sig];
	if (act) {
		ts->act[sig] = *act;
		ts->act[sig].sa_mask &= ~SIG_UNBLOCKABLE;
		/* POSIX: setting SIG_IGN (or SIG_DFL for a signal whose default
		 * is to ignore) discards it where pending. */
		if (act->sa_handler == SIG_IGN ||
		    (act->sa_handler == SIG_DFL && default_ignored(sig))) {
			struct list_node *n;
			siginfo_t tmp;
			while (take_from(ts, &ts->pending, &ts->queue, sig, &tmp))
				;
			list_for_each(n, &task->threads) {
				struct thread *t = list_entry(n, struct thread, task_node);
				while (take_from(ts, &t->sig_pending, &t->sig_queue, sig, &tmp))
					;
			}
		}
	}
	sched_lock_release(f);
	return 0;
}

int signal_mask(int how, const sigset_t *set, sigset_t *old)
{
	struct thread *t = thread_current();
	irqflags_t f;
	int r = 0;

	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	f = sched_lock_acquire();
	if (old)
		*old = t->sig_mask;
	if (set) {
		uint64_t s = *set;
		if (how == SIG_BLOCK)
			t->sig_mask |= s;
		else if (how == SIG_UNBLOCK)
			t->sig_mask &= ~s;
		else
			t->sig_mask = s;
		t->sig_mask &= ~SIG_UNBLOCKABLE;
	}
	sched_lock_release(f);
	return r;
}

sigset_t signal_pending_set(void)
{
	struct thread *t = thread_current();
	irqflags_t f = sched_lock_acquire();
	sigset_t s = t->task->sig ? pending_of(t) : 0;

	sched_lock_release(f);
	return s;
}

int signal_wait(sigset_t set, siginfo_t *info, uint64_t deadline_ns)
{
	struct thread *t = thread_current();
	struct wait_queue wq;
	irqflags_t f;
	int r;

	set &= ~SIG_UNBLOCKABLE;
	if (!t->task->sig)
		return -EINVAL;
	wait_queue_init_kind(&wq, WAIT_SIGNAL);
	f = sched_lock_acquire();
	for (;;) {
		uint64_t ready = pending_of(t) & set;
		if (ready) {
			r = __builtin_ctzll(ready) + 1;
			dequeue_locked(t, r, info);
			break;
		}
		t->sig_waiting = set;
		r = wait_block_intr_locked(&wq, deadline_ns);
		t->sig_waiting = 0;
		if (r == -ETIMEDOUT) {
			r = -EAGAIN;
			break;
		}
		if (r == -ECANCELED)
			break;
		if (r == -EINTR && !(pending_of(t) & set))
			break;	/* another signal: the wrapper delivers it */
	}
	sched_lock_release(f);
	return r;
}

int signal_suspend(sigset_t mask)
{
	struct thread *t = thread_current();
	struct wait_queue wq;
	uint64_t old;
	irqflags_t f;
	int r;

	wait_queue_init_kind(&wq, WAIT_SIGNAL);
	f = sched_lock_acquire();
	old = t->sig_mask;
	t->sig_mask = mask & ~SIG_UNBLOCKABLE;
	/* Until a handler runs (or the task is killed): a wake-up that ran
	 * none (the signal went to another thread) does not end it. */
	for (;;) {
		do
			r = wait_block_intr_locked(&wq, WAIT_FOREVER);
		while (r != -EINTR && r != -ECANCELED);
		sched_lock_release(f);
		/* Under the temporary mask. */
		if (r == -ECANCELED || signal_deliver() != SIGNAL_NONE_RAN)
			break;
		f = sched_lock_acquire();
	}
	f = sched_lock_acquire();
	/* At EL0 the handler runs after the return, still under mask: the
	 * return to EL0 puts old back (signal_take_handler()). */
	if (user_thread(t) && r == -EINTR) {
		t->sig_suspend_old = old;
		t->sig_suspended = true;
	} else {
		t->sig_mask = old;
	}
	sched_lock_release(f);
	return r;
}

/* Periodic ITIMER_REAL: the next expiry one interval after the last
 * one; expiries already missed are skipped, not queued. */
static void alarm_fire(struct ktimer *kt)
{
	struct task_signals *ts = container_of(kt, struct task_signals, alarm);
	siginfo_t info = { .si_signo = SIGALRM, .si_code = SI_TIMER };
	uint64_t now = clock_monotonic_ns(), next;

	send_task_locked(ts->task, &info, 0);
	if (!ts->alarm_interval_ns)
		return;
	next = add_sat_u64(kt->deadline_ns, ts->alarm_interval_ns);
	if (next <= now)
		next = add_sat_u64(now, ts->alarm_interval_ns);
	ktimer_arm_locked(kt, next, alarm_fire);
}

uint64_t signal_itimer_round(uint64_t ns)
{
	return ns && ns < ITIMER_MIN_NS ? ITIMER_MIN_NS : ns;
}

int signal_itimer(uint64_t value_ns, uint64_t interval_ns,
		  uint64_t *old_value_ns, uint64_t *old_interval_ns)
{
	struct task_signals *ts = task_current()->sig;
	uint64_t now = clock_monotonic_ns();
	irqflags_t f;

	if (!ts)
		return -EINVAL;
	f = sched_lock_acquire();
	if (old_value_ns)
		*old_value_ns = ts->alarm.armed && ts->alarm.deadline_ns > now ?
				ts->alarm.deadline_ns - now : 0;
	if (old_interval_ns)
		*old_interval_ns = ts->alarm_interval_ns;
	if (value_ns != SIGNAL_ITIMER_KEEP) {
		ktimer_cancel_locked(&ts->alarm);
		ts->alarm_interval_ns = value_ns ? signal_itimer_round(interval_ns) : 0;
		if (value_ns)
			ktimer_arm_locked(&ts->alarm, add_sat_u64(now,
					  signal_itimer_round(value_ns)), alarm_fire);
	}
	sched_lock_release(f);
	return 0;
}

unsigned int signal_alarm(unsigned int secs)
{
	uint64_t left = 0;

	signal_itimer((uint64_t)secs * NSEC_PER_SEC, 0, &left, NULL);
	return (unsigned int)((left + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}
