// SPDX-License-Identifier: BSD-2-Clause
/*
 * Signals of EL0 threads: the return to EL0 (after a system call, an
 * interrupt or a fault taken from EL0) is their delivery point.  For a
 * handler the interrupted registers go into a struct sigframe
 * (<asm/sigframe.h>) pushed on the user stack with copy_to_user(), and
 * the thread leaves for the handler; the program's restorer brings the
 * frame back through sigreturn, which checks it before any register is
 * taken from it.  A stack the frame cannot be written to, or a frame
 * that cannot be read or would leave EL0t, ends the task with SIGSEGV:
 * never the kernel.
 *
 * FP/SIMD: a handler may use the registers (the compiler does for
 * copies), so the interrupted state is saved in the frame and put back
 * by sigreturn, through thread->fpu.  Kernel code uses them too
 * (picolibc's memcpy and memset, with the thread's access on): so the
 * live registers go to thread->fpu (arch_fpu_flush()) before any such
 * call here, and the CPU's copy is forgotten (arch_thread_release())
 * before the return to EL0, whose next FP/SIMD use reloads thread->fpu.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <asm/sigframe.h>
#include <asm/trap_frame.h>
#include <vireo/arch.h>
#include <vireo/cpu.h>
#include <vireo/klog.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/uaccess.h>
#include "arm64_priv.h"

_Static_assert(sizeof(siginfo_t) <= sizeof(((struct sigframe *)0)->info),
	       "siginfo_t fits the frame");
_Static_assert(sizeof(((struct sigcontext *)0)->fp) ==
	       sizeof(struct arch_fpu_state), "FP/SIMD layout");
_Static_assert(sizeof(struct sigframe) % 16 == 0, "stack alignment");

#define SPSR_BTYPE	(3UL << 10)

/* The task ends as a fault would end it; the report says why. */
static __noreturn void bad_frame(const char *what, uintptr_t addr)
{
	struct thread *t = thread_current();

	pr_err("pid %d (%s): %s %#lx: SIGSEGV\n", task_getpid(), t->name,
	       what, (unsigned long)addr);
	task_exit_signaled(SIGSEGV);
}

/* Pushes the frame for sig and points f at its handler. */
static void push_frame(struct trap_frame *f, int sig, const siginfo_t *info,
		       const struct sigaction *act, uint64_t old_mask)
{
	struct thread *t = thread_current();
	struct sigframe fr;
	bool on_alt = f->sp >= t->sigalt_lo && f->sp < t->sigalt_hi;
	uintptr_t top = (act->sa_flags & SA_ONSTACK) && t->sigalt_hi &&
			!on_alt ? t->sigalt_hi : f->sp;
	uintptr_t sp = (top - sizeof(fr)) & ~(uintptr_t)15;

	memset(&fr, 0, sizeof(fr));
	memcpy(fr.ctx.x, f->x, sizeof(fr.ctx.x));
	fr.ctx.sp = f->sp;
	fr.ctx.pc = f->elr;
	fr.ctx.pstate = f->spsr;
	fr.ctx.mask = old_mask;
	memcpy(&fr.ctx.fp, &t->fpu, sizeof(fr.ctx.fp));	/* flushed */
	memcpy(fr.info, info, sizeof(*info));
	if (sp > top || copy_to_user((uaddr_t){ sp }, &fr, sizeof(fr)))
		bad_frame("no room for a signal frame below sp", top);
	f->x[0] = (uint64_t)sig;
	f->x[1] = sp + offsetof(struct sigframe, info);
	f->x[2] = sp + offsetof(struct sigframe, ctx);
	f->x[30] = (uintptr_t)act->sa_restorer;
	f->sp = sp;
	f->elr = (uintptr_t)act->sa_handler;
	/* Entered as by a call: no branch-target check pending. */
	f->spsr &= ~SPSR_BTYPE;
}

void arm64_user_deliver(struct trap_frame *f, const uint64_t *svc_x0)
{
	struct thread *t = thread_current();
	siginfo_t info;
	struct sigaction act;
	uint64_t old_mask;
	int sig;

	arch_fpu_flush(t);
	while (signal_pending()) {
		arch_irq_enable();
		sig = signal_take_handler(&info, &act, &old_mask);
		if (sig && svc_x0 && f->x[0] == (uint64_t)-EINTR &&
		    signal_user_restart(&act)) {
			f->x[0] = *svc_x0;	/* the call again, after it */
			f->elr -= 4;		/* svc is 4 bytes */
		}
		svc_x0 = NULL;	/* the first handler decided */
		if (sig)
			push_frame(f, sig, &info, &act, old_mask);
		arch_irq_disable();
		if (!sig)
			break;
	}
	arch_thread_release(t);
}

uintptr_t arch_user_sp(const struct thread *t)
{
	return ((const struct trap_frame *)t->user_regs)->sp;
}

long arch_signal_return(uintptr_t frame)
{
	struct thread *t = thread_current();
	struct trap_frame *f = t->user_regs;
	struct sigcontext ctx;
	sigset_t mask;

	if (!f)
		return -ENOSYS;		/* not an EL0 thread */
	if (copy_from_user(&ctx, (uaddr_t){ frame }, sizeof(ctx)))
		bad_frame("sigreturn: unreadable frame at", frame);
	if (!sigframe_pstate_ok(ctx.pstate))
		bad_frame("sigreturn: forged PSTATE", ctx.pstate);
	memcpy(f->x, ctx.x, sizeof(f->x));
	f->sp = ctx.sp;
	f->elr = ctx.pc;
	f->spsr = ctx.pstate;
	arch_fpu_flush(t);	/* the handler's registers: dead */
	memcpy(&t->fpu, &ctx.fp, sizeof(t->fpu));
	arch_thread_release(t);	/* memcpy may have loaded the old ones */
	mask = ctx.mask;
	signal_mask(SIG_SETMASK, &mask, NULL);
	return (long)ctx.x[0];	/* the system call's result is x0 */
}
